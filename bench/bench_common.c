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

__attribute__((noinline, aligned(64))) void bench_box_blur(const uint8_t *in,
							   uint8_t *out)
{
	for (int y = 1; y < BENCH_HEIGHT - 1; y++)
		for (int x = 1; x < BENCH_WIDTH - 1; x++) {
			int s = 0;

			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++)
					s += in[(y + dy) * BENCH_WIDTH + x + dx];
			out[y * BENCH_WIDTH + x] = (uint8_t)(s / 9);
		}
}
