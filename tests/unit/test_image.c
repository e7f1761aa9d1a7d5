// SPDX-License-Identifier: LGPL-2.1-or-later
/* Decoding of good and hostile PGM/JPEG buffers, wrap, free and PGM export. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <turbojpeg.h>

#include <palmvein/image.h>
#include "check_run.h"

static size_t make_pgm8(uint8_t *buf, unsigned int w, unsigned int h)
{
	int n = sprintf((char *)buf, "P5\n# comment\n%u %u\n255\n", w, h);

	for (unsigned int i = 0; i < w * h; i++)
		buf[n + i] = (uint8_t)(i * 7);
	return (size_t)n + w * h;
}

START_TEST(pgm8_decodes_pixels)
{
	uint8_t buf[256];
	size_t len = make_pgm8(buf, 5, 3);
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(buf, len, &img), 0);
	ck_assert_uint_eq(img.width, 5);
	ck_assert_uint_eq(img.height, 3);
	ck_assert_uint_eq(img.bits, 8);
	ck_assert_uint_eq(img.maxval, 255);
	for (unsigned int i = 0; i < 15; i++)
		ck_assert_uint_eq(((uint8_t *)img.data)[i], (uint8_t)(i * 7));
	pv_image_free(&img);
	ck_assert_ptr_null(img.data);
}
END_TEST

START_TEST(pgm16_is_big_endian_and_keeps_maxval)
{
	const uint8_t buf[] = "P5 2 1 1023\n\x03\xff\x01\x02";
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(buf, sizeof(buf) - 1, &img), 0);
	ck_assert_uint_eq(img.bits, 16);
	ck_assert_uint_eq(img.maxval, 1023);
	ck_assert_uint_eq(((uint16_t *)img.data)[0], 0x3ff);
	ck_assert_uint_eq(((uint16_t *)img.data)[1], 0x102);
	pv_image_free(&img);
}
END_TEST

START_TEST(pgm_ascii_decodes)
{
	const char buf[] = "P2\n3 1\n# c\n15\n0 7 15\n";
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(buf, strlen(buf), &img), 0);
	ck_assert_uint_eq(((uint8_t *)img.data)[1], 7);
	ck_assert_uint_eq(img.maxval, 15);
	pv_image_free(&img);
}
END_TEST

struct bad_case {
	const char *data;
	int err;
};

static const struct bad_case bad_cases[] = {
	{ "P5\n100000 100000\n255\n", -E2BIG },
	{ "P5\n9000 10\n255\n", -E2BIG },
	{ "P5\n0 10\n255\n", -EBADMSG },
	{ "P5\n4 4\n255\nabc", -EBADMSG },	/* truncated pixels */
	{ "P5\n4 4\n", -EBADMSG },		/* truncated header */
	{ "P5\n4 4\n0\n", -EBADMSG },		/* maxval 0 */
	{ "P5\n4 4\n70000\n", -EBADMSG },	/* maxval too big */
	{ "P5\n1 1\n10\n\x0b", -EBADMSG },	/* sample above maxval */
	{ "P2\n2 1\n255\n1 300\n", -EBADMSG },
	{ "P2\n2 1\n255\n1", -EBADMSG },
	{ "P2\n2 1\n255\n1 x", -EBADMSG },
	{ "P2\n1 1\n65535\n99999999999999999999999\n", -EBADMSG },
	{ "P2\n1 1\n0000000000000000000000000255\n", -EBADMSG }, /* > maxval */
	{ "P5\n4 4\n99999999999999999999999\n", -EBADMSG },
	{ "P5\n4 4\n# a comment up to the end of the file", -EBADMSG },
	{ "P51 1 255\nX", -EBADMSG },		/* no space after magic */
	{ "GIF89a", -EINVAL },
	{ "P6\n1 1\n255\nabc", -EINVAL },
	{ "\xff\xd8\xff\xe0garbage", -EBADMSG },
};

START_TEST(bad_pgm_gets_clear_error)
{
	const struct bad_case *c = &bad_cases[_i];
	const char *reason = NULL;
	struct pv_image img;
	int err = pv_image_decode_reason(c->data, strlen(c->data), &img, &reason);

	ck_assert_msg(err == c->err, "case %d: got %d want %d", _i, err, c->err);
	ck_assert_ptr_nonnull(reason);
	ck_assert_ptr_null(img.data);
	ck_assert_ptr_nonnull(pv_image_strerror(err));
}
END_TEST

START_TEST(empty_and_null_input)
{
	struct pv_image img;
	const char *reason;

	ck_assert_int_eq(pv_image_decode_reason("", 0, &img, &reason), -ENODATA);
	ck_assert_str_eq(reason, "the image is empty");
	ck_assert_int_eq(pv_image_decode(NULL, 0, &img), -ENODATA);
	ck_assert_int_eq(pv_image_decode(NULL, 4, &img), -EINVAL);
	ck_assert_int_eq(pv_image_decode("P5", 2, NULL), -EINVAL);
}
END_TEST

/* Every prefix of a valid PGM fails cleanly: no over-read (ASan). */
START_TEST(every_pgm_truncation_fails)
{
	uint8_t buf[256];
	size_t len = make_pgm8(buf, 6, 6);

	for (size_t l = 0; l < len; l++) {
		uint8_t *copy = malloc(l ? l : 1);
		struct pv_image img;

		memcpy(copy, buf, l);
		ck_assert_int_lt(pv_image_decode(copy, l, &img), 0);
		free(copy);
	}
}
END_TEST

static unsigned char *make_jpeg(int w, int h, unsigned long *len)
{
	uint8_t *px = malloc((size_t)w * h);
	unsigned char *jpeg = NULL;
	tjhandle tj = tjInitCompress();

	for (int i = 0; i < w * h; i++)
		px[i] = (uint8_t)((i % w) * 255 / w);
	ck_assert_int_eq(tjCompress2(tj, px, w, 0, h, TJPF_GRAY, &jpeg, len,
				     TJSAMP_GRAY, 90, 0), 0);
	tjDestroy(tj);
	free(px);
	return jpeg;
}

START_TEST(jpeg_decodes_to_grey)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(64, 48, &len);
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(jpeg, len, &img), 0);
	ck_assert_uint_eq(img.width, 64);
	ck_assert_uint_eq(img.height, 48);
	ck_assert_uint_eq(img.bits, 8);
	/* The ramp survives compression within a few levels. */
	ck_assert_int_lt(abs(((uint8_t *)img.data)[10 * 64 + 32] - 127), 6);
	pv_image_free(&img);
	tjFree(jpeg);
}
END_TEST

/* Truncated JPEGs are errors, not grey-filled images; no over-read. */
START_TEST(truncated_jpeg_fails)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(64, 48, &len);

	for (unsigned long l = 3; l < len; l += 7) {
		unsigned char *copy = malloc(l);
		struct pv_image img;
		const char *reason = NULL;

		memcpy(copy, jpeg, l);
		ck_assert_int_eq(pv_image_decode_reason(copy, l, &img, &reason), -EBADMSG);
		ck_assert_ptr_nonnull(reason);
		free(copy);
	}
	tjFree(jpeg);
}
END_TEST

/* Flipped bytes anywhere: decode or fail, never crash. */
START_TEST(corrupt_jpeg_never_crashes)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(32, 32, &len);
	unsigned char *copy = malloc(len);
	int failures = 0;

	for (unsigned long i = 3; i < len; i++) {
		struct pv_image img;
		int err;

		memcpy(copy, jpeg, len);
		copy[i] ^= 0x5a;
		err = pv_image_decode(copy, len, &img);
		ck_assert(err == 0 || err == -EBADMSG || err == -E2BIG ||
			  err == -ENOTSUP);
		failures += err != 0;
		pv_image_free(&img);
	}
	ck_assert_int_gt(failures, 0);
	free(copy);
	tjFree(jpeg);
}
END_TEST

/* A JPEG whose frame header claims 16384 columns is refused before any
 * allocation. */
START_TEST(huge_jpeg_dimensions_refused)
{
	unsigned long len;
	unsigned char *jpeg = make_jpeg(32, 32, &len);
	const char *reason = NULL;
	struct pv_image img;
	bool patched = false;

	for (unsigned long i = 2; i + 9 < len && !patched; i++)
		if (jpeg[i] == 0xff && jpeg[i + 1] == 0xc0) {
			jpeg[i + 7] = 0x40;	/* width high byte: 0x4000 */
			jpeg[i + 8] = 0x00;
			patched = true;
		}
	ck_assert(patched);
	ck_assert_int_eq(pv_image_decode_reason(jpeg, len, &img, &reason), -E2BIG);
	ck_assert_str_eq(reason, "JPEG dimensions exceed the 8192x8192 limit");
	tjFree(jpeg);
}
END_TEST

/*
 * Runs @decode with the address space capped at 32 MiB above its current
 * size, so an allocation of what a tiny file claims fails with -ENOMEM.
 * ASan reserves terabytes of shadow and cannot run under such a cap: there
 * only the error is compared.
 */
static int decode_with_small_memory(const void *buf, size_t len,
				    const char **reason)
{
	struct pv_image img;
	int err;
#ifndef __SANITIZE_ADDRESS__
	unsigned long pages = 0;
	struct rlimit old, cap;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	ck_assert_int_eq(getrlimit(RLIMIT_AS, &old), 0);
	cap = old;
	cap.rlim_cur = pages * (rlim_t)sysconf(_SC_PAGESIZE) + (32 << 20);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &cap), 0);
#endif
	err = pv_image_decode_reason(buf, len, &img, reason);
#ifndef __SANITIZE_ADDRESS__
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
#endif
	pv_image_free(&img);
	return err;
}

/* A 20-byte header claiming 8192x8192 16-bit (128 MiB) allocates nothing. */
START_TEST(pgm_huge_header_refused_before_allocation)
{
	static const char *const heads[] = {
		"P5 8192 8192 65535\n",
		"P5 8192 8192 255\n\x01\x02",
		"P2 8192 8192 65535\n1 2 3\n",
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		const char *reason = NULL;

		ck_assert_int_eq(decode_with_small_memory(heads[i], strlen(heads[i]),
							  &reason), -EBADMSG);
		ck_assert_str_eq(reason, "PGM pixel data is truncated");
	}
}
END_TEST

START_TEST(pgm_at_width_limit_decodes)
{
	const size_t head = sizeof("P5 8192 1 65535\n") - 1;
	size_t len = head + 2 * 8192;
	uint8_t *buf = calloc(1, len);
	struct pv_image img;

	memcpy(buf, "P5 8192 1 65535\n", head);
	buf[head + 2 * 8191] = 0x12;
	buf[head + 2 * 8191 + 1] = 0x34;
	ck_assert_int_eq(pv_image_decode(buf, len, &img), 0);
	ck_assert_uint_eq(((uint16_t *)img.data)[8191], 0x1234);
	pv_image_free(&img);
	/* One byte short is truncated. */
	ck_assert_int_eq(pv_image_decode(buf, len - 1, &img), -EBADMSG);
	free(buf);
}
END_TEST

static unsigned char *compress(const uint8_t *px, int w, int h, int pf,
			       int subsamp, int flags, unsigned long *len)
{
	unsigned char *jpeg = NULL;
	tjhandle tj = tjInitCompress();

	ck_assert_int_eq(tjCompress2(tj, px, w, 0, h, pf, &jpeg, len, subsamp,
				     100, flags), 0);
	tjDestroy(tj);
	return jpeg;
}

static int jpeg_colorspace(const unsigned char *jpeg, unsigned long len)
{
	int w, h, subsamp, colorspace;
	tjhandle tj = tjInitDecompress();

	ck_assert_int_eq(tjDecompressHeader3(tj, jpeg, len, &w, &h, &subsamp,
					     &colorspace), 0);
	tjDestroy(tj);
	return colorspace;
}

/*
 * Four 8x8 patches of CMYK in TurboJPEG's (Adobe's) inverted convention,
 * 255 = no ink: paper, full black, full cyan, half black. TurboJPEG stores
 * them as YCCK with an Adobe APP14 segment.
 */
static const uint8_t cmyk_patches[4][4] = {
	{ 255, 255, 255, 255 }, { 255, 255, 255, 0 },
	{ 0, 255, 255, 255 }, { 255, 255, 255, 128 },
};

static unsigned char *make_cmyk_jpeg(unsigned long *len)
{
	uint8_t px[8 * 32 * 4];
	unsigned char *jpeg;

	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 32; x++)
			memcpy(&px[(y * 32 + x) * 4], cmyk_patches[x / 8], 4);
	jpeg = compress(px, 32, 8, TJPF_CMYK, TJSAMP_444, 0, len);
	ck_assert_int_eq(jpeg_colorspace(jpeg, *len), TJCS_YCCK);
	return jpeg;
}

static int patch_grey(const struct pv_image *img, int patch)
{
	return ((const uint8_t *)img->data)[4 * img->stride + patch * 8 + 4];
}

START_TEST(cmyk_jpeg_decodes_to_luminance)
{
	/* Paper, black, cyan (R 0, G and B full: 0.701 x 255), half black. */
	static const int expected[4] = { 255, 0, 179, 128 };
	unsigned long len;
	unsigned char *jpeg = make_cmyk_jpeg(&len);
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(jpeg, len, &img), 0);
	ck_assert_uint_eq(img.width, 32);
	ck_assert_uint_eq(img.bits, 8);
	for (int i = 0; i < 4; i++)
		ck_assert_msg(abs(patch_grey(&img, i) - expected[i]) <= 3,
			      "patch %d: %d want %d", i, patch_grey(&img, i),
			      expected[i]);
	pv_image_free(&img);
	tjFree(jpeg);
}
END_TEST

/*
 * Without the Adobe segment libjpeg reads the same four components as plain
 * CMYK, and without Adobe's word for it they are ink amounts, not inverted:
 * the fourth component (K) of the paper patch is 255, all black ink, and
 * that of the black patch 0, no black ink.
 */
START_TEST(cmyk_jpeg_without_adobe_segment_is_not_inverted)
{
	unsigned long len;
	unsigned char *jpeg = make_cmyk_jpeg(&len);
	struct pv_image img;
	bool removed = false;

	for (unsigned long i = 2; i + 4 < len && !removed; i++)
		if (jpeg[i] == 0xff && jpeg[i + 1] == 0xee) {
			unsigned long seg = 2 + (jpeg[i + 2] << 8 | jpeg[i + 3]);

			memmove(jpeg + i, jpeg + i + seg, len - i - seg);
			len -= seg;
			removed = true;
		}
	ck_assert(removed);
	ck_assert_int_eq(jpeg_colorspace(jpeg, len), TJCS_CMYK);
	ck_assert_int_eq(pv_image_decode(jpeg, len, &img), 0);
	ck_assert_int_le(patch_grey(&img, 0), 3);
	ck_assert_int_gt(patch_grey(&img, 1), 64);
	pv_image_free(&img);
	tjFree(jpeg);
}
END_TEST

/* Sets the frame header's width and height. */
static void patch_jpeg_size(unsigned char *jpeg, unsigned long len, int w, int h)
{
	for (unsigned long i = 2; i + 9 < len; i++)
		if (jpeg[i] == 0xff && (jpeg[i + 1] == 0xc0 || jpeg[i + 1] == 0xc2)) {
			jpeg[i + 5] = (unsigned char)(h >> 8);
			jpeg[i + 6] = (unsigned char)h;
			jpeg[i + 7] = (unsigned char)(w >> 8);
			jpeg[i + 8] = (unsigned char)w;
			return;
		}
	ck_abort_msg("no frame header");
}

/* A few hundred bytes claiming 8192x8192 are refused before allocating. */
START_TEST(tiny_jpeg_claiming_huge_image_refused)
{
	static const struct {
		int pf, subsamp, flags, bpp;
	} kinds[] = {
		{ TJPF_GRAY, TJSAMP_GRAY, 0, 1 },
		{ TJPF_GRAY, TJSAMP_GRAY, TJFLAG_PROGRESSIVE, 1 },
		{ TJPF_RGB, TJSAMP_420, TJFLAG_PROGRESSIVE, 3 },
		{ TJPF_CMYK, TJSAMP_444, 0, 4 },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint8_t px[16 * 16 * 4] = { 0 };
		unsigned long len;
		unsigned char *jpeg = compress(px, 16, 16, kinds[k].pf,
					       kinds[k].subsamp, kinds[k].flags,
					       &len);
		const char *reason = NULL;

		patch_jpeg_size(jpeg, len, 8192, 8192);
		ck_assert_int_eq(decode_with_small_memory(jpeg, len, &reason),
				 -EBADMSG);
		ck_assert_str_eq(reason, "JPEG claims more pixels than its data can hold");
		tjFree(jpeg);
	}
}
END_TEST

/*
 * Comment segments after the scan and bytes after EOI make the file big
 * enough for 8192x8192, but only scan data counts.
 */
START_TEST(padded_jpeg_claiming_huge_image_refused)
{
	const size_t comment = 65535, trailer = 100000;
	uint8_t px[16 * 16] = { 0 };
	unsigned long len;
	unsigned char *jpeg = compress(px, 16, 16, TJPF_GRAY, TJSAMP_GRAY, 0, &len);
	size_t padded_len = len + 2 * (2 + comment) + trailer;
	uint8_t *padded = malloc(padded_len), *p = padded;
	const char *reason = NULL;

	patch_jpeg_size(jpeg, len, 8192, 8192);
	memcpy(p, jpeg, len - 2);	/* all but EOI */
	p += len - 2;
	for (int i = 0; i < 2; i++) {
		*p++ = 0xff;
		*p++ = 0xfe;
		*p++ = (uint8_t)(comment >> 8);
		*p++ = (uint8_t)comment;
		memset(p, 'x', comment - 2);
		p += comment - 2;
	}
	*p++ = 0xff;
	*p++ = 0xd9;
	memset(p, 0, trailer);
	ck_assert_uint_eq((size_t)(p + trailer - padded), padded_len);
	ck_assert_uint_gt(padded_len, 8192 * 8192 / 1024);
	ck_assert_int_eq(decode_with_small_memory(padded, padded_len, &reason),
			 -EBADMSG);
	ck_assert_str_eq(reason, "JPEG claims more pixels than its data can hold");
	free(padded);
	tjFree(jpeg);
}
END_TEST

/* The densest ordinary JPEG, a uniform progressive one, still decodes. */
START_TEST(uniform_progressive_jpeg_decodes)
{
	const int side = 1024;
	uint8_t *px = calloc((size_t)side * side, 1);
	unsigned long len;
	unsigned char *jpeg = compress(px, side, side, TJPF_GRAY, TJSAMP_GRAY,
				       TJFLAG_PROGRESSIVE, &len);
	struct pv_image img;

	ck_assert_int_gt((unsigned long)side * side / len, 100);
	ck_assert_int_eq(pv_image_decode(jpeg, len, &img), 0);
	ck_assert_uint_eq(img.width, side);
	pv_image_free(&img);
	tjFree(jpeg);
	free(px);
}
END_TEST

/* An MSB-first bit writer with JPEG's byte stuffing (0xff -> 0xff 0x00). */
struct bit_writer {
	uint8_t *out;
	size_t len;
	unsigned int acc, n;
};

static void put_bits(struct bit_writer *b, unsigned int v, int n)
{
	while (n--) {
		b->acc = b->acc << 1 | (v >> n & 1);
		if (++b->n == 8) {
			b->out[b->len++] = (uint8_t)b->acc;
			if (b->acc == 0xff)
				b->out[b->len++] = 0;
			b->acc = b->n = 0;
		}
	}
}

static void put_bytes(struct bit_writer *b, const void *p, size_t n)
{
	memcpy(b->out + b->len, p, n);
	b->len += n;
}

static void put_sos(struct bit_writer *b, int ss, int se, int ah, int al)
{
	const uint8_t sos[] = { 0xff, 0xda, 0, 8, 1, 1, 0x00, (uint8_t)ss,
				(uint8_t)se, (uint8_t)(ah << 4 | al) };

	put_bytes(b, sos, sizeof(sos));
}

/* Ends a scan's data: pad with one bits to a byte boundary. */
static void flush_bits(struct bit_writer *b)
{
	while (b->n)
		put_bits(b, 1, 1);
}

/*
 * A valid progressive 64x64 grey JPEG of all-zero coefficients in @scans
 * scans: the DC scan, then for coefficient k = 1, 2, ... a first AC scan
 * at Al = 13 and its successive-approximation refinements down to Al = 0,
 * each one end-of-band run over the 64 blocks.
 */
static uint8_t *make_many_scans_jpeg(int scans, size_t *len)
{
	static const uint8_t soi_sof[] = {
		0xff, 0xd8, 0xff, 0xc2, 0, 11, 8, 0, 64, 0, 64, 1, 1, 0x11, 0,
	};
	static const uint8_t dht_head[] = { 0xff, 0xc4, 0, 20 };
	uint8_t dqt[69] = { 0xff, 0xdb, 0, 67, 0 }, counts[16] = { 1 };
	struct bit_writer b = { malloc(256 + 12 * (size_t)scans), 0, 0, 0 };
	int k = 1, al = 13;

	memset(dqt + 5, 1, 64);
	put_bytes(&b, soi_sof, sizeof(soi_sof));
	put_bytes(&b, dqt, sizeof(dqt));
	/* One code, "0", per table: DC 0 codes category 0, AC 0 codes EOB6. */
	for (uint8_t table_class = 0; table_class < 2; table_class++) {
		uint8_t tc_th = (uint8_t)(table_class << 4);
		uint8_t symbol = table_class ? 0x60 : 0x00;

		put_bytes(&b, dht_head, sizeof(dht_head));
		put_bytes(&b, &tc_th, 1);
		put_bytes(&b, counts, sizeof(counts));
		put_bytes(&b, &symbol, 1);
	}
	put_sos(&b, 0, 0, 0, 0);
	for (int i = 0; i < 64; i++)
		put_bits(&b, 0, 1);
	flush_bits(&b);
	for (int n = 1; n < scans; n++) {
		put_sos(&b, k, k, al == 13 ? 0 : al + 1, al);
		put_bits(&b, 0, 1 + 6);	/* EOB6 + 6 extra bits 0: run of 64 */
		flush_bits(&b);
		if (al-- == 0) {
			al = 13;
			k++;
		}
	}
	put_bytes(&b, "\xff\xd9", 2);
	*len = b.len;
	return b.out;
}

/* Each scan can walk every block again: more than 64 are refused. */
START_TEST(jpeg_scan_limit)
{
	size_t len;
	uint8_t *jpeg = make_many_scans_jpeg(64, &len);
	const char *reason = NULL;
	struct pv_image img;

	ck_assert_int_eq(pv_image_decode(jpeg, len, &img), 0);
	ck_assert_uint_eq(img.width, 64);
	ck_assert_uint_eq(((uint8_t *)img.data)[64 * 30 + 20], 128);
	pv_image_free(&img);
	free(jpeg);

	jpeg = make_many_scans_jpeg(65, &len);
	ck_assert_int_eq(pv_image_decode_reason(jpeg, len, &img, &reason), -ENOTSUP);
	ck_assert_str_eq(reason, "JPEG has more than 64 scans, which the decoder does not support");
	free(jpeg);
}
END_TEST

/* 12-bit and lossless JPEGs are valid files the decoder cannot read. */
START_TEST(unsupported_jpeg_kinds_say_so)
{
	for (int kind = 0; kind < 2; kind++) {
		unsigned long len;
		unsigned char *jpeg = make_jpeg(16, 16, &len);
		const char *reason = NULL;
		struct pv_image img;
		bool patched = false;

		for (unsigned long i = 2; i + 4 < len && !patched; i++)
			if (jpeg[i] == 0xff && jpeg[i + 1] == 0xc0) {
				if (kind == 0)
					jpeg[i + 4] = 12;	/* precision */
				else
					jpeg[i + 1] = 0xc3;	/* lossless */
				patched = true;
			}
		ck_assert(patched);
		ck_assert_int_eq(pv_image_decode_reason(jpeg, len, &img, &reason),
				 -ENOTSUP);
		ck_assert_ptr_nonnull(strstr(reason, "not support"));
		ck_assert_ptr_null(img.data);
		tjFree(jpeg);
	}
	ck_assert_ptr_nonnull(strstr(pv_image_strerror(-ENOTSUP), "not support"));
}
END_TEST

START_TEST(pgm_export_round_trips)
{
	uint16_t px16[6] = { 0, 1, 1000, 1023, 512, 7 };
	uint8_t px8[6] = { 0, 1, 2, 200, 255, 9 };
	struct pv_image src, back;
	void *buf;
	size_t len;

	ck_assert_int_eq(pv_image_wrap(&src, 3, 2, 6, 16, px16), 0);
	src.maxval = 1023;
	ck_assert_int_eq(pv_image_write_pgm(&src, &buf, &len), 0);
	ck_assert_int_eq(pv_image_decode(buf, len, &back), 0);
	ck_assert_uint_eq(back.maxval, 1023);
	ck_assert_mem_eq(back.data, px16, sizeof(px16));
	pv_image_free(&back);
	free(buf);

	ck_assert_int_eq(pv_image_wrap(&src, 2, 3, 2, 8, px8), 0);
	ck_assert_int_eq(pv_image_write_pgm(&src, &buf, &len), 0);
	ck_assert_int_eq(pv_image_decode(buf, len, &back), 0);
	ck_assert_uint_eq(back.width, 2);
	ck_assert_mem_eq(back.data, px8, sizeof(px8));
	pv_image_free(&back);
	free(buf);
}
END_TEST

START_TEST(wrap_checks_arguments)
{
	uint8_t px[16];
	struct pv_image img;

	ck_assert_int_eq(pv_image_wrap(&img, 4, 4, 3, 8, px), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 4, 4, 4, 12, px), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 0, 4, 4, 8, px), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 4, 4, 4, 8, NULL), -EINVAL);
	ck_assert_int_eq(pv_image_wrap(&img, 2, 2, 4, 16, px), 0);
	/* Freeing a wrapped image leaves the caller's pixels alone. */
	px[0] = 42;
	pv_image_free(&img);
	ck_assert_uint_eq(px[0], 42);
	ck_assert_ptr_null(img.data);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, pgm8_decodes_pixels);
	tcase_add_test(tc, pgm16_is_big_endian_and_keeps_maxval);
	tcase_add_test(tc, pgm_ascii_decodes);
	tcase_add_loop_test(tc, bad_pgm_gets_clear_error, 0,
			    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, empty_and_null_input);
	tcase_add_test(tc, every_pgm_truncation_fails);
	tcase_add_test(tc, jpeg_decodes_to_grey);
	tcase_add_test(tc, truncated_jpeg_fails);
	tcase_add_test(tc, corrupt_jpeg_never_crashes);
	tcase_add_test(tc, huge_jpeg_dimensions_refused);
	tcase_add_test(tc, pgm_huge_header_refused_before_allocation);
	tcase_add_test(tc, pgm_at_width_limit_decodes);
	tcase_add_test(tc, cmyk_jpeg_decodes_to_luminance);
	tcase_add_test(tc, cmyk_jpeg_without_adobe_segment_is_not_inverted);
	tcase_add_test(tc, tiny_jpeg_claiming_huge_image_refused);
	tcase_add_test(tc, padded_jpeg_claiming_huge_image_refused);
	tcase_add_test(tc, uniform_progressive_jpeg_decodes);
	tcase_add_test(tc, unsupported_jpeg_kinds_say_so);
	tcase_add_test(tc, jpeg_scan_limit);
	tcase_add_test(tc, pgm_export_round_trips);
	tcase_add_test(tc, wrap_checks_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(image_suite());
}
