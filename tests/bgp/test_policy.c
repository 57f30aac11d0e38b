/*
 * Unit tests of the policy engine (nodes/bgp/policy.c): prefix lists with
 * length ranges, first match, defaults, actions on attributes, the RFC 8212
 * default for external sessions, and the import prefix limit. Policies come
 * from JSON through bgp_config_parse, as in a topology.
 */
#include <string.h>
#include <criterion/criterion.h>

#include "bgp_config.h"
#include "policy.h"

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

static void
fini(void)
{
	bgp_config_free(&C);
}

static struct prefix
P(const char *s) {
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0, "%s", s);
	return p;
}

static enum policy_verdict
run(int peer, enum policy_dir dir, const char *pfx, struct bgp_attrs *in, struct bgp_attrs *out)
{
	struct prefix p = P(pfx);

	bgp_attrs_init(out);
	return policy_apply(&C.peers[peer], dir, C.peers[peer].asn != C.asn, &p, in, C.asn, out);
}

static const char lists[] =
    "{ \"asn\": 65000, \"router_id\": \"10.0.0.1\",\n"
    "  \"policies\": {\n"
    "    \"ANYCAST\": { \"prefixes\": [ \"51.51.51.0/24\",\n"
    "        { \"prefix\": \"10.0.0.0/8\", \"ge\": 16, \"le\": 24 },\n"
    "        { \"prefix\": \"10.1.0.0/16\", \"action\": \"reject\" },\n"
    "        { \"prefix\": \"2001:db8::/32\", \"le\": 48 } ] },\n"
    "    \"DENY-SOME\": { \"prefixes\": [ { \"prefix\": \"192.168.0.0/16\", \"le\": 32,\n"
    "        \"action\": \"reject\" } ], \"default\": \"accept\" },\n"
    "    \"TAG\": { \"local_pref\": 200, \"med\": 7, \"communities\": [\"65000:1\", \"no-export\"],\n"
    "        \"prepend\": 2, \"max_prefixes\": 50 },\n"
    "    \"RETAG\": { \"communities\": [\"65000:9\"], \"communities_replace\": true } },\n"
    "  \"peers\": [\n"
    "    { \"address\": \"10.0.0.2\", \"asn\": 65002, \"import\": \"ANYCAST\", \"export\": \"TAG\",\n"
    "      \"max_prefixes\": 100 },\n"
    "    { \"address\": \"10.0.0.3\", \"asn\": 65003 },\n"
    "    { \"address\": \"10.0.0.4\", \"asn\": 65000 },\n"
    "    { \"address\": \"10.0.0.5\", \"asn\": 65005, \"import\": \"DENY-SOME\", \"export\": \"none\" },\n"
    "    { \"address\": \"10.0.0.6\", \"asn\": 65006, \"import\": \"all\", \"export\": \"RETAG\" } ] }\n";

TestSuite(policy, .fini = fini);

Test(policy, prefix_list_exact_and_ranges)
{
	struct bgp_attrs in, out;

	load(lists);
	bgp_attrs_init(&in);
	cr_assert_eq(run(0, POLICY_IMPORT, "51.51.51.0/24", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(0, POLICY_IMPORT, "51.51.51.0/25", &in, &out), POLICY_REJECT,
	    "a bare prefix matches that length only");
	cr_assert_eq(run(0, POLICY_IMPORT, "10.2.0.0/16", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(0, POLICY_IMPORT, "10.2.3.0/24", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(0, POLICY_IMPORT, "10.2.3.0/25", &in, &out), POLICY_REJECT, "le 24");
	cr_assert_eq(run(0, POLICY_IMPORT, "10.0.0.0/8", &in, &out), POLICY_REJECT, "ge 16");
	cr_assert_eq(run(0, POLICY_IMPORT, "2001:db8:51::/48", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(0, POLICY_IMPORT, "2001:db8:51::/64", &in, &out), POLICY_REJECT);
	cr_assert_eq(run(0, POLICY_IMPORT, "52.52.52.0/24", &in, &out), POLICY_REJECT,
	    "a prefix list rejects what it does not list");
}

Test(policy, first_match_decides)
{
	struct bgp_attrs in, out;

	load(lists);
	bgp_attrs_init(&in);
	/* 10.1.0.0/16 matches the ge 16 le 24 accept entry before the reject entry. */
	cr_assert_eq(run(0, POLICY_IMPORT, "10.1.0.0/16", &in, &out), POLICY_ACCEPT);
	/* DENY-SOME: a reject entry, everything else by default accepted. */
	cr_assert_eq(run(3, POLICY_IMPORT, "192.168.7.0/24", &in, &out), POLICY_REJECT);
	cr_assert_eq(run(3, POLICY_IMPORT, "8.8.8.0/24", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(3, POLICY_EXPORT, "8.8.8.0/24", &in, &out), POLICY_REJECT, "none");
}

Test(policy, rfc8212_external_session_without_policy)
{
	struct bgp_attrs in, out;
	const char *why;

	load(lists);
	bgp_attrs_init(&in);
	cr_assert_eq(run(1, POLICY_IMPORT, "51.51.51.0/24", &in, &out), POLICY_REJECT);
	cr_assert_eq(run(1, POLICY_EXPORT, "51.51.51.0/24", &in, &out), POLICY_REJECT);
	cr_assert_not(policy_describe(&C.peers[1], POLICY_IMPORT, true, &why));
	cr_assert_not_null(strstr(why, "RFC 8212"), "%s", why);
	cr_assert_not(policy_describe(&C.peers[1], POLICY_EXPORT, true, &why));
	cr_assert_not_null(strstr(why, "nothing advertised"), "%s", why);
	/* An internal session without policy passes everything. */
	cr_assert_eq(run(2, POLICY_IMPORT, "51.51.51.0/24", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(2, POLICY_EXPORT, "51.51.51.0/24", &in, &out), POLICY_ACCEPT);
	cr_assert(policy_describe(&C.peers[2], POLICY_IMPORT, false, &why));
}

Test(policy, actions_set_attributes)
{
	struct bgp_attrs in, out;
	uint32_t seq[] = { 65000 };

	load(lists);
	bgp_attrs_init(&in);
	in.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH;
	in.aspath = bgp_aspath_from_seq(seq, 1);
	cr_assert_eq(run(0, POLICY_EXPORT, "51.51.51.0/24", &in, &out), POLICY_MODIFIED);
	cr_assert(out.present & BGP_ATTRS_LOCAL_PREF);
	cr_assert_eq(out.local_pref, 200);
	cr_assert(out.present & BGP_ATTRS_MED);
	cr_assert_eq(out.med, 7);
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM(65000, 1)));
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM_NO_EXPORT));
	cr_assert_eq(bgp_aspath_length(out.aspath), 3, "two prepends on a path of one");
	cr_assert_eq(bgp_aspath_first_as(out.aspath), 65000);
	/* The input is untouched. */
	cr_assert_eq(bgp_aspath_length(in.aspath), 1);
	cr_assert_null(in.comms);
	bgp_attrs_clear(&out);
	bgp_attrs_clear(&in);
}

Test(policy, communities_replace)
{
	struct bgp_attrs in, out;

	load(lists);
	bgp_attrs_init(&in);
	in.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH;
	cr_assert_eq(bgp_attrs_community_add(&in, BGP_COMM(1, 1)), 0);
	cr_assert_eq(run(4, POLICY_EXPORT, "51.51.51.0/24", &in, &out), POLICY_MODIFIED);
	cr_assert_not(bgp_attrs_community_has(&out, BGP_COMM(1, 1)));
	cr_assert(bgp_attrs_community_has(&out, BGP_COMM(65000, 9)));
	bgp_attrs_clear(&out);
	bgp_attrs_clear(&in);
}

Test(policy, max_prefixes_takes_the_lower_limit)
{
	load(lists);
	/* Peer says 100, its import policy ANYCAST has none: 100. */
	cr_assert_eq(policy_max_prefixes(&C.peers[0]), 100);
	cr_assert_eq(policy_max_prefixes(&C.peers[1]), 0);
	bgp_config_free(&C);
	load(
	    "{ \"asn\": 1, \"router_id\": \"1.1.1.1\", \"policies\": { \"L\": { \"max_prefixes\": 5 } },"
	    " \"peers\": [ { \"address\": \"10.0.0.2\", \"asn\": 2, \"import\": \"L\","
	    " \"max_prefixes\": 100 } ] }");
	cr_assert_eq(policy_max_prefixes(&C.peers[0]), 5);
}

Test(policy, all_and_none)
{
	struct bgp_attrs in, out;

	load(lists);
	bgp_attrs_init(&in);
	cr_assert_eq(run(4, POLICY_IMPORT, "203.0.113.0/24", &in, &out), POLICY_ACCEPT);
	cr_assert_eq(run(3, POLICY_EXPORT, "203.0.113.0/24", &in, &out), POLICY_REJECT);
}
