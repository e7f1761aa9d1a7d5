// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: the emulator's control-socket command parser
 * (control_execute in emulator/control.c), which also feeds live scenario
 * lines to scn_apply_live(). The input is split into lines as the socket
 * splits them (newline-terminated, at most CONTROL_LINE_MAX bytes) and the
 * lines run in order on one emulator. Promises checked besides memory
 * safety:
 *  - every line gets exactly one NUL-terminated reply that fits the buffer:
 *    "ok", "ok KEY=VALUE..." or "error: 1:COL: message" with COL inside the
 *    line or just past it;
 *  - a rejected line changes nothing: device state, fault injection and
 *    the scenario timeline are as before.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../emulator/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As the socket reads lines (emulator/control.c). */
#define LINE_MAX_BYTES 1024
#define REPLY_SIZE 256
#define MAX_LINES 64

static bool same_emu(const struct emu *a, const struct emu *b)
{
	return !memcmp(&a->fw, &b->fw, sizeof(a->fw)) &&
	       a->corrupt_every == b->corrupt_every &&
	       a->truncate_every == b->truncate_every &&
	       a->timeline.events == b->timeline.events &&
	       a->timeline.count == b->timeline.count &&
	       a->timeline.loop_period == b->timeline.loop_period &&
	       !memcmp(&a->timeline.initial, &b->timeline.initial,
		       sizeof(a->timeline.initial)) &&
	       a->timeline_origin_us == b->timeline_origin_us;
}

static void check_reply(const char *reply, size_t len)
{
	unsigned int line, column;
	int n = 0;

	if (!memchr(reply, '\0', REPLY_SIZE))
		__builtin_trap();
	if (!strcmp(reply, "ok") || !strncmp(reply, "ok ", 3))
		return;
	if (sscanf(reply, "error: %u:%u: %n", &line, &column, &n) != 2 || !n ||
	    line != 1 || column < 1 || column > len + 1 || !reply[n])
		__builtin_trap();
}

static void run_line(struct emu *emu, const char *line, size_t len)
{
	char reply[REPLY_SIZE];
	struct emu before;

	memset(reply, 0x5a, sizeof(reply));
	memcpy(&before, emu, sizeof(before));
	control_execute(emu, line, len, reply, sizeof(reply));
	check_reply(reply, len);
	if (!strncmp(reply, "error", 5) && !same_emu(&before, emu))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct emu *emu = calloc(1, sizeof(*emu));
	unsigned int lines = 0;
	size_t pos = 0;

	if (!emu)
		return 0;
	emu->log.instance = "fuzz";
	pthread_mutex_init(&emu->lock, NULL);
	pthread_cond_init(&emu->changed, NULL);
	if (fw_init(&emu->fw, "PV-FUZZ"))
		__builtin_trap();
	scn_timeline_init(&emu->timeline);
	emu->control_fd = -1;
	emu->power_on_us = emu_monotonic_us();
	emu->timeline_origin_us = emu->power_on_us;

	while (pos < size && lines++ < MAX_LINES) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - data) : size;
		size_t len = end - pos;

		if (len <= LINE_MAX_BYTES) {
			/* an exactly sized copy, so overreads are caught */
			char *line = malloc(len ? len : 1);

			if (!line)
				break;
			memcpy(line, data + pos, len);
			run_line(emu, line, len);
			free(line);
		}
		pos = end + 1;
	}

	scn_timeline_free(&emu->timeline);
	pthread_cond_destroy(&emu->changed);
	pthread_mutex_destroy(&emu->lock);
	free(emu);
	return 0;
}
