/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The wire formats' number scanner (wire.h), which lockq.c and askp.c
 * share: one spelling per number, and every value past the type refused
 * by its own arithmetic, the same on 32-bit and 64-bit builds (strtoul
 * clamps to ULONG_MAX, which is UINT32_MAX on 32-bit).
 */

#include <stdint.h>
#include <string.h>

#include "wire.h"
#include "unit.h"

/* s scanned as a u32 up to its NUL, or up to n bytes: *v, and how far */
static int
u32(const char *s, int bounded, uint32_t *v, size_t *len)
{
	const char *p = s;
	int ok;

	ok = wire_u32(&p, bounded ? s + strlen(s) : NULL, v);
	*len = (size_t)(p - s);
	return ok;
}

static void
decimal(void)
{
	static const struct {
		const char	*s;
		int		 ok;
		uint32_t	 v;
		size_t		 len;
	} rows[] = {
		{ "0", 1, 0, 1 },
		{ "7", 1, 7, 1 },
		{ "4294967295", 1, 4294967295u, 10 },
		{ "12:34", 1, 12, 2 },		/* stops at the first non-digit */
		{ "0:1", 1, 0, 1 },
		{ "4294967296", 0, 0, 0 },	/* one past */
		{ "4294967300", 0, 0, 0 },
		{ "18446744073709551616", 0, 0, 0 },	/* 2^64: no clamping */
		{ "99999999999999999999999", 0, 0, 0 },
		{ "01", 0, 0, 0 },		/* a leading zero */
		{ "00", 0, 0, 0 },
		{ "-1", 0, 0, 0 },
		{ "+1", 0, 0, 0 },
		{ " 1", 0, 0, 0 },
		{ "0x10", 1, 0, 1 },		/* 0, then foreign bytes */
		{ "", 0, 0, 0 },
		{ "a", 0, 0, 0 },
	};
	uint32_t v;
	size_t i, len;
	int b, ok;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (b = 0; b < 2; b++) {
			v = 0;
			ok = u32(rows[i].s, b, &v, &len);
			CHECK(ok == rows[i].ok && (!ok || (v == rows[i].v &&
			    len == rows[i].len)) && (ok || len == 0),
			    "\"%s\"%s: %s", rows[i].s, b ? " (bounded)" : "",
			    rows[i].ok ? "taken" : "refused");
		}
}

/* The bound is where the bytes end, digits or not. */
static void
bounded(void)
{
	const char *s = "1234", *p = s;
	uint32_t v;
	uint64_t w;

	CHECK(wire_u32(&p, s + 2, &v) && v == 12 && p == s + 2,
	    "bounded at 2 of \"1234\": 12");
	p = s;
	CHECK(!wire_u32(&p, s, &v) && p == s, "bounded at 0: nothing");
	p = "05";
	CHECK(wire_u32(&p, p + 1, &v) && v == 0,
	    "\"0\" of \"05\" bounded at 1: 0 (the 5 is past the end)");
	p = "ffffffffffffffff";
	CHECK(wire_num(&p, NULL, 16, UINT64_MAX, &w) && w == UINT64_MAX,
	    "hex: the largest uint64_t");
	p = "10000000000000000";
	CHECK(!wire_num(&p, NULL, 16, UINT64_MAX, &w), "hex: 2^64 refused");
	p = "1a";
	CHECK(wire_num(&p, NULL, 16, UINT32_MAX, &w) && w == 0x1a,
	    "hex: 1a");
	p = "1A";
	CHECK(wire_num(&p, NULL, 16, UINT32_MAX, &w) && w == 1,
	    "hex: upper case is not ours (corosync writes lower case)");
	p = "01a";
	CHECK(!wire_num(&p, NULL, 16, UINT32_MAX, &w),
	    "hex: a leading zero refused");
	p = "100000000";
	CHECK(!wire_num(&p, NULL, 16, UINT32_MAX, &w),
	    "hex: past 32 bits refused");
}

int
main(void)
{
	decimal();
	bounded();
	return unit_end();
}
