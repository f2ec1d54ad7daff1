/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What corosync's configuration says of a node: its name (cmap's
 * nodelist) and its addresses (cfg); and --nodes lists of node ids and
 * names, as ids. The corosync layer's, as sess.c and quorum.c are.
 */

#ifndef NODEINFO_H
#define NODEINFO_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/*
 * The handles a node's information is read through (cmap_handle_t and
 * corosync_cfg_handle_t, without corosync's headers): opened on first
 * use, kept by their owner (a session, a quorum), 0 while not open.
 */
struct nodesrc {
	uint64_t	 cmap;
	uint64_t	 cfg;
};

void	 nodesrc_info(struct nodesrc *, uint32_t, struct nodeinfo *);
void	 nodesrc_close(struct nodesrc *);

/* node_ids: a list of node ids and names, as ids */
enum {
	NODES_OK = 0,
	NODES_BAD = -1,
	NODES_UNKNOWN = -2,
	NODES_BADID = -3,
};
int	 node_ids(const char *, uint32_t *, size_t, size_t *, char *, size_t);

#endif
