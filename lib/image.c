// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Image decoding from memory: PGM (P5 binary, P2 ASCII; 8 and 16 bit) and
 * JPEG through TurboJPEG. Every length and dimension is checked before it is
 * used, so hostile input gets an error and never an out-of-bounds read.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include <palmvein/image.h>

struct pgm_cursor {
	const uint8_t *p;
	const uint8_t *end;
};

static void pgm_skip_space_and_comments(struct pgm_cursor *c)
{
	while (c->p < c->end) {
		if (*c->p == '#') {
			while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
				c->p++;
		} else if (isspace(*c->p)) {
			c->p++;
		} else {
			return;
		}
	}
}

/* Reads one unsigned decimal header field; values above @limit fail. */
static int pgm_read_uint(struct pgm_cursor *c, unsigned long limit,
			 unsigned long *value)
{
	unsigned long v = 0;
	const uint8_t *start;

	pgm_skip_space_and_comments(c);
	start = c->p;
	while (c->p < c->end && isdigit(*c->p)) {
		v = v * 10 + (unsigned long)(*c->p - '0');
		if (v > limit)
			return -E2BIG;
		c->p++;
	}
	if (c->p == start)
		return -EBADMSG;
	*value = v;
	return 0;
}

static int fail(const char **reason, const char *why, int err)
{
	if (reason)
		*reason = why;
	return err;
}

static int image_alloc(struct pv_image *img, uint32_t w, uint32_t h,
		       uint8_t bits, uint16_t maxval)
{
	size_t stride = (size_t)w * (bits / 8);

	img->data = malloc(stride * h);
	if (!img->data)
		return -ENOMEM;
	img->width = w;
	img->height = h;
	img->stride = (uint32_t)stride;
	img->bits = bits;
	img->maxval = maxval;
	img->owns_data = 1;
	return 0;
}

static int pgm_read_binary(struct pgm_cursor *c, struct pv_image *img,
			   const char **reason)
{
	size_t n = (size_t)img->width * img->height;
	size_t bytes = n * (img->bits / 8);
	uint8_t *dst8 = img->data;
	uint16_t *dst16 = img->data;

	if ((size_t)(c->end - c->p) < bytes)
		return fail(reason, "PGM pixel data is truncated", -EBADMSG);
	if (img->bits == 8) {
		memcpy(dst8, c->p, n);
		for (size_t i = 0; i < n; i++)
			if (dst8[i] > img->maxval)
				return fail(reason, "PGM sample exceeds maxval", -EBADMSG);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		dst16[i] = (uint16_t)(c->p[2 * i] << 8 | c->p[2 * i + 1]);
		if (dst16[i] > img->maxval)
			return fail(reason, "PGM sample exceeds maxval", -EBADMSG);
	}
	return 0;
}

static int pgm_read_ascii(struct pgm_cursor *c, struct pv_image *img,
			  const char **reason)
{
	size_t n = (size_t)img->width * img->height;

	for (size_t i = 0; i < n; i++) {
		unsigned long v;
		int err = pgm_read_uint(c, img->maxval, &v);

		if (err == -E2BIG)
			return fail(reason, "PGM sample exceeds maxval", -EBADMSG);
		if (err)
			return fail(reason, "PGM pixel data is truncated or not a number",
				    -EBADMSG);
		if (img->bits == 8)
			((uint8_t *)img->data)[i] = (uint8_t)v;
		else
			((uint16_t *)img->data)[i] = (uint16_t)v;
	}
	return 0;
}

static int decode_pgm(const uint8_t *buf, size_t len, struct pv_image *out,
		      const char **reason)
{
	struct pgm_cursor c = { buf + 2, buf + len };
	bool ascii = buf[1] == '2';
	unsigned long w, h, maxval;
	int err;

	err = pgm_read_uint(&c, PV_IMAGE_MAX_DIM, &w);
	if (!err)
		err = pgm_read_uint(&c, PV_IMAGE_MAX_DIM, &h);
	if (err == -E2BIG)
		return fail(reason, "PGM dimensions exceed the 8192x8192 limit", err);
	if (err)
		return fail(reason, "PGM header is truncated or malformed", err);
	if (w == 0 || h == 0)
		return fail(reason, "PGM has a zero width or height", -EBADMSG);
	err = pgm_read_uint(&c, 65535, &maxval);
	if (err || maxval == 0)
		return fail(reason, "PGM maxval is missing or not in 1..65535",
			    -EBADMSG);
	/* Exactly one whitespace byte separates the header from binary data. */
	if (c.p >= c.end || !isspace(*c.p))
		return fail(reason, "PGM header is truncated or malformed", -EBADMSG);
	c.p++;

	err = image_alloc(out, (uint32_t)w, (uint32_t)h, maxval > 255 ? 16 : 8,
			  (uint16_t)maxval);
	if (err)
		return fail(reason, "out of memory for the image", err);
	err = ascii ? pgm_read_ascii(&c, out, reason) :
		      pgm_read_binary(&c, out, reason);
	if (err)
		pv_image_free(out);
	return err;
}

/*
 * A JPEG ends with an EOI marker, possibly followed by a little padding.
 * libjpeg reads past a truncated stream by inventing markers, and a header
 * cut inside SOF then yields invented dimensions: check the end first.
 */
static bool jpeg_has_eoi(const uint8_t *buf, size_t len)
{
	const size_t max_padding = 1024;
	size_t stop = len > max_padding + 2 ? len - max_padding - 2 : 0;

	for (size_t i = len; i >= 2 && i - 2 >= stop; i--)
		if (buf[i - 2] == 0xff && buf[i - 1] == 0xd9)
			return true;
	return false;
}

static int decode_jpeg(const uint8_t *buf, size_t len, struct pv_image *out,
		       const char **reason)
{
	int w = 0, h = 0, subsamp = 0, colorspace = 0, err;
	tjhandle tj;

	if (len > ULONG_MAX)
		return fail(reason, "JPEG is too large", -E2BIG);
	if (!jpeg_has_eoi(buf, len))
		return fail(reason, "JPEG is truncated (no end-of-image marker)",
			    -EBADMSG);
	tj = tjInitDecompress();
	if (!tj)
		return fail(reason, "cannot start the JPEG decoder", -ENOMEM);
	if (tjDecompressHeader3(tj, buf, (unsigned long)len, &w, &h, &subsamp,
				&colorspace)) {
		err = fail(reason, "JPEG header is corrupt or truncated", -EBADMSG);
		goto out;
	}
	if (w <= 0 || h <= 0) {
		err = fail(reason, "JPEG has a zero width or height", -EBADMSG);
		goto out;
	}
	if (w > PV_IMAGE_MAX_DIM || h > PV_IMAGE_MAX_DIM) {
		err = fail(reason, "JPEG dimensions exceed the 8192x8192 limit",
			   -E2BIG);
		goto out;
	}
	err = image_alloc(out, (uint32_t)w, (uint32_t)h, 8, 255);
	if (err) {
		fail(reason, "out of memory for the image", err);
		goto out;
	}
	/*
	 * Stop on warnings: libjpeg only warns about a truncated stream and
	 * fills the rest with grey, which would pass for a real palm. Limit
	 * progressive scans so a crafted file cannot spin the decoder.
	 */
	if (tjDecompress2(tj, buf, (unsigned long)len, out->data, w, 0, h,
			  TJPF_GRAY, TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)) {
		pv_image_free(out);
		err = fail(reason, "JPEG data is corrupt or truncated", -EBADMSG);
	}
out:
	tjDestroy(tj);
	return err;
}

int pv_image_decode_reason(const void *buf, size_t len, struct pv_image *out,
			   const char **reason)
{
	const uint8_t *b = buf;
	int err;

	if (reason)
		*reason = NULL;
	if (!out)
		return fail(reason, "no output image given", -EINVAL);
	memset(out, 0, sizeof(*out));
	if (!buf && len)
		return fail(reason, "no input buffer given", -EINVAL);
	if (len == 0)
		return fail(reason, "the image is empty", -ENODATA);
	if (len >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '2'))
		err = decode_pgm(b, len, out, reason);
	else if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		err = decode_jpeg(b, len, out, reason);
	else
		err = fail(reason, "not a PGM (P5/P2) or JPEG image", -EINVAL);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

int pv_image_decode(const void *buf, size_t len, struct pv_image *out)
{
	return pv_image_decode_reason(buf, len, out, NULL);
}

const char *pv_image_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "invalid argument or not a PGM/JPEG image";
	case -ENODATA:
		return "the image is empty";
	case -EBADMSG:
		return "the image is corrupt or truncated";
	case -E2BIG:
		return "the image dimensions exceed the 8192x8192 limit";
	case -ENOMEM:
		return "out of memory";
	default:
		return "unknown image error";
	}
}

int pv_image_wrap(struct pv_image *img, uint32_t width, uint32_t height,
		  uint32_t stride, uint8_t bits, void *data)
{
	if (!img || !data || width == 0 || height == 0 ||
	    (bits != 8 && bits != 16) ||
	    (uint64_t)stride < (uint64_t)width * (bits / 8))
		return -EINVAL;
	img->width = width;
	img->height = height;
	img->stride = stride;
	img->bits = bits;
	img->owns_data = 0;
	img->maxval = bits == 8 ? 255 : 65535;
	img->data = data;
	return 0;
}

void pv_image_free(struct pv_image *img)
{
	if (!img)
		return;
	if (img->owns_data && img->data) {
		explicit_bzero(img->data, (size_t)img->stride * img->height);
		free(img->data);
	}
	memset(img, 0, sizeof(*img));
}

int pv_image_write_pgm(const struct pv_image *img, void **buf, size_t *len)
{
	char header[64];
	unsigned int maxval;
	size_t row_bytes, total;
	uint8_t *out, *dst;
	int hlen;

	if (!img || !buf || !len || !img->data || img->width == 0 ||
	    img->height == 0 || (img->bits != 8 && img->bits != 16) ||
	    (uint64_t)img->stride < (uint64_t)img->width * (img->bits / 8))
		return -EINVAL;
	/* The PGM sample width follows maxval: keep it consistent with bits. */
	if (img->bits == 8)
		maxval = img->maxval && img->maxval <= 255 ? img->maxval : 255;
	else
		maxval = img->maxval >= 256 ? img->maxval : 65535;
	hlen = snprintf(header, sizeof(header), "P5\n%u %u\n%u\n", img->width,
			img->height, maxval);
	row_bytes = (size_t)img->width * (img->bits / 8);
	total = (size_t)hlen + row_bytes * img->height;
	out = malloc(total);
	if (!out)
		return -ENOMEM;
	memcpy(out, header, (size_t)hlen);
	dst = out + hlen;
	for (uint32_t y = 0; y < img->height; y++) {
		const uint8_t *row = (const uint8_t *)img->data + (size_t)y * img->stride;

		if (img->bits == 8) {
			memcpy(dst, row, row_bytes);
		} else {
			const uint16_t *r16 = (const uint16_t *)row;

			for (uint32_t x = 0; x < img->width; x++) {
				dst[2 * x] = (uint8_t)(r16[x] >> 8);
				dst[2 * x + 1] = (uint8_t)r16[x];
			}
		}
		dst += row_bytes;
	}
	*buf = out;
	*len = total;
	return 0;
}
