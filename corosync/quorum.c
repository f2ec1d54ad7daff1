/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * votequorum, followed: this node's verdict for lock (quorum_open:
 * quorate, every configured node in, and the ring it is for), and the
 * whole view as corosync-quorumtool -s shows it, for quorum, watch
 * --quorum and top (quorum_follow). The votes configured and the nodes
 * votequorum has not heard of come from cmap's nodelist; qv_unsafe
 * (qview.c) says which settings can leave both sides of a split quorate.
 */

#include <err.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cmap.h>
#include <corosync/votequorum.h>

#include "cs.h"
#include "event.h"
#include "loop.h"
#include "nodeinfo.h"
#include "opt.h"
#include "quorum.h"
#include "qview.h"
#include "status.h"

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
	struct nodesrc	 ns;		/* cmap (votes, names), cfg */
	/* quorum_open_start: the connection, made by a thread of its own */
	pthread_t	 th;
	int		 th_started;
	int		 th_stage;	/* where it stopped: enum below */
	cs_error_t	 th_e;
	int		 th_fd;
	struct votequorum_info th_info;
};

/* how far the connecting thread got */
enum { TH_INIT, TH_TRACK, TH_INFO, TH_DONE };

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

	if (q->ns.cmap == 0 && cmap_initialize(&q->ns.cmap) != CS_OK) {
		q->ns.cmap = 0;
		return 0;
	}
	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(q->ns.cmap, key, &id) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%d.quorum_votes", i);
		sum += cmap_get_uint32(q->ns.cmap, key, &votes) == CS_OK ?
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

	if (q->ns.cmap == 0 && cmap_initialize(&q->ns.cmap) != CS_OK) {
		q->ns.cmap = 0;
		return;
	}
	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(q->ns.cmap, key, &id) != CS_OK)
			return;
		had = v->nnodes;
		if ((n = view_node(v, id)) == NULL || v->nnodes == had)
			continue;
		snprintf(key, sizeof(key), "nodelist.node.%d.quorum_votes", i);
		if (cmap_get_uint32(q->ns.cmap, key, &votes) == CS_OK)
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

#define NO_VQ_HINT	": a partition cannot be told from the cluster " \
			"(configure it, or use --no-quorum)"
#define TH_TRIES	100	/* TRY_AGAIN, 1 ms apart; then the loop's */

/*
 * The connection to votequorum, its first notification and its figures,
 * in a thread of its own: connecting costs an IPC connection (libqb maps
 * three rings of shared memory), as much as CPG's that the lock makes
 * meanwhile. It touches nothing but q, which nobody else reads until the
 * thread is joined; the callbacks it dispatches write q only.
 */
static void *
connect_vq(void *arg)
{
	votequorum_callbacks_t cb = {
		.votequorum_quorum_notify_fn = on_quorum,
		.votequorum_nodelist_notify_fn = on_nodelist,
		.votequorum_expectedvotes_notify_fn = on_expected,
	};
	struct quorum *q = arg;
	cs_error_t e;
	int n = 0;

	q->th_stage = TH_INIT;
	while (cs_again(e = votequorum_initialize(&q->h, &cb), &n, TH_TRIES))
		;
	if ((q->th_e = e) != CS_OK)
		return NULL;
	q->inited = 1;
	q->th_stage = TH_TRACK;
	if ((q->th_e = votequorum_fd_get(q->h, &q->th_fd)) != CS_OK ||
	    (q->th_e = votequorum_trackstart(q->h, (uint64_t)(uintptr_t)q,
	    CS_TRACK_CURRENT | CS_TRACK_CHANGES)) != CS_OK)
		return NULL;
	while (!q->told || !q->ringed)
		if ((q->th_e = votequorum_dispatch(q->h,
		    CS_DISPATCH_ONE)) != CS_OK)
			return NULL;
	q->th_stage = TH_INFO;
	n = 0;
	while (cs_again(e = votequorum_getinfo(q->h,
	    VOTEQUORUM_QDEVICE_NODEID, &q->th_info), &n, TH_TRIES))
		;
	if ((q->th_e = e) == CS_OK)
		q->th_stage = TH_DONE;
	return NULL;
}

/*
 * Start following this node's quorum: the connection is made meanwhile
 * (connect_vq) and taken up by quorum_open_finish, which must follow.
 */
int
quorum_open_start(struct loop *l, quorum_fn *fn, void *arg,
    struct quorum **qp)
{
	struct quorum *q;

	if ((q = quorum_new(l, arg, qp)) == NULL)
		return ST_FAIL;
	q->fn = fn;
	/* without a thread, quorum_open_finish connects by itself */
	q->th_stage = TH_INIT;
	q->th_e = CS_ERR_TRY_AGAIN;
	if (pthread_create(&q->th, NULL, connect_vq, q) == 0)
		q->th_started = 1;
	return ST_OK;
}

static void
join_vq(struct quorum *q)
{
	if (q->th_started) {
		pthread_join(q->th, NULL);
		q->th_started = 0;
	}
}

/*
 * ... and take it up: fn is called before this returns with the current
 * state, and again on every change. ST_FAIL, said, if corosync runs no
 * votequorum: then nothing could tell a partition from a cluster;
 * ST_UNSAFE, said, if its settings can leave both sides of a split
 * quorate (settings_unsafe).
 */
int
quorum_open_finish(struct quorum *q)
{
	struct votequorum_info info;
	int st;

	join_vq(q);
	if (q->th_stage == TH_INIT) {
		/*
		 * No connection (corosync busy, or up only since, or no
		 * thread): the loop's patient way, which says why it fails
		 */
		if ((st = quorum_track(q, NO_VQ_HINT)) != ST_OK)
			return st;
		q->th_stage = TH_INFO;
	} else if (q->th_stage == TH_TRACK)
		return cs_fail(q->th_e, "cannot follow corosync's quorum");
	else {
		if ((st = loop_fd(q->loop, q->th_fd, POLLIN, quorum_readable,
		    q)) != ST_OK)
			return st;
		q->fd = q->th_fd;
	}
	if (q->th_stage == TH_DONE)
		info = q->th_info;
	else if ((st = vq_getinfo(q, VOTEQUORUM_QDEVICE_NODEID, &info)) < 0)
		return -st;
	else if (st != CS_OK)
		return cs_fail(st, "cannot get the quorum");
	/* refused from the start, said by settings_unsafe */
	if (settings_unsafe(q, &info))
		return ST_UNSAFE;
	tell_figures(q, CS_OK, &info);
	return ST_OK;
}

int
quorum_open(struct loop *l, quorum_fn *fn, void *arg, struct quorum **qp)
{
	int st;

	if ((st = quorum_open_start(l, fn, arg, qp)) != ST_OK)
		return st;
	return quorum_open_finish(*qp);
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
	while ((e = cmap_initialize(&q->ns.cmap)) != CS_OK) {
		q->ns.cmap = 0;
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
	nodesrc_info(&q->ns, nodeid, ni);
}

/* The cluster's name (totem.cluster_name), or "" if it has none. */
void
quorum_cluster(struct quorum *q, char *buf, size_t size)
{
	char *str;

	buf[0] = '\0';
	if (q->ns.cmap && cmap_get_string(q->ns.cmap, "totem.cluster_name",
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
	join_vq(q);
	if (q->fd >= 0)
		loop_fd_del(q->loop, q->fd);
	if (q->inited)
		votequorum_finalize(q->h);
	nodesrc_close(&q->ns);
	free(q->view);
	free(q);
}
