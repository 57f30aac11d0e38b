/*
 * The RIBs of RFC 4271 3.2: one prefix table holds, per prefix, the paths
 * learned from every peer (together the Adj-RIBs-In, after import policy),
 * the Loc-RIB selection as flags on those paths (best and multipath, set by
 * decision.c), and what was sent to each peer (the Adj-RIBs-Out).
 *
 * Built for a million prefixes sharing a few thousand attribute sets: the
 * prefix table is a chained hash table keyed by prefix, entries and paths come
 * from fixed-size pools, and every path points at an interned, reference-
 * counted struct bgp_attrs (bgp_attr.h).
 *
 * Changes are batched: rib_update/rib_withdraw mark the entry dirty;
 * rib_process() runs the decision process on the dirty entries and reports
 * each entry whose selection changed through the changed() callback (kernel
 * FIB sync and advertisement hang off it).
 */
#ifndef ANYBGP_RIB_H
#define ANYBGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_attr.h"

/* Where paths come from: a peer, or this speaker (origination). */
struct rib_source {
	struct ipaddr addr; /* peer address; unset for local */
	uint32_t router_id; /* BGP Identifier, host order */
	uint32_t asn;	    /* peer AS; local AS for local */
	bool ebgp;
	bool local;	 /* originated by this speaker */
	void *owner;	 /* struct bgp_peer *, NULL for local */
	uint32_t npaths; /* paths held from this source (Adj-RIB-In size) */
};

/* Why a path takes no part in the selection. */
enum rib_inelig {
	RIB_ELIGIBLE,
	RIB_NEXTHOP_UNRESOLVED, /* RFC 4271 9.1.2 */
	RIB_AS_LOOP,		/* own AS in AS_PATH */
	RIB_INELIG_COUNT,
};

#define RIB_PATH_BEST	   0x01
#define RIB_PATH_MULTIPATH 0x02 /* in the multipath set (the best one included) */

struct rib_path {
	struct rib_path *next;
	struct rib_source *src;
	const struct bgp_attrs *attrs; /* interned */
	uint32_t igp_cost;	       /* of the next hop, set by decision */
	uint8_t flags;
	uint8_t inelig; /* enum rib_inelig */
};

/* One Adj-RIB-Out entry: what peer was last sent for this prefix. */
struct rib_out {
	struct rib_out *next;
	void *peer;
	const struct bgp_attrs *attrs; /* interned */
};

#define RIB_E_DIRTY 0x01 /* waiting for the decision process */
#define RIB_E_FIB   0x02 /* a route is in the kernel table */
#define RIB_E_RESEL 0x04 /* a selected path went or changed its attributes */
#define RIB_E_BEST  0x08 /* counted in the RIB's best-path total */
#define RIB_E_FLAGS 0x0f

/*
 * One prefix: 48 octets. The Adj-RIB-Out list and the RIB_E_* flags share one
 * word (rib_out objects are 16-octet aligned, so the low 4 bits are free);
 * use rib_entry_flags() and rib_entry_set_flag().
 */
struct rib_entry {
	struct prefix pfx;
	struct rib_entry *hnext;
	struct rib_path *paths;
	uintptr_t out_flags;
};

static inline unsigned
rib_entry_flags(const struct rib_entry *e)
{
	return (unsigned)(e->out_flags & RIB_E_FLAGS);
}

static inline void
rib_entry_set_flag(struct rib_entry *e, unsigned flag, bool on)
{
	if (on)
		e->out_flags |= flag;
	else
		e->out_flags &= ~(uintptr_t)flag;
}

struct rib;

/* Decision parameters and the next-hop resolver (kroute, or a test's). */
struct rib_params {
	uint32_t local_as;
	unsigned max_paths; /* 1: no multipath */
	bool relax_as_path;
	/* true when the next hop is reachable; *cost the IGP cost to it. */
	bool (*nexthop_ok)(void *arg, const struct ipaddr *, uint32_t *cost);
	void *nexthop_arg;
	/* The selection of e changed (or e lost its last path: no best). */
	void (*changed)(void *arg, struct rib_entry *e);
	void *changed_arg;
};

struct rib *rib_new(const struct rib_params *);
void rib_free(struct rib *);
struct bgp_attr_table *rib_attr_table(struct rib *);
const struct rib_params *rib_params(const struct rib *);
void rib_set_params(struct rib *, const struct rib_params *);

/* Adds or replaces src's path for pfx; attrs is interned here. 0 or -1 (ENOMEM). */
int rib_update(struct rib *, const struct prefix *, struct rib_source *, const struct bgp_attrs *);
/* Removes src's path for pfx; true if there was one. */
bool rib_withdraw(struct rib *, const struct prefix *, struct rib_source *);
/* Removes every path of src (peer down). Returns how many. */
size_t rib_withdraw_source(struct rib *, struct rib_source *);
/* Runs the decision process on every dirty entry; returns how many changed. */
size_t rib_process(struct rib *);
/* The same for at most max dirty entries (the rest stay queued: rib_pending()). */
size_t rib_process_some(struct rib *, size_t max);
/* Marks every entry dirty (next hops changed). */
void rib_mark_all(struct rib *);
bool rib_pending(const struct rib *);
/* Entries waiting for the decision process (input backs off above a bound). */
size_t rib_dirty_count(const struct rib *);

struct rib_entry *rib_lookup(struct rib *, const struct prefix *);
struct rib_path *rib_best(const struct rib_entry *);
/* Calls fn on every entry (unordered). Stop early by returning false. */
void rib_walk(struct rib *, bool (*fn)(struct rib_entry *, void *), void *arg);

/* Adj-RIB-Out. rib_out_set with attrs NULL removes. Returns the previous attrs
 * (a reference the caller drops) — or NULL. */
const struct bgp_attrs *rib_out_get(const struct rib_entry *, const void *peer);
void rib_out_set(struct rib *, struct rib_entry *, void *peer, const struct bgp_attrs *);
/* Drops peer's whole Adj-RIB-Out (session down). */
void rib_out_clear(struct rib *, void *peer);
/* An entry with no path, no Adj-RIB-Out and nothing in the kernel is freed. */
void rib_gc_entry(struct rib *, struct rib_entry *);

struct rib_stats {
	size_t prefixes;
	size_t paths;
	size_t best;
	size_t attr_sets;
	size_t bytes; /* prefix table + paths + attribute sets */
};
void rib_get_stats(const struct rib *, struct rib_stats *);

const char *rib_inelig_name(enum rib_inelig);

#endif
