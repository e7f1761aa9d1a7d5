// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: libpalmvein's template parser (pv_template_parse in
 * lib/template.c). Promises checked besides memory safety:
 *  - an error is one of the documented codes, comes with a reason and
 *    leaves the output zeroed; only PV_TEMPLATE_SIZE bytes can be accepted;
 *  - an accepted template round-trips: parse(serialize(parse(x))) equals
 *    parse(x) in every field but the minor version (the serialiser writes
 *    its own), and serialize(parse(x)) differs from x only in the bytes
 *    docs/template-format.md lets a parser ignore (minor version, reserved
 *    bytes) and the checksum that covers them.
 * An input of exactly PV_TEMPLATE_SIZE bytes is also tried with its
 * checksum fixed up, so mutations reach the field checks behind it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include <palmvein/template.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Byte offsets from docs/template-format.md. */
#define OFF_MINOR	5
#define OFF_RESERVED_Q	39
#define OFF_RESERVED	552
#define OFF_CRC		560

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool may_differ(size_t off)
{
	return off == OFF_MINOR || off == OFF_RESERVED_Q || off >= OFF_RESERVED;
}

static bool same_template(const struct pv_template *a,
			  const struct pv_template *b)
{
	const struct pv_roi_geometry *ga = &a->geom, *gb = &b->geom;
	const struct pv_quality *qa = &a->quality, *qb = &b->quality;

	/* bitwise for floats: -0.0 must stay -0.0 */
	return a->version_major == b->version_major &&
	       a->algorithm == b->algorithm && a->flags == b->flags &&
	       a->key_id == b->key_id &&
	       !memcmp(&ga->cx, &gb->cx, sizeof(ga->cx)) &&
	       !memcmp(&ga->cy, &gb->cy, sizeof(ga->cy)) &&
	       !memcmp(&ga->angle_deg, &gb->angle_deg, sizeof(ga->angle_deg)) &&
	       !memcmp(&ga->side_px, &gb->side_px, sizeof(ga->side_px)) &&
	       qa->presence == qb->presence &&
	       qa->palm_size == qb->palm_size &&
	       qa->centring == qb->centring &&
	       qa->exposure == qb->exposure &&
	       qa->sharpness == qb->sharpness && qa->motion == qb->motion &&
	       qa->score == qb->score &&
	       !memcmp(a->code, b->code, sizeof(a->code)) &&
	       !memcmp(a->mask, b->mask, sizeof(a->mask));
}

static void check_parse(const uint8_t *data, size_t size)
{
	uint8_t bytes[PV_TEMPLATE_SIZE], again[PV_TEMPLATE_SIZE];
	struct pv_template t, back;
	const char *reason = NULL;
	int ret;

	memset(&t, 0xa5, sizeof(t));
	ret = pv_template_parse(data, size, &t, &reason);
	if (ret) {
		if (ret != -EBADMSG && ret != -EPROTONOSUPPORT &&
		    ret != -EMSGSIZE && ret != -ERANGE &&
		    !(ret == -EINVAL && !data))
			__builtin_trap();
		if (!reason || !reason[0] || !all_zero(&t, sizeof(t)))
			__builtin_trap();
		return;
	}
	if (size != PV_TEMPLATE_SIZE || reason ||
	    t.version_major != PV_TEMPLATE_VERSION_MAJOR ||
	    t.quality.score > 100 ||
	    pv_template_valid_cells(&t) > PV_GRID * PV_GRID)
		__builtin_trap();

	if (pv_template_serialize(&t, bytes))
		__builtin_trap();
	for (size_t i = 0; i < OFF_CRC; i++)
		if (bytes[i] != data[i] && !may_differ(i))
			__builtin_trap();
	if (pv_template_parse(bytes, sizeof(bytes), &back, &reason))
		__builtin_trap();
	if (!same_template(&t, &back) ||
	    back.version_minor != PV_TEMPLATE_VERSION_MINOR)
		__builtin_trap();
	if (pv_template_serialize(&back, again) ||
	    memcmp(bytes, again, sizeof(bytes)))
		__builtin_trap();
	pv_template_wipe(&t);
	pv_template_wipe(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t fixed[PV_TEMPLATE_SIZE];
	uint32_t crc;

	check_parse(data, size);
	if (size != PV_TEMPLATE_SIZE)
		return 0;
	memcpy(fixed, data, size);
	crc = (uint32_t)crc32(0, fixed, OFF_CRC);
	for (int i = 0; i < 4; i++)
		fixed[OFF_CRC + i] = (uint8_t)(crc >> (8 * i));
	check_parse(fixed, sizeof(fixed));
	return 0;
}
