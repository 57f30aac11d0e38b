/*
 * Lab A with anybgpd on every speaker (needs root): the gateway (AS 8075)
 * and DC001/DC002 (AS 65511) on one LAN segment (a bridge in its own switch
 * namespace, as the lab builds it). Checked: one kernel route to
 * 51.51.51.0/24 with both DCs as next hops, reached without any fixed delay
 * after the daemons start; a DC's adapter disabled (its session drops at
 * once on the DC, the gateway's hold timer removes the next hop) and
 * enabled again; withdrawing and announcing the custom route; SIGTERM
 * (Cease to the peers, kernel routes removed); RFC 8212 on a peer without
 * policy.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_netns.h"

static struct tnet T;
static const char *GW, *D1, *D2, *SW;
static pid_t pgw, pd1, pd2;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
write_configs(bool gw_policy_for_dc2)
{
	tn_write(&T, "gateway.json",
	    "{ \"asn\": 8075, \"router_id\": \"10.10.10.254\", \"hold_time\": 9, \"keepalive\": 3,\n"
	    "  \"multipath\": { \"max_paths\": 2 },\n"
	    "  \"peers\": [\n"
	    "    { \"address\": \"10.10.10.1\", \"asn\": 65511, \"import\": \"all\", \"export\": \"all\" },\n"
	    "    { \"address\": \"10.10.10.2\", \"asn\": 65511%s } ] }\n",
	    gw_policy_for_dc2 ? ", \"import\": \"all\", \"export\": \"all\"" : "");
	for (int i = 1; i <= 2; i++) {
		char f[32];

		snprintf(f, sizeof(f), "dc%d.json", i);
		tn_write(&T, f,
		    "{ \"asn\": 65511, \"router_id\": \"10.10.10.%d\", \"hold_time\": 9,\n"
		    "  \"keepalive\": 3, \"originate\": [\"51.51.51.0/24\"],\n"
		    "  \"peers\": [ { \"address\": \"10.10.10.254\", \"asn\": 8075,\n"
		    "      \"import\": \"all\", \"export\": \"all\" } ] }\n",
		    i);
	}
}

static void
build(void)
{
	const char *why;

	if (!tn_can_run(&why))
		cr_skip_test("%s", why);
	cr_assert_eq(tn_init(&T, "ba"), 0);
	GW = tn_ns(&T, "gw");
	D1 = tn_ns(&T, "dc1");
	D2 = tn_ns(&T, "dc2");
	SW = tn_ns(&T, "sw");
	cr_assert(GW && D1 && D2 && SW);
	cr_assert_eq(tn_sh("ip -n %s link add br0 type bridge && ip -n %s link set br0 up", SW, SW),
	    0);
	cr_assert_eq(tn_veth(&T, GW, "eth1", SW, "p0"), 0);
	cr_assert_eq(tn_veth(&T, D1, "eth0", SW, "p1"), 0);
	cr_assert_eq(tn_veth(&T, D2, "eth0", SW, "p2"), 0);
	for (int i = 0; i < 3; i++)
		tn_sh("ip -n %s link set p%d master br0", SW, i);
	tn_addr(GW, "eth1", "10.10.10.254/24");
	tn_addr(D1, "eth0", "10.10.10.1/24");
	tn_addr(D2, "eth0", "10.10.10.2/24");
	tn_addr(D1, "lo", "51.51.51.51/32");
	tn_addr(D2, "lo", "51.51.51.51/32");
}

static void
start_all(void)
{
	pd1 = tn_anybgpd_start(&T, D1, "dc1");
	pd2 = tn_anybgpd_start(&T, D2, "dc2");
	pgw = tn_anybgpd_start(&T, GW, "gateway");
	cr_assert(pd1 > 0 && pd2 > 0 && pgw > 0);
}

static void
setup(void)
{
	build();
	write_configs(true);
	start_all();
}

static void
teardown(void)
{
	tn_cleanup(&T);
}

static int
nexthops(void)
{
	return tn_kernel_nexthops(GW, "51.51.51.0/24", "186");
}

Test(laba, start_to_multipath_route_without_delay, .fini = teardown, .timeout = 60)
{
	double t0, t_sess = -1, t_first = -1, t_both = -1;

	build();
	write_configs(true);
	/* The DCs first (their connects fail), then the gateway: it connects at once. */
	pd1 = tn_anybgpd_start(&T, D1, "dc1");
	pd2 = tn_anybgpd_start(&T, D2, "dc2");
	t0 = now_ms();
	pgw = tn_anybgpd_start(&T, GW, "gateway");
	cr_assert(pd1 > 0 && pd2 > 0 && pgw > 0);
	while (now_ms() - t0 < 5000 && t_both < 0) {
		int n = nexthops();

		if (t_sess < 0 && tn_peer_state(&T, "gateway", "10.10.10.1", "Established"))
			t_sess = now_ms() - t0;
		if (t_first < 0 && n >= 1)
			t_first = now_ms() - t0;
		if (n == 2)
			t_both = now_ms() - t0;
		usleep(2000);
	}
	cr_log_info("gateway start -> ctl ready + session established %.1f ms, first route "
		    "installed %.1f ms, both next hops %.1f ms",
	    t_sess, t_first, t_both);
	cr_assert_geq(t_both, 0, "no two-next-hop route within 5 s");
	cr_assert_lt(t_both, 1000, "%.0f ms: something waits", t_both);
}

/*
 * The kernel hashes a flow onto a multipath route's next hops in the order
 * they are listed. Whichever DC announced last, 10.10.10.1 comes first, so
 * each client's flow goes back to the server it had before a fault.
 */
static bool
nexthops_in_address_order(void)
{
	return tn_sh("ip -n %s route show 51.51.51.0/24 | tr -d '\\n' | "
		     "grep -q 'nexthop via 10.10.10.1 .*nexthop via 10.10.10.2 '",
		   GW) == 0;
}

Test(laba, one_route_two_next_hops, .init = setup, .fini = teardown, .timeout = 60)
{
	cJSON *j;
	const cJSON *r;
	int best = 0, mp = 0;

	cr_assert(TN_WAIT(5000, nexthops() == 2), "expected one route with two next hops");
	j = tn_ctl(&T, "gateway", "routes");
	cr_assert_not_null(j);
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "routes")) {
		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "prefix")),
		    "51.51.51.0/24");
		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(r, "as_path")), "65511");
		best += cJSON_IsTrue(cJSON_GetObjectItem(r, "best"));
		mp += cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath"));
	}
	cJSON_Delete(j);
	cr_assert_eq(best, 1);
	cr_assert_eq(mp, 2);
	/* The DCs keep no kernel route of ours: their own prefix is local. */
	cr_assert_eq(tn_kernel_nexthops(D1, "51.51.51.0/24", "186"), 0);
	/* The forwarding lookup for the anycast address goes to one of the DCs. */
	cr_assert_eq(tn_sh("ip -n %s route get 51.51.51.51 | grep -q 'via 10.10.10.[12] '", GW), 0);
}

Test(laba, adapter_disabled_and_enabled, .init = setup, .fini = teardown, .timeout = 90)
{
	double t0, t;

	cr_assert(TN_WAIT(5000, nexthops() == 2));
	t0 = now_ms();
	cr_assert_eq(tn_sh("ip -n %s link set eth0 down", D1), 0);
	/* DC001 notices its own adapter at once (link state into the FSM). */
	cr_assert(TN_WAIT(1000,
		      tn_peer_state(&T, "dc1", "10.10.10.254", "Idle") ||
			  tn_peer_state(&T, "dc1", "10.10.10.254", "Connect") ||
			  tn_peer_state(&T, "dc1", "10.10.10.254", "Active")),
	    "DC001 did not drop its session");
	/* The gateway only by its hold timer (9 s): the next hop goes. */
	cr_assert(TN_WAIT(12000, nexthops() == 1), "DC001's next hop stayed");
	t = now_ms() - t0;
	cr_log_info("gateway dropped DC001 after %.0f ms (hold time 9 s)", t);
	cr_assert_geq(t, 8000, "removed before the hold timer could expire: %.0f ms", t);
	cr_assert(tn_peer_num(&T, "gateway", "10.10.10.1", "flaps") == 1);
	/* Enabled again: the session and the second next hop come back. */
	t0 = now_ms();
	cr_assert_eq(tn_sh("ip -n %s link set eth0 up", D1), 0);
	cr_assert(TN_WAIT(15000, nexthops() == 2), "DC001's route did not come back");
	cr_assert(nexthops_in_address_order(), "next hops out of order after DC001 came back");
	cr_log_info("DC001 back in the gateway's route %.0f ms after its adapter came up",
	    now_ms() - t0);
}

Test(laba, custom_route_withdraw_and_announce, .init = setup, .fini = teardown, .timeout = 60)
{
	cJSON *j;

	cr_assert(TN_WAIT(5000, nexthops() == 2));
	j = tn_ctl(&T, "dc2", "withdraw 51.51.51.0/24");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "ok")));
	cJSON_Delete(j);
	cr_assert(TN_WAIT(2000, nexthops() == 1), "withdrawal not sent promptly");
	j = tn_ctl(&T, "dc2", "withdraw 51.51.51.0/24");
	cr_assert_not_null(cJSON_GetObjectItem(j, "error"), "a second withdraw is an error");
	cJSON_Delete(j);
	cJSON_Delete(tn_ctl(&T, "dc2", "announce 51.51.51.0/24"));
	cr_assert(TN_WAIT(2000, nexthops() == 2));
	cr_assert(nexthops_in_address_order(), "next hops out of order after DC002 came back");
	j = tn_ctl(&T, "dc2", "announce 51.51.51.1/24");
	cr_assert_not_null(cJSON_GetObjectItem(j, "error"), "host bits must be refused");
	cJSON_Delete(j);
}

Test(laba, sigterm_ceases_and_removes_kernel_routes, .init = setup, .fini = teardown, .timeout = 60)
{
	cr_assert(TN_WAIT(5000, nexthops() == 2));
	cr_assert_eq(tn_kill(&T, pgw), 0, "anybgpd did not exit cleanly");
	cr_assert_eq(nexthops(), 0, "routes left in the kernel after exit");
	cr_assert(TN_WAIT(2000, tn_peer_num(&T, "dc1", "10.10.10.254", "notifications_in") == 1),
	    "DC001 got no Cease");
	cr_assert_not(tn_peer_state(&T, "dc1", "10.10.10.254", "Established"));
}

Test(laba, rfc8212_peer_without_policy, .fini = teardown, .timeout = 60)
{
	cJSON *j;
	const cJSON *p;
	const char *note = NULL;

	build();
	write_configs(false);
	start_all();
	cr_assert(TN_WAIT(5000, tn_peer_state(&T, "gateway", "10.10.10.2", "Established")));
	cr_assert(TN_WAIT(5000, nexthops() == 1));
	usleep(300000);
	cr_assert_eq(nexthops(), 1, "a route from a peer without import policy was used");
	cr_assert_eq(tn_peer_num(&T, "gateway", "10.10.10.2", "prefixes_received"), 0);
	cr_assert_geq(tn_peer_num(&T, "gateway", "10.10.10.2", "rejected_by_policy"), 1);
	j = tn_ctl(&T, "gateway", "peers");
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "address")), "10.10.10.2") ==
		    0)
			note = cJSON_GetStringValue(cJSON_GetObjectItem(p, "policy_note"));
	cr_assert_not_null(note);
	cr_assert_not_null(strstr(note, "RFC 8212"), "%s", note);
	cJSON_Delete(j);
	/* And the log says it too. */
	{
		char *log = tn_out("grep -c 'RFC 8212' %s", tn_path(&T, "gateway.log"));

		cr_assert_geq(atoi(log), 1);
		free(log);
	}
}

Test(laba, reload_applies_originate_only, .init = setup, .fini = teardown, .timeout = 60)
{
	cJSON *j;

	cr_assert(TN_WAIT(5000, nexthops() == 2));
	/* DC002's configuration loses its prefix: reload withdraws it. */
	tn_write(&T, "dc2.json",
	    "{ \"asn\": 65511, \"router_id\": \"10.10.10.2\", \"hold_time\": 9,\n"
	    "  \"keepalive\": 3, \"originate\": [],\n"
	    "  \"peers\": [ { \"address\": \"10.10.10.254\", \"asn\": 8075,\n"
	    "      \"import\": \"all\", \"export\": \"all\" } ] }\n");
	j = tn_ctl(&T, "dc2", "reload");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "ok")), "reload refused");
	cJSON_Delete(j);
	cr_assert(TN_WAIT(2000, nexthops() == 1));
	/* Another change than originate is refused, and nothing is applied. */
	tn_write(&T, "dc2.json",
	    "{ \"asn\": 65512, \"router_id\": \"10.10.10.2\", \"hold_time\": 9,\n"
	    "  \"keepalive\": 3, \"originate\": [\"51.51.51.0/24\"],\n"
	    "  \"peers\": [ { \"address\": \"10.10.10.254\", \"asn\": 8075,\n"
	    "      \"import\": \"all\", \"export\": \"all\" } ] }\n");
	j = tn_ctl(&T, "dc2", "reload");
	cr_assert_not_null(cJSON_GetObjectItem(j, "error"),
	    "an AS change was accepted at run time");
	cJSON_Delete(j);
	usleep(300000);
	cr_assert_eq(nexthops(), 1);
	/* A broken file: refused with the place of the error. */
	tn_write(&T, "dc2.json", "{ \"asn\": \"x\" }");
	j = tn_ctl(&T, "dc2", "reload");
	cr_assert_not_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(j, "error")), "asn"));
	cJSON_Delete(j);
	/* Back: announced again. */
	write_configs(true);
	j = tn_ctl(&T, "dc2", "reload");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "ok")));
	cJSON_Delete(j);
	cr_assert(TN_WAIT(2000, nexthops() == 2));
}
