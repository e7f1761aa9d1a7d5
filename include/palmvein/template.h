/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The palm-vein template: what the pipeline publishes and the matcher reads.
 *
 * In memory it is struct pv_template; on the wire and on disk it is a fixed
 * PV_TEMPLATE_SIZE-byte little-endian record, specified byte by byte in
 * docs/template-format.md. Parsing is a pure function of (buf, len).
 * A template is biometric data: callers zero it after use
 * (pv_template_wipe()).
 */
#ifndef PALMVEIN_TEMPLATE_H
#define PALMVEIN_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include <palmvein/roi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PV_TEMPLATE_VERSION_MAJOR 1
#define PV_TEMPLATE_VERSION_MINOR 1

/* Feature grid: PV_GRID x PV_GRID cells over the ROI. */
#define PV_GRID 32
/* Bits per cell of orientation code (see docs/template-format.md). */
#define PV_CODE_PLANES 3

/* Serialised size in bytes. */
#define PV_TEMPLATE_SIZE 564

enum pv_algorithm {
	/* 6-orientation Gabor competitive code, 32x32 cells, 3-bit
	 * circular-distance code per cell plus a validity bit. */
	PV_ALG_COMPCODE6_32 = 1,
};

enum pv_template_flags {
	/* Feature bits went through the keyed transform of renew.h. */
	PV_TEMPLATE_PROTECTED = 1u << 0,
	/* No finger valleys fixed the ROI (palm-centre crop, closed fingers):
	 * the palm may sit anywhere in it, and the matcher searches wider.
	 * Since 1.1; serialised in byte 39, which 1.0 readers ignore. */
	PV_TEMPLATE_UNANCHORED = 1u << 1,
};

struct pv_template {
	uint8_t version_major;
	uint8_t version_minor;
	uint8_t algorithm;	/* enum pv_algorithm */
	uint8_t flags;		/* enum pv_template_flags */
	uint32_t key_id;	/* renew.h key identifier; 0 when unprotected */
	struct pv_roi_geometry geom;
	struct pv_quality quality;
	/* code[p][y] bit x: plane p of the orientation code of cell (x, y). */
	uint32_t code[PV_CODE_PLANES][PV_GRID];
	/* mask[y] bit x: cell (x, y) carries a usable code. */
	uint32_t mask[PV_GRID];
};

/* Writes @t into @out (PV_TEMPLATE_SIZE bytes). Returns 0 or -EINVAL. */
int pv_template_serialize(const struct pv_template *t,
			  uint8_t out[PV_TEMPLATE_SIZE]);

/*
 * Parses a serialised template. Returns 0, or:
 *   -EINVAL       NULL arguments
 *   -EBADMSG      wrong magic, or the checksum does not match
 *   -EPROTONOSUPPORT  major version or algorithm this library cannot match
 *   -EMSGSIZE     @len is not the size this version requires (truncated or
 *                 trailing bytes)
 *   -ERANGE       a field is out of its allowed range
 * On error *out is zeroed. @reason (may be NULL) receives a static sentence.
 */
int pv_template_parse(const void *buf, size_t len, struct pv_template *out,
		      const char **reason);

/* Number of cells whose mask bit is set. */
unsigned int pv_template_valid_cells(const struct pv_template *t);

/* Zeroes @t without the compiler eliding it. */
void pv_template_wipe(struct pv_template *t);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_TEMPLATE_H */
