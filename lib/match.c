// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 1:1 matcher: masked circular orientation distance over bit-packed
 * competitive codes, with a coarse-to-fine alignment search.
 *
 * The inner loop (a kernel) counts, per row, the cells valid in both codes
 * (overlap) and their code bits that differ (distance: the code is a
 * circular thermometer code, so differing bits = orientation steps apart).
 * The search is compiled once per instruction set with its kernel inlined,
 * chosen at run time for the CPU: a search makes some fifty comparisons of
 * 8 to 32 rows, too short to pay a call, a horizontal sum and a judgement
 * each in turn.
 */
#include <errno.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "least_squares.h"
#include "match_internal.h"

/*
 * Overlap below which a comparison means nothing (a quarter of the grid),
 * and the overlap the distance is normalised to (as Daugman does for iris
 * codes) so that a small overlap that agrees by chance does not pass for a
 * match: about that of two good captures (700-800 cells since cells on the
 * hand's outline are dropped; left at 800, as a change would move
 * every score).
 */
#define MIN_OVERLAP_CELLS 256
#define TYPICAL_OVERLAP_CELLS 800.0f

/*
 * Normalised distance -> score: a logistic, 0.5 at 0.30, just below the
 * worst genuine pair of polyu-nir-roi (0.307) and well below its best
 * impostor pair (0.367; docs/accuracy.md).
 */
#define SCORE_CENTRE 0.30f
#define SCORE_WIDTH 0.02f

void pv_pack_template(const struct pv_template *t, struct pv_packed *out)
{
	for (int i = 0; i < PV_GRID; i++) {
		int y = pv_search_row(i);

		for (int p = 0; p < PV_CODE_PLANES; p++)
			out->row[i].w[p] = t->code[p][y] & t->mask[y];
		out->row[i].w[3] = t->mask[y];
	}
}

/*
 * Daugman's normalisation 0.5 - (0.5 - d) * sqrt(n / TYPICAL) with
 * d = dist / 3n, rearranged to 0.5 - (1.5 n - dist) * weight[n] so that a
 * candidate costs one multiply. Lower is better; 0.5 is what unrelated
 * codes give.
 */
static void fill_weights(float *weight)
{
	weight[0] = 0;
	for (int n = 1; n <= PV_GRID * PV_GRID; n++)
		weight[n] = 1.0f / (3.0f * sqrtf((float)n * TYPICAL_OVERLAP_CELLS));
}

_Static_assert(sizeof(struct pv_row) == 16, "a row is 128 bits");
_Static_assert(PV_COARSE_ROWS % 4 == 0 && PV_HALF_ROWS % 4 == 0 &&
	       PV_GRID % 4 == 0,
	       "the vector kernels take four (AVX-512) or two (AVX2) rows at a time");

/* @a: rows of a probe variant (mask inverted, see pv_row), @b: reference rows. */
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
		uint64_t x23 = a23 ^ b23;
		/* ~a & b, valid in both, as a's mask is inverted. */
		uint64_t m = (x23 & b23) >> 32;
		uint64_t mm = m | m << 32;

		t.dist += (unsigned int)(__builtin_popcountll((a01 ^ b01) & mm) +
					 __builtin_popcountll(x23 & m));
		t.overlap += (unsigned int)__builtin_popcountll(m);
	}
	return t;
}

/* The x86 kernels; elsewhere the generic one, whose __builtin_popcountll
 * is the native popcount (CNT on arm64). */
#if defined(__x86_64__) || defined(__i386__)
/*
 * Four rows per 512-bit vector. In each 128-bit lane the overlap mask
 * (~probe mask & reference mask) is broadcast over the lane and masks the
 * XOR, so that one per-dword popcount yields the distance in dwords 0..2
 * and, as the probe's mask is inverted, the overlap in dword 3.
 */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline __m512i
count_avx512(const struct pv_row *a, const struct pv_row *b, int rows)
{
	__m512i acc = _mm512_setzero_si512();

#pragma GCC unroll 8
	for (int i = 0; i < rows; i += 4) {
		__m512i va = _mm512_loadu_si512(a + i);
		__m512i vb = _mm512_loadu_si512(b + i);
		__m512i m = _mm512_shuffle_epi32(_mm512_andnot_si512(va, vb),
						 _MM_PERM_DDDD);
		/* (va ^ vb) & m */
		__m512i x = _mm512_ternarylogic_epi32(va, vb, m, 0x28);

		acc = _mm512_add_epi32(acc, _mm512_popcnt_epi32(x));
	}
	/* For one horizontal sum: overlap counts (<= 1024) move above bit
	 * 16, distances (<= 3072) stay below. */
	return _mm512_mask_slli_epi32(acc, 0x8888, acc, 16);
}

__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline
struct pv_tally compare_avx512_rows(const struct pv_row *a, const struct pv_row *b,
				    int rows)
{
	unsigned int sum = (unsigned int)_mm512_reduce_add_epi32(count_avx512(a, b, rows));

	return (struct pv_tally){ sum & 0xffff, sum >> 16 };
}

/*
 * A row of the lattice, four comparisons sharing each horizontal sum: the
 * four packed sums meet in one vector.
 */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline void
scan_avx512_rows(const struct pv_row *a, ptrdiff_t stride, const struct pv_row *b,
		 int rows, int n, struct pv_tally *out)
{
	int k = 0;

	for (; k + 4 <= n; k += 4) {
		__m512i c[4];

		for (int j = 0; j < 4; j++)
			c[j] = count_avx512(a + (k + j) * stride, b, rows);
		/* per 128-bit lane: the sums of c[0..3] over the lane */
		__m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(c[0], c[1]),
					       _mm512_unpackhi_epi32(c[0], c[1]));
		__m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(c[2], c[3]),
					       _mm512_unpackhi_epi32(c[2], c[3]));
		__m512i u = _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23),
					     _mm512_unpackhi_epi64(s01, s23));
		__m256i h = _mm256_add_epi32(_mm512_castsi512_si256(u),
					     _mm512_extracti64x4_epi64(u, 1));
		__m128i q = _mm_add_epi32(_mm256_castsi256_si128(h),
					  _mm256_extracti128_si256(h, 1));
		__m128i dist = _mm_and_si128(q, _mm_set1_epi32(0xffff));
		__m128i overlap = _mm_srli_epi32(q, 16);

		_mm_storeu_si128((__m128i *)(out + k), _mm_unpacklo_epi32(dist, overlap));
		_mm_storeu_si128((__m128i *)(out + k + 2), _mm_unpackhi_epi32(dist, overlap));
	}
	for (; k < n; k++)
		out[k] = compare_avx512_rows(a + k * stride, b, rows);
}

/*
 * Two rows per 256-bit vector for CPUs with AVX2 but no AVX-512 popcount:
 * bytes counted with a nibble table (pshufb) and summed as bytes (at most
 * 8 per row pair, so 16 pairs fit); dwords 0..2 of each row hold distance
 * bits, dword 3 the overlap, as in the AVX-512 kernel.
 */
_Static_assert(PV_GRID / 2 * 8 <= UINT8_MAX, "byte counts of a whole grid fit a byte");
__attribute__((target("avx2"), always_inline)) static inline __m256i
count_avx2(const struct pv_row *a, const struct pv_row *b, int rows)
{
	const __m256i nibble_count = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3,
						      1, 2, 2, 3, 2, 3, 3, 4,
						      0, 1, 1, 2, 1, 2, 2, 3,
						      1, 2, 2, 3, 2, 3, 3, 4);
	const __m256i low = _mm256_set1_epi8(0x0f);
	__m256i acc = _mm256_setzero_si256();

#pragma GCC unroll 16
	for (int i = 0; i < rows; i += 2) {
		__m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
		__m256i vb = _mm256_loadu_si256((const __m256i *)(b + i));
		__m256i m = _mm256_shuffle_epi32(_mm256_andnot_si256(va, vb), 0xff);
		__m256i x = _mm256_and_si256(_mm256_xor_si256(va, vb), m);

		acc = _mm256_add_epi8(acc, _mm256_add_epi8(
			_mm256_shuffle_epi8(nibble_count, _mm256_and_si256(x, low)),
			_mm256_shuffle_epi8(nibble_count,
					    _mm256_and_si256(_mm256_srli_epi16(x, 4), low))));
	}
	return acc;
}

/*
 * Byte counts -> four partial tallies, one per quadword: all counts and
 * the overlap's (psadbw), the distance their difference in the low half,
 * the overlap in the high half: struct pv_tally's layout.
 */
_Static_assert(offsetof(struct pv_tally, dist) == 0 &&
	       offsetof(struct pv_tally, overlap) == 4, "a tally is a quadword");
__attribute__((target("avx2"), always_inline)) static inline __m256i
tallies_avx2(__m256i counts)
{
	const __m256i mask_dword = _mm256_setr_epi32(0, 0, 0, -1, 0, 0, 0, -1);
	const __m256i zero = _mm256_setzero_si256();
	__m256i all = _mm256_sad_epu8(counts, zero);
	__m256i overlap = _mm256_sad_epu8(_mm256_and_si256(counts, mask_dword), zero);

	return _mm256_or_si256(_mm256_sub_epi64(all, overlap),
			       _mm256_slli_epi64(overlap, 32));
}

__attribute__((target("avx2"), always_inline)) static inline struct pv_tally
compare_avx2_rows(const struct pv_row *a, const struct pv_row *b, int rows)
{
	__m256i q = tallies_avx2(count_avx2(a, b, rows));
	__m128i sum = _mm_add_epi64(_mm256_castsi256_si128(q),
				    _mm256_extracti128_si256(q, 1));
	uint64_t total = (uint64_t)_mm_cvtsi128_si64(
		_mm_add_epi64(sum, _mm_unpackhi_epi64(sum, sum)));

	return (struct pv_tally){ (unsigned int)total, (unsigned int)(total >> 32) };
}

/* A row of the lattice, two comparisons sharing each horizontal sum. */
__attribute__((target("avx2"), always_inline)) static inline void
scan_avx2_rows(const struct pv_row *a, ptrdiff_t stride, const struct pv_row *b,
	       int rows, int n, struct pv_tally *out)
{
	int k = 0;

	for (; k + 2 <= n; k += 2) {
		__m256i p = tallies_avx2(count_avx2(a + k * stride, b, rows));
		__m256i q = tallies_avx2(count_avx2(a + (k + 1) * stride, b, rows));
		__m256i pq = _mm256_add_epi64(_mm256_unpacklo_epi64(p, q),
					      _mm256_unpackhi_epi64(p, q));

		_mm_storeu_si128((__m128i *)(out + k),
				 _mm_add_epi64(_mm256_castsi256_si128(pq),
					       _mm256_extracti128_si256(pq, 1)));
	}
	if (k < n)
		out[k] = compare_avx2_rows(a + k * stride, b, rows);
}

#endif

_Static_assert(PV_GRID == 4 * PV_COARSE_ROWS && PV_GRID == 2 * PV_HALF_ROWS,
	       "coarse rows are a quarter, half rows a half");

/*
 * A part of the rows is held to that part of the typical and of the
 * minimum overlap: weight[n] scaled by sqrt(PV_GRID / rows).
 */
static inline float part_scale(int rows)
{
	return rows == PV_COARSE_ROWS ? 2.0f : rows == PV_HALF_ROWS ? (float)M_SQRT2 : 1.0f;
}

static inline int32_t min_overlap(int rows)
{
	return MIN_OVERLAP_CELLS / (PV_GRID / rows);
}

/* For a float or a vector of them: one formula, so the same bits. */
#define NORMALISE(overlap, dist, w) (0.5f - (1.5f * (overlap) - (dist)) * (w))

static inline float normalised_distance(const struct pv_probe *probe,
					struct pv_tally t, int rows)
{
	if ((int32_t)t.overlap < min_overlap(rows))
		return 0.5f;
	return NORMALISE((float)t.overlap, (float)t.dist,
			 probe->weight[t.overlap] * part_scale(rows));
}

typedef float f32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));

/* normalised_distance() of eight tallies side by side. */
static inline __attribute__((always_inline)) void
normalised_distances(const struct pv_probe *probe, const struct pv_tally *t,
		     int rows, float *cost)
{
	i32x8 dist, overlap;
	f32x8 w, c;

	for (int k = 0; k < 8; k++) {
		dist[k] = (int32_t)t[k].dist;
		overlap[k] = (int32_t)t[k].overlap;
		w[k] = probe->weight[t[k].overlap] * part_scale(rows);
	}
	c = NORMALISE(__builtin_convertvector(overlap, f32x8),
		      __builtin_convertvector(dist, f32x8), w);
	i32x8 few = overlap < min_overlap(rows);
	i32x8 unrelated = (i32x8)((f32x8){ 0 } + 0.5f);

	c = (f32x8)(((i32x8)c & ~few) | (unrelated & few));
	memcpy(cost, &c, sizeof(c));
}

static float score_of(float distance)
{
	return 1.0f / (1.0f + expf((distance - SCORE_CENTRE) / SCORE_WIDTH));
}

/*
 * The coarse translation lattice. A competitive code of veins decorrelates
 * within about one cell (a one-cell error costs about half the agreement,
 * two cells nearly all of it), so the lattice must not be coarser than
 * 2 cells: every shift is then at most one cell from a lattice point and
 * the +-1 refinement reaches it. A 3-cell lattice left shifts of +-2 to
 * chance, and which lattice point chance picked differed with the order of
 * the two templates: asymmetric scores.
 */
#define COARSE_STEP 2
#define WIDE_LATTICE (2 * PV_MATCH_WIDE_SHIFT_MAX / COARSE_STEP + 1)
_Static_assert(PV_MATCH_SHIFT_MAX % COARSE_STEP == 0 &&
	       PV_MATCH_WIDE_SHIFT_MAX % COARSE_STEP == 0, "lattice reaches the range");

struct candidate {
	int pose, dx, dy;
	float cost;		/* normalised distance: what the search minimises */
	struct pv_tally tally;	/* over the first @rows rows of search order */
	int rows;
};

/* An empty slot in a list of best candidates: every real cost is lower. */
#define NO_CANDIDATE { PV_POSE_IDENTITY, 0, 0, 2.0f, { 0, 0 }, 0 }

/*
 * Costs the @n candidates @c on the first @rows rows, comparing only the
 * rows from @seen on (a candidate carried from a coarser stage keeps its
 * tally), from the wide table if @wide. All are compared before any is
 * costed and the caller judges them after: the comparisons overlap instead
 * of each waiting on the judgement of the one before.
 */
static inline __attribute__((always_inline)) void
try_candidates(const struct pv_probe *probe, const struct pv_packed *ref,
	       pv_compare_fn compare, struct candidate *c, int n, int seen, int rows,
	       bool wide)
{
	for (int k = 0; k < n; k++) {
		const struct pv_packed *v = wide ?
			&probe->wide[pv_wide_index(c[k].pose, c[k].dx, c[k].dy)] :
			&probe->variant[pv_variant_index(c[k].pose, c[k].dx, c[k].dy)];
		struct pv_tally t = compare(v->row + seen, ref->row + seen, rows - seen);

		c[k].tally.dist += t.dist;
		c[k].tally.overlap += t.overlap;
		c[k].rows = rows;
	}
	for (int k = 0; k < n; k++)
		c[k].cost = normalised_distance(probe, c[k].tally, rows);
}

static inline void keep_best_two(struct candidate best[2], struct candidate c)
{
	if (c.cost < best[0].cost) {
		best[1] = best[0];
		best[0] = c;
	} else if (c.cost < best[1].cost) {
		best[1] = c;
	}
}

/* Lanes of @a where @m is set, of @b elsewhere. */
#define SELECT(m, a, b) (((m) & (a)) | (~(m) & (b)))

/*
 * The indices of the two lowest of @n costs (-1: none below 2), the
 * earlier first among equals: what keep_best_two() keeps of them. Each of
 * eight lanes keeps its own two lowest in registers; the two lowest of
 * those sixteen are the two lowest of all. @cost is padded to whole
 * vectors. Merging the lanes costs as much as offering a short lattice's
 * points one by one: scan_lattice()'s 25 do not gain, the wide 81 do.
 */

static inline __attribute__((always_inline)) void
two_cheapest(const float *cost, int n, int at[2])
{
	const i32x8 lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
	const i32x8 none = (i32x8)((f32x8){ 0 } + 2.0f);
	i32x8 c0 = none, c1 = none, i0 = lane - lane - 1, i1 = i0;
	float best[2] = { 2.0f, 2.0f };

	for (int i = 0; i < n; i += 8) {
		const i32x8 at_i = lane + i;
		f32x8 f;

		memcpy(&f, cost + i, sizeof(f));
		/* past the end: never below 2 */
		i32x8 c = SELECT(at_i < n, (i32x8)f, none);
		i32x8 below0 = (f32x8)c < (f32x8)c0, below1 = (f32x8)c < (f32x8)c1;

		/* the second: the old first if c beats it, else c if below it */
		c1 = SELECT(below0, c0, SELECT(below1, c, c1));
		i1 = SELECT(below0, i0, SELECT(below1, at_i, i1));
		c0 = SELECT(below0, c, c0);
		i0 = SELECT(below0, at_i, i0);
	}
	at[0] = at[1] = -1;
	for (int k = 0; k < 16; k++) {
		float c = ((f32x8)(k < 8 ? c0 : c1))[k % 8];
		int i = (k < 8 ? i0 : i1)[k % 8];

		if (c < best[0] || (c == best[0] && i < at[0])) {
			best[1] = best[0];
			at[1] = at[0];
			best[0] = c;
			at[0] = i;
		} else if (c < best[1] || (c == best[1] && i < at[1])) {
			best[1] = c;
			at[1] = i;
		}
	}
}

static inline int same_alignment(struct candidate a, struct candidate b)
{
	return a.pose == b.pose && a.dx == b.dx && a.dy == b.dy;
}

/* Inline: a copy of @c passed on the stack costs a stalled load. */
static inline void fill_result(struct candidate c, struct pv_match_result *res)
{
	res->distance = c.tally.overlap ?
			(float)c.tally.dist / (3.0f * (float)c.tally.overlap) : 0.5f;
	res->score = score_of(c.cost);
	res->overlap = c.tally.overlap * (unsigned int)(PV_GRID / c.rows);
	res->dx = c.dx;
	res->dy = c.dy;
	res->rotation_deg = PV_ROT_STEP_DEG * (c.pose % PV_ROT_STEPS - PV_ROT_STEPS / 2);
	res->scale = 1.0f + PV_SCALE_STEP * (c.pose / PV_ROT_STEPS - PV_SCALE_STEPS / 2);
}

/* @n comparisons of @b with a, a + stride, ...: a row of the lattice. */
typedef void (*scan_fn)(const struct pv_row *a, ptrdiff_t stride,
			const struct pv_row *b, int rows, int n, struct pv_tally *out);

/* One row of a lattice: with @scan, a kernel's batched form, where it has
 * one. */
static inline __attribute__((always_inline)) void
scan_row(pv_compare_fn compare, scan_fn scan, const struct pv_row *a, ptrdiff_t stride,
	 const struct pv_packed *ref, int n, struct pv_tally *t)
{
	if (scan)
		scan(a, stride, ref->row, PV_COARSE_ROWS, n, t);
	else
		for (int x = 0; x < n; x++)
			t[x] = compare(a + x * stride, ref->row, PV_COARSE_ROWS);
}

/*
 * Stage 1: translation at @pose on the lattice of @step cells (COARSE_STEP,
 * or 1 for the thorough search) across the whole range and along the hand
 * over @lines lines from @dy, whose variants lie a fixed stride apart; from
 * the wide table if @wide. All tallies, then all costs eight at a time,
 * then the two best into @best, in lattice order.
 */
static inline __attribute__((always_inline)) void
scan_lattice(const struct pv_probe *probe, const struct pv_packed *ref,
	     pv_compare_fn compare, scan_fn scan, int pose, int step, int dy,
	     int lines, bool wide, struct candidate best[2])
{
	const int side = 2 * PV_MATCH_SHIFT_MAX / step + 1, points = side * lines;
	const struct pv_packed *corner = wide ?
		&probe->wide[pv_wide_index(pose, -PV_MATCH_SHIFT_MAX, dy)] :
		&probe->variant[pv_variant_index(pose, -PV_MATCH_SHIFT_MAX, dy)];
	/* Whole vectors: the tallies past the lattice are left at zero. */
	struct pv_tally t[(PV_SHIFTS * PV_SHIFTS + 7) / 8 * 8];
	float cost[(PV_SHIFTS * PV_SHIFTS + 7) / 8 * 8];

	for (int y = 0; y < lines; y++) {
		const struct pv_row *a =
			corner[step * y * (wide ? PV_WIDE_SHIFTS : PV_SHIFTS)].row;

		scan_row(compare, scan, a, step * PV_GRID, ref, side, t + y * side);
	}
	memset(t + points, 0, (size_t)((points + 7) / 8 * 8 - points) * sizeof(*t));
	for (int i = 0; i < points; i += 8)
		normalised_distances(probe, t + i, PV_COARSE_ROWS, cost + i);
	for (int i = 0; i < points; i++)
		if (cost[i] < best[1].cost)
			keep_best_two(best, (struct candidate){
				pose,
				-PV_MATCH_SHIFT_MAX + step * (i % side),
				dy + step * (i / side),
				cost[i], t[i], PV_COARSE_ROWS });
}

/* A half's tally on its even rows, or on its odd ones. */
static inline __attribute__((always_inline)) struct pv_tally
half_tally(pv_compare_fn compare, const struct pv_packed *v,
	   const struct pv_packed *ref, int half, bool odd)
{
	/* Grid rows 16 * half.. in search order: four of the coarse rows,
	 * four of the other even ones, eight odd ones. */
	if (odd)
		return compare(v->row + PV_HALF_ROWS + 8 * half,
			       ref->row + PV_HALF_ROWS + 8 * half, 8);

	struct pv_tally a = compare(v->row + 4 * half, ref->row + 4 * half, 4);
	struct pv_tally b = compare(v->row + PV_COARSE_ROWS + 4 * half,
				    ref->row + PV_COARSE_ROWS + 4 * half, 4);

	return (struct pv_tally){ a.dist + b.dist, a.overlap + b.overlap };
}

/* Lower distance per cell, over at least half the cells of @than. */
static inline bool agrees_better(struct pv_tally t, struct pv_tally than)
{
	return 2 * t.overlap >= than.overlap &&
	       (uint64_t)t.dist * than.overlap < (uint64_t)than.dist * t.overlap;
}

/* The winner's alignment and the other 8 shifts about it, 2 rotations. */
#define HALF_CHOICES (3 * 3 + 2)

/*
 * Stage 4 of both searches: finger spread stretches and bends the palm,
 * which no single alignment follows (docs/accuracy.md, "Two halves"). So
 * each half of the grid along the hand, rows 0-15 and 16-31, picks on its
 * even rows the best of: where the winner @c put it, a row up or down, a
 * rotation step either way, and with @across a cell sideways too. Its odd
 * rows are then compared there, and the two halves make the result.
 * @even, when not NULL, is @c's tally on the even rows (the first
 * PV_HALF_ROWS in search order), which saves comparing one half there.
 * The wide table holds the shifts one cell past the normal search's range.
 */
static inline __attribute__((always_inline)) struct candidate
shift_halves(const struct pv_probe *probe, const struct pv_packed *ref,
	     pv_compare_fn compare, struct candidate c,
	     const struct pv_tally *even, int across)
{
	const int rot = c.pose % PV_ROT_STEPS;
	struct pv_tally sum = { 0, 0 }, upper_centre = { 0, 0 };

	for (int half = 0; half < 2; half++) {
		const struct pv_packed *v[HALF_CHOICES] = {
			&probe->wide[pv_wide_index(c.pose, c.dx, c.dy)],
		};
		struct pv_tally t[HALF_CHOICES];
		int n = 1, best = 0;

		for (int ddy = -1; ddy <= 1; ddy++)
			for (int ddx = -across; ddx <= across; ddx++) {
				int dx = c.dx + ddx, dy = c.dy + ddy;

				if ((!ddx && !ddy) || abs(dx) > PV_MATCH_WIDE_SHIFT_MAX ||
				    abs(dy) > PV_MATCH_WIDE_SHIFT_MAX)
					continue;
				v[n++] = &probe->wide[pv_wide_index(c.pose, dx, dy)];
			}
		if (rot > 0)
			v[n++] = &probe->wide[pv_wide_index(c.pose - 1, c.dx, c.dy)];
		if (rot < PV_ROT_STEPS - 1)
			v[n++] = &probe->wide[pv_wide_index(c.pose + 1, c.dx, c.dy)];
		if (half && even)
			t[0] = (struct pv_tally){ even->dist - upper_centre.dist,
						  even->overlap - upper_centre.overlap };
		else
			t[0] = half_tally(compare, v[0], ref, half, false);
		if (!half)
			upper_centre = t[0];
		for (int k = 1; k < n; k++)
			t[k] = half_tally(compare, v[k], ref, half, false);
		for (int k = 1; k < n; k++)
			if (agrees_better(t[k], t[best]))
				best = k;

		struct pv_tally odd = half_tally(compare, v[best], ref, half, true);

		sum.dist += t[best].dist + odd.dist;
		sum.overlap += t[best].overlap + odd.overlap;
	}
	c.tally = sum;
	c.rows = PV_GRID;
	c.cost = normalised_distance(probe, sum, PV_GRID);
	return c;
}

/* Moves the bent alignment may make in one step: +-1 cell, +-1 rotation,
 * +-1 scale step. */
#define BEND_MOVES 8
#define BEND_CLIMB_MAX 8

/*
 * The thorough search's last stage: from the bent winner @c, hill climbing
 * on the bent score itself (every row, both halves), a cell, a rotation
 * step or a scale step at a time, at most BEND_CLIMB_MAX steps. The halves
 * of the best rigid alignment need not be the best pair of halves: when
 * the halves lie two rows apart, the rigid optimum is one of them, and the
 * halves about it cannot reach the other.
 */
static inline __attribute__((always_inline)) struct candidate
climb_bent(const struct pv_probe *probe, const struct pv_packed *ref,
	   pv_compare_fn compare, struct candidate c, int along)
{
	static const int step[BEND_MOVES][4] = {	/* dx, dy, rotation, scale */
		{ -1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 1, 0, 0 },
		{ 0, 0, -1, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, -1 }, { 0, 0, 0, 1 },
	};
	bool moved = true;

	for (int round = 0; moved && round < BEND_CLIMB_MAX; round++) {
		struct candidate from = c;

		moved = false;
		for (int k = 0; k < BEND_MOVES; k++) {
			int rot = from.pose % PV_ROT_STEPS + step[k][2];
			int scale = from.pose / PV_ROT_STEPS + step[k][3];
			struct candidate n = { scale * PV_ROT_STEPS + rot, from.dx + step[k][0],
					       from.dy + step[k][1], 0, { 0, 0 }, 0 };

			if (abs(n.dx) > PV_MATCH_SHIFT_MAX || abs(n.dy) > along ||
			    rot < 0 || rot >= PV_ROT_STEPS || scale < PV_NEAR_SCALE_FIRST ||
			    scale >= PV_NEAR_SCALE_FIRST + PV_NEAR_SCALES)
				continue;
			n = shift_halves(probe, ref, compare, n, NULL, 0);
			if (n.cost < c.cost) {
				c = n;
				moved = true;
			}
		}
	}
	return c;
}

_Static_assert(PV_NEAR_SCALES <= PV_ROT_STEPS, "stage 2 holds the scales in pose[]");

/*
 * Stages 2-4 from the two best translations @best of stage 1, over shifts
 * up to PV_MATCH_SHIFT_MAX across the hand and @along along it; from the
 * wide table, and climbing on the bent score at the end, if @thorough.
 */
static inline __attribute__((always_inline)) struct candidate
refine(const struct pv_probe *probe, const struct pv_packed *ref,
       pv_compare_fn compare, struct candidate first, struct candidate second,
       bool thorough, int along)
{
	struct candidate best[2] = { first, second };

	/*
	 * Stage 2: where the translation landed, rotation at scale 1, then
	 * scale at the best rotation.
	 */
	struct candidate anchor = best[0], turned = anchor;
	struct candidate pose[PV_ROT_STEPS - 1];
	const int unscaled = PV_ROT_STEPS * (PV_SCALE_STEPS / 2);
	int n = 0;

	for (int rot = 0; rot < PV_ROT_STEPS; rot++)
		if (unscaled + rot != anchor.pose)
			pose[n++] = (struct candidate){ unscaled + rot, anchor.dx, anchor.dy,
							0, { 0, 0 }, 0 };
	try_candidates(probe, ref, compare, pose, n, 0, PV_COARSE_ROWS, thorough);
	for (int k = 0; k < n; k++) {
		if (pose[k].cost < turned.cost)
			turned = pose[k];
		keep_best_two(best, pose[k]);
	}
	n = 0;
	for (int scale = PV_NEAR_SCALE_FIRST;
	     scale < PV_NEAR_SCALE_FIRST + PV_NEAR_SCALES; scale++)
		if (scale != PV_SCALE_STEPS / 2)
			pose[n++] = (struct candidate){
				scale * PV_ROT_STEPS + turned.pose % PV_ROT_STEPS,
				anchor.dx, anchor.dy, 0, { 0, 0 }, 0 };
	try_candidates(probe, ref, compare, pose, n, 0, PV_COARSE_ROWS, thorough);
	for (int k = 0; k < n; k++)
		keep_best_two(best, pose[k]);
	/*
	 * Stage 3: +-1 cell on half the rows from the best, and from the
	 * runner-up or, when a pose displaced it, the stage-1 winner: a wrong
	 * pose can look better than the right one at a translation one cell
	 * off. The two descents run side by side.
	 */
	struct candidate at[2] = { best[0], best[1] };

	if (!same_alignment(anchor, best[0]))
		at[1] = anchor;
	try_candidates(probe, ref, compare, at, 2, PV_COARSE_ROWS, PV_HALF_ROWS, thorough);
	/* Coordinate descent: +-1 in x, then +-1 in y from there. */
	for (int axis = 0; axis < 2; axis++) {
		struct candidate step[4];
		int from[4];

		n = 0;
		for (int k = 0; k < 2; k++)
			for (int d = -1; d <= 1; d += 2) {
				struct candidate c = { at[k].pose, at[k].dx, at[k].dy, 0,
						       { 0, 0 }, 0 };

				c.dx += axis ? 0 : d;
				c.dy += axis ? d : 0;
				if (abs(c.dx) > PV_MATCH_SHIFT_MAX || abs(c.dy) > along)
					continue;
				from[n] = k;
				step[n++] = c;
			}
		try_candidates(probe, ref, compare, step, n, 0, PV_HALF_ROWS, thorough);
		for (int i = 0; i < n; i++)
			if (step[i].cost < at[from[i]].cost)
				at[from[i]] = step[i];
	}
	/* The score comes from every row of the winner, bent (stage 4). */
	struct candidate top = at[1].cost < at[0].cost ? at[1] : at[0];
	struct candidate bent = shift_halves(probe, ref, compare, top, &top.tally, 0);

	if (!thorough)
		return bent;
	/*
	 * Stage 2 picks the scale once, at stage 1's translation, and 0.95
	 * against 1.05 with the translation a cell or two off lies beyond
	 * one climb (the renderer's 0432_05/06: 0.09 against 0.52 with every
	 * alignment tried): the climb starts again at the other near scales.
	 */
	const struct candidate summit = climb_bent(probe, ref, compare, bent, along);
	struct candidate won = summit;

	for (int scale = PV_NEAR_SCALE_FIRST; scale < PV_NEAR_SCALE_FIRST + PV_NEAR_SCALES;
	     scale++) {
		struct candidate c = { scale * PV_ROT_STEPS + summit.pose % PV_ROT_STEPS,
				       summit.dx, summit.dy, 0, { 0, 0 }, 0 };

		if (scale == summit.pose / PV_ROT_STEPS)
			continue;
		c = climb_bent(probe, ref, compare,
			       shift_halves(probe, ref, compare, c, NULL, 0), along);
		if (c.cost < won.cost)
			won = c;
	}
	return won;
}

/*
 * The thorough search reaches further along the hand, where finger spread
 * moves the ROI (PV_MATCH_ALONG_MAX), but a chance peak out there can crowd
 * the true one out of stage 1's best two: the best two within the normal
 * range are refined too, and the better result wins, so that the wider
 * range never loses what the normal one finds.
 */
_Static_assert(PV_MATCH_ALONG_MAX <= PV_MATCH_WIDE_SHIFT_MAX &&
	       PV_MATCH_ALONG_MAX > PV_MATCH_SHIFT_MAX, "the wide table holds the range");

/*
 * pv_probe_search() with a kernel above inlined: @compare and @scan; with
 * @thorough, pv_probe_search_thorough().
 */
static inline __attribute__((always_inline)) void
search(const struct pv_probe *probe, const struct pv_packed *ref, float prefilter,
       struct pv_match_result *res, pv_compare_fn compare, scan_fn scan,
       bool thorough)
{
	struct candidate best[2] = { NO_CANDIDATE, NO_CANDIDATE };
	struct candidate near[2] = { NO_CANDIDATE, NO_CANDIDATE };

	/*
	 * Stage 1. Stage 3's +-1 from the lattice reaches every shift in
	 * range. The thorough search scans every shift, at -3, 0 and +3
	 * degrees: the agreement one cell off the peak, or at the identity
	 * pose when the palm turned 6 degrees, can lose to chance elsewhere.
	 * Its two best within the normal range are kept apart (@near).
	 */
	if (thorough) {
		struct candidate far[2] = { NO_CANDIDATE, NO_CANDIDATE };
		const int beyond = PV_MATCH_ALONG_MAX - PV_MATCH_SHIFT_MAX;

		for (int rot = -1; rot <= 1; rot++) {
			const int pose = PV_POSE_IDENTITY + rot;

			scan_lattice(probe, ref, compare, scan, pose, 1, -PV_MATCH_SHIFT_MAX,
				     PV_SHIFTS, true, near);
			scan_lattice(probe, ref, compare, scan, pose, 1, -PV_MATCH_ALONG_MAX,
				     beyond, true, far);
			scan_lattice(probe, ref, compare, scan, pose, 1,
				     PV_MATCH_SHIFT_MAX + 1, beyond, true, far);
		}
		best[0] = near[0];
		best[1] = near[1];
		for (int k = 0; k < 2; k++)
			if (far[k].cost < best[1].cost)
				keep_best_two(best, far[k]);
	} else {
		scan_lattice(probe, ref, compare, scan, PV_POSE_IDENTITY, COARSE_STEP,
			     -PV_MATCH_SHIFT_MAX, PV_SHIFTS / COARSE_STEP + 1, false, best);
	}
	/* Hopeless even at its best translation: stop here (1:N pre-filter). */
	if (best[0].cost > prefilter) {
		fill_result(best[0], res);
		return;
	}
	if (!thorough) {
		fill_result(refine(probe, ref, compare, best[0], best[1], false,
				   PV_MATCH_SHIFT_MAX), res);
		return;
	}

	bool same = same_alignment(best[0], near[0]) && same_alignment(best[1], near[1]);
	struct candidate c = refine(probe, ref, compare, near[0], near[1], true,
				    PV_MATCH_SHIFT_MAX);

	if (!same) {
		struct candidate far = refine(probe, ref, compare, best[0], best[1], true,
					      PV_MATCH_ALONG_MAX);

		if (far.cost < c.cost)
			c = far;
	}
	fill_result(c, res);
}

/*
 * The wide search, for pairs where either ROI was placed without finger
 * valleys: the palm then moves in it by up to 6-8 cells and turns by up to
 * 9 degrees between sessions, and a turned palm hides its true translation
 * at the identity pose (docs/accuracy.md). So the +-8 lattice is scanned
 * at three rotations, and a hill climb runs from several seeds, so that
 * the two orders of a pair end on the same peak. Its own stages: the
 * normal search lost 12-16 % of its speed when written with these
 * functions.
 */

/* Keeps @best[0..n) the n cheapest candidates offered, cheapest first. */
static inline void keep_best(struct candidate *best, int n, struct candidate c)
{
	int i = n - 1;

	if (!(c.cost < best[i].cost))
		return;
	for (; i > 0 && c.cost < best[i - 1].cost; i--)
		best[i] = best[i - 1];
	best[i] = c;
}

/*
 * Translation on the 2-cell lattice over the wide range at @pose on the
 * coarse rows, its two best into @best; the climb then reaches every shift
 * in range. As scan_lattice(): all tallies, then all costs eight at a time.
 */
static inline __attribute__((always_inline)) void
scan_wide_lattice(const struct pv_probe *probe, const struct pv_packed *ref,
		  pv_compare_fn compare, scan_fn scan, int pose,
		  struct candidate best[2])
{
	const int range = PV_MATCH_WIDE_SHIFT_MAX, points = WIDE_LATTICE * WIDE_LATTICE;
	const ptrdiff_t stride = COARSE_STEP * PV_GRID;
	/* Whole vectors: the tallies past the lattice are left at zero. */
	struct pv_tally t[(WIDE_LATTICE * WIDE_LATTICE + 7) / 8 * 8];
	float cost[(WIDE_LATTICE * WIDE_LATTICE + 7) / 8 * 8];
	int at[2];

	for (int y = 0; y < WIDE_LATTICE; y++) {
		const struct pv_row *a =
			probe->wide[pv_wide_index(pose, -range, COARSE_STEP * y - range)].row;

		scan_row(compare, scan, a, stride, ref, WIDE_LATTICE, t + y * WIDE_LATTICE);
	}
	memset(t + points, 0, (size_t)((points + 7) / 8 * 8 - points) * sizeof(*t));
	for (int i = 0; i < points; i += 8)
		normalised_distances(probe, t + i, PV_COARSE_ROWS, cost + i);
	two_cheapest(cost, points, at);
	for (int k = 0; k < 2; k++)
		if (at[k] >= 0)
			keep_best_two(best, (struct candidate){
				pose, COARSE_STEP * (at[k] % WIDE_LATTICE) - range,
				COARSE_STEP * (at[k] / WIDE_LATTICE) - range,
				cost[at[k]], t[at[k]], PV_COARSE_ROWS });
}

/*
 * Hill climbing on the first @rows rows over the first @moves neighbours
 * of an alignment (+-1 cell in x and y, then +-1 rotation and scale step)
 * until none is better: the two orders of a pair then stop on the same
 * local optimum rather than wherever one pass of descent left them.
 */
static inline __attribute__((always_inline)) struct candidate
climb(const struct pv_probe *probe, const struct pv_packed *ref,
      pv_compare_fn compare, struct candidate at, int rows, int moves)
{
	static const int step[8][4] = {	/* dx, dy, rotation, scale */
		{ -1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 1, 0, 0 },
		{ 0, 0, -1, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, -1 }, { 0, 0, 0, 1 },
	};
	int back = -1;	/* the move back to where the climb came from */

	try_candidates(probe, ref, compare, &at, 1, at.rows, rows, true);
	for (;;) {
		struct candidate next[8];
		int move[8], n = 0, took = -1;

		for (int k = 0; k < moves; k++) {
			int rot = at.pose % PV_ROT_STEPS + step[k][2];
			int scale = at.pose / PV_ROT_STEPS + step[k][3];
			struct candidate c = { scale * PV_ROT_STEPS + rot,
					       at.dx + step[k][0], at.dy + step[k][1],
					       0, { 0, 0 }, 0 };

			/* the way back: where it came from costs more */
			if (k == back || abs(c.dx) > PV_MATCH_WIDE_SHIFT_MAX ||
			    abs(c.dy) > PV_MATCH_WIDE_SHIFT_MAX || rot < 0 ||
			    rot >= PV_ROT_STEPS || scale < 0 || scale >= PV_SCALE_STEPS)
				continue;
			move[n] = k;
			next[n++] = c;
		}
		try_candidates(probe, ref, compare, next, n, 0, rows, true);
		for (int k = 0; k < n; k++)
			if (next[k].cost < at.cost) {
				at = next[k];
				took = move[k];
			}
		if (took < 0)
			return at;
		back = took ^ 1;	/* step[] pairs each move with its reverse */
	}
}

/*
 * The lattice runs at -3, 0 and +3 degrees, the climb reaching +-9; each
 * rotation seeds its best two points, so that a pose which looks better
 * on the coarse rows at a wrong translation cannot crowd out the others.
 */
#define WIDE_ROT_STEPS 1
#define WIDE_SEEDS 2
_Static_assert(WIDE_SEEDS == 2, "scan_wide_lattice() keeps two");
/* Crops and closed hands: the halves may move sideways too (a wider
 * margin on PolyU and PUT for 3 % of the wide search's time). */
#define WIDE_ACROSS 1

/* pv_probe_search_wide() with a kernel inlined: @compare and @scan. */
static inline __attribute__((always_inline)) void
search_wide(const struct pv_probe *probe, const struct pv_packed *ref,
	    float prefilter, struct pv_match_result *res, pv_compare_fn compare,
	    scan_fn scan)
{
	struct candidate seeds[2 * WIDE_ROT_STEPS + 1][WIDE_SEEDS];
	struct candidate top[2] = { NO_CANDIDATE, NO_CANDIDATE };
	struct candidate first = NO_CANDIDATE;

	for (int r = 0; r <= 2 * WIDE_ROT_STEPS; r++) {
		for (int k = 0; k < WIDE_SEEDS; k++)
			seeds[r][k] = (struct candidate)NO_CANDIDATE;
		scan_wide_lattice(probe, ref, compare, scan,
				  PV_POSE_IDENTITY - WIDE_ROT_STEPS + r, seeds[r]);
		keep_best(&first, 1, seeds[r][0]);
	}
	/* Hopeless even at its best translation: stop here (1:N pre-filter). */
	if (first.cost > prefilter) {
		fill_result(first, res);
		return;
	}
	/* Translation on half the rows from every seed: the pose comes last. */
	for (int r = 0; r <= 2 * WIDE_ROT_STEPS; r++)
		for (int k = 0; k < WIDE_SEEDS; k++)
			keep_best(top, 2, climb(probe, ref, compare, seeds[r][k],
						PV_HALF_ROWS, 4));
	/*
	 * Still hopeless on half the rows: stop here too. The coarse rows
	 * let three quarters of the impostors of real captures through,
	 * half the rows about two fifths (docs/benchmarks.md).
	 */
	if (top[0].cost > prefilter) {
		fill_result(top[0], res);
		return;
	}
	/* The best two climb in pose too, on every row; the better summit wins. */
	struct candidate summit = climb(probe, ref, compare, top[0], PV_GRID, 8);

	if (!same_alignment(top[0], top[1]))
		keep_best(&summit, 1, climb(probe, ref, compare, top[1], PV_GRID, 8));
	fill_result(shift_halves(probe, ref, compare, summit, NULL, WIDE_ACROSS), res);
}

/*
 * Skin deformation: the renderer's warps and a real palm's finger spread
 * move parts of the palm a few cells against each other, smoothly across
 * it, which neither one alignment nor the two halves follow (0477_03/06
 * of the 500 x 6 set: 0.02 as found, 0.99 rendered without deformation).
 * So after the search, each block of BLOCK x BLOCK cells (7 x 7 of them,
 * overlapping by half) finds on its own how far it lies off the winner's
 * alignment, up to BLOCK_SHIFT cells either way; a field is fitted to
 * those offsets, weighted by their overlap; each block then looks again
 * within REFIT_SHIFT of where that field puts it and the field is fitted
 * anew; last, the reference is compared once more with every cell moved
 * by the field. That is done with an affine field and with a quadratic
 * one, which follows a palm bent as a whole, and the highest score
 * stands. Fitting a smooth field and scoring it once, not searching its
 * parameters, is what keeps impostors from gaining as much as genuine
 * pairs: their block offsets are chance and fit no common field
 * (docs/accuracy.md, "Following the skin" and "Bending skin").
 */
#define BLOCK 8
/* block origins every HALF_BLOCK cells: overlapping blocks */
#define HALF_BLOCK (BLOCK / 2)
#define ORIGINS (PV_GRID / HALF_BLOCK - 1)
#define BLOCK_SHIFT 2
#define REFIT_SHIFT 1
/* Offsets a block may take: the refit's reach about a first offset */
#define TALLY_SHIFT (BLOCK_SHIFT + REFIT_SHIFT)
#define TALLY_SHIFTS (2 * TALLY_SHIFT + 1)
/* A block needs a quarter of its cells valid in both to count. */
#define BLOCK_MIN_OVERLAP (BLOCK * BLOCK / 4)
/* What the quadratic field's extra terms cost in normalised distance:
 * fitted to this pair, they find some agreement between unrelated palms
 * too (docs/accuracy.md, "Bending skin"). */
#define QUADRATIC_COST 0.020f
/* How far the field may move a cell (the fitted field can run further
 * out at the grid's corners than any block moved). */
#define FIELD_MAX 3

_Static_assert(PV_GRID % HALF_BLOCK == 0, "blocks tile the grid");

static inline int pose_of(const struct pv_match_result *res)
{
	int rot = (int)lrintf(res->rotation_deg / PV_ROT_STEP_DEG) + PV_ROT_STEPS / 2;
	int scale = (int)lrintf((res->scale - 1.0f) / PV_SCALE_STEP) + PV_SCALE_STEPS / 2;

	return scale * PV_ROT_STEPS + rot;
}

static inline int clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A field is affine or quadratic in x, y (half grids from the centre;
 * pv_terms() gives the terms): the quadratic one follows the palm's
 * bending. */
struct field {
	int terms;
	double a[2][PV_TERMS_QUADRATIC];	/* per axis (dx, dy) */
};

/* Weighted least squares of each axis's offset over the blocks. */
struct field_fit {
	double s[PV_TERMS_QUADRATIC][PV_TERMS_QUADRATIC], v[2][PV_TERMS_QUADRATIC];
};

static inline double field_at(const struct field *f, int axis, double x, double y)
{
	double b[PV_TERMS_CUBIC], v = 0;

	pv_terms(x, y, b);
	for (int i = 0; i < f->terms; i++)
		v += f->a[axis][i] * b[i];
	return v;
}

static void fit_add(struct field_fit *f, int terms, double w, double x, double y,
		    int ex, int ey)
{
	double b[PV_TERMS_CUBIC];

	pv_terms(x, y, b);
	for (int i = 0; i < terms; i++) {
		for (int j = 0; j < terms; j++)
			f->s[i][j] += w * b[i] * b[j];
		f->v[0][i] += w * b[i] * ex;
		f->v[1][i] += w * b[i] * ey;
	}
}

/* Solves for @out's coefficients; false when the blocks do not determine
 * them (none, too few, or all in a line). */
static bool fit_solve(const struct field_fit *f, struct field *out)
{
	const int n = out->terms;

	if (!(f->s[0][0] > 0))
		return false;
	for (int axis = 0; axis < 2; axis++) {
		double a[PV_SOLVE_MAX][PV_SOLVE_MAX], b[PV_SOLVE_MAX];

		for (int i = 0; i < n; i++) {
			for (int j = 0; j < n; j++)
				a[i][j] = f->s[i][j];
			b[i] = f->v[axis][i];
		}
		if (!pv_solve(a, b, n, 1e-6 * f->s[0][0]))
			return false;
		for (int i = 0; i < n; i++)
			out->a[axis][i] = b[i];
	}
	return true;
}

/* A pair and, per block (origin row, column) and offset from the
 * alignment, the distance and overlap, tallied when first asked for. */
struct skin {
	const struct pv_probe *probe;
	const struct pv_packed *ref;
	int pose, dx, dy;
	/* per search-order row and block column: the bits of its cells */
	uint32_t columns[PV_GRID][ORIGINS];
	unsigned int dist[ORIGINS][ORIGINS][TALLY_SHIFTS * TALLY_SHIFTS];
	unsigned int overlap[ORIGINS][ORIGINS][TALLY_SHIFTS * TALLY_SHIFTS];
	bool done[TALLY_SHIFTS * TALLY_SHIFTS];
};

/*
 * Every block's tally at offset @k (TALLY_SHIFT about the alignment). The
 * cells of block column bx of a row are the bits bt->columns gathered from
 * probe->column, wherever a key put them.
 */
static inline __attribute__((always_inline)) void
tally_blocks(struct skin *bt, int k)
{
	const int dx = bt->dx + k % TALLY_SHIFTS - TALLY_SHIFT;
	const int dy = bt->dy + k / TALLY_SHIFTS - TALLY_SHIFT;
	/* sums over each HALF_BLOCK rows */
	unsigned int dist[PV_GRID / HALF_BLOCK][ORIGINS] = { { 0 } };
	unsigned int overlap[PV_GRID / HALF_BLOCK][ORIGINS] = { { 0 } };

	bt->done[k] = true;
	if (abs(dx) > PV_MATCH_WIDE_SHIFT_MAX || abs(dy) > PV_MATCH_WIDE_SHIFT_MAX)
		return;
	const struct pv_packed *v = &bt->probe->wide[pv_wide_index(bt->pose, dx, dy)];

	for (int i = 0; i < PV_GRID; i++) {
		const struct pv_row *p = &v->row[i], *r = &bt->ref->row[i];
		/* the probe's mask is inverted (pv_row) */
		const uint32_t m = ~p->w[3] & r->w[3];
		const uint32_t x0 = (p->w[0] ^ r->w[0]) & m, x1 = (p->w[1] ^ r->w[1]) & m;
		const uint32_t x2 = (p->w[2] ^ r->w[2]) & m;
		const int g = pv_search_row(i) / HALF_BLOCK;

		for (int bx = 0; bx < ORIGINS; bx++) {
			const uint32_t cells = bt->columns[i][bx];

			dist[g][bx] += (unsigned int)(__builtin_popcount(x0 & cells) +
						      __builtin_popcount(x1 & cells) +
						      __builtin_popcount(x2 & cells));
			overlap[g][bx] += (unsigned int)__builtin_popcount(m & cells);
		}
	}
	/* block origin row by: row groups by and by + 1 */
	for (int by = 0; by < ORIGINS; by++)
		for (int bx = 0; bx < ORIGINS; bx++) {
			bt->dist[by][bx][k] = dist[by][bx] + dist[by + 1][bx];
			bt->overlap[by][bx][k] = overlap[by][bx] + overlap[by + 1][bx];
		}
}

/* Sums into @fit, in the first @terms terms, each block's best offset
 * within @reach of where the field @around puts it (NULL: the winner's
 * alignment). */
static inline __attribute__((always_inline)) void
fit_blocks(struct skin *bt, const struct field *around, int reach, int terms,
	   struct field_fit *fit)
{
	const double centre = (PV_GRID - 1) / 2.0;

	for (int by = 0; by < ORIGINS; by++)
		for (int bx = 0; bx < ORIGINS; bx++) {
			double x = (bx * HALF_BLOCK + BLOCK / 2.0 - 0.5 - centre) / centre;
			double y = (by * HALF_BLOCK + BLOCK / 2.0 - 0.5 - centre) / centre;
			int cx = 0, cy = 0, best = -1;
			long best_gain = 0;

			if (around) {
				cx = clamp_int((int)lrint(field_at(around, 0, x, y)),
					       reach - TALLY_SHIFT, TALLY_SHIFT - reach);
				cy = clamp_int((int)lrint(field_at(around, 1, x, y)),
					       reach - TALLY_SHIFT, TALLY_SHIFT - reach);
			}
			/* from the centre out, so that a tie keeps the smaller move */
			for (int r = 0; r <= reach; r++)
				for (int ey = cy - r; ey <= cy + r; ey++)
					for (int ex = cx - r; ex <= cx + r; ex++) {
						if (abs(ex - cx) != r && abs(ey - cy) != r)
							continue;
						int k = (ey + TALLY_SHIFT) * TALLY_SHIFTS + ex + TALLY_SHIFT;

						if (!bt->done[k])
							tally_blocks(bt, k);
						long gain = 3L * bt->overlap[by][bx][k] -
							    2L * bt->dist[by][bx][k];

						if (best < 0 || gain > best_gain) {
							best_gain = gain;
							best = k;
						}
					}
			if (bt->overlap[by][bx][best] < BLOCK_MIN_OVERLAP)
				continue;
			fit_add(fit, terms, bt->overlap[by][bx][best], x, y,
				best % TALLY_SHIFTS - TALLY_SHIFT, best / TALLY_SHIFTS - TALLY_SHIFT);
		}
}

/* The field along row @y as a polynomial in x, per axis, from the
 * coefficients of pv_terms()' 1, x, y, x^2, xy, y^2 (those past the
 * field's own terms are zero). */
static inline void row_polynomial(const struct field *f, double y, double c[2][3])
{
	for (int axis = 0; axis < 2; axis++) {
		double a[PV_TERMS_QUADRATIC] = { 0 };

		for (int i = 0; i < f->terms; i++)
			a[i] = f->a[axis][i];
		c[axis][0] = a[0] + (a[2] + a[5] * y) * y;
		c[axis][1] = a[1] + a[4] * y;
		c[axis][2] = a[3];
	}
}

/* An offset rounded to whole cells and held within FIELD_MAX, without
 * libm's rint: inside the range, v + FIELD_MAX + 0.5 is positive and
 * truncates to its floor. */
static inline int field_cells(double v)
{
	if (!(v > -FIELD_MAX))
		return -FIELD_MAX;
	if (v >= FIELD_MAX)
		return FIELD_MAX;
	return (int)(v + FIELD_MAX + 0.5) - FIELD_MAX;
}

/* The reference once more, each cell against the probe variant @field
 * moves it to: along a row the field's offset changes a few times, so the
 * row is put together run by run. */
static inline __attribute__((always_inline)) struct pv_tally
moved_tally(const struct pv_probe *probe, const struct pv_packed *ref,
	    const struct pv_match_result *res, int pose, const struct field *field)
{
	const double centre = (PV_GRID - 1) / 2.0;
	struct pv_tally t = { 0, 0 };

	for (int i = 0; i < PV_GRID; i++) {
		const int y = pv_search_row(i);
		struct pv_row moved = { { 0, 0, 0, 0 } };
		uint32_t cells = 0;
		int at[PV_GRID + 1];
		/* along the row, each axis's offset is c[0] + c[1] x + c[2] x^2 */
		double c[2][3];

		row_polynomial(field, (y - centre) / centre, c);
		for (int x = 0; x < PV_GRID; x++) {
			const double fx = (x - centre) / centre;
			int ex = field_cells(c[0][0] + (c[0][1] + c[0][2] * fx) * fx);
			int ey = field_cells(c[1][0] + (c[1][1] + c[1][2] * fx) * fx);

			at[x] = pv_wide_index(pose,
					      clamp_int(res->dx + ex, -PV_MATCH_WIDE_SHIFT_MAX,
							PV_MATCH_WIDE_SHIFT_MAX),
					      clamp_int(res->dy + ey, -PV_MATCH_WIDE_SHIFT_MAX,
							PV_MATCH_WIDE_SHIFT_MAX));
		}
		at[PV_GRID] = -1;
		for (int x = 0; x < PV_GRID; x++) {
			cells |= probe->column[y][x];
			if (at[x + 1] == at[x])
				continue;
			const struct pv_row *p = &probe->wide[at[x]].row[i];

			for (int w = 0; w < 4; w++)
				moved.w[w] |= p->w[w] & cells;
			cells = 0;
		}
		struct pv_tally rt = compare_rows(&moved, &ref->row[i], 1);

		t.dist += rt.dist;
		t.overlap += rt.overlap;
	}
	return t;
}

/* pv_probe_follow_skin() with a kernel's popcount: the kernels' targets
 * make __builtin_popcount one instruction. */
static inline __attribute__((always_inline)) void
follow_skin(const struct pv_probe *probe, const struct pv_packed *ref,
	    struct pv_match_result *res)
{
	const int pose = pose_of(res);
	struct skin skin = { .probe = probe, .ref = ref, .pose = pose,
			     .dx = res->dx, .dy = res->dy };
	static const struct field_kind {
		int terms;
		float cost;
	} kinds[] = { { PV_TERMS_AFFINE, 0 }, { PV_TERMS_QUADRATIC, QUADRATIC_COST } };
	/* The first fit takes the same blocks' offsets for either field:
	 * its affine sums are the top left of the quadratic ones. */
	struct field_fit first_fit = { { { 0 } }, { { 0 } } };

	if (pose < 0 || pose >= PV_POSES || res->overlap < MIN_OVERLAP_CELLS)
		return;
	for (int i = 0; i < PV_GRID; i++)
		for (int bx = 0; bx < ORIGINS; bx++)
			for (int x = bx * HALF_BLOCK; x < bx * HALF_BLOCK + BLOCK; x++)
				skin.columns[i][bx] |= probe->column[pv_search_row(i)][x];
	fit_blocks(&skin, NULL, BLOCK_SHIFT, PV_TERMS_QUADRATIC, &first_fit);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct field first = { .terms = kinds[k].terms }, field = first;
		struct field_fit refit = { { { 0 } }, { { 0 } } };

		if (!fit_solve(&first_fit, &first))
			continue;
		/* The second fit takes each block's offset about the first
		 * field, which can carry a block a cell past the first
		 * search's reach. */
		fit_blocks(&skin, &first, REFIT_SHIFT, field.terms, &refit);
		if (!fit_solve(&refit, &field))
			continue;
		struct pv_tally t = moved_tally(probe, ref, res, pose, &field);
		float score = score_of(normalised_distance(probe, t, PV_GRID) + kinds[k].cost);

		if (score > res->score) {
			res->score = score;
			res->distance = (float)t.dist / (3.0f * (float)t.overlap);
			res->overlap = t.overlap;
		}
	}
}

void pv_probe_set_columns(struct pv_probe *probe, const uint8_t (*perm)[PV_GRID])
{
	for (int y = 0; y < PV_GRID; y++)
		for (int x = 0; x < PV_GRID; x++)
			probe->column[y][x] = 1u << (perm ? perm[y][x] : x);
}

/*
 * Each kernel as a function (one alignment) and inlined in its own copies of
 * the searches, with its batched form if it has one. Without its own
 * instruction set, "popcnt" is the generic loop with the POPCNT
 * instruction instead of a libgcc call.
 */
#define KERNEL(name, isa, rows, scan)						\
	isa static struct pv_tally compare_##name(const struct pv_row *a,	\
						  const struct pv_row *b, int n) \
	{									\
		return rows(a, b, n);						\
	}									\
	isa static void search_##name(const struct pv_probe *probe,		\
				      const struct pv_packed *ref,		\
				      float prefilter, struct pv_match_result *res) \
	{									\
		search(probe, ref, prefilter, res, rows, scan, false);		\
	}									\
	isa static void search_thorough_##name(const struct pv_probe *probe,	\
					       const struct pv_packed *ref,	\
					       float prefilter,			\
					       struct pv_match_result *res)	\
	{									\
		search(probe, ref, prefilter, res, rows, scan, true);		\
	}									\
	isa static void search_wide_##name(const struct pv_probe *probe,	\
					   const struct pv_packed *ref,		\
					   float prefilter,			\
					   struct pv_match_result *res)		\
	{									\
		search_wide(probe, ref, prefilter, res, rows, scan);		\
	}									\
	isa static void follow_skin_##name(const struct pv_probe *probe,	\
					   const struct pv_packed *ref,		\
					   struct pv_match_result *res)		\
	{									\
		follow_skin(probe, ref, res);					\
	}

#if defined(__x86_64__) || defined(__i386__)
KERNEL(avx512, __attribute__((target("avx512f,avx512vpopcntdq"))),
       compare_avx512_rows, scan_avx512_rows)
KERNEL(avx2, __attribute__((target("avx2"))), compare_avx2_rows, scan_avx2_rows)
KERNEL(popcnt, __attribute__((target("popcnt"))), compare_rows, NULL)
#endif
KERNEL(generic, , compare_rows, NULL)

int pv_compare_kernels(struct pv_compare_kernel *out, int max)
{
	int n = 0;

#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (n < max && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512vpopcntdq"))
		out[n++] = (struct pv_compare_kernel){
			"avx512-vpopcntdq", compare_avx512, search_avx512,
			search_thorough_avx512, search_wide_avx512,
			follow_skin_avx512 };
	if (n < max && __builtin_cpu_supports("avx2"))
		out[n++] = (struct pv_compare_kernel){
			"avx2", compare_avx2, search_avx2,
			search_thorough_avx2, search_wide_avx2,
			follow_skin_avx2 };
	if (n < max && __builtin_cpu_supports("popcnt"))
		out[n++] = (struct pv_compare_kernel){
			"popcnt", compare_popcnt, search_popcnt,
			search_thorough_popcnt, search_wide_popcnt,
			follow_skin_popcnt };
#endif
	if (n < max)
		out[n++] = (struct pv_compare_kernel){
			"generic", compare_generic, search_generic,
			search_thorough_generic, search_wide_generic,
			follow_skin_generic };
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

/* Every alignment of @poses poses from @first_pose, up to @across cells
 * across the hand and @along along it, bent; the halves also move across
 * in the wide search's range. */
static void search_exhaustive(const struct pv_probe *probe,
			      const struct pv_packed *ref, int across, int along,
			      int first_pose, int poses, struct pv_match_result *res)
{
	struct candidate top = NO_CANDIDATE;

	for (int pose = first_pose; pose < first_pose + poses; pose++)
		for (int dy = -along; dy <= along; dy++)
			for (int dx = -across; dx <= across; dx++) {
				struct candidate c = { pose, dx, dy, 0, { 0, 0 }, 0 };

				c = shift_halves(probe, ref, probe->kernel.fn, c, NULL,
						 across > PV_MATCH_SHIFT_MAX ? WIDE_ACROSS : 0);
				if (c.cost < top.cost)
					top = c;
			}
	fill_result(top, res);
}

/*
 * A probe pose: its code resampled by rotation and scale about the grid
 * centre, over the grid plus a PV_MATCH_WIDE_SHIFT_MAX margin so that
 * shifts bring in cells from outside (invalid where the source is off-grid).
 */
#define POSE_SPAN (PV_GRID + 2 * PV_MATCH_WIDE_SHIFT_MAX)

struct pose_grid {
	uint64_t code[PV_CODE_PLANES][POSE_SPAN];	/* bit u + MAX */
	uint64_t mask[POSE_SPAN];
};

static void resample_pose(const struct pv_template *t, float rot_deg,
			  float scale, struct pose_grid *g)
{
	const float c = (PV_GRID - 1) / 2.0f;
	float th = rot_deg * (float)M_PI / 180.0f;
	float ca = cosf(th) / scale, sa = sinf(th) / scale;

	memset(g, 0, sizeof(*g));
	for (int v = 0; v < POSE_SPAN; v++)
		for (int u = 0; u < POSE_SPAN; u++) {
			float x = (float)(u - PV_MATCH_WIDE_SHIFT_MAX) - c;
			float y = (float)(v - PV_MATCH_WIDE_SHIFT_MAX) - c;
			/* Inverse map: where this cell comes from. */
			int sx = (int)lrintf(ca * x + sa * y + c);
			int sy = (int)lrintf(-sa * x + ca * y + c);

			if (sx < 0 || sx >= PV_GRID || sy < 0 || sy >= PV_GRID ||
			    !(t->mask[sy] >> sx & 1))
				continue;
			g->mask[v] |= 1ull << u;
			for (int p = 0; p < PV_CODE_PLANES; p++)
				g->code[p][v] |= (uint64_t)(t->code[p][sy] >> sx & 1) << u;
		}
}

/*
 * Variant (pose, dx, dy): cell (x, y) takes pose cell (x - dx, y - dy).
 * The mask is stored inverted, as the kernels take it (see pv_row).
 */
static void shift_variant(const struct pose_grid *g, int dx, int dy,
			  struct pv_packed *out)
{
	int shift = PV_MATCH_WIDE_SHIFT_MAX - dx;

	for (int i = 0; i < PV_GRID; i++) {
		int v = pv_search_row(i) - dy + PV_MATCH_WIDE_SHIFT_MAX;

		for (int p = 0; p < PV_CODE_PLANES; p++)
			out->row[i].w[p] = (uint32_t)(g->code[p][v] >> shift);
		out->row[i].w[3] = ~(uint32_t)(g->mask[v] >> shift);
	}
}

int pv_probe_build(const struct pv_template *t, struct pv_probe **out)
{
	struct pv_probe *probe;
	struct pose_grid g;

	probe = aligned_alloc(64, sizeof(*probe));
	if (!probe)
		return -ENOMEM;
	probe->key_id = 0;
	probe->unanchored = !!(t->flags & PV_TEMPLATE_UNANCHORED);
	pv_pack_template(t, &probe->self);
	probe->kernel = pv_kernel_best();
	fill_weights(probe->weight);
	pv_probe_set_columns(probe, NULL);
	for (int pose = 0; pose < PV_POSES; pose++) {
		float rot = PV_ROT_STEP_DEG * (pose % PV_ROT_STEPS - PV_ROT_STEPS / 2);
		float scale = 1.0f + PV_SCALE_STEP *
				     (pose / PV_ROT_STEPS - PV_SCALE_STEPS / 2);

		resample_pose(t, rot, scale, &g);
		for (int dy = -PV_MATCH_WIDE_SHIFT_MAX; dy <= PV_MATCH_WIDE_SHIFT_MAX; dy++)
			for (int dx = -PV_MATCH_WIDE_SHIFT_MAX; dx <= PV_MATCH_WIDE_SHIFT_MAX; dx++)
				shift_variant(&g, dx, dy,
					      &probe->wide[pv_wide_index(pose, dx, dy)]);
	}
	explicit_bzero(&g, sizeof(g));
	pv_probe_copy_variants(probe);
	*out = probe;
	return 0;
}

/*
 * A plain probe of the template a packed reference holds (its code and
 * mask; @unanchored: PV_TEMPLATE_UNANCHORED), to score the other order.
 * Returns 0 or -ENOMEM.
 */
static int probe_from_packed(const struct pv_packed *ref, bool unanchored,
			     struct pv_probe **out)
{
	struct pv_template t = { .flags = unanchored ? PV_TEMPLATE_UNANCHORED : 0 };
	int ret;

	for (int i = 0; i < PV_GRID; i++) {
		int y = pv_search_row(i);

		for (int p = 0; p < PV_CODE_PLANES; p++)
			t.code[p][y] = ref->row[i].w[p];
		t.mask[y] = ref->row[i].w[3];
	}
	ret = pv_probe_build(&t, out);
	pv_template_wipe(&t);
	return ret;
}

void pv_probe_copy_variants(struct pv_probe *probe)
{
	for (int pose = PV_NEAR_POSE_FIRST; pose < PV_NEAR_POSE_FIRST + PV_NEAR_POSES; pose++)
		for (int dy = -PV_MATCH_SHIFT_MAX; dy <= PV_MATCH_SHIFT_MAX; dy++)
			memcpy(&probe->variant[pv_variant_index(pose, -PV_MATCH_SHIFT_MAX, dy)],
			       &probe->wide[pv_wide_index(pose, -PV_MATCH_SHIFT_MAX, dy)],
			       PV_SHIFTS * sizeof(*probe->variant));
}

int pv_probe_new(const struct pv_template *t, struct pv_probe **out)
{
	if (!t || !out || (t->flags & PV_TEMPLATE_PROTECTED))
		return -EINVAL;
	return pv_probe_build(t, out);
}

void pv_probe_free(struct pv_probe *probe)
{
	if (!probe)
		return;
	explicit_bzero(probe, sizeof(*probe));
	free(probe);
}

static int check_pair(const struct pv_probe *probe, const struct pv_template *ref,
		      struct pv_match_result *res)
{
	if (!probe || !ref || !res)
		return -EINVAL;
	if (probe->key_id != ((ref->flags & PV_TEMPLATE_PROTECTED) ? ref->key_id : 0))
		return -EKEYREJECTED;
	return 0;
}

int pv_probe_match(const struct pv_probe *probe, const struct pv_template *ref,
		   struct pv_match_result *res)
{
	struct pv_packed packed;
	int ret = check_pair(probe, ref, res);

	if (ret)
		return ret;
	pv_pack_template(ref, &packed);
	pv_probe_search_1to1(probe, &packed, ref->flags & PV_TEMPLATE_UNANCHORED, res);
	explicit_bzero(&packed, sizeof(packed));
	return 0;
}

/*
 * The other order's alignment inverted: @other lays the reference's code
 * on the probe's (q = A p + d, A the rotation and scale), so the probe's
 * lies on the reference's at A^-1 and -A^-1 d, rounded to the pose grid
 * and the wide search's reach.
 */
static void invert_alignment(const struct pv_match_result *other,
			     struct pv_match_result *out)
{
	const double th = -other->rotation_deg * M_PI / 180.0, inv = 1.0 / other->scale;
	const int half = PV_SCALE_STEPS / 2;
	int k = clamp_int((int)lround((inv - 1.0) / PV_SCALE_STEP), -half, half);

	*out = *other;
	out->score = 0;
	out->rotation_deg = -other->rotation_deg;
	out->scale = 1.0f + PV_SCALE_STEP * (float)k;
	out->dx = clamp_int((int)lround(-inv * (cos(th) * other->dx - sin(th) * other->dy)),
			    -PV_MATCH_WIDE_SHIFT_MAX, PV_MATCH_WIDE_SHIFT_MAX);
	out->dy = clamp_int((int)lround(-inv * (sin(th) * other->dx + cos(th) * other->dy)),
			    -PV_MATCH_WIDE_SHIFT_MAX, PV_MATCH_WIDE_SHIFT_MAX);
}

/* pv_probe_match_other() on a packed reference. */
static void follow_other(const struct pv_probe *probe, const struct pv_packed *ref,
			 const struct pv_match_result *other, struct pv_match_result *res)
{
	struct pv_match_result seed;

	invert_alignment(other, &seed);
	pv_probe_follow_skin(probe, ref, &seed);
	if (seed.score > res->score)
		*res = seed;
}

int pv_probe_match_other(const struct pv_probe *probe, const struct pv_template *ref,
			 const struct pv_match_result *other, struct pv_match_result *res)
{
	struct pv_packed packed;
	int ret = check_pair(probe, ref, res);

	if (!ret && (probe->key_id || !other))
		ret = -EINVAL;
	if (ret)
		return ret;
	pv_pack_template(ref, &packed);
	follow_other(probe, &packed, other, res);
	explicit_bzero(&packed, sizeof(packed));
	return 0;
}

int pv_probe_match_exhaustive(const struct pv_probe *probe,
			      const struct pv_template *ref,
			      struct pv_match_result *res)
{
	struct pv_packed packed;
	int ret = check_pair(probe, ref, res);

	if (ret)
		return ret;
	pv_pack_template(ref, &packed);
	if (probe->unanchored || (ref->flags & PV_TEMPLATE_UNANCHORED))
		search_exhaustive(probe, &packed, PV_MATCH_WIDE_SHIFT_MAX,
				  PV_MATCH_WIDE_SHIFT_MAX, 0, PV_POSES, res);
	else
		search_exhaustive(probe, &packed, PV_MATCH_SHIFT_MAX, PV_MATCH_ALONG_MAX,
				  PV_NEAR_POSE_FIRST, PV_NEAR_POSES, res);
	explicit_bzero(&packed, sizeof(packed));
	return 0;
}

float pv_pair_score(float forward, float backward)
{
	return 0.5f * (forward + backward);
}

int pv_probe_add_other_order(const struct pv_probe *probe, const struct pv_packed *ref,
			     bool ref_unanchored, struct pv_match_result *res)
{
	struct pv_match_result forward = *res, backward;
	struct pv_probe *back;
	int ret = probe_from_packed(ref, ref_unanchored, &back);

	if (ret)
		return ret;
	pv_probe_search_1to1(back, &probe->self, probe->unanchored, &backward);
	follow_other(probe, ref, &backward, res);
	follow_other(back, &probe->self, &forward, &backward);
	pv_probe_free(back);
	res->score = pv_pair_score(res->score, backward.score);
	return 0;
}

int pv_probe_match_pair(const struct pv_probe *probe, const struct pv_template *ref,
			struct pv_match_result *res)
{
	const bool unanchored = ref && (ref->flags & PV_TEMPLATE_UNANCHORED);
	struct pv_packed packed;
	int ret = check_pair(probe, ref, res);

	if (!ret && probe->key_id)
		ret = -EINVAL;
	if (ret)
		return ret;
	pv_pack_template(ref, &packed);
	pv_probe_search_1to1(probe, &packed, unanchored, res);
	ret = pv_probe_add_other_order(probe, &packed, unanchored, res);
	explicit_bzero(&packed, sizeof(packed));
	return ret;
}

int pv_match(const struct pv_template *probe, const struct pv_template *ref,
	     struct pv_match_result *res)
{
	struct pv_probe *p;
	int ret = pv_probe_new(probe, &p);

	if (ret)
		return ret;
	ret = pv_probe_match_pair(p, ref, res);
	pv_probe_free(p);
	return ret;
}
