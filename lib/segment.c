// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hand segmentation at working resolution: block-average downsampling,
 * binomial blur, Otsu without saturated glare, largest component, hole
 * filling, and a Euclidean distance transform whose maximum is the centre
 * and radius of the palm's inscribed circle.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "roi_internal.h"


/*
 * Block means and glare flags. Rows are first accumulated column-wise over
 * the block's height (a simple loop the compiler vectorises), then the
 * column sums are added up per block.
 */
static void downsample(const struct pv_image *img, struct pv_hand *hand,
		       uint8_t *out, uint32_t *col_sum, uint32_t *col_sat)
{
	const uint32_t f = hand->factor, span = hand->w * f;
	const float to_255 = 255.0f / (float)(f * f) / (float)img->maxval;
	const uint32_t sat = (uint32_t)(PV_GLARE_LEVEL * (float)img->maxval);

	for (uint32_t y = 0; y < hand->h; y++) {
		memset(col_sum, 0, span * sizeof(*col_sum));
		memset(col_sat, 0, span * sizeof(*col_sat));
		for (uint32_t dy = 0; dy < f; dy++) {
			const uint8_t *row = (const uint8_t *)img->data +
					     (size_t)(y * f + dy) * img->stride;

			if (img->bits == 8) {
				for (uint32_t x = 0; x < span; x++) {
					col_sum[x] += row[x];
					col_sat[x] += row[x] >= sat;
				}
			} else {
				const uint16_t *r16 = (const uint16_t *)row;

				for (uint32_t x = 0; x < span; x++) {
					col_sum[x] += r16[x];
					col_sat[x] += r16[x] >= sat;
				}
			}
		}
		for (uint32_t x = 0; x < hand->w; x++) {
			uint32_t sum = 0, nsat = 0;
			float v;

			for (uint32_t dx = 0; dx < f; dx++) {
				sum += col_sum[x * f + dx];
				nsat += col_sat[x * f + dx];
			}
			v = (float)sum * to_255;
			out[y * hand->w + x] = (uint8_t)(v > 255.0f ? 255.0f : v + 0.5f);
			hand->glare[y * hand->w + x] = 2 * nsat > f * f;
		}
	}
}

/* 1-2-1 binomial blur in both directions: Otsu on a noisy NIR frame
 * otherwise speckles the hand border. */
static void blur3(const uint8_t *in, uint8_t *out, uint8_t *tmp, uint32_t w,
		  uint32_t h)
{
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint32_t l = x ? x - 1 : x, r = x + 1 < w ? x + 1 : x;
			const uint8_t *row = in + (size_t)y * w;

			tmp[y * w + x] = (uint8_t)((row[l] + 2 * row[x] + row[r] + 2) / 4);
		}
	for (uint32_t y = 0; y < h; y++) {
		uint32_t u = y ? y - 1 : y, d = y + 1 < h ? y + 1 : y;

		for (uint32_t x = 0; x < w; x++)
			out[y * w + x] = (uint8_t)((tmp[u * w + x] + 2 * tmp[y * w + x] +
						   tmp[d * w + x] + 2) / 4);
	}
}

static int otsu(const struct pv_hand *hand)
{
	uint32_t hist[256] = { 0 };
	double total = 0, sum = 0, sum_sq = 0, best = -1, sum_b = 0, w_b = 0;
	const size_t n = (size_t)hand->w * hand->h;
	int threshold = -1;

	for (size_t i = 0; i < n; i++)
		if (!hand->glare[i])
			hist[hand->grey[i]]++;
	for (int v = 0; v < 256; v++) {
		total += hist[v];
		sum += (double)v * hist[v];
		sum_sq += (double)v * v * hist[v];
	}
	if (total == 0)
		return -1;
	for (int t = 0; t < 255; t++) {
		double w_f, m_b, m_f, between;

		w_b += hist[t];
		sum_b += (double)t * hist[t];
		w_f = total - w_b;
		if (w_b == 0 || w_f == 0)
			continue;
		m_b = sum_b / w_b;
		m_f = (sum - sum_b) / w_f;
		between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
		if (between > best) {
			best = between;
			threshold = t;
		}
	}
	return threshold;
}

/* Class statistics for the chosen threshold, kept for quality and for
 * telling a full-hand frame from a palm-centre crop. */
static void class_stats(struct pv_hand *hand, int threshold)
{
	const size_t n = (size_t)hand->w * hand->h;
	double nb = 0, nf = 0, sb = 0, sf = 0, s = 0, ss = 0;

	for (size_t i = 0; i < n; i++) {
		double v = hand->grey[i];

		if (hand->glare[i])
			continue;
		s += v;
		ss += v * v;
		if (hand->grey[i] > threshold) {
			nf++;
			sf += v;
		} else {
			nb++;
			sb += v;
		}
	}
	hand->fg_mean = nf ? (float)(sf / nf) : 0;
	hand->bg_mean = nb ? (float)(sb / nb) : 0;
	if (nb + nf > 0) {
		double mean = s / (nb + nf);
		double var = ss / (nb + nf) - mean * mean;
		double mb = hand->bg_mean - mean, mf = hand->fg_mean - mean;
		double between = (nb * mb * mb + nf * mf * mf) / (nb + nf);

		hand->separability = var > 1e-9 ? (float)(between / var) : 0;
	}
}

/* Keeps the largest 4-connected component of @mask; @stack holds w*h. */
static uint32_t keep_largest_component(uint8_t *mask, uint32_t w, uint32_t h,
				       uint32_t *stack)
{
	const size_t n = (size_t)w * h;
	uint32_t best_label = 0, best_size = 0, label = 1;
	/* Labels go into the mask bytes, so at most 254 components are told
	 * apart; later ones are merged into the last label, which only costs
	 * a slightly larger "largest" blob in pathological noise. */
	for (size_t i = 0; i < n; i++) {
		uint32_t size = 0, top = 0;

		if (mask[i] != 1)
			continue;
		if (label < 254)
			label++;
		mask[i] = (uint8_t)label;
		stack[top++] = (uint32_t)i;
		while (top) {
			uint32_t p = stack[--top], x = p % w, y = p / w;
			uint32_t nb[4];
			int k = 0;

			size++;
			if (x > 0)
				nb[k++] = p - 1;
			if (x + 1 < w)
				nb[k++] = p + 1;
			if (y > 0)
				nb[k++] = p - w;
			if (y + 1 < h)
				nb[k++] = p + w;
			for (int j = 0; j < k; j++)
				if (mask[nb[j]] == 1) {
					mask[nb[j]] = (uint8_t)label;
					stack[top++] = nb[j];
				}
		}
		if (size > best_size) {
			best_size = size;
			best_label = label;
		}
	}
	for (size_t i = 0; i < n; i++)
		mask[i] = best_label && mask[i] == best_label;
	return best_size;
}

/* Fills background regions that do not reach the frame border (glare
 * spots and dark veins inside the hand). */
static uint32_t fill_holes(uint8_t *mask, uint32_t w, uint32_t h, uint32_t *stack)
{
	const size_t n = (size_t)w * h;
	uint32_t top = 0, area = 0;

	for (uint32_t x = 0; x < w; x++) {
		if (!mask[x]) {
			mask[x] = 2;
			stack[top++] = x;
		}
		if (!mask[(size_t)(h - 1) * w + x]) {
			mask[(size_t)(h - 1) * w + x] = 2;
			stack[top++] = (h - 1) * w + x;
		}
	}
	for (uint32_t y = 0; y < h; y++) {
		if (!mask[(size_t)y * w]) {
			mask[(size_t)y * w] = 2;
			stack[top++] = y * w;
		}
		if (!mask[(size_t)y * w + w - 1]) {
			mask[(size_t)y * w + w - 1] = 2;
			stack[top++] = y * w + w - 1;
		}
	}
	while (top) {
		uint32_t p = stack[--top], x = p % w, y = p / w;
		uint32_t nb[4];
		int k = 0;

		if (x > 0)
			nb[k++] = p - 1;
		if (x + 1 < w)
			nb[k++] = p + 1;
		if (y > 0)
			nb[k++] = p - w;
		if (y + 1 < h)
			nb[k++] = p + w;
		for (int j = 0; j < k; j++)
			if (!mask[nb[j]]) {
				mask[nb[j]] = 2;
				stack[top++] = nb[j];
			}
	}
	for (size_t i = 0; i < n; i++) {
		mask[i] = mask[i] != 2;
		area += mask[i];
	}
	return area;
}

/* 1-D squared distance transform (Felzenszwalb & Huttenlocher). */
static void edt_1d(const double *f, double *d, int n, int *v, double *z)
{
	int k = 0;

	v[0] = 0;
	z[0] = -INFINITY;
	z[1] = INFINITY;
	for (int q = 1; q < n; q++) {
		double s;

		/* z[0] is -inf, so this stops at k == 0 at the latest. */
		for (;;) {
			int p = v[k];

			s = ((f[q] + (double)q * q) - (f[p] + (double)p * p)) /
			    (2.0 * (q - p));
			if (s > z[k])
				break;
			k--;
		}
		k++;
		v[k] = q;
		z[k] = s;
		z[k + 1] = INFINITY;
	}
	k = 0;
	for (int q = 0; q < n; q++) {
		while (z[k + 1] < q)
			k++;
		d[q] = (double)(q - v[k]) * (q - v[k]) + f[v[k]];
	}
}

/*
 * Distance from each hand pixel to the nearest background pixel. The frame
 * border is not background: a palm cut off by the edge must not look small.
 * Nor is glare: a clipped spot on the palm's edge hides skin, not air, and
 * must not push the inscribed circle away.
 */
static int distance_transform(struct pv_hand *hand)
{
	const uint32_t w = hand->w, h = hand->h, n = w > h ? w : h;
	const double far = 1e20;
	double *f = calloc(n, sizeof(*f)), *d = calloc(n, sizeof(*d));
	double *z = calloc(n + 1, sizeof(*z));
	int *v = calloc(n, sizeof(*v));
	float best = 0;

	if (!f || !d || !z || !v) {
		free(f);
		free(d);
		free(z);
		free(v);
		return -ENOMEM;
	}
	for (uint32_t x = 0; x < w; x++) {
		for (uint32_t y = 0; y < h; y++)
			f[y] = hand->mask[(size_t)y * w + x] ||
			       hand->glare[(size_t)y * w + x] ? far : 0;
		edt_1d(f, d, (int)h, v, z);
		for (uint32_t y = 0; y < h; y++)
			hand->dist[(size_t)y * w + x] = d[y] >= far ? INFINITY : (float)d[y];
	}
	for (uint32_t y = 0; y < h; y++) {
		float *row = hand->dist + (size_t)y * w;

		for (uint32_t x = 0; x < w; x++)
			f[x] = isfinite(row[x]) ? row[x] : far;
		edt_1d(f, d, (int)w, v, z);
		for (uint32_t x = 0; x < w; x++) {
			row[x] = d[x] >= far ? INFINITY : sqrtf((float)d[x]);
			if (row[x] > best && isfinite(row[x]) &&
			    hand->mask[(size_t)y * w + x]) {
				best = row[x];
				hand->palm_x = (float)x;
				hand->palm_y = (float)y;
			}
		}
	}
	hand->palm_radius = best;
	free(f);
	free(d);
	free(z);
	free(v);
	return 0;
}

/*
 * Background model from the frame border, which is mostly background even
 * where an arm or a fingertip crosses it: a least-squares plane (ambient
 * light falls off across the frame), fitted to the border pixels that are
 * within a few deviations of their median, and the noise around it.
 */
static void fit_background(struct pv_hand *hand, uint32_t *scratch)
{
	const uint32_t w = hand->w, h = hand->h;
	uint32_t hist[256] = { 0 }, nb = 0, half, acc = 0, median = 0, mad = 0;
	double m[3][3] = { { 0 } }, r[3] = { 0 }, det, keep;
	uint32_t count = 0;

	for (uint32_t i = 0; i < 2 * (w + h); i++) {
		uint32_t x, y;

		if (i < w) {
			x = i;
			y = 0;
		} else if (i < 2 * w) {
			x = i - w;
			y = h - 1;
		} else if (i < 2 * w + h) {
			x = 0;
			y = i - 2 * w;
		} else {
			x = w - 1;
			y = i - 2 * w - h;
		}
		scratch[nb++] = y * w + x;
		hist[hand->grey[y * w + x]]++;
	}
	for (half = nb / 2; median < 255 && acc + hist[median] <= half; median++)
		acc += hist[median];
	memset(hist, 0, sizeof(hist));
	for (uint32_t i = 0; i < nb; i++) {
		int d = hand->grey[scratch[i]] - (int)median;

		hist[d < 0 ? -d : d]++;
	}
	for (acc = 0; mad < 255 && acc + hist[mad] <= nb / 2; mad++)
		acc += hist[mad];
	keep = 3.0 * 1.4826 * mad + 2.0;
	for (uint32_t i = 0; i < nb; i++) {
		double x = scratch[i] % w, y = scratch[i] / w, v = hand->grey[scratch[i]];
		double row[3] = { 1, x, y };

		if (fabs(v - median) > keep)
			continue;
		for (int a = 0; a < 3; a++) {
			for (int b = 0; b < 3; b++)
				m[a][b] += row[a] * row[b];
			r[a] += row[a] * v;
		}
		count++;
	}
	det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
	      m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
	      m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	if (count < 16 || fabs(det) < 1e-9) {
		hand->bg_plane[0] = (float)median;
		hand->bg_plane[1] = hand->bg_plane[2] = 0;
	} else {
		/* Cramer's rule on the 3x3 normal equations. */
		for (int c = 0; c < 3; c++) {
			double t[3][3];

			memcpy(t, m, sizeof(t));
			for (int a = 0; a < 3; a++)
				t[a][c] = r[a];
			hand->bg_plane[c] = (float)((t[0][0] * (t[1][1] * t[2][2] - t[1][2] * t[2][1]) -
						     t[0][1] * (t[1][0] * t[2][2] - t[1][2] * t[2][0]) +
						     t[0][2] * (t[1][0] * t[2][1] - t[1][1] * t[2][0])) / det);
		}
	}
	/* Noise: median absolute residual of the border around the plane. */
	memset(hist, 0, sizeof(hist));
	for (uint32_t i = 0; i < nb; i++) {
		float d = fabsf((float)hand->grey[scratch[i]] -
				(hand->bg_plane[0] + hand->bg_plane[1] * (float)(scratch[i] % w) +
				 hand->bg_plane[2] * (float)(scratch[i] / w)));

		hist[d > 255 ? 255 : (uint32_t)d]++;
	}
	for (acc = 0, mad = 0; mad < 255 && acc + hist[mad] <= nb / 2; mad++)
		acc += hist[mad];
	hand->bg_noise = 1.4826f * (float)mad;
}

static float background_at(const struct pv_hand *hand, uint32_t x, uint32_t y)
{
	return hand->bg_plane[0] + hand->bg_plane[1] * (float)x + hand->bg_plane[2] * (float)y;
}

/*
 * Hand pixels for @mode. Dim fingers: anything clearly above the background
 * plane, for LED falloff that leaves fingers far below the palm. Two-sided:
 * also what is clearly darker than a lit background (a hand against
 * ambient light), plus the band where the hand's brightness crosses the
 * background level, recognised by having both kinds of hand pixels near.
 */
static float mask_margin(const struct pv_hand *hand)
{
	float level = background_at(hand, hand->w / 2, hand->h / 2);

	return fmaxf(5.0f * hand->bg_noise + 3.0f,
		     0.05f * ((float)hand->threshold - level));
}

/* Pixels (@w x @h, row-major) equal to @value, as an inclusive integral
 * image of (w + 1) x (h + 1) entries. */
static void count_integral(const uint8_t *mask, uint32_t w, uint32_t h,
			   uint8_t value, uint32_t *ii)
{
	memset(ii, 0, (w + 1) * sizeof(*ii));
	for (uint32_t y = 0; y < h; y++) {
		uint32_t row = 0;

		ii[(size_t)(y + 1) * (w + 1)] = 0;
		for (uint32_t x = 0; x < w; x++) {
			row += mask[(size_t)y * w + x] == value;
			ii[(size_t)(y + 1) * (w + 1) + x + 1] = ii[(size_t)y * (w + 1) + x + 1] + row;
		}
	}
}

static uint32_t window_count(const uint32_t *ii, uint32_t w, uint32_t h,
			     uint32_t x, uint32_t y, uint32_t r)
{
	uint32_t x0 = x > r ? x - r : 0, y0 = y > r ? y - r : 0;
	uint32_t x1 = x + r + 1 < w ? x + r + 1 : w, y1 = y + r + 1 < h ? y + r + 1 : h;

	return ii[(size_t)y1 * (w + 1) + x1] - ii[(size_t)y0 * (w + 1) + x1] -
	       ii[(size_t)y1 * (w + 1) + x0] + ii[(size_t)y0 * (w + 1) + x0];
}

/*
 * Hand pixels for @mode. Dim fingers: anything clearly above the background
 * plane, for LED falloff that leaves fingers far below the palm. Two-sided:
 * also what is clearly darker than a lit background (a hand against
 * ambient light), plus the band where the hand's brightness crosses the
 * background level, recognised by having both kinds of hand pixels within
 * two pixels. Returns -ENOMEM, or -ENOENT when the mode cannot differ from
 * the previous one (two-sided on an unlit background).
 */
static int threshold_mask(struct pv_hand *hand, enum pv_seg_mode mode)
{
	const uint32_t w = hand->w, h = hand->h, r = 2;
	const size_t n = (size_t)w * h;
	const float margin = mask_margin(hand);
	uint32_t *bright, *dark;

	if (mode == PV_SEG_OTSU) {
		for (size_t i = 0; i < n; i++)
			hand->mask[i] = hand->grey[i] > hand->threshold && !hand->glare[i];
		return 0;
	}
	if (mode == PV_SEG_TWO_SIDED &&
	    background_at(hand, w / 2, h / 2) <= margin + 1.0f)
		return -ENOENT;
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			size_t i = (size_t)y * w + x;
			float d = (float)hand->grey[i] - background_at(hand, x, y);

			hand->mask[i] = hand->glare[i] ? 0 : d > margin ? 1 :
					mode == PV_SEG_TWO_SIDED && d < -margin ? 2 : 0;
		}
	if (mode == PV_SEG_TWO_SIDED) {
		bright = malloc(2 * (w + 1) * (size_t)(h + 1) * sizeof(*bright));
		if (!bright)
			return -ENOMEM;
		dark = bright + (w + 1) * (size_t)(h + 1);
		count_integral(hand->mask, w, h, 1, bright);
		count_integral(hand->mask, w, h, 2, dark);
		for (uint32_t y = 0; y < h; y++)
			for (uint32_t x = 0; x < w; x++)
				if (!hand->mask[(size_t)y * w + x] &&
				    window_count(bright, w, h, x, y, r) &&
				    window_count(dark, w, h, x, y, r))
					hand->mask[(size_t)y * w + x] = 3;
		free(bright);
	}
	for (size_t i = 0; i < n; i++)
		hand->mask[i] = hand->mask[i] != 0;
	return 0;
}

int pv_hand_mask(struct pv_hand *hand, enum pv_seg_mode mode)
{
	const size_t n = (size_t)hand->w * hand->h;
	uint32_t glare_on_hand = 0;
	int err = threshold_mask(hand, mode);

	if (err)
		return err;
	hand->area = keep_largest_component(hand->mask, hand->w, hand->h, hand->stack);
	if (!hand->area)
		return -ENOENT;
	hand->area = fill_holes(hand->mask, hand->w, hand->h, hand->stack);
	for (size_t i = 0; i < n; i++)
		glare_on_hand += hand->mask[i] && hand->glare[i];
	hand->glare_fraction = (float)glare_on_hand / (float)hand->area;
	return distance_transform(hand);
}

int pv_hand_segment(const struct pv_image *img, struct pv_hand *hand)
{
	uint32_t f, w, h, glare = 0;
	size_t n;
	uint8_t *block, *raw;
	int threshold, err;

	memset(hand, 0, sizeof(*hand));
	f = ((img->width > img->height ? img->width : img->height) +
	     PV_WORK_TARGET_DIM / 2) / PV_WORK_TARGET_DIM;
	f = f ? f : 1;
	w = img->width / f;
	h = img->height / f;
	if (w < 8 || h < 8)
		return -ENOENT;
	n = (size_t)w * h;
	/* One block: grey, glare, mask, raw working image, dist, stack, and
	 * two full-width column accumulators for downsampling. */
	block = malloc(n * (4 + sizeof(float) + sizeof(uint32_t)) +
		       2 * (size_t)w * f * sizeof(uint32_t));
	if (!block)
		return -ENOMEM;
	hand->w = w;
	hand->h = h;
	hand->factor = f;
	hand->grey = block;
	hand->glare = block + n;
	hand->mask = block + 2 * n;
	raw = block + 3 * n;
	hand->dist = (float *)(block + 4 * n);
	hand->stack = (uint32_t *)(block + 4 * n + n * sizeof(float));

	downsample(img, hand, raw, hand->stack + n, hand->stack + n + (size_t)w * f);
	blur3(raw, hand->grey, hand->mask, w, h);
	for (size_t i = 0; i < n; i++)
		glare += hand->glare[i];
	hand->glare_in_frame = (float)glare / (float)n;

	threshold = otsu(hand);
	if (threshold < 0) {
		pv_hand_release(hand);
		return -ENOENT;
	}
	hand->threshold = (uint8_t)threshold;
	class_stats(hand, threshold);
	fit_background(hand, hand->stack);

	/*
	 * A frame without a dark background (the darker Otsu class nearly as
	 * bright as the other: PolyU ROIs measure 0.93..0.95, full-hand frames
	 * below 0.6) is a palm-centre crop: everything but glare is palm.
	 */
	if (hand->bg_mean > 0.75f * hand->fg_mean) {
		hand->crop = true;
		for (size_t i = 0; i < n; i++) {
			hand->mask[i] = 1;
			hand->dist[i] = INFINITY;
		}
		hand->area = (uint32_t)n;
		hand->palm_x = (float)(w - 1) / 2;
		hand->palm_y = (float)(h - 1) / 2;
		hand->palm_radius = (float)(w < h ? w : h) / 2;
		return 0;
	}
	err = pv_hand_mask(hand, PV_SEG_OTSU);
	if (err) {
		pv_hand_release(hand);
		return err;
	}
	return 0;
}
void pv_hand_release(struct pv_hand *hand)
{
	if (hand->grey) {
		size_t n = (size_t)hand->w * hand->h;

		explicit_bzero(hand->grey, n * (4 + sizeof(float) + sizeof(uint32_t)) +
			       2 * (size_t)hand->w * hand->factor * sizeof(uint32_t));
		free(hand->grey);
	}
	memset(hand, 0, sizeof(*hand));
}
