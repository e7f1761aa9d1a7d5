// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - interrupt endpoint
 *
 * The device reports palm proximity and fault changes on its interrupt IN
 * endpoint. The URB runs while a node is open; its completion records the
 * newest values and a work item, which may sleep on the control handler
 * lock, turns them into V4L2_EVENT_CTRL events.
 */

#include <linux/bitops.h>
#include <linux/slab.h>

#include "palmvein.h"

static void palmvein_event_work(struct work_struct *work)
{
	struct palmvein_device *dev =
		container_of(work, struct palmvein_device, event_work);
	unsigned long pending;
	u16 distance;
	u32 faults;

	spin_lock_irq(&dev->event_lock);
	pending = dev->event_pending;
	dev->event_pending = 0;
	distance = dev->event_distance;
	faults = dev->event_faults;
	spin_unlock_irq(&dev->event_lock);

	if (pending & BIT(PALMVEIN_EVENT_PROXIMITY)) {
		v4l2_ctrl_lock(dev->distance);
		palmvein_ctrl_notify(dev->distance,
				     distance == PALMVEIN_DISTANCE_NONE ? 0 :
				     min(distance, dev->distance_max_mm));
		v4l2_ctrl_unlock(dev->distance);
	}
	if (pending & (BIT(PALMVEIN_EVENT_FAULT) |
		       BIT(PALMVEIN_EVENT_PROXIMITY))) {
		v4l2_ctrl_lock(dev->faults);
		palmvein_ctrl_notify(dev->faults, faults & PALMVEIN_FAULT_ALL);
		v4l2_ctrl_unlock(dev->faults);
	}
}

static void palmvein_status_complete(struct urb *urb)
{
	struct palmvein_device *dev = urb->context;
	const struct palmvein_event *ev = urb->transfer_buffer;
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
		dev_dbg_ratelimited(&dev->intf->dev,
				    "interrupt URB error %d\n", urb->status);
		goto resubmit;
	}

	if (urb->actual_length < PALMVEIN_EVENT_SIZE ||
	    (ev->type != PALMVEIN_EVENT_PROXIMITY &&
	     ev->type != PALMVEIN_EVENT_FAULT)) {
		dev_dbg_ratelimited(&dev->intf->dev,
				    "ignoring malformed event (%u bytes)\n",
				    urb->actual_length);
		goto resubmit;
	}

	spin_lock_irqsave(&dev->event_lock, flags);
	dev->event_pending |= BIT(ev->type);
	dev->event_faults = le32_to_cpu(ev->faults);
	if (ev->type == PALMVEIN_EVENT_PROXIMITY)
		dev->event_distance = le16_to_cpu(ev->distance_mm);
	spin_unlock_irqrestore(&dev->event_lock, flags);
	schedule_work(&dev->event_work);

resubmit:
	ret = usb_submit_urb(urb, GFP_ATOMIC);
	/* -ENOENT: the endpoint was disabled by unplug or reset */
	if (ret && ret != -EPERM && ret != -ENOENT && ret != -ENODEV &&
	    ret != -ESHUTDOWN)
		dev_err_ratelimited(&dev->intf->dev,
				    "resubmitting interrupt URB failed: %d\n",
				    ret);
}

/**
 * palmvein_status_init() - allocate the interrupt URB
 * @dev: the sensor, with its endpoints found
 *
 * Return: 0 or a negative errno.
 */
int palmvein_status_init(struct palmvein_device *dev)
{
	unsigned int size = usb_endpoint_maxp(dev->int_ep);

	spin_lock_init(&dev->event_lock);
	INIT_WORK(&dev->event_work, palmvein_event_work);

	dev->int_buf = kzalloc(size, GFP_KERNEL);
	dev->int_urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!dev->int_buf || !dev->int_urb)
		return -ENOMEM;

	usb_fill_int_urb(dev->int_urb, dev->udev,
			 usb_rcvintpipe(dev->udev, dev->int_ep->bEndpointAddress),
			 dev->int_buf, size, palmvein_status_complete, dev,
			 dev->int_ep->bInterval);
	return 0;
}

/**
 * palmvein_status_cleanup() - free the interrupt URB
 * @dev: the sensor, its interrupt URB stopped
 */
void palmvein_status_cleanup(struct palmvein_device *dev)
{
	usb_free_urb(dev->int_urb);
	kfree(dev->int_buf);
}

/**
 * palmvein_status_start() - start listening for device events
 * @dev: the sensor; the caller holds &palmvein_device.open_lock
 *
 * Return: 0 or a negative errno.
 */
int palmvein_status_start(struct palmvein_device *dev)
{
	lockdep_assert_held(&dev->open_lock);
	return usb_submit_urb(dev->int_urb, GFP_KERNEL);
}

/**
 * palmvein_status_stop() - stop listening and finish pending events
 * @dev: the sensor; the caller holds &palmvein_device.open_lock
 */
void palmvein_status_stop(struct palmvein_device *dev)
{
	lockdep_assert_held(&dev->open_lock);
	usb_kill_urb(dev->int_urb);
	cancel_work_sync(&dev->event_work);
}
