/*
 * anybgpd's failure detectors and graceful operations, on the multipath lab
 * of tests/bgp/labs/ (a with a point-to-point link to each of b1 and b2, both
 * announcing 53.53.53.0/24) brought up with `anylab up` (needs root):
 *
 * - BFD (10 ms x 3): b1's speaker stopped (SIGSTOP) takes a's session down
 *   within a fraction of the hold time, and a's NOTIFICATION carries Cease
 *   subcode 10, BFD Down (RFC 9384), which b1 reads once it runs again;
 * - link state: b1's cable cut, a loses carrier and drops the session and
 *   the next hop at once;
 * - drain (RFC 8326): GRACEFUL_SHUTDOWN on b1's route, a lowers its
 *   LOCAL_PREF to 0 and keeps one next hop; undrain restores both;
 * - origin reasons: the operator's withdraw and a drain by withdrawal do not
 *   undo each other;
 * - SIGTERM: withdraw first, then Cease / Administrative Shutdown with the
 *   configured RFC 9003 message;
 * - convergence: `status` says converged (End-of-RIB both ways).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "bgp/helper_lab.h"
#include "bgp/helper_netns.h"
#include "ctl.h"
#include "scenario/helper_scn.h"

#define PFX "53.53.53.0/24"

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
	tl_require(&T, "det", "/bin/sh", (char *)NULL);
}

static void
teardown(void)
{
	tl_cleanup(&T);
}

/* The control socket's answer to cmd on node, parsed (caller deletes). */
static cJSON *
ctl(const char *node, const char *cmd)
{
	char path[256], *reply = NULL;
	cJSON *doc;

	snprintf(path, sizeof(path), "/run/anylab/%s/nodes/%s/bgp.ctl", T.lab, node);
	if (ctl_call(path, cmd, &reply, 3000) < 0)
		return NULL;
	doc = cJSON_Parse(reply);
	free(reply);
	return doc;
}

static bool
ctl_ok(const char *node, const char *cmd)
{
	cJSON *j = ctl(node, cmd);
	bool ok = j && cJSON_IsTrue(cJSON_GetObjectItem(j, "ok"));

	cJSON_Delete(j);
	return ok;
}

static long
daemon_pid(const char *node)
{
	cJSON *j = ctl(node, "status");
	long pid = j ? (long)cJSON_GetObjectItem(j, "pid")->valuedouble : -1;

	cJSON_Delete(j);
	return pid;
}

/* The multipath lab with BFD at 10 ms x 3 on every speaker, and b1's shutdown message. */
static void
up_lab(bool with_bfd)
{
	cJSON *doc = tl_fixture("multipath.json");
	cJSON *nodes = cJSON_GetObjectItem(doc, "nodes"), *n;

	cJSON_ArrayForEach(n, nodes) {
		cJSON *bgp = cJSON_GetObjectItem(n, "bgp");

		if (with_bfd)
			cJSON_AddItemToObject(bgp, "bfd",
			    cJSON_Parse("{ \"interval_ms\": 10, \"multiplier\": 3 }"));
		if (strcmp(n->string, "b1") == 0)
			cJSON_AddItemToObject(bgp, "shutdown",
			    cJSON_Parse("{ \"delay_ms\": 1500, \"message\": \"b1 going down for "
					"maintenance\" }"));
	}
	tl_up_doc(&T, doc, "");
	cJSON_Delete(doc);
	cr_assert(TN_WAIT(10000, tl_peer_state(&T, "a", "10.0.1.2", "Established")));
	cr_assert(TN_WAIT(10000, tl_peer_state(&T, "a", "10.0.2.2", "Established")));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 2));
}

/* a's BFD session with peer in state (as its "bfd" command shows it). */
static bool
bfd_state(const char *peer, const char *state)
{
	cJSON *j = ctl("a", "bfd"), *s;
	bool yes = false;

	cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "sessions")) {
		const char *p = hs_field(s, "peer"), *st = hs_field(s, "state");

		if (p && st && strcmp(p, peer) == 0 && strcmp(st, state) == 0)
			yes = true;
	}
	cJSON_Delete(j);
	return yes;
}

static char *
last_error(const char *node, const char *peer)
{
	cJSON *j = ctl(node, "peers"), *p;
	char *e = NULL;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers")) {
		if (strcmp(hs_field(p, "address"), peer) == 0)
			e = strdup(hs_field(p, "last_error"));
	}
	cJSON_Delete(j);
	return e ? e : strdup("");
}

static bool
error_says(const char *node, const char *peer, const char *text)
{
	char *e = last_error(node, peer);
	bool has = strstr(e, text) != NULL;

	free(e);
	return has;
}

/*
 * Whether NODE's bgp.log says text: what ended a session stays there after
 * the session is back (so does last_error, unless a failed connect replaced it).
 */
static bool
log_says(const char *node, const char *text)
{
	char path[512], *buf;
	bool has = false;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "/run/anylab/%s/nodes/%s/bgp.log", T.lab, node);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	buf = calloc(1, 1 << 20);
	cr_assert_not_null(buf);
	n = (long)fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	if (n > 0)
		has = strstr(buf, text) != NULL;
	free(buf);
	return has;
}

Test(detect, converged_when_up_returns, .init = setup, .fini = teardown, .timeout = 90)
{
	cJSON *j;

	up_lab(false);
	/* anylab up has waited for it: End-of-RIB both ways, nothing pending. */
	j = ctl("a", "status");
	cr_assert_not_null(j);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "converged")), "%s",
	    hs_field(j, "not_converged_because"));
	cJSON_Delete(j);
	j = ctl("a", "peers");
	cr_assert(
	    cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "peers"), 0),
		"in_sync")));
	cJSON_Delete(j);
}

Test(detect, bfd_down_ceases_with_subcode_10, .init = setup, .fini = teardown, .timeout = 120)
{
	double t0, took;
	long pid;
	char *e;

	up_lab(true);
	cr_assert(TN_WAIT(5000, bfd_state("10.0.1.2", "Up")), "BFD with b1 not Up");
	cr_assert(TN_WAIT(5000, bfd_state("10.0.2.2", "Up")), "BFD with b2 not Up");
	pid = daemon_pid("b1");
	cr_assert_gt(pid, 1);
	/* b1's speaker stops answering anything, BFD included; TCP stays up. */
	t0 = now_ms();
	cr_assert_eq(kill((pid_t)pid, SIGSTOP), 0);
	cr_assert(TN_WAIT(3000, !tl_peer_state(&T, "a", "10.0.1.2", "Established")));
	took = now_ms() - t0;
	cr_assert(TN_WAIT(1000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 1));
	e = last_error("a", "10.0.1.2");
	kill((pid_t)pid, SIGCONT);
	/* Hold time 9 s: BFD found it in tens of milliseconds (generous on a busy machine). */
	cr_assert_lt(took, 1500, "session down after %.0f ms", took);
	cr_assert_not_null(strstr(e, "bfd: session Down"), "a's last error: %s", e);
	cr_assert_not_null(strstr(e, "BFD Down"), "a's last error: %s", e);
	free(e);
	/*
	 * b1 reads the NOTIFICATION a sent while it was stopped (Cease 10, "BFD
	 * Down"), unless its own BFD timer, expired while it was stopped, fires
	 * first when it runs again ("bfd: session Down"): both are BFD's doing.
	 * Its log keeps it: a failed connect may have replaced last_error
	 * before a look at its peers.
	 */
	cr_assert(TN_WAIT(5000,
		      error_says("b1", "10.0.1.1", "BFD Down") ||
			  error_says("b1", "10.0.1.1", "bfd: session Down") ||
			  log_says("b1", "BFD Down") || log_says("b1", "bfd: session Down")),
	    "neither b1's last error nor its log says BFD ended the session");
	/* And both come back. */
	cr_assert(TN_WAIT(10000, tl_peer_state(&T, "a", "10.0.1.2", "Established")));
	cr_assert(TN_WAIT(5000, bfd_state("10.0.1.2", "Up")));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 2));
}

Test(detect, carrier_loss_drops_the_session_at_once, .init = setup, .fini = teardown, .timeout = 90)
{
	char *e;

	up_lab(false);
	/* The far end goes down: a's eth1 loses its carrier. */
	cr_assert_eq(hs_sh("%s link -l %s b1:eth0 down --cut >/dev/null", T.bin, T.lab), 0);
	cr_assert(TN_WAIT(500, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 1),
	    "the next hop through eth1 stayed");
	cr_assert(!tl_peer_state(&T, "a", "10.0.1.2", "Established"));
	e = last_error("a", "10.0.1.2");
	cr_assert_not_null(strstr(e, "link: interface eth1 down"), "a's last error: %s", e);
	free(e);
	cr_assert_eq(hs_sh("%s link -l %s b1:eth0 up --cut >/dev/null", T.bin, T.lab), 0);
	/* Retried at once, not after a back-off or a ConnectRetry tick (2 s here). */
	cr_assert(TN_WAIT(1500, tl_peer_state(&T, "a", "10.0.1.2", "Established")),
	    "session not back within 1.5 s of the carrier");
	cr_assert(TN_WAIT(1000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 2));
}

/* b1's path at a for PFX: its LOCAL_PREF (-1 when absent). */
static int
b1_local_pref(void)
{
	cJSON *j = tl_bgp(&T, "a", "routes " PFX), *r;
	int lp = -1;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "routes")) {
		const cJSON *v = cJSON_GetObjectItem(r, "local_pref");

		if (strcmp(hs_field(r, "peer"), "10.0.1.2") == 0 && cJSON_IsNumber(v))
			lp = v->valueint;
	}
	cJSON_Delete(j);
	return lp;
}

Test(detect, drain_with_graceful_shutdown_rfc8326, .init = setup, .fini = teardown, .timeout = 90)
{
	cJSON *j;

	up_lab(false);
	cr_assert_eq(b1_local_pref(), -1, "an external route carries no LOCAL_PREF");
	cr_assert(ctl_ok("b1", "drain"));
	/* b1 still announces, tagged: a keeps b1's path as the last resort. */
	cr_assert(TN_WAIT(2000, b1_local_pref() == 0), "LOCAL_PREF %d", b1_local_pref());
	cr_assert(TN_WAIT(2000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 1));
	cr_assert_eq(tl_routes(&T, "a", PFX, false, NULL), 2, "b1's path is still there");
	j = ctl("b1", "status");
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "drained"), 0)->valuestring,
	    PFX);
	cJSON_Delete(j);
	cr_assert(ctl_ok("b1", "undrain"));
	cr_assert(TN_WAIT(2000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 2));
	cr_assert_eq(b1_local_pref(), -1);
}

Test(detect, withdraw_reasons_do_not_undo_each_other, .init = setup, .fini = teardown,
    .timeout = 90)
{
	up_lab(false);
	cr_assert(ctl_ok("b1", "withdraw " PFX));
	cr_assert(ctl_ok("b1", "drain withdraw"));
	cr_assert(TN_WAIT(2000, tl_routes(&T, "a", PFX, false, NULL) == 1));
	/* Undrain lifts the drain only: the operator's withdraw still holds. */
	cr_assert(ctl_ok("b1", "undrain"));
	usleep(300 * 1000);
	cr_assert_eq(tl_routes(&T, "a", PFX, false, NULL), 1);
	cr_assert_not(ctl_ok("b1", "withdraw " PFX), "withdrawn twice");
	cr_assert(ctl_ok("b1", "announce " PFX));
	cr_assert(TN_WAIT(2000, tl_routes(&T, "a", PFX, false, NULL) == 2));
	cr_assert(TN_WAIT(2000, tn_kernel_nexthops(tl_ns(&T, "a"), PFX, "bgp") == 2));
}

Test(detect, sigterm_withdraws_then_ceases_with_a_message, .init = setup, .fini = teardown,
    .timeout = 90)
{
	double t0, gone = -1;
	long pid;
	char *e;

	up_lab(false);
	pid = daemon_pid("b1");
	cr_assert_gt(pid, 1);
	t0 = now_ms();
	cr_assert_eq(kill((pid_t)pid, SIGTERM), 0);
	/* The route goes first, while the session is still up (1.5 s delay: a
	 * loaded machine under ASan takes a few hundred ms per `anylab bgp`). */
	cr_assert(TN_WAIT(2000, tl_routes(&T, "a", PFX, false, NULL) == 1));
	gone = now_ms() - t0;
	cr_assert(tl_peer_state(&T, "a", "10.0.1.2", "Established"),
	    "the session closed before the delay (route gone after %.0f ms)", gone);
	cr_assert(TN_WAIT(5000, !tl_peer_state(&T, "a", "10.0.1.2", "Established")));
	e = last_error("a", "10.0.1.2");
	cr_assert_not_null(strstr(e, "Administrative Shutdown"), "a's last error: %s", e);
	cr_assert_not_null(strstr(e, "b1 going down for maintenance"), "a's last error: %s", e);
	free(e);
}
