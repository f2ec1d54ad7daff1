/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Child processes: start a command, feed its stdin from a buffer, capture
 * its stdout, stop it (SIGTERM, then SIGKILL), and hear its status as a
 * shell gives it. It knows the loop and nothing of CPG.
 */

#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct loop;
struct proc;

struct proc_opts {
	char *const	*argv;		/* execvp(argv[0], argv) */
	char *const	*env;		/* NAME=VALUE added in the child only;
					   NULL-terminated, or NULL */
	const void	*in;		/* stdin: these bytes (copied) then EOF;
					   NULL: /dev/null if in_null,
					   else inherit ours */
	size_t		 inlen;
	/* or stdin from a source: each call the next bytes (0: the end),
	   valid until the next call, read as the child reads */
	size_t		(*in_pull)(void *, const char **);
	void		*in_arg;
	int		 in_null;
	size_t		 outmax;	/* >0: capture stdout, up to outmax
					   bytes (the rest read, dropped, and
					   flagged); 0: inherit ours */
	int64_t		 kill_after;	/* ns from proc_stop's SIGTERM to
					   SIGKILL */
	int		 pgroup;	/* a process group of its own: the
					   signals reach its children too */
};

/*
 * Called from the loop once the child has ended and its captured stdout
 * is read: status as a shell gives it (the exit code, or 128 + the
 * signal). The proc is freed when it returns.
 */
typedef void	 proc_done_fn(void *, struct proc *, int);

/*
 * ST_OK and the proc; or, said in one line, ST_NOTFOUND (127) or
 * ST_NOEXEC (126) when exec fails, ST_FAIL otherwise, and no proc.
 * Never calls `done' itself.
 */
int	 proc_start(struct loop *, const struct proc_opts *, proc_done_fn *,
	    void *, struct proc **);
/* SIGTERM now, SIGKILL kill_after later unless it has ended */
void	 proc_stop(struct proc *);
void	 proc_signal(struct proc *, int);
/* stdin written now, as long as the child reads within ms: 1 if all */
int	 proc_feed(struct proc *, int);
/* the loop ends under it: SIGKILL, reap and free, without `done' */
void	 proc_free(struct proc *);
pid_t	 proc_pid(const struct proc *);
/* in `done': what it wrote to stdout (up to outmax), and if more came */
const char *proc_output(const struct proc *, size_t *, int *);
/* in `done': it ended after proc_stop */
int	 proc_timed_out(const struct proc *);

#endif
