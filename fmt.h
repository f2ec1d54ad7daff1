/*
 * The output options (--json, --format, --encoding, --timestamps,
 * --exclude-self, --events), parsed and checked once here; the
 * renderers (out.c) only read the result.
 */

#ifndef FMT_H
#define FMT_H

#include <stddef.h>

#include "opt.h"

/* --format, compiled: literal spans and conversions, in order. */
enum tok_kind {
	TK_LIT, TK_GROUP, TK_NODEID, TK_PID, TK_PAYLOAD, TK_SIZE, TK_HEX,
	TK_TYPE, TK_TIME,
};

struct tok {
	enum tok_kind	 kind;
	const char	*lit;		/* TK_LIT: in the argument, or static */
	size_t		 len;
};

#define FMT_MAX		64

/* The output options: one set, whatever the sink. */
struct outfmt {
	int		 json;
	int		 enc;		/* enum enc */
	int		 stamps;
	int		 exclude_self;
	unsigned	 events;	/* EVM_ masks */
	int		 events_set;
	int		 format;	/* --format given (it may be empty) */
	size_t		 ntok;
	struct tok	 tok[FMT_MAX];
};

extern struct outfmt outfmt;

enum opt_res out_option(int, const char *);
void	 out_reset(void);
int	 out_stamps(void);
void	 out_events_default(unsigned);

#endif
