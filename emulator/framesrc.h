/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Frame payloads from the renderer, fast enough to stream: the scene's
 * physics is rendered only when the scene changes, and exposed payloads are
 * cached per variant. Variant v of a frame uses noise seed
 * framesrc_noise_seed(scene seed, v), so streaming (variant = sequence mod K)
 * and `palmvein-emu --render --variant v` produce identical bytes.
 */
#ifndef PALMVEIN_EMU_FRAMESRC_H
#define PALMVEIN_EMU_FRAMESRC_H

#include <stddef.h>
#include <stdint.h>

#include "render/render.h"

#define FRAMESRC_DEFAULT_VARIANTS 8
#define FRAMESRC_MAX_VARIANTS 64

struct framesrc;

/* What one payload depends on. */
struct framesrc_request {
	struct pv_scene_desc scene;
	uint16_t width;
	uint16_t height;
	unsigned int bits;		/* 8 or 10 */
	uint32_t exposure_us;
	uint16_t gain_q4;
	uint8_t lit_mask;
	uint16_t intensity[PV_RENDER_MAX_BANKS];
	unsigned int variant;		/* < the source's variant count */
};

/* A source caching @variants exposed payloads. NULL on ENOMEM/EINVAL. */
struct framesrc *framesrc_new(unsigned int variants);
void framesrc_free(struct framesrc *src);

/* An exposed payload, valid until the next framesrc_get(). */
struct framesrc_payload {
	const void *data;
	size_t size;
	uint32_t crc32;		/* frame_crc32() of data, computed once */
};

/* Fills @out with the payload for @req. Returns 0 or -errno. */
int framesrc_get(struct framesrc *src, const struct framesrc_request *req,
		 struct framesrc_payload *out);

uint64_t framesrc_noise_seed(uint32_t scene_seed, unsigned int variant);

#endif /* PALMVEIN_EMU_FRAMESRC_H */
