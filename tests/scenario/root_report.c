/*
 * The HTML report end to end (root): `anylab run topologies/anycast-lab.json
 * --scenario failover --capture DIR` on a lab of this test's own name writes
 * report.html beside results.json; the page is well-formed, has its
 * sections, the timeline inline, the topology picture inline when `anylab
 * graph` can draw it (or says why not), and links to the captures; then
 * headless Chromium opens it: its DOM (--dump-dom) holds the pictures' SVG
 * elements, and its screenshot is kept, with the page, as the test's
 * artifacts in BUILD/test-artifacts/report/ (docs/scenarios.md, "HTML
 * report"). Skips without root, without the daemons built, or when Chromium
 * is missing and cannot be installed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>

#include "helper_scn.h"
#include "scenario/xmlcheck.h"

#define CHROMIUM "/usr/bin/chromium"
#define CHROMIUM_FLAGS \
	"--headless --no-sandbox --disable-gpu --disable-quic --no-first-run " \
	"--disable-background-networking --disable-component-update --disable-sync " \
	"--hide-scrollbars"

static char lab[16], dir[128], bin[512], topo[512];

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	snprintf(topo, sizeof(topo), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	hs_lab_dir("rp", "report", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(report, .init = setup, .fini = teardown, .timeout = 180);

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s is missing", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Chromium is there, or installed now (tools/setup.sh installs it); else skip. */
static void
require_chromium(void)
{
	if (access(CHROMIUM, X_OK) == 0)
		return;
	hs_sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core "
	      "</dev/null >/dev/null 2>&1");
	if (access(CHROMIUM, X_OK) != 0)
		cr_skip_test("Chromium (Debian's chromium) is not installed and could not be "
			     "installed: the report was not opened in a browser");
}

Test(report, written_beside_the_results_and_opened_in_chromium)
{
	char cmd[4096], html_path[512], rundir[512], art[600], profile[256];
	char *html, *dom, *png;
	const cJSON *files;
	size_t pnglen;
	int status, graph_rc;
	bool graph_svg;
	cJSON *j;

	snprintf(cmd, sizeof(cmd),
	    "%s run %s --scenario failover --name %s --json --out %s --capture %s/caps", bin, topo,
	    lab, dir, dir);
	j = hs_run_cmd(cmd, bin, lab, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	files = cJSON_GetObjectItemCaseSensitive(j, "files");
	snprintf(html_path, sizeof(html_path), "%s", hs_field(files, "html"));
	cr_assert(html_path[0] != '\0', "no files.html in the results");
	snprintf(rundir, sizeof(rundir), "%.*s", (int)(strrchr(html_path, '/') - html_path),
	    html_path);
	cr_assert_str_eq(strrchr(hs_field(files, "json"), '/'), "/results.json");
	cr_assert(strncmp(hs_field(files, "json"), rundir, strlen(rundir)) == 0,
	    "report.html is beside results.json");
	{
		/* The catchment of the fault: DC001's node was disabled; its clients left it. */
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "faults"), 0),
		    "catchment");
		const cJSON *failed = cJSON_GetObjectItemCaseSensitive(c, "failed_instances");
		const cJSON *dc1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c,
							  "instances"),
		    0);

		cr_assert_not_null(c, "no catchment in the fault");
		cr_assert_eq(cJSON_GetArraySize(failed), 1);
		cr_assert_str_eq(cJSON_GetArrayItem(failed, 0)->valuestring, "DC001");
		cr_assert_str_eq(hs_field(dc1, "instance"), "DC001");
		cr_assert_str_eq(hs_field(dc1, "node"), "dc001");
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(dc1, "before")->valueint,
		    cJSON_GetObjectItemCaseSensitive(c, "of_failed")->valueint);
		cr_assert_gt(cJSON_GetObjectItemCaseSensitive(c, "of_failed")->valueint, 0);
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(dc1, "during")->valueint, 0);
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(
				     cJSON_GetObjectItemCaseSensitive(c, "collateral"), "during"),
				 "count")
				 ->valueint,
		    0, "DC002's clients stayed");
		cr_assert(strstr(hs_field(files, "catchment_svg"), "/catchment.svg") != NULL);
	}
	cJSON_Delete(j);

	/* The page: well-formed, its sections, the timeline inline, links to the captures. */
	html = slurp(html_path, NULL);
	{
		const char *err = xml_check(html);

		cr_assert_null(err, "report.html: %s", err);
	}
	cr_assert_not_null(strstr(html, "<h1>PASS: failover</h1>"));
	cr_assert_not_null(strstr(html, "9 of 9 expectations held"));
	cr_assert_not_null(strstr(html, "<table class=\"failover\">"));
	cr_assert_not_null(strstr(html, "<table class=\"catchment\">"));
	cr_assert_gt(count(html, "<g class=\"step-label\""), 0);
	cr_assert_not_null(strstr(html, "<a href=\"../caps/"));
	cr_assert_not_null(strstr(html, "<a href=\"results.json\">"));
	/*
	 * The topology picture: inline when this anylab can draw the lab (`graph`, and
	 * Graphviz's dot for SVG), otherwise the reason, which names the graph verb.
	 */
	snprintf(cmd, sizeof(cmd), "%s graph --help >/dev/null 2>&1", bin);
	graph_rc = hs_sh("%s", cmd);
	graph_svg = graph_rc == 0 && hs_sh("command -v dot >/dev/null 2>&1") == 0;
	if (graph_svg) {
		cr_assert_null(strstr(html, "topology picture unavailable"),
		    "anylab graph and dot are here, yet: %s",
		    strstr(html, "topology picture unavailable"));
		cr_assert_eq(count(html, "<svg"), 3,
		    "the catchment, the timeline and the topology inline");
	} else {
		cr_assert_not_null(strstr(html,
		    "<p class=\"unavailable\">topology picture "
		    "unavailable: "));
		if (graph_rc != 0)
			cr_assert_not_null(strstr(html, "graph"));
	}

	/* In Chromium: the DOM it built holds both pictures' SVG, and a screenshot. */
	require_chromium();
	snprintf(profile, sizeof(profile), "%s/chromium-profile", dir);
	snprintf(cmd, sizeof(cmd),
	    "timeout 90 %s " CHROMIUM_FLAGS " --user-data-dir=%s --dump-dom 'file://%s' "
	    "2>/dev/null",
	    CHROMIUM, profile, html_path);
	dom = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "chromium --dump-dom: status %d",
	    status);
	cr_assert_not_null(strstr(dom, "<title>PASS: failover on "), "%.300s", dom);
	cr_assert_eq(count(dom, "<svg"), count(html, "<svg"), "every picture is in the DOM");
	cr_assert_eq(count(dom, "class=\"step-label\""), count(html, "class=\"step-label\""));
	cr_assert_eq(count(dom, "<section"), 7);
	snprintf(cmd, sizeof(cmd),
	    "timeout 90 %s " CHROMIUM_FLAGS " --user-data-dir=%s --window-size=1400,2600 "
	    "--screenshot='%s/report.png' 'file://%s' >/dev/null 2>&1",
	    CHROMIUM, profile, rundir, html_path);
	cr_assert_eq(hs_sh("%s", cmd), 0, "chromium --screenshot failed");
	snprintf(cmd, sizeof(cmd), "%s/report.png", rundir);
	png = slurp(cmd, &pnglen);
	cr_assert_gt(pnglen, 24);
	cr_assert(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "report.png is no PNG");
	/* IHDR: width and height, big-endian, as asked. */
	cr_assert_eq(((unsigned char)png[16] << 24 | (unsigned char)png[17] << 16 |
			 (unsigned char)png[18] << 8 | (unsigned char)png[19]),
	    1400);
	cr_assert_gt(pnglen, 20000, "a page with pictures is more than %zu bytes", pnglen);

	/* The artifacts outlive the scratch directory. */
	snprintf(art, sizeof(art), "%s/test-artifacts/report", getenv("ANYLAB_BUILD_DIR"));
	cr_assert_eq(hs_sh("rm -rf '%s' && mkdir -p '%s' && cp '%s'/report.html '%s'/report.png "
			   "'%s'/timeline.svg '%s'/catchment.svg '%s'/results.json '%s'/",
			 art, art, rundir, rundir, rundir, rundir, rundir, art),
	    0);
	fprintf(stderr, "root_report: the report and its screenshot are in %s\n", art);
	free(png);
	free(dom);
	free(html);
}
