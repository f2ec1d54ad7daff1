/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool members [GROUP...]: who is in a group, asked of corosync
 * without joining it, so looking never changes what is seen. --wait and
 * --watch poll, since only members are told of changes.
 */

#include <err.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cpgtool.h"
#include "daemons.h"
#include "event.h"
#include "outopt.h"
#include "handler.h"
#include "loop.h"
#include "opt.h"
#include "out.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

/* A group as last seen. */
struct view {
	struct cpg_name		 name;
	struct cpg_address	 m[CPG_MEMBERS_MAX];
	int			 n;
	int			 seen;
};

struct members {
	struct loop	*loop;
	struct outfmt	*of;
	struct timer	 tick;
	double		 interval;
	struct sess	*s;
	struct view	*v;
	int		 nv;
	unsigned long	 wait;
	int		 watch;
	int		 names;
	struct execopts	 x;
	struct handler	*h;		/* --exec */
	struct nodeinfo	 ni;		/* the name asked for last */
};

static const struct optdef members_defs[] = {
	{ "wait", 'w', "count", "wait until each GROUP has COUNT members",
	    OPT_COUNT(struct members, wait) },
	{ "watch", OPT_WATCH, NULL, "print each change of the groups' "
	    "members", OPT_FLAG(struct members, watch) },
	{ "interval", 'i', "seconds", "how often --wait and --watch look "
	    "(0.1)", OPT_SECONDS(struct members, interval), .min = 0.001 },
	{ "names", 'N', NULL, "add node names, addresses, local node",
	    OPT_FLAG(struct members, names) },
	{ "json", 'j', NULL, "print JSON Lines",
	    OPT_FLAG(struct outfmt, json), .to = TO_FMT },
	{ "timestamps", 'T', NULL, "add the time to --watch events",
	    OPT_FLAG(struct outfmt, stamps), .to = TO_FMT },
	OPTDEF_END
};
const struct optdef *const members_opts[] = {
	members_defs, opts_run, opts_backlog, opts_exec, NULL
};

static int
print_group(struct members *c, const struct cpg_name *g,
    const struct cpg_address *a, size_t n)
{
	struct nodeinfo *ni = NULL;
	size_t i;

	if (c->names) {
		if ((ni = calloc(n ? n : 1, sizeof(*ni))) == NULL) {
			warn("members");
			return ST_FAIL;
		}
		for (i = 0; i < n; i++)
			sess_nodeinfo(c->s, a[i].nodeid, &ni[i]);
	}
	out_members(sink_stdout, c->of, g, a, n, ni, sess_nodeid(c->s));
	free(ni);
	return ST_OK;
}

/* Every group, sorted by name, members in corosync's order. */
static int
list_all(struct members *c)
{
	struct cpg_address a[CPG_MEMBERS_MAX];
	struct gmember *m;
	size_t i, j, k, n;
	int st;

	if ((st = sess_groups(c->s, &m, &n)) != ST_OK)
		return st;
	for (i = 0; i < n; i = j) {
		for (j = i, k = 0; j < n &&
		    sess_group_cmp(&m[i].group, &m[j].group) == 0; j++)
			if (k < CPG_MEMBERS_MAX)
				a[k++] = (struct cpg_address){ m[j].nodeid,
				    m[j].pid, 0 };
		if ((st = print_group(c, &m[i].group, a, k)) != ST_OK)
			break;
	}
	free(m);
	return st;
}

static int
fetch(struct members *c, struct view *v)
{
	v->n = CPG_MEMBERS_MAX;
	return sess_membership(c->s, &v->name, v->m, &v->n);
}

static int
print_views(struct members *c)
{
	int i, st = ST_OK;

	for (i = 0; i < c->nv && st == ST_OK; i++)
		st = print_group(c, &c->v[i].name, c->v[i].m,
		    (size_t)c->v[i].n);
	return st;
}

static int
has(const struct cpg_address *a, int n, const struct cpg_address *x)
{
	int i;

	for (i = 0; i < n; i++)
		if (addr_eq(ADDR_OF(&a[i]), ADDR_OF(x)))
			return 1;
	return 0;
}

/* The processes of a that b lacks. */
static size_t
diff(const struct cpg_address *a, int na, const struct cpg_address *b,
    int nb, struct cpg_address *out)
{
	size_t n = 0;
	int i;

	for (i = 0; i < na; i++)
		if (!has(b, nb, &a[i]))
			out[n++] = a[i];
	return n;
}

static void
watch_one(const struct members *c, struct view *v, const struct view *old)
{
	struct cpg_address joined[CPG_MEMBERS_MAX], left[CPG_MEMBERS_MAX];
	struct event ev = { .type = EV_MEMBERS, .group = &v->name };

	ev.njoined = diff(v->m, v->n, old->m, old->seen ? old->n : 0, joined);
	ev.nleft = old->seen ? diff(old->m, old->n, v->m, v->n, left) : 0;
	if (old->seen && ev.njoined == 0 && ev.nleft == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	ev.members = v->m;
	ev.nmembers = (size_t)v->n;
	ev.joined = joined;
	ev.left = left;
	if (c->h != NULL)
		handler_event(c->h, &ev);
	else
		out_event(sink_stdout, c->of, &ev);
}

static const char *
node_name(void *arg, uint32_t nodeid)
{
	struct members *c = arg;

	sess_nodeinfo(c->s, nodeid, &c->ni);
	return c->ni.name;
}

static void
tick(struct loop *l, void *arg)
{
	struct members *c = arg;
	struct view old;
	int i, st, all = 1;

	for (i = 0; i < c->nv; i++) {
		old = c->v[i];
		if ((st = fetch(c, &c->v[i])) != ST_OK) {
			if (c->h != NULL)
				handler_end(c->h, st);
			else
				loop_stop(l, st);
			return;
		}
		if (!old.seen)
			twin_hint(c->s, &c->v[i].name, (size_t)c->v[i].n, 0);
		if (c->watch)
			watch_one(c, &c->v[i], &old);
		c->v[i].seen = 1;
		all &= (unsigned long)c->v[i].n >= c->wait;
	}
	if (!c->watch && all)
		loop_stop(l, print_views(c));
	else
		timer_in(&c->tick, (int64_t)(c->interval * SEC));
}

static void
on_lost(void *arg, struct sess *s)
{
	struct members *c = arg;

	(void)s;
	if (c->h != NULL)
		handler_end(c->h, ST_CONN);
	else
		loop_stop(c->loop, ST_CONN);
}

static int
check(const struct members *c, int argc, int waiting)
{
	if (waiting && argc == 0) {
		usage_error("--wait and --watch need a group");
		return ST_USAGE;
	}
	if (c->wait && c->watch) {
		usage_error("--wait and --watch exclude each other");
		return ST_USAGE;
	}
	return opt_watch_check(&c->x, c->of, c->watch) != OPT_TAKEN ?
	    ST_USAGE : ST_OK;
}

int
cmd_members(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = { .lost = on_lost };
	struct members c = { .interval = 0.1, .of = of };
	struct cpg_name *groups = NULL;
	struct runopts ro;
	struct optdest to = { .cmd = &c, .run = &ro, .fmt = of,
	    .exec = &c.x };
	enum opt_res r;
	int i, st, waiting;

	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, members_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	argc -= optind;
	argv += optind;
	waiting = c.wait > 0 || c.watch;
	if ((st = check(&c, argc, waiting)) != ST_OK)
		return st;
	if (argc > 0 && (st = opt_groups(argc, argv, &groups)) != ST_OK)
		return st;
	if ((c.v = calloc((size_t)argc + 1, sizeof(*c.v))) == NULL) {
		warn("members");
		free(groups);
		return ST_FAIL;
	}
	for (i = 0; i < argc; i++)
		c.v[i].name = groups[i];
	c.nv = argc;
	free(groups);
	if ((c.loop = run_loop(&ro, c.x.cmd == NULL)) == NULL) {
		free(c.v);
		return ST_FAIL;
	}
	if (c.x.cmd != NULL && (st = handler_new(c.loop, c.x.cmd,
	    c.x.timeout, ro.max_backlog, c.of, &c.h)) != ST_OK)
		goto done;
	if (c.h != NULL && c.names)
		handler_names(c.h, node_name, &c);
	timer_init(c.loop, &c.tick, tick, &c);
	if ((st = sess_open(c.loop, NULL, 0, &ro, &hooks, &c, &c.s)) != ST_OK)
		goto done;
	if (waiting) {
		timer_in(&c.tick, 0);
		st = loop_run(c.loop);
	}
	else if (argc == 0)
		st = list_all(&c);
	else {
		for (i = 0; i < c.nv && st == ST_OK; i++)
			if ((st = fetch(&c, &c.v[i])) == ST_OK)
				twin_hint(c.s, &c.v[i].name,
				    (size_t)c.v[i].n, 0);
		if (st == ST_OK)
			st = print_views(&c);
	}
done:
	handler_free(c.h);
	st = run_end(c.loop, st);
	free(c.v);
	return st;
}
