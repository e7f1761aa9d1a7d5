/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * palmvein: V4L2 driver for USB NIR palm-vein sensors - shared definitions
 */
#ifndef _PALMVEIN_H
#define _PALMVEIN_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/usb.h>
#include <linux/workqueue.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>
#include <media/videobuf2-v4l2.h>
#include <linux/palmvein.h>

#define PALMVEIN_DRIVER_NAME	"palmvein"

/* URBs in flight on the bulk IN endpoint (module parameter bounds) */
#define PALMVEIN_MAX_URBS	32

/**
 * struct palmvein_format_mode - a device streaming mode in host byte order
 * @width: pixels per line
 * @height: lines per frame
 * @pixfmt: enum palmvein_pixfmt
 * @fourcc: matching V4L2 pixel format
 * @interval: frame interval in 100 ns units
 */
struct palmvein_format_mode {
	u16 width;
	u16 height;
	u8 pixfmt;
	u32 fourcc;
	u32 interval;
};

/**
 * struct palmvein_bank - an illumination bank with its V4L2 controls
 * @wavelength_nm: peak wavelength
 * @max_intensity: highest intensity step
 * @intensity: intensity control
 * @mode: illumination mode menu control
 * @intensity_name: name of @intensity, e.g. "NIR 850nm Intensity"
 * @mode_name: name of @mode, e.g. "NIR 850nm Mode"
 */
struct palmvein_bank {
	u16 wavelength_nm;
	u16 max_intensity;
	struct v4l2_ctrl *intensity;
	struct v4l2_ctrl *mode;
	char intensity_name[32];
	char mode_name[32];
};

/**
 * struct palmvein_buffer - a vb2 buffer on the driver's queue
 * @vb: the vb2 buffer, first so that vb2 can allocate us
 * @list: entry in &palmvein_queue.pending
 */
struct palmvein_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
};

/**
 * struct palmvein_queue - a vb2 queue and the buffers it gave the driver
 * @vb2: the videobuf2 queue
 * @lock: serializes the queue's ioctls (also &video_device.lock)
 * @irqlock: protects @pending against the URB completion handler
 * @pending: buffers queued by userspace and not yet being filled
 */
struct palmvein_queue {
	struct vb2_queue vb2;
	struct mutex lock;	/* the queue's ioctls */
	spinlock_t irqlock;	/* @pending */
	struct list_head pending;
};

/**
 * struct palmvein_stats - frame counters, for sysfs and LOG_STATUS
 * @frames_good: frames delivered intact to every streaming queue
 * @frames_bad: frames returned with V4L2_BUF_FLAG_ERROR
 * @frames_dropped: intact frames that found a streaming queue without a
 *	free buffer
 * @frames_lost: frames the device skipped (gaps in its sequence)
 * @header_errors: frames whose header was malformed or failed its CRC
 * @payload_crc_errors: frames whose payload failed its CRC
 * @length_errors: truncated, overlong or wrong-mode frames
 * @usb_errors: URBs that completed with a transfer error
 * @busy_ns: CPU time spent in the bulk URB completion handler
 */
struct palmvein_stats {
	u64 frames_good;
	u64 frames_bad;
	u64 frames_dropped;
	u64 frames_lost;
	u64 header_errors;
	u64 payload_crc_errors;
	u64 length_errors;
	u64 usb_errors;
	u64 busy_ns;
};

/**
 * struct palmvein_frame - the frame being assembled from bulk URBs
 * @hdr: the header bytes received so far
 * @info: @hdr decoded, valid once @hdr_ok
 * @received: bytes of this frame received so far, header included
 * @crc: running CRC-32 state of the payload (inverted, as crc32_le keeps it)
 * @timestamp_ns: CLOCK_MONOTONIC time of the frame's first bytes
 * @buf: video buffer being filled, or NULL
 * @meta: metadata buffer to fill, or NULL
 * @hdr_ok: header complete, valid and matching the current mode
 * @bad: the frame is known to be corrupt
 * @resync: the stream (re)started: bytes before the first valid header are
 *	left over from an earlier stream and are skipped silently
 */
struct palmvein_frame {
	u8 hdr[PALMVEIN_FRAME_HDR_SIZE];
	struct palmvein_frame_info info;
	u32 received;
	u32 crc;
	u64 timestamp_ns;
	struct palmvein_buffer *buf;
	struct palmvein_buffer *meta;
	bool hdr_ok;
	bool bad;
	bool resync;
};

/**
 * struct palmvein_device - one sensor: a USB interface and its V4L2 nodes
 * @udev: the USB device (referenced)
 * @intf: the bound interface (referenced)
 * @v4l2_dev: V4L2 device; its refcount owns this structure
 * @lock: serializes control requests and the streaming state below
 * @disconnected: the interface is gone; no more USB I/O
 * @open_lock: serializes @users and the interrupt URB
 * @users: open file handles on either node
 * @usb_streaming: START_STREAM sent and bulk URBs submitted
 * @video_streaming: the video queue is streaming
 * @meta_streaming: the metadata queue is streaming
 * @restart_stream: the stream was running at suspend; resume restarts it
 * @resume_work: restores controls and the stream after a resume
 * @xfer_buf: DMA-safe buffer for control transfers, guarded by @lock
 * @serial: serial number, NUL-terminated
 * @fw_version: firmware version, NUL-terminated
 * @sensor_width: active pixel columns
 * @sensor_height: active pixel rows
 * @exposure_min_us: shortest exposure
 * @exposure_max_us: longest exposure
 * @exposure_def_us: default exposure
 * @gain_min: lowest gain
 * @gain_max: highest gain
 * @gain_def: default gain
 * @distance_max_mm: farthest measurable distance
 * @modes: streaming modes, index = device mode number
 * @num_modes: valid entries in @modes
 * @banks: illumination banks
 * @num_banks: valid entries in @banks
 * @cur_mode: index of the selected mode
 * @ctrl_handler: V4L2 controls of the video node
 * @exposure: exposure control
 * @gain: gain control
 * @distance: palm distance control
 * @led_temp: LED temperature control
 * @faults: fault bitmask control
 * @vdev: video capture node
 * @queue: video buffer queue
 * @meta_vdev: metadata capture node
 * @meta_queue: metadata buffer queue
 * @bulk_ep: bulk IN endpoint address
 * @bulk_maxp: wMaxPacketSize of the bulk IN endpoint
 * @anchor: bulk URBs in flight
 * @nr_urbs: allocated entries in @urbs
 * @urb_size: transfer size of each bulk URB
 * @urbs: bulk IN URBs
 * @frame_lock: serializes URB completions over @frame and @stats
 * @frame: frame under assembly
 * @sequence: V4L2 sequence number of the last frame
 * @have_sequence: @sequence is valid
 * @dev_sequence: device sequence number of the last frame with a good header
 * @dev_sequence_v4l2: V4L2 sequence number given to that frame
 * @have_dev_sequence: @dev_sequence and @dev_sequence_v4l2 are valid
 * @unknown_frames: frames with a bad header since that frame
 * @stats: frame counters
 * @int_ep: interrupt IN endpoint descriptor
 * @int_urb: interrupt IN URB
 * @int_buf: DMA-safe buffer of @int_urb
 * @event_lock: protects @event_distance, @event_faults and @event_pending
 * @event_distance: palm distance of the last proximity event
 * @event_faults: fault bits of the last event
 * @event_pending: PALMVEIN_EVENT_* bits not yet handled by @event_work
 * @event_work: forwards interrupt events as V4L2 control events
 */
struct palmvein_device {
	struct usb_device *udev;
	struct usb_interface *intf;
	struct v4l2_device v4l2_dev;
	struct mutex lock;	/* control requests, streaming state */
	bool disconnected;
	struct mutex open_lock;	/* @users, interrupt URB */
	unsigned int users;
	bool usb_streaming;
	bool video_streaming;
	bool meta_streaming;
	bool restart_stream;
	struct work_struct resume_work;
	void *xfer_buf;

	char serial[17];
	char fw_version[17];
	u16 sensor_width;
	u16 sensor_height;
	u32 exposure_min_us;
	u32 exposure_max_us;
	u32 exposure_def_us;
	u16 gain_min;
	u16 gain_max;
	u16 gain_def;
	u16 distance_max_mm;
	struct palmvein_format_mode modes[PALMVEIN_MAX_MODES];
	unsigned int num_modes;
	struct palmvein_bank banks[PALMVEIN_MAX_BANKS];
	unsigned int num_banks;
	unsigned int cur_mode;

	struct v4l2_ctrl_handler ctrl_handler;
	struct v4l2_ctrl *exposure;
	struct v4l2_ctrl *gain;
	struct v4l2_ctrl *distance;
	struct v4l2_ctrl *led_temp;
	struct v4l2_ctrl *faults;

	struct video_device vdev;
	struct palmvein_queue queue;
	struct video_device meta_vdev;
	struct palmvein_queue meta_queue;

	u8 bulk_ep;
	u16 bulk_maxp;
	struct usb_anchor anchor;
	unsigned int nr_urbs;
	unsigned int urb_size;
	struct urb *urbs[PALMVEIN_MAX_URBS];
	spinlock_t frame_lock;	/* @frame, @stats, sequence numbers */
	struct palmvein_frame frame;
	u32 sequence;
	bool have_sequence;
	u32 dev_sequence;
	u32 dev_sequence_v4l2;
	bool have_dev_sequence;
	u32 unknown_frames;
	struct palmvein_stats stats;

	struct usb_endpoint_descriptor *int_ep;
	struct urb *int_urb;
	void *int_buf;
	spinlock_t event_lock;	/* the three event fields below */
	u16 event_distance;
	u32 event_faults;
	unsigned long event_pending;
	struct work_struct event_work;
};

/* palmvein_usb.c */
int palmvein_xfer(struct palmvein_device *dev, u8 request, bool in,
		  u16 value, void *data, u16 size);
int palmvein_open(struct file *file);
int palmvein_release(struct file *file);

/* palmvein_video.c */
int palmvein_video_init(struct palmvein_device *dev);
void palmvein_video_cleanup(struct palmvein_device *dev);
int palmvein_stream_get(struct palmvein_device *dev, bool video);
void palmvein_stream_put(struct palmvein_device *dev, bool video);
void palmvein_stream_suspend(struct palmvein_device *dev);
int palmvein_stream_resume(struct palmvein_device *dev);
u32 palmvein_mode_sizeimage(const struct palmvein_format_mode *mode);

/* palmvein_queue.c */
int palmvein_queue_init(struct palmvein_device *dev, struct palmvein_queue *q,
			enum v4l2_buf_type type);
struct palmvein_buffer *palmvein_queue_next(struct palmvein_queue *q);
void palmvein_queue_return_all(struct palmvein_queue *q,
			       enum vb2_buffer_state state);

/* palmvein_v4l2.c */
int palmvein_register_node(struct palmvein_device *dev,
			   struct video_device *vdev, struct palmvein_queue *q,
			   enum v4l2_buf_type type, u32 caps,
			   const struct v4l2_ioctl_ops *ioctl_ops,
			   const char *suffix);
int palmvein_v4l2_register(struct palmvein_device *dev);
int palmvein_querycap(struct file *file, void *fh,
		      struct v4l2_capability *cap);
int palmvein_enum_input(struct file *file, void *fh,
			struct v4l2_input *input);
int palmvein_g_input(struct file *file, void *fh, unsigned int *input);
int palmvein_s_input(struct file *file, void *fh, unsigned int input);

/* palmvein_meta.c */
int palmvein_meta_register(struct palmvein_device *dev);

/* palmvein_ctrl.c */
int palmvein_ctrl_init(struct palmvein_device *dev);
void palmvein_ctrl_notify(struct v4l2_ctrl *ctrl, s32 val);

/* palmvein_status.c */
int palmvein_status_init(struct palmvein_device *dev);
void palmvein_status_cleanup(struct palmvein_device *dev);
int palmvein_status_start(struct palmvein_device *dev);
void palmvein_status_stop(struct palmvein_device *dev);

#endif /* _PALMVEIN_H */
