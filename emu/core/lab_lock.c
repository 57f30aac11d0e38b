/*
 * The lock of a lab (lab.h): `up`, `down`, `link`, `run` and a scenario's
 * faults change one lab one at a time. The lock is a POSIX record lock
 * (fcntl F_SETLK) on /run/anylab/.LAB.lock, a file beside the lab's
 * directory, so that it outlives `down` removing the directory and exists
 * before `up` makes it. The command that took it removes the file too when
 * it lets go and the lab has no record (down, a failed up, a run's end),
 * while it still holds the lock; a command that was waiting on it then finds
 * its lock on a file no longer at the path, and locks the path's new file. A record
 * lock belongs to the process that took it: a child forked without exec (a
 * capture, the runner under its guard) never holds it on its own, so no
 * process that outlives the command keeps the lab locked, and the kernel
 * releases it when the holder dies, SIGKILL included. The holder writes
 * "VERB PID" into the file, so that a second command can say who holds it;
 * F_GETLK gives the holder's pid from the kernel, and the file's verb is
 * believed only when its pid is that one.
 *
 * What a second command does (docs/anylab.md, "One command at a time"): it
 * waits, saying for whom, up to ANYLAB_LOCK_WAIT seconds (default 60; 0:
 * refuse at once), then fails with EMU_EBUSY naming the holder. `down` of a
 * lab that `up` is still building first tells that `up` to stop (SIGTERM,
 * through a pidfd opened while the lock showed it as the holder): up rolls
 * back what it made and fails, and down then removes whatever is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "anylab.h"
#include "lab.h"
#include "lab_internal.h"
#include "state.h"

#define LAB_LOCK_WAIT_S	 60
#define LAB_LOCK_POLL_NS (20 * 1000 * 1000)
#define LAB_LOCKS_MAX	 4

/* The locks this process holds (or inherited from the parent that holds them). */
static struct lab_lock_held {
	char lab[64];
	int fd;
	int depth;
} lab_locks[LAB_LOCKS_MAX];

static struct lab_lock_held *lab_lock_find(const char *lab);
static int lab_lock_try(int fd);
static pid_t lab_lock_holder(int fd, char *verb, size_t len);
static void lab_lock_stop_up(const char *lab, int fd, pid_t holder);
static int lab_lock_wait_s(void);

static struct lab_lock_held *
lab_lock_find(const char *lab)
{
	for (size_t i = 0; i < LAB_LOCKS_MAX; i++) {
		if (lab_locks[i].depth > 0 && strcmp(lab_locks[i].lab, lab) == 0)
			return &lab_locks[i];
	}
	return NULL;
}

/* 0 when taken, -EAGAIN when another process holds it, or -errno. */
static int
lab_lock_try(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	return errno == EACCES || errno == EAGAIN ? -EAGAIN : -errno;
}

/* The pid holding the lock (0: nobody now) and its verb ("?" when the file does not say). */
static pid_t
lab_lock_holder(int fd, char *verb, size_t len)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char buf[64], v[16];
	ssize_t n;
	int pid;

	snprintf(verb, len, "?");
	if (fcntl(fd, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK)
		return 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%15s %d", v, &pid) == 2 && pid == fl.l_pid)
			snprintf(verb, len, "%s", v);
	}
	return fl.l_pid;
}

/*
 * `down` while `up` builds the lab: SIGTERM to that up, which rolls back.
 * The pidfd is opened first and the lock asked again, so the signal goes to
 * the process that held the lock, never to a pid reused meanwhile.
 */
static void
lab_lock_stop_up(const char *lab, int fd, pid_t holder)
{
	char verb[16];
	int pidfd;

	pidfd = (int)syscall(SYS_pidfd_open, holder, 0);
	if (pidfd < 0)
		return;
	if (lab_lock_holder(fd, verb, sizeof(verb)) == holder && strcmp(verb, "up") == 0) {
		emu_err("lab %s: `up` (pid %d) is still building it: stopping it (it removes "
			"what it made)",
		    lab, (int)holder);
		syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	}
	close(pidfd);
}

static int
lab_lock_wait_s(void)
{
	const char *s = getenv("ANYLAB_LOCK_WAIT");
	char *end;
	long v;

	if (s == NULL || s[0] == '\0')
		return LAB_LOCK_WAIT_S;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 && v <= 86400 ? (int)v : LAB_LOCK_WAIT_S;
}

const char *
lab_lock_path(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "%s/.%s.lock", emu_run_dir(), lab);
	return buf;
}

int
lab_lock(const char *lab, const char *verb)
{
	struct lab_lock_held *h = lab_lock_find(lab);
	struct timespec pause = { 0, LAB_LOCK_POLL_NS };
	char path[ANYLAB_PATH_MAX + 16], line[64], hverb[16];
	struct stat fst, pst;
	long long deadline;
	pid_t holder, said = 0;
	int fd, err, wait_s;

	if (h != NULL) {
		h->depth++; /* this command holds it already (run's faults, up's rollback) */
		return 0;
	}
	if (!lab_name_valid(lab)) {
		emu_err("%s: not a lab name", lab);
		return EMU_ENOLAB;
	}
	for (h = lab_locks; h < lab_locks + LAB_LOCKS_MAX && h->depth > 0; h++)
		;
	if (h == lab_locks + LAB_LOCKS_MAX)
		return -ENOLCK;
	if (mkdir(emu_run_dir(), 0755) < 0 && errno != EEXIST) {
		err = -errno;
		emu_err("%s: %s", emu_run_dir(), strerror(-err));
		return err;
	}
	lab_lock_path(lab, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		emu_err("%s: %s", path, strerror(-err));
		return err == -EACCES ? -EPERM : err;
	}
	wait_s = lab_lock_wait_s();
	deadline = emu_now_us() + (long long)wait_s * 1000000;
	while ((err = lab_lock_try(fd)) == -EAGAIN) {
		if (lab_interrupted) {
			close(fd); /* up, whose handler catches the signal: stop waiting */
			return -EINTR;
		}
		holder = lab_lock_holder(fd, hverb, sizeof(hverb));
		if (holder != 0 && holder != said) {
			said = holder;
			if (strcmp(verb, "down") == 0 && strcmp(hverb, "up") == 0)
				lab_lock_stop_up(lab, fd, holder);
			else if (wait_s > 0)
				emu_err("lab %s is busy: `%s` (pid %d) is changing it; waiting up "
					"to %d s",
				    lab, hverb, (int)holder, wait_s);
		}
		if (emu_now_us() >= deadline) {
			if (wait_s > 0)
				emu_err("lab %s is still busy after %d s: `%s` (pid %d) is "
					"changing it",
				    lab, wait_s, hverb, (int)holder);
			else
				emu_err("lab %s is busy: `%s` (pid %d) is changing it "
					"(ANYLAB_LOCK_WAIT=0: not waiting)",
				    lab, hverb, (int)holder);
			close(fd);
			return EMU_EBUSY;
		}
		nanosleep(&pause, NULL);
	}
	if (err < 0) {
		emu_err("%s: locking: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	/*
	 * The `down` that held it may have removed the file meanwhile: a lock on
	 * a file no longer at the path guards nothing. Lock the path's file.
	 */
	if (fstat(fd, &fst) < 0 || stat(path, &pst) < 0 || fst.st_ino != pst.st_ino ||
	    fst.st_dev != pst.st_dev) {
		close(fd);
		return lab_lock(lab, verb);
	}
	snprintf(line, sizeof(line), "%s %d\n", verb, (int)getpid());
	/* Only what a waiting command says depends on it: a failure is ignored. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, line, strlen(line), 0) < 0)
		line[0] = '\0';
	snprintf(h->lab, sizeof(h->lab), "%s", lab);
	h->fd = fd;
	h->depth = 1;
	return 0;
}

void
lab_unlock(const char *lab)
{
	struct lab_lock_held *h = lab_lock_find(lab);
	char path[ANYLAB_PATH_MAX + 16];

	if (h == NULL || --h->depth > 0)
		return;
	/* Nothing of the lab is left (down, a failed up, a run's end): nor its lock file. */
	if (!state_exists(lab))
		unlink(lab_lock_path(lab, path, sizeof(path)));
	/* Closing the file releases the record lock (this process's). */
	close(h->fd);
	h->fd = -1;
}
