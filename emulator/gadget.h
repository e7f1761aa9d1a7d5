/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bring-up of the sensor as a configfs USB gadget with one FunctionFS
 * function, and its complete removal. Names derive from the UDC, so one
 * instance per UDC can run side by side, and a crashed run's leftovers are
 * recognised and removed.
 */
#ifndef PALMVEIN_EMU_GADGET_H
#define PALMVEIN_EMU_GADGET_H

#include <limits.h>
#include <stddef.h>
#include <stdbool.h>

#include "log.h"

enum gadget_speed {
	GADGET_SPEED_HIGH,
	GADGET_SPEED_SUPER,
};

#define GADGET_NAME_MAX 48

struct gadget {
	const struct emu_log *log;
	char udc[GADGET_NAME_MAX];
	char instance[GADGET_NAME_MAX];	/* functionfs instance name */
	char dir[PATH_MAX];		/* configfs gadget directory */
	char mount[PATH_MAX];		/* functionfs mount point */
	bool mounted;
	bool bound;
	int ep0;
	int ep_frames;
	int ep_events;
};

/*
 * Creates the gadget for @udc, mounts its FunctionFS, writes descriptors and
 * strings and opens the endpoints. Does not bind yet. Returns 0 or -errno;
 * on error everything created is removed again.
 */
int gadget_create(struct gadget *g, const char *udc, const char *serial,
		  enum gadget_speed speed, const struct emu_log *log);

/* Attaches the gadget to its UDC: the host sees the device. */
int gadget_bind(struct gadget *g);

/* Detaches from the UDC: the host sees an unplug. Safe to repeat. */
void gadget_unbind(struct gadget *g);

/* Detaches, closes, unmounts and removes all that gadget_create made. */
void gadget_destroy(struct gadget *g);

/* Default serial number for @udc: stable, fits the 16-byte field. */
void gadget_default_serial(const char *udc, char *serial, size_t size);

#endif /* PALMVEIN_EMU_GADGET_H */
