// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: libpalmvein's image decoder (pv_image_decode_reason in
 * lib/image.c) on PGM and JPEG bytes. Promises checked besides memory
 * safety:
 *  - an error is one of the documented codes, comes with a reason and
 *    leaves the output image zeroed;
 *  - a decoded image has consistent width, height, stride, bits and maxval
 *    within PV_IMAGE_MAX_DIM, and every pixel is readable and <= maxval;
 *  - what pv_image_write_pgm() exports decodes back to the same pixels.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/image.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static uint32_t sample(const struct pv_image *img, uint32_t x, uint32_t y)
{
	const uint8_t *row = (const uint8_t *)img->data + (size_t)y * img->stride;

	if (img->bits == 8)
		return row[x];
	return ((const uint16_t *)row)[x];
}

static void check_image(const struct pv_image *img)
{
	if (!img->data || !img->owns_data ||
	    img->width < 1 || img->width > PV_IMAGE_MAX_DIM ||
	    img->height < 1 || img->height > PV_IMAGE_MAX_DIM ||
	    (img->bits != 8 && img->bits != 16) || !img->maxval ||
	    (img->bits == 8 && img->maxval > 255) ||
	    (img->bits == 16 && img->maxval <= 255) ||
	    (uint64_t)img->stride < (uint64_t)img->width * (img->bits / 8))
		__builtin_trap();
	for (uint32_t y = 0; y < img->height; y++)
		for (uint32_t x = 0; x < img->width; x++)
			if (sample(img, x, y) > img->maxval)
				__builtin_trap();
}

/* Export and decode again: the PGM writer and reader must agree. */
static void check_round_trip(const struct pv_image *img)
{
	struct pv_image back;
	void *pgm;
	size_t len;

	if (pv_image_write_pgm(img, &pgm, &len))
		__builtin_trap();
	if (pv_image_decode(pgm, len, &back))
		__builtin_trap();
	if (back.width != img->width || back.height != img->height ||
	    back.bits != img->bits || back.maxval != img->maxval)
		__builtin_trap();
	for (uint32_t y = 0; y < img->height; y++)
		for (uint32_t x = 0; x < img->width; x++)
			if (sample(&back, x, y) != sample(img, x, y))
				__builtin_trap();
	pv_image_free(&back);
	free(pgm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	struct pv_image img;
	int ret;

	memset(&img, 0xa5, sizeof(img));
	ret = pv_image_decode_reason(data, size, &img, &reason);
	if (ret) {
		if (ret != -EINVAL && ret != -ENODATA && ret != -EBADMSG &&
		    ret != -E2BIG && ret != -ENOTSUP && ret != -ENOMEM)
			__builtin_trap();
		if (!reason || !reason[0] || !all_zero(&img, sizeof(img)))
			__builtin_trap();
		return 0;
	}
	check_image(&img);
	check_round_trip(&img);
	pv_image_free(&img);
	if (!all_zero(&img, sizeof(img)))
		__builtin_trap();
	return 0;
}
