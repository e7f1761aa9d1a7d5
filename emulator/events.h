/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interrupt IN events: decides when the palm distance or the fault flags
 * changed enough to tell the host. Pure; the housekeeping tick calls it.
 */
#ifndef PALMVEIN_EMU_EVENTS_H
#define PALMVEIN_EMU_EVENTS_H

#include <stdint.h>
#include <linux/palmvein.h>

/* A palm moving less than this is not news: keeps sensor noise off the bus */
#define EV_PROXIMITY_HYSTERESIS_MM 5
#define EV_MAX_PER_UPDATE 2

/* What the host was last told. */
struct ev_tracker {
	uint16_t distance_mm;
	uint32_t faults;
};

/* Forget what the host knows (after a reset or enable): no target, no fault */
void ev_tracker_reset(struct ev_tracker *tr);

/*
 * Compares the current @distance_mm and @faults with what the host knows
 * and writes up to EV_MAX_PER_UPDATE events to @out. Returns their number.
 */
unsigned int ev_detect(struct ev_tracker *tr, uint16_t distance_mm,
		       uint32_t faults, uint64_t timestamp_us,
		       struct palmvein_event *out);

#endif /* PALMVEIN_EMU_EVENTS_H */
