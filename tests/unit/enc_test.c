/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The encoders, seen through what they print: payloads and group names
 * as text (\xNN for what is not printable or not valid UTF-8), as JSON
 * strings (escaped, or base64 when not UTF-8), hex and base64; bytes with
 * NULs in all of them.
 */

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

static struct sink *mem;
static char got[8192];
static size_t glen;

/*
 * ev rendered into a memory sink with the output options opts ("-j",
 * "-ehex": a letter and its value, as a command passes them on), into
 * got and glen. The one place that knows the output layer's API.
 */
static void
render(const struct event *ev, const char *const *opts)
{
	const char *p;
	size_t n;

	outopt_init(&of);
	for (; *opts != NULL; opts++)
		if (outopt_option(&of, (*opts)[1], (*opts)[2] ? *opts + 2 : NULL) !=
		    OPT_TAKEN)
			printf("# option %s not taken\n", *opts);
	sink_drop(mem);
	out_event(mem, &of, ev);
	p = sink_data(mem, &n);
	glen = n < sizeof(got) ? n : sizeof(got);
	memcpy(got, p, glen);
}
#define RENDER(ev, ...)	render(ev, (const char *const[]){ __VA_ARGS__ })

static struct cpg_name group = { 1, "g" };

/* A message from node 1, pid 2, of the bytes (data, len). */
static struct event
message(const void *data, size_t len)
{
	return (struct event){
		.type = EV_MESSAGE, .group = &group, .nodeid = 1, .pid = 2,
		.data = data, .len = len,
	};
}

struct row {
	const char	*what;
	const char	*in;
	size_t		 inlen;
	const char	*want;		/* the payload as printed */
};
#define ROW(what, in, want)	{ what, BYTES(in), want }

/* Text: printable ASCII and valid UTF-8 as they are, the rest \xNN. */
static const struct row text_rows[] = {
	ROW("plain ASCII", "hello, world", "hello, world"),
	ROW("empty", "", ""),
	ROW("NUL", "a\0b", "a\\x00b"),
	ROW("only NULs", "\0\0", "\\x00\\x00"),
	ROW("newline, tab, CR", "a\nb\tc\r", "a\\x0ab\\x09c\\x0d"),
	ROW("ESC (terminal sequences)", "\x1b[2J", "\\x1b[2J"),
	ROW("DEL", "\x7f", "\\x7f"),
	ROW("backslash doubles", "a\\b", "a\\\\b"),
	ROW("a space stays in a payload", "a b", "a b"),
	ROW("2-byte UTF-8", "caf\xc3\xa9", "caf\xc3\xa9"),
	ROW("3-byte UTF-8", "\xe2\x82\xac", "\xe2\x82\xac"),
	ROW("4-byte UTF-8", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),
	ROW("highest code point", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"),
	ROW("C1 control U+0085", "\xc2\x85", "\\xc2\\x85"),
	ROW("U+00A0 is printable", "\xc2\xa0", "\xc2\xa0"),
	ROW("U+2028 line separator", "\xe2\x80\xa8", "\\xe2\\x80\\xa8"),
	ROW("U+2029 paragraph separator", "\xe2\x80\xa9", "\\xe2\\x80\\xa9"),
	ROW("U+202E right-to-left override", "a\xe2\x80\xae" "b",
	    "a\\xe2\\x80\\xaeb"),
	ROW("U+202A-U+202D embeddings, overrides",
	    "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	    "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac"
	    "\\xe2\\x80\\xad"),
	ROW("U+2066-U+2069 isolates", "\xe2\x81\xa6\xe2\x81\xa9",
	    "\\xe2\\x81\\xa6\\xe2\\x81\\xa9"),
	ROW("U+200B zero width space, U+200F RLM",
	    "\xe2\x80\x8b\xe2\x80\x8f",
	    "\\xe2\\x80\\x8b\\xe2\\x80\\x8f"),
	ROW("U+061C Arabic letter mark", "\xd8\x9c", "\\xd8\\x9c"),
	ROW("U+FEFF BOM", "\xef\xbb\xbf", "\\xef\\xbb\\xbf"),
	ROW("U+E0041 tag A", "\xf3\xa0\x81\x81",
	    "\\xf3\\xa0\\x81\\x81"),
	ROW("U+00AD soft hyphen", "\xc2\xad", "\\xc2\\xad"),
	ROW("U+2010, U+2070 around them pass", "\xe2\x80\x90\xe2\x81\xb0",
	    "\xe2\x80\x90\xe2\x81\xb0"),
	ROW("U+E0080 past the tags passes", "\xf3\xa0\x82\x80",
	    "\xf3\xa0\x82\x80"),
	ROW("invalid byte", "\xff", "\\xff"),
	ROW("lone continuation byte", "\x80", "\\x80"),
	ROW("overlong NUL", "\xc0\x80", "\\xc0\\x80"),
	ROW("overlong 3-byte", "\xe0\x80\xaf", "\\xe0\\x80\\xaf"),
	ROW("surrogate", "\xed\xa0\x80", "\\xed\\xa0\\x80"),
	ROW("over U+10FFFF", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"),
	ROW("cut short at the end", "ok\xe2\x82", "ok\\xe2\\x82"),
	ROW("cut short by ASCII", "\xe2\x82x", "\\xe2\\x82x"),
};

/* JSON strings: UTF-8 as it is, controls escaped, NUL as \u0000. */
static const struct row json_rows[] = {
	ROW("plain ASCII", "hello", "\"payload\":\"hello\""),
	ROW("empty", "", "\"payload\":\"\""),
	ROW("quote and backslash", "\"\\", "\"payload\":\"\\\"\\\\\""),
	ROW("NUL inside", "a\0b", "\"payload\":\"a\\u0000b\""),
	ROW("newline, tab, CR", "\n\t\r", "\"payload\":\"\\n\\t\\r\""),
	ROW("other controls", "\x01\x1f", "\"payload\":\"\\u0001\\u001f\""),
	ROW("DEL", "\x7f", "\"payload\":\"\\u007f\""),
	ROW("slash as it is", "a/b", "\"payload\":\"a/b\""),
	ROW("UTF-8 as it is", "caf\xc3\xa9 \xf0\x9f\x98\x80",
	    "\"payload\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\""),
	ROW("C1 control", "\xc2\x9b", "\"payload\":\"\\u009b\""),
	ROW("U+2028, U+2029", "\xe2\x80\xa8\xe2\x80\xa9",
	    "\"payload\":\"\\u2028\\u2029\""),
	ROW("U+202E, U+200B, U+FEFF exact",
	    "\xe2\x80\xae\xe2\x80\x8b\xef\xbb\xbf",
	    "\"payload\":\"\xe2\x80\xae\xe2\x80\x8b\xef\xbb\xbf\""),
	/* not UTF-8: the key says base64, and no string is begun */
	ROW("invalid byte: base64", "\xff", "\"payload_base64\":\"/w==\""),
	ROW("invalid after valid text", "abc\xc3",
	    "\"payload_base64\":\"YWJjww==\""),
	ROW("surrogate: base64", "\xed\xa0\x80", "\"payload_base64\":\"7aCA\""),
	ROW("overlong '/': base64", "\xc0\xaf", "\"payload_base64\":\"wK8=\""),
};

/* RFC 4648's test vectors, and bytes that use every part of the alphabet */
static const struct row b64_rows[] = {
	ROW("base64 ''", "", ""),
	ROW("base64 'f'", "f", "Zg=="),
	ROW("base64 'fo'", "fo", "Zm8="),
	ROW("base64 'foo'", "foo", "Zm9v"),
	ROW("base64 'foob'", "foob", "Zm9vYg=="),
	ROW("base64 'fooba'", "fooba", "Zm9vYmE="),
	ROW("base64 'foobar'", "foobar", "Zm9vYmFy"),
	ROW("base64 of NULs", "\0\0\0\0", "AAAAAA=="),
	ROW("base64 + and /", "\xfb\xff\xbf", "+/+/"),
};

static const struct row hex_rows[] = {
	ROW("hex ''", "", ""),
	ROW("hex of NUL, high bytes", "\0\xff\x10\xab", "00ff10ab"),
	ROW("hex of text", "Az", "417a"),
};

static void
text_payloads(void)
{
	char want[512], what[128];
	struct event ev;
	size_t i;

	for (i = 0; i < sizeof(text_rows) / sizeof(text_rows[0]); i++) {
		const struct row *r = &text_rows[i];

		ev = message(r->in, r->inlen);
		RENDER(&ev, NULL);
		snprintf(want, sizeof(want), "message g 1 2 %zu %s\n",
		    r->inlen, r->want);
		snprintf(what, sizeof(what), "text: %s", r->what);
		CHECK_MEM(what, got, glen, want, strlen(want));
	}
}

static void
json_payloads(void)
{
	char want[512], what[128];
	struct event ev;
	size_t i;

	for (i = 0; i < sizeof(json_rows) / sizeof(json_rows[0]); i++) {
		const struct row *r = &json_rows[i];

		ev = message(r->in, r->inlen);
		RENDER(&ev, "-j", NULL);
		snprintf(want, sizeof(want), "{\"type\":\"message\","
		    "\"group\":\"g\",\"nodeid\":1,\"pid\":2,\"size\":%zu,"
		    "%s}\n", r->inlen, r->want);
		snprintf(what, sizeof(what), "JSON: %s", r->what);
		CHECK_MEM(what, got, glen, want, strlen(want));
	}
}

/* --encoding: the same rows in text (a field) and in JSON (a key). */
static void
encoded(const struct row *rows, size_t n, const char *opt, const char *key)
{
	char want[512], what[128];
	struct event ev;
	size_t i;

	for (i = 0; i < n; i++) {
		ev = message(rows[i].in, rows[i].inlen);
		RENDER(&ev, opt, NULL);
		snprintf(want, sizeof(want), "message g 1 2 %zu %s\n",
		    rows[i].inlen, rows[i].want);
		snprintf(what, sizeof(what), "text: %s", rows[i].what);
		CHECK_MEM(what, got, glen, want, strlen(want));

		RENDER(&ev, opt, "-j", NULL);
		snprintf(want, sizeof(want), "{\"type\":\"message\","
		    "\"group\":\"g\",\"nodeid\":1,\"pid\":2,\"size\":%zu,"
		    "\"payload_%s\":\"%s\"}\n", rows[i].inlen, key,
		    rows[i].want);
		snprintf(what, sizeof(what), "JSON: %s", rows[i].what);
		CHECK_MEM(what, got, glen, want, strlen(want));
	}
}

/*
 * Group names: as text, a space is \x20 too (a name is one field and
 * reads back as a GROUP argument); in JSON a name is a string, or
 * group_base64 when it is not UTF-8.
 */
static void
group_names(void)
{
	static const struct {
		const char	*what;
		const char	*name;
		size_t		 len;
		const char	*text;
		const char	*json;
	} rows[] = {
		{ "Pacemaker's trailing NUL", BYTES("crmd\0"), "crmd\\x00",
		    "\"group\":\"crmd\\u0000\"" },
		{ "a space", BYTES("a b"), "a\\x20b", "\"group\":\"a b\"" },
		{ "a backslash", BYTES("a\\"), "a\\\\", "\"group\":\"a\\\\\"" },
		{ "a newline", BYTES("a\n"), "a\\x0a", "\"group\":\"a\\n\"" },
		{ "UTF-8", BYTES("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9",
		    "\"group\":\"\xc3\xa9t\xc3\xa9\"" },
		{ "not UTF-8", BYTES("a\xff"), "a\\xff",
		    "\"group_base64\":\"Yf8=\"" },
	};
	struct cpg_name g;
	struct event ev;
	char want[512], what[128], buf[GROUP_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		g.length = (uint32_t)rows[i].len;
		memcpy(g.value, rows[i].name, rows[i].len);
		ev = message("x", 1);
		ev.group = &g;
		RENDER(&ev, NULL);
		snprintf(want, sizeof(want), "message %s 1 2 1 x\n",
		    rows[i].text);
		snprintf(what, sizeof(what), "text group: %s", rows[i].what);
		CHECK_MEM(what, got, glen, want, strlen(want));

		RENDER(&ev, "-j", NULL);
		snprintf(want, sizeof(want), "{\"type\":\"message\",%s,"
		    "\"nodeid\":1,\"pid\":2,\"size\":1,\"payload\":\"x\"}\n",
		    rows[i].json);
		snprintf(what, sizeof(what), "JSON group: %s", rows[i].what);
		CHECK_MEM(what, got, glen, want, strlen(want));

		snprintf(what, sizeof(what), "out_group_str: %s",
		    rows[i].what);
		CHECK_STR(what, enc_group_str(&g, buf, sizeof(buf)),
		    rows[i].text);
	}

	/* the longest name there is: 128 bytes, each \xNN */
	g.length = CPG_MAX_NAME_LENGTH;
	memset(g.value, 0x01, g.length);
	enc_group_str(&g, buf, sizeof(buf));
	CHECK_INT("out_group_str: 128 bytes of \\x01 in full", strlen(buf),
	    4 * CPG_MAX_NAME_LENGTH);
	CHECK_STR("out_group_str: cut short in a small buffer",
	    enc_group_str(&g, buf, 9), "\\x01\\x01");
}

/* A confchg: its lists, reasons, and --exclude-self. */
static void
confchg(void)
{
	static const struct cpg_address members[] = {
		{ 1, 10, 1 }, { 2, 20, 1 },
	};
	static const struct cpg_address joined[] = { { 2, 20, 1 } };
	static const struct cpg_address left[] = {
		{ 3, 30, 5 }, { 3, 31, 3 },
	};
	struct event ev = {
		.type = EV_CONFCHG, .group = &group,
		.members = members, .nmembers = 2,
		.joined = joined, .njoined = 1,
		.left = left, .nleft = 2,
		.self_nodeid = 2, .self_pid = 20,
	};

	RENDER(&ev, NULL);
	CHECK_LIT("text confchg: members, joined and left with reasons", got,
	    glen, "confchg g members=1:10,2:20 joined=2:20:join "
	    "left=3:30:procdown,3:31:nodedown\n");
	RENDER(&ev, "-x", NULL);
	CHECK_LIT("text confchg, --exclude-self: our join hidden", got, glen,
	    "confchg g members=1:10,2:20 joined=- "
	    "left=3:30:procdown,3:31:nodedown\n");
	RENDER(&ev, "-j", NULL);
	CHECK_LIT("JSON confchg", got, glen, "{\"type\":\"confchg\","
	    "\"group\":\"g\",\"members\":[{\"nodeid\":1,\"pid\":10},"
	    "{\"nodeid\":2,\"pid\":20}],\"joined\":[{\"nodeid\":2,\"pid\":20,"
	    "\"reason\":\"join\"}],\"left\":[{\"nodeid\":3,\"pid\":30,"
	    "\"reason\":\"procdown\"},{\"nodeid\":3,\"pid\":31,"
	    "\"reason\":\"nodedown\"}]}\n");
	ev.joined = NULL;
	ev.njoined = 0;
	ev.left = NULL;
	ev.nleft = 0;
	RENDER(&ev, "-x", NULL);
	CHECK_INT("--exclude-self: a change of only our own is not shown",
	    glen, 0);
	ev.left = joined;
	ev.nleft = 1;
	RENDER(&ev, "-x", NULL);
	CHECK_INT("--exclude-self: our own leave is not shown", glen, 0);
}

/* The ring id as corosync writes it: NODEID.SEQ in hex. */
static void
totem(void)
{
	static const uint32_t nodes[] = { 1, 2, 3 };
	struct event ev = {
		.type = EV_TOTEM, .ring = { 1, 0x1a }, .nodes = nodes,
		.nnodes = 3,
	};

	RENDER(&ev, NULL);
	CHECK_LIT("text totem: ring id in hex", got, glen,
	    "totem ring=1.1a members=1,2,3\n");
	RENDER(&ev, "-j", NULL);
	CHECK_LIT("JSON totem", got, glen, "{\"type\":\"totem\","
	    "\"ring_id\":{\"nodeid\":1,\"seq\":26},\"members\":[1,2,3]}\n");
	ev.nnodes = 0;
	RENDER(&ev, NULL);
	CHECK_LIT("text totem: no members", got, glen,
	    "totem ring=1.1a members=-\n");
}

/* A payload many times the sink's first size, escaped all through. */
static void
big(void)
{
	static char in[200000];
	const char *p;
	size_t n, i;
	struct event ev;
	int ok = 1;

	memset(in, 0, sizeof(in));
	ev = message(in, sizeof(in));
	outopt_init(&of);
	sink_drop(mem);
	out_event(mem, &of, &ev);
	p = sink_data(mem, &n);
	CHECK_INT("200,000 NULs: 4 bytes each", n,
	    strlen("message g 1 2 200000 \n") + 4 * sizeof(in));
	p += strlen("message g 1 2 200000 ");
	for (i = 0; i < sizeof(in) && ok; i++)
		ok = memcmp(p + 4 * i, "\\x00", 4) == 0;
	CHECK(ok, "  every one \\x00");
}

int
main(void)
{
	if ((mem = sink_new(-1)) == NULL)
		return 99;
	text_payloads();
	json_payloads();
	encoded(b64_rows, sizeof(b64_rows) / sizeof(b64_rows[0]), "-ebase64",
	    "base64");
	encoded(hex_rows, sizeof(hex_rows) / sizeof(hex_rows[0]), "-ehex",
	    "hex");
	group_names();
	confchg();
	totem();
	big();
	sink_free(mem);
	return unit_end();
}
