/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * corosync's errors as the corosync layer (sess.c, nodeinfo.c, quorum.c)
 * says them: each CS_ERR_* by its name, and a failure in one line with
 * the exit status it maps to. Included by the corosync layer alone.
 */

#ifndef CS_H
#define CS_H

#include <corosync/corotypes.h>

const char	*cs_name(int);
int		 cs_fail(cs_error_t, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 cs_again(cs_error_t, int *, int);

#endif
