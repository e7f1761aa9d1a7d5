// SPDX-License-Identifier: LGPL-2.1-or-later
/* palmctl info: what a template file holds, to see why it matches badly. */
#include <stdio.h>

#include <palmvein/template.h>

#include "palmctl.h"

static const char *algorithm_name(uint8_t algorithm)
{
	return algorithm == PV_ALG_COMPCODE6_32 ? "compcode6-32" : "unknown";
}

void palmctl_print_info(FILE *out, const char *path, const struct pv_template *t)
{
	const struct pv_quality *q = &t->quality;
	const struct pv_roi_geometry *g = &t->geom;

	fprintf(out, "%s:\n", path);
	fprintf(out, "  version      %u.%u\n", t->version_major, t->version_minor);
	fprintf(out, "  algorithm    %u (%s)\n", t->algorithm,
		algorithm_name(t->algorithm));
	if (t->flags & PV_TEMPLATE_PROTECTED)
		fprintf(out, "  key id       0x%08x (protected)\n", (unsigned int)t->key_id);
	else
		fprintf(out, "  key id       0 (plain)\n");
	fprintf(out, "  roi          centre %.1f,%.1f  angle %.1f deg  side %.1f px%s\n",
		g->cx, g->cy, g->angle_deg, g->side_px,
		t->flags & PV_TEMPLATE_UNANCHORED ? "  (no finger valleys)" : "");
	fprintf(out, "  quality      score %u  presence %.2f  palm size %.2f  "
		"centring %.2f\n", q->score, q->presence, q->palm_size, q->centring);
	fprintf(out, "               exposure %.2f  sharpness %.2f  motion %.2f\n",
		q->exposure, q->sharpness, q->motion);
	fprintf(out, "  valid cells  %u of %u\n", pv_template_valid_cells(t),
		PV_GRID * PV_GRID);
}

int cmd_info(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: palmctl info TEMPLATE.pvt...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct pv_template t;

		if (load_template(argv[i], &t)) {
			status = 1;
			continue;
		}
		palmctl_print_info(stdout, argv[i], &t);
		pv_template_wipe(&t);
	}
	return status;
}
