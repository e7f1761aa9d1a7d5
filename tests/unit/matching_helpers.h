/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test helpers for the matcher: synthetic competitive codes with spatial
 * structure (so that shifts and rotations matter), and grid transforms.
 */
#ifndef PALMVEIN_TEST_MATCHING_HELPERS_H
#define PALMVEIN_TEST_MATCHING_HELPERS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <palmvein/template.h>

/* xorshift: deterministic and local to the caller (no global state). */
static inline uint32_t test_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static inline unsigned int test_code_of(unsigned int o)
{
	static const unsigned char code[6] = { 0x0, 0x1, 0x3, 0x7, 0x6, 0x4 };

	return code[o % 6];
}

/* Orientation field on a 64x64 plane (so that grids can be cut from it). */
#define TEST_FIELD 64
struct test_field {
	unsigned char o[TEST_FIELD][TEST_FIELD];
};

/* Smooth random field: orientation constant over 3x3-cell patches. */
static inline void test_field_random(struct test_field *f, uint32_t seed)
{
	uint32_t s = seed * 2654435761u + 1;

	for (int y = 0; y < TEST_FIELD; y += 3)
		for (int x = 0; x < TEST_FIELD; x += 3) {
			unsigned char o = (unsigned char)(test_rand(&s) % 6);

			for (int dy = 0; dy < 3 && y + dy < TEST_FIELD; dy++)
				for (int dx = 0; dx < 3 && x + dx < TEST_FIELD; dx++)
					f->o[y + dy][x + dx] = o;
		}
}

/*
 * A random orientation field enlarged 1.6 times by nearest neighbour:
 * patches of one or two cells at irregular places, so that a code shifted
 * by one cell keeps about half its agreement and by two cells almost none,
 * as real competitive codes of veins do (their match peak is about one cell
 * wide). Patches on a regular 2-cell grid would line up with the rows the
 * search samples and make a one-row error invisible.
 */
static inline void test_field_fine(struct test_field *f, uint32_t seed)
{
	unsigned char coarse[TEST_FIELD][TEST_FIELD];
	uint32_t s = seed * 2654435761u + 3;

	for (int y = 0; y < TEST_FIELD; y++)
		for (int x = 0; x < TEST_FIELD; x++)
			coarse[y][x] = (unsigned char)(test_rand(&s) % 6);
	for (int y = 0; y < TEST_FIELD; y++)
		for (int x = 0; x < TEST_FIELD; x++)
			f->o[y][x] = coarse[(int)((float)y / 1.6f)][(int)((float)x / 1.6f)];
}

static inline void test_set_cell(struct pv_template *t, int x, int y,
				 unsigned int o)
{
	unsigned int code = test_code_of(o);

	t->mask[y] |= 1u << x;
	for (int p = 0; p < PV_CODE_PLANES; p++) {
		t->code[p][y] &= ~(1u << x);
		t->code[p][y] |= ((code >> p) & 1u) << x;
	}
}

static inline void test_template_init(struct pv_template *t)
{
	memset(t, 0, sizeof(*t));
	t->version_major = PV_TEMPLATE_VERSION_MAJOR;
	t->algorithm = PV_ALG_COMPCODE6_32;
}

/*
 * Cuts a template out of @f: cell (x, y) is field point
 * centre + R(rot) * s * ((x, y) - grid centre) - (dx, dy), nearest.
 */
static inline void test_template_from_field(const struct test_field *f,
					    struct pv_template *t, float dx,
					    float dy, float rot_deg, float scale)
{
	const float c = (PV_GRID - 1) / 2.0f, fc = (TEST_FIELD - 1) / 2.0f;
	float th = rot_deg * (float)M_PI / 180.0f;
	float ca = cosf(th) * scale, sa = sinf(th) * scale;

	test_template_init(t);
	for (int y = 0; y < PV_GRID; y++)
		for (int x = 0; x < PV_GRID; x++) {
			float u = x - c, v = y - c;
			int fx = (int)lrintf(ca * u - sa * v + fc - dx);
			int fy = (int)lrintf(sa * u + ca * v + fc - dy);

			test_set_cell(t, x, y, f->o[fy][fx]);
		}
}

/* Changes the orientation of @n random valid cells by one step. */
static inline void test_perturb(struct pv_template *t, int n, uint32_t seed)
{
	uint32_t s = seed * 2246822519u + 7;

	for (int i = 0; i < n; i++) {
		int x = (int)(test_rand(&s) % PV_GRID), y = (int)(test_rand(&s) % PV_GRID);
		unsigned int code = 0, o = 0;

		for (int p = 0; p < PV_CODE_PLANES; p++)
			code |= ((t->code[p][y] >> x) & 1u) << p;
		while (test_code_of(o) != code)
			o++;
		test_set_cell(t, x, y, (o + 1) % 6);
	}
}

#endif /* PALMVEIN_TEST_MATCHING_HELPERS_H */
