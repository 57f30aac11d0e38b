/*
 * Unit tests of the attribute descriptor table (bgp_attr.c): every attribute
 * the codec knows has one descriptor with a name, a decoder and an encoder,
 * codes are unique and ascending (the encoder's order, RFC 4271 5 does not
 * require it but peers and tests expect it), and each attribute written by its
 * encoder and read back by bgp_attrs_decode() gives the value it started from.
 * A descriptor added without a round-trip case here fails the walk.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_attr.h"
#include "strbuf.h"

static struct bgp_peer_ctx
ctx_make(bool as4, bool ebgp)
{
	struct bgp_peer_ctx c;

	memset(&c, 0, sizeof(c));
	c.as4 = as4;
	c.ebgp = ebgp;
	c.local_as = 8075;
	c.peer_as = ebgp ? 65511 : 8075;
	c.af[BGP_AF_IPV4_UNICAST] = true;
	c.af[BGP_AF_IPV6_UNICAST] = true;
	return c;
}

static void
addr(const char *s, struct ipaddr *a)
{
	cr_assert_eq(ipaddr_parse(s, a), 0, "%s", s);
}

/* ORIGIN and AS_PATH, which every encoded set carries. */
static void
base(struct bgp_attrs *a, uint32_t first_as)
{
	uint32_t asns[] = { first_as, 8075 };

	bgp_attrs_init(a);
	a->present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH;
	a->origin = BGP_ORIGIN_EGP;
	cr_assert_eq(bgp_attrs_set_aspath(a, bgp_aspath_from_seq(asns, 2)), 0);
}

static void
set_origin(struct bgp_attrs *a)
{
	a->origin = BGP_ORIGIN_INCOMPLETE;
}

static void
set_as_path(struct bgp_attrs *a)
{
	cr_assert_eq(bgp_attrs_prepend(a, 65511, 3), 0);
}

static void
set_next_hop(struct bgp_attrs *a)
{
	addr("192.0.2.7", &a->nexthop);
	a->present |= BGP_ATTRS_NEXT_HOP;
}

static void
set_med(struct bgp_attrs *a)
{
	a->med = 4000000000u;
	a->present |= BGP_ATTRS_MED;
}

static void
set_local_pref(struct bgp_attrs *a)
{
	a->local_pref = 250;
	a->present |= BGP_ATTRS_LOCAL_PREF;
}

static void
set_atomic_aggregate(struct bgp_attrs *a)
{
	a->present |= BGP_ATTRS_ATOMIC_AGGR;
}

static void
set_aggregator(struct bgp_attrs *a)
{
	a->aggregator_as = 65001;
	a->aggregator_id = 0xc0000201;
	a->present |= BGP_ATTRS_AGGREGATOR;
}

static void
set_communities(struct bgp_attrs *a)
{
	cr_assert_eq(bgp_attrs_community_add(a, BGP_COMM(65511, 100)), 0);
	cr_assert_eq(bgp_attrs_community_add(a, BGP_COMM_NO_EXPORT), 0);
}

static void
set_v6_next_hop(struct bgp_attrs *a)
{
	addr("2001:db8::1", &a->nexthop);
	addr("fe80::1", &a->nexthop_ll);
}

static void
set_as4_path(struct bgp_attrs *a)
{
	/* an AS above 65535 on a 2-octet session: AS_TRANS + AS4_PATH */
	cr_assert_eq(bgp_attrs_prepend(a, 4200000000u, 1), 0);
	cr_assert_eq(bgp_attrs_prepend(a, 65511, 1), 0);
}

static void
set_as4_aggregator(struct bgp_attrs *a)
{
	a->aggregator_as = 4200000001u;
	a->aggregator_id = 0x0a000001;
	a->present |= BGP_ATTRS_AGGREGATOR;
}

static void
set_large_communities(struct bgp_attrs *a)
{
	struct bgp_lcomm l1 = { 65511, 1, 2 }, l2 = { 4200000000u, 0, 4294967295u };

	cr_assert_eq(bgp_attrs_lcommunity_add(a, &l1), 0);
	cr_assert_eq(bgp_attrs_lcommunity_add(a, &l2), 0);
}

static void
set_unknown(struct bgp_attrs *a)
{
	/* type 99, optional transitive with Partial, 3 octets; then type 200 */
	static const uint8_t raw[] = { 0xe0, 99, 3, 'a', 'b', 'c', 0xe0, 200, 1, 0x7f };

	a->unknown = malloc(sizeof(*a->unknown) + sizeof(raw));
	cr_assert_not_null(a->unknown);
	a->unknown->len = sizeof(raw);
	memcpy(a->unknown->data, raw, sizeof(raw));
}

struct rt_case {
	uint8_t type; /* 0: the unknown-attribute descriptor */
	bool as4;
	bool ebgp;
	void (*set)(struct bgp_attrs *);
};

static const struct rt_case cases[] = {
	{ BGP_ATTR_ORIGIN, true, true, set_origin },
	{ BGP_ATTR_AS_PATH, false, true, set_as_path },
	{ BGP_ATTR_NEXT_HOP, true, true, set_next_hop },
	{ BGP_ATTR_MED, true, true, set_med },
	{ BGP_ATTR_LOCAL_PREF, true, false, set_local_pref },
	{ BGP_ATTR_ATOMIC_AGGREGATE, true, true, set_atomic_aggregate },
	{ BGP_ATTR_AGGREGATOR, false, true, set_aggregator },
	{ BGP_ATTR_COMMUNITIES, true, true, set_communities },
	{ BGP_ATTR_MP_REACH_NLRI, true, true, set_v6_next_hop },
	{ BGP_ATTR_MP_UNREACH_NLRI, true, true, NULL },
	{ BGP_ATTR_AS4_PATH, false, true, set_as4_path },
	{ BGP_ATTR_AS4_AGGREGATOR, false, true, set_as4_aggregator },
	{ BGP_ATTR_LARGE_COMMUNITIES, true, true, set_large_communities },
	{ 0, true, true, set_unknown },
};

static const struct rt_case *
case_for(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].type == type)
			return &cases[i];
	return NULL;
}

/* Whether the encoded attributes hold one of type, with the flags wanted. */
static bool
encoded_has(const uint8_t *buf, size_t len, uint8_t type, uint8_t want_flags)
{
	struct wire_rd rd;

	wire_rd_init(&rd, buf, len);
	while (wire_left(&rd)) {
		uint8_t flags = wire_u8(&rd), t = wire_u8(&rd);
		size_t l = (flags & BGP_ATTR_F_EXTLEN) ? wire_u16(&rd) : wire_u8(&rd);

		cr_assert_eq(rd.err, WIRE_OK);
		if (t == type) {
			cr_assert_eq(flags & (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE),
			    want_flags, "type %u flags %02x", type, flags);
			return true;
		}
		wire_skip(&rd, l);
	}
	return false;
}

static const char *const v6_pfx[] = { "2001:db8:1::/48", "2001:db8:2:3::/64", "::/0" };
#define NV6 (sizeof(v6_pfx) / sizeof(v6_pfx[0]))

static void
check_nlri(struct wire_rd rd, struct prefix *want, size_t n)
{
	struct prefix p;
	size_t i = 0;

	while (bgp_nlri_next(&rd, AF_INET6, &p)) {
		cr_assert_lt(i, n);
		cr_assert_eq(prefix_cmp(&p, &want[i]), 0, "prefix %zu", i);
		i++;
	}
	cr_assert_eq(rd.err, WIRE_OK);
	cr_assert_eq(i, n);
}

/* One attribute through its encoder and back through the decoder. */
static void
round_trip(const struct bgp_attr_desc *d, const struct rt_case *c)
{
	struct bgp_peer_ctx ctx = ctx_make(c->as4, c->ebgp);
	struct bgp_attrs a, back;
	struct prefix pfx[NV6];
	struct bgp_mp mp;
	struct bgp_err err;
	uint8_t buf[4096];
	struct wire_wr w;
	struct wire_rd rd;
	unsigned ndisc = 99;
	size_t i;
	bool nlri = d->dflags & BGP_ATTR_D_NLRI;

	for (i = 0; i < NV6; i++)
		cr_assert_eq(prefix_parse(v6_pfx[i], &pfx[i], false), 0);
	base(&a, ctx.ebgp ? ctx.peer_as : 64999);
	if (c->set)
		c->set(&a);
	wire_wr_init(&w, buf, sizeof(buf));
	if (nlri)
		cr_assert_eq(bgp_attr_encode_mp(&w, d->type, &a, BGP_AF_IPV6_UNICAST, pfx, NV6), 0,
		    "%s", d->name);
	else
		cr_assert_eq(bgp_attrs_encode(&w, &ctx, &a, a.nexthop.family == AF_INET), 0, "%s",
		    d->name);
	if (d->type)
		cr_assert(encoded_has(buf, w.len, d->type, d->flags), "%s not written", d->name);
	else
		cr_assert(encoded_has(buf, w.len, 99, d->flags), "unknown attribute not written");

	wire_rd_init(&rd, buf, w.len);
	bgp_attrs_init(&back);
	bgp_err_clear(&err);
	cr_assert_eq(bgp_attrs_decode(&rd, &ctx, &back, &mp, &err, &ndisc), 0, "%s", d->name);
	cr_assert_eq(err.action, BGP_ACT_NONE, "%s: %s", d->name, err.reason);
	cr_assert_eq(ndisc, 0, "%s", d->name);

	if (d->type == BGP_ATTR_MP_REACH_NLRI) {
		cr_assert(mp.reach);
		cr_assert_eq(mp.reach_af, BGP_AF_IPV6_UNICAST);
		cr_assert(ipaddr_eq(&mp.nexthop, &a.nexthop));
		cr_assert(ipaddr_eq(&mp.nexthop_ll, &a.nexthop_ll));
		check_nlri(mp.reach_nlri, pfx, NV6);
	} else if (d->type == BGP_ATTR_MP_UNREACH_NLRI) {
		cr_assert(mp.unreach);
		cr_assert_eq(mp.unreach_af, BGP_AF_IPV6_UNICAST);
		check_nlri(mp.unreach_nlri, pfx, NV6);
	} else {
		/* internal peers always get LOCAL_PREF, 100 when the set has none */
		if (!ctx.ebgp && !(a.present & BGP_ATTRS_LOCAL_PREF)) {
			a.local_pref = 100;
			a.present |= BGP_ATTRS_LOCAL_PREF;
		}
		if (d->equal)
			cr_assert(d->equal(&a, &back), "%s: value differs", d->name);
		cr_assert(bgp_attrs_equal(&a, &back), "%s: set differs", d->name);
		cr_assert_eq(bgp_attrs_hash(&a), bgp_attrs_hash(&back), "%s", d->name);
	}
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&back);
}

Test(attr_desc, every_known_attribute_has_one_descriptor)
{
	static const uint8_t want[] = { 1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 17, 18, 32 };
	const struct bgp_attr_desc *t, *u = bgp_attr_desc_unknown();
	size_t n, i;

	t = bgp_attr_descs(&n);
	cr_assert_eq(n, sizeof(want));
	for (i = 0; i < n; i++) {
		cr_assert_eq(t[i].type, want[i], "entry %zu", i);
		cr_assert(i == 0 || t[i - 1].type < t[i].type, "codes unique and ascending");
		cr_assert(t[i].name && t[i].name[0], "type %u has no name", t[i].type);
		cr_assert_not_null(t[i].decode, "%s", t[i].name);
		cr_assert_not_null(t[i].encode, "%s", t[i].name);
		cr_assert_eq(t[i].flags & ~(BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE), 0);
		cr_assert_neq(t[i].malformed, BGP_ACT_NONE, "%s", t[i].name);
		cr_assert_eq(bgp_attr_desc_find(t[i].type), &t[i]);
		cr_assert_str_eq(bgp_attr_type_name(t[i].type), t[i].name);
		/* a value compared is a value hashed */
		cr_assert_eq(t[i].equal == NULL, t[i].hash == NULL, "%s", t[i].name);
	}
	cr_assert_null(bgp_attr_desc_find(99));
	cr_assert_null(bgp_attr_desc_find(0));
	cr_assert_str_eq(bgp_attr_type_name(16), "EXTENDED_COMMUNITIES");
	cr_assert(u->name && u->decode && u->encode && u->print && u->equal && u->hash);
	cr_assert_eq(u->flags, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE);
	cr_assert_str_eq(bgp_attr_desc_find(BGP_ATTR_MED)->name, "MULTI_EXIT_DISC");
	cr_assert_str_eq(bgp_attr_desc_find(BGP_ATTR_LARGE_COMMUNITIES)->name, "LARGE_COMMUNITY");
}

Test(attr_desc, every_descriptor_round_trips)
{
	const struct bgp_attr_desc *t = NULL;
	size_t n, i;

	t = bgp_attr_descs(&n);
	for (i = 0; i < n; i++) {
		const struct rt_case *c = case_for(t[i].type);

		cr_assert_not_null(c, "no round-trip case for %s", t[i].name);
		round_trip(&t[i], c);
	}
	round_trip(bgp_attr_desc_unknown(), case_for(0));
}

Test(attr_desc, mp_unreach_without_prefixes_is_end_of_rib)
{
	uint8_t buf[16];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attr_encode_mp(&w, BGP_ATTR_MP_UNREACH_NLRI, NULL, BGP_AF_IPV6_UNICAST,
			 NULL, 0),
	    0);
	cr_assert_eq(w.len, 6);
	cr_assert_eq(memcmp(buf, "\x80\x0f\x03\x00\x02\x01", 6), 0);
	/* only the NLRI-carrying attributes go through this call */
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attr_encode_mp(&w, BGP_ATTR_MED, NULL, BGP_AF_IPV6_UNICAST, NULL, 0), -1);
	cr_assert_neq(w.err, WIRE_OK);
}

Test(attr_desc, print_walks_the_table_in_type_order)
{
	struct strbuf sb = STRBUF_INIT;
	struct bgp_attrs a;

	base(&a, 65511);
	set_next_hop(&a);
	set_med(&a);
	set_local_pref(&a);
	set_atomic_aggregate(&a);
	set_aggregator(&a);
	set_communities(&a);
	set_large_communities(&a);
	set_unknown(&a);
	bgp_attrs_print(&sb, &a);
	cr_assert_str_eq(sb_str(&sb),
	    "origin EGP as-path \"65511 8075\" nexthop 192.0.2.7 med 4000000000 local-pref 250 "
	    "atomic-aggregate aggregator 65001 192.0.2.1 communities 65511:100 no-export "
	    "large-communities 65511:1:2 4200000000:0:4294967295 unknown-transitive 10 octets");
	sb_free(&sb);
	bgp_attrs_clear(&a);
}
