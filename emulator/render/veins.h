/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Subcutaneous vein network of one identity on the rest hand: a tree grown by
 * space colonization from the wrist into the palm and the finger bases, plus a
 * few anastomoses that close it into the net real palms show. Each segment
 * carries its radius (pipe law from the leaves) and its depth under the skin.
 */
#ifndef PV_RENDER_VEINS_H
#define PV_RENDER_VEINS_H

#include <stddef.h>
#include <stdint.h>

#include "hand.h"

struct pv_vein_segment {
	float u0, v0, u1, v1;	/* mm, rest hand frame */
	float radius;		/* mm */
	float depth;		/* mm from the skin surface to the vessel axis */
};

struct pv_vein_tree {
	struct pv_vein_segment *segment;
	size_t count;
};

/* Returns 0 or -ENOMEM. */
int pv_veins_grow(const struct pv_hand *hand, uint32_t identity,
		  struct pv_vein_tree *tree);
void pv_veins_free(struct pv_vein_tree *tree);

#endif /* PV_RENDER_VEINS_H */
