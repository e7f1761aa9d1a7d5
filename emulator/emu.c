// SPDX-License-Identifier: LGPL-2.1-or-later
#include "emu.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Delivered to a thread only to make its blocking read/write return EINTR */
#define EMU_KICK_SIGNAL SIGUSR1
#define EMU_KICK_RETRY_NS 20000000L

uint64_t emu_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t emu_device_us(const struct emu *emu)
{
	return emu_monotonic_us() - emu->power_on_us;
}

double emu_scene_time(const struct emu *emu, uint64_t monotonic_us)
{
	if (monotonic_us < emu->timeline_origin_us)
		return 0.0;
	return (double)(monotonic_us - emu->timeline_origin_us) / 1e6;
}

static void emu_kick_handler(int sig)
{
	(void)sig;
}

int emu_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = emu_kick_handler;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: the point is to break blocking calls */
	if (sigaction(EMU_KICK_SIGNAL, &sa, NULL))
		return -errno;
	return 0;
}

int emu_thread_start(struct emu *emu, struct emu_thread *t,
		     void *(*fn)(void *))
{
	int ret;

	atomic_store(&t->done, false);
	ret = pthread_create(&t->id, NULL, fn, emu);
	if (ret) {
		emu_info(&emu->log, "cannot start thread: %s", strerror(ret));
		return -ret;
	}
	t->started = true;
	return 0;
}

void emu_thread_exit(struct emu_thread *t)
{
	atomic_store(&t->done, true);
}

void emu_thread_kick(struct emu_thread *t)
{
	if (t->started && !atomic_load(&t->done))
		pthread_kill(t->id, EMU_KICK_SIGNAL);
}

void emu_thread_join(struct emu_thread *t)
{
	const struct timespec retry = { 0, EMU_KICK_RETRY_NS };

	if (!t->started)
		return;
	/* a kick can land just before the thread blocks: repeat until done */
	while (!atomic_load(&t->done)) {
		pthread_kill(t->id, EMU_KICK_SIGNAL);
		nanosleep(&retry, NULL);
	}
	pthread_join(t->id, NULL);
	t->started = false;
}

void emu_queue_event(struct emu *emu, const struct palmvein_event *ev)
{
	unsigned int tail;

	if (emu->queue_count == EMU_EVENT_QUEUE_LEN) {
		emu->queue_head = (emu->queue_head + 1) % EMU_EVENT_QUEUE_LEN;
		emu->queue_count--;
		emu_debug(&emu->log, "event queue full, oldest event dropped");
	}
	tail = (emu->queue_head + emu->queue_count) % EMU_EVENT_QUEUE_LEN;
	emu->queue[tail] = *ev;
	emu->queue_count++;
	pthread_cond_broadcast(&emu->changed);
}
