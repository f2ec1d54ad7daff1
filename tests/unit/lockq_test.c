/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's wire codec (lockq.c): every message built and parsed back,
 * builders that never claim more than they wrote, the parser's refusals
 * (a lock message that says what cannot be is foreign), and when a
 * bystander says so (lq_by_message).
 */

#include <stdint.h>

#include "../../lockq.h"
#include "unit.h"

static struct lq_msg m;

static int
parse(const char *s)
{
	return lq_parse(s, strlen(s), &m);
}

static void
builders(void)
{
	char b[LQ_MSG_MAX + 1];
	size_t n;

	n = lq_request_msg(b, sizeof(b), 3, 1, 7, 5000);
	CHECK_LIT("request built", b, n, "lock2 request 3 q 7 5000");
	CHECK(parse(b) && m.kind == LQ_REQUEST && m.limit == 3 &&
	    m.quorum == 1 && m.seq == 7 && m.kill_ms == 5000,
	    "request parsed back");
	n = lq_request_msg(b, sizeof(b), 1, 0, 1, 0);
	CHECK_LIT("--no-quorum: mode n, built", b, n, "lock2 request 1 n 1 0");
	CHECK(lq_parse(b, n, &m) && m.quorum == 0, "--no-quorum: mode n");
	n = lq_query_msg(b, sizeof(b), 4294967295u);
	CHECK_LIT("query built", b, n, "lock2 query 4294967295");
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_QUERY &&
	    m.seq == 4294967295u, "query: the largest seq");
	n = lq_init_msg(b, sizeof(b), 2, 3, 0x1234abcdULL);
	CHECK_LIT("init carries its ring in hex", b, n,
	    "lock2 init 2 3.1234abcd");
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_INIT && m.ring_node == 3 &&
	    m.ring_seq == 0x1234abcdULL, "init parsed back");
	n = lq_running_msg(b, sizeof(b), 1500);
	CHECK_LIT("running built", b, n, "lock2 running 1500");
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_RUNNING &&
	    m.kill_ms == 1500, "running parsed back");
	n = lq_forgot_msg(b, sizeof(b), 9);
	CHECK_LIT("forgot built", b, n, "lock2 forgot 9");
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_FORGOT && m.seq == 9,
	    "forgot parsed back");
	CHECK_STR("the bystander's word", LQ_BYSTANDER_MSG, "lock2 bystander");
	CHECK(parse(LQ_BYSTANDER_MSG) && m.kind == LQ_BYSTANDER,
	    "bystander parsed");
	/* too small a buffer: nothing, never a length past what fits */
	CHECK_INT("request into 10 bytes", lq_request_msg(b, 10, 1, 1, 1, 1),
	    0);
	CHECK_INT("init into 0 bytes", lq_init_msg(b, 0, 1, 1, 1), 0);
}

static void
state(void)
{
	struct lockq st, *got = &m.st;
	struct lq_pend tag = { { 1, 100 }, 5 };
	char b[LQ_MSG_MAX + 1];
	size_t n, k;

	lq_reset(&st);
	CHECK(lq_request(&st, (struct cpgt_addr){ 2, 200 }, 1, 1, 1, 3000) ==
	    LQ_QUEUED, "a request queues");
	CHECK(lq_request(&st, (struct cpgt_addr){ 3, 300 }, 1, 1, 1, 3000) ==
	    LQ_QUEUED, "a second queues");
	CHECK(lq_request(&st, (struct cpgt_addr){ 4, 400 }, 2, 1, 1, 3000) ==
	    LQ_MISMATCH, "another --limit is refused");
	CHECK(lq_request(&st, (struct cpgt_addr){ 2, 200 }, 1, 1, 2, 3000) ==
	    LQ_ALREADY, "a process is queued once");
	st.synced[st.nsynced++] = (struct cpgt_addr){ 1, 100 };
	n = lq_state_msg(b, sizeof(b), &st, &tag, 700);
	CHECK(n > 0 && n == strlen(b), "state built, its length told");
	/*
	 * TAG N MODE GRACE_MS QUEUE SYNCED PENDING (lockq.c, Messages): every
	 * request from outside SYNCED is pending, the refused one and the
	 * repeated one too (each is told the state)
	 */
	CHECK_LIT("state built", b, n, "lock2 state 1:100:5 1 q 700 "
	    "2:200:3000,3:300:3000 1:100 2:200:1,3:300:1,4:400:1,2:200:2");
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_STATE, "state parsed");
	CHECK(m.tag.a.nodeid == 1 && m.tag.a.pid == 100 && m.tag.seq == 5 &&
	    m.grace_ms == 700, "its tag and grace");
	CHECK(got->limit == 1 && got->quorum == 1 && got->nq == 2 &&
	    got->q[0].pid == 200 && got->q[1].pid == 300 &&
	    got->kill_ms[1] == 3000, "its queue, in order");
	CHECK(got->nsynced == 1 && got->synced[0].pid == 100,
	    "its SYNCED");
	CHECK_INT("PENDING: the requests from outside SYNCED", got->npend,
	    st.npend);
	/* every cut short of the whole is too small, never a wrong length */
	for (k = 0; k <= n; k++)
		if (lq_state_msg(b, k, &st, &tag, 700) != 0)
			break;
	CHECK_INT("no buffer shorter than the state holds it", k, n + 1);
}

static void
refusals(void)
{
	static const char *const bad[] = {
		"lock2 request 0 q 1 5",		/* limit 0 */
		"lock2 request 129 q 1 5",		/* over LQ_MAX */
		"lock2 request 1 x 1 5",		/* no such mode */
		"lock2 request 1 q 4294967296 5",	/* over 32 bits */
		"lock2 request 1 q 1 3600001",		/* --kill-after */
		"lock2 request 1 q 1 5 ",		/* trailing space */
		"lock2 request 1 q -1 5",
		"lock2 request 1 q 01 5",		/* leading zeros */
		"lock2 request 1 q 1 05",
		"lock2 request 1 q 18446744073709551616 5",	/* 2^64 */
		"lock2 query 007",
		"lock2 init 1 0x3.1a",			/* no 0x */
		"lock2 init 1 03.1a",
		"lock2 init 1 3.01a",
		"lock2 init 1 3.10000000000000000",	/* over 64 bits */
		"lock2 init 1 100000000.1",		/* over 32 bits */
		"lock2 query",
		"lock2 query 1 2",
		"lock2 init 1",
		"lock2 init 1 3",			/* a ring is N.SEQ */
		"lock2 running 3600001",
		"lock2 bystander 1",
		"lock2 bystanders",
		"lock1 request 1 q 1 5",		/* not our protocol */
		"lock2 state 1:2:3 129 q 0 1:2:5 1:2 -",	/* limit */
		"lock2 state 1:2:3 1 q 0 1:2:5,1:2:5 1:2 -",	/* twice */
		"lock2 state 1:2:3 0 q 0 1:2:5 1:2 -",	/* queue, no limit */
		"lock2 state 1:2:3 1 q 0 - - -",	/* limit, no queue */
		"lock2 state 1:2:3 1 q 99999999999 1:2:5 1:2 -",
		"hello",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!parse(bad[i]) && m.kind == LQ_FOREIGN,
		    "refused: \"%s\"", bad[i]);
	CHECK(!lq_parse(BYTES("lock2 query 1\0"), &m),
	    "refused: a NUL inside");
	CHECK(parse("lock2 state 1:2:3 0 q 0 - - -") && m.st.nq == 0,
	    "an empty state is one");
}

static void
bystander(void)
{
	struct lq_bystander by = { 0 };
	static const char req[] = "lock2 request 1 q 1 5000";
	static const char word[] = LQ_BYSTANDER_MSG;

	CHECK(!lq_by_message(&by, BYTES(req), 0),
	    "nobody joined since our join: no word");
	lq_by_confchg(&by, 1);
	CHECK(!lq_by_message(&by, BYTES("hello"), 0),
	    "a newcomer, but no lock traffic: no word");
	CHECK(!lq_by_message(&by, BYTES("lock2 request 0 q 1 5"), 0),
	    "... nor for a malformed lock message");
	CHECK(!lq_by_message(&by, BYTES(req), 1),
	    "... nor for our own");
	CHECK(lq_by_message(&by, BYTES(req), 0),
	    "a newcomer's request: the word");
	CHECK(!lq_by_message(&by, BYTES(req), 0),
	    "once, while it is on its way");
	lq_by_confchg(&by, 1);
	CHECK(!lq_by_message(&by, BYTES(word), 0),
	    "another's word is no traffic to answer");
	CHECK(!lq_by_message(&by, BYTES(word), 1),
	    "our word back");
	CHECK(!lq_by_message(&by, BYTES(req), 0),
	    "every member joined before it was delivered saw it");
	lq_by_confchg(&by, 0);
	CHECK(!lq_by_message(&by, BYTES(req), 0),
	    "a confchg with nobody new owes nothing");
	lq_by_confchg(&by, 1);
	CHECK(lq_by_message(&by, BYTES("lock2 query 3"), 0),
	    "a later newcomer's question: the word again");
}

int
main(void)
{
	builders();
	state();
	refusals();
	bystander();
	return unit_end();
}
