// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device's housekeeping tick (range sensor, LED thermal model, event
 * detection) and the interrupt IN writer that delivers the events.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"

#define TICK_NS 20000000L	/* 50 Hz: range sensors report about as often */

static void tick_once(struct emu *emu, uint64_t now_us, double dt_s)
{
	struct palmvein_event events[EV_MAX_PER_UPDATE];
	struct pv_scene_desc desc;
	uint32_t faults_before = fw_faults(&emu->fw);
	unsigned int i, n;

	scn_scene_at(&emu->timeline, emu_scene_time(emu, now_us), &desc);
	emu->fw.distance_mm = scn_distance_mm(&desc, FW_DISTANCE_MIN_MM,
					      FW_DISTANCE_MAX_MM);
	fw_thermal_step(&emu->fw, dt_s);
	if (fw_faults(&emu->fw) != faults_before)
		emu_info(&emu->log, "faults 0x%02x -> 0x%02x at %.1f C",
			 faults_before, fw_faults(&emu->fw),
			 emu->fw.led_temp_c);
	if (!emu->enabled)
		return;
	n = ev_detect(&emu->tracker, emu->fw.distance_mm, fw_faults(&emu->fw),
		      now_us - emu->power_on_us, events);
	for (i = 0; i < n; i++) {
		emu_debug(&emu->log, "event %s: distance %u faults 0x%02x",
			  events[i].type == PALMVEIN_EVENT_FAULT ? "fault" :
			  "proximity", emu->fw.distance_mm,
			  fw_faults(&emu->fw));
		emu_queue_event(emu, &events[i]);
	}
}

void *emu_tick_main(void *arg)
{
	struct emu *emu = arg;
	struct timespec next;
	uint64_t now_us, last_us = emu_monotonic_us();

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		pthread_mutex_lock(&emu->lock);
		if (emu->stopping) {
			pthread_mutex_unlock(&emu->lock);
			break;
		}
		now_us = emu_monotonic_us();
		tick_once(emu, now_us, (double)(now_us - last_us) / 1e6);
		last_us = now_us;
		pthread_mutex_unlock(&emu->lock);

		next.tv_nsec += TICK_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	emu_thread_exit(&emu->tick_thread);
	return NULL;
}

void *emu_intr_main(void *arg)
{
	struct emu *emu = arg;
	struct palmvein_event ev;
	ssize_t n;

	pthread_mutex_lock(&emu->lock);
	for (;;) {
		while (!emu->stopping && !(emu->enabled && emu->queue_count))
			pthread_cond_wait(&emu->changed, &emu->lock);
		if (emu->stopping)
			break;
		ev = emu->queue[emu->queue_head];
		pthread_mutex_unlock(&emu->lock);

		/* blocks until the host polls the interrupt endpoint */
		n = write(emu->ep_events, &ev, sizeof(ev));

		pthread_mutex_lock(&emu->lock);
		if (n == (ssize_t)sizeof(ev) || (n < 0 && errno != EINTR)) {
			/* sent, or the host went away and the event with it */
			if (n < 0)
				emu_debug(&emu->log, "event lost: %s",
					  strerror(errno));
			if (emu->queue_count &&
			    !memcmp(&emu->queue[emu->queue_head], &ev,
				    sizeof(ev))) {
				emu->queue_head = (emu->queue_head + 1) %
						  EMU_EVENT_QUEUE_LEN;
				emu->queue_count--;
			}
		}
	}
	pthread_mutex_unlock(&emu->lock);
	emu_thread_exit(&emu->intr_thread);
	return NULL;
}
