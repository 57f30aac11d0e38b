/*
 * anydnsd live, with real clients (dig, kdig) and our own sockets, across a
 * veth between two namespaces this test makes (both ends created inside
 * them; nothing touches the root namespace):
 *
 *   adsrv-PID: lo 127.0.0.1, 51.51.51.51/32 (the anycast address); v0 10.53.0.1/24
 *   adcli-PID: v1 10.53.0.2/24; route 51.51.51.0/24 via 10.53.0.1
 *
 * Checks each rcode path, TCP with several queries on one connection
 * (pipelined), the idle timeout and the connection bound, EDNS sizes and
 * truncation with TCP retry, NSID, CHAOS, that replies come from the address
 * the query went to (also one added after start), reload by SIGHUP and the
 * control socket, clean exit on SIGTERM, and the queries of issue 12 as the
 * clients send them (cookie probe, IXFR, AXFR, TSIG, DNAME). Needs root;
 * skips otherwise.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "ctl.h"
#include "dns_msg.h"

#define SRV_ADDR      "10.53.0.1"
#define ANYCAST	      "51.51.51.51"
#define ANYCAST_LATER "51.51.51.52"

static struct {
	char srv[64];
	char cli[64];
	char dir[128];
	char ctl[192];
	char config[192];
	pid_t daemon;
	bool made_srv;
	bool made_cli;
} lab;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* Run a command in the client namespace; its standard output into out. */
static int in_cli(char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
in_cli(char *out, size_t len, const char *fmt, ...)
{
	char cmd[2048], full[2300];
	va_list ap;
	FILE *fp;
	size_t n = 0;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "ip netns exec %s %s 2>&1", lab.cli, cmd);
	fp = popen(full, "r");
	cr_assert_not_null(fp);
	while (n + 1 < len) {
		size_t got = fread(out + n, 1, len - 1 - n, fp);

		if (got == 0)
			break;
		n += got;
	}
	out[n] = '\0';
	rc = pclose(fp);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static const char *
daemon_path(void)
{
	static char path[1024];
	const char *b = getenv("ANYLAB_BUILD_DIR");

	if (b != NULL) {
		snprintf(path, sizeof(path), "%s/bin/anydnsd", b);
	} else {
		char self[900];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		self[n > 0 ? n : 0] = '\0';
		*strrchr(self, '/') = '\0'; /* BUILD/tests */
		snprintf(path, sizeof(path), "%s/../bin/anydnsd", self);
	}
	return path;
}

static void
write_config(const char *txt)
{
	char tmp[256];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.new", lab.config);
	fp = fopen(tmp, "w");
	cr_assert_not_null(fp);
	fprintf(fp,
	    "{ \"identity\": \"DC001\", \"workers\": 2, \"edns_size\": 1232,\n"
	    "  \"tcp\": { \"idle_timeout_ms\": 800, \"max_connections\": 4 },\n"
	    "  \"zones\": [ { \"origin\": \"zone.tst\", \"records\": [\n"
	    "    { \"name\": \"server\", \"type\": \"TXT\", \"data\": \"%s\" },\n"
	    "    { \"name\": \"www\", \"type\": \"A\", \"data\": \"10.53.0.80\" },\n"
	    "    { \"name\": \"dn\", \"type\": \"DNAME\", \"data\": \"zone.tst.\" },\n"
	    "    { \"name\": \"big\", \"type\": \"TXT\",\n"
	    "      \"data\": \"%0250d %0250d %0250d\" } ] } ] }\n",
	    txt, 1, 2, 3);
	fclose(fp);
	cr_assert_eq(rename(tmp, lab.config), 0);
}

static void
cleanup(void)
{
	if (lab.daemon > 0) {
		kill(lab.daemon, SIGKILL);
		waitpid(lab.daemon, NULL, 0);
		lab.daemon = 0;
	}
	if (lab.made_cli)
		sh("ip netns del %s", lab.cli);
	if (lab.made_srv)
		sh("ip netns del %s", lab.srv);
	lab.made_cli = lab.made_srv = false;
	if (lab.dir[0]) {
		sh("rm -rf %s", lab.dir);
		lab.dir[0] = '\0';
	}
}

static bool
daemon_ready(int timeout_ms)
{
	for (int waited = 0; waited < timeout_ms; waited += 20) {
		char *reply = NULL;

		if (ctl_call(lab.ctl, "status", &reply, 500) == 0 &&
		    strstr(reply, "\"ready\": true")) {
			free(reply);
			return true;
		}
		free(reply);
		usleep(20000);
	}
	return false;
}

static void
setup(void)
{
	char logp[256];

	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	if (sh("which dig kdig ip >/dev/null") != 0)
		cr_skip_test("needs dig, kdig and ip");
	snprintf(lab.srv, sizeof(lab.srv), "adsrv-%d", (int)getpid());
	snprintf(lab.cli, sizeof(lab.cli), "adcli-%d", (int)getpid());
	snprintf(lab.dir, sizeof(lab.dir), "/tmp/anydns-live-%d", (int)getpid());
	snprintf(lab.ctl, sizeof(lab.ctl), "%s/dns.ctl", lab.dir);
	snprintf(lab.config, sizeof(lab.config), "%s/dns.json", lab.dir);
	atexit(cleanup);
	cr_assert_eq(mkdir(lab.dir, 0700), 0);
	cr_assert_eq(sh("ip netns add %s", lab.srv), 0);
	lab.made_srv = true;
	cr_assert_eq(sh("ip netns add %s", lab.cli), 0);
	lab.made_cli = true;
	cr_assert_eq(sh("ip -n %s link add v0 type veth peer name v1 netns %s", lab.srv, lab.cli),
	    0);
	cr_assert_eq(sh("ip -n %s link set lo up && ip -n %s addr add " ANYCAST "/32 dev lo && "
			"ip -n %s addr add " SRV_ADDR "/24 dev v0 && ip -n %s link set v0 up",
			 lab.srv, lab.srv, lab.srv, lab.srv),
	    0);
	cr_assert_eq(sh("ip -n %s link set lo up && ip -n %s addr add 10.53.0.2/24 dev v1 && "
			"ip -n %s link set v1 up && ip -n %s route add 51.51.51.0/24 via " SRV_ADDR,
			 lab.cli, lab.cli, lab.cli, lab.cli),
	    0);
	/* IPv6 as well (nodad: usable at once); the test of it skips if this fails */
	sh("ip -n %s addr add 2001:db8:5151::51/128 dev lo && ip -n %s addr add 2001:db8:53::1/64 "
	   "dev v0 nodad && ip -n %s addr add 2001:db8:53::2/64 dev v1 nodad && "
	   "ip -n %s route add 2001:db8:5151::/64 via 2001:db8:53::1",
	    lab.srv, lab.srv, lab.cli, lab.cli);
	write_config("DC001");
	snprintf(logp, sizeof(logp), "%s/dns.log", lab.dir);
	lab.daemon = fork();
	cr_assert_geq(lab.daemon, 0);
	if (lab.daemon == 0) {
		execlp("ip", "ip", "netns", "exec", lab.srv, daemon_path(), "-c", lab.config, "-s",
		    lab.ctl, "-l", logp, "-n", "dc001", (char *)NULL);
		_exit(127);
	}
	cr_assert(daemon_ready(5000), "anydnsd did not answer status (log %s)", logp);
	/* the veth needs a moment before the first packet passes (DAD, carrier) */
	for (int i = 0; i < 50; i++) {
		char out[256];

		if (in_cli(out, sizeof(out),
			"dig @" ANYCAST " +short +time=1 +tries=1 "
			"server.zone.tst TXT") == 0 &&
		    strstr(out, "DC001"))
			break;
		usleep(100000);
	}
}

static void
teardown(void)
{
	cleanup();
}

TestSuite(live, .init = setup, .fini = teardown, .timeout = 60);

/* Run fn in a child that entered the client namespace; its exit status is the result. */
static int
in_cli_ns(int (*fn)(void *), void *arg)
{
	char path[128];
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "/run/netns/%s", lab.cli);
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
set_timeout(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- dig and kdig ---- */

Test(live, rcode_paths_with_dig)
{
	char out[8192];

	in_cli(out, sizeof(out), "dig @" ANYCAST " server.zone.tst TXT");
	cr_assert(strstr(out, "status: NOERROR") && strstr(out, "flags: qr aa rd;") &&
		strstr(out, "\"DC001\""),
	    "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " nothere.zone.tst A");
	cr_assert(strstr(out, "status: NXDOMAIN") && strstr(out, "IN\tSOA"), "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " server.zone.tst AAAA");
	cr_assert(strstr(out, "status: NOERROR") && strstr(out, "ANSWER: 0") &&
		strstr(out, "IN\tSOA"),
	    "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " server.zone.tst TYPE4711");
	cr_assert(strstr(out, "status: NOERROR") && strstr(out, "ANSWER: 0"), "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " www.example.com A");
	cr_assert(strstr(out, "status: REFUSED"), "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " server.zone.tst TXT -c HS");
	cr_assert(strstr(out, "status: REFUSED"), "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " +opcode=status server.zone.tst TXT");
	cr_assert(strstr(out, "status: NOTIMP"), "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " +edns=1 +noednsneg server.zone.tst TXT");
	cr_assert(strstr(out, "status: BADVERS"), "%s", out);
	in_cli(out, sizeof(out), "kdig @" ANYCAST " server.zone.tst ANY");
	cr_assert(strstr(out, "status: NOERROR") && strstr(out, "ANSWER: 1"), "%s", out);
}

/* Issue 12, with the clients' own queries: cookie probe, IXFR, AXFR, TSIG, DNAME. */
Test(live, issue12_client_queries)
{
	char out[8192];

	/* RFC 7873 5.4 server-cookie probe: QDCOUNT 0; FORMERR, but with an OPT (RFC 6891 7) */
	in_cli(out, sizeof(out), "dig @" ANYCAST " +header-only +cookie");
	cr_assert(strstr(out, "status: FORMERR") && strstr(out, "OPT PSEUDOSECTION"), "%s", out);
	/* RFC 1995 3: the client's SOA in the authority section */
	in_cli(out, sizeof(out), "kdig @" ANYCAST " +tcp zone.tst IXFR=1 2>&1");
	cr_assert(strstr(out, "'REFUSED'"), "%s", out);
	in_cli(out, sizeof(out), "kdig @" ANYCAST " +tcp other.tst AXFR 2>&1");
	cr_assert(strstr(out, "'NOTAUTH'"), "%s", out);
	/* RFC 8945 5.2.1: a key we do not know */
	in_cli(out, sizeof(out),
	    "dig @" ANYCAST " -y hmac-sha256:unknown.key:c2VjcmV0c2VjcmV0c2VjcmV0 "
	    "server.zone.tst TXT 2>&1");
	cr_assert(strstr(out, "status: NOTAUTH") && strstr(out, "BADKEY") &&
		strstr(out, "OPT PSEUDOSECTION"),
	    "%s", out);
	/* RFC 6672: through the DNAME, back into the zone */
	in_cli(out, sizeof(out), "kdig @" ANYCAST " www.dn.zone.tst A");
	cr_assert(strstr(out, "status: NOERROR") && strstr(out, "DNAME\tzone.tst.") &&
		strstr(out, "CNAME\twww.zone.tst.") && strstr(out, "A\t10.53.0.80"),
	    "%s", out);
}

Test(live, nsid_and_chaos)
{
	char out[8192];

	in_cli(out, sizeof(out), "dig @" ANYCAST " +nsid server.zone.tst TXT");
	cr_assert(strstr(out, "NSID: 44 43 30 30 31 (\"DC001\")"), "%s", out);
	in_cli(out, sizeof(out), "kdig @" ANYCAST " +nsid server.zone.tst TXT");
	cr_assert(strstr(out, "DC001"), "%s", out);
	in_cli(out, sizeof(out), "dig @" ANYCAST " +short id.server CH TXT");
	cr_assert_str_eq(out, "\"DC001\"\n");
	in_cli(out, sizeof(out), "kdig @" ANYCAST " +short hostname.bind CH TXT");
	cr_assert_str_eq(out, "\"DC001\"\n");
	in_cli(out, sizeof(out), "dig @" ANYCAST " version.bind CH TXT");
	cr_assert(strstr(out, "status: REFUSED"), "%s", out);
	/* on the unicast address too */
	in_cli(out, sizeof(out), "dig @" SRV_ADDR " +short id.server CH TXT");
	cr_assert_str_eq(out, "\"DC001\"\n");
}

Test(live, truncation_and_tcp_retry)
{
	char out[8192];

	/* no EDNS: 512 octets; +ignore keeps dig on UDP so we see TC */
	in_cli(out, sizeof(out), "dig @" ANYCAST " +noedns +ignore big.zone.tst TXT");
	cr_assert(strstr(out, "flags: qr aa tc rd;") && strstr(out, "ANSWER: 0"), "%s", out);
	/* without +ignore dig retries over TCP and gets the whole answer */
	in_cli(out, sizeof(out), "dig @" ANYCAST " +noedns big.zone.tst TXT");
	cr_assert(strstr(out, "Truncated, retrying in TCP mode") && strstr(out, "ANSWER: 1") &&
		strstr(out, "(TCP)"),
	    "%s", out);
	/* EDNS 1232 (our default) fits the 770-octet answer over UDP */
	in_cli(out, sizeof(out), "dig @" ANYCAST " +bufsize=1232 big.zone.tst TXT");
	cr_assert(strstr(out, "ANSWER: 1") && strstr(out, "(UDP)") && !strstr(out, " tc"), "%s",
	    out);
	/* EDNS 600: too small, TC with the OPT */
	in_cli(out, sizeof(out), "dig @" ANYCAST " +bufsize=600 +ignore big.zone.tst TXT");
	cr_assert(strstr(out, " tc ") && strstr(out, "udp: 1232"), "%s", out);
	in_cli(out, sizeof(out), "kdig @" ANYCAST " +bufsize=600 big.zone.tst TXT");
	cr_assert(strstr(out, "(TCP)") && strstr(out, "ANSWER: 1"), "%s", out);
}

Test(live, tcp_several_queries_one_connection_kdig)
{
	char out[8192], *reply = NULL, *p;
	long before, after;

	cr_assert_eq(ctl_call(lab.ctl, "stats", &reply, 1000), 0);
	p = strstr(reply, "\"accepted\": ");
	cr_assert_not_null(p);
	before = strtol(p + 12, NULL, 10);
	free(reply);
	in_cli(out, sizeof(out),
	    "kdig @" ANYCAST " +tcp +keepopen server.zone.tst TXT "
	    "www.zone.tst A nothere.zone.tst A id.server CH TXT");
	cr_assert(strstr(out, "\"DC001\"") && strstr(out, "10.53.0.80") && strstr(out, "NXDOMAIN"),
	    "%s", out);
	cr_assert_eq(ctl_call(lab.ctl, "stats", &reply, 1000), 0);
	p = strstr(reply, "\"accepted\": ");
	after = strtol(p + 12, NULL, 10);
	free(reply);
	cr_assert_eq(after - before, 1, "4 queries over %ld connections", after - before);
}

/* ---- our own sockets ---- */

static int
udp_source_check(void *arg)
{
	const char *dst = arg;
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) }, from;
	socklen_t flen = sizeof(from);
	uint8_t q[512], r[4096];
	struct dns_msg m;
	char txt[64], fa[INET_ADDRSTRLEN];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), n;
	ssize_t got;

	inet_pton(AF_INET, dst, &to.sin_addr);
	set_timeout(fd, 2000);
	spec.id = 777;
	n = dns_query_build(&spec, q, sizeof(q));
	if (sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)) != n)
		return 1;
	got = recvfrom(fd, r, sizeof(r), 0, (struct sockaddr *)&from, &flen);
	if (got <= 0)
		return 2;
	inet_ntop(AF_INET, &from.sin_addr, fa, sizeof(fa));
	if (strcmp(fa, dst) != 0 || ntohs(from.sin_port) != 53) {
		fprintf(stderr, "reply to %s came from %s port %u\n", dst, fa,
		    ntohs(from.sin_port));
		return 3;
	}
	if (dns_msg_parse(r, (size_t)got, &m) != DNS_OK || !dns_msg_matches(&m, &spec))
		return 4;
	dns_msg_first_txt(&m, txt, sizeof(txt));
	return strcmp(txt, "DC001") == 0 ? 0 : 5;
}

Test(live, reply_source_is_the_address_asked)
{
	char out[8192];

	cr_assert_eq(in_cli_ns(udp_source_check, ANYCAST), 0);
	cr_assert_eq(in_cli_ns(udp_source_check, SRV_ADDR), 0);
	in_cli(out, sizeof(out), "dig @" ANYCAST " server.zone.tst TXT");
	cr_assert(strstr(out, "SERVER: " ANYCAST "#53(" ANYCAST ")"), "%s", out);
	/* an anycast address added after the start is served from that address */
	cr_assert_eq(sh("ip -n %s addr add " ANYCAST_LATER "/32 dev lo", lab.srv), 0);
	cr_assert_eq(in_cli_ns(udp_source_check, ANYCAST_LATER), 0);
}

static int
udp6_source_check(void *arg)
{
	const char *dst = arg;
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(53) }, from;
	socklen_t flen = sizeof(from);
	uint8_t q[512], r[4096];
	struct dns_msg m;
	char fa[INET6_ADDRSTRLEN];
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), n;
	ssize_t got;

	inet_pton(AF_INET6, dst, &to.sin6_addr);
	set_timeout(fd, 2000);
	spec.id = 778;
	n = dns_query_build(&spec, q, sizeof(q));
	if (sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)) != n)
		return 1;
	got = recvfrom(fd, r, sizeof(r), 0, (struct sockaddr *)&from, &flen);
	if (got <= 0)
		return 2;
	inet_ntop(AF_INET6, &from.sin6_addr, fa, sizeof(fa));
	if (strcmp(fa, dst) != 0) {
		fprintf(stderr, "reply to %s came from %s\n", dst, fa);
		return 3;
	}
	return dns_msg_parse(r, (size_t)got, &m) == DNS_OK && dns_msg_matches(&m, &spec) ? 0 : 4;
}

Test(live, reply_source_ipv6)
{
	char out[8192];

	if (sh("ip -n %s -6 route get 2001:db8:5151::51 >/dev/null 2>&1", lab.cli) != 0)
		cr_skip_test("no IPv6 in these namespaces");
	cr_assert_eq(in_cli_ns(udp6_source_check, "2001:db8:5151::51"), 0);
	cr_assert_eq(in_cli_ns(udp6_source_check, "2001:db8:53::1"), 0);
	in_cli(out, sizeof(out), "kdig @2001:db8:5151::51 +tcp +short server.zone.tst TXT");
	cr_assert_str_eq(out, "\"DC001\"\n");
}

/* A second anydnsd on port 5353 with "listen": an address listed before it exists is served
 * once it is added (IP_FREEBIND), from that address. */
static int
udp_port5353(void *arg)
{
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("id.server", DNS_T_TXT);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(5353) }, from;
	socklen_t flen = sizeof(from);
	uint8_t q[512], r[512];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), n;

	spec.cls = DNS_C_CH;
	inet_pton(AF_INET, arg, &to.sin_addr);
	set_timeout(fd, 1000);
	n = dns_query_build(&spec, q, sizeof(q));
	sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to));
	if (recvfrom(fd, r, sizeof(r), 0, (struct sockaddr *)&from, &flen) < 12)
		return 1;
	return from.sin_addr.s_addr == to.sin_addr.s_addr ? 0 : 2;
}

Test(live, listed_addresses)
{
	char conf[256], ctl[256], logf[256];
	pid_t pid;
	FILE *fp;
	int st;

	snprintf(conf, sizeof(conf), "%s/listen.json", lab.dir);
	snprintf(ctl, sizeof(ctl), "%s/listen.ctl", lab.dir);
	snprintf(logf, sizeof(logf), "%s/listen.log", lab.dir);
	fp = fopen(conf, "w");
	fputs("{ \"identity\": \"L\", \"port\": 5353, \"workers\": 1, \"listen\": "
	      "[\"" ANYCAST "\", \"51.51.51.53\"] }",
	    fp);
	fclose(fp);
	pid = fork();
	if (pid == 0) {
		execlp("ip", "ip", "netns", "exec", lab.srv, daemon_path(), "-c", conf, "-s", ctl,
		    "-l", logf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && access(ctl, F_OK) != 0; i++)
		usleep(20000);
	usleep(50000);
	st = in_cli_ns(udp_port5353, ANYCAST);
	if (st == 0) {
		st = in_cli_ns(udp_port5353, SRV_ADDR) == 0 ? 10 : 0; /* not listed: no answer */
		if (st == 0) {
			sh("ip -n %s addr add 51.51.51.53/32 dev lo", lab.srv);
			st = in_cli_ns(udp_port5353, "51.51.51.53") == 0 ? 0 : 20;
		}
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	cr_assert_eq(st, 0, "step %d failed", st);
}

static int
udp_expect_silence(void *arg)
{
	uint8_t q[512], r[512];
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), n;
	int mode = *(int *)arg;

	inet_pton(AF_INET, ANYCAST, &to.sin_addr);
	set_timeout(fd, 300);
	n = dns_query_build(&spec, q, sizeof(q));
	if (mode == 0)
		q[2] |= 0x80; /* QR: a response; must not be answered */
	else
		n = 5; /* shorter than a header */
	sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to));
	if (recv(fd, r, sizeof(r), 0) > 0)
		return 1;
	/* still alive: a good query is answered */
	spec.id = 9;
	n = dns_query_build(&spec, q, sizeof(q));
	set_timeout(fd, 2000);
	sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to));
	return recv(fd, r, sizeof(r), 0) > 12 ? 0 : 2;
}

static int
udp_formerr(void *arg)
{
	/* QDCOUNT 0 */
	uint8_t q[12] = { 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, r[512];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct dns_msg m;
	ssize_t n;

	inet_pton(AF_INET, ANYCAST, &to.sin_addr);
	set_timeout(fd, 2000);
	sendto(fd, q, sizeof(q), 0, (struct sockaddr *)&to, sizeof(to));
	n = recv(fd, r, sizeof(r), 0);
	if (n < 12 || dns_msg_parse(r, (size_t)n, &m) != DNS_OK)
		return 1;
	return m.rcode == DNS_R_FORMERR && m.hdr.id == 0x1234 ? 0 : 2;
}

Test(live, formerr_and_silent_drops)
{
	int mode0 = 0, mode1 = 1;

	cr_assert_eq(in_cli_ns(udp_formerr, NULL), 0);
	usleep(200000); /* the main thread writes the workers' lines when told (eventfd) */
	cr_assert_eq(sh("grep -q 'anydnsd\\[remote\\] udp query from 10.53.0.2 port [0-9]*: "
			"FORMERR: QDCOUNT is not 1' %s/dns.log",
			 lab.dir),
	    0, "client error not logged");
	cr_assert_eq(in_cli_ns(udp_expect_silence, &mode0), 0);
	cr_assert_eq(in_cli_ns(udp_expect_silence, &mode1), 0);
}

static int
tcp_connect(const char *addr)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, addr, &to.sin_addr);
	set_timeout(fd, 3000);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool
read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);

		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	return true;
}

/* Three queries in one write, the third split across two writes; answers in order. */
static int
tcp_pipelined(void *arg)
{
	const char *names[3] = { "server.zone.tst", "www.zone.tst", "nothere.zone.tst" };
	uint16_t types[3] = { DNS_T_TXT, DNS_T_A, DNS_T_A };
	unsigned rcodes[3] = { DNS_R_NOERROR, DNS_R_NOERROR, DNS_R_NXDOMAIN };
	uint8_t buf[2048], r[65535];
	size_t len = 0;
	int fd = tcp_connect(ANYCAST);

	if (fd < 0)
		return 1;
	for (int i = 0; i < 3; i++) {
		struct dns_query_spec s = DNS_QUERY_SPEC_INIT(names[i], types[i]);
		int n;

		s.id = (uint16_t)(100 + i);
		n = dns_query_build(&s, buf + len + 2, sizeof(buf) - len - 2);
		buf[len] = (uint8_t)(n >> 8);
		buf[len + 1] = (uint8_t)n;
		len += 2 + (size_t)n;
	}
	if (write(fd, buf, len - 7) != (ssize_t)(len - 7))
		return 2;
	usleep(50000);
	if (write(fd, buf + len - 7, 7) != 7)
		return 2;
	for (int i = 0; i < 3; i++) {
		struct dns_query_spec s = DNS_QUERY_SPEC_INIT(names[i], types[i]);
		struct dns_msg m;
		uint8_t lp[2];
		size_t rl;

		s.id = (uint16_t)(100 + i);
		if (!read_full(fd, lp, 2))
			return 3;
		rl = (size_t)lp[0] << 8 | lp[1];
		if (!read_full(fd, r, rl) || dns_msg_parse(r, rl, &m) != DNS_OK)
			return 4;
		if (!dns_msg_matches(&m, &s) || m.rcode != rcodes[i])
			return 5;
	}
	close(fd);
	return 0;
}

/* The server closes an idle connection (0.8 s configured). */
static int
tcp_idle_closed(void *arg)
{
	int fd = tcp_connect(ANYCAST);
	uint8_t b[1];
	struct timeval t0, t1;
	ssize_t n;
	long ms;

	if (fd < 0)
		return 1;
	gettimeofday(&t0, NULL);
	n = read(fd, b, 1);
	gettimeofday(&t1, NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;
	close(fd);
	if (n != 0)
		return 2; /* timed out on our side (3 s) or got data */
	return ms >= 600 && ms < 2500 ? 0 : 3;
}

/*
 * max_connections 4: of five connections exactly one is closed at once (which one depends on
 * which worker accepts first); after the others go, new ones work.
 */
static int
tcp_bound(void *arg)
{
	int fds[5], closed = 0;
	uint8_t b[1];

	for (int i = 0; i < 5; i++) {
		fds[i] = tcp_connect(ANYCAST);
		if (fds[i] < 0)
			return 1;
	}
	usleep(300000);
	for (int i = 0; i < 5; i++) {
		ssize_t n = recv(fds[i], b, 1, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			closed++;
		else if (!(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
			return 2;
	}
	for (int i = 0; i < 5; i++)
		close(fds[i]);
	if (closed != 1) {
		fprintf(stderr, "%d of 5 connections closed by the server, expected 1\n", closed);
		return 3;
	}
	usleep(100000);
	return tcp_pipelined(NULL) == 0 ? 0 : 4;
}

/* Wait until the server has no TCP connection open (those of earlier steps are gone). */
static void
wait_tcp_idle(void)
{
	for (int i = 0; i < 100; i++) {
		char *reply = NULL;
		bool idle = ctl_call(lab.ctl, "stats", &reply, 1000) == 0 &&
		    strstr(reply, "\"open\": 0,") != NULL;

		free(reply);
		if (idle)
			return;
		usleep(20000);
	}
}

Test(live, tcp_rfc7766)
{
	char *reply = NULL;

	cr_assert_eq(in_cli_ns(tcp_pipelined, NULL), 0, "pipelined queries");
	cr_assert_eq(in_cli_ns(tcp_idle_closed, NULL), 0, "idle timeout");
	wait_tcp_idle();
	cr_assert_eq(in_cli_ns(tcp_bound, NULL), 0, "connection bound");
	cr_assert_eq(ctl_call(lab.ctl, "stats", &reply, 1000), 0);
	cr_assert(strstr(reply, "\"refused\": 1") && strstr(reply, "\"idle_timeouts\": 1"), "%s",
	    reply);
	free(reply);
}

/* ---- reload and exit ---- */

static int
query_loop(void *arg)
{
	/* 400 queries, 2.5 ms apart, across the reload: every one answered */
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), lost = 0;

	inet_pton(AF_INET, ANYCAST, &to.sin_addr);
	set_timeout(fd, 1000);
	for (int i = 0; i < 400; i++) {
		struct dns_query_spec s = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
		uint8_t q[512], r[512];
		int n;

		s.id = (uint16_t)i;
		n = dns_query_build(&s, q, sizeof(q));
		sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to));
		if (recv(fd, r, sizeof(r), 0) < 12)
			lost++;
		usleep(2500);
	}
	if (lost)
		fprintf(stderr, "%d of 400 queries lost\n", lost);
	return lost == 0 ? 0 : 1;
}

Test(live, reload_without_dropping_and_clean_exit)
{
	char out[8192], *reply = NULL;
	pid_t loop;
	int st;

	/* SIGHUP while a client queries steadily */
	loop = fork();
	if (loop == 0)
		_exit(in_cli_ns(query_loop, NULL));
	usleep(200000);
	write_config("RELOADED");
	cr_assert_eq(kill(lab.daemon, SIGHUP), 0);
	usleep(200000);
	cr_assert_eq(kill(lab.daemon, SIGHUP), 0);
	cr_assert_eq(waitpid(loop, &st, 0), loop);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "queries lost during reload");
	in_cli(out, sizeof(out), "dig @" ANYCAST " +short server.zone.tst TXT");
	cr_assert_str_eq(out, "\"RELOADED\"\n");
	/* reload through the control socket; a broken config keeps the old zones */
	write_config("BACK");
	cr_assert_eq(ctl_call(lab.ctl, "reload", &reply, 2000), 0);
	cr_assert(strstr(reply, "\"reloaded\": true"), "%s", reply);
	free(reply);
	{
		FILE *fp = fopen(lab.config, "w");

		fputs("{ \"zones\": [ { \"origin\": \"zone.tst\", \"records\": [ { \"name\": "
		      "\"x\", \"type\": \"A\", \"data\": \"1.2.3\" } ] } ] }",
		    fp);
		fclose(fp);
	}
	cr_assert_eq(ctl_call(lab.ctl, "reload", &reply, 2000), 0);
	cr_assert(strstr(reply, "\"reloaded\": false") && strstr(reply, "zones[0].records[0].data"),
	    "%s", reply);
	free(reply);
	in_cli(out, sizeof(out), "dig @" ANYCAST " +short server.zone.tst TXT");
	cr_assert_str_eq(out, "\"BACK\"\n");
	/* SIGTERM: exits 0, soon */
	cr_assert_eq(kill(lab.daemon, SIGTERM), 0);
	for (int i = 0; i < 100; i++) {
		if (waitpid(lab.daemon, &st, WNOHANG) == lab.daemon) {
			lab.daemon = 0;
			break;
		}
		usleep(20000);
	}
	cr_assert_eq(lab.daemon, 0, "anydnsd still running 2 s after SIGTERM");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	cr_assert_neq(access(lab.ctl, F_OK), 0, "control socket removed");
}
