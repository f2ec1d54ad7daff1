/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Thresholds as the Monitoring Plugins development guidelines define
 * them ("Threshold and ranges"), for cpgtool check: [@]START:END, where
 * START: may be left out (it is then 0), END may be left out after the
 * colon (infinity), START may be ~ (negative infinity), and START must
 * not exceed END. A value outside the range, ends included, raises the
 * alert; with @, a value inside it does:
 *
 *	10	< 0 or > 10		10:20	< 10 or > 20
 *	10:	< 10			@10:20	>= 10 and <= 20
 *	~:10	> 10
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

/* A decimal number at p, its end in *end; 0, or -1 if none. */
static int
number(const char *p, const char **end, double *v)
{
	char *e;

	if (*p == '\0' || *p == ':' || *p == ' ')
		return -1;
	errno = 0;
	*v = strtod(p, &e);
	if (e == p || errno == ERANGE || !isfinite(*v))
		return -1;
	/* strtod takes "inf", "nan" and hex: none is a threshold */
	for (; p < e; p++)
		if (strchr("0123456789.+-eE", *p) == NULL)
			return -1;
	*end = e;
	return 0;
}

/* 0, or -1 if arg is not a range. */
int
range_parse(const char *arg, struct range *r)
{
	const char *p = arg, *colon;

	memset(r, 0, sizeof(*r));
	if (strlen(arg) >= sizeof(r->text))
		return -1;
	snprintf(r->text, sizeof(r->text), "%s", arg);
	r->end = INFINITY;
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	if ((colon = strchr(p, ':')) != NULL) {
		if (p[0] == '~' && p + 1 == colon)
			r->start = -INFINITY;
		else if (number(p, &p, &r->start) == -1 || p != colon)
			return -1;
		p = colon + 1;
		if (*p == '\0') {
			r->set = 1;
			return 0;
		}
	}
	if (number(p, &p, &r->end) == -1 || *p != '\0' || r->start > r->end)
		return -1;
	r->set = 1;
	return 0;
}

/* Does v raise the alert? Never, for a range not set. */
int
range_alert(const struct range *r, double v)
{
	int in = v >= r->start && v <= r->end;

	if (!r->set)
		return 0;
	return r->inside ? in : !in;
}
