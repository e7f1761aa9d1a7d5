/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one way every Check test program runs its suite and exits. */
#ifndef PALMVEIN_TESTS_CHECK_RUN_H
#define PALMVEIN_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Runs @s, frees it, and returns the program's exit status. */
static inline int check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* PALMVEIN_TESTS_CHECK_RUN_H */
