/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool send GROUP [MESSAGE...]: multicast the messages and succeed only
 * once each has been delivered back to us, which proves it is in the
 * cluster's agreed order (and so reached every member).
 */

#include <err.h>
#include <getopt.h>
#include <stddef.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
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

struct send {
	struct loop	*loop;
	struct outfmt	*of;
	struct input	 in;		/* or the MESSAGE arguments */
	struct pump	 pump;
	struct sess	*s;
	int		 ready;		/* enough members: sending */
	int		 verbose;
	unsigned long	 members;
};

static const struct optdef send_defs[] = {
	{ "wait-members", 'm', "count", "send once GROUP has COUNT other "
	    "members", OPT_COUNT(struct send, members) },
	{ "verbose", 'v', NULL, "print own messages as they come back",
	    OPT_FLAG(struct send, verbose) },
	OPTDEF_END
};
/* no --exclude-self or --events: send prints its own messages only */
const struct optdef *const send_opts[] = {
	send_defs, opts_input, opts_format, opts_run, opts_intrusive, NULL
};

/* Every message sent, and delivered back to us: done. */
static void
maybe_done(void *arg)
{
	struct send *c = arg;

	if (c->ready && input_done(&c->in) && sess_unconfirmed(c->s) == 0)
		loop_stop(c->loop, ST_OK);
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct send *c = arg;
	size_t i, others = 0;

	twin_confchg(s, ev);
	if (ev->type == EV_CONFCHG && !c->ready) {
		for (i = 0; i < ev->nmembers; i++)
			others += !addr_eq(ADDR_OF(&ev->members[i]),
			    ADDR_SELF(ev));
		if (others >= c->members) {
			c->ready = 1;
			pump_go(&c->pump);
		}
	}
	if (ev->type != EV_MESSAGE || !addr_eq(ADDR_OF(ev), ADDR_SELF(ev)))
		return;
	if (c->verbose)
		out_event(sink_stdout, c->of, ev);
	maybe_done(c);
}

static void
on_drained(void *arg, struct sess *s)
{
	struct send *c = arg;

	(void)s;
	pump_go(&c->pump);
}

int
cmd_send(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = {
		.event = on_event, .drained = on_drained,
	};
	struct send c = { .of = of };
	struct cpg_name group;
	struct inopts io = { 0 };
	struct runopts ro;
	struct optdest to = { .cmd = &c, .run = &ro, .fmt = of,
	    .input = &io };
	enum opt_res r;
	int st;

	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, send_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_error("send needs a group");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &group) != OPT_TAKEN ||
	    daemon_refuse(&group, 1, ro.intrusive) == -1)
		return ST_USAGE;
	if (argc > 1 && (io.file != NULL || io.mode != IN_LINE)) {
		usage_error("messages as arguments exclude -0, -f and --whole");
		return ST_USAGE;
	}
	if (argc > 1)
		input_args(&c.in, argv + 1, (size_t)argc - 1);
	else if ((st = input_open(&c.in, io.file, io.mode)) != ST_OK)
		return st;
	c.ready = c.members == 0;
	outopt_events_default(of, EVM_MESSAGE);
	/* silent unless -v: a closed stdout is then no concern */
	if ((c.loop = run_loop(&ro, c.verbose)) == NULL) {
		input_close(&c.in);
		return ST_FAIL;
	}
	if ((st = sess_open(c.loop, &group, 1, &ro, &hooks, &c,
	    &c.s)) == ST_OK) {
		pump_init(&c.pump, &c.in, c.loop, c.s, maybe_done, &c);
		if (c.ready)
			pump_go(&c.pump);
		st = loop_run(c.loop);
		if (st != ST_OK && sess_sent(c.s) > 0)
			warnx("%llu of %llu message(s) sent were confirmed",
			    (unsigned long long)sess_confirmed(c.s),
			    (unsigned long long)sess_sent(c.s));
	}
	st = run_end(c.loop, st);
	input_close(&c.in);
	return st;
}
