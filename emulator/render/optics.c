// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Each LED has a broad, diffused beam (about isotropic over the field). On a
 * plane facing the sensor at height z, a LED at distance r gives
 *   E = cos(incidence) / r^2 = z / r^3,
 * and the wide-angle lens darkens off-axis points by cos of the view angle.
 * Both need only square roots: no transcendental call per pixel. The ring of
 * LEDs is wide, as on real sensors, which flattens the centre of the field;
 * the edges still fall to a fifth and the corners to almost nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "optics.h"
#include "rng.h"

#define RING_MM		48.0f	/* LED ring radius around the lens */
#define NOMINAL_MM	60.0f

void pv_led_layout_init(unsigned int nbanks, struct pv_led_layout *leds)
{
	unsigned int total = nbanks * PV_LEDS_PER_BANK;

	leds->nbanks = nbanks;
	/* banks interleave around one ring so each lights the field evenly */
	for (unsigned int b = 0; b < nbanks; b++) {
		for (int k = 0; k < PV_LEDS_PER_BANK; k++) {
			float a = 2.0f * 3.14159265f * (b + k * nbanks) / total +
				  0.4f;

			leds->x[b][k] = RING_MM * cosf(a);
			leds->y[b][k] = RING_MM * sinf(a);
		}
		leds->norm[b] = 1.0f;
		leds->norm[b] = 1.0f / pv_led_irradiance(leds, b, 0, 0,
							 NOMINAL_MM);
	}
}

float pv_led_irradiance(const struct pv_led_layout *leds, unsigned int bank,
			float x, float y, float z)
{
	float z2 = z * z, sum = 0;

	for (int k = 0; k < PV_LEDS_PER_BANK; k++) {
		float dx = x - leds->x[bank][k], dy = y - leds->y[bank][k];
		float r2 = dx * dx + dy * dy + z2;

		sum += z / (r2 * sqrtf(r2));
	}
	return sum * z / sqrtf(x * x + y * y + z2) * leds->norm[bank];
}

int pv_irradiance_grid_init(struct pv_irradiance_grid *grid,
			    const struct pv_led_layout *leds, unsigned int width,
			    unsigned int height, pv_pixel_to_world *where,
			    const void *ctx)
{
	grid->gw = width / PV_IRRADIANCE_STEP + 2;
	grid->gh = height / PV_IRRADIANCE_STEP + 2;
	grid->nbanks = leds->nbanks;
	for (unsigned int b = 0; b < PV_RENDER_MAX_BANKS; b++)
		grid->bank[b] = NULL;
	for (unsigned int b = 0; b < leds->nbanks; b++) {
		grid->bank[b] = malloc((size_t)grid->gw * grid->gh * sizeof(float));
		if (!grid->bank[b]) {
			pv_irradiance_grid_free(grid);
			return -ENOMEM;
		}
		for (unsigned int gy = 0; gy < grid->gh; gy++) {
			for (unsigned int gx = 0; gx < grid->gw; gx++) {
				float p[3];

				where(ctx, gx * (float)PV_IRRADIANCE_STEP + 0.5f,
				      gy * (float)PV_IRRADIANCE_STEP + 0.5f, p);
				grid->bank[b][(size_t)gy * grid->gw + gx] =
					pv_led_irradiance(leds, b, p[0], p[1],
							  p[2]);
			}
		}
	}
	return 0;
}

void pv_irradiance_grid_free(struct pv_irradiance_grid *grid)
{
	for (unsigned int b = 0; b < PV_RENDER_MAX_BANKS; b++) {
		free(grid->bank[b]);
		grid->bank[b] = NULL;
	}
}

float pv_ambient_background(float fx, float fy)
{
	/* a ceiling with a window on one side: a broad, uneven glow */
	float dx = fx - 0.8f, dy = fy - 0.1f;

	return 0.55f + 0.25f * fx + 0.6f / (1.0f + 6.0f * (dx * dx + dy * dy));
}

void pv_glare_add(const struct pv_led_layout *leds, float glare, uint64_t seed,
		  unsigned int w, unsigned int h, float *const *radiance)
{
	float size = (float)(w < h ? w : h);
	struct pv_rng rng;

	if (glare <= 0)
		return;
	pv_rng_init(&rng, pv_seed_for(seed, 0x676c617265 /* "glare" */));
	for (unsigned int b = 0; b < leds->nbanks; b++) {
		for (int k = 0; k < PV_LEDS_PER_BANK; k++) {
			/* the window mirrors each LED to a spot beside it */
			float cx = w * 0.5f + leds->x[b][k] / RING_MM * 0.30f * size +
				   pv_rng_signed(&rng) * 0.06f * size;
			float cy = h * 0.5f + leds->y[b][k] / RING_MM * 0.30f * size +
				   pv_rng_signed(&rng) * 0.06f * size;
			float r0 = size * (0.006f + 0.02f * glare) *
				   pv_rng_range(&rng, 0.6f, 1.4f);
			float peak = 5.0f * glare * pv_rng_range(&rng, 0.5f, 1.0f);
			int reach = (int)(r0 * 8.0f) + 1;
			int x0 = (int)cx - reach, x1 = (int)cx + reach;
			int y0 = (int)cy - reach, y1 = (int)cy + reach;

			if (pv_rng_unit(&rng) > 0.35f + 0.6f * glare)
				continue;	/* not every LED catches the eye */
			for (int y = y0 < 0 ? 0 : y0; y <= y1 && y < (int)h; y++) {
				for (int x = x0 < 0 ? 0 : x0;
				     x <= x1 && x < (int)w; x++) {
					float dx = (x - cx) / r0, dy = (y - cy) / r0;
					float q = 1.0f + dx * dx + dy * dy;

					radiance[b][(size_t)y * w + x] +=
						peak / (q * q);
				}
			}
		}
	}
}
