// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ep0: FunctionFS lifecycle events and vendor control requests. Requests
 * are judged by firmware.c; this file only moves bytes and stalls.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/usb/functionfs.h>

#include "emu.h"

#define EP0_EVENTS_PER_READ 4

static const char *const ep0_event_names[] = {
	[FUNCTIONFS_BIND] = "bind",
	[FUNCTIONFS_UNBIND] = "unbind",
	[FUNCTIONFS_ENABLE] = "enable",
	[FUNCTIONFS_DISABLE] = "disable",
	[FUNCTIONFS_SETUP] = "setup",
	[FUNCTIONFS_SUSPEND] = "suspend",
	[FUNCTIONFS_RESUME] = "resume",
};

/* Stalls by moving zero bytes in the direction opposite the data stage. */
static void ep0_stall(struct emu *emu, const struct usb_ctrlrequest *setup)
{
	ssize_t n;

	if (setup->bRequestType & USB_DIR_IN)
		n = read(emu->ep0, NULL, 0);
	else
		n = write(emu->ep0, NULL, 0);
	/* FunctionFS reports a successful stall as EL2HLT */
	if (n < 0 && errno != EL2HLT)
		emu_info(&emu->log, "stall failed: %s", strerror(errno));
}

static void ep0_log_request(struct emu *emu, const struct usb_ctrlrequest *s,
			    const char *verdict)
{
	emu_debug(&emu->log,
		  "request %02x type %02x value %u index %u length %u: %s",
		  s->bRequest, s->bRequestType, le16toh(s->wValue),
		  le16toh(s->wIndex), le16toh(s->wLength), verdict);
}

/* Aborts a frame write in progress so a stop or restart takes effect now. */
static void ep0_stream_changed(struct emu *emu, uint32_t generation_before)
{
	if (emu->fw.stream_generation == generation_before)
		return;
	if (emu->fw.streaming)
		emu_info(&emu->log, "stream started in mode %u", emu->fw.mode);
	else
		emu_info(&emu->log, "stream stopped");
	pthread_cond_broadcast(&emu->changed);
	emu_thread_kick(&emu->stream_thread);
}

static void ep0_setup(struct emu *emu, const struct usb_ctrlrequest *setup)
{
	uint8_t data[sizeof(struct palmvein_device_info)];
	uint32_t generation;
	ssize_t n;
	int ret;

	if (fw_ctrl_check(setup)) {
		ep0_log_request(emu, setup, "stalled");
		ep0_stall(emu, setup);
		return;
	}
	if (setup->bRequestType & USB_DIR_IN) {
		pthread_mutex_lock(&emu->lock);
		ret = fw_ctrl_handle(&emu->fw, setup, data, sizeof(data));
		pthread_mutex_unlock(&emu->lock);
		if (ret < 0) {
			ep0_log_request(emu, setup, "stalled");
			ep0_stall(emu, setup);
			return;
		}
		n = write(emu->ep0, data, (size_t)ret);
		if (n < 0)
			emu_info(&emu->log, "answer to request %02x lost: %s",
				 setup->bRequest, strerror(errno));
		ep0_log_request(emu, setup, "answered");
		return;
	}
	/* checked: no OUT request has a data stage, the value is in wValue */
	pthread_mutex_lock(&emu->lock);
	generation = emu->fw.stream_generation;
	ret = fw_ctrl_handle(&emu->fw, setup, NULL, 0);
	ep0_stream_changed(emu, generation);
	pthread_mutex_unlock(&emu->lock);

	if (ret < 0) {
		ep0_log_request(emu, setup, "stalled");
		ep0_stall(emu, setup);
	} else if (read(emu->ep0, NULL, 0) < 0) {
		emu_info(&emu->log, "status stage of request %02x lost: %s",
			 setup->bRequest, strerror(errno));
	} else {
		ep0_log_request(emu, setup, "done");
	}
}

static unsigned int ep0_bulk_max_packet(struct emu *emu)
{
	struct usb_endpoint_descriptor desc;

	if (ioctl(emu->ep_frames, FUNCTIONFS_ENDPOINT_DESC, &desc) < 0) {
		emu_info(&emu->log, "cannot read bulk endpoint descriptor: %s",
			 strerror(errno));
		return 512;
	}
	return le16toh(desc.wMaxPacketSize) & 0x7ff;
}

/* Host reset, unconfigure or unbind: the stream ends with the session. */
static void ep0_disable(struct emu *emu)
{
	uint32_t generation;

	pthread_mutex_lock(&emu->lock);
	emu->enabled = false;
	generation = emu->fw.stream_generation;
	if (emu->fw.streaming) {
		emu->fw.streaming = false;
		emu->fw.stream_generation++;
	}
	emu->queue_count = 0;
	ep0_stream_changed(emu, generation);
	pthread_mutex_unlock(&emu->lock);
	emu_thread_kick(&emu->intr_thread);
}

static void ep0_event(struct emu *emu, const struct usb_functionfs_event *ev)
{
	const char *name = ev->type < sizeof(ep0_event_names) /
				      sizeof(ep0_event_names[0]) ?
			   ep0_event_names[ev->type] : NULL;
	unsigned int mps;

	if (ev->type != FUNCTIONFS_SETUP)
		emu_info(&emu->log, "host: %s", name ? name : "unknown event");
	switch (ev->type) {
	case FUNCTIONFS_SETUP:
		ep0_setup(emu, &ev->u.setup);
		break;
	case FUNCTIONFS_ENABLE:
		mps = ep0_bulk_max_packet(emu);
		pthread_mutex_lock(&emu->lock);
		emu->bulk_max_packet = mps;
		emu->enabled = true;
		/* the new session learns the current state from scratch */
		ev_tracker_reset(&emu->tracker);
		pthread_cond_broadcast(&emu->changed);
		pthread_mutex_unlock(&emu->lock);
		emu_info(&emu->log, "bulk wMaxPacketSize %u", mps);
		break;
	case FUNCTIONFS_DISABLE:
	case FUNCTIONFS_UNBIND:
		ep0_disable(emu);
		break;
	default:
		break;
	}
}

void *emu_ep0_main(void *arg)
{
	struct usb_functionfs_event events[EP0_EVENTS_PER_READ];
	struct emu *emu = arg;
	struct pollfd ready = { .fd = emu->ep0, .events = POLLIN };
	size_t i, count;
	ssize_t n;

	for (;;) {
		pthread_mutex_lock(&emu->lock);
		if (emu->stopping) {
			pthread_mutex_unlock(&emu->lock);
			break;
		}
		pthread_mutex_unlock(&emu->lock);
		/*
		 * Sleep in poll(), not in read(): a blocking read of ep0 holds
		 * FunctionFS's mutex while it waits for an event, and an unbind
		 * on the UDC side queues UNBIND and then takes that mutex. A
		 * read that came back for more after UNBIND would hold it
		 * against the unbind for good (a hung write to the UDC file).
		 */
		if (poll(&ready, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			emu_info(&emu->log, "ep0 poll failed: %s", strerror(errno));
			break;
		}
		n = read(emu->ep0, events, sizeof(events));
		if (n < 0) {
			/*
			 * EIDRM: the host replaced a pending SETUP with a new
			 * one before we answered; the new one is in the queue.
			 */
			if (errno == EINTR || errno == EAGAIN || errno == EIDRM)
				continue;
			emu_info(&emu->log, "ep0 read failed: %s",
				 strerror(errno));
			break;
		}
		count = (size_t)n / sizeof(events[0]);
		for (i = 0; i < count; i++)
			ep0_event(emu, &events[i]);
	}
	emu_thread_exit(&emu->ep0_thread);
	return NULL;
}
