/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every module may need and none owns: the command being run, which
 * standard streams were closed, the one-line usage error, a hex digit's
 * value. A leaf: it calls no module of ours, so that any module may call
 * it without an arrow back, and the fuzzer links the output layer with
 * this file alone.
 */

#include <stdarg.h>
#include <stdio.h>

#include "util.h"

const struct cmd	*cur_cmd;
unsigned		 std_closed;

/* "cpgtool: MESSAGE (see 'cpgtool CMD --help')" on one line. */
void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cpgtool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cur_cmd != NULL)
		fprintf(stderr, " (see 'cpgtool %s --help')\n", cur_cmd->name);
	else
		fputs(" (see 'cpgtool --help')\n", stderr);
}

/* The value of a hex digit, -1 if c is none. */
int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
