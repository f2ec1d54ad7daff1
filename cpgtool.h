/*
 * cpgtool: a command-line client for corosync's Closed Process Groups.
 * This header is the command table's: struct cmd and the commands. The
 * modules' own headers say the rest; HACKING draws how they call each
 * other.
 */

#ifndef CPGTOOL_H
#define CPGTOOL_H

struct optdef;

/* The Makefile passes -DCPGTOOL_VERSION (VERSION, or git describe). */
#ifndef CPGTOOL_VERSION
#define CPGTOOL_VERSION	"unknown"
#endif

struct cmd {
	const char	 *name;
	int		(*fn)(int, char **);
	const char	 *usage;	/* the operands */
	const struct optdef *const *opts;
};

/* cmd/ *.c: each command, and the option sets it takes */
int	 cmd_join(int, char **);
int	 cmd_send(int, char **);
int	 cmd_watch(int, char **);
int	 cmd_members(int, char **);
int	 cmd_lock(int, char **);
extern const struct optdef *const join_opts[];
extern const struct optdef *const send_opts[];
extern const struct optdef *const watch_opts[];
extern const struct optdef *const members_opts[];
extern const struct optdef *const lock_opts[];

#endif
