/*
 * Namespace tests of the lab core (root): Lab A's network built by the
 * anylab binary and checked with real packets; link down/up seen by status
 * and routes coming back; SIGKILL during up then down leaves nothing; two
 * labs side by side; refusals (already up, invalid topology, missing
 * daemon) create nothing. Every lab is uniquely named and downed on every
 * path (fini).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "emu/helper_lab.h"
#include "lab.h"

static char lab1[16], lab2[16], topo_file[256], topo_file2[256];

static void
lab_init(void)
{
	hl_require_root();
	hl_lab_name('a', lab1, sizeof(lab1));
	hl_lab_name('b', lab2, sizeof(lab2));
	topo_file[0] = topo_file2[0] = '\0';
}

static void
lab_fini(void)
{
	if (geteuid() != 0)
		return;
	lab_down(lab1, true);
	lab_down(lab2, true);
	if (topo_file[0] != '\0')
		unlink(topo_file);
	if (topo_file2[0] != '\0')
		unlink(topo_file2);
}

TestSuite(lab, .init = lab_init, .fini = lab_fini, .timeout = 120);

static void
up_lab_a(const char *lab)
{
	int rc;

	if (topo_file[0] == '\0')
		hl_lab_a_static(topo_file, sizeof(topo_file));
	rc = hl_anylab(NULL, "up", topo_file, "--name", lab, "--json", NULL);
	cr_assert_eq(rc, 0, "anylab up %s --name %s: exit %d", topo_file, lab, rc);
}

Test(lab, lab_a_packets)
{
	char src[64], *out = NULL, what[256];
	int rc;

	up_lab_a(lab1);
	cr_expect(hl_udp(lab1, "client1", "gateway", "131.253.1.254", src, sizeof(src)),
	    "client1 -> 131.253.1.254");
	cr_expect_str_eq(src, "131.253.1.1");
	cr_expect(hl_udp(lab1, "gateway", "dc001", "10.10.10.1", src, sizeof(src)),
	    "gateway -> 10.10.10.1");
	cr_expect_str_eq(src, "10.10.10.254");
	cr_expect(hl_udp(lab1, "gateway", "dc002", "10.10.10.2", NULL, 0), "gateway -> 10.10.10.2");
	/* Through the gateway (forwarding on) to the anycast address on dc001's lo. */
	cr_expect(hl_udp(lab1, "client2", "dc001", "51.51.51.51", src, sizeof(src)),
	    "client2 -> 51.51.51.51 via the gateway");
	cr_expect_str_eq(src, "131.253.1.2");
	/* What a DC opens never leaves from the anycast address. */
	cr_expect(hl_udp(lab1, "dc001", "gateway", "10.10.10.254", src, sizeof(src)));
	cr_expect_str_eq(src, "10.10.10.1", "dc001 used %s as source towards the gateway", src);
	cr_expect(hl_udp(lab1, "dc002", "client1", "131.253.1.1", src, sizeof(src)));
	cr_expect_str_eq(src, "10.10.10.2", "dc002 used %s as source towards client1", src);

	/* exec: the node's resolver and the command's exit status. */
	rc = hl_anylab(&out, "exec", "-l", lab1, "client1", "--", "cat", "/etc/resolv.conf", NULL);
	cr_expect_eq(rc, 0);
	cr_expect(out != NULL && strstr(out, "nameserver 51.51.51.51\n") != NULL,
	    "client1's resolv.conf: %s", out ? out : "(none)");
	free(out);
	rc = hl_anylab(NULL, "exec", "-l", lab1, "dc001", "--", "sh", "-c", "exit 7", NULL);
	cr_expect_eq(rc, 7, "exec exit status %d", rc);
	rc = hl_anylab(NULL, "exec", "-l", lab1, "dc001", "--", "/nonexistent/cmd", NULL);
	cr_expect_eq(rc, 127);
	rc = hl_anylab(NULL, "exec", "-l", lab1, "nosuchnode", "--", "true", NULL);
	cr_expect_eq(rc, 125);

	rc = hl_anylab(NULL, "down", lab1, NULL);
	cr_assert_eq(rc, 0);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "left behind: %s", what);
	/* down is idempotent */
	cr_expect_eq(hl_anylab(NULL, "down", lab1, NULL), 0);
}

static const char *
iface_field(const cJSON *doc, const char *node, const char *ifn, const char *key)
{
	const cJSON *i = hl_status_iface(doc, node, ifn);

	cr_assert(i != NULL, "%s:%s missing from status", node, ifn);
	return cJSON_GetStringValue(cJSON_GetObjectItem(i, key));
}

Test(lab, link_down_up)
{
	cJSON *doc;

	up_lab_a(lab1);
	doc = hl_status(lab1);
	cr_assert_str_eq(iface_field(doc, "dc001", "eth0", "admin"), "up");
	cr_assert(hl_status_has_route(doc, "dc001", "default"));
	cJSON_Delete(doc);

	/* The adapter disabled: admin down, the static default route gone with it. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "dc001:eth0", "down", NULL), 0);
	doc = hl_status(lab1);
	cr_expect_str_eq(iface_field(doc, "dc001", "eth0", "admin"), "down");
	cr_expect(!hl_status_has_route(doc, "dc001", "default"));
	cJSON_Delete(doc);
	cr_expect(hl_udp_blocked(lab1, "gateway", "dc001", "10.10.10.1"));

	/* Enabled again: the route is back (anylab re-installs it) and packets flow. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "dc001:eth0", "up", NULL), 0);
	doc = hl_status(lab1);
	cr_expect_str_eq(iface_field(doc, "dc001", "eth0", "admin"), "up");
	cr_expect(hl_status_has_route(doc, "dc001", "default"), "default route not restored");
	cJSON_Delete(doc);
	cr_expect(hl_udp(lab1, "gateway", "dc001", "10.10.10.1", NULL, 0));
	cr_expect(hl_udp(lab1, "client1", "dc001", "51.51.51.51", NULL, 0),
	    "dc001 answers through its restored default route");

	/* The cable cut: admin up, carrier gone; then back. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "dc002:eth0", "down", "--cut", NULL), 0);
	doc = hl_status(lab1);
	cr_expect_str_eq(iface_field(doc, "dc002", "eth0", "admin"), "up");
	cr_expect_str_eq(iface_field(doc, "dc002", "eth0", "carrier"), "down");
	cr_expect_str_eq(iface_field(doc, "dc001", "eth0", "carrier"), "up",
	    "a LAN member's cut must not drop the others' carrier");
	cJSON_Delete(doc);
	cr_expect(hl_udp_blocked(lab1, "gateway", "dc002", "10.10.10.2"));
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "dc002:eth0", "up", "--cut", NULL), 0);
	doc = hl_status(lab1);
	cr_expect_str_eq(iface_field(doc, "dc002", "eth0", "carrier"), "up");
	cr_expect(hl_status_has_route(doc, "dc002", "default"));
	cJSON_Delete(doc);
	cr_expect(hl_udp(lab1, "gateway", "dc002", "10.10.10.2", NULL, 0));

	cr_expect_eq(hl_anylab(NULL, "link", "-l", lab1, "dc001:eth7", "down", NULL), 2);
}

static int
record_count(const char *lab, const char *word)
{
	char path[256], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/run/anylab/%s/record", lab);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, word, strlen(word)) == 0 && line[strlen(word)] == ' ')
			n++;
	}
	fclose(f);
	return n;
}

/* Start up, SIGKILL it once the record holds `count` lines starting with word. */
static void
kill_during_up(const char *lab, const char *file, const char *word, int count)
{
	struct timespec pause = { 0, 200 * 1000 };
	char what[256];
	int pid, status, rc, i;

	pid = hl_anylab_start("up", file, "--name", lab, "--json", NULL);
	cr_assert(pid > 0);
	for (i = 0; i < 200000 && record_count(lab, word) < count; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			cr_assert_fail("up finished before %d '%s' records", count, word);
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cr_assert(WIFSIGNALED(status), "up was not killed halfway");
	cr_expect(hl_leftovers(lab, what, sizeof(what)), "nothing was made before the kill?");
	/* Already-up refusal also holds for an interrupted lab. */
	rc = hl_anylab(NULL, "up", file, "--name", lab, NULL);
	cr_expect_eq(rc, 4, "up over an interrupted lab: exit %d", rc);
	rc = hl_anylab(NULL, "down", lab, NULL);
	cr_assert_eq(rc, 0, "down after SIGKILL: exit %d", rc);
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "left behind after %s %d: %s", word,
	    count, what);
}

Test(lab, sigkill_during_up)
{
	hl_generated(100, topo_file, sizeof(topo_file));
	kill_during_up(lab1, topo_file, "netns", 40);
	kill_during_up(lab1, topo_file, "link", 60);
	kill_during_up(lab1, topo_file, "link", 408); /* the last link: then nodes */
}

Test(lab, two_labs_side_by_side)
{
	char what[256];
	cJSON *doc;

	up_lab_a(lab1);
	up_lab_a(lab2);
	cr_expect(hl_udp(lab1, "client1", "gateway", "131.253.1.254", NULL, 0));
	cr_expect(hl_udp(lab2, "client1", "gateway", "131.253.1.254", NULL, 0));
	/* Only lab1's dc001 goes down. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "dc001:eth0", "down", NULL), 0);
	doc = hl_status(lab2);
	cr_expect_str_eq(iface_field(doc, "dc001", "eth0", "admin"), "up");
	cJSON_Delete(doc);
	/* With two labs up, a verb without a lab name refuses. */
	cr_expect_eq(hl_anylab(NULL, "status", NULL), 5);
	cr_assert_eq(hl_anylab(NULL, "down", lab1, NULL), 0);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "left behind: %s", what);
	cr_expect(hl_udp(lab2, "gateway", "dc002", "10.10.10.2", NULL, 0),
	    "lab2 still works after lab1 went down");
}

Test(lab, already_up_refused)
{
	int rc;

	up_lab_a(lab1);
	rc = hl_anylab(NULL, "up", topo_file, "--name", lab1, NULL);
	cr_expect_eq(rc, 4, "second up: exit %d", rc);
	cr_expect(hl_udp(lab1, "client1", "gateway", "131.253.1.254", NULL, 0),
	    "the first lab survives the refused up");
}

Test(lab, invalid_topology_creates_nothing)
{
	char what[256];
	int rc;

	hl_write_temp("{\"name\": \"x\", \"nodes\": {\"a\": {\"interfaces\": {\"eth0\": "
		      "{\"addresses\": [\"10.0.0.300/24\"]}}}}, \"links\": []}\n",
	    topo_file, sizeof(topo_file));
	rc = hl_anylab(NULL, "up", topo_file, "--name", lab1, NULL);
	cr_expect_eq(rc, 3, "up of an invalid topology: exit %d", rc);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "made: %s", what);
	rc = hl_anylab(NULL, "validate", topo_file, NULL);
	cr_expect_eq(rc, 3);
}

Test(lab, missing_daemon_creates_nothing)
{
	char what[256], path[512];
	int rc;

	/* Lab A as shipped asks for anybgpd and anydnsd; with none beside anylab, up fails. */
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	setenv("ANYLAB_BIN_DIR", "/nonexistent", 1);
	rc = hl_anylab(NULL, "up", path, "--name", lab1, NULL);
	cr_expect_eq(rc, 6, "up without the daemons built: exit %d", rc);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "made: %s", what);
}

static bool
daemons_built(void)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/bin/anybgpd", getenv("ANYLAB_BUILD_DIR"));
	if (access(p, X_OK) < 0)
		return false;
	snprintf(p, sizeof(p), "%s/bin/anydnsd", getenv("ANYLAB_BUILD_DIR"));
	return access(p, X_OK) == 0;
}

/* The pids of the daemons status reports, and whether each runs. */
static int
status_daemons(const char *lab, int pids[], int max, int *running)
{
	cJSON *doc = hl_status(lab);
	const cJSON *n, *d;
	int count = 0;

	*running = 0;
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		cJSON_ArrayForEach(d, cJSON_GetObjectItem(n, "daemons")) {
			if (count < max)
				pids[count] = (int)cJSON_GetNumberValue(
				    cJSON_GetObjectItem(d, "pid"));
			count++;
			*running += cJSON_IsTrue(cJSON_GetObjectItem(d, "running"));
		}
	}
	cJSON_Delete(doc);
	return count;
}

static bool
pid_alive(int pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p != NULL ? strrchr(buf, ')') : NULL;
	return p != NULL && p[2] != 'Z' && p[2] != 'X';
}

Test(lab, lab_a_daemons_started_and_stopped)
{
	char path[512], what[256], ctl[256];
	int pids[8], running, n, rc;

	if (!daemons_built())
		cr_skip_test("anybgpd/anydnsd not built: daemon supervision not tested");
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	rc = hl_anylab(NULL, "up", path, "--name", lab1, "--json", NULL);
	cr_assert_eq(rc, 0, "up of Lab A with its daemons: exit %d", rc);
	n = status_daemons(lab1, pids, 8, &running);
	cr_expect_eq(n, 5, "gateway bgp, dc001/dc002 bgp+dns: %d daemons", n);
	cr_expect_eq(running, 5);
	/* up waited for BGP to converge: the gateway's ECMP route is there at once. */
	{
		cJSON *doc = hl_status(lab1);
		const cJSON *node, *r;
		int hops = -1;

		cJSON_ArrayForEach(node, cJSON_GetObjectItem(doc, "nodes")) {
			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(node, "name")),
				"gateway") != 0)
				continue;
			cJSON_ArrayForEach(r, cJSON_GetObjectItem(node, "routes")) {
				if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "dst")),
					"51.51.51.0/24") == 0)
					hops = cJSON_GetArraySize(
					    cJSON_GetObjectItem(r, "nexthops"));
			}
		}
		cJSON_Delete(doc);
		cr_expect_eq(hops, 2, "gateway's 51.51.51.0/24 right after up: %d next hops", hops);
	}
	snprintf(ctl, sizeof(ctl), "/run/anylab/%s/nodes/dc001/dns.ctl", lab1);
	cr_expect(access(ctl, F_OK) == 0, "%s", ctl);
	rc = hl_anylab(NULL, "down", lab1, NULL);
	cr_assert_eq(rc, 0);
	for (int i = 0; i < n && i < 8; i++)
		cr_expect(!pid_alive(pids[i]), "daemon %d still runs after down", pids[i]);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "left behind: %s", what);
}

Test(lab, sigkill_while_daemons_start)
{
	struct timespec pause = { 0, 100 * 1000 };
	char path[512], what[256], rec[256], line[256];
	int pid, status, pids[8], n = 0;
	FILE *f;

	if (!daemons_built())
		cr_skip_test("anybgpd/anydnsd not built: daemon supervision not tested");
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	pid = hl_anylab_start("up", path, "--name", lab1, "--json", NULL);
	for (int i = 0; i < 100000 && record_count(lab1, "daemon") < 2; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			cr_skip_test("up finished before it could be killed among its daemons");
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	snprintf(rec, sizeof(rec), "/run/anylab/%s/record", lab1);
	f = fopen(rec, "r");
	cr_assert(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL && n < 8) {
		if (sscanf(line, "daemon %*s %*s %d", &pids[n]) == 1)
			n++;
	}
	fclose(f);
	cr_assert(n >= 2);
	cr_assert_eq(hl_anylab(NULL, "down", lab1, NULL), 0);
	for (int i = 0; i < n; i++)
		cr_expect(!pid_alive(pids[i]), "recorded daemon %d survived down", pids[i]);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "left behind: %s", what);
}

/* Count RTM_NEWLINK events seen in the root namespace while up runs. */
Test(lab, nothing_appears_in_the_root_namespace)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	char buf[65536], names[512] = "";
	int fd, rc, newlinks = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	up_lab_a(lab1);
	rc = hl_anylab(NULL, "link", "-l", lab1, "dc001:eth0", "down", "--cut", NULL);
	cr_assert_eq(rc, 0);
	rc = hl_anylab(NULL, "link", "-l", lab1, "dc001:eth0", "up", "--cut", NULL);
	cr_assert_eq(rc, 0);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
		     h = NLMSG_NEXT(h, n)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			int len = (int)IFLA_PAYLOAD(h);

			if (h->nlmsg_type != RTM_NEWLINK)
				continue;
			for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len);
			     a = RTA_NEXT(a, len)) {
				const char *nm = RTA_DATA(a);

				if (a->rta_type != IFLA_IFNAME)
					continue;
				/* Lab A's interface and port names. */
				if (strcmp(nm, "eth0") == 0 || strcmp(nm, "eth1") == 0 ||
				    strncmp(nm, "internet", 8) == 0 ||
				    strncmp(nm, "intranet", 8) == 0) {
					newlinks++;
					strncat(names, nm, sizeof(names) - strlen(names) - 2);
					strcat(names, " ");
				}
			}
		}
	}
	close(fd);
	cr_expect_eq(newlinks, 0, "links seen in the root namespace: %s", names);
}

/*
 * Daemons that fail: one that exits at once, one that never answers. up must
 * fail with status 8, stop what it started and remove everything. The
 * stand-ins are shell scripts in a private ANYLAB_BIN_DIR: what is under test
 * is anylab's supervision, not the daemons.
 */
static void
fake_daemons(const char *dir, const char *body)
{
	char path[512];
	FILE *f;

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, i ? "anydnsd" : "anybgpd");
		f = fopen(path, "w");
		cr_assert(f != NULL);
		fprintf(f, "#!/bin/sh\n%s\n", body);
		fclose(f);
		chmod(path, 0755);
	}
}

Test(lab, failing_daemon_rolls_back)
{
	char dir[] = "/tmp/anylab-fake-XXXXXX", path[512], what[256], body[1024], pidf[600];
	int rc, pid = 0;
	FILE *f;

	cr_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", getenv("ANYLAB_SOURCE_DIR"));
	setenv("ANYLAB_BIN_DIR", dir, 1);

	fake_daemons(dir, "echo 'cannot start' >&2; exit 3");
	rc = hl_anylab(NULL, "up", path, "--name", lab1, NULL);
	cr_expect_eq(rc, 8, "a daemon that exits at start: exit %d", rc);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "left behind: %s", what);

	snprintf(pidf, sizeof(pidf), "%s/silent.pid", dir);
	snprintf(body, sizeof(body), "echo $$ > %s; exec sleep 60", pidf);
	fake_daemons(dir, body);
	rc = hl_anylab(NULL, "up", path, "--name", lab1, "--timeout", "0.5", NULL);
	cr_expect_eq(rc, 8, "a daemon that never answers: exit %d", rc);
	cr_expect(!hl_leftovers(lab1, what, sizeof(what)), "left behind: %s", what);
	f = fopen(pidf, "r");
	cr_assert(f != NULL, "the silent daemon never ran");
	cr_assert_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	cr_expect(!pid_alive(pid), "the silent daemon %d survived the rollback", pid);
	snprintf(body, sizeof(body), "rm -rf '%s'", dir);
	cr_expect_eq(system(body), 0);
}

static bool
iface_has_addr(const cJSON *doc, const char *node, const char *ifn, const char *addr)
{
	const cJSON *i = hl_status_iface(doc, node, ifn), *a;

	cJSON_ArrayForEach(a, cJSON_GetObjectItem(i, "addresses")) {
		if (strcmp(cJSON_GetStringValue(a), addr) == 0)
			return true;
	}
	return false;
}

/* IPv6: addresses usable at once, routes with metric, addresses back after link up. */
Test(lab, ipv6_addresses_routes_and_restore)
{
	cJSON *doc;
	int rc;

	hl_write_temp(
	    "{\"name\": \"v6\", \"nodes\": {"
	    "\"a\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"fd00::1/64\"], "
	    "\"mtu\": 1400, \"mac\": \"02:00:00:00:00:01\"}}, "
	    "\"loopback\": [\"fd99::1/128\"], "
	    "\"routes\": [{\"to\": \"fd77::/64\", \"via\": \"fd00::2\", \"metric\": 50}]}, "
	    "\"b\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"fd00::2/64\"], "
	    "\"mtu\": 1400}}, \"forwarding\": true}}, "
	    "\"links\": [{\"endpoints\": [\"a:eth0\", \"b:eth0\"]}]}\n",
	    topo_file, sizeof(topo_file));
	rc = hl_anylab(NULL, "up", topo_file, "--name", lab1, NULL);
	cr_assert_eq(rc, 0, "up: exit %d", rc);
	doc = hl_status(lab1);
	cr_expect(iface_has_addr(doc, "a", "eth0", "fd00::1/64"));
	cr_expect(iface_has_addr(doc, "a", "lo", "fd99::1/128"));
	cr_expect_str_eq(iface_field(doc, "a", "eth0", "mac"), "02:00:00:00:00:01");
	cr_expect_eq(cJSON_GetNumberValue(
			 cJSON_GetObjectItem(hl_status_iface(doc, "b", "eth0"), "mtu")),
	    1400);
	cr_expect(hl_status_has_route(doc, "a", "fd77::/64"));
	cr_expect(hl_status_has_route(doc, "a", "fd00::/64"));
	cr_expect(!hl_status_has_route(doc, "a", "fd99::1/128"),
	    "no prefix route for the anycast /128");
	cJSON_Delete(doc);
	/* IPv6 addresses go when the adapter is disabled; anylab puts them back. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "a:eth0", "down", NULL), 0);
	doc = hl_status(lab1);
	cr_expect(!iface_has_addr(doc, "a", "eth0", "fd00::1/64"), "Linux kept it: test is moot");
	cJSON_Delete(doc);
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab1, "a:eth0", "up", NULL), 0);
	doc = hl_status(lab1);
	cr_expect(iface_has_addr(doc, "a", "eth0", "fd00::1/64"), "address not restored");
	cr_expect(hl_status_has_route(doc, "a", "fd77::/64"), "route not restored");
	cJSON_Delete(doc);
}
