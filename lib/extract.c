// SPDX-License-Identifier: LGPL-2.1-or-later
/* The one-call pipeline: image -> ROI -> competitive code -> template. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>

#include "features_internal.h"

/* Fewer usable cells than this cannot be matched (see match.c). */
#define MIN_TEMPLATE_CELLS 256

int pv_template_from_roi(const struct pv_roi *roi, struct pv_template *out)
{
	struct pv_feature_params params;
	int ret;

	if (!roi || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->version_major = PV_TEMPLATE_VERSION_MAJOR;
	out->version_minor = PV_TEMPLATE_VERSION_MINOR;
	out->algorithm = PV_ALG_COMPCODE6_32;
	out->geom = roi->geom;
	out->quality = roi->quality;
	if (roi->unanchored)
		out->flags |= PV_TEMPLATE_UNANCHORED;
	pv_features_default_params(&params);
	ret = pv_features_compute(roi, &params, out);
	if (!ret && pv_template_valid_cells(out) < MIN_TEMPLATE_CELLS)
		ret = -ENODATA;
	if (ret)
		pv_template_wipe(out);
	return ret;
}

/* The ROI of @img, or of the pair @img (lit) and @unlit, then its template. */
static int extract(const struct pv_image *img, const struct pv_image *unlit,
		   struct pv_template *out, struct pv_roi *roi,
		   enum pv_roi_status *status)
{
	struct pv_roi *r = roi;
	int ret;

	if (!img || !out)
		return -EINVAL;
	if (!r) {
		r = malloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
	}
	ret = unlit ? pv_roi_extract_pair(img, unlit, r, status) :
		      pv_roi_extract(img, r, status);
	if (!ret)
		ret = pv_template_from_roi(r, out);
	if (!roi) {
		explicit_bzero(r, sizeof(*r));
		free(r);
	}
	return ret;
}

int pv_extract(const struct pv_image *img, struct pv_template *out,
	       struct pv_roi *roi, enum pv_roi_status *status)
{
	return extract(img, NULL, out, roi, status);
}

int pv_extract_pair(const struct pv_image *lit, const struct pv_image *unlit,
		    struct pv_template *out, struct pv_roi *roi,
		    enum pv_roi_status *status)
{
	if (!unlit)
		return -EINVAL;
	return extract(lit, unlit, out, roi, status);
}
