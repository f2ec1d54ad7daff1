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

/* A ring id: ring=NODEID.SEQ as corosync logs it; in JSON an object. */
void
item_ring(struct item *it, const char *text, const struct cpg_ring_id *r)
{
	struct sink *s = it->s;

	if (!item_field(it, "ring_id", text))
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

	if (!item_want(it, "name", text))
		return;
	if (!it->json) {
		if (ni->name[0])
			enc_text(s, ni->name, strlen(ni->name), 1);
		else
			sink_putc(s, '-');
		return;
	}
	item_jkey(it, "name");
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

	if (!item_field(it, "addrs", text))
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
		item_jkey(it, key);
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
		if (it->json)
			sink_lit(s, "{\"nodeid\":");
		enc_u(s, a[i].nodeid);
		if (it->json)
			sink_lit(s, ",\"pid\":");
		else
			sink_putc(s, ':');
		enc_u(s, a[i].pid);
		if (reason) {
			if (it->json)
				sink_lit(s, ",\"reason\":\"");
			else
				sink_putc(s, ':');
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
