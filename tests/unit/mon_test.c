/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The monitoring formats and thresholds: the guidelines' ranges, each
 * form and each refusal; a group name's bytes in a Prometheus label;
 * a plugin's line with its performance data.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "mon.h"
#include "range.h"
#include "sink.h"
#include "unit.h"

/* RANGE, then a value and whether it alerts, twice. */
static const struct {
	const char	*r;
	double		 v1;
	int		 a1;
	double		 v2;
	int		 a2;
} ranges[] = {
	{ "10", 0, 0, 10.5, 1 },
	{ "10", -1, 1, 10, 0 },
	{ "10:", 10, 0, 9.99, 1 },
	{ "10:", 1e9, 0, -10, 1 },
	{ "~:10", -1e9, 0, 11, 1 },
	{ "10:20", 10, 0, 20, 0 },
	{ "10:20", 9, 1, 21, 1 },
	{ "@10:20", 10, 1, 20, 1 },
	{ "@10:20", 9, 0, 21, 0 },
	{ "@~:0", -5, 1, 1, 0 },
	{ "-5:-1", -3, 0, 0, 1 },
	{ "0", 0, 0, 1, 1 },
	{ "1.5:2.5", 2, 0, 3, 1 },
};

static const char *const bad[] = {
	"", "@", ":", "~", ":5", "10:5", "-1", "1:2:3", "a", "10x", "inf",
	"nan", "0x10", "1e400", " 1", "~10", "@@1", "10:~",
};

static void
test_ranges(void)
{
	struct range r;
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		CHECK(range_parse(ranges[i].r, &r) == 0, "'%s' is a range",
		    ranges[i].r);
		CHECK_STR("its text", r.text, ranges[i].r);
		CHECK(range_alert(&r, ranges[i].v1) == ranges[i].a1,
		    "'%s' and %g", ranges[i].r, ranges[i].v1);
		CHECK(range_alert(&r, ranges[i].v2) == ranges[i].a2,
		    "'%s' and %g", ranges[i].r, ranges[i].v2);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(range_parse(bad[i], &r) == -1, "'%s' is no range",
		    bad[i]);
	CHECK(range_parse("~:10", &r) == 0 && isinf(r.start) && r.start < 0,
	    "~ is negative infinity");
	memset(&r, 0, sizeof(r));
	CHECK(!range_alert(&r, 1e9), "a range not set never alerts");
}

static const char *
metrics(struct sink *m, const struct mstate *st, size_t *n)
{
	sink_drop(m);
	mon_metrics(m, st);
	return sink_data(m, n);
}

static void
test_metrics(struct sink *m)
{
	static const unsigned per[] = { 1, 0 };
	struct qview q = { .quorate = 1, .nodeid = 1, .ring = { 1, 26 },
	    .expected = 2, .total = 2, .quorum = 2, .nnodes = 2 };
	struct mnode nodes[] = {
		{ 1, "a\"b\\c", 1, 1, 1, 1 },
		{ 2, "n2", 1, 0, 1, 0 },
	};
	struct mgroup g = { .members = 1, .per_node = per };
	struct mstate st = { .q = &q, .nodes = nodes, .nnodes = 2,
	    .groups = &g, .ngroups = 1 };
	const char *p;
	size_t n;

	/* a quote, a backslash, a newline, no UTF-8, a space, a NUL */
	memcpy(g.name.value, "q\"b\\c\nd\xff" "e f\0", 11);
	g.name.length = 11;
	p = metrics(m, &st, &n);
	CHECK(memmem(p, n, "\ncpgtool_group_members{group=\"q\\\"b\\\\\\\\c"
	    "\\\\x0ad\\\\xffe\\\\x20f\\\\x00\"} 1\n", 56) != NULL,
	    "a group's bytes: cpgtool's text, escaped for the format");
	CHECK(memmem(p, n, "\ncpgtool_node_up{node_id=\"1\",node=\"a\\\"b"
	    "\\\\\\\\c\"} 1\n", 41) != NULL, "a node's name escaped too");
	CHECK(memmem(p, n, "\ncpgtool_group_node_members{group=\"q", 36) !=
	    NULL && memmem(p, n, "node_id=\"2\",node=\"n2\"} 0\n", 25) !=
	    NULL, "a node without a member: 0");
	CHECK(memmem(p, n, "\ncpgtool_ring_sequence 26\n", 26) != NULL,
	    "the ring's sequence");
	CHECK(memchr(p, '\0', n) == NULL, "no NUL in the text");
	st.q = NULL;
	p = metrics(m, &st, &n);
	CHECK_LIT("without corosync", p, n,
	    "# HELP cpgtool_corosync_up Whether corosync answered (1) or "
	    "not (0).\n# TYPE cpgtool_corosync_up gauge\n"
	    "cpgtool_corosync_up 0\n");
}

static void
test_check(struct sink *m)
{
	struct range w, c;
	struct mcheck_group g[2] = {
		{ .name = { 3, "web" }, .members = 3 },
		{ .name = { 4, "a=b'" }, .members = 1, .missing = "n\x01" },
	};
	struct mcheck k = { .status = MON_OK, .quorate = 1, .warn = &w,
	    .crit = &c, .groups = g, .ngroups = 1 };
	const char *p;
	size_t n;

	range_parse("2:", &w);
	range_parse("1:", &c);
	sink_drop(m);
	mon_check(m, &k);
	p = sink_data(m, &n);
	CHECK_LIT("one group", p, n,
	    "CPG OK - web: 3 members, quorate|members=3;2:;1:;0;\n");
	k.ngroups = 2;
	k.status = MON_CRITICAL;
	k.quorate = -1;
	w.set = 0;
	sink_drop(m);
	mon_check(m, &k);
	p = sink_data(m, &n);
	CHECK_LIT("two groups, a label each, = and ' escaped", p, n,
	    "CPG CRITICAL - web: 3 members, a=b': 1 member (none on n\\x01)"
	    "|members_web=3;;1:;0; members_a\\x3db\\x27=1;;1:;0;\n");
	k.status = MON_UNKNOWN;
	k.unknown = "cannot ask";
	sink_drop(m);
	mon_check(m, &k);
	p = sink_data(m, &n);
	CHECK_LIT("unknown", p, n, "CPG UNKNOWN - cannot ask\n");
}

int
main(void)
{
	struct sink *m = sink_new(-1);

	test_ranges();
	test_metrics(m);
	test_check(m);
	sink_free(m);
	return unit_end();
}
