// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * 1:1 matcher: masked circular orientation distance over bit-packed
 * competitive codes, with a coarse-to-fine alignment search.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

/*
 * Overlap below which a comparison means nothing (a quarter of the grid),
 * and the typical overlap of two good captures, which the distance is
 * normalised to (as Daugman does for iris codes) so that a small overlap
 * that agrees by chance does not pass for a match.
 */
#define MIN_OVERLAP_CELLS 256
#define TYPICAL_OVERLAP_CELLS 800.0f

/*
 * Normalised distance -> score: a logistic, 0.5 at 0.30, which on
 * polyu-nir-roi lies between the worst genuine and the best impostor pair
 * (docs/accuracy.md).
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

_Static_assert(PV_GRID == 4 * PV_COARSE_ROWS && PV_GRID == 2 * PV_HALF_ROWS,
	       "coarse rows are a quarter, half rows a half");

static inline float normalised_distance(const struct pv_probe *probe,
					struct pv_tally t, int rows)
{
	/* A part of the rows: that part of the typical overlap. */
	unsigned int min_overlap = MIN_OVERLAP_CELLS / (PV_GRID / rows);
	float w = probe->weight[t.overlap] *
		  (rows == PV_COARSE_ROWS ? 2.0f :
		   rows == PV_HALF_ROWS ? (float)M_SQRT2 : 1.0f);

	if (t.overlap < min_overlap)
		return 0.5f;
	return 0.5f - (1.5f * (float)t.overlap - (float)t.dist) * w;
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
#define LATTICE (2 * PV_MATCH_SHIFT_MAX / COARSE_STEP + 1)
_Static_assert(PV_MATCH_SHIFT_MAX % COARSE_STEP == 0, "lattice reaches the range");

struct candidate {
	int pose, dx, dy;
	float cost;		/* normalised distance: what the search minimises */
	struct pv_tally tally;	/* over the first @rows rows of search order */
	int rows;
};

/*
 * Costs @c on the first @rows rows, comparing only the rows it has not
 * seen yet: a candidate carried from a coarser stage keeps its tally.
 */
static inline float try_candidate(const struct pv_probe *probe,
				  const struct pv_packed *ref,
				  struct candidate *c, int rows)
{
	const struct pv_packed *v =
		&probe->variant[pv_variant_index(c->pose, c->dx, c->dy)];
	struct pv_tally t = probe->compare(v->row + c->rows, ref->row + c->rows,
					   rows - c->rows);

	c->tally.dist += t.dist;
	c->tally.overlap += t.overlap;
	c->rows = rows;
	c->cost = normalised_distance(probe, c->tally, rows);
	return c->cost;
}

static void keep_best_two(struct candidate best[2], struct candidate c)
{
	if (c.cost < best[0].cost) {
		best[1] = best[0];
		best[0] = c;
	} else if (c.cost < best[1].cost) {
		best[1] = c;
	}
}

static int same_alignment(struct candidate a, struct candidate b)
{
	return a.pose == b.pose && a.dx == b.dx && a.dy == b.dy;
}

static void fill_result(struct candidate c, struct pv_match_result *res)
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

void pv_probe_search(const struct pv_probe *probe, const struct pv_packed *ref,
		     float prefilter, struct pv_match_result *res)
{
	struct candidate best[2] = {
		{ 0, 0, 0, 2.0f, { 0, 0 }, 0 },
		{ 0, 0, 0, 2.0f, { 0, 0 }, 0 },
	};
	struct candidate top = { PV_POSE_IDENTITY, 0, 0, 2.0f, { 0, 0 }, 0 };
	/*
	 * Stage 1: translation on the 2-cell lattice at the identity pose, one
	 * batched kernel call per lattice row; stage 3's +-1 then reaches every
	 * shift up to PV_MATCH_SHIFT_MAX.
	 */
	for (int dy = -PV_MATCH_SHIFT_MAX; dy <= PV_MATCH_SHIFT_MAX; dy += COARSE_STEP) {
		struct pv_tally t[LATTICE];
		const struct pv_packed *v = &probe->variant[
			pv_variant_index(PV_POSE_IDENTITY, -PV_MATCH_SHIFT_MAX, dy)];

		probe->scan(v->row, COARSE_STEP * PV_GRID, ref->row, PV_COARSE_ROWS,
			    LATTICE, t);
		for (int k = 0; k < LATTICE; k++) {
			struct candidate c = { PV_POSE_IDENTITY,
					       -PV_MATCH_SHIFT_MAX + COARSE_STEP * k, dy,
					       0, t[k], PV_COARSE_ROWS };

			c.cost = normalised_distance(probe, c.tally, PV_COARSE_ROWS);
			if (c.cost < best[1].cost)
				keep_best_two(best, c);
		}
	}
	/* Hopeless even at its best translation: stop here (1:N pre-filter). */
	if (best[0].cost > prefilter) {
		fill_result(best[0], res);
		return;
	}
	/*
	 * Stage 2: where the translation landed, rotation at scale 1, then
	 * scale at the best rotation.
	 */
	struct candidate anchor = best[0], turned = anchor;
	const int unscaled = PV_ROT_STEPS * (PV_SCALE_STEPS / 2);

	for (int rot = 0; rot < PV_ROT_STEPS; rot++) {
		struct candidate c = { unscaled + rot, anchor.dx, anchor.dy, 0, { 0, 0 }, 0 };

		if (c.pose == PV_POSE_IDENTITY)
			continue;
		if (try_candidate(probe, ref, &c, PV_COARSE_ROWS) < turned.cost)
			turned = c;
		keep_best_two(best, c);
	}
	for (int scale = 0; scale < PV_SCALE_STEPS; scale++) {
		struct candidate c = { scale * PV_ROT_STEPS + turned.pose % PV_ROT_STEPS,
				       anchor.dx, anchor.dy, 0, { 0, 0 }, 0 };

		if (scale == PV_SCALE_STEPS / 2)
			continue;
		try_candidate(probe, ref, &c, PV_COARSE_ROWS);
		keep_best_two(best, c);
	}
	/*
	 * Stage 3: +-1 cell on half the rows from the best, and from the
	 * runner-up or, when a pose displaced it, the stage-1 winner: a wrong
	 * pose can look better than the right one at a translation one cell
	 * off.
	 */
	struct candidate seeds[2] = { best[0], best[1] };
	int nseeds = 2;

	if (!same_alignment(anchor, best[0]))
		seeds[1] = anchor;
	for (int k = 0; k < nseeds; k++) {
		struct candidate at = seeds[k];

		try_candidate(probe, ref, &at, PV_HALF_ROWS);
		/* Coordinate descent: +-1 in x, then +-1 in y from there. */
		for (int axis = 0; axis < 2; axis++) {
			struct candidate from = at;

			for (int step = -1; step <= 1; step += 2) {
				struct candidate c = { from.pose, from.dx, from.dy, 0,
						       { 0, 0 }, 0 };

				c.dx += axis ? 0 : step;
				c.dy += axis ? step : 0;
				if (abs(c.dx) > PV_MATCH_SHIFT_MAX ||
				    abs(c.dy) > PV_MATCH_SHIFT_MAX)
					continue;
				if (try_candidate(probe, ref, &c, PV_HALF_ROWS) < at.cost)
					at = c;
			}
		}
		if (at.cost < top.cost)
			top = at;
	}
	/* The score comes from every row of the winner. */
	try_candidate(probe, ref, &top, PV_GRID);
	fill_result(top, res);
}

static void search_exhaustive(const struct pv_probe *probe,
			      const struct pv_packed *ref,
			      struct pv_match_result *res)
{
	struct candidate top = { PV_POSE_IDENTITY, 0, 0, 2.0f, { 0, 0 }, 0 };

	for (int pose = 0; pose < PV_POSES; pose++)
		for (int dy = -PV_MATCH_SHIFT_MAX; dy <= PV_MATCH_SHIFT_MAX; dy++)
			for (int dx = -PV_MATCH_SHIFT_MAX; dx <= PV_MATCH_SHIFT_MAX; dx++) {
				struct candidate c = { pose, dx, dy, 0, { 0, 0 }, 0 };

				if (try_candidate(probe, ref, &c, PV_GRID) < top.cost)
					top = c;
			}
	fill_result(top, res);
}

/*
 * A probe pose: its code resampled by rotation and scale about the grid
 * centre, over the grid plus a PV_MATCH_SHIFT_MAX margin so that shifts
 * bring in cells from outside (invalid where the source is off-grid).
 */
#define POSE_SPAN (PV_GRID + 2 * PV_MATCH_SHIFT_MAX)

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
			float x = (float)(u - PV_MATCH_SHIFT_MAX) - c;
			float y = (float)(v - PV_MATCH_SHIFT_MAX) - c;
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

/* Variant (pose, dx, dy): cell (x, y) takes pose cell (x - dx, y - dy). */
static void shift_variant(const struct pose_grid *g, int dx, int dy,
			  struct pv_packed *out)
{
	int shift = PV_MATCH_SHIFT_MAX - dx;

	for (int i = 0; i < PV_GRID; i++) {
		int v = pv_search_row(i) - dy + PV_MATCH_SHIFT_MAX;

		for (int p = 0; p < PV_CODE_PLANES; p++)
			out->row[i].w[p] = (uint32_t)(g->code[p][v] >> shift);
		out->row[i].w[3] = (uint32_t)(g->mask[v] >> shift);
	}
}

int pv_probe_build(const struct pv_template *t, struct pv_probe **out)
{
	struct pv_compare_kernel kernel = pv_kernel_best();
	struct pv_probe *probe;
	struct pose_grid g;

	probe = aligned_alloc(64, sizeof(*probe));
	if (!probe)
		return -ENOMEM;
	probe->key_id = 0;
	probe->compare = kernel.fn;
	probe->scan = kernel.scan;
	fill_weights(probe->weight);
	for (int pose = 0; pose < PV_POSES; pose++) {
		float rot = PV_ROT_STEP_DEG * (pose % PV_ROT_STEPS - PV_ROT_STEPS / 2);
		float scale = 1.0f + PV_SCALE_STEP *
				     (pose / PV_ROT_STEPS - PV_SCALE_STEPS / 2);

		resample_pose(t, rot, scale, &g);
		for (int dy = -PV_MATCH_SHIFT_MAX; dy <= PV_MATCH_SHIFT_MAX; dy++)
			for (int dx = -PV_MATCH_SHIFT_MAX; dx <= PV_MATCH_SHIFT_MAX; dx++)
				shift_variant(&g, dx, dy,
					      &probe->variant[pv_variant_index(pose, dx, dy)]);
	}
	explicit_bzero(&g, sizeof(g));
	*out = probe;
	return 0;
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
	pv_probe_search(probe, &packed, PV_NO_PREFILTER, res);
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
	search_exhaustive(probe, &packed, res);
	explicit_bzero(&packed, sizeof(packed));
	return 0;
}

int pv_match(const struct pv_template *probe, const struct pv_template *ref,
	     struct pv_match_result *res)
{
	struct pv_probe *p;
	int ret = pv_probe_new(probe, &p);

	if (ret)
		return ret;
	ret = pv_probe_match(p, ref, res);
	pv_probe_free(p);
	return ret;
}
