/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The renderers (out.c): events, member lists and a lock's news into a
 * sink, as text or JSON as the output options (struct outfmt, outopt.h)
 * say. Nothing else prints an event.
 */

#ifndef OUT_H
#define OUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cpg_address;
struct cpg_name;
struct event;
struct nodeinfo;
struct outfmt;
struct qview;
struct sink;

/* What happened to a lock, for out_lock_event. */
enum lock_ev {
	LOCK_WAITING,
	LOCK_ACQUIRED,
	LOCK_RELEASED,
	LOCK_LOST,
};

/* A reply to ask, for out_reply. */
struct reply {
	struct timespec	 time;		/* CLOCK_REALTIME, at receipt */
	uint32_t	 nodeid;
	uint32_t	 pid;
	const struct nodeinfo *ni;	/* --names, or NULL */
	int		 status;
	int		 cut;		/* at the server's --max-reply */
	const void	*data;
	size_t		 len;
};

/* What serve did with a request, for out_served. */
enum served {
	SERVED_REPLY,
	SERVED_SKIP,
	SERVED_BUSY,
	SERVED_CANCEL,
};

struct askp_counts;

int	 out_event(struct sink *, const struct outfmt *, const struct event *);
void	 out_members(struct sink *, const struct outfmt *,
	    const struct cpg_name *, const struct cpg_address *, size_t,
	    const struct nodeinfo *, uint32_t);
void	 out_lock_event(struct sink *, const struct outfmt *, enum lock_ev,
	    const struct cpg_name *, const char *);
void	 out_lock_queue(struct sink *, const struct outfmt *,
	    const struct cpg_name *, unsigned, const struct cpg_address *,
	    size_t, size_t, const struct nodeinfo *);
void	 out_lock_event_token(struct sink *, const struct outfmt *,
	    enum lock_ev, const struct cpg_name *, const char *, uint64_t);
void	 out_lock_queue_token(struct sink *, const struct outfmt *,
	    const struct cpg_name *, unsigned, const struct cpg_address *,
	    size_t, size_t, const struct nodeinfo *, const uint64_t *);
void	 out_quorum(struct sink *, const struct outfmt *, const struct qview *,
	    const struct nodeinfo *);

/*
 * An event's environment for an --exec handler (NAME=VALUE\0...), node
 * names from an out_name_fn: a node's name or NULL, valid until the
 * next call. out_env_names: every NAME it may set.
 */
typedef const char *out_name_fn(void *, uint32_t);
extern const char *const out_env_names[];
int	 out_event_env(struct sink *, const struct outfmt *,
	    const struct event *, out_name_fn *, void *);
void	 out_reply(struct sink *, const struct outfmt *,
	    const struct cpg_name *, const struct reply *);
void	 out_served(struct sink *, enum served, const char *, int, size_t,
	    int, double);
void	 out_ask_summary(struct sink *, const struct askp_counts *,
	    const char *);

#endif
