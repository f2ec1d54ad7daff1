/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --exec's handler gets a big payload's JSON made as it reads its stdin:
 * what it reads is byte for byte the line --json prints, whether it
 * reads all at once (fed from the event's own bytes), waits behind
 * another handler (the payload kept whole), or stalls half-way (the
 * rest kept and fed from the loop). No corosync: events are made here,
 * handlers are /bin/sh.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "event.h"
#include "outopt.h"
#include "handler.h"
#include "loop.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "status.h"
#include "unit.h"

#define BIG	(3 * SINK_BIG + 4321)

static struct cpg_name group = { 1, "g" };
static unsigned char data[2][BIG];
static char dir[] = "/tmp/cpgt-handler.XXXXXX";

/* The JSON line --json prints for ev. */
static char *
json(const struct event *ev, size_t *n)
{
	struct sink *s = sink_new(-1);
	struct outfmt f;
	const char *p;
	char *c;

	outopt_init(&f);
	f.json = 1;
	out_event(s, &f, ev);
	p = sink_data(s, n);
	c = malloc(*n);
	memcpy(c, p, *n);
	sink_free(s);
	return c;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *p = NULL;

	*n = 0;
	if (f == NULL)
		return NULL;
	p = malloc(4 * BIG * 6);
	*n = fread(p, 1, 4 * BIG * 6, f);
	fclose(f);
	return p;
}

/*
 * Two events of payloads data[0] and data[1] to a handler `cmd' (it
 * writes its stdin to $D/out), the second while the first one's runs:
 * what the handlers read, against the two JSON lines.
 */
static void
run(const char *what, const char *cmd)
{
	struct event ev[2];
	struct outfmt f;
	struct handler *h;
	struct loop *l;
	char path[64], *want, *got, *w0, *w1;
	size_t n0, n1, n;
	int i, st;

	snprintf(path, sizeof(path), "%s/out", dir);
	unlink(path);
	outopt_init(&f);
	for (i = 0; i < 2; i++)
		ev[i] = (struct event){
			.type = EV_MESSAGE, .group = &group, .nodeid = 1,
			.pid = (uint32_t)i, .data = data[i], .len = BIG,
		};
	w0 = json(&ev[0], &n0);
	w1 = json(&ev[1], &n1);
	want = malloc(n0 + n1);
	memcpy(want, w0, n0);
	memcpy(want + n0, w1, n1);
	l = loop_new();
	if (l == NULL || handler_new(l, cmd, 0, 64 << 20, &f, &h) != ST_OK) {
		CHECK(0, "%s: a handler", what);
		return;
	}
	handler_event(h, &ev[0]);
	handler_event(h, &ev[1]);
	handler_drain(h, ST_OK);
	st = loop_run(l);
	handler_free(h);
	loop_free(l);
	got = slurp(path, &n);
	CHECK(st == ST_OK, "%s: both handlers ran", what);
	CHECK_MEM(what, got, n, want, n0 + n1);
	free(got);
	free(want);
	free(w0);
	free(w1);
}

int
main(void)
{
	size_t i;

	if (mkdtemp(dir) == NULL || setenv("D", dir, 1) == -1)
		return 99;
	/* 0x01 (6 bytes of JSON each), with every 7th byte counting up */
	for (i = 0; i < BIG; i++) {
		data[0][i] = i % 7 ? 1 : (unsigned char)(i / 7);
		data[1][i] = (unsigned char)(i * 7 + i / 3);
	}
	run("mostly 0x01 and all bytes, read at once", "cat >>\"$D/out\"");
	run("read 100000 bytes, then a stall of 1 s",
	    "head -c 100000 >>\"$D/out\"; sleep 1; cat >>\"$D/out\"");
	memset(data[1], 'x', BIG);
	data[1][BIG - 1] = 0xc3;
	run("plain ASCII, the last byte cut UTF-8, a stall",
	    "head -c 300000 >>\"$D/out\"; sleep 1; cat >>\"$D/out\"");
	for (i = 0; i < 2; i++) {
		char p[64];

		snprintf(p, sizeof(p), "%s/out", dir);
		unlink(p);
	}
	rmdir(dir);
	return unit_end();
}
