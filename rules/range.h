/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A threshold in the Monitoring Plugins development guidelines' range
 * syntax (range.c): parsed, and a value held against it. No I/O.
 */

#ifndef RANGE_H
#define RANGE_H

/*
 * [@]START:END: a value outside START..END (inside, with @) is an alert;
 * the ends are part of the range. text is the argument as given, for
 * the performance data.
 */
struct range {
	double		 start;		/* -INFINITY: ~ */
	double		 end;		/* INFINITY: none given */
	int		 inside;	/* @: alert inside */
	int		 set;
	char		 text[64];
};

int	 range_parse(const char *, struct range *);
int	 range_alert(const struct range *, double);

#endif
