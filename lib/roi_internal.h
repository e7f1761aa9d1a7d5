/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private interfaces between the ROI stages: segmentation (segment.c),
 * ROI geometry and sampling (roi.c), enhancement (enhance.c) and capture
 * quality (quality.c). Not installed.
 */
#ifndef PALMVEIN_ROI_INTERNAL_H
#define PALMVEIN_ROI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <palmvein/image.h>
#include <palmvein/roi.h>

/* Segmentation works on a downsampled copy about this many pixels wide. */
#define PV_WORK_TARGET_DIM 200

/* Samples at or above this fraction of maxval are clipped glare. */
#define PV_GLARE_LEVEL 0.98f

/* The source sample value at which glare begins, for @maxval. */
static inline uint32_t pv_glare_sample(uint32_t maxval)
{
	return (uint32_t)(PV_GLARE_LEVEL * (float)maxval);
}

/* The hand as seen at working resolution. Coordinates are working pixels. */
struct pv_hand {
	uint32_t w, h;
	uint32_t factor;	/* source pixels per working pixel, per axis */
	uint8_t *grey;		/* blurred working image, 0..255 of maxval */
	uint8_t *glare;		/* 1 = mostly saturated source block */
	uint8_t *mask;		/* 1 = hand (largest component, holes filled) */
	uint8_t *rim;		/* 1 = dim edge next to a two-sided mask: hand
				 * for the distance only, too weak to steer */
	float *dist;		/* Euclidean distance to the nearest background */
	float *bg;		/* background model, 0..255 of maxval */
	uint32_t *stack;	/* scratch for flood fills, w * h entries */
	float bg_coef[10];	/* the model: a cubic in x, y scaled to -1..1 */
	float bg_noise;		/* deviation of the background around it */
	uint32_t area;		/* mask pixels */
	float palm_x, palm_y;	/* inscribed-circle centre (distance maximum) */
	float palm_radius;	/* inscribed-circle radius */
	uint8_t threshold;	/* Otsu level: hand is brighter than this */
	float separability;	/* Otsu between-class / total variance, 0..1 */
	float fg_mean, bg_mean;	/* class means of the working image, 0..255 */
	float glare_fraction;	/* glare blocks / hand area */
	float glare_in_frame;	/* glare blocks / frame area */
	bool crop;		/* frame is already a palm-centre crop */
	bool bg_lit;		/* background lit by room light: the mask in
				 * place is PV_SEG_TWO_SIDED, not Otsu's */
};

/* Ways of telling hand from background, tried in this order. */
enum pv_seg_mode {
	PV_SEG_OTSU,		/* brighter than the Otsu level */
	PV_SEG_DIM_FINGERS,	/* clearly brighter than the background */
	PV_SEG_TWO_SIDED,	/* clearly brighter or darker than it */
	PV_SEG_MODES,
};

/*
 * Segments the hand of @img with PV_SEG_OTSU, or PV_SEG_TWO_SIDED when the
 * background is lit (Otsu would split the room light, not the hand). Returns 0 with @hand filled
 * (release it with pv_hand_release()), -ENOENT when nothing separates from
 * the background, -ENOMEM. @clipped: NULL, or for a lit/unlit pair one
 * byte per pixel of @img, 1 where the LEDs clipped: glare that the
 * subtraction took below the glare level.
 */
int pv_hand_segment(const struct pv_image *img, const uint8_t *clipped,
		    struct pv_hand *hand);

/*
 * Redoes the mask and what derives from it with @mode: 0, -ENOMEM, or
 * -ENOENT when @mode finds no hand (the mask may then be empty) or cannot
 * differ from the modes before it.
 */
int pv_hand_mask(struct pv_hand *hand, enum pv_seg_mode mode);

/*
 * Moves the background model of a lit background towards the room light
 * around each pixel, where the cubic falls short of a window's glow; the
 * mask is left to redo with pv_hand_mask(). @cubic: a copy of the model
 * on entry, which the refinement starts from every round. Returns 0 or
 * -ENOMEM.
 */
int pv_hand_refine_background(struct pv_hand *hand, const float *cubic);

void pv_hand_release(struct pv_hand *hand);

/*
 * Raw ROI: samples of the source normalised to 0..1 of maxval, before
 * enhancement, with their validity.
 */
struct pv_roi_raw {
	float px[PV_ROI_SIZE * PV_ROI_SIZE];
	uint8_t valid[PV_ROI_SIZE * PV_ROI_SIZE];
	float valid_fraction;
	float saturated_fraction;	/* of all samples, in the frame and clipped */
};

/*
 * pv_image_cancel_ambient() that also returns, in *@clipped (malloc'd,
 * width x height bytes; free it), the pixels the LEDs drove into clipping:
 * at PV_GLARE_LEVEL in @lit and below it in @unlit. @clipped may be NULL.
 */
int pv_cancel_ambient_clipped(const struct pv_image *lit,
			      const struct pv_image *unlit, struct pv_image *out,
			      uint8_t **clipped);

/* Background normalisation + CLAHE of @raw into 8-bit @out: 0 or -ENOMEM. */
int pv_enhance_roi(const struct pv_roi_raw *raw, uint8_t *out);

/* Fills every component of @q and its score. */
void pv_quality_assess(const struct pv_image *img, const struct pv_hand *hand,
		       const struct pv_roi_geometry *geom,
		       const struct pv_roi_raw *raw, struct pv_quality *q);

#endif /* PALMVEIN_ROI_INTERNAL_H */
