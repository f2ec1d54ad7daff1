/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The encoders: bytes with a length (names and payloads may hold NULs,
 * invalid UTF-8 or terminal control sequences) into a sink as text with
 * \xNN escapes, as a JSON string's body, as hex or base64; numbers and
 * times. Each knows one encoding and nothing of events or options.
 */

#ifndef ENC_H
#define ENC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sink.h"

struct cpg_name;

/* How a payload is shown: --encoding */
enum enc {
	ENC_TEXT,
	ENC_BASE64,
	ENC_HEX,
};

void	 enc_u(struct sink *, uint64_t);
void	 enc_xnum(struct sink *, uint64_t);
void	 enc_text(struct sink *, const void *, size_t, int);
void	 enc_hex(struct sink *, const void *, size_t);
void	 enc_base64(struct sink *, const void *, size_t);
int	 enc_jstr(struct sink *, const void *, size_t);
void	 enc_jbytes(struct sink *, const char *, size_t, const void *,
	    size_t, enum enc);
void	 enc_time(struct sink *, const struct timespec *);
void	 enc_now(struct sink *);
const char *enc_group_str(const struct cpg_name *, char *, size_t);

/* A literal key as the two arguments enc_jbytes takes. */
#define KEY(x)		x, sizeof(x) - 1

#endif
