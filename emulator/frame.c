// SPDX-License-Identifier: LGPL-2.1-or-later
#include "frame.h"

#include <endian.h>
#include <string.h>
#include <zlib.h>

uint32_t frame_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uLong crc = crc32(0L, Z_NULL, 0);

	/* zlib takes uInt lengths; feed big buffers in slices */
	while (len) {
		uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;

		crc = crc32(crc, p, chunk);
		p += chunk;
		len -= chunk;
	}
	return (uint32_t)crc;
}

void frame_write_header(void *hdr, const struct frame_meta *meta,
			uint32_t payload_size, uint32_t payload_crc32)
{
	struct palmvein_frame_header h;
	unsigned int i;

	memset(&h, 0, sizeof(h));
	h.magic = htole32(PALMVEIN_FRAME_MAGIC);
	h.hdr_version = PALMVEIN_FRAME_HDR_VERSION;
	h.hdr_size = PALMVEIN_FRAME_HDR_SIZE;
	h.mode = meta->mode;
	h.illum_lit = meta->illum_lit;
	h.sequence = htole32(meta->sequence);
	h.timestamp_us = htole64(meta->timestamp_us);
	h.exposure_us = htole32(meta->exposure_us);
	h.gain = htole16(meta->gain);
	h.distance_mm = htole16(meta->distance_mm);
	for (i = 0; i < PALMVEIN_MAX_BANKS; i++)
		h.intensity[i] = htole16(meta->intensity[i]);
	h.width = htole16(meta->width);
	h.height = htole16(meta->height);
	h.pixfmt = meta->pixfmt;
	h.payload_size = htole32(payload_size);
	h.payload_crc32 = htole32(payload_crc32);
	h.header_crc32 = htole32(frame_crc32(&h, PALMVEIN_FRAME_HDR_CRC_OFFSET));
	memcpy(hdr, &h, sizeof(h));
}

size_t frame_truncated_length(size_t frame_len, unsigned int max_packet)
{
	size_t len = frame_len / 2;

	if (len < PALMVEIN_FRAME_HDR_SIZE + 1)
		len = PALMVEIN_FRAME_HDR_SIZE + 1;
	if (max_packet && len % max_packet == 0)
		len--;
	return len;
}
