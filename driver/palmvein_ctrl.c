// SPDX-License-Identifier: GPL-2.0-only
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - controls
 *
 * Exposure, gain and per-bank illumination map one to one onto control
 * requests; their ranges come from GET_INFO. Distance, LED temperature and
 * faults are read-only and volatile: each read asks the device. Interrupt
 * events about distance and faults reach subscribers as V4L2_EVENT_CTRL.
 */

#include <media/v4l2-event.h>

#include "palmvein.h"

/* V4L2_CID_EXPOSURE_ABSOLUTE counts 100 us steps; the device microseconds. */
#define PALMVEIN_EXPOSURE_UNIT_US	100

static const char * const palmvein_led_mode_menu[] = {
	[PALMVEIN_LED_OFF] = "Off",
	[PALMVEIN_LED_ON] = "On",
	[PALMVEIN_LED_STROBE] = "Strobe",
	[PALMVEIN_LED_ALTERNATE] = "Alternate",
	NULL
};

static struct palmvein_device *palmvein_ctrl_dev(struct v4l2_ctrl *ctrl)
{
	return container_of(ctrl->handler, struct palmvein_device,
			    ctrl_handler);
}

/* SET requests carry their value in wValue; probe checked that it fits. */
static int palmvein_set_exposure(struct palmvein_device *dev, s32 val)
{
	u16 us = clamp_t(u32, val * PALMVEIN_EXPOSURE_UNIT_US,
			 dev->exposure_min_us, dev->exposure_max_us);

	return palmvein_xfer(dev, PALMVEIN_REQ_SET_EXPOSURE, false, us, NULL,
			     0);
}

static int palmvein_set_led(struct palmvein_device *dev, unsigned int bank)
{
	u16 value = PALMVEIN_LED_VALUE(bank, dev->banks[bank].mode->val,
				       dev->banks[bank].intensity->val);

	return palmvein_xfer(dev, PALMVEIN_REQ_SET_LED, false, value, NULL,
			     0);
}

static int palmvein_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct palmvein_device *dev = palmvein_ctrl_dev(ctrl);
	unsigned int bank;
	int ret;

	mutex_lock(&dev->lock);
	switch (ctrl->id) {
	case V4L2_CID_EXPOSURE_ABSOLUTE:
		ret = palmvein_set_exposure(dev, ctrl->val);
		break;
	case V4L2_CID_GAIN:
		ret = palmvein_xfer(dev, PALMVEIN_REQ_SET_GAIN, false, ctrl->val,
				    NULL, 0);
		break;
	default:
		/* Intensity is the master of its bank's cluster. */
		bank = ctrl->id - V4L2_CID_PALMVEIN_LED_INTENSITY(0);
		if (bank < dev->num_banks)
			ret = palmvein_set_led(dev, bank);
		else
			ret = -EINVAL;
		break;
	}
	mutex_unlock(&dev->lock);
	return ret;
}

static int palmvein_g_volatile_ctrl(struct v4l2_ctrl *ctrl)
{
	struct palmvein_device *dev = palmvein_ctrl_dev(ctrl);
	struct palmvein_status status;
	u16 distance;
	int ret;

	mutex_lock(&dev->lock);
	ret = palmvein_xfer(dev, PALMVEIN_REQ_GET_STATUS, true, 0, &status,
			    sizeof(status));
	mutex_unlock(&dev->lock);
	if (ret)
		return ret;

	switch (ctrl->id) {
	case V4L2_CID_PALMVEIN_DISTANCE:
		distance = le16_to_cpu(status.distance_mm);
		ctrl->val = distance == PALMVEIN_DISTANCE_NONE ? 0 :
			    min(distance, dev->distance_max_mm);
		break;
	case V4L2_CID_PALMVEIN_LED_TEMP:
		ctrl->val = (s16)le16_to_cpu(status.led_temp_decic);
		break;
	case V4L2_CID_PALMVEIN_FAULTS:
		ctrl->val = le32_to_cpu(status.faults) & PALMVEIN_FAULT_ALL;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct v4l2_ctrl_ops palmvein_ctrl_ops = {
	.s_ctrl = palmvein_s_ctrl,
	.g_volatile_ctrl = palmvein_g_volatile_ctrl,
};

static const struct v4l2_ctrl_config palmvein_distance_ctrl = {
	.ops = &palmvein_ctrl_ops,
	.id = V4L2_CID_PALMVEIN_DISTANCE,
	.name = "Palm Distance (mm)",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.step = 1,
	.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE,
};

static const struct v4l2_ctrl_config palmvein_led_temp_ctrl = {
	.ops = &palmvein_ctrl_ops,
	.id = V4L2_CID_PALMVEIN_LED_TEMP,
	.name = "LED Temperature (0.1 C)",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.min = S16_MIN,
	.max = S16_MAX,
	.step = 1,
	.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE,
};

static const struct v4l2_ctrl_config palmvein_faults_ctrl = {
	.ops = &palmvein_ctrl_ops,
	.id = V4L2_CID_PALMVEIN_FAULTS,
	.name = "Faults",
	.type = V4L2_CTRL_TYPE_BITMASK,
	.max = PALMVEIN_FAULT_ALL,
	.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE,
};

/* Read the bank's state after reset: it becomes the controls' default. */
static int palmvein_bank_ctrls(struct palmvein_device *dev, unsigned int i)
{
	struct v4l2_ctrl_handler *hdl = &dev->ctrl_handler;
	struct palmvein_bank *bank = &dev->banks[i];
	const char *kind = bank->wavelength_nm >= 700 ? "NIR" : "LED";
	struct v4l2_ctrl_config cfg = { .ops = &palmvein_ctrl_ops };
	struct palmvein_led led;
	int ret;

	mutex_lock(&dev->lock);
	ret = palmvein_xfer(dev, PALMVEIN_REQ_GET_LED, true, i, &led,
			    sizeof(led));
	mutex_unlock(&dev->lock);
	if (ret)
		return ret;

	snprintf(bank->intensity_name, sizeof(bank->intensity_name),
		 "%s %unm Intensity", kind, bank->wavelength_nm);
	snprintf(bank->mode_name, sizeof(bank->mode_name), "%s %unm Mode",
		 kind, bank->wavelength_nm);

	cfg.id = V4L2_CID_PALMVEIN_LED_INTENSITY(i);
	cfg.name = bank->intensity_name;
	cfg.type = V4L2_CTRL_TYPE_INTEGER;
	cfg.max = bank->max_intensity;
	cfg.step = 1;
	cfg.def = min_t(u16, le16_to_cpu(led.intensity), bank->max_intensity);
	bank->intensity = v4l2_ctrl_new_custom(hdl, &cfg, NULL);

	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &palmvein_ctrl_ops;
	cfg.id = V4L2_CID_PALMVEIN_LED_MODE(i);
	cfg.name = bank->mode_name;
	cfg.type = V4L2_CTRL_TYPE_MENU;
	cfg.max = PALMVEIN_LED_MODE_COUNT - 1;
	cfg.def = led.mode < PALMVEIN_LED_MODE_COUNT ? led.mode :
		  PALMVEIN_LED_OFF;
	cfg.qmenu = palmvein_led_mode_menu;
	bank->mode = v4l2_ctrl_new_custom(hdl, &cfg, NULL);

	if (hdl->error)
		return hdl->error;
	/* SET_LED carries both values: set them as one cluster. */
	v4l2_ctrl_cluster(2, &bank->intensity);
	return 0;
}

/**
 * palmvein_ctrl_init() - create the controls of a sensor
 * @dev: the sensor, with its device information read
 *
 * Return: 0 or a negative errno.
 */
int palmvein_ctrl_init(struct palmvein_device *dev)
{
	struct v4l2_ctrl_handler *hdl = &dev->ctrl_handler;
	struct v4l2_ctrl_config cfg;
	unsigned int i;
	int ret;

	v4l2_ctrl_handler_init(hdl, 5 + 2 * PALMVEIN_MAX_BANKS);

	dev->exposure =
		v4l2_ctrl_new_std(hdl, &palmvein_ctrl_ops,
				  V4L2_CID_EXPOSURE_ABSOLUTE,
				  DIV_ROUND_UP(dev->exposure_min_us,
					       PALMVEIN_EXPOSURE_UNIT_US),
				  dev->exposure_max_us /
				  PALMVEIN_EXPOSURE_UNIT_US, 1,
				  clamp(DIV_ROUND_CLOSEST(dev->exposure_def_us,
							  PALMVEIN_EXPOSURE_UNIT_US),
					DIV_ROUND_UP(dev->exposure_min_us,
						     PALMVEIN_EXPOSURE_UNIT_US),
					dev->exposure_max_us /
					PALMVEIN_EXPOSURE_UNIT_US));
	dev->gain = v4l2_ctrl_new_std(hdl, &palmvein_ctrl_ops, V4L2_CID_GAIN,
				      dev->gain_min, dev->gain_max, 1,
				      dev->gain_def);

	for (i = 0; i < dev->num_banks; i++) {
		ret = palmvein_bank_ctrls(dev, i);
		if (ret)
			return ret;
	}

	cfg = palmvein_distance_ctrl;
	cfg.max = dev->distance_max_mm;
	dev->distance = v4l2_ctrl_new_custom(hdl, &cfg, NULL);
	dev->led_temp = v4l2_ctrl_new_custom(hdl, &palmvein_led_temp_ctrl,
					     NULL);
	dev->faults = v4l2_ctrl_new_custom(hdl, &palmvein_faults_ctrl, NULL);

	if (hdl->error)
		dev_err(&dev->intf->dev, "creating controls failed: %d\n",
			hdl->error);
	return hdl->error;
}

/**
 * palmvein_ctrl_notify() - a volatile control changed on the device
 * @ctrl: the control, whose handler lock the caller holds
 * @val: the new value
 *
 * The control framework sends no value events for volatile controls, so
 * queue V4L2_EVENT_CTRL to every subscriber here, as it would have done.
 * The cached value also makes V4L2_EVENT_SUB_FL_SEND_INITIAL report it.
 */
void palmvein_ctrl_notify(struct v4l2_ctrl *ctrl, s32 val)
{
	struct v4l2_subscribed_event *sev;
	struct v4l2_event ev = {
		.type = V4L2_EVENT_CTRL,
		.id = ctrl->id,
		.u.ctrl = {
			.changes = V4L2_EVENT_CTRL_CH_VALUE,
			.type = ctrl->type,
			.flags = ctrl->flags,
			.value = val,
			.minimum = ctrl->minimum,
			.maximum = ctrl->maximum,
			.step = ctrl->step,
			.default_value = ctrl->default_value,
		},
	};

	lockdep_assert_held(ctrl->handler->lock);

	if (ctrl->cur.val == val)
		return;
	ctrl->cur.val = val;
	list_for_each_entry(sev, &ctrl->ev_subs, node)
		v4l2_event_queue_fh(sev->fh, &ev);
}
