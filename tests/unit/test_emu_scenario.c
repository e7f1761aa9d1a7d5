// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario scripts: good scripts build the right timeline, every error is
 * reported at its exact line and column, garbage never crashes, and the
 * timeline interpolates motions and loops.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "../../emulator/scenario.h"

static void parse_ok(const char *script, struct scn_timeline *tl)
{
	struct scn_error err;
	int ret = scn_parse(script, strlen(script), tl, &err);

	ck_assert_msg(ret == 0, "parse failed at %u:%u: %s", err.line,
		      err.column, err.message);
}

static struct pv_scene_desc scene_at(const struct scn_timeline *tl, double t)
{
	struct pv_scene_desc d;

	scn_scene_at(tl, t, &d);
	return d;
}

START_TEST(test_full_script)
{
	static const char script[] =
		"# a customer pays\n"
		"none\n"
		"at 1s palm 7 x=5 y=-3.5 rot=10 dist=90 spread=0.6 deform=0.2 seed=11\n"
		"  move 2s dist=50 rot=-20   # hand comes closer\n"
		"ambient 0.3\n"
		"glare 0.25\n"
		"wait 3s\n"
		"photo 7 dist=60\n"
		"wait 500ms\n"
		"fake 3\n"
		"at 5s pose x=1 seed=2\n"
		"at 6s none\n";
	struct scn_timeline tl;
	struct pv_scene_desc d;

	parse_ok(script, &tl);
	ck_assert_uint_eq(tl.count, 9);
	ck_assert_double_eq(tl.loop_period, 0.0);

	d = scene_at(&tl, 0.5);
	ck_assert_int_eq(d.target, PV_TARGET_NONE);
	d = scene_at(&tl, 1.0);
	ck_assert_int_eq(d.target, PV_TARGET_PALM);
	ck_assert_uint_eq(d.identity, 7);
	ck_assert_float_eq_tol(d.pose.x_mm, 5.0f, 1e-6f);
	ck_assert_float_eq_tol(d.pose.y_mm, -3.5f, 1e-6f);
	ck_assert_float_eq_tol(d.pose.distance_mm, 90.0f, 1e-4f);
	ck_assert_float_eq_tol(d.pose.finger_spread, 0.6f, 1e-6f);
	ck_assert_float_eq_tol(d.pose.deform, 0.2f, 1e-6f);
	ck_assert_uint_eq(d.pose.seed, 11);
	ck_assert_float_eq_tol(d.ambient, 0.3f, 1e-6f);
	ck_assert_float_eq_tol(d.glare, 0.25f, 1e-6f);
	/* halfway through the move */
	d = scene_at(&tl, 2.0);
	ck_assert_float_eq_tol(d.pose.distance_mm, 70.0f, 1e-4f);
	ck_assert_float_eq_tol(d.pose.rotation_deg, -5.0f, 1e-4f);
	/* move finished and held */
	d = scene_at(&tl, 3.5);
	ck_assert_float_eq_tol(d.pose.distance_mm, 50.0f, 1e-4f);
	d = scene_at(&tl, 4.2);
	ck_assert_int_eq(d.target, PV_TARGET_PHOTO);
	ck_assert_float_eq_tol(d.pose.distance_mm, 60.0f, 1e-4f);
	/* pose fields carry over to the next target */
	ck_assert_float_eq_tol(d.pose.rotation_deg, -20.0f, 1e-4f);
	d = scene_at(&tl, 4.6);
	ck_assert_int_eq(d.target, PV_TARGET_FAKE);
	ck_assert_uint_eq(d.identity, 3);
	d = scene_at(&tl, 5.0);
	ck_assert_float_eq_tol(d.pose.x_mm, 1.0f, 1e-6f);
	ck_assert_uint_eq(d.pose.seed, 2);
	d = scene_at(&tl, 100.0);
	ck_assert_int_eq(d.target, PV_TARGET_NONE);
	scn_timeline_free(&tl);
}
END_TEST

START_TEST(test_defaults_and_empty)
{
	struct scn_timeline tl;
	struct pv_scene_desc d;

	parse_ok("", &tl);
	ck_assert_uint_eq(tl.count, 0);
	d = scene_at(&tl, 3.0);
	ck_assert_int_eq(d.target, PV_TARGET_NONE);
	ck_assert_float_eq_tol(d.pose.distance_mm, 60.0f, 1e-6f);
	ck_assert(d.pose.finger_spread < 0.0f);
	scn_timeline_free(&tl);
	parse_ok("\n\n   \t\r\n# only comments\n", &tl);
	ck_assert_uint_eq(tl.count, 0);
	scn_timeline_free(&tl);
	/* no trailing newline, CRLF line ends */
	parse_ok("palm 1\r\nwait 1s\r\nnone", &tl);
	ck_assert_uint_eq(tl.count, 2);
	scn_timeline_free(&tl);
}
END_TEST

START_TEST(test_loop)
{
	struct scn_timeline tl;
	struct pv_scene_desc d;

	parse_ok("palm 1 dist=100\nmove 1s dist=40\nwait 2s\nnone\nwait 1s\nloop\n# trailing comment\n",
		 &tl);
	ck_assert_double_eq_tol(tl.loop_period, 3.0, 1e-9);
	d = scene_at(&tl, 0.5);
	ck_assert_float_eq_tol(d.pose.distance_mm, 70.0f, 1e-4f);
	d = scene_at(&tl, 2.5);
	ck_assert_int_eq(d.target, PV_TARGET_NONE);
	/* second round starts from the top again */
	d = scene_at(&tl, 3.5);
	ck_assert_int_eq(d.target, PV_TARGET_PALM);
	ck_assert_float_eq_tol(d.pose.distance_mm, 70.0f, 1e-4f);
	d = scene_at(&tl, 300.25);
	ck_assert_float_eq_tol(d.pose.distance_mm, 85.0f, 1e-3f);
	scn_timeline_free(&tl);
}
END_TEST

START_TEST(test_move_chain)
{
	struct scn_timeline tl;
	struct pv_scene_desc d;

	/* a second move takes over from where the first one is */
	parse_ok("palm 2 x=0\nmove 4s x=40\nat 1s move 1s x=0\n", &tl);
	d = scene_at(&tl, 1.0);
	ck_assert_float_eq_tol(d.pose.x_mm, 10.0f, 1e-4f);
	d = scene_at(&tl, 1.5);
	ck_assert_float_eq_tol(d.pose.x_mm, 5.0f, 1e-4f);
	d = scene_at(&tl, 9.0);
	ck_assert_float_eq_tol(d.pose.x_mm, 0.0f, 1e-4f);
	scn_timeline_free(&tl);
	/* spread from the natural default starts from an open hand */
	parse_ok("palm 2\nmove 2s spread=0\n", &tl);
	d = scene_at(&tl, 1.0);
	ck_assert_float_eq_tol(d.pose.finger_spread, 0.5f, 1e-4f);
	scn_timeline_free(&tl);
}
END_TEST

struct bad_case {
	const char *script;
	unsigned int line, column;
	const char *message_part;
};

static const struct bad_case bad_cases[] = {
	{ "jump 3\n", 1, 1, "unknown command 'jump'" },
	{ "none\n  palm\n", 2, 7, "expected an identity" },
	{ "palm x\n", 1, 6, "expected an integer" },
	{ "palm 4294967296\n", 1, 6, "out of range" },
	{ "palm 1 dist=3\n", 1, 13, "dist out of range" },
	{ "palm 1 dist=abc\n", 1, 13, "expected a number" },
	{ "palm 1 dist=\n", 1, 13, "expected a number" },
	{ "palm 1 dist=1e999\n", 1, 13, "expected a number" },
	{ "palm 1 dist=nan\n", 1, 13, "expected a number" },
	{ "palm 1 dist=0x40\n", 1, 13, "expected a number" },
	{ "palm 1 height=3\n", 1, 8, "unknown field 'height'" },
	{ "palm 1 x=1 x=2\n", 1, 12, "x given twice" },
	{ "palm 1 seed=1 seed=2\n", 1, 15, "seed given twice" },
	{ "palm 1 seed=-1\n", 1, 13, "expected an integer" },
	{ "palm 1 rot\n", 1, 8, "expected name=value" },
	{ "none 3\n", 1, 6, "unexpected '3'" },
	{ "wait 2\n", 1, 6, "expected a time like" },
	{ "wait\n", 1, 5, "expected a duration" },
	{ "wait 2h\n", 1, 6, "expected a time like" },
	{ "wait -1s\n", 1, 6, "time out of range" },
	{ "wait 1s 2s\n", 1, 9, "unexpected '2s'" },
	{ "at 2s palm 1\nat 1s none\n", 2, 4, "time goes backwards" },
	{ "at 2s\n", 1, 6, "expected a command" },
	{ "at\n", 1, 3, "expected a time" },
	{ "palm 1 at 2s\n", 1, 8, "expected name=value" },
	{ "none\nat 1s at 2s none\n", 2, 7, "'at' must start the line" },
	{ "move 0s x=1\n", 1, 6, "positive duration" },
	{ "move 1s\n", 1, 8, "expected name=value" },
	{ "move 1s seed=3\n", 1, 9, "unknown field 'seed'" },
	{ "move 1s ambient=2\n", 1, 17, "ambient out of range" },
	{ "pose\n", 1, 5, "expected name=value" },
	{ "ambient\n", 1, 8, "expected a number" },
	{ "glare 1.5\n", 1, 7, "glare out of range" },
	{ "ambient 0.1 0.2\n", 1, 13, "unexpected" },
	{ "seed\n", 1, 5, "expected an integer" },
	{ "loop\n", 1, 1, "positive period" },
	{ "palm 1\nwait 1s\nloop\nnone\n", 4, 1, "nothing may follow loop" },
	{ "loop now\n", 1, 6, "unexpected 'now'" },
	{ "palm 1\tdist=\x01\n", 1, 13, "invalid character 0x01" },
	{ "palm 1 \xc3\xa9\n", 1, 8, "invalid character 0xc3" },
	{ "wait 600000s\nwait 600000s\n", 2, 6, "longer than" },
};

START_TEST(test_errors_have_line_and_column)
{
	const struct bad_case *c = &bad_cases[_i];
	struct scn_timeline tl;
	struct scn_error err;
	int ret;

	ret = scn_parse(c->script, strlen(c->script), &tl, &err);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(err.line == c->line && err.column == c->column,
		      "'%s': got %u:%u (%s), want %u:%u", c->script, err.line,
		      err.column, err.message, c->line, c->column);
	ck_assert_msg(strstr(err.message, c->message_part),
		      "'%s': message '%s' lacks '%s'", c->script, err.message,
		      c->message_part);
	ck_assert_ptr_null(tl.events);
}
END_TEST

START_TEST(test_nul_byte_is_an_error)
{
	static const char script[] = "palm 1\nwait 1s\0\n";
	struct scn_timeline tl;
	struct scn_error err;

	ck_assert_int_eq(scn_parse(script, sizeof(script) - 1, &tl, &err),
			 -EINVAL);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 8);
}
END_TEST

/* xorshift: reproducible garbage without global state */
static uint32_t next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

START_TEST(test_garbage_never_crashes)
{
	static const char *const words[] = {
		"palm", "photo", "fake", "none", "pose", "move", "wait", "at",
		"loop", "seed", "ambient", "glare", "x=", "dist=", "1s", "5ms",
		"=", "3", "-2", "1e3", "#", "\n", " ", "\t", "0.5", "spread=1",
	};
	char buf[512];
	struct scn_timeline tl;
	struct scn_error err;
	uint32_t rng = 0x9e3779b9;
	unsigned int round, len, i;
	int ret, ok = 0;

	for (round = 0; round < 20000; round++) {
		len = next_random(&rng) % sizeof(buf);
		if (round % 2) {
			for (i = 0; i < len; i++)
				buf[i] = (char)next_random(&rng);
		} else {
			size_t pos = 0;

			while (pos < len) {
				const char *w = words[next_random(&rng) %
						      (sizeof(words) / sizeof(words[0]))];
				size_t n = strlen(w);

				if (pos + n > len)
					break;
				memcpy(buf + pos, w, n);
				pos += n;
			}
			len = (unsigned int)pos;
		}
		ret = scn_parse(buf, len, &tl, &err);
		ck_assert(ret == 0 || ret == -EINVAL);
		if (ret == 0) {
			struct pv_scene_desc d;

			ok++;
			scn_scene_at(&tl, 1.5, &d);
			scn_timeline_free(&tl);
		} else {
			ck_assert_uint_ge(err.line, 1);
			ck_assert_uint_ge(err.column, 1);
			ck_assert_uint_gt(strlen(err.message), 0);
		}
	}
	/* the word soup must sometimes form valid scripts */
	ck_assert_int_gt(ok, 0);
}
END_TEST

START_TEST(test_live_takeover)
{
	struct scn_timeline tl;
	struct scn_error err;
	struct pv_scene_desc d;
	static const char line[] = "ambient 0.4";
	static const char move[] = "move 2s x=20";
	static const char bad[] = "palm 1 x=500";

	parse_ok("palm 5 dist=100\nmove 10s dist=50\nat 20s none\n", &tl);
	/* 4 s in: dist 80, still moving; a live line keeps the move going */
	ck_assert_int_eq(scn_apply_live(&tl, 4.0, line, strlen(line), &err), 0);
	d = scene_at(&tl, 0.0);
	ck_assert_int_eq(d.target, PV_TARGET_PALM);
	ck_assert_uint_eq(d.identity, 5);
	ck_assert_float_eq_tol(d.pose.distance_mm, 80.0f, 1e-3f);
	ck_assert_float_eq_tol(d.ambient, 0.4f, 1e-6f);
	d = scene_at(&tl, 3.0);
	ck_assert_float_eq_tol(d.pose.distance_mm, 65.0f, 1e-3f);
	/* the scripted future (none at 20 s) is gone */
	d = scene_at(&tl, 100.0);
	ck_assert_int_eq(d.target, PV_TARGET_PALM);
	ck_assert_float_eq_tol(d.pose.distance_mm, 50.0f, 1e-3f);
	/* a live move starts now */
	ck_assert_int_eq(scn_apply_live(&tl, 1.0, move, strlen(move), &err), 0);
	d = scene_at(&tl, 1.0);
	ck_assert_float_eq_tol(d.pose.x_mm, 10.0f, 1e-3f);
	/* a bad line changes nothing */
	ck_assert_int_eq(scn_apply_live(&tl, 1.0, bad, strlen(bad), &err),
			 -EINVAL);
	ck_assert_uint_eq(err.line, 1);
	ck_assert_uint_eq(err.column, 10);
	d = scene_at(&tl, 1.0);
	ck_assert_float_eq_tol(d.pose.x_mm, 10.0f, 1e-3f);
	scn_timeline_free(&tl);
}
END_TEST

START_TEST(test_distance_and_equality)
{
	struct pv_scene_desc a, b;
	struct scn_timeline tl;

	parse_ok("palm 1 dist=70.4\nat 1s pose dist=200\nat 2s none\n", &tl);
	scn_scene_at(&tl, 0.0, &a);
	ck_assert_uint_eq(scn_distance_mm(&a, 20, 150), 70);
	scn_scene_at(&tl, 1.0, &b);
	ck_assert_uint_eq(scn_distance_mm(&b, 20, 150), 0xffff);
	ck_assert(!scn_scene_equal(&a, &b));
	scn_scene_at(&tl, 0.5, &b);
	ck_assert(scn_scene_equal(&a, &b));
	scn_scene_at(&tl, 2.0, &b);
	ck_assert_uint_eq(scn_distance_mm(&b, 20, 150), 0xffff);
	scn_timeline_free(&tl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_scenario");
	TCase *tc = tcase_create("scenario");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_full_script);
	tcase_add_test(tc, test_defaults_and_empty);
	tcase_add_test(tc, test_loop);
	tcase_add_test(tc, test_move_chain);
	tcase_add_loop_test(tc, test_errors_have_line_and_column, 0,
			    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_nul_byte_is_an_error);
	tcase_add_test(tc, test_garbage_never_crashes);
	tcase_add_test(tc, test_live_takeover);
	tcase_add_test(tc, test_distance_and_equality);
	suite_add_tcase(s, tc);
	return check_run(s);
}
