// SPDX-License-Identifier: LGPL-2.1-or-later
/* palmctl extract / compare: templates from image files, scores between them. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>

#include "palmctl.h"

int load_key(const char *path, struct pv_renew_key **key)
{
	void *secret;
	size_t len;
	int ret = read_file(path, &secret, &len);

	if (ret) {
		fprintf(stderr, "palmctl: %s: %s\n", path, strerror(-ret));
		return ret;
	}
	ret = pv_renew_key_new(secret, len, key);
	explicit_bzero(secret, len);
	free(secret);
	if (ret == -EINVAL)
		fprintf(stderr, "palmctl: %s: a key needs at least %d bytes of secret\n",
			path, PV_RENEW_MIN_SECRET);
	else if (ret)
		fprintf(stderr, "palmctl: %s: %s\n", path, strerror(-ret));
	return ret;
}

static int write_roi(const char *path, struct pv_roi *roi)
{
	struct pv_image img;
	void *pgm;
	size_t len;
	int ret;

	ret = pv_image_wrap(&img, PV_ROI_SIZE, PV_ROI_SIZE, PV_ROI_SIZE, 8,
			    roi->pixels);
	if (!ret)
		ret = pv_image_write_pgm(&img, &pgm, &len);
	if (ret)
		return ret;
	ret = write_file(path, pgm, len);
	explicit_bzero(pgm, len);
	free(pgm);
	return ret;
}

static int load_image(const char *path, struct pv_image *img, const char **why)
{
	const char *reason = NULL;
	void *buf;
	size_t len;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret) {
		*why = strerror(-ret);
		return ret;
	}
	ret = pv_image_decode_reason(buf, len, img, &reason);
	explicit_bzero(buf, len);
	free(buf);
	if (ret)
		*why = reason ? reason : pv_image_strerror(ret);
	return ret;
}

/* The image -> template step shared by extract and eval: one frame, or a
 * lit frame and its unlit one. */
static int extract_image(const char *path, const char *unlit_path,
			 struct pv_template *t, struct pv_roi *roi,
			 const char **why)
{
	enum pv_roi_status status = PV_ROI_OK;
	struct pv_image img, unlit;
	int ret;

	ret = load_image(path, &img, why);
	if (ret)
		return ret;
	if (unlit_path) {
		ret = load_image(unlit_path, &unlit, why);
		if (ret) {
			pv_image_free(&img);
			return ret;
		}
		ret = pv_extract_pair(&img, &unlit, t, roi, &status);
		pv_image_free(&unlit);
	} else {
		ret = pv_extract(&img, t, roi, &status);
	}
	pv_image_free(&img);
	if (ret == -EAGAIN) {
		*why = pv_roi_status_str(status);
	} else if (ret == -ENODATA) {
		/* A palm, but nothing in it to match: no usable palm either. */
		*why = "too few usable vein cells in the palm region";
		ret = -EAGAIN;
	} else if (ret == -EINVAL && unlit_path) {
		*why = "the unlit frame differs from the lit one in size or depth";
	} else if (ret) {
		*why = strerror(-ret);
	}
	return ret;
}

int palmctl_extract_image(const char *path, const char *unlit_path,
			  struct pv_template *t, const char **why)
{
	struct pv_roi *roi = malloc(sizeof(*roi));
	int ret;

	if (!roi) {
		*why = strerror(ENOMEM);
		return -ENOMEM;
	}
	ret = extract_image(path, unlit_path, t, roi, why);
	explicit_bzero(roi, sizeof(*roi));
	free(roi);
	return ret;
}

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "roi-out", required_argument, NULL, 'r' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "unlit", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *roi_out = NULL, *key_file = NULL, *why = NULL;
	const char *unlit = NULL;
	struct pv_renew_key *key = NULL;
	uint8_t bytes[PV_TEMPLATE_SIZE];
	struct pv_template t;
	struct pv_roi *roi;
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': roi_out = optarg; break;
		case 'k': key_file = optarg; break;
		case 'u': unlit = optarg; break;
		default: return 1;
		}
	}
	if (optind != argc - 1 || !out) {
		fprintf(stderr, "usage: palmctl extract IMAGE -o OUT.pvt "
			"[--roi-out ROI.pgm] [--key-file SECRET] [--unlit UNLIT]\n");
		return 1;
	}
	if (key_file && load_key(key_file, &key))
		return 1;
	roi = malloc(sizeof(*roi));
	if (!roi) {
		pv_renew_key_free(key);
		return 1;
	}
	ret = extract_image(argv[optind], unlit, &t, roi, &why);
	if (ret == -EAGAIN) {
		fprintf(stderr, "palmctl: %s: no usable palm: %s\n", argv[optind], why);
		ret = EXIT_NO_PALM;
		goto out;
	}
	if (ret) {
		fprintf(stderr, "palmctl: %s: %s\n", argv[optind], why);
		ret = 1;
		goto out;
	}
	if (roi_out) {
		ret = write_roi(roi_out, roi);
		if (ret) {
			fprintf(stderr, "palmctl: %s: %s\n", roi_out, strerror(-ret));
			ret = 1;
			goto out;
		}
	}
	if (key)
		pv_renew_protect(key, &t, &t);
	pv_template_serialize(&t, bytes);
	ret = write_file(out, bytes, sizeof(bytes));
	if (ret) {
		fprintf(stderr, "palmctl: %s: %s\n", out, strerror(-ret));
		ret = 1;
	}
	explicit_bzero(bytes, sizeof(bytes));
out:
	pv_template_wipe(&t);
	explicit_bzero(roi, sizeof(*roi));
	free(roi);
	pv_renew_key_free(key);
	return ret;
}

/*
 * The probe is prepared once. Plain templates are compared in both
 * orders; with a key the references are protected and only the probe's
 * order exists.
 */
int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_file = NULL;
	struct pv_renew_key *key = NULL;
	struct pv_probe *probe = NULL;
	struct pv_template t, ref;
	bool keyed;
	int c, ret, status = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'k')
			return 1;
		key_file = optarg;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: palmctl compare [--key-file SECRET] "
			"PROBE.pvt GALLERY.pvt...\n");
		return 1;
	}
	if (load_template(argv[optind], &t))
		return 1;
	if (t.flags & PV_TEMPLATE_PROTECTED) {
		fprintf(stderr, "palmctl: %s: the probe must be a plain template; "
			"protected ones can only be references\n", argv[optind]);
		pv_template_wipe(&t);
		return 1;
	}
	if (key_file && load_key(key_file, &key)) {
		pv_template_wipe(&t);
		return 1;
	}
	keyed = key;
	ret = key ? pv_renew_probe_new(key, &t, &probe) : pv_probe_new(&t, &probe);
	pv_template_wipe(&t);
	pv_renew_key_free(key);
	if (ret) {
		fprintf(stderr, "palmctl: %s: %s\n", argv[optind], strerror(-ret));
		return 1;
	}
	for (int i = optind + 1; i < argc; i++) {
		struct pv_match_result r;

		if (load_template(argv[i], &ref)) {
			status = 1;
			continue;
		}
		ret = keyed ? pv_probe_match(probe, &ref, &r)
			    : pv_probe_match_pair(probe, &ref, &r);
		pv_template_wipe(&ref);
		if (ret) {
			fprintf(stderr, "palmctl: %s: %s\n", argv[i],
				ret == -EKEYREJECTED ? "protected with another key (or none): "
						       "not comparable" : strerror(-ret));
			status = 1;
			continue;
		}
		printf("%.4f %s\n", r.score, argv[i]);
	}
	pv_probe_free(probe);
	return status;
}
