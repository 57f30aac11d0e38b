/*
 * Small helpers every anylab module shares (anylab.h): where the lab files
 * and the daemons are, user-facing errors, progress lines on a terminal.
 */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anylab.h"

const char *
emu_run_dir(void)
{
	const char *d = getenv("ANYLAB_RUN_DIR");

	return d != NULL && d[0] != '\0' ? d : ANYLAB_RUN_DIR;
}

const char *
emu_bin_dir(void)
{
	static char dir[ANYLAB_PATH_MAX];
	const char *env = getenv("ANYLAB_BIN_DIR");
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return env;
	if (dir[0] != '\0')
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		snprintf(dir, sizeof(dir), ".");
		return dir;
	}
	dir[n] = '\0';
	/* dirname() may return a pointer into dir or a static "." */
	{
		char *d = dirname(dir);

		memmove(dir, d, strlen(d) + 1);
	}
	return dir;
}

const char *
emu_file_dir(const char *file, char *buf, size_t len)
{
	char *abs = realpath(file, NULL);
	char *d;

	if (abs == NULL) {
		snprintf(buf, len, ".");
		return buf;
	}
	d = dirname(abs);
	snprintf(buf, len, "%s", d);
	free(abs);
	return buf;
}

static bool progress_on;
static bool progress_shown;

void
emu_err(const char *fmt, ...)
{
	va_list ap;

	if (progress_shown)
		emu_progress_end();
	fputs("anylab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
emu_progress_enable(bool on)
{
	progress_on = on && isatty(STDERR_FILENO);
}

void
emu_progress(const char *what, size_t done, size_t total)
{
	static long long last;
	long long now;

	if (!progress_on)
		return;
	now = emu_now_us();
	/* At most 20 updates a second, and always the last one. */
	if (done != total && now - last < 50000)
		return;
	last = now;
	fprintf(stderr, "\r\033[K%s %zu/%zu", what, done, total);
	progress_shown = true;
}

void
emu_progress_end(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

long long
emu_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The realtime clock read once, then carried forward by the monotonic clock:
 * a step of the system clock in the middle of a run (a VM restored or
 * paused, an NTP step) would otherwise put the runner's windows and the
 * probes' timestamps seconds apart. Children forked after the first call
 * (the probes) inherit the anchor, so every time of one run is on one scale.
 */
static long long rt_anchor_us, rt_anchor_mono_us;
static bool rt_anchored;

void
emu_now_rt_pin(long long rt_us)
{
	rt_anchor_us = rt_us;
	rt_anchor_mono_us = emu_now_us();
	rt_anchored = true;
}

long long
emu_now_rt_us(void)
{
	struct timespec ts;

	if (!rt_anchored) {
		clock_gettime(CLOCK_REALTIME, &ts);
		rt_anchor_us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
		rt_anchor_mono_us = emu_now_us();
		rt_anchored = true;
	}
	return rt_anchor_us + (emu_now_us() - rt_anchor_mono_us);
}

int
emu_mkdir_p(const char *path, unsigned mode)
{
	char buf[ANYLAB_PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void
emu_out_of_memory(void)
{
	fputs("anylab: out of memory\n", stderr);
	abort();
}

void *
emu_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		emu_out_of_memory();
	return p;
}

char *
emu_strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		emu_out_of_memory();
	return p;
}

unsigned long
emu_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}
