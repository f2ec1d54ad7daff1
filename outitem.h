/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An item's fields, each written once for both formats (outitem.c): a
 * renderer describes an item as a sequence of fields, and each field
 * writer puts it as the item's format says, in text (its text prefix,
 * then the value) or in JSON (,"key":value). A NULL key leaves a field
 * out of JSON, a NULL text prefix out of text (iproute2's print_*()
 * with PRINT_ANY, PRINT_JSON and PRINT_FP). For the renderers (out*.c)
 * only.
 */

#ifndef OUTITEM_H
#define OUTITEM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cpg_address;
struct cpg_ring_id;
struct event;
struct nodeinfo;
struct sink;

/* A string and its length, for what is printed with every event. */
struct lit {
	const char	*s;
	size_t		 n;
};
#define LIT(x)		{ x, sizeof(x) - 1 }

extern const struct lit out_types[];	/* by enum ev_type */
extern const struct lit out_qstates[];	/* by enum qstate */
const char	*out_reason(unsigned);	/* CPG's reason for a confchg */

struct item {
	struct sink	*s;
	int		 json;
	int		 first;		/* JSON: no field since the '{' */
	size_t		 n;		/* values in the list being written */
};

void	 item_start(struct item *, struct sink *, int);
void	 item_open(struct item *, const struct lit *, int,
	    const struct timespec *);
void	 item_obj(struct item *);
void	 item_close(struct item *);
void	 item_u(struct item *, const char *, const char *, uint64_t);
void	 item_ustr(struct item *, const char *, const char *, uint64_t);
void	 item_str(struct item *, const char *, const char *,
	    const struct lit *);
void	 item_name(struct item *, const char *, const char *, const void *,
	    size_t);
void	 item_payload(struct item *, const char *, const char *,
	    const void *, size_t, int);
void	 item_bool(struct item *, const char *, const char *, const char *,
	    int);
void	 item_flag(struct item *, const char *, const char *, int);
void	 item_ring(struct item *, const char *, const struct cpg_ring_id *);
void	 item_nodename(struct item *, const char *, const struct nodeinfo *);
void	 item_addrs(struct item *, const char *, const struct nodeinfo *);
void	 item_procs(struct item *, const char *, const struct cpg_address *,
	    size_t, int, const struct event *);
void	 item_list(struct item *, const char *, const char *);
void	 item_list_u(struct item *, uint64_t);
void	 item_list_end(struct item *);
void	 item_payload_text(struct sink *, int, const void *, size_t);
int	 item_self(const struct event *, const struct cpg_address *);

#endif
