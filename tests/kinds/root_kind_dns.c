/*
 * The DNS kinds against the real daemons (needs root; each test skips
 * when NSD or Knot is not installed): anydnsd, NSD and Knot DNS each run
 * through their kind's ops (configure, procs, ready) in a namespace of
 * their own made like the node's (its interfaces as veth pairs kept inside
 * the namespace, its loopback addresses on lo), files in the test's own
 * folder. Every daemon must answer, at the anycast address and at the
 * node's own, the same as anydnsd for the same section: Lab A's DC001
 * (TXT with NSID, SOA, NS, NXDOMAIN, NODATA, CHAOS id.server) and a zone
 * from a master file (MX, CNAME, wildcard, referral, negative TTL from
 * the SOA's MINIMUM, empty non-terminal, an unknown type...). `dig` (when
 * installed) sees DC001's TXT too. Times to ready go to standard error.
 *
 * Names: lab hdPID + a letter per daemon, namespace LAB-dc001; all of them
 * are removed, and every daemon killed by its pid, on every path.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libgen.h>
#include <criterion/criterion.h>

#include <sys/stat.h>

#include "anylab.h"
#include "dns_msg.h"
#include "dns_rdata.h"
#include "kinds/helper_dns.h"
#include "lab.h"
#include "netns.h"
#include "strbuf.h"

extern const struct kind_ops kind_anydnsd, kind_nsd, kind_knot;

#define RUNS 3

struct run {
	const struct kind_ops *ops;
	char lab[16];
	char ns[64];
	bool ns_made;
	char dir[512];
	struct kind_node k;
	pid_t pid;
	long long ready_ms;
	uint16_t port;
};

static struct run R[RUNS];
static char *Top;
static struct topology *T;

static void
cleanup(void)
{
	for (int i = 0; i < RUNS; i++) {
		struct run *r = &R[i];

		if (r->pid > 0) {
			int st;

			kill(r->pid, SIGTERM);
			for (int w = 0; w < 60 && waitpid(r->pid, &st, WNOHANG) == 0; w++)
				usleep(50000);
			if (waitpid(r->pid, &st, WNOHANG) == 0) {
				kill(r->pid, SIGKILL);
				waitpid(r->pid, &st, 0);
			}
			r->pid = 0;
		}
		if (r->ns_made) {
			hdk_sh(NULL, "ip netns del %s", r->ns);
			r->ns_made = false;
		}
	}
	if (Top != NULL && getenv("HDK_KEEP") == NULL)
		hdk_rmdir(Top);
	free(Top);
	Top = NULL;
	if (T != NULL)
		topo_free(T);
	T = NULL;
}

static void
fini(void)
{
	cleanup();
}

static void
init(void)
{
	char exe[1024], bin[1100];
	ssize_t n;

	atexit(cleanup);
	if (getenv("ANYLAB_BIN_DIR") != NULL)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	snprintf(bin, sizeof(bin), "%s/../bin", dirname(exe));
	setenv("ANYLAB_BIN_DIR", bin, 1);
}

TestSuite(root_kind_dns, .init = init, .fini = fini, .timeout = 120);

static void
need(const char *program)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	if (access("/usr/sbin/ip", X_OK) < 0 && access("/sbin/ip", X_OK) < 0)
		cr_skip_test("ip (iproute2) is not installed");
	if (program != NULL && access(program, X_OK) < 0)
		cr_skip_test("%s is not installed", program);
}

/* The node's namespace: its interfaces as veth pairs inside it, its loopback addresses. */
static void
make_ns(struct run *r, const struct topo_node *n)
{
	char a[PREFIX_STRLEN], *out = NULL;

	lab_ns_name(r->lab, n->name, r->ns, sizeof(r->ns));
	cr_assert_eq(hdk_sh(&out, "ip netns add %s", r->ns), 0, "%s", out);
	free(out);
	r->ns_made = true;
	cr_assert_eq(hdk_sh(NULL, "ip -n %s link set lo up", r->ns), 0);
	for (size_t i = 0; i < n->nifaces; i++) {
		cr_assert_eq(hdk_sh(&out,
				 "ip -n %s link add %s type veth peer name hdp%zu && "
				 "ip -n %s link set hdp%zu up && ip -n %s link set %s up",
				 r->ns, n->ifaces[i].name, i, r->ns, i, r->ns, n->ifaces[i].name),
		    0, "%s", out);
		free(out);
		for (size_t j = 0; j < n->ifaces[i].naddrs; j++) {
			cr_assert_eq(hdk_sh(&out, "ip -n %s addr add %s dev %s nodad", r->ns,
					 prefix_ntop(&n->ifaces[i].addrs[j], a, sizeof(a)),
					 n->ifaces[i].name),
			    0, "%s", out);
			free(out);
		}
	}
	for (size_t j = 0; j < n->nloopback; j++) {
		cr_assert_eq(hdk_sh(&out, "ip -n %s addr add %s dev lo", r->ns,
				 prefix_ntop(&n->loopback[j], a, sizeof(a))),
		    0, "%s", out);
		free(out);
	}
}

/* configure, procs, start in the namespace, wait for ready (at most 15 s). */
static void
start(struct run *r, const struct kind_ops *ops, const char *node, int idx)
{
	struct kind_proc p[KIND_PROCS_MAX];
	char msg[KIND_MSG_MAX] = "", out[600];
	const cJSON *port;
	long long t0;
	int n, rc = -EAGAIN;

	r->ops = ops;
	snprintf(r->lab, sizeof(r->lab), "hd%d%c", (int)(getpid() % 100000), 'a' + idx);
	snprintf(r->dir, sizeof(r->dir), "%s/%s", Top, ops->name);
	cr_assert_eq(mkdir(r->dir, 0755), 0);
	hdk_node(T, node, ops, r->lab, r->dir, &r->k);
	port = cJSON_GetObjectItemCaseSensitive(r->k.section, "port");
	r->port = cJSON_IsNumber(port) ? (uint16_t)port->valueint : 53;
	make_ns(r, r->k.node);
	cr_assert_eq(ops->configure(&r->k, msg, sizeof(msg)), 0, "%s: %s", ops->name, msg);
	memset(p, 0, sizeof(p));
	n = ops->procs(&r->k, p, KIND_PROCS_MAX);
	cr_assert_eq(n, 1, "%s: %d processes", ops->name, n);
	snprintf(out, sizeof(out), "%s/dns.out", r->dir);
	t0 = emu_now_us();
	fflush(NULL);
	r->pid = fork();
	cr_assert_geq(r->pid, 0);
	if (r->pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (chdir(r->dir) < 0 || netns_enter_exec(r->ns) < 0)
			_exit(126);
		execv(p[0].argv[0], p[0].argv);
		_exit(127);
	}
	for (int i = 0; i < 300; i++) {
		int st;

		rc = ops->ready(&r->k);
		if (rc != -EAGAIN)
			break;
		if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
			char *text = hdk_slurp(out);

			r->pid = 0;
			cr_assert_fail("%s exited (status %d) before it was ready: %s", ops->name,
			    st, text ? text : "");
		}
		usleep(50000);
	}
	cr_assert_eq(rc, 0, "%s not ready: %s", ops->name,
	    rc == -EAGAIN ? "timeout" : emu_strerror(rc));
	r->ready_ms = (emu_now_us() - t0) / 1000;
	fprintf(stderr, "root_kind_dns: %s ready %lld ms after start\n", ops->name, r->ready_ms);
}

/* rr's rdata with the names it holds decompressed, as master-file text. */
static void
rr_text(const struct dns_msg *m, const struct dns_rr *rr, struct strbuf *sb)
{
	uint8_t rd[65536], name[DNS_NAME_MAXLEN];
	char owner[DNS_NAME_TEXT_MAX], tn[16], cn[16];
	struct wire_rd w;
	size_t len = 0, names = 0, pre = 0, post = 0;

	switch (rr->type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_DNAME:
		names = 1;
		break;
	case DNS_T_MX:
		pre = 2, names = 1;
		break;
	case DNS_T_SOA:
		names = 2, post = 20;
		break;
	default:
		break;
	}
	if (names == 0) {
		memcpy(rd, rr->rdata, rr->rdlen);
		len = rr->rdlen;
	} else {
		wire_rd_init(&w, m->wire, m->len);
		w.pos = m->wire + rr->rdata_off;
		for (size_t i = 0; i < pre; i++)
			rd[len++] = wire_u8(&w);
		for (size_t i = 0; i < names; i++) {
			size_t nl;

			cr_assert_gt(dns_name_unpack(&w, name), 0);
			nl = dns_name_len(name);
			memcpy(rd + len, name, nl);
			len += nl;
		}
		for (size_t i = 0; i < post; i++)
			rd[len++] = wire_u8(&w);
		cr_assert_eq(w.err, 0);
	}
	dns_name_to_text(rr->owner, owner, sizeof(owner));
	sb_printf(sb, "%s %u %s %s ", owner, rr->ttl, dns_class_name(rr->cls, cn, sizeof(cn)),
	    dns_type_name(rr->type, tn, sizeof(tn)));
	dns_rdata_to_text(rr->type, rd, len, sb);
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * One query with EDNS and NSID from inside r's namespace to addr, over UDP;
 * the answer as text: rcode, AA, TC, each section sorted, the NSID. The
 * socket is connected, so an answer from another address than the one
 * asked is never seen.
 */
static char *
ask(struct run *r, const char *addr, const char *qname, uint16_t type, uint16_t cls)
{
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(qname, type);
	struct sockaddr_storage ss;
	struct ipaddr a;
	struct dns_msg m;
	struct strbuf sb = { 0 };
	uint8_t q[512], resp[65536];
	char nsid[DNS_NSID_MAX * 4 + 1];
	unsigned slen;
	ssize_t n = -1;
	int fd, qlen;

	spec.cls = cls;
	spec.id = (uint16_t)(rand() & 0xffff);
	spec.nsid = true;
	spec.edns = true;
	qlen = dns_query_build(&spec, q, sizeof(q));
	cr_assert_gt(qlen, 0);
	cr_assert_eq(ipaddr_parse(addr, &a), 0);
	fd = lab_socket(r->lab, r->k.node->name, a.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0, "socket in %s: %s", r->ns, strerror(-fd));
	ipaddr_to_sockaddr(&a, r->port, &ss, &slen);
	cr_assert_eq(connect(fd, (struct sockaddr *)&ss, slen), 0);
	for (int attempt = 0; attempt < 3 && n < 0; attempt++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		cr_assert_eq(send(fd, q, (size_t)qlen, 0), qlen);
		if (poll(&pfd, 1, 1000) == 1)
			n = recv(fd, resp, sizeof(resp), 0);
	}
	close(fd);
	cr_assert_gt(n, 0, "%s at %s: no answer to %s", r->ops->name, addr, qname);
	cr_assert_eq(dns_msg_parse(resp, (size_t)n, &m), DNS_OK);
	cr_assert(dns_msg_matches(&m, &spec));
	sb_printf(&sb, "%s%s%s\n", dns_rcode_name(m.rcode), m.hdr.flags & DNS_FLAG_AA ? " aa" : "",
	    m.hdr.flags & DNS_FLAG_TC ? " tc" : "");
	for (int s = 0; s < DNS_SEC_COUNT; s++) {
		char *lines[DNS_MSG_MAX_RR];

		for (unsigned i = 0; i < m.count[s]; i++) {
			struct strbuf l = { 0 };

			rr_text(&m, &m.rr[s][i], &l);
			lines[i] = sb_steal(&l);
		}
		qsort(lines, m.count[s], sizeof(lines[0]), line_cmp);
		for (unsigned i = 0; i < m.count[s]; i++) {
			sb_printf(&sb, "%s: %s\n", dns_section_name((enum dns_section)s), lines[i]);
			free(lines[i]);
		}
	}
	dns_edns_nsid_text(&m.edns, nsid, sizeof(nsid));
	sb_printf(&sb, "nsid: %s\n", nsid);
	return sb_steal(&sb);
}

/* Known differences, left out of a comparison (docs/kinds/nsd.md, knot.md). */
enum {
	SKIP_AA = 1,		 /* CHAOS answers: only anydnsd sets AA */
	SKIP_NSD_ADDITIONAL = 2, /* NSD's minimal responses add no A/AAAA for MX, SRV */
};

struct query {
	const char *name;
	uint16_t type;
	uint16_t cls;
	unsigned skip;
};

/* text less what skip leaves out for daemon d (the first line holds rcode and flags). */
static char *
normalise(char *text, unsigned skip, int d)
{
	bool nsd = R[d].ops == &kind_nsd, first = true;
	struct strbuf sb = { 0 };

	for (const char *p = text; *p; first = false) {
		size_t l = strcspn(p, "\n"), keep = l;

		if (first && (skip & SKIP_AA) && l >= 3 && strncmp(p + l - 3, " aa", 3) == 0)
			keep = l - 3;
		if (!(nsd && (skip & SKIP_NSD_ADDITIONAL) && strncmp(p, "additional: ", 12) == 0)) {
			sb_add(&sb, p, keep);
			sb_add(&sb, "\n", 1);
		}
		p += l + (p[l] == '\n');
	}
	free(text);
	return sb_steal(&sb);
}

/* Every query at every address: anydnsd's answer (R[0]) is the reference. */
static void
compare(const struct query *qs, size_t nq, const char *const *addrs, size_t na)
{
	for (size_t a = 0; a < na; a++) {
		for (size_t i = 0; i < nq; i++) {
			char *want = ask(&R[0], addrs[a], qs[i].name, qs[i].type, qs[i].cls);
			char *want_d;

			for (int d = 1; d < RUNS; d++) {
				char *got;

				if (R[d].ops == NULL)
					continue;
				got = normalise(ask(&R[d], addrs[a], qs[i].name, qs[i].type,
						    qs[i].cls),
				    qs[i].skip, d);
				want_d = normalise(strdup(want), qs[i].skip, d);
				cr_expect_str_eq(got, want_d,
				    "%s at %s, %s type %u: %s answers\n%s"
				    "anydnsd answers\n%s",
				    R[d].ops->name, addrs[a], qs[i].name, qs[i].type,
				    R[d].ops->name, got, want_d);
				free(got);
				free(want_d);
			}
			free(want);
		}
	}
}

/* anydnsd, then nsd and knot where installed, on node of the topology file. */
static void
start_all(const char *file, const char *node)
{
	bool nsd = access("/usr/sbin/nsd", X_OK) == 0, knot = access("/usr/sbin/knotd", X_OK) == 0;

	if (!nsd && !knot)
		cr_skip_test("neither nsd nor knotd is installed");
	Top = hdk_tmpdir("root");
	T = hdk_load(file);
	start(&R[0], &kind_anydnsd, node, 0);
	if (nsd)
		start(&R[1], &kind_nsd, node, 1);
	if (knot)
		start(&R[2], &kind_knot, node, 2);
}

Test(root_kind_dns, lab_a_dc001)
{
	static const struct query qs[] = {
		{ "server.zone.tst", DNS_T_TXT, DNS_C_IN, 0 },
		{ "zone.tst", DNS_T_SOA, DNS_C_IN, 0 },
		{ "zone.tst", DNS_T_NS, DNS_C_IN, 0 },
		{ "nx.zone.tst", DNS_T_TXT, DNS_C_IN, 0 },
		{ "server.zone.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "id.server", DNS_T_TXT, DNS_C_CH, SKIP_AA },
		{ "hostname.bind", DNS_T_TXT, DNS_C_CH, SKIP_AA },
	};
	static const char *const addrs[] = { "51.51.51.51", "10.10.10.1", "127.0.0.1" };
	char *out = NULL;

	need(NULL);
	start_all("topologies/anycast-lab.json", "dc001");
	for (int d = 0; d < RUNS; d++) {
		char *got;

		if (R[d].ops == NULL)
			continue;
		got = ask(&R[d], "51.51.51.51", "server.zone.tst", DNS_T_TXT, DNS_C_IN);
		cr_expect_str_eq(got,
		    "NOERROR aa\nanswer: server.zone.tst. 3600 IN TXT \"DC001\"\n"
		    "nsid: DC001\n",
		    "%s", R[d].ops->name);
		free(got);
		if (access("/usr/bin/dig", X_OK) == 0) {
			cr_expect_eq(hdk_sh(&out,
					 "ip netns exec %s dig +short +norec +time=2 "
					 "@51.51.51.51 server.zone.tst TXT",
					 R[d].ns),
			    0);
			cr_expect_str_eq(out, "\"DC001\"\n", "dig asking %s", R[d].ops->name);
			free(out);
		}
	}
	compare(qs, sizeof(qs) / sizeof(qs[0]), addrs, sizeof(addrs) / sizeof(addrs[0]));
}

Test(root_kind_dns, master_file_zone)
{
	static const struct query qs[] = {
		{ "example.tst", DNS_T_SOA, DNS_C_IN, 0 },
		{ "example.tst", DNS_T_NS, DNS_C_IN, 0 },
		{ "example.tst", DNS_T_MX, DNS_C_IN, SKIP_NSD_ADDITIONAL },
		{ "example.tst", DNS_T_CAA, DNS_C_IN, 0 },
		{ "www.example.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "web.example.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "mail.example.tst", DNS_T_AAAA, DNS_C_IN, 0 },
		{ "txt.example.tst", DNS_T_TXT, DNS_C_IN, 0 },
		{ "any.wild.example.tst", DNS_T_TXT, DNS_C_IN, 0 },
		{ "_dns._udp.example.tst", DNS_T_SRV, DNS_C_IN, SKIP_NSD_ADDITIONAL },
		{ "hw.example.tst", DNS_T_HINFO, DNS_C_IN, 0 },
		{ "opaque.example.tst", 65280, DNS_C_IN, 0 },
		{ "host.sub.example.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "nx.example.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "b.c.example.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "inline.example.tst", DNS_T_A, DNS_C_IN, 0 },
		{ "server.zone.tst", DNS_T_TXT, DNS_C_IN, 0 },
		{ "nx.zone.tst", DNS_T_TXT, DNS_C_IN, 0 },
	};
	static const char *const addrs[] = { "10.53.0.1", "51.51.51.51" };

	need(NULL);
	start_all("tests/kinds/golden/nsd/masterfile.json", "ns1");
	compare(qs, sizeof(qs) / sizeof(qs[0]), addrs, sizeof(addrs) / sizeof(addrs[0]));
}
