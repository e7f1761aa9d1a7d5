/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scaffolding shared by the libpalmvein benchmarks: a CPU clock, rendered
 * test frames and the same-run baseline (docs/benchmarks.md).
 */
#ifndef PALMVEIN_BENCH_COMMON_H
#define PALMVEIN_BENCH_COMMON_H

#include <errno.h>
#include <stdint.h>

#include "render.h"

/* Decoded 8-bit frames of the sensor's full mode. */
#define BENCH_WIDTH 768
#define BENCH_HEIGHT 576

/* This thread's CPU time in microseconds. */
double bench_cpu_now_us(void);

/*
 * Render and expose a synthetic palm of @identity rotated by @rotation degrees
 * into @frame (BENCH_WIDTH x BENCH_HEIGHT bytes). Returns 0 or a negative errno.
 */
static inline int bench_render_frame(uint32_t identity, float rotation,
				     uint8_t *frame)
{
	const struct pv_optics optics = {
		BENCH_WIDTH, BENCH_HEIGHT, 2, { 850, 940 }
	};
	struct pv_scene_desc desc = {
		.target = PV_TARGET_PALM,
		.identity = identity,
		.pose = { .rotation_deg = rotation, .finger_spread = 0.7f,
			  .seed = identity },
	};
	struct pv_exposure exp = {
		.exposure_us = 4000, .gain_q4 = 16,
		.intensity = { 0, 128 }, .max_intensity = { 255, 255 },
		.lit_mask = 1u << 1, .bits = 8, .noise_seed = identity,
	};
	struct pv_scene *scene = pv_scene_render(&desc, &optics);
	int err;

	if (!scene)
		return -errno;
	err = pv_scene_expose(scene, &exp, frame, BENCH_WIDTH * BENCH_HEIGHT);
	pv_scene_free(scene);
	return err;
}

/*
 * The baseline: a 3x3 box blur of @in into @out, borders left untouched.
 * Out of line and cache-line aligned in bench_common.c: inlined into each
 * benchmark, it took 2.4 to 3.7 ms from build to build with the code
 * around it.
 */
void bench_box_blur(const uint8_t *in, uint8_t *out);

#endif
