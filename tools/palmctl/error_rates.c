// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error rates and DET curves for palmctl eval. */
#include <math.h>
#include <stdlib.h>

#include "error_rates.h"

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

void scores_sort(struct score_list *l)
{
	/* an empty list may have no array, and qsort() takes none */
	if (l->n)
		qsort(l->s, l->n, sizeof(*l->s), cmp_float);
}

/* Number of entries of sorted @l strictly below @t. */
static size_t count_below(const struct score_list *l, float t)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->s[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void rates_at(const struct score_list *gen, const struct score_list *imp,
		     float t, double *far, double *frr)
{
	*frr = (double)count_below(gen, t) / (double)gen->n;
	*far = (double)(imp->n - count_below(imp, t)) / (double)imp->n;
}

double rates_eer(const struct score_list *gen, const struct score_list *imp,
		 float *threshold)
{
	double best_gap = 2, eer = 1;
	float best_t = 0;

	/* Candidate thresholds: every score, and just above the highest. */
	for (int list = 0; list < 3; list++) {
		const struct score_list *l = list == 1 ? imp : gen;
		size_t n = list == 2 ? 1 : l->n;

		for (size_t i = 0; i < n; i++) {
			float t = list == 2 ? nextafterf(fmaxf(gen->s[gen->n - 1],
						       imp->s[imp->n - 1]), INFINITY)
					    : l->s[i];
			double far, frr;

			rates_at(gen, imp, t, &far, &frr);
			if (fabs(far - frr) < best_gap ||
			    (fabs(far - frr) == best_gap && (far + frr) / 2 < eer)) {
				best_gap = fabs(far - frr);
				eer = (far + frr) / 2;
				best_t = t;
			}
		}
	}
	if (threshold)
		*threshold = best_t;
	return eer;
}

double rates_frr_at_far(const struct score_list *gen,
			const struct score_list *imp, double far)
{
	size_t allowed = (size_t)floor(far * (double)imp->n);
	double far_at, frr;

	if (allowed >= imp->n)
		return 0;
	/* Accept only scores above the (allowed+1)-th highest impostor. */
	rates_at(gen, imp, nextafterf(imp->s[imp->n - 1 - allowed], INFINITY),
		 &far_at, &frr);
	return frr;
}

#define PLOT_W 480
#define PLOT_H 480
#define MARGIN 60
#define DECADES 5	/* axes run from 1e-5 to 1 */

static double axis(double rate)
{
	double floor_rate = pow(10, -DECADES);

	return (log10(rate < floor_rate ? floor_rate : rate) + DECADES) / DECADES;
}

/* Text content for SVG: a title is a path, which may hold '&' or '<'. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		default: fputc(*s, f);
		}
	}
}

int det_write_svg(FILE *f, const char *title, const struct det_curve *curves,
		  size_t n, const struct score_list *imp)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n",
		PLOT_W + 2 * MARGIN, PLOT_H + 2 * MARGIN);
	fprintf(f, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\">",
		MARGIN + PLOT_W / 2);
	put_escaped(f, title);
	fputs("</text>\n", f);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		"fill=\"none\" stroke=\"black\"/>\n", MARGIN, MARGIN, PLOT_W, PLOT_H);
	for (int d = 0; d <= DECADES; d++) {
		double p = (double)d / DECADES;
		int x = MARGIN + (int)lround(p * PLOT_W);
		int y = MARGIN + PLOT_H - (int)lround(p * PLOT_H);

		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n",
			x, MARGIN, x, MARGIN + PLOT_H);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n",
			MARGIN, y, MARGIN + PLOT_W, y);
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">1e%d</text>\n",
			x, MARGIN + PLOT_H + 16, d - DECADES);
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">1e%d</text>\n",
			MARGIN - 4, y + 4, d - DECADES);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">false accept rate "
		"(%zu impostor pairs; 0 drawn at 1e-%d)</text>\n",
		MARGIN + PLOT_W / 2, MARGIN + PLOT_H + 36, imp->n, DECADES);
	fprintf(f, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 16 %d)\">false reject rate</text>\n",
		MARGIN + PLOT_H / 2, MARGIN + PLOT_H / 2);
	for (size_t c = 0; c < n; c++) {
		const struct score_list *gen = curves[c].gen;

		fprintf(f, "<text x=\"%d\" y=\"%zu\" fill=\"%s\">%s (%zu genuine pairs)</text>\n",
			MARGIN + 10, MARGIN + 18 + 16 * c, curves[c].colour,
			curves[c].label, gen->n);
		if (!gen->n || !imp->n)
			continue;
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
			curves[c].colour);
		/* One point per distinct score, thresholds in rising order. */
		size_t i = 0, j = 0;
		float last = -INFINITY;

		while (i < gen->n || j < imp->n) {
			float t = j >= imp->n || (i < gen->n && gen->s[i] < imp->s[j]) ?
				  gen->s[i++] : imp->s[j++];
			double far, frr;

			if (t == last)
				continue;
			last = t;
			rates_at(gen, imp, t, &far, &frr);
			fprintf(f, "%.1f,%.1f ", MARGIN + axis(far) * PLOT_W,
				MARGIN + PLOT_H - axis(frr) * PLOT_H);
		}
		fprintf(f, "\"/>\n");
	}
	fprintf(f, "</svg>\n");
	return ferror(f) ? -1 : 0;
}
