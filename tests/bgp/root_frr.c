/*
 * Interoperability of anybgpd with FRR's bgpd (needs root, frr and its user
 * frr, anylab and anybgpd built), on the lab tests/bgp/labs/pair.json brought
 * up with `anylab up --kind b.bgp=frr`: node a runs anybgpd, node b FRR's
 * bgpd with zebra as user frr, its files in b's folder (docs/kinds/frr.md).
 * Checked through the lab (`anylab bgp NODE peers|routes|withdraw|refresh|
 * reset`, both sides, and both kernels): sessions over IPv4 and IPv6, routes
 * both ways in both families, a withdrawal leaving FRR's table, ROUTE-REFRESH
 * both ways, a NOTIFICATION from either side and the session coming back.
 * Every test takes its lab down on every path.
 */
#include <pwd.h>
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
	tl_require(&T, "hif", "/usr/lib/frr/bgpd", "/usr/lib/frr/zebra", (char *)NULL);
	if (getpwnam("frr") == NULL)
		cr_skip_test("no user frr");
}

static void
teardown(void)
{
	tl_cleanup(&T);
}

/* Whether FRR's BGP table (as its kind reports it) holds prefix, learned from AS 65001. */
static bool
frr_has(const char *prefix)
{
	return tl_routes(&T, "b", prefix, false, "65001") == 1;
}

/*
 * The pair with b on FRR (up in the test itself, so that the teardown runs
 * whatever happens); both sessions established, as anybgpd and FRR report them.
 */
static void
up_established(void)
{
	tl_up(&T, "pair.json", "--kind b.bgp=frr");
	cr_assert(TN_WAIT(20000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "IPv4 session with FRR not established");
	cr_assert(TN_WAIT(20000, tl_peer_state(&T, "a", "fd00::2", "Established")),
	    "IPv6 session with FRR not established");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(tl_peer_state(&T, "b", "fd00::1", "Established"));
}

Test(frr, sessions_and_routes_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	up_established();
	/* FRR sends End-of-RIB only to a peer with the graceful restart
	 * capability: ours made it send them, and `up` returned on them. */
	cr_assert(tl_converged(&T, "a"), "up returned before a had converged");
	cr_assert(tl_peer_eor(&T, "a", "10.0.0.2", "ipv4-unicast"), "no End-of-RIB from FRR");
	cr_assert(tl_peer_eor(&T, "a", "fd00::2", "ipv6-unicast"), "no IPv6 End-of-RIB from FRR");
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "2001:db8:52::/48", true, NULL) == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(
	    TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "2001:db8:52::/48", "186") == 1));
	cr_assert(TN_WAIT(10000, frr_has("51.51.51.0/24")), "FRR did not learn 51.51.51.0/24");
	cr_assert(TN_WAIT(10000, frr_has("2001:db8:51::/48")),
	    "FRR did not learn 2001:db8:51::/48");
	/* zebra put them in b's kernel (protocol bgp, 186). */
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "b"), "51.51.51.0/24", "186") == 1),
	    "FRR's zebra did not install 51.51.51.0/24");
	cr_assert_eq(tl_bgp_do(&T, "a", "withdraw 2001:db8:51::/48"), 0);
	cr_assert(TN_WAIT(10000, !frr_has("2001:db8:51::/48")), "FRR kept a withdrawn route");
	cr_assert(TN_WAIT(10000,
		      tn_kernel_nexthops(tl_ns(&T, "b"), "2001:db8:51::/48", "186") == 0),
	    "a withdrawn route stayed in FRR's kernel");
}

Test(frr, route_refresh_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	double upd;

	up_established();
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	/* FRR asks us: its kind's refresh is `clear bgp PEER soft` (in: a ROUTE-REFRESH). */
	cr_assert_eq(tl_bgp_do(&T, "b", "refresh 10.0.0.1"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "refresh_in") >= 1),
	    "anybgpd did not receive FRR's ROUTE-REFRESH");
	upd = tl_peer_num(&T, "a", "10.0.0.2", "updates_in");
	cr_assert_eq(tl_bgp_do(&T, "a", "refresh 10.0.0.2"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "updates_in") > upd),
	    "FRR did not answer our ROUTE-REFRESH");
	cr_assert(tl_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(frr_has("51.51.51.0/24"));
}

Test(frr, notification_from_either_side, .init = setup, .fini = teardown, .timeout = 120)
{
	up_established();
	cr_assert_eq(tl_bgp_do(&T, "a", "reset 10.0.0.2"), 0);
	cr_assert(TN_WAIT(30000,
		      tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 2 &&
			  tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "session did not come back");
	/* FRR's: its kind's reset is `clear bgp PEER`, a Cease. */
	cr_assert_eq(tl_bgp_do(&T, "b", "reset 10.0.0.1"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "notifications_in") >= 1),
	    "no NOTIFICATION from FRR");
	cr_assert(TN_WAIT(30000,
		      tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 3 &&
			  tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "session did not come back");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(10000, frr_has("51.51.51.0/24")));
	cr_assert(TN_WAIT(5000, tl_peer_state(&T, "b", "10.0.0.1", "Established")));
}
