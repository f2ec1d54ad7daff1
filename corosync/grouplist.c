/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The group listing (members, top, metrics): every member of every group
 * through libcpg's iteration, on a session's handle, made by a thread of
 * the session's own. A caller of corosync's libraries beside sess.c,
 * whose handle it is handed (HACKING: the corosync layer).
 *
 * Why a thread: a corosync that stops while libcpg's iteration waits for
 * its answer leaves it waiting for ever (libqb's shared-memory ring,
 * sem_wait with no timeout: seen in make check, metrics --watch under
 * ASan as the suite stopped node 3's corosync). The caller waits LIST_WAIT
 * seconds at most and calls the handle lost.
 *
 * Why one thread, kept: top and metrics --watch list every second, for
 * ever, and a thread made and ended for each listing cost more than the
 * listing's own work (clone, a stack mapped, its teardown). The thread
 * waits on a condition between listings and costs nothing then.
 */

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include <corosync/cpg.h>

#include "cs.h"
#include "grouplist.h"
#include "status.h"

#define LIST_WAIT	5	/* seconds: a corosync that answers at all */
#define LIST_TRIES	1000	/* TRY_AGAIN, 1 ms apart */

struct grouplist {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* asked, answered, or quit */
	int		 asked;		/* by the caller: list now */
	int		 answered;	/* by the thread: d and e hold it */
	int		 quit;
	int		 stuck;		/* the thread is the owner now */
	cpg_handle_t	 h;
	cs_error_t	 e;
	struct cpg_iteration_description_t *d;
	size_t		 n, cap;
	int		 nomem;
};

/* One listing into gl->d; only the thread calls it, unlocked. */
static void
list_once(struct grouplist *gl)
{
	struct cpg_iteration_description_t d, *p;
	cpg_iteration_handle_t it;
	int n = 0;

	gl->n = 0;
	gl->nomem = 0;
	while (cs_again(gl->e = cpg_iteration_initialize(gl->h,
	    CPG_ITERATION_ALL, NULL, &it), &n, LIST_TRIES))
		;
	if (gl->e != CS_OK)
		return;
	while ((gl->e = cpg_iteration_next(it, &d)) == CS_OK) {
		if (gl->n == gl->cap) {
			gl->cap = gl->cap ? 2 * gl->cap : 64;
			if ((p = reallocarray(gl->d, gl->cap,
			    sizeof(*p))) == NULL) {
				gl->nomem = 1;
				break;
			}
			gl->d = p;
		}
		gl->d[gl->n++] = d;
	}
	cpg_iteration_finalize(it);
}

static void *
lister(void *arg)
{
	struct grouplist *gl = arg;

	pthread_mutex_lock(&gl->mu);
	for (;;) {
		while (!gl->asked && !gl->quit)
			pthread_cond_wait(&gl->cv, &gl->mu);
		if (gl->quit)
			break;
		gl->asked = 0;
		pthread_mutex_unlock(&gl->mu);
		list_once(gl);
		pthread_mutex_lock(&gl->mu);
		gl->answered = 1;
		/* woken once the mutex is free: it would only wait for it */
		pthread_mutex_unlock(&gl->mu);
		pthread_cond_broadcast(&gl->cv);
		pthread_mutex_lock(&gl->mu);
	}
	pthread_mutex_unlock(&gl->mu);
	return NULL;
}

/* A lister for handle h, its thread started: NULL (said) if it cannot. */
struct grouplist *
grouplist_new(cpg_handle_t h)
{
	struct grouplist *gl;
	pthread_condattr_t ca;
	sigset_t all, old;

	if ((gl = calloc(1, sizeof(*gl))) == NULL) {
		warn("cannot list groups");
		return NULL;
	}
	gl->h = h;
	pthread_mutex_init(&gl->mu, NULL);
	/* the wait is timed on the monotonic clock, as the loop's is */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&gl->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* the loop's signals are the main thread's: none reaches this one */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	errno = pthread_create(&gl->th, NULL, lister, gl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (errno != 0) {
		warn("cannot list groups");
		pthread_cond_destroy(&gl->cv);
		pthread_mutex_destroy(&gl->mu);
		free(gl);
		return NULL;
	}
	return gl;
}

/* Ask the thread, and wait LIST_WAIT s for its answer: ST_OK or ST_CONN. */
static int
ask(struct grouplist *gl)
{
	struct timespec until;
	int e = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += LIST_WAIT;
	pthread_mutex_lock(&gl->mu);
	gl->asked = 1;
	gl->answered = 0;
	pthread_mutex_unlock(&gl->mu);
	pthread_cond_broadcast(&gl->cv);
	pthread_mutex_lock(&gl->mu);
	while (!gl->answered && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&gl->cv, &gl->mu, &until);
	if (!gl->answered)
		gl->stuck = 1;
	pthread_mutex_unlock(&gl->mu);
	return gl->stuck ? ST_CONN : ST_OK;
}

/*
 * Every member of every group, in corosync's order, into *mp (the
 * caller frees it). ST_CONN when corosync did not answer in time: the
 * thread still waits on the handle, which must then not be finalized
 * (grouplist_stuck).
 */
int
grouplist_run(struct grouplist *gl, struct gmember **mp, size_t *np)
{
	struct gmember *m;
	size_t i;

	*mp = NULL;
	*np = 0;
	if (gl->stuck || ask(gl) != ST_OK) {
		warnx("cannot list groups: corosync did not answer in %d s",
		    LIST_WAIT);
		return ST_CONN;
	}
	if (gl->nomem) {
		warnx("cannot list groups: out of memory");
		return ST_FAIL;
	}
	if (gl->e != CS_ERR_NO_SECTIONS)
		return cs_fail(gl->e, "cannot list groups");
	if ((m = calloc(gl->n ? gl->n : 1, sizeof(*m))) == NULL) {
		warn("cannot list groups");
		return ST_FAIL;
	}
	for (i = 0; i < gl->n; i++)
		m[i] = (struct gmember){ gl->d[i].group, gl->d[i].nodeid,
		    gl->d[i].pid, i };
	*mp = m;
	*np = gl->n;
	return ST_OK;
}

/* Is a listing still waiting inside libcpg on the handle? */
int
grouplist_stuck(const struct grouplist *gl)
{
	return gl != NULL && gl->stuck;
}

/*
 * The thread ended and its memory freed; a stuck one is left as it is
 * (it may yet write into gl): the process is ending, or its handle lost.
 */
void
grouplist_free(struct grouplist *gl)
{
	if (gl == NULL)
		return;
	if (gl->stuck) {
		pthread_detach(gl->th);
		return;
	}
	pthread_mutex_lock(&gl->mu);
	gl->quit = 1;
	pthread_cond_broadcast(&gl->cv);
	pthread_mutex_unlock(&gl->mu);
	pthread_join(gl->th, NULL);
	pthread_cond_destroy(&gl->cv);
	pthread_mutex_destroy(&gl->mu);
	free(gl->d);
	free(gl);
}
