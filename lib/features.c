// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Competitive code: at each cell the orientation whose even Gabor filter
 * answers most negatively, i.e. the direction of the darkest line through
 * the cell. Veins absorb NIR, so they are the dark lines.
 *
 * The bank runs on the ROI halved to 64x64 (each cell is 2x2 of those
 * pixels): vein widths at that scale are 2-6 pixels, and a quarter of the
 * multiply-adds keeps extraction inside the frame budget. Integer
 * arithmetic keeps the result identical on every CPU and compiler.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "features_internal.h"
#include "summed_area.h"

#define HALF (PV_ROI_SIZE / 2)
#define MAX_RADIUS 7
/* Kernel rows are padded to 16 taps: one fixed-length int16 dot product
 * per row, which compilers turn into multiply-add vector instructions. */
#define KW 16
/* Pixels of edge replication around the half-resolution ROI. */
#define PAD 8
#define PADDED (HALF + 2 * PAD + KW)
/* Fixed point: a kernel whose positive lobe sums to 1 becomes 1 << KSHIFT. */
#define KSHIFT 13

_Static_assert(HALF == 2 * PV_GRID, "cells are 2x2 half-ROI pixels");
_Static_assert(2 * MAX_RADIUS + 1 <= KW && MAX_RADIUS <= PAD, "kernel fits");

void pv_features_default_params(struct pv_feature_params *p)
{
	/*
	 * Chosen on polyu-nir-roi by decidability (bench-features,
	 * docs/accuracy.md). With a round envelope and a period this long the
	 * filter is close to a second derivative of a Gaussian across the
	 * line: a curvature (valley) detector at the scale of the veins.
	 */
	p->sigma = 3.0f;
	p->wavelength = 10.0f;
	p->aspect = 1.0f;
	p->radius = 7;
	p->min_valid = 0.8f;
	/*
	 * A cell whose filter reaches over the hand's outline (or a finger
	 * slot) codes that edge, and every hand has one: such cells gave
	 * impostor pairs of the renderer's 500 hands scores up to 0.84. So no
	 * pixel of the ROI where the envelope keeps a quarter of its peak may
	 * lie off the hand (docs/accuracy.md, "Cells on the outline").
	 */
	p->support = 5;
	p->min_contrast = 1.0f;
}

struct bank {
	int radius;
	int16_t k[PV_ORIENTATIONS][KW * KW];	/* row-major, KW wide */
};

/*
 * Even Gabor kernels, zero mean (flat illumination answers 0 exactly, also
 * after rounding) and with a unit positive lobe, so that responses are in
 * grey levels of contrast.
 */
static void bank_build(const struct pv_feature_params *p, struct bank *b)
{
	int r = p->radius, n = 2 * r + 1;
	double k[KW * KW];

	b->radius = r;
	memset(b->k, 0, sizeof(b->k));
	for (int o = 0; o < PV_ORIENTATIONS; o++) {
		double th = M_PI * o / PV_ORIENTATIONS;
		double c = cos(th), s = sin(th), sum = 0, wsum = 0, pos = 0;
		double env[KW * KW];
		int isum = 0;

		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++) {
				double across = (x - r) * c + (y - r) * s;
				double along = -(x - r) * s + (y - r) * c;

				env[y * KW + x] = exp(-(across * across +
						       p->aspect * p->aspect * along * along) /
						     (2.0 * p->sigma * p->sigma));
				k[y * KW + x] = env[y * KW + x] *
						cos(2.0 * M_PI * across / p->wavelength);
				sum += k[y * KW + x];
				wsum += env[y * KW + x];
			}
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++) {
				k[y * KW + x] -= sum * env[y * KW + x] / wsum;
				pos += k[y * KW + x] > 0 ? k[y * KW + x] : 0;
			}
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++) {
				int16_t v = (int16_t)lrint(k[y * KW + x] / pos * (1 << KSHIFT));

				b->k[o][y * KW + x] = v;
				isum += v;
			}
		b->k[o][r * KW + r] -= (int16_t)isum;
	}
}

/*
 * Halves the ROI to 64x64 sums of 2x2 pixels, edge-replicated by PAD.
 * Invalid pixels take the mean of the valid ones so that the hand's border
 * does not ring through the filters. @valid counts valid pixels (0..4).
 */
static int halve_roi(const struct pv_roi *roi, int16_t *img, uint8_t *valid)
{
	uint32_t sum = 0, nvalid = 0;

	for (int i = 0; i < PV_ROI_SIZE * PV_ROI_SIZE; i++)
		if (roi->valid[i]) {
			sum += roi->pixels[i];
			nvalid++;
		}
	if (!nvalid)
		return -ENODATA;
	uint8_t fill = (uint8_t)((sum + nvalid / 2) / nvalid);

	for (int y = 0; y < HALF; y++)
		for (int x = 0; x < HALF; x++) {
			int v = 0, n = 0;

			for (int dy = 0; dy < 2; dy++)
				for (int dx = 0; dx < 2; dx++) {
					int i = (2 * y + dy) * PV_ROI_SIZE + 2 * x + dx;
					int ok = roi->valid[i] != 0;

					v += ok ? roi->pixels[i] : fill;
					n += ok;
				}
			img[(y + PAD) * PADDED + x + PAD] = (int16_t)v;
			valid[y * HALF + x] = (uint8_t)n;
		}
	for (int y = 0; y < PADDED; y++) {
		int sy = y < PAD ? PAD : y >= HALF + PAD ? HALF + PAD - 1 : y;

		for (int x = 0; x < PADDED; x++) {
			int sx = x < PAD ? PAD : x >= HALF + PAD ? HALF + PAD - 1 : x;

			img[y * PADDED + x] = img[sy * PADDED + sx];
		}
	}
	return 0;
}

static int32_t dot_row(const int16_t *a, const int16_t *b)
{
	int32_t s = 0;

	for (int i = 0; i < KW; i++)
		s += a[i] * b[i];
	return s;
}

int pv_features_compute(const struct pv_roi *roi,
			const struct pv_feature_params *p,
			struct pv_template *t)
{
	int16_t img[PADDED * PADDED];
	uint8_t valid[HALF * HALF];
	/* valid[] counts a half-ROI pixel's valid ROI pixels, 0..4 */
	static const uint8_t count[256] = { 0, 1, 2, 3, 4 }, off_hand[256] = { 1, 1, 1, 1 };
	uint32_t valid_sum[(HALF + 1) * (HALF + 1)], off_hand_sum[(HALF + 1) * (HALF + 1)];
	unsigned char orient[PV_GRID * PV_GRID], usable[PV_GRID * PV_GRID];
	struct bank bank;
	int r = p->radius, n = 2 * r + 1, ret, nusable = 0, core;
	/* Responses are 4 (2x2 sums) << KSHIFT per grey level. */
	int32_t min_strength = (int32_t)lrintf(p->min_contrast * (4 << KSHIFT));

	if (p->radius < 1 || p->radius > MAX_RADIUS || p->support < 0 ||
	    p->support > p->radius || !(p->sigma > 0) ||
	    !(p->wavelength > 0) || !(p->min_contrast >= 0))
		return -EINVAL;
	ret = halve_roi(roi, img, valid);
	if (ret)
		return ret;
	bank_build(p, &bank);
	pv_sat_build(valid, HALF, HALF, count, valid_sum);
	pv_sat_build(valid, HALF, HALF, off_hand, off_hand_sum);
	/* the envelope's core in valid-pixel counts, off the ROI included */
	core = 4 * (2 * (r / 2) + 1) * (2 * (r / 2) + 1);

	for (int cy = 0; cy < PV_GRID; cy++)
		for (int cx = 0; cx < PV_GRID; cx++) {
			int px = 2 * cx + 1, py = 2 * cy + 1, ci = cy * PV_GRID + cx;
			int32_t resp[PV_ORIENTATIONS] = { 0 };

			for (int ky = 0; ky < n; ky++) {
				const int16_t *row = &img[(py - r + ky + PAD) * PADDED +
							  px - r + PAD];

				for (int o = 0; o < PV_ORIENTATIONS; o++)
					resp[o] += dot_row(row, &bank.k[o][ky * KW]);
			}
			int best = 0;
			int32_t lo = resp[0], hi = resp[0];

			for (int o = 1; o < PV_ORIENTATIONS; o++) {
				if (resp[o] < lo) {
					lo = resp[o];
					best = o;
				}
				if (resp[o] > hi)
					hi = resp[o];
			}
			orient[ci] = (unsigned char)best;
			/* Most of the envelope's core on the ROI and the hand,
			 * none of its support on the ROI off the hand; flat
			 * (saturated, blank) cells have no orientation. */
			usable[ci] = (float)pv_sat_window(valid_sum, HALF, HALF, (uint32_t)px,
							  (uint32_t)py, (uint32_t)(r / 2)) >=
					     p->min_valid * (float)core &&
				     !pv_sat_window(off_hand_sum, HALF, HALF, (uint32_t)px,
						    (uint32_t)py, (uint32_t)p->support) &&
				     hi - lo >= min_strength;
			nusable += usable[ci];
		}
	explicit_bzero(img, sizeof(img));
	if (!nusable)
		return -ENODATA;

	memset(t->code, 0, sizeof(t->code));
	memset(t->mask, 0, sizeof(t->mask));
	for (int cy = 0; cy < PV_GRID; cy++)
		for (int cx = 0; cx < PV_GRID; cx++) {
			int ci = cy * PV_GRID + cx;
			unsigned int code = pv_orientation_code(orient[ci]);

			if (!usable[ci])
				continue;
			t->mask[cy] |= 1u << cx;
			for (int pl = 0; pl < PV_CODE_PLANES; pl++)
				if (code & (1u << pl))
					t->code[pl][cy] |= 1u << cx;
		}
	explicit_bzero(orient, sizeof(orient));
	return 0;
}
