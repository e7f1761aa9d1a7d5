// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-render: how long the renderer takes per scene and per frame, at the
 * sensor's 1280x800 and at 640x480, for each target. Times are the CPU time
 * of the calling thread (the renderer is single-threaded), so that a busy
 * machine does not inflate them. The baseline of the same run is a plain
 * memset of one 8-bit frame, so that numbers from different machines can be
 * compared as ratios.
 *
 *   bench-render [--repeat N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct bench_case {
	const char *name;
	enum pv_target target;
	unsigned int width, height, bits;
};

static int run_case(const struct bench_case *c, int repeat, double baseline_ms)
{
	const struct pv_optics optics = { c->width, c->height, 2, { 850, 940 } };
	struct pv_exposure exp = { .exposure_us = 4000, .gain_q4 = 16,
				   .intensity = { 0, 128 },
				   .max_intensity = { 255, 255 },
				   .lit_mask = 2, .bits = c->bits };
	size_t size = (size_t)c->width * c->height * (c->bits > 8 ? 2 : 1);
	double *render_ms = calloc(repeat, sizeof(double));
	double *expose_ms = calloc(repeat, sizeof(double));
	void *frame = malloc(size);
	int ret = 0;

	if (!render_ms || !expose_ms || !frame) {
		ret = -ENOMEM;
		goto out;
	}
	for (int r = 0; r < repeat && !ret; r++) {
		struct pv_scene_desc desc = { .target = c->target,
					      .identity = 1 + r,
					      .pose = { .finger_spread = -1,
							.deform = 0.5f,
							.seed = r },
					      .ambient = 0.1f, .glare = 0.3f };
		double t0 = now_ms();
		struct pv_scene *scene = pv_scene_render(&desc, &optics);

		render_ms[r] = now_ms() - t0;
		if (!scene) {
			ret = -errno;
			break;
		}
		exp.noise_seed = r;
		t0 = now_ms();
		ret = pv_scene_expose(scene, &exp, frame, size);
		expose_ms[r] = now_ms() - t0;
		pv_scene_free(scene);
	}
	if (ret) {
		fprintf(stderr, "bench-render: %s: %s\n", c->name, strerror(-ret));
		goto out;
	}
	double rm = median(render_ms, repeat), em = median(expose_ms, repeat);

	printf("%-24s %4ux%-4u %2u-bit  render %7.1f ms (%6.0fx memset)  "
	       "expose %6.2f ms (%5.1fx memset, %4.0f fps)\n",
	       c->name, c->width, c->height, c->bits, rm, rm / baseline_ms, em,
	       em / baseline_ms, 1000.0 / em);
out:
	free(render_ms);
	free(expose_ms);
	free(frame);
	return ret;
}

static double memset_baseline_ms(void)
{
	size_t n = 1280 * 800;
	unsigned char *buf = malloc(n);
	double best = 1e9;

	if (!buf)
		return 1.0;
	for (int r = 0; r < 50; r++) {
		double t0 = now_ms();

		memset(buf, r, n);
		__asm__ volatile("" : : "r"(buf) : "memory");
		double t = now_ms() - t0;

		best = t < best ? t : best;
	}
	free(buf);
	return best;
}

int main(int argc, char **argv)
{
	static const struct bench_case cases[] = {
		{ "palm", PV_TARGET_PALM, 1280, 800, 8 },
		{ "palm", PV_TARGET_PALM, 1280, 800, 10 },
		{ "photo attack", PV_TARGET_PHOTO, 1280, 800, 8 },
		{ "fake attack", PV_TARGET_FAKE, 1280, 800, 8 },
		{ "no target", PV_TARGET_NONE, 1280, 800, 8 },
		{ "palm", PV_TARGET_PALM, 640, 480, 8 },
	};
	int repeat = 5;
	double baseline;

	if (argc == 3 && !strcmp(argv[1], "--repeat"))
		repeat = atoi(argv[2]);
	if (repeat < 1 || repeat > 1000 || (argc != 1 && argc != 3)) {
		fprintf(stderr, "usage: bench-render [--repeat N]\n");
		return 2;
	}
	baseline = memset_baseline_ms();
	printf("baseline: memset of one 1280x800 8-bit frame %.3f ms; "
	       "medians of %d scenes; thread CPU time\n", baseline, repeat);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (run_case(&cases[i], repeat, baseline))
			return 1;
	return 0;
}
