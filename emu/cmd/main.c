/*
 * anylab: the command. Dispatches to one function per verb through the
 * cmds[] table (iproute2 style); each verb lives in emu/cmd_VERB.c.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "anylab.h"
#include "cmds.h"

static const struct cmd cmds[] = {
	{ "up", cmd_up, "build a lab from a topology file" },
	{ "down", cmd_down, "remove a lab (from its record)" },
	{ "status", cmd_status, "nodes, interfaces, addresses, routes, daemons" },
	{ "exec", cmd_exec, "run a command inside a node" },
	{ "link", cmd_link, "disable/enable an adapter or cut its cable" },
	{ "validate", cmd_validate, "check a topology file, build nothing" },
	{ "list", cmd_list, "the labs that are up" },
	{ "run", cmd_run, "run a scenario and report" },
	{ "capture", cmd_capture, "capture packets on a node's interface" },
	{ "bgp", cmd_bgp, "ask a node's BGP speaker" },
	{ "drain", cmd_drain, "take a node's announcements out of service (RFC 8326)" },
	{ "undrain", cmd_undrain, "put them back in service" },
	{ "graph", cmd_graph, "draw the lab (DOT, SVG, HTML)" },
	{ "generate", cmd_generate, "write a topology: a multi-site anycast service" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: anylab VERB [OPTIONS] [ARGS]   (anylab VERB --help for each)\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
	    "\nexit statuses: 0 ok, 1 failed, 2 usage, 3 invalid topology, 4 already up,\n"
	    "5 no such lab, 6 daemon not built, 7 needs root, 8 daemon did not start\n");
}

int
main(int argc, char **argv)
{
	/*
	 * Whatever umask the caller has, nothing anylab or its daemons make
	 * is writable (a socket: connectable) by others; files that hold keys
	 * are 0600 on top of that (docs/security.md).
	 */
	umask(022);
	emu_raise_nofile(); /* a descriptor per namespace: docs/anylab.md */
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "anylab: %s: unknown verb\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
