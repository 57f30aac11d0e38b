/*
 * proc_stop (emu/core/proc.c), no root: our own children (reaped, their
 * wait status kept) and processes that are not our children (watched
 * through /proc or the caller's liveness check, never signalled once the
 * caller says they are not the process it started), each ending on SIGTERM
 * or killed after the grace period, every wait bounded.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "anylab.h"
#include "proc.h"

/* A child that sleeps; ignoring SIGTERM when stubborn. */
static pid_t
child(bool stubborn)
{
	int p[2];
	pid_t pid;
	char c;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (stubborn)
			signal(SIGTERM, SIG_IGN);
		close(p[0]);
		if (write(p[1], "r", 1) != 1)
			_exit(3);
		for (int i = 0; i < 100; i++)
			usleep(100 * 1000); /* 10 s at most */
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &c, 1), 1, "the child is ready (signals set)");
	close(p[0]);
	return pid;
}

/* A process that is not our child: a child's child, its parent gone. */
static pid_t
orphan(bool stubborn)
{
	int p[2];
	pid_t mid, pid;

	cr_assert_eq(pipe(p), 0);
	mid = fork();
	cr_assert(mid >= 0);
	if (mid == 0) {
		pid = child(stubborn);
		if (write(p[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(3);
		_exit(0);
	}
	cr_assert_eq(read(p[0], &pid, sizeof(pid)), (ssize_t)sizeof(pid));
	close(p[0]);
	close(p[1]);
	cr_assert_eq(waitpid(mid, NULL, 0), mid);
	return pid;
}

/* Wait up to 2 s for pid to be gone (an orphan is reaped by init, or stays a zombie). */
static bool
gone_within(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		if (!proc_exists(pid))
			return true;
		usleep(10 * 1000);
	}
	return false;
}

Test(proc, own_children_end_on_sigterm)
{
	pid_t pids[2] = { child(false), child(false) };
	int status[2];
	long long t0 = emu_now_us();

	cr_expect_eq(proc_stop(pids, 2, 5000, NULL, NULL, status), 0, "none killed");
	cr_expect_lt(emu_now_us() - t0, 2000000, "no waiting for the grace period");
	for (int i = 0; i < 2; i++) {
		cr_expect(WIFSIGNALED(status[i]) && WTERMSIG(status[i]) == SIGTERM);
		cr_expect_eq(waitpid(pids[i], NULL, WNOHANG), -1, "reaped already");
		cr_expect_eq(errno, ECHILD);
	}
}

Test(proc, stubborn_child_killed_after_grace)
{
	pid_t pids[2] = { child(true), child(false) };
	int status[2];
	long long t0 = emu_now_us(), dt;

	cr_expect_eq(proc_stop(pids, 2, 300, NULL, NULL, status), 1, "one SIGKILL");
	dt = emu_now_us() - t0;
	cr_expect_geq(dt, 300000, "the grace period was given (%lld us)", dt);
	cr_expect_lt(dt, 2000000, "and bounded (%lld us)", dt);
	cr_expect(WIFSIGNALED(status[0]) && WTERMSIG(status[0]) == SIGKILL);
	cr_expect(WIFSIGNALED(status[1]) && WTERMSIG(status[1]) == SIGTERM);
}

Test(proc, not_our_children)
{
	pid_t pids[2] = { orphan(false), orphan(true) };
	int status[2];

	cr_expect_eq(proc_stop(pids, 2, 300, NULL, NULL, status), 1, "the stubborn one killed");
	cr_expect_eq(status[0], -1, "no wait status: not ours");
	cr_expect_eq(status[1], -1);
	cr_expect(gone_within(pids[0]));
	cr_expect(gone_within(pids[1]));
}

static bool
never_started(size_t i, void *arg)
{
	(void)i;
	(void)arg;
	return false;
}

Test(proc, a_recorded_pid_not_ours_anymore_is_left_alone)
{
	pid_t pid = orphan(false);

	/* The caller's record says the process at pid is not the one it started. */
	cr_expect_eq(proc_stop(&pid, 1, 300, never_started, NULL, NULL), 0);
	cr_expect(proc_exists(pid), "not signalled");
	kill(pid, SIGKILL);
	cr_expect(gone_within(pid));
}

Test(proc, nothing_to_stop)
{
	pid_t pids[3] = { 0, 1, -1 };

	cr_expect_eq(proc_stop(pids, 3, 1000, NULL, NULL, NULL), 0, "0, 1 and -1 are skipped");
	cr_expect_eq(proc_stop(NULL, 0, 1000, NULL, NULL, NULL), 0);
	cr_expect(proc_exists(getpid()));
	cr_expect(!proc_exists(0x3fffffff));
}
