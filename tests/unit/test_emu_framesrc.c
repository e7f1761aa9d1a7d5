// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The frame source is deterministic and its cache is transparent: a payload
 * served from cache equals a fresh render of the same request, variants
 * differ only by noise, and the cached CRC is the payload's CRC.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "../../emulator/frame.h"
#include "../../emulator/framesrc.h"

static struct framesrc_request request(unsigned int variant)
{
	struct framesrc_request req;

	memset(&req, 0, sizeof(req));
	req.scene.target = PV_TARGET_PALM;
	req.scene.identity = 4;
	req.scene.pose.distance_mm = 60.0f;
	req.scene.pose.finger_spread = -1.0f;
	req.scene.pose.seed = 9;
	req.width = 160;
	req.height = 100;
	req.bits = 8;
	req.exposure_us = 4000;
	req.gain_q4 = 16;
	req.lit_mask = 2;
	req.intensity[1] = 128;
	req.variant = variant;
	return req;
}

START_TEST(test_cache_equals_fresh_render)
{
	struct framesrc *a = framesrc_new(4), *b = framesrc_new(4);
	struct framesrc_request req = request(2);
	struct framesrc_payload pa, pb;
	uint8_t *first;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(framesrc_get(a, &req, &pa), 0);
	ck_assert_uint_eq(pa.size, 160 * 100);
	ck_assert_uint_eq(pa.crc32, frame_crc32(pa.data, pa.size));
	first = malloc(pa.size);
	memcpy(first, pa.data, pa.size);
	/* other variants in between must not disturb slot 2 */
	req.variant = 0;
	ck_assert_int_eq(framesrc_get(a, &req, &pa), 0);
	req.variant = 2;
	ck_assert_int_eq(framesrc_get(a, &req, &pa), 0);
	ck_assert_mem_eq(pa.data, first, pa.size);
	/* an independent source renders the same bytes */
	ck_assert_int_eq(framesrc_get(b, &req, &pb), 0);
	ck_assert_mem_eq(pb.data, first, pb.size);
	ck_assert_uint_eq(pb.crc32, pa.crc32);
	free(first);
	framesrc_free(a);
	framesrc_free(b);
}
END_TEST

START_TEST(test_settings_change_payload)
{
	struct framesrc *src = framesrc_new(2);
	struct framesrc_request req = request(0);
	struct framesrc_payload p;
	uint32_t crc_v0, crc_v1, crc_gain;

	ck_assert_int_eq(framesrc_get(src, &req, &p), 0);
	crc_v0 = p.crc32;
	req.variant = 1;
	ck_assert_int_eq(framesrc_get(src, &req, &p), 0);
	crc_v1 = p.crc32;
	ck_assert_uint_ne(crc_v0, crc_v1);	/* different noise */
	req.gain_q4 = 64;
	ck_assert_int_eq(framesrc_get(src, &req, &p), 0);
	crc_gain = p.crc32;
	ck_assert_uint_ne(crc_gain, crc_v1);	/* stale slot not reused */
	req.gain_q4 = 16;
	req.bits = 10;
	ck_assert_int_eq(framesrc_get(src, &req, &p), 0);
	ck_assert_uint_eq(p.size, 160 * 100 * 2);
	ck_assert_uint_eq(p.crc32, frame_crc32(p.data, p.size));
	req.variant = 2;
	ck_assert_int_eq(framesrc_get(src, &req, &p), -EINVAL);
	framesrc_free(src);
}
END_TEST

START_TEST(test_noise_seed)
{
	ck_assert_uint_eq(framesrc_noise_seed(1, 3), framesrc_noise_seed(1, 3));
	ck_assert_uint_ne(framesrc_noise_seed(1, 3), framesrc_noise_seed(1, 4));
	ck_assert_uint_ne(framesrc_noise_seed(1, 3), framesrc_noise_seed(2, 3));
	ck_assert_ptr_null(framesrc_new(0));
	ck_assert_ptr_null(framesrc_new(FRAMESRC_MAX_VARIANTS + 1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_framesrc");
	TCase *tc = tcase_create("framesrc");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cache_equals_fresh_render);
	tcase_add_test(tc, test_settings_change_payload);
	tcase_add_test(tc, test_noise_seed);
	suite_add_tcase(s, tc);
	return check_run(s);
}
