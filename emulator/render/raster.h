/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Float maps over a rectangle of the hand frame (mm), and the drawing
 * primitives the tissue model needs: soft lines, Gaussian blur, value noise.
 */
#ifndef PV_RENDER_RASTER_H
#define PV_RENDER_RASTER_H

#include <stdint.h>

struct pv_map {
	int w, h;
	float u0, v0;	/* mm at texel (0, 0); v grows with the row */
	float texel;	/* mm per texel */
	float *px;
};

/* Returns 0 or -ENOMEM; the map starts zeroed. */
int pv_map_alloc(struct pv_map *map, int w, int h, float u0, float v0,
		 float texel);
void pv_map_free(struct pv_map *map);

/* Optical path through a vessel of @radius along a segment: each texel keeps
 * the largest chord length times @scale (overlapping joints do not add). */
void pv_map_draw_vessel(struct pv_map *map, float u0, float v0, float u1,
			float v1, float radius, float scale);
/* A crease: darkness @strength at the centre line, fading over @half_width. */
void pv_map_draw_crease(struct pv_map *map, float u0, float v0, float u1,
			float v1, float half_width, float strength);
/* Gaussian blur with @sigma_mm, three box passes; returns 0 or -ENOMEM. */
int pv_map_blur(struct pv_map *map, float sigma_mm);
/* Adds value noise of cell size @cell_mm and amplitude @amp (+-amp/2).
 * Returns 0 or -ENOMEM. */
int pv_map_add_noise(struct pv_map *map, float cell_mm, float amp,
		     uint64_t seed);

/* Bilinear sample at (u, v) mm, clamped at the border. */
static inline float pv_map_sample(const struct pv_map *map, float u, float v)
{
	float x = (u - map->u0) / map->texel, y = (v - map->v0) / map->texel;
	int ix, iy;
	float fx, fy;
	const float *p;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x > map->w - 1.001f)
		x = map->w - 1.001f;
	if (y > map->h - 1.001f)
		y = map->h - 1.001f;
	ix = (int)x;
	iy = (int)y;
	fx = x - ix;
	fy = y - iy;
	p = map->px + (long)iy * map->w + ix;
	return (p[0] + fx * (p[1] - p[0])) * (1.0f - fy) +
	       (p[map->w] + fx * (p[map->w + 1] - p[map->w])) * fy;
}

#endif /* PV_RENDER_RASTER_H */
