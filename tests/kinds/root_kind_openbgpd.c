/*
 * Kind "openbgpd" for real (root; skips without root or OpenBGPD): two
 * bgpd 7.7 started from the kind's own configure and procs in namespaces
 * hgo<pid>-a and hgo<pid>-b (named as a lab names them, so bgpctl runs
 * where the lab would run it), peering over IPv4 and IPv6. Checked through
 * the kind's ops only: ready (bgpctl answers on the node's socket), peers
 * in anybgpd's shape, routes both ways in both families, b's import policy
 * (LOCAL_PREF, community, a rejected prefix), RFC 8212 (no "export" on an
 * external session: nothing sent), announce and withdraw, the refusal of a
 * withdrawal of a prefix never originated, a peer going away seen with its
 * NOTIFICATION; and that the privilege drop left the host's /etc/passwd
 * and /run alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "kinds/helper_bgpkind.h"

extern const struct kind_ops kind_openbgpd;

static char lab[32], dir[128];
static struct bk_node A, B;
static cJSON *secA, *secB;

static const char *const sec_a =
    "{ \"kind\": \"openbgpd\", \"asn\": 65001, \"router_id\": \"10.0.0.1\", \"hold_time\": 9,\n"
    "  \"connect_retry\": 2, \"originate\": [\"51.51.51.0/24\", \"2001:db8:51::/48\"],\n"
    "  \"peers\": [\n"
    "    { \"address\": \"10.0.0.2\", \"asn\": 65002,\n"
    "      \"import\": \"all\", \"export\": \"all\", \"description\": \"b over IPv4\" },\n"
    "    { \"address\": \"fd00::2\", \"asn\": 65002, \"families\": [\"ipv6\"],\n"
    "      \"import\": \"all\", \"export\": \"all\" },\n"
    "    { \"address\": \"10.0.0.3\", \"asn\": 65003, \"passive\": true } ] }";

static const char *const sec_b =
    "{ \"kind\": \"openbgpd\", \"asn\": 65002, \"router_id\": \"10.0.0.2\", \"hold_time\": 9,\n"
    "  \"connect_retry\": 2, \"originate\": [\"52.52.52.0/24\", \"2001:db8:52::/48\"],\n"
    "  \"policies\": { \"IN\": { \"prefixes\": [ \"51.51.51.0/24\",\n"
    "      { \"prefix\": \"53.0.0.0/8\", \"ge\": 24, \"le\": 24, \"action\": \"reject\" } ],\n"
    "    \"default\": \"accept\", \"local_pref\": 200, \"communities\": [\"65002:7\"] } },\n"
    "  \"peers\": [\n"
    "    { \"address\": \"10.0.0.1\", \"asn\": 65001,\n"
    "      \"import\": \"IN\", \"export\": \"all\" },\n"
    "    { \"address\": \"fd00::1\", \"asn\": 65001, \"families\": [\"ipv6\"],\n"
    "      \"import\": \"all\" } ] }";

static char *passwd_before;
static bool run_openbgpd_existed;

static const char *
passwd_now(void)
{
	static char *now;

	free(now);
	now = bk_read("/etc/passwd");
	return now ? now : "";
}

static void
setup(void)
{
	char da[200], db[200];

	passwd_before = bk_read("/etc/passwd");
	run_openbgpd_existed = access("/run/openbgpd", F_OK) == 0;

	bk_require(&kind_openbgpd);
	snprintf(lab, sizeof(lab), "hgo%d", (int)(getpid() % 100000));
	bk_pair_up(lab, dir, sizeof(dir));
	snprintf(da, sizeof(da), "%s/a", dir);
	snprintf(db, sizeof(db), "%s/b", dir);
	secA = cJSON_Parse(sec_a);
	secB = cJSON_Parse(sec_b);
	cr_assert(secA && secB);
	bk_node_init(&A, &kind_openbgpd, lab, "a", secA, da);
	bk_node_init(&B, &kind_openbgpd, lab, "b", secB, db);
	bk_start(&A);
	bk_start(&B);
	cr_assert(BK_WAIT(15000, kind_openbgpd.ready(&A.k) == 0), "a: bgpctl never answered");
	cr_assert(BK_WAIT(15000, kind_openbgpd.ready(&B.k) == 0), "b: bgpctl never answered");
}

static void
teardown(void)
{
	bk_pair_down();
	cJSON_Delete(secA);
	cJSON_Delete(secB);
	free(passwd_before);
}

static void
established(void)
{
	cr_assert(BK_WAIT(30000,
		      strcmp(bk_peer_state(&A, "10.0.0.2"), "Established") == 0 &&
			  strcmp(bk_peer_state(&A, "fd00::2"), "Established") == 0),
	    "sessions a-b not established: %s / %s", bk_peer_state(&A, "10.0.0.2"),
	    bk_peer_state(&A, "fd00::2"));
}

static const cJSON *
route(cJSON *doc, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "routes"), i);
}

Test(kind_openbgpd_root, peers_routes_policy_announce_withdraw, .init = setup, .fini = teardown,
    .timeout = 120)
{
	struct kind_bgp_progress pr;
	struct prefix p53, p54;
	char msg[KIND_MSG_MAX] = "";
	const cJSON *peer;
	cJSON *doc;

	established();
	peer = bk_peer(&A, "10.0.0.2", &doc);
	cr_assert_not_null(peer);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(peer, "asn")), 65002);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(peer, "description")),
	    "b over IPv4");
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(peer, "hold_time")), 9);
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(peer, "local_address")),
	    "10.0.0.1");
	cJSON_Delete(doc);
	peer = bk_peer(&A, "10.0.0.3", &doc);
	cr_assert_not_null(peer);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(peer, "passive")));
	cr_assert_str_neq(cJSON_GetStringValue(cJSON_GetObjectItem(peer, "state")), "Established");
	cJSON_Delete(doc);
	cr_assert_eq(kind_openbgpd.bgp_progress(&A.k, &pr), 0);
	cr_assert_eq(pr.peers, 3);
	cr_assert_eq(pr.established, 2);

	/* both ways, both families; b's import policy set LOCAL_PREF and its community */
	cr_assert(BK_WAIT(10000, bk_paths(&A, "52.52.52.0/24", "10.0.0.2") == 1));
	cr_assert(BK_WAIT(10000, bk_paths(&B, "51.51.51.0/24", "10.0.0.1") == 1));
	cr_assert(BK_WAIT(10000, bk_paths(&B, "2001:db8:51::/48", "fd00::1") == 1));
	cr_assert_eq(kind_openbgpd.bgp_routes(&B.k, "51.51.51.0/24", &doc), 0);
	cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(route(doc, 0), "local_pref")), 200);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(route(doc, 0), "communities"), 0)
			     ->valuestring,
	    "65002:7");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(route(doc, 0), "as_path")),
	    "65001");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(route(doc, 0), "next_hop")),
	    "10.0.0.1");
	cJSON_Delete(doc);
	cr_assert_eq(bk_paths(&A, "52.52.52.0/24", "local"), 0);
	cr_assert_eq(bk_paths(&A, "51.51.51.0/24", "local"), 1);

	/* announce: 53.53.53.0/24 is rejected by b's policy, 54.54.54.0/24 passes */
	prefix_parse("53.53.53.0/24", &p53, false);
	prefix_parse("54.54.54.0/24", &p54, false);
	cr_assert_eq(kind_openbgpd.bgp_announce(&A.k, &p53, true, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_eq(kind_openbgpd.bgp_announce(&A.k, &p54, true, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert(BK_WAIT(10000, bk_paths(&B, "54.54.54.0/24", "10.0.0.1") == 1));
	cr_assert_eq(bk_paths(&B, "53.53.53.0/24", NULL), 0, "b's policy let 53.53.53.0/24 in");
	cr_assert_eq(bk_paths(&A, "53.53.53.0/24", "local"), 1);
	cr_assert_eq(kind_openbgpd.bgp_announce(&A.k, &p54, false, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert(BK_WAIT(10000, bk_paths(&B, "54.54.54.0/24", NULL) == 0),
	    "b kept a route a withdrew");
	cr_assert_eq(kind_openbgpd.bgp_announce(&A.k, &p54, false, msg, sizeof(msg)), EMU_EREFUSED);
	cr_assert_str_eq(msg, "54.54.54.0/24 is not originated");
	/*
	 * b exports nothing to fd00::1 (no "export" on an external session:
	 * RFC 8212), and no IPv6 route over its IPv4 session (no next hop for
	 * it, as anybgpd), though both sessions negotiate both families
	 */
	cr_assert_eq(bk_paths(&A, "2001:db8:52::/48", NULL), 0);
	cr_assert_eq(bk_paths(&B, "2001:db8:51::/48", "10.0.0.1"), 0);
}

Test(kind_openbgpd_root, peer_going_away_and_host_untouched, .init = setup, .fini = teardown,
    .timeout = 120)
{
	const cJSON *peer;
	cJSON *doc;

	established();
	cr_assert(BK_WAIT(10000, bk_paths(&B, "51.51.51.0/24", "10.0.0.1") == 1));
	bk_stop(&B);
	cr_assert(BK_WAIT(15000, strcmp(bk_peer_state(&A, "10.0.0.2"), "Established") != 0),
	    "a still has b established");
	cr_assert(BK_WAIT(5000, bk_paths(&A, "52.52.52.0/24", NULL) == 0));
	peer = bk_peer(&A, "10.0.0.2", &doc);
	cr_assert_not_null(peer);
	cr_assert(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(peer, "last_error")),
		      "NOTIFICATION received") != NULL,
	    "last_error: %s", cJSON_GetStringValue(cJSON_GetObjectItem(peer, "last_error")));
	cJSON_Delete(doc);
	bk_start_procs(&B);
	cr_assert(BK_WAIT(15000, kind_openbgpd.ready(&B.k) == 0));
	cr_assert(BK_WAIT(60000, bk_paths(&A, "52.52.52.0/24", "10.0.0.2") == 1),
	    "the session did not come back");
	cr_assert_str_eq(passwd_before, passwd_now(), "the host's /etc/passwd changed");
	cr_assert_eq(run_openbgpd_existed, access("/run/openbgpd", F_OK) == 0,
	    "/run/openbgpd appeared or went away");
}
