/*
 * The "services" kind in a lab (root): a two-node lab whose server runs an
 * HTTP server as a service with a TCP readiness check. `up` starts and
 * records it and waits for the port; a scenario kills it (the port closes),
 * starts it again (a new process, ready again) and stops/continues it; a
 * service that exits at start fails `up`, which leaves nothing behind.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cJSON.h>

#include "jcfg.h"
#include "scenario/helper_scn.h"

static char lab[16], dir[128], bin[512], topo[256];
static cJSON *result;
static char *output;

#define TOPOLOGY \
	"{\"name\": \"%s\", \"nodes\": {" \
	" \"cl\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.2/24\"]}}}," \
	" \"srv\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.1/24\"]}}," \
	"  \"services\": {\"web\": {\"command\": [\"%s\", \"-m\", \"http.server\", \"--bind\"," \
	"   \"10.9.0.1\", \"8080\", \"--directory\", \"@DIR@\"], \"ready\": {\"tcp\": 8080}}}}}," \
	" \"links\": [{\"endpoints\": [\"cl:eth0\", \"srv:eth0\"]}]," \
	" \"scenarios\": {\"svc\": {\"probe\": {\"clients\": [\"cl\"], \"server\": \"10.9.0.1\"," \
	"  \"timeout\": 0.2}, \"steps\": [" \
	"  {\"action\": \"kill\", \"node\": \"srv\", \"daemon\": \"web\"}," \
	"  {\"action\": \"start\", \"node\": \"srv\", \"daemon\": \"web\"}," \
	"  {\"action\": \"stop\", \"node\": \"srv\", \"daemon\": \"web\"}," \
	"  {\"action\": \"start\", \"node\": \"srv\", \"daemon\": \"web\"}]}}}"

static const char *
python(void)
{
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : NULL;
}

static void
write_topology(const char *program)
{
	FILE *f;

	snprintf(topo, sizeof(topo), "%s/lab.json", dir);
	f = fopen(topo, "w");
	cr_assert_not_null(f);
	fprintf(f, TOPOLOGY, lab, program);
	fclose(f);
}

static void
setup(void)
{
	hs_require(bin, sizeof(bin), (char *)NULL, (char *)NULL);
	if (python() == NULL)
		cr_skip_test("python3 is not installed");
	hs_lab_dir("sv", "service", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	cJSON_Delete(result);
	free(output);
	hs_cleanup(bin, lab, dir);
}

/* Is pid a live process? A zombie is not (this VM's PID 1 does not reap orphans). */
static bool
alive(int pid)
{
	char path[64], buf[512], *p;
	bool live = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL)
		live = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return live;
}

/* The pid the lab's record holds last for srv's web, 0 when none. */
static int
recorded_pid(void)
{
	char path[256], line[512];
	int pid = 0, p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/record",
	    getenv("ANYLAB_RUN_DIR") ? getenv("ANYLAB_RUN_DIR") : "/run/anylab", lab);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "daemon srv web %d", &p) == 1)
			pid = p;
	fclose(f);
	return pid;
}

Test(service, started_recorded_killed_and_restarted, .init = setup, .fini = teardown,
    .timeout = 120)
{
	char cmd[2048];
	int st, first, second;

	write_topology(python());
	cr_assert_eq(hs_sh("%s up %s >%s/up.out 2>&1", bin, topo, dir), 0, "up");
	first = recorded_pid();
	cr_assert_gt(first, 0, "the service is recorded");
	cr_assert(alive(first), "and running");
	/* Ready means the port answers: a client in the lab fetches from it. */
	snprintf(cmd, sizeof(cmd),
	    "%s exec -l %s cl -- %s -c \"import urllib.request as u; "
	    "u.urlopen('http://10.9.0.1:8080/', timeout=5)\"",
	    bin, lab, python());
	cr_assert_eq(hs_sh("%s", cmd), 0, "the service answers once up returned");

	snprintf(cmd, sizeof(cmd), "%s run %s --scenario svc --keep --json --out %s 2>%s/run.err",
	    bin, topo, dir, dir);
	output = hs_output(cmd, &st);
	result = cJSON_Parse(output);
	cr_assert_not_null(result, "results JSON: %s", output);
	cr_assert_str_eq(hs_field(hs_step(result, 0), "status"), "done");
	cr_assert_not_null(strstr(hs_field(hs_step(result, 0), "detail"), "killed (SIGKILL)"), "%s",
	    hs_field(hs_step(result, 0), "detail"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 1), "detail"), "started again"), "%s",
	    hs_field(hs_step(result, 1), "detail"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 2), "detail"), "stopped (SIGSTOP)"));
	cr_assert_not_null(strstr(hs_field(hs_step(result, 3), "detail"), "continued (SIGCONT)"));
	second = recorded_pid();
	cr_assert_neq(second, first, "a new process after the restart");
	cr_assert(!alive(first), "the killed one is gone");
	cr_assert(alive(second), "the new one runs");
	snprintf(cmd, sizeof(cmd),
	    "%s exec -l %s cl -- %s -c \"import urllib.request as u; "
	    "u.urlopen('http://10.9.0.1:8080/', timeout=5)\"",
	    bin, lab, python());
	cr_assert_eq(hs_sh("%s", cmd), 0, "the restarted service answers");
	cr_assert_eq(hs_sh("%s down %s >/dev/null 2>&1", bin, lab), 0);
	cr_assert(!alive(second), "down stops the service");
}

Test(service, exiting_at_start_fails_up_and_leaves_nothing, .init = setup, .fini = teardown,
    .timeout = 60)
{
	char path[256];
	struct stat sb;

	write_topology("/bin/false");
	cr_assert_eq(hs_sh("%s up %s >%s/up.out 2>&1", bin, topo, dir), 8 << 8,
	    "up exits 8 (a daemon did not start)");
	cr_assert_eq(hs_sh("grep -q 'srv: web (kind service) exited at start' %s/up.out", dir), 0);
	snprintf(path, sizeof(path), "/run/netns/%s-srv", lab);
	cr_assert_neq(stat(path, &sb), 0, "the namespace is gone");
	cr_assert_eq(recorded_pid(), 0, "no record is left");
}
