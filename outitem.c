/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An item's fields, each written once for both formats: the renderers
 * (out.c) describe what an item holds, a field at a time, and a field
 * writer here puts it as text (the field's text prefix, then its value)
 * or as JSON (,"key":value: the comma only after the first field of an
 * object). A NULL key: not in JSON; a NULL text prefix: not in text.
 * The escaping is enc.c's; nothing here knows an event's layout.
 */

#include <string.h>

#include "addr.h"
#include "enc.h"
#include "event.h"
#include "outitem.h"
#include "sink.h"

const struct lit out_types[] = {
	[EV_MESSAGE] = LIT("message"), [EV_CONFCHG] = LIT("confchg"),
	[EV_TOTEM] = LIT("totem"), [EV_GAP] = LIT("gap"),
	[EV_MEMBERS] = LIT("members"), [EV_QUORATE] = LIT("quorate"),
	[EV_INQUORATE] = LIT("inquorate"), [EV_NODE] = LIT("node"),
};
const struct lit out_qstates[] = {
	[QS_MEMBER] = LIT("member"), [QS_DEAD] = LIT("dead"),
	[QS_LEAVING] = LIT("leaving"),
};

const char *
out_reason(unsigned r)
{
	static const char *const reasons[] = {
		"undefined", "join", "leave", "nodedown", "nodeup", "procdown",
	};

	return r < 6 ? reasons[r] : "undefined";
}

/* Whether a is the process that `own' is this process's event. */
int
item_self(const struct event *own, const struct cpg_address *a)
{
	return own != NULL && addr_eq(ADDR_OF(a), ADDR_SELF(own));
}

/* A payload as --encoding says, in text. */
void
item_payload_text(struct sink *s, int enc, const void *data, size_t n)
{
	if (enc == ENC_HEX)
		enc_hex(s, data, n);
	else if (enc == ENC_BASE64)
		enc_base64(s, data, n);
	else
		enc_text(s, data, n, 0);
}

void
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
void
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
void
item_obj(struct item *it)
{
	if (it->json)
		sink_putc(it->s, '{');
	it->first = 1;
}

/* The item's end: a line's in text, the object's and a line's in JSON. */
void
item_close(struct item *it)
{
	if (it->json)
		sink_lit(it->s, "}\n");
	else
		sink_putc(it->s, '\n');
}

/* The field's start, 0 if the format leaves it out. */
static int
field(struct item *it, const char *key, const char *text)
{
	if (!it->json) {
		if (text == NULL)
			return 0;
		sink_puts(it->s, text);
		return 1;
	}
	if (key == NULL)
		return 0;
	if (!it->first)
		sink_putc(it->s, ',');
	it->first = 0;
	return 1;
}

/* "key": */
static void
jkey(struct item *it, const char *key)
{
	sink_putc(it->s, '"');
	sink_puts(it->s, key);
	sink_lit(it->s, "\":");
}

void
item_u(struct item *it, const char *key, const char *text, uint64_t v)
{
	if (!field(it, key, text))
		return;
	if (it->json)
		jkey(it, key);
	enc_u(it->s, v);
}

/* A number as a JSON string: above 2^53 most readers would round one. */
void
item_ustr(struct item *it, const char *key, const char *text, uint64_t v)
{
	if (!field(it, key, text))
		return;
	if (it->json) {
		jkey(it, key);
		sink_putc(it->s, '"');
	}
	enc_u(it->s, v);
	if (it->json)
		sink_putc(it->s, '"');
}

/* A word of ours: nothing to escape. */
void
item_str(struct item *it, const char *key, const char *text,
    const struct lit *l)
{
	if (!field(it, key, text))
		return;
	if (it->json) {
		jkey(it, key);
		sink_putc(it->s, '"');
	}
	sink_put(it->s, l->s, l->n);
	if (it->json)
		sink_putc(it->s, '"');
}

/* A name's bytes: text's escapes (a space too), or a JSON string. */
void
item_name(struct item *it, const char *key, const char *text,
    const void *p, size_t n)
{
	if (!field(it, key, text))
		return;
	if (it->json)
		enc_jbytes(it->s, key, strlen(key), p, n, ENC_TEXT);
	else
		enc_text(it->s, p, n, 1);
}

/* A payload in the --encoding asked for. */
void
item_payload(struct item *it, const char *key, const char *text,
    const void *p, size_t n, int enc)
{
	if (!field(it, key, text))
		return;
	if (it->json)
		enc_jbytes(it->s, key, strlen(key), p, n, (enum enc)enc);
	else
		item_payload_text(it->s, enc, p, n);
}

/* true or false in JSON; in text the word for each (NULL: none). */
void
item_bool(struct item *it, const char *key, const char *yes,
    const char *no, int v)
{
	if (!it->json) {
		if (v ? yes != NULL : no != NULL)
			sink_puts(it->s, v ? yes : no);
		return;
	}
	field(it, key, NULL);
	jkey(it, key);
	sink_puts(it->s, v ? "true" : "false");
}

/* Only when set: text's word, JSON's "key":true. */
void
item_flag(struct item *it, const char *key, const char *text, int v)
{
	if (!v || !field(it, key, text))
		return;
	if (it->json) {
		jkey(it, key);
		sink_lit(it->s, "true");
	}
}

/* A ring id: ring=NODEID.SEQ as corosync logs it; in JSON an object. */
void
item_ring(struct item *it, const char *text, const struct cpg_ring_id *r)
{
	struct sink *s = it->s;

	if (!field(it, "ring_id", text))
		return;
	if (!it->json) {
		sink_lit(s, "ring=");
		enc_xnum(s, r->nodeid);
		sink_putc(s, '.');
		enc_xnum(s, r->seq);
		return;
	}
	sink_lit(s, "\"ring_id\":{\"nodeid\":");
	enc_u(s, r->nodeid);
	sink_lit(s, ",\"seq\":");
	enc_u(s, r->seq);
	sink_putc(s, '}');
}

/* A node's name: text (- if unknown), or a JSON string (null). */
void
item_nodename(struct item *it, const char *text, const struct nodeinfo *ni)
{
	struct sink *s = it->s;
	size_t m;

	if (!field(it, "name", text))
		return;
	if (!it->json) {
		if (ni->name[0])
			enc_text(s, ni->name, strlen(ni->name), 1);
		else
			sink_putc(s, '-');
		return;
	}
	jkey(it, "name");
	m = sink_mark(s);
	sink_putc(s, '"');
	if (ni->name[0] && enc_jstr(s, ni->name, strlen(ni->name)))
		sink_putc(s, '"');
	else {
		sink_rewind(s, m);
		sink_lit(s, "null");
	}
}

/*
 * A node's addresses: numeric, from getnameinfo, nothing to escape;
 * text's comma list (- if none), or a JSON array of strings.
 */
void
item_addrs(struct item *it, const char *text, const struct nodeinfo *ni)
{
	struct sink *s = it->s;
	const char *p, *q;

	if (!field(it, "addrs", text))
		return;
	if (!it->json) {
		sink_puts(s, ni->addrs[0] ? ni->addrs : "-");
		return;
	}
	sink_lit(s, "\"addrs\":[");
	for (p = ni->addrs; *p; p = *q ? q + 1 : q) {
		q = strchrnul(p, ',');
		if (p != ni->addrs)
			sink_putc(s, ',');
		sink_putc(s, '"');
		sink_put(s, p, (size_t)(q - p));
		sink_putc(s, '"');
	}
	sink_putc(s, ']');
}

/*
 * Processes, without `hide''s own: " key=N:P[:REASON],..." or " key=-"
 * in text, ,"key":[{"nodeid":N,"pid":P[,"reason":R]},...] in JSON.
 */
void
item_procs(struct item *it, const char *key, const struct cpg_address *a,
    size_t n, int reason, const struct event *hide)
{
	struct sink *s = it->s;
	size_t i, c = 0;

	if (it->json) {
		field(it, key, NULL);
		jkey(it, key);
		sink_putc(s, '[');
	} else {
		sink_putc(s, ' ');
		sink_puts(s, key);
		sink_putc(s, '=');
	}
	for (i = 0; i < n; i++) {
		if (item_self(hide, &a[i]))
			continue;
		if (c++)
			sink_putc(s, ',');
		sink_puts(s, it->json ? "{\"nodeid\":" : "");
		enc_u(s, a[i].nodeid);
		sink_puts(s, it->json ? ",\"pid\":" : ":");
		enc_u(s, a[i].pid);
		if (reason) {
			sink_puts(s, it->json ? ",\"reason\":\"" : ":");
			sink_puts(s, out_reason(a[i].reason));
		}
		if (it->json)
			sink_puts(s, reason ? "\"}" : "}");
	}
	if (it->json)
		sink_putc(s, ']');
	else if (c == 0)
		sink_putc(s, '-');
}

/*
 * A list of numbers (item_list_u each): text's prefix and a comma list
 * (- if empty), or ,"key":[N,...].
 */
void
item_list(struct item *it, const char *key, const char *text)
{
	it->n = 0;
	if (field(it, key, text) && it->json) {
		jkey(it, key);
		sink_putc(it->s, '[');
	}
}

void
item_list_u(struct item *it, uint64_t v)
{
	if (it->n++)
		sink_putc(it->s, ',');
	enc_u(it->s, v);
}

void
item_list_end(struct item *it)
{
	if (it->json)
		sink_putc(it->s, ']');
	else if (it->n == 0)
		sink_putc(it->s, '-');
}
