/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules (lockp.c) driven message by message: a newcomer whose
 * only older member is silent waits its two questions before it starts
 * from nothing; one whose older member said `lock2 bystander' starts at
 * once, with no init (a bystander never races one); a word from a
 * process that is no member changes nothing. The simulator (tests/sim)
 * runs the same rules through millions of schedules; this says, in a few
 * lines, what one rule does.
 */

#include <stdint.h>

#include "lockp.h"
#include "unit.h"

#define MS	1000000LL
#define S	1000000000LL

static const struct cpgt_addr me = { 2, 200 }, watcher = { 1, 100 };
static const struct lp_ring ring = { 1, 9 };
static char sent[8][128];	/* what the rules multicast, oldest first */
static size_t nsent;
static int spawned;

static void
take(struct lp *lp)
{
	const struct lp_act *a;
	size_t i, n;

	a = lp_actions(lp, &n);
	for (i = 0; i < n; i++) {
		if (a[i].kind == LA_SPAWN)
			spawned = 1;
		if (a[i].kind != LA_SEND || nsent == 8)
			continue;
		snprintf(sent[nsent++], sizeof(sent[0]), "%.*s",
		    (int)a[i].len, a[i].msg);
	}
	lp_clear(lp);
}

static int
said(const char *prefix)
{
	size_t i;

	for (i = 0; i < nsent; i++)
		if (strncmp(sent[i], prefix, strlen(prefix)) == 0)
			return 1;
	return 0;
}

static void
deliver(struct lp *lp, struct cpgt_addr from, const char *msg, int64_t t)
{
	lp_message(lp, from, msg, strlen(msg), t);
	take(lp);
}

/*
 * A grant read off anything but an own message come back fresh sends a
 * check first (lockp.c, freshness): ours comes back at t.
 */
static void
check_back(struct lp *lp, int64_t t)
{
	char msg[128];

	if (nsent == 0 || strncmp(sent[nsent - 1], "lock2 check ", 12) != 0)
		return;
	snprintf(msg, sizeof(msg), "%s", sent[nsent - 1]);
	deliver(lp, me, msg, t);
}

/*
 * Joined (beside the watcher, or alone), quorate, our request (sent at
 * 1 ms) delivered back at `back'.
 */
static struct lp *
joined(int with_watcher, int64_t back)
{
	struct lp_cfg cfg = { .limit = 1, .command = 1, .kill_ms = 5000 };
	struct lp_member mem[] = { { watcher, LP_JOIN }, { me, LP_JOIN } };
	struct lp_member *m = with_watcher ? mem : &mem[1];
	struct lp_confchg c = { m, with_watcher ? 2 : 1, NULL, 0, &mem[1],
	    1 };
	struct lp *lp;
	char req[128];

	nsent = 0;
	spawned = 0;
	if ((lp = lp_new(&cfg, me)) == NULL)
		exit(99);
	lp_quorum(lp, 1, 1, &ring, 0);
	lp_ring(lp, &ring, 0);
	lp_start(lp, 1 * MS);
	take(lp);
	snprintf(req, sizeof(req), "%s", nsent ? sent[0] : "");
	CHECK(strncmp(req, "lock2 request 1 q ", 18) == 0,
	    "a newcomer asks with its request");
	lp_confchg(lp, &c, 1 * MS);
	take(lp);
	deliver(lp, me, req, back);
	return lp;
}

static struct lp *
newcomer(void)
{
	return joined(1, 2 * MS);
}

static void
silent(void)
{
	struct lp *lp = newcomer();
	int64_t t = 2 * MS;

	CHECK(!said("lock2 init"), "a silent older member: no init yet");
	while (!said("lock2 init") && t < 10 * S) {
		t = lp_deadline(lp);
		if (t <= 0)
			break;
		lp_tick(lp, t);
		take(lp);
		/* each question comes back to us at once */
		if (nsent && strncmp(sent[nsent - 1], "lock2 init", 10) != 0)
			deliver(lp, me, sent[nsent - 1], t);
	}
	CHECK(said("lock2 init") && t >= 2 * S,
	    "... init after two unanswered questions (%.3f s)",
	    (double)t / S);
	lp_free(lp);
}

static void
bystander(void)
{
	struct lp *lp = newcomer();
	deliver(lp, (struct cpgt_addr){ 3, 300 }, LQ_BYSTANDER_MSG, 3 * MS);
	CHECK(!said("lock2 init"), "a word from a non-member: no init");
	deliver(lp, watcher, LQ_BYSTANDER_MSG, 4 * MS);
	CHECK(spawned && lp_holding(lp) && !said("lock2 check "),
	    "the older member is a bystander: COMMAND runs at once (our "
	    "request, sent 4 ms ago, is back: fresh)");
	CHECK(!said("lock2 init"),
	    "... without an init: a bystander never races one");
	CHECK(!said("lock2 query"),
	    "... nor a state told: nobody but a bystander to tell");
	lp_free(lp);

	/* its word 300 ms after we asked: not fresh any more */
	lp = newcomer();
	deliver(lp, watcher, LQ_BYSTANDER_MSG, 300 * MS);
	CHECK(!spawned && said("lock2 check "),
	    "... the word 300 ms after our request: a check first");
	check_back(lp, 301 * MS);
	CHECK(spawned && lp_holding(lp), "... back in 1 ms: COMMAND runs");
	lp_free(lp);
}

/*
 * A newcomer's log before its state came is bounded: a member flooding
 * the group makes it give up (exit 1, said), not grow without end.
 */
static void
flooded(void)
{
	struct lp *lp = newcomer();
	const struct lp_act *a;
	char msg[64];
	size_t i, n;
	int warned = 0, status = -1;

	/* its own request is the first entry: 65535 more fill the log */
	for (i = 1; i <= 65535 && !lp_ended(lp); i++) {
		snprintf(msg, sizeof(msg), "lock2 query %zu", i);
		lp_message(lp, watcher, msg, strlen(msg), 3 * MS);
		lp_clear(lp);
	}
	CHECK(!lp_ended(lp), "65536 messages logged before the state");
	snprintf(msg, sizeof(msg), "lock2 query %zu", i);
	lp_message(lp, watcher, msg, strlen(msg), 3 * MS);
	a = lp_actions(lp, &n);
	for (i = 0; i < n; i++) {
		warned |= a[i].kind == LA_WARN;
		if (a[i].kind == LA_EXIT)
			status = a[i].n;
	}
	CHECK(lp_ended(lp) && warned && status == ST_FAIL,
	    "... one more: it gives up, said, status %d", status);
	lp_free(lp);
}

static void
confchg(struct lp *lp, const struct lp_member *mem, size_t n,
    const struct lp_member *left, size_t nl, const struct lp_member *joined,
    size_t nj, int64_t t)
{
	struct lp_confchg c = { mem, n, left, nl, joined, nj };

	lp_confchg(lp, &c, t);
	take(lp);
}

/*
 * Senders (lockp.c): a member that joined after us, and never held the
 * lock nor learnt the state, can neither stall us with 'running' nor
 * hand us a state of its own making.
 */
static const struct cpgt_addr hostile = { 3, 300 };

static void
forged_running(void)
{
	struct lp *lp = newcomer();
	struct lp_member three[] = { { watcher, 0 }, { me, 0 },
	    { hostile, LP_JOIN } };
	struct lp_member gone[] = { { watcher, LP_LEAVE } };

	/* the older member holds, and tells us the queue: it, then us */
	deliver(lp, watcher, "lock2 state 2:200:1 1 q 0 1:100:5000,2:200:5000 "
	    "1:100 2:200:1 7 0 9 7", 3 * MS);
	CHECK(lp_synced(lp) && !lp_holding(lp), "synced, waiting");
	/* a newcomer says the lock's COMMAND runs for an hour more */
	confchg(lp, three, 3, NULL, 0, &three[2], 1, 4 * MS);
	deliver(lp, hostile, "lock2 running 3600000", 5 * MS);
	confchg(lp, three + 1, 2, gone, 1, NULL, 0, 6 * MS);
	check_back(lp, 7 * MS);
	CHECK(spawned && lp_holding(lp),
	    "'running' from a member that never held: ignored, granted at "
	    "once");
	lp_free(lp);

	/* from the holder itself: at most our --kill-after (5 s) + 2 s */
	lp = newcomer();
	deliver(lp, watcher, "lock2 state 2:200:1 1 q 0 1:100:5000,2:200:5000 "
	    "1:100 2:200:1 7 0 9 7", 3 * MS);
	deliver(lp, watcher, "lock2 running 3600000", 4 * MS);
	confchg(lp, three + 1, 1, gone, 1, NULL, 0, 5 * MS);
	CHECK(!spawned && lp_deadline(lp) > 4 * MS &&
	    lp_deadline(lp) <= 4 * MS + 7 * S,
	    "'running' from the holder: a grace, of our --kill-after at most "
	    "(%.3f s)", (double)lp_deadline(lp) / S);
	lp_free(lp);
}

static void
forged_state(void)
{
	struct lp *lp = newcomer();
	struct lp_member three[] = { { watcher, 0 }, { me, 0 },
	    { hostile, LP_JOIN } };

	confchg(lp, three, 3, NULL, 0, &three[2], 1, 3 * MS);
	/* it answers our request, lists itself as holder and as synced */
	deliver(lp, hostile, "lock2 state 2:200:1 1 q 0 3:300:5000,2:200:5000 "
	    "3:300 2:200:1 7 0 9 7", 4 * MS);
	CHECK(!lp_synced(lp), "a state from a newcomer after us: not taken");
	deliver(lp, watcher, "lock2 state 2:200:1 1 q 0 1:100:5000,2:200:5000 "
	    "1:100 2:200:1 7 0 9 7", 5 * MS);
	CHECK(lp_synced(lp) && lp_state(lp)->q[0].nodeid == 1,
	    "the older member's is");
	lp_free(lp);
}

/*
 * Freshness (lockp.c): a corosync stopped past the token delivers, when
 * it runs again, what it held of the old ring before it tells of the
 * new one. A hand-over read then is acted on only once an own check
 * comes back less than 250 ms after it was sent.
 */
static void
fresh(void)
{
	struct lp *lp = newcomer();
	struct lp_member two[] = { { watcher, 0 }, { me, 0 } };
	struct lp_member gone[] = { { watcher, LP_LEAVE } };
	char first[128];

	deliver(lp, watcher, "lock2 state 2:200:1 1 q 0 1:100:5000,2:200:5000 "
	    "1:100 2:200:1 7 0 9 7", 3 * MS);
	/* the holder's leave, read as a stopped corosync runs again */
	confchg(lp, two + 1, 1, gone, 1, NULL, 0, 20 * S);
	CHECK(!spawned && !lp_holding(lp) && said("lock2 check "),
	    "a hand-over: no COMMAND yet, a check");
	snprintf(first, sizeof(first), "%s", sent[nsent - 1]);
	/* the check comes back only in the next ring, 3 s on */
	check_back(lp, 23 * S);
	CHECK(!spawned && nsent >= 2 &&
	    strncmp(sent[nsent - 1], "lock2 check ", 12) == 0 &&
	    strcmp(sent[nsent - 1], first) != 0,
	    "... back 3 s after it was sent: stale, another check");
	check_back(lp, 23 * S + 249 * MS);
	CHECK(spawned && lp_holding(lp),
	    "... that one back in 249 ms: COMMAND runs");
	lp_free(lp);

	/* alone: granted on our own request, if it came back fresh */
	lp = joined(0, 2 * MS);
	CHECK(spawned && !said("lock2 check "),
	    "alone, our request back in 1 ms: COMMAND runs, no check");
	lp_free(lp);
	lp = joined(0, 1 * MS + 300 * MS);
	CHECK(!spawned && said("lock2 check "),
	    "... back in 300 ms: a check first");
	lp_free(lp);
}

int
main(void)
{
	silent();
	bystander();
	flooded();
	forged_running();
	forged_state();
	fresh();
	return unit_end();
}
