// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - bulk URBs and frames
 *
 * Each frame is one bulk transfer: a 64-byte header and the payload, ended by
 * a short packet (a zero-length one when the frame fills its last packet).
 * Several URBs of urb_size bytes stay in flight; a URB that completes short
 * ends the frame. The header is checked with the uapi decoder and its CRC,
 * the payload with the CRC from the header, and the frame must match the
 * selected mode. Anything else is returned with V4L2_BUF_FLAG_ERROR.
 */

#include <linux/crc32.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <media/videobuf2-v4l2.h>

#include "palmvein.h"

static unsigned int nr_urbs = 8;
module_param(nr_urbs, uint, 0644);
MODULE_PARM_DESC(nr_urbs, "Bulk URBs kept in flight per sensor (2-32, default 8)");

static unsigned int urb_size = 65536;
module_param(urb_size, uint, 0644);
MODULE_PARM_DESC(urb_size,
		 "Bytes per bulk URB, rounded to the packet size (4096-1048576, default 65536)");

u32 palmvein_mode_sizeimage(const struct palmvein_format_mode *mode)
{
	return (u32)mode->width * mode->height *
	       palmvein_bytes_per_pixel(mode->pixfmt);
}

/* Take the next buffer userspace queued, or NULL if it queued none. */
struct palmvein_buffer *palmvein_queue_next(struct palmvein_queue *q)
{
	struct palmvein_buffer *buf;
	unsigned long flags;

	spin_lock_irqsave(&q->irqlock, flags);
	buf = list_first_entry_or_null(&q->pending, struct palmvein_buffer,
				       list);
	if (buf)
		list_del(&buf->list);
	spin_unlock_irqrestore(&q->irqlock, flags);
	return buf;
}

/*
 * Give the frame its V4L2 sequence number. Device sequence gaps show as gaps;
 * a frame whose header could not be trusted takes the next free number; the
 * numbers only grow, even if the device restarts its counter.
 */
static u32 palmvein_frame_sequence(struct palmvein_device *dev, bool known,
				   u32 dev_seq)
{
	u32 seq, delta;

	if (known && dev->have_dev_sequence) {
		delta = dev_seq - dev->dev_sequence;
		if (!delta || delta > S32_MAX)
			delta = 1;
		if (delta > dev->unknown_frames + 1)
			dev->stats.frames_lost += delta - dev->unknown_frames - 1;
		seq = dev->dev_sequence_v4l2 + delta;
	} else if (dev->have_sequence) {
		seq = dev->sequence + 1;
	} else {
		seq = 0;
	}
	if (dev->have_sequence && (s32)(seq - dev->sequence) <= 0)
		seq = dev->sequence + 1;

	dev->sequence = seq;
	dev->have_sequence = true;
	if (known) {
		dev->dev_sequence = dev_seq;
		dev->dev_sequence_v4l2 = seq;
		dev->have_dev_sequence = true;
		dev->unknown_frames = 0;
	} else {
		dev->unknown_frames++;
	}
	return seq;
}

static void palmvein_fill_meta(struct palmvein_buffer *meta,
			       const struct palmvein_frame *f, u32 seq)
{
	struct palmvein_meta *m = vb2_plane_vaddr(&meta->vb.vb2_buf, 0);
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->sequence = seq;
	m->distance_mm = PALMVEIN_DISTANCE_NONE;
	if (f->hdr_ok) {
		m->device_sequence = f->info.sequence;
		m->timestamp_us = f->info.timestamp_us;
		m->exposure_us = f->info.exposure_us;
		m->gain = f->info.gain;
		m->distance_mm = f->info.distance_mm;
		for (i = 0; i < PALMVEIN_MAX_BANKS; i++)
			m->intensity[i] = f->info.intensity[i];
		m->illum_lit = f->info.illum_lit;
	}
	vb2_set_plane_payload(&meta->vb.vb2_buf, 0, sizeof(*m));
}

static void palmvein_buffer_done(struct palmvein_buffer *buf,
				 const struct palmvein_frame *f, u32 seq,
				 bool bad)
{
	buf->vb.sequence = seq;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = f->timestamp_ns;
	if (bad)
		vb2_set_plane_payload(&buf->vb.vb2_buf, 0, 0);
	vb2_buffer_done(&buf->vb.vb2_buf,
			bad ? VB2_BUF_STATE_ERROR : VB2_BUF_STATE_DONE);
}

/* The header is complete: judge it and pick the buffers to fill. */
static void palmvein_frame_header(struct palmvein_device *dev)
{
	const struct palmvein_format_mode *mode = &dev->modes[dev->cur_mode];
	struct palmvein_frame *f = &dev->frame;
	struct palmvein_frame_info *fi = &f->info;
	u32 crc;

	if (palmvein_frame_header_decode(f->hdr, sizeof(f->hdr), fi)) {
		if (!f->resync)
			dev->stats.header_errors++;
		f->bad = true;
	} else {
		crc = ~crc32_le(~0, f->hdr, PALMVEIN_FRAME_HDR_CRC_OFFSET);
		if (crc != fi->header_crc32) {
			dev->stats.header_errors++;
			f->bad = true;
		} else if (fi->mode != dev->cur_mode ||
			   fi->width != mode->width ||
			   fi->height != mode->height ||
			   fi->pixfmt != mode->pixfmt) {
			dev->stats.length_errors++;
			f->bad = true;
		} else {
			f->hdr_ok = true;
		}
	}
	f->resync = f->resync && !f->hdr_ok;
	if (f->resync)
		return;

	f->buf = palmvein_queue_next(&dev->queue);
	f->meta = palmvein_queue_next(&dev->meta_queue);
	f->crc = ~0;
}

static void palmvein_frame_data(struct palmvein_device *dev, const u8 *data,
				u32 len)
{
	struct palmvein_frame *f = &dev->frame;
	u32 n, offset;

	if (!f->received)
		f->timestamp_ns = ktime_get_ns();

	if (f->received < PALMVEIN_FRAME_HDR_SIZE) {
		n = min_t(u32, len, PALMVEIN_FRAME_HDR_SIZE - f->received);
		memcpy(f->hdr + f->received, data, n);
		f->received += n;
		data += n;
		len -= n;
		if (f->received < PALMVEIN_FRAME_HDR_SIZE)
			return;
		palmvein_frame_header(dev);
	}
	if (!len)
		return;

	offset = f->received - PALMVEIN_FRAME_HDR_SIZE;
	f->received += len;
	if (!f->hdr_ok || f->bad)
		return;
	if (len > f->info.payload_size - offset) {
		dev->stats.length_errors++;	/* longer than announced */
		f->bad = true;
		return;
	}
	if (!f->buf && !f->meta)
		return;

	f->crc = crc32_le(f->crc, data, len);
	if (f->buf)
		memcpy(vb2_plane_vaddr(&f->buf->vb.vb2_buf, 0) + offset, data,
		       len);
}

/* A short packet ended the frame: deliver or flag it. */
static void palmvein_frame_end(struct palmvein_device *dev)
{
	struct palmvein_frame *f = &dev->frame;
	bool bad = f->bad;
	u32 seq;

	if (!f->received)
		return;		/* the zero-length packet after a full frame */

	if (f->received < PALMVEIN_FRAME_HDR_SIZE) {
		if (!f->resync) {
			dev->stats.header_errors++;
			f->buf = palmvein_queue_next(&dev->queue);
			f->meta = palmvein_queue_next(&dev->meta_queue);
		}
		bad = true;
	} else if (!f->hdr_ok || bad) {
		bad = true;
	} else if (f->received != PALMVEIN_FRAME_HDR_SIZE +
				  f->info.payload_size) {
		dev->stats.length_errors++;	/* truncated */
		bad = true;
	} else if ((f->buf || f->meta) && ~f->crc != f->info.payload_crc32) {
		dev->stats.payload_crc_errors++;
		bad = true;
	}

	if (f->resync && !f->hdr_ok) {
		/* Left over from an earlier stream: not a frame of ours. */
		memset(f, 0, sizeof(*f));
		return;
	}

	seq = palmvein_frame_sequence(dev, f->hdr_ok, f->info.sequence);
	if (bad)
		dev->stats.frames_bad++;
	else if ((!f->buf && READ_ONCE(dev->video_streaming)) ||
		 (!f->meta && READ_ONCE(dev->meta_streaming)))
		dev->stats.frames_dropped++;	/* a queue had no buffer */
	else
		dev->stats.frames_good++;

	if (f->meta) {
		palmvein_fill_meta(f->meta, f, seq);
		palmvein_buffer_done(f->meta, f, seq, bad);
	}
	if (f->buf)
		palmvein_buffer_done(f->buf, f, seq, bad);
	memset(f, 0, sizeof(*f));
}

static void palmvein_urb_complete(struct urb *urb)
{
	struct palmvein_device *dev = urb->context;
	u64 start = ktime_get_ns();
	unsigned long flags;
	int ret;

	switch (urb->status) {
	case 0:
		break;
	case -ENOENT:		/* killed */
	case -ECONNRESET:	/* unlinked */
	case -ESHUTDOWN:	/* host controller or device gone */
	case -ENODEV:
		return;
	default:
		dev_dbg_ratelimited(&dev->intf->dev, "bulk URB error %d\n",
				    urb->status);
		break;
	}

	spin_lock_irqsave(&dev->frame_lock, flags);
	if (urb->status) {
		/* The frame boundary is lost: spoil the frame, keep going. */
		dev->stats.usb_errors++;
		dev->frame.bad = true;
	}
	if (urb->actual_length)
		palmvein_frame_data(dev, urb->transfer_buffer,
				    urb->actual_length);
	if (!urb->status && urb->actual_length < urb->transfer_buffer_length)
		palmvein_frame_end(dev);
	dev->stats.busy_ns += ktime_get_ns() - start;
	spin_unlock_irqrestore(&dev->frame_lock, flags);

	usb_anchor_urb(urb, &dev->anchor);
	ret = usb_submit_urb(urb, GFP_ATOMIC);
	if (ret) {
		usb_unanchor_urb(urb);
		/* -ENOENT: the endpoint was disabled by unplug or reset */
		if (ret != -EPERM && ret != -ENOENT && ret != -ENODEV &&
		    ret != -ESHUTDOWN)
			dev_err_ratelimited(&dev->intf->dev,
					    "resubmitting bulk URB failed: %d\n",
					    ret);
	}
}

/* Return the buffers of the frame under assembly; the frame is dropped. */
static void palmvein_frame_abort(struct palmvein_device *dev, bool video,
				 bool meta)
{
	struct palmvein_frame *f = &dev->frame;
	struct palmvein_buffer *vbuf = NULL, *mbuf = NULL;
	unsigned long flags;

	spin_lock_irqsave(&dev->frame_lock, flags);
	if (video) {
		vbuf = f->buf;
		f->buf = NULL;
	}
	if (meta) {
		mbuf = f->meta;
		f->meta = NULL;
	}
	spin_unlock_irqrestore(&dev->frame_lock, flags);

	if (vbuf)
		vb2_buffer_done(&vbuf->vb.vb2_buf, VB2_BUF_STATE_ERROR);
	if (mbuf)
		vb2_buffer_done(&mbuf->vb.vb2_buf, VB2_BUF_STATE_ERROR);
}

static void palmvein_frame_reset(struct palmvein_device *dev)
{
	unsigned long flags;

	palmvein_frame_abort(dev, true, true);
	spin_lock_irqsave(&dev->frame_lock, flags);
	memset(&dev->frame, 0, sizeof(dev->frame));
	dev->frame.resync = true;
	spin_unlock_irqrestore(&dev->frame_lock, flags);
}

static int palmvein_submit_urbs(struct palmvein_device *dev)
{
	unsigned int i;
	int ret;

	palmvein_frame_reset(dev);
	for (i = 0; i < dev->nr_urbs; i++) {
		usb_anchor_urb(dev->urbs[i], &dev->anchor);
		ret = usb_submit_urb(dev->urbs[i], GFP_KERNEL);
		if (ret) {
			usb_unanchor_urb(dev->urbs[i]);
			usb_kill_anchored_urbs(&dev->anchor);
			dev_err(&dev->intf->dev, "submitting bulk URB failed: %d\n",
				ret);
			return ret;
		}
	}
	return 0;
}

static int palmvein_usb_start(struct palmvein_device *dev)
{
	int ret;

	lockdep_assert_held(&dev->lock);

	ret = palmvein_xfer(dev, PALMVEIN_REQ_START_STREAM, false,
			    dev->cur_mode, NULL, 0);
	if (ret)
		return ret;

	ret = palmvein_submit_urbs(dev);
	if (ret) {
		palmvein_xfer(dev, PALMVEIN_REQ_STOP_STREAM, false, 0, NULL, 0);
		return ret;
	}
	dev->usb_streaming = true;
	return 0;
}

static void palmvein_usb_stop(struct palmvein_device *dev)
{
	lockdep_assert_held(&dev->lock);

	dev->usb_streaming = false;
	/* Without a device there is nobody to tell; a failure changes nothing. */
	if (!dev->disconnected)
		palmvein_xfer(dev, PALMVEIN_REQ_STOP_STREAM, false, 0, NULL, 0);
	usb_kill_anchored_urbs(&dev->anchor);
	palmvein_frame_reset(dev);
}

/**
 * palmvein_stream_get() - a queue starts streaming
 * @dev: the sensor
 * @video: true for the video queue, false for the metadata queue
 *
 * The device streams while either queue streams. The first one sends
 * START_STREAM in the selected mode and submits the bulk URBs.
 *
 * Return: 0 or a negative errno.
 */
int palmvein_stream_get(struct palmvein_device *dev, bool video)
{
	int ret = 0;

	mutex_lock(&dev->lock);
	if (dev->disconnected) {
		ret = -ENODEV;
	} else if (!dev->usb_streaming) {
		/* Sequence numbers restart at 0 with each stream, not on resume. */
		dev->have_sequence = false;
		dev->have_dev_sequence = false;
		dev->unknown_frames = 0;
		ret = palmvein_usb_start(dev);
	}
	if (!ret) {
		if (video)
			dev->video_streaming = true;
		else
			dev->meta_streaming = true;
	}
	mutex_unlock(&dev->lock);
	return ret;
}

/**
 * palmvein_stream_put() - a queue stops streaming
 * @dev: the sensor
 * @video: true for the video queue, false for the metadata queue
 *
 * Takes back the queue's buffer from the frame under assembly, and stops the
 * device when the other queue does not stream either.
 */
void palmvein_stream_put(struct palmvein_device *dev, bool video)
{
	mutex_lock(&dev->lock);
	if (video)
		dev->video_streaming = false;
	else
		dev->meta_streaming = false;
	if (dev->usb_streaming && !dev->video_streaming &&
	    !dev->meta_streaming)
		palmvein_usb_stop(dev);
	else
		palmvein_frame_abort(dev, video, !video);
	mutex_unlock(&dev->lock);
}

/**
 * palmvein_stream_suspend() - stop the URBs for a suspend
 * @dev: the sensor
 *
 * A running stream is marked for palmvein_stream_resume() to restart.
 */
void palmvein_stream_suspend(struct palmvein_device *dev)
{
	mutex_lock(&dev->lock);
	if (dev->usb_streaming) {
		usb_kill_anchored_urbs(&dev->anchor);
		palmvein_frame_reset(dev);
		dev->usb_streaming = false;
		dev->restart_stream = true;
	}
	mutex_unlock(&dev->lock);
}

/**
 * palmvein_stream_resume() - restart the stream after a resume
 * @dev: the sensor
 *
 * Only if a queue still streams and nothing restarted the device meanwhile.
 *
 * Return: 0 or a negative errno.
 */
int palmvein_stream_resume(struct palmvein_device *dev)
{
	int ret = 0;

	mutex_lock(&dev->lock);
	if (dev->restart_stream && !dev->usb_streaming &&
	    (dev->video_streaming || dev->meta_streaming))
		ret = palmvein_usb_start(dev);
	dev->restart_stream = false;
	mutex_unlock(&dev->lock);
	return ret;
}

int palmvein_video_init(struct palmvein_device *dev)
{
	unsigned int i, size;
	void *buf;

	dev->nr_urbs = clamp(nr_urbs, 2U, (unsigned int)PALMVEIN_MAX_URBS);
	size = clamp(urb_size, 4096U, 1048576U);
	/* Only a packet shorter than wMaxPacketSize may end a URB early. */
	dev->urb_size = max_t(unsigned int, rounddown(size, dev->bulk_maxp),
			      dev->bulk_maxp);

	for (i = 0; i < dev->nr_urbs; i++) {
		dev->urbs[i] = usb_alloc_urb(0, GFP_KERNEL);
		if (!dev->urbs[i])
			return -ENOMEM;
		buf = kmalloc(dev->urb_size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		usb_fill_bulk_urb(dev->urbs[i], dev->udev,
				  usb_rcvbulkpipe(dev->udev, dev->bulk_ep),
				  buf, dev->urb_size, palmvein_urb_complete,
				  dev);
	}
	return 0;
}

void palmvein_video_cleanup(struct palmvein_device *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nr_urbs; i++) {
		if (!dev->urbs[i])
			continue;
		kfree(dev->urbs[i]->transfer_buffer);
		usb_free_urb(dev->urbs[i]);
	}
}
