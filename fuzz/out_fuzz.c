/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the output layer, linked with sink.o, enc.o,
 * outopt.o, out.o and util.o as cpgtool is. Each input chooses the options
 * (outopt_init between inputs), a group name, a payload and who "self" is;
 * the events, two lock events and a lock's queue are rendered into a
 * memory sink and checked:
 *   JSON: every line is one valid JSON object (strict, UTF-8) with no raw
 *         DEL, C1 control, U+2028 or U+2029; the group, lock and payload
 *         decode back to the original bytes, as a string whenever those
 *         are valid UTF-8 (NULs included);
 *   text: one line per item, no control byte but the newline, none of the
 *         above raw nor a bidi or zero-width format character, the group
 *         reads back exactly, the ring id is hex;
 *   --format: a format taken from the input is either refused or renders
 *         the message exactly as each byte of it says (%s on a terminal:
 *         escaped as text is, and reads back exactly);
 *   --exec's environment: NAME=VALUE strings ending in NULs, each NAME
 *         one cpgtool sets, no value with a control byte or anything that
 *         breaks a line, the group read back exactly;
 *   quorum events and quorum's view (node names from the payload): as
 *         the JSON and text rules above say.
 * The checks read the output with code of their own (UTF-8, base64, hex),
 * not enc.c's. A violation traps.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "out.h"
#include "sink.h"
#include "util.h"

#define TOTEM		"{\"type\":\"totem\""
#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

static const char hexd[] = "0123456789abcdef";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const unsigned char *jp, *je;	/* JSON parser position, end */
static unsigned char dec[1 << 16];	/* the last string decoded */
static size_t ndec;

/* The output options, as cpgtool's parser made them. */
static struct outfmt of;

/* What this input asked for. */
static struct {
	int		 json;
	int		 stamps;
	int		 exclude;
	int		 enc;		/* 0 text, 1 base64, 2 hex */
	int		 tty;		/* of.tty: %s escapes */
} opt;

static int json_value(void);

/* Length of the valid UTF-8 sequence at p (0 if none), its code point. */
static size_t
utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t k, i;

	k = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 :
	    (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (k == 0 || n < k)
		return 0;
	*cp = k == 1 ? p[0] : p[0] & (0xffu >> (k + 1));
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if (*cp < min[k] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return k;
}

static int
valid_utf8(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t i, k;

	for (i = 0; i < n; i += k)
		if ((k = utf8(p + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

/* What no line may hold raw (above ASCII, and DEL). */
static int
breaks_lines(uint32_t cp)
{
	return (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029;
}

/*
 * What text may not hold raw either: the format characters that reorder
 * a line or hide text (the bidi controls, the zero-width ones, U+FEFF,
 * the tags). A sample of Cf, not enc.c's table.
 */
static int
hides_text(uint32_t cp)
{
	return cp == 0x061c || cp == 0xfeff || cp == 0xad ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f);
}

/* Text: nothing that breaks a line or hides text, raw in [p, e). */
static void
check_text_raw(const char *p, const char *e)
{
	uint32_t cp;
	size_t k;

	for (; p < e; p += k) {
		k = utf8((const unsigned char *)p, (size_t)(e - p), &cp);
		CHECK(k > 0 && !breaks_lines(cp) && !hides_text(cp) &&
		    (cp >= 0x20 || cp == '\n'));
	}
}

static void
ws(void)
{
	while (jp < je && (*jp == ' ' || *jp == '\t' || *jp == '\r'))
		jp++;
}

static int
hex4(unsigned *v)
{
	int i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (jp >= je || (d = hexval(*jp++)) < 0)
			return 0;
		*v = *v << 4 | (unsigned)d;
	}
	return 1;
}

static void
put_dec(unsigned c)
{
	if (ndec < sizeof(dec))
		dec[ndec++] = (unsigned char)c;
}

/* A code point of the BMP as UTF-8, into dec. */
static void
put_dec_cp(unsigned v)
{
	if (v < 0x80)
		put_dec(v);
	else if (v < 0x800) {
		put_dec(0xc0 | v >> 6);
		put_dec(0x80 | (v & 0x3f));
	} else {
		put_dec(0xe0 | v >> 12);
		put_dec(0x80 | ((v >> 6) & 0x3f));
		put_dec(0x80 | (v & 0x3f));
	}
}

/* A string, decoded into dec. */
static int
json_string(void)
{
	uint32_t cp;
	unsigned v;
	size_t k;

	ndec = 0;
	if (jp >= je || *jp++ != '"')
		return 0;
	while (jp < je && *jp != '"') {
		if (*jp < 0x20)
			return 0;
		if (*jp == '\\') {
			if (++jp >= je)
				return 0;
			switch (*jp++) {
			case '"': put_dec('"'); break;
			case '\\': put_dec('\\'); break;
			case '/': put_dec('/'); break;
			case 'n': put_dec('\n'); break;
			case 't': put_dec('\t'); break;
			case 'r': put_dec('\r'); break;
			case 'b': put_dec('\b'); break;
			case 'f': put_dec('\f'); break;
			case 'u':
				/* enc.c never needs a surrogate pair */
				if (!hex4(&v) || (v >= 0xd800 && v <= 0xdfff))
					return 0;
				put_dec_cp(v);
				break;
			default:
				return 0;
			}
			continue;
		}
		if ((k = utf8(jp, (size_t)(je - jp), &cp)) == 0)
			return 0;
		while (k--)
			put_dec(*jp++);
	}
	return jp < je && *jp++ == '"';
}

static int
json_number(void)
{
	const unsigned char *s = jp;

	if (jp < je && *jp == '-')
		jp++;
	while (jp < je && *jp >= '0' && *jp <= '9')
		jp++;
	return jp > s && !(s[0] == '0' && jp - s > 1);
}

static int
jlist(int obj)
{
	jp++;
	ws();
	if (jp < je && *jp == (obj ? '}' : ']'))
		return jp++, 1;
	for (;;) {
		ws();
		if (obj && (!json_string() || (ws(), jp >= je) ||
		    *jp++ != ':'))
			return 0;
		if (!json_value())
			return 0;
		ws();
		if (jp >= je)
			return 0;
		if (*jp == ',') {
			jp++;
			continue;
		}
		return *jp++ == (obj ? '}' : ']');
	}
}

static int
json_value(void)
{
	ws();
	if (jp >= je)
		return 0;
	switch (*jp) {
	case '{':
		return jlist(1);
	case '[':
		return jlist(0);
	case '"':
		return json_string();
	case 't':
		return je - jp >= 4 && memcmp(jp, "true", 4) == 0 && (jp += 4);
	case 'f':
		return je - jp >= 5 && memcmp(jp, "false", 5) == 0 &&
		    (jp += 5);
	case 'n':
		return je - jp >= 4 && memcmp(jp, "null", 4) == 0 && (jp += 4);
	}
	return json_number();
}

/* The value of "key" in the line [p, e), decoded into dec; 0 if absent. */
static int
json_get(const char *p, const char *e, const char *key)
{
	char pat[32];
	const char *k;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((k = memmem(p, (size_t)(e - p), pat, strlen(pat))) == NULL)
		return 0;
	jp = (const unsigned char *)k + strlen(pat);
	je = (const unsigned char *)e;
	CHECK(json_string());
	return 1;
}

static size_t
unbase64(unsigned char *d)
{
	size_t i, n = 0;
	uint32_t v = 0;
	int bits = 0;
	const char *c;

	for (i = 0; i < ndec && dec[i] != '='; i++) {
		CHECK(dec[i] != '\0' && (c = strchr(b64, dec[i])) != NULL);
		v = v << 6 | (uint32_t)(c - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			d[n++] = (unsigned char)(v >> bits);
		}
	}
	return n;
}

/*
 * The key as text, base64 or hex must decode to want; as text (a JSON
 * string) whenever the encoding is text and want is valid UTF-8.
 */
static void
json_bytes(const char *p, const char *e, const char *key,
    const void *want, size_t n, int enc)
{
	static unsigned char d[1 << 16];
	char k[32];
	size_t i, got;

	snprintf(k, sizeof(k), "%s_base64", key);
	if (json_get(p, e, k)) {
		CHECK(enc == 1 || (enc == 0 && !valid_utf8(want, n)));
		got = unbase64(d);
	} else if (snprintf(k, sizeof(k), "%s_hex", key), json_get(p, e, k)) {
		CHECK(enc == 2 && ndec % 2 == 0);
		for (i = 0, got = 0; i < ndec; i += 2)
			d[got++] = (unsigned char)(hexval(dec[i]) << 4 |
			    hexval(dec[i + 1]));
	} else {
		CHECK(enc == 0 && json_get(p, e, key));
		memcpy(d, dec, ndec);
		got = ndec;
	}
	CHECK(got == n && memcmp(d, want, n) == 0);
}

/* No raw DEL, C1, U+2028, U+2029 in [p, e); all of it valid UTF-8. */
static void
check_raw(const char *p, const char *e)
{
	uint32_t cp;
	size_t k;

	for (; p < e; p += k) {
		k = utf8((const unsigned char *)p, (size_t)(e - p), &cp);
		CHECK(k > 0 && !breaks_lines(cp));
	}
}

static int
prefix(const char *p, const char *e, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(e - p) >= n && memcmp(p, s, n) == 0;
}

static void
check_json(const char *p, size_t n, const struct cpg_name *g,
    const struct event *ev, int lines)
{
	const char *e = p + n, *nl;
	int lock;

	for (; p < e; p = nl + 1, lines--) {
		CHECK((nl = memchr(p, '\n', (size_t)(e - p))) != NULL);
		check_raw(p, nl);
		jp = (const unsigned char *)p;
		je = (const unsigned char *)nl;
		CHECK(*jp == '{' && json_value() && (ws(), jp == je));
		/* "type" comes first; a name may well contain "message" */
		if (prefix(p, nl, TOTEM))
			continue;
		lock = prefix(p, nl, "{\"lock") ||
		    prefix(p, nl, "{\"type\":\"acquired\"") ||
		    prefix(p, nl, "{\"type\":\"lost\"");
		json_bytes(p, nl, lock ? "lock" : "group", g->value, g->length,
		    0);
		if (prefix(p, nl, "{\"type\":\"message\""))
			json_bytes(p, nl, "payload", ev->data, ev->len,
			    opt.enc);
	}
	CHECK(lines == 0);
}

/* Undo the text escaping of a name: \\ and \xNN. */
static size_t
untext(const char *p, const char *e, unsigned char *d)
{
	size_t n = 0;

	while (p < e) {
		if (*p != '\\') {
			d[n++] = (unsigned char)*p++;
			continue;
		}
		CHECK(e - p >= 2);
		if (p[1] == '\\') {
			d[n++] = '\\';
			p += 2;
			continue;
		}
		CHECK(p[1] == 'x' && e - p >= 4);
		d[n++] = (unsigned char)(hexval(p[2]) << 4 | hexval(p[3]));
		p += 4;
	}
	return n;
}

/* The field after the type (and the time): the group or lock name. */
static void
check_text_name(const char *p, const char *nl, const struct cpg_name *g)
{
	unsigned char d[GROUP_STR_MAX];
	const char *sp;
	size_t k;

	p = (const char *)memchr(p, ' ', (size_t)(nl - p)) + 1;
	if (opt.stamps)
		p = (const char *)memchr(p, ' ', (size_t)(nl - p)) + 1;
	sp = memchr(p, ' ', (size_t)(nl - p));
	k = untext(p, sp ? sp : nl, d);
	CHECK(k == g->length && memcmp(d, g->value, k) == 0);
}

static void
check_text(const char *p, size_t n, const struct cpg_name *g,
    const struct event *ev, int lines)
{
	const char *e = p + n, *nl, *r;
	char want[64];
	size_t i;

	for (i = 0; i < n; i++)
		CHECK(p[i] == '\n' || ((unsigned char)p[i] >= 0x20 &&
		    p[i] != 0x7f));
	check_text_raw(p, e);
	for (; p < e; p = nl + 1, lines--) {
		CHECK((nl = memchr(p, '\n', (size_t)(e - p))) != NULL);
		if (prefix(p, nl, "holder ") || prefix(p, nl, "waiter "))
			continue;
		if (!prefix(p, nl, "totem ")) {
			check_text_name(p, nl, g);
			continue;
		}
		snprintf(want, sizeof(want), "ring=%x.%llx members=1,2,3",
		    ev->ring.nodeid, (unsigned long long)ev->ring.seq);
		CHECK((r = memmem(p, (size_t)(nl - p), want,
		    strlen(want))) != NULL && r + strlen(want) == nl);
	}
	CHECK(lines == 0);
}

/* The number v in decimal at *p; advances *p. */
static void
expect_u(const char **p, const char *e, uint64_t v)
{
	char d[24];
	size_t k = (size_t)snprintf(d, sizeof(d), "%llu",
	    (unsigned long long)v);

	CHECK((size_t)(e - *p) >= k && memcmp(*p, d, k) == 0);
	*p += k;
}

static void
expect(const char **p, const char *e, const void *want, size_t n)
{
	CHECK((size_t)(e - *p) >= n && memcmp(*p, want, n) == 0);
	*p += n;
}

/*
 * Text-escaped bytes at *p, un-escaped unit by unit until they give the
 * n bytes want; nothing raw on the way that a terminal would act on.
 */
static void
expect_text(const char **p, const char *e, const unsigned char *want,
    size_t n)
{
	const char *u, *s = *p;
	unsigned char gd[4];
	size_t i;

	for (i = 0; i < n; i++) {
		CHECK(*p < e);
		u = **p == '\\' ? *p + (*p + 1 < e && (*p)[1] == 'x' ? 4 : 2) :
		    *p + 1;
		CHECK(u <= e);
		CHECK(untext(*p, u, gd) == 1 && gd[0] == want[i]);
		*p = u;
	}
	check_text_raw(s, *p);
}

/*
 * Walk the format string (not outopt.c's tokens) and the output side by
 * side. %g is un-escaped unit by unit until it gives as many bytes as the
 * name has; %T (the clock) ends the check.
 */
static void
check_format(const char *fmt, const char *p, size_t n, const struct event *ev)
{
	const unsigned char *d = ev->data;
	const char *e = p + n, *u;
	unsigned char c, gd[4];
	size_t i, k;

	for (; *fmt; fmt++) {
		if (*fmt == '\\') {
			fmt++;
			c = *fmt == 'n' ? '\n' : *fmt == 't' ? '\t' :
			    *fmt == '0' ? '\0' : '\\';
			expect(&p, e, &c, 1);
			continue;
		}
		if (*fmt != '%') {
			expect(&p, e, fmt, 1);
			continue;
		}
		switch (*++fmt) {
		case 'g':
			for (i = 0; i < ev->group->length; i += k) {
				CHECK(p < e);
				u = *p == '\\' ? p + (p + 1 < e && p[1] == 'x' ?
				    4 : 2) : p + 1;
				CHECK(u <= e);
				k = untext(p, u, gd);
				CHECK(k == 1 && gd[0] ==
				    (unsigned char)ev->group->value[i]);
				p = u;
			}
			break;
		case 'n':
			expect_u(&p, e, ev->nodeid);
			break;
		case 'p':
			expect_u(&p, e, ev->pid);
			break;
		case 'l':
			expect_u(&p, e, ev->len);
			break;
		case 's':
			if (opt.tty)
				expect_text(&p, e, d, ev->len);
			else
				expect(&p, e, ev->data, ev->len);
			break;
		case 'r':
			expect(&p, e, ev->data, ev->len);
			break;
		case 'x':
			for (i = 0; i < ev->len; i++) {
				expect(&p, e, &hexd[d[i] >> 4], 1);
				expect(&p, e, &hexd[d[i] & 15], 1);
			}
			break;
		case 't':
			expect(&p, e, "message", 7);
			break;
		case 'T':
			return;
		default:
			expect(&p, e, "%", 1);
		}
	}
	CHECK(p == e);
}

/*
 * --format: the payload up to its first NUL (at most 63 bytes) is the
 * format. Refused formats are fine; an accepted one must render exactly.
 */
static void
fuzz_format(struct sink *m, struct event *ev)
{
	char fmt[64];
	const char *p;
	size_t n;

	n = strnlen((const char *)ev->data, ev->len < 63 ? ev->len : 63);
	memcpy(fmt, ev->data, n);
	fmt[n] = '\0';
	if (outopt_option(&of, 'F', fmt) != OPT_TAKEN)
		return;
	if (out_event(m, &of, ev)) {
		p = sink_data(m, &n);
		check_format(fmt, p, n, ev);
	} else
		CHECK(opt.exclude && ev->self_pid == ev->pid);
}

/*
 * Two lock events, a queue and in JSON a member list (node names from the
 * payload): the lines they make.
 */
static int
fuzz_lock(struct sink *m, const struct cpg_name *g, const struct event *ev,
    const struct cpg_address *a, size_t na)
{
	struct nodeinfo ni[4];
	size_t i, n = ev->len < 255 ? ev->len : 255;

	memset(ni, 0, sizeof(ni));
	for (i = 0; i < na; i++) {
		ni[i].nodeid = a[i].nodeid;
		memcpy(ni[i].name, ev->data, n);
	}
	out_lock_event(m, &of, LOCK_ACQUIRED, g, NULL);
	out_lock_event(m, &of, LOCK_LOST, g, "quorum");
	out_lock_queue(m, &of, g, ev->len % 3, a, na, ev->len % 5,
	    ev->len & 1 ? ni : NULL);
	if (!opt.json)
		return 2 + (int)na;
	/* members' JSON (its text leads with the name: not checked here) */
	snprintf(ni[0].addrs, sizeof(ni[0].addrs), "10.0.0.1,fe80::1");
	out_members(m, &of, g, a, na, ev->len & 2 ? ni : NULL, 2);
	return 4;
}

/* The node names --exec's environment asks for: from the payload. */
static char fz_name[256];

static const char *
fuzz_name(void *arg, uint32_t nodeid)
{
	(void)arg;
	(void)nodeid;
	return fz_name;
}

/* Is [p, e) one of the names out_env_names lists? */
static int
env_name_known(const char *p, const char *e)
{
	size_t i;

	for (i = 0; out_env_names[i] != NULL; i++)
		if (strlen(out_env_names[i]) == (size_t)(e - p) &&
		    memcmp(out_env_names[i], p, (size_t)(e - p)) == 0)
			return 1;
	return 0;
}

/* An event's environment for an --exec handler, checked. */
static void
fuzz_env(struct sink *m, const struct event *ev, const struct cpg_name *g)
{
	unsigned char d[GROUP_STR_MAX];
	const char *p, *e, *z, *eq, *q;
	size_t k;
	int r, group = 0;

	k = ev->len < sizeof(fz_name) - 1 ? ev->len : sizeof(fz_name) - 1;
	memcpy(fz_name, ev->data, k);
	fz_name[k] = '\0';
	sink_drop(m);
	r = out_event_env(m, &of, ev, fuzz_name, NULL);
	p = sink_data(m, &k);
	if (r == 0) {
		CHECK(k == 0 && opt.exclude);
		return;
	}
	CHECK(r == 1 && k > 0 && p[k - 1] == '\0');
	for (e = p + k; p < e; p = z + 1) {
		z = memchr(p, '\0', (size_t)(e - p));
		CHECK((eq = memchr(p, '=', (size_t)(z - p))) != NULL);
		CHECK(env_name_known(p, eq));
		for (q = eq + 1; q < z; q++)
			CHECK((unsigned char)*q >= 0x20 && *q != 0x7f);
		check_raw(eq + 1, z);
		if (prefix(p, z, "CPGTOOL_GROUP=")) {
			CHECK(untext(eq + 1, z, d) == g->length &&
			    memcmp(d, g->value, g->length) == 0);
			group = 1;
		}
	}
	CHECK(group);
}

/*
 * Quorum events and quorum's view, node names from the payload: every
 * JSON line one valid object; text with no control byte but the newline
 * and nothing that breaks a line.
 */
static void
fuzz_quorum(struct sink *m, const struct event *msg)
{
	static struct qview v;
	struct nodeinfo ni[3];
	struct event ev = { .time = msg->time, .quorum = &v };
	const char *p, *e, *nl;
	size_t i, n, k;

	memset(&v, 0, sizeof(v));
	v.quorate = msg->len & 1;
	v.nodeid = 2;
	v.ring = msg->ring;
	v.expected = v.total = 3;
	v.quorum = 2;
	v.nnodes = 3;
	memset(ni, 0, sizeof(ni));
	k = msg->len < sizeof(ni[0].name) - 1 ? msg->len :
	    sizeof(ni[0].name) - 1;
	for (i = 0; i < 3; i++) {
		v.nodes[i] = (struct qnode){ (uint32_t)i + 1, 1,
		    (enum qstate)(i % 3) };
		ni[i].nodeid = (uint32_t)i + 1;
		memcpy(ni[i].name, msg->data, k);
	}
	snprintf(ni[0].addrs, sizeof(ni[0].addrs), "10.0.0.1,fe80::1");
	sink_drop(m);
	ev.type = EV_QUORATE + (msg->len & 1);
	ev.unordered = (msg->len & 2) != 0;
	CHECK(out_event(m, &of, &ev) == 1);
	ev.type = EV_NODE;
	for (i = 0; i < 3; i++) {
		ev.node = &v.nodes[i];
		ev.name = msg->len & 4 ? &ni[i] : NULL;
		CHECK(out_event(m, &of, &ev) == 1);
	}
	out_quorum(m, &of, &v, msg->len & 8 ? ni : NULL);
	p = sink_data(m, &n);
	e = p + n;
	if (!opt.json) {
		for (i = 0; i < n; i++)
			CHECK(p[i] == '\n' || ((unsigned char)p[i] >= 0x20 &&
			    p[i] != 0x7f));
		check_raw(p, e);
		return;
	}
	for (; p < e; p = nl + 1) {
		CHECK((nl = memchr(p, '\n', (size_t)(e - p))) != NULL);
		check_raw(p, nl);
		jp = (const unsigned char *)p;
		je = (const unsigned char *)nl;
		CHECK(*jp == '{' && json_value() && (ws(), jp == je));
	}
}

static void
options(uint8_t b)
{
	static const char *const encs[] = { "text", "base64", "hex", "text" };

	outopt_init(&of);
	memset(&opt, 0, sizeof(opt));
	if ((opt.json = b & 1))
		CHECK(outopt_option(&of, 'j', NULL) == OPT_TAKEN);
	if ((opt.stamps = (b & 2) != 0))
		outopt_option(&of, 'T', NULL);
	if ((opt.exclude = (b & 4) != 0))
		outopt_option(&of, 'x', NULL);
	opt.enc = (b >> 3) & 3;
	CHECK(outopt_option(&of, 'e', encs[opt.enc]) == OPT_TAKEN);
	opt.enc %= 3;
	of.tty = opt.tty = (b & 0x80) != 0;
	CHECK(outopt_option(&of, 'q', NULL) == OPT_NOT_MINE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink *m;
	struct cpg_address a[4] = { { 1, 10, 1 }, { 2, 20, 2 }, { 3, 30, 5 },
	    { 4, 40, 99 } };
	uint32_t nodes[3] = { 1, 2, 3 };
	struct event ev = { .type = EV_MESSAGE, .nodeid = 1, .pid = 10 };
	struct cpg_name g;
	const char *p;
	size_t n, glen;
	int lines, own;

	if (size < 3)
		return 0;
	if (m == NULL)
		CHECK((m = sink_new(-1)) != NULL);
	sink_drop(m);
	options(data[0]);
	/* who we are: the sender, or a process of the joined list */
	own = (data[0] & 0x40) != 0;
	ev.self_nodeid = own ? 1 : 2;
	ev.self_pid = own ? 10 : 20;
	glen = data[1] % CPG_MAX_NAME_LENGTH + 1;
	data += 2;
	size -= 2;
	if (glen > size)
		glen = size;
	g.length = (uint32_t)glen;
	memcpy(g.value, data, glen);
	ev.group = &g;
	ev.data = data + glen;
	ev.len = size - glen;
	ev.ring.nodeid = size > 4 ? data[0] | (uint32_t)data[1] << 24 : 1;
	ev.ring.seq = ev.len * 0x10001ull;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	if (data[-2] & 0x20) {
		fuzz_format(m, &ev);
		return 0;
	}
	lines = out_event(m, &of, &ev);
	CHECK(lines == !(opt.exclude && own));
	ev.type = EV_CONFCHG;
	ev.members = a;
	ev.nmembers = 4;
	ev.joined = a + 1;
	ev.njoined = 3;
	ev.left = a;
	ev.nleft = 1;
	lines += out_event(m, &of, &ev);
	ev.type = EV_TOTEM;
	ev.nodes = nodes;
	ev.nnodes = 3;
	lines += out_event(m, &of, &ev);
	ev.type = EV_MESSAGE;
	lines += fuzz_lock(m, &g, &ev, a, 4);
	p = sink_data(m, &n);
	if (opt.json)
		check_json(p, n, &g, &ev, lines);
	else
		check_text(p, n, &g, &ev, lines);
	CHECK(sink_flush(m) == 0 && sink_pending(m) == n);
	/* the message, then the confchg, as an --exec handler gets them */
	fuzz_env(m, &ev, &g);
	ev.type = EV_CONFCHG;
	fuzz_env(m, &ev, &g);
	ev.type = EV_MESSAGE;
	fuzz_quorum(m, &ev);
	return 0;
}
