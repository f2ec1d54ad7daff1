/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ask and serve: the envelope and the rules, with no I/O and no clock
 * (the time is passed in); the protocol is described at the top of
 * askp.c.
 */

#ifndef ASKP_H
#define ASKP_H

#include <stddef.h>
#include <stdint.h>

#include <corosync/cpg.h>

#include "addr.h"

/* The most nodes a request can name (--nodes). */
#define ASKP_NODES_MAX	256
/* The longest header: a request naming every node it can. */
#define ASKP_HDR_MAX	(64 + 11 * ASKP_NODES_MAX)

/* An ask: the asker's address and its own number for the request. */
struct askp_id {
	uint32_t	 nodeid;
	uint32_t	 pid;
	uint32_t	 seq;
};

enum askp_kind {
	ASKM_FOREIGN,		/* not an ask1 message */
	ASKM_REQ,
	ASKM_ACK,
	ASKM_REPLY,
	ASKM_PROBE,
};

struct askp_msg {
	enum askp_kind	 kind;
	struct askp_id	 id;
	uint32_t	 nodes[ASKP_NODES_MAX];	/* req: none is every node */
	size_t		 nnodes;
	int		 addressed;	/* ack */
	int		 status;	/* reply: 0 to 255 */
	int		 cut;		/* reply: cut short at --max-reply */
	uint32_t	 probe;		/* probe: its number */
	const void	*payload;	/* req, reply: in the parsed bytes */
	size_t		 len;
};

int	 askp_parse(const void *, size_t, struct askp_msg *);
size_t	 askp_req_hdr(char *, size_t, const struct askp_id *,
	    const uint32_t *, size_t);
size_t	 askp_ack_msg(char *, size_t, const struct askp_id *, int);
size_t	 askp_reply_hdr(char *, size_t, const struct askp_id *, int, int);
size_t	 askp_probe_msg(char *, size_t, const struct askp_id *, uint32_t);
size_t	 askp_id_str(char *, size_t, const struct askp_id *);
int	 askp_node_listed(const uint32_t *, size_t, uint32_t);

/* What became of one member of the group the request was delivered to. */
enum askp_mst {
	AM_ACK,			/* awaited: no ack yet */
	AM_WORKING,		/* acked: its reply is awaited */
	AM_REPLIED,		/* replied, with .status */
	AM_LEFT,		/* left before replying, with .reason */
	AM_NOTSERVER,		/* never acked: silent, an asker, or gone */
	AM_NOTADDR,		/* not on a node of --nodes, or acked so */
};

struct askp_member {
	uint32_t	 nodeid;
	uint32_t	 pid;
	enum askp_mst	 st;
	int		 acked;		/* a server: it acked this request */
	int		 status;	/* AM_REPLIED */
	uint32_t	 reason;	/* gone: CPG's reason; else 0 */
};

/* Members seen doing something, kept while they are members. */
struct askp_set {
	struct cpgt_addr a[CPG_MEMBERS_MAX];
	size_t		 n;
};

/* What the asker does after an input (askp_actions). */
enum askp_act_kind {
	ASKA_PRINT,		/* print the reply just delivered */
	ASKA_SEND,		/* multicast msg (a probe) */
	ASKA_DONE,		/* the ask is complete */
};

struct askp_act {
	enum askp_act_kind kind;
	char		 msg[64];	/* ASKA_SEND */
	size_t		 len;
};

#define ASKP_ACT_MAX	4

/* One ask, as its asker follows it. */
struct askp {
	struct askp_id	 id;
	uint32_t	 nodes[ASKP_NODES_MAX];	/* --nodes; none: all */
	size_t		 nnodes;
	unsigned long	 want;		/* --replies; 0: every server */
	int64_t		 ack_timeout;
	/* the group as this process sees it */
	struct cpgt_addr view[CPG_MEMBERS_MAX];
	size_t		 nview;
	struct askp_set	 servers;	/* seen acking or replying */
	struct askp_set	 askers;	/* seen asking */
	/* from the request's delivery back to us on */
	int		 started;
	int		 done;
	struct askp_member m[CPG_MEMBERS_MAX];
	size_t		 n;
	unsigned long	 replies;
	/* the ack clock: see askp.c */
	int64_t		 ack_from;
	unsigned	 epoch;		/* ring changes seen */
	uint32_t	 probes;	/* probes sent */
	int		 probe_out;	/* the last is not back yet */
	unsigned	 probe_epoch;	/* the epoch it was sent in */
	struct askp_act	 act[ASKP_ACT_MAX];	/* what to do, in order */
	size_t		 nact;
};

/*
 * As lockp.h's rules: the inputs below say what happened (the time
 * passed in); the caller carries out what askp_actions lists, in order,
 * then askp_clear; askp_next says when to call askp_tick. struct askp
 * is the rules' own (it is here to be embedded, and for askp_test):
 * cmd/ask.c reads it through the functions below, never its fields.
 */
void	 askp_init(struct askp *, const struct askp_id *, const uint32_t *,
	    size_t, unsigned long, int64_t);
void	 askp_confchg(struct askp *, const struct cpg_address *, size_t,
	    const struct cpg_address *, size_t, int64_t);
void	 askp_ring(struct askp *, int64_t);
void	 askp_deliver(struct askp *, struct cpgt_addr,
	    const struct askp_msg *, int64_t, const struct askp_member **);
void	 askp_tick(struct askp *, int64_t);
const struct askp_act *askp_actions(const struct askp *, size_t *);
void	 askp_clear(struct askp *);
int64_t	 askp_next(const struct askp *);

/* Looking in: our request's header, whether it started, ended, and who
   is still awaited (up to max of them; their number) */
size_t	 askp_request_hdr(const struct askp *, char *, size_t);
int	 askp_started(const struct askp *);
int	 askp_done(const struct askp *);
size_t	 askp_awaited(const struct askp *, struct cpgt_addr *, size_t);

/* The outcome, for the summary and the exit status. */
struct askp_counts {
	size_t		 replied;	/* status 0 */
	size_t		 failed;	/* another status */
	size_t		 left;
	size_t		 notserver;
	size_t		 notaddr;
	size_t		 waiting;	/* neither replied nor left */
	uint32_t	 bare[ASKP_NODES_MAX];	/* nodes of --nodes that */
	size_t		 nbare;			/* no server acked from */
};

void	 askp_count(const struct askp *, struct askp_counts *);
int	 askp_status(const struct askp *);

/* What a server does with a request. */
enum askp_verdict {
	SV_IGNORE,		/* not a request, or a forged id */
	SV_SKIP,		/* ack "notaddressed", run nothing */
	SV_RUN,			/* ack, run COMMAND now */
	SV_QUEUE,		/* ack, run COMMAND when a slot is free */
	SV_BUSY,		/* ack, reply 125 at once: the queue is full */
};

struct askp_load {
	size_t		 running;
	size_t		 jobs;		/* -j */
	size_t		 queued;
	size_t		 max_queue;	/* --max-queue */
	size_t		 queued_bytes;
	size_t		 max_bytes;
};

enum askp_verdict askp_serve(const struct askp_msg *, struct cpgt_addr,
	    uint32_t, const struct askp_load *);

/* A reply's status when serve itself could not run COMMAND. */
#define ASKP_ST_SERVE	125

#endif
