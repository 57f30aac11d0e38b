/*
 * Topology validator, malformed files: each file under tests/topo/bad/ is
 * rejected with exactly the error listed here (JSON path and message), and
 * nothing is returned. many_errors.json checks that errors are collected
 * rather than stopping at the first; every fixture file must have an entry.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>

#include "topo.h"
#include "topo/helper_topo.h"

/* X(file name without .json, JSON path, message): the single error each file yields. */
#define BAD_FILES(X) \
	X(address_clash_segment, "nodes.b.interfaces.eth0.addresses[0]", \
	    "address 10.0.0.1 clashes with a:eth0 on link \"a:eth0--b:eth0\"; " \
	    "expected each address once per segment") \
	X(address_malformed, "nodes.a.interfaces.eth0.addresses[0]", \
	    "expected an address with prefix length (\"10.0.0.1/24\"), found " \
	    "\"10.0.0.300/24\"") \
	X(address_no_length, "nodes.a.interfaces.eth0.addresses[0]", \
	    "expected an address with prefix length (\"10.0.0.1/24\"), found " \
	    "\"10.0.0.1\"") \
	X(address_overlap_node, "nodes.a.interfaces.eth1.addresses[0]", \
	    "10.0.0.5/24 overlaps 10.0.0.1/24 on eth0 of this node; expected each " \
	    "interface on a subnet of its own") \
	X(address_repeated, "nodes.a.interfaces.eth0.addresses[1]", \
	    "address 10.0.0.1 is already addresses[0] of this interface; expected " \
	    "each address once") \
	X(address_twice_on_node, "nodes.a.interfaces.eth1.addresses[0]", \
	    "address 10.0.0.1 is also on eth0 of this node; expected each address " \
	    "once per node") \
	X(address_multicast, "nodes.a.interfaces.eth0.addresses[0]", \
	    "expected a unicast address, found \"224.0.0.5/24\", a multicast address") \
	X(address_broadcast, "nodes.b.interfaces.eth0.addresses[0]", \
	    "expected a unicast address, found \"10.0.0.255/24\", its subnet's broadcast " \
	    "address") \
	X(loopback_link_local, "nodes.a.loopback[0]", \
	    "expected a unicast address that routes, found \"fe80::1/128\", a link-local " \
	    "address (loopback addresses are announced anycast addresses)") \
	X(loopback_neighbour_unicast, "nodes.a.loopback[0]", \
	    "address 10.0.0.2 is also the address of b:eth0 on link \"a:eth0--b:eth0\", " \
	    "where a is too; expected an anycast address that is no neighbour's unicast " \
	    "address") \
	X(addresses_not_array, "nodes.a.interfaces.eth0.addresses", \
	    "expected an array, found a string") \
	X(bgp_not_object, "nodes.a.bgp", "expected an object, found an array") \
	X(service_name_reserved, "nodes.a.services.bgp", \
	    "invalid service name: expected a-z, 0-9, '_' and '-', starting with a letter or " \
	    "digit, at most 31 characters, not bgp or dns") \
	X(service_not_object, "nodes.a.services.web", "expected an object with \"command\"") \
	X(description_not_string, "description", "expected a string, found an array") \
	X(dns_not_object, "nodes.a.dns", "expected an object, found a string") \
	X(endpoint_not_string, "links[0].endpoints[1]", "expected a string, found an object") \
	X(endpoint_repeated, "links[0].endpoints[2]", \
	    "\"a:eth0\" is already an endpoint of this link; expected each interface " \
	    "once") \
	X(endpoint_syntax, "links[0].endpoints[0]", \
	    "expected \"node:interface\", found \"a-eth0\"") \
	X(endpoint_unknown_iface, "links[0].endpoints[0]", \
	    "node \"a\" has no interface \"eth9\"; expected one of: eth0") \
	X(endpoint_unknown_node, "links[0].endpoints[2]", \
	    "node \"c\" is not defined; expected a node under \"nodes\"") \
	X(forwarding_not_bool, "nodes.a.forwarding", "expected true or false, found a string") \
	X(hash_policy_range, "nodes.a.multipath.hash_policy", \
	    "expected an integer from 0 to 3, found 4") \
	X(hash_seed_range, "nodes.a.multipath.hash_seed", \
	    "expected an integer from 0 to 4294967295, found -1") \
	X(iface_duplicate, "nodes.a.interfaces.eth0", \
	    "duplicate interface name \"eth0\"; expected each interface once per node") \
	X(iface_in_two_links, "links[1].endpoints[1]", \
	    "\"a:eth0\" is already an endpoint of links[0]; expected each interface " \
	    "in one link only") \
	X(iface_name_dotdot, "nodes.a.interfaces...", \
	    "expected an interface name other than \".\" and \"..\", found \"..\"") \
	X(iface_name_empty, "nodes.a.interfaces.", \
	    "expected an interface name, found an empty string") \
	X(iface_name_lo, "nodes.a.interfaces.lo", \
	    "expected an interface name other than \"lo\": the node's loopback is " \
	    "configured through \"loopback\"") \
	X(iface_name_slash, "nodes.a.interfaces.eth/1", \
	    "expected an interface name without '/', ':', '%', whitespace or control " \
	    "characters, found \"eth/1\"") \
	X(iface_name_space, "nodes.a.interfaces.eth 1", \
	    "expected an interface name without '/', ':', '%', whitespace or control " \
	    "characters, found \"eth 1\"") \
	X(iface_name_too_long, "nodes.a.interfaces.eth0123456789012", \
	    "expected an interface name of at most 15 characters, found " \
	    "\"eth0123456789012\" (16)") \
	X(iface_not_in_link, "nodes.a.interfaces.eth1", \
	    "not an endpoint of any link; expected each interface in exactly one link " \
	    "under \"links\"") \
	X(iface_unknown_key, "nodes.a.interfaces.eth0.address", \
	    "unknown key \"address\"; expected one of: addresses, mtu, mac") \
	X(lan_without_name, "links[0]", \
	    "expected a \"name\" for a LAN link (3 endpoints): its bridge needs one") \
	X(link_name_duplicate, "links[1].name", \
	    "duplicate link name \"p2p\"; expected each link name once") \
	X(link_name_invalid, "links[0].name", \
	    "expected a link name of 1 to 15 characters from a-z, 0-9, '_' and '-', " \
	    "starting with a letter or digit, found \"a:eth0\"") \
	X(link_name_too_long, "links[0].name", \
	    "expected a link name of 1 to 15 characters from a-z, 0-9, '_' and '-', " \
	    "starting with a letter or digit, found \"internet-segment\"") \
	X(link_one_endpoint, "links[0].endpoints", "expected at least 2 endpoints, found 1") \
	X(link_unknown_key, "links[0].bridge", \
	    "unknown key \"bridge\"; expected one of: name, kind, endpoints, switch, " \
	    "underlay, vni, port") \
	X(link_kind_unknown, "links[2].kind", \
	    "expected \"veth\", \"lan\" or \"vxlan\", found \"gre\"") \
	X(links_not_array, "links", "expected an array, found an object") \
	X(loopback_clash_iface, "nodes.a.interfaces.eth0.addresses[0]", \
	    "address 10.0.0.1 is also loopback[0] of this node; expected each address " \
	    "once per node") \
	X(loopback_not_host, "nodes.a.loopback[0]", \
	    "expected a host address (\"51.51.51.51/32\" or \"2001:db8::1/128\"), " \
	    "found \"51.51.51.0/24\"") \
	X(loopback_v6_not_host, "nodes.a.loopback[0]", \
	    "expected a host address (\"51.51.51.51/32\" or \"2001:db8::1/128\"), " \
	    "found \"2001:db8::1/64\"") \
	X(mac_malformed, "nodes.a.interfaces.eth0.mac", \
	    "expected a MAC address of six hex pairs such as \"02:00:00:00:00:01\", " \
	    "found \"02:00:00:00:00\"") \
	X(mac_multicast, "nodes.a.interfaces.eth0.mac", \
	    "expected a unicast MAC address (first octet even), found " \
	    "\"01:00:5e:00:00:01\"") \
	X(mac_zero, "nodes.a.interfaces.eth0.mac", \
	    "expected a MAC address other than all zeros, found \"00:00:00:00:00:00\"") \
	X(mtu_fraction, "nodes.a.interfaces.eth0.mtu", \
	    "expected an integer from 68 to 65535, found 1500.5") \
	X(mtu_too_large, "nodes.a.interfaces.eth0.mtu", \
	    "expected an integer from 68 to 65535, found 65536") \
	X(mtu_too_small, "nodes.a.interfaces.eth0.mtu", \
	    "expected an integer from 68 to 65535, found 40") \
	X(multipath_unknown_key, "nodes.a.multipath.policy", \
	    "unknown key \"policy\"; expected one of: hash_policy, hash_seed") \
	X(name_dash, "name", \
	    "expected a lab name of 1 to 11 characters from a-z, 0-9 and '_', " \
	    "starting with a letter or digit (no '-': it separates lab and node in " \
	    "LAB-NODE), found \"any-cast\"") \
	X(name_missing, "name", "missing; this key is required") \
	X(name_not_string, "name", "expected a string, found a number") \
	X(name_too_long, "name", \
	    "expected a lab name of 1 to 11 characters from a-z, 0-9 and '_', " \
	    "starting with a letter or digit (no '-': it separates lab and node in " \
	    "LAB-NODE), found \"abcdefghijkl\"") \
	X(name_uppercase, "name", \
	    "expected a lab name of 1 to 11 characters from a-z, 0-9 and '_', " \
	    "starting with a letter or digit (no '-': it separates lab and node in " \
	    "LAB-NODE), found \"Anycast\"") \
	X(node_duplicate, "nodes.a", "duplicate node name \"a\"; expected each node once") \
	X(node_name_invalid, "nodes.Dc_1", \
	    "expected a node name of 1 to 31 characters from a-z, 0-9, '_' and '-', " \
	    "starting with a letter or digit, found \"Dc_1\"") \
	X(node_name_too_long, "nodes.nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", \
	    "expected a node name of 1 to 31 characters from a-z, 0-9, '_' and '-', " \
	    "starting with a letter or digit, found " \
	    "\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"") \
	X(node_not_object, "nodes.c", "expected an object, found an array") \
	X(node_unknown_key, "nodes.a.interface", \
	    "unknown key \"interface\"; expected one of: interfaces, loopback, " \
	    "routes, forwarding, multipath, resolver, bgp, dns, services, site, role") \
	X(nodes_empty, "nodes", "expected at least one node, found none") \
	X(nodes_missing, "nodes", "missing; this key is required") \
	X(resolver_malformed, "nodes.a.resolver[0]", \
	    "expected an IPv4 or IPv6 address, found \"51.51.51\"") \
	X(resolver_too_many, "nodes.a.resolver", \
	    "expected at most 3 resolvers (the C library reads no more), found 4") \
	X(role_unknown, "nodes.a.role", \
	    "expected one of client, router, dns, route-server, internet, host, found " \
	    "\"firewall\"") \
	X(route_dev_unknown, "nodes.a.routes[0].dev", \
	    "expected an interface of node \"a\" (eth0), found \"eth7\"") \
	X(route_duplicate, "nodes.a.routes[1]", \
	    "route to 0.0.0.0/0 with metric 0 is already given; expected each " \
	    "destination once per metric") \
	X(route_family_mismatch, "nodes.a.routes[0].via", \
	    "expected an IPv6 gateway for 2001:db8::/32, found 10.0.0.2") \
	X(route_metric_negative, "nodes.a.routes[0].metric", \
	    "expected an integer from 0 to 4294967295, found -1") \
	X(route_no_via_no_dev, "nodes.a.routes[0]", "expected \"via\", \"dev\" or both") \
	X(route_to_host_bits, "nodes.a.routes[0].to", \
	    "expected \"default\" or a network prefix with no host bits set " \
	    "(\"10.0.0.0/24\"), found \"10.9.0.1/16\"") \
	X(route_to_missing, "nodes.a.routes[0].to", "missing; this key is required") \
	X(route_unknown_key, "nodes.a.routes[0].gw", \
	    "unknown key \"gw\"; expected one of: to, via, dev, metric") \
	X(route_unreachable, "nodes.a.routes[0].via", \
	    "gateway 192.168.1.1 is unreachable: not inside any prefix on this node's " \
	    "interfaces; expected an address on a connected subnet") \
	X(route_unreachable_dev, "nodes.a.routes[0].via", \
	    "gateway 10.0.0.2 is unreachable: not inside any prefix of eth1; expected " \
	    "an address on a subnet of that interface") \
	X(route_via_link_local_no_dev, "nodes.a.routes[0].via", \
	    "gateway fe80::2 is link-local; expected \"dev\" to name the interface it " \
	    "is reached on") \
	X(route_via_own_address, "nodes.a.routes[0].via", \
	    "gateway 10.0.0.1 is this node's own address on eth0; expected a " \
	    "neighbour's address") \
	X(scenarios_not_object, "scenarios", "expected an object, found an array") \
	X(site_invalid, "nodes.a.site", \
	    "expected a site name of 1 to 31 characters from letters, digits, ' ', '_', '.' " \
	    "and '-', starting with a letter or digit, found \"north/east\"") \
	X(switch_false_lan, "links[0].switch", \
	    "expected true or no \"switch\" for a link of 3 endpoints: more than two " \
	    "endpoints always make a LAN") \
	X(switch_not_bool, "links[0].switch", "expected true or false, found a number") \
	X(top_not_object, "", "expected a JSON object at the top of the file") \
	X(tunnel_key_on_veth, "links[0].vni", \
	    "only a \"vxlan\" link has \"vni\"; expected none for a \"veth\" link") \
	X(tunnel_mtu_too_large, "nodes.a.interfaces.tun0.mtu", \
	    "expected at most 1450 for the tunnel of link \"vpn\" (wan0's MTU 1500 less " \
	    "50 bytes of VXLAN over IPv4), found 1500") \
	X(tunnel_no_common_family, "links[2].underlay", \
	    "a:wan0 and b:wan0 have no address family in common; expected an IPv4 or " \
	    "IPv6 address (not link-local) on both for the tunnel's ends") \
	X(tunnel_port_range, "links[2].port", "expected an integer from 1 to 65535, found 0") \
	X(tunnel_switch, "links[2].switch", \
	    "expected false or no \"switch\" for a \"vxlan\" link") \
	X(tunnel_three_endpoints, "links[2].endpoints", \
	    "expected exactly 2 endpoints for a \"vxlan\" link, found 3") \
	X(tunnel_underlay_missing, "links[2].underlay", "missing; this key is required") \
	X(tunnel_underlay_mtu_small, "nodes.b.interfaces.wan0.mtu", \
	    "expected at least 118 for the underlay of link \"vpn\" (68 for the tunnel plus " \
	    "50 bytes of VXLAN over IPv4), found 100") \
	X(tunnel_underlay_one, "links[2].underlay", \
	    "expected 2 underlay interfaces (one per endpoint, in the same order), found 1") \
	X(tunnel_underlay_other_node, "links[2].underlay[1]", \
	    "\"inet:eb\" is not on node \"b\"; expected an interface of the node of " \
	    "endpoints[1]") \
	X(tunnel_underlay_self, "links[2].underlay[0]", \
	    "\"a:tun0\" is the tunnel's own endpoint; expected the interface its packets " \
	    "travel through") \
	X(tunnel_vni_duplicate, "links[3].vni", \
	    "VNI 102 is already links[2]'s; expected each tunnel's VNI once in a lab") \
	X(tunnel_vni_range, "links[2].vni", \
	    "expected an integer from 1 to 16777215, found 16777216") \
	X(top_unknown_key, "nodess", \
	    "unknown key \"nodess\"; expected one of: $schema, name, description, " \
	    "nodes, links, scenarios, neighbours")

/* path: where the file name goes; errs->file points into it, so it must outlive e. */
static void
load_bad(const char *name, char *path, size_t len, struct cfg_errors *e)
{
	char rel[256];
	struct topology *t = (struct topology *)&t;

	snprintf(rel, sizeof(rel), "tests/topo/bad/%s.json", name);
	topo_test_path(path, len, rel);
	cr_assert_eq(topo_load(path, &t, e), -1, "%s was accepted", rel);
	cr_assert_null(t, "%s: nothing may be returned on error", rel);
	cr_assert_str_eq(e->file, path);
}

static void
check_bad(const char *name, const char *path, const char *msg)
{
	struct cfg_errors e;
	char buf[1024], want[1024], file[512];

	load_bad(name, file, sizeof(file), &e);
	for (int i = 0; i < e.count && i < CFG_MAX_ERRORS; i++)
		cr_log_info("%s", cfg_error_text(&e, i, buf, sizeof(buf)));
	cr_assert_eq(e.count, 1, "%s: expected exactly one error, got %d", name, e.count);
	cr_assert_str_eq(e.err[0].path, path, "%s: path", name);
	cr_assert_str_eq(e.err[0].msg, msg, "%s: message", name);
	cr_assert_eq(e.err[0].line, 0);
	/* The text a user sees: "FILE: PATH: MESSAGE". */
	if (path[0])
		snprintf(want, sizeof(want), "%s: %s: %s", file, path, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", file, msg);
	cr_assert_str_eq(cfg_error_text(&e, 0, buf, sizeof(buf)), want);
}

#define BAD_TEST(name, path, msg) \
	Test(topo_bad, name) \
	{ \
		check_bad(#name, path, msg); \
	}
BAD_FILES(BAD_TEST)

#define BAD_NAME(name, path, msg) #name,
static const char *const bad_names[] = { BAD_FILES(BAD_NAME) "syntax_error", "many_errors" };

Test(topo_bad, syntax_error_names_line_and_column)
{
	struct cfg_errors e;
	char buf[1024], file[512];

	load_bad("syntax_error", file, sizeof(file), &e);
	cr_assert_eq(e.count, 1);
	cr_assert_eq(e.err[0].line, 6);
	cr_assert_eq(e.err[0].col, 2);
	cr_assert_str_eq(e.err[0].path, "");
	cr_assert(strstr(cfg_error_text(&e, 0, buf, sizeof(buf)),
		      "bad/syntax_error.json:6:2: JSON syntax error: ") != NULL,
	    "%s", buf);
}

/* Errors are collected across the file, in file order, not stopped at the first. */
Test(topo_bad, many_errors_are_all_reported)
{
	static const struct {
		const char *path, *msg;
	} want[] = {
		{ "name",
		    "expected a lab name of 1 to 11 characters from a-z, 0-9 and '_', "
		    "starting with a letter or digit (no '-': it separates lab and node in "
		    "LAB-NODE), found \"Bad Name\"" },
		{ "nodes.a.colour",
		    "unknown key \"colour\"; expected one of: interfaces, "
		    "loopback, routes, forwarding, multipath, resolver, bgp, dns, services, site, role" },
		{ "nodes.a.interfaces.eth0.mtu", "expected an integer from 68 to 65535, found 10" },
		{ "nodes.a.interfaces.eth0.mac",
		    "expected a MAC address of six hex pairs such as "
		    "\"02:00:00:00:00:01\", found \"zz:00:00:00:00:01\"" },
		{ "nodes.a.routes[0].via",
		    "gateway 172.16.0.1 is unreachable: not inside any "
		    "prefix on this node's interfaces; expected an address on a connected subnet" },
		{ "links[1].endpoints", "expected at least 2 endpoints, found 1" },
	};
	struct cfg_errors e;
	char file[512];

	load_bad("many_errors", file, sizeof(file), &e);
	cr_assert_eq(e.count, (int)(sizeof(want) / sizeof(want[0])));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_str_eq(e.err[i].path, want[i].path, "error %zu", i);
		cr_assert_str_eq(e.err[i].msg, want[i].msg, "error %zu", i);
	}
}

/* More errors than cfg_errors keeps: the count goes on, the rest is summarised. */
Test(topo_bad, error_overflow_is_counted)
{
	char text[16384];
	size_t used;
	struct topology *t;
	struct cfg_errors e;

	used = (size_t)snprintf(text, sizeof(text),
	    "{\"name\": \"x\", \"nodes\": {\"a\": {"
	    "\"resolver\": [");
	for (int i = 0; i < CFG_MAX_ERRORS + 8; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s\"r%d\"",
		    i ? "," : "", i);
	snprintf(text + used, sizeof(text) - used, "]}}}");
	cr_assert_eq(topo_load_string(text, "mem.json", &t, &e), -1);
	cr_assert_null(t);
	cr_assert_eq(e.count, 1, "more than 3 resolvers is one error, not one per entry");

	used = (size_t)snprintf(text, sizeof(text), "{\"name\": \"x\", \"nodes\": {");
	for (int i = 0; i < CFG_MAX_ERRORS + 8; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s\"N%d\": {}",
		    i ? "," : "", i);
	snprintf(text + used, sizeof(text) - used, "}}");
	cr_assert_eq(topo_load_string(text, "mem.json", &t, &e), -1);
	cr_assert_eq(e.count, CFG_MAX_ERRORS + 8);
	cr_assert_str_eq(e.err[CFG_MAX_ERRORS - 1].path, "nodes.N31");
}

/* Every fixture has an expectation above, and every expectation a fixture. */
Test(topo_bad, every_fixture_is_checked)
{
	char dir[512];
	struct dirent *d;
	size_t nnames = sizeof(bad_names) / sizeof(bad_names[0]), nfiles = 0;
	DIR *dp = opendir(topo_test_path(dir, sizeof(dir), "tests/topo/bad"));

	cr_assert_not_null(dp, "cannot open %s", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);
		bool known = false;

		if (d->d_name[0] == '.')
			continue;
		cr_assert(len > 5 && strcmp(d->d_name + len - 5, ".json") == 0,
		    "%s: fixtures end in .json", d->d_name);
		for (size_t i = 0; i < nnames; i++)
			if (strlen(bad_names[i]) == len - 5 &&
			    strncmp(bad_names[i], d->d_name, len - 5) == 0)
				known = true;
		cr_assert(known, "tests/topo/bad/%s has no expectation in test_topo_bad.c",
		    d->d_name);
		nfiles++;
	}
	closedir(dp);
	cr_assert_eq(nfiles, nnames);
	cr_assert_geq(nfiles, 25);
}
