/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --format: compiled once (taken, or refused with one line saying which
 * token), then every message printed as its conversions say; and the
 * other output options' values, --encoding and --events.
 */

#include <stdlib.h>

#include <stdint.h>

#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "status.h"
#include "util.h"
#include "unit.h"

static struct outfmt of;

#define SEE	" (see 'cpgtool --help')\n"

static struct sink *mem;
static struct cpg_name group = { 5, "a b\\\n" };

/* The one place that knows how options reach the output layer. */
static enum opt_res
option(int ch, const char *arg)
{
	outopt_init(&of);
	return outopt_option(&of, ch, arg);
}

/* What one message prints under the options given so far. */
static const char *
print(const struct event *ev, size_t *n)
{
	sink_drop(mem);
	out_event(mem, &of, ev);
	return sink_data(mem, n);
}

/* A message whose payload has a NUL and a newline, received at 1.000002 s. */
static struct event
message(void)
{
	return (struct event){
		.type = EV_MESSAGE, .group = &group, .nodeid = 3, .pid = 42,
		.data = "p\0q\n", .len = 4, .time = { 1, 2000 },
	};
}

/* FORMAT is taken and prints the message as the bytes (want, wlen). */
static void
format_ok(const char *what, const char *format, const char *want,
    size_t wlen)
{
	struct event ev = message();
	const char *p;
	size_t n;
	enum opt_res r;

	unit_catch();
	r = option('F', format);
	CHECK_STR(what, unit_caught(), "");
	if (r != OPT_TAKEN) {
		CHECK(0, "  '%s' taken", format);
		return;
	}
	p = print(&ev, &n);
	CHECK_MEM("  prints", p, n, want, wlen);
}

/* FORMAT is refused with the one line want. */
static void
format_bad(const char *what, const char *format, const char *want)
{
	enum opt_res r;

	unit_catch();
	r = option('F', format);
	CHECK_STR(what, unit_caught(), want);
	CHECK_INT("  refused", r, OPT_BAD);
}

static void
formats(void)
{
	char many[256], want[64];
	int i;

	format_ok("%s: the payload raw, NUL and newline", "%s",
	    BYTES("p\0q\n"));
	format_ok("%r: the payload raw", "%r", BYTES("p\0q\n"));
	format_ok("%g: the group escaped as in text", "%g",
	    BYTES("a\\x20b\\\\\\x0a"));
	format_ok("%n %p %l", "%n %p %l", BYTES("3 42 4"));
	format_ok("%x: the payload in hex", "%x", BYTES("7000710a"));
	format_ok("%t: the type", "%t", BYTES("message"));
	format_ok("%T: RFC 3339 local time, microseconds", "%T",
	    BYTES("1970-01-01T00:00:01.000002+00:00"));
	format_ok("%%: a percent sign", "100%%", BYTES("100%"));
	format_ok("\\n \\t \\\\ and \\0, a NUL", "[\\n\\t\\\\\\0]",
	    BYTES("[\n\t\\\0]"));
	format_ok("literal text between conversions", "<%n:%p>",
	    BYTES("<3:42>"));
	format_ok("empty: prints nothing", "", "", 0);
	format_ok("UTF-8 literals as they are", "\xc3\xa9%n",
	    BYTES("\xc3\xa9" "3"));

	/* 64 fields are the most */
	for (i = 0; i < 64; i++)
		memcpy(many + 2 * i, "%n", 2);
	many[128] = '\0';
	memset(want, '3', 64);
	format_ok("64 fields", many, want, 64);
	strcpy(many + 128, "x");
	format_bad("65 fields", many,
	    "cpgtool: --format has more than 64 fields" SEE);

	format_bad("%q", "%q", "cpgtool: invalid --format token '%q'" SEE);
	format_bad("% at the end", "x%",
	    "cpgtool: invalid --format token '%'" SEE);
	format_bad("\\ at the end", "x\\",
	    "cpgtool: invalid --format token '\\'" SEE);
	format_bad("\\q", "\\q", "cpgtool: invalid --format token '\\q'" SEE);
	format_bad("%N (case matters)", "%N",
	    "cpgtool: invalid --format token '%N'" SEE);
}

/*
 * On a terminal %s is the payload escaped as text output escapes it
 * (a peer's escape sequences, its bidi overrides), and %r still raw.
 */
static void
terminal(void)
{
	static struct cpg_name g = { 1, "g" };
	struct event ev = message();
	const char *p;
	size_t n;

	ev.group = &g;
	ev.data = "\x1b]0;x\a\x1b[2J\xe2\x80\xae\n";
	ev.len = 14;
	option('F', "%s|%r");
	of.tty = 1;
	p = print(&ev, &n);
	CHECK_LIT("terminal: %s escaped, %r raw", p, n,
	    ("\\x1b]0;x\\x07\\x1b[2J\\xe2\\x80\\xae\\x0a|"
	    "\x1b]0;x\a\x1b[2J\xe2\x80\xae\n"));
	of.tty = 0;
	p = print(&ev, &n);
	CHECK_LIT("not a terminal: %s raw", p, n,
	    ("\x1b]0;x\a\x1b[2J\xe2\x80\xae\n|"
	    "\x1b]0;x\a\x1b[2J\xe2\x80\xae\n"));
}

/* --format is for messages; other events keep their text lines. */
static void
other_events(void)
{
	static const struct cpg_address m[] = { { 1, 10, 1 } };
	struct event ev = {
		.type = EV_CONFCHG, .group = &group, .members = m,
		.nmembers = 1, .joined = m, .njoined = 1,
	};
	const char *p;
	size_t n;

	option('F', "%s\\n");
	outopt_option(&of, 'E', "message,confchg");
	p = print(&ev, &n);
	CHECK_LIT("a confchg under --format: the text line", p, n,
	    "confchg a\\x20b\\\\\\x0a members=1:10 joined=1:10:join left=-\n");
}

/* --encoding and --events: their values taken or refused. */
static void
values(void)
{
	struct event ev = message();
	size_t n;

	CHECK_INT("--encoding text", option('e', "text"), OPT_TAKEN);
	CHECK_INT("--encoding base64", option('e', "base64"), OPT_TAKEN);
	CHECK_INT("--encoding hex", option('e', "hex"), OPT_TAKEN);
	unit_catch();
	CHECK_INT("--encoding rot13", option('e', "rot13"), OPT_BAD);
	CHECK_STR("  said", unit_caught(), "cpgtool: unknown encoding "
	    "'rot13' (text, base64, hex)" SEE);

	CHECK_INT("--events message,totem", option('E', "message,totem"),
	    OPT_TAKEN);
	print(&ev, &n);
	CHECK(n > 0, "  a message is shown");
	CHECK_INT("--events confchg", option('E', "confchg"), OPT_TAKEN);
	print(&ev, &n);
	CHECK_INT("  a message is not", n, 0);
	unit_catch();
	CHECK_INT("--events message,bogus", option('E', "message,bogus"),
	    OPT_BAD);
	CHECK_STR("  said", unit_caught(), "cpgtool: unknown event 'bogus' in "
	    "--events (message, confchg, totem)" SEE);
	unit_catch();
	CHECK_INT("--events ''", option('E', ""), OPT_BAD);
	CHECK_STR("  said", unit_caught(),
	    "cpgtool: --events needs at least one event" SEE);
	CHECK_INT("an option of no output's", option('r', NULL),
	    OPT_NOT_MINE);
}

int
main(void)
{
	/* %T is local time: make it UTC here */
	setenv("TZ", "UTC", 1);
	if ((mem = sink_new(-1)) == NULL)
		return 99;
	formats();
	terminal();
	other_events();
	values();
	sink_free(mem);
	return unit_end();
}
