/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool watch GROUP...: join every group (a handle each, one loop) and
 * print what happens there until told to stop, or hand each event to an
 * --exec handler.
 */

#include <err.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpgtool.h"
#include "daemons.h"
#include "event.h"
#include "outopt.h"
#include "handler.h"
#include "loop.h"
#include "opt.h"
#include "out.h"
#include "quorum.h"
#include "qview.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

struct watch_cmd {
	struct loop	*loop;
	const struct outfmt *of;
	unsigned long	 count;
	unsigned long	 seen;
	int		 names;
	int		 quorum;
	struct execopts	 x;
	struct handler	*h;		/* --exec */
	struct sess	*first;		/* asked for node names */
	struct nodeinfo	 ni;		/* the name asked for last */
	/* --quorum */
	struct quorum	*q;
	struct qview	*last;		/* the view last told */
	int		 told;
};

static const struct optdef watch_defs[] = {
	{ "count", 'c', "count", "exit after COUNT messages",
	    OPT_COUNT(struct watch_cmd, count), .min = 1 },
	{ "quorum", OPT_QUORUM, NULL, "add this node's quorum events (not "
	    "in CPG's order)", OPT_FLAG(struct watch_cmd, quorum) },
	{ "names", 'N', NULL, "node names in --quorum's node events and\n"
	    "--exec's CPGTOOL_NODE_NAME", OPT_FLAG(struct watch_cmd, names) },
	OPTDEF_END
};
const struct optdef *const watch_opts[] = {
	watch_defs, opts_format, opts_filter, opts_run, opts_stay, opts_backlog,
	opts_exec, opts_intrusive, NULL
};

/* An event printed, or handed to --exec's handler: 1 if it was. */
static int
emit(struct watch_cmd *w, const struct event *ev)
{
	if (w->h != NULL)
		return handler_event(w->h, ev) == 1;
	return out_event(sink_stdout, w->of, ev);
}

/* The end: at once, or once the running handler is stopped. */
static void
end(struct watch_cmd *w, int st)
{
	if (w->h != NULL)
		handler_end(w->h, st);
	else
		loop_stop(w->loop, st);
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct watch_cmd *w = arg;

	twin_confchg(s, ev);
	if (!emit(w, ev) || ev->type != EV_MESSAGE || w->count == 0 ||
	    ++w->seen < w->count)
		return;
	/* with --exec, once the last message's handler has run */
	if (w->h != NULL)
		handler_drain(w->h, ST_OK);
	else
		loop_stop(w->loop, ST_OK);
}

static void
on_lost(void *arg, struct sess *s)
{
	(void)s;
	end(arg, ST_CONN);
}

static const char *
node_name(void *arg, uint32_t nodeid)
{
	struct watch_cmd *w = arg;

	if (w->q != NULL)
		quorum_nodeinfo(w->q, nodeid, &w->ni);
	else
		sess_nodeinfo(w->first, nodeid, &w->ni);
	return w->ni.name;
}

static void
on_qevent(void *arg, const struct event *ev)
{
	struct watch_cmd *w = arg;
	struct nodeinfo ni;
	struct event e = *ev;

	if (w->names && e.type == EV_NODE) {
		quorum_nodeinfo(w->q, e.node->nodeid, &ni);
		e.name = &ni;
	}
	emit(w, &e);
}

/*
 * votequorum's notifications come on a connection of their own, and
 * corosync orders them against nothing of CPG's: a node's death may be
 * told here before or after the confchg that it causes in a group. So
 * these events are marked unordered.
 */
static void
on_view(void *arg, const struct qview *v)
{
	struct watch_cmd *w = arg;
	struct timespec now;

	if (v == NULL) {
		end(w, ST_CONN);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	qview_events(w->told ? w->last : NULL, v, &now, 1, on_qevent, w);
	memcpy(w->last, v, sizeof(*v));
	w->told = 1;
}

/* What the options exclude, once all are read: ST_OK or ST_USAGE. */
static int
check(const struct watch_cmd *w, const struct outfmt *of)
{
	if (opt_exec_check(&w->x, of) != OPT_TAKEN)
		return ST_USAGE;
	if (w->names && !w->quorum && w->x.cmd == NULL) {
		usage_error("--names goes with --quorum or --exec");
		return ST_USAGE;
	}
	return ST_OK;
}

/* Whether what is shown has an event's time: -T, or %t in --format. */
static int
timed(const struct outfmt *of)
{
	size_t i;

	for (i = 0; i < of->ntok; i++)
		if (of->tok[i].kind == TK_TIME)
			return 1;
	return of->stamps;
}

/* Everything a watch needs before it joins: ST_OK, or the status. */
static int
start(struct watch_cmd *w, const struct runopts *ro)
{
	if (w->quorum && (w->last = malloc(sizeof(*w->last))) == NULL) {
		warn("watch");
		return ST_FAIL;
	}
	if ((w->loop = run_loop(ro, w->x.cmd == NULL)) == NULL)
		return ST_FAIL;
	if (w->x.cmd != NULL && handler_new(w->loop, w->x.cmd, w->x.timeout,
	    ro->max_backlog, w->of, &w->h) != ST_OK)
		return ST_FAIL;
	if (w->h != NULL && w->names)
		handler_names(w->h, node_name, w);
	return ST_OK;
}

int
cmd_watch(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = {
		.event = on_event, .lost = on_lost,
	};
	struct watch_cmd w = { 0 };
	struct cpg_name *groups = NULL;
	struct runopts ro;
	struct optdest to = { .cmd = &w, .run = &ro, .fmt = of,
	    .exec = &w.x };
	struct sess *s;
	enum opt_res r;
	int i, st;

	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, watch_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	if ((st = check(&w, of)) != ST_OK)
		return st;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage_error("watch needs at least one group");
		return ST_USAGE;
	}
	if ((st = opt_groups(argc, argv, &groups)) != ST_OK)
		return st;
	if (daemon_refuse(groups, argc, ro.intrusive) == -1) {
		free(groups);
		return ST_USAGE;
	}
	outopt_events_default(of, EVM_ALL);
	w.of = of;
	if ((st = start(&w, &ro)) == ST_OK) {
		for (i = 0; i < argc && st == ST_OK; i++) {
			st = sess_open(w.loop, &groups[i], 1, &ro, &hooks, &w,
			    &s);
			if (st == ST_OK && !timed(of))
				sess_untimed(s);
			if (w.first == NULL)
				w.first = s;
		}
		if (st == ST_OK && w.quorum)
			st = quorum_follow(w.loop, &ro, on_view, &w, &w.q);
		if (st == ST_OK)
			st = loop_run(w.loop);
	}
	handler_free(w.h);
	quorum_close(w.q);
	free(w.last);
	free(groups);
	return w.loop != NULL ? run_end(w.loop, st) : st;
}
