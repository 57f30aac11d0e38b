/*
 * lab_check_sections: the daemons' own parsers vet each node's bgp/dns
 * section before up builds anything (no root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "lab.h"
#include "topo.h"

static char *
lab_a_text(void (*edit)(cJSON *))
{
	char path[512];
	struct cfg_errors errs;
	cJSON *root;
	char *text;

	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json",
	    getenv("ANYLAB_SOURCE_DIR") ? getenv("ANYLAB_SOURCE_DIR") : ".");
	root = jc_parse_file(path, &errs);
	cr_assert(root != NULL, "%s", path);
	if (edit != NULL)
		edit(root);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

static void
bad_asn(cJSON *root)
{
	cJSON *bgp = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "nodes"),
	    "dc001"), "bgp");

	cJSON_ReplaceItemInObject(bgp, "asn", cJSON_CreateString("x"));
}

static void
no_zones(cJSON *root)
{
	cJSON *dns = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "nodes"),
	    "dc002"), "dns");

	cJSON_ReplaceItemInObject(dns, "zones", cJSON_CreateString("none"));
}

static void
check(void (*edit)(cJSON *), const char *want_path)
{
	struct cfg_errors errs;
	struct topology *t;
	char *text = lab_a_text(edit);
	bool found = false;

	cr_assert_eq(topo_load_string(text, "lab.json", &t, &errs), 0, "topo_load_string");
	free(text);
	if (want_path == NULL) {
		cr_expect_eq(lab_check_sections(t, &errs), 0, "Lab A's sections are valid");
	} else {
		cr_expect_eq(lab_check_sections(t, &errs), -1);
		for (int i = 0; i < errs.count; i++)
			found |= strncmp(errs.err[i].path, want_path, strlen(want_path)) == 0;
		cr_expect(found, "no error at %s (first: %s)", want_path,
		    errs.count ? errs.err[0].path : "none");
	}
	topo_free(t);
}

Test(sections, lab_a_valid)
{
	check(NULL, NULL);
}

Test(sections, bgp_section_checked)
{
	check(bad_asn, "nodes.dc001.bgp.asn");
}

Test(sections, dns_section_checked)
{
	check(no_zones, "nodes.dc002.dns.zones");
}
