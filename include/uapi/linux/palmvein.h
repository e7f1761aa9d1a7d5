/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR LGPL-2.1-or-later) */
/*
 * palmvein: USB protocol and V4L2 interface of NIR palm-vein sensors.
 *
 * This header is the one contract shared by the device firmware (emulator/),
 * the kernel driver (driver/) and userspace (lib/, daemon/, tools/). It
 * includes nothing of ours. See docs/protocol.md for the prose version.
 *
 * Everything on the wire is little-endian with fixed sizes. The inline
 * decoders below read bytes explicitly, so they are endian-neutral and safe on
 * unaligned buffers; they are pure functions of (buf, len) so the driver, the
 * daemon and the fuzzers all judge a frame by the same rules.
 */
#ifndef _UAPI_LINUX_PALMVEIN_H
#define _UAPI_LINUX_PALMVEIN_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/v4l2-controls.h>
#ifndef __KERNEL__
#include <stddef.h>
#endif

/* ------------------------------------------------------------------------ */
/* USB identity                                                             */
/* ------------------------------------------------------------------------ */

/* pid.codes open-source VID; PID from its test range (see docs/protocol.md) */
#define PALMVEIN_USB_VID		0x1209
#define PALMVEIN_USB_PID		0x0001
#define PALMVEIN_USB_CLASS		0xff	/* vendor specific */
#define PALMVEIN_USB_SUBCLASS		0x50	/* 'P' */
#define PALMVEIN_USB_PROTOCOL		0x01

/* Protocol version: major in the high byte. Majors are incompatible. */
#define PALMVEIN_PROTO_MAJOR		1
#define PALMVEIN_PROTO_MINOR		0
#define PALMVEIN_PROTO_VERSION \
	((PALMVEIN_PROTO_MAJOR << 8) | PALMVEIN_PROTO_MINOR)

/* ------------------------------------------------------------------------ */
/* Control requests: bmRequestType vendor | interface, wIndex = interface   */
/* ------------------------------------------------------------------------ */

/**
 * enum palmvein_request - vendor control requests (bRequest)
 * @PALMVEIN_REQ_GET_INFO: IN, struct palmvein_device_info
 * @PALMVEIN_REQ_GET_EXPOSURE: IN, __le32 exposure in microseconds
 * @PALMVEIN_REQ_SET_EXPOSURE: OUT, wValue = exposure in microseconds
 *	(exposure_min_us..exposure_max_us), no data stage
 * @PALMVEIN_REQ_GET_GAIN: IN, __le16 analog gain, 1/16 steps (16 = 1.0x)
 * @PALMVEIN_REQ_SET_GAIN: OUT, wValue = analog gain in 1/16 steps
 *	(gain_min..gain_max), no data stage
 * @PALMVEIN_REQ_GET_LED: IN, wValue = bank, struct palmvein_led
 * @PALMVEIN_REQ_SET_LED: OUT, wValue = PALMVEIN_LED_VALUE(bank, mode,
 *	intensity), no data stage
 * @PALMVEIN_REQ_START_STREAM: OUT, wValue = index into
 *	palmvein_device_info.modes, no data stage; while streaming it restarts
 *	in the new mode and sequence numbers go on
 * @PALMVEIN_REQ_STOP_STREAM: OUT, no data stage
 * @PALMVEIN_REQ_GET_STATUS: IN, struct palmvein_status
 *
 * Requests that change the device carry their value in wValue and have no
 * data stage (wLength = 0), so the device judges the whole request on the
 * SETUP packet: a device built on Linux FunctionFS cannot stall after an OUT
 * data stage. A request with an unknown bRequest, a wrong wLength (any SET
 * with wLength != 0), a wrong direction or an out-of-range wValue is answered
 * with a STALL and changes nothing.
 */
enum palmvein_request {
	PALMVEIN_REQ_GET_INFO		= 0x01,
	PALMVEIN_REQ_GET_EXPOSURE	= 0x10,
	PALMVEIN_REQ_SET_EXPOSURE	= 0x11,
	PALMVEIN_REQ_GET_GAIN		= 0x12,
	PALMVEIN_REQ_SET_GAIN		= 0x13,
	PALMVEIN_REQ_GET_LED		= 0x14,
	PALMVEIN_REQ_SET_LED		= 0x15,
	PALMVEIN_REQ_START_STREAM	= 0x20,
	PALMVEIN_REQ_STOP_STREAM	= 0x21,
	PALMVEIN_REQ_GET_STATUS		= 0x30,
};

#define PALMVEIN_MAX_MODES		16
#define PALMVEIN_MAX_BANKS		4

/**
 * enum palmvein_pixfmt - pixel encodings of a mode
 * @PALMVEIN_PIXFMT_GREY8: 8 bits per pixel (V4L2_PIX_FMT_GREY)
 * @PALMVEIN_PIXFMT_Y10: 10 significant bits in a __le16, low-aligned
 *	(V4L2_PIX_FMT_Y10)
 */
enum palmvein_pixfmt {
	PALMVEIN_PIXFMT_GREY8	= 1,
	PALMVEIN_PIXFMT_Y10	= 2,
};

/**
 * struct palmvein_mode - one streaming mode (size, encoding, rate)
 * @width: pixels per line
 * @height: lines per frame
 * @pixfmt: enum palmvein_pixfmt
 * @reserved: zero
 * @interval: frame interval in 100 ns units (as in UVC); 166667 = 60 fps
 */
struct palmvein_mode {
	__le16 width;
	__le16 height;
	__u8 pixfmt;
	__u8 reserved[3];
	__le32 interval;
} __attribute__((packed));

/**
 * enum palmvein_led_mode - how an illumination bank is driven
 * @PALMVEIN_LED_OFF: dark
 * @PALMVEIN_LED_ON: continuously lit
 * @PALMVEIN_LED_STROBE: lit only during each exposure
 * @PALMVEIN_LED_ALTERNATE: strobed on even frames, dark on odd frames, so
 *	that lit minus unlit cancels ambient light
 */
enum palmvein_led_mode {
	PALMVEIN_LED_OFF	= 0,
	PALMVEIN_LED_ON		= 1,
	PALMVEIN_LED_STROBE	= 2,
	PALMVEIN_LED_ALTERNATE	= 3,
};

#define PALMVEIN_LED_MODE_COUNT		4

/* Highest intensity SET_LED can carry: a bank's max_intensity is at most this. */
#define PALMVEIN_LED_INTENSITY_WIRE_MAX	4095

/**
 * PALMVEIN_LED_VALUE() - wValue of PALMVEIN_REQ_SET_LED
 * @bank: illumination bank, 0..3 (below num_banks)
 * @mode: enum palmvein_led_mode
 * @intensity: 0..max_intensity of the bank (at most
 *	PALMVEIN_LED_INTENSITY_WIRE_MAX)
 *
 * Bits 15-14 hold @bank, bits 13-12 @mode and bits 11-0 @intensity. The
 * arguments are not masked: a caller passes values in range.
 */
#define PALMVEIN_LED_VALUE(bank, mode, intensity) \
	(((bank) << 14) | ((mode) << 12) | (intensity))

/**
 * PALMVEIN_LED_VALUE_BANK() - bank of a SET_LED wValue
 * @v: wValue built by PALMVEIN_LED_VALUE()
 */
#define PALMVEIN_LED_VALUE_BANK(v)	(((v) >> 14) & 0x3)

/**
 * PALMVEIN_LED_VALUE_MODE() - enum palmvein_led_mode of a SET_LED wValue
 * @v: wValue built by PALMVEIN_LED_VALUE()
 */
#define PALMVEIN_LED_VALUE_MODE(v)	(((v) >> 12) & 0x3)

/**
 * PALMVEIN_LED_VALUE_INTENSITY() - intensity of a SET_LED wValue
 * @v: wValue built by PALMVEIN_LED_VALUE()
 */
#define PALMVEIN_LED_VALUE_INTENSITY(v)	((v) & PALMVEIN_LED_INTENSITY_WIRE_MAX)

/**
 * struct palmvein_led_bank - one NIR illumination bank
 * @wavelength_nm: peak wavelength, e.g. 850 or 940
 * @max_drive_ma: LED current at full intensity
 * @max_intensity: highest intensity step (intensity is 0..max_intensity),
 *	at most PALMVEIN_LED_INTENSITY_WIRE_MAX
 * @reserved: zero
 */
struct palmvein_led_bank {
	__le16 wavelength_nm;
	__le16 max_drive_ma;
	__le16 max_intensity;
	__u8 reserved[2];
} __attribute__((packed));

/**
 * struct palmvein_device_info - answer to PALMVEIN_REQ_GET_INFO
 * @proto_version: PALMVEIN_PROTO_VERSION of the device
 * @info_size: sizeof(struct palmvein_device_info) as the device knows it
 * @serial: NUL-padded ASCII serial number
 * @fw_version: NUL-padded ASCII firmware version
 * @sensor_width: active pixel columns
 * @sensor_height: active pixel rows
 * @exposure_min_us: shortest exposure
 * @exposure_max_us: longest exposure, at most 65535 (SET_EXPOSURE carries
 *	it in wValue)
 * @exposure_default_us: exposure after reset
 * @gain_min: lowest analog gain, 1/16 steps
 * @gain_max: highest analog gain, 1/16 steps
 * @gain_default: gain after reset
 * @num_modes: valid entries in @modes
 * @num_banks: valid entries in @banks
 * @distance_min_mm: nearest measurable palm distance
 * @distance_max_mm: farthest measurable palm distance
 * @reserved: zero
 * @modes: streaming modes, in the device's order of preference
 * @banks: illumination banks
 */
struct palmvein_device_info {
	__le16 proto_version;
	__le16 info_size;
	char serial[16];
	char fw_version[16];
	__le16 sensor_width;
	__le16 sensor_height;
	__le32 exposure_min_us;
	__le32 exposure_max_us;
	__le32 exposure_default_us;
	__le16 gain_min;
	__le16 gain_max;
	__le16 gain_default;
	__u8 num_modes;
	__u8 num_banks;
	__le16 distance_min_mm;
	__le16 distance_max_mm;
	__u8 reserved[8];
	struct palmvein_mode modes[PALMVEIN_MAX_MODES];
	struct palmvein_led_bank banks[PALMVEIN_MAX_BANKS];
} __attribute__((packed));

/**
 * struct palmvein_led - data stage of GET_LED
 * @mode: enum palmvein_led_mode
 * @reserved: zero
 * @intensity: 0..max_intensity of the bank
 */
struct palmvein_led {
	__u8 mode;
	__u8 reserved;
	__le16 intensity;
} __attribute__((packed));

#define PALMVEIN_DISTANCE_NONE		0xffff	/* no target in range */

/**
 * enum palmvein_fault - fault flags (bitmask)
 * @PALMVEIN_FAULT_LED_OVERTEMP: an LED bank is too hot and was derated
 * @PALMVEIN_FAULT_LED_OPEN: an LED string is open (no current flows)
 * @PALMVEIN_FAULT_LED_SHORT: an LED string is shorted
 * @PALMVEIN_FAULT_SENSOR: the image sensor stopped answering
 * @PALMVEIN_FAULT_OVERRUN: the device dropped frames (host too slow)
 */
enum palmvein_fault {
	PALMVEIN_FAULT_LED_OVERTEMP	= 1 << 0,
	PALMVEIN_FAULT_LED_OPEN		= 1 << 1,
	PALMVEIN_FAULT_LED_SHORT	= 1 << 2,
	PALMVEIN_FAULT_SENSOR		= 1 << 3,
	PALMVEIN_FAULT_OVERRUN		= 1 << 4,
};

#define PALMVEIN_FAULT_ALL		0x1f

/**
 * struct palmvein_status - answer to PALMVEIN_REQ_GET_STATUS
 * @distance_mm: palm distance, or PALMVEIN_DISTANCE_NONE
 * @led_temp_decic: LED board temperature in 0.1 degree Celsius
 * @faults: enum palmvein_fault bits
 * @frames_sent: frames sent since power-up
 * @frames_dropped: frames the device could not send since power-up
 */
struct palmvein_status {
	__le16 distance_mm;
	__le16 led_temp_decic;
	__le32 faults;
	__le32 frames_sent;
	__le32 frames_dropped;
} __attribute__((packed));

/* ------------------------------------------------------------------------ */
/* Bulk IN: frames                                                          */
/* ------------------------------------------------------------------------ */

#define PALMVEIN_FRAME_MAGIC		0x52465650	/* "PVFR" on the wire */
#define PALMVEIN_FRAME_HDR_VERSION	1
#define PALMVEIN_FRAME_HDR_SIZE		64
/* header_crc32 covers the header bytes before it */
#define PALMVEIN_FRAME_HDR_CRC_OFFSET	60

/**
 * struct palmvein_frame_header - first bytes of every frame on bulk IN
 * @magic: PALMVEIN_FRAME_MAGIC
 * @hdr_version: PALMVEIN_FRAME_HDR_VERSION
 * @hdr_size: PALMVEIN_FRAME_HDR_SIZE
 * @mode: index of the streaming mode
 * @illum_lit: bit n set when bank n was lit during this exposure
 * @sequence: frame counter; a gap means the device dropped frames
 * @timestamp_us: device clock at start of exposure, microseconds
 * @exposure_us: exposure of this frame
 * @gain: analog gain of this frame, 1/16 steps
 * @distance_mm: palm distance at exposure, or PALMVEIN_DISTANCE_NONE
 * @intensity: per-bank intensity during this frame (0 when unlit)
 * @width: pixels per line
 * @height: lines
 * @pixfmt: enum palmvein_pixfmt
 * @reserved: zero
 * @payload_size: bytes of pixel data following the header
 * @payload_crc32: CRC-32 (IEEE 802.3) of the payload
 * @header_crc32: CRC-32 of the 60 header bytes before this field
 *
 * A frame is the header followed by payload_size bytes, sent as one bulk
 * transfer that ends with a short packet (a zero-length packet when the
 * length is a multiple of wMaxPacketSize). The host resynchronises on the
 * short packet and drops frames whose header or payload CRC fails.
 */
struct palmvein_frame_header {
	__le32 magic;
	__u8 hdr_version;
	__u8 hdr_size;
	__u8 mode;
	__u8 illum_lit;
	__le32 sequence;
	__le64 timestamp_us;
	__le32 exposure_us;
	__le16 gain;
	__le16 distance_mm;
	__le16 intensity[PALMVEIN_MAX_BANKS];
	__le16 width;
	__le16 height;
	__u8 pixfmt;
	__u8 reserved[11];
	__le32 payload_size;
	__le32 payload_crc32;
	__le32 header_crc32;
} __attribute__((packed));

/**
 * struct palmvein_frame_info - a decoded frame header in host byte order
 * @sequence: see struct palmvein_frame_header
 * @timestamp_us: see struct palmvein_frame_header
 * @exposure_us: see struct palmvein_frame_header
 * @payload_size: see struct palmvein_frame_header
 * @payload_crc32: see struct palmvein_frame_header
 * @header_crc32: see struct palmvein_frame_header
 * @gain: see struct palmvein_frame_header
 * @distance_mm: see struct palmvein_frame_header
 * @intensity: see struct palmvein_frame_header
 * @width: see struct palmvein_frame_header
 * @height: see struct palmvein_frame_header
 * @mode: see struct palmvein_frame_header
 * @illum_lit: see struct palmvein_frame_header
 * @pixfmt: see struct palmvein_frame_header
 */
struct palmvein_frame_info {
	__u64 timestamp_us;
	__u32 sequence;
	__u32 exposure_us;
	__u32 payload_size;
	__u32 payload_crc32;
	__u32 header_crc32;
	__u16 gain;
	__u16 distance_mm;
	__u16 intensity[PALMVEIN_MAX_BANKS];
	__u16 width;
	__u16 height;
	__u8 mode;
	__u8 illum_lit;
	__u8 pixfmt;
};

/* Largest payload a frame may announce: 4096x4096 at 16 bits per pixel. */
#define PALMVEIN_MAX_PAYLOAD		(4096u * 4096u * 2u)

static inline __u32 palmvein_get_le16(const __u8 *p)
{
	return (__u32)p[0] | ((__u32)p[1] << 8);
}

static inline __u32 palmvein_get_le32(const __u8 *p)
{
	return palmvein_get_le16(p) | (palmvein_get_le16(p + 2) << 16);
}

/**
 * palmvein_bytes_per_pixel() - storage size of one pixel of a format
 * @pixfmt: enum palmvein_pixfmt
 *
 * Return: 1 or 2, or 0 for an unknown format.
 */
static inline unsigned int palmvein_bytes_per_pixel(unsigned int pixfmt)
{
	switch (pixfmt) {
	case PALMVEIN_PIXFMT_GREY8:
		return 1;
	case PALMVEIN_PIXFMT_Y10:
		return 2;
	default:
		return 0;
	}
}

/**
 * palmvein_frame_header_decode() - decode and sanity-check a frame header
 * @buf: received bytes, starting at the frame's first byte
 * @len: number of bytes available at @buf
 * @fi: decoded header, valid only on success
 *
 * Checks magic, version, header size, pixel format, and that payload_size
 * equals width * height * bytes per pixel and stays below
 * PALMVEIN_MAX_PAYLOAD. The caller checks the two CRCs with its own CRC-32
 * (crc32_le in the kernel, zlib in userspace) since this header cannot
 * depend on either.
 *
 * Return: 0, -ENODATA when @len is too short for a header, -EBADMSG for a
 * bad magic, version or size, -EPROTO for inconsistent geometry.
 */
static inline int palmvein_frame_header_decode(const void *buf,
					       size_t len,
					       struct palmvein_frame_info *fi)
{
	const __u8 *p = (const __u8 *)buf;
	unsigned int bpp, i;

	if (len < PALMVEIN_FRAME_HDR_SIZE)
		return -ENODATA;
	if (palmvein_get_le32(p) != PALMVEIN_FRAME_MAGIC ||
	    p[4] != PALMVEIN_FRAME_HDR_VERSION ||
	    p[5] != PALMVEIN_FRAME_HDR_SIZE)
		return -EBADMSG;

	fi->mode = p[6];
	fi->illum_lit = p[7];
	fi->sequence = palmvein_get_le32(p + 8);
	fi->timestamp_us = (__u64)palmvein_get_le32(p + 12) |
			   ((__u64)palmvein_get_le32(p + 16) << 32);
	fi->exposure_us = palmvein_get_le32(p + 20);
	fi->gain = (__u16)palmvein_get_le16(p + 24);
	fi->distance_mm = (__u16)palmvein_get_le16(p + 26);
	for (i = 0; i < PALMVEIN_MAX_BANKS; i++)
		fi->intensity[i] = (__u16)palmvein_get_le16(p + 28 + 2 * i);
	fi->width = (__u16)palmvein_get_le16(p + 36);
	fi->height = (__u16)palmvein_get_le16(p + 38);
	fi->pixfmt = p[40];
	fi->payload_size = palmvein_get_le32(p + 52);
	fi->payload_crc32 = palmvein_get_le32(p + 56);
	fi->header_crc32 = palmvein_get_le32(p + PALMVEIN_FRAME_HDR_CRC_OFFSET);

	bpp = palmvein_bytes_per_pixel(fi->pixfmt);
	if (!bpp || !fi->width || !fi->height)
		return -EPROTO;
	if (fi->payload_size > PALMVEIN_MAX_PAYLOAD ||
	    fi->payload_size != (__u32)fi->width * fi->height * bpp)
		return -EPROTO;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Interrupt IN: events                                                     */
/* ------------------------------------------------------------------------ */

/**
 * enum palmvein_event_type - kinds of interrupt IN events
 * @PALMVEIN_EVENT_PROXIMITY: the palm distance changed by more than the
 *	device's hysteresis, or a palm arrived or left
 * @PALMVEIN_EVENT_FAULT: the fault flags changed
 */
enum palmvein_event_type {
	PALMVEIN_EVENT_PROXIMITY	= 1,
	PALMVEIN_EVENT_FAULT		= 2,
};

/**
 * struct palmvein_event - one interrupt IN packet
 * @type: enum palmvein_event_type
 * @reserved: zero
 * @distance_mm: current palm distance, or PALMVEIN_DISTANCE_NONE
 * @faults: current enum palmvein_fault bits
 * @timestamp_us: device clock when the event happened
 */
struct palmvein_event {
	__u8 type;
	__u8 reserved;
	__le16 distance_mm;
	__le32 faults;
	__le64 timestamp_us;
} __attribute__((packed));

#define PALMVEIN_EVENT_SIZE		16

/* ------------------------------------------------------------------------ */
/* V4L2 interface of palmvein.ko                                            */
/* ------------------------------------------------------------------------ */

/* Driver-private controls, in a range reserved for this driver. */
#define V4L2_CID_USER_PALMVEIN_BASE	(V4L2_CID_USER_BASE + 0x1f00)

/* Intensity of illumination bank n (0..3), 0..max_intensity. */
#define V4L2_CID_PALMVEIN_LED_INTENSITY(n) \
	(V4L2_CID_USER_PALMVEIN_BASE + 0 + (n))
/* Illumination mode menu of bank n: enum palmvein_led_mode. */
#define V4L2_CID_PALMVEIN_LED_MODE(n) \
	(V4L2_CID_USER_PALMVEIN_BASE + 4 + (n))
/* Read-only, volatile: palm distance in mm; 0 when no target. */
#define V4L2_CID_PALMVEIN_DISTANCE	(V4L2_CID_USER_PALMVEIN_BASE + 8)
/* Read-only, volatile: LED board temperature in 0.1 degree Celsius. */
#define V4L2_CID_PALMVEIN_LED_TEMP	(V4L2_CID_USER_PALMVEIN_BASE + 9)
/* Read-only, volatile: enum palmvein_fault bitmask. */
#define V4L2_CID_PALMVEIN_FAULTS	(V4L2_CID_USER_PALMVEIN_BASE + 10)

/* Metadata capture format of the driver's metadata node. */
#define V4L2_META_FMT_PALMVEIN \
	((__u32)'P' | ((__u32)'V' << 8) | ((__u32)'M' << 16) | ((__u32)'D' << 24))

/**
 * struct palmvein_meta - one metadata buffer, paired by sequence number
 * with the video buffer of the same frame
 * @sequence: V4L2 sequence number of the matching video buffer
 * @device_sequence: the device's frame counter
 * @timestamp_us: device clock at start of exposure
 * @exposure_us: exposure of the frame
 * @gain: analog gain, 1/16 steps
 * @distance_mm: palm distance, or PALMVEIN_DISTANCE_NONE
 * @intensity: per-bank intensity during the frame (0 when unlit)
 * @illum_lit: bit n set when bank n was lit
 * @reserved: zero
 */
struct palmvein_meta {
	__u32 sequence;
	__u32 device_sequence;
	__u64 timestamp_us;
	__u32 exposure_us;
	__u16 gain;
	__u16 distance_mm;
	__u16 intensity[PALMVEIN_MAX_BANKS];
	__u8 illum_lit;
	__u8 reserved[7];
};

#endif /* _UAPI_LINUX_PALMVEIN_H */
