/*
 * anylab run TOPOLOGY --scenario NAME: the command line of the scenario
 * runner (scenario/runner.h). Loads and checks the topology and the
 * scenario, starts the runner under its crash guard, and prints the result
 * (the table, or the results JSON with --json). Exit 0 only when every
 * expectation held. docs/scenarios.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "anylab.h"
#include "cmds.h"
#include "kind.h"
#include "lab.h"
#include "results.h"
#include "runner.h"
#include "scenario.h"
#include "strbuf.h"
#include "topo.h"

static void run_usage(FILE *f);
static void run_print(const struct runner_opts *, const struct run_result *);

static void
run_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab run TOPOLOGY --scenario NAME [--junit FILE] [--json] [--out DIR]\n"
	    "                  [--keep] [--capture DIR] [--name LAB] [--verbose]\n"
	    "                  [--kind [NODE.]bgp|dns=KIND]...\n"
	    "  Run scenario NAME (from TOPOLOGY's \"scenarios\" or the file beside it,\n"
	    "  TOPOLOGY.scenarios.json): bring the lab up unless it is up, probe the\n"
	    "  clients, apply the steps, print the result, write results.json,\n"
	    "  timeline.svg and report.html into a new directory under DIR, take the\n"
	    "  lab down.\n"
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
run_print(const struct runner_opts *o, const struct run_result *res)
{
	struct strbuf sb = STRBUF_INIT;

	if (o->json) {
		results_json(res, &sb);
		fputs(sb_str(&sb), stdout);
		sb_free(&sb);
	} else {
		results_table(res, stdout);
		printf("results: %s\ntimeline: %s\nreport: %s\n", res->json_path, res->svg_path,
		    res->html_path);
		if (o->junit)
			printf("junit: %s\n", o->junit);
		if (res->ncaptures)
			printf("captures: %s/%s-*.pcap (%zu files)\n", o->capdir, o->lab,
			    res->ncaptures);
	}
	fflush(stdout);
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
	struct runner_opts o = { .outdir = "anylab-results" };
	const char *scn_name = NULL;
	char *kinds[CMD_KINDS_MAX], msg[KIND_MSG_MAX];
	size_t nkinds = 0;
	struct topology *topo = NULL;
	struct scenario *scn = NULL;
	struct run_result res;
	struct cfg_errors errs;
	bool in_child;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "s:J:jo:kc:n:vK:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			scn_name = optarg;
			break;
		case 'J':
			o.junit = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'k':
			o.keep = true;
			break;
		case 'c':
			o.capdir = optarg;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'v':
			o.verbose = true;
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
	if (topo_load(argv[optind], &topo, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: %s: invalid topology, nothing was created\n",
		    argv[optind]);
		return EXIT_INVALID;
	}
	if (kind_override(topo, kinds, nkinds, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "anylab run: %s\n", msg);
		topo_free(topo);
		return EXIT_USAGE;
	}
	if (lab_check_sections(topo, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: %s: invalid topology, nothing was created\n",
		    argv[optind]);
		topo_free(topo);
		return EXIT_INVALID;
	}
	if (scenario_load(topo, scn_name, &scn, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: scenario %s: invalid, nothing was run\n", scn_name);
		topo_free(topo);
		return EXIT_INVALID;
	}
	o.topo = topo;
	o.scn = scn;
	o.lab = o.name ? o.name : topo->name;
	if (geteuid() != 0) {
		emu_err("run needs root (network namespaces)");
		rc = EXIT_NOPRIV;
		goto out_scn;
	}

	rc = runner_guard(&o, &in_child);
	if (!in_child)
		goto out_scn; /* the guard: rc is the runner's exit status */
	rc = runner_run(&o, &res);
	if (res.on_lab)
		run_print(&o, &res);
	rc = runner_end(&o, &res, rc);
	if (res.on_lab && o.keep && !o.json)
		printf("lab %s kept up (anylab down %s)\n", o.lab, o.lab);
	results_free(&res);
out_scn:
	scenario_free(scn);
	topo_free(topo);
	return rc;
}
