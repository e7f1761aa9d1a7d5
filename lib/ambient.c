// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ambient-light cancellation: a frame lit by the sensor's LEDs minus the
 * unlit frame next to it (PALMVEIN_LED_ALTERNATE) leaves only what the
 * LEDs lit. Room light, a window or the sun behind the hand cancel out,
 * and the hand stands bright on a dark background as it does in the dark.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/image.h>

#include "roi_internal.h"

static void subtract_row8(uint8_t *out, const uint8_t *lit,
			  const uint8_t *unlit, uint32_t n)
{
	for (uint32_t x = 0; x < n; x++)
		out[x] = lit[x] > unlit[x] ? (uint8_t)(lit[x] - unlit[x]) : 0;
}

static void subtract_row16(uint16_t *out, const uint16_t *lit,
			   const uint16_t *unlit, uint32_t n)
{
	for (uint32_t x = 0; x < n; x++)
		out[x] = lit[x] > unlit[x] ? (uint16_t)(lit[x] - unlit[x]) : 0;
}

/* Pixels the LEDs drove into clipping: at the glare level lit, below it unlit. */
static void clipped_row8(uint8_t *out, const uint8_t *lit, const uint8_t *unlit,
			 uint32_t n, uint8_t sat)
{
	for (uint32_t x = 0; x < n; x++)
		out[x] = (lit[x] >= sat) & (unlit[x] < sat);
}

static void clipped_row16(uint8_t *out, const uint16_t *lit, const uint16_t *unlit,
			  uint32_t n, uint16_t sat)
{
	for (uint32_t x = 0; x < n; x++)
		out[x] = (lit[x] >= sat) & (unlit[x] < sat);
}

int pv_cancel_ambient_clipped(const struct pv_image *lit,
			      const struct pv_image *unlit, struct pv_image *out,
			      uint8_t **clipped)
{
	size_t row_bytes;
	uint8_t *px, *map = NULL;
	uint32_t sat;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (clipped)
		*clipped = NULL;
	if (!lit || !unlit || !lit->data || !unlit->data ||
	    lit->width == 0 || lit->height == 0 ||
	    (lit->bits != 8 && lit->bits != 16) ||
	    unlit->width != lit->width || unlit->height != lit->height ||
	    unlit->bits != lit->bits || unlit->maxval != lit->maxval ||
	    (uint64_t)lit->stride < (uint64_t)lit->width * (lit->bits / 8) ||
	    (uint64_t)unlit->stride < (uint64_t)lit->width * (lit->bits / 8))
		return -EINVAL;
	row_bytes = (size_t)lit->width * (lit->bits / 8);
	px = malloc(row_bytes * lit->height);
	if (clipped)
		map = malloc((size_t)lit->width * lit->height);
	if (!px || (clipped && !map)) {
		free(px);
		free(map);
		return -ENOMEM;
	}
	/* The level segmentation flags glare at. */
	sat = pv_glare_sample(lit->maxval);
	for (uint32_t y = 0; y < lit->height; y++) {
		const uint8_t *l = (const uint8_t *)lit->data + (size_t)y * lit->stride;
		const uint8_t *u = (const uint8_t *)unlit->data +
				   (size_t)y * unlit->stride;
		uint8_t *o = px + y * row_bytes;
		uint8_t *m = map ? map + (size_t)y * lit->width : NULL;

		if (lit->bits == 8) {
			subtract_row8(o, l, u, lit->width);
			if (m)
				clipped_row8(m, l, u, lit->width, (uint8_t)sat);
		} else {
			subtract_row16((uint16_t *)(void *)o,
				       (const uint16_t *)(const void *)l,
				       (const uint16_t *)(const void *)u,
				       lit->width);
			if (m)
				clipped_row16(m, (const uint16_t *)(const void *)l,
					      (const uint16_t *)(const void *)u,
					      lit->width, (uint16_t)sat);
		}
	}
	*out = (struct pv_image){
		.width = lit->width, .height = lit->height,
		.stride = (uint32_t)row_bytes, .bits = lit->bits,
		.owns_data = 1, .maxval = lit->maxval, .data = px,
	};
	if (clipped)
		*clipped = map;
	return 0;
}

int pv_image_cancel_ambient(const struct pv_image *lit,
			    const struct pv_image *unlit, struct pv_image *out)
{
	return pv_cancel_ambient_clipped(lit, unlit, out, NULL);
}
