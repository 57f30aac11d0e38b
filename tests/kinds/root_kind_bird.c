/*
 * Kind "bird" against live BIRD daemons (root, bird2; skips without either):
 * a two-node lab (namespaces LAB-r1 and LAB-r2, one veth link, IPv4 and IPv6)
 * brought up by `anylab up`, whose supervisor runs the kind's configure, procs
 * and ready ops. The test then calls the kind's ops itself, as `anylab bgp`
 * and scenario steps do: bgp_progress (sessions, kernel routes), bgp_peers,
 * bgp_routes (attributes a named import policy set), bgp_announce for an
 * originated prefix (its static protocol disabled and enabled) and for an
 * extra one (bird.conf rewritten, `configure`), a withdrawal that survives a
 * later configure, a refused withdrawal, and reset through bgp_command. The
 * lab is taken down on every path (hs_cleanup).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cJSON.h>

#include "jcfg.h"
#include "kind.h"
#include "scenario/helper_scn.h"
#include "topo.h"

static char lab[16], dir[128], bin[512], topo_file[256];
static struct topology *topo;

#define TOPOLOGY \
	"{\"name\": \"%s\", \"nodes\": {\n" \
	" \"r1\": {\"interfaces\": {\"eth0\":\n" \
	"  {\"addresses\": [\"10.0.0.1/24\", \"fd00::1/64\"]}},\n" \
	"  \"bgp\": {\"kind\": \"bird\", \"asn\": 65001, \"router_id\": \"10.0.0.1\",\n" \
	"   \"hold_time\": 9, \"keepalive\": 3,\n" \
	"   \"originate\": [\"51.51.51.0/24\", \"2001:db8:51::/48\"],\n" \
	"   \"peers\": [\n" \
	"    {\"address\": \"10.0.0.2\", \"asn\": 65002, \"families\": [\"ipv4\"],\n" \
	"     \"import\": \"all\", \"export\": \"all\", \"description\": \"r2 over IPv4\"},\n" \
	"    {\"address\": \"fd00::2\", \"asn\": 65002, \"families\": [\"ipv6\"],\n" \
	"     \"import\": \"all\", \"export\": \"all\"}]}},\n" \
	" \"r2\": {\"interfaces\": {\"eth0\":\n" \
	"  {\"addresses\": [\"10.0.0.2/24\", \"fd00::2/64\"]}},\n" \
	"  \"bgp\": {\"kind\": \"bird\", \"asn\": 65002, \"router_id\": \"10.0.0.2\",\n" \
	"   \"hold_time\": 9, \"keepalive\": 3,\n" \
	"   \"policies\": {\"FROM-R1\": {\"local_pref\": 200, \"communities\": [\"65002:7\"]}},\n" \
	"   \"peers\": [\n" \
	"    {\"address\": \"10.0.0.1\", \"asn\": 65001, \"families\": [\"ipv4\"],\n" \
	"     \"import\": \"FROM-R1\", \"export\": \"all\"},\n" \
	"    {\"address\": \"fd00::1\", \"asn\": 65001, \"families\": [\"ipv6\"],\n" \
	"     \"import\": \"all\", \"export\": \"all\"}]}}},\n" \
	" \"links\": [{\"endpoints\": [\"r1:eth0\", \"r2:eth0\"]}]}\n"

static void
setup(void)
{
	struct cfg_errors errs;
	FILE *f;

	hs_require(bin, sizeof(bin), (char *)NULL, (char *)NULL);
	if (access("/usr/sbin/bird", X_OK) < 0)
		cr_skip_test("bird2 is not installed (/usr/sbin/bird)");
	hs_lab_dir("hbk", "kind-bird", lab, sizeof(lab), dir, sizeof(dir));
	snprintf(topo_file, sizeof(topo_file), "%s/lab.json", dir);
	f = fopen(topo_file, "w");
	cr_assert_not_null(f);
	fprintf(f, TOPOLOGY, lab);
	fclose(f);
	cr_assert_eq(topo_load(topo_file, &topo, &errs), 0, "%s: %s",
	    errs.count ? errs.err[0].path : "", errs.count ? errs.err[0].msg : "");
	cr_assert_eq(hs_sh("%s up %s --name %s >%s/up.out 2>&1", bin, topo_file, lab, dir), 0,
	    "anylab up (see %s/up.out)", dir);
}

static void
teardown(void)
{
	topo_free(topo);
	topo = NULL;
	hs_cleanup(bin, lab, dir);
}

/* The kind_node of NODE's bgp, as the lab's verbs make it (a new one per "invocation"). */
static void
node(const char *name, struct kind_node *k)
{
	cr_assert_eq(kind_node_find(lab, topo, name, "bgp", k), 0);
	cr_assert_str_eq(k->kind->name, "bird");
}

/* Paths r2 holds for prefix (0 when none), and the path itself when wanted. */
static int
paths(const char *prefix, cJSON **doc_out)
{
	struct kind_node k;
	cJSON *doc;
	int n;

	node("r2", &k);
	if (k.kind->bgp_routes(&k, prefix, &doc) < 0)
		return -1;
	n = cJSON_GetArraySize(cJSON_GetObjectItem(doc, "routes"));
	if (doc_out)
		*doc_out = doc;
	else
		cJSON_Delete(doc);
	return n;
}

static bool
waitfor_paths(const char *prefix, int want, int ms)
{
	for (int i = 0; i <= ms / 100; i++) {
		if (paths(prefix, NULL) == want)
			return true;
		usleep(100000);
	}
	return false;
}

/* Kernel routes to prefix in r2's namespace with protocol bird (`ip route`). */
static int
kernel_routes(const char *prefix)
{
	char cmd[256], *out;
	int st, n = 0;

	snprintf(cmd, sizeof(cmd),
	    "ip -n %s-r2 route show %s proto bird 2>/dev/null; "
	    "ip -n %s-r2 -6 route show %s proto bird 2>/dev/null",
	    lab, prefix, lab, prefix);
	out = hs_output(cmd, &st);
	for (char *p = out; p && *p; p++)
		n += *p == '\n';
	free(out);
	return n;
}

static const cJSON *
peer_of(const cJSON *doc, const char *addr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers"))
		if (strcmp(hs_field(p, "address"), addr) == 0)
			return p;
	return NULL;
}

Test(kind_bird, ops_against_live_bird, .init = setup, .fini = teardown, .timeout = 180)
{
	struct kind_node k1, k2;
	struct kind_bgp_progress pr;
	struct prefix p51, p60, p99;
	char msg[KIND_MSG_MAX];
	const cJSON *p, *r;
	cJSON *doc;
	bool up = false;

	node("r1", &k1);
	node("r2", &k2);
	cr_assert_eq(k1.kind->ready(&k1), 0, "r1's BIRD answers on its control socket");
	cr_assert_eq(k2.kind->ready(&k2), 0);

	/* Progress: both sessions of each side, and r2's kernel routes from r1. */
	for (int i = 0; i < 300 && !up; i++) {
		cr_assert_eq(k2.kind->bgp_progress(&k2, &pr), 0);
		up = pr.peers == 2 && pr.established == 2 && pr.kernel_routes == 2;
		if (!up)
			usleep(100000);
	}
	cr_assert(up, "r2: %u peers, %u established, %llu kernel routes", pr.peers, pr.established,
	    pr.kernel_routes);
	cr_assert_not(pr.pending);
	cr_assert_eq(kernel_routes("51.51.51.0/24"), 1, "51.51.51.0/24 in r2's kernel, proto bird");
	cr_assert_eq(kernel_routes("2001:db8:51::/48"), 1);

	/* Peers in anybgpd's shape. */
	cr_assert_eq(k1.kind->bgp_peers(&k1, &doc), 0);
	p = peer_of(doc, "10.0.0.2");
	cr_assert_not_null(p);
	cr_assert_str_eq(hs_field(p, "state"), "Established");
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "asn")), 65002);
	cr_assert_str_eq(hs_field(p, "description"), "r2 over IPv4");
	cr_assert_str_eq(hs_field(p, "local_address"), "10.0.0.1");
	cr_assert_str_eq(hs_field(p, "router_id"), "10.0.0.2");
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "hold_time")), 9);
	cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(p, "uptime")));
	cr_assert_lt(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "uptime")), 120);
	cr_assert_str_eq(hs_field(peer_of(doc, "fd00::2"), "state"), "Established");
	cJSON_Delete(doc);

	/* Routes: r1's prefix at r2 with what r2's import policy set. */
	cr_assert_eq(paths("51.51.51.0/24", &doc), 1);
	r = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 0);
	cr_assert_str_eq(hs_field(r, "peer"), "10.0.0.1");
	cr_assert_str_eq(hs_field(r, "next_hop"), "10.0.0.1");
	cr_assert_str_eq(hs_field(r, "as_path"), "65001");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "best")));
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(r, "local_pref")), 200);
	cr_assert_str_eq(cJSON_GetStringValue(
			     cJSON_GetArrayItem(cJSON_GetObjectItem(r, "communities"), 0)),
	    "65002:7");
	cJSON_Delete(doc);
	cr_assert_eq(paths("2001:db8::/32", NULL), 1, "the IPv6 prefix, asked by a covering one");
	cr_assert_eq(paths(NULL, NULL), 2, "all routes: the two of r1");

	/* Withdraw an originated prefix: its static protocol goes down, r2 loses it. */
	cr_assert_eq(prefix_parse("51.51.51.0/24", &p51, false), 0);
	cr_assert_eq(k1.kind->bgp_announce(&k1, &p51, false, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert(waitfor_paths("51.51.51.0/24", 0, 10000), "r2 still has 51.51.51.0/24");
	cr_assert_eq(kernel_routes("51.51.51.0/24"), 0);

	/* An extra prefix: bird.conf rewritten and reloaded; the withdrawal above holds. */
	cr_assert_eq(prefix_parse("60.60.60.0/24", &p60, false), 0);
	cr_assert_eq(k1.kind->bgp_announce(&k1, &p60, true, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert(waitfor_paths("60.60.60.0/24", 1, 10000), "r2 did not get 60.60.60.0/24");
	sleep(1);
	cr_assert_eq(paths("51.51.51.0/24", NULL), 0,
	    "configure brought the withdrawn prefix back");

	/* A later invocation (a new kind_node) withdraws it again, from the file kept in DIR. */
	node("r1", &k1);
	cr_assert_eq(k1.kind->bgp_announce(&k1, &p60, false, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert(waitfor_paths("60.60.60.0/24", 0, 10000), "r2 still has 60.60.60.0/24");

	/* Not originated: refused, with a reason. */
	cr_assert_eq(prefix_parse("99.99.99.0/24", &p99, false), 0);
	msg[0] = '\0';
	cr_assert_eq(k1.kind->bgp_announce(&k1, &p99, false, msg, sizeof(msg)), EMU_EREFUSED);
	cr_assert_not_null(strstr(msg, "not originated"), "%s", msg);

	/* Announce the originated prefix again. */
	cr_assert_eq(k1.kind->bgp_announce(&k1, &p51, true, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert(waitfor_paths("51.51.51.0/24", 1, 10000), "51.51.51.0/24 did not come back");

	/* reset through bgp_command: the session goes and comes back. */
	cr_assert_eq(k2.kind->bgp_command(&k2, "reset", "10.0.0.1", &doc), 0);
	cJSON_Delete(doc);
	up = false;
	for (int i = 0; i < 200 && !up; i++) {
		usleep(100000);
		cr_assert_eq(k2.kind->bgp_peers(&k2, &doc), 0);
		up = strcmp(hs_field(peer_of(doc, "10.0.0.1"), "state"), "Established") == 0 &&
		    cJSON_GetNumberValue(cJSON_GetObjectItem(peer_of(doc, "10.0.0.1"), "uptime")) <
			5;
		cJSON_Delete(doc);
	}
	cr_assert(up, "the session did not come back after reset");
	cr_assert(waitfor_paths("51.51.51.0/24", 1, 10000));

	/* status in anybgpd's shape. */
	cr_assert_eq(k2.kind->bgp_command(&k2, "status", NULL, &doc), 0);
	cr_assert_str_eq(hs_field(doc, "daemon"), "bird");
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "asn")), 65002);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "peers")), 2);
	cJSON_Delete(doc);
}
