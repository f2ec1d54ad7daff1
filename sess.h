/*
 * The libcpg layer: one session per group (libcpg allows one join per
 * handle), each a descriptor in the command's loop; and the other
 * corosync libraries (cmap, cfg, quorum), all called from sess.c alone.
 */

#ifndef SESS_H
#define SESS_H

#include "cpgtool.h"
#include "loop.h"

struct sess;
struct quorum;

/* The command's side of a session. */
struct sess_hooks {
	/* an event arrived */
	void	(*event)(void *, struct sess *, const struct event *);
	/* a send held back by flow control may go through now */
	void	(*writable)(void *, struct sess *);
	/*
	 * the connection to corosync is gone (said) and will not come
	 * back: the command decides how to end; without this hook the
	 * loop stops with ST_CONN
	 */
	void	(*lost)(void *, struct sess *);
};

int	 sess_open(struct loop *, const struct cpg_name *, int,
	    const struct runopts *, const struct sess_hooks *, void *,
	    struct sess **);
int	 sess_finish(int);
int	 sess_leave(struct sess *, int);
int	 sess_send(struct sess *, const void *, size_t, const char *,
	    unsigned long, int *);
uint64_t sess_sent(const struct sess *);
uint64_t sess_unconfirmed(const struct sess *);
uint64_t sess_confirmed(const struct sess *);
uint32_t sess_nodeid(const struct sess *);

int	 sess_membership(struct sess *, const struct cpg_name *,
	    struct cpg_address *, int *);
int	 sess_groups(struct sess *, void (*)(void *, const struct cpg_name *,
	    uint32_t, uint32_t), void *);
int	 sess_nodeinfo(struct sess *, uint32_t, struct nodeinfo *);

/*
 * votequorum's verdict on this node's partition, as it changes: quorate,
 * and complete (every configured node is a member)
 */
int	 quorum_open(struct loop *, void (*)(void *, int, int), void *,
	    struct quorum **);
int	 quorum_follow(struct loop *, const struct runopts *,
	    void (*)(void *, const struct qview *), void *, struct quorum **);
void	 quorum_nodeinfo(struct quorum *, uint32_t, struct nodeinfo *);
void	 quorum_close(struct quorum *);

#endif
