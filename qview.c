/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What changed between two views of the quorum (sess.c builds them from
 * votequorum's notifications), as the events quorum --watch and watch
 * --quorum print: a node event for each configured node whose state or
 * votes changed, then the verdict (quorate, inquorate) if it changed.
 * The first view is told whole: the verdict, then every node.
 */

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
