/*
 * Scaffolding for the DNS kinds' tests (helper_dns.h): topologies, kind
 * nodes with the kind under test, check errors as text, golden files,
 * temporary folders.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "dns_kind.h"
#include "dns_zonefile.h"
#include "kinds/helper_dns.h"
#include "strbuf.h"

const char *
hdk_src(void)
{
	static char dir[4096];
	const char *env = getenv("ANYLAB_SOURCE_DIR");
	char *p;

	if (env != NULL && env[0] != '\0')
		return env;
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s", __FILE__);
		p = strstr(dir, "/tests/kinds/");
		if (p != NULL)
			*p = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
	}
	return dir;
}

struct topology *
hdk_load(const char *file)
{
	char path[4096];
	struct cfg_errors errs;
	struct topology *t = NULL;

	snprintf(path, sizeof(path), "%s%s%s", file[0] == '/' ? "" : hdk_src(),
	    file[0] == '/' ? "" : "/", file);
	if (topo_load(path, &t, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		cr_assert_fail("%s does not load", path);
	}
	return t;
}

struct topology *
hdk_load_string(const char *json, const char *name)
{
	struct cfg_errors errs;
	struct topology *t = NULL;

	if (topo_load_string(json, name, &t, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		cr_assert_fail("%s does not load", name);
	}
	return t;
}

void
hdk_node(const struct topology *t, const char *node, const struct kind_ops *ops, const char *lab,
    const char *dir, struct kind_node *k)
{
	const struct topo_node *n = topo_node_find(t, node);

	cr_assert_not_null(n, "no node %s", node);
	cr_assert_eq(kind_node_get(NULL, t, n, "dns", k), 0, "node %s has no dns section", node);
	k->kind = ops;
	k->lab = lab;
	if (dir != NULL)
		snprintf(k->dir, sizeof(k->dir), "%s", dir);
}

char *
hdk_check(const struct kind_node *k)
{
	struct cfg_errors errs;
	struct strbuf sb = { 0 };
	int rc, n;

	cfg_errors_init(&errs, NULL);
	rc = k->kind->check(k, &errs);
	cr_assert_eq(rc<0, errs.count> 0, "check returned %d with %d errors", rc, errs.count);
	n = errs.count < CFG_MAX_ERRORS ? errs.count : CFG_MAX_ERRORS;
	for (int i = 0; i < n; i++)
		sb_printf(&sb, "%s: %s\n", errs.err[i].path, errs.err[i].msg);
	return sb.len ? sb_steal(&sb) : strdup("");
}

char *
hdk_tmpdir(const char *tag)
{
	char *d = NULL;

	cr_assert(asprintf(&d, "/tmp/hdk-%s-XXXXXX", tag) > 0);
	cr_assert_not_null(mkdtemp(d), "mkdtemp: %s", strerror(errno));
	return d;
}

static int
hdk_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
hdk_rmdir(const char *dir)
{
	if (dir != NULL && strncmp(dir, "/tmp/hdk-", 9) == 0)
		nftw(dir, hdk_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
hdk_slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;

	if (f == NULL)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

/* text with every occurrence of from as to. */
static char *
hdk_replace(const char *text, const char *from, const char *to)
{
	struct strbuf sb = { 0 };
	size_t fl = strlen(from);
	const char *p;

	if (fl == 0)
		return strdup(text);
	while ((p = strstr(text, from)) != NULL) {
		sb_add(&sb, text, (size_t)(p - text));
		sb_puts(&sb, to);
		text = p + fl;
	}
	sb_puts(&sb, text);
	if (sb.len == 0)
		return strdup("");
	return sb_steal(&sb);
}

void
hdk_golden(const char *kind, const char *name, const char *dir, const char *file, const char *base)
{
	char path[4096], gpath[4096];
	const char *regen = getenv("ANYLAB_REGEN_GOLDEN");
	char *got, *a, *b, *want;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(gpath, sizeof(gpath), "%s/tests/kinds/golden/%s/%s", hdk_src(), kind, name);
	got = hdk_slurp(path);
	cr_assert_not_null(got, "%s was not written", path);
	a = hdk_replace(got, dir, "@DIR@");
	b = base != NULL && base[0] ? hdk_replace(a, base, "@BASE@") : strdup(a);
	if (regen != NULL && strcmp(regen, "1") == 0) {
		FILE *f = fopen(gpath, "we");

		cr_assert_not_null(f, "%s: %s", gpath, strerror(errno));
		fputs(b, f);
		fclose(f);
	}
	want = hdk_slurp(gpath);
	cr_assert_not_null(want, "%s is missing (ANYLAB_REGEN_GOLDEN=1 writes it)", gpath);
	cr_expect_str_eq(b, want, "%s differs from %s", path, gpath);
	free(got);
	free(a);
	free(b);
	free(want);
}

int
hdk_sh(char **out, const char *fmt, ...)
{
	char *cmd = NULL, *full = NULL, buf[4096];
	struct strbuf sb = { 0 };
	va_list ap;
	FILE *p;
	size_t n;
	int st;

	va_start(ap, fmt);
	cr_assert(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	cr_assert(asprintf(&full, "%s 2>&1", cmd) > 0);
	p = popen(full, "re");
	cr_assert_not_null(p, "%s", cmd);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_add(&sb, buf, n);
	st = pclose(p);
	if (out != NULL)
		*out = sb_steal(&sb);
	if (out != NULL && *out == NULL)
		*out = strdup("");
	sb_free(&sb);
	free(cmd);
	free(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The record lines of a master file in canonical form (comments left out). */
static char *
hdk_records(const char *text)
{
	struct strbuf sb = { 0 };

	while (*text) {
		size_t l = strcspn(text, "\n");

		if (text[0] != ';')
			sb_add(&sb, text, l);
		if (text[0] != ';' && text[l] == '\n')
			sb_add(&sb, "\n", 1);
		text += l + (text[l] == '\n');
	}
	return sb.len ? sb_steal(&sb) : strdup("");
}

/* path read back through anydnsd's parser gives the records it holds. */
static void
hdk_zone_roundtrip(const char *path, const struct dns_zone *z, const char *host)
{
	struct dns_zmsgs *m = calloc(1, sizeof(*m));
	struct dns_zone_builder *zb = dns_zb_new(z->origin, path);
	struct strbuf sb = { 0 };
	struct dns_zone *back;
	char *text = hdk_slurp(path), *want, *got;

	cr_assert(m != NULL && zb != NULL && text != NULL);
	cr_assert_eq(dns_zonefile_load(zb, z->origin, path, path, m), 0, "%s: %s", path,
	    m->nerr ? m->err[0] : "?");
	back = dns_zb_finish(zb, host, m);
	cr_assert_not_null(back, "%s: %s", path, m->nerr ? m->err[0] : "?");
	cr_expect(!back->made_soa && !back->made_ns, "%s: SOA or NS missing", path);
	dns_zone_print(back, &sb);
	want = hdk_records(text);
	got = hdk_records(sb_str(&sb));
	cr_expect_str_eq(got, want, "%s does not read back to the same records", path);
	free(want);
	free(got);
	free(text);
	sb_free(&sb);
	dns_zone_free(back);
	free(m);
}

void
hdk_golden_topology(const struct kind_ops *ops, const char *name, const char *file,
    const char *conf_name, void (*validate)(const struct kind_node *))
{
	struct topology *t = hdk_load(file);
	char *top = hdk_tmpdir(ops->name);
	int nodes = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		char dir[2048], gname[512], msg[KIND_MSG_MAX] = "", path[4096];
		struct kind_node k;
		struct dns_kind_conf c;
		struct cfg_errors errs;
		char *errtext;

		if (n->dns == NULL)
			continue;
		nodes++;
		snprintf(dir, sizeof(dir), "%s/%s", top, n->name);
		cr_assert_eq(mkdir(dir, 0755), 0);
		hdk_node(t, n->name, ops, NULL, dir, &k);
		errtext = hdk_check(&k);
		cr_expect_str_eq(errtext, "", "%s refused by %s", k.path, ops->name);
		free(errtext);
		cr_assert_eq(ops->configure(&k, msg, sizeof(msg)), 0, "%s", msg);
		snprintf(gname, sizeof(gname), "%s.%s.%s", name, n->name, conf_name);
		hdk_golden(ops->name, gname, dir, conf_name, k.base_dir);
		cfg_errors_init(&errs, NULL);
		cr_assert_eq(dns_kind_load(&k, &c, &errs), 0);
		for (size_t z = 0; z < c.nzones; z++) {
			snprintf(gname, sizeof(gname), "%s.%s.%s", name, n->name, c.zones[z].file);
			hdk_golden(ops->name, gname, dir, c.zones[z].file, k.base_dir);
			snprintf(path, sizeof(path), "%s/%s", dir, c.zones[z].file);
			hdk_zone_roundtrip(path, c.zones[z].zone, c.identity);
		}
		dns_kind_free(&c);
		if (validate != NULL)
			validate(&k);
	}
	cr_expect_gt(nodes, 0, "%s has no node with a dns section", file);
	hdk_rmdir(top);
	free(top);
	topo_free(t);
}
