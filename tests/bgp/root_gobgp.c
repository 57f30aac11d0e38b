/*
 * Interoperability of anybgpd with GoBGP in network namespaces (needs root,
 * gobgpd and gobgp). GoBGP's API listens on the namespace's own loopback;
 * the gobgp client runs in the same namespace. Checked: sessions over IPv4
 * and IPv6, routes both ways in both families, our ROUTE-REFRESH answered
 * (GoBGP's soft reset in never sends one), a NOTIFICATION from either side and the session coming back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_netns.h"

static struct tnet T;
static const char *NA, *NB;

static void
need(void)
{
	const char *why;

	if (!tn_can_run(&why))
		cr_skip_test("%s", why);
	if (tn_which("gobgpd") == NULL || tn_which("gobgp") == NULL)
		cr_skip_test("GoBGP (gobgpd, gobgp) is not installed");
}

static int
gobgp(const char *args)
{
	return tn_sh("ip netns exec %s gobgp %s >/dev/null 2>&1", NB, args);
}

/* Whether GoBGP's global RIB for the family holds prefix. */
static bool
gobgp_has(const char *family, const char *prefix)
{
	char *out = tn_out("ip netns exec %s gobgp global rib -a %s %s 2>/dev/null", NB, family,
	    prefix);
	bool r = out && strstr(out, prefix) != NULL && strstr(out, "65001") != NULL;

	free(out);
	return r;
}

static void
setup(void)
{
	const char *argv[] = { NULL, "-f", NULL, "-p", "--api-hosts", "127.0.0.1:50051", NULL };
	char conf[256];

	need();
	tn_pair(&T, "bg", &NA, &NB);
	tn_write(&T, "a.json",
	    "{ \"asn\": 65001, \"router_id\": \"10.0.0.1\", \"hold_time\": 9,\n"
	    "  \"originate\": [\"51.51.51.0/24\", \"2001:db8:51::/48\"],\n"
	    "  \"peers\": [\n"
	    "    { \"address\": \"10.0.0.2\", \"asn\": 65002, \"families\": [\"ipv4\"],\n"
	    "      \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\" },\n"
	    "    { \"address\": \"fd00::2\", \"asn\": 65002, \"families\": [\"ipv6\"],\n"
	    "      \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\" } ] }\n");
	tn_write(&T, "gobgpd.toml",
	    "[global.config]\n"
	    "  as = 65002\n"
	    "  router-id = \"10.0.0.2\"\n"
	    "[[neighbors]]\n"
	    "  [neighbors.config]\n"
	    "    neighbor-address = \"10.0.0.1\"\n"
	    "    peer-as = 65001\n"
	    "  [neighbors.timers.config]\n"
	    "    hold-time = 9\n"
	    "    keepalive-interval = 3\n"
	    "    connect-retry = 2\n"
	    "    idle-hold-time-after-reset = 1\n"
	    "  [[neighbors.afi-safis]]\n"
	    "    [neighbors.afi-safis.config]\n"
	    "      afi-safi-name = \"ipv4-unicast\"\n"
	    "[[neighbors]]\n"
	    "  [neighbors.config]\n"
	    "    neighbor-address = \"fd00::1\"\n"
	    "    peer-as = 65001\n"
	    "  [neighbors.timers.config]\n"
	    "    hold-time = 9\n"
	    "    keepalive-interval = 3\n"
	    "    connect-retry = 2\n"
	    "    idle-hold-time-after-reset = 1\n"
	    "  [[neighbors.afi-safis]]\n"
	    "    [neighbors.afi-safis.config]\n"
	    "      afi-safi-name = \"ipv6-unicast\"\n");
	argv[0] = tn_which("gobgpd");
	/* Own copy: tn_path's buffers are reused; on the stack, nothing to free. */
	snprintf(conf, sizeof(conf), "%s", tn_path(&T, "gobgpd.toml"));
	argv[2] = conf;
	cr_assert_gt(tn_spawn(&T, NB, tn_path(&T, "gobgpd.log"), NULL, argv), 0);
	cr_assert(TN_WAIT(10000, gobgp("global") == 0), "gobgpd API not answering");
	cr_assert_eq(gobgp("global rib add 52.52.52.0/24 -a ipv4"), 0);
	cr_assert_eq(gobgp("global rib add 2001:db8:52::/48 -a ipv6"), 0);
	cr_assert_gt(tn_anybgpd_start(&T, NA, "a"), 0);
}

static void
teardown(void)
{
	tn_cleanup(&T);
}

static void
wait_established(void)
{
	tn_pair_established(&T, 20000, "GoBGP");
}

Test(gobgp, sessions_and_routes_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	wait_established();
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "2001:db8:52::/48", true) == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "2001:db8:52::/48", "186") == 1));
	cr_assert(TN_WAIT(10000, gobgp_has("ipv4", "51.51.51.0/24")),
	    "GoBGP did not learn 51.51.51.0/24");
	cr_assert(TN_WAIT(10000, gobgp_has("ipv6", "2001:db8:51::/48")),
	    "GoBGP did not learn 2001:db8:51::/48");
	cr_assert_eq(gobgp("global rib del 52.52.52.0/24 -a ipv4"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 0),
	    "a route GoBGP withdrew stayed in the kernel");
}

Test(gobgp, route_refresh_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	double upd;

	wait_established();
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	/*
	 * GoBGP keeps its Adj-RIB-In, so its soft reset in does not send a
	 * ROUTE-REFRESH; the other direction is covered by root_bird and root_frr.
	 * A soft reset out makes it send its table again, which we must take.
	 */
	cr_assert_eq(gobgp("neighbor 10.0.0.1 softresetout -a ipv4"), 0);
	upd = tn_peer_num(&T, "a", "10.0.0.2", "updates_in");
	cJSON_Delete(tn_ctl(&T, "a", "refresh 10.0.0.2"));
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "updates_in") > upd),
	    "GoBGP did not answer our ROUTE-REFRESH");
	cr_assert(tn_peer_state(&T, "a", "10.0.0.2", "Established"));
}

Test(gobgp, notification_from_either_side, .init = setup, .fini = teardown, .timeout = 120)
{
	wait_established();
	cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
	cr_assert(TN_WAIT(30000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 2 &&
	    tn_peer_state(&T, "a", "10.0.0.2", "Established")), "session did not come back");
	/*
	 * GoBGP's "neighbor reset" keeps the peer idle for 30 s whatever its
	 * timers say; disable + enable sends the same Cease and restarts at once.
	 */
	cr_assert_eq(gobgp("neighbor 10.0.0.1 disable"), 0);
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "notifications_in") >= 1),
	    "no NOTIFICATION from GoBGP");
	cr_assert(TN_WAIT(3000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 0),
	    "routes of a session that went down stayed in the kernel");
	cr_assert_eq(gobgp("neighbor 10.0.0.1 enable"), 0);
	cr_assert(TN_WAIT(30000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 3 &&
	    tn_peer_state(&T, "a", "10.0.0.2", "Established")), "session did not come back");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 1));
}
