/*
 * Kind "gobgp" without root: the gobgpd.toml written for every golden
 * section (tests/kinds/golden/gobgp/NAME.json -> NAME.conf, byte for byte,
 * and accepted by `gobgpd --dry-run` when GoBGP is installed), the exact
 * refusals of keys GoBGP cannot express (bad/NAME.json -> bad/NAME.err),
 * the processes it asks for, and the reading of the gobgp client's JSON
 * captured from the real daemons (tests/kinds/samples/gobgp/: neighbor.json
 * and rib-ipv4.json from a gobgpd peering with a GoBGP and an OpenBGPD
 * speaker, rib-ipv6.json from the GoBGP one) into anybgpd's shapes.
 *
 * Regenerate the golden files after an intended change of the writer:
 *   ANYLAB_REGEN_GOLDEN=1 build/tests/kinds_test_kind_gobgp
 * and review the diff.
 */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>

#include "kind_gobgp.h"
#include "kinds/helper_bgpkind.h"

extern const struct kind_ops kind_gobgp;

/* sample captured with the daemon's clock at this second (date +%s) */
#define SAMPLE_NOW 1796230561

static char *
sample(const char *name)
{
	char rel[128], path[1024];
	char *text;

	snprintf(rel, sizeof(rel), "tests/kinds/samples/gobgp/%s", name);
	text = bk_read(bk_source(rel, path, sizeof(path)));
	cr_assert_not_null(text, "%s", path);
	return text;
}

static const char *
str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	return s ? s : "(none)";
}

static double
num(const cJSON *o, const char *key)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItem(o, key));
}

Test(kind_gobgp, golden_configs_and_refusals)
{
	int n = bk_golden_all(&kind_gobgp, "gobgpd.toml", "/usr/bin/gobgpd", "-d -t toml -f");

	cr_assert_geq(n, 6, "only %d golden files compared", n);
}

Test(kind_gobgp, registered_and_programs)
{
	cr_assert_eq(kind_find(KIND_BGP, "gobgp"), &kind_gobgp);
	cr_assert_str_eq(kind_gobgp.programs[0], "/usr/bin/gobgpd");
	cr_assert_str_eq(kind_gobgp.programs[1], "/usr/bin/gobgp");
	cr_assert_str_eq(kind_gobgp.package, "gobgpd");
}

Test(kind_gobgp, procs_one_daemon_api_on_loopback)
{
	struct kind_proc p[KIND_PROCS_MAX];
	struct bk_node n;
	cJSON *sec = cJSON_Parse("{\"kind\":\"gobgp\",\"asn\":1,\"router_id\":\"1.1.1.1\"}");

	memset(p, 0, sizeof(p));
	bk_node_init(&n, &kind_gobgp, "hgx", "r1", sec, "/run/anylab/hgx/nodes/r1");
	cr_assert_eq(kind_gobgp.procs(&n.k, p, KIND_PROCS_MAX), 1);
	cr_assert_str_eq(p[0].name, "");
	cr_assert_str_eq(p[0].argv[0], "/usr/bin/gobgpd");
	cr_assert_str_eq(p[0].argv[1], "-f");
	cr_assert_str_eq(p[0].argv[2], "/run/anylab/hgx/nodes/r1/gobgpd.toml");
	for (int i = 0; p[0].argv[i] != NULL; i++)
		if (strcmp(p[0].argv[i], "--api-hosts") == 0)
			cr_assert_str_eq(p[0].argv[i + 1], "127.0.0.1:50051");
	cJSON_Delete(sec);
}

Test(kind_gobgp, user_config_keeps_only_kind_and_config)
{
	struct cfg_errors errs;
	struct bk_node n;
	cJSON *sec = cJSON_Parse("{\"kind\":\"gobgp\",\"config\":\"/nonexistent/hg.toml\"}");
	cJSON *sec2 = cJSON_Parse("{\"kind\":\"gobgp\",\"config\":\"x.toml\",\"asn\":1}");
	char msg[600];

	bk_node_init(&n, &kind_gobgp, "hgx", "r1", sec, "/tmp");
	cfg_errors_init(&errs, NULL);
	cr_assert_lt(kind_gobgp.check(&n.k, &errs), 0);
	cr_assert_str_eq(cfg_error_text(&errs, 0, msg, sizeof(msg)),
	    "<config>: nodes.r1.bgp.config: "
	    "/nonexistent/hg.toml: No such file or directory (kind gobgp)");
	bk_node_init(&n, &kind_gobgp, "hgx", "r1", sec2, "/tmp");
	cfg_errors_init(&errs, NULL);
	cr_assert_lt(kind_gobgp.check(&n.k, &errs), 0);
	cr_assert(strstr(cfg_error_text(&errs, 0, msg, sizeof(msg)), "nodes.r1.bgp.asn") != NULL,
	    "%s", msg);
	cJSON_Delete(sec);
	cJSON_Delete(sec2);
}

Test(kind_gobgp, peers_from_sample)
{
	char *text = sample("neighbor.json");
	const cJSON *p, *fams;
	cJSON *doc;

	cr_assert_eq(gobgp_peers_parse(text, SAMPLE_NOW, &doc), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "peers")), 3);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0);
	cr_assert_str_eq(str(p, "address"), "10.0.1.1");
	cr_assert_eq(num(p, "asn"), 65511);
	cr_assert_str_eq(str(p, "type"), "external");
	cr_assert_str_eq(str(p, "description"), "dc001");
	cr_assert_str_eq(str(p, "state"), "Established");
	cr_assert_eq(num(p, "uptime"), 33);
	cr_assert_str_eq(str(p, "local_address"), "10.0.1.254");
	cr_assert_str_eq(str(p, "router_id"), "10.0.1.1");
	cr_assert_eq(num(p, "hold_time"), 9);
	cr_assert_eq(num(p, "keepalive"), 3);
	cr_assert_eq(num(p, "prefixes_received"), 1);
	cr_assert_eq(num(p, "messages_in"), 14);
	cr_assert_eq(num(p, "messages_out"), 19);
	cr_assert_eq(num(p, "keepalives_in"), 12);
	fams = cJSON_GetObjectItem(p, "families");
	cr_assert_eq(cJSON_GetArraySize(fams), 1);
	cr_assert_str_eq(cJSON_GetArrayItem(fams, 0)->valuestring, "ipv4");
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 1);
	cr_assert_eq(num(p, "prefixes_received"), 2);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 2);
	cr_assert_str_eq(str(p, "address"), "10.0.2.77");
	cr_assert_str_eq(str(p, "state"), "Active");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p, "uptime")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p, "local_address")));
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(p, "passive")));
	cr_assert_eq(num(p, "hold_time"), 0);
	cr_assert_eq(num(p, "prefixes_received"), 0);
	cJSON_Delete(doc);
	free(text);
}

Test(kind_gobgp, every_session_state_normalised)
{
	static const char *const want[] = { "Idle", "Idle", "Connect", "Active", "OpenSent",
		"OpenConfirm", "Established" };
	char text[256];
	cJSON *doc;

	for (int s = 0; s <= 6; s++) {
		snprintf(text, sizeof(text),
		    "[{\"conf\":{\"neighbor_address\":\"10.0.0.9\","
		    "\"peer_asn\":9},\"state\":{\"session_state\":%d}}]",
		    s);
		cr_assert_eq(gobgp_peers_parse(text, SAMPLE_NOW, &doc), 0);
		cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0),
				     "state"),
		    want[s], "session_state %d", s);
		cJSON_Delete(doc);
	}
	cr_assert_eq(gobgp_peers_parse("[{\"state\":{\"session_state\":"
				       "\"SESSION_STATE_OPENCONFIRM\"}}]",
			 SAMPLE_NOW, &doc),
	    0);
	cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0), "state"),
	    "OpenConfirm");
	cJSON_Delete(doc);
	cr_assert_eq(gobgp_peers_parse("{\"not\":\"a list\"}", SAMPLE_NOW, &doc), EMU_EPROTO);
	cr_assert_eq(gobgp_peers_parse("rpc error: connection refused", SAMPLE_NOW, &doc),
	    EMU_EPROTO);
}

Test(kind_gobgp, routes_from_sample_sorted_with_paths)
{
	char *v4 = sample("rib-ipv4.json"), *v6 = sample("rib-ipv6.json");
	cJSON *routes = cJSON_CreateArray(), *doc;
	const cJSON *r, *list, *c;

	cr_assert_eq(gobgp_routes_parse(v6, NULL, routes), 0);
	cr_assert_eq(gobgp_routes_parse(v4, NULL, routes), 0);
	doc = gobgp_routes_doc(routes);
	cr_assert_not_null(doc);
	list = cJSON_GetObjectItem(doc, "routes");
	cr_assert_eq(cJSON_GetArraySize(list), 5);
	cr_assert_eq(num(doc, "prefixes"), 4);
	/* IPv4 first, then by prefix; a prefix's paths in the daemon's order */
	r = cJSON_GetArrayItem(list, 0);
	cr_assert_str_eq(str(r, "prefix"), "51.51.51.0/24");
	cr_assert_str_eq(str(r, "peer"), "10.0.2.2");
	cr_assert_str_eq(str(r, "next_hop"), "10.0.2.2");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "best")));
	cr_assert_str_eq(str(r, "as_path"), "65511");
	cr_assert_str_eq(str(r, "origin"), "IGP");
	c = cJSON_GetObjectItem(r, "communities");
	cr_assert_eq(cJSON_GetArraySize(c), 2);
	cr_assert_str_eq(cJSON_GetArrayItem(c, 0)->valuestring, "8075:7");
	cr_assert_str_eq(cJSON_GetArrayItem(c, 1)->valuestring, "no-export");
	r = cJSON_GetArrayItem(list, 1);
	cr_assert_str_eq(str(r, "prefix"), "51.51.51.0/24");
	cr_assert_str_eq(str(r, "peer"), "10.0.1.1");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(r, "best")));
	r = cJSON_GetArrayItem(list, 2);
	cr_assert_str_eq(str(r, "prefix"), "53.53.0.0/16");
	cr_assert_str_eq(str(r, "as_path"), "65511 64999 64998");
	cr_assert_eq(num(r, "med"), 7);
	cr_assert_str_eq(str(r, "origin"), "incomplete");
	r = cJSON_GetArrayItem(list, 3);
	cr_assert_str_eq(str(r, "prefix"), "60.0.0.0/8");
	cr_assert_str_eq(str(r, "peer"), "local");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "next_hop")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "local_pref")));
	r = cJSON_GetArrayItem(list, 4);
	cr_assert_str_eq(str(r, "prefix"), "2001:db8:51::/48");
	cr_assert_str_eq(str(r, "peer"), "local");
	cr_assert_str_eq(str(r, "as_path"), "");
	cJSON_Delete(doc);
	free(v4);
	free(v6);
}

Test(kind_gobgp, routes_filter_keeps_prefixes_inside)
{
	char *v4 = sample("rib-ipv4.json");
	struct prefix f;
	cJSON *routes = cJSON_CreateArray(), *doc;

	cr_assert_eq(prefix_parse("50.0.0.0/7", &f, false), 0);
	cr_assert_eq(gobgp_routes_parse(v4, &f, routes), 0);
	doc = gobgp_routes_doc(routes);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "routes")), 2);
	cr_assert_eq(num(doc, "prefixes"), 1);
	cJSON_Delete(doc);
	routes = cJSON_CreateArray();
	cr_assert_eq(prefix_parse("53.53.0.0/17", &f, false), 0);
	cr_assert_eq(gobgp_routes_parse(v4, &f, routes), 0); /* shorter: not inside */
	cr_assert_eq(cJSON_GetArraySize(routes), 0);
	cJSON_Delete(routes);
	free(v4);
}

Test(kind_gobgp, as_set_and_well_known_communities)
{
	const char *text =
	    "{\"10.1.0.0/16\":[{\"best\":true,\"neighbor-ip\":\"10.0.0.2\","
	    "\"attrs\":[{\"type\":2,\"as_paths\":[{\"segment_type\":2,\"asns\":[65002,65003]},"
	    "{\"segment_type\":1,\"asns\":[1,2]}]},{\"type\":3,\"nexthop\":\"10.0.0.2\"},"
	    "{\"type\":5,\"value\":150},{\"type\":8,\"communities\":[4294967042,4294967043,"
	    "65536]}]}]}";
	cJSON *routes = cJSON_CreateArray(), *doc;
	const cJSON *r, *c;

	cr_assert_eq(gobgp_routes_parse(text, NULL, routes), 0);
	doc = gobgp_routes_doc(routes);
	r = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 0);
	cr_assert_str_eq(str(r, "as_path"), "65002 65003 {1 2}");
	cr_assert_eq(num(r, "local_pref"), 150);
	c = cJSON_GetObjectItem(r, "communities");
	cr_assert_str_eq(cJSON_GetArrayItem(c, 0)->valuestring, "no-advertise");
	cr_assert_str_eq(cJSON_GetArrayItem(c, 1)->valuestring, "no-export-subconfed");
	cr_assert_str_eq(cJSON_GetArrayItem(c, 2)->valuestring, "1:0");
	cJSON_Delete(doc);
	cr_assert_eq(gobgp_routes_parse("[]", NULL, routes = cJSON_CreateArray()), EMU_EPROTO);
	cJSON_Delete(routes);
}
