/*
 * Many clients and none of them answered (root): a generated lab of 64
 * clients on one LAN whose resolver address nobody holds, run through
 * `anylab run` with an expectation that cannot hold. The run fails its
 * expectation cleanly: exit status 1, results.json written with the step's
 * list of clients stopped where it fits ("... and N more"), the lab gone.
 * Until the scenario side had one bounded builder, this detail ran past its
 * 512 bytes: SIGSEGV, or heap-buffer-overflow under ASan, and the lab left
 * up. (64 was the most a probe could name then; root_prober has 500.)
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>

#include "helper_scn.h"
#include "scenario.h"

#define NCLIENTS 64

static char lab[16], dir[128], bin[512], topo[256];
static cJSON *result;
static char *output;

/* 64 clients c01..c64 on LAN "lan", 10.98.0.N/24, resolver 10.98.0.250 (nobody). */
static void
write_topology(void)
{
	cJSON *t = cJSON_CreateObject(), *nodes = cJSON_AddObjectToObject(t, "nodes");
	cJSON *ends = cJSON_CreateArray(), *clients = cJSON_CreateArray(), *link;
	cJSON *scns, *scn, *probe, *steps, *step;
	char name[16], addr[32], ep[32];

	cJSON_AddStringToObject(t, "name", lab);
	for (int i = 1; i <= NCLIENTS; i++) {
		cJSON *n = cJSON_AddObjectToObject(nodes,
		    (snprintf(name, sizeof(name), "c%02d", i), name));
		cJSON *eth0 = cJSON_AddObjectToObject(cJSON_AddObjectToObject(n, "interfaces"),
		    "eth0");
		cJSON *addrs = cJSON_AddArrayToObject(eth0, "addresses");
		cJSON *res = cJSON_AddArrayToObject(n, "resolver");

		snprintf(addr, sizeof(addr), "10.98.0.%d/24", i);
		cJSON_AddItemToArray(addrs, cJSON_CreateString(addr));
		cJSON_AddItemToArray(res, cJSON_CreateString("10.98.0.250"));
		snprintf(ep, sizeof(ep), "%s:eth0", name);
		cJSON_AddItemToArray(ends, cJSON_CreateString(ep));
		cJSON_AddItemToArray(clients, cJSON_CreateString(name));
	}
	link = cJSON_CreateObject();
	cJSON_AddStringToObject(link, "name", "lan");
	cJSON_AddItemToObject(link, "endpoints", ends);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(t, "links"), link);

	scns = cJSON_AddObjectToObject(t, "scenarios");
	scn = cJSON_AddObjectToObject(scns, "unanswered");
	probe = cJSON_AddObjectToObject(scn, "probe");
	cJSON_AddItemToObject(probe, "clients", clients);
	cJSON_AddNumberToObject(probe, "rate", 5);
	cJSON_AddNumberToObject(probe, "timeout", 0.2);
	steps = cJSON_AddArrayToObject(scn, "steps");
	step = cJSON_CreateObject();
	cJSON_AddStringToObject(step, "expect", "answered");
	cJSON_AddStringToObject(step, "by", "DC001");
	cJSON_AddNumberToObject(step, "within", 1);
	cJSON_AddItemToArray(steps, step);

	snprintf(topo, sizeof(topo), "%s/many.json", dir);
	hs_write_json(topo, t);
}

static void
setup(void)
{
	hs_require(bin, sizeof(bin), NULL, NULL); /* no daemon */
	hs_lab_dir("mc", "many", lab, sizeof(lab), dir, sizeof(dir));
	write_topology();
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
	cJSON_Delete(result);
	result = NULL;
	free(output);
	output = NULL;
}

TestSuite(many_clients, .init = setup, .fini = teardown, .timeout = 300);

Test(many_clients, sixty_four_unanswered_clients_fail_cleanly)
{
	const char *detail;
	char cmd[1024], path[600];
	glob_t g;
	int status;

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario unanswered --json --out %s", bin, topo,
	    dir);
	output = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status), "anylab run died (wait status %#x):\n%s", status, output);
	cr_assert_eq(WEXITSTATUS(status), 1, "exit status %d:\n%s", WEXITSTATUS(status), output);
	result = cJSON_Parse(output);
	cr_assert_not_null(result, "no JSON:\n%s", output);
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(result, "passed")));
	cr_assert_str_eq(hs_field(hs_step(result, 0), "status"), "fail");
	detail = hs_field(hs_step(result, 0), "detail");
	cr_assert_eq(strncmp(detail, "c01: no answer; c02: no answer; ", 32), 0, "%s", detail);
	cr_assert_lt(strlen(detail), 512, "%zu: %s", strlen(detail), detail);
	cr_assert_not_null(strstr(detail, " more (still after "), "%s", detail);
	cr_assert_null(strstr(detail, "[cut]"), "%s", detail);

	/* results.json on disk, the same document. */
	snprintf(path, sizeof(path), "%s/%s-unanswered-*/results.json", dir, lab);
	cr_assert_eq(glob(path, 0, NULL, &g), 0, "no %s", path);
	globfree(&g);

	/* The lab is gone: its record and its namespaces. */
	snprintf(path, sizeof(path), "/run/anylab/%s", lab);
	cr_assert_neq(access(path, F_OK), 0, "%s is still there", path);
	snprintf(path, sizeof(path), "/run/netns/%s-c01", lab);
	cr_assert_neq(access(path, F_OK), 0, "%s is still there", path);
	snprintf(path, sizeof(path), "/run/netns/%s-c64", lab);
	cr_assert_neq(access(path, F_OK), 0, "%s is still there", path);
}
