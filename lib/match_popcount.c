// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The matcher's inner loop: masked orientation distance over packed rows,
 * chosen at run time for the CPU. A row is 128 bits: code planes 0..2 and
 * the validity mask. Cells valid in both count toward the overlap, and their
 * code bits that differ toward the distance (the code is a circular
 * thermometer code, so differing bits = orientation steps apart).
 */
#include <immintrin.h>
#include <stddef.h>
#include <string.h>

#include "match_internal.h"

_Static_assert(sizeof(struct pv_row) == 16, "a row is 128 bits");
_Static_assert(PV_COARSE_ROWS % 4 == 0 && PV_HALF_ROWS % 4 == 0 &&
	       PV_GRID % 4 == 0,
	       "the vector kernels take four (AVX-512) or two (AVX2) rows at a time");

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

void pv_scan_scalar(const struct pv_row *a, ptrdiff_t stride,
		    const struct pv_row *b, int rows, int n, struct pv_tally *out)
{
	for (int k = 0; k < n; k++)
		out[k] = compare_rows(a + k * stride, b, rows);
}

/* The same loop, with the POPCNT instruction instead of a libgcc call. */
__attribute__((target("popcnt"))) static struct pv_tally
compare_popcnt(const struct pv_row *a, const struct pv_row *b, int rows)
{
	return compare_rows(a, b, rows);
}

__attribute__((target("popcnt"))) static void
scan_popcnt(const struct pv_row *a, ptrdiff_t stride, const struct pv_row *b,
	    int rows, int n, struct pv_tally *out)
{
	for (int k = 0; k < n; k++)
		out[k] = compare_rows(a + k * stride, b, rows);
}

/*
 * Four rows per 512-bit vector. In each 128-bit lane the mask dword is
 * broadcast over the lane, so one per-dword popcount yields the distance in
 * dwords 0..2 and the overlap in dword 3.
 */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline
struct pv_tally compare_avx512_rows(const struct pv_row *a, const struct pv_row *b,
				    int rows)
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
	/* One horizontal sum: overlap counts (<= 1024) move above bit 16,
	 * distances (<= 3072) stay below. */
	unsigned int sum = (unsigned int)_mm512_reduce_add_epi32(
		_mm512_mask_slli_epi32(acc, 0x8888, acc, 16));

	t.overlap = sum >> 16;
	t.dist = sum & 0xffff;
	return t;
}

__attribute__((target("avx512f,avx512vpopcntdq"))) static struct pv_tally
compare_avx512(const struct pv_row *a, const struct pv_row *b, int rows)
{
	return compare_avx512_rows(a, b, rows);
}

__attribute__((target("avx512f,avx512vpopcntdq"))) static void
scan_avx512(const struct pv_row *a, ptrdiff_t stride, const struct pv_row *b,
	    int rows, int n, struct pv_tally *out)
{
	for (int k = 0; k < n; k++)
		out[k] = compare_avx512_rows(a + k * stride, b, rows);
}

/*
 * Two rows per 256-bit vector for CPUs with AVX2 but no AVX-512 popcount:
 * bytes counted with a nibble table (pshufb), summed per dword with two
 * multiply-adds; dwords 0..2 of each row hold distance bits, dword 3 the
 * overlap, as in the AVX-512 kernel.
 */
__attribute__((target("avx2"), always_inline)) static inline struct pv_tally
compare_avx2_rows(const struct pv_row *a, const struct pv_row *b, int rows)
{
	const __m256i nibble_count = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3,
						      1, 2, 2, 3, 2, 3, 3, 4,
						      0, 1, 1, 2, 1, 2, 2, 3,
						      1, 2, 2, 3, 2, 3, 3, 4);
	const __m256i low = _mm256_set1_epi8(0x0f);
	const __m256i mask_dword = _mm256_setr_epi32(0, 0, 0, -1, 0, 0, 0, -1);
	const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
	__m256i acc = _mm256_setzero_si256();
	struct pv_tally t;

	for (int i = 0; i < rows; i += 2) {
		__m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
		__m256i vb = _mm256_loadu_si256((const __m256i *)(b + i));
		__m256i both = _mm256_and_si256(va, vb);
		__m256i m = _mm256_shuffle_epi32(both, 0xff);
		__m256i diff = _mm256_and_si256(_mm256_xor_si256(va, vb), m);
		__m256i x = _mm256_or_si256(diff, _mm256_and_si256(both, mask_dword));
		__m256i bytes = _mm256_add_epi8(
			_mm256_shuffle_epi8(nibble_count, _mm256_and_si256(x, low)),
			_mm256_shuffle_epi8(nibble_count,
					    _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));

		acc = _mm256_add_epi32(acc, _mm256_madd_epi16(
			_mm256_maddubs_epi16(bytes, ones8), ones16));
	}
	/* As in the AVX-512 kernel: overlap above bit 16, one horizontal sum. */
	acc = _mm256_blend_epi32(acc, _mm256_slli_epi32(acc, 16), 0x88);
	__m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc),
				    _mm256_extracti128_si256(acc, 1));

	sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4e));
	sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xb1));
	t.overlap = (unsigned int)_mm_cvtsi128_si32(sum) >> 16;
	t.dist = (unsigned int)_mm_cvtsi128_si32(sum) & 0xffff;
	return t;
}

__attribute__((target("avx2"))) static struct pv_tally
compare_avx2(const struct pv_row *a, const struct pv_row *b, int rows)
{
	return compare_avx2_rows(a, b, rows);
}

__attribute__((target("avx2"))) static void
scan_avx2(const struct pv_row *a, ptrdiff_t stride, const struct pv_row *b,
	  int rows, int n, struct pv_tally *out)
{
	for (int k = 0; k < n; k++)
		out[k] = compare_avx2_rows(a + k * stride, b, rows);
}

int pv_compare_kernels(struct pv_compare_kernel *out, int max)
{
	int n = 0;

	__builtin_cpu_init();
	if (n < max && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512vpopcntdq"))
		out[n++] = (struct pv_compare_kernel){
			"avx512-vpopcntdq", compare_avx512, scan_avx512 };
	if (n < max && __builtin_cpu_supports("avx2"))
		out[n++] = (struct pv_compare_kernel){
			"avx2", compare_avx2, scan_avx2 };
	if (n < max && __builtin_cpu_supports("popcnt"))
		out[n++] = (struct pv_compare_kernel){
			"popcnt", compare_popcnt, scan_popcnt };
	if (n < max)
		out[n++] = (struct pv_compare_kernel){
			"generic", pv_compare_scalar, pv_scan_scalar };
	return n;
}

pv_compare_fn pv_compare_best(void)
{
	return pv_kernel_best().fn;
}

struct pv_compare_kernel pv_kernel_best(void)
{
	struct pv_compare_kernel k;

	pv_compare_kernels(&k, 1);
	return k;
}
