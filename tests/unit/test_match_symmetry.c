// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pv_match() scores both orders, so its score cannot depend on which
 * template comes first; 1:N ranks by the probe's order (gallery.h), and
 * keyed references have no other, so the search itself has to find the
 * same alignment (mirrored) both ways.
 * Synthetic pairs with a vein-like code, whose match peak is only about
 * one cell wide, always run; real pairs run when ../shared/data is present.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/image.h>
#include <palmvein/palmvein.h>

#include "check_run.h"
#include "../../lib/match_internal.h"
#include "matching_helpers.h"

/* Largest score difference between the two orders that we accept. */
#define MAX_ASYMMETRY 0.05f
/*
 * Real pairs: the greedy pose stages still differ a little between the
 * orders, but no pair may be accepted one way and rejected the other at
 * the operating threshold of docs/accuracy.md.
 */
#define THRESHOLD 0.05f

/* @probe's order alone. */
static float score_of_pair(const struct pv_template *probe,
			   const struct pv_template *ref,
			   struct pv_match_result *r)
{
	struct pv_probe *p;

	ck_assert_int_eq(pv_probe_new(probe, &p), 0);
	ck_assert_int_eq(pv_probe_match(p, ref, r), 0);
	pv_probe_free(p);
	return r->score;
}

/*
 * Same palm shifted by every amount up to @range, both orders, with noise.
 * @flags marks the first template (PV_TEMPLATE_UNANCHORED: the wide search).
 */
static void check_synthetic_symmetric(int range, uint8_t flags)
{
	int bad = 0, n = 0;

	for (uint32_t seed = 1; seed <= 6; seed++)
		for (int dy = -range; dy <= range; dy++)
			for (int dx = -range; dx <= range; dx++) {
				struct test_field f;
				struct pv_template a, b;
				struct pv_match_result ab, ba, pair, reversed;

				test_field_fine(&f, seed);
				test_template_from_field(&f, &a, 0, 0, 0, 1);
				test_template_from_field(&f, &b, (float)dx, (float)dy, 0, 1);
				test_perturb(&a, 100, seed);
				test_perturb(&b, 100, seed + 1000);
				a.flags |= flags;
				score_of_pair(&a, &b, &ab);
				score_of_pair(&b, &a, &ba);
				/* pv_match() takes both orders, the same either way
				 * round, and the skin from the other order's alignment
				 * only adds (one seed: it prepares two probes a pair) */
				if (seed == 1) {
					ck_assert_int_eq(pv_match(&a, &b, &pair), 0);
					ck_assert_int_eq(pv_match(&b, &a, &reversed), 0);
					ck_assert_float_eq(pair.score, reversed.score);
					ck_assert_float_ge(pair.score,
							   pv_pair_score(ab.score, ba.score));
				}
				n++;
				if (fabsf(ab.score - ba.score) > MAX_ASYMMETRY ||
				    ab.dx != dx || ab.dy != dy ||
				    ba.dx != -dx || ba.dy != -dy) {
					fprintf(stderr, "seed %u shift (%d,%d): a->b %.4f at (%d,%d), "
						"b->a %.4f at (%d,%d)\n", seed, dx, dy,
						ab.score, ab.dx, ab.dy, ba.score, ba.dx, ba.dy);
					bad++;
				}
			}
	ck_assert_msg(bad == 0, "%d of %d pairs asymmetric or misaligned", bad, n);
}

START_TEST(symmetric_on_synthetic_pairs)
{
	check_synthetic_symmetric(PV_MATCH_SHIFT_MAX, 0);
}
END_TEST

/* Either template unanchored: the wide search, over its whole range. */
START_TEST(symmetric_on_unanchored_pairs)
{
	check_synthetic_symmetric(PV_MATCH_WIDE_SHIFT_MAX, PV_TEMPLATE_UNANCHORED);
}
END_TEST

/* Decodes and extracts every file of @dir; returns how many templates. */
static int load_dir(const char *dir, struct pv_template **out, char ***names_out)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), k = 0;
	struct pv_template *t;
	char **kept;

	if (n < 0)
		return -1;
	t = calloc((size_t)n + 1, sizeof(*t));
	kept = calloc((size_t)n + 1, sizeof(*kept));
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(kept);
	for (int i = 0; i < n; i++) {
		char file[1024];
		FILE *fp = NULL;
		unsigned char *buf = NULL;
		long len;
		struct pv_image img;

		snprintf(file, sizeof(file), "%s/%s", dir, names[i]->d_name);
		if (strstr(names[i]->d_name, ".pgm"))
			fp = fopen(file, "rb");
		if (fp && fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) > 0 &&
		    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
		    fread(buf, 1, (size_t)len, fp) == (size_t)len &&
		    pv_image_decode(buf, (size_t)len, &img) == 0) {
			if (pv_extract(&img, &t[k], NULL, NULL) == 0)
				kept[k++] = strdup(names[i]->d_name);
			pv_image_free(&img);
		}
		free(buf);
		if (fp)
			fclose(fp);
		free(names[i]);
	}
	free(names);
	*out = t;
	*names_out = kept;
	return k;
}

/* Every pair of one real set, both orders. */
static void check_set_symmetric(const char *set)
{
	const char *root = getenv("PV_DATA_DIR");
	char path[512];
	struct pv_template *t;
	char **names;
	int n, bad = 0, pairs = 0;
	float worst = 0, *score;

	snprintf(path, sizeof(path), "%s/%s", root ? root : "../shared/data", set);
	n = load_dir(path, &t, &names);
	if (n < 0) {
		fprintf(stderr, "SKIP symmetry on %s: %s not found\n", set, path);
		return;
	}
	ck_assert_int_ge(n, 2);
	score = calloc((size_t)n * (size_t)n, sizeof(*score));
	ck_assert_ptr_nonnull(score);
	for (int a = 0; a < n; a++) {
		struct pv_probe *p;

		ck_assert_int_eq(pv_probe_new(&t[a], &p), 0);
		for (int b = 0; b < n; b++) {
			struct pv_match_result r;

			ck_assert_int_eq(pv_probe_match(p, &t[b], &r), 0);
			score[a * n + b] = r.score;
		}
		pv_probe_free(p);
	}
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++) {
			float ab = score[a * n + b], ba = score[b * n + a];

			pairs++;
			worst = fmaxf(worst, fabsf(ab - ba));
			if ((ab >= THRESHOLD) != (ba >= THRESHOLD)) {
				fprintf(stderr, "%s: %s vs %s: %.4f one way, %.4f the other\n",
					set, names[a], names[b], score[a * n + b],
					score[b * n + a]);
				bad++;
			}
		}
	fprintf(stderr, "%s: %d pairs, largest score difference between orders %.4f\n",
		set, pairs, worst);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(t);
	free(score);
	ck_assert_msg(bad == 0, "%s: %d of %d pairs decided differently by order", set, bad, pairs);
}

START_TEST(symmetric_on_put)
{
	check_set_symmetric("put-palmvein");
}
END_TEST

START_TEST(symmetric_on_polyu)
{
	check_set_symmetric("polyu-nir-roi");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("match_symmetry");
	TCase *tc = tcase_create("symmetry");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, symmetric_on_synthetic_pairs);
	tcase_add_test(tc, symmetric_on_unanchored_pairs);
	tcase_add_test(tc, symmetric_on_put);
	tcase_add_test(tc, symmetric_on_polyu);
	suite_add_tcase(s, tc);
	return check_run(s);
}
