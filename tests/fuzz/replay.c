// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Replays a fuzz corpus through a fuzz target as a Check unit test, so every
 * input that ever found a bug keeps being tested without clang or libFuzzer.
 * FUZZ_CORPUS is the corpus folder, relative to the source tree root.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../unit/check_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	*buf = malloc(n ? (size_t)n : 1);
	if (!*buf) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(*buf, 1, (size_t)n, f);
	fclose(f);
	return *len == (size_t)n ? 0 : -EIO;
}

START_TEST(replay_corpus)
{
	DIR *dir = opendir(FUZZ_CORPUS);
	struct dirent *de;
	unsigned int inputs = 0;

	ck_assert_msg(dir, "cannot open corpus %s", FUZZ_CORPUS);
	while ((de = readdir(dir))) {
		char path[4096];
		uint8_t *buf = NULL;
		size_t len = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", FUZZ_CORPUS, de->d_name);
		ck_assert_int_eq(read_file(path, &buf, &len), 0);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		inputs++;
	}
	closedir(dir);
	ck_assert_msg(inputs > 0, "corpus %s is empty", FUZZ_CORPUS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fuzz-replay " FUZZ_CORPUS);
	TCase *tc = tcase_create("corpus");

	tcase_add_test(tc, replay_corpus);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return check_run(s);
}
