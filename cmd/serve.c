/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool serve GROUP -- COMMAND [ARG...]: answer ask's requests in
 * GROUP by running COMMAND once for each, the request on its stdin, its
 * stdout and status the reply. askp.c holds the rules (what to do with
 * a request, when to cancel); this file runs them with the session, the
 * loop and proc.c.
 *
 * COMMAND leads a process group of its own, as --exec's handler does:
 * --exec-timeout, a cancelled request and the end of serve stop all of
 * it, not only the shell that started the rest.
 *
 * Every request is acknowledged from its delivery, before COMMAND runs.
 * The session's send queue is the only one (bounded: SESS_QUEUE_MAX).
 * Acks and refusals go to it at once while it has room; a request that
 * comes when it has none is dropped unanswered (no ack, never run) and
 * counted on stderr, so that a requester that floods us costs a bounded
 * amount of memory, not 130 bytes a request. A reply goes to it only when
 * it is empty, so that an ack never waits behind more than one reply
 * (askp.c: the ack clock); until then the reply stays with its job,
 * which keeps its --jobs slot: replies waiting are at most --jobs.
 */

#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "askp.h"
#include "cpgtool.h"
#include "daemons.h"
#include "enc.h"
#include "event.h"
#include "loop.h"
#include "opt.h"
#include "out.h"
#include "proc.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

#define KILL_AFTER	5.0		/* seconds, --kill-after's default */
#define MAX_REPLY	(4UL << 20)	/* --max-reply's default */
#define MAX_REPLY_MAX	(1UL << 30)	/* ... and its most: one message */
#define MAX_QUEUE	64UL		/* --max-queue's default */
#define QUEUE_BYTES	(256UL << 20)	/* the payloads that may wait */
#define ID_MAX		36		/* "4294967295:4294967295:4294967295" */

struct serve;

/* A request, waiting or running. */
struct request {
	struct request	*next;
	struct serve	*sv;
	struct askp_id	 id;
	char		 idstr[ID_MAX];
	char		*payload;	/* while it waits */
	size_t		 len;
	struct proc	*proc;		/* while it runs */
	char		*reply;		/* the reply, while the session */
	size_t		 rlen;		/* is not ready for it */
	int		 cancelled;
	int64_t		 started;
	struct timer	 timeout;	/* --exec-timeout */
};

struct serve {
	struct loop	*loop;
	struct sess	*s;
	struct cpg_name	 group;
	char		 gname[GROUP_STR_MAX];
	char		**argv;		/* COMMAND */
	unsigned long	 jobs;
	unsigned long	 max_queue;
	size_t		 max_reply;
	double		 exec_timeout;
	double		 kill_after;
	int		 verbose;
	struct request	*queue;		/* waiting, in delivery order */
	struct request	**qtail;
	size_t		 nqueued;
	size_t		 qbytes;
	struct request	*running;
	size_t		 nrunning;
	struct request	*replying;	/* done, the reply waiting, in order */
	struct request	**rtail;
	size_t		 nreplying;
	unsigned long	 dropped;	/* requests dropped, not said yet */
	int		 stopping;	/* the exit status, once stopping */
	struct timer	 deadline;	/* -t */
	double		 timeout;
};

static const struct optdef serve_defs[] = {
	{ "jobs", 'j', "count", "run up to COUNT commands at once "
	    "(default 1)", OPT_COUNT(struct serve, jobs), .more = 1 },
	{ "exec-timeout", OPT_EXEC_TIMEOUT, "seconds", "stop COMMAND after "
	    "SECONDS (status 124)", OPT_SECONDS(struct serve, exec_timeout) },
	{ "kill-after", OPT_KILL_AFTER, "seconds", "SIGKILL a stopped "
	    "COMMAND after SECONDS\n(default 5)",
	    OPT_SECONDS(struct serve, kill_after) },
	{ "max-reply", OPT_MAX_REPLY, "size", "keep this much of COMMAND's "
	    "output\n(default 4M, at most 1G)",
	    OPT_SIZE(struct serve, max_reply), .max = MAX_REPLY_MAX,
	    .most = "1G" },
	{ "max-queue", OPT_MAX_QUEUE, "count", "requests that may wait "
	    "(default 64)", OPT_COUNT(struct serve, max_queue) },
	{ "verbose", 'v', NULL, "a line per request on standard error",
	    OPT_FLAG(struct serve, verbose) },
	{ "reconnect", 'r', NULL, "ride out a corosync restart",
	    OPT_FLAG(struct runopts, reconnect), .to = TO_RUN },
	OPTDEF_END
};
const struct optdef *const serve_opts[] = {
	serve_defs, opts_run, opts_intrusive, NULL
};

static void
say(struct serve *sv, enum served what, const struct request *j, int status,
    size_t size, int cut)
{
	if (!sv->verbose)
		return;
	out_served(sink_stderr, what, j->idstr, status, size, cut,
	    (double)(loop_now() - j->started) / SEC);
	sink_flush(sink_stderr);
}

static void free_request(struct request *);

/*
 * Whether the session takes len bytes more without refusing them: under
 * its bound, or anything when it holds nothing.
 */
static int
room(const struct serve *sv, size_t len)
{
	size_t q = sess_queued(sv->s);

	return q == 0 || (q < SESS_QUEUE_MAX && len <= SESS_QUEUE_MAX - q);
}

/* To the session; a failure ends serve (said). */
static int
send_msg(struct serve *sv, const char *buf, size_t len)
{
	int st;

	if ((st = sess_send(sv->s, buf, len)) != ST_OK)
		loop_stop(sv->loop, st);
	return st == ST_OK;
}

/* A request dropped unanswered: the first of a run is said, all counted. */
static void
drop_request(struct serve *sv, const struct request *j)
{
	if (sv->dropped++ == 0)
		warnx("request %s dropped unanswered: %zu bytes wait for "
		    "corosync already (the send queue is full)", j->idstr,
		    sess_queued(sv->s));
}

static void
say_dropped(struct serve *sv)
{
	if (sv->dropped > 1)
		warnx("%lu requests dropped unanswered while the send queue "
		    "was full", sv->dropped);
	sv->dropped = 0;
}

/* An ack, if the session has room: 1 sent, 0 no room, -1 failed. */
static int
send_ack(struct serve *sv, const struct request *j, int addressed)
{
	char buf[64];
	size_t n;

	n = askp_ack_msg(buf, sizeof(buf), &j->id, addressed);
	if (sv->s == NULL || !room(sv, n))
		return 0;
	return send_msg(sv, buf, n) ? 1 : -1;
}

/* A refusal (status 125, nothing run), if the session has room. */
static void
send_refusal(struct serve *sv, const struct request *j)
{
	char hdr[64];
	size_t h;

	h = askp_reply_hdr(hdr, sizeof(hdr), &j->id, ASKP_ST_SERVE, 0);
	if (sv->s == NULL)
		return;
	if (!room(sv, h))
		drop_request(sv, j);
	else
		send_msg(sv, hdr, h);
}

/*
 * The replies that wait, in the order their COMMANDs ended, each when
 * the session is empty; a job sent frees its --jobs slot.
 */
static void
flush_replies(struct serve *sv)
{
	struct request *j;

	while ((j = sv->replying) != NULL && sv->s != NULL &&
	    sess_queued(sv->s) == 0) {
		if ((sv->replying = j->next) == NULL)
			sv->rtail = &sv->replying;
		sv->nreplying--;
		send_msg(sv, j->reply, j->rlen);
		free_request(j);
	}
}

/*
 * j's reply: to the session now if it is empty and no reply waits
 * before it, else kept with j (sv->replying). 1: j is done with, 0: it
 * waits for the session.
 */
static int
send_reply(struct serve *sv, struct request *j, int status, const char *data,
    size_t len, int cut)
{
	char hdr[64];
	size_t h;

	h = askp_reply_hdr(hdr, sizeof(hdr), &j->id, status, cut);
	if (len > MSG_MAX - h)
		len = MSG_MAX - h;
	if (sv->s == NULL)
		return 1;
	if ((j->reply = malloc(h + len)) == NULL) {
		warn("reply to %s", j->idstr);
		return 1;
	}
	memcpy(j->reply, hdr, h);
	if (len)
		memcpy(j->reply + h, data, len);
	j->rlen = h + len;
	j->next = NULL;
	*sv->rtail = j;
	sv->rtail = &j->next;
	sv->nreplying++;
	flush_replies(sv);
	return 0;
}

static void start_next(struct serve *);

static void
on_drained(void *arg, struct sess *s)
{
	struct serve *sv = arg;

	(void)s;
	say_dropped(sv);
	flush_replies(sv);
	start_next(sv);
}

static struct request *
new_request(struct serve *sv, const struct askp_msg *m)
{
	struct request *j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (m->len && (j->payload = malloc(m->len)) == NULL)) {
		warn("request");
		free(j);
		return NULL;
	}
	j->sv = sv;
	j->id = m->id;
	askp_id_str(j->idstr, sizeof(j->idstr), &m->id);
	if (m->len)
		memcpy(j->payload, m->payload, m->len);
	j->len = m->len;
	j->started = loop_now();
	return j;
}

static void
free_request(struct request *j)
{
	timer_del(&j->timeout);
	free(j->payload);
	free(j->reply);
	free(j);
}

static void
unlink_running(struct serve *sv, struct request *j)
{
	struct request **pp;

	for (pp = &sv->running; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			sv->nrunning--;
			return;
		}
}

static void
on_done(void *arg, struct proc *p, int status)
{
	struct request *j = arg;
	struct serve *sv = j->sv;
	const char *out;
	size_t len;
	int cut;

	unlink_running(sv, j);
	if (!j->cancelled && !sv->stopping) {
		out = proc_output(p, &len, &cut);
		if (proc_timed_out(p))
			status = ST_TIMEOUT;
		if (cut)
			warnx("the reply to %s is cut at %zu bytes "
			    "(--max-reply)", j->idstr, len);
		say(sv, SERVED_REPLY, j, status, len, cut);
		timer_del(&j->timeout);
		if (!send_reply(sv, j, status, out, len, cut))
			j = NULL;	/* it waits for the session */
	}
	if (j != NULL)
		free_request(j);
	if (sv->stopping && sv->nrunning == 0)
		loop_stop(sv->loop, sv->stopping);
	else
		start_next(sv);
}

static void
on_exec_timeout(struct loop *l, void *arg)
{
	struct request *j = arg;

	(void)l;
	proc_stop(j->proc);
}

/* COMMAND for j: its answer comes to on_done, or at once if not run. */
static void
run(struct serve *sv, struct request *j)
{
	char from[32], id[16 + ID_MAX], group[16 + GROUP_STR_MAX];
	char *env[] = { from, id, group, NULL };
	struct proc_opts po = {
		.argv = sv->argv, .env = env, .in = j->payload,
		.inlen = j->len, .outmax = sv->max_reply,
		.kill_after = (int64_t)(sv->kill_after * SEC),
		/* stopping it reaches what a `sh -c' COMMAND started */
		.pgroup = 1,
	};
	int st;

	snprintf(from, sizeof(from), "CPGTOOL_ASK_FROM=%u:%u", j->id.nodeid,
	    j->id.pid);
	snprintf(id, sizeof(id), "CPGTOOL_ASK_ID=%s", j->idstr);
	snprintf(group, sizeof(group), "CPGTOOL_GROUP=%s", sv->gname);
	j->started = loop_now();
	if ((st = proc_start(sv->loop, &po, on_done, j, &j->proc)) != ST_OK) {
		/* not found, not executable (said), or not started at all */
		if (st != ST_NOTFOUND && st != ST_NOEXEC)
			st = ASKP_ST_SERVE;
		say(sv, SERVED_REPLY, j, st, 0, 0);
		if (send_reply(sv, j, st, "", 0, 0))
			free_request(j);
		return;
	}
	/* the child has its copy of the request */
	free(j->payload);
	j->payload = NULL;
	j->next = sv->running;
	sv->running = j;
	sv->nrunning++;
	timer_init(sv->loop, &j->timeout, on_exec_timeout, j);
	if (sv->exec_timeout > 0)
		timer_in(&j->timeout, (int64_t)(sv->exec_timeout * SEC));
}

static void
start_next(struct serve *sv)
{
	struct request *j;

	while (sv->nrunning + sv->nreplying < sv->jobs &&
	    (j = sv->queue) != NULL &&
	    !sv->stopping) {
		if ((sv->queue = j->next) == NULL)
			sv->qtail = &sv->queue;
		sv->nqueued--;
		sv->qbytes -= j->len;
		j->next = NULL;
		run(sv, j);
	}
}

static void
refuse(struct serve *sv, struct request *j)
{
	if (sv->nqueued >= sv->max_queue)
		warnx("request %s refused: the queue is full (--max-queue "
		    "%lu)", j->idstr, sv->max_queue);
	else
		warnx("request %s refused: the requests waiting hold %zu "
		    "bytes already", j->idstr, sv->qbytes);
	send_refusal(sv, j);
	say(sv, SERVED_BUSY, j, ASKP_ST_SERVE, 0, 0);
	free_request(j);
}

static void
on_request(struct serve *sv, const struct event *ev, const struct askp_msg *m)
{
	struct askp_load ld = {
		.running = sv->nrunning + sv->nreplying, .jobs = sv->jobs,
		.queued = sv->nqueued, .max_queue = sv->max_queue,
		.queued_bytes = sv->qbytes, .max_bytes = QUEUE_BYTES,
	};
	enum askp_verdict v;
	struct request *j;

	v = askp_serve(m, ADDR_OF(ev), ev->self_nodeid, &ld);
	if (v == SV_IGNORE || sv->stopping)
		return;
	if ((j = new_request(sv, m)) == NULL) {
		/* said; the asker is told it is no server */
		return;
	}
	switch (send_ack(sv, j, v != SV_SKIP)) {
	case 0:
		drop_request(sv, j);
		/* FALLTHROUGH */
	case -1:
		free_request(j);
		return;
	}
	switch (v) {
	case SV_SKIP:
		say(sv, SERVED_SKIP, j, 0, 0, 0);
		free_request(j);
		break;
	case SV_RUN:
		run(sv, j);
		break;
	case SV_QUEUE:
		*sv->qtail = j;
		sv->qtail = &j->next;
		sv->nqueued++;
		sv->qbytes += j->len;
		break;
	default:
		refuse(sv, j);
	}
}

static int
asked_by(const struct request *j, const struct cpg_address *a)
{
	return addr_eq(ADDR_OF(&j->id), ADDR_OF(a));
}

/* The replies waiting for the session: to askers that left, or all. */
static void
drop_replies(struct serve *sv, const struct cpg_address *a)
{
	struct request **pp, *j;

	for (pp = &sv->replying; (j = *pp) != NULL;) {
		if (a != NULL && !asked_by(j, a)) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		sv->nreplying--;
		free_request(j);
	}
	sv->rtail = pp;
}

/* An asker left (or all did: a == NULL): nobody awaits its answers. */
static void
cancel(struct serve *sv, const struct cpg_address *a)
{
	struct request **pp, *j;

	for (pp = &sv->queue; (j = *pp) != NULL;) {
		if (a != NULL && !asked_by(j, a)) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		sv->nqueued--;
		sv->qbytes -= j->len;
		say(sv, SERVED_CANCEL, j, 0, 0, 0);
		free_request(j);
	}
	sv->qtail = pp;
	for (j = sv->running; j != NULL; j = j->next) {
		if (j->cancelled || (a != NULL && !asked_by(j, a)))
			continue;
		j->cancelled = 1;
		say(sv, SERVED_CANCEL, j, 0, 0, 0);
		proc_stop(j->proc);
	}
	drop_replies(sv, a);
}

/* The loop has ended: what is left goes, COMMANDs still running too. */
static void
finish(struct serve *sv)
{
	struct request *j;

	drop_replies(sv, NULL);
	say_dropped(sv);
	while ((j = sv->queue) != NULL) {
		sv->queue = j->next;
		free_request(j);
	}
	while ((j = sv->running) != NULL) {
		sv->running = j->next;
		proc_free(j->proc);
		free_request(j);
	}
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct serve *sv = arg;
	struct askp_msg m;
	size_t i;

	(void)s;
	switch (ev->type) {
	case EV_MESSAGE:
		if (askp_parse(ev->data, ev->len, &m) && m.kind == ASKM_REQ)
			on_request(sv, ev, &m);
		break;
	case EV_CONFCHG:
		for (i = 0; i < ev->nleft; i++)
			cancel(sv, &ev->left[i]);
		start_next(sv);		/* replies dropped free their slots */
		break;
	case EV_GAP:
		/* back after a corosync restart: every asker saw us go */
		cancel(sv, NULL);
		break;
	default:
		break;
	}
}

/*
 * Stop: leave at once, so askers see it; stop the COMMANDs running and
 * end when they have.
 */
static void
stop(struct serve *sv, int status)
{
	if (sv->stopping) {
		loop_stop(sv->loop, sv->stopping);
		return;
	}
	sv->stopping = status;
	if (sv->s != NULL)
		sess_leave(sv->s, 0);
	cancel(sv, NULL);
	if (sv->nrunning == 0)
		loop_stop(sv->loop, status);
}

/* -t: time is up, as for a signal (the loop's deadline would not wait) */
static void
on_deadline(struct loop *l, void *arg)
{
	struct serve *sv = arg;

	(void)l;
	warnx("timed out after %g seconds", sv->timeout);
	stop(sv, ST_TIMEOUT);
}

static void
on_signal(struct loop *l, void *arg, int sig)
{
	(void)l;
	stop(arg, ST_SIGNAL + sig);
}

static void
on_lost(void *arg, struct sess *s)
{
	struct serve *sv = arg;

	(void)s;
	sv->s = NULL;
	stop(sv, ST_CONN);
}

/* GROUP [--] COMMAND, once the options are read: ST_OK or ST_USAGE. */
static int
operands(struct serve *sv, const struct runopts *ro, int argc, char **argv)
{
	int dashes;

	if (argc == 0) {
		usage_error("serve needs a group and a command");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &sv->group) != OPT_TAKEN ||
	    daemon_refuse(&sv->group, 1, ro->intrusive) == -1)
		return ST_USAGE;
	enc_group_str(&sv->group, sv->gname, sizeof(sv->gname));
	if ((dashes = argc > 1 && strcmp(argv[1], "--") == 0)) {
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage_error("serve needs a command to run");
		return ST_USAGE;
	}
	/* "serve GROUP -v -- CMD": the options were meant for serve */
	if (argv[1][0] == '-') {
		usage_error(dashes ? "a command cannot start with '-': '%s'" :
		    "options go before the group: '%s' would be the command",
		    argv[1]);
		return ST_USAGE;
	}
	sv->argv = argv + 1;
	return ST_OK;
}

int
cmd_serve(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = {
		.event = on_event, .drained = on_drained, .lost = on_lost,
	};
	struct serve sv = {
		.jobs = 1, .max_queue = MAX_QUEUE, .max_reply = MAX_REPLY,
		.kill_after = KILL_AFTER,
	};
	struct runopts ro;
	struct optdest to = { .cmd = &sv, .run = &ro };
	int64_t t0 = loop_now();
	enum opt_res r;
	int st;

	/* -v's lines are text whatever the global -j says */
	(void)of;
	sv.qtail = &sv.queue;
	sv.rtail = &sv.replying;
	opt_init_run(&ro);
	/* stop at GROUP: what follows it is COMMAND's */
	if ((r = opt_parse(argc, argv, serve_opts, &to, 1)) != OPT_TAKEN)
		return opt_status(r);
	if ((st = operands(&sv, &ro, argc - optind, argv + optind)) != ST_OK)
		return st;
	/* nothing on stdout: COMMAND's goes into the replies */
	if ((sv.loop = run_loop(&ro, 0)) == NULL)
		return ST_FAIL;
	loop_on_signal(sv.loop, on_signal, &sv);
	timer_init(sv.loop, &sv.deadline, on_deadline, &sv);
	if ((st = sess_open(sv.loop, &sv.group, 1, &ro, &hooks, &sv,
	    &sv.s)) == ST_OK) {
		if ((sv.timeout = ro.timeout) > 0) {
			loop_deadline(sv.loop, 0);
			timer_in(&sv.deadline, (int64_t)(ro.timeout * SEC) -
			    (loop_now() - t0));
		}
		st = loop_run(sv.loop);
	}
	finish(&sv);
	return run_end(sv.loop, st);
}
