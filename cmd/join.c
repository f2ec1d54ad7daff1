/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool join GROUP: be a member; multicast each input message, print
 * everything delivered. At the end of input, wait until our own messages
 * came back (they are then in the total order), leave, exit.
 */

#include <getopt.h>
#include <poll.h>
#include <stddef.h>
#include <unistd.h>

#include "cpgtool.h"
#include "daemons.h"
#include "event.h"
#include "outopt.h"
#include "input.h"
#include "loop.h"
#include "opt.h"
#include "out.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

struct join {
	struct loop	*loop;
	const struct outfmt *of;
	struct input	 in;
	struct pump	 pump;
	struct sess	*s;
	unsigned long	 count;
	unsigned long	 seen;
	int		 joined;	/* our own join has come back */
};

static const struct optdef join_defs[] = {
	{ "count", 'c', "count", "exit after COUNT messages",
	    OPT_COUNT(struct join, count) },
	OPTDEF_END
};
const struct optdef *const join_opts[] = {
	join_defs, opts_input, opts_format, opts_filter, opts_run, opts_stay,
	opts_backlog, opts_intrusive, NULL
};

/*
 * Done at the end of input once our own messages came back, and never
 * before our own join has: `join GROUP </dev/null' is a join and a leave
 * that peers see, and says the NUL twin's hint.
 */
static void
maybe_done(void *arg)
{
	struct join *j = arg;

	if (j->joined && input_done(&j->in) && sess_unconfirmed(j->s) == 0)
		loop_stop(j->loop, ST_OK);
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct join *j = arg;
	int own_join;

	own_join = twin_confchg(s, ev);
	if (out_event(sink_stdout, j->of, ev) && ev->type == EV_MESSAGE &&
	    j->count && ++j->seen >= j->count)
		loop_stop(j->loop, ST_OK);
	else if (own_join && !j->joined) {
		j->joined = 1;
		maybe_done(j);
	} else if (ev->type == EV_MESSAGE)
		maybe_done(j);
}

static void
on_drained(void *arg, struct sess *s)
{
	struct join *j = arg;

	(void)s;
	pump_go(&j->pump);
}

int
cmd_join(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = {
		.event = on_event, .drained = on_drained,
	};
	struct join j = { 0 };
	struct cpg_name group;
	struct inopts io = { 0 };
	struct runopts ro;
	struct optdest to = { .cmd = &j, .run = &ro, .fmt = of,
	    .input = &io };
	enum opt_res r;
	int st;

	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, join_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		usage_error("join needs exactly one group");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &group) != OPT_TAKEN ||
	    daemon_refuse(&group, 1, ro.intrusive) == -1)
		return ST_USAGE;
	if ((st = input_open(&j.in, io.file, io.mode)) != ST_OK)
		return st;
	outopt_events_default(of, EVM_ALL);
	j.of = of;
	if ((j.loop = run_loop(&ro, 1)) == NULL) {
		input_close(&j.in);
		return ST_FAIL;
	}
	if ((st = sess_open(j.loop, &group, 1, &ro, &hooks, &j,
	    &j.s)) == ST_OK) {
		pump_init(&j.pump, &j.in, j.loop, j.s, maybe_done, &j);
		pump_go(&j.pump);
		st = loop_run(j.loop);
	}
	st = run_end(j.loop, st);
	input_close(&j.in);
	return st;
}
