/*
 * Stopping processes, the one way anylab does it: SIGTERM to each one still
 * alive, up to a grace period for all of them to exit, then SIGKILL for the
 * rest. Works both for our own children (reaped here, their wait status
 * kept) and for processes another anylab recorded (daemons and captures of
 * a lab brought up by an earlier command), whose liveness is asked of the
 * caller (the record's pid and start time, state_proc_running), so that a
 * pid the kernel has given to someone else is never signalled.
 */
#ifndef ANYLAB_PROC_H
#define ANYLAB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Is process i of the set (pids[i]) still the one the caller started? Asked
 * only for processes that are not our children. NULL: /proc/PID exists and is
 * no zombie (pids of a process that cannot have been reused since).
 */
typedef bool (*proc_alive_fn)(size_t i, void *arg);

/*
 * Stop pids[0..n) (entries <= 1 are skipped). status, when not NULL, gets
 * the wait status of each child of ours that was reaped, -1 for the others.
 * Returns how many had to be killed with SIGKILL (0: every one ended on
 * SIGTERM or was gone already), or -errno.
 */
int proc_stop(const pid_t *pids, size_t n, int grace_ms, proc_alive_fn alive, void *arg,
    int *status);

/* /proc/PID exists and is no zombie. */
bool proc_exists(pid_t);

/*
 * What a process is doing, as /proc tells: a scenario's `start` restarts a
 * daemon only once it is dead, continues a stopped one, and waits for one
 * that was killed and has not exited yet (SIGKILL is taken when the process
 * next runs: one in uninterruptible sleep or frozen may hold its sockets for
 * a while, and /proc shows it as it was).
 */
enum proc_state {
	PROC_STATE_GONE,    /* no such process, or the pid is another process's now */
	PROC_STATE_DEAD,    /* exited, not reaped yet (zombie: state Z or X) */
	PROC_STATE_DYING,   /* SIGKILL pending, or exiting (PF_EXITING): not running code */
	PROC_STATE_STOPPED, /* SIGSTOP (state T or t) */
	PROC_STATE_RUNNING,
	PROC_STATE_MAX,
};

extern const char *const proc_state_names[PROC_STATE_MAX];

/* The state of pid; GONE when starttime (/proc/PID/stat field 22) is not 0 and differs. */
enum proc_state proc_state(pid_t pid, unsigned long long starttime);

#endif
