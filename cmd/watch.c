/*
 * cpgtool watch GROUP...: join every group (a handle each, one loop) and
 * print what happens there until told to stop.
 */

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../sess.h"

static const char help[] =
	"  -c, --count N           exit after N messages\n"
	OUT_HELP RUN_HELP STAY_HELP;

struct watch {
	unsigned long	 count;
	unsigned long	 seen;
};

static void
on_event(struct loop *l, struct sess *s, const struct event *ev)
{
	struct watch *w = l->arg;

	(void)s;
	if (out_event(sink_stdout, ev) && ev->type == EV_MESSAGE && w->count &&
	    ++w->seen >= w->count)
		loop_stop(l, ST_OK);
}

int
cmd_watch(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		OUT_LONGOPTS, RUN_LONGOPTS, STAY_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const struct hooks hooks = { .event = on_event };
	struct watch w = { 0 };
	struct cpg_name *groups = NULL;
	struct runopts ro;
	struct loop l;
	struct sess *s;
	int ch, i, r, st = ST_OK;

	opt_init_run(&ro);
	while ((ch = getopt_long(argc, argv, ":c:hrt:" OUT_SHORTOPTS, lo,
	    NULL)) != -1) {
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
			return cmd_help(help);
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
	out_events_default(EVM_ALL);
	if ((st = out_start()) != ST_OK) {
		free(groups);
		return st;
	}
	loop_init(&l, &hooks, &ro, &w);
	for (i = 0; i < argc && st == ST_OK; i++)
		st = loop_add(&l, &groups[i], 1, &s);
	if (st == ST_OK) {
		st = loop_run(&l);
	}
	free(groups);
	return loop_finish(&l, st);
}
