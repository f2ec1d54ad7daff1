/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * votequorum's views of the quorum, one after another: what changed
 * between two of them, as events. No I/O, no clock.
 */

#ifndef QVIEW_H
#define QVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef void	 qview_fn(void *, const struct event *);

void	 qview_events(const struct qview *, const struct qview *,
	    const struct timespec *, int, qview_fn *, void *);

/*
 * votequorum's settings as the lock reads them (votequorum_getinfo's
 * flags, its quorum, and the votes configured in cmap's nodelist)
 */
struct qsettings {
	int		 two_node;
	int		 last_man_standing;
	int		 allow_downscale;
	uint32_t	 quorum;
	uint32_t	 configured;	/* all votes configured; 0: unknown */
};

int	 qv_unsafe(const struct qsettings *, char *, size_t);

#endif
