/*
 * The scenario runner (docs/scenarios.md, "Running"): brings the lab up
 * unless it is up, starts a DNS probe in every client the scenario names
 * (and captures when asked), runs the steps in order (actions through
 * fault.c, expectations through expect.c, polled against the probe logs,
 * the kernel's routes and the speakers' control sockets until they hold or
 * time out), then measures and writes the run's files (results.json,
 * timeline.svg, report.html, JUnit XML). `anylab run` (cmd/cmd_run.c) parses the
 * command line, calls these and prints.
 *
 * A crash of the runner never leaves the lab behind: runner_guard forks,
 * the runner works in the child, and the parent, which does nothing else,
 * takes the lab down (unless --keep) when the child ends without
 * runner_end, whether by a signal (SIGSEGV, SIGABRT, SIGKILL...) or by an
 * exit in the middle (a sanitizer's report).
 */
#ifndef ANYLAB_RUNNER_H
#define ANYLAB_RUNNER_H

#include <stdbool.h>

#include "results.h"
#include "scenario.h"
#include "topo.h"

struct runner_opts {
	const char *lab;  /* the lab's name */
	const char *name; /* --name: overrides the topology's, or NULL */
	struct topology *topo;
	const struct scenario *scn;
	const char *outdir; /* the run's directory goes under it */
	const char *capdir; /* capture into it, or NULL */
	const char *junit;  /* JUnit XML file, or NULL */
	bool json;	    /* results as JSON on stdout: no progress lines */
	bool verbose;	    /* each step on standard error as it completes */
	bool keep;	    /* leave the lab up at the end, and after a crash */
};

/*
 * Fork. In the child (the runner) *in_child is true and this returns
 * EXIT_OK: go on with runner_run and runner_end. In the parent it returns
 * when the child has ended, with the exit status the command ends with:
 * the child's, or EXIT_FAIL after a crash, which it reports (naming the
 * signal) and cleans up after. SIGINT and SIGTERM to the parent reach the
 * runner, which stops, reports and cleans up as usual.
 */
int runner_guard(const struct runner_opts *, bool *in_child);

/*
 * Run the scenario: the run's directory OUT/LAB-SCENARIO-STAMP/, the lab
 * (up unless it is up), captures, probes, the steps, measurements and the
 * files. res is filled (res->on_lab once the lab was reached). Returns an
 * exit status: EXIT_OK only when every step held or was applied.
 */
int runner_run(const struct runner_opts *, struct run_result *res);

/*
 * After the results are printed: take the lab down unless --keep (only
 * when the run reached it), and tell the guard the runner ended on its own
 * terms. Returns rc, or lab_down's status when rc was EXIT_OK and that
 * failed.
 */
int runner_end(const struct runner_opts *, const struct run_result *res, int rc);

#endif
