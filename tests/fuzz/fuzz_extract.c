// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the vein pipeline on hostile images, decode -> segment ->
 * ROI -> enhance -> template (pv_extract in lib/extract.c), as palmctl and
 * the daemon run it on every image they are given. Promises checked besides
 * memory safety:
 *  - a decodable image gets a template, -EAGAIN with a status saying why,
 *    or -ENODATA; never -EINVAL or another code;
 *  - quality scores stay in 0..1 and 0..100, and an extracted template
 *    serialises and parses back.
 * Images above MAX_PIXELS are only decoded: the pipeline's cost grows with
 * the area and a fuzzer needs many executions per second.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PIXELS (256u * 256u)

static bool unit_range(float q)
{
	return q >= 0.0f && q <= 1.0f;
}

static void check_quality(const struct pv_quality *q)
{
	if (!unit_range(q->presence) || !unit_range(q->palm_size) ||
	    !unit_range(q->centring) || !unit_range(q->exposure) ||
	    !unit_range(q->sharpness) || !unit_range(q->motion) ||
	    q->score > 100)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t bytes[PV_TEMPLATE_SIZE];
	enum pv_roi_status status = PV_ROI_OK;
	struct pv_template t, back;
	struct pv_image img;
	struct pv_roi *roi;
	int ret;

	if (pv_image_decode(data, size, &img))
		return 0;
	if ((uint64_t)img.width * img.height > MAX_PIXELS) {
		pv_image_free(&img);
		return 0;
	}
	roi = malloc(sizeof(*roi));
	if (!roi) {
		pv_image_free(&img);
		return 0;
	}
	ret = pv_extract(&img, &t, roi, &status);
	if (ret == -EAGAIN) {
		if (status == PV_ROI_OK)
			__builtin_trap();
		check_quality(&roi->quality);
	} else if (ret == 0) {
		if (status != PV_ROI_OK)
			__builtin_trap();
		check_quality(&t.quality);
		if (!isfinite(t.geom.cx) || !isfinite(t.geom.cy) ||
		    !isfinite(t.geom.angle_deg) || !isfinite(t.geom.side_px))
			__builtin_trap();
		if (pv_template_serialize(&t, bytes) ||
		    pv_template_parse(bytes, sizeof(bytes), &back, NULL))
			__builtin_trap();
		pv_template_wipe(&back);
	} else if (ret != -ENODATA && ret != -ENOMEM) {
		__builtin_trap();
	}
	pv_template_wipe(&t);
	free(roi);
	pv_image_free(&img);
	return 0;
}
