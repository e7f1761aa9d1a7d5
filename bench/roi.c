// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-roi: time of pv_roi_extract() (segmentation, valleys, sampling,
 * enhancement, quality) on decoded 768x576 synthetic frames, single thread.
 * Baseline in the same run: one 3x3 box blur over the full frame, the cost of
 * the cheapest full-resolution pass that a pipeline without downsampling
 * would make several times. Prints microseconds of the thread's CPU time
 * (time the core spent on other jobs is not counted) and the ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/image.h>
#include <palmvein/roi.h>

#include "bench_common.h"

#define FRAMES 6
#define ROUNDS 200

int main(void)
{
	uint8_t *frames = malloc((size_t)FRAMES * BENCH_WIDTH * BENCH_HEIGHT);
	uint8_t *scratch = calloc(BENCH_WIDTH * BENCH_HEIGHT, 1);
	struct pv_roi *roi = malloc(sizeof(*roi));
	double t0, roi_us, blur_us;
	unsigned int found = 0, sink = 0;

	if (!frames || !scratch || !roi) {
		fprintf(stderr, "bench-roi: out of memory\n");
		return 1;
	}
	for (int i = 0; i < FRAMES; i++) {
		int err = bench_render_frame((uint32_t)i + 1,
					     -25.0f + 10.0f * (float)i,
					     frames + (size_t)i * BENCH_WIDTH *
					     BENCH_HEIGHT);

		if (err) {
			fprintf(stderr, "bench-roi: render: %s\n", strerror(-err));
			return 1;
		}
	}
	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < FRAMES; i++) {
			struct pv_image img;
			enum pv_roi_status st;

			pv_image_wrap(&img, BENCH_WIDTH, BENCH_HEIGHT,
				      BENCH_WIDTH, 8, frames + (size_t)i *
				      BENCH_WIDTH * BENCH_HEIGHT);
			found += pv_roi_extract(&img, roi, &st) == 0;
			sink += roi->pixels[PV_ROI_SIZE * PV_ROI_SIZE / 2];
		}
	roi_us = (bench_cpu_now_us() - t0) / (ROUNDS * FRAMES);
	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < FRAMES; i++) {
			bench_box_blur(frames + (size_t)i * BENCH_WIDTH *
				       BENCH_HEIGHT, scratch);
			sink += scratch[BENCH_WIDTH * BENCH_HEIGHT / 2];
		}
	blur_us = (bench_cpu_now_us() - t0) / (ROUNDS * FRAMES);

	printf("bench-roi: %dx%d frames, %d rounds x %d frames, single thread\n",
	       BENCH_WIDTH, BENCH_HEIGHT, ROUNDS, FRAMES);
	printf("  pv_roi_extract       %8.1f us/frame (ROI found on %u/%u)\n",
	       roi_us, found / ROUNDS, FRAMES);
	printf("  baseline 3x3 blur    %8.1f us/frame\n", blur_us);
	printf("  ratio roi/baseline   %8.2f  (sink %u)\n", roi_us / blur_us, sink & 1);
	explicit_bzero(frames, (size_t)FRAMES * BENCH_WIDTH * BENCH_HEIGHT);
	free(frames);
	free(scratch);
	free(roi);
	return 0;
}
