// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the emulated sensor's control-request handler
 * (fw_ctrl_handle in emulator/firmware.c), driven by a sequence of requests
 * so later ones see the state earlier ones left. Each record of the input is
 *
 *   8 bytes  struct usb_ctrlrequest, as on the wire (little endian)
 *   1 byte   flags: bits 0-1 shorten the IN buffer below wLength by that
 *            many bytes; bit 7 first runs the LED thermal model for
 *            (bits 0-6) seconds
 *
 * No request has an OUT data stage: SETs carry their value in wValue.
 *
 * Promises checked besides memory safety (the IN buffer is an exactly
 * sized heap block, so any access beyond it is caught):
 *  - a request fw_ctrl_check() refuses stalls;
 *  - a stalled request leaves the state unchanged;
 *  - an IN answer never exceeds wLength or the buffer, an OUT request
 *    answers 0 bytes and has wLength 0, and GETs read back what SETs wrote
 *    in wValue;
 *  - the state always stays within the limits GET_INFO announces, so a SET
 *    of an out-of-range value must have stalled.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../emulator/firmware.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RECORD_SIZE 9
#define MAX_RECORDS 64

static bool same_state(const struct fw_state *a, const struct fw_state *b)
{
	unsigned int i;

	for (i = 0; i < FW_NUM_BANKS; i++)
		if (a->led[i].mode != b->led[i].mode ||
		    a->led[i].intensity != b->led[i].intensity)
			return false;
	return !memcmp(a->serial, b->serial, sizeof(a->serial)) &&
	       a->exposure_us == b->exposure_us && a->gain == b->gain &&
	       a->streaming == b->streaming && a->mode == b->mode &&
	       a->stream_generation == b->stream_generation &&
	       a->next_sequence == b->next_sequence &&
	       a->distance_mm == b->distance_mm &&
	       a->led_temp_c == b->led_temp_c && a->faults == b->faults &&
	       a->injected_faults == b->injected_faults &&
	       a->frames_sent == b->frames_sent &&
	       a->frames_dropped == b->frames_dropped;
}

static void check_invariants(const struct fw_state *st, const char *serial)
{
	struct fw_frame_light light;
	unsigned int i;

	if (strncmp(st->serial, serial, sizeof(st->serial)))
		__builtin_trap();
	if (st->exposure_us < FW_EXPOSURE_MIN_US ||
	    st->exposure_us > FW_EXPOSURE_MAX_US ||
	    st->gain < FW_GAIN_MIN || st->gain > FW_GAIN_MAX ||
	    st->mode >= fw_num_modes() || !isfinite(st->led_temp_c))
		__builtin_trap();
	for (i = 0; i < FW_NUM_BANKS; i++)
		if (st->led[i].mode >= PALMVEIN_LED_MODE_COUNT ||
		    st->led[i].intensity > FW_LED_MAX_INTENSITY)
			__builtin_trap();
	if (fw_effective_exposure_us(st) > fw_frame_interval_us(st))
		__builtin_trap();
	fw_frame_light(st, st->next_sequence, &light);
	if (light.lit_mask >> FW_NUM_BANKS)
		__builtin_trap();
	for (i = 0; i < FW_NUM_BANKS; i++)
		if (light.intensity[i] > st->led[i].intensity)
			__builtin_trap();
}

static uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* What a successful request must have done, judged from outside. */
static void check_effect(const struct fw_state *before,
			 const struct fw_state *st,
			 const struct usb_ctrlrequest *setup,
			 const uint8_t *in, int ret)
{
	uint16_t value = le16toh(setup->wValue);
	uint16_t length = le16toh(setup->wLength);
	unsigned int bank, i;

	if (setup->bRequestType & USB_DIR_IN) {
		if ((size_t)ret > length || !same_state(before, st))
			__builtin_trap();
	} else if (ret != 0 || length != 0) {
		__builtin_trap();
	}
	switch (setup->bRequest) {
	case PALMVEIN_REQ_GET_INFO:
		if (ret < 4 || le16_at(in) != PALMVEIN_PROTO_VERSION ||
		    le16_at(in + 2) != sizeof(struct palmvein_device_info))
			__builtin_trap();
		break;
	case PALMVEIN_REQ_GET_EXPOSURE:
		if (ret != 4 || le32_at(in) != st->exposure_us)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_SET_EXPOSURE:
		if (st->exposure_us != value)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_GET_GAIN:
		if (ret != 2 || le16_at(in) != st->gain)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_SET_GAIN:
		if (st->gain != value)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_GET_LED:
		if (ret != (int)sizeof(struct palmvein_led) ||
		    in[0] != st->led[value].mode ||
		    le16_at(in + 2) != st->led[value].intensity)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_SET_LED:
		bank = PALMVEIN_LED_VALUE_BANK(value);
		if (bank >= FW_NUM_BANKS ||
		    st->led[bank].mode != PALMVEIN_LED_VALUE_MODE(value) ||
		    st->led[bank].intensity != PALMVEIN_LED_VALUE_INTENSITY(value))
			__builtin_trap();
		for (i = 0; i < FW_NUM_BANKS; i++)
			if (i != bank &&
			    (st->led[i].mode != before->led[i].mode ||
			     st->led[i].intensity != before->led[i].intensity))
				__builtin_trap();
		break;
	case PALMVEIN_REQ_START_STREAM:
		if (!st->streaming || st->mode != value ||
		    st->stream_generation == before->stream_generation)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_STOP_STREAM:
		if (st->streaming)
			__builtin_trap();
		break;
	case PALMVEIN_REQ_GET_STATUS:
		if (ret != (int)sizeof(struct palmvein_status))
			__builtin_trap();
		break;
	default:
		/* every other request must have stalled */
		__builtin_trap();
	}
}

static void run_request(struct fw_state *st, const uint8_t *rec)
{
	struct usb_ctrlrequest setup;
	struct fw_state before;
	uint8_t flags = rec[8];
	uint8_t *in = NULL;
	size_t in_size = 0;
	uint16_t length;
	int check, ret;

	memcpy(&setup, rec, sizeof(setup));
	length = le16toh(setup.wLength);
	if (flags & 0x80)
		fw_thermal_step(st, flags & 0x7f);
	if (setup.bRequestType & USB_DIR_IN) {
		in_size = length > (flags & 3) ? length - (flags & 3) : 0;
		in = malloc(in_size ? in_size : 1);
		if (!in)
			return;
	}
	before = *st;
	check = fw_ctrl_check(&setup);
	ret = fw_ctrl_handle(st, &setup, in, in_size);
	if (check && check != -EPIPE)
		__builtin_trap();
	if (ret == -EPIPE) {
		if (!same_state(&before, st))
			__builtin_trap();
	} else if (ret < 0 || check) {
		__builtin_trap();
	} else {
		if ((setup.bRequestType & USB_DIR_IN) && (size_t)ret > in_size)
			__builtin_trap();
		check_effect(&before, st, &setup, in, ret);
	}
	free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char serial[] = "PV-FUZZ";
	struct fw_state st;
	unsigned int records = 0;
	size_t pos = 0;

	if (fw_init(&st, serial))
		__builtin_trap();
	while (size - pos >= RECORD_SIZE && records++ < MAX_RECORDS) {
		run_request(&st, data + pos);
		pos += RECORD_SIZE;
		check_invariants(&st, serial);
	}
	return 0;
}
