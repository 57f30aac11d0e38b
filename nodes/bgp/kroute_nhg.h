/*
 * Resilient nexthop groups (Linux nexthop objects, kernel 5.13 and later):
 * the FIB mode "resilient" of kroute.c. A multipath set is installed as one
 * nexthop object per next hop, one group of type resilient over them, and a
 * route that names the group (RTA_NH_ID). When a member goes or comes, the
 * group is replaced in place with the new member list: the kernel then moves
 * only the buckets of the member that went (or idle ones to the member that
 * came), so flows on the surviving next hops stay where they were (RFC 4786
 * section 4.4.3), which hash-threshold multipath cannot do.
 *
 * libnl 3.7 has no API for nexthop objects, so the messages (RTM_NEWNEXTHOP,
 * RTM_DELNEXTHOP, NHA_* of linux/nexthop.h, and RTM_NEWROUTE with RTA_NH_ID)
 * are built here with libnl's core message API. Building is separate from
 * sending: every message goes out through the send callback (kroute's
 * command socket, or a test's recorder), so this file never opens a socket.
 *
 * The objects are ours alone: their ids come from a range derived from the
 * route protocol number (kroute_nhg_id_first), they carry that protocol
 * number, are created with NLM_F_EXCL (an id held by someone else is never
 * overwritten) and are deleted when no prefix uses them and on exit.
 */
#ifndef ANYBGP_KROUTE_NHG_H
#define ANYBGP_KROUTE_NHG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>

#include "addr.h"

#define KROUTE_NHG_ID_BITS 24 /* ids per speaker: 2^24 */

/* What a message sent does (for logs, errors and tests). */
enum kroute_nhg_op {
	NHG_OP_NEXTHOP_ADD,   /* one next hop, NLM_F_CREATE|NLM_F_EXCL */
	NHG_OP_GROUP_ADD,     /* a new group, NLM_F_CREATE|NLM_F_EXCL */
	NHG_OP_GROUP_REPLACE, /* the member list of a group, NLM_F_REPLACE */
	NHG_OP_DELETE,	      /* a group or next hop, RTM_DELNEXTHOP */
	NHG_OP_ROUTE_ADD,     /* a route naming a group, NLM_F_CREATE|NLM_F_REPLACE */
	NHG_OP_COUNT,
};

/* One next hop: gateway and the interface towards it (required by the kernel). */
struct kroute_gw {
	struct ipaddr gw;
	int oif;
};

struct kroute_nhg_params {
	uint32_t table;
	uint8_t protocol;
	uint32_t metric;
	uint16_t buckets;	     /* NHA_RES_GROUP_BUCKETS */
	uint32_t idle_timer_s;	     /* NHA_RES_GROUP_IDLE_TIMER */
	uint32_t unbalanced_timer_s; /* NHA_RES_GROUP_UNBALANCED_TIMER, 0: never */
	/*
	 * Sends msg (the callee does not keep it); pfx is the route's prefix
	 * for NHG_OP_ROUTE_ADD, else NULL. Returns 0 or a negative error.
	 */
	int (*send)(void *arg, struct nl_msg *msg, enum kroute_nhg_op, const struct prefix *pfx);
	void *arg;
};

struct kroute_nhg_stats {
	size_t prefixes; /* routes naming a group */
	size_t groups;
	size_t nexthops;
	uint64_t replaced; /* groups updated in place */
};

struct kroute_nhg;

const char *kroute_nhg_op_name(enum kroute_nhg_op);
/* The first id of the speaker's range: protocol << KROUTE_NHG_ID_BITS. */
uint32_t kroute_nhg_id_first(uint8_t protocol);

/* ---- message building (no state, no socket) ---- */

/* RTM_NEWNEXTHOP for one gateway, created exclusively. */
struct nl_msg *kroute_nhg_msg_nexthop(uint32_t id, uint8_t protocol, const struct kroute_gw *);
/* RTM_NEWNEXTHOP for a blackhole (the start-up probe). */
struct nl_msg *kroute_nhg_msg_blackhole(uint32_t id, uint8_t protocol);
/*
 * RTM_NEWNEXTHOP for a resilient group of n members (weight 1 each) with the
 * bucket count and timers of p: NLM_F_CREATE|NLM_F_EXCL, or NLM_F_REPLACE
 * when replace (the group must exist; the kernel keeps its buckets).
 */
struct nl_msg *kroute_nhg_msg_group(uint32_t id, uint8_t protocol, const uint32_t *members,
    size_t n, const struct kroute_nhg_params *p, bool replace);
/* RTM_DELNEXTHOP of one id. */
struct nl_msg *kroute_nhg_msg_delete(uint32_t id);
/* RTM_NEWROUTE of pfx through group nh_id (RTA_NH_ID), create or replace. */
struct nl_msg *kroute_nhg_msg_route(const struct kroute_nhg_params *, const struct prefix *,
    uint32_t nh_id);

/* ---- the speaker's objects ---- */

struct kroute_nhg *kroute_nhg_new(const struct kroute_nhg_params *);
/* Sends the deletion of every group and next hop left, then frees. */
void kroute_nhg_free(struct kroute_nhg *);
/* Never allocate id (an object of someone else in our range). */
void kroute_nhg_reserve(struct kroute_nhg *, uint32_t id);
/* The next id to allocate is past id (ids just used by the probe). */
void kroute_nhg_skip(struct kroute_nhg *, uint32_t id);
/*
 * pfx's next hops are now gws[0..n-1] (any order, no duplicates); n 0: pfx
 * no longer names a group (its route was deleted, or replaced by a plain
 * one, before the commit). Nothing is sent before kroute_nhg_commit.
 * Returns 0 or -1 (out of memory).
 */
int kroute_nhg_set(struct kroute_nhg *, const struct prefix *, const struct kroute_gw *gws,
    size_t n);
/*
 * Sends what the sets since the last commit need, in an order the kernel
 * accepts: new next hops, groups replaced in place (when every prefix of a
 * group moves to the same new set and no group has that set yet), new
 * groups, routes, then the deletion of groups and next hops no longer used.
 */
void kroute_nhg_commit(struct kroute_nhg *);
/* pfx names one of our groups (after the last commit). */
bool kroute_nhg_has(const struct kroute_nhg *, const struct prefix *);
/* Calls fn for every prefix naming a group. */
void kroute_nhg_walk(const struct kroute_nhg *, void (*fn)(void *, const struct prefix *),
    void *arg);
/*
 * The kernel deleted object id (a next hop whose interface went down, or a
 * group left empty): our copy forgets it, and fn is called for every prefix
 * whose group it was or was in, to be installed again. Ids not ours: nothing.
 */
void kroute_nhg_kernel_deleted(struct kroute_nhg *, uint32_t id,
    void (*fn)(void *, const struct prefix *), void *arg);
/*
 * The kernel refused to create object id (an error reply to its
 * NHG_OP_NEXTHOP_ADD or NHG_OP_GROUP_ADD): it is not ours, so it is never
 * deleted by us (it may be someone else's, made after our start) and its id
 * is never allocated again. Our copy keeps the entry until nothing uses it.
 */
void kroute_nhg_create_refused(struct kroute_nhg *, uint32_t id);
/* id is in our range and allocated now. */
bool kroute_nhg_owns(const struct kroute_nhg *, uint32_t id);
/* The group of pfx: its id and member gateways (0 when none). */
uint32_t kroute_nhg_group_of(const struct kroute_nhg *, const struct prefix *,
    const struct kroute_gw **members, size_t *n);
void kroute_nhg_get_stats(const struct kroute_nhg *, struct kroute_nhg_stats *);

#endif
