/*
 * Unit tests of the lab core's seams, no root: the one lab name rule
 * (lab_node.c), the exit statuses of the lab verbs (cmd/cmd_lab.c), the
 * link kinds' lookup, capture targets and status (links/), and libnl codes
 * turned into errno values (kernel/netlink.c). The record lives under a
 * temporary ANYLAB_RUN_DIR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <criterion/criterion.h>

#include "anylab.h"
#include "capture.h"
#include "lab.h"
#include "link.h"
#include "netlink.h"
#include "state.h"
#include "topo.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/anylab-hclab-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	setenv("ANYLAB_RUN_DIR", dir, 1);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(lab, .init = setup, .fini = teardown);

/*
 * `up --name a-b` made namespaces a-b-NODE, which read as lab "a", node
 * "b-NODE": the lab core must refuse every name the topology loader
 * refuses, '-' first of all.
 */
Test(lab, name_rule_is_the_loaders)
{
	static const char *const names[] = {
		"anycast",
		"a_b",
		"a1",
		"1a",
		"a-b",
		"hc-x",
		"-a",
		"_a",
		"A",
		"a.b",
		"a/b",
		"",
		"abcdefghijk",
		"abcdefghijkl",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_expect_eq(lab_name_valid(names[i]), topo_lab_name_valid(names[i]),
		    "\"%s\": lab %d, topology loader %d", names[i], lab_name_valid(names[i]),
		    topo_lab_name_valid(names[i]));
	cr_expect(!lab_name_valid("a-b"));
	cr_expect(lab_name_valid("a_b"));
}

Test(lab, dashed_record_is_no_lab)
{
	struct state st;
	char out[64];

	/* A record left by an older anylab that let `up --name hc-x` through. */
	cr_assert_eq(state_create("hc-x", &st), 0);
	state_close(&st);
	cr_expect_eq(lab_find("hc-x", out, sizeof(out)), EMU_ENOLAB);
	cr_expect_eq(lab_resolve("hc-x", out, sizeof(out)), EXIT_NOLAB);
	cr_expect_eq(lab_remove("hc-x", true), EMU_ENOLAB);
	cr_expect_eq(lab_down("hc-x", true), EXIT_NOLAB);
	cr_expect(state_exists("hc-x"), "down of an invalid name touches nothing");
}

Test(lab, exit_statuses)
{
	cr_expect_eq(lab_exit_status(0), EXIT_OK);
	cr_expect_eq(lab_exit_status(EMU_EARG), EXIT_USAGE);
	cr_expect_eq(lab_exit_status(-EEXIST), EXIT_EXISTS);
	cr_expect_eq(lab_exit_status(EMU_ENOLAB), EXIT_NOLAB);
	cr_expect_eq(lab_exit_status(EMU_EMISSING), EXIT_MISSING);
	cr_expect_eq(lab_exit_status(-EPERM), EXIT_NOPRIV);
	cr_expect_eq(lab_exit_status(EMU_EDAEMON), EXIT_DAEMON);
	cr_expect_eq(lab_exit_status(-EIO), EXIT_FAIL);
	cr_expect_eq(lab_exit_status(-EINTR), EXIT_FAIL);
	cr_expect_eq(lab_exit_status(EMU_ECONFIG), EXIT_FAIL, "the record's topology unreadable");
	cr_expect_str_eq(emu_strerror(EMU_ENOLAB), "no such lab");
	cr_expect_str_eq(emu_strerror(EMU_EARG), "invalid argument");
}

Test(lab, netlink_errors_are_errno)
{
	cr_expect_eq(kn_errno(0), 0);
	cr_expect_eq(kn_errno(5), 5, "ifindex values pass");
	cr_expect_eq(kn_errno(-NLE_EXIST), -EEXIST);
	cr_expect_eq(kn_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	cr_expect_eq(kn_errno(-NLE_NODEV), -ENODEV);
	cr_expect_eq(kn_errno(-NLE_PERM), -EPERM);
	cr_expect_eq(kn_errno(-NLE_NOMEM), -ENOMEM);
	cr_expect_eq(kn_errno(-NLE_OPNOTSUPP), -EOPNOTSUPP);
	cr_expect_eq(kn_errno(-NLE_MSG_TRUNC), -EPROTO, "libnl's own trouble");
	cr_expect_eq(kn_errno(-10000), -EPROTO);
}

static struct topology *
load(const char *text)
{
	char path[] = "/tmp/anylab-hclab-topo-XXXXXX";
	struct cfg_errors errs;
	struct topology *t = NULL;
	FILE *f;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	if (topo_load(path, &t, &errs) < 0)
		cfg_errors_print(&errs, stderr);
	unlink(path);
	cr_assert(t != NULL);
	return t;
}

/* A LAN of three (wan), a pair (p2p), and a pair made a LAN (sw). */
static const char kinds_topo[] =
    "{\"name\": \"hck\", \"nodes\": {"
    "\"a\": {\"interfaces\": {\"eth0\": {}, \"eth1\": {}, \"eth2\": {}}},"
    "\"b\": {\"interfaces\": {\"eth0\": {}, \"eth1\": {}, \"eth2\": {}}},"
    "\"c\": {\"interfaces\": {\"eth0\": {}}}},"
    "\"links\": [{\"name\": \"wan\", \"endpoints\": [\"a:eth0\", \"b:eth0\", \"c:eth0\"]},"
    "{\"name\": \"p2p\", \"endpoints\": [\"a:eth1\", \"b:eth1\"]},"
    "{\"name\": \"sw\", \"switch\": true, \"endpoints\": [\"a:eth2\", \"b:eth2\"]}]}\n";

Test(lab, link_kinds_lookup)
{
	struct topology *t = load(kinds_topo);

	cr_assert_not_null(link_kind_find("veth"));
	cr_assert_not_null(link_kind_find("lan"));
	cr_assert_not_null(link_kind_find("vxlan"));
	cr_expect_null(link_kind_find("gre"));
	cr_expect_str_eq(link_kind_of(topo_link_find(t, "wan"))->name, "lan");
	cr_expect_str_eq(link_kind_of(topo_link_find(t, "p2p"))->name, "veth");
	cr_expect_str_eq(link_kind_of(topo_link_find(t, "sw"))->name, "lan");
	cr_expect(link_kind_find("lan")->needs_switch);
	cr_expect(!link_kind_find("veth")->needs_switch);
	cr_expect(!link_kind_find("vxlan")->needs_switch, "a tunnel lives in its nodes");
	topo_free(t);
}

/* a and b over one underlay pair (u) and a tunnel (vpn) over it. */
static const char tunnel_topo[] =
    "{\"name\": \"hck\", \"nodes\": {"
    "\"a\": {\"interfaces\": {\"wan0\": {\"addresses\": [\"10.0.0.1/24\"]}, \"tun0\": {}}},"
    "\"b\": {\"interfaces\": {\"wan0\": {\"addresses\": [\"10.0.0.2/24\"]}, \"tun0\": {}}}},"
    "\"links\": [{\"name\": \"u\", \"endpoints\": [\"a:wan0\", \"b:wan0\"]},"
    "{\"name\": \"vpn\", \"kind\": \"vxlan\", \"endpoints\": [\"a:tun0\", \"b:tun0\"], "
    "\"underlay\": [\"a:wan0\", \"b:wan0\"]}]}\n";

/* A tunnel is its kind's; `capture LINK` listens on both ends, each frame once as delivered. */
Test(lab, tunnel_kind_and_capture)
{
	struct topology *t = load(tunnel_topo);
	struct capture_target *v;
	char err[256];
	int n;

	cr_expect_str_eq(link_kind_of(topo_link_find(t, "vpn"))->name, "vxlan");
	cr_expect_str_eq(link_kind_of(topo_link_find(t, "u"))->name, "veth");
	n = lab_capture_targets("hck", t, "vpn", &v, err, sizeof(err));
	cr_assert_eq(n, 2, "%s", n < 0 ? err : "");
	cr_expect_str_eq(v[0].netns, "hck-a");
	cr_expect_str_eq(v[1].netns, "hck-b");
	for (int i = 0; i < n; i++) {
		cr_expect_str_eq(v[i].iface, "tun0");
		cr_expect(v[i].inbound_only, "each end receives what the other sent: once");
	}
	cr_expect_str_eq(v[1].what, "vpn (tunnel end b:tun0, inbound)");
	free(v);
	topo_free(t);
}

Test(lab, capture_targets_through_link_kinds)
{
	struct topology *t = load(kinds_topo);
	struct capture_target *v;
	char err[256];
	int n;

	n = lab_capture_targets("hck", t, "wan", &v, err, sizeof(err));
	cr_assert_eq(n, 3, "%s", n < 0 ? err : "");
	for (int i = 0; i < n; i++) {
		cr_expect_str_eq(v[i].netns, "hck.sw");
		cr_expect(v[i].inbound_only, "a switch port: each frame once");
	}
	cr_expect_str_eq(v[0].iface, "wan.0");
	cr_expect_str_eq(v[2].iface, "wan.2");
	cr_expect_str_eq(v[2].what, "wan (port of c:eth0)");
	free(v);

	n = lab_capture_targets("hck", t, "p2p", &v, err, sizeof(err));
	cr_assert_eq(n, 1, "a pair: its first end");
	cr_expect_str_eq(v[0].netns, "hck-a");
	cr_expect_str_eq(v[0].iface, "eth1");
	cr_expect(!v[0].inbound_only);
	free(v);

	n = lab_capture_targets("hck", t, "b", &v, err, sizeof(err));
	cr_expect_eq(n, 3, "every interface of node b");
	free(v);
	cr_expect_eq(lab_capture_targets("hck", t, "b:eth9", &v, err, sizeof(err)), EMU_EARG);
	cr_expect_eq(lab_capture_targets("hck", t, "nothing", &v, err, sizeof(err)), EMU_EARG);
	cr_expect(strstr(err, "neither NODE:IFACE") != NULL, "%s", err);

	n = lab_capture_targets_all("hck", t, "/d", &v, err, sizeof(err));
	cr_assert_eq(n, 7);
	cr_expect_str_eq(v[0].file, "/d/hck-a-eth0.pcap");
	free(v);
	topo_free(t);
}

/* A status document as kn_dump makes it, for the interfaces named. */
static cJSON *
status_doc(void)
{
	static const char *const nodes[] = { "a", "b", "c" };
	static const char *const ports[] = { "wan.0", "wan.1", "wan.2", "sw.0", "sw.1" };
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "nodes"), *n, *is;
	cJSON *sw;

	for (size_t i = 0; i < 3; i++) {
		n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "name", nodes[i]);
		is = cJSON_AddArrayToObject(n, "interfaces");
		for (int k = 0; k < (i == 2 ? 1 : 3); k++) {
			cJSON *o = cJSON_CreateObject();
			char name[8];

			snprintf(name, sizeof(name), "eth%d", k);
			cJSON_AddStringToObject(o, "name", name);
			cJSON_AddItemToArray(is, o);
		}
		cJSON_AddItemToArray(arr, n);
	}
	sw = cJSON_AddObjectToObject(doc, "switch");
	is = cJSON_AddArrayToObject(sw, "interfaces");
	for (size_t i = 0; i < 5; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", ports[i]);
		cJSON_AddItemToArray(is, o);
	}
	return doc;
}

static const char *
field(const struct topology *t, const struct link_status_index *ix, cJSON *doc, const char *node,
    const char *iface, const char *key)
{
	const struct link_ref r = { t, "hck", 0, 0, ix };
	const char *s = cJSON_GetStringValue(
	    cJSON_GetObjectItem(link_status_iface(&r, doc,
				    node != NULL ? topo_node_find(t, node) : NULL, iface),
		key));

	return s != NULL ? s : "(none)";
}

/* The kinds' status, once with the document indexed (as lab_status does) and once without. */
static void
link_kinds_status(bool indexed)
{
	struct topology *t = load(kinds_topo);
	cJSON *doc = status_doc();
	struct link_status_index index, *ix = NULL;

	if (indexed) {
		cr_assert_eq(link_status_index_make(&index, t, doc), 0);
		ix = &index;
	}
	for (size_t l = 0; l < t->nlinks; l++) {
		const struct link_ref r = { t, "hck", l, 0, ix };

		link_kind_of(&t->links[l])->status(&r, doc);
	}
	cr_expect_str_eq(field(t, ix, doc, NULL, "wan.2", "member"), "c:eth0");
	cr_expect_str_eq(field(t, ix, doc, NULL, "sw.1", "member"), "b:eth2");
	cr_expect_str_eq(field(t, ix, doc, "c", "eth0", "link"), "wan");
	cr_expect_str_eq(field(t, ix, doc, "c", "eth0", "port"), "wan.2");
	cr_expect_str_eq(field(t, ix, doc, "a", "eth1", "link"), "p2p");
	cr_expect_str_eq(field(t, ix, doc, "a", "eth1", "peer"), "b:eth1");
	cr_expect_str_eq(field(t, ix, doc, "b", "eth1", "peer"), "a:eth1");
	cr_expect_str_eq(field(t, ix, doc, "a", "eth1", "port"), "(none)", "a pair has no port");
	if (ix != NULL)
		link_status_index_free(ix);
	cJSON_Delete(doc);
	topo_free(t);
}

Test(lab, link_kinds_status)
{
	link_kinds_status(false);
}

Test(lab, link_kinds_status_indexed)
{
	link_kinds_status(true);
}
