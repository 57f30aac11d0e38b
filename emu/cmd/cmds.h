/*
 * The subcommand table of the anylab command (iproute2's cmds[]): one entry
 * per verb, each implemented in emu/cmd_VERB.c as int cmd_VERB(argc, argv)
 * returning an exit status (anylab.h). argv[0] is the verb. main.c holds
 * the table; a new verb is a new file, a declaration here and a row there.
 */
#ifndef ANYLAB_CMDS_H
#define ANYLAB_CMDS_H

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_bgp(int argc, char **argv);
int cmd_drain(int argc, char **argv);
int cmd_undrain(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_generate(int argc, char **argv);

/*
 * The table `anylab bgp NODE VERB` prints for a speaker's JSON answer (on
 * standard output); -1 when VERB has no table (its JSON is printed).
 */
struct cJSON;
int cmd_bgp_print(const char *verb, const struct cJSON *doc);

/* --kind [NODE.]SECTION=KIND (up, run, validate): at most this many. */
#define CMD_KINDS_MAX 16

/* Shared by the cmd_*.c files: true when argv[i] is --help or -h. */
int cmd_wants_help(int argc, char **argv);

#endif
