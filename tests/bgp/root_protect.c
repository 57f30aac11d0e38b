/*
 * anybgpd's session protections and route-server mode, anybgpd on every node
 * (needs root, anylab and anybgpd built), on labs of tests/bgp/labs/ brought
 * up with `anylab up`:
 * - GTSM (RFC 5082, gtsm.json): a session with a directly connected peer and
 *   GTSM on both sides comes up; the same with a peer two hops away (through
 *   a forwarding router) never does: with GTSM on both sides c's kernel drops
 *   every SYN and SYN-ACK (TcpExtTCPMinTTLDrop); with GTSM on a's side only,
 *   a refuses c's connections by their SYN's TTL (gtsm_refused, its listener
 *   serving a peer without GTSM too) and a's kernel drops c's SYN-ACKs;
 *   without GTSM on that session it comes up.
 * - TCP MD5 (RFC 2385, pair.json): the same key on both sides, session up;
 *   different keys, never up while the session without a key is.
 * - Route server (RFC 7947, route-server.json): a's route reaches c through
 *   the route server with a's next hop and AS path unchanged (no 65515), into
 *   c's kernel; the server installs nothing; internal clients pass routes to
 *   each other through it.
 * Every test takes its lab down on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_lab.h"
#include "bgp/helper_netns.h"

static struct tlab T;

static void
setup(void)
{
	tl_require(&T, "hpr", "/bin/sh", (char *)NULL);
}

static void
teardown(void)
{
	tl_cleanup(&T);
}

/* The node's peer object (by address) from `peers`, duplicated (caller deletes). */
static cJSON *
peer(const char *node, const char *addr)
{
	cJSON *doc = tl_bgp(&T, node, "peers"), *p, *found = NULL;

	if (doc == NULL)
		return NULL;
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers")) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(p, "address"));

		if (a && strcmp(a, addr) == 0)
			found = cJSON_Duplicate(p, true);
	}
	cJSON_Delete(doc);
	return found;
}

/* TcpExt TCPMinTTLDrop of the node's namespace: SYNs its kernel dropped for GTSM. */
static long
minttl_drops(const char *node)
{
	char *out = tn_out("ip netns exec %s awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; "
			   "i++) n[i] = $i; h = 1 } else for (i = 1; i <= NF; i++) if (n[i] == "
			   "\"TCPMinTTLDrop\") print $i }' /proc/net/netstat",
	    tl_ns(&T, node));
	long v = out && *out ? strtol(out, NULL, 10) : -1;

	free(out);
	return v;
}

/* The session a-c: a's peers[1] and c's peers[0]. */
static cJSON *
lab_peer(cJSON *doc, const char *node, int i)
{
	cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "nodes"), node);
	cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(n, "bgp"), "peers"),
	    i);

	cr_assert_not_null(p);
	return p;
}

/* gtsm.json with GTSM on a's side of a-c (a_gtsm) and on c's (c_gtsm). */
static void
up_gtsm(bool a_gtsm, bool c_gtsm)
{
	cJSON *doc = tl_fixture("gtsm.json");

	if (!a_gtsm)
		cJSON_DeleteItemFromObject(lab_peer(doc, "a", 1), "ttl_security");
	if (!c_gtsm)
		cJSON_DeleteItemFromObject(lab_peer(doc, "c", 0), "ttl_security");
	/* a's peer 10.0.0.9 never comes: not waiting for a convergence that cannot come. */
	tl_up_doc(&T, doc, "--no-wait");
	cJSON_Delete(doc);
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "no GTSM session with the directly connected peer");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
}

/* Neither a nor c ever had the session up. */
static void
a_c_never_up(void)
{
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.2.3", "established_count"), 0,
	    "a session with GTSM came up two hops away");
	cr_assert_eq(tl_peer_num(&T, "c", "10.0.1.1", "established_count"), 0);
}

Test(protect, gtsm_direct_up_two_hops_refused, .init = setup, .fini = teardown, .timeout = 60)
{
	cJSON *p;
	long drops = -1;

	up_gtsm(true, true);
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	p = peer("a", "10.0.0.2");
	cr_assert_not_null(p);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(p, "ttl_security")));
	cJSON_Delete(p);
	/*
	 * Both sides connect every second. c's listener holds the minimum TTL
	 * (its only peer has GTSM): its kernel drops a's SYNs (TTL 254 after r),
	 * and its connecting socket drops the SYN-ACKs a's listener sends back.
	 */
	cr_assert(TN_WAIT(15000, (drops = minttl_drops("c")) >= 4),
	    "c's kernel dropped too few segments below the minimum TTL (%ld)", drops);
	a_c_never_up();
	cr_assert_not(tl_peer_state(&T, "c", "10.0.1.1", "Established"));
}

Test(protect, gtsm_one_side_refuses_by_syn_ttl, .init = setup, .fini = teardown, .timeout = 60)
{
	long drops = -1;

	/*
	 * GTSM on a's side only. a's listener also serves a peer without GTSM
	 * (10.0.0.9), so it keeps each SYN and anybgpd refuses c's connections
	 * whose SYN came with TTL 63; a's own connections get c's SYN-ACK
	 * (TTL 63 too), which a's kernel drops.
	 */
	up_gtsm(true, false);
	cr_assert(TN_WAIT(15000, tl_peer_num(&T, "a", "10.0.2.3", "gtsm_refused") >= 2),
	    "a never refused c's connection by its SYN's TTL");
	cr_assert(TN_WAIT(15000, (drops = minttl_drops("a")) >= 2),
	    "a's kernel dropped no SYN-ACK below the minimum TTL (%ld)", drops);
	a_c_never_up();
}

Test(protect, two_hops_without_gtsm_up, .init = setup, .fini = teardown, .timeout = 60)
{
	up_gtsm(false, false);
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.2.3", "Established")),
	    "the two-hop session without GTSM did not come up: the lab, not GTSM, refuses it");
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "53.53.53.0/24", true, NULL) == 1));
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.2.3", "gtsm_refused"), 0);
}

/* pair.json, both sides anybgpd, with keys on the IPv4 session (peers[0] of a and b). */
static void
up_md5(const char *a_key, const char *b_key, const char *opts)
{
	cJSON *doc = tl_fixture("pair.json");
	cJSON *nodes = cJSON_GetObjectItem(doc, "nodes");
	const char *keys[2] = { a_key, b_key }, *names[2] = { "a", "b" };

	for (int i = 0; i < 2; i++) {
		cJSON *bgp = cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, names[i]), "bgp");
		cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(bgp, "peers"), 0);

		cr_assert_not_null(p0);
		cJSON_AddStringToObject(p0, "password", keys[i]);
	}
	tl_up_doc(&T, doc, opts);
	cJSON_Delete(doc);
}

Test(protect, md5_same_key_up, .init = setup, .fini = teardown, .timeout = 60)
{
	up_md5("s3cret-key", "s3cret-key", "");
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "no session with matching TCP MD5 keys");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
}

Test(protect, md5_wrong_key_refused, .init = setup, .fini = teardown, .timeout = 60)
{
	up_md5("s3cret-key", "other-key", "--no-wait");
	/* The IPv6 session (no key on either side) comes up: the daemons work. */
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "fd00::2", "Established")));
	sleep(4);
	cr_assert_not(tl_peer_state(&T, "a", "10.0.0.2", "Established"),
	    "a session with mismatched TCP MD5 keys came up");
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "established_count"), 0);
	cr_assert_eq(tl_peer_num(&T, "b", "10.0.0.1", "established_count"), 0);
}

/* The one path node holds for prefix, duplicated (caller deletes); NULL when not one. */
static cJSON *
one_route(const char *node, const char *prefix)
{
	char args[96];
	cJSON *doc, *r;

	snprintf(args, sizeof(args), "routes %s", prefix);
	doc = tl_bgp(&T, node, args);
	if (doc == NULL || cJSON_GetArraySize(cJSON_GetObjectItem(doc, "routes")) != 1) {
		cJSON_Delete(doc);
		return NULL;
	}
	r = cJSON_Duplicate(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), 0), true);
	cJSON_Delete(doc);
	return r;
}

static bool
route_is(const char *node, const char *prefix, const char *next_hop, const char *as_path)
{
	cJSON *r = one_route(node, prefix);
	const char *nh, *ap;
	bool ok;

	if (r == NULL)
		return false;
	nh = cJSON_GetStringValue(cJSON_GetObjectItem(r, "next_hop"));
	ap = cJSON_GetStringValue(cJSON_GetObjectItem(r, "as_path"));
	ok = nh && ap && strcmp(nh, next_hop) == 0 && strcmp(ap, as_path) == 0;
	if (!ok)
		cr_log_info("%s %s: next hop %s, AS path \"%s\"", node, prefix, nh ? nh : "-",
		    ap ? ap : "-");
	cJSON_Delete(r);
	return ok;
}

Test(protect, route_server_passes_routes_unchanged, .init = setup, .fini = teardown, .timeout = 60)
{
	cJSON *p;
	char *out;

	tl_up(&T, "route-server.json", "");
	/* a's route at c: a's next hop, a's AS alone. */
	cr_assert(TN_WAIT(10000, route_is("c", "51.51.51.0/24", "10.0.5.1", "65001")),
	    "c did not get a's route with next hop 10.0.5.1 and AS path 65001");
	cr_assert(TN_WAIT(10000, route_is("a", "53.53.53.0/24", "10.0.5.3", "65003")));
	out = tn_out("ip -n %s route show 51.51.51.0/24", tl_ns(&T, "c"));
	cr_assert(out && strstr(out, "via 10.0.5.1"), "c's kernel route: %s", out ? out : "");
	free(out);
	/* Internal clients through the server (no iBGP split horizon between clients). */
	cr_assert(TN_WAIT(10000, route_is("i2", "61.61.61.0/24", "10.0.5.11", "")),
	    "i2 did not get i1's route through the route server");
	cr_assert(TN_WAIT(10000, route_is("c", "61.61.61.0/24", "10.0.5.11", "")),
	    "c did not get i1's route with i1's next hop and an empty AS path");
	/* The server holds the routes but installs none (kernel.install false). */
	cr_assert_eq(tl_routes(&T, "rs", "51.51.51.0/24", true, NULL), 1);
	cr_assert_eq(tn_kernel_nexthops(tl_ns(&T, "rs"), "51.51.51.0/24", "186"), 0);
	p = peer("rs", "10.0.5.3");
	cr_assert_not_null(p);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(p, "route_server_client")));
	cJSON_Delete(p);
	p = peer("c", "10.0.5.254");
	cr_assert_not_null(p);
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(p, "enforce_first_as")));
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "treat_as_withdraw")), 0);
	cJSON_Delete(p);
}
