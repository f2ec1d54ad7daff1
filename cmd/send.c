/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool send GROUP [MESSAGE...]: multicast the messages and succeed only
 * once each has been delivered back to us, which proves it is in the
 * cluster's agreed order (and so reached every member).
 */

#include <err.h>
#include <getopt.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../daemons.h"
#include "../event.h"
#include "../fmt.h"
#include "../input.h"
#include "../loop.h"
#include "../opt.h"
#include "../out.h"
#include "../run.h"
#include "../sess.h"
#include "../sink.h"
#include "../status.h"
#include "../util.h"

static const struct optdef send_defs[] = {
	{ "wait-members", 'm', "count", "send once GROUP has COUNT other "
	    "members" },
	{ "verbose", 'v', NULL, "print own messages as they come back" },
	OPTDEF_END
};
/* no --exclude-self or --events: send prints its own messages only */
const struct optdef *const send_opts[] = {
	send_defs, opts_input, opts_format, opts_run, opts_intrusive, NULL
};

struct send {
	struct loop	*loop;
	struct outfmt	*of;
	struct input	 in;
	struct sess	*s;
	char		**msgs;		/* the MESSAGE arguments, if any */
	int		 nmsgs;
	int		 next;
	int		 ready;		/* enough members: sending */
	int		 verbose;
	int		 intrusive;
	unsigned long	 members;
};

static void
maybe_done(struct send *c)
{
	if (c->ready && (c->msgs ? c->next == c->nmsgs : input_done(&c->in)) &&
	    sess_unconfirmed(c->s) == 0)
		loop_stop(c->loop, ST_OK);
}

static int
is_self(const struct event *ev, uint32_t nodeid, uint32_t pid)
{
	return nodeid == ev->self_nodeid && pid == ev->self_pid;
}

static void pump(struct send *);

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct send *c = arg;
	size_t i, others = 0;

	twin_confchg(s, ev);
	if (ev->type == EV_CONFCHG && !c->ready) {
		for (i = 0; i < ev->nmembers; i++)
			others += !is_self(ev, ev->members[i].nodeid,
			    ev->members[i].pid);
		if (others >= c->members) {
			c->ready = 1;
			pump(c);
		}
	}
	if (ev->type != EV_MESSAGE || !is_self(ev, ev->nodeid, ev->pid))
		return;
	if (c->verbose)
		out_event(sink_stdout, c->of, ev);
	maybe_done(c);
}

/* The next message: an argument, or the next one buffered from input. */
static int
next_msg(struct send *c, const char **m, size_t *n)
{
	if (c->msgs == NULL)
		return input_next(&c->in, m, n);
	if (c->next == c->nmsgs)
		return 0;
	*m = c->msgs[c->next];
	*n = strlen(*m);
	return 1;
}

/* Input is read only while sending: before, it waits in the pipe. */
static void
want_input(struct send *c, int on)
{
	if (c->msgs == NULL && c->in.eof)
		loop_fd_del(c->loop, c->in.fd);
	else if (c->msgs == NULL)
		loop_fd_events(c->loop, c->in.fd, on ? POLLIN : 0);
}

/* Send what there is, as far as flow control lets us. */
static void
pump(struct send *c)
{
	const char *m;
	unsigned long no;
	size_t n;
	int held, st;

	if (!c->ready)
		return;
	while (next_msg(c, &m, &n)) {
		no = c->msgs ? (unsigned long)c->next + 1 : c->in.count + 1;
		if ((st = sess_send(c->s, m, n, c->msgs ? "argument" :
		    input_unit(&c->in), no, &held)) != ST_OK) {
			loop_stop(c->loop, st);
			return;
		}
		if (held) {
			want_input(c, 0);
			return;
		}
		if (c->msgs)
			c->next++;
		else
			input_take(&c->in);
	}
	want_input(c, 1);
	maybe_done(c);
}

static void
on_input(struct loop *l, void *arg, short revents)
{
	struct send *c = arg;

	(void)revents;
	if (input_read(&c->in) == -1)
		loop_stop(l, ST_FAIL);
	else
		pump(c);
}

static void
on_writable(void *arg, struct sess *s)
{
	(void)s;
	pump(arg);
}

static int
parse(struct send *c, struct runopts *ro, int argc, char **argv,
    const char **file, int *mode)
{
	int ch, r;

	while ((ch = opt_get(argc, argv, send_opts, 0)) != -1) {
		if ((r = opt_common(ro, c->of, ch, optarg)) != 0) {
			if (r == -1)
				return ST_USAGE;
			continue;
		}
		switch (ch) {
		case '0':
			*mode = IN_NUL;
			break;
		case OPT_WHOLE:
			*mode = IN_WHOLE;
			break;
		case 'f':
			*file = optarg;
			break;
		case 'h':
			cmd_help();
			return ST_HELP;
		case 'm':
			if (opt_count("--wait-members", optarg,
			    &c->members) == -1)
				return ST_USAGE;
			break;
		case 'v':
			c->verbose = 1;
			break;
		case OPT_INTRUSIVE:
			c->intrusive = 1;
			break;
		default:
			return opt_unknown(argv, ch);
		}
	}
	return ST_OK;
}

int
cmd_send(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = {
		.event = on_event, .writable = on_writable,
	};
	struct send c = { .of = of };
	struct cpg_name group;
	const char *file = NULL;
	struct runopts ro;
	int mode = IN_LINE, st;

	opt_init_run(&ro);
	if ((st = parse(&c, &ro, argc, argv, &file, &mode)) != ST_OK)
		return st == ST_HELP ? ST_OK : st;
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_error("send needs a group");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &group) == -1 ||
	    daemon_refuse(&group, 1, c.intrusive) == -1)
		return ST_USAGE;
	if (argc > 1 && (file != NULL || mode != IN_LINE)) {
		usage_error("messages as arguments exclude -0, -f and --whole");
		return ST_USAGE;
	}
	if (argc > 1) {
		c.msgs = argv + 1;
		c.nmsgs = argc - 1;
	} else if ((st = input_open(&c.in, file, mode)) != ST_OK)
		return st;
	c.ready = c.members == 0;
	fmt_events_default(of, EVM_MESSAGE);
	/* silent unless -v: a closed stdout is then no concern */
	if ((c.loop = run_loop(&ro, c.verbose)) == NULL) {
		if (c.msgs == NULL)
			input_close(&c.in);
		return ST_FAIL;
	}
	if ((st = sess_open(c.loop, &group, 1, &ro, &hooks, &c,
	    &c.s)) == ST_OK && (c.msgs != NULL ||
	    (st = loop_fd(c.loop, c.in.fd, 0, on_input, &c)) == ST_OK)) {
		pump(&c);
		st = loop_run(c.loop);
		if (st != ST_OK && sess_sent(c.s) > 0)
			warnx("%llu of %llu message(s) sent were confirmed",
			    (unsigned long long)sess_confirmed(c.s),
			    (unsigned long long)sess_sent(c.s));
	}
	st = run_end(c.loop, st);
	if (c.msgs == NULL)
		input_close(&c.in);
	return st;
}
