/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's wire codec (lockq.c): every message built and parsed back,
 * builders that never claim more than they wrote, the parser's refusals
 * (a lock message that says what cannot be is foreign), and when a
 * bystander says so (lq_by_message).
 */

#include <stdint.h>

#include "lockq.h"
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
	n = lq_request_at_msg(b, sizeof(b), 1, 1, 2, 5000, 1798761600000ull);
	CHECK_LIT("request with the clock", b, n,
	    "lock2 request 1 q 2 5000 1798761600000");
	CHECK(lq_parse(b, n, &m) && m.wall == 1798761600000ull,
	    "... parsed back");
	n = lq_init_at_msg(b, sizeof(b), 2, 3, 0x1c, 1798761600001ull);
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_INIT && m.ring_seq == 0x1c &&
	    m.wall == 1798761600001ull, "init with the clock parsed back");
	/* lockp.c builds them in 96 bytes: the largest of each fits */
	CHECK(lq_init_at_msg(b, 96, UINT32_MAX, UINT32_MAX, UINT64_MAX,
	    UINT64_MAX) > 0 && lq_request_at_msg(b, 96, LQ_MAX, 1,
	    UINT32_MAX, LQ_KILL_MS_MAX, UINT64_MAX) > 0,
	    "the largest init and request fit 96 bytes");
	n = lq_granted_msg(b, sizeof(b), 9223372036854775807ull);
	CHECK(lq_parse(b, n, &m) && m.kind == LQ_GRANTED &&
	    m.token == 9223372036854775807ull, "granted: 63 bits");
}

/*
 * Tokens (lockq.c, Tokens): a holder gets one above LAST and above the
 * floor (the ring's seq over the clock told); a leave promotes the next
 * with the next; a state carries them; a holder's word raises them.
 */
static void
tokens(void)
{
	struct lockq st;
	struct lq_pend tag = { { 1, 100 }, 5 };
	char b[LQ_MSG_MAX + 1];
	const uint64_t ring = 7ull << LQ_TOKEN_BITS;
	const uint64_t at = 1798761600000ull - 1577836800000ull;
	size_t n;

	lq_reset(&st);
	st.ring_seq = 7;
	lq_clock(&st, 1798761600000ull);
	lq_request(&st, (struct cpgt_addr){ 2, 200 }, 1, 1, 1, 3000);
	lq_request(&st, (struct cpgt_addr){ 3, 300 }, 1, 1, 1, 3000);
	CHECK(st.tok[0] == (ring | at) && st.tok[1] == 0,
	    "the first holder: the floor; a waiter: none");
	lq_remove(&st, (struct cpgt_addr){ 2, 200 });
	CHECK(st.tok[0] == (ring | at) + 1, "the next: one above");
	CHECK(lq_token_at(&st, 1798761600500ull) == (ring | (at + 500)),
	    "a late start: the floor then");
	CHECK(lq_granted(&st, (struct cpgt_addr){ 3, 300 }, ring | (at + 500)) &&
	    st.last == (ring | (at + 500)), "a holder's word raises LAST");
	CHECK(!lq_granted(&st, (struct cpgt_addr){ 4, 400 }, ring | at) &&
	    st.last == (ring | (at + 500)), "a non-holder's is ignored");
	st.ring_seq = 8;
	lq_request(&st, (struct cpgt_addr){ 4, 400 }, 1, 1, 1, 3000);
	lq_remove(&st, (struct cpgt_addr){ 3, 300 });
	CHECK(st.tok[0] == (8ull << LQ_TOKEN_BITS | at),
	    "a later ring: above every token of the earlier");
	n = lq_state_msg(b, sizeof(b), &st, &tag, 0);
	CHECK(lq_parse(b, n, &m) && m.st.tok[0] == st.tok[0] &&
	    m.st.last == st.last && m.st.lc == st.lc && m.st.ring_seq == 8,
	    "a state carries the tokens");
	lq_reset(&st);
	st.ring_seq = 1ull << 40;
	lq_clock(&st, UINT64_MAX);
	lq_request(&st, (struct cpgt_addr){ 2, 200 }, 1, 1, 1, 3000);
	CHECK(st.tok[0] <= (uint64_t)LQ_TOKEN_MAX && st.tok[0] > 0,
	    "a seq past 2^23 and a far clock: still 63 bits");
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
	 * TAG N MODE GRACE_MS QUEUE SYNCED PENDING LAST CLOCK RING TOKENS
	 * (lockq.c, Messages): every request from outside SYNCED is
	 * pending, the refused one and the repeated one too (each is told
	 * the state)
	 */
	CHECK_LIT("state built", b, n, "lock2 state 1:100:5 1 q 700 "
	    "2:200:3000,3:300:3000 1:100 2:200:1,3:300:1,4:400:1,2:200:2 "
	    "1 0 0 1");
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
		"lock2 state 1:2:3 129 q 0 1:2:5 1:2 - 1 0 0 1",	/* limit */
		"lock2 state 1:2:3 1 q 0 1:2:5,1:2:5 1:2 - 1 0 0 1", /* twice */
		"lock2 state 1:2:3 0 q 0 1:2:5 1:2 - 1 0 0 -",	/* no limit */
		"lock2 state 1:2:3 1 q 0 - - - 1 0 0 1",	/* no queue */
		"lock2 state 1:2:3 1 q 99999999999 1:2:5 1:2 - 1 0 0 1",
		/* tokens: one per holder, none 0, none above LAST, 63 bits */
		"lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 1 0 0 -",
		"lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 1 0 0 0",
		"lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 1 0 0 2",
		"lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 1 0 0 1,1",
		"lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 9223372036854775808 0 0 1",
		"lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 1 0 1",	/* no RING */
		"lock2 state 1:2:3 0 q 0 - - -",		/* no tokens */
		"lock2 granted 0",
		"lock2 granted 9223372036854775808",
		"lock2 granted",
		"lock2 request 1 q 1 5 x",			/* WALL */
		"hello",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!parse(bad[i]) && m.kind == LQ_FOREIGN,
		    "refused: \"%s\"", bad[i]);
	CHECK(!lq_parse(BYTES("lock2 query 1\0"), &m),
	    "refused: a NUL inside");
	CHECK(parse("lock2 state 1:2:3 0 q 0 - - - 0 0 0 -") && m.st.nq == 0,
	    "an empty state is one");
	CHECK(parse("lock2 state 1:2:3 1 q 0 1:2:5 1:2 - 7 8 9 7") &&
	    m.st.tok[0] == 7 && m.st.last == 7 && m.st.lc == 8 &&
	    m.st.ring_seq == 9, "a holder's token, LAST, CLOCK, RING");
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
	tokens();
	state();
	refusals();
	bystander();
	return unit_end();
}
