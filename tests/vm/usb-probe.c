// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * usb-probe: a host-side test client of the palmvein USB protocol, talking
 * to the device through usbfs with libusb. It runs in the test VM against
 * the emulator on dummy_hcd and judges what the device does, independently
 * of palmvein.ko.
 *
 *   usb-probe [--serial S] list
 *   usb-probe [--serial S] descriptors --speed high|super
 *   usb-probe [--serial S] info [--expect-serial S]
 *   usb-probe [--serial S] stall
 *   usb-probe [--serial S] stream (--mode N | --size WxH [--fps F] [--y10])
 *             (--frames N | --duration S) [--tolerance PCT] [--queue N]
 *             [--save FILE.pgm] [--report-only]
 *
 * Every command exits 0 when the device behaved, 1 when it did not (with
 * the reason on stderr), 2 on bad usage. `stream` prints one line
 * "result: key=value ..." that scripts and benchmarks parse.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libusb.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <linux/palmvein.h>

#define CTRL_TIMEOUT_MS		1000
#define DEFAULT_QUEUE		4
#define MAX_QUEUE		16

struct probe_options {
	const char *serial;
	const char *expect_serial;
	const char *speed;
	const char *save_path;
	int mode;		/* -1: choose by size/fps */
	unsigned int width, height, fps;
	bool y10;
	unsigned int frames;
	double duration_s;
	double tolerance_pct;
	unsigned int queue;
	bool report_only;
};

struct probe_device {
	libusb_context *ctx;
	libusb_device_handle *handle;
	int interface;
	uint8_t bulk_in;
	uint16_t bulk_maxp;
};

static void fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("usb-probe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *speed_name(int speed)
{
	switch (speed) {
	case LIBUSB_SPEED_LOW:
		return "low";
	case LIBUSB_SPEED_FULL:
		return "full";
	case LIBUSB_SPEED_HIGH:
		return "high";
	case LIBUSB_SPEED_SUPER:
		return "super";
	case LIBUSB_SPEED_SUPER_PLUS:
		return "super-plus";
	default:
		return "unknown";
	}
}

static bool is_palmvein(libusb_device *dev)
{
	struct libusb_device_descriptor dd;

	return libusb_get_device_descriptor(dev, &dd) == 0 &&
	       dd.idVendor == PALMVEIN_USB_VID &&
	       dd.idProduct == PALMVEIN_USB_PID;
}

static int read_string(libusb_device_handle *h, uint8_t index, char *buf,
		       size_t size)
{
	int n;

	buf[0] = '\0';
	if (!index)
		return 0;
	n = libusb_get_string_descriptor_ascii(h, index, (unsigned char *)buf,
					       (int)size);
	if (n < 0) {
		buf[0] = '\0';
		return n;
	}
	return 0;
}

/*
 * Finds the vendor interface of the active configuration and its bulk IN
 * endpoint. Returns the interface number or a negative libusb error.
 */
static int find_interface(libusb_device *dev, struct probe_device *d)
{
	struct libusb_config_descriptor *cfg;
	int i, j, ret = LIBUSB_ERROR_NOT_FOUND;

	if (libusb_get_active_config_descriptor(dev, &cfg))
		return LIBUSB_ERROR_IO;
	for (i = 0; i < cfg->bNumInterfaces && ret < 0; i++) {
		const struct libusb_interface_descriptor *alt =
			&cfg->interface[i].altsetting[0];

		if (alt->bInterfaceClass != PALMVEIN_USB_CLASS ||
		    alt->bInterfaceSubClass != PALMVEIN_USB_SUBCLASS ||
		    alt->bInterfaceProtocol != PALMVEIN_USB_PROTOCOL)
			continue;
		ret = alt->bInterfaceNumber;
		for (j = 0; j < alt->bNumEndpoints; j++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[j];

			if ((ep->bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_BULK &&
			    (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)) {
				d->bulk_in = ep->bEndpointAddress;
				d->bulk_maxp = ep->wMaxPacketSize & 0x7ff;
			}
		}
	}
	libusb_free_config_descriptor(cfg);
	return ret;
}

/* Opens the palmvein device (the one with @serial, if given). */
static int open_device(const struct probe_options *o, struct probe_device *d)
{
	libusb_device **list;
	ssize_t n, i;
	int found = 0, ret;

	memset(d, 0, sizeof(*d));
	ret = libusb_init(&d->ctx);
	if (ret) {
		fail_msg("libusb_init: %s", libusb_strerror(ret));
		return ret;
	}
	n = libusb_get_device_list(d->ctx, &list);
	if (n < 0) {
		fail_msg("cannot list USB devices: %s", libusb_strerror((int)n));
		return (int)n;
	}
	for (i = 0; i < n; i++) {
		libusb_device_handle *h;
		struct libusb_device_descriptor dd;
		char serial[64];

		if (!is_palmvein(list[i]))
			continue;
		if (libusb_open(list[i], &h))
			continue;
		libusb_get_device_descriptor(list[i], &dd);
		read_string(h, dd.iSerialNumber, serial, sizeof(serial));
		if (o->serial && strcmp(serial, o->serial)) {
			libusb_close(h);
			continue;
		}
		if (d->handle) {
			fail_msg("more than one palmvein device; pick one with --serial");
			libusb_close(h);
			found = -1;
			break;
		}
		d->handle = h;
		found = 1;
	}
	libusb_free_device_list(list, 1);
	if (found <= 0) {
		if (!found)
			fail_msg("no palmvein device %s%s", o->serial ? "with serial " : "",
				 o->serial ? o->serial : "");
		return LIBUSB_ERROR_NOT_FOUND;
	}

	ret = find_interface(libusb_get_device(d->handle), d);
	if (ret < 0 || !d->bulk_maxp) {
		fail_msg("no vendor interface %02x/%02x/%02x with a bulk IN endpoint",
			 PALMVEIN_USB_CLASS, PALMVEIN_USB_SUBCLASS,
			 PALMVEIN_USB_PROTOCOL);
		return ret < 0 ? ret : LIBUSB_ERROR_NOT_FOUND;
	}
	d->interface = ret;
	libusb_set_auto_detach_kernel_driver(d->handle, 1);
	ret = libusb_claim_interface(d->handle, d->interface);
	if (ret) {
		fail_msg("cannot claim interface %d: %s", d->interface,
			 libusb_strerror(ret));
		return ret;
	}
	return 0;
}

static void close_device(struct probe_device *d)
{
	if (d->handle) {
		libusb_release_interface(d->handle, d->interface);
		libusb_close(d->handle);
	}
	if (d->ctx)
		libusb_exit(d->ctx);
}

/* A vendor request to the interface; returns bytes moved or a libusb error. */
static int vendor_request(struct probe_device *d, bool in, uint8_t request,
			  uint16_t value, void *data, uint16_t len)
{
	uint8_t type = LIBUSB_REQUEST_TYPE_VENDOR | LIBUSB_RECIPIENT_INTERFACE |
		       (in ? LIBUSB_ENDPOINT_IN : LIBUSB_ENDPOINT_OUT);

	return libusb_control_transfer(d->handle, type, request, value,
				       (uint16_t)d->interface, data, len,
				       CTRL_TIMEOUT_MS);
}

static int get_info(struct probe_device *d, struct palmvein_device_info *info)
{
	int n = vendor_request(d, true, PALMVEIN_REQ_GET_INFO, 0, info,
			       sizeof(*info));

	if (n < 0) {
		fail_msg("GET_INFO: %s", libusb_strerror(n));
		return n;
	}
	if ((size_t)n != sizeof(*info)) {
		fail_msg("GET_INFO returned %d bytes, expected %zu", n, sizeof(*info));
		return LIBUSB_ERROR_IO;
	}
	return 0;
}

static int get_status(struct probe_device *d, struct palmvein_status *st)
{
	int n = vendor_request(d, true, PALMVEIN_REQ_GET_STATUS, 0, st,
			       sizeof(*st));

	if (n < 0) {
		fail_msg("GET_STATUS: %s", libusb_strerror(n));
		return n;
	}
	if ((size_t)n != sizeof(*st)) {
		fail_msg("GET_STATUS returned %d bytes", n);
		return LIBUSB_ERROR_IO;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* list and descriptors                                                     */

static void print_device(libusb_device *dev)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg;
	libusb_device_handle *h;
	char manufacturer[64] = "", product[64] = "", serial[64] = "";
	int i, j;

	libusb_get_device_descriptor(dev, &dd);
	if (!libusb_open(dev, &h)) {
		read_string(h, dd.iManufacturer, manufacturer, sizeof(manufacturer));
		read_string(h, dd.iProduct, product, sizeof(product));
		read_string(h, dd.iSerialNumber, serial, sizeof(serial));
		libusb_close(h);
	}
	printf("Bus %03u Device %03u: ID %04x:%04x %s %s (serial %s, %s speed)\n",
	       libusb_get_bus_number(dev), libusb_get_device_address(dev),
	       dd.idVendor, dd.idProduct, manufacturer, product, serial,
	       speed_name(libusb_get_device_speed(dev)));
	printf("  bcdUSB %x.%02x  class %02x  maxpacket0 %u  configurations %u\n",
	       dd.bcdUSB >> 8, dd.bcdUSB & 0xff, dd.bDeviceClass,
	       dd.bMaxPacketSize0, dd.bNumConfigurations);
	if (libusb_get_active_config_descriptor(dev, &cfg))
		return;
	for (i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *alt =
			&cfg->interface[i].altsetting[0];

		printf("  interface %u: class %02x subclass %02x protocol %02x, %u endpoints\n",
		       alt->bInterfaceNumber, alt->bInterfaceClass,
		       alt->bInterfaceSubClass, alt->bInterfaceProtocol,
		       alt->bNumEndpoints);
		for (j = 0; j < alt->bNumEndpoints; j++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[j];
			static const char *const types[] = {
				"control", "isochronous", "bulk", "interrupt"
			};

			printf("    endpoint 0x%02x %s %s maxpacket %u interval %u\n",
			       ep->bEndpointAddress,
			       ep->bEndpointAddress & 0x80 ? "IN" : "OUT",
			       types[ep->bmAttributes & 3],
			       ep->wMaxPacketSize & 0x7ff, ep->bInterval);
		}
	}
	libusb_free_config_descriptor(cfg);
}

static int cmd_list(void)
{
	libusb_context *ctx;
	libusb_device **list;
	ssize_t n, i;
	int count = 0;

	if (libusb_init(&ctx))
		return 1;
	n = libusb_get_device_list(ctx, &list);
	for (i = 0; i < n; i++) {
		if (!is_palmvein(list[i]))
			continue;
		print_device(list[i]);
		count++;
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	printf("%d palmvein device%s\n", count, count == 1 ? "" : "s");
	return count ? 0 : 1;
}

/* Checks one endpoint against what the protocol needs at @speed. */
static int check_endpoint(libusb_context *ctx,
			  const struct libusb_endpoint_descriptor *ep,
			  int speed, int *bulk_in, int *intr_in)
{
	unsigned int type = ep->bmAttributes & 3;
	unsigned int maxp = ep->wMaxPacketSize & 0x7ff;
	bool in = ep->bEndpointAddress & LIBUSB_ENDPOINT_IN;
	int errors = 0;

	if (type == LIBUSB_TRANSFER_TYPE_BULK && in) {
		unsigned int want = speed == LIBUSB_SPEED_SUPER ? 1024 :
				    speed == LIBUSB_SPEED_HIGH ? 512 : 64;

		(*bulk_in)++;
		if (maxp != want) {
			fail_msg("bulk IN 0x%02x: wMaxPacketSize %u, want %u at %s speed",
				 ep->bEndpointAddress, maxp, want, speed_name(speed));
			errors++;
		}
	} else if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && in) {
		(*intr_in)++;
		if (maxp < PALMVEIN_EVENT_SIZE) {
			fail_msg("interrupt IN 0x%02x: wMaxPacketSize %u < event size %u",
				 ep->bEndpointAddress, maxp, PALMVEIN_EVENT_SIZE);
			errors++;
		}
		if (ep->bInterval < 1 || ep->bInterval > 16) {
			fail_msg("interrupt IN 0x%02x: bInterval %u outside 1..16",
				 ep->bEndpointAddress, ep->bInterval);
			errors++;
		}
	} else {
		fail_msg("unexpected endpoint 0x%02x type %u", ep->bEndpointAddress,
			 type);
		errors++;
	}
	if (speed >= LIBUSB_SPEED_SUPER) {
		struct libusb_ss_endpoint_companion_descriptor *comp;

		if (libusb_get_ss_endpoint_companion_descriptor(ctx, ep, &comp)) {
			fail_msg("endpoint 0x%02x has no SuperSpeed companion",
				 ep->bEndpointAddress);
			errors++;
		} else {
			libusb_free_ss_endpoint_companion_descriptor(comp);
		}
	}
	return errors;
}

static int cmd_descriptors(const struct probe_options *o)
{
	struct probe_device d;
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg;
	libusb_device *dev;
	char text[64];
	int speed, want_speed, errors = 0, i, j, bulk_in = 0, intr_in = 0;
	int vendor_interfaces = 0;

	if (!o->speed || (strcmp(o->speed, "high") && strcmp(o->speed, "super"))) {
		fail_msg("descriptors needs --speed high|super");
		return 2;
	}
	want_speed = strcmp(o->speed, "super") ? LIBUSB_SPEED_HIGH : LIBUSB_SPEED_SUPER;
	if (open_device(o, &d)) {
		close_device(&d);
		return 1;
	}
	dev = libusb_get_device(d.handle);
	print_device(dev);
	libusb_get_device_descriptor(dev, &dd);
	speed = libusb_get_device_speed(dev);
	if (speed != want_speed) {
		fail_msg("enumerated at %s speed, want %s", speed_name(speed), o->speed);
		errors++;
	}
	if (dd.bcdUSB < (want_speed == LIBUSB_SPEED_SUPER ? 0x0300 : 0x0200)) {
		fail_msg("bcdUSB %04x too low for %s speed", dd.bcdUSB, o->speed);
		errors++;
	}
	if (dd.bMaxPacketSize0 != (want_speed == LIBUSB_SPEED_SUPER ? 9 : 64)) {
		fail_msg("bMaxPacketSize0 %u", dd.bMaxPacketSize0);
		errors++;
	}
	for (i = 0; i < 3; i++) {
		uint8_t idx = i == 0 ? dd.iManufacturer : i == 1 ? dd.iProduct :
			      dd.iSerialNumber;

		if (read_string(d.handle, idx, text, sizeof(text)) || !text[0]) {
			fail_msg("string descriptor %d (index %u) missing", i, idx);
			errors++;
		}
	}
	if (libusb_get_active_config_descriptor(dev, &cfg)) {
		fail_msg("no active configuration");
		close_device(&d);
		return 1;
	}
	for (i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *alt =
			&cfg->interface[i].altsetting[0];

		if (alt->bInterfaceClass != PALMVEIN_USB_CLASS)
			continue;
		vendor_interfaces++;
		if (alt->bInterfaceSubClass != PALMVEIN_USB_SUBCLASS ||
		    alt->bInterfaceProtocol != PALMVEIN_USB_PROTOCOL) {
			fail_msg("interface %u: subclass %02x protocol %02x, want %02x %02x",
				 alt->bInterfaceNumber, alt->bInterfaceSubClass,
				 alt->bInterfaceProtocol, PALMVEIN_USB_SUBCLASS,
				 PALMVEIN_USB_PROTOCOL);
			errors++;
		}
		for (j = 0; j < alt->bNumEndpoints; j++)
			errors += check_endpoint(d.ctx, &alt->endpoint[j], speed,
						 &bulk_in, &intr_in);
	}
	libusb_free_config_descriptor(cfg);
	if (vendor_interfaces != 1 || bulk_in != 1 || intr_in != 1) {
		fail_msg("%d vendor interfaces, %d bulk IN, %d interrupt IN; want 1 each",
			 vendor_interfaces, bulk_in, intr_in);
		errors++;
	}
	if (want_speed == LIBUSB_SPEED_SUPER) {
		struct libusb_bos_descriptor *bos;

		if (libusb_get_bos_descriptor(d.handle, &bos)) {
			fail_msg("SuperSpeed device without a BOS descriptor");
			errors++;
		} else {
			libusb_free_bos_descriptor(bos);
		}
	}
	close_device(&d);
	return errors ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* info                                                                     */

static const char *pixfmt_name(unsigned int pixfmt)
{
	return pixfmt == PALMVEIN_PIXFMT_GREY8 ? "GREY" :
	       pixfmt == PALMVEIN_PIXFMT_Y10 ? "Y10" : "?";
}

/* Sanity rules for GET_INFO; prints each violation. */
static int check_info(const struct palmvein_device_info *info,
		      const struct probe_options *o)
{
	int errors = 0;
	unsigned int i;
	uint32_t exp_min = le32toh(info->exposure_min_us);
	uint32_t exp_max = le32toh(info->exposure_max_us);
	uint32_t exp_def = le32toh(info->exposure_default_us);
	uint16_t gain_min = le16toh(info->gain_min);
	uint16_t gain_max = le16toh(info->gain_max);
	uint16_t gain_def = le16toh(info->gain_default);
	char serial[sizeof(info->serial) + 1];

	if (le16toh(info->proto_version) >> 8 != PALMVEIN_PROTO_MAJOR) {
		fail_msg("protocol version %04x, want major %u",
			 le16toh(info->proto_version), PALMVEIN_PROTO_MAJOR);
		errors++;
	}
	if (le16toh(info->info_size) != sizeof(*info)) {
		fail_msg("info_size %u, want %zu", le16toh(info->info_size),
			 sizeof(*info));
		errors++;
	}
	memcpy(serial, info->serial, sizeof(info->serial));
	serial[sizeof(info->serial)] = '\0';
	if (o->expect_serial && strcmp(serial, o->expect_serial)) {
		fail_msg("serial '%s', want '%s'", serial, o->expect_serial);
		errors++;
	}
	if (!le16toh(info->sensor_width) || !le16toh(info->sensor_height)) {
		fail_msg("sensor size %ux%u", le16toh(info->sensor_width),
			 le16toh(info->sensor_height));
		errors++;
	}
	if (!(exp_min <= exp_def && exp_def <= exp_max && exp_min)) {
		fail_msg("exposure range %u..%u default %u", exp_min, exp_max, exp_def);
		errors++;
	}
	if (!(gain_min <= gain_def && gain_def <= gain_max && gain_min)) {
		fail_msg("gain range %u..%u default %u", gain_min, gain_max, gain_def);
		errors++;
	}
	if (!info->num_modes || info->num_modes > PALMVEIN_MAX_MODES) {
		fail_msg("%u modes", info->num_modes);
		return errors + 1;
	}
	if (!info->num_banks || info->num_banks > PALMVEIN_MAX_BANKS) {
		fail_msg("%u illumination banks", info->num_banks);
		return errors + 1;
	}
	for (i = 0; i < info->num_modes; i++) {
		const struct palmvein_mode *m = &info->modes[i];

		if (!le16toh(m->width) || !le16toh(m->height) ||
		    le16toh(m->width) > le16toh(info->sensor_width) ||
		    le16toh(m->height) > le16toh(info->sensor_height) ||
		    !palmvein_bytes_per_pixel(m->pixfmt) || !le32toh(m->interval)) {
			fail_msg("mode %u is invalid", i);
			errors++;
		}
	}
	for (i = 0; i < info->num_banks; i++) {
		const struct palmvein_led_bank *b = &info->banks[i];

		if (!le16toh(b->wavelength_nm) || !le16toh(b->max_intensity)) {
			fail_msg("bank %u is invalid", i);
			errors++;
		}
	}
	return errors;
}

static void print_info(const struct palmvein_device_info *info)
{
	unsigned int i;

	printf("protocol %u.%u, serial %.16s, firmware %.16s\n",
	       le16toh(info->proto_version) >> 8, le16toh(info->proto_version) & 0xff,
	       info->serial, info->fw_version);
	printf("sensor %ux%u, exposure %u..%u us (default %u), gain %u..%u/16 (default %u)\n",
	       le16toh(info->sensor_width), le16toh(info->sensor_height),
	       le32toh(info->exposure_min_us), le32toh(info->exposure_max_us),
	       le32toh(info->exposure_default_us), le16toh(info->gain_min),
	       le16toh(info->gain_max), le16toh(info->gain_default));
	printf("palm distance %u..%u mm\n", le16toh(info->distance_min_mm),
	       le16toh(info->distance_max_mm));
	for (i = 0; i < info->num_modes && i < PALMVEIN_MAX_MODES; i++) {
		const struct palmvein_mode *m = &info->modes[i];

		printf("mode %u: %ux%u %s %.2f fps\n", i, le16toh(m->width),
		       le16toh(m->height), pixfmt_name(m->pixfmt),
		       le32toh(m->interval) ? 1e7 / le32toh(m->interval) : 0.0);
	}
	for (i = 0; i < info->num_banks && i < PALMVEIN_MAX_BANKS; i++) {
		const struct palmvein_led_bank *b = &info->banks[i];

		printf("bank %u: %u nm, %u mA max, intensity 0..%u\n", i,
		       le16toh(b->wavelength_nm), le16toh(b->max_drive_ma),
		       le16toh(b->max_intensity));
	}
}

static int cmd_info(const struct probe_options *o)
{
	struct probe_device d;
	struct palmvein_device_info info;
	struct palmvein_status st;
	int errors;

	if (open_device(o, &d) || get_info(&d, &info)) {
		close_device(&d);
		return 1;
	}
	print_info(&info);
	errors = check_info(&info, o);
	if (get_status(&d, &st))
		errors++;
	else
		printf("status: distance %u, LED %.1f C, faults 0x%x, sent %u, dropped %u\n",
		       le16toh(st.distance_mm), le16toh(st.led_temp_decic) / 10.0,
		       le32toh(st.faults), le32toh(st.frames_sent),
		       le32toh(st.frames_dropped));
	close_device(&d);
	return errors ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* stall                                                                    */

/*
 * A request that breaks the rules of docs/protocol.md. Every request that
 * changes the device carries its value in wValue with no data stage, so a
 * device judges each of these on the SETUP packet and must stall it.
 */
struct bad_request {
	const char *what;
	uint8_t request_type;	/* 0: vendor | interface, direction from @in */
	bool in;
	uint8_t request;
	uint16_t value;
	int index_offset;	/* added to the interface number */
	uint16_t length;
};

/* What the bad requests could have changed, read back after them. */
struct device_settings {
	uint8_t exposure[4];
	uint8_t gain[2];
	uint8_t led[PALMVEIN_MAX_BANKS][4];
	uint32_t frames_sent;
	uint32_t frames_dropped;
};

static int read_settings(struct probe_device *d, unsigned int banks,
			 struct device_settings *set)
{
	struct palmvein_status st;
	unsigned int b;

	memset(set, 0, sizeof(*set));
	if (vendor_request(d, true, PALMVEIN_REQ_GET_EXPOSURE, 0, set->exposure, 4) != 4 ||
	    vendor_request(d, true, PALMVEIN_REQ_GET_GAIN, 0, set->gain, 2) != 2) {
		fail_msg("cannot read exposure and gain");
		return -EIO;
	}
	for (b = 0; b < banks && b < PALMVEIN_MAX_BANKS; b++) {
		if (vendor_request(d, true, PALMVEIN_REQ_GET_LED, (uint16_t)b,
				   set->led[b], 4) != 4) {
			fail_msg("cannot read LED bank %u", b);
			return -EIO;
		}
	}
	if (get_status(d, &st))
		return -EIO;
	set->frames_sent = le32toh(st.frames_sent);
	set->frames_dropped = le32toh(st.frames_dropped);
	return 0;
}

static int cmd_stall(const struct probe_options *o)
{
	static const uint8_t device_vendor_in = LIBUSB_REQUEST_TYPE_VENDOR |
		LIBUSB_RECIPIENT_DEVICE | LIBUSB_ENDPOINT_IN;
	static const struct bad_request bad[] = {
		{ "unknown request", 0, true, 0x7e, 0, 0, 4 },
		{ "GET_INFO with wLength 3", 0, true, PALMVEIN_REQ_GET_INFO, 0, 0, 3 },
		{ "GET_EXPOSURE as OUT", 0, false, PALMVEIN_REQ_GET_EXPOSURE, 0, 0, 0 },
		{ "GET_EXPOSURE to the device", device_vendor_in, true,
		  PALMVEIN_REQ_GET_EXPOSURE, 0, 0, 4 },
		{ "GET_EXPOSURE to another interface", 0, true,
		  PALMVEIN_REQ_GET_EXPOSURE, 0, 5, 4 },
		{ "GET_EXPOSURE with wValue 1", 0, true, PALMVEIN_REQ_GET_EXPOSURE, 1, 0, 4 },
		{ "SET_EXPOSURE of 0 us", 0, false, PALMVEIN_REQ_SET_EXPOSURE, 0, 0, 0 },
		{ "SET_EXPOSURE with a data stage", 0, false, PALMVEIN_REQ_SET_EXPOSURE,
		  1000, 0, 4 },
		{ "SET_GAIN of 65535", 0, false, PALMVEIN_REQ_SET_GAIN, 0xffff, 0, 0 },
		{ "SET_LED on bank 3", 0, false, PALMVEIN_REQ_SET_LED,
		  PALMVEIN_LED_VALUE(3, PALMVEIN_LED_ON, 1), 0, 0 },
		{ "SET_LED with intensity 4000", 0, false, PALMVEIN_REQ_SET_LED,
		  PALMVEIN_LED_VALUE(0, PALMVEIN_LED_ON, 4000), 0, 0 },
		/* the mode field has 2 bits: an unmasked 9 spills into bank 2 */
		{ "SET_LED with mode 9", 0, false, PALMVEIN_REQ_SET_LED, 9 << 12 | 1, 0, 0 },
		{ "START_STREAM of mode 200", 0, false, PALMVEIN_REQ_START_STREAM, 200, 0, 0 },
		{ "STOP_STREAM with a data stage", 0, false, PALMVEIN_REQ_STOP_STREAM, 0, 0, 4 },
	};
	struct probe_device d;
	struct palmvein_device_info info;
	struct device_settings before, after;
	uint8_t buf[8];
	unsigned int i;
	int errors = 0, n;

	if (open_device(o, &d) || get_info(&d, &info) ||
	    read_settings(&d, info.num_banks, &before)) {
		close_device(&d);
		return 1;
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_request *r = &bad[i];
		uint8_t type = r->request_type ? r->request_type :
			       LIBUSB_REQUEST_TYPE_VENDOR | LIBUSB_RECIPIENT_INTERFACE |
			       (r->in ? LIBUSB_ENDPOINT_IN : LIBUSB_ENDPOINT_OUT);

		memset(buf, 0, sizeof(buf));
		n = libusb_control_transfer(d.handle, type, r->request, r->value,
					    (uint16_t)(d.interface + r->index_offset),
					    buf, r->length, CTRL_TIMEOUT_MS);
		if (n == LIBUSB_ERROR_PIPE) {
			printf("stalled: %s\n", r->what);
		} else {
			fail_msg("%s: %s, want a stall", r->what,
				 n < 0 ? libusb_strerror(n) : "accepted");
			errors++;
		}
	}
	/* Long enough for a wrongly started stream to count frames. */
	usleep(300000);
	if (read_settings(&d, info.num_banks, &after)) {
		errors++;
	} else if (memcmp(&before, &after, sizeof(before))) {
		fail_msg("the rejected requests changed the device's settings or started a stream");
		errors++;
	} else {
		printf("settings unchanged, no stream started\n");
	}
	if (get_info(&d, &info))
		errors++;
	else
		printf("GET_INFO still answers after the stalls\n");
	close_device(&d);
	return errors ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* stream                                                                   */

struct stream_stats {
	unsigned int wanted;
	double deadline;
	unsigned int frames;		/* valid frames */
	unsigned int gaps;		/* missing sequence numbers */
	unsigned int bad_header;
	unsigned int bad_crc;
	unsigned int truncated;
	unsigned int stale;		/* junk before the first good frame */
	unsigned int in_flight;
	bool have_prev;
	bool stopping;
	int error;			/* libusb transfer status that ended it */
	uint32_t first_sequence, prev_sequence;
	uint64_t first_ts_us, last_ts_us;
	double first_arrival, last_arrival;
	uint8_t *spare;			/* receive buffer not in a transfer */
	uint8_t *save_frame;		/* copy of the last valid frame */
	size_t save_size;
	struct palmvein_frame_info save_info;
};

/* Judges one received bulk transfer. */
static void account_frame(struct stream_stats *s, const uint8_t *buf,
			  size_t len)
{
	struct palmvein_frame_info fi;
	double t = now_s();
	int ret = palmvein_frame_header_decode(buf, len, &fi);

	if (ret || crc32(0, buf, PALMVEIN_FRAME_HDR_CRC_OFFSET) != fi.header_crc32) {
		/*
		 * The tail of a frame that an earlier reader cancelled may
		 * still sit in the device's FIFO; the host resynchronises on
		 * the short packet. Only junk after a good frame is an error.
		 */
		if (s->frames) {
			s->bad_header++;
			/* The first one tells what went wrong; more add nothing. */
			if (s->bad_header == 1)
				fail_msg("bad header after frame %u: %zu bytes, decode %d, starts %02x %02x %02x %02x",
					 s->prev_sequence, len, ret, len > 0 ? buf[0] : 0,
					 len > 1 ? buf[1] : 0, len > 2 ? buf[2] : 0,
					 len > 3 ? buf[3] : 0);
		} else {
			s->stale++;
		}
		return;
	}
	if (len < PALMVEIN_FRAME_HDR_SIZE + fi.payload_size) {
		s->truncated++;
		return;
	}
	if (len > PALMVEIN_FRAME_HDR_SIZE + fi.payload_size ||
	    crc32(0, buf + PALMVEIN_FRAME_HDR_SIZE, fi.payload_size) !=
	    fi.payload_crc32) {
		s->bad_crc++;
		return;
	}
	if (s->have_prev && fi.sequence != s->prev_sequence + 1)
		s->gaps += fi.sequence - s->prev_sequence - 1;
	if (!s->frames) {
		s->first_sequence = fi.sequence;
		s->first_ts_us = fi.timestamp_us;
		s->first_arrival = t;
	}
	s->have_prev = true;
	s->prev_sequence = fi.sequence;
	s->last_ts_us = fi.timestamp_us;
	s->last_arrival = t;
	s->frames++;
	if (s->save_frame && fi.payload_size <= s->save_size) {
		memcpy(s->save_frame, buf + PALMVEIN_FRAME_HDR_SIZE, fi.payload_size);
		s->save_info = fi;
	}
}

static void LIBUSB_CALL transfer_done(struct libusb_transfer *xfer)
{
	struct stream_stats *s = xfer->user_data;
	uint8_t *received = xfer->buffer;
	int status = xfer->status;

	s->in_flight--;
	if (status != LIBUSB_TRANSFER_COMPLETED &&
	    status != LIBUSB_TRANSFER_CANCELLED) {
		s->error = status;
		s->stopping = true;
	}
	if (now_s() > s->deadline)
		s->stopping = true;
	/*
	 * Resubmit at once with the spare buffer and judge the frame after:
	 * checking a CRC under TCG takes long enough to stall the device.
	 */
	if (status == LIBUSB_TRANSFER_COMPLETED && !s->stopping) {
		xfer->buffer = s->spare;
		if (libusb_submit_transfer(xfer) == 0) {
			s->in_flight++;
			s->spare = received;
		} else {
			xfer->buffer = received;
			s->stopping = true;
		}
	}
	/*
	 * Once enough frames are in, the transfers still queued are cancelled,
	 * and the tail of a frame whose head went into a cancelled transfer
	 * may still complete: that is our doing, not the device's, so it is
	 * not judged.
	 */
	if (status == LIBUSB_TRANSFER_COMPLETED && s->frames < s->wanted)
		account_frame(s, received, (size_t)xfer->actual_length);
	if (s->frames >= s->wanted)
		s->stopping = true;
}

/* Mode index from --mode or --size/--fps/--y10, or -1. */
static int pick_mode(const struct palmvein_device_info *info,
		     const struct probe_options *o)
{
	unsigned int i;

	if (o->mode >= 0)
		return o->mode < info->num_modes ? o->mode : -1;
	for (i = 0; i < info->num_modes; i++) {
		const struct palmvein_mode *m = &info->modes[i];
		unsigned int fps = (unsigned int)lround(1e7 / le32toh(m->interval));

		if (le16toh(m->width) == o->width && le16toh(m->height) == o->height &&
		    m->pixfmt == (o->y10 ? PALMVEIN_PIXFMT_Y10 : PALMVEIN_PIXFMT_GREY8) &&
		    (!o->fps || fps == o->fps))
			return (int)i;
	}
	return -1;
}

static int save_pgm(const char *path, const struct palmvein_frame_info *fi,
		    const uint8_t *pixels)
{
	FILE *f = fopen(path, "wb");
	size_t i, n = (size_t)fi->width * fi->height;
	int ret = 0;

	if (!f) {
		fail_msg("cannot write %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fi->pixfmt == PALMVEIN_PIXFMT_Y10) {
		/* PGM wants 16-bit samples big-endian; ours are little-endian. */
		fprintf(f, "P5\n%u %u\n1023\n", fi->width, fi->height);
		for (i = 0; i < n; i++) {
			fputc(pixels[2 * i + 1], f);
			fputc(pixels[2 * i], f);
		}
	} else {
		fprintf(f, "P5\n%u %u\n255\n", fi->width, fi->height);
		fwrite(pixels, 1, n, f);
	}
	if (fclose(f)) {
		fail_msg("cannot write %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	return ret;
}

static int cmd_stream(const struct probe_options *o)
{
	struct probe_device d;
	struct palmvein_device_info info;
	struct palmvein_status st0, st1;
	struct libusb_transfer *xfers[MAX_QUEUE] = { 0 };
	struct stream_stats s = { 0 };
	const struct palmvein_mode *m;
	size_t frame_len, buf_len;
	double req_fps, host_fps = 0, dev_fps = 0, slot_fps = 0, elapsed, began;
	unsigned int i, queue = o->queue ? o->queue : DEFAULT_QUEUE;
	uint32_t dropped;
	int mode, errors = 0, ret = 1, n;

	if (open_device(o, &d) || get_info(&d, &info) || get_status(&d, &st0))
		goto out;
	mode = pick_mode(&info, o);
	if (mode < 0) {
		fail_msg("the device has no such mode");
		goto out;
	}
	m = &info.modes[mode];
	req_fps = 1e7 / le32toh(m->interval);
	frame_len = PALMVEIN_FRAME_HDR_SIZE + (size_t)le16toh(m->width) *
		    le16toh(m->height) * palmvein_bytes_per_pixel(m->pixfmt);
	/* Room for one more packet, so every frame ends on its short packet. */
	buf_len = (frame_len / d.bulk_maxp + 2) * d.bulk_maxp;
	s.wanted = o->frames ? o->frames : (unsigned int)ceil(o->duration_s * req_fps);
	if (o->save_path) {
		s.save_size = frame_len;
		s.save_frame = malloc(frame_len);
		if (!s.save_frame)
			goto out;
	}
	for (i = 0; i < queue && i < MAX_QUEUE; i++) {
		xfers[i] = libusb_alloc_transfer(0);
		if (!xfers[i])
			goto out;
		libusb_fill_bulk_transfer(xfers[i], d.handle, d.bulk_in,
					  malloc(buf_len), (int)buf_len,
					  transfer_done, &s, 0);
		if (!xfers[i]->buffer)
			goto out;
	}
	s.spare = malloc(buf_len);
	if (!s.spare)
		goto out;

	n = vendor_request(&d, false, PALMVEIN_REQ_START_STREAM, (uint16_t)mode,
			   NULL, 0);
	if (n < 0) {
		fail_msg("START_STREAM mode %d: %s", mode, libusb_strerror(n));
		goto out;
	}
	began = now_s();
	/* Generous: TCG is slow, but a stuck stream must not hang the test. */
	s.deadline = began + 2.0 * s.wanted / req_fps + 10.0;
	for (i = 0; i < queue && i < MAX_QUEUE; i++) {
		if (libusb_submit_transfer(xfers[i]) == 0)
			s.in_flight++;
	}
	while (s.in_flight) {
		struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };

		if (s.stopping || now_s() > s.deadline) {
			s.stopping = true;
			for (i = 0; i < queue && i < MAX_QUEUE; i++)
				libusb_cancel_transfer(xfers[i]);
		}
		libusb_handle_events_timeout(d.ctx, &tv);
	}
	elapsed = now_s() - began;
	n = vendor_request(&d, false, PALMVEIN_REQ_STOP_STREAM, 0, NULL, 0);
	if (n < 0) {
		fail_msg("STOP_STREAM: %s", libusb_strerror(n));
		errors++;
	}
	if (get_status(&d, &st1))
		goto out;

	/*
	 * A frame the emulator drops still takes its sequence number and
	 * time slot, so the device's clock is judged by slots per second,
	 * which CPU starvation does not change.
	 */
	if (s.frames > 1) {
		host_fps = (s.frames - 1) / (s.last_arrival - s.first_arrival);
		dev_fps = (s.frames - 1) * 1e6 / (double)(s.last_ts_us - s.first_ts_us);
		slot_fps = (s.prev_sequence - s.first_sequence) * 1e6 /
			   (double)(s.last_ts_us - s.first_ts_us);
	}
	dropped = le32toh(st1.frames_dropped) - le32toh(st0.frames_dropped);
	printf("result: mode=%d size=%ux%u format=%s frames=%u wanted=%u gaps=%u "
	       "bad_header=%u bad_crc=%u truncated=%u stale=%u dev_dropped=%u "
	       "req_fps=%.2f host_fps=%.2f dev_fps=%.2f slot_fps=%.2f mbps=%.1f elapsed=%.2f\n",
	       mode, le16toh(m->width), le16toh(m->height), pixfmt_name(m->pixfmt),
	       s.frames, s.wanted, s.gaps, s.bad_header, s.bad_crc, s.truncated,
	       s.stale, dropped, req_fps, host_fps, dev_fps, slot_fps,
	       host_fps * frame_len / 1e6, elapsed);

	if (s.error) {
		fail_msg("bulk transfer failed: %s",
			 libusb_error_name(s.error == LIBUSB_TRANSFER_STALL ?
					   LIBUSB_ERROR_PIPE : LIBUSB_ERROR_IO));
		errors++;
	}
	if (s.frames < s.wanted) {
		fail_msg("got %u valid frames of %u before the deadline", s.frames,
			 s.wanted);
		errors++;
	}
	if (s.gaps > dropped || s.bad_header || s.bad_crc || s.truncated) {
		fail_msg("%u sequence gaps (%u dropped by the device), %u bad headers, %u bad CRCs, %u truncated",
			 s.gaps, dropped, s.bad_header, s.bad_crc, s.truncated);
		errors++;
	}
	if (fabs(slot_fps / req_fps - 1) * 100 > o->tolerance_pct) {
		fail_msg("device clock: %.2f frame slots/s, requested %.2f (tolerance %.1f%%)",
			 slot_fps, req_fps, o->tolerance_pct);
		errors++;
	}
	/*
	 * When the emulator counts drops it was starved of CPU (a loaded
	 * TCG host): the delivered rate then says nothing about the code,
	 * and make bench-emu reports it. Otherwise both sides keep pace.
	 */
	if (dropped) {
		printf("note: the device dropped %u frames (starved of CPU); delivered rate not judged\n",
		       dropped);
	} else if (fabs(host_fps / req_fps - 1) * 100 > o->tolerance_pct ||
		   fabs(dev_fps / req_fps - 1) * 100 > o->tolerance_pct) {
		fail_msg("pacing: host %.2f fps, device %.2f fps, requested %.2f (tolerance %.1f%%)",
			 host_fps, dev_fps, req_fps, o->tolerance_pct);
		errors++;
	}
	if (o->save_path && s.frames && save_pgm(o->save_path, &s.save_info, s.save_frame))
		errors++;
	ret = (errors && !o->report_only) ? 1 : 0;
out:
	for (i = 0; i < MAX_QUEUE; i++) {
		if (xfers[i])
			free(xfers[i]->buffer);
		libusb_free_transfer(xfers[i]);
	}
	free(s.spare);
	free(s.save_frame);
	close_device(&d);
	return ret;
}

/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: usb-probe [--serial S] list|descriptors|info|stall|stream [options]\n"
	      "  descriptors --speed high|super\n"
	      "  info [--expect-serial S]\n"
	      "  stream (--mode N | --size WxH [--fps F] [--y10]) (--frames N | --duration S)\n"
	      "         [--tolerance PCT] [--queue N] [--save FILE.pgm] [--report-only]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "expect-serial", required_argument, NULL, 'e' },
		{ "speed", required_argument, NULL, 'S' },
		{ "mode", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 'z' },
		{ "fps", required_argument, NULL, 'f' },
		{ "y10", no_argument, NULL, 'y' },
		{ "frames", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "queue", required_argument, NULL, 'q' },
		{ "save", required_argument, NULL, 'o' },
		{ "report-only", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct probe_options o = { .mode = -1, .tolerance_pct = 5.0 };
	const char *cmd;
	int c;

	/* GNU getopt permutes, so options may follow the command. */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.serial = optarg; break;
		case 'e': o.expect_serial = optarg; break;
		case 'S': o.speed = optarg; break;
		case 'm': o.mode = atoi(optarg); break;
		case 'z':
			if (sscanf(optarg, "%ux%u", &o.width, &o.height) != 2) {
				usage(stderr);
				return 2;
			}
			break;
		case 'f': o.fps = (unsigned int)atoi(optarg); break;
		case 'y': o.y10 = true; break;
		case 'n': o.frames = (unsigned int)atoi(optarg); break;
		case 'd': o.duration_s = atof(optarg); break;
		case 't': o.tolerance_pct = atof(optarg); break;
		case 'q': o.queue = (unsigned int)atoi(optarg); break;
		case 'o': o.save_path = optarg; break;
		case 'r': o.report_only = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "descriptors"))
		return cmd_descriptors(&o);
	if (!strcmp(cmd, "info"))
		return cmd_info(&o);
	if (!strcmp(cmd, "stall"))
		return cmd_stall(&o);
	if (!strcmp(cmd, "stream")) {
		if ((!o.frames && o.duration_s <= 0) || (o.mode < 0 && !o.width)) {
			usage(stderr);
			return 2;
		}
		return cmd_stream(&o);
	}
	usage(stderr);
	return 2;
}
