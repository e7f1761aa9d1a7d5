// SPDX-License-Identifier: LGPL-2.1-or-later
/* palmctl eval's error rates and DET output. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "../../tools/palmctl/error_rates.h"

static struct score_list list(const float *v, size_t n)
{
	struct score_list l = { malloc(n * sizeof(float)), n };

	memcpy(l.s, v, n * sizeof(float));
	scores_sort(&l);
	return l;
}

START_TEST(separated_is_zero)
{
	static const float g[] = { 0.9f, 0.8f, 0.95f }, i[] = { 0.1f, 0.3f, 0.2f, 0.0f };
	struct score_list gen = list(g, 3), imp = list(i, 4);
	float t;

	ck_assert_double_eq(rates_eer(&gen, &imp, &t), 0);
	ck_assert_float_gt(t, 0.3f);
	ck_assert_float_le(t, 0.8f);
	ck_assert_double_eq(rates_frr_at_far(&gen, &imp, 1e-4), 0);
	free(gen.s);
	free(imp.s);
}
END_TEST

START_TEST(overlap_known_values)
{
	/* 10 genuine, 10 impostor; one of each on the wrong side. */
	static const float g[] = { 0.05f, 0.6f, 0.65f, 0.7f, 0.75f, 0.8f, 0.85f, 0.9f, 0.95f, 1.0f };
	static const float i[] = { 0.0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.7f };
	struct score_list gen = list(g, 10), imp = list(i, 10);

	ck_assert_double_eq_tol(rates_eer(&gen, &imp, NULL), 0.1, 1e-9);
	/* FAR <= 10 %: one impostor may pass: accept above 0.4 -> FRR 1/10. */
	ck_assert_double_eq_tol(rates_frr_at_far(&gen, &imp, 0.1), 0.1, 1e-9);
	/* FAR 0: above 0.7 -> rejects 0.05, 0.6, 0.65, 0.7 -> 4/10. */
	ck_assert_double_eq_tol(rates_frr_at_far(&gen, &imp, 0.01), 0.4, 1e-9);
	free(gen.s);
	free(imp.s);
}
END_TEST

START_TEST(det_svg_written)
{
	static const float g[] = { 0.9f, 0.5f }, i[] = { 0.1f, 0.6f };
	struct score_list gen = list(g, 2), imp = list(i, 2);
	struct det_curve c = { "all", "#000", &gen };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(det_write_svg(f, "data <&> set", &c, 1, &imp), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "<svg"));
	ck_assert_ptr_nonnull(strstr(buf, "data &lt;&amp;&gt; set"));
	ck_assert_ptr_nonnull(strstr(buf, "<polyline"));
	ck_assert_ptr_nonnull(strstr(buf, "</svg>"));
	free(buf);
	free(gen.s);
	free(imp.s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("error_rates");
	TCase *tc = tcase_create("rates");

	tcase_add_test(tc, separated_is_zero);
	tcase_add_test(tc, overlap_known_values);
	tcase_add_test(tc, det_svg_written);
	suite_add_tcase(s, tc);
	return check_run(s);
}
