// SPDX-License-Identifier: LGPL-2.1-or-later
/* In-memory gallery and multi-threaded 1:N identification. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <palmvein/gallery.h>

#include "match_internal.h"

/*
 * Entries whose best coarse translation costs more than this skip the rest
 * of the fast search and report their (low) coarse score; in the wide
 * search, so do those whose best alignment on half the rows still does.
 * On polyu-nir-roi no genuine pair is cut short even at 0.34, while at
 * 0.42 over half of the impostor pairs are (bench-features,
 * docs/benchmarks.md): a margin for harder captures.
 */
#define PREFILTER_COST 0.42f
#define MAX_THREADS 64
/*
 * The best entries of the fast pass that the thorough search re-scores
 * (at least @nbest): the scores reported are pv_probe_match()'s.
 */
#define RESCORED 32
_Static_assert(RESCORED <= PV_GALLERY_MAX_BEST, "workers keep the re-scored entries");
/*
 * Workers take the gallery in chunks of this many entries as they go, not
 * one fixed share each: on a shared machine one core can run slower than
 * another, and unanchored entries cost more than anchored ones.
 */
#define CHUNK 1024

struct pv_gallery {
	uint32_t key_id;
	size_t size, capacity;
	struct pv_packed *entries;
	uint64_t *ids;
	uint8_t *unanchored;	/* per entry: PV_TEMPLATE_UNANCHORED */
};

int pv_gallery_new(uint32_t key_id, struct pv_gallery **out)
{
	struct pv_gallery *g;

	if (!out)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->key_id = key_id;
	*out = g;
	return 0;
}

void pv_gallery_free(struct pv_gallery *g)
{
	if (!g)
		return;
	if (g->entries)
		explicit_bzero(g->entries, g->capacity * sizeof(*g->entries));
	free(g->entries);
	free(g->ids);
	free(g->unanchored);
	free(g);
}

int pv_gallery_reserve(struct pv_gallery *g, size_t n)
{
	struct pv_packed *entries;
	uint64_t *ids;
	uint8_t *unanchored;

	if (!g)
		return -EINVAL;
	if (n <= g->capacity)
		return 0;
	if (n > SIZE_MAX / sizeof(*entries))
		return -ENOMEM;
	/* Not realloc: the old entries must be zeroed, not left in the heap. */
	entries = aligned_alloc(64, n * sizeof(*entries));
	ids = malloc(n * sizeof(*ids));
	unanchored = malloc(n);
	if (!entries || !ids || !unanchored) {
		free(entries);
		free(ids);
		free(unanchored);
		return -ENOMEM;
	}
	if (g->size) {
		memcpy(entries, g->entries, g->size * sizeof(*entries));
		memcpy(ids, g->ids, g->size * sizeof(*ids));
		memcpy(unanchored, g->unanchored, g->size);
	}
	if (g->entries)
		explicit_bzero(g->entries, g->capacity * sizeof(*g->entries));
	free(g->entries);
	free(g->ids);
	free(g->unanchored);
	g->entries = entries;
	g->ids = ids;
	g->unanchored = unanchored;
	g->capacity = n;
	return 0;
}

int pv_gallery_add(struct pv_gallery *g, const struct pv_template *t,
		   uint64_t id)
{
	uint32_t key = 0;
	int ret;

	if (!g || !t)
		return -EINVAL;
	if (t->flags & PV_TEMPLATE_PROTECTED)
		key = t->key_id;
	if (key != g->key_id)
		return -EKEYREJECTED;
	if (g->size == g->capacity) {
		ret = pv_gallery_reserve(g, g->capacity ? 2 * g->capacity : 64);
		if (ret)
			return ret;
	}
	pv_pack_template(t, &g->entries[g->size]);
	g->ids[g->size] = id;
	g->unanchored[g->size] = !!(t->flags & PV_TEMPLATE_UNANCHORED);
	g->size++;
	return 0;
}

size_t pv_gallery_size(const struct pv_gallery *g)
{
	return g ? g->size : 0;
}

/* A candidate and the entry it came from. */
struct hit {
	struct pv_candidate c;
	size_t entry;
	struct pv_match_result aligned;	/* the 1:1 re-score's, once made */
};

struct worker {
	pthread_t thread;
	const struct pv_gallery *gallery;
	const struct pv_probe *probe;
	atomic_size_t *next;	/* the first entry no worker has taken */
	unsigned int nbest, found;
	struct hit best[PV_GALLERY_MAX_BEST];
};

/* Whether @a ranks before @b: the higher score, then the earlier entry
 * (whichever worker found it, the result is the same). */
static bool ranks_before(const struct hit *a, const struct hit *b)
{
	return a->c.score > b->c.score || (a->c.score == b->c.score && a->entry < b->entry);
}

/* Inserts into a list kept in rank order, at most @cap long. */
static void offer(struct hit *list, unsigned int *n, unsigned int cap, struct hit c)
{
	unsigned int i;

	if (*n == cap && !ranks_before(&c, &list[cap - 1]))
		return;
	if (*n < cap)
		(*n)++;
	for (i = *n - 1; i > 0 && ranks_before(&c, &list[i - 1]); i--)
		list[i] = list[i - 1];
	list[i] = c;
}

static void *identify_chunks(void *arg)
{
	struct worker *w = arg;
	const size_t size = w->gallery->size;
	size_t begin;

	while ((begin = atomic_fetch_add(w->next, CHUNK)) < size) {
		size_t end = size - begin < CHUNK ? size : begin + CHUNK;

		for (size_t i = begin; i < end; i++) {
			struct pv_match_result r;

			if (w->probe->unanchored || w->gallery->unanchored[i])
				pv_probe_search_wide(w->probe, &w->gallery->entries[i],
						     PREFILTER_COST, &r);
			else
				pv_probe_search(w->probe, &w->gallery->entries[i],
						PREFILTER_COST, &r);
			offer(w->best, &w->found, w->nbest,
			      (struct hit){ .c = { w->gallery->ids[i], r.score }, .entry = i });
		}
	}
	return NULL;
}

/*
 * A plain gallery's @n best, scored in the probe's order, take the pair
 * score of both orders, as pv_match() gives (pv_probe_add_other_order():
 * a probe of each entry, 1.6 ms to prepare), and are ranked again. Keyed
 * entries are protected and cannot be probes. Returns 0 or -ENOMEM.
 */
static int both_orders(const struct pv_gallery *g, const struct pv_probe *probe,
		       struct hit *list, unsigned int n)
{
	struct hit ranked[PV_GALLERY_MAX_BEST];
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct hit h = list[i];
		int ret = pv_probe_add_other_order(probe, &g->entries[h.entry],
						   g->unanchored[h.entry], &h.aligned);

		if (ret)
			return ret;
		h.c.score = h.aligned.score;
		offer(ranked, &k, n, h);
	}
	memcpy(list, ranked, n * sizeof(*list));
	return 0;
}

int pv_gallery_identify(const struct pv_gallery *g, const struct pv_probe *probe,
			unsigned int threads, struct pv_candidate *best,
			unsigned int nbest)
{
	struct worker *workers;
	struct hit merged[PV_GALLERY_MAX_BEST], rescored[PV_GALLERY_MAX_BEST];
	unsigned int n = 0, kept = 0, started = 0;
	atomic_size_t next = 0;
	unsigned int keep = nbest > RESCORED ? nbest : RESCORED;
	int ret = 0;

	if (!g || !probe || !best || nbest < 1 || nbest > PV_GALLERY_MAX_BEST)
		return -EINVAL;
	if (probe->key_id != g->key_id)
		return -EKEYREJECTED;
	if (!threads) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cpus > 0 ? (unsigned int)cpus : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > g->size)
		threads = g->size ? (unsigned int)g->size : 1;
	workers = calloc(threads, sizeof(*workers));
	if (!workers)
		return -ENOMEM;
	for (unsigned int t = 0; t < threads; t++) {
		workers[t].gallery = g;
		workers[t].probe = probe;
		workers[t].next = &next;
		workers[t].nbest = keep;
	}
	/* The calling thread works too. */
	for (unsigned int t = 1; t < threads; t++) {
		if (pthread_create(&workers[t].thread, NULL, identify_chunks,
				   &workers[t])) {
			ret = -EAGAIN;
			break;
		}
		started = t;
	}
	if (!ret)
		identify_chunks(&workers[0]);
	for (unsigned int t = 1; t <= started; t++)
		pthread_join(workers[t].thread, NULL);
	if (!ret) {
		for (unsigned int t = 0; t < threads; t++)
			for (unsigned int i = 0; i < workers[t].found; i++)
				offer(merged, &kept, keep, workers[t].best[i]);
		/* The fast pass found them; the thorough search scores them. */
		for (unsigned int i = 0; i < kept; i++) {
			struct hit h = merged[i];
			struct pv_match_result r;

			pv_probe_search_1to1(probe, &g->entries[h.entry], g->unanchored[h.entry],
					     &r);
			h.c.score = r.score;
			h.aligned = r;
			offer(rescored, &n, nbest, h);
		}
		ret = g->key_id ? 0 : both_orders(g, probe, rescored, n);
		for (unsigned int i = 0; i < n && !ret; i++)
			best[i] = rescored[i].c;
		if (!ret)
			ret = (int)n;
	}
	free(workers);
	return ret;
}
