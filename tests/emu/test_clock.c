/*
 * emu_now_rt_us (emu/core/anylab.c), no root: one scale of time for a run.
 * The realtime clock is read once and carried forward by the monotonic
 * clock, so its distance to emu_now_us never changes in a process, nor in a
 * child forked after the first reading (a probe), whatever the system clock
 * does meanwhile (a VM restored, an NTP step: CI saw windows seconds apart
 * from the probes' timestamps when each read the clock for itself).
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "anylab.h"

/* realtime - monotonic, read in a way that brackets the two readings. */
static long long
offset(void)
{
	long long m0 = emu_now_us(), rt = emu_now_rt_us(), m1 = emu_now_us();

	return rt - (m0 + (m1 - m0) / 2);
}

Test(clock, realtime_moves_with_the_monotonic_clock)
{
	long long first = offset();

	for (int i = 0; i < 50; i++) {
		usleep(2000);
		cr_assert_leq(llabs(offset() - first), 2, "offset moved by %lld us",
		    offset() - first);
	}
}

Test(clock, a_forked_child_is_on_the_parents_scale)
{
	long long first = offset();
	int p[2], status;
	long long child;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		long long o;

		usleep(20000);
		o = offset();
		_exit(write(p[1], &o, sizeof(o)) == sizeof(o) ? 0 : 1);
	}
	cr_assert_eq(read(p[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_leq(llabs(child - first), 2, "the child's offset differs by %lld us",
	    child - first);
}
