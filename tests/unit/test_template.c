// SPDX-License-Identifier: LGPL-2.1-or-later
/* Template format: round trip and rejection of malformed input. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/template.h>

#include "check_run.h"
#include "matching_helpers.h"

static void sample_template(struct pv_template *t)
{
	struct test_field f;

	test_field_random(&f, 42);
	test_template_from_field(&f, t, 0, 0, 0, 1);
	t->mask[3] = 0x0ff0f00f;	/* some invalid cells */
	t->geom.cx = 412.5f;
	t->geom.cy = 300.25f;
	t->geom.angle_deg = -12.5f;
	t->geom.side_px = 260.0f;
	t->quality.presence = 1.0f;
	t->quality.palm_size = 0.5f;
	t->quality.centring = 0.25f;
	t->quality.exposure = 0.0f;
	t->quality.sharpness = 0.8f;
	t->quality.motion = 0.9f;
	t->quality.score = 77;
}

/* Fixes the checksum after a test edits a field, so the field check runs. */
static void reseal(uint8_t *b)
{
	uint32_t crc = 0xffffffffu;

	for (int i = 0; i < PV_TEMPLATE_SIZE - 4; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	crc = ~crc;
	for (int i = 0; i < 4; i++)
		b[PV_TEMPLATE_SIZE - 4 + i] = (uint8_t)(crc >> (8 * i));
}

START_TEST(round_trip)
{
	struct pv_template t, u;
	uint8_t b[PV_TEMPLATE_SIZE];
	const char *reason = "unset";

	sample_template(&t);
	ck_assert_int_eq(pv_template_serialize(&t, b), 0);
	ck_assert_int_eq(pv_template_parse(b, sizeof(b), &u, &reason), 0);
	ck_assert_ptr_null(reason);
	ck_assert_mem_eq(u.code, t.code, sizeof(t.code));
	ck_assert_mem_eq(u.mask, t.mask, sizeof(t.mask));
	ck_assert_int_eq(u.version_major, PV_TEMPLATE_VERSION_MAJOR);
	ck_assert_int_eq(u.algorithm, PV_ALG_COMPCODE6_32);
	ck_assert_float_eq(u.geom.cx, t.geom.cx);
	ck_assert_float_eq(u.geom.angle_deg, t.geom.angle_deg);
	ck_assert_float_eq_tol(u.quality.palm_size, 0.5f, 1.0f / 255);
	ck_assert_float_eq_tol(u.quality.sharpness, 0.8f, 1.0f / 255);
	ck_assert_int_eq(u.quality.score, 77);
	ck_assert_uint_eq(pv_template_valid_cells(&u), pv_template_valid_cells(&t));
	ck_assert_uint_le(PV_TEMPLATE_SIZE, 1024);
}
END_TEST

/* The layout is a contract (docs/template-format.md): pin its landmarks. */
START_TEST(layout_landmarks)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	t.code[0][0] = 0x04030201;
	t.mask[0] = 0x0d0c0b0a;
	pv_template_serialize(&t, b);
	ck_assert_mem_eq(b, "PVTM", 4);
	ck_assert_int_eq(b[4], 1);
	ck_assert_int_eq(b[8] | b[9] << 8, PV_TEMPLATE_SIZE);
	ck_assert_int_eq(b[10], 32);
	ck_assert_int_eq(b[11], 3);
	ck_assert_int_eq(b[38], 77);
	ck_assert_int_eq(b[40], 0x01);
	ck_assert_int_eq(b[43], 0x04);
	ck_assert_int_eq(b[424], 0x0a);
	ck_assert_int_eq(b[427], 0x0d);
}
END_TEST

static void expect_reject(const uint8_t *b, size_t len, int err)
{
	struct pv_template u;
	const char *reason = NULL;

	memset(&u, 0xa5, sizeof(u));
	ck_assert_int_eq(pv_template_parse(b, len, &u, &reason), err);
	ck_assert_ptr_nonnull(reason);
	ck_assert_uint_gt(strlen(reason), 5);
	/* Nothing of a rejected input leaks into the output. */
	for (size_t i = 0; i < sizeof(u); i++)
		ck_assert_int_eq(((uint8_t *)&u)[i], 0);
}

START_TEST(wrong_magic)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	pv_template_serialize(&t, b);
	b[0] = 'X';
	expect_reject(b, sizeof(b), -EBADMSG);
}
END_TEST

START_TEST(wrong_version)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	pv_template_serialize(&t, b);
	b[4] = 2;
	reseal(b);
	expect_reject(b, sizeof(b), -EPROTONOSUPPORT);
	b[4] = 0;
	reseal(b);
	expect_reject(b, sizeof(b), -EPROTONOSUPPORT);
}
END_TEST

/* A newer minor version of the same major parses (forward compatible). */
START_TEST(newer_minor_accepted)
{
	struct pv_template t, u;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	pv_template_serialize(&t, b);
	b[5] = 7;
	reseal(b);
	ck_assert_int_eq(pv_template_parse(b, sizeof(b), &u, NULL), 0);
	ck_assert_int_eq(u.version_minor, 7);
}
END_TEST

/*
 * PV_TEMPLATE_UNANCHORED (1.1) travels in byte 39, which 1.0 readers
 * ignore, not in the flags byte, whose unknown bits they refuse.
 */
START_TEST(unanchored_flag)
{
	struct pv_template t, u;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	t.flags = PV_TEMPLATE_UNANCHORED;
	ck_assert_int_eq(pv_template_serialize(&t, b), 0);
	ck_assert_int_eq(b[5], 1);
	ck_assert_int_eq(b[7], 0);
	ck_assert_int_eq(b[39], 1);
	ck_assert_int_eq(pv_template_parse(b, sizeof(b), &u, NULL), 0);
	ck_assert_uint_eq(u.flags, PV_TEMPLATE_UNANCHORED);
	/* A 1.0 template: anchored. */
	b[5] = 0;
	b[39] = 0;
	reseal(b);
	ck_assert_int_eq(pv_template_parse(b, sizeof(b), &u, NULL), 0);
	ck_assert_uint_eq(u.flags, 0);
	/* The flag bit itself is no wire flag. */
	b[7] = PV_TEMPLATE_UNANCHORED;
	reseal(b);
	expect_reject(b, sizeof(b), -ERANGE);
}
END_TEST

START_TEST(every_truncation)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	pv_template_serialize(&t, b);
	for (size_t len = 0; len < PV_TEMPLATE_SIZE; len++) {
		/* An exact-size heap copy lets ASan catch any over-read. */
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, b, len);
		expect_reject(copy, len, -EMSGSIZE);
		free(copy);
	}
}
END_TEST

START_TEST(trailing_bytes)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE + 1];

	sample_template(&t);
	pv_template_serialize(&t, b);
	b[PV_TEMPLATE_SIZE] = 0;
	expect_reject(b, sizeof(b), -EMSGSIZE);
}
END_TEST

START_TEST(wrong_size_field)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	pv_template_serialize(&t, b);
	b[8] = 0xff;
	b[9] = 0x03;
	reseal(b);
	expect_reject(b, sizeof(b), -EMSGSIZE);
}
END_TEST

START_TEST(corrupt_bit)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	sample_template(&t);
	pv_template_serialize(&t, b);
	for (size_t i = 12; i < PV_TEMPLATE_SIZE; i += 37) {
		b[i] ^= 0x10;
		expect_reject(b, sizeof(b), -EBADMSG);
		b[i] ^= 0x10;
	}
}
END_TEST

START_TEST(bad_fields)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE], orig[PV_TEMPLATE_SIZE];
	float nan = NAN;

	sample_template(&t);
	pv_template_serialize(&t, orig);

	memcpy(b, orig, sizeof(b));
	b[6] = 9;			/* algorithm */
	reseal(b);
	expect_reject(b, sizeof(b), -EPROTONOSUPPORT);

	memcpy(b, orig, sizeof(b));
	b[10] = 64;			/* grid */
	reseal(b);
	expect_reject(b, sizeof(b), -ERANGE);

	memcpy(b, orig, sizeof(b));
	b[7] = 0x80;			/* unknown flag */
	reseal(b);
	expect_reject(b, sizeof(b), -ERANGE);

	memcpy(b, orig, sizeof(b));
	b[7] = PV_TEMPLATE_PROTECTED;	/* protected but key id 0 */
	reseal(b);
	expect_reject(b, sizeof(b), -ERANGE);

	memcpy(b, orig, sizeof(b));
	memcpy(b + 24, &nan, 4);	/* angle */
	reseal(b);
	expect_reject(b, sizeof(b), -ERANGE);

	memcpy(b, orig, sizeof(b));
	b[38] = 101;			/* quality score */
	reseal(b);
	expect_reject(b, sizeof(b), -ERANGE);
}
END_TEST

START_TEST(null_arguments)
{
	struct pv_template t;
	uint8_t b[PV_TEMPLATE_SIZE];

	ck_assert_int_eq(pv_template_parse(NULL, 10, &t, NULL), -EINVAL);
	ck_assert_int_eq(pv_template_parse(b, sizeof(b), NULL, NULL), -EINVAL);
	ck_assert_int_eq(pv_template_serialize(NULL, b), -EINVAL);
}
END_TEST

START_TEST(wipe_zeroes)
{
	struct pv_template t;

	sample_template(&t);
	pv_template_wipe(&t);
	for (size_t i = 0; i < sizeof(t); i++)
		ck_assert_int_eq(((uint8_t *)&t)[i], 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, layout_landmarks);
	tcase_add_test(tc, wrong_magic);
	tcase_add_test(tc, wrong_version);
	tcase_add_test(tc, newer_minor_accepted);
	tcase_add_test(tc, unanchored_flag);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, trailing_bytes);
	tcase_add_test(tc, wrong_size_field);
	tcase_add_test(tc, corrupt_bit);
	tcase_add_test(tc, bad_fields);
	tcase_add_test(tc, null_arguments);
	tcase_add_test(tc, wipe_zeroes);
	suite_add_tcase(s, tc);
	return check_run(s);
}
