/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Argument parsing shared by the commands (opt.c): options declared
 * once (struct optdef) for getopt_long, the synopsis and --help; group
 * names, numbers, sizes; the options the event loop and the libcpg
 * layer honour.
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
 * An option, declared once: getopt_long's tables, the synopsis and
 * --help are made from it (opt.c). `val' is its letter, or an OPT_
 * number for a long-only option; `arg' names its value (NULL: none).
 * A command lists the sets it takes; every command takes --help.
 */
struct optdef {
	const char	*name;
	int		 val;
	const char	*arg;
	const char	*help;		/* a \n starts another line */
};
#define OPTDEF_END	{ NULL, 0, NULL, NULL }

/* The sets several commands share. */
extern const struct optdef opts_format[];	/* -j -F -e -T */
extern const struct optdef opts_filter[];	/* -x -E */
extern const struct optdef opts_run[];		/* -t --wait-for-corosync */
extern const struct optdef opts_stay[];		/* -r */
extern const struct optdef opts_backlog[];	/* --max-backlog */
extern const struct optdef opts_input[];	/* -0 --whole -f */
extern const struct optdef opts_intrusive[];	/* --intrusive */
extern const struct optdef opts_exec[];		/* --exec --exec-timeout */

/*
 * What an option handler (fmt_option, opt_run, opt_common) made of an
 * option: taken, someone else's, or ours with a value refused (and said
 * why on stderr).
 */
enum opt_res {
	OPT_BAD = -1,
	OPT_NOT_MINE = 0,
	OPT_TAKEN = 1,
};

/* Options that the libcpg layer and the event loop honour. */
struct runopts {
	double		 timeout;	/* seconds; 0: none */
	double		 wait_corosync;	/* seconds to retry connecting */
	int		 reconnect;
	size_t		 max_backlog;	/* bytes of unwritten output */
};

int	 opt_group(const char *, struct cpg_name *);
int	 opt_count(const char *, const char *, unsigned long *);
int	 opt_seconds(const char *, const char *, double *);
int	 opt_size(const char *, const char *, size_t *);
int	 opt_nodeid(const char *, uint32_t *);
enum opt_res opt_run(struct runopts *, int, const char *);
enum opt_res opt_common(struct runopts *, struct outfmt *, int,
	    const char *);
int	 opt_groups(int, char **, struct cpg_name **);
int	 cmd_help(void);
int	 opt_get(int, char **, const struct optdef *const *, int);
void	 opt_help(const struct optdef *const *);
void	 opt_synopsis(FILE *, const struct cmd *, size_t, size_t);
int	 opt_unknown(char **, int);
void	 opt_init_run(struct runopts *);

/* --exec and --exec-timeout, as given. */
struct execopts {
	const char	*cmd;		/* NULL: no --exec */
	double		 timeout;	/* 0: none */
	int		 timeout_set;
};

enum opt_res opt_exec(struct execopts *, int, const char *);
int	 opt_exec_check(const struct execopts *, const struct outfmt *);

#endif
