/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock protocol: a queue replicated by CPG's total order.
 *
 * The lock NAME is the CPG group NAME. Every lock process (a contender,
 * or `lock --show') joins it; so may anything else (`cpgtool watch NAME'
 * shows the traffic), and such members are simply never in the queue.
 *
 * What CPG guarantees, and what the protocol takes from it:
 *  G1 Every member is delivered the group's messages and membership
 *     changes (confchgs) in one agreed order; members that see the same
 *     two confchgs see the same messages between them (virtual synchrony).
 *  G2 A process is delivered nothing from before its own join: CPG tells
 *     a newcomer nothing of the past.
 *  G3 A member that leaves (cpg_leave: LEAVE), exits (PROCDOWN) or whose
 *     node drops out of the ring (NODEDOWN) is removed by a confchg, in
 *     the same order on every remaining member.
 * Quorum is not CPG's (G4 is votequorum's): each node learns whether its
 * partition is quorate, outside the total order.
 * G5 is totem's: every ring a node is in has a higher seq than its last
 * (the primary component, below).
 *
 * The state (struct lockq): the queue of contenders in the order their
 * requests were delivered, the limit N they agreed on, the set SYNCED of
 * members that know this state, and PENDING, the members waiting to be
 * told it. The first N entries of the queue hold the lock.
 *
 * Messages (text, one line, no newline; documented in cpgtool(1)):
 *   lock2 request N MODE SEQ KILL_MS WALL
 *                              queue me, limit N, MODE q (quorum) or n,
 *                              my COMMAND dies KILL_MS after losing it;
 *                              my clock reads WALL (ms since the epoch)
 *   lock2 query SEQ            tell me the state (--show)
 *   lock2 init SEQ RING WALL   nobody answered me: I start from nothing
 *                              (RING: the ring it was sent in, NODEID.SEQ
 *                              in hex; void when delivered in another)
 *   lock2 running MS           I lost the lock; my COMMAND may live MS
 *                              more: act on the lock only after that
 *   lock2 forgot SEQ           I was synced (or waited, my question
 *                              delivered) and forgot the state (a ring
 *                              I could not trust): tell me again
 *   lock2 granted TOKEN        I hold the lock and start COMMAND with
 *                              this fencing token
 *   lock2 check SEQ            nothing for the others: the state says I
 *                              hold the lock, and I act on it only once
 *                              this comes back fresh (lockp.c, stale())
 *   lock2 bystander            I take no part in the lock, and never will
 *                              (a watcher): nobody need wait for me
 *   lock2 state NODEID:PID:SEQ N MODE GRACE_MS QUEUE SYNCED PENDING LAST
 *               CLOCK RING TOKENS
 *                              the state as it was when NODEID:PID's
 *                              message SEQ was delivered
 * SEQ numbers each process's own messages. QUEUE is a list
 * NODEID:PID:KILL_MS,..., SYNCED NODEID:PID,... and PENDING
 * NODEID:PID:SEQ,... ('-' when empty). LAST is the latest fencing token
 * granted, CLOCK the latest WALL told, RING the seq of the latest ring
 * (decimal), TOKENS the holders' own, in queue order (T,..., '-': none).
 * WALL may be absent (0).
 *
 * Rules, applied by every synced member at the same point of the order:
 *  - request from P: if P is not queued, append it, unless its N or MODE
 *    differ from the queue's (refused: P, told the state, sees it is not
 *    queued, says so and exits) or the queue is empty (then N and MODE
 *    are P's). If P is not in SYNCED, add (P, SEQ) to PENDING.
 *  - query from P (it only looks, as --show does): if P is not in
 *    SYNCED, the responder answers it; P never joins SYNCED.
 *  - confchg: every process that left is removed from the queue, SYNCED
 *    and PENDING. A holder removed by NODEDOWN starts a grace: its node
 *    may still run its command (see quorum below), so nobody newly
 *    promoted acts before that holder's --kill-after (KILL_MS) plus 2 s
 *    have passed.
 *  - state: the PENDING entries it lists (all that waited when its
 *    snapshot was taken) move to SYNCED.
 * The responder is the lowest NODEID:PID in SYNCED: it answers every
 * request that adds to PENDING, and every query from outside SYNCED,
 * with a state (a snapshot taken as it processes that message). By G1
 * all synced members agree on the state, so on who answers; a newcomer
 * that is not answered within 1 s (its responder left) asks again.
 * A synced member leaving while PENDING is not empty, or while the group
 * holds members outside SYNCED (newcomers whose request is still on its
 * way, or members that are no lock process: they cannot be told apart),
 * hands the state over first. Each one does: under churn they may all
 * leave at once. It sends a query of its own and, once that is
 * delivered, a state answering it (it "publishes"): every member that
 * joined before that query keeps it in its log, so takes the state.
 *
 * What a new member learns, and from whom: it joins (G2: it knows
 * nothing), sends its request or query at once, and keeps a log of what
 * is delivered from its own join on. When a state answering any message
 * in its log arrives, it takes the snapshot and replays the log after
 * that message: it now has the state every synced member has at that
 * point (G1), and the state's own delivery moves it to SYNCED everywhere.
 * A process alone in the group (at its own join, or left alone before
 * anyone answered) knows the state: empty.
 * More generally, call OLD the members that were there at a newcomer's
 * join, and those that joined later with their node (NODEUP: they may
 * bring a state from another partition), except those that said `lock2
 * bystander' (below). Once every OLD member has left
 * and no answer came, each member left joined after the newcomer and
 * could have learnt a state only from a state or an init delivered
 * after that join: the newcomer saw those too, and would have taken the
 * state (it answers a message of its log) or stopped (an init: it asks
 * again, and the init's sender answers). So nobody knows more than the
 * newcomer's log: it starts from an empty state at its join, replays the
 * whole log (G1: what any synced member would have done from there) and
 * publishes the result. Unless --no-quorum, only a log kept wholly in a
 * quorate partition counts (one joined without quorum, or that lost it,
 * asks instead): the quorate side is the one side that may hold a state,
 * and the others come back as NODEUP, that is as OLD. Members that
 * joined after it take that state as they would a handed-over one. If
 * an OLD member left by NODEDOWN, or votequorum lists a configured node
 * as missing, a holder may still run over there: it waits out the grace
 * first (its own --kill-after, whose holder's it cannot know: contenders
 * of one lock should use one).
 *
 * Rebuilding from the log while others are in the group goes through an
 * init of the rebuilder's own: of two that would rebuild (or a rebuild
 * and a newcomer's init), the one delivered first wins and the others
 * ask it (G1: all see the same first). A process synced by a state that
 * answered another's message is synced for itself yet PENDING for the
 * others; if every member of SYNCED leaves before it is told, the
 * pending ones that know the state answer (all alike: a newcomer takes
 * the first). A member of SYNCED that forgot the state (a ring it could
 * not trust) says `forgot': it goes back to PENDING, for that message
 * only (a state answering an earlier question of its must not list it as
 * SYNCED again), and is told again.
 *
 * Nobody answers when no member is synced: the group is new but holds a
 * member that is not a lock process (a watcher), or every member lost
 * quorum (below). A question is timed from its DELIVERY back to its
 * sender, never from its sending: after a node failure or a cut the ring
 * delivers nothing for token plus consensus (~6.5 s on five nodes), and
 * a newcomer that counted that silence as an answer would start a second
 * queue (the simulator found this: tests/sim/). A process that has asked
 * twice, each delivered and unanswered for 1 s, sends init, carrying
 * the ring it was sent in; at its delivery in that same ring the sender
 * is synced with an empty queue (and SYNCED = itself), the others ask
 * again and it answers them. An init delivered in another ring is void
 * for everyone, its sender included: the stalled ring may have held a
 * state. This is the protocol's timing assumption: a synced member
 * answers within those 2 s of delivery while the ring runs.
 *
 * Bystanders. A member that never speaks cannot be told from a lock
 * process slow to answer, by anyone: a newcomer whose only OLD members
 * are silent waits those 2 s, whatever the design, unless the silent
 * ones speak. So cpgtool's own members that take no part in the lock
 * (watch, join, send, ask, serve) do, in a lock's group only: once lock
 * traffic is delivered from a member that joined after their last word,
 * they multicast `lock2 bystander' (sess.c, lq_by_message). A lock
 * process never sends it, and a process never changes its part, so the
 * word is true of its sender for as long as it is a member: a newcomer
 * that is delivered it counts that member out of OLD, as if it had left
 * (it knows no state and runs no COMMAND: no grace either), and rebuilds
 * from its log at once if no OLD member is left. A silent member that is
 * no cpgtool (testcpg, another program) still costs a newcomer the 2 s.
 *
 * Acting: a process acts as holder (runs COMMAND) when it is among the
 * first N, synced, past any grace, and, unless --no-quorum, its node is
 * quorate. A clean release (COMMAND exits, a signal) is a cpg_leave, and
 * hands over at once. A holder killed with SIGKILL takes its COMMAND with
 * it (PR_SET_PDEATHSIG) and shows as PROCDOWN; but the kernel closes the
 * dying process's corosync connection before it sends that signal, so
 * peers may hear of the death while COMMAND still runs: a holder's
 * PROCDOWN starts a grace of 1 s (so does an OLD member's, for a newcomer
 * that rebuilds the state). make lock-soak saw overlaps of this kind
 * without it, 6 in 3868 turns with 312 SIGKILLs, and none with it.
 *
 * Tokens. Every process that becomes a holder is given a fencing token
 * (COMMAND's CPGTOOL_LOCK_TOKEN): a number greater than every token
 * granted before for the lock, so that a resource that remembers the
 * highest it has seen refuses a holder that lost the lock and runs on
 * (a frozen node, a COMMAND past its --kill-after, a write still on the
 * network). A token is the seq of a totem ring above the low 40 bits,
 * and a clock in ms since 2020-01-01 in them (until 2054): the FLOOR of
 * a ring at a time. The state carries LAST, the latest token granted,
 * RING, the seq of the latest ring CPG named (its totem confchg is in
 * the agreed order: every member applies it at the same point), and
 * CLOCK, the latest WALL a request or an init told (the sender's clock,
 * in the agreed order too). A process that becomes a holder (appended
 * within the limit, or moved up by a leave) gets LAST + 1, or the floor
 * of RING at CLOCK if that is higher, at that point of the order, on
 * every synced member alike (G1). As it starts COMMAND it takes the
 * floor of RING at its own clock if that is higher still (it starts
 * late: whatever was granted meanwhile, in a second queue beyond the
 * timing assumptions, is below it; not with --limit N, whose holders
 * run together) and says `granted TOKEN', so that LAST, and with it
 * every later token, is above it. Hence, by G1, tokens increase in
 * the order of one state's grants, however long it lives: with quorum
 * the quorate side's state is the one that goes on.
 * A queue started from nothing (every lock process gone, or nobody who
 * knows the state in the ring) starts at the floor of its ring at its
 * starter's clock. Totem gives every new ring a seq above those of the
 * rings each of its members was in (it takes the highest it hears of
 * and adds 4), and corosync keeps it on disk across its restarts
 * (/var/lib/corosync/ringid_NODEID): so a queue started in a later ring
 * than a grant, which is the case after a node failure, a cut, a heal
 * or any corosync's restart, starts above that grant's token, whatever
 * the clocks say, and a holder acting on an older ring (frozen, cut
 * off) has the lower token. Within one ring (every lock process gone,
 * the ring unchanged: an uncontended lock taken over and over) it rests
 * on the clocks: a queue from nothing starts above the earlier queues'
 * tokens while the nodes' clocks differ by less than the time between
 * one holder's end and the next start, and fewer than one grant a ms
 * is made. --no-quorum's sides grant apart: their tokens are not
 * ordered with each other. A seq at or above 2^23 keeps tokens within
 * 63 bits (LQ_TOKEN_MAX) but no longer ordered by the ring.
 *
 * Senders. CPG tells a message's receivers its sender's NODEID:PID,
 * truly, and nothing else: any process that may connect to corosync may
 * join the group and say anything. Each kind counts only from a member
 * whose part allows it, as the receiver has seen it (lockp.c):
 * `running' from a member seen among the holders or OLD (it may have
 * held before our join), never a bystander, and for no longer than its
 * --kill-after (or ours, if unknown); a state, for a synced member, from
 * one its own state lists as synced or waiting, or a contender answering
 * its own query; for a newcomer, from an OLD member or one seen learning
 * the state (listed or answered by a state it saw, in the group when the
 * question such a state answers was delivered, or an init in force),
 * never a bystander (a member that joined after the newcomer and knows
 * the state learnt it from a message the newcomer saw too); `granted'
 * from a holder, no further ahead than a minute of the receiver's clock.
 * One message from a member that joined after the contenders changes
 * nothing; more from an older one may (cpgtool(1), SECURITY).
 *
 * Quorum and rings (G4): votequorum's verdict and CPG's totem confchg
 * reach a process on two channels, in no order, and a confchg with
 * NODEDOWN or NODEUP (the sync of a new ring) comes before the totem
 * confchg that names it. votequorum names the ring each verdict is for.
 * A process grants or starts from nothing only while the verdict is for
 * the ring CPG says it is in, and quorate. It answers newcomers while
 * unsure (they too act only once sure, and forget a state taken in a
 * ring that turns out not quorate), so a newcomer's two questions, 1 s
 * apart, are answered by whoever knows the state, its verdict late or
 * not.
 * A verdict of no quorum, or leaving a ring for which no quorate verdict
 * came, makes a process forget the state, and a holder loses the lock:
 * nothing kept or taken while unsure is acted on. A lost holder whose
 * COMMAND may still live says `running MS' then, and to every newcomer's
 * question while it lives; everyone that hears it waits MS plus 2 s
 * before acting (a three-way cut, then a heal: no side had a state, and
 * the heal's newcomers would otherwise start one beside that COMMAND).
 *
 * Partition: the minority is not quorate. Its processes drop their
 * state (they are no longer synced: the majority's state moves on
 * without them); a holder there has lost the lock: SIGTERM to COMMAND,
 * SIGKILL after --kill-after, exit 6. The quorate side sees NODEDOWN for
 * them and promotes the next waiter only after the grace, by which time
 * the old COMMAND is dead. A process that starts from nothing while
 * votequorum lists a configured node as missing waits out the grace
 * too: a holder may still run over there (whose --kill-after it cannot
 * know: it takes its own; contenders of one lock should use one). With
 * --no-quorum such a holder would run on regardless: no grace then.
 * Healing: the ring grows again; the minority's processes, quorate once
 * more, ask as newcomers (request again: they were removed by NODEDOWN)
 * and the majority's responder tells them. One queue again, and its
 * holders never changed: no double holder.
 *
 * The primary component (Isis, Transis and Spread over extended virtual
 * synchrony). The above holds while every process that misses a ring is
 * told so: a minority is told "not quorate". A node whose corosync is
 * stopped past the token (SIGSTOP, a paused VM, a host starved of CPU)
 * is told nothing: the others form a ring without it, see its lock
 * processes leave with NODEDOWN and, after the grace, grant; when it
 * runs again it goes from its old ring straight into the merged one,
 * each node computing its own NODEDOWN and NODEUP lists from its own
 * last membership (corosync 3, exec/cpg.c: every other node's processes
 * leave, then at once come back), and votequorum never says "not
 * quorate" there. Its processes' state is stale (their holder's leave,
 * held in the stopped corosync, would move their queue on beside the
 * majority's holder). G5 (corosync's totemsrp.c: a new ring's seq is
 * the highest ring seq among the nodes that form it, plus 4; seqs only
 * grow on each node) gives a process what CPG does not show it, whether
 * a ring formed without it: with a static majority quorum, a quorate
 * ring Q that formed without us after our last (quorate) ring L holds a
 * node of L (two majorities meet), which went from L to Q, so seq(Q) >=
 * seq(L) + 4; and the quorate ring N we come into holds a node of Q,
 * which went from Q to N: seq(N) >= seq(Q) + 4 >= seq(L) + 8. So a
 * process whose new ring's seq is more than 4 above its last one's
 * cannot know what was done without it: it drops what it knows (a
 * holder loses the lock, as on a verdict of no quorum; a synced member
 * or a waiting one says `forgot') and asks again as a newcomer. One
 * whose seq grows by exactly 4 is in no ring later than a quorate one
 * formed without it. The rule is blind to whether the ring formed
 * without us was quorate: a holder also loses the lock when two
 * minorities merged meanwhile, or a gather that lost a node used up a
 * seq (locksim: 5% of rings). That costs a grant, never an overlap.
 * This is why two_node (both halves of a split quorate), and
 * anything that lets two disjoint sides be quorate (last_man_standing,
 * auto_tie_breaker, expected votes lowered at run time), breaks the
 * lock: two majorities no longer meet (the simulator, -T: overlaps).
 * Counting the members of our last view that came with us, as the
 * literature's rule reads, is not enough on CPG: a node with no member
 * of the group is invisible to it, and a contender that joined the
 * majority while we were stopped was never in our view.
 * Messages a stopped node's processes sent before they heard of the new
 * ring are delivered in it, states among them, answering questions
 * asked before the stop. So at a confchg where members came with their
 * node (NODEUP), a newcomer forgets its log and asks anew, as a
 * --no-quorum merge makes the losing side's newcomers do.
 * A waiting member that drops its log (it was told a new ring before
 * it had read the verdict for the last one: sess.c reads up to 1024 CPG
 * events before votequorum's) is listed as PENDING: the state answering
 * it moves it to SYNCED on every other member while it ignores that
 * state, and it would never be told again (nobody answers a synced
 * member) or, the lowest, answer nobody. It says `forgot' too.
 * The stopped node's own old ring comes first, though: as its corosync
 * runs again, totem's recovery delivers what it held of that ring (its
 * own messages already sent on it, and the others' it had received: the
 * transitional configuration) before CPG tells of the new ring, and a
 * grace's timer may have ended meanwhile. Either would make one of its
 * waiters a holder in its old, quorate view, before the seq rule can
 * look. So a grant is acted on only fresh (lockp.c): less than 250 ms
 * after the sending of an own message that has come back. What is
 * delivered after such a stop comes more than the token (the others
 * formed their ring only once the token was lost) after anything sent
 * before it; so that message, and all before it, was delivered while
 * the old ring still ran, and COMMAND starts before any ring without us
 * can form, let alone grant after the grace. Otherwise the process
 * sends `check' and waits for it.
 *
 * --no-quorum (all contenders must agree on it) has no majority: both
 * sides of a partition may grant. When they merge (confchg with NODEUP),
 * each side compares the lowest NODEID:PID among its own members with
 * the lowest among those that came with their node; the side with the
 * lower keeps its state, and every process of the others drops it (a
 * holder there loses the lock, a newcomer forgets its log: a state its
 * side sent before the merge may still arrive) and asks again. A member
 * that joined meanwhile belongs to no side.
 */

#include <sys/types.h>

#include <string.h>

#include "lockq.h"

/* The queue (its wire format is lockwire.c's), and the bystanders. */

void
lq_reset(struct lockq *st)
{
	memset(st, 0, sizeof(*st));
}

ssize_t
lq_index(const struct cpgt_addr *v, size_t n, struct cpgt_addr a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_eq(v[i], a))
			return (ssize_t)i;
	return -1;
}

static void
add_synced(struct lockq *st, struct cpgt_addr a)
{
	if (lq_index(st->synced, st->nsynced, a) < 0 &&
	    st->nsynced < LQ_MAX)
		st->synced[st->nsynced++] = a;
}

static void
add_pending(struct lockq *st, struct cpgt_addr a, uint32_t seq)
{
	if (lq_index(st->synced, st->nsynced, a) >= 0)
		return;
	/* full: the oldest goes; its process asks again */
	if (st->npend == LQ_PENDING) {
		memmove(st->pend, st->pend + 1,
		    (LQ_PENDING - 1) * sizeof(st->pend[0]));
		st->npend--;
	}
	st->pend[st->npend++] = (struct lq_pend){ a, seq };
}

enum lq_req
lq_request(struct lockq *st, struct cpgt_addr a, unsigned limit, int quorum,
    uint32_t seq, uint32_t kill_ms)
{
	enum lq_req r = LQ_QUEUED;


	if (lq_index(st->q, st->nq, a) >= 0)
		r = LQ_ALREADY;
	else if (st->nq > 0 &&
	    (limit != st->limit || quorum != st->quorum))
		r = LQ_MISMATCH;
	else if (st->nq == LQ_MAX)
		r = LQ_FULL;
	else {
		if (st->nq == 0) {
			st->limit = limit;
			st->quorum = quorum;
		}
		st->kill_ms[st->nq] = kill_ms;
		st->tok[st->nq] = 0;
		st->q[st->nq++] = a;
		lq_promote(st);
	}
	/* refused or not, the requester is told the state */
	add_pending(st, a, seq);
	return r;
}

static size_t
drop(struct cpgt_addr *v, size_t n, struct cpgt_addr a)
{
	ssize_t i = lq_index(v, n, a);

	if (i < 0)
		return n;
	memmove(v + i, v + i + 1, (n - (size_t)i - 1) * sizeof(*v));
	return n - 1;
}

/* P left the group: its --kill-after in ms if it was a holder, else -1. */
int64_t
lq_remove(struct lockq *st, struct cpgt_addr a)
{
	ssize_t i = lq_index(st->q, st->nq, a);
	int64_t held = -1;
	size_t k, n = 0;

	if (i >= 0) {
		if ((size_t)i < st->limit)
			held = st->kill_ms[i];
		memmove(st->kill_ms + i, st->kill_ms + i + 1,
		    (st->nq - (size_t)i - 1) * sizeof(st->kill_ms[0]));
		memmove(st->tok + i, st->tok + i + 1,
		    (st->nq - (size_t)i - 1) * sizeof(st->tok[0]));
		st->nq = drop(st->q, st->nq, a);
		st->tok[st->nq] = 0;
		lq_promote(st);
	}
	st->nsynced = drop(st->synced, st->nsynced, a);
	for (k = 0; k < st->npend; k++)
		if (!addr_eq(st->pend[k].a, a))
			st->pend[n++] = st->pend[k];
	st->npend = n;
	if (st->nq == 0)
		st->limit = 0;
	return held;
}

/* A state was delivered: the PENDING entries it lists now know it. */
int
lq_answered(struct lockq *st, const struct lockq *told)
{
	size_t i, k, n = 0;
	int moved = 0;

	for (i = 0; i < st->npend; i++) {
		for (k = 0; k < told->npend; k++)
			if (addr_eq(st->pend[i].a, told->pend[k].a) &&
			    st->pend[i].seq == told->pend[k].seq)
				break;
		if (k < told->npend) {
			add_synced(st, st->pend[i].a);
			moved = 1;
		}
	}
	/* a process synced now waits no more, whichever ask it was */
	for (i = 0; i < st->npend; i++)
		if (lq_index(st->synced, st->nsynced, st->pend[i].a) < 0)
			st->pend[n++] = st->pend[i];
	st->npend = n;
	return moved;
}

/*
 * A member of SYNCED forgot the state (a ring it could not trust): it
 * waits to be told again, like a newcomer whose message SEQ asked.
 */
void
lq_forgot(struct lockq *st, struct cpgt_addr a, uint32_t seq)
{
	size_t k, n = 0;

	st->nsynced = drop(st->synced, st->nsynced, a);
	/*
	 * Its earlier questions too: a state answering one of them, sent
	 * before this was delivered, would list it as SYNCED again while it
	 * ignores that state (locksim seed 599377: the lowest of SYNCED,
	 * it answered nobody and a newcomer started a second queue).
	 */
	for (k = 0; k < st->npend; k++)
		if (!addr_eq(st->pend[k].a, a))
			st->pend[n++] = st->pend[k];
	st->npend = n;
	add_pending(st, a, seq);
}

/* Who answers newcomers: the lowest synced member. */
int
lq_responder(const struct lockq *st, struct cpgt_addr *a)
{
	size_t i;

	if (st->nsynced == 0)
		return 0;
	*a = st->synced[0];
	for (i = 1; i < st->nsynced; i++)
		if (addr_cmp(st->synced[i], *a) < 0)
			*a = st->synced[i];
	return 1;
}

size_t
lq_holders(const struct lockq *st)
{
	return st->nq < st->limit ? st->nq : st->limit;
}

/* 2020-01-01 in ms since the epoch: a token's clock counts from it */
#define TOKEN_EPOCH_MS	1577836800000ull

/*
 * Tokens (see the top of this file): each process that becomes a holder
 * gets one above the last and above the floor, at the point of the
 * order where it does. Every synced member does this alike (G1: the
 * same ring, the same clock told, the same last), so all agree on it.
 */
static uint64_t
floor_at(const struct lockq *st, uint64_t ms)
{
	const uint64_t low_max = (1ull << LQ_TOKEN_BITS) - 1;
	const uint64_t seq_max = (uint64_t)LQ_TOKEN_MAX >> LQ_TOKEN_BITS;
	uint64_t low, seq;

	low = ms > TOKEN_EPOCH_MS ? ms - TOKEN_EPOCH_MS : 0;
	if (low > low_max)
		low = low_max;
	seq = st->ring_seq < seq_max ? st->ring_seq : seq_max;
	return seq << LQ_TOKEN_BITS | low;
}

void
lq_promote(struct lockq *st)
{
	uint64_t floor = floor_at(st, st->lc);
	size_t i, n = lq_holders(st);

	for (i = 0; i < n; i++)
		if (st->tok[i] == 0) {
			st->last = st->last < floor ? floor : st->last + 1;
			if (st->last > LQ_TOKEN_MAX)
				st->last = LQ_TOKEN_MAX;
			st->tok[i] = st->last;
		}
}

/*
 * The token a holder at index I takes as it starts COMMAND at MS (its
 * clock): its own, or the floor of this ring at this time if above (a
 * holder that starts late starts above those granted meanwhile).
 */
uint64_t
lq_token_at(const struct lockq *st, uint64_t ms)
{
	return floor_at(st, ms > st->lc ? ms : st->lc);
}

/* A holder said which token it took: 1 if A is a holder. */
int
lq_granted(struct lockq *st, struct cpgt_addr a, uint64_t token)
{
	ssize_t i = lq_index(st->q, st->nq, a);

	if (i < 0 || (size_t)i >= lq_holders(st) || token > LQ_TOKEN_MAX)
		return 0;
	if (token > st->tok[i])
		st->tok[i] = token;
	if (token > st->last)
		st->last = token;
	return 1;
}

/* A clock told (ms since the epoch): the floor of the next tokens. */
void
lq_clock(struct lockq *st, uint64_t ms)
{
	if (ms > st->lc)
		st->lc = ms;
}

/*
 * A bystander's word (lockq.h) is a fact about its sender for as long as
 * it is a member, whenever it comes: a newcomer counts that member out of
 * OLD (lockp.c). Every member that joined before the word was delivered
 * saw it (G1); one that joins after makes us owe another, said when its
 * lock traffic shows the group is a lock's (never in other groups). Our
 * own join owes nothing: who was there before us is no newcomer to us.
 */
void
lq_by_confchg(struct lq_bystander *by, int others_joined)
{
	if (others_joined)
		by->owed = 1;
}

/* 1: multicast LQ_BYSTANDER_MSG now. `own': we sent this message. */
int
lq_by_message(struct lq_bystander *by, const void *data, size_t len, int own)
{
	struct lq_msg m;

	if (len < sizeof(LQ_PROTO) - 1 ||
	    memcmp(data, LQ_PROTO, sizeof(LQ_PROTO) - 1))
		return 0;
	/* what cannot change anything is not parsed */
	if (!own && (!by->owed || by->sent))
		return 0;
	if (!lq_parse(data, len, &m))
		return 0;
	if (m.kind == LQ_BYSTANDER) {
		if (own)
			by->sent = by->owed = 0;
		return 0;
	}
	if (own || !by->owed || by->sent)
		return 0;
	by->sent = 1;
	return 1;
}
