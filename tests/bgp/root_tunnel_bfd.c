/*
 * BGP over a VXLAN tunnel that fails silently (needs root): the lab of
 * tests/bgp/labs/tunnel.json, two anybgpd speakers peering between their
 * tunnel addresses, the tunnel over an "internet" router. A cut of the
 * tunnel (`anylab link --cut`) keeps every carrier up, so anybgpd's link
 * state detector sees nothing; BFD at 10 ms x 3 takes the session down
 * within well under a second (the hold time is 9 s), and the session comes
 * back after the restore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "bgp/helper_lab.h"
#include "bgp/helper_netns.h"
#include "scenario/helper_scn.h"

static struct tlab T;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
setup(void)
{
	tl_require(&T, "tbf", "/bin/sh", (char *)NULL);
}

static void
teardown(void)
{
	tl_cleanup(&T);
}

/* `anylab link -l LAB SPEC up|down --cut`: its exit status. */
static int
cut(const char *spec, const char *updown)
{
	int st = hs_sh("%s link -l %s %s %s --cut >>%s/link.out 2>>%s/link.err", T.bin, T.lab, spec,
	    updown, T.dir, T.dir);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* a's last_error for its peer. */
static char *
last_error(void)
{
	cJSON *j = tl_bgp(&T, "a", "peers"), *p;
	char *e = NULL;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers")) {
		const char *s = hs_field(p, "last_error");

		if (e == NULL && s != NULL)
			e = strdup(s);
	}
	cJSON_Delete(j);
	return e ? e : strdup("");
}

/* The carrier of NODE:tun0 as `anylab status --json` reads it. */
static bool
carrier_up(const char *node)
{
	char cmd[sizeof(T.bin) + sizeof(T.lab) + 32];
	char *out;
	int st;
	bool up = false;
	cJSON *doc, *n, *i;

	snprintf(cmd, sizeof(cmd), "%s status %s --json", T.bin, T.lab);
	out = hs_output(cmd, &st);
	doc = cJSON_Parse(out);
	free(out);
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		if (strcmp(hs_field(n, "name"), node) != 0)
			continue;
		cJSON_ArrayForEach(i, cJSON_GetObjectItem(n, "interfaces")) {
			if (strcmp(hs_field(i, "name"), "tun0") == 0)
				up = strcmp(hs_field(i, "carrier"), "up") == 0;
		}
	}
	cJSON_Delete(doc);
	return up;
}

Test(tunnel_bfd, silent_cut_found_by_bfd, .init = setup, .fini = teardown, .timeout = 120)
{
	cJSON *doc = tl_fixture("tunnel.json"), *n;
	double t0, took;
	char *e;

	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		cJSON *bgp = cJSON_GetObjectItem(n, "bgp");

		if (bgp != NULL)
			cJSON_AddItemToObject(bgp, "bfd",
			    cJSON_Parse("{ \"interval_ms\": 10, \"multiplier\": 3 }"));
	}
	tl_up_doc(&T, doc, "");
	cJSON_Delete(doc);
	cr_assert(TN_WAIT(10000, tl_peer_state(&T, "a", "172.31.0.2", "Established")));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "bgp") == 1),
	    "a has no route to b's prefix over the tunnel");

	t0 = now_ms();
	cr_assert_eq(cut("a:tun0", "down"), 0, "link --cut failed");
	cr_assert(TN_WAIT(3000, !tl_peer_state(&T, "a", "172.31.0.2", "Established")),
	    "the session stayed up after the tunnel was cut");
	took = now_ms() - t0;
	cr_assert(TN_WAIT(1000, tn_kernel_nexthops(tl_ns(&T, "a"), "52.52.52.0/24", "bgp") <= 0),
	    "a kept b's route");
	e = last_error();
	cr_expect(carrier_up("a") && carrier_up("b"), "a tunnel end lost its carrier");
	cr_expect_lt(took, 1000, "session down %.0f ms after the cut", took);
	cr_expect_not_null(strstr(e, "bfd"), "a's last error: %s (expected BFD's)", e);
	cr_log_info("session down %.0f ms after the silent cut; last error: %s", took, e);
	free(e);

	cr_assert_eq(cut("a:tun0", "up"), 0, "link up --cut failed");
	cr_assert(TN_WAIT(20000, tl_peer_state(&T, "a", "172.31.0.2", "Established")),
	    "the session did not come back after the restore");
}
