/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Argument parsing shared by the commands (opt.c): options declared
 * once (struct optdef), with where each value goes and how it is
 * checked, for opt_parse, the synopsis and --help; group names,
 * numbers, sizes; the options the event loop and the libcpg layer
 * honour.
 */

#ifndef OPT_H
#define OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cmd;
struct cpg_name;
struct outfmt;

/* Long-only options share one number space across all commands. */
enum {
	OPT_WHOLE = 256,
	OPT_WAIT_COROSYNC,
	OPT_MAX_BACKLOG,
	OPT_WATCH,
	OPT_INTRUSIVE,
	OPT_KILL_AFTER,
	OPT_NO_QUORUM,
	OPT_SHOW,
	OPT_NAMES,
	OPT_FIRST,
	OPT_REPLIES,
	OPT_NODES,
	OPT_ACK_TIMEOUT,
	OPT_EXEC_TIMEOUT,
	OPT_MAX_REPLY,
	OPT_MAX_QUEUE,
	OPT_EXEC,
	OPT_QUORUM,
	/* metrics */
	OPT_TEXTFILE,
};

/*
 * Where an option's value goes: the command's own struct (the offsets
 * of its table are into it), or one of the structs the shared sets
 * fill. opt_parse is handed the places; a set a command does not take
 * may be NULL.
 */
enum opt_to {
	TO_CMD,
	TO_RUN,			/* struct runopts */
	TO_FMT,			/* struct outfmt */
	TO_EXEC,		/* struct execopts */
	TO_INPUT,		/* struct inopts */
};

struct optdest {
	void		*cmd;
	struct runopts	*run;
	struct outfmt	*fmt;
	struct execopts	*exec;
	struct inopts	*input;
};

/* What an option does with its value (its checker). */
enum opt_kind {
	OK_NONE,		/* a table without a destination: a bug */
	OK_HELP,		/* print --help */
	OK_FLAG,		/* int: 1 */
	OK_SET,			/* int: `set' */
	OK_COUNT,		/* unsigned long: a whole number */
	OK_SECONDS,		/* double */
	OK_SIZE,		/* size_t: bytes, K, M, G */
	OK_STR,			/* const char *: the argument as given */
	OK_FN,			/* fn(destination struct, option, argument) */
};

/*
 * What a checker made of an option or a value: taken, ours with a value
 * refused (said why on stderr: exit ST_USAGE), someone else's, or
 * everything said (--help: exit ST_OK). opt_parse answers OPT_TAKEN
 * once every option is taken; opt_count and its siblings, opt_group and
 * opt_exec_check answer OPT_TAKEN or OPT_BAD.
 */
enum opt_res {
	OPT_BAD = -1,
	OPT_TAKEN = 0,
	OPT_NOT_MINE = 1,
	OPT_DONE = 2,
};

/*
 * An option, declared once: getopt_long's tables, the synopsis and
 * --help are made from it (opt.c), and opt_parse stores its value. `val'
 * is its letter, or an OPT_ number for a long-only option; `arg' names
 * its value (NULL: none). A number below `min' (`more': not above it) is
 * refused as "--NAME must be at least MIN" (more than MIN). A command
 * lists the sets it takes; every command takes --help.
 */
struct optdef {
	const char	*name;
	int		 val;
	const char	*arg;
	const char	*help;		/* a \n starts another line */
	enum opt_kind	 kind;
	enum opt_to	 to;
	size_t		 off;		/* into the destination struct */
	int		 set;		/* OK_SET's value */
	double		 min;
	int		 more;
	double		 max;		/* with `most', max as said: */
	const char	*most;		/* "--NAME is at most MOST" */
	const char	*need;		/* OK_STR: not empty ("--NAME needs") */
	enum opt_res	(*fn)(void *, const struct optdef *, const char *);
};
#define OPTDEF_END	{ .name = NULL }

/* The destinations of a command's own options (its `struct T'). */
#define OPT_FLAG(T, f)	.kind = OK_FLAG, .off = offsetof(T, f)
#define OPT_SET(T, f, v) .kind = OK_SET, .off = offsetof(T, f), .set = (v)
#define OPT_COUNT(T, f)	.kind = OK_COUNT, .off = offsetof(T, f)
#define OPT_SECONDS(T, f) .kind = OK_SECONDS, .off = offsetof(T, f)
#define OPT_SIZE(T, f)	.kind = OK_SIZE, .off = offsetof(T, f)
#define OPT_STR(T, f)	.kind = OK_STR, .off = offsetof(T, f)
#define OPT_FN(fun)	.kind = OK_FN, .fn = (fun)

/* The sets several commands share. */
extern const struct optdef opts_format[];	/* -j -F -e -T */
extern const struct optdef opts_filter[];	/* -x -E */
extern const struct optdef opts_run[];		/* -t --wait-for-corosync */
extern const struct optdef opts_stay[];		/* -r */
extern const struct optdef opts_backlog[];	/* --max-backlog */
extern const struct optdef opts_input[];	/* -0 --whole -f */
extern const struct optdef opts_intrusive[];	/* --intrusive */
extern const struct optdef opts_exec[];		/* --exec --exec-timeout */

/* Options that the libcpg layer and the event loop honour. */
struct runopts {
	double		 timeout;	/* seconds; 0: none */
	double		 wait_corosync;	/* seconds to retry connecting */
	int		 reconnect;
	size_t		 max_backlog;	/* bytes of unwritten output */
	int		 intrusive;	/* join a cluster daemon's group */
};

/*
 * How input is cut into messages (run/input.c), as -0 and --whole
 * choose; IN_ARGS: the messages are given (MESSAGE arguments), nothing
 * is read.
 */
enum { IN_LINE, IN_NUL, IN_WHOLE, IN_ARGS };

/* -0, --whole, -f, as given. */
struct inopts {
	const char	*file;		/* NULL: standard input */
	int		 mode;		/* IN_LINE, IN_NUL, IN_WHOLE */
};

enum opt_res opt_group(const char *, struct cpg_name *);
enum opt_res opt_count(const char *, const char *, unsigned long *);
enum opt_res opt_seconds(const char *, const char *, double *);
enum opt_res opt_size(const char *, const char *, size_t *);
enum opt_res opt_nodeid(const char *, uint32_t *);
int	 opt_groups(int, char **, struct cpg_name **);
int	 cmd_help(void);
int	 opt_get(int, char **, const struct optdef *const *, int);
enum opt_res opt_parse(int, char **, const struct optdef *const *,
	    const struct optdest *, int);
int	 opt_status(enum opt_res);
enum opt_res opt_fmt(void *, const struct optdef *, const char *);
void	 opt_help(const struct optdef *const *);
void	 opt_synopsis(FILE *, const struct cmd *, size_t, size_t);
int	 opt_unknown(char **, int);
void	 opt_init_run(struct runopts *);

/* --exec and --exec-timeout, as given. */
struct execopts {
	const char	*cmd;		/* NULL: no --exec */
	double		 timeout;	/* 0: none (given, it is more) */
};

enum opt_res opt_exec_check(const struct execopts *, const struct outfmt *);
enum opt_res opt_watch_check(const struct execopts *, const struct outfmt *,
	    int);

#endif
