// SPDX-License-Identifier: LGPL-2.1-or-later
/* 1:N gallery: the right identity comes first, on any number of threads. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include <palmvein/palmvein.h>

#include "check_run.h"
#include "matching_helpers.h"

#define GALLERY_SIZE 300

static struct pv_gallery *build_gallery(uint32_t key_id)
{
	struct pv_gallery *g;
	struct test_field f;
	struct pv_template t;

	ck_assert_int_eq(pv_gallery_new(key_id, &g), 0);
	for (uint64_t id = 0; id < GALLERY_SIZE; id++) {
		test_field_random(&f, (uint32_t)id + 1000);
		test_template_from_field(&f, &t, 0, 0, 0, 1);
		ck_assert_int_eq(pv_gallery_add(g, &t, id), 0);
	}
	ck_assert_uint_eq(pv_gallery_size(g), GALLERY_SIZE);
	return g;
}

START_TEST(finds_identity)
{
	struct pv_gallery *g = build_gallery(0);
	struct test_field f;
	struct pv_template probe_t, entry_t;
	struct pv_probe *probe;
	struct pv_candidate best[5];
	static const unsigned int threads[] = { 1, 2, 3, 7 };

	for (uint64_t want = 0; want < GALLERY_SIZE; want += 37) {
		struct pv_match_result r;

		/* Another presentation: shifted, turned and noisy. */
		test_field_random(&f, (uint32_t)want + 1000);
		test_template_from_field(&f, &entry_t, 0, 0, 0, 1);
		test_template_from_field(&f, &probe_t, 2, -1, 3, 1);
		test_perturb(&probe_t, 150, (uint32_t)want);
		ck_assert_int_eq(pv_probe_new(&probe_t, &probe), 0);
		/* The best entries are re-scored: their scores are 1:1's, both
		 * orders' (a plain gallery). */
		ck_assert_int_eq(pv_match(&probe_t, &entry_t, &r), 0);
		for (size_t i = 0; i < 4; i++) {
			int n = pv_gallery_identify(g, probe, threads[i], best, 5);

			ck_assert_int_eq(n, 5);
			ck_assert_uint_eq(best[0].id, want);
			ck_assert_float_eq(best[0].score, r.score);
			ck_assert_float_gt(best[0].score, 0.9f);
			ck_assert_float_lt(best[1].score, 0.1f);
			for (int k = 1; k < n; k++)
				ck_assert_float_ge(best[k - 1].score, best[k].score);
		}
		pv_probe_free(probe);
	}
	pv_gallery_free(g);
}
END_TEST

/*
 * The search range follows each entry's flag: a palm 7 cells off is found
 * when its entry is unanchored (wide search), not when it is anchored.
 */
START_TEST(unanchored_entry_searched_wide)
{
	struct test_field f;
	struct pv_template probe_t, far;
	struct pv_probe *probe;
	struct pv_candidate best[2];
	const uint64_t want = GALLERY_SIZE;

	test_field_random(&f, 7);	/* a palm not in build_gallery() */
	test_template_from_field(&f, &probe_t, 0, 0, 0, 1);
	test_template_from_field(&f, &far, 7, -6, 0, 1);
	test_perturb(&far, 150, 1);
	ck_assert_int_eq(pv_probe_new(&probe_t, &probe), 0);
	for (int unanchored = 0; unanchored <= 1; unanchored++) {
		struct pv_gallery *g = build_gallery(0);
		struct pv_match_result r;

		far.flags = unanchored ? PV_TEMPLATE_UNANCHORED : 0;
		ck_assert_int_eq(pv_gallery_add(g, &far, want), 0);
		ck_assert_int_eq(pv_gallery_identify(g, probe, 2, best, 2), 2);
		ck_assert_int_eq(pv_probe_match(probe, &far, &r), 0);
		if (unanchored) {
			struct pv_match_result pair;

			ck_assert_int_eq(pv_match(&probe_t, &far, &pair), 0);
			ck_assert_uint_eq(best[0].id, want);
			ck_assert_float_eq(best[0].score, pair.score);
			ck_assert_float_gt(r.score, 0.9f);
			ck_assert_int_eq(r.dx, 7);
			ck_assert_int_eq(r.dy, -6);
		} else {
			ck_assert_float_lt(r.score, 0.1f);
		}
		pv_gallery_free(g);
	}
	pv_probe_free(probe);
}
END_TEST

/*
 * Workers take the gallery in chunks as they go: with several chunks, any
 * number of threads gives the same list, and entries that score the same
 * (each template enrolled twice, 1500 entries apart: in other chunks)
 * come in the order they were added.
 */
#define TWICE_FIELDS 1500

START_TEST(same_result_on_any_thread_count)
{
	static const unsigned int threads[] = { 1, 2, 3, 7 };
	struct pv_candidate best[4][PV_GALLERY_MAX_BEST];
	struct pv_template t, probe_t;
	struct pv_gallery *g;
	struct pv_probe *probe;
	struct test_field f;
	const uint32_t want = 1234;

	ck_assert_int_eq(pv_gallery_new(0, &g), 0);
	for (uint32_t k = 0; k < 2 * TWICE_FIELDS; k++) {
		test_field_random(&f, k % TWICE_FIELDS + 5000);
		test_template_from_field(&f, &t, 0, 0, 0, 1);
		ck_assert_int_eq(pv_gallery_add(g, &t, k), 0);
	}
	test_field_random(&f, want + 5000);
	test_template_from_field(&f, &probe_t, 1, 2, -2, 1);
	test_perturb(&probe_t, 150, 3);
	ck_assert_int_eq(pv_probe_new(&probe_t, &probe), 0);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(pv_gallery_identify(g, probe, threads[i], best[i],
						     PV_GALLERY_MAX_BEST), PV_GALLERY_MAX_BEST);
		ck_assert_uint_eq(best[i][0].id, want);
		ck_assert_uint_eq(best[i][1].id, TWICE_FIELDS + want);
		ck_assert_float_eq(best[i][0].score, best[i][1].score);
		for (int k = 0; k < PV_GALLERY_MAX_BEST; k++) {
			ck_assert_uint_eq(best[i][k].id, best[0][k].id);
			ck_assert_float_eq(best[i][k].score, best[0][k].score);
		}
	}
	pv_probe_free(probe);
	pv_gallery_free(g);
}
END_TEST

START_TEST(small_gallery_and_limits)
{
	struct pv_gallery *g;
	struct test_field f;
	struct pv_template t;
	struct pv_probe *probe;
	struct pv_candidate best[PV_GALLERY_MAX_BEST + 1];

	ck_assert_int_eq(pv_gallery_new(0, &g), 0);
	test_field_random(&f, 1);
	test_template_from_field(&f, &t, 0, 0, 0, 1);
	ck_assert_int_eq(pv_probe_new(&t, &probe), 0);
	/* Empty gallery: nothing found, no error. */
	ck_assert_int_eq(pv_gallery_identify(g, probe, 4, best, 3), 0);
	ck_assert_int_eq(pv_gallery_add(g, &t, 77), 0);
	ck_assert_int_eq(pv_gallery_identify(g, probe, 4, best, 3), 1);
	ck_assert_uint_eq(best[0].id, 77);
	ck_assert_int_eq(pv_gallery_identify(g, probe, 1, best, 0), -EINVAL);
	ck_assert_int_eq(pv_gallery_identify(g, probe, 1, best,
					     PV_GALLERY_MAX_BEST + 1), -EINVAL);
	/* Protected templates do not enter a plain gallery. */
	t.flags = PV_TEMPLATE_PROTECTED;
	t.key_id = 9;
	ck_assert_int_eq(pv_gallery_add(g, &t, 1), -EKEYREJECTED);
	ck_assert_int_eq(pv_gallery_reserve(g, 1000), 0);
	ck_assert_uint_eq(pv_gallery_size(g), 1);
	pv_probe_free(probe);
	pv_gallery_free(g);
	pv_gallery_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gallery");
	TCase *tc = tcase_create("gallery");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, finds_identity);
	tcase_add_test(tc, unanchored_entry_searched_wide);
	tcase_add_test(tc, same_result_on_any_thread_count);
	tcase_add_test(tc, small_gallery_and_limits);
	suite_add_tcase(s, tc);
	return check_run(s);
}
