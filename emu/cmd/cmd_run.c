/*
 * anylab run TOPOLOGY --scenario NAME: the scenario runner. Brings the lab
 * up unless it is up, starts a DNS probe in every client the scenario
 * names (and captures when asked), runs the steps in order (actions through
 * fault.c, expectations polled against the probe logs, the kernel's routes
 * and the speakers' control sockets until they hold or time out), then
 * measures, writes results (JSON, SVG, JUnit) and takes the lab down unless
 * --keep. Exit 0 only when every expectation held. docs/scenarios.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "anylab.h"
#include "capture.h"
#include "cmds.h"
#include "ctl.h"
#include "kind.h"
#include "fault.h"
#include "lab.h"
#include "log.h"
#include "measure.h"
#include "probe.h"
#include "results.h"
#include "scenario.h"
#include "state.h"
#include "timeline_svg.h"
#include "topo.h"

#define POLL_US		20000	/* expectations are checked every 20 ms */

static volatile sig_atomic_t run_interrupted;

struct runner {
	const char		*lab;
	struct topology		*topo;
	struct scenario		*scn;
	struct run_result	 res;
	struct probe_log	*logs;
	struct probe_reader	*readers;
	pid_t			*probes;
	int64_t			 last_fault_us;	/* end of the latest fault action, 0: none */
	bool			 verbose;
};

static void
run_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab run TOPOLOGY --scenario NAME [--junit FILE] [--json] [--out DIR]\n"
	    "                  [--keep] [--capture DIR] [--name LAB] [--verbose]\n"
	    "                  [--kind [NODE.]bgp|dns=KIND]...\n"
	    "  Run scenario NAME (from TOPOLOGY's \"scenarios\" or the file beside it,\n"
	    "  TOPOLOGY.scenarios.json): bring the lab up unless it is up, probe the\n"
	    "  clients, apply the steps, print the result, write results.json and\n"
	    "  timeline.svg into a new directory under DIR, take the lab down.\n"
	    "  Exit status 0 only when every expectation held; 1 when one failed or an\n"
	    "  action could not be applied.\n"
	    "  --scenario NAME  the scenario to run (required)\n"
	    "  --junit FILE     also write JUnit XML to FILE\n"
	    "  --json           print the results JSON instead of the table\n"
	    "  --out DIR        where the run's directory goes (default: anylab-results)\n"
	    "  --keep           leave the lab up afterwards\n"
	    "  --capture DIR    capture every interface of every node into\n"
	    "                   DIR/LAB-NODE-IFACE.pcap while the scenario runs\n"
	    "  --name LAB       use LAB instead of the topology's lab name\n"
	    "  --verbose        each step on standard error as it completes\n"
	    "  --kind [NODE.]bgp=KIND, --kind [NODE.]dns=KIND\n"
	    "                   run the lab's speakers or responders (all, or NODE's) as\n"
	    "                   KIND, as `anylab up --kind` does; repeatable\n");
}

static void
on_interrupt(int sig)
{
	(void)sig;
	run_interrupted = 1;
}


static void
read_logs(struct runner *r)
{
	for (size_t c = 0; c < r->res.nclients; c++) {
		if (r->readers[c].fd < 0) {
			/* The child creates the log; it may not exist yet. */
			if (probe_reader_open(&r->readers[c], r->res.clients[c].log_path) < 0) {
				r->readers[c].fd = -1;
				continue;
			}
		}
		if (probe_reader_poll(&r->readers[c], &r->logs[c]) > 0)
			probe_log_sort(&r->logs[c]);
	}
}

/* Sleep until t (realtime us) while reading the logs; false when interrupted. */
static bool
wait_until(struct runner *r, int64_t t)
{
	for (;;) {
		int64_t left = t - emu_now_rt_us();

		read_logs(r);
		if (run_interrupted)
			return false;
		if (left <= 0)
			return true;
		usleep((useconds_t)(left < POLL_US ? left : POLL_US));
	}
}

/*
 * The clients a step is about: its list, or the clients answered by
 * clients_of just before the latest fault (before the step, when no fault
 * came yet), or every probed client. Returns how many were selected.
 */
static size_t
select_clients(struct runner *r, const struct scn_step *st, int64_t step_start, bool *sel)
{
	size_t n = 0;

	for (size_t c = 0; c < r->res.nclients; c++) {
		char inst[SCN_INST_MAX];

		sel[c] = false;
		if (st->clients.n) {
			for (size_t k = 0; k < st->clients.n; k++)
				sel[c] |= strcmp(st->clients.names[k], r->res.clients[c].name) == 0;
		} else {
			sel[c] = true;
		}
		if (sel[c] && st->clients.of[0]) {
			meas_before(&r->logs[c], r->last_fault_us ? r->last_fault_us : step_start,
			    inst);
			sel[c] = strcmp(inst, st->clients.of) == 0;
		}
		n += sel[c];
	}
	return n;
}

static void
describe_selection(struct runner *r, const bool *sel, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t c = 0; c < r->res.nclients && used < len; c++)
		if (sel[c])
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			    r->res.clients[c].name);
}

/* answered / instances: evaluate once on the logs. */
static bool
check_answers(struct runner *r, const struct scn_step *st, const bool *sel, int64_t since,
    char *detail, size_t len)
{
	char got[SCN_MAX_CLIENTS][SCN_INST_MAX];
	size_t used = 0;
	bool ok = true;

	for (size_t c = 0; c < r->res.nclients; c++) {
		if (!sel[c])
			continue;
		if (!meas_latest(&r->logs[c], since, got[c])) {
			ok = false;
			used += (size_t)snprintf(detail + used, len - used, "%s%s: no answer",
			    used ? "; " : "", r->res.clients[c].name);
			continue;
		}
		if (st->kind == SCN_ANSWERED) {
			bool good = st->by[0] ? strcmp(got[c], st->by) == 0 :
			    strcmp(got[c], st->not_by) != 0;

			ok &= good;
		}
		used += (size_t)snprintf(detail + used, len - used, "%s%s: %s", used ? "; " : "",
		    r->res.clients[c].name, got[c]);
		if (used >= len)
			used = len - 1;
	}
	if (ok && st->kind == SCN_INSTANCES) {
		/* The set of latest instances equals the expected set. */
		for (size_t k = 0; k < st->nset && ok; k++) {
			bool found = false;

			for (size_t c = 0; c < r->res.nclients; c++)
				found |= sel[c] && strcmp(got[c], st->set[k]) == 0;
			ok = found;
		}
		for (size_t c = 0; c < r->res.nclients && ok; c++) {
			bool found = false;

			if (!sel[c])
				continue;
			for (size_t k = 0; k < st->nset; k++)
				found |= strcmp(got[c], st->set[k]) == 0;
			ok = found;
		}
	}
	return ok;
}

struct nh_query {
	const struct prefix	*pfx;
	int			 count;	/* -1: no route */
	int			 err;
};

static int
count_nexthops_in_ns(void *arg)
{
	struct nh_query *q = arg;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	struct nl_object *obj;

	q->count = -1;
	if (sk == NULL || nl_connect(sk, NETLINK_ROUTE) < 0) {
		q->err = -NLE_NOMEM;
		goto out;
	}
	q->err = rtnl_route_alloc_cache(sk, q->pfx->addr.family, 0, &cache);
	if (q->err < 0)
		goto out;
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *rt = (struct rtnl_route *)obj;
		struct nl_addr *dst = rtnl_route_get_dst(rt);

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || dst == NULL ||
		    nl_addr_get_prefixlen(dst) != q->pfx->len ||
		    nl_addr_get_len(dst) != ipaddr_size(q->pfx->addr.family) ||
		    memcmp(nl_addr_get_binary_addr(dst), q->pfx->addr.bytes,
		    ipaddr_size(q->pfx->addr.family)) != 0)
			continue;
		q->count = rtnl_route_get_nnexthops(rt);
		break;
	}
out:
	if (cache)
		nl_cache_free(cache);
	if (sk)
		nl_socket_free(sk);
	return 0;
}

static bool
check_nexthops(struct runner *r, const struct scn_step *st, char *detail, size_t len)
{
	struct nh_query q = { .pfx = &st->prefix };
	char pb[PREFIX_STRLEN];
	int e = lab_run_in(r->lab, st->node, count_nexthops_in_ns, &q);

	prefix_ntop(&st->prefix, pb, sizeof(pb));
	if (e < 0 || q.err < 0) {
		snprintf(detail, len, "cannot read %s's routes: %s", st->node,
		    e < 0 ? strerror(-e) : nl_geterror(q.err));
		return false;
	}
	if (q.count < 0)
		snprintf(detail, len, "%s has no route to %s", st->node, pb);
	else
		snprintf(detail, len, "%s: %s has %d next hop%s", st->node, pb, q.count,
		    q.count == 1 ? "" : "s");
	return (q.count < 0 ? 0 : q.count) == (int)st->count;
}

/* The peer's state from the speaker's `peers` (nodes/bgp/control.c). */
static bool
check_session(struct runner *r, const struct scn_step *st, char *detail, size_t len)
{
	char ab[IPADDR_STRLEN];
	const char *state = NULL;
	const cJSON *peers, *p;
	struct kind_node k;
	cJSON *j = NULL;
	bool ok;
	int e;

	ipaddr_ntop(&st->peer, ab, sizeof(ab));
	e = kind_node_find(r->lab, r->topo, st->node, "bgp", &k);
	if (e == 0)
		e = k.kind->bgp_peers(&k, &j);
	if (e < 0) {
		snprintf(detail, len, "%s's speaker does not answer: %s", st->node,
		    emu_strerror(e));
		cJSON_Delete(j);
		return false;
	}
	peers = cJSON_GetObjectItem(j, "peers");
	cJSON_ArrayForEach(p, peers) {
		const cJSON *a = cJSON_GetObjectItem(p, "address");
		const cJSON *s = cJSON_GetObjectItem(p, "state");
		struct ipaddr addr;

		if (cJSON_IsString(a) && cJSON_IsString(s) &&
		    ipaddr_parse(a->valuestring, &addr) == 0 &&
		    ipaddr_eq(&addr, &st->peer))
			state = s->valuestring;
	}
	if (state == NULL) {
		snprintf(detail, len, "%s has no peer %s", st->node, ab);
		ok = st->state == SCN_SS_DOWN;
	} else {
		snprintf(detail, len, "%s: session to %s %s", st->node, ab, state);
		if (st->state == SCN_SS_DOWN)
			ok = strcasecmp(state, "established") != 0;
		else
			ok = strcasecmp(state, scn_session_state_names[st->state]) == 0;
	}
	cJSON_Delete(j);
	return ok;
}

static int64_t
label_time(struct runner *r, const char *label)
{
	for (size_t i = 0; i < r->scn->nsteps; i++)
		if (strcmp(r->scn->steps[i].label, label) == 0 &&
		    r->res.steps[i].status != RES_NOT_RUN)
			return r->res.steps[i].end_us;
	return r->res.start_us;
}

static enum res_status
run_expectation(struct runner *r, size_t idx)
{
	const struct scn_step *st = &r->scn->steps[idx];
	struct res_step *rs = &r->res.steps[idx];
	bool sel[SCN_MAX_CLIENTS] = { false };
	int64_t start = rs->start_us, timeout_us = (int64_t)r->scn->probe.timeout_ms * 1000;
	int64_t deadline = start + (int64_t)st->within_ms * 1000;
	char names[256];
	size_t nsel = 0;

	if (st->kind != SCN_NEXTHOPS && st->kind != SCN_SESSION) {
		read_logs(r);	/* the selection looks at answers up to this step */
		nsel = select_clients(r, st, start, sel);
		describe_selection(r, sel, names, sizeof(names));
		if (nsel == 0) {
			snprintf(rs->detail, sizeof(rs->detail), "no client %s%s",
			    st->clients.of[0] ? "was answered by " : "selected",
			    st->clients.of[0] ? st->clients.of : "");
			if (st->clients.of[0])
				strncat(rs->detail, r->last_fault_us ? " before the fault" :
				    " at this step", sizeof(rs->detail) - strlen(rs->detail) - 1);
			rs->end_us = emu_now_rt_us();
			return RES_FAIL;
		}
	}
	switch (st->kind) {
	case SCN_LOST: {
		int64_t from = st->since ? label_time(r, st->since) :
		    r->last_fault_us ? r->last_fault_us : r->res.start_us;
		uint64_t lost = 0, sent = 0;

		/* Let every query sent before this step be answered or time out. */
		if (!wait_until(r, start + timeout_us + 200000))
			return RES_NOT_RUN;
		for (size_t c = 0; c < r->res.nclients; c++) {
			if (!sel[c])
				continue;
			lost += meas_lost(&r->logs[c], from, start);
			sent += meas_lost(&r->logs[c], from, start) +
			    meas_answered(&r->logs[c], from, start);
		}
		rs->end_us = emu_now_rt_us();
		snprintf(rs->detail, sizeof(rs->detail), "%s: %" PRIu64 " of %" PRIu64
		    " queries lost in %.3f s", names, lost, sent, (double)(start - from) / 1e6);
		if (st->lost_min >= 0 && lost < (uint64_t)st->lost_min)
			return RES_FAIL;
		if (st->lost_max >= 0 && lost > (uint64_t)st->lost_max)
			return RES_FAIL;
		return RES_PASS;
	}
	case SCN_NO_ANSWER: {
		int64_t end = start + (int64_t)st->duration_ms * 1000;
		uint64_t answered = 0, lost = 0;

		if (!wait_until(r, end + timeout_us + 200000))
			return RES_NOT_RUN;
		for (size_t c = 0; c < r->res.nclients; c++) {
			if (!sel[c])
				continue;
			answered += meas_answered(&r->logs[c], start, end);
			lost += meas_lost(&r->logs[c], start, end);
		}
		rs->end_us = end;
		snprintf(rs->detail, sizeof(rs->detail), "%s: %" PRIu64 " answered, %" PRIu64
		    " lost in %.3f s", names, answered, lost, (double)st->duration_ms / 1000.0);
		return answered == 0 && lost > 0 ? RES_PASS : RES_FAIL;
	}
	default:
		break;
	}
	/* Poll until it holds or the time is up (at least one look even with within 0). */
	for (;;) {
		bool ok;
		int64_t now;

		read_logs(r);
		if (st->kind == SCN_NEXTHOPS)
			ok = check_nexthops(r, st, rs->detail, sizeof(rs->detail));
		else if (st->kind == SCN_SESSION)
			ok = check_session(r, st, rs->detail, sizeof(rs->detail));
		else
			ok = check_answers(r, st, sel, start, rs->detail, sizeof(rs->detail));
		now = emu_now_rt_us();
		if (ok) {
			size_t n = strlen(rs->detail);

			rs->end_us = now;
			snprintf(rs->detail + n, sizeof(rs->detail) - n, " (after %.3f s)",
			    (double)(now - start) / 1e6);
			return RES_PASS;
		}
		if (now >= deadline || run_interrupted) {
			size_t n = strlen(rs->detail);

			rs->end_us = now;
			snprintf(rs->detail + n, sizeof(rs->detail) - n, " (still after %.3f s)",
			    (double)(now - start) / 1e6);
			return run_interrupted ? RES_NOT_RUN : RES_FAIL;
		}
		usleep(POLL_US);
	}
}

/*
 * Before the first step: every client's probe has an answer (the catchment
 * before any fault), or the probe timeout and a second more have passed.
 */
static int
settle(struct runner *r)
{
	int64_t deadline = emu_now_rt_us() + (int64_t)r->scn->probe.timeout_ms * 1000 + 1000000;

	while (!run_interrupted && emu_now_rt_us() < deadline) {
		size_t ready = 0;

		read_logs(r);
		for (size_t c = 0; c < r->res.nclients; c++) {
			int status;

			if (waitpid(r->probes[c], &status, WNOHANG) == r->probes[c]) {
				/* It said why on standard error. */
				snprintf(r->res.error, sizeof(r->res.error),
				    "the probe of %s exited before the first step",
				    r->res.clients[c].name);
				r->probes[c] = 0;
				return -1;
			}
			ready += meas_answered(&r->logs[c], 0, INT64_MAX) > 0;
		}
		if (ready == r->res.nclients)
			return 0;
		usleep(POLL_US);
	}
	return 0;
}

static void
run_steps(struct runner *r)
{
	for (size_t i = 0; i < r->scn->nsteps; i++) {
		const struct scn_step *st = &r->scn->steps[i];
		struct res_step *rs = &r->res.steps[i];

		if (run_interrupted)
			break;
		rs->start_us = emu_now_rt_us();
		if (st->kind == SCN_WAIT) {
			if (!wait_until(r, rs->start_us + (int64_t)st->duration_ms * 1000))
				break;
			rs->status = RES_DONE;
			rs->end_us = emu_now_rt_us();
		} else if (scn_is_action(st->kind)) {
			int f = fault_apply(r->lab, r->topo, st, rs->detail, sizeof(rs->detail));

			rs->end_us = emu_now_rt_us();
			rs->status = f == FAULT_OK ? RES_DONE : f == FAULT_UNSUPPORTED ?
			    RES_UNSUPPORTED : RES_ERROR;
			if (f == FAULT_OK && scn_undo_kind(st->kind) >= 0)
				r->last_fault_us = rs->end_us;
		} else {
			rs->status = run_expectation(r, i);
			if (rs->status == RES_NOT_RUN)
				break;
		}
		if (r->verbose)
			fprintf(stderr, "anylab run: %2zu %-6s %s: %s\n", i + 1,
			    res_status_names[rs->status], st->label, rs->detail);
		if (rs->status == RES_ERROR) {
			/* Nothing after a failed action means what the scenario says. */
			break;
		}
	}
}

static int
write_file(const char *path, const struct strbuf *sb)
{
	FILE *f = fopen(path, "we");
	int ok;

	if (f == NULL)
		return -errno;
	ok = fwrite(sb_str(sb), 1, sb->len, f) == sb->len;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}


static int
start_probes(struct runner *r, const char rundir[384])
{
	const struct scn_probe *pr = &r->scn->probe;

	for (size_t c = 0; c < r->res.nclients; c++) {
		const struct topo_node *n = topo_node_find(r->topo, pr->clients[c]);
		struct probe_cfg cfg = { .port = pr->port, .qname = pr->qname, .qtype = pr->qtype,
		    .identity = pr->identity, .rate = pr->rate, .timeout_ms = pr->timeout_ms };

		r->res.clients[c].name = pr->clients[c];
		snprintf(r->res.clients[c].log_path, sizeof(r->res.clients[c].log_path),
		    "%s/probe-%s.log", rundir, pr->clients[c]);
		snprintf(cfg.log_path, sizeof(cfg.log_path), "%s", r->res.clients[c].log_path);
		snprintf(cfg.client, sizeof(cfg.client), "%s", pr->clients[c]);
		lab_ns_name(r->lab, pr->clients[c], cfg.netns, sizeof(cfg.netns));
		cfg.server = pr->server;
		if (cfg.server.family == 0) {
			if (n == NULL || n->nresolvers == 0) {
				emu_err("client %s has no resolver and the probe names no server",
				    pr->clients[c]);
				return -1;
			}
			cfg.server = n->resolvers[0];
		}
		probe_log_init(&r->logs[c], pr->clients[c]);
		r->readers[c].fd = -1;
		r->probes[c] = probe_start(&cfg);
		if (r->probes[c] < 0) {
			emu_err("probe %s: %s", pr->clients[c], strerror((int)-r->probes[c]));
			r->probes[c] = 0;
			return -1;
		}
	}
	return 0;
}

static void
stop_probes(struct runner *r)
{
	for (size_t c = 0; c < r->res.nclients; c++) {
		if (r->probes[c] > 0 && probe_stop(r->probes[c], r->scn->probe.timeout_ms) < 0)
			emu_err("probe %s did not end cleanly", r->res.clients[c].name);
		r->probes[c] = 0;
	}
	read_logs(r);
	for (size_t c = 0; c < r->res.nclients; c++) {
		if (r->readers[c].fd >= 0)
			probe_reader_close(&r->readers[c]);
		probe_log_sort(&r->logs[c]);
	}
}

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", no_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "keep", no_argument, NULL, 'k' },
		{ "capture", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "kind", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scn_name = NULL, *junit = NULL, *outdir = "anylab-results", *capdir = NULL;
	const char *name = NULL;
	bool json = false, keep = false, brought_up = false;
	struct runner r = { 0 };
	struct cfg_errors errs;
	struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_term;
	struct capture_target *caps = NULL;
	pid_t cap_pid = 0;
	char rundir[384], stamp[32], err[400], *kinds[CMD_KINDS_MAX], msg[KIND_MSG_MAX];
	size_t nkinds = 0;
	struct strbuf sb = STRBUF_INIT;
	time_t now;
	struct tm tm;
	int c, rc = EXIT_OK, ncaps = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "s:J:jo:kc:n:vK:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			scn_name = optarg;
			break;
		case 'J':
			junit = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'c':
			capdir = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'v':
			r.verbose = true;
			break;
		case 'K':
			if (nkinds == CMD_KINDS_MAX) {
				fprintf(stderr, "anylab run: at most %d --kind\n", CMD_KINDS_MAX);
				return EXIT_USAGE;
			}
			kinds[nkinds++] = optarg;
			break;
		case 'h':
			run_usage(stdout);
			return EXIT_OK;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || scn_name == NULL) {
		run_usage(stderr);
		return EXIT_USAGE;
	}
	if (topo_load(argv[optind], &r.topo, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: %s: invalid topology, nothing was created\n",
		    argv[optind]);
		return EXIT_INVALID;
	}
	if (kind_override(r.topo, kinds, nkinds, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "anylab run: %s\n", msg);
		topo_free(r.topo);
		return EXIT_USAGE;
	}
	if (lab_check_sections(r.topo, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: %s: invalid topology, nothing was created\n",
		    argv[optind]);
		topo_free(r.topo);
		return EXIT_INVALID;
	}
	if (scenario_load(r.topo, scn_name, &r.scn, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: scenario %s: invalid, nothing was run\n", scn_name);
		topo_free(r.topo);
		return EXIT_INVALID;
	}
	r.lab = name ? name : r.topo->name;
	if (geteuid() != 0) {
		emu_err("run needs root (network namespaces)");
		rc = EXIT_NOPRIV;
		goto out_scn;
	}

	/* Where this run's files go: OUT/LAB-SCENARIO-YYYYMMDDTHHMMSS/. */
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(rundir, sizeof(rundir), "%s/%s-%s-%s", outdir, r.lab, scn_name, stamp);
	if (emu_mkdir_p(rundir, 0755) < 0 || (capdir && emu_mkdir_p(capdir, 0755) < 0)) {
		emu_err("%s: %s", capdir && access(rundir, F_OK) == 0 ? capdir : rundir,
		    strerror(errno));
		rc = EXIT_FAIL;
		goto out_scn;
	}

	if (!state_exists(r.lab)) {
		struct lab_up_opts uo = { .name = name, .quiet = json || !isatty(2) };
		struct lab_up_result ur;

		rc = lab_up(r.topo, &uo, &ur);
		if (rc != 0)
			goto out_scn;
		brought_up = true;
	} else if (!r.verbose && !json) {
		fprintf(stderr, "anylab run: lab %s is up already; running on it\n", r.lab);
	}

	run_interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	r.res.lab = r.lab;
	r.res.topology = r.topo->file;
	r.res.scenario = r.scn;
	r.res.steps = calloc(r.scn->nsteps ? r.scn->nsteps : 1, sizeof(*r.res.steps));
	r.res.nclients = r.scn->probe.nclients;
	r.res.clients = calloc(r.res.nclients ? r.res.nclients : 1, sizeof(*r.res.clients));
	r.logs = calloc(r.res.nclients ? r.res.nclients : 1, sizeof(*r.logs));
	r.readers = calloc(r.res.nclients ? r.res.nclients : 1, sizeof(*r.readers));
	r.probes = calloc(r.res.nclients ? r.res.nclients : 1, sizeof(*r.probes));
	if (!r.res.steps || !r.res.clients || !r.logs || !r.readers || !r.probes)
		fatal("out of memory");
	for (size_t i = 0; i < r.scn->nsteps; i++) {
		r.res.steps[i].step = &r.scn->steps[i];
		r.res.steps[i].status = RES_NOT_RUN;
	}

	if (capdir) {
		struct capture_opts co = { 0 };

		ncaps = capture_targets_all(r.lab, r.topo, capdir, &caps, err, sizeof(err));
		if (ncaps > 0)
			cap_pid = capture_start(caps, (size_t)ncaps, &co, err, sizeof(err));
		if (ncaps <= 0 || cap_pid < 0) {
			snprintf(r.res.error, sizeof(r.res.error), "capture: %s", err);
			emu_err("capture: %s", err);
			cap_pid = 0;
			rc = EXIT_FAIL;
		} else {
			r.res.captures = calloc((size_t)ncaps, sizeof(char *));
			for (int i = 0; i < ncaps && r.res.captures; i++)
				r.res.captures[r.res.ncaptures++] = strdup(caps[i].file);
		}
	}
	r.res.start_us = emu_now_rt_us();
	if (rc == EXIT_OK && start_probes(&r, rundir) < 0) {
		snprintf(r.res.error, sizeof(r.res.error), "the probes could not start");
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK && settle(&r) < 0) {
		emu_err("%s", r.res.error);
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK)
		run_steps(&r);
	if (run_interrupted)
		snprintf(r.res.error, sizeof(r.res.error), "interrupted");
	r.res.end_us = emu_now_rt_us();
	stop_probes(&r);
	if (cap_pid > 0 && capture_stop(cap_pid) < 0)
		emu_err("the capture did not end cleanly");

	/* Measure and report. */
	r.res.passed = rc == EXIT_OK && !run_interrupted;
	for (size_t i = 0; i < r.scn->nsteps; i++) {
		enum res_status s = r.res.steps[i].status;

		if (s == RES_FAIL || s == RES_ERROR || s == RES_UNSUPPORTED || s == RES_NOT_RUN)
			r.res.passed = false;
	}
	for (size_t k = 0; k < r.res.nclients; k++)
		meas_totals(&r.logs[k], r.res.start_us, r.res.end_us, &r.res.clients[k].totals);
	results_measure(&r.res, r.logs);
	snprintf(r.res.json_path, sizeof(r.res.json_path), "%s/results.json", rundir);
	snprintf(r.res.svg_path, sizeof(r.res.svg_path), "%s/timeline.svg", rundir);
	if (junit)
		snprintf(r.res.junit_path, sizeof(r.res.junit_path), "%s", junit);
	timeline_svg(&r.res, r.logs, &sb);
	if (write_file(r.res.svg_path, &sb) < 0)
		emu_err("%s: %s", r.res.svg_path, strerror(errno));
	sb_reset(&sb);
	if (junit) {
		results_junit(&r.res, &sb);
		if (write_file(junit, &sb) < 0)
			emu_err("%s: %s", junit, strerror(errno));
		sb_reset(&sb);
	}
	results_json(&r.res, &sb);
	if (write_file(r.res.json_path, &sb) < 0)
		emu_err("%s: %s", r.res.json_path, strerror(errno));
	if (json) {
		fputs(sb_str(&sb), stdout);
	} else {
		results_table(&r.res, stdout);
		printf("results: %s\ntimeline: %s\n", r.res.json_path, r.res.svg_path);
		if (junit)
			printf("junit: %s\n", junit);
		if (r.res.ncaptures)
			printf("captures: %s/%s-*.pcap (%zu files)\n", capdir, r.lab,
			    r.res.ncaptures);
	}
	fflush(stdout);
	sb_free(&sb);
	if (rc == EXIT_OK && !r.res.passed)
		rc = EXIT_FAIL;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (!keep) {
		int drc = lab_down(r.lab, true);

		if (drc != 0 && rc == EXIT_OK)
			rc = drc;
	} else if (!json) {
		printf("lab %s kept up (anylab down %s)\n", r.lab, r.lab);
	}
	(void)brought_up;
	for (size_t k = 0; k < r.res.nclients; k++)
		probe_log_free(&r.logs[k]);
	free(r.logs);
	free(r.readers);
	free(r.probes);
	free(caps);
	results_free(&r.res);
out_scn:
	scenario_free(r.scn);
	topo_free(r.topo);
	return rc;
}
