/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vein features: a 6-orientation Gabor competitive code on the template's
 * PV_GRID x PV_GRID cells. Private to libpalmvein; the public face is
 * pv_extract() in palmvein.h.
 */
#ifndef PALMVEIN_FEATURES_INTERNAL_H
#define PALMVEIN_FEATURES_INTERNAL_H

#include <palmvein/roi.h>
#include <palmvein/template.h>

#define PV_ORIENTATIONS 6

/* The filter bank; pv_features_default_params() is what templates use. */
struct pv_feature_params {
	float sigma;		/* Gaussian envelope, ROI pixels */
	float wavelength;	/* cosine period across the vein, ROI pixels */
	float aspect;		/* envelope along the vein relative to across */
	int radius;		/* kernel half-size, ROI pixels */
	float min_valid;	/* share of valid pixels a cell's core needs */
	int support;		/* half-size of the window around a cell that
				 * must hold no invalid ROI pixel */
	float min_contrast;	/* grey levels between best and worst filter */
};

void pv_features_default_params(struct pv_feature_params *p);

/*
 * Fills t->code and t->mask from an enhanced ROI. Returns 0, -EINVAL for a
 * bad parameter set, or -ENODATA when no cell is usable.
 */
int pv_features_compute(const struct pv_roi *roi,
			const struct pv_feature_params *p,
			struct pv_template *t);

/*
 * The 3-bit code of orientation @o (0..5): a circular thermometer code, so
 * the Hamming distance of two codes is the circular distance of their
 * orientations (0..3).
 */
static inline unsigned int pv_orientation_code(unsigned int o)
{
	static const unsigned char code[PV_ORIENTATIONS] = {
		0x0, 0x1, 0x3, 0x7, 0x6, 0x4,
	};

	return code[o];
}

#endif /* PALMVEIN_FEATURES_INTERNAL_H */
