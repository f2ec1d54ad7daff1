/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool ask GROUP [MESSAGE]: multicast a request to GROUP, print each
 * server's reply as it arrives, and exit once every server the request
 * reached has replied or left. askp.c holds the rules (and the argument
 * that the account is exact); this file wires them to the session, the
 * loop and the output.
 */

#include <err.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "askp.h"
#include "cpgtool.h"
#include "daemons.h"
#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "input.h"
#include "loop.h"
#include "nodeinfo.h"
#include "opt.h"
#include "out.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

#define ACK_TIMEOUT	1.0	/* seconds, --ack-timeout's default */
#define MAX_REPLY	(4UL << 20)	/* --max-reply's default, as serve's */
#define MAX_REPLY_MAX	(1UL << 30)	/* ... and its most */

struct ask {
	struct loop	*loop;
	const struct outfmt *of;
	struct sess	*s;
	struct askp	 p;
	struct cpg_name	 group;
	struct input	 in;
	int		 reading;	/* -f: the request comes from in */
	const char	*msg;		/* MESSAGE, or NULL */
	const char	*file;		/* -f */
	int		 quiet;
	int		 names;
	int		 nodes_st;	/* --nodes refused: its status */
	double		 timeout;	/* -t */
	double		 ack_timeout;
	size_t		 max_reply;	/* --max-reply */
	uint32_t	 nodes[ASKP_NODES_MAX];
	size_t		 nnodes;
	unsigned long	 want;		/* --replies, --first */
	int		 timed_out;
	struct timer	 tick;		/* askp_tick is due */
	struct timer	 deadline;	/* -t */
	struct nodeinfo	 ni[CPG_MEMBERS_MAX];	/* -N: looked up once */
	size_t		 nni;
};

static struct nodeinfo *
node_info(struct ask *a, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < a->nni; i++)
		if (a->ni[i].nodeid == nodeid)
			return &a->ni[i];
	if (a->nni == CPG_MEMBERS_MAX)
		return NULL;
	sess_nodeinfo(a->s, nodeid, &a->ni[a->nni]);
	return &a->ni[a->nni++];
}

static void
send_msg(struct ask *a, const void *buf, size_t len)
{
	int st;

	if ((st = sess_send(a->s, buf, len)) != ST_OK)
		loop_stop(a->loop, st);
}

static void print_reply(struct ask *, const struct event *,
    const struct askp_msg *);

/*
 * Do what the rules said (print the reply delivered: ev and m, a probe,
 * the end), and come back when they want to look again.
 */
static void
perform(struct ask *a, const struct event *ev, const struct askp_msg *m)
{
	const struct askp_act *x;
	int64_t next;
	size_t i, n;

	x = askp_actions(&a->p, &n);
	for (i = 0; i < n; i++)
		switch (x[i].kind) {
		case ASKA_PRINT:
			print_reply(a, ev, m);
			break;
		case ASKA_SEND:
			send_msg(a, x[i].msg, x[i].len);
			break;
		case ASKA_DONE:
			loop_stop(a->loop, ST_OK);
			break;
		}
	askp_clear(&a->p);
	if ((next = askp_next(&a->p)) != 0)
		timer_in(&a->tick, next - loop_now());
	else
		timer_stop(&a->tick);
}

static void
on_tick(struct loop *l, void *arg)
{
	struct ask *a = arg;

	(void)l;
	askp_tick(&a->p, loop_now());
	perform(a, NULL, NULL);
}

static void
print_reply(struct ask *a, const struct event *ev, const struct askp_msg *m)
{
	struct reply r = {
		.time = ev->time, .nodeid = ev->nodeid, .pid = ev->pid,
		.status = m->status, .cut = m->cut, .data = m->payload,
		.len = m->len,
	};

	if (a->names)
		r.ni = node_info(a, ev->nodeid);
	/* a member that answers as a server may send any size */
	if (r.len > a->max_reply) {
		r.len = a->max_reply;
		r.cut = 1;
		warnx("the reply of %u:%u was cut at %zu bytes (--max-reply; "
		    "it had %zu)", ev->nodeid, ev->pid, r.len, m->len);
	}
	out_reply(sink_stdout, a->of, &a->group, &r);
	if (m->cut)
		warnx("the reply of %u:%u was cut at %zu bytes (its "
		    "--max-reply)", ev->nodeid, ev->pid, m->len);
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct ask *a = arg;
	const struct askp_member *who;
	int64_t now = loop_now();
	struct askp_msg m;

	switch (ev->type) {
	case EV_CONFCHG:
		twin_confchg(s, ev);
		askp_confchg(&a->p, ev->members, ev->nmembers, ev->left,
		    ev->nleft, now);
		break;
	case EV_TOTEM:
		askp_ring(&a->p, now);
		break;
	case EV_MESSAGE:
		if (askp_parse(ev->data, ev->len, &m)) {
			askp_deliver(&a->p, ADDR_OF(ev), &m, now, &who);
			perform(a, ev, &m);
			return;
		}
		break;
	default:
		break;
	}
	perform(a, NULL, NULL);
}

/* The request: its header line, then the payload. */
static void
request(struct ask *a, const void *payload, size_t len)
{
	char hdr[ASKP_HDR_MAX], name[GROUP_STR_MAX];
	size_t h;
	char *buf;

	h = askp_request_hdr(&a->p, hdr, sizeof(hdr));
	if (len > MSG_MAX - h) {
		enc_group_str(&a->group, name, sizeof(name));
		warnx("cannot ask '%s': the request (%zu bytes) is over "
		    "corosync's limit of %zu bytes", name, len + h, MSG_MAX);
		loop_stop(a->loop, ST_FAIL);
		return;
	}
	if ((buf = malloc(h + len)) == NULL) {
		warn("request");
		loop_stop(a->loop, ST_FAIL);
		return;
	}
	memcpy(buf, hdr, h);
	if (len)
		memcpy(buf + h, payload, len);
	send_msg(a, buf, h + len);
	free(buf);
}

static void
on_input(struct loop *l, void *arg, short revents)
{
	struct ask *a = arg;
	const char *m;
	size_t n;

	(void)revents;
	if (input_read(&a->in) == -1) {
		loop_stop(l, ST_FAIL);
		return;
	}
	if (!input_next(&a->in, &m, &n))
		return;
	loop_fd_del(l, a->in.fd);
	request(a, m, n);
	input_take(&a->in);
}

/* -t: name those still awaited, in one line. */
static void
on_deadline(struct loop *l, void *arg)
{
	struct ask *a = arg;
	struct cpgt_addr w[CPG_MEMBERS_MAX];
	char list[1024];
	size_t i, n, len = 0;

	n = askp_awaited(&a->p, w, CPG_MEMBERS_MAX);
	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s%u:%u", len ? ", " : "", w[i].nodeid, w[i].pid);
	if (!askp_started(&a->p))
		warnx("timed out after %g seconds before the request was "
		    "delivered", a->timeout);
	else
		warnx("timed out after %g seconds waiting for %s", a->timeout,
		    len ? list : "nothing");
	a->timed_out = 1;
	loop_stop(l, ST_TIMEOUT);
}

/*
 * "1,node3": node ids or names, each once. ST_OK, or the status said:
 * ST_USAGE for a bad list or a name not in corosync's nodelist.
 */
static int
parse_nodes(struct ask *a, const char *arg)
{
	char word[256];
	int st;

	st = node_ids(arg, a->nodes, ASKP_NODES_MAX, &a->nnodes, word,
	    sizeof(word));
	if (st == NODES_UNKNOWN)
		usage_error("--nodes: no node '%s' in corosync's nodelist",
		    word);
	else if (st == NODES_BADID)
		usage_error("--nodes needs node ids from 1 to 4294967295, "
		    "not '%s'", word);
	else if (st == NODES_BAD)
		usage_error("--nodes needs node ids or names separated by "
		    "commas (at most %d), not '%s'", ASKP_NODES_MAX, arg);
	return st < 0 ? ST_USAGE : st;
}

/*
 * --nodes: refused as a usage error, or when corosync cannot be asked
 * for a name, with its status kept for cmd_ask.
 */
static enum opt_res
nodes_opt(void *arg, const struct optdef *d, const char *list)
{
	struct ask *a = arg;

	(void)d;
	a->nodes_st = parse_nodes(a, list);
	return a->nodes_st == ST_OK ? OPT_TAKEN : OPT_BAD;
}

static enum opt_res
first_opt(void *arg, const struct optdef *d, const char *unused)
{
	struct ask *a = arg;

	(void)d;
	(void)unused;
	a->want = 1;
	return OPT_TAKEN;
}

static const struct optdef ask_defs[] = {
	{ "file", 'f', "file", "the request is FILE's contents (- for\n"
	    "standard input)", OPT_STR(struct ask, file) },
	{ "first", OPT_FIRST, NULL, "exit after the first reply",
	    OPT_FN(first_opt) },
	{ "replies", OPT_REPLIES, "count", "exit after COUNT replies",
	    OPT_COUNT(struct ask, want), .more = 1 },
	{ "nodes", OPT_NODES, "list", "ask only the servers on these nodes,"
	    "\nids or names (1,node3)", OPT_FN(nodes_opt) },
	{ "ack-timeout", OPT_ACK_TIMEOUT, "seconds", "a member that has not "
	    "acknowledged by then\nis not a server (default 1)",
	    OPT_SECONDS(struct ask, ack_timeout) },
	{ "max-reply", OPT_MAX_REPLY, "size", "keep this much of each reply "
	    "(default 4M,\nat most 1G)", OPT_SIZE(struct ask, max_reply),
	    .max = MAX_REPLY_MAX, .most = "1G" },
	{ "quiet", 'q', NULL, "no summary line on standard error",
	    OPT_FLAG(struct ask, quiet) },
	{ "names", 'N', NULL, "add each server's node name",
	    OPT_FLAG(struct ask, names) },
	{ "json", 'j', NULL, "print JSON Lines",
	    OPT_FLAG(struct outfmt, json), .to = TO_FMT },
	{ "encoding", 'e', "encoding", "payloads as text, base64 or hex",
	    OPT_FN(opt_fmt), .to = TO_FMT },
	{ "timestamps", 'T', NULL, "add the local receive time",
	    OPT_FLAG(struct outfmt, stamps), .to = TO_FMT },
	OPTDEF_END
};
const struct optdef *const ask_opts[] = {
	ask_defs, opts_run, opts_intrusive, NULL
};

/* GROUP [MESSAGE], once the options are read: ST_OK or ST_USAGE. */
static int
operands(struct ask *a, const struct runopts *ro, int argc, char **argv)
{
	if (argc < 1 || argc > 2) {
		usage_error(argc < 1 ? "ask needs a group" : "ask takes one "
		    "message (quote it)");
		return ST_USAGE;
	}
	if (argc == 2 && a->file != NULL) {
		usage_error("a message as an argument excludes -f");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &a->group) != OPT_TAKEN ||
	    daemon_refuse(&a->group, 1, ro->intrusive) == -1)
		return ST_USAGE;
	a->msg = argc == 2 ? argv[1] : NULL;
	a->timeout = ro->timeout;
	return ST_OK;
}

/* Once joined: the deadline from now on is ours, then the request. */
static int
begin(struct ask *a, int64_t t0)
{
	struct askp_id id = { sess_nodeid(a->s), (uint32_t)getpid(), 1 };
	int64_t left;

	askp_init(&a->p, &id, a->nodes, a->nnodes, a->want,
	    (int64_t)(a->ack_timeout * SEC));
	timer_init(a->loop, &a->tick, on_tick, a);
	timer_init(a->loop, &a->deadline, on_deadline, a);
	if (a->timeout > 0) {
		/* the loop's deadline covered connecting; ours names names */
		left = (int64_t)(a->timeout * SEC) - (loop_now() - t0);
		loop_deadline(a->loop, 0);
		timer_in(&a->deadline, left);
	}
	if (a->reading)
		return loop_fd(a->loop, a->in.fd, POLLIN, on_input, a);
	request(a, a->msg, a->msg ? strlen(a->msg) : 0);
	return ST_OK;
}

static void
summary(struct ask *a)
{
	struct askp_counts c;

	askp_count(&a->p, &c);
	out_ask_summary(sink_stderr, &c, a->timed_out || !askp_done(&a->p) ?
	    "missing" : "not waited for");
	sink_flush(sink_stderr);
}

int
cmd_ask(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = { .event = on_event };
	static struct ask a;
	struct runopts ro;
	struct optdest to = { .cmd = &a, .run = &ro, .fmt = of };
	int64_t t0 = loop_now();
	enum opt_res r;
	int st;

	opt_init_run(&ro);
	a.of = of;
	a.ack_timeout = ACK_TIMEOUT;
	a.max_reply = MAX_REPLY;
	if ((r = opt_parse(argc, argv, ask_opts, &to, 0)) != OPT_TAKEN)
		return a.nodes_st != ST_OK ? a.nodes_st : opt_status(r);
	if ((st = operands(&a, &ro, argc - optind, argv + optind)) != ST_OK)
		return st;
	if (a.file != NULL) {
		if ((st = input_open(&a.in, a.file, IN_WHOLE)) != ST_OK)
			return st;
		a.reading = 1;
	}
	if ((a.loop = run_loop(&ro, 1)) == NULL) {
		st = ST_FAIL;
		goto done;
	}
	if ((st = sess_open(a.loop, &a.group, 1, &ro, &hooks, &a,
	    &a.s)) == ST_OK && (st = begin(&a, t0)) == ST_OK)
		st = loop_run(a.loop);
	/* the last replies before the leave's round trip, not after it */
	if (sink_flush(sink_stdout) == -1 && !sink_broken(sink_stdout)) {
		warn("write");
		if (st == ST_OK)
			st = ST_FAIL;
	}
	/*
	 * ST_OK before the end: the reader of the output went away, a
	 * quiet end as for every command
	 */
	if (askp_started(&a.p) && !a.quiet && (askp_done(&a.p) ||
	    a.timed_out || st >= ST_SIGNAL))
		summary(&a);
	if (st == ST_OK && askp_done(&a.p))
		st = askp_status(&a.p);
	st = run_end(a.loop, st);
done:
	if (a.reading)
		input_close(&a.in);
	return st;
}
