/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renderer of synthetic NIR palm frames, used by the emulator firmware, the
 * tests and the benchmarks.
 *
 * Rendering is split in two so that firmware can stream at the mode's rate:
 *  - pv_scene_render() does the physics once per scene (hand geometry, vein
 *    tree, tissue optics, LED falloff): tens of milliseconds;
 *  - pv_scene_expose() turns that into one sensor frame for given exposure,
 *    gain and LED drive, with shot and read noise: a cheap per-pixel pass.
 * Both are deterministic: the same inputs give the same bytes.
 */
#ifndef PALMVEIN_RENDER_H
#define PALMVEIN_RENDER_H

#include <stddef.h>
#include <stdint.h>

#define PV_RENDER_MAX_BANKS 4

enum pv_target {
	PV_TARGET_NONE,		/* nothing in front of the sensor */
	PV_TARGET_PALM,		/* a live palm of an identity */
	PV_TARGET_PHOTO,	/* printed NIR photo: flat veins, no skin
				 * response to the lit/unlit change */
	PV_TARGET_FAKE,		/* palm-shaped object without veins */
};

/* Where and how the hand is presented. Zero is a centred, flat, open hand. */
struct pv_pose {
	float x_mm, y_mm;	/* offset of palm centre from optical axis */
	float rotation_deg;	/* in-plane rotation, + is counter-clockwise */
	float distance_mm;	/* palm to sensor; 0 means the nominal 60 mm */
	float finger_spread;	/* 0 closed .. 1 fully spread; <0: default */
	float deform;		/* 0..1 strength of non-rigid skin deformation */
	uint32_t seed;		/* presentation seed: small nuisances */
};

struct pv_scene_desc {
	enum pv_target target;
	uint32_t identity;	/* identity N: geometry is a function of N */
	struct pv_pose pose;
	float ambient;		/* ambient NIR, 0 dark .. 1 direct sunlight */
	float glare;		/* 0..1 specular glare from the housing */
};

/* The sensor and the illumination it has. */
struct pv_optics {
	unsigned int width, height;	/* frame size in pixels */
	unsigned int nbanks;
	uint16_t wavelength_nm[PV_RENDER_MAX_BANKS];
};

/* What the firmware sets for one frame. */
struct pv_exposure {
	uint32_t exposure_us;
	uint16_t gain_q4;		/* analog gain, 16 = 1.0x */
	uint16_t intensity[PV_RENDER_MAX_BANKS];	/* 0..max_intensity */
	uint16_t max_intensity[PV_RENDER_MAX_BANKS];
	uint8_t lit_mask;		/* banks lit during this exposure */
	unsigned int bits;		/* 8 or 10 */
	uint64_t noise_seed;		/* e.g. hash of scene seed and frame */
};

struct pv_scene;	/* rendered physics of one scene, opaque */

/* Renders the physics of @desc for @optics. Returns NULL on ENOMEM/EINVAL
 * and sets errno. */
struct pv_scene *pv_scene_render(const struct pv_scene_desc *desc,
				 const struct pv_optics *optics);
void pv_scene_free(struct pv_scene *scene);

/*
 * Writes one frame into @out: width * height bytes for 8 bits, or
 * width * height little-endian uint16 for 10 bits. Returns 0, or -EINVAL
 * when @out_size is too small or @exp is out of range.
 */
int pv_scene_expose(const struct pv_scene *scene, const struct pv_exposure *exp,
		    void *out, size_t out_size);

/* Palm distance the scene presents, in mm, or -1 when no target. */
int pv_scene_distance_mm(const struct pv_scene *scene);

/*
 * Presentation @pres of @identity in the data set of @set_seed, with every
 * nuisance (offset, rotation, distance, finger spread, deformation, glare,
 * room light, auto-exposure error) scaled by @nuisance: 0 holds each hand
 * steady at its own finger spread, 1 is the full range a kiosk sees.
 */
void pv_presentation_draw(uint64_t set_seed, uint32_t identity,
			  unsigned int pres, float nuisance,
			  struct pv_scene_desc *desc, struct pv_exposure *exp);

/*
 * The unlit frame that follows presentation @pres's lit one when the LEDs
 * alternate (PALMVEIN_LED_ALTERNATE): the same exposure with every bank
 * dark, one frame interval later, so the hand has drifted by up to 0.5 mm
 * and 0.3 degrees and the noise is new. Lit minus unlit cancels room light.
 */
void pv_presentation_draw_unlit(uint64_t set_seed, uint32_t identity,
				unsigned int pres, float nuisance,
				struct pv_scene_desc *desc,
				struct pv_exposure *exp);

#endif /* PALMVEIN_RENDER_H */
