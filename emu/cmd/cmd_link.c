/*
 * anylab link [-l LAB] NODE:IFACE up|down [--cut]: an adapter disabled or
 * enabled on the node, or (--cut) its cable: the far side goes down so the
 * node loses carrier. Whatever comes back up gets the node's configured
 * addresses and static routes back.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "anylab.h"
#include "cmds.h"
#include "lab.h"

static void
link_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab link [-l LAB] NODE:IFACE down|up [--cut]\n"
	    "  Without --cut the node disables/enables its adapter (admin state).\n"
	    "  With --cut the far side (switch port, or the peer end of a pair) goes\n"
	    "  down/up, so the node sees its carrier go and come back (a tunnel fails\n"
	    "  silently instead: its packets are dropped in the underlay). On up, the\n"
	    "  node's configured addresses and static routes through that interface\n"
	    "  are installed again (Linux drops them when a link goes down).\n");
}

int
cmd_link(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "cut", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *given = NULL;
	bool cut = false, up;
	char lab[64];
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "l:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			given = optarg;
			break;
		case 'c':
			cut = true;
			break;
		case 'h':
			link_usage(stdout);
			return EXIT_OK;
		default:
			link_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 ||
	    (strcmp(argv[optind + 1], "up") != 0 && strcmp(argv[optind + 1], "down") != 0)) {
		link_usage(stderr);
		return EXIT_USAGE;
	}
	up = strcmp(argv[optind + 1], "up") == 0;
	rc = lab_resolve(given, lab, sizeof(lab));
	if (rc != 0)
		return rc;
	return lab_link_set(lab, argv[optind], up, cut);
}
