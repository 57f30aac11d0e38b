/*
 * Results in their three forms and the timeline picture, on a synthetic
 * run: the JSON parses and carries the measured figures, the JUnit XML and
 * the SVG are well-formed (labels with XML metacharacters included), and
 * they say what happened (failures, colours per instance, step marks).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "scenario/xmlcheck.h"
#include "timeline_svg.h"

#define T0  1763770000000000LL
#define SEC 1000000LL

static struct scenario *scn;
static struct run_result res;
static struct probe_log logs[2];

static const char *scenario_json =
    "{\"t\": {\"description\": \"a <test> & more\", "
    "\"probe\": {\"clients\": [\"client1\", \"client2\"]}, \"steps\": ["
    "{\"expect\": \"instances\", \"set\": [\"DC001\", \"DC002\"], "
    "\"label\": \"split <&> \\\"x\\\"\"},"
    "{\"action\": \"disable\", \"iface\": \"dc001:eth0\"},"
    "{\"expect\": \"answered\", \"clients_of\": \"DC001\", \"by\": \"DC002\"},"
    "{\"action\": \"enable\", \"iface\": \"dc001:eth0\"},"
    "{\"expect\": \"answered\", \"clients_of\": \"DC001\", \"by\": \"DC001\"},"
    "{\"expect\": \"lost\", \"max\": 0}]}}";

static void
fill_log(struct probe_log *l, const char *client, bool moves)
{
	probe_log_init(l, client);
	for (int64_t i = 0; i < 3000; i++) {
		struct probe_rec r = { .seq = (uint32_t)i, .id = (uint16_t)i };
		int64_t t = i * 10000;
		const char *inst = "DC002";

		r.sched_us = T0 + t;
		r.sent_us = r.sched_us + 20;
		if (moves) {
			inst = t < 5 * SEC ? "DC001" :
			    t < 12 * SEC   ? "" :
			    t < 20 * SEC   ? "DC002" :
			    t < 21 * SEC   ? "" :
					     "DC001";
		}
		r.status = inst[0] ? PROBE_OK : PROBE_LOST;
		r.rtt_us = inst[0] ? 250 : -1;
		snprintf(r.inst, sizeof(r.inst), "%s", inst);
		probe_log_add(l, &r);
	}
}

static void
setup(void)
{
	struct cfg_errors e;
	cJSON *root;
	static const enum res_status st[] = { RES_PASS, RES_DONE, RES_PASS, RES_DONE, RES_PASS,
		RES_FAIL };
	static const int64_t at[] = { 1, 5, 12, 20, 21, 30 };

	cfg_errors_init(&e, "x");
	root = jc_parse_string(scenario_json, &e);
	cr_assert_not_null(root);
	cr_assert_eq(scenario_parse(root, "scenarios", "t", NULL, &scn, &e), 0, "%s",
	    e.count ? e.err[0].msg : "");
	cJSON_Delete(root);
	memset(&res, 0, sizeof(res));
	res.lab = "anycast";
	res.topology = "topologies/anycast-lab.json";
	res.scenario = scn;
	res.start_us = T0;
	res.end_us = T0 + 30 * SEC;
	res.steps = calloc(scn->nsteps, sizeof(*res.steps));
	for (size_t i = 0; i < scn->nsteps; i++) {
		res.steps[i].step = &scn->steps[i];
		res.steps[i].status = st[i];
		/* Actions take 1 ms, expectations 200 ms. */
		res.steps[i].start_us = T0 + at[i] * SEC -
		    (scn_is_action(scn->steps[i].kind) ? 1000 : 200000);
		res.steps[i].end_us = T0 + at[i] * SEC;
	}
	snprintf(res.steps[5].detail, sizeof(res.steps[5].detail), "800 lost > 0 & that's <bad>");
	res.nclients = 2;
	res.clients = calloc(2, sizeof(*res.clients));
	res.clients[0].name = "client1";
	res.clients[1].name = "client2";
	fill_log(&logs[0], "client1", true);
	fill_log(&logs[1], "client2", false);
	for (size_t c = 0; c < 2; c++)
		meas_totals(&logs[c], res.start_us, res.end_us, &res.clients[c].totals);
	results_measure(&res, logs);
}

static void
teardown(void)
{
	results_free(&res);
	scenario_free(scn);
	probe_log_free(&logs[0]);
	probe_log_free(&logs[1]);
}

TestSuite(output, .init = setup, .fini = teardown);

Test(output, faults_are_paired_with_their_undo)
{
	cr_assert_eq(res.nfaults, 1);
	cr_assert_eq(res.faults[0].step, 1);
	cr_assert_eq(res.faults[0].undo_step, 3);
	/* A fault counts from its action's start: a fast detector may act before it returns. */
	cr_assert_eq(res.faults[0].window.start_us, T0 + 5 * SEC - 1000);
	cr_assert_eq(res.faults[0].window.undo_us, T0 + 20 * SEC);
	cr_assert_eq(res.faults[0].clients[0].failover_us, 7 * SEC + 1000 + 270);
	cr_assert_eq(res.faults[0].clients[0].lost, 700);
	cr_assert(!res.faults[0].clients[1].affected);
}

Test(output, json_parses_and_carries_the_figures)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *j, *f, *c0;

	res.passed = false;
	results_json(&res, &sb);
	j = cJSON_Parse(sb_str(&sb));
	cr_assert_not_null(j, "JSON does not parse:\n%s", sb_str(&sb));
	cr_assert_str_eq(cJSON_GetObjectItem(j, "scenario")->valuestring, "t");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "passed")));
	cr_assert_eq(cJSON_GetObjectItem(j, "expectations")->valueint, 4);
	cr_assert_eq(cJSON_GetObjectItem(j, "held")->valueint, 3);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "steps")), 6);
	cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "steps"), 0),
			     "label")
			     ->valuestring,
	    "split <&> \"x\"");
	f = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "faults"), 0);
	cr_assert_not_null(f);
	cr_assert_eq(cJSON_GetObjectItem(f, "undo_step")->valueint, 4);
	c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(f, "clients"), 0);
	cr_assert_str_eq(cJSON_GetObjectItem(c0, "before")->valuestring, "DC001");
	cr_assert_str_eq(cJSON_GetObjectItem(c0, "during")->valuestring, "DC002");
	cr_assert_str_eq(cJSON_GetObjectItem(c0, "after")->valuestring, "DC001");
	cr_assert_float_eq(cJSON_GetObjectItem(c0, "failover_ms")->valuedouble, 7001.27, 0.001);
	cr_assert_eq(cJSON_GetObjectItem(c0, "lost")->valueint, 700);
	cr_assert_float_eq(cJSON_GetObjectItem(c0, "back_ms")->valuedouble, 1000.27, 0.001);
	cr_assert(cJSON_IsNull(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "clients"), 1),
		"failover_ms")));
	cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "clients"), 0),
			 "lost")
			 ->valueint,
	    800);
	cJSON_Delete(j);
	sb_free(&sb);
}

Test(output, junit_is_well_formed_and_reports_the_failure)
{
	struct strbuf sb = STRBUF_INIT;
	const char *err;

	results_junit(&res, &sb);
	err = xml_check(sb_str(&sb));
	cr_assert_null(err, "%s\n%s", err, sb_str(&sb));
	cr_assert_not_null(strstr(sb_str(&sb), "tests=\"6\" failures=\"1\" errors=\"0\""));
	cr_assert_not_null(strstr(sb_str(&sb),
	    "<failure type=\"expectation\" "
	    "message=\"800 lost &gt; 0 &amp; that&apos;s &lt;bad&gt;\"/>"));
	cr_assert_not_null(strstr(sb_str(&sb), "name=\"01 split &lt;&amp;&gt; &quot;x&quot;\""));
	sb_free(&sb);
}

Test(output, svg_is_well_formed_with_rows_colours_and_steps)
{
	struct strbuf sb = STRBUF_INIT;
	const char *err, *p;
	int bars = 0;

	timeline_svg(&res, logs, &sb);
	err = xml_check(sb_str(&sb));
	cr_assert_null(err, "%s", err);
	cr_assert_not_null(strstr(sb_str(&sb), "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	/* DC001 sorts first: the first colour; DC002 the second. */
	cr_assert_not_null(strstr(sb_str(&sb), "fill=\"#1f77b4\"><title>DC001: 500 answers"));
	cr_assert_not_null(strstr(sb_str(&sb), "fill=\"#ff7f0e\"><title>DC002: 800 answers"));
	cr_assert_not_null(strstr(sb_str(&sb), "<title>700 queries without answer"));
	/* client2: one bar for the whole run. */
	cr_assert_not_null(strstr(sb_str(&sb), "<title>DC002: 3000 answers"));
	for (p = sb_str(&sb); (p = strstr(p, "<g class=\"step\">")) != NULL; p++)
		bars++;
	cr_assert_eq(bars, 6);
	sb_free(&sb);
}

Test(output, table_names_the_verdict)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	res.passed = false;
	results_table(&res, f);
	fclose(f);
	cr_assert_not_null(strstr(buf, "FAIL: 3 of 4 expectations held"));
	cr_assert_not_null(strstr(buf, "7.001 s"));
	cr_assert_not_null(strstr(buf, "(unaffected)"));
	free(buf);
}

Test(output, the_xml_checker_catches_mistakes)
{
	cr_assert_null(xml_check("<?xml version=\"1.0\"?><a x=\"1\"><b/>t &amp; u</a>"));
	cr_assert_not_null(xml_check("<a><b></a></b>"));
	cr_assert_not_null(xml_check("<a>x & y</a>"));
	cr_assert_not_null(xml_check("<a x=\"<\"/>"));
	cr_assert_not_null(xml_check("<a>"));
	cr_assert_not_null(xml_check("<a/><b/>"));
}
