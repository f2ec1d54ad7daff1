/*
 * cpgtool: a command-line client for corosync's Closed Process Groups.
 *
 * Modules: cpgtool.c (main, the command table), cmd/ (a file per
 * command), util.c (the usage error and other helpers every module may
 * use), opt.c (argument parsing shared by the commands), input.c
 * (message framing), loop.c (the event loop), sess.c (the only caller of
 * corosync's libraries), out.c (the only writer of events). See HACKING.
 */

#ifndef CPGTOOL_H
#define CPGTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "event.h"
#include "fmt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "status.h"
#include "util.h"

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

/* daemons.c */
struct sess;
const char *daemon_owner(const struct cpg_name *);
int	 daemon_refuse(const struct cpg_name *, int, int);
void	 twin_hint(struct sess *, const struct cpg_name *, size_t, int);
void	 twin_confchg(struct sess *, const struct event *);

/* cpgtool.c, cmd/ *.c */
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
