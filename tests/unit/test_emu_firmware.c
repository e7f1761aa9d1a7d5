// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every control request of the emulated sensor: valid ones act, each kind
 * of invalid one (out-of-range SET values included: they travel in wValue)
 * stalls and leaves the device state byte-for-byte unchanged.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "../../emulator/firmware.h"

#define TYPE_OUT (USB_TYPE_VENDOR | USB_RECIP_INTERFACE)
#define TYPE_IN (USB_DIR_IN | USB_TYPE_VENDOR | USB_RECIP_INTERFACE)

static struct usb_ctrlrequest setup(uint8_t type, uint8_t req, uint16_t value,
				    uint16_t index, uint16_t length)
{
	struct usb_ctrlrequest s = {
		.bRequestType = type,
		.bRequest = req,
		.wValue = htole16(value),
		.wIndex = htole16(index),
		.wLength = htole16(length),
	};
	return s;
}

static struct fw_state fresh(void)
{
	struct fw_state st;

	ck_assert_int_eq(fw_init(&st, "PV-TEST-0001"), 0);
	return st;
}

/* A SET request as the protocol has it: the value in wValue, no data. */
static int do_out(struct fw_state *st, uint8_t req, uint16_t value)
{
	struct usb_ctrlrequest s = setup(TYPE_OUT, req, value, 0, 0);

	if (fw_ctrl_check(&s))
		return -EPIPE;
	return fw_ctrl_handle(st, &s, NULL, 0);
}

static int do_in(struct fw_state *st, uint8_t req, uint16_t value, void *in,
		 uint16_t len)
{
	struct usb_ctrlrequest s = setup(TYPE_IN, req, value, 0, len);

	if (fw_ctrl_check(&s))
		return -EPIPE;
	return fw_ctrl_handle(st, &s, in, len);
}

/* An invalid request must stall and change nothing at all. */
static void assert_stalls_unchanged(struct fw_state *st,
				    const struct usb_ctrlrequest *s)
{
	struct fw_state before = *st;
	uint8_t in[sizeof(struct palmvein_device_info) + 16];

	ck_assert_int_eq(fw_ctrl_handle(st, s, in, sizeof(in)), -EPIPE);
	ck_assert_mem_eq(st, &before, sizeof(before));
}

/* An invalid SET value stalls on the SETUP packet and changes nothing. */
static void assert_set_stalls(struct fw_state *st, uint8_t req,
			      uint16_t value)
{
	struct usb_ctrlrequest s = setup(TYPE_OUT, req, value, 0, 0);

	ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
	assert_stalls_unchanged(st, &s);
}

START_TEST(test_get_info)
{
	struct fw_state st = fresh();
	struct palmvein_device_info info;
	unsigned int i;

	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_INFO, 0, &info,
			       sizeof(info)), (int)sizeof(info));
	ck_assert_uint_eq(le16toh(info.proto_version), PALMVEIN_PROTO_VERSION);
	ck_assert_uint_eq(le16toh(info.info_size), sizeof(info));
	ck_assert_str_eq(info.serial, "PV-TEST-0001");
	ck_assert_str_eq(info.fw_version, "emu-1.0");
	ck_assert_uint_eq(le16toh(info.sensor_width), 1280);
	ck_assert_uint_eq(le16toh(info.sensor_height), 800);
	ck_assert_uint_eq(le32toh(info.exposure_min_us), 10);
	ck_assert_uint_eq(le32toh(info.exposure_max_us), 30000);
	ck_assert_uint_eq(le32toh(info.exposure_default_us), 4000);
	ck_assert_uint_eq(le16toh(info.gain_min), 16);
	ck_assert_uint_eq(le16toh(info.gain_max), 256);
	ck_assert_uint_eq(le16toh(info.gain_default), 16);
	ck_assert_uint_eq(info.num_modes, 10);
	ck_assert_uint_eq(info.num_banks, 2);
	ck_assert_uint_eq(le16toh(info.distance_min_mm), 20);
	ck_assert_uint_eq(le16toh(info.distance_max_mm), 150);
	/* first mode: 1280x800 GREY at 60 fps */
	ck_assert_uint_eq(le16toh(info.modes[0].width), 1280);
	ck_assert_uint_eq(le16toh(info.modes[0].height), 800);
	ck_assert_uint_eq(info.modes[0].pixfmt, PALMVEIN_PIXFMT_GREY8);
	ck_assert_uint_eq(le32toh(info.modes[0].interval), 166667);
	/* 640x480 GREY at 120 fps is offered */
	for (i = 0; i < info.num_modes; i++)
		if (le16toh(info.modes[i].width) == 640 &&
		    le32toh(info.modes[i].interval) == 83333 &&
		    info.modes[i].pixfmt == PALMVEIN_PIXFMT_GREY8)
			break;
	ck_assert_uint_lt(i, info.num_modes);
	for (; i < PALMVEIN_MAX_MODES; i++)
		if (i >= info.num_modes)
			ck_assert_uint_eq(info.modes[i].width, 0);
	ck_assert_uint_eq(le16toh(info.banks[0].wavelength_nm), 850);
	ck_assert_uint_eq(le16toh(info.banks[1].wavelength_nm), 940);
	ck_assert_uint_eq(le16toh(info.banks[1].max_drive_ma), 1000);
	ck_assert_uint_eq(le16toh(info.banks[1].max_intensity), 255);
}
END_TEST

START_TEST(test_get_info_prefix)
{
	struct fw_state st = fresh();
	uint8_t head[4];
	struct usb_ctrlrequest s;

	/* a host may read just version and size first */
	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_INFO, 0, head, 4), 4);
	ck_assert_uint_eq(head[0] | head[1] << 8, PALMVEIN_PROTO_VERSION);
	ck_assert_uint_eq(head[2] | head[3] << 8,
			  sizeof(struct palmvein_device_info));
	/* a host built for a longer future info gets what this device has */
	{
		uint8_t big[1024];

		ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_INFO, 0, big,
				       sizeof(big)),
				 (int)sizeof(struct palmvein_device_info));
	}
	s = setup(TYPE_IN, PALMVEIN_REQ_GET_INFO, 0, 0, 3);
	ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
	assert_stalls_unchanged(&st, &s);
}
END_TEST

START_TEST(test_exposure)
{
	struct fw_state st = fresh();
	uint32_t got;

	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_EXPOSURE, 0, &got, 4), 4);
	ck_assert_uint_eq(le32toh(got), 4000);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_EXPOSURE, 12345), 0);
	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_EXPOSURE, 0, &got, 4), 4);
	ck_assert_uint_eq(le32toh(got), 12345);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_EXPOSURE, 10), 0);
	ck_assert_uint_eq(st.exposure_us, 10);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_EXPOSURE, 30000), 0);
	ck_assert_uint_eq(st.exposure_us, 30000);
}
END_TEST

START_TEST(test_exposure_out_of_range)
{
	static const uint16_t bad[] = { 0, 9, 30001, 0xffff };
	struct fw_state st = fresh();
	unsigned int i;

	/* not the default, so a stall that resets it is caught too */
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_EXPOSURE, 777), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_set_stalls(&st, PALMVEIN_REQ_SET_EXPOSURE, bad[i]);
	ck_assert_uint_eq(st.exposure_us, 777);
}
END_TEST

START_TEST(test_gain)
{
	static const uint16_t bad[] = { 0, 15, 257, 0xffff };
	struct fw_state st = fresh();
	uint16_t got;
	unsigned int i;

	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_GAIN, 64), 0);
	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_GAIN, 0, &got, 2), 2);
	ck_assert_uint_eq(le16toh(got), 64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_set_stalls(&st, PALMVEIN_REQ_SET_GAIN, bad[i]);
	ck_assert_uint_eq(st.gain, 64);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_GAIN, 16), 0);
	ck_assert_uint_eq(st.gain, 16);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_GAIN, 256), 0);
	ck_assert_uint_eq(st.gain, 256);
}
END_TEST

START_TEST(test_led)
{
	struct fw_state st = fresh();
	struct palmvein_led got;

	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_LED, 0, &got, 4), 4);
	ck_assert_uint_eq(got.mode, PALMVEIN_LED_OFF);
	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_LED, 1, &got, 4), 4);
	ck_assert_uint_eq(got.mode, PALMVEIN_LED_STROBE);
	ck_assert_uint_eq(le16toh(got.intensity), 128);

	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_LED,
				PALMVEIN_LED_VALUE(0, PALMVEIN_LED_ALTERNATE,
						   255)), 0);
	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_LED, 0, &got, 4), 4);
	ck_assert_uint_eq(got.mode, PALMVEIN_LED_ALTERNATE);
	ck_assert_uint_eq(got.reserved, 0);
	ck_assert_uint_eq(le16toh(got.intensity), 255);
	/* bank 1 untouched */
	ck_assert_uint_eq(st.led[1].mode, PALMVEIN_LED_STROBE);
	ck_assert_uint_eq(st.led[1].intensity, 128);
	/* and set on its own */
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_SET_LED,
				PALMVEIN_LED_VALUE(1, PALMVEIN_LED_ON, 0)), 0);
	ck_assert_uint_eq(st.led[1].mode, PALMVEIN_LED_ON);
	ck_assert_uint_eq(st.led[1].intensity, 0);
	ck_assert_uint_eq(st.led[0].mode, PALMVEIN_LED_ALTERNATE);
	ck_assert_uint_eq(st.led[0].intensity, 255);
}
END_TEST

START_TEST(test_led_value_layout)
{
	uint16_t v = PALMVEIN_LED_VALUE(3, PALMVEIN_LED_STROBE, 4095);

	ck_assert_uint_eq(v, 0xefff);
	ck_assert_uint_eq(PALMVEIN_LED_VALUE_BANK(v), 3);
	ck_assert_uint_eq(PALMVEIN_LED_VALUE_MODE(v), PALMVEIN_LED_STROBE);
	ck_assert_uint_eq(PALMVEIN_LED_VALUE_INTENSITY(v), 4095);
	v = PALMVEIN_LED_VALUE(1, PALMVEIN_LED_ALTERNATE, 0x123);
	ck_assert_uint_eq(v, 0x7123);
	ck_assert_uint_eq(PALMVEIN_LED_VALUE_BANK(v), 1);
	ck_assert_uint_eq(PALMVEIN_LED_VALUE_MODE(v), PALMVEIN_LED_ALTERNATE);
	ck_assert_uint_eq(PALMVEIN_LED_VALUE_INTENSITY(v), 0x123);
}
END_TEST

START_TEST(test_led_invalid)
{
	struct fw_state st = fresh();
	struct usb_ctrlrequest s;

	/* intensity beyond the bank's 255, up to what the wire carries */
	assert_set_stalls(&st, PALMVEIN_REQ_SET_LED,
			  PALMVEIN_LED_VALUE(0, PALMVEIN_LED_ON, 256));
	assert_set_stalls(&st, PALMVEIN_REQ_SET_LED,
			  PALMVEIN_LED_VALUE(1, PALMVEIN_LED_ON,
					     PALMVEIN_LED_INTENSITY_WIRE_MAX));
	/* banks the device does not have */
	assert_set_stalls(&st, PALMVEIN_REQ_SET_LED,
			  PALMVEIN_LED_VALUE(2, PALMVEIN_LED_ON, 10));
	assert_set_stalls(&st, PALMVEIN_REQ_SET_LED,
			  PALMVEIN_LED_VALUE(3, PALMVEIN_LED_OFF, 0));
	/* a mode 9 written unmasked spills into the bank bits: bank 2 */
	assert_set_stalls(&st, PALMVEIN_REQ_SET_LED, 9 << 12 | 1);
	/* GET_LED of a bank out of range */
	s = setup(TYPE_IN, PALMVEIN_REQ_GET_LED, 2, 0, 4);
	ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
	assert_stalls_unchanged(&st, &s);
}
END_TEST

START_TEST(test_stream_start_stop)
{
	struct fw_state st = fresh();
	uint32_t gen = st.stream_generation;

	ck_assert(!st.streaming);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_START_STREAM, 5), 0);
	ck_assert(st.streaming);
	ck_assert_uint_eq(st.mode, 5);
	ck_assert_uint_eq(st.stream_generation, gen + 1);
	ck_assert_uint_eq(fw_frame_interval_us(&st), 8333);
	/* restart in another mode while streaming */
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_START_STREAM, 0), 0);
	ck_assert_uint_eq(st.mode, 0);
	ck_assert_uint_eq(st.stream_generation, gen + 2);
	/* the last mode exists */
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_START_STREAM,
				fw_num_modes() - 1), 0);
	ck_assert_uint_eq(st.mode, fw_num_modes() - 1);
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_STOP_STREAM, 0), 0);
	ck_assert(!st.streaming);
	ck_assert_uint_eq(st.stream_generation, gen + 4);
}
END_TEST

START_TEST(test_stream_invalid)
{
	static const uint16_t bad[] = { 10, 200, 0xffff };
	struct fw_state st = fresh();
	struct usb_ctrlrequest s;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_set_stalls(&st, PALMVEIN_REQ_START_STREAM, bad[i]);
	/* while streaming, a bad mode neither stops nor restarts it */
	ck_assert_int_eq(do_out(&st, PALMVEIN_REQ_START_STREAM, 3), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_set_stalls(&st, PALMVEIN_REQ_START_STREAM, bad[i]);
	ck_assert(st.streaming);
	ck_assert_uint_eq(st.mode, 3);
	/* STOP with a value or a data stage */
	assert_set_stalls(&st, PALMVEIN_REQ_STOP_STREAM, 1);
	s = setup(TYPE_OUT, PALMVEIN_REQ_STOP_STREAM, 0, 0, 1);
	ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
	assert_stalls_unchanged(&st, &s);
	ck_assert(st.streaming);
}
END_TEST

START_TEST(test_status)
{
	struct fw_state st = fresh();
	struct palmvein_status status;

	st.frames_sent = 1234;
	st.frames_dropped = 5;
	st.distance_mm = 77;
	st.injected_faults = PALMVEIN_FAULT_SENSOR;
	ck_assert_int_eq(do_in(&st, PALMVEIN_REQ_GET_STATUS, 0, &status,
			       sizeof(status)), (int)sizeof(status));
	ck_assert_uint_eq(le16toh(status.distance_mm), 77);
	ck_assert_uint_eq(le16toh(status.led_temp_decic), 250);
	ck_assert_uint_eq(le32toh(status.faults), PALMVEIN_FAULT_SENSOR);
	ck_assert_uint_eq(le32toh(status.frames_sent), 1234);
	ck_assert_uint_eq(le32toh(status.frames_dropped), 5);
}
END_TEST

/* Header-level faults for every request: each must stall. */
START_TEST(test_every_request_rejects_bad_headers)
{
	static const struct {
		uint8_t req;
		bool in;
		uint16_t len;
		uint16_t value;		/* a valid wValue */
		uint16_t bad_value;	/* out of range, or non-zero where unused */
	} reqs[] = {
		{ PALMVEIN_REQ_GET_INFO, true, sizeof(struct palmvein_device_info), 0, 1 },
		{ PALMVEIN_REQ_GET_EXPOSURE, true, 4, 0, 1 },
		{ PALMVEIN_REQ_SET_EXPOSURE, false, 0, 1000, 30001 },
		{ PALMVEIN_REQ_GET_GAIN, true, 2, 0, 1 },
		{ PALMVEIN_REQ_SET_GAIN, false, 0, 32, 257 },
		{ PALMVEIN_REQ_GET_LED, true, 4, 1, FW_NUM_BANKS },
		{ PALMVEIN_REQ_SET_LED, false, 0,
		  PALMVEIN_LED_VALUE(1, PALMVEIN_LED_ON, 10),
		  PALMVEIN_LED_VALUE(FW_NUM_BANKS, PALMVEIN_LED_ON, 10) },
		{ PALMVEIN_REQ_START_STREAM, false, 0, 2, 10 },
		{ PALMVEIN_REQ_STOP_STREAM, false, 0, 0, 1 },
		{ PALMVEIN_REQ_GET_STATUS, true, 16, 0, 1 },
	};
	struct fw_state st = fresh();
	struct usb_ctrlrequest s;
	uint16_t value, len;
	unsigned int i;
	uint8_t type;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		type = reqs[i].in ? TYPE_IN : TYPE_OUT;
		value = reqs[i].value;
		len = reqs[i].len;
		s = setup(type, reqs[i].req, value, 0, len);
		ck_assert_int_eq(fw_ctrl_check(&s), 0);
		/* wrong direction */
		s = setup(type ^ USB_DIR_IN, reqs[i].req, value, 0, len);
		ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
		assert_stalls_unchanged(&st, &s);
		/* standard or class type, device recipient */
		s = setup(type & ~USB_TYPE_MASK, reqs[i].req, value, 0, len);
		assert_stalls_unchanged(&st, &s);
		s = setup(type | USB_TYPE_CLASS, reqs[i].req, value, 0, len);
		assert_stalls_unchanged(&st, &s);
		s = setup(type & ~USB_RECIP_MASK, reqs[i].req, value, 0, len);
		assert_stalls_unchanged(&st, &s);
		/* another interface */
		s = setup(type, reqs[i].req, value, 1, len);
		assert_stalls_unchanged(&st, &s);
		/* wValue out of range (or non-zero where unused) */
		s = setup(type, reqs[i].req, reqs[i].bad_value, 0, len);
		ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
		assert_stalls_unchanged(&st, &s);
		/* wrong wLength (longer GET_INFO reads are allowed) */
		if (reqs[i].req != PALMVEIN_REQ_GET_INFO) {
			s = setup(type, reqs[i].req, value, 0, len + 1);
			ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
			assert_stalls_unchanged(&st, &s);
		}
		if (len && reqs[i].req != PALMVEIN_REQ_GET_INFO) {
			s = setup(type, reqs[i].req, value, 0, len - 1);
			assert_stalls_unchanged(&st, &s);
		}
	}
}
END_TEST

/*
 * The data-stage form of a SET (wLength != 0, even with a valid value in
 * wValue) stalls: a FunctionFS device could not stall its data.
 */
START_TEST(test_set_with_data_stage_stalls)
{
	static const struct {
		uint8_t req;
		uint16_t value;
	} sets[] = {
		{ PALMVEIN_REQ_SET_EXPOSURE, 1000 },
		{ PALMVEIN_REQ_SET_GAIN, 32 },
		{ PALMVEIN_REQ_SET_LED, PALMVEIN_LED_VALUE(0, PALMVEIN_LED_ON, 1) },
		{ PALMVEIN_REQ_START_STREAM, 0 },
		{ PALMVEIN_REQ_STOP_STREAM, 0 },
	};
	static const uint16_t lengths[] = { 1, 2, 4, 0xffff };
	struct fw_state st = fresh();
	struct usb_ctrlrequest s;
	unsigned int i, j;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		for (j = 0; j < sizeof(lengths) / sizeof(lengths[0]); j++) {
			s = setup(TYPE_OUT, sets[i].req, sets[i].value, 0,
				  lengths[j]);
			ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
			assert_stalls_unchanged(&st, &s);
		}
		/* the same request without data is fine */
		ck_assert_int_eq(do_out(&st, sets[i].req, sets[i].value), 0);
	}
}
END_TEST

START_TEST(test_unknown_requests_stall)
{
	struct fw_state st = fresh();
	struct usb_ctrlrequest s;
	unsigned int req;

	for (req = 0; req < 256; req++) {
		switch (req) {
		case PALMVEIN_REQ_GET_INFO: case PALMVEIN_REQ_GET_EXPOSURE:
		case PALMVEIN_REQ_SET_EXPOSURE: case PALMVEIN_REQ_GET_GAIN:
		case PALMVEIN_REQ_SET_GAIN: case PALMVEIN_REQ_GET_LED:
		case PALMVEIN_REQ_SET_LED: case PALMVEIN_REQ_START_STREAM:
		case PALMVEIN_REQ_STOP_STREAM: case PALMVEIN_REQ_GET_STATUS:
			continue;
		}
		s = setup(TYPE_IN, (uint8_t)req, 0, 0, 4);
		ck_assert_int_eq(fw_ctrl_check(&s), -EPIPE);
		assert_stalls_unchanged(&st, &s);
		s = setup(TYPE_OUT, (uint8_t)req, 0, 0, 0);
		assert_stalls_unchanged(&st, &s);
	}
}
END_TEST

START_TEST(test_frame_light)
{
	struct fw_state st = fresh();
	struct fw_frame_light light;

	st.led[0].mode = PALMVEIN_LED_ALTERNATE;
	st.led[0].intensity = 200;
	st.led[1].mode = PALMVEIN_LED_STROBE;
	st.led[1].intensity = 128;
	fw_frame_light(&st, 10, &light);
	ck_assert_uint_eq(light.lit_mask, 3);
	ck_assert_uint_eq(light.intensity[0], 200);
	ck_assert_uint_eq(light.intensity[1], 128);
	fw_frame_light(&st, 11, &light);
	ck_assert_uint_eq(light.lit_mask, 2);
	ck_assert_uint_eq(light.intensity[0], 0);
	st.led[1].mode = PALMVEIN_LED_OFF;
	fw_frame_light(&st, 11, &light);
	ck_assert_uint_eq(light.lit_mask, 0);
	/* an open LED string gives no light */
	st.injected_faults = PALMVEIN_FAULT_LED_OPEN;
	fw_frame_light(&st, 10, &light);
	ck_assert_uint_eq(light.lit_mask, 0);
}
END_TEST

START_TEST(test_effective_exposure)
{
	struct fw_state st = fresh();

	st.mode = 5;	/* 120 fps: 8333 us */
	st.exposure_us = 20000;
	ck_assert_uint_eq(fw_effective_exposure_us(&st), 8333);
	st.exposure_us = 1000;
	ck_assert_uint_eq(fw_effective_exposure_us(&st), 1000);
}
END_TEST

START_TEST(test_thermal)
{
	struct fw_state st = fresh();
	struct fw_frame_light light;
	unsigned int i;

	/* idle: stays at ambient */
	fw_thermal_step(&st, 100.0);
	ck_assert_double_eq_tol(st.led_temp_c, 25.0, 0.01);
	/* both banks fully on: heats past 85 C, trips and derates */
	st.led[0].mode = PALMVEIN_LED_ON;
	st.led[0].intensity = 255;
	st.led[1].mode = PALMVEIN_LED_ON;
	st.led[1].intensity = 255;
	fw_thermal_step(&st, 1.0);
	ck_assert(st.led_temp_c > 25.0);
	ck_assert(!(fw_faults(&st) & PALMVEIN_FAULT_LED_OVERTEMP));
	for (i = 0; i < 60; i++)
		fw_thermal_step(&st, 1.0);
	ck_assert(fw_faults(&st) & PALMVEIN_FAULT_LED_OVERTEMP);
	fw_frame_light(&st, 0, &light);
	ck_assert_uint_eq(light.intensity[0], 127);
	/* switched off, it cools and clears */
	st.led[0].mode = PALMVEIN_LED_OFF;
	st.led[1].mode = PALMVEIN_LED_OFF;
	for (i = 0; i < 200; i++)
		fw_thermal_step(&st, 1.0);
	ck_assert(!(fw_faults(&st) & PALMVEIN_FAULT_LED_OVERTEMP));
	ck_assert_double_eq_tol(st.led_temp_c, 25.0, 0.1);
}
END_TEST

START_TEST(test_serial_too_long)
{
	struct fw_state st;

	ck_assert_int_eq(fw_init(&st, "0123456789abcdefX"), -EINVAL);
	ck_assert_int_eq(fw_init(&st, "0123456789abcdef"), 0);
	ck_assert_mem_eq(st.serial, "0123456789abcdef", 16);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_firmware");
	TCase *tc = tcase_create("requests");

	tcase_add_test(tc, test_get_info);
	tcase_add_test(tc, test_get_info_prefix);
	tcase_add_test(tc, test_exposure);
	tcase_add_test(tc, test_exposure_out_of_range);
	tcase_add_test(tc, test_gain);
	tcase_add_test(tc, test_led);
	tcase_add_test(tc, test_led_value_layout);
	tcase_add_test(tc, test_led_invalid);
	tcase_add_test(tc, test_stream_start_stop);
	tcase_add_test(tc, test_stream_invalid);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_every_request_rejects_bad_headers);
	tcase_add_test(tc, test_unknown_requests_stall);
	tcase_add_test(tc, test_set_with_data_stage_stalls);
	tcase_add_test(tc, test_frame_light);
	tcase_add_test(tc, test_effective_exposure);
	tcase_add_test(tc, test_thermal);
	tcase_add_test(tc, test_serial_too_long);
	suite_add_tcase(s, tc);
	return check_run(s);
}
