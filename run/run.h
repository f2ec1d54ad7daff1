/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RUN_H
#define RUN_H

struct loop;
struct runopts;

struct loop *run_loop(const struct runopts *, int);
int	 run_end(struct loop *, int);

#endif
