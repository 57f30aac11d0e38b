/*
 * Unit tests of the path attribute codec (bgp_attr.c): each attribute decoded
 * from hand-written RFC 4271 4.3 / RFC 1997 / RFC 6793 layouts and encoded
 * back, each malformation with the RFC 7606 action, code, subcode and data,
 * 4-octet AS with and without the capability (AS_TRANS, AS4_PATH merge),
 * unknown transitive attributes passed on with the Partial bit, AS path
 * helpers and printers, and the interning table.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_attr.h"
#include "strbuf.h"

static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			cr_assert_lt(n, cap);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	cr_assert_eq(hi, -1);
	return n;
}

static void
assert_bytes(const uint8_t *got, size_t glen, const char *want_hex)
{
	static uint8_t want[70000];
	size_t wlen = hex(want_hex, want, sizeof(want)), i;

	for (i = 0; i < glen && i < wlen; i++)
		cr_assert_eq(got[i], want[i], "byte %zu: got %02x, want %02x", i, got[i], want[i]);
	cr_assert_eq(glen, wlen, "length: got %zu, want %zu", glen, wlen);
}

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

struct dec {
	uint8_t buf[70000];
	struct bgp_attrs a;
	struct bgp_mp mp;
	struct bgp_err err;
	unsigned ndisc;
	int rc;
};

static struct dec *
dec(const char *h, const struct bgp_peer_ctx *ctx)
{
	struct dec *d = calloc(1, sizeof(*d));
	struct wire_rd rd;
	size_t n;

	cr_assert_not_null(d);
	n = hex(h, d->buf, sizeof(d->buf));
	wire_rd_init(&rd, d->buf, n);
	bgp_attrs_init(&d->a);
	bgp_err_clear(&d->err);
	d->rc = bgp_attrs_decode(&rd, ctx, &d->a, &d->mp, &d->err, &d->ndisc);
	return d;
}

static void
dec_free(struct dec *d)
{
	bgp_attrs_clear(&d->a);
	free(d);
}

static void
expect(const char *h, const struct bgp_peer_ctx *ctx, enum bgp_err_action act, uint8_t sub,
    const char *data_hex)
{
	struct dec *d = dec(h, ctx);
	uint8_t data[4096];
	size_t dlen = data_hex ? hex(data_hex, data, sizeof(data)) : 0;

	cr_assert_eq(d->err.action, act, "%s: action %s, want %s (%s)", h,
	    bgp_err_action_name(d->err.action), bgp_err_action_name(act),
	    d->err.reason ? d->err.reason : "");
	cr_assert_eq(d->rc, act == BGP_ACT_SESSION_RESET ? -1 : 0);
	if (act != BGP_ACT_NONE) {
		cr_assert_eq(d->err.code, 3, "%s", h);
		cr_assert_eq(d->err.subcode, sub, "%s: subcode %u, want %u (%s)", h, d->err.subcode,
		    sub, d->err.reason);
	}
	if (data_hex) {
		cr_assert_eq(d->err.datalen, dlen, "%s: data length %u want %zu", h, d->err.datalen,
		    dlen);
		cr_assert_eq(memcmp(d->err.data, data, dlen), 0);
	}
	if (act == BGP_ACT_ATTR_DISCARD)
		cr_assert_geq(d->ndisc, 1);
	dec_free(d);
}

static char *
path_str(const struct bgp_aspath *p)
{
	struct strbuf sb = STRBUF_INIT;

	bgp_aspath_print(&sb, p);
	return sb_steal(&sb);
}

static void
assert_path(const struct bgp_aspath *p, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	bgp_aspath_print(&sb, p);
	cr_assert_str_eq(sb_str(&sb), want);
	sb_free(&sb);
}

/* ------------------------------------------------------------ decoding */

Test(attr, every_known_attribute_decodes)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct dec *d = dec("40 01 01 02"				/* ORIGIN incomplete */
			    "40 02 0e 02 03 0000ffe7 00001f8b 00000001" /* AS_PATH 65511 8075 1 */
			    "40 03 04 0a0a0a01"				/* NEXT_HOP */
			    "80 04 04 00000064"				/* MED 100 */
			    "40 05 04 000000c8"				/* LOCAL_PREF 200 */
			    "40 06 00"					/* ATOMIC_AGGREGATE */
			    "c0 07 08 0000ffe7 0a0a0a01"  /* AGGREGATOR 65511 10.10.10.1 */
			    "c0 08 08 ffe70064 ffffff01", /* COMMUNITIES 65511:100 no-export */
	    &ctx);
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(d->rc, 0);
	cr_assert_eq(d->err.action, BGP_ACT_NONE, "%s", d->err.reason);
	cr_assert_eq(d->a.origin, BGP_ORIGIN_INCOMPLETE);
	assert_path(d->a.aspath, "65511 8075 1");
	cr_assert_eq(d->a.med, 100);
	cr_assert_eq(d->a.local_pref, 200);
	cr_assert_eq(d->a.aggregator_as, 65511);
	cr_assert_eq(d->a.aggregator_id, 0x0a0a0a01);
	cr_assert_eq(d->a.present,
	    BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP | BGP_ATTRS_MED |
		BGP_ATTRS_LOCAL_PREF | BGP_ATTRS_ATOMIC_AGGR | BGP_ATTRS_AGGREGATOR |
		BGP_ATTRS_COMMUNITIES);
	cr_assert_eq(d->a.comms->n, 2);
	bgp_attrs_print(&sb, &d->a);
	cr_assert_str_eq(sb_str(&sb),
	    "origin incomplete as-path \"65511 8075 1\" nexthop 10.10.10.1 med 100 "
	    "local-pref 200 atomic-aggregate aggregator 65511 10.10.10.1 "
	    "communities 65511:100 no-export");
	sb_free(&sb);
	dec_free(d);
}

Test(attr, encodes_in_type_order_to_internal_peer)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	const char *h = "40 01 01 02"
			"40 02 10 02 02 0000ffe7 00001f8b 01 01 00000001"
			"40 03 04 0a0a0a01"
			"80 04 04 00000064"
			"40 05 04 000000c8"
			"40 06 00"
			"c0 07 08 0000ffe7 0a0a0a01"
			"c0 08 08 ffe70064 ffffff01";
	struct dec *d = dec(h, &ctx);
	uint8_t buf[4096];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ctx, &d->a, true), 0);
	assert_bytes(buf, w.len, h);
	dec_free(d);
}

Test(attr, local_pref_never_to_external_and_default_to_internal)
{
	struct bgp_peer_ctx ebgp = ctx_make(true, true), ibgp = ctx_make(true, false);
	struct bgp_attrs a;
	uint8_t buf[4096];
	struct wire_wr w;

	bgp_attrs_init(&a);
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_LOCAL_PREF;
	a.local_pref = 300;
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ebgp, &a, false), 0);
	assert_bytes(buf, w.len, "40 01 01 00 40 02 00");
	a.present &= ~BGP_ATTRS_LOCAL_PREF;
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ibgp, &a, false), 0);
	assert_bytes(buf, w.len, "40 01 01 00 40 02 00 40 05 04 00000064");
	bgp_attrs_clear(&a);
}

Test(attr, local_pref_from_external_peer_is_dropped_quietly)
{
	struct bgp_peer_ctx ctx = ctx_make(true, true);
	struct dec *d = dec("40 05 04 000000c8", &ctx);

	cr_assert_eq(d->err.action, BGP_ACT_NONE);
	cr_assert_not(d->a.present & BGP_ATTRS_LOCAL_PREF);
	dec_free(d);
	/* even malformed: it is discarded before it is looked at (RFC 7606 7.5) */
	d = dec("40 05 03 0000c8", &ctx);
	cr_assert_eq(d->err.action, BGP_ACT_NONE);
	dec_free(d);
}

/* ---------------------------------------------- RFC 7606 per attribute */

Test(attr, malformed_origin)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);

	expect("40 01 01 03", &ctx, BGP_ACT_WITHDRAW, 6, "40010103");
	expect("40 01 02 0000", &ctx, BGP_ACT_WITHDRAW, 5, "4001020000");
	expect("c0 01 01 00", &ctx, BGP_ACT_WITHDRAW, 4, "c0010100"); /* optional bit */
	expect("00 01 01 00", &ctx, BGP_ACT_WITHDRAW, 4, "00010100"); /* transitive bit */
}

Test(attr, malformed_as_path)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct bgp_peer_ctx ebgp = ctx_make(true, true);

	expect("40 02 06 05 01 0000ffe7", &ctx, BGP_ACT_WITHDRAW, 11, ""); /* segment type 5 */
	expect("40 02 06 02 00 0000ffe7", &ctx, BGP_ACT_WITHDRAW, 11, ""); /* count 0 */
	expect("40 02 06 02 02 0000ffe7", &ctx, BGP_ACT_WITHDRAW, 11, ""); /* overrun */
	expect("40 02 03 02 01 00", &ctx, BGP_ACT_WITHDRAW, 11, "");	   /* half a header */
	expect("40 02 06 02 01 00000000", &ctx, BGP_ACT_WITHDRAW, 11, ""); /* AS 0 */
	expect("80 02 06 02 01 0000ffe7", &ctx, BGP_ACT_WITHDRAW, 4, "800206020100 00ffe7");
	/* confederation segments from an external peer */
	expect("40 02 06 03 01 0000ffe7", &ebgp, BGP_ACT_WITHDRAW, 11, "");
	expect("40 02 06 03 01 0000ffe7", &ctx, BGP_ACT_NONE, 0, NULL);
	/* eBGP: leftmost AS must be the peer's when asked to check */
	ebgp.check_first_as = true;
	expect("40 02 06 02 01 0000fde8", &ebgp, BGP_ACT_WITHDRAW, 11, "");
	expect("40 02 06 02 01 0000ffe7", &ebgp, BGP_ACT_NONE, 0, NULL);
	expect("40 02 00", &ebgp, BGP_ACT_WITHDRAW, 11, ""); /* empty path from eBGP */
	ebgp.check_first_as = false;
	expect("40 02 06 02 01 0000fde8", &ebgp, BGP_ACT_NONE, 0, NULL);
}

Test(attr, malformed_next_hop)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);

	expect("40 03 05 0a0a0a0101", &ctx, BGP_ACT_WITHDRAW, 5, "4003050a0a0a0101");
	expect("40 03 04 00000000", &ctx, BGP_ACT_WITHDRAW, 8, "400304 00000000");
	expect("40 03 04 7f000001", &ctx, BGP_ACT_WITHDRAW, 8, "400304 7f000001");
	expect("40 03 04 e0000001", &ctx, BGP_ACT_WITHDRAW, 8, "400304 e0000001");
	expect("40 03 04 ffffffff", &ctx, BGP_ACT_WITHDRAW, 8, "400304 ffffffff");
	expect("c0 03 04 0a0a0a01", &ctx, BGP_ACT_WITHDRAW, 4, "c003040a0a0a01");
}

Test(attr, malformed_med_local_pref_communities)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);

	expect("80 04 02 0001", &ctx, BGP_ACT_WITHDRAW, 5, "8004020001");
	expect("40 04 04 00000001", &ctx, BGP_ACT_WITHDRAW, 4, "400404 00000001");
	expect("40 05 03 000001", &ctx, BGP_ACT_WITHDRAW, 5, "400503000001");
	expect("c0 05 04 00000001", &ctx, BGP_ACT_WITHDRAW, 4, "c00504 00000001");
	expect("c0 08 03 ffe700", &ctx, BGP_ACT_WITHDRAW, 5, "c00803ffe700");
	expect("c0 08 00", &ctx, BGP_ACT_WITHDRAW, 5, "c00800");
	expect("80 08 04 ffe70064", &ctx, BGP_ACT_WITHDRAW, 4, "800804ffe70064");
}

Test(attr, malformed_atomic_aggregate_and_aggregator_are_discarded)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct bgp_peer_ctx old = ctx_make(false, false);
	struct dec *d;

	expect("40 06 01 00", &ctx, BGP_ACT_ATTR_DISCARD, 5, "40060100");
	expect("c0 06 00", &ctx, BGP_ACT_ATTR_DISCARD, 4, "c00600");
	expect("c0 07 06 ffe7 0a0a0a01", &ctx, BGP_ACT_ATTR_DISCARD, 5, "c00706ffe70a0a0a01");
	expect("c0 07 08 0000ffe7 0a0a0a01", &old, BGP_ACT_ATTR_DISCARD, 5,
	    "c00708 0000ffe7 0a0a0a01");
	expect("c0 07 08 00000000 0a0a0a01", &ctx, BGP_ACT_ATTR_DISCARD, 9,
	    "c00708 00000000 0a0a0a01");
	expect("40 07 08 0000ffe7 0a0a0a01", &ctx, BGP_ACT_ATTR_DISCARD, 4,
	    "400708 0000ffe7 0a0a0a01");
	/* discarded means the route stands without it */
	d = dec("40 01 01 00 40 06 01 00", &ctx);
	cr_assert_eq(d->rc, 0);
	cr_assert(d->a.present & BGP_ATTRS_ORIGIN);
	cr_assert_not(d->a.present & BGP_ATTRS_ATOMIC_AGGR);
	cr_assert_eq(d->ndisc, 1);
	dec_free(d);
}

Test(attr, duplicates_keep_the_first)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct dec *d = dec("40 01 01 00 40 01 01 02 c0 08 04 00010002 c0 08 04 00030004", &ctx);

	cr_assert_eq(d->rc, 0);
	cr_assert_eq(d->err.action, BGP_ACT_ATTR_DISCARD);
	cr_assert_eq(d->err.subcode, BGP_ERR_UPD_ATTR_LIST);
	cr_assert_eq(d->a.origin, BGP_ORIGIN_IGP);
	cr_assert_eq(d->a.comms->n, 1);
	cr_assert_eq(d->a.comms->v[0], 0x00010002);
	cr_assert_eq(d->ndisc, 2);
	dec_free(d);
	/* a duplicate unknown attribute too */
	d = dec("c0 63 01 01 c0 63 01 02", &ctx);
	cr_assert_eq(d->ndisc, 1);
	cr_assert_eq(d->a.unknown->len, 4);
	cr_assert_eq(d->a.unknown->data[3], 1);
	dec_free(d);
}

Test(attr, most_severe_error_wins_across_attributes)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct dec *d = dec("40 06 01 00 | 40 01 01 07 | 40 02 06 05 01 0000ffe7", &ctx);

	cr_assert_eq(d->err.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(d->err.subcode, BGP_ERR_UPD_ORIGIN, "the first treat-as-withdraw is kept");
	dec_free(d);
}

Test(attr, extended_length_is_accepted_anywhere)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct dec *d = dec("50 01 0001 01 | 50 03 0004 0a000001", &ctx);

	cr_assert_eq(d->err.action, BGP_ACT_NONE);
	cr_assert_eq(d->a.origin, BGP_ORIGIN_EGP);
	cr_assert(d->a.present & BGP_ATTRS_NEXT_HOP);
	dec_free(d);
}

/* ------------------------------------------- unknown attributes */

Test(attr, unknown_transitive_passed_with_partial_bit)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false), out = ctx_make(true, true);
	/* 33 and an experimental 99, unknown to us; 200 optional non-transitive
	 * is dropped; LARGE_COMMUNITY (32) is known and goes out without Partial */
	struct dec *d =
	    dec("40 01 01 00 | c0 63 02 abcd | 80 c8 01 ff | c0 21 0c 0000ffe7 00000001 00000002"
		"| c0 20 0c 0000ffe7 00000001 00000002 | 40 02 00",
		&ctx);
	uint8_t buf[4096];
	struct wire_wr w;

	cr_assert_eq(d->err.action, BGP_ACT_NONE, "%s", d->err.reason);
	cr_assert_not_null(d->a.unknown);
	assert_bytes(d->a.unknown->data, d->a.unknown->len,
	    "e0 21 0c 0000ffe7 00000001 00000002 | e0 63 02 abcd");
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &out, &d->a, false), 0);
	assert_bytes(buf, w.len,
	    "40 01 01 00 | 40 02 00 | c0 20 0c 0000ffe7 00000001 00000002"
	    "| e0 21 0c 0000ffe7 00000001 00000002 | e0 63 02 abcd");
	dec_free(d);
}

/* ------------------------------------------- LARGE_COMMUNITY (RFC 8092) */

Test(attr, large_communities_decode_encode_print)
{
	struct bgp_peer_ctx ctx = ctx_make(true, true);
	/* two values, the first repeated (dropped on receipt, RFC 8092 5) */
	struct dec *d = dec("40 01 01 00 | 40 02 06 02 01 0000ffe7 | 40 03 04 0a000001"
			    "| c0 20 24 0000ffe7 00000001 00000002 | 0000ffe7 00000001 00000002"
			    "| 00001f8b fffffffe 00000000",
	    &ctx);
	struct strbuf sb = STRBUF_INIT;
	struct bgp_lcomm want = { 65511, 1, 2 }, other = { 8075, 4294967294u, 0 }, x;
	struct bgp_attrs b;
	uint8_t buf[4096];
	struct wire_wr w;

	cr_assert_eq(d->err.action, BGP_ACT_NONE, "%s", d->err.reason);
	cr_assert(d->a.present & BGP_ATTRS_LCOMMUNITIES);
	cr_assert_eq(d->a.lcomms->n, 2);
	cr_assert(bgp_attrs_lcommunity_has(&d->a, &want));
	cr_assert(bgp_attrs_lcommunity_has(&d->a, &other));
	cr_assert_null(d->a.unknown);
	bgp_lcomms_print(&sb, d->a.lcomms);
	cr_assert_str_eq(sb_str(&sb), "65511:1:2 8075:4294967294:0");
	sb_free(&sb);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ctx, &d->a, true), 0);
	assert_bytes(buf, w.len,
	    "40 01 01 00 | 40 02 06 02 01 0000ffe7 | 40 03 04 0a000001"
	    "| c0 20 18 0000ffe7 00000001 00000002 00001f8b fffffffe 00000000");
	/* equality and hashing see them: the interning table must not merge */
	bgp_attrs_init(&b);
	cr_assert_eq(bgp_attrs_copy(&b, &d->a), 0);
	cr_assert(bgp_attrs_equal(&b, &d->a));
	cr_assert_eq(bgp_attrs_lcommunity_del(&b, &other), 0);
	cr_assert_not(bgp_attrs_equal(&b, &d->a));
	cr_assert_neq(bgp_attrs_hash(&b), bgp_attrs_hash(&d->a));
	cr_assert_eq(bgp_attrs_lcommunity_del(&b, &want), 0);
	cr_assert_null(b.lcomms);
	cr_assert_not(b.present & BGP_ATTRS_LCOMMUNITIES);
	cr_assert_eq(bgp_attrs_lcommunity_add(&b, &want), 0);
	cr_assert_eq(bgp_attrs_lcommunity_add(&b, &want), 0);
	cr_assert_eq(b.lcomms->n, 1, "no duplicate");
	bgp_attrs_clear(&b);
	cr_assert_eq(bgp_lcomm_parse("65511:1:2", &x), 0);
	cr_assert(bgp_lcomm_equal(&x, &want));
	cr_assert_eq(bgp_lcomm_parse("4294967295:0:4294967295", &x), 0);
	cr_assert_eq(x.global, 4294967295u);
	cr_assert_lt(bgp_lcomm_parse("4294967296:0:0", &x), 0);
	cr_assert_lt(bgp_lcomm_parse("1:2", &x), 0);
	cr_assert_lt(bgp_lcomm_parse("1:2:", &x), 0);
	cr_assert_lt(bgp_lcomm_parse("1:2:3:4", &x), 0);
	dec_free(d);
}

Test(attr, large_communities_bad_length_is_treat_as_withdraw)
{
	struct bgp_peer_ctx ctx = ctx_make(true, true);
	struct dec *d = dec("40 01 01 00 | c0 20 0b 0000ffe7 00000001 000000", &ctx);

	cr_assert_eq(d->rc, 0);
	cr_assert_eq(d->err.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(d->err.code, BGP_ERR_UPDATE);
	cr_assert_eq(d->err.subcode, BGP_ERR_UPD_ATTR_LEN);
	cr_assert_not(d->a.present & BGP_ATTRS_LCOMMUNITIES);
	dec_free(d);
	d = dec("40 01 01 00 | c0 20 00", &ctx);
	cr_assert_eq(d->err.action, BGP_ACT_WITHDRAW, "empty");
	dec_free(d);
	/* wrong flags (well-known): malformed, the attribute's rule */
	d = dec("40 01 01 00 | 40 20 0c 0000ffe7 00000001 00000002", &ctx);
	cr_assert_eq(d->err.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(d->err.subcode, BGP_ERR_UPD_ATTR_FLAGS);
	dec_free(d);
}

Test(attr, unknown_attribute_interleaves_by_type)
{
	struct bgp_peer_ctx ctx = ctx_make(true, true);
	struct dec *d = dec("c0 05 01 aa", &ctx); /* LOCAL_PREF type but from eBGP: dropped */
	struct bgp_attrs a;
	uint8_t buf[4096];
	struct wire_wr w;

	dec_free(d);
	d = dec("c0 0b 01 aa | c0 00 01 bb", &ctx); /* types 11 and 0 */
	cr_assert_eq(d->err.action, BGP_ACT_NONE);
	bgp_attrs_init(&a);
	cr_assert_eq(bgp_attrs_copy(&a, &d->a), 0);
	a.present |= BGP_ATTRS_MED;
	a.med = 5;
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ctx, &a, false), 0);
	assert_bytes(buf, w.len,
	    "e0 00 01 bb | 40 01 01 00 | 40 02 00 | 80 04 04 00000005 | e0 0b 01 aa");
	bgp_attrs_clear(&a);
	dec_free(d);
}

Test(attr, huge_attribute_counts)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct strbuf sb = STRBUF_INIT;
	struct dec *d;
	uint8_t buf[70000];
	struct wire_wr w;
	int i;

	/* 1000 ASes in four segments (extended length), 2000 communities,
	 * 150 distinct unknown transitive attributes, 500 repeated ORIGINs */
	sb_puts(&sb, "40 01 01 00 ");
	sb_printf(&sb, "50 02 %04x ", 4 * 2 + 1000 * 4);
	for (i = 0; i < 1000; i++) {
		if (i % 250 == 0)
			sb_puts(&sb, "02 fa ");
		sb_printf(&sb, "%08x ", 100000 + i);
	}
	sb_printf(&sb, "d0 08 %04x ", 2000 * 4);
	for (i = 0; i < 2000; i++)
		sb_printf(&sb, "%08x ", i);
	for (i = 0; i < 150; i++)
		sb_printf(&sb, "c0 %02x 01 %02x ", 100 + i, i);
	for (i = 0; i < 500; i++)
		sb_puts(&sb, "40 01 01 02 ");
	d = dec(sb_str(&sb), &ctx);
	cr_assert_eq(d->rc, 0);
	cr_assert_eq(d->err.action, BGP_ACT_ATTR_DISCARD, "repeats discarded");
	cr_assert_eq(bgp_aspath_length(d->a.aspath), 1000);
	cr_assert_eq(bgp_aspath_first_as(d->a.aspath), 100000);
	cr_assert_eq(bgp_aspath_origin_as(d->a.aspath), 100999);
	cr_assert_eq(d->a.comms->n, 2000);
	cr_assert_eq(d->a.origin, 0);
	/* 64 unknown kept (the rest discarded), 500 repeats */
	cr_assert_eq(d->ndisc, 500 + 150 - 64);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ctx, &d->a, false), 0);
	cr_assert_gt(w.len, 12000);
	sb_free(&sb);
	dec_free(d);
}

/* ------------------------------------------------ 4-octet AS (RFC 6793) */

Test(as4, two_octet_path_to_old_speaker_gets_as_trans_and_as4_path)
{
	struct bgp_peer_ctx old = ctx_make(false, true);
	struct bgp_attrs a;
	static const uint32_t path[] = { 65511, 4200000000u, 8075 };
	uint8_t buf[4096];
	struct wire_wr w;
	struct dec *d;

	bgp_attrs_init(&a);
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 3));
	a.present |= BGP_ATTRS_AGGREGATOR;
	a.aggregator_as = 4200000001u;
	a.aggregator_id = 0x01020304;
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &old, &a, false), 0);
	assert_bytes(buf, w.len,
	    "40 01 01 00"
	    "40 02 08 02 03 ffe7 5ba0 1f8b"		/* AS_TRANS in place of 4200000000 */
	    "c0 07 06 5ba0 01020304"			/* AGGREGATOR AS_TRANS */
	    "c0 11 0e 02 03 0000ffe7 fa56ea00 00001f8b" /* AS4_PATH */
	    "c0 12 08 fa56ea01 01020304");		/* AS4_AGGREGATOR */
	/* and the old speaker's neighbour (a NEW speaker) reconstructs it */
	old.check_first_as = false;
	d = dec("40 01 01 00"
		"40 02 08 02 03 ffe7 5ba0 1f8b"
		"c0 07 06 5ba0 01020304"
		"c0 11 0e 02 03 0000ffe7 fa56ea00 00001f8b"
		"c0 12 08 fa56ea01 01020304",
	    &old);
	cr_assert_eq(d->err.action, BGP_ACT_NONE, "%s", d->err.reason);
	assert_path(d->a.aspath, "65511 4200000000 8075");
	cr_assert_eq(d->a.aggregator_as, 4200000001u);
	cr_assert(bgp_attrs_equal(&d->a, &a) == false, "ORIGIN present bit differs");
	a.present |= BGP_ATTRS_ORIGIN;
	cr_assert(bgp_attrs_equal(&d->a, &a));
	cr_assert_null(d->a.unknown, "AS4_* are not kept as unknown");
	dec_free(d);
	bgp_attrs_clear(&a);
}

Test(as4, no_as4_path_when_every_as_fits)
{
	struct bgp_peer_ctx old = ctx_make(false, true);
	struct bgp_attrs a;
	static const uint32_t path[] = { 65511, 8075 };
	uint8_t buf[4096];
	struct wire_wr w;

	bgp_attrs_init(&a);
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 2));
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &old, &a, false), 0);
	assert_bytes(buf, w.len, "40 01 01 00 40 02 06 02 02 ffe7 1f8b");
	bgp_attrs_clear(&a);
}

Test(as4, merge_takes_the_leading_part_of_as_path)
{
	struct bgp_peer_ctx old = ctx_make(false, false);
	struct dec *d;

	/* An OLD speaker 100 prepended itself in front of a NEW-only path:
	 * AS_PATH 100 23456 {23456 300}, AS4_PATH 4200000000 {4200000001 300}.
	 * Merged as RFC 6793 says, and then withdrawn for its AS_SET (RFC 9774). */
	d = dec("40 02 0c 02 02 0064 5ba0 01 02 5ba0 012c"
		"c0 11 10 02 01 fa56ea00 01 02 fa56ea01 0000012c",
	    &old);
	cr_assert_eq(d->err.action, BGP_ACT_WITHDRAW, "%s", d->err.reason);
	assert_path(d->a.aspath, "100 4200000000 {4200000001 300}");
	dec_free(d);
	/* AS4_PATH longer than AS_PATH: ignored */
	d = dec("40 02 04 02 01 0064 | c0 11 0a 02 02 fa56ea00 fa56ea01", &old);
	assert_path(d->a.aspath, "100");
	cr_assert_eq(d->ndisc, 1);
	dec_free(d);
	/* AGGREGATOR of an OLD speaker (not AS_TRANS): AS4_* ignored */
	d = dec("40 02 04 02 01 5ba0 | c0 07 06 0064 01020304 | c0 11 06 02 01 fa56ea00"
		"| c0 12 08 fa56ea01 01020304",
	    &old);
	assert_path(d->a.aspath, "23456");
	cr_assert_eq(d->a.aggregator_as, 100);
	cr_assert_eq(d->ndisc, 2);
	dec_free(d);
	/* AGGREGATOR not AS_TRANS but no AS4_AGGREGATOR: the rule of "both
	 * received" does not apply, the path is merged */
	d = dec("40 02 04 02 01 5ba0 | c0 07 06 0064 01020304 | c0 11 06 02 01 fa56ea00", &old);
	assert_path(d->a.aspath, "4200000000");
	cr_assert_eq(d->a.aggregator_as, 100);
	cr_assert_eq(d->ndisc, 0);
	dec_free(d);
	/* confederation segment leading AS_PATH goes along */
	d = dec("40 02 0c 03 01 0064 02 03 00c8 5ba0 5ba0 | c0 11 0a 02 02 fa56ea00 fa56ea01",
	    &old);
	assert_path(d->a.aspath, "(100) 200 4200000000 4200000001");
	dec_free(d);
}

/*
 * RFC 9774 3: AS_SET and AS_CONFED_SET are deprecated; an UPDATE carrying one
 * in AS_PATH or AS4_PATH is treat-as-withdraw (Malformed AS_PATH, logged).
 */
Test(aspath, as_set_is_treat_as_withdraw)
{
	struct bgp_peer_ctx ebgp = ctx_make(true, true), ibgp = ctx_make(true, false);
	struct bgp_peer_ctx old = ctx_make(false, true);

	/* AS_PATH 65511 {1 2} from an external peer */
	expect("40 02 10 02 01 0000ffe7 01 02 00000001 00000002", &ebgp, BGP_ACT_WITHDRAW, 11,
	    NULL);
	/* a set alone */
	expect("40 02 06 01 01 0000ffe7", &ebgp, BGP_ACT_WITHDRAW, 11, NULL);
	/* AS_CONFED_SET from an internal peer (confederation segments allowed there) */
	expect("40 02 0c 04 01 0000fde8 02 01 0000ffe7", &ibgp, BGP_ACT_WITHDRAW, 11, NULL);
	/* ... while an AS_CONFED_SEQUENCE from it stays accepted */
	expect("40 02 0c 03 01 0000fde8 02 01 0000ffe7", &ibgp, BGP_ACT_NONE, 0, NULL);
	/* AS4_PATH with a set, from an OLD speaker (2-octet session) */
	expect("40 02 06 02 02 ffe7 5ba0 | c0 11 0c 02 01 0000ffe7 01 01 fa56ea00", &old,
	    BGP_ACT_WITHDRAW, 11, NULL);
	/* sequences only: nothing to say */
	expect("40 02 0a 02 02 0000ffe7 00001f8b", &ebgp, BGP_ACT_NONE, 0, NULL);
}

Test(as4, malformed_as4_attributes_are_discarded)
{
	struct bgp_peer_ctx old = ctx_make(false, false);
	struct dec *d;

	expect("c0 11 05 02 01 fa56ea", &old, BGP_ACT_ATTR_DISCARD, 9, NULL);
	expect("c0 11 06 03 01 fa56ea00", &old, BGP_ACT_ATTR_DISCARD, 9, NULL); /* confed */
	expect("c0 11 06 02 01 00000000", &old, BGP_ACT_ATTR_DISCARD, 9, NULL); /* AS 0 */
	expect("c0 12 06 fa56ea01 0102", &old, BGP_ACT_ATTR_DISCARD, 5, "c01206fa56ea010102");
	expect("c0 12 08 00000000 01020304", &old, BGP_ACT_ATTR_DISCARD, 9, NULL);
	expect("80 11 06 02 01 fa56ea00", &old, BGP_ACT_ATTR_DISCARD, 4, NULL);
	/* the path stays as the AS_PATH said */
	d = dec("40 02 04 02 01 5ba0 | c0 11 06 03 01 fa56ea00", &old);
	assert_path(d->a.aspath, "23456");
	dec_free(d);
}

Test(as4, as4_attributes_from_a_new_speaker_are_discarded)
{
	struct bgp_peer_ctx ctx = ctx_make(true, false);
	struct dec *d = dec("40 02 06 02 01 0000ffe7 | c0 11 06 02 01 fa56ea00"
			    "| c0 12 08 fa56ea01 01020304",
	    &ctx);

	cr_assert_eq(d->rc, 0);
	assert_path(d->a.aspath, "65511");
	cr_assert_null(d->a.unknown);
	cr_assert_eq(d->ndisc, 2);
	dec_free(d);
}

Test(as4, four_octet_session_encodes_four_octets)
{
	struct bgp_peer_ctx ctx = ctx_make(true, true);
	struct bgp_attrs a;
	static const uint32_t path[] = { 4200000000u };
	uint8_t buf[4096];
	struct wire_wr w;

	bgp_attrs_init(&a);
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 1));
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ctx, &a, false), 0);
	assert_bytes(buf, w.len, "40 01 01 00 40 02 06 02 01 fa56ea00");
	bgp_attrs_clear(&a);
}

/* ------------------------------------------------------ AS path helpers */

Test(aspath, prepend)
{
	static const uint32_t seq[] = { 8075 };
	struct bgp_aspath *p = bgp_aspath_from_seq(seq, 1), *q, *r;
	uint32_t set[] = { (uint32_t)BGP_AS_SET << 8 | 2, 1, 2 };
	int i;

	q = bgp_aspath_prepend(p, 65511, 2);
	assert_path(q, "65511 65511 8075");
	cr_assert_eq(q->nwords, 4, "one segment");
	cr_assert_eq(bgp_aspath_length(q), 3);
	bgp_aspath_free(q);
	q = bgp_aspath_prepend(NULL, 65511, 1);
	assert_path(q, "65511");
	bgp_aspath_free(q);
	/* in front of a set: a new sequence */
	r = bgp_aspath_new(set, 3);
	q = bgp_aspath_prepend(r, 65511, 1);
	assert_path(q, "65511 {1 2}");
	cr_assert_eq(bgp_aspath_length(q), 2);
	cr_assert_eq(bgp_aspath_first_as(q), 65511);
	cr_assert_eq(bgp_aspath_first_as(r), 0, "set first: no neighbour AS");
	cr_assert_eq(bgp_aspath_origin_as(q), 0, "ends in a set");
	bgp_aspath_free(q);
	bgp_aspath_free(r);
	/* past 255: a second segment (RFC 4271 5.1.2) */
	q = bgp_aspath_prepend(p, 65511, 300);
	cr_assert_eq(bgp_aspath_length(q), 301);
	cr_assert_eq(BGP_ASSEG_COUNT(q->w[0]), 255);
	cr_assert_eq(BGP_ASSEG_TYPE(q->w[256]), BGP_AS_SEQUENCE);
	cr_assert_eq(BGP_ASSEG_COUNT(q->w[256]), 46);
	cr_assert_eq(q->nwords, 256 + 47);
	for (i = 1; i <= 255; i++)
		cr_assert_eq(q->w[i], 65511);
	cr_assert_eq(q->w[q->nwords - 1], 8075);
	cr_assert_eq(bgp_aspath_origin_as(q), 8075);
	bgp_aspath_free(q);
	bgp_aspath_free(p);
}

Test(aspath, contains_length_print)
{
	uint32_t w[] = { (uint32_t)BGP_AS_CONFED_SEQUENCE << 8 | 1, 65000,
		(uint32_t)BGP_AS_SEQUENCE << 8 | 2, 65511, 8075, (uint32_t)BGP_AS_SET << 8 | 2, 1,
		2, (uint32_t)BGP_AS_CONFED_SET << 8 | 2, 3, 4 };
	struct bgp_aspath *p = bgp_aspath_new(w, 11);
	char *s = path_str(p);

	assert_path(p, "(65000) 65511 8075 {1 2} [3 4]");
	free(s);
	cr_assert_eq(bgp_aspath_length(p), 3, "confed segments count 0, a set 1");
	cr_assert(bgp_aspath_contains(p, 2));
	cr_assert(bgp_aspath_contains(p, 65000));
	cr_assert_not(bgp_aspath_contains(p, 5));
	cr_assert_eq(bgp_aspath_first_as(p), 0, "starts with a confed segment");
	assert_path(NULL, "");
	cr_assert_eq(bgp_aspath_length(NULL), 0);
	bgp_aspath_free(p);
}

Test(aspath, empty_equals_null)
{
	struct bgp_aspath *e = bgp_aspath_new(NULL, 0);

	cr_assert(bgp_aspath_equal(NULL, e));
	cr_assert(bgp_aspath_equal(e, NULL));
	bgp_aspath_free(e);
}

/* ---------------------------------------------------------- communities */

Test(communities, print_parse_edit)
{
	struct bgp_attrs a;
	struct strbuf sb = STRBUF_INIT;
	uint32_t c;

	cr_assert_eq(bgp_community_parse("65511:100", &c), 0);
	cr_assert_eq(c, BGP_COMM(65511, 100));
	cr_assert_eq(bgp_community_parse("no-export", &c), 0);
	cr_assert_eq(c, BGP_COMM_NO_EXPORT);
	cr_assert_eq(bgp_community_parse("65536:1", &c), -1);
	cr_assert_eq(bgp_community_parse("1:", &c), -1);
	cr_assert_eq(bgp_community_parse("x:1", &c), -1);
	cr_assert_eq(bgp_community_parse("100", &c), -1);
	bgp_attrs_init(&a);
	cr_assert_eq(bgp_attrs_community_add(&a, BGP_COMM(65511, 100)), 0);
	cr_assert_eq(bgp_attrs_community_add(&a, BGP_COMM_NO_ADVERTISE), 0);
	cr_assert_eq(bgp_attrs_community_add(&a, BGP_COMM(65511, 100)), 0);
	cr_assert_eq(a.comms->n, 2, "no duplicate");
	cr_assert(a.present & BGP_ATTRS_COMMUNITIES);
	bgp_communities_print(&sb, a.comms);
	cr_assert_str_eq(sb_str(&sb), "65511:100 no-advertise");
	cr_assert(bgp_attrs_community_has(&a, BGP_COMM_NO_ADVERTISE));
	bgp_attrs_community_del(&a, BGP_COMM(65511, 100));
	bgp_attrs_community_del(&a, BGP_COMM_NO_ADVERTISE);
	cr_assert_null(a.comms);
	cr_assert_not(a.present & BGP_ATTRS_COMMUNITIES);
	bgp_attrs_clear(&a);
	sb_free(&sb);
}

Test(attr, origin_names)
{
	cr_assert_str_eq(bgp_origin_name(0), "IGP");
	cr_assert_str_eq(bgp_origin_name(1), "EGP");
	cr_assert_str_eq(bgp_origin_name(2), "incomplete");
	cr_assert_eq(bgp_origin_char(2), '?');
	cr_assert_str_eq(bgp_attr_type_name(14), "MP_REACH_NLRI");
	cr_assert_null(bgp_attr_type_name(99));
	cr_assert_eq(bgp_af_from_afi_safi(2, 1), BGP_AF_IPV6_UNICAST);
	cr_assert_eq(bgp_af_from_afi_safi(1, 2), -1);
	cr_assert_eq(bgp_af_from_afi_safi(25, 65), -1);
}

/* ------------------------------------------------------------- interning */

static void
make_set(struct bgp_attrs *a, uint32_t i)
{
	uint32_t path[] = { 65511, 1000 + i % 7 };

	bgp_attrs_init(a);
	a->present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP | BGP_ATTRS_MED;
	bgp_attrs_set_aspath(a, bgp_aspath_from_seq(path, 2));
	ipaddr_from_v4(&a->nexthop, 0x0a000001 + i % 13);
	a->med = i % 11;
	if (i % 2)
		bgp_attrs_community_add(a, BGP_COMM(65511, i % 3));
}

Test(intern, shares_equal_sets)
{
	struct bgp_attr_table *t = bgp_attr_table_new();
	struct bgp_attrs a, b;
	const struct bgp_attrs *x, *y, *z;

	make_set(&a, 1);
	make_set(&b, 1);
	cr_assert_neq(a.aspath, b.aspath);
	cr_assert(bgp_attrs_equal(&a, &b));
	cr_assert_eq(bgp_attrs_hash(&a), bgp_attrs_hash(&b));
	x = bgp_attr_intern(t, &a);
	y = bgp_attr_intern(t, &b);
	cr_assert_eq(x, y);
	cr_assert_eq(x->refcnt, 2);
	cr_assert_neq(x->aspath, a.aspath, "the table holds its own copy");
	bgp_attrs_clear(&b);
	make_set(&b, 2);
	z = bgp_attr_intern(t, &b);
	cr_assert_neq(z, x);
	cr_assert_eq(bgp_attr_table_count(t), 2);
	bgp_attr_ref(z);
	bgp_attr_unref(t, z);
	bgp_attr_unref(t, z);
	cr_assert_eq(bgp_attr_table_count(t), 1);
	bgp_attr_unref(t, x);
	cr_assert_eq(bgp_attr_table_count(t), 1);
	bgp_attr_unref(t, y);
	cr_assert_eq(bgp_attr_table_count(t), 0);
	bgp_attr_unref(t, NULL);
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
	bgp_attr_table_free(t);
}

Test(intern, many_routes_few_sets)
{
	struct bgp_attr_table *t = bgp_attr_table_new();
	static const struct bgp_attrs *refs[200000];
	size_t i, distinct;

	for (i = 0; i < 200000; i++) {
		struct bgp_attrs a;

		make_set(&a, (uint32_t)i);
		refs[i] = bgp_attr_intern(t, &a);
		cr_assert_not_null(refs[i]);
		bgp_attrs_clear(&a);
	}
	distinct = bgp_attr_table_count(t);
	/* path i%7, next hop i%13, MED i%11: 1001 combinations; times no
	 * community (even i) or one of three (odd i): 4004 sets */
	cr_assert_eq(distinct, 4004, "%zu distinct", distinct);
	cr_assert_lt(bgp_attr_table_bytes(t), 6006 * 400);
	for (i = 0; i < 200000; i++)
		cr_assert(refs[i] == refs[i % 6006], "route %zu", i);
	for (i = 0; i < 200000; i++)
		bgp_attr_unref(t, refs[i]);
	cr_assert_eq(bgp_attr_table_count(t), 0);
	bgp_attr_table_free(t);
}

Test(intern, equality_covers_every_field)
{
	struct bgp_attrs a, b;

	make_set(&a, 3);
	make_set(&b, 3);
	b.present |= BGP_ATTRS_ATOMIC_AGGR;
	cr_assert_not(bgp_attrs_equal(&a, &b));
	b.present = a.present;
	cr_assert_eq(ipaddr_parse("fe80::1", &b.nexthop_ll), 0);
	cr_assert_not(bgp_attrs_equal(&a, &b));
	memset(&b.nexthop_ll, 0, sizeof(b.nexthop_ll));
	cr_assert(bgp_attrs_equal(&a, &b));
	b.med++;
	cr_assert_not(bgp_attrs_equal(&a, &b));
	b.med--;
	bgp_attrs_prepend(&b, 65511, 1);
	cr_assert_not(bgp_attrs_equal(&a, &b));
	bgp_attrs_clear(&b);
	make_set(&b, 3);
	bgp_attrs_community_add(&b, 77);
	cr_assert_not(bgp_attrs_equal(&a, &b));
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
}

/* ----------------------------------------------------------------- NLRI */

Test(nlri, encode_sizes_and_host_bits)
{
	uint8_t buf[64];
	struct wire_wr w;
	struct wire_rd rd;
	struct prefix p, q;
	struct bgp_err err;

	cr_assert_eq(prefix_parse("10.1.2.0/23", &p, false), 0);
	cr_assert_eq(bgp_nlri_size(&p), 4);
	wire_wr_init(&w, buf, sizeof(buf));
	bgp_nlri_put(&w, &p);
	assert_bytes(buf, w.len, "17 0a0102");
	/* host bits on the wire are cleared on read */
	hex("17 0a0103 00 80 20010db8000000000000000000000001", buf, sizeof(buf));
	wire_rd_init(&rd, buf, 4);
	cr_assert(bgp_nlri_next(&rd, AF_INET, &q));
	cr_assert_eq(prefix_cmp(&p, &q), 0);
	wire_rd_init(&rd, buf + 4, 1);
	cr_assert(bgp_nlri_next(&rd, AF_INET, &q));
	cr_assert_eq(q.len, 0);
	wire_rd_init(&rd, buf + 5, 17);
	bgp_err_clear(&err);
	cr_assert_eq(bgp_nlri_check(&rd, AF_INET6, &err), 1);
	cr_assert_eq(bgp_nlri_check(&rd, AF_INET, &err), -1, "128 bits is too long for IPv4");
	cr_assert_eq(err.subcode, BGP_ERR_UPD_NETWORK);
}

Test(attr, an_attribute_longer_than_65535_octets_is_refused)
{
	struct bgp_peer_ctx ctx = ctx_make(true, true);
	struct bgp_attrs a;
	static uint8_t buf[200000];
	struct wire_wr w;

	bgp_attrs_init(&a);
	cr_assert_eq(bgp_attrs_prepend(&a, 4200000000u, 17000), 0); /* 68000+ octets */
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_attrs_encode(&w, &ctx, &a, false), -1);
	cr_assert_eq(w.err, WIRE_ESPACE);
	bgp_attrs_clear(&a);
}
