/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 1:N identification over an in-memory gallery of templates.
 *
 * Templates are stored packed for the popcount kernels (512 bytes each).
 * A search runs on several threads; each entry first gets the matcher's
 * coarse translation stage and only entries that pass a loose pre-filter
 * get the rest of the fast search (the wide one of match.h when the
 * entry or the probe is unanchored). The best 32 entries (or more, when
 * more are asked for) are then re-scored with pv_probe_match()'s thorough
 * search, so the scores reported are 1:1 scores. Entries are biometric
 * data: the gallery zeroes them when freed.
 */
#ifndef PALMVEIN_GALLERY_H
#define PALMVEIN_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#include <palmvein/match.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pv_gallery;

struct pv_candidate {
	uint64_t id;		/* what the caller passed to pv_gallery_add() */
	float score;		/* as pv_match_result.score */
};

/*
 * A gallery for templates protected with key @key_id (renew.h), or for
 * plain templates when @key_id is 0. Returns 0, -EINVAL or -ENOMEM.
 */
int pv_gallery_new(uint32_t key_id, struct pv_gallery **out);
void pv_gallery_free(struct pv_gallery *g);

/* Pre-allocates room for @n entries. Returns 0 or -ENOMEM. */
int pv_gallery_reserve(struct pv_gallery *g, size_t n);

/*
 * Adds a copy of @t under @id (ids need not be unique: enrol several
 * presentations of one palm under one id). Returns 0, -EINVAL, -ENOMEM or
 * -EKEYREJECTED when @t's key does not match the gallery's.
 */
int pv_gallery_add(struct pv_gallery *g, const struct pv_template *t,
		   uint64_t id);

size_t pv_gallery_size(const struct pv_gallery *g);

/*
 * Finds the @nbest (1..PV_GALLERY_MAX_BEST) best-scoring entries for
 * @probe using @threads threads (0: one per online CPU). Writes them to
 * @best in falling score order and returns how many it wrote, or -EINVAL,
 * -EKEYREJECTED (probe and gallery keys differ), -ENOMEM, -EAGAIN (no
 * threads). The fast search ranks every entry, the 1:1 search re-scores
 * the best 32 in the probe's order, and in a plain gallery the @nbest
 * kept then take both orders' score, pv_match()'s (match.h): a probe of
 * each, 1.6 ms apiece. A keyed gallery's entries are protected and cannot
 * be probes: its scores are the probe's order's.
 */
#define PV_GALLERY_MAX_BEST 64
int pv_gallery_identify(const struct pv_gallery *g, const struct pv_probe *probe,
			unsigned int threads, struct pv_candidate *best,
			unsigned int nbest);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_GALLERY_H */
