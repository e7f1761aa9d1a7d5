// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capture quality of a frame: six numbers in 0..1 (1 = best) and their
 * combination into one 0..100 score, so the daemon can pick the best frame
 * of a presentation and tell the user what to change.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "roi_internal.h"

#define S PV_ROI_SIZE

static float clamp01(float v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* 1 inside [lo, hi], falling linearly to 0 at lo_zero and hi_zero. */
static float plateau(float v, float lo_zero, float lo, float hi, float hi_zero)
{
	if (v < lo)
		return clamp01((v - lo_zero) / (lo - lo_zero));
	if (v > hi)
		return clamp01((hi_zero - v) / (hi_zero - hi));
	return 1;
}

static float presence(const struct pv_hand *hand, const struct pv_roi_raw *raw)
{
	float contrast, coverage, bimodal;

	if (hand->crop) {
		double s = 0, ss = 0, n = 0;

		if (!raw)
			return 0;
		for (int i = 0; i < S * S; i++)
			if (raw->valid[i]) {
				s += raw->px[i];
				ss += raw->px[i] * raw->px[i];
				n++;
			}
		if (n < 16)
			return 0;
		/* A crop with no texture and no light is an empty frame. */
		return clamp01((float)(s / n) / 0.05f) *
		       clamp01((float)sqrt(fmax(ss / n - (s / n) * (s / n), 0)) / 0.01f);
	}
	contrast = (hand->fg_mean - hand->bg_mean) / 255.0f;
	coverage = (float)hand->area / (float)(hand->w * hand->h);
	bimodal = hand->separability;
	return clamp01(contrast / 0.12f) * clamp01(coverage / 0.04f) *
	       clamp01((bimodal - 0.5f) / 0.2f);
}

/* Palm width against the frame's short side; crops carry no distance cue. */
static float palm_size(const struct pv_image *img, const struct pv_hand *hand)
{
	float short_side = (float)(img->width < img->height ? img->width : img->height);
	float width = 2.0f * hand->palm_radius * (float)hand->factor;

	if (hand->crop)
		return 1;
	return plateau(width / short_side, 0.08f, 0.25f, 0.65f, 0.95f);
}

static float centring(const struct pv_image *img, const struct pv_hand *hand,
		      const struct pv_roi_geometry *geom)
{
	float f = (float)hand->factor;
	float cx = geom ? geom->cx : (hand->palm_x + 0.5f) * f;
	float cy = geom ? geom->cy : (hand->palm_y + 0.5f) * f;
	float half = 0.5f * (float)(img->width < img->height ? img->width : img->height);

	return clamp01(1.0f - hypotf(cx - 0.5f * (float)img->width,
				     cy - 0.5f * (float)img->height) / half);
}

static float exposure(const struct pv_roi_raw *raw)
{
	double s = 0;
	uint32_t n = 0;
	float mean;

	for (int i = 0; i < S * S; i++)
		if (raw->valid[i]) {
			s += raw->px[i];
			n++;
		}
	if (!n)
		return 0;
	mean = (float)(s / n);
	return plateau(mean, 0.02f, 0.2f, 0.8f, 0.98f) *
	       clamp01(1.0f - 3.0f * raw->saturated_fraction);
}

/*
 * Directional energies of second differences over valid neighbourhoods:
 * [0] horizontal, [1] vertical, [2] and [3] the diagonals. Also the energy
 * of the signal around its local 5x5 mean, the contrast that is there to be
 * resolved. The 5x5 means come from a summed-area table.
 */
static void texture_energies(const struct pv_roi_raw *raw, double e[4], double *contrast)
{
	const int off[4][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 }, { 1, -1 } };
	static const int T = S + 1;
	float *sat = malloc(sizeof(float) * T * T);
	uint32_t n = 0;

	e[0] = e[1] = e[2] = e[3] = *contrast = 0;
	if (!sat)
		return;
	for (int x = 0; x < T; x++)
		sat[x] = 0;
	for (int y = 0; y < S; y++) {
		float row = 0;

		sat[(y + 1) * T] = 0;
		for (int x = 0; x < S; x++) {
			row += raw->px[y * S + x];
			sat[(y + 1) * T + x + 1] = sat[y * T + x + 1] + row;
		}
	}
	for (int y = 2; y < S - 2; y++)
		for (int x = 2; x < S - 2; x++) {
			const float *p = &raw->px[y * S + x];
			const uint8_t *v = &raw->valid[y * S + x];
			double local;

			/* The mask is a smooth blob: its centre and the 5x5
			 * corners stand for the whole window. */
			if (!v[0] || !v[-2 * S - 2] || !v[-2 * S + 2] ||
			    !v[2 * S - 2] || !v[2 * S + 2])
				continue;
			local = sat[(y + 3) * T + x + 3] - sat[(y - 2) * T + x + 3] -
				sat[(y + 3) * T + x - 2] + sat[(y - 2) * T + x - 2];
			for (int k = 0; k < 4; k++) {
				int d = off[k][1] * S + off[k][0];
				double sd = p[d] - 2.0 * p[0] + p[-d];

				e[k] += sd * sd;
			}
			local = p[0] - local / 25.0;
			*contrast += local * local;
			n++;
		}
	if (n) {
		for (int k = 0; k < 4; k++)
			e[k] /= n;
		*contrast /= n;
	}
	explicit_bzero(sat, sizeof(float) * T * T);
	free(sat);
}

void pv_quality_assess(const struct pv_image *img, const struct pv_hand *hand,
		       const struct pv_roi_geometry *geom,
		       const struct pv_roi_raw *raw, struct pv_quality *q)
{
	double e[4], contrast, sum_sq, fine, ratio_axes, ratio_diag;
	float weights[5] = { 0.15f, 0.15f, 0.25f, 0.25f, 0.2f };
	float parts[5], log_score = 0;

	q->presence = presence(hand, raw);
	q->palm_size = palm_size(img, hand);
	q->centring = centring(img, hand, geom);
	if (raw) {
		q->exposure = exposure(raw);
		texture_energies(raw, e, &contrast);
		/*
		 * Sharpness: finest-scale energy against the local contrast.
		 * Defocus removes the former and keeps much of the latter.
		 * Motion blur: it removes fine energy along one direction
		 * only, which shows as imbalance between opposite directions.
		 */
		fine = (e[0] + e[1] + e[2] + e[3]) / 4;
		sum_sq = contrast > 1e-12 ? fine / contrast : 0;
		q->sharpness = clamp01((float)sum_sq / 3.0f);
		ratio_axes = fmin(e[0], e[1]) / fmax(fmax(e[0], e[1]), 1e-12);
		ratio_diag = fmin(e[2], e[3]) / fmax(fmax(e[2], e[3]), 1e-12);
		q->motion = clamp01((float)fmin(ratio_axes, ratio_diag) / 0.5f);
	} else {
		q->exposure = q->sharpness = q->motion = 0;
	}
	parts[0] = q->palm_size;
	parts[1] = q->centring;
	parts[2] = q->exposure;
	parts[3] = q->sharpness;
	parts[4] = q->motion;
	/* Weighted geometric mean: any one bad component pulls the score down. */
	for (int i = 0; i < 5; i++)
		log_score += weights[i] * logf(fmaxf(parts[i], 0.01f));
	q->score = (uint8_t)lroundf(100.0f * q->presence * expf(log_score));
}
