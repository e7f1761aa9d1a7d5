/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renewable (cancellable) templates: a keyed transform with a per-deployment
 * secret, after ISO/IEC 24745.
 *
 * From the secret, HMAC-SHA256 derives a key id, a permutation of the cells
 * of each grid row and a pseudo-random pad XORed onto the code bits. Stored
 * (reference) templates are transformed once at enrolment with
 * pv_renew_protect(). A fresh probe stays plain in memory and is turned
 * into a protected probe with pv_renew_probe_new(): every alignment the
 * search tries is transformed, so the search works across the transform and
 * distances are those of the plain codes.
 *
 *  - unlinkability: two deployments' templates of one palm look unrelated;
 *  - renewability: a new secret gives new templates, the old ones stop
 *    matching;
 *  - irreversibility: without the secret the code bits are padded with
 *    keyed noise. With the secret, the transform can be undone: keep the
 *    secret apart from the templates (docs/template-format.md).
 */
#ifndef PALMVEIN_RENEW_H
#define PALMVEIN_RENEW_H

#include <stddef.h>
#include <stdint.h>

#include <palmvein/match.h>
#include <palmvein/template.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Secrets shorter than this are refused. */
#define PV_RENEW_MIN_SECRET 16

struct pv_renew_key;

/* Derives a key from @secret. Returns 0, -EINVAL (short secret) or -ENOMEM. */
int pv_renew_key_new(const void *secret, size_t len, struct pv_renew_key **out);

/* Zeroes and frees; NULL is a no-op. */
void pv_renew_key_free(struct pv_renew_key *key);

/* Non-zero identifier of the key, stored in the templates it protects. */
uint32_t pv_renew_key_id(const struct pv_renew_key *key);

/*
 * Writes the protected form of plain template @in to @out (which may be
 * @in). Returns 0 or -EINVAL (NULL, or @in already protected).
 */
int pv_renew_protect(const struct pv_renew_key *key, const struct pv_template *in,
		     struct pv_template *out);

/*
 * Prepares plain template @t as a probe for references protected with
 * @key. Returns 0, -EINVAL or -ENOMEM.
 */
int pv_renew_probe_new(const struct pv_renew_key *key,
		       const struct pv_template *t, struct pv_probe **out);

#ifdef __cplusplus
}
#endif

#endif /* PALMVEIN_RENEW_H */
