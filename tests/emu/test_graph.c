/*
 * anylab graph without a lab (emu/graph/): the DOT of Lab A
 * (topologies/anycast-lab.json) has its nodes by role, its LAN segments
 * with their members, its two BGP sessions and its anycast instances;
 * sites become clusters; two sessions between the same routers over two
 * links stay two, each point-to-point link labelled with both ends, a
 * link of kind vxlan dashed; answers map to instances; Graphviz's dot accepts the DOT
 * (skipped with a message when dot is not installed); a PATH without dot
 * gives the error naming the package; the HTML page holds the SVG and the
 * legend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "emu/helper_lab.h"
#include "emu_error.h"
#include "graph.h"
#include "topo.h"

static struct topology *
load_lab_a(void)
{
	struct cfg_errors errs;
	struct topology *t = NULL;
	char path[512];

	cr_assert_eq(topo_load(hl_source("topologies/anycast-lab.json", path, sizeof(path)), &t,
			 &errs),
	    0);
	return t;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

Test(graph, lab_a_dot)
{
	struct topology *t = load_lab_a();
	struct strbuf sb = STRBUF_INIT;
	struct graph g;
	const char *d;

	graph_build(&g, t);
	cr_expect_eq(graph_role(&g, (size_t)(topo_node_find(t, "client1") - t->nodes)),
	    TOPO_ROLE_CLIENT);
	cr_expect_eq(graph_role(&g, (size_t)(topo_node_find(t, "gateway") - t->nodes)),
	    TOPO_ROLE_ROUTER);
	cr_expect_eq(graph_role(&g, (size_t)(topo_node_find(t, "dc002") - t->nodes)),
	    TOPO_ROLE_DNS);
	cr_assert_eq(g.nsessions, 2);
	graph_dot(&g, &sb);
	d = sb_str(&sb);
	cr_expect(strncmp(d, "graph \"lab:anycast\" {", 21) == 0, "%s", d);
	/* Nodes by role: the shapes of the style table. */
	cr_expect(strstr(d, "\"n:client1\" [shape=box, style=\"rounded,filled\"") != NULL, "%s", d);
	cr_expect(strstr(d, "\"n:client2\" [shape=box, style=\"rounded,filled\"") != NULL);
	cr_expect(strstr(d, "\"n:gateway\" [shape=box3d") != NULL);
	cr_expect(strstr(d, "\"n:dc001\" [shape=cylinder") != NULL);
	cr_expect(strstr(d, "\"n:dc002\" [shape=cylinder") != NULL);
	/* Anycast instances with their address. */
	cr_expect_eq(count(d, "anycast instance, AS 65511"), 2);
	cr_expect_eq(count(d, "anycast 51.51.51.51/32"), 2);
	/* LAN segments with their subnets, and every member hung from its LAN, nearer end first. */
	cr_expect(strstr(d, "\"lan:internet\" [") != NULL);
	cr_expect(strstr(d, "LAN 131.253.1.0/24") != NULL);
	cr_expect(strstr(d, "LAN 10.10.10.0/24") != NULL);
	cr_expect(
	    strstr(d, "\"n:client1\" -- \"lan:internet\" [label=\"eth0 131.253.1.1/24\"") != NULL);
	cr_expect(strstr(d, "\"lan:internet\" -- \"n:gateway\" [label=\"eth0 131.253.1.254/24\"") !=
	    NULL);
	cr_expect(strstr(d, "\"n:gateway\" -- \"lan:internet\"") == NULL);
	cr_expect(strstr(d, "\"n:gateway\" -- \"lan:intranet\"") != NULL);
	cr_expect(strstr(d, "\"lan:intranet\" -- \"n:dc001\" [label=\"eth0 10.10.10.1/24\"") !=
		NULL,
	    "%s", d);
	cr_expect(strstr(d, "\"lan:intranet\" -- \"n:dc002\"") != NULL);
	/* The sessions: one dashed edge each, both configured, gateway to each DC. */
	cr_expect_eq(count(d, "class=\"bgp configured\", style=\"dashed\""), 2);
	cr_expect(strstr(d, "\"n:gateway\" -- \"n:dc001\" [class=\"bgp") != NULL);
	cr_expect(strstr(d, "\"n:gateway\" -- \"n:dc002\" [class=\"bgp") != NULL);
	cr_expect(strstr(d, "class=\"reach\"") == NULL, "no answers without a running lab");
	cr_expect(strstr(d, "cluster") == NULL, "Lab A names no site");
	sb_free(&sb);
	graph_free(&g);
	topo_free(t);
}

Test(graph, instances)
{
	struct topology *t = load_lab_a();

	cr_expect_eq(graph_instance_of(t, "DC001"), topo_node_find(t, "dc001"));
	cr_expect_eq(graph_instance_of(t, "DC002"), topo_node_find(t, "dc002"));
	cr_expect_eq(graph_instance_of(t, "dc002"), topo_node_find(t, "dc002"));
	cr_expect_null(graph_instance_of(t, "gateway"), "no DNS server");
	cr_expect_null(graph_instance_of(t, "DC003"));
	cr_expect_null(graph_instance_of(t, ""));
	topo_free(t);
}

/* Two sites, two routers joined twice (a session on each link), a route server. */
static const char two_sites[] =
    "{\"name\": \"sites\", \"nodes\": {"
    " \"c1\": {\"site\": \"north\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.1.0.1/24\"]}},"
    "        \"resolver\": [\"10.1.0.254\"]},"
    " \"r1\": {\"site\": \"north\", \"forwarding\": true, \"interfaces\": {"
    "        \"eth0\": {\"addresses\": [\"10.1.0.254/24\"]},"
    "        \"eth1\": {\"addresses\": [\"192.0.2.1/30\"]},"
    "        \"eth2\": {\"addresses\": [\"192.0.2.5/30\"]}},"
    "        \"bgp\": {\"asn\": 65001, \"router_id\": \"10.1.0.254\", \"peers\": ["
    "          {\"address\": \"192.0.2.2\", \"asn\": 65002},"
    "          {\"address\": \"192.0.2.6\", \"asn\": 65002}]}},"
    " \"r2\": {\"site\": \"south 2\", \"forwarding\": true, \"interfaces\": {"
    "        \"eth0\": {\"addresses\": [\"192.0.2.2/30\"]},"
    "        \"eth1\": {\"addresses\": [\"192.0.2.6/30\"]},"
    "        \"eth2\": {\"addresses\": [\"10.2.0.254/24\"]}},"
    "        \"bgp\": {\"asn\": 65002, \"router_id\": \"10.2.0.254\", \"peers\": ["
    "          {\"address\": \"192.0.2.5\", \"asn\": 65001},"
    "          {\"address\": \"192.0.2.1\", \"asn\": 65001},"
    "          {\"address\": \"10.2.0.7\", \"asn\": 65002}]}},"
    " \"rs\": {\"site\": \"south 2\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.2.0.7/24\"]}},"
    "        \"bgp\": {\"asn\": 65002, \"router_id\": \"10.2.0.7\", \"peers\": ["
    "          {\"address\": \"10.2.0.254\", \"asn\": 65002},"
    "          {\"address\": \"203.0.113.9\", \"asn\": 64999}]}},"
    " \"net\": {\"role\": \"internet\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.2.0.9/24\"]}}}"
    "}, \"links\": ["
    " {\"endpoints\": [\"c1:eth0\", \"r1:eth0\"]},"
    " {\"name\": \"t1\", \"endpoints\": [\"r1:eth1\", \"r2:eth0\"]},"
    " {\"name\": \"t2\", \"endpoints\": [\"r1:eth2\", \"r2:eth1\"]},"
    " {\"name\": \"south\", \"endpoints\": [\"r2:eth2\", \"rs:eth0\", \"net:eth0\"]}"
    "]}";

Test(graph, sites_sessions_roles)
{
	struct strbuf sb = STRBUF_INIT;
	struct cfg_errors errs;
	struct topology *t = NULL;
	struct graph g;
	const char *d, *north, *south;

	cr_assert_eq(topo_load_string(two_sites, "two_sites", &t, &errs), 0);
	cr_expect_str_eq(topo_node_find(t, "r2")->site, "south 2");
	graph_build(&g, t);
	cr_expect_eq(graph_role(&g, (size_t)(topo_node_find(t, "rs") - t->nodes)),
	    TOPO_ROLE_ROUTE_SERVER);
	cr_expect_eq(graph_role(&g, (size_t)(topo_node_find(t, "net") - t->nodes)),
	    TOPO_ROLE_INTERNET);
	/* r1-r2 twice (one per link, each paired with its way back), r2-rs, rs-outside. */
	cr_assert_eq(g.nsessions, 4);
	cr_expect_str_eq(g.sessions[0].b_addr, "192.0.2.2");
	cr_expect_str_eq(g.sessions[0].a_addr, "192.0.2.1", "paired on the same link");
	cr_expect_eq(g.sessions[0].link, topo_link_find(t, "t1"));
	cr_expect_str_eq(g.sessions[1].a_addr, "192.0.2.5");
	cr_expect_eq(g.sessions[1].link, topo_link_find(t, "t2"));
	cr_expect_null(g.sessions[3].b, "203.0.113.9 is nobody's in the lab");
	graph_dot(&g, &sb);
	d = sb_str(&sb);
	north = strstr(d, "label=\"site north\"");
	south = strstr(d, "label=\"site south 2\"");
	cr_assert(north != NULL && south != NULL, "%s", d);
	/* The site's nodes and its LAN inside its cluster (before the next one closes). */
	cr_expect(strstr(north, "\"n:c1\" [") < south && strstr(north, "\"n:r1\" [") < south);
	cr_expect(strstr(south, "\"n:r2\" [") != NULL && strstr(south, "\"n:rs\" [") != NULL);
	cr_expect_eq(count(d, "label=\"site "), 2);
	cr_expect(strstr(d, "\"lan:south\" [") != NULL);
	cr_expect(strstr(d, "peripheries=2") != NULL, "the internet role's shape");
	cr_expect(strstr(d, "label=\"peer 203.0.113.9\\nAS 64999 (outside the lab)\"") != NULL);
	cr_expect_eq(count(d, "class=\"bgp configured\""), 4);
	cr_expect_eq(count(d, "label=\"iBGP\""), 1);
	/* Each point-to-point link labelled at both ends. */
	cr_expect(strstr(d,
		      "\"n:r1\" -- \"n:r2\" [label=\"t1\\nr1 eth1 192.0.2.1/30\\n"
		      "r2 eth0 192.0.2.2/30\", color=") != NULL,
	    "%s", d);
	cr_expect(strstr(d, "[label=\"c1 eth0 10.1.0.1/24\\nr1 eth0 10.1.0.254/24\"") != NULL,
	    "a made link name is not shown: %s", d);
	sb_free(&sb);
	/*
	 * A link of kind "vxlan" is drawn dashed as a tunnel. The kind is read
	 * from the file's JSON, set here on t2 (the loader may not know it yet).
	 */
	cJSON_AddStringToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(t->root, "links"), 2),
	    "kind", "vxlan");
	cr_expect_str_eq(graph_link_kind(t, topo_link_find(t, "t2")), "vxlan");
	cr_expect_str_eq(graph_link_kind(t, topo_link_find(t, "t1")), "");
	graph_dot(&g, &sb);
	d = sb_str(&sb);
	cr_expect(strstr(d,
		      "[label=\"t2 (vxlan)\\nr1 eth2 192.0.2.5/30\\nr2 eth1 192.0.2.6/30\", "
		      "color=\"#7b3294\", fontcolor=\"#7b3294\", style=\"dashed\"") != NULL,
	    "%s", d);
	cr_expect(strstr(d,
		      "[label=\"t1\\nr1 eth1 192.0.2.1/30\\nr2 eth0 192.0.2.2/30\", "
		      "color=\"#555555\"]") != NULL,
	    "%s", d);
	sb_free(&sb);
	graph_free(&g);
	topo_free(t);
}

Test(graph, dot_accepts_it)
{
	struct topology *t = load_lab_a();
	struct strbuf dot = STRBUF_INIT, svg = STRBUF_INIT, html = STRBUF_INIT;
	char msg[512];
	struct graph g;
	int r;

	graph_build(&g, t);
	graph_dot(&g, &dot);
	r = graph_svg(sb_str(&dot), &svg, msg, sizeof(msg));
	if (r == EMU_EMISSING) {
		graph_free(&g);
		topo_free(t);
		cr_skip_test("%s (tools/setup.sh installs it)", msg);
	}
	cr_assert_eq(r, 0, "%s", msg);
	cr_expect(strstr(sb_str(&svg), "<svg") != NULL);
	cr_expect(strstr(sb_str(&svg), ">client1</text>") != NULL, "%s", sb_str(&svg));
	cr_expect(strstr(sb_str(&svg), "anycast 51.51.51.51/32") != NULL);
	cr_expect_eq(count(sb_str(&svg), "class=\"edge bgp configured\""), 2);
	graph_html(&g, sb_str(&svg), &html);
	cr_expect(strncmp(sb_str(&html), "<!DOCTYPE html>", 15) == 0);
	cr_expect(strstr(sb_str(&html), "<?xml") == NULL, "the SVG inline, without its prolog");
	cr_expect_eq(count(sb_str(&html), "<svg width=\"") >= 1, 1);
	cr_expect(strstr(sb_str(&html), "BGP session up (Established)") != NULL);
	cr_expect(strstr(sb_str(&html), "src=") == NULL, "self-contained");
	sb_free(&dot);
	sb_free(&svg);
	sb_free(&html);
	graph_free(&g);
	topo_free(t);
}

Test(graph, dot_missing_names_the_package)
{
	struct strbuf svg = STRBUF_INIT;
	char msg[512], dir[] = "/tmp/anylab-graph-XXXXXX", *old;
	int r;

	cr_assert_not_null(mkdtemp(dir));
	old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", dir, 1);
	r = graph_svg("graph { a -- b }", &svg, msg, sizeof(msg));
	if (old != NULL)
		setenv("PATH", old, 1);
	free(old);
	rmdir(dir);
	cr_expect_eq(r, EMU_EMISSING);
	cr_expect(strstr(msg, "graphviz") != NULL, "%s", msg);
	sb_free(&svg);
}

Test(graph, dot_refusal_reported)
{
	struct strbuf svg = STRBUF_INIT;
	char msg[512];
	int r;

	r = graph_svg("graph { a -- b ", &svg, msg, sizeof(msg));
	if (r == EMU_EMISSING)
		cr_skip_test("%s", msg);
	cr_expect_eq(r, EMU_ECOMMAND, "%d", r);
	cr_expect(strstr(msg, "-Tsvg failed") != NULL, "%s", msg);
	sb_free(&svg);
}
