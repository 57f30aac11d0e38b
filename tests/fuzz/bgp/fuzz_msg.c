/*
 * libFuzzer target for the BGP message codec: framing, OPEN, UPDATE (with
 * every path attribute), NOTIFICATION and ROUTE-REFRESH decoding. The first
 * input octet picks the session parameters (4-octet AS or not, internal or
 * external, families, first-AS check); the rest is one message.
 *
 * Beyond "no crash, no sanitizer report" it checks invariants, aborting when
 * one breaks:
 *   - a decoded OPEN encodes again and decodes to the same fields;
 *   - a decoded UPDATE's attributes, encoded for the same session and decoded
 *     again, give the same ORIGIN, AS path and communities;
 *   - the announced prefixes, packed by the UPDATE builder, decode to as many
 *     prefixes as the builder said it took, within 4096 octets;
 *   - the iterators yield exactly the counts the decoder reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_msg.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "fuzz_msg.c:%d: invariant broken: %s\n", __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static void
ctx_from(uint8_t sel, struct bgp_peer_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->as4 = sel & 1;
	ctx->ebgp = sel & 2;
	ctx->local_as = 8075;
	ctx->peer_as = ctx->ebgp ? 65511 : 8075;
	ctx->af[BGP_AF_IPV4_UNICAST] = !(sel & 4);
	ctx->af[BGP_AF_IPV6_UNICAST] = !(sel & 8);
	ctx->check_first_as = sel & 16;
}

static void
fuzz_open(const uint8_t *msg, size_t len)
{
	static uint8_t buf[BGP_MAX_MSG];
	struct bgp_open o, back;
	struct bgp_err err;
	struct strbuf sb = STRBUF_INIT;
	struct wire_wr w;
	struct bgp_peer_ctx ctx;
	unsigned i;

	if (bgp_open_decode(msg, len, &o, &err) < 0) {
		CHECK(err.action == BGP_ACT_SESSION_RESET);
		bgp_err_describe(&sb, &err);
		sb_free(&sb);
		return;
	}
	bgp_caps_print(&sb, &o.caps);
	sb_free(&sb);
	(void)bgp_open_check_peer(&o, 65511, 8075, 1, &err);
	memset(&ctx, 0, sizeof(ctx));
	bgp_caps_negotiate(&o.caps, &o.caps, &ctx);
	wire_wr_init(&w, buf, sizeof(buf));
	if (bgp_open_write(&w, &o) < 0)
		return; /* more unknown capabilities than one parameter holds */
	CHECK(bgp_open_decode(buf, w.len, &back, &err) == 0);
	CHECK(back.version == o.version && back.my_as == o.my_as && back.hold_time == o.hold_time &&
	    back.bgp_id == o.bgp_id);
	CHECK(back.caps.as4 == o.caps.as4 && back.caps.as4_asn == o.caps.as4_asn);
	CHECK(back.caps.route_refresh == o.caps.route_refresh);
	for (i = 0; i < BGP_AF_COUNT; i++)
		CHECK(back.caps.mp[i] == o.caps.mp[i]);
	CHECK(back.caps.nunknown == o.caps.nunknown);
}

static void
attrs_round_trip(const struct bgp_peer_ctx *ctx, const struct bgp_attrs *a)
{
	static uint8_t buf[70000];
	struct wire_wr w;
	struct wire_rd rd;
	struct bgp_attrs b;
	struct bgp_mp mp;
	struct bgp_err err;
	struct bgp_peer_ctx c = *ctx;

	c.check_first_as = false;
	wire_wr_init(&w, buf, sizeof(buf));
	if (bgp_attrs_encode(&w, &c, a, false) < 0)
		return;
	wire_rd_init(&rd, buf, w.len);
	bgp_attrs_init(&b);
	bgp_err_clear(&err);
	CHECK(bgp_attrs_decode(&rd, &c, &b, &mp, &err, NULL) == 0);
	CHECK(err.action == BGP_ACT_NONE);
	CHECK(b.origin == a->origin);
	CHECK(bgp_aspath_equal(a->aspath, b.aspath));
	CHECK((a->comms ? a->comms->n : 0) == (b.comms ? b.comms->n : 0));
	CHECK((a->present & BGP_ATTRS_AGGREGATOR) == (b.present & BGP_ATTRS_AGGREGATOR));
	if (a->present & BGP_ATTRS_AGGREGATOR)
		CHECK(a->aggregator_as == b.aggregator_as);
	bgp_attrs_clear(&b);
}

static void
fuzz_update(const struct bgp_peer_ctx *ctx, const uint8_t *msg, size_t len)
{
	static uint8_t buf[BGP_MAX_MSG];
	static struct prefix pfx[BGP_AF_COUNT][BGP_MAX_MSG];
	size_t npfx[BGP_AF_COUNT] = { 0, 0 };
	struct bgp_update u, back;
	struct bgp_err err;
	struct bgp_nlri_iter it;
	struct prefix p;
	enum bgp_af af;
	unsigned n;
	struct strbuf sb = STRBUF_INIT;
	struct bgp_attr_table *t;
	int i;

	if (bgp_update_decode(msg, len, ctx, &u, &err) < 0) {
		CHECK(err.action == BGP_ACT_SESSION_RESET);
		bgp_update_clear(&u);
		return;
	}
	CHECK(u.action == err.action && u.action < BGP_ACT_SESSION_RESET);
	n = 0;
	bgp_update_withdrawn(&u, &it);
	while (bgp_nlri_iter_next(&it, &p, &af))
		n++;
	CHECK(n == u.nwithdrawn);
	n = 0;
	bgp_update_announced(&u, &it);
	while (bgp_nlri_iter_next(&it, &p, &af)) {
		CHECK(p.len <= ipaddr_bits(p.addr.family));
		CHECK(bgp_af_family(af) == p.addr.family);
		if (npfx[af] < BGP_MAX_MSG)
			pfx[af][npfx[af]++] = p;
		n++;
	}
	CHECK(n == u.nannounced);
	bgp_attrs_print(&sb, &u.attrs);
	sb_free(&sb);
	if (u.action != BGP_ACT_NONE || u.nannounced == 0) {
		bgp_update_clear(&u);
		return;
	}
	attrs_round_trip(ctx, &u.attrs);

	t = bgp_attr_table_new();
	CHECK(t != NULL);
	for (i = 0; i < BGP_AF_COUNT; i++) {
		const struct bgp_attrs *shared;
		struct wire_wr w;
		long k;

		if (npfx[i] == 0)
			continue;
		bgp_update_attrs_for(&u, (enum bgp_af)i);
		shared = bgp_attr_intern(t, &u.attrs);
		CHECK(shared && bgp_attrs_equal(shared, &u.attrs));
		CHECK(bgp_attr_intern(t, &u.attrs) == shared);
		bgp_attr_unref(t, shared);
		if (!(u.attrs.present & BGP_ATTRS_NEXT_HOP))
			continue;
		wire_wr_init(&w, buf, sizeof(buf));
		k = bgp_update_write_announce(&w, ctx, &u.attrs, (enum bgp_af)i, pfx[i], npfx[i]);
		if (k < 0)
			continue; /* attributes too large to go with even one prefix */
		CHECK(w.len <= BGP_MAX_MSG && k >= 1 && (size_t)k <= npfx[i]);
		CHECK(bgp_update_decode(buf, w.len, ctx, &back, &err) == 0);
		if (back.action == BGP_ACT_NONE)
			CHECK(back.nannounced == (unsigned)k);
		bgp_update_clear(&back);
		wire_wr_init(&w, buf, sizeof(buf));
		k = bgp_update_write_withdraw(&w, ctx, (enum bgp_af)i, pfx[i], npfx[i]);
		CHECK(k >= 1);
		CHECK(bgp_update_decode(buf, w.len, ctx, &back, &err) == 0);
		CHECK(back.nwithdrawn == (unsigned)k);
		bgp_update_clear(&back);
	}
	bgp_attr_unref(t, NULL);
	bgp_attr_table_free(t);
	bgp_update_clear(&u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_peer_ctx ctx;
	struct bgp_err err;
	struct bgp_notification nt;
	struct bgp_route_refresh rr;
	struct strbuf sb = STRBUF_INIT;
	uint8_t type = 0;
	int n;

	if (size < 1)
		return 0;
	ctx_from(data[0], &ctx);
	data++;
	size--;

	n = bgp_msg_frame(data, size, &type, &err);
	if (n < 0) {
		CHECK(err.action == BGP_ACT_SESSION_RESET && err.code == BGP_ERR_HEADER);
		bgp_err_describe(&sb, &err);
		sb_free(&sb);
	}
	if (n > 0)
		size = (size_t)n;
	else if (size >= BGP_HDR_LEN)
		type = data[18]; /* the decoders must also refuse what framing refused */

	switch (type) {
	case BGP_MSG_OPEN:
		fuzz_open(data, size);
		break;
	case BGP_MSG_UPDATE:
		fuzz_update(&ctx, data, size);
		break;
	case BGP_MSG_NOTIFICATION:
		if (bgp_notification_decode(data, size, &nt, &err) == 0) {
			bgp_notification_describe(&sb, nt.code, nt.subcode, nt.data, nt.datalen);
			sb_free(&sb);
		}
		break;
	case BGP_MSG_ROUTE_REFRESH:
		(void)bgp_route_refresh_decode(data, size, &rr, &err);
		break;
	default:
		break;
	}
	return 0;
}
