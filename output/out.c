/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The renderers: the only code that knows what an item holds. An event,
 * a member list or a lock's news goes into a sink (sink.c) as one item,
 * described once, a field at a time, for text and JSON alike (outitem.c
 * writes each field in the format asked for); the output options
 * (outopt.c) say which. --format's interpreter and --exec's environment
 * are here too: they describe a message, and an event, in their own way.
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
#include "outitem.h"
#include "outopt.h"
#include "out.h"
#include "sink.h"

static const struct lit lock_types[] = {
	[LOCK_WAITING] = LIT("waiting"), [LOCK_ACQUIRED] = LIT("acquired"),
	[LOCK_RELEASED] = LIT("released"), [LOCK_LOST] = LIT("lost"),
};

static void
put_lit(struct sink *s, const struct lit *l)
{
	sink_put(s, l->s, l->n);
}

static size_t
count_others(const struct event *ev, const struct cpg_address *a, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += !item_self(ev, &a[i]);
	return c;
}

static size_t
count_qmembers(const struct qview *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nnodes; i++)
		n += v->nodes[i].state == QS_MEMBER;
	return n;
}

/*
 * A configured node as votequorum has it: "NODEID state=S votes=V
 * [name=N addrs=A] [local]" in text; in JSON the same, "local" always.
 */
static void
qnode(struct item *it, const struct qview *v, const struct qnode *n,
    const struct nodeinfo *ni)
{
	item_u(it, "nodeid", "", n->nodeid);
	item_str(it, "state", " state=", &out_qstates[n->state]);
	item_u(it, "votes", " votes=", n->votes);
	if (ni != NULL) {
		item_nodename(it, " name=", ni);
		item_addrs(it, " addrs=", ni);
	}
	item_bool(it, "local", " local", NULL, n->nodeid == v->nodeid);
}

/*
 * votequorum's verdict: "ring=R expected=E total=T quorum=Q
 * members=N,..."; `view' (quorum's own) adds the highest expected votes
 * to JSON, which lists the nodes instead of the members.
 */
static void
verdict(struct item *it, const struct qview *v, int view)
{
	size_t i;

	item_ring(it, "", &v->ring);
	item_u(it, "expected_votes", " expected=", v->expected);
	if (view)
		item_u(it, "highest_expected", NULL, v->highest);
	item_u(it, "total_votes", " total=", v->total);
	item_u(it, "quorum", " quorum=", v->quorum);
	if (view && it->json)
		return;
	item_list(it, "members", " members=");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].state == QS_MEMBER)
			item_list_u(it, v->nodes[i].nodeid);
	item_list_end(it);
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
	struct item it;
	size_t i, m;

	if (!sink_begin_item(s, &m))
		return;
	item_start(&it, s, f->json);
	item_obj(&it);
	item_bool(&it, "quorate", "quorate ", "inquorate ", v->quorate);
	item_u(&it, "nodeid", NULL, v->nodeid);
	verdict(&it, v, 1);
	if (f->json)
		sink_lit(s, ",\"nodes\":[");
	else
		sink_putc(s, '\n');
	for (i = 0; i < v->nnodes; i++) {
		sink_puts(s, f->json ? (i ? ",{" : "{") : "node ");
		it.first = 1;
		qnode(&it, v, &v->nodes[i], ni ? &ni[i] : NULL);
		sink_putc(s, f->json ? '}' : '\n');
	}
	if (f->json)
		sink_lit(s, "]}\n");
	sink_end_item(s, m);
}

/*
 * An event: its type (and time), then what it is about. A message:
 * "message [TIME] GROUP NODEID PID SIZE PAYLOAD"; a membership event the
 * group and its lists (--exclude-self hides us from joined and left: the
 * member list is the truth); totem its ring and members; a quorum event
 * the verdict or the node, as quorum prints them.
 */
static void
event(struct item *it, const struct outfmt *f, const struct event *ev)
{
	const struct event *hide = f->exclude_self ? ev : NULL;
	int confchg = ev->type == EV_CONFCHG;
	size_t i;

	item_open(it, &out_types[ev->type], f->stamps, &ev->time);
	if (ev->type == EV_TOTEM) {
		item_ring(it, "", &ev->ring);
		item_list(it, "members", " members=");
		for (i = 0; i < ev->nnodes; i++)
			item_list_u(it, ev->nodes[i]);
		item_list_end(it);
	} else if (ev->quorum != NULL) {
		if (ev->type == EV_NODE)
			qnode(it, ev->quorum, ev->node, ev->name);
		else
			verdict(it, ev->quorum, 0);
		item_flag(it, "unordered", " unordered", ev->unordered);
	} else {
		item_name(it, "group", "", ev->group->value,
		    ev->group->length);
		if (ev->type == EV_MESSAGE) {
			item_u(it, "nodeid", " ", ev->nodeid);
			item_u(it, "pid", " ", ev->pid);
			item_u(it, "size", " ", ev->len);
			item_payload(it, "payload", " ", ev->data, ev->len,
			    f->enc);
		} else if (confchg || ev->type == EV_MEMBERS) {
			item_procs(it, "members", ev->members, ev->nmembers,
			    0, NULL);
			item_procs(it, "joined", ev->joined, ev->njoined,
			    confchg, hide);
			item_procs(it, "left", ev->left, ev->nleft, confchg,
			    hide);
		}
	}
	item_close(it);
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
			put_lit(s, &out_types[ev->type]);
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
	struct item it;
	size_t m;

	if (!shown(f, ev) || !sink_begin_item(s, &m))
		return 0;
	if (f->format && ev->type == EV_MESSAGE)
		format_event(s, f, ev);
	else {
		item_start(&it, s, f->json);
		event(&it, f, ev);
	}
	return sink_end_item(s, m);
}

/* A member: "NODEID PID [NAME ADDRS local|-]" after the group in text. */
static void
member(struct item *it, const struct cpg_address *a,
    const struct nodeinfo *ni, uint32_t local)
{
	item_u(it, "nodeid", " ", a->nodeid);
	item_u(it, "pid", " ", a->pid);
	if (ni != NULL) {
		item_nodename(it, " ", ni);
		item_addrs(it, " ", ni);
		item_bool(it, "local", " local", " -", a->nodeid == local);
	}
}

/* A group's members: a line each in text, one object in JSON. */
void
out_members(struct sink *s, const struct outfmt *f, const struct cpg_name *g,
    const struct cpg_address *a, size_t n, const struct nodeinfo *ni,
    uint32_t local)
{
	struct item it;
	size_t i, m;

	if (!sink_begin_item(s, &m))
		return;
	item_start(&it, s, f->json);
	item_obj(&it);
	item_name(&it, "group", NULL, g->value, g->length);
	if (f->json)
		sink_lit(s, ",\"members\":[");
	for (i = 0; i < n; i++) {
		if (f->json)
			sink_puts(s, i ? ",{" : "{");
		else
			enc_text(s, g->value, g->length, 1);
		it.first = 1;
		member(&it, &a[i], ni ? &ni[i] : NULL, local);
		sink_putc(s, f->json ? '}' : '\n');
	}
	if (f->json)
		sink_lit(s, "]}\n");
	sink_end_item(s, m);
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
	struct item it;
	size_t m;

	if (!sink_begin_item(s, &m))
		return;
	item_start(&it, s, f->json);
	item_open(&it, &lock_types[type], f->stamps, NULL);
	item_name(&it, "lock", "", lock->value, lock->length);
	if (token != 0)
		item_ustr(&it, "token", " ", token);
	if (reason != NULL)
		item_name(&it, "reason", " ", reason, strlen(reason));
	item_close(&it);
	sink_end_item(s, m);
}

/*
 * A lock's queue entry: "NODEID PID [TOKEN] [NAME]" after holder or
 * waiter in text, {"nodeid":N,"pid":P[,"token":"T"][,"name":NAME]}.
 */
static void
queue_entry(struct item *it, const struct cpg_address *a,
    const struct nodeinfo *ni, const uint64_t *tok)
{
	it->first = 1;
	item_u(it, "nodeid", "", a->nodeid);
	item_u(it, "pid", " ", a->pid);
	if (tok != NULL)
		item_ustr(it, "token", " ", *tok);
	if (ni != NULL)
		item_nodename(it, " ", ni);
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

/* ,"key":[ENTRY,...]: the entries from i to n */
static void
json_queue(struct item *it, const char *key, const struct cpg_address *a,
    size_t i, size_t n, const struct nodeinfo *ni, const uint64_t *tok)
{
	size_t k;

	sink_lit(it->s, ",\"");
	sink_puts(it->s, key);
	sink_lit(it->s, "\":[");
	for (k = i; k < n; k++) {
		sink_puts(it->s, k > i ? ",{" : "{");
		queue_entry(it, &a[k], ni ? &ni[k] : NULL,
		    tok ? &tok[k] : NULL);
		sink_putc(it->s, '}');
	}
	sink_putc(it->s, ']');
}

/* ... and `tok' (or NULL): the holders' fencing tokens, in order */
void
out_lock_queue_token(struct sink *s, const struct outfmt *f,
    const struct cpg_name *lock, unsigned limit,
    const struct cpg_address *a, size_t n, size_t nholders,
    const struct nodeinfo *ni, const uint64_t *tok)
{
	struct item it;
	size_t i, m;

	if (nholders > n)
		nholders = n;
	if (!sink_begin_item(s, &m))
		return;
	item_start(&it, s, f->json);
	if (!f->json) {
		for (i = 0; i < n; i++) {
			sink_puts(s, i < nholders ? "holder " : "waiter ");
			queue_entry(&it, &a[i], ni ? &ni[i] : NULL,
			    tok && i < nholders ? &tok[i] : NULL);
			sink_putc(s, '\n');
		}
		sink_end_item(s, m);
		return;
	}
	item_obj(&it);
	item_name(&it, "lock", NULL, lock->value, lock->length);
	sink_lit(s, ",\"limit\":");
	if (limit)
		enc_u(s, limit);
	else
		sink_lit(s, "null");
	json_queue(&it, "holders", a, 0, nholders, ni, tok);
	json_queue(&it, "waiters", a, nholders, n, ni, NULL);
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
			if (item_self(hide, &a[i]))
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
				sink_puts(s, out_reason(a[i].reason));
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
	put_lit(s, &out_types[ev->type]);
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
		put_lit(s, &out_qstates[ev->node->state]);
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

/*
 * A reply to ask: "reply [TIME] NODEID PID [NAME] STATUS PAYLOAD" in
 * text, an object in JSON (with the group, the size and whether the
 * server cut it short); the payload in the --encoding asked for, escaped
 * as a message's is.
 */
void
out_reply(struct sink *s, const struct outfmt *f, const struct cpg_name *g,
    const struct reply *r)
{
	static const struct lit type = LIT("reply");
	struct item it;
	size_t m;

	if (!sink_begin_item(s, &m))
		return;
	item_start(&it, s, f->json);
	item_open(&it, &type, f->stamps, &r->time);
	item_name(&it, "group", NULL, g->value, g->length);
	item_u(&it, "nodeid", "", r->nodeid);
	item_u(&it, "pid", " ", r->pid);
	if (r->ni != NULL)
		item_nodename(&it, " ", r->ni);
	item_u(&it, "status", " ", (uint64_t)r->status);
	item_u(&it, "size", NULL, r->len);
	item_bool(&it, "truncated", NULL, NULL, r->cut);
	item_payload(&it, "payload", " ", r->data, r->len, f->enc);
	item_close(&it);
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
