/*
 * The DNS probe on real packets: two namespaces of this test's own (a client
 * and a server joined by a veth pair), a small UDP responder in the server's
 * namespace that answers TXT with a name and drops every query whose id ends
 * in 0 (decimal), and the prober (one client) querying it. Checks the rate, the
 * loss accounting per id, the instance, the latency and the send precision.
 * Needs root; skips otherwise.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns_msg.h"
#include "measure.h"
#include "netns.h"
#include "probe.h"
#include "prober.h"
#include "wire.h"
#include "helper_scn.h"

static char ns_cli[64], ns_srv[64], dir[128];
static pid_t responder = -1;

/* Answer TXT "name" (switching to name2 after switch_after answers); drop ids % 10 == 0. */
static void
respond(const char *name, const char *name2, int switch_after)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), answered = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };

	inet_pton(AF_INET, "10.99.0.2", &sa.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(2);
	for (;;) {
		uint8_t q[512], out[600];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
		struct dns_msg m;
		struct wire_wr w;
		const char *txt;
		size_t qend;

		if (n <= 0 || dns_msg_parse(q, (size_t)n, &m) != DNS_OK || !m.has_question)
			continue;
		if (m.hdr.id % 10 == 0)
			continue;
		txt = switch_after && answered >= switch_after ? name2 : name;
		answered++;
		qend = DNS_HEADER_LEN + dns_name_len(m.qname) + 4;
		wire_wr_init(&w, out, sizeof(out));
		wire_put_u16(&w, m.hdr.id);
		wire_put_u16(&w, DNS_FLAG_QR | DNS_FLAG_AA);
		wire_put_u16(&w, 1);
		wire_put_u16(&w, 1);
		wire_put_u16(&w, 0);
		wire_put_u16(&w, 0);
		wire_put(&w, q + DNS_HEADER_LEN, qend - DNS_HEADER_LEN);
		wire_put_u16(&w, 0xc00c);
		wire_put_u16(&w, DNS_T_TXT);
		wire_put_u16(&w, DNS_C_IN);
		wire_put_u32(&w, 60);
		wire_put_u16(&w, (uint16_t)(strlen(txt) + 1));
		wire_put_u8(&w, (uint8_t)strlen(txt));
		wire_put(&w, txt, strlen(txt));
		if (w.err == WIRE_OK)
			sendto(fd, out, w.len, 0, (struct sockaddr *)&from, flen);
	}
}

static void
setup(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	snprintf(ns_cli, sizeof(ns_cli), "scnp%d-cli", getpid());
	snprintf(ns_srv, sizeof(ns_srv), "scnp%d-srv", getpid());
	snprintf(dir, sizeof(dir), "/tmp/anylab-root-probe-%d", getpid());
	mkdir(dir, 0700);
	cr_assert_eq(hs_sh("ip netns add %s && ip netns add %s", ns_cli, ns_srv), 0);
	cr_assert_eq(hs_sh("ip -n %s link add v0 type veth peer name v1 netns %s", ns_cli, ns_srv),
	    0);
	cr_assert_eq(hs_sh("ip -n %s addr add 10.99.0.1/24 dev v0 && ip -n %s link set v0 up && "
			   "ip -n %s link set lo up",
			 ns_cli, ns_cli, ns_cli),
	    0);
	cr_assert_eq(hs_sh("ip -n %s addr add 10.99.0.2/24 dev v1 && ip -n %s link set v1 up && "
			   "ip -n %s link set lo up",
			 ns_srv, ns_srv, ns_srv),
	    0);
}

static void
start_responder(const char *name, const char *name2, int switch_after)
{
	responder = fork();
	cr_assert_geq(responder, 0);
	if (responder == 0) {
		int fd = netns_open(ns_srv);

		if (fd < 0 || netns_enter(fd) < 0)
			_exit(2);
		respond(name, name2, switch_after);
	}
	usleep(100000);
}

static void
teardown(void)
{
	if (responder > 0) {
		kill(responder, SIGKILL);
		waitpid(responder, NULL, 0);
		responder = -1;
	}
	if (ns_cli[0])
		hs_sh("ip netns del %s 2>/dev/null", ns_cli);
	if (ns_srv[0])
		hs_sh("ip netns del %s 2>/dev/null", ns_srv);
	if (dir[0])
		hs_sh("rm -rf %s", dir);
}

TestSuite(probe_live, .init = setup, .fini = teardown, .timeout = 60);

static void
run_probe(unsigned rate, uint64_t ms, struct probe_log *l)
{
	struct prober_client cli = { .name = "cli" };
	struct prober_cfg cfg = { .clients = &cli,
		.nclients = 1,
		.port = 53,
		.qname = "server.zone.tst",
		.qtype = DNS_T_TXT,
		.identity = SCN_ID_TXT,
		.rate = rate,
		.timeout_ms = 300,
		.duration_ms = ms };
	pid_t pid;
	int status;

	snprintf(cli.netns, sizeof(cli.netns), "%s", ns_cli);
	snprintf(cfg.log_path, sizeof(cfg.log_path), "%s/probe.log", dir);
	ipaddr_parse("10.99.0.2", &cli.server);
	pid = prober_start(&cfg);
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "prober exit status %d", status);
	probe_log_init(l, "cli");
	cr_assert_eq(probe_log_load(l, 1, cfg.log_path), 0);
}

Test(probe_live, rate_ids_losses_and_instance)
{
	struct probe_log l;
	struct meas_totals t;
	uint64_t lost_by_id = 0;

	start_responder("DC001", NULL, 0);
	run_probe(100, 2000, &l);
	/* 2 s at 100/s: 200 queries, each id its own. */
	cr_assert_eq(l.n, 200, "sent %zu", l.n);
	for (size_t i = 0; i < l.n; i++) {
		const struct probe_rec *r = &l.recs[i];

		cr_assert_eq(r->seq, i);
		if (i)
			cr_assert_eq((uint16_t)(r->id - l.recs[i - 1].id), 1);
		if (r->id % 10 == 0) {
			lost_by_id++;
			cr_assert_eq(r->status, PROBE_LOST, "id %u answered", r->id);
		} else {
			cr_assert_eq(r->status, PROBE_OK, "id %u: %d", r->id, r->status);
			cr_assert_str_eq(r->inst, "DC001");
			cr_assert_gt(r->rtt_us, 0);
			cr_assert_lt(r->rtt_us, 300000);
		}
		/* The schedule: one every 10 ms. */
		if (i)
			cr_assert_eq(r->sched_us - l.recs[i - 1].sched_us, 10000, "gap at %zu", i);
	}
	meas_totals(&l, 0, INT64_MAX, &t);
	cr_assert_eq(t.lost, lost_by_id);
	cr_assert_eq(t.lost, 20);
	cr_assert_lt(t.late_median_us, 2000, "median lateness %lld us",
	    (long long)t.late_median_us);
	cr_assert_geq(t.late_median_us, 0);
	probe_log_free(&l);
}

Test(probe_live, instance_change_is_seen)
{
	struct probe_log l;
	size_t first_b = 0;

	start_responder("DC001", "DC002", 50);
	run_probe(200, 1000, &l);
	for (size_t i = 0; i < l.n; i++) {
		if (l.recs[i].status == PROBE_OK && strcmp(l.recs[i].inst, "DC002") == 0) {
			first_b = i;
			break;
		}
	}
	cr_assert_gt(first_b, 0);
	for (size_t i = 0; i < first_b; i++)
		cr_assert(l.recs[i].status != PROBE_OK || strcmp(l.recs[i].inst, "DC001") == 0);
	probe_log_free(&l);
}

Test(probe_live, no_server_means_every_query_lost)
{
	struct probe_log l;
	struct meas_totals t;

	/* No responder: the server's kernel answers port unreachable; all are losses. */
	run_probe(100, 500, &l);
	meas_totals(&l, 0, INT64_MAX, &t);
	cr_assert_eq(t.sent, 50);
	cr_assert_eq(t.lost, 50);
	probe_log_free(&l);
}
