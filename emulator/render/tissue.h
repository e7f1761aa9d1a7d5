/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a target looks like in NIR, on the rest hand: one reflectance map per
 * LED bank (its wavelength decides how deep light reaches, so how veins and
 * creases show) and one for ambient light, which mostly sees the surface.
 */
#ifndef PV_RENDER_TISSUE_H
#define PV_RENDER_TISSUE_H

#include <stdint.h>

#include "hand.h"
#include "raster.h"
#include "render.h"

struct pv_tissue {
	unsigned int nbanks;
	struct pv_map bank[PV_RENDER_MAX_BANKS];	/* LED light reflected */
	struct pv_map ambient;				/* ambient reflected */
};

/*
 * Builds the maps of @target (PALM, PHOTO or FAKE) for @hand of @identity
 * with texels of @texel_mm. Returns 0 or -ENOMEM.
 */
int pv_tissue_build(enum pv_target target, uint32_t identity,
		    const struct pv_hand *hand, const struct pv_optics *optics,
		    float texel_mm, struct pv_tissue *tissue);
void pv_tissue_free(struct pv_tissue *tissue);

#endif /* PV_RENDER_TISSUE_H */
