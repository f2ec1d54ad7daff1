/*
 * libFuzzer target for the output layer. out.c is included, not linked,
 * so every input starts from clean option state. Each input chooses the
 * options, a group name and a payload; the events are formatted into the
 * buffer (never written), and then checked:
 *   JSON: every line is one valid JSON object (strict, UTF-8) and the
 *         payload and group decode back to the original bytes;
 *   text: one line per event, no control byte but the newline, only valid
 *         UTF-8 at or above U+00A0, and the group reads back exactly;
 *   --format: a format taken from the input is either refused or renders
 *         the message exactly as each token says (checked token by token).
 * A violation traps.
 */

#include "../out.c"
#include "../util.c"		/* hexval, and usage_error for out_option */

#define TOTEM		"{\"type\":\"totem\""
#define MESSAGE		"{\"type\":\"message\""
#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

static const unsigned char *jp, *je;	/* JSON parser position, end */
static unsigned char dec[1 << 16];	/* the last string decoded */
static size_t ndec;

static int json_value(void);


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

/* A string, decoded into dec; only \u00XX escapes are ever written. */
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
				if (!hex4(&v) || v > 0x7f)
					return 0;
				put_dec(v);
				break;
			default:
				return 0;
			}
			continue;
		}
		if ((k = utf8_seq(jp, (size_t)(je - jp), &cp)) == 0)
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
		CHECK((c = strchr(b64, dec[i])) != NULL && dec[i] != '\0');
		v = v << 6 | (uint32_t)(c - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			d[n++] = (unsigned char)(v >> bits);
		}
	}
	return n;
}

/* The key as text, base64 or hex must decode to want. */
static void
json_bytes(const char *p, const char *e, const char *key,
    const void *want, size_t n)
{
	static unsigned char d[1 << 16];
	char k[32];
	size_t i, got;

	snprintf(k, sizeof(k), "%s_base64", key);
	if (json_get(p, e, k))
		got = unbase64(d);
	else if (snprintf(k, sizeof(k), "%s_hex", key), json_get(p, e, k)) {
		CHECK(ndec % 2 == 0);
		for (i = 0, got = 0; i < ndec; i += 2)
			d[got++] = (unsigned char)(hexval(dec[i]) << 4 |
			    hexval(dec[i + 1]));
	} else {
		CHECK(json_get(p, e, key));
		memcpy(d, dec, ndec);
		got = ndec;
	}
	CHECK(got == n && memcmp(d, want, n) == 0);
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

static void
check_text(const char *p, size_t n, const struct cpg_name *g, int lines)
{
	unsigned char d[CPG_MAX_NAME_LENGTH];
	const char *e = p + n, *sp, *nl;
	uint32_t cp;
	size_t i, k;

	for (i = 0; i < n; i += k) {
		CHECK(p[i] == '\n' || ((unsigned char)p[i] >= 0x20 &&
		    p[i] != 0x7f));
		k = utf8_seq((const unsigned char *)p + i, n - i, &cp);
		CHECK(k > 0 && (k == 1 || cp >= 0xa0));
	}
	for (; p < e; p = nl + 1, lines--) {
		CHECK((nl = memchr(p, '\n', (size_t)(e - p))) != NULL);
		/* "message GROUP ...", "confchg GROUP ...": the 2nd field */
		if (strncmp(p, "totem ", 6) == 0)
			continue;
		p = memchr(p, ' ', (size_t)(nl - p)) + 1;
		if (o.stamps)	/* the time comes before the group */
			p = memchr(p, ' ', (size_t)(nl - p)) + 1;
		sp = memchr(p, ' ', (size_t)(nl - p));
		k = untext(p, sp ? sp : nl, d);
		CHECK(k == g->length && memcmp(d, g->value, k) == 0);
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
 * Walk the format and the output side by side. %g is un-escaped unit by
 * unit until it gives as many bytes as the name has; %T (the clock) ends
 * the check.
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
fuzz_format(struct event *ev)
{
	char fmt[64];
	const char *p;
	size_t n;

	n = strnlen((const char *)ev->data, ev->len < 63 ? ev->len : 63);
	memcpy(fmt, ev->data, n);
	fmt[n] = '\0';
	if (out_option('F', fmt) != 1)
		return;
	out_event(ev);
	p = out_peek(&n);
	check_format(fmt, p, n, ev);
	out_drop();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpg_address a[4] = { { 1, 10, 1 }, { 2, 20, 2 }, { 3, 30, 5 },
	    { 4, 40, 99 } };
	uint32_t nodes[3] = { 1, 2, 3 };
	struct event ev = { .type = EV_MESSAGE };
	struct cpg_name g;
	const char *p, *e, *nl;
	size_t n, glen;
	int json, lines, fmt;

	if (size < 3)
		return 0;
	free(o.buf);
	memset(&o, 0, sizeof(o));
	o.events = EVM_ALL;
	o.oldfl = -1;
	o.tsec = -1;
	json = data[0] & 1;
	fmt = data[0] & 0x20;
	if (json)
		out_option('j', NULL);
	if (data[0] & 2)
		out_option('T', NULL);
	if (data[0] & 4)
		out_option('x', NULL);
	out_option('e', (const char *[]){ "text", "base64", "hex",
	    "text" }[(data[0] >> 3) & 3]);
	glen = data[1] % CPG_MAX_NAME_LENGTH + 1;
	data += 2;
	size -= 2;
	if (glen > size)
		glen = size;
	g.length = (uint32_t)glen;
	memcpy(g.value, data, glen);
	ev.group = &g;
	ev.nodeid = 1;
	ev.pid = 10;
	ev.data = data + glen;
	ev.len = size - glen;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	if (fmt) {
		fuzz_format(&ev);
		return 0;
	}
	lines = out_event(&ev);
	ev.type = EV_CONFCHG;
	ev.members = a;
	ev.nmembers = 4;
	ev.joined = a + 1;
	ev.njoined = 3;
	ev.left = a;
	ev.nleft = 1;
	lines += out_event(&ev);
	ev.type = EV_TOTEM;
	ev.nodes = nodes;
	ev.nnodes = 3;
	lines += out_event(&ev);
	p = out_peek(&n);
	if (!json) {
		check_text(p, n, &g, lines);
		out_drop();
		return 0;
	}
	for (e = p + n; p < e; p = nl + 1) {
		CHECK((nl = memchr(p, '\n', (size_t)(e - p))) != NULL);
		jp = (const unsigned char *)p;
		je = (const unsigned char *)nl;
		CHECK(*jp == '{' && json_value() && (ws(), jp == je));
		/* "type" comes first; a name may well contain "message" */
		if (strncmp(p, TOTEM, sizeof(TOTEM) - 1) == 0)
			continue;
		json_bytes(p, nl, "group", g.value, g.length);
		if (strncmp(p, MESSAGE, sizeof(MESSAGE) - 1) == 0)
			json_bytes(p, nl, "payload", ev.data, ev.len);
	}
	out_drop();
	return 0;
}
