// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Keyed template transform: per-row cell permutation plus an XOR pad on the
 * code planes, both drawn from HMAC-SHA256(secret, label || counter)
 * (nettle). The circular thermometer code keeps its distances under a
 * common XOR, and the permutation moves both templates' cells alike, so an
 * aligned comparison gives the plain distance exactly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>

#include <palmvein/renew.h>

#include "match_internal.h"

struct pv_renew_key {
	uint32_t key_id;
	uint8_t perm[PV_GRID][PV_GRID];		/* row y: cell x -> perm[y][x] */
	uint32_t pad[PV_CODE_PLANES][PV_GRID];
};

/* Deterministic byte stream: HMAC blocks over label || big-endian counter. */
struct keystream {
	struct hmac_sha256_ctx ctx;
	const char *label;
	uint32_t counter;
	uint8_t block[SHA256_DIGEST_SIZE];
	unsigned int used;
};

static void keystream_init(struct keystream *ks, const void *secret, size_t len,
			   const char *label)
{
	hmac_sha256_set_key(&ks->ctx, len, secret);
	ks->label = label;
	ks->counter = 0;
	ks->used = SHA256_DIGEST_SIZE;
}

static uint32_t keystream_u32(struct keystream *ks)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		if (ks->used == SHA256_DIGEST_SIZE) {
			uint8_t ctr[4] = { ks->counter >> 24, ks->counter >> 16,
					   ks->counter >> 8, ks->counter };

			hmac_sha256_update(&ks->ctx, strlen(ks->label),
					   (const uint8_t *)ks->label);
			hmac_sha256_update(&ks->ctx, sizeof(ctr), ctr);
			hmac_sha256_digest(&ks->ctx, sizeof(ks->block), ks->block);
			ks->counter++;
			ks->used = 0;
		}
		v = v << 8 | ks->block[ks->used++];
	}
	return v;
}

static void keystream_wipe(struct keystream *ks)
{
	explicit_bzero(ks, sizeof(*ks));
}

int pv_renew_key_new(const void *secret, size_t len, struct pv_renew_key **out)
{
	struct pv_renew_key *key;
	struct keystream ks;

	if (!secret || !out || len < PV_RENEW_MIN_SECRET)
		return -EINVAL;
	key = malloc(sizeof(*key));
	if (!key)
		return -ENOMEM;

	keystream_init(&ks, secret, len, "palmvein renew v1 key id");
	key->key_id = keystream_u32(&ks);
	if (!key->key_id)	/* 0 means "unprotected" */
		key->key_id = 1;

	/* Fisher-Yates per row; the modulo bias of a 32-bit draw is < 2^-27. */
	keystream_init(&ks, secret, len, "palmvein renew v1 permutation");
	for (int y = 0; y < PV_GRID; y++) {
		for (int x = 0; x < PV_GRID; x++)
			key->perm[y][x] = (uint8_t)x;
		for (int x = PV_GRID - 1; x > 0; x--) {
			int j = (int)(keystream_u32(&ks) % (uint32_t)(x + 1));
			uint8_t tmp = key->perm[y][x];

			key->perm[y][x] = key->perm[y][j];
			key->perm[y][j] = tmp;
		}
	}
	keystream_init(&ks, secret, len, "palmvein renew v1 pad");
	for (int p = 0; p < PV_CODE_PLANES; p++)
		for (int y = 0; y < PV_GRID; y++)
			key->pad[p][y] = keystream_u32(&ks);
	keystream_wipe(&ks);
	*out = key;
	return 0;
}

void pv_renew_key_free(struct pv_renew_key *key)
{
	if (!key)
		return;
	explicit_bzero(key, sizeof(*key));
	free(key);
}

uint32_t pv_renew_key_id(const struct pv_renew_key *key)
{
	return key ? key->key_id : 0;
}

/* Transforms grid row @y given as code planes and mask (4 words). */
static void transform_row(const struct pv_renew_key *key, int y,
			  const uint32_t in[4], uint32_t out[4])
{
	uint32_t res[4] = { 0, 0, 0, 0 };

	for (int x = 0; x < PV_GRID; x++)
		for (int w = 0; w < 4; w++)
			res[w] |= (in[w] >> x & 1u) << key->perm[y][x];
	for (int p = 0; p < PV_CODE_PLANES; p++)
		res[p] ^= key->pad[p][y];
	memcpy(out, res, sizeof(res));
}

int pv_renew_protect(const struct pv_renew_key *key, const struct pv_template *in,
		     struct pv_template *out)
{
	if (!key || !in || !out || (in->flags & PV_TEMPLATE_PROTECTED))
		return -EINVAL;
	if (out != in)
		*out = *in;
	for (int y = 0; y < PV_GRID; y++) {
		uint32_t row[4];

		/* Invalid cells carry no code: mask first, as the matcher does. */
		for (int p = 0; p < PV_CODE_PLANES; p++)
			row[p] = in->code[p][y] & in->mask[y];
		row[3] = in->mask[y];
		transform_row(key, y, row, row);
		for (int p = 0; p < PV_CODE_PLANES; p++)
			out->code[p][y] = row[p];
		out->mask[y] = row[3];
		explicit_bzero(row, sizeof(row));
	}
	out->flags |= PV_TEMPLATE_PROTECTED;
	out->key_id = key->key_id;
	return 0;
}

int pv_renew_probe_new(const struct pv_renew_key *key,
		       const struct pv_template *t, struct pv_probe **out)
{
	struct pv_probe *probe;
	int ret;

	if (!key || !t || !out || (t->flags & PV_TEMPLATE_PROTECTED))
		return -EINVAL;
	ret = pv_probe_build(t, &probe);
	if (ret)
		return ret;
	for (int v = 0; v < PV_WIDE_VARIANTS; v++)
		for (int i = 0; i < PV_GRID; i++)
			transform_row(key, pv_search_row(i),
				      probe->wide[v].row[i].w,
				      probe->wide[v].row[i].w);
	pv_probe_copy_variants(probe);
	pv_probe_set_columns(probe, key->perm);
	probe->key_id = key->key_id;
	*out = probe;
	return 0;
}
