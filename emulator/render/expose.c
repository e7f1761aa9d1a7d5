// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The image sensor: photo-electrons proportional to radiance x exposure,
 * a full well that clips, shot noise (Poisson, approximated as Gaussian with
 * sigma sqrt(N)), read noise, analog gain before the ADC, and 8 or 10 bit
 * output. Noise is drawn from the scene's Gaussian table with a fast PRNG so
 * the per-pixel pass stays a few multiplies.
 */
#include <errno.h>
#include <math.h>

#include "rng.h"
#include "scene.h"

#define ELECTRONS_PER_US	3.3f	/* at radiance 1 */
#define FULL_WELL_E		8000.0f
#define READ_NOISE_E		6.0f
#define EXPOSURE_MAX_US		10000000u
#define GAIN_MAX_Q4		4096u

static int exposure_valid(const struct pv_scene *sc, const struct pv_exposure *e)
{
	if ((e->bits != 8 && e->bits != 10) || e->exposure_us == 0 ||
	    e->exposure_us > EXPOSURE_MAX_US || e->gain_q4 == 0 ||
	    e->gain_q4 > GAIN_MAX_Q4 || (e->lit_mask >> sc->nbanks))
		return 0;
	for (unsigned int b = 0; b < sc->nbanks; b++)
		if ((e->lit_mask & (1u << b)) &&
		    (e->max_intensity[b] == 0 ||
		     e->intensity[b] > e->max_intensity[b]))
			return 0;
	return 1;
}

int pv_scene_expose(const struct pv_scene *scene, const struct pv_exposure *exp,
		    void *out, size_t out_size)
{
	size_t n, bytes;
	float drive[PV_RENDER_MAX_BANKS] = { 0 };
	float to_e, to_code, top;
	struct pv_rng rng;
	uint64_t bits = 0;

	if (!scene || !exp || !out || !exposure_valid(scene, exp))
		return -EINVAL;
	n = (size_t)scene->width * scene->height;
	bytes = exp->bits == 8 ? n : 2 * n;
	if (out_size < bytes)
		return -EINVAL;
	for (unsigned int b = 0; b < scene->nbanks; b++)
		if (exp->lit_mask & (1u << b))
			drive[b] = (float)exp->intensity[b] / exp->max_intensity[b];

	to_e = ELECTRONS_PER_US * exp->exposure_us;
	top = (float)((1u << exp->bits) - 1);
	to_code = exp->gain_q4 / 16.0f / FULL_WELL_E * top;
	pv_rng_init(&rng, exp->noise_seed);
	for (size_t i = 0; i < n; i++) {
		float rate = scene->ambient[i], e, code;
		unsigned int v;

		for (unsigned int b = 0; b < scene->nbanks; b++)
			rate += drive[b] * scene->bank[b][i];
		e = rate * to_e;
		if (!(i & 1))
			bits = pv_rng_next(&rng);
		else
			bits >>= 32;
		e += sqrtf(e) * scene->gauss[bits & (PV_GAUSS_TABLE - 1)] +
		     READ_NOISE_E *
			     scene->gauss[(bits >> 16) & (PV_GAUSS_TABLE - 1)];
		/* a full well holds no more, noise or not */
		if (e > FULL_WELL_E)
			e = FULL_WELL_E;
		code = e * to_code + 0.5f;
		v = code <= 0 ? 0 : (code >= top ? (unsigned int)top
						  : (unsigned int)code);
		if (exp->bits == 8) {
			((uint8_t *)out)[i] = (uint8_t)v;
		} else {
			((uint8_t *)out)[2 * i] = (uint8_t)(v & 0xff);
			((uint8_t *)out)[2 * i + 1] = (uint8_t)(v >> 8);
		}
	}
	return 0;
}
