/*
 * Unit tests of the export side (nodes/bgp/adv.c, adv_export) with a route
 * server's peers: to a route-server client (RFC 7947 2.2, 2.3) no own AS is
 * prepended and NEXT_HOP, MED and communities go on as received, and routes
 * learned from an internal peer go to internal clients; to a peer that is not
 * a client the RFC 4271 rules still hold (prepend, next hop self, MED not
 * passed on, no internal-to-internal), and the route server's own routes
 * carry its AS and next hop to clients too. The speaker is built by hand: a
 * RIB whose next hops all resolve, peers with a connection's local address,
 * no sockets.
 */
#include <string.h>
#include <criterion/criterion.h>

#include "adv.h"
#include "bgpd.h"

#define RS_AS 65515

static const char conf[] =
    "{ \"asn\": 65515, \"router_id\": \"10.0.0.254\", \"kernel\": { \"install\": false },\n"
    "  \"peers\": [\n"
    "    { \"address\": \"10.0.0.1\", \"asn\": 65001, \"route_server_client\": true,\n"
    "      \"import\": \"all\", \"export\": \"all\" },\n"
    "    { \"address\": \"10.0.0.2\", \"asn\": 65002, \"route_server_client\": true,\n"
    "      \"import\": \"all\", \"export\": \"all\" },\n"
    "    { \"address\": \"10.0.0.3\", \"asn\": 65003, \"import\": \"all\", \"export\": \"all\" },\n"
    "    { \"address\": \"10.0.0.4\", \"asn\": 65515, \"route_server_client\": true },\n"
    "    { \"address\": \"10.0.0.5\", \"asn\": 65515, \"route_server_client\": true },\n"
    "    { \"address\": \"10.0.0.6\", \"asn\": 65515 } ] }\n";

enum {
	A,
	C,
	PLAIN,
	IB1,
	IB2,
	IB_PLAIN,
	NPEERS
};

static struct bgpd D;
static struct bgp_peer P[NPEERS];
static struct bgp_peer *PP[NPEERS];
static struct bgp_conn CONN[NPEERS];

static bool
nh_ok(void *arg, const struct ipaddr *nh, uint32_t *cost)
{
	(void)arg;
	(void)nh;
	*cost = 0;
	return true;
}

static void
setup(void)
{
	struct cfg_errors e;
	struct rib_params rp = { .local_as = RS_AS, .max_paths = 1, .nexthop_ok = nh_ok };
	cJSON *j;

	memset(&D, 0, sizeof(D));
	memset(P, 0, sizeof(P));
	memset(CONN, 0, sizeof(CONN));
	cfg_errors_init(&e, "test");
	j = jc_parse_string(conf, &e);
	cr_assert_not_null(j);
	cr_assert_eq(bgp_config_parse(j, "bgp", &D.cfg, &e), 0, "config rejected");
	cJSON_Delete(j);
	cr_assert_eq(D.cfg.npeers, NPEERS);
	D.rib = rib_new(&rp);
	cr_assert_not_null(D.rib);
	D.local.local = true;
	D.local.asn = RS_AS;
	for (int i = 0; i < NPEERS; i++) {
		struct bgp_peer *p = &P[i];

		p->d = &D;
		p->conf = &D.cfg.peers[i];
		p->ebgp = p->conf->asn != RS_AS;
		p->src.addr = p->conf->addr;
		p->src.asn = p->conf->asn;
		p->src.ebgp = p->ebgp;
		p->src.owner = p;
		p->ctx.af[BGP_AF_IPV4_UNICAST] = true;
		p->ctx.ebgp = p->ebgp;
		p->ctx.local_as = RS_AS;
		p->ctx.peer_as = p->conf->asn;
		p->fsm.state = BGP_ESTABLISHED;
		CONN[i].fd = -1;
		ipaddr_parse("10.0.0.254", &CONN[i].local);
		p->conn = &CONN[i];
		PP[i] = p;
	}
	D.peers = PP;
	D.npeers = NPEERS;
}

static void
teardown(void)
{
	rib_free(D.rib);
	bgp_config_free(&D.cfg);
}

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0);
	return p;
}

/* A route for prefix from src: AS path asns, the next hop, MED, LOCAL_PREF (0: none), 65001:7. */
static void
learn(struct rib_source *src, const char *prefix, const uint32_t *asns, size_t n, const char *nh,
    uint32_t med, uint32_t lp)
{
	struct prefix p = pfx(prefix);
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP | BGP_ATTRS_MED;
	a.origin = BGP_ORIGIN_IGP;
	if (n)
		bgp_attrs_set_aspath(&a, bgp_aspath_from_seq(asns, n));
	if (nh)
		ipaddr_parse(nh, &a.nexthop);
	else
		a.present &= ~BGP_ATTRS_NEXT_HOP;
	a.med = med;
	if (lp) {
		a.present |= BGP_ATTRS_LOCAL_PREF;
		a.local_pref = lp;
	}
	bgp_attrs_community_add(&a, (65001u << 16) | 7);
	cr_assert_eq(rib_update(D.rib, &p, src, &a), 0);
	bgp_attrs_clear(&a);
	rib_process(D.rib);
}

/* What peer i is sent for prefix (a reference dropped by done()), NULL: nothing. */
static const struct bgp_attrs *
sent(int i, const char *prefix)
{
	struct prefix p = pfx(prefix);
	struct rib_entry *e = rib_lookup(D.rib, &p);

	cr_assert_not_null(e, "%s not in the RIB", prefix);
	return adv_export(&P[i], e);
}

static void
done(const struct bgp_attrs *a)
{
	bgp_attr_unref(rib_attr_table(D.rib), a);
}

static bool
nexthop_is(const struct bgp_attrs *a, const char *s)
{
	struct ipaddr want;

	ipaddr_parse(s, &want);
	return (a->present & BGP_ATTRS_NEXT_HOP) && ipaddr_eq(&a->nexthop, &want);
}

TestSuite(rs_export, .init = setup, .fini = teardown);

static const uint32_t AS_A[] = { 65001 };

Test(rs_export, client_gets_path_next_hop_med_as_received)
{
	const struct bgp_attrs *a;

	learn(&P[A].src, "51.51.51.0/24", AS_A, 1, "10.0.0.1", 50, 0);
	a = sent(C, "51.51.51.0/24");
	cr_assert_not_null(a, "route server client C is not sent A's route");
	cr_assert_eq(bgp_aspath_length(a->aspath), 1, "the route server's AS was prepended");
	cr_assert_eq(bgp_aspath_first_as(a->aspath), 65001);
	cr_assert_not(bgp_aspath_contains(a->aspath, RS_AS));
	cr_assert(nexthop_is(a, "10.0.0.1"), "NEXT_HOP changed");
	cr_assert(a->present & BGP_ATTRS_MED, "MED dropped");
	cr_assert_eq(a->med, 50);
	cr_assert(bgp_attrs_community_has(a, (65001u << 16) | 7), "community dropped");
	cr_assert_not(a->present & BGP_ATTRS_LOCAL_PREF, "LOCAL_PREF to an external peer");
	done(a);
	/* Never back to where it came from, client or not. */
	cr_assert_null(sent(A, "51.51.51.0/24"));
}

Test(rs_export, non_client_gets_rfc4271_rewrites)
{
	const struct bgp_attrs *a;

	learn(&P[A].src, "51.51.51.0/24", AS_A, 1, "10.0.0.1", 50, 0);
	a = sent(PLAIN, "51.51.51.0/24");
	cr_assert_not_null(a);
	cr_assert_eq(bgp_aspath_length(a->aspath), 2);
	cr_assert_eq(bgp_aspath_first_as(a->aspath), RS_AS);
	cr_assert(nexthop_is(a, "10.0.0.254"), "no next hop self to a non-client");
	cr_assert_not(a->present & BGP_ATTRS_MED, "a received MED passed to a non-client");
	done(a);
}

Test(rs_export, internal_to_internal_between_clients)
{
	const struct bgp_attrs *a;

	learn(&P[IB1].src, "52.52.52.0/24", NULL, 0, "10.0.0.4", 5, 150);
	a = sent(IB2, "52.52.52.0/24");
	cr_assert_not_null(a, "an internal client is not sent another internal peer's route");
	cr_assert(nexthop_is(a, "10.0.0.4"));
	cr_assert_eq(bgp_aspath_length(a->aspath), 0);
	cr_assert(a->present & BGP_ATTRS_LOCAL_PREF);
	cr_assert_eq(a->local_pref, 150);
	cr_assert_eq(a->med, 5);
	done(a);
	/* RFC 4271 9.2 still holds for an internal peer that is not a client. */
	cr_assert_null(sent(IB_PLAIN, "52.52.52.0/24"),
	    "internal route reflected to a non-client internal peer");
	/* An external client gets it with an empty path: no AS of ours in it. */
	a = sent(C, "52.52.52.0/24");
	cr_assert_not_null(a);
	cr_assert_eq(bgp_aspath_length(a->aspath), 0);
	cr_assert(nexthop_is(a, "10.0.0.4"));
	cr_assert_not(a->present & BGP_ATTRS_LOCAL_PREF);
	done(a);
}

Test(rs_export, own_routes_carry_the_servers_as_and_next_hop)
{
	const struct bgp_attrs *a;

	learn(&D.local, "53.53.53.0/24", NULL, 0, NULL, 0, 0);
	a = sent(C, "53.53.53.0/24");
	cr_assert_not_null(a);
	cr_assert_eq(bgp_aspath_first_as(a->aspath), RS_AS);
	cr_assert(nexthop_is(a, "10.0.0.254"));
	done(a);
}

/* next_hop_self: an internal peer gets our address as NEXT_HOP for an external route. */
Test(rs_export, next_hop_self_to_an_internal_peer)
{
	const struct bgp_attrs *a;

	learn(&P[A].src, "51.51.51.0/24", AS_A, 1, "10.0.0.1", 50, 0);
	a = sent(IB_PLAIN, "51.51.51.0/24");
	cr_assert_not_null(a);
	cr_assert(nexthop_is(a, "10.0.0.1"), "internal peer: the external next hop, unchanged");
	done(a);
	D.cfg.peers[IB_PLAIN].next_hop_self = true;
	a = sent(IB_PLAIN, "51.51.51.0/24");
	cr_assert_not_null(a);
	cr_assert(nexthop_is(a, "10.0.0.254"), "next_hop_self: our address");
	cr_assert_eq(bgp_aspath_length(a->aspath), 1, "internal: no prepend");
	done(a);
}
