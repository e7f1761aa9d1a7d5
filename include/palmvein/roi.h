/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Palm region of interest: hand segmentation, capture quality, and a
 * PV_ROI_SIZE square of the palm centre, normalised for rotation and scale,
 * anchored on the finger valleys and vein-enhanced. See docs/roi.md.
 */
#ifndef PALMVEIN_ROI_H
#define PALMVEIN_ROI_H

#include <stdint.h>

#include <palmvein/image.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PV_ROI_SIZE 128

/* Each component is 0..1 where 1 is best; score combines them, 0..100. */
struct pv_quality {
	float presence;		/* a hand-shaped bright object is there */
	float palm_size;	/* apparent palm size: stands for distance */
	float centring;		/* palm centre near the frame centre */
	float exposure;		/* neither clipped nor starved */
	float sharpness;	/* focus: fine-detail energy on the palm */
	float motion;		/* 1 = no directional (motion) blur */
	uint8_t score;
};

/* Where the ROI lies in the source image. */
struct pv_roi_geometry {
	float cx, cy;		/* ROI centre, image pixels */
	float angle_deg;	/* rotation of the ROI's x axis, counter-clockwise */
	float side_px;		/* ROI side, image pixels */
};

enum pv_roi_status {
	PV_ROI_OK = 0,
	PV_ROI_NO_HAND,		/* nothing hand-like in the frame */
	PV_ROI_TOO_SMALL,	/* hand too far away */
	PV_ROI_TOO_DARK,	/* under-exposed */
	PV_ROI_TOO_BRIGHT,	/* over-exposed / saturated */
	PV_ROI_NO_VALLEYS,	/* hand found but its pose could not be fixed */
	PV_ROI_CUT_OFF,		/* palm centre not inside the frame */
	PV_ROI_BLURRED,		/* too blurred to carry veins */
};

/* A short sentence for @s, e.g. for palmctl's exit-2 message. */
const char *pv_roi_status_str(enum pv_roi_status s);

struct pv_roi {
	uint8_t pixels[PV_ROI_SIZE * PV_ROI_SIZE];	/* enhanced, row-major */
	uint8_t valid[PV_ROI_SIZE * PV_ROI_SIZE];	/* 1 = usable (inside hand, not glare) */
	struct pv_roi_geometry geom;
	struct pv_quality quality;
	/* 1: no finger valleys fixed position and angle (a palm-centre crop,
	 * or closed fingers and the hand's axis); see PV_TEMPLATE_UNANCHORED */
	uint8_t unanchored;
};

/*
 * Finds the palm in @img (8- or 16-bit) and fills @roi. Handles full-hand
 * frames and frames that are already palm-centre crops.
 * Returns 0 with *status = PV_ROI_OK; -EAGAIN with *status saying why when
 * there is no usable palm (roi->quality is still filled in); -EINVAL on bad
 * arguments; -ENOMEM. @status may be NULL.
 */
int pv_roi_extract(const struct pv_image *img, struct pv_roi *roi,
		   enum pv_roi_status *status);

/*
 * The same for a lit/unlit pair (the sensor's ALTERNATE LED mode): the ROI
 * of @lit minus @unlit (pv_image_cancel_ambient()), where the pixels the
 * LEDs drove into clipping still count as glare, as they would in @lit
 * alone; the subtraction would take them below the glare level. Returns as
 * pv_roi_extract(), and -EINVAL for frames that do not pair.
 */
int pv_roi_extract_pair(const struct pv_image *lit, const struct pv_image *unlit,
			struct pv_roi *roi, enum pv_roi_status *status);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_ROI_H */
