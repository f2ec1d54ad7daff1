/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every group's members, listed by a thread of its own (libcpg's
 * iteration), for sess_groups: the corosync layer (HACKING).
 */

#ifndef GROUPLIST_H
#define GROUPLIST_H

#include <stdint.h>

#include <corosync/cpg.h>

int	 grouplist(cpg_handle_t, void (*)(void *, const struct cpg_name *,
	    uint32_t, uint32_t), void *, int *);

#endif
