/*
 * RFC 4271 9.1.2 (eligibility) and 9.1.2.2 (tie-breaking) for one prefix,
 * plus the multipath set; see decision.h for the order of the steps.
 */
#include <stdlib.h>
#include <string.h>

#include "decision.h"

#define CAND_STACK 32

static const char *const step_names[DECISION_STEP_COUNT] = {
	[DECISION_LOCAL_PREF] = "local-pref",
	[DECISION_AS_PATH_LEN] = "as-path-length",
	[DECISION_ORIGIN] = "origin",
	[DECISION_MED] = "med",
	[DECISION_EBGP] = "ebgp-over-ibgp",
	[DECISION_IGP_COST] = "igp-cost",
	[DECISION_ROUTER_ID] = "router-id",
	[DECISION_PEER_ADDR] = "peer-address",
};

const char *
decision_step_name(enum decision_step s)
{
	return s < DECISION_STEP_COUNT ? step_names[s] : "?";
}

static uint32_t
local_pref(const struct rib_path *p)
{
	if (p->attrs->present & BGP_ATTRS_LOCAL_PREF)
		return p->attrs->local_pref;
	return DECISION_DEFAULT_LOCAL_PREF;
}

static uint32_t
med(const struct rib_path *p)
{
	return (p->attrs->present & BGP_ATTRS_MED) ? p->attrs->med : 0;
}

static uint32_t
neighbor_as(const struct rib_path *p)
{
	if (p->src->local)
		return 0;
	return bgp_aspath_first_as(p->attrs->aspath);
}

static bool
external(const struct rib_path *p)
{
	return p->src->local || p->src->ebgp;
}

/* Keeps the candidates whose key equals the minimum (of key, or of -key for "highest"). */
static size_t
keep_min(struct rib_path **c, size_t n, uint64_t (*key)(const struct rib_path *))
{
	uint64_t best = UINT64_MAX;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t v = key(c[i]);

		if (v < best)
			best = v;
	}
	for (size_t i = 0; i < n; i++)
		if (key(c[i]) == best)
			c[k++] = c[i];
	return k;
}

static uint64_t
key_local_pref(const struct rib_path *p)
{
	return UINT32_MAX - (uint64_t)local_pref(p);
}

static uint64_t
key_aspath_len(const struct rib_path *p)
{
	return bgp_aspath_length(p->attrs->aspath);
}

static uint64_t
key_origin(const struct rib_path *p)
{
	return (p->attrs->present & BGP_ATTRS_ORIGIN) ? p->attrs->origin : BGP_ORIGIN_INCOMPLETE;
}

static uint64_t
key_external(const struct rib_path *p)
{
	return external(p) ? 0 : 1;
}

static uint64_t
key_igp(const struct rib_path *p)
{
	return p->igp_cost;
}

/* RFC 4271 9.1.2.2 c: drop a path when one from the same neighbour AS has a lower MED. */
static size_t
keep_med(struct rib_path **c, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool worse = false;

		for (size_t j = 0; j < n && !worse; j++)
			if (j != i && neighbor_as(c[j]) == neighbor_as(c[i]) &&
			    med(c[j]) < med(c[i]))
				worse = true;
		if (!worse)
			c[k++] = c[i];
	}
	return k;
}

/* Steps g and h: lower router id, then lower peer address. */
static int
tiebreak_cmp(const void *a, const void *b)
{
	const struct rib_path *x = *(struct rib_path *const *)a;
	const struct rib_path *y = *(struct rib_path *const *)b;

	if (x->src->local != y->src->local)
		return x->src->local ? -1 : 1;
	if (x->src->router_id != y->src->router_id)
		return x->src->router_id < y->src->router_id ? -1 : 1;
	return ipaddr_cmp(&x->src->addr, &y->src->addr);
}

static enum rib_inelig
eligibility(const struct decision_params *dp, struct rib_path *p)
{
	p->igp_cost = 0;
	if (p->src->local)
		return RIB_ELIGIBLE;
	if (bgp_aspath_contains(p->attrs->aspath, dp->local_as))
		return RIB_AS_LOOP;
	if (dp->nexthop_ok && !dp->nexthop_ok(dp->nexthop_arg, &p->attrs->nexthop, &p->igp_cost))
		return RIB_NEXTHOP_UNRESOLVED;
	return RIB_ELIGIBLE;
}

bool
decision_run(const struct decision_params *dp, struct rib_entry *e)
{
	struct rib_path *stack[CAND_STACK], **c = stack;
	size_t n = 0, total = 0, k;
	unsigned max = dp->max_paths ? dp->max_paths : 1;
	bool changed = false;
	struct rib_path *best;

	for (struct rib_path *p = e->paths; p; p = p->next)
		total++;
	if (total > CAND_STACK) {
		c = malloc(total * sizeof(*c));
		if (c == NULL)
			return false; /* keep the old selection */
	}
	for (struct rib_path *p = e->paths; p; p = p->next) {
		p->inelig = (uint8_t)eligibility(dp, p);
		if (p->inelig == RIB_ELIGIBLE)
			c[n++] = p;
	}
	n = keep_min(c, n, key_local_pref);
	n = keep_min(c, n, key_aspath_len);
	n = keep_min(c, n, key_origin);
	n = keep_med(c, n);
	n = keep_min(c, n, key_external);
	n = keep_min(c, n, key_igp);
	if (n > 1)
		qsort(c, n, sizeof(*c), tiebreak_cmp);
	best = n ? c[0] : NULL;
	/* The multipath set: tied so far and with the same AS path (or length). */
	k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		if (i > 0 && !dp->relax_as_path &&
		    !bgp_aspath_equal(c[i]->attrs->aspath, best->attrs->aspath))
			continue;
		if (i > 0 && (c[i]->src->local || best->src->local))
			continue; /* a local route is never load-shared with a learned one */
		c[k++] = c[i];
	}
	for (struct rib_path *p = e->paths; p; p = p->next) {
		uint8_t f = 0;

		if (p == best)
			f |= RIB_PATH_BEST;
		for (size_t i = 0; i < k; i++)
			if (c[i] == p)
				f |= RIB_PATH_MULTIPATH;
		if (f != p->flags)
			changed = true;
		p->flags = f;
	}
	if (c != stack)
		free(c);
	return changed;
}

unsigned
decision_npaths(const struct rib_entry *e)
{
	unsigned n = 0;

	for (const struct rib_path *p = e->paths; p; p = p->next)
		if (p->flags & RIB_PATH_MULTIPATH)
			n++;
	return n;
}
