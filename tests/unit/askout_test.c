/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What ask and serve print: a reply in text and JSON under each
 * --encoding, with --names and --timestamps; serve -v's line per
 * request; ask's summary line.
 */

#include <stdlib.h>
#include <string.h>

#include "askp.h"
#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "unit.h"

static struct sink *mem;
static struct outfmt of;
static struct cpg_name group = { 3, "a b" };

/* A reply with a NUL and a final newline, received at 1.000002 s. */
static struct reply
reply(void)
{
	return (struct reply){
		.time = { 1, 2000 }, .nodeid = 2, .pid = 77, .status = 3,
		.data = "ok\0\n", .len = 4,
	};
}

static const char *
print(const struct reply *r, size_t *n)
{
	sink_drop(mem);
	out_reply(mem, &of, &group, r);
	return sink_data(mem, n);
}

static void
options(const char *opts)
{
	const char *p;

	outopt_init(&of);
	for (p = opts; *p; p++)
		if (*p == 'j' || *p == 'T')
			outopt_option(&of, *p, NULL);
		else if (*p == 'x')
			outopt_option(&of, 'e', "hex");
		else if (*p == 'b')
			outopt_option(&of, 'e', "base64");
}

static void
replies(void)
{
	struct nodeinfo ni = { .nodeid = 2, .name = "node2" };
	struct nodeinfo anon = { .nodeid = 2 };
	struct reply r = reply();
	const char *got;
	size_t n;

	options("");
	got = print(&r, &n);
	CHECK_LIT("text: the payload escaped, its newline too", got, n,
	    "reply 2 77 3 ok\\x00\\x0a\n");
	options("x");
	got = print(&r, &n);
	CHECK_LIT("text, hex", got, n, "reply 2 77 3 6f6b000a\n");
	options("T");
	got = print(&r, &n);
	CHECK_LIT("text, the time second", got, n,
	    "reply 1970-01-01T00:00:01.000002+00:00 2 77 3 ok\\x00\\x0a\n");
	options("");
	r.ni = &ni;
	got = print(&r, &n);
	CHECK_LIT("text, --names after the pid", got, n,
	    "reply 2 77 node2 3 ok\\x00\\x0a\n");
	r.ni = &anon;
	got = print(&r, &n);
	CHECK_LIT("text, a name unknown", got, n,
	    "reply 2 77 - 3 ok\\x00\\x0a\n");
	r = reply();
	options("j");
	got = print(&r, &n);
	CHECK_LIT("JSON: UTF-8 stays a string", got, n,
	    "{\"type\":\"reply\",\"group\":\"a b\",\"nodeid\":2,\"pid\":77,"
	    "\"status\":3,\"size\":4,\"truncated\":false,"
	    "\"payload\":\"ok\\u0000\\n\"}\n");
	r.data = "\xff";
	r.len = 1;
	r.cut = 1;
	r.ni = &anon;
	got = print(&r, &n);
	CHECK_LIT("JSON: bytes not UTF-8 in base64, cut, no name", got, n,
	    "{\"type\":\"reply\",\"group\":\"a b\",\"nodeid\":2,\"pid\":77,"
	    "\"name\":null,\"status\":3,\"size\":1,\"truncated\":true,"
	    "\"payload_base64\":\"/w==\"}\n");
	options("jxT");
	r = reply();
	got = print(&r, &n);
	CHECK_LIT("JSON, hex, the time", got, n,
	    "{\"type\":\"reply\",\"time\":\"1970-01-01T00:00:01.000002+00:00\","
	    "\"group\":\"a b\",\"nodeid\":2,\"pid\":77,\"status\":3,\"size\":4,"
	    "\"truncated\":false,\"payload_hex\":\"6f6b000a\"}\n");
	options("b");
	r.len = 0;
	got = print(&r, &n);
	CHECK_LIT("text, an empty payload", got, n, "reply 2 77 3 \n");
}

static const char *
served(enum served what, int status, size_t size, int cut, double sec,
    size_t *n)
{
	sink_drop(mem);
	out_served(mem, what, "1:42:7", status, size, cut, sec);
	return sink_data(mem, n);
}

static void
serve_lines(void)
{
	const char *got;
	size_t n;

	got = served(SERVED_REPLY, 0, 12, 0, 0.0042, &n);
	CHECK_LIT("a reply", got, n,
	    "reply 1:42:7 status=0 size=12 seconds=0.004\n");
	got = served(SERVED_REPLY, 124, 4096, 1, 2.5, &n);
	CHECK_LIT("a reply cut short", got, n,
	    "reply 1:42:7 status=124 size=4096 seconds=2.500 cut\n");
	got = served(SERVED_SKIP, 0, 0, 0, 0, &n);
	CHECK_LIT("not addressed", got, n, "skip 1:42:7\n");
	got = served(SERVED_BUSY, 125, 0, 0, 0, &n);
	CHECK_LIT("the queue full", got, n, "busy 1:42:7 status=125\n");
	got = served(SERVED_CANCEL, 0, 0, 0, 0, &n);
	CHECK_LIT("the asker gone", got, n, "cancel 1:42:7\n");
}

static const char *
summary(const struct askp_counts *c, size_t *n)
{
	sink_drop(mem);
	out_ask_summary(mem, c, "missing");
	return sink_data(mem, n);
}

static void
summaries(void)
{
	struct askp_counts c = { 0 };
	const char *got;
	size_t n;

	got = summary(&c, &n);
	CHECK_LIT("nothing at all", got, n, "0 replied\n");
	c = (struct askp_counts){ .replied = 3, .failed = 1, .left = 1,
	    .notserver = 1 };
	got = summary(&c, &n);
	CHECK_LIT("the issue's example", got, n,
	    "3 replied, 1 failed, 1 left, 1 not a server\n");
	c = (struct askp_counts){ .replied = 1, .notaddr = 2, .waiting = 1,
	    .bare = { 9, 11 }, .nbare = 2 };
	got = summary(&c, &n);
	CHECK_LIT("--nodes, a timeout", got, n,
	    "1 replied, 2 not addressed, 1 missing, no server on nodes 9,11\n");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	if ((mem = sink_new(-1)) == NULL)
		return 99;
	replies();
	serve_lines();
	summaries();
	sink_free(mem);
	return unit_end();
}
