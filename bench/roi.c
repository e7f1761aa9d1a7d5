// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-roi: time of pv_roi_extract() (segmentation, valleys, sampling,
 * enhancement, quality) on decoded 768x576 synthetic frames, single thread.
 * Baseline in the same run: one 3x3 box blur over the full frame, the cost of
 * the cheapest full-resolution pass that a pipeline without downsampling
 * would make several times. Prints microseconds of the thread's CPU time
 * (time the core spent on other jobs is not counted) and the ratio.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <palmvein/image.h>
#include <palmvein/roi.h>

#include "render.h"

#define WIDTH 768
#define HEIGHT 576
#define FRAMES 6
#define ROUNDS 200

static double cpu_now_us(void)
{
	struct timespec ts;

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
	uint8_t *scratch = calloc(WIDTH * HEIGHT, 1);
	struct pv_roi *roi = malloc(sizeof(*roi));
	double t0, roi_us, blur_us;
	unsigned int found = 0, sink = 0;

	if (!frames || !scratch || !roi) {
		fprintf(stderr, "bench-roi: out of memory\n");
		return 1;
	}
	for (int i = 0; i < FRAMES; i++) {
		int err = render_frame((uint32_t)i + 1, -25.0f + 10.0f * (float)i,
				       frames + (size_t)i * WIDTH * HEIGHT);

		if (err) {
			fprintf(stderr, "bench-roi: render: %s\n", strerror(-err));
			return 1;
		}
	}
	t0 = cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < FRAMES; i++) {
			struct pv_image img;
			enum pv_roi_status st;

			pv_image_wrap(&img, WIDTH, HEIGHT, WIDTH, 8,
				      frames + (size_t)i * WIDTH * HEIGHT);
			found += pv_roi_extract(&img, roi, &st) == 0;
			sink += roi->pixels[PV_ROI_SIZE * PV_ROI_SIZE / 2];
		}
	roi_us = (cpu_now_us() - t0) / (ROUNDS * FRAMES);
	t0 = cpu_now_us();
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < FRAMES; i++) {
			box_blur(frames + (size_t)i * WIDTH * HEIGHT, scratch);
			sink += scratch[WIDTH * HEIGHT / 2];
		}
	blur_us = (cpu_now_us() - t0) / (ROUNDS * FRAMES);

	printf("bench-roi: %dx%d frames, %d rounds x %d frames, single thread\n",
	       WIDTH, HEIGHT, ROUNDS, FRAMES);
	printf("  pv_roi_extract       %8.1f us/frame (ROI found on %u/%u)\n",
	       roi_us, found / ROUNDS, FRAMES);
	printf("  baseline 3x3 blur    %8.1f us/frame\n", blur_us);
	printf("  ratio roi/baseline   %8.2f  (sink %u)\n", roi_us / blur_us, sink & 1);
	explicit_bzero(frames, (size_t)FRAMES * WIDTH * HEIGHT);
	free(frames);
	free(scratch);
	free(roi);
	return 0;
}
