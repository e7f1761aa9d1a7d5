/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The light a sensor works with: its LED banks around the lens (irradiance
 * with beam and incidence falloff, inverse square, lens vignetting), the
 * ambient room light, and the glare the banks leave on the housing window.
 * Lengths in mm, with the lens at the origin looking along +z.
 */
#ifndef PV_RENDER_OPTICS_H
#define PV_RENDER_OPTICS_H

#include <stdint.h>

#include "render.h"

#define PV_LEDS_PER_BANK 4

struct pv_led_layout {
	unsigned int nbanks;
	float x[PV_RENDER_MAX_BANKS][PV_LEDS_PER_BANK];
	float y[PV_RENDER_MAX_BANKS][PV_LEDS_PER_BANK];
	float norm[PV_RENDER_MAX_BANKS];	/* 1 at the axis at 60 mm */
};

void pv_led_layout_init(unsigned int nbanks, struct pv_led_layout *leds);

/* Irradiance from @bank at full drive on a plane facing the sensor at
 * (@x, @y, @z), times the lens vignetting of that point. */
float pv_led_irradiance(const struct pv_led_layout *leds, unsigned int bank,
			float x, float y, float z);

/*
 * Irradiance of every bank over a whole frame, on the surface that
 * @where(@ctx, px, py, world) says each pixel (px, py) sees. It varies
 * slowly, so it is computed every PV_IRRADIANCE_STEP pixels and interpolated.
 */
#define PV_IRRADIANCE_STEP 8

struct pv_irradiance_grid {
	unsigned int gw, gh, nbanks;
	float *bank[PV_RENDER_MAX_BANKS];
};

typedef void pv_pixel_to_world(const void *ctx, float px, float py,
			       float world[3]);

/* Returns 0 or -ENOMEM. */
int pv_irradiance_grid_init(struct pv_irradiance_grid *grid,
			    const struct pv_led_layout *leds, unsigned int width,
			    unsigned int height, pv_pixel_to_world *where,
			    const void *ctx);
void pv_irradiance_grid_free(struct pv_irradiance_grid *grid);

static inline float pv_irradiance_at(const struct pv_irradiance_grid *grid,
				     unsigned int bank, unsigned int px,
				     unsigned int py)
{
	unsigned int gx = px / PV_IRRADIANCE_STEP, gy = py / PV_IRRADIANCE_STEP;
	float tx = (px % PV_IRRADIANCE_STEP) * (1.0f / PV_IRRADIANCE_STEP);
	float ty = (py % PV_IRRADIANCE_STEP) * (1.0f / PV_IRRADIANCE_STEP);
	const float *g = grid->bank[bank] + (size_t)gy * grid->gw + gx;

	return (g[0] + tx * (g[1] - g[0])) * (1.0f - ty) +
	       (g[grid->gw] + tx * (g[grid->gw + 1] - g[grid->gw])) * ty;
}

/* Room light seen directly in the background at pixel (fx, fy) in 0..1. */
float pv_ambient_background(float fx, float fy);

/* Adds the housing glare of each bank to its radiance map (w x h). */
void pv_glare_add(const struct pv_led_layout *leds, float glare, uint64_t seed,
		  unsigned int w, unsigned int h, float *const *radiance);

#endif /* PV_RENDER_OPTICS_H */
