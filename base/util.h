/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every module may need and none owns (util.c): the command being
 * run, which standard streams were closed, the one-line usage error, a
 * hex digit's value.
 */

#ifndef UTIL_H
#define UTIL_H

struct optdef;
struct outfmt;

/*
 * A row of the command table (cpgtool.c): here, below every module, so
 * that usage_error and --help (opt.c) can name the command being run
 * without an arrow up to main's file.
 */
struct cmd {
	const char	 *name;
	/* argv, and the output format the global options began */
	int		(*fn)(int, char **, struct outfmt *);
	const char	 *usage;	/* the operands */
	const struct optdef *const *opts;
};

extern const struct cmd	*cur_cmd;
extern unsigned		 std_closed;	/* bit n: fd n was closed */
void	 usage_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	 hexval(int);

#endif
