/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The renderers: the only code that knows the text and JSON formats. An
 * event, a member list or a lock's news goes into a sink (sink.c) as
 * one item, escaped by the encoders (enc.c), as the output options
 * (outopt.c) say.
 *
 * Names and payloads are bytes with a length: they may hold NULs, invalid
 * UTF-8 or terminal control sequences, and neither format lets any of that
 * through raw. Nothing here exits: output lost for want of memory is
 * reported when the sink is flushed or stopped, so the caller can leave
 * its groups first.
 */

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "askp.h"
#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "out.h"
#include "sink.h"

static const char *const reasons[] = {
	"undefined", "join", "leave", "nodedown", "nodeup", "procdown",
};

/* A string and its length, for what is printed with every event. */
struct lit {
	const char	*s;
	size_t		 n;
};
#define LIT(x)		{ x, sizeof(x) - 1 }

static const struct lit types[] = {
	[EV_MESSAGE] = LIT("message"), [EV_CONFCHG] = LIT("confchg"),
	[EV_TOTEM] = LIT("totem"), [EV_GAP] = LIT("gap"),
	[EV_MEMBERS] = LIT("members"), [EV_QUORATE] = LIT("quorate"),
	[EV_INQUORATE] = LIT("inquorate"), [EV_NODE] = LIT("node"),
};
static const struct lit qstates[] = {
	[QS_MEMBER] = LIT("member"), [QS_DEAD] = LIT("dead"),
	[QS_LEAVING] = LIT("leaving"),
};
static const struct lit lock_types[] = {
	[LOCK_WAITING] = LIT("waiting"), [LOCK_ACQUIRED] = LIT("acquired"),
	[LOCK_RELEASED] = LIT("released"), [LOCK_LOST] = LIT("lost"),
};

static void
put_lit(struct sink *s, const struct lit *l)
{
	sink_put(s, l->s, l->n);
}

static void
put_payload(struct sink *s, enum enc enc, const void *data, size_t n)
{
	if (enc == ENC_HEX)
		enc_hex(s, data, n);
	else if (enc == ENC_BASE64)
		enc_base64(s, data, n);
	else
		enc_text(s, data, n, 0);
}

/* Whether a is the process that `own' is this process's event. */
static int
is_self(const struct event *own, const struct cpg_address *a)
{
	return own != NULL && addr_eq(ADDR_OF(a), ADDR_SELF(own));
}

static size_t
count_others(const struct event *ev, const struct cpg_address *a, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += !is_self(ev, &a[i]);
	return c;
}

/* key=N:P[:REASON],... or key=-, without `hide''s own process. */
static void
text_list(struct sink *s, const char *key, const struct cpg_address *a,
    size_t n, int reason, const struct event *hide)
{
	size_t i, c = 0;

	sink_putc(s, ' ');
	sink_puts(s, key);
	sink_putc(s, '=');
	for (i = 0; i < n; i++) {
		if (is_self(hide, &a[i]))
			continue;
		if (c++)
			sink_putc(s, ',');
		enc_u(s, a[i].nodeid);
		sink_putc(s, ':');
		enc_u(s, a[i].pid);
		if (reason) {
			sink_putc(s, ':');
			sink_puts(s, a[i].reason < 6 ? reasons[a[i].reason] :
			    "undefined");
		}
	}
	if (c == 0)
		sink_putc(s, '-');
}

static void
json_list(struct sink *s, const char *key, const struct cpg_address *a,
    size_t n, int reason, const struct event *hide)
{
	size_t i, c = 0;

	sink_lit(s, ",\"");
	sink_puts(s, key);
	sink_lit(s, "\":[");
	for (i = 0; i < n; i++) {
		if (is_self(hide, &a[i]))
			continue;
		if (c++)
			sink_putc(s, ',');
		sink_lit(s, "{\"nodeid\":");
		enc_u(s, a[i].nodeid);
		sink_lit(s, ",\"pid\":");
		enc_u(s, a[i].pid);
		if (reason) {
			sink_lit(s, ",\"reason\":\"");
			sink_puts(s, a[i].reason < 6 ? reasons[a[i].reason] :
			    "undefined");
			sink_putc(s, '"');
		}
		sink_putc(s, '}');
	}
	sink_putc(s, ']');
}

/* A ring id: ring=NODEID.SEQ as corosync logs it; in JSON an object. */
static void
text_ring(struct sink *s, uint32_t nodeid, uint64_t seq)
{
	sink_lit(s, "ring=");
	enc_xnum(s, nodeid);
	sink_putc(s, '.');
	enc_xnum(s, seq);
}

static void
json_ring_id(struct sink *s, uint32_t nodeid, uint64_t seq)
{
	sink_lit(s, "\"ring_id\":{\"nodeid\":");
	enc_u(s, nodeid);
	sink_lit(s, ",\"seq\":");
	enc_u(s, seq);
	sink_putc(s, '}');
}

/* totem ring=NODEID.SEQ members=N,... */
static void
text_totem(struct sink *s, const struct event *ev)
{
	size_t i;

	text_ring(s, ev->ring.nodeid, ev->ring.seq);
	sink_lit(s, " members=");
	for (i = 0; i < ev->nnodes; i++) {
		if (i)
			sink_putc(s, ',');
		enc_u(s, ev->nodes[i]);
	}
	if (ev->nnodes == 0)
		sink_putc(s, '-');
}

static void text_nodename(struct sink *, const struct nodeinfo *);
static void json_nodename(struct sink *, const struct nodeinfo *);
static void json_addrs(struct sink *, const struct nodeinfo *);

/*
 * votequorum's view. A node: "NODEID state=S votes=V [name=N addrs=A]
 * [local]" in text; the verdict: "ring=R expected=E total=T quorum=Q
 * members=N,...". In JSON the same, as numbers, strings and arrays.
 */
static void
text_node(struct sink *s, const struct qview *v, const struct qnode *n,
    const struct nodeinfo *ni)
{
	enc_u(s, n->nodeid);
	sink_lit(s, " state=");
	put_lit(s, &qstates[n->state]);
	sink_lit(s, " votes=");
	enc_u(s, n->votes);
	if (ni != NULL) {
		sink_lit(s, " name=");
		text_nodename(s, ni);
		sink_lit(s, " addrs=");
		sink_puts(s, ni->addrs[0] ? ni->addrs : "-");
	}
	if (n->nodeid == v->nodeid)
		sink_lit(s, " local");
}

static size_t
count_qmembers(const struct qview *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nnodes; i++)
		n += v->nodes[i].state == QS_MEMBER;
	return n;
}

static void
text_verdict(struct sink *s, const struct qview *v)
{
	size_t i, c = 0;

	text_ring(s, v->ring.nodeid, v->ring.seq);
	sink_lit(s, " expected=");
	enc_u(s, v->expected);
	sink_lit(s, " total=");
	enc_u(s, v->total);
	sink_lit(s, " quorum=");
	enc_u(s, v->quorum);
	sink_lit(s, " members=");
	for (i = 0; i < v->nnodes; i++) {
		if (v->nodes[i].state != QS_MEMBER)
			continue;
		if (c++)
			sink_putc(s, ',');
		enc_u(s, v->nodes[i].nodeid);
	}
	if (c == 0)
		sink_putc(s, '-');
}

static void
text_quorum(struct sink *s, const struct event *ev)
{
	if (ev->type == EV_NODE)
		text_node(s, ev->quorum, ev->node, ev->name);
	else
		text_verdict(s, ev->quorum);
	if (ev->unordered)
		sink_lit(s, " unordered");
}

static void
json_node(struct sink *s, const struct qview *v, const struct qnode *n,
    const struct nodeinfo *ni)
{
	sink_lit(s, "\"nodeid\":");
	enc_u(s, n->nodeid);
	sink_lit(s, ",\"state\":\"");
	put_lit(s, &qstates[n->state]);
	sink_lit(s, "\",\"votes\":");
	enc_u(s, n->votes);
	if (ni != NULL) {
		json_nodename(s, ni);
		json_addrs(s, ni);
	}
	sink_puts(s, n->nodeid == v->nodeid ? ",\"local\":true" :
	    ",\"local\":false");
}

static void
json_ring(struct sink *s, const struct qview *v)
{
	json_ring_id(s, v->ring.nodeid, v->ring.seq);
	sink_lit(s, ",\"expected_votes\":");
	enc_u(s, v->expected);
}

static void
json_verdict(struct sink *s, const struct qview *v)
{
	size_t i, c = 0;

	json_ring(s, v);
	sink_lit(s, ",\"total_votes\":");
	enc_u(s, v->total);
	sink_lit(s, ",\"quorum\":");
	enc_u(s, v->quorum);
	sink_lit(s, ",\"members\":[");
	for (i = 0; i < v->nnodes; i++) {
		if (v->nodes[i].state != QS_MEMBER)
			continue;
		if (c++)
			sink_putc(s, ',');
		enc_u(s, v->nodes[i].nodeid);
	}
	sink_putc(s, ']');
}

static void
json_quorum(struct sink *s, const struct event *ev)
{
	sink_putc(s, ',');
	if (ev->type == EV_NODE)
		json_node(s, ev->quorum, ev->node, ev->name);
	else
		json_verdict(s, ev->quorum);
	if (ev->unordered)
		sink_lit(s, ",\"unordered\":true");
}

/*
 * The quorum as cpgtool quorum prints it: in text, the verdict's line
 * ("quorate" or "inquorate") and a line per configured node, as the
 * events of quorum --watch; in JSON one object. `ni': a name for each
 * node of the view, or NULL.
 */
void
out_quorum(struct sink *s, const struct outfmt *f, const struct qview *v,
    const struct nodeinfo *ni)
{
	size_t i, m;

	if (!sink_begin_item(s, &m))
		return;
	if (!f->json) {
		sink_puts(s, v->quorate ? "quorate " : "inquorate ");
		text_verdict(s, v);
		sink_putc(s, '\n');
		for (i = 0; i < v->nnodes; i++) {
			sink_lit(s, "node ");
			text_node(s, v, &v->nodes[i], ni ? &ni[i] : NULL);
			sink_putc(s, '\n');
		}
		sink_end_item(s, m);
		return;
	}
	sink_puts(s, v->quorate ? "{\"quorate\":true," : "{\"quorate\":false,");
	sink_lit(s, "\"nodeid\":");
	enc_u(s, v->nodeid);
	sink_putc(s, ',');
	json_ring(s, v);
	sink_lit(s, ",\"highest_expected\":");
	enc_u(s, v->highest);
	sink_lit(s, ",\"total_votes\":");
	enc_u(s, v->total);
	sink_lit(s, ",\"quorum\":");
	enc_u(s, v->quorum);
	sink_lit(s, ",\"nodes\":[");
	for (i = 0; i < v->nnodes; i++) {
		sink_puts(s, i ? ",{" : "{");
		json_node(s, v, &v->nodes[i], ni ? &ni[i] : NULL);
		sink_putc(s, '}');
	}
	sink_lit(s, "]}\n");
	sink_end_item(s, m);
}

static void
text_event(struct sink *s, const struct outfmt *f, const struct event *ev)
{
	/* the member list is the truth; only joined/left hide us */
	const struct event *hide = f->exclude_self ? ev : NULL;

	put_lit(s, &types[ev->type]);
	sink_putc(s, ' ');
	if (f->stamps) {
		enc_time(s, &ev->time);
		sink_putc(s, ' ');
	}
	if (ev->type == EV_TOTEM) {
		text_totem(s, ev);
		sink_putc(s, '\n');
		return;
	}
	if (ev->quorum != NULL) {
		text_quorum(s, ev);
		sink_putc(s, '\n');
		return;
	}
	enc_text(s, ev->group->value, ev->group->length, 1);
	switch (ev->type) {
	case EV_MESSAGE:
		sink_putc(s, ' ');
		enc_u(s, ev->nodeid);
		sink_putc(s, ' ');
		enc_u(s, ev->pid);
		sink_putc(s, ' ');
		enc_u(s, ev->len);
		sink_putc(s, ' ');
		put_payload(s, f->enc, ev->data, ev->len);
		break;
	case EV_CONFCHG:
	case EV_MEMBERS:
		text_list(s, "members", ev->members, ev->nmembers, 0, NULL);
		text_list(s, "joined", ev->joined, ev->njoined,
		    ev->type == EV_CONFCHG, hide);
		text_list(s, "left", ev->left, ev->nleft,
		    ev->type == EV_CONFCHG, hide);
		break;
	default:
		break;
	}
	sink_putc(s, '\n');
}

static void
json_totem(struct sink *s, const struct event *ev)
{
	size_t i;

	sink_putc(s, ',');
	json_ring_id(s, ev->ring.nodeid, ev->ring.seq);
	sink_lit(s, ",\"members\":[");
	for (i = 0; i < ev->nnodes; i++) {
		if (i)
			sink_putc(s, ',');
		enc_u(s, ev->nodes[i]);
	}
	sink_putc(s, ']');
}

static void
json_event(struct sink *s, const struct outfmt *f, const struct event *ev)
{
	const struct event *hide = f->exclude_self ? ev : NULL;

	sink_lit(s, "{\"type\":\"");
	put_lit(s, &types[ev->type]);
	sink_putc(s, '"');
	if (f->stamps) {
		sink_lit(s, ",\"time\":\"");
		enc_time(s, &ev->time);
		sink_putc(s, '"');
	}
	if (ev->type == EV_TOTEM) {
		json_totem(s, ev);
		sink_lit(s, "}\n");
		return;
	}
	if (ev->quorum != NULL) {
		json_quorum(s, ev);
		sink_lit(s, "}\n");
		return;
	}
	sink_putc(s, ',');
	enc_jbytes(s, KEY("group"), ev->group->value, ev->group->length,
	    ENC_TEXT);
	if (ev->type == EV_MESSAGE) {
		sink_lit(s, ",\"nodeid\":");
		enc_u(s, ev->nodeid);
		sink_lit(s, ",\"pid\":");
		enc_u(s, ev->pid);
		sink_lit(s, ",\"size\":");
		enc_u(s, ev->len);
		sink_putc(s, ',');
		enc_jbytes(s, KEY("payload"), ev->data, ev->len, f->enc);
	} else if (ev->type != EV_GAP) {
		json_list(s, "members", ev->members, ev->nmembers, 0, NULL);
		json_list(s, "joined", ev->joined, ev->njoined,
		    ev->type == EV_CONFCHG, hide);
		json_list(s, "left", ev->left, ev->nleft,
		    ev->type == EV_CONFCHG, hide);
	}
	sink_lit(s, "}\n");
}

/* A message as --format says: the compiled tokens, walked. */
static void
format_event(struct sink *s, const struct outfmt *f, const struct event *ev)
{
	const struct tok *t;

	for (t = f->tok; t < f->tok + f->ntok; t++) {
		switch (t->kind) {
		case TK_LIT:
			sink_put(s, t->lit, t->len);
			break;
		case TK_GROUP:
			enc_text(s, ev->group->value, ev->group->length, 1);
			break;
		case TK_NODEID:
			enc_u(s, ev->nodeid);
			break;
		case TK_PID:
			enc_u(s, ev->pid);
			break;
		case TK_PAYLOAD:
			/* a peer's bytes are no control sequence to a terminal */
			if (f->tty)
				enc_text(s, ev->data, ev->len, 0);
			else
				sink_put(s, ev->data, ev->len);
			break;
		case TK_RAW:
			sink_put(s, ev->data, ev->len);
			break;
		case TK_SIZE:
			enc_u(s, ev->len);
			break;
		case TK_HEX:
			enc_hex(s, ev->data, ev->len);
			break;
		case TK_TYPE:
			put_lit(s, &types[ev->type]);
			break;
		case TK_TIME:
			enc_time(s, &ev->time);
			break;
		}
	}
}

/* Whether --events and --exclude-self let an event through. */
static int
shown(const struct outfmt *f, const struct event *ev)
{
	static const unsigned mask[] = {
		[EV_MESSAGE] = EVM_MESSAGE, [EV_CONFCHG] = EVM_CONFCHG,
		[EV_TOTEM] = EVM_TOTEM,
	};

	if (ev->type <= EV_TOTEM && !(f->events & mask[ev->type]))
		return 0;
	if (!f->exclude_self)
		return 1;
	if (ev->type == EV_MESSAGE)
		return ev->nodeid != ev->self_nodeid || ev->pid != ev->self_pid;
	if (ev->type == EV_CONFCHG)
		return count_others(ev, ev->joined, ev->njoined) > 0 ||
		    count_others(ev, ev->left, ev->nleft) > 0;
	return 1;
}

/* Print an event unless the options hide it; 1 if it went into s. */
int
out_event(struct sink *s, const struct outfmt *f, const struct event *ev)
{
	size_t m;

	if (!shown(f, ev) || !sink_begin_item(s, &m))
		return 0;
	if (f->format && ev->type == EV_MESSAGE)
		format_event(s, f, ev);
	else if (f->json)
		json_event(s, f, ev);
	else
		text_event(s, f, ev);
	return sink_end_item(s, m);
}

/* A node's name: text (- if unknown), or a JSON string (null). */
static void
text_nodename(struct sink *s, const struct nodeinfo *ni)
{
	if (ni->name[0])
		enc_text(s, ni->name, strlen(ni->name), 1);
	else
		sink_putc(s, '-');
}

static void
json_nodename(struct sink *s, const struct nodeinfo *ni)
{
	size_t m;

	sink_lit(s, ",\"name\":");
	m = sink_mark(s);
	sink_putc(s, '"');
	if (ni->name[0] && enc_jstr(s, ni->name, strlen(ni->name)))
		sink_putc(s, '"');
	else {
		sink_rewind(s, m);
		sink_lit(s, "null");
	}
}

static void
text_member(struct sink *s, const struct cpg_name *g,
    const struct cpg_address *a, const struct nodeinfo *ni, uint32_t local)
{
	enc_text(s, g->value, g->length, 1);
	sink_putc(s, ' ');
	enc_u(s, a->nodeid);
	sink_putc(s, ' ');
	enc_u(s, a->pid);
	if (ni != NULL) {
		sink_putc(s, ' ');
		text_nodename(s, ni);
		sink_putc(s, ' ');
		sink_puts(s, ni->addrs[0] ? ni->addrs : "-");
		sink_puts(s, a->nodeid == local ? " local" : " -");
	}
	sink_putc(s, '\n');
}

/* ,"addrs":[...]: numeric addresses from getnameinfo, nothing to escape */
static void
json_addrs(struct sink *s, const struct nodeinfo *ni)
{
	const char *p, *q;

	sink_lit(s, ",\"addrs\":[");
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

static void
json_member(struct sink *s, const struct cpg_address *a,
    const struct nodeinfo *ni, uint32_t local)
{
	sink_lit(s, "{\"nodeid\":");
	enc_u(s, a->nodeid);
	sink_lit(s, ",\"pid\":");
	enc_u(s, a->pid);
	if (ni != NULL) {
		json_nodename(s, ni);
		json_addrs(s, ni);
		sink_puts(s, a->nodeid == local ? ",\"local\":true" :
		    ",\"local\":false");
	}
	sink_putc(s, '}');
}

/* A group's members: a line each in text, one object in JSON. */
void
out_members(struct sink *s, const struct outfmt *f, const struct cpg_name *g,
    const struct cpg_address *a, size_t n, const struct nodeinfo *ni,
    uint32_t local)
{
	size_t i, m;

	if (!sink_begin_item(s, &m))
		return;
	if (!f->json) {
		for (i = 0; i < n; i++)
			text_member(s, g, &a[i], ni ? &ni[i] : NULL, local);
		sink_end_item(s, m);
		return;
	}
	sink_putc(s, '{');
	enc_jbytes(s, KEY("group"), g->value, g->length, ENC_TEXT);
	sink_lit(s, ",\"members\":[");
	for (i = 0; i < n; i++) {
		if (i)
			sink_putc(s, ',');
		json_member(s, &a[i], ni ? &ni[i] : NULL, local);
	}
	sink_lit(s, "]}\n");
	sink_end_item(s, m);
}

static void
text_lock_event(struct sink *s, const struct outfmt *f, enum lock_ev type,
    const struct cpg_name *lock, const char *reason, uint64_t token)
{
	put_lit(s, &lock_types[type]);
	sink_putc(s, ' ');
	if (f->stamps) {
		enc_now(s);
		sink_putc(s, ' ');
	}
	enc_text(s, lock->value, lock->length, 1);
	if (token != 0) {
		sink_putc(s, ' ');
		enc_u(s, token);
	}
	if (reason != NULL) {
		sink_putc(s, ' ');
		enc_text(s, reason, strlen(reason), 1);
	}
	sink_putc(s, '\n');
}

static void
json_lock_event(struct sink *s, const struct outfmt *f, enum lock_ev type,
    const struct cpg_name *lock, const char *reason, uint64_t token)
{
	sink_lit(s, "{\"type\":\"");
	put_lit(s, &lock_types[type]);
	sink_putc(s, '"');
	if (f->stamps) {
		sink_lit(s, ",\"time\":\"");
		enc_now(s);
		sink_putc(s, '"');
	}
	sink_putc(s, ',');
	enc_jbytes(s, KEY("lock"), lock->value, lock->length,
	    ENC_TEXT);
	/* a string: above 2^53 most JSON readers would round a number */
	if (token != 0) {
		sink_lit(s, ",\"token\":\"");
		enc_u(s, token);
		sink_putc(s, '"');
	}
	if (reason != NULL) {
		sink_putc(s, ',');
		enc_jbytes(s, KEY("reason"), reason, strlen(reason),
		    ENC_TEXT);
	}
	sink_lit(s, "}\n");
}

/*
 * What happened to a lock: "TYPE [TIME] NAME [REASON]" in text, and
 * {"type":TYPE,["time":TIME,]"lock":NAME[,"reason":REASON]} in JSON; the
 * time (now) with --timestamps, as for events. REASON may be NULL.
 */
void
out_lock_event(struct sink *s, const struct outfmt *f, enum lock_ev type,
    const struct cpg_name *lock, const char *reason)
{
	out_lock_event_token(s, f, type, lock, reason, 0);
}

/*
 * ... and with a holder's fencing token (not 0): "acquired [TIME] NAME
 * TOKEN" in text, ,"token":"TOKEN" after "lock" in JSON.
 */
void
out_lock_event_token(struct sink *s, const struct outfmt *f,
    enum lock_ev type, const struct cpg_name *lock, const char *reason,
    uint64_t token)
{
	size_t m;

	if (!sink_begin_item(s, &m))
		return;
	if (f->json)
		json_lock_event(s, f, type, lock, reason, token);
	else
		text_lock_event(s, f, type, lock, reason, token);
	sink_end_item(s, m);
}

/* "holder NODEID PID [TOKEN] [NAME]", "waiter NODEID PID [NAME]" */
static void
text_queue(struct sink *s, const struct cpg_address *a, size_t n,
    size_t nholders, const struct nodeinfo *ni, const uint64_t *tok)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sink_puts(s, i < nholders ? "holder " : "waiter ");
		enc_u(s, a[i].nodeid);
		sink_putc(s, ' ');
		enc_u(s, a[i].pid);
		if (tok != NULL && i < nholders) {
			sink_putc(s, ' ');
			enc_u(s, tok[i]);
		}
		if (ni != NULL) {
			sink_putc(s, ' ');
			text_nodename(s, &ni[i]);
		}
		sink_putc(s, '\n');
	}
}

/* ,"key":[{"nodeid":N,"pid":P[,"token":"T"][,"name":NAME]},...] */
static void
json_queue(struct sink *s, const char *key, const struct cpg_address *a,
    size_t n, const struct nodeinfo *ni, const uint64_t *tok)
{
	size_t i;

	sink_lit(s, ",\"");
	sink_puts(s, key);
	sink_lit(s, "\":[");
	for (i = 0; i < n; i++) {
		if (i)
			sink_putc(s, ',');
		sink_lit(s, "{\"nodeid\":");
		enc_u(s, a[i].nodeid);
		sink_lit(s, ",\"pid\":");
		enc_u(s, a[i].pid);
		if (tok != NULL) {
			sink_lit(s, ",\"token\":\"");
			enc_u(s, tok[i]);
			sink_putc(s, '"');
		}
		if (ni != NULL)
			json_nodename(s, &ni[i]);
		sink_putc(s, '}');
	}
	sink_putc(s, ']');
}

/*
 * A lock's queue, in order: the first nholders hold it, the rest wait.
 * `limit' is how many may hold it, 0 if unknown; `ni' (or NULL) has a
 * node name for each entry. Text: a line an entry; JSON: one object.
 */
void
out_lock_queue(struct sink *s, const struct outfmt *f,
    const struct cpg_name *lock, unsigned limit,
    const struct cpg_address *a, size_t n, size_t nholders,
    const struct nodeinfo *ni)
{
	out_lock_queue_token(s, f, lock, limit, a, n, nholders, ni, NULL);
}

/* ... and `tok' (or NULL): the holders' fencing tokens, in order */
void
out_lock_queue_token(struct sink *s, const struct outfmt *f,
    const struct cpg_name *lock, unsigned limit,
    const struct cpg_address *a, size_t n, size_t nholders,
    const struct nodeinfo *ni, const uint64_t *tok)
{
	size_t m;

	if (nholders > n)
		nholders = n;
	if (!sink_begin_item(s, &m))
		return;
	if (!f->json) {
		text_queue(s, a, n, nholders, ni, tok);
		sink_end_item(s, m);
		return;
	}
	sink_putc(s, '{');
	enc_jbytes(s, KEY("lock"), lock->value, lock->length,
	    ENC_TEXT);
	sink_lit(s, ",\"limit\":");
	if (limit)
		enc_u(s, limit);
	else
		sink_lit(s, "null");
	json_queue(s, "holders", a, nholders, ni, tok);
	json_queue(s, "waiters", a + nholders, n - nholders,
	    ni ? ni + nholders : NULL, NULL);
	sink_lit(s, "}\n");
	sink_end_item(s, m);
}

/* The variables out_event_env sets; a handler gets no others of ours. */
const char *const out_env_names[] = {
	"CPGTOOL_EVENT", "CPGTOOL_GROUP", "CPGTOOL_NODEID", "CPGTOOL_PID",
	"CPGTOOL_REASON", "CPGTOOL_MEMBERS", "CPGTOOL_NODE_NAME", NULL,
};

enum env_field { EF_NODEID, EF_PID, EF_REASON, EF_NAME };

/* A node's name as text writes names (a space as \x20), - if unknown. */
static void
env_name(struct sink *s, out_name_fn *name, void *arg, uint32_t nodeid)
{
	const char *n = name(arg, nodeid);

	if (n != NULL && n[0] != '\0')
		enc_text(s, n, strlen(n), 1);
	else
		sink_putc(s, '-');
}

/*
 * One field of each process a membership event is about, those that
 * joined and then those that left (as --exclude-self lists them), one
 * word each: 0 if there are none.
 */
static size_t
env_procs(struct sink *s, const struct outfmt *f, const struct event *ev,
    enum env_field field, out_name_fn *name, void *arg)
{
	const struct event *hide = f->exclude_self ? ev : NULL;
	const struct cpg_address *a;
	size_t i, n, c = 0;
	int k;

	for (k = 0; k < 2; k++) {
		a = k ? ev->left : ev->joined;
		n = k ? ev->nleft : ev->njoined;
		for (i = 0; i < n; i++) {
			if (is_self(hide, &a[i]))
				continue;
			if (c++)
				sink_putc(s, ' ');
			if (field == EF_NODEID)
				enc_u(s, a[i].nodeid);
			else if (field == EF_PID)
				enc_u(s, a[i].pid);
			else if (field == EF_NAME)
				env_name(s, name, arg, a[i].nodeid);
			else if (ev->type == EV_MEMBERS)
				sink_puts(s, k ? "left" : "joined");
			else
				sink_puts(s, a[i].reason < 6 ?
				    reasons[a[i].reason] : "undefined");
		}
	}
	return c;
}

/* NAME=VALUE and its NUL; a list with no words is taken back. */
static void
env_list(struct sink *s, const struct outfmt *f, const char *var,
    const struct event *ev, enum env_field field, out_name_fn *name,
    void *arg)
{
	size_t m = sink_mark(s);

	sink_puts(s, var);
	sink_putc(s, '=');
	if (env_procs(s, f, ev, field, name, arg) == 0)
		sink_rewind(s, m);
	else
		sink_putc(s, '\0');
}

static void
env_num(struct sink *s, const char *var, uint64_t v)
{
	sink_puts(s, var);
	sink_putc(s, '=');
	enc_u(s, v);
	sink_putc(s, '\0');
}

/* The one node a message or a quorum node event is about. */
static void
env_node(struct sink *s, uint32_t nodeid, out_name_fn *name, void *arg)
{
	env_num(s, "CPGTOOL_NODEID", nodeid);
	if (name == NULL)
		return;
	sink_lit(s, "CPGTOOL_NODE_NAME=");
	env_name(s, name, arg, nodeid);
	sink_putc(s, '\0');
}

/*
 * An event's environment for an --exec handler, into s: NAME=VALUE
 * strings, each ending in a NUL. CPGTOOL_EVENT is its type; the group as
 * text writes it; for a membership change the processes that joined and
 * then those that left, a word each in CPGTOOL_NODEID, CPGTOOL_PID and
 * CPGTOOL_REASON (CPG's reason, or joined/left for members --watch);
 * CPGTOOL_MEMBERS the count after the change; with `name' (NULL: none)
 * the node names. 1 if put into s, 0 if the options hide the event, -1
 * if memory ran out.
 */
int
out_event_env(struct sink *s, const struct outfmt *f, const struct event *ev,
    out_name_fn *name, void *arg)
{
	size_t m;

	if (!shown(f, ev))
		return 0;
	if (!sink_begin_item(s, &m))
		return -1;
	sink_lit(s, "CPGTOOL_EVENT=");
	put_lit(s, &types[ev->type]);
	sink_putc(s, '\0');
	if (ev->group != NULL && ev->quorum == NULL && ev->type != EV_TOTEM) {
		sink_lit(s, "CPGTOOL_GROUP=");
		enc_text(s, ev->group->value, ev->group->length, 1);
		sink_putc(s, '\0');
	}
	switch (ev->type) {
	case EV_MESSAGE:
		env_node(s, ev->nodeid, name, arg);
		env_num(s, "CPGTOOL_PID", ev->pid);
		break;
	case EV_CONFCHG:
	case EV_MEMBERS:
		env_list(s, f, "CPGTOOL_NODEID", ev, EF_NODEID, name, arg);
		env_list(s, f, "CPGTOOL_PID", ev, EF_PID, name, arg);
		env_list(s, f, "CPGTOOL_REASON", ev, EF_REASON, name, arg);
		if (name != NULL)
			env_list(s, f, "CPGTOOL_NODE_NAME", ev, EF_NAME, name,
			    arg);
		env_num(s, "CPGTOOL_MEMBERS", ev->nmembers);
		break;
	case EV_TOTEM:
		env_num(s, "CPGTOOL_MEMBERS", ev->nnodes);
		break;
	case EV_NODE:
		env_node(s, ev->node->nodeid, name, arg);
		sink_lit(s, "CPGTOOL_REASON=");
		put_lit(s, &qstates[ev->node->state]);
		sink_putc(s, '\0');
		/* FALLTHROUGH */
	case EV_QUORATE:
	case EV_INQUORATE:
		env_num(s, "CPGTOOL_MEMBERS", count_qmembers(ev->quorum));
		break;
	default:
		break;
	}
	return sink_end_item(s, m) ? 1 : -1;
}

/* "reply [TIME] NODEID PID [NAME] STATUS PAYLOAD" */
static void
text_reply(struct sink *s, const struct outfmt *f, const struct reply *r)
{
	sink_lit(s, "reply ");
	if (f->stamps) {
		enc_time(s, &r->time);
		sink_putc(s, ' ');
	}
	enc_u(s, r->nodeid);
	sink_putc(s, ' ');
	enc_u(s, r->pid);
	if (r->ni != NULL) {
		sink_putc(s, ' ');
		text_nodename(s, r->ni);
	}
	sink_putc(s, ' ');
	enc_u(s, (uint64_t)r->status);
	sink_putc(s, ' ');
	put_payload(s, (enum enc)f->enc, r->data, r->len);
	sink_putc(s, '\n');
}

static void
json_reply(struct sink *s, const struct outfmt *f, const struct cpg_name *g,
    const struct reply *r)
{
	sink_lit(s, "{\"type\":\"reply\"");
	if (f->stamps) {
		sink_lit(s, ",\"time\":\"");
		enc_time(s, &r->time);
		sink_putc(s, '"');
	}
	sink_putc(s, ',');
	enc_jbytes(s, KEY("group"), g->value, g->length, ENC_TEXT);
	sink_lit(s, ",\"nodeid\":");
	enc_u(s, r->nodeid);
	sink_lit(s, ",\"pid\":");
	enc_u(s, r->pid);
	if (r->ni != NULL)
		json_nodename(s, r->ni);
	sink_lit(s, ",\"status\":");
	enc_u(s, (uint64_t)r->status);
	sink_lit(s, ",\"size\":");
	enc_u(s, r->len);
	sink_puts(s, r->cut ? ",\"truncated\":true," : ",\"truncated\":false,");
	enc_jbytes(s, KEY("payload"), r->data, r->len, (enum enc)f->enc);
	sink_lit(s, "}\n");
}

/*
 * A reply to ask: a line in text, an object in JSON; the payload in the
 * --encoding asked for, escaped as a message's is.
 */
void
out_reply(struct sink *s, const struct outfmt *f, const struct cpg_name *g,
    const struct reply *r)
{
	size_t m;

	if (!sink_begin_item(s, &m))
		return;
	if (f->json)
		json_reply(s, f, g, r);
	else
		text_reply(s, f, r);
	sink_end_item(s, m);
}

static const struct lit served_verbs[] = {
	[SERVED_REPLY] = LIT("reply "), [SERVED_SKIP] = LIT("skip "),
	[SERVED_BUSY] = LIT("busy "), [SERVED_CANCEL] = LIT("cancel "),
};

/*
 * serve -v: what became of a request, a line each, always text:
 * "reply ID status=S size=N seconds=T [cut]", "skip ID",
 * "busy ID status=125", "cancel ID".
 */
void
out_served(struct sink *s, enum served what, const char *id, int status,
    size_t size, int cut, double seconds)
{
	char sec[32];
	size_t m;

	if (!sink_begin_item(s, &m))
		return;
	put_lit(s, &served_verbs[what]);
	sink_puts(s, id);
	if (what == SERVED_REPLY || what == SERVED_BUSY) {
		sink_lit(s, " status=");
		enc_u(s, (uint64_t)status);
	}
	if (what == SERVED_REPLY) {
		sink_lit(s, " size=");
		enc_u(s, size);
		snprintf(sec, sizeof(sec), " seconds=%.3f", seconds);
		sink_puts(s, sec);
		if (cut)
			sink_lit(s, " cut");
	}
	sink_putc(s, '\n');
	sink_end_item(s, m);
}

static void
count_part(struct sink *s, size_t n, const char *what)
{
	if (n == 0)
		return;
	sink_lit(s, ", ");
	enc_u(s, n);
	sink_putc(s, ' ');
	sink_puts(s, what);
}

/*
 * ask's summary, one line: "3 replied, 1 failed, 1 left, 1 not a server"
 * (what is 0 is left out, but the replies); members neither replied nor
 * gone are `waiting' ("missing", "not waited for").
 */
void
out_ask_summary(struct sink *s, const struct askp_counts *c,
    const char *waiting)
{
	size_t i, m;

	if (!sink_begin_item(s, &m))
		return;
	enc_u(s, c->replied);
	sink_lit(s, " replied");
	count_part(s, c->failed, "failed");
	count_part(s, c->left, "left");
	count_part(s, c->notserver, "not a server");
	count_part(s, c->notaddr, "not addressed");
	count_part(s, c->waiting, waiting);
	for (i = 0; i < c->nbare; i++) {
		if (i == 0)
			sink_puts(s, c->nbare > 1 ? ", no server on nodes " :
			    ", no server on node ");
		else
			sink_putc(s, ',');
		enc_u(s, c->bare[i]);
	}
	sink_putc(s, '\n');
	sink_end_item(s, m);
}
