/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * votequorum's views of the quorum, one after another: what changed
 * between two of them, as events. No I/O, no clock.
 */

#ifndef QVIEW_H
#define QVIEW_H

#include "event.h"

typedef void	 qview_fn(void *, const struct event *);

void	 qview_events(const struct qview *, const struct qview *,
	    const struct timespec *, int, qview_fn *, void *);

#endif
