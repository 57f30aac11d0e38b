/*
 * The step syntax for labs of many clients (docs/scenarios.md), on a small
 * topology with two sites and synthetic probe logs: selection by site,
 * instances' sites (dns.identity, or the node's name), answered with
 * by_site / not_by_site / min_pct, the stayed expectation, and the parser's
 * errors for them and for lists of targets.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "scenario.h"
#include "topo.h"

#define T0	  1763770000000000LL
#define NC	  4
#define LIST_ROOM 48 /* expect.c keeps this much at the end of a list (LIST_TAIL) */

static const char topo_text[] =
    "{\"name\": \"t\", \"nodes\": {"
    "\"c1\": {\"site\": \"a\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\"]}},"
    " \"resolver\": [\"10.0.0.9\"]},"
    "\"c2\": {\"site\": \"a\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.2/24\"]}},"
    " \"resolver\": [\"10.0.0.9\"]},"
    "\"c3\": {\"site\": \"b\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.3/24\"]}},"
    " \"resolver\": [\"10.0.0.9\"]},"
    "\"c4\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.4/24\"]}},"
    " \"resolver\": [\"10.0.0.9\"]},"
    "\"d1\": {\"site\": \"a\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.11/24\"]}},"
    " \"dns\": {\"identity\": \"D1\"}, \"bgp\": {\"asn\": 1}},"
    "\"d2\": {\"site\": \"b\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.12/24\"]}},"
    " \"dns\": {\"identity\": \"D2\"}, \"bgp\": {\"asn\": 1}},"
    "\"d3\": {\"site\": \"a\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.13/24\"]}},"
    " \"dns\": {}}},"
    "\"links\": [{\"name\": \"l\", \"endpoints\": [\"c1:eth0\", \"c2:eth0\", \"c3:eth0\","
    " \"c4:eth0\", \"d1:eth0\", \"d2:eth0\", \"d3:eth0\"]}]}";

static struct topology *topo;
static struct probe_log logs[NC];
static struct res_client clients[NC];
static const char *const names[NC] = { "c1", "c2", "c3", "c4" };

static void
setup(void)
{
	struct cfg_errors e;

	cr_assert_eq(topo_load_string(topo_text, "t.json", &topo, &e), 0, "%s: %s",
	    e.count ? e.err[0].path : "", e.count ? e.err[0].msg : "");
	for (size_t c = 0; c < NC; c++) {
		clients[c].name = names[c];
		probe_log_init(&logs[c], names[c]);
	}
}

static void
teardown(void)
{
	for (size_t c = 0; c < NC; c++)
		probe_log_free(&logs[c]);
	topo_free(topo);
}

TestSuite(expect_sites, .init = setup, .fini = teardown);

/* Client c answered by `first` for queries sent before T0 + 100 ms, by `then` after ("": lost). */
static void
answers(size_t c, const char *first, const char *then)
{
	for (uint32_t i = 0; i < 20; i++) {
		const char *inst = i < 10 ? first : then;
		struct probe_rec r = { .seq = i,
			.id = (uint16_t)i,
			.sched_us = T0 + i * 10000,
			.sent_us = T0 + i * 10000 + 10 };

		r.status = inst[0] ? PROBE_OK : PROBE_LOST;
		r.rtt_us = inst[0] ? 300 : -1;
		snprintf(r.inst, sizeof(r.inst), "%s", inst);
		probe_log_add(&logs[c], &r);
	}
}

static struct expect_view
view(const struct expect_sites *sites)
{
	return (struct expect_view){ .lab = "nolab",
		.topo = topo,
		.clients = clients,
		.logs = logs,
		.nclients = NC,
		.last_fault_us = T0 + 100000,
		.sites = sites };
}

Test(expect_sites, sites_of_clients_and_instances)
{
	struct expect_sites *s = expect_sites_new(topo, clients, NC);

	for (int pass = 0; pass < 2; pass++) {
		struct expect_view v = view(pass ? s : NULL);

		cr_assert_str_eq(expect_client_site(&v, 0), "a");
		cr_assert_str_eq(expect_client_site(&v, 2), "b");
		cr_assert_str_eq(expect_client_site(&v, 3), "");
		cr_assert_str_eq(expect_instance_site(&v, "D1"), "a");
		cr_assert_str_eq(expect_instance_site(&v, "D2"), "b");
		cr_assert_str_eq(expect_instance_site(&v, "d3"), "a"); /* no identity: its name */
		cr_assert_str_eq(expect_instance_site(&v, "d1"), "");  /* d1 has an identity */
		cr_assert_str_eq(expect_instance_site(&v, "NOBODY"), "");
		cr_assert_str_eq(expect_instance_site(&v, ""), "");
	}
	expect_sites_free(s);
}

Test(expect_sites, select_by_site_and_not_site)
{
	struct scn_step st = { .kind = SCN_ANSWERED, .by_site = "a" };
	struct expect_view v = view(NULL);
	bool sel[NC];
	char d[256];

	snprintf(st.clients.site, sizeof(st.clients.site), "a");
	cr_assert_eq(expect_select(&v, &st, T0, sel, d, sizeof(d)), 2);
	cr_assert(sel[0] && sel[1] && !sel[2] && !sel[3]);
	st.clients.not_site = true;
	cr_assert_eq(expect_select(&v, &st, T0, sel, d, sizeof(d)), 2);
	cr_assert(!sel[0] && !sel[1] && sel[2] && sel[3]); /* c4 has no site: not in a */
	snprintf(st.clients.site, sizeof(st.clients.site), "zz");
	st.clients.not_site = false;
	cr_assert_eq(expect_select(&v, &st, T0, sel, d, sizeof(d)), 0);
	cr_assert_str_eq(d, "no probed client in site zz");
	/* With clients_of: the instance's clients in the site. */
	answers(0, "D1", "D1");
	answers(1, "D2", "D2");
	answers(2, "D1", "D1");
	answers(3, "D1", "D1");
	snprintf(st.clients.site, sizeof(st.clients.site), "b");
	st.clients.not_site = true;
	snprintf(st.clients.of, sizeof(st.clients.of), "D1");
	cr_assert_eq(expect_select(&v, &st, T0 + 200000, sel, d, sizeof(d)), 2);
	cr_assert(sel[0] && !sel[1] && !sel[2] && sel[3]);
}

Test(expect_sites, answered_by_site_with_a_share)
{
	struct expect_sites *s = expect_sites_new(topo, clients, NC);
	struct scn_step st = { .kind = SCN_ANSWERED, .by_site = "a" };
	struct expect_view v = view(s);
	bool sel[NC] = { true, true, true, false };
	char d[512];

	answers(0, "D2", "D1");
	answers(1, "D2", "d3");
	answers(2, "D2", "D2");
	answers(3, "D1", "");
	/* Since T0 + 100 ms: c1 D1 (a), c2 d3 (a), c3 D2 (b). */
	cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)));
	cr_assert_str_eq(d, "2 of 3 clients as expected (100 % needed); not: c3: D2");
	st.min_pct = 67;
	cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)));
	st.min_pct = 66;
	cr_assert(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)), "%s", d);
	/* not_by_site b, and by D1 on top: only c1 qualifies. */
	st.min_pct = 0;
	st.by_site[0] = '\0';
	snprintf(st.not_by_site, sizeof(st.not_by_site), "b");
	cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)));
	sel[2] = false;
	cr_assert(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)), "%s", d);
	snprintf(st.by, sizeof(st.by), "D1");
	cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)));
	cr_assert_str_eq(d, "1 of 2 clients as expected (100 % needed); not: c2: d3");
	/* A client without an answer falls short. */
	sel[0] = sel[1] = false;
	sel[3] = true;
	cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)));
	cr_assert_str_eq(d, "0 of 1 clients as expected (100 % needed); not: c4: no answer");
	expect_sites_free(s);
}

/* by_own_site: each client by an instance of its own site; no site, no own site. */
Test(expect_sites, answered_by_own_site)
{
	struct expect_sites *s = expect_sites_new(topo, clients, NC);
	struct scn_step st = { .kind = SCN_ANSWERED, .by_own_site = true };
	bool sel[NC] = { true, true, true, true };
	char d[512],
	    small[sizeof("2 of 4 clients as expected (100 % needed); not: c2: D2") + LIST_ROOM];

	answers(0, "D2", "D1"); /* a, latest by a */
	answers(1, "D1", "D2"); /* a, latest by b */
	answers(2, "D1", "D2"); /* b, latest by b */
	answers(3, "D1", "D1"); /* no site */
	for (int pass = 0; pass < 2; pass++) {
		struct expect_view v = view(pass ? s : NULL);

		cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)));
		cr_assert_str_eq(d,
		    "2 of 4 clients as expected (100 % needed); not: c2: D2; c4: D1");
		sel[1] = sel[3] = false;
		cr_assert(expect_check(&v, &st, sel, T0 + 100000, d, sizeof(d)), "%s", d);
		cr_assert_str_eq(d, "2 of 2 clients as expected (100 % needed)");
		sel[1] = sel[3] = true;
		/* A list that does not fit ends with how many more, never cut. */
		cr_assert_not(expect_check(&v, &st, sel, T0 + 100000, small, sizeof(small)));
		cr_assert_str_eq(small,
		    "2 of 4 clients as expected (100 % needed); not: c2: D2 ... and 1 more");
	}
	expect_sites_free(s);
}

Test(expect_sites, stayed_counts_clients_that_moved)
{
	struct scn_step st = { .kind = SCN_STAYED, .stayed_max = 0, .stayed_max_pct = -1 };
	struct expect_view v = view(NULL);
	bool sel[NC] = { true, true, true, true };
	char d[512];

	cr_assert(expect_is_window(&st));
	answers(0, "D1", "D2"); /* moved */
	answers(1, "D1", "");	/* lost, not moved */
	answers(2, "D2", "D2");
	answers(3, "", "D1"); /* no answer before: cannot move */
	cr_assert_not(expect_window(&v, &st, sel, "", T0 + 100000, T0 + 200000, d, sizeof(d)));
	cr_assert_str_eq(d,
	    "1 of 4 clients moved in 0.100 s (1 had no answer before it): c1 D1 -> D2");
	/* What does not fit is counted, never cut. */
	{
		char small[sizeof("1 of 4 clients moved in 0.100 s (1 had no answer before it):") +
		    LIST_ROOM];

		cr_assert_not(expect_window(&v, &st, sel, "", T0 + 100000, T0 + 200000, small,
		    sizeof(small)));
		cr_assert_str_eq(small,
		    "1 of 4 clients moved in 0.100 s (1 had no answer before "
		    "it): ... and 1 more");
	}
	st.stayed_max = 1;
	cr_assert(expect_window(&v, &st, sel, "", T0 + 100000, T0 + 200000, d, sizeof(d)));
	st.stayed_max = -1;
	st.stayed_max_pct = 25;
	cr_assert(expect_window(&v, &st, sel, "", T0 + 100000, T0 + 200000, d, sizeof(d)));
	st.stayed_max_pct = 24;
	cr_assert_not(expect_window(&v, &st, sel, "", T0 + 100000, T0 + 200000, d, sizeof(d)));
	/* Only the window counts: the move comes after T0 + 100 ms. */
	st.stayed_max_pct = 0;
	cr_assert(expect_window(&v, &st, sel, "", T0, T0 + 100000, d, sizeof(d)), "%s", d);
	sel[0] = false;
	st.stayed_max = 0;
	cr_assert(expect_window(&v, &st, sel, "", T0 + 100000, T0 + 200000, d, sizeof(d)));
	cr_assert_str_eq(d, "0 of 3 clients moved in 0.100 s (1 had no answer before it)");
}

/* Parse {"scenarios": {"t": BODY}} against the topology. */
static int
parse(const char *body, struct scenario **s, struct cfg_errors *e)
{
	char *text;
	cJSON *root;
	int rc;

	cfg_errors_init(e, "x.json");
	cr_assert(asprintf(&text, "{\"scenarios\": {\"t\": %s}}", body) > 0);
	root = jc_parse_string(text, e);
	cr_assert_not_null(root, "%s", text);
	rc = scenario_parse(cJSON_GetObjectItem(root, "scenarios"), "scenarios", "t", topo, s, e);
	cJSON_Delete(root);
	free(text);
	return rc;
}

#define PROBE "\"probe\": {\"clients\": [\"c1\", \"c2\", \"c3\", \"c4\"]}, "

static void
refused(const char *steps, const char *path, const char *msg)
{
	struct scenario *s = NULL;
	struct cfg_errors e;
	char *body;

	cr_assert(asprintf(&body, "{" PROBE "\"steps\": [%s]}", steps) > 0);
	cr_assert_eq(parse(body, &s, &e), -1, "accepted: %s", steps);
	cr_assert_geq(e.count, 1);
	cr_expect_str_eq(e.err[0].path, path, "for %s", steps);
	cr_expect_str_eq(e.err[0].msg, msg, "for %s", steps);
	free(body);
}

Test(expect_sites, parse_errors)
{
	refused("{\"expect\": \"answered\", \"site\": \"zz\", \"by\": \"D1\"}",
	    "scenarios.t.steps[0].site",
	    "expected the \"site\" of a node of the topology, found \"zz\"");
	refused("{\"expect\": \"answered\", \"site\": \"a\", \"not_site\": \"b\", \"by\": \"D1\"}",
	    "scenarios.t.steps[0].not_site", "expected \"site\" or \"not_site\", not both");
	refused("{\"expect\": \"answered\", \"by_site\": \"a\", \"min_pct\": 0}",
	    "scenarios.t.steps[0].min_pct", "expected an integer from 1 to 100, found 0");
	refused("{\"expect\": \"answered\", \"not_by_site\": \"q\"}",
	    "scenarios.t.steps[0].not_by_site",
	    "expected the \"site\" of a node of the topology, found \"q\"");
	refused("{\"expect\": \"answered\", \"site\": \"a\"}", "scenarios.t.steps[0]",
	    "expected at least one of \"by\", \"not_by\", \"by_site\", \"not_by_site\", "
	    "\"by_own_site\": true");
	refused("{\"expect\": \"stayed\", \"max_pct\": 101}", "scenarios.t.steps[0].max_pct",
	    "expected an integer from 0 to 100, found 101");
	refused("{\"expect\": \"stayed\", \"within\": 1}", "scenarios.t.steps[0].within",
	    "unknown key \"within\"; expected one of: expect, label, comment, clients, "
	    "clients_of, site, not_site, max, max_pct, since");
	refused("{\"action\": \"disable\", \"iface\": []}", "scenarios.t.steps[0].iface",
	    "expected at least one target");
	refused("{\"action\": \"disable\", \"iface\": [\"d1:eth0\", \"d2:eth9\"]}",
	    "scenarios.t.steps[0].iface[1]", "node d2 has no interface \"eth9\"");
	refused("{\"action\": \"cut\", \"iface\": [\"d1:eth0\", 3]}",
	    "scenarios.t.steps[0].iface[1]", "expected a string, found a number");
	refused("{\"action\": \"enable\", \"iface\": [\"d1:eth0\", \"d1:eth0\"]}",
	    "scenarios.t.steps[0].iface[1]", "d1:eth0 is already a target of this step");
	refused("{\"action\": \"enable\", \"iface\": {}}", "scenarios.t.steps[0].iface",
	    "expected a string or a list of strings");
	refused("{\"action\": \"kill\", \"node\": [\"d1\", \"d3\"], \"daemon\": \"bgp\"}",
	    "scenarios.t.steps[0].daemon", "node d3 runs no bgp daemon (no \"bgp\" section)");
	refused(
	    "{\"action\": \"withdraw\", \"node\": [\"d1\", \"c1\"], \"prefix\": \"1.2.3.4/32\"}",
	    "scenarios.t.steps[0].node[1]", "node c1 runs no BGP speaker");
	refused("{\"expect\": \"nexthops\", \"node\": [\"d1\"], \"prefix\": \"1.2.3.4/32\", "
		"\"count\": 1}",
	    "scenarios.t.steps[0].node", "expected a string, found an array");
}

Test(expect_sites, lists_of_targets_and_their_undo)
{
	struct scenario *s = NULL;
	struct cfg_errors e;

	cr_assert_eq(
	    parse("{" PROBE "\"steps\": ["
		  "{\"action\": \"disable\", \"iface\": [\"d1:eth0\", \"d2:eth0\"]},"
		  "{\"expect\": \"stayed\", \"not_site\": \"a\"},"
		  "{\"expect\": \"answered\", \"site\": \"a\", \"not_by_site\": \"a\","
		  " \"min_pct\": 99},"
		  "{\"action\": \"enable\", \"iface\": [\"d2:eth0\", \"d1:eth0\"]},"
		  "{\"action\": \"enable\", \"iface\": \"d1:eth0\"},"
		  "{\"action\": \"kill\", \"node\": [\"d1\", \"d2\"], \"daemon\": \"dns\"},"
		  "{\"action\": \"start\", \"node\": [\"d2\", \"d1\"], \"daemon\": \"dns\"}]}",
		&s, &e),
	    0, "%s: %s", e.count ? e.err[0].path : "", e.count ? e.err[0].msg : "");
	cr_assert_eq(s->steps[0].ntargets, 2);
	cr_assert_str_eq(s->steps[0].node, "d1");
	cr_assert_str_eq(s->steps[0].targets[1].node, "d2");
	cr_assert_str_eq(s->steps[0].targets[1].iface, "eth0");
	cr_assert_str_eq(s->steps[0].label, "disable d1:eth0 and 1 more");
	cr_assert_eq(s->steps[1].stayed_max, 0); /* neither max nor max_pct: max 0 */
	cr_assert(s->steps[1].clients.not_site);
	cr_assert_str_eq(s->steps[1].label, "stayed: clients not of site a, at most 0 moved");
	cr_assert_eq(s->steps[2].min_pct, 99);
	cr_assert(scn_step_undoes(&s->steps[0], &s->steps[3])); /* same list, other order */
	cr_assert_not(scn_step_undoes(&s->steps[0], &s->steps[4]));
	cr_assert_eq(s->steps[4].ntargets, 1);
	cr_assert(scn_step_undoes(&s->steps[5], &s->steps[6]));
	cr_assert_str_eq(s->steps[5].label, "kill d1 and 1 more dns");
	scenario_free(s);
}
