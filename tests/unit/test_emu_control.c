// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Control socket commands: every reply, every error position, and that a
 * rejected line leaves the emulator as it was.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../emulator/control.h"

static struct emu emu;

static void setup(void)
{
	memset(&emu, 0, sizeof(emu));
	emu.log.instance = "test";
	pthread_mutex_init(&emu.lock, NULL);
	pthread_cond_init(&emu.changed, NULL);
	ck_assert_int_eq(fw_init(&emu.fw, "PV-CTL"), 0);
	scn_timeline_init(&emu.timeline);
	emu.power_on_us = emu_monotonic_us();
	emu.timeline_origin_us = emu.power_on_us;
}

static void teardown(void)
{
	scn_timeline_free(&emu.timeline);
	pthread_cond_destroy(&emu.changed);
	pthread_mutex_destroy(&emu.lock);
}

static const char *run(const char *line)
{
	static char reply[256];

	control_execute(&emu, line, strlen(line), reply, sizeof(reply));
	return reply;
}

START_TEST(test_fault_injection_counts)
{
	ck_assert_str_eq(run("corrupt-every 10"), "ok");
	ck_assert_uint_eq(emu.corrupt_every, 10);
	ck_assert_str_eq(run("truncate-every 7"), "ok");
	ck_assert_uint_eq(emu.truncate_every, 7);
	ck_assert_str_eq(run("  corrupt-every 0  # off again"), "ok");
	ck_assert_uint_eq(emu.corrupt_every, 0);
	ck_assert_str_eq(run("corrupt-every"),
			 "error: 1:14: expected a frame count (0 = off)");
	ck_assert_str_eq(run("truncate-every -3"),
			 "error: 1:16: expected a frame count (0 = off)");
	ck_assert_str_eq(run("truncate-every 99999999999"),
			 "error: 1:16: expected a frame count (0 = off)");
	ck_assert_str_eq(run("truncate-every 3 4"), "error: 1:18: unexpected '4'");
	ck_assert_uint_eq(emu.truncate_every, 7);
}
END_TEST

START_TEST(test_forced_faults)
{
	ck_assert_str_eq(run("fault led-open on"), "ok");
	ck_assert_uint_eq(fw_faults(&emu.fw), PALMVEIN_FAULT_LED_OPEN);
	ck_assert_str_eq(run("fault sensor on"), "ok");
	ck_assert_str_eq(run("fault led-open off"), "ok");
	ck_assert_uint_eq(fw_faults(&emu.fw), PALMVEIN_FAULT_SENSOR);
	ck_assert_str_eq(run("fault"), "error: 1:6: expected a fault name");
	ck_assert_str_eq(run("fault melted on"),
			 "error: 1:7: unknown fault 'melted'");
	ck_assert_str_eq(run("fault sensor maybe"),
			 "error: 1:14: expected on or off");
	ck_assert_str_eq(run("fault sensor"), "error: 1:13: expected on or off");
	ck_assert_str_eq(run("fault sensor off now"),
			 "error: 1:18: unexpected 'now'");
	ck_assert_uint_eq(fw_faults(&emu.fw), PALMVEIN_FAULT_SENSOR);
}
END_TEST

START_TEST(test_status)
{
	emu.fw.frames_sent = 12;
	emu.fw.frames_dropped = 3;
	emu.frames_corrupted = 2;
	emu.fw.distance_mm = 70;
	ck_assert_str_eq(run("status"),
			 "ok enabled=0 streaming=0 mode=0 sent=12 dropped=3 "
			 "corrupted=2 truncated=0 distance=70 temp=25.0 "
			 "faults=0x00");
	ck_assert_str_eq(run("status now"),
			 "error: 1:1: unknown command 'status'");
}
END_TEST

START_TEST(test_scenario_lines)
{
	struct pv_scene_desc d;

	ck_assert_str_eq(run("palm 9 dist=70"), "ok");
	scn_scene_at(&emu.timeline, 0.0, &d);
	ck_assert_int_eq(d.target, PV_TARGET_PALM);
	ck_assert_uint_eq(d.identity, 9);
	ck_assert_str_eq(run("glare 7"), "error: 1:7: glare out of range 0..1");
	ck_assert_str_eq(run("palm 9 dist=70 bogus=1"),
			 "error: 1:16: unknown field 'bogus'");
	ck_assert_str_eq(run("explode"), "error: 1:1: unknown command 'explode'");
	/* the rejected lines changed nothing */
	scn_scene_at(&emu.timeline, 0.0, &d);
	ck_assert_int_eq(d.target, PV_TARGET_PALM);
	ck_assert_float_eq_tol(d.glare, 0.0f, 1e-6f);
	ck_assert_str_eq(run(""), "ok");
	ck_assert_str_eq(run("# just a comment"), "ok");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_control");
	TCase *tc = tcase_create("control");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fault_injection_counts);
	tcase_add_test(tc, test_forced_faults);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_scenario_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
