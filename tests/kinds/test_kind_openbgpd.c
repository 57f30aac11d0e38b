/*
 * Kind "openbgpd" without root: the bgpd.conf written for every golden
 * section (tests/kinds/golden/openbgpd/NAME.json -> NAME.conf, byte for
 * byte, @DIR@ standing for the node's folder, and accepted by `bgpd -n`
 * when OpenBGPD is installed), the exact refusals of keys OpenBGPD cannot
 * express (bad/NAME.json -> bad/NAME.err), the passwd file and chroot of
 * its privilege drop, the processes it asks for, and the reading of
 * bgpctl's JSON captured from a real bgpd 7.7 (tests/kinds/samples/
 * openbgpd/: a speaker with an OpenBGPD and a GoBGP neighbor, one of them
 * then taken down with `bgpctl neighbor ... down`) into anybgpd's shapes.
 *
 * Regenerate the golden files after an intended change of the writer:
 *   ANYLAB_REGEN_GOLDEN=1 build/tests/kinds_test_kind_openbgpd
 * and review the diff.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "kind_openbgpd.h"
#include "kinds/helper_bgpkind.h"

extern const struct kind_ops kind_openbgpd;

static char *
sample(const char *name)
{
	char rel[128], path[1024];
	char *text;

	snprintf(rel, sizeof(rel), "tests/kinds/samples/openbgpd/%s", name);
	text = bk_read(bk_source(rel, path, sizeof(path)));
	cr_assert_not_null(text, "%s", path);
	return text;
}

static const char *
str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	return s ? s : "(none)";
}

static double
num(const cJSON *o, const char *key)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItem(o, key));
}

Test(kind_openbgpd, golden_configs_and_refusals)
{
	int n;

	if (getpwnam("_openbgpd") == NULL)
		cr_skip_test("no user _openbgpd (Debian package openbgpd)");
	n = bk_golden_all(&kind_openbgpd, "bgpd.conf", "/usr/sbin/bgpd", "-n -f");
	cr_assert_geq(n, 5, "only %d golden files compared", n);
}

Test(kind_openbgpd, registered_and_programs)
{
	cr_assert_eq(kind_find(KIND_BGP, "openbgpd"), &kind_openbgpd);
	cr_assert_str_eq(kind_openbgpd.programs[0], "/usr/sbin/bgpd");
	cr_assert_str_eq(kind_openbgpd.programs[1], "/usr/sbin/bgpctl");
	cr_assert_str_eq(kind_openbgpd.package, "openbgpd");
}

Test(kind_openbgpd, passwd_names_the_nodes_chroot)
{
	char dir[] = "/tmp/hgobXXXXXX", path[256], msg[KIND_MSG_MAX] = "", want[512];
	struct passwd *pw = getpwnam("_openbgpd");
	cJSON *sec = cJSON_Parse("{\"kind\":\"openbgpd\",\"asn\":1,\"router_id\":\"1.1.1.1\"}");
	struct bk_node n;
	struct stat st;
	char *text;

	if (pw == NULL)
		cr_skip_test("no user _openbgpd (Debian package openbgpd)");
	cr_assert_not_null(mkdtemp(dir));
	bk_node_init(&n, &kind_openbgpd, "hgx", "r1", sec, dir);
	cr_assert_eq(kind_openbgpd.configure(&n.k, msg, sizeof(msg)), 0, "%s", msg);
	snprintf(path, sizeof(path), "%s/openbgpd.chroot", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	snprintf(path, sizeof(path), "%s/openbgpd.passwd", dir);
	text = bk_read(path);
	snprintf(want, sizeof(want),
	    "root:x:0:0:root:/root:/bin/sh\n_openbgpd:x:%u:%u:OpenBGPD "
	    "of anylab:%s/openbgpd.chroot:/usr/sbin/nologin\n",
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, dir);
	cr_assert_str_eq(text, want);
	free(text);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
	cJSON_Delete(sec);
}

Test(kind_openbgpd, procs_bgpd_in_its_own_mount_namespace)
{
	struct kind_proc p[KIND_PROCS_MAX];
	cJSON *sec = cJSON_Parse("{\"kind\":\"openbgpd\",\"asn\":1,\"router_id\":\"1.1.1.1\"}");
	struct bk_node n;

	memset(p, 0, sizeof(p));
	bk_node_init(&n, &kind_openbgpd, "hgx", "r1", sec, "/run/anylab/hgx/nodes/r1");
	cr_assert_eq(kind_openbgpd.procs(&n.k, p, KIND_PROCS_MAX), 1);
	cr_assert_str_eq(p[0].argv[0], "/usr/bin/unshare");
	cr_assert_str_eq(p[0].argv[1], "--mount");
	cr_assert_str_eq(p[0].argv[7],
	    "/bin/mount --bind \"$0\" /etc/passwd && exec "
	    "/usr/sbin/bgpd -d -f \"$1\"");
	cr_assert_str_eq(p[0].argv[8], "/run/anylab/hgx/nodes/r1/openbgpd.passwd");
	cr_assert_str_eq(p[0].argv[9], "/run/anylab/hgx/nodes/r1/bgpd.conf");
	cr_assert_null(p[0].argv[10]);
	cJSON_Delete(sec);
}

Test(kind_openbgpd, peers_from_sample)
{
	char *text = sample("show-neighbor.json");
	const cJSON *p, *fams;
	cJSON *doc;

	cr_assert_eq(openbgpd_peers_parse(text, &doc), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "peers")), 2);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0);
	cr_assert_str_eq(str(p, "address"), "10.0.1.1");
	cr_assert_eq(num(p, "asn"), 65511);
	cr_assert_str_eq(str(p, "description"), "dc001");
	cr_assert_str_eq(str(p, "state"), "Established");
	cr_assert_eq(num(p, "uptime"), 11);
	cr_assert_str_eq(str(p, "local_address"), "10.0.1.254");
	cr_assert_str_eq(str(p, "router_id"), "10.0.1.1");
	cr_assert_eq(num(p, "hold_time"), 9);
	cr_assert_eq(num(p, "keepalive"), 3);
	cr_assert_eq(num(p, "messages_in"), 27);
	cr_assert_eq(num(p, "messages_out"), 28);
	cr_assert_eq(num(p, "notifications_out"), 1);
	cr_assert_eq(num(p, "updates_in"), 5);
	cr_assert_eq(num(p, "prefixes_received"), 0);
	cr_assert_str_eq(str(p, "last_error"), "");
	fams = cJSON_GetObjectItem(p, "families");
	cr_assert_eq(cJSON_GetArraySize(fams), 1);
	cr_assert_str_eq(cJSON_GetArrayItem(fams, 0)->valuestring, "ipv4");
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 1);
	cr_assert_str_eq(str(p, "address"), "10.0.2.2");
	cr_assert_str_eq(str(p, "description"), "");
	cr_assert_eq(num(p, "prefixes_received"), 2);
	cJSON_Delete(doc);
	free(text);
}

Test(kind_openbgpd, peer_taken_down_is_idle_with_its_error)
{
	char *text = sample("show-neighbor-down.json");
	const cJSON *p;
	cJSON *doc;

	cr_assert_eq(openbgpd_peers_parse(text, &doc), 0);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0);
	cr_assert_str_eq(str(p, "state"), "Idle");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p, "uptime")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(p, "router_id")));
	cr_assert_eq(num(p, "hold_time"), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "families")), 0);
	cr_assert_str_eq(str(p, "last_error"), "NOTIFICATION sent: Cease, administratively down");
	cJSON_Delete(doc);
	free(text);
}

Test(kind_openbgpd, every_state_name_normalised)
{
	static const char *const in[] = { "Idle", "Connect", "Active", "OpenSent", "OpenConfirm",
		"Established", "IDLE", "established" };
	static const char *const want[] = { "Idle", "Connect", "Active", "OpenSent", "OpenConfirm",
		"Established", "Idle", "Established" };
	char text[256];
	cJSON *doc;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		snprintf(text, sizeof(text),
		    "{\"neighbors\":[{\"remote_addr\":\"10.0.0.9\","
		    "\"remote_as\":\"9\",\"state\":\"%s\"}]}",
		    in[i]);
		cr_assert_eq(openbgpd_peers_parse(text, &doc), 0);
		cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "peers"), 0),
				     "state"),
		    want[i], "%s", in[i]);
		cJSON_Delete(doc);
	}
	cr_assert_eq(openbgpd_peers_parse("{\"neighbors\":{}}", &doc), EMU_EPROTO);
	cr_assert_eq(openbgpd_peers_parse("connect: No such file or directory", &doc), EMU_EPROTO);
}

Test(kind_openbgpd, routes_from_sample)
{
	char *text = sample("show-rib-detail.json");
	const cJSON *list, *r, *c;
	cJSON *doc;

	cr_assert_eq(openbgpd_routes_parse(text, NULL, &doc), 0);
	list = cJSON_GetObjectItem(doc, "routes");
	cr_assert_eq(cJSON_GetArraySize(list), 4);
	cr_assert_eq(num(doc, "prefixes"), 4);
	r = cJSON_GetArrayItem(list, 0);
	cr_assert_str_eq(str(r, "prefix"), "51.51.51.0/24");
	cr_assert_str_eq(str(r, "peer"), "10.0.2.2");
	cr_assert_str_eq(str(r, "next_hop"), "10.0.2.2");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "best")));
	cr_assert_eq(num(r, "local_pref"), 200);
	cr_assert_str_eq(str(r, "as_path"), "65511");
	cr_assert_str_eq(str(r, "origin"), "IGP");
	r = cJSON_GetArrayItem(list, 1);
	cr_assert_str_eq(str(r, "prefix"), "52.52.52.0/24");
	cr_assert_str_eq(str(r, "peer"), "local");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "next_hop")));
	cr_assert_str_eq(str(r, "as_path"), "");
	r = cJSON_GetArrayItem(list, 2);
	cr_assert_str_eq(str(r, "prefix"), "53.53.0.0/16");
	cr_assert_str_eq(str(r, "as_path"), "65511 64999 64998");
	cr_assert_eq(num(r, "med"), 7);
	cr_assert_str_eq(str(r, "origin"), "incomplete");
	c = cJSON_GetObjectItem(r, "communities");
	cr_assert_eq(cJSON_GetArraySize(c), 3);
	cr_assert_str_eq(cJSON_GetArrayItem(c, 0)->valuestring, "8075:7");
	cr_assert_str_eq(cJSON_GetArrayItem(c, 2)->valuestring, "no-export");
	r = cJSON_GetArrayItem(list, 3);
	cr_assert_str_eq(str(r, "prefix"), "2001:db8:52::/48");
	cr_assert_str_eq(str(r, "peer"), "local");
	cJSON_Delete(doc);
	free(text);
}

Test(kind_openbgpd, routes_filter_and_sort)
{
	char *text = sample("show-rib-detail.json");
	struct prefix f;
	cJSON *doc;

	cr_assert_eq(prefix_parse("2001:db8::/32", &f, false), 0);
	cr_assert_eq(openbgpd_routes_parse(text, &f, &doc), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "routes")), 1);
	cJSON_Delete(doc);
	cr_assert_eq(prefix_parse("0.0.0.0/0", &f, false), 0);
	cr_assert_eq(openbgpd_routes_parse(text, &f, &doc), 0);
	cr_assert_eq(num(doc, "prefixes"), 3);
	cJSON_Delete(doc);
	/* out of order in, sorted out; a prefix's two paths keep their order */
	cr_assert_eq(openbgpd_routes_parse(
			 "{\"rib\":[{\"prefix\":\"10.2.0.0/16\",\"aspath\":\"1\","
			 "\"neighbor\":{\"remote_addr\":\"10.0.0.2\"},\"best\":true},{\"prefix\":"
			 "\"10.1.0.0/16\",\"neighbor\":{\"remote_addr\":\"10.0.0.3\"}},{\"prefix\":"
			 "\"10.2.0.0/16\",\"neighbor\":{\"remote_addr\":\"10.0.0.4\"}}]}",
			 NULL, &doc),
	    0);
	cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 0), "prefix"),
	    "10.1.0.0/16");
	cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 1), "peer"),
	    "10.0.0.2");
	cr_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 2), "peer"),
	    "10.0.0.4");
	cr_assert_eq(num(doc, "prefixes"), 2);
	cJSON_Delete(doc);
	cr_assert_eq(openbgpd_routes_parse("{\"rib\":{}}", NULL, &doc), EMU_EPROTO);
	free(text);
}
