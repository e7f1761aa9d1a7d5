// SPDX-License-Identifier: LGPL-2.1-or-later
/* Interrupt IN event detection: arrival, departure, hysteresis, faults. */
#include <check.h>
#include <endian.h>
#include <stdlib.h>

#include "check_run.h"
#include "../../emulator/events.h"

START_TEST(test_arrive_move_leave)
{
	struct palmvein_event ev[EV_MAX_PER_UPDATE];
	struct ev_tracker tr;

	ev_tracker_reset(&tr);
	ck_assert_uint_eq(ev_detect(&tr, PALMVEIN_DISTANCE_NONE, 0, 1, ev), 0);
	/* arrival */
	ck_assert_uint_eq(ev_detect(&tr, 80, 0, 2, ev), 1);
	ck_assert_uint_eq(ev[0].type, PALMVEIN_EVENT_PROXIMITY);
	ck_assert_uint_eq(le16toh(ev[0].distance_mm), 80);
	ck_assert_uint_eq(le64toh(ev[0].timestamp_us), 2);
	ck_assert_uint_eq(ev[0].reserved, 0);
	/* within hysteresis: quiet, even after drifting 4 mm */
	ck_assert_uint_eq(ev_detect(&tr, 84, 0, 3, ev), 0);
	ck_assert_uint_eq(ev_detect(&tr, 76, 0, 4, ev), 0);
	/* 5 mm from what the host knows (80) */
	ck_assert_uint_eq(ev_detect(&tr, 75, 0, 5, ev), 1);
	ck_assert_uint_eq(le16toh(ev[0].distance_mm), 75);
	/* departure */
	ck_assert_uint_eq(ev_detect(&tr, PALMVEIN_DISTANCE_NONE, 0, 6, ev), 1);
	ck_assert_uint_eq(le16toh(ev[0].distance_mm), PALMVEIN_DISTANCE_NONE);
}
END_TEST

START_TEST(test_faults)
{
	struct palmvein_event ev[EV_MAX_PER_UPDATE];
	struct ev_tracker tr;

	ev_tracker_reset(&tr);
	ck_assert_uint_eq(ev_detect(&tr, PALMVEIN_DISTANCE_NONE,
				    PALMVEIN_FAULT_LED_OVERTEMP, 1, ev), 1);
	ck_assert_uint_eq(ev[0].type, PALMVEIN_EVENT_FAULT);
	ck_assert_uint_eq(le32toh(ev[0].faults), PALMVEIN_FAULT_LED_OVERTEMP);
	ck_assert_uint_eq(ev_detect(&tr, PALMVEIN_DISTANCE_NONE,
				    PALMVEIN_FAULT_LED_OVERTEMP, 2, ev), 0);
	/* fault cleared and palm arrived in the same tick: both reported */
	ck_assert_uint_eq(ev_detect(&tr, 60, 0, 3, ev), 2);
	ck_assert_uint_eq(ev[0].type, PALMVEIN_EVENT_FAULT);
	ck_assert_uint_eq(le32toh(ev[0].faults), 0);
	ck_assert_uint_eq(ev[1].type, PALMVEIN_EVENT_PROXIMITY);
	ck_assert_uint_eq(le16toh(ev[1].distance_mm), 60);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_events");
	TCase *tc = tcase_create("events");

	tcase_add_test(tc, test_arrive_move_leave);
	tcase_add_test(tc, test_faults);
	suite_add_tcase(s, tc);
	return check_run(s);
}
