// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hand outline as a signed distance field: a rounded palm, the thenar and
 * hypothenar eminences, the wrist, and five tapered capsules for the
 * digits, joined by smooth minima so that finger valleys are webbed like
 * skin, not cornered.
 */
#include <math.h>

#include "hand.h"
#include "rng.h"

#define DEG (3.14159265f / 180.0f)

static float clampf(float x, float lo, float hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

/* Polynomial smooth minimum: blends two outlines over a band of width k. */
static float smooth_min(float a, float b, float k)
{
	float h = clampf(0.5f + 0.5f * (b - a) / k, 0.0f, 1.0f);

	return b + (a - b) * h - k * h * (1.0f - h);
}

static float round_box_dist(float u, float v, float hw, float hh, float r)
{
	float qu = fabsf(u) - (hw - r);
	float qv = fabsf(v) - (hh - r);
	float ou = qu > 0 ? qu : 0;
	float ov = qv > 0 ? qv : 0;
	float in = qu > qv ? qu : qv;

	return sqrtf(ou * ou + ov * ov) + (in < 0 ? in : 0) - r;
}

/* Distance to a capsule from (bu,bv) along unit (du,dv), radius tapering. */
static float digit_dist(const struct pv_digit *d, float du, float dv,
			float u, float v, float *along)
{
	float pu = u - d->base_u, pv = v - d->base_v;
	float t = clampf((pu * du + pv * dv) / d->length, 0.0f, 1.0f);
	float cu = pu - t * d->length * du, cv = pv - t * d->length * dv;

	*along = t;
	return sqrtf(cu * cu + cv * cv) - (d->r_base + t * (d->r_tip - d->r_base));
}

void pv_hand_generate(uint32_t identity, struct pv_hand *hand)
{
	/* proportions of index, middle, ring, little to the middle finger;
	 * closed fingers lean together so that they touch */
	static const float rel_len[4] = { 0.90f, 1.0f, 0.93f, 0.75f };
	static const float rel_r[4] = { 1.0f, 1.02f, 0.95f, 0.82f };
	static const float base_drop[4] = { 4.0f, 0.0f, 2.0f, 9.0f };
	static const float spread_deg[4] = { -15.0f, -3.0f, 9.0f, 23.0f };
	static const float closed_deg[4] = { 2.0f, 0.0f, -1.5f, -4.0f };
	struct pv_rng rng;
	float middle, finger_r, next_u;

	pv_rng_init(&rng, pv_seed_for(identity, 0x68616e64 /* "hand" */));
	hand->right = (pv_rng_next(&rng) >> 63) != 0;
	hand->palm_hw = pv_rng_range(&rng, 39.0f, 47.0f);
	hand->palm_hh = hand->palm_hw * pv_rng_range(&rng, 1.08f, 1.25f);
	hand->palm_corner = pv_rng_range(&rng, 20.0f, 28.0f);
	hand->wrist_hw = hand->palm_hw * pv_rng_range(&rng, 0.66f, 0.76f);
	hand->thenar_r = hand->palm_hw * pv_rng_range(&rng, 0.42f, 0.50f);
	hand->thenar_u = -hand->palm_hw + hand->thenar_r -
			 pv_rng_range(&rng, 3.0f, 7.0f);
	hand->thenar_v = -hand->palm_hh * pv_rng_range(&rng, 0.25f, 0.40f);
	hand->natural_spread = pv_rng_range(&rng, 0.55f, 0.95f);

	middle = hand->palm_hh * pv_rng_range(&rng, 1.45f, 1.70f);
	finger_r = hand->palm_hw * pv_rng_range(&rng, 0.225f, 0.25f);
	/* knuckles sit side by side, a finger width apart, so fingers held
	 * together touch; the four of them span about the palm */
	next_u = -hand->palm_hw * pv_rng_range(&rng, 0.92f, 1.0f);
	for (int i = 0; i < 4; i++) {
		struct pv_digit *d = &hand->digit[i];

		d->r_base = finger_r * rel_r[i];
		d->base_u = next_u + d->r_base;
		next_u += 2.0f * d->r_base;
		d->base_v = hand->palm_hh - base_drop[i] -
			    pv_rng_range(&rng, 0.0f, 3.0f);
		d->angle_spread = (spread_deg[i] + pv_rng_signed(&rng) * 3.0f) *
				  DEG;
		d->angle_closed = closed_deg[i] * DEG;
		d->length = middle * rel_len[i] * pv_rng_range(&rng, 0.96f, 1.04f);
		d->r_tip = d->r_base * pv_rng_range(&rng, 0.74f, 0.84f);
	}

	struct pv_digit *thumb = &hand->digit[PV_HAND_THUMB];

	thumb->base_u = -hand->palm_hw + pv_rng_range(&rng, 4.0f, 9.0f);
	thumb->base_v = -hand->palm_hh * pv_rng_range(&rng, 0.15f, 0.30f);
	thumb->angle_spread = -pv_rng_range(&rng, 50.0f, 62.0f) * DEG;
	thumb->angle_closed = -pv_rng_range(&rng, 18.0f, 26.0f) * DEG;
	thumb->length = middle * pv_rng_range(&rng, 0.80f, 0.92f);
	thumb->r_base = finger_r * pv_rng_range(&rng, 1.15f, 1.30f);
	thumb->r_tip = finger_r * pv_rng_range(&rng, 0.90f, 1.0f);

	/* the heel of the hand bulges out a little on the little-finger side,
	 * so the edge of a palm is convex, not straight */
	hand->hypothenar_r = hand->palm_hw * pv_rng_range(&rng, 0.30f, 0.38f);
	hand->hypothenar_u = hand->palm_hw - hand->hypothenar_r +
			     pv_rng_range(&rng, 1.5f, 4.0f);
	hand->hypothenar_v0 = -hand->palm_hh * pv_rng_range(&rng, 0.45f, 0.60f);
	hand->hypothenar_v1 = hand->palm_hh * pv_rng_range(&rng, 0.0f, 0.25f);
}

void pv_hand_pose_init(const struct pv_hand *hand, float spread,
		       struct pv_hand_pose *pose)
{
	spread = clampf(spread, 0.0f, 1.0f);
	for (int i = 0; i < PV_HAND_DIGITS; i++) {
		const struct pv_digit *d = &hand->digit[i];
		float a = d->angle_closed +
			  spread * (d->angle_spread - d->angle_closed);
		float back = d->angle_spread - a;

		pose->dir_u[i] = sinf(a);
		pose->dir_v[i] = cosf(a);
		/* rotating by +back about the base turns angle a into spread */
		pose->back_cos[i] = cosf(back);
		pose->back_sin[i] = sinf(back);
	}
}

float pv_hand_palm_dist(const struct pv_hand *hand, float u, float v)
{
	/* the palm is widest across the knuckles and narrows to the heel */
	float heel = clampf((hand->palm_hh - v) / (2.0f * hand->palm_hh), 0, 1);
	float palm = round_box_dist(u / (1.0f - 0.12f * heel), v, hand->palm_hw,
				    hand->palm_hh, hand->palm_corner);
	float tu = u - hand->thenar_u, tv = v - hand->thenar_v;
	float thenar = sqrtf(tu * tu + tv * tv) - hand->thenar_r;
	float hv = clampf(v, hand->hypothenar_v0, hand->hypothenar_v1) - v;
	float hu = u - hand->hypothenar_u;
	float hypothenar = sqrtf(hu * hu + hv * hv) - hand->hypothenar_r;
	/* the wrist runs off the frame: a long box below the palm */
	float wrist = round_box_dist(u, v + hand->palm_hh + 200.0f,
				     hand->wrist_hw, 200.0f + hand->palm_hh * 0.5f,
				     2.0f);

	palm = smooth_min(palm, thenar, 8.0f);
	palm = smooth_min(palm, hypothenar, 10.0f);
	return smooth_min(palm, wrist, 18.0f);
}

void pv_hand_locate(const struct pv_hand *hand, const struct pv_hand_pose *pose,
		    float u, float v, struct pv_hand_hit *hit)
{
	float palm = pv_hand_palm_dist(hand, u, v);
	float dist = palm, best = 1e9f, along = 0;
	int best_i = -1;

	for (int i = 0; i < PV_HAND_DIGITS; i++) {
		float t, d = digit_dist(&hand->digit[i], pose->dir_u[i],
					pose->dir_v[i], u, v, &t);

		/* the thumb joins the palm over a broad web, fingers sharply */
		dist = smooth_min(dist, d, i == PV_HAND_THUMB ? 9.0f : 3.0f);
		if (d < best) {
			best = d;
			best_i = i;
			along = t;
		}
	}
	hit->dist = dist;
	hit->rest_u = u;
	hit->rest_v = v;
	hit->depth = -dist;
	hit->thickness = 14.0f;

	/* Share of the nearest digit: 0 deep in the palm, 1 along the finger,
	 * blended so skin does not tear where the finger pivots. */
	float w = clampf((palm - best) / 8.0f + 0.5f, 0.0f, 1.0f);

	if (best_i < 0 || w <= 0.0f)
		return;
	w = w * w * (3.0f - 2.0f * w);
	const struct pv_digit *d = &hand->digit[best_i];
	float pu = u - d->base_u, pv = v - d->base_v;
	float ru = d->base_u + pu * pose->back_cos[best_i] +
		   pv * pose->back_sin[best_i];
	float rv = d->base_v - pu * pose->back_sin[best_i] +
		   pv * pose->back_cos[best_i];
	float r = d->r_base + along * (d->r_tip - d->r_base);

	hit->rest_u = u + w * (ru - u);
	hit->rest_v = v + w * (rv - v);
	/* a digit is shaded by its own edge, so touching fingers keep a seam */
	hit->depth = (1.0f - w) * -dist + w * -best;
	hit->thickness = (1.0f - w) * 14.0f + w * r;
}
