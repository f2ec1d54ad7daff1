/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * baseline: the smallest sensible libcpg client, the yardstick bench/run
 * measures cpgtool against. It does what a careful hand-written client
 * would do and nothing more: no options, no output, no signal handling.
 *
 *   baseline send GROUP COUNT SIZE   multicast COUNT messages of SIZE bytes,
 *                                    exit once every one came back
 *   baseline recv GROUP COUNT        exit after COUNT delivered messages
 *   baseline once GROUP              join, send one message, wait for it,
 *                                    leave
 *   baseline hold PREFIX K           join groups PREFIX0 .. PREFIX<K-1> (one
 *                                    handle each) and stay until stdin ends
 *   baseline list MS                 list every group's members every MS
 *                                    milliseconds, joining none, until
 *                                    killed (what an outsider must do to
 *                                    see groups change: top, metrics)
 */

#include <err.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/cpg.h>

static uint64_t	delivered;	/* messages delivered, own or not */
static uint64_t	own;		/* own messages delivered */
static uint32_t	mypid;

static void
deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid,
    uint32_t pid, void *msg, size_t len)
{
	(void)h, (void)g, (void)nodeid, (void)msg, (void)len;
	delivered++;
	/* one process per node in every benchmark: the pid is enough */
	if (pid == mypid)
		own++;
}

static void
confchg(cpg_handle_t h, const struct cpg_name *g,
    const struct cpg_address *m, size_t nm, const struct cpg_address *l,
    size_t nl, const struct cpg_address *j, size_t nj)
{
	(void)h, (void)g, (void)m, (void)nm, (void)l, (void)nl, (void)j;
	(void)nj;
}

static cpg_callbacks_t callbacks = { deliver, confchg };

static void
group_name(struct cpg_name *g, const char *s)
{
	size_t n = strlen(s);

	if (n > CPG_MAX_NAME_LENGTH)
		errx(2, "group name too long: %s", s);
	memcpy(g->value, s, n);
	g->length = (uint32_t)n;
}

static unsigned long
number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0')
		errx(2, "not a number: %s", s);
	return v;
}

static cpg_handle_t
open_join(const struct cpg_name *g, int *fd)
{
	cpg_handle_t h;
	cs_error_t e;

	while ((e = cpg_initialize(&h, &callbacks)) == CS_ERR_TRY_AGAIN)
		usleep(1000);
	if (e != CS_OK)
		errx(3, "cpg_initialize: %d", e);
	while ((e = cpg_join(h, g)) == CS_ERR_TRY_AGAIN)
		usleep(1000);
	if (e != CS_OK)
		errx(3, "cpg_join: %d", e);
	if (fd != NULL && cpg_fd_get(h, fd) != CS_OK)
		errx(3, "cpg_fd_get");
	return h;
}

/* Block until the handle's fd is readable, then dispatch what is there. */
static void
wait_dispatch(cpg_handle_t h, int fd, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	cs_error_t e;

	if (poll(&pfd, 1, ms) == -1)
		err(1, "poll");
	e = cpg_dispatch(h, CS_DISPATCH_ALL);
	if (e != CS_OK && e != CS_ERR_TRY_AGAIN)
		errx(3, "cpg_dispatch: %d", e);
}

/*
 * Send with flow control honoured: on CS_ERR_TRY_AGAIN, take in what
 * corosync has for us (at most 1 ms of waiting) and try again. On
 * CS_ERR_INTERRUPT the group changed while a fragmented message was on
 * its way, and corosync dropped it: send it again.
 */
static void
mcast(cpg_handle_t h, int fd, void *buf, size_t len)
{
	struct iovec iov = { buf, len };
	cs_error_t e;

	while ((e = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1)) ==
	    CS_ERR_TRY_AGAIN || e == CS_ERR_INTERRUPT)
		wait_dispatch(h, fd, 1);
	if (e != CS_OK)
		errx(3, "cpg_mcast_joined: %d", e);
}

static void
finish(cpg_handle_t h, const struct cpg_name *g)
{
	cpg_leave(h, g);
	cpg_finalize(h);
}

static void
do_send(const struct cpg_name *g, unsigned long count, size_t size)
{
	struct pollfd pfd = { -1, POLLIN, 0 };
	cpg_handle_t h;
	unsigned long i;
	char *buf;
	int fd;

	if ((buf = malloc(size ? size : 1)) == NULL)
		err(1, NULL);
	memset(buf, 'x', size);
	h = open_join(g, &fd);
	pfd.fd = fd;
	/*
	 * Take in our own deliveries while sending, or big messages stall
	 * (1 MiB: 18 MB/s instead of 50). Looking every 64 small messages,
	 * not after each: a poll per 64-byte message cost a fifth of the
	 * rate. This was the fastest of the variants tried.
	 */
	for (i = 0; i < count; i++) {
		mcast(h, fd, buf, size);
		if ((i % 64 == 63 || size >= 65536) && poll(&pfd, 1, 0) == 1 &&
		    cpg_dispatch(h, CS_DISPATCH_ALL) != CS_OK)
			errx(3, "cpg_dispatch");
	}
	while (own < count)
		wait_dispatch(h, fd, -1);
	finish(h, g);
	free(buf);
}

static void
do_recv(const struct cpg_name *g, unsigned long count)
{
	cpg_handle_t h;
	int fd;

	h = open_join(g, &fd);
	while (delivered < count)
		wait_dispatch(h, fd, -1);
	finish(h, g);
}

static void
do_once(const struct cpg_name *g)
{
	char msg[] = "msg";
	cpg_handle_t h;
	int fd;

	h = open_join(g, &fd);
	mcast(h, fd, msg, sizeof(msg) - 1);
	while (own < 1)
		wait_dispatch(h, fd, -1);
	finish(h, g);
}

static void
do_hold(const char *prefix, unsigned long k)
{
	struct cpg_name g;
	cpg_handle_t *h;
	char name[CPG_MAX_NAME_LENGTH + 32];
	unsigned long i;
	char c;

	if ((h = calloc(k, sizeof(*h))) == NULL)
		err(1, NULL);
	for (i = 0; i < k; i++) {
		snprintf(name, sizeof(name), "%s%lu", prefix, i);
		group_name(&g, name);
		h[i] = open_join(&g, NULL);
	}
	/* joined: tell the script, then wait for it to close our stdin */
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	for (i = 0; i < k; i++)
		cpg_finalize(h[i]);
	free(h);
}

static void
do_list(unsigned long ms)
{
	struct cpg_iteration_description_t d;
	cpg_iteration_handle_t it;
	cpg_callbacks_t cb = { 0 };
	cpg_handle_t h;

	if (cpg_initialize(&h, &cb) != CS_OK)
		errx(1, "cpg_initialize failed");
	for (;;) {
		if (cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL,
		    &it) != CS_OK)
			errx(1, "cpg_iteration_initialize failed");
		while (cpg_iteration_next(it, &d) == CS_OK)
			;
		cpg_iteration_finalize(it);
		poll(NULL, 0, (int)ms);
	}
}

int
main(int argc, char **argv)
{
	struct cpg_name g;

	mypid = (uint32_t)getpid();
	if (argc < 3)
		errx(2, "usage: baseline send|recv|once|hold|list ...");
	if (strcmp(argv[1], "list") == 0 && argc == 3)
		do_list(number(argv[2]));
	if (strcmp(argv[1], "hold") == 0 && argc == 4) {
		do_hold(argv[2], number(argv[3]));
		return 0;
	}
	group_name(&g, argv[2]);
	if (strcmp(argv[1], "send") == 0 && argc == 5)
		do_send(&g, number(argv[3]), number(argv[4]));
	else if (strcmp(argv[1], "recv") == 0 && argc == 4)
		do_recv(&g, number(argv[3]));
	else if (strcmp(argv[1], "once") == 0 && argc == 3)
		do_once(&g);
	else
		errx(2, "usage: baseline send|recv|once|hold|list ...");
	return 0;
}
