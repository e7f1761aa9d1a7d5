/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hand geometry of one identity, in millimetres, in the hand's own frame:
 * origin at the palm centre, +v towards the fingers, thumb on -u for a right
 * hand (mirrored for a left one by the caller). Fingers pivot about their
 * bases, so a pose with other finger spread maps back onto the rest hand
 * (fully spread), where skin, creases and veins are drawn once.
 */
#ifndef PV_RENDER_HAND_H
#define PV_RENDER_HAND_H

#include <stdint.h>

#define PV_HAND_DIGITS 5	/* index, middle, ring, little, thumb */
#define PV_HAND_THUMB 4

struct pv_digit {
	float base_u, base_v;		/* pivot at the palm edge */
	float angle_spread;		/* rad from +v towards +u, fully spread */
	float angle_closed;		/* same, fingers together */
	float length;			/* pivot to tip */
	float r_base, r_tip;		/* half-widths */
};

struct pv_hand {
	int right;			/* 1 right hand, 0 left (mirrored) */
	float palm_hw, palm_hh;		/* palm half width / half height */
	float palm_corner;		/* corner radius of the palm */
	float wrist_hw;			/* half width of the wrist */
	float thenar_u, thenar_v, thenar_r;	/* ball of the thumb */
	float hypothenar_u, hypothenar_v0, hypothenar_v1, hypothenar_r;
						/* heel on the little-finger side */
	float natural_spread;		/* spread this person presents at */
	struct pv_digit digit[PV_HAND_DIGITS];
};

/* Digit directions for one spread (0 closed .. 1 fully spread). */
struct pv_hand_pose {
	float dir_u[PV_HAND_DIGITS], dir_v[PV_HAND_DIGITS];
	/* rotation taking a posed digit back to its spread rest pose */
	float back_cos[PV_HAND_DIGITS], back_sin[PV_HAND_DIGITS];
};

/* Where a point of the posed hand falls. */
struct pv_hand_hit {
	float dist;		/* signed distance to the outline, <0 inside */
	float depth;		/* distance inside its own part, for shading */
	float thickness;	/* half thickness of that part */
	float rest_u, rest_v;	/* the same skin point on the rest hand */
};

void pv_hand_generate(uint32_t identity, struct pv_hand *hand);
void pv_hand_pose_init(const struct pv_hand *hand, float spread,
		       struct pv_hand_pose *pose);
void pv_hand_locate(const struct pv_hand *hand, const struct pv_hand_pose *pose,
		    float u, float v, struct pv_hand_hit *hit);
/* Signed distance of the palm body alone (palm, thenar, hypothenar, wrist). */
float pv_hand_palm_dist(const struct pv_hand *hand, float u, float v);

#endif /* PV_RENDER_HAND_H */
