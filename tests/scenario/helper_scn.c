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
