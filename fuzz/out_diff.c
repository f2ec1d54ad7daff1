/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The renderers, old against new, byte for byte (make -C fuzz diff
 * BASE=rev): out_diff.sh builds BASE's renderers with every global they
 * define renamed old_*, and links them with this tree's; both sides write
 * through the same sink.c and enc.c. A deterministic corpus of synthetic
 * items (messages with every byte value and payloads up to 1 MiB, every
 * membership event kind, confchg lists with every reason, totem and gap,
 * quorum events and quorum's view, lock events and queues, ask's replies,
 * serve's lines and ask's summary) goes through both under every option
 * set (-j, --timestamps, --exclude-self, --encoding, --events, a terminal
 * or not) and a few hundred --format strings; --exec's environment is
 * compared with and without node names. Any difference in the bytes or
 * in what a renderer returns is printed, and the exit status is 1.
 * enc_now (the lock events' time) is pinned: the clock is no difference.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "askp.h"
#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"

/* BASE's renderers, renamed by out_diff.sh; their prototypes are ours. */
int	 old_out_event(struct sink *, const struct outfmt *,
	    const struct event *);
void	 old_out_members(struct sink *, const struct outfmt *,
	    const struct cpg_name *, const struct cpg_address *, size_t,
	    const struct nodeinfo *, uint32_t);
void	 old_out_lock_event_token(struct sink *, const struct outfmt *,
	    enum lock_ev, const struct cpg_name *, const char *, uint64_t);
void	 old_out_lock_event(struct sink *, const struct outfmt *,
	    enum lock_ev, const struct cpg_name *, const char *);
void	 old_out_lock_queue(struct sink *, const struct outfmt *,
	    const struct cpg_name *, unsigned, const struct cpg_address *,
	    size_t, size_t, const struct nodeinfo *);
void	 old_out_lock_queue_token(struct sink *, const struct outfmt *,
	    const struct cpg_name *, unsigned, const struct cpg_address *,
	    size_t, size_t, const struct nodeinfo *, const uint64_t *);
void	 old_out_quorum(struct sink *, const struct outfmt *,
	    const struct qview *, const struct nodeinfo *);
int	 old_out_event_env(struct sink *, const struct outfmt *,
	    const struct event *, out_name_fn *, void *);
void	 old_out_reply(struct sink *, const struct outfmt *,
	    const struct cpg_name *, const struct reply *);
void	 old_out_served(struct sink *, enum served, const char *, int, size_t,
	    int, double);
void	 old_out_ask_summary(struct sink *, const struct askp_counts *,
	    const char *);
extern const char *const old_out_env_names[];

/* The lock events' clock, pinned for both sides (-Wl,--wrap=enc_now). */
void	 __wrap_enc_now(struct sink *);
void
__wrap_enc_now(struct sink *s)
{
	static const struct timespec t = { 1765000000, 123456789 };

	enc_time(s, &t);
}

static struct sink *A, *B;
static unsigned long items, bytes, diffs, formats;
static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 16);
}

/* Compare what the two sides wrote and returned; then start afresh. */
static void
same(const char *what, int ra, int rb)
{
	const char *a, *b;
	size_t na, nb, i;

	a = sink_data(A, &na);
	b = sink_data(B, &nb);
	items++;
	bytes += na;
	if (ra != rb || na != nb || memcmp(a, b, na) != 0) {
		for (i = 0; i < na && i < nb && a[i] == b[i]; i++)
			;
		if (diffs++ < 10)
			fprintf(stderr, "out_diff: item %lu (%s): returned "
			    "%d/%d, %zu/%zu bytes, first difference at %zu: "
			    "new '%.40s' old '%.40s'\n", items, what, ra, rb,
			    na, nb, i, i < na ? a + i : "",
			    i < nb ? b + i : "");
	}
	sink_drop(A);
	sink_drop(B);
}

/* Bytes a renderer must escape, and plain ones, mixed. */
static const char *const frags[] = {
	"a", "Z", " ", "\\", "\"", "/", "%", "\n", "\t", "\r", "\x1b[31m",
	"\x7f", "\xc2\x80", "\xc2\x9f", "\xc2\xa0", "\xc3\xa9", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xae", "\xe2\x80\x8b", "\xef\xbb\xbf",
	"\xf0\x9f\x98\x80", "\xf3\xa0\x80\x81", "\xed\xa0\x80", "\xc0\xaf",
	"\xff", "\xfe", "\x80", "\xe2\x82", "\xf4\x90\x80\x80", "\0",
	"\xd8\x9c", "\xc2\xad", "lock2 ", "=",
};

/* n bytes of one of several kinds into p; the length written. */
static size_t
fill(unsigned char *p, size_t n)
{
	size_t i, k, l;

	switch (rnd() % 4) {
	case 0:
		for (i = 0; i < n; i++)
			p[i] = (unsigned char)rnd();
		return n;
	case 1:
		for (i = 0; i < n; i++)
			p[i] = (unsigned char)(0x20 + rnd() % 95);
		return n;
	case 2:
		for (i = 0; i < n; i++)
			p[i] = (unsigned char)i;
		return n;
	}
	for (i = 0; i < n; i += l) {
		k = rnd() % (sizeof(frags) / sizeof(frags[0]));
		l = frags[k][0] ? strlen(frags[k]) : 1;
		if (l > n - i)
			l = n - i;
		memcpy(p + i, frags[k], l);
	}
	return n;
}

static void
rnd_group(struct cpg_name *g)
{
	g->length = 1 + rnd() % CPG_MAX_NAME_LENGTH;
	fill((unsigned char *)g->value, g->length);
}

static void
rnd_addrs(struct cpg_address *a, size_t n, const struct event *self)
{
	size_t i;

	for (i = 0; i < n; i++) {
		a[i].nodeid = rnd() % 5 ? 1 + rnd() % 4 : rnd();
		a[i].pid = rnd() % 5 ? 100 + rnd() % 4 : rnd();
		a[i].reason = rnd() % 9;
		if (self != NULL && rnd() % 3 == 0) {
			a[i].nodeid = self->self_nodeid;
			a[i].pid = self->self_pid;
		}
	}
}

static void
rnd_ni(struct nodeinfo *ni, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		ni[i].nodeid = (uint32_t)i + 1;
		k = rnd() % 4 ? rnd() % 40 : rnd() % sizeof(ni[i].name);
		fill((unsigned char *)ni[i].name, k);
		ni[i].name[k] = '\0';
		switch (rnd() % 3) {
		case 0:
			ni[i].addrs[0] = '\0';
			break;
		case 1:
			snprintf(ni[i].addrs, sizeof(ni[i].addrs), "10.0.0.%zu",
			    i);
			break;
		default:
			snprintf(ni[i].addrs, sizeof(ni[i].addrs),
			    "10.0.0.%zu,fe80::%zx,192.168.1.1", i, i);
		}
	}
}

/* --exec's node names: none, empty or one of a few. */
static const char *
names(void *arg, uint32_t nodeid)
{
	static const char *const n[] = { NULL, "", "node1", "n \\ \x1b x",
	    "\xc3\xa9t\xc3\xa9", "\xff\xfe" };

	(void)arg;
	return n[nodeid % 6];
}

/* An event through both sides, and its environment with and without names. */
static void
both_event(const struct outfmt *f, const struct event *ev)
{
	int ra, rb;

	ra = out_event(A, f, ev);
	rb = old_out_event(B, f, ev);
	same("event", ra, rb);
	ra = out_event_env(A, f, ev, NULL, NULL);
	rb = old_out_event_env(B, f, ev, NULL, NULL);
	same("env", ra, rb);
	ra = out_event_env(A, f, ev, names, NULL);
	rb = old_out_event_env(B, f, ev, names, NULL);
	same("env+names", ra, rb);
}

static unsigned char *payload;
#define PAYLOAD_MAX	((1u << 20) + 17)

static size_t
rnd_len(void)
{
	switch (rnd() % 8) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return rnd() % 4096;
	case 3:
		return rnd() % 70000;
	case 4:
		return rnd() % 64 == 0 ? PAYLOAD_MAX : rnd() % 300;
	}
	return rnd() % 64;
}

static void
messages(const struct outfmt *f, struct event *ev, int many)
{
	int i;

	ev->type = EV_MESSAGE;
	/* every byte value alone, then sizes of every kind */
	for (i = 0; i < (many ? 256 : 0); i++) {
		payload[0] = (unsigned char)i;
		ev->data = payload;
		ev->len = 1;
		both_event(f, ev);
	}
	for (i = 0; i < (many ? 60 : 8); i++) {
		ev->len = fill(payload, rnd_len());
		ev->data = payload;
		ev->nodeid = rnd() % 2 ? ev->self_nodeid : rnd();
		ev->pid = rnd() % 2 ? ev->self_pid : rnd();
		both_event(f, ev);
	}
}

static void
membership(const struct outfmt *f, struct event *ev)
{
	static struct cpg_address m[40], j[40], l[40];
	static const enum ev_type kinds[] = { EV_CONFCHG, EV_MEMBERS,
	    EV_GAP, EV_TOTEM };
	static uint32_t nodes[40];
	int i;
	size_t k;

	for (i = 0; i < 40; i++) {
		ev->type = kinds[i % 4];
		ev->nmembers = rnd() % 6 ? rnd() % 6 : rnd() % 40;
		ev->njoined = rnd() % 4;
		ev->nleft = rnd() % 4;
		rnd_addrs(m, ev->nmembers, ev);
		rnd_addrs(j, ev->njoined, ev);
		rnd_addrs(l, ev->nleft, ev);
		ev->members = m;
		ev->joined = j;
		ev->left = l;
		ev->nnodes = rnd() % 5 ? rnd() % 5 : rnd() % 40;
		for (k = 0; k < ev->nnodes; k++)
			nodes[k] = rnd() % 3 ? 1 + rnd() % 8 : rnd();
		ev->nodes = nodes;
		ev->ring.nodeid = rnd() % 2 ? 1 : rnd();
		ev->ring.seq = rnd() % 2 ? rnd() :
		    (uint64_t)rnd() << 32 | rnd();
		both_event(f, ev);
	}
}

static void
quorum(const struct outfmt *f, struct event *ev)
{
	static struct qview v;
	static struct nodeinfo ni[QNODES_MAX];
	size_t i, n;
	int round;

	for (round = 0; round < 6; round++) {
		memset(&v, 0, sizeof(v));
		v.quorate = rnd() % 2;
		v.nnodes = round == 5 ? QNODES_MAX : rnd() % 6;
		v.nodeid = 1 + rnd() % 4;
		v.ring.nodeid = rnd();
		v.ring.seq = (uint64_t)rnd() << 20 | rnd();
		v.expected = rnd() % 9;
		v.highest = rnd() % 9;
		v.total = rnd() % 9;
		v.quorum = rnd() % 9;
		for (i = 0; i < v.nnodes; i++)
			v.nodes[i] = (struct qnode){ (uint32_t)i + 1,
			    rnd() % 3, (enum qstate)(rnd() % 3) };
		n = v.nnodes ? v.nnodes : 1;
		rnd_ni(ni, n);
		ev->quorum = &v;
		ev->type = v.quorate ? EV_QUORATE : EV_INQUORATE;
		ev->unordered = rnd() % 2;
		both_event(f, ev);
		ev->type = EV_NODE;
		for (i = 0; i < v.nnodes && i < 8; i++) {
			ev->node = &v.nodes[i];
			ev->name = rnd() % 2 ? &ni[i] : NULL;
			both_event(f, ev);
		}
		ev->quorum = NULL;
		ev->node = NULL;
		ev->name = NULL;
		ev->unordered = 0;
		out_quorum(A, f, &v, ni);
		old_out_quorum(B, f, &v, ni);
		same("quorum view", 0, 0);
		out_quorum(A, f, &v, NULL);
		old_out_quorum(B, f, &v, NULL);
		same("quorum view", 0, 0);
	}
}

static void
members_and_locks(const struct outfmt *f, const struct cpg_name *g)
{
	static struct cpg_address a[40];
	static struct nodeinfo ni[40];
	static uint64_t tok[40];
	static const char *const reasons[] = { NULL, "quorum", "",
	    "the lock's group \x1b\xff went" };
	struct cpg_name lock;
	size_t n, h, i;
	int k;

	for (k = 0; k < 12; k++) {
		n = rnd() % 6 ? rnd() % 6 : rnd() % 40;
		rnd_addrs(a, n, NULL);
		rnd_ni(ni, n);
		for (i = 0; i < n; i++)
			tok[i] = rnd() % 2 ? rnd() : (uint64_t)rnd() << 40;
		i = 1 + rnd() % 4;
		out_members(A, f, g, a, n, k & 1 ? ni : NULL, (uint32_t)i);
		old_out_members(B, f, g, a, n, k & 1 ? ni : NULL, (uint32_t)i);
		same("members", 0, 0);
		rnd_group(&lock);
		h = rnd() % 8;
		out_lock_event(A, f, (enum lock_ev)(k % 4), &lock,
		    reasons[k % 4]);
		old_out_lock_event(B, f, (enum lock_ev)(k % 4), &lock,
		    reasons[k % 4]);
		same("lock event", 0, 0);
		out_lock_event_token(A, f, (enum lock_ev)(k % 4), &lock,
		    reasons[(k / 4) % 4], tok[0] * (k & 1));
		old_out_lock_event_token(B, f, (enum lock_ev)(k % 4), &lock,
		    reasons[(k / 4) % 4], tok[0] * (k & 1));
		same("lock event token", 0, 0);
		out_lock_queue(A, f, &lock, (unsigned)h, a, n, h,
		    k & 2 ? ni : NULL);
		old_out_lock_queue(B, f, &lock, (unsigned)h, a, n, h,
		    k & 2 ? ni : NULL);
		same("lock queue", 0, 0);
		out_lock_queue_token(A, f, &lock, (unsigned)h, a, n, h,
		    k & 2 ? ni : NULL, k & 4 ? tok : NULL);
		old_out_lock_queue_token(B, f, &lock, (unsigned)h, a, n, h,
		    k & 2 ? ni : NULL, k & 4 ? tok : NULL);
		same("lock queue token", 0, 0);
	}
}

static void
ask(const struct outfmt *f, const struct cpg_name *g)
{
	static struct nodeinfo ni;
	static const char *const waiting[] = { "missing", "not waited for" };
	struct askp_counts c;
	struct reply r;
	size_t i;
	int k;

	for (k = 0; k < 16; k++) {
		memset(&r, 0, sizeof(r));
		r.time = (struct timespec){ rnd(), rnd() % 1000000000 };
		r.nodeid = rnd();
		r.pid = rnd();
		rnd_ni(&ni, 1);
		r.ni = k & 1 ? &ni : NULL;
		r.status = k & 2 ? (int)(rnd() % 300) : 0;
		r.cut = (k & 4) != 0;
		r.len = fill(payload, rnd_len() % 70000);
		r.data = payload;
		out_reply(A, f, g, &r);
		old_out_reply(B, f, g, &r);
		same("reply", 0, 0);
		out_served(A, (enum served)(k % 4), "id-\x01\xff", (int)r.pid %
		    300, r.len, r.cut, r.pid / 1e3);
		old_out_served(B, (enum served)(k % 4), "id-\x01\xff",
		    (int)r.pid % 300, r.len, r.cut, r.pid / 1e3);
		same("served", 0, 0);
		memset(&c, 0, sizeof(c));
		c.replied = rnd() % 3;
		c.failed = rnd() % 3;
		c.left = rnd() % 3;
		c.notserver = rnd() % 3;
		c.notaddr = rnd() % 3;
		c.waiting = rnd() % 3;
		c.nbare = rnd() % 4;
		for (i = 0; i < c.nbare; i++)
			c.bare[i] = rnd();
		out_ask_summary(A, &c, waiting[k & 1]);
		old_out_ask_summary(B, &c, waiting[k & 1]);
		same("ask summary", 0, 0);
	}
}

/* One option set: every kind of item. */
static void
corpus(const struct outfmt *f, int many)
{
	static struct cpg_name g;
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	rnd_group(&g);
	ev.group = &g;
	ev.time = (struct timespec){ 1765000000 + rnd() % 1000000,
	    rnd() % 1000000000 };
	ev.self_nodeid = 1 + rnd() % 4;
	ev.self_pid = 100 + rnd() % 4;
	messages(f, &ev, many);
	membership(f, &ev);
	quorum(f, &ev);
	members_and_locks(f, &g);
	ask(f, &g);
}

/* A --format made of directives, escapes and literals: some are refused. */
static void
rnd_format(char *p, size_t size)
{
	static const char *const t[] = { "%g", "%n", "%p", "%s", "%l", "%x",
	    "%t", "%T", "%r", "%%", "\\n", "\\t", "\\0", "\\\\", " ", "x",
	    "=", "%q", "\\q", "%", "\\", "\xc3\xa9", ":" };
	size_t n = 0, k, i, m = 1 + rnd() % 12;
	const char *s;

	for (i = 0; i < m; i++) {
		s = t[rnd() % (sizeof(t) / sizeof(t[0]))];
		k = strlen(s);
		if (n + k + 1 >= size)
			break;
		memcpy(p + n, s, k);
		n += k;
	}
	p[n] = '\0';
}

static int
quiet_option(struct outfmt *f, int ch, const char *arg)
{
	int fd = dup(2), null = open("/dev/null", O_WRONLY);
	enum opt_res r;

	dup2(null, 2);
	r = outopt_option(f, ch, arg);
	dup2(fd, 2);
	close(fd);
	close(null);
	return r == OPT_TAKEN;
}

int
main(void)
{
	static const char *const encs[] = { "text", "base64", "hex" };
	static const char *const evs[] = { NULL, "message", "confchg",
	    "totem", "confchg,totem", "message,totem" };
	static const char *const every = "<%g|%n|%p|%s|%l|%x|%t|%T|%r|%%|"
	    "\\n|\\t|\\0|\\\\>";
	struct outfmt f;
	char fs[128];
	unsigned o;
	int i;

	if ((payload = malloc(PAYLOAD_MAX)) == NULL ||
	    (A = sink_new(-1)) == NULL || (B = sink_new(-1)) == NULL)
		return 2;
	for (i = 0; out_env_names[i] || old_out_env_names[i]; i++)
		if (!out_env_names[i] || !old_out_env_names[i] ||
		    strcmp(out_env_names[i], old_out_env_names[i]) != 0)
			diffs++;
	/* -j, -T, -x, the encodings, a terminal or not, --events */
	for (o = 0; o < 2 * 2 * 2 * 3 * 2 * 6; o++) {
		outopt_init(&f);
		if (o & 1)
			quiet_option(&f, 'j', NULL);
		if (o & 2)
			quiet_option(&f, 'T', NULL);
		if (o & 4)
			quiet_option(&f, 'x', NULL);
		quiet_option(&f, 'e', encs[(o >> 3) % 3]);
		f.tty = (o / 24) % 2;
		if (evs[o / 48])
			quiet_option(&f, 'E', evs[o / 48]);
		corpus(&f, o < 48);
	}
	/* --format: one with every directive, then random ones */
	for (i = 0; i < 600; i++) {
		outopt_init(&f);
		if (i == 0)
			snprintf(fs, sizeof(fs), "%s", every);
		else
			rnd_format(fs, sizeof(fs));
		if (!quiet_option(&f, 'F', fs))
			continue;
		formats++;
		if (i & 1)
			quiet_option(&f, 'j', NULL);
		if (i & 2)
			quiet_option(&f, 'x', NULL);
		f.tty = (i & 4) != 0;
		outopt_events_default(&f, EVM_ALL);
		corpus(&f, i < 4);
	}
	printf("out_diff: %lu items, %lu bytes, %lu formats, %lu "
	    "differences\n", items, bytes, formats, diffs);
	return diffs != 0;
}
