/*
 * What the files of the lab core (lab_up.c, lab_daemons.c, lab_capture.c,
 * lab_down.c) share while a lab is built, and nothing outside them
 * includes: the build in progress and the steps of `up` that live in their
 * own files.
 */
#ifndef ANYLAB_LAB_INTERNAL_H
#define ANYLAB_LAB_INTERNAL_H

#include <signal.h>
#include <stdbool.h>

#include "anylab.h"
#include "lab.h"
#include "netlink.h"
#include "state.h"
#include "topo.h"

/* A lab being built by up. */
struct lab_build {
	struct topology *t;
	const char *lab;
	struct state st;
	struct kn_ns sw;     /* fd -1 when the lab has no LAN */
	struct kn_ns *nodes; /* one per topology node */
	struct lab_up_result *res;
	bool warned_seed;
	bool warned_v6;
	char base_dir[ANYLAB_PATH_MAX]; /* the topology's */
};

/* The signal that interrupted up (SIGINT, SIGTERM, SIGHUP), or 0. */
extern volatile sig_atomic_t lab_interrupted;

/*
 * lab_daemons.c: the daemons of up. These return exit statuses
 * (anylab.h) while the supervisor is rewritten; lab_up.c turns them into
 * emu errors.
 */
int lab_check_binaries(const struct topology *, const struct lab_up_opts *);
int lab_make_node_dirs(struct lab_build *);
int lab_start_daemons(struct lab_build *, int timeout_ms);
void lab_wait_converged(struct lab_build *, int timeout_ms);

/* lab_capture.c: up --capture's capture processes, and down's stop of them. */
int lab_start_captures(struct lab_build *, const char *dir);
/* Stop the record's capture processes (proc_stop). How many were killed, or -errno. */
int lab_stop_captures(const struct state *, int grace_ms);

#endif
