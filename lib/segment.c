// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hand segmentation at working resolution: block-average downsampling,
 * binomial blur, Otsu without saturated glare, a background model (a cubic
 * surface grown from the frame border) for dim fingers and lit
 * backgrounds, largest component, hole filling, and a Euclidean distance
 * transform whose maximum is the centre and radius of the palm's inscribed
 * circle.
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "roi_internal.h"
#include "least_squares.h"
#include "summed_area.h"

/* Generic vectors: SSE2 on x86-64, NEON on arm64, from one source. */
typedef float f32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint8_t u8x4 __attribute__((vector_size(4)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x4 __attribute__((vector_size(8)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x16 __attribute__((vector_size(32)));

/* Four bytes to 32-bit lanes, in the steps GCC 12 keeps in vector
 * registers (one conversion goes through scalars); -1 lanes are unused. */
static inline i32x4 widen_u8x4(u8x4 v)
{
	u8x16 b = __builtin_shufflevector(v, v, 0, 1, 2, 3, -1, -1, -1, -1,
					  -1, -1, -1, -1, -1, -1, -1, -1);
	u16x8 h = __builtin_convertvector(__builtin_shufflevector(b, b, 0, 1, 2, 3,
								  4, 5, 6, 7), u16x8);

	return __builtin_convertvector(__builtin_shufflevector(h, h, 0, 1, 2, 3), i32x4);
}

/* Lanes of 0 or 1 back to bytes, likewise in steps. */
static inline u8x4 narrow_u8x4(i32x4 v)
{
	return __builtin_convertvector(__builtin_convertvector(v, u16x4), u8x4);
}

/*
 * Adds 8-bit @row to 16-bit column sums @sum and to counts @nsat of samples
 * at or above @sat or set in @clip (a pair's clipped pixels, or NULL), 16
 * columns at a time in generic vectors (SSE2 on x86-64, NEON on arm64).
 * Exact for up to 255 rows.
 */
static inline __attribute__((always_inline)) void
add_row8_with(uint16_t *sum, uint8_t *nsat, const uint8_t *row,
	      const uint8_t *clip, uint32_t n, uint8_t sat)
{
	uint32_t x = 0;

	for (; x + 16 <= n; x += 16) {
		u8x16 v, c, k = { 0 };
		u16x16 s;

		memcpy(&v, row + x, sizeof(v));
		if (clip)
			memcpy(&k, clip + x, sizeof(k));
		memcpy(&s, sum + x, sizeof(s));
		memcpy(&c, nsat + x, sizeof(c));
		s += __builtin_convertvector(v, u16x16);
		/* the compares give -1 in lanes at or above sat, or clipped */
		c -= (u8x16)((v >= sat) | (k != 0));
		memcpy(sum + x, &s, sizeof(s));
		memcpy(nsat + x, &c, sizeof(c));
	}
	for (; x < n; x++) {
		sum[x] += row[x];
		nsat[x] += row[x] >= sat || (clip && clip[x]);
	}
}

/* One copy without a clip row, one with. */
static void add_row8(uint16_t *sum, uint8_t *nsat, const uint8_t *row,
		     uint32_t n, uint8_t sat)
{
	add_row8_with(sum, nsat, row, NULL, n, sat);
}

static void add_row8_clipped(uint16_t *sum, uint8_t *nsat, const uint8_t *row,
			     const uint8_t *clip, uint32_t n, uint8_t sat)
{
	add_row8_with(sum, nsat, row, clip, n, sat);
}

/* Working pixel @i from the @sum of its block and its @nsat glare samples. */
static void put_block(struct pv_hand *hand, uint8_t *out, size_t i, uint32_t sum,
		      uint32_t nsat, float to_255)
{
	float v = (float)sum * to_255;

	out[i] = (uint8_t)(v > 255.0f ? 255.0f : v + 0.5f);
	hand->glare[i] = 2 * nsat > hand->factor * hand->factor;
}

/*
 * Block means and glare flags, from @img and, for a lit/unlit pair, from
 * @clipped (see pv_hand_segment()). Rows are first accumulated
 * column-wise over the block's height, then the column sums are added up
 * per block. 8-bit frames, by far the common case, take narrow vector
 * sums.
 */
static void downsample(const struct pv_image *img, const uint8_t *clipped,
		       struct pv_hand *hand, uint8_t *out, uint32_t *col_sum,
		       uint32_t *col_sat)
{
	const uint32_t f = hand->factor, span = hand->w * f;
	const float to_255 = 255.0f / (float)(f * f) / (float)img->maxval;
	const uint32_t sat = pv_glare_sample(img->maxval);
	const bool narrow = img->bits == 8 && sat <= 255 && f <= 255;
	uint16_t *sum16 = (uint16_t *)col_sum;
	uint8_t *sat8 = (uint8_t *)col_sat;

	for (uint32_t y = 0; y < hand->h; y++) {
		if (narrow) {
			memset(sum16, 0, span * sizeof(*sum16));
			memset(sat8, 0, span);
			for (uint32_t dy = 0; dy < f; dy++) {
				const uint8_t *row = (const uint8_t *)img->data +
						     (size_t)(y * f + dy) * img->stride;

				if (clipped)
					add_row8_clipped(sum16, sat8, row, clipped +
							 (size_t)(y * f + dy) * img->width,
							 span, (uint8_t)sat);
				else
					add_row8(sum16, sat8, row, span, (uint8_t)sat);
			}
			for (uint32_t x = 0; x < hand->w; x++) {
				uint32_t sum = 0, nsat = 0;

				for (uint32_t dx = 0; dx < f; dx++) {
					sum += sum16[x * f + dx];
					nsat += sat8[x * f + dx];
				}
				put_block(hand, out, (size_t)y * hand->w + x, sum, nsat, to_255);
			}
			continue;
		}
		memset(col_sum, 0, span * sizeof(*col_sum));
		memset(col_sat, 0, span * sizeof(*col_sat));
		for (uint32_t dy = 0; dy < f; dy++) {
			const uint8_t *row = (const uint8_t *)img->data +
					     (size_t)(y * f + dy) * img->stride;

			const uint8_t *clip = clipped ? clipped + (size_t)(y * f + dy) *
							img->width : NULL;

			if (img->bits == 8) {
				for (uint32_t x = 0; x < span; x++) {
					col_sum[x] += row[x];
					col_sat[x] += row[x] >= sat ||
						      (clip && clip[x]);
				}
			} else {
				const uint16_t *r16 = (const uint16_t *)row;

				for (uint32_t x = 0; x < span; x++) {
					col_sum[x] += r16[x];
					col_sat[x] += r16[x] >= sat ||
						      (clip && clip[x]);
				}
			}
		}
		for (uint32_t x = 0; x < hand->w; x++) {
			uint32_t sum = 0, nsat = 0;

			for (uint32_t dx = 0; dx < f; dx++) {
				sum += col_sum[x * f + dx];
				nsat += col_sat[x * f + dx];
			}
			put_block(hand, out, (size_t)y * hand->w + x, sum, nsat, to_255);
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

/*
 * Connected components by runs: a horizontal run of equal mask pixels
 * [x0, x1) in row y, and the first run of its 4-connected component in
 * raster order (where a flood fill in raster order would start it).
 */
struct run {
	uint32_t y, x0, x1;
	uint32_t root;
};

static uint32_t find_root(struct run *r, uint32_t i)
{
	while (r[i].root != i) {
		r[i].root = r[r[i].root].root;	/* path halving */
		i = r[i].root;
	}
	return i;
}

/* Roots are the earlier run: every run's root index is at most its own. */
static void join(struct run *r, uint32_t a, uint32_t b)
{
	a = find_root(r, a);
	b = find_root(r, b);
	if (a < b)
		r[b].root = a;
	else if (b < a)
		r[a].root = b;
}

/* Whether the 8 bytes at @p all equal @b. */
static bool all8(const uint8_t *p, uint8_t b)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v == b * 0x0101010101010101ull;
}

/*
 * The runs of @value (0 or 1) in the @w x @h 0/1 @mask, in raster order,
 * each with the root of its component (runs of neighbouring rows that
 * share a column touch); long runs are crossed 8 pixels at a time.
 * Returns the number of runs, *@runs to be freed, or -ENOMEM.
 */
static int64_t label_runs(const uint8_t *mask, uint32_t w, uint32_t h,
			  uint8_t value, struct run **runs)
{
	/* at most every other pixel starts a run */
	struct run *r = malloc((size_t)h * ((w + 1) / 2) * sizeof(*r));
	size_t n = 0, above = 0;

	if (!r)
		return -ENOMEM;
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *m = mask + (size_t)y * w;
		const size_t row = n;

		for (uint32_t x = 0; x < w;) {
			uint32_t x0;

			while (x + 8 <= w && all8(m + x, !value))
				x += 8;
			while (x < w && m[x] != value)
				x++;
			if (x == w)
				break;
			x0 = x;
			while (x + 8 <= w && all8(m + x, value))
				x += 8;
			while (x < w && m[x] == value)
				x++;
			r[n] = (struct run){ y, x0, x, (uint32_t)n };
			n++;
		}
		/* both rows' runs are sorted: walk them side by side */
		for (size_t a = above, b = row; a < row && b < n;) {
			if (r[a].x0 < r[b].x1 && r[b].x0 < r[a].x1)
				join(r, (uint32_t)a, (uint32_t)b);
			if (r[a].x1 < r[b].x1)
				a++;
			else
				b++;
		}
		above = row;
	}
	/* a root comes before its runs, so one pass in order flattens */
	for (size_t i = 0; i < n; i++)
		r[i].root = r[r[i].root].root;
	*runs = r;
	return (int64_t)n;
}

/*
 * Keeps the largest 4-connected component of @mask (0/1), the first in
 * raster order among equals; its size in *@area. @size is w*h scratch.
 * Returns 0 or -ENOMEM.
 */
static int keep_largest_component(uint8_t *mask, uint32_t w, uint32_t h,
				  uint32_t *size, uint32_t *area)
{
	struct run *r;
	int64_t n = label_runs(mask, w, h, 1, &r);
	uint32_t best = 0, best_size = 0;

	if (n < 0)
		return (int)n;
	for (int64_t i = 0; i < n; i++)
		size[i] = 0;
	for (int64_t i = 0; i < n; i++)
		size[r[i].root] += r[i].x1 - r[i].x0;
	for (int64_t i = 0; i < n; i++)
		if (r[i].root == i && size[i] > best_size) {
			best_size = size[i];
			best = (uint32_t)i;
		}
	memset(mask, 0, (size_t)w * h);
	for (int64_t i = 0; best_size && i < n; i++)
		if (r[i].root == best)
			memset(mask + (size_t)r[i].y * w + r[i].x0, 1, r[i].x1 - r[i].x0);
	explicit_bzero(r, (size_t)n * sizeof(*r));	/* the hand's outline */
	free(r);
	*area = best_size;
	return 0;
}

/*
 * Glare halos on the dim-fingers mask. A clipped spot's glow lifts the
 * background round it above the mask's margin, and the mask then joins
 * the thumb to the index finger over the web between them, or the hand to
 * the background: the inscribed circle climbs to the finger base. The glow
 * is radially symmetric, and round a spot off the hand (under a third of
 * the ring HALO_SPOT_RADII spot radii out above Otsu's level) the darkest
 * pixel at each distance is background under it: what is not brighter
 * than that by the mask's margin is left out of the mask, and dim fingers
 * beside the spot stay. Round a spot on the hand or on its edge the
 * darkest pixels are the hand's dim rim, and leaving pixels out cut
 * notches that read as finger gaps.
 */
#define HALO_SPOT_RADII 3.0f
#define HALO_RING_PER_HAND 3	/* ring pixels per one above Otsu's level */
#define HALO_MAX_RINGS 64

struct spot {
	float x, y, reach;	/* centre and the halo's reach, working px */
};

/* Whether (@x, @y) is in the frame and within @reach of @s. */
static bool in_disc(const struct pv_hand *hand, const struct spot *s, int x, int y,
		    float reach)
{
	return x >= 0 && y >= 0 && x < (int)hand->w && y < (int)hand->h &&
	       hypotf((float)x - s->x, (float)y - s->y) <= reach;
}

static bool spot_off_hand(const struct pv_hand *hand, const struct spot *s)
{
	uint32_t ring = 0, bright = 0;

	for (int y = (int)(s->y - s->reach) - 2; y <= (int)(s->y + s->reach) + 2; y++)
		for (int x = (int)(s->x - s->reach) - 2; x <= (int)(s->x + s->reach) + 2; x++) {
			size_t i = (size_t)y * hand->w + (size_t)x;

			if (!in_disc(hand, s, x, y, s->reach + 1.0f) ||
			    in_disc(hand, s, x, y, s->reach - 1.0f) || hand->glare[i])
				continue;
			ring++;
			bright += hand->grey[i] > hand->threshold;
		}
	return bright * HALO_RING_PER_HAND <= ring;
}

static void drop_dim_halo(struct pv_hand *hand, const struct spot *s, float margin)
{
	const int x0 = (int)(s->x - s->reach) - 1, x1 = (int)(s->x + s->reach) + 1;
	const int y0 = (int)(s->y - s->reach) - 1, y1 = (int)(s->y + s->reach) + 1;
	int darkest[HALO_MAX_RINGS];

	for (int d = 0; d < HALO_MAX_RINGS; d++)
		darkest[d] = 256;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			size_t i = (size_t)y * hand->w + (size_t)x;
			int d = (int)hypotf((float)x - s->x, (float)y - s->y);

			if (in_disc(hand, s, x, y, s->reach) && !hand->glare[i] &&
			    hand->grey[i] < darkest[d])
				darkest[d] = hand->grey[i];
		}
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			size_t i = (size_t)y * hand->w + (size_t)x;
			int d = (int)hypotf((float)x - s->x, (float)y - s->y);

			if (in_disc(hand, s, x, y, s->reach) && !hand->glare[i] &&
			    (float)hand->grey[i] <= (float)darkest[d] + margin)
				hand->mask[i] = 0;
		}
}

/* Returns 0 or -ENOMEM. */
static int drop_dim_halos(struct pv_hand *hand, float margin)
{
	struct run *r;
	int64_t n;
	double *acc;

	if (hand->glare_in_frame <= 0)
		return 0;
	n = label_runs(hand->glare, hand->w, hand->h, 1, &r);
	if (n < 0)
		return (int)n;
	/* per root: area, sum x, sum y; one more, as calloc(0) may be NULL */
	acc = calloc(3 * (size_t)n + 1, sizeof(*acc));
	if (!acc) {
		free(r);
		return -ENOMEM;
	}
	for (int64_t i = 0; i < n; i++) {
		double len = r[i].x1 - r[i].x0, *a = acc + 3 * (size_t)r[i].root;

		a[0] += len;
		a[1] += len * 0.5 * (r[i].x0 + r[i].x1 - 1);
		a[2] += len * r[i].y;
	}
	for (int64_t i = 0; i < n; i++) {
		const double *a = acc + 3 * (size_t)i;
		struct spot s;

		if (a[0] <= 0)
			continue;
		s.x = (float)(a[1] / a[0]);
		s.y = (float)(a[2] / a[0]);
		s.reach = fminf(HALO_SPOT_RADII * sqrtf((float)(a[0] / M_PI)) + 1.0f,
			       HALO_MAX_RINGS - 1);
		if (spot_off_hand(hand, &s))
			drop_dim_halo(hand, &s, margin);
	}
	free(acc);
	free(r);
	return 0;
}

/*
 * Fills background regions that do not reach the frame border (glare
 * spots and dark veins inside the hand); the filled mask's size in
 * *@area. @open is w*h scratch. Returns 0 or -ENOMEM.
 */
static int fill_holes(uint8_t *mask, uint32_t w, uint32_t h, uint32_t *open,
		      uint32_t *area)
{
	struct run *r;
	int64_t n = label_runs(mask, w, h, 0, &r);
	size_t count = 0;

	if (n < 0)
		return (int)n;
	for (int64_t i = 0; i < n; i++)
		open[i] = 0;
	for (int64_t i = 0; i < n; i++)
		if (r[i].y == 0 || r[i].y + 1 == h || r[i].x0 == 0 || r[i].x1 == w)
			open[r[i].root] = 1;
	for (int64_t i = 0; i < n; i++)
		if (!open[r[i].root])
			memset(mask + (size_t)r[i].y * w + r[i].x0, 1, r[i].x1 - r[i].x0);
	explicit_bzero(r, (size_t)n * sizeof(*r));	/* the hand's outline */
	free(r);
	for (size_t i = 0; i < (size_t)w * h; i++)
		count += mask[i];
	*area = (uint32_t)count;
	return 0;
}

/*
 * 1-D squared distance transform (Felzenszwalb & Huttenlocher) of row @g,
 * where @g[p] < 0 marks "no background in this pixel's column". Squared
 * distances are integers, so the parabolas' intersections are compared as
 * exact fractions (numerator @zn, positive denominator @zd): no division.
 * Of a run of background (0) only its ends can be nearest to a pixel
 * outside it. @v, @zn, @zd hold n + 1 entries. Returns false when @g
 * has no entry.
 */
static bool edt_row(const int32_t *g, int32_t *d, int n, int32_t *v,
		    int64_t *zn, int64_t *zd)
{
	int k = -1;

	for (int q = 0; q < n; q++) {
		int64_t sn = 0, sd = 1;

		if (g[q] < 0)
			continue;	/* nothing to reach from here */
		if (g[q] == 0 && q > 0 && g[q - 1] == 0)
			while (q + 1 < n && g[q + 1] == 0)
				q++;	/* on to the run's end */
		while (k >= 0) {
			int p = v[k];

			sn = ((int64_t)g[q] + (int64_t)q * q) - ((int64_t)g[p] + (int64_t)p * p);
			sd = 2 * (int64_t)(q - p);
			/* zn[0] / zd[0] is minus infinity */
			if (k == 0 || sn * zd[k] > zn[k] * sd)
				break;
			k--;
		}
		k++;
		v[k] = q;
		zn[k] = sn;
		zd[k] = sd;
	}
	if (k < 0)
		return false;
	for (int q = 0, j = 0; q < n; q++) {
		if (!g[q]) {
			d[q] = 0;
			continue;
		}
		while (j < k && zn[j + 1] < (int64_t)q * zd[j + 1])
			j++;
		d[q] = (q - v[j]) * (q - v[j]) + g[v[j]];
	}
	return true;
}

/* Square roots of @n squared distances: the correctly rounded results of
 * sqrtf(), four at a time on x86 without its errno check in the way. Generic
 * vectors have no square root (GCC 12), hence the intrinsic. */
static void sqrt_row(const int32_t *d, float *out, uint32_t n)
{
	uint32_t x = 0;

#if defined(__SSE2__)
	for (; x + 4 <= n; x += 4)
		_mm_storeu_ps(out + x, _mm_sqrt_ps(_mm_cvtepi32_ps(
			_mm_loadu_si128((const __m128i *)(d + x)))));
#endif
	for (; x < n; x++)
		out[x] = sqrtf((float)d[x]);
}

/*
 * Distance from each hand pixel to the nearest background pixel, and the
 * inscribed circle (its maximum). Glare is not background: a clipped spot
 * on the palm's edge hides skin, not air, and must not push the circle
 * away. The row just above the frame is background when @top_bg (see
 * distance_transform()). The vertical pass counts steps down and up every
 * column at once; the horizontal one is exact in integers.
 */
static int distance_pass(struct pv_hand *hand, bool top_bg)
{
	const uint32_t w = hand->w, h = hand->h;
	const int32_t none = INT32_MAX / 4;	/* no background in the column */
	const int32_t top = top_bg ? 1 : none;
	int32_t *col = (int32_t *)hand->stack, *g, *d, *v, best = 0;
	int64_t *zn, *zd;

	/* the 64-bit arrays first, where malloc() aligns them */
	zn = malloc(2 * ((size_t)w + 1) * sizeof(*zn) + 3 * ((size_t)w + 1) * sizeof(*g));
	if (!zn)
		return -ENOMEM;
	zd = zn + w + 1;
	g = (int32_t *)(zd + w + 1);
	d = g + w + 1;
	v = d + w + 1;
	/* steps from none on count up from none: still none */
	for (uint32_t x = 0; x < w; x++)
		col[x] = hand->mask[x] | hand->glare[x] | hand->rim[x] ? top : 0;
	/* hand or glare: one step more than above, background: 0 */
	for (uint32_t y = 1; y < h; y++) {
		const uint8_t *m = hand->mask + (size_t)y * w, *gl = hand->glare + (size_t)y * w;
		const uint8_t *rim = hand->rim + (size_t)y * w;
		int32_t *c = col + (size_t)y * w;
		const int32_t *above = c - w;

		for (uint32_t x = 0; x < w; x++)
			c[x] = (above[x] + 1) & -(int32_t)(m[x] | gl[x] | rim[x]);
	}
	for (uint32_t y = h - 1; y-- > 0;) {
		int32_t *c = col + (size_t)y * w;

		for (uint32_t x = 0; x < w; x++) {
			int32_t below = c[x + w] + 1;

			c[x] = below < c[x] ? below : c[x];
		}
	}
	for (uint32_t y = 0; y < h; y++) {
		const int32_t *c = col + (size_t)y * w;
		float *row = hand->dist + (size_t)y * w;

		for (uint32_t x = 0; x < w; x++)
			g[x] = c[x] < none ? c[x] * c[x] : -1;
		if (!edt_row(g, d, (int)w, v, zn, zd)) {
			for (uint32_t x = 0; x < w; x++)
				row[x] = INFINITY;
			continue;
		}
		/* the square root keeps the order of squared distances */
		for (uint32_t x = 0; x < w; x++)
			if (d[x] > best && hand->mask[(size_t)y * w + x]) {
				best = d[x];
				hand->palm_x = (float)x;
				hand->palm_y = (float)y;
			}
		sqrt_row(d, row, w);
	}
	hand->palm_radius = sqrtf((float)best);
	explicit_bzero(zn, 2 * ((size_t)w + 1) * sizeof(*zn) + 3 * ((size_t)w + 1) * sizeof(*g));
	free(zn);
	return 0;
}

static bool circle_below_top(const struct pv_hand *hand)
{
	return hand->palm_y >= hand->palm_radius;
}

/*
 * The frame border is not background: a palm cut off by the edge must not
 * look small. But a hand over the sensor has its fingers to the top of the
 * frame, and fingers that leave the top edge, merged at working resolution
 * or joined by background the mask took in along it, form a deeper blob
 * than the palm: the circle lands on them (docs/roi.md). So when the circle
 * crosses the top edge, the row above the frame counts as background, and
 * the circle that gives is kept when it lies below the edge: a palm whole
 * in the frame. One that still reaches the edge is a palm (or a blob)
 * running out of the frame, and the edge is hand again. The bottom edge
 * stays hand: the arm leaves the frame there.
 */
static int distance_transform(struct pv_hand *hand)
{
	int err = distance_pass(hand, false);

	if (err || circle_below_top(hand))
		return err;
	err = distance_pass(hand, true);
	if (err || circle_below_top(hand))
		return err;
	return distance_pass(hand, false);
}

/* How closely a cubic surface follows room light, relative to its level. */
#define BG_MODEL_ERROR 0.08f

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

/* Evaluates the cubic of bg_coef into hand->bg, row by row (Horner in u,
 * the columns' coordinates @u as cubic_at() computes them). */
static void eval_surface(struct pv_hand *hand, const float *u)
{
	const float *c = hand->bg_coef;

	for (uint32_t y = 0; y < hand->h; y++) {
		float v = 2.0f * (float)y / (float)hand->h - 1.0f;
		float a0 = c[0] + v * (c[2] + v * (c[5] + v * c[9]));
		float a1 = c[1] + v * (c[4] + v * c[8]);
		float a2 = c[3] + v * c[7];
		float a3 = c[6];
		float *row = hand->bg + (size_t)y * hand->w;

		for (uint32_t x = 0; x < hand->w; x++)
			row[x] = a0 + u[x] * (a1 + u[x] * (a2 + u[x] * a3));
	}
}

/*
 * Adds the pixel at (@u, @v) of level @grey to the normal equations. The
 * whole symmetric matrix is summed, not half of it: products commute
 * exactly, so the sums are the same, in a loop the compiler vectorises;
 * rows padded to 12 (with zero terms) fill 4-wide vectors. Built for AVX2
 * as well on x86, chosen at run time.
 */
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target_clones("avx2", "default")))
#endif
static void
add_to_fit(double m[10][12], double r[10], double u, double v, double grey)
{
	double t[12] = { 0 };

	pv_terms(u, v, t);
	for (int a = 0; a < 10; a++) {
		for (int b = 0; b < 12; b++)
			m[a][b] += t[a] * t[b];
		r[a] += t[a] * grey;
	}
}

/*
 * Least-squares cubic through the pixels @keep marks: those of @list (in
 * raster order) when given, else every @step-th on each axis; false when
 * too few. @u and @v are the columns' and rows' normalised coordinates.
 */
static bool fit_surface(struct pv_hand *hand, const uint8_t *keep,
			const uint32_t *list, uint32_t nlist, uint32_t step,
			const double *u, const double *v)
{
	double m[10][12] = { { 0 } }, a[PV_SOLVE_MAX][PV_SOLVE_MAX], r[PV_SOLVE_MAX] = { 0 };
	uint32_t count = 0;

	if (list) {
		for (uint32_t k = 0; k < nlist; k++) {
			uint32_t i = list[k];

			if (keep[i]) {
				add_to_fit(m, r, u[i % hand->w], v[i / hand->w], hand->grey[i]);
				count++;
			}
		}
	} else {
		for (uint32_t y = 0; y < hand->h; y += step)
			for (uint32_t x = 0; x < hand->w; x += step) {
				size_t i = (size_t)y * hand->w + x;

				if (keep[i]) {
					add_to_fit(m, r, u[x], v[y], hand->grey[i]);
					count++;
				}
			}
	}
	for (int k = 0; k < 10; k++)
		memcpy(a[k], m[k], sizeof(a[k]));
	if (count < 80 || !pv_solve(a, r, PV_TERMS_CUBIC, 1e-9))
		return false;
	for (int k = 0; k < 10; k++)
		hand->bg_coef[k] = (float)r[k];
	return true;
}

/* Whether pixel @i lies near the background model: within @tol, and a
 * cubic follows a glow only to some percent. */
static bool near_model(const struct pv_hand *hand, size_t i, float tol)
{
	float level = hand->bg[i];

	/* & rather than &&: no branch in the loops over the frame */
	return !hand->glare[i] &
	       (fabsf((float)hand->grey[i] - level) <= tol + BG_MODEL_ERROR * (level > 0 ? level : 0));
}

/* near_model() for every pixel of the frame into @keep, four at a time
 * in generic vectors: the same operations, in lanes. */
static void mark_near_model(const struct pv_hand *hand, uint8_t *keep, float tol)
{
	const size_t n = (size_t)hand->w * hand->h;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		u8x4 grey, glare, out;
		f32x4 level, diff;
		i32x4 near;

		memcpy(&grey, hand->grey + i, sizeof(grey));
		memcpy(&glare, hand->glare + i, sizeof(glare));
		memcpy(&level, hand->bg + i, sizeof(level));
		diff = __builtin_convertvector(widen_u8x4(grey), f32x4) - level;
		diff = (f32x4)((i32x4)diff & 0x7fffffff);
		/* level & (level > 0) is 0 for -0 and NaN, as level > 0 ? level : 0 */
		near = diff <= tol + BG_MODEL_ERROR * (f32x4)((i32x4)level & (level > 0));
		out = narrow_u8x4(near & 1) & (glare == 0);
		memcpy(keep + i, &out, sizeof(out));
	}
	for (; i < n; i++)
		keep[i] = near_model(hand, i, tol);
}

/* Median absolute residual (as a deviation) over the pixels @keep marks,
 * among those of @list when given, else in the whole frame. */
static float residual_noise(const struct pv_hand *hand, const uint8_t *keep,
			    const uint32_t *list, uint32_t nlist)
{
	const size_t count = list ? nlist : (size_t)hand->w * hand->h;
	uint32_t hist[256] = { 0 }, n = 0, acc = 0, mad = 0;

	for (size_t k = 0; k < count; k++) {
		size_t i = list ? list[k] : k;
		float d;

		if (!keep[i])
			continue;
		d = fabsf((float)hand->grey[i] - hand->bg[i]);
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
		return residual_noise(hand, keep, NULL, 0);
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
 * smooth surface can follow. @keep is w x h scratch. Returns 0 or -ENOMEM.
 */
static int fit_background(struct pv_hand *hand, uint8_t *keep)
{
	const uint32_t w = hand->w, h = hand->h;
	const size_t n = (size_t)w * h;
	uint32_t hist[256] = { 0 }, nb = 0, acc = 0, median = 0;
	uint32_t *band = hand->stack;	/* free until the first mask */
	bool whole = false;		/* hand->bg holds the model everywhere */
	double *u = malloc(((size_t)w + h) * sizeof(*u) + w * sizeof(float)), *v;
	float *uf;

	if (!u)
		return -ENOMEM;
	v = u + w;
	uf = (float *)(v + h);
	for (uint32_t x = 0; x < w; x++) {
		u[x] = 2.0 * x / w - 1.0;
		uf[x] = 2.0f * (float)x / (float)w - 1.0f;
	}
	for (uint32_t y = 0; y < h; y++)
		v[y] = 2.0 * y / h - 1.0;
	memset(keep, 0, n);
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
	/* the constant model, where the border rounds look */
	for (uint32_t k = 0; k < nb; k++)
		hand->bg[band[k]] = (float)median;
	hand->bg_noise = residual_noise(hand, keep, band, nb);
	for (int round = 0; round < 6; round++) {
		const bool border = round < 4;
		const float tol = 3.0f * hand->bg_noise + 2.0f;

		if (border) {
			for (uint32_t k = 0; k < nb; k++)
				keep[band[k]] = near_model(hand, band[k], tol);
		} else {
			if (!whole) {
				eval_surface(hand, uf);	/* the frame now takes part */
				whole = true;
			}
			mark_near_model(hand, keep, tol);
		}
		/* the border band is thin: take all of it; the frame: a sample */
		if (!fit_surface(hand, keep, border ? band : NULL, nb, border ? 1 : 3, u, v))
			break;
		/* while the fit sees the band only, the model is needed there only */
		whole = !border;
		if (border)
			for (uint32_t k = 0; k < nb; k++)
				hand->bg[band[k]] = cubic_at(hand, band[k] % w, band[k] / w);
		else
			eval_surface(hand, uf);
		/* after the last round, pixel_noise() below measures the noise */
		if (round < 5)
			hand->bg_noise = residual_noise(hand, keep, border ? band : NULL, nb);
	}
	if (!whole)
		eval_surface(hand, uf);
	hand->bg_noise = pixel_noise(hand, keep);
	free(u);
	return 0;
}

/*
 * Local correction of the room-light model (pv_hand_refine_background()):
 * the box radius in working pixels, the rounds, and the weight of the cubic
 * against the background pixels of a box, as a fraction of its pixels.
 */
#define BG_LOCAL_RADIUS 16
#define BG_LOCAL_ROUNDS 8
#define BG_LOCAL_PRIOR 0.03f

/*
 * A cubic follows a window's glow only broadly: where it falls short, the
 * glow stands out from it as hand, and the mask spills into the room light
 * (a blob the size of a palm-centre crop, or an inscribed circle moved off
 * the palm). Each round moves the model by the mean residual of the pixels
 * near it in a box around each pixel, then takes the pixels near the moved
 * model as background again, so that the model follows the glow a little
 * further; the palm, far above or below the room light, never joins in.
 * @cubic is the cubic model (hand->bg on entry, kept by the caller to
 * restore). Uses hand->mask as scratch. Returns 0 or -ENOMEM.
 */
int pv_hand_refine_background(struct pv_hand *hand, const float *cubic)
{
	const uint32_t w = hand->w, h = hand->h, r = BG_LOCAL_RADIUS;
	const size_t stride = (size_t)w + 1;
	const size_t ii_len = 2 * stride * (h + 1);
	const float tol = 3.0f * hand->bg_noise + 2.0f;
	const float prior = BG_LOCAL_PRIOR * (float)((2 * r + 1) * (2 * r + 1));
	/* integral images of the residual (in 1/16 levels: a frame of them
	 * fits 32 bits) and of the count of pixels near the model */
	int32_t *sum = malloc(ii_len * sizeof(*sum)), *cnt;

	if (!sum)
		return -ENOMEM;
	cnt = sum + stride * (h + 1);
	memset(sum, 0, stride * sizeof(*sum));
	memset(cnt, 0, stride * sizeof(*cnt));
	for (int round = 0; round < BG_LOCAL_ROUNDS; round++) {
		mark_near_model(hand, hand->mask, tol);
		for (uint32_t y = 0; y < h; y++) {
			const int32_t *above = sum + y * stride, *above_n = cnt + y * stride;
			int32_t *row = sum + (y + 1) * stride, *row_n = cnt + (y + 1) * stride;
			int32_t rs = 0, rc = 0;

			row[0] = row_n[0] = 0;
			for (uint32_t x = 0; x < w; x++) {
				size_t i = (size_t)y * w + x;
				int32_t near = hand->mask[i];

				rs += near * (int32_t)(16.0f * ((float)hand->grey[i] - cubic[i]));
				rc += near;
				row[x + 1] = above[x + 1] + rs;
				row_n[x + 1] = above_n[x + 1] + rc;
			}
		}
		for (uint32_t y = 0; y < h; y++) {
			size_t y0 = (y > r ? y - r : 0) * stride;
			size_t y1 = (y + r + 1 < h ? y + r + 1 : h) * stride;

			for (uint32_t x = 0; x < w; x++) {
				uint32_t x0 = x > r ? x - r : 0;
				uint32_t x1 = x + r + 1 < w ? x + r + 1 : w;
				int32_t s = sum[y1 + x1] - sum[y0 + x1] - sum[y1 + x0] + sum[y0 + x0];
				int32_t c = cnt[y1 + x1] - cnt[y0 + x1] - cnt[y1 + x0] + cnt[y0 + x0];

				/* few background pixels in the box: the cubic */
				hand->bg[(size_t)y * w + x] = cubic[(size_t)y * w + x] +
							      (float)s / (16.0f * ((float)c + prior));
			}
		}
	}
	explicit_bzero(sum, ii_len * sizeof(*sum));
	free(sum);
	return 0;
}

/* How far from the background model a hand pixel lies at least, before the
 * part that grows with the background's level (threshold_mask()). */
static float mask_margin(const struct pv_hand *hand)
{
	float level = background_at(hand, hand->w / 2, hand->h / 2);

	return fmaxf(4.0f * hand->bg_noise + 3.0f,
		     0.05f * ((float)hand->threshold - level));
}


/*
 * The hand's dim rim: up to RIM_STEPS pixels out from the two-sided mask,
 * pixels still RIM_FRACTION of the way to the mask's margin above the
 * background, marked 4 + step in the mask for threshold_mask() to move to
 * hand->rim. Without it the inscribed circle of a room-lit hand touches a
 * side inside the true outline; the step bound keeps it out of the
 * window's glow, and keeping it out of the mask keeps valleys and axis.
 */
#define RIM_STEPS 3
#define RIM_FRACTION 0.6f

static void grow_rim(struct pv_hand *hand, float margin)
{
	const uint32_t w = hand->w, h = hand->h;
	const size_t n = (size_t)w * h;
	uint32_t *queue = hand->stack;
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < n; i++)
		if (hand->mask[i])
			queue[tail++] = (uint32_t)i;
	while (head < tail) {
		uint32_t i = queue[head++], x = i % w, y = i / w;
		/* grown pixels carry their step count above 3 */
		uint32_t step = hand->mask[i] > 3 ? hand->mask[i] - 3u : 0;
		uint32_t nb[4] = { x > 0 ? i - 1 : i, x + 1 < w ? i + 1 : i,
				   y > 0 ? i - w : i, y + 1 < h ? i + w : i };

		if (step >= RIM_STEPS)
			continue;
		for (int k = 0; k < 4; k++) {
			uint32_t j = nb[k];
			float level;

			if (hand->mask[j] || hand->glare[j])
				continue;
			level = background_at(hand, j % w, j / w);
			if ((float)hand->grey[j] - level >
			    RIM_FRACTION * (margin + 0.5f * BG_MODEL_ERROR *
					    (level > 0 ? level : 0))) {
				hand->mask[j] = (uint8_t)(4 + step);
				queue[tail++] = j;
			}
		}
	}
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
	static const uint8_t is_bright[256] = { [1] = 1 }, is_dark[256] = { [2] = 1 };
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
		pv_sat_build(hand->mask, w, h, is_bright, bright);
		pv_sat_build(hand->mask, w, h, is_dark, dark);
		for (uint32_t y = 0; y < h; y++)
			for (uint32_t x = 0; x < w; x++)
				if (!hand->mask[(size_t)y * w + x] &&
				    pv_sat_window(bright, w, h, x, y, r) &&
				    pv_sat_window(dark, w, h, x, y, r))
					hand->mask[(size_t)y * w + x] = 3;
		free(bright);
		grow_rim(hand, margin);
	}
	for (size_t i = 0; i < n; i++) {
		hand->rim[i] = hand->mask[i] > 3;
		hand->mask[i] = hand->mask[i] && !hand->rim[i];
	}
	return mode == PV_SEG_DIM_FINGERS ? drop_dim_halos(hand, margin) : 0;
}

int pv_hand_mask(struct pv_hand *hand, enum pv_seg_mode mode)
{
	const size_t n = (size_t)hand->w * hand->h;
	uint32_t glare_on_hand = 0;
	int err = threshold_mask(hand, mode);

	if (err)
		return err;
	err = keep_largest_component(hand->mask, hand->w, hand->h, hand->stack,
				     &hand->area);
	if (err)
		return err;
	if (!hand->area)
		return -ENOENT;
	err = fill_holes(hand->mask, hand->w, hand->h, hand->stack, &hand->area);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		glare_on_hand += hand->mask[i] & hand->glare[i];
	hand->glare_fraction = (float)glare_on_hand / (float)hand->area;
	return distance_transform(hand);
}

static size_t block_size(uint32_t w, uint32_t h, uint32_t f)
{
	size_t n = (size_t)w * h;

	return n * (4 + 2 * sizeof(float) + sizeof(uint32_t)) +
	       2 * (size_t)w * f * sizeof(uint32_t);
}

int pv_hand_segment(const struct pv_image *img, const uint8_t *clipped,
		    struct pv_hand *hand)
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
	/* One block: grey, glare, mask, raw working image (then the rim), dist, background,
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

	downsample(img, clipped, hand, raw, hand->stack + n,
		   hand->stack + n + (size_t)w * f);
	blur3(raw, hand->grey, hand->mask, w, h);
	hand->rim = raw;
	memset(hand->rim, 0, n);
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
	err = fit_background(hand, hand->mask);
	if (err) {
		pv_hand_release(hand);
		return err;
	}

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
