// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * FunctionFS descriptors. Built once in static storage: FunctionFS copies
 * them on write, and the layout is fixed by the protocol (docs/protocol.md).
 */
#include "descriptors.h"

#include <endian.h>
#include <linux/palmvein.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

/* These are constant expressions, unlike htole16() in glibc. */
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define LE16(x) (x)
#define LE32(x) (x)
#else
#define LE16(x) ((__u16)((((x) & 0xffu) << 8) | (((x) >> 8) & 0xffu)))
#define LE32(x) ((__u32)((LE16((x) & 0xffffu) << 16) | LE16((x) >> 16)))
#endif

#define EVENT_EP_INTERVAL_FS	1	/* frames: 1 ms */
#define EVENT_EP_INTERVAL_HS	4	/* 2^(4-1) microframes: 1 ms */

#define INTERFACE(ep_count) { \
	.bLength = USB_DT_INTERFACE_SIZE, \
	.bDescriptorType = USB_DT_INTERFACE, \
	.bInterfaceNumber = 0, \
	.bNumEndpoints = (ep_count), \
	.bInterfaceClass = PALMVEIN_USB_CLASS, \
	.bInterfaceSubClass = PALMVEIN_USB_SUBCLASS, \
	.bInterfaceProtocol = PALMVEIN_USB_PROTOCOL, \
	.iInterface = 1, \
}

#define ENDPOINT(addr, attr, mps, ival) { \
	.bLength = USB_DT_ENDPOINT_SIZE, \
	.bDescriptorType = USB_DT_ENDPOINT, \
	.bEndpointAddress = (addr), \
	.bmAttributes = (attr), \
	.wMaxPacketSize = LE16(mps), \
	.bInterval = (ival), \
}

#define FRAMES_EP_ADDR (1 | USB_DIR_IN)
#define EVENTS_EP_ADDR (2 | USB_DIR_IN)

struct speed_descs {
	struct usb_interface_descriptor intf;
	struct usb_endpoint_descriptor_no_audio frames;
	struct usb_endpoint_descriptor_no_audio events;
} __attribute__((packed));

struct ss_descs {
	struct usb_interface_descriptor intf;
	struct usb_endpoint_descriptor_no_audio frames;
	struct usb_ss_ep_comp_descriptor frames_comp;
	struct usb_endpoint_descriptor_no_audio events;
	struct usb_ss_ep_comp_descriptor events_comp;
} __attribute__((packed));

static const struct {
	struct usb_functionfs_descs_head_v2 header;
	__le32 fs_count;
	__le32 hs_count;
	__le32 ss_count;
	struct speed_descs fs;
	struct speed_descs hs;
	struct ss_descs ss;
} __attribute__((packed)) descriptors = {
	.header = {
		.magic = LE32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2),
		.flags = LE32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC |
			      FUNCTIONFS_HAS_SS_DESC),
		.length = LE32(sizeof(descriptors)),
	},
	.fs_count = LE32(3),
	.hs_count = LE32(3),
	.ss_count = LE32(5),
	.fs = {
		.intf = INTERFACE(2),
		.frames = ENDPOINT(FRAMES_EP_ADDR, USB_ENDPOINT_XFER_BULK, 64, 0),
		.events = ENDPOINT(EVENTS_EP_ADDR, USB_ENDPOINT_XFER_INT,
				   PALMVEIN_EVENT_SIZE, EVENT_EP_INTERVAL_FS),
	},
	.hs = {
		.intf = INTERFACE(2),
		.frames = ENDPOINT(FRAMES_EP_ADDR, USB_ENDPOINT_XFER_BULK, 512, 0),
		.events = ENDPOINT(EVENTS_EP_ADDR, USB_ENDPOINT_XFER_INT,
				   PALMVEIN_EVENT_SIZE, EVENT_EP_INTERVAL_HS),
	},
	.ss = {
		.intf = INTERFACE(2),
		.frames = ENDPOINT(FRAMES_EP_ADDR, USB_ENDPOINT_XFER_BULK, 1024, 0),
		.frames_comp = {
			.bLength = USB_DT_SS_EP_COMP_SIZE,
			.bDescriptorType = USB_DT_SS_ENDPOINT_COMP,
		},
		.events = ENDPOINT(EVENTS_EP_ADDR, USB_ENDPOINT_XFER_INT,
				   PALMVEIN_EVENT_SIZE, EVENT_EP_INTERVAL_HS),
		.events_comp = {
			.bLength = USB_DT_SS_EP_COMP_SIZE,
			.bDescriptorType = USB_DT_SS_ENDPOINT_COMP,
			.wBytesPerInterval = LE16(PALMVEIN_EVENT_SIZE),
		},
	},
};

#define INTERFACE_NAME "palmvein NIR palm-vein sensor"

static const struct {
	struct usb_functionfs_strings_head header;
	struct {
		__le16 code;
		const char name[sizeof(INTERFACE_NAME)];
	} __attribute__((packed)) lang0;
} __attribute__((packed)) strings = {
	.header = {
		.magic = LE32(FUNCTIONFS_STRINGS_MAGIC),
		.length = LE32(sizeof(strings)),
		.str_count = LE32(1),
		.lang_count = LE32(1),
	},
	.lang0 = { LE16(0x0409), INTERFACE_NAME },
};

const void *desc_functionfs_descriptors(size_t *len)
{
	*len = sizeof(descriptors);
	return &descriptors;
}

const void *desc_functionfs_strings(size_t *len)
{
	*len = sizeof(strings);
	return &strings;
}
