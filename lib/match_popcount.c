// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The matcher's inner loop: masked orientation distance over packed rows,
 * chosen at run time for the CPU. A row is 128 bits: code planes 0..2 and
 * the validity mask. Cells valid in both count toward the overlap, and their
 * code bits that differ toward the distance (the code is a circular
 * thermometer code, so differing bits = orientation steps apart).
 */
#include <immintrin.h>
#include <string.h>

#include "match_internal.h"

_Static_assert(sizeof(struct pv_row) == 16, "a row is 128 bits");
_Static_assert(PV_COARSE_ROWS % 4 == 0 && PV_HALF_ROWS % 4 == 0 &&
	       PV_GRID % 4 == 0,
	       "the AVX-512 kernel takes four rows at a time");

static inline __attribute__((always_inline)) struct pv_tally
compare_rows(const struct pv_row *a, const struct pv_row *b, int rows)
{
	struct pv_tally t = { 0, 0 };

	for (int i = 0; i < rows; i++) {
		uint64_t a01, a23, b01, b23;

		memcpy(&a01, &a[i].w[0], 8);
		memcpy(&a23, &a[i].w[2], 8);
		memcpy(&b01, &b[i].w[0], 8);
		memcpy(&b23, &b[i].w[2], 8);
		uint64_t m = (a23 & b23) >> 32;
		uint64_t mm = m | m << 32;

		t.dist += (unsigned int)(__builtin_popcountll((a01 ^ b01) & mm) +
					 __builtin_popcountll((a23 ^ b23) & m));
		t.overlap += (unsigned int)__builtin_popcountll(m);
	}
	return t;
}

struct pv_tally pv_compare_scalar(const struct pv_row *a, const struct pv_row *b,
				  int rows)
{
	return compare_rows(a, b, rows);
}

/* The same loop, with the POPCNT instruction instead of a libgcc call. */
__attribute__((target("popcnt"))) static struct pv_tally
compare_popcnt(const struct pv_row *a, const struct pv_row *b, int rows)
{
	return compare_rows(a, b, rows);
}

/*
 * Four rows per 512-bit vector. In each 128-bit lane the mask dword is
 * broadcast over the lane, so one per-dword popcount yields the distance in
 * dwords 0..2 and the overlap in dword 3.
 */
__attribute__((target("avx512f,avx512vpopcntdq"))) static struct pv_tally
compare_avx512(const struct pv_row *a, const struct pv_row *b, int rows)
{
	const __m512i mask_dword = _mm512_set_epi32(-1, 0, 0, 0, -1, 0, 0, 0,
						    -1, 0, 0, 0, -1, 0, 0, 0);
	__m512i acc = _mm512_setzero_si512();
	struct pv_tally t;

	for (int i = 0; i < rows; i += 4) {
		__m512i va = _mm512_loadu_si512(a + i);
		__m512i vb = _mm512_loadu_si512(b + i);
		__m512i both = _mm512_and_si512(va, vb);
		__m512i m = _mm512_shuffle_epi32(both, _MM_PERM_DDDD);
		__m512i diff = _mm512_and_si512(_mm512_xor_si512(va, vb), m);
		/* diff | (both & mask_dword); diff's dword 3 is always 0. */
		__m512i x = _mm512_ternarylogic_epi32(diff, both, mask_dword, 0xf8);

		acc = _mm512_add_epi32(acc, _mm512_popcnt_epi32(x));
	}
	t.overlap = (unsigned int)_mm512_mask_reduce_add_epi32(0x8888, acc);
	t.dist = (unsigned int)_mm512_mask_reduce_add_epi32(0x7777, acc);
	return t;
}

int pv_compare_kernels(struct pv_compare_kernel *out, int max)
{
	int n = 0;

	__builtin_cpu_init();
	if (n < max && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512vpopcntdq"))
		out[n++] = (struct pv_compare_kernel){ "avx512-vpopcntdq", compare_avx512 };
	if (n < max && __builtin_cpu_supports("popcnt"))
		out[n++] = (struct pv_compare_kernel){ "popcnt", compare_popcnt };
	if (n < max)
		out[n++] = (struct pv_compare_kernel){ "generic", pv_compare_scalar };
	return n;
}

pv_compare_fn pv_compare_best(void)
{
	struct pv_compare_kernel k;

	pv_compare_kernels(&k, 1);
	return k.fn;
}
