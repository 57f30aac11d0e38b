/*
 * anylab exec [-l LAB] NODE -- CMD...: run CMD in the node's namespace, with
 * its /etc/netns files (resolv.conf) bound over /etc as `ip netns exec` does.
 * The exit status is CMD's (128+N when a signal N ended it).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "anylab.h"
#include "cmds.h"
#include "lab.h"

static void
exec_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab exec [-l LAB] NODE [--] CMD [ARGS...]\n"
	    "  Run CMD inside NODE's namespace with the node's resolver. The exit\n"
	    "  status is CMD's; 125 when anylab failed, 126 not executable, 127 not found.\n");
}

int
cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *given = NULL, *node;
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	struct topology *t;
	char lab[64];
	int c, rc, status;
	bool known;
	pid_t pid;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			given = optarg;
			break;
		case 'h':
			exec_usage(stdout);
			return EXIT_OK;
		default:
			exec_usage(stderr);
			return EXIT_EXEC_FAIL;
		}
	}
	if (optind >= argc) {
		exec_usage(stderr);
		return EXIT_EXEC_FAIL;
	}
	node = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc) {
		exec_usage(stderr);
		return EXIT_EXEC_FAIL;
	}
	rc = lab_resolve(given, lab, sizeof(lab));
	if (rc != 0)
		return EXIT_EXEC_FAIL;
	if (lab_topology(lab, &t) != 0)
		return EXIT_EXEC_FAIL;
	known = lab_node_find(lab, t, node) != NULL;
	topo_free(t);
	if (!known)
		return EXIT_EXEC_FAIL;
	/* Ctrl-C goes to the command; anylab waits for it. */
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = lab_spawn(lab, node, argv + optind);
	if (pid < 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		emu_err("%s: node %s of lab %s: %s", node, node, lab, strerror((int)-pid));
		return EXIT_EXEC_FAIL;
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
