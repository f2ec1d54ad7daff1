/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What changed between two views of the quorum (quorum.c builds them from
 * votequorum's notifications), as the events quorum --watch and watch
 * --quorum print: a node event for each configured node whose state or
 * votes changed, then the verdict (quorate, inquorate) if it changed.
 * The first view is told whole: the verdict, then every node.
 * And which of votequorum's settings the lock cannot trust (qv_unsafe).
 */

#include <stdio.h>

#include "event.h"
#include "qview.h"

static const struct qnode *
find(const struct qview *v, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].nodeid == nodeid)
			return &v->nodes[i];
	return NULL;
}

static void
verdict(const struct qview *v, struct event *ev, qview_fn *fn, void *arg)
{
	ev->type = v->quorate ? EV_QUORATE : EV_INQUORATE;
	ev->node = NULL;
	fn(arg, ev);
}

/*
 * The events from `old' (NULL: none yet) to `new', stamped `now';
 * `unordered': they go into a stream of CPG events, in whose order they
 * are not (see watch --quorum).
 */
void
qview_events(const struct qview *old, const struct qview *new,
    const struct timespec *now, int unordered, qview_fn *fn, void *arg)
{
	struct event ev = {
		.time = *now, .quorum = new, .unordered = unordered,
	};
	const struct qnode *o;
	size_t i;

	if (old == NULL)
		verdict(new, &ev, fn, arg);
	ev.type = EV_NODE;
	for (i = 0; i < new->nnodes; i++) {
		if (old != NULL && (o = find(old, new->nodes[i].nodeid)) !=
		    NULL && o->state == new->nodes[i].state &&
		    o->votes == new->nodes[i].votes)
			continue;
		ev.node = &new->nodes[i];
		fn(arg, &ev);
	}
	if (old != NULL && old->quorate != new->quorate)
		verdict(new, &ev, fn, arg);
}

/*
 * Can a setting leave both sides of a split quorate? The lock takes
 * "quorate" for "the only side that can grant": that holds if and only
 * if no two disjoint parts of the cluster can both reach their quorum.
 * Each side reaches it with the votes of its own nodes (and a qdevice's,
 * which qnetd gives to one side only), so it holds while every node's
 * quorum is more than half of every vote configured. corosync 3.1's
 * votequorum (exec/votequorum.c), setting by setting:
 *
 * - two_node: the quorum is 1 of 2 votes; each half of a split keeps
 *   it, and fencing is meant to decide. Refused. wait_for_all, which
 *   two_node turns on, helps only at start: once both were seen, a
 *   split leaves two quorate halves.
 * - last_man_standing: after last_man_standing_window with nodes gone,
 *   the quorate side lowers its expected votes, and with them the
 *   quorum, below a majority of the nodes. The nodes it left behind
 *   keep theirs: 5 nodes, {4,5} cut, {1,2,3} lower to 3; 3 cut, {1,2}
 *   lower to 2 and stay quorate; 3 then meets 4 and 5, whose expected
 *   votes are still 5: {3,4,5} have 3 of 5, quorate beside {1,2}.
 *   Refused.
 * - allow_downscale: expected votes follow the nodes that leave cleanly
 *   down, as last_man_standing does for any. Refused.
 * - expected votes below the configured votes (quorum.expected_votes,
 *   corosync-quorumtool -e while nodes are away): a quorum of at most
 *   half of the votes. Refused, from the figures, whatever set them.
 * - auto_tie_breaker: a side with exactly half of the votes is quorate
 *   if it holds the tie-breaker node (lowest, highest, or the first of
 *   its list) as the last quorate ring named it, and only if the other
 *   side cannot have a quorum. The two halves of one quorate ring never
 *   both hold it; a corosync that restarts remembers no tie-breaker
 *   until quorate again. Allowed.
 * - a qdevice (quorum.device.*), master_wins included: qnetd gives its
 *   votes to one side of a split. Allowed: it is what to use instead of
 *   two_node.
 * - wait_for_all alone only delays the first quorum. Allowed.
 */
int
qv_unsafe(const struct qsettings *s, char *buf, size_t len)
{
	static const char use[] = ": use a qdevice instead, or --no-quorum "
	    "knowingly";

	if (s->two_node)
		snprintf(buf, len, "votequorum's two_node lets both halves "
		    "of a split be quorate%s", use);
	else if (s->last_man_standing)
		snprintf(buf, len, "votequorum's last_man_standing lowers the "
		    "quorum as nodes go, so both sides of a split can be "
		    "quorate%s", use);
	else if (s->allow_downscale)
		snprintf(buf, len, "votequorum's allow_downscale lowers the "
		    "quorum as nodes leave, so both sides of a split can be "
		    "quorate%s", use);
	else if (s->configured > 0 && (uint64_t)s->quorum * 2 <= s->configured)
		snprintf(buf, len, "votequorum's quorum is %u of %u configured "
		    "votes (expected votes lowered), so both sides of a split "
		    "can be quorate%s", s->quorum, s->configured, use);
	else
		return 0;
	return 1;
}
