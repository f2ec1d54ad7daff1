/*
 * The output layer: the only file that knows the text and JSON formats.
 *
 * Events are formatted into one buffer and written when the loop has
 * drained libcpg's queue, so a burst costs one write(2), and `| jq' still
 * sees every event as soon as it is dispatched. Names and payloads are
 * bytes with a length: they may hold NULs, invalid UTF-8 or terminal
 * control sequences, and neither format lets any of that through raw.
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

#define FMT_ESCAPES	"nt0\\"
#define FMT_TOKENS	"gnpslxtT%"

static struct {
	int		 json;
	int		 enc;
	int		 stamps;
	int		 exclude_self;
	unsigned	 events;
	int		 events_set;
	const char	*format;
	uint32_t	 self_node;
	uint32_t	 self_pid;
	char		*buf;
	size_t		 len;		/* bytes in buf */
	size_t		 off;		/* bytes of buf already written */
	size_t		 cap;
	int		 oldfl;		/* stdout's flags, -1 if untouched */
	int		 broken;	/* the reader closed the pipe */
	time_t		 tsec;		/* the second tcache was made for */
	char		 tcache[48];
} o = { .events = EVM_ALL, .oldfl = -1, .tsec = -1 };

static const char hexd[] = "0123456789abcdef";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *const reasons[] = {
	"undefined", "join", "leave", "nodedown", "nodeup", "procdown",
};
static const char *const types[] = {
	[EV_MESSAGE] = "message", [EV_CONFCHG] = "confchg",
	[EV_TOTEM] = "totem", [EV_GAP] = "gap", [EV_MEMBERS] = "members",
};

/*
 * The buffer's first size; once drained, a buffer that grew past it for a
 * burst or a big message is given back. sess.c dispatches well under it.
 */
#define OUT_CHUNK	65536

/* room()'s slow path: compact or grow the buffer. */
static char *
grow(size_t n)
{
	size_t cap;
	char *p;

	if (o.off > 0 && (o.off == o.len || o.off > o.cap / 2)) {
		memmove(o.buf, o.buf + o.off, o.len - o.off);
		o.len -= o.off;
		o.off = 0;
		if (o.len + n <= o.cap)
			return o.buf + o.len;
	}
	cap = o.cap ? o.cap : OUT_CHUNK;
	while (cap < o.len + n)
		cap *= 2;
	if ((p = realloc(o.buf, cap)) == NULL)
		err(ST_FAIL, "output buffer");
	o.buf = p;
	o.cap = cap;
	return o.buf + o.len;
}

/* Make room for n more bytes; output is lost only if memory is. */
static inline char *
room(size_t n)
{
	if (o.buf != NULL && o.cap - o.len >= n)
		return o.buf + o.len;
	return grow(n);
}

static void
put(const void *p, size_t n)
{
	memcpy(room(n), p, n);
	o.len += n;
}

/*
 * What is pending, to go back to if what follows turns out not to fit its
 * form (rewind): counted from o.off, since grow() may move the buffer.
 */
static size_t
mark(void)
{
	return o.len - o.off;
}

static void
rewind_to(size_t m)
{
	o.len = o.off + m;
}

/* A string literal: its length is known at compile time. */
#define PUTS(lit)	put(lit, sizeof(lit) - 1)

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

static void
putch(char c)
{
	*room(1) = c;
	o.len++;
}

static void
putu(uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);

	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put(p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
putx(unsigned char c)
{
	char *p = room(4);

	p[0] = '\\';
	p[1] = 'x';
	p[2] = hexd[c >> 4];
	p[3] = hexd[c & 15];
	o.len += 4;
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
 * Text: printable ASCII and valid UTF-8 above the C1 controls pass;
 * backslash doubles; anything else is \xNN. In a name a space is \x20 too,
 * so a name is always one awk field and reads back as a GROUP argument.
 */
static void
put_text(const void *data, size_t n, int name)
{
	const unsigned char *p = data;
	size_t i = 0, run, k;
	uint32_t cp;

	while (i < n) {
		for (run = i; run < n && p[run] > (name ? 0x20 : 0x1f) &&
		    p[run] < 0x7f && p[run] != '\\'; run++)
			;
		put(p + i, run - i);
		if ((i = run) == n)
			break;
		if (p[i] == '\\') {
			put("\\\\", 2);
			i++;
		} else if (p[i] >= 0x80 &&
		    (k = utf8_seq(p + i, n - i, &cp)) > 0 && cp >= 0xa0) {
			put(p + i, k);
			i += k;
		} else
			putx(p[i++]);
	}
}

static void
put_hex(const void *data, size_t n)
{
	const unsigned char *p = data;
	char *d = room(n * 2);
	size_t i;

	for (i = 0; i < n; i++) {
		*d++ = hexd[p[i] >> 4];
		*d++ = hexd[p[i] & 15];
	}
	o.len += n * 2;
}

static void
put_base64(const void *data, size_t n)
{
	const unsigned char *p = data;
	char *d = room((n + 2) / 3 * 4);
	uint32_t v;
	size_t i;

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
	o.len += (n + 2) / 3 * 4;
}

/* Bytes a JSON string carries as they are: printable ASCII but " and \\. */
static const unsigned char jplain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

/*
 * A JSON string's body, in one pass: 0, with nothing put, if the bytes
 * are not what a JSON string can carry losslessly (valid UTF-8, no NUL).
 */
static int
put_jstr(const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t m = mark(), i = 0, run, k;
	uint32_t cp;

	while (i < n) {
		for (run = i; run < n && jplain[p[run]]; run++)
			;
		put(p + i, run - i);
		if ((i = run) == n)
			break;
		if (p[i] >= 0x80 && (k = utf8_seq(p + i, n - i, &cp)) > 0) {
			put(p + i, k);
			i += k;
			continue;
		}
		switch (p[i]) {
		case '"':
			put("\\\"", 2);
			break;
		case '\\':
			put("\\\\", 2);
			break;
		case '\n':
			put("\\n", 2);
			break;
		case '\t':
			put("\\t", 2);
			break;
		case '\r':
			put("\\r", 2);
			break;
		default:
			if (p[i] == 0 || p[i] >= 0x80) {
				rewind_to(m);
				return 0;
			}
			put("\\u00", 4);
			putch(hexd[p[i] >> 4]);
			putch(hexd[p[i] & 15]);
		}
		i++;
	}
	return 1;
}

/* "key":"..." or "key_base64":"..." when the bytes are not UTF-8. */
static void
put_jbytes(const char *key, const void *data, size_t n, int enc)
{
	size_t m = mark();

	putch('"');
	puts_(key);
	if (enc == ENC_TEXT) {
		PUTS("\":\"");
		if (put_jstr(data, n)) {
			putch('"');
			return;
		}
		/* not text after all: the key again, in base64 */
		rewind_to(m);
		putch('"');
		puts_(key);
		enc = ENC_BASE64;
	}
	puts_(enc == ENC_HEX ? "_hex\":\"" : "_base64\":\"");
	if (enc == ENC_HEX)
		put_hex(data, n);
	else
		put_base64(data, n);
	putch('"');
}

static void
put_payload(const void *data, size_t n)
{
	if (o.enc == ENC_HEX)
		put_hex(data, n);
	else if (o.enc == ENC_BASE64)
		put_base64(data, n);
	else
		put_text(data, n, 0);
}

/* RFC 3339 local time with microseconds; the second is formatted once. */
static void
put_time(const struct timespec *ts)
{
	struct tm tm;
	char *p;
	long off, us;
	int i;

	if (ts->tv_sec != o.tsec) {
		localtime_r(&ts->tv_sec, &tm);
		strftime(o.tcache, sizeof(o.tcache), "%Y-%m-%dT%H:%M:%S", &tm);
		o.tsec = ts->tv_sec;
		off = tm.tm_gmtoff / 60;
		p = o.tcache + strlen(o.tcache);
		snprintf(p, o.tcache + sizeof(o.tcache) - p, ".000000%c%02ld:%02ld",
		    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	}
	p = room(sizeof(o.tcache));
	memcpy(p, o.tcache, strlen(o.tcache));
	/* the microseconds go where the cached ".000000" stands */
	for (us = ts->tv_nsec / 1000, i = 25; i >= 20; i--, us /= 10)
		p[i] = (char)('0' + us % 10);
	o.len += strlen(o.tcache);
}

static int
is_self(const struct cpg_address *a)
{
	return o.exclude_self && a->nodeid == o.self_node &&
	    a->pid == o.self_pid;
}

static size_t
count_others(const struct cpg_address *a, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += !is_self(&a[i]);
	return c;
}

/* key=N:P[:REASON],... or key=- */
static void
text_list(const char *key, const struct cpg_address *a, size_t n,
    int reason)
{
	size_t i, c = 0;

	putch(' ');
	puts_(key);
	putch('=');
	for (i = 0; i < n; i++) {
		if (is_self(&a[i]))
			continue;
		if (c++)
			putch(',');
		putu(a[i].nodeid);
		putch(':');
		putu(a[i].pid);
		if (reason) {
			putch(':');
			puts_(a[i].reason < 6 ? reasons[a[i].reason] :
			    "undefined");
		}
	}
	if (c == 0)
		putch('-');
}

static void
json_list(const char *key, const struct cpg_address *a, size_t n,
    int reason)
{
	size_t i, c = 0;

	PUTS(",\"");
	puts_(key);
	PUTS("\":[");
	for (i = 0; i < n; i++) {
		if (is_self(&a[i]))
			continue;
		if (c++)
			putch(',');
		PUTS("{\"nodeid\":");
		putu(a[i].nodeid);
		PUTS(",\"pid\":");
		putu(a[i].pid);
		if (reason) {
			PUTS(",\"reason\":\"");
			puts_(a[i].reason < 6 ? reasons[a[i].reason] :
			    "undefined");
			putch('"');
		}
		putch('}');
	}
	putch(']');
}

static void
text_event(const struct event *ev)
{
	size_t i;
	int ex;

	puts_(types[ev->type]);
	putch(' ');
	if (o.stamps) {
		put_time(&ev->time);
		putch(' ');
	}
	if (ev->type == EV_TOTEM) {
		PUTS("ring=");
		putu(ev->ring.nodeid);
		putch(':');
		putu(ev->ring.seq);
		PUTS(" members=");
		for (i = 0; i < ev->nnodes; i++) {
			if (i)
				putch(',');
			putu(ev->nodes[i]);
		}
		if (ev->nnodes == 0)
			putch('-');
		putch('\n');
		return;
	}
	put_text(ev->group->value, ev->group->length, 1);
	switch (ev->type) {
	case EV_MESSAGE:
		putch(' ');
		putu(ev->nodeid);
		putch(' ');
		putu(ev->pid);
		putch(' ');
		putu(ev->len);
		putch(' ');
		put_payload(ev->data, ev->len);
		break;
	case EV_CONFCHG:
	case EV_MEMBERS:
		/* the member list is the truth; only joined/left hide us */
		ex = o.exclude_self;
		o.exclude_self = 0;
		text_list("members", ev->members, ev->nmembers, 0);
		o.exclude_self = ex;
		text_list("joined", ev->joined, ev->njoined,
		    ev->type == EV_CONFCHG);
		text_list("left", ev->left, ev->nleft, ev->type == EV_CONFCHG);
		break;
	default:
		break;
	}
	putch('\n');
}

static void
json_event(const struct event *ev)
{
	size_t i;

	PUTS("{\"type\":\"");
	puts_(types[ev->type]);
	putch('"');
	if (o.stamps) {
		PUTS(",\"time\":\"");
		put_time(&ev->time);
		putch('"');
	}
	if (ev->type == EV_TOTEM) {
		PUTS(",\"ring_id\":{\"nodeid\":");
		putu(ev->ring.nodeid);
		PUTS(",\"seq\":");
		putu(ev->ring.seq);
		PUTS("},\"members\":[");
		for (i = 0; i < ev->nnodes; i++) {
			if (i)
				putch(',');
			putu(ev->nodes[i]);
		}
		PUTS("]}\n");
		return;
	}
	putch(',');
	put_jbytes("group", ev->group->value, ev->group->length, ENC_TEXT);
	if (ev->type == EV_MESSAGE) {
		PUTS(",\"nodeid\":");
		putu(ev->nodeid);
		PUTS(",\"pid\":");
		putu(ev->pid);
		PUTS(",\"size\":");
		putu(ev->len);
		putch(',');
		put_jbytes("payload", ev->data, ev->len, o.enc);
	} else if (ev->type != EV_GAP) {
		int ex = o.exclude_self;

		o.exclude_self = 0;
		json_list("members", ev->members, ev->nmembers, 0);
		o.exclude_self = ex;
		json_list("joined", ev->joined, ev->njoined,
		    ev->type == EV_CONFCHG);
		json_list("left", ev->left, ev->nleft, ev->type == EV_CONFCHG);
	}
	PUTS("}\n");
}

static void
format_event(const struct event *ev)
{
	const char *f;

	for (f = o.format; *f; f++) {
		if (*f == '\\') {
			f++;
			putch(*f == 'n' ? '\n' : *f == 't' ? '\t' :
			    *f == '0' ? '\0' : '\\');
			continue;
		}
		if (*f != '%') {
			putch(*f);
			continue;
		}
		switch (*++f) {
		case 'g':
			put_text(ev->group->value, ev->group->length, 1);
			break;
		case 'n':
			putu(ev->nodeid);
			break;
		case 'p':
			putu(ev->pid);
			break;
		case 's':
			put(ev->data, ev->len);
			break;
		case 'l':
			putu(ev->len);
			break;
		case 'x':
			put_hex(ev->data, ev->len);
			break;
		case 't':
			puts_(types[ev->type]);
			break;
		case 'T':
			put_time(&ev->time);
			break;
		default:
			putch('%');
		}
	}
}

/* Print an event unless --events or --exclude-self hide it; 1 if printed. */
int
out_event(const struct event *ev)
{
	static const unsigned mask[] = {
		[EV_MESSAGE] = EVM_MESSAGE, [EV_CONFCHG] = EVM_CONFCHG,
		[EV_TOTEM] = EVM_TOTEM,
	};
	if (ev->type <= EV_TOTEM && !(o.events & mask[ev->type]))
		return 0;
	if (o.exclude_self && ev->type == EV_MESSAGE &&
	    ev->nodeid == o.self_node && ev->pid == o.self_pid)
		return 0;
	if (o.exclude_self && ev->type == EV_CONFCHG &&
	    count_others(ev->joined, ev->njoined) == 0 &&
	    count_others(ev->left, ev->nleft) == 0)
		return 0;
	if (o.format != NULL && ev->type == EV_MESSAGE)
		format_event(ev);
	else if (o.json)
		json_event(ev);
	else
		text_event(ev);
	return 1;
}

static void
text_member(const struct cpg_name *g, const struct cpg_address *a,
    const struct nodeinfo *ni, uint32_t local)
{
	put_text(g->value, g->length, 1);
	putch(' ');
	putu(a->nodeid);
	putch(' ');
	putu(a->pid);
	if (ni != NULL) {
		putch(' ');
		if (ni->name[0])
			put_text(ni->name, strlen(ni->name), 1);
		else
			putch('-');
		putch(' ');
		puts_(ni->addrs[0] ? ni->addrs : "-");
		puts_(a->nodeid == local ? " local" : " -");
	}
	putch('\n');
}

static void
json_member(const struct cpg_address *a, const struct nodeinfo *ni,
    uint32_t local)
{
	const char *p, *q;
	size_t m;

	PUTS("{\"nodeid\":");
	putu(a->nodeid);
	PUTS(",\"pid\":");
	putu(a->pid);
	if (ni != NULL) {
		PUTS(",\"name\":");
		m = mark();
		putch('"');
		if (ni->name[0] && put_jstr(ni->name, strlen(ni->name)))
			putch('"');
		else {
			rewind_to(m);
			PUTS("null");
		}
		PUTS(",\"addrs\":[");
		for (p = ni->addrs; *p; p = *q ? q + 1 : q) {
			q = strchrnul(p, ',');
			if (p != ni->addrs)
				putch(',');
			putch('"');
			put(p, (size_t)(q - p));
			putch('"');
		}
		puts_(a->nodeid == local ? "],\"local\":true" :
		    "],\"local\":false");
	}
	putch('}');
}

/* A group's members: a line each in text, one object in JSON. */
void
out_members(const struct cpg_name *g, const struct cpg_address *a, size_t n,
    const struct nodeinfo *ni, uint32_t local)
{
	size_t i;

	if (!o.json) {
		for (i = 0; i < n; i++)
			text_member(g, &a[i], ni ? &ni[i] : NULL, local);
		return;
	}
	putch('{');
	put_jbytes("group", g->value, g->length, ENC_TEXT);
	PUTS(",\"members\":[");
	for (i = 0; i < n; i++) {
		if (i)
			putch(',');
		json_member(&a[i], ni ? &ni[i] : NULL, local);
	}
	PUTS("]}\n");
}

/* A group name as text output shows it, for error messages. */
void
out_group_str(const struct cpg_name *g, char *buf, size_t size)
{
	char *sbuf = o.buf;
	size_t slen = o.len, soff = o.off, scap = o.cap;

	/* borrow the buffer machinery on a scratch buffer */
	o.buf = NULL;
	o.len = o.off = o.cap = 0;
	put_text(g->value, g->length > CPG_MAX_NAME_LENGTH ?
	    CPG_MAX_NAME_LENGTH : g->length, 1);
	snprintf(buf, size, "%.*s", (int)o.len, o.buf ? o.buf : "");
	free(o.buf);
	o.buf = sbuf;
	o.len = slen;
	o.off = soff;
	o.cap = scap;
}

static int
parse_events(const char *arg)
{
	static const char *const names[] = { "message", "confchg", "totem" };
	const char *p = arg, *q;
	size_t i;

	o.events = 0;
	for (; *p; p = *q ? q + 1 : q) {
		q = strchrnul(p, ',');
		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == (size_t)(q - p) &&
			    strncmp(p, names[i], (size_t)(q - p)) == 0)
				break;
		if (i == 3) {
			usage_error("unknown event '%.*s' in --events "
			    "(message, confchg, totem)", (int)(q - p), p);
			return -1;
		}
		o.events |= 1u << i;
	}
	if (o.events == 0) {
		usage_error("--events needs at least one event");
		return -1;
	}
	o.events_set = 1;
	return 1;
}

static int
parse_format(const char *arg)
{
	const char *f;

	for (f = arg; *f; f++) {
		if (*f != '%' && *f != '\\')
			continue;
		if (f[1] == '\0' || strchr(*f == '%' ? FMT_TOKENS :
		    FMT_ESCAPES, f[1]) == NULL) {
			usage_error("invalid --format token '%c%s'", *f,
			    f[1] ? (char[]){ f[1], 0 } : "");
			return -1;
		}
		f++;
	}
	o.format = arg;
	return 1;
}

/* An output option: 1 if taken, 0 if not ours, -1 if its value is bad. */
int
out_option(int ch, const char *arg)
{
	switch (ch) {
	case 'j':
		o.json = 1;
		return 1;
	case 'T':
		o.stamps = 1;
		return 1;
	case 'x':
		o.exclude_self = 1;
		return 1;
	case 'E':
		return parse_events(arg);
	case 'F':
		return parse_format(arg);
	case 'e':
		if (strcmp(arg, "text") == 0)
			o.enc = ENC_TEXT;
		else if (strcmp(arg, "base64") == 0)
			o.enc = ENC_BASE64;
		else if (strcmp(arg, "hex") == 0)
			o.enc = ENC_HEX;
		else {
			usage_error("unknown encoding '%s' (text, "
			    "base64, hex)", arg);
			return -1;
		}
		return 1;
	}
	return 0;
}

int
out_json(void)
{
	return o.json;
}

int
out_stamps(void)
{
	return o.stamps;
}

/* The events a command prints unless --events says otherwise. */
void
out_events_default(unsigned mask)
{
	if (!o.events_set)
		o.events = o.format != NULL ? EVM_MESSAGE : mask;
}

void
out_self(uint32_t nodeid, uint32_t pid)
{
	o.self_node = nodeid;
	o.self_pid = pid;
}

/*
 * A pipe or socket is written without blocking, so the loop keeps
 * dispatching while a slow reader catches up (corosync would otherwise
 * queue for us without bound); terminals and files are written as usual.
 */
int
out_start(void)
{
	struct stat st;
	int fl;

	if (std_closed & (1u << STDOUT_FILENO)) {
		warnx("standard output is closed");
		return ST_FAIL;
	}
	if (fstat(STDOUT_FILENO, &st) == -1 ||
	    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return ST_OK;
	if ((fl = fcntl(STDOUT_FILENO, F_GETFL)) == -1 ||
	    fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK) == -1)
		return ST_OK;
	o.oldfl = fl;
	return ST_OK;
}

/* Write what is buffered; -1 on error (out_broken tells EPIPE). */
int
out_flush(void)
{
	ssize_t n;

	while (o.off < o.len) {
		n = write(STDOUT_FILENO, o.buf + o.off, o.len - o.off);
		if (n >= 0) {
			o.off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		if (errno == EPIPE)
			o.broken = 1;
		o.off = o.len = 0;
		return -1;
	}
	o.off = o.len = 0;
	/* a burst for a slow reader is over: give its memory back */
	if (o.cap > OUT_CHUNK) {
		free(o.buf);
		o.buf = NULL;
		o.cap = 0;
	}
	return 0;
}

size_t
out_pending(void)
{
	return o.len - o.off;
}

int
out_broken(void)
{
	return o.broken;
}

/* What is buffered and not yet written: for the fuzzer, which never writes. */
const char *
out_peek(size_t *n)
{
	*n = o.len - o.off;
	return o.buf ? o.buf + o.off : "";
}

/* Forget what the reader could not take: we are giving up on it. */
void
out_drop(void)
{
	o.off = o.len = 0;
}

/* Write the rest (blocking now), restore stdout: the exit status. */
int
out_stop(void)
{
	int st = ST_OK;

	if (o.oldfl != -1)
		fcntl(STDOUT_FILENO, F_SETFL, o.oldfl);
	o.oldfl = -1;
	if (out_flush() == -1 && !o.broken) {
		warn("write");
		st = ST_FAIL;
	}
	free(o.buf);
	o.buf = NULL;
	o.len = o.off = o.cap = 0;
	return st;
}

/*
 * A lock event: "TYPE NAME [REASON]", or its JSON. To standard output
 * through the buffer, or to another descriptor (stderr, while COMMAND
 * owns stdout) at once.
 */
void
out_lock_event(int fd, const char *type, const struct cpg_name *name,
    const char *reason)
{
	struct timespec ts;
	size_t m = mark();

	clock_gettime(CLOCK_REALTIME, &ts);
	if (o.json) {
		PUTS("{\"type\":\"");
		puts_(type);
		putch('"');
		if (o.stamps) {
			PUTS(",\"time\":\"");
			put_time(&ts);
			putch('"');
		}
		putch(',');
		put_jbytes("lock", name->value, name->length, ENC_TEXT);
		if (reason != NULL) {
			PUTS(",\"reason\":\"");
			puts_(reason);
			putch('"');
		}
		PUTS("}\n");
	} else {
		puts_(type);
		putch(' ');
		if (o.stamps) {
			put_time(&ts);
			putch(' ');
		}
		put_text(name->value, name->length, 1);
		if (reason != NULL) {
			putch(' ');
			puts_(reason);
		}
		putch('\n');
	}
	if (fd == STDOUT_FILENO)
		return;
	(void)!write(fd, o.buf + o.off + m, o.len - o.off - m);
	rewind_to(m);
}

static void
lock_entry(const char *role, const struct cpg_address *a,
    const struct nodeinfo *ni, int first)
{
	if (!o.json) {
		puts_(role);
		putch(' ');
		putu(a->nodeid);
		putch(' ');
		putu(a->pid);
		if (ni != NULL) {
			putch(' ');
			if (ni->name[0])
				put_text(ni->name, strlen(ni->name), 1);
			else
				putch('-');
		}
		putch('\n');
		return;
	}
	if (!first)
		putch(',');
	PUTS("{\"nodeid\":");
	putu(a->nodeid);
	PUTS(",\"pid\":");
	putu(a->pid);
	if (ni != NULL) {
		PUTS(",\"name\":");
		if (ni->name[0]) {
			putch('"');
			if (!put_jstr(ni->name, strlen(ni->name)))
				PUTS("?");
			putch('"');
		} else
			PUTS("null");
	}
	putch('}');
}

/* lock --show: the holders, then the waiters, in queue order. */
void
out_lock_queue(const struct cpg_name *name, unsigned limit,
    const struct cpg_address *a, size_t n, size_t nholders,
    const struct nodeinfo *ni)
{
	size_t i;

	if (o.json) {
		putch('{');
		put_jbytes("lock", name->value, name->length, ENC_TEXT);
		PUTS(",\"limit\":");
		if (limit)
			putu(limit);
		else
			PUTS("null");
		PUTS(",\"holders\":[");
	}
	for (i = 0; i < nholders; i++)
		lock_entry("holder", &a[i], ni ? &ni[i] : NULL, i == 0);
	if (o.json)
		PUTS("],\"waiters\":[");
	for (i = nholders; i < n; i++)
		lock_entry("waiter", &a[i], ni ? &ni[i] : NULL, i == nholders);
	if (o.json)
		PUTS("]}\n");
}
