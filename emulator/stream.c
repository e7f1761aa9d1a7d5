// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Bulk IN streaming: one frame per mode interval, paced on absolute
 * deadlines. A frame is one writev() of header + payload, followed by a
 * zero-length write when its length is a multiple of wMaxPacketSize, so
 * every frame ends with a short packet the host can resync on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "frame.h"
#include "framesrc.h"

/* While a hand moves, re-render its physics at most this often. */
#define STREAM_RERENDER_US 100000
/*
 * Frames the sensor buffers while the host is late; beyond that the
 * oldest due frames are dropped (and counted).
 */
#define STREAM_BUFFER_FRAMES 3

struct stream {
	struct emu *emu;
	struct framesrc *src;
	uint8_t header[PALMVEIN_FRAME_HDR_SIZE];
	uint8_t *buf;		/* copy of a payload that gets corrupted */
	size_t capacity;
	struct iovec iov[2];
	int iovcnt;
	struct pv_scene_desc rendered;	/* scene of the cached physics */
	bool have_rendered;
	uint64_t rendered_at_us;
};

/* Everything one frame needs, captured under the lock. */
struct stream_frame {
	struct frame_meta meta;
	struct framesrc_request req;
	unsigned int max_packet;
	bool corrupt;
	bool truncate;
};

static void timespec_add_ns(struct timespec *ts, uint64_t ns)
{
	uint64_t total = (uint64_t)ts->tv_nsec + ns;

	ts->tv_sec += (time_t)(total / 1000000000u);
	ts->tv_nsec = (long)(total % 1000000000u);
}

static uint64_t timespec_us(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000u + (uint64_t)ts->tv_nsec / 1000u;
}

/*
 * Picks the scene to show: the scripted one, except that a scene in motion
 * keeps the last rendered physics until STREAM_RERENDER_US have passed.
 */
static void stream_pick_scene(struct stream *s, struct pv_scene_desc *desc,
			      uint64_t now_us)
{
	if (s->have_rendered && !scn_scene_equal(desc, &s->rendered) &&
	    now_us - s->rendered_at_us < STREAM_RERENDER_US &&
	    desc->target == s->rendered.target &&
	    desc->identity == s->rendered.identity) {
		*desc = s->rendered;
		return;
	}
	if (!s->have_rendered || !scn_scene_equal(desc, &s->rendered)) {
		s->rendered = *desc;
		s->have_rendered = true;
		s->rendered_at_us = now_us;
	}
}

/* Lock held: describes frame @seq, due at @deadline_us, without sending. */
static void stream_describe(struct stream *s, uint32_t seq,
			    uint64_t deadline_us, struct stream_frame *f)
{
	struct emu *emu = s->emu;
	const struct fw_mode *mode = fw_mode(emu->fw.mode);
	struct fw_frame_light light;

	fw_frame_light(&emu->fw, seq, &light);
	memset(f, 0, sizeof(*f));
	scn_scene_at(&emu->timeline, emu_scene_time(emu, deadline_us),
		     &f->req.scene);
	stream_pick_scene(s, &f->req.scene, deadline_us);
	f->req.width = mode->width;
	f->req.height = mode->height;
	f->req.bits = mode->pixfmt == PALMVEIN_PIXFMT_Y10 ? 10 : 8;
	f->req.exposure_us = fw_effective_exposure_us(&emu->fw);
	f->req.gain_q4 = emu->fw.gain;
	f->req.lit_mask = light.lit_mask;
	memcpy(f->req.intensity, light.intensity, sizeof(f->req.intensity));
	f->req.variant = seq % emu->variants;

	f->meta.sequence = seq;
	f->meta.timestamp_us = deadline_us - emu->power_on_us;
	f->meta.exposure_us = f->req.exposure_us;
	f->meta.gain = f->req.gain_q4;
	f->meta.distance_mm = scn_distance_mm(&f->req.scene, FW_DISTANCE_MIN_MM,
					      FW_DISTANCE_MAX_MM);
	memcpy(f->meta.intensity, light.intensity, sizeof(f->meta.intensity));
	f->meta.width = mode->width;
	f->meta.height = mode->height;
	f->meta.mode = emu->fw.mode;
	f->meta.illum_lit = light.lit_mask;
	f->meta.pixfmt = mode->pixfmt;
	f->max_packet = emu->bulk_max_packet;
	f->corrupt = emu->corrupt_every && (seq + 1) % emu->corrupt_every == 0;
	f->truncate = emu->truncate_every &&
		      (seq + 1) % emu->truncate_every == 0;
}

enum stream_step {
	STREAM_END,	/* the stream of this generation is over */
	STREAM_HOLD,	/* nothing to send this interval */
	STREAM_SEND,	/* frame described, send it */
};

/* Lock held: what happens at the deadline @deadline_us. */
static enum stream_step stream_next_frame(struct stream *s,
					  uint32_t generation,
					  uint64_t deadline_us,
					  struct stream_frame *f)
{
	struct emu *emu = s->emu;

	if (emu->stopping || !emu->enabled || !emu->fw.streaming ||
	    emu->fw.stream_generation != generation)
		return STREAM_END;
	/* a failed image sensor delivers nothing, but the stream stays on */
	if (fw_faults(&emu->fw) & PALMVEIN_FAULT_SENSOR)
		return STREAM_HOLD;
	stream_describe(s, emu->fw.next_sequence++, deadline_us, f);
	return STREAM_SEND;
}

/*
 * Lays the frame out in s->iov: the header, then the cached payload (or a
 * corrupted copy of it). Returns the frame length to send, or -errno.
 */
static ssize_t stream_build(struct stream *s, const struct stream_frame *f)
{
	struct framesrc_payload payload;
	const void *data;
	size_t len;
	int ret;

	ret = framesrc_get(s->src, &f->req, &payload);
	if (ret) {
		emu_info(&s->emu->log, "renderer failed: %s", strerror(-ret));
		return ret;
	}
	frame_write_header(s->header, &f->meta, (uint32_t)payload.size,
			   payload.crc32);
	data = payload.data;
	if (f->corrupt) {	/* after the CRC: the host must catch it */
		if (payload.size > s->capacity) {
			uint8_t *buf = realloc(s->buf, payload.size);

			if (!buf)
				return -ENOMEM;
			s->buf = buf;
			s->capacity = payload.size;
		}
		memcpy(s->buf, payload.data, payload.size);
		s->buf[payload.size / 2] ^= 0x5a;
		data = s->buf;
	}
	len = PALMVEIN_FRAME_HDR_SIZE + payload.size;
	if (f->truncate)
		len = frame_truncated_length(len, f->max_packet);
	/* header and payload leave in one write: one transfer per frame */
	s->iov[0].iov_base = s->header;
	s->iov[0].iov_len = PALMVEIN_FRAME_HDR_SIZE;
	s->iov[1].iov_base = (void *)data;
	s->iov[1].iov_len = len - PALMVEIN_FRAME_HDR_SIZE;
	s->iovcnt = 2;
	return (ssize_t)len;
}

/* Returns 0, -EINTR when kicked, or another -errno when the host is gone. */
static int stream_send(struct stream *s, size_t len, unsigned int max_packet)
{
	ssize_t n = writev(s->emu->ep_frames, s->iov, s->iovcnt);

	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	if (max_packet && len % max_packet == 0 &&
	    write(s->emu->ep_frames, s->header, 0) < 0)
		return -errno;
	return 0;
}

/*
 * Renders the scene and exposes every cached variant before the first
 * deadline, so a new stream does not open with a burst of drops.
 */
static void stream_warm_up(struct stream *s)
{
	struct emu *emu = s->emu;
	struct framesrc_payload payload;
	struct stream_frame f;
	unsigned int i;
	uint64_t now;

	for (i = 0; i < emu->variants; i++) {
		now = emu_monotonic_us();
		pthread_mutex_lock(&emu->lock);
		stream_describe(s, emu->fw.next_sequence + i, now, &f);
		pthread_mutex_unlock(&emu->lock);
		if (framesrc_get(s->src, &f.req, &payload))
			return;	/* the frame loop reports the error */
	}
}

/* Lock held: counts frames that were due but could not be sent. */
static void stream_count_drops(struct emu *emu, uint64_t missed)
{
	emu->fw.next_sequence += (uint32_t)missed;
	emu->fw.frames_dropped += (uint32_t)missed;
	emu->fw.faults |= PALMVEIN_FAULT_OVERRUN;
	emu_info(&emu->log, "behind schedule: dropped %llu frame(s), %u total",
		 (unsigned long long)missed, emu->fw.frames_dropped);
}

/* Lock held: books a frame that went out. */
static void stream_count_sent(struct emu *emu, const struct stream_frame *f)
{
	emu->fw.frames_sent++;
	if (f->corrupt)
		emu->frames_corrupted++;
	if (f->truncate)
		emu->frames_truncated++;
	if (f->corrupt || f->truncate)
		emu_info(&emu->log, "frame %u sent %s", f->meta.sequence,
			 f->corrupt ? "with a corrupted payload" : "truncated");
}

/* Lock held: a send failed, so the stream ends (unless we were kicked). */
static void stream_end(struct emu *emu, uint32_t generation, int err)
{
	if (emu->fw.stream_generation != generation || emu->stopping)
		return;
	emu_info(&emu->log, "frame write failed (%s): stream stopped",
		 strerror(-err));
	emu->fw.streaming = false;
	emu->fw.stream_generation++;
}

static void stream_run(struct stream *s, uint32_t generation)
{
	struct emu *emu = s->emu;
	struct stream_frame f;
	enum stream_step step;
	struct timespec deadline, now;
	uint64_t interval_ns, late, missed;
	ssize_t len;
	int ret;

	pthread_mutex_lock(&emu->lock);
	interval_ns = (uint64_t)fw_mode(emu->fw.mode)->interval_100ns * 100u;
	pthread_mutex_unlock(&emu->lock);
	stream_warm_up(s);
	clock_gettime(CLOCK_MONOTONIC, &deadline);

	for (;;) {
		pthread_mutex_lock(&emu->lock);
		step = stream_next_frame(s, generation, timespec_us(&deadline),
					 &f);
		pthread_mutex_unlock(&emu->lock);
		if (step == STREAM_END)
			return;
		ret = 0;
		if (step == STREAM_SEND) {
			len = stream_build(s, &f);
			ret = len < 0 ? (int)len :
			      stream_send(s, (size_t)len, f.max_packet);
		}
		pthread_mutex_lock(&emu->lock);
		if (ret == -EINTR) {
			pthread_mutex_unlock(&emu->lock);
			continue;	/* kicked: the loop re-checks the state */
		}
		if (ret) {
			stream_end(emu, generation, ret);
			pthread_mutex_unlock(&emu->lock);
			return;
		}
		if (step == STREAM_SEND)
			stream_count_sent(emu, &f);

		timespec_add_ns(&deadline, interval_ns);
		clock_gettime(CLOCK_MONOTONIC, &now);
		late = timespec_us(&now) > timespec_us(&deadline) ?
		       (timespec_us(&now) - timespec_us(&deadline)) * 1000u /
		       interval_ns : 0;
		/*
		 * Frames the buffer still holds go out back to back; beyond
		 * it they are dropped. While holding, nothing was due.
		 */
		if (step == STREAM_HOLD && late) {
			deadline = now;
		} else if (late >= STREAM_BUFFER_FRAMES) {
			missed = late - (STREAM_BUFFER_FRAMES - 1);
			stream_count_drops(emu, missed);
			timespec_add_ns(&deadline, missed * interval_ns);
		}
		pthread_mutex_unlock(&emu->lock);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline,
				       NULL) == EINTR) {
			pthread_mutex_lock(&emu->lock);
			if (emu->stopping ||
			    emu->fw.stream_generation != generation) {
				pthread_mutex_unlock(&emu->lock);
				return;
			}
			pthread_mutex_unlock(&emu->lock);
		}
	}
}

void *emu_stream_main(void *arg)
{
	struct stream s = { .emu = arg };
	struct emu *emu = arg;
	uint32_t generation;

	s.src = framesrc_new(emu->variants);
	if (!s.src) {
		emu_info(&emu->log, "cannot create frame source: %s",
			 strerror(errno));
		emu_thread_exit(&emu->stream_thread);
		return NULL;
	}
	pthread_mutex_lock(&emu->lock);
	for (;;) {
		while (!emu->stopping && !(emu->enabled && emu->fw.streaming))
			pthread_cond_wait(&emu->changed, &emu->lock);
		if (emu->stopping)
			break;
		generation = emu->fw.stream_generation;
		pthread_mutex_unlock(&emu->lock);
		stream_run(&s, generation);
		pthread_mutex_lock(&emu->lock);
	}
	pthread_mutex_unlock(&emu->lock);
	if (s.buf)
		memset(s.buf, 0, s.capacity);
	free(s.buf);
	framesrc_free(s.src);
	emu_thread_exit(&emu->stream_thread);
	return NULL;
}
