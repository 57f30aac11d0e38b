/*
 * Interoperability of anybgpd with BIRD 2 in network namespaces (needs
 * root and bird): sessions over IPv4 and IPv6, routes both ways in both
 * families (into both kernels), ROUTE-REFRESH in both directions, a
 * NOTIFICATION from either side with the session coming back, two BIRD
 * speakers announcing one prefix giving one two-next-hop kernel route, and a
 * capture of a session that tshark decodes without a malformed packet.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_netns.h"

static struct tnet T;
static const char *NA, *NB, *NC;

static void
need(const char *bin)
{
	const char *why;

	if (!tn_can_run(&why))
		cr_skip_test("%s", why);
	if (bin && tn_which(bin) == NULL)
		cr_skip_test("%s is not installed", bin);
}

static pid_t
bird_start(const char *ns, const char *name, const char *conf)
{
	char c[64], s[64], l[64], cpath[256], spath[256];
	const char *argv[] = { tn_which("bird"), "-c", NULL, "-s", NULL, "-f", NULL };

	snprintf(c, sizeof(c), "%s.conf", name);
	snprintf(s, sizeof(s), "%s.sock", name);
	snprintf(l, sizeof(l), "%s.log", name);
	tn_write(&T, c, "%s", conf);
	/* Own copies: tn_path's buffers are reused; on the stack, nothing to free. */
	snprintf(cpath, sizeof(cpath), "%s", tn_path(&T, c));
	snprintf(spath, sizeof(spath), "%s", tn_path(&T, s));
	argv[2] = cpath;
	argv[4] = spath;
	return tn_spawn(&T, ns, tn_path(&T, l), NULL, argv);
}

static int
birdc(const char *name, const char *cmd)
{
	char s[64];

	snprintf(s, sizeof(s), "%s.sock", name);
	return tn_sh("birdc -s %s %s >/dev/null 2>&1", tn_path(&T, s), cmd);
}

static const char bird_conf[] =
	"router id 10.0.0.2;\n"
	"protocol device { scan time 10; }\n"
	"protocol kernel k4 { ipv4 { export all; import none; }; }\n"
	"protocol kernel k6 { ipv6 { export all; import none; }; }\n"
	"protocol static s4 { ipv4; route 52.52.52.0/24 blackhole; }\n"
	"protocol static s6 { ipv6; route 2001:db8:52::/48 blackhole; }\n"
	"template bgp common { local as 65002; hold time 9; keepalive time 3;\n"
	"  connect retry time 2; error wait time 1, 4; }\n"
	"protocol bgp b4 from common { neighbor 10.0.0.1 as 65001;\n"
	"  ipv4 { import all; export all; }; }\n"
	"protocol bgp b6 from common { neighbor fd00::1 as 65001;\n"
	"  ipv6 { import all; export all; }; }\n";

static void
build_pair(const char *our_password, const char *bird_password)
{
	char conf[2048];

	need("bird");
	tn_pair(&T, "bb", &NA, &NB);
	tn_write(&T, "a.json",
	    "{ \"asn\": 65001, \"router_id\": \"10.0.0.1\", \"hold_time\": 9, \"keepalive\": 3,\n"
	    "  \"originate\": [\"51.51.51.0/24\", \"2001:db8:51::/48\"],\n"
	    "  \"peers\": [\n"
	    "    { \"address\": \"10.0.0.2\", \"asn\": 65002, \"families\": [\"ipv4\"],%s%s%s\n"
	    "      \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\" },\n"
	    "    { \"address\": \"fd00::2\", \"asn\": 65002, \"families\": [\"ipv6\"],\n"
	    "      \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\" } ] }\n",
	    our_password ? " \"password\": \"" : "", our_password ? our_password : "",
	    our_password ? "\"," : "");
	snprintf(conf, sizeof(conf), "%s", bird_conf);
	if (bird_password) {
		char *b4 = strstr(conf, "neighbor 10.0.0.1 as 65001;");

		cr_assert_not_null(b4);
		snprintf(b4, sizeof(conf) - (size_t)(b4 - conf),
		    "neighbor 10.0.0.1 as 65001; password \"%s\";\n"
		    "  ipv4 { import all; export all; }; }\n"
		    "protocol bgp b6 from common { neighbor fd00::1 as 65001;\n"
		    "  ipv6 { import all; export all; }; }\n", bird_password);
	}
	cr_assert_gt(bird_start(NB, "bird", conf), 0);
	usleep(200000);
	cr_assert_gt(tn_anybgpd_start(&T, NA, "a"), 0);
}

static void
setup_pair(void)
{
	build_pair(NULL, NULL);
}

static void
teardown(void)
{
	tn_cleanup(&T);
}

static void
wait_established(void)
{
	tn_pair_established(&T, 15000, "BIRD");
}

Test(bird, sessions_and_routes_both_ways, .init = setup_pair, .fini = teardown, .timeout = 90)
{
	need("bird");
	wait_established();
	/* BIRD's routes in our RIB and our kernel table. */
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "2001:db8:52::/48", true) == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 1));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "2001:db8:52::/48", "186") == 1));
	/* Ours in BIRD's kernel table (BIRD exports what it learned). */
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NB, "51.51.51.0/24", "bird") == 1),
	    "BIRD did not learn 51.51.51.0/24 from anybgpd");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NB, "2001:db8:51::/48", "bird") == 1),
	    "BIRD did not learn 2001:db8:51::/48 from anybgpd");
	/* Withdrawal reaches BIRD too. */
	cJSON_Delete(tn_ctl(&T, "a", "withdraw 51.51.51.0/24"));
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NB, "51.51.51.0/24", "bird") == 0));
	cJSON_Delete(tn_ctl(&T, "a", "announce 51.51.51.0/24"));
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NB, "51.51.51.0/24", "bird") == 1));
}

Test(bird, route_refresh_both_ways, .init = setup_pair, .fini = teardown, .timeout = 90)
{
	double upd;

	need("bird");
	wait_established();
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	/* BIRD asks us (ROUTE-REFRESH); we answer with our table again. */
	cr_assert_eq(birdc("bird", "reload in b4"), 0);
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "refresh_in") >= 1),
	    "anybgpd did not receive BIRD's ROUTE-REFRESH");
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "prefixes_out_total") >= 2),
	    "anybgpd did not send its routes again after the ROUTE-REFRESH");
	cr_assert(tn_peer_state(&T, "a", "10.0.0.2", "Established"));
	/* We ask BIRD; it sends its routes again. */
	upd = tn_peer_num(&T, "a", "10.0.0.2", "updates_in");
	cJSON_Delete(tn_ctl(&T, "a", "refresh 10.0.0.2"));
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "updates_in") > upd),
	    "BIRD did not answer our ROUTE-REFRESH");
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "refresh_out"), 1);
	cr_assert(tn_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert_eq(tn_routes(&T, "a", "52.52.52.0/24", true), 1);
}

Test(bird, notification_from_either_side, .init = setup_pair, .fini = teardown, .timeout = 90)
{
	need("bird");
	wait_established();
	/* Ours: Cease, then the session comes back. */
	cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
	cr_assert(TN_WAIT(20000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 2 &&
	    tn_peer_state(&T, "a", "10.0.0.2", "Established")), "session did not come back");
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "notifications_out"), 1);
	/* BIRD's: restart sends a Cease; we go down and come back. */
	cr_assert_eq(birdc("bird", "restart b4"), 0);
	cr_assert(TN_WAIT(5000, tn_peer_num(&T, "a", "10.0.0.2", "notifications_in") >= 1));
	cr_assert(TN_WAIT(20000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 3 &&
	    tn_peer_state(&T, "a", "10.0.0.2", "Established")), "session did not come back");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "52.52.52.0/24", "186") == 1));
	/* The IPv6 session was not disturbed. */
	cr_assert_eq(tn_peer_num(&T, "a", "fd00::2", "established_count"), 1);
}

/* Two BIRD speakers, one prefix: one kernel route with two next hops. */
static void
setup_multipath(void)
{
	char conf[1024];

	need("bird");
	cr_assert_eq(tn_init(&T, "bm"), 0);
	NA = tn_ns(&T, "a");
	NB = tn_ns(&T, "b1");
	NC = tn_ns(&T, "b2");
	cr_assert(NA && NB && NC);
	cr_assert_eq(tn_veth(&T, NA, "eth1", NB, "eth0"), 0);
	cr_assert_eq(tn_veth(&T, NA, "eth2", NC, "eth0"), 0);
	tn_addr(NA, "eth1", "10.0.1.1/24");
	tn_addr(NB, "eth0", "10.0.1.2/24");
	tn_addr(NA, "eth2", "10.0.2.1/24");
	tn_addr(NC, "eth0", "10.0.2.2/24");
	tn_write(&T, "a.json",
	    "{ \"asn\": 65001, \"router_id\": \"10.0.0.1\", \"hold_time\": 9,\n"
	    "  \"multipath\": { \"max_paths\": 4 },\n"
	    "  \"peers\": [\n"
	    "    { \"address\": \"10.0.1.2\", \"asn\": 65002, \"import\": \"all\", \"export\": \"all\" },\n"
	    "    { \"address\": \"10.0.2.2\", \"asn\": 65002, \"import\": \"all\", \"export\": \"all\" } ] }\n");
	for (int i = 1; i <= 2; i++) {
		snprintf(conf, sizeof(conf),
		    "router id 10.0.%d.2;\n"
		    "protocol device { }\n"
		    "protocol static { ipv4; route 53.53.53.0/24 blackhole; }\n"
		    "protocol bgp up { local as 65002; neighbor 10.0.%d.1 as 65001; hold time 9;\n"
		    "  connect retry time 2; ipv4 { import all; export all; }; }\n", i, i);
		cr_assert_gt(bird_start(i == 1 ? NB : NC, i == 1 ? "bird1" : "bird2", conf), 0);
	}
	usleep(200000);
	cr_assert_gt(tn_anybgpd_start(&T, NA, "a"), 0);
}

Test(bird, two_speakers_give_multipath_route, .init = setup_multipath, .fini = teardown,
    .timeout = 90)
{
	cJSON *j;
	int best = 0, mp = 0;
	const cJSON *r;

	need("bird");
	cr_assert(TN_WAIT(15000, tn_peer_state(&T, "a", "10.0.1.2", "Established") &&
	    tn_peer_state(&T, "a", "10.0.2.2", "Established")));
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "53.53.53.0/24", "186") == 2),
	    "expected one kernel route with two next hops");
	/* Exactly one route object, with both next hops. */
	{
		char *out = tn_out("ip -j -n %s route show 53.53.53.0/24", NA);
		cJSON *k = cJSON_Parse(out);

		cr_assert_not_null(k);
		cr_assert_eq(cJSON_GetArraySize(k), 1);
		cr_assert(cJSON_IsArray(cJSON_GetObjectItem(cJSON_GetArrayItem(k, 0), "nexthops")));
		cJSON_Delete(k);
		free(out);
	}
	j = tn_ctl(&T, "a", "routes 53.53.53.0/24");
	cr_assert_not_null(j);
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "routes")) {
		best += cJSON_IsTrue(cJSON_GetObjectItem(r, "best"));
		mp += cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath"));
	}
	cJSON_Delete(j);
	cr_assert_eq(best, 1);
	cr_assert_eq(mp, 2);
	/* One speaker goes: the route is replaced by a single next hop. */
	birdc("bird1", "disable up");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "53.53.53.0/24", "186") == 1));
	birdc("bird2", "disable up");
	cr_assert(TN_WAIT(10000, tn_kernel_nexthops(NA, "53.53.53.0/24", "186") == 0));
}

Test(bird, capture_decodes_cleanly, .init = setup_pair, .fini = teardown, .timeout = 120)
{
	const char *argv[] = { "/usr/bin/dumpcap", "-q", "-i", "eth0", "-f", "tcp port 179", "-w",
		NULL, NULL };
	char pcap[256];
	char *out;
	pid_t cap;
	int bgp, bad;

	need("bird");
	if (tn_which("tshark") == NULL || tn_which("dumpcap") == NULL)
		cr_skip_test("tshark/dumpcap not installed");
	snprintf(pcap, sizeof(pcap), "%s", tn_path(&T, "session.pcapng"));
	argv[7] = pcap;
	/* Restart the sessions under capture: OPEN, UPDATEs, KEEPALIVEs, then more. */
	cap = tn_spawn(&T, NA, tn_path(&T, "dumpcap.log"), NULL, argv);
	cr_assert_gt(cap, 0);
	usleep(800000);
	wait_established();
	cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
	cr_assert(TN_WAIT(20000, tn_peer_num(&T, "a", "10.0.0.2", "established_count") == 2));
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
	cJSON_Delete(tn_ctl(&T, "a", "refresh 10.0.0.2"));
	birdc("bird", "reload in b6");
	cJSON_Delete(tn_ctl(&T, "a", "withdraw 2001:db8:51::/48"));
	sleep(4);	/* a keepalive or two */
	tn_kill(&T, cap);
	out = tn_out("tshark -r %s -Y bgp -T fields -e bgp.type 2>/dev/null | wc -l", pcap);
	bgp = atoi(out);
	free(out);
	out = tn_out("tshark -r %s -Y bgp -T fields -e bgp.type 2>/dev/null | tr ',' '\\n' | "
	    "sort -u | tr '\\n' ' '", pcap);
	cr_log_info("BGP message types captured: %s", out);
	cr_assert(strstr(out, "1") && strstr(out, "2") && strstr(out, "3") && strstr(out, "4") &&
	    strstr(out, "5"), "expected OPEN, UPDATE, NOTIFICATION, KEEPALIVE and ROUTE-REFRESH, "
	    "got types %s", out);
	free(out);
	out = tn_out("tshark -r %s -Y '_ws.malformed || (bgp && _ws.expert.severity >= 0x00600000)' "
	    "2>/dev/null | wc -l", pcap);
	bad = atoi(out);
	free(out);
	cr_assert_gt(bgp, 5);
	if (bad) {
		out = tn_out("tshark -r %s -Y '_ws.malformed || (bgp && _ws.expert.severity >= "
		    "0x00600000)' -V 2>/dev/null | head -80", pcap);
		cr_log_error("%s", out);
		free(out);
	}
	cr_assert_eq(bad, 0, "tshark reports %d malformed or warned BGP frames", bad);
}

/* RFC 2385 TCP MD5 signatures: the session comes up with the same key, not with another. */
Test(bird, tcp_md5_password, .fini = teardown, .timeout = 60)
{
	build_pair("s3cret-key", "s3cret-key");
	cr_assert(TN_WAIT(15000, tn_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "no session with matching TCP MD5 keys");
	cr_assert(TN_WAIT(10000, tn_routes(&T, "a", "52.52.52.0/24", true) == 1));
}

Test(bird, tcp_md5_wrong_password, .fini = teardown, .timeout = 60)
{
	build_pair("s3cret-key", "other-key");
	/* The IPv6 session (no key on either side) comes up: the daemons work. */
	cr_assert(TN_WAIT(15000, tn_peer_state(&T, "a", "fd00::2", "Established")));
	sleep(4);
	cr_assert_not(tn_peer_state(&T, "a", "10.0.0.2", "Established"),
	    "a session with mismatched TCP MD5 keys came up");
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "established_count"), 0);
}
