// SPDX-License-Identifier: LGPL-2.1-or-later
/* Matcher: distances, alignment recovery, kernels, real-data separation. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>

#include "check_run.h"
#include "../../lib/match_internal.h"
#include "matching_helpers.h"

START_TEST(identical_is_distance_zero)
{
	struct test_field f;
	struct pv_template a;
	struct pv_match_result r;

	test_field_random(&f, 1);
	test_template_from_field(&f, &a, 0, 0, 0, 1);
	ck_assert_int_eq(pv_match(&a, &a, &r), 0);
	ck_assert_float_eq(r.distance, 0.0f);
	ck_assert_float_gt(r.score, 0.999f);
	ck_assert_int_eq(r.dx, 0);
	ck_assert_int_eq(r.dy, 0);
	ck_assert_float_eq(r.rotation_deg, 0.0f);
	ck_assert_float_eq(r.scale, 1.0f);
	ck_assert_uint_eq(r.overlap, 1024);
}
END_TEST

START_TEST(unrelated_scores_low)
{
	struct test_field f, g;
	struct pv_template a, b;
	struct pv_match_result r;

	test_field_random(&f, 2);
	test_field_random(&g, 3);
	test_template_from_field(&f, &a, 0, 0, 0, 1);
	test_template_from_field(&g, &b, 0, 0, 0, 1);
	ck_assert_int_eq(pv_match(&a, &b, &r), 0);
	ck_assert_float_gt(r.distance, 0.35f);
	ck_assert_float_lt(r.score, 0.01f);
}
END_TEST

/* Every shift in range is found, and gives the distance of the overlap. */
START_TEST(recovers_translation)
{
	struct test_field f;
	struct pv_template a, b;
	struct pv_probe *p;

	test_field_random(&f, 4);
	test_template_from_field(&f, &a, 0, 0, 0, 1);
	ck_assert_int_eq(pv_probe_new(&a, &p), 0);
	for (int dy = -PV_MATCH_SHIFT_MAX; dy <= PV_MATCH_SHIFT_MAX; dy++)
		for (int dx = -PV_MATCH_SHIFT_MAX; dx <= PV_MATCH_SHIFT_MAX; dx++) {
			struct pv_match_result r;

			test_template_from_field(&f, &b, (float)dx, (float)dy, 0, 1);
			ck_assert_int_eq(pv_probe_match(p, &b, &r), 0);
			ck_assert_int_eq(r.dx, dx);
			ck_assert_int_eq(r.dy, dy);
			/* A scaled pose may cover a few more cells. */
			ck_assert_uint_ge(r.overlap,
					  (unsigned)((32 - abs(dx)) * (32 - abs(dy))));
			ck_assert_float_lt(r.distance, 0.05f);
			ck_assert_float_gt(r.score, 0.99f);
		}
	pv_probe_free(p);
}
END_TEST

START_TEST(recovers_rotation_and_scale)
{
	static const float rots[] = { -9, -6, -3, 3, 6, 9 };
	static const float scales[] = { 0.95f, 1.05f };
	static const float far_scales[] = { 0.85f, 0.9f, 1.1f, 1.15f };
	struct test_field f;
	struct pv_template a, b;
	struct pv_match_result r;

	test_field_random(&f, 5);
	test_template_from_field(&f, &a, 0, 0, 0, 1);
	for (size_t i = 0; i < 6; i++) {
		test_template_from_field(&f, &b, 0, 0, rots[i], 1);
		ck_assert_int_eq(pv_match(&a, &b, &r), 0);
		/* b is a turned by -rots[i]: the probe must turn back. */
		ck_assert_float_eq(r.rotation_deg, -rots[i]);
		ck_assert_float_gt(r.score, 0.9f);
	}
	for (size_t i = 0; i < 2; i++) {
		test_template_from_field(&f, &b, 0, 0, 0, 1 / scales[i]);
		ck_assert_int_eq(pv_match(&a, &b, &r), 0);
		ck_assert_float_eq(r.scale, scales[i]);
		ck_assert_float_gt(r.score, 0.9f);
	}
	/*
	 * An unanchored ROI's size is as uncertain as its place: the wide
	 * search climbs to scales the others do not try, a step at a time,
	 * so a field whose cost does not fall at the first step can stay.
	 */
	int found[4] = { 0 };

	for (unsigned int seed = 1; seed <= 12; seed++) {
		test_field_random(&f, seed);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		for (size_t i = 0; i < 4; i++) {
			test_template_from_field(&f, &b, 0, 0, 0, 1 / far_scales[i]);
			b.flags |= PV_TEMPLATE_UNANCHORED;
			ck_assert_int_eq(pv_match(&a, &b, &r), 0);
			found[i] += r.scale == far_scales[i] && r.score > 0.9f;
			b.flags &= ~PV_TEMPLATE_UNANCHORED;
			ck_assert_int_eq(pv_match(&a, &b, &r), 0);
			ck_assert_float_le(fabsf(r.scale - 1), 0.05f + 1e-6f);
		}
	}
	/* 0.85 0.9 1.1 1.15 */
	ck_assert_int_ge(found[0], 11);
	ck_assert_int_eq(found[1], 12);
	ck_assert_int_eq(found[2], 12);
	ck_assert_int_ge(found[3], 11);
}
END_TEST

/* @b against @a with the fast, the thorough (pv_probe_match() before it
 * follows the skin) and the exhaustive search. */
static void search_three_ways(const struct pv_template *a, const struct pv_template *b,
			      struct pv_match_result *fast, struct pv_match_result *thorough,
			      struct pv_match_result *exhaustive)
{
	struct pv_packed ref;
	struct pv_probe *p;

	ck_assert_int_eq(pv_probe_new(a, &p), 0);
	ck_assert_int_eq(pv_probe_match_exhaustive(p, b, exhaustive), 0);
	pv_pack_template(b, &ref);
	pv_probe_search_aligned(p, &ref, b->flags & PV_TEMPLATE_UNANCHORED, thorough);
	pv_probe_search(p, &ref, PV_NO_PREFILTER, fast);
	pv_probe_free(p);
}

/* Both searches, the fast one and pv_probe_match()'s thorough one, find
 * what the exhaustive one finds. */
START_TEST(greedy_matches_exhaustive)
{
	struct test_field f;
	struct pv_template a, b;
	int agree = 0, fast_agree = 0, n = 0;

	for (uint32_t seed = 10; seed < 40; seed++) {
		struct pv_match_result rg, rf, re;
		uint32_t s = seed;
		int dx = (int)(test_rand(&s) % 9) - 4, dy = (int)(test_rand(&s) % 9) - 4;
		float rot = (float)((int)(test_rand(&s) % 13) - 6);

		test_field_random(&f, seed);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		test_template_from_field(&f, &b, (float)dx, (float)dy, rot, 1);
		test_perturb(&b, 200, seed);
		search_three_ways(&a, &b, &rf, &rg, &re);
		ck_assert_float_le(rg.score, re.score);
		ck_assert_float_le(rf.score, re.score);
		agree += rg.score >= re.score - 0.02f;
		fast_agree += rf.score >= re.score - 0.02f;
		n++;
	}
	ck_assert_int_ge(agree, n * 9 / 10);
	ck_assert_int_ge(fast_agree, n * 9 / 10);
}
END_TEST

/*
 * A palm turned 6 degrees and moved up to 4 cells, on a field whose match
 * peak is one cell wide (test_field_fine()): at the identity pose, and
 * one cell off the peak, the fast search's 2-cell
 * lattice sees little of it and may settle elsewhere. The thorough search
 * (pv_probe_match) scans every shift at -3, 0 and +3 degrees and finds
 * the exhaustive optimum every time; the fast one must miss some, or this
 * test no longer shows what the thorough search is for.
 */
START_TEST(thorough_reaches_turned_palms)
{
	int fast_missed = 0;

	for (uint32_t seed = 1; seed <= 20; seed++) {
		struct test_field f;
		struct pv_template a, b;
		struct pv_match_result fast, thorough, best;
		uint32_t s = seed * 7919u + 13;
		int dx = (int)(test_rand(&s) % 9) - 4, dy = (int)(test_rand(&s) % 9) - 4;

		test_field_fine(&f, seed);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		test_template_from_field(&f, &b, (float)dx, (float)dy, seed % 2 ? 6 : -6, 1);
		test_perturb(&b, 300, seed);
		search_three_ways(&a, &b, &fast, &thorough, &best);
		ck_assert_msg(thorough.score >= best.score - 0.01f,
			      "seed %u: thorough %.3f, exhaustive %.3f", seed,
			      thorough.score, best.score);
		fast_missed += fast.score < best.score - 0.05f;
	}
	ck_assert_int_ge(fast_missed, 3);
}
END_TEST

/*
 * Finger spread moves the ROI along the hand: the thorough search reaches
 * 8 cells that way (rows, dy), the fast one 4; across the hand (dx) both
 * stop at 4.
 */
START_TEST(thorough_reaches_along_the_hand)
{
	static const int shift[][2] = { { 1, 6 }, { -2, -7 }, { 0, 8 }, { 6, 1 } };

	for (unsigned int k = 0; k < sizeof(shift) / sizeof(shift[0]); k++) {
		struct test_field f;
		struct pv_template a, b;
		struct pv_match_result fast, thorough, best;
		const int dx = shift[k][0], dy = shift[k][1];

		test_field_fine(&f, 300 + k);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		test_template_from_field(&f, &b, (float)dx, (float)dy, 0, 1);
		test_perturb(&b, 150, k);
		search_three_ways(&a, &b, &fast, &thorough, &best);
		ck_assert_float_lt(fast.score, 0.1f);
		ck_assert_float_le(thorough.score, best.score);
		if (abs(dx) > PV_MATCH_SHIFT_MAX) {
			ck_assert_float_lt(thorough.score, 0.1f);
			continue;
		}
		ck_assert_float_gt(thorough.score, 0.9f);
		ck_assert_int_eq(thorough.dx, dx);
		ck_assert_int_eq(thorough.dy, dy);
	}
}
END_TEST

/* Rows 16-31 of @t become those of @from. */
static void take_lower_half(struct pv_template *t, const struct pv_template *from)
{
	for (int y = PV_GRID / 2; y < PV_GRID; y++) {
		for (int pl = 0; pl < PV_CODE_PLANES; pl++)
			t->code[pl][y] = from->code[pl][y];
		t->mask[y] = from->mask[y];
	}
}

/*
 * A palm stretched along the hand: the lower half of @b lies one row
 * further than its upper half. One alignment leaves one half a row off,
 * which costs about half its agreement; each half takes its own shift.
 */
START_TEST(follows_stretch_between_halves)
{
	struct test_field f;
	struct pv_template a, b, lower;

	for (uint32_t seed = 50; seed < 60; seed++) {
		struct pv_match_result r, re;
		struct pv_packed ref;
		struct pv_probe *p;
		int dy = (int)(seed % 2);	/* which half moved */

		test_field_random(&f, seed);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		test_template_from_field(&f, &b, 0, (float)dy, 0, 1);
		test_template_from_field(&f, &lower, 0, (float)(1 - dy), 0, 1);
		take_lower_half(&b, &lower);
		ck_assert_int_eq(pv_probe_new(&a, &p), 0);
		pv_pack_template(&b, &ref);
		pv_probe_search_aligned(p, &ref, false, &r);
		ck_assert_int_eq(pv_probe_match_exhaustive(p, &b, &re), 0);
		pv_probe_free(p);
		ck_assert_float_lt(r.distance, 0.02f);
		ck_assert_float_gt(r.score, 0.99f);
		ck_assert_float_le(r.score, re.score);
	}
}
END_TEST

/*
 * @t cut from the fine field @f with the cell at (x, y) taken from column
 * stretch (x - c) + shear (y - c) + bend v^2 (c the grid's centre,
 * v = (y - c) / c) of the same row: skin stretched across the hand,
 * sheared along it, or bent as a whole.
 */
static void cut_moved(const struct test_field *f, struct pv_template *t, float stretch,
		      float shear, float bend)
{
	const float c = (PV_GRID - 1) / 2.0f, fc = (TEST_FIELD - 1) / 2.0f;

	test_template_init(t);
	for (int y = 0; y < PV_GRID; y++) {
		float v = (y - c) / c;

		for (int x = 0; x < PV_GRID; x++) {
			int fx = (int)lrintf(stretch * (x - c) + shear * (y - c) +
					     bend * v * v + fc);

			test_set_cell(t, x, y, f->o[y + (int)(fc - c + 0.5f)][fx]);
		}
	}
}

/* @seed's fine field as the probe against its cut_moved(): the search's
 * result in @rigid, pv_probe_match()'s (which follows the skin) in @r. */
static void match_moved(uint32_t seed, float stretch, float shear, float bend,
			struct pv_match_result *rigid, struct pv_match_result *r)
{
	struct test_field f;
	struct pv_template a, b;
	struct pv_packed ref;
	struct pv_probe *p;

	test_field_fine(&f, seed);
	test_template_from_field(&f, &a, 0, 0, 0, 1);
	cut_moved(&f, &b, stretch, shear, bend);
	ck_assert_int_eq(pv_probe_new(&a, &p), 0);
	pv_pack_template(&b, &ref);
	pv_probe_search_aligned(p, &ref, false, rigid);
	ck_assert_int_eq(pv_probe_match(p, &b, r), 0);
	pv_probe_free(p);
}

/*
 * A palm whose skin moved unevenly: sheared along the hand (a row 10
 * cells from the centre lies 2 cells aside) and stretched by 10 % across
 * it. No rotation or scale follows that, nor do the two halves (scores
 * 0.07-0.48); the field fitted to the blocks' offsets does (1.0).
 */
START_TEST(follows_skin_deformation)
{
	for (uint32_t seed = 70; seed < 80; seed++) {
		struct pv_match_result rigid, r;

		match_moved(seed, 1.1f, 0.2f, 0, &rigid, &r);
		ck_assert_float_lt(rigid.score, 0.5f);
		ck_assert_float_gt(r.score, 0.9f);
		ck_assert_float_lt(r.distance, rigid.distance - 0.05f);
	}
}
END_TEST

/*
 * A palm bent as a whole: each row moved aside by a parabola of its
 * distance from the centre (3 cells at the top and bottom rows, none at
 * the centre) and stretched by 5 % across the hand. The search alone
 * leaves distance 0.22-0.25 and an affine field 0.21-0.23: it cannot
 * follow the curve, up to 2 cells off any line. The quadratic field
 * brings it to 0.02-0.06.
 */
START_TEST(follows_bent_skin)
{
	for (uint32_t seed = 80; seed < 90; seed++) {
		struct pv_match_result rigid, r;

		match_moved(seed, 1.05f, 0, 3.0f, &rigid, &r);
		ck_assert_float_gt(rigid.distance, 0.2f);
		ck_assert_float_lt(r.distance, 0.08f);
	}
}
END_TEST

/*
 * A palm bent at mid-hand: the lower half of @b is turned by one rotation
 * step about the grid centre (distance 0.064 when only rows may move).
 */
START_TEST(follows_bend_between_halves)
{
	struct test_field f;
	struct pv_template a, b, lower;

	for (uint32_t seed = 60; seed < 70; seed++) {
		struct pv_match_result r;
		float turn = seed % 2 ? 3.0f : -3.0f;

		test_field_random(&f, seed);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		test_template_from_field(&f, &b, 0, 0, 0, 1);
		test_template_from_field(&f, &lower, 0, 0, turn, 1);
		take_lower_half(&b, &lower);
		ck_assert_int_eq(pv_match(&a, &b, &r), 0);
		ck_assert_float_lt(r.distance, 0.02f);
	}
}
END_TEST

START_TEST(kernels_agree)
{
	struct pv_row a[PV_GRID], b[PV_GRID];
	struct pv_compare_kernel kernels[4];
	int nkernels = pv_compare_kernels(kernels, 4);
	uint32_t s = 99;

	ck_assert_int_ge(nkernels, 1);
	ck_assert_ptr_eq(pv_compare_best(), kernels[0].fn);

	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < PV_GRID; i++)
			for (int w = 0; w < 4; w++) {
				a[i].w[w] = test_rand(&s);
				b[i].w[w] = test_rand(&s);
			}
		for (int rows = 4; rows <= PV_GRID; rows += 4) {
			unsigned int dist = 0, overlap = 0;

			/*
			 * Straight from the definition, cell by cell; @a is
			 * a probe variant's, whose mask is stored inverted.
			 */
			for (int i = 0; i < rows; i++)
				for (int c = 0; c < 32; c++) {
					if (!(~a[i].w[3] >> c & b[i].w[3] >> c & 1))
						continue;
					overlap++;
					for (int p = 0; p < 3; p++)
						dist += (a[i].w[p] ^ b[i].w[p]) >> c & 1;
				}
			for (int k = 0; k < nkernels; k++) {
				struct pv_tally x = kernels[k].fn(a, b, rows);

				ck_assert_msg(x.dist == dist && x.overlap == overlap,
					      "kernel %s", kernels[k].name);
			}
		}
	}
}
END_TEST

static const char *const search_name[] = { "fast", "thorough", "wide" };

static pv_search_fn search_of(const struct pv_compare_kernel *k, int which)
{
	return which == 0 ? k->search : which == 1 ? k->search_thorough : k->search_wide;
}

/*
 * Each kernel has its own copy of each search (fast, thorough and wide): all give
 * the generic one's result to the bit, for the same palm moved and for another palm with
 * holes in its mask, with and without the 1:N pre-filter. The pre-filter leaves
 * the same palm's result as it was.
 */
START_TEST(searches_agree)
{
	struct pv_compare_kernel kernels[4];
	int nkernels = pv_compare_kernels(kernels, 4);
	struct test_field f, g;
	struct pv_template a, b;
	struct pv_packed ref;
	int stopped = 0;

	ck_assert_str_eq(kernels[nkernels - 1].name, "generic");
	for (uint32_t seed = 50; seed < 80; seed++) {
		struct pv_probe *p;
		uint32_t s = seed;
		int dx = (int)(test_rand(&s) % 9) - 4, dy = (int)(test_rand(&s) % 9) - 4;
		float rot = (float)((int)(test_rand(&s) % 13) - 6);

		test_field_random(&f, seed);
		test_field_random(&g, seed + 1000);
		test_template_from_field(&f, &a, 0, 0, 0, 1);
		test_template_from_field(seed % 2 ? &g : &f, &b, (float)dx, (float)dy, rot, 1);
		test_perturb(&b, 200, seed);
		for (int y = 0; seed % 2 && y < PV_GRID; y++)
			b.mask[y] &= test_rand(&s) | test_rand(&s);
		pv_pack_template(&b, &ref);
		ck_assert_int_eq(pv_probe_new(&a, &p), 0);
		struct pv_match_result unfiltered[3];

		for (int pass = 0; pass < 2; pass++) {
			float prefilter = pass ? 0.42f : PV_NO_PREFILTER;
			struct pv_match_result want, got;

			for (int which = 0; which < 3; which++) {
				memset(&want, 0, sizeof(want));
				search_of(&kernels[nkernels - 1], which)(p, &ref, prefilter, &want);
				if (!pass)
					unfiltered[which] = want;
				/* the same palm passes every stop of the pre-filter */
				ck_assert_msg(seed % 2 || !pass ||
					      !memcmp(&want, &unfiltered[which], sizeof(want)),
					      "%s search stopped the same palm, seed %u",
					      search_name[which], seed);
				stopped += which == 0 && pass && want.rotation_deg == 0 &&
					   want.scale == 1 && want.dx % 2 == 0 && want.dy % 2 == 0;
				for (int k = 0; k < nkernels - 1; k++) {
					memset(&got, 0, sizeof(got));
					search_of(&kernels[k], which)(p, &ref, prefilter, &got);
					ck_assert_msg(!memcmp(&got, &want, sizeof(got)),
						      "%s %s search, seed %u", kernels[k].name,
						      search_name[which], seed);
				}
			}
		}
		pv_probe_free(p);
	}
	/* The pre-filter did stop some: its early exit was compared too. */
	ck_assert_int_gt(stopped, 0);
}
END_TEST

START_TEST(small_overlap_is_no_match)
{
	struct test_field f;
	struct pv_template a, b;
	struct pv_match_result r;

	test_field_random(&f, 6);
	test_template_from_field(&f, &a, 0, 0, 0, 1);
	b = a;
	for (int y = 8; y < PV_GRID; y++)
		b.mask[y] = 0;	/* 256 cells left, fewer after any shift */
	for (int y = 0; y < 8; y++)
		b.mask[y] = 0x00ffffff;
	/* The cells that remain agree exactly, yet it is no match. */
	ck_assert_int_eq(pv_match(&a, &b, &r), 0);
	ck_assert_float_lt(r.score, 0.01f);
}
END_TEST

START_TEST(bad_arguments)
{
	struct pv_template a;
	struct pv_probe *p;
	struct pv_match_result r;

	test_template_init(&a);
	ck_assert_int_eq(pv_probe_new(NULL, &p), -EINVAL);
	a.flags = PV_TEMPLATE_PROTECTED;
	a.key_id = 5;
	ck_assert_int_eq(pv_probe_new(&a, &p), -EINVAL);
	a.flags = 0;
	a.key_id = 0;
	ck_assert_int_eq(pv_probe_new(&a, &p), 0);
	ck_assert_int_eq(pv_probe_match(p, NULL, &r), -EINVAL);
	a.flags = PV_TEMPLATE_PROTECTED;
	a.key_id = 5;
	ck_assert_int_eq(pv_probe_match(p, &a, &r), -EKEYREJECTED);
	pv_probe_free(p);
	pv_probe_free(NULL);
}
END_TEST

/* Real NIR palms: every genuine pair above every impostor pair. */
START_TEST(polyu_separates)
{
	const char *dir = getenv("PV_DATA_DIR");
	char path[512];
	struct dirent **names;
	struct pv_template *t;
	int *id, n, k = 0;
	float gen_min = 1, imp_max = 0;

	snprintf(path, sizeof(path), "%s/polyu-nir-roi", dir ? dir : "../shared/data");
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "SKIP polyu_separates: %s not found\n", path);
		return;
	}
	t = calloc((size_t)n, sizeof(*t));
	id = calloc((size_t)n, sizeof(*id));
	for (int i = 0; i < n; i++) {
		char file[1024];
		FILE *fp;
		int w, h, maxval;
		struct pv_roi *roi = calloc(1, sizeof(*roi));

		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		fp = strstr(names[i]->d_name, ".pgm") ? fopen(file, "rb") : NULL;
		if (fp && fscanf(fp, "P5 %d %d %d", &w, &h, &maxval) == 3 &&
		    w == PV_ROI_SIZE && h == PV_ROI_SIZE && fgetc(fp) != EOF &&
		    fread(roi->pixels, 1, sizeof(roi->pixels), fp) == sizeof(roi->pixels)) {
			memset(roi->valid, 1, sizeof(roi->valid));
			ck_assert_int_eq(pv_template_from_roi(roi, &t[k]), 0);
			id[k++] = atoi(names[i]->d_name);
		}
		if (fp)
			fclose(fp);
		free(roi);
		free(names[i]);
	}
	free(names);
	ck_assert_int_ge(k, 20);
	for (int a = 0; a < k; a++) {
		struct pv_probe *p;

		ck_assert_int_eq(pv_probe_new(&t[a], &p), 0);
		for (int b = a + 1; b < k; b++) {
			struct pv_match_result r;

			pv_probe_match(p, &t[b], &r);
			if (id[a] == id[b])
				gen_min = fminf(gen_min, r.score);
			else
				imp_max = fmaxf(imp_max, r.score);
		}
		pv_probe_free(p);
	}
	ck_assert_float_gt(gen_min, imp_max);
	free(t);
	free(id);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("match");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, identical_is_distance_zero);
	tcase_add_test(tc, unrelated_scores_low);
	tcase_add_test(tc, recovers_translation);
	tcase_add_test(tc, recovers_rotation_and_scale);
	tcase_add_test(tc, greedy_matches_exhaustive);
	tcase_add_test(tc, thorough_reaches_turned_palms);
	tcase_add_test(tc, thorough_reaches_along_the_hand);
	tcase_add_test(tc, follows_stretch_between_halves);
	tcase_add_test(tc, follows_bend_between_halves);
	tcase_add_test(tc, follows_skin_deformation);
	tcase_add_test(tc, follows_bent_skin);
	tcase_add_test(tc, kernels_agree);
	tcase_add_test(tc, searches_agree);
	tcase_add_test(tc, small_overlap_is_no_match);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, polyu_separates);
	suite_add_tcase(s, tc);
	return check_run(s);
}
