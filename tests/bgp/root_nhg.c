/*
 * Flow stability in the FIB (root): resilient nexthop groups against plain
 * hash-threshold multipath (nodes/bgp/kroute_nhg.c, RFC 4786 section 4.4.3).
 *
 * One router r and four anycast instances dns1..dns4 on a server LAN (each
 * anybgpd + anydnsd, 198.18.0.53/32 on its loopback, BFD 100 ms x 5 to r), and
 * NCLIENTS clients on a client LAN behind r, each probing 198.18.0.53 through
 * `anylab run`. The scenario disables dns2's adapter and enables it again;
 * it runs once with r's "fib": "hash" and once with "fib": "resilient", the
 * kernel's multipath hash fixed (policy 0, seed SEED) so both runs hash the
 * same flows the same way (each mode maps them to instances its own way: the
 * catchments differ, the comparison is of who moves). From the results JSON, per client (before,
 * during, after the fault), collateral moves: a client whose instance before
 * the fault was not DNS2 but whose instance during or after it differs.
 * Resilient must have none; hash-threshold must have more (with 48 clients
 * it moves about a quarter of them: removing one of four next hops shifts
 * the boundaries of the others' hash ranges).
 *
 * Also: with resilient, r's kernel holds exactly one resilient group and four
 * next hops of ours after the run (the one of dns2 before its fault deleted,
 * not left behind), and none once r's anybgpd has exited (SIGTERM, by the pid
 * its status gives); with hash, no nexthop object at all.
 *
 * Then the same over TCP (probe transport "tcp": a DNS-over-TCP connection
 * per client, RFC 7766), the cost of a move for a stateful service: a flow
 * that moves lands on an instance that has no state for its connection and
 * is reset. The resilient group has an idle timer of IDLE_TIMER s here, so
 * that buckets nobody uses do go to dns2 when it returns while the probes
 * still run (a poller watches r's buckets), and what keeps the clients'
 * connections where they are is that their buckets are busy (a query every
 * 50 ms). RFC 4786 4.4.3 predicts, and the test asserts: resilient breaks
 * the connection of every client of DNS2 (its server went away) and no
 * other client's, during the fault or at fail-back, and DNS2's clients stay
 * where they failed over to (no second break); hash-threshold breaks, for
 * the seed pinned, exactly the connections of the other clients it moves,
 * once when they move and once when they move back, and every client of
 * DNS2 twice (they return to it). No connection breaks before the fault.
 *
 * And the fallback: with the lab up in mode resilient, objects of another
 * protocol are put into the speaker's id range where its next ids go; dns2
 * withdraws the anycast prefix and announces it again, the speaker's new
 * next hop is refused (EEXIST: it never overwrites an object it did not
 * make), and it falls back to a plain multipath route of four next hops,
 * says why in `status`, and deletes every object of its own, none of the
 * others'.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cJSON.h>

#include "scenario/helper_scn.h"

#define NCLIENTS   48
#define NINST	   4
#define SEED	   7 /* ANYLAB_NHG_SEED overrides it, to measure others */
#define FAILED	   "DNS2"
#define IDLE_TIMER 2 /* s, the resilient group's in the TCP runs */
#define STR_(x)	   #x
#define STR(x)	   STR_(x)

static char lab[16], dir[128], bin[512];
static unsigned seed = SEED;
static pid_t poller = -1;

struct figures {
	int affected;	       /* clients of the failed instance */
	int collateral_during; /* others that moved during the fault */
	int collateral_after;  /* others not on their instance after the undo */
	int returned;	       /* clients of the failed instance back on it after */
	/* TCP: clients with at least one broken connection, by window. */
	int broken_before;	  /* any client, before the fault */
	int failed_broken_during; /* DNS2's clients, from the fault to the undo */
	int failed_broken_back;	  /* DNS2's clients, from the undo to the end */
	int others_broken_during; /* the others, likewise */
	int others_broken_back;
	int break_not_move;		/* clients whose breaks and moves disagree */
	int breaks_during, breaks_back; /* connections broken (all clients) */
	bool dns2_buckets_in_run;	/* a bucket on dns2 after its return, probes running */
	char mismatch[512];		/* the clients whose breaks and moves disagree */
};

static cJSON *
str_array(const char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *
step(const char *json)
{
	cJSON *s = cJSON_Parse(json);

	cr_assert_not_null(s, "bad step %s", json);
	return s;
}

static cJSON *
bgp_section(int asn, const char *id)
{
	cJSON *b = cJSON_CreateObject(), *bfd;

	cJSON_AddNumberToObject(b, "asn", asn);
	cJSON_AddStringToObject(b, "router_id", id);
	cJSON_AddNumberToObject(b, "hold_time", 9);
	cJSON_AddNumberToObject(b, "keepalive", 3);
	cJSON_AddNumberToObject(b, "connect_retry", 1);
	bfd = cJSON_AddObjectToObject(b, "bfd");
	/* 500 ms: no false down on a loaded machine, which would move clients itself. */
	cJSON_AddNumberToObject(bfd, "interval_ms", 100);
	cJSON_AddNumberToObject(bfd, "multiplier", 5);
	return b;
}

static cJSON *
peer(const char *addr, int asn)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "address", addr);
	cJSON_AddNumberToObject(p, "asn", asn);
	cJSON_AddStringToObject(p, "import", "all");
	cJSON_AddStringToObject(p, "export", "all");
	return p;
}

static cJSON *
iface(cJSON *node, const char *name, const char *addr)
{
	cJSON *ifs = cJSON_GetObjectItem(node, "interfaces");
	cJSON *i;

	if (ifs == NULL)
		ifs = cJSON_AddObjectToObject(node, "interfaces");
	i = cJSON_AddObjectToObject(ifs, name);
	cJSON_AddItemToObject(i, "addresses", str_array(&addr, 1));
	return i;
}

static void
default_route(cJSON *node, const char *via)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "to", "default");
	cJSON_AddStringToObject(r, "via", via);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(node, "routes"), r);
}

/*
 * The lab with r's FIB mode, probed over UDP or TCP, written to
 * DIR/nhg-MODE.json (nhg-MODE-tcp.json). Over TCP the resilient group's
 * idle timer is IDLE_TIMER and a query times out (breaking its connection)
 * after 1 s, not 0.5: a late answer on a loaded machine is no break.
 */
static void
write_topology(const char *mode, bool tcp, char *path, size_t len)
{
	cJSON *t = cJSON_CreateObject(), *nodes = cJSON_AddObjectToObject(t, "nodes");
	cJSON *clan = cJSON_CreateArray(), *slan = cJSON_CreateArray(), *clients;
	cJSON *r, *rb, *peers, *mp, *links, *l, *scn, *probe, *steps;
	const char *anycast = "198.18.0.53/32", *resolver = "198.18.0.53";
	char name[16], addr[32], ep[32];

	cJSON_AddStringToObject(t, "name", lab);
	r = cJSON_AddObjectToObject(nodes, "r");
	iface(r, "eth0", "10.97.0.254/24");
	iface(r, "eth1", "10.96.0.254/24");
	cJSON_AddTrueToObject(r, "forwarding");
	mp = cJSON_AddObjectToObject(r, "multipath");
	cJSON_AddNumberToObject(mp, "hash_policy", 0);
	cJSON_AddNumberToObject(mp, "hash_seed", seed);
	rb = bgp_section(65000, "10.96.0.254");
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(rb, "multipath"), "max_paths", NINST);
	if (tcp && strcmp(mode, "resilient") == 0) {
		cJSON *fib = cJSON_AddObjectToObject(rb, "fib");

		cJSON_AddStringToObject(fib, "multipath", mode);
		cJSON_AddNumberToObject(fib, "idle_timer", IDLE_TIMER);
	} else
		cJSON_AddStringToObject(rb, "fib", mode);
	peers = cJSON_AddArrayToObject(rb, "peers");
	cJSON_AddItemToObject(r, "bgp", rb);
	cJSON_AddItemToArray(clan, cJSON_CreateString("r:eth0"));
	cJSON_AddItemToArray(slan, cJSON_CreateString("r:eth1"));

	for (int i = 1; i <= NINST; i++) {
		cJSON *n, *b, *dns, *zone, *rec;
		char id[16];

		snprintf(name, sizeof(name), "dns%d", i);
		snprintf(id, sizeof(id), "DNS%d", i);
		snprintf(addr, sizeof(addr), "10.96.0.%d/24", i);
		n = cJSON_AddObjectToObject(nodes, name);
		iface(n, "eth0", addr);
		cJSON_AddItemToObject(n, "loopback", str_array(&anycast, 1));
		default_route(n, "10.96.0.254");
		b = bgp_section(65001, (snprintf(addr, sizeof(addr), "10.96.0.%d", i), addr));
		cJSON_AddItemToObject(b, "originate", str_array(&anycast, 1));
		cJSON_AddItemToArray(cJSON_AddArrayToObject(b, "peers"),
		    peer("10.96.0.254", 65000));
		cJSON_AddItemToObject(n, "bgp", b);
		cJSON_AddItemToArray(peers, peer(addr, 65001));
		dns = cJSON_AddObjectToObject(n, "dns");
		cJSON_AddStringToObject(dns, "identity", id);
		zone = cJSON_CreateObject();
		cJSON_AddStringToObject(zone, "origin", "zone.tst");
		rec = cJSON_CreateObject();
		cJSON_AddStringToObject(rec, "name", "server");
		cJSON_AddStringToObject(rec, "type", "TXT");
		cJSON_AddStringToObject(rec, "data", id);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(zone, "records"), rec);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(dns, "zones"), zone);
		snprintf(ep, sizeof(ep), "%s:eth0", name);
		cJSON_AddItemToArray(slan, cJSON_CreateString(ep));
	}
	clients = cJSON_CreateArray();
	for (int i = 1; i <= NCLIENTS; i++) {
		cJSON *n;

		snprintf(name, sizeof(name), "c%02d", i);
		snprintf(addr, sizeof(addr), "10.97.0.%d/24", i);
		n = cJSON_AddObjectToObject(nodes, name);
		iface(n, "eth0", addr);
		default_route(n, "10.97.0.254");
		cJSON_AddItemToObject(n, "resolver", str_array(&resolver, 1));
		snprintf(ep, sizeof(ep), "%s:eth0", name);
		cJSON_AddItemToArray(clan, cJSON_CreateString(ep));
		cJSON_AddItemToArray(clients, cJSON_CreateString(name));
	}
	links = cJSON_AddArrayToObject(t, "links");
	l = cJSON_CreateObject();
	cJSON_AddStringToObject(l, "name", "clients");
	cJSON_AddItemToObject(l, "endpoints", clan);
	cJSON_AddItemToArray(links, l);
	l = cJSON_CreateObject();
	cJSON_AddStringToObject(l, "name", "servers");
	cJSON_AddItemToObject(l, "endpoints", slan);
	cJSON_AddItemToArray(links, l);

	scn = cJSON_AddObjectToObject(cJSON_AddObjectToObject(t, "scenarios"), "fault");
	probe = cJSON_AddObjectToObject(scn, "probe");
	cJSON_AddItemToObject(probe, "clients", clients);
	cJSON_AddNumberToObject(probe, "rate", 20);
	cJSON_AddNumberToObject(probe, "timeout", tcp ? 1 : 0.5);
	if (tcp)
		cJSON_AddStringToObject(probe, "transport", "tcp");
	steps = cJSON_AddArrayToObject(scn, "steps");
	for (int i = 1; i <= NINST; i++) {
		char s[200];

		snprintf(s, sizeof(s),
		    "{\"expect\":\"session\",\"node\":\"r\",\"peer\":\"10.96.0.%d\","
		    "\"state\":\"established\",\"within\":30}",
		    i);
		cJSON_AddItemToArray(steps, step(s));
	}
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"nexthops\",\"node\":\"r\",\"prefix\":\"198.18.0.53/32\","
		 "\"count\":4,\"within\":15}"));
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"instances\",\"set\":[\"DNS1\",\"DNS2\",\"DNS3\",\"DNS4\"],"
		 "\"within\":5}"));
	cJSON_AddItemToArray(steps, step("{\"action\":\"disable\",\"iface\":\"dns2:eth0\"}"));
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"session\",\"node\":\"r\",\"peer\":\"10.96.0.2\","
		 "\"state\":\"down\",\"within\":2}"));
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"nexthops\",\"node\":\"r\",\"prefix\":\"198.18.0.53/32\","
		 "\"count\":3,\"within\":2}"));
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"answered\",\"not_by\":\"DNS2\",\"within\":2}"));
	cJSON_AddItemToArray(steps, step("{\"action\":\"wait\",\"seconds\":1}"));
	cJSON_AddItemToArray(steps, step("{\"action\":\"enable\",\"iface\":\"dns2:eth0\"}"));
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"session\",\"node\":\"r\",\"peer\":\"10.96.0.2\","
		 "\"state\":\"established\",\"within\":15}"));
	cJSON_AddItemToArray(steps,
	    step("{\"expect\":\"nexthops\",\"node\":\"r\",\"prefix\":\"198.18.0.53/32\","
		 "\"count\":4,\"within\":5}"));
	cJSON_AddItemToArray(steps, step("{\"action\":\"wait\",\"seconds\":2}"));

	snprintf(path, len, "%s/nhg-%s%s.json", dir, mode, tcp ? "-tcp" : "");
	hs_write_json(path, t);
}

/* The run's list of NAME's broken TCP connections (results "clients"). */
static const cJSON *
breaks_of(const cJSON *res, const char *name)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, hs_get(res, "clients"))
		if (strcmp(hs_field(c, "client"), name) == 0)
			return hs_get(c, "tcp_breaks");
	cr_assert_fail("%s is not among the results' clients", name);
	return NULL;
}

/*
 * Collateral moves of the run's fault, from the results JSON; over TCP also
 * the broken connections, each by its time: before the fault's start,
 * during it (to the start of the enable that undoes it: dns2's session may
 * come up before that step ends), or at fail-back (after that): the windows
 * of the instances before, during and after (emu/scenario/measure.c). A
 * client's connection breaks in a window exactly when its flow moved to
 * another instance in it: during the fault when its instance during it is
 * not the one before, at fail-back when its instance after is not the one
 * during. Where the two disagree the client is named.
 */
static struct figures
count_moves(const cJSON *res, bool tcp)
{
	const cJSON *faults = hs_get(res, "faults"), *fault, *c, *b;
	struct figures fg = { 0 };
	size_t mlen = 0;
	double start, undo;

	cr_assert_eq(cJSON_GetArraySize(faults), 1);
	fault = cJSON_GetArrayItem(faults, 0);
	start = hs_get(fault, "start_us")->valuedouble;
	undo =
	    hs_get(hs_step(res, hs_get(fault, "undo_step")->valueint - 1), "start_us")->valuedouble;
	cJSON_ArrayForEach(c, hs_get(fault, "clients")) {
		const char *name = hs_field(c, "client");
		const char *before = hs_field(c, "before"), *during = hs_field(c, "during");
		const char *after = hs_field(c, "after");
		bool failed = strcmp(before, FAILED) == 0;
		int pre = 0, in = 0, back = 0;

		cr_assert_neq(before[0], '\0', "%s: no answer before the fault", name);
		cJSON_ArrayForEach(b, breaks_of(res, name)) {
			double t = hs_get(b, "time_us")->valuedouble;

			if (t < start)
				pre++;
			else if (t < undo)
				in++;
			else
				back++;
		}
		fg.broken_before += pre > 0;
		fg.breaks_during += in;
		fg.breaks_back += back;
		if (tcp &&
		    ((in > 0) != (strcmp(during, before) != 0) ||
			(back > 0) != (strcmp(after, during) != 0))) {
			fg.break_not_move++;
			if (mlen < sizeof(fg.mismatch))
				mlen += (size_t)snprintf(fg.mismatch + mlen,
				    sizeof(fg.mismatch) - mlen, "%s %s/%s/%s broke %d/%d; ", name,
				    before, during, after, in, back);
		}
		if (failed) {
			fg.affected++;
			fg.returned += strcmp(after, FAILED) == 0;
			fg.failed_broken_during += in > 0;
			fg.failed_broken_back += back > 0;
			continue;
		}
		fg.collateral_during += strcmp(during, before) != 0;
		fg.collateral_after += strcmp(after, before) != 0;
		fg.others_broken_during += in > 0;
		fg.others_broken_back += back > 0;
	}
	return fg;
}

/*
 * The bucket poller (TCP runs in mode resilient): a child process that
 * every 200 ms finds dns2's next hop on r (`ip nexthop show`, the object
 * via 10.96.0.2) and counts the group's buckets on it (`ip nexthop bucket
 * show nhid ID`), writing "TIME_US BUCKETS" lines (CLOCK_REALTIME, the
 * results' clock) to DIR/buckets. Killed by its pid after the run, or in
 * the teardown, or when the test process dies.
 */
static void
poller_start(void)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/buckets", dir);
	poller = fork();
	cr_assert_geq(poller, 0, "fork");
	if (poller > 0)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (FILE *out = fopen(path, "w"); out != NULL; usleep(200000)) {
		char cmd[192], line[256];
		unsigned id = 0, n = 0;
		struct timespec ts;
		FILE *p;

		snprintf(cmd, sizeof(cmd), "ip -n %s-r nexthop show 2>/dev/null", lab);
		if ((p = popen(cmd, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), p))
			if (strstr(line, " via 10.96.0.2 "))
				sscanf(line, "id %u", &id);
		pclose(p);
		if (id != 0) {
			snprintf(cmd, sizeof(cmd),
			    "ip -n %s-r nexthop bucket show nhid %u 2>/dev/null", lab, id);
			if ((p = popen(cmd, "r")) == NULL)
				continue;
			while (fgets(line, sizeof(line), p))
				n += strstr(line, " index ") != NULL;
			pclose(p);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(out, "%lld %u\n", (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, n);
		fflush(out);
	}
	_exit(1);
}

static void
poller_stop(void)
{
	if (poller <= 0)
		return;
	kill(poller, SIGKILL);
	waitpid(poller, NULL, 0);
	poller = -1;
}

/*
 * Whether the poller saw a bucket on dns2's next hop after the undo ended
 * and before the last step did (the probes still running then).
 */
static bool
buckets_on_dns2(const cJSON *res, int *most)
{
	const cJSON *fault = cJSON_GetArrayItem(hs_get(res, "faults"), 0), *steps;
	double undo = hs_get(fault, "undo_us")->valuedouble, end;
	char path[192];
	long long t;
	unsigned n;
	bool seen = false;
	FILE *f;

	steps = hs_get(res, "steps");
	end =
	    hs_get(cJSON_GetArrayItem(steps, cJSON_GetArraySize(steps) - 1), "end_us")->valuedouble;
	snprintf(path, sizeof(path), "%s/buckets", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	*most = 0;
	while (fscanf(f, "%lld %u", &t, &n) == 2)
		if (t > undo && t < end) {
			seen |= n > 0;
			*most = (int)n > *most ? (int)n : *most;
		}
	fclose(f);
	return seen;
}

/* `ip -d nexthop show` in r's namespace (caller frees). */
static char *
nexthops_of_r(void)
{
	char cmd[256];
	int st;

	snprintf(cmd, sizeof(cmd), "ip -n %s-r -d nexthop show 2>&1", lab);
	return hs_output(cmd, &st);
}

static size_t
count_lines(const char *s, const char *with)
{
	size_t n = 0;

	for (const char *l = s; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);

		if (len && (with == NULL || memmem(l, len, with, strlen(with))))
			n++;
		l = e ? e + 1 : l + len;
	}
	return n;
}

/* r's anybgpd answer to VERB (anylab bgp r VERB --json), parsed. */
static cJSON *
ask_r(const char *verb)
{
	char cmd[1024], *out;
	cJSON *j;
	int st;

	snprintf(cmd, sizeof(cmd), "%s bgp -l %s --json r %s", bin, lab, verb);
	out = hs_output(cmd, &st);
	j = cJSON_Parse(out);
	cr_assert_not_null(j, "`%s`: %s", cmd, out);
	free(out);
	return j;
}

static struct figures
run_mode(const char *mode, bool tcp)
{
	bool resilient = strcmp(mode, "resilient") == 0;
	char topo[256], *nh, what[32];
	cJSON *res, *status, *fib, *p;
	struct figures fg;
	int st, most = 0;
	pid_t pid;

	snprintf(what, sizeof(what), "%s over %s", mode, tcp ? "TCP" : "UDP");
	write_topology(mode, tcp, topo, sizeof(topo));
	if (tcp && resilient)
		poller_start();
	res = hs_run(bin, topo, "fault", lab, dir, "--keep", &st);
	poller_stop();
	hs_assert_held(res, st, what);
	fg = count_moves(res, tcp);
	if (tcp && resilient)
		fg.dns2_buckets_in_run = buckets_on_dns2(res, &most);
	cJSON_Delete(res);

	/*
	 * Only dns2's session may have gone down: another one going down
	 * (a false BFD down on a loaded machine) moves clients by itself.
	 */
	status = ask_r("peers");
	cJSON_ArrayForEach(p, hs_get(status, "peers")) {
		const char *a = hs_field(p, "address");
		int want = strcmp(a, "10.96.0.2") == 0 ? 2 : 1;

		cr_assert_eq(hs_get(p, "established_count")->valueint, want,
		    "%s: session to %s established %d times, expected %d: the moves are not "
		    "only the FIB's",
		    mode, a, hs_get(p, "established_count")->valueint, want);
	}
	cJSON_Delete(status);
	status = ask_r("status");
	fib = cJSON_GetObjectItem(status, "fib");
	cr_assert_not_null(fib, "status has no fib");
	cr_assert_str_eq(hs_field(fib, "configured"), mode);
	cr_assert_str_eq(hs_field(fib, "mode"), mode, "fallback: %s",
	    cJSON_IsString(cJSON_GetObjectItem(fib, "fallback")) ?
		cJSON_GetObjectItem(fib, "fallback")->valuestring :
		"none");
	pid = (pid_t)hs_get(status, "pid")->valuedouble;
	cJSON_Delete(status);

	nh = nexthops_of_r();
	if (resilient) {
		cr_assert_eq(count_lines(nh, "type resilient buckets 128"), 1, "%s", nh);
		cr_assert_eq(count_lines(nh,
				 tcp ? "idle_timer " STR(IDLE_TIMER) " " : "idle_timer 120 "),
		    1, "%s", nh);
		cr_assert_eq(count_lines(nh, "proto bgp"), 5,
		    "one group and its four next hops, nothing left of dns2's first: %s", nh);
		cr_assert_eq(count_lines(nh, NULL), 5, "%s", nh);
	} else {
		cr_assert_eq(count_lines(nh, NULL), 0, "hash mode makes no nexthop object: %s", nh);
	}
	free(nh);

	/* r's speaker exits: its groups and next hops go with it. */
	cr_assert_eq(kill(pid, SIGTERM), 0);
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		usleep(50000);
	cr_assert_neq(kill(pid, 0), 0, "r's anybgpd (%d) still runs", (int)pid);
	nh = nexthops_of_r();
	cr_assert_eq(count_lines(nh, NULL), 0, "left after exit: %s", nh);
	free(nh);
	cr_assert_eq(hs_sh("%s down %s >/dev/null 2>&1", bin, lab), 0);
	fprintf(stderr,
	    "nhg %-9s %s seed %d: %d clients of %s (%d back on it after), collateral moves "
	    "during %d, after %d, of %d others\n",
	    mode, tcp ? "tcp" : "udp", seed, fg.affected, FAILED, fg.returned, fg.collateral_during,
	    fg.collateral_after, NCLIENTS - fg.affected);
	if (tcp)
		fprintf(stderr,
		    "nhg %-9s tcp seed %d: clients with broken connections: of %s during %d, at "
		    "fail-back %d; others during %d, at fail-back %d; before the fault %d; "
		    "connections broken during %d, at fail-back %d%s\n",
		    mode, seed, FAILED, fg.failed_broken_during, fg.failed_broken_back,
		    fg.others_broken_during, fg.others_broken_back, fg.broken_before,
		    fg.breaks_during, fg.breaks_back,
		    resilient ? (most ? "; dns2 got idle buckets" : "; dns2 got no bucket") : "");
	return fg;
}

/* Lines of `ip route show 198.18.0.53` in r's namespace with "nexthop via" (0: none). */
static int
route_paths(bool *nhid)
{
	char cmd[256], *out;
	int st, n;

	snprintf(cmd, sizeof(cmd), "ip -n %s-r route show 198.18.0.53 2>&1", lab);
	out = hs_output(cmd, &st);
	n = (int)count_lines(out, "nexthop via");
	if (nhid)
		*nhid = strstr(out, "nhid") != NULL;
	free(out);
	return n;
}

static bool
wait_paths(int n)
{
	for (int i = 0; i < 300; i++) {
		if (route_paths(NULL) == n)
			return true;
		usleep(50000);
	}
	return false;
}

static void
setup(void)
{
	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	hs_lab_dir("nh", "nhg", lab, sizeof(lab), dir, sizeof(dir));
	if (getenv("ANYLAB_NHG_SEED"))
		seed = (unsigned)strtoul(getenv("ANYLAB_NHG_SEED"), NULL, 10);
}

static void
teardown(void)
{
	poller_stop();
	hs_cleanup(bin, lab, dir);
}

TestSuite(nhg, .init = setup, .fini = teardown, .timeout = 180);

Test(nhg, resilient_keeps_flows_hash_moves_some)
{
	struct figures hash = run_mode("hash", false), res = run_mode("resilient", false);

	cr_assert_gt(hash.affected, 0, "no client was on " FAILED ": pick another seed");
	cr_assert_gt(res.affected, 0, "no client was on " FAILED ": pick another seed");
	cr_assert_eq(res.collateral_during, 0, "resilient moved %d others during the fault",
	    res.collateral_during);
	cr_assert_eq(res.collateral_after, 0, "resilient moved %d others at fail-back",
	    res.collateral_after);
	cr_assert_gt(hash.collateral_during, res.collateral_during,
	    "hash-threshold moved no other client: the comparison shows nothing");
	cr_assert_eq(hash.collateral_after, 0, "hash-threshold: everyone back after the return");
	cr_assert_eq(hash.returned, hash.affected);
}

Test(nhg, refused_object_falls_back_to_plain_routes)
{
	uint32_t first = 186u << 24;
	char topo[256], cmd[1024], *nh, *out;
	const cJSON *fib;
	cJSON *status;
	bool nhid;
	int st;

	write_topology("resilient", false, topo, sizeof(topo));
	cr_assert_eq(hs_sh("%s up %s >/dev/null 2>&1", bin, topo), 0, "anylab up");
	cr_assert(wait_paths(4), "no route with four next hops");
	route_paths(&nhid);
	cr_assert(nhid, "the route names a group");
	/*
	 * The speaker's ids so far: first+1, +2 (its start-up probe), +3..+7
	 * (four next hops and the group). Someone else takes the next ones.
	 */
	for (uint32_t id = first + 8; id < first + 40; id++)
		cr_assert_eq(hs_sh("ip -n %s-r nexthop add id %u blackhole proto static", lab, id),
		    0);
	cr_assert_eq(hs_sh("%s bgp -l %s dns2 withdraw 198.18.0.53/32 >/dev/null", bin, lab), 0);
	cr_assert(wait_paths(3), "dns2's path did not go");
	cr_assert_eq(hs_sh("%s bgp -l %s dns2 announce 198.18.0.53/32 >/dev/null", bin, lab), 0);
	cr_assert(wait_paths(4), "dns2's path did not come back");
	for (int i = 0; i < 100; i++) {
		route_paths(&nhid);
		if (!nhid)
			break;
		usleep(50000);
	}
	cr_assert_not(nhid, "still a route naming a group");

	status = ask_r("status");
	fib = hs_get(status, "fib");
	cr_assert_str_eq(hs_field(fib, "configured"), "resilient");
	cr_assert_str_eq(hs_field(fib, "mode"), "hash");
	cr_assert_not_null(strstr(hs_field(fib, "fallback"), "refused a nexthop object"), "%s",
	    hs_field(fib, "fallback"));
	cr_assert_eq(hs_get(fib, "groups")->valueint, 0);
	cJSON_Delete(status);
	snprintf(cmd, sizeof(cmd), "%s bgp -l %s r status", bin, lab);
	out = hs_output(cmd, &st);
	cr_assert_not_null(strstr(out,
			       "fib: resilient configured, plain multipath routes installed"),
	    "%s", out);
	free(out);

	nh = nexthops_of_r();
	cr_assert_eq(count_lines(nh, "proto bgp"), 0, "ours deleted: %s", nh);
	cr_assert_eq(count_lines(nh, "proto static"), 32, "the others' all there: %s", nh);
	free(nh);
	cr_assert_eq(hs_sh("%s down %s >/dev/null 2>&1", bin, lab), 0);
}

Test(nhg, tcp_resilient_breaks_only_the_failed_instances_connections)
{
	struct figures hash = run_mode("hash", true), res = run_mode("resilient", true);

	cr_assert_gt(hash.affected, 0, "no client was on " FAILED ": pick another seed");
	cr_assert_gt(res.affected, 0, "no client was on " FAILED ": pick another seed");
	/* A break is a flow moved to another instance, and nothing else. */
	cr_assert_eq(hash.broken_before + res.broken_before, 0,
	    "connections broke before the fault (hash %d, resilient %d clients): the lab was not "
	    "steady",
	    hash.broken_before, res.broken_before);
	cr_assert_eq(hash.break_not_move, 0, "hash: breaks and moves disagree: %s", hash.mismatch);
	cr_assert_eq(res.break_not_move, 0, "resilient: breaks and moves disagree: %s",
	    res.mismatch);

	/* RFC 4786 4.4.3 with a resilient group: only DNS2's clients lose theirs. */
	cr_assert_eq(res.failed_broken_during, res.affected,
	    "resilient: %d of %d clients of " FAILED " kept a connection to a server that went "
	    "away",
	    res.affected - res.failed_broken_during, res.affected);
	cr_assert_eq(res.others_broken_during, 0,
	    "resilient broke the connections of %d other clients during the fault",
	    res.others_broken_during);
	cr_assert_eq(res.others_broken_back, 0,
	    "resilient broke the connections of %d other clients at fail-back",
	    res.others_broken_back);
	/*
	 * At fail-back dns2 gets buckets nobody used for IDLE_TIMER s, while the
	 * probes run; a busy bucket stays, so no connection breaks then, not
	 * even of DNS2's former clients (they stay where they failed over to).
	 */
	cr_assert(res.dns2_buckets_in_run,
	    "resilient: dns2's next hop had no bucket after its return while the probes ran: "
	    "the idle timer was not put to the test");
	cr_assert_eq(res.failed_broken_back, 0,
	    "resilient: %d of DNS2's former clients moved at fail-back, their buckets busy",
	    res.failed_broken_back);
	cr_assert_eq(res.returned, 0);

	/*
	 * Hash-threshold, for the seed pinned: the others it moves lose their
	 * connections when they move and again when they move back, and every
	 * client of DNS2 twice (its return takes them back).
	 */
	cr_assert_gt(hash.others_broken_during, 0,
	    "hash-threshold broke no other client's connection: the comparison shows nothing");
	cr_assert_eq(hash.others_broken_during, hash.collateral_during);
	cr_assert_eq(hash.others_broken_back, hash.collateral_during);
	cr_assert_eq(hash.failed_broken_during, hash.affected);
	cr_assert_eq(hash.failed_broken_back, hash.affected);
	cr_assert_eq(hash.returned, hash.affected);
}
