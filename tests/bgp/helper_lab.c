/*
 * The interop tests' lab through anylab (see helper_lab.h).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp/helper_lab.h"
#include "scenario/helper_scn.h"

void
tl_require(struct tlab *t, const char *tag, const char *program, ...)
{
	va_list ap;

	memset(t, 0, sizeof(*t));
	hs_require(t->bin, sizeof(t->bin), "anybgpd", (char *)NULL);
	va_start(ap, program);
	for (const char *p = program; p != NULL; p = va_arg(ap, const char *)) {
		if (access(p, X_OK) != 0) {
			va_end(ap);
			cr_skip_test("%s is not installed", p);
		}
	}
	va_end(ap);
	hs_lab_dir(tag, tag, t->lab, sizeof(t->lab), t->dir, sizeof(t->dir));
}

cJSON *
tl_fixture(const char *name)
{
	char cmd[600];
	char *text;
	cJSON *doc;
	int st;

	snprintf(cmd, sizeof(cmd), "cat %s/tests/bgp/labs/%s", getenv("ANYLAB_SOURCE_DIR"), name);
	text = hs_output(cmd, &st);
	doc = cJSON_Parse(text);
	cr_assert_not_null(doc, "tests/bgp/labs/%s: not JSON", name);
	free(text);
	return doc;
}

static void
up_file(struct tlab *t, const char *file, const char *opts)
{
	char cmd[2048], err[256];
	char *out;
	int st;

	snprintf(err, sizeof(err), "%s/up.err", t->dir);
	snprintf(cmd, sizeof(cmd), "%s up %s --name %s --json %s 2>%s", t->bin, file, t->lab,
	    opts ? opts : "", err);
	out = hs_output(cmd, &st);
	free(out);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s", err);
		out = hs_output(cmd, &st);
		cr_log_error("anylab up %s %s:\n%s", file, opts ? opts : "", out);
		free(out);
		cr_assert_fail("anylab up of %s failed", file);
	}
}

void
tl_up(struct tlab *t, const char *fixture, const char *opts)
{
	char file[600];

	snprintf(file, sizeof(file), "%s/tests/bgp/labs/%s", getenv("ANYLAB_SOURCE_DIR"), fixture);
	up_file(t, file, opts);
}

void
tl_up_doc(struct tlab *t, const cJSON *doc, const char *opts)
{
	char file[256];
	char *text = cJSON_Print(doc);
	FILE *f;

	cr_assert_not_null(text);
	snprintf(file, sizeof(file), "%s/topology.json", t->dir);
	f = fopen(file, "w");
	cr_assert_not_null(f, "%s", file);
	fputs(text, f);
	fclose(f);
	free(text);
	up_file(t, file, opts);
}

void
tl_down(struct tlab *t)
{
	cr_assert_eq(hs_sh("%s down %s >/dev/null 2>>%s/down.err", t->bin, t->lab, t->dir), 0,
	    "anylab down %s failed", t->lab);
}

void
tl_cleanup(struct tlab *t)
{
	if (t->bin[0] != '\0')
		hs_cleanup(t->bin, t->lab, t->dir);
}

const char *
tl_ns(struct tlab *t, const char *node)
{
	snprintf(t->ns, sizeof(t->ns), "%s-%s", t->lab, node);
	return t->ns;
}

cJSON *
tl_bgp(struct tlab *t, const char *node, const char *args)
{
	char cmd[1024];
	char *out;
	cJSON *doc;
	int st;

	snprintf(cmd, sizeof(cmd), "%s bgp -l %s --json %s %s 2>>%s/bgp.err", t->bin, t->lab, node,
	    args, t->dir);
	out = hs_output(cmd, &st);
	doc = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? cJSON_Parse(out) : NULL;
	free(out);
	return doc;
}

int
tl_bgp_do(struct tlab *t, const char *node, const char *args)
{
	int st = hs_sh("%s bgp -l %s --json %s %s >>%s/bgp.out 2>>%s/bgp.err", t->bin, t->lab, node,
	    args, t->dir, t->dir);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
tl_exec(struct tlab *t, const char *node, const char *cmd)
{
	int st = hs_sh("%s exec -l %s %s -- sh -c '%s' >>%s/exec.out 2>&1", t->bin, t->lab, node,
	    cmd, t->dir);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const cJSON *
peer_obj(const cJSON *doc, const char *addr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers")) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(p, "address"));

		if (a != NULL && strcmp(a, addr) == 0)
			return p;
	}
	return NULL;
}

double
tl_peer_num(struct tlab *t, const char *node, const char *addr, const char *field)
{
	cJSON *doc = tl_bgp(t, node, "peers");
	const cJSON *v = cJSON_GetObjectItem(peer_obj(doc, addr), field);
	double r = cJSON_IsNumber(v) ? v->valuedouble : -1;

	cJSON_Delete(doc);
	return r;
}

bool
tl_peer_state(struct tlab *t, const char *node, const char *addr, const char *state)
{
	cJSON *doc = tl_bgp(t, node, "peers");
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(peer_obj(doc, addr), "state"));
	bool r = s != NULL && strcmp(s, state) == 0;

	cJSON_Delete(doc);
	return r;
}

bool
tl_converged(struct tlab *t, const char *node)
{
	cJSON *doc = tl_bgp(t, node, "status");
	bool r = cJSON_IsTrue(cJSON_GetObjectItem(doc, "converged"));

	if (!r && doc != NULL)
		cr_log_warn("%s: not converged: %s", node,
		    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "not_converged_because")));
	cJSON_Delete(doc);
	return r;
}

bool
tl_peer_eor(struct tlab *t, const char *node, const char *addr, const char *family)
{
	cJSON *doc = tl_bgp(t, node, "peers");
	const cJSON *p = peer_obj(doc, addr), *f;
	bool r = false;

	cJSON_ArrayForEach(f, cJSON_GetObjectItem(p, "eor_received")) {
		const char *s = cJSON_GetStringValue(f);

		if (s != NULL && strcmp(s, family) == 0)
			r = true;
	}
	cJSON_Delete(doc);
	return r;
}

int
tl_routes(struct tlab *t, const char *node, const char *prefix, bool best_only, const char *as_path)
{
	char args[128];
	const cJSON *r;
	cJSON *doc;
	int n = 0;

	snprintf(args, sizeof(args), "routes %s", prefix);
	doc = tl_bgp(t, node, args);
	if (doc == NULL)
		return -1;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "routes")) {
		const char *pf = cJSON_GetStringValue(cJSON_GetObjectItem(r, "prefix"));
		const char *ap = cJSON_GetStringValue(cJSON_GetObjectItem(r, "as_path"));

		if (pf == NULL || strcmp(pf, prefix) != 0)
			continue;
		if (best_only && !cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath")))
			continue;
		if (as_path != NULL && (ap == NULL || strstr(ap, as_path) == NULL))
			continue;
		n++;
	}
	cJSON_Delete(doc);
	return n;
}
