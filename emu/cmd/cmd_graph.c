/*
 * anylab graph [TOPOLOGY|LAB] [--format dot|svg|html] [-o FILE] [--qname NAME]:
 * the lab drawn (emu/graph/graph.h). A topology file gives the lab as
 * configured; a running lab adds its sessions' states and, for each client,
 * the instance that answers it.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "anylab.h"
#include "cmds.h"
#include "fileio.h"
#include "graph.h"
#include "lab.h"

enum graph_format {
	GRAPH_FMT_DOT,
	GRAPH_FMT_SVG,
	GRAPH_FMT_HTML,
	GRAPH_FMT_MAX,
};

static const char *const graph_format_names[GRAPH_FMT_MAX] = {
	[GRAPH_FMT_DOT] = "dot",
	[GRAPH_FMT_SVG] = "svg",
	[GRAPH_FMT_HTML] = "html",
};

static void
graph_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab graph [TOPOLOGY|LAB] [--format dot|svg|html] [-o FILE] [--qname NAME]\n"
	    "  The lab drawn: nodes by role and site, links, LAN segments, tunnels, BGP\n"
	    "  sessions, anycast addresses. For a running lab (LAB, or the only one up)\n"
	    "  also which sessions are up and which instance answers each client.\n"
	    "  --format dot   Graphviz DOT (the default)\n"
	    "  --format svg   SVG drawn by Graphviz's dot (Debian package graphviz)\n"
	    "  --format html  one self-contained page: the SVG inline and a legend\n"
	    "  -o FILE        write to FILE instead of standard output\n"
	    "  --qname NAME   the identity record a running lab's clients ask for\n"
	    "                 (TXT; default server.zone.tst)\n");
}

/* A path to a file rather than a lab name: has '/' or ".json", or is a regular file. */
static bool
graph_is_file(const char *arg)
{
	struct stat st;
	size_t len = strlen(arg);

	if (strchr(arg, '/') != NULL || (len > 5 && strcmp(arg + len - 5, ".json") == 0))
		return true;
	return stat(arg, &st) == 0 && S_ISREG(st.st_mode);
}

static int
graph_write(const char *file, const char *text)
{
	char why[128];
	FILE *f = stdout;
	int err;

	/* Never through a link, never into a file someone else planted (fileio.h). */
	if (file != NULL && (f = file_fcreate(AT_FDCWD, file, 0644, FILE_REPLACE, &err)) == NULL) {
		emu_err("graph: %s: %s", file, file_strerror(err, 0, why, sizeof(why)));
		return EXIT_FAIL;
	}
	fputs(text, f);
	if ((file != NULL ? fclose(f) : fflush(f)) != 0) {
		emu_err("graph: %s: write failed", file ? file : "standard output");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int
cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "qname", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct graph_live_opts live = { 0 };
	struct strbuf dot = STRBUF_INIT, svg = STRBUF_INIT, html = STRBUF_INIT;
	enum graph_format fmt = GRAPH_FMT_DOT;
	const char *output = NULL, *arg;
	struct topology *t = NULL;
	struct cfg_errors errs;
	char lab[64], msg[512];
	bool running = false;
	struct graph g;
	int c, rc, f;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:o:q:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			for (f = 0; f < GRAPH_FMT_MAX; f++)
				if (strcmp(optarg, graph_format_names[f]) == 0)
					break;
			if (f == GRAPH_FMT_MAX) {
				emu_err("graph: --format %s: expected dot, svg or html", optarg);
				return EXIT_USAGE;
			}
			fmt = (enum graph_format)f;
			break;
		case 'o':
			output = optarg;
			break;
		case 'q':
			live.qname = optarg;
			break;
		case 'h':
			graph_usage(stdout);
			return EXIT_OK;
		default:
			graph_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		graph_usage(stderr);
		return EXIT_USAGE;
	}
	arg = optind < argc ? argv[optind] : NULL;
	if (arg != NULL && graph_is_file(arg)) {
		if (topo_load(arg, &t, &errs) < 0) {
			cfg_errors_print(&errs, stderr);
			return EXIT_INVALID;
		}
	} else {
		rc = lab_resolve(arg, lab, sizeof(lab));
		if (rc != 0)
			return rc;
		if (lab_topology(lab, &t) != 0)
			return EXIT_FAIL;
		running = true;
	}
	graph_build(&g, t);
	if (running)
		graph_live(&g, lab, &live);
	graph_dot(&g, &dot);
	rc = EXIT_OK;
	if (fmt != GRAPH_FMT_DOT) {
		int err = graph_svg(sb_str(&dot), &svg, msg, sizeof(msg));

		if (err < 0) {
			emu_err("graph: %s", msg);
			rc = err == EMU_EMISSING ? EXIT_MISSING : EXIT_FAIL;
			goto free_all;
		}
	}
	if (fmt == GRAPH_FMT_HTML)
		graph_html(&g, sb_str(&svg), &html);
	rc = graph_write(output,
	    fmt == GRAPH_FMT_DOT     ? sb_str(&dot) :
		fmt == GRAPH_FMT_SVG ? sb_str(&svg) :
				       sb_str(&html));
free_all:
	sb_free(&dot);
	sb_free(&svg);
	sb_free(&html);
	graph_free(&g);
	topo_free(t);
	return rc;
}
