/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * locksim: a deterministic simulation of CPG and votequorum that runs the
 * lock's real rules (lockp.c, lockq.c) through seeded schedules and checks
 * mutual exclusion at every step. No root, no network, no corosync.
 *
 *   locksim [-qTv] [-a ASSUMPTIONS] [-c CHECKS] [-d SECONDS] [-f SEEDFILE]
 *           [-k FAILURES] [-m MODE] [-n SEEDS] [-s FIRST] [-t SECONDS]
 *           [-S MS] [-Q MS] [-P MS]
 *
 * One seed is one schedule: it reproduces exactly. A failure prints the
 * seed and the last events of its trace (-q: the seed alone); -v -n 1
 * -s SEED prints all of it (the confchgs each process handles included),
 * -vv also every message each process handles. -k stops after that many
 * failed schedules (5). -f runs, after the SEEDS, the regression seeds
 * listed in SEEDFILE (tests/sim/seeds: SEED MODE what it found) and ends
 * with "N passed, N failed". -c 13 checks C1 and C3 only (see below), to
 * look past the first kind of failure of a schedule. -a (mode 2) keeps
 * the named bounds at mode 1's (sched, qdelay, pdeath, stall, kill,
 * form; see assume()); -S, -Q, -P set the largest scheduling, votequorum and
 * PDEATHSIG delays in milliseconds. -d stops starting schedules after
 * SECONDS of the host's time (make bench). -t is how long faults go on
 * in each schedule (30 s of simulated time). -T runs two-node clusters
 * with votequorum's two_node (both halves of a split quorate: the rules
 * cannot fence that, and cpgtool lock refuses it; make sim-mutants shows
 * why). tests/sim/README says what it found.
 *
 * A schedule: 3 to 5 nodes, one lock with one --limit (1, or 2-3) and
 * mode (--no-quorum in 15%), 30 s of contenders (some --show, some -n,
 * some without COMMAND), watchers and chatty members arriving, and of
 * faults (SIGKILL, SIGTERM, cuts of one node or into two or three
 * sides, heals, flapping cuts, power losses, corosync deaths, a
 * corosync stopped past the token for 2-20 s, nodes coming back), busy
 * or calm; now and then the first lock process killed just after it
 * started the state; then the ring's faults stop and the cluster heals
 * (with no new ring if it is whole: corosync forms none), processes
 * still come and die in that ring for up to 20 s, and every contender
 * must be served. Mode 1 keeps within the bounds CAVEATS states, no
 * tighter: SCHED 300 ms, QDELAY 2 s, PDEATH 1 s (0 once no lock process
 * that saw the holder go is left: the kernel's exit path), stalls of
 * 1-6.5 s, sides forming up to 1 s apart, one --kill-after; mode 2 goes
 * beyond: SCHED 6 s, QDELAY 5 s, PDEATH 3 s, stalls to 10 s, sides up
 * to 5 s apart, each contender its own --kill-after.
 *
 * What it assumes, and where each assumption comes from
 * -----------------------------------------------------
 * A1 Total order (corosync exec/totemsrp.c: one token, one sequence per
 *    ring): within one connected component every member is delivered the
 *    component's messages and membership changes in one order. Modelled
 *    as one FIFO per component; a message is delivered 0.2-2 ms after it
 *    is sent while the ring is running.
 * A2 Joins, leaves and process exits are ordered like messages
 *    (exec/cpg.c sends them through totem: message_handler_req_exec_
 *    cpg_procjoin/procleave, and a dead client's connection close becomes
 *    a procleave with reason PROCDOWN). Modelled as items in the FIFO.
 * A3 A node failure, a cut or a heal stops the ring: nothing is delivered
 *    for token + consensus (totemsrp's token loss and the consensus
 *    timeout; ~6.5 s on five nodes with corosync's defaults), then each
 *    new component delivers SOME of the messages still in flight in its
 *    old ring (extended virtual synchrony, Moser, Amir, Melliar-Smith,
 *    Agarwal 1994: what is delivered in the transitional configuration
 *    depends on what that side received, and differs between sides), then
 *    each process is told by CPG relative to its own view, as corosync 3
 *    does (exec/cpg.c: each node computes its own downlist from its own
 *    previous membership and the transitional one, then applies the
 *    others' joinlists): one confchg in which every member whose node did
 *    not come with it from its own last ring left with NODEDOWN, then one
 *    in which every member it does not know joined with NODEUP. Each new
 *    ring's seq is the highest of its nodes' last rings plus 4
 *    (totemsrp.c: commit token ring_id.seq = token_ring_id_seq + 4), in 5%
 *    of rings 8 (a gather that lost a node used one up). Which
 *    messages, from totemsrp.c (see in_flight()): each node had sent some
 *    first part of its own; a side delivers, in the old order, all of
 *    those its own nodes sent (self-delivery) and any of the others' (not
 *    a prefix: totem skips holes), and what no node had sent yet goes into
 *    the new ring after the confchg, as does what is sent during the
 *    stall. So do joins and leaves: a process that leaves, exits or is
 *    killed during a stall is a member of the new ring until its leave,
 *    which comes after the messages it sent (a node's queue is FIFO).
 *    What a node that went down had queued is lost with it.
 *    The whole cluster stalls at every fault (a single ring: every node
 *    loses the token), and a fault during a stall extends it; then each
 *    side forms in its own time, up to FORM after the first (a side is
 *    stalled again only once formed).
 *    A corosync stopped past the token (SIGSTOP; measured, libcpg-facts:
 *    a starved corosync did the same) is taken for dead: the others form
 *    a ring without it (half the time the whole node stops with it, a
 *    paused VM: its lock processes and their COMMANDs do nothing until it
 *    runs again); its processes run on and are told nothing, what
 *    they send or leave waits in it (it had sent some first part of its
 *    queue on the old ring, as any node at a stall); when it runs again
 *    (2-20 s later) its processes are first given what it held of the
 *    old ring (totemsrp's transitional configuration: its own sent part,
 *    and any of the others' it had received), then it comes straight
 *    into a ring of the others, so its processes are told
 *    that every other node's processes left (NODEDOWN) and at once joined
 *    (NODEUP), and votequorum never says "not quorate" to them (measured
 *    on corosync 3.1.7, /work/shared/notes/libcpg-facts.md).
 * A4 votequorum (exec/votequorum.c) tells each node its own verdict on
 *    its own channel, after the new ring forms: its notification reaches
 *    each process 0-QDELAY later, in any order relative to CPG's confchg
 *    (both are sent as the sync of the new ring ends, votequorum_sync_
 *    activate and CPG's joinlist, to two connections that the process
 *    reads in either order): in 30% of cases before CPG's; in order on
 *    its one connection; and so that the process has acted on it at most
 *    QDELAY after the first side of that reconfiguration formed, its own
 *    lateness (SCHED) counted (the minority acts on its loss of quorum
 *    within the grace's 2 s, CAVEATS). The process reads them as cpgtool's
 *    loop does: due timers, then CPG's connection (sess.c: up to 1024
 *    events), then votequorum's, then children, so a late process reads
 *    the confchgs of a later ring before an earlier verdict; and at its
 *    start, the verdict of the moment (quorum_open, at connect). A
 *    partition is quorate when it holds more than half of the configured
 *    nodes (one vote each), or with -T (two_node, two nodes) any.
 * A5 Processes run late: an input is handled 0-2 ms after it arrives,
 *    or in 10% of cases 0-SCHED (mode 1: within the protocol's timing
 *    assumptions; mode 2 beyond them: a process may stop for seconds, as
 *    under SIGSTOP).
 * A6 COMMAND (a child) lives until it ends by itself, or dies within
 *    --kill-after of its SIGTERM (LA_STOP), or within PDEATH of its lock
 *    process's SIGKILL (the kernel closes the corosync connection, and so
 *    sends PROCDOWN, before PR_SET_PDEATHSIG reaches the child: observed
 *    by make lock-soak), or at once when no lock process that saw that
 *    PROCDOWN (or took a state from one that did) is left, as CAVEATS
 *    states; a node that loses power takes its COMMANDs at
 *    once; a node cut off runs them until the lock process there ends
 *    them. A corosync that dies leaves its lock processes running,
 *    without a connection (lp_conn_lost). --kill-after is short (0.1-3
 *    s), its default (5 s) or long (5-15 s); in mode 1 every contender
 *    of a schedule has the same, as lockq.c asks (a newcomer that
 *    starts from nothing waits out its own, not knowing a lost
 *    holder's), in mode 2 each its own.
 * A7 Watchers are members that are no lock process: half never speak
 *    (another program), half are cpgtool's and say `lock2 bystander' as
 *    sess.c does (lq_by_message; they too run late, A5); foreign and
 *    malformed messages come from members that are no lock process, and
 *    forgeries: a 'running' of an hour, and a state that answers an
 *    older lock process's first request and names the forger holder
 *    (forge(); lockp.c's sender rules must stop both).
 *    COMMAND runs 1-20 ms (40%), 20-1500 ms (30%) or 1.5-30 s; half of
 *    those told to stop ignore SIGTERM and die of the SIGKILL at
 *    --kill-after.
 *
 * What it checks
 * --------------
 * C1 never more than LIMIT COMMANDs alive at one instant (a COMMAND
 *    counts until it is dead, not until its holder says so); a holder
 *    without COMMAND (a coprocess, as the man page shows) counts from its
 *    grant until it says released or lost, or dies. Not counted: one
 *    that ran as its node's corosync stopped, or started before that
 *    corosync, running again, formed a ring (the frozen holder CAVEATS
 *    leaves to fencing);
 * C2 no COMMAND starts on a node whose ring is not quorate once its
 *    lock process has heard of that ring: handled its confchg, its
 *    totem ring id or votequorum's verdict (unless --no-quorum). Before
 *    that no rule can know: a process whose grace ends while the ring
 *    re-forms may take its timer before the confchg waiting for it
 *    (loop.c runs due timers before it reads), or act on a message the
 *    old ring delivers in the transition; C1 and the quorate side's
 *    grace after NODEDOWN cover that instant;
 * C3 liveness: once faults stop and the cluster is whole and quorate
 *    (a stall that only a ring change would end is one: none comes),
 *    every contender ends, and the lock never lies idle (no COMMAND
 *    alive) for LIVE (60 s) in all meanwhile: longer than any grace
 *    (--kill-after's 15 s at most, plus 2 s) and the asks before an init;
 * C4 no member warns that a lock process's message is not lock traffic
 *    (the parser and the plausibility rules refuse no real message);
 * C5 no contender is refused (exit 1): all of a schedule's contenders
 *    give one --limit and one mode (the chaos run saw "in use with
 *    --limit 1; this request has --limit 1" after a corosync restart).
 * C6 fencing tokens strictly increase in the order COMMANDs start, in
 *    every mode, mode 2's broken bounds included (what tokens are for):
 *    a COMMAND starts with a token greater than every COMMAND's that
 *    started before it. Only a holder that acts on an older ring than
 *    the earlier one's (CPG has not named it the newer ring yet: a
 *    stale view, frozen, cut or late; mode 2) may start with the
 *    lower token, which is what a fence refuses. Beyond the bounds
 *    (mode 2) two queues may live in one ring, each knowing nothing of
 *    the other: their tokens are ordered by the clocks, to the ms (C6
 *    skips COMMANDs started within 1 ms of each other there). With
 *    --no-quorum the sides of a split grant apart: C6 holds among the
 *    COMMANDs started on one side (one ring named). With --limit
 *    above 1 holders run together, none is stale: tokens are unique
 *    (an earlier holder may start last), in mode 1. Ring seqs are
 *    totem's (A3: every new ring's seq is above every earlier ring's;
 *    the sides of a split share one, as totem's do); every node's clock
 *    agrees (tokens of queues started from nothing in one ring).
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lockp.h"

#define MS		1000000LL
#define S		1000000000LL
#define MAXN		5
#define MAXP		96
#define TRACE_KEEP	400
#define FRESH		(250 * MS)	/* lockp.c's FRESH_MS: C1, the frozen holder */

/* --- randomness: one seed, one schedule --- */

/*
 * Three kinds of streams, so that a change in what the processes do (one
 * message more) moves as little of the rest as can be: the world's
 * doings (arrivals, faults, their kinds and times), the network's
 * (delivery delays, what a side gets of a stalled ring), and one per
 * process (how late it runs, how long its COMMAND lives). A seed that
 * found a fault keeps most of its world after the fix.
 */
static uint64_t rs_world, rs_net, rs_start;
#define W	(&rs_world)
#define NET	(&rs_net)
#define START	(&rs_start)	/* a fault of its own: starters killed */
#define RP(p)	(&procs[(p)].rs)

static uint64_t
rnd(uint64_t *rs)
{
	uint64_t z = (*rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * uniform in [a, b]; one draw whatever the bounds, so that a schedule
 * run with other bounds (-a, mode 2) makes the same draws
 */
static int64_t
between(uint64_t *rs, int64_t a, int64_t b)
{
	uint64_t r = rnd(rs);

	return b <= a ? a : a + (int64_t)(r % (uint64_t)(b - a + 1));
}

static int
chance(uint64_t *rs, unsigned pct)
{
	return rnd(rs) % 100 < pct;
}

/* --- the world --- */

struct params {
	int64_t	 sched;		/* A5 */
	int64_t	 qdelay;	/* A4 */
	int64_t	 pdeath;	/* A6 */
	int64_t	 pdeath_last;	/* A6: ... of the group's last lock process */
	int64_t	 stall_min, stall_max;	/* A3 */
	int64_t	 form;		/* A3: the sides form this far apart */
	int	 kill_each;	/* A6: each contender its own --kill-after */
};

static const struct params mode1 = {
	.sched = 300 * MS, .qdelay = 2 * S, .pdeath = 1 * S, .pdeath_last = 0,
	.stall_min = 1 * S, .stall_max = 6500 * MS, .kill_each = 0,
	.form = 1 * S,
};
static const struct params mode2 = {
	.sched = 6 * S, .qdelay = 5 * S, .pdeath = 3 * S, .pdeath_last = 3 * S,
	.stall_min = 1 * S, .stall_max = 10 * S, .kill_each = 1,
	.form = 5 * S,
};
static struct params P;

enum role { R_LOCK, R_WATCH, R_CHATTY, R_BYSTANDER };

enum item_kind { I_MSG, I_CONF, I_QUORUM, I_CHILD, I_TICK, I_LOST, I_RING };

struct held_item;

struct item {
	enum item_kind	 kind;
	struct cpgt_addr	 from;
	char		*data;
	size_t		 len;
	struct lp_member *mem, *left, *joined;
	size_t		 nmem, nleft, njoined;
	int		 q, complete, status;
	struct lp_ring	 ring;
	struct lp_ring	 heard;		/* tells of this ring (C1, C2) */
};

struct proc {
	enum role	 role;
	int		 node;
	struct cpgt_addr	 a;
	struct lp	*lp;
	struct lp_cfg	 cfg;
	int		 alive;		/* the lock process runs */
	int		 conn;		/* it has a corosync connection */
	int		 in;		/* asked to join, not left */
	int		 view[MAXP];	/* members of its last confchg */
	int		 nview;
	int		 hasview;
	struct item	*inbox;
	size_t		 ninbox, capinbox;
	int		 run_set;
	int64_t		 tick_at;
	int		 child;		/* COMMAND alive */
	int64_t		 child_dies;	/* when it ends (natural or killed) */
	uint64_t	 child_gen;
	int		 stopped;	/* LA_STOP seen */
	int64_t		 leave_at;	/* watchers, holders without COMMAND */
	int		 status;	/* its exit, once !alive */
	int		 exited;
	struct lp_ring	 heard;		/* the latest ring it has heard of */
	struct lp_ring	 cpg_ring;	/* ... that CPG named to it (C6) */
	uint64_t	 start_ring;	/* ringseq when it started (forge) */
	uint64_t	 rs;		/* its random stream */
	struct lq_bystander by;		/* R_BYSTANDER: what sess.c keeps */
	int		 oldlabel;	/* the ring it came from, by label */
	int		 vhold;		/* holds without COMMAND (C1) */
	int		 frozen;	/* ran as its corosync stopped (C1) */
	int64_t		 vq_at;		/* its last verdict is read from then */
	int		 killed;	/* SIGKILLed (A6) */
	int		 down_seen;	/* ... and its PROCDOWN delivered */
	unsigned char	 saw[MAXP];	/* knows of that one's PROCDOWN (A6) */
};

enum q_kind { Q_MSG, Q_JOIN, Q_LEAVE, Q_DOWN };

struct qitem {
	enum q_kind	 kind;
	int		 p;
	char		*data;
	size_t		 len;
};

struct node {
	int		 up;
	int		 paused;	/* its corosync is stopped (SIGSTOP) */
	int		 thawing;	/* ... runs again, in no ring yet */
	int		 whole;		/* ... and the whole node with it */
	int64_t		 paused_at;	/* ... since when */
	int64_t		 resume_at;	/* ... when it runs again */
	struct held_item *hold;		/* its old ring's, for when it runs */
	size_t		 nhold, caphold;
	struct lp_ring	 prev_ring;	/* the ring it came from */
	int		 side;		/* ... and the side it forms with */
	int		 label;		/* partition: same label, same ring */
	int		 vq_quorate;
	int		 vq_complete;
	struct lp_ring	 ring;		/* the ring it is in */
};

static struct node	 nodes[MAXN + 1];
static int		 nnodes;
static struct proc	 procs[MAXP];
static int		 nprocs;
static uint32_t		 next_pid;	/* pids count from 1000 in each schedule */
static int64_t		 now;
static int64_t		 stall_until;	/* 0: the ring runs */
static uint64_t		 ringseq;
static struct qitem	*held;		/* sent during a stall, in order */
static size_t		 nheld, capheld;
static unsigned		 limit;
static uint32_t		 kill_all;	/* every contender's --kill-after */
static int		 noquorum;
static int		 verbose;
static int		 quiet;		/* a failure's line, not its trace */
static const char	*checks = "123456";	/* -c */
static uint64_t		 seed;
static int		 faults_on = 1, arrivals_on = 1;
static int		 ring_faults = 1;	/* cuts, crashes, pauses */
static int64_t		 settled_at;	/* processes' faults stop too (C3) */
static int		 failed;
static int		 alive_children;
static unsigned long	 grants;
static const char	*fail_what;

/* per label: the group's members in agreed order, and the FIFO */
struct comp {
	int		 grp[MAXP];
	int		 ngrp;
	struct qitem	*q;
	size_t		 nq, capq, head;
	int64_t		 last_at;
};
static struct comp	 comps[MAXN + 2];
static struct lp_ring	 reforming;	/* the ring whose confchgs are sent */
/* each new side of a reconfiguration: when it forms, its ring, verdict */
static struct side {
	int64_t		 at;
	struct lp_ring	 ring;
	int		 size, quorate, complete;
} sides[MAXN + 2];
static int64_t		 formed_by;	/* every side of the last one formed */
static int64_t		 reconf_at;	/* ... the first of them */
static int		 two_node;	/* -T: votequorum's two_node: 1 */

/* --- trace --- */

static char	 trace_buf[TRACE_KEEP][200];
static unsigned	 trace_n;

static void __attribute__((format(printf, 1, 2)))
trace(const char *fmt, ...)
{
	char *b = trace_buf[trace_n++ % TRACE_KEEP];
	va_list ap;
	int n;

	n = snprintf(b, 200, "%8.3f ", (double)now / S);
	va_start(ap, fmt);
	vsnprintf(b + n, (size_t)(200 - n), fmt, ap);
	va_end(ap);
	if (verbose)
		printf("%s\n", b);
}

static void
fail(const char *what)
{
	unsigned i, first;

	/* -c: only the checks asked for ("C1: ..." is check 1) */
	if (failed || strchr(checks, what[1]) == NULL)
		return;
	failed = 1;
	fail_what = what;
	trace("VIOLATION: %s", what);
	if (verbose)
		return;
	printf("seed %" PRIu64 ": %s\n", seed, what);
	if (quiet)
		return;
	first = trace_n > TRACE_KEEP ? trace_n - TRACE_KEEP : 0;
	for (i = first; i < trace_n; i++)
		printf("  %s\n", trace_buf[i % TRACE_KEEP]);
}

/* --- the event queue --- */

enum ev_kind { E_DELIVER, E_RUN, E_INBOX, E_CHILD, E_RECONF, E_WORLD,
	E_LEAVE, E_FORM, E_KILL };

struct ev {
	int64_t		 t;
	uint64_t	 seq;
	enum ev_kind	 kind;
	int		 a;
	uint64_t	 gen;
	struct item	 it;
};

static struct ev *heap;
static size_t	 nheap, capheap;
static uint64_t	 evseq;

static int
ev_lt(const struct ev *x, const struct ev *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static void
push(int64_t t, enum ev_kind kind, int a, uint64_t gen, const struct item *it)
{
	struct ev e = { .t = t, .seq = evseq++, .kind = kind, .a = a,
	    .gen = gen };
	size_t i;

	if (it != NULL)
		e.it = *it;
	if (nheap == capheap) {
		capheap = capheap ? capheap * 2 : 256;
		if ((heap = realloc(heap, capheap * sizeof(*heap))) == NULL)
			abort();
	}
	i = nheap++;
	while (i > 0 && ev_lt(&e, &heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = e;
}

static struct ev
pop(void)
{
	struct ev top = heap[0], last = heap[--nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < nheap) {
		if (c + 1 < nheap && ev_lt(&heap[c + 1], &heap[c]))
			c++;
		if (!ev_lt(&heap[c], &last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (nheap > 0)
		heap[i] = last;
	return top;
}

/* --- processes: inboxes, running, actions --- */

static void
item_free(struct item *it)
{
	free(it->data);
	free(it->mem);
	free(it->left);
	free(it->joined);
}

static void
inbox_add(int p, const struct item *it)
{
	struct proc *pr = &procs[p];

	if (!pr->alive) {
		struct item x = *it;

		item_free(&x);
		return;
	}
	if (pr->ninbox == pr->capinbox) {
		pr->capinbox = pr->capinbox ? pr->capinbox * 2 : 16;
		pr->inbox = realloc(pr->inbox, pr->capinbox * sizeof(*it));
		if (pr->inbox == NULL)
			abort();
	}
	pr->inbox[pr->ninbox++] = *it;
	if (!pr->run_set) {
		pr->run_set = 1;
		/* mostly prompt, sometimes late: A5 */
		push(now + (chance(RP(p), 90) ? between(RP(p), 0, 2 * MS) :
		    between(RP(p), 0, P.sched)), E_RUN, p, 0, NULL);
	}
}

static int comp_of(int node);

static void
enqueue(int p, enum q_kind kind, const char *data, size_t len)
{
	struct qitem qi = { .kind = kind, .p = p };
	struct comp *c;

	if (data != NULL) {
		if ((qi.data = malloc(len + 1)) == NULL)
			abort();
		memcpy(qi.data, data, len);
		qi.data[len] = '\0';
		qi.len = len;
	}
	if (stall_until || nodes[procs[p].node].paused) {
		if (nheld == capheld) {
			capheld = capheld ? capheld * 2 : 64;
			if ((held = realloc(held, capheld *
			    sizeof(*held))) == NULL)
				abort();
		}
		held[nheld++] = qi;
		return;
	}
	c = &comps[comp_of(procs[p].node)];
	if (c->nq == c->capq) {
		c->capq = c->capq ? c->capq * 2 : 64;
		if ((c->q = realloc(c->q, c->capq * sizeof(*c->q))) == NULL)
			abort();
	}
	c->q[c->nq++] = qi;
	c->last_at = (c->last_at > now ? c->last_at : now) +
	    between(NET, 200000, 2 * MS);
	push(c->last_at, E_DELIVER, comp_of(procs[p].node), 0, NULL);
}

static const char *
pname(int p)
{
	static char b[4][32];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), "%u:%u", procs[p].a.nodeid,
	    procs[p].a.pid);
	return b[k];
}

static void
child_end(int p, int64_t at)
{
	struct proc *pr = &procs[p];

	if (!pr->child || at >= pr->child_dies)
		return;
	pr->child_dies = at;
	push(at, E_CHILD, p, ++pr->child_gen, NULL);
}

static int
same_ring(const struct lp_ring *a, const struct lp_ring *b)
{
	return a->nodeid == b->nodeid && a->seq == b->seq;
}

/*
 * --no-quorum promises less: each side of a partition may grant, and
 * when they merge the losing side's holders are told to stop as they
 * hear of it (their COMMANDs die within --kill-after). So: never more
 * than LIMIT alive and not told to stop among the processes that have
 * heard of one ring (a holder that has not heard of the merge yet is
 * still on its side). Checked when a COMMAND starts, and when a holder
 * hears of a ring.
 */
static unsigned
side_children(const struct lp_ring *r)
{
	unsigned n = 0;
	int q;

	for (q = 0; q < nprocs; q++)
		if (((procs[q].child && !procs[q].stopped) || procs[q].vhold) &&
		    !procs[q].frozen && same_ring(&procs[q].heard, r))
			n++;
	return n;
}

static void
check_side(int p)
{
	if (noquorum && ((procs[p].child && !procs[p].stopped) ||
	    procs[p].vhold) && side_children(&procs[p].heard) > limit)
		fail("C1: more COMMANDs alive on one side than the limit "
		    "(--no-quorum)");
}

/* C6: every COMMAND's start, with its token and the ring its holder heard */
struct start {
	uint64_t	 token;
	struct lp_ring	 ring;
	int64_t		 at;
};
static struct start	*starts;
static size_t		 nstarts, capstarts;

static void
check_token(int p)
{
	const struct lp_ring *r = &procs[p].cpg_ring;
	uint64_t tok = lp_token(procs[p].lp);
	struct start *v;
	size_t i;

	if (tok == 0 || tok > (uint64_t)LQ_TOKEN_MAX)
		fail("C6: a COMMAND started without a token in 63 bits");
	for (i = 0; i < nstarts; i++) {
		/* --limit N: holders run together; tokens only unique */
		if (starts[i].token < tok ||
		    (limit > 1 && starts[i].token != tok))
			continue;
		/* ... and, beyond the bounds (a second queue), not even */
		if (limit > 1 && P.sched > mode1.sched)
			continue;
		/* two queues (beyond the bounds) are told apart by the clock:
		 * to its millisecond */
		if (now - starts[i].at < MS && P.sched > mode1.sched)
			continue;
		/* a stale view's lower token: what a fence refuses */
		if (starts[i].ring.seq > r->seq)
			continue;
		if (noquorum && !same_ring(&starts[i].ring, r))
			continue;
		trace("%s token %" PRIu64 " not above %" PRIu64, pname(p),
		    tok, starts[i].token);
		fail("C6: a COMMAND started with a token not above an "
		    "earlier COMMAND's");
		break;
	}
	if (nstarts == capstarts) {
		capstarts = capstarts ? 2 * capstarts : 64;
		if ((v = realloc(starts, capstarts * sizeof(*v))) == NULL)
			abort();
		starts = v;
	}
	starts[nstarts++] = (struct start){ tok, *r, now };
	trace("%s token %" PRIu64, pname(p), tok);
}

/* A holder's work starts: its COMMAND, or what it does without one. */
static void
work_starts(int p, const char *what)
{
	struct proc *pr = &procs[p];
	struct node *nd = &nodes[pr->node];

	grants++;
	/*
	 * A grant is acted on only fresh (lockp.c): while its corosync is
	 * stopped, only on an own message delivered before it stopped, sent
	 * less than FRESH before it is read (the frozen holder CAVEATS
	 * leaves to fencing, as one whose COMMAND ran as it stopped). Any
	 * later start is counted, as is one once it runs again, in no ring
	 * yet: what it is told then is stale.
	 */
	pr->frozen = nodes[pr->node].paused &&
	    now < nodes[pr->node].paused_at + FRESH;
	if (!pr->frozen)
		alive_children++;
	trace("%s %s starts (%d alive, limit %u)%s", pname(p), what,
	    alive_children, limit, pr->frozen ? " (corosync stopped)" : "");
	if (!noquorum && (unsigned)alive_children > limit)
		fail("C1: more COMMANDs alive than the limit");
	check_side(p);
	if (!noquorum && !nd->vq_quorate && same_ring(&pr->heard, &nd->ring))
		fail("C2: a COMMAND started on a node that is not quorate");
}

/*
 * C1 counts a holder without COMMAND (a coprocess, the man page's
 * example) from its grant until it says released or lost, or dies.
 */
static void
vhold_end(int p)
{
	struct proc *pr = &procs[p];

	if (!pr->vhold)
		return;
	pr->vhold = 0;
	if (!pr->frozen)
		alive_children--;
	pr->frozen = 0;
	trace("%s holds no more (%d alive)", pname(p), alive_children);
}

static void
spawn_child(int p)
{
	struct proc *pr = &procs[p];
	uint64_t r;

	pr->child = 1;
	pr->stopped = 0;
	work_starts(p, "COMMAND");
	check_token(p);
	pr->child_dies = INT64_MAX;
	/* mostly quick, sometimes a long job (a lost holder's lives on) */
	r = rnd(RP(p)) % 100;
	child_end(p, now + (r < 40 ? between(RP(p), 1 * MS, 20 * MS) :
	    r < 70 ? between(RP(p), 20 * MS, 1500 * MS) :
	    between(RP(p), 1500 * MS, 30 * S)));
}

static void proc_exit(int, int);
static void unwitnessed(void);
static void witness(int, const struct item *);

/* C4: what a lock process says is never taken for foreign traffic. */
static void
check_foreign(const char *warning)
{
	unsigned node, pid;
	int q;

	if (sscanf(warning, "ignoring a message from %u:%u", &node,
	    &pid) != 2 &&
	    sscanf(warning, "ignoring a state from %u:%u", &node, &pid) != 2)
		return;
	for (q = 0; q < nprocs; q++)
		if (procs[q].a.nodeid == node && procs[q].a.pid == pid &&
		    procs[q].role == R_LOCK)
			fail("C4: a lock process's message was ignored as not "
			    "lock traffic");
}

static void
do_actions(int p)
{
	struct proc *pr = &procs[p];
	const struct lp_act *a;
	size_t i, n;
	int64_t t;

	a = lp_actions(pr->lp, &n);
	for (i = 0; i < n; i++) {
		switch (a[i].kind) {
		case LA_SEND:
			trace("%s sends '%s'", pname(p), a[i].msg);
			if (pr->conn)
				enqueue(p, Q_MSG, a[i].msg, a[i].len);
			break;
		case LA_SPAWN:
			spawn_child(p);
			break;
		case LA_STOP:
			trace("%s SIGTERM to COMMAND", pname(p));
			pr->stopped = 1;
			/* some ignore SIGTERM and die of the SIGKILL */
			child_end(p, now + (chance(RP(p), 50) ?
			    pr->cfg.kill_ms * MS :
			    between(RP(p), 0, pr->cfg.kill_ms * MS)));
			break;
		case LA_SIGNAL:
			child_end(p, now + between(RP(p), 0, 10 * MS));
			break;
		case LA_EVENT:
			trace("%s event %d %s", pname(p), a[i].n, a[i].text);
			if (a[i].n == LP_EV_ACQUIRED && !pr->cfg.command &&
			    !pr->vhold) {
				pr->vhold = 1;
				work_starts(p, "holding (no COMMAND)");
			} else if (a[i].n == LP_EV_RELEASED ||
			    a[i].n == LP_EV_LOST)
				vhold_end(p);
			break;
		case LA_WARN:
			trace("%s warns: %s", pname(p), a[i].text);
			check_foreign(a[i].text);
			break;
		case LA_SHOW:
			trace("%s shows %zu queued", pname(p),
			    lp_state(pr->lp)->nq);
			proc_exit(p, 0);
			break;
		case LA_EXIT:
			trace("%s exits %d", pname(p), a[i].n);
			if (a[i].n == ST_FAIL)
				fail("C5: a contender was refused (every "
				    "contender agrees on --limit and mode)");
			proc_exit(p, a[i].n);
			break;
		}
	}
	lp_clear(pr->lp);
	if (!pr->alive)
		return;
	if (pr->role == R_LOCK && !pr->cfg.command && lp_holding(pr->lp) &&
	    pr->leave_at == 0) {
		/* without COMMAND: stdin ends a while after the grant */
		pr->leave_at = now + between(RP(p), 1 * MS, 500 * MS);
		push(pr->leave_at, E_LEAVE, p, 0, NULL);
	}
	if ((t = lp_deadline(pr->lp)) != 0) {
		t = t > now ? t : now;
		if (t != pr->tick_at) {
			pr->tick_at = t;
			push(t, E_INBOX, p, 0,
			    &(struct item){ .kind = I_TICK });
		}
	}
}

/* The lock process ends: it leaves (LA_EXIT) or is killed. */
static void
proc_exit(int p, int status)
{
	struct proc *pr = &procs[p];

	if (!pr->alive)
		return;
	pr->alive = 0;
	pr->exited = 1;
	pr->status = status;
	/* cmd/lock.c SIGKILLs a COMMAND that outlives the loop */
	child_end(p, now);
	vhold_end(p);
	if (pr->conn && pr->in)
		enqueue(p, Q_LEAVE, NULL, 0);
	pr->in = 0;
	unwitnessed();
}

/* "P confchg: 4 members, left 1:1002 (nodedown), joined 3:1007 (join)" */
static void
trace_confchg(int p, const struct item *it)
{
	static const char *why[] = { "?", "join", "leave", "nodedown",
	    "nodeup", "procdown" };
	char b[160];
	size_t i, n = 0;

	b[0] = '\0';
	for (i = 0; i < it->nleft && n < sizeof(b); i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%u:%u (%s)",
		    i ? ", " : ", left ", it->left[i].a.nodeid,
		    it->left[i].a.pid, why[it->left[i].reason % 6]);
	for (i = 0; i < it->njoined && n < sizeof(b); i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%u:%u (%s)",
		    i ? ", " : ", joined ", it->joined[i].a.nodeid,
		    it->joined[i].a.pid, why[it->joined[i].reason % 6]);
	trace("%s confchg: %zu members%s", pname(p), it->nmem, b);
}

static void
handle(int p, struct item *it)
{
	struct proc *pr = &procs[p];
	struct lp_confchg c;

	if (it->kind == I_RING || it->kind == I_QUORUM)
		it->heard = it->ring;
	if (it->heard.seq > pr->heard.seq)
		pr->heard = it->heard;
	switch (it->kind) {
	case I_MSG:
		if (verbose > 1)
			trace("%s handles '%.*s' from %u:%u", pname(p),
			    (int)(it->len < 60 ? it->len : 60), it->data,
			    it->from.nodeid, it->from.pid);
		lp_message(pr->lp, it->from, it->data, it->len, now);
		break;
	case I_CONF:
		trace_confchg(p, it);
		c = (struct lp_confchg){ it->mem, it->nmem, it->left,
		    it->nleft, it->joined, it->njoined };
		lp_confchg(pr->lp, &c, now);
		break;
	case I_QUORUM:
		trace("%s told quorate=%d complete=%d", pname(p), it->q,
		    it->complete);
		lp_quorum(pr->lp, it->q, it->complete, &it->ring, now);
		break;
	case I_CHILD:
		trace("%s COMMAND ended %d", pname(p), it->status);
		lp_child_ended(pr->lp, it->status, now);
		break;
	case I_TICK:
		pr->tick_at = 0;
		lp_tick(pr->lp, now);
		break;
	case I_LOST:
		lp_conn_lost(pr->lp, now);
		break;
	case I_RING:
		trace("%s told ring %u.%" PRIx64, pname(p), it->ring.nodeid,
		    it->ring.seq);
		lp_ring(pr->lp, &it->ring, now);
		if (it->ring.seq > pr->cpg_ring.seq)
			pr->cpg_ring = it->ring;
		break;
	}
}

/* What a process decided about the state: taken, started, forgotten. */
static void
trace_synced(int p, int was, const struct item *it)
{
	int is = lp_synced(procs[p].lp);

	if (was == is || lp_ended(procs[p].lp))
		return;
	if (!is)
		trace("%s forgets the state", pname(p));
	else if (it->kind == I_MSG && it->len > 12 &&
	    memcmp(it->data + 6, "state", 5) == 0)
		trace("%s synced: takes %u:%u's state", pname(p),
		    it->from.nodeid, it->from.pid);
	else
		trace("%s synced: starts from nothing", pname(p));
}

/* A cpgtool watch: what sess.c does for a member that is no lock's. */
static void
bystander(int p, const struct item *it)
{
	static const char w[] = LQ_BYSTANDER_MSG;
	struct proc *pr = &procs[p];
	size_t i;

	if (it->kind == I_CONF) {
		for (i = 0; i < it->njoined; i++)
			if (!addr_eq(it->joined[i].a, pr->a))
				lq_by_confchg(&pr->by, 1);
	} else if (it->kind == I_MSG && lq_by_message(&pr->by, it->data,
	    it->len, addr_eq(it->from, pr->a))) {
		trace("%s sends '%s'", pname(p), w);
		if (pr->conn)
			enqueue(p, Q_MSG, w, sizeof(w) - 1);
		else
			pr->by.sent = 0;
	}
}

/* which of the loop's turns reads it: timers, CPG, votequorum, children */
static int
item_pass(enum item_kind k)
{
	switch (k) {
	case I_TICK:
		return 0;
	case I_QUORUM:
		return 2;
	case I_CHILD:
		return 3;
	default:
		return 1;
	}
}

/*
 * A process that has just started the state from nothing (it alone
 * knows it) is now and then SIGKILLed before it can answer anyone: the
 * first lock process of a cluster killed as it starts. Whoever raced it
 * must not wait on it, nor on each other. Its own stream (START), so
 * that every other seed's world stays as it was.
 */
static void
starter_killed(int p)
{
	const struct lockq *st = lp_state(procs[p].lp);

	if (!faults_on || st->nsynced != 1 ||
	    !addr_eq(st->synced[0], procs[p].a) || !chance(START, 15))
		return;
	trace("%s started the state: it will be killed", pname(p));
	push(now + between(START, 0, 300 * MS), E_KILL, p, 0, NULL);
}

static void
run(int p)
{
	struct proc *pr = &procs[p];
	size_t i, k, n = pr->ninbox, *order;
	int pass;

	pr->run_set = 0;
	/*
	 * What waits is taken in the order cpgtool's loop takes it (loop.c,
	 * sess.c): due timers first, then CPG's connection (sess.c reads up
	 * to 1024 events, more than ever wait here), then votequorum's, then
	 * the children. A verdict that came before a confchg is read after
	 * it when the process was late.
	 */
	if ((order = calloc(n + 1, sizeof(*order))) == NULL)
		abort();
	for (pass = 0, k = 0; pass < 4; pass++)
		for (i = 0; i < n; i++)
			if (item_pass(pr->inbox[i].kind) == pass)
				order[k++] = i;
	for (k = 0; k < pr->ninbox; k++) {
		i = k < n ? order[k] : k;
		if (pr->alive && pr->role == R_LOCK) {
			int was = lp_synced(pr->lp);

			handle(p, &pr->inbox[i]);
			if (pr->inbox[i].kind == I_CONF ||
			    (!was && lp_synced(pr->lp)))
				witness(p, &pr->inbox[i]);
			trace_synced(p, was, &pr->inbox[i]);
			if (!was && lp_synced(pr->lp))
				starter_killed(p);
			do_actions(p);
			if (pr->inbox[i].heard.seq != 0)
				check_side(p);
		} else if (pr->alive && pr->role == R_BYSTANDER)
			bystander(p, &pr->inbox[i]);
		item_free(&pr->inbox[i]);
	}
	free(order);
	pr->ninbox = 0;
}

/* --- CPG: components, delivery, membership --- */

static int
comp_of(int node)
{
	return nodes[node].label;
}

static int
in_list(const int *v, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static struct lp_member *
members_of(const int *v, int n)
{
	struct lp_member *m = calloc((size_t)n + 1, sizeof(*m));
	int i;

	if (m == NULL)
		abort();
	for (i = 0; i < n; i++)
		m[i].a = procs[v[i]].a;
	return m;
}

/* Deliver a confchg to p: the members now, who left and joined, why. */
static void
confchg_to(int p, const int *grp, int ngrp, const int *left,
    const int *lwhy, int nleft, const int *joined, const int *jwhy,
    int njoined)
{
	struct item it = { .kind = I_CONF };
	int i;

	it.mem = members_of(grp, ngrp);
	it.nmem = (size_t)ngrp;
	it.left = members_of(left, nleft);
	it.nleft = (size_t)nleft;
	for (i = 0; i < nleft; i++)
		it.left[i].reason = lwhy[i];
	it.joined = members_of(joined, njoined);
	it.njoined = (size_t)njoined;
	it.heard = reforming;
	for (i = 0; i < njoined; i++)
		it.joined[i].reason = jwhy[i];
	memcpy(procs[p].view, grp, (size_t)ngrp * sizeof(int));
	procs[p].nview = ngrp;
	procs[p].hasview = 1;
	inbox_add(p, &it);
}

struct held_item {
	int		 p;
	struct item	 it;
};

/* For a paused corosync's process p: given it as it runs again. */
static void
hold(int p, const struct item *it)
{
	struct node *nd = &nodes[procs[p].node];

	if (nd->nhold == nd->caphold) {
		nd->caphold = nd->caphold ? nd->caphold * 2 : 16;
		if ((nd->hold = realloc(nd->hold, nd->caphold *
		    sizeof(*nd->hold))) == NULL)
			abort();
	}
	nd->hold[nd->nhold].p = p;
	nd->hold[nd->nhold++].it = *it;
}

/*
 * ... now, or at `at' (a side's transition, delivered as it forms), or
 * (at < 0) as a paused corosync runs again
 */
static void
deliver_msg(const struct qitem *qi, const int *to, int nto, int64_t at)
{
	struct item it = { .kind = I_MSG };
	int i;

	it.from = procs[qi->p].a;
	for (i = 0; i < nto; i++) {
		if ((it.data = malloc(qi->len + 1)) == NULL)
			abort();
		memcpy(it.data, qi->data, qi->len);
		it.data[qi->len] = '\0';
		it.len = qi->len;
		if (at < 0)
			hold(to[i], &it);
		else if (at > now)
			push(at, E_INBOX, to[i], 0, &it);
		else
			inbox_add(to[i], &it);
	}
}

/*
 * When side d delivers what the old ring had in flight: as it forms; a
 * paused corosync (side MAXN + 1), once it runs again, before it hears
 * of any ring (totemsrp.c: the transitional configuration's messages
 * come first, then CPG's confchgs of the new ring).
 */
static int64_t
side_at(int d)
{
	return d == MAXN + 1 ? -1 : sides[d].at;
}

/* The ring runs: the head of component k's FIFO is delivered. */
static void
deliver(int k)
{
	struct comp *c = &comps[k];
	struct qitem *qi;
	int why, i, one[1];

	if (stall_until || c->head == c->nq)
		return;
	qi = &c->q[c->head++];
	switch (qi->kind) {
	case Q_MSG:
		if (in_list(c->grp, c->ngrp, qi->p))
			deliver_msg(qi, c->grp, c->ngrp, 0);
		break;
	case Q_JOIN:
		if (in_list(c->grp, c->ngrp, qi->p))
			break;
		c->grp[c->ngrp++] = qi->p;
		one[0] = qi->p;
		why = LP_JOIN;
		for (i = 0; i < c->ngrp; i++)
			confchg_to(c->grp[i], c->grp, c->ngrp, NULL, NULL, 0,
			    one, &why, 1);
		break;
	case Q_LEAVE:
	case Q_DOWN:
		if (!in_list(c->grp, c->ngrp, qi->p))
			break;
		for (i = 0; i < c->ngrp; i++)
			if (c->grp[i] == qi->p)
				break;
		memmove(c->grp + i, c->grp + i + 1,
		    (size_t)(c->ngrp - i - 1) * sizeof(int));
		c->ngrp--;
		one[0] = qi->p;
		why = qi->kind == Q_LEAVE ? LP_LEAVE : LP_PROCDOWN;
		procs[qi->p].down_seen = 1;
		trace("%s leaves (%s)", pname(qi->p),
		    why == LP_LEAVE ? "leave" : "procdown");
		for (i = 0; i < c->ngrp; i++)
			confchg_to(c->grp[i], c->grp, c->ngrp, one, &why, 1,
			    NULL, NULL, 0);
		unwitnessed();
		break;
	}
	free(qi->data);
	qi->data = NULL;
	if (c->head == c->nq)
		c->head = c->nq = 0;
}

static void
stall(void)
{
	int64_t until = now + between(W, P.stall_min, P.stall_max);

	/* a side that has not formed yet forms, then stalls */
	if (until <= formed_by)
		until = formed_by + 1;

	if (stall_until == 0 || until > stall_until) {
		stall_until = until;
		push(until, E_RECONF, 0, 0, NULL);
	}
	trace("ring stalls until %.3f", (double)stall_until / S);
}

/* Put a message back into its node's queue, ahead of those sent since. */
static void
unsent(struct qitem *qi, size_t at)
{
	if (nheld == capheld) {
		capheld = capheld ? capheld * 2 : 64;
		if ((held = realloc(held, capheld * sizeof(*held))) == NULL)
			abort();
	}
	memmove(held + at + 1, held + at, (nheld - at) * sizeof(*held));
	held[at] = *qi;
	nheld++;
	qi->data = NULL;
}

/*
 * A3: what each new side delivers of the messages an old ring still had
 * in flight. totemsrp keeps a message its node has not yet sent on the
 * ring in that node's queue (new_message_queue) and sends it in the next
 * ring; one it sent is in its own sort queue (orf_token_mcast), and the
 * new ring's recovery retransmits, among the members that come from the
 * old ring, whatever any of them holds (memb_state_recovery_enter), then
 * delivers it in the old order, skipping what none of them holds
 * (messages_deliver_to_app with skip set). So each node sent some first
 * part of its own messages; each side delivers every one of those that a
 * node of its own sent (EVS's self-delivery) and any others it happened
 * to receive (holes allowed: not a prefix); what no node sent yet goes
 * into the new ring, after the confchg. Joins and leaves are not
 * delivered in a transition here: one still in flight, and what its node
 * sent after it, count as not sent yet (a node's queue is FIFO).
 */
static void
in_flight(struct comp *c, int k)
{
	int sent[MAXN + 1], seen[MAXN + 1], stop[MAXN + 1], how[MAXN + 2];
	int to[MAXN + 2][MAXP], nto[MAXN + 2], d, i, n, p, own;
	size_t j, cut[MAXN + 2], got[MAXN + 2], mine[MAXN + 2], back = 0;

	if (c->head == c->nq) {
		c->head = c->nq = 0;
		return;
	}
	/* how much of its own each node had sent on the ring */
	for (n = 1; n <= nnodes; n++)
		seen[n] = stop[n] = 0;
	for (j = c->head; j < c->nq; j++) {
		n = procs[c->q[j].p].node;
		if (c->q[j].kind != Q_MSG)
			stop[n] = 1;
		else if (!stop[n])
			seen[n]++;
	}
	for (n = 1; n <= nnodes; n++) {
		i = (int)(rnd(NET) % 3);
		sent[n] = i == 0 ? seen[n] : i == 1 ? 0 :
		    (int)between(NET, 0, seen[n]);
		seen[n] = stop[n] = 0;
	}
	/* who is on each side, and what it received of the others' */
	for (d = 0; d <= MAXN + 1; d++) {
		nto[d] = 0;
		for (i = 0; i < c->ngrp; i++) {
			p = c->grp[i];
			/* a paused corosync's side is MAXN + 1 alone */
			if (procs[p].conn && nodes[procs[p].node].up &&
			    nodes[procs[p].node].label == d &&
			    nodes[procs[p].node].paused == (d == MAXN + 1))
				to[d][nto[d]++] = p;
		}
		/* 0 none, 1 all, 2 a first part, 3 each one by chance */
		how[d] = (int)(rnd(NET) % 4);
		cut[d] = (size_t)between(NET, 0, (int64_t)(c->nq - c->head));
		got[d] = mine[d] = 0;
	}
	for (j = c->head; j < c->nq; j++) {
		struct qitem *qi = &c->q[j];

		n = procs[qi->p].node;
		if (qi->kind != Q_MSG)
			stop[n] = 1;
		if (stop[n] || seen[n]++ >= sent[n]) {
			unsent(qi, back++);
			continue;
		}
		if (!in_list(c->grp, c->ngrp, qi->p))
			continue;
		for (d = 0; d <= MAXN + 1; d++) {
			if (nto[d] == 0)
				continue;
			/* its node's corosync, the one that sent it, is here */
			own = nodes[n].up && nodes[n].label == d &&
			    procs[qi->p].conn;
			if (own || how[d] == 1 ||
			    (how[d] == 2 && j - c->head < cut[d]) ||
			    (how[d] == 3 && chance(NET, 50))) {
				deliver_msg(qi, to[d], nto[d], side_at(d));
				got[d]++;
				mine[d] += own;
			}
		}
	}
	for (d = 0; d <= MAXN + 1; d++)
		if (got[d] > 0)
			trace("ring %d delivers %zu of %zu in flight to side %d "
			    "(%zu its own)", k, got[d], c->nq - c->head, d,
			    mine[d]);
	if (back > 0)
		trace("ring %d: %zu not sent yet, for the new ring", k, back);
	for (j = c->head; j < c->nq; j++)
		free(c->q[j].data);
	c->head = c->nq = 0;
}

/*
 * A4: votequorum's verdict on each new ring, to each lock process on its
 * own channel: before anything CPG says of that ring (30%), or after the
 * ring forms, at most QDELAY after the first side of that
 * reconfiguration formed, so mostly after CPG's confchg.
 */
static void
tell_verdicts(int d)
{
	int p, first;
	int64_t delay, lag = now - reconf_at;

	for (p = 0; p < nprocs; p++) {
		struct node *nd = &nodes[procs[p].node];
		struct item it = { .kind = I_QUORUM };

		if (!procs[p].alive || !procs[p].conn || !nd->up ||
		    nd->side != d ||
		    procs[p].role != R_LOCK || procs[p].cfg.noquorum)
			continue;
		it.q = nd->vq_quorate;
		it.complete = nd->vq_complete;
		it.ring = nd->ring;
		first = chance(RP(p), 30);
		/* acted on within QDELAY of the first side's forming */
		delay = between(RP(p), 0, P.qdelay > lag + P.sched ?
		    P.qdelay - lag - P.sched : 0);
		/* one connection: never before the verdict it follows */
		if (first && procs[p].vq_at <= now)
			inbox_add(p, &it);
		else {
			if (first || now + delay < procs[p].vq_at)
				delay = procs[p].vq_at - now;
			procs[p].vq_at = now + delay;
			push(now + delay, E_INBOX, p, 0, &it);
		}
	}
}

/*
 * Every node up, running, in one formed ring and no other on its way:
 * corosync forms no new ring when nothing changes. (Healing with a ring
 * change anyway would void every init in the old one, and so hide a
 * stall that only a ring change ends: C3 must see those.)
 */
static int
one_ring(void)
{
	int i;

	if (stall_until != 0 || now < formed_by)
		return 0;
	for (i = 1; i <= nnodes; i++)
		if (!nodes[i].up || nodes[i].paused || nodes[i].thawing ||
		    nodes[i].label != 0 || nodes[i].side != 0 ||
		    !same_ring(&nodes[i].ring, &nodes[1].ring))
			return 0;
	return 1;
}

/* The new rings form after a stall: A3 and A4. */
static void
reconfigure(void)
{
	int oldlabel[MAXP], newgrp[MAXN + 2][MAXP], nnew[MAXN + 2];
	int k, d, i, p, n;
	size_t j;

	if (now < stall_until)
		return;
	stall_until = 0;
	/*
	 * Each side forms in its own time (A3): the first at once, the
	 * others up to FORM later; a side that formed is stalled again
	 * only after it formed (stall()).
	 */
	formed_by = reconf_at = now;
	for (d = 0; d <= MAXN + 1; d++) {
		sides[d].at = now + between(NET, 0, P.form);
		if (sides[d].at > formed_by)
			formed_by = sides[d].at;
	}
	/* each old ring's members learn which side they are on */
	for (p = 0; p < nprocs; p++)
		oldlabel[p] = -1;
	for (k = 0; k <= MAXN + 1; k++)
		for (i = 0; i < comps[k].ngrp; i++)
			oldlabel[comps[k].grp[i]] = k;
	/* what each new side delivers of each old ring's messages */
	for (k = 0; k <= MAXN + 1; k++)
		in_flight(&comps[k], k);
	/* the new groups: the members that are still there, side by side */
	for (d = 0; d <= MAXN + 1; d++)
		nnew[d] = 0;
	/* (a member whose leave is not delivered yet is one still) */
	for (p = 0; p < nprocs; p++)
		if (oldlabel[p] >= 0 && procs[p].conn &&
		    nodes[procs[p].node].up) {
			d = nodes[procs[p].node].label;
			newgrp[d][nnew[d]++] = p;
		}
	/*
	 * Each side's ring: its seq is the highest its nodes came from plus
	 * 4 (totemsrp.c: the commit token's ring_id.seq is token_ring_id_seq
	 * + 4, token_ring_id_seq the highest ring seq of the join messages
	 * it gathered), now and then 4 more (a gather that saw another
	 * node's join and lost it again). A paused node forms nothing.
	 */
	/* a reconfiguration: a forger that started before it may not */
	ringseq++;
	for (i = 1; i <= nnodes; i++) {
		nodes[i].prev_ring = nodes[i].ring;
		nodes[i].side = nodes[i].up && !nodes[i].paused ?
		    nodes[i].label : -1;
	}
	for (d = 0; d <= MAXN + 1; d++) {
		struct lp_ring ring = { 0, 0 };
		int size = 0;

		for (i = nnodes; i >= 1; i--)
			if (nodes[i].up && nodes[i].label == d &&
			    !nodes[i].paused) {
				ring.nodeid = (uint32_t)i;
				if (nodes[i].ring.seq > ring.seq)
					ring.seq = nodes[i].ring.seq;
				size++;
			}
		sides[d].size = size;
		if (size == 0)
			continue;
		ring.seq += chance(NET, 5) ? 8 : 4;
		sides[d].ring = ring;
		/* votequorum's verdict on this side: A4 */
		sides[d].quorate = two_node ? size >= 1 : 2 * size > nnodes;
		sides[d].complete = size == nnodes;
	}
	trace("rings form");
	for (d = 0; d <= MAXN + 1; d++) {
		memcpy(comps[d].grp, newgrp[d], (size_t)nnew[d] * sizeof(int));
		comps[d].ngrp = nnew[d];
		for (i = 0; i < nnew[d]; i++)
			procs[newgrp[d][i]].oldlabel = oldlabel[newgrp[d][i]];
		comps[d].last_at = sides[d].at;
		if (sides[d].size > 0)
			push(sides[d].at, E_FORM, d, 0, NULL);
	}
	/*
	 * What the nodes had not sent yet, joins and leaves included, in
	 * each node's order: what the old ring did not send, then what was
	 * sent during the stall. A node that went down took its queue; a
	 * paused one keeps it for its ring to come.
	 */
	for (j = 0, n = 0; j < nheld; j++) {
		p = held[j].p;
		if (procs[p].conn && nodes[procs[p].node].paused) {
			held[n++] = held[j];
			continue;
		}
		if (procs[p].conn && nodes[procs[p].node].up)
			enqueue(p, held[j].kind, held[j].data, held[j].len);
		free(held[j].data);
	}
	nheld = (size_t)n;
}

/*
 * A side's ring has formed (each side in its own time, A3): its nodes
 * take its ring and votequorum's verdict on it, and each process is told
 * by CPG, relative to its own view (exec/cpg.c, corosync 3: each node
 * computes its own downlist from its previous membership and the
 * transitional one, then hears the others' joinlists): first one confchg
 * in which every member whose node did not come with it from its own
 * last ring left with NODEDOWN, then one in which every member it does
 * not know joined (NODEUP: it came with its node). A node that comes
 * back from a pause into a ring the others formed without it is told
 * that every other node's processes left, and at once that they joined.
 */
static void
form_side(int d)
{
	int left[MAXP], lwhy[MAXP], joined[MAXP], jwhy[MAXP], keep[MAXP];
	int i, k, n, p, q2, nl, nj, nk, *grp = comps[d].grp, ngrp;

	ngrp = comps[d].ngrp;
	/* a node that went down before its side formed is not in its ring */
	for (i = 1, n = 0; i <= nnodes; i++)
		if (nodes[i].up && nodes[i].side == d)
			n++;
	if (n < sides[d].size) {
		sides[d].size = n;
		sides[d].quorate = two_node ? n >= 1 : 2 * n > nnodes;
		sides[d].complete = 0;
	}
	for (i = 1; i <= nnodes; i++)
		if (nodes[i].up && nodes[i].side == d) {
			nodes[i].thawing = 0;
			nodes[i].ring = sides[d].ring;
			nodes[i].vq_quorate = sides[d].quorate;
			nodes[i].vq_complete = sides[d].complete;
		}
	trace("side %d forms ring %u.%" PRIx64 " (%d nodes, quorate %d)", d,
	    sides[d].ring.nodeid, sides[d].ring.seq, sides[d].size,
	    sides[d].quorate);
	tell_verdicts(d);
	for (i = 0; i < ngrp; i++) {
		p = grp[i];
		nl = nj = nk = 0;
		for (n = 0; n < procs[p].nview; n++) {
			q2 = procs[p].view[n];
			k = procs[q2].node;
			/* its node came with ours from our last ring */
			if (in_list(grp, ngrp, q2) && nodes[k].side == d &&
			    same_ring(&nodes[k].prev_ring,
			    &nodes[procs[p].node].prev_ring)) {
				keep[nk++] = q2;
				continue;
			}
			left[nl] = q2;
			/* left from a node not in our transitional view */
			lwhy[nl++] = in_list(grp, ngrp, q2) ||
			    !procs[q2].conn || !nodes[k].up ||
			    nodes[k].side != d || !same_ring(&nodes[k].prev_ring,
			    &nodes[procs[p].node].prev_ring) ?
			    LP_NODEDOWN : procs[q2].alive ? LP_LEAVE :
			    LP_PROCDOWN;
		}
		for (n = 0; n < ngrp; n++) {
			q2 = grp[n];
			if (in_list(keep, nk, q2))
				continue;
			joined[nj] = q2;
			jwhy[nj++] = procs[q2].oldlabel >= 0 &&
			    (procs[q2].oldlabel != procs[p].oldlabel ||
			    in_list(left, nl, q2)) ? LP_NODEUP : LP_JOIN;
		}
		/* the merge is heard at the joinlist's (C1, --no-quorum) */
		reforming = nj ? (struct lp_ring){ 0, 0 } : sides[d].ring;
		if (nl)
			confchg_to(p, keep, nk, left, lwhy, nl, NULL, NULL, 0);
		reforming = sides[d].ring;
		if (nj)
			confchg_to(p, grp, ngrp, NULL, NULL, 0, joined, jwhy,
			    nj);
		reforming = (struct lp_ring){ 0, 0 };
	}
	/* CPG's totem confchg, after the group's (exec/cpg.c's sync) */
	for (p = 0; p < nprocs; p++)
		if (procs[p].alive && procs[p].conn &&
		    procs[p].role == R_LOCK && nodes[procs[p].node].up &&
		    nodes[procs[p].node].side == d)
			inbox_add(p, &(struct item){ .kind = I_RING,
			    .ring = sides[d].ring });
}

/* --- the world's doings: contenders, watchers, faults --- */

static int
new_proc(int node, enum role role)
{
	struct proc *pr;
	int p;

	if (nprocs == MAXP)
		return -1;
	p = nprocs++;
	pr = &procs[p];
	memset(pr, 0, sizeof(*pr));
	pr->role = role;
	pr->node = node;
	pr->a = (struct cpgt_addr){ (uint32_t)node, next_pid++ };
	pr->rs = seed * 0x2545F4914F6CDD1DULL + 0x51ed27ULL * (uint64_t)(p + 1);
	pr->alive = pr->conn = pr->in = 1;
	pr->start_ring = ringseq;
	enqueue(p, Q_JOIN, NULL, 0);
	return p;
}

/* --kill-after: short, its default (5 s), or long */
static uint32_t
draw_kill(uint64_t *rs)
{
	uint64_t r = rnd(rs) % 100;

	return (uint32_t)(r < 50 ? between(rs, 100, 3000) : r < 80 ? 5000 :
	    between(rs, 5000, 15000));
}

static void
start_lock(int node, int show)
{
	/* every node's clock reads 2027-01-01 at the schedule's start (C6) */
	struct lp_cfg cfg = { .limit = limit, .noquorum = noquorum,
	    .wall_off = 1798761600LL * S };
	struct proc *pr;
	int p;

	if ((p = new_proc(node, R_LOCK)) < 0)
		return;
	pr = &procs[p];
	cfg.show = show;
	cfg.nonblock = !show && chance(W, 10);
	cfg.command = !show && chance(W, 85);
	cfg.kill_ms = draw_kill(RP(p));
	if (!P.kill_each)
		cfg.kill_ms = kill_all;
	pr->cfg = cfg;
	/* the side it starts on, until CPG names a ring (C1, --no-quorum) */
	pr->heard = nodes[node].ring;
	if ((pr->lp = lp_new(&cfg, pr->a)) == NULL)
		abort();
	trace("%s starts on node %d%s%s", pname(p), node,
	    show ? " (--show)" : "", cfg.nonblock ? " (-n)" : "");
	/* cmd/lock.c: join, ask, then votequorum's current verdict */
	lp_start(pr->lp, now);
	if (!noquorum)
		lp_quorum(pr->lp, nodes[node].vq_quorate,
		    nodes[node].vq_complete, &nodes[node].ring, now);
	do_actions(p);
	/*
	 * CPG's first totem confchg: the ring this node is in then; it may
	 * come after the join's confchg (seen on corosync 3.1.7)
	 */
	push(now + between(RP(p), 0, 5 * MS), E_INBOX, p, 0,
	    &(struct item){ .kind = I_RING, .q = -1 });
}

static int
pick_up_node(void)
{
	int i, n = 0, v[MAXN];

	for (i = 1; i <= nnodes; i++)
		if (nodes[i].up && !nodes[i].paused)
			v[n++] = i;
	return n ? v[rnd(W) % (uint64_t)n] : 0;
}

static int
pick_proc(int alive_lock)
{
	int v[MAXP], n = 0, p;

	for (p = 0; p < nprocs; p++)
		if (procs[p].alive && (!alive_lock || procs[p].role == R_LOCK))
			v[n++] = p;
	return n ? v[rnd(W) % (uint64_t)n] : -1;
}

/*
 * No other lock process in its view: whoever comes next finds the group
 * empty and starts at once, with only the kernel's exit path between
 * the holder's PROCDOWN and its COMMAND's PDEATHSIG (CAVEATS).
 */
static int
last_lock(int p)
{
	int i, q;

	for (i = 0; i < procs[p].nview; i++)
		if ((q = procs[p].view[i]) != p && procs[q].role == R_LOCK &&
		    procs[q].alive)
			return 0;
	return 1;
}

/*
 * ... and once no lock process that could have seen it go is left (the
 * ones in its group were killed too), the same: CAVEATS states the 1 s
 * bound for a killed holder's COMMAND only while one that saw it lives.
 */
static void
unwitnessed(void)
{
	struct comp *c;
	int i, q, w;

	for (q = 0; q < nprocs; q++) {
		if (!procs[q].child || procs[q].alive || !procs[q].killed)
			continue;
		w = 0;
		if (procs[q].down_seen) {
			/* a lock process that heard of it, or was told */
			for (i = 0; i < nprocs && !w; i++)
				w = procs[i].alive && procs[i].saw[q];
		} else {
			/* whoever is there will see it go */
			c = &comps[nodes[procs[q].node].label];
			for (i = 0; i < c->ngrp && !w; i++)
				w = procs[c->grp[i]].alive &&
				    procs[c->grp[i]].role == R_LOCK;
		}
		if (!w)
			child_end(q, now + P.pdeath_last);
	}
}

static int
proc_by_addr(struct cpgt_addr a)
{
	int q;

	for (q = 0; q < nprocs; q++)
		if (addr_eq(procs[q].a, a))
			return q;
	return -1;
}

/* p heard of killed holders' PROCDOWN, or took a state from one that had */
static void
witness(int p, const struct item *it)
{
	size_t i;
	int q;

	if (it->kind == I_CONF) {
		for (i = 0; i < it->nleft; i++)
			if (it->left[i].reason == LP_PROCDOWN &&
			    (q = proc_by_addr(it->left[i].a)) >= 0)
				procs[p].saw[q] = 1;
	} else if (it->kind == I_MSG && (q = proc_by_addr(it->from)) >= 0)
		for (i = 0; i < (size_t)nprocs; i++)
			procs[p].saw[i] |= procs[q].saw[i];
}

static void
sigkill(int p)
{
	struct proc *pr = &procs[p];

	trace("%s SIGKILLed", pname(p));
	pr->alive = 0;
	pr->exited = 1;
	if (pr->conn && pr->in)
		enqueue(p, Q_DOWN, NULL, 0);
	pr->in = 0;
	/* A6: PDEATHSIG comes after the connection's close */
	pr->killed = 1;
	vhold_end(p);
	child_end(p, now + between(RP(p), 0, last_lock(p) ? P.pdeath_last :
	    P.pdeath));
	unwitnessed();
}

static void
node_crash(int i)
{
	int p;

	trace("node %d loses power", i);
	nodes[i].up = 0;
	for (p = 0; p < nprocs; p++) {
		/* its corosync goes with it, and what it had queued */
		if (procs[p].node == i)
			procs[p].conn = 0;
		if (procs[p].node == i && procs[p].alive) {
			procs[p].alive = 0;
			procs[p].exited = 1;
			procs[p].in = 0;
			child_end(p, now);
			vhold_end(p);
		}
	}
	unwitnessed();
	stall();
}

static void
corosync_dies(int i)
{
	int p;

	trace("node %d's corosync dies", i);
	nodes[i].up = 0;
	for (p = 0; p < nprocs; p++)
		if (procs[p].node == i && procs[p].conn) {
			procs[p].conn = 0;
			procs[p].in = 0;
			if (procs[p].alive && procs[p].role == R_LOCK)
				inbox_add(p, &(struct item){ .kind = I_LOST });
			else
				procs[p].alive = 0;
		}
	stall();
}

/*
 * A node's corosync stops (SIGSTOP, a host starved of CPU) for longer
 * than the token: the others take it for dead (its processes leave
 * them with NODEDOWN) and form a ring without it. Its processes run on
 * and hear nothing; what they send or leave waits in that corosync. A
 * COMMAND that runs as it stops is the frozen holder CAVEATS leaves to
 * fencing: C1 does not count it (it counts every one started later).
 */
static void
corosync_pause(int i)
{
	int p;

	for (p = 1; p <= nnodes; p++)
		if (nodes[p].paused)
			return;
	/* a paused VM: its lock processes and COMMANDs stop too */
	nodes[i].whole = chance(W, 50);
	trace("node %d's %s stops", i, nodes[i].whole ? "whole node" :
	    "corosync");
	nodes[i].paused = 1;
	nodes[i].paused_at = now;
	nodes[i].label = MAXN + 1;
	for (p = 0; p < nprocs; p++)
		if (procs[p].node == i && (procs[p].child || procs[p].vhold) &&
		    !procs[p].frozen) {
			procs[p].frozen = 1;
			alive_children--;
		}
	stall();
	nodes[i].resume_at = now + between(W, 2 * S, 20 * S);
	push(nodes[i].resume_at, E_WORLD, -3, (uint64_t)i, NULL);
}

/*
 * A stopped corosync (or node) runs again: its processes are given what
 * it held of the old ring, before anything of a new one (A3); a whole
 * node's processes and COMMANDs run on from where they stopped.
 */
static void
thaw(int i)
{
	struct node *nd = &nodes[i];
	size_t j;
	int p;

	trace("node %d's %s runs again", i, nd->whole ? "whole node" :
	    "corosync");
	nd->paused = 0;
	nd->thawing = 1;
	for (j = 0; j < nd->nhold; j++)
		inbox_add(nd->hold[j].p, &nd->hold[j].it);
	nd->nhold = 0;
	for (p = 0; nd->whole && p < nprocs; p++) {
		if (procs[p].node != i)
			continue;
		if (procs[p].run_set)
			push(now + between(RP(p), 0, 2 * MS), E_RUN, p, 0,
			    NULL);
		/* a COMMAND whose end came while it was stopped */
		if (procs[p].child && procs[p].child_dies <= now) {
			procs[p].child_dies = now + between(RP(p), 0, 2 * MS);
			push(procs[p].child_dies, E_CHILD, p,
			    ++procs[p].child_gen, NULL);
		}
	}
	nd->whole = 0;
}

/* ... and runs again: straight into a ring of the others (A3) */
static void
corosync_resume(int i)
{
	int k, v[MAXN], n = 0;

	if (!nodes[i].paused)
		return;
	thaw(i);
	for (k = 1; k <= nnodes; k++)
		if (k != i && nodes[k].up && !nodes[k].paused)
			v[n++] = k;
	nodes[i].label = n ? nodes[v[rnd(W) % (uint64_t)n]].label : 0;
	stall();
}

/* A whole node stopped (a paused VM): nothing of it runs. */
static int
stopped(int node)
{
	return nodes[node].paused && nodes[node].whole;
}

static void
heal(void)
{
	int i;

	trace("heal");
	/* a paused corosync joins no ring till it runs (A3) */
	for (i = 1; i <= nnodes; i++)
		if (!nodes[i].paused)
			nodes[i].label = 0;
	stall();
}

/*
 * A state answering the first request of a lock process that started
 * before chatty member P, that makes P the holder and the one synced
 * member. Only while the ring runs and none formed since P started: P
 * joined after it, in one FIFO (A1), and never came back with its node
 * (NODEUP; nor will this message, sent outside a stall), so it is
 * no OLD member of the other's, which may believe an OLD one (cpgtool(1),
 * SECURITY).
 */
static const char *
forge(int p, char *buf, size_t size)
{
	int q;

	if (procs[p].start_ring != ringseq || stall_until != 0)
		return "hello";
	for (q = 0; q < p; q++)
		if (procs[q].alive && procs[q].role == R_LOCK &&
		    comp_of(procs[q].node) == comp_of(procs[p].node))
			break;
	if (q == p)
		return "hello";
	snprintf(buf, size, "lock2 state %u:%u:1 1 q 0 %u:%u:5000 %u:%u - "
	    "1 0 0 1", procs[q].a.nodeid, procs[q].a.pid, procs[p].a.nodeid,
	    procs[p].a.pid, procs[p].a.nodeid, procs[p].a.pid);
	return buf;
}

static void
world(void)
{
	int i, p, r = (int)(rnd(W) % 100);

	if (arrivals_on && r < 45) {
		if ((i = pick_up_node()) != 0)
			start_lock(i, chance(W, 5));
	} else if (arrivals_on && r < 50) {
		if ((i = pick_up_node()) != 0 &&
		    (p = new_proc(i, chance(W, 50) ? R_WATCH : R_CHATTY)) >= 0) {
			/* half are cpgtool's, which say they are bystanders */
			if (procs[p].role == R_WATCH &&
			    chance(&procs[p].rs, 50))
				procs[p].role = R_BYSTANDER;
			trace("%s %s on node %d", pname(p),
			    procs[p].role == R_BYSTANDER ? "watches (cpgtool)" :
			    procs[p].role == R_WATCH ? "watches (silent)" :
			    "chats", i);
			push(now + between(W, 100 * MS, 20 * S), E_LEAVE, p, 0,
			    NULL);
		}
	} else if (faults_on && r < 62) {
		if ((p = pick_proc(1)) >= 0)
			sigkill(p);
	} else if (faults_on && r < 66) {
		if ((p = pick_proc(1)) >= 0) {
			trace("%s gets SIGTERM", pname(p));
			lp_signal(procs[p].lp, 15, now);
			do_actions(p);
		}
	} else if (faults_on && ring_faults && r < 74) {
		/* a cut: one node, or a split of the cluster in two or three */
		int how = (int)(rnd(W) % 3), one = (int)between(W, 1, nnodes);

		for (i = 1; i <= nnodes; i++) {
			int l = how == 0 ? (i == one ? i : 0) :
			    (int)(rnd(W) % (uint64_t)(how + 1));

			/* a paused corosync keeps its own till it runs */
			if (!nodes[i].paused)
				nodes[i].label = l;
		}
		trace("partition:%s", "");
		for (i = 1; i <= nnodes; i++)
			trace("  node %d on side %d%s", i, nodes[i].label,
			    nodes[i].up ? nodes[i].paused ? " (paused)" : "" :
			    " (down)");
		stall();
		/* it flaps: healed soon after the sides have formed */
		if (chance(W, 40))
			push(stall_until + between(W, 100 * MS, 3 * S),
			    E_WORLD, -2, 0, NULL);
	} else if (faults_on && ring_faults && r < 82) {
		heal();
	} else if (faults_on && ring_faults && r < 85) {
		if ((i = pick_up_node()) != 0)
			node_crash(i);
	} else if (faults_on && ring_faults && r < 87) {
		if ((i = pick_up_node()) != 0)
			corosync_dies(i);
	} else if (faults_on && ring_faults && r < 89) {
		if ((i = pick_up_node()) != 0)
			corosync_pause(i);
	} else if (faults_on && ring_faults && r < 95) {
		for (i = 1; i <= nnodes; i++)
			if (!nodes[i].up) {
				trace("node %d comes back", i);
				nodes[i].up = 1;
				stall();
				break;
			}
	} else if (faults_on) {
		/* a chatty member says something that is not lock traffic */
		for (p = 0; p < nprocs; p++)
			if (procs[p].alive && procs[p].role == R_CHATTY) {
				/* the last two: forgeries (lockp.c, Senders) */
				static const char *junk[] = { "hello",
				    "lock2 state 1:2:3 9 q 0 - - -",
				    "lock2 request 0 q 1 5",
				    "lock2 state 1:2:3 1 q 99999999999 - - -",
				    "lock2 running 3600000", NULL };
				const char *j = junk[rnd(W) % 6];
				char f[128];

				if (j == NULL)
					j = forge(p, f, sizeof(f));
				if (procs[p].conn)
					enqueue(p, Q_MSG, j, strlen(j));
				break;
			}
	}
}

static void
child_died(int p, uint64_t gen)
{
	struct proc *pr = &procs[p];

	if (!pr->child || gen != pr->child_gen || now < pr->child_dies)
		return;
	pr->child = 0;
	if (!pr->frozen)
		alive_children--;
	pr->frozen = 0;
	trace("%s COMMAND dead (%d alive)", pname(p), alive_children);
	if (pr->alive)
		inbox_add(p, &(struct item){ .kind = I_CHILD,
		    .status = pr->stopped ? 143 : 0 });
}

static void
leave_event(int p)
{
	struct proc *pr = &procs[p];

	if (!pr->alive)
		return;
	if (pr->role == R_LOCK) {
		lp_stdin_eof(pr->lp, now);
		do_actions(p);
		return;
	}
	trace("%s stops watching", pname(p));
	pr->alive = 0;
	pr->exited = 1;
	if (pr->conn && pr->in)
		enqueue(p, Q_LEAVE, NULL, 0);
	pr->in = 0;
}

/* --- one schedule --- */

static void
reset(void)
{
	int p, k;

	for (p = 0; p < nprocs; p++) {
		size_t i;

		for (i = 0; i < procs[p].ninbox; i++)
			item_free(&procs[p].inbox[i]);
		free(procs[p].inbox);
		lp_free(procs[p].lp);
	}
	for (k = 0; k <= MAXN + 1; k++) {
		size_t j;

		for (j = comps[k].head; j < comps[k].nq; j++)
			free(comps[k].q[j].data);
		free(comps[k].q);
	}
	while (nheap > 0) {
		struct ev e = pop();

		item_free(&e.it);
	}
	for (size_t j = 0; j < nheld; j++)
		free(held[j].data);
	nheld = 0;
	for (int n = 0; n <= MAXN; n++) {
		for (size_t j = 0; j < nodes[n].nhold; j++)
			item_free(&nodes[n].hold[j].it);
		free(nodes[n].hold);
	}
	memset(procs, 0, sizeof(procs));
	memset(comps, 0, sizeof(comps));
	memset(nodes, 0, sizeof(nodes));
	nprocs = 0;
	next_pid = 1000;
	now = 0;
	stall_until = 0;
	formed_by = reconf_at = 0;
	memset(sides, 0, sizeof(sides));
	ringseq = 1;
	nstarts = 0;
	failed = 0;
	fail_what = NULL;
	alive_children = 0;
	trace_n = 0;
	faults_on = arrivals_on = ring_faults = 1;
	settled_at = 0;
}

#define LIVE	(60 * S)	/* C3: the longest the lock may lie idle */
#define HORIZON	(900 * S)	/* ... and when a schedule ends at the latest */
#define SETTLE	(20 * S)	/* processes come and die once the ring heals */

/*
 * The quiet: the ring's faults stop and the cluster comes back whole,
 * with a new ring only if it was not whole (corosync forms none when
 * nothing changed: healing with a ring anyway would void every init of
 * the old one, and hide a stall only a ring change ends). Processes
 * still come, and die, for up to SETTLE more, in that one ring: a stall
 * that begins there has no ring change to end it.
 */
static void
quiet_ring(void)
{
	int64_t t, until = now + between(W, 5 * S, SETTLE);
	int i;

	trace("the ring's faults stop; the cluster heals");
	ring_faults = 0;
	for (t = now + between(W, 0, 1 * S); t < until;
	    t += between(W, 300 * MS, 3 * S))
		push(t, E_WORLD, 0, 0, NULL);
	push(until, E_WORLD, -4, 0, NULL);
	if (one_ring()) {
		trace("  (it is whole: no new ring)");
		return;
	}
	for (i = 1; i <= nnodes; i++) {
		nodes[i].up = 1;
		if (nodes[i].paused)
			thaw(i);
		nodes[i].label = 0;
	}
	stall();
}

static int
one(uint64_t s, int64_t length)
{
	int i, p;
	int64_t quiet = length, t, idle = 0, prev = 0;
	int calm;

	reset();
	seed = s;
	rs_world = s * 0x2545F4914F6CDD1DULL + 1;
	rs_net = s * 0x2545F4914F6CDD1DULL + 2;
	rs_start = s * 0x2545F4914F6CDD1DULL + 3;
	nnodes = (int)between(W, 3, MAXN);
	/* -T: a two-node cluster, votequorum's two_node: 1 */
	if (two_node)
		nnodes = 2;
	limit = chance(W, 70) ? 1 : (unsigned)between(W, 2, 3);
	noquorum = chance(W, 15);
	kill_all = draw_kill(W);
	for (i = 1; i <= nnodes; i++)
		nodes[i] = (struct node){ .up = 1, .vq_quorate = 1,
		    .vq_complete = 1, .ring = { 1, 1 } };
	trace("seed %" PRIu64 ": %d nodes, limit %u%s", s, nnodes, limit,
	    noquorum ? ", --no-quorum" : "");
	/*
	 * A busy world, faults piling up in long stalls, with lulls in which
	 * rings form and settle; or a calmer one, where each fault has its
	 * ring formed and answered before the next.
	 */
	calm = chance(W, 40);
	for (t = between(W, 0, 300 * MS); t < quiet; t += calm ?
	    between(W, 300 * MS, 4 * S) : chance(W, 92) ?
	    between(W, 1 * MS, 700 * MS) : between(W, 1 * S, 8 * S))
		push(t, E_WORLD, 0, 0, NULL);
	push(quiet, E_WORLD, -1, 0, NULL);
	while (nheap > 0 && !failed) {
		struct ev e = pop();

		now = e.t;
		/* C3: time with no COMMAND alive, once the faults stopped */
		if (settled_at && now > settled_at && alive_children == 0)
			idle += now - (prev > settled_at ? prev : settled_at);
		prev = now;
		if (idle > LIVE || now > quiet + SETTLE + HORIZON)
			break;
		switch (e.kind) {
		case E_DELIVER:
			deliver(e.a);
			break;
		case E_RUN:
			/* a stopped node's processes run once it runs again */
			if (!stopped(procs[e.a].node))
				run(e.a);
			break;
		case E_INBOX:
			if (e.it.kind == I_TICK && e.t != procs[e.a].tick_at)
				break;
			/* the first totem confchg: the ring of its delivery */
			if (e.it.kind == I_RING && e.it.q == -1)
				e.it.ring = nodes[procs[e.a].node].ring;
			inbox_add(e.a, &e.it);
			break;
		case E_CHILD:
			/* ... and so do their COMMANDs (thaw() ends it) */
			if (!stopped(procs[e.a].node))
				child_died(e.a, e.gen);
			break;
		case E_RECONF:
			reconfigure();
			break;
		case E_FORM:
			form_side(e.a);
			break;
		case E_LEAVE:
			leave_event(e.a);
			break;
		case E_KILL:
			if (procs[e.a].alive && faults_on)
				sigkill(e.a);
			break;
		case E_WORLD:
			if (e.a == -1) {
				quiet_ring();
			} else if (e.a == -4) {
				trace("the processes' faults stop");
				faults_on = arrivals_on = 0;
				settled_at = now;
			} else if (e.a == -3) {
				corosync_resume((int)e.gen);
			} else if (e.a == -2) {
				if (ring_faults)
					heal();
			} else
				world();
			break;
		}
	}
	/* C3: a whole, quorate cluster serves every contender */
	for (p = 0; p < nprocs && !failed; p++)
		if (procs[p].alive && procs[p].role == R_LOCK) {
			trace("%s still waits (synced %d)", pname(p),
			    lp_synced(procs[p].lp));
			fail("C3: a contender was not served once the faults "
			    "stopped");
		}
	return failed;
}

/*
 * -a sched,qdelay,pdeath,stall,kill,form: keep these within mode 1's bounds
 * (the protocol's timing assumptions) in mode 2, to tell which one a
 * mode-2 failure needs.
 */
static void
assume(const char *keep)
{
	if (strstr(keep, "sched") != NULL)
		P.sched = mode1.sched;
	if (strstr(keep, "qdelay") != NULL)
		P.qdelay = mode1.qdelay;
	if (strstr(keep, "pdeath") != NULL) {
		P.pdeath = mode1.pdeath;
		P.pdeath_last = mode1.pdeath_last;
	}
	if (strstr(keep, "stall") != NULL)
		P.stall_max = mode1.stall_max;
	if (strstr(keep, "kill") != NULL)
		P.kill_each = mode1.kill_each;
	if (strstr(keep, "form") != NULL)
		P.form = mode1.form;
}

/* The host's clock, for -d only: simulated time is never read from it. */
static int64_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * S + ts.tv_nsec;
}

/*
 * The regression seeds: one "SEED MODE what it found" a line ('#' and
 * blank lines skipped). Returns how many failed, and counts them run.
 */
static unsigned long
regressions(const char *file, int64_t length, unsigned long *run)
{
	char line[256];
	unsigned long bad = 0;
	unsigned long long s;
	int mode;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "locksim: %s: cannot open\n", file);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%llu %d", &s, &mode) != 2 ||
		    (mode != 1 && mode != 2)) {
			fprintf(stderr, "locksim: %s: not SEED MODE: %s", file,
			    line);
			exit(2);
		}
		P = mode == 2 ? mode2 : mode1;
		(*run)++;
		if (one(s, length)) {
			bad++;
			printf("locksim: regression seed %llu (mode %d) "
			    "failed again: %s", s, mode, line);
		}
	}
	fclose(f);
	return bad;
}

int
main(int argc, char **argv)
{
	uint64_t first = 1, n = 1000, i;
	int64_t length = 30 * S;
	int ch, mode = 1;
	unsigned long sched = 0, bad = 0, stop_after = 5, rsched = 0, rbad = 0;
	const char *seeds = NULL, *keep = "";
	int64_t o_sched = -1, o_qdelay = -1, o_pdeath = -1;
	int64_t wall = 0, t0 = mono();

	while ((ch = getopt(argc, argv, "a:c:d:f:k:m:n:P:Q:qS:s:Tt:v")) != -1) {
		switch (ch) {
		case 'P':
			o_pdeath = atoll(optarg) * MS;
			break;
		case 'Q':
			o_qdelay = atoll(optarg) * MS;
			break;
		case 'T':
			two_node = 1;
			break;
		case 'S':
			o_sched = atoll(optarg) * MS;
			break;
		case 'a':
			keep = optarg;
			break;
		case 'c':
			checks = optarg;
			break;
		case 'd':
			wall = (int64_t)(atof(optarg) * S);
			break;
		case 'f':
			seeds = optarg;
			break;
		case 'k':
			stop_after = strtoul(optarg, NULL, 10);
			break;
		case 'm':
			mode = atoi(optarg);
			break;
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			first = strtoull(optarg, NULL, 10);
			break;
		case 't':
			length = (int64_t)(atof(optarg) * S);
			break;
		case 'v':
			verbose++;
			break;
		default:
			fprintf(stderr, "usage: locksim [-qTv] "
			    "[-a ASSUMPTIONS] [-c CHECKS] [-d SECONDS] "
			    "[-f SEEDFILE] "
			    "[-k FAILURES] [-m 1|2] [-n SEEDS] [-s FIRST] "
			    "[-t SECONDS]\n"
			    "       [-S MS] [-Q MS] [-P MS]\n");
			return 2;
		}
	}
	P = mode == 2 ? mode2 : mode1;
	assume(keep);
	/* one bound past (or within) the assumption: -S, -Q, -P (ms) */
	if (o_sched >= 0)
		P.sched = o_sched;
	if (o_qdelay >= 0)
		P.qdelay = o_qdelay;
	if (o_pdeath >= 0)
		P.pdeath = P.pdeath_last = o_pdeath;
	for (i = first; i < first + n; i++) {
		if (wall > 0 && mono() - t0 >= wall)
			break;
		sched++;
		if (one(i, length)) {
			bad++;
			if (bad >= stop_after && !verbose)
				break;
		}
	}
	printf("locksim: %lu schedules, %lu grants, %lu failed "
	    "(mode %d)\n", sched, grants, bad, mode);
	if (seeds != NULL) {
		rbad = regressions(seeds, length, &rsched);
		printf("locksim: %lu regression seeds from %s, %lu failed\n",
		    rsched, seeds, rbad);
		/*
		 * For a test runner's count: each regression seed is a
		 * check, and the run of new schedules is one (safe or not),
		 * so that 200000 schedules do not drown every other test.
		 */
		printf("%lu passed, %lu failed\n", (rsched - rbad) + (bad == 0),
		    rbad + (bad != 0));
	}
	reset();
	free(heap);
	free(held);
	return bad || rbad ? 1 : 0;
}
