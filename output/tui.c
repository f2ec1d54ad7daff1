/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * top's two renderings of struct top: the full screen through ncurses
 * (curses owns the terminal from tui_start to tui_end), and one
 * snapshot as plain text into a sink. Both are made of the same lines,
 * section by section: the cluster, its nodes, the groups and their
 * members, the latest membership events; the screen fits each section
 * to its rows and adds a status line.
 *
 * While curses owns the terminal, a warning on stderr (a lost
 * connection, said by sess.c) would be drawn over and lost: stderr
 * goes to a memory file then, written out once the terminal is back.
 */

#include <sys/mman.h>

#include <curses.h>
#include <err.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "sink.h"
#include "status.h"
#include "tui.h"

/* How a line looks on the screen. */
enum look {
	L_PLAIN,
	L_TITLE,
	L_HEAD,
	L_BAD,		/* a node down, no quorum */
	L_DAEMON,	/* a daemon's group */
	L_NOTE,
};

struct tui {
	int		 stderr_fd;	/* the real stderr, meanwhile */
	int		 mem_fd;	/* what was said meanwhile */
	int		 colors;
};

/* Where lines go: a sink, or the screen from `row' up to `end'. */
struct out {
	struct sink	*sink;
	int		 row;
	int		 end;
	size_t		 max;		/* lines the section may use */
	size_t		 n;		/* lines it used */
	size_t		 want;		/* lines it has */
	int		 colors;
};

static const char *const sorts[SORT_COUNT] = {
	"name", "members", "since",
};

const char *
tui_sort_name(enum top_sort s)
{
	return s < SORT_COUNT ? sorts[s] : "?";
}

static const char *const states[] = { "up", "down", "leaving" };

static int __attribute__((format(printf, 3, 4)))
line(struct out *o, enum look look, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	attr_t a = A_NORMAL;
	size_t len;

	o->want++;
	if (o->n >= o->max)
		return 0;
	o->n++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* the columns' padding, not at the end of a line */
	for (len = strlen(buf); len > 0 && buf[len - 1] == ' '; len--)
		buf[len - 1] = '\0';
	if (o->sink != NULL) {
		sink_puts(o->sink, buf);
		sink_putc(o->sink, '\n');
		return 1;
	}
	if (o->row >= o->end)
		return 1;
	switch (look) {
	case L_TITLE:
		a = A_REVERSE;
		break;
	case L_HEAD:
		a = A_BOLD;
		break;
	case L_BAD:
		a = o->colors ? COLOR_PAIR(1) | A_BOLD : A_BOLD;
		break;
	case L_DAEMON:
		a = o->colors ? COLOR_PAIR(2) : A_NORMAL;
		break;
	case L_NOTE:
		a = A_DIM;
		break;
	case L_PLAIN:
		break;
	}
	attrset(a);
	mvaddnstr(o->row, 0, buf, COLS);
	if (look == L_TITLE)
		chgat(-1, a, 0, NULL);
	attrset(A_NORMAL);
	o->row++;
	return 1;
}

/* HH:MM:SS of a time; "-" before top first looked. */
static const char *
since(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%H:%M:%S", &tm) == 0)
		snprintf(buf, size, "-");
	return buf;
}

static const struct top_node *
node_of(const struct top *t, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].q.nodeid == nodeid)
			return &t->nodes[i];
	return NULL;
}

static const char *
node_name(const struct top *t, uint32_t nodeid)
{
	const struct top_node *n = node_of(t, nodeid);

	return n != NULL && n->ni.name[0] ? n->ni.name : "-";
}

/* The node filter: a node id or a name, as typed; empty: every node. */
static int
node_shown(const struct top *t, uint32_t nodeid)
{
	char id[16];

	if (t->fnode[0] == '\0')
		return 1;
	snprintf(id, sizeof(id), "%u", nodeid);
	return strcmp(id, t->fnode) == 0 ||
	    strcmp(node_name(t, nodeid), t->fnode) == 0;
}

static int
group_shown(const struct top *t, const struct top_group *g)
{
	char name[GROUP_STR_MAX];
	size_t i;

	if (t->fgroup[0] != '\0' && strstr(enc_group_str(&g->name, name,
	    sizeof(name)), t->fgroup) == NULL)
		return 0;
	if (t->fnode[0] == '\0')
		return 1;
	for (i = 0; i < g->n; i++)
		if (node_shown(t, g->m[i].nodeid))
			return 1;
	return 0;
}

static void
title(struct out *o, const struct top *t)
{
	const struct qview *q = &t->q;

	if (!t->have_q) {
		line(o, L_TITLE, "cluster %s", t->cluster[0] ? t->cluster :
		    "-");
		return;
	}
	line(o, q->quorate ? L_TITLE : L_BAD, "cluster %s  node %u (%s)  "
	    "ring %x.%llx  %s  votes %u/%u  quorum %u",
	    t->cluster[0] ? t->cluster : "-", q->nodeid,
	    node_name(t, q->nodeid), q->ring.nodeid,
	    (unsigned long long)q->ring.seq,
	    q->quorate ? "quorate" : "NOT QUORATE", q->total, q->expected,
	    q->quorum);
}

static void
nodes(struct out *o, const struct top *t)
{
	const struct top_node *n;
	char buf[32];
	size_t i;

	line(o, L_HEAD, "%6s  %-16s %-7s %5s  %-8s  %s", "NODE", "NAME",
	    "STATE", "VOTES", "SINCE", "ADDRESSES");
	for (i = 0; i < t->nnodes; i++) {
		n = &t->nodes[i];
		if (o->n + 1 == o->max && i + 1 < t->nnodes) {
			line(o, L_NOTE, "%6s  ... %zu more", "",
			    t->nnodes - i);
			return;
		}
		line(o, n->q.state == QS_MEMBER ? L_PLAIN : L_BAD,
		    "%6u  %-16s %-7s %5u  %-8s  %s%s", n->q.nodeid,
		    n->ni.name[0] ? n->ni.name : "-",
		    states[n->q.state], n->q.votes,
		    since(n->since, buf, sizeof(buf)),
		    n->ni.addrs[0] ? n->ni.addrs : "-",
		    n->q.nodeid == t->q.nodeid ? "  (this node)" : "");
	}
}

/* The latest change to a group: its own coming, or a member's. */
static time_t
changed(const struct top_group *g)
{
	time_t c = g->since;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->m[i].since > c)
			c = g->m[i].since;
	return c;
}

static const struct top *sort_top;

static int
by_order(const void *a, const void *b)
{
	const struct top_group *x = &sort_top->groups[*(const size_t *)a];
	const struct top_group *y = &sort_top->groups[*(const size_t *)b];
	time_t cx, cy;

	switch (sort_top->sort) {
	case SORT_MEMBERS:
		if (x->n != y->n)
			return x->n > y->n ? -1 : 1;
		break;
	case SORT_SINCE:
		cx = changed(x);
		cy = changed(y);
		if (cx != cy)
			return cx > cy ? -1 : 1;
		break;
	default:
		break;
	}
	/* groups are kept by name: their index is the tie break */
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static size_t
count_members(const struct top *t, const struct top_group *g)
{
	size_t i, n = 0;

	for (i = 0; i < g->n; i++)
		n += node_shown(t, g->m[i].nodeid);
	return n;
}

static void
group(struct out *o, const struct top *t, const struct top_group *g)
{
	char name[GROUP_STR_MAX], buf[32];
	const struct top_member *m;
	size_t i;

	enc_group_str(&g->name, name, sizeof(name));
	if (g->daemon != NULL)
		line(o, L_DAEMON, "%-40s %7zu  %-8s  daemon: %s", name,
		    count_members(t, g), since(g->since, buf, sizeof(buf)),
		    g->daemon);
	else
		line(o, L_PLAIN, "%-40s %7zu  %-8s", name,
		    count_members(t, g), since(g->since, buf, sizeof(buf)));
	for (i = 0; i < g->n; i++) {
		m = &g->m[i];
		if (!node_shown(t, m->nodeid))
			continue;
		line(o, L_PLAIN, "    node %-4u %-16s pid %-10u %-8s",
		    m->nodeid, node_name(t, m->nodeid), m->pid,
		    since(m->since, buf, sizeof(buf)));
	}
}

static void
groups(struct out *o, const struct top *t)
{
	size_t *order, i, k, shown = 0, left;

	line(o, L_HEAD, "%-40s %7s  %-8s", "GROUP", "MEMBERS", "SINCE");
	if ((order = calloc(t->ngroups + 1, sizeof(*order))) == NULL) {
		line(o, L_BAD, "(out of memory)");
		return;
	}
	for (i = k = 0; i < t->ngroups; i++)
		if (group_shown(t, &t->groups[i]))
			order[k++] = i;
	sort_top = t;
	if (k > 1)
		qsort(order, k, sizeof(*order), by_order);
	for (i = 0; i < k; i++) {
		/* a whole group, and room for the note below, or none */
		if (shown > 0 && i + 1 < k && 2 + count_members(t,
		    &t->groups[order[i]]) > o->max - o->n)
			break;
		group(o, t, &t->groups[order[i]]);
		shown++;
	}
	if ((left = k - shown) > 0)
		line(o, L_NOTE, "... %zu more group(s)", left);
	if (k == 0)
		line(o, L_NOTE, t->ngroups ? "(no group matches the filter)" :
		    "(no groups)");
	free(order);
}

static int
event_shown(const struct top *t, const struct top_event *e)
{
	char name[GROUP_STR_MAX];

	if (!node_shown(t, e->nodeid) && e->type != TE_QUORATE &&
	    e->type != TE_INQUORATE)
		return 0;
	if (t->fgroup[0] == '\0')
		return 1;
	if (e->type != TE_JOIN && e->type != TE_LEAVE)
		return 0;
	return strstr(enc_group_str(&e->group, name, sizeof(name)),
	    t->fgroup) != NULL;
}

static void
event(struct out *o, const struct top *t, const struct top_event *e)
{
	char name[GROUP_STR_MAX], buf[32];

	since(e->time, buf, sizeof(buf));
	switch (e->type) {
	case TE_JOIN:
	case TE_LEAVE:
		line(o, L_PLAIN, "%-8s  %-5s %s  node %u (%s) pid %u", buf,
		    e->type == TE_JOIN ? "join" : "leave",
		    enc_group_str(&e->group, name, sizeof(name)), e->nodeid,
		    node_name(t, e->nodeid), e->pid);
		break;
	case TE_UP:
	case TE_DOWN:
		line(o, e->type == TE_UP ? L_PLAIN : L_BAD,
		    "%-8s  %-5s node %u (%s)", buf,
		    e->type == TE_UP ? "up" : "down", e->nodeid,
		    node_name(t, e->nodeid));
		break;
	case TE_QUORATE:
	case TE_INQUORATE:
		line(o, e->type == TE_QUORATE ? L_PLAIN : L_BAD,
		    "%-8s  %s", buf, e->type == TE_QUORATE ? "quorate" :
		    "not quorate");
		break;
	}
}

static void
events(struct out *o, const struct top *t)
{
	char buf[32];
	size_t i, k, n = 0;

	line(o, L_HEAD, "EVENTS (newest first; top started %s)",
	    since(t->started, buf, sizeof(buf)));
	for (i = 0; i < t->nev; i++) {
		k = (t->evnext + TOP_EVENTS_MAX - 1 - i) % TOP_EVENTS_MAX;
		if (!event_shown(t, &t->ev[k]))
			continue;
		event(o, t, &t->ev[k]);
		n++;
	}
	if (n == 0)
		line(o, L_NOTE, "(none)");
}

/* One snapshot, as text, every section whole. */
void
tui_text(struct sink *s, const struct top *t)
{
	struct out o = { .sink = s, .max = SIZE_MAX };

	title(&o, t);
	sink_putc(s, '\n');
	nodes(&o, t);
	sink_putc(s, '\n');
	groups(&o, t);
	sink_putc(s, '\n');
	events(&o, t);
}

static void
help(struct out *o)
{
	static const char *const keys[] = {
		"s        sort the groups: by name, by members, by the "
		    "latest change",
		"/  g     filter the groups: show those whose name has "
		    "the text typed",
		"n        filter by node: a node id or name (Enter on "
		    "nothing: every node)",
		"c        clear both filters",
		"p space  pause: the screen stands still (top keeps "
		    "looking)",
		"h ?      this help; any key goes back",
		"q        quit",
	};
	size_t i;

	line(o, L_HEAD, "cpgtool top: the keys");
	line(o, L_PLAIN, "%s", "");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		line(o, L_PLAIN, "  %s", keys[i]);
	line(o, L_PLAIN, "%s", "");
	line(o, L_NOTE, "  SINCE: when top saw it come (or change); "
	    "- : there when top started");
}

static void
status(struct tui *ui, const struct top *t)
{
	struct out o = { .row = LINES - 1, .end = LINES, .max = 1,
	    .colors = ui->colors };

	if (t->editing)
		line(&o, L_TITLE, "%s filter: %s_   (Enter: apply, "
		    "Esc: cancel)", t->editing == 'n' ? "node" : "group",
		    t->edit);
	else
		line(&o, L_TITLE, "sort: %s%s%s%s%s%s   s sort  / group  "
		    "n node  p pause  h help  q quit", tui_sort_name(t->sort),
		    t->fgroup[0] ? "  group: " : "", t->fgroup,
		    t->fnode[0] ? "  node: " : "", t->fnode,
		    t->paused ? "  PAUSED" : "");
}

/* The lines a section needs, for sharing out the screen's rows. */
static size_t
need(void (*fn)(struct out *, const struct top *), const struct top *t)
{
	struct out o = { .max = SIZE_MAX };

	fn(&o, t);
	return o.want;
}

static void
section(struct tui *ui, struct out *o,
    void (*fn)(struct out *, const struct top *), const struct top *t,
    size_t rows)
{
	*o = (struct out){ .row = o->row, .end = LINES - 1, .max = rows,
	    .colors = ui->colors };
	fn(o, t);
}

void
tui_draw(struct tui *ui, const struct top *t)
{
	struct out o = { .row = 0, .end = LINES - 1, .max = 1,
	    .colors = ui->colors };
	size_t rows, nn, ng, ne;

	erase();
	if (t->help) {
		o.max = (size_t)LINES;
		help(&o);
		refresh();
		return;
	}
	title(&o, t);
	if (LINES < 5) {
		refresh();
		return;
	}
	rows = (size_t)LINES - 2;
	/* the nodes first, up to a third; events get 6 rows if they can */
	nn = need(nodes, t);
	if (nn > rows / 3 + 1)
		nn = rows / 3 + 1;
	ng = need(groups, t);
	ne = need(events, t);
	if (ne > 6)
		ne = 6;
	if (nn + ne > rows)
		ne = rows > nn ? rows - nn : 0;
	if (ng > rows - nn - ne)
		ng = rows - nn - ne;
	ne = rows - nn - ng;
	section(ui, &o, nodes, t, nn);
	section(ui, &o, groups, t, ng);
	section(ui, &o, events, t, ne);
	status(ui, t);
	refresh();
}

/* stderr into memory while curses owns the terminal (see the top). */
static void
stderr_hold(struct tui *ui)
{
	ui->stderr_fd = ui->mem_fd = -1;
	if ((ui->mem_fd = memfd_create("cpgtool-stderr", MFD_CLOEXEC)) == -1)
		return;
	if ((ui->stderr_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) ==
	    -1 || dup2(ui->mem_fd, STDERR_FILENO) == -1) {
		if (ui->stderr_fd != -1)
			close(ui->stderr_fd);
		close(ui->mem_fd);
		ui->stderr_fd = ui->mem_fd = -1;
	}
}

static void
stderr_release(struct tui *ui)
{
	char buf[4096];
	ssize_t n;

	if (ui->stderr_fd == -1)
		return;
	dup2(ui->stderr_fd, STDERR_FILENO);
	close(ui->stderr_fd);
	if (lseek(ui->mem_fd, 0, SEEK_SET) == 0)
		while ((n = read(ui->mem_fd, buf, sizeof(buf))) > 0)
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
	close(ui->mem_fd);
}

/*
 * Curses on the terminal: keys one at a time, without echo, never
 * waiting (the loop says when there are any). ncurses catches SIGWINCH
 * itself (the loop leaves it alone): a resize comes as TK_RESIZE.
 */
int
tui_start(struct tui **uip)
{
	struct tui *ui;

	if ((ui = calloc(1, sizeof(*ui))) == NULL) {
		warn("top");
		return ST_FAIL;
	}
	setlocale(LC_CTYPE, "");
	if (newterm(NULL, stdout, stdin) == NULL) {
		warnx("top: cannot use the terminal (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "");
		free(ui);
		return ST_FAIL;
	}
	stderr_hold(ui);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (has_colors() && start_color() == OK) {
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_CYAN, -1);
		ui->colors = 1;
	}
	*uip = ui;
	return ST_OK;
}

/* The next key, TK_RESIZE, or TK_NONE when none is waiting. */
int
tui_key(struct tui *ui)
{
	int c;

	(void)ui;
	switch ((c = getch())) {
	case ERR:
		return TK_NONE;
	case KEY_RESIZE:
		return TK_RESIZE;
	case KEY_ENTER:
	case '\r':
	case '\n':
		return TK_ENTER;
	case 27:
		return TK_ESC;
	case KEY_BACKSPACE:
	case 127:
	case '\b':
		return TK_BACKSPACE;
	default:
		return c >= KEY_MIN ? TK_OTHER : c;
	}
}

/* The terminal as it was; then what was said on stderr meanwhile. */
int
tui_end(struct tui *ui)
{
	if (ui == NULL)
		return ST_OK;
	curs_set(1);
	endwin();
	fflush(stdout);
	stderr_release(ui);
	free(ui);
	return ST_OK;
}
