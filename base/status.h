/* SPDX-License-Identifier: BSD-3-Clause */
/* Exit statuses, the same for every command; see cpgtool(1). */

#ifndef STATUS_H
#define STATUS_H

enum {
	ST_OK		= 0,
	ST_FAIL		= 1,
	ST_USAGE	= 2,
	ST_CONN		= 3,
	ST_ACCESS	= 4,
	ST_BUSY		= 5,	/* lock --nonblock: held by others */
	ST_LOST		= 6,	/* lock: held, then lost */
	ST_INQUORATE	= 7,	/* this node's partition is not quorate */
	ST_NONZERO	= 8,	/* ask: a server replied another status */
	ST_MISSING	= 9,	/* ask: an answer is missing */
	ST_UNSAFE	= 10,	/* lock: votequorum lets both sides be quorate */
	ST_NOEXEC	= 126,
	ST_NOTFOUND	= 127,
	ST_TIMEOUT	= 124,
	ST_SIGNAL	= 128,
};

#endif
