// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Template (de)serialisation. The byte layout is docs/template-format.md;
 * keep the two in step.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <palmvein/template.h>

#define OFF_MAGIC	0
#define OFF_MAJOR	4
#define OFF_MINOR	5
#define OFF_ALGORITHM	6
#define OFF_FLAGS	7
#define OFF_SIZE	8
#define OFF_GRID	10
#define OFF_PLANES	11
#define OFF_KEY_ID	12
#define OFF_GEOMETRY	16
#define OFF_QUALITY	32
#define OFF_HINTS	39	/* reserved in 1.0: 1.0 readers ignore it */
#define OFF_CODE	40
#define OFF_MASK	(OFF_CODE + PV_CODE_PLANES * PV_GRID * 4)
#define OFF_RESERVED	(OFF_MASK + PV_GRID * 4)
#define OFF_CRC		(OFF_RESERVED + 8)

_Static_assert(OFF_CRC + 4 == PV_TEMPLATE_SIZE, "layout and size disagree");
_Static_assert(PV_TEMPLATE_SIZE <= 1024, "template must fit in 1 KiB");

static const uint8_t template_magic[4] = { 'P', 'V', 'T', 'M' };

/* CRC-32 (IEEE 802.3, reflected, as zlib), a nibble at a time. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return ~crc;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_f32(uint8_t *p, float f)
{
	uint32_t v;

	memcpy(&v, &f, sizeof(v));
	put_u32(p, v);
}

static float get_f32(const uint8_t *p)
{
	uint32_t v = get_u32(p);
	float f;

	memcpy(&f, &v, sizeof(f));
	return f;
}

/* Quality components are 0..1 floats in memory, 0..255 bytes on the wire. */
static uint8_t quality_to_u8(float q)
{
	if (!(q > 0.0f))
		return 0;
	if (q >= 1.0f)
		return 255;
	return (uint8_t)lrintf(q * 255.0f);
}

int pv_template_serialize(const struct pv_template *t,
			  uint8_t out[PV_TEMPLATE_SIZE])
{
	const struct pv_quality *q;
	uint8_t *p;

	if (!t || !out)
		return -EINVAL;
	q = &t->quality;
	memset(out, 0, PV_TEMPLATE_SIZE);
	memcpy(out + OFF_MAGIC, template_magic, sizeof(template_magic));
	out[OFF_MAJOR] = PV_TEMPLATE_VERSION_MAJOR;
	out[OFF_MINOR] = PV_TEMPLATE_VERSION_MINOR;
	out[OFF_ALGORITHM] = t->algorithm;
	out[OFF_FLAGS] = t->flags & PV_TEMPLATE_PROTECTED;
	out[OFF_HINTS] = !!(t->flags & PV_TEMPLATE_UNANCHORED);
	put_u16(out + OFF_SIZE, PV_TEMPLATE_SIZE);
	out[OFF_GRID] = PV_GRID;
	out[OFF_PLANES] = PV_CODE_PLANES;
	put_u32(out + OFF_KEY_ID, t->key_id);
	put_f32(out + OFF_GEOMETRY + 0, t->geom.cx);
	put_f32(out + OFF_GEOMETRY + 4, t->geom.cy);
	put_f32(out + OFF_GEOMETRY + 8, t->geom.angle_deg);
	put_f32(out + OFF_GEOMETRY + 12, t->geom.side_px);
	p = out + OFF_QUALITY;
	p[0] = quality_to_u8(q->presence);
	p[1] = quality_to_u8(q->palm_size);
	p[2] = quality_to_u8(q->centring);
	p[3] = quality_to_u8(q->exposure);
	p[4] = quality_to_u8(q->sharpness);
	p[5] = quality_to_u8(q->motion);
	p[6] = q->score > 100 ? 100 : q->score;
	for (int pl = 0; pl < PV_CODE_PLANES; pl++)
		for (int y = 0; y < PV_GRID; y++)
			put_u32(out + OFF_CODE + 4 * (pl * PV_GRID + y),
				t->code[pl][y]);
	for (int y = 0; y < PV_GRID; y++)
		put_u32(out + OFF_MASK + 4 * y, t->mask[y]);
	put_u32(out + OFF_CRC, crc32_ieee(out, OFF_CRC));
	return 0;
}

static int parse_fail(struct pv_template *out, const char **reason,
		      const char *why, int err)
{
	memset(out, 0, sizeof(*out));
	if (reason)
		*reason = why;
	return err;
}

int pv_template_parse(const void *buf, size_t len, struct pv_template *out,
		      const char **reason)
{
	const uint8_t *b = buf;
	const uint8_t *q;
	struct pv_template t;

	if (reason)
		*reason = NULL;
	if (!out)
		return -EINVAL;
	if (!buf)
		return parse_fail(out, reason, "no template buffer", -EINVAL);
	if (len < OFF_SIZE + 2)
		return parse_fail(out, reason,
				  "template truncated: shorter than its header",
				  -EMSGSIZE);
	if (memcmp(b + OFF_MAGIC, template_magic, sizeof(template_magic)))
		return parse_fail(out, reason,
				  "not a palmvein template (wrong magic)",
				  -EBADMSG);
	if (b[OFF_MAJOR] != PV_TEMPLATE_VERSION_MAJOR)
		return parse_fail(out, reason,
				  "unsupported template major version",
				  -EPROTONOSUPPORT);
	if (get_u16(b + OFF_SIZE) != PV_TEMPLATE_SIZE)
		return parse_fail(out, reason,
				  "template size field is not the size of this version",
				  -EMSGSIZE);
	if (len < PV_TEMPLATE_SIZE)
		return parse_fail(out, reason, "template truncated", -EMSGSIZE);
	if (len > PV_TEMPLATE_SIZE)
		return parse_fail(out, reason,
				  "trailing bytes after the template", -EMSGSIZE);
	if (get_u32(b + OFF_CRC) != crc32_ieee(b, OFF_CRC))
		return parse_fail(out, reason,
				  "template checksum mismatch (corrupt)",
				  -EBADMSG);
	if (b[OFF_ALGORITHM] != PV_ALG_COMPCODE6_32)
		return parse_fail(out, reason, "unknown feature algorithm",
				  -EPROTONOSUPPORT);
	if (b[OFF_GRID] != PV_GRID || b[OFF_PLANES] != PV_CODE_PLANES)
		return parse_fail(out, reason,
				  "grid or plane count does not match the algorithm",
				  -ERANGE);
	if (b[OFF_FLAGS] & ~PV_TEMPLATE_PROTECTED)
		return parse_fail(out, reason, "unknown template flags",
				  -ERANGE);

	memset(&t, 0, sizeof(t));
	t.version_major = b[OFF_MAJOR];
	t.version_minor = b[OFF_MINOR];
	t.algorithm = b[OFF_ALGORITHM];
	t.flags = b[OFF_FLAGS];
	if (b[OFF_HINTS] & 1)
		t.flags |= PV_TEMPLATE_UNANCHORED;
	t.key_id = get_u32(b + OFF_KEY_ID);
	if (!!(t.flags & PV_TEMPLATE_PROTECTED) != (t.key_id != 0))
		return parse_fail(out, reason,
				  "key id must be set exactly when protected",
				  -ERANGE);
	t.geom.cx = get_f32(b + OFF_GEOMETRY + 0);
	t.geom.cy = get_f32(b + OFF_GEOMETRY + 4);
	t.geom.angle_deg = get_f32(b + OFF_GEOMETRY + 8);
	t.geom.side_px = get_f32(b + OFF_GEOMETRY + 12);
	if (!isfinite(t.geom.cx) || !isfinite(t.geom.cy) ||
	    !isfinite(t.geom.angle_deg) || !isfinite(t.geom.side_px) ||
	    fabsf(t.geom.angle_deg) > 360.0f || t.geom.side_px < 0.0f)
		return parse_fail(out, reason, "ROI geometry out of range",
				  -ERANGE);
	q = b + OFF_QUALITY;
	if (q[6] > 100)
		return parse_fail(out, reason, "quality score above 100",
				  -ERANGE);
	t.quality.presence = q[0] / 255.0f;
	t.quality.palm_size = q[1] / 255.0f;
	t.quality.centring = q[2] / 255.0f;
	t.quality.exposure = q[3] / 255.0f;
	t.quality.sharpness = q[4] / 255.0f;
	t.quality.motion = q[5] / 255.0f;
	t.quality.score = q[6];
	for (int pl = 0; pl < PV_CODE_PLANES; pl++)
		for (int y = 0; y < PV_GRID; y++)
			t.code[pl][y] =
				get_u32(b + OFF_CODE + 4 * (pl * PV_GRID + y));
	for (int y = 0; y < PV_GRID; y++)
		t.mask[y] = get_u32(b + OFF_MASK + 4 * y);
	*out = t;
	explicit_bzero(&t, sizeof(t));
	return 0;
}

unsigned int pv_template_valid_cells(const struct pv_template *t)
{
	unsigned int n = 0;

	for (int y = 0; y < PV_GRID; y++)
		n += (unsigned int)__builtin_popcount(t->mask[y]);
	return n;
}

void pv_template_wipe(struct pv_template *t)
{
	explicit_bzero(t, sizeof(*t));
}
