/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helper: one 8-bit frame of a scene from the palm renderer. */
#ifndef PALMVEIN_TEST_RENDER_HELPERS_H
#define PALMVEIN_TEST_RENDER_HELPERS_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "render.h"

/* Renders @desc at @width x @height through the 850 and 940 nm banks and
 * exposes it with @exp into a new buffer the caller frees. */
static inline uint8_t *test_render_frame(const struct pv_scene_desc *desc,
					 const struct pv_exposure *exp,
					 uint32_t width, uint32_t height)
{
	const struct pv_optics optics = { width, height, 2, { 850, 940 } };
	struct pv_scene *scene = pv_scene_render(desc, &optics);
	uint8_t *frame = malloc((size_t)width * height);

	ck_assert_ptr_nonnull(scene);
	ck_assert_ptr_nonnull(frame);
	ck_assert_int_eq(pv_scene_expose(scene, exp, frame, (size_t)width * height), 0);
	pv_scene_free(scene);
	return frame;
}

/* Presentation @pres of hand @identity in `pv-render-set --seed @seed --pairs`
 * (full nuisance) at @width x @height: frame[0] lit, frame[1] unlit, new
 * buffers the caller frees. @desc gets the lit frame's drawn scene. */
static inline void test_render_pair(uint64_t seed, uint32_t identity, unsigned int pres,
				    uint32_t width, uint32_t height,
				    struct pv_scene_desc *desc, uint8_t *frame[2])
{
	struct pv_scene_desc unlit;
	struct pv_exposure exp[2];

	pv_presentation_draw(seed, identity, pres, 1.0f, desc, &exp[0]);
	pv_presentation_draw_unlit(seed, identity, pres, 1.0f, &unlit, &exp[1]);
	frame[0] = test_render_frame(desc, &exp[0], width, height);
	frame[1] = test_render_frame(&unlit, &exp[1], width, height);
}

#endif /* PALMVEIN_TEST_RENDER_HELPERS_H */
