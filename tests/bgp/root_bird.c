/*
 * Interoperability of anybgpd with BIRD 2 (needs root, bird2, anylab and
 * anybgpd built), on labs of tests/bgp/labs/ brought up with `anylab up`:
 * node a runs anybgpd, the peers run kind bird (--kind). Checked through the
 * lab (`anylab bgp NODE peers|routes|announce|withdraw|refresh|reset`, both
 * sides, and each node's kernel table): sessions over IPv4 and IPv6, routes
 * both ways in both families (into both kernels), ROUTE-REFRESH in both
 * directions, a NOTIFICATION from either side with the session coming back,
 * two BIRD speakers announcing one prefix giving one two-next-hop kernel
 * route, a capture of the sessions (`up --capture`) that tshark decodes
 * without a malformed packet, TCP MD5 with the same key (session up) and
 * another (session down), GTSM on both sides (session up), and BIRD with
 * "capabilities off" exchanging IPv4 routes (RFC 4760 8). Every test takes
 * its lab down on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_lab.h"
#include "bgp/helper_netns.h"

#define BIRD "/usr/sbin/bird"

static struct tlab T;

static void
setup(void)
{
	tl_require(&T, "hib", BIRD, (char *)NULL);
}

static void
teardown(void)
{
	tl_cleanup(&T);
}

/* The pair with b on BIRD, converged (anylab up waits for every session). */
static void
up_pair(void)
{
	tl_up(&T, "pair.json", "--kind b.bgp=bird");
}

/* Both sessions established, as anybgpd and as BIRD report them. */
static void
wait_established(void)
{
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "IPv4 session with BIRD not established");
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "fd00::2", "Established")),
	    "IPv6 session with BIRD not established");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(tl_peer_state(&T, "b", "fd00::1", "Established"));
}

Test(bird, sessions_and_routes_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	up_pair();
	/* `up` returned on anybgpd's own convergence: BIRD (graceful restart
	 * aware, our capability received) sent End-of-RIB for both families. */
	cr_assert(tl_converged(&T, "a"), "up returned before a had converged");
	cr_assert(tl_peer_eor(&T, "a", "10.0.0.2", "ipv4-unicast"), "no End-of-RIB from BIRD");
	cr_assert(tl_peer_eor(&T, "a", "fd00::2", "ipv6-unicast"), "no IPv6 End-of-RIB from BIRD");
	wait_established();
	/* BIRD's routes in our RIB and our kernel table. */
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "2001:db8:52::/48", true, NULL) == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(
	    TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "2001:db8:52::/48", "186") == 1));
	/* Ours in BIRD's table (as its kind reports it) and its kernel table. */
	cr_assert(TN_WAIT(10000, tl_routes(&T, "b", "51.51.51.0/24", false, "65001") == 1),
	    "BIRD's table has no 51.51.51.0/24 from AS 65001");
	cr_assert(TN_WAIT(10000, tl_routes(&T, "b", "2001:db8:51::/48", false, "65001") == 1),
	    "BIRD's table has no 2001:db8:51::/48 from AS 65001");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "b"), "51.51.51.0/24", "bird") == 1),
	    "BIRD did not learn 51.51.51.0/24 from anybgpd");
	cr_assert(TN_WAIT(10000,
		      tn_kernel_nexthops(tl_ns(&T, "b"), "2001:db8:51::/48", "bird") == 1),
	    "BIRD did not learn 2001:db8:51::/48 from anybgpd");
	/* Withdrawal reaches BIRD too. */
	cr_assert_eq(tl_bgp_do(&T, "a", "withdraw 51.51.51.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "b"), "51.51.51.0/24", "bird") == 0));
	cr_assert_eq(tl_routes(&T, "b", "51.51.51.0/24", false, NULL), 0);
	cr_assert_eq(tl_bgp_do(&T, "a", "announce 51.51.51.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "b"), "51.51.51.0/24", "bird") == 1));
	/* And BIRD's withdrawal reaches us (its kind's announce/withdraw). */
	cr_assert_eq(tl_bgp_do(&T, "b", "withdraw 52.52.52.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 0),
	    "a route BIRD withdrew stayed in our kernel");
	cr_assert_eq(tl_routes(&T, "a", "52.52.52.0/24", false, NULL), 0);
}

Test(bird, route_refresh_both_ways, .init = setup, .fini = teardown, .timeout = 90)
{
	double upd;

	up_pair();
	wait_established();
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	/* BIRD asks us (its kind's refresh is `reload in`); we send our table again. */
	cr_assert_eq(tl_bgp_do(&T, "b", "refresh 10.0.0.1"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "refresh_in") >= 1),
	    "anybgpd did not receive BIRD's ROUTE-REFRESH");
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "prefixes_out_total") >= 2),
	    "anybgpd did not send its routes again after the ROUTE-REFRESH");
	cr_assert(tl_peer_state(&T, "a", "10.0.0.2", "Established"));
	/* We ask BIRD; it sends its routes again. */
	upd = tl_peer_num(&T, "a", "10.0.0.2", "updates_in");
	cr_assert_eq(tl_bgp_do(&T, "a", "refresh 10.0.0.2"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "updates_in") > upd),
	    "BIRD did not answer our ROUTE-REFRESH");
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "refresh_out"), 1);
	cr_assert(tl_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert_eq(tl_routes(&T, "a", "52.52.52.0/24", true, NULL), 1);
}

Test(bird, notification_from_either_side, .init = setup, .fini = teardown, .timeout = 90)
{
	up_pair();
	wait_established();
	/* Ours: Cease, then the session comes back. */
	cr_assert_eq(tl_bgp_do(&T, "a", "reset 10.0.0.2"), 0);
	cr_assert(TN_WAIT(20000,
		      tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 2 &&
			  tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "session did not come back");
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "notifications_out"), 1);
	cr_assert(TN_WAIT(5000, tl_peer_state(&T, "b", "10.0.0.1", "Established")),
	    "BIRD does not report the session back");
	/* BIRD's (its kind's reset is `restart`, which sends a Cease); we go down and come back. */
	cr_assert_eq(tl_bgp_do(&T, "b", "reset 10.0.0.1"), 0);
	cr_assert(TN_WAIT(5000, tl_peer_num(&T, "a", "10.0.0.2", "notifications_in") >= 1));
	cr_assert(TN_WAIT(20000,
		      tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 3 &&
			  tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "session did not come back");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(5000, tl_peer_state(&T, "b", "10.0.0.1", "Established")));
	/* The IPv6 session was not disturbed. */
	cr_assert_eq(tl_peer_num(&T, "a", "fd00::2", "established_count"), 1);
}

/* Two BIRD speakers, one prefix: one kernel route with two next hops. */
Test(bird, two_speakers_give_multipath_route, .init = setup, .fini = teardown, .timeout = 90)
{
	const char *na;
	char cmd[256];
	cJSON *j;
	int best = 0, mp = 0;
	const cJSON *r;

	tl_up(&T, "multipath.json", "--kind b1.bgp=bird --kind b2.bgp=bird");
	na = tl_ns(&T, "a");
	cr_assert(TN_WAIT(15000,
	    tl_peer_state(&T, "a", "10.0.1.2", "Established") &&
		tl_peer_state(&T, "a", "10.0.2.2", "Established")));
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(na, "53.53.53.0/24", "186") == 2),
	    "expected one kernel route with two next hops");
	/* Exactly one route object, with both next hops. */
	{
		char *out = tn_out("ip -j -n %s route show 53.53.53.0/24", na);
		cJSON *k = cJSON_Parse(out);

		cr_assert_not_null(k);
		cr_assert_eq(cJSON_GetArraySize(k), 1);
		cr_assert(cJSON_IsArray(cJSON_GetObjectItem(cJSON_GetArrayItem(k, 0), "nexthops")));
		cJSON_Delete(k);
		free(out);
	}
	j = tl_bgp(&T, "a", "routes 53.53.53.0/24");
	cr_assert_not_null(j);
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "routes")) {
		best += cJSON_IsTrue(cJSON_GetObjectItem(r, "best"));
		mp += cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath"));
	}
	cJSON_Delete(j);
	cr_assert_eq(best, 1);
	cr_assert_eq(mp, 2);
	/* One speaker withdraws the prefix (its kind's withdraw), then announces it again. */
	cr_assert_eq(tl_bgp_do(&T, "b1", "withdraw 53.53.53.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(na, "53.53.53.0/24", "186") == 1));
	cr_assert_eq(tl_bgp_do(&T, "b1", "announce 53.53.53.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(na, "53.53.53.0/24", "186") == 2));
	/*
	 * One speaker goes (its session disabled in BIRD, as before: the bird
	 * kind has no verb for that, so birdc runs in the node through anylab
	 * exec, on the kind's control socket): a single next hop, then none.
	 */
	snprintf(cmd, sizeof(cmd),
	    "birdc -s /run/anylab/%s/nodes/b1/bird.ctl disable "
	    "bgp_10_0_1_1",
	    T.lab);
	cr_assert_eq(tl_exec(&T, "b1", cmd), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(na, "53.53.53.0/24", "186") == 1));
	cr_assert_not(tl_peer_state(&T, "b1", "10.0.1.1", "Established"));
	snprintf(cmd, sizeof(cmd),
	    "birdc -s /run/anylab/%s/nodes/b2/bird.ctl disable "
	    "bgp_10_0_2_1",
	    T.lab);
	cr_assert_eq(tl_exec(&T, "b2", cmd), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(na, "53.53.53.0/24", "186") == 0));
}

/* The sessions captured from before the daemons start (`up --capture`) to after down. */
Test(bird, capture_decodes_cleanly, .init = setup, .fini = teardown, .timeout = 120)
{
	char opts[256], pcap[256];
	char *out;
	int bgp, bad;

	if (access("/usr/bin/tshark", X_OK) != 0)
		cr_skip_test("tshark not installed");
	snprintf(opts, sizeof(opts), "--kind b.bgp=bird --capture %s/cap", T.dir);
	tl_up(&T, "pair.json", opts);
	snprintf(pcap, sizeof(pcap), "%s/cap/%s-a-eth0.pcap", T.dir, T.lab);
	/* OPEN, UPDATEs and KEEPALIVEs already; then NOTIFICATION, ROUTE-REFRESH, withdrawals. */
	wait_established();
	cr_assert_eq(tl_bgp_do(&T, "a", "reset 10.0.0.2"), 0);
	cr_assert(TN_WAIT(20000, tl_peer_num(&T, "a", "10.0.0.2", "established_count") == 2));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	cr_assert_eq(tl_bgp_do(&T, "a", "refresh 10.0.0.2"), 0);
	cr_assert_eq(tl_bgp_do(&T, "b", "refresh fd00::1"), 0);
	cr_assert_eq(tl_bgp_do(&T, "a", "withdraw 2001:db8:51::/48"), 0);
	sleep(4);    /* a keepalive or two */
	tl_down(&T); /* the captures are written out */
	cr_assert_eq(access(pcap, R_OK), 0, "no capture %s", pcap);
	out = tn_out("tshark -r %s -Y bgp -T fields -e bgp.type 2>/dev/null | wc -l", pcap);
	bgp = atoi(out);
	free(out);
	out = tn_out("tshark -r %s -Y bgp -T fields -e bgp.type 2>/dev/null | tr ',' '\\n' | "
		     "sort -u | tr '\\n' ' '",
	    pcap);
	cr_log_info("BGP message types captured: %s", out);
	cr_assert(strstr(out, "1") && strstr(out, "2") && strstr(out, "3") && strstr(out, "4") &&
		strstr(out, "5"),
	    "expected OPEN, UPDATE, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH, "
	    "got types %s",
	    out);
	free(out);
	out = tn_out("tshark -r %s -Y '_ws.malformed || (bgp && _ws.expert.severity >= "
		     "0x00600000)' 2>/dev/null | wc -l",
	    pcap);
	bad = atoi(out);
	free(out);
	cr_assert_gt(bgp, 5);
	if (bad) {
		out = tn_out("tshark -r %s -Y '_ws.malformed || (bgp && _ws.expert.severity >= "
			     "0x00600000)' -V 2>/dev/null | head -80",
		    pcap);
		cr_log_error("%s", out);
		free(out);
	}
	cr_assert_eq(bad, 0, "tshark reports %d malformed or warned BGP frames", bad);
}

/* The pair with TCP MD5 keys on the IPv4 session ("password" of peers[0] on each side). */
static void
up_md5(const char *ours, const char *birds, const char *opts)
{
	cJSON *doc = tl_fixture("pair.json");
	cJSON *nodes = cJSON_GetObjectItem(doc, "nodes");
	const char *keys[2] = { ours, birds }, *names[2] = { "a", "b" };
	char o[256];

	for (int i = 0; i < 2; i++) {
		cJSON *bgp = cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, names[i]), "bgp");
		cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(bgp, "peers"), 0);

		cr_assert_not_null(p0);
		cJSON_AddStringToObject(p0, "password", keys[i]);
	}
	snprintf(o, sizeof(o), "--kind b.bgp=bird %s", opts);
	tl_up_doc(&T, doc, o);
	cJSON_Delete(doc);
}

/* RFC 2385 TCP MD5 signatures: the session comes up with the same key, not with another. */
Test(bird, tcp_md5_password, .init = setup, .fini = teardown, .timeout = 60)
{
	up_md5("s3cret-key", "s3cret-key", "");
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "no session with matching TCP MD5 keys");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
}

Test(bird, tcp_md5_wrong_password, .init = setup, .fini = teardown, .timeout = 60)
{
	/* Not waiting for a convergence that cannot come. */
	up_md5("s3cret-key", "other-key", "--no-wait");
	/* The IPv6 session (no key on either side) comes up: the daemons work. */
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "fd00::2", "Established")));
	sleep(4);
	cr_assert_not(tl_peer_state(&T, "a", "10.0.0.2", "Established"),
	    "a session with mismatched TCP MD5 keys came up");
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "established_count"), 0);
	cr_assert_not(tl_peer_state(&T, "b", "10.0.0.1", "Established"),
	    "BIRD reports a session with mismatched TCP MD5 keys up");
}

/* GTSM (RFC 5082) on the IPv4 session: anybgpd's ttl_security with BIRD's "ttl security on". */
Test(bird, gtsm_ttl_security, .init = setup, .fini = teardown, .timeout = 60)
{
	cJSON *doc = tl_fixture("pair.json");
	cJSON *nodes = cJSON_GetObjectItem(doc, "nodes");

	for (int i = 0; i < 2; i++) {
		cJSON *bgp = cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, i ? "b" : "a"), "bgp");

		cJSON_AddTrueToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(bgp, "peers"), 0),
		    "ttl_security");
	}
	tl_up_doc(&T, doc, "--kind b.bgp=bird");
	cJSON_Delete(doc);
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "no GTSM session with BIRD");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1));
	/* anybgpd drops below TTL 255: BIRD's segments arrive with 255, as GTSM sends them. */
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "gtsm_refused"), 0);
}

/*
 * BIRD with "capabilities off" (an OPEN without any optional parameter, as an
 * old speaker sends): the session speaks IPv4 unicast, the base protocol (RFC
 * 4760 8, RFC 5492 3), although anybgpd offered IPv4 and IPv6 in its MP
 * capabilities. Routes go both ways; b runs the user's own bird.conf
 * ("config"), since the bird kind writes no "capabilities off".
 */
Test(bird, capabilities_off_exchanges_ipv4_routes, .init = setup, .fini = teardown, .timeout = 60)
{
	static const char conf[] = "# b of lab @LAB@: BIRD without capability advertisement\n"
				   "log stderr all;\n"
				   "router id 10.0.0.2;\n"
				   "protocol device {\n}\n"
				   "protocol kernel kernel4 {\n"
				   "\tipv4 { import none; export where source = RTS_BGP; };\n"
				   "}\n"
				   "protocol static originate_52_52_52_0_24 {\n"
				   "\tipv4;\n"
				   "\troute 52.52.52.0/24 blackhole;\n"
				   "}\n"
				   "protocol bgp bgp_10_0_0_1 {\n"
				   "\tlocal 10.0.0.2 as 65002;\n"
				   "\tneighbor 10.0.0.1 as 65001;\n"
				   "\tcapabilities off;\n"
				   "\thold time 9;\n"
				   "\tkeepalive time 3;\n"
				   "\tconnect delay time 1;\n"
				   "\tconnect retry time 2;\n"
				   "\terror wait time 1, 120;\n"
				   "\tipv4 { import all; export all; next hop self; };\n"
				   "}\n";
	cJSON *doc = tl_fixture("pair.json");
	cJSON *nodes = cJSON_GetObjectItem(doc, "nodes");
	cJSON *abgp = cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, "a"), "bgp");
	cJSON *peers = cJSON_GetObjectItem(abgp, "peers");
	cJSON *bgp, *j, *fam;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/b-nocaps.conf", T.dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(conf, f);
	cr_assert_eq(fclose(f), 0);
	/* a: one IPv4 session, offering both families (no "families": the default). */
	cJSON_DeleteItemFromArray(peers, 1);
	cJSON_DeleteItemFromObject(cJSON_GetArrayItem(peers, 0), "families");
	bgp = cJSON_CreateObject();
	cJSON_AddStringToObject(bgp, "kind", "bird");
	cJSON_AddStringToObject(bgp, "config", path);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(nodes, "b"), "bgp", bgp);
	tl_up_doc(&T, doc, "");
	cJSON_Delete(doc);
	cr_assert(TN_WAIT(15000, tl_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "no session with BIRD (capabilities off)");
	cr_assert(tl_peer_state(&T, "b", "10.0.0.1", "Established"));
	/* The session's families, as anybgpd negotiated them: IPv4 unicast alone. */
	j = tl_bgp(&T, "a", "peers");
	cr_assert_not_null(j);
	fam = NULL;
	{
		const cJSON *p;

		cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers"))
			if (cJSON_IsString(cJSON_GetObjectItem(p, "address")) &&
			    strcmp(cJSON_GetObjectItem(p, "address")->valuestring, "10.0.0.2") == 0)
				fam = cJSON_GetObjectItem(p, "families");
	}
	cr_assert(cJSON_IsArray(fam) && cJSON_GetArraySize(fam) == 1 &&
		cJSON_IsString(cJSON_GetArrayItem(fam, 0)) &&
		strcmp(cJSON_GetArrayItem(fam, 0)->valuestring, "ipv4-unicast") == 0,
	    "expected families [\"ipv4-unicast\"] on the session");
	cJSON_Delete(j);
	/* BIRD's route in our RIB and kernel, ours in BIRD's kernel. */
	cr_assert(TN_WAIT(10000, tl_routes(&T, "a", "52.52.52.0/24", true, NULL) == 1),
	    "anybgpd took no route from BIRD (capabilities off)");
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "b"), "51.51.51.0/24", "bird") == 1),
	    "BIRD (capabilities off) did not learn 51.51.51.0/24 from anybgpd");
	cr_assert_eq(tn_kernel_nexthops(tl_ns(&T, "b"), "2001:db8:51::/48", "bird"), 0,
	    "an IPv6 route went over a session without IPv6");
	/* Withdrawals both ways. */
	cr_assert_eq(tl_bgp_do(&T, "a", "withdraw 51.51.51.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "b"), "51.51.51.0/24", "bird") == 0));
	cr_assert_eq(tl_bgp_do(&T, "b", "withdraw 52.52.52.0/24"), 0);
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "186") == 0),
	    "a route BIRD withdrew stayed in our kernel");
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "notifications_in"), 0);
	cr_assert_eq(tl_peer_num(&T, "a", "10.0.0.2", "established_count"), 1);
}
