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
#include <stdint.h>
#include <string.h>

/*
 * The struct is here, not private to sink.c, for one reason: the fast
 * path of every byte put (sink_reserve, one comparison) is inline in the
 * encoders. Nothing but sink.c and the inline functions below touches
 * its fields.
 */
struct sink;

/*
 * An encoder for a run of bytes too big to encode whole: the next chunk
 * of data[0..n) from *off into the sink, *off moved past it (enc.c).
 */
typedef void	 sink_fill_fn(struct sink *, int, const void *, size_t,
		    size_t *);

/* A big run left to encode when the bytes are read (sink_defer). */
struct sink_later {
	sink_fill_fn	*fill;		/* NULL: none */
	int		 kind;		/* fill's own */
	const void	*data;		/* the caller's, until it takes them */
	size_t		 n;
	size_t		 at;		/* where in sink_data's bytes */
};

struct sink {
	char		*buf;
	size_t		 len;		/* bytes in buf */
	size_t		 off;		/* bytes of buf already written */
	size_t		 cap;
	size_t		 gone;		/* bytes before buf[0], written */
	size_t		 limit;		/* most bytes pending; 0: no bound */
	int		 over;		/* went past limit; sticky */
	int		 defer;		/* sink_defer may leave a run */
	struct sink_later later;
	int		 fd;		/* -1: a memory sink */
	int		 nowait;	/* enum sink_nowait: how fd is written
					   without blocking, if it is */
	int		 fixed;		/* buf is not ours: never grown */
	int		 heap;		/* made by sink_new */
	int		 broken;	/* the reader closed the pipe */
	int		 error;		/* errno of output lost; sticky */
	int		 werr;		/* errno of a write while streaming */
	int		 stalled;	/* the reader took nothing this item */
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

int	 sink_over(const struct sink *);
void	 sink_limit(struct sink *, size_t);
void	 sink_deferring(struct sink *);
int	 sink_later(const struct sink *, struct sink_later *);

/* Writing into a sink: for the encoders and the renderers. */
int	 sink_grow(struct sink *, size_t);
void	 sink_put_big(struct sink *, const void *, size_t);
int	 sink_begin_item(struct sink *, size_t *);
int	 sink_end_item(struct sink *, size_t);
int	 sink_stream(struct sink *);
int	 sink_defer(struct sink *, sink_fill_fn *, int, const void *, size_t);

/*
 * A run of more than SINK_BIG bytes is not put whole into a sink that
 * writes to a fd or defers: it is encoded a chunk of SINK_STEP at a time
 * (a multiple of 3, for base64), each written before the next is made,
 * so that what one message costs is its own size and a constant, not
 * the size of its encoding.
 */
#ifndef SINK_BIG	/* fuzz/Makefile makes them small: many chunks */
#define SINK_BIG	(256 * 1024)
#define SINK_STEP	(48 * 1024)
#endif

/* Whether a run of n bytes is to be encoded a chunk at a time. */
static inline int
sink_chunked(const struct sink *s, size_t n)
{
	return n > SINK_BIG && (s->fd >= 0 || s->defer);
}

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

/*
 * Most runs put are short (a number, a key, a name): up to 16 bytes are
 * two loads and two stores, not a call to memcpy.
 */
static inline void
sink_copy(char *d, const char *c, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, c, 8);
		memcpy(&b, c + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&x, c, 4);
		memcpy(&y, c + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n > 0) {
		d[0] = c[0];
		d[n / 2] = c[n / 2];
		d[n - 1] = c[n - 1];
	}
}

static inline void
sink_put(struct sink *s, const void *p, size_t n)
{
	if (s->cap - s->len < n) {
		sink_put_big(s, p, n);
		return;
	}
	if (n <= 16)
		sink_copy(s->buf + s->len, p, n);
	else
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
 * Where the sink stands, to go back to if what follows turns out not to
 * fit its form (sink_rewind): counted from the sink's first byte, since
 * the buffer moves and, while a big run streams, is written in between.
 * What is already written cannot be taken back: only what is pending.
 */
static inline size_t
sink_mark(const struct sink *s)
{
	return s->gone + s->len;
}

static inline void
sink_rewind(struct sink *s, size_t m)
{
	s->len = m >= s->gone + s->off ? m - s->gone : s->off;
	if (s->later.fill != NULL && s->later.at >= m)
		s->later.fill = NULL;
}

#endif
