/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The renderers (out.c): events, member lists and a lock's news into a
 * sink, as text or JSON as the output options (struct outfmt, fmt.h)
 * say. Nothing else prints an event.
 */

#ifndef OUT_H
#define OUT_H

#include <stddef.h>
#include <stdint.h>

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

int	 out_event(struct sink *, const struct outfmt *, const struct event *);
void	 out_members(struct sink *, const struct outfmt *,
	    const struct cpg_name *, const struct cpg_address *, size_t,
	    const struct nodeinfo *, uint32_t);
void	 out_lock_event(struct sink *, const struct outfmt *, enum lock_ev,
	    const struct cpg_name *, const char *);
void	 out_lock_queue(struct sink *, const struct outfmt *,
	    const struct cpg_name *, unsigned, const struct cpg_address *,
	    size_t, size_t, const struct nodeinfo *);
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

#endif
