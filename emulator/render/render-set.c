// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pv-render-set: writes a synthetic data set of full-hand NIR frames,
 * OUTDIR/<identity>_<presentation>.pgm, with every presentation nuisance
 * drawn at random (offset, rotation, distance, finger spread, deformation,
 * glare, ambient light, imperfect auto-exposure), so that matchers can be
 * tuned and evaluated on it:
 *
 *   pv-render-set OUTDIR --identities N --presentations M [--size WxH]
 *                 [--seed S] [--nuisance F] [--threads T] [--truth FILE]
 *                 [--pairs]
 *
 * --nuisance scales every nuisance from 0 (each presentation as steady as
 * a hand can be) to 1 (the full range a kiosk sees, the default), so a
 * matcher can be brought up step by step. The output depends only on the
 * arguments, not on the thread count.
 *
 * --pairs also writes each presentation's unlit frame,
 * OUTDIR/<identity>_<presentation>.unlit.pgm: the frame after the lit one
 * when the LEDs alternate, for ambient-light cancellation.
 *
 * --truth writes each presentation's pose as CSV, with where the palm
 * centre lands in the frame and the scale there, so that a frame pixel
 * (px, py) maps to the hand's own millimetres (origin at the palm centre,
 * +v to the fingers, thumb at -u) as
 *   dx = (px - palm_x_px) / px_per_mm,  dy = (palm_y_px - py) / px_per_mm,
 *   u = cos(rot) dx + sin(rot) dy,  v = cos(rot) dy - sin(rot) dx,
 * with u negated for a left hand. The pose is the drawn one: the renderer
 * adds up to 1.5 mm, 1.5 degrees and 1.5 % of jitter and 3 degrees of tilt.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hand.h"
#include "render.h"

/* The camera as pv_scene_render() places it: the frame's short side spans
 * FIELD_MM at NOMINAL_MM from the sensor. */
#define FIELD_MM 200.0f
#define NOMINAL_MM 60.0f

struct set_job {
	const char *outdir;
	unsigned int identities, presentations;
	unsigned int width, height;
	uint64_t seed;
	float nuisance;
	unsigned int threads;
	const char *truth;
	bool pairs;
};

struct worker {
	const struct set_job *job;
	unsigned int index;
	int ret;
};

static int write_pgm(const char *path, const uint8_t *px, unsigned int w,
		     unsigned int h)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f) {
		fprintf(stderr, "pv-render-set: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	ok = fprintf(f, "P5\n%u %u\n255\n", w, h) > 0 &&
	     fwrite(px, 1, (size_t)w * h, f) == (size_t)w * h;
	ok &= fclose(f) == 0;
	if (!ok) {
		fprintf(stderr, "pv-render-set: %s: write failed\n", path);
		return -EIO;
	}
	return 0;
}

/* Renders and writes one frame, OUTDIR/<identity>_<pres><suffix>.pgm. */
static int render_frame(const struct set_job *job, uint32_t identity,
			unsigned int pres, const struct pv_scene_desc *desc,
			const struct pv_exposure *exp, const char *suffix,
			uint8_t *frame)
{
	const struct pv_optics optics = { job->width, job->height, 2, { 850, 940 } };
	struct pv_scene *scene;
	char path[PATH_MAX];
	int ret;

	scene = pv_scene_render(desc, &optics);
	if (!scene) {
		ret = -errno;
		fprintf(stderr, "pv-render-set: render %u_%u%s: %s\n", identity,
			pres, suffix, strerror(errno));
		return ret;
	}
	ret = pv_scene_expose(scene, exp, frame, (size_t)job->width * job->height);
	pv_scene_free(scene);
	if (ret) {
		fprintf(stderr, "pv-render-set: expose %u_%u%s: %s\n", identity,
			pres, suffix, strerror(-ret));
		return ret;
	}
	if (snprintf(path, sizeof(path), "%s/%04u_%02u%s.pgm", job->outdir,
		     identity, pres, suffix) >= (int)sizeof(path)) {
		fprintf(stderr, "pv-render-set: output path too long\n");
		return -ENAMETOOLONG;
	}
	return write_pgm(path, frame, job->width, job->height);
}

static int render_one(const struct set_job *job, unsigned int item,
		      uint8_t *frame)
{
	uint32_t identity = item / job->presentations + 1;
	unsigned int pres = item % job->presentations + 1;
	struct pv_scene_desc desc;
	struct pv_exposure exp;
	int ret;

	pv_presentation_draw(job->seed, identity, pres, job->nuisance, &desc, &exp);
	ret = render_frame(job, identity, pres, &desc, &exp, "", frame);
	if (ret || !job->pairs)
		return ret;
	pv_presentation_draw_unlit(job->seed, identity, pres, job->nuisance,
				   &desc, &exp);
	return render_frame(job, identity, pres, &desc, &exp, ".unlit", frame);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct set_job *job = w->job;
	unsigned int total = job->identities * job->presentations;
	uint8_t *frame = malloc((size_t)job->width * job->height);

	if (!frame) {
		w->ret = -ENOMEM;
		return NULL;
	}
	for (unsigned int i = w->index; i < total && !w->ret; i += job->threads)
		w->ret = render_one(job, i, frame);
	free(frame);
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: pv-render-set OUTDIR --identities N --presentations M"
		   " [--size WxH] [--seed S] [--nuisance 0..1] [--threads T]"
		   " [--truth FILE] [--pairs]\n");
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max || s[0] == '-' ? -EINVAL
								       : 0;
}

static int parse_args(int argc, char **argv, struct set_job *job)
{
	static const struct option opts[] = {
		{ "identities", required_argument, NULL, 'n' },
		{ "presentations", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "nuisance", required_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 't' },
		{ "truth", required_argument, NULL, 'T' },
		{ "pairs", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	*job = (struct set_job){ NULL, 0, 0, 1280, 800, 1, 1.0f, 2, NULL, false };
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 1000000, &v) || !v)
				goto bad;
			job->identities = v;
			break;
		case 'm':
			if (parse_uint(optarg, 1000, &v) || !v)
				goto bad;
			job->presentations = v;
			break;
		case 's':
			if (sscanf(optarg, "%ux%u", &job->width, &job->height) != 2 ||
			    job->width < 16 || job->height < 16 ||
			    job->width > 8192 || job->height > 8192)
				goto bad;
			break;
		case 'S':
			if (parse_uint(optarg, ULONG_MAX, &v))
				goto bad;
			job->seed = v;
			break;
		case 'k': {
			char *end;

			job->nuisance = strtof(optarg, &end);
			if (end == optarg || *end || !(job->nuisance >= 0.0f) ||
			    job->nuisance > 1.0f)
				goto bad;
			break;
		}
		case 't':
			if (parse_uint(optarg, 64, &v) || !v)
				goto bad;
			job->threads = v;
			break;
		case 'T':
			job->truth = optarg;
			break;
		case 'P':
			job->pairs = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad_usage;
		}
	}
	if (optind != argc - 1 || !job->identities || !job->presentations)
		goto bad_usage;
	job->outdir = argv[optind];
	return 0;
bad:
	fprintf(stderr, "pv-render-set: bad value for --%s: %s\n",
		c == 'n' ? "identities" : c == 'm' ? "presentations" :
		c == 's' ? "size" : c == 'S' ? "seed" : c == 'k' ? "nuisance" :
		"threads", optarg);
	return -EINVAL;
bad_usage:
	usage(stderr);
	return -EINVAL;
}

/* One CSV line per presentation: its drawn pose and where it puts the palm. */
static int write_truth(const struct set_job *job)
{
	const unsigned int total = job->identities * job->presentations;
	FILE *f = fopen(job->truth, "w");
	int ok;

	if (!f) {
		fprintf(stderr, "pv-render-set: %s: %s\n", job->truth, strerror(errno));
		return -errno;
	}
	ok = fprintf(f, "file,identity,presentation,right_hand,x_mm,y_mm,rotation_deg,"
			"distance_mm,finger_spread,deform,ambient,glare,palm_x_px,"
			"palm_y_px,px_per_mm\n") > 0;
	for (unsigned int i = 0; i < total && ok; i++) {
		uint32_t identity = i / job->presentations + 1;
		unsigned int pres = i % job->presentations + 1;
		unsigned int side = job->width < job->height ? job->width : job->height;
		struct pv_scene_desc desc;
		struct pv_exposure exp;
		struct pv_hand hand;
		float px_per_mm;

		pv_presentation_draw(job->seed, identity, pres, job->nuisance, &desc, &exp);
		pv_hand_generate(identity, &hand);
		px_per_mm = side / FIELD_MM * NOMINAL_MM / desc.pose.distance_mm;
		ok = fprintf(f, "%04u_%02u.pgm,%u,%u,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,"
				"%.3f,%.3f,%.2f,%.2f,%.4f\n", identity, pres, identity,
			     pres, hand.right, desc.pose.x_mm, desc.pose.y_mm,
			     desc.pose.rotation_deg, desc.pose.distance_mm,
			     desc.pose.finger_spread < 0 ? hand.natural_spread :
							   desc.pose.finger_spread,
			     desc.pose.deform, desc.ambient, desc.glare,
			     job->width / 2.0f - 0.5f + desc.pose.x_mm * px_per_mm,
			     job->height / 2.0f - 0.5f - desc.pose.y_mm * px_per_mm,
			     px_per_mm) > 0;
	}
	ok &= fclose(f) == 0;
	if (!ok) {
		fprintf(stderr, "pv-render-set: %s: write failed\n", job->truth);
		return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct worker workers[64];
	pthread_t tid[64];
	struct set_job job;
	unsigned int started = 0;
	int ret = 0;

	if (parse_args(argc, argv, &job))
		return 2;
	if (mkdir(job.outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "pv-render-set: %s: %s\n", job.outdir,
			strerror(errno));
		return 1;
	}
	for (unsigned int t = 0; t < job.threads; t++) {
		workers[t] = (struct worker){ &job, t, 0 };
		if (pthread_create(&tid[t], NULL, worker_main, &workers[t])) {
			fprintf(stderr, "pv-render-set: cannot start thread\n");
			ret = -EAGAIN;
			break;
		}
		started++;
	}
	for (unsigned int t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
		if (workers[t].ret && !ret)
			ret = workers[t].ret;
	}
	if (!ret && job.truth)
		ret = write_truth(&job);
	return ret ? 1 : 0;
}
