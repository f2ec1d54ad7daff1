/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool quorum: this node's view of the quorum, as corosync's
 * votequorum has it (what corosync-quorumtool -s shows), once or, with
 * --watch, as it changes. The exit status says whether this node's
 * partition is quorate, so that `cpgtool quorum && run-thing' works.
 */

#include <err.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cpgtool.h"
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

struct qcmd {
	struct loop	*loop;
	struct outfmt	*of;
	struct quorum	*q;
	struct qview	*last;		/* --watch: the view last told */
	int		 seen;
	int		 watch;
	int		 names;
	int		 status;	/* without --watch: the verdict */
	struct execopts	 x;
	struct handler	*h;		/* --exec */
	struct nodeinfo	 ni;		/* the name asked for last */
};

static const struct optdef quorum_defs[] = {
	{ "json", 'j', NULL, "print JSON Lines",
	    OPT_FLAG(struct outfmt, json), .to = TO_FMT },
	{ "names", 'N', NULL, "add node names and addresses",
	    OPT_FLAG(struct qcmd, names) },
	{ "watch", OPT_WATCH, NULL, "print each change, starting with the "
	    "current state", OPT_FLAG(struct qcmd, watch) },
	{ "timestamps", 'T', NULL, "add the time to --watch events",
	    OPT_FLAG(struct outfmt, stamps), .to = TO_FMT },
	OPTDEF_END
};
const struct optdef *const quorum_opts[] = {
	quorum_defs, opts_run, opts_backlog, opts_exec, NULL
};

static const char *
node_name(void *arg, uint32_t nodeid)
{
	struct qcmd *c = arg;

	quorum_nodeinfo(c->q, nodeid, &c->ni);
	return c->ni.name;
}

static void
print_event(void *arg, const struct event *ev)
{
	struct qcmd *c = arg;
	struct nodeinfo ni;
	struct event e = *ev;

	if (c->names && e.type == EV_NODE) {
		quorum_nodeinfo(c->q, e.node->nodeid, &ni);
		e.name = &ni;
	}
	if (c->h != NULL)
		handler_event(c->h, &e);
	else
		out_event(sink_stdout, c->of, &e);
}

static void
print_view(struct qcmd *c, const struct qview *v)
{
	struct nodeinfo *ni = NULL;
	size_t i;

	if (c->names && (ni = calloc(v->nnodes + 1, sizeof(*ni))) == NULL) {
		warn("quorum");
		c->status = ST_FAIL;
		return;
	}
	for (i = 0; ni != NULL && i < v->nnodes; i++)
		quorum_nodeinfo(c->q, v->nodes[i].nodeid, &ni[i]);
	out_quorum(sink_stdout, c->of, v, ni);
	free(ni);
	c->status = v->quorate ? ST_OK : ST_INQUORATE;
}

static void
on_view(void *arg, const struct qview *v)
{
	struct qcmd *c = arg;
	struct timespec now;

	if (v == NULL) {
		if (c->h != NULL)
			handler_end(c->h, ST_CONN);
		else
			loop_stop(c->loop, ST_CONN);
		return;
	}
	if (!c->watch) {
		print_view(c, v);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	qview_events(c->seen ? c->last : NULL, v, &now, 0, print_event, c);
	memcpy(c->last, v, sizeof(*v));
	c->seen = 1;
}

/* What the options exclude, once all are read: ST_OK or ST_USAGE. */
static int
check(const struct qcmd *c, int argc)
{
	if (argc > 0) {
		usage_error("quorum takes no operands");
		return ST_USAGE;
	}
	return opt_watch_check(&c->x, c->of, c->watch) != OPT_TAKEN ?
	    ST_USAGE : ST_OK;
}

int
cmd_quorum(int argc, char **argv, struct outfmt *of)
{
	struct qcmd c = { .of = of };
	struct runopts ro;
	struct optdest to = { .cmd = &c, .run = &ro, .fmt = of,
	    .exec = &c.x };
	enum opt_res r;
	int st;

	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, quorum_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	if ((st = check(&c, argc - optind)) != ST_OK)
		return st;
	if (c.watch && (c.last = malloc(sizeof(*c.last))) == NULL) {
		warn("quorum");
		return ST_FAIL;
	}
	if ((c.loop = run_loop(&ro, c.x.cmd == NULL)) == NULL) {
		free(c.last);
		return ST_FAIL;
	}
	if (c.x.cmd != NULL && (st = handler_new(c.loop, c.x.cmd,
	    c.x.timeout, ro.max_backlog, c.of, &c.h)) != ST_OK)
		goto done;
	if (c.h != NULL && c.names)
		handler_names(c.h, node_name, &c);
	st = quorum_follow(c.loop, &ro, on_view, &c, &c.q);
	if (st == ST_OK && c.watch)
		st = loop_run(c.loop);
	else if (st == ST_OK)
		st = c.status;
done:
	handler_free(c.h);
	quorum_close(c.q);
	free(c.last);
	return run_end(c.loop, st);
}
