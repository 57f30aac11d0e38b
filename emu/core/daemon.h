/*
 * The node daemons of a lab, whatever their kind (kinds/kind.h): started in
 * the foreground inside their node's namespace, in nodes/NODE/, output to
 * nodes/NODE/SERVICE.out, recorded (pid and start time) before they may
 * exec, ready when their kind says so, and stopped with SIGTERM (SIGKILL
 * after a grace period) only when /proc/PID is still the process that was
 * started.
 */
#ifndef ANYLAB_DAEMON_H
#define ANYLAB_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

#include "state.h"
#include "topo.h"

struct kind_node;

/*
 * Write the daemon's configuration (its kind's configure op) and start its
 * processes (procs op) in namespace nsfd, in the node's folder, each
 * recorded in st as SERVICE or SERVICE.PROC before it may exec; *pid is the
 * main one. Helpers start first; a process with a wait_path starts once that
 * path exists. only_dead (a restart): processes whose record still runs
 * (FRR's zebra when only bgpd was killed) are left as they are. 0 or a negative emu error with msg saying what failed.
 */
int daemon_start(struct state *st, const struct kind_node *, int nsfd, bool only_dead, pid_t *pid,
    char *msg, size_t msglen);
/* Poll the kind's ready op. 0, -ETIMEDOUT, -ECHILD (it exited) or the kind's error. */
int daemon_wait_ready(const struct kind_node *, pid_t pid, int timeout_ms);
/* The last lines of its log and output files on standard error (after a failed start). */
void daemon_show_files(const struct kind_node *);
/* Copy the last lines of a daemon's log or output file to standard error. */
void daemon_show_tail(const char *path, int nlines);
/* Is the recorded process still the one that was started? */
bool daemon_running(const struct state_entry *);
/* Stop every daemon in the record; returns how many had to be killed with SIGKILL. */
int daemon_stop_all(const struct state *, int grace_ms);
/*
 * Stop every recorded process of one kind (STATE_DAEMON, STATE_CAPTURE)
 * that is still the process recorded: SIGTERM, up to grace_ms to exit, then
 * SIGKILL. Returns how many had to be killed.
 */
int daemon_stop_recorded(const struct state *, enum state_kind, int grace_ms);

#endif
