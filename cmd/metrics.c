/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool metrics: the cluster's CPG state, as this node's corosync has
 * it, in Prometheus' text exposition format (mon.c renders it): the
 * groups and their members by node, the nodes, the quorum and the ring.
 * It joins no group: it asks, as members does. --textfile DIR writes
 * DIR/cpgtool.prom for node_exporter's textfile collector, through a
 * file renamed into place; --watch rewrites it on every change.
 *
 * corosync tells a process that is no member nothing of a group's
 * changes, so --watch asks for the groups every --interval; votequorum
 * tells of the nodes and the quorum as they change, and such a change
 * is written at once. The file is written only when its content
 * changes: nothing is written while nothing changes.
 */

#include <err.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cpgtool.h"
#include "event.h"
#include "loop.h"
#include "mon.h"
#include "opt.h"
#include "quorum.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

#define TEXTFILE	"cpgtool.prom"

/* One member of a group, as corosync lists them. */
struct entry {
	struct cpg_name	 name;
	uint32_t	 nodeid;
};

struct metrics {
	struct loop	*loop;
	struct sess	*s;
	struct quorum	*q;
	struct qview	*view;		/* the latest, or NULL */
	struct timer	 tick;
	double		 interval;
	int		 watch;
	const char	*dir;		/* --textfile */
	struct sink	*doc;		/* the document, rendered */
	char		*last;		/* as last written */
	size_t		 lastlen;
	int		 written;
	struct entry	*e;		/* the groups' members */
	size_t		 n, cap;
	int		 nomem;
	struct nodeinfo	*ni;		/* names, asked once */
	size_t		 nni;
};

static const struct optdef metrics_defs[] = {
	{ "textfile", OPT_TEXTFILE, "dir", "write DIR/" TEXTFILE " for "
	    "node_exporter's\ntextfile collector (renamed into place)",
	    OPT_STR(struct metrics, dir), .need = "a directory" },
	{ "watch", OPT_WATCH, NULL, "with --textfile: rewrite it on every "
	    "change", OPT_FLAG(struct metrics, watch) },
	{ "interval", 'i', "seconds", "how often --watch asks for the "
	    "groups (1)", OPT_SECONDS(struct metrics, interval), .min = 0.01 },
	OPTDEF_END
};
const struct optdef *const metrics_opts[] = {
	metrics_defs, opts_run, NULL
};

static void
collect(void *arg, const struct cpg_name *g, uint32_t nodeid, uint32_t pid)
{
	struct metrics *c = arg;
	struct entry *e;
	size_t cap;

	(void)pid;
	if (c->nomem)
		return;
	if (c->n == c->cap) {
		cap = c->cap ? c->cap * 2 : 64;
		if ((e = reallocarray(c->e, cap, sizeof(*e))) == NULL) {
			c->nomem = 1;
			return;
		}
		c->e = e;
		c->cap = cap;
	}
	c->e[c->n].name = *g;
	c->e[c->n++].nodeid = nodeid;
}

static int
by_group(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	uint32_t n = x->name.length < y->name.length ? x->name.length :
	    y->name.length;
	int d;

	if ((d = memcmp(x->name.value, y->name.value, n)) != 0)
		return d;
	return x->name.length < y->name.length ? -1 :
	    x->name.length > y->name.length;
}

static const char *
name_of(struct metrics *c, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < c->nni; i++)
		if (c->ni[i].nodeid == nodeid)
			return c->ni[i].name;
	if (c->nni == QNODES_MAX)
		return "";
	sess_nodeinfo(c->s, nodeid, &c->ni[c->nni]);
	return c->ni[c->nni++].name;
}

static size_t
node_index(struct mnode *nodes, size_t *nn, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < *nn; i++)
		if (nodes[i].nodeid == nodeid)
			return i;
	/* a member on a node votequorum does not list */
	nodes[*nn] = (struct mnode){ .nodeid = nodeid, .name = "" };
	return (*nn)++;
}

/* The state from the latest view and the groups just listed. */
static int
render(struct metrics *c)
{
	static struct mnode nodes[QNODES_MAX + CPG_MEMBERS_MAX];
	struct mgroup *g = NULL;
	unsigned *counts = NULL;
	struct mstate st = { .q = c->view, .nodes = nodes };
	size_t i, j, k, ng = 0;
	int ret = ST_FAIL;

	for (i = 0; c->view != NULL && i < c->view->nnodes; i++) {
		const struct qnode *q = &c->view->nodes[i];

		nodes[st.nnodes++] = (struct mnode){ .nodeid = q->nodeid,
		    .name = name_of(c, q->nodeid), .configured = 1,
		    .up = q->state == QS_MEMBER, .votes = q->votes,
		    .local = q->nodeid == c->view->nodeid };
	}
	if (c->n > 0)
		qsort(c->e, c->n, sizeof(*c->e), by_group);
	for (i = 0; i < c->n; i = j, ng++)
		for (j = i; j < c->n && by_group(&c->e[i], &c->e[j]) == 0;
		    j++)
			;
	if ((g = calloc(ng + 1, sizeof(*g))) == NULL ||
	    (counts = calloc((ng + 1) * (QNODES_MAX + CPG_MEMBERS_MAX),
	    sizeof(*counts))) == NULL) {
		warn("metrics");
		goto done;
	}
	for (i = 0, k = 0; c->view != NULL && i < c->n; i = j, k++) {
		g[k].name = c->e[i].name;
		g[k].per_node = counts + k * (QNODES_MAX + CPG_MEMBERS_MAX);
		for (j = i; j < c->n && by_group(&c->e[i], &c->e[j]) == 0;
		    j++) {
			if (st.nnodes == QNODES_MAX + CPG_MEMBERS_MAX)
				continue;
			counts[k * (QNODES_MAX + CPG_MEMBERS_MAX) +
			    node_index(nodes, &st.nnodes, c->e[j].nodeid)]++;
			g[k].members++;
		}
	}
	st.groups = g;
	st.ngroups = c->view != NULL ? ng : 0;
	sink_drop(c->doc);
	mon_metrics(c->doc, &st);
	ret = ST_OK;
done:
	free(counts);
	free(g);
	return ret;
}

/* The document out, if it changed: to stdout, or into DIR. */
static int
emit(struct metrics *c)
{
	const char *p;
	size_t n;
	char *copy;
	int st;

	p = sink_data(c->doc, &n);
	if (c->written && n == c->lastlen && memcmp(p, c->last, n) == 0)
		return ST_OK;
	if (c->dir == NULL) {
		sink_put(sink_stdout, p, n);
		st = ST_OK;
	} else if ((st = sink_replace_file(c->doc, c->dir, TEXTFILE)) !=
	    ST_OK)
		return st;
	if ((copy = malloc(n + 1)) == NULL) {
		warn("metrics");
		return ST_FAIL;
	}
	memcpy(copy, p, n);
	free(c->last);
	c->last = copy;
	c->lastlen = n;
	c->written = 1;
	return st;
}

/* corosync is gone: what is written says so, not the last state. */
static int
gone(struct metrics *c, int st)
{
	free(c->view);
	c->view = NULL;
	c->n = 0;
	if (render(c) == ST_OK)
		emit(c);
	return st;
}

/*
 * Ask for the groups, and write what changed. A corosync that does not
 * answer is written down as gone; a file that cannot be written is
 * only said.
 */
static int
update(struct metrics *c)
{
	int st;

	c->n = 0;
	c->nomem = 0;
	if ((st = sess_groups(c->s, collect, c)) != ST_OK)
		return gone(c, st);
	if (c->nomem) {
		warnx("metrics: out of memory");
		return ST_FAIL;
	}
	if ((st = render(c)) != ST_OK)
		return st;
	return emit(c);
}

static void
tick(struct loop *l, void *arg)
{
	struct metrics *c = arg;
	int st;

	if ((st = update(c)) != ST_OK) {
		loop_stop(l, st);
		return;
	}
	timer_in(&c->tick, (int64_t)(c->interval * SEC));
}

static void
on_view(void *arg, const struct qview *v)
{
	struct metrics *c = arg;
	int st;

	if (v == NULL) {
		loop_stop(c->loop, gone(c, ST_CONN));
		return;
	}
	if (c->view == NULL && (c->view = malloc(sizeof(*v))) == NULL) {
		warn("metrics");
		loop_stop(c->loop, ST_FAIL);
		return;
	}
	memcpy(c->view, v, sizeof(*v));
	/* the first comes before the session is open: main asks then */
	if (c->s != NULL && (st = update(c)) != ST_OK)
		loop_stop(c->loop, st);
}

/* What the options exclude, once all are read: ST_OK or ST_USAGE. */
static int
check(const struct metrics *c, int argc)
{
	if (argc > 0) {
		usage_error("metrics takes no operands");
		return ST_USAGE;
	}
	if (c->watch && c->dir == NULL) {
		usage_error("--watch goes with --textfile");
		return ST_USAGE;
	}
	return ST_OK;
}

int
cmd_metrics(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = { 0 };
	struct metrics c = { .interval = 1 };
	struct runopts ro;
	struct optdest to = { .cmd = &c, .run = &ro };
	enum opt_res r;
	int st;

	(void)of;
	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, metrics_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	if ((st = check(&c, argc - optind)) != ST_OK)
		return st;
	if ((c.doc = sink_new(-1)) == NULL ||
	    (c.ni = calloc(QNODES_MAX, sizeof(*c.ni))) == NULL) {
		warn("metrics");
		sink_free(c.doc);
		return ST_FAIL;
	}
	if ((c.loop = run_loop(&ro, c.dir == NULL)) == NULL) {
		sink_free(c.doc);
		free(c.ni);
		return ST_FAIL;
	}
	timer_init(c.loop, &c.tick, tick, &c);
	if ((st = quorum_follow(c.loop, &ro, on_view, &c, &c.q)) != ST_OK ||
	    (st = sess_open(c.loop, NULL, 0, &ro, &hooks, &c, &c.s)) !=
	    ST_OK) {
		st = gone(&c, st);
		goto done;
	}
	if ((st = update(&c)) == ST_OK && c.watch) {
		timer_in(&c.tick, (int64_t)(c.interval * SEC));
		st = loop_run(c.loop);
	}
done:
	quorum_close(c.q);
	st = run_end(c.loop, st);
	sink_free(c.doc);
	free(c.view);
	free(c.last);
	free(c.e);
	free(c.ni);
	return st;
}
