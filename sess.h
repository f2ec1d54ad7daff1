/*
 * The libcpg layer: one session per group (libcpg allows one join per
 * handle), and one event loop that serves every session of a command.
 */

#ifndef SESS_H
#define SESS_H

#include "cpgtool.h"

struct sess;
struct loop;

/* The command's side of the loop. */
struct hooks {
	/* an event arrived on a session */
	void	(*event)(struct loop *, struct sess *, const struct event *);
	/* input is readable, or a send held back by flow control is due */
	void	(*pump)(struct loop *);
	/* every tick_s seconds */
	void	(*tick)(struct loop *);
};

struct loop {
	const struct hooks	*hooks;
	const struct runopts	*ro;
	void			*arg;
	int			 in_fd;		/* polled while want_input */
	int			 want_input;
	int			 in_ready;	/* in_fd polled readable */
	double			 tick_s;
	/* state owned by sess.c */
	struct sess		**sess;
	size_t			 nsess;
	int64_t			 deadline;
	int64_t			 retry_at;
	int64_t			 backoff;
	int64_t			 next_tick;
	struct cpg_ring_id	 ring;		/* the last ring change told */
	int			 have_ring;
	int			 done;
	int			 status;
};

/* Returned by sess_send when libcpg asks to try again later. */
#define SESS_AGAIN	(-1)

void	 loop_init(struct loop *, const struct hooks *, const struct runopts *,
	    void *);
int	 loop_add(struct loop *, const struct cpg_name *, int,
	    struct sess **);
int	 loop_run(struct loop *);
void	 loop_stop(struct loop *, int);
void	 loop_backoff(struct loop *);
void	 loop_wake(struct loop *);
int	 loop_finish(struct loop *, int);
int	 loop_send(struct loop *, struct sess *, const void *, size_t,
	    const char *, unsigned long);

int	 sess_send(struct sess *, const void *, size_t, const char *,
	    unsigned long);
uint64_t sess_sent(const struct sess *);
uint64_t sess_unconfirmed(const struct sess *);
uint64_t sess_confirmed(const struct sess *);
int	 sess_is_self(const struct sess *, uint32_t, uint32_t);
const struct cpg_name *sess_group(const struct sess *);
uint32_t sess_nodeid(const struct sess *);

int	 sess_membership(struct sess *, const struct cpg_name *,
	    struct cpg_address *, int *);
int	 sess_groups(struct sess *, void (*)(void *, const struct cpg_name *,
	    uint32_t, uint32_t), void *);
int	 sess_nodeinfo(struct sess *, uint32_t, struct nodeinfo *);

const char *cs_name(int);

#endif
