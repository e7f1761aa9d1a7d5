// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-pipeline: decoded 768x576 frame -> template (pv_extract), single
 * core, split into ROI and features, beside a same-run baseline (a 3x3 box
 * blur of the frame) so that numbers from noisy machines compare.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <palmvein/palmvein.h>

#include "render.h"

#define WIDTH 768
#define HEIGHT 576
#define FRAMES 6
#define ROUNDS 100

static double now_us(void)
{
	struct timespec ts;

	/* This thread's CPU time: other jobs on a shared machine do not count. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int render_frame(uint32_t identity, float rotation, uint8_t *frame)
{
	const struct pv_optics optics = { WIDTH, HEIGHT, 2, { 850, 940 } };
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
	err = pv_scene_expose(scene, &exp, frame, WIDTH * HEIGHT);
	pv_scene_free(scene);
	return err;
}

static void box_blur(const uint8_t *in, uint8_t *out)
{
	for (int y = 1; y < HEIGHT - 1; y++)
		for (int x = 1; x < WIDTH - 1; x++) {
			int s = 0;

			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++)
					s += in[(y + dy) * WIDTH + x + dx];
			out[y * WIDTH + x] = (uint8_t)(s / 9);
		}
}

int main(void)
{
	uint8_t *frames = malloc((size_t)FRAMES * WIDTH * HEIGHT);
	uint8_t *scratch = malloc((size_t)WIDTH * HEIGHT);
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_image img[FRAMES];
	struct pv_template t;
	double t0, blur_us, roi_us, feat_us, total_us;
	int ok = 0, extracted = 0;

	if (!frames || !scratch || !roi)
		return 1;
	for (int i = 0; i < FRAMES; i++) {
		uint8_t *f = frames + (size_t)i * WIDTH * HEIGHT;

		if (render_frame((uint32_t)i + 1, -12.0f + 5.0f * (float)i, f) ||
		    pv_image_wrap(&img[i], WIDTH, HEIGHT, WIDTH, 8, f)) {
			fprintf(stderr, "bench-pipeline: cannot render frame %d\n", i);
			return 1;
		}
	}

	t0 = now_us();
	for (int r = 0; r < ROUNDS; r++)
		box_blur(frames + (size_t)(r % FRAMES) * WIDTH * HEIGHT, scratch);
	blur_us = (now_us() - t0) / ROUNDS;

	t0 = now_us();
	for (int r = 0; r < ROUNDS; r++)
		ok += !pv_roi_extract(&img[r % FRAMES], roi, NULL);
	roi_us = (now_us() - t0) / ROUNDS;

	t0 = now_us();
	for (int r = 0; r < ROUNDS; r++)
		pv_template_from_roi(roi, &t);
	feat_us = (now_us() - t0) / ROUNDS;

	t0 = now_us();
	for (int r = 0; r < ROUNDS; r++)
		extracted += !pv_extract(&img[r % FRAMES], &t, NULL, NULL);
	total_us = (now_us() - t0) / ROUNDS;

	printf("bench-pipeline: %dx%d 8-bit frames, %d rendered palms, %d rounds, one core (thread CPU time)\n",
	       WIDTH, HEIGHT, FRAMES, ROUNDS);
	printf("  baseline 3x3 box blur of the frame  %8.3f ms\n", blur_us / 1e3);
	printf("  pv_roi_extract                      %8.3f ms  (%.1fx baseline, ROI found %d/%d)\n",
	       roi_us / 1e3, roi_us / blur_us, ok, ROUNDS);
	printf("  features (pv_template_from_roi)     %8.3f ms  (%.1fx baseline)\n",
	       feat_us / 1e3, feat_us / blur_us);
	printf("  pv_extract: frame -> template       %8.3f ms  (%.1fx baseline, templates %d/%d)\n",
	       total_us / 1e3, total_us / blur_us, extracted, ROUNDS);
	pv_template_wipe(&t);
	free(roi);
	free(scratch);
	free(frames);
	return 0;
}
