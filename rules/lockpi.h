/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules from inside (lockp.h is the outside): struct lp and
 * what the three files of the rules share. No I/O, no clock, as lockp.h
 * says, in all three:
 *   lockp.c      the process's turn (enum phase: waiting, holding, lost,
 *                ended), its inputs and its outputs (the action list)
 *   locksync.c   what it knows of the queue (enum sync): a newcomer's
 *                log, the state it takes, starts or rebuilds, the
 *                members and what their comings and goings change
 *   locktrust.c  what it believes: votequorum's verdict for this ring,
 *                the primary component, freshness, who may say what
 * Only these three include it.
 */

#ifndef LOCKPI_H
#define LOCKPI_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "lockp.h"

#define MSEC		1000000LL
#define SEC		1000000000LL
/*
 * A newcomer asks again this long after its question was DELIVERED (not
 * sent: a ring that stalls delivers nothing), and starts from nothing
 * after two unanswered questions in one ring: the protocol's timing
 * assumption is that a synced member answers a delivered question within
 * that time. Its answer may wait in the session's queue while corosync
 * says try again (tests/cluster/lock.bats, flow control): 0.5 s made newcomers
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
/* lock-mutants': the rules that had none */
#define M_FORGOT_KEEPS_PENDING	25	/* forgot: earlier questions stay */
#define M_NO_PUBLISH_EMPTY	26	/* SYNCED empties: nobody publishes */
#define M_NO_HANDOFF		27	/* a leaver hands nothing over */
#define M_FIRST_INIT_LEFT	28	/* inits that lost to a leaver stay */

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
	int		 spent;		/* out of force: old ring, or lost */
	uint64_t	 ord;		/* lp->ord when it came */
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

static inline int
ring_eq(const struct lp_ring *a, const struct lp_ring *b)
{
	return a->nodeid == b->nodeid && a->seq == b->seq;
}

static inline int
synced(const struct lp *lp)
{
	return lp->sync == SY_SYNCED;
}

static inline int
joined(const struct lp *lp)
{
	return lp->sync != SY_OUTSIDE;
}

/* Unsynced, keeping a log for the state that answers it. */
static inline int
logging(const struct lp *lp)
{
	return lp->sync == SY_LOGGING || lp->sync == SY_REBUILDING;
}

/* Our clock, in ms since the epoch: it floors tokens (lockq.c, Tokens). */
static inline uint64_t
wall_ms(const struct lp *lp)
{
	int64_t t = lp->now + lp->cfg.wall_off;

	return t > 0 ? (uint64_t)(t / MSEC) : 0;
}

static inline int
is_me(const struct lp *lp, struct cpgt_addr a)
{
	return addr_eq(a, lp->me);
}

/* lockp.c */
void	 lpi_warn_act(struct lp *lp, int lost, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 lpi_end(struct lp *lp, int status);
void	 lpi_say(struct lp *lp, const char *msg, size_t len);
void	 lpi_ask(struct lp *lp);
void	 lpi_grace_to(struct lp *lp, int64_t until);
void	 lpi_start_grace(struct lp *lp, int64_t from, int64_t kill_ms);
void	 lpi_refused(struct lp *lp, enum lq_req r);
void	 lpi_lose(struct lp *lp, const char *why);

/* locksync.c */
void	 lpi_to_sync(struct lp *lp, enum sync s);
void	 lpi_at_ring(struct lp *lp, uint64_t seq);
int	 lpi_responder(const struct lp *lp);
void	 lpi_publish(struct lp *lp);
size_t	 lpi_parties(const struct lp *lp);
ssize_t	 lpi_find_member(const struct lp *lp, struct cpgt_addr a);
void	 lpi_apply(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from, int live);
void	 lpi_log_add(struct lp *lp, const struct logent *e);
int	 lpi_init_in_force(const struct lp *lp, const struct lq_msg *m);
void	 lpi_unsynced_msg(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from);
void	 lpi_rebuild(struct lp *lp);
int	 lpi_any_old(const struct lp *lp);
void	 lpi_bystander(struct lp *lp, struct cpgt_addr from);
void	 lpi_confchg(struct lp *lp, const struct lp_confchg *c);
void	 lpi_own_delivered(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from);
void	 lpi_forget_waiting(struct lp *lp);

/* locktrust.c */
int	 lpi_q_ok(const struct lp *lp);
void	 lpi_mark_fresh(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from);
int	 lpi_stale(struct lp *lp);
int	 lpi_state_plausible(const struct lq_msg *m, struct cpgt_addr from);
void	 lpi_mark_holders(struct lp *lp);
void	 lpi_mark_knows(struct lp *lp, struct cpgt_addr a);
void	 lpi_asked(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from);
void	 lpi_state_knows(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from);
int64_t	 lpi_running_ms(struct lp *lp, struct cpgt_addr from, uint32_t ms);
int	 lpi_state_from_ok(struct lp *lp, const struct lq_msg *m,
	    struct cpgt_addr from);
void	 lpi_distrust(struct lp *lp, const char *why);
void	 lpi_primary(struct lp *lp, const struct lp_ring *ring);

#endif
