// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Frame to score on the renderer's hands: the same palm with its fingers
 * closed and spread must still match. Closing the fingers moves the palm
 * centre the ROI is placed on about 8 mm up the hand (docs/accuracy.md);
 * the ROI square is wide enough (2 inscribed radii) for the matcher's
 * shift search to take that up.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include <palmvein/match.h>
#include <palmvein/palmvein.h>

#include "../../lib/match_internal.h"
#include "check_run.h"
#include "render.h"
#include "render_helpers.h"

#define W 768
#define H 576
#define HANDS 8
/* A clear genuine: the EER threshold of the synthetic sets is 0.03-0.04,
 * the highest impostor of real palms 0.016 (PolyU, PUT). With a square
 * of 1.45 radii the lowest of these hands scored 0.08. */
#define MIN_GENUINE_SCORE 0.5f
/* Different hands: 0.047 at most now, 0.149 with the outline cells. */
#define MAX_IMPOSTOR_SCORE 0.1f

static void extract(uint32_t identity, float spread, struct pv_template *t)
{
	const struct pv_scene_desc desc = {
		.target = PV_TARGET_PALM,
		.identity = identity,
		.pose = { 0, 0, 0, 60, spread, 0.3f, 77u + identity },
	};
	const struct pv_exposure exp = {
		.exposure_us = 4000, .gain_q4 = 16, .intensity = { 0, 128 },
		.max_intensity = { 255, 255 }, .lit_mask = 1u << 1, .bits = 8,
		.noise_seed = identity,
	};
	uint8_t *frame = test_render_frame(&desc, &exp, W, H);
	struct pv_image img;

	ck_assert_int_eq(pv_image_wrap(&img, W, H, W, 8, frame), 0);
	ck_assert_int_eq(pv_extract(&img, t, NULL, NULL), 0);
	free(frame);
}

START_TEST(closed_and_spread_fingers_match)
{
	float lowest = 1.0f;

	for (uint32_t id = 1; id <= HANDS; id++) {
		struct pv_template closed, spread;
		struct pv_match_result r;

		extract(id, 0.15f, &closed);
		extract(id, 1.0f, &spread);
		ck_assert_int_eq(pv_match(&closed, &spread, &r), 0);
		printf("test_match_render: hand %u closed vs spread: score %.3f, shift %d,%d\n",
		       id, (double)r.score, r.dx, r.dy);
		if (r.score < lowest)
			lowest = r.score;
	}
	ck_assert_float_ge(lowest, MIN_GENUINE_SCORE);
}
END_TEST

/*
 * Different hands in one pose share their outline and finger slots; the
 * code must not. Cells whose filter reaches over the outline matched
 * across hands: the 500 rendered hands' highest impostor fell from 0.84
 * to 0.66 without them (docs/accuracy.md, "Cells on the outline").
 */
START_TEST(hands_in_one_pose_do_not_match)
{
	struct pv_template t[HANDS];
	float highest = 0;

	for (uint32_t id = 1; id <= HANDS; id++)
		extract(id, 0.4f, &t[id - 1]);
	for (int a = 0; a < HANDS; a++)
		for (int b = a + 1; b < HANDS; b++) {
			struct pv_match_result r;

			ck_assert_int_eq(pv_match(&t[a], &t[b], &r), 0);
			if (r.score > highest)
				highest = r.score;
		}
	printf("test_match_render: highest score of different hands in one pose %.3f\n",
	       (double)highest);
	ck_assert_float_lt(highest, MAX_IMPOSTOR_SCORE);
}
END_TEST

/* A presentation of `pv-render-set --seed 1 --pairs` at 1280x800. */
#define SET_SEED 1
#define SET_W 1280
#define SET_H 800

static void extract_pair(uint32_t identity, unsigned int pres, struct pv_template *t)
{
	struct pv_scene_desc desc;
	struct pv_image img[2];
	uint8_t *frame[2];

	test_render_pair(SET_SEED, identity, pres, SET_W, SET_H, &desc, frame);
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(pv_image_wrap(&img[k], SET_W, SET_H, SET_W, 8, frame[k]), 0);
	ck_assert_int_eq(pv_extract_pair(&img[0], &img[1], t, NULL, NULL), 0);
	free(frame[0]);
	free(frame[1]);
}

/*
 * Genuine pairs of that set whose best alignment lies at scale 0.95 on one
 * side of stage 2's choice and 1.05 on the other, with the translation a
 * cell or two off: the thorough search scored them 0.005-0.19 where trying
 * every alignment gives 0.42-0.78 (now 0.27-0.59).
 */
static const struct {
	uint32_t identity;
	unsigned int pres[2];
} scale_beyond_climb[] = {
	{ 432, { 5, 6 } }, { 258, { 1, 2 } }, { 93, { 1, 2 } },
};

/* Above the set's FAR 0.01 % threshold (0.22 of 4.5 M impostor pairs). */
#define MIN_SCALED_SCORE 0.25f

START_TEST(search_finds_scale_beyond_stage_two)
{
	struct pv_template a, b;
	struct pv_match_result r, e;
	struct pv_probe *probe;

	extract_pair(scale_beyond_climb[_i].identity, scale_beyond_climb[_i].pres[0], &a);
	extract_pair(scale_beyond_climb[_i].identity, scale_beyond_climb[_i].pres[1], &b);
	ck_assert_int_eq(pv_probe_new(&a, &probe), 0);
	ck_assert_int_eq(pv_probe_match(probe, &b, &r), 0);
	ck_assert_int_eq(pv_probe_match_exhaustive(probe, &b, &e), 0);
	pv_probe_free(probe);
	ck_assert_msg(r.score >= MIN_SCALED_SCORE,
		      "%04u: search %.3f at scale %.2f, every alignment %.3f at %.2f",
		      scale_beyond_climb[_i].identity, (double)r.score, (double)r.scale,
		      (double)e.score, (double)e.scale);
}
END_TEST

/*
 * Genuine pairs of that set whose skin the renderer deformed (deform
 * 0.68-0.99): aligned as well as every alignment allows, they scored
 * 0.02-0.07, and 0.94-0.997 rendered without the deformation. Following
 * the skin (match.c) brings them to 0.24-0.59; 0157_02/05 only with the
 * quadratic field (0.42; 0.07 with the affine one alone).
 */
static const struct {
	uint32_t identity;
	unsigned int pres[2];
} deformed[] = {
	{ 477, { 3, 6 } }, { 109, { 2, 3 } }, { 477, { 2, 6 } },
	{ 157, { 2, 5 } },
};

/* Above the set's FAR 0.1 % threshold (0.12). */
#define MIN_DEFORMED_SCORE 0.2f
#define MAX_ALIGNED_SCORE 0.1f

START_TEST(search_follows_deformed_skin)
{
	struct pv_template a, b;
	struct pv_match_result aligned, r;
	struct pv_packed ref;
	struct pv_probe *probe;

	extract_pair(deformed[_i].identity, deformed[_i].pres[0], &a);
	extract_pair(deformed[_i].identity, deformed[_i].pres[1], &b);
	ck_assert_int_eq(pv_probe_new(&a, &probe), 0);
	pv_pack_template(&b, &ref);
	pv_probe_search_aligned(probe, &ref, b.flags & PV_TEMPLATE_UNANCHORED, &aligned);
	ck_assert_int_eq(pv_probe_match(probe, &b, &r), 0);
	pv_probe_free(probe);
	ck_assert_msg(aligned.score < MAX_ALIGNED_SCORE && r.score >= MIN_DEFORMED_SCORE,
		      "%04u: aligned %.3f, following the skin %.3f", deformed[_i].identity,
		      (double)aligned.score, (double)r.score);
}
END_TEST

/* @a's probe against @b: pv_probe_match(). */
static void one_order(const struct pv_template *a, const struct pv_template *b,
		      struct pv_match_result *r)
{
	struct pv_probe *probe;

	ck_assert_int_eq(pv_probe_new(a, &probe), 0);
	ck_assert_int_eq(pv_probe_match(probe, b, r), 0);
	pv_probe_free(probe);
}

/* pv_match() either way round, and a plain gallery's identification,
 * give one score; returns it. */
static float pair_score(const struct pv_template *a, const struct pv_template *b)
{
	struct pv_match_result pair, reversed;
	struct pv_gallery *g;
	struct pv_candidate best;
	struct pv_probe *probe;

	ck_assert_int_eq(pv_match(a, b, &pair), 0);
	ck_assert_int_eq(pv_match(b, a, &reversed), 0);
	ck_assert_float_eq(pair.score, reversed.score);
	ck_assert_int_eq(pv_gallery_new(0, &g), 0);
	ck_assert_int_eq(pv_gallery_add(g, b, 5), 0);
	ck_assert_int_eq(pv_probe_new(a, &probe), 0);
	ck_assert_int_eq(pv_gallery_identify(g, probe, 1, &best, 1), 1);
	pv_probe_free(probe);
	pv_gallery_free(g);
	ck_assert_float_eq(best.score, pair.score);
	return pair.score;
}

/*
 * 0387_04/05 of that set (deform 0.61 and 0.86, glare on both): 0387_04's
 * probe finds 0.23 on 0387_05, below the set's FAR 0.01 % threshold
 * (0.28), and 0387_05's probe 0.71 on 0387_04. The search resamples only
 * the probe; a pair's score takes both orders.
 */
#define MAX_MISSED_SCORE 0.28f
#define MIN_FOUND_SCORE 0.6f

START_TEST(both_orders_find_what_one_misses)
{
	struct pv_template a, b;
	struct pv_match_result ab, ba;

	extract_pair(387, 4, &a);
	extract_pair(387, 5, &b);
	one_order(&a, &b, &ab);
	one_order(&b, &a, &ba);
	ck_assert_msg(ab.score < MAX_MISSED_SCORE && ba.score >= MIN_FOUND_SCORE,
		      "0387_04's probe %.3f, 0387_05's %.3f", (double)ab.score,
		      (double)ba.score);
	ck_assert_float_gt(pair_score(&a, &b), MAX_MISSED_SCORE);
}
END_TEST

/*
 * 0109_02/03 (deform 0.68 and 0.99): 0109_02's probe lands at -3 degrees
 * and scale 0.95, and the skin's fields lift it to 0.24; 0109_03's search
 * lands at -6 degrees, 3 cells off, and scores 0.04, where 0109_02's
 * alignment inverted (+3 degrees, 1.05) gives the skin 0.44. The mean of
 * the two orders was 0.14; with each order's skin also followed from the
 * other's alignment it is 0.34.
 */
#define MIN_FROM_OTHER_GAIN 0.2f

START_TEST(skin_follows_from_the_other_order)
{
	struct pv_template a, b;
	struct pv_match_result ab, ba, from_other;
	struct pv_probe *probe;

	extract_pair(109, 2, &a);
	extract_pair(109, 3, &b);
	one_order(&a, &b, &ab);
	one_order(&b, &a, &ba);
	ck_assert_float_lt(pv_pair_score(ab.score, ba.score), MAX_MISSED_SCORE);
	from_other = ba;
	ck_assert_int_eq(pv_probe_new(&b, &probe), 0);
	ck_assert_int_eq(pv_probe_match_other(probe, &a, &ab, &from_other), 0);
	pv_probe_free(probe);
	ck_assert_msg(from_other.score >= ba.score + MIN_FROM_OTHER_GAIN,
		      "0109_03's probe %.3f, from 0109_02's alignment %.3f",
		      (double)ba.score, (double)from_other.score);
	ck_assert_float_gt(pair_score(&a, &b), MAX_MISSED_SCORE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("match_render");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, closed_and_spread_fingers_match);
	tcase_add_test(tc, hands_in_one_pose_do_not_match);
	tcase_add_loop_test(tc, search_finds_scale_beyond_stage_two, 0,
			    (int)(sizeof(scale_beyond_climb) / sizeof(scale_beyond_climb[0])));
	tcase_add_loop_test(tc, search_follows_deformed_skin, 0,
			    (int)(sizeof(deformed) / sizeof(deformed[0])));
	tcase_add_test(tc, both_orders_find_what_one_misses);
	tcase_add_test(tc, skin_follows_from_the_other_order);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return check_run(s);
}
