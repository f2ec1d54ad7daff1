/*
 * cpgtool watch GROUP...: join every group (a handle each, one loop) and
 * print what happens there until told to stop.
 */

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../run.h"
#include "../sess.h"

static const struct optdef watch_defs[] = {
	{ "count", 'c', "count", "exit after COUNT messages" },
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

int
cmd_watch(int argc, char **argv)
{
	static const struct sess_hooks hooks = { .event = on_event };
	struct watch w = { 0 };
	struct cpg_name *groups = NULL;
	struct runopts ro;
	struct sess *s;
	int ch, i, r, st = ST_OK, intrusive = 0;

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
	out_events_default(EVM_ALL);
	if ((w.loop = run_loop(&ro, 1)) == NULL) {
		free(groups);
		return ST_FAIL;
	}
	for (i = 0; i < argc && st == ST_OK; i++)
		st = sess_open(w.loop, &groups[i], 1, &ro, &hooks, &w, &s);
	if (st == ST_OK) {
		st = loop_run(w.loop);
	}
	free(groups);
	return run_end(w.loop, st);
}
