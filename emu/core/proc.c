/*
 * proc_stop (proc.h): SIGTERM, a bounded wait, SIGKILL. Our children are
 * told apart from others' by waitpid(WNOHANG): it reaps a child that has
 * exited and answers ECHILD for a process that is not ours, whose liveness
 * then comes from the caller (or /proc). proc_state: what /proc/PID/stat
 * and /proc/PID/status say of a process (proc(5)).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "anylab.h"
#include "proc.h"

#define PROC_POLL_NS	(5 * 1000 * 1000)
#define PROC_PF_EXITING 0x00000004 /* include/linux/sched.h: getting shut down */

const char *const proc_state_names[PROC_STATE_MAX] = {
	[PROC_STATE_GONE] = "gone",
	[PROC_STATE_DEAD] = "dead",
	[PROC_STATE_DYING] = "dying",
	[PROC_STATE_STOPPED] = "stopped",
	[PROC_STATE_RUNNING] = "running",
};

enum proc_seen {
	PROC_GONE, /* exited (reaped if ours), or never there */
	PROC_RUNNING,
};

struct proc_set {
	const pid_t *pids;
	size_t n;
	proc_alive_fn alive;
	void *arg;
	int *status;
	bool *ours; /* a child of this process (waitpid knew it) */
	bool *gone;
};

static enum proc_seen proc_look(struct proc_set *, size_t i);

bool
proc_exists(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	/* "PID (comm) S ...": the state follows the last ')'. */
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X' && p[2] != '\0';
}

/* Is SIGKILL pending for the process (its own or its threads' shared set)? */
static bool
proc_kill_pending(pid_t pid)
{
	char path[64], line[256];
	unsigned long long mask;
	bool pending = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (!pending && fgets(line, sizeof(line), f) != NULL) {
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
			sscanf(line, "ShdPnd: %llx", &mask) == 1) &&
		    (mask & (1ULL << (SIGKILL - 1))) != 0)
			pending = true;
	}
	fclose(f);
	return pending;
}

enum proc_state
proc_state(pid_t pid, unsigned long long starttime)
{
	char path[64], buf[1024], *p, *save = NULL, *tok, state = '?';
	unsigned long long start = 0, flags = 0;
	ssize_t len;
	int fd, i;

	if (pid <= 1)
		return PROC_STATE_GONE;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PROC_STATE_GONE;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return PROC_STATE_GONE;
	buf[len] = '\0';
	/* "PID (comm) S ...": fields after the last ')', state is field 3. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return PROC_STATE_GONE;
	for (i = 3, tok = strtok_r(p + 1, " ", &save); tok != NULL && i <= 22;
	     i++, tok = strtok_r(NULL, " ", &save)) {
		if (i == 3)
			state = tok[0];
		else if (i == 9)
			flags = strtoull(tok, NULL, 10);
		else if (i == 22)
			start = strtoull(tok, NULL, 10);
	}
	if (starttime != 0 && start != starttime)
		return PROC_STATE_GONE;
	if (state == 'Z' || state == 'X' || state == 'x')
		return PROC_STATE_DEAD;
	if ((flags & PROC_PF_EXITING) != 0 || proc_kill_pending(pid))
		return PROC_STATE_DYING;
	if (state == 'T' || state == 't')
		return PROC_STATE_STOPPED;
	return PROC_STATE_RUNNING;
}

/* Reap process i if it is our child and has exited; else ask whether it runs. */
static enum proc_seen
proc_look(struct proc_set *s, size_t i)
{
	pid_t pid = s->pids[i], r;
	int st;

	if (s->gone[i])
		return PROC_GONE;
	r = waitpid(pid, &st, WNOHANG);
	if (r == pid) {
		if (s->status != NULL)
			s->status[i] = st;
		s->gone[i] = true;
		return PROC_GONE;
	}
	if (r == 0) {
		s->ours[i] = true;
		return PROC_RUNNING;
	}
	/* Not (or no longer) our child: watch it through the caller or /proc. */
	if (s->ours[i] || !(s->alive != NULL ? s->alive(i, s->arg) : proc_exists(pid))) {
		s->gone[i] = true;
		return PROC_GONE;
	}
	return PROC_RUNNING;
}

int
proc_stop(const pid_t *pids, size_t n, int grace_ms, proc_alive_fn alive, void *arg, int *status)
{
	struct timespec pause = { 0, PROC_POLL_NS };
	struct proc_set s = { pids, n, alive, arg, status, NULL, NULL };
	long long deadline = emu_now_us() + (long long)grace_ms * 1000;
	size_t left;
	int killed = 0;

	if (n == 0)
		return 0;
	s.ours = calloc(n, sizeof(*s.ours));
	s.gone = calloc(n, sizeof(*s.gone));
	if (s.ours == NULL || s.gone == NULL) {
		killed = -ENOMEM;
		goto out_free;
	}
	for (size_t i = 0; i < n; i++) {
		if (status != NULL)
			status[i] = -1;
		s.gone[i] = pids[i] <= 1;
		if (proc_look(&s, i) == PROC_RUNNING)
			kill(pids[i], SIGTERM);
	}
	for (;;) {
		left = 0;
		for (size_t i = 0; i < n; i++)
			left += proc_look(&s, i) == PROC_RUNNING;
		if (left == 0 || emu_now_us() >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	for (size_t i = 0; left > 0 && i < n; i++) {
		int st;

		if (proc_look(&s, i) != PROC_RUNNING)
			continue;
		kill(pids[i], SIGKILL);
		killed++;
		if (s.ours[i] && waitpid(pids[i], &st, 0) == pids[i] && status != NULL)
			status[i] = st;
		s.gone[i] = true;
	}
out_free:
	free(s.ours);
	free(s.gone);
	return killed;
}
