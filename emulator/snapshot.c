// SPDX-License-Identifier: LGPL-2.1-or-later
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_samples(FILE *f, const struct framesrc_request *req,
			 const struct framesrc_payload *p)
{
	const uint8_t *src = p->data;
	size_t i, pixels = (size_t)req->width * req->height;
	uint8_t be[2];

	if (req->bits == 8)
		return fwrite(src, 1, pixels, f) == pixels ? 0 : -EIO;
	/* the wire has little-endian samples; PGM wants big-endian */
	for (i = 0; i < pixels; i++) {
		be[0] = src[2 * i + 1];
		be[1] = src[2 * i];
		if (fwrite(be, 1, 2, f) != 2)
			return -EIO;
	}
	return 0;
}

int snapshot_write_pgm(const char *path, const struct framesrc_request *req)
{
	struct framesrc *src = framesrc_new(req->variant + 1);
	struct framesrc_payload payload;
	FILE *f;
	int ret;

	if (!src) {
		ret = -errno;
		fprintf(stderr, "palmvein-emu: variant %u out of range 0..%d\n",
			req->variant, FRAMESRC_MAX_VARIANTS - 1);
		return ret;
	}
	ret = framesrc_get(src, req, &payload);
	if (ret) {
		fprintf(stderr, "palmvein-emu: render failed: %s\n",
			strerror(-ret));
		goto out;
	}
	f = fopen(path, "wb");
	if (!f) {
		ret = -errno;
		fprintf(stderr, "palmvein-emu: cannot create %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	fprintf(f, "P5\n%u %u\n%u\n", req->width, req->height,
		req->bits == 8 ? 255u : 1023u);
	ret = write_samples(f, req, &payload);
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		fprintf(stderr, "palmvein-emu: cannot write %s: %s\n", path,
			strerror(-ret));
out:
	framesrc_free(src);
	return ret;
}
