/*
 * cpgtool join GROUP: be a member; multicast each input message, print
 * everything delivered. At the end of input, wait until our own messages
 * came back (they are then in the total order), leave, exit.
 */

#include <getopt.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../input.h"
#include "../sess.h"

static const char help[] =
	"  -c, --count N           exit after N messages\n"
	INPUT_HELP OUT_HELP RUN_HELP STAY_HELP;

struct join {
	struct input	 in;
	struct sess	*s;
	unsigned long	 count;
	unsigned long	 seen;
};

static void
maybe_done(struct loop *l)
{
	struct join *j = l->arg;

	if (input_done(&j->in) && sess_unconfirmed(j->s) == 0)
		loop_stop(l, ST_OK);
}

static void
on_event(struct loop *l, struct sess *s, const struct event *ev)
{
	struct join *j = l->arg;

	(void)s;
	if (out_event(sink_stdout, ev) && ev->type == EV_MESSAGE && j->count &&
	    ++j->seen >= j->count)
		loop_stop(l, ST_OK);
	else if (ev->type == EV_MESSAGE)
		maybe_done(l);
}

/* Read what poll found, send every whole message flow control allows. */
static void
pump(struct loop *l)
{
	struct join *j = l->arg;
	const char *m;
	size_t n;

	if (l->in_ready && input_read(&j->in) == -1) {
		loop_stop(l, ST_FAIL);
		return;
	}
	while (input_next(&j->in, &m, &n)) {
		if (loop_send(l, j->s, m, n, input_unit(&j->in),
		    j->in.count + 1) != 1)
			return;
		input_take(&j->in);
	}
	l->want_input = !j->in.eof;
	maybe_done(l);
}

int
cmd_join(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		INPUT_LONGOPTS, OUT_LONGOPTS, RUN_LONGOPTS, STAY_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const struct hooks hooks = { .event = on_event, .pump = pump };
	struct join j = { 0 };
	struct cpg_name group;
	const char *file = NULL;
	int ch, r, mode = IN_LINE, st;
	struct runopts ro;
	struct loop l;

	opt_init_run(&ro);
	while ((ch = getopt_long(argc, argv, ":0c:f:hrt:" OUT_SHORTOPTS, lo,
	    NULL)) != -1) {
		if ((r = opt_common(&ro, ch, optarg)) != 0) {
			if (r == -1)
				return ST_USAGE;
			continue;
		}
		switch (ch) {
		case '0':
			mode = IN_NUL;
			break;
		case OPT_WHOLE:
			mode = IN_WHOLE;
			break;
		case 'c':
			if (opt_count("--count", optarg, &j.count) == -1)
				return ST_USAGE;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			return cmd_help(help);
		default:
			return opt_unknown(argv, ch);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		usage_error("join needs exactly one group");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &group) == -1)
		return ST_USAGE;
	if ((st = input_open(&j.in, file, mode)) != ST_OK)
		return st;
	out_events_default(EVM_ALL);
	if ((st = out_start()) != ST_OK) {
		input_close(&j.in);
		return st;
	}
	loop_init(&l, &hooks, &ro, &j);
	if ((st = loop_add(&l, &group, 1, &j.s)) == ST_OK) {
		l.in_fd = j.in.fd;
		l.want_input = 1;
		st = loop_run(&l);
	}
	st = loop_finish(&l, st);
	input_close(&j.in);
	return st;
}
