/*
 * Kind "nsd" (emu/kinds/kind_nsd.c) without root: nsd.conf and the zone
 * files it writes against golden files, what it refuses and how it says
 * so, the process it starts, the user's own "config".
 *
 * Golden files (tests/kinds/golden/nsd/): each input topology NAME.json
 * (and Lab A, topologies/anycast-lab.json, as "anycast-lab") gives, for
 * every node with a "dns" section, NAME.NODE.nsd.conf and
 * NAME.NODE.ORIGIN.zone, the node's folder written as @DIR@ and the
 * topology's as @BASE@. After an intended change regenerate them with
 *
 *	ANYLAB_REGEN_GOLDEN=1 build/tests/kinds_test_kind_nsd
 *
 * and review `git diff tests/kinds/golden`. Every zone file written must
 * read back through anydnsd's own parser to the same records, and, where
 * NSD's tools are installed, pass nsd-checkconf and nsd-checkzone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "dns_kind.h"
#include "kinds/helper_dns.h"

extern const struct kind_ops kind_nsd;

/* NSD's own parsers accept what was written. */
static void
nsd_validate(const struct kind_node *k)
{
	struct dns_kind_conf c;
	struct cfg_errors errs;
	char *out = NULL;

	if (access("/usr/sbin/nsd-checkconf", X_OK) < 0)
		return;
	cr_expect_eq(hdk_sh(&out, "/usr/sbin/nsd-checkconf %s/nsd.conf", k->dir), 0,
	    "nsd-checkconf: %s", out);
	free(out);
	cfg_errors_init(&errs, NULL);
	cr_assert_eq(dns_kind_load(k, &c, &errs), 0);
	for (size_t z = 0; z < c.nzones; z++) {
		cr_expect_eq(hdk_sh(&out, "/usr/sbin/nsd-checkzone '%s' %s/%s", c.zones[z].origin,
				 k->dir, c.zones[z].file),
		    0, "nsd-checkzone: %s", out);
		free(out);
	}
	dns_kind_free(&c);
}

Test(kind_nsd, registered)
{
	cr_assert_eq(kind_find(KIND_DNS, "nsd"), &kind_nsd);
	cr_assert_str_eq(kind_nsd.package, "nsd");
	cr_assert_str_eq(kind_nsd.programs[0], "/usr/sbin/nsd");
}

Test(kind_nsd, golden_lab_a)
{
	hdk_golden_topology(&kind_nsd, "anycast-lab", "topologies/anycast-lab.json", "nsd.conf",
	    nsd_validate);
}

Test(kind_nsd, golden_master_file)
{
	hdk_golden_topology(&kind_nsd, "masterfile", "tests/kinds/golden/nsd/masterfile.json",
	    "nsd.conf", nsd_validate);
}

Test(kind_nsd, procs)
{
	struct topology *t = hdk_load("topologies/anycast-lab.json");
	struct kind_proc p[KIND_PROCS_MAX];
	struct kind_node k;

	memset(p, 0, sizeof(p));
	hdk_node(t, "dc001", &kind_nsd, "hd", "/run/x/dc001", &k);
	cr_assert_eq(kind_nsd.procs(&k, p, KIND_PROCS_MAX), 1);
	cr_assert_str_eq(p[0].name, "");
	cr_assert_str_eq(p[0].argv[0], "/usr/sbin/nsd");
	cr_assert_str_eq(p[0].argv[1], "-d");
	cr_assert_str_eq(p[0].argv[2], "-c");
	cr_assert_str_eq(p[0].argv[3], "/run/x/dc001/nsd.conf");
	cr_assert_null(p[0].argv[4]);
	topo_free(t);
}

/* One node "n" whose dns section is section; check's errors. */
static char *
refusals(const char *section)
{
	char json[4096];
	struct topology *t;
	struct kind_node k;
	char *errs;

	snprintf(json, sizeof(json),
	    "{ \"name\": \"r\", \"nodes\": { \"n\": { \"loopback\": "
	    "[\"10.0.0.1/32\"], \"dns\": %s } } }",
	    section);
	t = hdk_load_string(json, "r.json");
	hdk_node(t, "n", &kind_nsd, NULL, NULL, &k);
	errs = hdk_check(&k);
	topo_free(t);
	return errs;
}

Test(kind_nsd, refuses_what_nsd_cannot_express)
{
	char *e;

	e = refusals("{ \"kind\": \"nsd\", \"tcp\": { \"idle_timeout_ms\": 1500 } }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.tcp.idle_timeout_ms: kind nsd cannot express 1500 ms: "
	    "its TCP idle timeout is in whole seconds (a multiple of 1000 expected)\n");
	free(e);
	e = refusals(
	    "{ \"kind\": \"nsd\", \"workers\": 3, \"tcp\": { \"max_connections\": 1000 } }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.tcp.max_connections: kind nsd cannot express 1000 "
	    "connections over 3 workers: its tcp-count bounds each server process (a multiple "
	    "of workers expected)\n");
	free(e);
	e = refusals("{ \"kind\": \"nsd\", \"tcp\": { \"max_connections\": 1000 } }");
	cr_expect_str_eq(e, "", "one server process holds any bound");
	free(e);
	e = refusals("{ \"kind\": \"nsd\", \"identity\": \"DC\\\"1\" }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.identity: kind nsd cannot express identity \"DC\"1\" "
	    "in its configuration file: printable ASCII without '\"' or '\\' expected\n");
	free(e);
	e = refusals("{ \"kind\": \"nsd\", \"zones\": [ { \"origin\": \"a\\\\.b.tst\" } ] }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.zones[0].origin: kind nsd cannot name zone \"a\\.b.tst.\" "
	    "in its configuration file: a name without escaped characters expected\n");
	free(e);
}

Test(kind_nsd, refuses_what_anydnsd_refuses)
{
	char *e;

	e = refusals("{ \"kind\": \"nsd\", \"wrkers\": 2 }");
	cr_expect(strstr(e, "nodes.n.dns.wrkers: ") == e, "%s", e);
	free(e);
	e = refusals("{ \"kind\": \"nsd\", \"zones\": [ { \"origin\": \"x.tst\", \"file\": "
		     "\"/nonexistent/x.zone\" } ] }");
	cr_expect(strstr(e, "nodes.n.dns.zones[0].file: ") == e, "%s", e);
	free(e);
}

Test(kind_nsd, user_config)
{
	char *dir = hdk_tmpdir("nsdu"), json[1024], conf[512], msg[KIND_MSG_MAX] = "", *text;
	struct topology *t;
	struct kind_node k;
	char *e;
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/own.conf", dir);
	f = fopen(conf, "w");
	cr_assert_not_null(f);
	fputs("server:\n\tpidfile: \"@DIR@/nsd.pid\"\n\tidentity: \"@NODE@\"\n", f);
	fclose(f);
	snprintf(json, sizeof(json),
	    "{ \"name\": \"u\", \"nodes\": { \"n\": { \"dns\": "
	    "{ \"kind\": \"nsd\", \"config\": \"%s\", \"port\": 53 } } } }",
	    conf);
	t = hdk_load_string(json, "u.json");
	hdk_node(t, "n", &kind_nsd, "hd", dir, &k);
	e = hdk_check(&k);
	cr_expect_str_eq(e,
	    "nodes.n.dns.port: kind nsd: with \"config\" the section holds only "
	    "\"kind\" and \"config\" (the native file says the rest)\n");
	free(e);
	topo_free(t);

	snprintf(json, sizeof(json),
	    "{ \"name\": \"u\", \"nodes\": { \"n\": { \"dns\": "
	    "{ \"kind\": \"nsd\", \"config\": \"%s\" } } } }",
	    conf);
	t = hdk_load_string(json, "u.json");
	hdk_node(t, "n", &kind_nsd, "hd", dir, &k);
	e = hdk_check(&k);
	cr_expect_str_eq(e, "");
	free(e);
	cr_assert_eq(kind_nsd.configure(&k, msg, sizeof(msg)), 0, "%s", msg);
	snprintf(conf, sizeof(conf), "%s/nsd.conf", dir);
	text = hdk_slurp(conf);
	snprintf(json, sizeof(json), "server:\n\tpidfile: \"%s/nsd.pid\"\n\tidentity: \"n\"\n",
	    dir);
	cr_expect_str_eq(text, json);
	free(text);
	topo_free(t);
	hdk_rmdir(dir);
	free(dir);
}
