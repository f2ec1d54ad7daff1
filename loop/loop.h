/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event loop: file descriptors, timers, child processes and the
 * signals that end a command. It knows nothing of CPG; sess.c registers
 * its handles' descriptors here like any other.
 */

#ifndef LOOP_H
#define LOOP_H

#include <sys/types.h>

#include <stdint.h>

#define MSEC		1000000LL	/* in nanoseconds */
#define SEC		1000000000LL

struct loop;

typedef void	 loop_fd_fn(struct loop *, void *, short);
typedef void	 loop_timer_fn(struct loop *, void *);
typedef void	 loop_child_fn(struct loop *, void *, pid_t, int);
typedef void	 loop_signal_fn(struct loop *, void *, int);
typedef int	 loop_busy_fn(void *);

/* A timer lives in its owner's struct; the loop only links to it. */
struct timer {
	int64_t		 at;		/* loop_now() time; 0: not armed */
	loop_timer_fn	*fn;
	void		*arg;
	struct timer	*next;
	struct loop	*loop;
};

/* A growing pause between retries, for CS_ERR_TRY_AGAIN and the like. */
struct backoff {
	int64_t		 cur;
	int64_t		 min;
	int64_t		 max;
};

int64_t	 loop_now(void);
struct loop *loop_new(void);
void	 loop_free(struct loop *);

int	 loop_fd(struct loop *, int, short, loop_fd_fn *, void *);
void	 loop_fd_events(struct loop *, int, short);
void	 loop_fd_del(struct loop *, int);

void	 timer_init(struct loop *, struct timer *, loop_timer_fn *, void *);
void	 timer_in(struct timer *, int64_t);
void	 timer_stop(struct timer *);
void	 timer_del(struct timer *);

int	 loop_child(struct loop *, pid_t, loop_child_fn *, void *);
void	 loop_child_del(struct loop *, pid_t);
void	 loop_on_signal(struct loop *, loop_signal_fn *, void *);
void	 loop_on_busy(struct loop *, loop_busy_fn *, void *);
void	 loop_on_prepare(struct loop *, loop_timer_fn *, void *);
void	 loop_set_data(struct loop *, void *);
void	*loop_data(const struct loop *);
int	 loop_busy(struct loop *);
void	 loop_deadline(struct loop *, double);

int	 loop_run(struct loop *);
void	 loop_stop(struct loop *, int);
int	 loop_done(const struct loop *);
int	 loop_nap(struct loop *, int64_t);
void	 loop_child_signals(void);

int64_t	 backoff_next(struct backoff *);
void	 backoff_reset(struct backoff *);

#endif
