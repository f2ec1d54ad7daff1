/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An item's fields, each written once for both formats (outitem.c): a
 * renderer describes an item as a sequence of fields, and each field
 * writer puts it as the item's format says, in text (its text prefix,
 * then the value) or in JSON (,"key":value). A NULL key leaves a field
 * out of JSON, a NULL text prefix out of text (iproute2's print_*()
 * with PRINT_ANY, PRINT_JSON and PRINT_FP). For the renderers (out.c)
 * only. The scalar fields are inline here (their keys and prefixes are
 * literals: their lengths known where a renderer is compiled); lists,
 * names and the ring are in outitem.c.
 */

#ifndef OUTITEM_H
#define OUTITEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "sink.h"

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

/* always: a field's key and prefix are literals, folded where it is used */
#define ITEM_INLINE	static inline __attribute__((always_inline))

struct item {
	struct sink	*s;
	int		 json;
	int		 first;		/* JSON: no field since the '{' */
	size_t		 n;		/* values in the list being written */
};

void	 item_ring(struct item *, const char *, const struct cpg_ring_id *);
void	 item_nodename(struct item *, const char *, const struct nodeinfo *);
void	 item_addrs(struct item *, const char *, const struct nodeinfo *);
void	 item_procs(struct item *, const char *, const struct cpg_address *,
	    size_t, int, const struct event *);
void	 item_payload_text(struct sink *, int, const void *, size_t);
int	 item_self(const struct event *, const struct cpg_address *);

ITEM_INLINE void
item_start(struct item *it, struct sink *s, int json)
{
	it->s = s;
	it->json = json;
	it->first = 1;
	it->n = 0;
}

/*
 * An event's head: "TYPE [TIME] " in text, {"type":"TYPE"[,"time":TIME]
 * in JSON; the time when `stamps', t's or (NULL) now.
 */
ITEM_INLINE void
item_open(struct item *it, const struct lit *type, int stamps,
    const struct timespec *t)
{
	struct sink *s = it->s;

	if (it->json)
		sink_lit(s, "{\"type\":\"");
	sink_put(s, type->s, type->n);
	sink_putc(s, it->json ? '"' : ' ');
	if (stamps) {
		if (it->json)
			sink_lit(s, ",\"time\":\"");
		if (t != NULL)
			enc_time(s, t);
		else
			enc_now(s);
		sink_putc(s, it->json ? '"' : ' ');
	}
	it->first = 0;
}

/* An object with no type: JSON's '{' (text has nothing to open). */
ITEM_INLINE void
item_obj(struct item *it)
{
	if (it->json)
		sink_putc(it->s, '{');
	it->first = 1;
}

/* The item's end: a line's in text, the object's and a line's in JSON. */
ITEM_INLINE void
item_close(struct item *it)
{
	if (it->json)
		sink_lit(it->s, "}\n");
	else
		sink_putc(it->s, '\n');
}

/*
 * Whether the format has the field; in text its prefix is written. JSON's
 * key comes from item_jkey, or the comma from item_field.
 */
ITEM_INLINE int
item_want(struct item *it, const char *key, const char *text)
{
	if (it->json)
		return key != NULL;
	if (text == NULL)
		return 0;
	sink_puts(it->s, text);
	return 1;
}

/* The field's start, 0 if the format leaves it out. */
ITEM_INLINE int
item_field(struct item *it, const char *key, const char *text)
{
	if (!item_want(it, key, text))
		return 0;
	if (it->json && !it->first)
		sink_putc(it->s, ',');
	it->first = 0;
	return 1;
}

/* [,]"key": in one run: the hot path of every JSON field */
ITEM_INLINE void
item_jkey(struct item *it, const char *key)
{
	size_t n = strlen(key), c = !it->first;
	char *d;

	it->first = 0;
	if (!sink_reserve(it->s, n + 3 + c))
		return;
	d = sink_tail(it->s);
	d[0] = ',';
	d[c] = '"';
	memcpy(d + c + 1, key, n);
	d[c + 1 + n] = '"';
	d[c + 2 + n] = ':';
	sink_wrote(it->s, n + 3 + c);
}

ITEM_INLINE void
item_u(struct item *it, const char *key, const char *text, uint64_t v)
{
	if (!item_want(it, key, text))
		return;
	if (it->json)
		item_jkey(it, key);
	enc_u(it->s, v);
}

/* A number as a JSON string: above 2^53 most readers would round one. */
ITEM_INLINE void
item_ustr(struct item *it, const char *key, const char *text, uint64_t v)
{
	if (!item_want(it, key, text))
		return;
	if (it->json) {
		item_jkey(it, key);
		sink_putc(it->s, '"');
	}
	enc_u(it->s, v);
	if (it->json)
		sink_putc(it->s, '"');
}

/* A word of ours: nothing to escape. */
ITEM_INLINE void
item_str(struct item *it, const char *key, const char *text,
    const struct lit *l)
{
	if (!item_want(it, key, text))
		return;
	if (it->json) {
		item_jkey(it, key);
		sink_putc(it->s, '"');
	}
	sink_put(it->s, l->s, l->n);
	if (it->json)
		sink_putc(it->s, '"');
}

/* A name's bytes: text's escapes (a space too), or a JSON string. */
ITEM_INLINE void
item_name(struct item *it, const char *key, const char *text,
    const void *p, size_t n)
{
	if (!item_field(it, key, text))
		return;
	if (it->json)
		enc_jbytes(it->s, key, strlen(key), p, n, ENC_TEXT);
	else
		enc_text(it->s, p, n, 1);
}

/* A payload in the --encoding asked for. */
ITEM_INLINE void
item_payload(struct item *it, const char *key, const char *text,
    const void *p, size_t n, int enc)
{
	if (!item_field(it, key, text))
		return;
	if (it->json)
		enc_jbytes(it->s, key, strlen(key), p, n, (enum enc)enc);
	else
		item_payload_text(it->s, enc, p, n);
}

/* true or false in JSON; in text the word for each (NULL: none). */
ITEM_INLINE void
item_bool(struct item *it, const char *key, const char *yes,
    const char *no, int v)
{
	if (!it->json) {
		if (v ? yes != NULL : no != NULL)
			sink_puts(it->s, v ? yes : no);
		return;
	}
	item_jkey(it, key);
	sink_puts(it->s, v ? "true" : "false");
}

/* Only when set: text's word, JSON's "key":true. */
ITEM_INLINE void
item_flag(struct item *it, const char *key, const char *text, int v)
{
	if (!v || !item_want(it, key, text))
		return;
	if (it->json) {
		item_jkey(it, key);
		sink_lit(it->s, "true");
	}
}

/*
 * A list of numbers (item_list_u each): text's prefix and a comma list
 * (- if empty), or ,"key":[N,...].
 */
ITEM_INLINE void
item_list(struct item *it, const char *key, const char *text)
{
	it->n = 0;
	if (item_want(it, key, text) && it->json) {
		item_jkey(it, key);
		sink_putc(it->s, '[');
	}
}

ITEM_INLINE void
item_list_u(struct item *it, uint64_t v)
{
	if (it->n++)
		sink_putc(it->s, ',');
	enc_u(it->s, v);
}

ITEM_INLINE void
item_list_end(struct item *it)
{
	if (it->json)
		sink_putc(it->s, ']');
	else if (it->n == 0)
		sink_putc(it->s, '-');
}

#endif
