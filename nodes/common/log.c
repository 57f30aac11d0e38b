/*
 * Line-oriented logging to a file or standard error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileio.h"
#include "log.h"

static const char *const level_names[] = {
	[LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_REMOTE] = "remote",
	[LOG_LVL_ERR] = "error",
	[LOG_LVL_FATAL] = "fatal",
};

static struct {
	char ident[32];
	char *path;
	FILE *fp;
	enum log_level level;
} logger = { "anylab", NULL, NULL, LOG_LVL_INFO };

/* Appended to, mode 0600 whatever the umask, never through a symbolic link. */
static FILE *
log_fopen(const char *path, int *err)
{
	return file_fcreate(AT_FDCWD, path, 0600, FILE_APPEND, err);
}

int
log_open(const char *ident, const char *path)
{
	int err;

	snprintf(logger.ident, sizeof(logger.ident), "%s", ident);
	free(logger.path);
	logger.path = NULL;
	if (logger.fp != NULL && logger.fp != stderr)
		fclose(logger.fp);
	logger.fp = stderr;
	if (path == NULL)
		return 0;
	logger.path = strdup(path);
	logger.fp = log_fopen(path, &err);
	if (logger.fp == NULL) {
		logger.fp = stderr;
		return err;
	}
	setvbuf(logger.fp, NULL, _IOLBF, 0);
	return 0;
}

void
log_reopen(void)
{
	FILE *fp;
	int err;

	if (logger.path == NULL)
		return;
	fp = log_fopen(logger.path, &err);
	if (fp == NULL)
		return;
	setvbuf(fp, NULL, _IOLBF, 0);
	if (logger.fp != stderr)
		fclose(logger.fp);
	logger.fp = fp;
}

void
log_set_level(enum log_level lvl)
{
	logger.level = lvl;
}

void
log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char stamp[40];
	FILE *fp = logger.fp ? logger.fp : stderr;

	if (lvl < logger.level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	flockfile(fp);
	fprintf(fp, "%s.%06ldZ %s[%s] ", stamp, ts.tv_nsec / 1000, logger.ident, level_names[lvl]);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
	funlockfile(fp);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_FATAL, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}
