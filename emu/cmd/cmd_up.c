/*
 * anylab up FILE: validate, refuse a lab that is up, build, start daemons.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anylab.h"
#include "cmds.h"
#include "lab.h"
#include "kind.h"
#include "strbuf.h"
#include "topo.h"

static void
up_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab up FILE [--name LAB] [--json] [--no-daemons] [--timeout SEC]\n"
	    "                      [--no-wait] [--converge-timeout SEC] [--capture DIR]\n"
	    "                      [--kind [NODE.]bgp|dns=KIND]...\n"
	    "  Validate FILE, then build the lab: namespaces LAB-NODE, switch namespace\n"
	    "  LAB.sw, links, addresses, routes, sysctls, resolvers, and the daemons the\n"
	    "  nodes' bgp/dns sections ask for. A failed up removes what it made.\n"
	    "  --name LAB      use LAB instead of the topology's name\n"
	    "  --json          no progress; print a JSON summary on standard output\n"
	    "  --no-daemons    build the network only\n"
	    "  --timeout SEC   wait at most SEC for each daemon to answer (default 10)\n"
	    "  --no-wait       do not wait for BGP to converge\n"
	    "  --converge-timeout SEC  wait at most SEC for every BGP session to be\n"
	    "                  established and the routes installed (default 30; a lab\n"
	    "                  that has not converged by then is up, with a warning)\n"
	    "  --capture DIR   capture every interface of every node into\n"
	    "                  DIR/LAB-NODE-IFACE.pcap from before the daemons start\n"
	    "                  until `anylab down` (DIR is made when missing)\n"
	    "  --kind [NODE.]bgp=KIND, --kind [NODE.]dns=KIND\n"
	    "                  run every node's (or NODE's) speaker or responder as KIND\n"
	    "                  (bgp: anybgpd, bird, frr, gobgp, openbgpd; dns: anydnsd,\n"
	    "                  nsd, knot); repeatable, NODE-qualified ones win\n");
}

int
cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int
cmd_up(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-daemons", no_argument, NULL, 'D' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "converge-timeout", required_argument, NULL, 'C' },
		{ "capture", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lab_up_opts o = { 0 };
	struct lab_up_result r;
	struct cfg_errors errs;
	struct topology *t;
	bool json = false;
	char *end, *kinds[CMD_KINDS_MAX], msg[KIND_MSG_MAX];
	size_t nkinds = 0;
	int c, rc, err;

	optind = 0;
	while ((c = getopt_long(argc, argv, "n:jDt:WC:c:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.name = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'D':
			o.no_daemons = true;
			break;
		case 't':
			o.daemon_timeout_ms = (int)(strtod(optarg, &end) * 1000);
			if (*end != '\0' || o.daemon_timeout_ms <= 0) {
				fprintf(stderr, "anylab up: --timeout %s: expected seconds\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'W':
			o.no_wait = true;
			break;
		case 'C':
			o.converge_timeout_ms = (int)(strtod(optarg, &end) * 1000);
			if (*end != '\0' || o.converge_timeout_ms <= 0) {
				fprintf(stderr,
				    "anylab up: --converge-timeout %s: expected seconds\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			o.capture_dir = optarg;
			break;
		case 'K':
			if (nkinds == CMD_KINDS_MAX) {
				fprintf(stderr, "anylab up: at most %d --kind\n", CMD_KINDS_MAX);
				return EXIT_USAGE;
			}
			kinds[nkinds++] = optarg;
			break;
		case 'h':
			up_usage(stdout);
			return EXIT_OK;
		default:
			up_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		up_usage(stderr);
		return EXIT_USAGE;
	}
	o.quiet = json;
	if (topo_load(argv[optind], &t, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: %s: invalid topology, nothing was created\n",
		    argv[optind]);
		return EXIT_INVALID;
	}
	if (kind_override(t, kinds, nkinds, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "anylab up: %s\n", msg);
		topo_free(t);
		return EXIT_USAGE;
	}
	if (lab_check_sections(t, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "anylab: %s: invalid topology, nothing was created\n",
		    argv[optind]);
		topo_free(t);
		return EXIT_INVALID;
	}
	if (o.capture_dir != NULL && geteuid() == 0 &&
	    (err = emu_mkdir_p(o.capture_dir, 0755)) < 0) {
		fprintf(stderr, "anylab up: --capture %s: %s\n", o.capture_dir, emu_strerror(err));
		topo_free(t);
		return EXIT_FAIL;
	}
	rc = lab_up(t, &o, &r);
	if (rc == 0) {
		const char *lab = o.name != NULL ? o.name : t->name;

		if (json) {
			struct strbuf sb = STRBUF_INIT;

			sb_puts(&sb, "{\"lab\": ");
			sb_json_str(&sb, lab);
			sb_printf(&sb,
			    ", \"namespaces\": %zu, \"links\": %zu, \"bridges\": %zu, "
			    "\"neighbours\": %zu, \"daemons\": %zu, \"captures\": %zu, "
			    "\"network_ms\": %.3f, \"elapsed_ms\": %.3f}\n",
			    r.namespaces, r.links, r.bridges, r.neighbours, r.daemons, r.captures,
			    r.network_us / 1000.0, r.elapsed_us / 1000.0);
			fputs(sb_str(&sb), stdout);
			sb_free(&sb);
		} else {
			printf("lab %s is up: %zu namespaces, %zu links, %zu bridges, ", lab,
			    r.namespaces, r.links, r.bridges);
			if (r.neighbours > 0)
				printf("%zu permanent neighbour entries, ", r.neighbours);
			printf("%zu daemons (%.0f ms)\n", r.daemons, r.elapsed_us / 1000.0);
		}
		if (!json && o.capture_dir != NULL)
			printf(
			    "capturing %zu interfaces into %s/%s-*.pcap until `anylab down %s`\n",
			    r.captures, o.capture_dir, lab, lab);
	}
	topo_free(t);
	return rc;
}
