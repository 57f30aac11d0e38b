/*
 * anylab capture NODE:IFACE|NODE|LINK -w FILE [--filter BPF]
 *                [--duration S | --count N] [--lab LAB]
 * Captures in the foreground, inside the lab's namespaces (capture.c), the
 * interfaces the lab names for the spec (lab_capture_targets), into one
 * pcap file, until Ctrl-C, the duration or the count.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anylab.h"
#include "capture.h"
#include "cmds.h"
#include "lab.h"
#include "topo.h"

static void
capture_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab capture NODE:IFACE|NODE|LINK -w FILE [--filter BPF]\n"
	    "                      [--duration S | --count N] [--lab LAB]\n"
	    "  Capture packets inside the lab into FILE (pcap; tshark and Wireshark\n"
	    "  dissect BGP and DNS). NODE:IFACE: that interface; NODE: all its\n"
	    "  interfaces; LINK: a point-to-point link's first end, or every port of a\n"
	    "  LAN's switch (inbound, so each frame once). Timestamps are the system's\n"
	    "  wall clock, the clock of `anylab run`'s results and probe logs.\n"
	    "  -w FILE          the pcap file to write (required)\n"
	    "  --filter BPF     a capture filter, as tcpdump takes (\"tcp port 179\")\n"
	    "  --duration S     stop after S seconds\n"
	    "  --count N        stop after N packets\n"
	    "  --lab LAB        the lab, when several are up\n");
}

int
cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "write", required_argument, NULL, 'w' },
		{ "filter", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture_opts o = { 0 };
	struct capture_target *t = NULL;
	struct topology *topo = NULL;
	const char *file = NULL, *labarg = NULL;
	char lab[64], err[512], *end;
	long long n;
	double secs;
	int c, rc, nt;

	optind = 0;
	while ((c = getopt_long(argc, argv, "w:f:d:c:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			file = optarg;
			break;
		case 'f':
			o.filter = optarg;
			break;
		case 'd':
			secs = strtod(optarg, &end);
			if (*end || secs <= 0 || secs > 86400) {
				fprintf(stderr, "anylab capture: --duration %s: expected seconds\n",
				    optarg);
				return EXIT_USAGE;
			}
			o.duration_ms = (uint64_t)(secs * 1000);
			break;
		case 'c':
			o.count = strtoull(optarg, &end, 10);
			if (*end || o.count == 0) {
				fprintf(stderr,
				    "anylab capture: --count %s: expected a number > 0\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l':
			labarg = optarg;
			break;
		case 'h':
			capture_usage(stdout);
			return EXIT_OK;
		default:
			capture_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || file == NULL || (o.duration_ms && o.count)) {
		capture_usage(stderr);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		emu_err("capture needs root (it enters the lab's namespaces)");
		return EXIT_NOPRIV;
	}
	rc = lab_resolve(labarg, lab, sizeof(lab));
	if (rc != 0)
		return rc;
	if (lab_topology(lab, &topo) < 0)
		return EXIT_FAIL;
	nt = lab_capture_targets(lab, topo, argv[optind], &t, err, sizeof(err));
	if (nt < 0) {
		emu_err("%s", err);
		topo_free(topo);
		return nt == EMU_EARG ? EXIT_USAGE : EXIT_FAIL;
	}
	o.merged_file = file;
	if (isatty(2))
		fprintf(stderr, "anylab capture: %s of lab %s into %s%s\n", argv[optind], lab, file,
		    o.duration_ms || o.count ? "" : " (Ctrl-C stops)");
	n = capture_run(t, (size_t)nt, &o, err, sizeof(err));
	if (n < 0) {
		emu_err("%s", err);
		rc = EXIT_FAIL;
	} else {
		fprintf(stderr, "anylab capture: %lld packets written to %s\n", n, file);
	}
	free(t);
	topo_free(topo);
	return rc;
}
