/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The monitoring formats (mon.c): the cluster's CPG state in
 * Prometheus' text exposition format (cpgtool metrics), and a
 * monitoring plugin's status line with its performance data (cpgtool
 * check). Rendered into a sink; the commands fill these in.
 */

#ifndef MON_H
#define MON_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct range;
struct sink;

/* A node as the metrics show it. */
struct mnode {
	uint32_t	 nodeid;
	const char	*name;		/* "" if corosync names none */
	int		 configured;	/* in votequorum's view */
	int		 up;
	uint32_t	 votes;
	int		 local;
};

/* A group: its members, and how many on each of the nodes. */
struct mgroup {
	struct cpg_name	 name;
	size_t		 members;
	const unsigned	*per_node;	/* [i]: members on nodes[i] */
};

struct mstate {
	const struct qview *q;		/* NULL: corosync did not answer */
	const struct mnode *nodes;
	size_t		 nnodes;
	const struct mgroup *groups;
	size_t		 ngroups;
};

void	 mon_metrics(struct sink *, const struct mstate *);

/* A plugin's states, which are its exit statuses. */
enum mon_status {
	MON_OK,
	MON_WARNING,
	MON_CRITICAL,
	MON_UNKNOWN,
};

/* A group as the check saw it. */
struct mcheck_group {
	struct cpg_name	 name;
	size_t		 members;
	const char	*missing;	/* --nodes without a member, or NULL */
};

struct mcheck {
	enum mon_status	 status;
	const char	*unknown;	/* MON_UNKNOWN: why */
	int		 quorate;	/* -1: not asked */
	const struct range *warn;
	const struct range *crit;
	const struct mcheck_group *groups;
	size_t		 ngroups;
};

void	 mon_check(struct sink *, const struct mcheck *);

#endif
