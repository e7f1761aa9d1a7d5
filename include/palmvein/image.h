/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Grey images for the vein pipeline: decoding from memory (PGM, JPEG),
 * wrapping caller-owned frames, and PGM export for audit.
 *
 * Decoding is a pure function of (buf, len): the library never opens files.
 * Pixel buffers hold biometric data; pv_image_free() zeroes them.
 */
#ifndef PALMVEIN_IMAGE_H
#define PALMVEIN_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest width or height the decoders accept. */
#define PV_IMAGE_MAX_DIM 8192

struct pv_image {
	uint32_t width, height;
	uint32_t stride;	/* bytes from one row to the next */
	uint8_t bits;		/* 8 (uint8_t samples) or 16 (host-order uint16_t) */
	uint8_t owns_data;	/* 1: allocated by the library, pv_image_free() frees it */
	uint16_t maxval;	/* largest sample value the source can produce,
				 * e.g. 1023 for 10-bit sensor words in 16 bits */
	void *data;
};

/*
 * Decodes a PGM (P5 8/16-bit, P2 ASCII) or 8-bit JPEG (greyscale, colour or
 * CMYK, turned to grey) image, autodetected from its first bytes, into a new
 * buffer. Returns 0, or:
 *   -EINVAL   not a PGM or JPEG, or NULL arguments
 *   -ENODATA  empty buffer
 *   -EBADMSG  corrupt or truncated data, including data too short for the
 *             dimensions the header claims (checked before allocating)
 *   -E2BIG    dimensions beyond PV_IMAGE_MAX_DIM
 *   -ENOTSUP  a 12-bit, lossless (up to 16-bit) or hierarchical JPEG, or
 *             one of more than 64 scans (each can cost a pass over the image)
 *   -ENOMEM   out of memory
 * On error *out is zeroed. @reason (may be NULL) receives a static,
 * human-readable sentence saying what exactly was wrong.
 */
int pv_image_decode_reason(const void *buf, size_t len, struct pv_image *out,
			   const char **reason);
int pv_image_decode(const void *buf, size_t len, struct pv_image *out);

/* A generic sentence for an error returned by the functions of this header. */
const char *pv_image_strerror(int err);

/*
 * Describes caller-owned pixels without copying (frames from V4L2).
 * maxval is set to 255 or 65535; lower it for 10/12-bit sensor words.
 * Returns -EINVAL on bad bits, zero sizes, a stride too small or NULL data.
 */
int pv_image_wrap(struct pv_image *img, uint32_t width, uint32_t height,
		  uint32_t stride, uint8_t bits, void *data);

/*
 * Ambient-light cancellation for a lit/unlit frame pair (the sensor's
 * ALTERNATE LED mode): *out becomes a new image, @lit minus @unlit clipped
 * at 0, so only the light of the sensor's LEDs is left. The two frames
 * must be consecutive, taken at the same exposure and gain. A pixel
 * saturated in @lit comes out darker than the LEDs alone would make it.
 * Returns 0, -ENOMEM, or -EINVAL for NULL arguments, a malformed image
 * or frames that differ in size, bit depth or maxval.
 * On error *out is zeroed. pv_image_free() zeroes and frees *out.
 */
int pv_image_cancel_ambient(const struct pv_image *lit,
			    const struct pv_image *unlit, struct pv_image *out);

/* Zeroes and frees pixels the library allocated; forgets wrapped ones. */
void pv_image_free(struct pv_image *img);

/*
 * Encodes @img as binary PGM (P5) in a new malloc'ed buffer (*buf, *len) that
 * the caller writes out and frees (zeroing it first: it is biometric data).
 * Returns 0, -EINVAL or -ENOMEM.
 */
int pv_image_write_pgm(const struct pv_image *img, void **buf, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_IMAGE_H */
