/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The group listing (members, watch --all-groups, top, metrics): every
 * member of every group through libcpg's iteration, made by a thread of
 * its own so that a corosync that stops answering costs a few seconds,
 * not the command. A caller of corosync's libraries beside sess.c, whose
 * handle it is handed (HACKING: the corosync layer).
 */

#include <err.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <corosync/cpg.h>

#include "cs.h"
#include "grouplist.h"
#include "status.h"

/*
 * A listing of every group's members, made by a thread of its own: a
 * corosync that stops while libcpg's iteration waits for its answer
 * leaves it waiting for ever (libqb's shared-memory ring, sem_wait with
 * no timeout: seen in make check, metrics --watch under ASan as the
 * suite stopped node 3's corosync). The thread owns this struct.
 */
#define LIST_WAIT	5	/* seconds: a corosync that answers at all */
#define LIST_TRIES	1000	/* TRY_AGAIN, 1 ms apart */

struct listing {
	cpg_handle_t	 h;
	cs_error_t	 e;
	struct cpg_iteration_description_t *d;
	size_t		 n, cap;
	int		 nomem;
};

static void *
list_groups(void *arg)
{
	struct cpg_iteration_description_t d, *p;
	struct listing *ls = arg;
	cpg_iteration_handle_t it;
	int n = 0;

	while (cs_again(ls->e = cpg_iteration_initialize(ls->h,
	    CPG_ITERATION_ALL, NULL, &it), &n, LIST_TRIES))
		;
	if (ls->e != CS_OK)
		return NULL;
	while ((ls->e = cpg_iteration_next(it, &d)) == CS_OK) {
		if (ls->n == ls->cap) {
			ls->cap = ls->cap ? 2 * ls->cap : 64;
			if ((p = reallocarray(ls->d, ls->cap,
			    sizeof(*p))) == NULL) {
				ls->nomem = 1;
				break;
			}
			ls->d = p;
		}
		ls->d[ls->n++] = d;
	}
	cpg_iteration_finalize(it);
	return NULL;
}

/*
 * Every member of every group, through handle h: fn is called for each
 * member, in corosync's order. *stuck is set when corosync did not
 * answer in time (the thread still waits on h: h must not be finalized).
 */
int
grouplist(cpg_handle_t h, void (*fn)(void *, const struct cpg_name *,
    uint32_t, uint32_t), void *arg, int *stuck)
{
	struct listing *ls;
	struct timespec until;
	pthread_t th;
	size_t i;
	int err;

	if ((ls = calloc(1, sizeof(*ls))) == NULL) {
		warn("cannot list groups");
		return ST_FAIL;
	}
	ls->h = h;
	if (pthread_create(&th, NULL, list_groups, ls) != 0)
		list_groups(ls);
	else {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += LIST_WAIT;
		if ((err = pthread_timedjoin_np(th, NULL, &until)) != 0) {
			/* it may still write into ls: both are left to it */
			pthread_detach(th);
			*stuck = 1;
			warnx("cannot list groups: corosync did not answer "
			    "in %d s", LIST_WAIT);
			return ST_CONN;
		}
	}
	err = ST_OK;
	if (ls->nomem) {
		warnx("cannot list groups: out of memory");
		err = ST_FAIL;
	} else if (ls->e != CS_ERR_NO_SECTIONS)
		err = cs_fail(ls->e, "cannot list groups");
	else
		for (i = 0; i < ls->n; i++)
			fn(arg, &ls->d[i].group, ls->d[i].nodeid,
			    ls->d[i].pid);
	free(ls->d);
	free(ls);
	return err;
}
