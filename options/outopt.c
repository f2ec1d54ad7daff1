/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The output options, parsed: --events into a mask, --format compiled
 * into tokens, --encoding into an enum enc. A bad value is one usage
 * error line and OPT_BAD; nothing is printed here otherwise.
 */

#include <string.h>

#include "enc.h"
#include "event.h"
#include "outopt.h"
#include "opt.h"
#include "util.h"

static enum opt_res
parse_events(struct outfmt *f, const char *arg)
{
	static const char *const names[] = { "message", "confchg", "totem" };
	const char *p = arg, *q;
	size_t i;

	f->events = 0;
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
		f->events |= 1u << i;
	}
	if (f->events == 0) {
		usage_error("--events needs at least one event");
		return OPT_BAD;
	}
	f->events_set = 1;
	return OPT_TAKEN;
}

/* The token a % or \ sequence stands for: 0 if it stands for none. */
static int
fmt_token(const char *p, struct tok *t)
{
	static const char conv[] = "gnpslxtTr";	/* from TK_GROUP on */
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
fmt_add(struct outfmt *f, struct tok t)
{
	if (f->ntok == FMT_MAX) {
		usage_error("--format has more than %d fields", FMT_MAX);
		return 0;
	}
	f->tok[f->ntok++] = t;
	return 1;
}

/*
 * --format, compiled once into tokens: read and checked in this one
 * place, while printing only walks the array. Literals are spans of the
 * argument, which must outlive the output (argv does).
 */
static enum opt_res
parse_format(struct outfmt *f, const char *arg)
{
	const char *p, *q;
	struct tok t;

	f->ntok = 0;
	for (p = arg; *p; p = q + 2) {
		for (q = p; *q && *q != '%' && *q != '\\'; q++)
			;
		if (q > p && !fmt_add(f, (struct tok){ TK_LIT, p,
		    (size_t)(q - p) }))
			return OPT_BAD;
		if (*q == '\0')
			break;
		if (!fmt_token(q, &t)) {
			usage_error("invalid --format token '%c%s'", *q,
			    q[1] ? (char[]){ q[1], 0 } : "");
			return OPT_BAD;
		}
		if (!fmt_add(f, t))
			return OPT_BAD;
	}
	f->format = 1;
	return OPT_TAKEN;
}

/* An output option: taken, not ours, or its value is bad (said why). */
enum opt_res
outopt_option(struct outfmt *f, int ch, const char *arg)
{
	switch (ch) {
	case 'j':
		f->json = 1;
		return OPT_TAKEN;
	case 'T':
		f->stamps = 1;
		return OPT_TAKEN;
	case 'x':
		f->exclude_self = 1;
		return OPT_TAKEN;
	case 'E':
		return parse_events(f, arg);
	case 'F':
		return parse_format(f, arg);
	case 'e':
		if (strcmp(arg, "text") == 0)
			f->enc = ENC_TEXT;
		else if (strcmp(arg, "base64") == 0)
			f->enc = ENC_BASE64;
		else if (strcmp(arg, "hex") == 0)
			f->enc = ENC_HEX;
		else {
			usage_error("unknown encoding '%s' (text, "
			    "base64, hex)", arg);
			return OPT_BAD;
		}
		return OPT_TAKEN;
	}
	return OPT_NOT_MINE;
}

/* The defaults: text, every event, no time stamps. */
void
outopt_init(struct outfmt *f)
{
	memset(f, 0, sizeof(*f));
	f->events = EVM_ALL;
}

/* The events a command prints unless --events says otherwise. */
void
outopt_events_default(struct outfmt *f, unsigned mask)
{
	if (!f->events_set)
		f->events = f->format ? EVM_MESSAGE : mask;
}
