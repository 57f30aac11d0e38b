/*
 * Unit tests of the decision process (nodes/bgp/decision.c, RFC 4271 9.1):
 * each tie-break step decides on its own, eligibility (own AS, unresolved
 * next hop), and the multipath set (equal up to the router-id step, same AS
 * path or relaxed to equal length, capped by max_paths).
 */
#include <string.h>
#include <criterion/criterion.h>

#include "decision.h"

#define NP 8

static struct rib_source src[NP];
static struct bgp_attrs attrs[NP];
static struct rib_path paths[NP];
static struct rib_entry E;
static uint32_t costs[NP];

static bool
nh_ok(void *arg, const struct ipaddr *nh, uint32_t *cost)
{
	/* 10.0.0.(i+1) resolves with cost costs[i]; 192.0.2.x does not resolve. */
	uint8_t last = nh->bytes[3];

	if (nh->bytes[0] != 10)
		return false;
	*cost = costs[last - 1];
	return true;
}

static struct decision_params DP = {
	.local_as = 65000,
	.max_paths = 1,
	.nexthop_ok = nh_ok,
};

static void
reset(void)
{
	memset(&E, 0, sizeof(E));
	memset(costs, 0, sizeof(costs));
	DP.max_paths = 1;
	DP.relax_as_path = false;
	prefix_parse("51.51.51.0/24", &E.pfx, false);
	for (int i = 0; i < NP; i++) {
		bgp_attrs_clear(&attrs[i]);
		memset(&src[i], 0, sizeof(src[i]));
		memset(&paths[i], 0, sizeof(paths[i]));
	}
}

/* Path i from eBGP peer 10.0.0.(i+1), router id i+1, AS path asns. */
static struct rib_path *
add(int i, const uint32_t *asns, size_t n)
{
	struct rib_path *p = &paths[i];

	bgp_attrs_init(&attrs[i]);
	attrs[i].present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP;
	attrs[i].origin = BGP_ORIGIN_IGP;
	attrs[i].aspath = n ? bgp_aspath_from_seq(asns, n) : NULL;
	ipaddr_from_v4(&attrs[i].nexthop, 0x0A000001u + (uint32_t)i);
	ipaddr_from_v4(&src[i].addr, 0x0A000001u + (uint32_t)i);
	src[i].router_id = 0x01010101u * (uint32_t)(i + 1);
	src[i].asn = n ? asns[0] : 65000;
	src[i].ebgp = src[i].asn != 65000;
	p->src = &src[i];
	p->attrs = &attrs[i];
	p->next = E.paths;
	E.paths = p;
	return p;
}

static bool
best(int i)
{
	return (paths[i].flags & RIB_PATH_BEST) != 0;
}

static bool
mp(int i)
{
	return (paths[i].flags & RIB_PATH_MULTIPATH) != 0;
}

static const uint32_t AS100[] = { 100 };
static const uint32_t AS200[] = { 200 };
static const uint32_t AS100_300[] = { 100, 300 };

TestSuite(decision, .init = reset);

Test(decision, higher_local_pref_wins)
{
	add(0, AS100, 1);
	add(1, AS100_300, 2);
	attrs[1].present |= BGP_ATTRS_LOCAL_PREF;
	attrs[1].local_pref = 200; /* beats the default 100 and a shorter path */
	cr_assert(decision_run(&DP, &E));
	cr_assert(best(1));
	cr_assert_not(best(0));
}

Test(decision, shorter_as_path_wins)
{
	add(0, AS100_300, 2);
	add(1, AS200, 1);
	decision_run(&DP, &E);
	cr_assert(best(1));
}

Test(decision, as_set_counts_one)
{
	/* 100 {1 2 3}: length 2, beats 200 300 400 (3). */
	uint32_t w[] = { (BGP_AS_SEQUENCE << 8) | 1, 100, (BGP_AS_SET << 8) | 3, 1, 2, 3 };
	uint32_t three[] = { 200, 300, 400 };

	add(0, three, 3);
	add(1, AS100, 1);
	bgp_aspath_free(attrs[1].aspath);
	attrs[1].aspath = bgp_aspath_new(w, 6);
	cr_assert_eq(bgp_aspath_length(attrs[1].aspath), 2);
	decision_run(&DP, &E);
	cr_assert(best(1));
}

Test(decision, lower_origin_wins)
{
	add(0, AS100, 1);
	add(1, AS200, 1);
	attrs[0].origin = BGP_ORIGIN_INCOMPLETE;
	attrs[1].origin = BGP_ORIGIN_EGP;
	decision_run(&DP, &E);
	cr_assert(best(1));
	attrs[0].origin = BGP_ORIGIN_IGP;
	decision_run(&DP, &E);
	cr_assert(best(0));
}

Test(decision, med_compared_only_within_neighbour_as)
{
	/* 0: AS100 MED 20; 1: AS100 MED 10; 2: AS200 MED 50 with the lowest router id. */
	add(0, AS100, 1);
	add(1, AS100, 1);
	add(2, AS200, 1);
	for (int i = 0; i < 3; i++)
		attrs[i].present |= BGP_ATTRS_MED;
	attrs[0].med = 20;
	attrs[1].med = 10;
	attrs[2].med = 50;
	src[2].router_id = 1;
	decision_run(&DP, &E);
	cr_assert(best(2), "MED must not be compared across neighbour ASes");
	/* Without the AS200 path, the lower MED wins over the lower router id. */
	E.paths = &paths[1];
	paths[1].next = &paths[0];
	paths[0].next = NULL;
	src[0].router_id = 1;
	decision_run(&DP, &E);
	cr_assert(best(1));
	cr_assert_not(best(0));
}

Test(decision, ebgp_beats_ibgp)
{
	add(0, AS100, 1);
	add(1, AS200, 1);
	src[0].ebgp = false; /* learned from an internal peer */
	src[0].router_id = 1;
	decision_run(&DP, &E);
	cr_assert(best(1));
}

Test(decision, lower_igp_cost_wins)
{
	add(0, AS100, 1);
	add(1, AS200, 1);
	costs[0] = 50;
	costs[1] = 10;
	decision_run(&DP, &E);
	cr_assert(best(1));
	cr_assert_eq(paths[1].igp_cost, 10);
}

Test(decision, lower_router_id_wins)
{
	add(0, AS100, 1);
	add(1, AS200, 1);
	src[0].router_id = 0x0A000063;
	src[1].router_id = 0x0A000002;
	decision_run(&DP, &E);
	cr_assert(best(1));
}

Test(decision, lower_peer_address_breaks_the_last_tie)
{
	add(0, AS100, 1);
	add(1, AS200, 1);
	src[0].router_id = src[1].router_id = 7;
	ipaddr_from_v4(&src[0].addr, 0x0A000009);
	ipaddr_from_v4(&src[1].addr, 0x0A000003);
	decision_run(&DP, &E);
	cr_assert(best(1));
}

Test(decision, own_as_in_path_is_ineligible)
{
	uint32_t loop[] = { 100, 65000 };

	add(0, loop, 2);
	add(1, AS100_300, 2);
	src[0].router_id = 1;
	decision_run(&DP, &E);
	cr_assert(best(1));
	cr_assert_eq(paths[0].inelig, RIB_AS_LOOP);
}

Test(decision, unresolved_next_hop_is_ineligible)
{
	add(0, AS100, 1);
	ipaddr_from_v4(&attrs[0].nexthop, 0xC0000201); /* 192.0.2.1 */
	cr_assert_not(decision_run(&DP, &E));
	cr_assert_not(best(0));
	cr_assert_eq(paths[0].inelig, RIB_NEXTHOP_UNRESOLVED);
	add(1, AS100_300, 2);
	cr_assert(decision_run(&DP, &E));
	cr_assert(best(1), "a longer path with a reachable next hop wins");
}

Test(decision, multipath_set_of_equal_paths)
{
	/* Lab A: the gateway's two DC routes, same AS path, router ids .1 and .2. */
	add(0, AS100, 1);
	add(1, AS100, 1);
	DP.max_paths = 2;
	cr_assert(decision_run(&DP, &E));
	cr_assert(best(0));
	cr_assert_not(best(1));
	cr_assert(mp(0) && mp(1));
	cr_assert_eq(decision_npaths(&E), 2);
	/* Running again changes nothing. */
	cr_assert_not(decision_run(&DP, &E));
}

Test(decision, multipath_off_with_max_paths_one)
{
	add(0, AS100, 1);
	add(1, AS100, 1);
	decision_run(&DP, &E);
	cr_assert_eq(decision_npaths(&E), 1);
	cr_assert(mp(0) && !mp(1));
}

Test(decision, multipath_capped_by_max_paths)
{
	add(0, AS100, 1);
	add(1, AS100, 1);
	add(2, AS100, 1);
	DP.max_paths = 2;
	decision_run(&DP, &E);
	cr_assert_eq(decision_npaths(&E), 2);
	cr_assert(mp(0) && mp(1) && !mp(2), "the set takes the router-id order");
}

Test(decision, multipath_excludes_paths_lost_before_router_id)
{
	add(0, AS100, 1);
	add(1, AS100, 1);
	add(2, AS100, 1);
	costs[2] = 5; /* worse IGP cost: not equal up to the router-id step */
	attrs[1].present |= BGP_ATTRS_MED;
	attrs[1].med = 1; /* worse MED from the same neighbour AS */
	DP.max_paths = 4;
	decision_run(&DP, &E);
	cr_assert_eq(decision_npaths(&E), 1);
	cr_assert(best(0));
}

Test(decision, multipath_needs_same_as_path_unless_relaxed)
{
	uint32_t a[] = { 100, 300 }, b[] = { 200, 300 };

	add(0, a, 2);
	add(1, b, 2);
	DP.max_paths = 2;
	decision_run(&DP, &E);
	cr_assert_eq(decision_npaths(&E), 1);
	DP.relax_as_path = true;
	cr_assert(decision_run(&DP, &E));
	cr_assert_eq(decision_npaths(&E), 2);
}

Test(decision, multipath_change_is_reported)
{
	add(0, AS100, 1);
	DP.max_paths = 2;
	decision_run(&DP, &E);
	add(1, AS100, 1);
	cr_assert(decision_run(&DP, &E), "a second equal path changes the set");
	cr_assert_eq(decision_npaths(&E), 2);
}

Test(decision, local_origination_is_preferred_and_not_shared)
{
	struct rib_source local = { .local = true, .asn = 65000 };
	struct bgp_attrs la;
	struct rib_path lp = { .src = &local, .attrs = &la };

	bgp_attrs_init(&la);
	la.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH;
	add(0, AS100, 1);
	lp.next = E.paths;
	E.paths = &lp;
	DP.max_paths = 4;
	decision_run(&DP, &E);
	cr_assert(lp.flags & RIB_PATH_BEST);
	cr_assert_not(mp(0));
}
