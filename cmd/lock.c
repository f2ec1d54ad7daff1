/*
 * cpgtool lock NAME [COMMAND...]: mutual exclusion (or a semaphore) for
 * shell scripts, on CPG's total order. The protocol, and why it holds,
 * is at the top of lockq.c; this file is the process around it: asking
 * for the state, acting on it, running COMMAND, quorum, the endings.
 */

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cpgtool.h"
#include "../lockq.h"
#include "../proc.h"
#include "../run.h"
#include "../sess.h"

#define ASK_EVERY	(2 * SEC)	/* a newcomer asks again after */
#define GRACE_MARGIN	(2 * SEC)	/* added to --kill-after */
#define PROCDOWN_GRACE	SEC		/* a SIGKILLed holder's COMMAND */
#define KILL_AFTER	5.0

static const struct optdef lock_defs[] = {
	{ "limit", 'l', "limit", "up to LIMIT holders at once (1)" },
	{ "nonblock", 'n', NULL, "exit 5 at once if held by others" },
	{ "verbose", 'v', NULL, "acquired, released, lost on stderr" },
	{ "json", 'j', NULL, "print JSON Lines" },
	{ "timestamps", 'T', NULL, "add the time to events" },
	{ "kill-after", OPT_KILL_AFTER, "seconds", "SIGKILL a lost COMMAND "
	    "after SECONDS (5)" },
	{ "no-quorum", OPT_NO_QUORUM, NULL, "grant without quorum (split "
	    "brain possible)" },
	{ "show", OPT_SHOW, NULL, "print the holders and waiters, then exit" },
	{ "names", OPT_NAMES, NULL, "with --show: add node names" },
	OPTDEF_END
};
const struct optdef *const lock_opts[] = { lock_defs, opts_run, NULL };

/* What an unsynced process keeps until a state tells it the rest. */
struct logent {
	enum lq_kind	 kind;		/* LQ_REQUEST, LQ_INIT; LQ_FOREIGN: left */
	struct lq_addr	 from;
	uint32_t	 seq;
	unsigned	 limit;
	int		 quorum;
	uint32_t	 kill_ms;
	int		 reason;	/* left: CPG_REASON_* */
	int64_t		 at;
};

struct member {
	struct lq_addr	 a;
	uint64_t	 since;		/* 0: there before our join */
	int		 old;		/* may know more than our log */
};

struct lock {
	struct loop	*loop;
	struct sess	*s;
	struct quorum	*qu;
	struct cpg_name	 name;
	char		 text[GROUP_STR_MAX];
	struct lq_addr	 me;
	/* options */
	unsigned long	 limit;
	int		 nonblock;
	int		 verbose;
	int		 noquorum;
	int		 show;
	int		 names;
	double		 kill_after;
	char		**argv;		/* COMMAND, or NULL */
	/* the protocol */
	struct lockq	 st;
	int		 synced;
	int		 joined;
	/* the group's members, lock processes or not, since when */
	struct member	 members[LQ_MAX];
	size_t		 nmembers;
	uint64_t	 ord;		/* events delivered so far */
	uint64_t	 init_ord;	/* ... when the latest init came */
	int		 from_join;	/* the log starts at our join */
	int64_t		 old_down_at;	/* an old member left by NODEDOWN */
	int64_t		 old_killed_at;	/* ... by PROCDOWN */
	int		 quorate;
	int		 complete;	/* every configured node is in */
	uint32_t	 seq;
	int		 asks;		/* since the last answer or init */
	uint32_t	 req_seq;	/* our latest request */
	int		 req_seen;	/* ... was delivered */
	uint32_t	 publish;	/* our query to answer, to all */
	int		 logging;
	struct logent	*log;
	size_t		 nlog;
	size_t		 caplog;
	int64_t		 grace_until;
	int		 warned_foreign;
	int		 warned_init;
	/* outgoing messages held back by flow control */
	char		*out[4];
	size_t		 nout;
	int		 stdin_eof;	/* no COMMAND: release once held */
	int		 handoff;	/* leaving: the state goes first */
	int		 final;		/* the status to leave with then */
	/* holding */
	int		 holding;
	int		 lost;
	struct proc	*child;		/* COMMAND, while it runs */
	struct timer	 ask_t;
	struct timer	 grace_t;
};

static void evaluate(struct lock *);

static int
is_me(const struct lock *lk, struct lq_addr a)
{
	return a.nodeid == lk->me.nodeid && a.pid == lk->me.pid;
}

/* Without COMMAND events go to stdout; with it, -v puts them on stderr. */
static void
event_line(struct lock *lk, enum lock_ev type, const char *reason)
{
	if (lk->argv == NULL)
		out_lock_event(sink_stdout, type, &lk->name, reason);
	else if (lk->verbose) {
		out_lock_event(sink_stderr, type, &lk->name, reason);
		sink_flush(sink_stderr);
	}
}

/* Send a protocol message, or keep it until flow control lets it go. */
static void
say(struct lock *lk, const char *msg, size_t len)
{
	int held, st;

	if (lk->nout == 0) {
		if ((st = sess_send(lk->s, msg, len, "message", lk->seq,
		    &held)) != ST_OK) {
			loop_stop(lk->loop, st);
			return;
		}
		if (!held)
			return;
	}
	if (lk->nout == sizeof(lk->out) / sizeof(lk->out[0]) ||
	    (lk->out[lk->nout] = strndup(msg, len)) == NULL) {
		warnx("lock '%s': too many messages held back", lk->text);
		loop_stop(lk->loop, ST_FAIL);
		return;
	}
	lk->nout++;
}

static void
on_writable(void *arg, struct sess *s)
{
	struct lock *lk = arg;
	int held, st;

	(void)s;
	while (lk->nout > 0) {
		if ((st = sess_send(lk->s, lk->out[0], strlen(lk->out[0]),
		    "message", lk->seq, &held)) != ST_OK) {
			loop_stop(lk->loop, st);
			return;
		}
		if (held)
			return;
		free(lk->out[0]);
		memmove(lk->out, lk->out + 1, --lk->nout * sizeof(lk->out[0]));
	}
	if (lk->handoff == 2)
		loop_stop(lk->loop, lk->final);
}

/* Ask for the state: a contender's request doubles as the question. */
static void
ask(struct lock *lk)
{
	char buf[64];
	size_t n;

	lk->seq++;
	lk->req_seq = lk->seq;
	lk->req_seen = 0;
	if (lk->show)
		n = lq_query_msg(buf, sizeof(buf), lk->seq);
	else
		n = lq_request_msg(buf, sizeof(buf), (unsigned)lk->limit,
		    !lk->noquorum, lk->seq, (uint32_t)(lk->kill_after * 1000));
	say(lk, buf, n);
	lk->asks++;
	timer_in(&lk->ask_t, ASK_EVERY);
}

/* Nobody newly promoted acts before a lost holder's COMMAND is dead. */
static void
grace_to(struct lock *lk, int64_t until)
{
	if (until > lk->grace_until)
		lk->grace_until = until;
}

/* ... which a node that left may run for its --kill-after */
static void
start_grace(struct lock *lk, int64_t from, int64_t kill_ms)
{
	grace_to(lk, from + kill_ms * MSEC + GRACE_MARGIN);
}

static void
forget(struct lock *lk)
{
	lq_reset(&lk->st);
	lk->synced = 0;
	lk->logging = 0;
	lk->nlog = 0;
	lk->from_join = 0;
}

/*
 * Start from nothing: alone in the group, or an init of ours. A holder
 * may still run on a configured node that is not a member: wait out the
 * grace. Its --kill-after is not known here: take ours (the man page asks
 * contenders of a lock to use one). Without quorum such a holder would
 * run on regardless: there is nothing to wait for.
 */
static void
start_empty(struct lock *lk)
{
	forget(lk);
	lk->synced = 1;
	lk->st.synced[lk->st.nsynced++] = lk->me;
	lk->asks = 0;
	timer_stop(&lk->ask_t);
	if (!lk->noquorum && !lk->complete)
		start_grace(lk, loop_now(), (int64_t)(lk->kill_after * 1000));
}

static void
answer(struct lock *lk, struct lq_addr from, uint32_t seq, int anyway)
{
	char buf[LQ_MSG_MAX + 1];
	struct lq_pend tag = { from, seq };
	struct lq_addr r;
	int64_t left = lk->grace_until - loop_now();
	size_t n;

	if (!anyway && (!lq_responder(&lk->st, &r) || !is_me(lk, r)))
		return;
	n = lq_state_msg(buf, sizeof(buf), &lk->st, &tag,
	    left > 0 ? (uint32_t)(left / MSEC) + 1 : 0);
	say(lk, buf, n);
}

/*
 * Tell the state to every member that keeps a log: ask a question of our
 * own, and answer it once delivered (every log holds it by then).
 */
static void
publish(struct lock *lk)
{
	char buf[64];

	lk->publish = ++lk->seq;
	say(lk, buf, lq_query_msg(buf, sizeof(buf), lk->seq));
}

/*
 * The end of a lock process that knows the state while others may wait
 * for it: hand it over first (lockq.c), then go. That is while newcomers
 * are pending, or while the group holds members that are not synced:
 * newcomers whose question is not delivered yet (or watchers: they
 * cannot be told apart). Every synced leaver does, not only the last:
 * under churn they all leave at once.
 */
static void
finish(struct lock *lk, int st)
{
	if (lk->handoff)
		return;
	if (!lk->synced || (lk->st.npend == 0 &&
	    lk->nmembers <= lk->st.nsynced)) {
		loop_stop(lk->loop, st);
		return;
	}
	lk->handoff = 1;
	lk->final = st;
	publish(lk);
	/* should it never come back, go all the same */
	timer_in(&lk->ask_t, ASK_EVERY);
}

static void
refused(struct lock *lk, enum lq_req r)
{
	if (r == LQ_FULL)
		warnx("lock '%s' has %d contenders already", lk->text, LQ_MAX);
	else
		warnx("lock '%s' is in use with --limit %u%s; this request "
		    "has --limit %lu%s", lk->text, lk->st.limit,
		    lk->st.quorum ? "" : " --no-quorum", lk->limit,
		    lk->noquorum ? " --no-quorum" : "");
	loop_stop(lk->loop, ST_FAIL);
}

static ssize_t
find_member(const struct lock *lk, struct lq_addr a)
{
	size_t i;

	for (i = 0; i < lk->nmembers; i++)
		if (lk->members[i].a.nodeid == a.nodeid &&
		    lk->members[i].a.pid == a.pid)
			return (ssize_t)i;
	return -1;
}

/* When a member came: 0 if it was there before our join. */
static uint64_t
member_since(const struct lock *lk, struct lq_addr a)
{
	ssize_t k = find_member(lk, a);

	return k >= 0 ? lk->members[k].since : 0;
}

/* A lock message, applied to a known state (the rules in lockq.c). */
static void
apply(struct lock *lk, const struct lq_msg *m, struct lq_addr from, int live)
{
	enum lq_req r;

	switch (m->kind) {
	case LQ_REQUEST:
		r = lq_request(&lk->st, from, m->limit, m->quorum, m->seq,
		    m->kill_ms);
		if ((r == LQ_MISMATCH || r == LQ_FULL) && is_me(lk, from))
			refused(lk, r);
		else if (live &&
		    lq_index(lk->st.synced, lk->st.nsynced, from) < 0)
			answer(lk, from, m->seq, 0);
		break;
	case LQ_QUERY:
		if (live && is_me(lk, from) && m->seq == lk->publish) {
			answer(lk, from, m->seq, 1);
			lk->publish = 0;
			if (lk->handoff) {
				lk->handoff = 2;
				if (lk->nout == 0)
					loop_stop(lk->loop, lk->final);
			}
		} else if (live &&
		    lq_index(lk->st.synced, lk->st.nsynced, from) < 0)
			answer(lk, from, m->seq, 0);
		break;
	case LQ_INIT:
		/* void if its sender saw an earlier one: it asks again */
		if (live && !is_me(lk, from) &&
		    member_since(lk, from) >= lk->init_ord &&
		    !lk->warned_init++)
			warnx("lock '%s': %u:%u started from nothing while "
			    "others knew the queue", lk->text, from.nodeid,
			    from.pid);
		if (live)
			lk->init_ord = lk->ord;
		break;
	case LQ_STATE:
		lq_answered(&lk->st, &m->st);
		break;
	default:
		break;
	}
}

/*
 * A holder that left without leaving (PROCDOWN: SIGKILLed) may not have
 * taken its COMMAND with it yet: the kernel closes a dying process's
 * corosync connection before it sends PR_SET_PDEATHSIG, so peers can
 * hear of the death first. A node that left may still run it for its
 * --kill-after.
 */
static void
remove_member(struct lock *lk, struct lq_addr a, int reason, int64_t at)
{
	int64_t kill_ms = lq_remove(&lk->st, a);

	if (kill_ms < 0)
		return;
	if (reason == CPG_REASON_NODEDOWN)
		start_grace(lk, at, kill_ms);
	else if (reason == CPG_REASON_PROCDOWN)
		grace_to(lk, at + PROCDOWN_GRACE);
}

static void
log_add(struct lock *lk, const struct logent *e)
{
	struct logent *v;
	size_t cap;

	if (lk->nlog == lk->caplog) {
		cap = lk->caplog ? lk->caplog * 2 : 32;
		if ((v = reallocarray(lk->log, cap, sizeof(*v))) == NULL) {
			warn("lock");
			loop_stop(lk->loop, ST_FAIL);
			return;
		}
		lk->log = v;
		lk->caplog = cap;
	}
	lk->log[lk->nlog++] = *e;
}

/* Apply the log's entries first..n-1 to the state we now know. */
static void
replay(struct lock *lk, size_t first, size_t n)
{
	const struct logent *e;
	struct lq_msg rm;
	size_t i;

	for (i = first; i < n; i++) {
		e = &lk->log[i];
		if (e->kind == LQ_FOREIGN) {
			remove_member(lk, e->from, e->reason, e->at);
			continue;
		}
		rm = (struct lq_msg){ .kind = e->kind, .seq = e->seq,
		    .limit = e->limit, .quorum = e->quorum,
		    .kill_ms = e->kill_ms };
		apply(lk, &rm, e->from, 0);
	}
}

/*
 * A state answering a message in our log: take it, replay what came
 * after that message, and we know what every synced member knows.
 */
static void
adopt(struct lock *lk, const struct lq_msg *m)
{
	size_t k;

	for (k = 0; k < lk->nlog; k++)
		if ((lk->log[k].kind == LQ_REQUEST ||
		    lk->log[k].kind == LQ_QUERY) &&
		    lk->log[k].from.nodeid == m->tag.a.nodeid &&
		    lk->log[k].from.pid == m->tag.a.pid &&
		    lk->log[k].seq == m->tag.seq)
			break;
	if (k == lk->nlog)
		return;
	lk->st = m->st;
	lk->grace_until = m->grace_ms ? loop_now() + m->grace_ms * MSEC : 0;
	replay(lk, k + 1, lk->nlog);
	lq_answered(&lk->st, &m->st);
	lk->synced = 1;
	lk->logging = 0;
	lk->nlog = 0;
	lk->asks = 0;
	timer_stop(&lk->ask_t);
}

/* An init: ours starts the state if nobody spoke first; else ask again. */
static void
on_init(struct lock *lk, struct lq_addr from)
{
	size_t i;

	for (i = 0; i < lk->nlog; i++)
		if (lk->log[i].kind == LQ_INIT)
			break;
	lk->init_ord = lk->ord;
	if (is_me(lk, from) && i == lk->nlog) {
		start_empty(lk);
		if (!lk->show)
			ask(lk);
		return;
	}
	/* it may hold a state we have not seen: only it can tell */
	lk->from_join = 0;
	lk->asks = 0;
	ask(lk);
}

/* Not synced: keep what is delivered, from our own first question on. */
static void
unsynced_msg(struct lock *lk, const struct lq_msg *m, struct lq_addr from)
{
	struct logent e = {
		.kind = m->kind, .from = from, .seq = m->seq,
		.limit = m->limit, .quorum = m->quorum, .kill_ms = m->kill_ms,
	};

	if (!lk->logging && is_me(lk, from) &&
	    (m->kind == LQ_REQUEST || m->kind == LQ_QUERY))
		lk->logging = 1;
	if (!lk->logging)
		return;
	if (m->kind == LQ_STATE) {
		adopt(lk, m);
		return;
	}
	if (m->kind == LQ_INIT) {
		on_init(lk, from);
		if (lk->synced)
			return;
	}
	log_add(lk, &e);
}

static void
on_message(struct lock *lk, const struct event *ev)
{
	struct lq_addr from = { ev->nodeid, ev->pid };
	static struct lq_msg m;

	if (!lq_parse(ev->data, ev->len, &m)) {
		if (!lk->warned_foreign++)
			warnx("lock '%s': ignoring a message from %u:%u that "
			    "is not lock traffic", lk->text, ev->nodeid,
			    ev->pid);
		return;
	}
	if (m.kind == LQ_REQUEST && is_me(lk, from) && m.seq == lk->req_seq)
		lk->req_seen = 1;
	if (lk->synced)
		apply(lk, &m, from, 1);
	else
		unsynced_msg(lk, &m, from);
}

static int
lowest(const struct cpg_address *a, size_t n, struct lq_addr *lo)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i == 0 || a[i].nodeid < lo->nodeid ||
		    (a[i].nodeid == lo->nodeid && a[i].pid < lo->pid))
			*lo = (struct lq_addr){ a[i].nodeid, a[i].pid };
	return n > 0;
}

static void lose(struct lock *, const char *);

/*
 * --no-quorum: partitions merged, each with a state of its own. The side
 * with the lowest member keeps its state; the others start over.
 */
static void
merged(struct lock *lk, const struct event *ev)
{
	struct lq_addr lo;
	size_t i;

	if (!lk->synced || !lk->noquorum || !lowest(ev->members,
	    ev->nmembers, &lo))
		return;
	for (i = 0; i < ev->njoined; i++)
		if (ev->joined[i].reason == CPG_REASON_NODEUP &&
		    ev->joined[i].nodeid == lo.nodeid &&
		    ev->joined[i].pid == lo.pid)
			break;
	if (i == ev->njoined)
		return;
	if (lk->holding) {
		lose(lk, "partitions merged");
		return;
	}
	forget(lk);
	ask(lk);
}

/*
 * Nobody answered, and every member that was there at our join is gone.
 * Whoever is left came after us and could learn a state only from a
 * message that we saw and would have taken, or from an init that we saw
 * (which stops this). So nobody knows more than our log: start from
 * nothing at our join, replay the log, and publish the result. A member
 * that comes in with its node (NODEUP) may bring a state from another
 * partition: it counts as there before us.
 */
static void
synthesize(struct lock *lk)
{
	size_t n = lk->nlog;

	/* start_empty keeps the log's memory: it is read, never added to */
	start_empty(lk);
	if (lk->old_down_at)
		start_grace(lk, lk->old_down_at,
		    (int64_t)(lk->kill_after * 1000));
	if (lk->old_killed_at)
		grace_to(lk, lk->old_killed_at + PROCDOWN_GRACE);
	replay(lk, 0, n);
	if (!lk->show)
		publish(lk);
}

static void
on_joined(struct lock *lk, const struct event *ev)
{
	lk->joined = 1;
	if (ev->nmembers == 1 && (lk->noquorum || lk->quorate || lk->show)) {
		start_empty(lk);
		return;
	}
	/*
	 * Our question was sent right after the join and comes later; keep
	 * what is delivered from here on: a state handed over before it
	 * answers a message logged here.
	 */
	lk->logging = 1;
	/*
	 * Only a log kept in a quorate partition can rebuild the state: a
	 * quorate side is the only one, and losing quorum forgets the log.
	 */
	lk->from_join = lk->noquorum || lk->quorate || lk->show;
	lk->old_down_at = 0;
	lk->old_killed_at = 0;
}

/*
 * Keep the member list: when each came, and whether it was there before
 * our join (then it may know more than our log).
 */
static void
members(struct lock *lk, const struct event *ev)
{
	struct member m[LQ_MAX];
	ssize_t k;
	size_t i, n;

	for (n = 0; n < ev->nmembers && n < LQ_MAX; n++) {
		m[n].a = (struct lq_addr){ ev->members[n].nodeid,
		    ev->members[n].pid };
		if ((k = find_member(lk, m[n].a)) >= 0) {
			m[n] = lk->members[k];
			continue;
		}
		m[n].since = lk->joined ? lk->ord : 0;
		m[n].old = !lk->joined && !is_me(lk, m[n].a);
		/* it comes with its node: it may bring a state */
		for (i = 0; i < ev->njoined; i++)
			if (ev->joined[i].nodeid == m[n].a.nodeid &&
			    ev->joined[i].pid == m[n].a.pid &&
			    ev->joined[i].reason == CPG_REASON_NODEUP)
				m[n].old = 1;
	}
	memcpy(lk->members, m, n * sizeof(m[0]));
	lk->nmembers = n;
}

static int
any_old(const struct lock *lk)
{
	size_t i;

	for (i = 0; i < lk->nmembers; i++)
		if (lk->members[i].old)
			return 1;
	return 0;
}

static void
on_confchg(struct lock *lk, const struct event *ev)
{
	struct logent e = { .kind = LQ_FOREIGN, .at = loop_now() };
	struct lq_addr a;
	ssize_t k;
	size_t i;

	for (i = 0; i < ev->nleft; i++) {
		a = (struct lq_addr){ ev->left[i].nodeid, ev->left[i].pid };
		if ((k = find_member(lk, a)) >= 0 && lk->members[k].old) {
			if (ev->left[i].reason == CPG_REASON_NODEDOWN)
				lk->old_down_at = e.at;
			if (ev->left[i].reason == CPG_REASON_PROCDOWN)
				lk->old_killed_at = e.at;
		}
		if (lk->synced)
			remove_member(lk, a, (int)ev->left[i].reason, e.at);
		else if (lk->logging) {
			e.from = a;
			e.reason = (int)ev->left[i].reason;
			log_add(lk, &e);
		}
	}
	members(lk, ev);
	for (i = 0; i < ev->njoined && !lk->joined; i++)
		if (is_me(lk, (struct lq_addr){ ev->joined[i].nodeid,
		    ev->joined[i].pid }))
			break;
	if (!lk->joined && i < ev->njoined) {
		on_joined(lk, ev);
		return;
	}
	if (!lk->synced && lk->from_join && !any_old(lk) &&
	    (lk->noquorum || lk->quorate || lk->show)) {
		synthesize(lk);
		return;
	}
	/* left alone before anyone answered: nobody else can know more */
	if (lk->joined && !lk->synced && ev->nmembers == 1 &&
	    (lk->noquorum || lk->quorate || lk->show)) {
		start_empty(lk);
		if (!lk->show)
			ask(lk);
		return;
	}
	merged(lk, ev);
}

static void
on_event(void *arg, struct sess *s, const struct event *ev)
{
	struct lock *lk = arg;

	(void)s;
	lk->ord++;
	if (ev->type == EV_MESSAGE)
		on_message(lk, ev);
	else if (ev->type == EV_CONFCHG)
		on_confchg(lk, ev);
	evaluate(lk);
}

/* --show: print what the state says, then go. */
static void
show(struct lock *lk)
{
	struct cpg_address a[LQ_MAX];
	struct nodeinfo *ni = NULL;
	size_t i;

	for (i = 0; i < lk->st.nq; i++)
		a[i] = (struct cpg_address){ lk->st.q[i].nodeid,
		    lk->st.q[i].pid, 0 };
	if (lk->names && (ni = calloc(lk->st.nq + 1, sizeof(*ni))) == NULL) {
		warn("lock");
		loop_stop(lk->loop, ST_FAIL);
		return;
	}
	for (i = 0; ni != NULL && i < lk->st.nq; i++)
		sess_nodeinfo(lk->s, a[i].nodeid, &ni[i]);
	out_lock_queue(sink_stdout, &lk->name, lk->st.limit, a, lk->st.nq,
	    lq_holders(&lk->st), ni);
	free(ni);
	loop_stop(lk->loop, ST_OK);
}

static void
on_child(void *arg, struct proc *p, int status)
{
	struct lock *lk = arg;

	(void)p;
	lk->child = NULL;
	if (lk->lost) {
		loop_stop(lk->loop, ST_LOST);
		return;
	}
	event_line(lk, LOCK_RELEASED, NULL);
	finish(lk, status);
}

/*
 * COMMAND, with CPGTOOL_LOCK naming the lock; proc.c makes it die with
 * us, and says why it could not start (with a shell's status).
 */
static int
spawn(struct lock *lk)
{
	char var[sizeof("CPGTOOL_LOCK=") + GROUP_STR_MAX];
	char *env[] = { var, NULL };
	struct proc_opts o = {
		.argv = lk->argv, .env = env,
		.kill_after = (int64_t)(lk->kill_after * SEC),
	};

	snprintf(var, sizeof(var), "CPGTOOL_LOCK=%s", lk->text);
	return proc_start(lk->loop, &o, on_child, lk, &lk->child);
}

static void
acquire(struct lock *lk)
{
	int st;

	lk->holding = 1;
	loop_deadline(lk->loop, 0);
	event_line(lk, LOCK_ACQUIRED, NULL);
	if (lk->argv != NULL && (st = spawn(lk)) != ST_OK)
		loop_stop(lk->loop, st);
	else if (lk->argv == NULL && lk->stdin_eof) {
		event_line(lk, LOCK_RELEASED, NULL);
		finish(lk, ST_OK);
	}
}

/* Held no longer: COMMAND gets SIGTERM now, SIGKILL after --kill-after. */
static void
lose(struct lock *lk, const char *why)
{
	if (!lk->holding || lk->lost)
		return;
	lk->lost = 1;
	warnx("lost lock '%s': %s", lk->text, why);
	event_line(lk, LOCK_LOST, why);
	if (lk->child != NULL)
		proc_stop(lk->child);
	else
		loop_stop(lk->loop, ST_LOST);
}

/* What the state says we may do now. */
static void
evaluate(struct lock *lk)
{
	ssize_t i;
	int64_t now;

	if (!lk->synced || lk->holding || loop_done(lk->loop))
		return;
	if (lk->show) {
		show(lk);
		return;
	}
	if ((i = lq_index(lk->st.q, lk->st.nq, lk->me)) < 0) {
		/* told the state after our request: refused, or not yet */
		if (lk->req_seen && lk->st.nq > 0)
			refused(lk, lk->st.nq == LQ_MAX ? LQ_FULL :
			    LQ_MISMATCH);
		return;
	}
	if ((size_t)i >= lk->st.limit) {
		if (lk->nonblock)
			finish(lk, ST_BUSY);
		return;
	}
	if (!lk->noquorum && !lk->quorate) {
		if (lk->nonblock) {
			warnx("lock '%s': this node's partition is not "
			    "quorate", lk->text);
			loop_stop(lk->loop, ST_BUSY);
		}
		return;
	}
	if ((now = loop_now()) < lk->grace_until) {
		timer_in(&lk->grace_t, lk->grace_until - now);
		return;
	}
	acquire(lk);
}

static void
on_grace(struct loop *l, void *arg)
{
	(void)l;
	evaluate(arg);
}

/* No answer: ask again; twice unanswered, start from nothing. */
static void
on_ask(struct loop *l, void *arg)
{
	struct lock *lk = arg;
	char buf[64];

	(void)l;
	if (lk->handoff) {
		loop_stop(lk->loop, lk->final);
		return;
	}
	if (lk->synced || (!lk->noquorum && !lk->quorate && !lk->show))
		return;
	if (lk->asks < 2) {
		ask(lk);
		return;
	}
	if (lk->show) {
		/* nobody knows a queue: there is none */
		lk->synced = 1;
		evaluate(lk);
		return;
	}
	lk->seq++;
	say(lk, buf, lq_init_msg(buf, sizeof(buf), lk->seq));
	timer_in(&lk->ask_t, ASK_EVERY);
}

/* votequorum changed its mind about our partition. */
static void
on_quorum(void *arg, int quorate, int complete)
{
	struct lock *lk = arg;

	lk->quorate = quorate;
	lk->complete = complete;
	if (!quorate) {
		lose(lk, "this node's partition lost quorum");
		/* the quorate side's queue moves on without ours */
		if (!lk->holding)
			forget(lk);
		return;
	}
	if (lk->joined && !lk->synced && !lk->holding) {
		lk->asks = 0;
		ask(lk);
	}
}

static void
on_lost(void *arg, struct sess *s)
{
	struct lock *lk = arg;

	(void)s;
	if (lk->holding)
		lose(lk, "lost the connection to corosync");
	else
		loop_stop(lk->loop, ST_CONN);
}

/* A signal: COMMAND gets it, and we end when it does. */
static void
on_signal(struct loop *l, void *arg, int sig)
{
	struct lock *lk = arg;

	if (lk->child != NULL)
		proc_signal(lk->child, sig);
	else if (lk->holding && !lk->lost) {
		/* without COMMAND a signal is a way to let go */
		event_line(lk, LOCK_RELEASED, NULL);
		finish(lk, ST_OK);
	} else
		loop_stop(l, ST_SIGNAL + sig);
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
	lk->stdin_eof = 1;
	if (!lk->holding || lk->lost)
		return;
	event_line(lk, LOCK_RELEASED, NULL);
	finish(lk, ST_OK);
}

static int
parse(struct lock *lk, struct runopts *ro, int argc, char **argv)
{
	int ch, r;

	/* '+': the first non-option is NAME, and what follows is COMMAND's */
	while ((ch = opt_get(argc, argv, lock_opts, 1)) != -1) {
		if (ch == 'j' || ch == 'T') {
			out_option(ch, NULL);
			continue;
		}
		if (ch == 't' || ch == OPT_WAIT_COROSYNC) {
			if ((r = opt_run(ro, ch, optarg)) == -1)
				return ST_USAGE;
			continue;
		}
		switch (ch) {
		case 'h':
			cmd_help();
			return ST_HELP;
		case 'l':
			if (opt_count("--limit", optarg, &lk->limit) == -1)
				return ST_USAGE;
			if (lk->limit == 0 || lk->limit > LQ_MAX) {
				usage_error("--limit must be 1 to %d", LQ_MAX);
				return ST_USAGE;
			}
			break;
		case 'n':
			lk->nonblock = 1;
			break;
		case 'v':
			lk->verbose = 1;
			break;
		case OPT_KILL_AFTER:
			if (opt_seconds("--kill-after", optarg,
			    &lk->kill_after) == -1)
				return ST_USAGE;
			break;
		case OPT_NO_QUORUM:
			lk->noquorum = 1;
			break;
		case OPT_SHOW:
			lk->show = 1;
			break;
		case OPT_NAMES:
			lk->names = 1;
			break;
		default:
			return opt_unknown(argv, ch);
		}
	}
	return ST_OK;
}

static int
check(struct lock *lk, int argc, char **argv)
{
	const char *owner;

	if (argc == 0) {
		usage_error("lock needs a name");
		return ST_USAGE;
	}
	if (opt_group(argv[0], &lk->name) == -1)
		return ST_USAGE;
	out_group_str(&lk->name, lk->text, sizeof(lk->text));
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
		.event = on_event, .writable = on_writable, .lost = on_lost,
	};
	int st;

	lk->me.pid = (uint32_t)getpid();
	timer_init(lk->loop, &lk->ask_t, on_ask, lk);
	timer_init(lk->loop, &lk->grace_t, on_grace, lk);
	loop_on_signal(lk->loop, on_signal, lk);
	if ((st = sess_open(lk->loop, &lk->name, 1, ro, &hooks, lk,
	    &lk->s)) != ST_OK)
		return st;
	lk->me.nodeid = sess_nodeid(lk->s);
	/*
	 * Ask at once, and connect to votequorum while the join and the
	 * question go round: nothing is dispatched before the quorum is
	 * known, and the connection costs as much as the round.
	 */
	ask(lk);
	if (!lk->noquorum && !lk->show &&
	    (st = quorum_open(lk->loop, on_quorum, lk, &lk->qu)) != ST_OK)
		return st;
	if (lk->argv == NULL && !lk->show &&
	    (st = loop_fd(lk->loop, STDIN_FILENO, POLLIN, on_stdin,
	    lk)) != ST_OK)
		return st;
	return ST_OK;
}

int
cmd_lock(int argc, char **argv)
{
	struct lock lk = { .limit = 1, .kill_after = KILL_AFTER };
	struct runopts ro;
	size_t i;
	int st, lst;

	opt_init_run(&ro);
	if ((st = parse(&lk, &ro, argc, argv)) != ST_OK)
		return st == ST_HELP ? ST_OK : st;
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
	st = run_end(lk.loop, st);
	for (i = 0; i < lk.nout; i++)
		free(lk.out[i]);
	free(lk.log);
	return st;
}
