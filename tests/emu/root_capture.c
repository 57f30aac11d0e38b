/*
 * Namespace tests of `anylab up --capture DIR` (root): every interface of
 * every node is captured into DIR/LAB-NODE-IFACE.pcap from up to down; the
 * capture children are in the lab's record (pid and start time) and `down`
 * stops them, so the files are complete (tshark reads the datagrams sent)
 * and no capture process is left. Also: a failed up and a SIGKILLed up
 * leave no capture running.
 *
 * The test process makes itself a child subreaper, so the capture
 * children that outlive `anylab up` become its children: it can see that
 * they exited, and with which status (0: the files were flushed and closed).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <criterion/criterion.h>

#include "emu/helper_lab.h"
#include "lab.h"
#include "state.h"

/* Two nodes on a point-to-point link, b and c on a LAN (a switch port each). */
static const char topo_text[] =
    "{\"name\": \"capt\", \"nodes\": {\n"
    "  \"a\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/30\"]}}},\n"
    "  \"b\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.2/30\"]},\n"
    "                         \"eth1\": {\"addresses\": [\"10.1.0.2/24\"]}}},\n"
    "  \"c\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.1.0.3/24\"]}}}},\n"
    " \"links\": [{\"endpoints\": [\"a:eth0\", \"b:eth0\"]},\n"
    "           {\"name\": \"seg\", \"switch\": true, \"endpoints\": [\"b:eth1\", \"c:eth0\"]}]}\n";

static char lab[16], topo_file[256], capdir[64] = "";

static void
cap_init(void)
{
	hl_require_root();
	hl_lab_name('c', lab, sizeof(lab));
	hl_write_temp(topo_text, topo_file, sizeof(topo_file));
	snprintf(capdir, sizeof(capdir), "/tmp/anylab-capture-%d-XXXXXX", (int)getpid());
	cr_assert(mkdtemp(capdir) != NULL, "mkdtemp: %s", strerror(errno));
	/* Orphaned capture children come to us (see the top of the file). */
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
}

static void
cap_fini(void)
{
	char cmd[256];

	if (geteuid() != 0)
		return;
	lab_down(lab, true);
	if (topo_file[0] != '\0')
		unlink(topo_file);
	if (capdir[0] != '\0' && strncmp(capdir, "/tmp/anylab-capture-", 20) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", capdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", capdir);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

TestSuite(capture, .init = cap_init, .fini = cap_fini, .timeout = 120);

struct recorded {
	pid_t pid;
	unsigned long long start;
	char node[32];
};

/* The capture lines of the lab's record. */
static int
record_captures(struct recorded *c, int max)
{
	char path[256], line[256];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/run/anylab/%s/record", lab);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL && n < max) {
		int pid;

		if (sscanf(line, "capture %31s %d %llu", c[n].node, &pid, &c[n].start) == 3) {
			c[n].pid = pid;
			n++;
		}
	}
	fclose(f);
	return n;
}

/* Is pid still the recorded capture (running, not a zombie)? */
static bool
still_runs(const struct recorded *c)
{
	struct state_entry e = { .kind = STATE_CAPTURE, .pid = c->pid, .starttime = c->start };

	return state_proc_running(&e);
}

/* Send n datagrams "anylab-cap-K" from one node to dst:port, received by another. */
static void
exchange(const char *from, const char *to, const char *dst, int port, int n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = lab_socket(lab, from, AF_INET, SOCK_DGRAM, 0);
	int r = lab_socket(lab, to, AF_INET, SOCK_DGRAM, 0);
	char msg[32], buf[64];
	int got = 0;

	cr_assert(s >= 0 && r >= 0, "sockets in %s and %s", from, to);
	cr_assert_eq(bind(r, (struct sockaddr *)&any, sizeof(any)), 0);
	cr_assert_eq(inet_pton(AF_INET, dst, &sa.sin_addr), 1);
	for (int k = 0; k < n; k++) {
		snprintf(msg, sizeof(msg), "anylab-cap-%d", k);
		cr_assert(sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa)) > 0);
	}
	while (got < n) {
		struct pollfd p = { .fd = r, .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0)
			break;
		if (recv(r, buf, sizeof(buf), 0) > 0)
			got++;
	}
	close(s);
	close(r);
	cr_assert_eq(got, n, "%s -> %s (%s:%d): %d of %d datagrams arrived", from, to, dst, port,
	    got, n);
}

static bool
have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Frames in a pcap file matching a display filter (tshark), -1 when it cannot be read. */
static int
tshark_count(const char *file, const char *filter)
{
	char cmd[1024], line[256];
	int n = 0, st;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
	    "tshark -n -r '%s' -Y '%s' -T fields -e frame.number 2>/dev/null", file, filter);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (line[0] >= '0' && line[0] <= '9')
			n++;
		else
			fprintf(stderr, "tshark %s: %s", file, line);
	}
	st = pclose(p);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? n : -1;
}

static const char *
pcap_of(const char *node, const char *iface, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s-%s-%s.pcap", capdir, lab, node, iface);
	return buf;
}

Test(capture, up_capture_down)
{
	struct recorded caps[8];
	char *out = NULL, f[256], what[256];
	cJSON *doc, *node, *c;
	int rc, n, status_caps = 0;

	if (!have_tshark())
		cr_skip_test("tshark not installed (Debian: tshark): the files cannot be read");
	rc = hl_anylab(&out, "up", topo_file, "--name", lab, "--json", "--capture", capdir, NULL);
	cr_assert_eq(rc, 0, "up --capture: exit %d", rc);
	doc = cJSON_Parse(out);
	free(out);
	cr_assert(doc != NULL);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "captures")), 4.0,
	    "a:eth0, b:eth0, b:eth1, c:eth0");
	cJSON_Delete(doc);

	/* One capture child per node, recorded, running; status shows them. */
	n = record_captures(caps, 8);
	cr_assert_eq(n, 3, "capture lines in the record: %d", n);
	for (int i = 0; i < n; i++)
		cr_expect(still_runs(&caps[i]), "capture of %s (%d) does not run", caps[i].node,
		    (int)caps[i].pid);
	doc = hl_status(lab);
	cJSON_ArrayForEach(node, cJSON_GetObjectItem(doc, "nodes")) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(node, "captures"))
			status_caps += cJSON_IsTrue(cJSON_GetObjectItem(c, "running"));
	}
	cJSON_Delete(doc);
	cr_expect_eq(status_caps, 3, "status shows %d running captures", status_caps);

	exchange("a", "b", "10.0.0.2", 9999, 5);
	exchange("c", "b", "10.1.0.2", 9998, 4);

	rc = hl_anylab(NULL, "down", lab, NULL);
	cr_assert_eq(rc, 0);
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "left behind: %s", what);
	/* Stopped by down (no longer running), and each exited cleanly. */
	for (int i = 0; i < n; i++) {
		int st = -1;

		cr_expect(!still_runs(&caps[i]), "capture of %s (%d) survived down", caps[i].node,
		    (int)caps[i].pid);
		if (waitpid(caps[i].pid, &st, 0) == caps[i].pid)
			cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			    "capture of %s ended with status %#x", caps[i].node, st);
	}

	/* The files hold the datagrams, on every interface they crossed. */
	cr_expect_eq(tshark_count(pcap_of("a", "eth0", f, sizeof(f)),
			 "udp.dstport == 9999 && frame contains \"anylab-cap-\""),
	    5, "%s", f);
	cr_expect_eq(tshark_count(pcap_of("b", "eth0", f, sizeof(f)),
			 "udp.dstport == 9999 && frame contains \"anylab-cap-\""),
	    5, "%s", f);
	cr_expect_eq(tshark_count(pcap_of("c", "eth0", f, sizeof(f)),
			 "udp.dstport == 9998 && frame contains \"anylab-cap-\""),
	    4, "%s", f);
	cr_expect_eq(tshark_count(pcap_of("b", "eth1", f, sizeof(f)),
			 "udp.dstport == 9998 && frame contains \"anylab-cap-\""),
	    4, "%s", f);
	/* ... and only there. */
	cr_expect_eq(tshark_count(pcap_of("b", "eth1", f, sizeof(f)), "udp.dstport == 9999"), 0,
	    "%s", f);
	cr_expect_eq(tshark_count(pcap_of("a", "eth0", f, sizeof(f)), "udp.dstport == 9998"), 0,
	    "%s", f);
}

/* Processes named anylab-capture forked from an anylab run for this lab (not zombies). */
static int
captures_alive_for_lab(void)
{
	char path[300], buf[4096], needle[32];
	struct dirent *d;
	int count = 0;
	DIR *proc = opendir("/proc");

	cr_assert(proc != NULL);
	snprintf(needle, sizeof(needle), "%s", lab);
	while ((d = readdir(proc)) != NULL) {
		ssize_t len;
		FILE *f;
		char *p;
		bool ours = false;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p == NULL || strstr(buf, "(anylab-capture)") == NULL)
			continue;
		p = strrchr(buf, ')');
		if (p == NULL || p[2] == 'Z' || p[2] == 'X')
			continue;
		/* A fork of anylab: its command line is the up's, which names the lab. */
		snprintf(path, sizeof(path), "/proc/%s/cmdline", d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		len = (ssize_t)fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (ssize_t i = 0; i < len; i += (ssize_t)strlen(buf + i) + 1)
			ours |= strcmp(buf + i, needle) == 0;
		count += ours;
	}
	closedir(proc);
	return count;
}

static void
fake_daemons(const char *dir)
{
	char path[512];
	FILE *f;

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, i ? "anydnsd" : "anybgpd");
		f = fopen(path, "w");
		cr_assert(f != NULL);
		fprintf(f, "#!/bin/sh\necho 'cannot start' >&2\nexit 3\n");
		fclose(f);
		chmod(path, 0755);
	}
}

/* A daemon fails after the captures started: the rollback stops them too. */
Test(capture, failed_up_stops_captures)
{
	char dir[] = "/tmp/anylab-fake-XXXXXX", path[512], what[256], f[256];
	int rc;

	cr_assert(mkdtemp(dir) != NULL);
	fake_daemons(dir);
	setenv("ANYLAB_BIN_DIR", dir, 1);
	hl_source("topologies/anycast-lab.json", path, sizeof(path));
	rc = hl_anylab(NULL, "up", path, "--name", lab, "--capture", capdir, NULL);
	cr_expect_eq(rc, 8, "a daemon that exits at start: exit %d", rc);
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "left behind: %s", what);
	/* The captures had started (their files exist) and none runs now. */
	cr_expect(access(pcap_of("gateway", "eth1", f, sizeof(f)), F_OK) == 0, "%s", f);
	cr_expect_eq(captures_alive_for_lab(), 0, "capture processes of lab %s still run", lab);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
}

/* up SIGKILLed while starting its captures: the recorded ones are stopped by down. */
Test(capture, sigkill_during_captures)
{
	struct timespec pause = { 0, 100 * 1000 };
	struct recorded caps[8];
	char what[256];
	int pid, status, n = 0;

	pid = hl_anylab_start("up", topo_file, "--name", lab, "--json", "--no-daemons", "--capture",
	    capdir, NULL);
	for (int i = 0; i < 100000 && (n = record_captures(caps, 8)) < 1; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	n = record_captures(caps, 8);
	if (n == 0)
		cr_skip_test("up was killed before its first capture was recorded");
	cr_assert_eq(hl_anylab(NULL, "down", lab, NULL), 0);
	for (int i = 0; i < n; i++)
		cr_expect(!still_runs(&caps[i]), "recorded capture %d survived down",
		    (int)caps[i].pid);
	cr_expect_eq(captures_alive_for_lab(), 0, "capture processes of lab %s still run", lab);
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "left behind: %s", what);
}
