// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The nuisances of one presentation, as a kiosk sees them between visits:
 * one definition for pv-render-set's data sets and the tests that reproduce
 * their frames.
 */
#include <string.h>

#include "render.h"
#include "rng.h"

/*
 * How far a hand held over the sensor drifts between two frames: about
 * 30 mm/s and 18 degrees/s at most, over the 16.7 ms of the default
 * 60 fps mode.
 */
#define DRIFT_MM 0.5f
#define DRIFT_DEG 0.3f
#define UNLIT_STREAM 0x756e6c6974ULL	/* "unlit" */

void pv_presentation_draw(uint64_t set_seed, uint32_t identity,
			  unsigned int pres, float nuisance,
			  struct pv_scene_desc *desc, struct pv_exposure *exp)
{
	float k = nuisance, gain_error, spread;
	struct pv_rng rng;

	pv_rng_init(&rng, pv_seed_for(set_seed ^ ((uint64_t)identity << 32),
				      pres + 1));
	memset(desc, 0, sizeof(*desc));
	desc->target = PV_TARGET_PALM;
	desc->identity = identity;
	desc->pose.x_mm = pv_rng_signed(&rng) * 25.0f * k;
	desc->pose.y_mm = pv_rng_signed(&rng) * 25.0f * k;
	desc->pose.rotation_deg = pv_rng_signed(&rng) * 30.0f * k;
	/* 50..75 mm is +-20 % of apparent scale around 60 mm */
	desc->pose.distance_mm = 60.0f + pv_rng_range(&rng, -10.0f, 15.0f) * k;
	spread = pv_rng_range(&rng, 0.15f, 1.0f);
	/* without nuisance each hand opens as it naturally does */
	desc->pose.finger_spread = k > 0 ? 1.0f - k * (1.0f - spread) : -1.0f;
	desc->pose.deform = pv_rng_unit(&rng) * k;
	desc->pose.seed = (uint32_t)pv_rng_next(&rng);
	desc->ambient = pv_rng_unit(&rng) < 0.5f ? 0 :
			pv_rng_range(&rng, 0, 0.15f) * k;
	desc->glare = pv_rng_unit(&rng) < 0.5f ? 0 : pv_rng_range(&rng, 0, 0.8f) * k;

	memset(exp, 0, sizeof(*exp));
	/* an auto-exposure that aims at mid-grey and misses by up to 35 % */
	gain_error = 1.0f + pv_rng_range(&rng, -0.35f, 0.35f) * k;
	exp->exposure_us = (uint32_t)(4000.0f * gain_error *
				      (desc->pose.distance_mm / 60.0f) *
				      (desc->pose.distance_mm / 60.0f));
	exp->gain_q4 = 16;
	exp->intensity[1] = 128;
	exp->max_intensity[0] = exp->max_intensity[1] = 255;
	exp->lit_mask = 1u << 1;
	exp->bits = 8;
	exp->noise_seed = pv_rng_next(&rng);
}

void pv_presentation_draw_unlit(uint64_t set_seed, uint32_t identity,
				unsigned int pres, float nuisance,
				struct pv_scene_desc *desc,
				struct pv_exposure *exp)
{
	struct pv_rng rng;

	pv_presentation_draw(set_seed, identity, pres, nuisance, desc, exp);
	/* a stream of its own, so the lit frame's draws stay as they were */
	pv_rng_init(&rng, pv_seed_for(set_seed ^ ((uint64_t)identity << 32) ^
				      UNLIT_STREAM, pres + 1));
	desc->pose.x_mm += pv_rng_signed(&rng) * DRIFT_MM;
	desc->pose.y_mm += pv_rng_signed(&rng) * DRIFT_MM;
	desc->pose.rotation_deg += pv_rng_signed(&rng) * DRIFT_DEG;
	desc->pose.distance_mm += pv_rng_signed(&rng) * DRIFT_MM;
	exp->lit_mask = 0;
	exp->noise_seed = pv_rng_next(&rng);
}
