/*
 * Lab B (root): every scenario of topologies/multi-site.json run with
 * `anylab run` on a lab of this test's own name, each asserted on its
 * results: every step passed, and what the scenario is about seen in the
 * measurements: the on-premises clients answered from the cloud over the
 * tunnels and back (over IPv6), the cloud clients on premises and back (the
 * split brain), a silent tunnel failure costing at most 10 queries, a rogue
 * announcement and a flapping server contained. Skips without root or
 * without the daemons built.
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
	snprintf(topo, sizeof(topo), "%s/topologies/multi-site.json", getenv("ANYLAB_SOURCE_DIR"));
	hs_lab_dir("ms", "multisite", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(lab_multisite, .init = setup, .fini = teardown, .timeout = 120);

/* Runs the scenario; every step must pass (or be done). The caller deletes. */
static cJSON *
run(const char *scenario)
{
	int status;
	cJSON *j = hs_run(bin, topo, scenario, lab, dir, NULL, &status);

	hs_assert_held(j, status, scenario);
	return j;
}

/* Fault n's figures for client. */
static const cJSON *
fault_client(const cJSON *j, int n, const char *client)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, hs_get(cJSON_GetArrayItem(hs_get(j, "faults"), n), "clients")) {
		if (strcmp(hs_field(c, "client"), client) == 0)
			return c;
	}
	cr_assert_fail("fault %d has no client %s", n, client);
	return NULL;
}

static bool
cloud(const char *inst)
{
	return strcmp(inst, "DNS3") == 0 || strcmp(inst, "DNS4") == 0;
}

Test(lab_multisite, site_preference)
{
	cJSON_Delete(run("site-preference"));
}

/* dns2 fails second: during its fault both on-premises clients are in the cloud. */
Test(lab_multisite, onprem_down_over_ipv6)
{
	cJSON *j = run("onprem-down");
	const char *c[] = { "client1", "client2" };

	for (int i = 0; i < 2; i++) {
		const cJSON *f = fault_client(j, 1, c[i]);

		cr_assert(cloud(hs_field(f, "during")), "%s answered by %s with both servers down",
		    c[i], hs_field(f, "during"));
	}
	cJSON_Delete(j);
}

Test(lab_multisite, cloud_withdraw_split_brain)
{
	cJSON *j = run("cloud-withdraw");
	const cJSON *f = fault_client(j, 1, "client3");

	cr_assert(!cloud(hs_field(f, "during")), "client3 stayed in the cloud: %s",
	    hs_field(f, "during"));
	cJSON_Delete(j);
}

Test(lab_multisite, tunnel_down_silently)
{
	cJSON_Delete(run("tunnel-down"));
}

/* And the lab kept: central's log names the routes its import rules rejected. */
Test(lab_multisite, rogue_announcement_filtered)
{
	char cmd[1024], *text;
	int status;
	cJSON *j = hs_run(bin, topo, "rogue-announcement", lab, dir, "--keep", &status);

	hs_assert_held(j, status, "rogue-announcement");
	cJSON_Delete(j);
	snprintf(cmd, sizeof(cmd), "cat /run/anylab/%s/nodes/central/bgp.log", lab);
	text = hs_output(cmd, &status);
	cr_expect(strstr(text, ": 0.0.0.0/0 rejected by the import policy") != NULL,
	    "the default route's rejection is not logged:\n%s", text);
	cr_expect(strstr(text, ": 192.0.2.0/24 rejected by the import policy") != NULL,
	    "192.0.2.0/24's rejection is not logged:\n%s", text);
	free(text);
}

/*
 * And the lab kept: `anylab bgp central routes` shows dns2's route
 * suppressed with its penalty and the time to its reuse, as plain text.
 */
Test(lab_multisite, flapping_server_damped)
{
	char cmd[1024], *text;
	int status;
	cJSON *j = hs_run(bin, topo, "flapping-server", lab, dir, "--keep", &status);

	hs_assert_held(j, status, "flapping-server");
	cJSON_Delete(j);
	snprintf(cmd, sizeof(cmd), "%s bgp -l %s central routes 51.51.51.0/24", bin, lab);
	text = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "`%s`: %d", cmd, status);
	cr_expect(strstr(text, "damping penalty ") != NULL, "no penalty shown:\n%s", text);
	cr_expect(strstr(text, ", suppressed, reuse in ") != NULL, "nothing suppressed:\n%s", text);
	free(text);
}
