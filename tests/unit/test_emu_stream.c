// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The streamer end to end, with a SOCK_SEQPACKET socket standing in for the
 * bulk IN endpoint (one message per write, like one transfer): frames
 * decode and verify, sequence numbers and timestamps follow the mode,
 * payloads equal a fresh render of the same variant (what --render writes),
 * fault injection flags the right frames, a failed sensor holds the stream,
 * and sequence numbers survive a restart.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_run.h"
#include "../../emulator/emu.h"
#include "../../emulator/frame.h"
#include "../../emulator/framesrc.h"

#define MODE_640_60 6
#define VARIANTS 2
#define FRAME_LEN (PALMVEIN_FRAME_HDR_SIZE + 640 * 480)
#define INTERVAL_US 16667

struct received {
	ssize_t len;
	struct palmvein_frame_info fi;
	bool header_ok;
	bool payload_ok;
	uint8_t *buf;
};

static struct emu emu;
static int host_fd;
static uint8_t frame_buf[FRAME_LEN + 16];

static void setup(void)
{
	static const char scene[] = "palm 1";
	struct scn_error err;
	int sv[2], size = 4 * FRAME_LEN;

	memset(&emu, 0, sizeof(emu));
	emu.log.instance = "test";
	pthread_mutex_init(&emu.lock, NULL);
	pthread_cond_init(&emu.changed, NULL);
	ck_assert_int_eq(fw_init(&emu.fw, "PV-STREAM"), 0);
	ck_assert_int_eq(scn_parse(scene, strlen(scene), &emu.timeline, &err), 0);
	emu.power_on_us = emu_monotonic_us();
	emu.timeline_origin_us = emu.power_on_us;
	emu.variants = VARIANTS;
	emu.bulk_max_packet = 512;
	emu.enabled = true;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	/* a whole frame must fit in one message */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	emu.ep_frames = sv[0];
	host_fd = sv[1];
	ck_assert_int_eq(emu_signals_init(), 0);
	ck_assert_int_eq(emu_thread_start(&emu, &emu.stream_thread,
					  emu_stream_main), 0);
}

static void teardown(void)
{
	pthread_mutex_lock(&emu.lock);
	emu.stopping = true;
	pthread_cond_broadcast(&emu.changed);
	pthread_mutex_unlock(&emu.lock);
	emu_thread_join(&emu.stream_thread);
	close(emu.ep_frames);
	close(host_fd);
	scn_timeline_free(&emu.timeline);
	pthread_cond_destroy(&emu.changed);
	pthread_mutex_destroy(&emu.lock);
}

/* START_STREAM as the host sends it; returns what the firmware answered. */
static int request_start(uint16_t mode)
{
	struct usb_ctrlrequest s = {
		.bRequestType = USB_TYPE_VENDOR | USB_RECIP_INTERFACE,
		.bRequest = PALMVEIN_REQ_START_STREAM,
		.wValue = htole16(mode),
	};
	int ret;

	pthread_mutex_lock(&emu.lock);
	ret = fw_ctrl_handle(&emu.fw, &s, NULL, 0);
	pthread_cond_broadcast(&emu.changed);
	pthread_mutex_unlock(&emu.lock);
	return ret;
}

static void start_stream(uint16_t mode)
{
	ck_assert_int_eq(request_start(mode), 0);
}

static void stop_stream(void)
{
	struct usb_ctrlrequest s = {
		.bRequestType = USB_TYPE_VENDOR | USB_RECIP_INTERFACE,
		.bRequest = PALMVEIN_REQ_STOP_STREAM,
	};

	pthread_mutex_lock(&emu.lock);
	ck_assert_int_eq(fw_ctrl_handle(&emu.fw, &s, NULL, 0), 0);
	pthread_mutex_unlock(&emu.lock);
	emu_thread_kick(&emu.stream_thread);
}

/* Receives one frame (5 s at most) and judges it as a host would. */
static struct received receive(void)
{
	struct pollfd pfd = { .fd = host_fd, .events = POLLIN };
	struct received r = { .buf = frame_buf };

	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	r.len = recv(host_fd, frame_buf, sizeof(frame_buf), 0);
	ck_assert_int_gt(r.len, 0);
	r.header_ok = !palmvein_frame_header_decode(frame_buf, (size_t)r.len,
						     &r.fi) &&
		      r.fi.header_crc32 ==
			      frame_crc32(frame_buf, PALMVEIN_FRAME_HDR_CRC_OFFSET);
	r.payload_ok = r.header_ok &&
		       (size_t)r.len == PALMVEIN_FRAME_HDR_SIZE + r.fi.payload_size &&
		       r.fi.payload_crc32 == frame_crc32(frame_buf + PALMVEIN_FRAME_HDR_SIZE,
							 r.fi.payload_size);
	return r;
}

/* What `palmvein-emu --render 1 --size 640x480 --variant V` renders. */
static void assert_payload_is_render(const struct received *r)
{
	struct framesrc *src = framesrc_new(VARIANTS);
	struct framesrc_request req;
	struct framesrc_payload p;

	memset(&req, 0, sizeof(req));
	req.scene.target = PV_TARGET_PALM;
	req.scene.identity = 1;
	req.scene.pose.distance_mm = 60.0f;
	req.scene.pose.finger_spread = -1.0f;
	req.width = 640;
	req.height = 480;
	req.bits = 8;
	req.exposure_us = FW_EXPOSURE_DEFAULT_US;
	req.gain_q4 = FW_GAIN_DEFAULT;
	req.lit_mask = 2;
	req.intensity[1] = 128;
	req.variant = r->fi.sequence % VARIANTS;
	ck_assert_int_eq(framesrc_get(src, &req, &p), 0);
	ck_assert_uint_eq(p.size, r->fi.payload_size);
	ck_assert_mem_eq(p.data, r->buf + PALMVEIN_FRAME_HDR_SIZE, p.size);
	framesrc_free(src);
}

START_TEST(test_frames_verify_and_follow_the_mode)
{
	struct received r, prev = { 0 };
	unsigned int i;

	start_stream(MODE_640_60);
	for (i = 0; i < 12; i++) {
		r = receive();
		ck_assert_msg(r.payload_ok, "frame %u does not verify", i);
		ck_assert_uint_eq(r.fi.mode, MODE_640_60);
		ck_assert_uint_eq(r.fi.width, 640);
		ck_assert_uint_eq(r.fi.exposure_us, 4000);
		ck_assert_uint_eq(r.fi.distance_mm, 60);
		ck_assert_uint_eq(r.fi.illum_lit, 2);	/* 940 nm strobe */
		ck_assert_uint_eq(r.fi.intensity[1], 128);
		if (i) {
			uint32_t gap = r.fi.sequence - prev.fi.sequence;
			uint64_t dt = r.fi.timestamp_us - prev.fi.timestamp_us;

			ck_assert_uint_ge(gap, 1);
			/* timestamps are the schedule, whatever the delays */
			ck_assert_uint_le(dt > gap * INTERVAL_US ?
					  dt - gap * INTERVAL_US :
					  gap * INTERVAL_US - dt, gap);
		} else {
			ck_assert_uint_eq(r.fi.sequence, 0);
		}
		if (i < 2)
			assert_payload_is_render(&r);
		prev = r;
	}
}
END_TEST

START_TEST(test_unknown_mode_stalls_and_stream_goes_on)
{
	static const uint16_t bad[] = { 10, 200, 0xffff };
	struct received r;
	uint32_t generation, last;
	unsigned int i;

	start_stream(MODE_640_60);
	last = receive().fi.sequence;
	pthread_mutex_lock(&emu.lock);
	generation = emu.fw.stream_generation;
	pthread_mutex_unlock(&emu.lock);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(request_start(bad[i]), -EPIPE);
	pthread_mutex_lock(&emu.lock);
	ck_assert_uint_eq(emu.fw.stream_generation, generation);
	ck_assert(emu.fw.streaming);
	ck_assert_uint_eq(emu.fw.mode, MODE_640_60);
	pthread_mutex_unlock(&emu.lock);
	/* the stream was neither stopped nor restarted */
	r = receive();
	ck_assert(r.payload_ok);
	ck_assert_uint_eq(r.fi.mode, MODE_640_60);
	ck_assert_uint_gt(r.fi.sequence, last);
}
END_TEST

START_TEST(test_fault_injection_flags_frames)
{
	unsigned int i, corrupt = 0, truncated = 0;
	struct received r;

	pthread_mutex_lock(&emu.lock);
	emu.corrupt_every = 3;
	emu.truncate_every = 5;
	pthread_mutex_unlock(&emu.lock);
	start_stream(MODE_640_60);
	for (i = 0; i < 15; i++) {
		r = receive();
		ck_assert(r.header_ok);
		if ((r.fi.sequence + 1) % 5 == 0) {
			ck_assert_int_lt(r.len, FRAME_LEN);
			ck_assert_int_ne(r.len % 512, 0);
			truncated++;
		} else if ((r.fi.sequence + 1) % 3 == 0) {
			ck_assert_int_eq(r.len, FRAME_LEN);
			ck_assert(!r.payload_ok);
			corrupt++;
		} else {
			ck_assert(r.payload_ok);
		}
	}
	ck_assert_uint_gt(corrupt, 0);
	ck_assert_uint_gt(truncated, 0);
	stop_stream();
	/*
	 * The books match what the host saw (the stream may be one ahead).
	 * The streamer books a frame after its write returns, which can be
	 * after the host read it: give it up to 2 s to get there.
	 */
	for (i = 0; i < 200; i++) {
		bool booked;

		pthread_mutex_lock(&emu.lock);
		booked = emu.frames_truncated >= truncated &&
			 emu.frames_corrupted >= corrupt;
		pthread_mutex_unlock(&emu.lock);
		if (booked)
			break;
		usleep(10000);
	}
	pthread_mutex_lock(&emu.lock);
	ck_assert_uint_ge(emu.frames_truncated, truncated);
	ck_assert_uint_ge(emu.frames_corrupted, corrupt);
	pthread_mutex_unlock(&emu.lock);
}
END_TEST

START_TEST(test_sensor_fault_holds_and_restart_keeps_counting)
{
	struct pollfd pfd = { .fd = host_fd, .events = POLLIN };
	struct received r;
	uint32_t last;

	start_stream(MODE_640_60);
	r = receive();
	pthread_mutex_lock(&emu.lock);
	emu.fw.injected_faults = PALMVEIN_FAULT_SENSOR;
	pthread_mutex_unlock(&emu.lock);
	/* drain what was already on its way, then silence */
	while (poll(&pfd, 1, 300) == 1)
		r = receive();
	last = r.fi.sequence;
	pthread_mutex_lock(&emu.lock);
	emu.fw.injected_faults = 0;
	pthread_mutex_unlock(&emu.lock);
	r = receive();
	ck_assert_uint_eq(r.fi.sequence, last + 1);

	stop_stream();
	while (poll(&pfd, 1, 300) == 1)
		last = receive().fi.sequence;
	start_stream(MODE_640_60);
	r = receive();
	ck_assert(r.payload_ok);
	ck_assert_uint_gt(r.fi.sequence, last);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_stream");
	TCase *tc = tcase_create("stream");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_frames_verify_and_follow_the_mode);
	tcase_add_test(tc, test_unknown_mode_stalls_and_stream_goes_on);
	tcase_add_test(tc, test_fault_injection_flags_frames);
	tcase_add_test(tc, test_sensor_fault_holds_and_restart_keeps_counting);
	suite_add_tcase(s, tc);
	return check_run(s);
}
