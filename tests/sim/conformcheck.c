/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conformcheck: is a trace that tests/conform recorded on the real
 * corosync one that locksim's model can produce? Each step of the trace
 * is matched to the assumption of the model (tests/sim/locksim.c, A1-A7;
 * tests/sim/README, Conformance) that produces it; a step none produces
 * fails the trace.
 *
 *   conformcheck [-v] [-t] TRACE...
 *
 * -v prints every step with the assumption that covers it; -t holds the
 * traces to today's A1-A7 only: a step that needs the widened model (W1
 * a paused corosync, W2 votequorum as configured, W3 a verdict later
 * than mode 1's 500 ms) fails then. Ends with "N passed, N failed".
 *
 * The trace format (tests/sim/README): '#' comments; "nodes N"; "quorum
 * majority|two_node"; then one line per step, "T_MS NODE EVENT ...",
 * NODE "-" for the driver's faults:
 *   T - fault cut|uncut|kill|start|pause|resume I
 *   T N confchg members IDS left ID:REASON,... joined ID:REASON,...
 *   T N ring NODEID.SEQ members IDS
 *   T N quorate|inquorate ring NODEID.SEQ members IDS
 *   T N node ID member|dead|leaving votes V
 * IDS is node ids separated by commas, or "-": one recording process per
 * node, so a process is named by its node.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXN		16
#define STALL_MAX	6500	/* A3: token + consensus, five nodes */
#define QDELAY_1	500	/* A4, mode 1 */
#define QDELAY_MAX	2000	/* CAVEATS: a verdict at most 2 s late */
#define LINES_MAX	4096

enum { AS_A1, AS_A2, AS_A3, AS_A4, AS_W1, AS_W2, AS_W3, AS_F, AS_N };

static const char *const as_name[AS_N] = {
	[AS_A1] = "A1 total order: ring ids grow",
	[AS_A2] = "A2 joins and leaves in order, views add up",
	[AS_A3] = "A3 a fault: nodedown/nodeup from each node's own view",
	[AS_A4] = "A4 votequorum's verdict, majority",
	[AS_W1] = "W1 a paused corosync: all others down, then up at once,"
	    " no verdict",
	[AS_W2] = "W2 votequorum as configured (two_node: each half quorate)",
	[AS_W3] = "W3 a verdict later than mode 1's 500 ms (within 2 s)",
	[AS_F] = "the driver's fault",
};

/* today's A-list: the rest needs the widened model */
static const int today[AS_N] = {
	[AS_A1] = 1, [AS_A2] = 1, [AS_A3] = 1, [AS_A4] = 1, [AS_F] = 1,
};

struct step {
	long		 t;
	int		 node;		/* 0: the driver */
	char		 ev[16];
	char		 rest[256];
	int		 as;		/* the assumption that covers it */
	char		 why[160];	/* a step nothing covers: why */
};

struct node {
	int		 seen;
	unsigned	 members;	/* CPG's, as this node's process sees */
	unsigned long long seq;		/* the last ring's */
	long		 ring_at;	/* when it was told that ring */
	unsigned	 vq;		/* votequorum's members */
	int		 quorate;
	int		 verdict;	/* a verdict was told */
	unsigned	 down;		/* told nodedown, not yet a ring */
	unsigned	 w1;		/* ... and up again next (W1) */
	long		 ahead_at;	/* a view for a ring not told yet */
};

static struct step steps[LINES_MAX];
static size_t nsteps;
static struct node nodes[MAXN + 1];
static int nnodes, two_node, verbose, strict;
static long qdelay_max, stall_max;

static unsigned
ids(const char *s)
{
	unsigned m = 0;
	char *end;
	long id;

	if (strcmp(s, "-") == 0)
		return 0;
	while (*s) {
		id = strtol(s, &end, 10);
		if (end == s || id < 1 || id > MAXN)
			return ~0u;
		m |= 1u << id;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0')
			return ~0u;
	}
	return m;
}

/* "ID:REASON,...": the ids, and those with REASON */
static unsigned
reasons(const char *s, const char *reason, unsigned *all)
{
	char buf[256], *p, *tok, *colon;
	unsigned m = 0;

	*all = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &p); tok; tok = strtok_r(NULL, ",", &p)) {
		if ((colon = strchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		*all |= 1u << (atoi(tok) & 15);
		if (strcmp(colon + 1, reason) == 0)
			m |= 1u << (atoi(tok) & 15);
	}
	return m;
}

static int
count(unsigned m)
{
	return __builtin_popcount(m);
}

/* votequorum's verdict as the model computes it */
static int
quorate(unsigned vq)
{
	if (two_node)
		return count(vq) >= 1;
	return count(vq) * 2 > nnodes;
}

static void
fail(struct step *s, const char *fmt, ...)
{
	va_list ap;

	s->as = -1;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
}

/* the next step of the same node after i, or NULL */
static struct step *
next_of(size_t i)
{
	size_t j;

	for (j = i + 1; j < nsteps; j++)
		if (steps[j].node == steps[i].node)
			return &steps[j];
	return NULL;
}

static void
confchg(size_t i)
{
	struct step *s = &steps[i], *n;
	struct node *nd = &nodes[s->node];
	char m[128], l[128], j[128];
	unsigned members, left, down, jall, up, joins, self;

	if (sscanf(s->rest, "members %127s left %127s joined %127s", m, l,
	    j) != 3 || (members = ids(m)) == ~0u) {
		fail(s, "a confchg that cannot be read");
		return;
	}
	down = reasons(l, "nodedown", &left);
	up = reasons(j, "nodeup", &jall);
	joins = reasons(j, "join", &jall);
	self = 1u << s->node;
	/* our own join: the first, or a rejoin after corosync restarted */
	if (!nd->seen || (joins & self)) {
		nd->seen = 1;
		nd->members = members;
		nd->down = 0;
		s->as = AS_A2;
		return;
	}
	if (((nd->members & ~left) | jall) != members) {
		fail(s, "members do not add up: before %#x, left %#x, "
		    "joined %#x, now %#x", nd->members, left, jall, members);
		return;
	}
	nd->members = members;
	s->as = down || up ? AS_A3 : AS_A2;
	if (nd->w1 && up == nd->w1) {
		nd->w1 = 0;
		s->as = AS_W1;
		return;
	}
	/*
	 * W1: every other node down, and in this node's very next step,
	 * the same nodes up again: no ring of its own between, no verdict
	 */
	if (down && (down | self) == (members | left | self) &&
	    (n = next_of(i)) != NULL && strcmp(n->ev, "confchg") == 0 &&
	    sscanf(n->rest, "members %127s left %127s joined %127s", m, l,
	    j) == 3 && reasons(j, "nodeup", &jall) == down) {
		s->as = AS_W1;
		nd->w1 = down;
		return;
	}
	nd->down |= down;
	nd->down &= ~up;
}

static void
ring(size_t i)
{
	struct step *s = &steps[i];
	struct node *nd = &nodes[s->node];
	unsigned long long seq;
	unsigned rid, members;
	char m[128];

	if (sscanf(s->rest, "%u.%llu members %127s", &rid, &seq, m) != 3 ||
	    (members = ids(m)) == ~0u) {
		fail(s, "a ring that cannot be read");
		return;
	}
	if (seq <= nd->seq) {
		fail(s, "ring %llu after ring %llu", seq, nd->seq);
		return;
	}
	if (nd->down & members) {
		fail(s, "told nodedown of %#x, then a ring with them",
		    nd->down & members);
		return;
	}
	nd->down = 0;
	nd->seq = seq;
	nd->ring_at = s->t;
	s->as = AS_A1;
}

/* votequorum's view: node states, then the verdict if it changed */
static void
vq(size_t i)
{
	struct step *s = &steps[i];
	struct node *nd = &nodes[s->node];
	char state[16], m[128];
	unsigned long long seq;
	unsigned id, members;
	long d;

	if (strcmp(s->ev, "node") == 0) {
		if (sscanf(s->rest, "%u %15s", &id, state) != 2 || id > MAXN) {
			fail(s, "a node event that cannot be read");
			return;
		}
		if (strcmp(state, "member") == 0)
			nd->vq |= 1u << id;
		else
			nd->vq &= ~(1u << id);
	} else {
		if (sscanf(s->rest, "ring %*u.%llu members %127s", &seq, m) !=
		    2 || (members = ids(m)) == ~0u) {
			fail(s, "a verdict that cannot be read");
			return;
		}
		/*
		 * A4: a verdict for a ring CPG has not named to this process
		 * yet (a new process's first view among them): not late
		 */
		nd->ahead_at = seq > nd->seq ? s->t : -1;
		nd->vq = members;
		nd->quorate = strcmp(s->ev, "quorate") == 0;
		nd->verdict = 1;
	}
	s->as = two_node && quorate(nd->vq) && count(nd->vq) * 2 <= nnodes ?
	    AS_W2 : AS_A4;
	/* how late after this node's ring (the first view has none) */
	if (nd->ring_at && s->t != nd->ahead_at) {
		d = s->t - nd->ring_at;
		if (d < 0)
			d = -d;
		if (d > qdelay_max)
			qdelay_max = d;
		if (d > QDELAY_MAX)
			fail(s, "%ld ms from the ring: beyond CAVEATS' 2 s", d);
		else if (d > QDELAY_1 && s->as == AS_A4)
			s->as = AS_W3;
	}
}

/* after a node's view settled (its last line of one instant) */
static void
settled(size_t i)
{
	struct step *s = &steps[i], *n = next_of(i);
	struct node *nd = &nodes[s->node];

	if (n != NULL && n->t == s->t && (strcmp(n->ev, "node") == 0 ||
	    strcmp(n->ev, "quorate") == 0 || strcmp(n->ev, "inquorate") == 0))
		return;
	if (nd->verdict && nd->quorate != quorate(nd->vq))
		fail(s, "told %s with %d of %d nodes",
		    nd->quorate ? "quorate" : "inquorate", count(nd->vq),
		    nnodes);
}

/* how long after a fault the others' CPG told of it: A3's stall */
static void
stall(size_t i)
{
	struct step *s = &steps[i];
	char what[16];
	int victim;
	size_t j;

	s->as = AS_F;
	if (sscanf(s->rest, "%15s %d", what, &victim) != 2 ||
	    (strcmp(what, "cut") && strcmp(what, "kill") &&
	    strcmp(what, "pause")))
		return;
	for (j = i + 1; j < nsteps; j++) {
		if (steps[j].node == 0 && strcmp(steps[j].ev, "fault") == 0)
			return;
		if (steps[j].node != 0 && steps[j].node != victim &&
		    strcmp(steps[j].ev, "confchg") == 0 &&
		    strstr(steps[j].rest, ":nodedown")) {
			if (steps[j].t - s->t > stall_max)
				stall_max = steps[j].t - s->t;
			if (steps[j].t - s->t > STALL_MAX)
				fail(&steps[j], "told %ld ms after the fault: "
				    "beyond A3's 6.5 s", steps[j].t - s->t);
			return;
		}
	}
}

static int
load(const char *path)
{
	char line[512], node[16];
	FILE *f;
	int n;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	nsteps = 0;
	nnodes = two_node = 0;
	memset(nodes, 0, sizeof(nodes));
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "nodes %d", &nnodes) == 1)
			continue;
		if (strcmp(line, "quorum two_node") == 0) {
			two_node = 1;
			continue;
		}
		if (strcmp(line, "quorum majority") == 0)
			continue;
		if (nsteps == LINES_MAX)
			break;
		struct step *s = &steps[nsteps];
		memset(s, 0, sizeof(*s));
		if (sscanf(line, "%ld %15s %15s %n", &s->t, node, s->ev,
		    &n) < 3) {
			fprintf(stderr, "%s: cannot read: %s\n", path, line);
			fclose(f);
			return -1;
		}
		snprintf(s->rest, sizeof(s->rest), "%s", line + n);
		s->node = strcmp(node, "-") == 0 ? 0 : atoi(node);
		if (s->node < 0 || s->node > MAXN) {
			fprintf(stderr, "%s: node %s\n", path, node);
			fclose(f);
			return -1;
		}
		nsteps++;
	}
	fclose(f);
	if (nnodes < 1 || nnodes > MAXN) {
		fprintf(stderr, "%s: no 'nodes N' line\n", path);
		return -1;
	}
	/* a recording in which a node was told nothing recorded nothing */
	for (n = 1; n <= nnodes; n++) {
		size_t i;

		for (i = 0; i < nsteps && steps[i].node != n; i++)
			;
		if (i == nsteps) {
			fprintf(stderr, "%s: node %d was told nothing\n",
			    path, n);
			return -1;
		}
	}
	return 0;
}

static int
check(const char *path)
{
	int by[AS_N] = { 0 }, bad = 0, as;
	size_t i;

	qdelay_max = stall_max = 0;
	if (load(path) == -1)
		return 1;
	for (i = 0; i < nsteps; i++) {
		struct step *s = &steps[i];

		if (s->node == 0)
			stall(i);
		else if (strcmp(s->ev, "confchg") == 0)
			confchg(i);
		else if (strcmp(s->ev, "ring") == 0)
			ring(i);
		else if (strcmp(s->ev, "node") == 0 ||
		    strcmp(s->ev, "quorate") == 0 ||
		    strcmp(s->ev, "inquorate") == 0)
			vq(i);
		else
			fail(s, "no event '%s' in the model", s->ev);
		if (s->node != 0 && s->as >= 0 && (strcmp(s->ev, "node") == 0 ||
		    !strcmp(s->ev, "quorate") || !strcmp(s->ev, "inquorate")))
			settled(i);
	}
	for (i = 0; i < nsteps; i++) {
		struct step *s = &steps[i];

		as = s->as;
		if (as >= 0 && strict && !today[as])
			snprintf(s->why, sizeof(s->why), "needs %s",
			    as_name[as]);
		if (as < 0 || (strict && !today[as])) {
			bad++;
			printf("%s: %ld %d %s %s\n    NOT IN THE MODEL: %s\n",
			    path, s->t, s->node, s->ev, s->rest, s->why);
		} else {
			by[as]++;
			if (verbose)
				printf("%s: %ld %d %s %s\n    <- %s\n", path,
				    s->t, s->node, s->ev, s->rest,
				    as_name[as]);
		}
	}
	printf("%s: %zu steps, %d not in the model; stall %ld ms, verdict "
	    "%ld ms from its ring at most\n", path, nsteps, bad, stall_max,
	    qdelay_max);
	for (as = 0; as < AS_N; as++)
		if (by[as])
			printf("    %4d  %s%s\n", by[as], as_name[as],
			    today[as] ? "" : " (widened model)");
	return bad > 0;
}

int
main(int argc, char **argv)
{
	int ch, i, failed = 0;

	while ((ch = getopt(argc, argv, "tv")) != -1) {
		switch (ch) {
		case 't':
			strict = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: conformcheck [-tv] TRACE...\n");
			return 2;
		}
	}
	for (i = optind; i < argc; i++)
		failed += check(argv[i]);
	printf("%d passed, %d failed\n", argc - optind - failed, failed);
	return failed > 0;
}
