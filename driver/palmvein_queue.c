// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - videobuf2 queues
 *
 * The video and the metadata node each own a vb2 queue with the same
 * operations; the buffer type tells them apart. Buffers live in vmalloc
 * memory: the URB completion handler copies each packet into place.
 */

#include <media/videobuf2-vmalloc.h>

#include "palmvein.h"

static bool palmvein_queue_is_video(const struct vb2_queue *vq)
{
	return vq->type == V4L2_BUF_TYPE_VIDEO_CAPTURE;
}

static unsigned int palmvein_queue_buf_size(struct vb2_queue *vq)
{
	struct palmvein_device *dev = vb2_get_drv_priv(vq);

	if (!palmvein_queue_is_video(vq))
		return sizeof(struct palmvein_meta);
	return palmvein_mode_sizeimage(&dev->modes[dev->cur_mode]);
}

static struct palmvein_queue *palmvein_queue_of(struct vb2_queue *vq)
{
	return container_of(vq, struct palmvein_queue, vb2);
}

static int palmvein_queue_setup(struct vb2_queue *vq, unsigned int *nbuffers,
				unsigned int *nplanes, unsigned int sizes[],
				struct device *alloc_devs[])
{
	unsigned int size = palmvein_queue_buf_size(vq);

	if (*nplanes)
		return *nplanes != 1 || sizes[0] < size ? -EINVAL : 0;

	*nplanes = 1;
	sizes[0] = size;
	return 0;
}

static int palmvein_buffer_prepare(struct vb2_buffer *vb)
{
	unsigned int size = palmvein_queue_buf_size(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < size)
		return -EINVAL;
	vb2_set_plane_payload(vb, 0, size);
	return 0;
}

static void palmvein_buffer_queue(struct vb2_buffer *vb)
{
	struct palmvein_queue *q = palmvein_queue_of(vb->vb2_queue);
	struct vb2_v4l2_buffer *vbuf = to_vb2_v4l2_buffer(vb);
	struct palmvein_buffer *buf =
		container_of(vbuf, struct palmvein_buffer, vb);
	unsigned long flags;

	spin_lock_irqsave(&q->irqlock, flags);
	list_add_tail(&buf->list, &q->pending);
	spin_unlock_irqrestore(&q->irqlock, flags);
}

/**
 * palmvein_queue_return_all() - give every pending buffer back to vb2
 * @q: the queue
 * @state: VB2_BUF_STATE_QUEUED when streaming failed to start, else
 *	VB2_BUF_STATE_ERROR
 */
void palmvein_queue_return_all(struct palmvein_queue *q,
			       enum vb2_buffer_state state)
{
	struct palmvein_buffer *buf;

	while ((buf = palmvein_queue_next(q)))
		vb2_buffer_done(&buf->vb.vb2_buf, state);
}

static int palmvein_start_streaming(struct vb2_queue *vq, unsigned int count)
{
	struct palmvein_device *dev = vb2_get_drv_priv(vq);
	int ret;

	ret = palmvein_stream_get(dev, palmvein_queue_is_video(vq));
	if (ret)
		palmvein_queue_return_all(palmvein_queue_of(vq),
					  VB2_BUF_STATE_QUEUED);
	return ret;
}

static void palmvein_stop_streaming(struct vb2_queue *vq)
{
	struct palmvein_device *dev = vb2_get_drv_priv(vq);

	palmvein_stream_put(dev, palmvein_queue_is_video(vq));
	palmvein_queue_return_all(palmvein_queue_of(vq), VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops palmvein_vb2_ops = {
	.queue_setup = palmvein_queue_setup,
	.buf_prepare = palmvein_buffer_prepare,
	.buf_queue = palmvein_buffer_queue,
	.start_streaming = palmvein_start_streaming,
	.stop_streaming = palmvein_stop_streaming,
	.wait_prepare = vb2_ops_wait_prepare,
	.wait_finish = vb2_ops_wait_finish,
};

/**
 * palmvein_queue_init() - set up a vb2 queue of the sensor
 * @dev: the sensor
 * @q: &palmvein_device.queue or &palmvein_device.meta_queue
 * @type: V4L2_BUF_TYPE_VIDEO_CAPTURE or V4L2_BUF_TYPE_META_CAPTURE
 *
 * Return: 0 or a negative errno.
 */
int palmvein_queue_init(struct palmvein_device *dev, struct palmvein_queue *q,
			enum v4l2_buf_type type)
{
	spin_lock_init(&q->irqlock);
	INIT_LIST_HEAD(&q->pending);

	q->vb2.type = type;
	q->vb2.io_modes = VB2_MMAP | VB2_USERPTR | VB2_DMABUF | VB2_READ;
	q->vb2.drv_priv = dev;
	q->vb2.buf_struct_size = sizeof(struct palmvein_buffer);
	q->vb2.ops = &palmvein_vb2_ops;
	q->vb2.mem_ops = &vb2_vmalloc_memops;
	q->vb2.timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
				 V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
	q->vb2.lock = &q->lock;
	q->vb2.dev = &dev->intf->dev;
	return vb2_queue_init(&q->vb2);
}
