/*
 * Interoperability of anybgpd with FRR's bgpd in network namespaces (needs
 * root and frr). FRR refuses to run as root: bgpd runs as user frr without
 * zebra (-Z), its state in the test directory; vtysh talks to it through its
 * vty socket. Checked: sessions over IPv4 and IPv6, routes both ways in both
 * families, ROUTE-REFRESH both ways, a NOTIFICATION from either side and the
 * session coming back.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_netns.h"

#define FRR_BGPD "/usr/lib/frr/bgpd"

static struct tnet T;
static const char *NA, *NB;

static void
need(void)
{
	const char *why;

	if (!tn_can_run(&why))
		cr_skip_test("%s", why);
	if (tn_which(FRR_BGPD) == NULL || tn_which("vtysh") == NULL)
		cr_skip_test("FRR (bgpd, vtysh) is not installed");
	if (getpwnam("frr") == NULL)
		cr_skip_test("no user frr");
}

static char *
vtysh(const char *cmd)
{
	return tn_out("ip netns exec %s vtysh --vty_socket %s -c '%s' 2>/dev/null", NB, T.dir, cmd);
}

/* Whether FRR's BGP table for the family holds prefix. */
static bool
frr_has(const char *afi, const char *prefix)
{
	char cmd[128];
	char *out;
	cJSON *j;
	bool r = false;

	snprintf(cmd, sizeof(cmd), "show bgp %s unicast json", afi);
	out = vtysh(cmd);
	if (out == NULL)
		return false;
	j = cJSON_Parse(out);
	free(out);
	if (j) {
		const cJSON *routes = cJSON_GetObjectItem(j, "routes");

		r = cJSON_GetObjectItem(routes, prefix) != NULL;
		cJSON_Delete(j);
	}
	return r;
}

static void
setup(void)
{
	const char *argv[] = { FRR_BGPD, "-f", NULL, "-i", NULL, "--vty_socket", NULL, "-u", "frr",
		"-g", "frr", "-Z", "--log", "stdout", NULL };
	char conf[256], pidf[256];

	need();
	tn_pair(&T, "bf", &NA, &NB);
	tn_write(&T, "a.json",
	    "{ \"asn\": 65001, \"router_id\": \"10.0.0.1\", \"hold_time\": 9,\n"
	    "  \"originate\": [\"51.51.51.0/24\", \"2001:db8:51::/48\"],\n"
	    "  \"peers\": [\n"
	    "    { \"address\": \"10.0.0.2\", \"asn\": 65002, \"families\": [\"ipv4\"],\n"
	    "      \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\" },\n"
	    "    { \"address\": \"fd00::2\", \"asn\": 65002, \"families\": [\"ipv6\"],\n"
	    "      \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\" } ] }\n");
	tn_write(&T, "bgpd.conf",
	    "frr defaults traditional\n"
	    "hostname b\n"
	    "router bgp 65002\n"
	    " bgp router-id 10.0.0.2\n"
	    " no bgp ebgp-requires-policy\n"
	    " no bgp network import-check\n"
	    " timers bgp 3 9\n"
	    " neighbor 10.0.0.1 remote-as 65001\n"
	    " neighbor 10.0.0.1 timers connect 2\n"
	    " neighbor fd00::1 remote-as 65001\n"
	    " neighbor fd00::1 timers connect 2\n"
	    " address-family ipv4 unicast\n"
	    "  network 52.52.52.0/24\n"
	    "  no neighbor fd00::1 activate\n"
	    " exit-address-family\n"
	    " address-family ipv6 unicast\n"
	    "  network 2001:db8:52::/48\n"
	    "  neighbor fd00::1 activate\n"
	    " exit-address-family\n");
	tn_sh("chown -R frr:frr %s", T.dir);
	/* Own copies: tn_path's buffers are reused; on the stack, nothing to free. */
	snprintf(conf, sizeof(conf), "%s", tn_path(&T, "bgpd.conf"));
	snprintf(pidf, sizeof(pidf), "%s", tn_path(&T, "bgpd.pid"));
	argv[2] = conf;
	argv[4] = pidf;
	argv[6] = T.dir;
	cr_assert_gt(tn_spawn(&T, NB, tn_path(&T, "frr.log"), NULL, argv), 0);
	usleep(300000);
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
	tn_pair_established(&T, 20000, "FRR");
}

Test(frr, sessions_and_routes_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	wait_established();
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "2001:db8:52::/48", true) == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "2001:db8:52::/48", "186") == 1));
	cr_assert(TN_WAIT(10000, frr_has("ipv4", "51.51.51.0/24")),
	    "FRR did not learn 51.51.51.0/24");
	cr_assert(TN_WAIT(10000, frr_has("ipv6", "2001:db8:51::/48")),
	    "FRR did not learn 2001:db8:51::/48");
	cJSON_Delete(tn_ctl(&T, "a", "withdraw 2001:db8:51::/48"));
	cr_assert(TN_WAIT(10000, !frr_has("ipv6", "2001:db8:51::/48")),
	    "FRR kept a withdrawn route");
}

Test(frr, route_refresh_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	double upd;

	wait_established();
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	free(vtysh("clear bgp ipv4 unicast 10.0.0.1 soft in"));
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "refresh_in") >= 1),
	    "anybgpd did not receive FRR's ROUTE-REFRESH");
	upd = tn_peer_num(&T, "a", "10.0.0.2", "updates_in");
	cJSON_Delete(tn_ctl(&T, "a", "refresh 10.0.0.2"));
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "updates_in") > upd),
	    "FRR did not answer our ROUTE-REFRESH");
	cr_assert(tn_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert(frr_has("ipv4", "51.51.51.0/24"));
}

Test(frr, notification_from_either_side, .init = setup, .fini = teardown, .timeout = 120)
{
	wait_established();
	cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
	cr_assert(TN_WAIT(30000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 2 &&
	    tn_peer_state(&T, "a", "10.0.0.2", "Established")), "session did not come back");
	free(vtysh("clear bgp 10.0.0.1"));
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "notifications_in") >= 1),
	    "no NOTIFICATION from FRR");
	cr_assert(TN_WAIT(30000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 3 &&
	    tn_peer_state(&T, "a", "10.0.0.2", "Established")), "session did not come back");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(10000, frr_has("ipv4", "51.51.51.0/24")));
}
