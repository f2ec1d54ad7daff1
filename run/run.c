/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every event command does around its loop: standard output
 * attached to the loop (written as it drains, watched for a reader that
 * went away, bounded by --max-backlog), the deadline, and one way out
 * that leaves every group and writes what is buffered.
 */

#include <err.h>
#include <poll.h>
#include <unistd.h>

#include "loop.h"
#include "opt.h"
#include "run.h"
#include "sess.h"
#include "sink.h"
#include "status.h"

/* Output that makes a dispatching session let the loop come round. */
#define BUSY_BYTES	(16 * 1024)

static int
busy(void *arg)
{
	(void)arg;
	return sink_pending(sink_stdout) >= BUSY_BYTES;
}

/* POLLERR on stdout: the reader is gone, even while nothing is pending. */
static void
stdout_event(struct loop *l, void *arg, short revents)
{
	(void)arg;
	if (revents & (POLLERR | POLLHUP)) {
		sink_drop(sink_stdout);
		loop_stop(l, ST_OK);
	}
}

/* Each time round the loop: write what the events made (arg: runopts). */
static void
prepare(struct loop *l, void *arg)
{
	const struct runopts *ro = arg;

	if (sink_flush(sink_stdout) == -1) {
		/* the reader went away: a quiet, successful end */
		if (sink_broken(sink_stdout)) {
			loop_stop(l, ST_OK);
			return;
		}
		warn("write");
		loop_stop(l, ST_FAIL);
		return;
	}
	if (sink_over(sink_stdout) ||
	    sink_pending(sink_stdout) > ro->max_backlog) {
		warnx("output backlog over %zu bytes: the reader is too slow; "
		    "leaving", ro->max_backlog);
		sink_drop(sink_stdout);
		loop_stop(l, ST_FAIL);
		return;
	}
	loop_fd_events(l, STDOUT_FILENO,
	    sink_pending(sink_stdout) ? POLLOUT : 0);
}

/*
 * A loop for a command: its deadline, and, if `output', standard output
 * attached to it. NULL, said, if that fails.
 */
struct loop *
run_loop(const struct runopts *ro, int output)
{
	struct loop *l;

	if ((l = loop_new()) == NULL)
		return NULL;
	loop_deadline(l, ro->timeout);
	if (!output)
		return l;
	if (sink_start(sink_stdout) != ST_OK ||
	    loop_fd(l, STDOUT_FILENO, 0, stdout_event, NULL) != ST_OK) {
		loop_free(l);
		return NULL;
	}
	/* a big message streams: the bound holds within it too */
	sink_limit(sink_stdout, ro->max_backlog);
	loop_on_busy(l, busy, NULL);
	/* ro is the command's: it outlives the loop, which run_end frees */
	loop_on_prepare(l, prepare, (void *)ro);
	return l;
}

/*
 * Leave every group, write the rest: the first failure is the status.
 * Stopping stdout when run_loop did not attach it (lock's COMMAND owns
 * it) is harmless: nothing was put there, so nothing is written, and
 * its flags were never changed.
 */
int
run_end(struct loop *l, int st)
{
	int ost;

	st = sess_finish(l, st);
	ost = sink_stop(sink_stdout);
	loop_free(l);
	return st ? st : ost;
}
