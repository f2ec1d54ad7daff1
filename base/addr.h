/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A CPG process's address, (nodeid, pid), and the one way to compare two:
 * every module may include this (it needs nothing else).
 */

#ifndef ADDR_H
#define ADDR_H

#include <stdint.h>

struct cpgt_addr {
	uint32_t	 nodeid;
	uint32_t	 pid;
};

/* The address of anything with nodeid and pid: a cpg_address, an event. */
#define ADDR(n, p)	((struct cpgt_addr){ (n), (p) })
#define ADDR_OF(x)	ADDR((x)->nodeid, (x)->pid)
/* The process an event was delivered to (struct event's self_*). */
#define ADDR_SELF(ev)	ADDR((ev)->self_nodeid, (ev)->self_pid)

static inline int
addr_eq(struct cpgt_addr a, struct cpgt_addr b)
{
	return a.nodeid == b.nodeid && a.pid == b.pid;
}

/* Order by nodeid, then pid: <0, 0, >0. */
static inline int
addr_cmp(struct cpgt_addr a, struct cpgt_addr b)
{
	if (a.nodeid != b.nodeid)
		return a.nodeid < b.nodeid ? -1 : 1;
	if (a.pid != b.pid)
		return a.pid < b.pid ? -1 : 1;
	return 0;
}

#endif
