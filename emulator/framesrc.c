// SPDX-License-Identifier: LGPL-2.1-or-later
#include "framesrc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "firmware.h"
#include "frame.h"
#include "scenario.h"

struct framesrc_slot {
	bool valid;
	struct framesrc_request key;	/* scene desc is implied by scene_gen */
	uint64_t scene_gen;
	uint8_t *buf;
	size_t size;
	size_t capacity;
	uint32_t crc32;
};

struct framesrc {
	struct pv_scene *scene;
	struct pv_scene_desc scene_desc;
	uint16_t scene_width, scene_height;
	uint64_t scene_gen;
	unsigned int variants;
	struct framesrc_slot slot[];
};

struct framesrc *framesrc_new(unsigned int variants)
{
	struct framesrc *src;

	if (!variants || variants > FRAMESRC_MAX_VARIANTS) {
		errno = EINVAL;
		return NULL;
	}
	src = calloc(1, sizeof(*src) + variants * sizeof(src->slot[0]));
	if (!src)
		return NULL;
	src->variants = variants;
	return src;
}

void framesrc_free(struct framesrc *src)
{
	unsigned int i;

	if (!src)
		return;
	for (i = 0; i < src->variants; i++) {
		/* payloads are images of a (synthetic) hand: do not leave them */
		if (src->slot[i].buf)
			memset(src->slot[i].buf, 0, src->slot[i].capacity);
		free(src->slot[i].buf);
	}
	pv_scene_free(src->scene);
	free(src);
}

/* splitmix64 finaliser: spreads (seed, variant) over the whole seed space */
uint64_t framesrc_noise_seed(uint32_t scene_seed, unsigned int variant)
{
	uint64_t z = ((uint64_t)scene_seed << 32 | variant) +
		     0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int framesrc_scene(struct framesrc *src,
			  const struct framesrc_request *req)
{
	struct pv_optics optics = {
		.width = req->width,
		.height = req->height,
		.nbanks = FW_NUM_BANKS,
	};
	struct pv_scene *scene;
	unsigned int bank;

	if (src->scene && src->scene_width == req->width &&
	    src->scene_height == req->height &&
	    scn_scene_equal(&src->scene_desc, &req->scene))
		return 0;
	for (bank = 0; bank < FW_NUM_BANKS; bank++)
		optics.wavelength_nm[bank] = fw_bank_wavelength(bank);
	scene = pv_scene_render(&req->scene, &optics);
	if (!scene)
		return errno ? -errno : -ENOMEM;
	pv_scene_free(src->scene);
	src->scene = scene;
	src->scene_desc = req->scene;
	src->scene_width = req->width;
	src->scene_height = req->height;
	src->scene_gen++;
	return 0;
}

static bool same_exposure(const struct framesrc_request *a,
			  const struct framesrc_request *b)
{
	return a->width == b->width && a->height == b->height &&
	       a->bits == b->bits && a->exposure_us == b->exposure_us &&
	       a->gain_q4 == b->gain_q4 && a->lit_mask == b->lit_mask &&
	       !memcmp(a->intensity, b->intensity, sizeof(a->intensity)) &&
	       a->variant == b->variant;
}

int framesrc_get(struct framesrc *src, const struct framesrc_request *req,
		 struct framesrc_payload *out)
{
	struct framesrc_slot *slot;
	struct pv_exposure exp;
	size_t need;
	unsigned int bank;
	int ret;

	if (req->variant >= src->variants ||
	    (req->bits != 8 && req->bits != 10))
		return -EINVAL;
	ret = framesrc_scene(src, req);
	if (ret)
		return ret;
	slot = &src->slot[req->variant];
	if (slot->valid && slot->scene_gen == src->scene_gen &&
	    same_exposure(&slot->key, req))
		goto done;

	need = (size_t)req->width * req->height * (req->bits > 8 ? 2 : 1);
	if (slot->capacity < need) {
		uint8_t *buf = realloc(slot->buf, need);

		if (!buf)
			return -ENOMEM;
		slot->buf = buf;
		slot->capacity = need;
	}
	memset(&exp, 0, sizeof(exp));
	exp.exposure_us = req->exposure_us;
	exp.gain_q4 = req->gain_q4;
	exp.lit_mask = req->lit_mask;
	exp.bits = req->bits;
	exp.noise_seed = framesrc_noise_seed(req->scene.pose.seed, req->variant);
	for (bank = 0; bank < PV_RENDER_MAX_BANKS; bank++) {
		exp.intensity[bank] = req->intensity[bank];
		exp.max_intensity[bank] = FW_LED_MAX_INTENSITY;
	}
	slot->valid = false;
	ret = pv_scene_expose(src->scene, &exp, slot->buf, need);
	if (ret)
		return ret;
	slot->crc32 = frame_crc32(slot->buf, need);
	slot->valid = true;
	slot->key = *req;
	slot->scene_gen = src->scene_gen;
	slot->size = need;
done:
	out->data = slot->buf;
	out->size = slot->size;
	out->crc32 = slot->crc32;
	return 0;
}
