/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The output options (--json, --format, --encoding, --timestamps,
 * --exclude-self, --events), parsed and checked once here; the
 * renderers (out.c) only read the result.
 */

#ifndef OUTOPT_H
#define OUTOPT_H

#include <stddef.h>

#include "opt.h"

/* --format, compiled: literal spans and conversions, in order. */
enum tok_kind {
	TK_LIT, TK_GROUP, TK_NODEID, TK_PID, TK_PAYLOAD, TK_SIZE, TK_HEX,
	TK_TYPE, TK_TIME, TK_RAW,
};

struct tok {
	enum tok_kind	 kind;
	const char	*lit;		/* TK_LIT: in the argument, or static */
	size_t		 len;
};

#define FMT_MAX		64

/*
 * The output options, as a command was given them. The format is the
 * command's, not a sink's and not a global: main starts it (the global
 * -j), the command's option parsing adds to it, and each renderer is
 * handed it with the sink it writes to. One format can so serve two
 * sinks (lock: stdout, or stderr under COMMAND), and a renderer that
 * needs another (JSON for a child's stdin, say) is handed another.
 */
struct outfmt {
	int		 json;
	int		 enc;		/* enum enc */
	int		 stamps;
	int		 exclude_self;
	unsigned	 events;	/* EVM_ masks */
	int		 events_set;
	int		 format;	/* --format given (it may be empty) */
	int		 tty;		/* the output is a terminal: %s escapes */
	size_t		 ntok;
	struct tok	 tok[FMT_MAX];
};

void	 outopt_init(struct outfmt *);
enum opt_res outopt_option(struct outfmt *, int, const char *);
void	 outopt_events_default(struct outfmt *, unsigned);

#endif
