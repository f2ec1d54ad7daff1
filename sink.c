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

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink.h"
#include "status.h"
#include "util.h"

static struct sink stdsinks[] = {
	{ .fd = STDOUT_FILENO, .oldfl = -1 },
	{ .fd = STDERR_FILENO, .oldfl = -1 },
};
struct sink *const sink_stdout = &stdsinks[0];
struct sink *const sink_stderr = &stdsinks[1];

/*
 * A buffer's first size; once drained, a buffer that grew past it for a
 * burst or a big message is given back. sess.c dispatches well under it.
 */
#define SINK_CHUNK	65536

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
 * Every item (an event, a member list) is begun and ended: one that lost
 * bytes for want of memory is taken back whole, never printed cut short,
 * and once a sink has lost output nothing more goes in.
 */
int
sink_begin_item(struct sink *s, size_t *m)
{
	/* also: buf is allocated, so an empty put never copies to NULL */
	if (s->error || !sink_reserve(s, 1))
		return 0;
	*m = sink_mark(s);
	return 1;
}

int
sink_end_item(struct sink *s, size_t m)
{
	if (s->error == 0)
		return 1;
	sink_rewind(s, m);
	return 0;
}

/* A sink on fd, or in memory if fd is -1; NULL if out of memory. */
struct sink *
sink_new(int fd)
{
	struct sink *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = fd;
	s->oldfl = -1;
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
		.buf = buf, .cap = cap, .fd = -1, .oldfl = -1, .fixed = 1,
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
 * or socket is written without blocking, so the loop keeps dispatching
 * while a slow reader catches up (corosync would otherwise queue for us
 * without bound); terminals and files are written as usual.
 */
int
sink_start(struct sink *s)
{
	static const char *const std[] = { "input", "output", "error" };
	struct stat st;
	int fl;

	if (s->fd >= 0 && s->fd <= 2 && (std_closed & (1u << s->fd))) {
		warnx("standard %s is closed", std[s->fd]);
		return ST_FAIL;
	}
	if (s->fd < 0 || fstat(s->fd, &st) == -1 ||
	    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return ST_OK;
	if ((fl = fcntl(s->fd, F_GETFL)) == -1 ||
	    fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return ST_OK;
	s->oldfl = fl;
	return ST_OK;
}

/* Nothing pending: a buffer that grew for a burst is given back. */
static void
settle(struct sink *s)
{
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
	ssize_t n;

	while (s->fd >= 0 && s->off < s->len) {
		n = write(s->fd, s->buf + s->off, s->len - s->off);
		if (n >= 0) {
			s->off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		if (errno == EPIPE)
			s->broken = 1;
		s->off = s->len = 0;
		return -1;
	}
	if (s->fd >= 0)
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
 * Write the rest (blocking now) and restore the fd's flags: the exit
 * status, with one line on stderr for a failure not yet told.
 */
int
sink_stop(struct sink *s)
{
	int st = ST_OK;

	if (s->oldfl != -1)
		fcntl(s->fd, F_SETFL, s->oldfl);
	s->oldfl = -1;
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
