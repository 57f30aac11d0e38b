/*
 * Logging for the daemons. Three kinds of trouble are kept apart, as BIRD
 * does with L_REMOTE, L_ERR and bug(): log_remote() for what a peer or a
 * client did wrong, log_err() for our own operational errors, fatal() for
 * setup failures and broken invariants (logs and exits).
 * Each line carries a wall-clock timestamp with microseconds so it can be
 * lined up with captures and the scenario runner's own log.
 */
#ifndef ANYLAB_LOG_H
#define ANYLAB_LOG_H

#include <stdarg.h>
#include <stdnoreturn.h>

enum log_level {
	LOG_LVL_DEBUG,
	LOG_LVL_INFO,
	LOG_LVL_WARN,
	LOG_LVL_REMOTE,
	LOG_LVL_ERR,
	LOG_LVL_FATAL,
};

/* path NULL: standard error. Returns 0 or -errno. */
int log_open(const char *ident, const char *path);
void log_set_level(enum log_level);
void log_reopen(void); /* after rotation (SIGHUP) */

void log_msg(enum log_level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level, const char *fmt, va_list) __attribute__((format(printf, 2, 0)));

#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_remote(...) log_msg(LOG_LVL_REMOTE, __VA_ARGS__)
#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)

noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
