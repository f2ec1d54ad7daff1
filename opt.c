/*
 * Argument parsing shared by the commands: group names, numbers, the
 * options of the event loop.
 */

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpgtool.h"

#define DEFAULT_BACKLOG	(64UL << 20)

/*
 * A GROUP argument: bytes, with \xNN and \\ escapes so that any name,
 * Pacemaker's trailing NUL included, can be typed; 1 to 128 bytes.
 */
int
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
				return -1;
			}
		}
		if (n == CPG_MAX_NAME_LENGTH) {
			usage_error("group name '%.20s...' is longer "
			    "than %d bytes", arg, CPG_MAX_NAME_LENGTH);
			return -1;
		}
		g->value[n++] = (char)c;
	}
	if (n == 0) {
		usage_error("empty group name");
		return -1;
	}
	g->length = (uint32_t)n;
	return 0;
}

/* A whole number: digits only, so "-1", "1e3" and "" are refused. */
int
opt_count(const char *opt, const char *arg, unsigned long *v)
{
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9' ||
	    (*v = strtoul(arg, &end, 10), *end != '\0') || errno == ERANGE) {
		usage_error("%s needs a whole number, not '%s'", opt, arg);
		return -1;
	}
	return 0;
}

int
opt_seconds(const char *opt, const char *arg, double *v)
{
	char *end;

	errno = 0;
	if ((arg[0] < '0' || arg[0] > '9') && arg[0] != '.')
		goto bad;
	*v = strtod(arg, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(*v) || *v > 1e9)
		goto bad;
	return 0;
bad:
	usage_error("%s needs a number of seconds, not '%s'", opt, arg);
	return -1;
}

/* Bytes, with an optional K, M or G (powers of 1024). */
int
opt_size(const char *opt, const char *arg, size_t *v)
{
	unsigned long n;
	char *end;
	int shift = 0;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	n = strtoul(arg, &end, 10);
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		goto bad;
	}
	if ((shift && end[1] != '\0') || errno == ERANGE || n == 0 ||
	    n > (~0UL >> shift))
		goto bad;
	*v = (size_t)n << shift;
	return 0;
bad:
	usage_error("%s needs a size in bytes (K, M, G allowed), "
	    "not '%s'", opt, arg);
	return -1;
}

void
opt_init_run(struct runopts *ro)
{
	ro->timeout = 0;
	ro->wait_corosync = 0;
	ro->reconnect = 0;
	ro->max_backlog = DEFAULT_BACKLOG;
}

/* An event loop option: taken, not ours, or bad (said why). */
enum opt_res
opt_run(struct runopts *ro, int ch, const char *arg)
{
	switch (ch) {
	case 't':
		if (opt_seconds("--timeout", arg, &ro->timeout) == -1)
			return OPT_BAD;
		if (ro->timeout <= 0) {
			usage_error("--timeout must be more than 0");
			return OPT_BAD;
		}
		return OPT_TAKEN;
	case OPT_WAIT_COROSYNC:
		return opt_seconds("--wait-for-corosync", arg,
		    &ro->wait_corosync) == -1 ? OPT_BAD : OPT_TAKEN;
	case OPT_MAX_BACKLOG:
		return opt_size("--max-backlog", arg, &ro->max_backlog) == -1 ?
		    OPT_BAD : OPT_TAKEN;
	case 'r':
		ro->reconnect = 1;
		return OPT_TAKEN;
	}
	return OPT_NOT_MINE;
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

/* An option every event command takes: taken, not ours, or bad. */
enum opt_res
opt_common(struct runopts *ro, int ch, const char *arg)
{
	enum opt_res r;

	if ((r = out_option(ch, arg)) != OPT_NOT_MINE)
		return r;
	return opt_run(ro, ch, arg);
}

/* The GROUP arguments; a group named twice is a mistake, not a wish. */
int
opt_groups(int argc, char **argv, struct cpg_name **gp)
{
	struct cpg_name *g;
	int i, j;

	if ((g = calloc((size_t)argc + 1, sizeof(*g))) == NULL)
		err(ST_FAIL, "calloc");
	for (i = 0; i < argc; i++) {
		if (opt_group(argv[i], &g[i]) == -1)
			goto bad;
		for (j = 0; j < i; j++)
			if (g[j].length == g[i].length &&
			    memcmp(g[j].value, g[i].value, g[i].length) == 0) {
				usage_error("group '%s' named twice", argv[i]);
				goto bad;
			}
	}
	*gp = g;
	return 0;
bad:
	free(g);
	return -1;
}

/* COMMAND --help: the synopsis and the options, on standard output. */
int
cmd_help(const char *opts)
{
	printf("usage: cpgtool %s\n%s", cur_cmd->usage, opts);
	return ST_OK;
}
