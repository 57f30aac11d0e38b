/*
 * Lab A (topologies/anycast-lab.json) with FRR speakers through the whole
 * lab (needs root, frr and the built anylab; skips without): each of its
 * three scenarios (failover, link-cut, service-dies) run by `anylab run
 * --kind ... --keep` with every speaker FRR, with the gateway FRR and the
 * DCs anybgpd, and the reverse; and maintenance with every speaker FRR
 * (drain and undrain through `bgp graceful-shutdown`, not one query lost). Each run must hold every expectation; the
 * kept lab is then asked which daemon each speaker is (so a --kind that is
 * not applied fails the test) and taken down. Durations and failover
 * figures are logged. The lab is taken down on every path (fini, atexit).
 */
#include <criterion/criterion.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>

static char lab[16];
static char outdir[64];
static char anylab[1024];
static char topo[1024];
static char topo_ht[1024]; /* no BFD, no health checks: the hold timer */

/* Run a shell command; its standard output (caller frees) and exit status. */
static int
run(char **out, const char *fmt, ...)
{
	char cmd[4096], buf[8192];
	size_t len = 0, n;
	char *text = NULL;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *t = realloc(text, len + n + 1);

		if (t == NULL)
			break;
		text = t;
		memcpy(text + len, buf, n);
		len += n;
		text[len] = '\0';
	}
	st = pclose(f);
	if (out != NULL)
		*out = text;
	else
		free(text);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
lab_down(void)
{
	if (lab[0] != '\0' && anylab[0] != '\0')
		run(NULL, "%s down %s >/dev/null 2>&1", anylab, lab);
	if (outdir[0] != '\0')
		run(NULL, "rm -rf '%s'", outdir);
}

static void
setup(void)
{
	const char *bin = getenv("ANYLAB_BUILD_DIR"), *src = getenv("ANYLAB_SOURCE_DIR");

	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	if (access("/usr/lib/frr/bgpd", X_OK) < 0 || access("/usr/lib/frr/zebra", X_OK) < 0 ||
	    getpwnam("frr") == NULL)
		cr_skip_test("FRR is not installed (Debian package frr)");
	snprintf(anylab, sizeof(anylab), "%s/bin/anylab", bin ? bin : "build");
	if (access(anylab, X_OK) < 0)
		cr_skip_test("%s is not built", anylab);
	snprintf(topo, sizeof(topo), "%s/topologies/anycast-lab.json", src ? src : ".");
	snprintf(topo_ht, sizeof(topo_ht), "%s/tests/kinds/labs/anycast-lab-holdtimer.json",
	    src ? src : ".");
	snprintf(lab, sizeof(lab), "hfl%d", (int)getpid() % 100000);
	snprintf(outdir, sizeof(outdir), "/tmp/%s-results", lab);
	atexit(lab_down);
}

static void
teardown(void)
{
	lab_down();
}

/* The daemon `anylab bgp NODE status` names on the kept lab. */
static char *
speaker_daemon(const char *node)
{
	char *out = NULL, *d = NULL;
	cJSON *j;

	run(&out, "%s bgp -l %s %s status --json 2>/dev/null", anylab, lab, node);
	j = out ? cJSON_Parse(out) : NULL;
	if (cJSON_IsString(cJSON_GetObjectItem(j, "daemon")))
		d = strdup(cJSON_GetObjectItem(j, "daemon")->valuestring);
	cJSON_Delete(j);
	free(out);
	return d ? d : strdup("?");
}

/* "1234 ms", or "none" for a null (no failover: the client stayed on its DC). */
static void
ms_text(const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsNumber(v))
		snprintf(buf, len, "%.0f ms", v->valuedouble);
	else
		snprintf(buf, len, "none");
}

static void
scenario(const char *name, const char *kinds, const char *gw_daemon, const char *dc_daemon)
{
	char *out = NULL, *d;
	const cJSON *f, *c;
	cJSON *res;
	int rc;

	/* FRR DCs have no health check: service-dies is the hold-timer lab's black hole. */
	const char *tp = strcmp(name, "service-dies") == 0 && strcmp(dc_daemon, "frr") == 0 ?
	    topo_ht :
	    topo;

	rc = run(&out, "%s run %s --scenario %s --name %s %s --keep --json --out %s", anylab, tp,
	    name, lab, kinds, outdir);
	res = out ? cJSON_Parse(out) : NULL;
	cr_assert_not_null(res, "%s (%s): no results JSON (exit %d)", name, kinds, rc);
	cr_log_info("Lab A %s with %s: %s, %d of %d expectations held, %.1f s", name, kinds,
	    cJSON_IsTrue(cJSON_GetObjectItem(res, "passed")) ? "passed" : "FAILED",
	    (int)cJSON_GetNumberValue(cJSON_GetObjectItem(res, "held")),
	    (int)cJSON_GetNumberValue(cJSON_GetObjectItem(res, "expectations")),
	    cJSON_GetNumberValue(cJSON_GetObjectItem(res, "duration_ms")) / 1000);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(res, "faults"))
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(f, "clients")) {
			if (!cJSON_IsTrue(cJSON_GetObjectItem(c, "affected")))
				continue;
			char fo[32], back[32];

			ms_text(cJSON_GetObjectItem(c, "failover_ms"), fo, sizeof(fo));
			ms_text(cJSON_GetObjectItem(c, "back_ms"), back, sizeof(back));
			cr_log_info("  %s: %s -> %s -> %s, failover %s, %d lost, back %s",
			    cJSON_GetStringValue(cJSON_GetObjectItem(c, "client")),
			    cJSON_GetStringValue(cJSON_GetObjectItem(c, "before")),
			    cJSON_GetStringValue(cJSON_GetObjectItem(c, "during")),
			    cJSON_GetStringValue(cJSON_GetObjectItem(c, "after")), fo,
			    (int)cJSON_GetNumberValue(cJSON_GetObjectItem(c, "lost")), back);
		}
	cr_expect_eq(rc, 0, "%s with %s: exit %d", name, kinds, rc);
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(res, "passed")), "%s with %s failed", name,
	    kinds);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(res, "failed")), 0);
	cJSON_Delete(res);
	free(out);
	/* The kinds asked for are the ones that ran. */
	d = speaker_daemon("gateway");
	cr_expect_str_eq(d, gw_daemon, "gateway ran %s", d);
	free(d);
	d = speaker_daemon("dc001");
	cr_expect_str_eq(d, dc_daemon, "dc001 ran %s", d);
	free(d);
	d = speaker_daemon("dc002");
	cr_expect_str_eq(d, dc_daemon, "dc002 ran %s", d);
	free(d);
	lab_down();
}

#define KINDS_ALL "--kind bgp=frr"
#define KINDS_GW  "--kind gateway.bgp=frr"
#define KINDS_DCS "--kind bgp=frr --kind gateway.bgp=anybgpd"

Test(lab_frr, failover_all_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("failover", KINDS_ALL, "frr", "frr");
}

Test(lab_frr, link_cut_all_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("link-cut", KINDS_ALL, "frr", "frr");
}

Test(lab_frr, service_dies_all_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("service-dies", KINDS_ALL, "frr", "frr");
}

Test(lab_frr, failover_gateway_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("failover", KINDS_GW, "frr", "anybgpd");
}

Test(lab_frr, link_cut_gateway_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("link-cut", KINDS_GW, "frr", "anybgpd");
}

Test(lab_frr, service_dies_gateway_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("service-dies", KINDS_GW, "frr", "anybgpd");
}

Test(lab_frr, failover_dcs_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("failover", KINDS_DCS, "anybgpd", "frr");
}

Test(lab_frr, link_cut_dcs_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("link-cut", KINDS_DCS, "anybgpd", "frr");
}

Test(lab_frr, service_dies_dcs_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("service-dies", KINDS_DCS, "anybgpd", "frr");
}

Test(lab_frr, maintenance_all_frr, .init = setup, .fini = teardown, .timeout = 180)
{
	scenario("maintenance", KINDS_ALL, "frr", "frr");
}
