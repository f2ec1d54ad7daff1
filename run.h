#ifndef RUN_H
#define RUN_H

#include "cpgtool.h"
#include "loop.h"

struct loop *run_loop(const struct runopts *, int);
int	 run_end(struct loop *, int);

#endif
