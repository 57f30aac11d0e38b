/*
 * The BGP kinds that render anybgpd's configuration for another daemon
 * (bird, frr, gobgp, openbgpd) refuse what they cannot render of anybgpd's
 * import machinery (emu/kinds/kind_policy.c): each error names the JSON path
 * and the kind. Kind bird renders rule lists (kinds[0] is skipped there).
 */
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>

#include "kind.h"
#include "topo.h"

static const char *const kinds[] = { "bird", "frr", "gobgp", "openbgpd" };

/* Runs kind's check on section; asserts an error at path naming the kind. */
static void
refused_at(const char *kind, const char *section, const char *path)
{
	struct topo_node node;
	struct kind_node k;
	struct cfg_errors errs;
	cJSON *sec = cJSON_Parse(section);
	bool found = false;

	cr_assert_not_null(sec);
	memset(&node, 0, sizeof(node));
	memset(&k, 0, sizeof(k));
	node.name = "x";
	k.node = &node;
	k.role = KIND_BGP;
	k.section = sec;
	k.kind = kind_find(KIND_BGP, kind);
	cr_assert_not_null(k.kind, "%s", kind);
	snprintf(k.path, sizeof(k.path), "nodes.x.bgp");
	cfg_errors_init(&errs, NULL);
	cr_expect_eq(k.kind->check(&k, &errs), -1, "%s accepted %s", kind, path);
	for (int i = 0; i < errs.count; i++)
		if (strcmp(errs.err[i].path, path) == 0) {
			char want[32];

			snprintf(want, sizeof(want), "kind %s", kind);
			cr_expect_not_null(strstr(errs.err[i].msg, want), "%s: %s", kind,
			    errs.err[i].msg);
			found = true;
		}
	cr_expect(found, "%s: no error at %s (%d errors, first: %s)", kind, path, errs.count,
	    errs.count ? errs.err[0].path : "-");
	cJSON_Delete(sec);
}

/* Kind bird writes rule lists as BIRD filters (tests/kinds/test_kind_bird.c); the others refuse. */
Test(kind_policy, rules_are_refused_by_every_other_kind)
{
	for (size_t i = 1; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char sec[600];

		snprintf(sec, sizeof(sec),
		    "{\"kind\":\"%s\",\"asn\":65000,\"router_id\":\"10.0.0.1\",\"policies\":"
		    "{\"R\":{\"rules\":[{\"match\":{\"origin_as\":65511},\"action\":\"accept\"}]}},"
		    "\"peers\":[{\"address\":\"10.0.0.2\",\"asn\":65511,\"import\":\"R\","
		    "\"export\":\"all\"}]}",
		    kinds[i]);
		refused_at(kinds[i], sec, "nodes.x.bgp.policies.R.rules");
	}
}

Test(kind_policy, damping_and_max_prefix_restart_are_refused)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char sec[600];

		snprintf(sec, sizeof(sec),
		    "{\"kind\":\"%s\",\"asn\":65000,\"router_id\":\"10.0.0.1\","
		    "\"peers\":[{\"address\":\"10.0.0.2\",\"asn\":65511,\"import\":\"all\","
		    "\"export\":\"all\",\"damping\":true,\"max_prefixes\":5,"
		    "\"max_prefixes_restart_s\":0}]}",
		    kinds[i]);
		refused_at(kinds[i], sec, "nodes.x.bgp.peers[0].damping");
		refused_at(kinds[i], sec, "nodes.x.bgp.peers[0].max_prefixes_restart_s");
		snprintf(sec, sizeof(sec),
		    "{\"kind\":\"%s\",\"asn\":65000,\"router_id\":\"10.0.0.1\","
		    "\"damping\":{\"half_life_s\":60,\"max_suppress_s\":240}}",
		    kinds[i]);
		refused_at(kinds[i], sec, "nodes.x.bgp.damping");
	}
}

/* Resilient nexthop groups are anybgpd's: every other kind refuses "fib": "resilient". */
Test(kind_policy, resilient_fib_is_refused_by_every_other_kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char sec[300];

		snprintf(sec, sizeof(sec),
		    "{\"kind\":\"%s\",\"asn\":65000,\"router_id\":\"10.0.0.1\","
		    "\"fib\":\"resilient\"}",
		    kinds[i]);
		refused_at(kinds[i], sec, "nodes.x.bgp.fib");
	}
}
