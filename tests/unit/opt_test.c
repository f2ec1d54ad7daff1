/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Option values: whole numbers, seconds, sizes and group names, taken
 * or refused with one "cpgtool: ..." line on stderr.
 */

#include <limits.h>

#include <stdint.h>

#include "../../enc.h"
#include "../../event.h"
#include "../../fmt.h"
#include "../../opt.h"
#include "../../out.h"
#include "../../sink.h"
#include "../../status.h"
#include "../../util.h"
#include "unit.h"

/* The usage error for an option's bad value, as a test run shows it. */
#define SEE	" (see 'cpgtool --help')\n"

static void
count_ok(const char *arg, unsigned long want)
{
	unsigned long v = 12345;
	int r;

	r = opt_count("--count", arg, &v);
	CHECK(r == 0 && v == want, "opt_count '%s' is %lu (got %lu)", arg,
	    want, v);
}

static void
count_bad(const char *arg)
{
	char want[256];
	unsigned long v;
	int r;

	snprintf(want, sizeof(want), "cpgtool: --count needs a whole number, "
	    "not '%s'" SEE, arg);
	unit_catch();
	r = opt_count("--count", arg, &v);
	CHECK_STR(arg, unit_caught(), want);
	CHECK_INT("  and is refused", r, -1);
}

static void
seconds_ok(const char *arg, double want)
{
	double v = -1;
	int r;

	r = opt_seconds("--timeout", arg, &v);
	CHECK(r == 0 && v == want, "opt_seconds '%s' is %g (got %g)", arg,
	    want, v);
}

static void
seconds_bad(const char *arg)
{
	char want[256];
	double v;
	int r;

	snprintf(want, sizeof(want), "cpgtool: --timeout needs a number of "
	    "seconds, not '%s'" SEE, arg);
	unit_catch();
	r = opt_seconds("--timeout", arg, &v);
	CHECK_STR(arg, unit_caught(), want);
	CHECK_INT("  and is refused", r, -1);
}

static void
size_ok(const char *arg, size_t want)
{
	size_t v = 0;
	int r;

	r = opt_size("--max-backlog", arg, &v);
	CHECK(r == 0 && v == want, "opt_size '%s' is %zu (got %zu)", arg,
	    want, v);
}

static void
size_bad(const char *arg)
{
	char want[256];
	size_t v;
	int r;

	snprintf(want, sizeof(want), "cpgtool: --max-backlog needs a size in "
	    "bytes (K, M, G allowed), not '%s'" SEE, arg);
	unit_catch();
	r = opt_size("--max-backlog", arg, &v);
	CHECK_STR(arg, unit_caught(), want);
	CHECK_INT("  and is refused", r, -1);
}

static void
test_numbers(void)
{
	count_ok("0", 0);
	count_ok("42", 42);
	count_ok("007", 7);
	count_ok("18446744073709551615", ULONG_MAX);
	count_bad("18446744073709551616");
	count_bad("-1");
	count_bad("+1");
	count_bad(" 1");
	count_bad("");
	count_bad("1e3");
	count_bad("12abc");
	count_bad("0x10");
	count_bad("1.0");
	count_bad("99999999999999999999999");

	seconds_ok("0", 0);
	seconds_ok("0.5", 0.5);
	seconds_ok(".25", 0.25);
	seconds_ok("1.", 1);
	seconds_ok("1000000000", 1e9);
	seconds_ok("999999999.5", 999999999.5);
	seconds_bad("1000000000.5");
	seconds_bad("1e3");			/* decimal only */
	seconds_bad("0x10");			/* strtod's hex */
	seconds_bad("0x1p4");			/* a hex float */
	seconds_bad("1.5.");
	seconds_bad(".");
	seconds_bad("+1");
	seconds_bad(" 1");
	seconds_bad("1 ");
	seconds_bad("99999999999999999999999");
	seconds_bad("1000000001");
	seconds_bad("-1");
	seconds_bad("nan");
	seconds_bad("inf");
	seconds_bad("");
	seconds_bad("1s");
	seconds_bad("1e999");

	size_ok("1", 1);
	size_ok("64K", 65536);
	size_ok("64k", 65536);
	size_ok("3M", 3 << 20);
	size_ok("2G", (size_t)2 << 30);
	size_bad("0");
	size_bad("0K");
	size_bad("12Q");
	size_bad("1KB");
	size_bad("K");
	size_bad("-1");
	size_bad("");
	size_bad("0x10");
	size_bad("1.5M");
	size_bad("1 M");
	size_bad("99999999999999999999999");
	size_bad("18014398509481984K");		/* 2^54 KiB: 2^64 bytes */
	size_ok("18014398509481983K", (size_t)18014398509481983 << 10);
}

/* opt_group takes ARG as the group of exactly the bytes (want, wlen). */
static void
group_ok(const char *arg, const char *want, size_t wlen)
{
	struct cpg_name g;
	char what[300];
	int r;

	memset(&g, 0xaa, sizeof(g));
	snprintf(what, sizeof(what), "group '%.200s'", arg);
	unit_catch();
	r = opt_group(arg, &g);
	CHECK_STR(what, unit_caught(), "");
	if (r != 0) {
		CHECK(0, "  taken (opt_group returned %d)", r);
		return;
	}
	CHECK_MEM("  its bytes", g.value, g.length, want, wlen);
}

static void
group_bad(const char *arg, const char *want)
{
	struct cpg_name g;
	char what[300];
	int r;

	snprintf(what, sizeof(what), "group '%.200s' refused", arg);
	unit_catch();
	r = opt_group(arg, &g);
	CHECK_STR(what, unit_caught(), want);
	CHECK_INT("  opt_group returns -1", r, -1);
}

static void
test_groups(void)
{
	char arg[1024], want[256];

	group_ok("abc", BYTES("abc"));
	group_ok("crmd\\x00", BYTES("crmd\0"));
	group_ok("\\x00", BYTES("\0"));
	group_ok("a\\\\b", BYTES("a\\b"));
	group_ok("\\x41\\x7a\\x7A", BYTES("Azz"));
	group_ok("\\xff\\xC3\\xa9", BYTES("\xff\xc3\xa9"));
	group_ok("sp ace", BYTES("sp ace"));
	group_ok("caf\xc3\xa9", BYTES("caf\xc3\xa9"));

	/* 128 bytes, however written, and not one more */
	memset(arg, 'y', 128);
	arg[128] = '\0';
	memset(want, 'y', 128);
	group_ok(arg, want, 128);
	strcpy(arg + 128, "y");
	group_bad(arg, "cpgtool: group name 'yyyyyyyyyyyyyyyyyyyy...' is "
	    "longer than 128 bytes" SEE);
	memset(arg, 'y', 124);
	strcpy(arg + 124, "\\x00\\x00\\x00\\x00");
	memset(want + 124, 0, 4);
	group_ok(arg, want, 128);
	strcpy(arg + 124, "\\x00\\x00\\x00\\x00\\x00");
	group_bad(arg, "cpgtool: group name 'yyyyyyyyyyyyyyyyyyyy...' is "
	    "longer than 128 bytes" SEE);

	group_bad("", "cpgtool: empty group name" SEE);
	group_bad("bad\\xZZ", "cpgtool: invalid escape in group name "
	    "'bad\\xZZ' (use \\xNN or \\\\)" SEE);
	group_bad("x\\x4", "cpgtool: invalid escape in group name 'x\\x4' "
	    "(use \\xNN or \\\\)" SEE);
	group_bad("x\\", "cpgtool: invalid escape in group name 'x\\' "
	    "(use \\xNN or \\\\)" SEE);
	group_bad("\\n", "cpgtool: invalid escape in group name '\\n' "
	    "(use \\xNN or \\\\)" SEE);
}

/* The groups of a command line: each once. */
static void
test_groups_list(void)
{
	char *two[] = { "a", "a\\x00", NULL };
	char *twice[] = { "a", "\\x61", NULL };
	struct cpg_name *g = NULL;
	int r;

	r = opt_groups(2, two, &g);
	CHECK(r == 0 && g != NULL && g[0].length == 1 && g[1].length == 2,
	    "opt_groups: 'a' and 'a\\x00' are two groups");
	free(g);
	g = NULL;
	unit_catch();
	r = opt_groups(2, twice, &g);
	CHECK_STR("opt_groups: 'a' and '\\x61' are one, named twice",
	    unit_caught(), "cpgtool: group '\\x61' named twice" SEE);
	CHECK(r == ST_USAGE && g == NULL, "  refused");
}

int
main(void)
{
	test_numbers();
	test_groups();
	test_groups_list();
	return unit_end();
}
