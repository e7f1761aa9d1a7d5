// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - metadata node
 *
 * One struct palmvein_meta per frame, with the illumination state the frame
 * was exposed under, so that userspace can subtract ambient light. Buffers
 * pair with video buffers by sequence number. The device streams while
 * either node streams, so the metadata node also works on its own.
 */

#include <linux/string.h>
#include <media/v4l2-ioctl.h>

#include "palmvein.h"

static int palmvein_meta_enum_fmt(struct file *file, void *fh,
				  struct v4l2_fmtdesc *f)
{
	if (f->index)
		return -EINVAL;
	f->pixelformat = V4L2_META_FMT_PALMVEIN;
	/* The V4L2 core knows no out-of-tree format: name it here. */
	strscpy(f->description, "Palm Vein Frame Metadata",
		sizeof(f->description));
	return 0;
}

static int palmvein_meta_g_fmt(struct file *file, void *fh,
			       struct v4l2_format *f)
{
	struct v4l2_meta_format *meta = &f->fmt.meta;

	memset(meta, 0, sizeof(*meta));
	meta->dataformat = V4L2_META_FMT_PALMVEIN;
	meta->buffersize = sizeof(struct palmvein_meta);
	return 0;
}

static int palmvein_meta_s_fmt(struct file *file, void *fh,
			       struct v4l2_format *f)
{
	struct palmvein_device *dev = video_drvdata(file);

	/* There is one format only; the ioctl still claims the queue. */
	if (vb2_is_busy(&dev->meta_queue.vb2))
		return -EBUSY;
	return palmvein_meta_g_fmt(file, fh, f);
}

static const struct v4l2_ioctl_ops palmvein_meta_ioctl_ops = {
	.vidioc_querycap = palmvein_querycap,
	.vidioc_enum_fmt_meta_cap = palmvein_meta_enum_fmt,
	.vidioc_g_fmt_meta_cap = palmvein_meta_g_fmt,
	.vidioc_try_fmt_meta_cap = palmvein_meta_g_fmt,
	.vidioc_s_fmt_meta_cap = palmvein_meta_s_fmt,
	.vidioc_enum_input = palmvein_enum_input,
	.vidioc_g_input = palmvein_g_input,
	.vidioc_s_input = palmvein_s_input,
	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,
};

/**
 * palmvein_meta_register() - register the metadata capture node
 * @dev: the sensor
 *
 * Return: 0 or a negative errno.
 */
int palmvein_meta_register(struct palmvein_device *dev)
{
	return palmvein_register_node(dev, &dev->meta_vdev, &dev->meta_queue,
				      V4L2_BUF_TYPE_META_CAPTURE,
				      V4L2_CAP_META_CAPTURE |
				      V4L2_CAP_STREAMING | V4L2_CAP_READWRITE,
				      &palmvein_meta_ioctl_ops, " metadata");
}
