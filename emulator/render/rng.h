/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small deterministic random numbers for the renderer. Every generator is a
 * value owned by its caller, so renders never share state and the same seed
 * always gives the same picture.
 */
#ifndef PV_RENDER_RNG_H
#define PV_RENDER_RNG_H

#include <stdint.h>

/* splitmix64: seeds the others and hashes (identity, purpose) pairs. */
static inline uint64_t pv_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Derives an independent stream seed for one purpose of one seed. */
static inline uint64_t pv_seed_for(uint64_t seed, uint64_t purpose)
{
	return pv_mix64(pv_mix64(seed) ^ (purpose * 0xd1b54a32d192ed03ull));
}

/* xoshiro256**: fast, good enough for geometry and sensor noise. */
struct pv_rng {
	uint64_t s[4];
};

static inline void pv_rng_init(struct pv_rng *rng, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		seed = pv_mix64(seed);
		rng->s[i] = seed;
	}
}

static inline uint64_t pv_rng_next(struct pv_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t r = s[1] * 5;
	uint64_t t = s[1] << 17;

	r = ((r << 7) | (r >> 57)) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return r;
}

/* Uniform in [0, 1). */
static inline float pv_rng_unit(struct pv_rng *rng)
{
	return (float)(pv_rng_next(rng) >> 40) * (1.0f / 16777216.0f);
}

/* Uniform in [lo, hi). */
static inline float pv_rng_range(struct pv_rng *rng, float lo, float hi)
{
	return lo + (hi - lo) * pv_rng_unit(rng);
}

/* Uniform in [-1, 1). */
static inline float pv_rng_signed(struct pv_rng *rng)
{
	return pv_rng_unit(rng) * 2.0f - 1.0f;
}

#endif /* PV_RENDER_RNG_H */
