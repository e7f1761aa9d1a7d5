// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the palm renderer (emulator/render/render.h): determinism,
 * the sensor response, ambient cancellation, presentation attacks, identity
 * geometry and pose.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "hand.h"
#include "render.h"

#define W 640
#define H 400

static const struct pv_optics optics = { W, H, 2, { 850, 940 } };

static struct pv_scene_desc palm(uint32_t identity)
{
	struct pv_scene_desc d = { .target = PV_TARGET_PALM,
				   .identity = identity,
				   .pose = { .finger_spread = -1 } };
	return d;
}

/* One bank (940 nm) at full drive, gain 1, no noise seed games. */
static struct pv_exposure exposure(uint32_t us, unsigned int bits)
{
	struct pv_exposure e = { .exposure_us = us, .gain_q4 = 16,
				 .intensity = { 255, 255 },
				 .max_intensity = { 255, 255 },
				 .lit_mask = 2, .bits = bits, .noise_seed = 7 };
	return e;
}

static struct pv_scene *render(const struct pv_scene_desc *d)
{
	struct pv_scene *s = pv_scene_render(d, &optics);

	ck_assert_msg(s, "render failed: %s", strerror(errno));
	return s;
}

/* Exposes into a float image (codes), for either bit depth. */
static float *expose(const struct pv_scene *s, const struct pv_exposure *e)
{
	size_t n = (size_t)W * H;
	uint8_t *raw = malloc(2 * n);
	float *img = malloc(n * sizeof(float));

	ck_assert(raw && img);
	ck_assert_int_eq(pv_scene_expose(s, e, raw, 2 * n), 0);
	for (size_t i = 0; i < n; i++)
		img[i] = e->bits == 8 ? raw[i] : raw[2 * i] | raw[2 * i + 1] << 8;
	free(raw);
	return img;
}

static float *shoot(const struct pv_scene_desc *d, const struct pv_exposure *e)
{
	struct pv_scene *s = render(d);
	float *img = expose(s, e);

	pv_scene_free(s);
	return img;
}

/* Mean over the central palm patch (the palm centre sits on the axis). */
static double patch_mean(const float *img, int half)
{
	double sum = 0;

	for (int y = H / 2 - half; y < H / 2 + half; y++)
		for (int x = W / 2 - half; x < W / 2 + half; x++)
			sum += img[y * W + x];
	return sum / (4.0 * half * half);
}

/*
 * Oriented valley energy: how much darker each pixel is than its two
 * neighbours @d pixels away across the best of four directions, averaged
 * over a square and divided by its mean. Veins and creases are valleys; a
 * uniform surface only has noise.
 */
static double valley_energy_at(const float *img, int w, int h, int x0, int y0,
			       int size, int d)
{
	static const int dir[4][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 }, { 1, -1 } };
	double sum = 0, level = 0;
	float *sm = calloc((size_t)w * h, sizeof(float));

	ck_assert(sm);
	/* a box first, to tame pixel noise: 3x3 for fine lines, 5x5 for
	 * the broader veins */
	int r = d >= 3 ? 2 : 1;

	ck_assert(x0 - d - r >= 0 && y0 - d - r >= 0);
	ck_assert(x0 + size + d + r <= w && y0 + size + d + r <= h);
	for (int y = r; y < h - r; y++)
		for (int x = r; x < w - r; x++) {
			float a = 0;

			for (int j = -r; j <= r; j++)
				for (int i = -r; i <= r; i++)
					a += img[(y + j) * w + x + i];
			sm[y * w + x] = a / ((2 * r + 1) * (2 * r + 1));
		}
	for (int y = y0; y < y0 + size; y++)
		for (int x = x0; x < x0 + size; x++) {
			float best = 0;

			for (int k = 0; k < 4; k++) {
				int dx = dir[k][0] * d, dy = dir[k][1] * d;
				float v = 0.5f * (sm[(y + dy) * w + x + dx] +
						  sm[(y - dy) * w + x - dx]) -
					  sm[y * w + x];

				best = v > best ? v : best;
			}
			sum += best;
			level += img[y * w + x];
		}
	free(sm);
	return sum / level;
}

static double valley_energy(const float *img, int half, int d)
{
	return valley_energy_at(img, W, H, W / 2 - half, H / 2 - half, 2 * half,
				d);
}

struct blob {
	double area, cx, cy, angle_deg;
};

/* Moments of the pixels brighter than @threshold. */
static struct blob blob_of(const float *img, float threshold)
{
	double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	struct blob b;

	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if (img[y * W + x] > threshold) {
				n++;
				sx += x;
				sy += y;
				sxx += (double)x * x;
				syy += (double)y * y;
				sxy += (double)x * y;
			}
	ck_assert(n > 0);
	b.area = n;
	b.cx = sx / n;
	b.cy = sy / n;
	sxx = sxx / n - b.cx * b.cx;
	syy = syy / n - b.cy * b.cy;
	sxy = sxy / n - b.cx * b.cy;
	/* image y points down: negate to get counter-clockwise angles */
	b.angle_deg = -0.5 * atan2(2 * sxy, sxx - syy) * 180.0 / M_PI;
	return b;
}

START_TEST(test_deterministic)
{
	struct pv_scene_desc d = palm(3);
	struct pv_exposure e = exposure(3000, 8);
	float *a = shoot(&d, &e), *b = shoot(&d, &e), *c;
	size_t differ = 0;

	ck_assert_mem_eq(a, b, sizeof(float) * W * H);
	d.identity = 4;
	c = shoot(&d, &e);
	for (size_t i = 0; i < (size_t)W * H; i++)
		differ += fabsf(a[i] - c[i]) > 8;
	ck_assert_msg(differ > W * H / 10, "identities 3 and 4 look alike: %zu",
		      differ);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_noise_seed_changes_noise_only)
{
	struct pv_scene_desc d = palm(1);
	struct pv_scene *s = render(&d);
	struct pv_exposure e = exposure(3000, 10);
	float *a = expose(s, &e), *b;

	e.noise_seed = 8;
	b = expose(s, &e);
	ck_assert(memcmp(a, b, sizeof(float) * W * H) != 0);
	ck_assert_double_eq_tol(patch_mean(a, 40), patch_mean(b, 40), 2.0);
	free(a);
	free(b);
	pv_scene_free(s);
}
END_TEST

START_TEST(test_response_linear_monotonic_saturating)
{
	struct pv_scene_desc d = palm(2);
	struct pv_scene *s = render(&d);
	double prev = -1, first = 0;
	uint32_t us;

	for (us = 250; us <= 64000; us *= 2) {
		struct pv_exposure e = exposure(us, 10);
		float *img = expose(s, &e);
		double m = patch_mean(img, 30);

		ck_assert_msg(m >= prev, "darker at %u us: %f < %f", us, m, prev);
		if (us == 250)
			first = m;
		/* linear until the well fills: 2x, 4x, 8x */
		if (us <= 2000)
			ck_assert_double_eq_tol(m / first, us / 250.0,
						0.05 * us / 250.0);
		prev = m;
		free(img);
	}
	/* far past full scale everything in the palm clips */
	struct pv_exposure e = exposure(1000000, 10);
	float *img = expose(s, &e);

	ck_assert_double_eq_tol(patch_mean(img, 30), 1023.0, 0.5);
	free(img);

	/* gain and LED drive scale the same way */
	e = exposure(1000, 10);
	img = expose(s, &e);
	double base = patch_mean(img, 30);

	free(img);
	e.gain_q4 = 32;
	img = expose(s, &e);
	ck_assert_double_eq_tol(patch_mean(img, 30) / base, 2.0, 0.1);
	free(img);
	e.gain_q4 = 16;
	e.intensity[1] = 64;
	img = expose(s, &e);
	ck_assert_double_eq_tol(patch_mean(img, 30) / base, 64.0 / 255.0, 0.03);
	free(img);
	pv_scene_free(s);
}
END_TEST

/* Noise from two frames of the same scene: std(a - b) / sqrt(2). */
static double relative_noise(const struct pv_scene *s, uint32_t us)
{
	struct pv_exposure e = exposure(us, 10);
	float *a = expose(s, &e), *b;
	double sum = 0, sum2 = 0, n = 0;

	e.noise_seed = 99;
	b = expose(s, &e);
	for (int y = H / 2 - 20; y < H / 2 + 20; y++)
		for (int x = W / 2 - 20; x < W / 2 + 20; x++) {
			double d = a[y * W + x] - b[y * W + x];

			sum += d;
			sum2 += d * d;
			n++;
		}
	double sd = sqrt((sum2 - sum * sum / n) / (n - 1) / 2.0);
	double rel = sd / patch_mean(a, 20);

	free(a);
	free(b);
	return rel;
}

START_TEST(test_noise_grows_when_dark)
{
	struct pv_scene_desc d = palm(5);
	struct pv_scene *s = render(&d);
	double bright = relative_noise(s, 4000);
	double dark = relative_noise(s, 100);

	/* shot noise alone gives sqrt(40) = 6.3x; read noise adds to it */
	ck_assert_msg(dark > 5.0 * bright, "dark %f bright %f", dark, bright);
	ck_assert_msg(bright > 0.002, "no noise at all: %f", bright);
	pv_scene_free(s);
}
END_TEST

/* Lit minus unlit frame, in codes, of one scene. */
static float *lit_minus_unlit(const struct pv_scene *s, uint32_t us)
{
	struct pv_exposure e = exposure(us, 10);
	float *lit = expose(s, &e), *unlit;

	e.lit_mask = 0;
	e.noise_seed = 3;
	unlit = expose(s, &e);
	for (size_t i = 0; i < (size_t)W * H; i++)
		lit[i] -= unlit[i];
	free(unlit);
	return lit;
}

START_TEST(test_lit_unlit_cancels_ambient)
{
	struct pv_scene_desc d = palm(6);
	struct pv_scene *dark_room, *bright_room;
	struct pv_exposure e = exposure(1500, 10);
	float *diff_dark, *diff_bright, *lit_dark, *lit_bright;

	dark_room = render(&d);
	d.ambient = 0.5f;
	bright_room = render(&d);
	lit_dark = expose(dark_room, &e);
	lit_bright = expose(bright_room, &e);
	/* ambient really is there in a single frame */
	ck_assert_msg(patch_mean(lit_bright, 30) > 1.15 * patch_mean(lit_dark, 30),
		      "ambient invisible: %f vs %f", patch_mean(lit_bright, 30),
		      patch_mean(lit_dark, 30));
	diff_dark = lit_minus_unlit(dark_room, 1500);
	diff_bright = lit_minus_unlit(bright_room, 1500);
	ck_assert_double_eq_tol(patch_mean(diff_bright, 30),
				patch_mean(diff_dark, 30),
				0.02 * patch_mean(diff_dark, 30));
	free(lit_dark);
	free(lit_bright);
	free(diff_dark);
	free(diff_bright);
	pv_scene_free(dark_room);
	pv_scene_free(bright_room);
}
END_TEST

/*
 * A live palm answers the LED from under the skin, ambient light only from
 * its surface, so lit/unlit (their ratio) maps the veins. A photo answers
 * both the same way: its ratio is flat but for the slow LED falloff. The
 * statistic is the valley energy of the 2x2-binned ratio image.
 */
static double ratio_structure(enum pv_target target)
{
	struct pv_scene_desc d = palm(7);
	struct pv_scene *s;
	struct pv_exposure e = exposure(2500, 10);
	float *lit, *unlit, *ratio;
	double energy;

	d.target = target;
	d.ambient = 0.4f;
	s = render(&d);
	lit = expose(s, &e);
	e.lit_mask = 0;
	e.noise_seed = 11;
	unlit = expose(s, &e);
	ratio = malloc(sizeof(float) * W * H);
	ck_assert(ratio);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int x0 = x & ~1, y0 = y & ~1;
			float l = 0, u = 0;

			for (int j = 0; j < 2; j++)
				for (int i = 0; i < 2; i++) {
					l += lit[(y0 + j) * W + x0 + i];
					u += unlit[(y0 + j) * W + x0 + i];
				}
			ratio[y * W + x] = u > 0 ? l / u : 0;
		}
	energy = valley_energy(ratio, 60, 4);
	free(lit);
	free(unlit);
	free(ratio);
	pv_scene_free(s);
	return energy;
}

START_TEST(test_photo_lacks_subsurface_response)
{
	double live = ratio_structure(PV_TARGET_PALM);
	double photo = ratio_structure(PV_TARGET_PHOTO);

	ck_assert_msg(live > 2.5 * photo, "live %g photo %g", live, photo);
}
END_TEST

START_TEST(test_photo_shows_veins_in_single_frame)
{
	struct pv_scene_desc d = palm(7);
	struct pv_exposure e = exposure(3000, 10);
	float *photo, *fake;

	d.target = PV_TARGET_PHOTO;
	photo = shoot(&d, &e);
	d.target = PV_TARGET_FAKE;
	fake = shoot(&d, &e);
	/* the print does carry the pattern a single frame can be fooled by */
	ck_assert_msg(valley_energy(photo, 60, 4) > 2.0 * valley_energy(fake, 60, 4),
		      "photo %g fake %g", valley_energy(photo, 60, 4),
		      valley_energy(fake, 60, 4));
	free(photo);
	free(fake);
}
END_TEST

START_TEST(test_fake_has_no_vein_contrast)
{
	struct pv_scene_desc d = palm(8);
	struct pv_exposure e = exposure(3000, 10);
	float *live = shoot(&d, &e), *fake;
	double el, ef;

	d.target = PV_TARGET_FAKE;
	fake = shoot(&d, &e);
	el = valley_energy(live, 60, 4);
	ef = valley_energy(fake, 60, 4);
	ck_assert_msg(el > 3.0 * ef, "live %g fake %g", el, ef);
	free(live);
	free(fake);
}
END_TEST

START_TEST(test_creases_stronger_at_850)
{
	struct pv_scene_desc d = palm(9);
	struct pv_scene *s = render(&d);
	struct pv_exposure e = exposure(3000, 10);
	float *at940 = expose(s, &e), *at850;
	double fine850, fine940;

	e.lit_mask = 1;
	at850 = expose(s, &e);
	/* creases are narrow: look one pixel across */
	fine850 = valley_energy(at850, 60, 1);
	fine940 = valley_energy(at940, 60, 1);
	ck_assert_msg(fine850 > 1.15 * fine940, "850 %g 940 %g", fine850, fine940);
	free(at850);
	free(at940);
	pv_scene_free(s);
}
END_TEST

START_TEST(test_identity_geometry_varies)
{
	double sum_w = 0, sum_w2 = 0, sum_l = 0, sum_l2 = 0;
	int right = 0, n = 40;

	for (int id = 1; id <= n; id++) {
		struct pv_hand h;

		pv_hand_generate(id, &h);
		sum_w += h.palm_hw;
		sum_w2 += h.palm_hw * h.palm_hw;
		sum_l += h.digit[1].length;
		sum_l2 += h.digit[1].length * h.digit[1].length;
		right += h.right;
		/* a hand: the middle finger is the longest, the little the
		 * shortest of the four */
		ck_assert(h.digit[1].length > h.digit[3].length);
		ck_assert(h.digit[0].length > h.digit[3].length);
	}
	ck_assert_msg(sqrt(sum_w2 / n - pow(sum_w / n, 2)) > 1.0,
		      "palm widths barely vary");
	ck_assert_msg(sqrt(sum_l2 / n - pow(sum_l / n, 2)) > 2.0,
		      "finger lengths barely vary");
	ck_assert(right > 5 && right < n - 5);

	/* and it shows in the frame: silhouettes of two identities differ */
	struct pv_scene_desc d = palm(1);
	struct pv_exposure e = exposure(3000, 8);
	float *a, *b;

	d.pose.distance_mm = 100;
	a = shoot(&d, &e);
	d.identity = 2;
	b = shoot(&d, &e);
	double area_a = blob_of(a, 12).area, area_b = blob_of(b, 12).area;

	ck_assert_msg(fabs(area_a - area_b) > 0.01 * area_a, "areas %f %f",
		      area_a, area_b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_pose_moves_hand)
{
	struct pv_scene_desc d = palm(10);
	struct pv_exposure e = exposure(6000, 8);
	/* far enough that the hand fits: 200 mm * 100/60 over H pixels */
	float mm_per_px = 200.0f / H * 100.0f / 60.0f;
	float *base, *moved, *turned;
	struct blob b0, b1, b2;

	d.pose.distance_mm = 100;
	base = shoot(&d, &e);
	d.pose.x_mm = 30;
	moved = shoot(&d, &e);
	d.pose.x_mm = 0;
	d.pose.rotation_deg = 25;
	turned = shoot(&d, &e);
	b0 = blob_of(base, 12);
	b1 = blob_of(moved, 12);
	b2 = blob_of(turned, 12);
	/* up to 3 mm of presentation jitter either way */
	ck_assert_double_eq_tol(b1.cx - b0.cx, 30.0 / mm_per_px, 3.0 / mm_per_px);
	ck_assert_double_eq_tol(b1.cy, b0.cy, 3.0 / mm_per_px);
	ck_assert_double_eq_tol(b2.angle_deg - b0.angle_deg, 25.0, 6.0);
	free(base);
	free(moved);
	free(turned);
}
END_TEST

START_TEST(test_nearer_is_bigger_and_brighter)
{
	struct pv_scene_desc d = palm(11);
	struct pv_exposure e = exposure(2000, 10);
	float *near, *far;
	struct pv_scene *s;

	d.pose.distance_mm = 50;
	s = render(&d);
	/* presentations jitter by up to 1.5 % */
	ck_assert_int_le(abs(pv_scene_distance_mm(s) - 50), 1);
	near = expose(s, &e);
	pv_scene_free(s);
	d.pose.distance_mm = 72;
	s = render(&d);
	far = expose(s, &e);
	pv_scene_free(s);
	ck_assert(patch_mean(near, 20) > 1.1 * patch_mean(far, 20));
	ck_assert(blob_of(near, 40).area > 1.2 * blob_of(far, 40).area);
	free(near);
	free(far);
}
END_TEST

START_TEST(test_distance_report)
{
	struct pv_scene_desc d = palm(1);
	struct pv_scene *s = render(&d);

	ck_assert_int_le(abs(pv_scene_distance_mm(s) - 60), 1);
	pv_scene_free(s);
	d.target = PV_TARGET_NONE;
	s = render(&d);
	ck_assert_int_eq(pv_scene_distance_mm(s), -1);
	pv_scene_free(s);
}
END_TEST

START_TEST(test_ten_bit_range)
{
	struct pv_scene_desc d = palm(12);
	struct pv_exposure e = exposure(40000, 10);
	struct pv_scene *s;
	uint16_t *raw = malloc(sizeof(uint16_t) * W * H);
	int top = 0;

	d.glare = 1.0f;
	d.ambient = 1.0f;
	s = render(&d);
	e.gain_q4 = 256;
	ck_assert_int_eq(pv_scene_expose(s, &e, raw, sizeof(uint16_t) * W * H), 0);
	for (size_t i = 0; i < (size_t)W * H; i++) {
		uint8_t *b = (uint8_t *)&raw[i];
		unsigned int v = b[0] | b[1] << 8;

		ck_assert_uint_le(v, 1023);
		top += v == 1023;
	}
	ck_assert(top > 0);
	pv_scene_free(s);
	free(raw);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct pv_scene_desc d = palm(1);
	struct pv_optics o = optics;
	struct pv_exposure e = exposure(1000, 8);
	struct pv_scene *s;
	uint8_t *buf = malloc(W * H);

	errno = 0;
	ck_assert_ptr_null(pv_scene_render(NULL, &o));
	ck_assert_int_eq(errno, EINVAL);
	o.width = 0;
	ck_assert_ptr_null(pv_scene_render(&d, &o));
	o = optics;
	o.nbanks = 5;
	ck_assert_ptr_null(pv_scene_render(&d, &o));
	o = optics;
	o.wavelength_nm[1] = 0;
	ck_assert_ptr_null(pv_scene_render(&d, &o));
	d.target = 99;
	ck_assert_ptr_null(pv_scene_render(&d, &optics));
	d = palm(1);
	d.pose.rotation_deg = NAN;
	ck_assert_ptr_null(pv_scene_render(&d, &optics));
	d = palm(1);
	d.pose.deform = 2;
	ck_assert_ptr_null(pv_scene_render(&d, &optics));
	d = palm(1);
	d.ambient = -0.1f;
	ck_assert_ptr_null(pv_scene_render(&d, &optics));
	d = palm(1);
	d.pose.distance_mm = 5;
	ck_assert_ptr_null(pv_scene_render(&d, &optics));
	ck_assert_int_eq(errno, EINVAL);

	d = palm(1);
	s = render(&d);
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H - 1), -EINVAL);
	ck_assert_int_eq(pv_scene_expose(NULL, &e, buf, W * H), -EINVAL);
	e.bits = 12;
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), -EINVAL);
	e = exposure(0, 8);
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), -EINVAL);
	e = exposure(1000, 8);
	e.gain_q4 = 0;
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), -EINVAL);
	e = exposure(1000, 8);
	e.intensity[1] = 256;
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), -EINVAL);
	e = exposure(1000, 8);
	e.lit_mask = 4;		/* bank 2 does not exist */
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), -EINVAL);
	e = exposure(1000, 10);
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), -EINVAL);
	e = exposure(1000, 8);
	ck_assert_int_eq(pv_scene_expose(s, &e, buf, W * H), 0);
	pv_scene_free(s);
	pv_scene_free(NULL);
	ck_assert_int_eq(pv_scene_distance_mm(NULL), -1);
	free(buf);
}
END_TEST

/* Reads a binary 8-bit PGM; NULL when absent or not one. */
static float *read_pgm(const char *path, int *w, int *h)
{
	FILE *f = fopen(path, "rb");
	int maxval;
	float *img = NULL;

	if (!f)
		return NULL;
	if (fscanf(f, "P5 %d %d %d", w, h, &maxval) == 3 && maxval == 255 &&
	    fgetc(f) != EOF && *w > 0 && *h > 0 && *w <= 4096 && *h <= 4096) {
		size_t n = (size_t)*w * *h;
		uint8_t *raw = malloc(n);

		img = malloc(n * sizeof(float));
		if (raw && img && fread(raw, 1, n, f) == n) {
			for (size_t i = 0; i < n; i++)
				img[i] = raw[i];
		} else {
			free(img);
			img = NULL;
		}
		free(raw);
	}
	fclose(f);
	return img;
}

struct texture_stats {
	double rel_sd;		/* contrast of the whole patch */
	double fine;		/* valleys a few pixels wide: creases */
	double broad;		/* valleys ten pixels wide: veins */
};

static struct texture_stats stats_of(const float *img, int size)
{
	struct texture_stats t;
	double sum = 0, sum2 = 0, n = (double)size * size;

	for (int i = 0; i < size * size; i++) {
		sum += img[i];
		sum2 += (double)img[i] * img[i];
	}
	t.rel_sd = sqrt(sum2 / n - (sum / n) * (sum / n)) / (sum / n);
	t.fine = valley_energy_at(img, size, size, 12, 12, size - 24, 2);
	t.broad = valley_energy_at(img, size, size, 12, 12, size - 24, 5);
	return t;
}

#define ROI 128
#define DATA "../shared/data/polyu-nir-roi"

/*
 * The realism check: a palm-centre patch of our 850 nm frames, cut and
 * scaled the way PolyU cuts its NIR ROIs (about 50 mm of palm on 128
 * pixels), must have the contrast, crease and vein texture of real ones
 * within a factor of 2. Skips without the real images.
 */
START_TEST(test_texture_like_real_nir)
{
	const struct pv_optics big = { 1280, 800, 2, { 850, 940 } };
	struct texture_stats real = { 0 }, ours = { 0 }, t;
	int nreal = 0, w, h;
	char path[256];

	for (int palm = 1; palm <= 10; palm++) {
		float *img;

		snprintf(path, sizeof(path), DATA "/%03d_1_01_s.pgm", palm);
		img = read_pgm(path, &w, &h);
		if (!img || w != ROI || h != ROI) {
			free(img);
			continue;
		}
		t = stats_of(img, ROI);
		real.rel_sd += t.rel_sd / 10;
		real.fine += t.fine / 10;
		real.broad += t.broad / 10;
		nreal++;
		free(img);
	}
	if (nreal < 10) {
		fprintf(stderr, "test_texture_like_real_nir: skipped, no real "
				"NIR ROIs in %s\n", DATA);
		return;
	}
	for (uint32_t id = 1; id <= 4; id++) {
		struct pv_scene_desc d = palm(id);
		struct pv_exposure e = exposure(3000, 8);
		struct pv_scene *s = pv_scene_render(&d, &big);
		uint8_t *raw = malloc(1280 * 800);
		float *roi = malloc(sizeof(float) * ROI * ROI);
		/* 200 px = 50 mm at 0.25 mm per pixel, to 128 px */
		float step = 200.0f / ROI;

		ck_assert(s && raw && roi);
		e.lit_mask = 1;
		ck_assert_int_eq(pv_scene_expose(s, &e, raw, 1280 * 800), 0);
		for (int y = 0; y < ROI; y++)
			for (int x = 0; x < ROI; x++) {
				float fx = 540 + x * step, fy = 300 + y * step;
				float a = 0;

				/* area average of the source pixels */
				for (int j = 0; j < 2; j++)
					for (int i = 0; i < 2; i++)
						a += raw[(int)(fy + j * step / 2) * 1280 +
							 (int)(fx + i * step / 2)];
				roi[y * ROI + x] = a / 4;
			}
		t = stats_of(roi, ROI);
		ours.rel_sd += t.rel_sd / 4;
		ours.fine += t.fine / 4;
		ours.broad += t.broad / 4;
		free(raw);
		free(roi);
		pv_scene_free(s);
	}
	fprintf(stderr, "texture: real sd %.4f fine %.4f broad %.4f; "
			"ours sd %.4f fine %.4f broad %.4f\n", real.rel_sd,
		real.fine, real.broad, ours.rel_sd, ours.fine, ours.broad);
	ck_assert_double_eq_tol(log(ours.rel_sd / real.rel_sd), 0, log(2.0));
	ck_assert_double_eq_tol(log(ours.fine / real.fine), 0, log(2.0));
	ck_assert_double_eq_tol(log(ours.broad / real.broad), 0, log(2.0));
}
END_TEST

static Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_noise_seed_changes_noise_only);
	tcase_add_test(tc, test_response_linear_monotonic_saturating);
	tcase_add_test(tc, test_noise_grows_when_dark);
	tcase_add_test(tc, test_lit_unlit_cancels_ambient);
	tcase_add_test(tc, test_photo_lacks_subsurface_response);
	tcase_add_test(tc, test_photo_shows_veins_in_single_frame);
	tcase_add_test(tc, test_fake_has_no_vein_contrast);
	tcase_add_test(tc, test_creases_stronger_at_850);
	tcase_add_test(tc, test_identity_geometry_varies);
	tcase_add_test(tc, test_pose_moves_hand);
	tcase_add_test(tc, test_nearer_is_bigger_and_brighter);
	tcase_add_test(tc, test_distance_report);
	tcase_add_test(tc, test_ten_bit_range);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_texture_like_real_nir);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(render_suite());
}
