// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hand segmentation at working resolution: block-average downsampling,
 * binomial blur, Otsu without saturated glare, a background model (a cubic
 * surface grown from the frame border) for dim fingers and lit
 * backgrounds, largest component, hole filling, and a Euclidean distance
 * transform whose maximum is the centre and radius of the palm's inscribed
 * circle.
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
	double total = 0, sum = 0, best = -1, sum_b = 0, w_b = 0;
	const size_t n = (size_t)hand->w * hand->h;
	int threshold = -1;

	for (size_t i = 0; i < n; i++)
		if (!hand->glare[i])
			hist[hand->grey[i]]++;
	for (int v = 0; v < 256; v++) {
		total += hist[v];
		sum += (double)v * hist[v];
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

/* Floods the 4-connected component of @seed whose pixels equal @from with
 * @to; returns its size. @stack holds w*h. */
/* The 4-connected neighbours of pixel @p inside a @w x @h mask. */
static int neighbours4(uint32_t p, uint32_t w, uint32_t h, uint32_t nb[4])
{
	uint32_t x = p % w, y = p / w;
	int k = 0;

	if (x > 0)
		nb[k++] = p - 1;
	if (x + 1 < w)
		nb[k++] = p + 1;
	if (y > 0)
		nb[k++] = p - w;
	if (y + 1 < h)
		nb[k++] = p + w;
	return k;
}

static uint32_t flood(uint8_t *mask, uint32_t w, uint32_t h, uint32_t seed,
		      uint8_t from, uint8_t to, uint32_t *stack)
{
	uint32_t size = 0, top = 0;

	mask[seed] = to;
	stack[top++] = seed;
	while (top) {
		uint32_t p = stack[--top], nb[4];
		int k = neighbours4(p, w, h, nb);

		size++;
		for (int j = 0; j < k; j++)
			if (mask[nb[j]] == from) {
				mask[nb[j]] = to;
				stack[top++] = nb[j];
			}
	}
	return size;
}

/* Keeps the largest 4-connected component of @mask (0/1): each component
 * is measured once, then the largest is flooded again from its seed. */
static uint32_t keep_largest_component(uint8_t *mask, uint32_t w, uint32_t h,
				       uint32_t *stack)
{
	const size_t n = (size_t)w * h;
	uint32_t best_seed = 0, best_size = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t size;

		if (mask[i] != 1)
			continue;
		size = flood(mask, w, h, (uint32_t)i, 1, 2, stack);
		if (size > best_size) {
			best_size = size;
			best_seed = (uint32_t)i;
		}
	}
	if (best_size)
		flood(mask, w, h, best_seed, 2, 3, stack);
	for (size_t i = 0; i < n; i++)
		mask[i] = mask[i] == 3;
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
		uint32_t p = stack[--top], nb[4];
		int k = neighbours4(p, w, h, nb);

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

/* How closely a cubic surface follows room light, relative to its level. */
#define BG_MODEL_ERROR 0.08f

/* The ten monomials of a cubic in normalised frame coordinates. */
static void cubic_terms(const struct pv_hand *hand, uint32_t x, uint32_t y, double t[10])
{
	double u = 2.0 * x / hand->w - 1.0, v = 2.0 * y / hand->h - 1.0;

	t[0] = 1;
	t[1] = u;
	t[2] = v;
	t[3] = u * u;
	t[4] = u * v;
	t[5] = v * v;
	t[6] = u * u * u;
	t[7] = u * u * v;
	t[8] = u * v * v;
	t[9] = v * v * v;
}

static float background_at(const struct pv_hand *hand, uint32_t x, uint32_t y)
{
	return hand->bg[(size_t)y * hand->w + x];
}

/* The cubic of bg_coef at one working pixel. */
static float cubic_at(const struct pv_hand *hand, uint32_t x, uint32_t y)
{
	const float *c = hand->bg_coef;
	float u = 2.0f * (float)x / (float)hand->w - 1.0f;
	float v = 2.0f * (float)y / (float)hand->h - 1.0f;

	return c[0] + v * (c[2] + v * (c[5] + v * c[9])) +
	       u * ((c[1] + v * (c[4] + v * c[8])) + u * ((c[3] + v * c[7]) + u * c[6]));
}

/* Evaluates the cubic of bg_coef into hand->bg, row by row (Horner in u). */
static void eval_surface(struct pv_hand *hand)
{
	const float *c = hand->bg_coef;

	for (uint32_t y = 0; y < hand->h; y++) {
		float v = 2.0f * (float)y / (float)hand->h - 1.0f;
		float a0 = c[0] + v * (c[2] + v * (c[5] + v * c[9]));
		float a1 = c[1] + v * (c[4] + v * c[8]);
		float a2 = c[3] + v * c[7];
		float a3 = c[6];
		float *row = hand->bg + (size_t)y * hand->w;

		for (uint32_t x = 0; x < hand->w; x++) {
			float u = 2.0f * (float)x / (float)hand->w - 1.0f;

			row[x] = a0 + u * (a1 + u * (a2 + u * a3));
		}
	}
}

/* Solves the @n x @n system @a x = @b in place (Gauss-Jordan with partial
 * pivoting); false when it is singular. */
static bool solve(double a[10][10], double b[10], int n)
{
	for (int c = 0; c < n; c++) {
		int p = c;

		for (int r = c + 1; r < n; r++)
			if (fabs(a[r][c]) > fabs(a[p][c]))
				p = r;
		if (fabs(a[p][c]) < 1e-9)
			return false;
		for (int k = 0; k < n; k++) {
			double t = a[c][k];

			a[c][k] = a[p][k];
			a[p][k] = t;
		}
		double t = b[c];

		b[c] = b[p];
		b[p] = t;
		for (int r = 0; r < n; r++) {
			double m;

			if (r == c)
				continue;
			m = a[r][c] / a[c][c];
			for (int k = c; k < n; k++)
				a[r][k] -= m * a[c][k];
			b[r] -= m * b[c];
		}
	}
	for (int c = 0; c < n; c++)
		b[c] /= a[c][c];
	return true;
}

/* Least-squares cubic through the pixels @keep marks, taking every @step-th
 * on each axis; false when too few. */
static bool fit_surface(struct pv_hand *hand, const uint8_t *keep, uint32_t step)
{
	double m[10][10] = { { 0 } }, r[10] = { 0 }, t[10];
	uint32_t count = 0;

	for (uint32_t y = 0; y < hand->h; y += step)
		for (uint32_t x = 0; x < hand->w; x += step) {
			size_t i = (size_t)y * hand->w + x;

			if (!keep[i])
				continue;
			cubic_terms(hand, x, y, t);
			for (int a = 0; a < 10; a++) {
				for (int b = a; b < 10; b++)
					m[a][b] += t[a] * t[b];
				r[a] += t[a] * hand->grey[i];
			}
			count++;
		}
	for (int a = 0; a < 10; a++)
		for (int b = 0; b < a; b++)
			m[a][b] = m[b][a];
	if (count < 80 || !solve(m, r, 10))
		return false;
	for (int k = 0; k < 10; k++)
		hand->bg_coef[k] = (float)r[k];
	return true;
}

/* Median absolute residual (as a deviation) over the pixels @keep marks. */
static float residual_noise(const struct pv_hand *hand, const uint8_t *keep)
{
	uint32_t hist[256] = { 0 }, n = 0, acc = 0, mad = 0;

	for (uint32_t y = 0; y < hand->h; y++)
		for (uint32_t x = 0; x < hand->w; x++) {
			size_t i = (size_t)y * hand->w + x;
			float d;

			if (!keep[i])
				continue;
			d = fabsf((float)hand->grey[i] - background_at(hand, x, y));
			hist[d > 255 ? 255 : (uint32_t)d]++;
			n++;
		}
	for (; mad < 255 && acc + hist[mad] <= n / 2; mad++)
		acc += hist[mad];
	return 1.4826f * (float)mad;
}

/*
 * Noise of the background itself, from differences of neighbouring pixels
 * that @keep marks: what the surface does not follow (a glow a cubic only
 * approximates) is not noise, and must not raise the hand's margin.
 */
static float pixel_noise(const struct pv_hand *hand, const uint8_t *keep)
{
	uint32_t hist[256] = { 0 }, n = 0, acc = 0, mad = 0;

	for (uint32_t y = 0; y < hand->h; y++)
		for (uint32_t x = 0; x + 1 < hand->w; x++) {
			size_t i = (size_t)y * hand->w + x;
			int d;

			if (!keep[i] || !keep[i + 1])
				continue;
			d = hand->grey[i + 1] - hand->grey[i];
			hist[d < 0 ? -d : d]++;
			n++;
		}
	if (!n)
		return residual_noise(hand, keep);
	for (; mad < 255 && acc + hist[mad] <= n / 2; mad++)
		acc += hist[mad];
	/* the difference of two pixels has sqrt(2) times their deviation */
	return 1.4826f * ((float)mad + 0.5f) / 1.41421356f;
}

/*
 * Background model. The frame border is mostly background even where an
 * arm or a fingertip crosses it. Room light is not a plane (a window makes
 * a broad glow), so the model is a cubic surface: fitted robustly to a
 * border band (refitted without the pixels far from it, which are the arm
 * and the fingers), then grown: refitted to every pixel of the frame within
 * a few deviations of it, twice. A hand stands out from it by more than a
 * smooth surface can follow. @keep is w x h scratch.
 */
static void fit_background(struct pv_hand *hand, uint8_t *keep)
{
	const uint32_t w = hand->w, h = hand->h;
	uint32_t hist[256] = { 0 }, nb = 0, acc = 0, median = 0;
	uint32_t *band = hand->stack;	/* free until the first mask */
	bool whole;			/* hand->bg holds the model everywhere */

	memset(keep, 0, (size_t)w * h);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			size_t i = (size_t)y * w + x;

			if (x == 2 && y >= 2 && y + 2 < h)
				x = w - 3;	/* skip the interior of the row */
			else if (!hand->glare[i])
				band[nb++] = (uint32_t)i;
		}
	for (uint32_t k = 0; k < nb; k++) {
		keep[band[k]] = 1;
		hist[hand->grey[band[k]]]++;
	}
	for (uint32_t half = nb / 2; median < 255 && acc + hist[median] <= half; median++)
		acc += hist[median];
	memset(hand->bg_coef, 0, sizeof(hand->bg_coef));
	hand->bg_coef[0] = (float)median;
	eval_surface(hand);
	whole = true;
	hand->bg_noise = residual_noise(hand, keep);
	for (int round = 0; round < 6; round++) {
		const bool border = round < 4;
		const float tol = 3.0f * hand->bg_noise + 2.0f;
		const size_t count = border ? nb : (size_t)w * h;

		if (!border && !whole) {
			eval_surface(hand);	/* the frame now takes part */
			whole = true;
		}
		for (size_t k = 0; k < count; k++) {
			size_t i = border ? band[k] : k;
			float level = hand->bg[i];

			/* a cubic follows a glow only to some percent */
			keep[i] = !hand->glare[i] &&
				  fabsf((float)hand->grey[i] - level) <=
					  tol + BG_MODEL_ERROR * (level > 0 ? level : 0);
		}
		/* the border band is thin: take all of it; the frame: a sample */
		if (!fit_surface(hand, keep, border ? 1 : 3))
			break;
		/* while the fit sees the band only, the model is needed there only */
		whole = !border;
		if (border)
			for (uint32_t k = 0; k < nb; k++)
				hand->bg[band[k]] = cubic_at(hand, band[k] % w, band[k] / w);
		else
			eval_surface(hand);
		hand->bg_noise = residual_noise(hand, keep);
	}
	if (!whole)
		eval_surface(hand);
	hand->bg_noise = pixel_noise(hand, keep);
}

/* How far from the background model a hand pixel lies at least, before the
 * part that grows with the background's level (threshold_mask()). */
static float mask_margin(const struct pv_hand *hand)
{
	float level = background_at(hand, hand->w / 2, hand->h / 2);

	return fmaxf(4.0f * hand->bg_noise + 3.0f,
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
 * model, for LED falloff that leaves fingers far below the palm. Two-sided:
 * also what is clearly darker than a lit background (a hand against
 * ambient light), plus the band where the hand's brightness crosses the
 * background level, recognised by having both kinds of hand pixels within
 * three pixels. Returns -ENOMEM, or -ENOENT when the mode cannot differ from
 * the previous one (two-sided on an unlit background).
 */
static int threshold_mask(struct pv_hand *hand, enum pv_seg_mode mode)
{
	const uint32_t w = hand->w, h = hand->h, r = 3;
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
			float level = background_at(hand, x, y);
			float d = (float)hand->grey[i] - level;
			/* half the fitting slack: the hand only needs to stand out */
			float m = margin + 0.5f * BG_MODEL_ERROR * (level > 0 ? level : 0);

			hand->mask[i] = hand->glare[i] ? 0 : d > m ? 1 :
					mode == PV_SEG_TWO_SIDED && d < -m ? 2 : 0;
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

static size_t block_size(uint32_t w, uint32_t h, uint32_t f)
{
	size_t n = (size_t)w * h;

	return n * (4 + 2 * sizeof(float) + sizeof(uint32_t)) +
	       2 * (size_t)w * f * sizeof(uint32_t);
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
	/* One block: grey, glare, mask, raw working image, dist, background,
	 * stack, and two full-width column accumulators for downsampling. */
	block = malloc(block_size(w, h, f));
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
	hand->bg = hand->dist + n;
	hand->stack = (uint32_t *)(block + 4 * n + 2 * n * sizeof(float));

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
	fit_background(hand, hand->mask);

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
	/*
	 * Room light brighter than a third of the hand: the brighter Otsu
	 * class is then the room light as much as the hand.
	 */
	hand->bg_lit = background_at(hand, w / 2, h / 2) > 0.35f * hand->fg_mean;
	err = hand->bg_lit ? pv_hand_mask(hand, PV_SEG_TWO_SIDED) : -ENOENT;
	hand->bg_lit = err == 0;
	if (err == -ENOENT)
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
		explicit_bzero(hand->grey, block_size(hand->w, hand->h, hand->factor));
		free(hand->grey);
	}
	memset(hand, 0, sizeof(*hand));
}
