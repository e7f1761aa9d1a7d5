// SPDX-License-Identifier: LGPL-2.1-or-later
/* Decoding of good and hostile PGM/JPEG buffers, wrap, free and PGM export. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include <palmvein/image.h>
#include "check_run.h"

static size_t make_pgm8(uint8_t *buf, unsigned int w, unsigned int h)
{
	int n = sprintf((char *)buf, "P5\n# comment\n%u %u\n255\n", w, h);

	for (unsigned int i = 0; i < w * h; i++)
		buf[n + i] = (uint8_t)(i * 7);
	return (size_t)n + w * h;
}

START_TEST(pgm8_decodes_pixels)
{
	uint8_t buf[256];
	size_t len = make_pgm8(buf, 5, 3);
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(buf, len, &img), 0);
	ck_assert_uint_eq(img.width, 5);
	ck_assert_uint_eq(img.height, 3);
	ck_assert_uint_eq(img.bits, 8);
	ck_assert_uint_eq(img.maxval, 255);
	for (unsigned int i = 0; i < 15; i++)
		ck_assert_uint_eq(((uint8_t *)img.data)[i], (uint8_t)(i * 7));
	pv_image_free(&img);
	ck_assert_ptr_null(img.data);
}
END_TEST

START_TEST(pgm16_is_big_endian_and_keeps_maxval)
{
	const uint8_t buf[] = "P5 2 1 1023\n\x03\xff\x01\x02";
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(buf, sizeof(buf) - 1, &img), 0);
	ck_assert_uint_eq(img.bits, 16);
	ck_assert_uint_eq(img.maxval, 1023);
	ck_assert_uint_eq(((uint16_t *)img.data)[0], 0x3ff);
	ck_assert_uint_eq(((uint16_t *)img.data)[1], 0x102);
	pv_image_free(&img);
}
END_TEST

START_TEST(pgm_ascii_decodes)
{
	const char buf[] = "P2\n3 1\n# c\n15\n0 7 15\n";
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(buf, strlen(buf), &img), 0);
	ck_assert_uint_eq(((uint8_t *)img.data)[1], 7);
	ck_assert_uint_eq(img.maxval, 15);
	pv_image_free(&img);
}
END_TEST

struct bad_case {
	const char *data;
	int err;
};

static const struct bad_case bad_cases[] = {
	{ "P5\n100000 100000\n255\n", -E2BIG },
	{ "P5\n9000 10\n255\n", -E2BIG },
	{ "P5\n0 10\n255\n", -EBADMSG },
	{ "P5\n4 4\n255\nabc", -EBADMSG },	/* truncated pixels */
	{ "P5\n4 4\n", -EBADMSG },		/* truncated header */
	{ "P5\n4 4\n0\n", -EBADMSG },		/* maxval 0 */
	{ "P5\n4 4\n70000\n", -EBADMSG },	/* maxval too big */
	{ "P5\n1 1\n10\n\x0b", -EBADMSG },	/* sample above maxval */
	{ "P2\n2 1\n255\n1 300\n", -EBADMSG },
	{ "P2\n2 1\n255\n1", -EBADMSG },
	{ "P2\n2 1\n255\n1 x", -EBADMSG },
	{ "GIF89a", -EINVAL },
	{ "P6\n1 1\n255\nabc", -EINVAL },
	{ "\xff\xd8\xff\xe0garbage", -EBADMSG },
};

START_TEST(bad_pgm_gets_clear_error)
{
	const struct bad_case *c = &bad_cases[_i];
	const char *reason = NULL;
	struct pv_image img;
	int err = pv_image_decode_reason(c->data, strlen(c->data), &img, &reason);

	ck_assert_msg(err == c->err, "case %d: got %d want %d", _i, err, c->err);
	ck_assert_ptr_nonnull(reason);
	ck_assert_ptr_null(img.data);
	ck_assert_ptr_nonnull(pv_image_strerror(err));
}
END_TEST

START_TEST(empty_and_null_input)
{
	struct pv_image img;
	const char *reason;

	ck_assert_int_eq(pv_image_decode_reason("", 0, &img, &reason), -ENODATA);
	ck_assert_str_eq(reason, "the image is empty");
	ck_assert_int_eq(pv_image_decode(NULL, 0, &img), -ENODATA);
	ck_assert_int_eq(pv_image_decode(NULL, 4, &img), -EINVAL);
	ck_assert_int_eq(pv_image_decode("P5", 2, NULL), -EINVAL);
}
END_TEST

/* Every prefix of a valid PGM fails cleanly: no over-read (ASan). */
START_TEST(every_pgm_truncation_fails)
{
	uint8_t buf[256];
	size_t len = make_pgm8(buf, 6, 6);

	for (size_t l = 0; l < len; l++) {
		uint8_t *copy = malloc(l ? l : 1);
		struct pv_image img;

		memcpy(copy, buf, l);
		ck_assert_int_lt(pv_image_decode(copy, l, &img), 0);
		free(copy);
	}
}
END_TEST

static unsigned char *make_jpeg(int w, int h, unsigned long *len)
{
	uint8_t *px = malloc((size_t)w * h);
	unsigned char *jpeg = NULL;
	tjhandle tj = tjInitCompress();

	for (int i = 0; i < w * h; i++)
		px[i] = (uint8_t)((i % w) * 255 / w);
	ck_assert_int_eq(tjCompress2(tj, px, w, 0, h, TJPF_GRAY, &jpeg, len,
				     TJSAMP_GRAY, 90, 0), 0);
	tjDestroy(tj);
	free(px);
	return jpeg;
}

START_TEST(jpeg_decodes_to_grey)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(64, 48, &len);
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(jpeg, len, &img), 0);
	ck_assert_uint_eq(img.width, 64);
	ck_assert_uint_eq(img.height, 48);
	ck_assert_uint_eq(img.bits, 8);
	/* The ramp survives compression within a few levels. */
	ck_assert_int_lt(abs(((uint8_t *)img.data)[10 * 64 + 32] - 127), 6);
	pv_image_free(&img);
	tjFree(jpeg);
}
END_TEST

/* Truncated JPEGs are errors, not grey-filled images; no over-read. */
START_TEST(truncated_jpeg_fails)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(64, 48, &len);

	for (unsigned long l = 3; l < len; l += 7) {
		unsigned char *copy = malloc(l);
		struct pv_image img;
		const char *reason = NULL;

		memcpy(copy, jpeg, l);
		ck_assert_int_eq(pv_image_decode_reason(copy, l, &img, &reason), -EBADMSG);
		ck_assert_ptr_nonnull(reason);
		free(copy);
	}
	tjFree(jpeg);
}
END_TEST

/* Flipped bytes anywhere: decode or fail, never crash. */
START_TEST(corrupt_jpeg_never_crashes)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(32, 32, &len);
	unsigned char *copy = malloc(len);
	int failures = 0;

	for (unsigned long i = 3; i < len; i++) {
		struct pv_image img;
		int err;

		memcpy(copy, jpeg, len);
		copy[i] ^= 0x5a;
		err = pv_image_decode(copy, len, &img);
		ck_assert(err == 0 || err == -EBADMSG || err == -E2BIG);
		failures += err != 0;
		pv_image_free(&img);
	}
	ck_assert_int_gt(failures, 0);
	free(copy);
	tjFree(jpeg);
}
END_TEST

/* A JPEG whose frame header claims 16384 columns is refused before any
 * allocation. */
START_TEST(huge_jpeg_dimensions_refused)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(32, 32, &len);
	const char *reason = NULL;
	struct pv_image img;
	bool patched = false;

	for (unsigned long i = 2; i + 9 < len && !patched; i++)
		if (jpeg[i] == 0xff && jpeg[i + 1] == 0xc0) {
			jpeg[i + 7] = 0x40;	/* width high byte: 0x4000 */
			jpeg[i + 8] = 0x00;
			patched = true;
		}
	ck_assert(patched);
	ck_assert_int_eq(pv_image_decode_reason(jpeg, len, &img, &reason), -E2BIG);
	ck_assert_str_eq(reason, "JPEG dimensions exceed the 8192x8192 limit");
	tjFree(jpeg);
}
END_TEST

START_TEST(pgm_export_round_trips)
{
	uint16_t px16[6] = { 0, 1, 1000, 1023, 512, 7 };
	uint8_t px8[6] = { 0, 1, 2, 200, 255, 9 };
	struct pv_image src, back;
	void *buf;
	size_t len;

	ck_assert_int_eq(pv_image_wrap(&src, 3, 2, 6, 16, px16), 0);
	src.maxval = 1023;
	ck_assert_int_eq(pv_image_write_pgm(&src, &buf, &len), 0);
	ck_assert_int_eq(pv_image_decode(buf, len, &back), 0);
	ck_assert_uint_eq(back.maxval, 1023);
	ck_assert_mem_eq(back.data, px16, sizeof(px16));
	pv_image_free(&back);
	free(buf);

	ck_assert_int_eq(pv_image_wrap(&src, 2, 3, 2, 8, px8), 0);
	ck_assert_int_eq(pv_image_write_pgm(&src, &buf, &len), 0);
	ck_assert_int_eq(pv_image_decode(buf, len, &back), 0);
	ck_assert_uint_eq(back.width, 2);
	ck_assert_mem_eq(back.data, px8, sizeof(px8));
	pv_image_free(&back);
	free(buf);
}
END_TEST

START_TEST(wrap_checks_arguments)
{
	uint8_t px[16];
	struct pv_image img;

	ck_assert_int_eq(pv_image_wrap(&img, 4, 4, 3, 8, px), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 4, 4, 4, 12, px), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 0, 4, 4, 8, px), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 4, 4, 4, 8, NULL), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 2, 2, 4, 16, px), 0);
	/* Freeing a wrapped image leaves the caller's pixels alone. */
	px[0] = 42;
	pv_image_free(&img);
	ck_assert_uint_eq(px[0], 42);
	ck_assert_ptr_null(img.data);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, pgm8_decodes_pixels);
	tcase_add_test(tc, pgm16_is_big_endian_and_keeps_maxval);
	tcase_add_test(tc, pgm_ascii_decodes);
	tcase_add_loop_test(tc, bad_pgm_gets_clear_error, 0,
			    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, empty_and_null_input);
	tcase_add_test(tc, every_pgm_truncation_fails);
	tcase_add_test(tc, jpeg_decodes_to_grey);
	tcase_add_test(tc, truncated_jpeg_fails);
	tcase_add_test(tc, corrupt_jpeg_never_crashes);
	tcase_add_test(tc, huge_jpeg_dimensions_refused);
	tcase_add_test(tc, pgm_export_round_trips);
	tcase_add_test(tc, wrap_checks_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(image_suite());
}
