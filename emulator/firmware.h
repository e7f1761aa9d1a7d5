/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device model of the emulated sensor: the state the host sees through
 * control requests, and the rules that change it. Pure computation: the
 * FunctionFS loop, the streamer and the unit tests all drive it the same way.
 * The caller serialises access (struct emu holds the lock).
 */
#ifndef PALMVEIN_EMU_FIRMWARE_H
#define PALMVEIN_EMU_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/usb/ch9.h>
#include <linux/palmvein.h>

#define FW_NUM_BANKS		2
#define FW_SERIAL_MAX		16
#define FW_VERSION_STRING	"emu-1.0"
#define FW_SENSOR_WIDTH		1280
#define FW_SENSOR_HEIGHT	800
#define FW_EXPOSURE_MIN_US	10
#define FW_EXPOSURE_MAX_US	30000
#define FW_EXPOSURE_DEFAULT_US	4000
#define FW_GAIN_MIN		16
#define FW_GAIN_MAX		256
#define FW_GAIN_DEFAULT		16
#define FW_LED_MAX_INTENSITY	255
#define FW_LED_MAX_DRIVE_MA	1000
#define FW_DISTANCE_MIN_MM	20
#define FW_DISTANCE_MAX_MM	150
/* LED board temperature that trips, and the one that clears, OVERTEMP */
#define FW_OVERTEMP_DECIC	850
#define FW_OVERTEMP_CLEAR_DECIC	800
#define FW_AMBIENT_DECIC	250

struct fw_led {
	uint8_t mode;		/* enum palmvein_led_mode */
	uint16_t intensity;
};

struct fw_state {
	char serial[FW_SERIAL_MAX];	/* NUL-padded, not NUL-terminated */
	uint32_t exposure_us;
	uint16_t gain;
	struct fw_led led[FW_NUM_BANKS];
	bool streaming;
	uint8_t mode;
	/* bumped by every START/STOP so the streamer notices a restart */
	uint32_t stream_generation;
	uint32_t next_sequence;
	uint16_t distance_mm;
	double led_temp_c;
	uint32_t faults;		/* detected by the model */
	uint32_t injected_faults;	/* forced from the control socket */
	uint32_t frames_sent;
	uint32_t frames_dropped;
};

/* Light of one frame: which banks are lit and at what (derated) intensity. */
struct fw_frame_light {
	uint8_t lit_mask;
	uint16_t intensity[PALMVEIN_MAX_BANKS];
};

/* Resets @st to power-up defaults. @serial longer than 16 bytes: -EINVAL. */
int fw_init(struct fw_state *st, const char *serial);

/* A streaming mode in host byte order. */
struct fw_mode {
	uint16_t width;
	uint16_t height;
	uint8_t pixfmt;			/* enum palmvein_pixfmt */
	uint32_t interval_100ns;
};

unsigned int fw_num_modes(void);
/* Mode @index, or NULL when out of range. */
const struct fw_mode *fw_mode(unsigned int index);
uint16_t fw_bank_wavelength(unsigned int bank);

void fw_device_info(const struct fw_state *st,
		    struct palmvein_device_info *info);

/*
 * Validates the whole request on its SETUP packet: request type, bRequest,
 * direction, wIndex, wLength and wValue, including the range of every SET
 * value (no request has an OUT data stage). Returns 0, or -EPIPE to stall.
 */
int fw_ctrl_check(const struct usb_ctrlrequest *setup);

/*
 * Executes a control request. For IN requests the answer goes to @in
 * (@in_size bytes, at least wLength). Returns the number of IN bytes (0 for
 * OUT), or -EPIPE to stall; on -EPIPE @st is unchanged.
 */
int fw_ctrl_handle(struct fw_state *st, const struct usb_ctrlrequest *setup,
		   void *in, size_t in_size);

uint32_t fw_frame_interval_us(const struct fw_state *st);
/* Exposure actually used: the set exposure clamped to the frame interval. */
uint32_t fw_effective_exposure_us(const struct fw_state *st);
void fw_frame_light(const struct fw_state *st, uint32_t sequence,
		    struct fw_frame_light *light);
uint32_t fw_faults(const struct fw_state *st);

/* Advances the LED thermal model by @dt_s seconds and updates OVERTEMP. */
void fw_thermal_step(struct fw_state *st, double dt_s);

#endif /* PALMVEIN_EMU_FIRMWARE_H */
