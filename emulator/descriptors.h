/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FunctionFS descriptor and string blobs of the sensor's vendor interface:
 * bulk IN for frames (file ep1), interrupt IN for events (file ep2), at
 * full, high and super speed.
 */
#ifndef PALMVEIN_EMU_DESCRIPTORS_H
#define PALMVEIN_EMU_DESCRIPTORS_H

#include <stddef.h>

#define DESC_EP_FRAMES_FILE	"ep1"
#define DESC_EP_EVENTS_FILE	"ep2"

/* The blob written first to ep0 (FUNCTIONFS_DESCRIPTORS_MAGIC_V2). */
const void *desc_functionfs_descriptors(size_t *len);
/* The blob written second to ep0 (FUNCTIONFS_STRINGS_MAGIC). */
const void *desc_functionfs_strings(size_t *len);

#endif /* PALMVEIN_EMU_DESCRIPTORS_H */
