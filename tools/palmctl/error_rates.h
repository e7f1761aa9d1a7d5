/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Verification error rates from genuine and impostor score lists
 * (higher score = more alike; a pair is accepted when score >= threshold),
 * and the DET curve as SVG. Pure computation plus one FILE writer.
 */
#ifndef PALMCTL_ERROR_RATES_H
#define PALMCTL_ERROR_RATES_H

#include <stddef.h>
#include <stdio.h>

struct score_list {
	float *s;		/* sorted ascending by scores_sort() */
	size_t n;
};

void scores_sort(struct score_list *l);

/*
 * Equal error rate: (FAR + FRR) / 2 at the threshold where they are
 * closest. Both lists sorted and non-empty. *threshold may be NULL.
 */
double rates_eer(const struct score_list *gen, const struct score_list *imp,
		 float *threshold);

/*
 * FRR at the lowest threshold whose FAR is at most @far. With fewer than
 * 1/@far impostor pairs this means FAR = 0: above every impostor.
 */
double rates_frr_at_far(const struct score_list *gen,
			const struct score_list *imp, double far);

struct det_curve {
	const char *label;
	const char *colour;	/* SVG colour */
	const struct score_list *gen;
};

/* Writes a DET plot (log FAR vs log FRR) of @n curves sharing @imp. */
int det_write_svg(FILE *f, const char *title, const struct det_curve *curves,
		  size_t n, const struct score_list *imp);

#endif /* PALMCTL_ERROR_RATES_H */
