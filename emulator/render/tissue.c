// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tissue optics, reduced to what a vein camera sees. Light enters the skin,
 * scatters, and part of it comes back; on its way it crosses veins, whose
 * deoxygenated blood absorbs at 850-940 nm. A vein at depth d therefore shows
 * as a shadow blurred by a point-spread that grows with d, and fainter the
 * deeper it lies. Longer wavelengths scatter less and reach deeper, so at
 * 940 nm deep veins gain and surface detail (creases, skin texture) fades; at
 * 850 nm the surface shows more. Veins are drawn into depth layers, each
 * blurred once with its own point-spread.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "rng.h"
#include "tissue.h"
#include "veins.h"

#define LAYERS 4
static const float layer_depth_mm[LAYERS] = { 0.8f, 1.6f, 2.6f, 3.8f };

/* Vein absorption, per mm of chord through a vessel. */
#define VEIN_MU 0.5f
/* Skin albedo in the NIR window. */
#define SKIN_ALBEDO 0.62f

struct skin_maps {
	struct pv_map od[LAYERS];	/* vessel chords per depth layer */
	struct pv_map crease;		/* 0 smooth .. 1 deep crease */
	struct pv_map texture;		/* fine skin relief, zero mean */
	struct pv_map albedo;		/* blotchy albedo */
};

static float clampf(float x, float lo, float hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

/* 0 at 850 nm, 1 at 940 nm, extrapolated a little either way. */
static float band(uint16_t nm)
{
	return clampf((nm - 850.0f) / 90.0f, -0.6f, 1.6f);
}

static float penetration_mm(uint16_t nm)
{
	return clampf(2.6f + 0.5f * band(nm), 1.8f, 3.6f);
}

static float crease_visibility(uint16_t nm)
{
	return clampf(0.20f - 0.13f * band(nm), 0.04f, 0.30f);
}

static float texture_visibility(uint16_t nm)
{
	return clampf(0.08f - 0.05f * band(nm), 0.02f, 0.12f);
}

static int alloc_like(struct pv_map *m, const struct pv_map *ref)
{
	return pv_map_alloc(m, ref->w, ref->h, ref->u0, ref->v0, ref->texel);
}

/* A quadratic Bezier crease, drawn as a polyline that wobbles a little as
 * real skin folds do. */
static void draw_curve(struct pv_map *m, const float p[6], float half_width,
		       float strength, float wobble_mm, struct pv_rng *rng)
{
	float pu = p[0], pv = p[1];

	for (int i = 1; i <= 24; i++) {
		float t = i / 24.0f, s = 1.0f - t;
		float u = s * s * p[0] + 2 * s * t * p[2] + t * t * p[4] +
			  (i < 24 ? pv_rng_signed(rng) * wobble_mm : 0);
		float v = s * s * p[1] + 2 * s * t * p[3] + t * t * p[5] +
			  (i < 24 ? pv_rng_signed(rng) * wobble_mm : 0);
		/* creases fade out at their ends */
		float taper = fminf(1.0f, fminf(t, 1.0f - t) * 6.0f + 0.25f);

		pv_map_draw_crease(m, pu, pv, u, v, half_width * taper,
				   strength * taper);
		pu = u;
		pv = v;
	}
}

static void draw_principal_lines(struct pv_map *m, const struct pv_hand *h,
				 struct pv_rng *rng)
{
	float hw = h->palm_hw, hh = h->palm_hh;
	/* heart, head and life lines, in palm half-sizes, thumb on -u */
	static const float line[3][6] = {
		{ 1.02f, 0.36f, 0.25f, 0.20f, -0.35f, 0.78f },
		{ -1.0f, 0.36f, -0.15f, 0.16f, 0.65f, -0.10f },
		{ -0.98f, 0.33f, -0.10f, -0.10f, -0.38f, -1.02f },
	};

	for (int l = 0; l < 3; l++) {
		float p[6];

		for (int k = 0; k < 6; k += 2) {
			p[k] = (line[l][k] + pv_rng_signed(rng) * 0.10f) * hw;
			p[k + 1] = (line[l][k + 1] + pv_rng_signed(rng) * 0.10f) *
				   hh;
		}
		draw_curve(m, p, pv_rng_range(rng, 0.7f, 1.1f),
			   pv_rng_range(rng, 0.8f, 1.0f), 0.5f, rng);
	}
	if (pv_rng_unit(rng) < 0.6f) {	/* the fate line: not everyone's */
		float p[6] = { pv_rng_signed(rng) * 0.15f * hw, -0.95f * hh,
			       pv_rng_signed(rng) * 0.2f * hw, -0.2f * hh,
			       pv_rng_signed(rng) * 0.2f * hw, 0.45f * hh };

		draw_curve(m, p, 0.5f, pv_rng_range(rng, 0.4f, 0.7f), 0.4f, rng);
	}
}

static void draw_fine_creases(struct pv_map *m, const struct pv_hand *h,
			      struct pv_rng *rng)
{
	for (int i = 0; i < 450; i++) {
		float u = pv_rng_signed(rng) * h->palm_hw;
		float v = pv_rng_signed(rng) * h->palm_hh;
		float a = pv_rng_unit(rng) * 3.14159265f;
		float len = pv_rng_range(rng, 2.0f, 9.0f);
		float du = cosf(a) * len * 0.5f, dv = sinf(a) * len * 0.5f;
		float bend = pv_rng_signed(rng) * len * 0.15f;
		float p[6] = { u - du, v - dv, u - dv / len * 2 * bend,
			       v + du / len * 2 * bend, u + du, v + dv };

		if (pv_hand_palm_dist(h, u, v) > -2.0f)
			continue;
		draw_curve(m, p, pv_rng_range(rng, 0.2f, 0.35f),
			   pv_rng_range(rng, 0.2f, 0.5f), 0.1f, rng);
	}
}

/* Flexion creases across each digit, and the wrist bracelets. */
static void draw_joint_creases(struct pv_map *m, const struct pv_hand *h,
			       struct pv_rng *rng)
{
	static const float finger_at[3] = { 0.06f, 0.40f, 0.70f };

	for (int i = 0; i < PV_HAND_DIGITS; i++) {
		const struct pv_digit *d = &h->digit[i];
		float du = sinf(d->angle_spread), dv = cosf(d->angle_spread);
		int n = i == PV_HAND_THUMB ? 1 : 3;

		for (int j = 0; j < n; j++) {
			float t = i == PV_HAND_THUMB ? 0.55f : finger_at[j];
			float r = d->r_base + t * (d->r_tip - d->r_base);

			for (int twin = 0; twin < 2; twin++) {
				float at = (t + pv_rng_signed(rng) * 0.02f) *
					   d->length + twin * 1.3f;
				float cu = d->base_u + du * at;
				float cv = d->base_v + dv * at;

				pv_map_draw_crease(m, cu - dv * r, cv + du * r,
						   cu + dv * r, cv - du * r, 0.5f,
						   0.7f - 0.25f * twin);
			}
		}
	}
	for (int k = 0; k < 2; k++) {
		float v = -h->palm_hh - 6.0f - 7.0f * k + pv_rng_signed(rng);

		pv_map_draw_crease(m, -h->wrist_hw, v, h->wrist_hw,
				   v + pv_rng_signed(rng) * 3.0f, 0.5f, 0.5f);
	}
}

static void draw_veins(struct skin_maps *s, const struct pv_vein_tree *tree)
{
	for (size_t i = 0; i < tree->count; i++) {
		const struct pv_vein_segment *g = &tree->segment[i];
		int k = 0;
		float w;

		while (k < LAYERS - 2 && g->depth > layer_depth_mm[k + 1])
			k++;
		w = clampf((g->depth - layer_depth_mm[k]) /
			   (layer_depth_mm[k + 1] - layer_depth_mm[k]), 0, 1);
		pv_map_draw_vessel(&s->od[k], g->u0, g->v0, g->u1, g->v1,
				   g->radius, 1.0f - w);
		pv_map_draw_vessel(&s->od[k + 1], g->u0, g->v0, g->u1, g->v1,
				   g->radius, w);
	}
}

static void free_skin(struct skin_maps *s)
{
	for (int k = 0; k < LAYERS; k++)
		pv_map_free(&s->od[k]);
	pv_map_free(&s->crease);
	pv_map_free(&s->texture);
	pv_map_free(&s->albedo);
}

static int build_skin(uint32_t identity, const struct pv_hand *hand,
		      const struct pv_map *ref, int flat_veins,
		      struct skin_maps *s)
{
	struct pv_vein_tree tree;
	struct pv_rng rng;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	/* veins are blurred by at least 0.8 mm: half the texels suffice */
	for (int k = 0; k < LAYERS; k++)
		ret |= pv_map_alloc(&s->od[k], (ref->w + 1) / 2 + 1,
				    (ref->h + 1) / 2 + 1, ref->u0, ref->v0,
				    ref->texel * 2.0f);
	ret |= alloc_like(&s->crease, ref);
	ret |= alloc_like(&s->texture, ref);
	ret |= alloc_like(&s->albedo, ref);
	if (ret || pv_veins_grow(hand, identity, &tree))
		return -ENOMEM;
	draw_veins(s, &tree);
	pv_veins_free(&tree);
	for (int k = 0; k < LAYERS && !ret; k++)
		/* a print has one blur for all veins: that of the camera that
		 * took the photo, not that of the tissue */
		ret = pv_map_blur(&s->od[k], flat_veins ? 0.9f :
					     0.3f + 0.6f * layer_depth_mm[k]);
	if (ret)
		return ret;

	pv_rng_init(&rng, pv_seed_for(identity, 0x6372656173 /* "crease" */));
	draw_principal_lines(&s->crease, hand, &rng);
	draw_fine_creases(&s->crease, hand, &rng);
	draw_joint_creases(&s->crease, hand, &rng);
	for (size_t i = 0; i < (size_t)ref->w * ref->h; i++)
		s->albedo.px[i] = SKIN_ALBEDO;
	ret |= pv_map_add_noise(&s->texture, 0.5f, 0.6f, pv_seed_for(identity, 1));
	ret |= pv_map_add_noise(&s->texture, 1.8f, 0.7f, pv_seed_for(identity, 2));
	ret |= pv_map_add_noise(&s->albedo, 14.0f, 0.10f, pv_seed_for(identity, 3));
	return ret ? -ENOMEM : 0;
}

/* Share of light that crosses the veins on its way out, per coarse texel. */
static int vein_transmission(const struct skin_maps *s, const float mu[LAYERS],
			     struct pv_map *out)
{
	size_t n = (size_t)s->od[0].w * s->od[0].h;

	if (alloc_like(out, &s->od[0]))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		float od = 0;

		for (int k = 0; k < LAYERS; k++)
			od += mu[k] * s->od[k].px[i];
		out->px[i] = expf(-od);
	}
	return 0;
}

/* Reflectance of live skin at texel @i, seen through @veins. */
static float skin_reflectance(const struct skin_maps *s, size_t i, float veins,
			      float crease, float texture)
{
	return s->albedo.px[i] * (1.0f - crease * s->crease.px[i]) *
	       (1.0f + texture * s->texture.px[i]) * veins;
}

static void vein_weights(uint16_t nm, float mu[LAYERS])
{
	for (int k = 0; k < LAYERS; k++)
		mu[k] = VEIN_MU * expf(-layer_depth_mm[k] / penetration_mm(nm));
}

static int shade_live(const struct skin_maps *s, const struct pv_optics *o,
		      struct pv_tissue *t)
{
	struct pv_map trans[PV_RENDER_MAX_BANKS + 1] = { 0 };
	float mu[LAYERS], crease[PV_RENDER_MAX_BANKS], texture[PV_RENDER_MAX_BANKS];
	const struct pv_map *m = &t->ambient;
	unsigned int nb = o->nbanks;
	int ret = 0;

	for (unsigned int b = 0; b < nb && !ret; b++) {
		vein_weights(o->wavelength_nm[b], mu);
		crease[b] = crease_visibility(o->wavelength_nm[b]);
		texture[b] = texture_visibility(o->wavelength_nm[b]);
		ret = vein_transmission(s, mu, &trans[b]);
	}
	/* ambient light is broad and diffuse: it barely reaches the veins */
	vein_weights(850, mu);
	for (int k = 0; k < LAYERS; k++)
		mu[k] *= 0.15f;
	if (!ret)
		ret = vein_transmission(s, mu, &trans[nb]);
	for (int y = 0; y < m->h && !ret; y++) {
		float v = m->v0 + y * m->texel;

		for (int x = 0; x < m->w; x++) {
			float u = m->u0 + x * m->texel;
			size_t i = (size_t)y * m->w + x;

			for (unsigned int b = 0; b < nb; b++)
				t->bank[b].px[i] = skin_reflectance(
					s, i, pv_map_sample(&trans[b], u, v),
					crease[b], texture[b]);
			t->ambient.px[i] = skin_reflectance(
				s, i, pv_map_sample(&trans[nb], u, v), 0.30f, 0.12f);
		}
	}
	for (unsigned int b = 0; b <= nb; b++)
		pv_map_free(&trans[b]);
	return ret;
}

/*
 * A printed photo: ink on paper. What was a live 850 nm image of the palm is
 * now a reflectance, the same for LED and ambient light, over paper fibre.
 */
static int shade_photo(const struct skin_maps *s, const struct pv_hand *hand,
		       uint32_t identity, struct pv_tissue *t)
{
	struct pv_hand_pose rest;
	struct pv_map fibre = { 0 }, trans = { 0 };
	float mu[LAYERS];
	const struct pv_map *m = &t->ambient;

	vein_weights(850, mu);
	pv_hand_pose_init(hand, 1.0f, &rest);
	if (vein_transmission(s, mu, &trans) || alloc_like(&fibre, m) ||
	    pv_map_add_noise(&fibre, 0.25f, 0.10f, pv_seed_for(identity, 4)) ||
	    pv_map_add_noise(&fibre, 3.0f, 0.05f, pv_seed_for(identity, 5))) {
		pv_map_free(&fibre);
		pv_map_free(&trans);
		return -ENOMEM;
	}
	for (int y = 0; y < m->h; y++) {
		for (int x = 0; x < m->w; x++) {
			size_t i = (size_t)y * m->w + x;
			struct pv_hand_hit hit;
			float u = m->u0 + x * m->texel, v = m->v0 + y * m->texel;
			float cover, shade, grey, print;

			pv_hand_locate(hand, &rest, u, v, &hit);
			cover = clampf(0.5f - hit.dist / 0.8f, 0.0f, 1.0f);
			shade = clampf(hit.depth / hit.thickness, 0.0f, 1.0f);
			shade = sqrtf(shade * (2.0f - shade));
			grey = cover * shade *
			       skin_reflectance(s, i, pv_map_sample(&trans, u, v),
						0.20f, 0.08f);
			/* ink darkens paper; the photo's background is black */
			print = 0.72f * (0.10f + 1.3f * grey) *
				(1.0f + fibre.px[i]);
			for (unsigned int b = 0; b < t->nbanks; b++)
				t->bank[b].px[i] = print;
			t->ambient.px[i] = print;
		}
	}
	pv_map_free(&fibre);
	pv_map_free(&trans);
	return 0;
}

/* A palm-shaped object of one material: no veins, no creases. */
static int shade_fake(uint32_t identity, struct pv_tissue *t)
{
	struct pv_map *m = &t->ambient;
	size_t n = (size_t)m->w * m->h;

	for (size_t i = 0; i < n; i++)
		m->px[i] = 0.5f;
	if (pv_map_add_noise(m, 12.0f, 0.04f, pv_seed_for(identity, 6)) ||
	    pv_map_add_noise(m, 1.0f, 0.015f, pv_seed_for(identity, 7)))
		return -ENOMEM;
	for (unsigned int b = 0; b < t->nbanks; b++)
		memcpy(t->bank[b].px, m->px, n * sizeof(*m->px));
	return 0;
}

void pv_tissue_free(struct pv_tissue *tissue)
{
	for (unsigned int b = 0; b < PV_RENDER_MAX_BANKS; b++)
		pv_map_free(&tissue->bank[b]);
	pv_map_free(&tissue->ambient);
}

int pv_tissue_build(enum pv_target target, uint32_t identity,
		    const struct pv_hand *hand, const struct pv_optics *optics,
		    float texel_mm, struct pv_tissue *tissue)
{
	/* the thumb reaches far out on -u, the little finger less on +u */
	float umin = -hand->palm_hw - 80.0f, umax = hand->palm_hw + 35.0f;
	float vmin = -hand->palm_hh - 90.0f, vmax = hand->palm_hh + 115.0f;
	int w = (int)ceilf((umax - umin) / texel_mm) + 1;
	int h = (int)ceilf((vmax - vmin) / texel_mm) + 1;
	struct skin_maps skin;
	int ret = 0;

	memset(tissue, 0, sizeof(*tissue));
	tissue->nbanks = optics->nbanks;
	ret |= pv_map_alloc(&tissue->ambient, w, h, umin, vmin, texel_mm);
	for (unsigned int b = 0; b < optics->nbanks; b++)
		ret |= alloc_like(&tissue->bank[b], &tissue->ambient);
	if (ret) {
		pv_tissue_free(tissue);
		return -ENOMEM;
	}
	if (target == PV_TARGET_FAKE) {
		ret = shade_fake(identity, tissue);
	} else {
		ret = build_skin(identity, hand, &tissue->ambient,
				 target == PV_TARGET_PHOTO, &skin);
		if (!ret && target == PV_TARGET_PHOTO)
			ret = shade_photo(&skin, hand, identity, tissue);
		else if (!ret)
			ret = shade_live(&skin, optics, tissue);
		free_skin(&skin);
	}
	if (ret)
		pv_tissue_free(tissue);
	return ret;
}
