/*
 * The prober's schedule (emu/scenario/probe_sched.h): phases spread evenly
 * over the period, also for any run of neighbouring clients, every client at its rate, sends in time order, and the
 * lateness the measurements report (meas_totals: SENT_US - SCHED_US) from
 * records made on it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "measure.h"
#include "probe_sched.h"

#define T0 1000000000LL

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

Test(probe_sched, equal_rates_spread_evenly_and_never_burst)
{
	enum {
		N = 1000,
		RATE = 10
	};
	static int64_t periods[N];
	static uint32_t seen[N], by_slot[N];
	struct probe_sched s;
	int64_t prev = -1;

	for (size_t c = 0; c < N; c++)
		periods[c] = probe_sched_period(RATE);
	cr_assert_eq(probe_sched_init(&s, N, periods, T0), 0);
	for (size_t c = 0; c < N; c++) {
		cr_assert_lt(s.clients[c].slot, N);
		by_slot[s.clients[c].slot] = (uint32_t)c + 1;
	}
	for (size_t k = 0; k < N; k++)
		cr_assert_neq(by_slot[k], 0, "no client in slot %zu", k);
	/* Three periods: one send every period / N = 100 us, in slot order. */
	for (size_t k = 0; k < 3 * N; k++) {
		size_t c;
		uint32_t seq;
		int64_t due;

		cr_assert_eq(probe_sched_next(&s), T0 + (int64_t)k * 100000);
		probe_sched_pop(&s, &c, &seq, &due);
		cr_assert_eq(c, by_slot[k % N] - 1, "send %zu went to client %zu", k, c);
		cr_assert_eq(seq, seen[c]++, "client %zu out of order", c);
		cr_assert_eq(due, T0 + (int64_t)k * 100000, "send %zu at %lld", k, (long long)due);
		cr_assert_gt(due, prev);
		prev = due;
	}
	probe_sched_free(&s);
}

/*
 * A site's clients are listed together (s01-c1 .. s01-c47, then s02-..): each
 * run of neighbouring clients must cover the whole period, or a short outage
 * falls between a site's sends (phases c/n put 47 of 940 clients within 5 %
 * of it). The largest gap between the phases of any k consecutive clients,
 * around the circle, stays within 3.2 / k of the period.
 */
Test(probe_sched, neighbouring_clients_cover_the_period)
{
	static const size_t sizes[] = { 2, 7, 47, 129, 940, 1000, 4096, 10000 };
	static const size_t runs[] = { 2, 5, 10, 47, 100 };
	static int64_t periods[10000];
	static int64_t ph[10000];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		struct probe_sched s;

		for (size_t c = 0; c < n; c++)
			periods[c] = probe_sched_period(2);
		cr_assert_eq(probe_sched_init(&s, n, periods, T0), 0);
		for (size_t j = 0; j < sizeof(runs) / sizeof(runs[0]); j++) {
			size_t k = runs[j];

			for (size_t first = 0; k <= n && first + k <= n; first += k) {
				int64_t gap, worst;

				for (size_t c = 0; c < k; c++)
					ph[c] = s.clients[first + c].phase_ns;
				qsort(ph, k, sizeof(ph[0]), cmp_i64);
				worst = ph[0] + 500000000LL - ph[k - 1];
				for (size_t c = 1; c < k; c++)
					if ((gap = ph[c] - ph[c - 1]) > worst)
						worst = gap;
				cr_assert_leq(worst * (int64_t)k, 500000000LL * 32 / 10,
				    "%zu clients, %zu from %zu: a gap of %lld ns in 500 ms", n, k,
				    first, (long long)worst);
			}
		}
		probe_sched_free(&s);
	}
}

/* Rates below one a second too: 0.25 and 0.1 are a query every 4 s and 10 s. */
Test(probe_sched, each_client_at_its_own_rate)
{
	static const double rates[] = { 1, 3, 10000, 7, 0.25, 0.1 };
	uint32_t count[6] = { 0 };
	int64_t last[6] = { -1, -1, -1, -1, -1, -1 }, period[6];
	/* 0..5 reversed (32 bits), in order: 0, 4, 2, 1, 5, 3: slots 0, 3, 2, 5, 1, 4. */
	static const int64_t slot[6] = { 0, 3, 2, 5, 1, 4 };
	struct probe_sched s;

	for (size_t c = 0; c < 6; c++)
		period[c] = probe_sched_period(rates[c]);
	cr_assert_eq(period[1], 333333333);
	cr_assert_eq(period[4], 4000000000LL);
	cr_assert_eq(period[5], 10000000000LL);
	cr_assert_eq(probe_sched_init(&s, 6, period, T0), 0);
	for (size_t c = 0; c < 6; c++) {
		/* Phase slot/n of its period. */
		cr_assert_eq(probe_sched_time(&s, c, 0), T0 + period[c] * slot[c] / 6, "client %zu",
		    c);
	}
	/* Everything due in the first 20 s. */
	while (probe_sched_next(&s) < T0 + 20000000000LL) {
		size_t c;
		uint32_t seq;
		int64_t due;

		probe_sched_pop(&s, &c, &seq, &due);
		if (last[c] >= 0)
			cr_assert_eq(due - last[c], period[c], "client %zu", c);
		last[c] = due;
		count[c]++;
	}
	cr_assert_eq(count[0], 20);
	cr_assert_eq(count[1], 60);
	cr_assert_eq(count[2], 200000);
	cr_assert_eq(count[3], 140, "%u", count[3]);
	cr_assert_eq(count[4], 5);
	cr_assert_eq(count[5], 2);
	probe_sched_free(&s);
}

Test(probe_sched, bad_periods_refused)
{
	int64_t periods[] = { 100000000, 0 };
	struct probe_sched s;

	cr_assert_eq(probe_sched_init(&s, 2, periods, T0), -EINVAL);
	periods[1] = PROBE_SCHED_PERIOD_MAX + 1;
	cr_assert_eq(probe_sched_init(&s, 2, periods, T0), -EINVAL);
	cr_assert_eq(probe_sched_init(&s, 0, periods, T0), 0);
	cr_assert_eq(probe_sched_next(&s), INT64_MAX);
	probe_sched_free(&s);
}

/* Records sent late by known amounts: the median, p99 and worst lateness. */
Test(probe_sched, lateness_accounting)
{
	int64_t period = probe_sched_period(100);
	struct probe_sched s;
	struct probe_log l;
	struct meas_totals t;

	cr_assert_eq(probe_sched_init(&s, 1, &period, T0), 0);
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
