/*
 * anylab list: the labs that have a record under /run/anylab.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "anylab.h"
#include "cmds.h"
#include "state.h"
#include "strbuf.h"

int
cmd_list(int argc, char **argv)
{
	struct state st;
	char **names;
	size_t count;
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;

	if (cmd_wants_help(argc, argv)) {
		printf("usage: anylab list [--json]\n  The labs that are up (or were "
		       "interrupted while coming up), one per line.\n");
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && !json)) {
		fprintf(stderr, "usage: anylab list [--json]\n");
		return EXIT_USAGE;
	}
	if (state_list(&names, &count) < 0) {
		emu_err("%s: cannot read", emu_run_dir());
		return EXIT_FAIL;
	}
	if (json)
		fputs("[", stdout);
	for (size_t i = 0; i < count; i++) {
		bool complete = false;

		if (state_open(names[i], &st) == 0) {
			complete = st.complete;
			state_close(&st);
		}
		if (json) {
			/* A folder name under the run dir: anything but '/' and NUL. */
			struct strbuf sb = STRBUF_INIT;

			sb_puts(&sb, i ? ", {\"lab\": " : "{\"lab\": ");
			sb_json_str(&sb, names[i]);
			sb_printf(&sb, ", \"state\": \"%s\"}", complete ? "up" : "incomplete");
			fputs(sb_str(&sb), stdout);
			sb_free(&sb);
		} else {
			printf("%s\t%s\n", names[i], complete ? "up" : "incomplete");
		}
	}
	if (json)
		fputs("]\n", stdout);
	state_list_free(names, count);
	return EXIT_OK;
}
