/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 1:1 matching of templates with an alignment search.
 *
 * The probe side is prepared once (struct pv_probe): its code is resampled
 * for every rotation and scale the search tries and shifted for every
 * translation, so that comparing against a stored template is only XOR,
 * AND and popcount. Prepare the probe once and match it against many
 * templates; pv_match() is the one-shot convenience, and scores both orders.
 *
 * Search: translation +-4 cells (+-16 ROI pixels), rotation -9..+9 degrees
 * in 3-degree steps, scale 0.95/1/1.05. The fast search, which 1:N runs on
 * every gallery entry (gallery.h), is coarse-to-fine: translation in
 * 2-cell steps on a quarter of the rows, then rotation and scale there,
 * then +-1 cell coordinate descent on half the rows from the best two, and
 * last each half of the grid along the hand (rows 0-15 and 16-31) may move
 * one row or turn one rotation step on its own, as finger spread stretches
 * and bends the palm, and the score comes from all rows of both halves
 * (docs/accuracy.md).
 *
 * pv_probe_match() runs the thorough search: every translation at -3, 0
 * and +3 degrees in place of the 2-cell lattice, +-4 cells across the
 * hand (dx) and +-8 along it (dy, where finger spread moves the ROI),
 * then the stages above from the best two within +-4 and from the best
 * two overall, then a hill climb on the bent score itself (a cell, a
 * rotation step or a scale step at a time), started again at the other
 * two scales. It finds alignments the fast search misses (a palm turned
 * 6 degrees and one cell off its lattice, moved further along the hand,
 * or scaled the other way) for about 20 times its cost
 * (docs/benchmarks.md).
 *
 * When either template is PV_TEMPLATE_UNANCHORED (its ROI had no finger
 * valleys to fix where the palm lies in it, nor how large it is) the
 * search is wider: translation +-8 cells, the coarse lattice at -3, 0 and
 * +3 degrees, and the best two points of each rotation climbing to their
 * optimum in translation, then in rotation and in scale from 0.85 to 1.15,
 * then the halves as above. It costs about 5 times the normal search.
 * pv_probe_match() runs it and the thorough search on such pairs, and
 * keeps the better.
 */
#ifndef PALMVEIN_MATCH_H
#define PALMVEIN_MATCH_H

#include <palmvein/template.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PV_MATCH_SHIFT_MAX 4
#define PV_MATCH_WIDE_SHIFT_MAX 8
/* The thorough search's reach along the hand (dy); across it, SHIFT_MAX. */
#define PV_MATCH_ALONG_MAX 8

struct pv_probe;

struct pv_match_result {
	float score;		/* 0..1, 1 = same palm; see docs/accuracy.md */
	/* Mean circular orientation distance over the cells valid in both,
	 * 0 (same) .. 1 (all orthogonal); 0.5 for unrelated codes. The score
	 * also accounts for the overlap. */
	float distance;
	unsigned int overlap;	/* cells valid in both at the best alignment */
	/* The alignment: the probe's code, rotated by rotation_deg and scaled
	 * by scale about the grid centre (grid axes), then shifted by dx, dy
	 * cells, lies best on the reference; a half of the grid may lie a row
	 * or a rotation step off that (distance and overlap count it). */
	int dx, dy;
	float rotation_deg;
	float scale;
};

/*
 * Prepares @t as a probe. Returns 0, -EINVAL (NULL, or a protected template:
 * protected probes come from renew.h) or -ENOMEM. Free with pv_probe_free().
 */
int pv_probe_new(const struct pv_template *t, struct pv_probe **out);

/* Zeroes and frees; NULL is a no-op. */
void pv_probe_free(struct pv_probe *probe);

/*
 * Matches @probe against @ref with the thorough search (and the wide one
 * when either is unanchored, the better of the two), then follows the
 * skin's deformation from the alignment found: blocks of the grid find
 * their own offsets, an affine and a quadratic field fitted to them each
 * move every cell, and the highest score stands (docs/accuracy.md).
 * Returns 0,
 * -EINVAL, or -EKEYREJECTED when @ref was protected with another key (or
 * the probe is protected and @ref is not).
 */
int pv_probe_match(const struct pv_probe *probe, const struct pv_template *ref,
		   struct pv_match_result *res);

/* Same, trying every alignment in the thorough search's range (2295 of
 * them; 4335 in the wide search's, for unanchored templates): the
 * reference for tests. */
int pv_probe_match_exhaustive(const struct pv_probe *probe,
			      const struct pv_template *ref,
			      struct pv_match_result *res);

/*
 * The skin followed once more, from the other order's alignment: @other is
 * @ref's probe against @probe's template (pv_probe_match()), and where its
 * alignment, inverted, puts @probe's code on @ref, the skin's fields may
 * find more than from @probe's own search. @res holds @probe's order
 * against @ref (pv_probe_match()) and takes the better of the two. A
 * search can land on another pose in one order than in the other
 * (docs/accuracy.md, "Both orders"). Returns 0, -EINVAL (also for a keyed
 * probe: protected references have no other order) or -EKEYREJECTED.
 */
int pv_probe_match_other(const struct pv_probe *probe, const struct pv_template *ref,
			 const struct pv_match_result *other, struct pv_match_result *res);

/*
 * The 1:1 score of a pair from its two orders' scores (each template's
 * probe against the other template): their mean. The search resamples
 * only the probe, and deformation or glare can hide an alignment in one
 * order that the other finds (docs/accuracy.md, "Both orders"). 1:N
 * (gallery.h) ranks by the probe's order and gives its plain best this
 * score; keyed references have the probe's order alone.
 */
float pv_pair_score(float forward, float backward);

/*
 * 1:1 in both orders with a prepared plain probe: @probe against @ref, a
 * probe of @ref (prepared and freed here) against @probe's own template,
 * each order's skin followed from the other's alignment too
 * (pv_probe_match_other()). @res is @probe's order against @ref, its
 * score pv_pair_score() of both orders: the same whichever template comes
 * first. Twice pv_probe_match()'s cost and a second probe. Returns 0,
 * -EINVAL (also for a keyed probe: a protected template cannot be a
 * probe), -EKEYREJECTED (@ref protected) or -ENOMEM.
 */
int pv_probe_match_pair(const struct pv_probe *probe, const struct pv_template *ref,
			struct pv_match_result *res);

/*
 * One-shot 1:1 in both orders: prepares @probe, runs
 * pv_probe_match_pair() against @ref and frees it. Errors as
 * pv_probe_new() and pv_probe_match_pair().
 */
int pv_match(const struct pv_template *probe, const struct pv_template *ref,
	     struct pv_match_result *res);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_MATCH_H */
