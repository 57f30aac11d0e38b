/*
 * The scenario runner (runner.h): the lab, the probes and captures, the
 * steps in order with their timing (expectations are judged in expect.c,
 * actions applied by fault.c), the measurements and the run's files; and
 * the guard process that takes the lab down when the runner crashes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anylab.h"
#include "capture.h"
#include "catchment_svg.h"
#include "expect.h"
#include "fault.h"
#include "fileio.h"
#include "lab.h"
#include "log.h"
#include "measure.h"
#include "probe.h"
#include "prober.h"
#include "report.h"
#include "runner.h"
#include "state.h"
#include "strbuf.h"
#include "textbuf.h"
#include "timeline_svg.h"

#define POLL_US		   20000 /* expectations are checked every 20 ms */
#define REPORT_GRAPH_MS	   15000 /* the most `anylab graph` may take for the report */
/* Above this many nodes dot takes longer than that (3,000 nodes: 3.4 s here; 10,000: minutes). */
#define REPORT_GRAPH_NODES 4000
#define RUN_DIR_TRIES	   100 /* LAB-SCENARIO-STAMP, then -2 ... -100 in the same second */

struct runner {
	const char *lab;
	struct topology *topo;
	const struct scenario *scn;
	struct run_result res;
	struct probe_log *logs; /* one per client, filled from the prober's log */
	struct probe_reader reader;
	char log_path[512];
	pid_t prober;
	int64_t last_fault_us; /* start of the latest fault action, 0: none */
	bool verbose;
	struct expect_sites *sites; /* clients' and instances' sites, during run_steps */
};

static volatile sig_atomic_t run_interrupted;

/* The guard's side (runner_guard): the child it waits for, and the child's "ended" flag. */
static volatile sig_atomic_t guard_child;
static volatile int *guard_settled; /* shared page: set by runner_end in the child */

static void on_interrupt(int sig);
static void guard_forward(int sig);
static void read_logs(struct runner *);
static bool wait_until(struct runner *, int64_t t);
static int64_t label_time(struct runner *, const char *label);
static int settle(struct runner *);
static void run_steps(struct runner *);
static int write_file(int dirfd, const char *path, enum file_how, const struct strbuf *sb);
static int start_probes(struct runner *, const char rundir[384]);
static void stop_probes(struct runner *);
static void run_error(struct runner *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct expect_view runner_view(const struct runner *);
static enum res_status action_status(int err);
static enum res_status run_expectation(struct runner *, size_t idx);
static enum res_status judge(struct runner *, size_t idx, bool *sel);
static int make_run_dir(const struct runner_opts *, char *rundir, size_t len);
static int write_files(struct runner *, const struct runner_opts *, const char *rundir, int dirfd);

static void
on_interrupt(int sig)
{
	(void)sig;
	run_interrupted = 1;
}

/* A setup failure, in the results' error. */
static void
run_error(struct runner *r, const char *fmt, ...)
{
	struct textbuf tb;
	va_list ap;

	tb_init(&tb, r->res.error, sizeof(r->res.error));
	va_start(ap, fmt);
	tb_vprintf(&tb, fmt, ap);
	va_end(ap);
}

static struct expect_view
runner_view(const struct runner *r)
{
	return (struct expect_view){ .lab = r->lab,
		.topo = r->topo,
		.clients = r->res.clients,
		.logs = r->logs,
		.nclients = r->res.nclients,
		.last_fault_us = r->last_fault_us,
		.sites = r->sites };
}

/* An action's outcome: unsupported only when the kernel lacks what it needs. */
static enum res_status
action_status(int err)
{
	if (err == 0)
		return RES_DONE;
	return err == EMU_EUNSUPPORTED ? RES_UNSUPPORTED : RES_ERROR;
}

/* The prober's new lines, each into its client's log (kept in send order). */
static void
read_logs(struct runner *r)
{
	if (r->res.nclients == 0)
		return;
	/* The prober creates the log; it may not exist yet. */
	if (r->reader.fd < 0 &&
	    probe_reader_open(&r->reader, r->log_path, r->logs, r->res.nclients) < 0) {
		r->reader.fd = -1;
		return;
	}
	probe_reader_poll(&r->reader);
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
	bool *sel = emu_calloc(r->res.nclients ? r->res.nclients : 1, sizeof(*sel));
	enum res_status status = judge(r, idx, sel);

	free(sel);
	return status;
}

/* The expectation with sel[] (one flag per client) to select into. */
static enum res_status
judge(struct runner *r, size_t idx, bool *sel)
{
	const struct scn_step *st = &r->scn->steps[idx];
	struct res_step *rs = &r->res.steps[idx];
	int64_t start = rs->start_us, timeout_us = (int64_t)r->scn->probe.timeout_ms * 1000;
	int64_t deadline = start + (int64_t)st->within_ms * 1000;
	struct expect_view v;
	struct textbuf tb;
	char names[256] = "";

	if (expect_about_clients(st)) {
		read_logs(r); /* the selection looks at answers up to this step */
		v = runner_view(r);
		if (expect_select(&v, st, start, sel, rs->detail, sizeof(rs->detail)) == 0) {
			rs->end_us = emu_now_rt_us();
			return RES_FAIL;
		}
		expect_selection_names(&v, sel, names, sizeof(names));
	}
	if (expect_is_window(st)) {
		/* lost: from the fault (or since) to this step; no_answer: from here on. */
		int64_t from = st->kind == SCN_NO_ANSWER ? start :
		    st->since				 ? label_time(r, st->since) :
		    r->last_fault_us			 ? r->last_fault_us :
							   r->res.start_us;
		int64_t to = st->kind == SCN_NO_ANSWER ? start + (int64_t)st->duration_ms * 1000 :
							 start;
		bool ok;

		/* Let every query sent in the window be answered or time out. */
		if (!wait_until(r, to + timeout_us + 200000))
			return RES_NOT_RUN;
		v = runner_view(r);
		ok = expect_window(&v, st, sel, names, from, to, rs->detail, sizeof(rs->detail));
		rs->end_us = st->kind == SCN_NO_ANSWER ? to : emu_now_rt_us();
		return ok ? RES_PASS : RES_FAIL;
	}
	/* Poll until it holds or the time is up (at least one look even with within 0). */
	for (;;) {
		bool ok;
		int64_t now;

		read_logs(r);
		v = runner_view(r);
		ok = expect_check(&v, st, sel, start, rs->detail, sizeof(rs->detail));
		now = emu_now_rt_us();
		if (ok || now >= deadline || run_interrupted) {
			rs->end_us = now;
			tb_resume(&tb, rs->detail, sizeof(rs->detail));
			tb_printf(&tb, " (%s %.3f s)", ok ? "after" : "still after",
			    (double)(now - start) / 1e6);
			return ok ? RES_PASS : run_interrupted ? RES_NOT_RUN : RES_FAIL;
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
		int status;

		if (r->prober > 0 && waitpid(r->prober, &status, WNOHANG) == r->prober) {
			/* It said why on standard error. */
			run_error(r, "the prober exited before the first step");
			r->prober = 0;
			return -1;
		}
		for (size_t c = 0; c < r->res.nclients; c++)
			ready += r->logs[c].n > 0 && meas_answered(&r->logs[c], 0, INT64_MAX) > 0;
		if (ready == r->res.nclients)
			return 0;
		usleep(POLL_US);
	}
	return 0;
}

static void
run_steps(struct runner *r)
{
	r->sites = expect_sites_new(r->topo, r->res.clients, r->res.nclients);
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
			rs->status = action_status(f);
			/*
			 * The fault counts from the action's start: a fast detector may
			 * move the clients before the action has returned.
			 */
			if (f == 0 && scn_undo_kind(st->kind) >= 0)
				r->last_fault_us = rs->start_us;
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
	expect_sites_free(r->sites);
	r->sites = NULL;
}

/*
 * Write sb to path (under dirfd), never through a symbolic link: how says
 * whether a file of ours there may be replaced (fileio.h). 0 or -errno.
 */
static int
write_file(int dirfd, const char *path, enum file_how how, const struct strbuf *sb)
{
	return file_write(dirfd, path, 0644, how, sb_str(sb), sb->len);
}

/* One prober for every client, logging to RUNDIR/probe.log. */
static int
start_probes(struct runner *r, const char rundir[384])
{
	const struct scn_probe *pr = &r->scn->probe;
	struct prober_cfg cfg = { .port = pr->port,
		.qname = pr->qname,
		.qtype = pr->qtype,
		.identity = pr->identity,
		.transport = pr->transport,
		.rate = pr->rate,
		.timeout_ms = pr->timeout_ms };
	struct prober_client *pc;
	struct textbuf tb;
	char why[256];
	int err;

	if (r->res.nclients == 0)
		return 0;
	tb_init(&tb, r->log_path, sizeof(r->log_path));
	tb_printf(&tb, "%s/probe.log", rundir);
	snprintf(cfg.log_path, sizeof(cfg.log_path), "%s", r->log_path);
	pc = emu_calloc(r->res.nclients, sizeof(*pc));
	for (size_t c = 0; c < r->res.nclients; c++) {
		const struct topo_node *n = topo_node_find(r->topo, pr->clients[c]);

		r->res.clients[c].name = pr->clients[c];
		snprintf(r->res.clients[c].log_path, sizeof(r->res.clients[c].log_path), "%s",
		    r->log_path);
		snprintf(pc[c].name, sizeof(pc[c].name), "%s", pr->clients[c]);
		lab_ns_name(r->lab, pr->clients[c], pc[c].netns, sizeof(pc[c].netns));
		pc[c].server = pr->server;
		if (pc[c].server.family == 0) {
			if (n == NULL || n->nresolvers == 0) {
				emu_err("client %s has no resolver and the probe names no server",
				    pr->clients[c]);
				free(pc);
				return -1;
			}
			pc[c].server = n->resolvers[0];
		}
		probe_log_init(&r->logs[c], pr->clients[c]);
	}
	cfg.clients = pc;
	cfg.nclients = r->res.nclients;
	err = prober_raise_nofile(r->res.nclients, why, sizeof(why));
	if (err < 0) {
		emu_err("prober: %s", why);
		free(pc);
		return -1;
	}
	r->prober = prober_start(&cfg);
	free(pc); /* the child has its copy */
	if (r->prober < 0) {
		emu_err("prober: %s", strerror((int)-r->prober));
		r->prober = 0;
		return -1;
	}
	return 0;
}

static void
stop_probes(struct runner *r)
{
	if (r->prober > 0 && prober_stop(r->prober, r->scn->probe.timeout_ms) < 0)
		emu_err("the prober did not end cleanly");
	r->prober = 0;
	read_logs(r);
	if (r->reader.fd >= 0)
		probe_reader_close(&r->reader);
	if (r->reader.bad > 0)
		emu_err("%s: %zu malformed lines", r->log_path, r->reader.bad);
}

/*
 * OUT/LAB-SCENARIO-YYYYMMDDTHHMMSSZ/ (then -2, -3, ... when that name is
 * taken), made here and now: a directory of that name made by someone
 * else, or a link, is never used. Also the capture directory. The run
 * directory's descriptor, or -1 (said why).
 */
static int
make_run_dir(const struct runner_opts *o, char *rundir, size_t len)
{
	char stamp[32], why[128];
	struct textbuf tb;
	struct tm tm;
	time_t now = time(NULL);
	int err, fd = -EEXIST;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	err = emu_mkdir_p(o->outdir, 0755);
	if (err < 0) {
		emu_err("%s: %s", o->outdir, emu_strerror(err));
		return -1;
	}
	/* Taken: by a directory, a file or a link (-ELOOP), anybody's. */
	for (int i = 1; i <= RUN_DIR_TRIES && (fd == -EEXIST || fd == -ELOOP); i++) {
		tb_init(&tb, rundir, len);
		tb_printf(&tb, "%s/%s-%s-%s", o->outdir, o->lab, o->scn->name, stamp);
		if (i > 1)
			tb_printf(&tb, "-%d", i);
		if (tb.cut) {
			emu_err("%s: %s", rundir, emu_strerror(-ENAMETOOLONG));
			return -1;
		}
		fd = file_mkdir_new(AT_FDCWD, rundir, 0755);
	}
	if (fd < 0) {
		emu_err("%s: %s", rundir, file_strerror(fd, 0, why, sizeof(why)));
		return -1;
	}
	err = o->capdir ? emu_mkdir_p(o->capdir, 0755) : 0;
	if (err < 0) {
		emu_err("%s: %s", o->capdir, emu_strerror(err));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * results.json, timeline.svg, catchment.svg, report.html and the JUnit XML. The report's
 * topology picture is drawn now, while the lab is still up.
 */
static int
write_files(struct runner *r, const struct runner_opts *o, const char *rundir, int dirfd)
{
	struct strbuf sb = STRBUF_INIT, tl = STRBUF_INIT, topo = STRBUF_INIT, cs = STRBUF_INIT;
	struct report_pictures pics = { 0 };
	char why[512];
	int err, failed = 0;

	timeline_svg(&r->res, r->logs, &tl);
	if ((err = write_file(dirfd, "timeline.svg", FILE_NEW, &tl)) < 0) {
		emu_err("%s: %s", r->res.svg_path, emu_strerror(err));
		failed = err;
	}
	catchment_svg(&r->res, &cs);
	if ((err = write_file(dirfd, "catchment.svg", FILE_NEW, &cs)) < 0) {
		emu_err("%s: %s", r->res.catchment_svg_path, emu_strerror(err));
		failed = err;
	}
	if (o->junit) {
		results_junit(&r->res, &sb);
		if ((err = write_file(AT_FDCWD, o->junit, FILE_REPLACE, &sb)) < 0) {
			emu_err("%s: %s", o->junit, emu_strerror(err));
			failed = err;
		}
		sb_reset(&sb);
	}
	results_json(&r->res, &sb);
	if ((err = write_file(dirfd, "results.json", FILE_NEW, &sb)) < 0) {
		emu_err("%s: %s", r->res.json_path, emu_strerror(err));
		failed = err;
	}
	sb_reset(&sb);
	pics.timeline_svg = sb_str(&tl);
	pics.catchment_svg = sb_str(&cs);
	if (r->topo->nnodes > REPORT_GRAPH_NODES) {
		snprintf(why, sizeof(why),
		    "the lab has %zu nodes, more than the %d the report draws (Graphviz would "
		    "take minutes); `anylab graph %s --format dot` writes the graph",
		    r->topo->nnodes, REPORT_GRAPH_NODES, r->lab);
		pics.topology_why = why;
	} else if (report_topology_svg("/proc/self/exe", r->lab, REPORT_GRAPH_MS, &topo, why,
		       sizeof(why)) == 0) {
		pics.topology_svg = sb_str(&topo);
	} else {
		pics.topology_why = why;
	}
	report_html(&r->res, &pics, rundir, &sb);
	if ((err = write_file(dirfd, "report.html", FILE_NEW, &sb)) < 0) {
		emu_err("%s: %s", r->res.html_path, emu_strerror(err));
		failed = err;
	}
	sb_free(&sb);
	sb_free(&tl);
	sb_free(&cs);
	sb_free(&topo);
	return failed;
}

int
runner_run(const struct runner_opts *o, struct run_result *out)
{
	struct runner r = { .lab = o->lab, .topo = o->topo, .scn = o->scn, .verbose = o->verbose };
	struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_term;
	struct capture_target *caps = NULL;
	size_t nc = o->scn->probe.nclients ? o->scn->probe.nclients : 1;
	pid_t cap_pid = 0;
	char rundir[384], err[400];
	struct textbuf tb;
	int rc = EXIT_OK, ncaps = 0, dirfd;

	memset(out, 0, sizeof(*out));
	dirfd = make_run_dir(o, rundir, sizeof(rundir));
	if (dirfd < 0)
		return EXIT_FAIL;
	if (!state_exists(r.lab)) {
		struct lab_up_opts uo = { .name = o->name, .quiet = o->json || !isatty(2) };
		struct lab_up_result ur;

		rc = lab_up(r.topo, &uo, &ur);
		if (rc != 0) {
			close(dirfd);
			return rc;
		}
	} else if (!o->verbose && !o->json) {
		fprintf(stderr, "anylab run: lab %s is up already; running on it\n", r.lab);
	}

	run_interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	r.res.on_lab = true;
	r.res.lab = r.lab;
	r.res.topology = r.topo->file;
	r.res.scenario = r.scn;
	r.res.topo = r.topo;
	r.res.steps = emu_calloc(r.scn->nsteps ? r.scn->nsteps : 1, sizeof(*r.res.steps));
	r.res.nclients = r.scn->probe.nclients;
	r.res.clients = emu_calloc(nc, sizeof(*r.res.clients));
	r.logs = emu_calloc(nc, sizeof(*r.logs));
	r.reader.fd = -1;
	for (size_t i = 0; i < r.scn->nsteps; i++) {
		r.res.steps[i].step = &r.scn->steps[i];
		r.res.steps[i].status = RES_NOT_RUN;
	}

	if (o->capdir) {
		struct capture_opts co = { 0 };

		ncaps = lab_capture_targets_all(r.lab, r.topo, o->capdir, &caps, err, sizeof(err));
		if (ncaps > 0)
			cap_pid = capture_start(caps, (size_t)ncaps, &co, err, sizeof(err));
		if (ncaps <= 0 || cap_pid < 0) {
			run_error(&r, "capture: %s", err);
			emu_err("capture: %s", err);
			cap_pid = 0;
			rc = EXIT_FAIL;
		} else {
			r.res.captures = emu_calloc((size_t)ncaps, sizeof(char *));
			for (int i = 0; i < ncaps; i++)
				r.res.captures[r.res.ncaptures++] = emu_strdup(caps[i].file);
		}
	}
	r.res.start_us = emu_now_rt_us();
	if (rc == EXIT_OK && start_probes(&r, rundir) < 0) {
		run_error(&r, "the probes could not start");
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK && settle(&r) < 0) {
		emu_err("%s", r.res.error);
		rc = EXIT_FAIL;
	}
	/* The steady state before the first step, so that the pictures show it. */
	if (rc == EXIT_OK && r.res.nclients)
		wait_until(&r, emu_now_rt_us() + (int64_t)r.scn->probe.lead_in_ms * 1000);
	if (rc == EXIT_OK)
		run_steps(&r); /* nothing when interrupted */
	if (run_interrupted)
		run_error(&r, "interrupted");
	r.res.end_us = emu_now_rt_us();
	stop_probes(&r);
	if (cap_pid > 0 && capture_stop(cap_pid) < 0)
		emu_err("the capture did not end cleanly");

	/* Measure and write the files. */
	r.res.passed = rc == EXIT_OK && !run_interrupted;
	for (size_t i = 0; i < r.scn->nsteps; i++) {
		enum res_status s = r.res.steps[i].status;

		if (s == RES_FAIL || s == RES_ERROR || s == RES_UNSUPPORTED || s == RES_NOT_RUN)
			r.res.passed = false;
	}
	for (size_t k = 0; k < r.res.nclients; k++) {
		struct res_client *cl = &r.res.clients[k];

		meas_totals(&r.logs[k], r.res.start_us, r.res.end_us, &cl->totals);
		if (r.logs[k].nbreaks > 0) {
			cl->breaks = emu_calloc(r.logs[k].nbreaks, sizeof(*cl->breaks));
			memcpy(cl->breaks, r.logs[k].breaks,
			    r.logs[k].nbreaks * sizeof(*cl->breaks));
			cl->nbreaks = r.logs[k].nbreaks;
		}
	}
	results_measure(&r.res, r.logs);
	tb_init(&tb, r.res.json_path, sizeof(r.res.json_path));
	tb_printf(&tb, "%s/results.json", rundir);
	tb_init(&tb, r.res.svg_path, sizeof(r.res.svg_path));
	tb_printf(&tb, "%s/timeline.svg", rundir);
	tb_init(&tb, r.res.catchment_svg_path, sizeof(r.res.catchment_svg_path));
	tb_printf(&tb, "%s/catchment.svg", rundir);
	tb_init(&tb, r.res.html_path, sizeof(r.res.html_path));
	tb_printf(&tb, "%s/report.html", rundir);
	if (o->junit) {
		tb_init(&tb, r.res.junit_path, sizeof(r.res.junit_path));
		tb_puts(&tb, o->junit);
	}
	/* A file asked for and not written (said why) fails the run. */
	if (write_files(&r, o, rundir, dirfd) < 0 && rc == EXIT_OK)
		rc = EXIT_FAIL;
	close(dirfd);
	if (rc == EXIT_OK && !r.res.passed)
		rc = EXIT_FAIL;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);

	for (size_t k = 0; k < r.res.nclients; k++)
		probe_log_free(&r.logs[k]);
	free(r.logs);
	free(caps);
	*out = r.res;
	return rc;
}

int
runner_end(const struct runner_opts *o, const struct run_result *res, int rc)
{
	if (res->on_lab && !o->keep) {
		int drc = lab_down(o->lab, true);

		if (drc != 0 && rc == EXIT_OK)
			rc = drc;
	}
	if (guard_settled)
		*guard_settled = 1;
	return rc;
}

/* ---- the guard ---- */

/* In the guard: SIGINT and SIGTERM go on to the runner, which stops and cleans up. */
static void
guard_forward(int sig)
{
	if (guard_child > 0 && (sig == SIGINT || sig == SIGTERM))
		kill((pid_t)guard_child, sig);
}

int
runner_guard(const struct runner_opts *o, bool *in_child)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = guard_forward }, old[4];
	volatile int *settled;
	int status, rc = EXIT_FAIL;
	pid_t pid;

	*in_child = false;
	/*
	 * The lab's lock, held by the guard from before the lab is brought up
	 * until after it is taken down: the runner (forked below) inherits
	 * it, so its up, faults and down count as this run's.
	 */
	if (lab_name_valid(o->lab)) {
		int err = lab_lock(o->lab, "run");

		if (err < 0)
			return lab_exit_status(err);
	}
	settled = mmap(NULL, sizeof(*settled), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (settled == MAP_FAILED) {
		emu_err("run: %s", strerror(errno));
		lab_unlock(o->lab);
		return EXIT_FAIL;
	}
	*settled = 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		emu_err("run: fork: %s", strerror(errno));
		munmap((void *)settled, sizeof(*settled));
		lab_unlock(o->lab);
		return EXIT_FAIL;
	}
	if (pid == 0) {
		guard_settled = settled;
		*in_child = true;
		return EXIT_OK;
	}

	/* The guard: wait, passing SIGINT and SIGTERM on; outlive SIGHUP and SIGQUIT. */
	guard_child = pid;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	guard_child = 0;

	if (*settled && WIFEXITED(status)) {
		rc = WEXITSTATUS(status);
		goto out_unmap;
	}
	if (WIFSIGNALED(status))
		emu_err("run: the runner (pid %d) was killed by SIG%s (%s)", (int)pid,
		    sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
		    strsignal(WTERMSIG(status)));
	else
		emu_err("run: the runner (pid %d) exited with status %d before it was done",
		    (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!state_exists(o->lab)) {
		/* Nothing was brought up, or the runner took it down already. */
	} else if (o->keep) {
		emu_err("run: lab %s kept up (--keep): anylab down %s", o->lab, o->lab);
	} else {
		emu_err("run: taking lab %s down", o->lab);
		lab_down(o->lab, true);
	}
out_unmap:
	munmap((void *)settled, sizeof(*settled));
	lab_unlock(o->lab);
	return rc;
}
