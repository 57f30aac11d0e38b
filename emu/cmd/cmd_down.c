/*
 * anylab down [LAB]: remove a lab from its record (idempotent).
 */
#include <getopt.h>
#include <stdio.h>

#include "anylab.h"
#include "cmds.h"
#include "lab.h"
#include "strbuf.h"

static void
down_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab down [LAB] [--json]\n"
	    "  Stop the lab's daemons, remove its namespaces, switch namespace,\n"
	    "  /etc/netns entries and record, exactly as recorded under\n"
	    "  /run/anylab/LAB/. LAB may be left out when one lab is up. A lab that\n"
	    "  is not up is not an error (nothing to do).\n");
}

int
cmd_down(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char lab[64];
	bool json = false;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			down_usage(stdout);
			return EXIT_OK;
		default:
			down_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		down_usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		snprintf(lab, sizeof(lab), "%s", argv[optind]);
	else if ((rc = lab_resolve(NULL, lab, sizeof(lab))) != 0)
		return rc;
	rc = lab_down(lab, json);
	if (json) {
		struct strbuf sb = STRBUF_INIT;

		/* The name as the user typed it: quoted by the JSON writer. */
		sb_puts(&sb, "{\"lab\": ");
		sb_json_str(&sb, lab);
		sb_printf(&sb, ", \"removed\": %s}\n", rc == 0 ? "true" : "false");
		fputs(sb_str(&sb), stdout);
		sb_free(&sb);
	}
	if (!json && rc == 0)
		printf("lab %s is down\n", lab);
	return rc;
}
