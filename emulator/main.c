// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * palmvein-emu: the sensor's firmware on a USB device controller, or, with
 * --render, one frame to a file. See docs/emulator.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "emu.h"
#include "framesrc.h"
#include "gadget.h"
#include "snapshot.h"

#define SCENARIO_MAX_BYTES (1u << 20)
#define EXIT_USAGE 2

enum {
	OPT_UDC = 256, OPT_SERIAL, OPT_SCENARIO, OPT_CONTROL, OPT_SPEED,
	OPT_CORRUPT, OPT_TRUNCATE, OPT_VARIANTS, OPT_RENDER, OPT_X, OPT_Y,
	OPT_ROT, OPT_DIST, OPT_SPREAD, OPT_DEFORM, OPT_SEED, OPT_AMBIENT,
	OPT_GLARE, OPT_TARGET, OPT_EXPOSURE, OPT_GAIN, OPT_LED850, OPT_LED940,
	OPT_UNLIT, OPT_BITS, OPT_SIZE, OPT_VARIANT,
};

static const struct option options[] = {
	{ "udc", required_argument, NULL, OPT_UDC },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "corrupt-every", required_argument, NULL, OPT_CORRUPT },
	{ "truncate-every", required_argument, NULL, OPT_TRUNCATE },
	{ "variants", required_argument, NULL, OPT_VARIANTS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "render", required_argument, NULL, OPT_RENDER },
	{ "x", required_argument, NULL, OPT_X },
	{ "y", required_argument, NULL, OPT_Y },
	{ "rot", required_argument, NULL, OPT_ROT },
	{ "dist", required_argument, NULL, OPT_DIST },
	{ "spread", required_argument, NULL, OPT_SPREAD },
	{ "deform", required_argument, NULL, OPT_DEFORM },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "ambient", required_argument, NULL, OPT_AMBIENT },
	{ "glare", required_argument, NULL, OPT_GLARE },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "exposure", required_argument, NULL, OPT_EXPOSURE },
	{ "gain", required_argument, NULL, OPT_GAIN },
	{ "led850", required_argument, NULL, OPT_LED850 },
	{ "led940", required_argument, NULL, OPT_LED940 },
	{ "unlit", no_argument, NULL, OPT_UNLIT },
	{ "bits", required_argument, NULL, OPT_BITS },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "variant", required_argument, NULL, OPT_VARIANT },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	const char *udc;
	const char *serial;
	const char *scenario;
	const char *control;
	const char *output;
	enum gadget_speed speed;
	uint32_t corrupt_every;
	uint32_t truncate_every;
	unsigned int variants;
	bool verbose;
	bool render;
	bool unlit;
	struct framesrc_request req;
};

static void usage(FILE *out)
{
	fputs("usage: palmvein-emu --udc NAME [--serial S] [--scenario FILE]\n"
	      "                    [--control SOCKET] [--speed high|super]\n"
	      "                    [--corrupt-every N] [--truncate-every N]\n"
	      "                    [--variants K] [--verbose]\n"
	      "       palmvein-emu --render ID [--target palm|photo|fake|none]\n"
	      "                    [--x MM] [--y MM] [--rot DEG] [--dist MM]\n"
	      "                    [--spread F] [--deform F] [--seed N]\n"
	      "                    [--ambient F] [--glare F] [--exposure US]\n"
	      "                    [--gain Q4] [--led850 I] [--led940 I] [--unlit]\n"
	      "                    [--bits 8|10] [--size WxH] [--variant V]\n"
	      "                    -o FILE.pgm\n"
	      "See docs/emulator.md.\n", out);
}

static int parse_double(const char *opt, const char *text, double min,
			double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(v) || v < min ||
	    v > max) {
		fprintf(stderr, "palmvein-emu: --%s wants a number in %g..%g, "
			"got '%s'\n", opt, min, max, text);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_uint(const char *opt, const char *text, unsigned long min,
		      unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v < min ||
	    v > max) {
		fprintf(stderr, "palmvein-emu: --%s wants an integer in "
			"%lu..%lu, got '%s'\n", opt, min, max, text);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_target(const char *text, enum pv_target *target)
{
	static const char *const names[] = {
		[PV_TARGET_NONE] = "none", [PV_TARGET_PALM] = "palm",
		[PV_TARGET_PHOTO] = "photo", [PV_TARGET_FAKE] = "fake",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(text, names[i])) {
			*target = (enum pv_target)i;
			return 0;
		}
	}
	fprintf(stderr, "palmvein-emu: --target wants palm, photo, fake or "
		"none, got '%s'\n", text);
	return -EINVAL;
}

static int parse_size(const char *text, uint16_t *w, uint16_t *h)
{
	unsigned int width, height;
	char tail;

	if (sscanf(text, "%ux%u%c", &width, &height, &tail) != 2 ||
	    !width || !height || width > 4096 || height > 4096) {
		fprintf(stderr, "palmvein-emu: --size wants WxH up to "
			"4096x4096, got '%s'\n", text);
		return -EINVAL;
	}
	*w = (uint16_t)width;
	*h = (uint16_t)height;
	return 0;
}

/* A float pose field of the render request, set from an option. */
static int set_pose(const char *opt, const char *text, double min, double max,
		    float *field)
{
	double v;
	int ret = parse_double(opt, text, min, max, &v);

	if (!ret)
		*field = (float)v;
	return ret;
}

static int parse_render_option(struct cli *cli, int opt, const char *arg)
{
	struct pv_scene_desc *d = &cli->req.scene;
	uint32_t v;
	int ret;

	switch (opt) {
	case OPT_X:
		return set_pose("x", arg, -100, 100, &d->pose.x_mm);
	case OPT_Y:
		return set_pose("y", arg, -100, 100, &d->pose.y_mm);
	case OPT_ROT:
		return set_pose("rot", arg, -180, 180, &d->pose.rotation_deg);
	case OPT_DIST:
		return set_pose("dist", arg, 5, 400, &d->pose.distance_mm);
	case OPT_SPREAD:
		return set_pose("spread", arg, 0, 1, &d->pose.finger_spread);
	case OPT_DEFORM:
		return set_pose("deform", arg, 0, 1, &d->pose.deform);
	case OPT_AMBIENT:
		return set_pose("ambient", arg, 0, 1, &d->ambient);
	case OPT_GLARE:
		return set_pose("glare", arg, 0, 1, &d->glare);
	case OPT_SEED:
		return parse_uint("seed", arg, 0, UINT32_MAX, &d->pose.seed);
	case OPT_TARGET:
		return parse_target(arg, &d->target);
	case OPT_EXPOSURE:
		return parse_uint("exposure", arg, FW_EXPOSURE_MIN_US,
				  FW_EXPOSURE_MAX_US, &cli->req.exposure_us);
	case OPT_GAIN:
		ret = parse_uint("gain", arg, FW_GAIN_MIN, FW_GAIN_MAX, &v);
		cli->req.gain_q4 = (uint16_t)v;
		return ret;
	case OPT_LED850:
	case OPT_LED940:
		ret = parse_uint(opt == OPT_LED850 ? "led850" : "led940", arg,
				 0, FW_LED_MAX_INTENSITY, &v);
		cli->req.intensity[opt == OPT_LED850 ? 0 : 1] = (uint16_t)v;
		return ret;
	case OPT_UNLIT:
		cli->unlit = true;
		return 0;
	case OPT_BITS:
		ret = parse_uint("bits", arg, 8, 10, &v);
		if (!ret && v != 8 && v != 10) {
			fprintf(stderr, "palmvein-emu: --bits is 8 or 10\n");
			return -EINVAL;
		}
		cli->req.bits = v;
		return ret;
	case OPT_SIZE:
		return parse_size(arg, &cli->req.width, &cli->req.height);
	case OPT_VARIANT:
		return parse_uint("variant", arg, 0, FRAMESRC_MAX_VARIANTS - 1,
				  &cli->req.variant);
	default:
		return -EINVAL;
	}
}

static int parse_cli(struct cli *cli, int argc, char **argv)
{
	int opt, ret = 0;
	uint32_t v;

	memset(cli, 0, sizeof(*cli));
	cli->variants = FRAMESRC_DEFAULT_VARIANTS;
	cli->speed = GADGET_SPEED_HIGH;
	/* --render defaults: the device's power-up state, a centred palm */
	cli->req.scene.target = PV_TARGET_PALM;
	cli->req.scene.pose.distance_mm = 60.0f;
	cli->req.scene.pose.finger_spread = -1.0f;
	cli->req.width = FW_SENSOR_WIDTH;
	cli->req.height = FW_SENSOR_HEIGHT;
	cli->req.bits = 8;
	cli->req.exposure_us = FW_EXPOSURE_DEFAULT_US;
	cli->req.gain_q4 = FW_GAIN_DEFAULT;
	cli->req.intensity[1] = 128;

	while (!ret && (opt = getopt_long(argc, argv, "vho:", options,
					  NULL)) != -1) {
		switch (opt) {
		case OPT_UDC:
			cli->udc = optarg;
			break;
		case OPT_SERIAL:
			cli->serial = optarg;
			break;
		case OPT_SCENARIO:
			cli->scenario = optarg;
			break;
		case OPT_CONTROL:
			cli->control = optarg;
			break;
		case OPT_SPEED:
			if (!strcmp(optarg, "high")) {
				cli->speed = GADGET_SPEED_HIGH;
			} else if (!strcmp(optarg, "super")) {
				cli->speed = GADGET_SPEED_SUPER;
			} else {
				fprintf(stderr, "palmvein-emu: --speed is high or super\n");
				ret = -EINVAL;
			}
			break;
		case OPT_CORRUPT:
			ret = parse_uint("corrupt-every", optarg, 0, UINT32_MAX,
					 &cli->corrupt_every);
			break;
		case OPT_TRUNCATE:
			ret = parse_uint("truncate-every", optarg, 0,
					 UINT32_MAX, &cli->truncate_every);
			break;
		case OPT_VARIANTS:
			ret = parse_uint("variants", optarg, 1,
					 FRAMESRC_MAX_VARIANTS, &v);
			cli->variants = v;
			break;
		case 'v':
			cli->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'o':
			cli->output = optarg;
			break;
		case OPT_RENDER:
			cli->render = true;
			ret = parse_uint("render", optarg, 0, UINT32_MAX,
					 &cli->req.scene.identity);
			break;
		case '?':
			ret = -EINVAL;
			break;
		default:
			ret = parse_render_option(cli, opt, optarg);
			break;
		}
	}
	if (ret)
		return ret;
	if (optind < argc) {
		fprintf(stderr, "palmvein-emu: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (cli->render ? !cli->output : !cli->udc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static int run_render(struct cli *cli)
{
	unsigned int bank;

	for (bank = 0; bank < FW_NUM_BANKS; bank++)
		if (!cli->unlit && cli->req.intensity[bank])
			cli->req.lit_mask |= 1u << bank;
	if (cli->unlit)
		memset(cli->req.intensity, 0, sizeof(cli->req.intensity));
	return snapshot_write_pgm(cli->output, &cli->req) ? EXIT_FAILURE
							   : EXIT_SUCCESS;
}

static int load_scenario(const char *path, struct scn_timeline *tl)
{
	struct scn_error err;
	char *buf;
	size_t len;
	FILE *f;
	int ret;

	f = fopen(path, "rb");
	if (!f) {
		ret = -errno;
		fprintf(stderr, "palmvein-emu: cannot open %s: %s\n", path,
			strerror(errno));
		return ret;
	}
	buf = malloc(SCENARIO_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(buf, 1, SCENARIO_MAX_BYTES + 1, f);
	fclose(f);
	if (len > SCENARIO_MAX_BYTES) {
		fprintf(stderr, "palmvein-emu: %s: larger than %u bytes\n",
			path, SCENARIO_MAX_BYTES);
		free(buf);
		return -EFBIG;
	}
	ret = scn_parse(buf, len, tl, &err);
	free(buf);
	if (ret == -EINVAL)
		fprintf(stderr, "palmvein-emu: %s:%u:%u: %s\n", path, err.line,
			err.column, err.message);
	else if (ret)
		fprintf(stderr, "palmvein-emu: %s: %s\n", path, strerror(-ret));
	return ret;
}

/* Fills @emu for @cli; @serial gets the serial number as a C string. */
static int emu_setup(struct emu *emu, const struct cli *cli,
		     char serial[FW_SERIAL_MAX + 1])
{
	int ret;

	memset(emu, 0, sizeof(*emu));
	emu->ep0 = emu->ep_frames = emu->ep_events = emu->control_fd = -1;
	emu->log.instance = cli->udc;
	emu->log.verbose = cli->verbose;
	emu->variants = cli->variants;
	emu->corrupt_every = cli->corrupt_every;
	emu->truncate_every = cli->truncate_every;
	emu->bulk_max_packet = 512;
	ev_tracker_reset(&emu->tracker);
	if (cli->serial && strlen(cli->serial) <= FW_SERIAL_MAX)
		strcpy(serial, cli->serial);
	else if (!cli->serial)
		gadget_default_serial(cli->udc, serial, FW_SERIAL_MAX + 1);
	if (fw_init(&emu->fw, cli->serial ? cli->serial : serial)) {
		fprintf(stderr, "palmvein-emu: --serial is at most %d bytes\n",
			FW_SERIAL_MAX);
		return -EINVAL;
	}
	if (cli->scenario) {
		ret = load_scenario(cli->scenario, &emu->timeline);
		if (ret)
			return ret;
	} else {
		scn_timeline_init(&emu->timeline);
	}
	emu->power_on_us = emu_monotonic_us();
	emu->timeline_origin_us = emu->power_on_us;
	pthread_mutex_init(&emu->lock, NULL);
	pthread_cond_init(&emu->changed, NULL);
	return 0;
}

static int start_threads(struct emu *emu)
{
	int ret;

	ret = emu_thread_start(emu, &emu->ep0_thread, emu_ep0_main);
	if (!ret)
		ret = emu_thread_start(emu, &emu->stream_thread,
				       emu_stream_main);
	if (!ret)
		ret = emu_thread_start(emu, &emu->tick_thread, emu_tick_main);
	if (!ret)
		ret = emu_thread_start(emu, &emu->intr_thread, emu_intr_main);
	if (!ret && emu->control_fd >= 0)
		ret = emu_thread_start(emu, &emu->control_thread,
				       emu_control_main);
	return ret;
}

static void stop_threads(struct emu *emu)
{
	pthread_mutex_lock(&emu->lock);
	emu->stopping = true;
	pthread_cond_broadcast(&emu->changed);
	pthread_mutex_unlock(&emu->lock);
	emu_thread_join(&emu->control_thread);
	emu_thread_join(&emu->stream_thread);
	emu_thread_join(&emu->intr_thread);
	emu_thread_join(&emu->tick_thread);
	emu_thread_join(&emu->ep0_thread);
}

/* Waits for SIGTERM/SIGINT/SIGHUP, or for ep0 to fail. */
static int serve(struct emu *emu, const sigset_t *stop_signals)
{
	const struct timespec poll_interval = { 0, 250000000L };
	int sig;

	for (;;) {
		sig = sigtimedwait(stop_signals, NULL, &poll_interval);
		if (sig > 0) {
			emu_info(&emu->log, "%s: shutting down", strsignal(sig));
			return 0;
		}
		if (atomic_load(&emu->ep0_thread.done)) {
			emu_info(&emu->log, "FunctionFS ep0 closed: shutting down");
			return -EIO;
		}
	}
}

static int run_device(const struct cli *cli)
{
	char serial[FW_SERIAL_MAX + 1];
	struct gadget gadget;
	sigset_t stop_signals;
	struct emu emu;
	int ret;

	ret = emu_setup(&emu, cli, serial);
	if (ret)
		return EXIT_USAGE;
	/* threads inherit the mask, so only serve() sees the stop signals */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = emu_signals_init();
	if (ret)
		goto out_emu;

	if (cli->control) {
		ret = control_listen(cli->control, &emu.log);
		if (ret < 0)
			goto out_emu;
		emu.control_fd = ret;
	}
	ret = gadget_create(&gadget, cli->udc, serial, cli->speed, &emu.log);
	if (ret)
		goto out_control;
	emu.ep0 = gadget.ep0;
	emu.ep_frames = gadget.ep_frames;
	emu.ep_events = gadget.ep_events;

	ret = start_threads(&emu);
	if (!ret)
		ret = gadget_bind(&gadget);
	if (!ret)
		ret = serve(&emu, &stop_signals);
	/* unplug first: pending endpoint I/O then ends with ESHUTDOWN */
	gadget_unbind(&gadget);
	stop_threads(&emu);
	gadget_destroy(&gadget);
	emu_info(&emu.log, "sent %u frames, dropped %u, corrupted %u, "
		 "truncated %u", emu.fw.frames_sent, emu.fw.frames_dropped,
		 emu.frames_corrupted, emu.frames_truncated);
out_control:
	if (emu.control_fd >= 0) {
		close(emu.control_fd);
		unlink(cli->control);
	}
out_emu:
	scn_timeline_free(&emu.timeline);
	pthread_cond_destroy(&emu.changed);
	pthread_mutex_destroy(&emu.lock);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct cli cli;

	if (parse_cli(&cli, argc, argv))
		return EXIT_USAGE;
	return cli.render ? run_render(&cli) : run_device(&cli);
}
