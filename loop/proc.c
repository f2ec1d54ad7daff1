/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Child processes, for any command that runs one: lock's COMMAND today,
 * a command per event tomorrow.
 *
 * A child is started with vfork: our page tables are not copied for a
 * child that only execs. Everything it needs (the environment, the
 * pipes, /dev/null) is made before, so the vfork child allocates
 * nothing; it only resets its signals, asks to die with us, moves its
 * descriptors into place and execs. exec's errno comes back through a
 * close-on-exec pipe, not through the shared memory: where vfork is a
 * fork (valgrind) that would be lost.
 *
 * It dies with us (PR_SET_PDEATHSIG), so a SIGKILLed cpgtool never
 * leaves a child running on; if we died before it could ask, getppid
 * tells it, and it goes. Our signals stay blocked until the child has set
 * its own to their defaults (loop_child_signals), so none of our handlers
 * ever runs in it.
 *
 * With pgroup the child leads a process group of its own, and stopping
 * or signalling it reaches the whole group: `sh -c SCRIPT' forks what
 * the script runs, and a signal to the shell alone would leave that
 * running. PDEATHSIG still reaches only the child itself.
 *
 * Its stdin, when fed from a buffer or from a source that makes its bytes
 * as they are read, is a pipe whose end here does not block: the loop
 * writes as the child reads, and a child that never reads never holds
 * us up. A child that exits or closes its stdin early ends the writing
 * quietly (EPIPE; SIGPIPE is ignored by the loop). Its stdout, when
 * captured, is read as it comes into a buffer grown as it fills
 * (doubling, from OUT_FIRST), never past outmax bytes, so that a large
 * outmax costs only what the child writes; the rest is read and dropped,
 * so the child is never stuck on a full pipe. The child's end is told
 * once it has exited and what it wrote is read: at its exit the pipe is
 * drained as far as it holds data, without waiting for an EOF a
 * grandchild could hold off forever.
 */

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "proc.h"
#include "status.h"

/* What is read and dropped at once past outmax: a pipe's worth. */
#define DROP_CHUNK	(64 * 1024)
/* The captured stdout's first buffer, then doubled as it fills. */
#define OUT_FIRST	(64 * 1024)
/* Reads at the child's exit, at most: what its pipe holds, and a bit. */
#define DRAIN_MAX	64

extern char **environ;

struct proc {
	struct loop	*loop;
	proc_done_fn	*done;
	void		*arg;
	pid_t		 pid;
	int		 pgroup;	/* it leads a process group of its own */
	int		 stopped;	/* proc_stop was called */
	int64_t		 kill_after;
	struct timer	 kill_t;
	/* stdin from a buffer (a copy) or a source, written as the child
	   reads */
	int		 infd;		/* -1: none, or all written */
	const char	*in;		/* what is being written */
	size_t		 inlen;
	size_t		 inoff;
	char		*incopy;
	size_t		(*pull)(void *, const char **);
	void		*pull_arg;
	/* captured stdout: up to outmax bytes, grown as they come */
	int		 outfd;		/* -1: not captured, or at EOF */
	char		*out;
	size_t		 outlen;
	size_t		 outcap;
	size_t		 outmax;
	int		 truncated;
	char		*name;		/* argv[0], for messages */
};

/* What the vfork child is given: descriptors to put in place, all ready. */
struct child {
	char *const	*argv;
	char *const	*envp;
	int		 in;		/* -1: keep ours */
	int		 out;		/* -1: keep ours */
	int		 errfd;		/* exec's errno goes here */
	pid_t		 parent;
	int		 pgroup;
};

/* Make fd the child's `to', with close-on-exec off either way. */
static int
child_fd(int fd, int to)
{
	if (fd < 0)
		return 0;
	if (fd == to)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, to) == -1 ? -1 : 0;
}

/* In the vfork child: nothing here may allocate or touch our state. */
static void __attribute__((noreturn))
child_run(const struct child *c)
{
	int e;

	loop_child_signals();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != c->parent)
		_exit(ST_FAIL);
	if ((c->pgroup && setpgid(0, 0) == -1) ||
	    child_fd(c->in, STDIN_FILENO) == -1 ||
	    child_fd(c->out, STDOUT_FILENO) == -1) {
		e = errno;
		(void)!write(c->errfd, &e, sizeof(e));
		_exit(ST_NOEXEC);
	}
	execvpe(c->argv[0], c->argv, c->envp);
	e = errno;
	(void)!write(c->errfd, &e, sizeof(e));
	_exit(ST_NOTFOUND);
}

/* Does environment entry `var' set the NAME that `add' sets? */
static int
same_name(const char *var, const char *add)
{
	size_t n = strcspn(add, "=");

	return strncmp(var, add, n) == 0 && var[n] == '=';
}

/*
 * Our environment with `add' on top (replacing what it names), built
 * before vfork: the child must not allocate. Only pointers are copied.
 */
static char **
make_env(char *const *add)
{
	size_t n = 0, k = 0, i, j;
	char **v;

	for (i = 0; environ[i] != NULL; i++)
		n++;
	for (i = 0; add[i] != NULL; i++)
		n++;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; environ[i] != NULL; i++) {
		for (j = 0; add[j] != NULL; j++)
			if (same_name(environ[i], add[j]))
				break;
		if (add[j] == NULL)
			v[k++] = environ[i];
	}
	for (i = 0; add[i] != NULL; i++)
		v[k++] = add[i];
	v[k] = NULL;
	return v;
}

static void
close_in(struct proc *p)
{
	if (p->infd < 0)
		return;
	loop_fd_del(p->loop, p->infd);
	close(p->infd);
	p->infd = -1;
	free(p->incopy);
	p->incopy = NULL;
	p->in = NULL;
}

static void
close_out(struct proc *p)
{
	if (p->outfd < 0)
		return;
	loop_fd_del(p->loop, p->outfd);
	close(p->outfd);
	p->outfd = -1;
}

/*
 * Write what the pipe takes, from the source as it comes; all written,
 * or the child gone: close it.
 */
static void
write_in(struct proc *p)
{
	ssize_t n;

	for (;;) {
		if (p->inoff == p->inlen) {
			if (p->pull == NULL ||
			    (p->inlen = p->pull(p->pull_arg, &p->in)) == 0)
				break;
			p->inoff = 0;
		}
		n = write(p->infd, p->in + p->inoff, p->inlen - p->inoff);
		if (n > 0) {
			p->inoff += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		/* EPIPE: it closed its stdin or ended, which is its right */
		if (n == -1 && errno != EPIPE)
			warn("writing to '%s'", p->name);
		break;
	}
	close_in(p);
}

static void
on_in(struct loop *l, void *arg, short revents)
{
	(void)l;
	(void)revents;
	write_in(arg);
}

/*
 * One read: 1 if data came (kept or dropped), 0 at EOF or on an error
 * (the pipe is closed then), -1 if nothing is there now.
 */
/* Room for more of stdout: 0 if there is none (or no memory: said). */
static int
grow_out(struct proc *p)
{
	size_t cap;
	char *b;

	if (p->outlen < p->outcap)
		return 1;
	if (p->outcap >= p->outmax)
		return 0;
	cap = p->outcap ? p->outcap : OUT_FIRST;
	if (p->outcap && cap <= p->outmax / 2)
		cap *= 2;
	else if (p->outcap)
		cap = p->outmax;
	if (cap > p->outmax)
		cap = p->outmax;
	if ((b = realloc(p->out, cap)) == NULL) {
		warn("output of '%s'", p->name);
		p->outmax = p->outlen;	/* the rest is dropped, and flagged */
		return 0;
	}
	p->out = b;
	p->outcap = cap;
	return 1;
}

static int
read_out(struct proc *p)
{
	static char drop[DROP_CHUNK];
	char *buf;
	size_t room;
	ssize_t n;

	if (grow_out(p)) {
		room = p->outcap - p->outlen;
		buf = p->out + p->outlen;
	} else {
		room = sizeof(drop);
		buf = drop;
	}
	do
		n = read(p->outfd, buf, room);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		return -1;
	if (n == -1)
		warn("reading from '%s'", p->name);
	if (n <= 0) {
		close_out(p);
		return 0;
	}
	if (buf == drop)
		p->truncated = 1;
	else
		p->outlen += (size_t)n;
	return 1;
}

static void
on_out(struct loop *l, void *arg, short revents)
{
	struct proc *p = arg;

	(void)l;
	(void)revents;
	(void)read_out(p);
}

static void
proc_release(struct proc *p)
{
	close_in(p);
	close_out(p);
	timer_del(&p->kill_t);
	free(p->out);
	free(p->name);
	free(p);
}

/* Whom a signal goes to: the child, or its whole process group. */
static pid_t
target(const struct proc *p)
{
	return p->pgroup ? -p->pid : p->pid;
}

/*
 * The child has ended: read what it left in the pipe, then tell. What is
 * left of a stopped process group goes with its leader: the grace was
 * the leader's.
 */
static void
on_end(struct loop *l, void *arg, pid_t pid, int status)
{
	struct proc *p = arg;
	int i;

	(void)l;
	if (status == -1) {
		warn("cannot wait for '%s' (pid %ld)", p->name, (long)pid);
		status = ST_FAIL;
	} else if (WIFSIGNALED(status))
		status = ST_SIGNAL + WTERMSIG(status);
	else
		status = WEXITSTATUS(status);
	if (p->pgroup && p->stopped)
		kill(-pid, SIGKILL);
	p->pid = 0;
	close_in(p);
	for (i = 0; i < DRAIN_MAX && p->outfd >= 0; i++)
		if (read_out(p) == -1)
			break;
	close_out(p);
	p->done(p->arg, p, status);
	proc_release(p);
}

static void
on_kill(struct loop *l, void *arg)
{
	struct proc *p = arg;

	(void)l;
	if (p->pid > 0)
		kill(target(p), SIGKILL);
}

/*
 * The pipes and /dev/null the child gets; our ends kept in p. The last:
 * exec's errno, its end for the child in c->errfd, ours returned.
 */
static int
make_fds(struct proc *p, const struct proc_opts *o, struct child *c)
{
	int fds[2];

	if (o->in != NULL || o->in_pull != NULL) {
		if (pipe2(fds, O_CLOEXEC) == -1)
			return -1;
		c->in = fds[0];
		p->infd = fds[1];
		if (fcntl(p->infd, F_SETFL, O_NONBLOCK) == -1 ||
		    (o->inlen > 0 && (p->incopy = malloc(o->inlen)) == NULL))
			return -1;
		if (o->inlen > 0)
			memcpy(p->incopy, o->in, o->inlen);
		p->in = p->incopy;
		p->inlen = o->in != NULL ? o->inlen : 0;
		p->pull = o->in_pull;
		p->pull_arg = o->in_arg;
	} else if (o->in_null &&
	    (c->in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (o->outmax > 0) {
		if (pipe2(fds, O_CLOEXEC) == -1)
			return -1;
		p->outfd = fds[0];
		c->out = fds[1];
		if (fcntl(p->outfd, F_SETFL, O_NONBLOCK) == -1)
			return -1;
		p->outmax = o->outmax;
	}
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	c->errfd = fds[1];
	return fds[0];
}

/*
 * vfork, and read exec's verdict from errr (closed here, as c->errfd):
 * 0, it runs; the errno that stopped exec (the child reaped); or -1,
 * said, if there is no child.
 */
static int
fork_exec(struct proc *p, struct child *c, int errr)
{
	ssize_t n;
	int e = 0;

	if ((p->pid = vfork()) == 0)
		child_run(c);
	if (p->pid == -1) {
		warn("cannot run '%s': vfork", p->name);
		p->pid = 0;
		e = -1;
	}
	close(c->errfd);
	c->errfd = -1;
	while (e == 0 && (n = read(errr, &e, sizeof(e))) == -1 &&
	    errno == EINTR)
		;
	close(errr);
	if (e <= 0)
		return e;
	while (waitpid(p->pid, NULL, 0) == -1 && errno == EINTR)
		;
	p->pid = 0;
	return e;
}

/*
 * Is name a file that a PATH search finds (a name with a slash is not
 * searched)? execvp says EACCES both for a file there but not executable
 * and for a directory of PATH it could not search, the command being
 * nowhere else; a shell says 126 for the first only, 127 (not found) for
 * the second, and so do we.
 */
static int
in_path(const char *name)
{
	const char *d, *end, *path = getenv("PATH");
	char buf[PATH_MAX];
	struct stat sb;
	int n;

	if (strchr(name, '/') != NULL)
		return 1;
	/* execvp's own default, as glibc's confstr(_CS_PATH) gives it */
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (d = path;; d = end + 1) {
		end = strchrnul(d, ':');
		/* an empty entry is the current directory */
		n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(end - d), d,
		    end > d ? "/" : "", name);
		if (n > 0 && (size_t)n < sizeof(buf) && stat(buf, &sb) == 0 &&
		    !S_ISDIR(sb.st_mode))
			return 1;
		if (*end == '\0')
			return 0;
	}
}

/*
 * Start argv with its stdin and stdout as o says; `done' is called from
 * the loop when it has ended, never from here. ST_OK and *pp; or, said on
 * stderr and with no proc, ST_NOTFOUND or ST_NOEXEC (exec failed, the
 * statuses a shell gives) or ST_FAIL.
 */
int
proc_start(struct loop *l, const struct proc_opts *o, proc_done_fn *done,
    void *arg, struct proc **pp)
{
	struct child c = { .argv = o->argv, .in = -1, .out = -1,
	    .errfd = -1, .parent = getpid() };
	char **envp = NULL;
	struct proc *p;
	int errr, e, st = ST_FAIL;

	*pp = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		warn("cannot run '%s'", o->argv[0]);
		return ST_FAIL;
	}
	p->loop = l;
	p->done = done;
	p->arg = arg;
	p->infd = p->outfd = -1;
	p->kill_after = o->kill_after;
	p->pgroup = c.pgroup = o->pgroup;
	timer_init(l, &p->kill_t, on_kill, p);
	c.envp = environ;
	if ((p->name = strdup(o->argv[0])) == NULL ||
	    (o->env != NULL && (c.envp = envp = make_env(o->env)) == NULL) ||
	    (errr = make_fds(p, o, &c)) == -1) {
		warn("cannot run '%s'", o->argv[0]);
		goto out;
	}
	if ((e = fork_exec(p, &c, errr)) == -1)
		goto out;
	if (e != 0) {
		if (e == EACCES && !in_path(p->name))
			e = ENOENT;
		warnx("cannot run '%s': %s", p->name, strerror(e));
		st = e == ENOENT ? ST_NOTFOUND : ST_NOEXEC;
		goto out;
	}
	if ((st = loop_child(l, p->pid, on_end, p)) != ST_OK) {
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, NULL, 0) == -1 && errno == EINTR)
			;
		goto out;
	}
	if (p->infd >= 0 && (st = loop_fd(l, p->infd, POLLOUT, on_in,
	    p)) == ST_OK)
		write_in(p);
	if (st == ST_OK && p->outfd >= 0)
		st = loop_fd(l, p->outfd, POLLIN, on_out, p);
	if (st != ST_OK) {
		proc_free(p);
		p = NULL;
	}
out:
	if (c.errfd >= 0)
		close(c.errfd);
	if (c.in >= 0)
		close(c.in);
	if (c.out >= 0)
		close(c.out);
	free(envp);
	if (st == ST_OK)
		*pp = p;
	else if (p != NULL)
		proc_release(p);
	return st;
}

/* SIGTERM now, SIGKILL after kill_after unless it ends before. */
void
proc_stop(struct proc *p)
{
	if (p->pid <= 0)
		return;
	p->stopped = 1;
	kill(target(p), SIGTERM);
	if (!p->kill_t.at)
		timer_in(&p->kill_t, p->kill_after);
}

/*
 * Write the child's stdin now rather than from the loop, waiting for the
 * child to read as long as it takes something within `stall' ms: 1 if
 * all of it went (or the child closed it), 0 if the loop is to write the
 * rest. For a caller whose source is valid only until it returns.
 */
int
proc_feed(struct proc *p, int stall)
{
	struct pollfd pfd;

	for (;;) {
		if (p->infd >= 0)
			write_in(p);
		if (p->infd < 0)
			return 1;
		pfd = (struct pollfd){ .fd = p->infd, .events = POLLOUT };
		if (poll(&pfd, 1, stall) != 1)
			return 0;
	}
}

void
proc_signal(struct proc *p, int sig)
{
	if (p->pid > 0)
		kill(target(p), sig);
}

/*
 * Give up on a child without hearing its end (the loop ended under it):
 * SIGKILL, reap, free; `done' is not called.
 */
void
proc_free(struct proc *p)
{
	if (p == NULL)
		return;
	if (p->pid > 0) {
		kill(target(p), SIGKILL);
		loop_child_del(p->loop, p->pid);
		while (waitpid(p->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	proc_release(p);
}

pid_t
proc_pid(const struct proc *p)
{
	return p->pid;
}

/* What it wrote to stdout, as far as outmax; *truncated if more came. */
const char *
proc_output(const struct proc *p, size_t *len, int *truncated)
{
	*len = p->outlen;
	if (truncated != NULL)
		*truncated = p->truncated;
	return p->out != NULL ? p->out : "";
}

/* It ended after proc_stop: stopped, not finished of its own accord. */
int
proc_timed_out(const struct proc *p)
{
	return p->stopped;
}
