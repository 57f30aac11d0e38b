/*
 * A scenario's `kill` immediately followed by `start` (root, Lab A):
 * afterwards the daemon runs again, a new process, for anydnsd and for
 * anybgpd. Once as the steps usually meet a daemon, and once with the
 * daemon frozen (cgroup v1 freezer) when it is killed and thawed 5 s later:
 * a killed process that has not exited yet (SIGKILL pending, state D, as
 * one in uninterruptible sleep is) must not be taken for a running one.
 * Before proc_state, the kill step gave up waiting after 2 s and reported
 * it killed, `start` found it "running already", and the run passed with
 * the daemon dead. The frozen part is skipped where the freezer is missing.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cJSON.h>

#include "jcfg.h"
#include "helper_scn.h"

#define FREEZER "/sys/fs/cgroup/freezer"

static char lab[16], dir[128], bin[512], topo[256], cgroup[128];
static cJSON *doc;
static char *output;
static pid_t thawer;

#define SCENARIOS \
	"{\"dns\": {\"probe\": {\"clients\": [\"client1\"], \"timeout\": 0.5}, \"steps\": [" \
	"  {\"action\": \"kill\", \"node\": \"dc001\", \"daemon\": \"dns\"}," \
	"  {\"action\": \"start\", \"node\": \"dc001\", \"daemon\": \"dns\"}]}," \
	" \"bgp\": {\"probe\": {\"clients\": [\"client1\"], \"timeout\": 0.5}, \"steps\": [" \
	"  {\"action\": \"kill\", \"node\": \"dc001\", \"daemon\": \"bgp\"}," \
	"  {\"action\": \"start\", \"node\": \"dc001\", \"daemon\": \"bgp\"}]}," \
	" \"both\": {\"probe\": {\"clients\": [\"client1\"], \"timeout\": 0.5}, \"steps\": [" \
	"  {\"action\": \"kill\", \"node\": \"dc001\", \"daemon\": \"dns\"}," \
	"  {\"action\": \"start\", \"node\": \"dc001\", \"daemon\": \"dns\"}," \
	"  {\"action\": \"kill\", \"node\": \"dc001\", \"daemon\": \"bgp\"}," \
	"  {\"action\": \"start\", \"node\": \"dc001\", \"daemon\": \"bgp\"}]}}"

static void
setup(void)
{
	const char *s = getenv("ANYLAB_SOURCE_DIR");
	char path[600];
	struct cfg_errors e;
	cJSON *t;

	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	hs_lab_dir("ks", "killstart", lab, sizeof(lab), dir, sizeof(dir));
	cfg_errors_init(&e, "anycast-lab.json");
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", s);
	t = jc_parse_file(path, &e);
	cr_assert_not_null(t);
	cJSON_DeleteItemFromObject(t, "$schema");
	cJSON_ReplaceItemInObject(t, "name", cJSON_CreateString(lab));
	cJSON_AddItemToObject(t, "scenarios", jc_parse_string(SCENARIOS, &e));
	cr_assert_eq(e.count, 0);
	snprintf(topo, sizeof(topo), "%s/lab.json", dir);
	hs_write_json(topo, t);
}

/* Thaw and remove the test's freezer cgroup (its processes are gone or move back on exit). */
static void
unfreeze(void)
{
	char path[160];

	if (thawer > 0) {
		kill(thawer, SIGKILL);
		waitpid(thawer, NULL, 0);
		thawer = 0;
	}
	if (cgroup[0] == '\0')
		return;
	snprintf(path, sizeof(path), "%s/freezer.state", cgroup);
	hs_sh("echo THAWED > %s 2>/dev/null", path);
	for (int i = 0; i < 100 && rmdir(cgroup) < 0; i++)
		usleep(20 * 1000);
	cgroup[0] = '\0';
}

static void
teardown(void)
{
	unfreeze();
	hs_cleanup(bin, lab, dir);
	cJSON_Delete(doc);
	doc = NULL;
	free(output);
	output = NULL;
}

TestSuite(killstart, .init = setup, .fini = teardown, .timeout = 180);

/* dc001's current process for service ("bgp", "dns") from `status --json`: pid, 0 if none runs. */
static int
running_pid(const char *service)
{
	char cmd[700];
	const cJSON *n, *d;
	int st, pid = 0;

	snprintf(cmd, sizeof(cmd), "%s status %s --json", bin, lab);
	free(output);
	output = hs_output(cmd, &st);
	cr_assert_eq(st, 0, "status: %s", output);
	cJSON_Delete(doc);
	doc = cJSON_Parse(output);
	cr_assert_not_null(doc, "%s", output);
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		if (strcmp(hs_field(n, "name"), "dc001") != 0)
			continue;
		cJSON_ArrayForEach(d, cJSON_GetObjectItem(n, "daemons")) {
			if (strcmp(hs_field(d, "service"), service) == 0 &&
			    cJSON_IsTrue(cJSON_GetObjectItem(d, "running")))
				pid = cJSON_GetObjectItem(d, "pid")->valueint;
		}
	}
	return pid;
}

/* Run scenario name on the lab that is up; the run's output in `output`. */
static void
run(const char *name)
{
	char cmd[1200];
	int st;

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario %s --keep --out %s 2>&1", bin, topo, name,
	    dir);
	free(output);
	output = hs_output(cmd, &st);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "run %s: %s", name, output);
}

static void
assert_restarted(const char *service, int before)
{
	int now = running_pid(service);

	cr_assert_neq(now, 0, "dc001's %s does not run after kill and start:\n%s", service, output);
	cr_assert_neq(now, before, "dc001's %s is still the killed process %d", service, before);
}

Test(killstart, kill_then_start_leaves_the_daemon_running)
{
	int dns, bgp;

	cr_assert_eq(hs_sh("%s up %s >/dev/null 2>&1", bin, topo), 0);
	for (int round = 0; round < 3; round++) {
		dns = running_pid("dns");
		bgp = running_pid("bgp");
		cr_assert(dns > 0 && bgp > 0, "%s", output);
		run("both");
		assert_restarted("dns", dns);
		assert_restarted("bgp", bgp);
	}
	/* status: each service once, as it is now, the restarts counted. */
	running_pid("dns");
	{
		const cJSON *n, *d;
		int seen = 0;

		cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
			if (strcmp(hs_field(n, "name"), "dc001") != 0)
				continue;
			cJSON_ArrayForEach(d, cJSON_GetObjectItem(n, "daemons")) {
				seen++;
				cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(d, "running")), "%s",
				    output);
				cr_expect_str_eq(hs_field(d, "state"), "running");
				cr_expect_eq(cJSON_GetNumberValue(
						 cJSON_GetObjectItem(d, "restarts")),
				    3.0, "%s", output);
			}
		}
		cr_expect_eq(seen, 2, "dc001's daemons listed %d times:\n%s", seen, output);
	}
	{
		char cmd[700];
		int st;

		snprintf(cmd, sizeof(cmd), "%s status %s", bin, lab);
		free(output);
		output = hs_output(cmd, &st);
		cr_expect_null(strstr(output, "NOT RUNNING"), "%s", output);
		cr_expect_not_null(strstr(output, "running, started again 3 times"), "%s", output);
	}
}

/* Freeze pid in a freezer cgroup of this test's own, and thaw it after ms in a child. */
static void
freeze(pid_t pid, int ms)
{
	char path[160];

	snprintf(cgroup, sizeof(cgroup), "%s/anylab-test-%d", FREEZER, (int)getpid());
	cr_assert_eq(mkdir(cgroup, 0755), 0, "%s", cgroup);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	cr_assert_eq(hs_sh("echo %d > %s", (int)pid, path), 0);
	snprintf(path, sizeof(path), "%s/freezer.state", cgroup);
	cr_assert_eq(hs_sh("echo FROZEN > %s", path), 0);
	fflush(NULL);
	thawer = fork();
	cr_assert_geq(thawer, 0);
	if (thawer == 0) {
		usleep((useconds_t)ms * 1000);
		execl("/bin/sh", "sh", "-c", "echo THAWED > \"$0\"", path, (char *)NULL);
		_exit(127);
	}
}

Test(killstart, a_killed_process_that_has_not_exited_is_waited_for)
{
	static const char *const services[] = { "dns", "bgp" };

	if (access(FREEZER "/cgroup.procs", F_OK) != 0)
		cr_skip_test("no cgroup v1 freezer at " FREEZER);
	cr_assert_eq(hs_sh("%s up %s >/dev/null 2>&1", bin, topo), 0);
	for (size_t i = 0; i < 2; i++) {
		int before = running_pid(services[i]);

		cr_assert_gt(before, 0, "%s", output);
		freeze(before, 5000);
		run(services[i]);
		cr_expect_not_null(strstr(output, "started again"),
		    "start did not start %s again:\n%s", services[i], output);
		assert_restarted(services[i], before);
		unfreeze();
	}
}
