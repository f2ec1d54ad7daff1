/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool check GROUP...: a monitoring plugin, as the Monitoring Plugins
 * development guidelines define one, for Nagios, Icinga and their kin:
 * the members of each GROUP against thresholds in the guidelines' range
 * syntax (range.c), members expected on named nodes, the quorum; one
 * line on standard output with performance data (mon.c), and the state
 * as the exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Bad
 * arguments, a corosync that does not answer and the timeout are
 * UNKNOWN, as the guidelines ask. It joins no group.
 */

#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpgtool.h"
#include "event.h"
#include "loop.h"
#include "nodeinfo.h"
#include "mon.h"
#include "opt.h"
#include "range.h"
#include "quorum.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "util.h"

/* the guidelines' default timeout */
#define CHECK_TIMEOUT	10
#define NODES_MAX	64

struct check {
	struct range	 warn;
	struct range	 crit;
	const char	*nodes_arg;	/* --nodes, as given */
	uint32_t	 nodes[NODES_MAX];
	size_t		 nnodes;
	int		 quorum;
	int		 quorate;
	double		 timeout;
	struct sess	*s;
};

/* The line the timeout prints: rendered before, written from a handler. */
static char tobuf[128];
static size_t tolen;

static void
on_alarm(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, tobuf, tolen) == -1)
		_exit(MON_UNKNOWN);
	_exit(MON_UNKNOWN);
}

/*
 * The -t guarantee holds even where a call into corosync blocks (a
 * corosync stopped): SIGALRM ends us with the UNKNOWN line. Nothing to
 * leave: check joins no group.
 */
static void
arm(double seconds)
{
	char why[64];
	struct mcheck m = { .status = MON_UNKNOWN, .unknown = why };
	struct sink s;
	struct itimerval it = { 0 };

	snprintf(why, sizeof(why), "timed out after %g seconds", seconds);
	sink_fixed(&s, tobuf, sizeof(tobuf));
	mon_check(&s, &m);
	sink_data(&s, &tolen);
	signal(SIGALRM, on_alarm);
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds -
	    (double)(time_t)seconds) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
}

static enum opt_res
range_opt(void *arg, const struct optdef *d, const char *range)
{
	struct check *c = arg;

	if (range_parse(range, d->val == 'w' ? &c->warn : &c->crit) == 0)
		return OPT_TAKEN;
	usage_error("--%s needs a range (10, 10:, ~:10, 10:20, @10:20), not "
	    "'%s'", d->name, range);
	return OPT_BAD;
}

/* at least 1 ms: setitimer's and the guidelines' resolution */
static enum opt_res
timeout_opt(void *arg, const struct optdef *d, const char *seconds)
{
	struct check *c = arg;

	(void)d;
	if (opt_seconds("--timeout", seconds, &c->timeout) != OPT_TAKEN)
		return OPT_BAD;
	if (c->timeout < 0.001) {
		usage_error("--timeout must be more than 0");
		return OPT_BAD;
	}
	return OPT_TAKEN;
}

static enum opt_res
version_opt(void *arg, const struct optdef *d, const char *unused)
{
	(void)arg;
	(void)d;
	(void)unused;
	puts("cpgtool " CPGTOOL_VERSION);
	return OPT_DONE;
}

static const struct optdef check_defs[] = {
	{ "warning", 'w', "range", "WARNING when a GROUP's members are "
	    "outside\nRANGE: 10, 10:, ~:10, 10:20, or @10:20 for inside",
	    OPT_FN(range_opt) },
	{ "critical", 'c', "range", "CRITICAL when outside RANGE (default "
	    "1: when\nneither -w nor -c is given)", OPT_FN(range_opt) },
	{ "nodes", OPT_NODES, "list", "CRITICAL when a node of LIST (ids "
	    "or names)\nhas no member in a GROUP",
	    OPT_STR(struct check, nodes_arg) },
	{ "quorum", OPT_QUORUM, NULL, "CRITICAL when this node's partition "
	    "is not\nquorate", OPT_FLAG(struct check, quorum) },
	{ "timeout", 't', "seconds", "UNKNOWN after SECONDS (default 10)",
	    OPT_FN(timeout_opt) },
	{ "version", 'V', NULL, "show the version", OPT_FN(version_opt) },
	OPTDEF_END
};
const struct optdef *const check_opts[] = { check_defs, NULL };

/* GROUP..., once the options are read: ST_OK, or the status said. */
static int
operands(struct check *c, int argc, char **argv, struct cpg_name **groups)
{
	if (argc == 0) {
		usage_error("check needs a group");
		return ST_USAGE;
	}
	if (!c->warn.set && !c->crit.set)
		range_parse("1:", &c->crit);
	return opt_groups(argc, argv, groups);
}

static void
on_view(void *arg, const struct qview *v)
{
	struct check *c = arg;

	if (v != NULL)
		c->quorate = v->quorate;
}

/* --nodes, as ids: ST_OK, or the status said. */
static int
resolve(struct check *c)
{
	char word[256];
	int st;

	if (c->nodes_arg == NULL)
		return ST_OK;
	st = node_ids(c->nodes_arg, c->nodes, NODES_MAX, &c->nnodes, word,
	    sizeof(word));
	if (st == NODES_UNKNOWN)
		usage_error("--nodes: no node '%s' in corosync's nodelist",
		    word);
	else if (st == NODES_BADID)
		usage_error("--nodes needs node ids from 1 to 4294967295, "
		    "not '%s'", word);
	else if (st == NODES_BAD)
		usage_error("--nodes needs node ids or names separated by "
		    "commas (at most %d), not '%s'", NODES_MAX,
		    c->nodes_arg);
	return st < 0 ? ST_USAGE : st;
}

/* The nodes of --nodes with no member in a: "node3,4", or NULL. */
static char *
missing(struct check *c, const struct cpg_address *a, int n)
{
	struct nodeinfo ni;
	char *buf = NULL, *p;
	size_t i, len = 0;
	int j;

	for (i = 0; i < c->nnodes; i++) {
		for (j = 0; j < n && a[j].nodeid != c->nodes[i]; j++)
			;
		if (j < n)
			continue;
		sess_nodeinfo(c->s, c->nodes[i], &ni);
		if (ni.name[0] == '\0')
			snprintf(ni.name, sizeof(ni.name), "%u", c->nodes[i]);
		if ((p = realloc(buf, len + strlen(ni.name) + 2)) == NULL)
			break;
		buf = p;
		len += (size_t)sprintf(buf + len, "%s%s", len ? "," : "",
		    ni.name);
	}
	return buf;
}

static enum mon_status
worse(enum mon_status a, enum mon_status b)
{
	return a > b ? a : b;
}

/* Each group asked for; the state from what was seen. */
static int
look(struct check *c, struct mcheck *m, struct cpg_name *groups)
{
	struct cpg_address a[CPG_MEMBERS_MAX];
	struct mcheck_group *g = (struct mcheck_group *)m->groups;
	size_t i;
	int n, st;

	m->status = MON_OK;
	for (i = 0; i < m->ngroups; i++) {
		n = CPG_MEMBERS_MAX;
		if ((st = sess_membership(c->s, &groups[i], a, &n)) != ST_OK)
			return st;
		g[i].name = groups[i];
		g[i].members = (size_t)n;
		g[i].missing = missing(c, a, n);
		if (range_alert(&c->crit, n) || g[i].missing != NULL)
			m->status = worse(m->status, MON_CRITICAL);
		else if (range_alert(&c->warn, n))
			m->status = worse(m->status, MON_WARNING);
	}
	if (m->quorate == 0)
		m->status = MON_CRITICAL;
	return ST_OK;
}

static const char *
unknown(int st)
{
	switch (st) {
	case ST_USAGE:
		return "invalid arguments (see cpgtool check --help)";
	case ST_CONN:
		return "cannot connect to corosync (is it running?)";
	case ST_ACCESS:
		return "corosync does not let this user in";
	default:
		return "cannot ask corosync";
	}
}

int
cmd_check(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = { 0 };
	struct check c = { .timeout = CHECK_TIMEOUT };
	struct mcheck m = { .quorate = -1, .warn = &c.warn, .crit = &c.crit };
	struct cpg_name *groups = NULL;
	struct quorum *q = NULL;
	struct runopts ro;
	struct loop *l;
	struct optdest to = { .cmd = &c };
	enum opt_res r;
	size_t i;
	int st;

	(void)of;
	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, check_opts, &to, 0)) == OPT_DONE)
		return ST_OK;
	st = r == OPT_TAKEN ? operands(&c, argc - optind, argv + optind,
	    &groups) : opt_status(r);
	if (st != ST_OK) {
		m.status = MON_UNKNOWN;
		m.unknown = unknown(st);
		mon_check(sink_stdout, &m);
		sink_stop(sink_stdout);
		return MON_UNKNOWN;
	}
	arm(c.timeout);
	m.ngroups = (size_t)(argc - optind);
	if ((m.groups = calloc(m.ngroups, sizeof(*m.groups))) == NULL ||
	    (l = run_loop(&ro, 1)) == NULL) {
		free((void *)m.groups);
		free(groups);
		return MON_UNKNOWN;
	}
	if ((st = resolve(&c)) == ST_OK &&
	    (st = sess_open(l, NULL, 0, &ro, &hooks, &c, &c.s)) == ST_OK &&
	    (!c.quorum ||
	    (st = quorum_follow(l, &ro, on_view, &c, &q)) == ST_OK)) {
		if (c.quorum)
			m.quorate = c.quorate;
		st = look(&c, &m, groups);
	}
	if (st != ST_OK) {
		m.status = MON_UNKNOWN;
		m.unknown = unknown(st);
	}
	mon_check(sink_stdout, &m);
	quorum_close(q);
	for (i = 0; i < m.ngroups; i++)
		free((void *)m.groups[i].missing);
	free((void *)m.groups);
	free(groups);
	st = run_end(l, ST_OK);
	return st == ST_OK ? (int)m.status : MON_UNKNOWN;
}
