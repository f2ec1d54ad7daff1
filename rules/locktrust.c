/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules (lockpi.h): what a process believes. votequorum's
 * verdict counts only for the ring CPG names (q_ok); a ring formed
 * without us makes what we know stale (primary); a grant is acted on
 * only fresh; and each kind of message counts only from a member whose
 * part allows it (lockq.c, Senders).
 */

#include <stdint.h>

#include "lockpi.h"

/*
 * May this process act on what it knows (grant, answer, start from
 * nothing)? With quorum, only when votequorum's verdict is for the very
 * ring CPG says we are in, and says quorate: the two are told on two
 * channels, in no order, and a confchg that brings NODEDOWN or NODEUP
 * comes before the totem confchg that names the new ring.
 */
int
lpi_q_ok(const struct lp *lp)
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

void
lpi_mark_fresh(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
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
int
lpi_stale(struct lp *lp)
{
	uint32_t ms = lp->cfg.fresh_ms ? lp->cfg.fresh_ms : FRESH_MS;
	char buf[64];

	if ((lp->fresh_at != INT64_MIN &&
	    lp->now - lp->fresh_at < ms * MSEC) || LP_MUTATE == M_NO_FRESH)
		return 0;
	if (lp->check_seq == 0) {
		lp->check_seq = ++lp->seq;
		lpi_say(lp, buf, lq_check_msg(buf, sizeof(buf), lp->seq));
	}
	return 1;
}

/*
 * A state is told by a member that knows it: one it lists as synced, or
 * as waiting, or anyone when it lists nobody as synced (a process synced
 * by a state that answered another answers once every member of SYNCED
 * is gone: see lpi_responder()), or one that answers its own query: only a
 * member that knows the state publishes, and it may be in no list yet,
 * its own request still on its way (locksim C4, seed 299816: every member
 * refused such a hand-over with a warning).
 */
int
lpi_state_plausible(const struct lq_msg *m, struct cpgt_addr from)
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
void
lpi_mark_holders(struct lp *lp)
{
	size_t i, n = lq_holders(&lp->st);
	ssize_t k;

	for (i = 0; synced(lp) && i < n; i++)
		if ((k = lpi_find_member(lp, lp->st.q[i])) >= 0)
			lp->members[k].held = 1;
}

void
lpi_mark_knows(struct lp *lp, struct cpgt_addr a)
{
	ssize_t k = lpi_find_member(lp, a);

	if (k >= 0)
		lp->members[k].knows = 1;
}

/* A member's question delivered: a state may answer it (below). */
void
lpi_asked(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	ssize_t k = lpi_find_member(lp, from);

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
void
lpi_state_knows(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	ssize_t k = lpi_find_member(lp, m->tag.a);
	const struct member *q = k >= 0 ? &lp->members[k] : NULL;
	uint64_t t;
	size_t i;

	lpi_mark_knows(lp, from);
	lpi_mark_knows(lp, m->tag.a);
	for (i = 0; i < m->st.nsynced; i++)
		lpi_mark_knows(lp, m->st.synced[i]);
	for (i = 0; i < m->st.npend; i++)
		lpi_mark_knows(lp, m->st.pend[i].a);
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
int64_t
lpi_running_ms(struct lp *lp, struct cpgt_addr from, uint32_t ms)
{
	ssize_t k = lpi_find_member(lp, from), i;
	uint32_t cap = lp->cfg.kill_ms;

	if (LP_MUTATE == M_RUNNING_ANYONE)
		return ms;
	if (k < 0 || lp->members[k].bystander ||
	    (!lp->members[k].held && !lp->members[k].old)) {
		if (!lp->warned_running++)
			lpi_warn_act(lp, 0, "ignoring 'running' from %u:%u, "
			    "which never held the lock", from.nodeid, from.pid);
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
int
lpi_state_from_ok(struct lp *lp, const struct lq_msg *m, struct cpgt_addr from)
{
	ssize_t k = lpi_find_member(lp, from);
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
		lpi_warn_act(lp, 0, "ignoring a state from %u:%u, which cannot "
		    "know it", from.nodeid, from.pid);
	return 0;
}

/* What we know was learnt while quorate, or is forgotten. */
void
lpi_distrust(struct lp *lp, const char *why)
{
	if (lp->cfg.noquorum)
		return;
	lpi_lose(lp, why);
	lpi_forget_waiting(lp);
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
void
lpi_primary(struct lp *lp, const struct lp_ring *ring)
{
	if (lp->ring.seq == 0 || ring->seq <= lp->ring.seq + RING_STEP ||
	    LP_MUTATE == M_NO_PRIMARY)
		return;
	lpi_distrust(lp, "a ring formed without this node: what it knows of "
	    "the lock is stale");
}
