/*
 * Kind "knot" (emu/kinds/kind_knot.c) without root: knot.conf and the zone
 * files it writes against golden files, what it refuses and how it says
 * so, the process it starts, the user's own "config".
 *
 * Golden files (tests/kinds/golden/knot/): each input topology NAME.json
 * (and Lab A, topologies/anycast-lab.json, as "anycast-lab") gives, for
 * every node with a "dns" section, NAME.NODE.knot.conf and
 * NAME.NODE.ORIGIN.zone, the node's folder written as @DIR@ and the
 * topology's as @BASE@. After an intended change regenerate them with
 *
 *	ANYLAB_REGEN_GOLDEN=1 build/tests/kinds_test_kind_knot
 *
 * and review `git diff tests/kinds/golden`. Every zone file written must
 * read back through anydnsd's own parser to the same records, and, where
 * Knot's tools are installed, pass `knotc conf-check` and `knotc
 * zone-check` (which read the files without a server).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "dns_kind.h"
#include "kinds/helper_dns.h"

extern const struct kind_ops kind_knot;

/* Knot's own parsers accept what was written, without a warning. */
static void
knot_validate(const struct kind_node *k)
{
	struct dns_kind_conf c;
	struct cfg_errors errs;
	char *out = NULL;

	if (access("/usr/sbin/knotc", X_OK) < 0)
		return;
	cr_expect_eq(hdk_sh(&out, "/usr/sbin/knotc -c %s/knot.conf conf-check", k->dir), 0,
	    "knotc conf-check: %s", out);
	cr_expect_null(strstr(out, "warning"), "knotc conf-check: %s", out);
	free(out);
	cfg_errors_init(&errs, NULL);
	cr_assert_eq(dns_kind_load(k, &c, &errs), 0);
	for (size_t z = 0; z < c.nzones; z++) {
		cr_expect_eq(hdk_sh(&out, "/usr/sbin/knotc -c %s/knot.conf zone-check '%s'", k->dir,
				 c.zones[z].origin),
		    0, "knotc zone-check: %s", out);
		cr_expect_null(strstr(out, "warning"), "knotc zone-check: %s", out);
		free(out);
	}
	dns_kind_free(&c);
}

Test(kind_knot, registered)
{
	cr_assert_eq(kind_find(KIND_DNS, "knot"), &kind_knot);
	cr_assert_str_eq(kind_knot.package, "knot");
	cr_assert_str_eq(kind_knot.programs[0], "/usr/sbin/knotd");
}

Test(kind_knot, golden_lab_a)
{
	hdk_golden_topology(&kind_knot, "anycast-lab", "topologies/anycast-lab.json", "knot.conf",
	    knot_validate);
}

Test(kind_knot, golden_master_file)
{
	hdk_golden_topology(&kind_knot, "masterfile", "tests/kinds/golden/knot/masterfile.json",
	    "knot.conf", knot_validate);
}

Test(kind_knot, procs)
{
	struct topology *t = hdk_load("topologies/anycast-lab.json");
	struct kind_proc p[KIND_PROCS_MAX];
	struct kind_node k;

	memset(p, 0, sizeof(p));
	hdk_node(t, "dc001", &kind_knot, "hd", "/run/x/dc001", &k);
	cr_assert_eq(kind_knot.procs(&k, p, KIND_PROCS_MAX), 1);
	cr_assert_str_eq(p[0].name, "");
	cr_assert_str_eq(p[0].argv[0], "/usr/sbin/knotd");
	cr_assert_str_eq(p[0].argv[1], "-c");
	cr_assert_str_eq(p[0].argv[2], "/run/x/dc001/knot.conf");
	cr_assert_null(p[0].argv[3]);
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
	hdk_node(t, "n", &kind_knot, NULL, NULL, &k);
	errs = hdk_check(&k);
	topo_free(t);
	return errs;
}

Test(kind_knot, refuses_what_knot_cannot_express)
{
	char *e;

	e = refusals("{ \"kind\": \"knot\", \"tcp\": { \"idle_timeout_ms\": 1500 } }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.tcp.idle_timeout_ms: kind knot cannot express 1500 ms: "
	    "its TCP idle timeout is in whole seconds (a multiple of 1000 expected)\n");
	free(e);
	e = refusals(
	    "{ \"kind\": \"knot\", \"workers\": 3, \"tcp\": { \"max_connections\": 1000 } }");
	cr_expect_str_eq(e, "", "tcp-max-clients bounds all workers together, as anydnsd");
	free(e);
	e = refusals("{ \"kind\": \"knot\", \"identity\": \"DC\\\"1\" }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.identity: kind knot cannot express identity \"DC\"1\" "
	    "in its configuration file: printable ASCII without '\"' or '\\' expected\n");
	free(e);
	e = refusals("{ \"kind\": \"knot\", \"zones\": [ { \"origin\": \"a\\\\.b.tst\" } ] }");
	cr_expect_str_eq(e,
	    "nodes.n.dns.zones[0].origin: kind knot cannot name zone \"a\\.b.tst.\" "
	    "in its configuration file: a name without escaped characters expected\n");
	free(e);
}

Test(kind_knot, refuses_what_anydnsd_refuses)
{
	char *e;

	e = refusals("{ \"kind\": \"knot\", \"wrkers\": 2 }");
	cr_expect(strstr(e, "nodes.n.dns.wrkers: ") == e, "%s", e);
	free(e);
	e = refusals("{ \"kind\": \"knot\", \"zones\": [ { \"origin\": \"x.tst\", \"file\": "
		     "\"/nonexistent/x.zone\" } ] }");
	cr_expect(strstr(e, "nodes.n.dns.zones[0].file: ") == e, "%s", e);
	free(e);
}

Test(kind_knot, user_config)
{
	char *dir = hdk_tmpdir("knotu"), json[1024], conf[512], msg[KIND_MSG_MAX] = "", *text;
	struct topology *t;
	struct kind_node k;
	char *e;
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/own.conf", dir);
	f = fopen(conf, "w");
	cr_assert_not_null(f);
	fputs("server:\n\tpidfile: \"@DIR@/knot.pid\"\n\tidentity: \"@NODE@\"\n", f);
	fclose(f);
	snprintf(json, sizeof(json),
	    "{ \"name\": \"u\", \"nodes\": { \"n\": { \"dns\": "
	    "{ \"kind\": \"knot\", \"config\": \"%s\", \"port\": 53 } } } }",
	    conf);
	t = hdk_load_string(json, "u.json");
	hdk_node(t, "n", &kind_knot, "hd", dir, &k);
	e = hdk_check(&k);
	cr_expect_str_eq(e,
	    "nodes.n.dns.port: kind knot: with \"config\" the section holds only "
	    "\"kind\" and \"config\" (the native file says the rest)\n");
	free(e);
	topo_free(t);

	snprintf(json, sizeof(json),
	    "{ \"name\": \"u\", \"nodes\": { \"n\": { \"dns\": "
	    "{ \"kind\": \"knot\", \"config\": \"%s\" } } } }",
	    conf);
	t = hdk_load_string(json, "u.json");
	hdk_node(t, "n", &kind_knot, "hd", dir, &k);
	e = hdk_check(&k);
	cr_expect_str_eq(e, "");
	free(e);
	cr_assert_eq(kind_knot.configure(&k, msg, sizeof(msg)), 0, "%s", msg);
	snprintf(conf, sizeof(conf), "%s/knot.conf", dir);
	text = hdk_slurp(conf);
	snprintf(json, sizeof(json), "server:\n\tpidfile: \"%s/knot.pid\"\n\tidentity: \"n\"\n",
	    dir);
	cr_expect_str_eq(text, json);
	free(text);
	topo_free(t);
	hdk_rmdir(dir);
	free(dir);
}
