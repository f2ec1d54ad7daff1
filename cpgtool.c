/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpgtool: a command-line client for corosync's Closed Process Groups.
 *
 * main parses the global options, finds the command in the table and
 * hands it the rest of argv; each command parses its own options.
 */

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpgtool.h"
#include "outopt.h"
#include "opt.h"
#include "status.h"
#include "util.h"

static const struct cmd cmds[] = {
	{ "join", cmd_join, "group", join_opts },
	{ "send", cmd_send, "group [message ...]", send_opts },
	{ "watch", cmd_watch, "group ...", watch_opts },
	{ "members", cmd_members, "[group ...]", members_opts },
	{ "top", cmd_top, "", top_opts },
	{ "lock", cmd_lock, "name [--] [command [argument ...]]", lock_opts },
	{ "ask", cmd_ask, "group [message]", ask_opts },
	{ "serve", cmd_serve, "group [--] command [argument ...]",
	    serve_opts },
	{ "quorum", cmd_quorum, "", quorum_opts },
	/* for operators: monitoring */
	{ "metrics", cmd_metrics, "", metrics_opts },
	{ "check", cmd_check, "group ...", check_opts },
};

static const struct optdef global_defs[] = {
	/* main's own loop takes these: they come before any command */
	{ "json", 'j', NULL, "print JSON Lines", .kind = OK_NONE },
	{ "version", 'V', NULL, "show the version", .kind = OK_NONE },
	OPTDEF_END
};
static const struct optdef *const global_opts[] = { global_defs, NULL };

static void
usage(void)
{
	size_t i;

	fputs("usage: cpgtool [-hjV] command [argument ...]\n\n"
	    "commands:\n", stdout);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		fputs("  cpgtool ", stdout);
		opt_synopsis(stdout, &cmds[i], 10, 15);
	}
	fputs("\nglobal options:\n", stdout);
	opt_help(global_opts);
	fputs("\n'cpgtool COMMAND --help' shows a command's options; "
	    "see cpgtool(1).\n", stdout);
}

static const struct cmd *
find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/*
 * A failed write of help text is an error; a closed pipe is not: the
 * reader had what it wanted (`cpgtool --help | head -1').
 */
static int
stdout_status(int st)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return st;
		warn("write");
		return st ? st : ST_FAIL;
	}
	return st;
}

/*
 * A closed 0, 1 or 2 would be reused by the next open, and libqb's socket
 * to corosync must never become our stdout: park /dev/null there, and
 * remember, so a command that needs the stream can say it is closed.
 */
static void
guard_std(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		std_closed |= 1u << fd;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(ST_FAIL);
	}
}

int
main(int argc, char **argv)
{
	struct outfmt of;
	int ch;

	program_invocation_short_name = (char *)"cpgtool";
	guard_std();
	outopt_init(&of);
	of.tty = isatty(STDOUT_FILENO);
	/*
	 * A reader that closes the pipe on our stdout ends us quietly, with
	 * status 0, for --help as for watch: each write sees EPIPE and its
	 * caller takes it as the reader's choice, where SIGPIPE would kill
	 * us (status 141) before we leave our groups. A write to a corosync
	 * that went away fails with EPIPE too, which libcpg reports.
	 */
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;
	while ((ch = opt_get(argc, argv, global_opts, 1)) != -1) {
		switch (ch) {
		case 'h':
			usage();
			return stdout_status(ST_OK);
		case 'j':
			outopt_option(&of, 'j', NULL);
			break;
		case 'V':
			puts("cpgtool " CPGTOOL_VERSION);
			return stdout_status(ST_OK);
		default:
			return opt_unknown(argv, ch);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage_error("no command given");
		return ST_USAGE;
	}
	if ((cur_cmd = find_cmd(argv[0])) == NULL) {
		usage_error("unknown command '%s'", argv[0]);
		return ST_USAGE;
	}
	/* glibc: 0 restarts getopt from scratch for the command's argv */
	optind = 0;
	return stdout_status(cur_cmd->fn(argc, argv, &of));
}
