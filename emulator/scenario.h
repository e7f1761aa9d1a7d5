/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scenarios: what stands in front of the sensor over time. A script (see
 * docs/emulator.md) parses into a timeline of events; evaluating the
 * timeline at a time gives the renderer's scene. Both steps are pure.
 */
#ifndef PALMVEIN_EMU_SCENARIO_H
#define PALMVEIN_EMU_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/render.h"

/* Numeric scene fields a script can set and move. */
enum scn_field {
	SCN_X,
	SCN_Y,
	SCN_ROT,
	SCN_DIST,
	SCN_SPREAD,
	SCN_DEFORM,
	SCN_AMBIENT,
	SCN_GLARE,
	SCN_NUM_FIELDS,
};

/* A field's value, possibly in linear motion from @base to @to. */
struct scn_value {
	double base;
	double to;
	double t0;		/* motion start, timeline seconds */
	double duration;	/* 0: no motion */
};

/* Everything in front of the sensor at one instant, motions included. */
struct scn_state {
	enum pv_target target;
	uint32_t identity;
	uint32_t seed;
	struct scn_value field[SCN_NUM_FIELDS];
};

enum scn_event_kind {
	SCN_EV_SET,	/* target and/or fields jump to new values */
	SCN_EV_MOVE,	/* fields move linearly over a duration */
};

struct scn_event {
	double t;			/* seconds from timeline start */
	enum scn_event_kind kind;
	bool set_target;
	enum pv_target target;
	uint32_t identity;
	bool set_seed;
	uint32_t seed;
	unsigned int field_mask;	/* bit n: enum scn_field n */
	double value[SCN_NUM_FIELDS];
	double duration;		/* SCN_EV_MOVE */
};

struct scn_timeline {
	struct scn_state initial;
	struct scn_event *events;	/* sorted by t */
	size_t count;
	double loop_period;		/* 0: play once and hold the end */
};

#define SCN_ERROR_MESSAGE_MAX 96

struct scn_error {
	unsigned int line;	/* 1-based */
	unsigned int column;	/* 1-based, byte offset in the line */
	char message[SCN_ERROR_MESSAGE_MAX];
};

/* An empty timeline: no target, default pose, forever. */
void scn_timeline_init(struct scn_timeline *tl);
void scn_timeline_free(struct scn_timeline *tl);

/*
 * Parses the script @buf/@len into @tl (initialised here; free it with
 * scn_timeline_free). Returns 0, -EINVAL with @err filled on a syntax or
 * range error, or -ENOMEM.
 */
int scn_parse(const char *buf, size_t len, struct scn_timeline *tl,
	      struct scn_error *err);

/* State of @tl at @t seconds from its start (loops applied). */
void scn_state_at(const struct scn_timeline *tl, double t,
		  struct scn_state *state);

/* Scene of @tl at @t seconds from its start. */
void scn_scene_at(const struct scn_timeline *tl, double t,
		  struct pv_scene_desc *desc);

/*
 * Live control: replaces what happens after @now in @tl by the script
 * @line/@len, starting from the state at @now with motions still running.
 * The result's time 0 is @now. On error @tl is unchanged. Returns 0,
 * -EINVAL (@err filled) or -ENOMEM.
 */
int scn_apply_live(struct scn_timeline *tl, double now, const char *line,
		   size_t len, struct scn_error *err);

bool scn_scene_equal(const struct pv_scene_desc *a,
		     const struct pv_scene_desc *b);

/* Palm distance a range sensor reports for @desc, or 0xffff for none. */
uint16_t scn_distance_mm(const struct pv_scene_desc *desc,
			 unsigned int min_mm, unsigned int max_mm);

#endif /* PALMVEIN_EMU_SCENARIO_H */
