/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lock's replicated state and its wire format; the protocol is
 * described at the top of lockq.c.
 */

#ifndef LOCKQ_H
#define LOCKQ_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * A group has at most this many members (corosync's CPG_MEMBERS_MAX,
 * checked where cmd/lock.c includes cpg.h), so a queue as many entries.
 * Not included from cpg.h: the rules and the simulator need no corosync.
 */
#define LQ_MAX		128
#define LQ_PENDING	(2 * LQ_MAX)
/* --kill-after's largest value, so that milliseconds fit the wire's 32 bits
 * and a grace computed from it cannot wrap */
#define LQ_KILL_MS_MAX	(3600u * 1000u)
/* The longest message: a state with every list full. */
#define LQ_MSG_MAX	(64 + 3 * 24 * LQ_MAX + 36 * LQ_PENDING + \
	    21 * (LQ_MAX + 1))
/*
 * A fencing token (lockq.c, Tokens): the ring's seq above these bits, a
 * count below; tokens stay within 63 bits while the seq is below 2^23.
 */
#define LQ_TOKEN_BITS	40
#define LQ_TOKEN_MAX	INT64_MAX


/* A process waiting for a state, and which of its messages asked. */
struct lq_pend {
	struct cpgt_addr	 a;
	uint32_t	 seq;
};

struct lockq {
	unsigned	 limit;		/* 0: nobody queued, none agreed */
	int		 quorum;	/* what the queue's contenders agreed */
	struct cpgt_addr	 q[LQ_MAX];	/* in request order; holders first */
	uint32_t	 kill_ms[LQ_MAX];	/* each one's --kill-after */
	size_t		 nq;
	struct cpgt_addr	 synced[LQ_MAX];	/* who knows this state */
	size_t		 nsynced;
	struct lq_pend	 pend[LQ_PENDING];	/* who waits for it */
	size_t		 npend;
	uint64_t	 last;		/* the latest token granted */
	uint64_t	 tok[LQ_MAX];	/* each holder's; 0: a waiter */
	uint64_t	 lc;		/* the latest clock told, ms */
	uint64_t	 ring_seq;	/* the latest ring's seq */
};

enum lq_kind {
	LQ_FOREIGN,		/* not a lock message */
	LQ_REQUEST,
	LQ_QUERY,
	LQ_INIT,
	LQ_STATE,
	LQ_RUNNING,
	LQ_FORGOT,
	LQ_BYSTANDER,
	LQ_GRANTED,
	LQ_CHECK,
};

struct lq_msg {
	enum lq_kind	 kind;
	uint32_t	 seq;		/* request, query, init, forgot, check */
	unsigned	 limit;		/* request */
	int		 quorum;	/* request */
	uint32_t	 kill_ms;	/* request; running: what is left of it */
	uint32_t	 ring_node;	/* init: the ring it was sent in */
	uint64_t	 ring_seq;
	struct lq_pend	 tag;		/* state: answers this message */
	uint32_t	 grace_ms;	/* state: what is left of a grace */
	uint64_t	 wall;		/* request, init: the sender's clock */
	uint64_t	 token;		/* granted */
	struct lockq	 st;		/* state */
};

/* What a request did to the queue. */
enum lq_req {
	LQ_QUEUED,
	LQ_ALREADY,
	LQ_MISMATCH,		/* another --limit or quorum mode */
	LQ_FULL,
};

int	 lq_parse(const void *, size_t, struct lq_msg *);
size_t	 lq_request_msg(char *, size_t, unsigned, int, uint32_t, uint32_t);
size_t	 lq_query_msg(char *, size_t, uint32_t);
size_t	 lq_init_msg(char *, size_t, uint32_t, uint32_t, uint64_t);
size_t	 lq_running_msg(char *, size_t, uint32_t);
size_t	 lq_forgot_msg(char *, size_t, uint32_t);
size_t	 lq_check_msg(char *, size_t, uint32_t);
void	 lq_forgot(struct lockq *, struct cpgt_addr, uint32_t);
size_t	 lq_state_msg(char *, size_t, const struct lockq *,
	    const struct lq_pend *, uint32_t);

/*
 * A member of a lock's group that takes no part in the lock (cpgtool's
 * watch, join, send, ask, serve) says so once to the members that joined
 * since it last did, when their lock traffic shows the group is a lock's:
 * no newcomer then waits for it to answer.
 */
struct lq_bystander {
	int		 owed;		/* members joined since our word */
	int		 sent;		/* our word is on its way */
};

/* every message of the protocol starts so */
#define LQ_PROTO	"lock2 "
#define LQ_BYSTANDER_MSG	"lock2 bystander"

void	 lq_by_confchg(struct lq_bystander *, int);
int	 lq_by_message(struct lq_bystander *, const void *, size_t, int);

void	 lq_reset(struct lockq *);
ssize_t	 lq_index(const struct cpgt_addr *, size_t, struct cpgt_addr);
enum lq_req lq_request(struct lockq *, struct cpgt_addr, unsigned, int,
	    uint32_t, uint32_t);
int64_t	 lq_remove(struct lockq *, struct cpgt_addr);
int	 lq_answered(struct lockq *, const struct lockq *);
int	 lq_responder(const struct lockq *, struct cpgt_addr *);
size_t	 lq_holders(const struct lockq *);
void	 lq_promote(struct lockq *);
void	 lq_clock(struct lockq *, uint64_t);
uint64_t lq_token_at(const struct lockq *, uint64_t);
int	 lq_granted(struct lockq *, struct cpgt_addr, uint64_t);
size_t	 lq_granted_msg(char *, size_t, uint64_t);
size_t	 lq_request_at_msg(char *, size_t, unsigned, int, uint32_t, uint32_t,
	    uint64_t);
size_t	 lq_init_at_msg(char *, size_t, uint32_t, uint32_t, uint64_t,
	    uint64_t);

#endif
