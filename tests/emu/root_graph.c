/*
 * anylab graph of a running Lab A (root): both BGP sessions drawn up, and
 * each client's arrow going to the DC that answers it, checked against
 * dig run in the client's namespace; the two clients reach different DCs
 * (the lab's hash seed 5 splits them, docs/benchmarks.md). The SVG of the
 * running lab is a plain SVG document. The lab is downed on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "emu/helper_lab.h"
#include "lab.h"

static char lab[16];

static void
graph_init(void)
{
	hl_require_root();
	hl_lab_name('g', lab, sizeof(lab));
}

static void
graph_fini(void)
{
	if (geteuid() == 0)
		lab_down(lab, true);
}

TestSuite(graph, .init = graph_init, .fini = graph_fini, .timeout = 120);

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The DC dig says answers client ("dc001"), into out. */
static void
dig_instance(const char *client, char *out, size_t len)
{
	char *o = NULL, *q, *e;
	int rc;

	rc = hl_anylab(&o, "exec", "-l", lab, client, "--", "dig", "+short", "+tries=3", "+time=1",
	    "TXT", "server.zone.tst", "@51.51.51.51", NULL);
	cr_assert_eq(rc, 0, "dig from %s: exit %d", client, rc);
	q = o ? strchr(o, '"') : NULL;
	e = q ? strchr(q + 1, '"') : NULL;
	cr_assert(q != NULL && e != NULL, "dig from %s: %s", client, o ? o : "");
	snprintf(out, len, "%.*s", (int)(e - q - 1), q + 1);
	for (char *c = out; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	free(o);
}

Test(graph, lab_a_running)
{
	char topo[512], *dot = NULL, *svg = NULL, want[32], edge[128];
	const char *clients[] = { "client1", "client2" };
	char dcs[2][32];
	int rc;

	if (access("/usr/bin/dig", X_OK) != 0)
		cr_skip_test("dig (Debian package dnsutils) is not installed");
	rc = hl_anylab(NULL, "up", hl_source("topologies/anycast-lab.json", topo, sizeof(topo)),
	    "--name", lab, NULL);
	cr_assert_eq(rc, 0, "anylab up: exit %d", rc);
	rc = hl_anylab(&dot, "graph", lab, NULL);
	cr_assert_eq(rc, 0, "anylab graph %s: exit %d", lab, rc);
	cr_assert_not_null(dot);
	/* Both sessions up, none down or unknown. */
	cr_expect_eq(count(dot, "class=\"bgp up\""), 2, "%s", dot);
	cr_expect(strstr(dot, "\"n:gateway\" -- \"n:dc001\" [class=\"bgp up\"") != NULL, "%s", dot);
	cr_expect(strstr(dot, "\"n:gateway\" -- \"n:dc002\" [class=\"bgp up\"") != NULL, "%s", dot);
	cr_expect_eq(count(dot, "eBGP\\nEstablished"), 2);
	/* Each client's arrow to the DC dig says answers it. */
	for (size_t i = 0; i < 2; i++) {
		dig_instance(clients[i], want, sizeof(want));
		snprintf(dcs[i], sizeof(dcs[i]), "%s", want);
		snprintf(edge, sizeof(edge), "\"n:%s\" -- \"n:%s\" [class=\"reach\"", clients[i],
		    want);
		cr_expect(strstr(dot, edge) != NULL, "%s: expected %s in\n%s", clients[i], edge,
		    dot);
	}
	cr_expect_eq(count(dot, "class=\"reach\""), 2, "%s", dot);
	cr_expect(strcmp(dcs[0], dcs[1]) != 0, "seed 5 splits the clients: both reach %s", dcs[0]);
	/* The SVG of a running lab: a standalone document on standard output. */
	rc = hl_anylab(&svg, "graph", lab, "--format", "svg", NULL);
	if (rc == 6) {
		free(dot);
		cr_skip_test("dot (graphviz) is not installed");
	}
	cr_assert_eq(rc, 0);
	cr_expect(strncmp(svg, "<?xml", 5) == 0, "%.80s", svg);
	cr_expect(strstr(svg, "</svg>") != NULL);
	cr_expect_eq(count(svg, "class=\"edge bgp up\""), 2);
	cr_expect_eq(count(svg, "class=\"edge reach\""), 2);
	free(svg);
	free(dot);
}
