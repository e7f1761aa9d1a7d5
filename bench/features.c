// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-features DATA_DIR: the measurements behind the feature and matcher
 * choices in docs/accuracy.md, on the pre-aligned polyu-nir-roi ROIs (so
 * that ROI extraction does not blur the comparison).
 *
 * For several filter banks and for three alignment strategies it prints the
 * decidability d' of the distances, the margin between the worst genuine and
 * the worst impostor pair, and the EER of the scores.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>

#include "../lib/features_internal.h"
#include "../lib/match_internal.h"
#include "../tools/palmctl/error_rates.h"

#define MAX_ROIS 256

struct roi_set {
	struct pv_roi *roi;
	int *palm;
	int n;
};

static int load_rois(const char *dir, struct roi_set *set)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		return -1;
	set->roi = calloc(MAX_ROIS, sizeof(*set->roi));
	set->palm = calloc(MAX_ROIS, sizeof(*set->palm));
	set->n = 0;
	for (int i = 0; i < n; i++) {
		char path[1536];
		int w, h, maxval;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		f = strstr(names[i]->d_name, ".pgm") && set->n < MAX_ROIS ?
		    fopen(path, "rb") : NULL;
		if (f) {
			struct pv_roi *r = &set->roi[set->n];

			if (fscanf(f, "P5 %d %d %d", &w, &h, &maxval) == 3 &&
			    w == PV_ROI_SIZE && h == PV_ROI_SIZE && maxval == 255 &&
			    fgetc(f) != EOF &&
			    fread(r->pixels, 1, sizeof(r->pixels), f) == sizeof(r->pixels)) {
				memset(r->valid, 1, sizeof(r->valid));
				set->palm[set->n++] = atoi(names[i]->d_name);
			}
			fclose(f);
		}
		free(names[i]);
	}
	free(names);
	return set->n ? 0 : -1;
}

enum strategy { NO_ALIGNMENT, COARSE_TO_FINE, EXHAUSTIVE };

struct outcome {
	double dprime, margin, eer;
};

static void measure(const struct roi_set *set, const struct pv_feature_params *fp,
		    enum strategy how, struct outcome *out)
{
	struct pv_template *t = calloc((size_t)set->n, sizeof(*t));
	struct pv_packed *packed = aligned_alloc(64, (size_t)set->n * sizeof(*packed));
	size_t pairs = (size_t)set->n * (size_t)(set->n - 1) / 2;
	struct score_list gen = { malloc(pairs * sizeof(float)), 0 };
	struct score_list imp = { malloc(pairs * sizeof(float)), 0 };
	double gsum = 0, gsq = 0, isum = 0, isq = 0, gmax = 0, imin = 1;
	pv_compare_fn compare = pv_compare_best();

	for (int i = 0; i < set->n; i++) {
		pv_features_compute(&set->roi[i], fp, &t[i]);
		pv_pack_template(&t[i], &packed[i]);
	}
	for (int a = 0; a < set->n; a++) {
		struct pv_probe *p;

		pv_probe_new(&t[a], &p);
		for (int b = a + 1; b < set->n; b++) {
			struct pv_match_result r;

			if (how == NO_ALIGNMENT) {
				/* Identity only: the variant at pose 0, no shift. */
				const struct pv_packed *v =
					&p->variant[pv_variant_index(PV_POSE_IDENTITY, 0, 0)];
				struct pv_tally tl = compare(v->row, packed[b].row, PV_GRID);

				r.distance = tl.overlap ? (float)tl.dist / (3.0f * tl.overlap) : 0.5f;
				r.score = 1.0f - r.distance;
			} else if (how == COARSE_TO_FINE) {
				pv_probe_search(p, &packed[b], PV_NO_PREFILTER, &r);
			} else {
				pv_probe_match_exhaustive(p, &t[b], &r);
			}
			if (set->palm[a] == set->palm[b]) {
				gen.s[gen.n++] = r.score;
				gsum += r.distance;
				gsq += r.distance * r.distance;
				gmax = fmax(gmax, r.distance);
			} else {
				imp.s[imp.n++] = r.score;
				isum += r.distance;
				isq += r.distance * r.distance;
				imin = fmin(imin, r.distance);
			}
		}
		pv_probe_free(p);
	}
	double gm = gsum / gen.n, im = isum / imp.n;
	double gv = gsq / gen.n - gm * gm, iv = isq / imp.n - im * im;

	scores_sort(&gen);
	scores_sort(&imp);
	out->dprime = (im - gm) / sqrt((gv + iv) / 2);
	out->margin = imin - gmax;
	out->eer = rates_eer(&gen, &imp, NULL);
	free(gen.s);
	free(imp.s);
	free(packed);
	free(t);
}

/*
 * The 1:N pre-filter (gallery.c) stops the search after the coarse
 * translation stage when that already costs more than a threshold: how
 * many genuine pairs would lose their score, how many impostors are cut.
 */
static void prefilter_cuts(const struct roi_set *set, const struct pv_feature_params *fp)
{
	static const float thresholds[] = { 0.34f, 0.36f, 0.38f, 0.40f, 0.42f, 0.44f };
	struct pv_template *t = calloc((size_t)set->n, sizeof(*t));
	struct pv_packed *packed = aligned_alloc(64, (size_t)set->n * sizeof(*packed));

	for (int i = 0; i < set->n; i++) {
		pv_features_compute(&set->roi[i], fp, &t[i]);
		pv_pack_template(&t[i], &packed[i]);
	}
	printf("1:N pre-filter on the coarse translation cost (all ordered pairs):\n");
	for (size_t k = 0; k < sizeof(thresholds) / sizeof(thresholds[0]); k++) {
		int gen = 0, gen_cut = 0, imp = 0, imp_cut = 0;

		for (int a = 0; a < set->n; a++) {
			struct pv_probe *p;

			pv_probe_new(&t[a], &p);
			for (int b = 0; b < set->n; b++) {
				struct pv_match_result full, cut;

				if (a == b)
					continue;
				pv_probe_search(p, &packed[b], PV_NO_PREFILTER, &full);
				pv_probe_search(p, &packed[b], thresholds[k], &cut);
				if (set->palm[a] == set->palm[b]) {
					gen++;
					gen_cut += cut.score != full.score;
				} else {
					imp++;
					imp_cut += cut.score != full.score;
				}
			}
			pv_probe_free(p);
		}
		printf("  threshold %.2f: genuine pairs cut short %4d of %d, impostor pairs %5.1f %%\n",
		       thresholds[k], gen_cut, gen, 100.0 * imp_cut / imp);
	}
	free(packed);
	free(t);
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : "../shared/data";
	char dir[1024];
	struct roi_set set;
	struct pv_feature_params base;
	struct outcome o;
	static const struct { const char *name; float sigma, wavelength, aspect; int radius; } banks[] = {
		{ "sigma 2.0 lambda 6  aspect 0.7 r5", 2.0f, 6.0f, 0.7f, 5 },
		{ "sigma 2.4 lambda 8  aspect 0.7 r6", 2.4f, 8.0f, 0.7f, 6 },
		{ "sigma 2.4 lambda 8  aspect 0.5 r6", 2.4f, 8.0f, 0.5f, 6 },
		{ "sigma 3.0 lambda 10 aspect 0.5 r7", 3.0f, 10.0f, 0.5f, 7 },
		{ "sigma 3.0 lambda 10 aspect 0.7 r7", 3.0f, 10.0f, 0.7f, 7 },
		{ "sigma 3.0 lambda 10 aspect 1.0 r7 (default)", 3.0f, 10.0f, 1.0f, 7 },
		{ "sigma 2.4 lambda 10 aspect 1.0 r7", 2.4f, 10.0f, 1.0f, 7 },
		{ "sigma 3.0 lambda 12 aspect 1.0 r7", 3.0f, 12.0f, 1.0f, 7 },
	};
	static const char *strategies[] = { "no alignment", "coarse-to-fine", "exhaustive" };

	snprintf(dir, sizeof(dir), "%s/polyu-nir-roi", data);
	if (load_rois(dir, &set)) {
		printf("bench-features: SKIP: no 128x128 ROIs in %s\n", dir);
		return 0;
	}
	pv_features_default_params(&base);
	printf("bench-features: %d ROIs of %s; distances: d' and worst-impostor minus "
	       "worst-genuine margin; scores: EER\n", set.n, dir);
	printf("filter bank (half-resolution pixels), coarse-to-fine search:\n");
	for (size_t i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
		struct pv_feature_params fp = base;

		fp.sigma = banks[i].sigma;
		fp.wavelength = banks[i].wavelength;
		fp.aspect = banks[i].aspect;
		fp.radius = banks[i].radius;
		measure(&set, &fp, COARSE_TO_FINE, &o);
		printf("  %-44s d' %5.2f  margin %+.3f  EER %.3f %%\n", banks[i].name,
		       o.dprime, o.margin, 100 * o.eer);
	}
	printf("alignment, default bank:\n");
	for (int how = NO_ALIGNMENT; how <= EXHAUSTIVE; how++) {
		measure(&set, &base, (enum strategy)how, &o);
		printf("  %-44s d' %5.2f  margin %+.3f  EER %.3f %%\n", strategies[how],
		       o.dprime, o.margin, 100 * o.eer);
	}
	prefilter_cuts(&set, &base);
	free(set.roi);
	free(set.palm);
	return 0;
}
