/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GROUPLIST_H
#define GROUPLIST_H

#include <stdint.h>

#include <corosync/cpg.h>

#include <stddef.h>

struct grouplist;

/* One member of one group, as a listing gives them. */
struct gmember {
	struct cpg_name	 group;
	uint32_t	 nodeid;
	uint32_t	 pid;
	size_t		 seq;		/* its place in corosync's list */
};

struct grouplist *grouplist_new(cpg_handle_t);
int	 grouplist_run(struct grouplist *, struct gmember **, size_t *);
int	 grouplist_stuck(const struct grouplist *);
void	 grouplist_free(struct grouplist *);

#endif
