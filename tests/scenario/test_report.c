/*
 * The HTML report (report.c) and the timeline's step labels (timeline_svg.c)
 * on a synthetic run: the page is well-formed, escapes what the scenario and
 * the run say, has every section with the run's figures, links relatively
 * and fetches nothing; the step labels never overlap, however close the
 * steps, and name every step once; a fault right after the start still
 * shows the steady state before it (the probes' lead-in).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "results.h"
#include "scenario/xmlcheck.h"
#include "catchment_svg.h"
#include "timeline_svg.h"

#define T0  1763770000000000LL
#define SEC 1000000LL
#define MS  1000LL

static struct scenario *scn;
static struct run_result res;
static struct probe_log logs[2];

/* Steps 1-4 within 3 ms, as Lab A's failover has them, and a fault 47 ms after the start. */
static const char *scenario_json =
    "{\"t\": {\"description\": \"<script>alert('d')</script> & more\", "
    "\"probe\": {\"clients\": [\"client1\", \"client2\"], \"lead_in\": 1}, \"steps\": ["
    "{\"expect\": \"session\", \"node\": \"gw\", \"peer\": \"10.0.0.1\", "
    "\"state\": \"established\", \"label\": \"1. <b>bold</b> & \\\"quoted\\\"\"},"
    "{\"expect\": \"session\", \"node\": \"gw\", \"peer\": \"10.0.0.2\", "
    "\"state\": \"established\"},"
    "{\"expect\": \"nexthops\", \"node\": \"gw\", \"prefix\": \"51.51.51.0/24\", \"count\": 2},"
    "{\"expect\": \"instances\", \"set\": [\"DC001\", \"DC<2>\"]},"
    "{\"action\": \"disable\", \"iface\": \"dc001:eth0\"},"
    "{\"expect\": \"answered\", \"clients_of\": \"DC001\", \"by\": \"DC<2>\"},"
    "{\"action\": \"enable\", \"iface\": \"dc001:eth0\"},"
    "{\"expect\": \"answered\", \"clients_of\": \"DC001\", \"by\": \"DC001\"}]}}";

/* client1 moves DC001 -> lost -> DC<2> -> DC001; client2 stays with DC<2>. */
static void
fill_log(struct probe_log *l, const char *client, bool moves)
{
	probe_log_init(l, client);
	for (int64_t i = 0; i < 300; i++) {
		struct probe_rec r = { .seq = (uint32_t)i, .id = (uint16_t)i };
		int64_t t = i * 10 * MS;
		const char *inst = "DC<2>";

		r.sched_us = T0 + t;
		r.sent_us = r.sched_us + 20;
		if (moves)
			inst = t < 1047 * MS ? "DC001" :
			    t < 1080 * MS    ? "" :
			    t < 2000 * MS    ? "DC<2>" :
					       "DC001";
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
	static const enum res_status st[] = { RES_PASS, RES_PASS, RES_PASS, RES_PASS, RES_DONE,
		RES_PASS, RES_DONE, RES_FAIL };
	/* end of each step, ms after the start */
	static const int64_t at[] = { 1030, 1031, 1032, 1033, 1047, 1080, 1990, 2990 };

	cfg_errors_init(&e, "x");
	root = jc_parse_string(scenario_json, &e);
	cr_assert_not_null(root);
	cr_assert_eq(scenario_parse(root, "scenarios", "t", NULL, &scn, &e), 0, "%s",
	    e.count ? e.err[0].msg : "");
	cJSON_Delete(root);
	memset(&res, 0, sizeof(res));
	res.lab = "lab<&>";
	res.topology = "topologies/anycast-lab.json";
	res.scenario = scn;
	res.start_us = T0;
	res.end_us = T0 + 3 * SEC;
	res.steps = calloc(scn->nsteps, sizeof(*res.steps));
	for (size_t i = 0; i < scn->nsteps; i++) {
		res.steps[i].step = &scn->steps[i];
		res.steps[i].status = st[i];
		res.steps[i].start_us = T0 + at[i] * MS - 500;
		res.steps[i].end_us = T0 + at[i] * MS;
	}
	snprintf(res.steps[7].detail, sizeof(res.steps[7].detail),
	    "client1: <none> & 'nothing' (still after 15.000 s)");
	res.nclients = 2;
	res.clients = calloc(2, sizeof(*res.clients));
	res.clients[0].name = "client1";
	res.clients[1].name = "client2";
	snprintf(res.clients[0].log_path, sizeof(res.clients[0].log_path),
	    "/tmp/out/run 1/probe-client1.log");
	snprintf(res.clients[1].log_path, sizeof(res.clients[1].log_path),
	    "/tmp/out/run 1/probe-client2.log");
	snprintf(res.json_path, sizeof(res.json_path), "/tmp/out/run 1/results.json");
	snprintf(res.svg_path, sizeof(res.svg_path), "/tmp/out/run 1/timeline.svg");
	snprintf(res.catchment_svg_path, sizeof(res.catchment_svg_path),
	    "/tmp/out/run 1/catchment.svg");
	res.ncaptures = 1;
	res.captures = calloc(1, sizeof(char *));
	res.captures[0] = strdup("/tmp/caps/lab-gw-eth1#1.pcap");
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

static char *
page(const char *topology_svg, const char *why)
{
	struct strbuf tl = STRBUF_INIT, cs = STRBUF_INIT, sb = STRBUF_INIT;
	struct report_pictures pics;
	char *out;

	timeline_svg(&res, logs, &tl);
	catchment_svg(&res, &cs);
	pics = (struct report_pictures){ sb_str(&tl), topology_svg, why, sb_str(&cs) };
	report_html(&res, &pics, "/tmp/out/run 1", &sb);
	out = sb_steal(&sb);
	sb_free(&tl);
	sb_free(&cs);
	return out;
}

TestSuite(report, .init = setup, .fini = teardown);

Test(report, the_page_is_well_formed_and_escapes_what_the_run_says)
{
	char *html = page("<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- graph -->\n"
			  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
			  "<g id=\"graph0\"><title>lab</title></g></svg>\n",
	    NULL);
	const char *err = xml_check(html);

	cr_assert_null(err, "%s", err);
	cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	/* Nothing the scenario or the run says becomes markup. */
	cr_assert_null(strstr(html, "<script"));
	cr_assert_null(strstr(html, "<b>bold"));
	cr_assert_not_null(
	    strstr(html, "&lt;script&gt;alert(&apos;d&apos;)&lt;/script&gt; &amp; more"));
	cr_assert_not_null(strstr(html, "1. &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
	cr_assert_not_null(strstr(html, "client1: &lt;none&gt; &amp; &apos;nothing&apos;"));
	cr_assert_not_null(strstr(html, "<b>lab&lt;&amp;&gt;</b>"));
	cr_assert_not_null(strstr(html, ">DC&lt;2&gt;</span>"));
	/* The embedded topology picture starts at its <svg: no second prolog or DOCTYPE. */
	cr_assert_not_null(strstr(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\""));
	cr_assert_null(strstr(html, "<?xml"));
	cr_assert_null(strstr(html, "<!DOCTYPE svg"));
	cr_assert_null(strstr(html, "topology picture unavailable"));
	free(html);
}

Test(report, every_section_with_the_runs_figures)
{
	char *html = page(NULL, "anylab: graph: unknown verb");
	static const char *const ids[] = { "verdict", "steps", "failover", "catchment", "timeline",
		"topology", "probes", "files" };
	const char *fail_row, *catch;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "id=\"%s\"", ids[i]);
		cr_assert_not_null(strstr(html, want), "no %s", want);
	}
	/* The verdict: one expectation failed. */
	cr_assert_not_null(strstr(html, "<header class=\"verdict fail\""));
	cr_assert_not_null(strstr(html, "<h1>FAIL: t</h1>"));
	cr_assert_not_null(strstr(html, "5 of 6 expectations held, 1 failed"));
	/* Every step, with its time and result. */
	cr_assert_not_null(strstr(html, "<td class=\"num\">8</td><td class=\"num\">+2.990 s</td>"));
	cr_assert_not_null(strstr(html, "<span class=\"st st-fail\">fail</span>"));
	cr_assert_not_null(strstr(html, "<span class=\"st st-done\">done</span>"));
	/* The failover table: client1 moved 33 ms (plus the rtt) after the fault. */
	cr_assert_eq(res.nfaults, 1);
	fail_row = strstr(html, "<td>client1</td><td>yes</td>");
	cr_assert_not_null(fail_row);
	cr_assert(strncmp(fail_row + strlen("<td>client1</td><td>yes</td>"),
		      "<td class=\"num\">33.8 ms</td>", 27) == 0,
	    "%.120s", fail_row);
	/* The catchment: client1 DC001 before, DC<2> during, DC001 after, in the pictures' colours. */
	catch = strstr(html, "<table class=\"catchment\">");
	cr_assert_not_null(catch);
	cr_assert_not_null(strstr(catch,
	    "<td>client1</td><td><span class=\"inst\" style=\"background:#1f77b4\">DC001</span>"
	    "</td><td><span class=\"inst\" style=\"background:#ff7f0e\">DC&lt;2&gt;</span></td>"
	    "<td><span class=\"inst\" style=\"background:#1f77b4\">DC001</span></td>"));
	/*
	 * Each instance's load: DC001 lost client1 during the fault and had it
	 * back after; the catchment picture inline, one cell per client and phase.
	 */
	cr_assert_not_null(strstr(html, "<table class=\"load\">"));
	cr_assert_not_null(strstr(html,
	    ">DC001</span></td><td>-</td><td class=\"num\">1</td><td class=\"num\">0</td>"
	    "<td class=\"num\">1</td><td class=\"num\">-1</td><td class=\"num\">+0</td>"));
	cr_assert_not_null(strstr(html, "<h3>Catchment picture</h3>\n<div class=\"pic\">\n<svg "));
	cr_assert_not_null(strstr(html, "<a href=\"catchment.svg\">catchment.svg</a>"));
	/* The timeline inline, the topology's absence said. */
	cr_assert_not_null(strstr(html, "<div class=\"pic\">\n<svg xmlns="));
	cr_assert_not_null(strstr(html,
	    "<p class=\"unavailable\">topology picture unavailable: anylab: graph: unknown verb</p>"));
	free(html);
}

Test(report, links_are_relative_and_nothing_is_fetched)
{
	char *html = page(NULL, "x");
	const char *p;

	cr_assert_not_null(strstr(html, "<a href=\"results.json\">results.json</a>"));
	cr_assert_not_null(strstr(html, "<a href=\"timeline.svg\">timeline.svg</a>"));
	cr_assert_not_null(strstr(html, "<a href=\"probe-client1.log\">"));
	cr_assert_not_null(strstr(html,
	    "<a href=\"../../caps/lab-gw-eth1%231.pcap\">../../caps/lab-gw-eth1#1.pcap</a>"));
	/* No external resource: no script, stylesheet link, image or frame, no URL but the SVG namespace. */
	cr_assert_null(strstr(html, "<script"));
	cr_assert_null(strstr(html, "<link"));
	cr_assert_null(strstr(html, "<img"));
	cr_assert_null(strstr(html, "<iframe"));
	cr_assert_null(strstr(html, "src="));
	cr_assert_null(strstr(html, "url("));
	for (p = html; (p = strstr(p, "://")) != NULL; p++)
		cr_assert(strncmp(p, "://www.w3.org/2000/svg\"", 23) == 0, "%.60s", p - 10);
	free(html);
}

Test(report, relpath)
{
	char out[256];

	cr_assert_eq(report_relpath("/a/b/run", "/a/b/run/results.json", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "results.json");
	cr_assert_eq(report_relpath("/a/b/run/", "/a/caps/x.pcap", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "../../caps/x.pcap");
	cr_assert_eq(report_relpath("/a/./b/../b/run", "/a/b/run/./p.log", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "p.log");
	cr_assert_eq(report_relpath("/", "/x/y", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "x/y");
	cr_assert_eq(report_relpath("/x/y", "/x/y", out, sizeof(out)), 0);
	cr_assert_str_eq(out, ".");
	cr_assert_eq(report_relpath("relative", "/x", out, sizeof(out)), -1);
	cr_assert_eq(report_relpath("/a", "/b/very/long/path", out, 8), -1);
}

Test(report, a_graph_that_fails_says_why)
{
	struct strbuf svg = STRBUF_INIT;
	char why[256];

	/* /proc/self/exe is this test binary: it knows no "graph" and exits non-zero. */
	cr_assert_eq(report_topology_svg("/proc/self/exe", "nolab", 5000, &svg, why, sizeof(why)),
	    -1);
	cr_assert(why[0] != '\0');
	cr_assert_eq(svg.len, 0);
	sb_free(&svg);
}

/*
 * A graph that takes too long is killed with what it started (dot, in
 * anylab graph): here a script that starts a sleeper, writes its pid and
 * waits for it. After the timeout the sleeper must be gone too.
 */
Test(report, a_graph_too_slow_is_killed_with_its_children)
{
	char dir[] = "/tmp/anylab-test-graph-XXXXXX", script[128], pidfile[128], why[256];
	struct strbuf svg = STRBUF_INIT;
	FILE *f;
	pid_t sleeper = 0;
	int gone = 0;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/graph.sh", dir);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	f = fopen(script, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\nsleep 30 &\necho $! > %s.new && mv %s.new %s\nwait\n", pidfile,
	    pidfile, pidfile);
	fclose(f);
	cr_assert_eq(chmod(script, 0755), 0);

	cr_assert_eq(report_topology_svg(script, "nolab", 500, &svg, why, sizeof(why)), -1);
	cr_assert(strstr(why, "did not finish") != NULL, "%s", why);
	f = fopen(pidfile, "r");
	cr_assert_not_null(f, "the script never started its sleeper");
	cr_assert_eq(fscanf(f, "%d", &sleeper), 1);
	fclose(f);
	/* Killed, then reaped by whoever adopted it: at most a few seconds. */
	for (int i = 0; i < 300 && !gone; i++) {
		char stat[64], buf[256] = "";
		FILE *sf;

		snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)sleeper);
		sf = fopen(stat, "r");
		if (sf == NULL) {
			gone = 1;
			break;
		}
		(void)!fgets(buf, sizeof(buf), sf);
		fclose(sf);
		/* A zombie waiting for its new parent counts as gone: it was killed. */
		if (strstr(buf, ") Z ") != NULL)
			gone = 1;
		else
			usleep(10000);
	}
	if (!gone)
		kill(sleeper, SIGKILL);
	unlink(pidfile);
	unlink(script);
	rmdir(dir);
	sb_free(&svg);
	cr_assert(gone, "the graph's child %d outlived the timeout", (int)sleeper);
}

/* ---- the timeline ---- */

/* The step numbers a label names ("1-3,5" -> 1 2 3 5), into set[]. */
static size_t
parse_label(const char *text, size_t *set, size_t max)
{
	size_t n = 0;
	const char *p = text;

	while (*p) {
		char *end;
		size_t a = strtoul(p, &end, 10), b = a;

		if (end[0] == '-') {
			b = strtoul(end + 1, &end, 10);
		} else if (end[0] == '.' && end[1] == '.') {
			cr_assert_fail("a label lists its steps: %s", text);
		}
		for (size_t k = a; k <= b && n < max; k++)
			set[n++] = k;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* What timeline_label_layout promises, checked on its output. */
static void
check_layout(const double *x, const size_t *num, size_t n, double xmin, double xmax)
{
	struct tl_label lab[256];
	size_t nl = timeline_label_layout(x, num, n, xmin, xmax, lab), next = 0;

	cr_assert(n == 0 || nl >= 1);
	for (size_t l = 0; l < nl; l++) {
		size_t set[256], ns = parse_label(lab[l].text, set, 256);
		double centre = (lab[l].x0 + lab[l].x1) / 2,
		       marks = (lab[l].mark0 + lab[l].mark1) / 2;

		/* Consecutive markers, each once, and the text names exactly their steps. */
		cr_assert_eq(lab[l].first, next);
		next += lab[l].n;
		cr_assert_eq(ns, lab[l].n, "label %s for %zu markers", lab[l].text, lab[l].n);
		for (size_t k = 0; k < lab[l].n; k++) {
			bool found = false;

			for (size_t j = 0; j < ns; j++)
				found |= set[j] == num[lab[l].first + k];
			cr_assert(found, "label %s lacks step %zu", lab[l].text,
			    num[lab[l].first + k]);
		}
		/* Its box: wide enough for its text, inside the row, clear of the previous one. */
		cr_assert_geq(lab[l].x1 - lab[l].x0, timeline_label_width(lab[l].text) - 1e-6);
		cr_assert_geq(lab[l].x0, xmin - 1e-6);
		cr_assert_leq(lab[l].x1, xmax + 1e-6);
		if (l > 0)
			cr_assert_geq(lab[l].x0, lab[l - 1].x1 + TL_LABEL_GAP - 1e-6,
			    "labels %s and %s overlap", lab[l - 1].text, lab[l].text);
		if (nl > 1)
			cr_assert_leq(fabs(centre - marks), TL_LABEL_MAX_SHIFT + 1e-6);
	}
	cr_assert_eq(next, n);
}

Test(timeline, steps_apart_keep_their_own_labels_over_them)
{
	double x[] = { 200, 400, 600 };
	size_t num[] = { 1, 2, 3 };
	struct tl_label lab[3];

	cr_assert_eq(timeline_label_layout(x, num, 3, 0, 1200, lab), 3);
	for (size_t i = 0; i < 3; i++) {
		char want[4];

		snprintf(want, sizeof(want), "%zu", i + 1);
		cr_assert_str_eq(lab[i].text, want);
		cr_assert_float_eq((lab[i].x0 + lab[i].x1) / 2, x[i], 1e-9);
	}
}

Test(timeline, steps_milliseconds_apart_share_a_label)
{
	/* Steps 1-4 within a pixel, 5 and 6 a few pixels on, 7 alone. */
	double x[] = { 1000, 1000.3, 1000.6, 1000.9, 1004, 1007, 1100 };
	size_t num[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct tl_label lab[7];
	size_t nl = timeline_label_layout(x, num, 7, 0, 1200, lab);

	check_layout(x, num, 7, 0, 1200);
	cr_assert_str_eq(lab[0].text, "1-4");
	cr_assert_str_eq(lab[nl - 1].text, "7");
}

Test(timeline, labels_never_overlap_whatever_the_steps)
{
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		double x[200];
		size_t num[200], n = 1 + (size_t)(rand_r(&seed) % 120);
		double pos = 120 + rand_r(&seed) % 400;

		/* Clusters of close steps and jumps, in time order, sometimes at the edges. */
		for (size_t i = 0; i < n; i++) {
			int kind = rand_r(&seed) % 4;

			pos += kind == 0 ? 0 :
			    kind == 1	 ? (rand_r(&seed) % 100) / 50.0 :
			    kind == 2	 ? rand_r(&seed) % 15 :
					   rand_r(&seed) % 200;
			if (pos > 1170)
				pos = 1170;
			x[i] = pos;
			num[i] = i + 1;
		}
		check_layout(x, num, n, 4, 1196);
	}
}

/* Every step label of a timeline SVG, as drawn: its text and box. */
static size_t
svg_labels(const char *svg, struct tl_label *out, size_t max)
{
	const char *p = svg;
	size_t n = 0;

	while ((p = strstr(p, "<g class=\"step-label\"")) != NULL && n < max) {
		const char *t = strstr(p, "<text x=\""), *gt;
		double c = strtod(t + 9, NULL), w;
		size_t len;

		gt = strchr(t, '>') + 1;
		len = (size_t)(strstr(gt, "</text>") - gt);
		snprintf(out[n].text, sizeof(out[n].text), "%.*s", (int)len, gt);
		w = timeline_label_width(out[n].text);
		out[n].x0 = c - w / 2;
		out[n].x1 = c + w / 2;
		n++;
		p = gt;
	}
	return n;
}

Test(report, the_timeline_labels_do_not_overlap_and_the_steady_state_shows)
{
	struct strbuf sb = STRBUF_INIT;
	struct tl_label lab[64];
	const char *zoom, *err;
	size_t n, nz, all = 0;

	timeline_svg(&res, logs, &sb);
	err = xml_check(sb_str(&sb));
	cr_assert_null(err, "%s", err);
	/* Two panels: the whole run, then around the fault (it starts 1.047 s into 3 s). */
	zoom = strstr(sb_str(&sb), "around the faults");
	cr_assert_not_null(zoom);
	n = svg_labels(sb_str(&sb), lab, 64);
	nz = svg_labels(zoom, lab, 64);
	cr_assert_gt(nz, 0);
	cr_assert_lt(nz, n);
	/* In each panel, no two labels' boxes meet (labels are in x order). */
	for (int panel = 0; panel < 2; panel++) {
		size_t k = svg_labels(panel ? zoom : sb_str(&sb), lab, 64);
		size_t m = panel ? k : k - nz;
		size_t set[64];

		for (size_t i = 1; i < m; i++)
			cr_assert_geq(lab[i].x0, lab[i - 1].x1 + TL_LABEL_GAP - 0.2,
			    "panel %d: %s and %s overlap", panel, lab[i - 1].text, lab[i].text);
		if (panel == 0)
			for (size_t i = 0; i < m; i++)
				all += parse_label(lab[i].text, set, 64);
	}
	/* The whole run names all 8 steps; steps 1-4, 3 ms apart, share a label. */
	cr_assert_eq(all, 8);
	cr_assert_not_null(strstr(sb_str(&sb), "data-steps=\"1-4\""));
	/* The steady state before the fault: client1's first bar, DC001 for over a second. */
	cr_assert_not_null(strstr(sb_str(&sb), "<title>DC001: 105 answers, +0.000 s to +1.050 s"));
	cr_assert_not_null(strstr(sb_str(&sb), "1.0 s of steady state before the first step"));
	/* The fault's window is shaded. */
	cr_assert_not_null(strstr(sb_str(&sb), "<g class=\"fault\">"));
	sb_free(&sb);
}

static int
parse_lead_in(const char *probe, uint64_t *ms, char *err, size_t len)
{
	char doc[512];
	struct cfg_errors e;
	struct scenario *sc = NULL;
	cJSON *root;
	int rc;

	snprintf(doc, sizeof(doc),
	    "{\"s\": {\"probe\": {\"clients\": [\"c\"]%s}, "
	    "\"steps\": [{\"action\": \"wait\", \"seconds\": 1}]}}",
	    probe);
	cfg_errors_init(&e, "x");
	root = jc_parse_string(doc, &e);
	cr_assert_not_null(root);
	rc = scenario_parse(root, "scenarios", "s", NULL, &sc, &e);
	cJSON_Delete(root);
	snprintf(err, len, "%s %s", e.count ? e.err[0].path : "", e.count ? e.err[0].msg : "");
	if (rc == 0)
		*ms = sc->probe.lead_in_ms;
	scenario_free(sc);
	return rc;
}

Test(report, the_probes_lead_in)
{
	uint64_t ms = 7;
	char err[512];

	cr_assert_eq(scn->probe.lead_in_ms, 1000);
	cr_assert_eq(parse_lead_in("", &ms, err, sizeof(err)), 0);
	cr_assert_eq(ms, 1000, "by default, a second of steady state");
	cr_assert_eq(parse_lead_in(", \"lead_in\": 0", &ms, err, sizeof(err)), 0);
	cr_assert_eq(ms, 0);
	cr_assert_eq(parse_lead_in(", \"lead_in\": 2.5", &ms, err, sizeof(err)), 0);
	cr_assert_eq(ms, 2500);
	cr_assert_eq(parse_lead_in(", \"lead_in\": -1", &ms, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "scenarios.s.probe.lead_in"), "%s", err);
}
