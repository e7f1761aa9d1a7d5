// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Vein enhancement of the sampled ROI: background normalisation (subtract the
 * local mean and divide by the local contrast, which removes LED falloff and
 * skin tone), then tile-based CLAHE so that faint and strong veins reach the
 * feature filter bank with comparable contrast. Pixels outside the hand or
 * in glare are set to mid-grey so they add no edges. See docs/roi.md.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "roi_internal.h"

#define S PV_ROI_SIZE
/* Background window radius: wider than a vein (3-8 ROI pixels), narrower
 * than the LED falloff. */
#define BG_RADIUS 10
/* z-score to grey: +-3 sigma spans the byte range. */
#define Z_TO_GREY 42.0f
#define CLAHE_TILES 4
#define CLAHE_CLIP 3.0f

/* The corners of a window, clipped to the ROI, in an integral image. */
struct window {
	int a, b, c, d;	/* (x1, y1), (x1, y0), (x0, y1), (x0, y0) */
};

static struct window window_at(int x0, int y0, int x1, int y1)
{
	const int w = S + 1;

	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > S - 1 ? S - 1 : x1;
	y1 = y1 > S - 1 ? S - 1 : y1;
	return (struct window){ (y1 + 1) * w + x1 + 1, y0 * w + x1 + 1,
				(y1 + 1) * w + x0, y0 * w + x0 };
}

/* Sum of a window from an inclusive integral image. */
static double box_sum(const double *ii, struct window win)
{
	return ii[win.a] - ii[win.b] - ii[win.c] + ii[win.d];
}

/* Inclusive integral images of the valid pixels' count @ii_n, values @ii_s
 * and squares @ii_q, in one pass. */
static void integrals(const float *v, const uint8_t *valid, double *ii_n,
		      double *ii_s, double *ii_q)
{
	const int w = S + 1;

	memset(ii_n, 0, sizeof(double) * w);
	memset(ii_s, 0, sizeof(double) * w);
	memset(ii_q, 0, sizeof(double) * w);
	for (int y = 0; y < S; y++) {
		double row_n = 0, row_s = 0, row_q = 0;

		ii_n[(y + 1) * w] = ii_s[(y + 1) * w] = ii_q[(y + 1) * w] = 0;
		for (int x = 0; x < S; x++) {
			const int i = (y + 1) * w + x + 1, above = y * w + x + 1;
			double p = valid[y * S + x];

			row_n += p;
			p *= v[y * S + x];
			row_s += p;
			p *= v[y * S + x];
			row_q += p;
			ii_n[i] = ii_n[above] + row_n;
			ii_s[i] = ii_s[above] + row_s;
			ii_q[i] = ii_q[above] + row_q;
		}
	}
}

/* Mask-aware local mean and deviation; the result is a z-score image. */
static int normalise_background(const struct pv_roi_raw *raw, float *z)
{
	const int r = BG_RADIUS;
	const size_t cells = (S + 1) * (S + 1);
	double *ii_n = malloc(3 * cells * sizeof(double));
	double *ii_s = ii_n + cells, *ii_q = ii_n + 2 * cells;

	if (!ii_n)
		return -ENOMEM;
	integrals(raw->px, raw->valid, ii_n, ii_s, ii_q);
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			const struct window win = window_at(x - r, y - r, x + r, y + r);
			double n, mean, var;

			if (!raw->valid[y * S + x] || (n = box_sum(ii_n, win)) < 4) {
				z[y * S + x] = 0;
				continue;
			}
			mean = box_sum(ii_s, win) / n;
			var = box_sum(ii_q, win) / n - mean * mean;
			/* The floor keeps flat, noise-only areas from being
			 * blown up into fake veins. */
			z[y * S + x] = (float)((raw->px[y * S + x] - mean) /
					       sqrt(fmax(var, 1e-4)));
		}
	explicit_bzero(ii_n, 3 * cells * sizeof(double));
	free(ii_n);
	return 0;
}

/* Contrast-limited equalisation mapping of one tile. */
static void clahe_tile_map(const uint8_t *grey, const uint8_t *valid, int tx,
			   int ty, uint8_t *map)
{
	const int t = S / CLAHE_TILES;
	uint32_t hist[256] = { 0 }, n = 0, excess = 0, cdf = 0, clip;

	for (int y = ty * t; y < (ty + 1) * t; y++)
		for (int x = tx * t; x < (tx + 1) * t; x++)
			if (valid[y * S + x]) {
				hist[grey[y * S + x]]++;
				n++;
			}
	if (n == 0) {
		for (int v = 0; v < 256; v++)
			map[v] = (uint8_t)v;
		return;
	}
	clip = (uint32_t)(CLAHE_CLIP * (float)n / 256.0f) + 1;
	for (int v = 0; v < 256; v++)
		if (hist[v] > clip) {
			excess += hist[v] - clip;
			hist[v] = clip;
		}
	for (int v = 0; v < 256; v++)
		hist[v] += excess / 256 + ((uint32_t)v < excess % 256);
	for (int v = 0; v < 256; v++) {
		cdf += hist[v];
		map[v] = (uint8_t)((uint64_t)cdf * 255 / n);
	}
}

int pv_enhance_roi(const struct pv_roi_raw *raw, uint8_t *out)
{
	const int t = S / CLAHE_TILES;
	uint8_t maps[CLAHE_TILES][CLAHE_TILES][256];
	float z[S * S], col_a[S];
	int col_0[S], col_1[S];
	int err = normalise_background(raw, z);

	if (err)
		return err;
	/* Each column's two nearest tiles and its weight between them. */
	for (int x = 0; x < S; x++) {
		float fx = ((float)x + 0.5f) / t - 0.5f;

		col_0[x] = fx < 0 ? 0 : (int)fx;
		col_1[x] = col_0[x] + 1 < CLAHE_TILES ? col_0[x] + 1 : col_0[x];
		col_a[x] = fx < 0 ? 0 : fx - (float)col_0[x] > 1 ? 1 : fx - (float)col_0[x];
	}
	for (int i = 0; i < S * S; i++) {
		float g = 128.0f + Z_TO_GREY * z[i];

		out[i] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : g + 0.5f);
	}
	for (int ty = 0; ty < CLAHE_TILES; ty++)
		for (int tx = 0; tx < CLAHE_TILES; tx++)
			clahe_tile_map(out, raw->valid, tx, ty, maps[ty][tx]);
	/* Interpolate between the four nearest tile mappings: no tile seams. */
	for (int y = 0; y < S; y++) {
		float fy = ((float)y + 0.5f) / t - 0.5f;
		int y0 = fy < 0 ? 0 : (int)fy, y1 = y0 + 1 < CLAHE_TILES ? y0 + 1 : y0;
		float ay = fy < 0 ? 0 : fy - (float)y0 > 1 ? 1 : fy - (float)y0;

		for (int x = 0; x < S; x++) {
			const int x0 = col_0[x], x1 = col_1[x];
			const float ax = col_a[x];
			uint8_t v = out[y * S + x];
			float m;

			if (!raw->valid[y * S + x]) {
				out[y * S + x] = 128;
				continue;
			}
			m = (maps[y0][x0][v] * (1 - ax) + maps[y0][x1][v] * ax) * (1 - ay) +
			    (maps[y1][x0][v] * (1 - ax) + maps[y1][x1][v] * ax) * ay;
			out[y * S + x] = (uint8_t)(m + 0.5f);
		}
	}
	explicit_bzero(z, sizeof(z));
	return 0;
}
