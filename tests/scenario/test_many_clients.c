/*
 * The run's outputs at many clients (results.c, report.c, timeline_svg.c),
 * on synthetic runs of 1,000 clients named as the generator names them
 * (s001-c1 ... s200-c5): the table's probes are the totals, the clients
 * worth a look (worst first) and what was left out, a bounded number of
 * lines; the report's probes table likewise; the timeline has a row per
 * block of clients, at most 64 rows a panel. At 10 clients every output
 * keeps a row per client.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "results.h"
#include "scenario/xmlcheck.h"
#include "timeline_svg.h"

#define T0	   1763770000000000LL
#define SEC	   1000000LL
#define MS	   1000LL
#define NRECS	   100 /* queries per client, one every 100 ms */
#define MANY	   1000
#define TABLE_ROWS 64 /* results.c's TABLE_CLIENTS_MAX */

static struct scenario *scn;
static struct run_result res;
static struct probe_log *logs;
static char (*names)[16];
static size_t nlogs;

/*
 * Clients c = 0..n-1: site c / 5 + 1 answered by DC001 (odd sites) or DC002,
 * sent 10 + c % 7 us late (client 42 once 900 ms). Worth a look: 999 never
 * answered, 7 loses 30 queries, 500 loses 5, 123 has 2 errors; 0..4 move to
 * DC002 for a while. With many_lossy, every fourth client loses one query
 * instead (every 148th: 50).
 */
static void
make_run(size_t n, bool many_lossy)
{
	struct strbuf js = STRBUF_INIT;
	struct cfg_errors e;
	cJSON *root;

	names = calloc(n, sizeof(*names));
	logs = calloc(n, sizeof(*logs));
	cr_assert(names && logs);
	nlogs = n;
	for (size_t c = 0; c < n; c++)
		snprintf(names[c], sizeof(names[c]), "s%03zu-c%zu", c / 5 + 1, c % 5 + 1);
	sb_puts(&js, "{\"t\": {\"probe\": {\"clients\": [");
	for (size_t c = 0; c < n; c++)
		sb_printf(&js, "%s\"%s\"", c ? ", " : "", names[c]);
	sb_puts(&js,
	    "]}, \"steps\": [{\"action\": \"disable\", \"iface\": \"dc001:eth0\"},"
	    "{\"action\": \"enable\", \"iface\": \"dc001:eth0\"},"
	    "{\"expect\": \"lost\", \"max\": 0}]}}");
	cfg_errors_init(&e, "x");
	root = jc_parse_string(sb_str(&js), &e);
	sb_free(&js);
	cr_assert_not_null(root);
	cr_assert_eq(scenario_parse(root, "scenarios", "t", NULL, &scn, &e), 0, "%s",
	    e.count ? e.err[0].msg : "");
	cJSON_Delete(root);

	memset(&res, 0, sizeof(res));
	res.lab = "gen";
	res.topology = "gen.json";
	res.scenario = scn;
	res.start_us = T0;
	res.end_us = T0 + 10 * SEC;
	res.steps = calloc(scn->nsteps, sizeof(*res.steps));
	for (size_t i = 0; i < scn->nsteps; i++) {
		static const int64_t at[] = { 4 * SEC, 7 * SEC, 9 * SEC };

		res.steps[i].step = &scn->steps[i];
		res.steps[i].status = i < 2 ? RES_DONE : RES_FAIL;
		res.steps[i].start_us = T0 + at[i] - MS;
		res.steps[i].end_us = T0 + at[i];
	}
	res.nclients = n;
	res.clients = calloc(n, sizeof(*res.clients));
	for (size_t c = 0; c < n; c++) {
		res.clients[c].name = names[c];
		probe_log_init(&logs[c], names[c]);
		for (int64_t i = 0; i < NRECS; i++) {
			struct probe_rec r = { .seq = (uint32_t)i, .id = (uint16_t)i };
			const char *inst = (c / 5 + 1) % 2 ? "DC001" : "DC002";
			bool lost;

			r.sched_us = T0 + i * 100 * MS;
			r.sent_us = r.sched_us + 10 + (int64_t)(c % 7);
			if (c == 42 && i == 50)
				r.sent_us = r.sched_us + 900 * MS;
			if (many_lossy)
				lost = c % 4 == 0 && i >= 40 && i < (c % 148 == 0 ? 90 : 41);
			else
				lost = (c == 7 && i >= 40 && i < 70) ||
				    (c == 500 && i >= 40 && i < 45) || c == 999;
			if (c < 5 && i >= 40 && i < 70)
				inst = "DC002";
			r.status = lost					    ? PROBE_LOST :
			    !many_lossy && c == 123 && (i == 10 || i == 11) ? PROBE_ERROR :
									      PROBE_OK;
			r.rtt_us = r.status == PROBE_OK ? 250 : -1;
			snprintf(r.inst, sizeof(r.inst), "%s", r.status == PROBE_OK ? inst : "");
			probe_log_add(&logs[c], &r);
		}
		meas_totals(&logs[c], res.start_us, res.end_us, &res.clients[c].totals);
	}
	results_measure(&res, logs);
}

static void
teardown(void)
{
	if (scn == NULL)
		return;
	results_free(&res);
	scenario_free(scn);
	for (size_t c = 0; c < nlogs; c++)
		probe_log_free(&logs[c]);
	free(logs);
	free(names);
	scn = NULL;
}

/* The table's probes section: from its "probes:" line to the blank line after it. */
static char *
probes_of_table(void)
{
	char *buf = NULL, *p, *end;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	results_table(&res, f);
	fclose(f);
	p = strstr(buf, "  probes:");
	cr_assert_not_null(p, "%s", buf);
	end = strstr(p, "\n\n");
	cr_assert_not_null(end);
	end[1] = '\0';
	memmove(buf, p, strlen(p) + 1);
	return buf;
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* The report's probes section. */
static char *
probes_of_report(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *html, *p, *end;

	report_html(&res, NULL, "/tmp/out/run", &sb);
	html = sb_steal(&sb);
	cr_assert_null(xml_check(html), "%s", xml_check(html));
	p = strstr(html, "<section id=\"probes\">");
	cr_assert_not_null(p);
	end = strstr(p, "</section>");
	cr_assert_not_null(end);
	end[strlen("</section>")] = '\0';
	memmove(html, p, strlen(p) + 1);
	return html;
}

TestSuite(many_clients, .fini = teardown);

Test(many_clients, the_table_has_the_totals_and_the_worst_clients_a_screenful)
{
	char *t;
	const char *w[4];

	make_run(MANY, false);
	t = probes_of_table();
	/* The header, all clients, the 4 worth a look, what was left out. */
	cr_assert_eq(count(t, "\n"), 7, "%s", t);
	cr_assert_not_null(strstr(t,
			       "          all 1000    100000    99863    135      2    0.250 ms "
			       "13/16/900000 us\n"),
	    "%s", t);
	/* Never answered first, then by lost and failed queries. */
	w[0] = strstr(t, "s200-c5 ");
	w[1] = strstr(t, "s002-c3 ");
	w[2] = strstr(t, "s101-c1 ");
	w[3] = strstr(t, "s025-c4 ");
	for (int i = 0; i < 4; i++)
		cr_assert_not_null(w[i], "worst %d missing:\n%s", i, t);
	cr_assert(w[0] < w[1] && w[1] < w[2] && w[2] < w[3], "%s", t);
	cr_assert_null(strstr(t, "s050-c2"));
	cr_assert_not_null(strstr(t, "4 lost or failed a query or were never answered"), "%s", t);
	cr_assert_not_null(strstr(t, "996 left out; every client in results.json"), "%s", t);
	free(t);
}

Test(many_clients, the_table_lists_at_most_a_screenful_of_troubled_clients)
{
	char *t;

	make_run(MANY, true);
	t = probes_of_table();
	cr_assert_eq(count(t, "\n"), 1 + 1 + TABLE_ROWS + 1, "%s", t);
	/* The 50-query losers (clients 0, 148, ..., 888) first, in probe order. */
	cr_assert_not_null(strstr(t, "          all 1000 "), "%s", t);
	cr_assert_not_null(strstr(t, " us\n          s001-c1  "), "%s", t);
	cr_assert_not_null(strstr(t,
			       "250 lost or failed a query or were never answered, the "
			       "worst 64 listed; 936 left out"),
	    "%s", t);
	free(t);
}

Test(many_clients, ten_clients_keep_a_row_each_in_the_table)
{
	char *t;

	make_run(10, false);
	t = probes_of_table();
	cr_assert_eq(count(t, "\n"), 11, "%s", t);
	cr_assert_null(strstr(t, "all "));
	cr_assert_not_null(strstr(t,
			       "          s001-c1        100      100      0      0    0.250 ms "
			       "10/10/10 us\n"),
	    "%s", t);
	cr_assert_not_null(strstr(t, "s002-c5 "));
	free(t);
}

Test(many_clients, the_report_has_the_totals_and_the_worst_clients)
{
	char *h;
	const char *w[4];

	make_run(MANY, false);
	h = probes_of_report();
	/* The header, all clients and the 4 worth a look. */
	cr_assert_eq(count(h, "<tr>"), 6, "%s", h);
	cr_assert_not_null(strstr(h,
			       "<tr><td>all 1000 clients</td><td class=\"num\">100000</td>"
			       "<td class=\"num\">99863</td><td class=\"num\">135</td>"
			       "<td class=\"num\">2</td><td class=\"num\">0.2 ms</td>"
			       "<td class=\"num\">0.2 ms</td>"
			       "<td class=\"num\">13 / 16 / 900000 \u00b5s</td></tr>"),
	    "%s", h);
	w[0] = strstr(h, ">s200-c5<");
	w[1] = strstr(h, ">s002-c3<");
	w[2] = strstr(h, ">s101-c1<");
	w[3] = strstr(h, ">s025-c4<");
	for (int i = 0; i < 4; i++)
		cr_assert_not_null(w[i], "worst %d missing:\n%s", i, h);
	cr_assert(w[0] < w[1] && w[1] < w[2] && w[2] < w[3]);
	cr_assert_not_null(strstr(h, "results.json has every client"));
	cr_assert_not_null(strstr(h, "996 clients left out"), "%s", h);
	free(h);
}

Test(many_clients, ten_clients_keep_a_row_each_in_the_report)
{
	char *h;

	make_run(10, false);
	h = probes_of_report();
	cr_assert_eq(count(h, "<tr>"), 11, "%s", h);
	cr_assert_null(strstr(h, "all 10"));
	cr_assert_null(strstr(h, "left out"));
	free(h);
}

Test(many_clients, the_timeline_has_a_row_per_block_and_a_bounded_size)
{
	struct strbuf sb = STRBUF_INIT;
	const char *svg, *h;
	size_t panels;

	make_run(MANY, false);
	timeline_svg(&res, logs, &sb);
	svg = sb_str(&sb);
	cr_assert_null(xml_check(svg), "%s", xml_check(svg));
	panels = count(svg, "<g class=\"panel\">");
	cr_assert_geq(panels, 1);
	/* 16 clients a row: 63 rows a panel, no row per client. */
	cr_assert_eq(count(svg, "<g class=\"clients\""), 63 * panels);
	cr_assert_eq(count(svg, "<g class=\"client\""), 0);
	cr_assert_not_null(
	    strstr(svg, "<g class=\"clients\" data-first=\"992\" data-last=\"999\">"));
	cr_assert_not_null(strstr(svg, ">s001-c1 .. s004-c1</text>"));
	/* Client 7's 30 losses are underlined in its block, DC002 shows as the next most. */
	cr_assert_not_null(strstr(svg, "<title>30 queries without answer ("), "%s", svg);
	cr_assert_not_null(strstr(svg, "<title>DC002 answered the next most: "));
	cr_assert_not_null(strstr(svg, "<title>DC001 answered most: "));
	h = strstr(svg, "height=\"");
	cr_assert_not_null(h);
	cr_assert_leq(atoi(h + 8), 5000, "%d px high", atoi(h + 8));
	cr_assert_lt(sb.len, (size_t)1 << 20, "%zu bytes", sb.len);
	sb_free(&sb);
}

Test(many_clients, ten_clients_keep_a_row_each_in_the_timeline)
{
	struct strbuf sb = STRBUF_INIT;
	size_t panels;

	make_run(10, false);
	timeline_svg(&res, logs, &sb);
	panels = count(sb_str(&sb), "<g class=\"panel\">");
	cr_assert_eq(count(sb_str(&sb), "<g class=\"client\" data-client="), 10 * panels);
	cr_assert_eq(count(sb_str(&sb), "<g class=\"clients\""), 0);
	sb_free(&sb);
}
