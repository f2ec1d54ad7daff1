/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>

enum { IN_LINE, IN_NUL, IN_WHOLE };

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
};

int	 input_open(struct input *, const char *, int);
void	 input_close(struct input *);
int	 input_read(struct input *);
int	 input_next(struct input *, const char **, size_t *);
void	 input_take(struct input *);
int	 input_done(const struct input *);
const char *input_unit(const struct input *);

#endif
