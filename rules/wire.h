/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one scanner of numbers in the wire formats (lockwire.c, askp.c): what
 * any member of a group may send is read here and nowhere else. Strict,
 * so that a number has one spelling and no foreign message is taken for
 * ours: digits only (no sign, no space, no 0x), no leading zero but "0"
 * itself, and a value past the type refused, counted digit by digit
 * rather than left to strtoul (which clamps to ULONG_MAX, the same as
 * UINT32_MAX on a 32-bit build). Header only, like addr.h: the rules'
 * simulator and fuzzers link no more than they did.
 */

#ifndef WIRE_H
#define WIRE_H

#include <stdint.h>

/* Digit d's value in base 10 or 16 (lower case, as %x writes), else -1. */
static inline int
wire_digit(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A number in base 10 or 16 at *p, at most max; the bytes end at end, or
 * at the first that is no digit when end is NULL (a NUL-terminated
 * string). 1 and *p past it, or 0 and *p as it was.
 */
static inline int
wire_num(const char **p, const char *end, unsigned base, uint64_t max,
    uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;
	int d;

	if (s == end || (d = wire_digit(*s, base)) == -1)
		return 0;
	if (d == 0 && s + 1 != end && wire_digit(s[1], base) != -1)
		return 0;	/* a leading zero */
	for (; s != end && (d = wire_digit(*s, base)) != -1; s++) {
		if (n > (max - (uint64_t)d) / base)
			return 0;
		n = n * base + (uint64_t)d;
	}
	*v = n;
	*p = s;
	return 1;
}

/* A decimal uint32_t. */
static inline int
wire_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t n;

	if (!wire_num(p, end, 10, UINT32_MAX, &n))
		return 0;
	*v = (uint32_t)n;
	return 1;
}

#endif
