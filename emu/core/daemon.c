/*
 * Node daemon supervision (see daemon.h), the same for every node kind:
 * the kind (kinds/) writes the configuration and says which processes to
 * start and when they are ready; this file starts, records and stops them.
 * A started process is recorded
 * before it can exec: the child waits on a pipe until the parent has
 * appended "daemon NODE SERVICE PID STARTTIME" to the record, and exits if
 * the parent dies first (EOF), so a SIGKILLed `up` never leaves an
 * unrecorded daemon behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "anylab.h"
#include "fileio.h"
#include "daemon.h"
#include "kind.h"
#include "netns.h"
#include "proc.h"

/* In the child: never returns. */
static void
daemon_child(int gate, int nsfd, const char *dir, const char *out, char *const argv[])
{
	char go;
	int fd;

	sigset_t none;

	if (netns_enter(nsfd) < 0 || chdir(dir) < 0)
		_exit(127);
	setsid();
	/* A daemon starts with default signals, whatever its starter ignored or blocked. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	/*
	 * What the daemon makes (sockets, pid files, logs) gets no write bit
	 * for others, whatever the umask of whoever ran anylab: a socket
	 * nobody else may write is one nobody else may connect to.
	 */
	umask(022);
	fd = file_create(AT_FDCWD, out, 0600, FILE_APPEND);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	/* Wait until the parent has recorded us; EOF means it died first. */
	if (read(gate, &go, 1) != 1)
		_exit(0);
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	execvp(argv[0], argv); /* a service may name its program without a path */
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Start one process of a daemon and record it as service (before it may exec). */
static int
daemon_spawn(struct state *st, const struct kind_node *k, const struct kind_proc *p,
    const char *service, int nsfd, pid_t *pidp)
{
	char out[ANYLAB_PATH_MAX + 64];
	unsigned long long start;
	int gate[2], err;
	pid_t pid;

	if (snprintf(out, sizeof(out), "%s/%s.out", k->dir, service) >= (int)sizeof(out))
		return -ENAMETOOLONG;
	if (pipe2(gate, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(gate[0]);
		close(gate[1]);
		return err;
	}
	if (pid == 0) {
		close(gate[1]);
		daemon_child(gate[0], nsfd, k->dir, out, p->argv);
	}
	close(gate[0]);
	start = state_proc_starttime(pid);
	err = state_add_daemon(st, k->node->name, service, pid, start);
	if (err < 0) {
		close(gate[1]); /* the child exits on EOF */
		waitpid(pid, NULL, 0);
		return err;
	}
	if (write(gate[1], "g", 1) != 1)
		err = -errno;
	close(gate[1]);
	*pidp = pid;
	return err;
}

/* Is the latest record of service still its running process? */
static bool
daemon_recorded_running(const struct state *st, const char *node, const char *service)
{
	const struct state_entry *found = NULL;

	for (size_t i = 0; i < st->nentries; i++) {
		const struct state_entry *e = &st->entries[i];

		if (e->kind == STATE_DAEMON && strcmp(e->node, node) == 0 &&
		    strcmp(e->service, service) == 0)
			found = e;
	}
	return found != NULL && state_proc_running(found);
}

/* Wait until path exists (a helper's socket): 0, or -ETIMEDOUT. */
static int
daemon_wait_path(const char *path, int timeout_ms)
{
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000;
	struct timespec pause = { 0, 2 * 1000 * 1000 };

	while (access(path, F_OK) < 0) {
		if (emu_now_us() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	return 0;
}

int
daemon_start(struct state *st, const struct kind_node *k, int nsfd, bool only_dead, pid_t *pidp,
    char *msg, size_t msglen)
{
	struct kind_proc *procs;
	char service[sizeof(st->entries[0].service)];
	int n, err;

	msg[0] = '\0';
	err = k->kind->configure(k, msg, msglen);
	if (err < 0) {
		if (msg[0] == '\0')
			snprintf(msg, msglen, "writing its configuration: %s", emu_strerror(err));
		return err;
	}
	procs = emu_calloc(KIND_PROCS_MAX, sizeof(*procs));
	n = k->kind->procs(k, procs, KIND_PROCS_MAX);
	if (n <= 0) {
		snprintf(msg, msglen, "its command line: %s", emu_strerror(n < 0 ? n : EMU_ETRUNC));
		free(procs);
		return n < 0 ? n : EMU_ETRUNC;
	}
	/* Helpers (1..n-1) first, the main process (0) last. */
	for (int k_i = 1; k_i <= n; k_i++) {
		int i = k_i % n;
		pid_t pid = 0;

		if (procs[i].name[0] != '\0')
			snprintf(service, sizeof(service), "%s.%s", k->service, procs[i].name);
		else
			snprintf(service, sizeof(service), "%s", k->service);
		if (only_dead && daemon_recorded_running(st, k->node->name, service))
			continue;
		if (procs[i].wait_path[0] != '\0' &&
		    daemon_wait_path(procs[i].wait_path, KIND_WAIT_PATH_MS) < 0) {
			err = -ETIMEDOUT;
			snprintf(msg, msglen,
			    "%s did not appear within %d ms (started by a helper)",
			    procs[i].wait_path, KIND_WAIT_PATH_MS);
			break;
		}
		err = daemon_spawn(st, k, &procs[i], service, nsfd, &pid);
		if (err < 0) {
			snprintf(msg, msglen, "starting %s: %s", procs[i].argv[0],
			    emu_strerror(err));
			break;
		}
		if (i == 0)
			*pidp = pid;
	}
	free(procs);
	return err;
}

int
daemon_wait_ready(const struct kind_node *k, pid_t pid, int timeout_ms)
{
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int status, err;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -ECHILD;
		err = k->kind->ready(k);
		if (err != -EAGAIN)
			return err;
		if (emu_now_us() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

void
daemon_show_files(const struct kind_node *k)
{
	char path[ANYLAB_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s.log", k->dir, k->service);
	daemon_show_tail(path, 10);
	snprintf(path, sizeof(path), "%s/%s.out", k->dir, k->service);
	daemon_show_tail(path, 10);
}

void
daemon_show_tail(const char *path, int nlines)
{
	char buf[4096], *p, *start;
	ssize_t n;
	off_t size;
	int fd, seen = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	start = buf;
	for (p = buf + n; p > buf; p--) {
		if (p[-1] == '\n' && ++seen == nlines) {
			start = p;
			break;
		}
	}
	fprintf(stderr, "--- last lines of %s:\n%s\n---\n", path, start);
}

bool
daemon_running(const struct state_entry *e)
{
	return e->kind == STATE_DAEMON && state_proc_running(e);
}

struct daemon_stop_set {
	const struct state_entry **entries;
};

/* Still the process the record names (pid and start time)? */
static bool
daemon_still_recorded(size_t i, void *arg)
{
	const struct daemon_stop_set *set = arg;

	return state_proc_running(set->entries[i]);
}

int
daemon_stop_recorded(const struct state *st, enum state_kind kind, int grace_ms)
{
	struct daemon_stop_set set;
	pid_t *pids;
	size_t n = 0;
	int killed;

	set.entries = emu_calloc(st->nentries, sizeof(*set.entries));
	pids = emu_calloc(st->nentries, sizeof(*pids));
	for (size_t i = 0; i < st->nentries; i++) {
		if (st->entries[i].kind != kind || !state_proc_running(&st->entries[i]))
			continue;
		set.entries[n] = &st->entries[i];
		pids[n++] = st->entries[i].pid;
	}
	killed = n ? proc_stop(pids, n, grace_ms, daemon_still_recorded, &set, NULL) : 0;
	free(pids);
	free(set.entries);
	return killed < 0 ? 0 : killed;
}

int
daemon_stop_all(const struct state *st, int grace_ms)
{
	return daemon_stop_recorded(st, STATE_DAEMON, grace_ms);
}
