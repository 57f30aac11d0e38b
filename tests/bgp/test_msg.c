/*
 * Unit tests of the BGP message codec (bgp_msg.c): framing, OPEN with
 * capabilities, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH and UPDATE, each
 * against hand-written byte vectors laid out as RFC 4271 4, RFC 5492,
 * RFC 4760, RFC 6793, RFC 2918 and RFC 4724 draw them, and every error path
 * with its NOTIFICATION code, subcode and data (RFC 4271 6, RFC 7606).
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_msg.h"
#include "strbuf.h"

#define MARKER "ffffffffffffffffffffffffffffffff"

/* Hex text (spaces, newlines and '|' ignored) to bytes. */
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
			cr_assert_lt(n, cap, "hex vector too long");
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	cr_assert_eq(hi, -1, "odd number of hex digits");
	return n;
}

static void
assert_bytes(const uint8_t *got, size_t glen, const char *want_hex)
{
	uint8_t want[BGP_MAX_MSG];
	size_t wlen = hex(want_hex, want, sizeof(want)), i;

	for (i = 0; i < glen && i < wlen; i++)
		cr_assert_eq(got[i], want[i], "byte %zu: got %02x, want %02x", i, got[i], want[i]);
	cr_assert_eq(glen, wlen, "length: got %zu, want %zu", glen, wlen);
}

static void
assert_err(const struct bgp_err *err, enum bgp_err_action act, uint8_t code, uint8_t sub,
    const char *data_hex)
{
	uint8_t data[BGP_MAX_MSG];
	size_t dlen = data_hex ? hex(data_hex, data, sizeof(data)) : 0;

	cr_assert_eq(err->action, act, "action %s, want %s (%s)", bgp_err_action_name(err->action),
	    bgp_err_action_name(act), err->reason ? err->reason : "");
	cr_assert_eq(err->code, code, "code %u, want %u (%s)", err->code, code,
	    err->reason ? err->reason : "");
	cr_assert_eq(err->subcode, sub, "subcode %u, want %u (%s)", err->subcode, sub,
	    err->reason ? err->reason : "");
	if (data_hex) {
		cr_assert_eq(err->datalen, dlen, "data length %u, want %zu", err->datalen, dlen);
		cr_assert_eq(memcmp(err->data, data, dlen), 0, "data differs");
	}
}

static struct bgp_peer_ctx
ctx_ebgp(bool as4, uint32_t local_as, uint32_t peer_as)
{
	struct bgp_peer_ctx c;

	memset(&c, 0, sizeof(c));
	c.as4 = as4;
	c.ebgp = local_as != peer_as;
	c.local_as = local_as;
	c.peer_as = peer_as;
	c.af[BGP_AF_IPV4_UNICAST] = true;
	c.af[BGP_AF_IPV6_UNICAST] = true;
	c.check_first_as = true;
	return c;
}

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0, "bad prefix %s in test", s);
	return p;
}

static void
assert_prefix(const struct prefix *p, const char *want)
{
	char buf[PREFIX_STRLEN];

	cr_assert_str_eq(prefix_ntop(p, buf, sizeof(buf)), want);
}

/* ---------------------------------------------------------------- framing */

Test(frame, keepalive_complete_and_partial)
{
	uint8_t m[64], type = 0;
	struct bgp_err err;
	size_t n = hex(MARKER "0013 04", m, sizeof(m));

	cr_assert_eq(bgp_msg_frame(m, n, &type, &err), 19);
	cr_assert_eq(type, BGP_MSG_KEEPALIVE);
	cr_assert_eq(bgp_msg_frame(m, 18, &type, &err), 0, "18 octets: need more");
	cr_assert_eq(err.action, BGP_ACT_NONE);
}

Test(frame, waits_for_the_whole_body)
{
	uint8_t m[64], type;
	struct bgp_err err;
	size_t n = hex(MARKER "0017 05 0001 00 01", m, sizeof(m));

	cr_assert_eq(bgp_msg_frame(m, n - 1, &type, &err), 0);
	cr_assert_eq(bgp_msg_frame(m, n, &type, &err), 23);
	cr_assert_eq(type, BGP_MSG_ROUTE_REFRESH);
}

Test(frame, bad_marker_is_connection_not_synchronized)
{
	uint8_t m[64];
	struct bgp_err err;
	size_t n = hex("ffffffffffffffffffffffffffffff00 0013 04", m, sizeof(m));

	cr_assert_eq(bgp_msg_frame(m, n, NULL, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 1, 1, "");
}

Test(frame, bad_lengths_carry_the_length_field)
{
	static const struct {
		const char *msg;
		const char *data;
	} cases[] = {
		{ MARKER "0012 04", "0012" },	 /* below the header */
		{ MARKER "1001 02", "1001" },	 /* above 4096 */
		{ MARKER "0014 04 00", "0014" }, /* KEEPALIVE must be 19 */
		{ MARKER "001c 01", "001c" },	 /* OPEN below 29 */
		{ MARKER "0016 02", "0016" },	 /* UPDATE below 23 */
		{ MARKER "0014 03", "0014" },	 /* NOTIFICATION below 21 */
		{ MARKER "0013 03", "0013" },	 /* NOTIFICATION of a header alone */
		{ MARKER "1001 03", "1001" },	 /* NOTIFICATION above 4096 */
		{ MARKER "0018 05", "0018" },	 /* ROUTE-REFRESH must be 23 */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t m[64];
		struct bgp_err err;
		size_t n = hex(cases[i].msg, m, sizeof(m));

		cr_assert_eq(bgp_msg_frame(m, n, NULL, &err), -1, "case %zu", i);
		assert_err(&err, BGP_ACT_SESSION_RESET, 1, 2, cases[i].data);
		/* RFC 4271 6.4: a NOTIFICATION's error is never answered with one. */
		cr_assert_eq(err.no_reply, m[18] == BGP_MSG_NOTIFICATION, "case %zu: no_reply", i);
	}
}

Test(frame, bad_type_carries_the_type)
{
	uint8_t m[64];
	struct bgp_err err;
	size_t n = hex(MARKER "0013 06", m, sizeof(m));

	cr_assert_eq(bgp_msg_frame(m, n, NULL, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 1, 3, "06");
	n = hex(MARKER "0013 00", m, sizeof(m));
	cr_assert_eq(bgp_msg_frame(m, n, NULL, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 1, 3, "00");
}

/* ------------------------------------------------------- KEEPALIVE, RR */

Test(keepalive, encodes_19_octets)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_keepalive_write(&w), 0);
	assert_bytes(buf, w.len, MARKER "0013 04");
}

Test(route_refresh, round_trip_rfc2918_layout)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;
	struct bgp_route_refresh rr;
	struct bgp_err err;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_route_refresh_write(&w, BGP_AFI_IPV6, BGP_SAFI_UNICAST), 0);
	assert_bytes(buf, w.len, MARKER "0017 05 | 0002 00 01");
	cr_assert_eq(bgp_route_refresh_decode(buf, w.len, &rr, &err), 0);
	cr_assert_eq(rr.afi, 2);
	cr_assert_eq(rr.safi, 1);
	cr_assert_eq(rr.subtype, 0);
}

/* ---------------------------------------------------------------- OPEN */

/*
 * An OPEN as BIRD or FRR send it: version 4, AS 65511, hold 90, identifier
 * 10.10.10.1, capabilities in two optional parameters: MP IPv4 unicast,
 * MP IPv6 unicast, route refresh in the first; 4-octet AS 65511, graceful
 * restart (restart time 120 s, no families), enhanced route refresh and FQDN
 * (unknown to us, kept) in the second.
 */
static const char *open_two_params = MARKER
    "0040 01"
    "04 ffe7 005a 0a0a0a01"
    "23" /* optional parameters length 35 */
    "02 10 | 01 04 0001 00 01 | 01 04 0002 00 01 | 02 00 | 80 00" /* 16 */
    "02 0f | 41 04 0000ffe7 | 40 02 0078 | 46 00 | 49 01 00";	  /* 17 */

Test(open, decodes_capabilities_in_several_parameters)
{
	uint8_t m[256];
	size_t n = hex(open_two_params, m, sizeof(m));
	struct bgp_open o;
	struct bgp_err err;
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(n, 0x40);
	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0, "%s", err.reason);
	cr_assert_eq(o.version, 4);
	cr_assert_eq(o.my_as, 65511);
	cr_assert_eq(o.hold_time, 90);
	cr_assert_eq(o.bgp_id, 0x0a0a0a01);
	cr_assert(o.caps.mp[BGP_AF_IPV4_UNICAST]);
	cr_assert(o.caps.mp[BGP_AF_IPV6_UNICAST]);
	cr_assert(o.caps.route_refresh);
	cr_assert(o.caps.as4);
	cr_assert_eq(o.caps.as4_asn, 65511);
	cr_assert_eq(bgp_open_peer_as(&o), 65511);
	cr_assert(o.caps.graceful_restart);
	cr_assert_eq(o.caps.gr_time, 120);
	cr_assert_eq(o.caps.gr_nafs, 0);
	/* kept: 128 (old route refresh), 70, 73 */
	cr_assert_eq(o.caps.nunknown, 3);
	cr_assert_eq(o.caps.unknown[0].code, 128);
	cr_assert_eq(o.caps.unknown[1].code, 70);
	cr_assert_eq(o.caps.unknown[2].code, 73);
	cr_assert_eq(o.caps.unknown[2].len, 1);
	bgp_caps_print(&sb, &o.caps);
	cr_assert_str_eq(sb_str(&sb),
	    "mp(ipv4-unicast,ipv6-unicast) route-refresh as4(65511) "
	    "graceful-restart(120s,0 families) unknown(128,70,73)");
	sb_free(&sb);
}

Test(open, encodes_one_capabilities_parameter)
{
	static const bool both[BGP_AF_COUNT] = { true, true };
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;
	struct bgp_open o, back;
	struct bgp_err err;

	bgp_open_init(&o, 8075, 90, 0x0a0a0afe, both);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_open_write(&w, &o), 0);
	assert_bytes(buf, w.len,
	    MARKER "0037 01"
		   "04 1f8b 005a 0a0a0afe"
		   "1a 02 18"
		   "01 04 0001 00 01 | 01 04 0002 00 01 | 02 00 | 41 04 00001f8b | 40 02 0000");
	cr_assert_eq(bgp_open_decode(buf, w.len, &back, &err), 0);
	cr_assert_eq(back.my_as, 8075);
	cr_assert_eq(back.caps.as4_asn, 8075);
	cr_assert(back.caps.mp[0] && back.caps.mp[1] && back.caps.route_refresh);
	cr_assert(back.caps.graceful_restart);
	cr_assert_eq(back.caps.gr_time, 0);
	cr_assert_eq(back.caps.gr_nafs, 0);
	cr_assert_eq(back.caps.nunknown, 0);
}

Test(open, four_octet_as_goes_as_as_trans)
{
	static const bool v4[BGP_AF_COUNT] = { true, false };
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;
	struct bgp_open o, back;
	struct bgp_err err;

	bgp_open_init(&o, 4200000000u, 180, 0x01020304, v4);
	cr_assert_eq(o.my_as, BGP_AS_TRANS);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_open_write(&w, &o), 0);
	assert_bytes(buf, w.len,
	    MARKER "0031 01"
		   "04 5ba0 00b4 01020304"
		   "14 02 12"
		   "01 04 0001 00 01 | 02 00 | 41 04 fa56ea00 | 40 02 0000");
	cr_assert_eq(bgp_open_decode(buf, w.len, &back, &err), 0);
	cr_assert_eq(bgp_open_peer_as(&back), 4200000000u);
	cr_assert_eq(bgp_open_check_peer(&back, 4200000000u, 65000, 1, &err), 0);
}

Test(open, unknown_capabilities_are_kept_and_sent_again)
{
	uint8_t m[256], buf[BGP_MAX_MSG];
	size_t n = hex(open_two_params, m, sizeof(m));
	struct bgp_open o, back;
	struct bgp_err err;
	struct wire_wr w;

	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_open_write(&w, &o), 0);
	cr_assert_eq(bgp_open_decode(buf, w.len, &back, &err), 0);
	cr_assert_eq(back.caps.nunknown, 3);
	cr_assert_eq(back.caps.unknown[1].code, 70);
	cr_assert_eq(back.caps.unknown[2].code, 73);
	cr_assert(back.caps.graceful_restart);
	cr_assert_eq(back.caps.gr_time, 120);
}

/*
 * Graceful restart (RFC 4724 3): flags and restart time, then 4 octets per
 * family. One listing IPv4 unicast with the F bit is understood; one of 3
 * octets is not relied on: kept as received, the peer not counted as a
 * graceful restart speaker (so End-of-RIB is not expected from it).
 */
Test(open, graceful_restart_capability)
{
	uint8_t m[256];
	struct bgp_open o;
	struct bgp_err err;
	size_t n = hex(MARKER "0027 01 04 ffe7 005a 0a0a0a01"
			      "0a 02 08 | 40 06 805a 0001 01 80",
	    m, sizeof(m));

	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0, "%s", err.reason);
	cr_assert(o.caps.graceful_restart);
	cr_assert_eq(o.caps.gr_time, 90, "the restart flags are not part of the time");
	cr_assert_eq(o.caps.gr_nafs, 1);
	cr_assert_eq(o.caps.nunknown, 0);
	n = hex(MARKER "0022 01 04 ffe7 005a 0a0a0a01"
		       "05 02 03 | 40 01 00",
	    m, sizeof(m));
	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0, "%s", err.reason);
	cr_assert_not(o.caps.graceful_restart);
	cr_assert_eq(o.caps.nunknown, 1);
	cr_assert_eq(o.caps.unknown[0].code, 64);
}

Test(open, rfc9072_extended_optional_parameters)
{
	uint8_t m[256];
	size_t n = hex(MARKER "0031 01 04 ffe7 005a 0a0a0a01"
			      "ff ff 0011" /* extended: length 17 */
			      "02 000e | 01 04 0001 00 01 | 02 00 | 41 04 0000ffe7",
	    m, sizeof(m));
	struct bgp_open o;
	struct bgp_err err;

	cr_assert_eq(n, 0x31);
	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0, "%s", err.reason);
	cr_assert(o.caps.mp[BGP_AF_IPV4_UNICAST]);
	cr_assert(o.caps.as4);
}

static void
open_error(const char *msg, uint8_t sub, const char *data)
{
	uint8_t m[256];
	size_t n = hex(msg, m, sizeof(m));
	struct bgp_open o;
	struct bgp_err err;

	cr_assert_eq(bgp_open_decode(m, n, &o, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, BGP_ERR_OPEN, sub, data);
}

Test(open, errors)
{
	/* Unsupported Version Number, data: the largest version we support */
	open_error(MARKER "001d 01 03 ffe7 005a 0a0a0a01 00", 1, "0004");
	/* Unacceptable Hold Time: 1 and 2 */
	open_error(MARKER "001d 01 04 ffe7 0001 0a0a0a01 00", 6, "");
	open_error(MARKER "001d 01 04 ffe7 0002 0a0a0a01 00", 6, "");
	/* Bad BGP Identifier: 0 */
	open_error(MARKER "001d 01 04 ffe7 005a 00000000 00", 3, "");
	/* Unsupported Optional Parameter: type 1 (authentication) */
	open_error(MARKER "0020 01 04 ffe7 005a 0a0a0a01 03 01 01 00", 4, "");
	/* optional parameters length disagrees with the message */
	open_error(MARKER "001f 01 04 ffe7 005a 0a0a0a01 03 02 00", 0, "");
	/* a parameter overrunning the field */
	open_error(MARKER "001f 01 04 ffe7 005a 0a0a0a01 02 02 05", 0, "");
	/* a capability overrunning its parameter */
	open_error(MARKER "0021 01 04 ffe7 005a 0a0a0a01 04 02 02 41 04", 0, "");
	/* 4-octet AS capability of length 2 */
	open_error(MARKER "0023 01 04 ffe7 005a 0a0a0a01 06 02 04 41 02 ffe7", 0, "");
	/* 4-octet AS capability with AS 0 */
	open_error(MARKER "0025 01 04 ffe7 005a 0a0a0a01 08 02 06 41 04 00000000", 2, "");
	/* MP capability of length 3 */
	open_error(MARKER "0024 01 04 ffe7 005a 0a0a0a01 07 02 05 01 03 0001 00", 0, "");
}

Test(open, hold_time_zero_and_three_accepted)
{
	uint8_t m[64];
	struct bgp_open o;
	struct bgp_err err;
	size_t n = hex(MARKER "001d 01 04 ffe7 0000 0a0a0a01 00", m, sizeof(m));

	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0);
	cr_assert_eq(o.hold_time, 0);
	n = hex(MARKER "001d 01 04 ffe7 0003 0a0a0a01 00", m, sizeof(m));
	cr_assert_eq(bgp_open_decode(m, n, &o, &err), 0);
	cr_assert_eq(o.caps.as4, false);
	cr_assert_eq(bgp_open_peer_as(&o), 65511);
}

Test(open, check_peer)
{
	struct bgp_open o;
	struct bgp_err err;
	static const bool v4[BGP_AF_COUNT] = { true, false };

	bgp_open_init(&o, 65511, 90, 0x0a0a0a01, v4);
	cr_assert_eq(bgp_open_check_peer(&o, 65511, 8075, 0x0a0a0afe, &err), 0);
	cr_assert_eq(bgp_open_check_peer(&o, 0, 8075, 0x0a0a0afe, &err), 0, "0 accepts any AS");
	cr_assert_eq(bgp_open_check_peer(&o, 65512, 8075, 0x0a0a0afe, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 2, 2, "");
	/* internal peer with our identifier */
	cr_assert_eq(bgp_open_check_peer(&o, 65511, 65511, 0x0a0a0a01, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 2, 3, "");
	/* external peer with our identifier is allowed (RFC 6286 2.2) */
	cr_assert_eq(bgp_open_check_peer(&o, 65511, 8075, 0x0a0a0a01, &err), 0);
	/* AS_TRANS without the capability */
	o.caps.as4 = false;
	o.my_as = BGP_AS_TRANS;
	cr_assert_eq(bgp_open_check_peer(&o, 0, 8075, 1, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 2, 2, "");
	/* capability and My AS disagree on a 2-octet AS */
	bgp_open_init(&o, 65511, 90, 0x0a0a0a01, v4);
	o.my_as = 65512;
	cr_assert_eq(bgp_open_check_peer(&o, 0, 8075, 1, &err), -1);
	assert_err(&err, BGP_ACT_SESSION_RESET, 2, 2, "");
}

Test(open, negotiation)
{
	struct bgp_caps a, b;
	struct bgp_peer_ctx ctx;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&ctx, 0, sizeof(ctx));
	bgp_caps_negotiate(&a, &b, &ctx);
	cr_assert(ctx.af[BGP_AF_IPV4_UNICAST], "no MP at all: IPv4 unicast (RFC 4760 8)");
	cr_assert(!ctx.af[BGP_AF_IPV6_UNICAST]);
	cr_assert(!ctx.as4);
	a.mp[0] = a.mp[1] = true;
	a.as4 = true;
	b.mp[1] = true;
	b.as4 = true;
	bgp_caps_negotiate(&a, &b, &ctx);
	cr_assert(!ctx.af[BGP_AF_IPV4_UNICAST]);
	cr_assert(ctx.af[BGP_AF_IPV6_UNICAST]);
	cr_assert(ctx.as4);
	b.as4 = false;
	bgp_caps_negotiate(&a, &b, &ctx);
	cr_assert(!ctx.as4);
	cr_assert_eq(bgp_hold_negotiate(90, 30), 30);
	cr_assert_eq(bgp_hold_negotiate(0, 30), 0);
}

/*
 * A peer that sends no multiprotocol capability speaks IPv4 unicast, the base
 * protocol (RFC 4760 8, RFC 5492 3), whatever we sent: the exact OPENs of
 * BIRD with "capabilities off" (no optional parameter), of a speaker that
 * sends only the 4-octet AS capability, and of one that sends MP for IPv6
 * only, against what anybgpd sends for each "families" setting.
 */
Test(open, peer_without_mp_capability_speaks_ipv4_unicast)
{
	static const struct {
		const char *name, *open;
		bool v4_ours_both, v6_ours_both; /* we offer IPv4 and IPv6 */
		bool v6_ours_v6;		 /* we offer IPv6 only */
	} cases[] = {
		{ "capabilities off", MARKER "001d 01 04 fdea 00f0 0a000002 00", true, false,
		    false },
		{ "only the 4-octet AS capability",
		    MARKER "0025 01 04 fdea 00b4 0a000002 08 02 06 41 04 0000fdea", true, false,
		    false },
		{ "route refresh and 4-octet AS",
		    MARKER "0027 01 04 fdea 00b4 0a000002 0a 02 08 02 00 41 04 0000fdea", true,
		    false, false },
		{ "MP for IPv6 unicast only",
		    MARKER "0025 01 04 fdea 00b4 0a000002 08 02 06 01 04 0002 00 01", false, true,
		    true },
		{ "MP for an AFI/SAFI that is not ours (VPNv4)",
		    MARKER "0025 01 04 fdea 00b4 0a000002 08 02 06 01 04 0001 00 80", false, false,
		    false },
	};
	static const bool both[BGP_AF_COUNT] = { true, true }, v6[BGP_AF_COUNT] = { false, true };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t m[256];
		size_t n = hex(cases[i].open, m, sizeof(m));
		struct bgp_open peer, ours;
		struct bgp_peer_ctx ctx;
		struct bgp_err err;

		cr_assert_eq(bgp_open_decode(m, n, &peer, &err), 0, "%s: %s", cases[i].name,
		    err.reason);
		bgp_open_init(&ours, 65001, 90, 0x0a000001, both);
		memset(&ctx, 0, sizeof(ctx));
		bgp_caps_negotiate(&ours.caps, &peer.caps, &ctx);
		cr_expect_eq(ctx.af[BGP_AF_IPV4_UNICAST], cases[i].v4_ours_both,
		    "%s, we offer both: IPv4 unicast", cases[i].name);
		cr_expect_eq(ctx.af[BGP_AF_IPV6_UNICAST], cases[i].v6_ours_both,
		    "%s, we offer both: IPv6 unicast", cases[i].name);
		bgp_open_init(&ours, 65001, 90, 0x0a000001, v6);
		memset(&ctx, 0, sizeof(ctx));
		bgp_caps_negotiate(&ours.caps, &peer.caps, &ctx);
		cr_expect(!ctx.af[BGP_AF_IPV4_UNICAST],
		    "%s, we offer IPv6 only: IPv4 unicast must stay off", cases[i].name);
		cr_expect_eq(ctx.af[BGP_AF_IPV6_UNICAST], cases[i].v6_ours_v6,
		    "%s, we offer IPv6 only: IPv6 unicast", cases[i].name);
		/* Symmetric: the same whichever side is "local". */
		bgp_open_init(&ours, 65001, 90, 0x0a000001, both);
		memset(&ctx, 0, sizeof(ctx));
		bgp_caps_negotiate(&peer.caps, &ours.caps, &ctx);
		cr_expect_eq(ctx.af[BGP_AF_IPV4_UNICAST], cases[i].v4_ours_both,
		    "%s, sides swapped: IPv4 unicast", cases[i].name);
	}
}

/* -------------------------------------------------------- NOTIFICATION */

Test(notification, round_trip_with_data)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;
	struct bgp_notification n;
	struct bgp_err err;
	struct strbuf sb = STRBUF_INIT;
	static const uint8_t data[] = { 0x40, 0x01, 0x01, 0x05 };

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_notification_write(&w, 3, 6, data, sizeof(data)), 0);
	assert_bytes(buf, w.len, MARKER "0019 03 03 06 40010105");
	cr_assert_eq(bgp_notification_decode(buf, w.len, &n, &err), 0);
	cr_assert_eq(n.code, 3);
	cr_assert_eq(n.subcode, 6);
	cr_assert_eq(n.datalen, 4);
	bgp_notification_describe(&sb, n.code, n.subcode, n.data, n.datalen);
	cr_assert_str_eq(sb_str(&sb),
	    "UPDATE Message Error / Invalid ORIGIN Attribute (data 4 octets: 40 01 01 05)");
	sb_free(&sb);
}

Test(notification, shutdown_communication_rfc9003)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;
	struct bgp_notification n;
	struct bgp_err err;
	struct strbuf sb = STRBUF_INIT;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_notification_write_shutdown(&w, BGP_ERR_CEASE_SHUTDOWN, "maint"), 0);
	assert_bytes(buf, w.len, MARKER "001b 03 06 02 05 6d61696e74");
	cr_assert_eq(bgp_notification_decode(buf, w.len, &n, &err), 0);
	bgp_notification_describe(&sb, n.code, n.subcode, n.data, n.datalen);
	cr_assert_str_eq(sb_str(&sb), "Cease / Administrative Shutdown: \"maint\"");
	sb_free(&sb);
}

Test(notification, from_decoder_error_and_names)
{
	uint8_t buf[BGP_MAX_MSG], m[64];
	struct wire_wr w;
	struct bgp_err err;
	size_t n = hex(MARKER "0013 07", m, sizeof(m));

	cr_assert_eq(bgp_msg_frame(m, n, NULL, &err), -1);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_notification_write_err(&w, &err), 0);
	assert_bytes(buf, w.len, MARKER "0016 03 01 03 07");
	cr_assert_str_eq(bgp_err_code_name(6), "Cease");
	cr_assert_str_eq(bgp_err_subcode_name(6, 10), "BFD Down");
	cr_assert_str_eq(bgp_err_subcode_name(2, 7), "Unsupported Capability");
	cr_assert_str_eq(bgp_err_subcode_name(3, 11), "Malformed AS_PATH");
	cr_assert_str_eq(bgp_err_subcode_name(3, 200), "Unknown Subcode");
	cr_assert_str_eq(bgp_err_code_name(99), "Unknown Error Code");
	cr_assert_str_eq(bgp_err_action_name(BGP_ACT_WITHDRAW), "treat-as-withdraw");
	cr_assert_str_eq(bgp_msg_type_name(BGP_MSG_ROUTE_REFRESH), "ROUTE-REFRESH");
	cr_assert_null(bgp_msg_type_name(9));
}

Test(notification, data_is_truncated_to_one_message)
{
	static uint8_t big[5000], buf[BGP_MAX_MSG];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_notification_write(&w, 3, 4, big, sizeof(big)), 0);
	cr_assert_eq(w.len, BGP_MAX_MSG);
}

Test(notification, most_severe_error_wins)
{
	struct bgp_err err;

	bgp_err_clear(&err);
	bgp_err_set(&err, BGP_ACT_ATTR_DISCARD, 3, 5, NULL, 0, "a");
	bgp_err_set(&err, BGP_ACT_WITHDRAW, 3, 6, NULL, 0, "b");
	bgp_err_set(&err, BGP_ACT_ATTR_DISCARD, 3, 9, NULL, 0, "c");
	bgp_err_set(&err, BGP_ACT_WITHDRAW, 3, 11, NULL, 0, "d");
	cr_assert_eq(err.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(err.subcode, 6, "the first of the most severe is kept");
	bgp_err_set(&err, BGP_ACT_SESSION_RESET, 3, 1, NULL, 0, "e");
	cr_assert_eq(err.subcode, 1);
}

/* -------------------------------------------------------------- UPDATE */

static int
decode(const char *h, const struct bgp_peer_ctx *ctx, struct bgp_update *u, struct bgp_err *err,
    uint8_t *m)
{
	size_t n = hex(h, m, BGP_MAX_MSG);

	return bgp_update_decode(m, n, ctx, u, err);
}

/* RFC 4271 4.3 layout: an IPv4 route as a DC announces it in Lab A. */
static const char *upd_v4 = MARKER "0036 02"
				   "0000"		     /* withdrawn routes length */
				   "001b"		     /* total path attribute length 27 */
				   "40 01 01 00"	     /* ORIGIN IGP */
				   "40 02 06 02 01 0000ffe7" /* AS_PATH (65511), 4-octet */
				   "40 03 04 0a0a0a01"	     /* NEXT_HOP 10.10.10.1 */
				   "80 04 04 00000000"	     /* MED 0 */
				   "18 333333";		     /* 51.51.51.0/24 */

Test(update, decodes_ipv4_announcement)
{
	uint8_t m[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	struct bgp_update u;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	struct prefix p;
	enum bgp_af af;
	char buf[IPADDR_STRLEN];
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(decode(upd_v4, &ctx, &u, &err, m), 0, "%s", err.reason);
	cr_assert_eq(u.action, BGP_ACT_NONE, "%s", err.reason);
	cr_assert_eq(u.nannounced, 1);
	cr_assert_eq(u.nwithdrawn, 0);
	cr_assert_eq(u.attrs.origin, BGP_ORIGIN_IGP);
	cr_assert_eq(u.attrs.med, 0);
	cr_assert(u.attrs.present & BGP_ATTRS_MED);
	cr_assert_str_eq(ipaddr_ntop(&u.attrs.nexthop, buf, sizeof(buf)), "10.10.10.1");
	bgp_aspath_print(&sb, u.attrs.aspath);
	cr_assert_str_eq(sb_str(&sb), "65511");
	bgp_update_announced(&u, &it);
	cr_assert(bgp_nlri_iter_next(&it, &p, &af));
	cr_assert_eq(af, BGP_AF_IPV4_UNICAST);
	assert_prefix(&p, "51.51.51.0/24");
	cr_assert_not(bgp_nlri_iter_next(&it, &p, &af));
	bgp_update_withdrawn(&u, &it);
	cr_assert_not(bgp_nlri_iter_next(&it, &p, &af));
	bgp_update_clear(&u);
	sb_free(&sb);
}

Test(update, encodes_the_same_bytes)
{
	uint8_t buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 65511, 8075);
	struct bgp_attrs a;
	struct prefix p = pfx("51.51.51.0/24");
	static const uint32_t path[] = { 65511 };
	struct wire_wr w;

	bgp_attrs_init(&a);
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP | BGP_ATTRS_MED;
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 1));
	ipaddr_from_v4(&a.nexthop, 0x0a0a0a01);
	a.med = 0;
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV4_UNICAST, &p, 1), 1);
	assert_bytes(buf, w.len, upd_v4);
	bgp_attrs_clear(&a);
}

Test(update, two_octet_session)
{
	uint8_t m[BGP_MAX_MSG], buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(false, 8075, 65511);
	struct bgp_update u;
	struct bgp_err err;
	struct wire_wr w;
	struct prefix p = pfx("51.51.51.0/24");
	const char *h = MARKER "002d 02 0000 0012"
			       "40 01 01 00 | 40 02 04 02 01 ffe7 | 40 03 04 0a0a0a01 | 18 333333";

	cr_assert_eq(decode(h, &ctx, &u, &err, m), 0, "%s", err.reason);
	cr_assert_eq(u.action, BGP_ACT_NONE);
	cr_assert_eq(bgp_aspath_first_as(u.attrs.aspath), 65511);
	/* and back out to a 2-octet peer: the same bytes */
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_announce(&w, &ctx, &u.attrs, BGP_AF_IPV4_UNICAST, &p, 1), 1);
	assert_bytes(buf, w.len, h);
	bgp_update_clear(&u);
}

Test(update, ipv4_withdrawal_round_trip)
{
	uint8_t buf[BGP_MAX_MSG], m[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	struct prefix ps[] = { pfx("51.51.51.0/24"), pfx("10.0.0.0/8"), pfx("0.0.0.0/0"),
		pfx("192.0.2.1/32") };
	const char *h = MARKER "0023 02 000c 18333333 080a 00 20c0000201 0000";
	struct wire_wr w;
	struct bgp_update u;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	struct prefix p;
	enum bgp_af af;
	int i = 0;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_withdraw(&w, &ctx, BGP_AF_IPV4_UNICAST, ps, 4), 4);
	assert_bytes(buf, w.len, h);
	cr_assert_eq(decode(h, &ctx, &u, &err, m), 0);
	cr_assert_eq(u.nwithdrawn, 4);
	bgp_update_withdrawn(&u, &it);
	while (bgp_nlri_iter_next(&it, &p, &af)) {
		cr_assert_eq(prefix_cmp(&p, &ps[i]), 0, "prefix %d", i);
		i++;
	}
	cr_assert_eq(i, 4);
	bgp_update_clear(&u);
}

/* RFC 4760 3 / RFC 2545: IPv6 with a global and a link-local next hop. */
static const char *upd_v6 = MARKER "0051 02 0000 003a"
				   "80 0e 2a | 0002 01 20"
				   "20010db8000000000000000000000001"
				   "fe800000000000000000000000000001"
				   "00 | 20 20010db8"
				   "40 01 01 00"
				   "40 02 06 02 01 0000ffe7";

Test(update, ipv6_mp_reach_round_trip)
{
	uint8_t m[BGP_MAX_MSG], buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	struct bgp_update u;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	struct prefix p, p6 = pfx("2001:db8::/32");
	enum bgp_af af;
	char buf2[IPADDR_STRLEN];
	struct wire_wr w;

	cr_assert_eq(decode(upd_v6, &ctx, &u, &err, m), 0, "%s", err.reason);
	cr_assert_eq(u.action, BGP_ACT_NONE, "%s", err.reason);
	cr_assert_eq(u.nannounced, 1);
	cr_assert_eq(u.mp.reach_af, BGP_AF_IPV6_UNICAST);
	bgp_update_announced(&u, &it);
	cr_assert(bgp_nlri_iter_next(&it, &p, &af));
	cr_assert_eq(af, BGP_AF_IPV6_UNICAST);
	assert_prefix(&p, "2001:db8::/32");
	cr_assert_not(bgp_nlri_iter_next(&it, &p, &af));
	bgp_update_attrs_for(&u, BGP_AF_IPV6_UNICAST);
	cr_assert_str_eq(ipaddr_ntop(&u.attrs.nexthop, buf2, sizeof(buf2)), "2001:db8::1");
	cr_assert_str_eq(ipaddr_ntop(&u.attrs.nexthop_ll, buf2, sizeof(buf2)), "fe80::1");
	cr_assert(u.attrs.present & BGP_ATTRS_NEXT_HOP);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_announce(&w, &ctx, &u.attrs, BGP_AF_IPV6_UNICAST, &p6, 1), 1);
	assert_bytes(buf, w.len, upd_v6);
	bgp_update_clear(&u);
}

Test(update, ipv6_withdrawal_and_end_of_rib)
{
	uint8_t m[BGP_MAX_MSG], buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	struct prefix p6 = pfx("2001:db8::/32"), p;
	struct wire_wr w;
	struct bgp_update u;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	enum bgp_af af;
	const char *wd = MARKER "0022 02 0000 000b 80 0f 08 0002 01 20 20010db8";

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_withdraw(&w, &ctx, BGP_AF_IPV6_UNICAST, &p6, 1), 1);
	assert_bytes(buf, w.len, wd);
	cr_assert_eq(decode(wd, &ctx, &u, &err, m), 0);
	cr_assert_not(u.eor);
	bgp_update_withdrawn(&u, &it);
	cr_assert(bgp_nlri_iter_next(&it, &p, &af));
	cr_assert_eq(af, BGP_AF_IPV6_UNICAST);
	assert_prefix(&p, "2001:db8::/32");
	bgp_update_clear(&u);

	/* End-of-RIB (RFC 4724 2) */
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_eor(&w, BGP_AF_IPV4_UNICAST), 0);
	assert_bytes(buf, w.len, MARKER "0017 02 0000 0000");
	cr_assert_eq(bgp_update_decode(buf, w.len, &ctx, &u, &err), 0);
	cr_assert(u.eor);
	cr_assert_eq(u.eor_af, BGP_AF_IPV4_UNICAST);
	bgp_update_clear(&u);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_eor(&w, BGP_AF_IPV6_UNICAST), 0);
	assert_bytes(buf, w.len, MARKER "001d 02 0000 0006 80 0f 03 0002 01");
	cr_assert_eq(bgp_update_decode(buf, w.len, &ctx, &u, &err), 0);
	cr_assert(u.eor);
	cr_assert_eq(u.eor_af, BGP_AF_IPV6_UNICAST);
	bgp_update_clear(&u);
}

Test(update, non_negotiated_family_is_ignored)
{
	uint8_t m[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	struct bgp_update u;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	struct prefix p;

	ctx.af[BGP_AF_IPV6_UNICAST] = false;
	cr_assert_eq(decode(upd_v6, &ctx, &u, &err, m), 0);
	cr_assert_eq(u.mp.reach_af, -1);
	cr_assert_eq(u.nannounced, 0);
	bgp_update_announced(&u, &it);
	cr_assert_not(bgp_nlri_iter_next(&it, &p, NULL));
	/* Said, so that the session logs and counts it (docs/anybgpd.md). */
	cr_assert(u.unnegotiated);
	cr_assert_eq(u.unnegotiated_afi, 2);
	cr_assert_eq(u.unnegotiated_safi, 1);
	bgp_update_clear(&u);
	/* The IPv4 fields on a session without IPv4 unicast. */
	ctx.af[BGP_AF_IPV6_UNICAST] = true;
	ctx.af[BGP_AF_IPV4_UNICAST] = false;
	cr_assert_eq(decode(upd_v4, &ctx, &u, &err, m), 0);
	cr_assert_eq(u.nannounced, 0);
	cr_assert(u.unnegotiated);
	cr_assert_eq(u.unnegotiated_afi, 1);
	cr_assert_eq(u.unnegotiated_safi, 1);
	bgp_update_clear(&u);
	/* Nothing to say on a session that uses the family. */
	ctx.af[BGP_AF_IPV4_UNICAST] = true;
	cr_assert_eq(decode(upd_v4, &ctx, &u, &err, m), 0);
	cr_assert_not(u.unnegotiated);
	bgp_update_clear(&u);
}

static void
update_error(const char *h, const struct bgp_peer_ctx *ctx, int rc, enum bgp_err_action act,
    uint8_t sub, const char *data)
{
	uint8_t m[BGP_MAX_MSG];
	struct bgp_update u;
	struct bgp_err err;

	cr_assert_eq(decode(h, ctx, &u, &err, m), rc, "%s", err.reason ? err.reason : "");
	assert_err(&err, act, BGP_ERR_UPDATE, sub, data);
	if (rc == 0)
		cr_assert_eq(u.action, act);
	bgp_update_clear(&u);
}

Test(update, length_errors_reset_the_session)
{
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);

	/* withdrawn length overruns */
	update_error(MARKER "0017 02 0001 0000", &ctx, -1, BGP_ACT_SESSION_RESET, 1, "");
	/* total attribute length overruns */
	update_error(MARKER "001a 02 0000 0004 400101", &ctx, -1, BGP_ACT_SESSION_RESET, 1, "");
	/* NLRI prefix length 33 */
	update_error(MARKER "001d 02 0000 0000 21 0a000001 00", &ctx, -1, BGP_ACT_SESSION_RESET, 10,
	    "");
	/* NLRI prefix overrunning the message */
	update_error(MARKER "001a 02 0000 0000 18 0a00", &ctx, -1, BGP_ACT_SESSION_RESET, 10, "");
	/* withdrawn prefix length 40 */
	update_error(MARKER "0019 02 0002 2801 0000", &ctx, -1, BGP_ACT_SESSION_RESET, 10, "");
}

Test(update, missing_mandatory_attributes_withdraw)
{
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	uint8_t m[BGP_MAX_MSG];
	struct bgp_update u;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	struct prefix p;
	enum bgp_af af;

	/* no ORIGIN */
	update_error(MARKER "002b 02 0000 0010 40 02 06 02 01 0000ffe7 40 03 04 0a0a0a01 18 333333",
	    &ctx, 0, BGP_ACT_WITHDRAW, 3, "01");
	/* no AS_PATH */
	update_error(MARKER "0026 02 0000 000b 40 01 01 00 40 03 04 0a0a0a01 18 333333", &ctx, 0,
	    BGP_ACT_WITHDRAW, 3, "02");
	/* no NEXT_HOP with IPv4 NLRI */
	update_error(MARKER "0028 02 0000 000d 40 01 01 00 40 02 06 02 01 0000ffe7 18 333333", &ctx,
	    0, BGP_ACT_WITHDRAW, 3, "03");
	/* NLRI and no attributes at all */
	update_error(MARKER "001b 02 0000 0000 18 333333", &ctx, 0, BGP_ACT_WITHDRAW, 3, "01");

	/* the announced prefix comes out of the withdrawn iterator */
	cr_assert_eq(decode(MARKER "001b 02 0000 0000 18 333333", &ctx, &u, &err, m), 0);
	cr_assert_eq(u.nannounced, 0);
	cr_assert_eq(u.nwithdrawn, 1);
	bgp_update_announced(&u, &it);
	cr_assert_not(bgp_nlri_iter_next(&it, &p, &af));
	bgp_update_withdrawn(&u, &it);
	cr_assert(bgp_nlri_iter_next(&it, &p, &af));
	assert_prefix(&p, "51.51.51.0/24");
	bgp_update_clear(&u);
}

Test(update, attributes_without_nlri_are_not_checked)
{
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);
	uint8_t m[BGP_MAX_MSG];
	struct bgp_update u;
	struct bgp_err err;

	cr_assert_eq(decode(MARKER "001b 02 0000 0004 40 01 01 00", &ctx, &u, &err, m), 0);
	cr_assert_eq(u.action, BGP_ACT_NONE);
	cr_assert_not(u.eor);
	bgp_update_clear(&u);
}

Test(update, mp_errors_reset_the_session)
{
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);

	/* MP_UNREACH_NLRI twice (RFC 7606 3.g) */
	update_error(MARKER "0027 02 0000 0010"
			    "80 0f 03 0002 01 | 80 0f 03 0002 01 | 40 01 01 00",
	    &ctx, -1, BGP_ACT_SESSION_RESET, 1, "");
	/* IPv6 next hop length 4 */
	update_error(MARKER "0025 02 0000 000e 80 0e 0b 0002 01 04 0a0a0a01 00 08 20", &ctx, -1,
	    BGP_ACT_SESSION_RESET, 9, "800e0b 0002 01 04 0a0a0a01 00 0820");
	/* MP_REACH_NLRI NLRI prefix length 129 */
	update_error(MARKER "0030 02 0000 0019 80 0e 16 0002 01 10"
			    "20010db8000000000000000000000001 00 81",
	    &ctx, -1, BGP_ACT_SESSION_RESET, 10, "");
	/* MP_UNREACH_NLRI overrun inside the attribute */
	update_error(MARKER "0021 02 0000 000a 80 0f 07 0002 01 30 20010d", &ctx, -1,
	    BGP_ACT_SESSION_RESET, 10, "");
	/* MP_UNREACH_NLRI shorter than AFI + SAFI */
	update_error(MARKER "001c 02 0000 0005 80 0f 02 0002", &ctx, -1, BGP_ACT_SESSION_RESET, 5,
	    "800f020002");
	/* MP_REACH_NLRI with flags of a well-known attribute */
	update_error(MARKER "0022 02 0000 000b 40 0f 08 0002 01 20 20010db8", &ctx, -1,
	    BGP_ACT_SESSION_RESET, 4, "400f08 0002 01 2020010db8");
}

Test(update, unrecognized_well_known_resets)
{
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);

	update_error(MARKER "001d 02 0000 0006 40 63 03 010203", &ctx, -1, BGP_ACT_SESSION_RESET, 2,
	    "406303010203");
}

Test(update, attribute_overrun_withdraws)
{
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 8075, 65511);

	/* AS_PATH says 9 octets, 6 remain before the Total Path Attribute Length ends */
	update_error(MARKER "0028 02 0000 000d 40 01 01 00 | 40 02 09 02 01 0000ffe7 | 18 333333",
	    &ctx, 0, BGP_ACT_WITHDRAW, 1, "");
	/* two octets left: too few for an attribute header */
	update_error(MARKER "0021 02 0000 0006 40 01 01 00 40 02 | 18 333333", &ctx, 0,
	    BGP_ACT_WITHDRAW, 1, "");
}

/* -------------------------------------------------- packing builders */

Test(update, packs_exactly_4096_octets)
{
	static struct prefix ps[1100];
	static uint8_t buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 65511, 8075), rx = ctx_ebgp(true, 8075, 65511);
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_err err;
	struct wire_wr w;
	static const uint32_t path[] = { 65511 };
	long k;
	int i;

	/* attributes: 4 + 9 + 7 = 20 octets; 23 + 20 = 43; 4053 octets of NLRI:
	 * 1012 /24 (4 octets each) and one /32 (5 octets) */
	for (i = 0; i < 1012; i++) {
		memset(&ps[i], 0, sizeof(ps[i]));
		ipaddr_from_v4(&ps[i].addr, 0x0a000000u | (uint32_t)i << 8);
		ps[i].len = 24;
	}
	ps[1012] = pfx("192.0.2.1/32");
	ps[1013] = pfx("192.0.2.2/32");
	bgp_attrs_init(&a);
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP;
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 1));
	ipaddr_from_v4(&a.nexthop, 0x0a0a0a01);
	wire_wr_init(&w, buf, sizeof(buf));
	k = bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV4_UNICAST, ps, 1014);
	cr_assert_eq(k, 1013, "took %ld", k);
	cr_assert_eq(w.len, 4096);
	cr_assert_eq(bgp_update_decode(buf, w.len, &rx, &u, &err), 0, "%s", err.reason);
	cr_assert_eq(u.action, BGP_ACT_NONE, "%s", err.reason);
	cr_assert_eq(u.nannounced, 1013);
	bgp_update_clear(&u);
	/* the rest goes in the next message */
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV4_UNICAST, &ps[1013], 1), 1);
	cr_assert_eq(w.len, 43 + 5);
	bgp_attrs_clear(&a);
}

Test(update, packs_ipv6_and_withdrawals_up_to_the_limit)
{
	static struct prefix ps[2000];
	static uint8_t buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 65511, 8075);
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_err err;
	struct wire_wr w;
	long k, total = 0;
	static const uint32_t path[] = { 65511 };
	int i, msgs = 0;
	enum bgp_af af;

	for (i = 0; i < 2000; i++) {
		memset(&ps[i], 0, sizeof(ps[i]));
		ps[i].addr.family = AF_INET6;
		ps[i].addr.bytes[0] = 0x20;
		ps[i].addr.bytes[1] = 0x01;
		ps[i].addr.bytes[2] = 0x0d;
		ps[i].addr.bytes[3] = 0xb8;
		ps[i].addr.bytes[4] = (uint8_t)(i >> 8);
		ps[i].addr.bytes[5] = (uint8_t)i;
		ps[i].len = 48; /* 7 octets each */
	}
	bgp_attrs_init(&a);
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP;
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 1));
	cr_assert_eq(ipaddr_parse("2001:db8::1", &a.nexthop), 0);
	ctx.check_first_as = false; /* decoded with the sender's view */
	while (total < 2000) {
		wire_wr_init(&w, buf, sizeof(buf));
		k = bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV6_UNICAST, &ps[total],
		    (size_t)(2000 - total));
		cr_assert_gt(k, 0);
		cr_assert_leq(w.len, 4096);
		if (total + k < 2000)
			cr_assert_gt(w.len + 7, 4096, "another prefix would have fit");
		cr_assert_eq(bgp_update_decode(buf, w.len, &ctx, &u, &err), 0, "%s", err.reason);
		cr_assert_eq(u.nannounced, (unsigned)k);
		cr_assert_eq(u.action, BGP_ACT_NONE);
		bgp_update_clear(&u);
		total += k;
		msgs++;
	}
	cr_assert_eq(msgs, 4, "2000 * 7 octets in 4 messages (%d)", msgs);

	for (af = 0; af < BGP_AF_COUNT; af++) {
		int n = af == BGP_AF_IPV6_UNICAST ? 2000 : 1100;
		struct prefix *src = ps;
		static struct prefix v4[2000];

		if (af == BGP_AF_IPV4_UNICAST) {
			for (i = 0; i < n; i++) {
				memset(&v4[i], 0, sizeof(v4[i]));
				ipaddr_from_v4(&v4[i].addr, 0x0a000000u | (uint32_t)i << 8);
				v4[i].len = 24;
			}
			src = v4;
		}
		for (total = 0; total < n; total += k) {
			wire_wr_init(&w, buf, sizeof(buf));
			k = bgp_update_write_withdraw(&w, &ctx, af, &src[total],
			    (size_t)(n - total));
			cr_assert_gt(k, 0);
			cr_assert_leq(w.len, 4096);
			if (total + k < n)
				cr_assert_gt(w.len + bgp_nlri_size(&src[total + k]), 4096);
			cr_assert_eq(bgp_update_decode(buf, w.len, &ctx, &u, &err), 0);
			cr_assert_eq(u.nwithdrawn, (unsigned)k);
			bgp_update_clear(&u);
		}
	}
	bgp_attrs_clear(&a);
}

Test(update, builder_refuses_mixed_families_and_missing_next_hop)
{
	uint8_t buf[BGP_MAX_MSG];
	struct bgp_peer_ctx ctx = ctx_ebgp(true, 65511, 8075);
	struct bgp_attrs a;
	struct prefix ps[] = { pfx("10.0.0.0/8"), pfx("2001:db8::/32") };
	struct wire_wr w;

	bgp_attrs_init(&a);
	ipaddr_from_v4(&a.nexthop, 0x0a0a0a01);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV4_UNICAST, ps, 2), -1);
	cr_assert_eq(w.len, 0, "nothing half written");
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV6_UNICAST, &ps[1], 1), -1,
	    "an IPv6 route needs an IPv6 next hop");
	cr_assert_eq(w.len, 0);
}

Test(update, messages_append_to_a_buffer)
{
	uint8_t buf[3 * BGP_MAX_MSG], type;
	struct wire_wr w;
	struct bgp_err err;
	int n;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bgp_keepalive_write(&w), 0);
	cr_assert_eq(bgp_update_write_eor(&w, BGP_AF_IPV4_UNICAST), 0);
	cr_assert_eq(bgp_keepalive_write(&w), 0);
	cr_assert_eq(w.len, 19 + 23 + 19);
	n = bgp_msg_frame(buf + 19, w.len - 19, &type, &err);
	cr_assert_eq(n, 23);
	cr_assert_eq(type, BGP_MSG_UPDATE);
}

/* --------------------------------------------- tshark decodes our output */

/* Append one message as a text2pcap packet (offset + hex octets per line). */
static void
pcap_text_packet(struct strbuf *sb, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			sb_printf(sb, "%s%06zx", i ? "\n" : "", i);
		sb_printf(sb, " %02x", p[i]);
	}
	sb_puts(sb, "\n");
}

static bool
tool_exists(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	cr_assert_not_null(f, "cannot open %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_steal(&sb);
}

static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(tshark, decodes_every_message_we_encode_without_expert_warnings, .timeout = 120)
{
	static const bool both[BGP_AF_COUNT] = { true, true };
	static uint8_t buf[BGP_MAX_MSG];
	static struct prefix many[1100];
	struct bgp_peer_ctx as4 = ctx_ebgp(true, 65511, 8075), old = ctx_ebgp(false, 65511, 8075);
	struct bgp_peer_ctx ibgp = ctx_ebgp(true, 65511, 65511);
	struct strbuf text = STRBUF_INIT;
	struct bgp_open o;
	struct bgp_attrs a;
	struct wire_wr w;
	struct prefix p4 = pfx("51.51.51.0/24"), p6 = pfx("2001:db8:51::/48");
	static const uint32_t path[] = { 65511, 4200000000u, 8075 };
	char dir[] = "/tmp/anylab-bgp-tshark.XXXXXX", cmd[1024], path_txt[256], path_pcap[256],
	     path_out[256], path_types[256];
	char *out, *types;
	FILE *f;
	int i, nmsg = 0;

	if (!tool_exists("tshark") || !tool_exists("text2pcap"))
		cr_skip_test(
		    "tshark or text2pcap not installed (Debian: tshark, wireshark-common)");

#define EMIT(expr) \
	do { \
		wire_wr_init(&w, buf, sizeof(buf)); \
		cr_assert_geq((expr), 0, "%s", #expr); \
		pcap_text_packet(&text, buf, w.len); \
		nmsg++; \
	} while (0)

	bgp_open_init(&o, 4200000000u, 90, 0x0a0a0a01, both);
	EMIT(bgp_open_write(&w, &o));
	EMIT(bgp_keepalive_write(&w));
	bgp_attrs_init(&a);
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_NEXT_HOP | BGP_ATTRS_MED | BGP_ATTRS_ATOMIC_AGGR |
	    BGP_ATTRS_AGGREGATOR | BGP_ATTRS_LOCAL_PREF;
	bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(path, 3));
	ipaddr_from_v4(&a.nexthop, 0x0a0a0a01);
	a.med = 10;
	a.local_pref = 200;
	a.aggregator_as = 4200000001u;
	a.aggregator_id = 0x0a0a0a01;
	bgp_attrs_community_add(&a, BGP_COMM(65511, 100));
	bgp_attrs_community_add(&a, BGP_COMM_NO_EXPORT);
	EMIT(bgp_update_write_announce(&w, &as4, &a, BGP_AF_IPV4_UNICAST, &p4, 1));
	EMIT(bgp_update_write_announce(&w, &old, &a, BGP_AF_IPV4_UNICAST, &p4, 1));
	EMIT(bgp_update_write_announce(&w, &ibgp, &a, BGP_AF_IPV4_UNICAST, &p4, 1));
	bgp_attrs_prepend(&a, 65511, 300); /* AS_PATH over 255 octets: extended length */
	EMIT(bgp_update_write_announce(&w, &as4, &a, BGP_AF_IPV4_UNICAST, &p4, 1));
	cr_assert_eq(ipaddr_parse("2001:db8::1", &a.nexthop), 0);
	cr_assert_eq(ipaddr_parse("fe80::1", &a.nexthop_ll), 0);
	EMIT(bgp_update_write_announce(&w, &as4, &a, BGP_AF_IPV6_UNICAST, &p6, 1));
	for (i = 0; i < 1100; i++) {
		memset(&many[i], 0, sizeof(many[i]));
		ipaddr_from_v4(&many[i].addr, 0x0a000000u | (uint32_t)i << 8);
		many[i].len = 24;
	}
	EMIT(bgp_update_write_withdraw(&w, &as4, BGP_AF_IPV4_UNICAST, many, 1100));
	EMIT(bgp_update_write_withdraw(&w, &as4, BGP_AF_IPV6_UNICAST, &p6, 1));
	EMIT(bgp_update_write_eor(&w, BGP_AF_IPV4_UNICAST));
	EMIT(bgp_update_write_eor(&w, BGP_AF_IPV6_UNICAST));
	EMIT(bgp_route_refresh_write(&w, BGP_AFI_IPV6, BGP_SAFI_UNICAST));
	EMIT(bgp_notification_write_shutdown(&w, BGP_ERR_CEASE_SHUTDOWN, "maintenance"));
	bgp_attrs_clear(&a);
#undef EMIT

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path_txt, sizeof(path_txt), "%s/msgs.txt", dir);
	snprintf(path_pcap, sizeof(path_pcap), "%s/msgs.pcap", dir);
	snprintf(path_out, sizeof(path_out), "%s/decode.txt", dir);
	snprintf(path_types, sizeof(path_types), "%s/types.txt", dir);
	f = fopen(path_txt, "w");
	cr_assert_not_null(f);
	fputs(sb_str(&text), f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "text2pcap -q -T 40000,179 %s %s >/dev/null 2>&1", path_txt,
	    path_pcap);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd),
	    "tshark -n -r %s -V -o tcp.desegment_tcp_streams:TRUE "
	    "-z expert,warn >%s 2>/dev/null",
	    path_pcap, path_out);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -T fields -e bgp.type >%s 2>/dev/null",
	    path_pcap, path_types);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	out = slurp(path_out);
	types = slurp(path_types);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);

	cr_assert_eq(count_of(out, "Malformed"), 0, "tshark reports a malformed packet:\n%s", out);
	cr_assert_eq(count_of(out, "[Expert Info (Warning"), 0, "expert warning:\n%s", out);
	cr_assert_eq(count_of(out, "[Expert Info (Error"), 0, "expert error:\n%s", out);
	/* every message was recognised with its type */
	cr_assert_eq(count_of(types, "1"), 1, "OPEN\n%s", types);
	cr_assert_eq(count_of(types, "2"), 9, "UPDATEs\n%s", types);
	cr_assert_eq(count_of(types, "3"), 1);
	cr_assert_eq(count_of(types, "4"), 1);
	cr_assert_eq(count_of(types, "5"), 1);
	/* and their contents as we meant them */
	cr_assert(strstr(out, "AS Number: 4200000000"), "%s", out);
	cr_assert(strstr(out, "AS Path segment: 65511 23456 8075"), "2-octet session: AS_TRANS");
	cr_assert(strstr(out, "Path Attribute - AS4_PATH: 65511 4200000000 8075"));
	cr_assert(strstr(out, "Aggregator AS: 4200000001"));
	cr_assert(strstr(out, "51.51.51.0/24"));
	cr_assert(strstr(out, "2001:db8:51::/48"));
	cr_assert(strstr(out, "AS4_PATH"));
	cr_assert(strstr(out, "AS4_AGGREGATOR"));
	cr_assert(strstr(out, "65511:100"));
	cr_assert(strstr(out, "maintenance"));
	cr_assert(strstr(out, "fe80::1"));

	free(out);
	free(types);
	sb_free(&text);
	cr_assert_eq(nmsg, 13);
}
