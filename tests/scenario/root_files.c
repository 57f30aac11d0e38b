/*
 * What anylab writes and reads, against a local user who plants things
 * (root; issue 12, docs/security.md):
 * - a symbolic link planted at each output path (`run --junit FILE`, the
 *   run directory of `run --out DIR`, `up --capture DIR`, `capture -w FILE`)
 *   is refused and its target is untouched;
 * - `up` under umask 000 makes nothing others may write, and no control
 *   socket user nobody may connect to; the topology copy and the daemons'
 *   configs (TCP-MD5 keys here) are 0600;
 * - `validate` of /dev/zero, of a FIFO, of a topology whose zone file is a
 *   FIFO, and `run` with a FIFO for the scenarios file end at once with an
 *   error naming the file;
 * - JSON output with a quote in a name parses.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cJSON.h>

#include "helper_scn.h"
#include "jcfg.h"

#define PRECIOUS "precious, not anylab's\n"
#define MD5_KEY	 "files-test-key"

static char lab[16], dir[128], bin[512];
static cJSON *doc;
static char *output;

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	hs_lab_dir("fi", "files", lab, sizeof(lab), dir, sizeof(dir));
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
	cJSON_Delete(doc);
	doc = NULL;
	free(output);
	output = NULL;
}

TestSuite(files, .init = setup, .fini = teardown, .timeout = 240);

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void
assert_precious(const char *path)
{
	char buf[128] = "";
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f, "%s is gone", path);
	cr_assert(fgets(buf, sizeof(buf), f) != NULL || buf[0] == '\0');
	fclose(f);
	cr_assert_str_eq(buf, PRECIOUS, "%s was written through the planted link", path);
}

/* Lab A under this test's name, TCP-MD5 on every session, a short scenario. */
static void
write_lab_a(const char *topo)
{
	const char *s = getenv("ANYLAB_SOURCE_DIR");
	char path[600], *text;
	struct cfg_errors e;
	const cJSON *n, *p;

	cfg_errors_init(&e, "anycast-lab.json");
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", s);
	doc = jc_parse_file(path, &e);
	cr_assert_not_null(doc);
	cJSON_DeleteItemFromObject(doc, "$schema");
	cJSON_ReplaceItemInObject(doc, "name", cJSON_CreateString(lab));
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		const cJSON *bgp = cJSON_GetObjectItem(n, "bgp");

		cJSON_ArrayForEach(p, cJSON_GetObjectItem(bgp, "peers"))
			cJSON_AddStringToObject((cJSON *)p, "password", MD5_KEY);
	}
	cJSON_AddItemToObject(doc, "scenarios",
	    jc_parse_string("{\"quick\": {\"probe\": {\"clients\": [\"client1\", \"client2\"],"
			    " \"timeout\": 0.5, \"lead_in\": 0}, \"steps\": [{\"expect\": "
			    "\"instances\", \"set\": [\"DC001\", \"DC002\"], \"within\": 30}]}}",
		&e));
	cr_assert_eq(e.count, 0);
	text = cJSON_Print(doc);
	write_text(topo, text);
	free(text);
	cJSON_Delete(doc);
	doc = NULL;
}

static char bad[4096];
static size_t badlen;

/* nftw: note every object others (or the group) may write. */
static int
note_writable(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	if (!S_ISLNK(sb->st_mode) && (sb->st_mode & (S_IWOTH | S_IWGRP)) && badlen < sizeof(bad))
		badlen += (size_t)snprintf(bad + badlen, sizeof(bad) - badlen, " %s (%o)", path,
		    (unsigned)(sb->st_mode & 07777));
	return 0;
}

static void
assert_mode(const char *path, mode_t mode)
{
	struct stat sb;

	cr_assert_eq(lstat(path, &sb), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(sb.st_mode & 07777, mode, "%s: mode %o, expected %o", path,
	    (unsigned)(sb.st_mode & 07777), (unsigned)mode);
}

/* Can user nobody connect to the socket at path? 0, or the errno of connect. */
static int
nobody_connects(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int status;
	pid_t pid;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(255);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			_exit(254);
		_exit(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? 0 : errno);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_lt(WEXITSTATUS(status), 254, "could not become nobody");
	return WEXITSTATUS(status);
}

Test(files, umask_000_up_then_run_refuses_planted_links)
{
	char topo[256], path[700], victim[256], victim_dir[256], out[256], junit[256], stamp[32];
	char cmd[2048], rundir[700] = "";
	time_t now = time(NULL);
	int status, nruns = 0;
	struct dirent *e;
	DIR *d;

	snprintf(topo, sizeof(topo), "%s/lab.json", dir);
	write_lab_a(topo);

	/* up under umask 000: nothing others may write or connect to. */
	cr_assert_eq(hs_sh("umask 000 && %s up %s >/dev/null", bin, topo), 0);
	snprintf(path, sizeof(path), "/run/anylab/%s/record", lab);
	cr_assert_eq(access(path, F_OK), 0, "up did not make %s", path);
	badlen = 0;
	bad[0] = '\0';
	snprintf(path, sizeof(path), "/run/anylab/%s", lab);
	cr_assert_eq(nftw(path, note_writable, 16, FTW_PHYS), 0);
	snprintf(path, sizeof(path), "/etc/netns/%s-client1", lab);
	cr_assert_eq(nftw(path, note_writable, 16, FTW_PHYS), 0);
	cr_assert_eq(badlen, 0, "writable by others or the group under umask 000:%s", bad);
	snprintf(path, sizeof(path), "/run/anylab/%s/topology.json", lab);
	assert_mode(path, 0600);
	snprintf(path, sizeof(path), "/run/anylab/%s/nodes/dc001/bgp.json", lab);
	assert_mode(path, 0600);
	snprintf(path, sizeof(path), "/run/anylab/%s/nodes/dc001/dns.json", lab);
	assert_mode(path, 0600);
	snprintf(path, sizeof(path), "/etc/netns/%s-client1/resolv.conf", lab);
	assert_mode(path, 0644);
	snprintf(path, sizeof(path), "/run/anylab/%s/nodes/dc001/bgp.ctl", lab);
	assert_mode(path, 0600);
	cr_assert_eq(nobody_connects(path), EACCES, "user nobody may connect to %s", path);
	snprintf(path, sizeof(path), "/run/anylab/%s/nodes/dc001/dns.ctl", lab);
	cr_assert_eq(nobody_connects(path), EACCES, "user nobody may connect to %s", path);

	/*
	 * run on that lab with links planted: --junit FILE is a link to a
	 * victim, and DIR/LAB-quick-STAMP is a link to a victim directory for
	 * every second the run may start in.
	 */
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(victim_dir, sizeof(victim_dir), "%s/victim-dir", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(junit, sizeof(junit), "%s/junit.xml", dir);
	write_text(victim, PRECIOUS);
	cr_assert_eq(mkdir(victim_dir, 0755), 0);
	cr_assert_eq(mkdir(out, 0777), 0);
	cr_assert_eq(symlink(victim, junit), 0);
	for (int i = 0; i < 30; i++) {
		time_t t = now + i;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(path, sizeof(path), "%s/%s-quick-%s", out, lab, stamp);
		cr_assert_eq(symlink(victim_dir, path), 0);
	}
	snprintf(cmd, sizeof(cmd), "%s run %s --scenario quick --json --junit %s --out %s 2>&1",
	    bin, topo, junit, out);
	output = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "run: status %d (expected 1: the junit file was refused):\n%s", status, output);
	cr_assert(strstr(output, "symbolic link") != NULL, "no word of the link:\n%s", output);
	assert_precious(victim);
	d = opendir(victim_dir);
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		cr_assert(e->d_name[0] == '.', "the run wrote %s into the planted directory",
		    e->d_name);
	closedir(d);
	/* The run made its own directory, beside the links, with its files. */
	d = opendir(out);
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", out, e->d_name);
		if (e->d_name[0] == '.' || lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		snprintf(rundir, sizeof(rundir), "%s", path);
		nruns++;
	}
	closedir(d);
	cr_assert_eq(nruns, 1, "run directories made: %d\n%s", nruns, output);
	snprintf(path, sizeof(path), "%s/results.json", rundir);
	cr_assert_eq(access(path, F_OK), 0, "%s missing:\n%s", path, output);
	cr_assert(strstr(rundir, "-2") != NULL, "%s: not a fresh name", rundir);
}

/* A point-to-point pair, no daemons. */
static const char small_topo[] =
    "{\"name\": \"%s\", \"nodes\": {\n"
    "  \"a\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/30\"]}}},\n"
    "  \"b\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.2/30\"]}}}},\n"
    " \"links\": [{\"endpoints\": [\"a:eth0\", \"b:eth0\"]}]}\n";

Test(files, capture_outputs_refuse_planted_links)
{
	char topo[256], text[1024], capdir[256], victim[256], path[700], cmd[2048];
	int status;

	snprintf(topo, sizeof(topo), "%s/small.json", dir);
	snprintf(text, sizeof(text), small_topo, lab);
	write_text(topo, text);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	write_text(victim, PRECIOUS);

	/* up --capture DIR with DIR/LAB-a-eth0.pcap planted. */
	snprintf(capdir, sizeof(capdir), "%s/caps", dir);
	cr_assert_eq(mkdir(capdir, 0777), 0);
	snprintf(path, sizeof(path), "%s/%s-a-eth0.pcap", capdir, lab);
	cr_assert_eq(symlink(victim, path), 0);
	snprintf(cmd, sizeof(cmd), "%s up %s --capture %s 2>&1", bin, topo, capdir);
	output = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0,
	    "up --capture wrote through a planted link:\n%s", output);
	cr_assert(strstr(output, "symbolic link") != NULL, "no word of the link:\n%s", output);
	assert_precious(victim);
	free(output);
	output = NULL;
	hs_sh("%s down %s >/dev/null 2>&1", bin, lab);

	/* capture -w FILE with FILE planted. */
	cr_assert_eq(hs_sh("%s up %s >/dev/null", bin, topo), 0);
	snprintf(path, sizeof(path), "%s/w.pcap", dir);
	cr_assert_eq(symlink(victim, path), 0);
	snprintf(cmd, sizeof(cmd), "timeout 20 %s capture a:eth0 -w %s --duration 2 --lab %s 2>&1",
	    bin, path, lab);
	output = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 124,
	    "capture -w wrote through a planted link (status %d):\n%s", status, output);
	cr_assert(strstr(output, "symbolic link") != NULL, "no word of the link:\n%s", output);
	assert_precious(victim);
	/* A hard link to someone's file: refused too. */
	snprintf(path, sizeof(path), "%s/h.pcap", dir);
	cr_assert_eq(link(victim, path), 0);
	snprintf(cmd, sizeof(cmd), "timeout 20 %s capture a:eth0 -w %s --duration 2 --lab %s 2>&1",
	    bin, path, lab);
	free(output);
	output = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 124,
	    "capture -w wrote into a hard link (status %d):\n%s", status, output);
	assert_precious(victim);
	cr_assert_eq(hs_sh("%s down %s >/dev/null", bin, lab), 0);
}

/* Run cmd under `timeout 10`: its output, status; fails past 3 s. */
static char *
quick(const char *cmd, int *status)
{
	struct timespec a, b;
	char full[2048];
	char *out;
	double s;

	snprintf(full, sizeof(full), "timeout 10 %s 2>&1", cmd);
	clock_gettime(CLOCK_MONOTONIC, &a);
	out = hs_output(full, status);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	cr_assert(WIFEXITED(*status) && WEXITSTATUS(*status) != 124, "%s: still reading after 10 s",
	    cmd);
	cr_assert_lt(s, 3.0, "%s took %.1f s", cmd, s);
	return out;
}

Test(files, validate_and_run_refuse_devices_and_fifos)
{
	char fifo[256], topo[256], cmd[2048], text[1024];
	cJSON *dc001;
	struct cfg_errors e;
	char path[600], *t;
	int status;

	snprintf(cmd, sizeof(cmd), "%s validate /dev/zero", bin);
	output = quick(cmd, &status);
	cr_assert_eq(WEXITSTATUS(status), 3, "%s", output);
	cr_assert(strstr(output, "/dev/zero: not a regular file") != NULL, "%s", output);
	free(output);

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	snprintf(cmd, sizeof(cmd), "%s validate %s", bin, fifo);
	output = quick(cmd, &status);
	cr_assert_eq(WEXITSTATUS(status), 3, "%s", output);
	cr_assert(strstr(output, "fifo: not a regular file") != NULL, "%s", output);
	free(output);

	/* A topology larger than the limit says the limit. */
	snprintf(topo, sizeof(topo), "%s/big.json", dir);
	cr_assert_eq(hs_sh("head -c %u /dev/zero | tr '\\0' ' ' > %s", (16u << 20) + 1, topo), 0);
	snprintf(cmd, sizeof(cmd), "%s validate %s", bin, topo);
	output = quick(cmd, &status);
	cr_assert_eq(WEXITSTATUS(status), 3, "%s", output);
	cr_assert(strstr(output, "big.json: larger than 16777216 bytes") != NULL, "%s", output);
	free(output);

	/* Lab A with dc001's zone read from the FIFO. */
	cfg_errors_init(&e, "anycast-lab.json");
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	doc = jc_parse_file(path, &e);
	cr_assert_not_null(doc);
	cJSON_DeleteItemFromObject(doc, "$schema");
	cJSON_ReplaceItemInObject(doc, "name", cJSON_CreateString(lab));
	dc001 = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "nodes"), "dc001");
	snprintf(text, sizeof(text), "[{\"origin\": \"zone.tst\", \"file\": \"%s\"}]", fifo);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(dc001, "dns"), "zones",
	    jc_parse_string(text, &e));
	cr_assert_eq(e.count, 0);
	snprintf(topo, sizeof(topo), "%s/zonefifo.json", dir);
	t = cJSON_Print(doc);
	write_text(topo, t);
	free(t);
	snprintf(cmd, sizeof(cmd), "%s validate %s", bin, topo);
	output = quick(cmd, &status);
	cr_assert_eq(WEXITSTATUS(status), 3, "%s", output);
	cr_assert(strstr(output, "not a regular file") != NULL, "%s", output);
	free(output);

	/* The scenarios file beside a topology is a FIFO: run ends before anything is made. */
	cJSON_DeleteItemFromObject(dc001, "dns");
	snprintf(topo, sizeof(topo), "%s/scn.json", dir);
	t = cJSON_Print(doc);
	write_text(topo, t);
	free(t);
	snprintf(path, sizeof(path), "%s/scn.scenarios.json", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	snprintf(cmd, sizeof(cmd), "%s run %s --scenario x --out %s/out", bin, topo, dir);
	output = quick(cmd, &status);
	cr_assert_neq(WEXITSTATUS(status), 0, "%s", output);
	cr_assert(strstr(output, "scn.scenarios.json: not a regular file") != NULL, "%s", output);
	snprintf(path, sizeof(path), "/run/anylab/%s", lab);
	cr_assert_neq(access(path, F_OK), 0, "run made the lab");
}

Test(files, json_output_with_quotes_parses)
{
	char cmd[1024];
	int status;

	snprintf(cmd, sizeof(cmd), "%s down --json 'rel\"x' 2>/dev/null", bin);
	output = hs_output(cmd, &status);
	doc = cJSON_Parse(output);
	cr_assert_not_null(doc, "not JSON: %s", output);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "lab")->valuestring, "rel\"x");
	cJSON_Delete(doc);
	free(output);
	snprintf(cmd, sizeof(cmd), "%s down --json $(printf 'bad\\377\\\\') 2>/dev/null", bin);
	output = hs_output(cmd, &status);
	doc = cJSON_Parse(output);
	cr_assert_not_null(doc, "not JSON: %s", output);
	cr_assert(cJSON_IsString(cJSON_GetObjectItem(doc, "lab")));
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "lab")->valuestring, "bad\xef\xbf\xbd\\");
}
