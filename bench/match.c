// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-match: matcher speed beside same-run baselines.
 *
 *  1:1, one core: comparisons per second of a prepared probe against
 *  stored templates with the full coarse-to-fine alignment search, beside
 *  (a) a naive byte-per-cell matcher without any alignment and (b) the
 *  same popcount kernel at a single alignment; plus the exhaustive search
 *  and the cost of preparing a probe; the wide search of unanchored
 *  templates, 1:1 and 1:N.
 *
 *  1:N: identification over a gallery of GALLERY_SIZE templates on 1 and 2
 *  threads, beside a no-alignment popcount scan of the same data.
 *
 * Templates are synthetic competitive codes (random oriented patches with
 * about 10 % invalid cells): speed does not depend on whose palm it is.
 * Where it does, in 1:N, TEMPLATE_DIR gives templates of real captures
 * (*.pvt): their impostors pass the pre-filter more often than random
 * codes, and the unanchored ones among them take the wide search.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <palmvein/palmvein.h>

#include "../lib/match_internal.h"

#define REFS 4096
#define ROUNDS_1TO1 100000
#define REPEATS 5
#define DEFAULT_GALLERY (1u << 20)

static double clock_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Single-thread figures use this thread's CPU time: on a shared machine the
 * wall clock also counts the time other jobs hold the core. 1:N uses the
 * wall clock, which is what a caller waits.
 */
static double now_s(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static double wall_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static uint64_t next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const unsigned char code_of[6] = { 0x0, 0x1, 0x3, 0x7, 0x6, 0x4 };

/*
 * Random orientation patches of 4x4 cells (real codes vary over about as
 * many: the filter period is 5 cells); a band of invalid cells.
 */
static void random_template(struct pv_template *t, uint64_t *s)
{
	memset(t, 0, sizeof(*t));
	t->version_major = PV_TEMPLATE_VERSION_MAJOR;
	t->algorithm = PV_ALG_COMPCODE6_32;
	for (int y = 0; y < PV_GRID; y += 4) {
		uint64_t r = next(s);

		for (int x = 0; x < PV_GRID; x += 4, r >>= 8) {
			unsigned int c = code_of[(r & 255) % 6];

			for (int dy = 0; dy < 4; dy++)
				for (int p = 0; p < PV_CODE_PLANES; p++)
					t->code[p][y + dy] |= ((c >> p) & 1u) * (15u << x);
		}
	}
	for (int y = 0; y < PV_GRID; y++)
		t->mask[y] = y < 3 ? 0 : 0xffffffffu;
}

/* Baseline (a): one byte per cell, no alignment, table distance. */
struct byte_template {
	uint8_t orient[PV_GRID * PV_GRID];	/* 0..5, 255 = invalid */
};

static void to_bytes(const struct pv_template *t, struct byte_template *b)
{
	for (int y = 0; y < PV_GRID; y++)
		for (int x = 0; x < PV_GRID; x++) {
			unsigned int c = 0, o = 0;

			for (int p = 0; p < PV_CODE_PLANES; p++)
				c |= ((t->code[p][y] >> x) & 1u) << p;
			while (o < 6 && code_of[o] != c)
				o++;
			b->orient[y * PV_GRID + x] = (t->mask[y] >> x & 1) ? (uint8_t)o : 255;
		}
}

static float byte_distance(const struct byte_template *a,
			   const struct byte_template *b)
{
	static const uint8_t circ[6] = { 0, 1, 2, 3, 2, 1 };
	unsigned int d = 0, n = 0;

	for (int i = 0; i < PV_GRID * PV_GRID; i++) {
		if (a->orient[i] == 255 || b->orient[i] == 255)
			continue;
		d += circ[(a->orient[i] + 6 - b->orient[i]) % 6];
		n++;
	}
	return n ? (float)d / (3.0f * (float)n) : 0.5f;
}

struct scan {
	pthread_t thread;
	const struct pv_packed *probe, *refs;
	pv_compare_fn compare;
	size_t begin, end;
	unsigned long long sink;
};

static void *scan_range(void *arg)
{
	struct scan *s = arg;

	for (size_t i = s->begin; i < s->end; i++)
		s->sink += s->compare(s->probe->row, s->refs[i].row, PV_GRID).dist;
	return NULL;
}

/* Baseline for 1:N: every entry at one alignment, on @threads threads. */
static double scan_no_alignment(const struct pv_packed *probe,
				const struct pv_packed *refs, size_t n,
				unsigned int threads, unsigned long long *sink)
{
	struct scan s[8];
	double t0 = wall_s();

	for (unsigned int t = 0; t < threads; t++) {
		s[t] = (struct scan){ .probe = probe, .refs = refs,
				      .compare = pv_compare_best(),
				      .begin = n * t / threads,
				      .end = n * (t + 1) / threads };
		pthread_create(&s[t].thread, NULL, scan_range, &s[t]);
	}
	for (unsigned int t = 0; t < threads; t++) {
		pthread_join(s[t].thread, NULL);
		*sink += s[t].sink;
	}
	return wall_s() - t0;
}

/* Every *.pvt template in @dir, in name order, into *@out (*@n of them). */
static int load_templates(const char *dir, struct pv_template **out, size_t *n)
{
	struct dirent **names;
	int count = scandir(dir, &names, NULL, alphasort);

	*out = NULL;
	*n = 0;
	if (count < 0)
		return -errno;
	*out = calloc((size_t)count + 1, sizeof(**out));
	for (int i = 0; i < count; i++) {
		char path[1536];
		uint8_t buf[PV_TEMPLATE_SIZE + 1];
		size_t len = 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		f = *out && strstr(names[i]->d_name, ".pvt") ? fopen(path, "rb") : NULL;
		if (f) {
			len = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			if (pv_template_parse(buf, len, &(*out)[*n], NULL) == 0)
				(*n)++;
		}
		free(names[i]);
	}
	free(names);
	return *out ? 0 : -ENOMEM;
}

/*
 * 1:N over @gallery_size entries cycled from the templates in @dir, for
 * its first anchored and its first unanchored template as the probe, on
 * 1 and 2 threads, beside the one-alignment scan of the same entries.
 */
static int bench_real_gallery(const char *dir, size_t gallery_size)
{
	struct pv_template *t;
	struct pv_packed *copy;
	struct pv_gallery *g;
	struct pv_candidate top[5];
	size_t n, unanchored = 0;
	unsigned long long sink = 0;
	int err = load_templates(dir, &t, &n);

	if (err || !n) {
		fprintf(stderr, "bench-match: no templates in %s\n", dir);
		free(t);
		return 1;
	}
	copy = aligned_alloc(64, gallery_size * sizeof(*copy));
	if (!copy || pv_gallery_new(0, &g) || pv_gallery_reserve(g, gallery_size))
		return 1;
	for (size_t i = 0; i < gallery_size; i++) {
		pv_gallery_add(g, &t[i % n], i);
		pv_pack_template(&t[i % n], &copy[i]);
		unanchored += !!(t[i % n].flags & PV_TEMPLATE_UNANCHORED);
	}
	printf("bench-match: 1:N over %zu entries cycled from the %zu templates in %s "
	       "(%.1f %% unanchored), wall clock\n", gallery_size, n, dir,
	       100.0 * (double)unanchored / (double)gallery_size);
	for (int flag = 0; flag <= PV_TEMPLATE_UNANCHORED; flag += PV_TEMPLATE_UNANCHORED) {
		size_t k = 0;
		struct pv_probe *probe;
		struct pv_packed packed;

		while (k < n && (t[k].flags & PV_TEMPLATE_UNANCHORED) != flag)
			k++;
		if (k == n || pv_probe_new(&t[k], &probe))
			continue;
		pv_pack_template(&t[k], &packed);
		for (unsigned int threads = 1; threads <= 2; threads++) {
			double base = scan_no_alignment(&packed, copy, gallery_size, threads, &sink);
			double cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t0 = wall_s(), ours;

			pv_gallery_identify(g, probe, threads, top, 5);
			ours = wall_s() - t0;
			printf("  %s probe, %u thread%s: baseline scan %7.3f s; identify %7.3f s "
			       "(%.1fx baseline, %.3f CPU-s)\n", flag ? "unanchored" : "anchored  ",
			       threads, threads > 1 ? "s" : " ", base, ours, ours / base,
			       clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0);
		}
		pv_probe_free(probe);
	}
	pv_gallery_free(g);
	free(copy);
	for (size_t i = 0; i < n; i++)
		pv_template_wipe(&t[i]);
	free(t);
	return sink == 42;
}

int main(int argc, char **argv)
{
	size_t gallery_size = argc > 1 ? strtoul(argv[1], NULL, 0) : DEFAULT_GALLERY;
	struct pv_template *refs = malloc(REFS * sizeof(*refs));
	struct byte_template *brefs = malloc(REFS * sizeof(*brefs));
	struct pv_packed *packed = aligned_alloc(64, REFS * sizeof(*packed));
	struct pv_template probe_t, t;
	struct byte_template bprobe;
	const struct pv_packed *pprobe;
	struct pv_probe *probe;
	struct pv_match_result r;
	uint64_t seed = 12345;
	unsigned long long sink = 0;
	float fsink = 0;
	double t0, naive, single, coarse, thorough, wide, exhaustive, prep, oneshot;
	pv_compare_fn best = pv_compare_best();

	if (!refs || !brefs || !packed || !gallery_size)
		return 1;
	for (int i = 0; i < REFS; i++) {
		random_template(&refs[i], &seed);
		to_bytes(&refs[i], &brefs[i]);
		pv_pack_template(&refs[i], &packed[i]);
	}
	random_template(&probe_t, &seed);
	to_bytes(&probe_t, &bprobe);
	if (pv_probe_new(&probe_t, &probe))
		return 1;
	/* The kernels compare a probe variant with a reference: the unmoved one. */
	pprobe = &probe->variant[pv_variant_index(PV_POSE_IDENTITY, 0, 0)];

	/* Best of REPEATS runs each, interleaved, against a noisy machine. */
	naive = single = coarse = thorough = wide = exhaustive = oneshot = 0;
	prep = 1e9;
	for (int rep = 0; rep < REPEATS; rep++) {
		t0 = now_s();
		for (int i = 0; i < ROUNDS_1TO1; i++)
			fsink += byte_distance(&bprobe, &brefs[i % REFS]);
		naive = fmax(naive, ROUNDS_1TO1 / (now_s() - t0));

		t0 = now_s();
		for (int i = 0; i < ROUNDS_1TO1; i++)
			sink += best(pprobe->row, packed[i % REFS].row, PV_GRID).dist;
		single = fmax(single, ROUNDS_1TO1 / (now_s() - t0));

		t0 = now_s();
		for (int i = 0; i < ROUNDS_1TO1; i++) {
			pv_probe_search(probe, &packed[i % REFS], PV_NO_PREFILTER, &r);
			fsink += r.score;
		}
		coarse = fmax(coarse, ROUNDS_1TO1 / (now_s() - t0));

		t0 = now_s();
		for (int i = 0; i < 400; i++) {
			pv_probe_match_exhaustive(probe, &refs[i % REFS], &r);
			fsink += r.score;
		}
		exhaustive = fmax(exhaustive, 400 / (now_s() - t0));

		t0 = now_s();
		for (int i = 0; i < 40; i++) {
			struct pv_probe *p;

			pv_probe_new(&refs[i], &p);
			pv_probe_free(p);
		}
		prep = fmin(prep, (now_s() - t0) / 40);

		t0 = now_s();
		for (int i = 0; i < 40; i++) {
			pv_match(&refs[i], &refs[i + 1], &r);
			fsink += r.score;
		}
		oneshot = fmax(oneshot, 40 / (now_s() - t0));
	}

	printf("bench-match: 1:1 on one core (thread CPU time), %d synthetic templates "
	       "of %d bytes, best of %d runs\n", REFS, PV_TEMPLATE_SIZE, REPEATS);
	printf("  baseline: byte per cell, no alignment  %12.0f cmp/s\n", naive);
	printf("  baseline: popcount, one alignment      %12.0f cmp/s  (%.1fx byte baseline)\n",
	       single, single / naive);
	printf("  coarse-to-fine search (prepared probe) %12.0f cmp/s  (%.1fx byte baseline, "
	       "%.2f us each)\n", coarse, coarse / naive, 1e6 / coarse);
	/* The same search with each kernel this CPU has (kiosk CPUs differ). */
	struct pv_compare_kernel kernels[4];
	int nkernels = pv_compare_kernels(kernels, 4);
	struct pv_compare_kernel chosen = probe->kernel;

	for (int k = 0; k < nkernels; k++) {
		double rate = 0, thorough_rate = 0, wide_rate = 0;

		probe->kernel = kernels[k];
		for (int rep = 0; rep < REPEATS; rep++) {
			t0 = now_s();
			for (int i = 0; i < ROUNDS_1TO1 / 4; i++) {
				pv_probe_search(probe, &packed[i % REFS], PV_NO_PREFILTER, &r);
				fsink += r.score;
			}
			rate = fmax(rate, ROUNDS_1TO1 / 4 / (now_s() - t0));
			t0 = now_s();
			for (int i = 0; i < ROUNDS_1TO1 / 32; i++) {
				pv_probe_search_1to1(probe, &packed[i % REFS], false, &r);
				fsink += r.score;
			}
			thorough_rate = fmax(thorough_rate, ROUNDS_1TO1 / 32 / (now_s() - t0));
		}
		/* Apart: the wide table it reads would evict the normal one. */
		for (int rep = 0; rep < REPEATS; rep++) {
			t0 = now_s();
			for (int i = 0; i < ROUNDS_1TO1 / 16; i++) {
				pv_probe_search_wide(probe, &packed[i % REFS], PV_NO_PREFILTER, &r);
				fsink += r.score;
			}
			wide_rate = fmax(wide_rate, ROUNDS_1TO1 / 16 / (now_s() - t0));
		}
		if (k == 0) {	/* the probe's own */
			wide = wide_rate;
			thorough = thorough_rate;
		}
		printf("    with the %-18s kernel    %12.0f cmp/s  (%.1fx byte baseline; "
		       "1:1 %.0f, wide search %.0f cmp/s)\n",
		       kernels[k].name, rate, rate / naive, thorough_rate, wide_rate);
	}
	probe->kernel = chosen;
	printf("  thorough search + skin (pv_probe_match) %11.0f cmp/s  "
	       "(%.1fx slower than coarse-to-fine)\n", thorough, coarse / thorough);
	printf("  wide search (unanchored templates)     %12.0f cmp/s  "
	       "(%.1fx slower than coarse-to-fine)\n", wide, coarse / wide);
	printf("  exhaustive search, %d alignments     %12.0f cmp/s  (coarse-to-fine is %.0fx faster)\n",
	       PV_NEAR_POSES * PV_SHIFTS * (2 * PV_MATCH_ALONG_MAX + 1), exhaustive,
	       coarse / exhaustive);
	printf("  probe preparation                      %12.1f us\n", prep * 1e6);
	{
		static const char secret[] = "bench-match deployment secret";
		struct pv_renew_key *key;
		double keyed = 1e9;

		if (pv_renew_key_new(secret, sizeof(secret) - 1, &key))
			return 1;
		for (int rep = 0; rep < REPEATS; rep++) {
			struct pv_probe *p;

			t0 = now_s();
			pv_renew_probe_new(key, &refs[rep], &p);
			keyed = fmin(keyed, now_s() - t0);
			pv_probe_free(p);
		}
		pv_renew_key_free(key);
		printf("  keyed probe preparation (renew.h)      %12.1f us\n", keyed * 1e6);
	}
	printf("  one-shot pv_match (2 probes, 2 orders) %12.0f cmp/s\n", oneshot);

	/* 1:N */
	struct pv_gallery *g;
	struct pv_packed *copy = aligned_alloc(64, gallery_size * sizeof(*copy));
	struct pv_candidate top[5];
	size_t genuine_at = gallery_size / 3;

	if (!copy || pv_gallery_new(0, &g) || pv_gallery_reserve(g, gallery_size))
		return 1;
	for (size_t i = 0; i < gallery_size; i++) {
		if (i == genuine_at) {
			/* The probe's palm, presented again: a shifted copy. */
			t = probe_t;
			for (int y = PV_GRID - 1; y > 0; y--) {
				for (int p = 0; p < PV_CODE_PLANES; p++)
					t.code[p][y] = t.code[p][y - 1] << 1;
				t.mask[y] = t.mask[y - 1] << 1;
			}
		} else {
			random_template(&t, &seed);
		}
		pv_gallery_add(g, &t, i);
		pv_pack_template(&t, &copy[i]);
	}
	printf("bench-match: 1:N over %zu templates (%.0f MiB packed), wall clock\n", gallery_size,
	       (double)gallery_size * sizeof(struct pv_packed) / 1048576.0);
	for (unsigned int threads = 1; threads <= 2; threads++) {
		double base = scan_no_alignment(pprobe, copy, gallery_size, threads, &sink);
		int n;

		double cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

		t0 = wall_s();
		n = pv_gallery_identify(g, probe, threads, top, 5);
		double ours = wall_s() - t0;
		double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;

		printf("  %u thread%s: baseline scan, one alignment %7.3f s; "
		       "identify with search %7.3f s (%.1fx baseline, %.3f CPU-s); "
		       "top-1 %s (score %.3f)\n",
		       threads, threads > 1 ? "s" : " ", base, ours, ours / base, cpu,
		       n > 0 && top[0].id == genuine_at ? "correct" : "WRONG",
		       n > 0 ? top[0].score : 0.0f);
	}
	/* An unanchored probe: every entry takes the wide search. */
	struct pv_probe *wide_probe;

	probe_t.flags |= PV_TEMPLATE_UNANCHORED;
	if (pv_probe_new(&probe_t, &wide_probe))
		return 1;
	for (unsigned int threads = 1; threads <= 2; threads++) {
		int n;

		t0 = wall_s();
		n = pv_gallery_identify(g, wide_probe, threads, top, 5);
		printf("  %u thread%s, unanchored probe (wide search): identify %7.3f s; top-1 %s\n",
		       threads, threads > 1 ? "s" : " ", wall_s() - t0,
		       n > 0 && top[0].id == genuine_at ? "correct" : "WRONG");
	}
	pv_probe_free(wide_probe);
	pv_gallery_free(g);
	free(copy);
	pv_probe_free(probe);
	free(packed);
	free(brefs);
	free(refs);
	if (argc > 2 && bench_real_gallery(argv[2], gallery_size))
		return 1;
	/* Keep the baselines' work observable so it is not optimised away. */
	return sink == 42 && fsink == 42.0f;
}
