/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What corosync tells a command, as sess.c hands it over and out.c
 * prints it: events, and what is known of a node.
 */

#ifndef EVENT_H
#define EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <corosync/cpg.h>

/* A group name as text: every byte may become \xNN (enc_group_str). */
#define GROUP_STR_MAX	(CPG_MAX_NAME_LENGTH * 4 + 1)

/* corosync carries a message's length in 32 bits: the largest message. */
#define MSG_MAX		((size_t)UINT32_MAX)

/* Event kinds; the EVM_ masks select them for --events. */
enum ev_type {
	EV_MESSAGE,
	EV_CONFCHG,
	EV_TOTEM,
	EV_GAP,
	EV_MEMBERS,
	EV_QUORATE,	/* votequorum's verdict on this node's partition */
	EV_INQUORATE,
	EV_NODE,	/* a configured node's state, as votequorum has it */
};

#define EVM_MESSAGE	0x1u
#define EVM_CONFCHG	0x2u
#define EVM_TOTEM	0x4u
#define EVM_ALL		(EVM_MESSAGE | EVM_CONFCHG | EVM_TOTEM)

/* A configured node as votequorum sees it. */
enum qstate {
	QS_MEMBER,
	QS_DEAD,
	QS_LEAVING,
};

struct qnode {
	uint32_t	 nodeid;
	uint32_t	 votes;
	enum qstate	 state;
};

/* corosync's limit on the nodes of a cluster (PROCESSOR_COUNT_MAX). */
#define QNODES_MAX	384

/* This node's view of the quorum, as corosync-quorumtool -s shows it. */
struct qview {
	int		 quorate;
	uint32_t	 nodeid;		/* this node */
	struct cpg_ring_id ring;
	uint32_t	 expected;		/* expected votes */
	uint32_t	 highest;		/* highest expected */
	uint32_t	 total;			/* total votes */
	uint32_t	 quorum;
	size_t		 nnodes;
	struct qnode	 nodes[QNODES_MAX];	/* by node id */
};

struct nodeinfo;

struct event {
	enum ev_type		 type;
	struct timespec		 time;		/* CLOCK_REALTIME, at receipt */
	const struct cpg_name	*group;
	uint32_t		 nodeid;	/* message sender */
	uint32_t		 pid;
	const void		*data;
	size_t			 len;
	const struct cpg_address *members;
	size_t			 nmembers;
	const struct cpg_address *joined;
	size_t			 njoined;
	const struct cpg_address *left;
	size_t			 nleft;
	struct cpg_ring_id	 ring;
	const uint32_t		*nodes;
	size_t			 nnodes;
	uint32_t		 self_nodeid;	/* this process, for */
	uint32_t		 self_pid;	/* --exclude-self */
	/* EV_QUORATE, EV_INQUORATE, EV_NODE */
	const struct qview	*quorum;
	const struct qnode	*node;		/* EV_NODE: which changed */
	const struct nodeinfo	*name;		/* EV_NODE: or NULL */
	int			 unordered;	/* not in CPG's order */
};

/* What members --names adds to a member (sess_nodeinfo). */
struct nodeinfo {
	uint32_t	 nodeid;
	char		 name[256];
	char		 addrs[512];	/* comma separated, empty if unknown */
};

#endif
