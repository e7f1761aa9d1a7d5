// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the emulator's scenario script parser (emulator/scenario.c).
 * Promises checked besides memory safety:
 *  - an error names a line that exists and a column inside it (or just past
 *    its end), with a non-empty message, and leaves an empty timeline;
 *  - an accepted script yields events in time order, within the script's
 *    time limit, with field values in their documented ranges;
 *  - evaluating the timeline gives finite scenes within those ranges;
 *  - parsing is a pure function: a second parse gives the same timeline.
 */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../../emulator/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TIME_S 1e6

static const double field_min[SCN_NUM_FIELDS] = {
	[SCN_X] = -100.0, [SCN_Y] = -100.0, [SCN_ROT] = -180.0,
	[SCN_DIST] = 5.0, [SCN_SPREAD] = 0.0, [SCN_DEFORM] = 0.0,
	[SCN_AMBIENT] = 0.0, [SCN_GLARE] = 0.0,
};
static const double field_max[SCN_NUM_FIELDS] = {
	[SCN_X] = 100.0, [SCN_Y] = 100.0, [SCN_ROT] = 180.0,
	[SCN_DIST] = 400.0, [SCN_SPREAD] = 1.0, [SCN_DEFORM] = 1.0,
	[SCN_AMBIENT] = 1.0, [SCN_GLARE] = 1.0,
};

static bool known_target(enum pv_target t)
{
	return t == PV_TARGET_NONE || t == PV_TARGET_PALM ||
	       t == PV_TARGET_PHOTO || t == PV_TARGET_FAKE;
}

/* Lines in @data and the length of line @line (1-based), 0 past the end. */
static size_t line_length(const uint8_t *data, size_t size, unsigned int line,
			  unsigned int *lines)
{
	size_t pos = 0, found = 0;
	unsigned int n = 0;

	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - data) : size;

		if (++n == line)
			found = end - pos;
		pos = end + 1;
	}
	*lines = n;
	return found;
}

static void check_error(const uint8_t *data, size_t size,
			const struct scn_timeline *tl,
			const struct scn_error *err)
{
	unsigned int lines;
	size_t len = line_length(data, size, err->line, &lines);

	if (tl->events || tl->count)
		__builtin_trap();
	if (err->line < 1 || err->line > lines)
		__builtin_trap();
	if (err->column < 1 || err->column > len + 1)
		__builtin_trap();
	if (!err->message[0] ||
	    !memchr(err->message, '\0', sizeof(err->message)))
		__builtin_trap();
}

static void check_scene(const struct pv_scene_desc *d)
{
	const float v[] = {
		d->pose.x_mm, d->pose.y_mm, d->pose.rotation_deg,
		d->pose.distance_mm, d->pose.finger_spread, d->pose.deform,
		d->ambient, d->glare,
	};
	unsigned int f;

	if (!known_target(d->target))
		__builtin_trap();
	for (f = 0; f < SCN_NUM_FIELDS; f++) {
		if (!isfinite(v[f]))
			__builtin_trap();
		/* spread -1 asks for the identity's natural spread */
		if (f == SCN_SPREAD && v[f] == -1.0f)
			continue;
		if (v[f] < (float)field_min[f] || v[f] > (float)field_max[f])
			__builtin_trap();
	}
}

static void check_timeline(const struct scn_timeline *tl)
{
	const double probes[] = { 0.0, 0.25, 1.0, 3.7, 60.0, 1e5, MAX_TIME_S };
	struct pv_scene_desc desc;
	double last = 0.0;
	unsigned int f;
	size_t i;

	if (!!tl->events != !!tl->count)
		__builtin_trap();
	if (!(tl->loop_period >= 0.0 && tl->loop_period <= MAX_TIME_S))
		__builtin_trap();
	for (i = 0; i < tl->count; i++) {
		const struct scn_event *ev = &tl->events[i];

		if (!(ev->t >= last && ev->t <= MAX_TIME_S))
			__builtin_trap();
		last = ev->t;
		if (tl->loop_period > 0.0 && ev->t > tl->loop_period)
			__builtin_trap();
		if (ev->kind != SCN_EV_SET && ev->kind != SCN_EV_MOVE)
			__builtin_trap();
		if (ev->kind == SCN_EV_MOVE &&
		    !(ev->duration > 0.0 && ev->duration <= MAX_TIME_S))
			__builtin_trap();
		if (ev->set_target && !known_target(ev->target))
			__builtin_trap();
		if (ev->field_mask >> SCN_NUM_FIELDS)
			__builtin_trap();
		for (f = 0; f < SCN_NUM_FIELDS; f++)
			if ((ev->field_mask & (1u << f)) &&
			    !(ev->value[f] >= field_min[f] &&
			      ev->value[f] <= field_max[f]))
				__builtin_trap();
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		scn_scene_at(tl, probes[i], &desc);
		check_scene(&desc);
	}
	if (tl->count) {
		scn_scene_at(tl, last, &desc);
		check_scene(&desc);
	}
}

static bool same_timeline(const struct scn_timeline *a,
			  const struct scn_timeline *b)
{
	size_t i;

	if (a->count != b->count || a->loop_period != b->loop_period)
		return false;
	for (i = 0; i < a->count; i++) {
		const struct scn_event *x = &a->events[i], *y = &b->events[i];

		if (x->t != y->t || x->kind != y->kind ||
		    x->set_target != y->set_target ||
		    x->field_mask != y->field_mask ||
		    x->set_seed != y->set_seed ||
		    (x->set_seed && x->seed != y->seed) ||
		    (x->set_target && (x->target != y->target ||
				       x->identity != y->identity)) ||
		    (x->kind == SCN_EV_MOVE && x->duration != y->duration) ||
		    memcmp(x->value, y->value, sizeof(x->value)))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_timeline tl, again;
	struct scn_error err, err2;
	int ret, ret2;

	ret = scn_parse((const char *)data, size, &tl, &err);
	if (ret == -ENOMEM)
		return 0;
	if (ret == -EINVAL) {
		check_error(data, size, &tl, &err);
		return 0;
	}
	if (ret)
		__builtin_trap();
	check_timeline(&tl);

	ret2 = scn_parse((const char *)data, size, &again, &err2);
	if (ret2 == 0 && !same_timeline(&tl, &again))
		__builtin_trap();
	if (ret2 && ret2 != -ENOMEM)
		__builtin_trap();
	scn_timeline_free(&again);
	scn_timeline_free(&tl);
	return 0;
}
