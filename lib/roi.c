// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ROI geometry and sampling. On the working-resolution hand mask: trace the
 * outline, take convexity defects as finger gaps, pick the triple of gaps
 * between the four fingers (evenly spaced, consecutive, fingertips between
 * them), and point the ROI from the palm's inscribed-circle centre to the
 * middle of the outer two valleys. Origin and scale come from the inscribed
 * circle, which finger spread does not move. Closed fingers fall back to the
 * hand's principal axis. The square is then sampled from the full-resolution
 * image with bilinear interpolation and enhanced. See docs/roi.md.
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "roi_internal.h"

/* Generic vectors: SSE2 on x86-64, NEON on arm64, from one source. */
typedef float f32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));

/* ROI placement in units of the inscribed radius R (docs/roi.md): the
 * centre lies this far from the inscribed circle's centre towards the
 * fingers, and the square is as wide as the circle: the centre moves
 * about 8 mm along the hand with finger spread, and on a wider square
 * that is fewer cells of the matcher's shift search. The capture is
 * judged on the palm-centre square of the same centre that the quality
 * numbers and limits were set on: the wider one takes in the hand's
 * sides, whose edges read as motion blur. */
#define ROI_CENTRE_TOWARDS_FINGERS 0.3f
#define ROI_SIDE_RADII 2.0f
#define QUALITY_SIDE_RADII 1.45f

/* A finger gap is at least this deep (in R). */
#define GAP_MIN_DEPTH 0.45f
/* The fingertip between two gaps reaches at least this far past them. */
#define FINGERTIP_MIN_HEIGHT 0.5f
/*
 * Both limits when the frame edge cuts the fingers: the hull edge then runs
 * along the frame edge, and what the frame shows of a gap and of the finger
 * beside it is only the part below the edge (a hand held high shows its
 * valleys a few pixels from the top of the frame).
 */
#define CUT_GAP_MIN_DEPTH 0.15f
#define CUT_FINGERTIP_MIN_HEIGHT 0.15f

#define MIN_ROI_SIDE_PX 40.0f

/* Background below this fraction of the hand's mean: no room light. */
#define UNLIT_BACKGROUND 0.15f

struct point {
	int16_t x, y;
};

struct defect {
	uint32_t start, end, deepest;	/* contour indices */
	float depth;
	float opening;			/* hull edge length / depth */
	float vx, vy;			/* valley point, sub-pixel */
	bool thumb;			/* the thumb's valley: see seen_wide() */
};

static const int8_t dir_dx[8] = { 1, 1, 0, -1, -1, -1, 0, 1 };
static const int8_t dir_dy[8] = { 0, 1, 1, 1, 0, -1, -1, -1 };

static bool mask_at(const struct pv_hand *hand, int x, int y)
{
	return x >= 0 && y >= 0 && x < (int)hand->w && y < (int)hand->h &&
	       hand->mask[(size_t)y * hand->w + (uint32_t)x];
}

/* Moore-neighbour tracing of the outer boundary, clockwise on screen. */
static uint32_t trace_contour(const struct pv_hand *hand, struct point *pts,
			      uint32_t cap)
{
	int sx = -1, sy = -1, x, y, d = 4, second_x = -1, second_y = -1;
	uint32_t n = 0;

	for (uint32_t i = 0; i < hand->w * hand->h && sx < 0; i++)
		if (hand->mask[i]) {
			sx = (int)(i % hand->w);
			sy = (int)(i / hand->w);
		}
	if (sx < 0)
		return 0;
	x = sx;
	y = sy;
	/* The start is the top-left-most pixel: its west (d = 4) is
	 * background, so the scan starts there. */
	for (;;) {
		int k, nd = -1;

		if (n == cap)
			return 0;
		pts[n].x = (int16_t)x;
		pts[n].y = (int16_t)y;
		n++;
		for (k = 0; k < 8; k++) {
			int c = (d + k) % 8;

			if (mask_at(hand, x + dir_dx[c], y + dir_dy[c])) {
				nd = c;
				break;
			}
		}
		if (nd < 0)
			return n;	/* a single pixel */
		if (x == sx && y == sy && n > 1 && x + dir_dx[nd] == second_x &&
		    y + dir_dy[nd] == second_y)
			return n - 1;
		x += dir_dx[nd];
		y += dir_dy[nd];
		if (n == 1) {
			second_x = x;
			second_y = y;
		}
		/* Resume the scan just after the background pixel we passed. */
		d = (nd % 2) ? (nd + 5) % 8 : (nd + 6) % 8;
	}
}

static int64_t cross(struct point o, struct point a, struct point b)
{
	return (int64_t)(a.x - o.x) * (b.y - o.y) - (int64_t)(a.y - o.y) * (b.x - o.x);
}

static int cmp_by_xy(const void *a, const void *b, void *ctx)
{
	const struct point *pts = ctx;
	const struct point *p = &pts[*(const uint32_t *)a];
	const struct point *q = &pts[*(const uint32_t *)b];

	if (p->x != q->x)
		return p->x - q->x;
	return p->y - q->y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Convex hull (Andrew's monotone chain) of the contour; returns the hull's
 * contour indices in contour order. @order and @hull hold n entries.
 * Collinear points stay on the hull: fingertips cut off by the frame edge
 * lie on one line, and each gap between them must keep its own hull edge.
 */
static uint32_t convex_hull(const struct point *pts, uint32_t n, uint32_t *order,
			    uint32_t *hull)
{
	uint32_t k = 0, lower;

	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_by_xy, (void *)pts);
	for (uint32_t i = 0; i < n; i++) {
		while (k >= 2 && cross(pts[hull[k - 2]], pts[hull[k - 1]],
				       pts[order[i]]) < 0)
			k--;
		hull[k++] = order[i];
	}
	lower = k + 1;
	for (uint32_t i = n - 1; i-- > 0;) {
		while (k >= lower && cross(pts[hull[k - 2]], pts[hull[k - 1]],
					   pts[order[i]]) < 0)
			k--;
		hull[k++] = order[i];
	}
	if (k > 1)
		k--;	/* the last point repeats the first */
	qsort(hull, k, sizeof(*hull), cmp_u32);
	return k;
}

static bool on_border(const struct pv_hand *hand, struct point p)
{
	return p.x <= 0 || p.y <= 0 || p.x >= (int)hand->w - 1 ||
	       p.y >= (int)hand->h - 1;
}

/*
 * The valley bottom is often a flat run of pixels; its mean locates the
 * valley to a fraction of a working pixel, which the rotation needs.
 */
static bool valley_point(const struct point *pts, uint32_t n, uint32_t a,
			 uint32_t b, float depth, struct defect *gap)
{
	float ax = pts[a].x, ay = pts[a].y;
	float ex = pts[b].x - ax, ey = pts[b].y - ay;
	float len = sqrtf(ex * ex + ey * ey), sx = 0, sy = 0;
	uint32_t cnt = 0;

	for (uint32_t j = (a + 1) % n; j != b; j = (j + 1) % n) {
		float dist = fabsf(ex * (pts[j].y - ay) - ey * (pts[j].x - ax)) / len;

		if (dist >= depth - 1.0f) {
			sx += pts[j].x;
			sy += pts[j].y;
			cnt++;
		}
	}
	if (!cnt)
		return false;
	gap->vx = sx / (float)cnt;
	gap->vy = sy / (float)cnt;
	return true;
}

static float sample_bilinear(const struct pv_image *img, float x, float y);

/*
 * The valley line's angle depends on where each valley bottom lies along
 * its gap, and the working mask knows that only to a whole working pixel
 * (a slot between fingers may be narrower than that). Walk the gap's axis
 * in the full-resolution image, averaging across the axis against noise,
 * and put the bottom where it crosses the segmentation threshold.
 */
static void refine_valley(const struct pv_image *img, const struct pv_hand *hand,
			  const struct point *pts, struct defect *gap)
{
	const float f = (float)hand->factor;
	float mx = 0.5f * (pts[gap->start].x + pts[gap->end].x);
	float my = 0.5f * (pts[gap->start].y + pts[gap->end].y);
	float dx = mx - gap->vx, dy = my - gap->vy, len = hypotf(dx, dy);
	const float level = (hand->threshold + 0.5f) / 255.0f, step = 0.5f;
	float ox, oy, prev, t;

	if (len < 1.0f)
		return;
	dx /= len;
	dy /= len;
	ox = (gap->vx + 0.5f) * f - 0.5f;
	oy = (gap->vy + 0.5f) * f - 0.5f;
	/* From inside the gap (background) towards the palm. */
	for (t = fminf(2.0f, 0.5f * len) * f, prev = -1; t > -3.0f * f; t -= step) {
		float x = ox + t * dx, y = oy + t * dy, v = 0;

		for (int k = -1; k <= 1; k++)
			v += sample_bilinear(img, x - 0.5f * k * dy, y + 0.5f * k * dx);
		v /= 3;
		if (v > level && prev >= 0) {
			float at = t + step * (1.0f - (level - prev) / (v - prev));

			gap->vx += at / f * dx;
			gap->vy += at / f * dy;
			return;
		}
		if (v > level)
			return;	/* started on skin: keep the mask's estimate */
		prev = v;
	}
}

/* Deep convexity defects, in contour order; gaps at the frame edge (where
 * the hand runs out of the frame) are not finger gaps. */
static uint32_t find_gaps(const struct pv_image *img, const struct pv_hand *hand,
			  const struct point *pts,
			  uint32_t n, const uint32_t *hull, uint32_t nhull,
			  struct defect *gaps)
{
	const float min_depth = GAP_MIN_DEPTH * hand->palm_radius;
	uint32_t ngaps = 0;

	for (uint32_t i = 0; i < nhull; i++) {
		uint32_t a = hull[i], b = hull[(i + 1) % nhull];
		float ax = pts[a].x, ay = pts[a].y;
		float ex = pts[b].x - ax, ey = pts[b].y - ay;
		float len = sqrtf(ex * ex + ey * ey), best = 0;
		uint32_t deepest = a;
		const bool cut = on_border(hand, pts[a]) && on_border(hand, pts[b]);

		if (len < 1.0f)
			continue;
		for (uint32_t j = (a + 1) % n; j != b; j = (j + 1) % n) {
			float dist = fabsf(ex * (pts[j].y - ay) - ey * (pts[j].x - ax)) / len;

			if (dist > best) {
				best = dist;
				deepest = j;
			}
		}
		/* a zero-depth "gap" of a degenerate outline is no valley */
		if (best <= 0 ||
		    best < (cut ? CUT_GAP_MIN_DEPTH * hand->palm_radius : min_depth) ||
		    on_border(hand, pts[deepest]))
			continue;
		if (!valley_point(pts, n, a, b, best, &gaps[ngaps]))
			continue;
		gaps[ngaps].start = a;
		gaps[ngaps].end = b;
		refine_valley(img, hand, pts, &gaps[ngaps]);
		gaps[ngaps].start = a;
		gaps[ngaps].end = b;
		gaps[ngaps].deepest = deepest;
		gaps[ngaps].thumb = false;
		gaps[ngaps].depth = best;
		gaps[ngaps].opening = len / best;
		ngaps++;
	}
	return ngaps;
}

/* How far the outline between contour indices @from and @to reaches beyond
 * the line through them, on the side away from the palm centre. */
static float fingertip_height(const struct pv_hand *hand, const struct point *pts,
			      uint32_t n, uint32_t from, uint32_t to, bool *cut)
{
	float ax = pts[from].x, ay = pts[from].y;
	float ex = pts[to].x - ax, ey = pts[to].y - ay;
	float len = sqrtf(ex * ex + ey * ey), best = 0, palm_side;

	*cut = false;
	if (len < 1.0f)
		return 0;
	palm_side = ex * (hand->palm_y - ay) - ey * (hand->palm_x - ax);
	for (uint32_t j = from; j != to; j = (j + 1) % n) {
		float s = ex * (pts[j].y - ay) - ey * (pts[j].x - ax);

		if (s * palm_side < 0 && fabsf(s) / len > best)
			best = fabsf(s) / len;
		*cut |= on_border(hand, pts[j]);
	}
	return best;
}

/* The finger between two gaps is long enough, or runs out of the frame. */
static bool fingertip_between(const struct pv_hand *hand, const struct point *pts,
			      uint32_t n, uint32_t from, uint32_t to)
{
	bool cut;
	float height = fingertip_height(hand, pts, n, from, to, &cut);

	return height >= (cut ? CUT_FINGERTIP_MIN_HEIGHT : FINGERTIP_MIN_HEIGHT) *
			 hand->palm_radius;
}

/*
 * The thumb gap: its valley lies far from every other valley (over one
 * inscribed radius; finger valleys sit 0.4 to 0.9 radii apart). Returns
 * ngaps when no gap stands out.
 */
static uint32_t thumb_gap(const struct pv_hand *hand, const struct defect *gaps,
			  uint32_t ngaps)
{
	uint32_t thumb = ngaps;
	float farthest = hand->palm_radius;

	for (uint32_t i = 0; ngaps >= 3 && i < ngaps; i++) {
		const struct defect *prev = &gaps[(i + ngaps - 1) % ngaps];
		const struct defect *next = &gaps[(i + 1) % ngaps];
		float nearest = fminf(hypotf(gaps[i].vx - prev->vx, gaps[i].vy - prev->vy),
				      hypotf(gaps[i].vx - next->vx, gaps[i].vy - next->vy));

		if (nearest > farthest) {
			farthest = nearest;
			thumb = i;
		}
	}
	return thumb;
}

#define WIDE_GAPS_MAX 8

struct valley_line {
	float ax, ay, bx, by;	/* outer gaps' valley points, working px */
	float side_x, side_y;	/* where the narrow gaps lie from the palm */
	/* wide gaps and thumb valleys seen on the masks tried before,
	 * working px */
	uint32_t wide;
	float wide_x[WIDE_GAPS_MAX], wide_y[WIDE_GAPS_MAX];
};

/* Finger gaps are slots, narrower than deep; the thumb gap is wider and
 * the gap between thumb and wrist wider still. */
#define SLOT_MAX_OPENING 1.5f
/*
 * A mask that cuts into the hand's dim outline (Otsu's after the
 * dim-fingers one) narrows the thumb gap to a slot's opening (1.7-2.3 to
 * 1.0-1.4 on the renderer's lit-minus-unlit frames), and it completes a
 * triple with two finger gaps. A gap within this many R of one that an
 * earlier mask showed wide, or that the dim-fingers mask took for the
 * thumb valley (standing apart, thumb_gap(), or the near valley of a
 * thumb triple, thumb_triple(): Otsu's mask can move that valley and the
 * palm centre just past its limits), is not a finger gap. Other masks cut
 * into the outline themselves or take in room light, and their thumb
 * triples can be finger valleys seen askew.
 */
#define WIDE_GAP_REACH 0.3f

static bool seen_wide(const struct pv_hand *hand, const struct valley_line *line,
		      const struct defect *g)
{
	for (uint32_t k = 0; k < line->wide; k++)
		if (hypotf(g->vx - line->wide_x[k], g->vy - line->wide_y[k]) <
		    WIDE_GAP_REACH * hand->palm_radius)
			return true;
	return false;
}

/*
 * Which way the finger gaps lie from the palm centre: the sum of the
 * directions to the narrow gaps, weighted by depth. Fingers run out of the
 * frame as often as the arm does, but only the finger side has slots.
 */
static void gap_side(const struct pv_hand *hand, const struct defect *gaps,
		     uint32_t ngaps, struct valley_line *line)
{
	line->side_x = line->side_y = 0;
	for (uint32_t i = 0; i < ngaps; i++) {
		float dx = gaps[i].vx - hand->palm_x, dy = gaps[i].vy - hand->palm_y;
		float len = hypotf(dx, dy);

		if (gaps[i].opening > SLOT_MAX_OPENING || len < 1.0f)
			continue;
		line->side_x += gaps[i].depth * dx / len;
		line->side_y += gaps[i].depth * dy / len;
	}
}

/*
 * The finger valleys lie at about one distance from the palm centre; the
 * thumb valley lies much nearer (when a gap goes unseen, the thumb gap can
 * otherwise join the triple).
 */
#define VALLEY_MIN_LEVEL 0.6f

/*
 * A triple that took the thumb valley in place of a finger gap the mask
 * missed (two fingers touching): that valley lies much nearer the palm
 * centre than the others and is wider than a slot between fingers, and the
 * palm centre lies close to the triple's line (the outer finger valleys sit
 * over 1 R from it). On the 3000 lit-minus-unlit presentations of the
 * renderer's 500 hands no triple within 5 degrees of its hand's others
 * meets all three (the nearest: 1.13 R, level 0.81, opening 0.92), and two
 * thumb triples of closed fingers, at 1.09 and 1.10 R and 16-21 degrees
 * off, do. One hands-coep hand has a right triple with a valley as near,
 * but a narrow slot (opening 0.74).
 */
#define THUMB_TRIPLE_LEVEL 0.86f
#define THUMB_TRIPLE_LINE_DIST 1.12f
#define THUMB_TRIPLE_OPENING 0.8f

/* How near the nearest valley (*nearest) lies against the farthest, 0..1. */
static float valley_level(const struct pv_hand *hand, const struct defect *const g[3],
			  int *nearest)
{
	float d, far = 0, near = INFINITY;

	for (int k = 0; k < 3; k++) {
		d = hypotf(g[k]->vx - hand->palm_x, g[k]->vy - hand->palm_y);
		far = fmaxf(far, d);
		if (d < near) {
			near = d;
			*nearest = k;
		}
	}
	return far > 0 ? near / far : 0;
}

static bool thumb_triple(const struct pv_hand *hand, const struct defect *const g[3],
			 float d_palm)
{
	int nearest = 0;
	float level = valley_level(hand, g, &nearest);

	return d_palm < THUMB_TRIPLE_LINE_DIST * hand->palm_radius &&
	       level < THUMB_TRIPLE_LEVEL &&
	       g[nearest]->opening > THUMB_TRIPLE_OPENING;
}

/*
 * Picks the three consecutive gaps between the four fingers: evenly spaced,
 * nearly on a line, with a fingertip between neighbours and the palm centre
 * behind them. Finger gaps are narrow slots (opening below their depth);
 * the thumb gap is a wide V and the gap between thumb and wrist wider still,
 * and the thumb valley sits far from its neighbour. Marks the thumb valley,
 * standing apart or in a thumb triple it refuses, for the masks tried next.
 */
static bool choose_valleys(const struct pv_hand *hand, const struct point *pts,
			   uint32_t n, struct defect *gaps, uint32_t ngaps,
			   struct valley_line *line)
{
	const float r = hand->palm_radius;
	float best_cost = INFINITY;

	uint32_t thumb = thumb_gap(hand, gaps, ngaps);

	if (ngaps < 3)
		return false;
	if (thumb < ngaps)
		gaps[thumb].thumb = true;
	for (uint32_t i = 0; i < ngaps; i++) {
		const struct defect *g[3] = { &gaps[i], &gaps[(i + 1) % ngaps],
					      &gaps[(i + 2) % ngaps] };
		struct {
			float x, y;
		} v[3];
		float s01, s12, evenness, cos_bend, cost, d_palm;
		int nearest;
		float ex, ey, len;

		if (thumb == i || thumb == (i + 1) % ngaps || thumb == (i + 2) % ngaps)
			continue;
		for (int k = 0; k < 3; k++) {
			v[k].x = g[k]->vx;
			v[k].y = g[k]->vy;
		}
		s01 = hypotf(v[1].x - v[0].x, v[1].y - v[0].y);
		s12 = hypotf(v[2].x - v[1].x, v[2].y - v[1].y);
		if (s01 < 0.15f * r || s12 < 0.15f * r || s01 > 1.5f * r ||
		    s12 > 1.5f * r)
			continue;
		evenness = fabsf(s01 - s12) / fmaxf(s01, s12);
		cos_bend = ((v[0].x - v[1].x) * (v[2].x - v[1].x) +
			    (v[0].y - v[1].y) * (v[2].y - v[1].y)) / (s01 * s12);
		if (evenness > 0.6f || cos_bend > 0.5f)
			continue;
		if (!fingertip_between(hand, pts, n, g[0]->deepest, g[1]->deepest) ||
		    !fingertip_between(hand, pts, n, g[1]->deepest, g[2]->deepest))
			continue;
		ex = v[2].x - v[0].x;
		ey = v[2].y - v[0].y;
		len = hypotf(ex, ey);
		d_palm = fabsf(ex * (hand->palm_y - v[0].y) -
			       ey * (hand->palm_x - v[0].x)) / len;
		if (d_palm < 0.4f * r || valley_level(hand, g, &nearest) < VALLEY_MIN_LEVEL)
			continue;
		if (thumb_triple(hand, g, d_palm)) {
			gaps[(i + (uint32_t)nearest) % ngaps].thumb = true;
			continue;
		}
		/* a wide V is the thumb gap, or one beside a glare spot on the edge */
		if (g[0]->opening > SLOT_MAX_OPENING || g[1]->opening > SLOT_MAX_OPENING ||
		    g[2]->opening > SLOT_MAX_OPENING || seen_wide(hand, line, g[0]) ||
		    seen_wide(hand, line, g[1]) || seen_wide(hand, line, g[2]))
			continue;
		cost = evenness + 0.5f * (1.0f + cos_bend) +
		       fmaxf(0, s01 / r - 0.9f) + fmaxf(0, s12 / r - 0.9f);
		for (int k = 0; k < 3; k++)
			cost += 0.5f * fmaxf(0, g[k]->opening - 0.8f);
		if (cost < best_cost) {
			best_cost = cost;
			line->ax = v[0].x;
			line->ay = v[0].y;
			line->bx = v[2].x;
			line->by = v[2].y;
		}
	}
	return isfinite(best_cost);
}

/* Mask pixels on the chord square to (ex, ey) at @along radii from the
 * palm centre, within 3 radii either side of the axis. */
static uint32_t chord_width(const struct pv_hand *hand, double ex, double ey,
			    double along)
{
	const double r = hand->palm_radius;
	double ox = hand->palm_x + ex * along * r, oy = hand->palm_y + ey * along * r;
	uint32_t count = 0;

	for (double t = -3.0 * r; t <= 3.0 * r; t += 1.0)
		count += mask_at(hand, (int)lround(ox - ey * t), (int)lround(oy + ex * t));
	return count;
}

/*
 * Where the mask runs out of the frame, on either side of the palm along
 * (ex, ey): when only one side does, that is the arm. Returns +1 when the
 * arm is on the negative side, -1 on the positive side, 0 when both or
 * neither side (fingertips cut off, or a hand wholly in view).
 */
static double arm_side(const struct pv_hand *hand, double ex, double ey)
{
	const double reach = hand->palm_radius;
	uint32_t pos = 0, neg = 0;

	for (uint32_t y = 0; y < hand->h; y++)
		for (uint32_t x = 0; x < hand->w; x++) {
			double t;

			if ((x && y && x + 1 < hand->w && y + 1 < hand->h) ||
			    !hand->mask[(size_t)y * hand->w + x])
				continue;
			t = (x - hand->palm_x) * ex + (y - hand->palm_y) * ey;
			pos += t > reach;
			neg += t < -reach;
		}
	return (pos > 0) == (neg > 0) ? 0 : neg > 0 ? 1 : -1;
}

/*
 * The axis is taken over the hand's thick parts only (palm, wrist, fingers
 * held together): the thumb and single fingers are thinner than this (in
 * R) and would turn it with their spread (on the renderer's sets this
 * halved the axis ROIs more than 5 degrees off their hand's others).
 */
#define AXIS_MIN_THICKNESS 0.5f

/*
 * One end's chords below CHORD_LOST of the other's: that end is all but
 * gone from the mask, and under room light it is the fingers that go (dim,
 * thin, far from the LEDs), not the arm. On the renderer's sets all 13
 * such hands had been turned round; where both ends show, the smaller
 * side was at least 0.28 of the larger (docs/roi.md).
 */
#define CHORD_LOST 0.25

/*
 * Closed fingers: the principal axis of the hand, pointing to the fingers.
 * Which end that is comes from the finger gaps found on the mask (@side),
 * when they say; else from where the mask runs out of the frame, when only
 * one end does (fingertips are cut off as often as the arm, so both ends
 * doing so says nothing); else from the chords 1.4 to 1.8 radii from the
 * palm centre: closed fingers are about as wide as the palm, the wrist is
 * narrower, unless one end is all but gone (CHORD_LOST). Returns false for
 * a blob with no clear axis.
 */
static bool principal_axis(const struct pv_hand *hand, const struct valley_line *side,
			   float *fx, float *fy)
{
	double vote, sxx = 0, syy = 0, sxy = 0, cnt = 0, l1, l2, ex, ey, norm;
	const float reach = 4.0f * hand->palm_radius;
	const float thick = AXIS_MIN_THICKNESS * hand->palm_radius;
	uint32_t width_pos = 0, width_neg = 0;

	for (uint32_t y = 0; y < hand->h; y++)
		for (uint32_t x = 0; x < hand->w; x++) {
			double dx = x - hand->palm_x, dy = y - hand->palm_y;

			if (!hand->mask[(size_t)y * hand->w + x] ||
			    dx * dx + dy * dy > reach * reach ||
			    hand->dist[(size_t)y * hand->w + x] < thick)
				continue;
			sxx += dx * dx;
			syy += dy * dy;
			sxy += dx * dy;
			cnt++;
		}
	if (cnt < 16)
		return false;
	sxx /= cnt;
	syy /= cnt;
	sxy /= cnt;
	l1 = 0.5 * (sxx + syy) + sqrt(0.25 * (sxx - syy) * (sxx - syy) + sxy * sxy);
	l2 = sxx + syy - l1;
	if (l1 < 1.15 * l2)
		return false;
	ex = sxy;
	ey = l1 - sxx;
	if (fabs(ex) + fabs(ey) < 1e-9) {
		ex = sxx >= syy ? 1 : 0;
		ey = sxx >= syy ? 0 : 1;
	}
	norm = hypot(ex, ey);
	ex /= norm;
	ey /= norm;
	vote = side->side_x * ex + side->side_y * ey;
	if (fabs(vote) < 0.2 * hand->palm_radius)
		vote = arm_side(hand, ex, ey);
	if (vote == 0) {
		for (double along = 1.4; along <= 1.85; along += 0.1) {
			width_pos += chord_width(hand, ex, ey, along);
			width_neg += chord_width(hand, ex, ey, -along);
		}
		vote = (double)width_pos - (double)width_neg;
		if (fmin(width_pos, width_neg) < CHORD_LOST * fmax(width_pos, width_neg))
			vote = -vote;
	}
	if (vote < 0) {
		ex = -ex;
		ey = -ey;
	}
	*fx = (float)ex;
	*fy = (float)ey;
	return true;
}

/*
 * With the valleys known, the palm is the widest part of the hand next to
 * them: palm centres sit 1.2 to 1.6 radii from the valley midpoint (m).
 * A wrist or forearm about as wide as the palm must not take the inscribed
 * circle away, so look for it within 1.8 radii of m only.
 */
#define PALM_REACH 1.8f

/* The largest circle of @mask and its distance map @dist whose centre lies
 * within @reach of (mx, my); false when there is none. */
static bool circle_near(const struct pv_hand *hand, const uint8_t *mask, const float *dist,
			float mx, float my, float reach, float *cx, float *cy, float *radius)
{
	const int x0 = (int)fmaxf(0, floorf(mx - reach)), y0 = (int)fmaxf(0, floorf(my - reach));
	const int x1 = (int)fminf((float)hand->w - 1, ceilf(mx + reach));
	const int y1 = (int)fminf((float)hand->h - 1, ceilf(my + reach));
	float best = 0;

	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			float d = dist[(size_t)y * hand->w + (uint32_t)x];
			float ex = (float)x - mx, ey = (float)y - my;

			if (d > best && mask[(size_t)y * hand->w + (uint32_t)x] &&
			    ex * ex + ey * ey <= reach * reach) {
				best = d;
				*cx = (float)x;
				*cy = (float)y;
			}
		}
	*radius = best;
	return best > 0;
}

static void palm_near_valleys(struct pv_hand *hand, float mx, float my)
{
	float x, y, r;

	if (circle_near(hand, hand->mask, hand->dist, mx, my,
			PALM_REACH * hand->palm_radius, &x, &y, &r)) {
		hand->palm_x = x;
		hand->palm_y = y;
		hand->palm_radius = r;
	}
}

/*
 * The palm's distance ridge across the up axis (ux, uy) at (px, py): the
 * largest distance within half of @r either side, and where it lies.
 * False when that segment leaves the frame or the palm on it runs into
 * the frame edge: the ridge has no end there.
 */
static bool ridge_across(const struct pv_hand *hand, float px, float py, float ux,
			 float uy, float r, float *best, struct point *at)
{
	*best = 0;
	for (float s = -0.5f * r; s <= 0.5f * r; s += 1.0f) {
		int qx = (int)lroundf(px - uy * s), qy = (int)lroundf(py + ux * s);
		struct point q = { (int16_t)qx, (int16_t)qy };
		float d;

		if (qx < 0 || qy < 0 || qx >= (int)hand->w || qy >= (int)hand->h ||
		    (mask_at(hand, qx, qy) && on_border(hand, q)))
			return false;
		if (!mask_at(hand, qx, qy))
			continue;
		d = hand->dist[(size_t)qy * hand->w + (uint32_t)qx];
		if (d > *best) {
			*best = d;
			*at = q;
		}
	}
	return true;
}

/*
 * Closing fingers let the inscribed circle climb towards them along the
 * palm's distance ridge (the slots between them start higher), spread ones
 * let it sink. The ridge's wrist end, where the largest distance across the
 * up axis falls below RIDGE_LEVEL of R, moves with neither. How far the
 * centre lies above RIDGE_TO_CENTRE radii above that end (the median of the
 * renderer's hands) is its climb, negative when it lies below; false when
 * the walk meets the frame edge first.
 */
#define RIDGE_LEVEL 0.9f
#define RIDGE_TO_CENTRE 0.32f
#define RIDGE_REACH 3.0f

static bool ridge_climb(const struct pv_hand *hand, float ux, float uy, float *climb)
{
	const float r = hand->palm_radius;

	for (float t = 0; t < RIDGE_REACH * r; t += 0.5f) {
		float best;
		struct point at;

		if (!ridge_across(hand, hand->palm_x - ux * t, hand->palm_y - uy * t, ux, uy,
				  r, &best, &at))
			return false;
		if (best < RIDGE_LEVEL * r) {
			*climb = t - RIDGE_TO_CENTRE * r;
			return true;
		}
	}
	return false;
}

/*
 * With valleys the palm centre goes half of its climb down (or up): all
 * the way cost hands-coep two genuine pairs, whose wrists are shorter
 * (docs/roi.md).
 */
#define RIDGE_SHARE_VALLEYS 0.5f

static void palm_down(struct pv_hand *hand, float ux, float uy, float by)
{
	hand->palm_x -= ux * by;
	hand->palm_y -= uy * by;
}

/*
 * Where up starts from: the mean of the ridge's points from the palm
 * centre towards the wrist, as long as the palm stays RIDGE_AXIS_LEVEL of
 * R wide. A thumb held against the index finger, or glare filling the
 * thumb gap, widens the palm at the finger base and pulls the inscribed
 * circle towards the thumb; the line from the circle alone to the valleys
 * is short and turned 9-16 degrees by it (docs/roi.md). The ridge's
 * lower points follow the palm's own axis and lengthen the lever. Falls
 * back on the palm centre.
 */
#define RIDGE_AXIS_LEVEL 0.8f

static void ridge_base(const struct pv_hand *hand, float ux, float uy, float *bx,
		       float *by)
{
	const float r = hand->palm_radius;
	float sx = 0, sy = 0, best;
	struct point at;
	int n = 0;

	for (float t = 0; t < RIDGE_REACH * r; t += 1.0f) {
		if (!ridge_across(hand, hand->palm_x - ux * t, hand->palm_y - uy * t, ux, uy,
				  r, &best, &at) || best < RIDGE_AXIS_LEVEL * r)
			break;
		sx += at.x;
		sy += at.y;
		n++;
	}
	*bx = n ? sx / (float)n : hand->palm_x;
	*by = n ? sy / (float)n : hand->palm_y;
}

/*
 * Finds the valley line on the current mask; -ENOMEM or 0 with *found.
 * @whole_outline: the mask holds the hand's dim outline (dim fingers), so
 * the thumb valleys of the thumb triples it refuses are worth keeping.
 */
static int find_valley_line(const struct pv_image *img, const struct pv_hand *hand,
			    bool whole_outline, struct valley_line *line, bool *found)
{
	const uint32_t n = hand->w * hand->h;
	struct point *pts = malloc(4 * (size_t)n * sizeof(*pts));
	uint32_t *order = malloc(4 * (size_t)n * sizeof(*order));
	uint32_t *hull = malloc(4 * (size_t)n * sizeof(*hull));
	struct defect *gaps = malloc(4 * (size_t)n * sizeof(*gaps));
	uint32_t npts, nhull, ngaps;
	int err = 0;

	*found = false;
	line->side_x = line->side_y = 0;
	if (!pts || !order || !hull || !gaps) {
		err = -ENOMEM;
		goto out;
	}
	npts = trace_contour(hand, pts, 4 * n);
	if (npts >= 8) {
		nhull = convex_hull(pts, npts, order, hull);
		ngaps = find_gaps(img, hand, pts, npts, hull, nhull, gaps);
		*found = choose_valleys(hand, pts, npts, gaps, ngaps, line);
		for (uint32_t k = 0; k < ngaps && !*found && line->wide < WIDE_GAPS_MAX; k++)
			if (gaps[k].opening > SLOT_MAX_OPENING ||
			    (whole_outline && gaps[k].thumb)) {
				line->wide_x[line->wide] = gaps[k].vx;
				line->wide_y[line->wide++] = gaps[k].vy;
			}
		gap_side(hand, gaps, ngaps, line);
	}
out:
	free(pts);
	free(order);
	free(hull);
	free(gaps);
	return err;
}

enum geometry_source { GEOM_VALLEYS, GEOM_AXIS, GEOM_CROP, GEOM_NONE };

/*
 * No valleys on any mask of a lit background: where the cubic falls short
 * of a window's glow the room light joins the mask. Tries the two-sided
 * mask once more on the locally refined model, and keeps it when it shows
 * the valleys or when the cubic's mask was a blob the size of a palm-centre
 * crop (*big_blob is then redone); else the cubic comes back, because the
 * refined model can lose dim fingers as well and the hand's axis then
 * turned round more often (docs/accuracy.md). *in_place says which mask
 * is in place afterwards (PV_SEG_MODES: none of the modes' own). Returns 0
 * or -ENOMEM.
 */
static int retry_lit(const struct pv_image *img, struct pv_hand *hand,
		     struct valley_line *line, bool *found, bool *big_blob,
		     enum pv_seg_mode *in_place)
{
	const size_t n = (size_t)hand->w * hand->h;
	float *cubic = malloc(n * sizeof(*cubic));
	int err;

	if (!cubic)
		return -ENOMEM;
	memcpy(cubic, hand->bg, n * sizeof(*cubic));
	err = pv_hand_refine_background(hand, cubic);
	if (!err)
		err = pv_hand_mask(hand, PV_SEG_TWO_SIDED);
	*in_place = err ? PV_SEG_MODES : PV_SEG_TWO_SIDED;
	if (!err)
		err = find_valley_line(img, hand, false, line, found);
	else if (err == -ENOENT)
		err = 0;
	if (!err && !*found) {
		if (*big_blob) {
			*big_blob = hand->area * 5 > n * 2;
		} else {
			memcpy(hand->bg, cubic, n * sizeof(*cubic));
			*in_place = PV_SEG_MODES;
		}
	}
	explicit_bzero(cubic, n * sizeof(*cubic));
	free(cubic);
	return err;
}

/*
 * Palm-centre crops: the square around the mask's centroid (stable, unlike
 * the distance maximum, which wanders along the plateau of an oblong
 * blob), as large as stays on the palm, axis-aligned.
 */
static void crop_geometry(const struct pv_hand *hand, struct pv_roi_geometry *geom)
{
	const float f = (float)hand->factor;
	double sx = 0, sy = 0;
	uint32_t cnt = 0;
	int cx, cy, half;

	for (uint32_t y = 0; y < hand->h; y++)
		for (uint32_t x = 0; x < hand->w; x++)
			if (hand->mask[(size_t)y * hand->w + x]) {
				sx += x;
				sy += y;
				cnt++;
			}
	cx = (int)lround(sx / cnt);
	cy = (int)lround(sy / cnt);
	for (half = 1;; half++) {
		bool ok = true;

		for (int t = -half; t <= half && ok; t++)
			ok = mask_at(hand, cx + t, cy - half) && mask_at(hand, cx + t, cy + half) &&
			     mask_at(hand, cx - half, cy + t) && mask_at(hand, cx + half, cy + t);
		if (!ok)
			break;
	}
	geom->cx = ((float)cx + 0.5f) * f - 0.5f;
	geom->cy = ((float)cy + 0.5f) * f - 0.5f;
	geom->angle_deg = 0;
	geom->side_px = (float)(2 * half - 1) * f;
}

/*
 * LED-only frames whose valleys only Otsu's mask showed: the palm (centre
 * and radius) still comes from the dim-fingers mask, as on the frames
 * whose dim-fingers mask shows the valleys. Otsu's level cuts into the
 * hand's dim outline: on the renderer's 500 x 6 lit/unlit set the 109 such
 * frames had an inscribed radius 7-24 % (median 10 %) smaller on it, and
 * two presentations of one hand differed in scale by that much. Unless
 * the dim-fingers circle lies elsewhere (more than DIM_PALM_REACH radii
 * away, 4 of the 109): glare or closed fingers joined something to the
 * hand there, which is why that mask showed no valleys. Returns 0 or
 * -ENOMEM.
 */
#define DIM_PALM_REACH 0.4f

static int palm_from_dim_fingers(struct pv_hand *hand, const struct valley_line *line)
{
	const float mx = 0.5f * (line->ax + line->bx), my = 0.5f * (line->ay + line->by);
	const float px = hand->palm_x, py = hand->palm_y, r = hand->palm_radius;
	int err = pv_hand_mask(hand, PV_SEG_DIM_FINGERS);

	if (!err) {
		palm_near_valleys(hand, mx, my);
		if (hypotf(hand->palm_x - px, hand->palm_y - py) <= DIM_PALM_REACH * r)
			return 0;
	}
	if (err == -ENOMEM)
		return err;
	err = pv_hand_mask(hand, PV_SEG_OTSU);
	if (!err)
		palm_near_valleys(hand, mx, my);
	return err;
}

/* Otsu's mask of an LED-lit frame, kept when the dim-fingers mask replaces it. */
struct otsu_copy {
	uint8_t *mask;
	float *dist;
	float palm_x, palm_y, palm_radius;
};

/*
 * LED-lit frames whose palm comes from the dim-fingers mask: glow between
 * closed fingers or round a glare spot on them, or a closed thumb, fill
 * that mask at the finger base, and the inscribed circle climbs there
 * (the renderer's 0151_05 and 0307_01: 21-40 mm up the hand, 9-11 % too
 * large). Otsu's mask cuts the dim outline and keeps its circle lower on
 * the palm. When Otsu's circle (near the valley midpoint, when there are
 * valleys, and then farther from it) lies more than OTSU_PALM_REACH radii
 * from the dim-fingers one, the palm centre comes from Otsu's mask and
 * the radius from the dim-fingers mask's distance there, as Otsu's own is
 * some 10 % short. @line: the valleys, or NULL.
 */
#define OTSU_PALM_REACH 0.3f

static void palm_below_climb(struct pv_hand *hand, const struct otsu_copy *otsu,
			     const struct valley_line *line)
{
	float ox = otsu->palm_x, oy = otsu->palm_y, otsu_r, d;

	if (line) {
		const float mx = 0.5f * (line->ax + line->bx), my = 0.5f * (line->ay + line->by);

		if (!circle_near(hand, otsu->mask, otsu->dist, mx, my,
				 PALM_REACH * otsu->palm_radius, &ox, &oy, &otsu_r) ||
		    hypotf(ox - mx, oy - my) <= hypotf(hand->palm_x - mx, hand->palm_y - my))
			return;
	}
	if (hypotf(ox - hand->palm_x, oy - hand->palm_y) <= OTSU_PALM_REACH * hand->palm_radius)
		return;
	d = hand->dist[(size_t)lroundf(oy) * hand->w + (uint32_t)lroundf(ox)];
	if (!isfinite(d) || d <= 0)
		return;
	hand->palm_x = ox;
	hand->palm_y = oy;
	hand->palm_radius = d;
}

/*
 * Decides the ROI square in source pixels. The valleys are looked for on
 * the plain Otsu mask first, then on masks that also catch dim fingers and
 * fingers darker than a lit background. Without valleys: a blob filling
 * much of the frame is a palm-centre crop (no fingers in view), anything
 * else gets the principal axis of its largest mask. @otsu: Otsu's mask of
 * an LED-lit frame (see roi_geometry()), else NULL.
 */
static int place_roi(const struct pv_image *img, struct pv_hand *hand,
		     const struct otsu_copy *otsu, struct pv_roi_geometry *geom,
		     enum geometry_source *src)
{
	const float f = (float)hand->factor;
	const uint32_t n = hand->w * hand->h;
	/* masks in the order they are tried */
	static const enum pv_seg_mode dark_order[PV_SEG_MODES] = {
		PV_SEG_OTSU, PV_SEG_DIM_FINGERS, PV_SEG_TWO_SIDED
	};
	static const enum pv_seg_mode unlit_order[PV_SEG_MODES] = {
		PV_SEG_DIM_FINGERS, PV_SEG_OTSU, PV_SEG_TWO_SIDED
	};
	static const enum pv_seg_mode lit_order[PV_SEG_MODES] = {
		PV_SEG_TWO_SIDED, PV_SEG_DIM_FINGERS, PV_SEG_OTSU
	};
	const enum pv_seg_mode *order = hand->bg_lit ? lit_order :
					otsu ? unlit_order : dark_order;
	/* the mask in place: Otsu's or two-sided, see pv_hand_segment() */
	enum pv_seg_mode largest = hand->bg_lit ? PV_SEG_TWO_SIDED : PV_SEG_OTSU;
	enum pv_seg_mode in_place = largest;
	struct valley_line line = { 0 }, slots = { 0 };
	uint32_t largest_area = hand->area;
	/* No valleys on a blob filling 40 % of the frame: a palm-centre crop. */
	bool big_blob = hand->area * 5 > n * 2;
	float fx, fy, cx, cy, r, climb;
	bool found = false, dim_fingers_ok = false;
	int err, next = 0;

	if (hand->crop) {
		crop_geometry(hand, geom);
		*src = GEOM_CROP;
		return 0;
	}
	if (order[0] != in_place) {
		err = pv_hand_mask(hand, order[0]);
		if (err == -ENOMEM)
			return err;
		dim_fingers_ok = !err && order[0] == PV_SEG_DIM_FINGERS;
		in_place = err ? PV_SEG_MODES : order[0];
		if (!err && hand->area > largest_area) {
			largest_area = hand->area;
			largest = order[0];
		}
	}
	for (;;) {
		err = find_valley_line(img, hand, in_place == PV_SEG_DIM_FINGERS, &line,
				       &found);
		if (err)
			return err;
		if (found)
			break;
		/* slots seen on any mask say where the fingers are */
		slots.side_x += line.side_x;
		slots.side_y += line.side_y;
		/* Next mode that yields a mask of its own. */
		do {
			if (++next == PV_SEG_MODES)
				break;
			err = pv_hand_mask(hand, order[next]);
			if (err == -ENOMEM)
				return err;
			if (err)	/* the mask may be left empty */
				in_place = PV_SEG_MODES;
		} while (err);
		if (next == PV_SEG_MODES)
			break;
		in_place = order[next];
		if (hand->area > largest_area) {
			largest_area = hand->area;
			largest = order[next];
		}
	}
	if (!found && hand->bg_lit) {
		err = retry_lit(img, hand, &line, &found, &big_blob, &in_place);
		if (err)
			return err;
	}
	if (!found) {
		/* a lit background: the masks other than two-sided take in
		 * room light, so the largest says nothing; a palm-centre
		 * crop keeps Otsu's mask, whose square stays on the bright
		 * palm where the dim-fingers mask takes in the dark rim */
		enum pv_seg_mode want = hand->bg_lit ? order[0] :
					big_blob ? PV_SEG_OTSU : largest;

		err = want == in_place ? 0 : pv_hand_mask(hand, want);
		if (err == -ENOENT) {
			*src = GEOM_NONE;
			return 0;
		}
		if (err)
			return err;
	}
	if (found)
		palm_near_valleys(hand, 0.5f * (line.ax + line.bx),
				  0.5f * (line.ay + line.by));
	if (found && in_place == PV_SEG_OTSU && dim_fingers_ok) {
		err = palm_from_dim_fingers(hand, &line);
		if (err)
			return err;
	}
	if (found && in_place == PV_SEG_DIM_FINGERS && otsu)
		palm_below_climb(hand, otsu, &line);
	r = hand->palm_radius;
	if (found) {
		float mx = 0.5f * (line.ax + line.bx), my = 0.5f * (line.ay + line.by);
		float len = hypotf(mx - hand->palm_x, my - hand->palm_y), bx, by;

		/* along the up axis: the direction stays */
		fx = (mx - hand->palm_x) / len;
		fy = (my - hand->palm_y) / len;
		if (ridge_climb(hand, fx, fy, &climb))
			palm_down(hand, fx, fy, RIDGE_SHARE_VALLEYS * climb);

		/*
		 * Up is from the palm's ridge to the middle of the outer
		 * valleys. The normal of the valley line itself swings with
		 * the depth of single valleys (docs/roi.md measures both).
		 * choose_valleys() keeps the palm centre 0.4 r off the line.
		 */
		ridge_base(hand, fx, fy, &bx, &by);
		len = hypotf(mx - bx, my - by);
		fx = (mx - bx) / len;
		fy = (my - by) / len;
		*src = GEOM_VALLEYS;
	} else if (big_blob) {
		crop_geometry(hand, geom);
		*src = GEOM_CROP;
		return 0;
	} else if (principal_axis(hand, &slots, &fx, &fy)) {
		*src = GEOM_AXIS;
		if (otsu && largest == PV_SEG_DIM_FINGERS) {
			palm_below_climb(hand, otsu, NULL);
			r = hand->palm_radius;
		}
		/*
		 * Fingers closed so tightly that no valleys show are as
		 * wide as the palm and let the circle climb 10-20 mm: it
		 * goes all the way down, but never up, where a short wrist
		 * would take it (docs/roi.md).
		 */
		if (ridge_climb(hand, fx, fy, &climb) && climb > 0)
			palm_down(hand, fx, fy, climb);
	} else {
		*src = GEOM_NONE;
		return 0;
	}
	/*
	 * The origin hangs on the inscribed circle, as the scale does: finger
	 * spread moves the valleys but not the palm, and closed fingers
	 * (principal axis) then get the same square as open ones.
	 */
	cx = hand->palm_x + fx * ROI_CENTRE_TOWARDS_FINGERS * r;
	cy = hand->palm_y + fy * ROI_CENTRE_TOWARDS_FINGERS * r;
	geom->cx = (cx + 0.5f) * f - 0.5f;
	geom->cy = (cy + 0.5f) * f - 0.5f;
	geom->side_px = ROI_SIDE_RADII * r * f;
	/* The ROI's up (-y) is the finger direction. */
	geom->angle_deg = atan2f(-fx, -fy) * (float)(180.0 / M_PI);
	return 0;
}

/*
 * Only the LEDs light the scene when the background at the frame centre is
 * below UNLIT_BACKGROUND of the hand's level. The hand's outline is then
 * where it rises above the background: Otsu's level cuts into the hand
 * where LED falloff and the curving skin dim it, by an amount that changes
 * from frame to frame, and moves the inscribed circle with it (docs/roi.md).
 * Such frames try the dim-fingers mask first, and keep Otsu's, which
 * pv_hand_segment() left in place, to check its palm against. Returns 0 or
 * -ENOMEM.
 */
static int roi_geometry(const struct pv_image *img, struct pv_hand *hand,
			struct pv_roi_geometry *geom, enum geometry_source *src)
{
	const size_t n = (size_t)hand->w * hand->h;
	struct otsu_copy otsu = { NULL, NULL, hand->palm_x, hand->palm_y,
				  hand->palm_radius };
	int err;

	if (hand->bg_lit || hand->bg[(size_t)(hand->h / 2) * hand->w + hand->w / 2] >=
			    UNLIT_BACKGROUND * hand->fg_mean)
		return place_roi(img, hand, NULL, geom, src);
	otsu.mask = malloc(n);
	otsu.dist = malloc(n * sizeof(*otsu.dist));
	err = otsu.mask && otsu.dist ? 0 : -ENOMEM;
	if (!err) {
		memcpy(otsu.mask, hand->mask, n);
		memcpy(otsu.dist, hand->dist, n * sizeof(*otsu.dist));
		err = place_roi(img, hand, &otsu, geom, src);
		explicit_bzero(otsu.mask, n);
		explicit_bzero(otsu.dist, n * sizeof(*otsu.dist));
	}
	free(otsu.mask);
	free(otsu.dist);
	return err;
}

static float sample_bilinear(const struct pv_image *img, float x, float y)
{
	const float inv = 1.0f / (float)img->maxval;
	int x0, y0, x1, y1;
	float ax, ay, v00, v01, v10, v11;

	/* written so that NaN clamps to 0 too */
	x = !(x >= 0) ? 0 : x > (float)(img->width - 1) ? (float)(img->width - 1) : x;
	y = !(y >= 0) ? 0 : y > (float)(img->height - 1) ? (float)(img->height - 1) : y;
	x0 = (int)x;
	y0 = (int)y;
	x1 = x0 + 1 < (int)img->width ? x0 + 1 : x0;
	y1 = y0 + 1 < (int)img->height ? y0 + 1 : y0;
	ax = x - (float)x0;
	ay = y - (float)y0;
	if (img->bits == 8) {
		const uint8_t *r0 = (const uint8_t *)img->data + (size_t)y0 * img->stride;
		const uint8_t *r1 = (const uint8_t *)img->data + (size_t)y1 * img->stride;

		v00 = r0[x0];
		v01 = r0[x1];
		v10 = r1[x0];
		v11 = r1[x1];
	} else {
		const uint16_t *r0 = (const uint16_t *)((const uint8_t *)img->data +
							(size_t)y0 * img->stride);
		const uint16_t *r1 = (const uint16_t *)((const uint8_t *)img->data +
							(size_t)y1 * img->stride);

		v00 = r0[x0];
		v01 = r0[x1];
		v10 = r1[x0];
		v11 = r1[x1];
	}
	return ((v00 * (1 - ax) + v01 * ax) * (1 - ay) +
		(v10 * (1 - ax) + v11 * ax) * ay) * inv;
}

/* Whether every lane of comparison result @m is true (-1). Generic vectors
 * have no sign-mask extraction: on x86 it is one instruction. */
static bool all_lanes(i32x4 m)
{
#if defined(__SSE2__)
	return _mm_movemask_ps((__m128)m) == 0xf;
#else
	return m[0] & m[1] & m[2] & m[3];
#endif
}

/*
 * The sub x sub sample means of four ROI pixels centred at (@x[k], @y[k]),
 * side by side in generic vector lanes: each lane adds its samples in the
 * order sample_one() does, so the means are the same. Returns false, with
 * nothing written, unless every sample lies inside an 8-bit frame.
 */
static bool sample4(const struct pv_image *img, const float x[4], const float y[4],
		    int sub, const float off_x[2][4], const float off_y[2][4],
		    float inv_max, float mean[4])
{
	const float lim_x = (float)(img->width - 1), lim_y = (float)(img->height - 1);
	const uint8_t *data = img->data;
	f32x4 cx, cy, sum = { 0 };

	if (img->bits != 8)
		return false;
	memcpy(&cx, x, sizeof(cx));
	memcpy(&cy, y, sizeof(cy));
	for (int sj = 0; sj < sub; sj++)
		for (int si = 0; si < sub; si++) {
			f32x4 sx = cx + off_x[0][si] + off_x[1][sj];
			f32x4 sy = cy + off_y[0][si] + off_y[1][sj];
			i32x4 ix, iy, v[4];
			f32x4 ax, ay, top, bottom;

			/* checked before converting: out of range is undefined */
			if (!all_lanes((sx >= 0) & (sy >= 0) & (sx < lim_x) & (sy < lim_y)))
				return false;
			ix = __builtin_convertvector(sx, i32x4);
			iy = __builtin_convertvector(sy, i32x4);
			ax = sx - __builtin_convertvector(ix, f32x4);
			ay = sy - __builtin_convertvector(iy, f32x4);
			for (int k = 0; k < 4; k++) {
				const uint8_t *r0 = data + (size_t)iy[k] * img->stride + ix[k];

				v[0][k] = r0[0];
				v[1][k] = r0[1];
				v[2][k] = r0[img->stride];
				v[3][k] = r0[img->stride + 1];
			}
			top = __builtin_convertvector(v[0], f32x4) * (1 - ax) +
			      __builtin_convertvector(v[1], f32x4) * ax;
			bottom = __builtin_convertvector(v[2], f32x4) * (1 - ax) +
				 __builtin_convertvector(v[3], f32x4) * ax;
			sum += (top * (1 - ay) + bottom * ay) * inv_max;
		}
	sum /= (float)(sub * sub);
	memcpy(mean, &sum, sizeof(sum));
	return true;
}

/* The sub x sub sample mean of one ROI pixel centred at (@x, @y), any
 * depth, clamped at the frame edge. */
static float sample_one(const struct pv_image *img, float x, float y, int sub,
			const float off_x[2][4], const float off_y[2][4])
{
	float sum = 0;

	for (int sj = 0; sj < sub; sj++)
		for (int si = 0; si < sub; si++)
			sum += sample_bilinear(img, x + off_x[0][si] + off_x[1][sj],
					       y + off_y[0][si] + off_y[1][sj]);
	return sum / (float)(sub * sub);
}

/*
 * Samples the ROI square from the full-resolution image. When one ROI pixel
 * covers several source pixels, it averages a grid of samples so that vein
 * texture does not alias (unless @supersample is false: the square the
 * capture is judged on needs no more). Four ROI pixels at a time: their
 * samples and their validity (in the frame, on the hand mask, not glare)
 * side by side. Returns the fraction of samples outside the frame.
 */
static float sample_roi(const struct pv_image *img, const struct pv_hand *hand,
			const struct pv_roi_geometry *geom, bool supersample,
			struct pv_roi_raw *raw)
{
	const float a = geom->angle_deg * (float)(M_PI / 180.0);
	const float step = geom->side_px / PV_ROI_SIZE;
	const float ux = cosf(a) * step, uy = -sinf(a) * step;
	const float vx = sinf(a) * step, vy = cosf(a) * step;
	/* Up to 1.5 source pixels per ROI pixel, bilinear alone is enough;
	 * beyond that average sub x sub samples, one per source pixel or so. */
	const int sub = !supersample || step <= 1.5f ? 1 :
			step >= 4.0f ? 4 : (int)lroundf(step);
	const float inv_f = 1.0f / (float)hand->factor;
	const float inv_max = 1.0f / (float)img->maxval;
	const float lim_x = (float)(img->width - 1), lim_y = (float)(img->height - 1);
	/* sub-sample offsets from the ROI pixel's centre along u [0] and v [1] */
	float off_x[2][4], off_y[2][4];
	uint32_t outside = 0, valid = 0, saturated = 0;

	_Static_assert(PV_ROI_SIZE % 4 == 0, "ROI rows are whole vectors");

	for (int s = 0; s < sub; s++) {
		float o = (s + 0.5f) / sub - 0.5f;

		off_x[0][s] = o * ux;
		off_y[0][s] = o * uy;
		off_x[1][s] = o * vx;
		off_y[1][s] = o * vy;
	}

	for (int j = 0; j < PV_ROI_SIZE; j++) {
		const float dj = j + 0.5f - PV_ROI_SIZE / 2.0f;

		for (int i = 0; i < PV_ROI_SIZE; i += 4) {
			const f32x4 di = { i + 0.5f - PV_ROI_SIZE / 2.0f,
					   i + 1.5f - PV_ROI_SIZE / 2.0f,
					   i + 2.5f - PV_ROI_SIZE / 2.0f,
					   i + 3.5f - PV_ROI_SIZE / 2.0f };
			f32x4 x = geom->cx + di * ux + dj * vx;
			f32x4 y = geom->cy + di * uy + dj * vy;
			i32x4 inside = (x >= 0) & (y >= 0) & (x <= lim_x) & (y <= lim_y);
			/* outside lanes at 0 before converting: out of range is
			 * undefined, and they are not looked up */
			f32x4 cx = (f32x4)((i32x4)x & inside);
			f32x4 cy = (f32x4)((i32x4)y & inside);
			i32x4 wx = __builtin_convertvector((cx + 0.5f) * inv_f, i32x4);
			i32x4 wy = __builtin_convertvector((cy + 0.5f) * inv_f, i32x4);
			float px[4], gx[4], gy[4];

			memcpy(gx, &x, sizeof(gx));
			memcpy(gy, &y, sizeof(gy));
			if (!sample4(img, gx, gy, sub, off_x, off_y, inv_max, px))
				for (int k = 0; k < 4; k++)
					px[k] = sample_one(img, gx[k], gy[k], sub, off_x, off_y);
			for (int k = 0; k < 4; k++) {
				size_t at = (size_t)j * PV_ROI_SIZE + (size_t)(i + k);
				bool ok = inside[k] && mask_at(hand, wx[k], wy[k]) &&
					  !hand->glare[(size_t)wy[k] * hand->w + (uint32_t)wx[k]] &&
					  px[k] < PV_GLARE_LEVEL;

				raw->px[at] = px[k];
				raw->valid[at] = ok;
				outside += !inside[k];
				valid += ok;
				saturated += inside[k] && px[k] >= PV_GLARE_LEVEL;
			}
		}
	}
	raw->valid_fraction = (float)valid / (PV_ROI_SIZE * PV_ROI_SIZE);
	raw->saturated_fraction = (float)saturated / (PV_ROI_SIZE * PV_ROI_SIZE);
	return (float)outside / (PV_ROI_SIZE * PV_ROI_SIZE);
}

const char *pv_roi_status_str(enum pv_roi_status s)
{
	switch (s) {
	case PV_ROI_OK:
		return "palm found";
	case PV_ROI_NO_HAND:
		return "no hand in the frame";
	case PV_ROI_TOO_SMALL:
		return "hand too far away (palm too small)";
	case PV_ROI_TOO_DARK:
		return "hand too dark (under-exposed)";
	case PV_ROI_TOO_BRIGHT:
		return "hand too bright (over-exposed or glare)";
	case PV_ROI_NO_VALLEYS:
		return "hand pose not recognised (no finger valleys, no clear axis)";
	case PV_ROI_CUT_OFF:
		return "palm cut off by the frame edge";
	case PV_ROI_BLURRED:
		return "palm too blurred";
	}
	return "unknown ROI status";
}

/* Reasons in order of what the user should fix first. */
static enum pv_roi_status judge(const struct pv_hand *hand,
				const struct pv_roi_geometry *geom,
				const struct pv_roi_raw *raw, float outside,
				const struct pv_quality *q)
{
	double mean = 0;
	uint32_t cnt = 0;

	for (int i = 0; i < PV_ROI_SIZE * PV_ROI_SIZE; i++)
		if (raw->valid[i]) {
			mean += raw->px[i];
			cnt++;
		}
	mean = cnt ? mean / cnt : 0;
	/* A hand so bright that it clipped is missing from the mask. */
	if (q->presence < 0.2f)
		return hand->glare_in_frame > 0.03f ? PV_ROI_TOO_BRIGHT : PV_ROI_NO_HAND;
	if (hand->glare_in_frame * (float)(hand->w * hand->h) > (float)hand->area)
		return PV_ROI_TOO_BRIGHT;	/* more clipped than hand found */
	if (raw->saturated_fraction > 0.3f)
		return PV_ROI_TOO_BRIGHT;
	if (cnt && mean < 0.04)
		return PV_ROI_TOO_DARK;
	if (geom->side_px < MIN_ROI_SIDE_PX ||
	    (!hand->crop && 2.0f * hand->palm_radius < 0.1f * (float)(hand->w < hand->h ? hand->w : hand->h)))
		return PV_ROI_TOO_SMALL;
	if (outside > 0.25f || raw->valid_fraction < 0.5f)
		return PV_ROI_CUT_OFF;
	if (!hand->crop && hand->glare_fraction > 0.5f)
		return PV_ROI_TOO_BRIGHT;
	if (q->sharpness < 0.1f)
		return PV_ROI_BLURRED;
	return PV_ROI_OK;
}

/* pv_roi_extract(), with a pair's clipped pixels (pv_hand_segment()). */
static int roi_extract(const struct pv_image *img, const uint8_t *clipped,
		       struct pv_roi *roi, enum pv_roi_status *status)
{
	enum pv_roi_status st_storage, *st = status ? status : &st_storage;
	struct pv_roi_raw *raw;
	struct pv_hand hand;
	struct pv_roi_geometry judged;
	enum geometry_source src;
	float outside;
	int err;

	if (!img || !roi || !img->data || img->width == 0 || img->height == 0 ||
	    (img->bits != 8 && img->bits != 16) || img->maxval == 0 ||
	    (uint64_t)img->stride < (uint64_t)img->width * (img->bits / 8))
		return -EINVAL;
	memset(roi, 0, sizeof(*roi));
	*st = PV_ROI_NO_HAND;
	err = pv_hand_segment(img, clipped, &hand);
	if (err == -ENOENT)
		return -EAGAIN;
	if (err)
		return err;
	err = roi_geometry(img, &hand, &roi->geom, &src);
	if (err) {
		pv_hand_release(&hand);
		return err;
	}
	if (src == GEOM_NONE) {
		pv_quality_assess(img, &hand, NULL, NULL, &roi->quality);
		*st = roi->quality.presence >= 0.2f ? PV_ROI_NO_VALLEYS :
		      hand.glare_in_frame > 0.03f ? PV_ROI_TOO_BRIGHT : PV_ROI_NO_HAND;
		pv_hand_release(&hand);
		return -EAGAIN;
	}
	raw = malloc(sizeof(*raw));
	if (!raw) {
		pv_hand_release(&hand);
		return -ENOMEM;
	}
	roi->unanchored = src != GEOM_VALLEYS;
	judged = roi->geom;
	if (src != GEOM_CROP)
		judged.side_px *= QUALITY_SIDE_RADII / ROI_SIDE_RADII;
	outside = sample_roi(img, &hand, &judged, src == GEOM_CROP, raw);
	pv_quality_assess(img, &hand, &judged, raw, &roi->quality);
	*st = judge(&hand, &judged, raw, outside, &roi->quality);
	/* a refused capture keeps the zeroed pixels and mask: nothing to enhance */
	if (*st == PV_ROI_OK) {
		if (src != GEOM_CROP)
			sample_roi(img, &hand, &roi->geom, true, raw);
		err = pv_enhance_roi(raw, roi->pixels);
		memcpy(roi->valid, raw->valid, sizeof(roi->valid));
	}
	explicit_bzero(raw, sizeof(*raw));
	free(raw);
	pv_hand_release(&hand);
	if (err)
		return err;
	return *st == PV_ROI_OK ? 0 : -EAGAIN;
}

int pv_roi_extract(const struct pv_image *img, struct pv_roi *roi,
		   enum pv_roi_status *status)
{
	return roi_extract(img, NULL, roi, status);
}

int pv_roi_extract_pair(const struct pv_image *lit, const struct pv_image *unlit,
			struct pv_roi *roi, enum pv_roi_status *status)
{
	struct pv_image diff;
	uint8_t *clipped;
	int err;

	if (!roi)
		return -EINVAL;
	err = pv_cancel_ambient_clipped(lit, unlit, &diff, &clipped);
	if (err)
		return err;
	err = roi_extract(&diff, clipped, roi, status);
	free(clipped);
	pv_image_free(&diff);
	return err;
}
