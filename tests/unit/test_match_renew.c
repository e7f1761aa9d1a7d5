// SPDX-License-Identifier: LGPL-2.1-or-later
/* Renewable templates: exact distances under one key, nothing across keys. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <palmvein/palmvein.h>

#include "check_run.h"
#include "matching_helpers.h"

static const char secret_a[] = "deployment A: 0123456789abcdef";
static const char secret_b[] = "deployment B: 0123456789abcdef";

static struct pv_renew_key *key_of(const char *secret)
{
	struct pv_renew_key *k;

	ck_assert_int_eq(pv_renew_key_new(secret, strlen(secret), &k), 0);
	return k;
}

static void pair(uint32_t seed, struct pv_template *a, struct pv_template *b)
{
	struct test_field f;

	test_field_random(&f, seed);
	test_template_from_field(&f, a, 0, 0, 0, 1);
	test_template_from_field(&f, b, -2, 3, 3, 1);
	test_perturb(b, 200, seed);
	b->mask[0] = 0;		/* some invalid cells too */
}

/* The keyed transform costs no accuracy: every score is the plain score. */
START_TEST(same_key_same_scores)
{
	struct pv_renew_key *k = key_of(secret_a);

	for (uint32_t seed = 1; seed < 12; seed++) {
		struct pv_template probe, ref, prot;
		struct pv_probe *plain_p, *prot_p;
		struct pv_match_result plain, secured;

		pair(seed, &probe, &ref);
		if (seed % 3 == 0)	/* impostor pairs as well */
			pair(seed + 100, &ref, &prot);
		/* and the wide search, from either side */
		if (seed % 4 == 1)
			probe.flags |= PV_TEMPLATE_UNANCHORED;
		if (seed % 4 == 2)
			ref.flags |= PV_TEMPLATE_UNANCHORED;
		ck_assert_int_eq(pv_renew_protect(k, &ref, &prot), 0);
		ck_assert(prot.flags & PV_TEMPLATE_PROTECTED);
		ck_assert_uint_eq(prot.key_id, pv_renew_key_id(k));
		ck_assert_int_ne(memcmp(prot.code, ref.code, sizeof(ref.code)), 0);
		ck_assert_int_eq(pv_probe_new(&probe, &plain_p), 0);
		ck_assert_int_eq(pv_renew_probe_new(k, &probe, &prot_p), 0);
		ck_assert_int_eq(pv_probe_match(plain_p, &ref, &plain), 0);
		ck_assert_int_eq(pv_probe_match(prot_p, &prot, &secured), 0);
		ck_assert_float_eq(secured.score, plain.score);
		ck_assert_float_eq(secured.distance, plain.distance);
		ck_assert_int_eq(secured.dx, plain.dx);
		/* A plain probe cannot read a protected reference. */
		ck_assert_int_eq(pv_probe_match(plain_p, &prot, &plain), -EKEYREJECTED);
		pv_probe_free(plain_p);
		pv_probe_free(prot_p);
	}
	pv_renew_key_free(k);
}
END_TEST

/*
 * Unlinkability: the same palm protected under two keys compares like two
 * different palms, even with the alignment search.
 */
START_TEST(other_key_unlinkable)
{
	struct pv_renew_key *ka = key_of(secret_a), *kb = key_of(secret_b);
	struct pv_template probe, ref, in_a, in_b;
	struct pv_probe *p;
	struct pv_match_result r;

	ck_assert_uint_ne(pv_renew_key_id(ka), pv_renew_key_id(kb));
	ck_assert_uint_ne(pv_renew_key_id(ka), 0);
	pair(5, &probe, &ref);
	ck_assert_int_eq(pv_renew_protect(ka, &ref, &in_a), 0);
	ck_assert_int_eq(pv_renew_protect(kb, &ref, &in_b), 0);

	/* An attacker holding both treats one as a probe: no match. */
	in_a.flags = 0;
	in_a.key_id = 0;
	in_b.flags = 0;
	in_b.key_id = 0;
	ck_assert_int_eq(pv_match(&in_a, &in_b, &r), 0);
	ck_assert_float_lt(r.score, 0.01f);
	ck_assert_float_gt(r.distance, 0.35f);

	/* Renewal: a probe under the new key does not accept the old template. */
	ck_assert_int_eq(pv_renew_probe_new(kb, &probe, &p), 0);
	ck_assert_int_eq(pv_renew_protect(ka, &ref, &in_a), 0);
	ck_assert_int_eq(pv_probe_match(p, &in_a, &r), -EKEYREJECTED);
	in_a.key_id = pv_renew_key_id(kb);	/* forged key id */
	ck_assert_int_eq(pv_probe_match(p, &in_a, &r), 0);
	ck_assert_float_lt(r.score, 0.01f);
	pv_probe_free(p);
	pv_renew_key_free(ka);
	pv_renew_key_free(kb);
}
END_TEST

/* Key derivation is part of the format: the same secret, the same key. */
START_TEST(derivation_is_deterministic)
{
	struct pv_renew_key *k1 = key_of(secret_a), *k2 = key_of(secret_a);
	struct pv_template a, b, pa, pb;

	pair(9, &a, &b);
	ck_assert_uint_eq(pv_renew_key_id(k1), pv_renew_key_id(k2));
	ck_assert_int_eq(pv_renew_protect(k1, &a, &pa), 0);
	ck_assert_int_eq(pv_renew_protect(k2, &a, &pb), 0);
	ck_assert_mem_eq(&pa, &pb, sizeof(pa));
	pv_renew_key_free(k1);
	pv_renew_key_free(k2);
}
END_TEST

START_TEST(bad_arguments)
{
	struct pv_renew_key *k;
	struct pv_template a, b, pa;
	struct pv_probe *p;

	ck_assert_int_eq(pv_renew_key_new("short", 5, &k), -EINVAL);
	ck_assert_int_eq(pv_renew_key_new(NULL, 32, &k), -EINVAL);
	k = key_of(secret_a);
	pair(3, &a, &b);
	ck_assert_int_eq(pv_renew_protect(k, &a, &pa), 0);
	ck_assert_int_eq(pv_renew_protect(k, &pa, &b), -EINVAL);
	ck_assert_int_eq(pv_renew_probe_new(k, &pa, &p), -EINVAL);
	ck_assert_int_eq(pv_renew_probe_new(NULL, &a, &p), -EINVAL);
	/* A protected template survives serialisation. */
	uint8_t bytes[PV_TEMPLATE_SIZE];

	ck_assert_int_eq(pv_template_serialize(&pa, bytes), 0);
	ck_assert_int_eq(pv_template_parse(bytes, sizeof(bytes), &b, NULL), 0);
	ck_assert_uint_eq(b.key_id, pv_renew_key_id(k));
	ck_assert_mem_eq(b.code, pa.code, sizeof(b.code));
	pv_renew_key_free(k);
	pv_renew_key_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("renew");
	TCase *tc = tcase_create("renew");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, same_key_same_scores);
	tcase_add_test(tc, other_key_unlinkable);
	tcase_add_test(tc, derivation_is_deterministic);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return check_run(s);
}
