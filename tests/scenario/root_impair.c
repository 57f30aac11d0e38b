/*
 * Impairments on real traffic (root): a two-node lab of this test's own (a
 * client and an anydnsd server on a veth pair), its scenarios inside the
 * topology file itself, run with `anylab run`: nftables loss at 30 % loses
 * about 30 % of the probe's queries (both ways: about 1 - 0.7^2 = 51 %), a
 * black hole loses all with the carrier up, clearing brings the answers
 * back, a tbf rate limit is applied, and delay either works (netem) or is
 * reported as unsupported with the reason, as on kernels without netem.
 * Impairing a node whose namespace is gone is an error that says so, not
 * "unsupported" (which means: the kernel lacks it).
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

#include "fault.h"
#include "helper_scn.h"

static char lab[16], dir[128], bin[512], topo[256];

#define TOPOLOGY_FMT \
	"{\"name\": \"%s\", \"nodes\": {" \
	"  \"c\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.77.0.1/24\"]}}," \
	"        \"resolver\": [\"10.77.0.2\"]}," \
	"  \"s\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.77.0.2/24\"]}}," \
	"        \"dns\": {\"identity\": \"S\", \"zones\": [{\"origin\": \"zone.tst\"," \
	"          \"records\": [{\"name\": \"server\", \"type\": \"TXT\"," \
	"           \"data\": \"S\"}]}]}}}," \
	" \"links\": [{\"endpoints\": [\"c:eth0\", \"s:eth0\"]}]," \
	" \"scenarios\": {" \
	"  \"impair\": {\"probe\": {\"clients\": [\"c\"], \"rate\": 200, \"timeout\": 0.3}," \
	"   \"steps\": [" \
	"    {\"expect\": \"answered\", \"by\": \"S\", \"within\": 10}," \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"loss\": 30, \"label\": \"loss\"}," \
	"    {\"action\": \"wait\", \"seconds\": 5}," \
	"    {\"expect\": \"lost\", \"min\": 300, \"max\": 720, \"since\": \"loss\"}," \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"blackhole\": true," \
	"     \"label\": \"hole\"}," \
	"    {\"expect\": \"no_answer\", \"seconds\": 2}," \
	"    {\"action\": \"clear\", \"iface\": \"s:eth0\"}," \
	"    {\"expect\": \"answered\", \"by\": \"S\", \"within\": 5, \"label\": \"clean\"}," \
	"    {\"action\": \"wait\", \"seconds\": 1}," \
	"    {\"expect\": \"lost\", \"max\": 0, \"since\": \"clean\"}," \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"rate_kbit\": 1000," \
	"     \"label\": \"rated\"}," \
	"    {\"action\": \"wait\", \"seconds\": 1}," \
	"    {\"expect\": \"lost\", \"max\": 0, \"since\": \"rated\"}," \
	"    {\"action\": \"clear\", \"iface\": \"s:eth0\"}]}," \
	"  \"delay\": {\"probe\": {\"clients\": [\"c\"]}, \"steps\": [" \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"delay_ms\": 50}," \
	"    {\"action\": \"wait\", \"seconds\": 1}]}," \
	"  \"gone\": {\"probe\": {\"clients\": [\"c\"], \"timeout\": 0.3}, \"steps\": [" \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"loss\": 30}]}}}"

static void
setup(void)
{
	FILE *f;

	hs_require(bin, sizeof(bin), "anydnsd", NULL);
	hs_lab_dir("im", "impair", lab, sizeof(lab), dir, sizeof(dir));
	snprintf(topo, sizeof(topo), "%s/impair.json", dir);
	f = fopen(topo, "w");
	cr_assert_not_null(f);
	fprintf(f, TOPOLOGY_FMT, lab);
	fclose(f);
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(impair, .init = setup, .fini = teardown, .timeout = 120);

static cJSON *
run(const char *scenario, int *status)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario %s --json --out %s", bin, topo, scenario,
	    dir);
	return hs_run_cmd(cmd, bin, lab, status);
}

Test(impair, loss_black_hole_clear_and_rate)
{
	int status;
	cJSON *j = run("impair", &status);
	const cJSON *st;

	cJSON_ArrayForEach(st, cJSON_GetObjectItem(j, "steps"))
		cr_expect(strcmp(hs_field(st, "status"), "pass") == 0 ||
			strcmp(hs_field(st, "status"), "done") == 0,
		    "step %d %s: %s: %s", cJSON_GetObjectItem(st, "index")->valueint,
		    hs_field(st, "label"), hs_field(st, "status"), hs_field(st, "detail"));
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "passed")));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_not_null(strstr(hs_field(hs_step(j, 1), "detail"), "30% loss both ways"));
	cr_assert_not_null(strstr(hs_field(hs_step(j, 4), "detail"), "black hole (carrier up)"));
	cr_assert_not_null(strstr(hs_field(hs_step(j, 10), "detail"), "rate 1000 kbit/s"));
	cJSON_Delete(j);
}

Test(impair, delay_needs_netem)
{
	int status;
	cJSON *j = run("delay", &status);
	const char *s = hs_field(hs_step(j, 0), "status");

	if (fault_have_netem()) {
		cr_assert_str_eq(s, "done", "%s", hs_field(hs_step(j, 0), "detail"));
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	} else {
		/* This machine's kernel: said clearly, and the run does not pass. */
		cr_assert_str_eq(s, "unsupported");
		cr_assert_not_null(strstr(hs_field(hs_step(j, 0), "detail"),
				       "this kernel has no netem qdisc"),
		    "%s", hs_field(hs_step(j, 0), "detail"));
		cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "passed")));
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	}
	cJSON_Delete(j);
}

Test(impair, gone_namespace_is_an_error_not_unsupported)
{
	char ns[64];
	int status;
	cJSON *j;

	/* The lab up, then s's namespace removed under it (anydnsd keeps it alive, unnamed). */
	cr_assert_eq(hs_sh("%s up %s >/dev/null 2>&1", bin, topo), 0);
	snprintf(ns, sizeof(ns), "%s-s", lab);
	cr_assert_eq(hs_sh("ip netns delete %s", ns), 0);
	j = run("gone", &status);
	cr_assert_str_eq(hs_field(hs_step(j, 0), "status"), "error", "%s: %s",
	    hs_field(hs_step(j, 0), "status"), hs_field(hs_step(j, 0), "detail"));
	cr_assert_str_eq(hs_field(hs_step(j, 0), "detail"),
	    "s's namespace is gone (No such file or directory)");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "passed")));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	cJSON_Delete(j);
}
