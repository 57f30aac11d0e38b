/*
 * Lab A (topologies/anycast-lab.json) with BIRD speakers, through the real
 * lab (root, bird2, anybgpd and anydnsd built; skips without them): each of
 * its three scenarios (failover, link-cut, service-dies) must pass with
 *   - every speaker BIRD (--kind bgp=bird),
 *   - the gateway BIRD and the DCs anybgpd (--kind gateway.bgp=bird),
 *   - the DCs BIRD and the gateway anybgpd (--kind bgp=bird --kind gateway.bgp=anybgpd),
 *   - dc001 running a user's own bird.conf ("config", the fixture
 *     tests/kinds/golden/bird/user-config.bird) beside a BIRD gateway.
 * And Lab B (topologies/multi-site.json) with BIRD as its central router and
 * route server. Each run's duration and failover figures are printed on standard error. `anylab
 * run` takes its lab down itself; hs_cleanup downs it by name if a run died.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cJSON.h>

#include "scenario/helper_scn.h"
#include "strbuf.h"

static char lab[16], dir[128], bin[512];
static const char *lab_a(void);

static const char *const scenarios[] = { "failover", "link-cut", "service-dies" };

static const char *
src_dir(void)
{
	return getenv("ANYLAB_SOURCE_DIR") ? getenv("ANYLAB_SOURCE_DIR") : ".";
}

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", (char *)NULL);
	if (access("/usr/sbin/bird", X_OK) < 0)
		cr_skip_test("bird2 is not installed (/usr/sbin/bird)");
	hs_lab_dir("hbl", "lab-bird", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

/* One `anylab run`; asserts it passed; logs how long it took and the failover figures. */
static void
run(const char *topology, const char *scenario, const char *kinds, const char *label)
{
	char cmd[2048], line[512];
	struct strbuf figures = STRBUF_INIT;
	const cJSON *f, *c;
	cJSON *res;
	int st;

	snprintf(cmd, sizeof(cmd),
	    "%s run %s --scenario %s --name %s --json --out %s %s "
	    "2>%s/run.err",
	    bin, topology, scenario, lab, dir, kinds, dir);
	res = hs_run_cmd(cmd, bin, lab, &st);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(res, "faults")) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(f, "clients")) {
			const cJSON *fo = cJSON_GetObjectItem(c, "failover_ms");
			const cJSON *back = cJSON_GetObjectItem(c, "back_ms");

			if (!cJSON_IsTrue(cJSON_GetObjectItem(c, "affected")))
				continue;
			snprintf(line, sizeof(line),
			    " %s: failover %s%.0f ms, lost %.0f, back %.0f ms;",
			    hs_field(c, "client"), cJSON_IsNumber(fo) ? "" : "none ",
			    cJSON_IsNumber(fo) ? fo->valuedouble : 0,
			    cJSON_GetNumberValue(cJSON_GetObjectItem(c, "lost")),
			    cJSON_IsNumber(back) ? back->valuedouble : -1);
			sb_puts(&figures, line);
		}
	}
	/* On standard error, so that ctest -V shows the figures. */
	fprintf(stderr, "%s [%s]: %s in %.1f s,%s\n", scenario, label,
	    cJSON_IsTrue(cJSON_GetObjectItem(res, "passed")) ? "passed" : "FAILED",
	    cJSON_GetNumberValue(cJSON_GetObjectItem(res, "duration_ms")) / 1000, sb_str(&figures));
	if (!cJSON_IsTrue(cJSON_GetObjectItem(res, "passed"))) {
		const cJSON *s;

		cJSON_ArrayForEach(s, cJSON_GetObjectItem(res, "steps"))
			cr_log_error("  %s: %s: %s", hs_field(s, "status"), hs_field(s, "label"),
			    hs_field(s, "detail"));
	}
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(res, "passed")), "%s %s did not pass (%s)",
	    scenario, kinds, hs_field(res, "error"));
	cr_assert_eq(st, 0, "anylab run exited %d", st);
	cJSON_Delete(res);
	sb_free(&figures);
}

/*
 * Lab A as the hold timer sees it (no BFD, no health checks), with the
 * scenarios of that time: for BIRD DCs, which have no health check (service-dies
 * is the black hole it always was), and for a user's bird.conf without BFD.
 */
static const char *
lab_a_holdtimer(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/tests/kinds/labs/anycast-lab-holdtimer.json", src_dir());
	return path;
}

static void
run_all(const char *topology, const char *kinds, const char *label)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run(topology, scenarios[i], kinds, label);
}

/* Failover and link-cut on Lab A; service-dies on the hold-timer lab (BIRD DCs). */
static void
run_all_bird_dcs(const char *kinds, const char *label)
{
	run(lab_a(), "failover", kinds, label);
	run(lab_a(), "link-cut", kinds, label);
	run(lab_a_holdtimer(), "service-dies", kinds, label);
}

static const char *
lab_a(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", src_dir());
	return path;
}

Test(lab_bird, every_speaker_bird, .init = setup, .fini = teardown, .timeout = 180)
{
	run_all_bird_dcs("--kind bgp=bird", "every speaker BIRD");
}

Test(lab_bird, gateway_bird_dcs_anybgpd, .init = setup, .fini = teardown, .timeout = 180)
{
	run_all(lab_a(), "--kind gateway.bgp=bird", "gateway BIRD, DCs anybgpd");
}

Test(lab_bird, dcs_bird_gateway_anybgpd, .init = setup, .fini = teardown, .timeout = 180)
{
	run_all_bird_dcs("--kind bgp=bird --kind gateway.bgp=anybgpd", "DCs BIRD, gateway anybgpd");
}

/* Lab A whose dc001 runs the user's own bird.conf, the scenarios file beside it. */
Test(lab_bird, user_config_on_dc001, .init = setup, .fini = teardown, .timeout = 180)
{
	char path[600], topo[256];
	cJSON *t, *dc;
	char *text;

	int st;

	/* The user's bird.conf has no BFD: the hold-timer lab. */
	snprintf(path, sizeof(path), "cat %s", lab_a_holdtimer());
	text = hs_output(path, &st);
	t = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(t);
	cJSON_DeleteItemFromObject(t, "$schema");
	dc = cJSON_GetObjectItem(cJSON_GetObjectItem(t, "nodes"), "dc001");
	cr_assert_not_null(dc);
	cJSON_ReplaceItemInObject(dc, "bgp",
	    cJSON_Parse("{\"kind\": \"bird\", "
			"\"config\": \"dc001-bird.conf\"}"));
	snprintf(topo, sizeof(topo), "%s/laba-user.json", dir);
	hs_write_json(topo, t);
	cr_assert_eq(hs_sh("cp %s/tests/kinds/golden/bird/user-config.bird %s/dc001-bird.conf",
			 src_dir(), dir),
	    0);
	run_all(topo, "--kind gateway.bgp=bird",
	    "dc001 on a user's bird.conf, gateway BIRD, dc002 anybgpd");
}

/* Remove every "damping" key under o (BIRD has no route flap damping). */
static void
strip_damping(cJSON *o)
{
	cJSON *c;

	cJSON_DeleteItemFromObjectCaseSensitive(o, "damping");
	cJSON_ArrayForEach(c, o)
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			strip_damping(c);
}

/*
 * Lab B (topologies/multi-site.json) with BIRD as the central router and as
 * the cloud's route server, on a copy without central's damping: the
 * on-premises clients reach the cloud over the tunnels over IPv6 when both
 * on-premises servers fail (the route server must pass the IPv6 routes of its
 * clients on with their own next hops), and the cloud clients reach on
 * premises when the cloud servers withdraw.
 */
Test(lab_bird, lab_b_central_and_route_server_bird, .init = setup, .fini = teardown, .timeout = 180)
{
	char path[600], topo[256];
	cJSON *t;
	char *text;
	int st;

	snprintf(path, sizeof(path), "cat %s/topologies/multi-site.json", src_dir());
	text = hs_output(path, &st);
	t = cJSON_Parse(text);
	free(text);
	cr_assert_not_null(t);
	cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "nodes"), "central"));
	strip_damping(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "nodes"), "central"));
	snprintf(topo, sizeof(topo), "%s/multi-site-bird.json", dir);
	hs_write_json(topo, t);
	cr_assert_eq(hs_sh("cp %s/topologies/multi-site.scenarios.json "
			   "%s/multi-site-bird.scenarios.json",
			 src_dir(), dir),
	    0);
	run(topo, "onprem-down", "--kind central.bgp=bird --kind rs.bgp=bird",
	    "Lab B, central and route server BIRD");
	run(topo, "cloud-withdraw", "--kind central.bgp=bird --kind rs.bgp=bird",
	    "Lab B, central and route server BIRD");
}
