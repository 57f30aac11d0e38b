/*
 * The loader on damaged input: every truncation of Lab A's file, and every
 * single-byte substitution from a small set, is either loaded into a
 * consistent model or rejected with at least one error and nothing
 * returned. Run under the ASan/UBSan build, this also checks that no input
 * makes the loader read out of bounds or leak.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "topo/helper_topo.h"

static char *
read_all(const char *rel, size_t *len)
{
	char path[512];
	FILE *f = fopen(topo_test_path(path, sizeof(path), rel), "re");
	char *buf;

	cr_assert_not_null(f, "cannot open %s", path);
	buf = malloc(1 << 16);
	cr_assert_not_null(buf);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* 1 when loaded, 0 when rejected; fails the test on anything inconsistent. */
static int
load_checked(const char *text)
{
	struct topology *t = (struct topology *)&t;
	struct cfg_errors e;
	int rc = topo_load_string(text, "mut.json", &t, &e);

	if (rc < 0) {
		cr_assert_null(t);
		cr_assert_geq(e.count, 1, "rejected without an error:\n%s", text);
		cr_assert_neq(e.err[0].msg[0], '\0');
		return 0;
	}
	cr_assert_eq(rc, 0);
	cr_assert_eq(e.count, 0);
	cr_assert(topo_lab_name_valid(t->name));
	cr_assert_geq(t->nnodes, 1);
	for (size_t n = 0; n < t->nnodes; n++)
		for (size_t i = 0; i < t->nodes[n].nifaces; i++) {
			const struct topo_iface *ifc = &t->nodes[n].ifaces[i];

			cr_assert_eq(ifc->node, &t->nodes[n]);
			cr_assert_not_null(ifc->link, "%s:%s in no link", t->nodes[n].name,
			    ifc->name);
		}
	for (size_t l = 0; l < t->nlinks; l++) {
		cr_assert_geq(t->links[l].nends, 2);
		cr_assert(t->links[l].lan || t->links[l].nends == 2);
	}
	topo_free(t);
	return 1;
}

Test(topo_robust, every_truncation_is_rejected)
{
	size_t len;
	char *text = read_all("topologies/anycast-lab.json", &len);
	int loaded = 0;

	cr_assert_eq(load_checked(text), 1);
	for (size_t cut = 0; cut < len; cut++) {
		char c = text[cut];

		/* Trailing whitespace after the closing brace still makes a whole document. */
		if (strspn(text + cut, " \t\r\n") == len - cut)
			break;
		text[cut] = '\0';
		loaded += load_checked(text);
		text[cut] = c;
	}
	cr_assert_eq(loaded, 0, "a truncated file was accepted");
	free(text);
}

Test(topo_robust, byte_substitutions_never_break_the_loader)
{
	static const char subst[] = { '"', '}', ']', ',', ':', '0', '9', '/', '-', 'x', '\\' };
	size_t len;
	char *text = read_all("tests/topo/good/features.json", &len);
	int loaded = 0, rejected = 0;

	for (size_t pos = 0; pos < len; pos++) {
		char c = text[pos];

		for (size_t s = 0; s < sizeof(subst); s++) {
			if (subst[s] == c)
				continue;
			text[pos] = subst[s];
			if (load_checked(text))
				loaded++;
			else
				rejected++;
		}
		text[pos] = c;
	}
	cr_log_info("%d mutants loaded, %d rejected", loaded, rejected);
	cr_assert_gt(rejected, 0);
	cr_assert_gt(loaded, 0, "some substitutions (inside free text) keep the file valid");
	free(text);
}
