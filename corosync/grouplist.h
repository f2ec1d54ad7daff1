/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GROUPLIST_H
#define GROUPLIST_H

#include <stdint.h>

#include <corosync/cpg.h>

struct grouplist;

struct grouplist *grouplist_new(cpg_handle_t);
int	 grouplist_run(struct grouplist *, void (*)(void *,
	    const struct cpg_name *, uint32_t, uint32_t), void *);
int	 grouplist_stuck(const struct grouplist *);
void	 grouplist_free(struct grouplist *);

#endif
