/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libcpg layer: one session per group (libcpg allows one join per
 * handle), each a descriptor in the command's loop; and the other
 * corosync libraries (cmap, cfg, quorum), all called from sess.c alone.
 */

#ifndef SESS_H
#define SESS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct loop;
struct nodeinfo;
struct quorum;
struct runopts;
struct sess;

/*
 * The most bytes a session queues before sess_send refuses: about a
 * quarter of a second of a cluster's throughput with large messages
 * (some 72 MB/s on the test cluster at 1 MB). A pump never gets near it:
 * it stops at the first queued message. A command that sends without
 * one (lock's protocol, a reply per request) and gets there outruns
 * corosync for good, and only memory would grow. A single larger
 * message is taken when the queue is empty: then corosync's own limit
 * (MSG_MAX) is the one that counts.
 */
#define SESS_QUEUE_MAX	(16 * 1024 * 1024)

/* The command's side of a session. */
struct sess_hooks {
	/* an event arrived */
	void	(*event)(void *, struct sess *, const struct event *);
	/*
	 * the send queue is empty again, having held something: a pump
	 * that stopped reading while it held anything reads again
	 */
	void	(*drained)(void *, struct sess *);
	/*
	 * the connection to corosync is gone (said) and will not come
	 * back: the command decides how to end; without this hook the
	 * loop stops with ST_CONN
	 */
	void	(*lost)(void *, struct sess *);
	/*
	 * the session takes part in the lock (cmd/lock.c); every other
	 * member says in a lock's group that it does not (lockq.c,
	 * Bystanders), so that no newcomer waits for it to answer
	 */
	int	 lock;
};

int	 sess_open(struct loop *, const struct cpg_name *, int,
	    const struct runopts *, const struct sess_hooks *, void *,
	    struct sess **);
int	 sess_finish(struct loop *, int);
void	 sess_untimed(struct sess *);
int	 sess_leave(struct sess *, int);
int	 sess_send(struct sess *, const void *, size_t);
size_t	 sess_queued(const struct sess *);
uint64_t sess_sent(const struct sess *);
uint64_t sess_unconfirmed(const struct sess *);
uint64_t sess_confirmed(const struct sess *);
uint32_t sess_nodeid(const struct sess *);

int	 sess_membership(struct sess *, const struct cpg_name *,
	    struct cpg_address *, int *);
int	 sess_group_cmp(const struct cpg_name *, const struct cpg_name *);
int	 sess_groups(struct sess *, void (*)(void *, const struct cpg_name *,
	    uint32_t, uint32_t), void *);
int	 sess_nodeinfo(struct sess *, uint32_t, struct nodeinfo *);

/* sess_nodes: a list of node ids and names, as ids */
enum {
	NODES_OK = 0,
	NODES_BAD = -1,
	NODES_UNKNOWN = -2,
	NODES_BADID = -3,
};
int	 sess_nodes(const char *, uint32_t *, size_t, size_t *, char *,
	    size_t);

/*
 * votequorum's verdict on this node's partition, as it changes: quorate,
 * and complete (every configured node is a member)
 */
/* quorate, every configured node in, and the ring (NODEID, SEQ) it is for */
typedef void	 quorum_fn(void *, int, int, uint32_t, uint64_t);
int	 quorum_open(struct loop *, quorum_fn *, void *, struct quorum **);
/* the whole view, as corosync-quorumtool -s shows it; NULL: lost */
struct qview;
typedef void	 quorum_view_fn(void *, const struct qview *);
int	 quorum_follow(struct loop *, const struct runopts *,
	    quorum_view_fn *, void *, struct quorum **);
void	 quorum_nodeinfo(struct quorum *, uint32_t, struct nodeinfo *);
void	 quorum_cluster(struct quorum *, char *, size_t);
void	 quorum_close(struct quorum *);

#endif
