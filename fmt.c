/*
 * The output options, parsed: --events into a mask, --format compiled
 * into tokens, --encoding into an enum enc. A bad value is one usage
 * error line and OPT_BAD; nothing is printed here otherwise.
 */

#include <string.h>

#include "enc.h"
#include "event.h"
#include "fmt.h"
#include "opt.h"
#include "util.h"

struct outfmt outfmt = { .events = EVM_ALL };

static enum opt_res
parse_events(const char *arg)
{
	static const char *const names[] = { "message", "confchg", "totem" };
	const char *p = arg, *q;
	size_t i;

	outfmt.events = 0;
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
		outfmt.events |= 1u << i;
	}
	if (outfmt.events == 0) {
		usage_error("--events needs at least one event");
		return OPT_BAD;
	}
	outfmt.events_set = 1;
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
	if (outfmt.ntok == FMT_MAX) {
		usage_error("--format has more than %d fields", FMT_MAX);
		return 0;
	}
	outfmt.tok[outfmt.ntok++] = t;
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

	outfmt.ntok = 0;
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
	outfmt.format = 1;
	return OPT_TAKEN;
}

/* An output option: taken, not ours, or its value is bad (said why). */
enum opt_res
out_option(int ch, const char *arg)
{
	switch (ch) {
	case 'j':
		outfmt.json = 1;
		return OPT_TAKEN;
	case 'T':
		outfmt.stamps = 1;
		return OPT_TAKEN;
	case 'x':
		outfmt.exclude_self = 1;
		return OPT_TAKEN;
	case 'E':
		return parse_events(arg);
	case 'F':
		return parse_format(arg);
	case 'e':
		if (strcmp(arg, "text") == 0)
			outfmt.enc = ENC_TEXT;
		else if (strcmp(arg, "base64") == 0)
			outfmt.enc = ENC_BASE64;
		else if (strcmp(arg, "hex") == 0)
			outfmt.enc = ENC_HEX;
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
	memset(&outfmt, 0, sizeof(outfmt));
	outfmt.events = EVM_ALL;
}

int
out_stamps(void)
{
	return outfmt.stamps;
}

/* The events a command prints unless --events says otherwise. */
void
out_events_default(unsigned mask)
{
	if (!outfmt.events_set)
		outfmt.events = outfmt.format ? EVM_MESSAGE : mask;
}
