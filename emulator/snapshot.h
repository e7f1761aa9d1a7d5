/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One frame to a PGM file, rendered exactly as streaming would render it. */
#ifndef PALMVEIN_EMU_SNAPSHOT_H
#define PALMVEIN_EMU_SNAPSHOT_H

#include "framesrc.h"

/*
 * Renders @req and writes it to @path as PGM (P5): maxval 255 for 8 bits,
 * maxval 1023 with big-endian 16-bit samples for 10 bits. Returns 0 or
 * -errno (logged to stderr).
 */
int snapshot_write_pgm(const char *path, const struct framesrc_request *req);

#endif /* PALMVEIN_EMU_SNAPSHOT_H */
