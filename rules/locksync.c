/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules (lockpi.h): what a process knows of the queue. A
 * newcomer logs what is delivered until a state answers a question of
 * its log, or starts one (alone, or its init first, or every older
 * member gone: a rebuild from its log); the members, and what their
 * comings and goings change (graces, a --no-quorum merge); the answers
 * a synced member gives. enum sync is written here only (to_sync).
 */

#include <stdlib.h>
#include <string.h>

#include "lockpi.h"

static void synthesize(struct lp *lp);

/* The one writer of what we know (see enum sync). */
void
lpi_to_sync(struct lp *lp, enum sync s)
{
	lp->sync = s;
}

/*
 * The ring the state's next tokens are granted in (told in the order:
 * CPG's totem confchg), and the clock a message told (never more than a
 * minute ahead of ours: a clock far ahead would spend the ring's
 * tokens). Both are the state's, so every member agrees on them.
 */
void
lpi_at_ring(struct lp *lp, uint64_t seq)
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

static void
forget(struct lp *lp)
{
	char buf[64];
	int told = synced(lp) && !lp->cfg.show &&
	    lq_index(lp->st.synced, lp->st.nsynced, lp->me) >= 0;

	lp->pending = 0;
	lq_reset(&lp->st);
	lpi_to_sync(lp, joined(lp) ? SY_ASKING : SY_OUTSIDE);
	lp->nlog = 0;
	lp->from_join = 0;
	/*
	 * The others count us among SYNCED, and would never answer us:
	 * say so, and take the state that answers this.
	 */
	if (told) {
		lp->seq++;
		lp->req_seq = lp->seq;
		lpi_say(lp, buf, lq_forgot_msg(buf, sizeof(buf), lp->seq));
	}
}

static void
start_empty(struct lp *lp)
{
	forget(lp);
	lpi_to_sync(lp, SY_SYNCED);
	lp->st.synced[lp->st.nsynced++] = lp->me;
	/* tokens from nothing: above every earlier ring's (lockq.c) */
	lpi_at_ring(lp, lp->ring.seq);
	if (LP_MUTATE != M_TOKEN_NO_FLOOR)
		lq_clock(&lp->st, wall_ms(lp));
	lp->asks = 0;
	lp->ask_at = 0;
	if (!lp->cfg.noquorum && !lp->complete &&
	    LP_MUTATE != M_NO_MISSING_GRACE)
		lpi_start_grace(lp, lp->now, lp->cfg.kill_ms);
}

/*
 * Who answers: the lowest member of SYNCED. A process that took a state
 * answering another's question is synced, yet still PENDING for the
 * others; should every member of SYNCED leave before it is told, the
 * pending ones that know the state answer (each, alike: the first
 * delivered is taken, the rest agree with it).
 */
int
lpi_responder(const struct lp *lp)
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
	if (!anyway && !lpi_responder(lp))
		return;
	n = lq_state_msg(lp->buf, sizeof(lp->buf), &lp->st, &tag,
	    left > 0 ? (uint32_t)(left / MSEC) + 1 : 0);
	lpi_say(lp, lp->buf, n);
}

void
lpi_publish(struct lp *lp)
{
	char buf[64];

	lp->publish = ++lp->seq;
	lpi_say(lp, buf, lq_query_msg(buf, sizeof(buf), lp->seq));
}

/* Members that take part in the lock, or may: all but bystanders. */
size_t
lpi_parties(const struct lp *lp)
{
	size_t i, n = 0;

	for (i = 0; i < lp->nmembers; i++)
		if (!lp->members[i].bystander)
			n++;
	return n;
}

ssize_t
lpi_find_member(const struct lp *lp, struct cpgt_addr a)
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
	ssize_t k = lpi_find_member(lp, a);

	return k >= 0 ? lp->members[k].since : 0;
}

#if LP_MUTATE == M_FORGOT_KEEPS_PENDING
/*
 * lq_forgot as it was before locksim seed 599377: the forgetful member's
 * earlier questions stay PENDING, and a state answering one of them lists
 * it as SYNCED again while it ignores that state.
 */
static void
forgot_keeping(struct lockq *st, struct cpgt_addr a, uint32_t seq)
{
	struct lq_pend keep[LQ_PENDING];
	size_t n = st->npend;

	memcpy(keep, st->pend, n * sizeof(keep[0]));
	lq_forgot(st, a, seq);
	if (n == LQ_PENDING)
		memmove(keep, keep + 1, --n * sizeof(keep[0]));
	keep[n++] = (struct lq_pend){ a, seq };
	memcpy(st->pend, keep, n * sizeof(keep[0]));
	st->npend = n;
}
#endif

void
lpi_apply(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from,
    int live)
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
			lpi_refused(lp, r);
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
				lpi_end(lp, lp->final);
			}
		} else if (live &&
		    lq_index(lp->st.synced, lp->st.nsynced, from) < 0)
			answer(lp, from, m->seq, 0);
		break;
	case LQ_INIT:
		if (live && !is_me(lp, from) &&
		    member_since(lp, from) >= lp->init_ord &&
		    !lp->warned_init++)
			lpi_warn_act(lp, 0, "%u:%u started from nothing while "
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
#if LP_MUTATE == M_FORGOT_KEEPS_PENDING
		forgot_keeping(&lp->st, from, m->seq);
#else
		lq_forgot(&lp->st, from, m->seq);
#endif
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
		lpi_start_grace(lp, at, kill_ms);
	else if (reason == LP_PROCDOWN && LP_MUTATE != M_NO_PROCDOWN_GRACE)
		lpi_grace_to(lp, at + PROCDOWN_GRACE);
}

/*
 * A newcomer's log of what was delivered before a state answered it, at
 * most LOG_MAX messages (some 2.5 MiB): a member that floods the group
 * would otherwise grow it without end. Past the bound the newcomer gives
 * up, saying so, as for a lack of memory: it holds nothing yet.
 */
#define LOG_MAX		65536

void
lpi_log_add(struct lp *lp, const struct logent *e)
{
	struct logent *v;
	size_t cap;

	if (lp->nlog == LOG_MAX) {
		lpi_warn_act(lp, 0, "%d lock messages came before the state "
		    "did: giving up", LOG_MAX);
		lpi_end(lp, ST_FAIL);
		return;
	}
	if (lp->nlog == lp->caplog) {
		cap = lp->caplog ? lp->caplog * 2 : 32;
		if ((v = reallocarray(lp->log, cap, sizeof(*v))) == NULL) {
			lpi_warn_act(lp, 0, "out of memory");
			lpi_end(lp, ST_FAIL);
			return;
		}
		lp->log = v;
		lp->caplog = cap;
	}
	lp->log[lp->nlog] = *e;
	lp->log[lp->nlog++].ord = lp->ord;
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
			lpi_at_ring(lp, e->ring_seq);
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
		lpi_apply(lp, &rm, e->from, 0);
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
		lpi_grace_to(lp, lp->now + m->grace_ms * MSEC);
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
	lpi_to_sync(lp, SY_SYNCED);
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
int
lpi_init_in_force(const struct lp *lp, const struct lq_msg *m)
{
	struct lp_ring r = { m->ring_node, m->ring_seq };

	return (ring_eq(&r, &lp->ring) && !lp->moving) ||
	    LP_MUTATE == M_INIT_ANY_RING;
}

/* A in a confchg's list (joined or left), for REASON (0: any) */
static int
listed(const struct lp_member *v, size_t n, struct cpgt_addr a, int reason)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_eq(v[i].a, a) &&
		    (reason == 0 || v[i].reason == reason))
			return 1;
	return 0;
}

/*
 * The first init in force whose sender is still a member started the
 * state, if any did: one whose sender left without answering started
 * nothing anyone can learn (a leaver publishes what it knows).
 */
static ssize_t
first_init(const struct lp *lp)
{
	size_t i;

	for (i = 0; i < lp->nlog; i++)
		if (lp->log[i].kind == LQ_INIT && !lp->log[i].spent &&
		    lpi_find_member(lp, lp->log[i].from) >= 0)
			return (ssize_t)i;
	return -1;
}

/*
 * That sender leaves before it answered us (killed as it started). The
 * inits that lost to it started nothing, yet the first of them would now
 * look like the start: we would all ask its sender, which knows nothing,
 * until the ring changed. So they are spent and the race starts anew,
 * but for those of members that came after it (they may have started).
 */
static void
first_init_left(struct lp *lp, const struct lp_confchg *c)
{
	ssize_t f;
	size_t i;

	if (!logging(lp) || (f = first_init(lp)) < 0 ||
	    !listed(c->left, c->nleft, lp->log[f].from, 0) ||
	    LP_MUTATE == M_FIRST_INIT_LEFT)
		return;
	for (i = (size_t)f; i < lp->nlog; i++)
		if (lp->log[i].kind == LQ_INIT &&
		    member_since(lp, lp->log[i].from) < lp->log[f].ord)
			lp->log[i].spent = 1;
}

/* An init in our log: ours starts the state if none came first. */
static void
on_init(struct lp *lp, struct cpgt_addr from, const struct lq_msg *m)
{
	ssize_t first;

	if (!lpi_init_in_force(lp, m)) {
		if (is_me(lp, from)) {
			lpi_to_sync(lp, SY_LOGGING);
			lp->asks = 0;
			lpi_ask(lp);
		}
		return;
	}
	first = first_init(lp);
	lp->init_ord = lp->ord;
	if (is_me(lp, from) && first < 0 && lpi_q_ok(lp)) {
		/* either way the state starts from nothing (start_empty) */
		if (lp->sync == SY_REBUILDING && lp->from_join &&
		    !lpi_any_old(lp)) {
			synthesize(lp);
			return;
		}
		start_empty(lp);
		if (!lp->cfg.show)
			lpi_ask(lp);
		return;
	}
	if (is_me(lp, from))
		lpi_to_sync(lp, SY_LOGGING);
	/*
	 * The first init in force may have started a state we have not seen:
	 * only its sender can tell, so ask it. A later one started nothing
	 * (the first came before it everywhere): asking again for each would
	 * make a burst of newcomers' inits a burst of N x N questions.
	 */
	lp->from_join = 0;
	if (first >= 0 && !is_me(lp, from))
		return;
	lp->asks = 0;
	lpi_ask(lp);
}

void
lpi_unsynced_msg(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	struct logent e = {
		.kind = m->kind, .from = from, .seq = m->seq,
		.limit = m->limit, .quorum = m->quorum, .kill_ms = m->kill_ms,
		.wall = m->wall, .token = m->token,
	};

	if (lp->sync == SY_ASKING && is_me(lp, from) &&
	    (m->kind == LQ_REQUEST || m->kind == LQ_QUERY ||
	    m->kind == LQ_FORGOT))
		lpi_to_sync(lp, SY_LOGGING);
	if (!logging(lp))
		return;
	if (m->kind == LQ_STATE) {
		adopt(lp, m);
		return;
	}
	if (m->kind == LQ_INIT) {
		on_init(lp, from, m);
		if (synced(lp) || !lpi_init_in_force(lp, m))
			return;
	}
	if (m->kind == LQ_RUNNING)
		return;
	lpi_log_add(lp, &e);
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
		if (listed(c->joined, c->njoined, c->members[i].a, LP_NODEUP)) {
			if (!have_theirs++ || addr_cmp(c->members[i].a, theirs) < 0)
				theirs = c->members[i].a;
		} else if (!listed(c->joined, c->njoined, c->members[i].a, 0)) {
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
	lpi_lose(lp, "partitions merged");
	forget(lp);
	if (lp->phase == PH_WAITING)
		lpi_ask(lp);
}

static void
synthesize(struct lp *lp)
{
	size_t n = lp->nlog;

	start_empty(lp);
	if (lp->old_down_at)
		lpi_start_grace(lp, lp->old_down_at, lp->cfg.kill_ms);
	if (lp->old_killed_at)
		lpi_grace_to(lp, lp->old_killed_at + PROCDOWN_GRACE);
	replay(lp, 0, n);
	/* alone (bystanders aside), nobody waits to be told */
	if (!lp->cfg.show && lpi_parties(lp) > 1)
		lpi_publish(lp);
}

/*
 * Every member older than us is gone, others are here: rebuild from our
 * log, but through an init of ours, so that it is ordered against the
 * others' inits and rebuilds: the first delivered wins, and the rest ask
 * it. Alone (bystanders never init), or only looking (--show), nobody
 * can race us: at once.
 */
void
lpi_rebuild(struct lp *lp)
{
	char buf[96];		/* an init with its ring and clock */

	if (lpi_parties(lp) == 1 || lp->cfg.show) {
		synthesize(lp);
		return;
	}
	if (lp->sync == SY_REBUILDING)
		return;
	lpi_to_sync(lp, SY_REBUILDING);
	lp->seq++;
	lpi_say(lp, buf, lq_init_at_msg(buf, sizeof(buf), lp->seq,
	    lp->ring.nodeid, lp->ring.seq, wall_ms(lp)));
}

static int
may_rebuild(const struct lp *lp)
{
	return lpi_q_ok(lp);
}

static void
on_joined(struct lp *lp, const struct lp_confchg *c)
{
	lpi_to_sync(lp, SY_LOGGING);
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
		if ((k = lpi_find_member(lp, m[n].a)) >= 0) {
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

int
lpi_any_old(const struct lp *lp)
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
void
lpi_bystander(struct lp *lp, struct cpgt_addr from)
{
	ssize_t k;
	size_t i;

	if (is_me(lp, from) || (k = lpi_find_member(lp, from)) < 0)
		return;
	lp->members[k].old = 0;
	lp->members[k].bystander = 1;
	if (LP_MUTATE == M_BYSTANDER_ALL)
		for (i = 0; i < lp->nmembers; i++)
			lp->members[i].old = 0;
	if (joined(lp) && !synced(lp) && lp->from_join && !lpi_any_old(lp) &&
	    may_rebuild(lp))
		lpi_rebuild(lp);
}

void
lpi_confchg(struct lp *lp, const struct lp_confchg *c)
{
	struct logent e = { .kind = LQ_FOREIGN, .at = lp->now };
	ssize_t k;
	size_t i;

	for (i = 0; i < c->nleft; i++)
		if (c->left[i].reason == LP_NODEDOWN)
			lp->moving = 1;
	first_init_left(lp, c);
	for (i = 0; i < c->njoined; i++)
		if (c->joined[i].reason == LP_NODEUP)
			lp->moving = 1;
	for (i = 0; i < c->nleft; i++) {
		if ((k = lpi_find_member(lp, c->left[i].a)) >= 0 &&
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
			lpi_log_add(lp, &e);
		}
	}
	members(lp, c);
	/* every member of SYNCED gone: tell the state to those waiting */
	if (synced(lp) && lp->st.nsynced == 0 && lp->st.npend > 0 &&
	    lpi_q_ok(lp) && lp->publish == 0 && lp->handoff == HO_NONE &&
	    !lp->cfg.show && LP_MUTATE != M_NO_PUBLISH_EMPTY)
		lpi_publish(lp);
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
				lpi_forget_waiting(lp);
				break;
			}
	if (!synced(lp) && lp->from_join &&
	    (!lpi_any_old(lp) || LP_MUTATE == M_EMPTY_NOT_ALONE) &&
	    may_rebuild(lp)) {
		lpi_rebuild(lp);
		return;
	}
	if (joined(lp) && !synced(lp) && c->nmembers == 1 && may_rebuild(lp)) {
		start_empty(lp);
		if (!lp->cfg.show)
			lpi_ask(lp);
		return;
	}
	merged(lp, c);
}

/* Our own question came back: it is in the order; its answer is due. */
void
lpi_own_delivered(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
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
 * A waiting member whose question was delivered is listed as PENDING:
 * the state that answers it, should it come in a later ring, lists it
 * as SYNCED on every other member while it has dropped the log that
 * state answers (it ignores it), and it would be told nothing more. It
 * says `forgot' too, and takes the state that answers that.
 */
void
lpi_forget_waiting(struct lp *lp)
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
	lpi_say(lp, buf, lq_forgot_msg(buf, sizeof(buf), lp->seq));
}
