/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --exec: a shell command run for each event, one at a time, in order;
 * see handler.c.
 */

#ifndef HANDLER_H
#define HANDLER_H

#include <stddef.h>

#include "out.h"

struct event;
struct loop;
struct outfmt;
struct handler;

int	 handler_new(struct loop *, const char *, double, size_t,
	    const struct outfmt *, struct handler **);
void	 handler_names(struct handler *, out_name_fn *, void *);
int	 handler_event(struct handler *, const struct event *);
void	 handler_drain(struct handler *, int);
void	 handler_end(struct handler *, int);
void	 handler_free(struct handler *);

#endif
