/*
 * lab_check_sections: the daemons' own parsers vet each node's bgp/dns
 * section before up builds anything (no root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
					     "dc001"),
	    "bgp");

	cJSON_ReplaceItemInObject(bgp, "asn", cJSON_CreateString("x"));
}

static void
no_zones(cJSON *root)
{
	cJSON *dns = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "nodes"),
					     "dc002"),
	    "dns");

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

static void
extra_zone_file(cJSON *root)
{
	cJSON *zones = cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "nodes"), "dc001"),
		"dns"),
	    "zones");
	cJSON *z = cJSON_CreateObject();

	cJSON_AddStringToObject(z, "origin", "extra.tst");
	cJSON_AddStringToObject(z, "file", "zones/extra.tst");
	cJSON_AddItemToArray(zones, z);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

/*
 * A zone file named relative to the topology is read from the topology's
 * directory, whatever the working directory, and its errors (file, line,
 * column) stop validation before anything is built.
 */
Test(sections, zone_files_read_relative_to_topology)
{
	char dir[] = "/tmp/anylab-test-zones.XXXXXX", path[256];
	struct cfg_errors errs;
	struct topology *t;
	char *text = lab_a_text(extra_zone_file);
	bool found = false;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zones", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/lab.json", dir);
	write_file(path, text);
	free(text);
	snprintf(path, sizeof(path), "%s/zones/extra.tst", dir);
	write_file(path, "$TTL 300\nwww IN A 192.0.2.1\nmx IN MX high mail\n");
	cr_assert_eq(chdir("/"), 0);

	snprintf(path, sizeof(path), "%s/lab.json", dir);
	cr_assert_eq(topo_load(path, &t, &errs), 0);
	cr_assert_eq(lab_check_sections(t, &errs), -1, "a bad zone file must fail validation");
	for (int i = 0; i < errs.count; i++)
		found |= strcmp(errs.err[i].path, "nodes.dc001.dns.zones[1].file") == 0 &&
		    strstr(errs.err[i].msg, "zones/extra.tst:3:") != NULL;
	cr_expect(found, "no error naming zones/extra.tst line 3 (first: %s: %s)",
	    errs.count ? errs.err[0].path : "none", errs.count ? errs.err[0].msg : "");

	snprintf(path, sizeof(path), "%s/zones/extra.tst", dir);
	write_file(path, "$TTL 300\nwww IN A 192.0.2.1\nmx IN MX 10 mail\n");
	cr_expect_eq(lab_check_sections(t, &errs), 0, "the mended zone file is valid");
	topo_free(t);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
}
