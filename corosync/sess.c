/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CPG session: libcpg (connecting, joining, sending, leaving).
 * Beside it in the corosync layer, grouplist.c lists every group's
 * members on a session's handle, nodeinfo.c reads node names and
 * addresses (libcmap, libcfg) and quorum.c follows votequorum; cs.c
 * names corosync's errors for all four.
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

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <corosync/cpg.h>

#include "addr.h"
#include "cs.h"
#include "enc.h"
#include "event.h"
#include "grouplist.h"
#include "lockq.h"
#include "loop.h"
#include "nodeinfo.h"
#include "opt.h"
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
	struct grouplist *gl;		/* sess_groups' lister, or NULL */
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
	struct nodesrc	 ns;		/* --names: cmap, cfg */
};

/*
 * Whose cpg_dispatch is running: libcpg's callbacks are told only the
 * handle, and this spares a locked lookup (cpg_context_get) per event.
 * Set and cleared around each dispatch, so it is no state between them.
 */
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
	int stuck = grouplist_stuck(s->gl);

	nodesrc_close(&s->ns);
	/* a stuck lister still waits inside libcpg on the handle */
	grouplist_free(s->gl);
	s->gl = NULL;
	if (s->fd >= 0) {
		loop_fd_del(s->loop, s->fd);
		if (!stuck)
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

static int
by_group_seq(const void *a, const void *b)
{
	const struct gmember *x = a, *y = b;
	int c;

	if ((c = sess_group_cmp(&x->group, &y->group)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Every member of every group, as corosync-cpgtool lists them: *mp (the
 * caller frees it) sorted by group name, each group's members in
 * corosync's order.
 */
int
sess_groups(struct sess *s, struct gmember **mp, size_t *np)
{
	int st;

	*mp = NULL;
	*np = 0;
	if (s->gl == NULL && (s->gl = grouplist_new(s->h)) == NULL)
		return ST_FAIL;
	if ((st = grouplist_run(s->gl, mp, np)) == ST_OK && *np > 1)
		qsort(*mp, *np, sizeof(**mp), by_group_seq);
	return st;
}

/* A node's name and addresses from corosync's configuration. */
int
sess_nodeinfo(struct sess *s, uint32_t nodeid, struct nodeinfo *ni)
{
	nodesrc_info(&s->ns, nodeid, ni);
	return ST_OK;
}
