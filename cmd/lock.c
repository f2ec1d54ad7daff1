/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool lock NAME [COMMAND...]: mutual exclusion (or a semaphore) for
 * shell scripts, on CPG's total order. The protocol, and why it holds,
 * is at the top of lockq.c, and its rules are lockp.c, which does no I/O
 * and reads no clock; this file wires them to the session, votequorum,
 * the loop, COMMAND (proc.c) and the output, and does what they say.
 */

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpgtool.h"
#include "daemons.h"
#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "lockp.h"
#include "lockq.h"
#include "loop.h"
#include "opt.h"
#include "out.h"
#include "proc.h"
#include "quorum.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

#define KILL_AFTER	5.0

/*
 * CPGTOOL_LOCK_TRACE=FILE: every input the rules are given and every
 * action they ask for, a line each, stamped with the wall clock in ms
 * (shared by the nodes of one host), for finding why a run on a real
 * cluster did what it did (tests/cluster/lock.bats prints them on a failure).
 */
static FILE *trace_f;

static void __attribute__((format(printf, 1, 2)))
trace(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (trace_f == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(trace_f, "%lld.%03ld %d ", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000000, (int)getpid());
	va_start(ap, fmt);
	vfprintf(trace_f, fmt, ap);
	va_end(ap);
	fputc('\n', trace_f);
	fflush(trace_f);
}

/* a message's text, its bytes outside printable ASCII as '.' */
static void
trace_msg(const char *what, uint32_t node, uint32_t pid, const char *p,
    size_t len)
{
	char buf[256];
	size_t i;

	if (trace_f == NULL)
		return;
	for (i = 0; i < len && i < sizeof(buf) - 1; i++)
		buf[i] = isprint((unsigned char)p[i]) ? p[i] : '.';
	buf[i] = '\0';
	trace("%s %u:%u %s", what, node, pid, buf);
}

static void
trace_list(char *buf, size_t size, const struct lp_member *m, size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%u:%u/%d",
		    i ? "," : "", m[i].a.nodeid, m[i].a.pid, m[i].reason);
}

_Static_assert(LQ_MAX == CPG_MEMBERS_MAX, "a lock's queue holds a group");
/* lockp.h names corosync's reasons without including cpg.h */
_Static_assert((int)LP_JOIN == (int)CPG_REASON_JOIN &&
    (int)LP_LEAVE == (int)CPG_REASON_LEAVE &&
    (int)LP_NODEDOWN == (int)CPG_REASON_NODEDOWN &&
    (int)LP_NODEUP == (int)CPG_REASON_NODEUP &&
    (int)LP_PROCDOWN == (int)CPG_REASON_PROCDOWN,
    "lockp.h's reasons are CPG's");

struct lock {
	struct loop	*loop;
	struct sess	*s;
	struct quorum	*qu;
	struct outfmt	*of;
	struct cpg_name	 name;
	char		 text[GROUP_STR_MAX];
	/* options */
	unsigned long	 limit;
	int		 nonblock;
	int		 verbose;
	int		 noquorum;
	int		 show;
	int		 names;
	double		 kill_after;
	char		**argv;		/* COMMAND, or NULL */
	/* the rules, and what they asked for */
	struct lp	*lp;
	struct proc	*child;
	struct timer	 tick_t;	/* lp_deadline */
	int		 exiting;	/* leave once the queue is sent */
	int		 gone;		/* the connection to corosync is lost */
	int		 send_failed;	/* ... found by a send */
	int		 status;	/* ... with this */
};

static enum opt_res
limit_opt(void *arg, const struct optdef *d, const char *limit)
{
	struct lock *lk = arg;

	(void)d;
	if (opt_count("--limit", limit, &lk->limit) != OPT_TAKEN)
		return OPT_BAD;
	if (lk->limit == 0 || lk->limit > LQ_MAX) {
		usage_error("--limit must be 1 to %d", LQ_MAX);
		return OPT_BAD;
	}
	return OPT_TAKEN;
}

static enum opt_res
kill_after_opt(void *arg, const struct optdef *d, const char *seconds)
{
	struct lock *lk = arg;

	(void)d;
	if (opt_seconds("--kill-after", seconds, &lk->kill_after) !=
	    OPT_TAKEN)
		return OPT_BAD;
	/* peers add it to a grace in milliseconds */
	if (lk->kill_after * 1000 > LQ_KILL_MS_MAX) {
		usage_error("--kill-after must be at most %u seconds",
		    LQ_KILL_MS_MAX / 1000);
		return OPT_BAD;
	}
	return OPT_TAKEN;
}

static const struct optdef lock_defs[] = {
	{ "limit", 'l', "limit", "up to LIMIT holders at once (1)",
	    OPT_FN(limit_opt) },
	{ "nonblock", 'n', NULL, "exit 5 at once if held by others",
	    OPT_FLAG(struct lock, nonblock) },
	{ "verbose", 'v', NULL, "acquired, released, lost on stderr",
	    OPT_FLAG(struct lock, verbose) },
	{ "json", 'j', NULL, "print JSON Lines",
	    OPT_FLAG(struct outfmt, json), .to = TO_FMT },
	{ "timestamps", 'T', NULL, "add the time to events",
	    OPT_FLAG(struct outfmt, stamps), .to = TO_FMT },
	{ "kill-after", OPT_KILL_AFTER, "seconds", "SIGKILL a lost COMMAND "
	    "after SECONDS (5)", OPT_FN(kill_after_opt) },
	{ "no-quorum", OPT_NO_QUORUM, NULL, "grant without quorum (split "
	    "brain possible)", OPT_FLAG(struct lock, noquorum) },
	{ "show", OPT_SHOW, NULL, "print the holders and waiters, then exit",
	    OPT_FLAG(struct lock, show) },
	{ "names", 'N', NULL, "with --show: add node names",
	    OPT_FLAG(struct lock, names) },
	OPTDEF_END
};
const struct optdef *const lock_opts[] = { lock_defs, opts_run, NULL };

/*
 * Without COMMAND events go to stdout; with it, -v puts them on stderr.
 * `acquired' carries the grant's fencing token.
 */
static void
event_line(struct lock *lk, enum lock_ev type, const char *reason)
{
	uint64_t tok = type == LOCK_ACQUIRED ? lp_token(lk->lp) : 0;

	if (lk->argv == NULL)
		out_lock_event_token(sink_stdout, lk->of, type, &lk->name,
		    reason, tok);
	else if (lk->verbose) {
		out_lock_event_token(sink_stderr, lk->of, type, &lk->name,
		    reason, tok);
		sink_flush(sink_stderr);
	}
}

/* --show: print what the state says, then go. */
static void
show(struct lock *lk)
{
	const struct lockq *st = lp_state(lk->lp);
	struct cpg_address a[LQ_MAX];
	struct nodeinfo *ni = NULL;
	size_t i;

	for (i = 0; i < st->nq; i++)
		a[i] = (struct cpg_address){ st->q[i].nodeid, st->q[i].pid,
		    0 };
	if (lk->names && (ni = calloc(st->nq + 1, sizeof(*ni))) == NULL) {
		warn("lock");
		loop_stop(lk->loop, ST_FAIL);
		return;
	}
	for (i = 0; ni != NULL && i < st->nq; i++)
		sess_nodeinfo(lk->s, a[i].nodeid, &ni[i]);
	out_lock_queue_token(sink_stdout, lk->of, &lk->name, st->limit, a,
	    st->nq, lq_holders(st), ni, st->tok);
	free(ni);
	loop_stop(lk->loop, ST_OK);
}

static void on_child(void *, struct proc *, int);

/*
 * COMMAND, with CPGTOOL_LOCK naming the lock and CPGTOOL_LOCK_TOKEN its
 * fencing token; proc.c makes it die with us, and says why it could not
 * start (with a shell's status).
 */
static int
spawn(struct lock *lk)
{
	char var[sizeof("CPGTOOL_LOCK=") + GROUP_STR_MAX];
	char tok[sizeof("CPGTOOL_LOCK_TOKEN=") + 20];
	char *env[] = { var, tok, NULL };
	struct proc_opts o = {
		.argv = lk->argv, .env = env,
		.kill_after = (int64_t)(lk->kill_after * SEC),
	};

	snprintf(var, sizeof(var), "CPGTOOL_LOCK=%s", lk->text);
	snprintf(tok, sizeof(tok), "CPGTOOL_LOCK_TOKEN=%llu",
	    (unsigned long long)lp_token(lk->lp));
	return proc_start(lk->loop, &o, on_child, lk, &lk->child);
}

/* Leave, but only once every message the rules said is on its way. */
static void
leave(struct lock *lk, int status)
{
	lk->exiting = 1;
	lk->status = status;
	if (lk->gone || sess_queued(lk->s) == 0)
		loop_stop(lk->loop, status);
}

static void
warn_line(struct lock *lk, const struct lp_act *a)
{
	if (a->n)
		warnx("lost lock '%s': %s", lk->text, a->text);
	else
		warnx("lock '%s': %s", lk->text, a->text);
}

/* The rules' lock events, as out.c names them. */
static enum lock_ev
lock_event(enum lp_ev ev)
{
	switch (ev) {
	case LP_EV_WAITING:
		return LOCK_WAITING;
	case LP_EV_ACQUIRED:
		return LOCK_ACQUIRED;
	case LP_EV_RELEASED:
		return LOCK_RELEASED;
	case LP_EV_LOST:
		break;
	}
	return LOCK_LOST;
}

static void
perform(struct lock *lk, const struct lp_act *a)
{
	int st;

	if (a->kind == LA_SEND)
		trace_msg("send", 0, 0, a->msg, a->len);
	else
		trace("act %d %d %s", (int)a->kind, a->n, a->text);
	switch (a->kind) {
	case LA_SEND:
		/*
		 * Without a connection there is nobody to tell. A send that
		 * fails is the connection going (corosync dies: the session
		 * may say so only later): the rules hear of it as from
		 * on_lost, once these actions are done, so that a holder
		 * still kills COMMAND and exits 6.
		 */
		if (!lk->gone && sess_send(lk->s, a->msg, a->len) != ST_OK)
			lk->gone = lk->send_failed = 1;
		break;
	case LA_SPAWN:
		if ((st = spawn(lk)) != ST_OK)
			loop_stop(lk->loop, st);
		break;
	case LA_STOP:
		if (lk->child != NULL)
			proc_stop(lk->child);
		break;
	case LA_SIGNAL:
		if (lk->child != NULL)
			proc_signal(lk->child, a->n);
		break;
	case LA_EVENT:
		/* held: -t no longer applies */
		if (a->n == LP_EV_ACQUIRED)
			loop_deadline(lk->loop, 0);
		event_line(lk, lock_event(a->n),
		    a->text[0] != '\0' ? a->text : NULL);
		break;
	case LA_WARN:
		warn_line(lk, a);
		break;
	case LA_SHOW:
		show(lk);
		break;
	case LA_EXIT:
		leave(lk, a->n);
		break;
	}
}

/* Do what the rules said, and come back when they want to look again. */
static void
carry_out(struct lock *lk)
{
	const struct lp_act *a;
	int64_t at, now;
	size_t i, n;

	a = lp_actions(lk->lp, &n);
	for (i = 0; i < n && !loop_done(lk->loop); i++)
		perform(lk, &a[i]);
	lp_clear(lk->lp);
	if (lk->send_failed) {
		lk->send_failed = 0;
		lp_conn_lost(lk->lp, loop_now());
		carry_out(lk);
		return;
	}
	if ((at = lp_deadline(lk->lp)) == 0)
		timer_stop(&lk->tick_t);
	else
		timer_in(&lk->tick_t, at > (now = loop_now()) ? at - now : 0);
}

static void
on_tick(struct loop *l, void *arg)
{
	struct lock *lk = arg;

	(void)l;
	trace("tick");
	lp_tick(lk->lp, loop_now());
	carry_out(lk);
}

static void
on_confchg(struct lock *lk, const struct event *ev)
{
	struct lp_member m[LQ_MAX], left[LQ_MAX], joined[LQ_MAX];
	struct lp_confchg c = { m, 0, left, 0, joined, 0 };
	size_t i;

	for (i = 0; i < ev->nmembers && i < LQ_MAX; i++)
		m[c.nmembers++] = (struct lp_member){ { ev->members[i].nodeid,
		    ev->members[i].pid }, (int)ev->members[i].reason };
	for (i = 0; i < ev->nleft && i < LQ_MAX; i++)
		left[c.nleft++] = (struct lp_member){ { ev->left[i].nodeid,
		    ev->left[i].pid }, (int)ev->left[i].reason };
	for (i = 0; i < ev->njoined && i < LQ_MAX; i++)
		joined[c.njoined++] = (struct lp_member){ { ev->joined[i].nodeid,
		    ev->joined[i].pid }, (int)ev->joined[i].reason };
	if (trace_f != NULL) {
		char mb[1024], lb[1024], jb[1024];

		trace_list(mb, sizeof(mb), m, c.nmembers);
		trace_list(lb, sizeof(lb), left, c.nleft);
		trace_list(jb, sizeof(jb), joined, c.njoined);
		trace("confchg members %s left %s joined %s", mb, lb, jb);
	}
	lp_confchg(lk->lp, &c, loop_now());
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct lock *lk = arg;
	struct lp_ring r = { ev->ring.nodeid, ev->ring.seq };

	(void)s;
	switch (ev->type) {
	case EV_MESSAGE:
		trace_msg("msg", ev->nodeid, ev->pid, ev->data, ev->len);
		lp_message(lk->lp, (struct cpgt_addr){ ev->nodeid, ev->pid },
		    ev->data, ev->len, loop_now());
		break;
	case EV_CONFCHG:
		on_confchg(lk, ev);
		break;
	case EV_TOTEM:
		trace("ring %u.%llu", r.nodeid, (unsigned long long)r.seq);
		lp_ring(lk->lp, &r, loop_now());
		break;
	default:
		return;
	}
	carry_out(lk);
}

static void
on_drained(void *arg, struct sess *s)
{
	struct lock *lk = arg;

	(void)s;
	if (lk->exiting)
		loop_stop(lk->loop, lk->status);
}

static void
on_child(void *arg, struct proc *p, int status)
{
	struct lock *lk = arg;

	(void)p;
	trace("child %d", status);
	lk->child = NULL;
	lp_child_ended(lk->lp, status, loop_now());
	carry_out(lk);
}

/* votequorum's verdict, for the ring it names. */
static void
on_quorum(void *arg, int quorate, int complete, uint32_t ring_node,
    uint64_t ring_seq)
{
	struct lock *lk = arg;
	struct lp_ring r = { ring_node, ring_seq };

	trace("quorum %d %d %u.%llu", quorate, complete, ring_node,
	    (unsigned long long)ring_seq);
	lp_quorum(lk->lp, quorate, complete, &r, loop_now());
	carry_out(lk);
}

static void
on_lost(void *arg, struct sess *s)
{
	struct lock *lk = arg;

	(void)s;
	/* nothing can be sent any more: go as soon as the rules say */
	trace("lost");
	lk->gone = 1;
	lp_conn_lost(lk->lp, loop_now());
	carry_out(lk);
}

/*
 * A signal (INT, TERM, HUP; lp_signal): a running COMMAND gets it, and we
 * end when it does; a lock held without COMMAND is let go (status 0); a
 * lock not held, or lost, is given up with 128 + the signal.
 */
static void
on_signal(struct loop *l, void *arg, int sig)
{
	struct lock *lk = arg;

	(void)l;
	trace("signal %d", sig);
	lp_signal(lk->lp, sig, loop_now());
	carry_out(lk);
}

/*
 * Without COMMAND the lock is held until standard input ends; input that
 * ends first still waits for the lock (-n and -t apply), then lets go at
 * once: `lock -n NAME </dev/null' asks whether NAME is free.
 */
static void
on_stdin(struct loop *l, void *arg, short revents)
{
	struct lock *lk = arg;
	char buf[4096];
	ssize_t n;

	(void)revents;
	if ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 ||
	    (n == -1 && (errno == EINTR || errno == EAGAIN)))
		return;
	loop_fd_del(l, STDIN_FILENO);
	lp_stdin_eof(lk->lp, loop_now());
	carry_out(lk);
}

static int
check(struct lock *lk, int argc, char **argv)
{
	const char *owner;

	if (argc == 0) {
		usage_error("lock needs a name");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &lk->name) != OPT_TAKEN)
		return ST_USAGE;
	enc_group_str(&lk->name, lk->text, sizeof(lk->text));
	/* its traffic would land among a daemon's members */
	if ((owner = daemon_owner(&lk->name)) != NULL) {
		usage_error("'%s' belongs to %s and cannot name a lock",
		    lk->text, owner);
		return ST_USAGE;
	}
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc > 1)
		lk->argv = argv + 1;
	if (lk->show && lk->argv) {
		usage_error("--show takes no COMMAND");
		return ST_USAGE;
	}
	if (lk->show && (lk->nonblock || lk->verbose || lk->limit != 1 ||
	    lk->noquorum || lk->kill_after != KILL_AFTER)) {
		usage_error("--show goes with only --json, --names, "
		    "--timestamps and --timeout");
		return ST_USAGE;
	}
	if (lk->names && !lk->show) {
		usage_error("--names goes with --show");
		return ST_USAGE;
	}
	if (lk->verbose && lk->argv == NULL) {
		usage_error("--verbose goes with a COMMAND (without one, "
		    "events are printed anyway)");
		return ST_USAGE;
	}
	return ST_OK;
}

static int
start(struct lock *lk, struct runopts *ro)
{
	static const struct sess_hooks hooks = {
		.event = on_event, .drained = on_drained, .lost = on_lost,
		.lock = 1,
	};
	struct lp_cfg cfg = {
		.limit = (unsigned)lk->limit, .noquorum = lk->noquorum,
		.show = lk->show, .nonblock = lk->nonblock,
		.command = lk->argv != NULL,
		.kill_ms = (uint32_t)(lk->kill_after * 1000),
	};
	struct cpgt_addr me;
	struct timespec ts;
	const char *path;
	int st;

	/* tokens from nothing start above the clock (lockq.c, Tokens) */
	clock_gettime(CLOCK_REALTIME, &ts);
	cfg.wall_off = (int64_t)ts.tv_sec * SEC + ts.tv_nsec - loop_now();

	if ((path = getenv("CPGTOOL_LOCK_TRACE")) != NULL && *path != '\0' &&
	    (trace_f = fopen(path, "ae")) == NULL)
		warn("%s", path);
	timer_init(lk->loop, &lk->tick_t, on_tick, lk);
	loop_on_signal(lk->loop, on_signal, lk);
	/*
	 * votequorum's connection is made while CPG's is, the join and our
	 * question go round: each costs an IPC connection. Nothing is
	 * dispatched before the quorum is known. --show asks votequorum
	 * too: a minority cannot know the holders.
	 */
	if (!lk->noquorum &&
	    (st = quorum_open_start(lk->loop, on_quorum, lk, &lk->qu)) != ST_OK)
		return st;
	if ((st = sess_open(lk->loop, &lk->name, 1, ro, &hooks, lk,
	    &lk->s)) != ST_OK)
		return st;
	me = (struct cpgt_addr){ sess_nodeid(lk->s), (uint32_t)getpid() };
	trace("start %u:%u", me.nodeid, me.pid);
	if ((lk->lp = lp_new(&cfg, me)) == NULL) {
		warn("lock");
		return ST_FAIL;
	}
	/* ask at once */
	lp_start(lk->lp, loop_now());
	carry_out(lk);
	if (lk->qu != NULL && (st = quorum_open_finish(lk->qu)) != ST_OK)
		return st;
	if (lk->argv == NULL && !lk->show &&
	    (st = loop_fd(lk->loop, STDIN_FILENO, POLLIN, on_stdin,
	    lk)) != ST_OK)
		return st;
	return ST_OK;
}

int
cmd_lock(int argc, char **argv, struct outfmt *of)
{
	struct lock lk = { .of = of, .limit = 1, .kill_after = KILL_AFTER };
	struct runopts ro;
	struct optdest to = { .cmd = &lk, .run = &ro, .fmt = of };
	enum opt_res r;
	int st, lst;

	opt_init_run(&ro);
	/* stop at NAME: what follows it is COMMAND's */
	if ((r = opt_parse(argc, argv, lock_opts, &to, 1)) != OPT_TAKEN)
		return opt_status(r);
	if ((st = check(&lk, argc - optind, argv + optind)) != ST_OK)
		return st;
	/* COMMAND owns stdout: it is left as it is, blocking */
	if ((lk.loop = run_loop(&ro, lk.argv == NULL)) == NULL)
		return ST_FAIL;
	if ((st = start(&lk, &ro)) == ST_OK)
		st = loop_run(lk.loop);
	/* an error ended the loop under COMMAND: it must not outlive */
	proc_free(lk.child);
	/* what comes after our leave is no concern of a lock's */
	if (lk.s != NULL && (lst = sess_leave(lk.s, 0)) != ST_OK && st == ST_OK)
		st = lst;
	quorum_close(lk.qu);
	timer_stop(&lk.tick_t);
	st = run_end(lk.loop, st);
	trace("exit %d", st);
	if (trace_f != NULL)
		fclose(trace_f);
	lp_free(lk.lp);
	return st;
}
