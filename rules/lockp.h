/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's rules as a pure state machine (the protocol is written down
 * at the top of lockp.c): no I/O, no clock, no corosync library, no
 * global. The caller (cmd/lock.c, or the simulator in tests/sim/) feeds it
 * what happened, with the time, and carries out what it returns: messages
 * to multicast, things to do, and when to call lp_tick next.
 */

#ifndef LOCKP_H
#define LOCKP_H

#include <stddef.h>
#include <stdint.h>

#include "lockq.h"
#include "status.h"

/* corosync's reasons, as a confchg gives them (CPG_REASON_*) */
enum lp_reason {
	LP_JOIN = 1,
	LP_LEAVE = 2,
	LP_NODEDOWN = 3,
	LP_NODEUP = 4,
	LP_PROCDOWN = 5,
};

struct lp_member {
	struct cpgt_addr	 a;
	int		 reason;	/* enum lp_reason */
};

struct lp_confchg {
	const struct lp_member	*members;
	size_t			 nmembers;
	const struct lp_member	*left;
	size_t			 nleft;
	const struct lp_member	*joined;
	size_t			 njoined;
};

/* A totem ring id, as CPG's totem confchg and votequorum give it. */
struct lp_ring {
	uint32_t	 nodeid;
	uint64_t	 seq;
};

struct lp_cfg {
	unsigned	 limit;
	int		 noquorum;
	int		 show;
	int		 nonblock;
	int		 command;	/* a COMMAND runs while held */
	uint32_t	 kill_ms;	/* --kill-after */
	int64_t		 wall_off;	/* the clock (ns since the epoch) less
					   the monotonic time: tokens */
	uint32_t	 fresh_ms;	/* below corosync's token timeout:
					   lockp.c, freshness (0: 250 ms) */
};

/* Lock events, as printed. */
enum lp_ev {
	LP_EV_WAITING,
	LP_EV_ACQUIRED,
	LP_EV_RELEASED,
	LP_EV_LOST,
};

enum lp_act_kind {
	LA_SEND,	/* multicast msg */
	LA_SPAWN,	/* start COMMAND */
	LA_STOP,	/* SIGTERM COMMAND, SIGKILL after --kill-after */
	LA_SIGNAL,	/* pass signal n on to COMMAND */
	LA_EVENT,	/* a lock event n, why in text (or empty) */
	LA_WARN,	/* one line for stderr, in text */
	LA_SHOW,	/* --show: print the state (lp_state), then end */
	LA_EXIT,	/* leave the group and end with status n (ST_*) */
};

struct lp_act {
	enum lp_act_kind kind;
	int		 n;
	char		*msg;		/* LA_SEND: the message (lp owns it) */
	size_t		 len;
	char		 text[160];
};

/*
 * Why a process ends (LA_EXIT's n): status.h's exit statuses, as
 * cmd/lock.c ends with them: ST_OK, ST_FAIL, ST_CONN, ST_BUSY, ST_LOST,
 * ST_INQUORATE (--show: a minority cannot know), ST_SIGNAL + the signal.
 */

struct lp;

struct lp *lp_new(const struct lp_cfg *, struct cpgt_addr);
void	 lp_free(struct lp *);

/* Inputs; now is a monotonic time in ns. */
void	 lp_start(struct lp *, int64_t);
void	 lp_message(struct lp *, struct cpgt_addr, const void *, size_t,
	    int64_t);
void	 lp_confchg(struct lp *, const struct lp_confchg *, int64_t);
void	 lp_quorum(struct lp *, int, int, const struct lp_ring *, int64_t);
void	 lp_ring(struct lp *, const struct lp_ring *, int64_t);
void	 lp_tick(struct lp *, int64_t);
void	 lp_child_ended(struct lp *, int, int64_t);
void	 lp_stdin_eof(struct lp *, int64_t);
void	 lp_signal(struct lp *, int, int64_t);
void	 lp_conn_lost(struct lp *, int64_t);

/* Outputs: what to do (taken in order, then lp_clear), and when to tick. */
const struct lp_act *lp_actions(const struct lp *, size_t *);
void	 lp_clear(struct lp *);
int64_t	 lp_deadline(const struct lp *);

/* Looking in, for --show and the simulator's checks. */
const struct lockq *lp_state(const struct lp *);
int	 lp_synced(const struct lp *);
int	 lp_holding(const struct lp *);
int	 lp_ended(const struct lp *);
uint64_t lp_token(const struct lp *);

#endif
