// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-pipeline: decoded 768x576 frame -> template (pv_extract), single
 * core, split into ROI and features, beside a same-run baseline (a 3x3 box
 * blur of the frame) so that numbers from noisy machines compare; and
 * the same for a lit/unlit pair (pv_extract_pair).
 */
#include <stdio.h>
#include <stdlib.h>

#include <palmvein/palmvein.h>

#include "bench_common.h"

#define FRAMES 6
#define ROUNDS 100

int main(void)
{
	uint8_t *frames = malloc((size_t)FRAMES * BENCH_WIDTH * BENCH_HEIGHT);
	uint8_t *scratch = malloc((size_t)BENCH_WIDTH * BENCH_HEIGHT);
	uint8_t *black = calloc((size_t)BENCH_WIDTH * BENCH_HEIGHT, 1);
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_image img[FRAMES], dark;
	struct pv_template t;
	double t0, blur_us, roi_us, feat_us, total_us, pair_us;
	int ok = 0, extracted = 0, paired = 0;

	if (!frames || !scratch || !black || !roi ||
	    pv_image_wrap(&dark, BENCH_WIDTH, BENCH_HEIGHT, BENCH_WIDTH, 8, black))
		return 1;
	for (int i = 0; i < FRAMES; i++) {
		uint8_t *f = frames + (size_t)i * BENCH_WIDTH * BENCH_HEIGHT;

		if (bench_render_frame((uint32_t)i + 1,
				       -12.0f + 5.0f * (float)i, f) ||
		    pv_image_wrap(&img[i], BENCH_WIDTH, BENCH_HEIGHT,
				  BENCH_WIDTH, 8, f)) {
			fprintf(stderr, "bench-pipeline: cannot render frame %d\n", i);
			return 1;
		}
	}

	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		bench_box_blur(frames + (size_t)(r % FRAMES) * BENCH_WIDTH *
			       BENCH_HEIGHT, scratch);
	blur_us = (bench_cpu_now_us() - t0) / ROUNDS;

	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		ok += !pv_roi_extract(&img[r % FRAMES], roi, NULL);
	roi_us = (bench_cpu_now_us() - t0) / ROUNDS;

	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		pv_template_from_roi(roi, &t);
	feat_us = (bench_cpu_now_us() - t0) / ROUNDS;

	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		extracted += !pv_extract(&img[r % FRAMES], &t, NULL, NULL);
	total_us = (bench_cpu_now_us() - t0) / ROUNDS;

	/* A pair whose unlit frame is dark (no room light): the same ROI as
	 * pv_extract(), plus what the pair costs. */
	t0 = bench_cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		paired += !pv_extract_pair(&img[r % FRAMES], &dark, &t, NULL, NULL);
	pair_us = (bench_cpu_now_us() - t0) / ROUNDS;

	printf("bench-pipeline: %dx%d 8-bit frames, %d rendered palms, %d rounds, one core (thread CPU time)\n",
	       BENCH_WIDTH, BENCH_HEIGHT, FRAMES, ROUNDS);
	printf("  baseline 3x3 box blur of the frame  %8.3f ms\n", blur_us / 1e3);
	printf("  pv_roi_extract                      %8.3f ms  (%.1fx baseline, ROI found %d/%d)\n",
	       roi_us / 1e3, roi_us / blur_us, ok, ROUNDS);
	printf("  features (pv_template_from_roi)     %8.3f ms  (%.1fx baseline)\n",
	       feat_us / 1e3, feat_us / blur_us);
	printf("  pv_extract: frame -> template       %8.3f ms  (%.1fx baseline, templates %d/%d)\n",
	       total_us / 1e3, total_us / blur_us, extracted, ROUNDS);
	printf("  pv_extract_pair: lit/unlit pair     %8.3f ms  (%.1fx baseline, templates %d/%d)\n",
	       pair_us / 1e3, pair_us / blur_us, paired, ROUNDS);
	pv_template_wipe(&t);
	free(roi);
	free(scratch);
	free(black);
	free(frames);
	return 0;
}
