/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Argument parsing shared by the commands: each command's options
 * declared once, in optdef tables (its own and the shared opts_*), each
 * with its destination and checker; opt_parse runs getopt_long over
 * them (opt_get builds its arguments) and stores every value, and
 * opt_synopsis and opt_help write the synopses and --help from the same
 * tables; group names, numbers, sizes; what --exec excludes.
 */

#include <err.h>
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cpg.h>

#include "outopt.h"
#include "opt.h"
#include "status.h"
#include "util.h"

#define DEFAULT_BACKLOG	(64UL << 20)

/*
 * A GROUP argument: bytes, with \xNN and \\ escapes so that any name,
 * Pacemaker's trailing NUL included, can be typed; 1 to
 * CPG_MAX_NAME_LENGTH bytes.
 */
enum opt_res
opt_group(const char *arg, struct cpg_name *g)
{
	const char *p;
	size_t n = 0;
	int hi, lo;

	for (p = arg; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\\') {
			if (p[1] == '\\')
				p++;
			else if (p[1] == 'x' && (hi = hexval(p[2])) >= 0 &&
			    (lo = hexval(p[3])) >= 0) {
				c = (unsigned char)(hi << 4 | lo);
				p += 3;
			} else {
				usage_error("invalid escape in group "
				    "name '%s' (use \\xNN or \\\\)", arg);
				return OPT_BAD;
			}
		}
		if (n == CPG_MAX_NAME_LENGTH) {
			usage_error("group name '%.20s...' is longer "
			    "than %d bytes", arg, CPG_MAX_NAME_LENGTH);
			return OPT_BAD;
		}
		g->value[n++] = (char)c;
	}
	if (n == 0) {
		usage_error("empty group name");
		return OPT_BAD;
	}
	g->length = (uint32_t)n;
	return OPT_TAKEN;
}

/*
 * The one number parser of the command line, behind opt_count,
 * opt_seconds and opt_size: decimal digits, a fraction only in seconds, a
 * K, M or G (powers of 1024) only in sizes, and nothing else: no sign, no
 * space, no 0x10, no 1e3, no hex float, no inf or nan (strtoul and strtod
 * take all of those). The whole part is counted digit by digit and
 * refused past max, so no value is clamped; a fraction is handed to
 * strtod only once it is known to be plain decimal.
 */
enum num_kind {
	NUM_COUNT,
	NUM_SECONDS,
	NUM_SIZE,
};

static int
num_parse(const char *arg, enum num_kind kind, uint64_t max, uint64_t *v,
    double *secs)
{
	const char *p = arg;
	uint64_t n = 0;
	int digits = 0, shift = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (kind == NUM_SECONDS && *p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits == 0)
		return -1;
	if (kind == NUM_SIZE && *p != '\0' && p[1] == '\0') {
		switch (*p++) {
		case 'k': case 'K':
			shift = 10;
			break;
		case 'm': case 'M':
			shift = 20;
			break;
		case 'g': case 'G':
			shift = 30;
			break;
		default:
			return -1;
		}
	}
	if (*p != '\0' || n > max >> shift)
		return -1;
	*v = n << shift;
	if (secs != NULL)
		*secs = strtod(arg, NULL);
	return 0;
}

/* A whole number: digits only, so "-1", "1e3" and "" are refused. */
enum opt_res
opt_count(const char *opt, const char *arg, unsigned long *v)
{
	uint64_t n;

	if (num_parse(arg, NUM_COUNT, ULONG_MAX, &n, NULL) == -1) {
		usage_error("%s needs a whole number, not '%s'", opt, arg);
		return OPT_BAD;
	}
	*v = (unsigned long)n;
	return OPT_TAKEN;
}

/* Seconds, fractions allowed, at most 10^9 (some 31 years). */
enum opt_res
opt_seconds(const char *opt, const char *arg, double *v)
{
	uint64_t n;

	if (num_parse(arg, NUM_SECONDS, 1000000000, &n, v) == -1 ||
	    *v > 1e9) {
		usage_error("%s needs a number of seconds, not '%s'", opt,
		    arg);
		return OPT_BAD;
	}
	return OPT_TAKEN;
}

/* Bytes, with an optional K, M or G (powers of 1024); not 0. */
enum opt_res
opt_size(const char *opt, const char *arg, size_t *v)
{
	uint64_t n;

	if (num_parse(arg, NUM_SIZE, SIZE_MAX, &n, NULL) == -1 || n == 0) {
		usage_error("%s needs a size in bytes (K, M, G allowed), "
		    "not '%s'", opt, arg);
		return OPT_BAD;
	}
	*v = (size_t)n;
	return OPT_TAKEN;
}

/*
 * A node id in a --nodes list, by the same parser: 1 to UINT32_MAX.
 * Quiet: the caller says what was wrong with the list.
 */
enum opt_res
opt_nodeid(const char *arg, uint32_t *id)
{
	uint64_t n;

	if (num_parse(arg, NUM_COUNT, UINT32_MAX, &n, NULL) == -1 || n == 0)
		return OPT_BAD;
	*id = (uint32_t)n;
	return OPT_TAKEN;
}

void
opt_init_run(struct runopts *ro)
{
	ro->timeout = 0;
	ro->wait_corosync = 0;
	ro->reconnect = 0;
	ro->max_backlog = DEFAULT_BACKLOG;
	ro->intrusive = 0;
}

/* What --exec excludes, once every option is read (a refusal said). */
enum opt_res
opt_exec_check(const struct execopts *x, const struct outfmt *f)
{
	if (x->cmd == NULL && x->timeout > 0) {
		usage_error("--exec-timeout goes with --exec");
		return OPT_BAD;
	}
	if (x->cmd != NULL && f->format) {
		usage_error("--format does not go with --exec: the handler "
		    "gets the event as JSON");
		return OPT_BAD;
	}
	return OPT_TAKEN;
}

/* getopt_long returned '?' or ':' (optstrings start with ':'). */
int
opt_unknown(char **argv, int ch)
{
	if (ch == ':')
		usage_error("option '%s' needs a value", argv[optind - 1]);
	else if (optopt != 0)
		usage_error("unknown option '-%c'", optopt);
	else
		usage_error("unknown option '%s'", argv[optind - 1]);
	return ST_USAGE;
}

/*
 * members and quorum: -T and --exec go with --watch, and --exec
 * excludes what opt_exec_check says.
 */
enum opt_res
opt_watch_check(const struct execopts *x, const struct outfmt *f, int watch)
{
	if (f->stamps && !watch) {
		usage_error("--timestamps goes with --watch");
		return OPT_BAD;
	}
	if (x->cmd != NULL && !watch) {
		usage_error("--exec goes with --watch");
		return OPT_BAD;
	}
	return opt_exec_check(x, f);
}

/*
 * The GROUP arguments; a group named twice is a mistake, not a wish.
 * ST_OK, or the exit status once said why: ST_USAGE, or ST_FAIL.
 */
int
opt_groups(int argc, char **argv, struct cpg_name **gp)
{
	struct cpg_name *g;
	int i, j;

	if ((g = calloc((size_t)argc + 1, sizeof(*g))) == NULL) {
		warn("calloc");
		return ST_FAIL;
	}
	for (i = 0; i < argc; i++) {
		if (opt_group(argv[i], &g[i]) != OPT_TAKEN)
			goto bad;
		for (j = 0; j < i; j++)
			if (g[j].length == g[i].length &&
			    memcmp(g[j].value, g[i].value, g[i].length) == 0) {
				usage_error("group '%s' named twice", argv[i]);
				goto bad;
			}
	}
	*gp = g;
	return ST_OK;
bad:
	free(g);
	return ST_USAGE;
}


/*
 * Options, each declared once (struct optdef): getopt_long's tables, the
 * synopsis and --help are all made from the declaration, so they cannot
 * drift apart; tests/lint.sh holds the manual and the completions to it.
 */

static const struct optdef help_def[] = {
	{ "help", 'h', NULL, "show this help", .kind = OK_HELP },
	OPTDEF_END
};

/* --format, --encoding and --events: outopt.c's checkers (OPT_FN) */
enum opt_res
opt_fmt(void *of, const struct optdef *d, const char *arg)
{
	return outopt_option(of, d->val, arg);
}

#define FMT_FLAG(f)	.kind = OK_FLAG, .to = TO_FMT, \
			.off = offsetof(struct outfmt, f)
#define FMT_FN		.kind = OK_FN, .to = TO_FMT, .fn = opt_fmt

const struct optdef opts_format[] = {
	{ "json", 'j', NULL, "print JSON Lines", FMT_FLAG(json) },
	{ "format", 'F', "format", "print messages as FORMAT: %g group, "
	    "%n nodeid,\n%p pid, %s payload (escaped on a terminal),\n"
	    "%r payload raw, %l size, %x payload hex,\n"
	    "%t type, %T time, %%; \\n \\t \\0 \\\\", FMT_FN },
	{ "encoding", 'e', "encoding", "payloads as text, base64 or hex",
	    FMT_FN },
	{ "timestamps", 'T', NULL, "add the local receive time",
	    FMT_FLAG(stamps) },
	OPTDEF_END
};

const struct optdef opts_filter[] = {
	{ "exclude-self", 'x', NULL, "hide own messages and own join/leave",
	    FMT_FLAG(exclude_self) },
	{ "events", 'E', "events", "print only these: message,confchg,totem",
	    FMT_FN },
	OPTDEF_END
};

const struct optdef opts_run[] = {
	{ "timeout", 't', "seconds", "give up after SECONDS (exit 124)",
	    OPT_SECONDS(struct runopts, timeout), .to = TO_RUN, .more = 1 },
	{ "wait-for-corosync", OPT_WAIT_COROSYNC, "seconds",
	    "retry connecting for up to SECONDS",
	    OPT_SECONDS(struct runopts, wait_corosync), .to = TO_RUN },
	OPTDEF_END
};

const struct optdef opts_stay[] = {
	{ "reconnect", 'r', NULL, "ride out a corosync restart",
	    OPT_FLAG(struct runopts, reconnect), .to = TO_RUN },
	OPTDEF_END
};

const struct optdef opts_backlog[] = {
	{ "max-backlog", OPT_MAX_BACKLOG, "size",
	    "unwritten output, or events waiting for\n--exec, allowed "
	    "(default 64M)",
	    OPT_SIZE(struct runopts, max_backlog), .to = TO_RUN },
	OPTDEF_END
};

const struct optdef opts_input[] = {
	{ "null", '0', NULL, "messages end with NUL, not newline",
	    OPT_SET(struct inopts, mode, IN_NUL), .to = TO_INPUT },
	{ "whole", OPT_WHOLE, NULL, "all of the input is one message",
	    OPT_SET(struct inopts, mode, IN_WHOLE), .to = TO_INPUT },
	{ "file", 'f', "file", "read messages from FILE",
	    OPT_STR(struct inopts, file), .to = TO_INPUT },
	OPTDEF_END
};

const struct optdef opts_exec[] = {
	{ "exec", OPT_EXEC, "command", "run COMMAND with sh -c for each "
	    "event instead\nof printing it: its JSON on stdin, CPGTOOL_*\n"
	    "in the environment; one at a time, in order",
	    OPT_STR(struct execopts, cmd), .to = TO_EXEC,
	    .need = "a command" },
	{ "exec-timeout", OPT_EXEC_TIMEOUT, "seconds", "stop a handler "
	    "after SECONDS (SIGTERM,\nSIGKILL 5 s later)",
	    OPT_SECONDS(struct execopts, timeout), .to = TO_EXEC, .more = 1 },
	OPTDEF_END
};

const struct optdef opts_intrusive[] = {
	{ "intrusive", OPT_INTRUSIVE, NULL, "join a cluster daemon's group "
	    "anyway,\nwhich can hide a node's failure",
	    OPT_FLAG(struct runopts, intrusive), .to = TO_RUN },
	OPTDEF_END
};

/* The most options a command takes, --help included. */
#define OPTS_MAX	48

static struct option lo[OPTS_MAX + 1];
static char so[3 * OPTS_MAX + 3];
static const struct optdef *const *built;	/* what lo and so are for */

/*
 * A command with more options than OPTS_MAX is a bug in its tables, not
 * bad input: it stops here, loudly, rather than lose an option. Every
 * command's --help builds its tables, so tests/offline meets it first.
 */
static void
too_many(void)
{
	warnx("internal error: a command has more than %d options "
	    "(OPTS_MAX in opt.c)", OPTS_MAX);
	abort();
}

static int
is_short(int val)
{
	return val > ' ' && val < 127;
}

static void
add(const struct optdef *d, size_t *n, size_t *k)
{
	for (; d->name != NULL; d++) {
		if (*n == OPTS_MAX)
			too_many();
		lo[(*n)++] = (struct option){ d->name,
		    d->arg ? required_argument : no_argument, NULL, d->val };
		if (!is_short(d->val))
			continue;
		so[(*k)++] = (char)d->val;
		if (d->arg)
			so[(*k)++] = ':';
	}
}

/* ':' first: a missing value is told apart from an unknown option. */
static void
build(const struct optdef *const *sets, int stop)
{
	size_t n = 0, k = 0;

	if (stop)
		so[k++] = '+';
	so[k++] = ':';
	add(help_def, &n, &k);
	for (; *sets != NULL; sets++)
		add(*sets, &n, &k);
	memset(&lo[n], 0, sizeof(lo[n]));
	so[k] = '\0';
}

/*
 * getopt_long over the options of sets (and --help); `stop': at the
 * first operand, as lock needs (what follows is COMMAND's).
 */
int
opt_get(int argc, char **argv, const struct optdef *const *sets, int stop)
{
	if (built != sets) {
		build(sets, stop);
		built = sets;
	}
	return getopt_long(argc, argv, so, lo, NULL);
}

/* The declaration of the option getopt_long returned, or NULL. */
static const struct optdef *
find(const struct optdef *const *sets, int ch)
{
	const struct optdef *d;

	if (ch == 'h')
		return help_def;
	for (; *sets != NULL; sets++)
		for (d = *sets; d->name != NULL; d++)
			if (d->val == ch)
				return d;
	return NULL;
}

static void *
dest(const struct optdef *d, const struct optdest *to)
{
	switch (d->to) {
	case TO_CMD:
		return to->cmd;
	case TO_RUN:
		return to->run;
	case TO_FMT:
		return to->fmt;
	case TO_EXEC:
		return to->exec;
	case TO_INPUT:
		return to->input;
	}
	return NULL;
}

/* A number outside its option's bounds: said why. */
static enum opt_res
bound(const struct optdef *d, double v)
{
	if (d->most != NULL && v > d->max) {
		usage_error("--%s is at most %s", d->name, d->most);
		return OPT_BAD;
	}
	if (d->more ? v > d->min : v >= d->min)
		return OPT_TAKEN;
	usage_error("--%s must be %s %g", d->name,
	    d->more ? "more than" : "at least", d->min);
	return OPT_BAD;
}

/*
 * An option's value checked and stored where its declaration says. A
 * table whose option has no destination is a bug, not bad input: it
 * stops here, loudly, as too_many does.
 */
static enum opt_res
take(const struct optdef *d, const struct optdest *to, const char *arg)
{
	char name[64];
	void *base;
	char *p;

	if (d->kind == OK_HELP) {
		cmd_help();
		return OPT_DONE;
	}
	if ((base = dest(d, to)) == NULL || d->kind == OK_NONE) {
		warnx("internal error: option --%s has no destination",
		    d->name);
		abort();
	}
	p = (char *)base + d->off;
	snprintf(name, sizeof(name), "--%s", d->name);
	switch (d->kind) {
	case OK_FLAG:
		*(int *)(void *)p = 1;
		break;
	case OK_SET:
		*(int *)(void *)p = d->set;
		break;
	case OK_COUNT:
		if (opt_count(name, arg, (unsigned long *)(void *)p) !=
		    OPT_TAKEN)
			return OPT_BAD;
		return bound(d, (double)*(unsigned long *)(void *)p);
	case OK_SECONDS:
		if (opt_seconds(name, arg, (double *)(void *)p) != OPT_TAKEN)
			return OPT_BAD;
		return bound(d, *(double *)(void *)p);
	case OK_SIZE:
		if (opt_size(name, arg, (size_t *)(void *)p) != OPT_TAKEN)
			return OPT_BAD;
		return bound(d, (double)*(size_t *)(void *)p);
	case OK_STR:
		if (d->need != NULL && arg[0] == '\0') {
			usage_error("%s needs %s", name, d->need);
			return OPT_BAD;
		}
		*(const char **)(void *)p = arg;
		break;
	case OK_FN:
		return d->fn(base, d, arg);
	case OK_HELP:
	case OK_NONE:
		break;
	}
	return OPT_TAKEN;
}

/*
 * A command's options, each checked and stored where its declaration
 * says (to: the places), in the order given; --help printed; an unknown
 * option or a missing value refused in one line. `stop': at the first
 * operand. OPT_TAKEN: every option taken, the operands from optind on;
 * else what opt_status makes an exit status of.
 */
enum opt_res
opt_parse(int argc, char **argv, const struct optdef *const *sets,
    const struct optdest *to, int stop)
{
	const struct optdef *d;
	enum opt_res r;
	int ch;

	while ((ch = opt_get(argc, argv, sets, stop)) != -1) {
		if ((d = find(sets, ch)) == NULL) {
			opt_unknown(argv, ch);
			return OPT_BAD;
		}
		if ((r = take(d, to, optarg)) != OPT_TAKEN)
			return r;
	}
	return OPT_TAKEN;
}

/* The exit status of a parse that did not go on: 0 after --help. */
int
opt_status(enum opt_res r)
{
	return r == OPT_DONE ? ST_OK : ST_USAGE;
}

/* Options in the order a synopsis lists them. */
static int
syn_order(const void *a, const void *b)
{
	const struct optdef *x = *(const struct optdef *const *)a;
	const struct optdef *y = *(const struct optdef *const *)b;
	int cx = is_short(x->val), cy = is_short(y->val), lx, ly;

	/* flags, then short options with a value, then long ones */
	if (cx != cy)
		return cy - cx;
	if (cx && (x->arg == NULL) != (y->arg == NULL))
		return x->arg == NULL ? -1 : 1;
	if (!cx)
		return strcmp(x->name, y->name);
	lx = tolower(x->val);
	ly = tolower(y->val);
	if (lx != ly)
		return lx - ly;
	return x->val - y->val;	/* -E before -e */
}

static size_t
collect(const struct optdef *const *sets, const struct optdef **v)
{
	const struct optdef *d;
	size_t n = 0;

	for (; *sets != NULL; sets++)
		for (d = *sets; d->name != NULL; d++) {
			if (n == OPTS_MAX)
				too_many();
			v[n++] = d;
		}
	return n;
}

/* The next word of a synopsis, wrapped at 78 columns under `indent'. */
static void
word(FILE *fp, size_t *col, size_t indent, const char *w)
{
	size_t n = strlen(w);

	if (*col + 1 + n > 78) {
		fprintf(fp, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		fputc(' ', fp);
		(*col)++;
	}
	fputs(w, fp);
	*col += n;
}

/* "NAME [-flags] [-o value] ... [--long] OPERANDS" */
void
opt_synopsis(FILE *fp, const struct cmd *c, size_t col, size_t indent)
{
	const struct optdef *v[OPTS_MAX];
	char w[64], flags[OPTS_MAX + 4];
	size_t i, n, nf = 0;

	n = collect(c->opts, v);
	qsort(v, n, sizeof(v[0]), syn_order);
	fputs(c->name, fp);
	col += strlen(c->name);
	for (i = 0; i < n; i++)
		if (is_short(v[i]->val) && v[i]->arg == NULL)
			flags[nf++] = (char)v[i]->val;
	if (nf) {
		snprintf(w, sizeof(w), "[-%.*s]", (int)nf, flags);
		word(fp, &col, indent, w);
	}
	for (i = 0; i < n; i++) {
		if (is_short(v[i]->val) && v[i]->arg == NULL)
			continue;
		if (is_short(v[i]->val))
			snprintf(w, sizeof(w), "[-%c %s]", v[i]->val,
			    v[i]->arg);
		else if (v[i]->arg)
			snprintf(w, sizeof(w), "[--%s %s]", v[i]->name,
			    v[i]->arg);
		else
			snprintf(w, sizeof(w), "[--%s]", v[i]->name);
		word(fp, &col, indent, w);
	}
	if (c->usage[0] != '\0')
		word(fp, &col, indent, c->usage);
	fputc('\n', fp);
}

/* One option of --help: "  -c, --count COUNT       text". */
static void
help_line(const struct optdef *d)
{
	char left[96], arg[32] = "";
	const char *p;
	size_t i;

	for (i = 0; d->arg != NULL && d->arg[i] && i + 2 < sizeof(arg); i++) {
		arg[0] = ' ';
		arg[i + 1] = (char)toupper((unsigned char)d->arg[i]);
		arg[i + 2] = '\0';
	}
	if (is_short(d->val))
		snprintf(left, sizeof(left), "  -%c, --%s%s", d->val, d->name,
		    arg);
	else
		snprintf(left, sizeof(left), "      --%s%s", d->name, arg);
	if (strlen(left) > 24)
		printf("%s\n%26s", left, "");
	else
		printf("%-26s", left);
	for (p = d->help; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("%26s", "");
	}
	putchar('\n');
}

/* --help's lines for every option of sets, --help's own first. */
void
opt_help(const struct optdef *const *sets)
{
	const struct optdef *d;

	help_line(help_def);
	for (; *sets != NULL; sets++)
		for (d = *sets; d->name != NULL; d++)
			help_line(d);
}

/* COMMAND --help: the synopsis and every option, on standard output. */
int
cmd_help(void)
{
	fputs("usage: cpgtool ", stdout);
	opt_synopsis(stdout, cur_cmd, 15, 15);
	opt_help(cur_cmd->opts);
	return ST_OK;
}
