/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proc.c on its own loop, without corosync or root: statuses as a shell
 * gives them, exec failures, stdin from a buffer (a child that reads it,
 * one that never does), captured and truncated stdout, the environment,
 * SIGTERM then SIGKILL, and the child dying with its parent.
 */

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"
#include "loop.h"
#include "proc.h"
#include "unit.h"

/* A condition, named by its text: one TAP line (unit.h) each. */
#define EXPECT(c) CHECK((c), "%s: %s", __func__, #c)

/* A group of conditions: a TAP comment, the lines above it its checks. */
static void
result(const char *name, int ok)
{
	printf("# %s: %s\n", ok ? "held" : "FAILED", name);
}

/* What a run saw. */
struct run {
	struct loop	*l;
	int		 done;
	int		 status;
	int		 timed_out;
	char		*out;
	size_t		 outlen;
	int		 truncated;
};

static void
on_done(void *arg, struct proc *p, int status)
{
	struct run *r = arg;
	const char *o;

	r->done++;
	r->status = status;
	r->timed_out = proc_timed_out(p);
	o = proc_output(p, &r->outlen, &r->truncated);
	if ((r->out = malloc(r->outlen + 1)) == NULL)
		err(1, "malloc");
	memcpy(r->out, o, r->outlen);
	r->out[r->outlen] = '\0';
	loop_stop(r->l, 0);
}

/*
 * Starts o on a fresh loop and runs it until done; proc_start's status.
 * stop: proc_stop it at once; or, if it is a descriptor (> 1), once the
 * child has written a byte to it.
 */
static int
run(struct proc_opts *o, struct run *r, int stop)
{
	char c;

	struct proc *p;
	struct loop *l;
	int st;

	memset(r, 0, sizeof(*r));
	if ((r->l = l = loop_new()) == NULL)
		return -1;
	/* a safety net against a hang, not a measure of speed */
	loop_deadline(l, 60);
	st = proc_start(l, o, on_done, r, &p);
	if (st == ST_OK) {
		/* never called back from proc_start itself */
		EXPECT(r->done == 0);
		EXPECT(proc_pid(p) > 0);
		if (stop > 1 && read(stop, &c, 1) != 1)
			EXPECT(!"the child says it is ready");
		if (stop)
			proc_stop(p);
		while (!r->done && !loop_done(l))
			loop_run(l);
		/* a done never called fails the caller's checks too */
		if (!EXPECT(r->done == 1))
			st = -1;
	}
	loop_free(l);
	return st;
}

static char *const *
argv_of(const char *a, const char *b, const char *c)
{
	static char *v[4];

	v[0] = (char *)a;
	v[1] = (char *)b;
	v[2] = (char *)c;
	v[3] = NULL;
	return v;
}

static void
t_status(void)
{
	struct proc_opts o = { .argv = argv_of("sh", "-c", "exit 3") };
	struct run r;
	int ok = 1;

	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 3);
	free(r.out);
	o.argv = argv_of("true", NULL, NULL);
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	free(r.out);
	o.argv = argv_of("sh", "-c", "kill -9 $$");
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 128 + SIGKILL);
	ok &= EXPECT(!r.timed_out);
	free(r.out);
	result("exit codes and 128+signal, as a shell gives them", ok);
}

static void
t_exec_fail(void)
{
	char path[] = "/tmp/cpgt-proc-test.XXXXXX";
	struct proc_opts o = {
		.argv = argv_of("cpgt-no-such-command-here", NULL, NULL),
	};
	struct run r;
	int fd, ok = 1;

	fprintf(stderr, "(two 'cannot run' lines expected:)\n");
	ok &= EXPECT(run(&o, &r, 0) == ST_NOTFOUND && r.done == 0);
	if ((fd = mkstemp(path)) == -1)
		err(1, "mkstemp");
	(void)!write(fd, "\x7f" "ELF", 4);
	close(fd);
	o.argv = argv_of(path, NULL, NULL);
	/* not executable: 126 */
	ok &= EXPECT(run(&o, &r, 0) == ST_NOEXEC && r.done == 0);
	unlink(path);
	result("exec failures: 127 not found, 126 not executable", ok);
}

/*
 * name run with PATH set to path, as nobody if we are root (root searches
 * any directory), in a child of its own: proc_start's status.
 */
static int
exec_as_user(const char *path, const char *name)
{
	struct proc_opts o = { .argv = argv_of(name, NULL, NULL) };
	struct proc *p;
	struct loop *l;
	int status;
	pid_t pid;

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
		    setgid(65534) == -1 || setuid(65534) == -1))
			_exit(98);
		if (setenv("PATH", path, 1) == -1 || (l = loop_new()) == NULL)
			_exit(99);
		_exit(proc_start(l, &o, on_done, NULL, &p));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * A directory of PATH that cannot be searched (execvp's EACCES): a
 * command found nowhere else is 127, as dash and bash say, and one found
 * after it runs; a file found but not executable is 126.
 */
static void
t_exec_path(void)
{
	char shut[] = "/tmp/cpgt-proc-test.XXXXXX";
	char open_[] = "/tmp/cpgt-proc-test.XXXXXX";
	char path[200], file[100];
	int fd, ok = 1;

	if (mkdtemp(shut) == NULL || mkdtemp(open_) == NULL ||
	    chmod(shut, 0) == -1 || chmod(open_, 0755) == -1)
		err(1, "setup");
	snprintf(file, sizeof(file), "%s/cpgt-not-executable", open_);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		err(1, "%s", file);
	close(fd);
	snprintf(path, sizeof(path), "%s:%s:/usr/bin:/bin", shut, open_);
	fprintf(stderr, "(two 'cannot run' lines expected:)\n");
	ok &= EXPECT(exec_as_user(path, "cpgt-no-such-command-here") ==
	    ST_NOTFOUND);
	ok &= EXPECT(exec_as_user(path, "cpgt-not-executable") == ST_NOEXEC);
	ok &= EXPECT(exec_as_user(path, "true") == ST_OK);
	unlink(file);
	rmdir(open_);
	rmdir(shut);
	result("PATH with a directory we cannot search: 127, 126, found", ok);
}

static char *
pattern(size_t n)
{
	char *b;
	size_t i;

	if ((b = malloc(n)) == NULL)
		err(1, "malloc");
	for (i = 0; i < n; i++)
		b[i] = (char)(i * 7 + i / 251);
	return b;
}

static void
t_stdin_stdout(void)
{
	size_t n = 4 * 1024 * 1024;
	char *in = pattern(n);
	struct proc_opts o = {
		.argv = argv_of("cat", NULL, NULL), .in = in, .inlen = n,
		.outmax = 2 * n,
	};
	struct run r;
	int ok = 1;

	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	ok &= EXPECT(r.outlen == n && !r.truncated);
	ok &= EXPECT(r.out != NULL && memcmp(r.out, in, n) == 0);
	free(r.out);
	free(in);
	result("4 MiB through a child's stdin and back from its stdout", ok);
}

static void
t_stdin_unread(void)
{
	size_t n = 8 * 1024 * 1024;
	char *in = pattern(n);
	struct proc_opts o = {
		.argv = argv_of("sh", "-c", "exec 0<&-; sleep 0.2; exit 4"),
		.in = in, .inlen = n,
	};
	struct run r;
	int ok = 1;

	/* EPIPE, not SIGPIPE: we are still here to check */
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 4);
	free(r.out);
	o.argv = argv_of("sleep", "0.2", NULL);
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	free(r.out);
	free(in);
	result("a child that never reads its stdin holds nothing up", ok);
}

static void
t_truncated(void)
{
	struct proc_opts o = {
		.argv = argv_of("sh", "-c",
		    "head -c 1000000 /dev/zero; exit 5"),
		.outmax = 1000, .in_null = 1,
	};
	struct run r;
	int ok = 1;

	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 5);
	ok &= EXPECT(r.outlen == 1000 && r.truncated);
	free(r.out);
	o.argv = argv_of("cat", NULL, NULL);
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	ok &= EXPECT(r.outlen == 0 && !r.truncated);
	free(r.out);
	result("stdout kept up to outmax, the rest dropped and flagged; "
	    "in_null", ok);
}

/*
 * The buffer grows as output comes: an outmax far past memory costs only
 * what is written, and a bound that is no power of two is kept exactly.
 */
static void
t_outmax_grown(void)
{
	struct proc_opts o = {
		.argv = argv_of("printf", "hi", NULL),
		.outmax = SIZE_MAX / 2, .in_null = 1,
	};
	struct run r;
	int ok = 1;

	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	ok &= EXPECT(r.outlen == 2 && !r.truncated && memcmp(r.out, "hi", 2) == 0);
	free(r.out);
	o.argv = argv_of("head", "-c", "1000000");
	o.in_null = 0;
	o.in = pattern(1000000);
	o.inlen = 1000000;
	o.outmax = 150001;
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	ok &= EXPECT(r.outlen == 150001 && r.truncated &&
	    memcmp(r.out, o.in, 150001) == 0);
	free(r.out);
	o.outmax = 1000000;
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	ok &= EXPECT(r.outlen == 1000000 && !r.truncated &&
	    memcmp(r.out, o.in, 1000000) == 0);
	free(r.out);
	free((char *)o.in);
	result("stdout's buffer grows as it comes: an outmax of SIZE_MAX / 2 "
	    "takes 2 bytes; 150001 kept exactly", ok);
}

static void
t_env(void)
{
	char *env[] = { "CPGT_A=one", "CPGT_B=two", NULL };
	struct proc_opts o = {
		.argv = argv_of("sh", "-c", "printf %s:%s \"$CPGT_A\" "
		    "\"$CPGT_B\""),
		.env = env, .outmax = 100,
	};
	struct run r;
	int ok = 1;

	setenv("CPGT_A", "old", 1);
	ok &= EXPECT(run(&o, &r, 0) == ST_OK && r.status == 0);
	ok &= EXPECT(r.out != NULL && strcmp(r.out, "one:two") == 0);
	ok &= EXPECT(strcmp(getenv("CPGT_A"), "old") == 0);
	ok &= EXPECT(getenv("CPGT_B") == NULL);
	free(r.out);
	unsetenv("CPGT_A");
	result("environment additions reach the child only", ok);
}

static void
t_stop(void)
{
	struct proc_opts o = {
		.argv = argv_of("sleep", "30", NULL), .kill_after = 30 * SEC,
	};
	char script[100];
	struct run r;
	int p[2], ok = 1;

	ok &= EXPECT(run(&o, &r, 1) == ST_OK &&
	    r.status == 128 + SIGTERM && r.timed_out);
	free(r.out);
	/* SIGTERM ignored (once it says so): SIGKILL after kill_after */
	if (pipe(p) == -1)
		err(1, "pipe");
	snprintf(script, sizeof(script), "trap '' TERM; echo >&%d; "
	    "exec sleep 30", p[1]);
	o.argv = argv_of("sh", "-c", script);
	o.kill_after = 100 * MSEC;
	ok &= EXPECT(run(&o, &r, p[0]) == ST_OK &&
	    r.status == 128 + SIGKILL && r.timed_out);
	close(p[0]);
	close(p[1]);
	free(r.out);
	result("proc_stop: SIGTERM, then SIGKILL after kill_after", ok);
}

/*
 * A parent SIGKILLed with a child running: the child gets SIGKILL too.
 * We are the subreaper, so the orphan comes back to us to be looked at.
 */
static void
t_pdeathsig(void)
{
	struct proc_opts o = { .argv = argv_of("sleep", "30", NULL) };
	int p[2], status, ok = 1;
	pid_t mid, child = 0;
	struct proc *pr;
	struct loop *l;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 || pipe(p) == -1)
		err(1, "setup");
	if ((mid = fork()) == -1)
		err(1, "fork");
	if (mid == 0) {
		close(p[0]);
		if ((l = loop_new()) == NULL ||
		    proc_start(l, &o, on_done, NULL, &pr) != ST_OK)
			_exit(1);
		child = proc_pid(pr);
		(void)!write(p[1], &child, sizeof(child));
		for (;;)
			pause();
	}
	close(p[1]);
	ok &= EXPECT(read(p[0], &child, sizeof(child)) == sizeof(child));
	close(p[0]);
	kill(mid, SIGKILL);
	waitpid(mid, NULL, 0);
	ok &= EXPECT(child > 0 && waitpid(child, &status, 0) == child);
	ok &= EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	result("the child dies with its parent (PR_SET_PDEATHSIG)", ok);
}

/*
 * pgroup: a shell that forks what it runs (sleep here) is stopped with
 * its children; without it, the shell alone would go and sleep would
 * live on. We are the subreaper, so the orphan comes back to us to be
 * looked at.
 */
static void
t_pgroup(void)
{
	char path[] = "/tmp/cpgt-proc-test.XXXXXX", script[200], num[32];
	struct proc_opts o = { .kill_after = 30 * SEC, .pgroup = 1 };
	struct run r;
	int p[2], fd, status, ok = 1;
	ssize_t n;
	pid_t kid;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 || pipe(p) == -1 ||
	    (fd = mkstemp(path)) == -1)
		err(1, "setup");
	snprintf(script, sizeof(script), "sleep 30 & echo $! >%s; "
	    "echo >&%d; wait", path, p[1]);
	o.argv = argv_of("sh", "-c", script);
	ok &= EXPECT(run(&o, &r, p[0]) == ST_OK && r.timed_out);
	ok &= EXPECT(r.status == 128 + SIGTERM);
	free(r.out);
	close(p[0]);
	close(p[1]);
	n = read(fd, num, sizeof(num) - 1);
	num[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	kid = (pid_t)atoi(num);
	ok &= EXPECT(kid > 0 && waitpid(kid, &status, 0) == kid);
	ok &= EXPECT(WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM ||
	    WTERMSIG(status) == SIGKILL));
	result("pgroup: proc_stop reaches the children of a shell too", ok);
}

/* proc_free: a child given up on is killed and reaped; no done call. */
static void
t_free(void)
{
	struct proc_opts o = { .argv = argv_of("sleep", "30", NULL) };
	struct run r = { 0 };
	struct proc *p;
	struct loop *l;
	pid_t pid;
	int ok = 1;

	if ((r.l = l = loop_new()) == NULL)
		err(1, "loop");
	ok &= EXPECT(proc_start(l, &o, on_done, &r, &p) == ST_OK);
	pid = proc_pid(p);
	proc_free(p);
	ok &= EXPECT(r.done == 0);
	ok &= EXPECT(waitpid(pid, NULL, WNOHANG) == -1 && errno == ECHILD);
	loop_free(l);
	result("proc_free kills and reaps without calling back", ok);
}

static int fired[3];
static struct timer timers[3];

static void
on_timer(struct loop *l, void *arg)
{
	int i = (int)(intptr_t)arg;

	fired[i]++;
	/* the first removes the second, and itself, from its callback */
	if (i == 0) {
		timer_del(&timers[1]);
		timer_del(&timers[0]);
		/* its owner gone: scribbled over, as freed memory may be */
		memset(&timers[1], 0xa5, sizeof(timers[1]));
	}
	if (i == 2)
		loop_stop(l, 0);
}

/* The loop's timers can be removed, even from a callback (sess_free's). */
static void
t_timer_del(void)
{
	struct loop *l;
	int i, ok = 1;

	if ((l = loop_new()) == NULL)
		err(1, "loop");
	for (i = 0; i < 3; i++)
		timer_init(l, &timers[i], on_timer, (void *)(intptr_t)i);
	timer_in(&timers[0], 0);
	timer_in(&timers[1], 1 * MSEC);
	timer_in(&timers[2], 20 * MSEC);
	loop_run(l);
	ok &= EXPECT(fired[0] == 1 && fired[1] == 0 && fired[2] == 1);
	loop_free(l);
	result("loop: timer_del, from a callback too", ok);
}

int
main(void)
{
	/* as cpgtool's main does: a child gone early is EPIPE, not death */
	signal(SIGPIPE, SIG_IGN);
	/* the commands below from where they are, whatever the caller's PATH */
	if (setenv("PATH", "/usr/bin:/bin", 1) == -1)
		err(1, "setenv");
	t_timer_del();
	t_status();
	t_exec_fail();
	t_exec_path();
	t_stdin_stdout();
	t_stdin_unread();
	t_truncated();
	t_outmax_grown();
	t_env();
	t_stop();
	t_pgroup();
	t_pdeathsig();
	t_free();
	return unit_end();
}
