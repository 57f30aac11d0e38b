/*
 * The prefix table holding Adj-RIBs-In, Loc-RIB selection and Adj-RIBs-Out
 * (RFC 4271 3.2); see rib.h. Decision itself is decision.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "rib.h"

/* Fixed-size object pool: chunks of CHUNK bytes, a free list, no per-object header. */
#define POOL_CHUNK (64 * 1024)

struct pool_chunk {
	struct pool_chunk *next;
	max_align_t data[];
};

struct pool {
	size_t size;
	struct pool_chunk *chunks;
	void *free;
	char *cur;
	char *end;
	size_t inuse;
	size_t nchunks;
};

struct rib {
	struct rib_params p;
	struct bgp_attr_table *attrs;
	struct rib_entry **buckets;
	size_t nbuckets; /* power of two */
	size_t nentries;
	size_t npaths;
	size_t nbest;		  /* entries with a best path after the decision */
	struct rib_entry **dirty; /* queue of entries flagged RIB_E_DIRTY */
	size_t ndirty;
	size_t dirty_pos;
	size_t dirty_cap;
	struct pool entry_pool;
	struct pool path_pool;
	struct pool out_pool;
};

static void *pool_get(struct pool *);
static void pool_put(struct pool *, void *);
static void pool_free_all(struct pool *);
static uint32_t prefix_hash(const struct prefix *);
static int rib_grow(struct rib *);
static struct rib_entry *entry_get(struct rib *, const struct prefix *);
static void mark_dirty(struct rib *, struct rib_entry *);
static void path_free(struct rib *, struct rib_entry *, struct rib_path *);

static struct rib_out *
out_list(const struct rib_entry *e)
{
	return (struct rib_out *)(e->out_flags & ~(uintptr_t)RIB_E_FLAGS);
}

static void
out_list_set(struct rib_entry *e, struct rib_out *o)
{
	e->out_flags = (uintptr_t)o | (e->out_flags & RIB_E_FLAGS);
}

static const char *const inelig_names[RIB_INELIG_COUNT] = {
	[RIB_ELIGIBLE] = "eligible",
	[RIB_NEXTHOP_UNRESOLVED] = "next hop unresolved",
	[RIB_AS_LOOP] = "own AS in AS_PATH",
};

const char *
rib_inelig_name(enum rib_inelig r)
{
	return r < RIB_INELIG_COUNT ? inelig_names[r] : "?";
}

static void
pool_init(struct pool *p, size_t size)
{
	memset(p, 0, sizeof(*p));
	/* Alignment, not size, of max_align_t (32 octets on x86-64, alignment 16). */
	p->size = (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	if (size <= 8)
		p->size = 8;
	else if (size <= 16)
		p->size = 16;
}

static void *
pool_get(struct pool *p)
{
	void *o;

	if (p->free) {
		o = p->free;
		memcpy(&p->free, o, sizeof(void *));
	} else {
		if (p->cur == NULL || p->cur + p->size > p->end) {
			struct pool_chunk *c = malloc(POOL_CHUNK);

			if (c == NULL)
				return NULL;
			c->next = p->chunks;
			p->chunks = c;
			p->cur = (char *)c->data;
			p->end = (char *)c + POOL_CHUNK;
			p->nchunks++;
		}
		o = p->cur;
		p->cur += p->size;
	}
	p->inuse++;
	memset(o, 0, p->size);
	return o;
}

static void
pool_put(struct pool *p, void *o)
{
	memcpy(o, &p->free, sizeof(void *));
	p->free = o;
	p->inuse--;
}

static void
pool_free_all(struct pool *p)
{
	struct pool_chunk *c, *n;

	for (c = p->chunks; c; c = n) {
		n = c->next;
		free(c);
	}
	memset(p, 0, sizeof(*p));
}

static uint32_t
prefix_hash(const struct prefix *pfx)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)pfx->len ^ ((uint64_t)pfx->addr.family << 8);
	size_t n = ipaddr_size(pfx->addr.family);

	for (size_t i = 0; i < n; i += 4) {
		uint32_t w;

		memcpy(&w, pfx->addr.bytes + i, 4);
		h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
		h ^= h >> 32;
	}
	return (uint32_t)h;
}

struct rib *
rib_new(const struct rib_params *params)
{
	struct rib *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->p = *params;
	r->attrs = bgp_attr_table_new();
	r->nbuckets = 1024;
	r->buckets = calloc(r->nbuckets, sizeof(*r->buckets));
	if (r->attrs == NULL || r->buckets == NULL) {
		if (r->attrs)
			bgp_attr_table_free(r->attrs);
		free(r->buckets);
		free(r);
		return NULL;
	}
	pool_init(&r->entry_pool, sizeof(struct rib_entry));
	pool_init(&r->path_pool, sizeof(struct rib_path));
	pool_init(&r->out_pool, sizeof(struct rib_out));
	return r;
}

void
rib_free(struct rib *r)
{
	if (r == NULL)
		return;
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct rib_entry *e = r->buckets[b]; e; e = e->hnext) {
			for (struct rib_path *p = e->paths; p; p = p->next)
				bgp_attr_unref(r->attrs, p->attrs);
			for (struct rib_out *o = out_list(e); o; o = o->next)
				bgp_attr_unref(r->attrs, o->attrs);
		}
	pool_free_all(&r->entry_pool);
	pool_free_all(&r->path_pool);
	pool_free_all(&r->out_pool);
	bgp_attr_table_free(r->attrs);
	free(r->buckets);
	free(r->dirty);
	free(r);
}

struct bgp_attr_table *
rib_attr_table(struct rib *r)
{
	return r->attrs;
}

const struct rib_params *
rib_params(const struct rib *r)
{
	return &r->p;
}

void
rib_set_params(struct rib *r, const struct rib_params *p)
{
	r->p = *p;
}

static int
rib_grow(struct rib *r)
{
	size_t n = r->nbuckets * 2;
	struct rib_entry **nb = calloc(n, sizeof(*nb));

	if (nb == NULL)
		return -1;
	for (size_t b = 0; b < r->nbuckets; b++) {
		struct rib_entry *e, *next;

		for (e = r->buckets[b]; e; e = next) {
			size_t i = prefix_hash(&e->pfx) & (n - 1);

			next = e->hnext;
			e->hnext = nb[i];
			nb[i] = e;
		}
	}
	free(r->buckets);
	r->buckets = nb;
	r->nbuckets = n;
	return 0;
}

static bool
prefix_same(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && a->addr.family == b->addr.family &&
	    memcmp(a->addr.bytes, b->addr.bytes, ipaddr_size(a->addr.family)) == 0;
}

struct rib_entry *
rib_lookup(struct rib *r, const struct prefix *pfx)
{
	size_t i = prefix_hash(pfx) & (r->nbuckets - 1);

	for (struct rib_entry *e = r->buckets[i]; e; e = e->hnext)
		if (prefix_same(&e->pfx, pfx))
			return e;
	return NULL;
}

static struct rib_entry *
entry_get(struct rib *r, const struct prefix *pfx)
{
	struct rib_entry *e = rib_lookup(r, pfx);
	size_t i;

	if (e)
		return e;
	if (r->nentries >= 2 * r->nbuckets)
		rib_grow(r); /* chains of two on average (4 octets a prefix); on failure, longer */
	e = pool_get(&r->entry_pool);
	if (e == NULL)
		return NULL;
	e->pfx = *pfx;
	i = prefix_hash(pfx) & (r->nbuckets - 1);
	e->hnext = r->buckets[i];
	r->buckets[i] = e;
	r->nentries++;
	return e;
}

static void
mark_dirty(struct rib *r, struct rib_entry *e)
{
	if (rib_entry_flags(e) & RIB_E_DIRTY)
		return;
	if (r->ndirty == r->dirty_cap) {
		size_t cap = r->dirty_cap ? r->dirty_cap * 2 : 1024;
		struct rib_entry **n = realloc(r->dirty, cap * sizeof(*n));

		if (n == NULL)
			return; /* decided at the next rib_mark_all(); never expected */
		r->dirty = n;
		r->dirty_cap = cap;
	}
	rib_entry_set_flag(e, RIB_E_DIRTY, true);
	r->dirty[r->ndirty++] = e;
}

bool
rib_pending(const struct rib *r)
{
	return r->dirty_pos < r->ndirty;
}

size_t
rib_dirty_count(const struct rib *r)
{
	return r->ndirty - r->dirty_pos;
}

int
rib_update(struct rib *r, const struct prefix *pfx, struct rib_source *src,
    const struct bgp_attrs *attrs)
{
	struct rib_entry *e = entry_get(r, pfx);
	const struct bgp_attrs *ia;
	struct rib_path *p;

	if (e == NULL)
		return -1;
	ia = bgp_attr_intern(r->attrs, attrs);
	if (ia == NULL) {
		rib_gc_entry(r, e);
		return -1;
	}
	for (p = e->paths; p; p = p->next)
		if (p->src == src)
			break;
	if (p) {
		if (p->attrs == ia) {
			bgp_attr_unref(r->attrs, ia); /* no change */
			return 0;
		}
		bgp_attr_unref(r->attrs, p->attrs);
		p->attrs = ia;
		if (p->flags)
			rib_entry_set_flag(e, RIB_E_RESEL, true);
	} else {
		p = pool_get(&r->path_pool);
		if (p == NULL) {
			bgp_attr_unref(r->attrs, ia);
			rib_gc_entry(r, e);
			return -1;
		}
		p->src = src;
		p->attrs = ia;
		p->next = e->paths;
		e->paths = p;
		src->npaths++;
		r->npaths++;
	}
	mark_dirty(r, e);
	return 0;
}

static void
path_free(struct rib *r, struct rib_entry *e, struct rib_path *p)
{
	if (p->flags)
		rib_entry_set_flag(e, RIB_E_RESEL, true);
	bgp_attr_unref(r->attrs, p->attrs);
	p->src->npaths--;
	r->npaths--;
	pool_put(&r->path_pool, p);
}

bool
rib_withdraw(struct rib *r, const struct prefix *pfx, struct rib_source *src)
{
	struct rib_entry *e = rib_lookup(r, pfx);

	if (e == NULL)
		return false;
	for (struct rib_path **pp = &e->paths; *pp; pp = &(*pp)->next)
		if ((*pp)->src == src) {
			struct rib_path *p = *pp;

			*pp = p->next;
			path_free(r, e, p);
			mark_dirty(r, e);
			return true;
		}
	return false;
}

size_t
rib_withdraw_source(struct rib *r, struct rib_source *src)
{
	size_t n = 0;

	for (size_t b = 0; b < r->nbuckets && src->npaths; b++)
		for (struct rib_entry *e = r->buckets[b]; e; e = e->hnext)
			for (struct rib_path **pp = &e->paths; *pp; pp = &(*pp)->next)
				if ((*pp)->src == src) {
					struct rib_path *p = *pp;

					*pp = p->next;
					path_free(r, e, p);
					mark_dirty(r, e);
					n++;
					break;
				}
	return n;
}

void
rib_mark_all(struct rib *r)
{
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct rib_entry *e = r->buckets[b]; e; e = e->hnext)
			if (e->paths)
				mark_dirty(r, e);
}

size_t
rib_process(struct rib *r)
{
	return rib_process_some(r, SIZE_MAX);
}

size_t
rib_process_some(struct rib *r, size_t max)
{
	struct decision_params dp = {
		.local_as = r->p.local_as,
		.max_paths = r->p.max_paths,
		.relax_as_path = r->p.relax_as_path,
		.nexthop_ok = r->p.nexthop_ok,
		.nexthop_arg = r->p.nexthop_arg,
	};
	size_t changed = 0;
	struct rib_entry *e;

	/* changed() may queue more dirty entries (not expected, but safe). */
	while (max-- > 0 && r->dirty_pos < r->ndirty) {
		bool had_best, has_best;

		e = r->dirty[r->dirty_pos++];
		rib_entry_set_flag(e, RIB_E_DIRTY, false);
		had_best = (rib_entry_flags(e) & RIB_E_BEST) != 0;
		if (decision_run(&dp, e) || (rib_entry_flags(e) & RIB_E_RESEL)) {
			rib_entry_set_flag(e, RIB_E_RESEL, false);
			changed++;
			if (r->p.changed)
				r->p.changed(r->p.changed_arg, e);
		}
		has_best = rib_best(e) != NULL;
		if (had_best != has_best) {
			r->nbest += has_best ? 1 : (size_t)-1;
			rib_entry_set_flag(e, RIB_E_BEST, has_best);
		}
		rib_gc_entry(r, e);
	}
	if (r->dirty_pos > 4096 && r->dirty_pos * 2 > r->ndirty) {
		/* Input keeps coming while we work: reuse the consumed front. */
		memmove(r->dirty, r->dirty + r->dirty_pos,
		    (r->ndirty - r->dirty_pos) * sizeof(*r->dirty));
		r->ndirty -= r->dirty_pos;
		r->dirty_pos = 0;
	}
	if (r->dirty_pos == r->ndirty) {
		r->dirty_pos = r->ndirty = 0;
		if (r->dirty_cap > 65536) {
			free(r->dirty);
			r->dirty = NULL;
			r->dirty_cap = 0;
		}
	}
	return changed;
}

struct rib_path *
rib_best(const struct rib_entry *e)
{
	for (struct rib_path *p = e->paths; p; p = p->next)
		if (p->flags & RIB_PATH_BEST)
			return p;
	return NULL;
}

void
rib_walk(struct rib *r, bool (*fn)(struct rib_entry *, void *), void *arg)
{
	for (size_t b = 0; b < r->nbuckets; b++) {
		struct rib_entry *e, *next;

		for (e = r->buckets[b]; e; e = next) {
			next = e->hnext;
			if (!fn(e, arg))
				return;
		}
	}
}

const struct bgp_attrs *
rib_out_get(const struct rib_entry *e, const void *peer)
{
	for (const struct rib_out *o = out_list(e); o; o = o->next)
		if (o->peer == peer)
			return o->attrs;
	return NULL;
}

void
rib_out_set(struct rib *r, struct rib_entry *e, void *peer, const struct bgp_attrs *attrs)
{
	struct rib_out *o, *prev = NULL;

	for (o = out_list(e); o; prev = o, o = o->next)
		if (o->peer == peer)
			break;
	if (attrs == NULL) {
		if (o) {
			if (prev)
				prev->next = o->next;
			else
				out_list_set(e, o->next);
			bgp_attr_unref(r->attrs, o->attrs);
			pool_put(&r->out_pool, o);
		}
		return;
	}
	if (o == NULL) {
		o = pool_get(&r->out_pool);
		if (o == NULL)
			return; /* forgotten: the peer gets it again next time */
		o->peer = peer;
		o->next = out_list(e);
		out_list_set(e, o);
	} else {
		bgp_attr_unref(r->attrs, o->attrs);
	}
	o->attrs = bgp_attr_ref(attrs);
}

void
rib_out_clear(struct rib *r, void *peer)
{
	for (size_t b = 0; b < r->nbuckets; b++) {
		struct rib_entry *e, *next;

		for (e = r->buckets[b]; e; e = next) {
			next = e->hnext;
			if (out_list(e) == NULL)
				continue;
			rib_out_set(r, e, peer, NULL);
			rib_gc_entry(r, e);
		}
	}
}

void
rib_gc_entry(struct rib *r, struct rib_entry *e)
{
	size_t i;

	if (e->paths || out_list(e) || (rib_entry_flags(e) & (RIB_E_FIB | RIB_E_DIRTY)))
		return;
	i = prefix_hash(&e->pfx) & (r->nbuckets - 1);
	for (struct rib_entry **ep = &r->buckets[i]; *ep; ep = &(*ep)->hnext)
		if (*ep == e) {
			*ep = e->hnext;
			r->nentries--;
			pool_put(&r->entry_pool, e);
			return;
		}
}

void
rib_get_stats(const struct rib *r, struct rib_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->prefixes = r->nentries;
	s->paths = r->npaths;
	s->best = r->nbest;
	s->attr_sets = bgp_attr_table_count(r->attrs);
	s->bytes = r->nbuckets * sizeof(void *) +
	    (r->entry_pool.nchunks + r->path_pool.nchunks + r->out_pool.nchunks) * POOL_CHUNK +
	    bgp_attr_table_bytes(r->attrs);
}
