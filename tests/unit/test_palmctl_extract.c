// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * palmctl's image -> template step on files, as extract and eval run it:
 * a lit frame alone, a lit/unlit pair, and pairs that are not pairs.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <palmvein/palmvein.h>

#include "../../tools/palmctl/palmctl.h"
#include "check_run.h"
#include "render.h"
#include "render_helpers.h"

#define W 768
#define H 576

static char dir[] = "/tmp/test_palmctl_extract.XXXXXX";
static char lit_path[64], unlit_path[64], small_path[64];

static void write_pgm(const char *path, const uint8_t *px, unsigned int w,
		      unsigned int h)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_gt(fprintf(f, "P5\n%u %u\n255\n", w, h), 0);
	ck_assert_uint_eq(fwrite(px, 1, (size_t)w * h, f), (size_t)w * h);
	ck_assert_int_eq(fclose(f), 0);
}

static void render_to(const char *path, const struct pv_scene_desc *desc,
		      const struct pv_exposure *exp)
{
	uint8_t *frame = test_render_frame(desc, exp, W, H);

	write_pgm(path, frame, W, H);
	free(frame);
}

/* A room-lit presentation of the seed-1 set (identity 3, presentation 4,
 * ambient 0.14) as a lit/unlit pair, and a frame of another size. */
static void setup(void)
{
	struct pv_scene_desc desc;
	struct pv_exposure exp;
	uint8_t small[16 * 16] = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(lit_path, sizeof(lit_path), "%s/0003_04.pgm", dir);
	snprintf(unlit_path, sizeof(unlit_path), "%s/0003_04.unlit.pgm", dir);
	snprintf(small_path, sizeof(small_path), "%s/small.pgm", dir);
	pv_presentation_draw(1, 3, 4, 1.0f, &desc, &exp);
	render_to(lit_path, &desc, &exp);
	pv_presentation_draw_unlit(1, 3, 4, 1.0f, &desc, &exp);
	render_to(unlit_path, &desc, &exp);
	write_pgm(small_path, small, 16, 16);
}

static void teardown(void)
{
	unlink(lit_path);
	unlink(unlit_path);
	unlink(small_path);
	rmdir(dir);
}

START_TEST(pair_extracts)
{
	struct pv_template t;
	const char *why = NULL;

	ck_assert_int_eq(palmctl_extract_image(lit_path, unlit_path, &t, &why), 0);
	ck_assert_uint_gt(pv_template_valid_cells(&t), 0);
	pv_template_wipe(&t);
}
END_TEST

START_TEST(unlit_of_another_size_is_refused)
{
	struct pv_template t;
	const char *why = NULL;

	ck_assert_int_eq(palmctl_extract_image(lit_path, small_path, &t, &why), -EINVAL);
	ck_assert_str_eq(why, "the unlit frame differs from the lit one in size or depth");
}
END_TEST

START_TEST(missing_unlit_is_refused)
{
	char missing[80];
	struct pv_template t;
	const char *why = NULL;

	snprintf(missing, sizeof(missing), "%s/none.unlit.pgm", dir);
	ck_assert_int_eq(palmctl_extract_image(lit_path, missing, &t, &why), -ENOENT);
	ck_assert_str_eq(why, strerror(ENOENT));
}
END_TEST

/* An unlit frame alone holds nothing the LEDs lit: no usable palm. */
START_TEST(unlit_frame_alone_has_no_palm)
{
	struct pv_template t;
	const char *why = NULL;

	ck_assert_int_eq(palmctl_extract_image(unlit_path, unlit_path, &t, &why), -EAGAIN);
	ck_assert_ptr_nonnull(why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("palmctl_extract");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pair_extracts);
	tcase_add_test(tc, unlit_of_another_size_is_refused);
	tcase_add_test(tc, missing_unlit_is_refused);
	tcase_add_test(tc, unlit_frame_alone_has_no_palm);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return check_run(s);
}
