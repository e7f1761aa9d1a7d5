// SPDX-License-Identifier: LGPL-2.1-or-later
/* Features: the competitive code follows the orientation of dark lines. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>
#include "check_run.h"

/* Dark parallel lines at @deg (direction of the lines, image axes). */
static void draw_lines(struct pv_roi *roi, double deg, double period)
{
	double th = deg * M_PI / 180.0;

	for (int y = 0; y < PV_ROI_SIZE; y++)
		for (int x = 0; x < PV_ROI_SIZE; x++) {
			/* Distance across the lines. */
			double across = -(x - 64.0) * sin(th) + (y - 64.0) * cos(th);
			double v = 128 + 60 * cos(2 * M_PI * across / period);

			roi->pixels[y * PV_ROI_SIZE + x] = (uint8_t)lrint(v);
		}
	memset(roi->valid, 1, sizeof(roi->valid));
}

/* Most common code among the central cells. */
static unsigned int central_code(const struct pv_template *t)
{
	unsigned int count[8] = { 0 }, best = 0;

	for (int y = 8; y < 24; y++)
		for (int x = 8; x < 24; x++) {
			unsigned int c = 0;

			for (int p = 0; p < PV_CODE_PLANES; p++)
				c |= ((t->code[p][y] >> x) & 1u) << p;
			count[c]++;
		}
	for (unsigned int c = 1; c < 8; c++)
		if (count[c] > count[best])
			best = c;
	/* Of 256 (cells on the bright ridges between lines vote less clearly). */
	ck_assert_uint_ge(count[best], 128);
	return best;
}

static int orientation_of(unsigned int code)
{
	static const unsigned char codes[6] = { 0x0, 0x1, 0x3, 0x7, 0x6, 0x4 };

	for (int o = 0; o < 6; o++)
		if (codes[o] == code)
			return o;
	return -1;
}

START_TEST(code_follows_line_orientation)
{
	struct pv_roi *roi = calloc(1, sizeof(*roi));
	struct pv_template t;
	int first = -1, step = 0;

	for (int k = 0; k < 6; k++) {
		draw_lines(roi, 30.0 * k, 20);
		ck_assert_int_eq(pv_template_from_roi(roi, &t), 0);
		/* All but the outer ring, whose filters reach off the ROI. */
		ck_assert_uint_ge(pv_template_valid_cells(&t),
				  (PV_GRID - 2) * (PV_GRID - 2) - 10);

		int o = orientation_of(central_code(&t));

		ck_assert_int_ge(o, 0);
		if (k == 0) {
			first = o;
			continue;
		}
		/* Each 30 degrees moves the code one orientation, same way round. */
		int d = ((o - first - k * (step ? step : 1)) % 6 + 6) % 6;

		if (k == 1 && d) {
			step = -1;
			d = ((o - first + k) % 6 + 6) % 6;
		}
		ck_assert_int_eq(d, 0);
	}
	free(roi);
}
END_TEST

START_TEST(invalid_and_flat_regions_are_masked)
{
	struct pv_roi *roi = calloc(1, sizeof(*roi));
	struct pv_template t;

	draw_lines(roi, 45, 20);
	/* Left half outside the hand. */
	for (int y = 0; y < PV_ROI_SIZE; y++)
		memset(&roi->valid[y * PV_ROI_SIZE], 0, PV_ROI_SIZE / 2);
	ck_assert_int_eq(pv_template_from_roi(roi, &t), 0);
	for (int y = 0; y < PV_GRID; y++)
		ck_assert_uint_eq(t.mask[y] & 0xffff, 0);
	/*
	 * A filter reaching over the hand's outline codes the outline: cells
	 * whose support (5 half-ROI pixels round their centre) holds an
	 * invalid pixel are masked, 16 and 17 here; 18 on are usable.
	 */
	for (int y = 1; y < PV_GRID - 1; y++) {
		ck_assert_uint_eq(t.mask[y] & 0x30000u, 0);
		ck_assert_uint_eq(t.mask[y] & 0x3ffc0000u, 0x3ffc0000u);
	}
	/* A blank (or saturated) palm carries nothing to match. */
	memset(roi->pixels, 255, sizeof(roi->pixels));
	memset(roi->valid, 1, sizeof(roi->valid));
	ck_assert_int_eq(pv_template_from_roi(roi, &t), -ENODATA);
	memset(roi->valid, 0, sizeof(roi->valid));
	draw_lines(roi, 45, 20);
	memset(roi->valid, 0, sizeof(roi->valid));
	ck_assert_int_eq(pv_template_from_roi(roi, &t), -ENODATA);
	ck_assert_int_eq(pv_template_from_roi(NULL, &t), -EINVAL);
	free(roi);
}
END_TEST

/* The ROI's geometry and quality travel in the template. */
START_TEST(header_filled)
{
	struct pv_roi *roi = calloc(1, sizeof(*roi));
	struct pv_template t;

	draw_lines(roi, 10, 16);
	roi->geom.cx = 321;
	roi->geom.side_px = 222;
	roi->quality.score = 88;
	ck_assert_int_eq(pv_template_from_roi(roi, &t), 0);
	ck_assert_int_eq(t.version_major, PV_TEMPLATE_VERSION_MAJOR);
	ck_assert_int_eq(t.algorithm, PV_ALG_COMPCODE6_32);
	ck_assert_int_eq(t.flags, 0);
	ck_assert_float_eq(t.geom.cx, 321);
	ck_assert_float_eq(t.geom.side_px, 222);
	ck_assert_int_eq(t.quality.score, 88);
	free(roi);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("features");

	tcase_add_test(tc, code_follows_line_orientation);
	tcase_add_test(tc, invalid_and_flat_regions_are_masked);
	tcase_add_test(tc, header_filled);
	suite_add_tcase(s, tc);
	return check_run(s);
}
