/*
 * The output layer: the only file that knows the text and JSON formats.
 *
 * What is printed goes into a sink: a buffer written to a file descriptor
 * when its owner flushes it (stdout, stderr, a pipe to a child), or kept
 * in memory. The loop flushes stdout each time round, after a batch of
 * events, so a burst costs one write(2) and `| jq' still sees every event
 * promptly. The format options are held once, apart from any sink.
 *
 * Names and payloads are bytes with a length: they may hold NULs, invalid
 * UTF-8 or terminal control sequences, and neither format lets any of that
 * through raw. Nothing here exits: output lost for want of memory is
 * reported when the sink is flushed or stopped, so the caller can leave
 * its groups first.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpgtool.h"

struct sink {
	char		*buf;
	size_t		 len;		/* bytes in buf */
	size_t		 off;		/* bytes of buf already written */
	size_t		 cap;
	int		 fd;		/* -1: a memory sink */
	int		 oldfl;		/* fd's flags before O_NONBLOCK; -1 */
	int		 fixed;		/* buf is not ours: never grown */
	int		 heap;		/* made by sink_new */
	int		 broken;	/* the reader closed the pipe */
	int		 error;		/* errno of output lost; sticky */
	int		 told;		/* sink_flush has returned it once */
};

static struct sink stdsinks[] = {
	{ .fd = STDOUT_FILENO, .oldfl = -1 },
	{ .fd = STDERR_FILENO, .oldfl = -1 },
};
struct sink *const sink_stdout = &stdsinks[0];
struct sink *const sink_stderr = &stdsinks[1];

enum { ENC_TEXT, ENC_BASE64, ENC_HEX };

/* --format, compiled: literal spans and conversions, in order. */
enum tok_kind {
	TK_LIT, TK_GROUP, TK_NODEID, TK_PID, TK_PAYLOAD, TK_SIZE, TK_HEX,
	TK_TYPE, TK_TIME,
};

struct tok {
	enum tok_kind	 kind;
	const char	*lit;		/* TK_LIT: in the argument, or static */
	size_t		 len;
};

#define FMT_MAX		64

/* The output options: one set, whatever the sink. */
struct outfmt {
	int		 json;
	int		 enc;
	int		 stamps;
	int		 exclude_self;
	unsigned	 events;
	int		 events_set;
	int		 format;	/* --format given (it may be empty) */
	size_t		 ntok;
	struct tok	 tok[FMT_MAX];
};

static struct outfmt fmt = { .events = EVM_ALL };

/* The last second formatted, for put_time. */
static struct {
	time_t		 sec;
	char		 s[48];
	size_t		 len;
} tcache = { .sec = -1 };

static const char hexd[] = "0123456789abcdef";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *const reasons[] = {
	"undefined", "join", "leave", "nodedown", "nodeup", "procdown",
};

/* A string and its length, for what is printed with every event. */
struct lit {
	const char	*s;
	size_t		 n;
};
#define LIT(x)		{ x, sizeof(x) - 1 }
/* A literal key as the two arguments put_jbytes takes. */
#define KEY(x)		x, sizeof(x) - 1

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

/*
 * A buffer's first size; once drained, a buffer that grew past it for a
 * burst or a big message is given back. sess.c dispatches well under it.
 */
#define OUT_CHUNK	65536

/*
 * reserve()'s slow path: compact or grow the buffer. Out of memory, the
 * sink keeps the error and its item is taken back whole (see end_item).
 */
static int
grow(struct sink *s, size_t n)
{
	size_t cap;
	char *p;

	if (s->off > 0 && (s->off == s->len || s->off > s->cap / 2)) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
		if (s->cap - s->len >= n)
			return 1;
	}
	if (s->fixed)
		goto lost;
	for (cap = s->cap ? s->cap : OUT_CHUNK; cap - s->len < n; cap *= 2)
		if (cap > SIZE_MAX / 2)
			goto lost;
	if ((p = realloc(s->buf, cap)) == NULL)
		goto lost;
	s->buf = p;
	s->cap = cap;
	return 1;
lost:
	if (s->error == 0)
		s->error = ENOMEM;
	return 0;
}

/* Room for n more bytes: the fast path is one comparison. */
static inline int
reserve(struct sink *s, size_t n)
{
	return s->cap - s->len >= n || grow(s, n);
}

static void
put(struct sink *s, const void *p, size_t n)
{
	if (!reserve(s, n))
		return;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

/* A string literal: its length is known at compile time. */
#define PUTS(s, lit)	put(s, "" lit, sizeof(lit) - 1)

static void
puts_(struct sink *s, const char *str)
{
	put(s, str, strlen(str));
}

static void
put_lit(struct sink *s, const struct lit *l)
{
	put(s, l->s, l->n);
}

static void
putch(struct sink *s, char c)
{
	if (!reserve(s, 1))
		return;
	s->buf[s->len++] = c;
}

static void
putu(struct sink *s, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put(s, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Lower-case hex without leading zeros, as corosync prints ring ids. */
static void
put_xnum(struct sink *s, uint64_t v)
{
	char tmp[16], *p = tmp + sizeof(tmp);

	do
		*--p = hexd[v & 15];
	while (v >>= 4);
	put(s, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* \xNN (text) or \uNNNN (JSON): the escape, then `digits' hex digits. */
static void
put_esc(struct sink *s, char kind, uint32_t v, int digits)
{
	char tmp[6];
	int i;

	tmp[0] = '\\';
	tmp[1] = kind;
	for (i = 0; i < digits; i++)
		tmp[2 + i] = hexd[(v >> 4 * (digits - 1 - i)) & 15];
	put(s, tmp, (size_t)(2 + digits));
}

/*
 * What is pending, to go back to if what follows turns out not to fit its
 * form (rewind): counted from off, since grow() may move the buffer.
 */
static size_t
mark(const struct sink *s)
{
	return s->len - s->off;
}

static void
rewind_to(struct sink *s, size_t m)
{
	s->len = s->off + m;
}

/*
 * Every item (an event, a member list) is begun and ended: one that lost
 * bytes for want of memory is taken back whole, never printed cut short,
 * and once a sink has lost output nothing more goes in.
 */
static int
begin_item(struct sink *s, size_t *m)
{
	/* also: buf is allocated, so an empty put never copies to NULL */
	if (s->error || !reserve(s, 1))
		return 0;
	*m = mark(s);
	return 1;
}

static int
end_item(struct sink *s, size_t m)
{
	if (s->error == 0)
		return 1;
	rewind_to(s, m);
	return 0;
}

/* Length of the valid UTF-8 sequence at p (0 if none), its code point. */
static size_t
utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t k, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	k = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (n < k)
		return 0;
	*cp = p[0] & (0x7f >> k);
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))) ||
	    (k == 4 && (*cp < 0x10000 || *cp > 0x10ffff)))
		return 0;
	return k;
}

/*
 * Characters above ASCII that no line of output shows raw: the C1
 * controls, and U+2028 and U+2029, which readers that split on Unicode
 * line breaks (Python's str.splitlines) take for the end of a line.
 */
static int
breaks_lines(uint32_t cp)
{
	return cp < 0xa0 || cp == 0x2028 || cp == 0x2029;
}

/*
 * Text: printable ASCII and valid UTF-8 but the above pass; backslash
 * doubles; anything else is \xNN. In a name a space is \x20 too, so a
 * name is always one awk field and reads back as a GROUP argument.
 */
static void
put_text(struct sink *s, const void *data, size_t n, int name)
{
	const unsigned char *p = data;
	size_t i = 0, run, k;
	uint32_t cp;

	while (i < n) {
		for (run = i; run < n && p[run] > (name ? 0x20 : 0x1f) &&
		    p[run] < 0x7f && p[run] != '\\'; run++)
			;
		put(s, p + i, run - i);
		if ((i = run) == n)
			break;
		if (p[i] == '\\') {
			PUTS(s, "\\\\");
			i++;
		} else if (p[i] >= 0x80 && (k = utf8_seq(p + i, n - i,
		    &cp)) > 0 && !breaks_lines(cp)) {
			put(s, p + i, k);
			i += k;
		} else
			put_esc(s, 'x', p[i++], 2);
	}
}

static void
put_hex(struct sink *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	char *d;
	size_t i;

	if (n > SIZE_MAX / 2 || !reserve(s, n * 2))
		return;
	for (d = s->buf + s->len, i = 0; i < n; i++) {
		*d++ = hexd[p[i] >> 4];
		*d++ = hexd[p[i] & 15];
	}
	s->len += n * 2;
}

static void
put_base64(struct sink *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t v;
	size_t i;
	char *d;

	if (!reserve(s, (n + 2) / 3 * 4))
		return;
	d = s->buf + s->len;
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*d++ = b64[v >> 18];
		*d++ = b64[(v >> 12) & 63];
		*d++ = b64[(v >> 6) & 63];
		*d++ = b64[v & 63];
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		*d++ = b64[v >> 18];
		*d++ = b64[(v >> 12) & 63];
		*d++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*d++ = '=';
	}
	s->len += (n + 2) / 3 * 4;
}

/* Bytes a JSON string carries as they are: printable ASCII but " and \\. */
static const unsigned char jplain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

static void
put_jesc(struct sink *s, unsigned char c)
{
	switch (c) {
	case '"':
		PUTS(s, "\\\"");
		break;
	case '\\':
		PUTS(s, "\\\\");
		break;
	case '\n':
		PUTS(s, "\\n");
		break;
	case '\t':
		PUTS(s, "\\t");
		break;
	case '\r':
		PUTS(s, "\\r");
		break;
	default:
		put_esc(s, 'u', c, 4);
	}
}

/*
 * A JSON string's body, in one pass: 0, with nothing put, if the bytes
 * are not valid UTF-8 (a JSON string cannot carry them losslessly). NUL
 * and the other controls are escaped, and so is what breaks lines.
 */
static int
put_jstr(struct sink *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t m = mark(s), i = 0, run, k;
	uint32_t cp;

	while (i < n) {
		for (run = i; run < n && jplain[p[run]]; run++)
			;
		put(s, p + i, run - i);
		if ((i = run) == n)
			break;
		if (p[i] < 0x80) {
			put_jesc(s, p[i++]);
			continue;
		}
		if ((k = utf8_seq(p + i, n - i, &cp)) == 0) {
			rewind_to(s, m);
			return 0;
		}
		if (breaks_lines(cp))
			put_esc(s, 'u', cp, 4);
		else
			put(s, p + i, k);
		i += k;
	}
	return 1;
}

/* "key":"..." or "key_base64":"..." when the bytes are not UTF-8. */
static void
put_jbytes(struct sink *s, const char *key, size_t klen, const void *data,
    size_t n, int enc)
{
	size_t m = mark(s);

	putch(s, '"');
	put(s, key, klen);
	if (enc == ENC_TEXT) {
		PUTS(s, "\":\"");
		if (put_jstr(s, data, n)) {
			putch(s, '"');
			return;
		}
		/* not text after all: the key again, in base64 */
		rewind_to(s, m);
		putch(s, '"');
		put(s, key, klen);
		enc = ENC_BASE64;
	}
	if (enc == ENC_HEX) {
		PUTS(s, "_hex\":\"");
		put_hex(s, data, n);
	} else {
		PUTS(s, "_base64\":\"");
		put_base64(s, data, n);
	}
	putch(s, '"');
}

static void
put_payload(struct sink *s, const void *data, size_t n)
{
	if (fmt.enc == ENC_HEX)
		put_hex(s, data, n);
	else if (fmt.enc == ENC_BASE64)
		put_base64(s, data, n);
	else
		put_text(s, data, n, 0);
}

/* RFC 3339 local time with microseconds; the second is formatted once. */
static void
put_time(struct sink *s, const struct timespec *ts)
{
	struct tm tm;
	char *p;
	long off, us;
	int i;

	if (ts->tv_sec != tcache.sec) {
		localtime_r(&ts->tv_sec, &tm);
		strftime(tcache.s, sizeof(tcache.s), "%Y-%m-%dT%H:%M:%S", &tm);
		tcache.sec = ts->tv_sec;
		off = tm.tm_gmtoff / 60;
		p = tcache.s + strlen(tcache.s);
		snprintf(p, tcache.s + sizeof(tcache.s) - p,
		    ".000000%c%02ld:%02ld", off < 0 ? '-' : '+',
		    labs(off) / 60, labs(off) % 60);
		tcache.len = strlen(tcache.s);
	}
	if (!reserve(s, tcache.len))
		return;
	p = s->buf + s->len;
	memcpy(p, tcache.s, tcache.len);
	/* the microseconds go where the cached ".000000" stands */
	for (us = ts->tv_nsec / 1000, i = 25; i >= 20; i--, us /= 10)
		p[i] = (char)('0' + us % 10);
	s->len += tcache.len;
}

/* Now, for what has no time of receipt of its own. */
static void
put_now(struct sink *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	put_time(s, &ts);
}

/* Whether a is the process that `own' is this process's event. */
static int
is_self(const struct event *own, const struct cpg_address *a)
{
	return own != NULL && a->nodeid == own->self_nodeid &&
	    a->pid == own->self_pid;
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

	putch(s, ' ');
	puts_(s, key);
	putch(s, '=');
	for (i = 0; i < n; i++) {
		if (is_self(hide, &a[i]))
			continue;
		if (c++)
			putch(s, ',');
		putu(s, a[i].nodeid);
		putch(s, ':');
		putu(s, a[i].pid);
		if (reason) {
			putch(s, ':');
			puts_(s, a[i].reason < 6 ? reasons[a[i].reason] :
			    "undefined");
		}
	}
	if (c == 0)
		putch(s, '-');
}

static void
json_list(struct sink *s, const char *key, const struct cpg_address *a,
    size_t n, int reason, const struct event *hide)
{
	size_t i, c = 0;

	PUTS(s, ",\"");
	puts_(s, key);
	PUTS(s, "\":[");
	for (i = 0; i < n; i++) {
		if (is_self(hide, &a[i]))
			continue;
		if (c++)
			putch(s, ',');
		PUTS(s, "{\"nodeid\":");
		putu(s, a[i].nodeid);
		PUTS(s, ",\"pid\":");
		putu(s, a[i].pid);
		if (reason) {
			PUTS(s, ",\"reason\":\"");
			puts_(s, a[i].reason < 6 ? reasons[a[i].reason] :
			    "undefined");
			putch(s, '"');
		}
		putch(s, '}');
	}
	putch(s, ']');
}

/* totem ring=NODEID.SEQ members=N,...: the ring id as corosync logs it. */
static void
text_totem(struct sink *s, const struct event *ev)
{
	size_t i;

	PUTS(s, "ring=");
	put_xnum(s, ev->ring.nodeid);
	putch(s, '.');
	put_xnum(s, ev->ring.seq);
	PUTS(s, " members=");
	for (i = 0; i < ev->nnodes; i++) {
		if (i)
			putch(s, ',');
		putu(s, ev->nodes[i]);
	}
	if (ev->nnodes == 0)
		putch(s, '-');
}

static void json_nodename(struct sink *, const struct nodeinfo *);

/*
 * votequorum's view. A node: "NODEID state=S votes=V [name=N addrs=A]
 * [local]" in text; the verdict: "ring=R expected=E total=T quorum=Q
 * members=N,...". In JSON the same, as numbers, strings and arrays.
 */
static void
text_node(struct sink *s, const struct qview *v, const struct qnode *n,
    const struct nodeinfo *ni)
{
	putu(s, n->nodeid);
	PUTS(s, " state=");
	put_lit(s, &qstates[n->state]);
	PUTS(s, " votes=");
	putu(s, n->votes);
	if (ni != NULL) {
		PUTS(s, " name=");
		if (ni->name[0])
			put_text(s, ni->name, strlen(ni->name), 1);
		else
			putch(s, '-');
		PUTS(s, " addrs=");
		puts_(s, ni->addrs[0] ? ni->addrs : "-");
	}
	if (n->nodeid == v->nodeid)
		PUTS(s, " local");
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

	PUTS(s, "ring=");
	put_xnum(s, v->ring.nodeid);
	putch(s, '.');
	put_xnum(s, v->ring.seq);
	PUTS(s, " expected=");
	putu(s, v->expected);
	PUTS(s, " total=");
	putu(s, v->total);
	PUTS(s, " quorum=");
	putu(s, v->quorum);
	PUTS(s, " members=");
	for (i = 0; i < v->nnodes; i++) {
		if (v->nodes[i].state != QS_MEMBER)
			continue;
		if (c++)
			putch(s, ',');
		putu(s, v->nodes[i].nodeid);
	}
	if (c == 0)
		putch(s, '-');
}

static void
text_quorum(struct sink *s, const struct event *ev)
{
	if (ev->type == EV_NODE)
		text_node(s, ev->quorum, ev->node, ev->name);
	else
		text_verdict(s, ev->quorum);
	if (ev->unordered)
		PUTS(s, " unordered");
}

static void
json_node(struct sink *s, const struct qview *v, const struct qnode *n,
    const struct nodeinfo *ni)
{
	const char *p, *q;

	PUTS(s, "\"nodeid\":");
	putu(s, n->nodeid);
	PUTS(s, ",\"state\":\"");
	put_lit(s, &qstates[n->state]);
	PUTS(s, "\",\"votes\":");
	putu(s, n->votes);
	if (ni != NULL) {
		json_nodename(s, ni);
		PUTS(s, ",\"addrs\":[");
		/* numeric addresses from getnameinfo: nothing to escape */
		for (p = ni->addrs; *p; p = *q ? q + 1 : q) {
			q = strchrnul(p, ',');
			if (p != ni->addrs)
				putch(s, ',');
			putch(s, '"');
			put(s, p, (size_t)(q - p));
			putch(s, '"');
		}
		putch(s, ']');
	}
	puts_(s, n->nodeid == v->nodeid ? ",\"local\":true" :
	    ",\"local\":false");
}

static void
json_ring(struct sink *s, const struct qview *v)
{
	PUTS(s, "\"ring_id\":{\"nodeid\":");
	putu(s, v->ring.nodeid);
	PUTS(s, ",\"seq\":");
	putu(s, v->ring.seq);
	PUTS(s, "},\"expected_votes\":");
	putu(s, v->expected);
}

static void
json_verdict(struct sink *s, const struct qview *v)
{
	size_t i, c = 0;

	json_ring(s, v);
	PUTS(s, ",\"total_votes\":");
	putu(s, v->total);
	PUTS(s, ",\"quorum\":");
	putu(s, v->quorum);
	PUTS(s, ",\"members\":[");
	for (i = 0; i < v->nnodes; i++) {
		if (v->nodes[i].state != QS_MEMBER)
			continue;
		if (c++)
			putch(s, ',');
		putu(s, v->nodes[i].nodeid);
	}
	putch(s, ']');
}

static void
json_quorum(struct sink *s, const struct event *ev)
{
	putch(s, ',');
	if (ev->type == EV_NODE)
		json_node(s, ev->quorum, ev->node, ev->name);
	else
		json_verdict(s, ev->quorum);
	if (ev->unordered)
		PUTS(s, ",\"unordered\":true");
}

/*
 * The quorum as cpgtool quorum prints it: in text, the verdict's line
 * ("quorate" or "inquorate") and a line per configured node, as the
 * events of quorum --watch; in JSON one object. `ni': a name for each
 * node of the view, or NULL.
 */
void
out_quorum(struct sink *s, const struct qview *v, const struct nodeinfo *ni)
{
	size_t i, m;

	if (!begin_item(s, &m))
		return;
	if (!fmt.json) {
		puts_(s, v->quorate ? "quorate " : "inquorate ");
		text_verdict(s, v);
		putch(s, '\n');
		for (i = 0; i < v->nnodes; i++) {
			PUTS(s, "node ");
			text_node(s, v, &v->nodes[i], ni ? &ni[i] : NULL);
			putch(s, '\n');
		}
		end_item(s, m);
		return;
	}
	puts_(s, v->quorate ? "{\"quorate\":true," : "{\"quorate\":false,");
	PUTS(s, "\"nodeid\":");
	putu(s, v->nodeid);
	putch(s, ',');
	json_ring(s, v);
	PUTS(s, ",\"highest_expected\":");
	putu(s, v->highest);
	PUTS(s, ",\"total_votes\":");
	putu(s, v->total);
	PUTS(s, ",\"quorum\":");
	putu(s, v->quorum);
	PUTS(s, ",\"nodes\":[");
	for (i = 0; i < v->nnodes; i++) {
		puts_(s, i ? ",{" : "{");
		json_node(s, v, &v->nodes[i], ni ? &ni[i] : NULL);
		putch(s, '}');
	}
	PUTS(s, "]}\n");
	end_item(s, m);
}

static void
text_event(struct sink *s, const struct event *ev)
{
	/* the member list is the truth; only joined/left hide us */
	const struct event *hide = fmt.exclude_self ? ev : NULL;

	put_lit(s, &types[ev->type]);
	putch(s, ' ');
	if (fmt.stamps) {
		put_time(s, &ev->time);
		putch(s, ' ');
	}
	if (ev->type == EV_TOTEM) {
		text_totem(s, ev);
		putch(s, '\n');
		return;
	}
	if (ev->quorum != NULL) {
		text_quorum(s, ev);
		putch(s, '\n');
		return;
	}
	put_text(s, ev->group->value, ev->group->length, 1);
	switch (ev->type) {
	case EV_MESSAGE:
		putch(s, ' ');
		putu(s, ev->nodeid);
		putch(s, ' ');
		putu(s, ev->pid);
		putch(s, ' ');
		putu(s, ev->len);
		putch(s, ' ');
		put_payload(s, ev->data, ev->len);
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
	putch(s, '\n');
}

static void
json_totem(struct sink *s, const struct event *ev)
{
	size_t i;

	PUTS(s, ",\"ring_id\":{\"nodeid\":");
	putu(s, ev->ring.nodeid);
	PUTS(s, ",\"seq\":");
	putu(s, ev->ring.seq);
	PUTS(s, "},\"members\":[");
	for (i = 0; i < ev->nnodes; i++) {
		if (i)
			putch(s, ',');
		putu(s, ev->nodes[i]);
	}
	putch(s, ']');
}

static void
json_event(struct sink *s, const struct event *ev)
{
	const struct event *hide = fmt.exclude_self ? ev : NULL;

	PUTS(s, "{\"type\":\"");
	put_lit(s, &types[ev->type]);
	putch(s, '"');
	if (fmt.stamps) {
		PUTS(s, ",\"time\":\"");
		put_time(s, &ev->time);
		putch(s, '"');
	}
	if (ev->type == EV_TOTEM) {
		json_totem(s, ev);
		PUTS(s, "}\n");
		return;
	}
	if (ev->quorum != NULL) {
		json_quorum(s, ev);
		PUTS(s, "}\n");
		return;
	}
	putch(s, ',');
	put_jbytes(s, KEY("group"), ev->group->value, ev->group->length,
	    ENC_TEXT);
	if (ev->type == EV_MESSAGE) {
		PUTS(s, ",\"nodeid\":");
		putu(s, ev->nodeid);
		PUTS(s, ",\"pid\":");
		putu(s, ev->pid);
		PUTS(s, ",\"size\":");
		putu(s, ev->len);
		putch(s, ',');
		put_jbytes(s, KEY("payload"), ev->data, ev->len, fmt.enc);
	} else if (ev->type != EV_GAP) {
		json_list(s, "members", ev->members, ev->nmembers, 0, NULL);
		json_list(s, "joined", ev->joined, ev->njoined,
		    ev->type == EV_CONFCHG, hide);
		json_list(s, "left", ev->left, ev->nleft,
		    ev->type == EV_CONFCHG, hide);
	}
	PUTS(s, "}\n");
}

/* A message as --format says: the compiled tokens, walked. */
static void
format_event(struct sink *s, const struct event *ev)
{
	const struct tok *t;

	for (t = fmt.tok; t < fmt.tok + fmt.ntok; t++) {
		switch (t->kind) {
		case TK_LIT:
			put(s, t->lit, t->len);
			break;
		case TK_GROUP:
			put_text(s, ev->group->value, ev->group->length, 1);
			break;
		case TK_NODEID:
			putu(s, ev->nodeid);
			break;
		case TK_PID:
			putu(s, ev->pid);
			break;
		case TK_PAYLOAD:
			put(s, ev->data, ev->len);
			break;
		case TK_SIZE:
			putu(s, ev->len);
			break;
		case TK_HEX:
			put_hex(s, ev->data, ev->len);
			break;
		case TK_TYPE:
			put_lit(s, &types[ev->type]);
			break;
		case TK_TIME:
			put_time(s, &ev->time);
			break;
		}
	}
}

/* Whether --events and --exclude-self let an event through. */
static int
shown(const struct event *ev)
{
	static const unsigned mask[] = {
		[EV_MESSAGE] = EVM_MESSAGE, [EV_CONFCHG] = EVM_CONFCHG,
		[EV_TOTEM] = EVM_TOTEM,
	};

	if (ev->type <= EV_TOTEM && !(fmt.events & mask[ev->type]))
		return 0;
	if (!fmt.exclude_self)
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
out_event(struct sink *s, const struct event *ev)
{
	size_t m;

	if (!shown(ev) || !begin_item(s, &m))
		return 0;
	if (fmt.format && ev->type == EV_MESSAGE)
		format_event(s, ev);
	else if (fmt.json)
		json_event(s, ev);
	else
		text_event(s, ev);
	return end_item(s, m);
}

/*
 * An event for an --exec handler: its JSON line, exactly as --json prints
 * it whatever the other format options, and its environment. 1 if put
 * into s, 0 if the options hide the event, -1 if memory ran out.
 */
int
out_event_json(struct sink *s, const struct event *ev)
{
	size_t m;

	if (!shown(ev))
		return 0;
	if (!begin_item(s, &m))
		return -1;
	json_event(s, ev);
	return end_item(s, m) ? 1 : -1;
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
		put_text(s, n, strlen(n), 1);
	else
		putch(s, '-');
}

/*
 * One field of each process a membership event is about, those that
 * joined and then those that left (as --exclude-self lists them), one
 * word each: 0 if there are none.
 */
static size_t
env_procs(struct sink *s, const struct event *ev, enum env_field f,
    out_name_fn *name, void *arg)
{
	const struct event *hide = fmt.exclude_self ? ev : NULL;
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
				putch(s, ' ');
			if (f == EF_NODEID)
				putu(s, a[i].nodeid);
			else if (f == EF_PID)
				putu(s, a[i].pid);
			else if (f == EF_NAME)
				env_name(s, name, arg, a[i].nodeid);
			else if (ev->type == EV_MEMBERS)
				puts_(s, k ? "left" : "joined");
			else
				puts_(s, a[i].reason < 6 ? reasons[a[i].reason] :
				    "undefined");
		}
	}
	return c;
}

/* NAME=VALUE and its NUL; a list with no words is taken back. */
static void
env_list(struct sink *s, const char *var, const struct event *ev,
    enum env_field f, out_name_fn *name, void *arg)
{
	size_t m = mark(s);

	puts_(s, var);
	putch(s, '=');
	if (env_procs(s, ev, f, name, arg) == 0)
		rewind_to(s, m);
	else
		putch(s, '\0');
}

static void
env_num(struct sink *s, const char *var, uint64_t v)
{
	puts_(s, var);
	putch(s, '=');
	putu(s, v);
	putch(s, '\0');
}

/* The one node a message or a quorum node event is about. */
static void
env_node(struct sink *s, uint32_t nodeid, out_name_fn *name, void *arg)
{
	env_num(s, "CPGTOOL_NODEID", nodeid);
	if (name == NULL)
		return;
	PUTS(s, "CPGTOOL_NODE_NAME=");
	env_name(s, name, arg, nodeid);
	putch(s, '\0');
}

/*
 * An event's environment for an --exec handler, into s: NAME=VALUE
 * strings, each ending in a NUL. CPGTOOL_EVENT is its type; the group as
 * text writes it; for a membership change the processes that joined and
 * then those that left, a word each in CPGTOOL_NODEID, CPGTOOL_PID and
 * CPGTOOL_REASON (CPG's reason, or joined/left for members --watch);
 * CPGTOOL_MEMBERS the count after the change; with `name' (NULL: none)
 * the node names. 1, 0 (hidden) or -1 as out_event_json.
 */
int
out_event_env(struct sink *s, const struct event *ev, out_name_fn *name,
    void *arg)
{
	size_t m;

	if (!shown(ev))
		return 0;
	if (!begin_item(s, &m))
		return -1;
	PUTS(s, "CPGTOOL_EVENT=");
	put_lit(s, &types[ev->type]);
	putch(s, '\0');
	if (ev->group != NULL && ev->quorum == NULL && ev->type != EV_TOTEM) {
		PUTS(s, "CPGTOOL_GROUP=");
		put_text(s, ev->group->value, ev->group->length, 1);
		putch(s, '\0');
	}
	switch (ev->type) {
	case EV_MESSAGE:
		env_node(s, ev->nodeid, name, arg);
		env_num(s, "CPGTOOL_PID", ev->pid);
		break;
	case EV_CONFCHG:
	case EV_MEMBERS:
		env_list(s, "CPGTOOL_NODEID", ev, EF_NODEID, name, arg);
		env_list(s, "CPGTOOL_PID", ev, EF_PID, name, arg);
		env_list(s, "CPGTOOL_REASON", ev, EF_REASON, name, arg);
		if (name != NULL)
			env_list(s, "CPGTOOL_NODE_NAME", ev, EF_NAME, name,
			    arg);
		env_num(s, "CPGTOOL_MEMBERS", ev->nmembers);
		break;
	case EV_TOTEM:
		env_num(s, "CPGTOOL_MEMBERS", ev->nnodes);
		break;
	case EV_NODE:
		env_node(s, ev->node->nodeid, name, arg);
		PUTS(s, "CPGTOOL_REASON=");
		put_lit(s, &qstates[ev->node->state]);
		putch(s, '\0');
		/* FALLTHROUGH */
	case EV_QUORATE:
	case EV_INQUORATE:
		env_num(s, "CPGTOOL_MEMBERS", count_qmembers(ev->quorum));
		break;
	default:
		break;
	}
	return end_item(s, m) ? 1 : -1;
}

/* A node's name: text (- if unknown), or a JSON string (null). */
static void
text_nodename(struct sink *s, const struct nodeinfo *ni)
{
	putch(s, ' ');
	if (ni->name[0])
		put_text(s, ni->name, strlen(ni->name), 1);
	else
		putch(s, '-');
}

static void
json_nodename(struct sink *s, const struct nodeinfo *ni)
{
	size_t m;

	PUTS(s, ",\"name\":");
	m = mark(s);
	putch(s, '"');
	if (ni->name[0] && put_jstr(s, ni->name, strlen(ni->name)))
		putch(s, '"');
	else {
		rewind_to(s, m);
		PUTS(s, "null");
	}
}

static void
text_member(struct sink *s, const struct cpg_name *g,
    const struct cpg_address *a, const struct nodeinfo *ni, uint32_t local)
{
	put_text(s, g->value, g->length, 1);
	putch(s, ' ');
	putu(s, a->nodeid);
	putch(s, ' ');
	putu(s, a->pid);
	if (ni != NULL) {
		text_nodename(s, ni);
		putch(s, ' ');
		puts_(s, ni->addrs[0] ? ni->addrs : "-");
		puts_(s, a->nodeid == local ? " local" : " -");
	}
	putch(s, '\n');
}

static void
json_member(struct sink *s, const struct cpg_address *a,
    const struct nodeinfo *ni, uint32_t local)
{
	const char *p, *q;

	PUTS(s, "{\"nodeid\":");
	putu(s, a->nodeid);
	PUTS(s, ",\"pid\":");
	putu(s, a->pid);
	if (ni != NULL) {
		json_nodename(s, ni);
		PUTS(s, ",\"addrs\":[");
		/* numeric addresses from getnameinfo: nothing to escape */
		for (p = ni->addrs; *p; p = *q ? q + 1 : q) {
			q = strchrnul(p, ',');
			if (p != ni->addrs)
				putch(s, ',');
			putch(s, '"');
			put(s, p, (size_t)(q - p));
			putch(s, '"');
		}
		puts_(s, a->nodeid == local ? "],\"local\":true" :
		    "],\"local\":false");
	}
	putch(s, '}');
}

/* A group's members: a line each in text, one object in JSON. */
void
out_members(struct sink *s, const struct cpg_name *g,
    const struct cpg_address *a, size_t n, const struct nodeinfo *ni,
    uint32_t local)
{
	size_t i, m;

	if (!begin_item(s, &m))
		return;
	if (!fmt.json) {
		for (i = 0; i < n; i++)
			text_member(s, g, &a[i], ni ? &ni[i] : NULL, local);
		end_item(s, m);
		return;
	}
	putch(s, '{');
	put_jbytes(s, KEY("group"), g->value, g->length, ENC_TEXT);
	PUTS(s, ",\"members\":[");
	for (i = 0; i < n; i++) {
		if (i)
			putch(s, ',');
		json_member(s, &a[i], ni ? &ni[i] : NULL, local);
	}
	PUTS(s, "]}\n");
	end_item(s, m);
}

static void
text_lock_event(struct sink *s, enum lock_ev type,
    const struct cpg_name *lock, const char *reason)
{
	put_lit(s, &lock_types[type]);
	putch(s, ' ');
	if (fmt.stamps) {
		put_now(s);
		putch(s, ' ');
	}
	put_text(s, lock->value, lock->length, 1);
	if (reason != NULL) {
		putch(s, ' ');
		put_text(s, reason, strlen(reason), 1);
	}
	putch(s, '\n');
}

static void
json_lock_event(struct sink *s, enum lock_ev type,
    const struct cpg_name *lock, const char *reason)
{
	PUTS(s, "{\"type\":\"");
	put_lit(s, &lock_types[type]);
	putch(s, '"');
	if (fmt.stamps) {
		PUTS(s, ",\"time\":\"");
		put_now(s);
		putch(s, '"');
	}
	putch(s, ',');
	put_jbytes(s, KEY("lock"), lock->value, lock->length,
	    ENC_TEXT);
	if (reason != NULL) {
		putch(s, ',');
		put_jbytes(s, KEY("reason"), reason, strlen(reason),
		    ENC_TEXT);
	}
	PUTS(s, "}\n");
}

/*
 * What happened to a lock: "TYPE [TIME] NAME [REASON]" in text, and
 * {"type":TYPE,["time":TIME,]"lock":NAME[,"reason":REASON]} in JSON; the
 * time (now) with --timestamps, as for events. REASON may be NULL.
 */
void
out_lock_event(struct sink *s, enum lock_ev type, const struct cpg_name *lock,
    const char *reason)
{
	size_t m;

	if (!begin_item(s, &m))
		return;
	if (fmt.json)
		json_lock_event(s, type, lock, reason);
	else
		text_lock_event(s, type, lock, reason);
	end_item(s, m);
}

/* "holder|waiter NODEID PID [NAME]" */
static void
text_queue(struct sink *s, const struct cpg_address *a, size_t n,
    size_t nholders, const struct nodeinfo *ni)
{
	size_t i;

	for (i = 0; i < n; i++) {
		puts_(s, i < nholders ? "holder " : "waiter ");
		putu(s, a[i].nodeid);
		putch(s, ' ');
		putu(s, a[i].pid);
		if (ni != NULL)
			text_nodename(s, &ni[i]);
		putch(s, '\n');
	}
}

/* ,"key":[{"nodeid":N,"pid":P[,"name":NAME]},...] */
static void
json_queue(struct sink *s, const char *key, const struct cpg_address *a,
    size_t n, const struct nodeinfo *ni)
{
	size_t i;

	PUTS(s, ",\"");
	puts_(s, key);
	PUTS(s, "\":[");
	for (i = 0; i < n; i++) {
		if (i)
			putch(s, ',');
		PUTS(s, "{\"nodeid\":");
		putu(s, a[i].nodeid);
		PUTS(s, ",\"pid\":");
		putu(s, a[i].pid);
		if (ni != NULL)
			json_nodename(s, &ni[i]);
		putch(s, '}');
	}
	putch(s, ']');
}

/*
 * A lock's queue, in order: the first nholders hold it, the rest wait.
 * `limit' is how many may hold it, 0 if unknown; `ni' (or NULL) has a
 * node name for each entry. Text: a line an entry; JSON: one object.
 */
void
out_lock_queue(struct sink *s, const struct cpg_name *lock, unsigned limit,
    const struct cpg_address *a, size_t n, size_t nholders,
    const struct nodeinfo *ni)
{
	size_t m;

	if (nholders > n)
		nholders = n;
	if (!begin_item(s, &m))
		return;
	if (!fmt.json) {
		text_queue(s, a, n, nholders, ni);
		end_item(s, m);
		return;
	}
	putch(s, '{');
	put_jbytes(s, KEY("lock"), lock->value, lock->length,
	    ENC_TEXT);
	PUTS(s, ",\"limit\":");
	if (limit)
		putu(s, limit);
	else
		PUTS(s, "null");
	json_queue(s, "holders", a, nholders, ni);
	json_queue(s, "waiters", a + nholders, n - nholders,
	    ni ? ni + nholders : NULL);
	PUTS(s, "}\n");
	end_item(s, m);
}

/*
 * A group name as text output shows it, for error messages: into buf,
 * cut short if buf has fewer than OUT_NAME_MAX bytes.
 */
const char *
out_group_str(const struct cpg_name *g, char *buf, size_t size)
{
	char tmp[OUT_NAME_MAX];
	struct sink m = {
		.buf = tmp, .cap = sizeof(tmp) - 1, .fd = -1, .oldfl = -1,
		.fixed = 1,
	};

	/* at most 4 bytes (\xNN) for each of 128: tmp is always enough */
	put_text(&m, g->value, g->length > CPG_MAX_NAME_LENGTH ?
	    CPG_MAX_NAME_LENGTH : g->length, 1);
	snprintf(buf, size, "%.*s", (int)m.len, tmp);
	return buf;
}

static enum opt_res
parse_events(const char *arg)
{
	static const char *const names[] = { "message", "confchg", "totem" };
	const char *p = arg, *q;
	size_t i;

	fmt.events = 0;
	for (; *p; p = *q ? q + 1 : q) {
		q = strchrnul(p, ',');
		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == (size_t)(q - p) &&
			    strncmp(p, names[i], (size_t)(q - p)) == 0)
				break;
		if (i == 3) {
			usage_error("unknown event '%.*s' in --events "
			    "(message, confchg, totem)", (int)(q - p), p);
			return OPT_BAD;
		}
		fmt.events |= 1u << i;
	}
	if (fmt.events == 0) {
		usage_error("--events needs at least one event");
		return OPT_BAD;
	}
	fmt.events_set = 1;
	return OPT_TAKEN;
}

/* The token a % or \ sequence stands for: 0 if it stands for none. */
static int
fmt_token(const char *p, struct tok *t)
{
	static const char conv[] = "gnpslxtT";	/* from TK_GROUP on */
	const char *c;

	*t = (struct tok){ TK_LIT, NULL, 1 };
	if (*p == '%' && p[1] == '%')
		t->lit = "%";
	else if (*p == '%' && p[1] != '\0' && (c = strchr(conv, p[1])))
		t->kind = TK_GROUP + (enum tok_kind)(c - conv);
	else if (*p == '\\' && p[1] == 'n')
		t->lit = "\n";
	else if (*p == '\\' && p[1] == 't')
		t->lit = "\t";
	else if (*p == '\\' && p[1] == '0')
		t->lit = "";		/* its terminating NUL */
	else if (*p == '\\' && p[1] == '\\')
		t->lit = "\\";
	else
		return 0;
	return 1;
}

static int
fmt_add(struct tok t)
{
	if (fmt.ntok == FMT_MAX) {
		usage_error("--format has more than %d fields", FMT_MAX);
		return 0;
	}
	fmt.tok[fmt.ntok++] = t;
	return 1;
}

/*
 * --format, compiled once into tokens: read and checked in this one
 * place, while printing only walks the array. Literals are spans of the
 * argument, which must outlive the output (argv does).
 */
static enum opt_res
parse_format(const char *arg)
{
	const char *p, *q;
	struct tok t;

	fmt.ntok = 0;
	for (p = arg; *p; p = q + 2) {
		for (q = p; *q && *q != '%' && *q != '\\'; q++)
			;
		if (q > p && !fmt_add((struct tok){ TK_LIT, p,
		    (size_t)(q - p) }))
			return OPT_BAD;
		if (*q == '\0')
			break;
		if (!fmt_token(q, &t)) {
			usage_error("invalid --format token '%c%s'", *q,
			    q[1] ? (char[]){ q[1], 0 } : "");
			return OPT_BAD;
		}
		if (!fmt_add(t))
			return OPT_BAD;
	}
	fmt.format = 1;
	return OPT_TAKEN;
}

/* An output option: taken, not ours, or its value is bad (said why). */
enum opt_res
out_option(int ch, const char *arg)
{
	switch (ch) {
	case 'j':
		fmt.json = 1;
		return OPT_TAKEN;
	case 'T':
		fmt.stamps = 1;
		return OPT_TAKEN;
	case 'x':
		fmt.exclude_self = 1;
		return OPT_TAKEN;
	case 'E':
		return parse_events(arg);
	case 'F':
		return parse_format(arg);
	case 'e':
		if (strcmp(arg, "text") == 0)
			fmt.enc = ENC_TEXT;
		else if (strcmp(arg, "base64") == 0)
			fmt.enc = ENC_BASE64;
		else if (strcmp(arg, "hex") == 0)
			fmt.enc = ENC_HEX;
		else {
			usage_error("unknown encoding '%s' (text, "
			    "base64, hex)", arg);
			return OPT_BAD;
		}
		return OPT_TAKEN;
	}
	return OPT_NOT_MINE;
}

/* Forget every output option given: the defaults again. */
void
out_reset(void)
{
	memset(&fmt, 0, sizeof(fmt));
	fmt.events = EVM_ALL;
}

int
out_stamps(void)
{
	return fmt.stamps;
}

/* Whether --format was given. */
int
out_formatted(void)
{
	return fmt.format;
}

/* The events a command prints unless --events says otherwise. */
void
out_events_default(unsigned mask)
{
	if (!fmt.events_set)
		fmt.events = fmt.format ? EVM_MESSAGE : mask;
}

/* A sink on fd, or in memory if fd is -1; NULL if out of memory. */
struct sink *
sink_new(int fd)
{
	struct sink *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = fd;
	s->oldfl = -1;
	s->heap = 1;
	return s;
}

static void
release(struct sink *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->off = s->cap = 0;
}

/* A sink from sink_new, after sink_stop if it has a fd; never a std one. */
void
sink_free(struct sink *s)
{
	if (s == NULL || !s->heap)
		return;
	release(s);
	free(s);
}

/*
 * Before a sink is written: a closed standard stream is an error; a pipe
 * or socket is written without blocking, so the loop keeps dispatching
 * while a slow reader catches up (corosync would otherwise queue for us
 * without bound); terminals and files are written as usual.
 */
int
sink_start(struct sink *s)
{
	static const char *const std[] = { "input", "output", "error" };
	struct stat st;
	int fl;

	if (s->fd >= 0 && s->fd <= 2 && (std_closed & (1u << s->fd))) {
		warnx("standard %s is closed", std[s->fd]);
		return ST_FAIL;
	}
	if (s->fd < 0 || fstat(s->fd, &st) == -1 ||
	    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return ST_OK;
	if ((fl = fcntl(s->fd, F_GETFL)) == -1 ||
	    fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return ST_OK;
	s->oldfl = fl;
	return ST_OK;
}

/* Nothing pending: a buffer that grew for a burst is given back. */
static void
settle(struct sink *s)
{
	s->off = s->len = 0;
	if (s->cap > OUT_CHUNK && !s->fixed) {
		free(s->buf);
		s->buf = NULL;
		s->cap = 0;
	}
}

/*
 * Write what is pending, as much as the fd takes now: 0, or -1 with errno
 * set: a write error (sink_broken tells EPIPE, a reader gone), or ENOMEM
 * once, if output was lost. The caller reports it. A memory sink keeps
 * its bytes (see sink_data).
 */
int
sink_flush(struct sink *s)
{
	ssize_t n;

	while (s->fd >= 0 && s->off < s->len) {
		n = write(s->fd, s->buf + s->off, s->len - s->off);
		if (n >= 0) {
			s->off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		if (errno == EPIPE)
			s->broken = 1;
		s->off = s->len = 0;
		return -1;
	}
	if (s->fd >= 0)
		settle(s);
	if (s->error && !s->told) {
		s->told = 1;
		errno = s->error;
		return -1;
	}
	return 0;
}

size_t
sink_pending(const struct sink *s)
{
	return s->len - s->off;
}

int
sink_broken(const struct sink *s)
{
	return s->broken;
}

/* What is pending: a memory sink's contents. */
const char *
sink_data(const struct sink *s, size_t *n)
{
	*n = s->len - s->off;
	return s->buf ? s->buf + s->off : "";
}

/* Forget what is pending: the reader could not take it, or it was read. */
void
sink_drop(struct sink *s)
{
	settle(s);
}

/*
 * Write the rest (blocking now) and restore the fd's flags: the exit
 * status, with one line on stderr for a failure not yet told.
 */
int
sink_stop(struct sink *s)
{
	int st = ST_OK;

	if (s->oldfl != -1)
		fcntl(s->fd, F_SETFL, s->oldfl);
	s->oldfl = -1;
	if (s->error && !s->told) {
		warnx("output lost: %s", strerror(s->error));
		s->told = 1;
	}
	if (sink_flush(s) == -1 && !s->broken) {
		warn("write");
		st = ST_FAIL;
	}
	if (s->error)
		st = ST_FAIL;
	if (s->fd >= 0)
		release(s);
	return st;
}

/* The stdout sink, as the loop drives it. */
int
out_start(void)
{
	return sink_start(sink_stdout);
}

int
out_flush(void)
{
	return sink_flush(sink_stdout);
}

size_t
out_pending(void)
{
	return sink_pending(sink_stdout);
}

int
out_broken(void)
{
	return sink_broken(sink_stdout);
}

void
out_drop(void)
{
	sink_drop(sink_stdout);
}

int
out_stop(void)
{
	return sink_stop(sink_stdout);
}
