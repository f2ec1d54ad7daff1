/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message framing for send and join: a message per line (newline
 * stripped), per NUL-terminated record, or all of the input as one (or
 * the MESSAGE arguments, one each). Reading never blocks the loop: the
 * loop reads only when poll says so. And the pump, which hands the
 * messages to a session as fast as corosync takes them.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "input.h"
#include "loop.h"
#include "sess.h"
#include "status.h"
#include "util.h"

/*
 * The least room a read is given (it gets all the buffer has, at first
 * twice this): on a busy machine every syscall is a chance to be
 * scheduled out, and 64 KiB reads cost send 5-7% of its rate against a
 * client that reads nothing (bench/run, 8 KiB messages).
 */
#define CHUNK	(256 * 1024)

/*
 * A message over corosync's limit is refused as soon as that is known,
 * before gigabytes of it are buffered: its size ahead for --whole from a
 * regular file, else once the unterminated part outgrows the limit.
 */
static int
too_big(const struct input *in, off_t size)
{
	if ((uint64_t)size <= MSG_MAX)
		return 0;
	warnx("%s %lu of %s is over corosync's limit of %zu bytes",
	    input_unit(in), in->count + 1, in->name, MSG_MAX);
	return 1;
}

/* The message being read has no end yet and is already too big. */
static int
unterminated_too_big(const struct input *in)
{
	size_t from = in->scan > in->off ? in->scan : in->off;

	if (in->len - in->off <= MSG_MAX)
		return 0;
	/* before `from' input_next found no terminator */
	if (in->mode != IN_WHOLE && memchr(in->buf + from,
	    in->mode == IN_NUL ? '\0' : '\n', in->len - from) != NULL)
		return 0;
	return too_big(in, (off_t)(in->len - in->off));
}

int
input_open(struct input *in, const char *file, int mode)
{
	struct stat st;

	memset(in, 0, sizeof(*in));
	in->mode = mode;
	in->fd = STDIN_FILENO;
	in->name = "standard input";
	if ((file == NULL || strcmp(file, "-") == 0) &&
	    (std_closed & (1u << STDIN_FILENO))) {
		warnx("standard input is closed");
		return ST_FAIL;
	}
	if (file != NULL && strcmp(file, "-") != 0) {
		if ((in->fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
			warn("cannot open '%s'", file);
			return ST_FAIL;
		}
		in->name = file;
	}
	if (mode == IN_WHOLE && fstat(in->fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && too_big(in, st.st_size)) {
		input_close(in);
		return ST_FAIL;
	}
	return ST_OK;
}

/* The messages are these strings: nothing to read. */
void
input_args(struct input *in, char *const *args, size_t n)
{
	memset(in, 0, sizeof(*in));
	in->mode = IN_ARGS;
	in->fd = -1;
	in->eof = 1;
	in->name = "arguments";
	in->args = args;
	in->nargs = n;
}

void
input_close(struct input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in->buf);
	in->buf = NULL;
}

/*
 * One read(2): 0 at end of input; -1, said, on a read error, out of
 * memory, or a message over corosync's limit; else 1, whether data came
 * or none was there yet (EAGAIN: the loop polls again).
 */
int
input_read(struct input *in)
{
	size_t cap;
	ssize_t n;
	char *p;

	if (in->off > 0 && in->cap - in->len < CHUNK) {
		memmove(in->buf, in->buf + in->off, in->len - in->off);
		in->len -= in->off;
		in->scan = in->scan > in->off ? in->scan - in->off : 0;
		in->off = 0;
	}
	if (in->cap - in->len < CHUNK) {
		cap = in->cap ? in->cap * 2 : CHUNK * 2;
		if ((p = realloc(in->buf, cap)) == NULL) {
			warn("reading %s", in->name);
			return -1;
		}
		in->buf = p;
		in->cap = cap;
	}
	do
		n = read(in->fd, in->buf + in->len, in->cap - in->len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN)
			return 1;
		warn("reading %s", in->name);
		return -1;
	}
	if (n == 0) {
		in->eof = 1;
		return 0;
	}
	in->len += (size_t)n;
	return unterminated_too_big(in) ? -1 : 1;
}

/* The next whole message, if one is buffered; it stays until input_take. */
int
input_next(struct input *in, const char **msg, size_t *len)
{
	char *p;

	if (in->mode == IN_ARGS) {
		if (in->count == in->nargs)
			return 0;
		*msg = in->args[in->count];
		*len = strlen(*msg);
		return 1;
	}
	if (in->mode == IN_WHOLE) {
		if (!in->eof || in->done)
			return 0;
		*msg = in->buf ? in->buf : "";
		*len = in->len;
		in->next = in->len;
		return 1;
	}
	/* nothing read yet: the pump may ask before the first read */
	if (in->buf == NULL)
		return 0;
	if (in->scan < in->off)
		in->scan = in->off;
	p = memchr(in->buf + in->scan, in->mode == IN_NUL ? '\0' : '\n',
	    in->len - in->scan);
	if (p != NULL) {
		*msg = in->buf + in->off;
		*len = (size_t)(p - *msg);
		in->next = (size_t)(p - in->buf) + 1;
		return 1;
	}
	in->scan = in->len;
	/* a last message without its terminator still counts */
	if (in->eof && in->off < in->len) {
		*msg = in->buf + in->off;
		*len = in->len - in->off;
		in->next = in->len;
		return 1;
	}
	return 0;
}

void
input_take(struct input *in)
{
	in->off = in->next;
	in->count++;
	if (in->mode == IN_WHOLE)
		in->done = 1;
}

/* All input read and every message taken. */
int
input_done(const struct input *in)
{
	if (in->mode == IN_WHOLE)
		return in->done;
	if (in->mode == IN_ARGS)
		return in->count == in->nargs;
	return in->eof && in->off == in->len;
}

/* What one message is called in an error: the line, record, message N. */
const char *
input_unit(const struct input *in)
{
	return in->mode == IN_LINE ? "line" : in->mode == IN_NUL ? "record" :
	    in->mode == IN_ARGS ? "argument" : "message";
}

/*
 * Hand every whole message buffered to the session, as long as nothing
 * waits in its queue; then read only if nothing does. Messages left
 * here wait in our buffer, and input in its pipe: a sender faster than
 * corosync is held back, not buffered without end.
 */
static void
pump_send(struct pump *p)
{
	const char *m;
	size_t n;
	int st;

	while (sess_queued(p->s) == 0 && input_next(p->in, &m, &n)) {
		if ((st = sess_send(p->s, m, n)) != ST_OK) {
			loop_stop(p->loop, st);
			return;
		}
		input_take(p->in);
	}
	if (p->watched && p->in->eof) {
		loop_fd_del(p->loop, p->in->fd);
		p->watched = 0;
	} else if (p->watched)
		loop_fd_events(p->loop, p->in->fd,
		    sess_queued(p->s) == 0 ? POLLIN : 0);
	if (input_done(p->in) && p->ended != NULL)
		p->ended(p->arg);
}

static void
on_input(struct loop *l, void *arg, short revents)
{
	struct pump *p = arg;

	(void)revents;
	if (input_read(p->in) == -1)
		loop_stop(l, ST_FAIL);
	else
		pump_send(p);
}

/*
 * Attach input to a session. Nothing is read or sent before pump_go:
 * input waits in its pipe until the command is ready to send.
 */
void
pump_init(struct pump *p, struct input *in, struct loop *l, struct sess *s,
    void (*ended)(void *), void *arg)
{
	*p = (struct pump){ .in = in, .loop = l, .s = s, .ended = ended,
	    .arg = arg };
}

/* Send, and read: at first, and whenever the session's queue drained. */
void
pump_go(struct pump *p)
{
	if (!p->going && p->in->fd >= 0) {
		if (loop_fd(p->loop, p->in->fd, POLLIN, on_input, p) != ST_OK) {
			loop_stop(p->loop, ST_FAIL);
			return;
		}
		p->watched = 1;
	}
	p->going = 1;
	pump_send(p);
}
