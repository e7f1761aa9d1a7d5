// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ROI extraction on hands drawn here (palm disc, four fingers, thumb) with
 * known rotation and scale, on empty and hostile frames, and on the real
 * whole-hand sets in ../shared/data when present.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/image.h>
#include <palmvein/roi.h>
#include "check_run.h"

#define W 768
#define H 576

struct capsule {
	float ax, ay, bx, by, r;
};

static float seg_dist(float px, float py, const struct capsule *c)
{
	float ex = c->bx - c->ax, ey = c->by - c->ay;
	float t = ((px - c->ax) * ex + (py - c->ay) * ey) / (ex * ex + ey * ey);

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypotf(px - c->ax - t * ex, py - c->ay - t * ey);
}

/* Skin: vein-like waves in three directions plus pixel noise, so that
 * focus and motion measures have texture in every direction. */
static uint8_t skin(int x, int y, float hx, float hy)
{
	uint32_t hash = (uint32_t)x * 73856093u ^ (uint32_t)y * 19349663u;

	hash = (hash ^ (hash >> 13)) * 0x5bd1e995u;
	return (uint8_t)(150 + 15 * sinf((hx + hy) * 0.4f) +
			 15 * sinf(hx * 0.5f - hy * 0.15f) + 12 * sinf(hy * 0.35f) +
			 (int)((hash >> 24) % 17) - 8);
}

/*
 * A bright hand on a dark, slightly noisy background, fingers up at
 * rotation 0 (+ is counter-clockwise on screen). @spread 0 closes the
 * fingers. Diagonal stripes give the palm texture to be sharp.
 */
static void draw_hand(uint8_t *px, float cx, float cy, float rot_deg, float scale,
		      float spread)
{
	const float a = rot_deg * (float)M_PI / 180.0f;
	const float ca = cosf(a), sa = sinf(a);
	struct capsule parts[6];
	int np = 0;

	/* Palm: a fat capsule. Fingers: from the palm's top edge. */
	parts[np++] = (struct capsule){ 0, -15, 0, 25, 62 };
	for (int i = 0; i < 4; i++) {
		float base_x = -39.0f + 26.0f * (float)i;
		float fan = (float)(i - 1.5) * 0.12f * spread;
		float len = i == 1 ? 105.0f : i == 3 ? 70.0f : 92.0f;
		float gap = spread > 0 ? 1.0f : 0.0f;

		parts[np++] = (struct capsule){ base_x * (0.85f + 0.15f * gap), -60,
			base_x * (0.85f + 0.15f * gap) + sinf(fan) * len,
			-60 - cosf(fan) * len, spread > 0 ? 11.0f : 12.5f };
	}
	/* The thumb sits beside the index finger (i == 0). */
	parts[np++] = (struct capsule){ -40, 35, -105, -15, 15 };
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			/* Into the hand's frame: undo rotation and scale. */
			float dx = ((float)x - cx) / scale, dy = ((float)y - cy) / scale;
			float hx = ca * dx - sa * dy, hy = sa * dx + ca * dy;
			uint8_t v = (uint8_t)(12 + (x * 7 + y * 13) % 9);

			for (int p = 0; p < np; p++)
				if (seg_dist(hx, hy, &parts[p]) <= parts[p].r) {
					v = skin(x, y, hx, hy);
					break;
				}
			/* The arm leaves the frame at the bottom of the hand. */
			if (fabsf(hx) < 45 && hy > 40)
				v = skin(x, y, hx, hy);
			px[(size_t)y * W + x] = v;
		}
}

static int extract(uint8_t *px, struct pv_roi *roi, enum pv_roi_status *st)
{
	struct pv_image img;

	ck_assert_int_eq(pv_image_wrap(&img, W, H, W, 8, px), 0);
	return pv_roi_extract(&img, roi, st);
}

static float angle_diff(float a, float b)
{
	float d = fmodf(a - b + 540.0f, 360.0f) - 180.0f;

	return fabsf(d);
}

/* Rotation of the hand shows up as the ROI angle; the centre moves with it. */
START_TEST(roi_follows_rotation)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *ref = malloc(sizeof(*ref)), *roi = malloc(sizeof(*roi));
	enum pv_roi_status st;
	const float rot = (float)(_i * 10 - 30);

	draw_hand(px, 384, 330, 0, 1.5f, 1.0f);
	ck_assert_int_eq(extract(px, ref, &st), 0);
	ck_assert_int_eq(st, PV_ROI_OK);
	/* Up in the ROI is roughly the finger direction; the exact angle
	 * follows the valley line, which is not square to the fingers. */
	ck_assert_float_lt(angle_diff(ref->geom.angle_deg, 0), 20);

	draw_hand(px, 384, 330, rot, 1.5f, 1.0f);
	ck_assert_int_eq(extract(px, roi, &st), 0);
	ck_assert_msg(angle_diff(roi->geom.angle_deg - ref->geom.angle_deg, rot) < 2,
		      "rotation %.0f turned the ROI by %.1f", rot,
		      roi->geom.angle_deg - ref->geom.angle_deg);
	ck_assert_float_lt(fabsf(roi->geom.side_px - ref->geom.side_px),
			   0.06f * ref->geom.side_px);
	ck_assert_float_lt(hypotf(roi->geom.cx - 384, roi->geom.cy - 330), 100);
	ck_assert_uint_gt(roi->quality.score, 50);
	/* finger valleys placed it: the matcher's normal search */
	ck_assert_int_eq(roi->unanchored, 0);
	free(px);
	free(ref);
	free(roi);
}
END_TEST

/* The ROI side scales with the palm (inscribed radius). */
START_TEST(roi_follows_scale)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *small = malloc(sizeof(*small)), *big = malloc(sizeof(*big));
	enum pv_roi_status st;
	float ratio;

	draw_hand(px, 384, 340, 10, 1.5f * 0.8f, 1.0f);
	ck_assert_int_eq(extract(px, small, &st), 0);
	draw_hand(px, 384, 340, 10, 1.5f * 1.2f, 1.0f);
	ck_assert_int_eq(extract(px, big, &st), 0);
	ratio = big->geom.side_px / small->geom.side_px;
	ck_assert_msg(fabsf(ratio - 1.5f) < 0.1f, "side ratio %.3f", ratio);
	ck_assert_float_gt(big->quality.palm_size, 0.5f);
	free(px);
	free(small);
	free(big);
}
END_TEST

/* Closed fingers: no valleys, the principal axis still gives the pose. */
START_TEST(closed_fingers_use_principal_axis)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *roi = malloc(sizeof(*roi));
	enum pv_roi_status st;

	draw_hand(px, 384, 330, -20, 1.5f, 0.0f);
	ck_assert_int_eq(extract(px, roi, &st), 0);
	ck_assert_msg(angle_diff(roi->geom.angle_deg, -20) < 5,
		      "closed hand at -20 gave %.1f", roi->geom.angle_deg);
	ck_assert_int_eq(roi->unanchored, 1);
	free(px);
	free(roi);
}
END_TEST

/* A saturated glare spot overlapping the hand's edge leaves the pose alone. */
START_TEST(glare_touching_hand_is_ignored)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *ref = malloc(sizeof(*ref)), *roi = malloc(sizeof(*roi));
	enum pv_roi_status st;
	int valid = 0;

	draw_hand(px, 384, 330, 5, 1.5f, 1.0f);
	ck_assert_int_eq(extract(px, ref, &st), 0);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if (hypotf((float)x - 480, (float)y - 360) < 40)
				px[y * W + x] = 255;
	ck_assert_int_eq(extract(px, roi, &st), 0);
	ck_assert_float_lt(angle_diff(roi->geom.angle_deg, ref->geom.angle_deg), 2);
	ck_assert_float_lt(fabsf(roi->geom.side_px - ref->geom.side_px),
			   0.05f * ref->geom.side_px);
	/* The glare spot's pixels are not offered as palm. */
	for (int i = 0; i < PV_ROI_SIZE * PV_ROI_SIZE; i++)
		valid += roi->valid[i];
	ck_assert_int_lt(valid, PV_ROI_SIZE * PV_ROI_SIZE);
	free(px);
	free(ref);
	free(roi);
}
END_TEST

/* Fingertips cut off by the top edge: the valleys are still there. */
START_TEST(fingers_cut_by_frame_edge)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *ref = malloc(sizeof(*ref)), *roi = malloc(sizeof(*roi));
	enum pv_roi_status st;

	draw_hand(px, 384, 330, 0, 1.5f, 1.0f);
	ck_assert_int_eq(extract(px, ref, &st), 0);
	/* Move the hand up until the fingers leave the frame. */
	draw_hand(px, 384, 250, 0, 1.5f, 1.0f);
	ck_assert_int_eq(extract(px, roi, &st), 0);
	ck_assert_float_lt(angle_diff(roi->geom.angle_deg, ref->geom.angle_deg), 2);
	ck_assert_float_lt(fabsf(roi->geom.cy - (ref->geom.cy - 80)), 6);
	ck_assert_float_lt(fabsf(roi->geom.cx - ref->geom.cx), 6);
	free(px);
	free(ref);
	free(roi);
}
END_TEST

static void box_blur(uint8_t *px, int dx, int dy, int len)
{
	uint8_t *copy = malloc(W * H);

	memcpy(copy, px, W * H);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int sum = 0, n = 0;

			for (int k = -len / 2; k <= len / 2; k++) {
				int xx = x + k * dx, yy = y + k * dy;

				if (xx >= 0 && yy >= 0 && xx < W && yy < H) {
					sum += copy[yy * W + xx];
					n++;
				}
			}
			px[y * W + x] = (uint8_t)(sum / n);
		}
	free(copy);
}

/* Defocus lowers sharpness; blur along one direction lowers motion. */
START_TEST(quality_sees_blur)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *sharp = malloc(sizeof(*sharp)), *roi = malloc(sizeof(*roi));
	enum pv_roi_status st;

	draw_hand(px, 384, 330, 0, 1.5f, 1.0f);
	ck_assert_int_eq(extract(px, sharp, &st), 0);
	box_blur(px, 1, 0, 9);
	box_blur(px, 0, 1, 9);
	extract(px, roi, &st);
	ck_assert_msg(roi->quality.sharpness < 0.7f * sharp->quality.sharpness,
		      "defocus: sharpness %.2f vs %.2f", roi->quality.sharpness,
		      sharp->quality.sharpness);
	ck_assert_uint_lt(roi->quality.score, sharp->quality.score);

	draw_hand(px, 384, 330, 0, 1.5f, 1.0f);
	box_blur(px, 1, 0, 11);
	extract(px, roi, &st);
	ck_assert_msg(roi->quality.motion < 0.7f * sharp->quality.motion,
		      "motion: %.2f vs %.2f", roi->quality.motion, sharp->quality.motion);
	free(px);
	free(sharp);
	free(roi);
}
END_TEST

START_TEST(empty_frame_has_no_hand)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *roi = malloc(sizeof(*roi));
	enum pv_roi_status st = PV_ROI_OK;

	for (int i = 0; i < W * H; i++)
		px[i] = (uint8_t)(10 + i % 5);
	ck_assert_int_eq(extract(px, roi, &st), -EAGAIN);
	ck_assert_int_eq(st, PV_ROI_NO_HAND);
	ck_assert_str_eq(pv_roi_status_str(st), "no hand in the frame");
	ck_assert_uint_lt(roi->quality.score, 20);
	free(px);
	free(roi);
}
END_TEST

START_TEST(saturated_hand_is_too_bright)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *roi = malloc(sizeof(*roi));
	enum pv_roi_status st = PV_ROI_OK;

	draw_hand(px, 384, 330, 0, 1.5f, 1.0f);
	for (int i = 0; i < W * H; i++)
		px[i] = px[i] > 100 ? 255 : px[i];
	ck_assert_int_eq(extract(px, roi, &st), -EAGAIN);
	ck_assert_int_eq(st, PV_ROI_TOO_BRIGHT);
	free(px);
	free(roi);
}
END_TEST

START_TEST(far_hand_is_too_small)
{
	uint8_t *px = malloc(W * H);
	struct pv_roi *roi = malloc(sizeof(*roi));
	enum pv_roi_status st = PV_ROI_OK;

	draw_hand(px, 384, 300, 0, 0.3f, 1.0f);
	ck_assert_int_eq(extract(px, roi, &st), -EAGAIN);
	ck_assert_int_eq(st, PV_ROI_TOO_SMALL);
	free(px);
	free(roi);
}
END_TEST

/* A 128x128 textured palm crop is its own ROI, axis-aligned. */
START_TEST(palm_crop_is_taken_whole)
{
	uint8_t px[128 * 128];
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_image img;
	enum pv_roi_status st;

	for (int y = 0; y < 128; y++)
		for (int x = 0; x < 128; x++)
			px[y * 128 + x] = (uint8_t)(150 + 12 * sinf(x * 0.3f + y * 0.1f) +
						   (x * 7 + y * 3) % 11);
	ck_assert_int_eq(pv_image_wrap(&img, 128, 128, 128, 8, px), 0);
	ck_assert_int_eq(pv_roi_extract(&img, roi, &st), 0);
	ck_assert_float_lt(fabsf(roi->geom.angle_deg), 0.01f);
	ck_assert_float_gt(roi->geom.side_px, 120);
	ck_assert_float_lt(fabsf(roi->geom.cx - 63.5f), 2);
	ck_assert_int_eq(roi->unanchored, 1);
	free(roi);
}
END_TEST

/* 10-bit frames in 16-bit words give the same ROI as their 8-bit version. */
START_TEST(sixteen_bit_matches_eight_bit)
{
	uint8_t *px = malloc(W * H);
	uint16_t *px16 = malloc(W * H * 2);
	struct pv_roi *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct pv_image img;
	enum pv_roi_status st;

	draw_hand(px, 380, 320, 15, 1.5f, 1.0f);
	for (int i = 0; i < W * H; i++)
		px16[i] = (uint16_t)(px[i] * 4 + 1);
	ck_assert_int_eq(extract(px, a, &st), 0);
	ck_assert_int_eq(pv_image_wrap(&img, W, H, W * 2, 16, px16), 0);
	img.maxval = 1023;
	ck_assert_int_eq(pv_roi_extract(&img, b, &st), 0);
	ck_assert_float_lt(fabsf(a->geom.angle_deg - b->geom.angle_deg), 1);
	ck_assert_float_lt(fabsf(a->geom.side_px - b->geom.side_px), 2);
	free(px);
	free(px16);
	free(a);
	free(b);
}
END_TEST

START_TEST(bad_arguments)
{
	uint8_t px[64] = { 0 };
	struct pv_image img = { 8, 8, 4, 8, 0, 255, px };	/* stride < width */
	struct pv_roi *roi = malloc(sizeof(*roi));

	ck_assert_int_eq(pv_roi_extract(&img, roi, NULL), -EINVAL);
	ck_assert_int_eq(pv_roi_extract(NULL, roi, NULL), -EINVAL);
	img.stride = 8;
	ck_assert_int_eq(pv_roi_extract(&img, NULL, NULL), -EINVAL);
	/* A tiny frame is not an error of the caller, just no palm. */
	ck_assert_int_eq(pv_roi_extract(&img, roi, NULL), -EAGAIN);
	free(roi);
}
END_TEST

/* Every whole-hand photo of the real sets yields an ROI. */
static void roi_on_real_set(const char *dir)
{
	char path[512];
	struct dirent *de;
	unsigned int total = 0, found = 0;
	DIR *d = opendir(dir);
	struct pv_roi *roi;

	if (!d) {
		printf("test_roi: %s absent, skipping the real-data check\n", dir);
		return;
	}
	roi = malloc(sizeof(*roi));
	while ((de = readdir(d))) {
		FILE *f;
		long len;
		void *buf;
		struct pv_image img;
		enum pv_roi_status st;

		if (!strstr(de->d_name, ".jpg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = malloc((size_t)len);
		ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		ck_assert_int_eq(pv_image_decode(buf, (size_t)len, &img), 0);
		total++;
		if (pv_roi_extract(&img, roi, &st) == 0)
			found++;
		else
			printf("test_roi: %s: %s\n", path, pv_roi_status_str(st));
		pv_image_free(&img);
		free(buf);
	}
	closedir(d);
	free(roi);
	printf("test_roi: ROI found on %u/%u images of %s\n", found, total, dir);
	ck_assert_uint_gt(total, 0);
	ck_assert_uint_eq(found, total);
}

START_TEST(real_whole_hands)
{
	roi_on_real_set("../shared/data/hands-coep");
	roi_on_real_set("../shared/data/hands-iitd");
}
END_TEST

static Suite *roi_suite(void)
{
	Suite *s = suite_create("roi");
	TCase *tc = tcase_create("extract");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, roi_follows_rotation, 0, 7);
	tcase_add_test(tc, roi_follows_scale);
	tcase_add_test(tc, closed_fingers_use_principal_axis);
	tcase_add_test(tc, glare_touching_hand_is_ignored);
	tcase_add_test(tc, fingers_cut_by_frame_edge);
	tcase_add_test(tc, quality_sees_blur);
	tcase_add_test(tc, empty_frame_has_no_hand);
	tcase_add_test(tc, saturated_hand_is_too_bright);
	tcase_add_test(tc, far_hand_is_too_small);
	tcase_add_test(tc, palm_crop_is_taken_whole);
	tcase_add_test(tc, sixteen_bit_matches_eight_bit);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, real_whole_hands);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(roi_suite());
}
