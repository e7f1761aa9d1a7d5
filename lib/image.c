// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Image decoding from memory: PGM (P5 binary, P2 ASCII; 8 and 16 bit) and
 * 8-bit JPEG through TurboJPEG. Every length and dimension is checked before
 * it is used, and the data length against the dimensions before allocating,
 * so hostile input gets an error and never an out-of-bounds read or a large
 * allocation for a small file.
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

/* decode_pgm() has checked that the cursor holds every sample. */
static int pgm_read_binary(struct pgm_cursor *c, struct pv_image *img,
			   const char **reason)
{
	size_t n = (size_t)img->width * img->height;
	uint8_t *dst8 = img->data;
	uint16_t *dst16 = img->data;

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

/*
 * The fewest bytes that can hold @pixels samples: binary PGM stores one or
 * two bytes each; ASCII at least one digit each, separated by whitespace.
 */
static size_t pgm_min_data_len(size_t pixels, unsigned long maxval, bool ascii)
{
	if (ascii)
		return 2 * pixels - 1;
	return maxval > 255 ? 2 * pixels : pixels;
}

static int decode_pgm(const uint8_t *buf, size_t len, struct pv_image *out,
		      const char **reason)
{
	struct pgm_cursor c = { buf + 2, buf + len };
	bool ascii = buf[1] == '2';
	unsigned long w, h, maxval;
	int err;

	/* "P5" must be followed by whitespace: "P55 ..." is no PGM header. */
	if (c.p < c.end && !isspace(*c.p) && *c.p != '#')
		return fail(reason, "PGM header is truncated or malformed", -EBADMSG);
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
	/* Refuse a short file before allocating what its header claims. */
	if ((size_t)(c.end - c.p) < pgm_min_data_len(w * h, maxval, ascii))
		return fail(reason, "PGM pixel data is truncated", -EBADMSG);

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

/* What the marker segments say (libjpeg keeps it private). */
struct jpeg_layout {
	size_t scan_bytes;	/* entropy-coded data, all scans together */
	unsigned int scans;
	uint8_t frame;		/* SOFn marker code */
	uint8_t precision;	/* bits per sample */
	bool adobe;		/* an Adobe APP14 segment: CMYK is stored inverted */
};

static bool jpeg_is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* Entropy-coded data runs up to the first marker other than RSTn. */
static size_t jpeg_skip_entropy(const uint8_t *buf, size_t len, size_t i)
{
	for (; i + 1 < len; i++)
		if (buf[i] == 0xff && buf[i + 1] != 0x00 &&
		    (buf[i + 1] < 0xd0 || buf[i + 1] > 0xd7))
			return i;
	return len;
}

/*
 * Walks the marker segments and scans from SOI to EOI. Returns -ENODATA
 * when the data ends before EOI: libjpeg reads past a truncated stream by
 * inventing markers, and a header cut inside SOF then yields invented
 * dimensions. Returns -EBADMSG for malformed markers.
 */
static int jpeg_read_layout(const uint8_t *buf, size_t len,
			    struct jpeg_layout *lay)
{
	size_t i = 2;

	memset(lay, 0, sizeof(*lay));
	while (i < len) {
		size_t seg_len, data;
		const uint8_t *seg;
		uint8_t m;

		if (buf[i] != 0xff)
			return -EBADMSG;
		while (i < len && buf[i] == 0xff)	/* fill bytes */
			i++;
		if (i >= len)
			break;
		m = buf[i++];
		if (m == 0xd9)
			return lay->scans ? 0 : -EBADMSG;
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))	/* no payload */
			continue;
		if (m == 0x00 || m == 0xd8)
			return -EBADMSG;
		if (len - i < 2)
			break;
		seg_len = (size_t)buf[i] << 8 | buf[i + 1];
		if (seg_len < 2)
			return -EBADMSG;
		if (seg_len > len - i)
			break;
		seg = buf + i + 2;
		i += seg_len;
		if (m == 0xda) {
			if (!lay->frame)
				return -EBADMSG;
			data = jpeg_skip_entropy(buf, len, i);
			lay->scan_bytes += data - i;
			lay->scans++;
			i = data;
		} else if (jpeg_is_sof(m) && seg_len >= 8) {
			lay->frame = m;
			lay->precision = seg[0];
		} else if (m == 0xee && seg_len >= 14 && !memcmp(seg, "Adobe", 5)) {
			lay->adobe = true;
		}
	}
	return -ENODATA;
}

/*
 * libjpeg's default progressive scripts write 6 to 18 scans; each scan can
 * walk every block of the image again, so an 8192x8192 file of 180 KiB
 * with TurboJPEG's own limit of 500 scans costs 10 s of CPU. 64 leaves
 * room for scan-optimising encoders.
 */
#define JPEG_MAX_SCANS 64

/*
 * TurboJPEG 2 decodes only 8-bit sequential and progressive DCT JPEGs:
 * 12-bit, lossless (up to 16-bit) and hierarchical frames are valid files
 * it cannot read, which deserve a clearer error than "corrupt".
 */
static bool jpeg_is_supported(const struct jpeg_layout *lay)
{
	return lay->precision == 8 &&
	       (lay->frame == 0xc0 || lay->frame == 0xc1 || lay->frame == 0xc2 ||
		lay->frame == 0xc9 || lay->frame == 0xca);
}

/*
 * Huffman coding spends at least one bit on every 8x8 block of a sequential
 * or DC scan, so 64 samples cost at least 1/8 byte: 512 samples per byte.
 * Twice that is refused before anything is allocated, so a tiny file
 * claiming 8192x8192 costs nothing. Real palm JPEGs hold fewer than 10
 * pixels per byte, a uniform grey progressive one from libjpeg-turbo 239;
 * only arithmetic coding of a near-uniform image gets denser, and that
 * holds no palm. Only scan data counts: metadata could pad a tiny scan.
 */
#define JPEG_MAX_SAMPLES_PER_BYTE 1024

static int jpeg_components(int colorspace)
{
	switch (colorspace) {
	case TJCS_GRAY:
		return 1;
	case TJCS_CMYK:
	case TJCS_YCCK:
		return 4;
	default:
		return 3;
	}
}

/*
 * libjpeg converts CMYK and YCCK to CMYK only, so grey is computed here as
 * the luminance of naive RGB (R = (1 - C)(1 - K) and so on). Adobe
 * applications store CMYK inverted (255 = no ink) and say so with their
 * APP14 segment; libjpeg-turbo writes that segment too.
 */
static void cmyk_to_grey(const uint8_t *cmyk, size_t pixels, bool inverted,
			 uint8_t *grey)
{
	const unsigned int flip = inverted ? 0 : 255;

	for (size_t i = 0; i < pixels; i++, cmyk += 4) {
		unsigned int c = cmyk[0] ^ flip, m = cmyk[1] ^ flip;
		unsigned int y = cmyk[2] ^ flip, k = cmyk[3] ^ flip;
		unsigned int luma = 77 * c + 150 * m + 29 * y;	/* x 256 */

		grey[i] = (uint8_t)((luma * k + 255 * 128) / (255 * 256));
	}
}

static int jpeg_decompress(tjhandle tj, const uint8_t *buf, size_t len,
			   int colorspace, bool adobe, struct pv_image *out)
{
	/*
	 * Stop on warnings: libjpeg only warns about a truncated stream and
	 * fills the rest with grey, which would pass for a real palm. The
	 * scans were counted before (JPEG_MAX_SCANS).
	 */
	const int flags = TJFLAG_STOPONWARNING;
	int w = (int)out->width, h = (int)out->height;
	size_t cmyk_len = (size_t)w * h * 4;
	uint8_t *cmyk;
	int err;

	if (colorspace != TJCS_CMYK && colorspace != TJCS_YCCK)
		return tjDecompress2(tj, buf, (unsigned long)len, out->data, w,
				     0, h, TJPF_GRAY, flags) ? -EBADMSG : 0;
	cmyk = malloc(cmyk_len);
	if (!cmyk)
		return -ENOMEM;
	err = tjDecompress2(tj, buf, (unsigned long)len, cmyk, w * 4, 0, h,
			    TJPF_CMYK, flags) ? -EBADMSG : 0;
	if (!err)
		cmyk_to_grey(cmyk, (size_t)w * h, adobe, out->data);
	explicit_bzero(cmyk, cmyk_len);
	free(cmyk);
	return err;
}

static int decode_jpeg(const uint8_t *buf, size_t len, struct pv_image *out,
		       const char **reason)
{
	int w = 0, h = 0, subsamp = 0, colorspace = 0, err;
	struct jpeg_layout lay;
	uint64_t samples;
	tjhandle tj;

	if (len > ULONG_MAX)
		return fail(reason, "JPEG is too large", -E2BIG);
	err = jpeg_read_layout(buf, len, &lay);
	if (err == -ENODATA)
		return fail(reason, "JPEG is truncated (no end-of-image marker)",
			    -EBADMSG);
	if (err)
		return fail(reason, "JPEG markers are corrupt", -EBADMSG);
	if (!jpeg_is_supported(&lay))
		return fail(reason, "JPEG is 12-bit, 16-bit, lossless or "
			    "hierarchical, which the decoder does not support",
			    -ENOTSUP);
	if (lay.scans > JPEG_MAX_SCANS)
		return fail(reason, "JPEG has more than 64 scans, which the "
			    "decoder does not support", -ENOTSUP);
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
	samples = (uint64_t)w * (uint64_t)h * (uint64_t)jpeg_components(colorspace);
	if (samples > (uint64_t)JPEG_MAX_SAMPLES_PER_BYTE * lay.scan_bytes) {
		err = fail(reason, "JPEG claims more pixels than its data can hold",
			   -EBADMSG);
		goto out;
	}
	err = image_alloc(out, (uint32_t)w, (uint32_t)h, 8, 255);
	if (err) {
		fail(reason, "out of memory for the image", err);
		goto out;
	}
	err = jpeg_decompress(tj, buf, len, colorspace, lay.adobe, out);
	if (err) {
		pv_image_free(out);
		fail(reason, err == -ENOMEM ? "out of memory for the image" :
			     "JPEG data is corrupt or truncated", err);
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
	case -ENOTSUP:
		return "a valid image of a kind the decoder does not support";
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
