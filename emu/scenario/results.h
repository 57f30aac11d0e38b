/*
 * The result of one scenario run and its three forms: a readable table, a
 * JSON document (docs/scenarios.md, "Results") and JUnit XML (one testcase
 * per step). Filled by the runner (runner.c); written here; drawn by timeline_svg.c.
 * Every time is CLOCK_REALTIME microseconds, the clock of the probe logs,
 * of the captures' pcap timestamps and of the daemons' log lines.
 */
#ifndef ANYLAB_RESULTS_H
#define ANYLAB_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "catchment.h"
#include "measure.h"
#include "probe.h"
#include "scenario.h"
#include "strbuf.h"

enum res_status {
	RES_PASS,	 /* expectation held */
	RES_FAIL,	 /* expectation did not hold */
	RES_DONE,	 /* action applied */
	RES_ERROR,	 /* action could not be applied */
	RES_UNSUPPORTED, /* the kernel lacks what the step needs (netem) */
	RES_NOT_RUN,	 /* an earlier step stopped the run */
	RES_STATUS_COUNT,
};
extern const char *const res_status_names[RES_STATUS_COUNT];

struct res_step {
	const struct scn_step *step;
	enum res_status status;
	int64_t start_us;
	int64_t end_us; /* when it held, failed or was applied */
	char detail[512];
};

/* One fault (an action that has an undo kind) and what it did to each client. */
struct res_fault {
	size_t step;	   /* index of the fault action */
	ssize_t undo_step; /* index of the undo, -1 when never undone */
	struct meas_fault window;
	struct meas_client *clients; /* one per probed client */
};

struct res_client {
	const char *name;
	char log_path[512];
	struct meas_totals totals;
	struct probe_break *breaks; /* its TCP connections that broke (a copy), in time order */
	size_t nbreaks;
};

#define RES_MAX_INST 16 /* instances named in the results (and coloured in the pictures) */

struct topology;

struct run_result {
	const char *lab;
	const char *topology; /* file */
	const struct scenario *scenario;
	const struct topology *topo; /* sites and instances' nodes for the catchment, or NULL */
	int64_t start_us;
	int64_t end_us;
	bool passed;
	bool on_lab;		/* the run reached the lab (it brought it up,
						   or it was up already) */
	char error[512];	/* a setup failure, "" when none */
	struct res_step *steps; /* one per scenario step */
	struct res_fault *faults;
	size_t nfaults;
	struct res_client *clients; /* one per probed client */
	size_t nclients;
	char **captures; /* pcap files written */
	size_t ncaptures;
	/* Every instance that answered a probe, in name order (the pictures' colours). */
	char instances[RES_MAX_INST][SCN_INST_MAX];
	size_t ninstances;
	/* Per fault (faults[i] is catchment.faults[i]): the catchment (catchment.h). */
	struct catchment catchment;
	char json_path[512];
	char svg_path[512];
	char catchment_svg_path[512];
	char html_path[512];
	char junit_path[512];
};

/*
 * Find the faults among the steps that ran and measure each against the
 * clients' logs (sorted). Fills r->faults, r->instances and r->catchment
 * (with the sites and instances of r->topo when set).
 */
void results_measure(struct run_result *r, const struct probe_log *logs);
/* The readable table. */
void results_table(const struct run_result *, FILE *);
/* The JSON document (an object, newline-terminated). */
void results_json(const struct run_result *, struct strbuf *);
/* JUnit XML: one testsuite, a testcase per step. */
void results_junit(const struct run_result *, struct strbuf *);
void results_free(struct run_result *);
/* The index of an instance in r->instances (its colour), -1 when not there. */
int results_instance_index(const struct run_result *, const char *inst);

/*
 * The probes over every client, for the table and the report when there are
 * too many clients to list: the sums, and the clients' own figures taken
 * together (the median of their medians, the p99 (nearest rank) of their
 * p99s, the largest of their maxima).
 */
struct res_probe_totals {
	size_t clients;
	size_t troubled; /* clients that lost a query, had an error or were never answered */
	size_t never;	 /* clients never answered */
	/*
	 * Counts summed; rtt and late medians: the median of the clients'
	 * medians (-1 without any); late p99: the p99 of their p99s; maxima:
	 * the largest.
	 */
	struct meas_totals sum;
};
void results_probe_totals(const struct run_result *, struct res_probe_totals *);
/*
 * The clients worth a look, worst first: never answered, then by lost and
 * failed queries (most first), then in probe order. Up to max indices into
 * r->clients written to idx; returns how many.
 */
size_t results_probe_worst(const struct run_result *, size_t *idx, size_t max);

/* "12.345 s" style durations, "-" for negative. */
const char *results_fmt_ms(int64_t us, char *buf, size_t len);

#endif
