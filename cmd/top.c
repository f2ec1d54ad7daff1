/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool top: the cluster's groups, live, on the full screen: the
 * cluster and its nodes (votequorum's view, told on every change), every
 * group and its members (asked of corosync every --interval without
 * joining anything, as members --watch looks: only members are told of
 * changes), and the latest membership events. The screen is redrawn
 * when something changed or a key asks, never on a clock: the times
 * shown are clock times, not ages. On a standard output that is not a
 * terminal, or with --once, one snapshot as text.
 *
 * What the screen looks like is tui.c's; this file keeps struct top
 * current and reads the keys.
 */

#include <err.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cpgtool.h"
#include "daemons.h"
#include "event.h"
#include "outopt.h"
#include "loop.h"
#include "opt.h"
#include "quorum.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"
#include "tui.h"
#include "util.h"

struct topc {
	struct loop	*loop;
	struct sess	*s;
	struct quorum	*q;
	struct timer	 tick;
	double		 interval;
	int		 once;
	struct tui	*ui;
	struct top	 t;
	int		 looked;	/* the groups were listed once */
	int		 dirty;		/* changed since drawn */
	int		 redraw;	/* a key or a resize: draw now */
};

static const struct optdef top_defs[] = {
	{ "once", '1', NULL, "print one snapshot as text and exit (the "
	    "default when\nstandard output is not a terminal)",
	    OPT_FLAG(struct topc, once) },
	{ "interval", 'i', "seconds", "how often to look at the groups (1); "
	    "the screen is\nredrawn only when something changed",
	    OPT_SECONDS(struct topc, interval), .min = 0.01 },
	OPTDEF_END
};
const struct optdef *const top_opts[] = { top_defs, opts_run, NULL };

static void
add_event(struct topc *c, enum top_ev type, const struct cpg_name *g,
    uint32_t nodeid, uint32_t pid, time_t now)
{
	struct top *t = &c->t;
	struct top_event *e = &t->ev[t->evnext];

	*e = (struct top_event){ .time = now, .type = type, .nodeid = nodeid,
	    .pid = pid };
	if (g != NULL)
		e->group = *g;
	t->evnext = (t->evnext + 1) % TOP_EVENTS_MAX;
	if (t->nev < TOP_EVENTS_MAX)
		t->nev++;
}

/* Members by group, then address: compare() walks both lists so. */
static int
by_entry(const void *a, const void *b)
{
	const struct gmember *x = a, *y = b;
	int c;

	if ((c = sess_group_cmp(&x->group, &y->group)) != 0)
		return c;
	return addr_cmp(ADDR_OF(x), ADDR_OF(y));
}

static const struct top_member *
find_member(const struct top_group *g, const struct top_member *m)
{
	size_t i;

	for (i = 0; g != NULL && i < g->n; i++)
		if (addr_eq(ADDR_OF(&g->m[i]), ADDR_OF(m)))
			return &g->m[i];
	return NULL;
}

/* The old group of that name; both lists are sorted by name. */
static struct top_group *
find_group(struct top_group *old, size_t n, const struct cpg_name *name)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = sess_group_cmp(&old[mid].name, name)) == 0)
			return &old[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The members of og that g lacks left; g's that og lacks joined. */
static int
compare(struct topc *c, struct top_group *g, const struct top_group *og,
    time_t now)
{
	const struct top_member *om;
	int changed = og == NULL || og->n != g->n;
	size_t i;

	for (i = 0; i < g->n; i++) {
		if ((om = find_member(og, &g->m[i])) != NULL) {
			g->m[i].since = om->since;
			continue;
		}
		changed = 1;
		g->m[i].since = c->looked ? now : 0;
		if (c->looked)
			add_event(c, TE_JOIN, &g->name, g->m[i].nodeid,
			    g->m[i].pid, now);
	}
	for (i = 0; og != NULL && i < og->n; i++)
		if (find_member(g, &og->m[i]) == NULL) {
			changed = 1;
			add_event(c, TE_LEAVE, &og->name, og->m[i].nodeid,
			    og->m[i].pid, now);
		}
	return changed;
}

static void
free_groups(struct top_group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(g[i].m);
	free(g);
}

/* The sorted list as groups; NULL if out of memory. */
static struct top_group *
make_groups(const struct gmember *m, size_t nm, size_t *np)
{
	struct top_group *g;
	size_t i, j, k, n = 0;

	for (i = 0; i < nm; i++)
		n += i == 0 || sess_group_cmp(&m[i].group, &m[i - 1].group);
	if ((g = calloc(n + 1, sizeof(*g))) == NULL)
		return NULL;
	for (i = 0, k = 0; i < nm; i = j, k++) {
		for (j = i; j < nm && sess_group_cmp(&m[i].group,
		    &m[j].group) == 0; j++)
			;
		g[k].name = m[i].group;
		g[k].daemon = daemon_owner(&g[k].name);
		g[k].n = j - i;
		if ((g[k].m = calloc(j - i, sizeof(*g[k].m))) == NULL) {
			free_groups(g, k + 1);
			return NULL;
		}
		for (; i < j; i++)
			g[k].m[g[k].n - (j - i)] = (struct top_member){
			    m[i].nodeid, m[i].pid, 0 };
	}
	*np = n;
	return g;
}

/* Every group and member now, against what was there the last time. */
static int
look(struct topc *c)
{
	struct top *t = &c->t;
	struct gmember *m;
	struct top_group *g, *og;
	time_t now = time(NULL);
	size_t i, nm, n = 0;
	int st;

	if ((st = sess_groups(c->s, &m, &nm)) != ST_OK)
		return st;
	if (nm > 1)
		qsort(m, nm, sizeof(*m), by_entry);
	if ((g = make_groups(m, nm, &n)) == NULL) {
		warnx("top: out of memory");
		st = ST_FAIL;
		goto done;
	}
	for (i = 0; i < n; i++) {
		og = find_group(t->groups, t->ngroups, &g[i].name);
		g[i].since = og != NULL ? og->since : c->looked ? now : 0;
		c->dirty |= compare(c, &g[i], og, now);
	}
	/* the groups that are gone: every member left */
	for (i = 0; i < t->ngroups; i++)
		if (find_group(g, n, &t->groups[i].name) == NULL)
			c->dirty |= compare(c, &(struct top_group){
			    .name = t->groups[i].name }, &t->groups[i], now);
	free_groups(t->groups, t->ngroups);
	t->groups = g;
	t->ngroups = n;
	c->looked = 1;
done:
	free(m);
	return st;
}

static const struct top_node *
old_node(const struct top *t, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].q.nodeid == nodeid)
			return &t->nodes[i];
	return NULL;
}

/* votequorum's new view: the nodes, what changed, the verdict. */
static void
on_view(void *arg, const struct qview *v)
{
	struct topc *c = arg;
	struct top *t = &c->t;
	const struct top_node *o;
	struct top_node *nodes;
	time_t now = time(NULL);
	size_t i;

	if (v == NULL) {
		loop_stop(c->loop, ST_CONN);
		return;
	}
	if ((nodes = calloc(v->nnodes + 1, sizeof(*nodes))) == NULL) {
		warnx("top: out of memory");
		loop_stop(c->loop, ST_FAIL);
		return;
	}
	for (i = 0; i < v->nnodes; i++) {
		nodes[i].q = v->nodes[i];
		o = old_node(t, v->nodes[i].nodeid);
		if (o != NULL && o->q.state == v->nodes[i].state) {
			nodes[i].since = o->since;
			nodes[i].ni = o->ni;
			continue;
		}
		/* new, or its state changed: its addresses may have too */
		quorum_nodeinfo(c->q, v->nodes[i].nodeid, &nodes[i].ni);
		nodes[i].since = t->have_q ? now : 0;
		if (t->have_q && (o != NULL || v->nodes[i].state == QS_MEMBER))
			add_event(c, v->nodes[i].state == QS_MEMBER ? TE_UP :
			    TE_DOWN, NULL, v->nodes[i].nodeid, 0, now);
	}
	if (t->have_q && t->q.quorate != v->quorate)
		add_event(c, v->quorate ? TE_QUORATE : TE_INQUORATE, NULL, 0,
		    0, now);
	free(t->nodes);
	t->nodes = nodes;
	t->nnodes = v->nnodes;
	t->q = *v;
	t->have_q = 1;
	c->dirty = 1;
}

static void
on_lost(void *arg, struct sess *s)
{
	struct topc *c = arg;

	(void)s;
	loop_stop(c->loop, ST_CONN);
}

static void
tick(struct loop *l, void *arg)
{
	struct topc *c = arg;
	int st;

	if ((st = look(c)) != ST_OK) {
		loop_stop(l, st);
		return;
	}
	timer_in(&c->tick, (int64_t)(c->interval * SEC));
}

/* A key while a filter is typed: the text, Enter, Esc. */
static void
edit_key(struct top *t, int k)
{
	size_t n = strlen(t->edit);

	switch (k) {
	case TK_ENTER:
		snprintf(t->editing == 'n' ? t->fnode : t->fgroup,
		    sizeof(t->fgroup), "%s", t->edit);
		t->editing = 0;
		break;
	case TK_ESC:
		t->editing = 0;
		break;
	case TK_BACKSPACE:
		if (n > 0)
			t->edit[n - 1] = '\0';
		break;
	default:
		if (k >= 0x20 && k < 0x7f && n + 1 < sizeof(t->edit)) {
			t->edit[n] = (char)k;
			t->edit[n + 1] = '\0';
		}
		break;
	}
}

static void
edit_start(struct top *t, int what)
{
	t->editing = what;
	snprintf(t->edit, sizeof(t->edit), "%s",
	    what == 'n' ? t->fnode : t->fgroup);
}

static void
key(struct topc *c, int k)
{
	struct top *t = &c->t;

	c->redraw = 1;
	if (k == TK_RESIZE)
		return;
	if (t->editing) {
		edit_key(t, k);
		return;
	}
	if (t->help) {
		t->help = 0;
		return;
	}
	switch (k) {
	case 'q':
	case 'Q':
		loop_stop(c->loop, ST_OK);
		break;
	case 's':
		t->sort = (t->sort + 1) % SORT_COUNT;
		break;
	case '/':
	case 'g':
		edit_start(t, 'g');
		break;
	case 'n':
		edit_start(t, 'n');
		break;
	case 'c':
		t->fgroup[0] = t->fnode[0] = '\0';
		break;
	case 'p':
	case ' ':
		t->paused = !t->paused;
		break;
	case 'h':
	case '?':
		t->help = 1;
		break;
	default:
		break;
	}
}

static void
keys(struct topc *c)
{
	int k;

	while (!loop_done(c->loop) && (k = tui_key(c->ui)) != TK_NONE)
		key(c, k);
}

static void
on_stdin(struct loop *l, void *arg, short revents)
{
	/* the terminal is gone (SIGHUP usually says so first) */
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		loop_fd_del(l, STDIN_FILENO);
		loop_stop(l, ST_OK);
		return;
	}
	keys(arg);
}

/*
 * Each time round the loop, before it sleeps: the keys (a resize comes
 * as one, after SIGWINCH woke the loop), then the screen if it must.
 * Paused, changes wait; keys are still shown.
 */
static void
prepare(struct loop *l, void *arg)
{
	struct topc *c = arg;

	(void)l;
	keys(c);
	if (loop_done(c->loop))
		return;
	if (c->redraw || (c->dirty && !c->t.paused)) {
		tui_draw(c->ui, &c->t);
		c->redraw = 0;
		if (!c->t.paused)
			c->dirty = 0;
	}
}

/* The screen until a key, a signal or a lost connection ends it. */
static int
live(struct topc *c)
{
	int st, kst;

	if ((st = tui_start(&c->ui)) != ST_OK)
		return st;
	if (isatty(STDIN_FILENO) && (st = loop_fd(c->loop, STDIN_FILENO,
	    POLLIN, on_stdin, c)) != ST_OK)
		goto done;
	loop_on_prepare(c->loop, prepare, c);
	timer_init(c->loop, &c->tick, tick, c);
	timer_in(&c->tick, (int64_t)(c->interval * SEC));
	c->redraw = 1;
	st = loop_run(c->loop);
done:
	/* the terminal back before anything more is said */
	kst = tui_end(c->ui);
	c->ui = NULL;
	return st ? st : kst;
}

int
cmd_top(int argc, char **argv, struct outfmt *of)
{
	static const struct sess_hooks hooks = { .lost = on_lost };
	struct topc c = { .interval = 1 };
	struct runopts ro;
	struct optdest to = { .cmd = &c, .run = &ro };
	enum opt_res r;
	int st;

	opt_init_run(&ro);
	if ((r = opt_parse(argc, argv, top_opts, &to, 0)) != OPT_TAKEN)
		return opt_status(r);
	if (optind < argc) {
		usage_error("top takes no operands");
		return ST_USAGE;
	}
	if (of->json) {
		usage_error("top shows no JSON; see members and quorum");
		return ST_USAGE;
	}
	if (!isatty(STDOUT_FILENO))
		c.once = 1;
	c.t.started = time(NULL);
	if ((c.loop = run_loop(&ro, c.once)) == NULL)
		return ST_FAIL;
	if ((st = quorum_follow(c.loop, &ro, on_view, &c, &c.q)) != ST_OK ||
	    (st = sess_open(c.loop, NULL, 0, &ro, &hooks, &c, &c.s)) !=
	    ST_OK || (st = look(&c)) != ST_OK)
		goto done;
	quorum_cluster(c.q, c.t.cluster, sizeof(c.t.cluster));
	if (c.once)
		tui_text(sink_stdout, &c.t);
	else
		st = live(&c);
done:
	quorum_close(c.q);
	st = run_end(c.loop, st);
	free_groups(c.t.groups, c.t.ngroups);
	free(c.t.nodes);
	return st;
}
