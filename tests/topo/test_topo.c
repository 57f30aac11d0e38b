/*
 * Topology loader, valid files: Lab A (topologies/anycast-lab.json) loads
 * into the model with every address, AS number and record of shared/LAB.md;
 * good/features.json exercises every optional key; every shipped topology
 * validates.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>
#include <sys/socket.h>

#include "topo.h"
#include "topo/helper_topo.h"

static struct topology *
load_ok(const char *rel)
{
	char path[512], buf[1024];
	struct cfg_errors e;
	struct topology *t = NULL;

	topo_test_path(path, sizeof(path), rel);
	if (topo_load(path, &t, &e) < 0) {
		for (int i = 0; i < e.count && i < CFG_MAX_ERRORS; i++)
			cr_log_error("%s", cfg_error_text(&e, i, buf, sizeof(buf)));
		cr_assert_fail("%s did not load (%d errors)", rel, e.count);
	}
	cr_assert_eq(e.count, 0);
	cr_assert_not_null(t);
	return t;
}

static void
assert_prefix(const struct prefix *p, const char *want)
{
	char buf[PREFIX_STRLEN];

	cr_assert_str_eq(prefix_ntop(p, buf, sizeof(buf)), want);
}

static void
assert_addr(const struct ipaddr *a, const char *want)
{
	char buf[IPADDR_STRLEN];

	cr_assert_str_eq(ipaddr_ntop(a, buf, sizeof(buf)), want);
}

static const char *
jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	cr_assert(cJSON_IsString(v), "%s is not a string", key);
	return v->valuestring;
}

static double
jnum(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

static void
assert_client(const struct topology *t, const char *name, const char *addr)
{
	struct topo_node *n = topo_node_find(t, name);

	cr_assert_not_null(n, "no node %s", name);
	cr_assert_eq(n->nifaces, 1);
	cr_assert_str_eq(n->ifaces[0].name, "eth0");
	cr_assert_eq(n->ifaces[0].node, n);
	cr_assert_eq(n->ifaces[0].naddrs, 1);
	assert_prefix(&n->ifaces[0].addrs[0], addr);
	cr_assert_eq(n->ifaces[0].mtu, 0);
	cr_assert(!n->ifaces[0].has_mac);
	cr_assert_eq(n->nroutes, 1);
	assert_prefix(&n->routes[0].dst, "0.0.0.0/0");
	assert_addr(&n->routes[0].via, "131.253.1.254");
	cr_assert_str_eq(n->routes[0].dev, "");
	cr_assert_eq(n->routes[0].metric, 0);
	cr_assert_eq(n->nresolvers, 1);
	assert_addr(&n->resolvers[0], "51.51.51.51");
	cr_assert_eq(n->nloopback, 0);
	cr_assert(!n->forwarding);
	cr_assert_eq(n->hash_policy, -1);
	cr_assert(!n->has_hash_seed);
	cr_assert_null(n->bgp);
	cr_assert_null(n->dns);
	cr_assert_str_eq(n->ifaces[0].link->name, "internet");
}

static void
assert_dc(const struct topology *t, const char *name, const char *addr, const char *id,
    const char *ident)
{
	struct topo_node *n = topo_node_find(t, name);
	const cJSON *peers, *peer, *zones, *rec;
	char with_len[32];

	cr_assert_not_null(n, "no node %s", name);
	snprintf(with_len, sizeof(with_len), "%s/24", addr);
	cr_assert_eq(n->nifaces, 1);
	assert_prefix(&n->ifaces[0].addrs[0], with_len);
	cr_assert_str_eq(n->ifaces[0].link->name, "intranet");
	cr_assert_eq(n->nloopback, 1);
	assert_prefix(&n->loopback[0], "51.51.51.51/32");
	cr_assert_eq(n->nroutes, 1);
	assert_prefix(&n->routes[0].dst, "0.0.0.0/0");
	assert_addr(&n->routes[0].via, "10.10.10.254");
	cr_assert_eq(n->nresolvers, 1);
	assert_addr(&n->resolvers[0], addr);
	cr_assert(!n->forwarding);

	cr_assert_not_null(n->bgp);
	cr_assert_eq(jnum(n->bgp, "asn"), 65511);
	cr_assert_str_eq(jstr(n->bgp, "router_id"), id);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(n->bgp, "originate"), 0)
			     ->valuestring,
	    "51.51.51.0/24");
	peers = cJSON_GetObjectItemCaseSensitive(n->bgp, "peers");
	cr_assert_eq(cJSON_GetArraySize(peers), 1);
	peer = cJSON_GetArrayItem(peers, 0);
	cr_assert_str_eq(jstr(peer, "address"), "10.10.10.254");
	cr_assert_eq(jnum(peer, "asn"), 8075);

	cr_assert_not_null(n->dns);
	cr_assert_str_eq(jstr(n->dns, "identity"), ident);
	zones = cJSON_GetObjectItemCaseSensitive(n->dns, "zones");
	cr_assert_eq(cJSON_GetArraySize(zones), 1);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(zones, 0), "origin"), "zone.tst");
	rec = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(zones, 0), "records"), 0);
	cr_assert_str_eq(jstr(rec, "name"), "server");
	cr_assert_str_eq(jstr(rec, "type"), "TXT");
	cr_assert_str_eq(jstr(rec, "data"), ident);
}

Test(topo_good, lab_a_nodes_and_clients)
{
	struct topology *t = load_ok("topologies/anycast-lab.json");
	static const char *const order[] = { "client1", "client2", "gateway", "dc001", "dc002" };

	cr_assert_str_eq(t->name, "anycast");
	cr_assert(strstr(t->file, "topologies/anycast-lab.json") != NULL);
	cr_assert_eq(t->nnodes, 5);
	for (size_t i = 0; i < 5; i++)
		cr_assert_str_eq(t->nodes[i].name, order[i], "node %zu", i);
	assert_client(t, "client1", "131.253.1.1/24");
	assert_client(t, "client2", "131.253.1.2/24");
	cr_assert_null(topo_node_find(t, "DC001"));
	topo_free(t);
}

Test(topo_good, lab_a_gateway)
{
	struct topology *t = load_ok("topologies/anycast-lab.json");
	struct topo_node *g = topo_node_find(t, "gateway");
	const cJSON *peers;

	cr_assert_not_null(g);
	cr_assert_eq(g->nifaces, 2);
	assert_prefix(&topo_iface_find(g, "eth0")->addrs[0], "131.253.1.254/24");
	assert_prefix(&topo_iface_find(g, "eth1")->addrs[0], "10.10.10.254/24");
	cr_assert_str_eq(topo_iface_find(g, "eth0")->link->name, "internet");
	cr_assert_str_eq(topo_iface_find(g, "eth1")->link->name, "intranet");
	cr_assert(g->forwarding);
	cr_assert_eq(g->hash_policy, 0);
	cr_assert(g->has_hash_seed);
	cr_assert_eq(g->hash_seed, 5);
	cr_assert_eq(g->nroutes, 0, "the document's 131.253.1.100 default route is absent");
	cr_assert_eq(g->nresolvers, 1);
	assert_addr(&g->resolvers[0], "51.51.51.51");
	cr_assert_null(g->dns);
	cr_assert_not_null(g->bgp);
	cr_assert_eq(jnum(g->bgp, "asn"), 8075);
	cr_assert_str_eq(jstr(g->bgp, "router_id"), "10.10.10.254");
	cr_assert_eq(jnum(cJSON_GetObjectItem(g->bgp, "multipath"), "max_paths"), 2);
	peers = cJSON_GetObjectItemCaseSensitive(g->bgp, "peers");
	cr_assert_eq(cJSON_GetArraySize(peers), 2);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(peers, 0), "address"), "10.10.10.1");
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(peers, 1), "address"), "10.10.10.2");
	cr_assert_eq(jnum(cJSON_GetArrayItem(peers, 0), "asn"), 65511);
	cr_assert_eq(jnum(cJSON_GetArrayItem(peers, 1), "asn"), 65511);
	topo_free(t);
}

Test(topo_good, lab_a_domain_controllers)
{
	struct topology *t = load_ok("topologies/anycast-lab.json");

	assert_dc(t, "dc001", "10.10.10.1", "10.10.10.1", "DC001");
	assert_dc(t, "dc002", "10.10.10.2", "10.10.10.2", "DC002");
	topo_free(t);
}

Test(topo_good, lab_a_links_are_two_lans)
{
	struct topology *t = load_ok("topologies/anycast-lab.json");
	struct topo_link *inet = topo_link_find(t, "internet");
	struct topo_link *intra = topo_link_find(t, "intranet");
	struct topo_endpoint ep;

	cr_assert_eq(t->nlinks, 2);
	cr_assert_not_null(inet);
	cr_assert_not_null(intra);
	cr_assert(inet->lan);
	cr_assert(intra->lan);
	cr_assert_eq(inet->nends, 3);
	cr_assert_eq(intra->nends, 3);
	cr_assert_str_eq(inet->ends[0].node->name, "client1");
	cr_assert_str_eq(inet->ends[1].node->name, "client2");
	cr_assert_str_eq(inet->ends[2].node->name, "gateway");
	cr_assert_str_eq(inet->ends[2].iface->name, "eth0");
	cr_assert_str_eq(intra->ends[0].iface->name, "eth1");
	cr_assert_str_eq(intra->ends[1].node->name, "dc001");
	cr_assert_str_eq(intra->ends[2].node->name, "dc002");
	for (size_t i = 0; i < intra->nends; i++)
		cr_assert_eq(intra->ends[i].iface->link, intra);
	cr_assert_eq(topo_endpoint_find(t, "dc002:eth0", &ep), 0);
	cr_assert_eq(ep.iface->link, intra);
	cr_assert_eq(topo_endpoint_find(t, "dc002:eth1", &ep), -1);
	cr_assert_eq(topo_endpoint_find(t, "dc003:eth0", &ep), -1);
	cr_assert_eq(topo_endpoint_find(t, "dc002", &ep), -1);
	cr_assert_null(topo_link_find(t, "dmz"));
	topo_free(t);
}

/* A vxlan link with every default: VNI 100 + its index, port 4789, IPv4 underlay, MTU 1450. */
Test(topo_good, tunnel_defaults)
{
	struct topology *t = load_ok("tests/topo/good/tunnel.json");
	struct topo_link *vpn = topo_link_find(t, "vpn");

	cr_assert_not_null(vpn);
	cr_assert_eq(vpn->kind, TOPO_LINK_VXLAN);
	cr_assert(!vpn->lan);
	cr_assert_eq(t->links[0].kind, TOPO_LINK_VETH);
	cr_assert_eq(vpn->nends, 2);
	cr_assert_str_eq(vpn->ends[0].node->name, "a");
	cr_assert_str_eq(vpn->ends[1].iface->name, "tun0");
	cr_assert_eq(vpn->ends[0].iface->link, vpn);
	cr_assert_eq(vpn->tunnel.vni, 102);
	cr_assert(!vpn->tunnel.vni_given);
	cr_assert_eq(vpn->tunnel.port, 4789);
	cr_assert_str_eq(vpn->tunnel.underlay[0].iface->name, "wan0");
	cr_assert_str_eq(vpn->tunnel.underlay[1].node->name, "b");
	/* The underlay interface stays on its own link. */
	cr_assert_eq(vpn->tunnel.underlay[0].iface->link, &t->links[0]);
	assert_addr(&vpn->tunnel.local[0], "10.1.0.2");
	assert_addr(&vpn->tunnel.local[1], "10.2.0.2");
	cr_assert_eq(vpn->ends[0].iface->mtu, 1450);
	cr_assert_eq(vpn->ends[1].iface->mtu, 1450);
	topo_free(t);
}

/* The first address of a family both sides have picks IPv6; VNI and port as given. */
Test(topo_good, tunnel_ipv6_underlay)
{
	struct topology *t = load_ok("tests/topo/good/tunnel_v6.json");
	struct topo_link *vpn = topo_link_find(t, "vpn");

	cr_assert_not_null(vpn);
	cr_assert_eq(vpn->kind, TOPO_LINK_VXLAN);
	cr_assert_eq(vpn->tunnel.vni, 5000);
	cr_assert(vpn->tunnel.vni_given);
	cr_assert_eq(vpn->tunnel.port, 8472);
	assert_addr(&vpn->tunnel.local[0], "2001:db8:1::2");
	assert_addr(&vpn->tunnel.local[1], "2001:db8:2::2");
	cr_assert_eq(vpn->ends[0].iface->mtu, 9000 - 70);
	cr_assert_eq(vpn->ends[1].iface->mtu, 9000 - 70);
	topo_free(t);
}

Test(topo_good, every_optional_key)
{
	struct topology *t = load_ok("tests/topo/good/features.json");
	struct topo_node *r1 = topo_node_find(t, "r1"), *solo = topo_node_find(t, "solo");
	struct topo_iface *eth0;
	struct topo_link *p2p, *sw;
	static const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0, 0, 1 };

	cr_assert_str_eq(t->name, "feat_1");
	cr_assert_not_null(r1);
	eth0 = topo_iface_find(r1, "eth0");
	cr_assert_eq(eth0->naddrs, 3);
	assert_prefix(&eth0->addrs[1], "2001:db8:1::1/64");
	cr_assert_eq(eth0->mtu, 9000);
	cr_assert(eth0->has_mac);
	cr_assert_eq(memcmp(eth0->mac, mac, 6), 0);
	cr_assert_not_null(topo_iface_find(r1, "uplink-1"));
	cr_assert_eq(r1->nloopback, 2);
	assert_prefix(&r1->loopback[1], "2001:db8:ff::7/128");

	cr_assert_eq(r1->nroutes, 5);
	cr_assert_eq(r1->routes[0].metric, 100);
	cr_assert_eq(r1->routes[1].metric, 200);
	assert_prefix(&r1->routes[1].dst, "0.0.0.0/0");
	assert_prefix(&r1->routes[2].dst, "::/0");
	assert_addr(&r1->routes[2].via, "fe80::2");
	cr_assert_str_eq(r1->routes[2].dev, "uplink-1");
	assert_prefix(&r1->routes[3].dst, "2001:db8:2::/48");
	assert_prefix(&r1->routes[4].dst, "10.99.0.0/16");
	cr_assert_eq(r1->routes[4].via.family, 0, "a dev-only route is on-link");
	cr_assert_str_eq(r1->routes[4].dev, "eth1");

	cr_assert(r1->forwarding);
	cr_assert_eq(r1->hash_policy, 3);
	cr_assert(!r1->has_hash_seed);
	cr_assert_eq(r1->nresolvers, 2);
	assert_addr(&r1->resolvers[0], "2001:db8:1::2");
	cr_assert_not_null(cJSON_GetObjectItem(r1->bgp, "anything"));
	cr_assert(cJSON_IsObject(r1->dns));
	cr_assert_not_null(cJSON_GetObjectItem(t->scenarios, "anything"));

	cr_assert_not_null(solo);
	cr_assert_eq(solo->nifaces, 0);
	cr_assert_eq(solo->nloopback, 1);
	cr_assert_eq(topo_iface_find(topo_node_find(t, "h2"), "eth0")->naddrs, 0);

	cr_assert_eq(t->nlinks, 3);
	p2p = &t->links[0];
	cr_assert_str_eq(p2p->name, "r1:eth0--r2:eth0", "an unnamed link is named by its ends");
	cr_assert(!p2p->lan);
	sw = topo_link_find(t, "sw");
	cr_assert_not_null(sw);
	cr_assert(sw->lan, "\"switch\": true makes two endpoints a LAN");
	cr_assert_eq(sw->nends, 2);
	cr_assert(topo_link_find(t, "lan_1")->lan);
	topo_free(t);
}

Test(topo_good, from_string)
{
	struct topology *t;
	struct cfg_errors e;

	cr_assert_eq(topo_load_string("{\"name\": \"s\", \"nodes\": {\"n\": {}}}", "mem.json", &t,
			 &e),
	    0);
	cr_assert_str_eq(t->name, "s");
	cr_assert_str_eq(t->file, "mem.json");
	cr_assert_eq(t->nnodes, 1);
	cr_assert_eq(t->nlinks, 0);
	cr_assert_null(t->scenarios);
	topo_free(t);
	topo_free(NULL);
}

Test(topo_good, missing_file_is_an_error)
{
	struct topology *t = (struct topology *)&t;
	struct cfg_errors e;
	char buf[512];

	cr_assert_eq(topo_load("/nonexistent/anylab/lab.json", &t, &e), -1);
	cr_assert_null(t);
	cr_assert_eq(e.count, 1);
	cr_assert_str_eq(cfg_error_text(&e, 0, buf, sizeof(buf)),
	    "/nonexistent/anylab/lab.json: cannot open: No such file or directory");
}

/* A file under topologies/ with a top-level "nodes" (scenario files may sit beside). */
static bool
is_topology(const char *file)
{
	struct cfg_errors e;
	cJSON *j;
	bool yes;

	cfg_errors_init(&e, file);
	j = jc_parse_file(file, &e);
	yes = j == NULL || cJSON_GetObjectItemCaseSensitive(j, "nodes") != NULL;
	cJSON_Delete(j);
	return yes;
}

/* Every topology the project ships validates. */
Test(topo_good, shipped_topologies_validate)
{
	char dir[512], rel[768], buf[1024];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	dp = opendir(topo_test_path(dir, sizeof(dir), "topologies"));
	cr_assert_not_null(dp, "cannot open %s", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);
		struct topology *t;
		struct cfg_errors e;

		if (len < 6 || strcmp(d->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", dir, d->d_name);
		if (!is_topology(rel)) {
			cr_log_info("%s: no \"nodes\", not a topology; skipped", d->d_name);
			continue;
		}
		if (topo_load(rel, &t, &e) < 0) {
			for (int i = 0; i < e.count && i < CFG_MAX_ERRORS; i++)
				cr_log_error("%s", cfg_error_text(&e, i, buf, sizeof(buf)));
			cr_expect(false, "%s does not validate", d->d_name);
			continue;
		}
		topo_free(t);
		n++;
	}
	closedir(dp);
	cr_assert_geq(n, 1);
}

Test(topo_good, lab_name_rule)
{
	cr_assert(topo_lab_name_valid("anycast"));
	cr_assert(topo_lab_name_valid("lab_b2"));
	cr_assert(topo_lab_name_valid("0"));
	cr_assert(topo_lab_name_valid("abcdefghijk"));
	cr_assert(!topo_lab_name_valid("abcdefghijkl"), "12 characters");
	cr_assert(!topo_lab_name_valid("any-cast"), "'-' separates lab and node");
	cr_assert(!topo_lab_name_valid(""));
	cr_assert(!topo_lab_name_valid("_lab"));
	cr_assert(!topo_lab_name_valid("Lab"));
	cr_assert(!topo_lab_name_valid("a.b"));
}
