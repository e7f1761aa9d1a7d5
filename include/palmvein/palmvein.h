/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpalmvein: from a near-infrared palm image to a ready-to-match
 * template, and the matcher. This umbrella header pulls in the whole
 * public API and adds the one-call extraction.
 *
 *   pv_image_decode() -> pv_extract[_pair]() -> pv_template_serialize()
 *   pv_template_parse() -> pv_probe_new() / pv_gallery_*() -> score
 */
#ifndef PALMVEIN_PALMVEIN_H
#define PALMVEIN_PALMVEIN_H

#include <palmvein/image.h>
#include <palmvein/roi.h>
#include <palmvein/template.h>
#include <palmvein/match.h>
#include <palmvein/gallery.h>
#include <palmvein/renew.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Finds the palm in @img and computes its template into @out. @roi (may be
 * NULL) receives the enhanced ROI, e.g. for an audit export.
 * Returns 0; -EAGAIN when there is no usable palm, with *status saying why
 * (@status may be NULL); -ENODATA when the ROI has too few usable cells;
 * -EINVAL; -ENOMEM.
 */
int pv_extract(const struct pv_image *img, struct pv_template *out,
	       struct pv_roi *roi, enum pv_roi_status *status);

/*
 * The same for a lit/unlit pair (the sensor's ALTERNATE LED mode): see
 * pv_roi_extract_pair(). Also -EINVAL for frames that do not pair.
 */
int pv_extract_pair(const struct pv_image *lit, const struct pv_image *unlit,
		    struct pv_template *out, struct pv_roi *roi,
		    enum pv_roi_status *status);

/* The feature half of pv_extract(), for an ROI found by other means. */
int pv_template_from_roi(const struct pv_roi *roi, struct pv_template *out);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_PALMVEIN_H */
