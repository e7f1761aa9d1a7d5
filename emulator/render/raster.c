// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "raster.h"
#include "rng.h"

int pv_map_alloc(struct pv_map *map, int w, int h, float u0, float v0,
		 float texel)
{
	map->w = w;
	map->h = h;
	map->u0 = u0;
	map->v0 = v0;
	map->texel = texel;
	map->px = calloc((size_t)w * h, sizeof(*map->px));
	return map->px ? 0 : -ENOMEM;
}

void pv_map_free(struct pv_map *map)
{
	free(map->px);
	map->px = NULL;
}

struct seg_box {
	int x0, y0, x1, y1;
};

/* Texel range that can lie within @reach mm of the segment. */
static int segment_box(const struct pv_map *map, float u0, float v0, float u1,
		       float v1, float reach, struct seg_box *b)
{
	float t = map->texel;

	b->x0 = (int)floorf((fminf(u0, u1) - reach - map->u0) / t);
	b->x1 = (int)ceilf((fmaxf(u0, u1) + reach - map->u0) / t);
	b->y0 = (int)floorf((fminf(v0, v1) - reach - map->v0) / t);
	b->y1 = (int)ceilf((fmaxf(v0, v1) + reach - map->v0) / t);
	if (b->x0 < 0)
		b->x0 = 0;
	if (b->y0 < 0)
		b->y0 = 0;
	if (b->x1 > map->w - 1)
		b->x1 = map->w - 1;
	if (b->y1 > map->h - 1)
		b->y1 = map->h - 1;
	return b->x0 <= b->x1 && b->y0 <= b->y1;
}

static float segment_dist2(float pu, float pv, float u0, float v0, float du,
			   float dv, float len2)
{
	float t = len2 > 0 ? ((pu - u0) * du + (pv - v0) * dv) / len2 : 0;
	float cu, cv;

	t = t < 0 ? 0 : (t > 1 ? 1 : t);
	cu = pu - u0 - t * du;
	cv = pv - v0 - t * dv;
	return cu * cu + cv * cv;
}

void pv_map_draw_vessel(struct pv_map *map, float u0, float v0, float u1,
			float v1, float radius, float scale)
{
	float du = u1 - u0, dv = v1 - v0, len2 = du * du + dv * dv;
	/* a vessel thinner than a texel still absorbs: widen, keep the area */
	float r = fmaxf(radius, map->texel * 0.75f);
	float gain = scale * radius / r;
	struct seg_box b;

	if (!segment_box(map, u0, v0, u1, v1, r, &b))
		return;
	for (int y = b.y0; y <= b.y1; y++) {
		float pv = map->v0 + y * map->texel;
		float *row = map->px + (long)y * map->w;

		for (int x = b.x0; x <= b.x1; x++) {
			float pu = map->u0 + x * map->texel;
			float d2 = segment_dist2(pu, pv, u0, v0, du, dv, len2);
			float chord;

			if (d2 >= r * r)
				continue;
			chord = 2.0f * sqrtf(r * r - d2) * gain;
			if (chord > row[x])
				row[x] = chord;
		}
	}
}

void pv_map_draw_crease(struct pv_map *map, float u0, float v0, float u1,
			float v1, float half_width, float strength)
{
	float du = u1 - u0, dv = v1 - v0, len2 = du * du + dv * dv;
	float hw = fmaxf(half_width, map->texel * 0.6f);
	float gain = strength * fminf(1.0f, half_width / hw * 1.5f);
	struct seg_box b;

	if (!segment_box(map, u0, v0, u1, v1, hw, &b))
		return;
	for (int y = b.y0; y <= b.y1; y++) {
		float pv = map->v0 + y * map->texel;
		float *row = map->px + (long)y * map->w;

		for (int x = b.x0; x <= b.x1; x++) {
			float pu = map->u0 + x * map->texel;
			float d = sqrtf(segment_dist2(pu, pv, u0, v0, du, dv,
						      len2)) / hw;
			float dark;

			if (d >= 1.0f)
				continue;
			dark = gain * (1.0f - d) * (1.0f - d);
			if (dark > row[x])
				row[x] = dark;
		}
	}
}

/* One box pass of radius @r along a row of @n samples. */
static void box_row(float *p, int n, int r, float *tmp)
{
	float sum = 0, inv = 1.0f / (2 * r + 1);

	memcpy(tmp, p, n * sizeof(*tmp));
	for (int i = -r; i <= r; i++)
		sum += tmp[i < 0 ? 0 : (i >= n ? n - 1 : i)];
	for (int i = 0; i < n; i++) {
		int add = i + r + 1, sub = i - r;

		p[i] = sum * inv;
		sum += tmp[add >= n ? n - 1 : add] - tmp[sub < 0 ? 0 : sub];
	}
}

/*
 * The same down the columns, a whole row at a time so memory is read in
 * order: @sum holds the running window of every column, @src a copy of the
 * map (the pass writes over the rows it has read).
 */
static void box_columns(struct pv_map *m, int r, float *sum, float *src)
{
	int w = m->w, h = m->h;
	float inv = 1.0f / (2 * r + 1);

	memcpy(src, m->px, (size_t)w * h * sizeof(*src));
	memset(sum, 0, w * sizeof(*sum));
	for (int i = -r; i <= r; i++) {
		const float *row = src + (long)(i < 0 ? 0 : (i >= h ? h - 1 : i)) * w;

		for (int x = 0; x < w; x++)
			sum[x] += row[x];
	}
	for (int y = 0; y < h; y++) {
		int add = y + r + 1, sub = y - r;
		const float *in = src + (long)(add >= h ? h - 1 : add) * w;
		const float *out = src + (long)(sub < 0 ? 0 : sub) * w;
		float *dst = m->px + (long)y * w;

		for (int x = 0; x < w; x++) {
			dst[x] = sum[x] * inv;
			sum[x] += in[x] - out[x];
		}
	}
}

int pv_map_blur(struct pv_map *map, float sigma_mm)
{
	float sigma = sigma_mm / map->texel;
	/* three boxes of width w have variance 3 (w^2 - 1) / 12 */
	int r = (int)lrintf((sqrtf(4.0f * sigma * sigma + 1.0f) - 1.0f) / 2.0f);
	float *tmp, *src;

	if (r < 1)
		return 0;
	tmp = malloc((size_t)(map->w > map->h ? map->w : map->h) * sizeof(*tmp));
	src = malloc((size_t)map->w * map->h * sizeof(*src));
	if (!tmp || !src) {
		free(tmp);
		free(src);
		return -ENOMEM;
	}
	for (int pass = 0; pass < 3; pass++) {
		for (int y = 0; y < map->h; y++)
			box_row(map->px + (long)y * map->w, map->w, r, tmp);
		box_columns(map, r, tmp, src);
	}
	free(tmp);
	free(src);
	return 0;
}

static float lattice(uint64_t seed, int32_t x, int32_t y)
{
	uint64_t h = pv_mix64(seed ^ ((uint64_t)(uint32_t)x << 32 |
				      (uint32_t)y));

	return (float)(h >> 40) * (1.0f / 16777216.0f) - 0.5f;
}

int pv_map_add_noise(struct pv_map *map, float cell_mm, float amp,
		     uint64_t seed)
{
	float step = map->texel / cell_mm;
	int cells = (int)(map->w * step) + 2;
	/* lattice values of the two cell rows around the current texel row */
	float *lo = malloc(2 * (size_t)cells * sizeof(*lo)), *hi;
	int row_iy = -1;

	if (!lo)
		return -ENOMEM;
	hi = lo + cells;
	for (int y = 0; y < map->h; y++) {
		float *row = map->px + (long)y * map->w;
		float fy = y * step;
		int iy = (int)fy;
		float ty = fy - iy;

		if (iy != row_iy) {
			for (int i = 0; i < cells; i++) {
				lo[i] = lattice(seed, i, iy);
				hi[i] = lattice(seed, i, iy + 1);
			}
			row_iy = iy;
		}
		ty = ty * ty * (3.0f - 2.0f * ty);
		for (int x = 0; x < map->w; x++) {
			float fx = x * step;
			int ix = (int)fx;
			float tx = fx - ix;
			float a = lo[ix] + (hi[ix] - lo[ix]) * ty;
			float b = lo[ix + 1] + (hi[ix + 1] - lo[ix + 1]) * ty;

			tx = tx * tx * (3.0f - 2.0f * tx);
			row[x] += amp * (a + tx * (b - a));
		}
	}
	free(lo);
	return 0;
}
