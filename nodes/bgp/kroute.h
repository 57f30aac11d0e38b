/*
 * Kernel FIB sync and kernel state tracking, through libnl-route-3 (the only
 * file of anybgpd that talks netlink).
 *
 * Out: the Loc-RIB's selected routes go into the configured kernel table
 * under the daemon's own route protocol number (default 186, RTPROT_BGP) and
 * metric KROUTE_METRIC; a multipath set is one route with several next hops,
 * installed or replaced in one RTM_NEWROUTE with NLM_F_CREATE|NLM_F_REPLACE;
 * a prefix without selection is deleted; on exit every route is removed, and
 * on start stale routes with our protocol number (a crashed predecessor) are
 * removed. Requests are sent without waiting for acknowledgements; the
 * kernel's error replies are read in the event loop and logged.
 *
 * With "fib": "resilient" (bgp_config.h), a set of next hops is instead a
 * resilient nexthop group named by the route (kroute_nhg.c), updated in
 * place when a member goes or comes; when the kernel refuses nexthop
 * objects, kroute falls back to plain multipath routes and says why.
 *
 * In: links, addresses and routes are watched on a second netlink socket in
 * the event loop. The local table's RTN_LOCAL routes say which addresses are
 * the namespace's own (kroute_is_local). The routes of other protocols in the main table (connected,
 * static, ...) resolve BGP next hops (RFC 4271 9.1.2); a change triggers a
 * new decision for every prefix. A link going down, or losing its carrier, is
 * reported through the link_event callback to the link-state detector
 * (detect_link.c), which takes the sessions behind it down.
 */
#ifndef ANYBGP_KROUTE_H
#define ANYBGP_KROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "evloop.h"
#include "rib.h"

#define KROUTE_METRIC 20 /* route priority of our routes */

struct kroute;

struct kroute_params {
	uint32_t table;
	uint8_t protocol;
	bool install;
	/* Multipath sets as resilient nexthop groups (else plain routes). */
	bool resilient;
	uint16_t buckets;
	uint32_t idle_timer_s;
	uint32_t unbalanced_timer_s;
	/*
	 * Called when an interface goes down or loses carrier (up false, while
	 * the table still holds the routes through it), and when it is up with
	 * carrier again: the link-state detector (detect_link.c).
	 */
	void (*link_event)(void *arg, int ifindex, const char *ifname, bool up);
	/* Called when next-hop resolution may have changed. */
	void (*nexthops_changed)(void *arg);
	/* Called when refused adds were queued again: run kroute_flush. */
	void (*flush)(void *arg);
	void *arg;
};

struct kroute_stats {
	uint64_t installed; /* routes in the kernel now */
	uint64_t adds;	    /* requests sent */
	uint64_t deletes;
	uint64_t errors;	  /* error replies */
	uint64_t retries;	  /* refused adds queued again */
	uint64_t resyncs;	  /* full re-reads after a lost event */
	uint64_t kernel_routes;	  /* routes of others used for resolution */
	const char *fib;	  /* "hash" or "resilient": what is installed now */
	const char *fib_fallback; /* why resilient was asked for but not used, or NULL */
	uint64_t nh_groups;	  /* resilient groups of ours in the kernel */
	uint64_t nh_objects;	  /* their member next hops */
	uint64_t nh_replaced;	  /* groups updated in place (a member went or came) */
};

struct kroute *kroute_open(struct ev_loop *, const struct kroute_params *);
/* Removes every route we installed (entries flagged RIB_E_FIB in rib), closes. */
void kroute_close(struct kroute *, struct rib *);
/* Queue e for the kernel (its selection changed). */
void kroute_changed(struct kroute *, struct rib_entry *);
/* Send the queued changes. */
void kroute_flush(struct kroute *, struct rib *);
/* rib_params.nexthop_ok: resolvable through a non-BGP kernel route. */
bool kroute_nexthop_ok(void *kroute, const struct ipaddr *, uint32_t *cost);
/*
 * addr is one of the namespace's own addresses (a RTN_LOCAL route of the
 * local table covers it: an interface's address, 127.0.0.0/8, ::1). False
 * when kr is NULL.
 */
bool kroute_is_local(const struct kroute *, const struct ipaddr *);
/* Interface the kernel would use towards addr (0 when unknown). */
int kroute_ifindex_for(struct kroute *, const struct ipaddr *);
void kroute_get_stats(const struct kroute *, struct kroute_stats *);

#endif
