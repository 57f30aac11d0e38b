/*
 * A generated lab run (root): `anylab generate anycast --sites 4
 * --instances 2 --clients 60` (253 nodes, every one of the 240 clients
 * probed by the one prober), then its site-down and instance-down
 * scenarios with `anylab run`, each asserted on its results: every step
 * held, and in the fault's per-client figures every client of s01
 * answered by another site (another instance of s01) during the fault and
 * by its own instance after it, and no client of another site affected at
 * all; the fault's catchment names the failed instances and counts no
 * collateral move. Then site-down again with the gentle timers a large
 * lab gets by default (--bfd-interval 500 --check-interval 1000: 1.5 s of
 * detection, 3 s allowed): every step holds and s01's clients fail over
 * after BFD's detection time, not before. Skips without root or without
 * the daemons built.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cJSON.h>

#include "scenario/helper_scn.h"

static char lab[16], dir[128], bin[512], topo[256];

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	hs_lab_dir("gn", "generate", lab, sizeof(lab), dir, sizeof(dir));
	snprintf(topo, sizeof(topo), "%s/lab.json", dir);
	cr_assert_eq(hs_sh("%s generate anycast --sites 4 --instances 2 --clients 60 --seed 1 "
			   "--name %s -o %s",
			 bin, lab, topo),
	    0, "anylab generate failed");
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(root_generate, .init = setup, .fini = teardown, .timeout = 120);

/* The first fault's per-client figures, every client of the lab in them. */
static const cJSON *
fault_clients(const cJSON *j)
{
	const cJSON *cl = hs_get(cJSON_GetArrayItem(hs_get(j, "faults"), 0), "clients");

	cr_assert_eq(cJSON_GetArraySize(cl), 240, "%d clients in the fault's figures",
	    cJSON_GetArraySize(cl));
	return cl;
}

Test(root_generate, site_down)
{
	int status;
	cJSON *j = hs_run(bin, topo, "site-down", lab, dir, NULL, &status);
	const cJSON *c, *catchment;

	hs_assert_held(j, status, "site-down");
	catchment = hs_get(cJSON_GetArrayItem(hs_get(j, "faults"), 0), "catchment");
	cr_assert_eq(cJSON_GetArraySize(hs_get(catchment, "failed_instances")), 2,
	    "the site's two instances failed");
	cr_assert_eq(hs_get(catchment, "of_failed")->valueint, 60, "s01's 60 clients were theirs");
	cr_assert_eq(hs_get(hs_get(hs_get(catchment, "collateral"), "during"), "count")->valueint,
	    0, "collateral moves during the fault");
	cJSON_ArrayForEach(c, fault_clients(j)) {
		const char *name = hs_field(c, "client");

		if (strncmp(name, "s01-", 4) == 0) {
			cr_expect_eq(strncmp(hs_field(c, "before"), "S01-", 4), 0, "%s before: %s",
			    name, hs_field(c, "before"));
			cr_expect_neq(strncmp(hs_field(c, "during"), "S01-", 4), 0,
			    "%s answered by %s with its site down", name, hs_field(c, "during"));
			cr_expect_str_eq(hs_field(c, "after"), hs_field(c, "before"),
			    "%s did not come back", name);
		} else {
			cr_expect(cJSON_IsFalse(hs_get(c, "affected")), "%s (outside s01) affected",
			    name);
			cr_expect_str_eq(hs_field(c, "during"), hs_field(c, "before"), "%s moved",
			    name);
		}
	}
	cJSON_Delete(j);
}

Test(root_generate, instance_down)
{
	int status, moved = 0;
	cJSON *j = hs_run(bin, topo, "instance-down", lab, dir, NULL, &status);
	const cJSON *c;

	hs_assert_held(j, status, "instance-down");
	cJSON_ArrayForEach(c, fault_clients(j)) {
		const char *name = hs_field(c, "client");

		if (strcmp(hs_field(c, "before"), "S01-DNS1") == 0) {
			moved++;
			cr_expect_str_eq(hs_field(c, "during"), "S01-DNS2", "%s", name);
			cr_expect_str_eq(hs_field(c, "after"), "S01-DNS1", "%s", name);
		} else if (strncmp(name, "s01-", 4) != 0) {
			cr_expect(cJSON_IsFalse(hs_get(c, "affected")), "%s (outside s01) affected",
			    name);
		}
	}
	cr_expect_gt(moved, 0, "no client was on S01-DNS1");
	cJSON_Delete(j);
}

/* The timers a lab of more than 64 instances gets, on this small one: the 3 s allowed is enough. */
Test(root_generate, site_down_gentle_timers)
{
	char gentle[300];
	int status, n = 0;
	cJSON *j;
	const cJSON *c;

	snprintf(gentle, sizeof(gentle), "%s/gentle.json", dir);
	cr_assert_eq(hs_sh("%s generate anycast --sites 4 --instances 2 --clients 60 --seed 1 "
			   "--bfd-interval 500 --check-interval 1000 --name %s -o %s",
			 bin, lab, gentle),
	    0, "anylab generate failed");
	j = hs_run(bin, gentle, "site-down", lab, dir, NULL, &status);
	hs_assert_held(j, status, "site-down with BFD 500 ms x 3");
	cJSON_ArrayForEach(c, fault_clients(j)) {
		const cJSON *f = hs_get(c, "failover_ms");

		if (strncmp(hs_field(c, "client"), "s01-", 4) != 0)
			continue;
		n++;
		/* Detection: 3 x 500 ms after the last packet, sent up to 500 ms before the fault. */
		cr_expect(cJSON_IsNumber(f) && f->valuedouble >= 900 && f->valuedouble < 3000,
		    "%s failed over in %g ms", hs_field(c, "client"),
		    cJSON_IsNumber(f) ? f->valuedouble : -1.0);
	}
	cr_assert_eq(n, 60);
	cJSON_Delete(j);
}
