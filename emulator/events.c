// SPDX-License-Identifier: LGPL-2.1-or-later
#include "events.h"

#include <endian.h>
#include <stdbool.h>
#include <string.h>

_Static_assert(sizeof(struct palmvein_event) == PALMVEIN_EVENT_SIZE,
	       "event layout");

void ev_tracker_reset(struct ev_tracker *tr)
{
	tr->distance_mm = PALMVEIN_DISTANCE_NONE;
	tr->faults = 0;
}

static bool ev_distance_news(uint16_t known, uint16_t now)
{
	if (known == PALMVEIN_DISTANCE_NONE || now == PALMVEIN_DISTANCE_NONE)
		return known != now;	/* arrival or departure */
	return (known > now ? known - now : now - known) >=
	       EV_PROXIMITY_HYSTERESIS_MM;
}

static void ev_fill(struct palmvein_event *ev, uint8_t type,
		    uint16_t distance_mm, uint32_t faults,
		    uint64_t timestamp_us)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->distance_mm = htole16(distance_mm);
	ev->faults = htole32(faults);
	ev->timestamp_us = htole64(timestamp_us);
}

unsigned int ev_detect(struct ev_tracker *tr, uint16_t distance_mm,
		       uint32_t faults, uint64_t timestamp_us,
		       struct palmvein_event *out)
{
	unsigned int n = 0;

	if (faults != tr->faults) {
		tr->faults = faults;
		ev_fill(&out[n++], PALMVEIN_EVENT_FAULT, distance_mm, faults,
			timestamp_us);
	}
	if (ev_distance_news(tr->distance_mm, distance_mm)) {
		tr->distance_mm = distance_mm;
		ev_fill(&out[n++], PALMVEIN_EVENT_PROXIMITY, distance_mm,
			faults, timestamp_us);
	}
	return n;
}
