/*
 * Lab A's failover scenario with the DCs' DNS served by NSD and by Knot
 * (root): `anylab run topologies/anycast-lab.json --scenario failover
 * --kind dns=nsd|knot --keep` on a lab of this test's own name; every
 * expectation holds, the client that DC001 answered moves to DC002 and
 * back (the probes tell the instances apart by the TXT text, which the
 * daemon under test serves), and the answers through the anycast address
 * come from that daemon indeed (CHAOS version.server, which anydnsd
 * refuses, names NSD or Knot DNS; the node's folder holds its config).
 * The failover figures and the run's duration go to standard error. Skips
 * without root, without anylab and anybgpd built, or without the daemon;
 * the lab is taken down and the folder removed on every path.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>

#include "anylab.h"
#include "scenario/helper_scn.h"
#include "state.h"

static char lab[16], dir[128], bin[512], topo[512];

static void
teardown(void)
{
	if (lab[0] != '\0')
		hs_cleanup(bin, lab, dir);
}

TestSuite(root_lab_dns, .fini = teardown, .timeout = 240);

/* The DC001 client failed over to DC002 and came back, the other untouched. */
static void
assert_failover(const cJSON *j, const char *kind)
{
	const cJSON *f, *c;
	int moved = 0, untouched = 0;

	cr_assert_eq(cJSON_GetArraySize(hs_get(j, "faults")), 1);
	f = cJSON_GetArrayItem(hs_get(j, "faults"), 0);
	cJSON_ArrayForEach(c, hs_get(f, "clients")) {
		const char *before = hs_get(c, "before")->valuestring;

		cr_assert_not_null(before, "%s: a client had no answer before the fault", kind);
		if (strcmp(before, "DC001") == 0) {
			double fo = hs_get(c, "failover_ms")->valuedouble;

			moved++;
			cr_assert_str_eq(hs_get(c, "during")->valuestring, "DC002");
			cr_assert_str_eq(hs_get(c, "after")->valuestring, "DC001");
			/* BFD (10 ms x 3) tells the gateway, long before the 9 s hold time. */
			cr_assert(fo > 0 && fo < 1000, "%s: failover %.0f ms", kind, fo);
			cr_assert(cJSON_IsNumber(hs_get(c, "back_ms")));
			fprintf(stderr,
			    "root_lab_dns: %s: %s failed over in %.3f s (%d lost), back "
			    "in %.3f s\n",
			    kind, hs_field(c, "client"), fo / 1000, hs_get(c, "lost")->valueint,
			    hs_get(c, "back_ms")->valuedouble / 1000);
		} else {
			untouched++;
			cr_assert_str_eq(before, "DC002");
			cr_assert_eq(hs_get(c, "lost")->valueint, 0);
		}
	}
	cr_assert_eq(moved, 1, "%s: no client moved from DC001", kind);
	cr_assert_eq(untouched, 1);
}

static void
run_with(const char *kind, const char *program, const char *conf, const char *version)
{
	char cmd[2048], node_dir[ANYLAB_PATH_MAX], path[ANYLAB_PATH_MAX + 32], *text;
	long long t0;
	int status;
	cJSON *j;

	hs_require(bin, sizeof(bin), "anybgpd", NULL);
	if (access(program, X_OK) < 0)
		cr_skip_test("%s is not installed", program);
	snprintf(topo, sizeof(topo), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	hs_lab_dir("hd", kind, lab, sizeof(lab), dir, sizeof(dir));

	snprintf(cmd, sizeof(cmd), "--kind dns=%s --keep", kind);
	t0 = emu_now_us();
	j = hs_run(bin, topo, "failover", lab, dir, cmd, &status);
	fprintf(stderr, "root_lab_dns: %s: `anylab run` took %.1f s\n", kind,
	    (double)(emu_now_us() - t0) / 1e6);
	fprintf(stderr, "root_lab_dns: %s: scenario %.1f s\n", kind,
	    hs_get(j, "duration_ms")->valuedouble / 1000);
	hs_assert_held(j, status, kind);
	assert_failover(j, kind);
	cJSON_Delete(j);

	/* The daemon under test answered: its files, and its name through the anycast address. */
	for (int i = 1; i <= 2; i++) {
		char node[8];

		snprintf(node, sizeof(node), "dc00%d", i);
		state_node_dir(lab, node, node_dir, sizeof(node_dir));
		snprintf(path, sizeof(path), "%s/%s", node_dir, conf);
		cr_expect_eq(access(path, R_OK), 0, "%s was not written", path);
	}
	for (int i = 1; i <= 2 && access("/usr/bin/dig", X_OK) == 0; i++) {
		snprintf(cmd, sizeof(cmd),
		    "%s exec -l %s client%d -- dig +short +norec +time=2 "
		    "CH TXT version.server @51.51.51.51",
		    bin, lab, i);
		text = hs_output(cmd, &status);
		cr_expect_not_null(strstr(text, version), "client%d asked version.server: %s", i,
		    text);
		free(text);
	}
}

Test(root_lab_dns, failover_nsd)
{
	run_with("nsd", "/usr/sbin/nsd", "nsd.conf", "NSD");
}

Test(root_lab_dns, failover_knot)
{
	run_with("knot", "/usr/sbin/knotd", "knot.conf", "Knot DNS");
}
