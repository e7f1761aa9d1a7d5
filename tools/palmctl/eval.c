// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * palmctl eval: verification accuracy on a labelled image folder. Every
 * image is extracted; failures count toward the failure-to-enrol rate.
 * Every pair of templates is compared (all-vs-all) in both orders, as
 * pv_match() does: each probe against every other template, then each
 * order's skin followed from the other order's alignment too, and the
 * pair's score is pv_pair_score() of both. Genuine when the identities
 * agree; genuine pairs are split by session. With a key only the first
 * sample's order exists: a deployment holds the reference protected, and
 * a protected template cannot be a probe.
 *
 * NAME.unlit.EXT is the unlit half of the lit/unlit pair NAME.EXT, never a
 * sample of its own; with --pairs each sample is its pair, lit minus unlit.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <palmvein/palmvein.h>

#include "error_rates.h"
#include "palmctl.h"

#define MAX_THREADS 64
#define UNLIT_INFIX ".unlit"

struct sample {
	char *name;
	char *identity;
	char *session;		/* "" when the pattern has no second group */
	int ok;
	const char *why;	/* failure reason */
	struct pv_template t;
	struct pv_template protected_t;	/* t under eval.key, when set */
};

struct eval {
	const char *dir;
	struct sample *samples;
	size_t n;
	/* n x n, row a: a's probe against every other template, its search
	 * (result; plain samples only) and then the skin from the other order
	 * too (score) */
	struct pv_match_result *result;
	float *score;
	unsigned int threads;
	bool pairs;
	/* With a key, references are protected and probes keyed (renew.h). */
	const struct pv_renew_key *key;
};

struct pair_scores {
	struct score_list same_session, cross_session, impostor;
	size_t cap_same, cap_cross, cap_imp;
};

static int push(struct score_list *l, size_t *cap, float s)
{
	if (l->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 1024;
		float *p = realloc(l->s, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->s = p;
		*cap = ncap;
	}
	l->s[l->n++] = s;
	return 0;
}

static char *group(const char *s, const regmatch_t *m)
{
	if (m->rm_so < 0)
		return strdup("");
	return strndup(s + m->rm_so, (size_t)(m->rm_eo - m->rm_so));
}

static int list_samples(struct eval *ev, const char *pattern)
{
	struct dirent **names;
	regex_t re;
	int n, ret;

	ret = regcomp(&re, pattern, REG_EXTENDED);
	if (ret) {
		char msg[256];

		regerror(ret, &re, msg, sizeof(msg));
		fprintf(stderr, "palmctl: --pattern: %s\n", msg);
		return -EINVAL;
	}
	if (re.re_nsub < 1) {
		fprintf(stderr, "palmctl: --pattern needs a group for the identity\n");
		regfree(&re);
		return -EINVAL;
	}
	n = scandir(ev->dir, &names, NULL, alphasort);
	if (n < 0) {
		ret = -errno;
		fprintf(stderr, "palmctl: %s: %s\n", ev->dir, strerror(errno));
		regfree(&re);
		return ret;
	}
	ev->samples = calloc((size_t)n + 1, sizeof(*ev->samples));
	for (int i = 0; i < n; i++) {
		regmatch_t m[3];

		if (ev->samples && names[i]->d_name[0] != '.' &&
		    !strstr(names[i]->d_name, UNLIT_INFIX ".") &&
		    !regexec(&re, names[i]->d_name, 3, m, 0)) {
			struct sample *s = &ev->samples[ev->n++];

			s->name = strdup(names[i]->d_name);
			s->identity = group(names[i]->d_name, &m[1]);
			s->session = re.re_nsub >= 2 ? group(names[i]->d_name, &m[2])
						     : strdup("");
			if (!s->name || !s->identity || !s->session)
				ret = -ENOMEM;
		}
		free(names[i]);
	}
	free(names);
	regfree(&re);
	if (!ev->samples)
		return -ENOMEM;
	return ret;
}

struct job {
	pthread_t thread;
	struct eval *ev;
	unsigned int index;
	int err;
};

/* DIR/NAME.EXT -> DIR/NAME.unlit.EXT */
static void unlit_path(char *out, size_t size, const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	int stem = dot && (!slash || dot > slash) ? (int)(dot - path)
						  : (int)strlen(path);

	snprintf(out, size, "%.*s%s%s", stem, path, UNLIT_INFIX, path + stem);
}

static void *extract_worker(void *arg)
{
	struct job *j = arg;
	struct eval *ev = j->ev;

	for (size_t i = j->index; i < ev->n; i += ev->threads) {
		struct sample *s = &ev->samples[i];
		char path[4096], unlit[4096];

		snprintf(path, sizeof(path), "%s/%s", ev->dir, s->name);
		if (ev->pairs)
			unlit_path(unlit, sizeof(unlit), path);
		s->ok = !palmctl_extract_image(path, ev->pairs ? unlit : NULL,
					       &s->t, &s->why);
		if (s->ok && ev->key)
			pv_renew_protect(ev->key, &s->t, &s->protected_t);
	}
	return NULL;
}

static void *match_worker(void *arg)
{
	struct job *j = arg;
	struct eval *ev = j->ev;

	/* Rows interleaved over threads. */
	for (size_t a = j->index; a < ev->n && !j->err; a += ev->threads) {
		struct sample *sa = &ev->samples[a];
		struct pv_probe *probe;

		if (!sa->ok)
			continue;
		j->err = ev->key ? pv_renew_probe_new(ev->key, &sa->t, &probe)
				 : pv_probe_new(&sa->t, &probe);
		if (j->err)
			break;
		for (size_t b = ev->key ? a + 1 : 0; b < ev->n; b++) {
			struct sample *sb = &ev->samples[b];
			struct pv_match_result r;

			if (!sb->ok || b == a)
				continue;
			pv_probe_match(probe, ev->key ? &sb->protected_t : &sb->t, &r);
			if (ev->result)
				ev->result[a * ev->n + b] = r;
			ev->score[a * ev->n + b] = r.score;
		}
		pv_probe_free(probe);
	}
	return NULL;
}

/* Plain samples: each order's skin from the other order's alignment. */
static void *other_order_worker(void *arg)
{
	struct job *j = arg;
	struct eval *ev = j->ev;

	for (size_t a = j->index; a < ev->n && !j->err; a += ev->threads) {
		struct pv_probe *probe;

		if (!ev->samples[a].ok)
			continue;
		j->err = pv_probe_new(&ev->samples[a].t, &probe);
		if (j->err)
			break;
		for (size_t b = 0; b < ev->n; b++) {
			struct pv_match_result r = ev->result[a * ev->n + b];

			if (!ev->samples[b].ok || b == a)
				continue;
			pv_probe_match_other(probe, &ev->samples[b].t, &ev->result[b * ev->n + a],
					     &r);
			ev->score[a * ev->n + b] = r.score;
		}
		pv_probe_free(probe);
	}
	return NULL;
}

/* Each pair's score, both orders' (or, with a key, the first's), by kind. */
static int sort_pairs(const struct eval *ev, struct pair_scores *ps)
{
	int err = 0;

	for (size_t a = 0; a < ev->n && !err; a++) {
		const struct sample *sa = &ev->samples[a];

		for (size_t b = a + 1; b < ev->n && sa->ok && !err; b++) {
			const struct sample *sb = &ev->samples[b];
			float s = ev->score[a * ev->n + b];

			if (!sb->ok)
				continue;
			if (!ev->key)
				s = pv_pair_score(s, ev->score[b * ev->n + a]);
			if (strcmp(sa->identity, sb->identity))
				err = push(&ps->impostor, &ps->cap_imp, s);
			else if (!strcmp(sa->session, sb->session))
				err = push(&ps->same_session, &ps->cap_same, s);
			else
				err = push(&ps->cross_session, &ps->cap_cross, s);
		}
	}
	return err;
}

static int run_threads(struct eval *ev, struct job *jobs, void *(*fn)(void *))
{
	unsigned int started = 0;
	int ret = 0;

	for (unsigned int t = 0; t < ev->threads; t++) {
		jobs[t].ev = ev;
		jobs[t].index = t;
		if (pthread_create(&jobs[t].thread, NULL, fn, &jobs[t])) {
			ret = -EAGAIN;
			break;
		}
		started++;
	}
	for (unsigned int t = 0; t < started; t++)
		pthread_join(jobs[t].thread, NULL);
	return ret;
}

static int append(struct score_list *dst, const struct score_list *src)
{
	float *p;

	if (!src->n)
		return 0;
	p = realloc(dst->s, (dst->n + src->n) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memcpy(p + dst->n, src->s, src->n * sizeof(*p));
	dst->s = p;
	dst->n += src->n;
	return 0;
}

static void print_rates(const char *label, const struct score_list *gen,
			const struct score_list *imp)
{
	float t;
	double eer;

	if (!gen->n || !imp->n) {
		printf("%-14s %8zu genuine pairs: no rates (need genuine and impostor pairs)\n",
		       label, gen->n);
		return;
	}
	eer = rates_eer(gen, imp, &t);
	printf("%-14s %8zu genuine pairs  EER %.4f %%  FRR@FAR0.1%% %.4f %%  "
	       "FRR@FAR0.01%% %.4f %%  (EER threshold %.4f)\n", label, gen->n,
	       100 * eer, 100 * rates_frr_at_far(gen, imp, 1e-3),
	       100 * rates_frr_at_far(gen, imp, 1e-4), t);
}

static int report(struct eval *ev, struct pair_scores *ps, const char *det)
{
	struct score_list all = { NULL, 0 };
	size_t failed = 0;
	int ret;

	for (size_t i = 0; i < ev->n; i++)
		if (!ev->samples[i].ok) {
			failed++;
			fprintf(stderr, "palmctl: %s: not enrolled: %s\n",
				ev->samples[i].name, ev->samples[i].why);
		}
	ret = append(&all, &ps->same_session);
	if (!ret)
		ret = append(&all, &ps->cross_session);
	if (ret)
		return ret;
	scores_sort(&all);
	scores_sort(&ps->same_session);
	scores_sort(&ps->cross_session);
	scores_sort(&ps->impostor);

	printf("images %zu  enrolled %zu  FTE %.3f %%\n", ev->n, ev->n - failed,
	       100.0 * (double)failed / (double)ev->n);
	printf("impostor pairs %zu", ps->impostor.n);
	if (ps->impostor.n)
		printf("  (highest impostor score %.4f)",
		       ps->impostor.s[ps->impostor.n - 1]);
	if (all.n)
		printf("  (lowest genuine score %.4f)", all.s[0]);
	printf("\n");
	print_rates("all", &all, &ps->impostor);
	print_rates("same-session", &ps->same_session, &ps->impostor);
	print_rates("cross-session", &ps->cross_session, &ps->impostor);

	if (det && all.n && ps->impostor.n) {
		const struct det_curve curves[] = {
			{ "all genuine", "#000000", &all },
			{ "same session", "#1f77b4", &ps->same_session },
			{ "cross session", "#d62728", &ps->cross_session },
		};
		FILE *f = fopen(det, "w");

		if (!f) {
			ret = -errno;
			fprintf(stderr, "palmctl: %s: %s\n", det, strerror(errno));
		} else {
			ret = det_write_svg(f, ev->dir, curves, 3, &ps->impostor);
			if (fclose(f) || ret) {
				fprintf(stderr, "palmctl: %s: write failed\n", det);
				ret = -EIO;
			}
		}
	}
	free(all.s);
	return ret;
}

int cmd_eval(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pattern", required_argument, NULL, 'p' },
		{ "det", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "pairs", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pattern = NULL, *det = NULL, *key_file = NULL;
	struct pv_renew_key *key = NULL;
	struct eval ev = { 0 };
	struct pair_scores ps = { 0 };
	struct job *jobs = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c, ret;

	ev.threads = cpus > 0 ? (unsigned int)cpus : 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pattern = optarg; break;
		case 'd': det = optarg; break;
		case 't': ev.threads = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'k': key_file = optarg; break;
		case 'P': ev.pairs = true; break;
		default: return 1;
		}
	}
	if (optind != argc - 1 || !pattern || ev.threads < 1 ||
	    ev.threads > MAX_THREADS) {
		fprintf(stderr, "usage: palmctl eval DIR --pattern REGEX "
			"[--det FILE.svg] [--threads 1..%d] [--key-file SECRET] "
			"[--pairs]\n",
			MAX_THREADS);
		return 1;
	}
	if (key_file && load_key(key_file, &key))
		return 1;
	ev.key = key;
	ev.dir = argv[optind];
	ret = list_samples(&ev, pattern);
	if (!ret && !ev.n) {
		fprintf(stderr, "palmctl: %s: no file matches the pattern\n", ev.dir);
		ret = -ENOENT;
	}
	if (!ret) {
		jobs = calloc(ev.threads, sizeof(*jobs));
		ret = jobs ? run_threads(&ev, jobs, extract_worker) : -ENOMEM;
	}
	if (!ret) {
		bool fits = ev.n <= SIZE_MAX / sizeof(*ev.result) / ev.n;

		/* keyed: one order, whose alignments no second sweep reads */
		ev.result = fits && !ev.key ? malloc(ev.n * ev.n * sizeof(*ev.result)) : NULL;
		ev.score = fits ? malloc(ev.n * ev.n * sizeof(*ev.score)) : NULL;
		ret = (ev.result || ev.key) && ev.score ? 0 : -ENOMEM;
	}
	if (!ret) {
		memset(jobs, 0, ev.threads * sizeof(*jobs));
		ret = run_threads(&ev, jobs, match_worker);
	}
	for (unsigned int t = 0; jobs && t < ev.threads && !ret; t++)
		ret = jobs[t].err;
	if (!ret && !ev.key) {
		memset(jobs, 0, ev.threads * sizeof(*jobs));
		ret = run_threads(&ev, jobs, other_order_worker);
	}
	for (unsigned int t = 0; jobs && t < ev.threads && !ret; t++)
		ret = jobs[t].err;
	if (!ret)
		ret = sort_pairs(&ev, &ps);
	if (!ret)
		ret = report(&ev, &ps, det);
	else if (ret != -EINVAL && ret != -ENOENT)
		fprintf(stderr, "palmctl: eval: %s\n", strerror(-ret));
	pv_renew_key_free(key);
	for (size_t i = 0; i < ev.n; i++) {
		pv_template_wipe(&ev.samples[i].t);
		pv_template_wipe(&ev.samples[i].protected_t);
		free(ev.samples[i].name);
		free(ev.samples[i].identity);
		free(ev.samples[i].session);
	}
	free(ev.samples);
	free(ev.result);
	free(ev.score);
	free(jobs);
	free(ps.same_session.s);
	free(ps.cross_session.s);
	free(ps.impostor.s);
	return ret ? 1 : 0;
}
