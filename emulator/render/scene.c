// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scene composition: places the hand (or a photo of it, or a fake) in front
 * of the sensor, and for every pixel finds the skin point it sees, how much
 * LED and ambient light reaches it and how much comes back.
 *
 * The camera is a pinhole: at the nominal 60 mm the shorter side of the frame
 * spans FIELD_MM, and the field grows linearly with distance, so a nearer
 * hand looks larger and brighter. The hand is a plane through the optical
 * axis at its distance, tilted a few degrees as no one holds a hand exactly
 * parallel to the sensor: one side then looks larger and brighter.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hand.h"
#include "optics.h"
#include "rng.h"
#include "scene.h"
#include "tissue.h"

#define FIELD_MM		200.0f
#define NOMINAL_MM		60.0f
#define BACKGROUND_MM		600.0f	/* the ceiling a kiosk looks at */
#define BACKGROUND_ALBEDO	0.5f
#define SUNLIGHT		2.0f	/* ambient 1 vs one bank at full */
#define WARP_GRID		7
#define MAX_TILT_DEG		3.0f
#define DEG			(3.14159265f / 180.0f)

/* Where one presentation puts the hand, after its random jitter. */
struct placement {
	float x_mm, y_mm, cos_r, sin_r, distance_mm, spread;
	float mm_per_px;		/* on the target, on the axis */
	float ray_per_px;		/* ray slope per pixel: mm per px per mm */
	float half_w, half_h;		/* frame centre, pixels */
	/* the target plane: unit normal and in-plane axes (x right, y up) */
	float normal[3], axis_x[3], axis_y[3];
	int mirror;			/* left hand: flip u */
	float warp_mm;			/* non-rigid deformation amplitude */
	float warp_u[WARP_GRID][WARP_GRID], warp_v[WARP_GRID][WARP_GRID];
};

#define WARP_U0 (-130.0f)
#define WARP_V0 (-160.0f)
#define WARP_CELL (45.0f)

static int finite_in(float x, float lo, float hi)
{
	return isfinite(x) && x >= lo && x <= hi;
}

static int desc_valid(const struct pv_scene_desc *d, const struct pv_optics *o)
{
	const struct pv_pose *p = &d->pose;

	if (o->width < 16 || o->height < 16 || o->width > 8192 ||
	    o->height > 8192 || o->nbanks < 1 ||
	    o->nbanks > PV_RENDER_MAX_BANKS)
		return 0;
	for (unsigned int b = 0; b < o->nbanks; b++)
		if (o->wavelength_nm[b] < 700 || o->wavelength_nm[b] > 1100)
			return 0;
	if (d->target != PV_TARGET_NONE && d->target != PV_TARGET_PALM &&
	    d->target != PV_TARGET_PHOTO && d->target != PV_TARGET_FAKE)
		return 0;
	return finite_in(p->x_mm, -500, 500) && finite_in(p->y_mm, -500, 500) &&
	       finite_in(p->rotation_deg, -180, 180) &&
	       (p->distance_mm == 0 || finite_in(p->distance_mm, 20, 300)) &&
	       isfinite(p->finger_spread) && p->finger_spread <= 1 &&
	       finite_in(p->deform, 0, 1) && finite_in(d->ambient, 0, 1) &&
	       finite_in(d->glare, 0, 1);
}

static void place(const struct pv_scene_desc *d, const struct pv_hand *hand,
		  const struct pv_optics *o, struct placement *pl)
{
	const struct pv_pose *p = &d->pose;
	struct pv_rng rng;
	float rot, dist;

	/* nobody presents the same way twice: small jitter on every axis */
	pv_rng_init(&rng, pv_seed_for(p->seed, 0x706f7365 /* "pose" */));
	pl->x_mm = p->x_mm + pv_rng_signed(&rng) * 1.5f;
	pl->y_mm = p->y_mm + pv_rng_signed(&rng) * 1.5f;
	rot = (p->rotation_deg + pv_rng_signed(&rng) * 1.5f) * DEG;
	pl->cos_r = cosf(rot);
	pl->sin_r = sinf(rot);
	dist = p->distance_mm > 0 ? p->distance_mm : NOMINAL_MM;
	pl->distance_mm = dist * (1.0f + pv_rng_signed(&rng) * 0.015f);
	pl->mm_per_px = FIELD_MM / (o->width < o->height ? o->width : o->height) *
			pl->distance_mm / NOMINAL_MM;
	pl->spread = p->finger_spread < 0 ? hand->natural_spread
					  : p->finger_spread;
	pl->spread += pv_rng_signed(&rng) * 0.05f;
	pl->warp_mm = 3.5f * (p->deform + 0.12f);
	for (int j = 0; j < WARP_GRID; j++)
		for (int i = 0; i < WARP_GRID; i++) {
			pl->warp_u[j][i] = pv_rng_signed(&rng) * pl->warp_mm;
			pl->warp_v[j][i] = pv_rng_signed(&rng) * pl->warp_mm;
		}
	/* a photo is flat and a fake is rigid: neither bends its fingers */
	if (d->target == PV_TARGET_PHOTO) {
		pl->spread = 1.0f;
		pl->warp_mm = 0;
	} else if (d->target == PV_TARGET_FAKE) {
		pl->spread = hand->natural_spread;
		pl->warp_mm = 0;
	}
	pl->mirror = !hand->right;

	float tilt_x = pv_rng_signed(&rng) * MAX_TILT_DEG * DEG;
	float tilt_y = pv_rng_signed(&rng) * MAX_TILT_DEG * DEG;
	float cx = cosf(tilt_x), sx = sinf(tilt_x);
	float cy = cosf(tilt_y), sy = sinf(tilt_y);

	/* rotate (0,0,1), (1,0,0), (0,1,0) about y by tilt_x, then x by tilt_y */
	pl->normal[0] = sx;
	pl->normal[1] = -cx * sy;
	pl->normal[2] = cx * cy;
	pl->axis_x[0] = cx;
	pl->axis_x[1] = sx * sy;
	pl->axis_x[2] = -sx * cy;
	pl->axis_y[0] = 0;
	pl->axis_y[1] = cy;
	pl->axis_y[2] = sy;
	pl->ray_per_px = pl->mm_per_px / pl->distance_mm;
	pl->half_w = o->width * 0.5f;
	pl->half_h = o->height * 0.5f;
}

/* The ray of pixel (px, py) as a direction with z = 1. */
static void pixel_ray(const struct placement *pl, float px, float py,
		      float ray[3])
{
	ray[0] = (px - pl->half_w) * pl->ray_per_px;
	ray[1] = -(py - pl->half_h) * pl->ray_per_px;
	ray[2] = 1.0f;
}

/*
 * Where pixel (px, py) meets the target plane: the world point (for the
 * light) and its coordinates (x, y) in the plane, in mm from the axis.
 */
static void target_point(const struct placement *pl, float px, float py,
			 float world[3], float *x, float *y)
{
	float ray[3], t, rel[3];

	pixel_ray(pl, px, py, ray);
	/* plane through (0, 0, distance): normal . (t ray) = normal_z dist */
	t = pl->normal[2] * pl->distance_mm /
	    (pl->normal[0] * ray[0] + pl->normal[1] * ray[1] + pl->normal[2]);
	for (int k = 0; k < 3; k++)
		world[k] = t * ray[k];
	rel[0] = world[0];
	rel[1] = world[1];
	rel[2] = world[2] - pl->distance_mm;
	*x = rel[0] * pl->axis_x[0] + rel[1] * pl->axis_x[1] +
	     rel[2] * pl->axis_x[2];
	*y = rel[0] * pl->axis_y[0] + rel[1] * pl->axis_y[1] +
	     rel[2] * pl->axis_y[2];
}

static void target_world(const void *ctx, float px, float py, float world[3])
{
	float x, y;

	target_point(ctx, px, py, world, &x, &y);
}

static void background_world(const void *ctx, float px, float py,
			     float world[3])
{
	pixel_ray(ctx, px, py, world);
	for (int k = 0; k < 3; k++)
		world[k] *= BACKGROUND_MM;
}

/* Smooth random displacement of the skin, interpolated on a coarse grid. */
static void warp(const struct placement *pl, float *u, float *v)
{
	float gx = (*u - WARP_U0) / WARP_CELL, gy = (*v - WARP_V0) / WARP_CELL;
	int ix, iy;
	float tx, ty;

	if (pl->warp_mm <= 0)
		return;
	gx = gx < 0 ? 0 : (gx > WARP_GRID - 1.001f ? WARP_GRID - 1.001f : gx);
	gy = gy < 0 ? 0 : (gy > WARP_GRID - 1.001f ? WARP_GRID - 1.001f : gy);
	ix = (int)gx;
	iy = (int)gy;
	tx = gx - ix;
	ty = gy - iy;
	tx = tx * tx * (3.0f - 2.0f * tx);
	ty = ty * ty * (3.0f - 2.0f * ty);
	*u += (pl->warp_u[iy][ix] * (1 - tx) + pl->warp_u[iy][ix + 1] * tx) *
		      (1 - ty) +
	      (pl->warp_u[iy + 1][ix] * (1 - tx) +
	       pl->warp_u[iy + 1][ix + 1] * tx) * ty;
	*v += (pl->warp_v[iy][ix] * (1 - tx) + pl->warp_v[iy][ix + 1] * tx) *
		      (1 - ty) +
	      (pl->warp_v[iy + 1][ix] * (1 - tx) +
	       pl->warp_v[iy + 1][ix + 1] * tx) * ty;
}

/* The paper of a printed photo: a sheet somewhat larger than the hand. */
static float sheet_dist(const struct pv_hand *h, float u, float v)
{
	float du = fabsf(u) - (h->palm_hw + 60.0f);
	float dv = fabsf(v - 15.0f) - (h->palm_hh + 85.0f);

	return du > dv ? du : dv;
}

struct surface {
	float cover;		/* 0 background .. 1 target */
	float shade;		/* cosine of the surface normal to the axis */
	float leak;		/* share of room light reaching this point */
	float u, v;		/* point on the rest hand */
};

/* Hand frame coordinates of the point seen at (x, y) mm on the palm plane. */
static void to_hand(const struct placement *pl, float x, float y, float *u,
		    float *v)
{
	float dx = x - pl->x_mm, dy = y - pl->y_mm;

	*u = pl->cos_r * dx + pl->sin_r * dy;
	*v = -pl->sin_r * dx + pl->cos_r * dy;
	if (pl->mirror)
		*u = -*u;
}

static void see_surface(const struct pv_scene_desc *d, const struct pv_hand *h,
			const struct pv_hand_pose *hp,
			const struct placement *pl, float x, float y,
			struct surface *s)
{
	struct pv_hand_hit hit;
	float u, v, t;

	to_hand(pl, x, y, &u, &v);
	if (d->target == PV_TARGET_PHOTO) {
		s->cover = 0.5f - sheet_dist(h, u, v) / pl->mm_per_px;
		s->cover = s->cover < 0 ? 0 : (s->cover > 1 ? 1 : s->cover);
		s->shade = 1.0f;
		s->leak = 0.3f;
		s->u = u;
		s->v = v;
		return;
	}
	warp(pl, &u, &v);
	pv_hand_locate(h, hp, u, v, &hit);
	s->cover = 0.5f - hit.dist / pl->mm_per_px;
	s->cover = s->cover < 0 ? 0 : (s->cover > 1 ? 1 : s->cover);
	/* a rounded body: the normal tilts away near the outline */
	t = hit.depth / hit.thickness;
	t = t < 0 ? 0 : (t > 1 ? 1 : t);
	s->shade = sqrtf(t * (2.0f - t));
	/* room light creeps in round the edges of the hand */
	s->leak = 0.12f + 0.5f / (1.0f + (hit.depth > 0 ? hit.depth : 0) / 6.0f);
	s->u = hit.rest_u;
	s->v = hit.rest_v;
}

/*
 * Marks blocks of CULL_PX x CULL_PX pixels that the target surely misses, so
 * the outline is not evaluated over the whole background. The distance
 * fields overstate the distance by a few percent at most (the tapered palm),
 * so a block whose centre lies well further than its half diagonal (plus the
 * largest warp) is outside.
 */
#define CULL_PX 8

static uint8_t *find_empty_blocks(const struct pv_scene_desc *d,
				  const struct pv_optics *o,
				  const struct pv_hand *h,
				  const struct pv_hand_pose *hp,
				  const struct placement *pl, int *bw)
{
	int bh = (o->height + CULL_PX - 1) / CULL_PX;
	float margin = 1.25f * (CULL_PX * 0.75f + 1.0f) * pl->mm_per_px +
		       2.0f * pl->warp_mm;
	uint8_t *empty;

	*bw = (o->width + CULL_PX - 1) / CULL_PX;
	empty = malloc((size_t)*bw * bh);
	if (!empty)
		return NULL;
	for (int by = 0; by < bh; by++) {
		for (int bx = 0; bx < *bw; bx++) {
			struct pv_hand_hit hit;
			float world[3], x, y, u, v, dist;

			target_point(pl, (bx + 0.5f) * CULL_PX,
				     (by + 0.5f) * CULL_PX, world, &x, &y);
			to_hand(pl, x, y, &u, &v);
			if (d->target == PV_TARGET_PHOTO) {
				dist = sheet_dist(h, u, v);
			} else {
				warp(pl, &u, &v);
				pv_hand_locate(h, hp, u, v, &hit);
				dist = hit.dist;
			}
			empty[(size_t)by * *bw + bx] =
				d->target == PV_TARGET_NONE || dist > margin;
		}
	}
	return empty;
}

static int compose(const struct pv_scene_desc *d, const struct pv_optics *o,
		   const struct pv_hand *h, const struct pv_tissue *tissue,
		   const struct placement *pl, const struct pv_led_layout *leds,
		   struct pv_scene *sc)
{
	struct pv_irradiance_grid lit_target, lit_background;
	struct pv_hand_pose hp;
	uint8_t *empty;
	int bw;

	pv_hand_pose_init(h, pl->spread, &hp);
	empty = find_empty_blocks(d, o, h, &hp, pl, &bw);
	if (!empty)
		return -ENOMEM;
	if (pv_irradiance_grid_init(&lit_target, leds, o->width, o->height,
				    target_world, pl)) {
		free(empty);
		return -ENOMEM;
	}
	if (pv_irradiance_grid_init(&lit_background, leds, o->width, o->height,
				    background_world, pl)) {
		pv_irradiance_grid_free(&lit_target);
		free(empty);
		return -ENOMEM;
	}
	for (unsigned int py = 0; py < o->height; py++) {
		const uint8_t *empty_row = empty + (size_t)(py / CULL_PX) * bw;

		for (unsigned int px = 0; px < o->width; px++) {
			size_t i = (size_t)py * o->width + px;
			float world[3], x, y;
			struct surface s = { 0, 0, 0, 0, 0 };
			float room = d->ambient > 0 ?
				pv_ambient_background((px + 0.5f) / o->width,
						      (py + 0.5f) / o->height) : 0;

			if (!empty_row[px / CULL_PX]) {
				target_point(pl, px + 0.5f, py + 0.5f, world, &x, &y);
				see_surface(d, h, &hp, pl, x, y, &s);
			}
			for (unsigned int b = 0; b < o->nbanks; b++) {
				float fg = 0, bg = 0;

				if (s.cover > 0)
					fg = s.shade * pv_map_sample(&tissue->bank[b],
								     s.u, s.v) *
					     pv_irradiance_at(&lit_target, b, px, py);
				if (s.cover < 1)
					bg = BACKGROUND_ALBEDO *
					     pv_irradiance_at(&lit_background, b,
							      px, py);
				sc->bank[b][i] = s.cover * fg + (1 - s.cover) * bg;
			}
			sc->ambient[i] = (1 - s.cover) * room;
			if (s.cover > 0)
				sc->ambient[i] += s.cover * s.leak *
						  pv_map_sample(&tissue->ambient,
								s.u, s.v);
			sc->ambient[i] *= SUNLIGHT * d->ambient;
		}
	}
	pv_irradiance_grid_free(&lit_target);
	pv_irradiance_grid_free(&lit_background);
	free(empty);
	return 0;
}

static void fill_gauss_table(struct pv_scene *sc)
{
	struct pv_rng rng;

	pv_rng_init(&rng, 0x6761757373 /* "gauss" */);
	/* Box-Muller pairs, once per scene: the hot loop only looks up */
	for (int i = 0; i < PV_GAUSS_TABLE; i += 2) {
		float u1 = (pv_rng_unit(&rng) + 0.5f / 16777216.0f);
		float u2 = pv_rng_unit(&rng);
		float r = sqrtf(-2.0f * logf(u1));

		sc->gauss[i] = r * cosf(6.2831853f * u2);
		sc->gauss[i + 1] = r * sinf(6.2831853f * u2);
	}
}

void pv_scene_free(struct pv_scene *scene)
{
	if (!scene)
		return;
	for (unsigned int b = 0; b < PV_RENDER_MAX_BANKS; b++)
		free(scene->bank[b]);
	free(scene->ambient);
	free(scene);
}

static struct pv_scene *scene_alloc(const struct pv_optics *o)
{
	size_t n = (size_t)o->width * o->height;
	struct pv_scene *sc = calloc(1, sizeof(*sc));
	int failed;

	if (!sc)
		return NULL;
	sc->width = o->width;
	sc->height = o->height;
	sc->nbanks = o->nbanks;
	sc->ambient = malloc(n * sizeof(float));
	failed = !sc->ambient;
	for (unsigned int b = 0; b < o->nbanks; b++) {
		sc->bank[b] = malloc(n * sizeof(float));
		failed |= !sc->bank[b];
	}
	if (failed) {
		pv_scene_free(sc);
		return NULL;
	}
	return sc;
}

struct pv_scene *pv_scene_render(const struct pv_scene_desc *desc,
				 const struct pv_optics *optics)
{
	struct pv_tissue tissue;
	struct pv_led_layout leds;
	struct placement pl;
	struct pv_hand hand;
	struct pv_scene *sc;
	float texel;

	if (!desc || !optics || !desc_valid(desc, optics)) {
		errno = EINVAL;
		return NULL;
	}
	sc = scene_alloc(optics);
	if (!sc) {
		errno = ENOMEM;
		return NULL;
	}
	pv_hand_generate(desc->identity, &hand);
	place(desc, &hand, optics, &pl);
	sc->distance_mm = desc->target == PV_TARGET_NONE ?
				  -1 : (int)lrintf(pl.distance_mm);
	/* skin detail at about the pixel pitch, within sane bounds */
	texel = pl.mm_per_px < 0.2f ? 0.2f : (pl.mm_per_px > 0.6f ? 0.6f
								   : pl.mm_per_px);
	memset(&tissue, 0, sizeof(tissue));
	if (desc->target != PV_TARGET_NONE &&
	    pv_tissue_build(desc->target, desc->identity, &hand, optics, texel,
			    &tissue)) {
		pv_scene_free(sc);
		errno = ENOMEM;
		return NULL;
	}
	pv_led_layout_init(optics->nbanks, &leds);
	if (compose(desc, optics, &hand, &tissue, &pl, &leds, sc)) {
		pv_tissue_free(&tissue);
		pv_scene_free(sc);
		errno = ENOMEM;
		return NULL;
	}
	pv_tissue_free(&tissue);
	pv_glare_add(&leds, desc->glare, desc->pose.seed, optics->width,
		     optics->height, sc->bank);
	fill_gauss_table(sc);
	return sc;
}

int pv_scene_distance_mm(const struct pv_scene *scene)
{
	return scene ? scene->distance_mm : -1;
}
