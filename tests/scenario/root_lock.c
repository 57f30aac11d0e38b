/*
 * One command at a time on a lab (root; emu/core/lab_lock.c): `down`
 * started while `up` of the same lab is still building it, at several
 * moments of the build (the record just made, namespaces being made, the
 * daemons recorded, the daemons running while up waits for convergence),
 * must leave nothing behind (record, namespaces, /etc/netns entries,
 * daemons), and `up` must not claim a lab that `down` removed: it is
 * stopped and fails. The lab's speaker peers with an address that runs no
 * speaker, so `up` stays in its convergence wait (--converge-timeout) and
 * the last moment is always inside the build. Also: a `link` while the lab
 * is held waits, then fails with exit 9 naming the holder's pid.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper_scn.h"

static char lab[16], dir[128], bin[512], topo[256];

#define TOPOLOGY \
	"{\"name\": \"%s\", \"nodes\": {" \
	" \"r1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.99.0.1/24\"]}}," \
	"  \"resolver\": [\"10.99.0.2\"]," \
	"  \"bgp\": {\"asn\": 65001, \"router_id\": \"10.99.0.1\"," \
	"   \"peers\": [{\"address\": \"10.99.0.3\", \"asn\": 65003}]}}," \
	" \"r2\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.99.0.2/24\"]}}," \
	"  \"resolver\": [\"10.99.0.2\"]," \
	"  \"dns\": {\"zones\": [{\"origin\": \"lock.tst\", \"records\": " \
	"   [{\"name\": \"a\", \"type\": \"A\", \"data\": \"10.99.0.9\"}]}]}}}," \
	" \"links\": [{\"endpoints\": [\"r1:eth0\", \"r2:eth0\"]}]}"

enum moment {
	AT_RECORD,  /* /run/anylab/LAB exists */
	AT_NETNS,   /* a namespace is recorded */
	AT_DAEMON,  /* a daemon is recorded */
	AT_RUNNING, /* 300 ms after: up waits for convergence */
	AT_MAX,
};

static const char *const moment_names[AT_MAX] = { "record", "netns", "daemon", "running" };

static void
setup(void)
{
	FILE *f;

	hs_require(bin, sizeof(bin), "anybgpd", "anydnsd", NULL);
	hs_lab_dir("lk", "lock", lab, sizeof(lab), dir, sizeof(dir));
	snprintf(topo, sizeof(topo), "%s/lab.json", dir);
	f = fopen(topo, "w");
	cr_assert_not_null(f);
	fprintf(f, TOPOLOGY, lab);
	fclose(f);
}

static void
teardown(void)
{
	hs_cleanup(bin, lab, dir);
}

TestSuite(lock, .init = setup, .fini = teardown, .timeout = 120);

/* The record's text ("" while there is none). */
static void
read_record(char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/run/anylab/%s/record", lab);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/* Has up reached the moment? */
static bool
reached(enum moment m)
{
	char rec[8192], path[128];

	snprintf(path, sizeof(path), "/run/anylab/%s", lab);
	if (m == AT_RECORD)
		return access(path, F_OK) == 0;
	read_record(rec, sizeof(rec));
	if (m == AT_NETNS)
		return strstr(rec, "\nnetns ") != NULL;
	return strstr(rec, "\ndaemon ") != NULL;
}

/* Is any process still running with a file of the lab's record in its command line? */
static pid_t
lab_process(void)
{
	char needle[64], path[300], buf[4096];
	struct dirent *e;
	pid_t found = 0;
	DIR *d = opendir("/proc");

	snprintf(needle, sizeof(needle), "/run/anylab/%s/", lab);
	while (d != NULL && found == 0 && (e = readdir(d)) != NULL) {
		ssize_t n;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (ssize_t i = 0; i < n; i++)
			buf[i] = buf[i] == '\0' ? ' ' : buf[i];
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, needle) != NULL)
			found = (pid_t)atoi(e->d_name);
	}
	if (d != NULL)
		closedir(d);
	return found;
}

/* Nothing of the lab is left: record, namespaces, /etc/netns entries, daemons. */
static void
assert_nothing_left(const char *when)
{
	char path[128];
	pid_t p;

	snprintf(path, sizeof(path), "/run/anylab/%s", lab);
	cr_expect(access(path, F_OK) != 0, "%s: %s left", when, path);
	for (int i = 1; i <= 2; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s-r%d", lab, i);
		cr_expect(access(path, F_OK) != 0, "%s: %s left", when, path);
		snprintf(path, sizeof(path), "/etc/netns/%s-r%d", lab, i);
		cr_expect(access(path, F_OK) != 0, "%s: %s left", when, path);
	}
	p = lab_process();
	cr_expect_eq(p, 0, "%s: process %d of the lab still runs", when, (int)p);
}

/* Read a whole small file into buf ("" when missing). */
static void
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

Test(lock, down_during_up_leaves_nothing_and_up_fails)
{
	struct timespec tick = { 0, 1000 * 1000 };
	char out[160], err[160], text[8192], dout[4096];
	char when[64], rec[8192];
	int status, drc;

	snprintf(out, sizeof(out), "%s/up.out", dir);
	snprintf(err, sizeof(err), "%s/up.err", dir);
	for (int round = 0; round < 2 * AT_MAX; round++) {
		enum moment m = (enum moment)(round % AT_MAX);
		pid_t up;
		int waited = 0;

		snprintf(when, sizeof(when), "round %d, down at %s", round, moment_names[m]);
		fflush(NULL);
		up = fork();
		cr_assert_geq(up, 0);
		if (up == 0) {
			int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			dup2(o, 1);
			dup2(e, 2);
			execl(bin, "anylab", "up", topo, "--converge-timeout", "4", (char *)NULL);
			_exit(127);
		}
		while (!reached(m) && waited++ < 10000)
			nanosleep(&tick, NULL);
		cr_assert(reached(m), "%s: up never got there", when);
		if (m == AT_RUNNING)
			usleep(300 * 1000);
		read_record(rec, sizeof(rec));
		cr_assert_null(strstr(rec, "complete"), "%s: up had completed already", when);

		snprintf(text, sizeof(text), "%s down %s 2>&1", bin, lab);
		{
			char *o = hs_output(text, &drc);

			snprintf(dout, sizeof(dout), "%s", o ? o : "");
			free(o);
		}
		cr_assert_eq(waitpid(up, &status, 0), up);
		slurp(out, text, sizeof(text));
		cr_expect(WIFEXITED(drc) && WEXITSTATUS(drc) == 0, "%s: down failed: %s", when,
		    dout);
		cr_expect(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
		    "%s: up exited 0 for a lab that down removed; it said: %s", when, text);
		cr_expect_null(strstr(text, " is up"), "%s: up claimed the lab: %s", when, text);
		assert_nothing_left(when);
		snprintf(text, sizeof(text), "/run/anylab/%s", lab);
		if (access(text, F_OK) == 0 || lab_process() != 0)
			break; /* teardown downs it; one failure says enough */
	}
}

/*
 * While a command holds the lab (here the test itself, through the lock
 * file, as a record lock of its own), `link` waits up to ANYLAB_LOCK_WAIT
 * seconds, says who holds it, then fails with exit 9 without touching it.
 */
Test(lock, link_waits_then_names_the_holder)
{
	char cmd[1024], lockpath[128], *o;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, st;

	cr_assert_eq(hs_sh("%s up %s --no-daemons >/dev/null 2>&1", bin, topo), 0);
	snprintf(lockpath, sizeof(lockpath), "/run/anylab/.%s.lock", lab);
	fd = open(lockpath, O_RDWR);
	cr_assert_geq(fd, 0, "%s was not made by up", lockpath);
	cr_assert_eq(fcntl(fd, F_SETLK, &fl), 0, "the lock is free after up");
	cr_assert_eq(ftruncate(fd, 0), 0);
	dprintf(fd, "run %d\n", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ANYLAB_LOCK_WAIT=1 %s link -l %s r1:eth0 down 2>&1", bin, lab);
	o = hs_output(cmd, &st);
	close(fd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 9, "link exit %d: %s", WEXITSTATUS(st), o);
	snprintf(cmd, sizeof(cmd), "`run` (pid %d)", (int)getpid());
	cr_expect_not_null(strstr(o, cmd), "link does not name the holder: %s", o);
	cr_expect_not_null(strstr(o, "waiting up to 1 s"), "%s", o);
	free(o);
	/* Released: link goes ahead at once. */
	snprintf(cmd, sizeof(cmd), "ANYLAB_LOCK_WAIT=0 %s link -l %s r1:eth0 down 2>&1", bin, lab);
	o = hs_output(cmd, &st);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "link after release: %s", o);
	free(o);
	cr_expect_eq(hs_sh("%s down %s >/dev/null 2>&1", bin, lab), 0);
}

/*
 * Decided for issue 12: `down` as a user says "needs root" up front (exit
 * 7), as `up` does, instead of trying object by object (before: exit 0,
 * "nothing to remove", or a failure per object). Run as nobody (65534).
 */
Test(lock, down_as_a_user_needs_root)
{
	char cmd[1024], *o;
	int st;

	if (access("/usr/bin/setpriv", X_OK) != 0)
		cr_skip_test("no setpriv (util-linux) to run as nobody");
	cr_assert_eq(hs_sh("%s up %s --no-daemons >/dev/null 2>&1", bin, topo), 0);
	snprintf(cmd, sizeof(cmd),
	    "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %s down %s 2>&1", bin,
	    lab);
	o = hs_output(cmd, &st);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit %d: %s", WEXITSTATUS(st), o);
	cr_expect_not_null(strstr(o, "down needs root"), "%s", o);
	free(o);
	snprintf(cmd, sizeof(cmd), "/run/anylab/%s/record", lab);
	cr_expect_eq(access(cmd, F_OK), 0, "the lab's record was touched");
	cr_expect_eq(hs_sh("%s down %s >/dev/null 2>&1", bin, lab), 0);
}
