/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Matcher internals shared by match.c, gallery.c and renew.c: the packed
 * row layout the popcount kernels read, and the prepared probe.
 */
#ifndef PALMVEIN_MATCH_INTERNAL_H
#define PALMVEIN_MATCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <palmvein/match.h>

#define PV_ROT_STEPS 7		/* -9 .. +9 degrees */
#define PV_ROT_STEP_DEG 3.0f
/*
 * Scales 0.85 .. 1.15. The normal and thorough searches try the middle
 * PV_NEAR_SCALES, 0.95 / 1 / 1.05; the wide search's climbs reach them
 * all: an unanchored ROI's size is as uncertain as its place
 * (docs/accuracy.md, "Scale of unanchored pairs").
 */
#define PV_SCALE_STEPS 7
#define PV_NEAR_SCALES 3
#define PV_SCALE_STEP 0.05f
#define PV_POSES (PV_ROT_STEPS * PV_SCALE_STEPS)
#define PV_POSE_IDENTITY (PV_ROT_STEPS * (PV_SCALE_STEPS / 2) + PV_ROT_STEPS / 2)
/* The first near scale; the near scales' poses: the first, and how many. */
#define PV_NEAR_SCALE_FIRST (PV_SCALE_STEPS / 2 - PV_NEAR_SCALES / 2)
#define PV_NEAR_POSE_FIRST (PV_ROT_STEPS * PV_NEAR_SCALE_FIRST)
#define PV_NEAR_POSES (PV_ROT_STEPS * PV_NEAR_SCALES)
#define PV_SHIFTS (2 * PV_MATCH_SHIFT_MAX + 1)
#define PV_VARIANTS (PV_NEAR_POSES * PV_SHIFTS * PV_SHIFTS)
/*
 * The wide search's alignments (match.h) are held in a table of their own:
 * the normal search spread over the +-8 layout lost 2-3 % (AVX-512, AVX2)
 * to 10 % (generic) of its speed.
 */
#define PV_WIDE_SHIFTS (2 * PV_MATCH_WIDE_SHIFT_MAX + 1)
#define PV_WIDE_VARIANTS (PV_POSES * PV_WIDE_SHIFTS * PV_WIDE_SHIFTS)
/* Rows the coarse stages read: the first PV_COARSE_ROWS of search order;
 * the refinement reads the first PV_HALF_ROWS. */
#define PV_COARSE_ROWS 8
#define PV_HALF_ROWS 16

/*
 * One grid row: code planes 0..2 then the validity mask, bit x = cell x.
 * A probe's variants store the mask inverted (bit set: cell invalid): the
 * kernels take the overlap as ~probe & reference, where the mask dwords'
 * XOR is all ones, so the overlap counts along with the distance bits for
 * one instruction less per row pair.
 */
struct pv_row {
	uint32_t w[4];
};

/*
 * A template's rows in search order: every fourth row first (what the
 * coarse stages read, two cache lines), then the other even rows (the
 * refinement reads those too), then the odd rows.
 */
struct pv_packed {
	_Alignas(64) struct pv_row row[PV_GRID];
};

/* Grid row stored at search position @i. */
static inline int pv_search_row(int i)
{
	if (i < PV_COARSE_ROWS)
		return 4 * i + 2;
	if (i < PV_HALF_ROWS)
		return 4 * (i - PV_COARSE_ROWS);
	return 2 * (i - PV_HALF_ROWS) + 1;
}

/* Sum of orientation distances and count of cells valid in both. */
struct pv_tally {
	unsigned int dist, overlap;
};

/* Compares @rows rows of a probe variant @a with a reference @b. */
typedef struct pv_tally (*pv_compare_fn)(const struct pv_row *a,
					  const struct pv_row *b, int rows);
struct pv_probe;
typedef void (*pv_search_fn)(const struct pv_probe *probe,
			     const struct pv_packed *ref, float prefilter,
			     struct pv_match_result *res);

struct pv_compare_kernel {
	const char *name;
	pv_compare_fn fn;		/* one alignment */
	pv_search_fn search;		/* pv_probe_search() with this kernel */
	pv_search_fn search_thorough;	/* pv_probe_search_thorough() with it */
	pv_search_fn search_wide;	/* pv_probe_search_wide() with it */
	void (*follow_skin)(const struct pv_probe *probe, const struct pv_packed *ref,
			    struct pv_match_result *res);	/* pv_probe_follow_skin() */
};

struct pv_probe {
	uint32_t key_id;		/* 0: plain probe */
	uint8_t unanchored;		/* from PV_TEMPLATE_UNANCHORED */
	/* its own plain template as a reference, for the other order */
	struct pv_packed self;
	struct pv_compare_kernel kernel;	/* the fastest this CPU runs */
	float weight[PV_GRID * PV_GRID + 1];	/* see match.c */
	/*
	 * column[y][x]: the bit that holds cell x of grid row y in every
	 * variant, 1 << x unless a key permuted the row (renew.c); what
	 * follows the skin needs to know where a cell lies.
	 */
	uint32_t column[PV_GRID][PV_GRID];
	struct pv_packed variant[PV_VARIANTS];	/* near scales, +-4 cells */
	struct pv_packed wide[PV_WIDE_VARIANTS];	/* every pose, +-8 cells */
};

/* A near pose's variant in the normal table. */
static inline int pv_variant_index(int pose, int dx, int dy)
{
	return ((pose - PV_NEAR_POSE_FIRST) * PV_SHIFTS + dy + PV_MATCH_SHIFT_MAX) *
	       PV_SHIFTS + dx + PV_MATCH_SHIFT_MAX;
}

static inline int pv_wide_index(int pose, int dx, int dy)
{
	return (pose * PV_WIDE_SHIFTS + dy + PV_MATCH_WIDE_SHIFT_MAX) * PV_WIDE_SHIFTS +
	       dx + PV_MATCH_WIDE_SHIFT_MAX;
}

void pv_pack_template(const struct pv_template *t, struct pv_packed *out);

/* Allocates a probe and fills its variants from @t (unprotected). */
int pv_probe_build(const struct pv_template *t, struct pv_probe **out);

/* Sets probe->column from a key's per-row cell permutation (cell x of row
 * y to bit perm[y][x]), or to the identity when @perm is NULL. */
void pv_probe_set_columns(struct pv_probe *probe, const uint8_t (*perm)[PV_GRID]);

/* Copies variant[] out of wide[], which holds them all: after wide[]
 * changed (renew.c). */
void pv_probe_copy_variants(struct pv_probe *probe);

/*
 * The coarse-to-fine search against a packed reference. When the best
 * coarse translation costs more than @prefilter the search stops there and
 * reports that (lower-bound quality) result.
 */
#define PV_NO_PREFILTER 2.0f
static inline void pv_probe_search(const struct pv_probe *probe,
				   const struct pv_packed *ref, float prefilter,
				   struct pv_match_result *res)
{
	probe->kernel.search(probe, ref, prefilter, res);
}

/*
 * The same, scanning every translation at three rotations, further along
 * the hand, and climbing on the bent score at the end: about 10 times the
 * cost, for 1:1 verification and to re-score the best entries of a 1:N
 * search (match.h).
 */
static inline void pv_probe_search_thorough(const struct pv_probe *probe,
					    const struct pv_packed *ref,
					    struct pv_match_result *res)
{
	probe->kernel.search_thorough(probe, ref, PV_NO_PREFILTER, res);
}

/* The same for pairs where either template is unanchored (match.h). */
static inline void pv_probe_search_wide(const struct pv_probe *probe,
					const struct pv_packed *ref, float prefilter,
					struct pv_match_result *res)
{
	probe->kernel.search_wide(probe, ref, prefilter, res);
}

/*
 * The alignment pv_probe_match() finds on a packed reference,
 * @ref_unanchored when its template is PV_TEMPLATE_UNANCHORED: the
 * thorough search, and when either is unanchored also the wide one, the
 * better of the two. What pv_probe_match_exhaustive() bounds.
 */
static inline void pv_probe_search_aligned(const struct pv_probe *probe,
					   const struct pv_packed *ref, bool ref_unanchored,
					   struct pv_match_result *res)
{
	struct pv_match_result near;

	pv_probe_search_thorough(probe, ref, res);
	if (!probe->unanchored && !ref_unanchored)
		return;
	/*
	 * The wide search climbs from the best two points of each rotation
	 * of a 2-cell lattice on a quarter of the rows; a palm lying near
	 * the identity can be missed there (seed 12's 0086_04/05: 0.0007
	 * against 0.99 with every alignment), and the thorough search
	 * scans every translation about it.
	 */
	near = *res;
	pv_probe_search_wide(probe, ref, PV_NO_PREFILTER, res);
	if (near.score > res->score)
		*res = near;
}

/*
 * After a search: each block of the grid finds its own offset from @res's
 * alignment, an affine and a quadratic field fitted to those each move
 * every cell, and @res takes the best score there if it is higher
 * (match.c, "Skin deformation").
 */
static inline void pv_probe_follow_skin(const struct pv_probe *probe,
					const struct pv_packed *ref,
					struct pv_match_result *res)
{
	probe->kernel.follow_skin(probe, ref, res);
}

/* What pv_probe_match() runs on a packed reference: the alignment, then
 * the skin's deformation from there. 1:N re-scores its best entries with
 * it. */
static inline void pv_probe_search_1to1(const struct pv_probe *probe,
					const struct pv_packed *ref, bool ref_unanchored,
					struct pv_match_result *res)
{
	pv_probe_search_aligned(probe, ref, ref_unanchored, res);
	pv_probe_follow_skin(probe, ref, res);
}

/*
 * @res holds @probe's order against the packed @ref (@ref_unanchored: its
 * PV_TEMPLATE_UNANCHORED); adds @ref's order against the probe's own
 * template, each order's skin followed from the other's alignment too,
 * and takes pv_pair_score() of both: pv_probe_match_pair() after the
 * search. Returns 0 or -ENOMEM.
 */
int pv_probe_add_other_order(const struct pv_probe *probe, const struct pv_packed *ref,
			     bool ref_unanchored, struct pv_match_result *res);

/* The kernels this CPU runs, fastest first; returns how many (<= @max);
 * exposed so that tests and benchmarks can compare them. */
int pv_compare_kernels(struct pv_compare_kernel *out, int max);
pv_compare_fn pv_compare_best(void);
struct pv_compare_kernel pv_kernel_best(void);

#endif /* PALMVEIN_MATCH_INTERNAL_H */
