/*
 * The daemon and route actions on Lab A (root): a copy of the topology with
 * a scenario of its own that withdraws and announces 51.51.51.0/24 through
 * dc001's speaker, stops and continues anydnsd on dc002, kills dc001's
 * speaker and starts it again, each followed by what it must do to the
 * clients, the gateway's kernel route and its session. Expectations are
 * phrased so that they do not depend on which DC a client lands on.
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

#include "jcfg.h"
#include "helper_scn.h"

static char lab[16], dir[128], bin[512], topo[256];
/* Parsed documents, deleted in teardown so a failed assertion leaks nothing. */
static cJSON *topo_doc, *result;
static char *output;

#define SCENARIO \
	"{\"actions\": {\"probe\": {\"clients\": [\"client1\", \"client2\"], \"timeout\": 0.5}," \
	" \"steps\": [" \
	"  {\"expect\": \"instances\", \"set\": [\"DC001\", \"DC002\"], \"within\": 30}," \
	"  {\"action\": \"withdraw\", \"node\": \"dc001\", \"prefix\": \"51.51.51.0/24\"}," \
	"  {\"expect\": \"answered\", \"clients_of\": \"DC001\", \"by\": \"DC002\", \"within\": 5}," \
	"  {\"expect\": \"nexthops\", \"node\": \"gateway\", \"prefix\": \"51.51.51.0/24\"," \
	"   \"count\": 1, \"within\": 5}," \
	"  {\"action\": \"announce\", \"node\": \"dc001\", \"prefix\": \"51.51.51.0/24\"}," \
	"  {\"expect\": \"nexthops\", \"node\": \"gateway\", \"prefix\": \"51.51.51.0/24\"," \
	"   \"count\": 2, \"within\": 10}," \
	"  {\"expect\": \"instances\", \"set\": [\"DC001\", \"DC002\"], \"within\": 10}," \
	"  {\"action\": \"stop\", \"node\": \"dc002\", \"daemon\": \"dns\"}," \
	"  {\"expect\": \"answered\", \"clients_of\": \"DC002\", \"by\": \"DC001\", \"within\": 2}," \
	"  {\"action\": \"start\", \"node\": \"dc002\", \"daemon\": \"dns\"}," \
	"  {\"expect\": \"answered\", \"clients_of\": \"DC002\", \"by\": \"DC002\", \"within\": 5}," \
	"  {\"action\": \"kill\", \"node\": \"dc001\", \"daemon\": \"bgp\"}," \
	"  {\"expect\": \"session\", \"node\": \"gateway\", \"peer\": \"10.10.10.1\"," \
	"   \"state\": \"down\", \"within\": 15}," \
	"  {\"expect\": \"nexthops\", \"node\": \"gateway\", \"prefix\": \"51.51.51.0/24\"," \
	"   \"count\": 1, \"within\": 5}," \
	"  {\"action\": \"start\", \"node\": \"dc001\", \"daemon\": \"bgp\"}," \
	"  {\"expect\": \"session\", \"node\": \"gateway\", \"peer\": \"10.10.10.1\"," \
	"   \"state\": \"established\", \"within\": 30}," \
	"  {\"expect\": \"nexthops\", \"node\": \"gateway\", \"prefix\": \"51.51.51.0/24\"," \
	"   \"count\": 2, \"within\": 10}]}}"

static void
setup(void)
{
	const char *s = getenv("ANYLAB_SOURCE_DIR");
	char path[600];
	struct cfg_errors e;

	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	hs_lab_dir("ac", "actions", lab, sizeof(lab), dir, sizeof(dir));

	/* Lab A with this test's scenario inside the topology. */
	cfg_errors_init(&e, "anycast-lab.json");
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", s);
	topo_doc = jc_parse_file(path, &e);
	cr_assert_not_null(topo_doc);
	cJSON_DeleteItemFromObject(topo_doc, "$schema");
	cJSON_ReplaceItemInObject(topo_doc, "name", cJSON_CreateString(lab));
	cJSON_AddItemToObject(topo_doc, "scenarios", jc_parse_string(SCENARIO, &e));
	cr_assert_eq(e.count, 0);
	snprintf(topo, sizeof(topo), "%s/lab.json", dir);
	hs_write_json(topo, topo_doc);
	topo_doc = NULL;
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
	cJSON_Delete(topo_doc);
	topo_doc = NULL;
	cJSON_Delete(result);
	result = NULL;
	free(output);
	output = NULL;
}

TestSuite(actions, .init = setup, .fini = teardown, .timeout = 180);

Test(actions, withdraw_announce_stop_start_kill)
{
	char cmd[1024];
	const cJSON *st, *f, *c;
	int status;

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario actions --json --out %s", bin, topo, dir);
	output = hs_output(cmd, &status);
	result = cJSON_Parse(output);
	cr_assert_not_null(result, "no JSON:\n%s", output);
	free(output);
	output = NULL;
	cJSON_ArrayForEach(st, cJSON_GetObjectItem(result, "steps"))
		cr_expect(strcmp(hs_field(st, "status"), "pass") == 0 ||
			strcmp(hs_field(st, "status"), "done") == 0,
		    "step %d %s: %s: %s", cJSON_GetObjectItem(st, "index")->valueint,
		    hs_field(st, "label"), hs_field(st, "status"), hs_field(st, "detail"));
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(result, "passed")));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_not_null(
	    strstr(hs_field(hs_step(result, 1), "detail"), "withdrew 51.51.51.0/24"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 7), "detail"), "stopped (SIGSTOP)"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 9), "detail"), "continued (SIGCONT)"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 11), "detail"), "killed (SIGKILL)"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 14), "detail"), "started again"));
	/*
	 * A withdrawal is an UPDATE, not a timer: DC001's client is on DC002
	 * within a second. A killed speaker's TCP connection is closed by the
	 * kernel, so the gateway sees the session end at once, not after 9 s.
	 */
	f = cJSON_GetArrayItem(cJSON_GetObjectItem(result, "faults"), 0);
	cr_assert_str_eq(hs_field(f, "label"), "withdraw dc001 51.51.51.0/24");
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(f, "clients")) {
		if (strcmp(hs_field(c, "before"), "DC001") != 0)
			continue;
		cr_assert_lt(cJSON_GetObjectItem(c, "failover_ms")->valuedouble, 1000);
	}
	cr_assert_lt(cJSON_GetObjectItem(hs_step(result, 12), "elapsed_ms")->valuedouble, 3000,
	    "session loss after the speaker was killed: %s",
	    hs_field(hs_step(result, 12), "detail"));
	cJSON_Delete(result);
	result = NULL;
}
