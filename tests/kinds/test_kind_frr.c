/*
 * Kind "frr" without root (emu/kinds/kind_frr.c):
 * - the configuration writer against golden files, OpenBGPD-regress style:
 *   each tests/kinds/golden/frr/NAME.json is a node's bgp section, written
 *   by the kind's configure op for a node called NAME and compared byte for
 *   byte with NAME.conf; Lab A's three speakers come from
 *   topologies/anycast-lab.json and compare with anycast-lab.NODE.conf.
 *   Regenerate them with
 *       ANYLAB_REGEN_GOLDEN=1 build/tests/kinds_test_kind_frr
 *   and read the diff before committing it.
 * - check: every key FRR cannot express is refused with its JSON path and
 *   an exact message; a section it can express passes.
 * - the JSON readers against answers captured from a real FRR 8.4
 *   (tests/kinds/samples/frr/: a gateway with two DCs over IPv4, one over
 *   IPv6, a peer that never answers, then one DC's bgpd killed).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kind.h"
#include "kind_frr.h"
#include "topo.h"

/* ---- helpers ---- */

static void
src_path(char *buf, size_t len, const char *rel)
{
	const char *src = getenv("ANYLAB_SOURCE_DIR");

	snprintf(buf, len, "%s/%s", src ? src : ".", rel);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;

	if (f == NULL)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

static cJSON *
sample(const char *name)
{
	char rel[512], path[1024];
	char *text;
	cJSON *j;

	snprintf(rel, sizeof(rel), "tests/kinds/samples/frr/%s", name);
	src_path(path, sizeof(path), rel);
	text = slurp(path);
	cr_assert_not_null(text, "cannot read %s", path);
	j = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(j, "%s is not JSON", path);
	return j;
}

static const struct kind_ops *
frr(void)
{
	const struct kind_ops *o = kind_find(KIND_BGP, "frr");

	cr_assert_not_null(o, "kind frr is not registered");
	return o;
}

static void
node_init(struct kind_node *k, struct topo_node *tn, const char *name, const cJSON *sec,
    const char *dir)
{
	memset(tn, 0, sizeof(*tn));
	tn->name = (char *)name;
	tn->bgp = sec;
	memset(k, 0, sizeof(*k));
	k->node = tn;
	k->kind = frr();
	k->role = KIND_BGP;
	k->section = sec;
	k->lab = "hfunit";
	snprintf(k->service, sizeof(k->service), "bgp");
	snprintf(k->path, sizeof(k->path), "nodes.%s.bgp", name);
	snprintf(k->dir, sizeof(k->dir), "%s", dir ? dir : "/nonexistent");
}

/*
 * What configure writes as bgpd.conf for section sec on node name (caller
 * frees), and with bfdd its bfdd.conf (NULL when it wrote none).
 */
static char *
render_all(const char *name, const cJSON *sec, char **bfdd)
{
	char tmpl[] = "/tmp/hf-frr-unit-XXXXXX", path[1200], msg[KIND_MSG_MAX] = "";
	struct topo_node tn;
	struct kind_node k;
	char *dir = mkdtemp(tmpl), *text;
	int err;

	cr_assert_not_null(dir);
	node_init(&k, &tn, name, sec, dir);
	err = frr()->configure(&k, msg, sizeof(msg));
	cr_assert_eq(err, 0, "configure %s: %d %s", name, err, msg);
	snprintf(path, sizeof(path), "%s/frr/zebra.conf", dir);
	text = slurp(path);
	cr_assert_not_null(text, "no zebra.conf");
	cr_assert(strstr(text, "hostname ") != NULL);
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/frr/bgpd.conf", dir);
	text = slurp(path);
	cr_assert_not_null(text, "no bgpd.conf");
	unlink(path);
	snprintf(path, sizeof(path), "%s/frr/bfdd.conf", dir);
	if (bfdd != NULL)
		*bfdd = slurp(path);
	unlink(path);
	snprintf(path, sizeof(path), "%s/frr", dir);
	cr_assert_eq(rmdir(path), 0, "configure left more in %s", path);
	rmdir(dir);
	return text;
}

static char *
render(const char *name, const cJSON *sec)
{
	char *bfdd, *text = render_all(name, sec, &bfdd);

	cr_expect_null(bfdd, "%s: a bfdd.conf without BFD", name);
	free(bfdd);
	return text;
}

static void
golden_compare(const char *conf_name, const char *got)
{
	char rel[512], path[1024];
	char *want;

	snprintf(rel, sizeof(rel), "tests/kinds/golden/frr/%s", conf_name);
	src_path(path, sizeof(path), rel);
	if (getenv("ANYLAB_REGEN_GOLDEN") != NULL) {
		FILE *f = fopen(path, "we");

		cr_assert_not_null(f, "cannot write %s", path);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = slurp(path);
	cr_assert_not_null(want, "%s missing (ANYLAB_REGEN_GOLDEN=1 writes it)", path);
	cr_expect_str_eq(got, want, "%s differs; written:\n%s", path, got);
	free(want);
}

static cJSON *
golden_section(const char *name)
{
	char rel[512], path[1024], *text;
	cJSON *j;

	snprintf(rel, sizeof(rel), "tests/kinds/golden/frr/%s.json", name);
	src_path(path, sizeof(path), rel);
	text = slurp(path);
	cr_assert_not_null(text, "cannot read %s", path);
	j = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(j, "%s is not JSON", path);
	return j;
}

static void
golden(const char *name)
{
	cJSON *sec = golden_section(name);
	char conf[256], *got;

	got = render(name, sec);
	snprintf(conf, sizeof(conf), "%s.conf", name);
	golden_compare(conf, got);
	free(got);
	cJSON_Delete(sec);
}

/* ---- the configuration writer ---- */

Test(kind_frr, golden_dc_dual_stack)
{
	golden("dc-dual-stack");
}

Test(kind_frr, golden_policies)
{
	golden("policies");
}

Test(kind_frr, golden_rfc8212_default)
{
	golden("rfc8212-default");
}

Test(kind_frr, golden_ipv6_only)
{
	golden("ipv6-only");
}

/* BFD: bgpd's neighbor lines and bfdd's profiles, each compared with its golden. */
Test(kind_frr, golden_bfd)
{
	cJSON *sec = golden_section("bfd");
	char *bfdd = NULL, *got = render_all("bfd", sec, &bfdd);

	golden_compare("bfd.conf", got);
	cr_assert_not_null(bfdd, "no bfdd.conf with BFD");
	golden_compare("bfd.bfdd.conf", bfdd);
	/* The top level's settings, a peer's own over them, none for "bfd": false. */
	cr_expect(strstr(got,
		      " neighbor 10.0.0.2 bfd\n neighbor 10.0.0.2 bfd profile "
		      "peer-10.0.0.2\n") != NULL);
	cr_expect(strstr(got, " neighbor fd00::2 bfd") == NULL);
	cr_expect(strstr(bfdd,
		      " profile peer-10.0.0.2\n  detect-multiplier 3\n"
		      "  receive-interval 100\n  transmit-interval 100\n") != NULL);
	cr_expect(strstr(bfdd,
		      " profile peer-10.0.0.3\n  detect-multiplier 5\n"
		      "  receive-interval 200\n  transmit-interval 50\n") != NULL);
	cr_expect(strstr(bfdd, "fd00::2") == NULL);
	free(bfdd);
	free(got);
	cJSON_Delete(sec);
}

Test(kind_frr, golden_lab_a_speakers)
{
	static const char *const nodes[] = { "gateway", "dc001", "dc002" };
	char path[1024], conf[256];
	struct cfg_errors errs;
	struct topology *t;

	src_path(path, sizeof(path), "topologies/anycast-lab.json");
	cr_assert_eq(topo_load(path, &t, &errs), 0, "cannot load %s", path);
	for (size_t i = 0; i < 3; i++) {
		const struct topo_node *n = topo_node_find(t, nodes[i]);
		struct cfg_errors cerrs;
		struct topo_node tn;
		struct kind_node k;
		char *got, *bfdd;

		cr_assert_not_null(n);
		cr_assert_not_null(n->bgp);
		node_init(&k, &tn, nodes[i], n->bgp, NULL);
		cfg_errors_init(&cerrs, NULL);
		cr_assert_eq(frr()->check(&k, &cerrs), 0, "Lab A's %s refused", nodes[i]);
		got = render_all(nodes[i], n->bgp, &bfdd);
		snprintf(conf, sizeof(conf), "anycast-lab.%s.conf", nodes[i]);
		golden_compare(conf, got);
		free(got);
		/* Lab A runs BFD at 10 ms x 3: bfdd gets its own file. */
		cr_assert_not_null(bfdd, "%s: Lab A's BFD without a bfdd.conf", nodes[i]);
		snprintf(conf, sizeof(conf), "anycast-lab.%s.bfdd.conf", nodes[i]);
		golden_compare(conf, bfdd);
		free(bfdd);
	}
	topo_free(t);
}

/* The things the golden files stand for, said once more in words. */
Test(kind_frr, lab_a_gateway_is_multipath_without_policy_maps)
{
	char path[1024], *bfdd;
	struct cfg_errors errs;
	struct topology *t;
	char *got;

	src_path(path, sizeof(path), "topologies/anycast-lab.json");
	cr_assert_eq(topo_load(path, &t, &errs), 0);
	got = render_all("gateway", topo_node_find(t, "gateway")->bgp, &bfdd);
	cr_expect(bfdd != NULL && strstr(bfdd, "detect-multiplier 3") != NULL, "%s", bfdd);
	free(bfdd);
	cr_expect(strstr(got, " maximum-paths 2\n") != NULL);
	cr_expect(strstr(got, " no bgp ebgp-requires-policy\n") != NULL);
	cr_expect(strstr(got, "route-map") == NULL, "all/all needs no route-map:\n%s", got);
	cr_expect(strstr(got, " timers bgp 3 9\n") != NULL);
	cr_expect(strstr(got, " neighbor 10.10.10.1 timers connect 5\n") != NULL);
	free(got);
	got = render_all("dc001", topo_node_find(t, "dc001")->bgp, &bfdd);
	free(bfdd);
	cr_expect(strstr(got, "  network 51.51.51.0/24\n") != NULL);
	cr_expect(strstr(got, " no bgp network import-check\n") != NULL);
	free(got);
	topo_free(t);
}

Test(kind_frr, rfc8212_keeps_frr_default_when_a_policy_is_missing)
{
	cJSON *sec = golden_section("rfc8212-default");
	char *got = render("x", sec);

	cr_expect(strstr(got, "ebgp-requires-policy") == NULL);
	cr_expect(strstr(got, "route-map") == NULL);
	free(got);
	cJSON_Delete(sec);
}

Test(kind_frr, user_config_is_copied_with_placeholders)
{
	char tmpl[] = "/tmp/hf-frr-unit-XXXXXX", path[1200], msg[KIND_MSG_MAX] = "";
	struct topo_node tn;
	struct kind_node k;
	char *dir = mkdtemp(tmpl), *text;
	cJSON *sec;
	FILE *f;

	cr_assert_not_null(dir);
	snprintf(path, sizeof(path), "%s/mine.conf", dir);
	f = fopen(path, "we");
	cr_assert_not_null(f);
	fputs("hostname @NODE@\nrouter bgp 65000\n bgp router-id 192.0.2.1\n! in @DIR@\n", f);
	fclose(f);
	sec = cJSON_Parse("{\"kind\":\"frr\",\"config\":\"mine.conf\"}");
	node_init(&k, &tn, "n1", sec, dir);
	snprintf(k.base_dir, sizeof(k.base_dir), "%s", dir);
	cr_assert_eq(frr()->configure(&k, msg, sizeof(msg)), 0, "%s", msg);
	snprintf(path, sizeof(path), "%s/frr/bgpd.conf", dir);
	text = slurp(path);
	cr_assert_not_null(text);
	cr_expect(strstr(text, "hostname n1\n") != NULL);
	cr_expect(strstr(text, dir) != NULL);
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/frr/zebra.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/frr", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/mine.conf", dir);
	unlink(path);
	rmdir(dir);
	cJSON_Delete(sec);
}

/* ---- check ---- */

struct refusal {
	const char *section;
	const char *error; /* the first error's text, exactly */
};

static const struct refusal refusals[] = {
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"listen_ipv4\":\"10.0.0.1\"}",
	    "nodes.x.bgp.listen_ipv4: kind frr cannot bind its listener to one address without "
	    "keeping every route out of the kernel (bgpd -l implies -n)" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"kernel\":{\"table\":100}}",
	    "nodes.x.bgp.kernel.table: kind frr installs routes only into the main table (254), "
	    "found 100" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"kernel\":{\"protocol\":17}}",
	    "nodes.x.bgp.kernel.protocol: kind frr's zebra installs BGP routes as protocol bgp "
	    "(186), found 17" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"peers\":[{\"address\":"
	  "\"10.0.0.2\",\"asn\":2,\"next_hop_ipv6\":\"2001:db8::1\"}]}",
	    "nodes.x.bgp.peers[0].next_hop_ipv6: kind frr cannot set a fixed next hop for the "
	    "other family's routes" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"peers\":[{\"address\":"
	  "\"fe80::2\",\"asn\":2}]}",
	    "nodes.x.bgp.peers[0].address: kind frr needs an interface for a link-local peer, "
	    "which anybgpd's keys cannot name" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"peers\":[{\"address\":"
	  "\"10.0.0.2\",\"asn\":2,\"password\":\"a\\nb\"}]}",
	    "nodes.x.bgp.peers[0].password: kind frr needs a key of printable ASCII without "
	    "spaces (one word in its configuration)" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"peers\":[{\"address\":"
	  "\"10.0.0.2\",\"asn\":2,\"description\":\" DC\"}]}",
	    "nodes.x.bgp.peers[0].description: kind frr needs a description of printable ASCII "
	    "without leading or trailing spaces" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"policies\":{\"my policy\":{}}}",
	    "nodes.x.bgp.policies.my policy: kind frr needs policy names of letters, digits, '_', "
	    "'-' and '.' (at most 60), found \"my policy\"" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"policies\":{\"P\":{\"prepend\":"
	  "11}},\"peers\":[{\"address\":\"10.0.0.2\",\"asn\":2,\"import\":\"P\"}]}",
	    "nodes.x.bgp.peers[0].import: kind frr prepends at most 10 times on import; policy "
	    "\"P\" has prepend 11" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"policies\":{\"P\":{\"prepend\":"
	  "1}},\"peers\":[{\"address\":\"10.0.0.2\",\"asn\":1,\"import\":\"P\"}]}",
	    "nodes.x.bgp.peers[0].import: kind frr prepends the path's first AS on import "
	    "(last-as), which is not the peer's own AS on an internal session; policy \"P\" has "
	    "prepend" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"bfd\":{\"strict\":true},"
	  "\"peers\":[{\"address\":\"10.0.0.2\",\"asn\":2}]}",
	    "nodes.x.bgp.bfd.strict: kind frr cannot keep a BGP session down until its BFD "
	    "session is up (strict): FRR 8.4 has no \"neighbor A bfd strict\" (FRR 10.4 added "
	    "it)" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"peers\":[{\"address\":"
	  "\"10.0.0.2\",\"asn\":2,\"bfd\":{\"interval_ms\":5}}]}",
	    "nodes.x.bgp.peers[0].bfd: kind frr's bfdd takes intervals of 10 to 60000 ms, found "
	    "min_tx_ms 5, min_rx_ms 5" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"bfd\":{\"multiplier\":1},"
	  "\"peers\":[{\"address\":\"10.0.0.2\",\"asn\":2}]}",
	    "nodes.x.bgp.peers[0].bfd: kind frr's bfdd takes a multiplier of 2 to 255, found 1" },
	{ "{\"kind\":\"frr\",\"asn\":1,\"router_id\":\"1.1.1.1\",\"bfd\":{\"interval\":5}}",
	    "nodes.x.bgp.bfd.interval: unknown key \"interval\"; expected one of: interval_ms, "
	    "min_tx_ms, min_rx_ms, multiplier, strict" },
	/* anybgpd's own parser speaks first */
	{ "{\"kind\":\"frr\",\"asn\":1}", "nodes.x.bgp.router_id: missing; this key is required" },
	{ "{\"kind\":\"frr\",\"config\":\"f.conf\",\"asn\":1}",
	    "nodes.x.bgp.asn: unknown key \"asn\"; expected one of: kind, config" },
};

Test(kind_frr, check_refuses_what_frr_cannot_express)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		cJSON *sec = cJSON_Parse(refusals[i].section);
		struct cfg_errors errs;
		struct topo_node tn;
		struct kind_node k;
		char text[1024];

		cr_assert_not_null(sec, "case %zu is not JSON", i);
		node_init(&k, &tn, "x", sec, NULL);
		cfg_errors_init(&errs, NULL);
		cr_expect_eq(frr()->check(&k, &errs), -1, "case %zu accepted", i);
		cr_assert_geq(errs.count, 1, "case %zu: no error", i);
		snprintf(text, sizeof(text), "%s: %s", errs.err[0].path, errs.err[0].msg);
		cr_expect_str_eq(text, refusals[i].error, "case %zu: %s", i, text);
		cJSON_Delete(sec);
	}
}

Test(kind_frr, check_accepts_every_golden_section)
{
	static const char *const names[] = { "dc-dual-stack", "policies", "rfc8212-default",
		"ipv6-only", "bfd" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cJSON *sec = golden_section(names[i]);
		struct cfg_errors errs;
		struct topo_node tn;
		struct kind_node k;
		char text[1024] = "";

		node_init(&k, &tn, names[i], sec, NULL);
		cfg_errors_init(&errs, NULL);
		if (frr()->check(&k, &errs) != 0)
			cfg_error_text(&errs, 0, text, sizeof(text));
		cr_expect_eq(errs.count, 0, "%s refused: %s", names[i], text);
		cJSON_Delete(sec);
	}
}

Test(kind_frr, procs_bgpd_main_zebra_second_all_paths_explicit)
{
	struct kind_proc p[KIND_PROCS_MAX];
	cJSON *sec = golden_section("ipv6-only");
	struct topo_node tn;
	struct kind_node k;
	int n;

	node_init(&k, &tn, "n", sec, "/run/anylab/hf/nodes/n");
	memset(p, 0, sizeof(p));
	n = frr()->procs(&k, p, KIND_PROCS_MAX);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(p[0].name, "");
	cr_expect_str_eq(p[0].argv[0], "/usr/lib/frr/bgpd");
	cr_expect_str_eq(p[1].name, "zebra");
	cr_expect_str_eq(p[1].argv[0], "/usr/lib/frr/zebra");
	for (int i = 0; i < 2; i++) {
		const char *want[] = { "-u", "frr", "-g", "frr", "-f", "-i", "-z", "--vty_socket",
			"-P", "--log" };
		char joined[4096] = "";

		for (int a = 0; p[i].argv[a] != NULL; a++) {
			strcat(joined, p[i].argv[a]);
			strcat(joined, " ");
		}
		for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
			cr_expect(strstr(joined, want[w]) != NULL, "%s lacks %s", joined, want[w]);
		cr_expect(strstr(joined, "-P 0 ") != NULL, "a vty TCP port: %s", joined);
		cr_expect(strstr(joined, "-z /run/anylab/hf/nodes/n/frr/zserv.api ") != NULL, "%s",
		    joined);
		cr_expect(strstr(joined, "--vty_socket /run/anylab/hf/nodes/n/frr ") != NULL, "%s",
		    joined);
		if (i == 1)
			cr_expect(strstr(joined, "file:/run/anylab/hf/nodes/n/bgp.zebra.log") !=
				NULL,
			    "%s", joined);
		if (i == 0) {
			/* listen false, kernel.install false */
			cr_expect(strstr(joined, " -p 0 ") != NULL, "%s", joined);
			cr_expect(strstr(joined, " -n ") != NULL, "%s", joined);
			cr_expect(strstr(joined, "file:/run/anylab/hf/nodes/n/bgp.log") != NULL);
		}
	}
	cJSON_Delete(sec);
}

/* With BFD, bfdd is a third process: after zebra's socket, its control socket in frr/. */
Test(kind_frr, procs_bfdd_third_with_bfd)
{
	struct kind_proc p[KIND_PROCS_MAX];
	cJSON *sec = golden_section("bfd");
	char joined[4096] = "";
	struct topo_node tn;
	struct kind_node k;

	node_init(&k, &tn, "n", sec, "/run/anylab/hf/nodes/n");
	memset(p, 0, sizeof(p));
	cr_assert_eq(frr()->procs(&k, p, KIND_PROCS_MAX), 3);
	cr_expect_str_eq(p[2].name, "bfdd");
	for (int a = 0; p[2].argv[a] != NULL; a++) {
		strcat(joined, p[2].argv[a]);
		strcat(joined, " ");
	}
	cr_expect(strncmp(joined,
		      "/usr/lib/frr/bfdd -u frr -g frr -f "
		      "/run/anylab/hf/nodes/n/frr/bfdd.conf -i "
		      "/run/anylab/hf/nodes/n/frr/bfdd.pid ",
		      strlen(
			  "/usr/lib/frr/bfdd -u frr -g frr -f /run/anylab/hf/nodes/n/frr/bfdd.conf "
			  "-i /run/anylab/hf/nodes/n/frr/bfdd.pid ")) == 0,
	    "%s", joined);
	cr_expect(strstr(joined, " --bfdctl /run/anylab/hf/nodes/n/frr/bfdd.sock ") != NULL, "%s",
	    joined);
	cr_expect(strstr(joined, " --log file:/run/anylab/hf/nodes/n/bgp.bfdd.log ") != NULL, "%s",
	    joined);
	cr_expect_str_eq(p[2].wait_path, "/run/anylab/hf/nodes/n/frr/zserv.api");
	/* Two processes only, with room for two: nothing to drop when BFD is off. */
	cr_expect_eq(frr()->procs(&k, p, 2), EMU_ETRUNC);
	cJSON_Delete(sec);
}

/* A user's file: its bfd block goes to bfdd.conf (bfdd then starts), the rest to bgpd. */
Test(kind_frr, user_config_bfd_block_goes_to_bfdd)
{
	char tmpl[] = "/tmp/hf-frr-unit-XXXXXX", path[1200], msg[KIND_MSG_MAX] = "";
	struct kind_proc p[KIND_PROCS_MAX];
	struct topo_node tn;
	struct kind_node k;
	char *dir = mkdtemp(tmpl), *bgpd, *bfdd;
	cJSON *sec;
	FILE *f;

	cr_assert_not_null(dir);
	snprintf(path, sizeof(path), "%s/mine.conf", dir);
	f = fopen(path, "we");
	cr_assert_not_null(f);
	fputs("hostname @NODE@\nrouter bgp 65000\n neighbor 10.0.0.2 remote-as 65002\n"
	      " neighbor 10.0.0.2 bfd profile fast\nexit\n!\nbfd\n profile fast\n"
	      "  receive-interval 50\n exit\n !\nexit\n!\nend\n",
	    f);
	fclose(f);
	sec = cJSON_Parse("{\"kind\":\"frr\",\"config\":\"mine.conf\"}");
	node_init(&k, &tn, "n1", sec, dir);
	snprintf(k.base_dir, sizeof(k.base_dir), "%s", dir);
	cr_assert_eq(frr()->configure(&k, msg, sizeof(msg)), 0, "%s", msg);
	snprintf(path, sizeof(path), "%s/frr/bgpd.conf", dir);
	bgpd = slurp(path);
	snprintf(path, sizeof(path), "%s/frr/bfdd.conf", dir);
	bfdd = slurp(path);
	cr_assert(bgpd != NULL && bfdd != NULL);
	cr_expect_str_eq(bgpd,
	    "hostname n1\nrouter bgp 65000\n neighbor 10.0.0.2 remote-as "
	    "65002\n neighbor 10.0.0.2 bfd profile fast\nexit\n!\n!\nend\n");
	cr_expect(strstr(bfdd, "\nbfd\n profile fast\n  receive-interval 50\n exit\n !\nexit\n") !=
		NULL,
	    "%s", bfdd);
	memset(p, 0, sizeof(p));
	cr_expect_eq(frr()->procs(&k, p, KIND_PROCS_MAX), 3);
	free(bgpd);
	free(bfdd);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
	cJSON_Delete(sec);
}

/* ---- FRR's answers ---- */

static const cJSON *
peer_of(const cJSON *doc, const char *addr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "address")), addr) == 0)
			return p;
	cr_assert_fail("no peer %s", addr);
	return NULL;
}

static double
nval(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);

	cr_assert(cJSON_IsNumber(v), "%s is not a number", k);
	return v->valuedouble;
}

static const char *
sval(const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));

	cr_assert_not_null(s, "%s is not a string", k);
	return s;
}

Test(kind_frr, peers_from_show_bgp_neighbors)
{
	cJSON *n = sample("gw-neighbors.json"), *doc;
	const cJSON *p, *fam;

	cr_assert_eq(frr_json_peers(n, &doc), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "peers")), 4);
	/* sorted by address, IPv4 before IPv6 */
	cr_expect_str_eq(sval(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0), "address"),
	    "10.10.10.1");
	cr_expect_str_eq(sval(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 3), "address"),
	    "fd00::1");
	p = peer_of(doc, "10.10.10.1");
	cr_expect_str_eq(sval(p, "state"), "Established");
	cr_expect_eq(nval(p, "asn"), 65511);
	cr_expect_str_eq(sval(p, "type"), "external");
	cr_expect_str_eq(sval(p, "description"), "DC001");
	cr_expect_str_eq(sval(p, "router_id"), "10.10.10.1");
	cr_expect_str_eq(sval(p, "local_address"), "10.10.10.254");
	cr_expect_eq(nval(p, "uptime"), 35);
	cr_expect_eq(nval(p, "hold_time"), 9);
	cr_expect_eq(nval(p, "keepalive"), 3);
	cr_expect_eq(nval(p, "prefixes_received"), 2);
	cr_expect_eq(nval(p, "updates_in"), 6);
	cr_expect_eq(nval(p, "keepalives_out"), 12);
	cr_expect_eq(nval(p, "messages_in"), 22);
	cr_expect_eq(nval(p, "established_count"), 1);
	cr_expect_eq(nval(p, "flaps"), 0);
	cr_expect_str_eq(sval(p, "last_error"), "");
	cr_expect_str_eq(sval(p, "import"), "ALL");
	fam = cJSON_GetObjectItem(p, "families");
	cr_expect_eq(cJSON_GetArraySize(fam), 1);
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(fam, 0)), "ipv4");
	p = peer_of(doc, "fd00::1");
	cr_expect_str_eq(cJSON_GetStringValue(
			     cJSON_GetArrayItem(cJSON_GetObjectItem(p, "families"), 0)),
	    "ipv6");
	p = peer_of(doc, "10.10.10.9");
	cr_expect_str_eq(sval(p, "state"), "Active");
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(p, "uptime")));
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(p, "router_id")));
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "families")), 0);
	cJSON_Delete(doc);
	cJSON_Delete(n);
}

Test(kind_frr, peers_after_a_session_went_down)
{
	cJSON *n = sample("gw-neighbors-down.json"), *doc;
	const cJSON *p;

	cr_assert_eq(frr_json_peers(n, &doc), 0);
	p = peer_of(doc, "10.10.10.2");
	cr_expect_str_eq(sval(p, "state"), "Active");
	cr_expect_str_eq(sval(p, "last_error"), "Peer closed the session");
	cr_expect_eq(nval(p, "flaps"), 1);
	cr_expect_eq(nval(p, "established_count"), 1);
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(p, "uptime")));
	cr_expect_eq(nval(p, "prefixes_received"), 0);
	cr_expect_str_eq(sval(peer_of(doc, "10.10.10.1"), "state"), "Established");
	cJSON_Delete(doc);
	cJSON_Delete(n);
}

static const cJSON *
route_of(const cJSON *doc, const char *prefix, const char *peer)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "routes"))
		if (strcmp(sval(r, "prefix"), prefix) == 0 && strcmp(sval(r, "peer"), peer) == 0)
			return r;
	cr_assert_fail("no route %s from %s", prefix, peer);
	return NULL;
}

static cJSON *
gw_routes(const struct prefix *filter)
{
	cJSON *t[2] = { sample("gw-ipv4-detail.json"), sample("gw-ipv6-detail.json") }, *doc;

	cr_assert_eq(frr_json_routes((const cJSON *const *)t, 2, filter, &doc), 0);
	cJSON_Delete(t[0]);
	cJSON_Delete(t[1]);
	return doc;
}

Test(kind_frr, routes_from_show_bgp_detail)
{
	cJSON *doc = gw_routes(NULL);
	const cJSON *r, *c;

	cr_expect_eq(nval(doc, "prefixes"), 4);
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "routes")), 6);
	/* sorted by prefix: IPv4 first */
	cr_expect_str_eq(sval(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 0), "prefix"),
	    "51.51.51.0/24");
	cr_expect_str_eq(sval(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 5), "prefix"),
	    "2001:db8:51::/48");
	/* Lab A's two paths: both in the multipath set, one best */
	r = route_of(doc, "51.51.51.0/24", "10.10.10.1");
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r, "best")));
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath")));
	cr_expect_str_eq(sval(r, "next_hop"), "10.10.10.1");
	cr_expect_str_eq(sval(r, "as_path"), "65511");
	cr_expect_str_eq(sval(r, "origin"), "IGP");
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r, "local_pref")));
	c = cJSON_GetObjectItem(r, "communities");
	cr_expect_eq(cJSON_GetArraySize(c), 1);
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(c, 0)), "65511:1");
	r = route_of(doc, "51.51.51.0/24", "10.10.10.2");
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r, "best")));
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath")));
	/* prepended, MED, a well-known community */
	r = route_of(doc, "52.52.52.0/24", "10.10.10.2");
	cr_expect_str_eq(sval(r, "as_path"), "65511 65511 65511");
	cr_expect_eq(nval(r, "med"), 7);
	c = cJSON_GetObjectItem(r, "communities");
	cr_expect_eq(cJSON_GetArraySize(c), 2);
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(c, 1)), "no-export");
	/* the gateway's own network statement */
	r = route_of(doc, "131.253.1.0/24", "local");
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r, "next_hop")));
	cr_expect_str_eq(sval(r, "as_path"), "");
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r, "best")));
	/* IPv6: the global next hop, LOCAL_PREF set by an import route-map */
	r = route_of(doc, "2001:db8:51::/48", "fd00::1");
	cr_expect_str_eq(sval(r, "next_hop"), "fd00::1");
	cr_expect_eq(nval(r, "local_pref"), 200);
	cJSON_Delete(doc);
}

Test(kind_frr, routes_filtered_by_prefix)
{
	struct prefix f;
	cJSON *doc;

	cr_assert_eq(prefix_parse("51.0.0.0/8", &f, false), 0);
	doc = gw_routes(&f);
	cr_expect_eq(nval(doc, "prefixes"), 1);
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "routes")), 2);
	cJSON_Delete(doc);
	cr_assert_eq(prefix_parse("2001:db8::/32", &f, false), 0);
	doc = gw_routes(&f);
	cr_expect_eq(nval(doc, "prefixes"), 1);
	cr_expect_str_eq(sval(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 0), "peer"),
	    "fd00::1");
	cJSON_Delete(doc);
	cr_assert_eq(prefix_parse("51.51.51.0/25", &f, false), 0);
	doc = gw_routes(&f);
	cr_expect_eq(nval(doc, "prefixes"), 0, "a shorter prefix is not inside a longer filter");
	cJSON_Delete(doc);
}

Test(kind_frr, routes_originated_locally)
{
	cJSON *t[1] = { sample("d1-ipv4-detail.json") }, *doc;
	const cJSON *r;

	cr_assert_eq(frr_json_routes((const cJSON *const *)t, 1, NULL, &doc), 0);
	r = route_of(doc, "51.51.51.0/24", "local");
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r, "best")));
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r, "next_hop")));
	cr_expect_str_eq(sval(r, "as_path"), "");
	r = route_of(doc, "131.253.1.0/24", "10.10.10.254");
	cr_expect_str_eq(sval(r, "as_path"), "8075");
	cJSON_Delete(doc);
	cJSON_Delete(t[0]);
}

/* bfdd's peers (FRR 8.4.4 peering with BIRD: ours 100 tx / 200 rx x 4, BIRD's 100 / 100 x 3). */
Test(kind_frr, bfd_sessions_up)
{
	cJSON *peers = sample("bfd-peers-up.json"), *doc;
	const cJSON *s;

	cr_assert_eq(frr_json_bfd(peers, &doc), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "sessions")), 1);
	s = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "sessions"), 0);
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "peer")), "10.0.0.1");
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "local")), "10.0.0.2");
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "interface")), "eth0");
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "state")), "Up");
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "uptime")), 24);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "tx_ms")), 100);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "rx_ms")), 200);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "multiplier")), 4);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "remote_multiplier")), 3);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "detect_ms")), 600);
	cJSON_Delete(doc);
	cJSON_Delete(peers);
}

/* Down after a black hole: FRR keeps the peer's last values, which no longer apply. */
Test(kind_frr, bfd_sessions_down)
{
	cJSON *peers = sample("bfd-peers-down.json"), *doc;
	const cJSON *s;

	cr_assert_eq(frr_json_bfd(peers, &doc), 0);
	s = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "sessions"), 0);
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "state")), "Down");
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(s, "uptime")));
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "tx_ms")), 100);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "rx_ms")), 200);
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(s, "remote_multiplier")));
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(s, "detect_ms")));
	cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(s, "diagnostic")),
	    "control detection time expired");
	cJSON_Delete(doc);
	cJSON_Delete(peers);
}

Test(kind_frr, progress_from_neighbors_and_zebra)
{
	cJSON *s = sample("gw-neighbors.json");
	cJSON *rs[2] = { sample("gw-route-summary.json"), sample("gw-route6-summary.json") };
	cJSON *n, *gr;
	struct kind_bgp_progress pr;

	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect_eq(pr.peers, 4);
	cr_expect_eq(pr.established, 3);
	cr_expect_eq(pr.kernel_routes, 3, "two IPv4 and one IPv6 BGP route in the kernel");
	cr_expect(!pr.pending);
	/* a session 2 s old whose End-of-RIB has not come: its table is still arriving */
	n = cJSON_GetObjectItem(s, "10.10.10.1");
	cJSON_SetNumberValue(cJSON_GetObjectItem(n, "bgpTimerUpMsec"), 2000);
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(!pr.pending, "End-of-RIB came: nothing pending");
	gr = cJSON_GetObjectItem(cJSON_GetObjectItem(n, "gracefulRestartInfo"), "endOfRibRecv");
	cJSON_DeleteItemFromObject(gr, "ipv4Unicast");
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(pr.pending, "no End-of-RIB yet: pending");
	/* ... but not for ever: after 10 s a peer that never sends it is not waited for */
	cJSON_SetNumberValue(cJSON_GetObjectItem(n, "bgpTimerUpMsec"), 10000);
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(!pr.pending);
	/* a peer without graceful restart: FRR does not show its End-of-RIB; any UPDATE will do */
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(n, "neighborCapabilities"),
	    "gracefulRestart");
	cJSON_SetNumberValue(cJSON_GetObjectItem(n, "bgpTimerUpMsec"), 2000);
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(!pr.pending, "UPDATEs came from a peer without graceful restart");
	cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(n, "messageStats"),
				 "updatesRecv"),
	    0);
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(pr.pending, "nothing came yet from a peer without graceful restart");
	cJSON_SetNumberValue(cJSON_GetObjectItem(n, "bgpTimerUpMsec"), 10000);
	/* messages queued in or out */
	cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(n, "messageStats"),
				 "depthOutq"),
	    3);
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(pr.pending);
	cJSON_Delete(s);
	s = sample("gw-neighbors-down.json");
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect_eq(pr.peers, 4);
	cr_expect_eq(pr.established, 2);
	/* zebra holding a BGP route it has not put in the kernel yet */
	cJSON_SetNumberValue(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(rs[0], "routes"), 1), "fib"),
	    1);
	frr_json_progress(s, (const cJSON *const *)rs, 2, &pr);
	cr_expect(pr.pending);
	cr_expect_eq(pr.kernel_routes, 2);
	cJSON_Delete(s);
	cJSON_Delete(rs[0]);
	cJSON_Delete(rs[1]);
}
