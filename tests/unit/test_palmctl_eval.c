// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * palmctl eval scores each pair as pv_match() does: both orders, each
 * order's skin also from the other's alignment. Its lowest genuine and
 * highest impostor scores must be pv_match()'s over the same templates.
 */
#include <check.h>
#include <fcntl.h>
#include <math.h>
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
#define IDENTITIES 3
#define PRESENTATIONS 2
#define SAMPLES (IDENTITIES * PRESENTATIONS)
/* eval prints scores to four decimals */
#define PRINTED 0.00006f

static char dir[] = "/tmp/test_palmctl_eval.XXXXXX";
static char paths[SAMPLES][64];

/* Presentations 1-2 of identities 1-3 of the seed-1 set, lit frames. */
static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int k = 0; k < SAMPLES; k++) {
		struct pv_scene_desc desc;
		struct pv_exposure exp;
		uint8_t *frame;
		FILE *f;

		snprintf(paths[k], sizeof(paths[k]), "%s/%04d_%02d.pgm", dir,
			 k / PRESENTATIONS + 1, k % PRESENTATIONS + 1);
		pv_presentation_draw(1, (uint32_t)(k / PRESENTATIONS + 1),
				     (unsigned int)(k % PRESENTATIONS + 1), 0.5f, &desc, &exp);
		frame = test_render_frame(&desc, &exp, W, H);
		f = fopen(paths[k], "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_gt(fprintf(f, "P5\n%u %u\n255\n", W, H), 0);
		ck_assert_uint_eq(fwrite(frame, 1, (size_t)W * H, f), (size_t)W * H);
		ck_assert_int_eq(fclose(f), 0);
		free(frame);
	}
}

static void teardown(void)
{
	for (int k = 0; k < SAMPLES; k++)
		unlink(paths[k]);
	rmdir(dir);
}

/* Runs palmctl eval on the folder; its stdout in @out. */
static void run_eval(char *out, size_t size)
{
	char pattern[] = "^([0-9]+)_", opt_pattern[] = "--pattern";
	char opt_threads[] = "--threads", threads[] = "2", cmd[] = "eval";
	char *argv[] = { cmd, dir, opt_pattern, pattern, opt_threads, threads, NULL };
	char log[96];
	int saved, fd;
	ssize_t n;

	snprintf(log, sizeof(log), "%s/eval.out", dir);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(log, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	dup2(fd, STDOUT_FILENO);
	optind = 1;
	ck_assert_int_eq(cmd_eval(6, argv), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, size - 1, 0);
	close(fd);
	unlink(log);
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
}

START_TEST(eval_scores_pairs_as_pv_match)
{
	struct pv_template t[SAMPLES];
	float lowest_genuine = 2, highest_impostor = -1, genuine, impostor;
	char out[4096];
	const char *line;

	for (int k = 0; k < SAMPLES; k++) {
		const char *why = NULL;

		ck_assert_int_eq(palmctl_extract_image(paths[k], NULL, &t[k], &why), 0);
	}
	for (int a = 0; a < SAMPLES; a++)
		for (int b = a + 1; b < SAMPLES; b++) {
			struct pv_match_result r;

			ck_assert_int_eq(pv_match(&t[a], &t[b], &r), 0);
			if (a / PRESENTATIONS == b / PRESENTATIONS)
				lowest_genuine = fminf(lowest_genuine, r.score);
			else
				highest_impostor = fmaxf(highest_impostor, r.score);
		}
	run_eval(out, sizeof(out));
	line = strstr(out, "highest impostor score ");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(sscanf(line, "highest impostor score %f", &impostor), 1);
	line = strstr(out, "lowest genuine score ");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(sscanf(line, "lowest genuine score %f", &genuine), 1);
	ck_assert_msg(fabsf(genuine - lowest_genuine) <= PRINTED &&
		      fabsf(impostor - highest_impostor) <= PRINTED,
		      "eval: genuine %.4f, impostor %.4f; pv_match: %.4f, %.4f",
		      (double)genuine, (double)impostor, (double)lowest_genuine,
		      (double)highest_impostor);
	for (int k = 0; k < SAMPLES; k++)
		pv_template_wipe(&t[k]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("palmctl_eval");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, eval_scores_pairs_as_pv_match);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return check_run(s);
}
