/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The encoders: the escaping that keeps every line of output one line,
 * and valid UTF-8 and valid JSON whatever the bytes. Text: printable
 * ASCII and valid UTF-8 pass but for what breaks lines and the format
 * characters, anything else is \xNN; JSON: a string when the bytes are
 * valid UTF-8, else base64 (or hex) under another key. fuzz/ holds them
 * to that.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "event.h"
#include "sink.h"

static const char hexd[] = "0123456789abcdef";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The last second formatted, for enc_time. */
static struct {
	time_t		 sec;
	char		 s[48];
	size_t		 len;
} tcache = { .sec = -1 };

static void	 big(struct sink *, int, const void *, size_t);
static size_t	 plain_run(const unsigned char *, size_t, unsigned, unsigned);
static int	 utf8_valid(const unsigned char *, size_t);

/* What a big run is encoded as, a chunk at a time (big, fill). */
enum big_kind {
	BK_TEXT,
	BK_JSTR,
	BK_HEX,
	BK_BASE64,
};

/* A number in decimal, two digits at a time. */
void
enc_u(struct sink *s, uint64_t v)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	char tmp[20], *p = tmp + sizeof(tmp);

	for (; v >= 100; v /= 100) {
		p -= 2;
		memcpy(p, pairs + v % 100 * 2, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + v * 2, 2);
	} else
		*--p = (char)('0' + v);
	sink_put(s, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Lower-case hex without leading zeros, as corosync prints ring ids. */
void
enc_xnum(struct sink *s, uint64_t v)
{
	char tmp[16], *p = tmp + sizeof(tmp);

	do
		*--p = hexd[v & 15];
	while (v >>= 4);
	sink_put(s, p, (size_t)(tmp + sizeof(tmp) - p));
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
	sink_put(s, tmp, (size_t)(2 + digits));
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
 * The format characters (Unicode's general category Cf, as of 15.0):
 * they show nothing, and the bidirectional ones (U+202A-U+202E,
 * U+2066-U+2069, U+061C, U+200E, U+200F) reorder what follows them, so
 * that a line reads otherwise than its bytes ("Trojan Source"); the
 * zero-width ones and U+FEFF hide bytes between the visible ones, and
 * the tags (U+E0000 block) can carry a whole hidden text. Text output
 * escapes them; JSON carries them as they are, for programs.
 */
static const uint32_t cf_ranges[][2] = {
	{ 0x00ad, 0x00ad }, { 0x0600, 0x0605 }, { 0x061c, 0x061c },
	{ 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 }, { 0x180e, 0x180e }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x206f },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
};

static int
hides_text(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(cf_ranges) / sizeof(cf_ranges[0]), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < cf_ranges[mid][0])
			hi = mid;
		else if (cp > cf_ranges[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/*
 * Text: printable ASCII and valid UTF-8 but the above pass; backslash
 * doubles; anything else is \xNN. In a name a space is \x20 too, so a
 * name is always one awk field and reads back as a GROUP argument.
 */
void
enc_text(struct sink *s, const void *data, size_t n, int name)
{
	const unsigned char *p = data;
	size_t i = 0, run, k;
	uint32_t cp;

	if (!name && sink_chunked(s, n)) {
		big(s, BK_TEXT, data, n);
		return;
	}
	while (i < n) {
		run = i + plain_run(p + i, n - i, name ? 0x21 : 0x20, '\\');
		for (; run < n && p[run] > (name ? 0x20 : 0x1f) &&
		    p[run] < 0x7f && p[run] != '\\'; run++)
			;
		/* not an empty run: a new sink's buffer is NULL */
		if (run > i)
			sink_put(s, p + i, run - i);
		if ((i = run) == n)
			break;
		if (p[i] == '\\') {
			sink_lit(s, "\\\\");
			i++;
		} else if (p[i] >= 0x80 && (k = utf8_seq(p + i, n - i,
		    &cp)) > 0 && !breaks_lines(cp) && !hides_text(cp)) {
			sink_put(s, p + i, k);
			i += k;
		} else
			put_esc(s, 'x', p[i++], 2);
	}
}

void
enc_hex(struct sink *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	char *d;
	size_t i;

	if (sink_chunked(s, n)) {
		big(s, BK_HEX, data, n);
		return;
	}
	if (n > SIZE_MAX / 2 || !sink_reserve(s, n * 2))
		return;
	for (d = sink_tail(s), i = 0; i < n; i++) {
		*d++ = hexd[p[i] >> 4];
		*d++ = hexd[p[i] & 15];
	}
	sink_wrote(s, n * 2);
}

void
enc_base64(struct sink *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t v;
	size_t i;
	char *d;

	if (sink_chunked(s, n)) {
		big(s, BK_BASE64, data, n);
		return;
	}
	if (!sink_reserve(s, (n + 2) / 3 * 4))
		return;
	d = sink_tail(s);
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
	sink_wrote(s, (n + 2) / 3 * 4);
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
		sink_lit(s, "\\\"");
		break;
	case '\\':
		sink_lit(s, "\\\\");
		break;
	case '\n':
		sink_lit(s, "\\n");
		break;
	case '\t':
		sink_lit(s, "\\t");
		break;
	case '\r':
		sink_lit(s, "\\r");
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
int
enc_jstr(struct sink *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t m = sink_mark(s), i = 0, run, k;
	uint32_t cp;

	if (sink_chunked(s, n)) {
		if (!utf8_valid(p, n))
			return 0;
		big(s, BK_JSTR, data, n);
		return 1;
	}
	while (i < n) {
		run = i + plain_run(p + i, n - i, 0x20, '"');
		for (; run < n && jplain[p[run]]; run++)
			;
		if (run > i)
			sink_put(s, p + i, run - i);
		if ((i = run) == n)
			break;
		if (p[i] < 0x80) {
			put_jesc(s, p[i++]);
			continue;
		}
		if ((k = utf8_seq(p + i, n - i, &cp)) == 0) {
			sink_rewind(s, m);
			return 0;
		}
		if (breaks_lines(cp))
			put_esc(s, 'u', cp, 4);
		else
			sink_put(s, p + i, k);
		i += k;
	}
	return 1;
}

/* 16 bytes as one value: GCC's vector extension (SSE2, NEON, or words) */
typedef signed char v16 __attribute__((vector_size(16)));

/*
 * How many of the first bytes at p, 16 at a time, pass as they are: none
 * below lo or above 0x7e (signed, the bytes from 0x80 are below lo),
 * none a backslash or `q'. Most of a payload is plain ASCII, and 16
 * bytes are a few vector operations where a byte at a time is a branch
 * each; the caller looks at the rest byte by byte.
 */
static size_t
plain_run(const unsigned char *p, size_t n, unsigned lo, unsigned q)
{
	v16 x, bad;
	uint64_t w[2];
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		memcpy(&x, p + i, 16);
		bad = (x < (signed char)lo) | (x > 0x7e) | (x == '\\') |
		    (x == (signed char)q);
		memcpy(w, &bad, 16);
		if (w[0] | w[1])
			break;
	}
	return i;
}

/* Whether bytes are valid UTF-8 all through: a JSON string can carry them. */
static int
utf8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i, &cp)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * Where a chunk of text from off may end: SINK_STEP on, but never inside
 * a UTF-8 sequence, which the chunk would then escape byte by byte where
 * the whole run passes it (a sequence is at most 4 bytes: only a lead
 * byte among the last 3 can reach past the end).
 */
static size_t
chunk_end(const unsigned char *p, size_t n, size_t off)
{
	size_t e = off + SINK_STEP, i, k;

	if (e >= n)
		return n;
	for (i = e - 1; i + 3 >= e && p[i] >= 0x80; i--) {
		if (p[i] < 0xc0)
			continue;
		k = p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		return i + k > e ? i : e;
	}
	return e;
}

/*
 * The next chunk of a big run, from *off: each chunk encoded as the
 * whole run would be there, so that the chunks, one after the other, are
 * byte for byte its encoding (base64 and hex chunks start at multiples
 * of SINK_STEP, a multiple of 3).
 */
static void
fill(struct sink *s, int kind, const void *data, size_t n, size_t *off)
{
	const unsigned char *p = data;
	size_t e;

	if (kind == BK_TEXT || kind == BK_JSTR)
		e = chunk_end(p, n, *off);
	else
		e = n - *off < SINK_STEP ? n : *off + SINK_STEP;
	if (kind == BK_TEXT)
		enc_text(s, p + *off, e - *off, 0);
	else if (kind == BK_JSTR)
		(void)enc_jstr(s, p + *off, e - *off);
	else if (kind == BK_HEX)
		enc_hex(s, p + *off, e - *off);
	else
		enc_base64(s, p + *off, e - *off);
	*off = e;
}

/*
 * A big run (sink_chunked): left for later in a sink that defers, or
 * encoded a chunk at a time, a sink on a fd writing each before the next
 * is made.
 */
static void
big(struct sink *s, int kind, const void *data, size_t n)
{
	size_t off = 0;

	if (sink_defer(s, fill, kind, data, n))
		return;
	while (off < n && (s->fd < 0 || sink_stream(s)))
		fill(s, kind, data, n, &off);
}

/* "key":"..." or "key_base64":"..." when the bytes are not UTF-8. */
void
enc_jbytes(struct sink *s, const char *key, size_t klen, const void *data,
    size_t n, enum enc enc)
{
	size_t m = sink_mark(s);

	sink_putc(s, '"');
	sink_put(s, key, klen);
	if (enc == ENC_TEXT) {
		sink_lit(s, "\":\"");
		if (enc_jstr(s, data, n)) {
			sink_putc(s, '"');
			return;
		}
		/* not text after all: the key again, in base64 */
		sink_rewind(s, m);
		sink_putc(s, '"');
		sink_put(s, key, klen);
		enc = ENC_BASE64;
	}
	if (enc == ENC_HEX) {
		sink_lit(s, "_hex\":\"");
		enc_hex(s, data, n);
	} else {
		sink_lit(s, "_base64\":\"");
		enc_base64(s, data, n);
	}
	sink_putc(s, '"');
}

/* RFC 3339 local time with microseconds; the second is formatted once. */
void
enc_time(struct sink *s, const struct timespec *ts)
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
	if (!sink_reserve(s, tcache.len))
		return;
	p = sink_tail(s);
	memcpy(p, tcache.s, tcache.len);
	/* the microseconds go where the cached ".000000" stands */
	for (us = ts->tv_nsec / 1000, i = 25; i >= 20; i--, us /= 10)
		p[i] = (char)('0' + us % 10);
	sink_wrote(s, tcache.len);
}

/* Now, for what has no time of receipt of its own. */
void
enc_now(struct sink *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	enc_time(s, &ts);
}

/*
 * A group name as text output shows it, for error messages: into buf,
 * cut short if buf has fewer than GROUP_STR_MAX bytes.
 */
const char *
enc_group_str(const struct cpg_name *g, char *buf, size_t size)
{
	char tmp[GROUP_STR_MAX];
	const char *p;
	struct sink m;
	size_t n;

	/* at most 4 bytes (\xNN) for each byte of a name: tmp is enough */
	sink_fixed(&m, tmp, sizeof(tmp) - 1);
	enc_text(&m, g->value, g->length > CPG_MAX_NAME_LENGTH ?
	    CPG_MAX_NAME_LENGTH : g->length, 1);
	p = sink_data(&m, &n);
	snprintf(buf, size, "%.*s", (int)n, p);
	return buf;
}
