/*
 * Route flap damping (RFC 2439 4, parameters of RFC 7196 3): the penalty
 * arithmetic and the per-prefix histories of one peer. See damping.h.
 *
 * A history is kept for every route the peer announced (so that a change of
 * attributes is seen: an attribute set is remembered by its hash), and for
 * a withdrawn one until its penalty decays below half the reuse threshold.
 * The penalty is stored with the time it was last brought up to date and
 * decayed on each use: P(t) = P(t0) * 2^(-(t - t0) / half_life).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "damping.h"

struct damp_entry {
	struct damp_entry *next;
	struct prefix pfx;
	double penalty;
	uint64_t updated_us; /* penalty is as of this time */
	bool suppressed;
	bool reachable;	    /* last heard: announced */
	bool held;	    /* attrs holds the suppressed, reachable route */
	uint32_t attr_hash; /* of the last announced attributes */
	struct bgp_attrs attrs;
};

struct damping {
	struct damping_params p;
	double ceiling;
	struct damp_entry **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	size_t nsuppressed;
};

void
damping_params_default(struct damping_params *p)
{
	p->suppress = DAMP_DEF_SUPPRESS;
	p->reuse = DAMP_DEF_REUSE;
	p->half_life_s = DAMP_DEF_HALF_LIFE_S;
	p->max_suppress_s = DAMP_DEF_MAX_SUPPRESS_S;
	p->withdraw_penalty = DAMP_DEF_WITHDRAW_PENALTY;
	p->change_penalty = DAMP_DEF_CHANGE_PENALTY;
}

double
damping_ceiling(const struct damping_params *p)
{
	return (double)p->reuse * exp2((double)p->max_suppress_s / (double)p->half_life_s);
}

double
damping_decay(const struct damping_params *p, double penalty, uint64_t dt_us)
{
	return penalty * exp2(-((double)dt_us / 1e6) / (double)p->half_life_s);
}

double
damping_reuse_after_s(const struct damping_params *p, double penalty)
{
	if (penalty <= p->reuse)
		return 0;
	return (double)p->half_life_s * log2(penalty / (double)p->reuse);
}

struct damping *
damping_new(const struct damping_params *p)
{
	struct damping *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->p = *p;
	d->ceiling = damping_ceiling(p);
	d->nbuckets = 64;
	d->buckets = calloc(d->nbuckets, sizeof(*d->buckets));
	if (d->buckets == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

static void
entry_free(struct damp_entry *e)
{
	if (e->held)
		bgp_attrs_clear(&e->attrs);
	free(e);
}

void
damping_free(struct damping *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nbuckets; i++)
		while (d->buckets[i]) {
			struct damp_entry *e = d->buckets[i];

			d->buckets[i] = e->next;
			entry_free(e);
		}
	free(d->buckets);
	free(d);
}

const struct damping_params *
damping_params(const struct damping *d)
{
	return &d->p;
}

static size_t
bucket(const struct damping *d, const struct prefix *pfx)
{
	uint32_t h = 2166136261u;
	size_t n = ipaddr_size(pfx->addr.family);

	for (size_t i = 0; i < n; i++) {
		h ^= pfx->addr.bytes[i];
		h *= 16777619u;
	}
	h ^= pfx->len;
	h *= 16777619u;
	h ^= (uint32_t)pfx->addr.family;
	h *= 16777619u;
	return h & (d->nbuckets - 1);
}

static bool
same_prefix(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && prefix_cmp(a, b) == 0;
}

static struct damp_entry *
find(const struct damping *d, const struct prefix *pfx)
{
	for (struct damp_entry *e = d->buckets[bucket(d, pfx)]; e; e = e->next)
		if (same_prefix(&e->pfx, pfx))
			return e;
	return NULL;
}

static void
grow(struct damping *d)
{
	size_t n = d->nbuckets * 2;
	struct damp_entry **b = calloc(n, sizeof(*b));
	struct damping old = *d;

	if (b == NULL)
		return; /* longer chains, still correct */
	d->buckets = b;
	d->nbuckets = n;
	for (size_t i = 0; i < old.nbuckets; i++)
		while (old.buckets[i]) {
			struct damp_entry *e = old.buckets[i];
			size_t k = bucket(d, &e->pfx);

			old.buckets[i] = e->next;
			e->next = b[k];
			b[k] = e;
		}
	free(old.buckets);
}

static struct damp_entry *
get(struct damping *d, const struct prefix *pfx, uint64_t now_us)
{
	struct damp_entry *e = find(d, pfx);
	size_t k;

	if (e)
		return e;
	if (d->count >= d->nbuckets)
		grow(d);
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->pfx = *pfx;
	e->updated_us = now_us;
	k = bucket(d, pfx);
	e->next = d->buckets[k];
	d->buckets[k] = e;
	d->count++;
	return e;
}

static double
decayed(const struct damping *d, const struct damp_entry *e, uint64_t now_us)
{
	return now_us > e->updated_us ? damping_decay(&d->p, e->penalty, now_us - e->updated_us) :
					e->penalty;
}

/* Brings the penalty to now and adds add, up to the ceiling. */
static void
penalise(struct damping *d, struct damp_entry *e, uint64_t now_us, uint32_t add)
{
	e->penalty = decayed(d, e, now_us) + add;
	if (e->penalty > d->ceiling)
		e->penalty = d->ceiling;
	e->updated_us = now_us;
	if (!e->suppressed && e->penalty > d->p.suppress) {
		e->suppressed = true;
		d->nsuppressed++;
	}
}

static void
drop_held(struct damp_entry *e)
{
	if (e->held) {
		bgp_attrs_clear(&e->attrs);
		e->held = false;
	}
}

int
damping_announce(struct damping *d, const struct prefix *pfx, const struct bgp_attrs *a,
    uint64_t now_us)
{
	struct damp_entry *e = get(d, pfx, now_us);
	uint32_t h = bgp_attrs_hash(a);

	if (e == NULL)
		return -1;
	/* A re-announcement after a withdrawal costs nothing: the withdrawal paid. */
	penalise(d, e, now_us, e->reachable && e->attr_hash != h ? d->p.change_penalty : 0);
	e->reachable = true;
	e->attr_hash = h;
	if (!e->suppressed)
		return DAMP_PASS;
	drop_held(e);
	bgp_attrs_init(&e->attrs);
	if (bgp_attrs_copy(&e->attrs, a) < 0)
		return -1;
	e->held = true;
	return DAMP_SUPPRESS;
}

int
damping_withdraw(struct damping *d, const struct prefix *pfx, uint64_t now_us)
{
	struct damp_entry *e = find(d, pfx);

	if (e == NULL) /* never announced to us: nothing to damp */
		return DAMP_PASS;
	penalise(d, e, now_us, e->reachable ? d->p.withdraw_penalty : 0);
	e->reachable = false;
	drop_held(e);
	return e->suppressed ? DAMP_SUPPRESS : DAMP_PASS;
}

void
damping_withdraw_all(struct damping *d, uint64_t now_us)
{
	for (size_t i = 0; i < d->nbuckets; i++)
		for (struct damp_entry *e = d->buckets[i]; e; e = e->next)
			if (e->reachable)
				damping_withdraw(d, &e->pfx, now_us);
}

size_t
damping_reuse(struct damping *d, uint64_t now_us,
    void (*reuse)(void *, const struct prefix *, const struct bgp_attrs *), void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nbuckets; i++) {
		struct damp_entry **pp = &d->buckets[i];

		while (*pp) {
			struct damp_entry *e = *pp;
			double pen = decayed(d, e, now_us);

			/* A micro-second of rounding is not worth another timer. */
			if (e->suppressed && pen <= d->p.reuse + 1e-6) {
				e->suppressed = false;
				d->nsuppressed--;
				n++;
				if (e->reachable && e->held && reuse)
					reuse(arg, &e->pfx, &e->attrs);
				drop_held(e);
			}
			if (!e->suppressed && !e->reachable && pen < d->p.reuse / 2.0) {
				*pp = e->next;
				entry_free(e);
				d->count--;
				continue;
			}
			pp = &e->next;
		}
	}
	return n;
}

uint64_t
damping_next_reuse_us(const struct damping *d, uint64_t now_us)
{
	uint64_t next = 0;

	if (d->nsuppressed == 0)
		return 0;
	for (size_t i = 0; i < d->nbuckets; i++)
		for (const struct damp_entry *e = d->buckets[i]; e; e = e->next) {
			uint64_t at;

			if (!e->suppressed)
				continue;
			at = e->updated_us +
			    (uint64_t)ceil(damping_reuse_after_s(&d->p, e->penalty) * 1e6);
			if (at < now_us)
				at = now_us;
			if (next == 0 || at < next)
				next = at;
		}
	return next;
}

static void
info(const struct damping *d, const struct damp_entry *e, uint64_t now_us, struct damping_info *out)
{
	out->penalty = decayed(d, e, now_us);
	out->suppressed = e->suppressed;
	out->reuse_s = e->suppressed ? damping_reuse_after_s(&d->p, out->penalty) : 0;
	out->reachable = e->reachable;
	out->attrs = e->held ? &e->attrs : NULL;
}

bool
damping_lookup(const struct damping *d, const struct prefix *pfx, uint64_t now_us,
    struct damping_info *out)
{
	const struct damp_entry *e = find(d, pfx);

	if (e == NULL)
		return false;
	info(d, e, now_us, out);
	return true;
}

void
damping_walk_suppressed(const struct damping *d, uint64_t now_us,
    void (*fn)(void *, const struct prefix *, const struct damping_info *), void *arg)
{
	for (size_t i = 0; i < d->nbuckets; i++)
		for (const struct damp_entry *e = d->buckets[i]; e; e = e->next)
			if (e->suppressed) {
				struct damping_info in;

				info(d, e, now_us, &in);
				fn(arg, &e->pfx, &in);
			}
}

size_t
damping_count(const struct damping *d)
{
	return d->count;
}

size_t
damping_suppressed(const struct damping *d)
{
	return d->nsuppressed;
}
