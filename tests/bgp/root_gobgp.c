/*
 * Interoperability of anybgpd with GoBGP (needs root, gobgpd and gobgp,
 * anylab and anybgpd built), on the lab tests/bgp/labs/pair.json brought up
 * with `anylab up --kind b.bgp=gobgp`: node a runs anybgpd, node b gobgpd
 * (its API on b's own loopback, docs/kinds/gobgp.md). Checked through the lab
 * (`anylab bgp NODE peers|routes|withdraw|refresh|reset`, both sides, and a's
 * kernel table): sessions over IPv4 and IPv6, routes both ways in both
 * families, a route GoBGP withdraws leaving our kernel, our ROUTE-REFRESH
 * answered (GoBGP's soft reset in never sends one), a NOTIFICATION from
 * either side and the session coming back. The gobgp kind has no verb for a
 * soft reset out or for disabling a neighbor: those run as `gobgp` commands
 * inside node b through `anylab exec`. Every test takes its lab down on every
 * path.
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
	tl_require(&T, "hig", "/usr/bin/gobgpd", "/usr/bin/gobgp", (char *)NULL);
}

static void
teardown(void)
{
	tl_cleanup(&T);
}

/* A gobgp client command in node b, on the kind's API address. */
static int
gobgp(const char *args)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "gobgp -u 127.0.0.1 -p 50051 %s", args);
	return tl_exec(&T, "b", cmd);
}

/*
 * The pair with b on GoBGP (up in the test itself, so that the teardown runs
 * whatever happens); both sessions established, as anybgpd and GoBGP report them.
 */
static void
up_established(void)
{
	tl_up(&T, "pair.json", "--kind b.bgp=gobgp");
	cr_assert(TN_WAIT(20000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "IPv4 session with GoBGP not established");
	cr_assert(TN_WAIT(20000, tl_peer_state(&T, "a", "fd00::2", "Established")),
	    "IPv6 session with GoBGP not established");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(tl_peer_state(&T, "b", "fd00::1", "Established"));
}

Test(gobgp, sessions_and_routes_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	up_established();
	/* GoBGP (graceful restart off by default) sends no End-of-RIB: a
	 * converged all the same once GoBGP's UPDATEs had settled. */
	cr_assert(tl_converged(&T, "a"), "up returned before a had converged");
	cr_assert_not(tl_peer_eor(&T, "a", "10.0.0.2", "ipv4-unicast"),
	    "GoBGP sent End-of-RIB: the settling rule is no longer what this checks");
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "2001:db8:52::/48", true, NULL) == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(
	    TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "2001:db8:52::/48", "186") == 1));
	/* Ours in GoBGP's global RIB, learned from AS 65001 (its kind's routes). */
	cr_assert(TN_WAIT(10000, tl_routes(&T, "b", "51.51.51.0/24", false, "65001") == 1),
	    "GoBGP did not learn 51.51.51.0/24");
	cr_assert(TN_WAIT(10000, tl_routes(&T, "b", "2001:db8:51::/48", false, "65001") == 1),
	    "GoBGP did not learn 2001:db8:51::/48");
	/* GoBGP withdraws its route (its kind's withdraw: gobgp global rib del). */
	cr_assert_eq(tl_bgp_do(&T, "b", "withdraw 52.52.52.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 0),
	    "a route GoBGP withdrew stayed in the kernel");
	cr_assert_eq(tl_routes(&T, "a", "52.52.52.0/24", false, NULL), 0);
}

Test(gobgp, route_refresh_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	double upd;

	up_established();
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	/*
	 * GoBGP keeps its Adj-RIB-In, so its soft reset in does not send a
	 * ROUTE-REFRESH; the other direction is covered by root_bird and root_frr.
	 * A soft reset out makes it send its table again, which we must take.
	 */
	cr_assert_eq(gobgp("neighbor 10.0.0.1 softresetout -a ipv4"), 0);
	upd = tl_peer_num(&T, "a", "10.0.0.2", "updates_in");
	cr_assert_eq(tl_bgp_do(&T, "a", "refresh 10.0.0.2"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "updates_in") > upd),
	    "GoBGP did not answer our ROUTE-REFRESH");
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "b", "10.0.0.1", "refresh_in") >= 1),
	    "GoBGP does not count our ROUTE-REFRESH");
	cr_assert(tl_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
}

Test(gobgp, notification_from_either_side, .init = setup, .fini = teardown, .timeout = 120)
{
	up_established();
	cr_assert_eq(tl_bgp_do(&T, "a", "reset 10.0.0.2"), 0);
	cr_assert(TN_WAIT(30000,
		      tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 2 &&
			  tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "session did not come back");
	/*
	 * GoBGP's "neighbor reset" keeps the peer idle for 30 s whatever its
	 * timers say; disable + enable sends the same Cease and restarts at once.
	 */
	cr_assert_eq(gobgp("neighbor 10.0.0.1 disable"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "notifications_in") >= 1),
	    "no NOTIFICATION from GoBGP");
	cr_assert(TN_WAIT(3000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 0),
	    "routes of a session that went down stayed in the kernel");
	cr_assert_not(tl_peer_state(&T, "b", "10.0.0.1", "Established"),
	    "GoBGP reports a session it disabled as established");
	cr_assert_eq(gobgp("neighbor 10.0.0.1 enable"), 0);
	cr_assert(TN_WAIT(30000,
		      tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 3 &&
			  tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "session did not come back");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(5000, tl_peer_state(&T, "b", "10.0.0.1", "Established")));
}
