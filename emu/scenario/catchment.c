/*
 * Catchment arithmetic (catchment.h; definitions in docs/scenarios.md,
 * "Catchment"). Pure: no clock, no I/O. Every pass is over the clients once
 * or over the instances; names are found through an open-addressing hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catchment.h"
#include "log.h"

const char *const catch_phase_names[CATCH_PHASES] = {
	[CATCH_BEFORE] = "before",
	[CATCH_DURING] = "during",
	[CATCH_AFTER] = "after",
};

struct catch_slot {
	const char *key; /* NULL: empty */
	uint32_t val;
};

static void *xcalloc(size_t n, size_t size);
static uint32_t name_hash(const char *s);
static struct catch_slot *slot_find(struct catch_slot *, size_t cap, const char *key);
static void ihash_grow(struct catchment *);
static bool failed_has(const struct catch_fault *, uint32_t inst);
static void fault_failed(struct catchment *, struct catch_fault *, const char *const *nodes,
    size_t n);
static void fault_matrix(const struct catchment *, struct catch_fault *, enum catch_phase,
    uint32_t *count, uint32_t *touched);

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

/* FNV-1a. */
static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The slot holding key, or the empty slot where it would go. cap is a power of two. */
static struct catch_slot *
slot_find(struct catch_slot *t, size_t cap, const char *key)
{
	size_t i = name_hash(key) & (cap - 1);

	while (t[i].key != NULL && strcmp(t[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static void
ihash_grow(struct catchment *c)
{
	size_t cap = c->ihcap ? c->ihcap * 2 : 64;
	struct catch_slot *t = xcalloc(cap, sizeof(*t));

	for (size_t i = 0; i < c->ninst; i++) {
		struct catch_slot *s = slot_find(t, cap, c->inst[i].name);

		s->key = c->inst[i].name;
		s->val = (uint32_t)i;
	}
	free(c->ihash);
	c->ihash = t;
	c->ihcap = cap;
}

void
catch_init(struct catchment *c, size_t n, const char *const *names, const char *const *sites)
{
	struct catch_slot *sh;
	size_t shcap = 16;
	uint32_t *fill;

	memset(c, 0, sizeof(*c));
	c->nclients = n;
	c->client_names = xcalloc(n, sizeof(*c->client_names));
	if (n && names)
		memcpy(c->client_names, names, n * sizeof(*names));
	c->client_row = xcalloc(n, sizeof(*c->client_row));
	c->rows = xcalloc(n, sizeof(*c->rows));
	while (shcap < 2 * n)
		shcap *= 2;
	sh = xcalloc(shcap, sizeof(*sh));
	for (size_t i = 0; i < n; i++) {
		const char *site = sites && sites[i] ? sites[i] : "";
		struct catch_slot *s = slot_find(sh, shcap, site);

		if (s->key == NULL) {
			s->key = site;
			s->val = (uint32_t)c->nrows;
			c->rows[c->nrows++] = site;
		}
		c->client_row[i] = s->val;
	}
	free(sh);
	/* Bucket the clients by row (a counting sort: stable, linear). */
	c->row_start = xcalloc(c->nrows + 1, sizeof(*c->row_start));
	c->by_row = xcalloc(n, sizeof(*c->by_row));
	for (size_t i = 0; i < n; i++)
		c->row_start[c->client_row[i] + 1]++;
	for (size_t r = 0; r < c->nrows; r++)
		c->row_start[r + 1] += c->row_start[r];
	fill = xcalloc(c->nrows, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		uint32_t r = c->client_row[i];

		c->by_row[c->row_start[r] + fill[r]++] = (uint32_t)i;
	}
	free(fill);
	ihash_grow(c);
}

uint32_t
catch_instance_find(const struct catchment *c, const char *name)
{
	const struct catch_slot *s;

	if (name == NULL || name[0] == '\0' || c->ihcap == 0)
		return CATCH_NONE;
	s = slot_find(c->ihash, c->ihcap, name);
	return s->key ? s->val : CATCH_NONE;
}

uint32_t
catch_instance_add(struct catchment *c, const char *name, const char *node, const char *site)
{
	uint32_t k = catch_instance_find(c, name);
	struct catch_instance *ci;
	struct catch_slot *s;

	if (k != CATCH_NONE) {
		/* Known by its answers first: the topology adds where it runs. */
		if (c->inst[k].node == NULL && node != NULL) {
			c->inst[k].node = node;
			c->inst[k].site = site ? site : "";
		}
		return k;
	}
	if (c->ninst == c->instcap) {
		size_t ncap = c->instcap ? c->instcap * 2 : 16;
		struct catch_instance *ni = xcalloc(ncap, sizeof(*ni));

		if (c->ninst)
			memcpy(ni, c->inst, c->ninst * sizeof(*ni));
		free(c->inst);
		c->inst = ni;
		c->instcap = ncap;
		/* The hash keys point into inst[]: rebuild it. */
		c->ihcap /= 2;
		ihash_grow(c);
	}
	ci = &c->inst[c->ninst];
	snprintf(ci->name, sizeof(ci->name), "%s", name);
	ci->node = node;
	ci->site = site ? site : "";
	if (2 * (c->ninst + 1) > c->ihcap)
		ihash_grow(c);
	s = slot_find(c->ihash, c->ihcap, ci->name);
	s->key = ci->name;
	s->val = (uint32_t)c->ninst;
	return (uint32_t)c->ninst++;
}

static int
cmp_order(const void *a, const void *b, void *arg)
{
	const struct catchment *c = arg;
	const struct catch_instance *x = &c->inst[*(const uint32_t *)a];
	const struct catch_instance *y = &c->inst[*(const uint32_t *)b];
	int d = strcmp(x->site, y->site);

	return d ? d : strcmp(x->name, y->name);
}

void
catch_order(struct catchment *c)
{
	free(c->order);
	c->order = xcalloc(c->ninst, sizeof(*c->order));
	for (size_t i = 0; i < c->ninst; i++)
		c->order[i] = (uint32_t)i;
	qsort_r(c->order, c->ninst, sizeof(*c->order), cmp_order, c);
}

static bool
failed_has(const struct catch_fault *f, uint32_t inst)
{
	for (size_t i = 0; i < f->nfailed; i++)
		if (f->failed[i] == inst)
			return true;
	return false;
}

/*
 * The instances on the fault's target nodes: by the node the topology
 * runs them on, or, for an instance it does not know, by name (an
 * anydnsd's identity is its node's name unless set).
 */
static void
fault_failed(struct catchment *c, struct catch_fault *f, const char *const *nodes, size_t n)
{
	f->failed = xcalloc(c->ninst, sizeof(*f->failed));
	for (size_t k = 0; k < n; k++) {
		if (nodes[k] == NULL)
			continue;
		for (size_t i = 0; i < c->ninst; i++) {
			const struct catch_instance *ci = &c->inst[i];
			bool on = ci->node ? strcmp(ci->node, nodes[k]) == 0 :
					     strcmp(ci->name, nodes[k]) == 0;

			if (on && !failed_has(f, (uint32_t)i))
				f->failed[f->nfailed++] = (uint32_t)i;
		}
	}
}

/*
 * One phase's cells, row by row: count the row's clients per instance in
 * count[] (zero on entry, left zero), remembering which were touched.
 */
static void
fault_matrix(const struct catchment *c, struct catch_fault *f, enum catch_phase p, uint32_t *count,
    uint32_t *touched)
{
	const uint32_t *inst = f->inst[p];
	size_t nc = 0;

	f->cells[p] = xcalloc(c->nclients, sizeof(*f->cells[p]));
	f->load[p] = xcalloc(c->ninst, sizeof(*f->load[p]));
	for (size_t r = 0; r < c->nrows; r++) {
		size_t nt = 0, none = 0;

		for (uint32_t j = c->row_start[r]; j < c->row_start[r + 1]; j++) {
			uint32_t k = inst[c->by_row[j]];

			if (k == CATCH_NONE) {
				none++;
				continue;
			}
			if (count[k]++ == 0)
				touched[nt++] = k;
		}
		/* touched holds at most the instances, few: sort them by index. */
		for (size_t a = 1; a < nt; a++)
			for (size_t b = a; b > 0 && touched[b - 1] > touched[b]; b--) {
				uint32_t t = touched[b];

				touched[b] = touched[b - 1];
				touched[b - 1] = t;
			}
		for (size_t t = 0; t < nt; t++) {
			uint32_t k = touched[t];

			f->cells[p][nc++] = (struct catch_cell){ (uint32_t)r, k, count[k] };
			f->load[p][k] += count[k];
			count[k] = 0;
		}
		if (none) {
			f->cells[p][nc++] = (struct catch_cell){ (uint32_t)r, CATCH_NONE,
				(uint32_t)none };
			f->unanswered[p] += none;
		}
	}
	f->ncells[p] = nc;
}

uint32_t
catch_load(const struct catch_fault *f, enum catch_phase p, uint32_t inst)
{
	return inst < f->ninst && f->load[p] ? f->load[p][inst] : 0;
}

void
catch_fault_add(struct catchment *c, const struct meas_client *mc, bool has_after,
    const char *const *failed_nodes, size_t nfailed)
{
	struct catch_fault *f, *nf;
	uint32_t *count, *touched;
	int64_t *fo;
	size_t nfo = 0;

	/* Every instance that answered, before the indices are used. */
	for (size_t i = 0; i < c->nclients; i++) {
		const char *ph[3] = { mc[i].before, mc[i].during, mc[i].after };

		for (int p = 0; p < 3; p++)
			if (ph[p][0] && catch_instance_find(c, ph[p]) == CATCH_NONE)
				catch_instance_add(c, ph[p], NULL, "");
	}
	nf = xcalloc(c->nfaults + 1, sizeof(*nf));
	if (c->nfaults)
		memcpy(nf, c->faults, c->nfaults * sizeof(*nf));
	free(c->faults);
	c->faults = nf;
	f = &c->faults[c->nfaults++];
	f->has_after = has_after;
	f->ninst = c->ninst;
	fault_failed(c, f, failed_nodes, nfailed);

	for (int p = 0; p < CATCH_PHASES; p++)
		f->inst[p] = xcalloc(c->nclients, sizeof(*f->inst[p]));
	f->flags = xcalloc(c->nclients, sizeof(*f->flags));
	for (int d = 0; d < 2; d++)
		f->collateral[d] = xcalloc(c->nclients, sizeof(*f->collateral[d]));
	fo = xcalloc(c->nclients, sizeof(*fo));
	for (size_t i = 0; i < c->nclients; i++) {
		const struct meas_client *m = &mc[i];
		uint32_t b = catch_instance_find(c, m->before);
		uint8_t fl = 0;

		f->inst[CATCH_BEFORE][i] = b;
		f->inst[CATCH_DURING][i] = catch_instance_find(c, m->during);
		f->inst[CATCH_AFTER][i] = has_after ? catch_instance_find(c, m->after) : CATCH_NONE;
		if (b != CATCH_NONE && failed_has(f, b))
			fl |= CATCH_OF_FAILED;
		/* failover_us is the first answer during the fault from another instance. */
		if (b != CATCH_NONE && m->failover_us >= 0)
			fl |= CATCH_MOVED_DURING;
		if (b != CATCH_NONE && has_after && f->inst[CATCH_AFTER][i] != CATCH_NONE &&
		    f->inst[CATCH_AFTER][i] != b)
			fl |= CATCH_MOVED_BACK;
		if (b != CATCH_NONE && !(fl & CATCH_OF_FAILED)) {
			if (fl & CATCH_MOVED_DURING) {
				fl |= CATCH_COLLATERAL_DURING;
				f->collateral[0][f->ncollateral[0]++] = (uint32_t)i;
			}
			if (fl & CATCH_MOVED_BACK) {
				fl |= CATCH_COLLATERAL_BACK;
				f->collateral[1][f->ncollateral[1]++] = (uint32_t)i;
			}
		}
		f->of_failed += (fl & CATCH_OF_FAILED) != 0;
		f->moved[0] += (fl & CATCH_MOVED_DURING) != 0;
		f->moved[1] += (fl & CATCH_MOVED_BACK) != 0;
		if ((fl & CATCH_OF_FAILED) && has_after && f->inst[CATCH_AFTER][i] != b)
			f->not_back++;
		if (m->affected) {
			f->affected++;
			if (m->failover_us >= 0)
				fo[nfo++] = m->failover_us;
			else
				f->never++;
		}
		f->flags[i] = fl;
	}
	catch_dist(fo, nfo, &f->failover);
	free(fo);

	count = xcalloc(c->ninst, sizeof(*count));
	touched = xcalloc(c->ninst, sizeof(*touched));
	for (int p = 0; p < CATCH_PHASES; p++)
		fault_matrix(c, f, (enum catch_phase)p, count, touched);
	free(count);
	free(touched);
	catch_order(c);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least pct percent of them at or below it. */
static int64_t
nearest_rank(const int64_t *v, size_t n, unsigned pct)
{
	size_t k = (pct * n + 99) / 100;

	return v[k ? k - 1 : 0];
}

void
catch_dist(int64_t *v, size_t n, struct catch_dist *d)
{
	d->n = n;
	if (n == 0) {
		d->median_us = d->p90_us = d->p99_us = d->max_us = -1;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_i64);
	d->median_us = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	d->p90_us = nearest_rank(v, n, 90);
	d->p99_us = nearest_rank(v, n, 99);
	d->max_us = v[n - 1];
}

void
catch_free(struct catchment *c)
{
	for (size_t k = 0; k < c->nfaults; k++) {
		struct catch_fault *f = &c->faults[k];

		free(f->failed);
		for (int p = 0; p < CATCH_PHASES; p++) {
			free(f->inst[p]);
			free(f->cells[p]);
			free(f->load[p]);
		}
		free(f->flags);
		free(f->collateral[0]);
		free(f->collateral[1]);
	}
	free(c->faults);
	free(c->client_names);
	free(c->client_row);
	free(c->rows);
	free(c->row_start);
	free(c->by_row);
	free(c->inst);
	free(c->order);
	free(c->ihash);
	memset(c, 0, sizeof(*c));
}
