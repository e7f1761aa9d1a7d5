// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Space colonization (Runions et al. 2007): attraction points scattered over
 * the palm pull the nearest vein tip one step towards their mean; points that
 * a vein reached are consumed. Calibre grows with the branch order, and
 * thick veins run deeper.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "veins.h"

#define ATTRACTORS	420
#define MAX_NODES	3000
#define STEP_MM		1.8f
#define KILL_MM		4.5f
#define LEAF_RADIUS_MM	0.33f
#define ORDER_STEP_MM	0.22f
#define MAX_RADIUS_MM	1.2f
#define LINK_MM		9.0f

struct vein_node {
	float u, v;
	int parent;
	int children;
	int child_order;	/* highest Strahler order among children */
	int child_order_count;	/* children of that order */
	float radius;
	float depth;
	float drift;		/* depth wander inherited along the branch */
};

struct attractor {
	float u, v;
	int nearest;	/* node index, or -1 */
	float dist2;
	int alive;
};

struct grower {
	struct vein_node *node;
	int count;
	struct attractor *attr;
	int nattr;
	int scanned;	/* nodes already compared with every attractor */
};

/* Where veins may grow: palm body and the proximal 40 % of each digit. */
static int in_vein_domain(const struct pv_hand *hand, float u, float v)
{
	if (pv_hand_palm_dist(hand, u, v) < -3.0f && v > -hand->palm_hh - 30.0f)
		return 1;
	for (int i = 0; i < PV_HAND_DIGITS; i++) {
		const struct pv_digit *d = &hand->digit[i];
		float du = sinf(d->angle_spread), dv = cosf(d->angle_spread);
		float pu = u - d->base_u, pv = v - d->base_v;
		float t = pu * du + pv * dv;
		float across = fabsf(pu * dv - pv * du);

		if (t > 0 && t < d->length * 0.4f && across < d->r_base * 0.7f)
			return 1;
	}
	return 0;
}

static int add_node(struct grower *g, float u, float v, int parent)
{
	if (g->count >= MAX_NODES)
		return -1;
	g->node[g->count] = (struct vein_node){ u, v, parent, 0, 0, 0, 0, 0, 0 };
	if (parent >= 0)
		g->node[parent].children++;
	return g->count++;
}

/* Nodes only get added, so each attractor compares only the new ones. */
static void update_nearest(struct grower *g)
{
	for (int a = 0; a < g->nattr; a++) {
		struct attractor *at = &g->attr[a];

		if (!at->alive)
			continue;
		for (int n = g->scanned; n < g->count; n++) {
			float du = g->node[n].u - at->u, dv = g->node[n].v - at->v;
			float d2 = du * du + dv * dv;

			if (d2 < KILL_MM * KILL_MM) {
				at->alive = 0;
				break;
			}
			if (at->nearest < 0 || d2 < at->dist2) {
				at->nearest = n;
				at->dist2 = d2;
			}
		}
	}
	g->scanned = g->count;
}

static int grow_step(struct grower *g, float *pull_u, float *pull_v, int *pulls)
{
	int grown = 0, old = g->count;

	for (int n = 0; n < old; n++)
		pull_u[n] = pull_v[n] = 0, pulls[n] = 0;
	for (int a = 0; a < g->nattr; a++) {
		const struct attractor *at = &g->attr[a];
		float du, dv, len;

		if (!at->alive || at->nearest < 0)
			continue;
		du = at->u - g->node[at->nearest].u;
		dv = at->v - g->node[at->nearest].v;
		len = sqrtf(du * du + dv * dv);
		pull_u[at->nearest] += du / len;
		pull_v[at->nearest] += dv / len;
		pulls[at->nearest]++;
	}
	for (int n = 0; n < old; n++) {
		float len = sqrtf(pull_u[n] * pull_u[n] + pull_v[n] * pull_v[n]);

		if (!pulls[n] || len < 1e-3f)
			continue;
		if (add_node(g, g->node[n].u + STEP_MM * pull_u[n] / len,
			     g->node[n].v + STEP_MM * pull_v[n] / len, n) < 0)
			break;
		grown++;
	}
	return grown;
}

static void scatter_attractors(struct grower *g, const struct pv_hand *hand,
			       struct pv_rng *rng)
{
	float umax = hand->palm_hw + 40.0f;
	float vmin = -hand->palm_hh - 30.0f, vmax = hand->palm_hh + 45.0f;
	int tries = 0;

	while (g->nattr < ATTRACTORS && tries++ < ATTRACTORS * 50) {
		float u = pv_rng_range(rng, -umax - 30.0f, umax);
		float v = pv_rng_range(rng, vmin, vmax);

		if (!in_vein_domain(hand, u, v))
			continue;
		g->attr[g->nattr++] = (struct attractor){ u, v, -1, 0, 1 };
	}
}

/*
 * Calibre by Strahler order: twigs are order 1, two joining branches of
 * order k make order k+1. Real palms show veins of a few similar calibres,
 * which the order gives; the pipe law alone would make one trunk and hair.
 * Nodes are stored parents first, so one backward pass sees children first.
 */
static void assign_radius_depth(struct grower *g, struct pv_rng *rng)
{
	for (int n = g->count - 1; n >= 0; n--) {
		struct vein_node *nd = &g->node[n];
		int order = nd->child_order ? nd->child_order : 1;

		if (nd->child_order_count >= 2)
			order++;
		nd->radius = fminf(LEAF_RADIUS_MM + ORDER_STEP_MM * (order - 1),
				   MAX_RADIUS_MM);
		if (nd->parent < 0)
			continue;
		struct vein_node *p = &g->node[nd->parent];

		if (order > p->child_order) {
			p->child_order = order;
			p->child_order_count = 1;
		} else if (order == p->child_order) {
			p->child_order_count++;
		}
	}
	/* each branch drifts slowly in depth; thicker vessels lie deeper */
	for (int n = 0; n < g->count; n++) {
		struct vein_node *nd = &g->node[n];
		float drift = pv_rng_signed(rng) * 0.6f;

		if (nd->parent >= 0)
			drift = 0.95f * g->node[nd->parent].drift + 0.05f * drift;
		nd->drift = drift;
		nd->depth = fmaxf(0.6f, 1.0f + 1.2f * nd->radius + drift);
	}
}

static int emit_segments(const struct grower *g, struct pv_rng *rng,
			 struct pv_vein_tree *tree)
{
	size_t cap = (size_t)g->count * 2;

	tree->segment = malloc(cap * sizeof(*tree->segment));
	tree->count = 0;
	if (!tree->segment)
		return -ENOMEM;
	for (int n = 0; n < g->count; n++) {
		const struct vein_node *nd = &g->node[n];
		const struct vein_node *p;

		if (nd->parent < 0)
			continue;
		p = &g->node[nd->parent];
		tree->segment[tree->count++] = (struct pv_vein_segment){
			p->u, p->v, nd->u, nd->v, nd->radius,
			0.5f * (nd->depth + p->depth) };
	}
	/* anastomoses: some tips join a nearby vein of another branch */
	for (int n = 0; n < g->count; n++) {
		const struct vein_node *nd = &g->node[n];
		int best = -1, anc[8], nanc = 0;
		float best_d2 = LINK_MM * LINK_MM;

		if (nd->children || pv_rng_unit(rng) > 0.55f)
			continue;
		for (int a = nd->parent; a >= 0 && nanc < 8; a = g->node[a].parent)
			anc[nanc++] = a;
		for (int m = 0; m < g->count; m++) {
			float du = g->node[m].u - nd->u, dv = g->node[m].v - nd->v;
			float d2 = du * du + dv * dv;
			int related = m == n;

			for (int k = 0; k < nanc; k++)
				related |= m == anc[k];
			if (!related && d2 < best_d2 && d2 > 1.0f) {
				best = m;
				best_d2 = d2;
			}
		}
		if (best < 0 || tree->count >= cap)
			continue;
		tree->segment[tree->count++] = (struct pv_vein_segment){
			nd->u, nd->v, g->node[best].u, g->node[best].v,
			nd->radius, 0.5f * (nd->depth + g->node[best].depth) };
	}
	return 0;
}

int pv_veins_grow(const struct pv_hand *hand, uint32_t identity,
		  struct pv_vein_tree *tree)
{
	struct grower g = { 0 };
	struct pv_rng rng;
	float *pull_u = NULL, *pull_v = NULL;
	int *pulls = NULL, roots, ret = -ENOMEM;

	tree->segment = NULL;
	tree->count = 0;
	g.node = malloc(MAX_NODES * sizeof(*g.node));
	g.attr = malloc(ATTRACTORS * sizeof(*g.attr));
	pull_u = malloc(MAX_NODES * sizeof(*pull_u));
	pull_v = malloc(MAX_NODES * sizeof(*pull_v));
	pulls = malloc(MAX_NODES * sizeof(*pulls));
	if (!g.node || !g.attr || !pull_u || !pull_v || !pulls)
		goto out;

	pv_rng_init(&rng, pv_seed_for(identity, 0x7665696e /* "vein" */));
	scatter_attractors(&g, hand, &rng);
	/* trunks enter from the forearm, and round both edges of the palm
	 * from the back of the hand, which is what crosses the palm over */
	roots = 2 + (int)(pv_rng_unit(&rng) * 2.0f);
	for (int r = 0; r < roots; r++) {
		float u = hand->wrist_hw * (-0.8f + 1.6f * (r + 0.5f) / roots +
					    pv_rng_signed(&rng) * 0.15f);

		add_node(&g, u, -hand->palm_hh - 60.0f, -1);
	}
	roots = 2 + (int)(pv_rng_unit(&rng) * 3.0f);
	for (int r = 0; r < roots; r++) {
		float side = (r & 1) ? 1.0f : -1.0f;

		add_node(&g, side * (hand->palm_hw + 6.0f),
			 hand->palm_hh * pv_rng_range(&rng, -0.7f, 0.6f), -1);
	}
	for (int iter = 0; iter < 400; iter++) {
		update_nearest(&g);
		if (!grow_step(&g, pull_u, pull_v, pulls))
			break;
	}
	assign_radius_depth(&g, &rng);
	ret = emit_segments(&g, &rng, tree);
out:
	free(g.node);
	free(g.attr);
	free(pull_u);
	free(pull_v);
	free(pulls);
	return ret;
}

void pv_veins_free(struct pv_vein_tree *tree)
{
	free(tree->segment);
	tree->segment = NULL;
	tree->count = 0;
}
