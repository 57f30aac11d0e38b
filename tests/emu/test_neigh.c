/*
 * Unit tests of static neighbours, no root (links/link_neigh.c): which
 * members of a link are gateway-like, which permanent entries each member
 * holds, the link addresses they name (link.c, link_iface_mac), and the
 * lab's "neighbours" key (core/topo.c).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "anylab.h"
#include "link.h"
#include "topo.h"

/*
 * A LAN of a router r (forwarding), a server s that client c1 names as its
 * resolver, two clients, a host h that nobody uses; and a veth pair
 * between two hosts p and q. Dual-stack on the LAN except for c2 (IPv4
 * only); s also has a link-local IPv6 address.
 */
static const char lan_lab[] =
    "{\"name\": \"nb\", %s \"nodes\": {"
    " \"r\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\", \"fd00::1/64\"]}},"
    "        \"forwarding\": true},"
    " \"s\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.2/24\", \"fd00::2/64\","
    "        \"fe80::2/64\"]}}},"
    " \"c1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.11/24\", \"fd00::11/64\"]}},"
    "        \"routes\": [{\"to\": \"default\", \"via\": \"10.0.0.1\"}],"
    "        \"resolver\": [\"10.0.0.2\"]},"
    " \"c2\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.12/24\"],"
    "        \"mac\": \"02:aa:00:00:00:12\"}}},"
    " \"h\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.13/24\"]}}},"
    " \"p\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.1/30\"]}}},"
    " \"q\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.2/30\"]}}}},"
    " \"links\": [{\"name\": \"lan\", \"endpoints\": [\"r:eth0\", \"s:eth0\", \"c1:eth0\","
    "   \"c2:eth0\", \"h:eth0\"]},"
    "  {\"endpoints\": [\"p:eth0\", \"q:eth0\"]}]}";

static struct topology *
load(const char *neighbours)
{
	char text[4096], key[64] = "";
	struct topology *t;
	struct cfg_errors e;

	if (neighbours != NULL)
		snprintf(key, sizeof(key), "\"neighbours\": \"%s\",", neighbours);
	snprintf(text, sizeof(text), lan_lab, key);
	cfg_errors_init(&e, "nb.json");
	if (topo_load_string(text, "nb.json", &t, &e) < 0) {
		cfg_errors_print(&e, stderr);
		return NULL;
	}
	return t;
}

/* The entries of one holder, as "node=addr/mac" lines. */
struct listing {
	char text[2048];
	size_t n;
};

static int
list_one(void *arg, const struct topo_endpoint *other, const struct ipaddr *addr,
    const uint8_t mac[6])
{
	struct listing *l = arg;
	char a[IPADDR_STRLEN];
	size_t len = strlen(l->text);

	snprintf(l->text + len, sizeof(l->text) - len, "%s=%s/%02x:%02x:%02x:%02x:%02x:%02x\n",
	    other->node->name, ipaddr_ntop(addr, a, sizeof(a)), mac[0], mac[1], mac[2], mac[3],
	    mac[4], mac[5]);
	l->n++;
	return 0;
}

static void
entries(const struct topology *t, const struct topo_link *l, size_t holder, struct listing *out)
{
	bool gw[8];

	memset(out, 0, sizeof(*out));
	link_neigh_gateways(l, gw);
	cr_assert_eq(link_neigh_each(t, l, gw, holder, list_one, out), 0);
}

Test(neigh, key_parsed_default_dynamic)
{
	struct topology *t = load(NULL);

	cr_assert_not_null(t);
	cr_expect_eq(t->neighbours, TOPO_NEIGH_DYNAMIC);
	cr_expect_not(link_neigh_static(t, &t->links[0]), "a dynamic lab makes no entries");
	topo_free(t);
	t = load("static");
	cr_assert_not_null(t);
	cr_expect_eq(t->neighbours, TOPO_NEIGH_STATIC);
	cr_expect(link_neigh_static(t, &t->links[0]));
	cr_expect(link_neigh_static(t, &t->links[1]));
	topo_free(t);
}

Test(neigh, bad_value_refused)
{
	char text[4096];
	struct topology *t;
	struct cfg_errors e;

	snprintf(text, sizeof(text), lan_lab, "\"neighbours\": \"permanent\",");
	cfg_errors_init(&e, "nb.json");
	cr_assert_lt(topo_load_string(text, "nb.json", &t, &e), 0);
	cr_assert_eq(e.count, 1);
	cr_expect_str_eq(e.err[0].path, "neighbours");
	cr_expect_not_null(strstr(e.err[0].msg, "\"permanent\""), "%s", e.err[0].msg);
}

Test(neigh, gateway_like_members)
{
	struct topology *t = load("static");
	bool gw[5];

	cr_assert_not_null(t);
	link_neigh_gateways(&t->links[0], gw);
	cr_expect(gw[0], "r forwards");
	cr_expect(gw[1], "s is c1's resolver");
	cr_expect_not(gw[2], "c1 is used by nobody");
	cr_expect_not(gw[3]);
	cr_expect_not(gw[4]);
	topo_free(t);
}

/* A client holds the gateways' entries only, in the families it has. */
Test(neigh, client_holds_gateways_only)
{
	struct topology *t = load("static");
	struct listing l;

	cr_assert_not_null(t);
	entries(t, &t->links[0], 2, &l); /* c1 */
	cr_expect_str_eq(l.text,
	    "r=10.0.0.1/02:00:00:00:00:00\n"
	    "r=fd00::1/02:00:00:00:00:00\n"
	    "s=10.0.0.2/02:00:00:01:00:00\n"
	    "s=fd00::2/02:00:00:01:00:00\n");
	entries(t, &t->links[0], 3, &l); /* c2: IPv4 only */
	cr_expect_str_eq(l.text,
	    "r=10.0.0.1/02:00:00:00:00:00\n"
	    "s=10.0.0.2/02:00:00:01:00:00\n");
	topo_free(t);
}

/* A gateway holds every member's entries, with a given "mac" where there is one. */
Test(neigh, gateway_holds_every_member)
{
	struct topology *t = load("static");
	struct listing l;

	cr_assert_not_null(t);
	entries(t, &t->links[0], 0, &l); /* r */
	cr_expect_str_eq(l.text,
	    "s=10.0.0.2/02:00:00:01:00:00\n"
	    "s=fd00::2/02:00:00:01:00:00\n"
	    "c1=10.0.0.11/02:00:00:02:00:00\n"
	    "c1=fd00::11/02:00:00:02:00:00\n"
	    "c2=10.0.0.12/02:aa:00:00:00:12\n"
	    "h=10.0.0.13/02:00:00:04:00:00\n");
	topo_free(t);
}

/* O(members x gateways): 5 members, 2 gateways. */
Test(neigh, count_is_members_times_gateways)
{
	struct topology *t = load("static");
	struct listing l;
	size_t total = 0;

	cr_assert_not_null(t);
	for (size_t m = 0; m < t->links[0].nends; m++) {
		entries(t, &t->links[0], m, &l);
		total += l.n;
	}
	/* r: 6, s: 6 (r's 2, c1's 2, c2, h), c1: 4, c2: 2, h: 2. */
	cr_expect_eq(total, 20);
	topo_free(t);
}

/* A veth pair: each end holds the other's, gateway or not. */
Test(neigh, veth_pair_both_ways)
{
	struct topology *t = load("static");
	struct listing l;

	cr_assert_not_null(t);
	entries(t, &t->links[1], 0, &l);
	cr_expect_str_eq(l.text, "q=10.9.0.2/02:00:00:06:00:00\n");
	entries(t, &t->links[1], 1, &l);
	cr_expect_str_eq(l.text, "p=10.9.0.1/02:00:00:05:00:00\n");
	topo_free(t);
}

Test(neigh, mac_random_in_dynamic_labs)
{
	struct topology *t = load(NULL);
	uint8_t mac[6];

	cr_assert_not_null(t);
	cr_expect_not(link_iface_mac(t, &t->nodes[0], &t->nodes[0].ifaces[0], mac));
	cr_expect(link_iface_mac(t, &t->nodes[3], &t->nodes[3].ifaces[0], mac), "c2 has a mac");
	cr_expect_eq(mac[1], 0xaa);
	topo_free(t);
}

/* up's warning counts the entries a lab would need, dynamic or static alike. */
Test(neigh, count_whatever_the_mode)
{
	struct topology *t = load(NULL);

	cr_assert_not_null(t);
	cr_expect_eq(link_neigh_count(t), 22, "LAN 20, veth pair 2");
	topo_free(t);
	t = load("static");
	cr_assert_not_null(t);
	cr_expect_eq(link_neigh_count(t), 22);
	topo_free(t);
}
