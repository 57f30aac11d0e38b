/*
 * The node kind seam (emu/kinds/kind.c) without root: the lookup, which
 * daemons a node runs, --kind overrides, kind and services validation with
 * their JSON paths, missing programs, the argv builder, and the user's own
 * config with its placeholders.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "kind.h"
#include "lab.h"
#include "topo.h"

static const char lab_a_min[] =
    "{\"name\": \"k\", \"nodes\": {"
    " \"gw\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.254/24\"]}},"
    "  \"bgp\": {\"asn\": 8075, \"router_id\": \"10.0.0.254\", \"peers\": ["
    "   {\"address\": \"10.0.0.1\", \"asn\": 65511, \"import\": \"all\", \"export\": \"all\"}]}},"
    " \"dc\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\"]}},"
    "  \"bgp\": {\"asn\": 65511, \"router_id\": \"10.0.0.1\", \"originate\": [\"51.51.51.0/24\"],"
    "   \"peers\": [{\"address\": \"10.0.0.254\", \"asn\": 8075, \"import\": \"all\","
    "   \"export\": \"all\"}]},"
    "  \"dns\": {\"zones\": [{\"origin\": \"zone.tst\", \"records\": ["
    "   {\"name\": \"server\", \"type\": \"TXT\", \"data\": \"DC\"}]}]},"
    "  \"services\": {\"web\": {\"command\": [\"/bin/sleep\", \"@NODE@-@LAB@\"],"
    "   \"ready\": {\"tcp\": 80}}}}},"
    " \"links\": [{\"endpoints\": [\"gw:eth0\", \"dc:eth0\"]}]}";

static struct topology *
load(const char *text)
{
	struct cfg_errors errs;
	struct topology *t = NULL;

	if (topo_load_string(text, "t.json", &t, &errs) < 0)
		cfg_errors_print(&errs, stderr);
	cr_assert_not_null(t, "the fixture loads");
	return t;
}

/* The text of the first error whose path is path, or NULL. */
static const char *
error_at(const struct cfg_errors *e, const char *path)
{
	for (int i = 0; i < e->count && i < CFG_MAX_ERRORS; i++)
		if (strcmp(e->err[i].path, path) == 0)
			return e->err[i].msg;
	return NULL;
}

Test(kind, lookup_and_defaults)
{
	cr_assert_str_eq(kind_find(KIND_BGP, NULL)->name, "anybgpd", "the default BGP kind");
	cr_assert_str_eq(kind_find(KIND_DNS, NULL)->name, "anydnsd", "the default DNS kind");
	cr_assert_str_eq(kind_find(KIND_SERVICE, "service")->name, "service");
	cr_assert_null(kind_find(KIND_BGP, "anydnsd"), "a kind belongs to one role");
	cr_assert_null(kind_find(KIND_BGP, "quagga"));
	cr_assert_not_null(strstr(kind_names(KIND_BGP), "anybgpd"));
	cr_assert_null(strstr(kind_names(KIND_BGP), "anydnsd"));
}

Test(kind, daemons_of_a_node_in_start_order)
{
	struct topology *t = load(lab_a_min);
	struct kind_node ks[4];
	size_t n = kind_node_all("lab", t, topo_node_find(t, "dc"), ks, 4);

	cr_assert_eq(n, 3);
	cr_assert_str_eq(ks[0].service, "bgp");
	cr_assert_str_eq(ks[0].path, "nodes.dc.bgp");
	cr_assert_str_eq(ks[1].service, "dns");
	cr_assert_str_eq(ks[1].kind->name, "anydnsd");
	cr_assert_str_eq(ks[2].service, "web");
	cr_assert_str_eq(ks[2].path, "nodes.dc.services.web");
	cr_assert_eq(ks[2].role, KIND_SERVICE);
	cr_assert_not_null(strstr(ks[0].dir, "/lab/nodes/dc"), "%s", ks[0].dir);
	cr_assert_eq(kind_node_find("lab", t, "gw", "dns", &ks[0]), -ENOENT);
	cr_assert_eq(kind_node_find("lab", t, "nosuch", "bgp", &ks[0]), -ENOENT);
	topo_free(t);
}

Test(kind, override_node_qualified_wins_whatever_the_order)
{
	struct topology *t = load(lab_a_min);
	char *specs[] = { "gw.bgp=anybgpd", "bgp=anybgpd", "dns=anydnsd" };
	char msg[KIND_MSG_MAX];
	struct kind_node k;

	cr_assert_eq(kind_override(t, specs, 3, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(t->nodes[0].bgp, "kind")),
	    "anybgpd");
	cr_assert_eq(kind_node_find(NULL, t, "dc", "dns", &k), 0);
	cr_assert_str_eq(k.kind->name, "anydnsd");
	topo_free(t);
}

Test(kind, override_errors_name_the_spec)
{
	struct topology *t = load(lab_a_min);
	char *bad_kind[] = { "bgp=quagga" };
	char *bad_node[] = { "nosuch.bgp=anybgpd" };
	char *no_section[] = { "gw.dns=anydnsd" };
	char *bad_form[] = { "bgp" };
	char msg[KIND_MSG_MAX];

	cr_assert_eq(kind_override(t, bad_kind, 1, msg, sizeof(msg)), EMU_ECONFIG);
	cr_assert_not_null(strstr(msg,
			       "--kind bgp=quagga: unknown bgp kind \"quagga\": "
			       "expected one of anybgpd"),
	    "%s", msg);
	cr_assert_eq(kind_override(t, bad_node, 1, msg, sizeof(msg)), EMU_ECONFIG);
	cr_assert_str_eq(msg, "--kind nosuch.bgp=anybgpd: no such node in the topology");
	cr_assert_eq(kind_override(t, no_section, 1, msg, sizeof(msg)), EMU_ECONFIG);
	cr_assert_str_eq(msg, "--kind gw.dns=anydnsd: the node has no such section");
	cr_assert_eq(kind_override(t, bad_form, 1, msg, sizeof(msg)), EMU_ECONFIG);
	cr_assert_str_eq(msg, "--kind bgp: expected [NODE.]bgp=KIND or [NODE.]dns=KIND");
	topo_free(t);
}

/* Lab A's fixture with one string replaced. */
static struct topology *
load_with(const char *from, const char *to)
{
	char text[sizeof(lab_a_min) + 512];
	const char *at = strstr(lab_a_min, from);

	cr_assert_not_null(at, "fixture has %s", from);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - lab_a_min), lab_a_min, to,
	    at + strlen(from));
	return load(text);
}

Test(kind, unknown_kind_is_an_error_at_its_path)
{
	struct topology *t = load_with("\"bgp\": {\"asn\": 8075,",
	    "\"bgp\": {\"kind\": \"quagga\", \"asn\": 8075,");
	struct cfg_errors errs;
	const char *m;

	cfg_errors_init(&errs, "t.json");
	cr_assert_eq(kind_check_topology(t, &errs), -1);
	m = error_at(&errs, "nodes.gw.bgp.kind");
	cr_assert_not_null(m, "an error at nodes.gw.bgp.kind");
	cr_assert_not_null(strstr(m, "unknown kind \"quagga\": expected one of anybgpd"), "%s", m);
	topo_free(t);
}

Test(kind, anybgpd_section_checked_by_its_parser_kind_key_allowed)
{
	struct topology *t = load_with("\"bgp\": {\"asn\": 65511,",
	    "\"bgp\": {\"kind\": \"anybgpd\", \"asn\": \"x\",");
	struct cfg_errors errs;

	cfg_errors_init(&errs, "t.json");
	cr_assert_eq(kind_check_topology(t, &errs), -1);
	cr_assert_not_null(error_at(&errs, "nodes.dc.bgp.asn"), "the parser's own error");
	cr_assert_null(error_at(&errs, "nodes.dc.bgp.kind"), "\"kind\" is not the parser's");
	topo_free(t);
}

Test(kind, service_entries_validated)
{
	struct cfg_errors errs;
	struct topology *t;

	t = load_with("\"command\": [\"/bin/sleep\", \"@NODE@-@LAB@\"]", "\"command\": []");
	cfg_errors_init(&errs, "t.json");
	cr_assert_eq(kind_check_topology(t, &errs), -1);
	cr_assert_str_eq(error_at(&errs, "nodes.dc.services.web.command"),
	    "expected a non-empty array of strings: the program and its arguments (kind service)");
	topo_free(t);

	t = load_with("\"ready\": {\"tcp\": 80}", "\"ready\": {\"udp\": 53}");
	cfg_errors_init(&errs, "t.json");
	cr_assert_eq(kind_check_topology(t, &errs), -1);
	cr_assert_not_null(error_at(&errs, "nodes.dc.services.web.ready.udp"));
	topo_free(t);

	t = load_with("\"ready\": {\"tcp\": 80}", "\"ready\": {\"tcp\": 0}");
	cfg_errors_init(&errs, "t.json");
	cr_assert_eq(kind_check_topology(t, &errs), -1);
	cr_assert_not_null(error_at(&errs, "nodes.dc.services.web.ready.tcp"));
	topo_free(t);
}

Test(kind, service_names_checked_by_the_loader)
{
	struct cfg_errors errs;
	struct topology *t = NULL;
	char text[sizeof(lab_a_min) + 64];
	const char *at = strstr(lab_a_min, "\"web\"");

	snprintf(text, sizeof(text), "%.*s\"bgp\"%s", (int)(at - lab_a_min), lab_a_min, at + 5);
	cr_assert_eq(topo_load_string(text, "t.json", &t, &errs), -1);
	cr_assert_not_null(error_at(&errs, "nodes.dc.services.bgp"));
	snprintf(text, sizeof(text), "%.*s\"Web\"%s", (int)(at - lab_a_min), lab_a_min, at + 5);
	cr_assert_eq(topo_load_string(text, "t.json", &t, &errs), -1);
	cr_assert_not_null(error_at(&errs, "nodes.dc.services.Web"));
}

Test(kind, service_argv_with_placeholders)
{
	struct topology *t = load(lab_a_min);
	struct kind_proc p;
	struct kind_node k;

	memset(&p, 0, sizeof(p));
	cr_assert_eq(kind_node_find("mylab", t, "dc", "web", &k), 0);
	cr_assert_eq(k.kind->procs(&k, &p, 1), 1);
	cr_assert_str_eq(p.argv[0], "/bin/sleep");
	cr_assert_str_eq(p.argv[1], "dc-mylab");
	cr_assert_null(p.argv[2]);
	topo_free(t);
}

Test(kind, proc_args_bounded)
{
	struct kind_proc p;
	char big[2048];
	int i, err = 0;

	memset(&p, 0, sizeof(p));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(kind_proc_arg(&p, "%s", big), 0);
	cr_assert_eq(kind_proc_arg(&p, "%s", big), 0);
	cr_assert_eq(kind_proc_arg(&p, "%s", big), EMU_ETRUNC, "the buffer is full");
	cr_assert_null(p.argv[2], "nothing half added");
	memset(&p, 0, sizeof(p));
	for (i = 0; i < KIND_ARGV_MAX + 4 && err == 0; i++)
		err = kind_proc_arg(&p, "a%d", i);
	cr_assert_eq(err, EMU_ETRUNC);
	cr_assert_eq(i, KIND_ARGV_MAX, "room for %d arguments and the NULL", KIND_ARGV_MAX - 1);
	cr_assert_null(p.argv[KIND_ARGV_MAX - 1]);
}

Test(kind, missing_own_daemon_named)
{
	struct topology *t = load(lab_a_min);
	char msg[KIND_MSG_MAX];

	setenv("ANYLAB_BIN_DIR", "/nonexistent-anylab-bin", 1);
	cr_assert_eq(kind_check_programs(t, msg, sizeof(msg)), EMU_EMISSING);
	cr_assert_str_eq(msg,
	    "nodes.gw.bgp: kind anybgpd needs /nonexistent-anylab-bin/anybgpd, "
	    "which is not built (run tools/build.sh)");
	unsetenv("ANYLAB_BIN_DIR");
	topo_free(t);
}

Test(kind, user_config_copied_with_placeholders)
{
	char dir[] = "/tmp/anylab-kind-XXXXXX", file[600], out[600], buf[512];
	struct topology *t;
	struct kind_node k;
	char msg[KIND_MSG_MAX];
	FILE *f;
	size_t n;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/my.conf", dir);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("log \"@DIR@/x.log\"; # @NODE@ of @LAB@ (@SERVICE@) @OTHER@\n", f);
	fclose(f);
	t = load_with("\"bgp\": {\"asn\": 8075,",
	    "\"bgp\": {\"config\": \"my.conf\", \"asn\": 8075,");
	cr_assert_eq(kind_node_find("l1", t, "gw", "bgp", &k), 0);
	snprintf(k.base_dir, sizeof(k.base_dir), "%s", dir);
	snprintf(k.dir, sizeof(k.dir), "%s", dir);
	cr_assert_str_eq(kind_user_config(&k), "my.conf");
	cr_assert_eq(kind_copy_user_config(&k, "out.conf", msg, sizeof(msg)), 0, "%s", msg);
	snprintf(out, sizeof(out), "%s/out.conf", dir);
	f = fopen(out, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	snprintf(file, sizeof(file), "log \"%s/x.log\"; # gw of l1 (bgp) @OTHER@\n", dir);
	cr_assert_str_eq(buf, file);
	unlink(out);
	snprintf(file, sizeof(file), "%s/my.conf", dir);
	unlink(file);
	/* A missing file names the section's path. */
	cr_assert_lt(kind_copy_user_config(&k, "out.conf", msg, sizeof(msg)), 0);
	cr_assert_not_null(strstr(msg, "nodes.gw.bgp.config: "), "%s", msg);
	rmdir(dir);
	topo_free(t);
}

Test(kind, bgp_state_names_normalised)
{
	cr_assert_str_eq(kind_bgp_state_name("ESTABLISHED"), "Established");
	cr_assert_str_eq(kind_bgp_state_name("opensent"), "OpenSent");
	cr_assert_null(kind_bgp_state_name("Up"));
}
