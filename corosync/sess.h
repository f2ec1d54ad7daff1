/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libcpg layer: one session per group (libcpg allows one join per
 * handle), each a descriptor in the command's loop. corosync's other
 * libraries are called beside it, in nodeinfo.c (cmap, cfg) and
 * quorum.c (votequorum); no file outside these calls any.
 */

#ifndef SESS_H
#define SESS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "grouplist.h"

struct loop;
struct nodeinfo;
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
int	 sess_groups(struct sess *, struct gmember **, size_t *);
int	 sess_nodeinfo(struct sess *, uint32_t, struct nodeinfo *);

#endif
