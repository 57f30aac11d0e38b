/*
 * Lab A (topologies/anycast-lab.json) with the DCs' speakers on GoBGP and
 * on OpenBGPD, the gateway on anybgpd (root; skips without root, the built
 * anylab or the daemons): `anylab run --scenario S --kind bgp=KIND --kind
 * gateway.bgp=anybgpd` must hold every expectation of failover (9:
 * sessions, both next hops, clients split, DC001's adapter disabled and its
 * clients moved to DC002, the session down, the adapter back and DC001
 * answering again), link-cut (8) and service-dies (10: the DNS responder
 * killed while BGP stays). And the gateway on those kinds is refused with
 * its reason:
 * neither GoBGP 3.10 (no zebra it can read here) nor OpenBGPD 7.7 on
 * Linux puts routes in the kernel, and the gateway's multipath set of 2
 * is refused by both. Each run uses its own lab name (hgl<pid><n>) and
 * results folder, removed at the end whatever happened.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "kinds/helper_bgpkind.h"

extern const struct kind_ops kind_gobgp, kind_openbgpd;

static char anylab[1024], topo[1024], outdir[64], lab[32];

static void
need(const struct kind_ops *kind)
{
	const char *bdir = getenv("ANYLAB_BUILD_DIR");

	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	for (size_t i = 0; kind->programs[i] != NULL; i++)
		if (access(kind->programs[i], X_OK) < 0)
			cr_skip_test("%s is not installed (Debian package %s)", kind->programs[i],
			    kind->package);
	if (bdir != NULL)
		snprintf(anylab, sizeof(anylab), "%s/bin/anylab", bdir);
	else
		bk_source("build/bin/anylab", anylab, sizeof(anylab));
	if (access(anylab, X_OK) < 0)
		cr_skip_test("%s is not built (tools/build.sh)", anylab);
	/* GoBGP and OpenBGPD have no BFD: the hold-timer lab and its scenarios. */
	bk_source("tests/kinds/labs/anycast-lab-holdtimer.json", topo, sizeof(topo));
	snprintf(outdir, sizeof(outdir), "/tmp/hglXXXXXX");
	cr_assert_not_null(mkdtemp(outdir));
}

/* Run anylab with the arguments in cmd; its output (caller frees) and exit status. */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
run(char **out, const char *fmt, ...)
{
	char args[2048], cmd[4096];
	size_t len = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s 2>&1", outdir, anylab, args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	*out = NULL;
	if (getdelim(out, &len, '\0', p) < 0 && *out == NULL)
		*out = strdup("");
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
cleanup(void)
{
	char cmd[1200];

	if (lab[0] != '\0') {
		/* down by exact name when a failed run left the lab up */
		snprintf(cmd, sizeof(cmd), "'%s' down %s >/dev/null 2>&1", anylab, lab);
		if (system(cmd) == -1)
			cr_log_warn("could not run %s", cmd);
	}
	if (outdir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", outdir);
		if (system(cmd) == -1)
			cr_log_warn("could not run %s", cmd);
	}
	lab[0] = outdir[0] = '\0';
}

/* Every expectation of the scenario held: "PASS: N of N expectations held", N > 0. */
static bool
all_held(const char *out, int *held)
{
	const char *p = strstr(out, "PASS: ");
	int total = -1;

	*held = -1;
	return p != NULL && sscanf(p, "PASS: %d of %d expectations held", held, &total) == 2 &&
	    *held == total && total > 0;
}

static void
scenario(const struct kind_ops *kind, const char *name, int n, int want)
{
	char *out = NULL;
	int rc, held;

	need(kind);
	snprintf(lab, sizeof(lab), "hgl%d%d", (int)(getpid() % 10000), n);
	rc = run(&out,
	    "run '%s' --scenario %s --name %s --kind bgp=%s "
	    "--kind gateway.bgp=anybgpd",
	    topo, name, lab, kind->name);
	cr_log_info("%s", out);
	cr_expect_eq(rc, 0, "anylab run exited %d", rc);
	cr_expect(all_held(out, &held) && held == want,
	    "%s with the DCs on %s: %d of %d "
	    "expectations held:\n%s",
	    name, kind->name, held, want, out);
	free(out);
}

Test(lab_kinds, failover_dcs_on_gobgp, .fini = cleanup, .timeout = 300)
{
	scenario(&kind_gobgp, "failover", 1, 9);
}

Test(lab_kinds, failover_dcs_on_openbgpd, .fini = cleanup, .timeout = 300)
{
	scenario(&kind_openbgpd, "failover", 2, 9);
}

Test(lab_kinds, link_cut_dcs_on_gobgp, .fini = cleanup, .timeout = 300)
{
	scenario(&kind_gobgp, "link-cut", 3, 8);
}

Test(lab_kinds, link_cut_dcs_on_openbgpd, .fini = cleanup, .timeout = 300)
{
	scenario(&kind_openbgpd, "link-cut", 4, 8);
}

Test(lab_kinds, service_dies_dcs_on_gobgp, .fini = cleanup, .timeout = 300)
{
	scenario(&kind_gobgp, "service-dies", 5, 10);
}

Test(lab_kinds, service_dies_dcs_on_openbgpd, .fini = cleanup, .timeout = 300)
{
	scenario(&kind_openbgpd, "service-dies", 6, 10);
}

Test(lab_kinds, gateway_on_gobgp_or_openbgpd_refused, .fini = cleanup, .timeout = 60)
{
	char *out = NULL;

	need(&kind_gobgp);
	cr_assert_eq(run(&out, "validate '%s' --kind bgp=gobgp", topo), 3, "%s", out);
	cr_assert(strstr(out,
		      "nodes.gateway.bgp.multipath: kind gobgp cannot limit the "
		      "multipath set to 2 paths") != NULL,
	    "%s", out);
	free(out);
	if (access(kind_openbgpd.programs[0], X_OK) < 0)
		return;
	cr_assert_eq(run(&out, "validate '%s' --kind bgp=openbgpd", topo), 3, "%s", out);
	cr_assert(strstr(out,
		      "nodes.gateway.bgp.multipath: kind openbgpd cannot keep a "
		      "multipath set") != NULL,
	    "%s", out);
	free(out);
}
