/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Frame builder: lays out struct palmvein_frame_header in front of a payload
 * and computes both CRCs. Pure; the streamer and the tests share it.
 */
#ifndef PALMVEIN_EMU_FRAME_H
#define PALMVEIN_EMU_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <linux/palmvein.h>

struct frame_meta {
	uint64_t timestamp_us;
	uint32_t sequence;
	uint32_t exposure_us;
	uint16_t gain;
	uint16_t distance_mm;
	uint16_t intensity[PALMVEIN_MAX_BANKS];
	uint16_t width;
	uint16_t height;
	uint8_t mode;
	uint8_t illum_lit;
	uint8_t pixfmt;
};

/* CRC-32 (IEEE 802.3), as the protocol uses it. */
uint32_t frame_crc32(const void *buf, size_t len);

/*
 * Writes the PALMVEIN_FRAME_HDR_SIZE header bytes for @meta into @hdr, for
 * a payload of @payload_size bytes whose frame_crc32() is @payload_crc32
 * (passed in because the streamer computes it once per cached payload).
 */
void frame_write_header(void *hdr, const struct frame_meta *meta,
			uint32_t payload_size, uint32_t payload_crc32);

/*
 * Length to send when a frame of @frame_len bytes must arrive truncated: about
 * half of it, never a multiple of @max_packet so it ends with a short packet.
 */
size_t frame_truncated_length(size_t frame_len, unsigned int max_packet);

#endif /* PALMVEIN_EMU_FRAME_H */
