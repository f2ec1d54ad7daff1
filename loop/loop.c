/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event loop: one ppoll(2) over the descriptors commands and sessions
 * register, the earliest armed timer as its timeout, child processes
 * through pidfds (or SIGCHLD where there are none), and SIGINT, SIGTERM
 * and SIGHUP.
 *
 * Those signals are blocked except inside ppoll, so one can never slip in
 * between checking the flag and sleeping, and no library call is
 * interrupted half way. Callbacks may add and remove descriptors, timers
 * and children; nothing registered is ever freed by the loop itself.
 */

#include <sys/syscall.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "status.h"

struct watch {
	int		 fd;
	short		 events;
	int		 gone;		/* removed during a dispatch */
	loop_fd_fn	*fn;
	void		*arg;
	/* for a child: its pid, and the callback with the wait status */
	pid_t		 pid;
	loop_child_fn	*cfn;
};

struct loop {
	struct watch	*w;
	size_t		 nw;
	size_t		 cap;
	struct pollfd	*pfd;
	struct timer	*timers;
	loop_signal_fn	*sig_fn;
	void		*sig_arg;
	loop_busy_fn	*busy_fn;
	void		*busy_arg;
	loop_timer_fn	*prep_fn;
	void		*prep_arg;
	void		*data;		/* loop_set_data's */
	int64_t		 deadline;
	double		 timeout;
	int		 done;
	int		 status;
	int		 running;	/* dispatching: removals are deferred */
};

static volatile sig_atomic_t caught;
static volatile sig_atomic_t child_ended;	/* SIGCHLD, without pidfds */
static sigset_t pollmask;	/* the mask while waiting: signals let in */

int64_t
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static void
on_signal(int sig)
{
	caught = sig;
}

static void
signals_setup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int done;
	struct sigaction sa;
	sigset_t block;
	size_t i;

	if (done++)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, &pollmask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(&pollmask, sigs[i]);
}

static void
on_sigchld(int sig)
{
	(void)sig;
	child_ended = 1;
}

/*
 * No pidfds (Linux before 5.3, valgrind): SIGCHLD, blocked like the
 * others except while waiting, and when it comes every child is looked
 * at with WNOHANG. A child that ended before the handler was there is
 * found by the first look, which this asks for.
 */
static void
sigchld_setup(void)
{
	static int done;
	struct sigaction sa;
	sigset_t block;

	child_ended = 1;
	if (done++)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigdelset(&pollmask, SIGCHLD);
}

/* The signals as a child should start with them: as cpgtool found them. */
void
loop_child_signals(void)
{
	sigset_t none;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		warn("loop");
		return NULL;
	}
	signals_setup();
	return l;
}

void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nw; i++)
		if (l->w[i].cfn != NULL && !l->w[i].gone && l->w[i].fd >= 0)
			close(l->w[i].fd);
	free(l->w);
	free(l->pfd);
	free(l);
}

static struct watch *
find(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i].fd == fd && !l->w[i].gone)
			return &l->w[i];
	return NULL;
}

static struct watch *
add(struct loop *l, int fd)
{
	struct watch *w;
	struct pollfd *p;
	size_t cap;

	if (l->nw == l->cap) {
		cap = l->cap ? l->cap * 2 : 8;
		if ((w = reallocarray(l->w, cap, sizeof(*w))) == NULL)
			return NULL;
		l->w = w;
		if ((p = reallocarray(l->pfd, cap, sizeof(*p))) == NULL)
			return NULL;
		l->pfd = p;
		l->cap = cap;
	}
	w = &l->w[l->nw++];
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	return w;
}

/* Watch fd for events (0: only errors), or change what is watched. */
int
loop_fd(struct loop *l, int fd, short events, loop_fd_fn *fn, void *arg)
{
	struct watch *w;

	if ((w = find(l, fd)) == NULL && (w = add(l, fd)) == NULL) {
		warn("loop");
		return ST_FAIL;
	}
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	return ST_OK;
}

void
loop_fd_events(struct loop *l, int fd, short events)
{
	struct watch *w;

	if ((w = find(l, fd)) != NULL)
		w->events = events;
}

static void
compact(struct loop *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->nw; i++)
		if (!l->w[i].gone)
			l->w[n++] = l->w[i];
	l->nw = n;
}

void
loop_fd_del(struct loop *l, int fd)
{
	struct watch *w;

	if ((w = find(l, fd)) == NULL)
		return;
	w->gone = 1;
	if (!l->running)
		compact(l);
}

void
timer_init(struct loop *l, struct timer *t, loop_timer_fn *fn, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
	t->loop = l;
	t->next = l->timers;
	l->timers = t;
}

/* Arm (or re-arm) t to fire in ns nanoseconds. */
void
timer_in(struct timer *t, int64_t ns)
{
	t->at = loop_now() + (ns > 0 ? ns : 0);
	if (t->at == 0)
		t->at = 1;
}

void
timer_stop(struct timer *t)
{
	t->at = 0;
}

/*
 * Unlink t from its loop: its owner is about to be freed. Safe from a
 * timer's callback (run_timers starts over after each), and for a timer
 * never initialised (all zero) or already removed.
 */
void
timer_del(struct timer *t)
{
	struct timer **pp;

	if (t->loop == NULL)
		return;
	for (pp = &t->loop->timers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->at = 0;
	t->loop = NULL;
	t->next = NULL;
}

/*
 * Watch a child: fn gets its wait status once it has ended (-1 if
 * waitpid failed, with errno saying why). A pidfd
 * makes the child one more descriptor; without one (fd -1, which poll
 * skips) SIGCHLD says when to look.
 */
int
loop_child(struct loop *l, pid_t pid, loop_child_fn *fn, void *arg)
{
	struct watch *w;
	int fd;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		if (errno != ENOSYS) {
			warn("pidfd_open");
			return ST_FAIL;
		}
		sigchld_setup();
	}
	if ((w = add(l, fd)) == NULL) {
		warn("loop");
		close(fd);
		return ST_FAIL;
	}
	w->events = POLLIN;
	w->pid = pid;
	w->cfn = fn;
	w->arg = arg;
	return ST_OK;
}

/*
 * Stop watching a child that is no longer of interest (it was killed and
 * is reaped by its owner); its pidfd is closed.
 */
void
loop_child_del(struct loop *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < l->nw; i++) {
		if (l->w[i].cfn == NULL || l->w[i].pid != pid || l->w[i].gone)
			continue;
		l->w[i].gone = 1;
		if (l->w[i].fd >= 0)
			close(l->w[i].fd);
		break;
	}
	if (!l->running)
		compact(l);
}

/* Signals go to fn instead of ending the loop (lock passes them on). */
void
loop_on_signal(struct loop *l, loop_signal_fn *fn, void *arg)
{
	l->sig_fn = fn;
	l->sig_arg = arg;
}

/*
 * fn says when the loop should come round before reading more: a
 * session dispatching a backlog asks, so output cannot pile up unwritten.
 */
void
loop_on_busy(struct loop *l, loop_busy_fn *fn, void *arg)
{
	l->busy_fn = fn;
	l->busy_arg = arg;
}

/* fn runs before every wait: the output layer writes what is buffered. */
void
loop_on_prepare(struct loop *l, loop_timer_fn *fn, void *arg)
{
	l->prep_fn = fn;
	l->prep_arg = arg;
}

/*
 * One pointer kept with the loop for the layer above it that has state
 * per loop rather than per object (sess.c: its sessions, to end them
 * all). The loop never looks at it; its owner frees it.
 */
void
loop_set_data(struct loop *l, void *data)
{
	l->data = data;
}

void *
loop_data(const struct loop *l)
{
	return l->data;
}

int
loop_busy(struct loop *l)
{
	return l->done || (l->busy_fn != NULL && l->busy_fn(l->busy_arg));
}

/* End the loop with ST_TIMEOUT after seconds (0: never). */
void
loop_deadline(struct loop *l, double seconds)
{
	l->timeout = seconds;
	l->deadline = seconds > 0 ? loop_now() + (int64_t)(seconds * SEC) : 0;
}

void
loop_stop(struct loop *l, int status)
{
	if (!l->done)
		l->status = status;
	l->done = 1;
}

int
loop_done(const struct loop *l)
{
	return l->done;
}

static int
signal_status(void)
{
	return caught ? ST_SIGNAL + caught : 0;
}

/*
 * Sleep outside the loop (connecting, retrying before there is anything
 * to poll), unless a signal or the deadline ends the wait: its status.
 */
int
loop_nap(struct loop *l, int64_t ns)
{
	struct timespec ts;
	int64_t left;

	if (l->deadline) {
		if ((left = l->deadline - loop_now()) <= 0) {
			warnx("timed out after %g seconds", l->timeout);
			return ST_TIMEOUT;
		}
		if (ns > left)
			ns = left;
	}
	ts.tv_sec = ns / SEC;
	ts.tv_nsec = ns % SEC;
	ppoll(NULL, 0, &ts, &pollmask);
	return signal_status();
}

static struct timespec *
poll_timeout(struct loop *l, struct timespec *ts)
{
	struct timer *t;
	int64_t at = l->deadline, now;

	for (t = l->timers; t != NULL; t = t->next)
		if (t->at && (!at || t->at < at))
			at = t->at;
	if (!at)
		return NULL;
	now = loop_now();
	at = at > now ? at - now : 0;
	ts->tv_sec = at / SEC;
	ts->tv_nsec = at % SEC;
	return ts;
}

static void
run_timers(struct loop *l)
{
	struct timer *t;
	int64_t now = loop_now();
	int again;

	if (l->deadline && now >= l->deadline) {
		warnx("timed out after %g seconds", l->timeout);
		loop_stop(l, ST_TIMEOUT);
		return;
	}
	/* a callback may arm or stop others: start over after each */
	do {
		again = 0;
		for (t = l->timers; t != NULL && !l->done; t = t->next) {
			if (!t->at || t->at > now)
				continue;
			t->at = 0;
			t->fn(l, t->arg);
			again = 1;
			break;
		}
	} while (again && !l->done);
}

static void
reap(struct loop *l, struct watch *w)
{
	int status, e;
	pid_t r;

	do
		r = waitpid(w->pid, &status, WNOHANG);
	while (r == -1 && errno == EINTR);
	if (r == 0)
		return;
	e = errno;
	w->gone = 1;
	if (w->fd >= 0)
		close(w->fd);
	/* -1: waitpid failed, errno says why */
	errno = e;
	w->cfn(l, w->arg, w->pid, r == -1 ? -1 : status);
}

/* SIGCHLD came: look at every child that has no pidfd. */
static void
reap_all(struct loop *l)
{
	size_t i;

	child_ended = 0;
	l->running = 1;
	for (i = 0; i < l->nw && !l->done; i++)
		if (l->w[i].cfn != NULL && l->w[i].fd < 0 && !l->w[i].gone)
			reap(l, &l->w[i]);
	l->running = 0;
	compact(l);
}

static void
take_signal(struct loop *l)
{
	int sig = caught;

	caught = 0;
	if (l->sig_fn != NULL)
		l->sig_fn(l, l->sig_arg, sig);
	else
		loop_stop(l, ST_SIGNAL + sig);
}

static void
dispatch(struct loop *l, size_t n)
{
	struct watch *w;
	size_t i;

	l->running = 1;
	for (i = 0; i < n && !l->done; i++) {
		w = &l->w[i];
		if (w->gone || l->pfd[i].revents == 0)
			continue;
		if (w->cfn != NULL)
			reap(l, w);
		else if (w->fn != NULL)
			w->fn(l, w->arg, l->pfd[i].revents);
		/* a callback may have grown (moved) the array */
	}
	l->running = 0;
	compact(l);
}

/* Serve everything registered until loop_stop; the status it was given. */
int
loop_run(struct loop *l)
{
	struct timespec ts, *tp;
	size_t i, n;

	while (!l->done) {
		/*
		 * Before sleeping: a child may have ended before SIGCHLD
		 * had a handler, and its signal was lost.
		 */
		if (child_ended)
			reap_all(l);
		if (l->done)
			break;
		run_timers(l);
		if (!l->done && l->prep_fn != NULL)
			l->prep_fn(l, l->prep_arg);
		if (l->done)
			break;
		n = l->nw;
		for (i = 0; i < n; i++) {
			l->pfd[i].fd = l->w[i].fd;
			l->pfd[i].events = l->w[i].events;
			l->pfd[i].revents = 0;
		}
		tp = poll_timeout(l, &ts);
		if (ppoll(l->pfd, n, tp, &pollmask) == -1 && errno != EINTR) {
			warn("poll");
			loop_stop(l, ST_FAIL);
			break;
		}
		if (caught) {
			take_signal(l);
			if (l->done)
				break;
		}
		dispatch(l, n);
	}
	return l->status;
}

int64_t
backoff_next(struct backoff *b)
{
	b->cur = b->cur ? b->cur * 2 : b->min;
	if (b->cur > b->max)
		b->cur = b->max;
	return b->cur;
}

void
backoff_reset(struct backoff *b)
{
	b->cur = 0;
}
