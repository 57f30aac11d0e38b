/*
 * Impairments on real traffic (root): a two-node lab of this test's own (a
 * client and an anydnsd server on a veth pair), its scenarios inside the
 * topology file itself, run with `anylab run`: nftables loss at 30 % loses
 * about 30 % of the probe's queries (both ways: about 1 - 0.7^2 = 51 %), a
 * black hole loses all with the carrier up, clearing brings the answers
 * back, a tbf rate limit is applied, and delay either works (netem) or is
 * reported as unsupported with the reason, as on kernels without netem.
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

static char lab[16], dir[128], bin[512], topo[256];

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

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
	"    {\"expect\": \"answered\", \"by\": \"S\", \"within\": 5}," \
	"    {\"action\": \"wait\", \"seconds\": 1, \"label\": \"clean\"}," \
	"    {\"expect\": \"lost\", \"max\": 0, \"since\": \"clean\"}," \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"rate_kbit\": 1000}," \
	"    {\"action\": \"wait\", \"seconds\": 1, \"label\": \"rated\"}," \
	"    {\"expect\": \"lost\", \"max\": 0, \"since\": \"rated\"}," \
	"    {\"action\": \"clear\", \"iface\": \"s:eth0\"}]}," \
	"  \"delay\": {\"probe\": {\"clients\": [\"c\"]}, \"steps\": [" \
	"    {\"action\": \"impair\", \"iface\": \"s:eth0\", \"delay_ms\": 50}," \
	"    {\"action\": \"wait\", \"seconds\": 1}]}}}"

static void
setup(void)
{
	const char *b = getenv("ANYLAB_BUILD_DIR");
	char dnsd[600];
	FILE *f;

	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	if (b == NULL)
		cr_skip_test("ANYLAB_BUILD_DIR unset (run under ctest)");
	snprintf(bin, sizeof(bin), "%s/bin/anylab", b);
	snprintf(dnsd, sizeof(dnsd), "%s/bin/anydnsd", b);
	if (access(bin, X_OK) != 0 || access(dnsd, X_OK) != 0)
		cr_skip_test("anylab or anydnsd not built");
	snprintf(lab, sizeof(lab), "im%d", getpid() % 1000000);
	snprintf(dir, sizeof(dir), "/tmp/anylab-root-impair-%d", getpid());
	mkdir(dir, 0700);
	snprintf(topo, sizeof(topo), "%s/impair.json", dir);
	f = fopen(topo, "w");
	cr_assert_not_null(f);
	fprintf(f, TOPOLOGY_FMT, lab);
	fclose(f);
}

static void
teardown(void)
{
	char rec[256];

	snprintf(rec, sizeof(rec), "/run/anylab/%s", lab);
	if (lab[0] && access(rec, F_OK) == 0)
		sh("%s down %s >/dev/null 2>&1", bin, lab);
	if (dir[0])
		sh("rm -rf %s", dir);
}

TestSuite(impair, .init = setup, .fini = teardown, .timeout = 120);

static cJSON *
run(const char *scenario, int *status)
{
	char cmd[2048], *text = NULL, buf[4096];
	size_t len = 0, n;
	FILE *p, *mem;
	cJSON *j;

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario %s --json --out %s", bin, topo, scenario,
	    dir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	mem = open_memstream(&text, &len);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(mem);
	*status = pclose(p);
	j = cJSON_Parse(text);
	cr_assert_not_null(j, "no JSON from `%s`:\n%s", cmd, text);
	free(text);
	return j;
}

static const cJSON *
step(const cJSON *j, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(j, "steps"), i);
}

static const char *
field(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

Test(impair, loss_black_hole_clear_and_rate)
{
	int status;
	cJSON *j = run("impair", &status);
	const cJSON *st;

	cJSON_ArrayForEach(st, cJSON_GetObjectItem(j, "steps"))
		cr_expect(strcmp(field(st, "status"), "pass") == 0 ||
		    strcmp(field(st, "status"), "done") == 0, "step %d %s: %s: %s",
		    cJSON_GetObjectItem(st, "index")->valueint, field(st, "label"),
		    field(st, "status"), field(st, "detail"));
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "passed")));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_not_null(strstr(field(step(j, 1), "detail"), "30% loss both ways"));
	cr_assert_not_null(strstr(field(step(j, 4), "detail"), "black hole (carrier up)"));
	cr_assert_not_null(strstr(field(step(j, 10), "detail"), "rate 1000 kbit/s"));
	cJSON_Delete(j);
}

Test(impair, delay_needs_netem)
{
	int status;
	cJSON *j = run("delay", &status);
	const char *s = field(step(j, 0), "status");

	if (fault_have_netem()) {
		cr_assert_str_eq(s, "done", "%s", field(step(j, 0), "detail"));
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	} else {
		/* This machine's kernel: said clearly, and the run does not pass. */
		cr_assert_str_eq(s, "unsupported");
		cr_assert_not_null(strstr(field(step(j, 0), "detail"),
		    "this kernel has no netem qdisc"), "%s", field(step(j, 0), "detail"));
		cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "passed")));
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	}
	cJSON_Delete(j);
}
