// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ROI pose on the project's own renderer (emulator/render), whose frames
 * know their ground truth: the ROI must turn with the hand, whichever hand
 * it is, wherever it sits, with fingers open or closed, cut off by the
 * frame edge, and against a dark or a lit background; and the ROIs of one
 * hand's presentations must land on the same part of its palm, also when
 * the fingers leave the top of the frame.
 */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/image.h>
#include <palmvein/roi.h>

#include "check_run.h"
#include "hand.h"
#include "render.h"
#include "render_helpers.h"

#define W 768
#define H 576
/* The renderer adds up to 1.5 degrees of jitter and 3 of tilt. */
#define MAX_ANGLE_ERROR_DEG 10.0f

struct pose_case {
	uint32_t identity;	/* 3, 7 and 10 are right hands, the rest left */
	float x_mm, y_mm, rotation_deg, distance_mm, spread, ambient;
};

static const struct pose_case cases[] = {
	{ 1, 0, 0, 0, 60, 1.0f, 0 },		/* centred, open */
	{ 2, 0, 0, 25, 60, 0.8f, 0 },		/* turned left */
	{ 3, 0, 0, -25, 60, 0.8f, 0 },		/* turned right */
	{ 4, 10, -15, 15, 70, 0.6f, 0 },	/* low, far */
	{ 5, 0, 18, -10, 55, 0.7f, 0 },		/* high: fingertips cut off */
	{ 6, -15, 5, 20, 60, 0.15f, 0 },	/* fingers closed */
	{ 7, 12, 0, -20, 65, 0.2f, 0 },		/* fingers closed, turned */
	{ 8, 0, 0, 10, 60, 0.8f, 0.10f },	/* room light behind the hand */
	{ 9, -8, 8, -15, 65, 0.5f, 0.12f },	/* room light, moved */
	{ 10, 5, -5, 28, 60, 0.9f, 0.05f },	/* dim room light */
};

static float angle_error(float got, float want)
{
	float e = fmodf(got - want + 540.0f, 360.0f) - 180.0f;

	return fabsf(e);
}

START_TEST(roi_follows_rendered_pose)
{
	const struct pose_case *c = &cases[_i];
	struct pv_scene_desc desc = {
		.target = PV_TARGET_PALM,
		.identity = c->identity,
		.pose = { c->x_mm, c->y_mm, c->rotation_deg, c->distance_mm,
			  c->spread, 0.2f, 1000u + c->identity },
		.ambient = c->ambient,
	};
	struct pv_exposure exp = {
		.exposure_us = (uint32_t)(4000.0f * c->distance_mm * c->distance_mm /
					  3600.0f),
		.gain_q4 = 16, .intensity = { 0, 128 }, .max_intensity = { 255, 255 },
		.lit_mask = 1u << 1, .bits = 8, .noise_seed = c->identity,
	};
	uint8_t *frame = test_render_frame(&desc, &exp, W, H);
	struct pv_roi *roi = malloc(sizeof(*roi));
	enum pv_roi_status status;
	struct pv_image img;
	float err;

	ck_assert_ptr_nonnull(roi);
	ck_assert_int_eq(pv_image_wrap(&img, W, H, W, 8, frame), 0);
	ck_assert_msg(pv_roi_extract(&img, roi, &status) == 0,
		      "case %d: no ROI: %s", _i, pv_roi_status_str(status));
	err = angle_error(roi->geom.angle_deg, c->rotation_deg);
	ck_assert_msg(err <= MAX_ANGLE_ERROR_DEG,
		      "case %d: ROI at %.1f degrees, hand at %.1f", _i,
		      roi->geom.angle_deg, c->rotation_deg);
	free(roi);
	free(frame);
}
END_TEST

/* Presentations drawn as `pv-render-set --seed 1 --nuisance K` draws them. */
#define KIOSK_SET_SEED 1

#define KIOSK_FRAMES 24

/* Over random presentations: nearly all give an ROI, none points the wrong
 * way, and hardly any is more than 10 degrees off. */
START_TEST(roi_on_kiosk_presentations)
{
	struct pv_roi *roi = malloc(sizeof(*roi));
	int found = 0, flipped = 0, off = 0;

	ck_assert_ptr_nonnull(roi);
	for (uint32_t k = 0; k < KIOSK_FRAMES; k++) {
		struct pv_scene_desc desc;
		struct pv_exposure exp;
		enum pv_roi_status status;
		struct pv_image img;
		uint8_t *frame;
		int ret;
		float err;

		pv_presentation_draw(KIOSK_SET_SEED, 201 + k, 1, 1.0f, &desc, &exp);
		frame = test_render_frame(&desc, &exp, W, H);
		ck_assert_int_eq(pv_image_wrap(&img, W, H, W, 8, frame), 0);
		ret = pv_roi_extract(&img, roi, &status);
		free(frame);
		if (ret != 0) {
			printf("test_roi_render: identity %u: %s\n", 201 + k,
			       pv_roi_status_str(status));
			continue;
		}
		found++;
		err = angle_error(roi->geom.angle_deg, desc.pose.rotation_deg);
		flipped += err > 90.0f;
		off += err > MAX_ANGLE_ERROR_DEG && err <= 90.0f;
	}
	printf("test_roi_render: %d/%d ROIs, %d turned round, %d more than %.0f degrees off\n",
	       found, KIOSK_FRAMES, flipped, off, MAX_ANGLE_ERROR_DEG);
	ck_assert_int_ge(found, KIOSK_FRAMES - 1);
	ck_assert_int_eq(flipped, 0);
	ck_assert_int_le(off, 3);
	free(roi);
}
END_TEST

/* The camera of pv_scene_render(): the short side spans 200 mm at 60 mm. */
#define FIELD_MM 200.0f
#define NOMINAL_MM 60.0f

/* One ROI in the hand's own millimetres (palm centre origin, +v to the
 * fingers, thumb at -u) by the drawn pose, as pv-render-set --truth. */
struct hand_roi {
	float u, v, angle_deg, side_mm;
};

static void roi_on_hand(const struct pv_scene_desc *desc, const struct pv_optics *optics,
			const struct pv_roi_geometry *g, struct hand_roi *out)
{
	const float w = (float)optics->width, h = (float)optics->height;
	const float px_per_mm = (w < h ? w : h) / FIELD_MM * NOMINAL_MM /
				desc->pose.distance_mm;
	const float rot = desc->pose.rotation_deg * (float)(M_PI / 180.0);
	float dx = (g->cx - (w / 2.0f - 0.5f)) / px_per_mm - desc->pose.x_mm;
	float dy = ((h / 2.0f - 0.5f) - g->cy) / px_per_mm - desc->pose.y_mm;
	struct pv_hand hand;

	pv_hand_generate(desc->identity, &hand);
	out->u = cosf(rot) * dx + sinf(rot) * dy;
	out->v = cosf(rot) * dy - sinf(rot) * dx;
	out->angle_deg = g->angle_deg - desc->pose.rotation_deg;
	if (!hand.right) {
		out->u = -out->u;
		out->angle_deg = -out->angle_deg;
	}
	out->side_mm = g->side_px / px_per_mm;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static float median(const float *v, int n)
{
	float s[16];

	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_float);
	return n % 2 ? s[n / 2] : 0.5f * (s[n / 2 - 1] + s[n / 2]);
}

#define SET_PRESENTATIONS 6

/*
 * Renders presentations 1..6 of @identity at nuisance @k and counts the
 * ROIs that lie on the same part of the palm as the hand's other ROIs:
 * centre within @max_mm of their median, angle within @max_deg, side
 * within @max_scale. Returns that count; *found gets the ROIs found.
 */
static int consistent_rois(uint32_t identity, float k, float max_mm, float max_deg,
			   float max_scale, int *found)
{
	const struct pv_optics optics = { W, H, 2, { 850, 940 } };
	struct pv_roi *roi = malloc(sizeof(*roi));
	float u[SET_PRESENTATIONS], v[SET_PRESENTATIONS], a[SET_PRESENTATIONS];
	float side[SET_PRESENTATIONS], mu, mv, ma, ms;
	int n = 0, good = 0;

	ck_assert_ptr_nonnull(roi);
	for (unsigned int p = 1; p <= SET_PRESENTATIONS; p++) {
		struct pv_scene_desc desc;
		struct pv_exposure exp;
		enum pv_roi_status status;
		struct pv_image img;
		struct hand_roi h;
		uint8_t *frame;
		int ret;

		pv_presentation_draw(KIOSK_SET_SEED, identity, p, k, &desc, &exp);
		frame = test_render_frame(&desc, &exp, W, H);
		ck_assert_int_eq(pv_image_wrap(&img, W, H, W, 8, frame), 0);
		ret = pv_roi_extract(&img, roi, &status);
		free(frame);
		if (ret != 0)
			continue;
		roi_on_hand(&desc, &optics, &roi->geom, &h);
		u[n] = h.u;
		v[n] = h.v;
		a[n] = h.angle_deg;
		side[n] = h.side_mm;
		n++;
	}
	*found = n;
	if (n) {
		mu = median(u, n);
		mv = median(v, n);
		ma = median(a, n);
		ms = median(side, n);
		for (int i = 0; i < n; i++) {
			bool ok = hypotf(u[i] - mu, v[i] - mv) <= max_mm &&
				  angle_error(a[i], ma) <= max_deg &&
				  fabsf(side[i] / ms - 1.0f) <= max_scale;

			good += ok;
			if (!ok)
				printf("test_roi_render: identity %u at nuisance %.0f: ROI %.1f mm,"
				       " %.1f degrees, %.1f %% from the hand's others\n", identity,
				       (double)k, (double)hypotf(u[i] - mu, v[i] - mv),
				       (double)angle_error(a[i], ma),
				       (double)(100.0f * (side[i] / ms - 1.0f)));
		}
	}
	free(roi);
	return good;
}

/*
 * Steady hands (nuisance 0: only noise, 1.5 degrees and 1.5 mm of jitter
 * and a slight tilt differ): every ROI of a hand on the same part of the
 * palm, well inside what the matcher searches (16 ROI pixels, about 8 mm;
 * 6 degrees; 5 %). The hands are the ones of pv-render-set's seed-1 set
 * whose ROIs jumped (valley triple with the thumb, Otsu's mask shrinking).
 */
START_TEST(roi_same_on_steady_hands)
{
	static const uint32_t ids[] = { 1, 4, 5, 11, 14, 29 };
	int found, good;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		good = consistent_rois(ids[i], 0.0f, 5.0f, 4.0f, 0.05f, &found);
		ck_assert_int_eq(found, SET_PRESENTATIONS);
		ck_assert_msg(good == SET_PRESENTATIONS, "identity %u: %d of %d ROIs agree",
			      ids[i], good, found);
	}
}
END_TEST

#define KIOSK_IDENTITIES 8
#define MIN_KIOSK_CONSISTENT 39

/*
 * The full kiosk range: most ROIs of a hand still land on the same part of
 * the palm (closed fingers and room light move some).
 */
START_TEST(roi_mostly_same_on_kiosk_hands)
{
	int found, good, all_found = 0, all_good = 0;

	for (uint32_t id = 301; id < 301 + KIOSK_IDENTITIES; id++) {
		good = consistent_rois(id, 1.0f, 8.0f, 6.0f, 0.08f, &found);
		all_found += found;
		all_good += good;
	}
	printf("test_roi_render: full nuisance: %d ROIs of %d presentations, %d on the"
	       " same part of the palm as their hand's others\n", all_found,
	       KIOSK_IDENTITIES * SET_PRESENTATIONS, all_good);
	ck_assert_int_ge(all_found, KIOSK_IDENTITIES * SET_PRESENTATIONS - 1);
	ck_assert_int_ge(all_good, MIN_KIOSK_CONSISTENT);
}
END_TEST

/*
 * Presentations of `pv-render-set --seed 1` (1280x800, full nuisance) whose
 * palm is whole in the frame while the fingers leave its top edge, under
 * room light: the mask joins the fingers with lit background along the
 * edge (0014_03, 0051_06, 0450_02: hands at 51-64 mm), or the saturated
 * background beside them counts as hand (0242_04, 0334_05, 0456_05). With
 * the frame edge counted as hand the inscribed circle sat on the fingers
 * and each was refused; the ROI must be on the palm, pointing up the hand.
 */
/* A presentation of the KIOSK_SET_SEED set: `pv-render-set --seed 1`. */
struct presentation {
	uint32_t identity;
	unsigned int pres;
};

static const struct presentation fingers_off_top[] = {
	{ 14, 3 }, { 51, 6 }, { 450, 2 }, { 242, 4 }, { 334, 5 }, { 456, 5 },
};

/* Of that set's accepted ROIs 95 % had their centre within 0.26 sides of
 * the palm centre, 99 % within 0.35 (the ROI sits 0.3 R towards the
 * fingers), sides of 1.45 R then: 0.3 of those, on today's 2 R sides. */
#define MAX_CENTRE_SIDES (0.3f * 1.45f / 2.0f)

/*
 * Draws presentation @p (full nuisance, without its room light unless @lit)
 * in a frame of @width x @height and extracts its ROI, which must be found;
 * fills @desc with the drawn pose.
 */
static void roi_of_presentation(uint32_t width, uint32_t height, struct presentation p,
				bool lit, struct pv_scene_desc *desc, struct pv_roi *roi)
{
	struct pv_exposure exp;
	enum pv_roi_status status;
	struct pv_image img;
	uint8_t *frame;

	pv_presentation_draw(KIOSK_SET_SEED, p.identity, p.pres, 1.0f, desc, &exp);
	if (!lit)
		desc->ambient = 0;
	frame = test_render_frame(desc, &exp, width, height);
	ck_assert_int_eq(pv_image_wrap(&img, width, height, width, 8, frame), 0);
	ck_assert_msg(pv_roi_extract(&img, roi, &status) == 0, "%04u_%02u: no ROI: %s",
		      p.identity, p.pres, pv_roi_status_str(status));
	free(frame);
}

/* The ROI of @p in a frame of @width x @height is on the palm and points up
 * the hand. */
static void assert_roi_on_palm(uint32_t width, uint32_t height, struct presentation p)
{
	const struct pv_optics optics = { width, height, 2, { 850, 940 } };
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_scene_desc desc;
	struct hand_roi h;
	float err;

	ck_assert_ptr_nonnull(roi);
	roi_of_presentation(width, height, p, true, &desc, roi);
	err = angle_error(roi->geom.angle_deg, desc.pose.rotation_deg);
	ck_assert_msg(err <= MAX_ANGLE_ERROR_DEG, "%04u_%02u: ROI at %.1f degrees, hand at %.1f",
		      p.identity, p.pres, (double)roi->geom.angle_deg,
		      (double)desc.pose.rotation_deg);
	roi_on_hand(&desc, &optics, &roi->geom, &h);
	ck_assert_msg(hypotf(h.u, h.v) <= MAX_CENTRE_SIDES * h.side_mm,
		      "%04u_%02u: ROI centre %.1f mm from the palm centre, side %.1f mm",
		      p.identity, p.pres, (double)hypotf(h.u, h.v), (double)h.side_mm);
	free(roi);
}

/* A presentation of `pv-render-set --seed S --size WxH --pairs`. */
struct paired_presentation {
	uint64_t seed;
	uint32_t width, height, identity;
	unsigned int pres;
};

/*
 * Lit-minus-unlit frames (full nuisance) where a wide V completed the
 * valley triple and turned the ROI by 10-22 degrees: seed 1's hold a glare
 * spot on the hand's edge or a fallback mask's thumb gap (opening
 * 1.55-2.41); on the others the dim-fingers mask showed the thumb gap wide
 * (1.65-2.26) and Otsu's mask, cutting into the outline, narrowed it to
 * 1.03-1.36. Seed 7's 0077_03 (two fingers touching) has the thumb gap
 * at 1.43 on the dim-fingers mask, in a triple refused as a thumb triple,
 * and 1.18 on Otsu's, where the triple passed: 25 degrees off. (0089_05
 * now takes the axis of its closed fingers, whose ROI sits high on the
 * palm: only the angle is asserted.)
 */
static const struct paired_presentation wide_v_in_triple[] = {
	{ 1, 768, 576, 82, 4 }, { 1, 768, 576, 89, 5 }, { 1, 768, 576, 92, 6 },
	{ 7, 768, 576, 86, 4 }, { 7, 768, 576, 77, 3 }, { 12, 1280, 800, 10, 6 },
	{ 12, 1280, 800, 13, 5 },
};

/* Draws the lit/unlit pair @p and extracts its ROI, which must be found;
 * fills @desc with the lit frame's drawn pose. */
static void paired_roi(struct paired_presentation p, struct pv_scene_desc *desc,
		       struct pv_roi *roi)
{
	struct pv_image img[2];
	enum pv_roi_status status;
	uint8_t *frame[2];

	test_render_pair(p.seed, p.identity, p.pres, p.width, p.height, desc, frame);
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(pv_image_wrap(&img[k], p.width, p.height, p.width, 8,
					       frame[k]), 0);
	ck_assert_msg(pv_roi_extract_pair(&img[0], &img[1], roi, &status) == 0,
		      "seed %u %04u_%02u: no ROI: %s",
		      (unsigned int)p.seed, p.identity, p.pres, pv_roi_status_str(status));
	free(frame[0]);
	free(frame[1]);
}

/* The ROI of the lit/unlit pair @p turns with the hand, to within @max_deg. */
static void assert_paired_roi_turns_with_hand(struct paired_presentation p, float max_deg)
{
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_scene_desc desc;
	float err;

	ck_assert_ptr_nonnull(roi);
	paired_roi(p, &desc, roi);
	err = angle_error(roi->geom.angle_deg, desc.pose.rotation_deg);
	ck_assert_msg(err <= max_deg,
		      "seed %u %04u_%02u: ROI at %.1f degrees, hand at %.1f",
		      (unsigned int)p.seed, p.identity, p.pres, (double)roi->geom.angle_deg,
		      (double)desc.pose.rotation_deg);
	free(roi);
}

START_TEST(roi_on_palm_without_wide_valleys)
{
	assert_paired_roi_turns_with_hand(wide_v_in_triple[_i], MAX_ANGLE_ERROR_DEG);
}
END_TEST

/*
 * Closed fingers, lit-minus-unlit frames (full nuisance) whose thumb gap
 * completed the valley triple: 16-21 degrees off. 0270_06 and 0459_03
 * show one mask only, the thumb valley at 1.09-1.10 R from the palm
 * centre (a right triple's line lies farther); 0352_03's dim-fingers mask
 * shows the thumb gap standing apart, and Otsu's, cutting into the
 * outline, put it into a triple with two finger gaps. Seed 12's 0096_02
 * was 13 degrees off and now takes the axis of its closed fingers.
 */
static const struct paired_presentation thumb_in_triple[] = {
	{ 1, 1280, 800, 270, 6 }, { 1, 1280, 800, 459, 3 }, { 1, 1280, 800, 352, 3 },
	{ 12, 1280, 800, 96, 2 },
};

START_TEST(roi_on_palm_without_thumb_valley)
{
	assert_paired_roi_turns_with_hand(thumb_in_triple[_i], MAX_ANGLE_ERROR_DEG);
}
END_TEST

/*
 * A thumb held against the index finger, or glare filling the thumb gap,
 * widens the palm at the finger base and pulls the inscribed circle
 * towards the thumb: the line from the circle to the valleys turned these
 * ROIs 9-16 degrees from the hand. Up now starts from the palm's ridge
 * below the circle (2-3 degrees off).
 */
static const struct paired_presentation thumb_widens_palm[] = {
	{ 1, 1280, 800, 229, 1 }, { 1, 1280, 800, 431, 2 }, { 1, 1280, 800, 384, 1 },
	{ 1, 1280, 800, 495, 4 }, { 1, 1280, 800, 307, 1 }, { 1, 1280, 800, 254, 1 },
};
#define THUMB_MAX_ANGLE_ERROR_DEG 6.0f

START_TEST(roi_turns_with_palm_beside_closed_thumb)
{
	assert_paired_roi_turns_with_hand(thumb_widens_palm[_i], THUMB_MAX_ANGLE_ERROR_DEG);
}
END_TEST

/*
 * Two presentations of one hand (lit/unlit pairs, 1280x800): the first
 * shows its valleys on the dim-fingers mask, the second only on Otsu's,
 * whose level cuts into the LED-lit hand's dim outline. The palm, and with
 * it the ROI's size, came from the mask that showed the valleys, and the
 * two ROIs differed by 11-16 % in the hand's millimetres; both now take the
 * palm from the dim-fingers mask (2-3 % apart).
 */
static const struct paired_presentation valleys_on_two_masks[][2] = {
	{ { 1, 1280, 800, 408, 2 }, { 1, 1280, 800, 408, 5 } },
	{ { 1, 1280, 800, 465, 6 }, { 1, 1280, 800, 465, 2 } },
	{ { 1, 1280, 800, 167, 6 }, { 1, 1280, 800, 167, 4 } },
	{ { 1, 1280, 800, 393, 5 }, { 1, 1280, 800, 393, 6 } },
	{ { 1, 1280, 800, 316, 1 }, { 1, 1280, 800, 316, 6 } },
};
#define MAX_PAIRED_SIDE_ERROR 0.06f

START_TEST(roi_size_same_whichever_mask_shows_valleys)
{
	const struct pv_optics optics = { 1280, 800, 2, { 850, 940 } };
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_scene_desc desc;
	struct hand_roi h[2];
	float ratio;

	ck_assert_ptr_nonnull(roi);
	for (int k = 0; k < 2; k++) {
		paired_roi(valleys_on_two_masks[_i][k], &desc, roi);
		roi_on_hand(&desc, &optics, &roi->geom, &h[k]);
	}
	ratio = h[1].side_mm / h[0].side_mm;
	ck_assert_msg(fabsf(ratio - 1.0f) <= MAX_PAIRED_SIDE_ERROR,
		      "%04u: ROI sides %.1f and %.1f mm",
		      valleys_on_two_masks[_i][0].identity, (double)h[0].side_mm,
		      (double)h[1].side_mm);
	free(roi);
}
END_TEST

/*
 * Lit/unlit pairs (1280x800) with a glare spot off the hand beside it: the
 * spot's glow joined the thumb to the index finger, or the hand to the
 * background, on the dim-fingers mask, and the inscribed circle climbed to
 * the finger base: the ROIs' centres lay 29-39 mm from the drawn palm
 * centre, their sides 6-16 % above the median of their hand's others.
 */
static const struct paired_presentation glow_beside_hand[] = {
	{ 1, 1280, 800, 229, 1 }, { 1, 1280, 800, 289, 2 }, { 1, 1280, 800, 495, 4 },
	{ 1, 1280, 800, 368, 4 }, { 1, 1280, 800, 254, 1 },
};

/* The ROI of the lit/unlit pair @p lies on the drawn palm. */
static void assert_paired_roi_on_palm(struct paired_presentation p)
{
	const struct pv_optics optics = { p.width, p.height, 2, { 850, 940 } };
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_scene_desc desc;
	struct hand_roi h;

	ck_assert_ptr_nonnull(roi);
	paired_roi(p, &desc, roi);
	roi_on_hand(&desc, &optics, &roi->geom, &h);
	ck_assert_msg(hypotf(h.u, h.v) <= MAX_CENTRE_SIDES * h.side_mm,
		      "%04u_%02u: ROI centre %.1f mm from the palm centre, side %.1f mm",
		      p.identity, p.pres, (double)hypotf(h.u, h.v), (double)h.side_mm);
	free(roi);
}

START_TEST(roi_on_palm_beside_glare)
{
	assert_paired_roi_on_palm(glow_beside_hand[_i]);
}
END_TEST

/*
 * Lit/unlit pairs (1280x800) whose palm came from the dim-fingers mask,
 * where glow between closed fingers, a closed thumb or glow round a glare
 * spot on them filled the finger base, and the inscribed circle climbed
 * there: the ROIs' centres lay 27-50 mm from the drawn palm centre, their
 * sides 6-11 % above the median of their hand's others. 0151_05 shows no
 * valleys (its ROI takes the axis), the others do.
 */
static const struct paired_presentation slots_filled_by_glow[] = {
	{ 1, 1280, 800, 151, 5 }, { 1, 1280, 800, 307, 1 }, { 1, 1280, 800, 384, 1 },
	{ 1, 1280, 800, 417, 6 }, { 1, 1280, 800, 128, 6 },
};

START_TEST(roi_on_palm_when_glow_fills_slots)
{
	assert_paired_roi_on_palm(slots_filled_by_glow[_i]);
}
END_TEST

/*
 * Lit/unlit pairs (1280x800) whose fingers are closed so tightly that no
 * mask shows valleys: the ROI takes the hand's axis. Closed fingers are as
 * wide as the palm, and the inscribed circle climbed towards them: the
 * ROIs' centres lay 23-31 mm from the drawn palm centre, 9-16 mm further
 * than the 0.3 R the ROI sits above it by design.
 */
static const struct paired_presentation fingers_closed_tight[] = {
	{ 1, 1280, 800, 89, 5 }, { 1, 1280, 800, 277, 2 }, { 1, 1280, 800, 389, 3 },
	{ 1, 1280, 800, 438, 4 },
};

START_TEST(roi_on_palm_when_fingers_closed)
{
	assert_paired_roi_on_palm(fingers_closed_tight[_i]);
}
END_TEST

START_TEST(roi_on_palm_when_fingers_leave_top)
{
	assert_roi_on_palm(1280, 800, fingers_off_top[_i]);
}
END_TEST

/*
 * Presentations of `pv-render-set --size 768x576` (seed 1, full nuisance)
 * under room light (ambient 0.10-0.13) where the cubic background model
 * fell short of the window's glow: the lit background joined the mask, no
 * valleys were found and the blob, 40 % of the frame, was taken for a
 * palm-centre crop (axis-aligned: 13-29 degrees off the hand, or 0.32
 * sides off the palm centre). With the model refined locally the valleys
 * show.
 */
static const struct presentation glow_taken_as_hand[] = {
	{ 30, 1 }, { 32, 3 }, { 34, 3 }, { 37, 4 }, { 83, 3 }, { 96, 5 },
};

START_TEST(roi_on_palm_when_glow_joins_mask)
{
	assert_roi_on_palm(768, 576, glow_taken_as_hand[_i]);
}
END_TEST

/*
 * Presentations of `pv-render-set --size 768x576` (seed 1, full nuisance)
 * under room light (ambient 0.04-0.13) with no valleys on any mask, whose
 * fingers all but vanished from it beyond 1.4 radii of the palm centre
 * (chords 0, 4 and 39 mask pixels against 258, 275 and 256 on the wrist's
 * side): the wider end was taken for the fingers and the ROI pointed down
 * the hand (163-178 degrees off). The principal axis itself is 3-13
 * degrees off on these hands, so the bound is looser than elsewhere.
 */
static const struct presentation fingers_lost[] = {
	{ 15, 1 }, { 40, 5 }, { 48, 4 },
};

#define MAX_AXIS_ERROR_DEG 20.0f

START_TEST(roi_points_up_when_fingers_lost)
{
	struct pv_roi *roi = malloc(sizeof(*roi));
	struct pv_scene_desc desc;
	float err;

	ck_assert_ptr_nonnull(roi);
	roi_of_presentation(W, H, fingers_lost[_i], true, &desc, roi);
	err = angle_error(roi->geom.angle_deg, desc.pose.rotation_deg);
	ck_assert_msg(err <= MAX_AXIS_ERROR_DEG, "%04u_%02u: ROI at %.1f degrees, hand at %.1f",
		      desc.identity, fingers_lost[_i].pres, (double)roi->geom.angle_deg,
		      (double)desc.pose.rotation_deg);
	free(roi);
}
END_TEST

/*
 * Presentations of `pv-render-set --size 768x576` (seed 1, full nuisance)
 * under room light whose ROI came out 9-10 % smaller than without it:
 * the two-sided mask lost the hand's dim rim, so the inscribed circle
 * touched a side inside the hand. Without the room light the same hand is
 * measured right, so the lit ROI must be as big as the unlit one.
 */
static const struct presentation rim_lost_in_light[] = {
	{ 3, 1 }, { 15, 2 },
};

#define MAX_SIDE_ERROR 0.08f

START_TEST(roi_size_same_under_room_light)
{
	struct pv_roi *lit = malloc(sizeof(*lit)), *unlit = malloc(sizeof(*unlit));
	struct pv_scene_desc desc;
	float ratio;

	ck_assert_ptr_nonnull(lit);
	ck_assert_ptr_nonnull(unlit);
	roi_of_presentation(W, H, rim_lost_in_light[_i], true, &desc, lit);
	ck_assert_float_gt(desc.ambient, 0.0f);
	roi_of_presentation(W, H, rim_lost_in_light[_i], false, &desc, unlit);
	ratio = lit->geom.side_px / unlit->geom.side_px;
	ck_assert_msg(fabsf(ratio - 1.0f) <= MAX_SIDE_ERROR,
		      "%04u_%02u: ROI side %.1f px under room light, %.1f px without",
		      rim_lost_in_light[_i].identity, rim_lost_in_light[_i].pres,
		      (double)lit->geom.side_px, (double)unlit->geom.side_px);
	free(lit);
	free(unlit);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("roi_render");
	TCase *tc = tcase_create("pose");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, roi_follows_rendered_pose, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, roi_on_kiosk_presentations);
	tcase_add_test(tc, roi_same_on_steady_hands);
	tcase_add_test(tc, roi_mostly_same_on_kiosk_hands);
	tcase_add_loop_test(tc, roi_on_palm_when_fingers_leave_top, 0,
			    (int)(sizeof(fingers_off_top) / sizeof(fingers_off_top[0])));
	tcase_add_loop_test(tc, roi_on_palm_when_glow_joins_mask, 0,
			    (int)(sizeof(glow_taken_as_hand) / sizeof(glow_taken_as_hand[0])));
	tcase_add_loop_test(tc, roi_size_same_under_room_light, 0,
			    sizeof(rim_lost_in_light) / sizeof(rim_lost_in_light[0]));
	tcase_add_loop_test(tc, roi_on_palm_without_wide_valleys, 0,
			    (int)(sizeof(wide_v_in_triple) / sizeof(wide_v_in_triple[0])));
	tcase_add_loop_test(tc, roi_on_palm_without_thumb_valley, 0,
			    (int)(sizeof(thumb_in_triple) / sizeof(thumb_in_triple[0])));
	tcase_add_loop_test(tc, roi_size_same_whichever_mask_shows_valleys, 0,
			    (int)(sizeof(valleys_on_two_masks) / sizeof(valleys_on_two_masks[0])));
	tcase_add_loop_test(tc, roi_on_palm_beside_glare, 0,
			    (int)(sizeof(glow_beside_hand) / sizeof(glow_beside_hand[0])));
	tcase_add_loop_test(tc, roi_on_palm_when_glow_fills_slots, 0,
			    (int)(sizeof(slots_filled_by_glow) / sizeof(slots_filled_by_glow[0])));
	tcase_add_loop_test(tc, roi_on_palm_when_fingers_closed, 0,
			    (int)(sizeof(fingers_closed_tight) / sizeof(fingers_closed_tight[0])));
	tcase_add_loop_test(tc, roi_turns_with_palm_beside_closed_thumb, 0,
			    (int)(sizeof(thumb_widens_palm) / sizeof(thumb_widens_palm[0])));
	tcase_add_loop_test(tc, roi_points_up_when_fingers_lost, 0,
			    (int)(sizeof(fingers_lost) / sizeof(fingers_lost[0])));
	suite_add_tcase(s, tc);
	return check_run(s);
}
