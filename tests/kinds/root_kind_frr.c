/*
 * Kind "frr" live (needs root and FRR; skips without): Lab A's three BGP
 * speakers (topologies/anycast-lab.json, every bgp section run as kind frr)
 * in namespaces of the test's own, a bridge in a fourth joining them as
 * the intranet 10.10.10.0/24. Everything goes through the kind's ops as the
 * supervisor uses them: configure into each node's folder (a temporary
 * directory), procs (bgpd, zebra, bfdd) started in the supervisor's order
 * inside the node's namespace, ready, bgp_progress until the gateway has
 * its multipath route in the kernel, then bgp_peers, bgp_bfd (both of the
 * gateway's sessions Up at Lab A's 10 ms), bgp_routes, bgp_announce
 * (announce in both families, withdraw, withdraw again: FRR's refusal) and
 * a DC's bgpd killed. Also: real FRR reads every golden file of
 * tests/kinds/golden/frr/ without an unknown command (bgpd -C, bfdd -C). Namespaces, processes and files are removed
 * on every path (fini and atexit), by exact name and pid.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anylab.h"
#include "kind.h"
#include "netns.h"
#include "topo.h"

#define FRR_BGPD "/usr/lib/frr/bgpd"
#define NNODES	 3
#define MAXPIDS	 12

static const char *const node_names[NNODES] = { "gateway", "dc001", "dc002" };
static const char *const node_addrs[NNODES] = { "10.10.10.254/24", "10.10.10.1/24",
	"10.10.10.2/24" };

static struct {
	char lab[32];
	char dir[256];
	char ns[NNODES + 1][64]; /* nodes, then the switch */
	int nns;
	pid_t pids[MAXPIDS];
	int npids;
	pid_t bgpd[NNODES]; /* each node's procs[0] */
	struct topology *topo;
	struct topo_node tn[NNODES];
	struct kind_node k[NNODES];
	long long t0_us;
} L;

static int
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
cleanup(void)
{
	for (int i = 0; i < L.npids; i++) {
		if (L.pids[i] <= 0)
			continue;
		kill(L.pids[i], SIGTERM);
	}
	for (int i = 0; i < L.npids; i++) {
		int st;

		if (L.pids[i] <= 0)
			continue;
		for (int w = 0; w < 60 && waitpid(L.pids[i], &st, WNOHANG) == 0; w++)
			usleep(50000);
		if (waitpid(L.pids[i], &st, WNOHANG) == 0) {
			kill(L.pids[i], SIGKILL);
			waitpid(L.pids[i], &st, 0);
		}
		L.pids[i] = 0;
	}
	L.npids = 0;
	for (int i = 0; i < L.nns; i++)
		if (L.ns[i][0] && netns_exists(L.ns[i]))
			netns_delete(L.ns[i]);
	L.nns = 0;
	if (L.dir[0] && strncmp(L.dir, "/tmp/hfk", 8) == 0)
		sh("rm -rf '%s'", L.dir);
	L.dir[0] = '\0';
	if (L.topo != NULL)
		topo_free(L.topo);
	L.topo = NULL;
}

static void
need(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	if (access(FRR_BGPD, X_OK) < 0 || access("/usr/lib/frr/zebra", X_OK) < 0)
		cr_skip_test("FRR is not installed (Debian package frr)");
	if (getpwnam("frr") == NULL)
		cr_skip_test("no user frr (Debian package frr)");
}

/* Start one process of a kind inside the node's namespace, in its folder. */
static pid_t
spawn(const struct kind_node *k, const struct kind_proc *p)
{
	char ns[64], out[ANYLAB_PATH_MAX + 64];
	pid_t pid;

	snprintf(ns, sizeof(ns), "%s-%s", L.lab, k->node->name);
	snprintf(out, sizeof(out), "%.512s/bgp%s%.31s.out", k->dir, p->name[0] ? "." : "", p->name);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setsid();
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		if (netns_enter_exec(ns) < 0 || chdir(k->dir) < 0)
			_exit(127);
		execv(p->argv[0], p->argv);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	cr_assert_lt(L.npids, MAXPIDS);
	L.pids[L.npids++] = pid;
	return pid;
}

static void
setup(void)
{
	char path[1024];
	const char *src = getenv("ANYLAB_SOURCE_DIR");
	struct cfg_errors errs;
	int fd;

	need();
	memset(&L, 0, sizeof(L));
	atexit(cleanup);
	snprintf(L.lab, sizeof(L.lab), "hfk%d", (int)getpid() % 100000);
	snprintf(L.dir, sizeof(L.dir), "/tmp/%s", L.lab);
	cr_assert_eq(mkdir(L.dir, 0755), 0, "%s: %s", L.dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", src ? src : ".");
	cr_assert_eq(topo_load(path, &L.topo, &errs), 0, "cannot load %s", path);

	/* the intranet: a bridge in its own namespace, one veth per speaker */
	snprintf(L.ns[NNODES], sizeof(L.ns[0]), "%s-sw", L.lab);
	cr_assert_eq(netns_create(L.ns[NNODES], &fd), 0);
	close(fd);
	L.nns = NNODES + 1;
	cr_assert_eq(sh("ip -n %s link add br0 type bridge && ip -n %s link set br0 up",
			 L.ns[NNODES], L.ns[NNODES]),
	    0);
	for (int i = 0; i < NNODES; i++) {
		const struct topo_node *n = topo_node_find(L.topo, node_names[i]);
		char msg[KIND_MSG_MAX] = "";

		snprintf(L.ns[i], sizeof(L.ns[i]), "%s-%s", L.lab, node_names[i]);
		cr_assert_eq(netns_create(L.ns[i], &fd), 0, "netns %s", L.ns[i]);
		close(fd);
		cr_assert_eq(sh("ip -n %s link set lo up && "
				"ip -n %s link add p%d type veth peer name eth0 netns %s && "
				"ip -n %s link set p%d master br0 up && "
				"ip -n %s addr add %s dev eth0 && ip -n %s link set eth0 up",
				 L.ns[i], L.ns[NNODES], i, L.ns[i], L.ns[NNODES], i, L.ns[i],
				 node_addrs[i], L.ns[i]),
		    0);
		cr_assert_not_null(n);
		L.tn[i] = *n;
		memset(&L.k[i], 0, sizeof(L.k[i]));
		L.k[i].lab = L.lab;
		L.k[i].topo = L.topo;
		L.k[i].node = &L.tn[i];
		L.k[i].kind = kind_find(KIND_BGP, "frr");
		cr_assert_not_null(L.k[i].kind);
		L.k[i].role = KIND_BGP;
		L.k[i].section = n->bgp;
		snprintf(L.k[i].service, sizeof(L.k[i].service), "bgp");
		snprintf(L.k[i].path, sizeof(L.k[i].path), "nodes.%s.bgp", node_names[i]);
		snprintf(L.k[i].dir, sizeof(L.k[i].dir), "%s/%s", L.dir, node_names[i]);
		cr_assert_eq(mkdir(L.k[i].dir, 0755), 0);
		cr_assert_eq(L.k[i].kind->configure(&L.k[i], msg, sizeof(msg)), 0, "%s", msg);
	}
}

/*
 * Start every speaker's processes as the supervisor does (core/daemon.c):
 * the helpers (zebra, bfdd) first, then the main one (bgpd); a process with
 * a wait_path only once that path (zebra's socket) exists.
 */
static void
start_all(void)
{
	L.t0_us = emu_now_us();
	for (int i = 0; i < NNODES; i++) {
		struct kind_proc p[KIND_PROCS_MAX];
		int n;

		memset(p, 0, sizeof(p));
		n = L.k[i].kind->procs(&L.k[i], p, KIND_PROCS_MAX);
		/* bgpd, zebra, and bfdd: Lab A runs BFD between the gateway and each DC */
		cr_assert_eq(n, 3);
		for (int o = 1; o <= n; o++) {
			int j = o % n;
			long long end = emu_now_us() + (long long)KIND_WAIT_PATH_MS * 1000;
			pid_t pid;

			while (p[j].wait_path[0] != '\0' && access(p[j].wait_path, F_OK) < 0) {
				cr_assert_lt(emu_now_us(), end, "%s never appeared",
				    p[j].wait_path);
				usleep(2000);
			}
			pid = spawn(&L.k[i], &p[j]);
			if (j == 0)
				L.bgpd[i] = pid;
		}
	}
}

static void
teardown(void)
{
	cleanup();
}

static double
since_s(void)
{
	return (double)(emu_now_us() - L.t0_us) / 1e6;
}

static bool
wait_for(int ms, bool (*cond)(void *), void *arg)
{
	long long end = emu_now_us() + (long long)ms * 1000;

	while (emu_now_us() < end) {
		if (cond(arg))
			return true;
		usleep(50000);
	}
	return cond(arg);
}

static bool
all_ready(void *arg)
{
	(void)arg;
	for (int i = 0; i < NNODES; i++)
		if (L.k[i].kind->ready(&L.k[i]) != 0)
			return false;
	return true;
}

static struct kind_bgp_progress last_pr;

static bool
gateway_converged(void *arg)
{
	unsigned long long want = *(unsigned long long *)arg;

	if (L.k[0].kind->bgp_progress(&L.k[0], &last_pr) != 0)
		return false;
	return last_pr.peers == 2 && last_pr.established == 2 && last_pr.kernel_routes == want &&
	    !last_pr.pending;
}

/* Next hops of the kernel route to prefix in the gateway's namespace. */
static int
kernel_nexthops(const char *prefix)
{
	char cmd[256], line[512];
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -n %s route show %s proto bgp", L.ns[0], prefix);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, " via ") != NULL)
			n++;
	pclose(f);
	return n;
}

static int
gw_paths(const char *prefix, int *best, int *multipath)
{
	cJSON *doc = NULL;
	const cJSON *r;
	int n = 0;

	*best = *multipath = 0;
	if (L.k[0].kind->bgp_routes(&L.k[0], prefix, &doc) != 0) {
		cJSON_Delete(doc);
		return -1;
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "routes")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "prefix")), prefix) != 0)
			continue;
		n++;
		*best += cJSON_IsTrue(cJSON_GetObjectItem(r, "best"));
		*multipath += cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath"));
	}
	cJSON_Delete(doc);
	return n;
}

struct paths_want {
	const char *prefix;
	int n;
};

/*
 * The gateway's two BFD sessions (with dc001 and dc002) Up at Lab A's 10 ms
 * both ways (once each side's Poll Sequence ended the 1 s of before Up,
 * RFC 5880 6.8.3), detection after 30 ms. *arg: the last answer.
 */
static bool
gateway_bfd_up(void *arg)
{
	cJSON **last = arg;
	const cJSON *s;
	int up = 0;

	cJSON_Delete(*last);
	*last = NULL;
	if (L.k[0].kind->bgp_bfd(&L.k[0], last) < 0)
		return false;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(*last, "sessions"))
		up += strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(s, "state")), "Up") == 0 &&
		    cJSON_GetNumberValue(cJSON_GetObjectItem(s, "tx_ms")) == 10 &&
		    cJSON_GetNumberValue(cJSON_GetObjectItem(s, "rx_ms")) == 10 &&
		    cJSON_GetNumberValue(cJSON_GetObjectItem(s, "detect_ms")) == 30;
	return up == 2 && cJSON_GetArraySize(cJSON_GetObjectItem(*last, "sessions")) == 2;
}

static bool
gw_has_paths(void *arg)
{
	struct paths_want *w = arg;
	int b, m;

	return gw_paths(w->prefix, &b, &m) == w->n;
}

static bool
kernel_has(void *arg)
{
	struct paths_want *w = arg;

	return kernel_nexthops(w->prefix) == w->n;
}

static const char *
peer_state(const char *addr)
{
	static char state[32];
	cJSON *doc = NULL;
	const cJSON *p;

	state[0] = '\0';
	if (L.k[0].kind->bgp_peers(&L.k[0], &doc) == 0)
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers")) {
			const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(p, "address"));

			if (a != NULL && strcmp(a, addr) == 0)
				snprintf(state, sizeof(state), "%s",
				    cJSON_GetStringValue(cJSON_GetObjectItem(p, "state")));
		}
	cJSON_Delete(doc);
	return state;
}

/* Both DCs' routes are in: FRR sends a DC's first UPDATE up to about 2 s after the other's. */
static bool
two_nexthops(void *arg)
{
	(void)arg;
	return kernel_nexthops("51.51.51.0/24") == 2;
}

static bool
dc001_down(void *arg)
{
	(void)arg;
	return strcmp(peer_state("10.10.10.1"), "Established") != 0;
}

Test(kind_frr_live, lab_a_speakers, .init = setup, .fini = teardown, .timeout = 180)
{
	unsigned long long one = 1;
	struct paths_want one51 = { "51.51.51.0/24", 1 };
	struct paths_want one52 = { "52.52.52.0/24", 1 }, none52 = { "52.52.52.0/24", 0 };
	char msg[KIND_MSG_MAX] = "", path[600];
	struct paths_want one6 = { "2001:db8:51::/48", 1 }, none6 = { "2001:db8:51::/48", 0 };
	struct prefix p52, p6;
	cJSON *doc = NULL;
	const cJSON *p;
	int best, mp;
	double t_ready, t_conv;

	start_all();
	cr_assert(wait_for(15000, all_ready, NULL), "the vty sockets never answered");
	t_ready = since_s();
	cr_assert(wait_for(40000, gateway_converged, &one),
	    "gateway: %u peers, %u established, %llu kernel routes, pending %d", last_pr.peers,
	    last_pr.established, last_pr.kernel_routes, last_pr.pending);
	t_conv = since_s();
	cr_log_info("frr: ready after %.2f s, converged (both sessions, the route in the kernel) "
		    "after %.2f s",
	    t_ready, t_conv);
	/* Every file of FRR's in the node's folder */
	snprintf(path, sizeof(path), "%s/frr/zserv.api", L.k[0].dir);
	cr_expect_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/frr/bgpd.pid", L.k[0].dir);
	cr_expect_eq(access(path, F_OK), 0);

	/* peers */
	cr_assert_eq(L.k[0].kind->bgp_peers(&L.k[0], &doc), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "peers")), 2);
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers")) {
		cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "state")),
		    "Established");
		cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "asn")), 65511);
		cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(p, "hold_time")), 9);
	}
	cJSON_Delete(doc);

	/* BFD with both DCs, at Lab A's 10 ms both ways */
	doc = NULL;
	if (!wait_for(10000, gateway_bfd_up, &doc)) {
		char *text = cJSON_PrintUnformatted(doc);

		cr_expect_fail("the gateway's BFD sessions are not both Up at 10 ms: %s",
		    text ? text : "(no answer)");
		free(text);
	}
	cJSON_Delete(doc);

	/* Lab A step 1: two paths, both multipath, one best; one route, two next hops */
	cr_expect(wait_for(10000, two_nexthops, NULL), "the second next hop never came");
	cr_expect_eq(gw_paths("51.51.51.0/24", &best, &mp), 2);
	cr_expect_eq(best, 1);
	cr_expect_eq(mp, 2);
	cr_expect_eq(kernel_nexthops("51.51.51.0/24"), 2);

	/* announce from dc001, then withdraw, then withdraw what is not there */
	cr_assert_eq(prefix_parse("52.52.52.0/24", &p52, false), 0);
	cr_assert_eq(L.k[1].kind->bgp_announce(&L.k[1], &p52, true, msg, sizeof(msg)), 0, "%s",
	    msg);
	cr_expect(wait_for(10000, gw_has_paths, &one52), "gateway never learned 52.52.52.0/24");
	cr_expect(wait_for(5000, kernel_has, &one52), "52.52.52.0/24 not in the kernel");
	cr_assert_eq(L.k[1].kind->bgp_announce(&L.k[1], &p52, false, msg, sizeof(msg)), 0, "%s",
	    msg);
	cr_expect(wait_for(10000, gw_has_paths, &none52), "gateway kept 52.52.52.0/24");
	cr_expect(wait_for(5000, kernel_has, &none52), "52.52.52.0/24 stayed in the kernel");
	msg[0] = '\0';
	cr_expect_eq(L.k[1].kind->bgp_announce(&L.k[1], &p52, false, msg, sizeof(msg)),
	    EMU_EREFUSED);
	cr_expect(strstr(msg, "Can't find") != NULL, "FRR's reason is not in msg: %s", msg);
	cr_log_info("frr: withdrawing what is not announced: %s", msg);

	/* IPv6 over the IPv4 sessions (Lab A offers both families): the gateway's IPv6 table */
	cr_assert_eq(prefix_parse("2001:db8:51::/48", &p6, false), 0);
	cr_assert_eq(L.k[1].kind->bgp_announce(&L.k[1], &p6, true, msg, sizeof(msg)), 0, "%s", msg);
	cr_expect(wait_for(10000, gw_has_paths, &one6), "gateway never learned 2001:db8:51::/48");
	cr_assert_eq(L.k[1].kind->bgp_announce(&L.k[1], &p6, false, msg, sizeof(msg)), 0, "%s",
	    msg);
	cr_expect(wait_for(10000, gw_has_paths, &none6), "gateway kept 2001:db8:51::/48");

	/* status */
	doc = NULL;
	cr_assert_eq(L.k[0].kind->bgp_command(&L.k[0], "status", NULL, &doc), 0);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "asn")), 8075);
	cr_expect_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "established")), 2);
	cJSON_Delete(doc);

	/* dc001's bgpd dies: the session goes, one next hop is left */
	cr_assert_gt(L.bgpd[1], 0);
	kill(L.bgpd[1], SIGKILL);
	cr_expect(wait_for(15000, dc001_down, NULL), "the gateway still sees dc001");
	cr_expect(wait_for(5000, kernel_has, &one51), "still two next hops");
	cr_expect(wait_for(5000, gw_has_paths, &one51));
}

/* The vty answers nothing before the daemons run: ready says "not yet". */
Test(kind_frr_live, ready_before_start_is_eagain, .init = setup, .fini = teardown)
{
	cr_expect_eq(L.k[0].kind->ready(&L.k[0]), -EAGAIN);
}

/*
 * FRR itself reads every golden configuration without an unknown or refused
 * line: bgpd the bgpd.conf ones, bfdd the NAME.bfdd.conf ones.
 */
Test(kind_frr_live, frr_accepts_every_golden_config, .timeout = 120)
{
	char pattern[1024], tmp[] = "/tmp/hf-frr-golden-XXXXXX";
	const char *src = getenv("ANYLAB_SOURCE_DIR");
	struct passwd *pw;
	glob_t g;

	need();
	pw = getpwnam("frr");
	cr_assert_not_null(mkdtemp(tmp));
	cr_assert_eq(chown(tmp, pw->pw_uid, pw->pw_gid), 0);
	snprintf(pattern, sizeof(pattern), "%s/tests/kinds/golden/frr/*.conf", src ? src : ".");
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no golden files at %s", pattern);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char cmd[3072], line[1024];
		int bad = 0;
		FILE *f;

		size_t n = strlen(g.gl_pathv[i]);
		bool bfdd = n > 10 && strcmp(g.gl_pathv[i] + n - 10, ".bfdd.conf") == 0;

		/* -C: parse and exit; its exit status is 0 even for bad lines, so read them. */
		snprintf(cmd, sizeof(cmd),
		    "cp '%s' %s/t.conf && chown frr:frr %s/t.conf && "
		    "%s -C -u frr -g frr -f %s/t.conf -i %s/t.pid -z %s/t.api --vty_socket %s "
		    "-P 0 --log stdout%s%s%s 2>&1",
		    g.gl_pathv[i], tmp, tmp, bfdd ? "/usr/lib/frr/bfdd" : FRR_BGPD, tmp, tmp, tmp,
		    tmp, bfdd ? " --bfdctl " : "", bfdd ? tmp : "", bfdd ? "/t.sock" : "");
		f = popen(cmd, "r");
		cr_assert_not_null(f);
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, "No such command") || strstr(line, "[EC 100663304]") ||
			    strstr(line, "rror") || strstr(line, "% ")) {
				cr_log_error("%s: %s", g.gl_pathv[i], line);
				bad++;
			}
		pclose(f);
		cr_expect_eq(bad, 0, "FRR refused lines of %s", g.gl_pathv[i]);
	}
	globfree(&g);
	sh("rm -rf '%s'", tmp);
}
