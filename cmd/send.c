/*
 * cpgtool send GROUP [MESSAGE...]: multicast the messages and succeed only
 * once each has been delivered back to us, which proves it is in the
 * cluster's agreed order (and so reached every member).
 */

#include <err.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../input.h"
#include "../sess.h"

static const char help[] =
	"  -m, --wait-members N    send once GROUP has N other members\n"
	"  -v, --verbose           print own messages as they come back\n"
	INPUT_HELP OUT_HELP RUN_HELP;

struct send {
	struct input	 in;
	struct sess	*s;
	char		**msgs;		/* the MESSAGE arguments, if any */
	int		 nmsgs;
	int		 next;
	int		 ready;		/* enough members: sending */
	int		 verbose;
	unsigned long	 members;
};

static void
maybe_done(struct loop *l)
{
	struct send *c = l->arg;

	if (c->ready && (c->msgs ? c->next == c->nmsgs : input_done(&c->in)) &&
	    sess_unconfirmed(c->s) == 0)
		loop_stop(l, ST_OK);
}

static void
on_event(struct loop *l, struct sess *s, const struct event *ev)
{
	struct send *c = l->arg;
	size_t i, others = 0;

	if (ev->type == EV_CONFCHG && !c->ready) {
		for (i = 0; i < ev->nmembers; i++)
			others += !sess_is_self(s, ev->members[i].nodeid,
			    ev->members[i].pid);
		if (others >= c->members) {
			c->ready = 1;
			l->want_input = c->msgs == NULL;
			loop_wake(l);
		}
	}
	if (ev->type != EV_MESSAGE || !sess_is_self(s, ev->nodeid, ev->pid))
		return;
	if (c->verbose)
		out_event(sink_stdout, ev);
	maybe_done(l);
}

/* The next message: an argument, or the next one buffered from input. */
static int
next_msg(struct loop *l, const char **m, size_t *n)
{
	struct send *c = l->arg;

	if (c->msgs == NULL)
		return input_next(&c->in, m, n);
	if (c->next == c->nmsgs)
		return 0;
	*m = c->msgs[c->next];
	*n = strlen(*m);
	return 1;
}

static void
pump(struct loop *l)
{
	struct send *c = l->arg;
	const char *m;
	unsigned long no;
	size_t n;

	if (!c->ready)
		return;
	if (l->in_ready && input_read(&c->in) == -1) {
		loop_stop(l, ST_FAIL);
		return;
	}
	while (next_msg(l, &m, &n)) {
		no = c->msgs ? (unsigned long)c->next + 1 : c->in.count + 1;
		if (loop_send(l, c->s, m, n, c->msgs ? "argument" :
		    input_unit(&c->in), no) != 1)
			return;
		if (c->msgs)
			c->next++;
		else
			input_take(&c->in);
	}
	l->want_input = c->msgs == NULL && !c->in.eof;
	maybe_done(l);
}

static int
parse(struct send *c, struct runopts *ro, int argc, char **argv,
    const char **file, int *mode)
{
	static const struct option lo[] = {
		{ "help",		no_argument,		NULL, 'h' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "wait-members",	required_argument,	NULL, 'm' },
		INPUT_LONGOPTS, OUT_LONGOPTS, RUN_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int ch, r;

	while ((ch = getopt_long(argc, argv, ":0f:hm:t:v" OUT_SHORTOPTS, lo,
	    NULL)) != -1) {
		if ((r = opt_common(ro, ch, optarg)) != 0) {
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
			cmd_help(help);
			return -1;
		case 'm':
			if (opt_count("--wait-members", optarg,
			    &c->members) == -1)
				return ST_USAGE;
			break;
		case 'v':
			c->verbose = 1;
			break;
		default:
			return opt_unknown(argv, ch);
		}
	}
	return ST_OK;
}

int
cmd_send(int argc, char **argv)
{
	static const struct hooks hooks = { .event = on_event, .pump = pump };
	struct send c = { 0 };
	struct cpg_name group;
	const char *file = NULL;
	struct runopts ro;
	int mode = IN_LINE, st;
	struct loop l;

	opt_init_run(&ro);
	if ((st = parse(&c, &ro, argc, argv, &file, &mode)) != ST_OK)
		return st == -1 ? ST_OK : st;
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_error("send needs a group");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &group) == -1)
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
	out_events_default(EVM_MESSAGE);
	/* silent unless -v: a closed stdout is then no concern */
	if (c.verbose && (st = out_start()) != ST_OK) {
		if (c.msgs == NULL)
			input_close(&c.in);
		return st;
	}
	loop_init(&l, &hooks, &ro, &c);
	if ((st = loop_add(&l, &group, 1, &c.s)) == ST_OK) {
		if (c.msgs == NULL) {
			l.in_fd = c.in.fd;
			l.want_input = c.ready;
		}
		st = loop_run(&l);
		if (st != ST_OK && sess_sent(c.s) > 0)
			warnx("%llu of %llu message(s) sent were confirmed",
			    (unsigned long long)sess_confirmed(c.s),
			    (unsigned long long)sess_sent(c.s));
	}
	st = loop_finish(&l, st);
	if (c.msgs == NULL)
		input_close(&c.in);
	return st;
}
