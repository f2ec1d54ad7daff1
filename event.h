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
};

#define EVM_MESSAGE	0x1u
#define EVM_CONFCHG	0x2u
#define EVM_TOTEM	0x4u
#define EVM_ALL		(EVM_MESSAGE | EVM_CONFCHG | EVM_TOTEM)

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
};

/* What members --names adds to a member (sess_nodeinfo). */
struct nodeinfo {
	uint32_t	 nodeid;
	char		 name[256];
	char		 addrs[512];	/* comma separated, empty if unknown */
};

#endif
