/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * votequorum's views, followed: the verdict for lock, the whole view for
 * quorum, watch --quorum and top. quorum.c alone calls libvotequorum.
 */

#ifndef QUORUM_H
#define QUORUM_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct loop;
struct nodeinfo;
struct quorum;
struct qview;
struct runopts;

/*
 * votequorum's verdict on this node's partition, as it changes: quorate,
 * and complete (every configured node is a member)
 */
/* quorate, every configured node in, and the ring (NODEID, SEQ) it is for */
typedef void	 quorum_fn(void *, int, int, uint32_t, uint64_t);
int	 quorum_open(struct loop *, quorum_fn *, void *, struct quorum **);
/* the same in two halves: the connection is made in between */
int	 quorum_open_start(struct loop *, quorum_fn *, void *,
	    struct quorum **);
int	 quorum_open_finish(struct quorum *);
/* the whole view, as corosync-quorumtool -s shows it; NULL: lost */
typedef void	 quorum_view_fn(void *, const struct qview *);
int	 quorum_follow(struct loop *, const struct runopts *,
	    quorum_view_fn *, void *, struct quorum **);
void	 quorum_nodeinfo(struct quorum *, uint32_t, struct nodeinfo *);
void	 quorum_cluster(struct quorum *, char *, size_t);
void	 quorum_close(struct quorum *);

#endif
