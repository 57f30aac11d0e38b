/*
 * Lab A's scenarios end to end (root): `anylab run topologies/anycast-lab.json
 * --scenario failover|link-cut|service-dies` (timings of fast detection: BFD
 * and health checks) on a lab of this test's own
 * name, asserting on the results JSON; and a capture taken during link-cut,
 * read back with tshark: the OPENs and the UPDATE announcing 51.51.51.0/24
 * when the session comes back, the session's loss after the fault, and the
 * TXT answers naming DC001 and DC002. Skips without root, without the
 * daemons built, or without tshark (the capture test only).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>

#include "helper_scn.h"

static char lab[16], dir[128], bin[512], topo[512];

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	snprintf(topo, sizeof(topo), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	hs_lab_dir("sc", "scn", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(lab_scenarios, .init = setup, .fini = teardown, .timeout = 240);

/* Run a scenario, with a JUnit report and a capture when capdir; its results. */
static cJSON *
run(const char *scenario, const char *capdir, int *status)
{
	char extra[1024];

	snprintf(extra, sizeof(extra), "--junit %s/%s.xml%s%s", dir, scenario,
	    capdir ? " --capture " : "", capdir ? capdir : "");
	return hs_run(bin, topo, scenario, lab, dir, extra, status);
}

/*
 * The one fault of a failover-like scenario: the client that was on DC001
 * moved to DC002 within what fast detection (BFD) gives, not the hold time,
 * and came back; the other was not touched.
 */
static void
assert_failover(const cJSON *j)
{
	const cJSON *faults = hs_get(j, "faults"), *f, *c;
	int moved = 0, untouched = 0;

	cr_assert_eq(cJSON_GetArraySize(faults), 1);
	f = cJSON_GetArrayItem(faults, 0);
	cr_assert(cJSON_IsNumber(hs_get(f, "undo_us")));
	cJSON_ArrayForEach(c, hs_get(f, "clients")) {
		const char *before = hs_get(c, "before")->valuestring;

		cr_assert_not_null(before, "a client had no answer before the fault");
		if (strcmp(before, "DC001") == 0) {
			double fo = hs_get(c, "failover_ms")->valuedouble;

			moved++;
			cr_assert(cJSON_IsTrue(hs_get(c, "affected")));
			/* "during" is the last answer to a query sent before the undo: with
			 * a fail-back of a millisecond that may be DC001's already. */
			cr_assert_not_null(hs_get(c, "during")->valuestring);
			cr_assert_str_eq(hs_get(c, "after")->valuestring, "DC001");
			/* BFD: the gateway gives up within its detection time (plus the
			 * route's update), long before the 9 s hold time. */
			cr_assert(fo > 0 && fo < 1000, "failover %.0f ms", fo);
			cr_assert_lt(hs_get(c, "lost")->valueint, 100);
			cr_assert(cJSON_IsNumber(hs_get(c, "back_ms")));
			cr_assert_lt(hs_get(c, "back_ms")->valuedouble, 15000);
		} else {
			untouched++;
			cr_assert_str_eq(before, "DC002");
			cr_assert(cJSON_IsFalse(hs_get(c, "affected")));
			cr_assert_eq(hs_get(c, "lost")->valueint, 0);
			cr_assert(cJSON_IsNull(hs_get(c, "failover_ms")));
		}
	}
	cr_assert_eq(moved, 1);
	cr_assert_eq(untouched, 1);
}

Test(lab_scenarios, failover)
{
	int status;
	cJSON *j = run("failover", NULL, &status);
	char junit[256], *xml = NULL;
	size_t cap = 0;
	FILE *f;

	hs_assert_held(j, status, "failover");
	assert_failover(j);
	cr_assert_eq(hs_get(j, "expectations")->valueint, 9);
	/* The picture and the JUnit file are there. */
	cr_assert_eq(access(hs_get(hs_get(j, "files"), "svg")->valuestring, R_OK), 0);
	snprintf(junit, sizeof(junit), "%s/failover.xml", dir);
	f = fopen(junit, "r");
	cr_assert_not_null(f);
	cr_assert_gt(getdelim(&xml, &cap, '\0', f), 0);
	fclose(f);
	cr_assert_not_null(strstr(xml, "tests=\"11\" failures=\"0\" errors=\"0\""), "%s", xml);
	free(xml);
	cJSON_Delete(j);
}

Test(lab_scenarios, link_cut)
{
	int status;
	cJSON *j = run("link-cut", NULL, &status);

	hs_assert_held(j, status, "link-cut");
	assert_failover(j);
	cJSON_Delete(j);
}

Test(lab_scenarios, service_dies_health_check_moves_the_clients)
{
	int status;
	cJSON *j = run("service-dies", NULL, &status);
	const cJSON *f, *c;

	hs_assert_held(j, status, "service-dies");
	f = cJSON_GetArrayItem(hs_get(j, "faults"), 0);
	cr_assert_not_null(f);
	cJSON_ArrayForEach(c, hs_get(f, "clients")) {
		if (strcmp(hs_get(c, "before")->valuestring, "DC001") == 0) {
			/* dc001's health check withdrew the route: DC002 answers. */
			cr_assert(cJSON_IsNumber(hs_get(c, "failover_ms")));
			cr_assert_lt(hs_get(c, "failover_ms")->valuedouble, 2000);
			cr_assert_str_eq(hs_get(c, "during")->valuestring, "DC002");
			cr_assert_str_eq(hs_get(c, "after")->valuestring, "DC001");
			cr_assert_leq(hs_get(c, "lost")->valueint, 200);
		} else {
			cr_assert_eq(hs_get(c, "lost")->valueint, 0);
		}
	}
	cJSON_Delete(j);
}

Test(lab_scenarios, blackhole_found_by_bfd)
{
	int status;
	cJSON *j = run("blackhole", NULL, &status);

	hs_assert_held(j, status, "blackhole");
	assert_failover(j);
	cJSON_Delete(j);
}

Test(lab_scenarios, maintenance_loses_nothing)
{
	int status;
	cJSON *j = run("maintenance", NULL, &status);
	const cJSON *f, *c;
	int faults = 0;

	hs_assert_held(j, status, "maintenance");
	/* Drain, then the adapter's disable/enable: every client answered throughout. */
	cJSON_ArrayForEach(f, hs_get(j, "faults")) {
		faults++;
		cJSON_ArrayForEach(c, hs_get(f, "clients")) {
			cr_assert_eq(hs_get(c, "lost")->valueint, 0, "fault %d: %s lost %d", faults,
			    hs_get(c, "client")->valuestring, hs_get(c, "lost")->valueint);
			cr_assert_eq(hs_get(c, "lost_after")->valueint, 0);
		}
	}
	cr_assert_geq(faults, 1);
	cJSON_Delete(j);
}

/* Lines of `tshark -r FILE -Y FILTER -T fields -e FIELD`, joined with '\n'. */
static char *
tshark(const char *file, const char *filter, const char *fields)
{
	char cmd[1024];
	int status;

	snprintf(cmd, sizeof(cmd), "tshark -r %s -Y '%s' -T fields %s 2>/dev/null", file, filter,
	    fields);
	return hs_output(cmd, &status);
}

Test(lab_scenarios, link_cut_with_capture_read_by_tshark)
{
	char capdir[256], gw[512], c1[512], c2[512];
	const cJSON *steps;
	double cut_s, restore_s;
	char *out;
	int status;
	cJSON *j;

	if (hs_sh("command -v tshark >/dev/null") != 0)
		cr_skip_test("tshark not installed");
	snprintf(capdir, sizeof(capdir), "%s/pcap", dir);
	j = run("link-cut", capdir, &status);
	/* Whether link-cut passes is the link_cut test's business; here: it cut and restored. */
	cr_assert_eq(cJSON_GetArraySize(hs_get(hs_get(j, "files"), "captures")), 6);
	steps = hs_get(j, "steps");
	cr_assert_str_eq(hs_get(cJSON_GetArrayItem(steps, 4), "status")->valuestring, "done");
	cr_assert_str_eq(hs_get(cJSON_GetArrayItem(steps, 7), "status")->valuestring, "done");
	cut_s = hs_get(cJSON_GetArrayItem(steps, 4), "end_us")->valuedouble / 1e6;
	restore_s = hs_get(cJSON_GetArrayItem(steps, 7), "end_us")->valuedouble / 1e6;
	snprintf(gw, sizeof(gw), "%s/%s-gateway-eth1.pcap", capdir, lab);
	snprintf(c1, sizeof(c1), "%s/%s-client1-eth0.pcap", capdir, lab);
	snprintf(c2, sizeof(c2), "%s/%s-client2-eth0.pcap", capdir, lab);

	/* The session to dc001 comes back after the restore: OPENs both ways. */
	out = tshark(gw, "bgp.type == 1", "-e frame.time_epoch -e ip.src");
	cr_assert_not_null(strstr(out, "10.10.10.1"), "no OPEN from dc001:\n%s", out);
	cr_assert_not_null(strstr(out, "10.10.10.254"), "no OPEN from the gateway:\n%s", out);
	cr_assert_geq(strtod(out, NULL), restore_s - 0.5, "OPEN before the restore: %s", out);
	free(out);
	/* ... and dc001 announces 51.51.51.0/24 again. */
	out = tshark(gw, "bgp.type == 2 && ip.src == 10.10.10.1", "-e bgp.nlri_prefix");
	cr_assert_not_null(strstr(out, "51.51.51.0"), "no UPDATE for 51.51.51.0/24:\n%s", out);
	free(out);
	/*
	 * The session's loss after the cut, as the wire shows it: the gateway
	 * withdrawing 51.51.51.0/24 from dc002 when its best path (dc001's) goes
	 * (only when that path was the best), or its NOTIFICATION (only when the
	 * segment gets out: the neighbour entry is usually gone by then), or its
	 * unanswered retransmissions to dc001 on port 179.
	 */
	{
		char *wd = tshark(gw,
		    "bgp.type == 2 && ip.src == 10.10.10.254 && "
		    "bgp.withdrawn_prefix == 51.51.51.0",
		    "-e frame.time_epoch");
		char *nt = tshark(gw, "bgp.type == 3 && ip.src == 10.10.10.254",
		    "-e frame.time_epoch");
		char *rt = tshark(gw,
		    "tcp.analysis.retransmission && ip.dst == 10.10.10.1 && "
		    "tcp.port == 179",
		    "-e frame.time_epoch");
		double t = wd[0] ? strtod(wd, NULL) : nt[0] ? strtod(nt, NULL) : strtod(rt, NULL);

		cr_assert(wd[0] || nt[0] || rt[0], "no sign of the session's loss after the cut");
		cr_assert_gt(t, cut_s, "session loss before the cut (%f < %f)", t, cut_s);
		cr_assert_lt(t, cut_s + 12, "session loss seen late (%f, cut %f)", t, cut_s);
		free(wd);
		free(nt);
		free(rt);
	}
	/*
	 * BFD (RFC 5880/5881) as tshark decodes it: Up packets from both sides on
	 * UDP 3784 with TTL 255, and the gateway saying Down with diagnostic 1
	 * (Control Detection Time Expired) after the cut; its NOTIFICATION, when
	 * it gets out, is Cease / BFD Down (subcode 10, RFC 9384).
	 */
	out = tshark(gw, "bfd && bfd.sta == 3 && ip.ttl == 255 && udp.dstport == 3784",
	    "-e ip.src");
	cr_assert_not_null(strstr(out, "10.10.10.1"), "no BFD Up from dc001:\n%.300s", out);
	cr_assert_not_null(strstr(out, "10.10.10.254"), "no BFD Up from the gateway:\n%.300s", out);
	free(out);
	out = tshark(gw, "bfd && bfd.sta == 1 && bfd.diag == 1 && ip.src == 10.10.10.254",
	    "-e frame.time_epoch");
	cr_assert(out[0] != '\0', "the gateway never said Down / detection time expired");
	cr_assert_gt(strtod(out, NULL), cut_s, "BFD down before the cut");
	free(out);
	out = tshark(gw, "bgp.type == 3 && ip.src == 10.10.10.254",
	    "-e bgp.notify.minor_error_cease");
	cr_assert(out[0] == '\0' || strstr(out, "10"), "NOTIFICATION: %s", out);
	free(out);
	/* The TXT answers the clients got name both instances. */
	out = tshark(c1, "dns.flags.response == 1", "-e dns.txt");
	{
		char *out2 = tshark(c2, "dns.flags.response == 1", "-e dns.txt");
		bool dc1 = strstr(out, "DC001") || strstr(out2, "DC001");
		bool dc2 = strstr(out, "DC002") || strstr(out2, "DC002");

		cr_assert(dc1 && dc2, "TXT answers: DC001 %d, DC002 %d", dc1, dc2);
		free(out2);
	}
	free(out);
	cJSON_Delete(j);
}
