// SPDX-License-Identifier: LGPL-2.1-or-later
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static void emu_vlog(const struct emu_log *log, const char *fmt, va_list ap)
{
	char line[512];

	/* format first so concurrent threads never interleave within a line */
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "palmvein-emu[%s]: %s\n", log->instance, line);
}

void emu_info(const struct emu_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emu_vlog(log, fmt, ap);
	va_end(ap);
}

void emu_debug(const struct emu_log *log, const char *fmt, ...)
{
	va_list ap;

	if (!log->verbose)
		return;
	va_start(ap, fmt);
	emu_vlog(log, fmt, ap);
	va_end(ap);
}
