/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Input framing for send and join: a message per line, per NUL-ended
 * record, or the whole input as one; messages that span reads, a last
 * one without its terminator, and what each framing does with the other's
 * terminator.
 */

#include <sys/stat.h>

#include <fcntl.h>

#include <stdint.h>

#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "status.h"
#include "util.h"
#include "input.h"
#include "unit.h"

static const char *const modes[] = { "lines", "-0", "--whole" };
static int wfd = -1;		/* the test's end of the pipe on stdin */

/* stdin a fresh pipe, the input framed as mode reading it */
static void
open_pipe(struct input *in, int mode)
{
	int p[2];

	if (pipe(p) == -1 || dup2(p[0], STDIN_FILENO) == -1) {
		perror("pipe");
		exit(99);
	}
	close(p[0]);
	wfd = p[1];
	if (input_open(in, NULL, mode) != ST_OK)
		exit(99);
}

static void
feed(const void *p, size_t n)
{
	if (write(wfd, p, n) != (ssize_t)n) {
		perror("write");
		exit(99);
	}
}

static void
feed_end(void)
{
	close(wfd);
	wfd = -1;
}

/* The messages taken so far, each as "[...]", bytes as they came. */
struct taken {
	char	 buf[1024];
	size_t	 len;
};

/* Read once, and take every whole message into t. */
static int
drain(struct input *in, struct taken *t)
{
	const char *m;
	size_t n;
	int r;

	r = input_read(in);
	while (input_next(in, &m, &n)) {
		if (t->len + n + 2 <= sizeof(t->buf)) {
			t->buf[t->len++] = '[';
			memcpy(t->buf + t->len, m, n);
			t->len += n;
			t->buf[t->len++] = ']';
		}
		input_take(in);
	}
	return r;
}

/*
 * The input (data, len), written whole into the pipe, then its end:
 * the messages framed as mode, "[...]" each, are (want, wlen).
 */
static void
framed(const char *what, int mode, const char *data, size_t len,
    const char *want, size_t wlen)
{
	struct taken t = { .len = 0 };
	struct input in;
	char name[128];

	open_pipe(&in, mode);
	feed(data, len);
	feed_end();
	while (drain(&in, &t) > 0)
		;
	snprintf(name, sizeof(name), "%s: %s", modes[mode], what);
	CHECK_MEM(name, t.buf, t.len, want, wlen);
	CHECK(input_done(&in), "  and done");
	input_close(&in);
}

static void
framings(void)
{
	framed("lines, newline stripped", IN_LINE, BYTES("one\ntwo\n"),
	    BYTES("[one][two]"));
	framed("a last line without newline counts", IN_LINE,
	    BYTES("one\n\nthree\nlast"), BYTES("[one][][three][last]"));
	framed("an empty line is a message", IN_LINE, BYTES("\n"),
	    BYTES("[]"));
	framed("no input: no message", IN_LINE, BYTES(""), BYTES(""));
	framed("CR stays, only LF ends a line", IN_LINE, BYTES("a\r\n"),
	    BYTES("[a\r]"));
	framed("a NUL is part of a line", IN_LINE, BYTES("a\0b\n"),
	    BYTES("[a\0b]"));
	framed("records end with NUL; newlines are theirs", IN_NUL,
	    BYTES("a\nb\0c\0"), BYTES("[a\nb][c]"));
	framed("a last record without NUL counts", IN_NUL, BYTES("a\0b"),
	    BYTES("[a][b]"));
	framed("an empty record", IN_NUL, BYTES("\0"), BYTES("[]"));
	framed("the whole input, NULs and newlines and all", IN_WHOLE,
	    BYTES("x\0y\n"), BYTES("[x\0y\n]"));
	framed("no input: one empty message", IN_WHOLE, BYTES(""),
	    BYTES("[]"));
}

/* After each step, the messages taken so far are want. */
#define STEP(what, want) \
	CHECK_LIT(what, t.buf, t.len, want)

/* Messages that arrive in pieces, one read each. */
static void
spanning(void)
{
	struct taken t = { .len = 0 };
	struct input in;
	const char *m;
	size_t n;

	open_pipe(&in, IN_LINE);
	CHECK(!input_next(&in, &m, &n), "lines: nothing before a read");
	feed("hel", 3);
	drain(&in, &t);
	STEP("lines: half a line is no message", "");
	feed("lo\nwor", 6);
	drain(&in, &t);
	STEP("lines: its end in the next read", "[hello]");
	feed("ld", 2);
	drain(&in, &t);
	STEP("lines: a line over three reads", "[hello]");
	feed("\n!", 2);
	drain(&in, &t);
	STEP("  its newline the first byte of a read", "[hello][world]");
	CHECK(!input_done(&in), "  more may come");
	feed_end();
	while (drain(&in, &t) > 0)
		;
	STEP("  the rest at the end of input", "[hello][world][!]");
	CHECK_INT("  three messages counted", in.count, 3);
	CHECK_STR("  each a line", input_unit(&in), "line");
	input_close(&in);

	t.len = 0;
	open_pipe(&in, IN_NUL);
	feed("a", 1);
	drain(&in, &t);
	feed("b\0c", 3);
	drain(&in, &t);
	STEP("-0: a record over two reads", "[ab]");
	feed_end();
	drain(&in, &t);
	STEP("  then the last one", "[ab][c]");
	CHECK_STR("  each a record", input_unit(&in), "record");
	input_close(&in);

	t.len = 0;
	open_pipe(&in, IN_WHOLE);
	feed("a\n", 2);
	drain(&in, &t);
	STEP("--whole: nothing before the end", "");
	feed("b\0", 2);
	feed_end();
	while (drain(&in, &t) > 0)
		;
	STEP("  then all of it, once", "[a\nb\0]");
	CHECK_STR("  a message", input_unit(&in), "message");
	input_close(&in);
}

/*
 * Lines of several hundred KiB from a file: the buffer grows, and is
 * compacted, under a message that spans many reads.
 */
static void
big(void)
{
	static const size_t sizes[] = { 700000, 1, 0, 300000 };
	char path[] = "/tmp/cpgt-unit.XXXXXX";
	struct input in;
	const char *m;
	size_t i, n, k = 0;
	char *line;
	int fd, ok = 1;

	if ((fd = mkstemp(path)) == -1 || (line = malloc(700001)) == NULL)
		exit(99);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(line, 'a' + (int)i, sizes[i]);
		line[sizes[i]] = '\n';
		if (write(fd, line, sizes[i] + 1) != (ssize_t)sizes[i] + 1)
			exit(99);
	}
	close(fd);
	if (input_open(&in, path, IN_LINE) != ST_OK)
		exit(99);
	do {
		while (input_next(&in, &m, &n)) {
			ok &= k < 4 && n == sizes[k] &&
			    (n == 0 || (m[0] == 'a' + (int)k &&
			    m[n - 1] == 'a' + (int)k));
			k++;
			input_take(&in);
		}
	} while (input_read(&in) > 0);
	while (input_next(&in, &m, &n)) {
		k++;
		input_take(&in);
	}
	CHECK(ok && k == 4, "lines of 700,000, 1, 0 and 300,000 bytes "
	    "from a file (%zu messages)", k);
	CHECK(input_done(&in), "  and done");
	input_close(&in);
	unlink(path);
	free(line);
}

static void
no_file(void)
{
	struct input in;
	int st;

	unit_catch();
	st = input_open(&in, "/nonexistent/file", IN_LINE);
	CHECK_STR("a file that is not there: said", unit_caught(),
	    "cpgtool: cannot open '/nonexistent/file': No such file or "
	    "directory\n");
	CHECK_INT("  status 1", st, ST_FAIL);
}

int
main(void)
{
	framings();
	spanning();
	big();
	no_file();
	return unit_end();
}
