/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The running emulator: device state shared by the ep0, streaming,
 * interrupt and control threads, under one lock. One struct emu per sensor;
 * nothing here is global.
 */
#ifndef PALMVEIN_EMU_EMU_H
#define PALMVEIN_EMU_EMU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "events.h"
#include "firmware.h"
#include "log.h"
#include "scenario.h"

#define EMU_EVENT_QUEUE_LEN 16

/* A worker thread that emu_thread_stop() can pull out of blocking I/O. */
struct emu_thread {
	pthread_t id;
	bool started;
	atomic_bool done;
};

struct emu {
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* any field below changed */
	struct emu_log log;

	struct fw_state fw;
	struct scn_timeline timeline;
	uint64_t timeline_origin_us;	/* monotonic time of timeline t = 0 */
	uint64_t power_on_us;		/* monotonic time of device clock 0 */

	/* fault injection: 0 = off, else every Nth frame */
	uint32_t corrupt_every;
	uint32_t truncate_every;
	uint32_t frames_corrupted;
	uint32_t frames_truncated;

	bool enabled;			/* host configured us: endpoints live */
	bool stopping;
	unsigned int bulk_max_packet;
	unsigned int variants;		/* cached noise variants per scene */

	struct ev_tracker tracker;
	struct palmvein_event queue[EMU_EVENT_QUEUE_LEN];
	unsigned int queue_head;
	unsigned int queue_count;

	int ep0;
	int ep_frames;
	int ep_events;
	int control_fd;			/* listening socket, or -1 */

	struct emu_thread ep0_thread;
	struct emu_thread stream_thread;
	struct emu_thread tick_thread;
	struct emu_thread intr_thread;
	struct emu_thread control_thread;
};

uint64_t emu_monotonic_us(void);
/* Device clock: microseconds since the emulator powered up. */
uint64_t emu_device_us(const struct emu *emu);
/* Scenario time in seconds; caller holds the lock. */
double emu_scene_time(const struct emu *emu, uint64_t monotonic_us);

/* Installs the no-op handler that lets emu_thread_stop interrupt I/O. */
int emu_signals_init(void);

int emu_thread_start(struct emu *emu, struct emu_thread *t,
		     void *(*fn)(void *));
/* Marks the thread's end; call as the last thing in a thread function. */
void emu_thread_exit(struct emu_thread *t);
/* Interrupts blocking I/O of @t (emu->stopping or a state change). */
void emu_thread_kick(struct emu_thread *t);
/* With emu->stopping set: kicks @t until it has returned, then joins it. */
void emu_thread_join(struct emu_thread *t);

/* Queues an interrupt IN event; drops the oldest when full. Lock held. */
void emu_queue_event(struct emu *emu, const struct palmvein_event *ev);

/* Per-thread bodies, each in its own file. */
void *emu_ep0_main(void *emu);		/* ep0.c */
void *emu_stream_main(void *emu);	/* stream.c */
void *emu_tick_main(void *emu);		/* intr.c */
void *emu_intr_main(void *emu);		/* intr.c */

#endif /* PALMVEIN_EMU_EMU_H */
