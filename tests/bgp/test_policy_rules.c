/*
 * Unit tests of policy rule lists (nodes/bgp/policy.c, policy_parse.c):
 * every match condition (prefix ranges, origin and neighbour AS, path
 * length, AS path patterns, communities, large communities, next hop,
 * peer), first match wins, the default, every action, and the errors of
 * a bad rule naming its JSON path. Policies come from JSON through
 * bgp_config_parse, as in a topology.
 */
#include <string.h>
#include <criterion/criterion.h>

#include "bgp_config.h"
#include "policy.h"
#include "strbuf.h"

static struct bgp_config C;

static void
load(const char *json)
{
	struct cfg_errors e;
	cJSON *j;

	cfg_errors_init(&e, "test");
	j = jc_parse_string(json, &e);
	cr_assert_not_null(j, "JSON syntax");
	if (bgp_config_parse(j, "bgp", &C, &e) < 0) {
		char buf[512];

		cr_assert_fail("config rejected: %s", cfg_error_text(&e, 0, buf, sizeof(buf)));
	}
	cJSON_Delete(j);
}

/* The first error of a config that must be refused. */
static const char *
refused(const char *json, char *buf, size_t len)
{
	struct cfg_errors e;
	struct bgp_config c;
	cJSON *j;

	cfg_errors_init(&e, "test");
	j = jc_parse_string(json, &e);
	cr_assert_not_null(j, "JSON syntax");
	cr_assert_lt(bgp_config_parse(j, "bgp", &c, &e), 0, "accepted: %s", json);
	cJSON_Delete(j);
	return cfg_error_text(&e, 0, buf, len);
}

static void
fini(void)
{
	bgp_config_free(&C);
}

TestSuite(rules, .fini = fini);

static struct prefix
P(const char *s) {
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0, "%s", s);
	return p;
}

/* A route: AS path (a sequence), next hop, communities, large communities. */
static void
route(struct bgp_attrs *a, const char *path, const char *nh, const char *comms, const char *lcomms)
{
	uint32_t asns[16];
	size_t n = 0;
	char buf[256], *save, *t;

	bgp_attrs_init(a);
	snprintf(buf, sizeof(buf), "%s", path);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		asns[n++] = (uint32_t)strtoul(t, NULL, 10);
	if (n)
		bgp_attrs_set_aspath(a, bgp_aspath_from_seq(asns, n));
	a->present |= BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP;
	cr_assert_eq(ipaddr_parse(nh, &a->nexthop), 0);
	snprintf(buf, sizeof(buf), "%s", comms);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		uint32_t c;

		cr_assert_eq(bgp_community_parse(t, &c), 0, "%s", t);
		bgp_attrs_community_add(a, c);
	}
	snprintf(buf, sizeof(buf), "%s", lcomms);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		struct bgp_lcomm l;

		cr_assert_eq(bgp_lcomm_parse(t, &l), 0, "%s", t);
		bgp_attrs_lcommunity_add(a, &l);
	}
}

static enum policy_verdict
run(int peer, const char *pfx, const struct bgp_attrs *in, struct bgp_attrs *out)
{
	struct prefix p = P(pfx);
	const struct bgp_peer_config *pc = &C.peers[peer];

	bgp_attrs_init(out);
	return policy_apply(pc, POLICY_IMPORT, pc->asn != C.asn, &p, in, pc->asn, out);
}

/* The verdict for a route, attributes discarded. */
static enum policy_verdict
verdict(int peer, const char *pfx, const char *path, const char *nh, const char *comms,
    const char *lcomms)
{
	struct bgp_attrs in, out;
	enum policy_verdict v;

	route(&in, path, nh, comms, lcomms);
	v = run(peer, pfx, &in, &out);
	bgp_attrs_clear(&out);
	bgp_attrs_clear(&in);
	return v;
}

#define HEAD "{ \"asn\": 8075, \"router_id\": \"10.0.0.1\", \"policies\": { "
#define PEERS(pol) \
	"}, \"peers\": [ { \"address\": \"172.16.1.11\", \"asn\": 65511, \"import\": \"" pol \
	"\" }, { \"address\": \"172.16.2.11\", \"asn\": 65511, \"import\": \"" pol "\" }," \
	" { \"address\": \"10.9.0.2\", \"asn\": 65515, \"import\": \"" pol "\" } ] }"

Test(rules, prefix_ranges_first_match_and_default_reject)
{
	load(HEAD "\"R\": { \"rules\": ["
		  " { \"match\": { \"prefix\": \"10.1.0.0/16\" }, \"action\": \"reject\" },"
		  " { \"match\": { \"prefix\": [ \"51.51.51.0/24\","
		  "     { \"prefix\": \"10.0.0.0/8\", \"ge\": 16, \"le\": 24 } ] },"
		  "   \"action\": \"accept\" } ] }" PEERS("R"));
	cr_assert_eq(verdict(0, "51.51.51.0/24", "65511", "172.16.1.11", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "51.51.51.0/25", "65511", "172.16.1.11", "", ""), POLICY_REJECT,
	    "a bare prefix matches its length only; no rule: default reject");
	cr_assert_eq(verdict(0, "10.2.3.0/24", "65511", "172.16.1.11", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "10.2.3.0/25", "65511", "172.16.1.11", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(0, "10.1.0.0/16", "65511", "172.16.1.11", "", ""), POLICY_REJECT,
	    "the earlier reject rule wins over the later accept");
	cr_assert_eq(verdict(0, "0.0.0.0/0", "65511", "172.16.1.11", "", ""), POLICY_REJECT);
}

Test(rules, default_accept_when_said)
{
	load(HEAD "\"R\": { \"default\": \"accept\", \"rules\": ["
		  " { \"match\": { \"prefix\": { \"prefix\": \"0.0.0.0/0\" } }, \"action\": "
		  "\"reject\" } ] }" PEERS("R"));
	cr_assert_eq(verdict(0, "0.0.0.0/0", "65511", "172.16.1.11", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(0, "8.8.8.0/24", "65511", "172.16.1.11", "", ""), POLICY_ACCEPT);
}

Test(rules, as_path_origin_neighbor_and_length)
{
	load(HEAD "\"R\": { \"rules\": ["
		  " { \"match\": { \"origin_as\": 65511, \"as_path_length\": { \"max\": 2 } },"
		  "   \"action\": \"accept\" },"
		  " { \"match\": { \"neighbor_as\": 65515, \"as_path_length\": 3 },"
		  "   \"action\": \"accept\" } ] }" PEERS("R"));
	cr_assert_eq(verdict(0, "51.51.51.0/24", "65511", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "51.51.51.0/24", "8075 65511", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "51.51.51.0/24", "1 2 65511", "1.1.1.1", "", ""), POLICY_REJECT,
	    "length 3 > max 2, neighbour not 65515");
	cr_assert_eq(verdict(0, "51.51.51.0/24", "65511 8075", "1.1.1.1", "", ""), POLICY_REJECT,
	    "origin is the rightmost AS");
	cr_assert_eq(verdict(0, "51.51.51.0/24", "65515 1 2", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "51.51.51.0/24", "65515 1", "1.1.1.1", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(0, "51.51.51.0/24", "", "1.1.1.1", "", ""), POLICY_REJECT,
	    "an empty path has no origin AS 65511");
}

Test(rules, as_path_patterns)
{
	load(HEAD "\"EXACT\": { \"rules\": [ { \"match\": { \"as_path\": \"^65511$\" },"
		  " \"action\": \"accept\" } ] },"
		  " \"THROUGH\": { \"rules\": [ { \"match\": { \"as_path\": \"_8075_\" },"
		  " \"action\": \"accept\" } ] },"
		  " \"PRIVATE\": { \"rules\": [ { \"match\": { \"as_path\": "
		  "\"^(6451[2-9]|645[2-9][0-9]|64[6-9][0-9][0-9]|65[0-9]+)( |$)\" },"
		  " \"action\": \"accept\" } ] }"
		  "}, \"peers\": [ { \"address\": \"10.0.0.2\", \"asn\": 65511, \"import\": "
		  "\"EXACT\" }, { \"address\": \"10.0.0.3\", \"asn\": 65511, \"import\": "
		  "\"THROUGH\" }, { \"address\": \"10.0.0.4\", \"asn\": 65511, \"import\": "
		  "\"PRIVATE\" } ] }");
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511 65511", "1.1.1.1", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(0, "1.0.0.0/24", "165511", "1.1.1.1", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(1, "1.0.0.0/24", "8075", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(1, "1.0.0.0/24", "65515 8075 65511", "1.1.1.1", "", ""),
	    POLICY_ACCEPT);
	cr_assert_eq(verdict(1, "1.0.0.0/24", "65511 8075", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(1, "1.0.0.0/24", "18075 80750", "1.1.1.1", "", ""), POLICY_REJECT,
	    "_ is an AS boundary, not any digit run");
	cr_assert_eq(verdict(2, "1.0.0.0/24", "65511 8075", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(2, "1.0.0.0/24", "8075 65511", "1.1.1.1", "", ""), POLICY_REJECT);
}

Test(rules, communities_and_large_communities_all_must_be_present)
{
	load(HEAD "\"R\": { \"rules\": ["
		  " { \"match\": { \"communities\": [ \"65511:1\", \"no-export\" ] },"
		  "   \"action\": { \"local_pref\": 50 } },"
		  " { \"match\": { \"large_communities\": \"65511:0:1\" }, \"action\": "
		  "\"accept\" } ] }" PEERS("R"));
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "1.1.1.1", "65511:1 no-export", ""),
	    POLICY_MODIFIED);
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "1.1.1.1", "65511:1", ""), POLICY_REJECT,
	    "both communities are required");
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "1.1.1.1", "", "65511:0:1 1:2:3"),
	    POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "1.1.1.1", "", "65511:0:2"), POLICY_REJECT);
}

Test(rules, next_hop_and_peer)
{
	load(HEAD "\"R\": { \"rules\": ["
		  " { \"match\": { \"next_hop\": \"192.0.2.0/24\" }, \"action\": \"reject\" },"
		  " { \"match\": { \"peer\": [ \"172.16.1.0/24\", \"10.9.0.2\" ], \"peer_as\": "
		  "65511 }, \"action\": \"accept\" },"
		  " { \"match\": { \"peer\": \"10.9.0.2\", \"next_hop\": [ \"10.9.0.2\" ] },"
		  " \"action\": \"accept\" } ] }" PEERS("R"));
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "172.16.1.11", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "1.0.0.0/24", "65511", "192.0.2.7", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(1, "1.0.0.0/24", "65511", "172.16.2.11", "", ""), POLICY_REJECT,
	    "172.16.2.11 is in neither peer prefix");
	cr_assert_eq(verdict(2, "1.0.0.0/24", "65515", "10.9.0.2", "", ""), POLICY_ACCEPT,
	    "peer_as 65511 fails, the third rule takes it");
	cr_assert_eq(verdict(2, "1.0.0.0/24", "65515", "10.9.0.3", "", ""), POLICY_REJECT);
}

Test(rules, actions_change_the_route)
{
	struct bgp_attrs in, out;
	struct bgp_lcomm site = { 65511, 0, 1 }, old = { 65511, 9, 9 };
	struct strbuf sb = STRBUF_INIT;

	load(HEAD "\"R\": { \"rules\": [ { \"match\": { \"origin_as\": 65511 }, \"action\": {"
		  " \"local_pref\": 200, \"med\": 7,"
		  " \"add_communities\": [ \"8075:1\", \"no-export\" ],"
		  " \"remove_communities\": [ \"65511:666\" ],"
		  " \"add_large_communities\": [ \"65511:0:1\" ],"
		  " \"remove_large_communities\": \"all\","
		  " \"prepend\": 2 } },"
		  " { \"match\": { \"origin_as\": 65512 }, \"action\": {"
		  " \"remove_communities\": \"all\", \"add_communities\": \"65512:1\","
		  " \"prepend\": { \"count\": 3, \"asn\": 64999 } } } ] }" PEERS("R"));
	route(&in, "65511", "172.16.1.11", "65511:666 65511:5", "65511:9:9");
	cr_assert_eq(run(0, "51.51.51.0/24", &in, &out), POLICY_MODIFIED);
	cr_assert_eq(out.local_pref, 200);
	cr_assert(out.present & BGP_ATTRS_LOCAL_PREF);
	cr_assert_eq(out.med, 7);
	cr_assert(out.present & BGP_ATTRS_MED);
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM(8075, 1)));
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM_NO_EXPORT));
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM(65511, 5)));
	cr_assert_not(bgp_attrs_community_has(&out, BGP_COMM(65511, 666)));
	cr_assert(bgp_attrs_lcommunity_has(&out, &site));
	cr_assert_not(bgp_attrs_lcommunity_has(&out, &old));
	bgp_aspath_print(&sb, out.aspath);
	cr_assert_str_eq(sb_str(&sb), "65511 65511 65511", "prepended the peer's AS twice");
	sb_reset(&sb);
	/* the input is untouched */
	cr_assert(bgp_attrs_community_has(&in, BGP_COMM(65511, 666)));
	cr_assert_not(in.present & BGP_ATTRS_LOCAL_PREF);
	bgp_attrs_clear(&out);
	bgp_attrs_clear(&in);

	route(&in, "65512", "172.16.1.11", "65512:7 no-export", "");
	cr_assert_eq(run(0, "51.51.51.0/24", &in, &out), POLICY_MODIFIED);
	cr_assert_eq(out.comms->n, 1, "all removed, then one added");
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM(65512, 1)));
	bgp_aspath_print(&sb, out.aspath);
	cr_assert_str_eq(sb_str(&sb), "64999 64999 64999 65512", "a given AS");
	sb_free(&sb);
	bgp_attrs_clear(&out);
	bgp_attrs_clear(&in);
}

Test(rules, a_rule_without_match_matches_everything)
{
	load(HEAD "\"R\": { \"rules\": [ { \"match\": { \"prefix\": \"0.0.0.0/0\" }, "
		  "\"action\": \"reject\" }, { \"action\": { \"med\": 1 } } ] }" PEERS("R"));
	cr_assert_eq(verdict(0, "0.0.0.0/0", "65511", "1.1.1.1", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(0, "9.9.9.0/24", "65511", "1.1.1.1", "", ""), POLICY_MODIFIED);
}

Test(rules, flat_policies_are_unchanged)
{
	/* The flat form still works beside rule lists in one config. */
	load(HEAD
	    "\"FLAT\": { \"prefixes\": [ \"51.51.51.0/24\" ] },"
	    " \"R\": { \"rules\": [ { \"action\": \"accept\" } ] } },"
	    " \"peers\": [ { \"address\": \"10.0.0.2\", \"asn\": 65511, \"import\": "
	    "\"FLAT\" }, { \"address\": \"10.0.0.3\", \"asn\": 65511, \"import\": \"R\" } ] }");
	cr_assert_eq(verdict(0, "51.51.51.0/24", "65511", "1.1.1.1", "", ""), POLICY_ACCEPT);
	cr_assert_eq(verdict(0, "52.52.52.0/24", "65511", "1.1.1.1", "", ""), POLICY_REJECT);
	cr_assert_eq(verdict(1, "52.52.52.0/24", "65511", "1.1.1.1", "", ""), POLICY_ACCEPT);
}

Test(rules, errors_name_the_path)
{
	char buf[512];

	cr_assert_not_null(strstr(refused(HEAD
				      "\"R\": { \"rules\": [ { \"match\": { "
				      "\"as_path\": \"(65511\" }, \"action\": \"accept\" } "
				      "] }" PEERS("R"),
				      buf, sizeof(buf)),
			       "bgp.policies.R.rules[0].match.as_path"),
	    "%s", buf);
	cr_assert_not_null(strstr(refused(HEAD "\"R\": { \"rules\": [ { \"action\": \"allow\" } "
					       "] }" PEERS("R"),
				      buf, sizeof(buf)),
			       "bgp.policies.R.rules[0].action"),
	    "%s", buf);
	cr_assert_not_null(strstr(refused(HEAD "\"R\": { \"rules\": [ { \"match\": { "
					       "\"large_communities\": [ \"1:2\" ] }, \"action\": "
					       "\"accept\" } ] }" PEERS("R"),
				      buf, sizeof(buf)),
			       "bgp.policies.R.rules[0].match.large_communities[0]"),
	    "%s", buf);
	cr_assert_not_null(strstr(refused(HEAD
				      "\"R\": { \"rules\": [ { \"match\": { "
				      "\"colour\": 1 }, \"action\": \"accept\" } ] }" PEERS("R"),
				      buf, sizeof(buf)),
			       "colour"),
	    "%s", buf);
	cr_assert_not_null(strstr(refused(HEAD
				      "\"R\": { \"rules\": [], \"local_pref\": 5 }" PEERS("R"),
				      buf, sizeof(buf)),
			       "bgp.policies.R.local_pref"),
	    "%s", buf);
	cr_assert_not_null(strstr(refused(HEAD "\"R\": { \"rules\": [ { \"match\": { "
					       "\"as_path_length\": { \"min\": 3, \"max\": 2 } }, "
					       "\"action\": \"accept\" } ] }" PEERS("R"),
				      buf, sizeof(buf)),
			       "as_path_length.max"),
	    "%s", buf);
}
