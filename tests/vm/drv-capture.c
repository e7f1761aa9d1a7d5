// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * drv-capture: stream from a palmvein.ko video node (and its metadata node)
 * and check what the driver delivers.
 *
 *   drv-capture -d /dev/video0 [-m /dev/video1] [-n frames]
 *               [-r ref-%u.raw -k variants] [-c N] [-t N] [-o out.raw]
 *
 * Checks, each one failing the run:
 *   - V4L2 sequence numbers strictly increase; timestamps are monotonic
 *     and never go backwards;
 *   - with -m: every video buffer has the metadata buffer of the same
 *     sequence (when one was queued), with the same error flag;
 *   - with -r/-k: every good frame is byte-identical to the reference
 *     rendering of its variant (device sequence mod variants); references
 *     are raw payloads or the PGM files of `palmvein-emu --render`;
 *   - with -c/-t: every frame the emulator corrupted or truncated (device
 *     sequence s with (s + 1) % N == 0) is flagged V4L2_BUF_FLAG_ERROR,
 *     and at least one such frame was seen.
 * It prints one summary line of counters, for scripts and benchmarks.
 *
 *   drv-capture -E -d /dev/video0 [-n events] [-w timeout_s]
 *
 * waits, without streaming, for palm-distance V4L2_EVENT_CTRL events and
 * prints them. When the sensor is unplugged meanwhile, it checks that the
 * open handle now gets ENODEV and exits 0 after printing "device gone".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/videodev2.h>
#include <linux/palmvein.h>

#define NUM_BUFS	8
#define META_RING	64
#define MAX_VARIANTS	64

struct mapping {
	void *addr;
	size_t len;
};

struct stream {
	int fd;
	enum v4l2_buf_type type;
	struct mapping bufs[NUM_BUFS];
	unsigned int count;
};

struct meta_slot {
	bool valid;
	bool error;
	struct palmvein_meta meta;
};

struct options {
	const char *video;
	const char *meta;
	const char *ref_pattern;
	const char *out;
	unsigned int frames;
	unsigned int variants;
	unsigned int corrupt_every;
	unsigned int truncate_every;
	unsigned int timeout_s;
	bool events;
};

struct counters {
	unsigned int frames;
	unsigned int good;
	unsigned int errors;
	unsigned int injected_flagged;
	unsigned int compared;
	unsigned int gaps;
	unsigned int missing;
	unsigned int failures;
};

static void fail(struct counters *c, const char *fmt, unsigned int seq)
{
	fprintf(stderr, "drv-capture: FAIL: ");
	fprintf(stderr, fmt, seq);
	fputc('\n', stderr);
	c->failures++;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

static int stream_open(struct stream *s, const char *path,
		       enum v4l2_buf_type type)
{
	struct v4l2_requestbuffers req = {
		.count = NUM_BUFS, .type = type, .memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->type = type;
	s->fd = open(path, O_RDWR | O_NONBLOCK);
	if (s->fd < 0) {
		fprintf(stderr, "drv-capture: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	ret = xioctl(s->fd, VIDIOC_REQBUFS, &req);
	if (ret || req.count < 2) {
		fprintf(stderr, "drv-capture: %s: REQBUFS: %s\n", path,
			strerror(ret ? -ret : ENOMEM));
		return ret ? ret : -ENOMEM;
	}
	s->count = req.count < NUM_BUFS ? req.count : NUM_BUFS;
	for (i = 0; i < s->count; i++) {
		struct v4l2_buffer b = {
			.index = i, .type = type, .memory = V4L2_MEMORY_MMAP,
		};

		ret = xioctl(s->fd, VIDIOC_QUERYBUF, &b);
		if (ret)
			return ret;
		s->bufs[i].len = b.length;
		s->bufs[i].addr = mmap(NULL, b.length, PROT_READ | PROT_WRITE,
				       MAP_SHARED, s->fd, b.m.offset);
		if (s->bufs[i].addr == MAP_FAILED) {
			s->bufs[i].addr = NULL;
			return -errno;
		}
		ret = xioctl(s->fd, VIDIOC_QBUF, &b);
		if (ret)
			return ret;
	}
	return xioctl(s->fd, VIDIOC_STREAMON, &type);
}

static void stream_close(struct stream *s)
{
	unsigned int i;

	if (s->fd < 0)
		return;
	xioctl(s->fd, VIDIOC_STREAMOFF, &s->type);
	for (i = 0; i < s->count; i++)
		if (s->bufs[i].addr)
			munmap(s->bufs[i].addr, s->bufs[i].len);
	close(s->fd);
}

/* Dequeues one buffer: 1 when one was ready, 0 when none, or -errno. */
static int stream_dequeue(struct stream *s, struct v4l2_buffer *b)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->type = s->type;
	b->memory = V4L2_MEMORY_MMAP;
	ret = xioctl(s->fd, VIDIOC_DQBUF, b);
	if (ret == -EAGAIN)
		return 0;
	return ret ? ret : 1;
}

static int stream_requeue(struct stream *s, struct v4l2_buffer *b)
{
	return xioctl(s->fd, VIDIOC_QBUF, b);
}

/* Moves every ready metadata buffer into the ring, by sequence number. */
static int drain_meta(struct stream *m, struct meta_slot *ring)
{
	struct v4l2_buffer b;
	int ret;

	while ((ret = stream_dequeue(m, &b)) == 1) {
		struct meta_slot *slot = &ring[b.sequence % META_RING];

		slot->valid = b.bytesused >= sizeof(slot->meta) ||
			      (b.flags & V4L2_BUF_FLAG_ERROR);
		slot->error = b.flags & V4L2_BUF_FLAG_ERROR;
		memcpy(&slot->meta, m->bufs[b.index].addr, sizeof(slot->meta));
		ret = stream_requeue(m, &b);
		if (ret)
			return ret;
	}
	return ret;
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *data = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)size);
		if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
			free(data);
			data = NULL;
		}
		*len = (size_t)size;
	}
	fclose(f);
	return data;
}

static bool injected(uint32_t dev_seq, unsigned int every)
{
	return every && (dev_seq + 1) % every == 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: drv-capture -d VIDEO [-m META] [-n FRAMES] [-r REF_PATTERN -k VARIANTS]\n"
		"                   [-c CORRUPT_EVERY] [-t TRUNCATE_EVERY] [-o OUT] [-w TIMEOUT_S]\n"
		"       drv-capture -E -d VIDEO [-n EVENTS] [-w TIMEOUT_S]\n");
	exit(2);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	int opt;

	memset(o, 0, sizeof(*o));
	o->frames = 100;
	o->timeout_s = 30;
	while ((opt = getopt(argc, argv, "d:m:n:r:k:c:t:o:w:E")) != -1) {
		switch (opt) {
		case 'E':
			o->events = true;
			break;
		case 'd':
			o->video = optarg;
			break;
		case 'm':
			o->meta = optarg;
			break;
		case 'n':
			o->frames = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o->ref_pattern = optarg;
			break;
		case 'k':
			o->variants = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o->corrupt_every = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 't':
			o->truncate_every = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'w':
			o->timeout_s = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (!o->video || !o->frames || o->variants > MAX_VARIANTS ||
	    (o->ref_pattern && (!o->variants || !o->meta)) ||
	    ((o->corrupt_every || o->truncate_every) && !o->meta))
		usage();
}

struct refs {
	void *data[MAX_VARIANTS];
	size_t len[MAX_VARIANTS];
};

/*
 * A reference frame: the raw payload, or a binary PGM as `palmvein-emu
 * --render` writes it. PGM samples wider than 8 bits are big-endian; the
 * wire (and V4L2_PIX_FMT_Y10) has them little-endian.
 */
static int load_ref(const char *path, void **data, size_t *len)
{
	unsigned int w, h, maxval;
	uint8_t *p, *pixels;
	size_t size, i;
	int hdr = 0;

	p = read_file(path, &size);
	if (!p)
		return -ENOENT;
	if (size < 2 || p[0] != 'P' || p[1] != '5') {
		*data = p;
		*len = size;
		return 0;
	}
	if (sscanf((char *)p, "P5 %u %u %u%n", &w, &h, &maxval, &hdr) != 3 ||
	    (size_t)hdr + 1 > size) {
		free(p);
		return -EINVAL;
	}
	pixels = p + hdr + 1;	/* one whitespace byte ends the header */
	*len = size - (size_t)hdr - 1;
	if (*len != (size_t)w * h * (maxval > 255 ? 2 : 1)) {
		free(p);
		return -EINVAL;
	}
	if (maxval > 255) {
		for (i = 0; i + 1 < *len; i += 2) {
			uint8_t t = pixels[i];

			pixels[i] = pixels[i + 1];
			pixels[i + 1] = t;
		}
	}
	memmove(p, pixels, *len);
	*data = p;
	return 0;
}

static int load_refs(const struct options *o, struct refs *r)
{
	char path[4096];
	unsigned int v;

	for (v = 0; o->ref_pattern && v < o->variants; v++) {
		snprintf(path, sizeof(path), o->ref_pattern, v);
		if (load_ref(path, &r->data[v], &r->len[v])) {
			fprintf(stderr, "drv-capture: cannot read %s\n", path);
			return -ENOENT;
		}
	}
	return 0;
}

/* Judges one dequeued video buffer against the options. */
static void check_frame(const struct options *o, const struct refs *r,
			const struct meta_slot *ms, const struct v4l2_buffer *b,
			const void *data, struct counters *c)
{
	bool error = b->flags & V4L2_BUF_FLAG_ERROR;
	uint32_t dev_seq;
	unsigned int v;

	if (error)
		c->errors++;
	else
		c->good++;
	if (!o->meta)
		return;
	if (!ms->valid || ms->meta.sequence != b->sequence) {
		c->missing++;	/* the metadata queue ran dry: no pairing */
		return;
	}
	if (ms->error != error)
		fail(c, "sequence %u: video and metadata error flags differ",
		     b->sequence);
	dev_seq = ms->meta.device_sequence;
	if (injected(dev_seq, o->corrupt_every) ||
	    injected(dev_seq, o->truncate_every)) {
		if (!error)
			fail(c, "sequence %u: injected corruption delivered as good",
			     b->sequence);
		else
			c->injected_flagged++;
	}
	if (error || !o->ref_pattern)
		return;
	v = dev_seq % o->variants;
	if (b->bytesused != r->len[v] || memcmp(data, r->data[v], r->len[v]))
		fail(c, "sequence %u: frame differs from its reference rendering",
		     b->sequence);
	c->compared++;
}

/* -E: palm-distance events, or the device going away under an open handle */
static int wait_events(const struct options *o)
{
	struct v4l2_event_subscription sub = {
		.type = V4L2_EVENT_CTRL, .id = V4L2_CID_PALMVEIN_DISTANCE,
	};
	struct v4l2_capability cap;
	unsigned int seen = 0;
	time_t end = time(NULL) + (time_t)o->timeout_s;
	int fd, ret;

	fd = open(o->video, O_RDWR | O_NONBLOCK);
	if (fd < 0 || xioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub)) {
		fprintf(stderr, "drv-capture: %s: %s\n", o->video, strerror(errno));
		return 1;
	}
	while (seen < o->frames && time(NULL) < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		struct v4l2_event ev;

		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			break;
		if (pfd.revents & (POLLERR | POLLHUP)) {
			ret = xioctl(fd, VIDIOC_QUERYCAP, &cap);
			close(fd);
			if (ret != -ENODEV) {
				fprintf(stderr, "drv-capture: after unplug QUERYCAP gave %d, not -ENODEV\n",
					ret);
				return 1;
			}
			printf("device gone: ENODEV after %u events\n", seen);
			return 0;
		}
		if (!(pfd.revents & POLLPRI) ||
		    xioctl(fd, VIDIOC_DQEVENT, &ev))
			continue;
		if (ev.type == V4L2_EVENT_CTRL &&
		    ev.id == V4L2_CID_PALMVEIN_DISTANCE) {
			printf("event: distance=%d changes=0x%x\n",
			       ev.u.ctrl.value, ev.u.ctrl.changes);
			seen++;
		}
	}
	close(fd);
	printf("events=%u\n", seen);
	return seen < o->frames;
}

int main(int argc, char **argv)
{
	static struct meta_slot ring[META_RING];
	struct stream video = { .fd = -1 }, meta = { .fd = -1 };
	struct counters c = { 0 };
	struct refs refs = { 0 };
	struct options o;
	struct timespec start, now;
	uint64_t last_ts = 0;
	uint32_t last_seq = 0;
	FILE *out = NULL;
	int ret;

	parse_options(argc, argv, &o);
	if (o.events)
		return wait_events(&o);
	ret = load_refs(&o, &refs);
	if (ret)
		return 1;
	if (o.out && !(out = fopen(o.out, "wb"))) {
		perror(o.out);
		return 1;
	}

	ret = stream_open(&video, o.video, V4L2_BUF_TYPE_VIDEO_CAPTURE);
	if (!ret && o.meta)
		ret = stream_open(&meta, o.meta, V4L2_BUF_TYPE_META_CAPTURE);
	if (ret) {
		fprintf(stderr, "drv-capture: cannot start streaming: %s\n",
			strerror(-ret));
		goto out;
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (c.frames < o.frames) {
		struct pollfd pfd = { .fd = video.fd, .events = POLLIN };
		struct v4l2_buffer b;
		uint64_t ts;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > (time_t)o.timeout_s) {
			fprintf(stderr, "drv-capture: timeout after %u frames\n",
				c.frames);
			ret = -ETIMEDOUT;
			break;
		}
		ret = poll(&pfd, 1, 1000);
		if (ret < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (pfd.revents & (POLLERR | POLLHUP)) {
			ret = -ENODEV;
			break;
		}
		ret = stream_dequeue(&video, &b);
		if (ret < 0)
			break;
		if (!ret)
			continue;
		if (o.meta) {
			ret = drain_meta(&meta, ring);
			if (ret < 0)
				break;
		}

		ts = (uint64_t)b.timestamp.tv_sec * 1000000000u +
		     (uint64_t)b.timestamp.tv_usec * 1000u;
		if (c.frames && b.sequence <= last_seq)
			fail(&c, "sequence %u does not increase", b.sequence);
		if (c.frames && b.sequence != last_seq + 1)
			c.gaps += b.sequence - last_seq - 1;
		if (c.frames && ts < last_ts)
			fail(&c, "sequence %u: timestamp went backwards",
			     b.sequence);
		if (!(b.flags & V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC))
			fail(&c, "sequence %u: timestamp is not monotonic",
			     b.sequence);
		last_seq = b.sequence;
		last_ts = ts;

		check_frame(&o, &refs, &ring[b.sequence % META_RING], &b,
			    video.bufs[b.index].addr, &c);
		if (out && !(b.flags & V4L2_BUF_FLAG_ERROR) &&
		    fwrite(video.bufs[b.index].addr, 1, b.bytesused, out) !=
		    b.bytesused)
			fail(&c, "sequence %u: writing the output failed",
			     b.sequence);
		c.frames++;
		ret = stream_requeue(&video, &b);
		if (ret)
			break;
	}
	if ((o.corrupt_every || o.truncate_every) && !c.injected_flagged &&
	    c.frames == o.frames)
		fail(&c, "no injected corruption seen in %u frames", c.frames);
	/* Most good frames must have been judged, or the check proves little. */
	if (o.ref_pattern && c.frames == o.frames && c.compared * 2 < c.good)
		fail(&c, "only %u good frames had metadata to compare",
		     c.compared);

out:
	if (ret < 0 && ret != -ENODEV && ret != -ETIMEDOUT)
		fprintf(stderr, "drv-capture: %s\n", strerror(-ret));
	else if (ret == -ENODEV)
		fprintf(stderr, "drv-capture: device gone: %s\n", strerror(ENODEV));
	printf("frames=%u good=%u errors=%u injected_flagged=%u compared=%u gaps=%u meta_missing=%u failures=%u\n",
	       c.frames, c.good, c.errors, c.injected_flagged, c.compared,
	       c.gaps, c.missing, c.failures);
	stream_close(&meta);
	stream_close(&video);
	if (out && fclose(out))
		ret = -EIO;
	for (unsigned int v = 0; v < MAX_VARIANTS; v++)
		free(refs.data[v]);
	return ret || c.failures || c.frames < o.frames ? 1 : 0;
}
