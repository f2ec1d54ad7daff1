/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * corosync's errors: a CS_ERR_* by its name, and a failure of any of
 * corosync's libraries said in one line (with a hint for the usual
 * causes) and mapped to an exit status.
 */

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <corosync/corotypes.h>

#include "cs.h"
#include "status.h"

static const char *const cs_names[] = {
	[CS_OK] = "CS_OK",
	[CS_ERR_LIBRARY] = "CS_ERR_LIBRARY",
	[CS_ERR_VERSION] = "CS_ERR_VERSION",
	[CS_ERR_INIT] = "CS_ERR_INIT",
	[CS_ERR_TIMEOUT] = "CS_ERR_TIMEOUT",
	[CS_ERR_TRY_AGAIN] = "CS_ERR_TRY_AGAIN",
	[CS_ERR_INVALID_PARAM] = "CS_ERR_INVALID_PARAM",
	[CS_ERR_NO_MEMORY] = "CS_ERR_NO_MEMORY",
	[CS_ERR_BAD_HANDLE] = "CS_ERR_BAD_HANDLE",
	[CS_ERR_BUSY] = "CS_ERR_BUSY",
	[CS_ERR_ACCESS] = "CS_ERR_ACCESS",
	[CS_ERR_NOT_EXIST] = "CS_ERR_NOT_EXIST",
	[CS_ERR_NAME_TOO_LONG] = "CS_ERR_NAME_TOO_LONG",
	[CS_ERR_EXIST] = "CS_ERR_EXIST",
	[CS_ERR_NO_SPACE] = "CS_ERR_NO_SPACE",
	[CS_ERR_INTERRUPT] = "CS_ERR_INTERRUPT",
	[CS_ERR_NAME_NOT_FOUND] = "CS_ERR_NAME_NOT_FOUND",
	[CS_ERR_NO_RESOURCES] = "CS_ERR_NO_RESOURCES",
	[CS_ERR_NOT_SUPPORTED] = "CS_ERR_NOT_SUPPORTED",
	[CS_ERR_BAD_OPERATION] = "CS_ERR_BAD_OPERATION",
	[CS_ERR_FAILED_OPERATION] = "CS_ERR_FAILED_OPERATION",
	[CS_ERR_MESSAGE_ERROR] = "CS_ERR_MESSAGE_ERROR",
	[CS_ERR_QUEUE_FULL] = "CS_ERR_QUEUE_FULL",
	[CS_ERR_QUEUE_NOT_AVAILABLE] = "CS_ERR_QUEUE_NOT_AVAILABLE",
	[CS_ERR_BAD_FLAGS] = "CS_ERR_BAD_FLAGS",
	[CS_ERR_TOO_BIG] = "CS_ERR_TOO_BIG",
	[CS_ERR_NO_SECTIONS] = "CS_ERR_NO_SECTIONS",
	[CS_ERR_CONTEXT_NOT_FOUND] = "CS_ERR_CONTEXT_NOT_FOUND",
	[CS_ERR_TOO_MANY_GROUPS] = "CS_ERR_TOO_MANY_GROUPS",
};

const char *
cs_name(int e)
{
	static char buf[32];

	if (e == CS_ERR_SECURITY)
		return "CS_ERR_SECURITY";
	if (e >= 0 && (size_t)e < sizeof(cs_names) / sizeof(cs_names[0]) &&
	    cs_names[e] != NULL)
		return cs_names[e];
	snprintf(buf, sizeof(buf), "CS_ERR_%d", e);
	return buf;
}

/* Report a failure of corosync's libraries in one line; its exit status. */
int
cs_fail(cs_error_t e, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	switch (e) {
	case CS_ERR_LIBRARY:
		warnx("%s: %s (is corosync running?)", what, cs_name(e));
		return ST_CONN;
	case CS_ERR_ACCESS:
	case CS_ERR_SECURITY:
		warnx("%s: %s (allow this user with uidgid in corosync.conf, "
		    "see corosync.conf(5))", what, cs_name(e));
		return ST_ACCESS;
	case CS_ERR_BAD_HANDLE:
		warnx("%s: %s (connection to corosync lost)", what,
		    cs_name(e));
		return ST_CONN;
	default:
		warnx("%s: %s", what, cs_name(e));
		return ST_FAIL;
	}
}

/*
 * For a thread of its own, which has no loop to nap in (loop_nap):
 * after CS_ERR_TRY_AGAIN, wait 1 ms and say 1 (try again), at most max
 * times as counted in *n; 0 for any other result, or once past max.
 */
int
cs_again(cs_error_t e, int *n, int max)
{
	struct timespec ms = { 0, 1000000 };

	if (e != CS_ERR_TRY_AGAIN || ++*n > max)
		return 0;
	nanosleep(&ms, NULL);
	return 1;
}
