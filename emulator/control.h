/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live control socket: a Unix stream socket taking one command per line
 * (scenario lines plus fault injection and status, see docs/emulator.md).
 * Each line gets one reply line: "ok[ ...]" or "error: LINE:COL: message".
 */
#ifndef PALMVEIN_EMU_CONTROL_H
#define PALMVEIN_EMU_CONTROL_H

#include <stddef.h>

#include "emu.h"

/* Creates and listens on @path (a stale socket there is replaced). */
int control_listen(const char *path, const struct emu_log *log);

/* Thread body: serves the listening socket in emu->control_fd. */
void *emu_control_main(void *emu);

/* Executes one command line; writes the reply (without newline). */
void control_execute(struct emu *emu, const char *line, size_t len,
		     char *reply, size_t reply_size);

#endif /* PALMVEIN_EMU_CONTROL_H */
