// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Control socket commands: every reply, every error position, and that a
 * rejected line leaves the emulator as it was.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check_run.h"
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

static void send_text(int fd, const char *text)
{
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
}

/* Reads until @n newlines arrived; returns the bytes read. */
static size_t read_lines(int fd, char *buf, size_t size, unsigned int n)
{
	size_t used = 0;
	unsigned int lines = 0;
	ssize_t got;

	while (lines < n && used + 1 < size) {
		got = read(fd, buf + used, size - 1 - used);
		ck_assert_int_gt(got, 0);
		for (ssize_t i = 0; i < got; i++)
			lines += buf[used + i] == '\n';
		used += (size_t)got;
	}
	buf[used] = '\0';
	return used;
}

START_TEST(test_socket_round_trip)
{
	char path[] = "/tmp/pv-ctl-XXXXXX";
	char sock_path[64], reply[512], junk[2000];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(path));
	snprintf(sock_path, sizeof(sock_path), "%s/ctl", path);
	ck_assert_int_eq(emu_signals_init(), 0);
	emu.control_fd = control_listen(sock_path, &emu.log);
	ck_assert_int_ge(emu.control_fd, 0);
	ck_assert_int_eq(stat(sock_path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(emu_thread_start(&emu, &emu.control_thread,
					  emu_control_main), 0);

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(addr.sun_path, sock_path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	/* several commands in one write, the last split over two writes */
	send_text(fd, "palm 2 dist=90\nglare 9\ncorrupt-");
	send_text(fd, "every 5\n");
	read_lines(fd, reply, sizeof(reply), 3);
	ck_assert_str_eq(reply, "ok\nerror: 1:7: glare out of range 0..1\nok\n");
	/* an overlong line is refused and the connection keeps working */
	memset(junk, 'x', sizeof(junk));
	ck_assert_int_eq(write(fd, junk, sizeof(junk)), (int)sizeof(junk));
	send_text(fd, "\nstatus\n");
	read_lines(fd, reply, sizeof(reply), 2);
	ck_assert_msg(strstr(reply, "error: 1:1025: line longer than 1024 bytes\n"
			     "ok enabled=0 ") == reply, "got '%s'", reply);
	close(fd);

	pthread_mutex_lock(&emu.lock);
	ck_assert_uint_eq(emu.corrupt_every, 5);
	emu.stopping = true;
	pthread_mutex_unlock(&emu.lock);
	emu_thread_join(&emu.control_thread);
	close(emu.control_fd);
	unlink(sock_path);
	rmdir(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_control");
	TCase *tc = tcase_create("control");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fault_injection_counts);
	tcase_add_test(tc, test_forced_faults);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_scenario_lines);
	tcase_add_test(tc, test_socket_round_trip);
	suite_add_tcase(s, tc);
	return check_run(s);
}
