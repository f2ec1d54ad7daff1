/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the chunked render path: a message over SINK_BIG
 * is encoded a chunk of SINK_STEP at a time, each written before the
 * next is made (a sink on a fd) or left for later and encoded as it is
 * read (a sink that defers, --exec's stdin). Each input makes such a
 * message and an output form; the message is rendered three ways:
 *   whole:    into a memory sink, which neither streams nor defers;
 *   streamed: into a sink on a file, read back;
 *   deferred: into a deferring memory sink, its run then filled a
 *             chunk at a time as the handler's feed does;
 * and the three must be the same bytes. A difference traps.
 *
 * An input: a form byte (which options; bit 0x80: the output is a
 * terminal, so %s escapes), two bytes of length past SINK_BIG, a prefix
 * length, two bytes of a position and a byte put there (a late byte,
 * say one that is not UTF-8 after many chunks that are), then the
 * prefix and a pattern repeated to fill the payload: the prefix moves
 * the pattern across the chunk boundaries.
 *
 * fuzz/Makefile builds the output layer with SINK_BIG and SINK_STEP made
 * small (4 KiB and 768 bytes), so that an input costs a few KiB, not
 * 300, and crosses five to eleven chunk boundaries.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "util.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)
#define HDR		7
#define PAYLOAD_MAX	(SINK_BIG + 2 * SINK_STEP + 7)

/* The output forms: each a list of options, as cpgtool's parser takes. */
static const char *const forms[][3] = {
	{ NULL },
	{ "-j", NULL },
	{ "-ehex", NULL },
	{ "-ebase64", NULL },
	{ "-j", "-ebase64", NULL },
	{ "-j", "-ehex", NULL },
	{ "-F%s|%x|%n\n", NULL },
	{ "-F%r\n", NULL },
	{ "-F[%s]%s\n", NULL },
};

static struct cpg_name group = { 1, "g" };
static unsigned char payload[PAYLOAD_MAX];

struct out {
	char	*p;
	size_t	 n;
	size_t	 cap;
};

static void
keep(struct out *o, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (o->n + n > o->cap) {
		o->cap = (o->n + n) * 2;
		CHECK((o->p = realloc(o->p, o->cap)) != NULL);
	}
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

static void
whole(const struct outfmt *f, const struct event *ev, struct out *o)
{
	struct sink *s = sink_new(-1);
	const char *p;
	size_t n;

	CHECK(s != NULL);
	out_event(s, f, ev);
	p = sink_data(s, &n);
	keep(o, p, n);
	sink_free(s);
}

/* Into a file, each chunk written before the next is made. */
static void
streamed(const struct outfmt *f, const struct event *ev, struct out *o,
    FILE *tmp)
{
	struct sink *s = sink_new(fileno(tmp));
	char buf[65536];
	size_t n;

	CHECK(s != NULL);
	rewind(tmp);
	CHECK(ftruncate(fileno(tmp), 0) == 0);
	CHECK(sink_start(s) == 0);
	out_event(s, f, ev);
	sink_stop(s);
	sink_free(s);
	rewind(tmp);
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		keep(o, buf, n);
}

/* Left for later, then filled a chunk at a time as it is read. */
static void
deferred(const struct outfmt *f, const struct event *ev, struct out *o)
{
	struct sink *s = sink_new(-1), *c = sink_new(-1);
	struct sink_later l;
	const char *p, *p2;
	size_t n, len, off = 0, m;

	CHECK(s != NULL && c != NULL);
	m = sink_mark(c);
	sink_deferring(s);
	out_event(s, f, ev);
	p = sink_data(s, &len);
	if (!sink_later(s, &l)) {
		keep(o, p, len);
	} else {
		CHECK(l.at <= len);
		keep(o, p, l.at);
		while (off < l.n) {
			sink_rewind(c, m);
			l.fill(c, l.kind, l.data, l.n, &off);
			p2 = sink_data(c, &n);
			keep(o, p2, n);
		}
		keep(o, p + l.at, len - l.at);
	}
	sink_free(s);
	sink_free(c);
}

/* The payload: the prefix, then the pattern over and over. */
static size_t
make_payload(const uint8_t *d, size_t size)
{
	size_t n, k, i, at;
	const uint8_t *pat;
	size_t plen;

	n = SINK_BIG + 1 + ((size_t)d[1] << 8 | d[2]) % (2 * SINK_STEP + 7);
	k = d[3];
	at = ((size_t)d[4] << 8 | d[5]) * (n - 1) / 0xffff;
	d += HDR;
	size -= HDR;
	if (k > size)
		k = size;
	memcpy(payload, d, k);
	pat = d + k;
	plen = size - k;
	if (plen == 0) {
		memset(payload + k, 'x', n - k);
	} else {
		for (i = k; i < n; i++)
			payload[i] = pat[(i - k) % plen];
	}
	payload[at] = d[-1];
	return n;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *tmp;
	struct event ev = {
		.type = EV_MESSAGE, .group = &group, .nodeid = 1, .pid = 2,
		.self_nodeid = 3, .self_pid = 4, .data = payload,
	};
	struct out a = { 0 }, b = { 0 }, c = { 0 };
	const char *const *opt;
	struct outfmt f;

	if (size < HDR)
		return 0;
	if (tmp == NULL)
		CHECK((tmp = tmpfile()) != NULL);
	ev.len = make_payload(data, size);
	outopt_init(&f);
	for (opt = forms[(data[0] & 0x7f) % (sizeof(forms) /
	    sizeof(forms[0]))]; *opt != NULL; opt++)
		CHECK(outopt_option(&f, (*opt)[1], (*opt)[2] ? *opt + 2 : NULL) ==
		    OPT_TAKEN);
	f.tty = (data[0] & 0x80) != 0;
	whole(&f, &ev, &a);
	streamed(&f, &ev, &b, tmp);
	deferred(&f, &ev, &c);
	CHECK(a.n > ev.len);
	CHECK(a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
	CHECK(a.n == c.n && memcmp(a.p, c.p, a.n) == 0);
	free(a.p);
	free(b.p);
	free(c.p);
	return 0;
}
