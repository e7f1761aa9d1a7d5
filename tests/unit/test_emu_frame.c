// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Frame builder: headers decode with the shared uapi decoder, both CRCs
 * verify, and any flipped byte is caught by one of them.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "../../emulator/frame.h"

#define W 64
#define H 40

static const struct frame_meta meta = {
	.timestamp_us = 0x123456789aULL,
	.sequence = 4242,
	.exposure_us = 3900,
	.gain = 48,
	.distance_mm = 71,
	.intensity = { 200, 0, 0, 0 },
	.width = W,
	.height = H,
	.mode = 3,
	.illum_lit = 1,
	.pixfmt = PALMVEIN_PIXFMT_GREY8,
};

static void make_frame(uint8_t *frame)
{
	unsigned int i;

	for (i = 0; i < W * H; i++)
		frame[PALMVEIN_FRAME_HDR_SIZE + i] = (uint8_t)(i * 7 + 3);
	frame_write_header(frame, &meta, W * H,
			   frame_crc32(frame + PALMVEIN_FRAME_HDR_SIZE, W * H));
}

START_TEST(test_crc_known_value)
{
	/* the IEEE 802.3 check value */
	ck_assert_uint_eq(frame_crc32("123456789", 9), 0xcbf43926);
}
END_TEST

START_TEST(test_header_decodes)
{
	uint8_t frame[PALMVEIN_FRAME_HDR_SIZE + W * H];
	struct palmvein_frame_info fi;

	ck_assert_uint_eq(sizeof(struct palmvein_frame_header),
			  PALMVEIN_FRAME_HDR_SIZE);
	make_frame(frame);
	ck_assert_int_eq(palmvein_frame_header_decode(frame, sizeof(frame),
						      &fi), 0);
	ck_assert_uint_eq(fi.sequence, 4242);
	ck_assert_uint_eq(fi.timestamp_us, 0x123456789aULL);
	ck_assert_uint_eq(fi.exposure_us, 3900);
	ck_assert_uint_eq(fi.gain, 48);
	ck_assert_uint_eq(fi.distance_mm, 71);
	ck_assert_uint_eq(fi.intensity[0], 200);
	ck_assert_uint_eq(fi.intensity[1], 0);
	ck_assert_uint_eq(fi.width, W);
	ck_assert_uint_eq(fi.height, H);
	ck_assert_uint_eq(fi.mode, 3);
	ck_assert_uint_eq(fi.illum_lit, 1);
	ck_assert_uint_eq(fi.pixfmt, PALMVEIN_PIXFMT_GREY8);
	ck_assert_uint_eq(fi.payload_size, W * H);
	ck_assert_uint_eq(fi.header_crc32,
			  frame_crc32(frame, PALMVEIN_FRAME_HDR_CRC_OFFSET));
	ck_assert_uint_eq(fi.payload_crc32,
			  frame_crc32(frame + PALMVEIN_FRAME_HDR_SIZE, W * H));
	/* "PVFR" on the wire */
	ck_assert_mem_eq(frame, "PVFR", 4);
	/* reserved bytes are zero */
	for (unsigned int i = 41; i < 52; i++)
		ck_assert_uint_eq(frame[i], 0);
}
END_TEST

START_TEST(test_every_flipped_byte_is_caught)
{
	uint8_t frame[PALMVEIN_FRAME_HDR_SIZE + W * H];
	struct palmvein_frame_info fi;
	unsigned int i;
	bool caught;

	for (i = 0; i < sizeof(frame); i++) {
		make_frame(frame);
		frame[i] ^= 0x10;
		caught = palmvein_frame_header_decode(frame, sizeof(frame),
						      &fi) != 0 ||
			 fi.header_crc32 != frame_crc32(frame,
						PALMVEIN_FRAME_HDR_CRC_OFFSET) ||
			 fi.payload_crc32 != frame_crc32(
				frame + PALMVEIN_FRAME_HDR_SIZE, fi.payload_size);
		ck_assert_msg(caught, "flip at byte %u not detected", i);
	}
}
END_TEST

START_TEST(test_y10_geometry)
{
	struct frame_meta m = meta;
	uint16_t payload[W * H];
	uint8_t hdr[PALMVEIN_FRAME_HDR_SIZE];
	struct palmvein_frame_info fi;

	memset(payload, 0, sizeof(payload));
	m.pixfmt = PALMVEIN_PIXFMT_Y10;
	frame_write_header(hdr, &m, sizeof(payload),
			   frame_crc32(payload, sizeof(payload)));
	ck_assert_int_eq(palmvein_frame_header_decode(hdr, sizeof(hdr), &fi), 0);
	ck_assert_uint_eq(fi.payload_size, W * H * 2);
	/* a payload size that contradicts the geometry is refused */
	frame_write_header(hdr, &m, W * H, frame_crc32(payload, W * H));
	ck_assert_int_eq(palmvein_frame_header_decode(hdr, sizeof(hdr), &fi),
			 -EPROTO);
}
END_TEST

START_TEST(test_truncated_length_ends_short)
{
	size_t full = 1280 * 800 + PALMVEIN_FRAME_HDR_SIZE, len;
	unsigned int mps[] = { 64, 512, 1024 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		len = frame_truncated_length(full, mps[i]);
		ck_assert_uint_lt(len, full);
		ck_assert_uint_gt(len, PALMVEIN_FRAME_HDR_SIZE);
		ck_assert_uint_ne(len % mps[i], 0);
	}
	/* half of 2048 is 1024: must be cut one byte shorter */
	ck_assert_uint_eq(frame_truncated_length(2048, 512), 1023);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_frame");
	TCase *tc = tcase_create("frame");

	tcase_add_test(tc, test_crc_known_value);
	tcase_add_test(tc, test_header_decodes);
	tcase_add_test(tc, test_every_flipped_byte_is_caught);
	tcase_add_test(tc, test_y10_geometry);
	tcase_add_test(tc, test_truncated_length_ends_short);
	suite_add_tcase(s, tc);
	return check_run(s);
}
