/*
 * The only file that calls libcpg (and libcmap, libcfg): connecting,
 * joining, retrying, the event loop, leaving.
 *
 * libcpg allows one cpg_join per handle, so a command that follows several
 * groups holds one session (handle) per group, and one loop polls them all.
 * CS_ERR_TRY_AGAIN is never a failure here: it is retried with a backoff,
 * and a send held back by flow control is retried by the loop, which keeps
 * dispatching meanwhile.
 */

#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/cfg.h>
#include <corosync/cmap.h>
#include <corosync/cpg.h>

#include "cpgtool.h"
#include "sess.h"

#define MS		1000000LL
#define SEC		1000000000LL
#define BACKOFF_MIN	(MS / 4)
#define BACKOFF_MAX	(50 * MS)
#define LEAVE_WAIT	(2 * SEC)
#define RECONNECT_EVERY	(200 * MS)
#define DISPATCH_BATCH	(16 * 1024)
#define DISPATCH_MAX	1024

struct sess {
	struct loop	*loop;
	cpg_handle_t	 h;
	struct cpg_name	 group;
	int		 fd;		/* -1 while not connected */
	int		 join;		/* a member, not just an observer */
	int		 left;		/* our own leave came back */
	uint32_t	 nodeid;
	uint32_t	 pid;
	uint64_t	 sent;
	uint64_t	 back;		/* own messages delivered back */
	cmap_handle_t	 cmap;
	corosync_cfg_handle_t cfg;
};

static volatile sig_atomic_t caught;
static sigset_t pollmask;	/* the mask while waiting: signals let in */

static const char *const cs_names[] = {
	[CS_OK] = "CS_OK",
	[CS_ERR_LIBRARY] = "CS_ERR_LIBRARY",
	[CS_ERR_VERSION] = "CS_ERR_VERSION",
	[CS_ERR_INIT] = "CS_ERR_INIT",
	[CS_ERR_TIMEOUT] = "CS_ERR_TIMEOUT",
	[CS_ERR_TRY_AGAIN] = "CS_ERR_TRY_AGAIN",
	[CS_ERR_INVALID_PARAM] = "CS_ERR_INVALID_PARAM",
	[CS_ERR_NO_MEMORY] = "CS_ERR_NO_MEMORY",
	[CS_ERR_BAD_HANDLE] = "CS_ERR_BAD_HANDLE",
	[CS_ERR_BUSY] = "CS_ERR_BUSY",
	[CS_ERR_ACCESS] = "CS_ERR_ACCESS",
	[CS_ERR_NOT_EXIST] = "CS_ERR_NOT_EXIST",
	[CS_ERR_NAME_TOO_LONG] = "CS_ERR_NAME_TOO_LONG",
	[CS_ERR_EXIST] = "CS_ERR_EXIST",
	[CS_ERR_NO_SPACE] = "CS_ERR_NO_SPACE",
	[CS_ERR_INTERRUPT] = "CS_ERR_INTERRUPT",
	[CS_ERR_NAME_NOT_FOUND] = "CS_ERR_NAME_NOT_FOUND",
	[CS_ERR_NO_RESOURCES] = "CS_ERR_NO_RESOURCES",
	[CS_ERR_NOT_SUPPORTED] = "CS_ERR_NOT_SUPPORTED",
	[CS_ERR_BAD_OPERATION] = "CS_ERR_BAD_OPERATION",
	[CS_ERR_FAILED_OPERATION] = "CS_ERR_FAILED_OPERATION",
	[CS_ERR_MESSAGE_ERROR] = "CS_ERR_MESSAGE_ERROR",
	[CS_ERR_QUEUE_FULL] = "CS_ERR_QUEUE_FULL",
	[CS_ERR_QUEUE_NOT_AVAILABLE] = "CS_ERR_QUEUE_NOT_AVAILABLE",
	[CS_ERR_BAD_FLAGS] = "CS_ERR_BAD_FLAGS",
	[CS_ERR_TOO_BIG] = "CS_ERR_TOO_BIG",
	[CS_ERR_NO_SECTIONS] = "CS_ERR_NO_SECTIONS",
	[CS_ERR_CONTEXT_NOT_FOUND] = "CS_ERR_CONTEXT_NOT_FOUND",
	[CS_ERR_TOO_MANY_GROUPS] = "CS_ERR_TOO_MANY_GROUPS",
};

const char *
cs_name(int e)
{
	static char buf[32];

	if (e == CS_ERR_SECURITY)
		return "CS_ERR_SECURITY";
	if (e >= 0 && (size_t)e < sizeof(cs_names) / sizeof(cs_names[0]) &&
	    cs_names[e] != NULL)
		return cs_names[e];
	snprintf(buf, sizeof(buf), "CS_ERR_%d", e);
	return buf;
}

/* Report a libcpg failure in one line and map it to an exit status. */
static int
cs_fail(cs_error_t e, const char *fmt, const char *group)
{
	char what[256];

	snprintf(what, sizeof(what), fmt, group);
	switch (e) {
	case CS_ERR_LIBRARY:
		warnx("%s: %s (is corosync running?)", what, cs_name(e));
		return ST_CONN;
	case CS_ERR_ACCESS:
	case CS_ERR_SECURITY:
		warnx("%s: %s (allow this user with uidgid in corosync.conf, "
		    "see corosync.conf(5))", what, cs_name(e));
		return ST_ACCESS;
	case CS_ERR_BAD_HANDLE:
		warnx("%s: %s (connection to corosync lost)", what,
		    cs_name(e));
		return ST_CONN;
	default:
		warnx("%s: %s", what, cs_name(e));
		return ST_FAIL;
	}
}

static int64_t
now_ns(void)
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

/*
 * The signals that end a command are blocked except while waiting, so a
 * signal can never slip in between checking the flag and sleeping, and no
 * libcpg call is interrupted half way.
 */
static void
signals_setup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	sigset_t block;
	size_t i;

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
	signal(SIGPIPE, SIG_IGN);
}

static int
signal_status(void)
{
	return caught ? ST_SIGNAL + caught : 0;
}

/* Sleep, unless a signal or the deadline ends the wait: its status then. */
static int
nap(struct loop *l, int64_t ns)
{
	struct timespec ts;
	int64_t left;

	if (l->deadline) {
		left = l->deadline - now_ns();
		if (left <= 0)
			return ST_TIMEOUT;
		if (ns > left)
			ns = left;
	}
	ts.tv_sec = ns / SEC;
	ts.tv_nsec = ns % SEC;
	ppoll(NULL, 0, &ts, &pollmask);
	return signal_status();
}

/* The session whose cpg_dispatch is running: its callbacks are for it. */
static struct sess *dispatching;

static struct sess *
sess_of(cpg_handle_t h)
{
	void *p = NULL;

	/* cpg_context_get locks and looks up the handle, for every event */
	if (dispatching != NULL && dispatching->h == h)
		return dispatching;
	cpg_context_get(h, &p);
	return p;
}

static void
emit(struct sess *s, struct event *ev)
{
	struct loop *l = s->loop;

	if (l->done || l->hooks->event == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ev->time);
	ev->self_nodeid = s->nodeid;
	ev->self_pid = s->pid;
	l->hooks->event(l, s, ev);
}

static void
on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
    uint32_t pid, void *msg, size_t len)
{
	struct sess *s = sess_of(h);
	struct event ev = {
		.type = EV_MESSAGE, .group = group, .nodeid = nodeid,
		.pid = pid, .data = msg, .len = len,
	};

	if (s == NULL)
		return;
	if (sess_is_self(s, nodeid, pid)) {
		s->back++;
		/* our message left corosync's queue: a held send may fit now */
		if (s->loop->retry_at)
			loop_wake(s->loop);
	}
	emit(s, &ev);
}

static void
on_confchg(cpg_handle_t h, const struct cpg_name *group,
    const struct cpg_address *members, size_t nmembers,
    const struct cpg_address *left, size_t nleft,
    const struct cpg_address *joined, size_t njoined)
{
	struct sess *s = sess_of(h);
	struct event ev = {
		.type = EV_CONFCHG, .group = group,
		.members = members, .nmembers = nmembers,
		.joined = joined, .njoined = njoined,
		.left = left, .nleft = nleft,
	};
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < nleft; i++)
		if (sess_is_self(s, left[i].nodeid, left[i].pid))
			s->left = 1;
	emit(s, &ev);
}

static void
on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n,
    const uint32_t *nodes)
{
	struct sess *s = sess_of(h);
	struct loop *l;
	struct event ev = {
		.type = EV_TOTEM, .ring = ring, .nodes = nodes, .nnodes = n,
	};

	if (s == NULL)
		return;
	/* Every handle hears of every ring change: say it once. */
	l = s->loop;
	if (l->have_ring && l->ring.nodeid == ring.nodeid &&
	    l->ring.seq == ring.seq)
		return;
	l->ring = ring;
	l->have_ring = 1;
	emit(s, &ev);
}

/*
 * Connect, retrying while corosync is not there yet for up to `wait'
 * nanoseconds (or the command's deadline), and on CS_ERR_TRY_AGAIN.
 * `quiet': the caller retries anyway, so a failure is not news.
 */
static int
sess_connect(struct sess *s, int64_t wait, int quiet)
{
	cpg_model_v1_data_t md = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	int64_t until = now_ns() + wait;
	cs_error_t e;
	int st;

	for (;;) {
		e = cpg_model_initialize(&s->h, CPG_MODEL_V1,
		    (cpg_model_data_t *)&md, s);
		if (e == CS_OK)
			break;
		if (e != CS_ERR_TRY_AGAIN &&
		    (e != CS_ERR_LIBRARY || now_ns() >= until))
			return quiet ? ST_CONN :
			    cs_fail(e, "cannot connect to corosync%s", "");
		if ((st = nap(s->loop, e == CS_ERR_TRY_AGAIN ? MS :
		    100 * MS)) != 0)
			return st;
	}
	if ((e = cpg_fd_get(s->h, &s->fd)) != CS_OK ||
	    (e = cpg_local_get(s->h, &s->nodeid)) != CS_OK) {
		cpg_finalize(s->h);
		s->fd = -1;
		return cs_fail(e, "cannot connect to corosync%s", "");
	}
	return ST_OK;
}

static int
sess_join(struct sess *s)
{
	char name[CPG_MAX_NAME_LENGTH * 4 + 1];
	cs_error_t e;
	int st;

	while ((e = cpg_join(s->h, &s->group)) == CS_ERR_TRY_AGAIN)
		if ((st = nap(s->loop, MS)) != 0)
			return st;
	if (e == CS_OK) {
		s->left = 0;
		return ST_OK;
	}
	out_group_str(&s->group, name, sizeof(name));
	return cs_fail(e, "cannot join '%s'", name);
}

static void
sess_close(struct sess *s)
{
	if (s->cmap)
		cmap_finalize(s->cmap);
	if (s->cfg)
		corosync_cfg_finalize(s->cfg);
	s->cmap = 0;
	s->cfg = 0;
	if (s->fd >= 0)
		cpg_finalize(s->h);
	s->fd = -1;
}

/*
 * Leave, then wait (briefly) for our own leave to come back: every message
 * ordered before it has then been delivered to us, and peers see a LEAVE.
 */
static void
sess_leave(struct sess *s)
{
	char name[CPG_MAX_NAME_LENGTH * 4 + 1];
	int64_t until = now_ns() + LEAVE_WAIT;
	struct pollfd pfd;
	cs_error_t e;

	if (s->fd < 0 || !s->join)
		return;
	while ((e = cpg_leave(s->h, &s->group)) == CS_ERR_TRY_AGAIN &&
	    now_ns() < until)
		poll(NULL, 0, 1);
	if (e != CS_OK) {
		out_group_str(&s->group, name, sizeof(name));
		cs_fail(e, "cannot leave '%s'", name);
		return;
	}
	pfd.fd = s->fd;
	pfd.events = POLLIN;
	while (!s->left && now_ns() < until) {
		if (poll(&pfd, 1, 100) > 0 &&
		    cpg_dispatch(s->h, CS_DISPATCH_ALL) != CS_OK &&
		    !(pfd.revents & POLLIN))
			break;
	}
}

void
loop_init(struct loop *l, const struct hooks *hooks,
    const struct runopts *ro, void *arg)
{
	memset(l, 0, sizeof(*l));
	l->hooks = hooks;
	l->ro = ro;
	l->arg = arg;
	l->in_fd = -1;
	if (ro->timeout > 0)
		l->deadline = now_ns() + (int64_t)(ro->timeout * SEC);
	signals_setup();
}

/* Open a session on `group'; join it unless `join' is 0 (observer). */
int
loop_add(struct loop *l, const struct cpg_name *group, int join,
    struct sess **sp)
{
	struct sess **v;
	struct sess *s;
	int st;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (v = reallocarray(l->sess, l->nsess + 1, sizeof(*v))) == NULL) {
		free(s);
		warn("loop_add");
		return ST_FAIL;
	}
	l->sess = v;
	l->sess[l->nsess++] = s;
	s->loop = l;
	s->fd = -1;
	s->pid = (uint32_t)getpid();
	if (group != NULL)
		s->group = *group;
	s->join = join;
	if (sp != NULL)
		*sp = s;
	if ((st = sess_connect(s, (int64_t)(l->ro->wait_corosync * SEC), 0)))
		return st;
	return join ? sess_join(s) : ST_OK;
}

void
loop_stop(struct loop *l, int status)
{
	if (!l->done)
		l->status = status;
	l->done = 1;
}

/* The next send is held back: retry it after a growing pause. */
void
loop_backoff(struct loop *l)
{
	l->backoff = l->backoff ? l->backoff * 2 : BACKOFF_MIN;
	if (l->backoff > BACKOFF_MAX)
		l->backoff = BACKOFF_MAX;
	l->retry_at = now_ns() + l->backoff;
}

/*
 * corosync went away. Without --reconnect that ends the command; with it,
 * wait for corosync, join again and tell the reader that events were missed.
 */
static int
sess_lost(struct sess *s, cs_error_t e)
{
	struct event ev = { .type = EV_GAP };
	uint64_t lost;
	int st;

	cpg_finalize(s->h);
	s->fd = -1;
	if (!s->loop->ro->reconnect) {
		warnx("lost connection to corosync: %s", cs_name(e));
		return ST_CONN;
	}
	warnx("lost connection to corosync: %s; reconnecting", cs_name(e));
	lost = s->sent - s->back;
	if (lost)
		warnx("%llu message(s) sent before the loss are unconfirmed",
		    (unsigned long long)lost);
	s->sent = s->back = 0;
	for (;;) {
		if ((st = nap(s->loop, RECONNECT_EVERY)) != 0)
			return st;
		if (sess_connect(s, 0, 1) != ST_OK)
			continue;
		if (!s->join || (st = sess_join(s)) == ST_OK)
			break;
		sess_close(s);
	}
	s->loop->have_ring = 0;
	ev.group = &s->group;
	emit(s, &ev);
	return ST_OK;
}

/*
 * Take in events one at a time, not with CS_DISPATCH_ALL: under a steady
 * stream ALL does not return, and all it produces piles up unwritten.
 * After DISPATCH_BATCH bytes of output, or DISPATCH_MAX events, the loop
 * comes round: it writes, and input, timers and signals get their turn.
 */
static int
sess_dispatch(struct sess *s)
{
	cs_error_t e;
	int n = 0;

	dispatching = s;
	do
		e = cpg_dispatch(s->h, CS_DISPATCH_ONE_NONBLOCKING);
	while ((e == CS_OK || e == CS_ERR_INTERRUPT) && !s->loop->done &&
	    ++n < DISPATCH_MAX && out_pending() < DISPATCH_BATCH);
	dispatching = NULL;
	/* TRY_AGAIN: nothing (more) queued */
	if (e == CS_OK || e == CS_ERR_INTERRUPT || e == CS_ERR_TRY_AGAIN)
		return ST_OK;
	return sess_lost(s, e);
}

static int
poll_timeout(struct loop *l, struct timespec *ts)
{
	int64_t t = 0, now = now_ns();

	if (l->deadline)
		t = l->deadline;
	if (l->retry_at && (!t || l->retry_at < t))
		t = l->retry_at;
	if (l->next_tick && (!t || l->next_tick < t))
		t = l->next_tick;
	if (!t)
		return 0;
	t = t > now ? t - now : 0;
	ts->tv_sec = t / SEC;
	ts->tv_nsec = t % SEC;
	return 1;
}

static void
loop_timers(struct loop *l, int input)
{
	int64_t now = now_ns();

	if (l->deadline && now >= l->deadline) {
		warnx("timed out after %g seconds", l->ro->timeout);
		loop_stop(l, ST_TIMEOUT);
		return;
	}
	if (l->hooks->pump && (input || (l->retry_at && now >= l->retry_at))) {
		l->retry_at = 0;
		l->in_ready = input;
		l->hooks->pump(l);
		if (!l->retry_at)
			l->backoff = 0;
	}
	if (l->hooks->tick && l->next_tick && now >= l->next_tick) {
		l->next_tick = now + (int64_t)(l->tick_s * SEC);
		l->hooks->tick(l);
	}
}

static void
loop_output(struct loop *l)
{
	if (out_flush() == -1) {
		/* the reader went away: a quiet, successful end */
		if (out_broken()) {
			loop_stop(l, ST_OK);
			return;
		}
		warn("write");
		loop_stop(l, ST_FAIL);
		return;
	}
	if (out_pending() > l->ro->max_backlog) {
		warnx("output backlog over %zu bytes: the reader is too slow; "
		    "leaving", l->ro->max_backlog);
		out_drop();
		loop_stop(l, ST_FAIL);
	}
}

int
loop_run(struct loop *l)
{
	struct pollfd *pfd;
	struct timespec ts;
	size_t i, n, in_i = 0, out_i;
	int st;

	if ((pfd = calloc(l->nsess + 2, sizeof(*pfd))) == NULL)
		err(ST_FAIL, "loop_run");
	if (l->hooks->tick)
		l->next_tick = now_ns();
	if (l->hooks->pump && l->in_fd < 0)
		l->retry_at = now_ns();
	while (!l->done) {
		loop_output(l);
		if (l->done)
			break;
		for (n = 0; n < l->nsess; n++) {
			pfd[n].fd = l->sess[n]->fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
		}
		if (l->in_fd >= 0 && l->want_input) {
			in_i = n;
			pfd[n++] = (struct pollfd){ l->in_fd, POLLIN, 0 };
		}
		/* POLLERR on stdout: the reader is gone, even while idle */
		out_i = n;
		pfd[n++] = (struct pollfd){ STDOUT_FILENO,
		    out_pending() ? POLLOUT : 0, 0 };
		if (ppoll(pfd, n, poll_timeout(l, &ts) ? &ts : NULL,
		    &pollmask) == -1 && errno != EINTR)
			err(ST_FAIL, "poll");
		if ((st = signal_status()) != 0) {
			loop_stop(l, st);
			break;
		}
		if (pfd[out_i].revents & (POLLERR | POLLHUP)) {
			loop_stop(l, ST_OK);
			out_drop();
			break;
		}
		for (i = 0; i < l->nsess && !l->done; i++)
			if (pfd[i].revents && (st = sess_dispatch(l->sess[i])))
				loop_stop(l, st);
		if (!l->done)
			loop_timers(l, in_i && in_i < n && pfd[in_i].revents);
		in_i = 0;
	}
	free(pfd);
	return l->status;
}

/* Run the pump (again) as soon as the loop comes round. */
void
loop_wake(struct loop *l)
{
	l->retry_at = now_ns();
}

/*
 * Leave every group, close every session, write out what is buffered:
 * the first failure, `st' or the loop's, is the exit status.
 */
int
loop_finish(struct loop *l, int st)
{
	size_t i;
	int ost;

	l->done = 1;
	if (st == ST_OK)
		st = l->status;
	for (i = 0; i < l->nsess; i++)
		sess_leave(l->sess[i]);
	for (i = 0; i < l->nsess; i++) {
		sess_close(l->sess[i]);
		free(l->sess[i]);
	}
	free(l->sess);
	l->sess = NULL;
	l->nsess = 0;
	ost = out_stop();
	return st ? st : ost;
}

/* Multicast one message: ST_OK, SESS_AGAIN under flow control, or fail. */
int
sess_send(struct sess *s, const void *buf, size_t len, const char *unit,
    unsigned long n)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	char name[CPG_MAX_NAME_LENGTH * 4 + 1];
	cs_error_t e;

	if (len > MSG_MAX) {
		out_group_str(&s->group, name, sizeof(name));
		warnx("cannot send %s %lu (%zu bytes) to '%s': over corosync's "
		    "limit of %zu bytes", unit, n, len, name, MSG_MAX);
		return ST_FAIL;
	}
	e = cpg_mcast_joined(s->h, CPG_TYPE_AGREED, &iov, 1);
	if (e == CS_OK) {
		s->sent++;
		return ST_OK;
	}
	if (e == CS_ERR_TRY_AGAIN)
		return SESS_AGAIN;
	out_group_str(&s->group, name, sizeof(name));
	warnx("cannot send %s %lu (%zu bytes) to '%s': %s", unit, n, len,
	    name, cs_name(e));
	return e == CS_ERR_LIBRARY || e == CS_ERR_BAD_HANDLE ? ST_CONN :
	    ST_FAIL;
}

/*
 * Send one message for a pump: 1 sent; 0 held back by flow control (the
 * loop stops reading input and calls the pump again after a backoff);
 * -1 failed, the loop is stopped with its status.
 */
int
loop_send(struct loop *l, struct sess *s, const void *buf, size_t len,
    const char *unit, unsigned long n)
{
	int st;

	if ((st = sess_send(s, buf, len, unit, n)) == ST_OK)
		return 1;
	if (st == SESS_AGAIN) {
		l->want_input = 0;
		loop_backoff(l);
		return 0;
	}
	loop_stop(l, st);
	return -1;
}

uint64_t
sess_sent(const struct sess *s)
{
	return s->sent;
}

uint64_t
sess_unconfirmed(const struct sess *s)
{
	return s->sent - s->back;
}

uint64_t
sess_confirmed(const struct sess *s)
{
	return s->back;
}

int
sess_is_self(const struct sess *s, uint32_t nodeid, uint32_t pid)
{
	return nodeid == s->nodeid && pid == s->pid;
}

const struct cpg_name *
sess_group(const struct sess *s)
{
	return &s->group;
}

uint32_t
sess_nodeid(const struct sess *s)
{
	return s->nodeid;
}

/* The members of any group, without joining it. */
int
sess_membership(struct sess *s, const struct cpg_name *group,
    struct cpg_address *list, int *n)
{
	char name[CPG_MAX_NAME_LENGTH * 4 + 1];
	struct cpg_name g = *group;
	int max = *n, st;
	cs_error_t e;

	for (;;) {
		*n = max;
		e = cpg_membership_get(s->h, &g, list, n);
		if (e != CS_ERR_TRY_AGAIN)
			break;
		if ((st = nap(s->loop, MS)) != 0)
			return st;
	}
	if (e == CS_OK)
		return ST_OK;
	out_group_str(group, name, sizeof(name));
	return cs_fail(e, "cannot get the members of '%s'", name);
}

/* Every member of every group, as corosync-cpgtool lists them. */
int
sess_groups(struct sess *s, void (*fn)(void *, const struct cpg_name *,
    uint32_t, uint32_t), void *arg)
{
	struct cpg_iteration_description_t d;
	cpg_iteration_handle_t it;
	cs_error_t e;
	int st;

	while ((e = cpg_iteration_initialize(s->h, CPG_ITERATION_ALL, NULL,
	    &it)) == CS_ERR_TRY_AGAIN)
		if ((st = nap(s->loop, MS)) != 0)
			return st;
	if (e != CS_OK)
		return cs_fail(e, "cannot list groups%s", "");
	while ((e = cpg_iteration_next(it, &d)) == CS_OK)
		fn(arg, &d.group, d.nodeid, d.pid);
	cpg_iteration_finalize(it);
	if (e != CS_ERR_NO_SECTIONS)
		return cs_fail(e, "cannot list groups%s", "");
	return ST_OK;
}

static void
node_name(struct sess *s, uint32_t nodeid, struct nodeinfo *ni)
{
	char key[64], *str;
	uint32_t id;
	int i;

	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(s->cmap, key, &id) != CS_OK)
			return;
		if (id != nodeid)
			continue;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(s->cmap, key, &str) != CS_OK) {
			snprintf(key, sizeof(key),
			    "nodelist.node.%d.ring0_addr", i);
			if (cmap_get_string(s->cmap, key, &str) != CS_OK)
				return;
		}
		snprintf(ni->name, sizeof(ni->name), "%s", str);
		free(str);
		return;
	}
}

static void
node_addrs(struct sess *s, uint32_t nodeid, struct nodeinfo *ni)
{
	corosync_cfg_node_address_t addrs[8];
	char host[NI_MAXHOST];
	size_t len = 0;
	socklen_t sl;
	int i, n = 0;

	if (corosync_cfg_get_node_addrs(s->cfg, nodeid, 8, &n, addrs) !=
	    CS_OK)
		return;
	for (i = 0; i < n && i < 8; i++) {
		struct sockaddr *sa = (struct sockaddr *)addrs[i].address;

		sl = sa->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (getnameinfo(sa, sl, host, sizeof(host), NULL, 0,
		    NI_NUMERICHOST) != 0)
			continue;
		len += snprintf(ni->addrs + len, sizeof(ni->addrs) - len,
		    "%s%s", len ? "," : "", host);
		if (len >= sizeof(ni->addrs))
			break;
	}
}

/* A node's name and addresses from corosync's configuration. */
int
sess_nodeinfo(struct sess *s, uint32_t nodeid, struct nodeinfo *ni)
{
	memset(ni, 0, sizeof(*ni));
	ni->nodeid = nodeid;
	if (s->cmap == 0 && cmap_initialize(&s->cmap) != CS_OK)
		s->cmap = 0;
	if (s->cfg == 0 && corosync_cfg_initialize(&s->cfg, NULL) != CS_OK)
		s->cfg = 0;
	if (s->cmap)
		node_name(s, nodeid, ni);
	if (s->cfg)
		node_addrs(s, nodeid, ni);
	return ST_OK;
}
