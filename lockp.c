/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules: a pure state machine (lockp.h). What the protocol is,
 * and why it holds, is written at the top of lockq.c; this file is those
 * rules and nothing else: it never reads a clock (the time comes in with
 * each input), never does I/O, and never calls back. It returns what to
 * do (messages, actions, the next deadline) and cmd/lock.c or the
 * simulator in tests/sim/ does it.
 */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockp.h"

#define MSEC		1000000LL
#define SEC		1000000000LL
/*
 * A newcomer asks again this long after its question was DELIVERED (not
 * sent: a ring that stalls delivers nothing), and starts from nothing
 * after two unanswered questions in one ring: the protocol's timing
 * assumption is that a synced member answers a delivered question within
 * that time. Its answer may wait in the session's queue while corosync
 * says try again (tests/lock.bats, flow control): 0.5 s made newcomers
 * init beside a responder held back so. It is also what a silent member
 * (a watcher) costs a newcomer that no synced member answers.
 */
#define ASK_EVERY	SEC
#define GRACE_MARGIN	(2 * SEC)	/* added to --kill-after */
#define PROCDOWN_GRACE	SEC		/* a SIGKILLed holder's COMMAND */
/*
 * corosync numbers each ring it forms the highest ring seq its members
 * come from plus this (totemsrp.c, the commit token): see primary().
 */
#define RING_STEP	4
#define ACT_MAX		16
#define FRESH_MS	250	/* below any token timeout in use: stale() */
#define NSENT		16	/* own messages whose sending is kept */

/*
 * Mutations, for the simulator to prove that it can fail (make sim-mutants):
 * each breaks one rule on purpose.
 */
#ifndef LP_MUTATE
#define LP_MUTATE	0
#endif
#define M_NO_NODEDOWN_GRACE	1
#define M_NO_PROCDOWN_GRACE	2
#define M_EMPTY_NOT_ALONE	3
#define M_GRANT_UNQUORATE	4
#define M_MERGE_KEEPS_BOTH	5
#define M_BYSTANDER_ALL		6	/* one word counts every member out */
#define M_NO_PRIMARY		7	/* a ring skipped is not distrusted */
#define M_VERDICT_ANY_RING	12	/* a verdict taken for any ring */
#define M_RUNNING_IGNORED	13	/* 'running' starts no grace */
#define M_NO_MISSING_GRACE	14	/* from nothing, a node out: no grace */
#define M_STATE_GRACE_IGNORED	15	/* a state's grace is not taken */
/* 16 was "an init at once after a ring change": the rule went (no seed
   of either mode needed it: synced members answer while unsure) */
#define M_INIT_ANY_RING		17	/* an init in force in any ring */
#define M_NO_FRESH		24	/* a grant is acted on at once */
#define M_NO_FORGOT_WAITING	8	/* only a synced member says forgot */
/* aimed at the checks other than C1 and C2 (each must be seen to fire) */
#define M_NEVER_INIT		9	/* C3: nobody answers, nobody starts */
#define M_STATE_SYNCED_ONLY	10	/* C4: a state only from one in SYNCED */
#define M_REASK_REFUSED		11	/* C5: a request queued already, refused */
/* lock-token's: numbered apart, so that others' mutants do not collide */
#define M_TOKEN_NO_FLOOR	21	/* a queue from nothing starts at 1 */
#define M_RUNNING_ANYONE	22	/* 'running' taken from any member */
#define M_STATE_ANYONE		23	/* a state taken from any member */

/* What an unsynced process keeps until a state tells it the rest. */
struct logent {
	enum lq_kind	 kind;		/* LQ_REQUEST, LQ_INIT; LQ_FOREIGN: left */
	struct cpgt_addr	 from;
	uint32_t	 seq;
	unsigned	 limit;
	int		 quorum;
	uint32_t	 kill_ms;
	int		 reason;	/* left: LP_* */
	int64_t		 at;
	int		 old_ring;	/* an init from a ring gone by */
	uint64_t	 wall;		/* request, init: the clock told */
	uint64_t	 token;		/* granted */
	uint64_t	 ring_seq;	/* LQ_FOREIGN, reason 0: a new ring */
};

struct member {
	struct cpgt_addr	 a;
	uint64_t	 since;		/* 0: there before our join */
	int		 old;		/* may know more than our log */
	int		 bystander;	/* said it takes no part */
	int		 held;		/* seen among the holders */
	int		 knows;		/* seen knowing the state */
	uint32_t	 ask_seq;	/* its latest question ... */
	uint64_t	 ask_ord;	/* ... delivered then (0: none) */
};

/* Questions of members that left, kept for the states that answer them */
#define GONE_MAX	16

/* Leaving while others may wait for the state: it goes first. */
enum handoff {
	HO_NONE,
	HO_PUBLISHING,	/* our query is on its way */
	HO_DONE,	/* answered: leave */
};

/*
 * Where this process is, in two enums, each with one writer (to_sync,
 * to_phase): what it may do is read off them, not pieced together from
 * flags. The two are apart because they move apart: a holder that lost
 * the lock may forget the state and learn it again while COMMAND dies.
 *
 * What it knows of the queue (lockq.c, Newcomers):
 *   SY_OUTSIDE     our join not delivered yet
 *   SY_ASKING      in the group, knowing nothing; logging nothing until
 *                  our next question (request, query, forgot) is back
 *   SY_LOGGING     logging what is delivered, for the state that
 *                  answers a question in the log
 *   SY_REBUILDING  ... and our init is on its way: every older member
 *                  gone, the log rebuilds the state if ours is first
 *   SY_SYNCED      the state known (answered, or started by us)
 * OUTSIDE -> LOGGING at our join (or, alone and sure of quorum, SYNCED);
 * LOGGING <-> REBUILDING; either -> SYNCED; any -> ASKING when what we
 * knew goes (forget: OUTSIDE stays OUTSIDE); ASKING -> LOGGING when our
 * question comes back.
 *
 * Its own turn:
 *   PH_WAITING     not granted: in the queue, or on its way to it
 *   PH_HOLDING     granted (also once released, while handing the
 *                  state over before leaving: handoff)
 *   PH_LOST        granted, then lost: COMMAND told to stop, ending
 *                  when it does
 *   PH_ENDED       LA_EXIT or LA_SHOW said: deaf to every input
 * WAITING -> HOLDING -> LOST; any -> ENDED. A grant's token stays for
 * lp_token once ended (the acquired event may be printed after).
 */
enum sync {
	SY_OUTSIDE,
	SY_ASKING,
	SY_LOGGING,
	SY_REBUILDING,
	SY_SYNCED,
};

enum phase {
	PH_WAITING,
	PH_HOLDING,
	PH_LOST,
	PH_ENDED,
};

struct lp {
	struct lp_cfg	 cfg;
	struct cpgt_addr	 me;
	int64_t		 now;
	struct lockq	 st;
	enum sync	 sync;		/* what we know of the queue */
	enum phase	 phase;		/* our own turn */
	struct member	 members[LQ_MAX];
	size_t		 nmembers;
	struct member	 gone[GONE_MAX];	/* askers that left, newest */
	size_t		 ngone;			/* ... kept, in a ring */
	uint64_t	 ord;		/* events delivered so far */
	uint64_t	 init_ord;	/* ... when the latest init came */
	int		 from_join;	/* the log starts at our join */
	int64_t		 old_down_at;	/* an old member left by NODEDOWN */
	int64_t		 old_killed_at;	/* ... by PROCDOWN */
	int		 quorate;	/* votequorum's verdict ... */
	int		 complete;	/* every configured node is in */
	struct lp_ring	 vq_ring;	/* ... for this ring */
	struct lp_ring	 ring;		/* the ring CPG says we are in */
	int		 moving;	/* a confchg said the ring changes */
	int		 verified;	/* votequorum: this ring is quorate */
	int64_t		 lost_at;	/* COMMAND told to stop */
	int		 req_refused;	/* a state refused our request */
	uint32_t	 seq;
	int		 asks;		/* since the last answer or init */
	uint32_t	 req_seq;	/* our latest request */
	int		 req_seen;	/* ... was delivered */
	int		 pending;	/* one since we last forgot was */
	uint32_t	 publish;	/* our query to answer, to all */
	struct logent	*log;
	size_t		 nlog;
	size_t		 caplog;
	int64_t		 grace_until;
	int64_t		 ask_at;	/* 0: not armed */
	int64_t		 handoff_at;	/* leave even if never answered */
	int		 warned_foreign;
	int		 warned_running;
	int		 warned_state;
	int		 warned_init;
	int		 stdin_eof;
	enum handoff	 handoff;
	int		 final;		/* ... and then end with this */
	uint64_t	 token;		/* our grant's fencing token, or 0 */
	int		 child;		/* COMMAND runs */
	/* freshness: when our latest messages were sent, and our check */
	struct {
		uint32_t seq;
		int64_t	 at;
	}		 sent[NSENT];
	unsigned	 nsent;
	int64_t		 fresh_at;	/* sent: the latest of ours back, or
					   INT64_MIN */
	uint32_t	 check_seq;	/* our check on its way, or 0 */
	struct lq_msg	 m;		/* the message being handled */
	char		 buf[LQ_MSG_MAX + 1];	/* a state being built */
	struct lp_act	 act[ACT_MAX];
	size_t		 nact;
};

static void evaluate(struct lp *);
static void forget_waiting(struct lp *);
static void lose(struct lp *, const char *);
static void synthesize(struct lp *);
static int any_old(const struct lp *);
static void mark_holders(struct lp *);

static int
ring_eq(const struct lp_ring *a, const struct lp_ring *b)
{
	return a->nodeid == b->nodeid && a->seq == b->seq;
}

/* The one writer of what we know (see enum sync). */
static void
to_sync(struct lp *lp, enum sync s)
{
	lp->sync = s;
}

/* The one writer of our turn (see enum phase). */
static void
to_phase(struct lp *lp, enum phase ph)
{
	lp->phase = ph;
}

static int
synced(const struct lp *lp)
{
	return lp->sync == SY_SYNCED;
}

static int
joined(const struct lp *lp)
{
	return lp->sync != SY_OUTSIDE;
}

/* Unsynced, keeping a log for the state that answers it. */
static int
logging(const struct lp *lp)
{
	return lp->sync == SY_LOGGING || lp->sync == SY_REBUILDING;
}

/*
 * May this process act on what it knows (grant, answer, start from
 * nothing)? With quorum, only when votequorum's verdict is for the very
 * ring CPG says we are in, and says quorate: the two are told on two
 * channels, in no order, and a confchg that brings NODEDOWN or NODEUP
 * comes before the totem confchg that names the new ring.
 */
static int
q_ok(const struct lp *lp)
{
	if (LP_MUTATE == M_GRANT_UNQUORATE)
		return 1;
	/*
	 * --no-quorum: once CPG has named the ring we are in. A queue
	 * started from nothing takes its tokens above that ring's seq
	 * (lockq.c, Tokens), and one started before the ring is named
	 * would take the seq of a ring gone by.
	 */
	if (lp->cfg.noquorum)
		return !lp->moving && lp->ring.seq != 0;
	return !lp->moving && lp->verified;
}

/* Our clock, in ms since the epoch: it floors tokens (lockq.c, Tokens). */
static uint64_t
wall_ms(const struct lp *lp)
{
	int64_t t = lp->now + lp->cfg.wall_off;

	return t > 0 ? (uint64_t)(t / MSEC) : 0;
}

/*
 * The ring the state's next tokens are granted in (told in the order:
 * CPG's totem confchg), and the clock a message told (never more than a
 * minute ahead of ours: a clock far ahead would spend the ring's
 * tokens). Both are the state's, so every member agrees on them.
 */
static void
at_ring(struct lp *lp, uint64_t seq)
{
	if (LP_MUTATE != M_TOKEN_NO_FLOOR && seq > lp->st.ring_seq)
		lp->st.ring_seq = seq;
}

static void
told_clock(struct lp *lp, uint64_t ms)
{
	uint64_t max = wall_ms(lp) + 60000;

	if (LP_MUTATE != M_TOKEN_NO_FLOOR)
		lq_clock(&lp->st, ms < max ? ms : max);
}

static int
is_me(const struct lp *lp, struct cpgt_addr a)
{
	return addr_eq(a, lp->me);
}

static struct lp_act *
act(struct lp *lp, enum lp_act_kind kind, int n)
{
	struct lp_act *a;

	/* never more than a handful per input; the last slot is kept */
	if (lp->nact == ACT_MAX)
		lp->nact--;
	a = &lp->act[lp->nact++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->n = n;
	return a;
}

static void __attribute__((format(printf, 3, 4)))
warn_act(struct lp *lp, int lost, const char *fmt, ...)
{
	struct lp_act *a = act(lp, LA_WARN, lost);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

static void
end(struct lp *lp, int status)
{
	if (lp->phase == PH_ENDED)
		return;
	to_phase(lp, PH_ENDED);
	act(lp, LA_EXIT, status);
}

static void
event(struct lp *lp, enum lp_ev type, const char *why)
{
	struct lp_act *a = act(lp, LA_EVENT, type);

	if (why != NULL)
		snprintf(a->text, sizeof(a->text), "%s", why);
}

static void
say(struct lp *lp, const char *msg, size_t len)
{
	struct lp_act *a;
	char *p;

	if ((p = malloc(len + 1)) == NULL) {
		warn_act(lp, 0, "out of memory");
		end(lp, ST_FAIL);
		return;
	}
	memcpy(p, msg, len);
	p[len] = '\0';
	/* the first message to carry this seq: when it was sent */
	if (lp->nsent == 0 ||
	    lp->sent[(lp->nsent - 1) % NSENT].seq != lp->seq) {
		lp->sent[lp->nsent % NSENT].seq = lp->seq;
		lp->sent[lp->nsent % NSENT].at = lp->now;
		lp->nsent++;
	}
	a = act(lp, LA_SEND, 0);
	a->msg = p;
	a->len = len;
}

/* Ask for the state: a contender's request doubles as the question. */
static void
ask(struct lp *lp)
{
	char buf[96];		/* a request with its clock */
	size_t n;

	lp->seq++;
	lp->req_seq = lp->seq;
	lp->req_seen = 0;
	if (lp->cfg.show)
		n = lq_query_msg(buf, sizeof(buf), lp->seq);
	else
		n = lq_request_at_msg(buf, sizeof(buf), lp->cfg.limit,
		    !lp->cfg.noquorum, lp->seq, lp->cfg.kill_ms, wall_ms(lp));
	say(lp, buf, n);
	/*
	 * Unsynced, the timer starts when this comes back (see ASK_EVERY).
	 * Synced, it only sees that the request is not lost with a ring.
	 */
	lp->ask_at = synced(lp) ? lp->now + ASK_EVERY : 0;
}

/* Nobody newly promoted acts before a lost holder's COMMAND is dead. */
static void
grace_to(struct lp *lp, int64_t until)
{
	if (until > lp->grace_until)
		lp->grace_until = until;
}

/* ... which a node that left may run for its --kill-after */
static void
start_grace(struct lp *lp, int64_t from, int64_t kill_ms)
{
	grace_to(lp, from + kill_ms * MSEC + GRACE_MARGIN);
}

static void
forget(struct lp *lp)
{
	char buf[64];
	int told = synced(lp) && !lp->cfg.show &&
	    lq_index(lp->st.synced, lp->st.nsynced, lp->me) >= 0;

	lp->pending = 0;
	lq_reset(&lp->st);
	to_sync(lp, joined(lp) ? SY_ASKING : SY_OUTSIDE);
	lp->nlog = 0;
	lp->from_join = 0;
	/*
	 * The others count us among SYNCED, and would never answer us:
	 * say so, and take the state that answers this.
	 */
	if (told) {
		lp->seq++;
		lp->req_seq = lp->seq;
		say(lp, buf, lq_forgot_msg(buf, sizeof(buf), lp->seq));
	}
}

static void
start_empty(struct lp *lp)
{
	forget(lp);
	to_sync(lp, SY_SYNCED);
	lp->st.synced[lp->st.nsynced++] = lp->me;
	/* tokens from nothing: above every earlier ring's (lockq.c) */
	at_ring(lp, lp->ring.seq);
	if (LP_MUTATE != M_TOKEN_NO_FLOOR)
		lq_clock(&lp->st, wall_ms(lp));
	lp->asks = 0;
	lp->ask_at = 0;
	if (!lp->cfg.noquorum && !lp->complete &&
	    LP_MUTATE != M_NO_MISSING_GRACE)
		start_grace(lp, lp->now, lp->cfg.kill_ms);
}

/*
 * Who answers: the lowest member of SYNCED. A process that took a state
 * answering another's question is synced, yet still PENDING for the
 * others; should every member of SYNCED leave before it is told, the
 * pending ones that know the state answer (each, alike: the first
 * delivered is taken, the rest agree with it).
 */
static int
responder(const struct lp *lp)
{
	struct cpgt_addr r;

	if (!synced(lp))
		return 0;
	if (!lq_responder(&lp->st, &r))
		return 1;
	return is_me(lp, r);
}

static void
answer(struct lp *lp, struct cpgt_addr from, uint32_t seq, int anyway)
{
	struct lq_pend tag = { from, seq };
	int64_t left = lp->grace_until - lp->now;
	size_t n;

	/*
	 * Told even while unsure of quorum (a verdict for a new ring may
	 * take a while): whoever takes it acts only once sure itself, and
	 * forgets it if the ring turns out not quorate (lp_ring, lp_quorum).
	 */
	if (!anyway && !responder(lp))
		return;
	n = lq_state_msg(lp->buf, sizeof(lp->buf), &lp->st, &tag,
	    left > 0 ? (uint32_t)(left / MSEC) + 1 : 0);
	say(lp, lp->buf, n);
}

static void
publish(struct lp *lp)
{
	char buf[64];

	lp->publish = ++lp->seq;
	say(lp, buf, lq_query_msg(buf, sizeof(buf), lp->seq));
}

/* Members that take part in the lock, or may: all but bystanders. */
static size_t
parties(const struct lp *lp)
{
	size_t i, n = 0;

	for (i = 0; i < lp->nmembers; i++)
		if (!lp->members[i].bystander)
			n++;
	return n;
}

static void
finish(struct lp *lp, int st)
{
	if (lp->handoff != HO_NONE || lp->phase == PH_ENDED)
		return;
	if (!synced(lp) || (lp->st.npend == 0 &&
	    parties(lp) <= lp->st.nsynced)) {
		end(lp, st);
		return;
	}
	lp->handoff = HO_PUBLISHING;
	lp->final = st;
	publish(lp);
	/* should it never come back, go all the same */
	lp->handoff_at = lp->now + ASK_EVERY;
}

static void
refused(struct lp *lp, enum lq_req r)
{
	if (r == LQ_FULL)
		warn_act(lp, 0, "%d contenders already", LQ_MAX);
	else
		warn_act(lp, 0, "in use with --limit %u%s; this request "
		    "has --limit %u%s", lp->st.limit,
		    lp->st.quorum ? "" : " --no-quorum", lp->cfg.limit,
		    lp->cfg.noquorum ? " --no-quorum" : "");
	end(lp, ST_FAIL);
}

static ssize_t
find_member(const struct lp *lp, struct cpgt_addr a)
{
	size_t i;

	for (i = 0; i < lp->nmembers; i++)
		if (addr_eq(lp->members[i].a, a))
			return (ssize_t)i;
	return -1;
}

static uint64_t
member_since(const struct lp *lp, struct cpgt_addr a)
{
	ssize_t k = find_member(lp, a);

	return k >= 0 ? lp->members[k].since : 0;
}

static void
apply(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from, int live)
{
	enum lq_req r;

	if (m->kind == LQ_REQUEST || m->kind == LQ_INIT)
		told_clock(lp, m->wall);
	switch (m->kind) {
	case LQ_REQUEST:
		r = lq_request(&lp->st, from, m->limit, m->quorum, m->seq,
		    m->kill_ms);
		if ((r == LQ_MISMATCH || r == LQ_FULL ||
		    (r == LQ_ALREADY && LP_MUTATE == M_REASK_REFUSED)) &&
		    is_me(lp, from))
			refused(lp, r);
		else if (live &&
		    lq_index(lp->st.synced, lp->st.nsynced, from) < 0)
			answer(lp, from, m->seq, 0);
		break;
	case LQ_QUERY:
		if (live && is_me(lp, from) && m->seq == lp->publish) {
			answer(lp, from, m->seq, 1);
			lp->publish = 0;
			if (lp->handoff == HO_PUBLISHING) {
				lp->handoff = HO_DONE;
				end(lp, lp->final);
			}
		} else if (live &&
		    lq_index(lp->st.synced, lp->st.nsynced, from) < 0)
			answer(lp, from, m->seq, 0);
		break;
	case LQ_INIT:
		if (live && !is_me(lp, from) &&
		    member_since(lp, from) >= lp->init_ord &&
		    !lp->warned_init++)
			warn_act(lp, 0, "%u:%u started from nothing while "
			    "others knew the queue", from.nodeid, from.pid);
		if (live)
			lp->init_ord = lp->ord;
		break;
	case LQ_STATE:
		lq_answered(&lp->st, &m->st);
		break;
	case LQ_GRANTED:
		/* a holder's, and never past its clock a minute ahead of ours */
		if (m->token <= lq_token_at(&lp->st, wall_ms(lp) + 60000))
			lq_granted(&lp->st, from, m->token);
		break;
	case LQ_FORGOT:
		if (is_me(lp, from))
			break;
		lq_forgot(&lp->st, from, m->seq);
		if (live)
			answer(lp, from, m->seq, 0);
		break;
	default:
		break;
	}
}

static void
remove_member(struct lp *lp, struct cpgt_addr a, int reason, int64_t at)
{
	int64_t kill_ms = lq_remove(&lp->st, a);

	if (kill_ms < 0)
		return;
	if (reason == LP_NODEDOWN && LP_MUTATE != M_NO_NODEDOWN_GRACE)
		start_grace(lp, at, kill_ms);
	else if (reason == LP_PROCDOWN && LP_MUTATE != M_NO_PROCDOWN_GRACE)
		grace_to(lp, at + PROCDOWN_GRACE);
}

/*
 * A newcomer's log of what was delivered before a state answered it, at
 * most LOG_MAX messages (some 2.5 MiB): a member that floods the group
 * would otherwise grow it without end. Past the bound the newcomer gives
 * up, saying so, as for a lack of memory: it holds nothing yet.
 */
#define LOG_MAX		65536

static void
log_add(struct lp *lp, const struct logent *e)
{
	struct logent *v;
	size_t cap;

	if (lp->nlog == LOG_MAX) {
		warn_act(lp, 0, "%d lock messages came before the state did: "
		    "giving up", LOG_MAX);
		end(lp, ST_FAIL);
		return;
	}
	if (lp->nlog == lp->caplog) {
		cap = lp->caplog ? lp->caplog * 2 : 32;
		if ((v = reallocarray(lp->log, cap, sizeof(*v))) == NULL) {
			warn_act(lp, 0, "out of memory");
			end(lp, ST_FAIL);
			return;
		}
		lp->log = v;
		lp->caplog = cap;
	}
	lp->log[lp->nlog++] = *e;
}

static void
replay(struct lp *lp, size_t first, size_t n)
{
	const struct logent *e;
	struct lq_msg rm;
	size_t i;

	for (i = first; i < n; i++) {
		e = &lp->log[i];
		if (e->kind == LQ_FOREIGN && e->reason == 0) {
			at_ring(lp, e->ring_seq);
			continue;
		}
		if (e->kind == LQ_FOREIGN) {
			remove_member(lp, e->from, e->reason, e->at);
			continue;
		}
		memset(&rm, 0, sizeof(rm));
		rm.wall = e->wall;
		rm.token = e->token;
		rm.kind = e->kind;
		rm.seq = e->seq;
		rm.limit = e->limit;
		rm.quorum = e->quorum;
		rm.kill_ms = e->kill_ms;
		apply(lp, &rm, e->from, 0);
	}
}

static void
adopt(struct lp *lp, const struct lq_msg *m)
{
	size_t k;

	for (k = 0; k < lp->nlog; k++)
		if ((lp->log[k].kind == LQ_REQUEST ||
		    lp->log[k].kind == LQ_QUERY ||
		    lp->log[k].kind == LQ_FORGOT) &&
		    addr_eq(lp->log[k].from, m->tag.a) &&
		    lp->log[k].seq == m->tag.seq)
			break;
	if (k == lp->nlog)
		return;
	lp->st = m->st;
	if (m->grace_ms && LP_MUTATE != M_STATE_GRACE_IGNORED)
		grace_to(lp, lp->now + m->grace_ms * MSEC);
	/* the answer to our request, without us: refused */
	if (!lp->cfg.show && addr_eq(m->tag.a, lp->me) &&
	    m->tag.seq == lp->req_seq &&
	    lq_index(lp->st.q, lp->st.nq, lp->me) < 0 &&
	    lp->st.nq > 0 && (lp->st.nq == LQ_MAX ||
	    lp->st.limit != lp->cfg.limit ||
	    lp->st.quorum != !lp->cfg.noquorum))
		lp->req_refused = 1;
	replay(lp, k + 1, lp->nlog);
	lq_answered(&lp->st, &m->st);
	to_sync(lp, SY_SYNCED);
	lp->nlog = 0;
	lp->asks = 0;
	lp->ask_at = 0;
}

/*
 * An init is in force only in the ring it was sent in: every member of
 * that ring tells so alike (CPG's totem confchg is in the stream). One
 * sent before a stall and delivered after it is void for all, sender
 * included: the ring that went silent may have held a state.
 */
static int
init_in_force(const struct lp *lp, const struct lq_msg *m)
{
	struct lp_ring r = { m->ring_node, m->ring_seq };

	return (ring_eq(&r, &lp->ring) && !lp->moving) ||
	    LP_MUTATE == M_INIT_ANY_RING;
}

/* An init in our log: ours starts the state if none came first. */
static void
on_init(struct lp *lp, struct cpgt_addr from, const struct lq_msg *m)
{
	size_t i;

	if (!init_in_force(lp, m)) {
		if (is_me(lp, from)) {
			to_sync(lp, SY_LOGGING);
			lp->asks = 0;
			ask(lp);
		}
		return;
	}
	/*
	 * The first init in force whose sender is still a member: one that
	 * left without answering started nothing anyone can learn (had it
	 * started a state, it would have published it before leaving).
	 */
	for (i = 0; i < lp->nlog; i++)
		if (lp->log[i].kind == LQ_INIT && !lp->log[i].old_ring &&
		    find_member(lp, lp->log[i].from) >= 0)
			break;
	lp->init_ord = lp->ord;
	if (is_me(lp, from) && i == lp->nlog && q_ok(lp)) {
		/* either way the state starts from nothing (start_empty) */
		if (lp->sync == SY_REBUILDING && lp->from_join &&
		    !any_old(lp)) {
			synthesize(lp);
			return;
		}
		start_empty(lp);
		if (!lp->cfg.show)
			ask(lp);
		return;
	}
	if (is_me(lp, from))
		to_sync(lp, SY_LOGGING);
	/*
	 * The first init in force may have started a state we have not seen:
	 * only its sender can tell, so ask it. A later one started nothing
	 * (the first came before it everywhere): asking again for each would
	 * make a burst of newcomers' inits a burst of N x N questions.
	 */
	lp->from_join = 0;
	if (i < lp->nlog && !is_me(lp, from))
		return;
	lp->asks = 0;
	ask(lp);
}

static void
unsynced_msg(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	struct logent e = {
		.kind = m->kind, .from = from, .seq = m->seq,
		.limit = m->limit, .quorum = m->quorum, .kill_ms = m->kill_ms,
		.wall = m->wall, .token = m->token,
	};

	if (lp->sync == SY_ASKING && is_me(lp, from) &&
	    (m->kind == LQ_REQUEST || m->kind == LQ_QUERY ||
	    m->kind == LQ_FORGOT))
		to_sync(lp, SY_LOGGING);
	if (!logging(lp))
		return;
	if (m->kind == LQ_STATE) {
		adopt(lp, m);
		return;
	}
	if (m->kind == LQ_INIT) {
		on_init(lp, from, m);
		if (synced(lp) || !init_in_force(lp, m))
			return;
	}
	if (m->kind == LQ_RUNNING)
		return;
	log_add(lp, &e);
}

static int
joined_as(const struct lp_confchg *c, struct cpgt_addr a, int reason)
{
	size_t i;

	for (i = 0; i < c->njoined; i++)
		if (addr_eq(c->joined[i].a, a) &&
		    (reason == 0 || c->joined[i].reason == reason))
			return 1;
	return 0;
}

/*
 * --no-quorum: partitions merged, each with a state of its own. The side
 * that holds the lowest of the members the sides bring keeps its state;
 * the others start over (a holder among them loses the lock). Each side
 * compares the lowest of its own members (those it had before) with the
 * lowest of those that came with their node (NODEUP); a process that
 * joins meanwhile (JOIN) belongs to no side and counts for neither.
 */
static void
merged(struct lp *lp, const struct lp_confchg *c)
{
	struct cpgt_addr mine = { 0, 0 }, theirs = { 0, 0 };
	int have_mine = 0, have_theirs = 0;
	size_t i;

	if (!joined(lp) || !lp->cfg.noquorum ||
	    LP_MUTATE == M_MERGE_KEEPS_BOTH)
		return;
	for (i = 0; i < c->nmembers; i++) {
		if (joined_as(c, c->members[i].a, LP_NODEUP)) {
			if (!have_theirs++ || addr_cmp(c->members[i].a, theirs) < 0)
				theirs = c->members[i].a;
		} else if (!joined_as(c, c->members[i].a, 0)) {
			if (!have_mine++ || addr_cmp(c->members[i].a, mine) < 0)
				mine = c->members[i].a;
		}
	}
	if (!have_theirs || (have_mine && addr_cmp(mine, theirs) < 0))
		return;
	/*
	 * A lost holder keeps no state: it would tell the losing one. A
	 * newcomer of the losing side forgets its log too: a state its side
	 * sent before the merge may yet arrive, answering a message in it.
	 */
	lose(lp, "partitions merged");
	forget(lp);
	if (lp->phase == PH_WAITING)
		ask(lp);
}

static void
synthesize(struct lp *lp)
{
	size_t n = lp->nlog;

	start_empty(lp);
	if (lp->old_down_at)
		start_grace(lp, lp->old_down_at, lp->cfg.kill_ms);
	if (lp->old_killed_at)
		grace_to(lp, lp->old_killed_at + PROCDOWN_GRACE);
	replay(lp, 0, n);
	/* alone (bystanders aside), nobody waits to be told */
	if (!lp->cfg.show && parties(lp) > 1)
		publish(lp);
}

/*
 * Every member older than us is gone, others are here: rebuild from our
 * log, but through an init of ours, so that it is ordered against the
 * others' inits and rebuilds: the first delivered wins, and the rest ask
 * it. Alone (bystanders never init), or only looking (--show), nobody
 * can race us: at once.
 */
static void
rebuild(struct lp *lp)
{
	char buf[96];		/* an init with its ring and clock */

	if (parties(lp) == 1 || lp->cfg.show) {
		synthesize(lp);
		return;
	}
	if (lp->sync == SY_REBUILDING)
		return;
	to_sync(lp, SY_REBUILDING);
	lp->seq++;
	say(lp, buf, lq_init_at_msg(buf, sizeof(buf), lp->seq,
	    lp->ring.nodeid, lp->ring.seq, wall_ms(lp)));
}

static int
may_rebuild(const struct lp *lp)
{
	return q_ok(lp);
}

static void
on_joined(struct lp *lp, const struct lp_confchg *c)
{
	to_sync(lp, SY_LOGGING);
	if (c->nmembers == 1 && may_rebuild(lp)) {
		start_empty(lp);
		return;
	}
	/*
	 * CPG may name our first ring only after our join: the log counts
	 * as kept under quorum if votequorum says quorate now, and is
	 * forgotten if that ring turns out not to be (lp_ring, lp_quorum).
	 */
	lp->from_join = lp->cfg.noquorum || lp->quorate;
	lp->old_down_at = 0;
	lp->old_killed_at = 0;
}

/*
 * A member that asked and left: its question's place is kept, for the
 * state that answers it may come after its leave (state_knows).
 */
static void
gone(struct lp *lp, const struct member *m, size_t n)
{
	size_t i, j;

	for (i = 0; i < lp->nmembers; i++) {
		if (lp->members[i].ask_ord == 0)
			continue;
		for (j = 0; j < n; j++)
			if (addr_eq(m[j].a, lp->members[i].a))
				break;
		if (j == n)
			lp->gone[lp->ngone++ % GONE_MAX] = lp->members[i];
	}
}

static void
members(struct lp *lp, const struct lp_confchg *c)
{
	struct member m[LQ_MAX];
	ssize_t k;
	size_t i, n;

	for (n = 0; n < c->nmembers && n < LQ_MAX; n++) {
		m[n] = (struct member){ .a = c->members[n].a };
		if ((k = find_member(lp, m[n].a)) >= 0) {
			m[n] = lp->members[k];
			continue;
		}
		m[n].since = joined(lp) ? lp->ord : 0;
		m[n].old = !joined(lp) && !is_me(lp, m[n].a);
		for (i = 0; i < c->njoined; i++)
			if (addr_eq(c->joined[i].a, m[n].a) &&
			    c->joined[i].reason == LP_NODEUP)
				m[n].old = 1;
	}
	gone(lp, m, n);
	memcpy(lp->members, m, n * sizeof(m[0]));
	lp->nmembers = n;
}

static int
any_old(const struct lp *lp)
{
	size_t i;

	for (i = 0; i < lp->nmembers; i++)
		if (lp->members[i].old)
			return 1;
	return 0;
}

/*
 * A member said it takes no part in the lock (lockq.c, Bystanders): it
 * is OLD no more, and with no OLD member left we rebuild, as when the
 * last of them leaves (confchg).
 */
static void
bystander(struct lp *lp, struct cpgt_addr from)
{
	ssize_t k;
	size_t i;

	if (is_me(lp, from) || (k = find_member(lp, from)) < 0)
		return;
	lp->members[k].old = 0;
	lp->members[k].bystander = 1;
	if (LP_MUTATE == M_BYSTANDER_ALL)
		for (i = 0; i < lp->nmembers; i++)
			lp->members[i].old = 0;
	if (joined(lp) && !synced(lp) && lp->from_join && !any_old(lp) &&
	    may_rebuild(lp))
		rebuild(lp);
}

static void
confchg(struct lp *lp, const struct lp_confchg *c)
{
	struct logent e = { .kind = LQ_FOREIGN, .at = lp->now };
	ssize_t k;
	size_t i;

	for (i = 0; i < c->nleft; i++)
		if (c->left[i].reason == LP_NODEDOWN)
			lp->moving = 1;
	for (i = 0; i < c->njoined; i++)
		if (c->joined[i].reason == LP_NODEUP)
			lp->moving = 1;
	for (i = 0; i < c->nleft; i++) {
		if ((k = find_member(lp, c->left[i].a)) >= 0 &&
		    lp->members[k].old) {
			if (c->left[i].reason == LP_NODEDOWN)
				lp->old_down_at = e.at;
			if (c->left[i].reason == LP_PROCDOWN)
				lp->old_killed_at = e.at;
		}
		if (synced(lp))
			remove_member(lp, c->left[i].a, c->left[i].reason,
			    e.at);
		else if (logging(lp)) {
			e.from = c->left[i].a;
			e.reason = c->left[i].reason;
			log_add(lp, &e);
		}
	}
	members(lp, c);
	/* every member of SYNCED gone: tell the state to those waiting */
	if (synced(lp) && lp->st.nsynced == 0 && lp->st.npend > 0 &&
	    q_ok(lp) && lp->publish == 0 && lp->handoff == HO_NONE &&
	    !lp->cfg.show)
		publish(lp);
	for (i = 0; i < c->njoined && !joined(lp); i++)
		if (is_me(lp, c->joined[i].a))
			break;
	if (!joined(lp) && i < c->njoined) {
		on_joined(lp, c);
		return;
	}
	/*
	 * Members came with their node: what their side sent before the
	 * merge may still come, states among it, from a side that was no
	 * primary component (a node whose corosync was stopped, lockq.c).
	 * A newcomer forgets its log and asks anew, as a --no-quorum merge
	 * makes the losing side's do: only an answer to a question asked
	 * since counts.
	 */
	if (logging(lp) && !lp->cfg.noquorum &&
	    LP_MUTATE != M_NO_PRIMARY)
		for (i = 0; i < c->njoined; i++)
			if (c->joined[i].reason == LP_NODEUP) {
				forget_waiting(lp);
				break;
			}
	if (!synced(lp) && lp->from_join &&
	    (!any_old(lp) || LP_MUTATE == M_EMPTY_NOT_ALONE) && may_rebuild(lp)) {
		rebuild(lp);
		return;
	}
	if (joined(lp) && !synced(lp) && c->nmembers == 1 && may_rebuild(lp)) {
		start_empty(lp);
		if (!lp->cfg.show)
			ask(lp);
		return;
	}
	merged(lp, c);
}

/*
 * Our token: the one our promotion gave, or this ring's floor now if
 * above (we start late: those granted meanwhile are below it); said to
 * all, so that the state's next tokens are above it. With --limit N
 * holders run together (none is late): the promotion's, each its own.
 */
static void
tell_token(struct lp *lp, size_t i)
{
	char buf[64];

	/* alone (bystanders aside), nobody need hear it but our state */
	if (lp->token != lp->st.tok[i] && parties(lp) > 1)
		say(lp, buf, lq_granted_msg(buf, sizeof(buf), lp->token));
	else if (lp->token != lp->st.tok[i])
		lq_granted(&lp->st, lp->me, lp->token);
}

/*
 * Freshness. A message delivered to a node's processes is not always
 * delivered while its ring still runs: a corosync stopped (SIGSTOP, a
 * paused VM, a starved host) longer than the token, when it runs again,
 * first delivers what it held of the old ring (the transitional
 * configuration: its own messages already sent on the ring, and the
 * others' it had received) and only then tells of the new one. Meanwhile
 * the others formed a ring without it and, after the grace, granted: a
 * hand-over, a grace's end or our own request read then would make us a
 * holder beside theirs. So the state making us a holder is acted on only
 * less than fresh_ms after the sending of an own message (request, query,
 * init, forgot, check) that has come back: with fresh_ms below the token
 * timeout, that one was delivered while its ring still ran, and so was
 * everything before now (delivered late, after such a stop, anything
 * takes us past the token since any message sent before it), and COMMAND
 * starts before any ring without this node can have formed, let alone
 * granted. Otherwise we send a check and look again when it is back (a
 * hand-over costs that round; our own request, or a state come soon
 * after it, does not).
 * fresh_ms is 250 ms unless told: corosync's token timeout is 3000 ms by
 * default, and a cluster with one under 250 ms loses its ring to any
 * scheduling hiccup.
 */
static int64_t
sent_at(const struct lp *lp, uint32_t seq)
{
	unsigned i, n = lp->nsent < NSENT ? lp->nsent : NSENT;

	for (i = 1; i <= n; i++)
		if (lp->sent[(lp->nsent - i) % NSENT].seq == seq)
			return lp->sent[(lp->nsent - i) % NSENT].at;
	return -1;
}

static void
mark_fresh(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	int64_t at;

	if (!is_me(lp, from) || (m->kind != LQ_REQUEST &&
	    m->kind != LQ_QUERY && m->kind != LQ_INIT &&
	    m->kind != LQ_FORGOT && m->kind != LQ_CHECK))
		return;
	if (m->kind == LQ_CHECK && m->seq == lp->check_seq)
		lp->check_seq = 0;
	if ((at = sent_at(lp, m->seq)) > lp->fresh_at)
		lp->fresh_at = at;
}

/* Not fresh: ask our own check to come back (once at a time). */
static int
stale(struct lp *lp)
{
	uint32_t ms = lp->cfg.fresh_ms ? lp->cfg.fresh_ms : FRESH_MS;
	char buf[64];

	if ((lp->fresh_at != INT64_MIN &&
	    lp->now - lp->fresh_at < ms * MSEC) || LP_MUTATE == M_NO_FRESH)
		return 0;
	if (lp->check_seq == 0) {
		lp->check_seq = ++lp->seq;
		say(lp, buf, lq_check_msg(buf, sizeof(buf), lp->seq));
	}
	return 1;
}

static void
acquire(struct lp *lp, size_t i)
{
	if (stale(lp))
		return;
	to_phase(lp, PH_HOLDING);
	lp->token = lp->st.tok[i];
	if (LP_MUTATE != M_TOKEN_NO_FLOOR && lp->st.limit == 1 &&
	    lq_token_at(&lp->st, wall_ms(lp)) > lp->token)
		lp->token = lq_token_at(&lp->st, wall_ms(lp));
	event(lp, LP_EV_ACQUIRED, NULL);
	if (lp->cfg.command) {
		lp->child = 1;
		act(lp, LA_SPAWN, 0);
		/* after the spawn: the hand-over waits for no multicast */
		tell_token(lp, i);
	} else {
		tell_token(lp, i);
		if (lp->stdin_eof) {
			event(lp, LP_EV_RELEASED, NULL);
			finish(lp, ST_OK);
		}
	}
}

/*
 * A COMMAND that may still run after its holder lost the lock is said
 * aloud, with how long it may yet live: whoever starts a queue from
 * nothing, or is synced, waits that out. Said when the lock is lost and
 * again to every newcomer's question while COMMAND lives.
 */
static void
running(struct lp *lp)
{
	char buf[64];
	int64_t left = lp->lost_at + (int64_t)lp->cfg.kill_ms * MSEC - lp->now;

	if (!lp->child || lp->phase != PH_LOST)
		return;
	say(lp, buf, lq_running_msg(buf, sizeof(buf),
	    left > 0 ? (uint32_t)(left / MSEC) + 1 : 1));
}

static void
lose(struct lp *lp, const char *why)
{
	if (lp->phase != PH_HOLDING)
		return;
	to_phase(lp, PH_LOST);
	lp->lost_at = lp->now;
	warn_act(lp, 1, "%s", why);
	event(lp, LP_EV_LOST, why);
	if (lp->child) {
		act(lp, LA_STOP, 0);
		running(lp);
	} else
		end(lp, ST_LOST);
}

/*
 * Waiting, after any input: may we be granted now, or must we end (a
 * minority's --show or -n, a refusal, -n behind the holders)?
 */
static void
step_waiting(struct lp *lp)
{
	ssize_t i;

	/*
	 * A minority cannot know the holders (--show never says "free"), nor
	 * grant (-n says so at once): votequorum's no is enough for either.
	 */
	if ((lp->cfg.show || lp->cfg.nonblock) && !lp->cfg.noquorum &&
	    !lp->quorate) {
		if (lp->cfg.show)
			warn_act(lp, 0, "this node's partition is not quorate: "
			    "the holders cannot be known here");
		else
			warn_act(lp, 0, "this node's partition is not "
			    "quorate");
		end(lp, lp->cfg.show ? ST_INQUORATE : ST_BUSY);
		return;
	}
	if (!synced(lp))
		return;
	if (lp->cfg.show) {
		if (!q_ok(lp))
			return;
		act(lp, LA_SHOW, 0);
		to_phase(lp, PH_ENDED);
		return;
	}
	if ((i = lq_index(lp->st.q, lp->st.nq, lp->me)) < 0) {
		if (lp->req_refused)
			refused(lp, lp->st.nq == LQ_MAX ? LQ_FULL :
			    LQ_MISMATCH);
		/* our request may yet come, or was lost: ask again if not */
		else if (lp->ask_at == 0)
			lp->ask_at = lp->now + ASK_EVERY;
		return;
	}
	if ((size_t)i >= lp->st.limit) {
		if (lp->cfg.nonblock)
			finish(lp, ST_BUSY);
		return;
	}
	/* a ring on its way is waited for, -n or not */
	if (!q_ok(lp))
		return;
	if (lp->now < lp->grace_until)
		return;
	acquire(lp, (size_t)i);
}

/*
 * After every input, the step of our phase. Only a waiting process has
 * anything to decide here: a holder acts on the inputs that concern it
 * (COMMAND's end, stdin's, a signal, a loss), an ended one on none.
 */
static void
evaluate(struct lp *lp)
{
	mark_holders(lp);
	switch (lp->phase) {
	case PH_WAITING:
		step_waiting(lp);
		break;
	case PH_HOLDING:
	case PH_LOST:
	case PH_ENDED:
		break;
	}
}

/* Inputs. */

struct lp *
lp_new(const struct lp_cfg *cfg, struct cpgt_addr me)
{
	struct lp *lp;

	if ((lp = calloc(1, sizeof(*lp))) == NULL)
		return NULL;
	lp->cfg = *cfg;
	lp->me = me;
	lp->fresh_at = INT64_MIN;
	return lp;
}

void
lp_free(struct lp *lp)
{
	if (lp == NULL)
		return;
	lp_clear(lp);
	free(lp->log);
	free(lp);
}

void
lp_start(struct lp *lp, int64_t now)
{
	lp->now = now;
	ask(lp);
}

/* Our own question came back: it is in the order; its answer is due. */
static void
own_delivered(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	if (!is_me(lp, from) || (m->kind != LQ_REQUEST &&
	    m->kind != LQ_QUERY && m->kind != LQ_FORGOT))
		return;
	/* others list us as PENDING (forget_waiting), whichever it was */
	lp->pending = 1;
	if (m->seq != lp->req_seq)
		return;
	lp->req_seen = 1;
	if (!synced(lp)) {
		lp->asks++;
		lp->ask_at = lp->now + ASK_EVERY;
	}
}

/*
 * A state is told by a member that knows it: one it lists as synced, or
 * as waiting, or anyone when it lists nobody as synced (a process synced
 * by a state that answered another answers once every member of SYNCED
 * is gone: see responder()), or one that answers its own query: only a
 * member that knows the state publishes, and it may be in no list yet,
 * its own request still on its way (locksim C4, seed 299816: every member
 * refused such a hand-over with a warning).
 */
static int
state_plausible(const struct lq_msg *m, struct cpgt_addr from)
{
	size_t i;

	if (LP_MUTATE == M_STATE_SYNCED_ONLY)
		return lq_index(m->st.synced, m->st.nsynced, from) >= 0;
	if (m->st.nsynced == 0 || addr_eq(m->tag.a, from) ||
	    lq_index(m->st.synced, m->st.nsynced, from) >= 0)
		return 1;
	for (i = 0; i < m->st.npend; i++)
		if (addr_eq(m->st.pend[i].a, from))
			return 1;
	return 0;
}

/*
 * Who may say what (lockq.c, Senders). CPG names each message's sender
 * (node and pid) truly, but any process may join a group and say
 * anything: each kind counts only from a member whose part allows it.
 */

/* Holders we have seen in a state we knew: they may say 'running'. */
static void
mark_holders(struct lp *lp)
{
	size_t i, n = lq_holders(&lp->st);
	ssize_t k;

	for (i = 0; synced(lp) && i < n; i++)
		if ((k = find_member(lp, lp->st.q[i])) >= 0)
			lp->members[k].held = 1;
}

static void
mark_knows(struct lp *lp, struct cpgt_addr a)
{
	ssize_t k = find_member(lp, a);

	if (k >= 0)
		lp->members[k].knows = 1;
}

/* A member's question delivered: a state may answer it (below). */
static void
asked(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	ssize_t k = find_member(lp, from);

	if (k < 0 || (m->kind != LQ_REQUEST && m->kind != LQ_QUERY &&
	    m->kind != LQ_FORGOT))
		return;
	lp->members[k].ask_seq = m->seq;
	lp->members[k].ask_ord = lp->ord;
}

/*
 * A state was delivered: who it lists, and who it answers, know it; so
 * does every member that joined before the question it answers was
 * delivered (it logs from its join, so takes the answer to any message
 * of its log), or was synced already.
 */
static void
state_knows(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	ssize_t k = find_member(lp, m->tag.a);
	const struct member *q = k >= 0 ? &lp->members[k] : NULL;
	uint64_t t;
	size_t i;

	mark_knows(lp, from);
	mark_knows(lp, m->tag.a);
	for (i = 0; i < m->st.nsynced; i++)
		mark_knows(lp, m->st.synced[i]);
	for (i = 0; i < m->st.npend; i++)
		mark_knows(lp, m->st.pend[i].a);
	/* an asker that left before its answer came: where it asked */
	for (i = lp->ngone; q == NULL && i > 0 && i + GONE_MAX > lp->ngone;
	    i--)
		if (addr_eq(lp->gone[(i - 1) % GONE_MAX].a, m->tag.a))
			q = &lp->gone[(i - 1) % GONE_MAX];
	if (q == NULL || q->ask_ord == 0 || q->ask_seq != m->tag.seq)
		return;
	t = q->ask_ord;
	for (i = 0; i < lp->nmembers; i++)
		if (lp->members[i].since < t)
			lp->members[i].knows = 1;
}

/*
 * 'running MS': from a member we saw hold the lock, or one that may have
 * held it before our time (OLD: there at our join, or back with its
 * node), never from a bystander; and MS no longer than the --kill-after
 * we know of it, or than ours (contenders of one lock use one).
 */
static int64_t
running_ms(struct lp *lp, struct cpgt_addr from, uint32_t ms)
{
	ssize_t k = find_member(lp, from), i;
	uint32_t cap = lp->cfg.kill_ms;

	if (LP_MUTATE == M_RUNNING_ANYONE)
		return ms;
	if (k < 0 || lp->members[k].bystander ||
	    (!lp->members[k].held && !lp->members[k].old)) {
		if (!lp->warned_running++)
			warn_act(lp, 0, "ignoring 'running' from %u:%u, which "
			    "never held the lock", from.nodeid, from.pid);
		return -1;
	}
	if ((i = lq_index(lp->st.q, lp->st.nq, from)) >= 0 &&
	    lp->st.kill_ms[i] > cap)
		cap = lp->st.kill_ms[i];
	return ms < cap ? ms : cap;
}

/*
 * A state, synced: from a member our own state lists as synced or
 * waiting (one that knows it), or a contender handing over as it goes
 * (answering its own query), or one trusted as when unsynced; any other
 * is ignored, silently: it could
 * only mark waiting members told, who would then never be answered.
 * Unsynced: from a member that may know the state: OLD (there at our
 * join: it may have known it all along; or back with its node), or one
 * we have seen learn it (its init in force, or listed by, answered by
 * or logging at the question of a state we took or saw); never a
 * bystander. A member that joined after us and knows the state learnt
 * it from a message we saw too.
 */
static int
state_from_ok(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	ssize_t k = find_member(lp, from);
	size_t i;

	if (LP_MUTATE == M_STATE_ANYONE || is_me(lp, from))
		return 1;
	if (synced(lp)) {
		if (lq_index(lp->st.synced, lp->st.nsynced, from) >= 0 ||
		    (addr_eq(m->tag.a, from) &&
		    lq_index(lp->st.q, lp->st.nq, from) >= 0))
			return 1;
		for (i = 0; i < lp->st.npend; i++)
			if (addr_eq(lp->st.pend[i].a, from))
				return 1;
		/*
		 * or one trusted as the unsynced are (below): one that told
		 * us the state may list nobody as synced (locksim seed
		 * 341113: its answer to a newcomer ignored, we took that
		 * newcomer for one that cannot know it, and later refused
		 * the state it answered our forgot with)
		 */
		return k >= 0 && !lp->members[k].bystander &&
		    (lp->members[k].old || lp->members[k].knows);
	}
	if (k >= 0 && !lp->members[k].bystander &&
	    (lp->members[k].old || lp->members[k].knows))
		return 1;
	if (!lp->warned_state++)
		warn_act(lp, 0, "ignoring a state from %u:%u, which cannot "
		    "know it", from.nodeid, from.pid);
	return 0;
}

void
lp_message(struct lp *lp, struct cpgt_addr from, const void *data, size_t len,
    int64_t now)
{
	struct lq_msg *m = &lp->m;
	int64_t ms;

	lp->now = now;
	lp->ord++;
	if (lp->phase == PH_ENDED)
		return;
	if (!lq_parse(data, len, m) ||
	    (m->kind == LQ_STATE && !state_plausible(m, from))) {
		if (!lp->warned_foreign++)
			warn_act(lp, 0, "ignoring a message from %u:%u that "
			    "is not lock traffic", from.nodeid, from.pid);
		return;
	}
	mark_fresh(lp, m, from);
	if (m->kind == LQ_CHECK) {
		/* nothing to anyone but its sender: fresh, or checked again */
		if (is_me(lp, from))
			evaluate(lp);
		return;
	}
	if (m->kind == LQ_BYSTANDER) {
		bystander(lp, from);
		evaluate(lp);
		return;
	}
	if (m->kind == LQ_STATE) {
		if (!state_from_ok(lp, m, from))
			return;
		state_knows(lp, m, from);
	}
	asked(lp, m, from);
	if (m->kind == LQ_INIT && init_in_force(lp, m))
		mark_knows(lp, from);
	own_delivered(lp, m, from);
	if (m->kind == LQ_RUNNING && LP_MUTATE != M_RUNNING_IGNORED &&
	    (ms = running_ms(lp, from, m->kill_ms)) >= 0)
		grace_to(lp, now + ms * MSEC + GRACE_MARGIN);
	/* a lost holder's COMMAND still runs: every newcomer hears of it */
	if (!is_me(lp, from) && (m->kind == LQ_REQUEST ||
	    m->kind == LQ_QUERY || m->kind == LQ_INIT))
		running(lp);
	if (synced(lp))
		apply(lp, m, from, 1);
	else
		unsynced_msg(lp, m, from);
	evaluate(lp);
}

void
lp_confchg(struct lp *lp, const struct lp_confchg *c, int64_t now)
{
	lp->now = now;
	lp->ord++;
	if (lp->phase == PH_ENDED)
		return;
	confchg(lp, c);
	evaluate(lp);
}

/*
 * Sure again of quorum: a newcomer asks anew; a responder that did not
 * answer while unsure publishes, so that every logging newcomer is told.
 */
static void
became_sure(struct lp *lp)
{

	if (!joined(lp) || lp->phase != PH_WAITING)
		return;
	/*
	 * What a confchg could not decide while unsure: alone, or every
	 * older member gone. Our log holds what came since our join (our
	 * own request among it): replay it onto the empty state.
	 */
	if (logging(lp) && (lp->nmembers == 1 ||
	    (lp->from_join && !any_old(lp)))) {
		rebuild(lp);
		return;
	}
	if (!synced(lp)) {
		lp->asks = 0;
		ask(lp);
	} else if (lp->st.npend > 0 && responder(lp) && lp->publish == 0 &&
	    !lp->cfg.show)
		publish(lp);
}

/*
 * A waiting member whose question was delivered is listed as PENDING:
 * the state that answers it, should it come in a later ring, lists it
 * as SYNCED on every other member while it has dropped the log that
 * state answers (it ignores it), and it would be told nothing more. It
 * says `forgot' too, and takes the state that answers that.
 */
static void
forget_waiting(struct lp *lp)
{
	char buf[64];
	int waiting = joined(lp) && !synced(lp) && !lp->cfg.show &&
	    lp->pending;

	forget(lp);
	if (!waiting || LP_MUTATE == M_NO_FORGOT_WAITING)
		return;
	lp->seq++;
	lp->req_seq = lp->seq;
	lp->req_seen = 0;
	say(lp, buf, lq_forgot_msg(buf, sizeof(buf), lp->seq));
}

/* What we know was learnt while quorate, or is forgotten. */
static void
distrust(struct lp *lp, const char *why)
{
	if (lp->cfg.noquorum)
		return;
	lose(lp, why);
	forget_waiting(lp);
}

/*
 * The primary-component rule. A process keeps what it knows across a
 * ring change only if no quorate ring can have formed without it since
 * its last one: corosync numbers a new ring the highest seq its members
 * come from plus RING_STEP, so a ring whose seq is more than that above
 * our last one holds a member that came from a ring formed after ours
 * was (lockq.c: why a quorate one always shows so). Its members may have
 * granted, released, promoted: what we know is stale. We drop it and
 * ask again as a newcomer (a holder has lost the lock).
 */
static void
primary(struct lp *lp, const struct lp_ring *ring)
{
	if (lp->ring.seq == 0 || ring->seq <= lp->ring.seq + RING_STEP ||
	    LP_MUTATE == M_NO_PRIMARY)
		return;
	distrust(lp, "a ring formed without this node: what it knows of "
	    "the lock is stale");
}

void
lp_ring(struct lp *lp, const struct lp_ring *ring, int64_t now)
{
	int was = q_ok(lp), first = lp->ring.seq == 0;
	size_t i;

	lp->now = now;
	if (lp->phase == PH_ENDED || ring_eq(ring, &lp->ring))
		return;
	primary(lp, ring);
	/* a ring we were in without a quorate verdict for it */
	if (!lp->verified && lp->ring.seq != 0)
		distrust(lp, "this node's partition lost quorum");
	lp->verified = lp->quorate && (ring_eq(&lp->vq_ring, ring) ||
	    LP_MUTATE == M_VERDICT_ANY_RING);
	lp->ring = *ring;
	lp->moving = 0;
	/* the state's tokens from now on are above this ring's seq */
	if (synced(lp))
		at_ring(lp, ring->seq);
	else if (logging(lp))
		log_add(lp, &(struct logent){ .kind = LQ_FOREIGN,
		    .ring_seq = ring->seq });
	/*
	 * Inits of a ring gone by race ours no more: their senders started
	 * (and answer in this ring, or left) or did not (and ask again).
	 */
	for (i = 0; i < lp->nlog; i++)
		if (lp->log[i].kind == LQ_INIT)
			lp->log[i].old_ring = 1;
	/* a query of ours to publish may be lost with the old ring */
	if (lp->handoff == HO_NONE)
		lp->publish = 0;
	if (!was && q_ok(lp))
		became_sure(lp);
	else if (joined(lp) && !synced(lp) && lp->phase == PH_WAITING &&
	    !first) {
		/*
		 * questions from an earlier ring may be lost with it (the
		 * first ring CPG names is the one our join and our first
		 * question, sent after it, are delivered in)
		 */
		lp->asks = 0;
		ask(lp);
	}
	/* so may our request, once we knew the state */
	if (synced(lp) && lp->phase == PH_WAITING && !lp->cfg.show &&
	    lq_index(lp->st.q, lp->st.nq, lp->me) < 0)
		ask(lp);
	evaluate(lp);
}

void
lp_quorum(struct lp *lp, int quorate, int complete, const struct lp_ring *ring,
    int64_t now)
{
	int was = q_ok(lp);

	lp->now = now;
	lp->quorate = quorate;
	lp->complete = complete;
	if (ring != NULL)
		lp->vq_ring = *ring;
	if (lp->phase == PH_ENDED)
		return;
	if (!quorate) {
		lp->verified = 0;
		distrust(lp, "this node's partition lost quorum");
		evaluate(lp);
		return;
	}
	/*
	 * A quorate verdict for a ring CPG has not named to us yet (the two
	 * end a ring's sync together, and we read their two connections in
	 * either order) says nothing of the ring we are in: lp_ring takes it
	 * (vq_ring) when CPG names that ring. Taken as a verdict on this
	 * ring, it left the ring we were in "without a quorate verdict":
	 * every member told votequorum's first forgot the state, holders
	 * included, while those told CPG's first kept it (locksim: two
	 * queues, in 7% of schedules once votequorum may come first).
	 */
	if (ring == NULL)
		lp->verified = 0;
	else if (ring_eq(ring, &lp->ring) || LP_MUTATE == M_VERDICT_ANY_RING)
		lp->verified = 1;
	if (!was && q_ok(lp))
		became_sure(lp);
	evaluate(lp);
}

void
lp_tick(struct lp *lp, int64_t now)
{
	char buf[96];		/* an init with its ring and clock */

	lp->now = now;
	if (lp->phase == PH_ENDED)
		return;
	if (lp->handoff != HO_NONE && lp->handoff_at && now >= lp->handoff_at) {
		end(lp, lp->final);
		return;
	}
	if (lp->ask_at && now >= lp->ask_at) {
		lp->ask_at = 0;
		if (synced(lp)) {
			if (lp->phase == PH_WAITING && !lp->cfg.show &&
			    !lp->req_refused &&
			    lq_index(lp->st.q, lp->st.nq, lp->me) < 0)
				ask(lp);
		} else if (!q_ok(lp))
			/* look again: a verdict for this ring may yet come */
			lp->ask_at = now + ASK_EVERY;
		else if (lp->asks < 2 || LP_MUTATE == M_NEVER_INIT)
			ask(lp);
		else if (lp->cfg.show) {
			/* nobody knows a queue: there is none */
			to_sync(lp, SY_SYNCED);
		} else {
			lp->seq++;
			say(lp, buf, lq_init_at_msg(buf, sizeof(buf), lp->seq,
			    lp->ring.nodeid, lp->ring.seq, wall_ms(lp)));
		}
	}
	evaluate(lp);
}

void
lp_child_ended(struct lp *lp, int status, int64_t now)
{
	lp->now = now;
	lp->child = 0;
	if (lp->phase == PH_ENDED)
		return;
	if (lp->phase == PH_LOST) {
		end(lp, ST_LOST);
		return;
	}
	event(lp, LP_EV_RELEASED, NULL);
	finish(lp, status);
}

void
lp_stdin_eof(struct lp *lp, int64_t now)
{
	lp->now = now;
	lp->stdin_eof = 1;
	if (lp->phase != PH_HOLDING)
		return;
	event(lp, LP_EV_RELEASED, NULL);
	finish(lp, ST_OK);
}

void
lp_signal(struct lp *lp, int sig, int64_t now)
{
	lp->now = now;
	if (lp->phase == PH_ENDED)
		return;
	if (lp->child)
		act(lp, LA_SIGNAL, sig);
	else if (lp->phase == PH_HOLDING) {
		event(lp, LP_EV_RELEASED, NULL);
		finish(lp, ST_OK);
	} else
		end(lp, ST_SIGNAL + sig);
}

void
lp_conn_lost(struct lp *lp, int64_t now)
{
	lp->now = now;
	if (lp->phase == PH_ENDED)
		return;
	if (lp->phase == PH_WAITING) {
		end(lp, ST_CONN);
		return;
	}
	lose(lp, "lost the connection to corosync");
	/*
	 * Nobody can be told that COMMAND still runs (no `running' gets
	 * out), and a newcomer that starts from nothing once this node is
	 * back waits for nobody it cannot see: SIGKILL now, not after
	 * --kill-after (found by the simulator, tests/sim: a lone
	 * holder whose corosync died and came back).
	 */
	if (lp->child)
		act(lp, LA_SIGNAL, SIGKILL);
}

/* Outputs. */

const struct lp_act *
lp_actions(const struct lp *lp, size_t *n)
{
	*n = lp->nact;
	return lp->act;
}

void
lp_clear(struct lp *lp)
{
	size_t i;

	for (i = 0; i < lp->nact; i++)
		free(lp->act[i].msg);
	lp->nact = 0;
}

int64_t
lp_deadline(const struct lp *lp)
{
	int64_t t = 0;

	if (lp->phase == PH_ENDED)
		return 0;
	if (lp->ask_at)
		t = lp->ask_at;
	if (lp->handoff != HO_NONE && lp->handoff_at &&
	    (t == 0 || lp->handoff_at < t))
		t = lp->handoff_at;
	if (synced(lp) && lp->phase == PH_WAITING &&
	    lp->grace_until > lp->now &&
	    (t == 0 || lp->grace_until < t))
		t = lp->grace_until;
	return t;
}

const struct lockq *
lp_state(const struct lp *lp)
{
	return &lp->st;
}

int
lp_synced(const struct lp *lp)
{
	return synced(lp);
}

int
lp_holding(const struct lp *lp)
{
	return lp->phase == PH_HOLDING;
}

int
lp_ended(const struct lp *lp)
{
	return lp->phase == PH_ENDED;
}

/* The fencing token of our grant, 0 before it. */
uint64_t
lp_token(const struct lp *lp)
{
	return lp->token;
}
