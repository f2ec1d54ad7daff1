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

static const struct runopts *run_ro;

static int
busy(void *arg)
{
	(void)arg;
	return out_pending() >= BUSY_BYTES;
}

/* POLLERR on stdout: the reader is gone, even while nothing is pending. */
static void
stdout_event(struct loop *l, void *arg, short revents)
{
	(void)arg;
	if (revents & (POLLERR | POLLHUP)) {
		out_drop();
		loop_stop(l, ST_OK);
	}
}

static void
prepare(struct loop *l, void *arg)
{
	(void)arg;
	if (out_flush() == -1) {
		/* the reader went away: a quiet, successful end */
		if (out_broken()) {
			loop_stop(l, ST_OK);
			return;
		}
		warn("write");
		loop_stop(l, ST_FAIL);
		return;
	}
	if (out_pending() > run_ro->max_backlog) {
		warnx("output backlog over %zu bytes: the reader is too slow; "
		    "leaving", run_ro->max_backlog);
		out_drop();
		loop_stop(l, ST_FAIL);
		return;
	}
	loop_fd_events(l, STDOUT_FILENO, out_pending() ? POLLOUT : 0);
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
	run_ro = ro;
	if (out_start() != ST_OK ||
	    loop_fd(l, STDOUT_FILENO, 0, stdout_event, NULL) != ST_OK) {
		loop_free(l);
		return NULL;
	}
	loop_on_busy(l, busy, NULL);
	loop_on_prepare(l, prepare, NULL);
	return l;
}

/* Leave every group, write the rest: the first failure is the status. */
int
run_end(struct loop *l, int st)
{
	int ost;

	st = sess_finish(st);
	ost = run_ro != NULL ? out_stop() : ST_OK;
	run_ro = NULL;
	loop_free(l);
	return st ? st : ost;
}
