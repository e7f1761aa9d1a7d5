// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Control requests and device model of the emulated sensor. Every request
 * is judged here, so the unit tests cover exactly what the host sees.
 */
#include "firmware.h"

#include <endian.h>
#include <errno.h>
#include <math.h>
#include <string.h>

/* frame intervals in 100 ns units */
#define IVAL_120FPS	83333
#define IVAL_60FPS	166667
#define IVAL_30FPS	333333
#define IVAL_15FPS	666667

#define MODE(w, h, fmt, ival) \
	{ .width = (w), .height = (h), .pixfmt = (fmt), .interval_100ns = (ival) }

static const struct fw_mode fw_modes[] = {
	MODE(1280, 800, PALMVEIN_PIXFMT_GREY8, IVAL_60FPS),
	MODE(1280, 800, PALMVEIN_PIXFMT_GREY8, IVAL_30FPS),
	MODE(1280, 800, PALMVEIN_PIXFMT_GREY8, IVAL_15FPS),
	MODE(1280, 800, PALMVEIN_PIXFMT_Y10, IVAL_30FPS),
	MODE(1280, 800, PALMVEIN_PIXFMT_Y10, IVAL_15FPS),
	MODE(640, 480, PALMVEIN_PIXFMT_GREY8, IVAL_120FPS),
	MODE(640, 480, PALMVEIN_PIXFMT_GREY8, IVAL_60FPS),
	MODE(640, 480, PALMVEIN_PIXFMT_GREY8, IVAL_30FPS),
	MODE(640, 480, PALMVEIN_PIXFMT_Y10, IVAL_60FPS),
	MODE(640, 480, PALMVEIN_PIXFMT_Y10, IVAL_30FPS),
};

#define FW_NUM_MODES (sizeof(fw_modes) / sizeof(fw_modes[0]))
_Static_assert(FW_NUM_MODES <= PALMVEIN_MAX_MODES, "too many modes for GET_INFO");

static const uint16_t fw_wavelengths[FW_NUM_BANKS] = { 850, 940 };

/* SET requests carry their value in the 16 bits of wValue. */
_Static_assert(FW_EXPOSURE_MAX_US <= 0xffff, "SET_EXPOSURE cannot carry exposure_max_us");
_Static_assert(FW_LED_MAX_INTENSITY <= PALMVEIN_LED_INTENSITY_WIRE_MAX,
	       "SET_LED cannot carry max_intensity");
_Static_assert(PALMVEIN_LED_MODE_COUNT == 4,
	       "SET_LED's 2-bit mode field must hold exactly the LED modes");

/*
 * Thermal model of the LED board: first order, heated by LED current times
 * duty cycle. One bank fully on settles at 75 C, both at 125 C.
 */
#define THERMAL_C_PER_MA	0.05
#define THERMAL_TAU_S		20.0

unsigned int fw_num_modes(void)
{
	return FW_NUM_MODES;
}

const struct fw_mode *fw_mode(unsigned int index)
{
	return index < FW_NUM_MODES ? &fw_modes[index] : NULL;
}

uint16_t fw_bank_wavelength(unsigned int bank)
{
	return bank < FW_NUM_BANKS ? fw_wavelengths[bank] : 0;
}

int fw_init(struct fw_state *st, const char *serial)
{
	size_t len = strlen(serial);

	if (len > FW_SERIAL_MAX)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	memcpy(st->serial, serial, len);
	st->exposure_us = FW_EXPOSURE_DEFAULT_US;
	st->gain = FW_GAIN_DEFAULT;
	st->led[0].mode = PALMVEIN_LED_OFF;
	st->led[0].intensity = 0;
	st->led[1].mode = PALMVEIN_LED_STROBE;
	st->led[1].intensity = 128;
	st->distance_mm = PALMVEIN_DISTANCE_NONE;
	st->led_temp_c = FW_AMBIENT_DECIC / 10.0;
	return 0;
}

void fw_device_info(const struct fw_state *st,
		    struct palmvein_device_info *info)
{
	unsigned int i;

	memset(info, 0, sizeof(*info));
	info->proto_version = htole16(PALMVEIN_PROTO_VERSION);
	info->info_size = htole16(sizeof(*info));
	memcpy(info->serial, st->serial, sizeof(info->serial));
	strncpy(info->fw_version, FW_VERSION_STRING, sizeof(info->fw_version));
	info->sensor_width = htole16(FW_SENSOR_WIDTH);
	info->sensor_height = htole16(FW_SENSOR_HEIGHT);
	info->exposure_min_us = htole32(FW_EXPOSURE_MIN_US);
	info->exposure_max_us = htole32(FW_EXPOSURE_MAX_US);
	info->exposure_default_us = htole32(FW_EXPOSURE_DEFAULT_US);
	info->gain_min = htole16(FW_GAIN_MIN);
	info->gain_max = htole16(FW_GAIN_MAX);
	info->gain_default = htole16(FW_GAIN_DEFAULT);
	info->num_modes = FW_NUM_MODES;
	info->num_banks = FW_NUM_BANKS;
	info->distance_min_mm = htole16(FW_DISTANCE_MIN_MM);
	info->distance_max_mm = htole16(FW_DISTANCE_MAX_MM);
	for (i = 0; i < FW_NUM_MODES; i++) {
		info->modes[i].width = htole16(fw_modes[i].width);
		info->modes[i].height = htole16(fw_modes[i].height);
		info->modes[i].pixfmt = fw_modes[i].pixfmt;
		info->modes[i].interval = htole32(fw_modes[i].interval_100ns);
	}
	for (i = 0; i < FW_NUM_BANKS; i++) {
		info->banks[i].wavelength_nm = htole16(fw_wavelengths[i]);
		info->banks[i].max_drive_ma = htole16(FW_LED_MAX_DRIVE_MA);
		info->banks[i].max_intensity = htole16(FW_LED_MAX_INTENSITY);
	}
}

/* What the SETUP packet of a request must look like. */
struct fw_request_rule {
	bool dir_in;
	uint16_t length;	/* exact wLength; GET_INFO accepts less */
};

static const struct fw_request_rule *fw_rule(uint8_t request)
{
	static const struct fw_request_rule get_info = { true, sizeof(struct palmvein_device_info) };
	static const struct fw_request_rule get_u32 = { true, 4 };
	static const struct fw_request_rule get_u16 = { true, 2 };
	static const struct fw_request_rule get_led = { true, sizeof(struct palmvein_led) };
	/* every SET carries its value in wValue: no data stage */
	static const struct fw_request_rule set = { false, 0 };
	static const struct fw_request_rule status = { true, sizeof(struct palmvein_status) };

	switch (request) {
	case PALMVEIN_REQ_GET_INFO:
		return &get_info;
	case PALMVEIN_REQ_GET_EXPOSURE:
		return &get_u32;
	case PALMVEIN_REQ_GET_GAIN:
		return &get_u16;
	case PALMVEIN_REQ_GET_LED:
		return &get_led;
	case PALMVEIN_REQ_SET_EXPOSURE:
	case PALMVEIN_REQ_SET_GAIN:
	case PALMVEIN_REQ_SET_LED:
	case PALMVEIN_REQ_START_STREAM:
	case PALMVEIN_REQ_STOP_STREAM:
		return &set;
	case PALMVEIN_REQ_GET_STATUS:
		return &status;
	default:
		return NULL;
	}
}

/* wValue of each request: its argument, or zero where unused. */
static bool fw_value_ok(uint8_t request, uint16_t value)
{
	switch (request) {
	case PALMVEIN_REQ_SET_EXPOSURE:
		return value >= FW_EXPOSURE_MIN_US && value <= FW_EXPOSURE_MAX_US;
	case PALMVEIN_REQ_SET_GAIN:
		return value >= FW_GAIN_MIN && value <= FW_GAIN_MAX;
	case PALMVEIN_REQ_GET_LED:
		return value < FW_NUM_BANKS;
	case PALMVEIN_REQ_SET_LED:
		/* every 2-bit mode exists (asserted above) */
		return PALMVEIN_LED_VALUE_BANK(value) < FW_NUM_BANKS &&
		       PALMVEIN_LED_VALUE_INTENSITY(value) <= FW_LED_MAX_INTENSITY;
	case PALMVEIN_REQ_START_STREAM:
		return value < FW_NUM_MODES;
	default:
		return value == 0;
	}
}

/* Hosts read the first bytes of GET_INFO to learn proto_version/info_size. */
#define FW_INFO_MIN_LENGTH 4

int fw_ctrl_check(const struct usb_ctrlrequest *setup)
{
	const struct fw_request_rule *rule = fw_rule(setup->bRequest);
	uint8_t want_type = USB_TYPE_VENDOR | USB_RECIP_INTERFACE;
	uint16_t length = le16toh(setup->wLength);

	if (!rule)
		return -EPIPE;
	if (rule->dir_in)
		want_type |= USB_DIR_IN;
	if (setup->bRequestType != want_type)
		return -EPIPE;
	if (le16toh(setup->wIndex) != 0 ||
	    !fw_value_ok(setup->bRequest, le16toh(setup->wValue)))
		return -EPIPE;
	if (setup->bRequest == PALMVEIN_REQ_GET_INFO)
		return length >= FW_INFO_MIN_LENGTH ? 0 : -EPIPE;
	return length == rule->length ? 0 : -EPIPE;
}

static void put_le32(void *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void put_le16(void *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

static void fw_start_stream(struct fw_state *st, uint8_t mode)
{
	st->mode = mode;
	st->streaming = true;
	st->stream_generation++;
	/* a new stream starts with a clean overrun record */
	st->faults &= ~PALMVEIN_FAULT_OVERRUN;
}

static size_t fw_get_status(const struct fw_state *st, void *in)
{
	struct palmvein_status status = {
		.distance_mm = htole16(st->distance_mm),
		.led_temp_decic = htole16((uint16_t)lround(st->led_temp_c * 10.0)),
		.faults = htole32(fw_faults(st)),
		.frames_sent = htole32(st->frames_sent),
		.frames_dropped = htole32(st->frames_dropped),
	};

	memcpy(in, &status, sizeof(status));
	return sizeof(status);
}

int fw_ctrl_handle(struct fw_state *st, const struct usb_ctrlrequest *setup,
		   void *in, size_t in_size)
{
	uint16_t length = le16toh(setup->wLength);
	uint16_t value = le16toh(setup->wValue);
	struct palmvein_device_info info;
	struct palmvein_led led;
	unsigned int bank;

	if (fw_ctrl_check(setup))
		return -EPIPE;
	/* a longer GET_INFO read gets the device's info and a short packet */
	if (setup->bRequest == PALMVEIN_REQ_GET_INFO && length > sizeof(info))
		length = sizeof(info);
	if ((setup->bRequestType & USB_DIR_IN) && in_size < length)
		return -EPIPE;

	switch (setup->bRequest) {
	case PALMVEIN_REQ_GET_INFO:
		fw_device_info(st, &info);
		memcpy(in, &info, length);
		return length;
	case PALMVEIN_REQ_GET_EXPOSURE:
		put_le32(in, st->exposure_us);
		return 4;
	case PALMVEIN_REQ_SET_EXPOSURE:
		st->exposure_us = value;
		return 0;
	case PALMVEIN_REQ_GET_GAIN:
		put_le16(in, st->gain);
		return 2;
	case PALMVEIN_REQ_SET_GAIN:
		st->gain = value;
		return 0;
	case PALMVEIN_REQ_GET_LED:
		led.mode = st->led[value].mode;
		led.reserved = 0;
		led.intensity = htole16(st->led[value].intensity);
		memcpy(in, &led, sizeof(led));
		return sizeof(led);
	case PALMVEIN_REQ_SET_LED:
		bank = PALMVEIN_LED_VALUE_BANK(value);
		st->led[bank].mode = PALMVEIN_LED_VALUE_MODE(value);
		st->led[bank].intensity = PALMVEIN_LED_VALUE_INTENSITY(value);
		return 0;
	case PALMVEIN_REQ_START_STREAM:
		fw_start_stream(st, (uint8_t)value);
		return 0;
	case PALMVEIN_REQ_STOP_STREAM:
		if (st->streaming)
			st->stream_generation++;
		st->streaming = false;
		return 0;
	case PALMVEIN_REQ_GET_STATUS:
		return (int)fw_get_status(st, in);
	default:
		return -EPIPE;
	}
}

uint32_t fw_frame_interval_us(const struct fw_state *st)
{
	return (fw_modes[st->mode].interval_100ns + 5) / 10;
}

uint32_t fw_effective_exposure_us(const struct fw_state *st)
{
	uint32_t interval = fw_frame_interval_us(st);

	return st->exposure_us < interval ? st->exposure_us : interval;
}

uint32_t fw_faults(const struct fw_state *st)
{
	return (st->faults | st->injected_faults) & PALMVEIN_FAULT_ALL;
}

/* An overheated board runs its LEDs at half intensity until it cools. */
static uint16_t fw_derated(const struct fw_state *st, uint16_t intensity)
{
	return (st->faults & PALMVEIN_FAULT_LED_OVERTEMP) ? intensity / 2
							   : intensity;
}

void fw_frame_light(const struct fw_state *st, uint32_t sequence,
		    struct fw_frame_light *light)
{
	unsigned int bank;
	bool lit;

	memset(light, 0, sizeof(*light));
	for (bank = 0; bank < FW_NUM_BANKS; bank++) {
		switch (st->led[bank].mode) {
		case PALMVEIN_LED_ON:
		case PALMVEIN_LED_STROBE:
			lit = true;
			break;
		case PALMVEIN_LED_ALTERNATE:
			lit = !(sequence & 1);
			break;
		default:
			lit = false;
			break;
		}
		/* an open or shorted string gives no light */
		if (fw_faults(st) & (PALMVEIN_FAULT_LED_OPEN |
				     PALMVEIN_FAULT_LED_SHORT))
			lit = false;
		if (lit && st->led[bank].intensity) {
			light->lit_mask |= 1u << bank;
			light->intensity[bank] =
				fw_derated(st, st->led[bank].intensity);
		}
	}
}

/* Fraction of time bank @bank is lit. */
static double fw_duty(const struct fw_state *st, unsigned int bank)
{
	double exposure_share;

	if (st->led[bank].mode == PALMVEIN_LED_ON)
		return 1.0;
	if (!st->streaming)
		return 0.0;
	exposure_share = (double)fw_effective_exposure_us(st) /
			 fw_frame_interval_us(st);
	if (st->led[bank].mode == PALMVEIN_LED_STROBE)
		return exposure_share;
	if (st->led[bank].mode == PALMVEIN_LED_ALTERNATE)
		return exposure_share / 2.0;
	return 0.0;
}

void fw_thermal_step(struct fw_state *st, double dt_s)
{
	double heat_ma = 0.0, target, decic;
	unsigned int bank;

	for (bank = 0; bank < FW_NUM_BANKS; bank++)
		heat_ma += FW_LED_MAX_DRIVE_MA *
			   fw_derated(st, st->led[bank].intensity) /
			   FW_LED_MAX_INTENSITY * fw_duty(st, bank);
	target = FW_AMBIENT_DECIC / 10.0 + THERMAL_C_PER_MA * heat_ma;
	st->led_temp_c = target + (st->led_temp_c - target) *
				  exp(-dt_s / THERMAL_TAU_S);
	decic = st->led_temp_c * 10.0;
	if (decic > FW_OVERTEMP_DECIC)
		st->faults |= PALMVEIN_FAULT_LED_OVERTEMP;
	else if (decic < FW_OVERTEMP_CLEAR_DECIC)
		st->faults &= ~PALMVEIN_FAULT_LED_OVERTEMP;
}
