/*
 * A crash of `anylab run` never leaves the lab behind (root): a two-node lab
 * of this test's own (a client and an anydnsd server) runs a long scenario;
 * the runner process (the command's child: the command itself only guards
 * it) is killed with SIGSEGV or SIGABRT halfway. The command reports the
 * signal by name, exits 1 and takes the lab down; with --keep the lab stays
 * up, as asked. SIGINT to the command still interrupts the run the usual
 * way: results with "interrupted", exit 1, the lab down.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cJSON.h>

#include "helper_scn.h"

static char lab[16], dir[128], bin[512], topo[256];
static pid_t cmd_pid;

#define TOPOLOGY_FMT \
	"{\"name\": \"%s\", \"nodes\": {" \
	"  \"c\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.78.0.1/24\"]}}," \
	"        \"resolver\": [\"10.78.0.2\"]}," \
	"  \"s\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.78.0.2/24\"]}}," \
	"        \"dns\": {\"identity\": \"S\", \"zones\": [{\"origin\": \"zone.tst\"," \
	"          \"records\": [{\"name\": \"server\", \"type\": \"TXT\"," \
	"           \"data\": \"S\"}]}]}}}," \
	" \"links\": [{\"endpoints\": [\"c:eth0\", \"s:eth0\"]}]," \
	" \"scenarios\": {" \
	"  \"long\": {\"probe\": {\"clients\": [\"c\"], \"rate\": 20, \"timeout\": 0.3," \
	"   \"lead_in\": 0}," \
	"   \"steps\": [" \
	"    {\"expect\": \"answered\", \"by\": \"S\", \"within\": 10}," \
	"    {\"action\": \"wait\", \"seconds\": 60}]}}}"

static void
setup(void)
{
	FILE *f;

	hs_require(bin, sizeof(bin), "anydnsd", NULL);
	hs_lab_dir("gd", "guard", lab, sizeof(lab), dir, sizeof(dir));
	snprintf(topo, sizeof(topo), "%s/guard.json", dir);
	f = fopen(topo, "w");
	cr_assert_not_null(f);
	fprintf(f, TOPOLOGY_FMT, lab);
	fclose(f);
	cmd_pid = 0;
}

static void
teardown(void)
{
	if (cmd_pid > 0) {
		kill(cmd_pid, SIGKILL);
		waitpid(cmd_pid, NULL, 0);
	}
	hs_cleanup(bin, lab, dir);
}

TestSuite(guard, .init = setup, .fini = teardown, .timeout = 120);

/* Start `anylab run ... --json` with stdout and stderr into files of dir. */
static void
start_run(bool keep)
{
	char out[256], err[256];

	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	cmd_pid = fork();
	cr_assert_geq(cmd_pid, 0);
	if (cmd_pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		const char *asan = getenv("ASAN_OPTIONS");
		char opts[512];

		/*
		 * In the sanitizer build ASan would catch the SIGSEGV sent below and
		 * exit 1 (which the guard handles too, as "exited before it was
		 * done"); let the signal kill the runner as in the plain build.
		 */
		snprintf(opts, sizeof(opts), "%s%shandle_segv=0", asan ? asan : "",
		    asan && asan[0] ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		dup2(o, 1);
		dup2(e, 2);
		if (keep)
			execl(bin, bin, "run", topo, "--scenario", "long", "--json", "--out", dir,
			    "--keep", (char *)NULL);
		else
			execl(bin, bin, "run", topo, "--scenario", "long", "--json", "--out", dir,
			    (char *)NULL);
		_exit(127);
	}
}

/* Wait (at most 60 s) until the scenario is under way: the first step held. */
static void
wait_under_way(void)
{
	char pattern[300];

	snprintf(pattern, sizeof(pattern), "%s/%s-long-*/probe.log", dir, lab);
	for (int i = 0; i < 600; i++) {
		glob_t g;
		int r = glob(pattern, 0, NULL, &g);

		if (r == 0) {
			struct stat st;
			bool answered = stat(g.gl_pathv[0], &st) == 0 &&
			    st.st_size > 300; /* past its header lines */

			globfree(&g);
			if (answered) {
				usleep(500000); /* into the wait step */
				return;
			}
		}
		usleep(100000);
	}
	cr_assert_fail("the run did not get under way in 60 s");
}

/* The child of pid that runs anylab: the runner. */
static pid_t
runner_of(pid_t pid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL && found == 0) {
		char path[300], buf[512], *p;
		int ppid;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == pid &&
		    strstr(buf, "(anylab)") != NULL)
			found = atoi(de->d_name);
		fclose(f);
	}
	closedir(d);
	cr_assert_gt(found, 0, "no runner child of %d", (int)pid);
	return found;
}

/* Wait at most 60 s for the command; its wait status. */
static int
wait_command(void)
{
	int status;

	for (int i = 0; i < 600; i++) {
		pid_t r = waitpid(cmd_pid, &status, WNOHANG);

		if (r == cmd_pid) {
			cmd_pid = 0;
			return status;
		}
		usleep(100000);
	}
	cr_assert_fail("anylab run did not end in 60 s");
	return -1;
}

static char *
slurp(const char *name)
{
	char path[256], *text = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	getdelim(&text, &len, '\0', f);
	fclose(f);
	return text ? text : strdup("");
}

static bool
lab_exists(void)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/anylab/%s", lab);
	return access(path, F_OK) == 0;
}

static bool
netns_exists(const char *node)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/netns/%s-%s", lab, node);
	return access(path, F_OK) == 0;
}

static void
crash_takes_the_lab_down(int sig, const char *name)
{
	char *err;
	int status;

	start_run(false);
	wait_under_way();
	cr_assert(lab_exists());
	cr_assert_eq(kill(runner_of(cmd_pid), sig), 0);
	status = wait_command();
	err = slurp("stderr");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "wait status %#x; %s", status,
	    err);
	cr_assert_not_null(strstr(err, name), "no %s in:\n%s", name, err);
	cr_assert_not_null(strstr(err, "taking lab"), "%s", err);
	cr_assert_not(lab_exists(), "the lab's record is still there");
	cr_assert_not(netns_exists("c"));
	cr_assert_not(netns_exists("s"));
	free(err);
}

Test(guard, sigsegv_in_the_runner_takes_the_lab_down)
{
	crash_takes_the_lab_down(SIGSEGV, "SIGSEGV");
}

Test(guard, sigabrt_in_the_runner_takes_the_lab_down)
{
	crash_takes_the_lab_down(SIGABRT, "SIGABRT");
}

Test(guard, keep_keeps_the_lab_after_a_crash)
{
	char *err;
	int status;

	start_run(true);
	wait_under_way();
	cr_assert_eq(kill(runner_of(cmd_pid), SIGSEGV), 0);
	status = wait_command();
	err = slurp("stderr");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", err);
	cr_assert_not_null(strstr(err, "kept up (--keep)"), "%s", err);
	cr_assert(lab_exists());
	cr_assert(netns_exists("c"));
	free(err);
}

Test(guard, sigint_to_the_command_interrupts_the_run)
{
	char *out;
	cJSON *j;
	int status;

	start_run(false);
	wait_under_way();
	cr_assert_eq(kill(cmd_pid, SIGINT), 0);
	status = wait_command();
	out = slurp("stdout");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "wait status %#x", status);
	j = cJSON_Parse(out);
	cr_assert_not_null(j, "no JSON: %s", out);
	cr_assert_str_eq(hs_field(j, "error"), "interrupted");
	cr_assert_str_eq(hs_field(hs_step(j, 0), "status"), "pass");
	cr_assert_str_eq(hs_field(hs_step(j, 1), "status"), "not run");
	cr_assert_not(lab_exists());
	cJSON_Delete(j);
	free(out);
}
