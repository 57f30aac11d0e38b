/*
 * down (lab.h): a lab removed from its record alone, by exact name, even
 * after an up that was killed halfway: daemons stopped, then captures
 * (their last packets are the daemons' goodbyes), then namespaces and
 * /etc/netns entries, then the record itself.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "anylab.h"
#include "daemon.h"
#include "lab_internal.h"
#include "netns.h"
#include "state.h"

#define LAB_STOP_GRACE_MS 3000
/*
 * Removal is mostly waiting: on a file system mounted with `discard` every
 * freed block is discarded before rmdir or unlink returns (3 ms for an
 * /etc/netns directory here), and each umount waits for the kernel. So
 * LAB_REMOVERS processes remove in parallel, each every LAB_REMOVERS-th
 * object, in the order they were made.
 */
#define LAB_REMOVERS	  8
#define LAB_REMOVE_SERIAL 64 /* below this many objects, one process */

static int lab_remove_locked(const char *lab, bool quiet);
static int lab_remove_entry(const struct state_entry *);
static int lab_remove_node_dir(const char *dir, const char *name);

static int
lab_remove_etc(const char *name)
{
	char dir[ANYLAB_PATH_MAX], path[ANYLAB_PATH_MAX + 16];
	int err;

	snprintf(dir, sizeof(dir), "%s/%s", ANYLAB_ETC_NETNS_DIR, name);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	if (rmdir(dir) < 0 && errno != ENOENT) {
		err = -errno;
		emu_err("warning: %s: %s (left in place: it holds files anylab did not write)", dir,
		    strerror(-err));
		return err;
	}
	return 0;
}

static int
lab_remove_entry(const struct state_entry *e)
{
	int err = 0;

	if (e->kind == STATE_NETNS && !e->cancelled) {
		err = netns_delete(e->name);
		if (err < 0)
			emu_err("removing namespace %s: %s", e->name, strerror(-err));
	} else if (e->kind == STATE_ETC) {
		err = lab_remove_etc(e->name);
	}
	return err;
}

static int
lab_remove_entry_at(size_t i, void *arg)
{
	return lab_remove_entry(&((struct state *)arg)->entries[i]);
}

/*
 * fn(0..n-1, arg) spread over LAB_REMOVERS processes (item i in process
 * i % LAB_REMOVERS, in order); the first error, or -EIO when a process
 * failed (each says its own errors). One process for few items, or when
 * fork fails.
 */
static int
lab_remove_parallel(size_t n, int (*fn)(size_t, void *), void *arg)
{
	pid_t pids[LAB_REMOVERS];
	size_t forked = 0;
	int first = 0, err, status;

	if (n >= LAB_REMOVE_SERIAL) {
		fflush(NULL);
		for (; forked < LAB_REMOVERS; forked++) {
			pids[forked] = fork();
			if (pids[forked] < 0)
				break;
			if (pids[forked] == 0) {
				for (size_t i = forked; i < n; i += LAB_REMOVERS) {
					if (fn(i, arg) < 0)
						first = -1;
				}
				_exit(first < 0 ? 1 : 0);
			}
		}
	}
	/* The items of the processes that could not be made, here. */
	for (size_t c = forked; c < LAB_REMOVERS || forked == 0; c++) {
		for (size_t i = c; i < n; i += forked == 0 ? 1 : LAB_REMOVERS) {
			err = fn(i, arg);
			if (err < 0 && first == 0)
				first = err;
		}
		if (forked == 0)
			break;
	}
	for (size_t c = 0; c < forked; c++) {
		while (waitpid(pids[c], &status, 0) < 0 && errno == EINTR)
			;
		if ((!WIFEXITED(status) || WEXITSTATUS(status) != 0) && first == 0)
			first = -EIO;
	}
	return first;
}

/* The record's node directories (daemon files), in parallel, before the rest of the record. */
struct lab_node_dirs {
	char dir[ANYLAB_PATH_MAX];
	char **names;
	size_t n;
};

static int
lab_remove_node_dir_at(size_t i, void *arg)
{
	struct lab_node_dirs *d = arg;

	return lab_remove_node_dir(d->dir, d->names[i]);
}

static int
lab_remove_node_dir(const char *dir, const char *name)
{
	char path[ANYLAB_PATH_MAX * 2 + 2], file[ANYLAB_PATH_MAX * 3 + 3];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	d = opendir(path);
	if (d == NULL)
		return 0; /* state_remove says what is left */
	while ((e = readdir(d)) != NULL) {
		if (e->d_type == DT_DIR)
			continue; /* state_remove's: anylab makes none */
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(path);
	return 0;
}

static void
lab_remove_node_dirs(const char *lab)
{
	struct lab_node_dirs d = { .names = NULL, .n = 0 };
	struct dirent *e;
	size_t cap = 0;
	DIR *dir;

	snprintf(d.dir, sizeof(d.dir), "%s/%s/nodes", emu_run_dir(), lab);
	dir = opendir(d.dir);
	if (dir == NULL)
		return;
	while ((e = readdir(dir)) != NULL) {
		char **names;

		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		if (d.n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(d.names, cap * sizeof(*names));
			if (names == NULL)
				break;
			d.names = names;
		}
		d.names[d.n] = strdup(e->d_name);
		if (d.names[d.n] == NULL)
			break;
		d.n++;
	}
	closedir(dir);
	lab_remove_parallel(d.n, lab_remove_node_dir_at, &d);
	for (size_t i = 0; i < d.n; i++)
		free(d.names[i]);
	free(d.names);
}

int
lab_remove(const char *lab, bool quiet)
{
	int err;

	if (!lab_name_valid(lab)) {
		emu_err("%s: not a lab name", lab);
		return EMU_ENOLAB;
	}
	if (geteuid() != 0) {
		emu_err("down needs root (namespaces under %s, mounts, %s)", ANYLAB_NETNS_DIR,
		    emu_run_dir());
		return -EPERM;
	}
	err = lab_lock(lab, "down");
	if (err < 0)
		return err;
	err = lab_remove_locked(lab, quiet);
	lab_unlock(lab);
	return err;
}

/* down with the lab's lock held. */
static int
lab_remove_locked(const char *lab, bool quiet)
{
	struct state st;
	int err, first;

	err = state_open(lab, &st);
	if (err == -ENOENT) {
		if (!quiet)
			emu_err("lab %s is not up: nothing to remove", lab);
		return 0;
	}
	if (err < 0) {
		emu_err("%s/%s/record: %s", emu_run_dir(), lab, strerror(-err));
		return err;
	}
	daemon_stop_all(&st, LAB_STOP_GRACE_MS);
	/* Captures after the daemons: their last packets (BGP CEASE) are in the files. */
	lab_stop_captures(&st, LAB_STOP_GRACE_MS);
	/*
	 * Namespaces in the order they were made: the kernel unmounts them about
	 * twice as fast that way as in reverse (measured with 1000, bench_lab.sh).
	 */
	first = lab_remove_parallel(st.nentries, lab_remove_entry_at, &st);
	state_close(&st);
	if (first < 0)
		return first;
	lab_remove_node_dirs(lab);
	err = state_remove(lab);
	if (err < 0)
		emu_err("removing %s/%s: %s", emu_run_dir(), lab, strerror(-err));
	return err;
}
