/*
 * anylab drain [-l LAB] NODE [PREFIX] [--withdraw]
 * anylab undrain [-l LAB] NODE [PREFIX]
 *
 * Takes a node's speaker out of service before maintenance, and back: its
 * own announcements (all, or PREFIX) are tagged with the GRACEFUL_SHUTDOWN
 * community 65535:0 (RFC 8326), so that its peers move traffic to other
 * paths while the session stays up, or with --withdraw withdrawn. Through
 * the kind's bgp_drain (kinds/kind.h), so each kind does it its own way
 * (docs/kinds.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "anylab.h"
#include "cmds.h"
#include "kind.h"
#include "lab.h"

static void
drain_usage(FILE *f, bool drain)
{
	if (drain)
		fprintf(f,
		    "usage: anylab drain [-l LAB] NODE [PREFIX] [--withdraw]\n"
		    "  NODE's speaker keeps its sessions but announces every prefix it\n"
		    "  originates (or PREFIX) with the GRACEFUL_SHUTDOWN community 65535:0\n"
		    "  (RFC 8326), so that its peers prefer other paths; --withdraw withdraws\n"
		    "  them instead. Undo with anylab undrain. What each kind can do:\n"
		    "  docs/kinds.md.\n");
	else
		fprintf(f,
		    "usage: anylab undrain [-l LAB] NODE [PREFIX]\n"
		    "  Undoes anylab drain (either way) for every prefix NODE's speaker\n"
		    "  originates, or for PREFIX.\n");
}

static int
drain_run(int argc, char **argv, bool drain)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "withdraw", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *given = NULL, *node, *verb = drain ? "drain" : "undrain";
	char lab[64], msg[KIND_MSG_MAX] = "", pbuf[PREFIX_STRLEN];
	struct prefix pfx, *p = NULL;
	bool withdraw = false;
	struct topology *t;
	struct kind_node k;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, drain ? "l:wh" : "l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			given = optarg;
			break;
		case 'w':
			if (!drain) {
				drain_usage(stderr, drain);
				return EXIT_USAGE;
			}
			withdraw = true;
			break;
		case 'h':
			drain_usage(stdout, drain);
			return EXIT_OK;
		default:
			drain_usage(stderr, drain);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 1 || argc - optind > 2) {
		drain_usage(stderr, drain);
		return EXIT_USAGE;
	}
	node = argv[optind];
	if (argc - optind == 2) {
		if (prefix_parse(argv[optind + 1], &pfx, false) < 0) {
			emu_err("%s: %s: expected a prefix such as 51.51.51.0/24", verb,
			    argv[optind + 1]);
			return EXIT_USAGE;
		}
		p = &pfx;
	}
	r = lab_resolve(given, lab, sizeof(lab));
	if (r != 0)
		return r;
	r = lab_topology(lab, &t);
	if (r != 0)
		return r;
	if (lab_node_find(lab, t, node) == NULL) {
		topo_free(t);
		return EXIT_USAGE;
	}
	if (kind_node_find(lab, t, node, "bgp", &k) < 0) {
		emu_err("%s: lab %s has no BGP speaker on node %s", verb, lab, node);
		topo_free(t);
		return EXIT_USAGE;
	}
	if (k.kind->bgp_drain == NULL) {
		emu_err("%s: node %s: kind %s cannot drain", verb, node, k.kind->name);
		topo_free(t);
		return EXIT_USAGE;
	}
	r = k.kind->bgp_drain(&k, p, drain, withdraw, msg, sizeof(msg));
	if (r == 0) {
		printf("%s: %s\n", node, msg);
		topo_free(t);
		return EXIT_OK;
	}
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "%s", emu_strerror(r));
	emu_err("%s%s%s: node %s (kind %s): %s", verb, p ? " " : "",
	    p ? prefix_ntop(p, pbuf, sizeof(pbuf)) : "", node, k.kind->name, msg);
	topo_free(t);
	/* Refused or not possible: 1; the speaker does not answer: 8. */
	return r == EMU_EREFUSED || r == EMU_EUNSUPPORTED || r == EMU_EARG || r == EMU_ECONFIG ?
	    EXIT_FAIL :
	    EXIT_DAEMON;
}

int
cmd_drain(int argc, char **argv)
{
	return drain_run(argc, argv, true);
}

int
cmd_undrain(int argc, char **argv)
{
	return drain_run(argc, argv, false);
}
