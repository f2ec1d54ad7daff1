/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules: a pure state machine (lockp.h). What the protocol is,
 * and why it holds, is written at the top of lockq.c; this file and its
 * two siblings (lockpi.h: locksync.c, locktrust.c) are those rules and
 * nothing else: they never read a clock (the time comes in with each
 * input), never do I/O, and never call back. They return what to do
 * (messages, actions, the next deadline) and cmd/lock.c or the simulator
 * in tests/sim/ does it. This file: the process's turn (enum phase), the
 * action list, the inputs and the outputs.
 */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockpi.h"

/* The one writer of our turn (see enum phase). */
static void
to_phase(struct lp *lp, enum phase ph)
{
	lp->phase = ph;
}

static struct lp_act *
queue_act(struct lp *lp, enum lp_act_kind kind, int n)
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

void __attribute__((format(printf, 3, 4)))
lpi_warn_act(struct lp *lp, int lost, const char *fmt, ...)
{
	struct lp_act *a = queue_act(lp, LA_WARN, lost);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

void
lpi_end(struct lp *lp, int status)
{
	if (lp->phase == PH_ENDED)
		return;
	to_phase(lp, PH_ENDED);
	queue_act(lp, LA_EXIT, status);
}

static void
event(struct lp *lp, enum lp_ev type, const char *why)
{
	struct lp_act *a = queue_act(lp, LA_EVENT, type);

	if (why != NULL)
		snprintf(a->text, sizeof(a->text), "%s", why);
}

void
lpi_say(struct lp *lp, const char *msg, size_t len)
{
	struct lp_act *a;
	char *p;

	if ((p = malloc(len + 1)) == NULL) {
		lpi_warn_act(lp, 0, "out of memory");
		lpi_end(lp, ST_FAIL);
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
	a = queue_act(lp, LA_SEND, 0);
	a->msg = p;
	a->len = len;
}

/* Ask for the state: a contender's request doubles as the question. */
void
lpi_ask(struct lp *lp)
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
	lpi_say(lp, buf, n);
	/*
	 * Unsynced, the timer starts when this comes back (see ASK_EVERY).
	 * Synced, it only sees that the request is not lost with a ring.
	 */
	lp->ask_at = synced(lp) ? lp->now + ASK_EVERY : 0;
}

/* Nobody newly promoted acts before a lost holder's COMMAND is dead. */
void
lpi_grace_to(struct lp *lp, int64_t until)
{
	if (until > lp->grace_until)
		lp->grace_until = until;
}

/* ... which a node that left may run for its --kill-after */
void
lpi_start_grace(struct lp *lp, int64_t from, int64_t kill_ms)
{
	lpi_grace_to(lp, from + kill_ms * MSEC + GRACE_MARGIN);
}

static void
finish(struct lp *lp, int st)
{
	if (lp->handoff != HO_NONE || lp->phase == PH_ENDED)
		return;
	if (!synced(lp) || LP_MUTATE == M_NO_HANDOFF || (lp->st.npend == 0 &&
	    lpi_parties(lp) <= lp->st.nsynced)) {
		lpi_end(lp, st);
		return;
	}
	lp->handoff = HO_PUBLISHING;
	lp->final = st;
	lpi_publish(lp);
	/* should it never come back, go all the same */
	lp->handoff_at = lp->now + ASK_EVERY;
}

void
lpi_refused(struct lp *lp, enum lq_req r)
{
	if (r == LQ_FULL)
		lpi_warn_act(lp, 0, "%d contenders already", LQ_MAX);
	else
		lpi_warn_act(lp, 0, "in use with --limit %u%s; this request "
		    "has --limit %u%s", lp->st.limit,
		    lp->st.quorum ? "" : " --no-quorum", lp->cfg.limit,
		    lp->cfg.noquorum ? " --no-quorum" : "");
	lpi_end(lp, ST_FAIL);
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
	if (lp->token != lp->st.tok[i] && lpi_parties(lp) > 1)
		lpi_say(lp, buf, lq_granted_msg(buf, sizeof(buf), lp->token));
	else if (lp->token != lp->st.tok[i])
		lq_granted(&lp->st, lp->me, lp->token);
}

static void
acquire(struct lp *lp, size_t i)
{
	if (lpi_stale(lp))
		return;
	to_phase(lp, PH_HOLDING);
	lp->token = lp->st.tok[i];
	if (LP_MUTATE != M_TOKEN_NO_FLOOR && lp->st.limit == 1 &&
	    lq_token_at(&lp->st, wall_ms(lp)) > lp->token)
		lp->token = lq_token_at(&lp->st, wall_ms(lp));
	event(lp, LP_EV_ACQUIRED, NULL);
	if (lp->cfg.command) {
		lp->child = 1;
		queue_act(lp, LA_SPAWN, 0);
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
	lpi_say(lp, buf, lq_running_msg(buf, sizeof(buf),
	    left > 0 ? (uint32_t)(left / MSEC) + 1 : 1));
}

void
lpi_lose(struct lp *lp, const char *why)
{
	if (lp->phase != PH_HOLDING)
		return;
	to_phase(lp, PH_LOST);
	lp->lost_at = lp->now;
	lpi_warn_act(lp, 1, "%s", why);
	event(lp, LP_EV_LOST, why);
	if (lp->child) {
		queue_act(lp, LA_STOP, 0);
		running(lp);
	} else
		lpi_end(lp, ST_LOST);
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
			lpi_warn_act(lp, 0, "this node's partition is not "
			    "quorate: the holders cannot be known here");
		else
			lpi_warn_act(lp, 0, "this node's partition is not "
			    "quorate");
		lpi_end(lp, lp->cfg.show ? ST_INQUORATE : ST_BUSY);
		return;
	}
	if (!synced(lp))
		return;
	if (lp->cfg.show) {
		if (!lpi_q_ok(lp))
			return;
		queue_act(lp, LA_SHOW, 0);
		to_phase(lp, PH_ENDED);
		return;
	}
	if ((i = lq_index(lp->st.q, lp->st.nq, lp->me)) < 0) {
		if (lp->req_refused)
			lpi_refused(lp, lp->st.nq == LQ_MAX ? LQ_FULL :
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
	if (!lpi_q_ok(lp))
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
	lpi_mark_holders(lp);
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
	lpi_ask(lp);
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
	    (m->kind == LQ_STATE && !lpi_state_plausible(m, from))) {
		if (!lp->warned_foreign++)
			lpi_warn_act(lp, 0, "ignoring a message from %u:%u "
			    "that is not lock traffic", from.nodeid, from.pid);
		return;
	}
	lpi_mark_fresh(lp, m, from);
	if (m->kind == LQ_CHECK) {
		/* nothing to anyone but its sender: fresh, or checked again */
		if (is_me(lp, from))
			evaluate(lp);
		return;
	}
	if (m->kind == LQ_BYSTANDER) {
		lpi_bystander(lp, from);
		evaluate(lp);
		return;
	}
	if (m->kind == LQ_STATE) {
		if (!lpi_state_from_ok(lp, m, from))
			return;
		lpi_state_knows(lp, m, from);
	}
	lpi_asked(lp, m, from);
	if (m->kind == LQ_INIT && lpi_init_in_force(lp, m))
		lpi_mark_knows(lp, from);
	lpi_own_delivered(lp, m, from);
	if (m->kind == LQ_RUNNING && LP_MUTATE != M_RUNNING_IGNORED &&
	    (ms = lpi_running_ms(lp, from, m->kill_ms)) >= 0)
		lpi_grace_to(lp, now + ms * MSEC + GRACE_MARGIN);
	/* a lost holder's COMMAND still runs: every newcomer hears of it */
	if (!is_me(lp, from) && (m->kind == LQ_REQUEST ||
	    m->kind == LQ_QUERY || m->kind == LQ_INIT))
		running(lp);
	if (synced(lp))
		lpi_apply(lp, m, from, 1);
	else
		lpi_unsynced_msg(lp, m, from);
	evaluate(lp);
}

void
lp_confchg(struct lp *lp, const struct lp_confchg *c, int64_t now)
{
	lp->now = now;
	lp->ord++;
	if (lp->phase == PH_ENDED)
		return;
	lpi_confchg(lp, c);
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
	    (lp->from_join && !lpi_any_old(lp)))) {
		lpi_rebuild(lp);
		return;
	}
	if (!synced(lp)) {
		lp->asks = 0;
		lpi_ask(lp);
	} else if (lp->st.npend > 0 && lpi_responder(lp) && lp->publish == 0 &&
	    !lp->cfg.show)
		lpi_publish(lp);
}

void
lp_ring(struct lp *lp, const struct lp_ring *ring, int64_t now)
{
	int was = lpi_q_ok(lp), first = lp->ring.seq == 0;
	size_t i;

	lp->now = now;
	if (lp->phase == PH_ENDED || ring_eq(ring, &lp->ring))
		return;
	lpi_primary(lp, ring);
	/* a ring we were in without a quorate verdict for it */
	if (!lp->verified && lp->ring.seq != 0)
		lpi_distrust(lp, "this node's partition lost quorum");
	lp->verified = lp->quorate && (ring_eq(&lp->vq_ring, ring) ||
	    LP_MUTATE == M_VERDICT_ANY_RING);
	lp->ring = *ring;
	lp->moving = 0;
	/* the state's tokens from now on are above this ring's seq */
	if (synced(lp))
		lpi_at_ring(lp, ring->seq);
	else if (logging(lp))
		lpi_log_add(lp, &(struct logent){ .kind = LQ_FOREIGN,
		    .ring_seq = ring->seq });
	/*
	 * Inits of a ring gone by race ours no more: their senders started
	 * (and answer in this ring, or left) or did not (and ask again).
	 */
	for (i = 0; i < lp->nlog; i++)
		if (lp->log[i].kind == LQ_INIT)
			lp->log[i].spent = 1;
	/* a query of ours to publish may be lost with the old ring */
	if (lp->handoff == HO_NONE)
		lp->publish = 0;
	if (!was && lpi_q_ok(lp))
		became_sure(lp);
	else if (joined(lp) && !synced(lp) && lp->phase == PH_WAITING &&
	    !first) {
		/*
		 * questions from an earlier ring may be lost with it (the
		 * first ring CPG names is the one our join and our first
		 * question, sent after it, are delivered in)
		 */
		lp->asks = 0;
		lpi_ask(lp);
	}
	/* so may our request, once we knew the state */
	if (synced(lp) && lp->phase == PH_WAITING && !lp->cfg.show &&
	    lq_index(lp->st.q, lp->st.nq, lp->me) < 0)
		lpi_ask(lp);
	evaluate(lp);
}

void
lp_quorum(struct lp *lp, int quorate, int complete, const struct lp_ring *ring,
    int64_t now)
{
	int was = lpi_q_ok(lp);

	lp->now = now;
	lp->quorate = quorate;
	lp->complete = complete;
	if (ring != NULL)
		lp->vq_ring = *ring;
	if (lp->phase == PH_ENDED)
		return;
	if (!quorate) {
		lp->verified = 0;
		lpi_distrust(lp, "this node's partition lost quorum");
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
	if (!was && lpi_q_ok(lp))
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
		lpi_end(lp, lp->final);
		return;
	}
	if (lp->ask_at && now >= lp->ask_at) {
		lp->ask_at = 0;
		if (synced(lp)) {
			if (lp->phase == PH_WAITING && !lp->cfg.show &&
			    !lp->req_refused &&
			    lq_index(lp->st.q, lp->st.nq, lp->me) < 0)
				lpi_ask(lp);
		} else if (!lpi_q_ok(lp))
			/* look again: a verdict for this ring may yet come */
			lp->ask_at = now + ASK_EVERY;
		else if (lp->asks < 2 || LP_MUTATE == M_NEVER_INIT)
			lpi_ask(lp);
		else if (lp->cfg.show) {
			/* nobody knows a queue: there is none */
			lpi_to_sync(lp, SY_SYNCED);
		} else {
			lp->seq++;
			lpi_say(lp, buf, lq_init_at_msg(buf, sizeof(buf),
			    lp->seq, lp->ring.nodeid, lp->ring.seq,
			    wall_ms(lp)));
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
		lpi_end(lp, ST_LOST);
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
		queue_act(lp, LA_SIGNAL, sig);
	else if (lp->phase == PH_HOLDING) {
		event(lp, LP_EV_RELEASED, NULL);
		finish(lp, ST_OK);
	} else
		lpi_end(lp, ST_SIGNAL + sig);
}

void
lp_conn_lost(struct lp *lp, int64_t now)
{
	lp->now = now;
	if (lp->phase == PH_ENDED)
		return;
	if (lp->phase == PH_WAITING) {
		lpi_end(lp, ST_CONN);
		return;
	}
	lpi_lose(lp, "lost the connection to corosync");
	/*
	 * Nobody can be told that COMMAND still runs (no `running' gets
	 * out), and a newcomer that starts from nothing once this node is
	 * back waits for nobody it cannot see: SIGKILL now, not after
	 * --kill-after (found by the simulator, tests/sim: a lone
	 * holder whose corosync died and came back).
	 */
	if (lp->child)
		queue_act(lp, LA_SIGNAL, SIGKILL);
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
