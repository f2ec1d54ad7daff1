/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD shim for the tests: cpg_mcast_joined answers
 * CS_ERR_TRY_AGAIN to all but every CPGT_TRYAGAIN-th call, as corosync
 * does under flow control, which a test cluster on one host never shows
 * on demand. With CPGT_FAULTS=FILE it appends a byte to FILE for each
 * fault: 't' for a TRY_AGAIN it made up, 'i' for a CS_ERR_INTERRUPT
 * corosync gave (a fragmented message cut short by a membership change),
 * so that a test can show the fault it is about did happen. Built by the
 * tests that use it (tests/cluster/lock.bats, tests/cluster/send.bats).
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <corosync/cpg.h>

typedef cs_error_t mcast_fn(cpg_handle_t, cpg_guarantee_t,
    const struct iovec *, unsigned int);

static void
fault(char c)
{
	const char *path = getenv("CPGT_FAULTS");
	int fd;

	if (path == NULL || (fd = open(path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644)) == -1)
		return;
	(void)!write(fd, &c, 1);
	close(fd);
}

cs_error_t
cpg_mcast_joined(cpg_handle_t h, cpg_guarantee_t g, const struct iovec *iov,
    unsigned int n)
{
	static mcast_fn *real;
	static unsigned long calls;
	const char *every = getenv("CPGT_TRYAGAIN");
	unsigned long k = every != NULL ? strtoul(every, NULL, 10) : 0;
	cs_error_t e;

	if (real == NULL && (real = (mcast_fn *)dlsym(RTLD_NEXT,
	    "cpg_mcast_joined")) == NULL)
		return CS_ERR_LIBRARY;
	if (k > 1 && ++calls % k != 0) {
		fault('t');
		return CS_ERR_TRY_AGAIN;
	}
	if ((e = real(h, g, iov, n)) == CS_ERR_INTERRUPT)
		fault('i');
	return e;
}
