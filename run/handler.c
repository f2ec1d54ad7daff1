/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --exec: a shell command run for each event a command would print, one
 * at a time, in the order of the events.
 *
 * Each event is queued as its handler will get it: the JSON line --json
 * prints (its stdin) and the CPGTOOL_* variables (its environment), both
 * rendered by the output layer at once, so an event waiting in the queue
 * is what it was when it came. A big payload is the exception: it is kept
 * as it came, and encoded a chunk at a time as the handler reads its
 * stdin (sink_defer), so that a message costs its own size, not that of
 * its JSON. The queue is bounded by bytes (--max-backlog; an event that
 * goes to its handler at once does not wait): past it, cpgtool says how
 * many events it could not hand over and leaves, never dropping one
 * quietly. proc.c runs the
 * handlers: /bin/sh -c COMMAND, our stdout and stderr, killed with us.
 *
 * A handler that fails, or runs over --exec-timeout and is stopped
 * (SIGTERM, then SIGKILL after EXEC_GRACE), is one line on stderr, and the
 * next event's handler runs. A signal to cpgtool stops the running
 * handler the same way before the loop ends.
 */

#include <err.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "outopt.h"
#include "handler.h"
#include "loop.h"
#include "out.h"
#include "proc.h"
#include "sink.h"
#include "status.h"

#define EXEC_GRACE	(5 * SEC)	/* from SIGTERM to SIGKILL */
/*
 * A big payload that goes to its handler at once is fed from the event's
 * own bytes while the handler reads them; what is left when it takes
 * nothing for this long (ms) is copied and fed from the loop.
 */
#define FEED_STALL	500

/* An event waiting for its handler. */
struct job {
	struct job	*next;
	uint64_t	 seq;		/* the event's number, from 1 */
	size_t		 size;		/* counted against the bound */
	char		*json;		/* all of it, or but the payload */
	size_t		 jsonlen;
	struct sink_later later;	/* the payload, encoded as read */
	char		*data;		/* later's bytes, kept */
	int		 part;		/* of the JSON, read so far */
	size_t		 doff;		/* of data, encoded so far */
	struct sink	*chunk;		/* data's last chunk, encoded */
	char		*envblk;	/* NAME=VALUE\0... */
	char		**env;		/* into envblk, NULL-terminated */
	char		 what[96];	/* "confchg in 'g'", for messages */
};

struct handler {
	struct loop	*loop;
	char		*argv[4];	/* sh -c COMMAND */
	double		 timeout;	/* --exec-timeout; 0: none */
	size_t		 max;		/* bytes queued at most */
	size_t		 queued;
	size_t		 njobs;
	struct job	*head;
	struct job	*tail;
	struct job	*cur;		/* its handler runs */
	struct proc	*p;
	struct timer	 tmo;
	int		 timed_out;
	uint64_t	 seq;
	out_name_fn	*name;
	void		*name_arg;
	const struct outfmt *of;	/* the command's: what is shown */
	struct outfmt	 jf;		/* the same, as --json prints */
	int		 draining;	/* take no more; end once all ran */
	int		 ending;	/* end once the running one is gone */
	int		 end_st;
};

static void	 next_job(struct handler *);

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->json);
	free(j->data);
	sink_free(j->chunk);
	free(j->envblk);
	free(j->env);
	free(j);
}

/* The value of NAME in a job's environment, or NULL. */
static const char *
job_var(const struct job *j, const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = j->env; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* "TYPE in 'GROUP'" or "node NODEID": what an error line names. */
static void
job_what(struct job *j)
{
	const char *type = job_var(j, "CPGTOOL_EVENT");
	const char *group = job_var(j, "CPGTOOL_GROUP");
	const char *node = job_var(j, "CPGTOOL_NODEID");

	if (group != NULL)
		snprintf(j->what, sizeof(j->what), "%s in '%s'", type, group);
	else if (node != NULL && strcmp(type, "node") == 0)
		snprintf(j->what, sizeof(j->what), "node %s", node);
	else
		snprintf(j->what, sizeof(j->what), "%s", type);
}

/* Split the NUL-terminated strings of envblk into j->env. */
static int
job_env(struct job *j, size_t len)
{
	size_t i, n = 0;
	char *p;

	for (i = 0; i < len; i++)
		n += j->envblk[i] == '\0';
	if ((j->env = calloc(n + 1, sizeof(*j->env))) == NULL)
		return -1;
	for (p = j->envblk, i = 0; i < n; i++, p += strlen(p) + 1)
		j->env[i] = p;
	return 0;
}

/* Take a memory sink's bytes, copied. */
static char *
take(struct sink *s, size_t *len)
{
	const char *d = sink_data(s, len);
	char *p;

	if ((p = malloc(*len ? *len : 1)) != NULL)
		memcpy(p, d, *len);
	return p;
}

/*
 * The event, rendered for its handler: 1 and *jp, 0 if the options hide
 * it, -1 (said) if memory ran out.
 */
static int
job_new(struct handler *h, const struct event *ev, struct job **jp)
{
	struct sink *js = sink_new(-1), *es = sink_new(-1);
	struct job *j = NULL;
	size_t envlen = 0;
	int r = -1;

	*jp = NULL;
	if (js == NULL || es == NULL)
		goto done;
	sink_deferring(js);
	/* out_event: 0 if hidden or if memory ran out; the env says which */
	if ((r = out_event_env(es, h->of, ev, h->name, h->name_arg)) != 1)
		goto done;
	r = -1;
	if (!out_event(js, &h->jf, ev))
		goto done;
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->json = take(js, &j->jsonlen)) == NULL ||
	    (j->envblk = take(es, &envlen)) == NULL ||
	    job_env(j, envlen) == -1)
		goto done;
	job_what(j);
	/* its data is the event's until job_keep */
	if (sink_later(js, &j->later)) {
		if ((j->chunk = sink_new(-1)) == NULL)
			goto done;
	}
	j->size = sizeof(*j) + j->jsonlen + envlen + j->later.n;
	*jp = j;
	j = NULL;
	r = 1;
done:
	if (r == -1)
		warnx("--exec: out of memory");
	job_free(j);
	sink_free(js);
	sink_free(es);
	return r;
}

/*
 * What is left of a payload for later is kept: the event's bytes are gone
 * once it has been handed over. The chunks made so far end where a whole
 * encoding's would (enc.c), so the rest is encoded as a run of its own.
 */
static int
job_keep(struct job *j)
{
	struct sink_later *l = &j->later;

	if (l->fill == NULL || j->part > 1 || j->data != NULL)
		return 0;
	l->n -= j->doff;
	if ((j->data = malloc(l->n ? l->n : 1)) == NULL) {
		warnx("--exec: out of memory");
		return -1;
	}
	memcpy(j->data, (const char *)l->data + j->doff, l->n);
	l->data = j->data;
	j->doff = 0;
	return 0;
}

/*
 * The handler's stdin, as it reads it: the JSON up to the payload, the
 * payload a chunk at a time, the rest; 0 at the end.
 */
static size_t
job_read(void *arg, const char **p)
{
	struct job *j = arg;
	struct sink_later *l = &j->later;
	size_t n = 0, at = l->fill != NULL ? l->at : j->jsonlen;

	while (n == 0 && j->part < 3) {
		if (j->part == 0) {
			*p = j->json;
			n = at;
		} else if (j->part == 1 && j->doff < l->n) {
			sink_rewind(j->chunk, 0);
			l->fill(j->chunk, l->kind, l->data, l->n, &j->doff);
			*p = sink_data(j->chunk, &n);
			continue;
		} else if (j->part == 2) {
			*p = j->json + at;
			n = j->jsonlen - at;
		}
		j->part++;
	}
	return n;
}

/* Say what became of an event's handler, unless it went well. */
static void
job_status(struct handler *h, const struct job *j, int status)
{
	if (h->timed_out)
		warnx("handler of event %llu (%s) ran over --exec-timeout "
		    "%g: stopped, status %d", (unsigned long long)j->seq,
		    j->what, h->timeout, status);
	else if (h->ending && status != 0)
		warnx("handler of event %llu (%s) stopped as cpgtool ends: "
		    "status %d", (unsigned long long)j->seq, j->what, status);
	else if (status != 0)
		warnx("handler of event %llu (%s) failed: status %d",
		    (unsigned long long)j->seq, j->what, status);
}

static void
on_done(void *arg, struct proc *p, int status)
{
	struct handler *h = arg;

	(void)p;
	h->p = NULL;
	timer_stop(&h->tmo);
	job_status(h, h->cur, status);
	job_free(h->cur);
	h->cur = NULL;
	h->timed_out = 0;
	next_job(h);
}

static void
on_timeout(struct loop *l, void *arg)
{
	struct handler *h = arg;

	(void)l;
	if (h->p == NULL)
		return;
	h->timed_out = 1;
	proc_stop(h->p);
}

/* Forget what waits, saying how much: the end came before its turn. */
static void
drop_queue(struct handler *h)
{
	struct job *j;

	if (h->njobs > 0)
		warnx("%zu event(s) not handled", h->njobs);
	while ((j = h->head) != NULL) {
		h->head = j->next;
		job_free(j);
	}
	h->tail = NULL;
	h->njobs = 0;
	h->queued = 0;
}

/* Start the next event's handler, if any, or end as asked. */
static void
next_job(struct handler *h)
{
	struct proc_opts o = {
		.argv = h->argv, .kill_after = EXEC_GRACE, .pgroup = 1,
	};
	struct job *j;
	int st;

	if (h->ending) {
		drop_queue(h);
		loop_stop(h->loop, h->end_st);
		return;
	}
	while (h->cur == NULL && (j = h->head) != NULL) {
		h->head = j->next;
		if (h->head == NULL)
			h->tail = NULL;
		h->njobs--;
		h->queued -= j->size;
		o.env = j->env;
		o.in_pull = job_read;
		o.in_arg = j;
		/* ST_NOTFOUND, ST_NOEXEC: no shell to run it, said */
		if ((st = proc_start(h->loop, &o, on_done, h, &h->p)) !=
		    ST_OK) {
			job_status(h, j, st);
			job_free(j);
			continue;
		}
		h->cur = j;
		if (h->timeout > 0)
			timer_in(&h->tmo, (int64_t)(h->timeout * SEC));
	}
	if (h->cur == NULL && h->draining)
		loop_stop(h->loop, h->end_st);
}

/*
 * Stop the running handler (SIGTERM, SIGKILL after EXEC_GRACE), forget
 * the events that wait (said), then end the loop with st.
 */
void
handler_end(struct handler *h, int st)
{
	if (h->ending)
		return;
	h->ending = 1;
	h->end_st = st;
	if (h->p == NULL) {
		next_job(h);
		return;
	}
	drop_queue(h);
	proc_stop(h->p);
}

/*
 * A signal: end as handler_end says, with the signal's status. A second
 * one while the handler is being stopped ends the loop at once (the
 * handler is killed by handler_free).
 */
static void
on_signal(struct loop *l, void *arg, int sig)
{
	struct handler *h = arg;

	if (h->ending)
		loop_stop(l, ST_SIGNAL + sig);
	else
		handler_end(h, ST_SIGNAL + sig);
}

/*
 * Run `cmd' with /bin/sh -c for each event given to handler_event; the
 * loop's signals now end it through here. ST_OK, or ST_FAIL (said).
 */
int
handler_new(struct loop *l, const char *cmd, double timeout, size_t max,
    const struct outfmt *of, struct handler **hp)
{
	struct handler *h;
	size_t i;

	*hp = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		warn("--exec");
		return ST_FAIL;
	}
	h->loop = l;
	h->argv[0] = (char *)"/bin/sh";
	h->argv[1] = (char *)"-c";
	h->argv[2] = (char *)cmd;
	h->timeout = timeout;
	h->max = max;
	h->of = of;
	/* the JSON line --json would print, -T and -e as given */
	h->jf = *of;
	h->jf.json = 1;
	h->jf.format = 0;
	timer_init(l, &h->tmo, on_timeout, h);
	loop_on_signal(l, on_signal, h);
	/* a handler sees our variables only where its event sets them */
	for (i = 0; out_env_names[i] != NULL; i++)
		unsetenv(out_env_names[i]);
	*hp = h;
	return ST_OK;
}

/* With --names: CPGTOOL_NODE_NAME, from fn. */
void
handler_names(struct handler *h, out_name_fn *fn, void *arg)
{
	h->name = fn;
	h->name_arg = arg;
}

/*
 * An event: queued for its handler unless the format options hide it
 * (0) or the handler ends (-1). Over the bound, said, the loop ends with
 * ST_FAIL.
 */
int
handler_event(struct handler *h, const struct event *ev)
{
	struct job *j;
	int r, now;

	if (h->ending || h->draining)
		return -1;
	if ((r = job_new(h, ev, &j)) != 1) {
		if (r == -1)
			handler_end(h, ST_FAIL);
		return r;
	}
	j->seq = ++h->seq;
	/* one that goes to its handler at once does not wait */
	now = h->cur == NULL && h->head == NULL;
	if (h->queued + j->size > h->max && !now) {
		warnx("--exec: %zu events (%zu bytes) wait for the handler, "
		    "over --max-backlog %zu: it is too slow; leaving",
		    h->njobs + 1, h->queued + j->size, h->max);
		job_free(j);
		h->njobs++;	/* counted among those not handled */
		handler_end(h, ST_FAIL);
		return -1;
	}
	if (h->tail != NULL)
		h->tail->next = j;
	else
		h->head = j;
	h->tail = j;
	h->njobs++;
	h->queued += j->size;
	if (now) {
		next_job(h);
		/* gone if no handler could start: said */
		if (h->cur != j)
			return 1;
		if (j->later.fill != NULL)
			proc_feed(h->p, FEED_STALL);
	}
	if (job_keep(j) == -1) {
		handler_end(h, ST_FAIL);
		return -1;
	}
	return 1;
}

/* Take no more events: end the loop with st once every queued one ran. */
void
handler_drain(struct handler *h, int st)
{
	if (h->ending || h->draining)
		return;
	h->draining = 1;
	h->end_st = st;
	if (h->cur == NULL && h->head == NULL)
		loop_stop(h->loop, st);
}

/*
 * After the loop, before it is freed: a handler still running is killed
 * (proc_free), and signals end the loop as before.
 */
void
handler_free(struct handler *h)
{
	if (h == NULL)
		return;
	if (h->p != NULL)
		proc_free(h->p);
	job_free(h->cur);
	h->ending = 1;
	while (h->head != NULL) {
		struct job *j = h->head;

		h->head = j->next;
		job_free(j);
	}
	timer_del(&h->tmo);
	loop_on_signal(h->loop, NULL, NULL);
	free(h);
}
