/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sinks: buffers, and their writing to a file descriptor. The loop
 * flushes stdout each time round, after a batch of events, so a burst
 * costs one write(2) and `| jq' still sees every event promptly.
 *
 * Nothing here exits: output lost for want of memory is reported when
 * the sink is flushed or stopped, so the caller can leave its groups
 * first.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink.h"
#include "status.h"
#include "util.h"

static struct sink stdsinks[] = {
	{ .fd = STDOUT_FILENO },
	{ .fd = STDERR_FILENO },
};

/*
 * How a pipe or socket is written without blocking, a write at a time:
 * its open file description is shared with whoever else writes there (a
 * shell's pipeline, journald's socket), so O_NONBLOCK, which a SIGKILL
 * would leave set for all of them, is never set on it.
 */
enum sink_nowait {
	NW_NONE,	/* a terminal, a file: written as usual */
	NW_RWF,		/* pwritev2(RWF_NOWAIT): pipes and sockets */
	NW_SEND,	/* a socket, RWF_NOWAIT refused: send(MSG_DONTWAIT) */
	NW_POLL,	/* a pipe, RWF_NOWAIT refused: PIPE_BUF on POLLOUT */
};
static ssize_t	 put_fd(struct sink *, const char *, size_t);

struct sink *const sink_stdout = &stdsinks[0];
struct sink *const sink_stderr = &stdsinks[1];

/*
 * A buffer's first size; once drained, a buffer that grew past it for a
 * burst or a big message is given back. sess.c dispatches well under it.
 */
#define SINK_CHUNK	65536

/*
 * How long a big message waits for a reader that takes nothing (ms):
 * past that the reader is a slow one like any other, and the rest is
 * buffered as the loop buffers between events, up to --max-backlog.
 */
#define SINK_STALL	500

/*
 * sink_reserve()'s slow path: compact or grow the buffer. Out of memory,
 * the sink keeps the error and its item is taken back whole (see
 * sink_end_item).
 */
int
sink_grow(struct sink *s, size_t n)
{
	size_t cap;
	char *p;

	if (s->off > 0 && (s->off == s->len || s->off > s->cap / 2)) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->gone += s->off;
		s->len -= s->off;
		s->off = 0;
		if (s->cap - s->len >= n)
			return 1;
	}
	if (s->fixed)
		goto lost;
	for (cap = s->cap ? s->cap : SINK_CHUNK; cap - s->len < n; cap *= 2)
		if (cap > SIZE_MAX / 2)
			goto lost;
	if ((p = realloc(s->buf, cap)) == NULL)
		goto lost;
	s->buf = p;
	s->cap = cap;
	return 1;
lost:
	if (s->error == 0)
		s->error = ENOMEM;
	return 0;
}

/*
 * sink_put()'s slow path: a run that does not fit. A big one into a sink
 * that streams goes a chunk at a time, each written before the next is
 * copied (sink_stream).
 */
void
sink_put_big(struct sink *s, const void *p, size_t n)
{
	const char *c = p;
	size_t k;

	if (!sink_chunked(s, n) || s->fd < 0) {
		if (!sink_grow(s, n))
			return;
		memcpy(s->buf + s->len, p, n);
		s->len += n;
		return;
	}
	while (n > 0 && sink_stream(s)) {
		k = n < SINK_STEP ? n : SINK_STEP;
		if (!sink_reserve(s, k))
			return;
		memcpy(s->buf + s->len, c, k);
		s->len += k;
		c += k;
		n -= k;
	}
}

/*
 * Every item (an event, a member list) is begun and ended: one that lost
 * bytes for want of memory is taken back whole, never printed cut short,
 * and once a sink has lost output nothing more goes in. An item that
 * streamed (a big message) and then failed may have gone out in part:
 * the rest is taken back, and the failure said as for lost output.
 */
int
sink_begin_item(struct sink *s, size_t *m)
{
	/* also: buf is allocated, so an empty put never copies to NULL */
	if (s->error || s->over || !sink_reserve(s, 1))
		return 0;
	s->stalled = 0;
	*m = sink_mark(s);
	return 1;
}

int
sink_end_item(struct sink *s, size_t m)
{
	if (s->error == 0 && !s->over)
		return 1;
	sink_rewind(s, m);
	return 0;
}

/* One write after another until the fd takes no more: 0, or -1 (errno). */
static int
put_pending(struct sink *s)
{
	ssize_t n;

	while (s->off < s->len) {
		n = put_fd(s, s->buf + s->off, s->len - s->off);
		if (n >= 0)
			s->off += (size_t)n;
		else if (errno == EAGAIN)
			return 0;
		else if (errno != EINTR)
			return -1;
	}
	return 0;
}

/*
 * A pipe or socket that has not taken SINK_BIG of a big message yet:
 * wait for its reader (poll, the loop's signals still blocked) as long
 * as it takes something within SINK_STALL, so that what one message
 * costs stays its own size; 1 if there is room again.
 */
static int
wait_reader(struct sink *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };

	if (s->stalled || s->nowait == NW_NONE || sink_pending(s) <= SINK_BIG)
		return 0;
	if (poll(&pfd, 1, SINK_STALL) == 1)
		return 1;
	s->stalled = 1;
	return 0;
}

/*
 * Between two chunks of a big run: what is pending goes to the fd (as
 * wait_reader says), and the room it leaves is used again. 0 if the run
 * is to stop: the fd failed (told at the next sink_flush), the bound
 * (sink_limit) was passed, or memory ran out.
 */
int
sink_stream(struct sink *s)
{
	if (s->fd >= 0 && s->werr == 0 && !s->broken) {
		do {
			if (put_pending(s) == 0)
				continue;
			if (errno == EPIPE)
				s->broken = 1;
			s->werr = errno;
			s->off = s->len;
			break;
		} while (wait_reader(s));
		if (s->off == s->len) {
			s->gone += s->len;
			s->off = s->len = 0;
		}
	}
	if (s->limit > 0 && sink_pending(s) > s->limit)
		s->over = 1;
	return !(s->error || s->over || s->werr || s->broken);
}

/*
 * A memory sink that defers: one big run (sink_chunked) is not encoded
 * now but left where it goes, to be encoded as its bytes are read; the
 * caller keeps the data it points to (sink_later).
 */
void
sink_deferring(struct sink *s)
{
	s->defer = 1;
}

/* Leave a run for later: 1, or 0 if one is already left (encode it now). */
int
sink_defer(struct sink *s, sink_fill_fn *fill, int kind, const void *data,
    size_t n)
{
	if (!s->defer || s->later.fill != NULL)
		return 0;
	s->later = (struct sink_later){
		.fill = fill, .kind = kind, .data = data, .n = n,
		.at = s->len - s->off,
	};
	return 1;
}

/* The run left for later, if any: 1 and *l. */
int
sink_later(const struct sink *s, struct sink_later *l)
{
	*l = s->later;
	return l->fill != NULL;
}

/* At most n bytes pending while a big run streams; 0: no bound. */
void
sink_limit(struct sink *s, size_t n)
{
	s->limit = n;
}

/* The bound was passed. */
int
sink_over(const struct sink *s)
{
	return s->over;
}

/* A sink on fd, or in memory if fd is -1; NULL if out of memory. */
struct sink *
sink_new(int fd)
{
	struct sink *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = fd;
	s->heap = 1;
	return s;
}

/*
 * A memory sink on buf, never grown: what does not fit in cap bytes is
 * lost (sink_begin_item and sink_end_item see it).
 */
void
sink_fixed(struct sink *s, char *buf, size_t cap)
{
	*s = (struct sink){
		.buf = buf, .cap = cap, .fd = -1, .fixed = 1,
	};
}

static void
release(struct sink *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->off = s->cap = 0;
}

/* A sink from sink_new, after sink_stop if it has a fd; never a std one. */
void
sink_free(struct sink *s)
{
	if (s == NULL || !s->heap)
		return;
	release(s);
	free(s);
}

/*
 * Before a sink is written: a closed standard stream is an error; a pipe
 * or socket is written without blocking (enum sink_nowait), so the loop
 * keeps dispatching while a slow reader catches up (corosync would
 * otherwise queue for us without bound); terminals and files are written
 * as usual.
 */
int
sink_start(struct sink *s)
{
	static const char *const std[] = { "input", "output", "error" };
	struct stat st;

	if (s->fd >= 0 && s->fd <= 2 && (std_closed & (1u << s->fd))) {
		warnx("standard %s is closed", std[s->fd]);
		return ST_FAIL;
	}
	if (s->fd >= 0 && fstat(s->fd, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		s->nowait = NW_RWF;
	return ST_OK;
}

/*
 * One write that does not block on a pipe or socket: the bytes taken, or
 * -1 and errno (EAGAIN: none now). Kernels before pipes and sockets took
 * RWF_NOWAIT (EOPNOTSUPP) get send(MSG_DONTWAIT), or, on a pipe, no more
 * than PIPE_BUF when poll says there is room: a pipe with room for one
 * page takes that many without blocking.
 */
static ssize_t
put_fd(struct sink *s, const char *p, size_t n)
{
	struct iovec iov = { .iov_base = (void *)p, .iov_len = n };
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	struct stat st;
	ssize_t w;

	switch (s->nowait) {
	case NW_NONE:
		return write(s->fd, p, n);
	case NW_RWF:
		if ((w = pwritev2(s->fd, &iov, 1, -1, RWF_NOWAIT)) != -1 ||
		    errno != EOPNOTSUPP)
			return w;
		s->nowait = fstat(s->fd, &st) == 0 && S_ISSOCK(st.st_mode) ?
		    NW_SEND : NW_POLL;
		return put_fd(s, p, n);
	case NW_SEND:
		return send(s->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	default:
		if (poll(&pfd, 1, 0) == -1)
			return -1;
		if (!(pfd.revents & (POLLOUT | POLLERR))) {
			errno = EAGAIN;
			return -1;
		}
		return write(s->fd, p, n < PIPE_BUF ? n : PIPE_BUF);
	}
}

/* Nothing pending: a buffer that grew for a burst is given back. */
static void
settle(struct sink *s)
{
	s->gone += s->len;
	s->off = s->len = 0;
	if (s->cap > SINK_CHUNK && !s->fixed) {
		free(s->buf);
		s->buf = NULL;
		s->cap = 0;
	}
}

/*
 * Write what is pending, as much as the fd takes now: 0, or -1 with errno
 * set: a write error (sink_broken tells EPIPE, a reader gone), or ENOMEM
 * once, if output was lost. The caller reports it. A memory sink keeps
 * its bytes (see sink_data).
 */
int
sink_flush(struct sink *s)
{
	if (s->fd >= 0 && s->werr == 0 && put_pending(s) == -1) {
		if (errno == EPIPE)
			s->broken = 1;
		s->werr = errno;
	}
	if (s->werr) {
		s->off = s->len = 0;
		errno = s->werr;
		s->werr = 0;
		return -1;
	}
	if (s->fd >= 0 && s->off == s->len)
		settle(s);
	if (s->error && !s->told) {
		s->told = 1;
		errno = s->error;
		return -1;
	}
	return 0;
}

size_t
sink_pending(const struct sink *s)
{
	return s->len - s->off;
}

int
sink_broken(const struct sink *s)
{
	return s->broken;
}

/* What is pending: a memory sink's contents. */
const char *
sink_data(const struct sink *s, size_t *n)
{
	*n = s->len - s->off;
	return s->buf ? s->buf + s->off : "";
}

/* Forget what is pending: the reader could not take it, or it was read. */
void
sink_drop(struct sink *s)
{
	settle(s);
}

/*
 * Write the rest, blocking now: the exit status, with one line on stderr
 * for a failure not yet told.
 */
int
sink_stop(struct sink *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	int st = ST_OK;

	s->nowait = NW_NONE;
	/* a description made non-blocking by another writer: wait anyway */
	while (s->fd >= 0 && s->werr == 0 && s->off < s->len) {
		if (put_pending(s) == -1) {
			if (errno == EPIPE)
				s->broken = 1;
			s->werr = errno;
		} else if (s->off < s->len)
			(void)poll(&pfd, 1, -1);
	}
	if (s->error && !s->told) {
		warnx("output lost: %s", strerror(s->error));
		s->told = 1;
	}
	if (sink_flush(s) == -1 && !s->broken) {
		warn("write");
		st = ST_FAIL;
	}
	if (s->error)
		st = ST_FAIL;
	if (s->fd >= 0)
		release(s);
	return st;
}

/*
 * A memory sink's bytes as the file DIR/NAME, whole or not at all: they
 * go to a temporary file in DIR, named with a dot first so that a reader
 * of *NAME passes it by, which is then renamed over NAME. A reader that
 * opens NAME at any moment (node_exporter's textfile collector, at each
 * scrape) gets the old file or the new one, never half of one. Mode
 * 0644: that reader is another user. ST_OK, or ST_FAIL said.
 */
int
sink_replace_file(const struct sink *m, const char *dir, const char *name)
{
	char tmp[4096], path[4096];
	const char *p;
	size_t n;
	ssize_t w;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path) || (size_t)snprintf(tmp, sizeof(tmp),
	    "%s/.%s.XXXXXX", dir, name) >= sizeof(tmp)) {
		warnx("'%s': path too long", dir);
		return ST_FAIL;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		warn("cannot create a file in '%s'", dir);
		return ST_FAIL;
	}
	if (m->error) {
		errno = m->error;
		goto fail;
	}
	if (fchmod(fd, 0644) == -1)
		goto fail;
	for (p = sink_data(m, &n); n > 0; p += w, n -= (size_t)w)
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			goto fail;
		}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		warn("cannot rename '%s' to '%s'", tmp, path);
		unlink(tmp);
		return ST_FAIL;
	}
	return ST_OK;
fail:
	warn("cannot write '%s'", tmp);
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return ST_FAIL;
}
