// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scaffolding shared by the libpalmvein benchmarks (bench_common.h).
 */
#include <time.h>

#include "bench_common.h"

double bench_cpu_now_us(void)
{
	struct timespec ts;

	/* This thread's CPU time: other jobs on a shared machine do not count. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}
