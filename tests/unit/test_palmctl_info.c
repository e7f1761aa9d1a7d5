// SPDX-License-Identifier: LGPL-2.1-or-later
/* palmctl info: the fields of a template as an integrator reads them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <palmvein/template.h>

#include "../../tools/palmctl/palmctl.h"
#include "check_run.h"

/* A template as pv_extract() would fill it, through the wire format. */
static void sample_template(struct pv_template *t, uint8_t flags,
			    uint32_t key_id, uint8_t wire[PV_TEMPLATE_SIZE])
{
	struct pv_template in = {
		.version_major = PV_TEMPLATE_VERSION_MAJOR,
		.version_minor = PV_TEMPLATE_VERSION_MINOR,
		.algorithm = PV_ALG_COMPCODE6_32,
		.flags = flags,
		.key_id = key_id,
		.geom = { 312.5f, 240.5f, -12.0f, 96.0f },
		.quality = { 1.0f, 0.8f, 0.6f, 0.4f, 0.2f, 0.0f, 83 },
	};

	for (int y = 4; y < 14; y++)
		in.mask[y] = 0x0ff0f00fu;	/* 16 cells a row, 160 in all */
	ck_assert_int_eq(pv_template_serialize(&in, wire), 0);
	ck_assert_int_eq(pv_template_parse(wire, PV_TEMPLATE_SIZE, t, NULL), 0);
}

static char *info_text(const struct pv_template *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	palmctl_print_info(f, "a.pvt", t);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

START_TEST(plain_template_info)
{
	uint8_t wire[PV_TEMPLATE_SIZE];
	struct pv_template t;
	char *text;

	sample_template(&t, 0, 0, wire);
	text = info_text(&t);
	ck_assert_str_eq(text,
		"a.pvt:\n"
		"  version      1.1\n"
		"  algorithm    1 (compcode6-32)\n"
		"  key id       0 (plain)\n"
		"  roi          centre 312.5,240.5  angle -12.0 deg  side 96.0 px\n"
		"  quality      score 83  presence 1.00  palm size 0.80  centring 0.60\n"
		"               exposure 0.40  sharpness 0.20  motion 0.00\n"
		"  valid cells  160 of 1024\n");
	free(text);
}
END_TEST

START_TEST(protected_template_shows_key_id)
{
	uint8_t wire[PV_TEMPLATE_SIZE];
	struct pv_template t;
	char *text;

	sample_template(&t, PV_TEMPLATE_PROTECTED, 0xdeadbeef, wire);
	text = info_text(&t);
	ck_assert_ptr_nonnull(strstr(text, "\n  key id       0xdeadbeef (protected)\n"));
	free(text);
}
END_TEST

/* A ROI placed without finger valleys says so: the matcher searches wider. */
START_TEST(unanchored_template_says_so)
{
	uint8_t wire[PV_TEMPLATE_SIZE];
	struct pv_template t;
	char *text;

	sample_template(&t, PV_TEMPLATE_UNANCHORED, 0, wire);
	text = info_text(&t);
	ck_assert_ptr_nonnull(strstr(text, " side 96.0 px  (no finger valleys)\n"));
	free(text);
}
END_TEST

/* Every file is reported; a bad one makes the exit status 1. */
START_TEST(info_command_exit_status)
{
	char good[] = "/tmp/palmctl-info-XXXXXX";
	uint8_t wire[PV_TEMPLATE_SIZE];
	struct pv_template t;
	int fd = mkstemp(good);
	char *ok_args[] = { "info", good, NULL };
	char *bad_args[] = { "info", good, "/nonexistent/b.pvt", NULL };

	ck_assert_int_ge(fd, 0);
	close(fd);
	sample_template(&t, 0, 0, wire);
	ck_assert_int_eq(write_file(good, wire, sizeof(wire)), 0);
	ck_assert_int_eq(cmd_info(2, ok_args), 0);
	ck_assert_int_eq(cmd_info(3, bad_args), 1);
	ck_assert_int_eq(cmd_info(1, ok_args), 1);	/* no file: usage */
	unlink(good);
}
END_TEST

static Suite *info_suite(void)
{
	Suite *s = suite_create("palmctl-info");
	TCase *tc = tcase_create("info");

	tcase_add_test(tc, plain_template_info);
	tcase_add_test(tc, protected_template_shows_key_id);
	tcase_add_test(tc, unanchored_template_says_so);
	tcase_add_test(tc, info_command_exit_status);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(info_suite());
}
