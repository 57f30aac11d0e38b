/*
 * The prober's schedule (emu/scenario/probe_sched.h): phases spread evenly
 * over the period, every client at its rate, sends in time order, and the
 * lateness the measurements report (meas_totals: SENT_US - SCHED_US) from
 * records made on it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "measure.h"
#include "probe_sched.h"

#define T0 1000000000LL

Test(probe_sched, equal_rates_spread_evenly_and_never_burst)
{
	enum {
		N = 1000,
		RATE = 10
	};
	static unsigned rates[N];
	static uint32_t seen[N];
	struct probe_sched s;
	int64_t prev = -1;

	for (size_t c = 0; c < N; c++)
		rates[c] = RATE;
	cr_assert_eq(probe_sched_init(&s, N, rates, T0), 0);
	/* Three periods: one send every period / N = 100 us, in client order. */
	for (size_t k = 0; k < 3 * N; k++) {
		size_t c;
		uint32_t seq;
		int64_t due;

		cr_assert_eq(probe_sched_next(&s), T0 + (int64_t)k * 100000);
		probe_sched_pop(&s, &c, &seq, &due);
		cr_assert_eq(c, k % N, "send %zu went to client %zu", k, c);
		cr_assert_eq(seq, seen[c]++, "client %zu out of order", c);
		cr_assert_eq(due, T0 + (int64_t)k * 100000, "send %zu at %lld", k, (long long)due);
		cr_assert_gt(due, prev);
		prev = due;
	}
	probe_sched_free(&s);
}

Test(probe_sched, each_client_at_its_own_rate)
{
	unsigned rates[] = { 1, 3, 10000, 7 };
	uint32_t count[4] = { 0 };
	int64_t last[4] = { -1, -1, -1, -1 }, period[4];
	struct probe_sched s;

	cr_assert_eq(probe_sched_init(&s, 4, rates, T0), 0);
	for (size_t c = 0; c < 4; c++) {
		period[c] = 1000000000LL / rates[c];
		/* Phase c/n of its period. */
		cr_assert_eq(probe_sched_time(&s, c, 0), T0 + period[c] * (int64_t)c / 4);
	}
	/* Everything due in the first 10 s. */
	while (probe_sched_next(&s) < T0 + 10000000000LL) {
		size_t c;
		uint32_t seq;
		int64_t due;

		probe_sched_pop(&s, &c, &seq, &due);
		if (last[c] >= 0)
			cr_assert_eq(due - last[c], period[c], "client %zu", c);
		last[c] = due;
		count[c]++;
	}
	cr_assert_eq(count[0], 10);
	cr_assert_eq(count[1], 30);
	cr_assert_eq(count[2], 100000);
	cr_assert_eq(count[3], 70);
	probe_sched_free(&s);
}

Test(probe_sched, bad_rates_refused)
{
	unsigned rates[] = { 10, 0 };
	struct probe_sched s;

	cr_assert_eq(probe_sched_init(&s, 2, rates, T0), -EINVAL);
	cr_assert_eq(probe_sched_init(&s, 0, rates, T0), 0);
	cr_assert_eq(probe_sched_next(&s), INT64_MAX);
	probe_sched_free(&s);
}

/* Records sent late by known amounts: the median, p99 and worst lateness. */
Test(probe_sched, lateness_accounting)
{
	unsigned rate = 100;
	struct probe_sched s;
	struct probe_log l;
	struct meas_totals t;

	cr_assert_eq(probe_sched_init(&s, 1, &rate, T0), 0);
	probe_log_init(&l, "c");
	for (uint32_t i = 0; i < 1000; i++) {
		struct probe_rec r = { .status = PROBE_OK, .rtt_us = 100, .inst = "A" };
		size_t c;
		int64_t due;

		probe_sched_pop(&s, &c, &r.seq, &due);
		r.sched_us = due / 1000;
		/* 10 us late, every 100th query 5 ms late, the last one 40 ms late. */
		r.sent_us = r.sched_us + (i == 999 ? 40000 : i % 100 == 50 ? 5000 : 10);
		probe_log_insert(&l, &r);
	}
	meas_totals(&l, 0, INT64_MAX, &t);
	cr_assert_eq(t.sent, 1000);
	cr_assert_eq(t.late_median_us, 10);
	cr_assert_eq(t.late_p99_us, 5000, "p99 %lld", (long long)t.late_p99_us);
	cr_assert_eq(t.late_max_us, 40000);
	probe_log_free(&l);
	probe_sched_free(&s);
}
