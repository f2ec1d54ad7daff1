/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The monitoring formats.
 *
 * Prometheus' text exposition format (version 0.0.4): a HELP and a TYPE
 * line before each metric's samples, names by Prometheus' conventions
 * (cpgtool_ first, units spelled out, _total only on counters), label
 * values in double quotes with \\, \" and \n escaped. A group name is
 * bytes: it goes into a label as cpgtool writes it everywhere (enc.c:
 * \xNN for a byte that is not printable valid UTF-8, \\ for a
 * backslash), and that text is then escaped for the format, so the
 * label is valid UTF-8 whatever the bytes, and reads back as a GROUP
 * argument. promtool check metrics holds the output to the format.
 *
 * A monitoring plugin's line, as the Monitoring Plugins development
 * guidelines define it: "CPG STATE - text|perfdata", the performance
 * data 'label'=value;warn;crit;min;max with the thresholds as given.
 */

#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "event.h"
#include "mon.h"
#include "range.h"
#include "sink.h"

/* A label value's body: \, " and newline escaped. */
static void
prom_escape(struct sink *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (p[i]) {
		case '\\':
			sink_lit(s, "\\\\");
			break;
		case '"':
			sink_lit(s, "\\\"");
			break;
		case '\n':
			sink_lit(s, "\\n");
			break;
		default:
			sink_putc(s, p[i]);
		}
}

/*
 * key="value": bytes as cpgtool's text (enc_text: valid UTF-8, no
 * control character), then escaped for the format.
 */
static void
label(struct sink *s, const char *key, const void *data, size_t n,
    int name)
{
	char tmp[GROUP_STR_MAX * 2];
	struct sink m;
	const char *p;
	size_t len;

	/* enc_text writes at most 4 bytes for each of n */
	if (n > sizeof(tmp) / 4)
		n = sizeof(tmp) / 4;
	sink_fixed(&m, tmp, sizeof(tmp));
	enc_text(&m, data, n, name);
	p = sink_data(&m, &len);
	sink_puts(s, key);
	sink_lit(s, "=\"");
	prom_escape(s, p, len);
	sink_putc(s, '"');
}

static void
family(struct sink *s, const char *name, const char *type, const char *help)
{
	sink_lit(s, "# HELP ");
	sink_puts(s, name);
	sink_putc(s, ' ');
	sink_puts(s, help);
	sink_lit(s, "\n# TYPE ");
	sink_puts(s, name);
	sink_putc(s, ' ');
	sink_puts(s, type);
	sink_putc(s, '\n');
}

static void
sample(struct sink *s, const char *name, uint64_t v)
{
	sink_puts(s, name);
	sink_putc(s, ' ');
	enc_u(s, v);
	sink_putc(s, '\n');
}

/* name{node_id="1",node="node1"} */
static void
node_labels(struct sink *s, const char *name, const struct mnode *n,
    const char *more)
{
	sink_puts(s, name);
	sink_putc(s, '{');
	if (more != NULL) {
		sink_puts(s, more);
		sink_putc(s, ',');
	}
	sink_lit(s, "node_id=\"");
	enc_u(s, n->nodeid);
	sink_lit(s, "\",");
	label(s, "node", n->name, strlen(n->name), 0);
	sink_lit(s, "} ");
}

static void
quorum(struct sink *s, const struct qview *q)
{
	family(s, "cpgtool_quorate", "gauge",
	    "Whether this node's partition is quorate (1) or not (0).");
	sample(s, "cpgtool_quorate", (uint64_t)q->quorate);
	family(s, "cpgtool_quorum_votes", "gauge",
	    "Votes present in this node's partition.");
	sample(s, "cpgtool_quorum_votes", q->total);
	family(s, "cpgtool_quorum_expected_votes", "gauge",
	    "Votes expected when every node is in.");
	sample(s, "cpgtool_quorum_expected_votes", q->expected);
	family(s, "cpgtool_quorum_needed_votes", "gauge",
	    "Votes a partition needs to be quorate.");
	sample(s, "cpgtool_quorum_needed_votes", q->quorum);
	family(s, "cpgtool_ring_sequence", "gauge",
	    "Sequence number of the current totem ring; it grows with "
	    "every change of the cluster's membership.");
	sample(s, "cpgtool_ring_sequence", q->ring.seq);
}

static void
nodes(struct sink *s, const struct mstate *st)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "cpgtool_node_up", "Whether a configured node is a member "
		    "of this node's partition (1) or not (0)." },
		{ "cpgtool_node_votes", "Votes a configured node has." },
		{ "cpgtool_node_local", "Whether a node is the one these "
		    "metrics come from (1) or not (0)." },
	};
	const struct mnode *n;
	size_t f, i;

	for (f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		family(s, fam[f].name, "gauge", fam[f].help);
		for (i = 0; i < st->nnodes; i++) {
			if (!(n = &st->nodes[i])->configured)
				continue;
			node_labels(s, fam[f].name, n, NULL);
			enc_u(s, f == 0 ? (uint64_t)n->up : f == 1 ?
			    n->votes : (uint64_t)n->local);
			sink_putc(s, '\n');
		}
	}
}

static void
group_label(struct sink *s, const struct cpg_name *g)
{
	label(s, "group", g->value, g->length > CPG_MAX_NAME_LENGTH ?
	    CPG_MAX_NAME_LENGTH : g->length, 1);
}

static void
groups(struct sink *s, const struct mstate *st)
{
	char more[GROUP_STR_MAX * 2 + 16];
	const struct mgroup *g;
	struct sink m;
	size_t i, j, len;

	family(s, "cpgtool_groups", "gauge", "Process groups with at least "
	    "one member, as this node's corosync has them.");
	sample(s, "cpgtool_groups", st->ngroups);
	family(s, "cpgtool_group_members", "gauge",
	    "Processes in a group, on every node.");
	for (i = 0; i < st->ngroups; i++) {
		sink_lit(s, "cpgtool_group_members{");
		group_label(s, &st->groups[i].name);
		sink_lit(s, "} ");
		enc_u(s, st->groups[i].members);
		sink_putc(s, '\n');
	}
	family(s, "cpgtool_group_node_members", "gauge",
	    "Processes in a group on one node; 0 for a configured node "
	    "with none.");
	for (i = 0; i < st->ngroups; i++) {
		g = &st->groups[i];
		sink_fixed(&m, more, sizeof(more) - 1);
		group_label(&m, &g->name);
		sink_data(&m, &len);
		more[len] = '\0';
		for (j = 0; j < st->nnodes; j++) {
			if (!st->nodes[j].configured && g->per_node[j] == 0)
				continue;
			node_labels(s, "cpgtool_group_node_members",
			    &st->nodes[j], more);
			enc_u(s, g->per_node[j]);
			sink_putc(s, '\n');
		}
	}
}

/*
 * The whole state. Without corosync (st->q NULL) only
 * cpgtool_corosync_up 0: no figure is better than a stale one.
 */
void
mon_metrics(struct sink *s, const struct mstate *st)
{
	size_t m;

	if (!sink_begin_item(s, &m))
		return;
	family(s, "cpgtool_corosync_up", "gauge",
	    "Whether corosync answered (1) or not (0).");
	sample(s, "cpgtool_corosync_up", st->q != NULL);
	if (st->q != NULL) {
		quorum(s, st->q);
		nodes(s, st);
		groups(s, st);
	}
	sink_end_item(s, m);
}

static const char *const states[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN",
};

/*
 * A performance data label: the group as cpgtool writes it (no space
 * in it), with the two characters a label must not hold, = and ',
 * written \x3d and \x27 too.
 */
static void
perf_label(struct sink *s, const struct mcheck *c, const struct cpg_name *g)
{
	char tmp[GROUP_STR_MAX];
	const char *p;

	sink_lit(s, "members");
	if (c->ngroups < 2)
		return;
	sink_putc(s, '_');
	for (p = enc_group_str(g, tmp, sizeof(tmp)); *p; p++)
		if (*p == '=')
			sink_lit(s, "\\x3d");
		else if (*p == '\'')
			sink_lit(s, "\\x27");
		else
			sink_putc(s, *p);
}

static void
threshold(struct sink *s, const struct range *r)
{
	sink_putc(s, ';');
	if (r != NULL && r->set)
		sink_puts(s, r->text);
}

/* "CPG OK - web: 3 members, quorate|members=3;2:;1:;0;" */
void
mon_check(struct sink *s, const struct mcheck *c)
{
	char tmp[GROUP_STR_MAX];
	size_t i, m;

	if (!sink_begin_item(s, &m))
		return;
	sink_lit(s, "CPG ");
	sink_puts(s, states[c->status]);
	sink_lit(s, " - ");
	if (c->status == MON_UNKNOWN) {
		sink_puts(s, c->unknown);
		sink_putc(s, '\n');
		sink_end_item(s, m);
		return;
	}
	for (i = 0; i < c->ngroups; i++) {
		sink_puts(s, i ? ", " : "");
		sink_puts(s, enc_group_str(&c->groups[i].name, tmp,
		    sizeof(tmp)));
		sink_lit(s, ": ");
		enc_u(s, c->groups[i].members);
		sink_puts(s, c->groups[i].members == 1 ? " member" :
		    " members");
		if (c->groups[i].missing != NULL) {
			sink_lit(s, " (none on ");
			enc_text(s, c->groups[i].missing,
			    strlen(c->groups[i].missing), 0);
			sink_putc(s, ')');
		}
	}
	if (c->quorate >= 0)
		sink_puts(s, c->quorate ? ", quorate" : ", not quorate");
	for (i = 0; i < c->ngroups; i++) {
		sink_putc(s, i ? ' ' : '|');
		perf_label(s, c, &c->groups[i].name);
		sink_putc(s, '=');
		enc_u(s, c->groups[i].members);
		threshold(s, c->warn);
		threshold(s, c->crit);
		sink_lit(s, ";0;");
	}
	sink_putc(s, '\n');
	sink_end_item(s, m);
}
