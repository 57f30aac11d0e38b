/*
 * Kind "bird" without a daemon (emu/kinds/kind_bird.c, bird_ctl.c):
 *
 * - golden configs, OpenBGPD-regress style: every tests/kinds/golden/bird/NAME.json
 *   (a node's bgp section with "kind": "bird") goes through the kind's check and
 *   configure ops as node NAME; the bird.conf written must equal NAME.conf byte for
 *   byte, and BIRD itself must accept it (`bird -p`, when bird2 is installed). A
 *   refuse-*.json must fail the check with exactly the errors of its NAME.err.
 *   Regenerate the expected files with ANYLAB_REGEN_GOLDEN=1 (then read the diff).
 * - the Lab A inputs are the sections of topologies/anycast-lab.json, unchanged;
 * - BIRD's control protocol and its replies: samples captured from a real BIRD
 *   2.0.12 (tests/kinds/samples/bird/NAME.raw: the bytes after a command, as the
 *   socket sent them) decoded, parsed into anybgpd's peers and routes shapes, and
 *   one served over a UNIX socket to the client.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "bird_ctl.h"
#include "kind.h"
#include "kind_bird.h"

static char tmpdir[256];

static const char *
src_dir(void)
{
	const char *s = getenv("ANYLAB_SOURCE_DIR");

	return s != NULL ? s : ".";
}

static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	if (lenp)
		*lenp = (size_t)n;
	return buf;
}

static void
spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static bool
regen(void)
{
	const char *r = getenv("ANYLAB_REGEN_GOLDEN");

	return r != NULL && strcmp(r, "1") == 0;
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hb-kind-bird-%d", (int)getpid());
	mkdir(tmpdir, 0755);
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

/* A kind_node for NAME's section, the node called NAME, folder tmpdir. */
struct golden_node {
	struct topo_node node;
	struct kind_node k;
	cJSON *section;
	char name[64];
};

static void
golden_node(struct golden_node *g, const char *name)
{
	char path[512];
	char *text;

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(path, sizeof(path), "%s/tests/kinds/golden/bird/%s.json", src_dir(), name);
	text = slurp(path, NULL);
	cr_assert_not_null(text, "%s missing", path);
	g->section = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(g->section, "%s: not JSON", path);
	g->node.name = g->name;
	g->k.lab = "hblab";
	g->k.node = &g->node;
	g->k.role = KIND_BGP;
	g->k.section = g->section;
	g->k.kind = kind_find(KIND_BGP, "bird");
	cr_assert_not_null(g->k.kind, "kind bird is not registered");
	snprintf(g->k.service, sizeof(g->k.service), "bgp");
	snprintf(g->k.path, sizeof(g->k.path), "nodes.%s.bgp", name);
	snprintf(g->k.dir, sizeof(g->k.dir), "%s", tmpdir);
	snprintf(g->k.base_dir, sizeof(g->k.base_dir), "%s/tests/kinds/golden/bird", src_dir());
}

/* Replace every occurrence of what in text by with (a new string). */
static char *
replace_all(const char *text, const char *what, const char *with)
{
	struct strbuf out = STRBUF_INIT;
	const char *p;

	while ((p = strstr(text, what)) != NULL) {
		sb_add(&out, text, (size_t)(p - text));
		sb_puts(&out, with);
		text = p + strlen(what);
	}
	sb_puts(&out, text);
	return sb_steal(&out);
}

/* Check, configure, compare with NAME.conf; the written text is returned (caller frees). */
static char *
golden_conf(const char *name)
{
	struct golden_node g;
	struct cfg_errors errs;
	char msg[KIND_MSG_MAX] = "", path[512], want_path[512];
	char *got, *want, *portable;
	int rc;

	golden_node(&g, name);
	cfg_errors_init(&errs, "golden");
	rc = g.k.kind->check(&g.k, &errs);
	cr_assert_eq(rc, 0, "%s: check refused: %s: %s", name, errs.count ? errs.err[0].path : "",
	    errs.count ? errs.err[0].msg : "");
	rc = g.k.kind->configure(&g.k, msg, sizeof(msg));
	cr_assert_eq(rc, 0, "%s: configure: %s", name, msg);
	snprintf(path, sizeof(path), "%s/bird.conf", tmpdir);
	got = slurp(path, NULL);
	cr_assert_not_null(got);
	/* The node's folder differs per run: the expected file names it DIR. */
	portable = replace_all(got, tmpdir, "DIR");
	snprintf(want_path, sizeof(want_path), "%s/tests/kinds/golden/bird/%s.conf", src_dir(),
	    name);
	if (regen())
		spit(want_path, portable);
	want = slurp(want_path, NULL);
	cr_assert_not_null(want, "%s missing (ANYLAB_REGEN_GOLDEN=1 writes it)", want_path);
	cr_assert_str_eq(portable, want, "%s: bird.conf differs from %s", name, want_path);
	free(want);
	free(portable);
	cJSON_Delete(g.section);
	return got;
}

/* BIRD's own parser accepts the file (bird -p), when BIRD is installed. */
static void
bird_accepts(const char *name)
{
	char cmd[600];
	int rc;

	if (access("/usr/sbin/bird", X_OK) < 0) {
		cr_log_warn("bird2 not installed: %s not checked by bird -p", name);
		return;
	}
	snprintf(cmd, sizeof(cmd), "/usr/sbin/bird -p -c %s/bird.conf > %s/p.out 2>&1", tmpdir,
	    tmpdir);
	rc = system(cmd);
	if (rc != 0) {
		char out[512], *text;

		snprintf(out, sizeof(out), "%s/p.out", tmpdir);
		text = slurp(out, NULL);
		cr_assert_fail("%s: bird -p refuses the config: %s", name, text ? text : "");
	}
}

#define GOLDEN(test, name) \
	Test(bird_golden, test, .init = setup, .fini = teardown) \
	{ \
		free(golden_conf(name)); \
		bird_accepts(name); \
	}

GOLDEN(laba_gateway, "laba-gateway")
GOLDEN(laba_dc001, "laba-dc001")
GOLDEN(laba_dc002, "laba-dc002")
GOLDEN(policy, "policy")
GOLDEN(ipv6, "ipv6")
GOLDEN(passive_password, "passive-password")
GOLDEN(user_config, "user-config")
GOLDEN(capture_policy_gateway, "capture-policy-gateway")
GOLDEN(bfd, "bfd")
GOLDEN(route_server, "route-server")
GOLDEN(rules, "rules")
GOLDEN(labb_central, "labb-central")
GOLDEN(labb_rs, "labb-rs")

/* The Lab A inputs are the topology's own sections (plus "kind"): no drift. */
Test(bird_golden, laba_inputs_are_the_topology, .init = setup, .fini = teardown)
{
	static const char *const nodes[] = { "gateway", "dc001", "dc002" };
	char path[512], *text;
	cJSON *topo;

	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", src_dir());
	text = slurp(path, NULL);
	cr_assert_not_null(text);
	topo = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(topo);
	for (size_t i = 0; i < 3; i++) {
		struct golden_node g;
		char name[32];
		cJSON *want = cJSON_Duplicate(
		    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(topo, "nodes"),
					    nodes[i]),
			"bgp"),
		    true);

		snprintf(name, sizeof(name), "laba-%s", nodes[i]);
		golden_node(&g, name);
		cJSON_DeleteItemFromObject(g.section, "kind");
		cr_assert(cJSON_Compare(want, g.section, true),
		    "%s.json is not nodes.%s.bgp of "
		    "topologies/anycast-lab.json",
		    name, nodes[i]);
		cJSON_Delete(want);
		cJSON_Delete(g.section);
	}
	cJSON_Delete(topo);
}

/*
 * Lab B's central router and route server (topologies/multi-site.json) as
 * their sections, but for the peers' "damping", which kind bird refuses
 * (BIRD 2 has no route flap damping): dropped from central's two DNS peers.
 */
Test(bird_golden, labb_inputs_are_the_topology_without_damping, .init = setup, .fini = teardown)
{
	static const char *const nodes[] = { "central", "rs" };
	char path[512], *text;
	cJSON *topo;
	int dropped = 0;

	snprintf(path, sizeof(path), "%s/topologies/multi-site.json", src_dir());
	text = slurp(path, NULL);
	cr_assert_not_null(text);
	topo = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(topo);
	for (size_t i = 0; i < 2; i++) {
		struct golden_node g;
		char name[32];
		cJSON *want = cJSON_Duplicate(
		    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(topo, "nodes"),
					    nodes[i]),
			"bgp"),
		    true);
		cJSON *peer;

		cr_assert_not_null(want, "nodes.%s.bgp missing from multi-site.json", nodes[i]);
		cJSON_ArrayForEach(peer, cJSON_GetObjectItem(want, "peers")) {
			if (cJSON_GetObjectItem(peer, "damping") != NULL) {
				cJSON_DeleteItemFromObject(peer, "damping");
				dropped++;
			}
		}
		snprintf(name, sizeof(name), "labb-%s", nodes[i]);
		golden_node(&g, name);
		cJSON_DeleteItemFromObject(g.section, "kind");
		cr_assert(cJSON_Compare(want, g.section, true),
		    "%s.json is not nodes.%s.bgp of topologies/multi-site.json without the "
		    "peers' damping",
		    name, nodes[i]);
		cJSON_Delete(want);
		cJSON_Delete(g.section);
	}
	cr_assert_eq(dropped, 2, "central's two DNS peers have damping, nothing else");
	cJSON_Delete(topo);
}

/* Lab B's central router: its import rules, the prefix limit, BFD at 10 ms. */
Test(bird_golden, labb_central_rules, .init = setup, .fini = teardown)
{
	char *c = golden_conf("labb-central");
	const char *f = strstr(c, "filter bgp_172_16_1_11_import4\n{\n");
	const char *f6 = strstr(c, "filter bgp_172_16_1_11_import6\n{\n");
	const char *cl = strstr(c, "filter bgp_10_255_0_2_import4\n{\n");

	cr_assert(f != NULL && f6 != NULL && cl != NULL);
	cr_assert_not_null(strstr(f,
	    "\tif net ~ [ 51.51.51.0/24 ] && bgp_path.last = 65511 then {\n"
	    "\t\tbgp_local_pref = 200;\n\t\taccept;\n\t}\n\treject;\n}"));
	cr_assert_not_null(
	    strstr(f6, "\tif net ~ [ 2001:db8:51::/48 ] && bgp_path.last = 65511 then {\n"));
	cr_assert_not_null(strstr(cl,
	    "\tif net ~ [ 51.51.51.0/24 ] then {\n\t\tbgp_local_pref = 100;\n\t\taccept;\n\t}\n"
	    "\t# rules[1]\n\tif net ~ [ 172.16.3.0/24, 172.16.4.0/24 ] then {\n\t\taccept;\n"
	    "\t}\n\treject;\n}"));
	cr_assert_not_null(strstr(c,
	    "\t\timport limit 4 action restart;\t# after the error wait, not "
	    "max_prefixes_restart_s 30\n"));
	cr_assert_not_null(strstr(c, "\t\tmin rx interval 10 ms;\n"));
	free(c);
}

/* Every match and action of a rule list, as the golden file spells them. */
Test(bird_golden, rules_matches_and_actions, .init = setup, .fini = teardown)
{
	char *c = golden_conf("rules");
	const char *imp = strstr(c, "filter bgp_10_10_10_1_import4\n{\n");
	const char *up = strstr(c, "filter bgp_10_10_20_1_export4\nbgppath aspath;\n{\n");
	const char *rs = strstr(c, "filter bgp_10_10_30_1_export4\nbgppath aspath;\n{\n");
	const char *ibgp = strstr(c, "filter bgp_10_10_40_1_export4\n{\n");

	cr_assert(imp != NULL && up != NULL && rs != NULL && ibgp != NULL);
	cr_assert_not_null(strstr(imp,
	    "\tif net ~ [ 51.51.51.0/24 ] && bgp_path.last = 65511 && bgp_path.first = 65511 && "
	    "bgp_path.len >= 1 && bgp_path.len <= 3 && bgp_path ~ [= 65511 =] && "
	    "((bgp_next_hop.is_v4 && bgp_next_hop ~ 10.10.10.0/24) || "
	    "(!bgp_next_hop.is_v4 && bgp_next_hop ~ fd00:10::/64)) then {\n"
	    "\t\tbgp_local_pref = 200;\n\t\tbgp_med = 10;\n"
	    "\t\tbgp_community.add((8075,1));\n\t\tbgp_community.add((65535,65281));\n"
	    "\t\tbgp_large_community.add((8075,1,1));\n"
	    "\t\tbgp_path.prepend(65511);\n\t\tbgp_path.prepend(65511);\n\t\taccept;\n"));
	cr_assert_not_null(strstr(imp,
	    "\tif net ~ [ 10.0.0.0/8{16,24} ] && "
	    "(65511,666) ~ bgp_community && (65535,666) ~ bgp_community && "
	    "(65511,0,666) ~ bgp_large_community then {\n\t\treject;\n"));
	cr_assert_not_null(
	    strstr(imp, "if bgp_path.len >= 2 && bgp_path.len <= 2 && bgp_path ~ [= * 64496 * =]"));
	cr_assert_not_null(strstr(imp,
	    "\t\tbgp_community.delete([(*,*)]);\n"
	    "\t\tbgp_community.add((8075,2));\n"
	    "\t\tbgp_large_community.delete([(*,*,*)]);\n"));
	cr_assert_not_null(strstr(imp, "bgp_path ~ [= 65511 * =]"));
	cr_assert_not_null(strstr(imp, "\t\tbgp_path.prepend(64500);\n"));
	cr_assert_not_null(strstr(imp, "bgp_path ~ [= * 64497 64498 =]"));
	cr_assert_not_null(
	    strstr(imp, "# rules[5] never matches here (peer_as: not this peer's AS)"));
	cr_assert_not_null(
	    strstr(imp, "# rules[6] never matches here (origin_as 0 matches no path)"));
	cr_assert_not_null(
	    strstr(imp, "# rules[7] never matches here (prefix: none of this family)"));
	cr_assert_not_null(strstr(imp, "\taccept;\n}"), "default accept");
	/* Export to an external peer: the path matched has our AS, as anybgpd's does. */
	cr_assert_not_null(strstr(up, "\taspath = prepend(bgp_path, 8075);\n"));
	cr_assert_not_null(strstr(up, "aspath ~ [= 8075 =]"));
	cr_assert_not_null(strstr(up, "aspath.first = 8075 && aspath.len <= 2"));
	cr_assert_not_null(strstr(up, "\t\tbgp_path.prepend(8075);\n"));
	cr_assert_not_null(strstr(up, "# rules[2]: every route\n\treject;\n}\n"));
	/* A route server client: our AS only on our own routes. */
	cr_assert_not_null(
	    strstr(rs, "\tif source != RTS_BGP then aspath = prepend(aspath, 8075);\n"));
	/* Internal: the path as it is; the peer decided when the file is written. */
	cr_assert_not_null(strstr(ibgp, "\tif bgp_path.last = 65511 then {\n"));
	cr_assert_not_null(strstr(ibgp, "# rules[1] never matches here (peer: not this peer)"));
	free(c);
}

/* What the golden files say, spelled out for the behaviours the brief names. */
Test(bird_golden, gateway_merges_two_paths_and_exports_only_bgp, .init = setup, .fini = teardown)
{
	char *c = golden_conf("laba-gateway");

	cr_assert_not_null(strstr(c, "merge paths on limit 2;"));
	cr_assert_not_null(strstr(c, "export where source = RTS_BGP;"));
	cr_assert_not_null(strstr(c, "protocol bgp bgp_10_10_10_1 {"));
	cr_assert_not_null(strstr(c, "protocol bgp bgp_10_10_10_2 {"));
	cr_assert_not_null(strstr(c, "error wait time 1, 120;"));
	cr_assert_null(strstr(c, "protocol static"), "the gateway originates nothing");
	free(c);
}

Test(bird_golden, dc_originates_through_a_static_protocol, .init = setup, .fini = teardown)
{
	char *c = golden_conf("laba-dc001");

	cr_assert_not_null(strstr(c,
	    "protocol static originate_51_51_51_0_24 {\n\tipv4;\n"
	    "\troute 51.51.51.0/24 blackhole;\n}"));
	cr_assert_null(strstr(c, "merge paths"), "max_paths 1: no merge");
	free(c);
}

Test(bird_golden, rfc8212_defaults, .init = setup, .fini = teardown)
{
	char *c = golden_conf("policy");
	char *ibgp = strstr(c, "protocol bgp bgp_10_10_10_3 {");
	char *ebgp = strstr(c, "protocol bgp bgp_10_10_10_4 {");

	cr_assert(ibgp && ebgp);
	cr_assert_not_null(strstr(ibgp, "import all;"));
	cr_assert(strstr(ebgp, "import none;") != NULL && strstr(ebgp, "export none;") != NULL);
	cr_assert(strstr(ebgp, "import none;") < strstr(ebgp, "}\n"));
	free(c);
}

Test(bird_golden, install_false_exports_nothing_and_table, .init = setup, .fini = teardown)
{
	char *c = golden_conf("ipv6");

	cr_assert_not_null(strstr(c, "protocol kernel kernel6 {"));
	cr_assert_null(strstr(c, "RTS_BGP"), "kernel.install false: nothing exported");
	cr_assert_not_null(strstr(c, "kernel table 100;"));
	cr_assert_not_null(strstr(c, "next hop address 192.0.2.1;"));
	free(c);
}

/* BFD: one bfd protocol, each peer's own options, none for a peer that says false. */
Test(bird_golden, bfd_options_per_peer, .init = setup, .fini = teardown)
{
	char *c = golden_conf("bfd");
	const char *p2 = strstr(c, "protocol bgp bgp_10_0_0_2 {");
	const char *p3 = strstr(c, "protocol bgp bgp_10_0_0_3 {");
	const char *p6 = strstr(c, "protocol bgp bgp_fd00__2 {");

	cr_assert_not_null(strstr(c, "\nprotocol bfd {\n}\n"));
	cr_assert(p2 != NULL && p3 != NULL && p6 != NULL);
	cr_assert_not_null(strstr(p2,
	    "\tbfd {\n\t\tmin rx interval 100 ms;\n\t\tmin tx interval 100 ms;\n"
	    "\t\tmultiplier 3;\n\t};\n"));
	/* The peer's object overrides the top level's; what it does not say is inherited. */
	cr_assert_not_null(strstr(p3,
	    "\tbfd {\n\t\tmin rx interval 200 ms;\n\t\tmin tx interval 50 ms;\n"
	    "\t\tmultiplier 5;\n\t};\n"));
	cr_assert_null(strstr(p6, "bfd"), "\"bfd\": false: no BFD for fd00::2");
	free(c);
}

/* Without any "bfd" key, no bfd protocol at all. */
Test(bird_golden, no_bfd_without_the_key, .init = setup, .fini = teardown)
{
	char *c = golden_conf("policy");

	cr_assert_null(strstr(c, "bfd"));
	free(c);
}

/* A refused section: exactly the errors of NAME.err, one "path: message" per line. */
static void
golden_refusal(const char *name)
{
	struct golden_node g;
	struct cfg_errors errs;
	struct strbuf got = STRBUF_INIT;
	char want_path[512], *want;
	int rc;

	setup();
	golden_node(&g, name);
	cfg_errors_init(&errs, NULL);
	rc = g.k.kind->check(&g.k, &errs);
	for (int i = 0; i < errs.count; i++)
		sb_printf(&got, "%s: %s\n", errs.err[i].path, errs.err[i].msg);
	snprintf(want_path, sizeof(want_path), "%s/tests/kinds/golden/bird/%s.err", src_dir(),
	    name);
	if (regen())
		spit(want_path, sb_str(&got));
	want = slurp(want_path, NULL);
	cr_assert_not_null(want, "%s missing", want_path);
	cr_assert_eq(rc, -1, "%s: check accepted a section kind bird cannot express", name);
	cr_assert_str_eq(sb_str(&got), want);
	cr_assert_not_null(strstr(want, "kind bird"), "%s: the message names the kind", name);
	free(want);
	sb_free(&got);
	cJSON_Delete(g.section);
	teardown();
}

Test(bird_refuse, bfd_strict)
{
	golden_refusal("refuse-bfd-strict");
}

/* Bad BFD values are errors at their own paths, as anybgpd's parser gives them. */
Test(bird_refuse, bfd_values)
{
	static const struct {
		const char *section, *error;
	} cases[] = {
		{ "{\"kind\":\"bird\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"bfd\":{\"interval_ms\":0}}",
		    "nodes.x.bgp.bfd.interval_ms: expected an integer from 1 to 60000, found 0" },
		{ "{\"kind\":\"bird\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"bfd\":{\"multiplier\":256}}",
		    "nodes.x.bgp.bfd.multiplier: expected an integer from 1 to 255, found 256" },
		{ "{\"kind\":\"bird\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"bfd\":{\"echo\":true}}",
		    "nodes.x.bgp.bfd.echo: unknown key \"echo\"; expected one of: interval_ms, "
		    "min_tx_ms, min_rx_ms, multiplier, strict" },
		{ "{\"kind\":\"bird\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"peers\":[{\"address\":"
		  "\"10.0.0.2\",\"asn\":2,\"bfd\":\"on\"}]}",
		    "nodes.x.bgp.peers[0].bfd: expected true, false or an object of BFD timers" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct golden_node g;
		struct cfg_errors errs;
		char text[600];

		memset(&g, 0, sizeof(g));
		g.section = cJSON_Parse(cases[i].section);
		cr_assert_not_null(g.section, "case %zu", i);
		g.node.name = "x";
		g.k.node = &g.node;
		g.k.role = KIND_BGP;
		g.k.section = g.section;
		g.k.kind = kind_find(KIND_BGP, "bird");
		snprintf(g.k.path, sizeof(g.k.path), "nodes.x.bgp");
		cfg_errors_init(&errs, NULL);
		cr_expect_eq(g.k.kind->check(&g.k, &errs), -1, "case %zu accepted", i);
		cr_assert_geq(errs.count, 1, "case %zu: no error", i);
		snprintf(text, sizeof(text), "%s: %s", errs.err[0].path, errs.err[0].msg);
		cr_expect_str_eq(text, cases[i].error, "case %zu", i);
		cJSON_Delete(g.section);
	}
}

Test(bird_refuse, rules_damping_restart)
{
	golden_refusal("refuse-rules");
}

Test(bird_refuse, damping_peer)
{
	golden_refusal("refuse-damping-peer");
}

Test(bird_refuse, kernel_protocol)
{
	golden_refusal("refuse-kernel-protocol");
}

Test(bird_refuse, listen_false)
{
	golden_refusal("refuse-listen");
}

Test(bird_refuse, listen_ipv6)
{
	golden_refusal("refuse-listen-ipv6");
}

Test(bird_refuse, password_quote)
{
	golden_refusal("refuse-password-quote");
}

Test(bird_refuse, description_backslash)
{
	golden_refusal("refuse-description-backslash");
}

Test(bird_refuse, exact_kernel_protocol_message)
{
	struct golden_node g;
	struct cfg_errors errs;

	setup();
	golden_node(&g, "refuse-kernel-protocol");
	cfg_errors_init(&errs, NULL);
	cr_assert_eq(g.k.kind->check(&g.k, &errs), -1);
	cr_assert_eq(errs.count, 1);
	cr_assert_str_eq(errs.err[0].path, "nodes.refuse-kernel-protocol.bgp.kernel.protocol");
	cr_assert_str_eq(errs.err[0].msg,
	    "kind bird cannot choose the kernel route protocol: "
	    "BIRD marks its routes with its own (12, \"bird\")");
	cJSON_Delete(g.section);
	teardown();
}

Test(bird_refuse, user_config_only_kind_and_config, .init = setup, .fini = teardown)
{
	struct golden_node g;
	struct cfg_errors errs;

	golden_node(&g, "user-config");
	cJSON_AddNumberToObject(g.section, "asn", 65001);
	cfg_errors_init(&errs, NULL);
	cr_assert_eq(g.k.kind->check(&g.k, &errs), -1, "\"config\" with other keys accepted");
	cJSON_Delete(g.section);
}

/* ---- BIRD's replies ---- */

/* A sample decoded as bird_ctl does: text and final code. */
static char *
sample_text(const char *name, int *code)
{
	struct bird_reply r = { STRBUF_INIT, -1 };
	char path[512], *raw;
	size_t len = 0;
	long used;

	snprintf(path, sizeof(path), "%s/tests/kinds/samples/bird/%s", src_dir(), name);
	raw = slurp(path, &len);
	cr_assert_not_null(raw, "%s missing", path);
	used = bird_ctl_decode(raw, len, &r);
	cr_assert_eq(used, (long)len, "%s: not all of it decoded (%ld of %zu)", name, used, len);
	cr_assert_geq(r.code, 0, "%s: no final line", name);
	*code = r.code;
	free(raw);
	return sb_steal(&r.text);
}

Test(bird_ctl, decode_codes_and_continuations)
{
	static const char raw[] = "2002-Name       Proto\n1002-device1    Device\n"
				  " kernel4    Kernel\n0000 \n";
	struct bird_reply r = { STRBUF_INIT, -1 };

	cr_assert_eq(bird_ctl_decode(raw, sizeof(raw) - 1, &r), (long)sizeof(raw) - 1);
	cr_assert_eq(r.code, 0);
	cr_assert_str_eq(sb_str(&r.text),
	    "Name       Proto\ndevice1    Device\nkernel4    Kernel\n");
	bird_reply_free(&r);
}

Test(bird_ctl, decode_stops_at_final_and_waits_for_whole_lines)
{
	static const char part[] = "1000-BIRD 2.0.12\n1011-Router ID is 10.0.0.1\n 0013 Dae";
	struct bird_reply r = { STRBUF_INIT, -1 };

	cr_assert_eq(bird_ctl_decode(part, sizeof(part) - 1, &r), 44);
	cr_assert_eq(r.code, -1, "no final line yet");
	bird_reply_free(&r);
	cr_assert_eq(bird_ctl_decode("garbage\n", 8, &r), -1);
	bird_reply_free(&r);
}

Test(bird_ctl, errors_are_8xxx_and_9xxx)
{
	int code;
	char *t = sample_text("show-route-missing.raw", &code);

	cr_assert_eq(code, 8001);
	cr_assert(bird_ctl_failed(code));
	cr_assert_str_eq(t, "Network not found\n");
	free(t);
	t = sample_text("syntax-error.raw", &code);
	cr_assert_geq(code, 9000);
	free(t);
	cr_assert_not(bird_ctl_failed(3));
}

static struct bird_proto *
sample_protocols(const char *name, size_t *n)
{
	struct bird_proto *v;
	int code;
	char *t = sample_text(name, &code);

	cr_assert_eq(code, 0);
	cr_assert_eq(bird_protocols_parse(t, &v, n), 0);
	free(t);
	return v;
}

static const cJSON *
peer_of(const cJSON *doc, const char *addr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "address")), addr) == 0)
			return p;
	return NULL;
}

/* The Lab A gateway, all BIRD, both sessions up, 51.51.51.0/24 from both DCs. */
Test(bird_parse, gateway_peers_established)
{
	size_t n;
	struct bird_proto *v = sample_protocols("gateway-protocols.raw", &n);
	int sc;
	char *st = sample_text("gateway-status.raw", &sc);
	double now = bird_status_time(st, "Current server time is");
	cJSON *doc = bird_peers_json(v, n, now);
	const cJSON *p = peer_of(doc, "10.10.10.1");
	unsigned long long kr = 0;

	cr_assert_gt(now, 1.7e9, "server time not read");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "peers")), 2);
	cr_assert_not_null(p);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "asn")), 65511);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "state")), "Established");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "type")), "external");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "protocol")),
	    "bgp_10_10_10_1");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "router_id")), "10.10.10.1");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "local_address")),
	    "10.10.10.254");
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "hold_time")), 9);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "keepalive")), 3);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "prefixes_received")), 1);
	cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(p, "uptime")));
	cr_assert_geq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "uptime")), 0);
	cr_assert_lt(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "uptime")), 600);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].type, "Kernel") == 0)
			kr += v[i].exported;
	cr_assert_eq(kr, 1, "one merged kernel route for 51.51.51.0/24");
	cJSON_Delete(doc);
	free(st);
	free(v);
}

/* The gateway after dc001's adapter went down: that session not Established, an error shown. */
Test(bird_parse, gateway_peer_down)
{
	size_t n;
	struct bird_proto *v = sample_protocols("gateway-protocols-down.raw", &n);
	cJSON *doc = bird_peers_json(v, n, -1);
	const cJSON *p = peer_of(doc, "10.10.10.1");
	const char *st;

	cr_assert_not_null(p);
	st = cJSON_GetStringValue(cJSON_GetObjectItem(p, "state"));
	cr_assert(strcmp(st, "Active") == 0 || strcmp(st, "Connect") == 0 ||
		strcmp(st, "Idle") == 0,
	    "state %s", st);
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p, "uptime")));
	cr_assert_gt(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(p, "last_error"))), 0);
	p = peer_of(doc, "10.10.10.2");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "state")), "Established");
	cJSON_Delete(doc);
	free(v);
}

Test(bird_parse, gateway_routes_two_paths)
{
	size_t n;
	struct bird_proto *v = sample_protocols("gateway-protocols.raw", &n);
	int code;
	char *t = sample_text("gateway-routes.raw", &code);
	cJSON *doc = bird_routes_json(t, v, n);
	const cJSON *r, *routes = cJSON_GetObjectItem(doc, "routes");
	int best = 0, peers = 0;

	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "prefixes")), 1);
	cr_assert_eq(cJSON_GetArraySize(routes), 2);
	cJSON_ArrayForEach(r, routes) {
		const char *peer = cJSON_GetStringValue(cJSON_GetObjectItem(r, "peer"));

		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "prefix")),
		    "51.51.51.0/24");
		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "as_path")), "65511");
		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "next_hop")), peer);
		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "origin")), "IGP");
		peers |= strcmp(peer, "10.10.10.1") == 0 ? 1 :
		    strcmp(peer, "10.10.10.2") == 0	 ? 2 :
							   4;
		best += cJSON_IsTrue(cJSON_GetObjectItem(r, "best"));
	}
	cr_assert_eq(peers, 3);
	cr_assert_eq(best, 1);
	cJSON_Delete(doc);
	free(t);
	free(v);
}

/* Attributes a policy set (local_pref, med, communities, a prepended path) come through. */
Test(bird_parse, policy_routes_attributes)
{
	size_t n;
	struct bird_proto *v = sample_protocols("policy-protocols.raw", &n);
	int code;
	char *t = sample_text("policy-routes.raw", &code);
	cJSON *doc = bird_routes_json(t, v, n);
	const cJSON *r, *found = NULL, *local = NULL;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "routes")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "prefix")),
			"51.51.51.0/24") == 0 &&
		    !cJSON_IsNull(cJSON_GetObjectItem(r, "med")))
			found = r;
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "peer")), "local") == 0)
			local = r;
	}
	cr_assert_not_null(found, "51.51.51.0/24 with a MED from the policy");
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(found, "local_pref")), 200);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(found, "med")), 10);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(found, "as_path")),
	    "65511 65511 65511");
	{
		char *c = cJSON_PrintUnformatted(cJSON_GetObjectItem(found, "communities"));

		cr_assert_str_eq(c, "[\"8075:100\",\"no-export\"]");
		free(c);
	}
	cr_assert_not_null(local, "the originated prefix shows as local");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(local, "next_hop")));
	cJSON_Delete(doc);
	free(t);
	free(v);
}

Test(bird_parse, since_columns)
{
	double now = 1796229607.0; /* 2026-12-02 16:40:07 UTC */

	cr_assert_float_eq(bird_since_time("16:39:44.636", now), now - 22.364, 1e-6);
	/* Just after midnight, a time of day later than now is yesterday's. */
	cr_assert_float_eq(bird_since_time("23:59:00.000", 1796256030.0), 1796256030.0 - 90, 1e-6);
	cr_assert_float_eq(bird_since_time("2026-12-02 16:39:44", now), now - 23, 1e-6);
	cr_assert_lt(bird_since_time("nonsense", now), 0);
}

/* A server on a UNIX socket replaying a captured reply: the client reads it whole. */
/* `show bfd sessions` of a BIRD 2.0.12 peering with FRR (BFD 100 ms x 3 here, FRR 200 ms rx x 4). */
Test(bird_parse, bfd_sessions_up)
{
	int code;
	char *text = sample_text("bfd-sessions-up.raw", &code);
	/* 01:39:05.135 was 10 s before this "now" */
	cJSON *doc = bird_bfd_json(text, 86400.0 * 20000 + 1 * 3600 + 39 * 60 + 15.135);
	const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "sessions"), 0);

	cr_assert_eq(code, 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "sessions")), 1);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "peer")), "10.0.0.2");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "interface")), "eth0");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "state")), "Up");
	cr_assert_float_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "uptime")), 10.0, 0.01);
	/* The peer asked for 200 ms: BIRD sends at the larger of that and its own 100 ms. */
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "tx_ms")), 200);
	/* The peer's multiplier 4 times the 100 ms it sends at. */
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "detect_ms")), 400);
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(s, "rx_ms")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(s, "multiplier")));
	cJSON_Delete(doc);
	free(text);
}

Test(bird_parse, bfd_sessions_down_and_none)
{
	int code;
	char *text = sample_text("bfd-sessions-down.raw", &code);
	cJSON *doc = bird_bfd_json(text, 86400.0 * 20000 + 1 * 3600 + 40 * 60);
	const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "sessions"), 0);

	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "state")), "Down");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(s, "uptime")));
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "tx_ms")), 1000, "the idle rate");
	cJSON_Delete(doc);
	free(text);
	/* Without a bfd protocol BIRD refuses the command (the adapter answers no sessions). */
	text = sample_text("bfd-sessions-none.raw", &code);
	cr_assert(bird_ctl_failed(code));
	cr_assert_not_null(strstr(text, "no BFD protocol"), "%s", text);
	doc = bird_bfd_json(text, 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "sessions")), 0);
	cJSON_Delete(doc);
	free(text);
}

Test(bird_ctl, client_against_replayed_sample, .init = setup, .fini = teardown)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct bird_reply r;
	char path[512], *raw, *want;
	size_t len = 0;
	int fd, code, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/tests/kinds/samples/bird/gateway-protocols.raw",
	    src_dir());
	raw = slurp(path, &len);
	cr_assert_not_null(raw);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%.80s/bird.ctl", tmpdir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	cr_assert_eq(listen(fd, 1), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		static const char hello[] = "0001 BIRD 2.0.12 ready.\n";
		char cmd[128];
		int c = accept(fd, NULL, NULL);
		ssize_t got;

		if (c < 0 || write(c, hello, sizeof(hello) - 1) < 0)
			_exit(1);
		got = read(c, cmd, sizeof(cmd) - 1);
		if (got <= 0)
			_exit(1);
		cmd[got] = '\0';
		if (strcmp(cmd, "show protocols all\n") != 0)
			_exit(2);
		/* In small pieces, cut mid-line: the client must join them. */
		for (size_t off = 0; off < len; off += 100) {
			if (write(c, raw + off, len - off < 100 ? len - off : 100) < 0)
				_exit(1);
			usleep(1000);
		}
		usleep(200000);
		_exit(0);
	}
	close(fd);
	cr_assert_eq(bird_ctl_call(sun.sun_path, "show protocols all", 3000, &r), 0);
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server saw another command");
	want = sample_text("gateway-protocols.raw", &code);
	cr_assert_eq(r.code, code);
	cr_assert_str_eq(sb_str(&r.text), want);
	free(want);
	free(raw);
	bird_reply_free(&r);
}
