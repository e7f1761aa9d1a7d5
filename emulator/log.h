/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One line per decision on stderr, tagged with the emulator instance. */
#ifndef PALMVEIN_EMU_LOG_H
#define PALMVEIN_EMU_LOG_H

#include <stdbool.h>

struct emu_log {
	const char *instance;	/* e.g. the UDC name */
	bool verbose;
};

__attribute__((format(printf, 2, 3)))
void emu_info(const struct emu_log *log, const char *fmt, ...);
/* printed only with --verbose */
__attribute__((format(printf, 2, 3)))
void emu_debug(const struct emu_log *log, const char *fmt, ...);

#endif /* PALMVEIN_EMU_LOG_H */
