/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock protocol's wire format (lockq.h): each message built as the
 * top of lockq.c writes it down, and read back strictly (numbers through
 * wire.h, the one scanner), so that a message has one spelling and
 * nothing foreign is taken for ours. No I/O.
 */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockq.h"
#include "wire.h"

#define PROTO	LQ_PROTO

/* snprintf's count, but never more than it wrote: 0 if it did not fit */
static size_t
wrote(int n, size_t size)
{
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

size_t
lq_request_msg(char *buf, size_t size, unsigned limit, int quorum,
    uint32_t seq, uint32_t kill_ms)
{
	return wrote(snprintf(buf, size, PROTO "request %u %c %u %u", limit,
	    quorum ? 'q' : 'n', seq, kill_ms), size);
}

/* ... and the sender's clock, in ms since the epoch (tokens) */
size_t
lq_request_at_msg(char *buf, size_t size, unsigned limit, int quorum,
    uint32_t seq, uint32_t kill_ms, uint64_t wall)
{
	return wrote(snprintf(buf, size, PROTO "request %u %c %u %u %llu",
	    limit, quorum ? 'q' : 'n', seq, kill_ms,
	    (unsigned long long)wall), size);
}

size_t
lq_query_msg(char *buf, size_t size, uint32_t seq)
{
	return wrote(snprintf(buf, size, PROTO "query %u", seq), size);
}

/* RING as corosync writes ring ids: NODEID.SEQ, in hex */
size_t
lq_init_msg(char *buf, size_t size, uint32_t seq, uint32_t ring_node,
    uint64_t ring_seq)
{
	return wrote(snprintf(buf, size, PROTO "init %u %x.%llx", seq,
	    ring_node, (unsigned long long)ring_seq), size);
}

size_t
lq_init_at_msg(char *buf, size_t size, uint32_t seq, uint32_t ring_node,
    uint64_t ring_seq, uint64_t wall)
{
	return wrote(snprintf(buf, size, PROTO "init %u %x.%llx %llu", seq,
	    ring_node, (unsigned long long)ring_seq,
	    (unsigned long long)wall), size);
}

size_t
lq_granted_msg(char *buf, size_t size, uint64_t token)
{
	return wrote(snprintf(buf, size, PROTO "granted %llu",
	    (unsigned long long)token), size);
}

size_t
lq_forgot_msg(char *buf, size_t size, uint32_t seq)
{
	return wrote(snprintf(buf, size, PROTO "forgot %u", seq), size);
}

size_t
lq_check_msg(char *buf, size_t size, uint32_t seq)
{
	return wrote(snprintf(buf, size, PROTO "check %u", seq), size);
}

size_t
lq_running_msg(char *buf, size_t size, uint32_t ms)
{
	return wrote(snprintf(buf, size, PROTO "running %u", ms), size);
}

/* A message built piece by piece; too small a buffer makes it empty. */
struct mbuf {
	char	*p;
	size_t	 size;
	size_t	 len;
	int	 over;
};

static void __attribute__((format(printf, 2, 3)))
app(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->size - b->len)
		b->over = 1;
	else
		b->len += (size_t)n;
}

/* " N:P,..." or, with kill, " N:P:K,..."; " -" if empty. */
static void
put_list(struct mbuf *b, const struct cpgt_addr *v, size_t n,
    const uint32_t *kill)
{
	size_t i;

	if (n == 0)
		app(b, " -");
	for (i = 0; i < n; i++) {
		app(b, "%c%u:%u", i ? ',' : ' ', v[i].nodeid, v[i].pid);
		if (kill != NULL)
			app(b, ":%u", kill[i]);
	}
}

size_t
lq_state_msg(char *buf, size_t size, const struct lockq *st,
    const struct lq_pend *tag, uint32_t grace_ms)
{
	struct mbuf b = { buf, size, 0, size == 0 };
	size_t i;

	app(&b, PROTO "state %u:%u:%u %u %c %u", tag->a.nodeid, tag->a.pid,
	    tag->seq, st->limit, st->quorum ? 'q' : 'n', grace_ms);
	put_list(&b, st->q, st->nq, st->kill_ms);
	put_list(&b, st->synced, st->nsynced, NULL);
	if (st->npend == 0)
		app(&b, " -");
	for (i = 0; i < st->npend; i++)
		app(&b, "%c%u:%u:%u", i ? ',' : ' ', st->pend[i].a.nodeid,
		    st->pend[i].a.pid, st->pend[i].seq);
	app(&b, " %llu %llu %llu", (unsigned long long)st->last,
	    (unsigned long long)st->lc, (unsigned long long)st->ring_seq);
	if (lq_holders(st) == 0)
		app(&b, " -");
	for (i = 0; i < lq_holders(st); i++)
		app(&b, "%c%llu", i ? ',' : ' ', (unsigned long long)st->tok[i]);
	return b.over ? 0 : b.len;
}

/* Parsing: strict, so that no foreign message is taken for ours. */

static int
num(const char **p, uint32_t *v)
{
	return wire_u32(p, NULL, v);
}

/* NODEID.SEQ in hex, as corosync writes a ring id */
static int
ring(const char **p, uint32_t *node, uint64_t *seq)
{
	const char *s = *p;
	uint64_t n;

	if (!wire_num(&s, NULL, 16, UINT32_MAX, &n) || *s++ != '.' ||
	    !wire_num(&s, NULL, 16, UINT64_MAX, seq))
		return 0;
	*node = (uint32_t)n;
	*p = s;
	return 1;
}

/* a token: decimal, at most LQ_TOKEN_MAX (wire.h's one scanner) */
static int
num64(const char **p, uint64_t *v)
{
	return wire_num(p, NULL, 10, LQ_TOKEN_MAX, v);
}

static int lit(const char **, const char *);

/* a request's or an init's " WALL", the sender's clock: 0 if absent */
static int
wall(const char **p, uint64_t *v)
{
	*v = 0;
	return **p == '\0' || (lit(p, " ") && num64(p, v));
}

static int
lit(const char **p, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(*p, s, n) != 0)
		return 0;
	*p += n;
	return 1;
}

static int
mode(const char **p, int *quorum)
{
	if (**p != 'q' && **p != 'n')
		return 0;
	*quorum = *(*p)++ == 'q';
	return 1;
}

static int
addr(const char **p, struct cpgt_addr *a)
{
	return num(p, &a->nodeid) && lit(p, ":") && num(p, &a->pid);
}

static int
list(const char **p, struct cpgt_addr *v, size_t *n, uint32_t *kill)
{
	*n = 0;
	if (lit(p, "-"))
		return 1;
	do {
		if (*n == LQ_MAX || !addr(p, &v[*n]))
			return 0;
		if (kill != NULL && (!lit(p, ":") || !num(p, &kill[*n])))
			return 0;
		(*n)++;
	} while (lit(p, ","));
	return 1;
}

static int
pending(const char **p, struct lockq *st)
{
	struct lq_pend *e;

	st->npend = 0;
	if (lit(p, "-"))
		return 1;
	do {
		if (st->npend == LQ_PENDING)
			return 0;
		e = &st->pend[st->npend++];
		if (!addr(p, &e->a) || !lit(p, ":") || !num(p, &e->seq))
			return 0;
	} while (lit(p, ","));
	return 1;
}

/* a list names each process once */
static int
distinct(const struct cpgt_addr *v, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (addr_eq(v[i], v[k]))
				return 0;
	return 1;
}

static int
kills_ok(const struct lockq *st)
{
	size_t i;

	for (i = 0; i < st->nq; i++)
		if (st->kill_ms[i] > LQ_KILL_MS_MAX)
			return 0;
	return 1;
}

/* the holders' tokens, in queue order: none 0, none above the latest */
static int
tokens(const char **p, struct lockq *st, size_t n)
{
	size_t i;

	if (n == 0)
		return lit(p, "-");
	for (i = 0; i < n; i++)
		if ((i > 0 && !lit(p, ",")) || !num64(p, &st->tok[i]) ||
		    st->tok[i] == 0 || st->tok[i] > st->last)
			return 0;
	return 1;
}

static int
parse_state(const char *p, struct lq_msg *m)
{
	struct lockq *st = &m->st;
	uint32_t limit;

	lq_reset(st);
	if (!addr(&p, &m->tag.a) || !lit(&p, ":") || !num(&p, &m->tag.seq) ||
	    !lit(&p, " ") || !num(&p, &limit) || !lit(&p, " ") ||
	    !mode(&p, &st->quorum) || !lit(&p, " ") ||
	    !num(&p, &m->grace_ms) || !lit(&p, " ") ||
	    !list(&p, st->q, &st->nq, st->kill_ms) || !lit(&p, " ") ||
	    !list(&p, st->synced, &st->nsynced, NULL) || !lit(&p, " ") ||
	    !pending(&p, st) || !lit(&p, " ") || !num64(&p, &st->last) ||
	    !lit(&p, " ") || !num64(&p, &st->lc) ||
	    !lit(&p, " ") || !num64(&p, &st->ring_seq) ||
	    !lit(&p, " ") || limit > LQ_MAX ||
	    !tokens(&p, st, st->nq < limit ? st->nq : limit) || *p != '\0')
		return 0;
	/*
	 * Whatever a state says must be possible: a limit in range, a grace
	 * no longer than a --kill-after plus its margin, no process twice,
	 * every kill time in range, and a responder among its own SYNCED,
	 * or among PENDING when SYNCED is empty (checked by lockp.c, which
	 * knows the sender).
	 */
	if (limit > LQ_MAX || (st->nq == 0) != (limit == 0) ||
	    m->grace_ms > LQ_KILL_MS_MAX + 60000 ||
	    !distinct(st->q, st->nq) || !distinct(st->synced, st->nsynced) ||
	    !kills_ok(st))
		return 0;
	st->limit = limit;
	return 1;
}

/* 1 and m filled if the bytes are a lock message, else 0. */
int
lq_parse(const void *data, size_t len, struct lq_msg *m)
{
	char buf[LQ_MSG_MAX + 1];
	const char *p = buf;
	uint32_t limit;

	m->kind = LQ_FOREIGN;
	m->wall = 0;
	if (len > LQ_MSG_MAX || memchr(data, '\0', len) != NULL)
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	if (!lit(&p, PROTO))
		return 0;
	if (lit(&p, "request ")) {
		if (!num(&p, &limit) || limit == 0 || limit > LQ_MAX ||
		    !lit(&p, " ") || !mode(&p, &m->quorum) ||
		    !lit(&p, " ") || !num(&p, &m->seq) || !lit(&p, " ") ||
		    !num(&p, &m->kill_ms) || m->kill_ms > LQ_KILL_MS_MAX ||
		    !wall(&p, &m->wall) || *p != '\0')
			return 0;
		m->limit = limit;
		m->kind = LQ_REQUEST;
	} else if (lit(&p, "query ")) {
		if (num(&p, &m->seq) && *p == '\0')
			m->kind = LQ_QUERY;
	} else if (lit(&p, "init ")) {
		if (num(&p, &m->seq) && lit(&p, " ") &&
		    ring(&p, &m->ring_node, &m->ring_seq) &&
		    wall(&p, &m->wall) && *p == '\0')
			m->kind = LQ_INIT;
	} else if (lit(&p, "forgot ")) {
		if (num(&p, &m->seq) && *p == '\0')
			m->kind = LQ_FORGOT;
	} else if (lit(&p, "check ")) {
		if (num(&p, &m->seq) && *p == '\0')
			m->kind = LQ_CHECK;
	} else if (lit(&p, "running ")) {
		if (num(&p, &m->kill_ms) && m->kill_ms <= LQ_KILL_MS_MAX &&
		    *p == '\0')
			m->kind = LQ_RUNNING;
	} else if (lit(&p, "granted ")) {
		if (num64(&p, &m->token) && m->token > 0 && *p == '\0')
			m->kind = LQ_GRANTED;
	} else if (lit(&p, "bystander")) {
		if (*p == '\0')
			m->kind = LQ_BYSTANDER;
	} else if (lit(&p, "state ") && parse_state(p, m))
		m->kind = LQ_STATE;
	return m->kind != LQ_FOREIGN;
}
