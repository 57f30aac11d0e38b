/*
 * Unit tests of the lab record (emu/core/state.c) and lab naming (emu/core/lab.c),
 * no root: the record lives under a temporary ANYLAB_RUN_DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "anylab.h"
#include "lab.h"
#include "state.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/anylab-state-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	setenv("ANYLAB_RUN_DIR", dir, 1);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(state, .init = setup, .fini = teardown);

Test(state, record_round_trip)
{
	struct state st, rd;

	cr_assert_eq(state_create("lab1", &st), 0);
	cr_assert_eq(state_add_netns(&st, "lab1.sw"), 0);
	cr_assert_eq(state_add_netns(&st, "lab1-a"), 0);
	cr_assert_eq(state_add_link(&st, "lab1-a", "eth0"), 0);
	cr_assert_eq(state_add_etc(&st, "lab1-a"), 0);
	cr_assert_eq(state_add_daemon(&st, "a", "bgp", 4242, 123456789ULL), 0);
	state_close(&st);

	cr_assert_eq(state_open("lab1", &rd), 0);
	cr_expect(!rd.complete);
	cr_assert_eq(rd.nentries, 5);
	cr_expect_eq(rd.entries[0].kind, STATE_NETNS);
	cr_expect_str_eq(rd.entries[0].name, "lab1.sw");
	cr_expect_eq(rd.entries[2].kind, STATE_LINK);
	cr_expect_str_eq(rd.entries[2].ifname, "eth0");
	cr_expect_eq(rd.entries[3].kind, STATE_ETC);
	cr_expect_eq(rd.entries[4].kind, STATE_DAEMON);
	cr_expect_eq(rd.entries[4].pid, 4242);
	cr_expect_eq(rd.entries[4].starttime, 123456789ULL);
	cr_expect_str_eq(rd.entries[4].service, "bgp");
	state_close(&rd);
}

Test(state, already_exists)
{
	struct state st, again;

	cr_assert_eq(state_create("lab2", &st), 0);
	cr_expect_eq(state_create("lab2", &again), -EEXIST);
	state_close(&again);
	state_close(&st);
	cr_expect(state_exists("lab2"));
	cr_expect_eq(state_remove("lab2"), 0);
	cr_expect(!state_exists("lab2"));
	cr_expect_eq(state_remove("lab2"), 0, "removing twice is fine");
}

Test(state, cancel_and_torn_line)
{
	struct state st, rd;
	char path[128];
	int fd;

	cr_assert_eq(state_create("lab3", &st), 0);
	cr_assert_eq(state_add_netns(&st, "lab3-a"), 0);
	cr_assert_eq(state_add_netns(&st, "lab3-b"), 0);
	cr_assert_eq(state_cancel_netns(&st, "lab3-b"), 0);
	cr_assert_eq(state_mark_complete(&st), 0);
	state_close(&st);
	/* A SIGKILL in the middle of a write leaves a line without its newline. */
	snprintf(path, sizeof(path), "%s/lab3/record", dir);
	fd = open(path, O_WRONLY | O_APPEND);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "netns lab3-c", 12), 12);
	close(fd);

	cr_assert_eq(state_open("lab3", &rd), 0);
	cr_expect(rd.complete);
	cr_assert_eq(rd.nentries, 2, "the torn line must be ignored");
	cr_expect(!rd.entries[0].cancelled);
	cr_expect(rd.entries[1].cancelled, "lab3-b existed before: not ours");
	state_close(&rd);
}

Test(state, list_sorted)
{
	struct state a, b;
	char **names;
	size_t n;

	cr_assert_eq(state_create("zz", &a), 0);
	cr_assert_eq(state_create("aa", &b), 0);
	state_close(&a);
	state_close(&b);
	cr_assert_eq(state_list(&names, &n), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(names[0], "aa");
	cr_expect_str_eq(names[1], "zz");
	state_list_free(names, n);
}

Test(state, proc_starttime)
{
	cr_expect_neq(state_proc_starttime(getpid()), 0ULL);
	cr_expect_eq(state_proc_starttime(getpid()), state_proc_starttime(getpid()));
	cr_expect_eq(state_proc_starttime(0x3fffffff), 0ULL, "no such process");
}

Test(state, resolve)
{
	struct state a, b;
	char out[64];

	cr_expect_eq(lab_resolve(NULL, out, sizeof(out)), EXIT_NOLAB, "no lab up");
	cr_assert_eq(state_create("one", &a), 0);
	state_close(&a);
	cr_expect_eq(lab_resolve(NULL, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "one");
	cr_expect_eq(lab_resolve("nope", out, sizeof(out)), EXIT_NOLAB);
	cr_expect_eq(lab_resolve("Bad/Name", out, sizeof(out)), EXIT_NOLAB);
	cr_assert_eq(state_create("two", &b), 0);
	state_close(&b);
	cr_expect_eq(lab_resolve(NULL, out, sizeof(out)), EXIT_NOLAB, "two labs: name one");
	cr_expect_eq(lab_resolve("two", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "two");
}

Test(state, names)
{
	char buf[80];

	cr_expect_str_eq(lab_ns_name("anycast", "dc001", buf, sizeof(buf)), "anycast-dc001");
	cr_expect_str_eq(lab_switch_ns_name("anycast", buf, sizeof(buf)), "anycast.sw");
}
