/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What pv_scene_render() hands to pv_scene_expose(): per-pixel radiance for
 * each LED bank at full drive and for the ambient light, in photo-electrons
 * per microsecond at gain 1 divided by PV_SENSOR_ELECTRONS_PER_US.
 */
#ifndef PV_RENDER_SCENE_H
#define PV_RENDER_SCENE_H

#include "render.h"

#define PV_GAUSS_TABLE 4096	/* power of two */

struct pv_scene {
	unsigned int width, height, nbanks;
	int distance_mm;
	float *bank[PV_RENDER_MAX_BANKS];
	float *ambient;
	float gauss[PV_GAUSS_TABLE];	/* standard normal deviates */
};

#endif /* PV_RENDER_SCENE_H */
