/*
 * Scenario parser: the shipped scenarios of Lab A parse, every topology
 * under topologies/ validates as `anylab validate` checks it and every
 * scenario beside it parses, and every kind of bad scenario gets an error
 * naming its JSON path and what was expected.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kind.h"
#include "scenario.h"
#include "topo.h"

static struct topology *topo;

static void
load_lab(void)
{
	const char *src = getenv("ANYLAB_SOURCE_DIR");
	char path[1024];
	struct cfg_errors e;

	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", src ? src : ".");
	cr_assert_eq(topo_load(path, &topo, &e), 0, "cannot load %s (ANYLAB_SOURCE_DIR set?)",
	    path);
}

static void
unload_lab(void)
{
	topo_free(topo);
	topo = NULL;
}

TestSuite(scenario_parse, .init = load_lab, .fini = unload_lab);

/* Parse {"scenarios": {"t": BODY}} and expect exactly one error at path with msg. */
static void
expect_error(const char *body, const char *path, const char *msg)
{
	struct cfg_errors e;
	struct scenario *s = (struct scenario *)1;
	char *text;
	cJSON *root;

	cfg_errors_init(&e, "x.json");
	cr_assert(asprintf(&text, "{\"scenarios\": {\"t\": %s}}", body) > 0);
	root = jc_parse_string(text, &e);
	cr_assert_not_null(root, "test JSON does not parse: %s", text);
	cr_assert_eq(scenario_parse(cJSON_GetObjectItem(root, "scenarios"), "scenarios", "t", topo,
			 &s, &e),
	    -1, "accepted: %s", body);
	cr_assert_null(s);
	cr_assert_geq(e.count, 1);
	cr_expect_str_eq(e.err[0].path, path, "for %s", body);
	cr_expect_str_eq(e.err[0].msg, msg, "for %s", body);
	cJSON_Delete(root);
	free(text);
}

#define PROBE "\"probe\": {\"clients\": [\"client1\", \"client2\"]}"

Test(scenario_parse, shipped_lab_a_scenarios_parse)
{
	static const char *const names[] = { "failover", "link-cut", "service-dies", "blackhole",
		"maintenance" };
	struct cfg_errors e;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct scenario *s = NULL;

		cr_assert_eq(scenario_load(topo, names[i], &s, &e), 0, "%s: %s", names[i],
		    e.count ? e.err[0].msg : "");
		cr_assert_str_eq(s->name, names[i]);
		cr_assert_eq(s->probe.nclients, 2);
		cr_assert_eq(s->probe.rate, 100);
		cr_assert_eq(s->probe.timeout_ms, 1000);
		cr_assert_geq(s->nsteps, 8);
		scenario_free(s);
	}
}

/* One shipped topology: valid with its daemons' sections, and every scenario beside it parses. */
static int
check_shipped(const char *file)
{
	struct topology *t = NULL;
	struct cfg_errors e;
	char *beside, buf[1024];
	const cJSON *sc, *it;
	cJSON *root;
	int n = 0;

	if (topo_load(file, &t, &e) < 0 || kind_check_topology(t, &e) < 0) {
		for (int i = 0; i < e.count && i < CFG_MAX_ERRORS; i++)
			cr_log_error("%s", cfg_error_text(&e, i, buf, sizeof(buf)));
		cr_assert_fail("%s does not validate", file);
	}
	beside = scenario_beside_path(file);
	cfg_errors_init(&e, beside);
	root = t->scenarios == NULL && access(beside, F_OK) == 0 ? jc_parse_file(beside, &e) : NULL;
	sc = t->scenarios ? t->scenarios : cJSON_GetObjectItem(root, "scenarios");
	cJSON_ArrayForEach(it, sc) {
		struct scenario *s = NULL;

		cr_assert_eq(scenario_load(t, it->string, &s, &e), 0, "%s: %s: %s: %s", file,
		    it->string, e.count ? e.err[0].path : "", e.count ? e.err[0].msg : "");
		scenario_free(s);
		n++;
	}
	cJSON_Delete(root);
	free(beside);
	topo_free(t);
	return n;
}

Test(scenario_parse, shipped_topologies_and_their_scenarios)
{
	const char *src = getenv("ANYLAB_SOURCE_DIR");
	char dir[512], file[1024];
	struct dirent *d;
	int topos = 0, scenarios = 0;
	bool p2p = false;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/topologies", src ? src : ".");
	dp = opendir(dir);
	cr_assert_not_null(dp, "cannot open %s", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);

		if (len < 6 || strcmp(d->d_name + len - 5, ".json") != 0 ||
		    strstr(d->d_name, ".scenarios.json") != NULL)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, d->d_name);
		scenarios += check_shipped(file);
		topos++;
		p2p |= strcmp(d->d_name, "anycast-p2p.json") == 0;
	}
	closedir(dp);
	cr_assert(p2p, "topologies/anycast-p2p.json is checked");
	cr_assert_geq(topos, 2);
	cr_assert_geq(scenarios, 7, "Lab A's five and the point-to-point variant's two");
}

Test(scenario_parse, failover_steps_are_lab_a_steps_1_to_7)
{
	struct cfg_errors e;
	struct scenario *s = NULL;
	const struct scn_step *st;
	char buf[PREFIX_STRLEN];

	cr_assert_eq(scenario_load(topo, "failover", &s, &e), 0);
	cr_assert_str_eq(s->steps[2].label, "1. gateway: 51.51.51.0/24 via both DCs");
	cr_assert_eq(s->steps[2].kind, SCN_NEXTHOPS);
	cr_assert_eq(s->steps[2].count, 2);
	cr_assert_str_eq(prefix_ntop(&s->steps[2].prefix, buf, sizeof(buf)), "51.51.51.0/24");
	st = &s->steps[4];
	cr_assert_eq(st->kind, SCN_DISABLE);
	cr_assert_str_eq(st->node, "dc001");
	cr_assert_str_eq(st->iface, "eth0");
	cr_assert_eq(s->steps[5].kind, SCN_ANSWERED);
	cr_assert_str_eq(s->steps[5].clients.of, "DC001");
	cr_assert_str_eq(s->steps[5].by, "DC002");
	cr_assert_eq(s->steps[5].within_ms, 1000, "fast detection: BFD");
	cr_assert_eq(s->steps[6].state, SCN_SS_DOWN);
	cr_assert(scn_step_undoes(&s->steps[4], &s->steps[8]));
	cr_assert(!scn_step_undoes(&s->steps[8], &s->steps[4]));
	scenario_free(s);
}

Test(scenario_parse, lab_a_fast_detection_and_maintenance)
{
	struct cfg_errors e;
	struct scenario *s = NULL;
	const struct scn_step *st;

	/* A black hole keeps the carrier: BFD alone tells the gateway, within 1 s. */
	cr_assert_eq(scenario_load(topo, "blackhole", &s, &e), 0);
	st = &s->steps[4];
	cr_assert_eq(st->kind, SCN_IMPAIR);
	cr_assert(st->impair.blackhole);
	cr_assert_str_eq(st->node, "dc001");
	cr_assert_str_eq(st->iface, "eth0");
	cr_assert_eq(s->steps[5].kind, SCN_ANSWERED);
	cr_assert_str_eq(s->steps[5].clients.of, "DC001");
	cr_assert_str_eq(s->steps[5].by, "DC002");
	cr_assert_eq(s->steps[5].within_ms, 1000);
	cr_assert_eq(s->steps[8].kind, SCN_CLEAR);
	cr_assert(scn_step_undoes(&s->steps[4], &s->steps[8]));
	scenario_free(s);

	/* The health check ends what was a black hole: no no_answer step any more. */
	cr_assert_eq(scenario_load(topo, "service-dies", &s, &e), 0);
	cr_assert_eq(s->steps[4].kind, SCN_KILL);
	cr_assert_eq(s->steps[5].kind, SCN_ANSWERED);
	cr_assert_str_eq(s->steps[5].by, "DC002");
	cr_assert_eq(s->steps[5].within_ms, 2000);
	for (size_t i = 0; i < s->nsteps; i++)
		cr_assert_neq(s->steps[i].kind, SCN_NO_ANSWER, "step %zu", i);
	scenario_free(s);

	/* Drain, maintenance, undrain: not one query lost since the split. */
	cr_assert_eq(scenario_load(topo, "maintenance", &s, &e), 0);
	cr_assert_eq(s->steps[4].kind, SCN_DRAIN);
	cr_assert_str_eq(s->steps[4].node, "dc001");
	cr_assert(!s->steps[4].withdraw);
	cr_assert_eq(s->steps[4].prefix.addr.family, 0);
	cr_assert_eq(s->steps[8].kind, SCN_DISABLE);
	cr_assert_eq(s->steps[10].kind, SCN_ENABLE);
	cr_assert_eq(s->steps[13].kind, SCN_UNDRAIN);
	cr_assert(scn_step_undoes(&s->steps[4], &s->steps[13]));
	st = &s->steps[s->nsteps - 1];
	cr_assert_eq(st->kind, SCN_LOST);
	cr_assert_eq(st->lost_max, 0);
	cr_assert_eq(st->clients.n, 0, "every client");
	cr_assert_str_eq(st->since, s->steps[3].label);
	scenario_free(s);
}

Test(scenario_parse, generated_labels_describe_the_step)
{
	struct cfg_errors e;
	struct scenario *s = NULL;
	cJSON *root;

	cfg_errors_init(&e, "x");
	root = jc_parse_string(
	    "{\"t\": {" PROBE ", \"steps\": ["
	    "{\"action\": \"cut\", \"iface\": \"dc002:eth0\"},"
	    "{\"action\": \"wait\", \"seconds\": 1.5},"
	    "{\"expect\": \"lost\", \"clients_of\": \"DC002\", \"max\": 10},"
	    "{\"action\": \"kill\", \"node\": \"dc001\", \"daemon\": \"bgp\"},"
	    "{\"action\": \"impair\", \"iface\": \"gateway:eth1\", \"loss\": 30}]}}",
	    &e);
	cr_assert_eq(scenario_parse(root, "scenarios", "t", topo, &s, &e), 0, "%s",
	    e.count ? e.err[0].msg : "");
	cr_assert_str_eq(s->steps[0].label, "cut dc002:eth0");
	cr_assert_str_eq(s->steps[1].label, "wait 1.5s");
	cr_assert_eq(s->steps[1].duration_ms, 1500);
	cr_assert_str_eq(s->steps[2].label, "lost: clients of DC002 at most 10");
	cr_assert_str_eq(s->steps[3].label, "kill dc001 bgp");
	cr_assert_eq(s->steps[4].impair.loss_pct, 30);
	cr_assert_eq(scn_undo_kind(SCN_KILL), SCN_START);
	scenario_free(s);
	cJSON_Delete(root);
}

Test(scenario_parse, missing_scenario_lists_the_others)
{
	struct cfg_errors e;
	struct scenario *s;
	cJSON *root;

	cfg_errors_init(&e, "x");
	root = jc_parse_string("{\"a\": {\"steps\": []}, \"b\": {}}", &e);
	cr_assert_eq(scenario_parse(root, "scenarios", "zzz", topo, &s, &e), -1);
	cr_assert_str_eq(e.err[0].path, "scenarios");
	cr_assert_str_eq(e.err[0].msg, "no scenario \"zzz\"; there are: a, b");
	cJSON_Delete(root);
}

Test(scenario_parse, beside_path)
{
	char *p = scenario_beside_path("topologies/anycast-lab.json");

	cr_assert_str_eq(p, "topologies/anycast-lab.scenarios.json");
	free(p);
	p = scenario_beside_path("lab");
	cr_assert_str_eq(p, "lab.scenarios.json");
	free(p);
}

Test(scenario_parse, unknown_scenario_key)
{
	expect_error("{\"steps\": [{\"action\": \"wait\", \"seconds\": 1}], \"stepz\": 1}",
	    "scenarios.t.stepz",
	    "unknown key \"stepz\"; expected one of: description, probe, steps");
}

Test(scenario_parse, steps_missing_or_empty)
{
	expect_error("{\"description\": \"x\"}", "scenarios.t.steps",
	    "missing; this key is required");
	expect_error("{\"steps\": []}", "scenarios.t.steps", "expected at least one step");
	expect_error("{\"steps\": {}}", "scenarios.t.steps", "expected an array, found an object");
}

Test(scenario_parse, step_not_an_object)
{
	expect_error("{\"steps\": [{\"action\": \"wait\", \"seconds\": 1}, 7]}",
	    "scenarios.t.steps[1]", "expected a step object with \"action\" or \"expect\"");
}

Test(scenario_parse, action_and_expect_together)
{
	expect_error("{\"steps\": [{\"action\": \"wait\", \"expect\": \"lost\"}]}",
	    "scenarios.t.steps[0]", "expected exactly one of \"action\" and \"expect\"");
	expect_error("{\"steps\": [{\"seconds\": 1}]}", "scenarios.t.steps[0]",
	    "expected exactly one of \"action\" and \"expect\"");
}

Test(scenario_parse, unknown_action_lists_actions)
{
	expect_error("{\"steps\": [{\"action\": \"explode\"}]}", "scenarios.t.steps[0].action",
	    "expected one of wait, disable, enable, cut, restore, impair, clear, kill, stop, "
	    "start, "
	    "withdraw, announce, drain, undrain; found \"explode\"");
}

Test(scenario_parse, unknown_expectation_lists_expectations)
{
	expect_error("{\"steps\": [{\"expect\": \"disable\"}]}", "scenarios.t.steps[0].expect",
	    "expected one of answered, instances, nexthops, session, lost, no_answer, stayed; "
	    "found "
	    "\"disable\"");
}

Test(scenario_parse, key_of_another_step_kind)
{
	expect_error("{\"steps\": [{\"action\": \"disable\", \"iface\": \"dc001:eth0\", "
		     "\"within\": 3}]}",
	    "scenarios.t.steps[0].within",
	    "unknown key \"within\"; expected one of: action, label, comment, iface");
}

Test(scenario_parse, iface_syntax)
{
	expect_error("{\"steps\": [{\"action\": \"disable\", \"iface\": \"dc001\"}]}",
	    "scenarios.t.steps[0].iface", "expected \"NODE:IFACE\", found \"dc001\"");
	expect_error("{\"steps\": [{\"action\": \"cut\", \"iface\": \"dc001:\"}]}",
	    "scenarios.t.steps[0].iface", "expected \"NODE:IFACE\", found \"dc001:\"");
	expect_error("{\"steps\": [{\"action\": \"cut\"}]}", "scenarios.t.steps[0].iface",
	    "missing; this key is required");
}

Test(scenario_parse, iface_unknown_node_or_interface)
{
	expect_error("{\"steps\": [{\"action\": \"disable\", \"iface\": \"dc009:eth0\"}]}",
	    "scenarios.t.steps[0].iface", "expected a node of the topology, found \"dc009\"");
	expect_error("{\"steps\": [{\"action\": \"restore\", \"iface\": \"dc001:eth7\"}]}",
	    "scenarios.t.steps[0].iface", "node dc001 has no interface \"eth7\"");
}

Test(scenario_parse, daemon_the_node_does_not_run)
{
	expect_error("{\"steps\": [{\"action\": \"kill\", \"node\": \"gateway\", "
		     "\"daemon\": \"dns\"}]}",
	    "scenarios.t.steps[0].daemon", "node gateway runs no dns daemon (no \"dns\" section)");
	expect_error("{\"steps\": [{\"action\": \"stop\", \"node\": \"dc001\", "
		     "\"daemon\": \"ntp\"}]}",
	    "scenarios.t.steps[0].daemon",
	    "expected \"dns\", \"bgp\" or a name in node dc001's \"services\", found \"ntp\"");
	expect_error("{\"steps\": [{\"action\": \"start\", \"node\": \"nosuch\", "
		     "\"daemon\": \"dns\"}]}",
	    "scenarios.t.steps[0].node", "expected a node of the topology, found \"nosuch\"");
}

Test(scenario_parse, withdraw_needs_a_speaker_and_a_network)
{
	expect_error("{\"steps\": [{\"action\": \"withdraw\", \"node\": \"client1\", "
		     "\"prefix\": \"51.51.51.0/24\"}]}",
	    "scenarios.t.steps[0].node", "node client1 runs no BGP speaker");
	expect_error("{\"steps\": [{\"action\": \"announce\", \"node\": \"dc001\", "
		     "\"prefix\": \"51.51.51.1/24\"}]}",
	    "scenarios.t.steps[0].prefix",
	    "expected a network prefix with no host bits set (\"10.0.0.0/24\"), found "
	    "\"51.51.51.1/24\"");
}

Test(scenario_parse, drain_and_undrain)
{
	struct cfg_errors e;
	struct scenario *s = NULL;
	char buf[PREFIX_STRLEN];
	cJSON *root;

	cfg_errors_init(&e, "x");
	root = jc_parse_string(
	    "{\"t\": {\"steps\": ["
	    "{\"action\": \"drain\", \"node\": \"dc001\"},"
	    "{\"action\": \"drain\", \"node\": \"dc002\", \"prefix\": \"51.51.51.0/24\","
	    " \"withdraw\": true},"
	    "{\"action\": \"undrain\", \"node\": \"dc002\", \"prefix\": \"51.51.51.0/24\"},"
	    "{\"action\": \"undrain\", \"node\": \"dc001\", \"label\": \"back\"},"
	    "{\"action\": \"undrain\", \"node\": \"dc002\", \"prefix\": \"52.0.0.0/8\"},"
	    "{\"action\": \"drain\", \"node\": \"dc001\", \"withdraw\": false}]}}",
	    &e);
	cr_assert_eq(scenario_parse(root, "scenarios", "t", topo, &s, &e), 0, "%s",
	    e.count ? e.err[0].msg : "");
	cr_assert_eq(s->steps[0].kind, SCN_DRAIN);
	cr_assert_str_eq(s->steps[0].node, "dc001");
	cr_assert_eq(s->steps[0].prefix.addr.family, 0, "no prefix: every originated one");
	cr_assert(!s->steps[0].withdraw);
	cr_assert_str_eq(s->steps[0].label, "drain dc001");
	cr_assert_str_eq(s->steps[1].label, "drain dc002 51.51.51.0/24 (withdraw)");
	cr_assert(s->steps[1].withdraw);
	cr_assert_str_eq(prefix_ntop(&s->steps[1].prefix, buf, sizeof(buf)), "51.51.51.0/24");
	cr_assert_eq(s->steps[2].kind, SCN_UNDRAIN);
	cr_assert_str_eq(s->steps[2].label, "undrain dc002 51.51.51.0/24");
	cr_assert_str_eq(s->steps[3].label, "back");
	cr_assert(!s->steps[5].withdraw);
	/* drain is a fault, undrain its undo: on the same node, all or the same prefix. */
	cr_assert(scn_is_action(SCN_DRAIN) && scn_is_action(SCN_UNDRAIN));
	cr_assert_eq(scn_undo_kind(SCN_DRAIN), SCN_UNDRAIN);
	cr_assert_eq(scn_undo_kind(SCN_UNDRAIN), -1);
	cr_assert(scn_step_undoes(&s->steps[0], &s->steps[3]));
	cr_assert(!scn_step_undoes(&s->steps[0], &s->steps[2]), "another node");
	cr_assert(scn_step_undoes(&s->steps[1], &s->steps[2]));
	cr_assert(!scn_step_undoes(&s->steps[1], &s->steps[4]), "another prefix");
	cr_assert(!scn_step_undoes(&s->steps[3], &s->steps[0]));
	scenario_free(s);
	cJSON_Delete(root);
}

Test(scenario_parse, drain_errors)
{
	expect_error("{\"steps\": [{\"action\": \"drain\"}]}", "scenarios.t.steps[0].node",
	    "missing; this key is required");
	expect_error("{\"steps\": [{\"action\": \"drain\", \"node\": \"client1\"}]}",
	    "scenarios.t.steps[0].node", "node client1 runs no BGP speaker");
	expect_error("{\"steps\": [{\"action\": \"undrain\", \"node\": \"dc009\"}]}",
	    "scenarios.t.steps[0].node", "expected a node of the topology, found \"dc009\"");
	expect_error("{\"steps\": [{\"action\": \"drain\", \"node\": \"dc001\", "
		     "\"prefix\": \"51.51.51.1/24\"}]}",
	    "scenarios.t.steps[0].prefix",
	    "expected a network prefix with no host bits set (\"10.0.0.0/24\"), found "
	    "\"51.51.51.1/24\"");
	expect_error("{\"steps\": [{\"action\": \"drain\", \"node\": \"dc001\", "
		     "\"withdraw\": \"yes\"}]}",
	    "scenarios.t.steps[0].withdraw", "expected true or false, found a string");
	expect_error("{\"steps\": [{\"action\": \"undrain\", \"node\": \"dc001\", "
		     "\"withdraw\": true}]}",
	    "scenarios.t.steps[0].withdraw",
	    "unknown key \"withdraw\"; expected one of: action, label, comment, node, prefix");
	expect_error("{\"steps\": [{\"action\": \"drain\", \"node\": \"dc001\", "
		     "\"within\": 1}]}",
	    "scenarios.t.steps[0].within",
	    "unknown key \"within\"; expected one of: action, label, comment, node, prefix, "
	    "withdraw");
}

Test(scenario_parse, nexthops_count)
{
	expect_error("{\"steps\": [{\"expect\": \"nexthops\", \"node\": \"gateway\", "
		     "\"prefix\": \"51.51.51.0/24\"}]}",
	    "scenarios.t.steps[0].count", "missing; this key is required");
	expect_error("{\"steps\": [{\"expect\": \"nexthops\", \"node\": \"gateway\", "
		     "\"prefix\": \"51.51.51.0/24\", \"count\": -1}]}",
	    "scenarios.t.steps[0].count", "expected an integer from 0 to 256, found -1");
}

Test(scenario_parse, session_state)
{
	expect_error("{\"steps\": [{\"expect\": \"session\", \"node\": \"gateway\", "
		     "\"peer\": \"10.10.10.1\", \"state\": \"up\"}]}",
	    "scenarios.t.steps[0].state",
	    "expected idle, connect, active, opensent, openconfirm, established or down; "
	    "found \"up\"");
	expect_error("{\"steps\": [{\"expect\": \"session\", \"node\": \"gateway\", "
		     "\"peer\": \"10.10.10.1.5\", \"state\": \"down\"}]}",
	    "scenarios.t.steps[0].peer",
	    "expected an IPv4 or IPv6 address, found \"10.10.10.1.5\"");
}

Test(scenario_parse, within_must_be_seconds)
{
	expect_error("{\"steps\": [{\"expect\": \"session\", \"node\": \"gateway\", "
		     "\"peer\": \"10.10.10.1\", \"state\": \"down\", \"within\": \"5s\"}]}",
	    "scenarios.t.steps[0].within", "expected a number of seconds from 0 to 3600");
	expect_error("{\"steps\": [{\"action\": \"wait\", \"seconds\": -2}]}",
	    "scenarios.t.steps[0].seconds", "expected a number of seconds from 0 to 3600");
}

Test(scenario_parse, answered_needs_by_or_not_by)
{
	expect_error("{" PROBE ", \"steps\": [{\"expect\": \"answered\", "
		     "\"clients\": [\"client1\"]}]}",
	    "scenarios.t.steps[0]",
	    "expected at least one of \"by\", \"not_by\", \"by_site\", \"not_by_site\", "
	    "\"by_own_site\": true");
}

Test(scenario_parse, clients_must_be_probed)
{
	expect_error("{\"probe\": {\"clients\": [\"client1\"]}, \"steps\": [{\"expect\": "
		     "\"answered\", \"clients\": [\"client1\", \"client2\"], \"by\": \"DC001\"}]}",
	    "scenarios.t.steps[0].clients[1]",
	    "expected a client named in probe.clients, found \"client2\"");
}

Test(scenario_parse, client_expectation_without_probe)
{
	expect_error("{\"steps\": [{\"expect\": \"instances\", \"set\": [\"DC001\"]}]}",
	    "scenarios.t.steps[0]", "expectation about clients needs a \"probe\" section");
}

Test(scenario_parse, probe_errors)
{
	expect_error("{\"probe\": {\"clients\": [\"client1\", \"ghost\"]}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.clients[1]", "expected a node of the topology, found \"ghost\"");
	expect_error("{\"probe\": {\"clients\": [\"client1\", \"client1\"]}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.clients[1]", "client \"client1\" named twice");
	expect_error("{\"probe\": {\"clients\": [\"client1\"], \"rate\": 0}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.rate", "expected a number from 0.1 to 10000, found 0");
	expect_error("{\"probe\": {\"clients\": [\"client1\"], \"rate\": 0.05}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.rate", "expected a number from 0.1 to 10000, found 0.05");
	expect_error("{\"probe\": {\"clients\": [\"client1\"], \"rate\": \"1\"}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.rate", "expected a number from 0.1 to 10000, found a string");
	expect_error("{\"probe\": {\"clients\": [\"client1\"], \"qtype\": \"TXTT\"}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.qtype", "expected a record type such as \"TXT\"");
	expect_error("{\"probe\": {\"clients\": [\"client1\"], \"identity\": \"hostname\"}, "
		     "\"steps\": [{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.identity", "expected \"txt\" or \"nsid\", found \"hostname\"");
	expect_error("{\"probe\": {\"clients\": []}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.clients", "expected at least one client node name");
	expect_error("{\"probe\": {\"clients\": \"some\"}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.clients", "expected a list of client node names or \"all\"");
	expect_error("{\"probe\": {\"clients\": [\"client1\"], \"transport\": \"quic\"}, "
		     "\"steps\": [{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.transport", "expected \"udp\" or \"tcp\", found \"quic\"");
	expect_error("{\"probe\": {\"clients\": [\"gateway\"], \"server\": 5}, \"steps\": "
		     "[{\"action\": \"wait\", \"seconds\": 1}]}",
	    "scenarios.t.probe.server", "expected an IPv4 or IPv6 address, found a number");
}

/* "all": every node with a resolver and no daemon (Lab A: the two clients); tcp. */
Test(scenario_parse, probe_all_clients_over_tcp)
{
	const char *body = "{\"scenarios\": {\"t\": {\"probe\": {\"clients\": \"all\", "
			   "\"transport\": \"tcp\", \"rate\": 0.25}, \"steps\": "
			   "[{\"action\": \"wait\", \"seconds\": 1}]}}}";
	struct cfg_errors e;
	struct scenario *s = NULL;
	cJSON *root;

	cfg_errors_init(&e, "x.json");
	root = jc_parse_string(body, &e);
	cr_assert_not_null(root);
	cr_assert_eq(scenario_parse(cJSON_GetObjectItem(root, "scenarios"), "scenarios", "t", topo,
			 &s, &e),
	    0, "%s: %s", e.count ? e.err[0].path : "", e.count ? e.err[0].msg : "");
	cr_assert_eq(s->probe.nclients, 2);
	cr_assert_str_eq(s->probe.clients[0], "client1");
	cr_assert_str_eq(s->probe.clients[1], "client2");
	cr_assert_eq(s->probe.transport, SCN_TR_TCP);
	cr_assert_eq(s->probe.rate, 0.25);
	scenario_free(s);
	cJSON_Delete(root);
}

Test(scenario_parse, lost_bounds)
{
	expect_error("{" PROBE ", \"steps\": [{\"expect\": \"lost\"}]}", "scenarios.t.steps[0]",
	    "expected \"min\" or \"max\"");
	expect_error("{" PROBE ", \"steps\": [{\"expect\": \"lost\", \"min\": 5, \"max\": 2}]}",
	    "scenarios.t.steps[0].min", "expected min <= max");
	expect_error("{" PROBE ", \"steps\": [{\"action\": \"wait\", \"seconds\": 1, "
		     "\"label\": \"w\"}, {\"expect\": \"lost\", \"max\": 2, \"since\": \"x\"}]}",
	    "scenarios.t.steps[1].since", "expected the label of an earlier step, found \"x\"");
}

Test(scenario_parse, impair_needs_something)
{
	expect_error("{\"steps\": [{\"action\": \"impair\", \"iface\": \"dc001:eth0\"}]}",
	    "scenarios.t.steps[0]",
	    "expected at least one of loss, blackhole, rate_kbit, delay_ms, jitter_ms");
	expect_error("{\"steps\": [{\"action\": \"impair\", \"iface\": \"dc001:eth0\", "
		     "\"loss\": 101}]}",
	    "scenarios.t.steps[0].loss", "expected an integer from 0 to 100, found 101");
	expect_error("{\"steps\": [{\"action\": \"impair\", \"iface\": \"dc001:eth0\", "
		     "\"jitter_ms\": 5}]}",
	    "scenarios.t.steps[0]", "jitter_ms needs delay_ms");
}

Test(scenario_parse, instances_set)
{
	expect_error("{" PROBE ", \"steps\": [{\"expect\": \"instances\", \"set\": []}]}",
	    "scenarios.t.steps[0].set", "expected at least one instance name");
	expect_error("{" PROBE ", \"steps\": [{\"expect\": \"instances\", "
		     "\"set\": [\"DC001\", 2]}]}",
	    "scenarios.t.steps[0].set[1]", "expected a string, found a number");
}

Test(scenario_parse, empty_label)
{
	expect_error("{\"steps\": [{\"action\": \"wait\", \"seconds\": 1, \"label\": \"\"}]}",
	    "scenarios.t.steps[0].label", "expected a non-empty label");
}

Test(scenario_parse, every_error_is_collected)
{
	struct cfg_errors e;
	struct scenario *s;
	cJSON *root;

	cfg_errors_init(&e, "x");
	root = jc_parse_string(
	    "{\"t\": {\"steps\": [{\"action\": \"cut\", \"iface\": \"a\"},"
	    "{\"action\": \"wait\"}, {\"expect\": \"nexthops\", \"node\": \"gateway\", "
	    "\"prefix\": \"51.51.51.0/24\", \"count\": 1}]}}",
	    &e);
	cr_assert_eq(scenario_parse(root, "scenarios", "t", topo, &s, &e), -1);
	cr_assert_eq(e.count, 2);
	cr_assert_str_eq(e.err[0].path, "scenarios.t.steps[0].iface");
	cr_assert_str_eq(e.err[1].path, "scenarios.t.steps[1].seconds");
	cJSON_Delete(root);
}
