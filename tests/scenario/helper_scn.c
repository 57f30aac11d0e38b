/*
 * Shared scaffolding of the scenario tests (see helper_scn.h).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper_scn.h"

int
hs_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

void
hs_require(char *bin, size_t len, const char *daemon, ...)
{
	const char *b = getenv("ANYLAB_BUILD_DIR");
	char path[600];
	va_list ap;

	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	if (b == NULL || getenv("ANYLAB_SOURCE_DIR") == NULL)
		cr_skip_test("ANYLAB_BUILD_DIR and ANYLAB_SOURCE_DIR unset (run under ctest)");
	snprintf(bin, len, "%s/bin/anylab", b);
	if (access(bin, X_OK) != 0)
		cr_skip_test("anylab not built");
	va_start(ap, daemon);
	for (const char *d = daemon; d != NULL; d = va_arg(ap, const char *)) {
		snprintf(path, sizeof(path), "%s/bin/%s", b, d);
		if (access(path, X_OK) != 0) {
			va_end(ap);
			cr_skip_test("%s not built", d);
		}
	}
	va_end(ap);
}

void
hs_lab_dir(const char *tag, const char *what, char *lab, size_t lablen, char *dir, size_t dirlen)
{
	const char *prefix = getenv("ANYLAB_TEST_LAB_PREFIX");
	int digits, mod = 1;

	/* Lab names: at most 11 characters, no '-'; PREFIX TAG and the pid's last digits. */
	if (prefix == NULL || strlen(prefix) > 3)
		prefix = "";
	digits = 11 - (int)strlen(prefix) - (int)strlen(tag);
	for (int i = 0; i < digits && i < 6; i++)
		mod *= 10;
	snprintf(lab, lablen, "%s%s%d", prefix, tag, getpid() % mod);
	snprintf(dir, dirlen, "/tmp/anylab-root-%s-%d", what, getpid());
	mkdir(dir, 0700);
}

void
hs_cleanup(const char *bin, const char *lab, const char *dir)
{
	char rec[256];

	/* A run takes its lab down itself; if it died, down it by its exact name. */
	snprintf(rec, sizeof(rec), "/run/anylab/%s", lab);
	if (lab[0] && access(rec, F_OK) == 0)
		hs_sh("%s down %s >/dev/null 2>&1", bin, lab);
	if (dir[0])
		hs_sh("rm -rf %s", dir);
}

char *
hs_output(const char *cmd, int *status)
{
	char *text = NULL, buf[4096];
	size_t len = 0, n;
	FILE *p = popen(cmd, "r"), *mem;

	cr_assert_not_null(p, "popen %s", cmd);
	mem = open_memstream(&text, &len);
	cr_assert_not_null(mem);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(mem);
	*status = pclose(p);
	return text;
}

const cJSON *
hs_step(const cJSON *results, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(results, "steps"), i);
}

const char *
hs_field(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

const cJSON *
hs_get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	cr_assert_not_null(v, "no \"%s\" in the results", k);
	return v;
}

void
hs_write_json(const char *path, cJSON *doc)
{
	char *text = cJSON_Print(doc);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(text);
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "cannot write %s", path);
	free(text);
	cJSON_Delete(doc);
}

double
hs_probe_stall_ms(const cJSON *results)
{
	const cJSON *c;
	double worst = 0;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(results, "clients")) {
		const cJSON *late = cJSON_GetObjectItem(c, "send_late_max_us");

		if (cJSON_IsNumber(late) && late->valuedouble / 1000 > worst)
			worst = late->valuedouble / 1000;
	}
	return worst;
}

static cJSON *
run_once(const char *cmd, int *status)
{
	char *text = hs_output(cmd, status);
	cJSON *j = cJSON_Parse(text);

	cr_assert_not_null(j, "no JSON from `%s`:\n%s", cmd, text);
	free(text);
	return j;
}

cJSON *
hs_run_cmd(const char *cmd, const char *bin, const char *lab, int *status)
{
	cJSON *j = run_once(cmd, status);
	double stall = hs_probe_stall_ms(j);
	char rec[256];

	if (stall < HS_STALL_MS)
		return j;
	/*
	 * The machine did not run the probes for a while (a busy or paused
	 * virtual machine): the run's windows and failover times are not what
	 * the lab did. Once more, on a lab of its own again.
	 */
	fprintf(stderr,
	    "helper_scn: a probe was held up %.0f ms past its schedule in `%s`: "
	    "the run is not a measurement; running it once more\n",
	    stall, cmd);
	cJSON_Delete(j);
	snprintf(rec, sizeof(rec), "/run/anylab/%s", lab);
	if (access(rec, F_OK) == 0)
		hs_sh("%s down %s >/dev/null 2>&1", bin, lab);
	return run_once(cmd, status);
}

cJSON *
hs_run(const char *bin, const char *topo, const char *scenario, const char *lab, const char *dir,
    const char *extra, int *status)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario %s --name %s --json --out %s %s", bin,
	    topo, scenario, lab, dir, extra ? extra : "");
	return hs_run_cmd(cmd, bin, lab, status);
}

void
hs_assert_held(const cJSON *j, int status, const char *what)
{
	const cJSON *st;

	cJSON_ArrayForEach(st, hs_get(j, "steps")) {
		const char *s = hs_field(st, "status");

		cr_expect(strcmp(s, "pass") == 0 || strcmp(s, "done") == 0,
		    "%s: step %d \"%s\": %s: %s", what, hs_get(st, "index")->valueint,
		    hs_field(st, "label"), s, hs_field(st, "detail"));
	}
	cr_assert(cJSON_IsTrue(hs_get(j, "passed")), "%s did not pass", what);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: exit status %d", what,
	    status);
}
