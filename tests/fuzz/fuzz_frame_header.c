// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the frame-header decoder shared by driver, daemon and tools.
 * Besides memory safety it checks the promises the decoder makes to its
 * callers, which size their buffers from the decoded fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <linux/palmvein.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct palmvein_frame_info fi;
	int ret = palmvein_frame_header_decode(data, size, &fi);

	if (size < PALMVEIN_FRAME_HDR_SIZE && ret != -ENODATA)
		__builtin_trap();
	if (ret)
		return 0;
	if (fi.payload_size > PALMVEIN_MAX_PAYLOAD ||
	    fi.payload_size != (uint32_t)fi.width * fi.height *
			       palmvein_bytes_per_pixel(fi.pixfmt) ||
	    !fi.payload_size)
		__builtin_trap();
	return 0;
}
