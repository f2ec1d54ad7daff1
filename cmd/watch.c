/*
 * cpgtool watch GROUP...: join every group (a handle each, one loop) and
 * print what happens there until told to stop.
 */

#include <err.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../qview.h"
#include "../run.h"
#include "../sess.h"

static const struct optdef watch_defs[] = {
	{ "count", 'c', "count", "exit after COUNT messages" },
	{ "quorum", OPT_QUORUM, NULL, "add this node's quorum events (not "
	    "in CPG's order)" },
	{ "names", 'N', NULL, "add node names to --quorum's node events" },
	OPTDEF_END
};
const struct optdef *const watch_opts[] = {
	watch_defs, opts_format, opts_filter, opts_run, opts_stay, opts_backlog,
	opts_intrusive, NULL
};

struct watch {
	struct loop	*loop;
	unsigned long	 count;
	unsigned long	 seen;
	int		 names;
	/* --quorum */
	struct quorum	*q;
	struct qview	*last;		/* the view last told */
	int		 told;
};

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct watch *w = arg;

	twin_confchg(s, ev);
	if (out_event(sink_stdout, ev) && ev->type == EV_MESSAGE && w->count &&
	    ++w->seen >= w->count)
		loop_stop(w->loop, ST_OK);
}

static void
on_qevent(void *arg, const struct event *ev)
{
	struct watch *w = arg;
	struct nodeinfo ni;
	struct event e = *ev;

	if (w->names && e.type == EV_NODE) {
		quorum_nodeinfo(w->q, e.node->nodeid, &ni);
		e.name = &ni;
	}
	out_event(sink_stdout, &e);
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
	struct watch *w = arg;
	struct timespec now;

	if (v == NULL) {
		loop_stop(w->loop, ST_CONN);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	qview_events(w->told ? w->last : NULL, v, &now, 1, on_qevent, w);
	memcpy(w->last, v, sizeof(*v));
	w->told = 1;
}

int
cmd_watch(int argc, char **argv)
{
	static const struct sess_hooks hooks = { .event = on_event };
	struct watch w = { 0 };
	struct cpg_name *groups = NULL;
	struct runopts ro;
	struct sess *s;
	int ch, i, r, st = ST_OK, intrusive = 0, quorum = 0;

	opt_init_run(&ro);
	while ((ch = opt_get(argc, argv, watch_opts, 0)) != -1) {
		if ((r = opt_common(&ro, ch, optarg)) != 0) {
			if (r == -1)
				return ST_USAGE;
			continue;
		}
		switch (ch) {
		case 'c':
			if (opt_count("--count", optarg, &w.count) == -1)
				return ST_USAGE;
			break;
		case 'h':
			return cmd_help();
		case OPT_INTRUSIVE:
			intrusive = 1;
			break;
		case OPT_QUORUM:
			quorum = 1;
			break;
		case 'N':
			w.names = 1;
			break;
		default:
			return opt_unknown(argv, ch);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage_error("watch needs at least one group");
		return ST_USAGE;
	}
	if (opt_groups(argc, argv, &groups) == -1)
		return ST_USAGE;
	if (daemon_refuse(groups, argc, intrusive) == -1) {
		free(groups);
		return ST_USAGE;
	}
	if (w.names && !quorum) {
		usage_error("--names goes with --quorum");
		free(groups);
		return ST_USAGE;
	}
	out_events_default(EVM_ALL);
	if ((quorum && (w.last = malloc(sizeof(*w.last))) == NULL) ||
	    (w.loop = run_loop(&ro, 1)) == NULL) {
		if (quorum && w.last == NULL)
			warn("watch");
		free(w.last);
		free(groups);
		return ST_FAIL;
	}
	for (i = 0; i < argc && st == ST_OK; i++)
		st = sess_open(w.loop, &groups[i], 1, &ro, &hooks, &w, &s);
	if (st == ST_OK && quorum)
		st = quorum_follow(w.loop, &ro, on_view, &w, &w.q);
	if (st == ST_OK)
		st = loop_run(w.loop);
	quorum_close(w.q);
	free(w.last);
	free(groups);
	return run_end(w.loop, st);
}
