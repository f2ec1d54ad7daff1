/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool: a command-line client for corosync's Closed Process Groups.
 * This header is the command table's: the commands. The modules' own
 * headers say the rest; HACKING draws how they call each other.
 */

#ifndef CPGTOOL_H
#define CPGTOOL_H

struct optdef;
struct outfmt;

/* The Makefile passes -DCPGTOOL_VERSION (VERSION, or git describe). */
#ifndef CPGTOOL_VERSION
#define CPGTOOL_VERSION	"unknown"
#endif

/* struct cmd, a row of the table, is util.h's: the ground's */
#include "util.h"

/* cmd/ *.c: each command, and the option sets it takes */
int	 cmd_join(int, char **, struct outfmt *);
int	 cmd_send(int, char **, struct outfmt *);
int	 cmd_watch(int, char **, struct outfmt *);
int	 cmd_members(int, char **, struct outfmt *);
int	 cmd_top(int, char **, struct outfmt *);
int	 cmd_lock(int, char **, struct outfmt *);
int	 cmd_quorum(int, char **, struct outfmt *);
int	 cmd_ask(int, char **, struct outfmt *);
int	 cmd_serve(int, char **, struct outfmt *);
extern const struct optdef *const join_opts[];
extern const struct optdef *const send_opts[];
extern const struct optdef *const watch_opts[];
extern const struct optdef *const members_opts[];
extern const struct optdef *const top_opts[];
extern const struct optdef *const lock_opts[];
extern const struct optdef *const quorum_opts[];
extern const struct optdef *const ask_opts[];
extern const struct optdef *const serve_opts[];

/* for operators: monitoring */
int	 cmd_metrics(int, char **, struct outfmt *);
int	 cmd_check(int, char **, struct outfmt *);
extern const struct optdef *const metrics_opts[];
extern const struct optdef *const check_opts[];

#endif
