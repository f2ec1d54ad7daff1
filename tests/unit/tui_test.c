/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * top's snapshot (tui_text): the cluster line, nodes up and down, a
 * daemon's group marked, a group name escaped, members with their
 * times, events newest first; the filters by group and by node, and
 * the sort by members.
 */

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "sink.h"
#include "tui.h"
#include "unit.h"

static struct sink *mem;
static struct top t;
static struct top_member crmd_m[] = { { 1, 10, 0 }, { 2, 20, 0 } };
static struct top_member odd_m[] = { { 3, 30, 3600 } };
/* kept by name, as cmd/top.c keeps them */
static struct top_group groups[] = {
	{ .name = { 3, "a\001b" }, .m = odd_m, .n = 1, .since = 3600 },
	{ .name = { 5, "crmd" }, .daemon = "Pacemaker's controller",
	    .m = crmd_m, .n = 2 },
};
static struct top_node nodes[] = {
	{ .q = { 1, 1, QS_MEMBER }, .ni = { 1, "node1", "10.0.0.1" } },
	{ .q = { 3, 1, QS_DEAD }, .ni = { 3, "node3", "10.0.0.3" },
	    .since = 3700 },
};

static const char *
text(void)
{
	size_t n;
	const char *p;

	sink_drop(mem);
	tui_text(mem, &t);
	sink_putc(mem, '\0');
	p = sink_data(mem, &n);
	return p;
}

static int
has(const char *out, const char *line)
{
	return strstr(out, line) != NULL;
}

static void
setup(void)
{
	memset(&t, 0, sizeof(t));
	snprintf(t.cluster, sizeof(t.cluster), "c1");
	t.have_q = 1;
	t.q = (struct qview){ .quorate = 1, .nodeid = 1, .ring = { 1, 0x2c },
	    .expected = 3, .total = 2, .quorum = 2 };
	t.nodes = nodes;
	t.nnodes = 2;
	t.groups = groups;
	t.ngroups = 2;
	t.started = 60;
	t.ev[0] = (struct top_event){ .time = 3600, .type = TE_JOIN,
	    .group = groups[0].name, .nodeid = 3, .pid = 30 };
	t.ev[1] = (struct top_event){ .time = 3700, .type = TE_DOWN,
	    .nodeid = 3 };
	t.nev = 2;
	t.evnext = 2;
}

static void
snapshot(void)
{
	const char *out;

	setup();
	out = text();
	CHECK(has(out, "cluster c1  node 1 (node1)  ring 1.2c  quorate  "
	    "votes 2/3  quorum 2\n"), "the cluster line");
	CHECK(has(out, "     1  node1            up          1  -         "
	    "10.0.0.1  (this node)\n"), "node 1 up, this node");
	CHECK(has(out, "     3  node3            down        1  01:01:40  "
	    "10.0.0.3\n"), "node 3 down since");
	CHECK(has(out, "crmd\\x00                                       2  "
	    "-         daemon: Pacemaker's controller\n"),
	    "a daemon's group, escaped and marked");
	CHECK(has(out, "\n    node 1    node1            pid 10         -\n"),
	    "a member by node and pid");
	CHECK(has(out, "\n    node 2    -                pid 20"),
	    "a node without a name: -");
	CHECK(has(out, "a\\x01b                                         1  "
	    "01:00:00\n"), "an escaped name, since");
	CHECK(strstr(out, "01:01:40  down  node 3 (node3)\n") != NULL &&
	    strstr(out, "01:01:40  down") < strstr(out, "01:00:00  join  "
	    "a\\x01b  node 3 (node3) pid 30\n"), "events, newest first");
	CHECK(strchr(out, '\033') == NULL && strchr(out, '\001') == NULL,
	    "no control character");
	CHECK(!has(out, " \n"), "no space at the end of a line");
}

static void
filters(void)
{
	const char *out;

	setup();
	snprintf(t.fgroup, sizeof(t.fgroup), "crmd");
	out = text();
	CHECK(has(out, "\ncrmd\\x00 ") && !has(out, "\na\\x01b "),
	    "the group filter keeps the names with its text");
	CHECK(!has(out, " join "), "... and their events");
	setup();
	snprintf(t.fnode, sizeof(t.fnode), "node3");
	out = text();
	CHECK(!has(out, "\ncrmd\\x00 ") && has(out, "\na\\x01b "),
	    "the node filter by name: groups with members there");
	CHECK(has(out, " join ") && has(out, " down "), "... their events");
	setup();
	snprintf(t.fnode, sizeof(t.fnode), "2");
	out = text();
	CHECK(has(out, "\ncrmd\\x00                                       1 "),
	    "by id: a group counts the members shown");
	CHECK(!has(out, "pid 10") && has(out, "pid 20"), "... and shows them");
	setup();
	snprintf(t.fgroup, sizeof(t.fgroup), "nothing");
	CHECK(has(text(), "(no group matches the filter)"), "none matches");
}

static void
sorting(void)
{
	const char *out;

	setup();
	t.sort = SORT_NAME;
	out = text();
	CHECK(strstr(out, "\na\\x01b ") < strstr(out, "\ncrmd\\x00 "),
	    "by name");
	t.sort = SORT_MEMBERS;
	out = text();
	CHECK(strstr(out, "\ncrmd\\x00 ") < strstr(out, "\na\\x01b "),
	    "by members, the most first");
	t.sort = SORT_SINCE;
	out = text();
	CHECK(strstr(out, "\na\\x01b ") < strstr(out, "\ncrmd\\x00 "),
	    "by the latest change first");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	if ((mem = sink_new(-1)) == NULL)
		return 99;
	snapshot();
	filters();
	sorting();
	sink_free(mem);
	return unit_end();
}
