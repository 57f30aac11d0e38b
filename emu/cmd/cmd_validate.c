/*
 * anylab validate FILE: load and check a topology, print every error.
 */
#include <getopt.h>
#include <stdio.h>

#include "anylab.h"
#include "cmds.h"
#include "kind.h"
#include "lab.h"
#include "strbuf.h"
#include "topo.h"

static void
validate_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab validate FILE [--json] [--kind [NODE.]bgp|dns=KIND]...\n"
	    "  Check FILE as `up` does, build nothing. Every error is printed as\n"
	    "  FILE: JSON.PATH: what was expected. Exit status 3 when invalid.\n"
	    "  --kind  as for up: check FILE with these node kinds\n");
}

int
cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "kind", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf sb = STRBUF_INIT;
	struct cfg_errors errs;
	struct topology *t;
	char text[600], *kinds[CMD_KINDS_MAX], msg[KIND_MSG_MAX];
	size_t nkinds = 0;
	bool json = false;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jK:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'K':
			if (nkinds == CMD_KINDS_MAX) {
				fprintf(stderr, "anylab validate: at most %d --kind\n",
				    CMD_KINDS_MAX);
				return EXIT_USAGE;
			}
			kinds[nkinds++] = optarg;
			break;
		case 'h':
			validate_usage(stdout);
			return EXIT_OK;
		default:
			validate_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		validate_usage(stderr);
		return EXIT_USAGE;
	}
	t = NULL;
	rc = topo_load(argv[optind], &t, &errs) < 0 ? EXIT_INVALID : EXIT_OK;
	if (rc == EXIT_OK && kind_override(t, kinds, nkinds, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "anylab validate: %s\n", msg);
		topo_free(t);
		return EXIT_USAGE;
	}
	if (rc == EXIT_OK && lab_check_sections(t, &errs) < 0)
		rc = EXIT_INVALID;
	if (json) {
		sb_puts(&sb, "{\"file\": ");
		sb_json_str(&sb, argv[optind]);
		sb_printf(&sb, ", \"valid\": %s, \"errors\": [", rc == 0 ? "true" : "false");
		for (int i = 0; rc != 0 && i < errs.count; i++) {
			sb_puts(&sb, i ? ", " : "");
			sb_json_str(&sb, cfg_error_text(&errs, i, text, sizeof(text)));
		}
		sb_puts(&sb, "]}\n");
		fputs(sb_str(&sb), stdout);
		sb_free(&sb);
	} else if (rc != 0) {
		cfg_errors_print(&errs, stderr);
	} else {
		printf("%s: valid: lab %s, %zu nodes, %zu links\n", argv[optind], t->name,
		    t->nnodes, t->nlinks);
	}
	if (t != NULL)
		topo_free(t);
	return rc;
}
