/*
 * Declarations shared by every part of the anylab command: exit statuses,
 * where the lab's files live, user-facing error and progress output.
 * The exit statuses are part of the interface (docs/anylab.md).
 */
#ifndef ANYLAB_ANYLAB_H
#define ANYLAB_ANYLAB_H

#include <stdbool.h>
#include <stddef.h>

#include "emu_error.h"

enum anylab_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		  /* the kernel or the system refused; rolled back */
	EXIT_USAGE = 2,		  /* bad command line */
	EXIT_INVALID = 3,	  /* the topology file is invalid: nothing was created */
	EXIT_EXISTS = 4,	  /* the lab (or one of its namespaces) already exists */
	EXIT_NOLAB = 5,		  /* no such lab, or several up and none named */
	EXIT_MISSING = 6,	  /* a daemon the topology needs is not built */
	EXIT_NOPRIV = 7,	  /* needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) */
	EXIT_DAEMON = 8,	  /* a node daemon did not start or did not answer */
	EXIT_BUSY = 9,		  /* another anylab command is changing the lab (lab_lock) */
	EXIT_EXEC_FAIL = 125,	  /* exec: anylab itself failed before running CMD */
	EXIT_EXEC_NOEXEC = 126,	  /* exec: CMD found but not executable */
	EXIT_EXEC_NOTFOUND = 127, /* exec: CMD not found */
};

#define ANYLAB_RUN_DIR	     "/run/anylab"
#define ANYLAB_NETNS_DIR     "/run/netns"
#define ANYLAB_ETC_NETNS_DIR "/etc/netns"
#define ANYLAB_PATH_MAX	     512

/* Overridable for tests: ANYLAB_RUN_DIR in the environment. */
const char *emu_run_dir(void);
/* Directory holding the anylab binary (daemons are looked up there). */
const char *emu_bin_dir(void);
/* The absolute directory holding file (its relative names resolve there). */
const char *emu_file_dir(const char *file, char *buf, size_t len);
/* "anylab: " + message on standard error. */
void emu_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress: one line rewritten on a terminal; nothing when quiet or not a tty. */
void emu_progress_enable(bool on);
void emu_progress(const char *what, size_t done, size_t total);
void emu_progress_end(void);
/* Microseconds on the monotonic clock (intervals, deadlines). */
long long emu_now_us(void);
/*
 * Microseconds on the realtime clock (timestamps shared with probe logs and
 * captures), read once per process and carried forward by the monotonic
 * clock, so that a step of the system clock does not move a run's windows.
 */
long long emu_now_rt_us(void);
/* Anchor this process's realtime scale at rt_us now (its children forked after inherit it). */
void emu_now_rt_pin(long long rt_us);
/* mkdir -p with mode for every folder made. 0 or -errno (-ENAMETOOLONG). */
int emu_mkdir_p(const char *path, unsigned mode);
/* calloc/strdup that end anylab on exhaustion ("out of memory"): no caller checks. */
void *emu_calloc(size_t n, size_t size);
/*
 * Raise the soft RLIMIT_NOFILE to the hard one (a lab holds a descriptor
 * per namespace); called once at start. The soft limit now in force.
 */
unsigned long emu_raise_nofile(void);
char *emu_strdup(const char *s);

#endif
