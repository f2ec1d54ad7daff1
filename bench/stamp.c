/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stamp: the COMMAND of the lock hand-over bench. It writes when it
 * started, holds, and writes when it ends, as little as a program can do
 * between exec and its first line: libc only, so the hand-over measured
 * is the lock's and not a shell's start-up.
 *
 *   stamp FILE TAG MS   append "S <usec> TAG" to FILE, sleep MS
 *                       milliseconds, append "E <usec> TAG", exit 0
 */

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void
mark(int fd, char what, const char *tag)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	if (dprintf(fd, "%c %lld%06ld %s\n", what, (long long)t.tv_sec,
	    t.tv_nsec / 1000, tag) < 0)
		err(1, "write");
}

int
main(int argc, char **argv)
{
	struct timespec hold;
	long ms;
	int fd;

	if (argc != 4 || (ms = strtol(argv[3], NULL, 10)) < 0)
		errx(2, "usage: stamp FILE TAG MS");
	if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644)) == -1)
		err(1, "%s", argv[1]);
	mark(fd, 'S', argv[2]);
	hold.tv_sec = ms / 1000;
	hold.tv_nsec = ms % 1000 * 1000000;
	nanosleep(&hold, NULL);
	mark(fd, 'E', argv[2]);
	return 0;
}
