// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * FunctionFS blobs: the header's length and per-speed counts agree with the
 * descriptors that follow, and each speed has the protocol's interface and
 * endpoints (bulk IN, interrupt IN) with the right packet sizes.
 */
#include <check.h>
#include <endian.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>
#include <linux/palmvein.h>

#include "check_run.h"
#include "../../emulator/descriptors.h"

/* Walks @count descriptors from @p; checks them; returns bytes consumed. */
static size_t check_speed(const uint8_t *p, size_t avail, uint32_t count,
			  uint16_t bulk_mps, bool super)
{
	size_t pos = 0;
	uint32_t i;
	unsigned int endpoints = 0;

	for (i = 0; i < count; i++) {
		ck_assert_uint_ge(avail - pos, 2);
		ck_assert_uint_ge(p[pos], 2);
		ck_assert_uint_le(p[pos], avail - pos);
		switch (p[pos + 1]) {
		case USB_DT_INTERFACE: {
			const struct usb_interface_descriptor *intf =
				(const void *)(p + pos);

			ck_assert_uint_eq(intf->bNumEndpoints, 2);
			ck_assert_uint_eq(intf->bInterfaceClass,
					  PALMVEIN_USB_CLASS);
			ck_assert_uint_eq(intf->bInterfaceSubClass,
					  PALMVEIN_USB_SUBCLASS);
			ck_assert_uint_eq(intf->bInterfaceProtocol,
					  PALMVEIN_USB_PROTOCOL);
			break;
		}
		case USB_DT_ENDPOINT: {
			struct usb_endpoint_descriptor_no_audio ep;

			memcpy(&ep, p + pos, sizeof(ep));
			ck_assert(ep.bEndpointAddress & USB_DIR_IN);
			if (endpoints == 0) {
				ck_assert_uint_eq(ep.bmAttributes,
						  USB_ENDPOINT_XFER_BULK);
				ck_assert_uint_eq(le16toh(ep.wMaxPacketSize),
						  bulk_mps);
			} else {
				ck_assert_uint_eq(ep.bmAttributes,
						  USB_ENDPOINT_XFER_INT);
				ck_assert_uint_eq(le16toh(ep.wMaxPacketSize),
						  PALMVEIN_EVENT_SIZE);
				ck_assert_uint_gt(ep.bInterval, 0);
			}
			endpoints++;
			break;
		}
		case USB_DT_SS_ENDPOINT_COMP:
			ck_assert(super);
			break;
		default:
			ck_abort_msg("unexpected descriptor type %u", p[pos + 1]);
		}
		pos += p[pos];
	}
	ck_assert_uint_eq(endpoints, 2);
	return pos;
}

START_TEST(test_descriptor_blob)
{
	size_t len, pos;
	const uint8_t *blob = desc_functionfs_descriptors(&len);
	struct usb_functionfs_descs_head_v2 head;
	uint32_t counts[3];

	memcpy(&head, blob, sizeof(head));
	ck_assert_uint_eq(le32toh(head.magic), FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	ck_assert_uint_eq(le32toh(head.length), len);
	ck_assert_uint_eq(le32toh(head.flags), FUNCTIONFS_HAS_FS_DESC |
			  FUNCTIONFS_HAS_HS_DESC | FUNCTIONFS_HAS_SS_DESC);
	memcpy(counts, blob + sizeof(head), sizeof(counts));
	pos = sizeof(head) + sizeof(counts);
	pos += check_speed(blob + pos, len - pos, le32toh(counts[0]), 64, false);
	pos += check_speed(blob + pos, len - pos, le32toh(counts[1]), 512, false);
	pos += check_speed(blob + pos, len - pos, le32toh(counts[2]), 1024, true);
	ck_assert_uint_eq(pos, len);
}
END_TEST

START_TEST(test_strings_blob)
{
	size_t len;
	const uint8_t *blob = desc_functionfs_strings(&len);
	struct usb_functionfs_strings_head head;
	const char *name;

	memcpy(&head, blob, sizeof(head));
	ck_assert_uint_eq(le32toh(head.magic), FUNCTIONFS_STRINGS_MAGIC);
	ck_assert_uint_eq(le32toh(head.length), len);
	ck_assert_uint_eq(le32toh(head.str_count), 1);
	ck_assert_uint_eq(le32toh(head.lang_count), 1);
	ck_assert_uint_eq(blob[sizeof(head)] | blob[sizeof(head) + 1] << 8,
			  0x0409);
	name = (const char *)blob + sizeof(head) + 2;
	ck_assert_uint_eq(sizeof(head) + 2 + strlen(name) + 1, len);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_descriptors");
	TCase *tc = tcase_create("descriptors");

	tcase_add_test(tc, test_descriptor_blob);
	tcase_add_test(tc, test_strings_blob);
	suite_add_tcase(s, tc);
	return check_run(s);
}
