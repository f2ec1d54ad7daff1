/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every module may need and none owns (util.c): the command being
 * run, which standard streams were closed, the one-line usage error, a
 * hex digit's value.
 */

#ifndef UTIL_H
#define UTIL_H

struct cmd;

extern const struct cmd	*cur_cmd;
extern unsigned		 std_closed;	/* bit n: fd n was closed */
void	 usage_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	 hexval(int);

#endif
