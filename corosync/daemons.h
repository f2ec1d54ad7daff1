/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Groups that belong to the cluster's own daemons, and names one NUL
 * away from the group meant (daemons.c).
 */

#ifndef DAEMONS_H
#define DAEMONS_H

#include <stddef.h>

struct cpg_name;
struct event;
struct sess;

const char *daemon_owner(const struct cpg_name *);
int	 daemon_refuse(const struct cpg_name *, int, int);
void	 twin_hint(struct sess *, const struct cpg_name *, size_t, int);
int	 twin_confchg(struct sess *, const struct event *);

#endif
