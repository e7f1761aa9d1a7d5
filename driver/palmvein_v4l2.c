// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - video node ioctls
 *
 * Formats, sizes and frame intervals all come from the device's mode table.
 * S_FMT and S_PARM select a mode: the one nearest in size to the request
 * with the requested pixel format, then the nearest frame interval.
 */

#include <linux/gcd.h>
#include <linux/usb.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "palmvein.h"

/* Frame intervals are in 100 ns units, as in UVC. */
#define PALMVEIN_INTERVAL_HZ	10000000U

static u32 palmvein_abs_diff(u32 a, u32 b)
{
	return a > b ? a - b : b - a;
}

static bool palmvein_has_fourcc(const struct palmvein_device *dev, u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < dev->num_modes; i++)
		if (dev->modes[i].fourcc == fourcc)
			return true;
	return false;
}

/*
 * The mode nearest to a request: same format if the device has it, then the
 * smallest size difference, then the frame interval nearest to @interval.
 */
static unsigned int palmvein_find_mode(const struct palmvein_device *dev,
				       u32 fourcc, u32 width, u32 height,
				       u32 interval)
{
	unsigned int i, best = 0;
	u64 best_size = U64_MAX;
	u32 best_ival = U32_MAX;

	if (!palmvein_has_fourcc(dev, fourcc))
		fourcc = dev->modes[dev->cur_mode].fourcc;

	for (i = 0; i < dev->num_modes; i++) {
		const struct palmvein_format_mode *m = &dev->modes[i];
		u64 size_diff;
		u32 ival_diff;

		if (m->fourcc != fourcc)
			continue;
		size_diff = (u64)palmvein_abs_diff(m->width, width) +
			    palmvein_abs_diff(m->height, height);
		ival_diff = palmvein_abs_diff(m->interval, interval);
		if (size_diff < best_size ||
		    (size_diff == best_size && ival_diff < best_ival)) {
			best = i;
			best_size = size_diff;
			best_ival = ival_diff;
		}
	}
	return best;
}

static void palmvein_fill_pix_format(const struct palmvein_format_mode *mode,
				     struct v4l2_pix_format *pix)
{
	memset(pix, 0, sizeof(*pix));
	pix->width = mode->width;
	pix->height = mode->height;
	pix->pixelformat = mode->fourcc;
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = mode->width * palmvein_bytes_per_pixel(mode->pixfmt);
	pix->sizeimage = palmvein_mode_sizeimage(mode);
	pix->colorspace = V4L2_COLORSPACE_RAW;
	pix->xfer_func = V4L2_XFER_FUNC_NONE;
	pix->ycbcr_enc = V4L2_YCBCR_ENC_DEFAULT;
	pix->quantization = V4L2_QUANTIZATION_FULL_RANGE;
}

int palmvein_querycap(struct file *file, void *fh,
		      struct v4l2_capability *cap)
{
	struct palmvein_device *dev = video_drvdata(file);

	strscpy(cap->driver, PALMVEIN_DRIVER_NAME, sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "Palm Vein %s",
		 dev->serial);
	usb_make_path(dev->udev, cap->bus_info, sizeof(cap->bus_info));
	return 0;
}

static int palmvein_enum_fmt(struct file *file, void *fh,
			     struct v4l2_fmtdesc *f)
{
	struct palmvein_device *dev = video_drvdata(file);
	unsigned int i, j, n = 0;

	for (i = 0; i < dev->num_modes; i++) {
		/* List each format once, at its first mode. */
		for (j = 0; j < i; j++)
			if (dev->modes[j].fourcc == dev->modes[i].fourcc)
				break;
		if (j < i)
			continue;
		if (n++ == f->index) {
			f->pixelformat = dev->modes[i].fourcc;
			return 0;
		}
	}
	return -EINVAL;
}

static int palmvein_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct palmvein_device *dev = video_drvdata(file);

	palmvein_fill_pix_format(&dev->modes[dev->cur_mode], &f->fmt.pix);
	return 0;
}

static unsigned int palmvein_try_mode(struct palmvein_device *dev,
				      struct v4l2_format *f)
{
	unsigned int mode;

	mode = palmvein_find_mode(dev, f->fmt.pix.pixelformat,
				  f->fmt.pix.width, f->fmt.pix.height,
				  dev->modes[dev->cur_mode].interval);
	palmvein_fill_pix_format(&dev->modes[mode], &f->fmt.pix);
	return mode;
}

static int palmvein_try_fmt(struct file *file, void *fh,
			    struct v4l2_format *f)
{
	palmvein_try_mode(video_drvdata(file), f);
	return 0;
}

/* Only an idle device may change mode: frames and buffers follow it. */
static int palmvein_set_mode(struct palmvein_device *dev, unsigned int mode)
{
	int ret = 0;

	if (mode == dev->cur_mode)
		return 0;
	if (vb2_is_busy(&dev->queue.vb2))
		return -EBUSY;

	mutex_lock(&dev->lock);
	if (dev->usb_streaming)
		ret = -EBUSY;
	else
		dev->cur_mode = mode;
	mutex_unlock(&dev->lock);
	return ret;
}

static int palmvein_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct palmvein_device *dev = video_drvdata(file);

	return palmvein_set_mode(dev, palmvein_try_mode(dev, f));
}

static int palmvein_enum_framesizes(struct file *file, void *fh,
				    struct v4l2_frmsizeenum *fsize)
{
	struct palmvein_device *dev = video_drvdata(file);
	const struct palmvein_format_mode *m;
	unsigned int i, j, n = 0;

	for (i = 0; i < dev->num_modes; i++) {
		m = &dev->modes[i];
		if (m->fourcc != fsize->pixel_format)
			continue;
		for (j = 0; j < i; j++)
			if (dev->modes[j].fourcc == m->fourcc &&
			    dev->modes[j].width == m->width &&
			    dev->modes[j].height == m->height)
				break;
		if (j < i)
			continue;
		if (n++ == fsize->index) {
			fsize->type = V4L2_FRMSIZE_TYPE_DISCRETE;
			fsize->discrete.width = m->width;
			fsize->discrete.height = m->height;
			return 0;
		}
	}
	return -EINVAL;
}

static void palmvein_interval_to_fract(u32 interval, struct v4l2_fract *fract)
{
	unsigned long div = gcd(interval, PALMVEIN_INTERVAL_HZ);

	fract->numerator = interval / div;
	fract->denominator = PALMVEIN_INTERVAL_HZ / div;
}

static int palmvein_enum_frameintervals(struct file *file, void *fh,
					struct v4l2_frmivalenum *fival)
{
	struct palmvein_device *dev = video_drvdata(file);
	const struct palmvein_format_mode *m;
	unsigned int i, n = 0;

	for (i = 0; i < dev->num_modes; i++) {
		m = &dev->modes[i];
		if (m->fourcc != fival->pixel_format ||
		    m->width != fival->width || m->height != fival->height)
			continue;
		if (n++ == fival->index) {
			fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
			palmvein_interval_to_fract(m->interval,
						   &fival->discrete);
			return 0;
		}
	}
	return -EINVAL;
}

static void palmvein_fill_parm(struct palmvein_device *dev,
			       struct v4l2_streamparm *parm)
{
	struct v4l2_captureparm *cp = &parm->parm.capture;

	memset(cp, 0, sizeof(*cp));
	cp->capability = V4L2_CAP_TIMEPERFRAME;
	cp->readbuffers = 2;
	palmvein_interval_to_fract(dev->modes[dev->cur_mode].interval,
				   &cp->timeperframe);
}

static int palmvein_g_parm(struct file *file, void *fh,
			   struct v4l2_streamparm *parm)
{
	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	palmvein_fill_parm(video_drvdata(file), parm);
	return 0;
}

static int palmvein_s_parm(struct file *file, void *fh,
			   struct v4l2_streamparm *parm)
{
	struct palmvein_device *dev = video_drvdata(file);
	const struct palmvein_format_mode *cur = &dev->modes[dev->cur_mode];
	struct v4l2_fract *tpf = &parm->parm.capture.timeperframe;
	u32 interval = cur->interval;
	unsigned int mode;
	int ret;

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;

	/* A zero fraction keeps the current interval. */
	if (tpf->numerator && tpf->denominator)
		interval = min_t(u64, div_u64((u64)tpf->numerator *
					      PALMVEIN_INTERVAL_HZ,
					      tpf->denominator), U32_MAX);

	mode = palmvein_find_mode(dev, cur->fourcc, cur->width, cur->height,
				  interval);
	ret = palmvein_set_mode(dev, mode);
	if (ret)
		return ret;
	palmvein_fill_parm(dev, parm);
	return 0;
}

int palmvein_enum_input(struct file *file, void *fh,
			struct v4l2_input *input)
{
	if (input->index)
		return -EINVAL;
	strscpy(input->name, "NIR Sensor", sizeof(input->name));
	input->type = V4L2_INPUT_TYPE_CAMERA;
	return 0;
}

int palmvein_g_input(struct file *file, void *fh, unsigned int *input)
{
	*input = 0;
	return 0;
}

int palmvein_s_input(struct file *file, void *fh, unsigned int input)
{
	return input ? -EINVAL : 0;
}

static int palmvein_log_status(struct file *file, void *fh)
{
	struct palmvein_device *dev = video_drvdata(file);
	struct palmvein_stats stats;
	unsigned long flags;

	spin_lock_irqsave(&dev->frame_lock, flags);
	stats = dev->stats;
	spin_unlock_irqrestore(&dev->frame_lock, flags);

	v4l2_info(&dev->v4l2_dev,
		  "frames: %llu good, %llu bad, %llu dropped, %llu lost\n",
		  stats.frames_good, stats.frames_bad, stats.frames_dropped,
		  stats.frames_lost);
	v4l2_info(&dev->v4l2_dev,
		  "errors: %llu header, %llu payload CRC, %llu length, %llu USB\n",
		  stats.header_errors, stats.payload_crc_errors,
		  stats.length_errors, stats.usb_errors);
	return v4l2_ctrl_log_status(file, fh);
}

static int palmvein_subscribe_event(struct v4l2_fh *fh,
				    const struct v4l2_event_subscription *sub)
{
	if (sub->type == V4L2_EVENT_CTRL)
		return v4l2_ctrl_subscribe_event(fh, sub);
	return -EINVAL;
}

static const struct v4l2_ioctl_ops palmvein_ioctl_ops = {
	.vidioc_querycap = palmvein_querycap,
	.vidioc_enum_fmt_vid_cap = palmvein_enum_fmt,
	.vidioc_g_fmt_vid_cap = palmvein_g_fmt,
	.vidioc_try_fmt_vid_cap = palmvein_try_fmt,
	.vidioc_s_fmt_vid_cap = palmvein_s_fmt,
	.vidioc_enum_framesizes = palmvein_enum_framesizes,
	.vidioc_enum_frameintervals = palmvein_enum_frameintervals,
	.vidioc_g_parm = palmvein_g_parm,
	.vidioc_s_parm = palmvein_s_parm,
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
	.vidioc_log_status = palmvein_log_status,
	.vidioc_subscribe_event = palmvein_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

/* Both nodes share the file operations; their ioctl tables differ. */
static const struct v4l2_file_operations palmvein_fops = {
	.owner = THIS_MODULE,
	.open = palmvein_open,
	.release = palmvein_release,
	.unlocked_ioctl = video_ioctl2,
	.read = vb2_fop_read,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
};

/**
 * palmvein_register_node() - set up a queue and register its capture node
 * @dev: the sensor
 * @vdev: the node; fields set beforehand (such as ctrl_handler) are kept
 * @q: the node's buffer queue
 * @type: buffer type of @q
 * @caps: device capabilities of the node
 * @ioctl_ops: the node's ioctl operations
 * @suffix: appended to the node name, "" for none
 *
 * Return: 0 or a negative errno.
 */
int palmvein_register_node(struct palmvein_device *dev,
			   struct video_device *vdev, struct palmvein_queue *q,
			   enum v4l2_buf_type type, u32 caps,
			   const struct v4l2_ioctl_ops *ioctl_ops,
			   const char *suffix)
{
	int ret;

	ret = palmvein_queue_init(dev, q, type);
	if (ret)
		return ret;

	snprintf(vdev->name, sizeof(vdev->name), "palmvein %s%s", dev->serial,
		 suffix);
	vdev->v4l2_dev = &dev->v4l2_dev;
	vdev->fops = &palmvein_fops;
	vdev->ioctl_ops = ioctl_ops;
	vdev->release = video_device_release_empty;
	vdev->lock = &q->lock;
	vdev->queue = &q->vb2;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->device_caps = caps;
	video_set_drvdata(vdev, dev);

	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		dev_err(&dev->intf->dev, "registering %s node failed: %d\n",
			type == V4L2_BUF_TYPE_META_CAPTURE ? "metadata" : "video",
			ret);
	return ret;
}

/**
 * palmvein_v4l2_register() - register the video capture node
 * @dev: the sensor
 *
 * Return: 0 or a negative errno.
 */
int palmvein_v4l2_register(struct palmvein_device *dev)
{
	dev->vdev.ctrl_handler = &dev->ctrl_handler;
	return palmvein_register_node(dev, &dev->vdev, &dev->queue,
				      V4L2_BUF_TYPE_VIDEO_CAPTURE,
				      V4L2_CAP_VIDEO_CAPTURE |
				      V4L2_CAP_STREAMING | V4L2_CAP_READWRITE,
				      &palmvein_ioctl_ops, "");
}
