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

#endif /* PALMVEIN_TEST_RENDER_HELPERS_H */
