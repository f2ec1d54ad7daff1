/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The only file that calls corosync's libraries: libcpg (connecting,
 * joining, sending, leaving), libcmap and libcfg (node names and
 * addresses), libvotequorum (whether this node's partition is quorate,
 * and whether every configured node is in it).
 *
 * libcpg allows one cpg_join per handle, so a command that follows several
 * groups holds one session (handle) per group; each handle's descriptor is
 * served by the command's loop. CS_ERR_TRY_AGAIN is never a failure here:
 * it is retried after a pause.
 *
 * Sending: each session owns a queue of what corosync did not take yet.
 * sess_send hands a message to corosync at once when nothing is queued
 * (no copy); if flow control holds it back (CS_ERR_TRY_AGAIN), or a
 * membership change cut a fragmented one short (CS_ERR_INTERRUPT:
 * corosync dropped it, nobody is delivered it), a copy is queued and the
 * whole message goes again: after a growing pause, or as soon as an own
 * message comes back (it left corosync's queue, so another may fit).
 * Messages go in the order they were given. The owner hears `drained'
 * when the queue is empty again; a pump stops reading while anything is
 * queued, so the queue rarely holds more than one message.
 */

#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/cfg.h>
#include <corosync/cmap.h>
#include <corosync/cpg.h>
#include <corosync/votequorum.h>

#include "addr.h"
#include "enc.h"
#include "event.h"
#include "lockq.h"
#include "loop.h"
#include "opt.h"
#include "qview.h"
#include "sess.h"
#include "status.h"

#define LEAVE_WAIT	(2 * SEC)
#define RECONNECT_EVERY	(200 * MSEC)
#define DISPATCH_MAX	1024

/* A message corosync has not taken yet. */
struct qmsg {
	struct qmsg	*next;
	size_t		 len;
	char		 data[];
};

/*
 * The sessions of one loop, kept with it (loop_data): sess_finish ends
 * them all, and a ring change that every handle hears is told once.
 */
struct sessions {
	struct sess	*all;
	struct cpg_ring_id last_ring;	/* the last ring change told */
	int		 have_ring;
};

struct sess {
	struct loop	*loop;
	struct sessions	*set;
	const struct runopts *ro;
	const struct sess_hooks *hooks;
	void		*arg;
	struct sess	*next;		/* every session, for sess_finish */
	cpg_handle_t	 h;
	struct cpg_name	 group;
	int		 fd;		/* -1 while not connected */
	int		 join;		/* a member, not just an observer */
	int		 left;		/* our own leave came back */
	int		 leaving;	/* cpg_leave called */
	int		 untimed;	/* events without their time */
	struct lq_bystander by;		/* in a lock's group, not the lock */
	uint64_t	 words;		/* ... our words, sent or queued */
	uint64_t	 words_back;	/* ... and delivered back */
	struct cpgt_addr me;
	uint64_t	 sent;		/* taken by corosync */
	uint64_t	 back;		/* own messages delivered back */
	struct qmsg	*qhead;		/* not taken yet, oldest first */
	struct qmsg	**qtail;
	size_t		 queued;	/* their bytes */
	uint64_t	 nqueued;	/* their number */
	int64_t		 lost_at;	/* reconnecting since */
	struct timer	 retry;		/* the queue's next try */
	struct timer	 reconnect;	/* the connection's next try */
	struct backoff	 bo;
	cmap_handle_t	 cmap;
	corosync_cfg_handle_t cfg;
};

struct quorum {
	struct loop	*loop;
	votequorum_handle_t h;
	int		 inited;
	int		 told;		/* the first notification came */
	int		 ringed;	/* ... and the first ring */
	int		 quorate;
	int		 complete;
	int		 listed;	/* every node listed is a member */
	int		 unsafe;	/* said: the settings are refused */
	votequorum_ring_id_t ring;	/* the ring the next verdict is for */
	int		 fd;		/* -1 until watched */
	quorum_fn	*fn;
	void		*arg;
	/* following views (quorum_follow): the latest notifications */
	quorum_view_fn	*vfn;
	struct qview	*view;
	int		 changed;	/* since the view was last told */
	uint32_t	 nstates;
	votequorum_node_t states[QNODES_MAX];
	cmap_handle_t	 cmap;
	corosync_cfg_handle_t cfg;
};

/*
 * Whose cpg_dispatch is running: libcpg's callbacks are told only the
 * handle, and this spares a locked lookup (cpg_context_get) per event.
 * Set and cleared around each dispatch, so it is no state between them.
 */
static struct sess *dispatching;

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

static const char *
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
static int __attribute__((format(printf, 2, 3)))
cs_fail(cs_error_t e, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
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
	if (loop_done(s->loop) || s->hooks->event == NULL)
		return;
	if (!s->untimed)
		clock_gettime(CLOCK_REALTIME, &ev->time);
	ev->self_nodeid = s->me.nodeid;
	ev->self_pid = s->me.pid;
	s->hooks->event(s->arg, s, ev);
}

static const char *
group_str(const struct sess *s, char *buf, size_t size)
{
	return enc_group_str(&s->group, buf, size);
}

static int
send_failed(struct sess *s, cs_error_t e, size_t len)
{
	char name[GROUP_STR_MAX];

	return cs_fail(e, "cannot send a message of %zu bytes to '%s'", len,
	    group_str(s, name, sizeof(name)));
}

/*
 * Multicast one message: CS_OK, or TRY_AGAIN and INTERRUPT for "queue
 * it, send it again whole", or a failure.
 */
static cs_error_t
mcast(struct sess *s, const void *buf, size_t len)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	cs_error_t e;

	e = cpg_mcast_joined(s->h, CPG_TYPE_AGREED, &iov, 1);
	if (e == CS_OK) {
		s->sent++;
		backoff_reset(&s->bo);
	}
	return e;
}

/*
 * Send what is queued, oldest first, until corosync holds one back (then
 * try again after a pause) or the queue is empty (then tell the owner).
 */
static void
flush(struct sess *s)
{
	struct qmsg *m;
	cs_error_t e;

	timer_stop(&s->retry);
	if (s->fd < 0 || s->qhead == NULL || loop_done(s->loop))
		return;
	while ((m = s->qhead) != NULL) {
		e = mcast(s, m->data, m->len);
		if (e == CS_ERR_TRY_AGAIN || e == CS_ERR_INTERRUPT) {
			timer_in(&s->retry, backoff_next(&s->bo));
			return;
		}
		if (e != CS_OK) {
			loop_stop(s->loop, send_failed(s, e, m->len));
			return;
		}
		s->qhead = m->next;
		s->queued -= m->len;
		s->nqueued--;
		free(m);
	}
	s->qtail = &s->qhead;
	if (s->hooks->drained != NULL && !loop_done(s->loop))
		s->hooks->drained(s->arg, s);
}

static void
queue_free(struct sess *s)
{
	struct qmsg *m;

	while ((m = s->qhead) != NULL) {
		s->qhead = m->next;
		free(m);
	}
	s->qtail = &s->qhead;
	s->queued = 0;
	s->nqueued = 0;
}

/*
 * A member that takes no part in the lock says so in a lock's group, so
 * that no newcomer waits for it (lockq.c, Bystanders). Best effort:
 * unsaid, a newcomer only waits longer. Not counted as the command's.
 */
static void
bystander(struct sess *s, const void *msg, size_t len, int own)
{
	static const char word[] = LQ_BYSTANDER_MSG;
	int was = s->by.sent;

	if (s->hooks->lock || !s->join || s->leaving || s->left)
		return;
	if (!lq_by_message(&s->by, msg, len, own)) {
		if (own && was && !s->by.sent)
			s->words_back++;
		return;
	}
	if (loop_done(s->loop) || s->queued + sizeof(word) > SESS_QUEUE_MAX ||
	    sess_send(s, word, sizeof(word) - 1) != ST_OK) {
		s->by.sent = 0;
		return;
	}
	s->words++;
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
	if (addr_eq(ADDR(nodeid, pid), s->me))
		s->back++;
	emit(s, &ev);
	bystander(s, msg, len, addr_eq(ADDR(nodeid, pid), s->me));
	/* our message left corosync's queue: a queued one may fit now */
	if (s->qhead != NULL && addr_eq(ADDR(nodeid, pid), s->me))
		flush(s);
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
		if (addr_eq(ADDR_OF(&left[i]), s->me))
			s->left = 1;
	for (i = 0; i < njoined; i++)
		if (!addr_eq(ADDR_OF(&joined[i]), s->me))
			lq_by_confchg(&s->by, 1);
	emit(s, &ev);
}

static void
on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n,
    const uint32_t *nodes)
{
	struct sess *s = sess_of(h);
	struct event ev = {
		.type = EV_TOTEM, .ring = ring, .nodes = nodes, .nnodes = n,
	};

	if (s == NULL)
		return;
	/* Every handle hears of every ring change: say it once. */
	if (s->set->have_ring && s->set->last_ring.nodeid == ring.nodeid &&
	    s->set->last_ring.seq == ring.seq)
		return;
	s->set->last_ring = ring;
	s->set->have_ring = 1;
	emit(s, &ev);
}

static void sess_readable(struct loop *, void *, short);

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
	int64_t until = loop_now() + wait;
	cs_error_t e;
	int st;

	for (;;) {
		e = cpg_model_initialize(&s->h, CPG_MODEL_V1,
		    (cpg_model_data_t *)&md, s);
		if (e == CS_OK)
			break;
		if (e != CS_ERR_TRY_AGAIN &&
		    (e != CS_ERR_LIBRARY || loop_now() >= until))
			return quiet ? ST_CONN :
			    cs_fail(e, "cannot connect to corosync");
		if ((st = loop_nap(s->loop, e == CS_ERR_TRY_AGAIN ? MSEC :
		    100 * MSEC)) != 0)
			return st;
	}
	if ((e = cpg_fd_get(s->h, &s->fd)) != CS_OK ||
	    (e = cpg_local_get(s->h, &s->me.nodeid)) != CS_OK) {
		cpg_finalize(s->h);
		s->fd = -1;
		return quiet ? ST_CONN :
		    cs_fail(e, "cannot connect to corosync");
	}
	if (loop_fd(s->loop, s->fd, POLLIN, sess_readable, s) != ST_OK) {
		cpg_finalize(s->h);
		s->fd = -1;
		return ST_FAIL;
	}
	return ST_OK;
}

static int
sess_join(struct sess *s, int quiet)
{
	char name[GROUP_STR_MAX];
	cs_error_t e;
	int st;

	while ((e = cpg_join(s->h, &s->group)) == CS_ERR_TRY_AGAIN)
		if ((st = loop_nap(s->loop, MSEC)) != 0)
			return st;
	if (e == CS_OK) {
		s->left = 0;
		memset(&s->by, 0, sizeof(s->by));
		return ST_OK;
	}
	if (quiet)
		return ST_CONN;
	enc_group_str(&s->group, name, sizeof(name));
	return cs_fail(e, "cannot join '%s'", name);
}

/* Close the connection; the session stays, to connect again or be freed. */
static void
sess_close(struct sess *s)
{
	if (s->cmap)
		cmap_finalize(s->cmap);
	if (s->cfg)
		corosync_cfg_finalize(s->cfg);
	s->cmap = 0;
	s->cfg = 0;
	if (s->fd >= 0) {
		loop_fd_del(s->loop, s->fd);
		cpg_finalize(s->h);
	}
	s->fd = -1;
	timer_stop(&s->retry);
}

/* Close it and take its timers off the loop, which may live on. */
static void
sess_free(struct sess *s)
{
	sess_close(s);
	timer_del(&s->retry);
	timer_del(&s->reconnect);
	queue_free(s);
	free(s);
}

/*
 * Leave; with `wait', wait (briefly) for our own leave to come back: every
 * message ordered before it has then been delivered to us. Peers see a
 * LEAVE either way: once corosync has sent it, closing the connection
 * adds no PROCDOWN.
 */
int
sess_leave(struct sess *s, int wait)
{
	char name[GROUP_STR_MAX];
	int64_t until = loop_now() + LEAVE_WAIT;
	struct pollfd pfd;
	cs_error_t e;

	if (s->fd < 0 || !s->join || s->left)
		return ST_OK;
	s->leaving = 1;
	while ((e = cpg_leave(s->h, &s->group)) == CS_ERR_TRY_AGAIN &&
	    loop_now() < until)
		poll(NULL, 0, 1);
	if (e != CS_OK) {
		enc_group_str(&s->group, name, sizeof(name));
		return cs_fail(e, "cannot leave '%s'", name);
	}
	pfd.fd = s->fd;
	pfd.events = POLLIN;
	dispatching = s;
	while (wait && !s->left && loop_now() < until) {
		if (poll(&pfd, 1, 100) > 0 &&
		    cpg_dispatch(s->h, CS_DISPATCH_ALL) != CS_OK &&
		    !(pfd.revents & POLLIN))
			break;
	}
	dispatching = NULL;
	s->join = 0;
	return ST_OK;
}

static void on_retry(struct loop *, void *);
static void on_reconnect(struct loop *, void *);

/*
 * Open a session on `group' and join it, unless `join' is 0 (an observer,
 * which only asks about memberships).
 */
int
sess_open(struct loop *l, const struct cpg_name *group, int join,
    const struct runopts *ro, const struct sess_hooks *hooks, void *arg,
    struct sess **sp)
{
	struct sessions *set = loop_data(l);
	struct sess *s;
	int st;

	if (set == NULL && (set = calloc(1, sizeof(*set))) != NULL)
		loop_set_data(l, set);
	if (set == NULL || (s = calloc(1, sizeof(*s))) == NULL) {
		warn("session");
		return ST_FAIL;
	}
	s->loop = l;
	s->set = set;
	s->ro = ro;
	s->hooks = hooks;
	s->arg = arg;
	s->fd = -1;
	s->me.pid = (uint32_t)getpid();
	s->bo = (struct backoff){ .min = MSEC / 4, .max = 50 * MSEC };
	if (group != NULL)
		s->group = *group;
	s->join = join;
	s->qtail = &s->qhead;
	timer_init(l, &s->retry, on_retry, s);
	timer_init(l, &s->reconnect, on_reconnect, s);
	s->next = set->all;
	set->all = s;
	*sp = s;
	if ((st = sess_connect(s, (int64_t)(ro->wait_corosync * SEC), 0)))
		return st;
	return join ? sess_join(s, 0) : ST_OK;
}

/*
 * Leave every group, close every session of the loop: the first
 * failure, `st' or a leave's, is the exit status. Every way out of a
 * command ends here, so peers see a LEAVE and not a PROCDOWN.
 */
int
sess_finish(struct loop *l, int st)
{
	struct sessions *set = loop_data(l);
	struct sess *s;
	int lst;

	if (set == NULL)
		return st;
	for (s = set->all; s != NULL; s = s->next)
		if ((lst = sess_leave(s, 1)) != ST_OK && st == ST_OK)
			st = lst;
	while ((s = set->all) != NULL) {
		set->all = s->next;
		sess_free(s);
	}
	free(set);
	loop_set_data(l, NULL);
	return st;
}

static void
reconnected(struct sess *s)
{
	struct event ev = { .type = EV_GAP };

	warnx("connected to corosync again after %.1f seconds",
	    (double)(loop_now() - s->lost_at) / SEC);
	s->set->have_ring = 0;
	ev.group = &s->group;
	emit(s, &ev);
	/* what was queued while away goes now */
	flush(s);
}

/* The queue's pause is over: corosync may take its head now. */
static void
on_retry(struct loop *l, void *arg)
{
	(void)l;
	flush(arg);
}

/* Time to try corosync again. */
static void
on_reconnect(struct loop *l, void *arg)
{
	struct sess *s = arg;

	if (sess_connect(s, 0, 1) == ST_OK) {
		if (!s->join || sess_join(s, 1) == ST_OK) {
			reconnected(s);
			return;
		}
		sess_close(s);
	}
	if (!loop_done(l))
		timer_in(&s->reconnect, RECONNECT_EVERY);
}

/*
 * corosync went away. Without --reconnect that ends the command; with it,
 * try again every RECONNECT_EVERY, saying so once, and tell the reader
 * with a gap event that events were missed.
 */
static int
sess_lost(struct sess *s, cs_error_t e)
{
	uint64_t lost;

	loop_fd_del(s->loop, s->fd);
	cpg_finalize(s->h);
	s->fd = -1;
	timer_stop(&s->retry);
	if (!s->ro->reconnect) {
		warnx("lost connection to corosync: %s", cs_name(e));
		if (s->hooks->lost == NULL)
			return ST_CONN;
		s->hooks->lost(s->arg, s);
		return ST_OK;
	}
	warnx("lost connection to corosync: %s; reconnecting", cs_name(e));
	lost = s->sent - s->back;
	if (lost)
		warnx("%llu message(s) sent before the loss are unconfirmed",
		    (unsigned long long)lost);
	s->sent = s->back = 0;
	s->lost_at = loop_now();
	timer_in(&s->reconnect, RECONNECT_EVERY);
	return ST_OK;
}

/*
 * The command shows no event's time: its events come without it (a
 * clock read an event, about a tenth of what the rest of one costs).
 */
void
sess_untimed(struct sess *s)
{
	s->untimed = 1;
}

/*
 * Take in events one at a time, not with CS_DISPATCH_ALL: under a steady
 * stream ALL does not return, and all it produces piles up unwritten.
 * Once the loop is busy (output to write) or after DISPATCH_MAX events,
 * the loop comes round: it writes, and the rest gets its turn.
 */
static void
sess_readable(struct loop *l, void *arg, short revents)
{
	struct sess *s = arg;
	cs_error_t e;
	int n = 0, st;

	(void)revents;
	dispatching = s;
	do
		e = cpg_dispatch(s->h, CS_DISPATCH_ONE_NONBLOCKING);
	while ((e == CS_OK || e == CS_ERR_INTERRUPT) && ++n < DISPATCH_MAX &&
	    !loop_busy(l));
	dispatching = NULL;
	/* TRY_AGAIN: nothing (more) queued */
	if (e == CS_OK || e == CS_ERR_INTERRUPT || e == CS_ERR_TRY_AGAIN)
		return;
	if ((st = sess_lost(s, e)) != ST_OK)
		loop_stop(l, st);
}

/*
 * Multicast a message, now or (queued, copied) as soon as corosync takes
 * it: ST_OK. Refused, said, with ST_FAIL when it would take the queue
 * over SESS_QUEUE_MAX (a message alone in the queue may be larger), or
 * over corosync's limit; a failure of corosync's, said, its status.
 */
int
sess_send(struct sess *s, const void *buf, size_t len)
{
	char name[GROUP_STR_MAX];
	struct qmsg *m;
	cs_error_t e;

	if (len > MSG_MAX) {
		warnx("cannot send a message of %zu bytes to '%s': over "
		    "corosync's limit of %zu bytes", len,
		    group_str(s, name, sizeof(name)), MSG_MAX);
		return ST_FAIL;
	}
	if (s->qhead == NULL && s->fd >= 0) {
		e = mcast(s, buf, len);
		if (e == CS_OK)
			return ST_OK;
		if (e != CS_ERR_TRY_AGAIN && e != CS_ERR_INTERRUPT)
			return send_failed(s, e, len);
		timer_in(&s->retry, backoff_next(&s->bo));
	} else if (s->qhead != NULL && (s->queued >= SESS_QUEUE_MAX ||
	    len > SESS_QUEUE_MAX - s->queued)) {
		/* one message over the bound may wait alone, no more */
		warnx("cannot send a message of %zu bytes to '%s': %zu bytes "
		    "wait for corosync already", len,
		    group_str(s, name, sizeof(name)), s->queued);
		return ST_FAIL;
	}
	if ((m = malloc(sizeof(*m) + len)) == NULL) {
		warn("cannot send a message of %zu bytes to '%s'", len,
		    group_str(s, name, sizeof(name)));
		return ST_FAIL;
	}
	m->next = NULL;
	m->len = len;
	memcpy(m->data, buf, len);
	*s->qtail = m;
	s->qtail = &m->next;
	s->queued += len;
	s->nqueued++;
	return ST_OK;
}

/* Bytes given to sess_send that corosync has not taken yet. */
size_t
sess_queued(const struct sess *s)
{
	return s->queued;
}

/* Messages given to sess_send, taken by corosync or queued. */
uint64_t
sess_sent(const struct sess *s)
{
	return s->sent + s->nqueued - s->words;
}

/* ... not yet delivered back to us: queued ones count. */
uint64_t
sess_unconfirmed(const struct sess *s)
{
	return s->sent + s->nqueued - s->back;
}

uint64_t
sess_confirmed(const struct sess *s)
{
	return s->back - s->words_back;
}

uint32_t
sess_nodeid(const struct sess *s)
{
	return s->me.nodeid;
}

/* The members of any group, without joining it. */
int
sess_membership(struct sess *s, const struct cpg_name *group,
    struct cpg_address *list, int *n)
{
	char name[GROUP_STR_MAX];
	struct cpg_name g = *group;
	int max = *n, st;
	cs_error_t e;

	for (;;) {
		*n = max;
		e = cpg_membership_get(s->h, &g, list, n);
		if (e != CS_ERR_TRY_AGAIN)
			break;
		if ((st = loop_nap(s->loop, MSEC)) != 0)
			return st;
	}
	if (e == CS_OK)
		return ST_OK;
	enc_group_str(group, name, sizeof(name));
	return cs_fail(e, "cannot get the members of '%s'", name);
}

/*
 * Group names in one order: their bytes, then their length (a name is a
 * prefix of a longer one, and "crmd" comes before "crmd\x00").
 */
int
sess_group_cmp(const struct cpg_name *x, const struct cpg_name *y)
{
	uint32_t n = x->length < y->length ? x->length : y->length;
	int c;

	if ((c = memcmp(x->value, y->value, n)) != 0)
		return c;
	return x->length < y->length ? -1 : x->length > y->length;
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
		if ((st = loop_nap(s->loop, MSEC)) != 0)
			return st;
	if (e != CS_OK)
		return cs_fail(e, "cannot list groups");
	while ((e = cpg_iteration_next(it, &d)) == CS_OK)
		fn(arg, &d.group, d.nodeid, d.pid);
	cpg_iteration_finalize(it);
	if (e != CS_ERR_NO_SECTIONS)
		return cs_fail(e, "cannot list groups");
	return ST_OK;
}

static void
node_name(cmap_handle_t cmap, uint32_t nodeid, struct nodeinfo *ni)
{
	char key[64], *str;
	uint32_t id;
	int i;

	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			return;
		if (id != nodeid)
			continue;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(cmap, key, &str) != CS_OK) {
			snprintf(key, sizeof(key),
			    "nodelist.node.%d.ring0_addr", i);
			if (cmap_get_string(cmap, key, &str) != CS_OK)
				return;
		}
		snprintf(ni->name, sizeof(ni->name), "%s", str);
		free(str);
		return;
	}
}

static void
node_addrs(corosync_cfg_handle_t cfg, uint32_t nodeid, struct nodeinfo *ni)
{
	corosync_cfg_node_address_t addrs[8];
	char host[NI_MAXHOST];
	size_t len = 0;
	socklen_t sl;
	int i, n = 0;

	if (corosync_cfg_get_node_addrs(cfg, nodeid, 8, &n, addrs) != CS_OK)
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

/*
 * A node's name and addresses from corosync's configuration, through
 * cmap and cfg handles opened on first use (0: not open, or not there).
 */
static void
nodeinfo(cmap_handle_t *cmap, corosync_cfg_handle_t *cfg, uint32_t nodeid,
    struct nodeinfo *ni)
{
	memset(ni, 0, sizeof(*ni));
	ni->nodeid = nodeid;
	if (*cmap == 0 && cmap_initialize(cmap) != CS_OK)
		*cmap = 0;
	if (*cfg == 0 && corosync_cfg_initialize(cfg, NULL) != CS_OK)
		*cfg = 0;
	if (*cmap)
		node_name(*cmap, nodeid, ni);
	if (*cfg)
		node_addrs(*cfg, nodeid, ni);
}

/* A node's name and addresses from corosync's configuration. */
int
sess_nodeinfo(struct sess *s, uint32_t nodeid, struct nodeinfo *ni)
{
	nodeinfo(&s->cmap, &s->cfg, nodeid, ni);
	return ST_OK;
}

/*
 * The id of the node corosync's nodelist names `name' (as node_name
 * finds names: name, else ring0_addr), or 0.
 */
static uint32_t
node_named(cmap_handle_t cmap, const char *name)
{
	char key[64], *str;
	uint32_t id, found = 0;
	int i;

	for (i = 0; i < 1024 && found == 0; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(cmap, key, &str) != CS_OK) {
			snprintf(key, sizeof(key),
			    "nodelist.node.%d.ring0_addr", i);
			if (cmap_get_string(cmap, key, &str) != CS_OK)
				continue;
		}
		if (strcmp(str, name) == 0)
			found = id;
		free(str);
	}
	return found;
}

/*
 * A list of nodes, "1,node2": each word of digits a node id, any other a
 * node's name as corosync's nodelist gives it (as --names prints it);
 * into ids, each once, at most max. corosync is asked only if a name is
 * given. NODES_OK; NODES_BAD for a list that is not one (an empty word,
 * more than max); NODES_BADID for a word of digits that is no node id
 * (0, past UINT32_MAX: opt.c's number parser) and NODES_UNKNOWN for a
 * name not in the nodelist, both copied into word; or an ST_* status,
 * said, if corosync cannot be asked.
 */
int
sess_nodes(const char *arg, uint32_t *ids, size_t max, size_t *n,
    char *word, size_t wsize)
{
	cmap_handle_t cmap = 0;
	const char *p, *end;
	uint32_t id;
	cs_error_t e;
	size_t i, len;
	int st = NODES_OK;

	*n = 0;
	for (p = arg; st == NODES_OK; p = end + 1) {
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		if (len == 0 || len >= wsize || *n == max) {
			st = NODES_BAD;
			break;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		if (strspn(word, "0123456789") == len) {
			if (opt_nodeid(word, &id) == -1) {
				st = NODES_BADID;
				break;
			}
		} else {
			if (cmap == 0 &&
			    (e = cmap_initialize(&cmap)) != CS_OK) {
				cmap = 0;
				st = cs_fail(e, "cannot connect to corosync");
				break;
			}
			if ((id = node_named(cmap, word)) == 0) {
				st = NODES_UNKNOWN;
				break;
			}
		}
		for (i = 0; i < *n && ids[i] != id; i++)
			;
		if (i == *n)
			ids[(*n)++] = id;
		if (*end == '\0')
			break;
	}
	if (cmap)
		cmap_finalize(cmap);
	return st;
}

static void
on_quorum(votequorum_handle_t h, uint64_t ctx, uint32_t quorate,
    uint32_t n, votequorum_node_t *nodes)
{
	struct quorum *q = (struct quorum *)(uintptr_t)ctx;
	uint32_t i;

	(void)h;
	q->told = 1;
	if (q->view != NULL) {
		/* put together once the dispatch is over: see tell_view */
		q->view->quorate = quorate != 0;
		q->nstates = n < QNODES_MAX ? n : QNODES_MAX;
		memcpy(q->states, nodes, q->nstates * sizeof(*nodes));
		q->changed = 1;
		return;
	}
	/* votequorum lists every configured node, the missing ones too */
	for (i = 0; i < n && nodes[i].state == VOTEQUORUM_NODESTATE_MEMBER;
	    i++)
		;
	q->quorate = quorate != 0;
	q->complete = q->listed = i == n;
	/* told once the dispatch is over: see tell_lock */
	q->changed = 1;
}

static int vq_getinfo(struct quorum *, uint32_t, struct votequorum_info *);

/*
 * The votes configured: the nodelist's (1 a node unless quorum_votes
 * says), and a qdevice's. 0 if cmap cannot tell.
 */
static uint32_t
configured_votes(struct quorum *q, const struct votequorum_info *info)
{
	uint32_t id, votes, sum = 0;
	char key[64];
	int i;

	if (q->cmap == 0 && cmap_initialize(&q->cmap) != CS_OK) {
		q->cmap = 0;
		return 0;
	}
	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(q->cmap, key, &id) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%d.quorum_votes", i);
		sum += cmap_get_uint32(q->cmap, key, &votes) == CS_OK ?
		    votes : 1;
	}
	return sum == 0 ? 0 : sum + info->qdevice_votes;
}

/*
 * Does votequorum run with a setting that can leave both sides of a
 * split quorate (qview.c, qv_unsafe)? Said once, when it appears. Read
 * again with every verdict, since a quorum is only ever used through
 * one: every ring change brings one (votequorum's sync), so a setting
 * changed at run time (two_node, expected votes) is seen at the latest
 * with the split that could use it. The configured votes cost a cmap
 * connection: asked only when a quorate verdict has nodes missing, the
 * only time a lowered quorum is in use (with every node in, votequorum
 * keeps the expected votes at least at the votes present).
 */
static int
settings_unsafe(struct quorum *q, const struct votequorum_info *info)
{
	struct qsettings s = {
		.two_node = (info->flags & VOTEQUORUM_INFO_TWONODE) != 0,
		.last_man_standing =
		    (info->flags & VOTEQUORUM_INFO_LAST_MAN_STANDING) != 0,
		.allow_downscale =
		    (info->flags & VOTEQUORUM_INFO_ALLOW_DOWNSCALE) != 0,
		.quorum = info->quorum,
	};
	char why[256];
	int was = q->unsafe;

	if (q->quorate && (!q->listed ||
	    info->total_votes < info->node_expected_votes))
		s.configured = configured_votes(q, info);
	q->unsafe = qv_unsafe(&s, why, sizeof(why));
	if (q->unsafe && !was)
		warnx("%s", why);
	return q->unsafe;
}

/*
 * Is every configured node in? votequorum lists only the nodes it has
 * heard from since it started: a corosync that restarted while one node
 * was away lists the others, all members. The votes say it: those
 * present against those expected (asked outside the dispatch). Under a
 * setting that can leave both sides quorate (settings_unsafe), this
 * node is told inquorate: a holder loses the lock, and nobody here
 * grants it while the setting stays.
 */
static void
tell_figures(struct quorum *q, int e, const struct votequorum_info *info)
{
	q->changed = 0;
	/* without the figures (or a nap cut short), nothing is trusted */
	if (e != CS_OK || settings_unsafe(q, info))
		q->fn(q->arg, 0, 0, q->ring.nodeid, q->ring.seq);
	else
		q->fn(q->arg, q->quorate, q->quorate && q->complete &&
		    info->total_votes >= info->node_expected_votes,
		    q->ring.nodeid, q->ring.seq);
}

static void
tell_lock(struct quorum *q)
{
	struct votequorum_info info;

	tell_figures(q, vq_getinfo(q, VOTEQUORUM_QDEVICE_NODEID, &info),
	    &info);
}

/*
 * votequorum names the ring in its node list, sent while it syncs, before
 * the verdict it sends once synced (exec/votequorum.c): the verdict that
 * follows is for this ring.
 */
static void
on_nodelist(votequorum_handle_t h, uint64_t ctx, votequorum_ring_id_t ring,
    uint32_t n, uint32_t *nodes)
{
	struct quorum *q = (struct quorum *)(uintptr_t)ctx;

	(void)h;
	(void)n;
	(void)nodes;
	q->ring = ring;
	q->ringed = 1;
	if (q->view != NULL) {
		q->view->ring.nodeid = ring.nodeid;
		q->view->ring.seq = ring.seq;
		q->changed = 1;
	}
}

/* Expected votes changed (corosync-quorumtool -e, a node's vote). */
static void
on_expected(votequorum_handle_t h, uint64_t ctx, uint32_t expected)
{
	struct quorum *q = (struct quorum *)(uintptr_t)ctx;

	(void)h;
	(void)expected;
	q->changed = 1;
}

/* votequorum_getinfo, on TRY_AGAIN again: CS_*, or -ST_* from the nap. */
static int
vq_getinfo(struct quorum *q, uint32_t nodeid, struct votequorum_info *info)
{
	cs_error_t e;
	int st;

	while ((e = votequorum_getinfo(q->h, nodeid, info)) ==
	    CS_ERR_TRY_AGAIN)
		if ((st = loop_nap(q->loop, MSEC)) != 0)
			return -st;
	return e;
}

static struct qnode *
view_node(struct qview *v, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].nodeid == nodeid)
			return &v->nodes[i];
	if (v->nnodes == QNODES_MAX)
		return NULL;
	v->nodes[v->nnodes] = (struct qnode){ .nodeid = nodeid,
	    .state = QS_DEAD, .votes = 1 };
	return &v->nodes[v->nnodes++];
}

/*
 * A configured node that this corosync has not heard of since it started
 * is not in votequorum's list: from cmap's nodelist, as dead, with the
 * votes configured for it.
 */
static void
view_configured(struct quorum *q, struct qview *v)
{
	struct qnode *n;
	uint32_t id, votes;
	char key[64];
	size_t had;
	int i;

	if (q->cmap == 0 && cmap_initialize(&q->cmap) != CS_OK) {
		q->cmap = 0;
		return;
	}
	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(q->cmap, key, &id) != CS_OK)
			return;
		had = v->nnodes;
		if ((n = view_node(v, id)) == NULL || v->nnodes == had)
			continue;
		snprintf(key, sizeof(key), "nodelist.node.%d.quorum_votes", i);
		if (cmap_get_uint32(q->cmap, key, &votes) == CS_OK)
			n->votes = votes;
	}
}

static int
by_nodeid(const void *a, const void *b)
{
	const struct qnode *x = a, *y = b;

	return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

/* The latest notifications and votequorum's figures, as one view. */
static int
build_view(struct quorum *q)
{
	struct qview *v = q->view;
	struct votequorum_info info;
	struct qnode *n;
	uint32_t i;
	int e;

	/* node 0 is this node (votequorum's qdevice id stands for it) */
	if ((e = vq_getinfo(q, VOTEQUORUM_QDEVICE_NODEID, &info)) != CS_OK)
		return e < 0 ? -e : cs_fail(e, "cannot get the quorum");
	v->nodeid = info.node_id;
	v->expected = info.node_expected_votes;
	v->highest = info.highest_expected;
	v->total = info.total_votes;
	v->quorum = info.quorum;
	v->nnodes = 0;
	for (i = 0; i < q->nstates; i++) {
		/* a quorum device is not a node */
		if (q->states[i].nodeid == VOTEQUORUM_QDEVICE_NODEID ||
		    (n = view_node(v, q->states[i].nodeid)) == NULL)
			continue;
		n->state = q->states[i].state == VOTEQUORUM_NODESTATE_MEMBER ?
		    QS_MEMBER : q->states[i].state ==
		    VOTEQUORUM_NODESTATE_LEAVING ? QS_LEAVING : QS_DEAD;
		if ((e = vq_getinfo(q, n->nodeid, &info)) == CS_OK)
			n->votes = info.node_votes;
		else if (e < 0)
			return -e;
	}
	view_configured(q, v);
	qsort(v->nodes, v->nnodes, sizeof(v->nodes[0]), by_nodeid);
	return ST_OK;
}

/* After a dispatch: what the notifications said, told as one view. */
static void
tell_view(struct quorum *q)
{
	int st;

	if (!q->changed)
		return;
	q->changed = 0;
	if ((st = build_view(q)) != ST_OK) {
		loop_stop(q->loop, st);
		return;
	}
	q->vfn(q->arg, q->view);
}

static void
quorum_readable(struct loop *l, void *arg, short revents)
{
	struct quorum *q = arg;
	cs_error_t e;

	(void)revents;
	e = votequorum_dispatch(q->h, CS_DISPATCH_ALL);
	if (e == CS_OK || e == CS_ERR_TRY_AGAIN) {
		if (q->view != NULL)
			tell_view(q);
		else if (q->changed)
			tell_lock(q);
		return;
	}
	loop_fd_del(l, q->fd);
	votequorum_finalize(q->h);
	q->fd = -1;
	q->inited = 0;
	if (q->view != NULL) {
		warnx("lost connection to corosync: %s", cs_name(e));
		q->vfn(q->arg, NULL);
		return;
	}
	/* no word from votequorum is no quorum */
	q->fn(q->arg, 0, 0, q->ring.nodeid, q->ring.seq);
}

static struct quorum *
quorum_new(struct loop *l, void *arg, struct quorum **qp)
{
	struct quorum *q;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		warn("quorum");
		return NULL;
	}
	*qp = q;
	q->loop = l;
	q->arg = arg;
	q->fd = -1;
	return q;
}

/*
 * Connect to votequorum and follow it: its current state comes at once,
 * the ring and then the verdict, before this returns. ST_FAIL, said with
 * `hint', if corosync runs no votequorum.
 */
static int
quorum_track(struct quorum *q, const char *hint)
{
	votequorum_callbacks_t cb = {
		.votequorum_quorum_notify_fn = on_quorum,
		.votequorum_nodelist_notify_fn = on_nodelist,
		.votequorum_expectedvotes_notify_fn = on_expected,
	};
	cs_error_t e;
	int fd, st;

	while ((e = votequorum_initialize(&q->h, &cb)) == CS_ERR_TRY_AGAIN)
		if ((st = loop_nap(q->loop, MSEC)) != 0)
			return st;
	if (e == CS_ERR_LIBRARY || e == CS_ERR_NOT_EXIST) {
		warnx("corosync runs no votequorum%s", hint);
		return ST_FAIL;
	}
	if (e != CS_OK)
		return cs_fail(e, "cannot connect to corosync's votequorum");
	q->inited = 1;
	/* the current state comes at once as the first notification */
	if ((e = votequorum_fd_get(q->h, &fd)) != CS_OK ||
	    (e = votequorum_trackstart(q->h, (uint64_t)(uintptr_t)q,
	    CS_TRACK_CURRENT | CS_TRACK_CHANGES)) != CS_OK)
		return cs_fail(e, "cannot follow corosync's quorum");
	while (!q->told || !q->ringed)
		if ((e = votequorum_dispatch(q->h, CS_DISPATCH_ONE)) != CS_OK)
			return cs_fail(e, "cannot follow corosync's quorum");
	if ((st = loop_fd(q->loop, fd, POLLIN, quorum_readable, q)) != ST_OK)
		return st;
	q->fd = fd;
	return ST_OK;
}

/*
 * Follow this node's quorum: fn is called before this returns with the
 * current state, and again on every change. ST_FAIL, said, if corosync
 * runs no votequorum: then nothing could tell a partition from a cluster;
 * ST_UNSAFE, said, if its settings can leave both sides of a split
 * quorate (settings_unsafe).
 */
int
quorum_open(struct loop *l, quorum_fn *fn, void *arg, struct quorum **qp)
{
	struct votequorum_info info;
	struct quorum *q;
	int st;

	if ((q = quorum_new(l, arg, qp)) == NULL)
		return ST_FAIL;
	q->fn = fn;
	if ((st = quorum_track(q, ": a partition cannot be told from the "
	    "cluster (configure it, or use --no-quorum)")) != ST_OK)
		return st;
	/* refused from the start, said by settings_unsafe */
	if ((st = vq_getinfo(q, VOTEQUORUM_QDEVICE_NODEID, &info)) < 0)
		return -st;
	if (st != CS_OK)
		return cs_fail(st, "cannot get the quorum");
	if (settings_unsafe(q, &info))
		return ST_UNSAFE;
	tell_figures(q, CS_OK, &info);
	return ST_OK;
}

/*
 * Follow this node's view of the quorum, as corosync-quorumtool -s shows
 * it: fn gets the current view before this returns, and a new one after
 * each change; NULL, once, if the connection is lost (said). Waits for
 * corosync as ro says. ST_CONN, said, if corosync is not there; ST_FAIL
 * if it runs no votequorum.
 */
int
quorum_follow(struct loop *l, const struct runopts *ro, quorum_view_fn *fn,
    void *arg, struct quorum **qp)
{
	int64_t until = loop_now() + (int64_t)(ro->wait_corosync * SEC);
	struct quorum *q;
	cs_error_t e;
	int st;

	if ((q = quorum_new(l, arg, qp)) == NULL)
		return ST_FAIL;
	q->vfn = fn;
	if ((q->view = calloc(1, sizeof(*q->view))) == NULL) {
		warn("quorum");
		return ST_FAIL;
	}
	/* cmap first: without it, corosync is not there at all */
	while ((e = cmap_initialize(&q->cmap)) != CS_OK) {
		q->cmap = 0;
		if (e != CS_ERR_TRY_AGAIN &&
		    (e != CS_ERR_LIBRARY || loop_now() >= until))
			return cs_fail(e, "cannot connect to corosync");
		if ((st = loop_nap(l, e == CS_ERR_TRY_AGAIN ? MSEC :
		    100 * MSEC)) != 0)
			return st;
	}
	if ((st = quorum_track(q, ": there is no quorum to show")) != ST_OK ||
	    (st = build_view(q)) != ST_OK)
		return st;
	q->changed = 0;
	fn(arg, q->view);
	return ST_OK;
}

/* A node's name and addresses, for a follower of the quorum. */
void
quorum_nodeinfo(struct quorum *q, uint32_t nodeid, struct nodeinfo *ni)
{
	nodeinfo(&q->cmap, &q->cfg, nodeid, ni);
}

/* The cluster's name (totem.cluster_name), or "" if it has none. */
void
quorum_cluster(struct quorum *q, char *buf, size_t size)
{
	char *str;

	buf[0] = '\0';
	if (q->cmap && cmap_get_string(q->cmap, "totem.cluster_name",
	    &str) == CS_OK) {
		snprintf(buf, size, "%s", str);
		free(str);
	}
}

void
quorum_close(struct quorum *q)
{
	if (q == NULL)
		return;
	if (q->fd >= 0)
		loop_fd_del(q->loop, q->fd);
	if (q->inited)
		votequorum_finalize(q->h);
	if (q->cmap)
		cmap_finalize(q->cmap);
	if (q->cfg)
		corosync_cfg_finalize(q->cfg);
	free(q->view);
	free(q);
}
