/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Option values: whole numbers, seconds, sizes and group names, taken
 * or refused with one "cpgtool: ..." line on stderr; opt_parse storing
 * each where its declaration says.
 */

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <stdint.h>

#include "cpgtool.h"
#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "status.h"
#include "util.h"
#include "unit.h"

/* The usage error for an option's bad value, as a test run shows it. */
#define SEE	" (see 'cpgtool --help')\n"

static void
count_ok(const char *arg, unsigned long want)
{
	unsigned long v = 12345;
	int r;

	r = opt_count("--count", arg, &v);
	CHECK(r == OPT_TAKEN && v == want, "opt_count '%s' is %lu (got %lu)",
	    arg, want, v);
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
	CHECK_INT("  and is refused", r, OPT_BAD);
}

static void
seconds_ok(const char *arg, double want)
{
	double v = -1;
	int r;

	r = opt_seconds("--timeout", arg, &v);
	CHECK(r == OPT_TAKEN && v == want, "opt_seconds '%s' is %g (got %g)",
	    arg, want, v);
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
	CHECK_INT("  and is refused", r, OPT_BAD);
}

static void
size_ok(const char *arg, size_t want)
{
	size_t v = 0;
	int r;

	r = opt_size("--max-backlog", arg, &v);
	CHECK(r == OPT_TAKEN && v == want, "opt_size '%s' is %zu (got %zu)",
	    arg, want, v);
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
	CHECK_INT("  and is refused", r, OPT_BAD);
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
	if (r != OPT_TAKEN) {
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
	CHECK_INT("  opt_group refuses it", r, OPT_BAD);
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


/* A command's own options, one of each kind, for opt_parse. */
struct tcmd {
	int		 flag;
	int		 mode;
	unsigned long	 count;
	double		 secs;
	size_t		 size;
	const char	*str;
	const char	*fn_arg;
	int		 fn_calls;
};

static enum opt_res
t_fn(void *arg, const struct optdef *d, const char *v)
{
	struct tcmd *c = arg;

	c->fn_arg = v;
	c->fn_calls++;
	return strcmp(v, "stop") == 0 ? OPT_DONE : d->val == 'y' ? OPT_TAKEN :
	    OPT_BAD;
}

static const struct optdef t_defs[] = {
	{ "flag", 'f', NULL, "a flag", OPT_FLAG(struct tcmd, flag) },
	{ "set", 's', NULL, "a value set", OPT_SET(struct tcmd, mode, 7) },
	{ "count", 'c', "count", "a count", OPT_COUNT(struct tcmd, count),
	    .min = 1 },
	{ "secs", 'S', "seconds", "seconds", OPT_SECONDS(struct tcmd, secs),
	    .more = 1 },
	{ "size", 'z', "size", "a size", OPT_SIZE(struct tcmd, size),
	    .max = 1 << 30, .most = "1G" },
	{ "str", 'w', "word", "a word", OPT_STR(struct tcmd, str),
	    .need = "a word" },
	{ "fn", 'y', "word", "a callback", OPT_FN(t_fn) },
	OPTDEF_END
};
static const struct optdef *const t_opts[] = {
	t_defs, opts_run, opts_format, NULL
};

/* opt_parse over argv (NULL-terminated) from a fresh getopt. */
static enum opt_res
t_parse(char **argv, struct tcmd *c, struct runopts *ro, struct outfmt *of)
{
	struct optdest to = { .cmd = c, .run = ro, .fmt = of };
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(c, 0, sizeof(*c));
	opt_init_run(ro);
	outopt_init(of);
	optind = 0;
	opterr = 0;
	return opt_parse(argc, argv, t_opts, &to, 0);
}

/* A refusal: OPT_BAD, and want as the one line on stderr. */
static void
t_bad(char **argv, const char *want)
{
	struct tcmd c;
	struct runopts ro;
	struct outfmt of;
	enum opt_res r;

	unit_catch();
	r = t_parse(argv, &c, &ro, &of);
	CHECK_STR(argv[1], unit_caught(), want);
	CHECK_INT("  refused", r, OPT_BAD);
}

static void
test_parse(void)
{
	char *all[] = { "t", "-f", "-s", "--count", "3", "-S", "1.5",
	    "--size", "2K", "--str", "w", "g", "--fn", "y", "-t", "2",
	    "--wait-for-corosync", "4", "-j", "-e", "hex", NULL };
	char *zero[] = { "t", "--count", "0", NULL };
	char *one[] = { "t", "--count", "1", "--secs", "0.001", NULL };
	char *nosecs[] = { "t", "--secs", "0", NULL };
	char *big[] = { "t", "--size", "1025M", NULL };
	char *empty[] = { "t", "--str", "", NULL };
	char *notnum[] = { "t", "--count", "x", NULL };
	char *unknown[] = { "t", "--bogus", NULL };
	char *ushort[] = { "t", "-Q", NULL };
	char *noval[] = { "t", "--count", NULL };
	char *tout[] = { "t", "-t", "0", NULL };
	char *enc[] = { "t", "-e", "rot13", NULL };
	char *done[] = { "t", "--fn", "stop", "-Q", NULL };
	char *help[] = { "t", "-f", "--help", "-Q", NULL };
	static const struct cmd tc = { "t", NULL, "", t_opts };
	struct tcmd c;
	struct runopts ro;
	struct outfmt of;
	enum opt_res r;
	int out;

	r = t_parse(all, &c, &ro, &of);
	CHECK_INT("opt_parse: every option taken", r, OPT_TAKEN);
	CHECK(c.flag == 1 && c.mode == 7 && c.count == 3 && c.secs == 1.5 &&
	    c.size == 2048 && strcmp(c.str, "w") == 0,
	    "  each stored where its declaration says");
	CHECK(c.fn_calls == 1 && strcmp(c.fn_arg, "y") == 0,
	    "  the callback called once with its value");
	CHECK(ro.timeout == 2 && ro.wait_corosync == 4 && of.json == 1 &&
	    of.enc == ENC_HEX, "  the shared sets' into runopts and outfmt");
	CHECK(optind == 20 && strcmp(all[optind], "g") == 0,
	    "  the operand left at optind (got %d)", optind);
	r = t_parse(one, &c, &ro, &of);
	CHECK(r == OPT_TAKEN && c.count == 1 && c.secs == 0.001,
	    "opt_parse: the bounds themselves are taken");
	t_bad(zero, "cpgtool: --count must be at least 1" SEE);
	t_bad(nosecs, "cpgtool: --secs must be more than 0" SEE);
	t_bad(big, "cpgtool: --size is at most 1G" SEE);
	t_bad(empty, "cpgtool: --str needs a word" SEE);
	t_bad(notnum, "cpgtool: --count needs a whole number, not 'x'" SEE);
	t_bad(unknown, "cpgtool: unknown option '--bogus'" SEE);
	t_bad(ushort, "cpgtool: unknown option '-Q'" SEE);
	t_bad(noval, "cpgtool: option '--count' needs a value" SEE);
	t_bad(tout, "cpgtool: --timeout must be more than 0" SEE);
	t_bad(enc, "cpgtool: unknown encoding 'rot13' (text, base64, hex)"
	    SEE);
	r = t_parse(done, &c, &ro, &of);
	CHECK(r == OPT_DONE && c.fn_calls == 1,
	    "opt_parse: a callback's OPT_DONE ends it at once");
	CHECK(opt_status(OPT_DONE) == ST_OK && opt_status(OPT_BAD) ==
	    ST_USAGE, "opt_status: 0 after --help, else 2");
	/* --help, its text to /dev/null: what is tested is that it stops */
	fflush(stdout);
	out = dup(STDOUT_FILENO);
	(void)freopen("/dev/null", "w", stdout);
	cur_cmd = &tc;
	r = t_parse(help, &c, &ro, &of);
	cur_cmd = NULL;
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	CHECK(r == OPT_DONE && c.flag == 1,
	    "opt_parse: --help ends it, OPT_DONE, before -Q");
}

int
main(void)
{
	test_numbers();
	test_groups();
	test_groups_list();
	test_parse();
	return unit_end();
}
