/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A big message rendered a chunk at a time is byte for byte the message
 * rendered whole: streamed into a sink on a file (each chunk written
 * before the next is made) and left for later in a sink that defers
 * (--exec's stdin, encoded as it is read), against a memory sink that
 * renders it in one go; in text, JSON (a string, or base64 when a late
 * byte is not UTF-8), hex, base64 and --format, with UTF-8 sequences
 * across every chunk boundary. And a big message past the sink's bound
 * stops where it is, said.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "util.h"
#include "unit.h"

#define BIG	(3 * SINK_BIG + 12345)

static struct cpg_name group = { 1, "g" };
static unsigned char data[BIG];

struct out {
	char	*p;
	size_t	 n;
};

static void
set(struct outfmt *f, const char *const *opts)
{
	outopt_init(f);
	for (; *opts != NULL; opts++)
		if (outopt_option(f, (*opts)[1], (*opts)[2] ? *opts + 2 : NULL) !=
		    OPT_TAKEN)
			printf("# option %s not taken\n", *opts);
}

static void
keep(struct out *o, const char *p, size_t n)
{
	o->p = realloc(o->p, o->n + n + 1);
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

/* Rendered whole: a memory sink neither streams nor defers. */
static void
whole(const struct outfmt *f, const struct event *ev, struct out *o)
{
	struct sink *s = sink_new(-1);
	const char *p;
	size_t n;

	out_event(s, f, ev);
	p = sink_data(s, &n);
	keep(o, p, n);
	sink_free(s);
}

/* Streamed into a file, a chunk written before the next is made. */
static void
streamed(const struct outfmt *f, const struct event *ev, struct out *o)
{
	FILE *tmp = tmpfile();
	struct sink *s = sink_new(fileno(tmp));
	char buf[65536];
	size_t n;

	sink_start(s);
	out_event(s, f, ev);
	sink_stop(s);
	sink_free(s);
	rewind(tmp);
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		keep(o, buf, n);
	fclose(tmp);
}

/* Left for later, then read as --exec's handler reads it. */
static int
deferred(const struct outfmt *f, const struct event *ev, struct out *o)
{
	struct sink *s = sink_new(-1), *c = sink_new(-1);
	struct sink_later l;
	const char *p, *p2;
	size_t n, len, off = 0, m = sink_mark(c), chunks = 0;

	sink_deferring(s);
	out_event(s, f, ev);
	p = sink_data(s, &len);
	if (!sink_later(s, &l)) {
		keep(o, p, len);
	} else {
		keep(o, p, l.at);
		while (off < l.n) {
			sink_rewind(c, m);
			l.fill(c, l.kind, l.data, l.n, &off);
			p2 = sink_data(c, &n);
			keep(o, p2, n);
			chunks++;
		}
		keep(o, p + l.at, len - l.at);
	}
	sink_free(s);
	sink_free(c);
	return chunks > 1;
}

static void
same(const char *what, const char *const *opts)
{
	struct event ev = {
		.type = EV_MESSAGE, .group = &group, .nodeid = 1, .pid = 2,
		.data = data, .len = sizeof(data),
	};
	struct out a = { 0 }, b = { 0 }, c = { 0 };
	struct outfmt f;
	char name[128];
	int chunked;

	set(&f, opts);
	whole(&f, &ev, &a);
	streamed(&f, &ev, &b);
	chunked = deferred(&f, &ev, &c);
	snprintf(name, sizeof(name), "%s: streamed is the whole (%zu bytes)",
	    what, a.n);
	CHECK(a.n > sizeof(data) && a.n == b.n && memcmp(a.p, b.p, a.n) == 0,
	    name);
	snprintf(name, sizeof(name), "%s: left for later, in chunks, is too",
	    what);
	CHECK(chunked && a.n == c.n && memcmp(a.p, c.p, a.n) == 0, name);
	free(a.p);
	free(b.p);
	free(c.p);
}

#define SAME(what, ...)	same(what, (const char *const[]){ __VA_ARGS__ })

static void
all_forms(const char *what)
{
	char name[64];

	snprintf(name, sizeof(name), "%s, text", what);
	SAME(name, NULL);
	snprintf(name, sizeof(name), "%s, JSON", what);
	SAME(name, "-j", NULL);
	snprintf(name, sizeof(name), "%s, hex", what);
	SAME(name, "-ehex", NULL);
	snprintf(name, sizeof(name), "%s, JSON base64", what);
	SAME(name, "-j", "-ebase64", NULL);
	snprintf(name, sizeof(name), "%s, --format", what);
	SAME(name, "-F%s|%x|%n\n", NULL);
}

/* UTF-8 sequences of 2, 3 and 4 bytes, at every offset from a chunk's end */
static void
utf8(void)
{
	static const char *const seq[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80", "yz" };
	size_t i = 0, k = 0, n;

	while (i < sizeof(data)) {
		n = strlen(seq[k % 4]);
		if (i + n > sizeof(data))
			break;
		memcpy(data + i, seq[k++ % 4], n);
		i += n;
	}
	memset(data + i, 'y', sizeof(data) - i);
}

/* Past its bound a sink on a pipe nobody reads stops, with the rest kept. */
static void
bound(void)
{
	struct event ev = {
		.type = EV_MESSAGE, .group = &group, .nodeid = 1, .pid = 2,
		.data = data, .len = sizeof(data),
	};
	struct outfmt f;
	struct sink *s;
	int fds[2];

	if (pipe(fds) == -1)
		return;
	s = sink_new(fds[1]);
	sink_start(s);
	sink_limit(s, 100000);
	set(&f, (const char *const[]){ NULL });
	memset(data, 1, sizeof(data));
	CHECK(!out_event(s, &f, &ev), "over the bound: not printed");
	CHECK(sink_over(s), "  the bound said");
	CHECK(sink_pending(s) <= 100000 + 4 * SINK_STEP,
	    "  no more pending than the bound and a chunk");
	sink_drop(s);
	sink_free(s);
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	size_t i;

	memset(data, 1, sizeof(data));
	all_forms("0x01 bytes");
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + i / 3);
	all_forms("all bytes");
	utf8();
	all_forms("UTF-8 across chunks");
	data[sizeof(data) - 1] = 0xff;
	all_forms("UTF-8, the last byte not");
	bound();
	return unit_end();
}
