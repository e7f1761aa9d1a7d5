/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Summed-area tables over a byte image: a sum over any square window in
 * constant time (segmentation's crossing band, the support of a feature
 * cell). Private to libpalmvein.
 */
#ifndef PALMVEIN_SUMMED_AREA_H
#define PALMVEIN_SUMMED_AREA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The sums of @weight[pixel] over @img (@w x @h, row-major), as an
 * inclusive table of (w + 1) x (h + 1) entries in @sat. */
static inline void pv_sat_build(const uint8_t *img, uint32_t w, uint32_t h,
				const uint8_t weight[256], uint32_t *sat)
{
	memset(sat, 0, (w + 1) * sizeof(*sat));
	for (uint32_t y = 0; y < h; y++) {
		uint32_t row = 0;

		sat[(size_t)(y + 1) * (w + 1)] = 0;
		for (uint32_t x = 0; x < w; x++) {
			row += weight[img[(size_t)y * w + x]];
			sat[(size_t)(y + 1) * (w + 1) + x + 1] =
				sat[(size_t)y * (w + 1) + x + 1] + row;
		}
	}
}

/* The sum over the square of half-size @r around (@x, @y), where it lies
 * on the @w x @h image. */
static inline uint32_t pv_sat_window(const uint32_t *sat, uint32_t w, uint32_t h,
				     uint32_t x, uint32_t y, uint32_t r)
{
	uint32_t x0 = x > r ? x - r : 0, y0 = y > r ? y - r : 0;
	uint32_t x1 = x + r + 1 < w ? x + r + 1 : w, y1 = y + r + 1 < h ? y + r + 1 : h;

	return sat[(size_t)y1 * (w + 1) + x1] - sat[(size_t)y0 * (w + 1) + x1] -
	       sat[(size_t)y1 * (w + 1) + x0] + sat[(size_t)y0 * (w + 1) + x0];
}

#endif /* PALMVEIN_SUMMED_AREA_H */
