/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD shim for the tests: cpg_mcast_joined answers
 * CS_ERR_TRY_AGAIN to all but every CPGT_TRYAGAIN-th call, as corosync
 * does under flow control, which a test cluster on one host never shows
 * on demand. Built by the tests that use it (tests/lock.bats).
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include <corosync/cpg.h>

typedef cs_error_t mcast_fn(cpg_handle_t, cpg_guarantee_t,
    const struct iovec *, unsigned int);

cs_error_t
cpg_mcast_joined(cpg_handle_t h, cpg_guarantee_t g, const struct iovec *iov,
    unsigned int n)
{
	static mcast_fn *real;
	static unsigned long calls;
	const char *every = getenv("CPGT_TRYAGAIN");
	unsigned long k = every != NULL ? strtoul(every, NULL, 10) : 0;

	if (real == NULL && (real = (mcast_fn *)dlsym(RTLD_NEXT,
	    "cpg_mcast_joined")) == NULL)
		return CS_ERR_LIBRARY;
	if (k > 1 && ++calls % k != 0)
		return CS_ERR_TRY_AGAIN;
	return real(h, g, iov, n);
}
