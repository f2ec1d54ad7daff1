/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>

#include "opt.h"	/* the modes: IN_LINE, IN_NUL, IN_WHOLE, IN_ARGS */

struct loop;
struct sess;

struct input {
	int		 fd;
	int		 mode;
	int		 eof;
	int		 done;		/* IN_WHOLE: the message was taken */
	const char	*name;
	char		*buf;
	size_t		 off;		/* start of the next message */
	size_t		 scan;		/* searched for a terminator up to */
	size_t		 next;		/* start of the one after */
	size_t		 len;
	size_t		 cap;
	unsigned long	 count;		/* messages taken */
	char *const	*args;		/* IN_ARGS */
	size_t		 nargs;
};

/*
 * The one way from input to a session, for join and send: every whole
 * message buffered is handed to sess_send, and input is read only while
 * nothing waits in the session's queue (the session's `drained' hook
 * calls pump_go). `ended' is called whenever every message is taken.
 */
struct pump {
	struct input	*in;
	struct loop	*loop;
	struct sess	*s;
	int		 going;		/* pump_go was called */
	int		 watched;	/* in->fd is the loop's */
	void		(*ended)(void *);
	void		*arg;
};

int	 input_open(struct input *, const char *, int);
void	 input_args(struct input *, char *const *, size_t);
void	 input_close(struct input *);
int	 input_read(struct input *);
int	 input_next(struct input *, const char **, size_t *);
void	 input_take(struct input *);
int	 input_done(const struct input *);
const char *input_unit(const struct input *);

void	 pump_init(struct pump *, struct input *, struct loop *,
	    struct sess *, void (*)(void *), void *);
void	 pump_go(struct pump *);

#endif
