/*
 * Unit tests of the RIB (nodes/bgp/rib.c): Adj-RIB-In per source, batched
 * decision with the changed() callback, withdrawal of a whole source,
 * Adj-RIB-Out bookkeeping, attribute interning, and the footprint of a large
 * table sharing few attribute sets.
 */
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>

#include "rib.h"

static struct rib *R;
static int changed;
static struct rib_entry *last_changed;

static void
on_changed(void *arg, struct rib_entry *e)
{
	changed++;
	last_changed = e;
}

static void
setup(void)
{
	struct rib_params p = { .local_as = 65000, .max_paths = 2, .changed = on_changed };

	R = rib_new(&p);
	cr_assert_not_null(R);
	changed = 0;
}

static void
teardown(void)
{
	rib_free(R);
}

static struct prefix
P(const char *s) {
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0);
	return p;
}

static void
mkattrs(struct bgp_attrs *a, uint32_t asn, uint32_t nh)
{
	bgp_attrs_init(a);
	a->present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP;
	a->aspath = bgp_aspath_from_seq(&asn, 1);
	ipaddr_from_v4(&a->nexthop, nh);
}

TestSuite(rib, .init = setup, .fini = teardown);

Test(rib, update_process_withdraw)
{
	struct rib_source s1 = { .asn = 100, .ebgp = true, .router_id = 1 };
	struct bgp_attrs a;
	struct prefix p = P("51.51.51.0/24");
	struct rib_entry *e;

	mkattrs(&a, 100, 0x0A000001);
	cr_assert_eq(rib_update(R, &p, &s1, &a), 0);
	cr_assert(rib_pending(R));
	cr_assert_eq(changed, 0, "the decision waits for rib_process");
	cr_assert_eq(rib_process(R), 1);
	cr_assert_eq(changed, 1);
	e = rib_lookup(R, &p);
	cr_assert_not_null(e);
	cr_assert_not_null(rib_best(e));
	cr_assert_eq(s1.npaths, 1);
	/* The same announcement again changes nothing. */
	cr_assert_eq(rib_update(R, &p, &s1, &a), 0);
	cr_assert_eq(rib_process(R), 0);
	cr_assert(rib_withdraw(R, &p, &s1));
	cr_assert_not(rib_withdraw(R, &p, &s1));
	cr_assert_eq(rib_process(R), 1);
	cr_assert_eq(s1.npaths, 0);
	cr_assert_null(rib_lookup(R, &p), "an empty entry is freed");
	bgp_attrs_clear(&a);
}

Test(rib, attribute_change_of_selected_path_is_reported)
{
	struct rib_source s1 = { .asn = 100, .ebgp = true, .router_id = 1 };
	struct bgp_attrs a, b;
	struct prefix p = P("51.51.51.0/24");

	mkattrs(&a, 100, 0x0A000001);
	mkattrs(&b, 100, 0x0A000009);
	rib_update(R, &p, &s1, &a);
	rib_process(R);
	changed = 0;
	rib_update(R, &p, &s1, &b);
	cr_assert_eq(rib_process(R), 1, "a new next hop for the best path must reach the FIB");
	cr_assert(ipaddr_eq(&rib_best(last_changed)->attrs->nexthop, &b.nexthop));
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
}

Test(rib, losing_a_multipath_member_is_reported)
{
	struct rib_source s1 = { .asn = 100, .ebgp = true, .router_id = 1 };
	struct rib_source s2 = { .asn = 100, .ebgp = true, .router_id = 2 };
	struct bgp_attrs a, b;
	struct prefix p = P("51.51.51.0/24");

	mkattrs(&a, 100, 0x0A000001);
	mkattrs(&b, 100, 0x0A000002);
	rib_update(R, &p, &s1, &a);
	rib_update(R, &p, &s2, &b);
	rib_process(R);
	changed = 0;
	rib_withdraw(R, &p, &s2);
	cr_assert_eq(rib_process(R), 1, "the multipath set shrank");
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
}

Test(rib, withdraw_source_removes_all_its_paths)
{
	struct rib_source s1 = { .asn = 100, .ebgp = true, .router_id = 1 };
	struct rib_source s2 = { .asn = 200, .ebgp = true, .router_id = 2 };
	struct bgp_attrs a, b;
	struct rib_stats st;
	char buf[32];

	mkattrs(&a, 100, 0x0A000001);
	mkattrs(&b, 200, 0x0A000002);
	for (int i = 0; i < 1000; i++) {
		struct prefix p;

		snprintf(buf, sizeof(buf), "20.%d.%d.0/24", i / 256, i % 256);
		p = P(buf);
		rib_update(R, &p, &s1, &a);
		if (i % 2)
			rib_update(R, &p, &s2, &b);
	}
	rib_process(R);
	cr_assert_eq(s1.npaths, 1000);
	cr_assert_eq(s2.npaths, 500);
	cr_assert_eq(rib_withdraw_source(R, &s1), 1000);
	rib_process(R);
	rib_get_stats(R, &st);
	cr_assert_eq(st.prefixes, 500);
	cr_assert_eq(st.paths, 500);
	cr_assert_eq(st.best, 500);
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
}

Test(rib, adj_rib_out_per_peer)
{
	struct rib_source s1 = { .asn = 100, .ebgp = true, .router_id = 1 };
	struct bgp_attrs a;
	struct prefix p = P("51.51.51.0/24");
	struct rib_entry *e;
	const struct bgp_attrs *ia;
	int peer1, peer2;

	mkattrs(&a, 100, 0x0A000001);
	rib_update(R, &p, &s1, &a);
	rib_process(R);
	e = rib_lookup(R, &p);
	ia = bgp_attr_intern(rib_attr_table(R), &a);
	rib_out_set(R, e, &peer1, ia);
	cr_assert_eq(rib_out_get(e, &peer1), ia);
	cr_assert_null(rib_out_get(e, &peer2));
	/* The entry stays while something was sent for it, even without paths. */
	rib_withdraw(R, &p, &s1);
	rib_process(R);
	cr_assert_not_null(rib_lookup(R, &p));
	rib_out_clear(R, &peer1);
	cr_assert_null(rib_lookup(R, &p));
	bgp_attr_unref(rib_attr_table(R), ia);
	bgp_attrs_clear(&a);
}

Test(rib, many_prefixes_few_attribute_sets, .timeout = 60)
{
	struct rib_source s1 = { .asn = 100, .ebgp = true, .router_id = 1 };
	struct bgp_attrs a[100];
	struct rib_stats st;

	for (int i = 0; i < 100; i++)
		mkattrs(&a[i], 100 + (uint32_t)i, 0x0A000001);
	for (uint32_t i = 0; i < 200000; i++) {
		struct prefix p = { .len = 24 };

		ipaddr_from_v4(&p.addr, 0x14000000u + (i << 8));
		cr_assert_eq(rib_update(R, &p, &s1, &a[i % 100]), 0);
	}
	rib_process(R);
	rib_get_stats(R, &st);
	cr_assert_eq(st.prefixes, 200000);
	cr_assert_eq(st.best, 200000);
	cr_assert_eq(st.attr_sets, 100, "attribute sets are shared");
	cr_log_info("200000 prefixes: %zu bytes, %.1f per prefix", st.bytes,
	    (double)st.bytes / 200000);
	cr_assert_lt(st.bytes / 200000, 100, "more than 100 bytes per prefix");
	for (int i = 0; i < 100; i++)
		bgp_attrs_clear(&a[i]);
}
