/*
 * Lab A with a port per DC end to end (root): `anylab run
 * topologies/anycast-p2p.json --scenario failover|link-cut` on a lab of this
 * test's own name. The gateway sees dc001's link go down (its port loses
 * carrier, or goes down with the cut), so its speaker closes the session at
 * once: DC001's client is answered by DC002 within the scenario's 1 s,
 * long before the 9 s hold time, and comes back; DC002's client is not
 * touched. Skips without root or without the daemons built.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cJSON.h>

#include "helper_scn.h"

static char lab[16], dir[128], bin[512], topo[512];

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	snprintf(topo, sizeof(topo), "%s/topologies/anycast-p2p.json", getenv("ANYLAB_SOURCE_DIR"));
	hs_lab_dir("pp", "p2p", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(lab_p2p, .init = setup, .fini = teardown, .timeout = 120);

static void
run_and_check(const char *scenario)
{
	const cJSON *f, *c;
	int status, moved = 0;
	cJSON *j = hs_run(bin, topo, scenario, lab, dir, NULL, &status);

	hs_assert_held(j, status, scenario);
	cr_assert_eq(hs_get(j, "expectations")->valueint, 9);
	cr_assert_eq(cJSON_GetArraySize(hs_get(j, "faults")), 1);
	f = cJSON_GetArrayItem(hs_get(j, "faults"), 0);
	cJSON_ArrayForEach(c, hs_get(f, "clients")) {
		if (strcmp(hs_field(c, "before"), "DC001") != 0) {
			cr_assert_str_eq(hs_field(c, "before"), "DC002");
			cr_assert(cJSON_IsFalse(hs_get(c, "affected")));
			cr_assert_eq(hs_get(c, "lost")->valueint, 0);
			continue;
		}
		moved++;
		cr_assert_str_eq(hs_field(c, "during"), "DC002");
		cr_assert_str_eq(hs_field(c, "after"), "DC001");
		/* Link state: well under a second, where the hold timer takes 6 to 9 s. */
		cr_assert_lt(hs_get(c, "failover_ms")->valuedouble, 1000, "failover %.0f ms",
		    hs_get(c, "failover_ms")->valuedouble);
		cr_assert_lt(hs_get(c, "lost")->valueint, 100);
	}
	cr_assert_eq(moved, 1, "one client was DC001's");
	cJSON_Delete(j);
}

Test(lab_p2p, failover_by_link_state)
{
	run_and_check("failover");
}

Test(lab_p2p, link_cut_by_link_state)
{
	run_and_check("link-cut");
}
