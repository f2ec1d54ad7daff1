/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sinks: where output goes. A buffer written to a file descriptor when
 * its owner flushes it (stdout, stderr, a pipe to a child), or kept in
 * memory. The encoders (enc.c) and the renderers (out.c) write into a
 * sink; only sink.c moves its bytes to a descriptor.
 */

#ifndef SINK_H
#define SINK_H

#include <stddef.h>
#include <string.h>

/*
 * The struct is here, not private to sink.c, for one reason: the fast
 * path of every byte put (sink_reserve, one comparison) is inline in the
 * encoders. Nothing but sink.c and the inline functions below touches
 * its fields.
 */
struct sink {
	char		*buf;
	size_t		 len;		/* bytes in buf */
	size_t		 off;		/* bytes of buf already written */
	size_t		 cap;
	int		 fd;		/* -1: a memory sink */
	int		 oldfl;		/* fd's flags before O_NONBLOCK; -1 */
	int		 fixed;		/* buf is not ours: never grown */
	int		 heap;		/* made by sink_new */
	int		 broken;	/* the reader closed the pipe */
	int		 error;		/* errno of output lost; sticky */
	int		 told;		/* sink_flush has returned it once */
};

extern struct sink *const sink_stdout;
extern struct sink *const sink_stderr;

struct sink *sink_new(int);
void	 sink_fixed(struct sink *, char *, size_t);
void	 sink_free(struct sink *);
int	 sink_start(struct sink *);
int	 sink_flush(struct sink *);
int	 sink_stop(struct sink *);
size_t	 sink_pending(const struct sink *);
int	 sink_broken(const struct sink *);
void	 sink_drop(struct sink *);
const char *sink_data(const struct sink *, size_t *);

/* Writing into a sink: for the encoders and the renderers. */
int	 sink_grow(struct sink *, size_t);
int	 sink_begin_item(struct sink *, size_t *);
int	 sink_end_item(struct sink *, size_t);

/* Room for n more bytes: the fast path is one comparison. */
static inline int
sink_reserve(struct sink *s, size_t n)
{
	return s->cap - s->len >= n || sink_grow(s, n);
}

/*
 * Where n bytes reserved with sink_reserve go, written in place and
 * then counted with sink_wrote.
 */
static inline char *
sink_tail(struct sink *s)
{
	return s->buf + s->len;
}

static inline void
sink_wrote(struct sink *s, size_t n)
{
	s->len += n;
}

static inline void
sink_put(struct sink *s, const void *p, size_t n)
{
	if (!sink_reserve(s, n))
		return;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static inline void
sink_putc(struct sink *s, char c)
{
	if (!sink_reserve(s, 1))
		return;
	s->buf[s->len++] = c;
}

static inline void
sink_puts(struct sink *s, const char *str)
{
	sink_put(s, str, strlen(str));
}

/* A string literal: its length is known at compile time. */
#define sink_lit(s, lit)	sink_put(s, lit, sizeof(lit) - 1)

/* A memory sink's bytes as DIR/NAME, through a file renamed into place. */
int	 sink_replace_file(const struct sink *, const char *, const char *);

/*
 * What is pending, to go back to if what follows turns out not to fit its
 * form (sink_rewind): counted from off, since sink_grow may move the
 * buffer.
 */
static inline size_t
sink_mark(const struct sink *s)
{
	return s->len - s->off;
}

static inline void
sink_rewind(struct sink *s, size_t m)
{
	s->len = s->off + m;
}

#endif
