/*
 * down (lab.h): a lab removed from its record alone, by exact name, even
 * after an up that was killed halfway: daemons stopped, then captures
 * (their last packets are the daemons' goodbyes), then namespaces and
 * /etc/netns entries, then the record itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "anylab.h"
#include "daemon.h"
#include "lab_internal.h"
#include "netns.h"
#include "state.h"

#define LAB_STOP_GRACE_MS 3000

static int lab_remove_locked(const char *lab, bool quiet);

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
	int err, first = 0;

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
	for (size_t i = 0; i < st.nentries; i++) {
		struct state_entry *e = &st.entries[i];

		err = 0;
		if (e->kind == STATE_NETNS && !e->cancelled) {
			err = netns_delete(e->name);
			if (err < 0)
				emu_err("removing namespace %s: %s", e->name, strerror(-err));
		} else if (e->kind == STATE_ETC) {
			err = lab_remove_etc(e->name);
		}
		if (err < 0 && first == 0)
			first = err;
	}
	state_close(&st);
	if (first < 0)
		return first;
	err = state_remove(lab);
	if (err < 0)
		emu_err("removing %s/%s: %s", emu_run_dir(), lab, strerror(-err));
	return err;
}
