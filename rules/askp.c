/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ask/serve protocol: a request to every member of a group, and an
 * exact account of who answered, who failed and who left.
 *
 * `cpgtool serve GROUP -- COMMAND' joins GROUP and runs COMMAND once per
 * request; `cpgtool ask GROUP MSG' joins it, multicasts a request and
 * collects the replies. Anything else may be a member too (a `watch', or
 * another asker): such members never answer.
 *
 * The envelope (documented in cpgtool(1), REQUEST AND REPLY): a line of
 * text, and for a request or a reply the payload after its newline, every
 * byte up to the message's length (CPG carries the length: binary is
 * fine, and a message over ~1 MB is fragmented by libcpg).
 *   ask1 req ID NODES\nPAYLOAD      a request; NODES is - (every node)
 *                                   or NODEID,... (--nodes)
 *   ask1 ack ID addressed           a server took it: COMMAND will run
 *   ask1 ack ID notaddressed        a server whose node NODES leaves out
 *   ask1 reply ID STATUS whole\nPAYLOAD
 *   ask1 reply ID STATUS cut\nPAYLOAD
 *                                   COMMAND's status (0 to 255) and
 *                                   stdout, cut at serve's --max-reply
 *   ask1 probe ID N                 the asker's own, see the ack clock
 * ID is NODEID:PID:SEQ: the asker's address and its own number for the
 * request, so concurrent asks never take each other's replies.
 *
 * What CPG guarantees, and what is taken from it (as in lockq.c):
 *  G1 Every member is delivered the group's messages and confchgs in one
 *     agreed order; members that go from one confchg to the next together
 *     are delivered the same messages in between (virtual synchrony).
 *  G2 A process is delivered nothing from before its own join.
 *  G3 A member that leaves, exits or whose node drops out is removed by a
 *     confchg, at the same point of the order for every remaining member.
 *  G4 One sender's messages are delivered in the order it sent them.
 *  T  A ring change (node failure or return) is told to every client
 *     (totem confchg) while corosync synchronises, when no client can
 *     send (exec/cpg.c cpg_sync_activate, exec/main.c); a message that
 *     a stalled ring could not order goes out after that, so it is
 *     delivered after the ring change everywhere.
 *
 * Who is awaited. Let V be the asker's view (the members of its last
 * confchg) when its own request is delivered back to it. By G1 each
 * member of V that stays in the asker's next view was delivered the
 * request too; by G3 one that does not is seen to leave; by G2 nobody
 * outside V ever sees it. So V minus the asker is exactly who can answer,
 * and each member of it ends in one state:
 *   replied   it acked, then replied (status 0: "replied", else "failed")
 *   left      it acked (this request, or any since the asker joined),
 *             then a confchg removed it before its reply
 *   not addressed   its node is not in NODES (known from V at once), or
 *             it acked so
 *   not a server    it never acked: it stayed silent (the ack clock
 *             below), or it asks (below), or a confchg removed it first
 * The ask is complete when every member is in one of these, or when
 * --replies N (--first: 1) replies were delivered. Only "left" can mean
 * a command that ran and was not answered for: a member gone before
 * acking may have been a server that died at once, but nothing of the
 * request can be known from it, and watchers and askers leave all the
 * time (every ask is a process).
 *
 * A member seen sending a request of its own since the asker joined is
 * an asker (cpgtool's askers serve nothing): not waited for, at once.
 * Concurrent asks so do not wait out each other's ack clock. Should it
 * ack after all before the ask is complete (a program that does both),
 * it is awaited again, as a late ack is.
 *
 * A reply counts only from a member of V that acked this ID before it:
 * by G4 a server's ack precedes its reply, and serve acks every request
 * at delivery. A reply with no ack before it answers a dead process
 * whose nodeid:pid was reused by this asker (the server sent it before
 * seeing that one leave); it is ignored. serve ignores a request whose
 * ID is not its sender's own address, so no one can have replies sent
 * under another asker's ID.
 *
 * The ack clock. A member that will never ack (a watcher) cannot be told
 * from one whose ack is late except by waiting: each silent member is
 * given --ack-timeout from the request's delivery. Two rules keep a
 * stalled ring from turning servers into non-servers:
 *  - the wait starts again at every ring change: after a node failure
 *    the ring delivers nothing for the token timeout plus consensus
 *    (about 6.5 s here), and acks sent meanwhile come only after the
 *    ring change (T);
 *  - the local clock alone decides nothing: once the wait is over the
 *    asker multicasts a probe, and members still silent when the probe
 *    comes back, with no ring change since it was sent, are declared
 *    not servers. A stall that began before the wait was over holds the
 *    probe too, ends with a ring change (T), and that starts the wait
 *    again.
 * So a silent member is declared only after --ack-timeout of a ring
 * that delivered the asker's probe. The wait does not restart at a
 * confchg without a ring change: every ask is a process that joins and
 * leaves, and under that churn the verdict would never come. Counting
 * delivered messages instead of time fails the other way: a quiet group
 * delivers nothing. A member seen acking any request since the asker
 * joined is a server (servers ack every request): it is never declared.
 * A late ack before the ask is complete makes a member a server again.
 * The one timing assumption: a server acks within --ack-timeout of a
 * request's delivery while the ring works. serve acks from the delivery
 * itself and hands the session one reply at a time, so an ack waits
 * behind at most one reply being sent.
 *
 * The rules a server follows (askp_serve; cmd/serve.c does them):
 *  - a request whose ID is not its sender's address: ignored;
 *  - NODES leaves this node out: ack notaddressed, nothing runs;
 *  - else ack addressed at once; COMMAND runs now if fewer than -j run,
 *    else the request waits; if --max-queue wait already (or their
 *    payloads would pass the byte bound) it is answered at once with
 *    status 125 and runs nothing;
 *  - a confchg removing an asker cancels its requests: dropped from the
 *    queue, a running COMMAND stopped, no reply;
 *  - COMMAND ended: reply with its status (124 if --exec-timeout stopped
 *    it, 126/127 if it could not be run, 125 if serve could not start
 *    it) and its stdout.
 *
 * Exit status of ask: 124 when --timeout ends it first; else 8 if a
 * reply it counted has a non-zero status; else 9 if an answer is
 * missing: fewer than --replies N, or (without it) a server that left
 * before replying, no server at all, or a node of --nodes without a
 * server; else 0.
 */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "askp.h"
#include "status.h"
#include "wire.h"

#define PROTO	"ask1 "

/* Wire format. */

size_t
askp_id_str(char *buf, size_t size, const struct askp_id *id)
{
	return (size_t)snprintf(buf, size, "%u:%u:%u", id->nodeid, id->pid,
	    id->seq);
}

/* "ask1 req ID NODES\n": the payload follows. */
size_t
askp_req_hdr(char *buf, size_t size, const struct askp_id *id,
    const uint32_t *nodes, size_t n)
{
	size_t i, len;

	len = (size_t)snprintf(buf, size, PROTO "req %u:%u:%u ", id->nodeid,
	    id->pid, id->seq);
	if (n == 0 && len < size)
		len += (size_t)snprintf(buf + len, size - len, "-");
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%u",
		    i ? "," : "", nodes[i]);
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "\n");
	return len;
}

size_t
askp_ack_msg(char *buf, size_t size, const struct askp_id *id,
    int addressed)
{
	return (size_t)snprintf(buf, size, PROTO "ack %u:%u:%u %s",
	    id->nodeid, id->pid, id->seq,
	    addressed ? "addressed" : "notaddressed");
}

/* "ask1 reply ID STATUS whole|cut\n": the payload follows. */
size_t
askp_reply_hdr(char *buf, size_t size, const struct askp_id *id,
    int status, int cut)
{
	return (size_t)snprintf(buf, size, PROTO "reply %u:%u:%u %d %s\n",
	    id->nodeid, id->pid, id->seq, status, cut ? "cut" : "whole");
}

size_t
askp_probe_msg(char *buf, size_t size, const struct askp_id *id,
    uint32_t n)
{
	return (size_t)snprintf(buf, size, PROTO "probe %u:%u:%u %u",
	    id->nodeid, id->pid, id->seq, n);
}

/* Parsing: strict, so that no foreign message is taken for ours. */

/* A decimal uint32_t without sign, spaces or leading zeros (wire.h). */
static int
num(const char **p, const char *end, uint32_t *v)
{
	return wire_u32(p, end, v);
}

static int
lit(const char **p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *p) < n || memcmp(*p, s, n) != 0)
		return 0;
	*p += n;
	return 1;
}

static int
id(const char **p, const char *end, struct askp_id *v)
{
	return num(p, end, &v->nodeid) && lit(p, end, ":") &&
	    num(p, end, &v->pid) && lit(p, end, ":") && num(p, end, &v->seq);
}

static int
nodes(const char **p, const char *end, struct askp_msg *m)
{
	m->nnodes = 0;
	if (lit(p, end, "-"))
		return 1;
	do {
		if (m->nnodes == ASKP_NODES_MAX ||
		    !num(p, end, &m->nodes[m->nnodes]))
			return 0;
		m->nnodes++;
	} while (lit(p, end, ","));
	return 1;
}

/* The header ends at its newline; the payload is the rest. */
static int
payload(const char *p, const char *hend, const char *end,
    struct askp_msg *m)
{
	if (p != hend)
		return 0;
	m->payload = hend + 1;
	m->len = (size_t)(end - hend - 1);
	return 1;
}

static int
parse_reply(const char *p, const char *hend, const char *end,
    struct askp_msg *m)
{
	uint32_t st;

	if (!id(&p, hend, &m->id) || !lit(&p, hend, " ") ||
	    !num(&p, hend, &st) || st > 255 || !lit(&p, hend, " "))
		return 0;
	m->status = (int)st;
	if (lit(&p, hend, "whole"))
		m->cut = 0;
	else if (lit(&p, hend, "cut"))
		m->cut = 1;
	else
		return 0;
	return payload(p, hend, end, m);
}

static int
parse_line(const char *p, const char *end, struct askp_msg *m)
{
	if (lit(&p, end, "ack ")) {
		if (!id(&p, end, &m->id) || !lit(&p, end, " "))
			return 0;
		if (lit(&p, end, "addressed"))
			m->addressed = 1;
		else if (lit(&p, end, "notaddressed"))
			m->addressed = 0;
		else
			return 0;
		m->kind = ASKM_ACK;
		return p == end;
	}
	if (lit(&p, end, "probe ")) {
		m->kind = ASKM_PROBE;
		return id(&p, end, &m->id) && lit(&p, end, " ") &&
		    num(&p, end, &m->probe) && p == end;
	}
	return 0;
}

/* 1 and m filled if the bytes are an ask1 message, else 0. */
int
askp_parse(const void *data, size_t len, struct askp_msg *m)
{
	const char *p = data, *end = p + len, *hend;

	memset(m, 0, sizeof(*m));
	if (!lit(&p, end, PROTO))
		return 0;
	hend = memchr(p, '\n', (size_t)(end - p));
	if (lit(&p, end, "req ")) {
		if (hend != NULL && id(&p, hend, &m->id) &&
		    lit(&p, hend, " ") && nodes(&p, hend, m) &&
		    payload(p, hend, end, m))
			m->kind = ASKM_REQ;
	} else if (lit(&p, end, "reply ")) {
		if (hend != NULL && parse_reply(p, hend, end, m))
			m->kind = ASKM_REPLY;
	} else if (hend != NULL || !parse_line(p, end, m))
		m->kind = ASKM_FOREIGN;
	if (m->kind == ASKM_FOREIGN)
		memset(m, 0, sizeof(*m));
	return m->kind != ASKM_FOREIGN;
}

int
askp_node_listed(const uint32_t *nodes, size_t n, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (nodes[i] == nodeid)
			return 1;
	return 0;
}

/* The asker's rules. */

static ssize_t
find_addr(const struct cpgt_addr *v, size_t n, struct cpgt_addr x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_eq(v[i], x))
			return (ssize_t)i;
	return -1;
}

static struct askp_member *
find_member(struct askp *a, struct cpgt_addr x)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (addr_eq(ADDR_OF(&a->m[i]), x))
			return &a->m[i];
	return NULL;
}

void
askp_init(struct askp *a, const struct askp_id *id, const uint32_t *nodes,
    size_t nnodes, unsigned long want, int64_t ack_timeout)
{
	memset(a, 0, sizeof(*a));
	a->id = *id;
	if (nnodes > ASKP_NODES_MAX)
		nnodes = ASKP_NODES_MAX;
	if (nnodes)
		memcpy(a->nodes, nodes, nnodes * sizeof(nodes[0]));
	a->nnodes = nnodes;
	a->want = want;
	a->ack_timeout = ack_timeout;
}

static struct askp_act *
push(struct askp *a, enum askp_act_kind kind)
{
	struct askp_act *x;

	/* three at most per input; the last slot is kept */
	if (a->nact == ASKP_ACT_MAX)
		a->nact--;
	x = &a->act[a->nact++];
	x->kind = kind;
	x->len = 0;
	return x;
}

static int
is_final(enum askp_mst st)
{
	return st != AM_ACK && st != AM_WORKING;
}

/* Whether the ask is complete now; ASKA_DONE the first time it is. */
static void
check_done(struct askp *a)
{
	size_t i;

	if (a->done || !a->started)
		return;
	if (!(a->want && a->replies >= a->want))
		for (i = 0; i < a->n; i++)
			if (!is_final(a->m[i].st))
				return;
	a->done = 1;
	push(a, ASKA_DONE);
}

static int
set_has(const struct askp_set *set, struct cpgt_addr x)
{
	return find_addr(set->a, set->n, x) >= 0;
}

static void
set_add(struct askp_set *set, struct cpgt_addr x)
{
	if (!set_has(set, x) && set->n < CPG_MEMBERS_MAX)
		set->a[set->n++] = x;
}

/* Only those still members. */
static void
set_keep(struct askp_set *set, const struct cpgt_addr *view, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < set->n; i++)
		if (find_addr(view, n, set->a[i]) >= 0)
			set->a[k++] = set->a[i];
	set->n = k;
}

/* Whether m was seen acking or replying, if only to others. */
static int
was_server(const struct askp *a, const struct askp_member *m)
{
	return set_has(&a->servers, ADDR_OF(m));
}

/* Whether m, silent so far, is known to be no server: it asks. */
static int
asker(const struct askp *a, const struct askp_member *m)
{
	return m->st == AM_ACK && set_has(&a->askers, ADDR_OF(m)) &&
	    !set_has(&a->servers, ADDR_OF(m));
}

/* Our request was delivered back to us: V is the view now. */
static void
start(struct askp *a, int64_t now)
{
	struct askp_member *m;
	size_t i;

	a->started = 1;
	a->ack_from = now;
	for (i = 0; i < a->nview; i++) {
		if (addr_eq(a->view[i], ADDR_OF(&a->id)))
			continue;
		m = &a->m[a->n++];
		memset(m, 0, sizeof(*m));
		m->nodeid = a->view[i].nodeid;
		m->pid = a->view[i].pid;
		m->st = a->nnodes && !askp_node_listed(a->nodes, a->nnodes,
		    m->nodeid) ? AM_NOTADDR : AM_ACK;
		if (asker(a, m))
			m->st = AM_NOTSERVER;
	}
	check_done(a);
}

/*
 * Members removed: a server gone before its reply left; one never seen
 * acking (this request or any) is no server.
 */
static void
gone(struct askp *a, const struct cpg_address *left, size_t nleft)
{
	struct askp_member *m;
	size_t i;

	for (i = 0; i < nleft; i++) {
		m = find_member(a, ADDR_OF(&left[i]));
		if (m == NULL || (m->st != AM_ACK && m->st != AM_WORKING))
			continue;
		m->st = m->st == AM_WORKING || was_server(a, m) ? AM_LEFT :
		    AM_NOTSERVER;
		m->reason = left[i].reason;
	}
}

void
askp_confchg(struct askp *a, const struct cpg_address *members, size_t n,
    const struct cpg_address *left, size_t nleft, int64_t now)
{
	size_t i;

	(void)now;
	if (n > CPG_MEMBERS_MAX)
		n = CPG_MEMBERS_MAX;
	for (i = 0; i < n; i++)
		a->view[i] = ADDR_OF(&members[i]);
	a->nview = n;
	if (a->started && !a->done)
		gone(a, left, nleft);
	set_keep(&a->servers, a->view, a->nview);
	set_keep(&a->askers, a->view, a->nview);
	check_done(a);
}

/* A ring change: the ack clock starts again (see the top). */
void
askp_ring(struct askp *a, int64_t now)
{
	a->epoch++;
	if (a->started)
		a->ack_from = now;
}

static int
id_eq(const struct askp_id *x, const struct askp_id *y)
{
	return addr_eq(ADDR_OF(x), ADDR_OF(y)) && x->seq == y->seq;
}

static void
on_ack(struct askp *a, struct askp_member *m, int addressed)
{
	if (m == NULL || a->done)
		return;
	/* NOTSERVER: late, but before the end; LEFT, REPLIED: final */
	if (m->st != AM_ACK && m->st != AM_NOTSERVER)
		return;
	m->acked = addressed;
	m->st = addressed ? AM_WORKING : AM_NOTADDR;
	check_done(a);
}

static void
on_reply(struct askp *a, struct askp_member *m, const struct askp_msg *msg,
    const struct askp_member **who)
{
	/* no ack before it: not an answer to this request (see the top) */
	if (m == NULL || a->done || m->st != AM_WORKING)
		return;
	m->st = AM_REPLIED;
	m->status = msg->status;
	a->replies++;
	*who = m;
	push(a, ASKA_PRINT);
	check_done(a);
}

/* Another process asks: an asker, no server, and not waited for. */
static void
on_request(struct askp *a, struct cpgt_addr from)
{
	struct askp_member *m;

	set_add(&a->askers, from);
	if (!a->started || a->done ||
	    (m = find_member(a, from)) == NULL || !asker(a, m))
		return;
	m->st = AM_NOTSERVER;
	check_done(a);
}

/* Our probe came back: decide, unless the ring changed meanwhile. */
static void
on_probe(struct askp *a, const struct askp_msg *msg)
{
	size_t i;

	if (msg->probe != a->probes || !a->probe_out)
		return;
	a->probe_out = 0;
	if (a->done || a->probe_epoch != a->epoch)
		return;
	for (i = 0; i < a->n; i++)
		if (a->m[i].st == AM_ACK &&
		    !set_has(&a->servers, ADDR_OF(&a->m[i])))
			a->m[i].st = AM_NOTSERVER;
	check_done(a);
}

/*
 * A message delivered from nodeid:pid. *who is set with ASKA_PRINT: the
 * member whose reply (msg's payload) is to be printed.
 */
void
askp_deliver(struct askp *a, struct cpgt_addr from, const struct askp_msg *msg,
    int64_t now, const struct askp_member **who)
{
	int mine = id_eq(&msg->id, &a->id);
	int self = addr_eq(from, ADDR_OF(&a->id));

	*who = NULL;
	switch (msg->kind) {
	case ASKM_REQ:
		if (mine && self && !a->started)
			start(a, now);
		else if (!self)
			on_request(a, from);
		break;
	case ASKM_ACK:
		set_add(&a->servers, from);
		if (mine && a->started)
			on_ack(a, find_member(a, from), msg->addressed);
		break;
	case ASKM_REPLY:
		set_add(&a->servers, from);
		if (mine && a->started)
			on_reply(a, find_member(a, from), msg, who);
		break;
	case ASKM_PROBE:
		if (mine && self)
			on_probe(a, msg);
		break;
	default:
		break;
	}
}

static int
undecided(const struct askp *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->m[i].st == AM_ACK &&
		    !set_has(&a->servers, ADDR_OF(&a->m[i])))
			return 1;
	return 0;
}

/* The time: a probe is due once the ack wait is over. */
void
askp_tick(struct askp *a, int64_t now)
{
	struct askp_act *x;

	if (!a->started || a->done || a->probe_out || !undecided(a) ||
	    now < a->ack_from + a->ack_timeout)
		return;
	a->probes++;
	a->probe_out = 1;
	a->probe_epoch = a->epoch;
	x = push(a, ASKA_SEND);
	x->len = askp_probe_msg(x->msg, sizeof(x->msg), &a->id, a->probes);
}

const struct askp_act *
askp_actions(const struct askp *a, size_t *n)
{
	*n = a->nact;
	return a->act;
}

void
askp_clear(struct askp *a)
{
	a->nact = 0;
}

size_t
askp_request_hdr(const struct askp *a, char *buf, size_t size)
{
	return askp_req_hdr(buf, size, &a->id, a->nodes, a->nnodes);
}

int
askp_started(const struct askp *a)
{
	return a->started;
}

int
askp_done(const struct askp *a)
{
	return a->done;
}

/* Members whose ack or reply is awaited, in the group's order. */
size_t
askp_awaited(const struct askp *a, struct cpgt_addr *v, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		if (!is_final(a->m[i].st) && n < max)
			v[n++] = ADDR_OF(&a->m[i]);
	return n;
}

/* When askp_tick has something to do; 0: not before another input. */
int64_t
askp_next(const struct askp *a)
{
	if (!a->started || a->done || a->probe_out || !undecided(a))
		return 0;
	return a->ack_from + a->ack_timeout;
}

void
askp_count(const struct askp *a, struct askp_counts *c)
{
	const struct askp_member *m;
	size_t i, k;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < a->n; i++) {
		m = &a->m[i];
		switch (m->st) {
		case AM_REPLIED:
			if (m->status == 0)
				c->replied++;
			else
				c->failed++;
			break;
		case AM_LEFT:
			c->left++;
			break;
		case AM_NOTSERVER:
			c->notserver++;
			break;
		case AM_NOTADDR:
			c->notaddr++;
			break;
		default:
			c->waiting++;
		}
	}
	for (k = 0; k < a->nnodes; k++) {
		for (i = 0; i < a->n; i++)
			if (a->m[i].acked && a->m[i].nodeid == a->nodes[k])
				break;
		if (i == a->n && !askp_node_listed(c->bare, c->nbare,
		    a->nodes[k]))
			c->bare[c->nbare++] = a->nodes[k];
	}
}

/* ask's exit status once it is complete (124 is the caller's). */
int
askp_status(const struct askp *a)
{
	struct askp_counts c;
	size_t i, servers = 0;

	askp_count(a, &c);
	if (c.failed)
		return ST_NONZERO;
	if (a->want)
		return a->replies >= a->want ? 0 : ST_MISSING;
	for (i = 0; i < a->n; i++)
		servers += a->m[i].acked || a->m[i].st == AM_LEFT;
	if (servers == 0 || c.left > 0 || c.nbare > 0 || !a->done)
		return ST_MISSING;
	return 0;
}

/* The server's rules. */

enum askp_verdict
askp_serve(const struct askp_msg *m, struct cpgt_addr from,
    uint32_t self_nodeid, const struct askp_load *ld)
{
	if (m->kind != ASKM_REQ || !addr_eq(ADDR_OF(&m->id), from))
		return SV_IGNORE;
	if (m->nnodes && !askp_node_listed(m->nodes, m->nnodes, self_nodeid))
		return SV_SKIP;
	if (ld->running < ld->jobs && ld->queued == 0)
		return SV_RUN;
	/* the first waiting request is taken whatever its size */
	if (ld->queued >= ld->max_queue || (ld->queued > 0 &&
	    (m->len > ld->max_bytes ||
	    ld->queued_bytes > ld->max_bytes - m->len)))
		return SV_BUSY;
	return SV_QUEUE;
}
