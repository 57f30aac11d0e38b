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

/*
 * The scale is pinned far from the system clock (one hour after the epoch),
 * so a reading taken from CLOCK_REALTIME instead of the anchor is seen at
 * once; what is left is the time elapsed since the pin, on the monotonic
 * clock.
 */
#define PIN_US 3600000000LL

Test(clock, realtime_moves_with_the_monotonic_clock)
{
	long long b0, b1, m0, m1, rt;

	/* The anchor's own monotonic reading lies in [b0, b1]. */
	b0 = emu_now_us();
	emu_now_rt_pin(PIN_US);
	b1 = emu_now_us();
	for (int i = 0; i < 50; i++) {
		usleep(2000);
		m0 = emu_now_us();
		rt = emu_now_rt_us();
		m1 = emu_now_us();
		/* rt - PIN_US is the monotonic time from the anchor to the reading. */
		cr_assert(rt - PIN_US >= m0 - b1 - 1 && rt - PIN_US <= m1 - b0 + 1,
		    "%lld us after the pin, not in [%lld, %lld]", rt - PIN_US, m0 - b1, m1 - b0);
	}
}

Test(clock, a_forked_child_is_on_the_parents_scale)
{
	long long pinned_mono, child, elapsed;
	int p[2], status;
	pid_t pid;

	emu_now_rt_pin(PIN_US);
	pinned_mono = emu_now_us();
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		long long rt;

		usleep(20000);
		rt = emu_now_rt_us();
		_exit(write(p[1], &rt, sizeof(rt)) == sizeof(rt) ? 0 : 1);
	}
	cr_assert_eq(read(p[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	elapsed = emu_now_us() - pinned_mono;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	/* The child's reading: after the pin by its sleep, before the parent's read returned. */
	cr_assert(child - PIN_US >= 20000 && child - PIN_US <= elapsed + 1000,
	    "the child read %lld us after the parent's pin (parent: %lld us elapsed)",
	    child - PIN_US, elapsed);
}
