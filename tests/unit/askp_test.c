/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * askp.c driven message by message: the envelope, the asker's rules
 * (who is awaited, the ack clock, completion, the exit status) and the
 * server's verdicts. No corosync, no root, no clock: time is a number.
 * A TAP line per check, then "N passed, N failed" (unit.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "askp.h"
#include "status.h"
#include "unit.h"

/* each check is named by its condition */
#define CHK(c)		CHECK((c), "%s", #c)

#define SEC	1000000000LL

static const struct askp_id me = { 1, 100, 1 };

/* A whole message: a header and, for req and reply, a payload. */
static size_t
msg(char *buf, size_t size, const char *hdr, size_t hlen, const void *pl,
    size_t plen)
{
	if (hlen + plen > size)
		abort();
	memcpy(buf, hdr, hlen);
	if (plen)
		memcpy(buf + hlen, pl, plen);
	return hlen + plen;
}

static int
parses(const char *s)
{
	struct askp_msg m;

	return askp_parse(s, strlen(s), &m);
}

static void
test_wire(void)
{
	static const uint32_t nodes[] = { 2, 3 };
	static const char bin[] = "a\0b\nc\xff";
	char hdr[ASKP_HDR_MAX], buf[ASKP_HDR_MAX + 64];
	struct askp_msg m;
	size_t h, n;

	h = askp_req_hdr(hdr, sizeof(hdr), &me, NULL, 0);
	CHK(h == strlen("ask1 req 1:100:1 -\n") &&
	    memcmp(hdr, "ask1 req 1:100:1 -\n", h) == 0);
	n = msg(buf, sizeof(buf), hdr, h, bin, sizeof(bin) - 1);
	CHK(askp_parse(buf, n, &m) && m.kind == ASKM_REQ);
	CHK(m.id.nodeid == 1 && m.id.pid == 100 && m.id.seq == 1);
	CHK(m.nnodes == 0 && m.len == sizeof(bin) - 1 &&
	    memcmp(m.payload, bin, m.len) == 0);

	h = askp_req_hdr(hdr, sizeof(hdr), &me, nodes, 2);
	CHK(memcmp(hdr, "ask1 req 1:100:1 2,3\n", h) == 0);
	n = msg(buf, sizeof(buf), hdr, h, "", 0);
	CHK(askp_parse(buf, n, &m) && m.nnodes == 2 && m.nodes[0] == 2 &&
	    m.nodes[1] == 3 && m.len == 0);

	h = askp_reply_hdr(hdr, sizeof(hdr), &me, 127, 1);
	CHK(memcmp(hdr, "ask1 reply 1:100:1 127 cut\n", h) == 0);
	n = msg(buf, sizeof(buf), hdr, h, bin, sizeof(bin) - 1);
	CHK(askp_parse(buf, n, &m) && m.kind == ASKM_REPLY &&
	    m.status == 127 && m.cut && m.len == sizeof(bin) - 1 &&
	    memcmp(m.payload, bin, m.len) == 0);
	h = askp_reply_hdr(hdr, sizeof(hdr), &me, 0, 0);
	CHK(askp_parse(hdr, h, &m) && m.status == 0 && !m.cut &&
	    m.len == 0);

	n = askp_ack_msg(buf, sizeof(buf), &me, 1);
	CHK(askp_parse(buf, n, &m) && m.kind == ASKM_ACK && m.addressed);
	n = askp_ack_msg(buf, sizeof(buf), &me, 0);
	CHK(askp_parse(buf, n, &m) && m.kind == ASKM_ACK && !m.addressed);
	n = askp_probe_msg(buf, sizeof(buf), &me, 7);
	CHK(askp_parse(buf, n, &m) && m.kind == ASKM_PROBE &&
	    m.probe == 7);
	n = askp_id_str(buf, sizeof(buf), &me);
	CHK(strcmp(buf, "1:100:1") == 0 && n == 7);

	/* what is not exactly ours is foreign */
	CHK(!parses(""));
	CHK(!parses("ask1 "));
	CHK(!parses("ask2 ack 1:2:3 addressed"));
	CHK(!parses("ask1 req 1:2:3 -"));		/* no newline */
	CHK(!parses("ask1 req 1:2:3\n"));
	CHK(!parses("ask1 req 1:2 -\n"));
	CHK(!parses("ask1 req 01:2:3 -\n"));
	CHK(!parses("ask1 req 1:2:3 2,\n"));
	CHK(!parses("ask1 req 1:2:3 -x\n"));
	CHK(!parses("ask1 req 4294967296:2:3 -\n"));
	CHK(!parses("ask1 req 18446744073709551617:2:3 -\n"));
	CHK(!parses("ask1 req 1:2:03 -\n"));
	CHK(!parses("ask1 reply 1:2:3 00 whole\n"));
	CHK(parses("ask1 req 4294967295:0:3 -\n"));
	CHK(!parses("ask1 ack 1:2:3 addressed "));
	CHK(!parses("ask1 ack 1:2:3 addressed\n"));
	CHK(!parses("ask1 ack 1:2:3 yes"));
	CHK(!parses("ask1 reply 1:2:3 256 whole\n"));
	CHK(!parses("ask1 reply 1:2:3 -1 whole\n"));
	CHK(!parses("ask1 reply 1:2:3 0 whole"));
	CHK(!parses("ask1 reply 1:2:3 0 half\n"));
	CHK(!parses("ask1 probe 1:2:3"));
	CHK(!parses("lock1 query 1"));
	CHK(parses("ask1 reply 1:2:3 0 whole\n\n\n"));
}

/* A view: our own process first, then these. */
static struct cpg_address view[CPG_MEMBERS_MAX];
static size_t nview;

static void
view_set(size_t n, const uint32_t (*who)[2])
{
	size_t i;

	nview = 0;
	view[nview++] = (struct cpg_address){ me.nodeid, me.pid, 1 };
	for (i = 0; i < n; i++)
		view[nview++] = (struct cpg_address){ who[i][0], who[i][1],
		    1 };
}

static const uint32_t abw[][2] = { { 2, 200 }, { 3, 300 }, { 3, 301 } };
#define A	2, 200
#define B	3, 300
#define W	3, 301		/* a watcher: never acks */

/*
 * The actions an input left (askp_actions) as flags, and taken: each
 * kind at most once, in this order. A probe's message is kept in sent.
 */
#define ASKP_PRINT	0x1u
#define ASKP_PROBE	0x2u
#define ASKP_DONE	0x4u
static char sent[64];
static size_t nsent;

static unsigned
acts(struct askp *a)
{
	const struct askp_act *x;
	unsigned r = 0, bit;
	size_t i, n;

	x = askp_actions(a, &n);
	for (i = 0; i < n; i++) {
		bit = x[i].kind == ASKA_PRINT ? ASKP_PRINT :
		    x[i].kind == ASKA_SEND ? ASKP_PROBE : ASKP_DONE;
		if ((r & bit) || (r & ~(bit - 1)))
			r |= 0x100;	/* twice, or out of order */
		r |= bit;
		if (x[i].kind == ASKA_SEND) {
			memcpy(sent, x[i].msg, x[i].len);
			nsent = x[i].len;
		}
	}
	askp_clear(a);
	return r;
}

static unsigned
tick(struct askp *a, int64_t now)
{
	askp_tick(a, now);
	return acts(a);
}

static unsigned
ring(struct askp *a, int64_t now)
{
	askp_ring(a, now);
	return acts(a);
}

static unsigned
confchg(struct askp *a, const struct cpg_address *m, size_t n,
    const struct cpg_address *left, size_t nleft, int64_t now)
{
	askp_confchg(a, m, n, left, nleft, now);
	return acts(a);
}

static unsigned
deliver(struct askp *a, uint32_t nodeid, uint32_t pid, const char *hdr,
    size_t hlen, const char *pl, int64_t now,
    const struct askp_member **who)
{
	char buf[ASKP_HDR_MAX + 64];
	struct askp_msg m;
	size_t n;

	n = msg(buf, sizeof(buf), hdr, hlen, pl, pl ? strlen(pl) : 0);
	if (!askp_parse(buf, n, &m))
		abort();
	askp_deliver(a, ADDR(nodeid, pid), &m, now, who);
	return acts(a);
}

static unsigned
req(struct askp *a, const struct askp_id *id, uint32_t nodeid,
    uint32_t pid, int64_t now)
{
	const struct askp_member *who;
	char hdr[ASKP_HDR_MAX];
	size_t h = askp_req_hdr(hdr, sizeof(hdr), id, a->nodes, a->nnodes);

	return deliver(a, nodeid, pid, hdr, h, "hi", now, &who);
}

static unsigned
ack(struct askp *a, const struct askp_id *id, uint32_t nodeid,
    uint32_t pid, int addressed, int64_t now)
{
	const struct askp_member *who;
	char hdr[64];
	size_t h = askp_ack_msg(hdr, sizeof(hdr), id, addressed);

	return deliver(a, nodeid, pid, hdr, h, NULL, now, &who);
}

static unsigned
reply(struct askp *a, const struct askp_id *id, uint32_t nodeid,
    uint32_t pid, int status, int64_t now, const struct askp_member **who)
{
	char hdr[64];
	size_t h = askp_reply_hdr(hdr, sizeof(hdr), id, status, 0);

	return deliver(a, nodeid, pid, hdr, h, "out", now, who);
}

static unsigned
probe_back(struct askp *a, int64_t now)
{
	const struct askp_member *who;
	char hdr[64];
	size_t h = askp_probe_msg(hdr, sizeof(hdr), &a->id, a->probes);

	return deliver(a, a->id.nodeid, a->id.pid, hdr, h, NULL, now, &who);
}

static const struct askp_member *
member(struct askp *a, uint32_t nodeid, uint32_t pid)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (addr_eq(ADDR_OF(&a->m[i]), ADDR(nodeid, pid)))
			return &a->m[i];
	return NULL;
}

static void
leave(struct askp *a, uint32_t nodeid, uint32_t pid, uint32_t reason,
    unsigned *r)
{
	struct cpg_address gone = { nodeid, pid, reason };
	size_t i, k = 0;

	for (i = 0; i < nview; i++)
		if (!addr_eq(ADDR_OF(&view[i]), ADDR(nodeid, pid)))
			view[k++] = view[i];
	nview = k;
	*r = confchg(a, view, nview, &gone, 1, 0);
}

/* Everyone answers; the watcher is found out by the probe. */
static void
test_ask_all(void)
{
	const struct askp_member *who = NULL;
	struct askp_counts c;
	struct askp a;
	unsigned r;

	askp_init(&a, &me, NULL, 0, 0, 1 * SEC);
	view_set(3, abw);
	CHK(confchg(&a, view, nview, NULL, 0, 0) == 0);
	CHK(askp_next(&a) == 0);
	CHK(req(&a, &me, 1, 100, 10) == 0);
	CHK(a.started && a.n == 3 && member(&a, W)->st == AM_ACK);
	CHK(askp_next(&a) == 10 + SEC);
	CHK(ack(&a, &me, A, 1, 20) == 0 && member(&a, A)->st == AM_WORKING);
	CHK(ack(&a, &me, B, 1, 30) == 0);
	r = reply(&a, &me, A, 0, 40, &who);
	CHK(r == ASKP_PRINT && who == member(&a, A) && who->status == 0);
	/* nothing is due before the wait is over */
	CHK(tick(&a, 10 + SEC - 1) == 0);
	CHK(tick(&a, 10 + SEC) == ASKP_PROBE && a.probes == 1);
	{
		char pb[64];
		size_t pn = askp_probe_msg(pb, sizeof(pb), &me, 1);

		CHECK(nsent == pn && memcmp(sent, pb, pn) == 0,
		    "the probe action carries probe 1 of our request");
	}
	/* one probe at a time */
	CHK(tick(&a, 20 * SEC) == 0 && askp_next(&a) == 0);
	CHK(probe_back(&a, 2 * SEC) == 0);
	CHK(member(&a, W)->st == AM_NOTSERVER);
	r = reply(&a, &me, B, 0, 3 * SEC, &who);
	CHK(r == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == 0);
	askp_count(&a, &c);
	CHK(c.replied == 2 && c.failed == 0 && c.notserver == 1 &&
	    c.left == 0 && c.waiting == 0);
	/* after the end, nothing moves */
	CHK(reply(&a, &me, B, 1, 4 * SEC, &who) == 0 && who == NULL);
}

/* A ring change while the probe is out: the wait starts again. */
static void
test_ring_stall(void)
{
	struct askp a;

	askp_init(&a, &me, NULL, 0, 0, 1 * SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, A, 1, 1);
	CHK(tick(&a, SEC) == ASKP_PROBE);
	/* the ring stalls: 6.5 s later the ring changes, then the probe */
	CHK(ring(&a, 7 * SEC) == 0);
	CHK(probe_back(&a, 7 * SEC + 1) == 0);
	CHK(member(&a, B)->st == AM_ACK && member(&a, W)->st == AM_ACK);
	CHK(askp_next(&a) == 8 * SEC);
	/* B's ack, held up by the stall, comes now */
	CHK(ack(&a, &me, B, 1, 7 * SEC + 2) == 0);
	CHK(tick(&a, 8 * SEC - 1) == 0);
	CHK(tick(&a, 8 * SEC) == ASKP_PROBE && a.probes == 2);
	CHK(probe_back(&a, 8 * SEC + 1) == 0);
	CHK(member(&a, W)->st == AM_NOTSERVER);
	CHK(member(&a, B)->st == AM_WORKING);
	/* a stale probe (an older number) decides nothing */
	a.probe_out = 1;
	a.probes = 3;
	CHK(probe_back(&a, 9 * SEC) == 0 && a.probe_out == 0);
}

/* A reply with no ack before it answers someone else. */
static void
test_reply_needs_ack(void)
{
	const struct askp_member *who;
	struct askp_id other = { 2, 999, 1 };
	struct askp a;

	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(1, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	/* before our request: ignored */
	CHK(reply(&a, &me, A, 0, 0, &who) == 0);
	req(&a, &me, 1, 100, 1);
	CHK(reply(&a, &me, A, 0, 2, &who) == 0 && who == NULL);
	CHK(member(&a, A)->st == AM_ACK);
	/* another ask's ack and reply are not ours */
	CHK(ack(&a, &other, A, 1, 3) == 0 && member(&a, A)->st == AM_ACK);
	CHK(reply(&a, &other, A, 0, 4, &who) == 0);
	/* a request with our id from someone else starts nothing */
	CHK(ack(&a, &me, A, 1, 5) == 0);
	CHK(reply(&a, &me, A, 0, 6, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == 0);
}

static void
test_left(void)
{
	const struct askp_member *who;
	struct askp_counts c;
	struct askp a;
	unsigned r;

	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, A, 1, 1);
	ack(&a, &me, B, 1, 1);
	reply(&a, &me, A, 0, 2, &who);
	/* the watcher leaves: it never acked, it is no server */
	leave(&a, W, CPG_REASON_LEAVE, &r);
	CHK(r == 0 && member(&a, W)->st == AM_NOTSERVER);
	CHK(member(&a, W)->reason == CPG_REASON_LEAVE);
	/* B is killed while its COMMAND runs */
	leave(&a, B, CPG_REASON_PROCDOWN, &r);
	CHK(r == ASKP_DONE);
	CHK(member(&a, B)->st == AM_LEFT &&
	    member(&a, B)->reason == CPG_REASON_PROCDOWN);
	CHK(askp_status(&a) == ST_MISSING);
	askp_count(&a, &c);
	CHK(c.replied == 1 && c.left == 1 && c.notserver == 1);

	/* only the watcher left: all is well */
	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, A, 1, 1);
	ack(&a, &me, B, 1, 1);
	reply(&a, &me, A, 0, 2, &who);
	leave(&a, W, CPG_REASON_NODEDOWN, &r);
	CHK(reply(&a, &me, B, 0, 3, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == 0);

	/* a member that joins after our request is not awaited */
	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(1, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	view_set(2, abw);
	CHK(confchg(&a, view, nview, NULL, 0, 1) == 0);
	CHK(a.n == 1 && member(&a, B) == NULL);
	CHK(ack(&a, &me, B, 1, 2) == 0);
}

static void
test_failed(void)
{
	const struct askp_member *who;
	struct askp_counts c;
	struct askp a;

	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(2, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, A, 1, 1);
	ack(&a, &me, B, 1, 1);
	CHK(reply(&a, &me, A, 127, 2, &who) == ASKP_PRINT &&
	    who->status == 127);
	CHK(reply(&a, &me, B, 0, 3, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == ST_NONZERO);
	askp_count(&a, &c);
	CHK(c.replied == 1 && c.failed == 1);
}

static void
test_nodes(void)
{
	static const uint32_t three[] = { 3 }, four[] = { 3, 4 };
	const struct askp_member *who;
	struct askp_counts c;
	struct askp a;

	askp_init(&a, &me, three, 1, 0, SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	CHK(member(&a, A)->st == AM_NOTADDR);
	CHK(member(&a, B)->st == AM_ACK);
	/* a not-addressed ack from A changes nothing */
	CHK(ack(&a, &me, A, 0, 1) == 0 && member(&a, A)->st == AM_NOTADDR);
	ack(&a, &me, B, 1, 1);
	reply(&a, &me, B, 0, 2, &who);
	CHK(tick(&a, SEC) == ASKP_PROBE);
	CHK(probe_back(&a, SEC + 1) == ASKP_DONE);
	CHK(askp_status(&a) == 0);
	askp_count(&a, &c);
	CHK(c.replied == 1 && c.notaddr == 1 && c.notserver == 1 &&
	    c.nbare == 0);

	/* node 4 has no server: an answer is missing */
	askp_init(&a, &me, four, 2, 0, SEC);
	view_set(2, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, B, 1, 1);
	CHK(reply(&a, &me, B, 0, 2, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == ST_MISSING);
	askp_count(&a, &c);
	CHK(c.nbare == 1 && c.bare[0] == 4);

	/* a server that acks "not addressed" for reasons of its own */
	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(1, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	CHK(ack(&a, &me, A, 0, 1) == ASKP_DONE);
	CHK(askp_status(&a) == ST_MISSING);	/* no server */
}

static void
test_first(void)
{
	const struct askp_member *who;
	struct askp_counts c;
	struct askp a;

	askp_init(&a, &me, NULL, 0, 1, SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, A, 1, 1);
	ack(&a, &me, B, 1, 1);
	CHK(reply(&a, &me, B, 0, 2, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == 0);
	askp_count(&a, &c);
	CHK(c.replied == 1 && c.waiting == 2);

	/* --replies 3 with two servers: complete, and short */
	askp_init(&a, &me, NULL, 0, 3, SEC);
	view_set(2, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	ack(&a, &me, A, 1, 1);
	ack(&a, &me, B, 1, 1);
	reply(&a, &me, A, 0, 2, &who);
	CHK(reply(&a, &me, B, 0, 3, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(askp_status(&a) == ST_MISSING);
}

static void
test_known_and_late(void)
{
	struct askp_id other = { 2, 999, 4 };
	struct askp a;

	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	/* B is seen acking another asker's request: a server */
	ack(&a, &other, B, 1, 0);
	req(&a, &me, 1, 100, 1);
	ack(&a, &me, A, 1, 2);
	CHK(tick(&a, 1 + SEC) == ASKP_PROBE);
	CHK(probe_back(&a, 2 + SEC) == 0);
	CHK(member(&a, B)->st == AM_ACK);		/* still awaited */
	CHK(member(&a, W)->st == AM_NOTSERVER);
	CHK(askp_next(&a) == 0);
	/* a late ack from the "watcher": a server after all */
	CHK(ack(&a, &me, W, 1, 3 * SEC) == 0);
	CHK(member(&a, W)->st == AM_WORKING);
	/* a known server that leaves is forgotten */
	{
		unsigned r;

		leave(&a, B, CPG_REASON_LEAVE, &r);
		CHK(a.servers.n == 2 && member(&a, B)->st == AM_LEFT);
	}
}

/* Other askers are no servers, and are not waited for. */
static void
test_askers(void)
{
	const struct askp_member *who;
	struct askp_id a_id = { 2, 200, 1 }, b_id = { 3, 300, 1 };
	struct askp a;

	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(3, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	/* A asks before us: known at once */
	req(&a, &a_id, A, 0);
	req(&a, &me, 1, 100, 1);
	CHK(member(&a, A)->st == AM_NOTSERVER);
	CHK(askp_next(&a) == 1 + SEC);
	/* B asks after us: no longer waited for */
	CHK(req(&a, &b_id, B, 2) == 0);
	CHK(member(&a, B)->st == AM_NOTSERVER);
	/* W serves: its reply ends the ask, with no probe */
	ack(&a, &me, W, 1, 3);
	CHK(reply(&a, &me, W, 0, 4, &who) == (ASKP_PRINT | ASKP_DONE));
	CHK(a.probes == 0 && askp_status(&a) == 0);

	/* one that asks and serves (another program): awaited again */
	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(1, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 1);
	req(&a, &a_id, A, 2);
	CHK(member(&a, A)->st == AM_NOTSERVER && a.done);
	/* too late: the ask is complete */
	CHK(ack(&a, &me, A, 1, 3) == 0);
	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(2, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 1);
	ack(&a, &me, B, 1, 2);
	req(&a, &a_id, A, 2);
	CHK(ack(&a, &me, A, 1, 3) == 0 && member(&a, A)->st == AM_WORKING);
	/* a known server that asks stays awaited */
	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(2, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	ack(&a, &b_id, A, 1, 0);
	req(&a, &a_id, A, 0);
	req(&a, &me, 1, 100, 1);
	CHK(member(&a, A)->st == AM_ACK);
}

static void
test_alone(void)
{
	struct askp a;

	askp_init(&a, &me, NULL, 0, 0, SEC);
	view_set(0, abw);
	confchg(&a, view, nview, NULL, 0, 0);
	CHK(req(&a, &me, 1, 100, 0) == ASKP_DONE);
	CHK(askp_status(&a) == ST_MISSING);
	/* a request from another process with our id starts nothing */
	askp_init(&a, &me, NULL, 0, 0, SEC);
	confchg(&a, view, nview, NULL, 0, 0);
	CHK(req(&a, &me, 2, 200, 0) == 0 && !a.started);
	/* not complete: an answer is missing (the caller says 124) */
	view_set(1, abw);
	askp_init(&a, &me, NULL, 0, 0, SEC);
	confchg(&a, view, nview, NULL, 0, 0);
	req(&a, &me, 1, 100, 0);
	CHK(!a.done && askp_status(&a) == ST_MISSING);
}

static void
test_serve(void)
{
	struct askp_load ld = {
		.running = 0, .jobs = 2, .queued = 0, .max_queue = 2,
		.queued_bytes = 0, .max_bytes = 100,
	};
	static const uint32_t two[] = { 2 };
	char hdr[ASKP_HDR_MAX], buf[ASKP_HDR_MAX + 200];
	struct askp_msg m;
	size_t n;

	n = askp_req_hdr(hdr, sizeof(hdr), &me, NULL, 0);
	n = msg(buf, sizeof(buf), hdr, n, "0123456789", 10);
	askp_parse(buf, n, &m);
	CHK(askp_serve(&m, ADDR(1, 101), 3, &ld) == SV_IGNORE);	/* forged */
	CHK(askp_serve(&m, ADDR(2, 100), 3, &ld) == SV_IGNORE);
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_RUN);
	ld.running = 2;
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_QUEUE);
	ld.queued = 1;
	ld.queued_bytes = 95;
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_BUSY);	/* bytes */
	ld.queued_bytes = 90;
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_QUEUE);
	ld.queued = 2;
	ld.queued_bytes = 0;
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_BUSY);	/* count */
	/* the first to wait is taken whatever its size */
	ld.queued = 0;
	ld.max_bytes = 5;
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_QUEUE);
	n = askp_req_hdr(hdr, sizeof(hdr), &me, two, 1);
	n = msg(buf, sizeof(buf), hdr, n, "", 0);
	askp_parse(buf, n, &m);
	CHK(askp_serve(&m, ADDR(1, 100), 3, &ld) == SV_SKIP);
	CHK(askp_serve(&m, ADDR(1, 100), 2, &ld) == SV_QUEUE);
	n = askp_ack_msg(buf, sizeof(buf), &me, 1);
	askp_parse(buf, n, &m);
	CHK(askp_serve(&m, ADDR(1, 100), 2, &ld) == SV_IGNORE);
}

int
main(void)
{
	test_wire();
	test_ask_all();
	test_ring_stall();
	test_reply_needs_ack();
	test_left();
	test_failed();
	test_nodes();
	test_first();
	test_known_and_late();
	test_askers();
	test_alone();
	test_serve();
	return unit_end();
}
