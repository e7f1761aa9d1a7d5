// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - probe, disconnect, PM
 *
 * Lifetime: struct palmvein_device is owned by the reference count of its
 * v4l2_device. Probe holds one reference, every registered video node holds
 * one more until its last file handle is closed. Disconnect marks the device
 * gone, stops all URBs, unregisters the nodes and drops the probe reference;
 * palmvein_v4l2_release() frees everything once the last user is gone.
 */

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/usb.h>
#include <linux/workqueue.h>
#include <media/v4l2-event.h>
#include <media/v4l2-fh.h>

#include "palmvein.h"

#define PALMVEIN_CTRL_TIMEOUT_MS	1000

/*
 * Largest data stage of any control request. GET_INFO asks for exactly its
 * structure size since the device stalls any other wLength.
 */
#define PALMVEIN_XFER_SIZE	sizeof(struct palmvein_device_info)

int palmvein_xfer(struct palmvein_device *dev, u8 request, bool in,
		  u16 value, void *data, u16 size)
{
	u8 type = USB_TYPE_VENDOR | USB_RECIP_INTERFACE;
	u16 ifnum = dev->intf->cur_altsetting->desc.bInterfaceNumber;
	unsigned int pipe;
	int ret;

	lockdep_assert_held(&dev->lock);

	if (dev->disconnected)
		return -ENODEV;
	if (WARN_ON(size > PALMVEIN_XFER_SIZE))
		return -EINVAL;

	if (in) {
		type |= USB_DIR_IN;
		pipe = usb_rcvctrlpipe(dev->udev, 0);
	} else {
		pipe = usb_sndctrlpipe(dev->udev, 0);
		if (size)
			memcpy(dev->xfer_buf, data, size);
	}

	ret = usb_control_msg(dev->udev, pipe, request, type, value, ifnum,
			      size ? dev->xfer_buf : NULL, size,
			      PALMVEIN_CTRL_TIMEOUT_MS);
	if (ret >= 0 && ret != size)
		ret = -EPROTO;
	if (ret < 0) {
		if (ret != -ENODEV && ret != -ESHUTDOWN)
			dev_err_ratelimited(&dev->intf->dev,
					    "request 0x%02x failed: %d\n",
					    request, ret);
		return ret;
	}

	if (in)
		memcpy(data, dev->xfer_buf, size);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* File handles: shared by the video and the metadata node                  */
/* ------------------------------------------------------------------------ */

int palmvein_open(struct file *file)
{
	struct palmvein_device *dev = video_drvdata(file);
	int ret;

	ret = usb_autopm_get_interface(dev->intf);
	if (ret)
		return ret;

	mutex_lock(&dev->open_lock);
	if (READ_ONCE(dev->disconnected)) {
		ret = -ENODEV;
		goto err_unlock;
	}
	if (!dev->users) {
		ret = palmvein_status_start(dev);
		if (ret)
			goto err_unlock;
	}
	ret = v4l2_fh_open(file);
	if (ret) {
		if (!dev->users)
			palmvein_status_stop(dev);
		goto err_unlock;
	}
	dev->users++;
	mutex_unlock(&dev->open_lock);
	return 0;

err_unlock:
	mutex_unlock(&dev->open_lock);
	usb_autopm_put_interface(dev->intf);
	return ret;
}

int palmvein_release(struct file *file)
{
	struct palmvein_device *dev = video_drvdata(file);
	int ret;

	/* Stops streaming and frees the buffers if this handle owned them. */
	ret = vb2_fop_release(file);

	mutex_lock(&dev->open_lock);
	if (!--dev->users)
		palmvein_status_stop(dev);
	mutex_unlock(&dev->open_lock);

	usb_autopm_put_interface(dev->intf);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Device information                                                       */
/* ------------------------------------------------------------------------ */

static int palmvein_parse_modes(struct palmvein_device *dev,
				const struct palmvein_device_info *info)
{
	struct device *d = &dev->intf->dev;
	unsigned int i;

	if (!info->num_modes || info->num_modes > PALMVEIN_MAX_MODES) {
		dev_err(d, "invalid mode count %u\n", info->num_modes);
		return -EPROTO;
	}

	for (i = 0; i < info->num_modes; i++) {
		const struct palmvein_mode *m = &info->modes[i];
		struct palmvein_format_mode *mode = &dev->modes[i];
		unsigned int bpp = palmvein_bytes_per_pixel(m->pixfmt);

		mode->width = le16_to_cpu(m->width);
		mode->height = le16_to_cpu(m->height);
		mode->pixfmt = m->pixfmt;
		mode->interval = le32_to_cpu(m->interval);

		if (!bpp || !mode->width || !mode->height || !mode->interval ||
		    mode->width > dev->sensor_width ||
		    mode->height > dev->sensor_height ||
		    (u64)mode->width * mode->height * bpp >
		    PALMVEIN_MAX_PAYLOAD) {
			dev_err(d, "invalid mode %u: %ux%u format %u interval %u\n",
				i, mode->width, mode->height, mode->pixfmt,
				mode->interval);
			return -EPROTO;
		}
		mode->fourcc = mode->pixfmt == PALMVEIN_PIXFMT_GREY8 ?
			       V4L2_PIX_FMT_GREY : V4L2_PIX_FMT_Y10;
	}
	dev->num_modes = info->num_modes;
	return 0;
}

static int palmvein_parse_banks(struct palmvein_device *dev,
				const struct palmvein_device_info *info)
{
	unsigned int i;

	if (info->num_banks > PALMVEIN_MAX_BANKS) {
		dev_err(&dev->intf->dev, "invalid bank count %u\n",
			info->num_banks);
		return -EPROTO;
	}

	for (i = 0; i < info->num_banks; i++) {
		struct palmvein_bank *bank = &dev->banks[i];

		bank->wavelength_nm = le16_to_cpu(info->banks[i].wavelength_nm);
		bank->max_intensity = le16_to_cpu(info->banks[i].max_intensity);
		/* SET_LED carries the intensity in 12 bits of wValue. */
		if (!bank->wavelength_nm || !bank->max_intensity ||
		    bank->max_intensity > PALMVEIN_LED_INTENSITY_WIRE_MAX) {
			dev_err(&dev->intf->dev, "invalid bank %u\n", i);
			return -EPROTO;
		}
	}
	dev->num_banks = info->num_banks;
	return 0;
}

/* Device strings name the V4L2 nodes: keep them printable ASCII. */
static void palmvein_copy_string(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && src[i]; i++)
		dst[i] = isascii(src[i]) && isprint(src[i]) ? src[i] : '_';
	dst[i] = '\0';
}

static int palmvein_read_info(struct palmvein_device *dev)
{
	struct device *d = &dev->intf->dev;
	struct palmvein_device_info *info;
	u16 version;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;

	mutex_lock(&dev->lock);
	ret = palmvein_xfer(dev, PALMVEIN_REQ_GET_INFO, true, 0, info,
			    sizeof(*info));
	mutex_unlock(&dev->lock);
	if (ret)
		goto out;

	ret = -EPROTO;
	version = le16_to_cpu(info->proto_version);
	if (version >> 8 != PALMVEIN_PROTO_MAJOR) {
		dev_err(d, "unsupported protocol version %u.%u\n",
			version >> 8, version & 0xff);
		goto out;
	}
	if (le16_to_cpu(info->info_size) < sizeof(*info)) {
		dev_err(d, "device info too short: %u bytes\n",
			le16_to_cpu(info->info_size));
		goto out;
	}

	palmvein_copy_string(dev->serial, info->serial, sizeof(info->serial));
	palmvein_copy_string(dev->fw_version, info->fw_version,
			     sizeof(info->fw_version));
	dev->sensor_width = le16_to_cpu(info->sensor_width);
	dev->sensor_height = le16_to_cpu(info->sensor_height);
	dev->exposure_min_us = le32_to_cpu(info->exposure_min_us);
	dev->exposure_max_us = le32_to_cpu(info->exposure_max_us);
	dev->exposure_def_us = le32_to_cpu(info->exposure_default_us);
	dev->gain_min = le16_to_cpu(info->gain_min);
	dev->gain_max = le16_to_cpu(info->gain_max);
	dev->gain_def = le16_to_cpu(info->gain_default);
	dev->distance_max_mm = le16_to_cpu(info->distance_max_mm);

	/*
	 * V4L2 expresses exposure in 100 us steps: keep at least one.
	 * SET_EXPOSURE carries microseconds in the 16 bits of wValue.
	 */
	if (DIV_ROUND_UP(dev->exposure_min_us, 100) >
	    dev->exposure_max_us / 100 || dev->exposure_max_us > U16_MAX ||
	    dev->exposure_def_us < dev->exposure_min_us ||
	    dev->exposure_def_us > dev->exposure_max_us) {
		dev_err(d, "invalid exposure range %u..%u us, default %u\n",
			dev->exposure_min_us, dev->exposure_max_us,
			dev->exposure_def_us);
		goto out;
	}
	if (dev->gain_min > dev->gain_max || dev->gain_def < dev->gain_min ||
	    dev->gain_def > dev->gain_max) {
		dev_err(d, "invalid gain range %u..%u, default %u\n",
			dev->gain_min, dev->gain_max, dev->gain_def);
		goto out;
	}
	if (!dev->distance_max_mm ||
	    dev->distance_max_mm == PALMVEIN_DISTANCE_NONE ||
	    le16_to_cpu(info->distance_min_mm) > dev->distance_max_mm) {
		dev_err(d, "invalid distance range\n");
		goto out;
	}

	ret = palmvein_parse_modes(dev, info);
	if (!ret)
		ret = palmvein_parse_banks(dev, info);
out:
	kfree(info);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* sysfs: frame counters on the USB interface                               */
/* ------------------------------------------------------------------------ */

static ssize_t palmvein_stat_show(struct device *d, char *buf, size_t offset)
{
	struct palmvein_device *dev = usb_get_intfdata(to_usb_interface(d));
	unsigned long flags;
	u64 val;

	spin_lock_irqsave(&dev->frame_lock, flags);
	val = *(u64 *)((u8 *)&dev->stats + offset);
	spin_unlock_irqrestore(&dev->frame_lock, flags);
	return sysfs_emit(buf, "%llu\n", val);
}

#define PALMVEIN_STAT_ATTR(field)					\
static ssize_t field##_show(struct device *d,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return palmvein_stat_show(d, buf,				\
				  offsetof(struct palmvein_stats, field)); \
}									\
static struct device_attribute dev_attr_##field = {			\
	.attr = { .name = #field, .mode = 0444 },			\
	.show = field##_show,						\
}

PALMVEIN_STAT_ATTR(frames_good);
PALMVEIN_STAT_ATTR(frames_bad);
PALMVEIN_STAT_ATTR(frames_dropped);
PALMVEIN_STAT_ATTR(frames_lost);
PALMVEIN_STAT_ATTR(header_errors);
PALMVEIN_STAT_ATTR(payload_crc_errors);
PALMVEIN_STAT_ATTR(length_errors);
PALMVEIN_STAT_ATTR(usb_errors);
PALMVEIN_STAT_ATTR(busy_ns);

static struct attribute *palmvein_stats_attrs[] = {
	&dev_attr_frames_good.attr,
	&dev_attr_frames_bad.attr,
	&dev_attr_frames_dropped.attr,
	&dev_attr_frames_lost.attr,
	&dev_attr_header_errors.attr,
	&dev_attr_payload_crc_errors.attr,
	&dev_attr_length_errors.attr,
	&dev_attr_usb_errors.attr,
	&dev_attr_busy_ns.attr,
	NULL
};

static const struct attribute_group palmvein_stats_group = {
	.name = "palmvein",
	.attrs = palmvein_stats_attrs,
};

static const struct attribute_group *palmvein_groups[] = {
	&palmvein_stats_group,
	NULL
};

/* ------------------------------------------------------------------------ */
/* Power management                                                         */
/* ------------------------------------------------------------------------ */

static int palmvein_suspend(struct usb_interface *intf, pm_message_t message)
{
	struct palmvein_device *dev = usb_get_intfdata(intf);

	cancel_work_sync(&dev->resume_work);

	mutex_lock(&dev->open_lock);
	palmvein_status_stop(dev);
	mutex_unlock(&dev->open_lock);

	palmvein_stream_suspend(dev);
	return 0;
}

/*
 * Control requests after a resume run from a freezable work item, not from
 * the resume callback: a device whose firmware is a frozen process (a
 * FunctionFS gadget in the same machine) answers only once tasks thaw, and
 * the resume of the rest of the system need not wait for the sensor.
 */
static void palmvein_resume_work(struct work_struct *work)
{
	struct palmvein_device *dev =
		container_of(work, struct palmvein_device, resume_work);
	int ret;

	/* The device may have lost its settings: send every control again. */
	ret = v4l2_ctrl_handler_setup(&dev->ctrl_handler);
	if (ret)
		dev_err(&dev->intf->dev, "restoring controls failed: %d\n", ret);

	ret = palmvein_stream_resume(dev);
	if (ret) {
		dev_err(&dev->intf->dev, "restarting the stream failed: %d\n",
			ret);
		/* Tell streaming clients (EIO, POLLERR) rather than stall them. */
		if (vb2_is_streaming(&dev->queue.vb2))
			vb2_queue_error(&dev->queue.vb2);
		if (vb2_is_streaming(&dev->meta_queue.vb2))
			vb2_queue_error(&dev->meta_queue.vb2);
	}
}

static int palmvein_resume(struct usb_interface *intf)
{
	struct palmvein_device *dev = usb_get_intfdata(intf);
	int ret = 0;

	mutex_lock(&dev->open_lock);
	if (dev->users)
		ret = palmvein_status_start(dev);
	mutex_unlock(&dev->open_lock);

	queue_work(system_freezable_wq, &dev->resume_work);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Probe and disconnect                                                     */
/* ------------------------------------------------------------------------ */

static void palmvein_v4l2_release(struct v4l2_device *v4l2_dev)
{
	struct palmvein_device *dev =
		container_of(v4l2_dev, struct palmvein_device, v4l2_dev);

	palmvein_status_cleanup(dev);
	palmvein_video_cleanup(dev);
	v4l2_ctrl_handler_free(&dev->ctrl_handler);
	v4l2_device_unregister(&dev->v4l2_dev);
	usb_put_intf(dev->intf);
	usb_put_dev(dev->udev);
	mutex_destroy(&dev->queue.lock);
	mutex_destroy(&dev->meta_queue.lock);
	mutex_destroy(&dev->open_lock);
	mutex_destroy(&dev->lock);
	kfree(dev->xfer_buf);
	kfree(dev);
}

/* Tear down the V4L2 side; safe on partially registered devices. */
static void palmvein_unregister(struct palmvein_device *dev)
{
	mutex_lock(&dev->lock);
	dev->disconnected = true;
	mutex_unlock(&dev->lock);

	mutex_lock(&dev->open_lock);
	palmvein_status_stop(dev);
	mutex_unlock(&dev->open_lock);
	cancel_work_sync(&dev->resume_work);

	/* Stops streaming (and the URBs) on behalf of any owner. */
	vb2_video_unregister_device(&dev->meta_vdev);
	vb2_video_unregister_device(&dev->vdev);
	usb_kill_anchored_urbs(&dev->anchor);
	v4l2_device_disconnect(&dev->v4l2_dev);
}

static int palmvein_find_endpoints(struct palmvein_device *dev)
{
	struct usb_endpoint_descriptor *bulk_in, *int_in;
	int ret;

	ret = usb_find_common_endpoints(dev->intf->cur_altsetting, &bulk_in,
					NULL, &int_in, NULL);
	if (ret) {
		dev_err(&dev->intf->dev, "missing bulk or interrupt IN endpoint\n");
		return ret;
	}
	if (usb_endpoint_maxp(int_in) < PALMVEIN_EVENT_SIZE) {
		dev_err(&dev->intf->dev, "interrupt endpoint too small\n");
		return -EINVAL;
	}
	dev->bulk_ep = bulk_in->bEndpointAddress;
	dev->bulk_maxp = usb_endpoint_maxp(bulk_in);
	dev->int_ep = int_in;
	if (!dev->bulk_maxp) {
		dev_err(&dev->intf->dev, "bulk endpoint has no packet size\n");
		return -EINVAL;
	}
	return 0;
}

static int palmvein_probe(struct usb_interface *intf,
			  const struct usb_device_id *id)
{
	struct palmvein_device *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;

	dev->udev = usb_get_dev(interface_to_usbdev(intf));
	dev->intf = usb_get_intf(intf);
	mutex_init(&dev->lock);
	mutex_init(&dev->open_lock);
	mutex_init(&dev->queue.lock);
	mutex_init(&dev->meta_queue.lock);
	spin_lock_init(&dev->frame_lock);
	init_usb_anchor(&dev->anchor);
	INIT_WORK(&dev->resume_work, palmvein_resume_work);

	dev->xfer_buf = kmalloc(PALMVEIN_XFER_SIZE, GFP_KERNEL);
	if (!dev->xfer_buf) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = palmvein_find_endpoints(dev);
	if (!ret)
		ret = palmvein_read_info(dev);
	if (ret)
		goto err_free;

	dev->v4l2_dev.release = palmvein_v4l2_release;
	ret = v4l2_device_register(&intf->dev, &dev->v4l2_dev);
	if (ret)
		goto err_free;
	/* From here on, palmvein_v4l2_release() frees everything. */

	ret = palmvein_ctrl_init(dev);
	if (ret)
		goto err_put;
	ret = palmvein_video_init(dev);
	if (ret)
		goto err_put;
	ret = palmvein_status_init(dev);
	if (ret)
		goto err_put;

	/* Bring the device to the state the controls show. */
	ret = v4l2_ctrl_handler_setup(&dev->ctrl_handler);
	if (ret)
		goto err_put;

	usb_set_intfdata(intf, dev);

	ret = palmvein_v4l2_register(dev);
	if (ret)
		goto err_unregister;
	ret = palmvein_meta_register(dev);
	if (ret)
		goto err_unregister;

	dev_info(&intf->dev,
		 "palm-vein sensor %s, firmware %s, %ux%u, %u modes, %u banks: %s and %s\n",
		 dev->serial, dev->fw_version, dev->sensor_width,
		 dev->sensor_height, dev->num_modes, dev->num_banks,
		 video_device_node_name(&dev->vdev),
		 video_device_node_name(&dev->meta_vdev));
	return 0;

err_unregister:
	palmvein_unregister(dev);
	usb_set_intfdata(intf, NULL);
err_put:
	v4l2_device_put(&dev->v4l2_dev);
	return ret;

err_free:
	kfree(dev->xfer_buf);
	usb_put_intf(dev->intf);
	usb_put_dev(dev->udev);
	kfree(dev);
	return ret;
}

static void palmvein_disconnect(struct usb_interface *intf)
{
	struct palmvein_device *dev = usb_get_intfdata(intf);

	palmvein_unregister(dev);
	usb_set_intfdata(intf, NULL);
	v4l2_device_put(&dev->v4l2_dev);
}

static const struct usb_device_id palmvein_ids[] = {
	{ USB_DEVICE_AND_INTERFACE_INFO(PALMVEIN_USB_VID, PALMVEIN_USB_PID,
					PALMVEIN_USB_CLASS,
					PALMVEIN_USB_SUBCLASS,
					PALMVEIN_USB_PROTOCOL) },
	{ }
};
MODULE_DEVICE_TABLE(usb, palmvein_ids);

static struct usb_driver palmvein_driver = {
	.name = PALMVEIN_DRIVER_NAME,
	.probe = palmvein_probe,
	.disconnect = palmvein_disconnect,
	.suspend = palmvein_suspend,
	.resume = palmvein_resume,
	.reset_resume = palmvein_resume,
	.id_table = palmvein_ids,
	.dev_groups = palmvein_groups,
	.supports_autosuspend = 1,
};
module_usb_driver(palmvein_driver);

MODULE_AUTHOR("The palmvein developers");
MODULE_DESCRIPTION("V4L2 driver for USB NIR palm-vein sensors");
MODULE_LICENSE("GPL");
