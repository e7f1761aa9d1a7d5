/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* palmctl: the commands and the small file helpers they share. */
#ifndef PALMCTL_H
#define PALMCTL_H

#include <stddef.h>
#include <stdio.h>

#include <palmvein/template.h>

/* Exit codes: 0 ok, 1 error, 2 no usable palm (extract). */
enum { EXIT_NO_PALM = 2 };

/* Largest input file palmctl reads (images, templates). */
#define PALMCTL_MAX_FILE (64u << 20)

/*
 * Reads @path into a new buffer. Returns 0 or a negative errno (-EFBIG
 * beyond PALMCTL_MAX_FILE). The caller zeroes and frees *buf.
 */
int read_file(const char *path, void **buf, size_t *len);

/* Writes @len bytes to @path, mode 0600 (biometric data). Returns 0 or -errno. */
int write_file(const char *path, const void *buf, size_t len);

/* Reads and parses a template file; prints the reason on failure. */
int load_template(const char *path, struct pv_template *t);

/*
 * Reads, decodes and extracts one image; with @unlit_path (may be NULL),
 * the unlit frame of a lit/unlit pair is subtracted first. On failure
 * returns the negative errno of the step that failed (-EAGAIN: no usable
 * palm; anything else: a file or an image is bad) and points *why at a
 * sentence saying why.
 */
int palmctl_extract_image(const char *path, const char *unlit_path,
			  struct pv_template *t, const char **why);

struct pv_renew_key;

/* Loads the deployment secret for renewable templates (renew.h). */
int load_key(const char *path, struct pv_renew_key **key);

/*
 * Prints what @t holds (version, algorithm, key id, ROI geometry, quality,
 * valid cells) under the heading @path; docs/template-format.md shows it.
 */
void palmctl_print_info(FILE *out, const char *path, const struct pv_template *t);

int cmd_extract(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_eval(int argc, char **argv);

#endif /* PALMCTL_H */
