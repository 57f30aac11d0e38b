/*
 * Measurement arithmetic on synthetic probe logs, and the probe log's line
 * format and incremental reader.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure.h"
#include "probe.h"

#define T0     1763770000000000LL /* realtime microseconds */
#define SEC    1000000LL
#define PERIOD 10000LL /* 100 queries per second */

/*
 * One query every 10 ms from T0 for secs seconds; answer(t) decides, for a
 * send time relative to T0, the instance ("" for a loss).
 */
static void
synth(struct probe_log *l, const char *client, int secs, const char *(*answer)(int64_t rel))
{
	probe_log_init(l, client);
	for (int64_t i = 0; i < secs * SEC / PERIOD; i++) {
		struct probe_rec r = { 0 };
		const char *inst = answer(i * PERIOD);

		r.seq = (uint32_t)i;
		r.id = (uint16_t)(1000 + i);
		r.sched_us = T0 + i * PERIOD;
		r.sent_us = r.sched_us + 50 + (i % 10); /* 50..59 us late */
		if (inst[0]) {
			r.status = PROBE_OK;
			r.rtt_us = 300;
			snprintf(r.inst, sizeof(r.inst), "%s", inst);
		} else {
			r.status = PROBE_LOST;
			r.rtt_us = -1;
		}
		probe_log_add(l, &r);
	}
}

/* On DC001; lost from 5 s to 12 s; DC002 until 20 s; lost until 21 s; DC001 again. */
static const char *
moving(int64_t t)
{
	if (t < 5 * SEC)
		return "DC001";
	if (t < 12 * SEC)
		return "";
	if (t < 20 * SEC)
		return "DC002";
	if (t < 21 * SEC)
		return "";
	return "DC001";
}

static const char *
steady(int64_t t)
{
	(void)t;
	return "DC002";
}

static const struct meas_fault fault = {
	.label = "disable dc001:eth0",
	.start_us = T0 + 5 * SEC,
	.undo_us = T0 + 20 * SEC,
	.end_us = T0 + 30 * SEC,
};

Test(measure, client_on_the_failed_instance)
{
	struct probe_log l;
	struct meas_client c;

	synth(&l, "client1", 30, moving);
	meas_fault_client(&l, &fault, &c);
	cr_assert_str_eq(c.before, "DC001");
	cr_assert(c.affected);
	/* First DC002 answer: sent at 12 s (+ 50 us late), arrives 300 us later. */
	cr_assert_eq(c.failover_us, 7 * SEC + 50 + 300);
	cr_assert_eq(c.lost, 700);
	cr_assert_str_eq(c.during, "DC002");
	cr_assert_eq(c.lost_after, 100);
	cr_assert_eq(c.back_us, 1 * SEC + 50 + 300);
	cr_assert_str_eq(c.after, "DC001");
	cr_assert_eq(c.sent, 2500);
	probe_log_free(&l);
}

/* DC001 is back at 20.2 s, while the undo step (19.9 s to 20.5 s) still runs. */
static const char *
back_during_undo(int64_t t)
{
	if (t < 5 * SEC)
		return "DC001";
	if (t < 12 * SEC)
		return "";
	if (t < 20 * SEC + 200000)
		return "DC002";
	return "DC001";
}

/*
 * The fault holds until its undo begins: an answer from DC001 to a query
 * sent while the adapter was coming back is not "during" (a slow undo step
 * on a loaded machine made DC001 the instance during the fault), and it
 * counts as back at once (0), not before the undo ended.
 */
Test(measure, the_fault_ends_where_its_undo_begins)
{
	struct probe_log l;
	struct meas_client c;
	struct meas_fault f = fault;

	f.undo_start_us = T0 + 19 * SEC + 900000;
	f.undo_us = T0 + 20 * SEC + 500000;
	synth(&l, "client1", 30, back_during_undo);
	meas_fault_client(&l, &f, &c);
	cr_assert_str_eq(c.during, "DC002");
	cr_assert_str_eq(c.after, "DC001");
	cr_assert_eq(c.back_us, 0);
	cr_assert_eq(c.lost, 700);
	cr_assert_eq(c.lost_after, 0);
	probe_log_free(&l);
}

Test(measure, client_on_the_other_instance_is_unaffected)
{
	struct probe_log l;
	struct meas_client c;

	synth(&l, "client2", 30, steady);
	meas_fault_client(&l, &fault, &c);
	cr_assert_str_eq(c.before, "DC002");
	cr_assert(!c.affected);
	cr_assert_eq(c.failover_us, -1);
	cr_assert_eq(c.back_us, -1);
	cr_assert_eq(c.lost, 0);
	cr_assert_str_eq(c.during, "DC002");
	cr_assert_str_eq(c.after, "DC002");
	probe_log_free(&l);
}

static const char *
black_hole(int64_t t)
{
	return t < 5 * SEC ? "DC001" : "";
}

Test(measure, black_hole_never_fails_over)
{
	struct probe_log l;
	struct meas_client c;
	struct meas_fault f = fault;

	f.undo_us = 0; /* never undone: the window runs to its end */
	synth(&l, "client1", 30, black_hole);
	meas_fault_client(&l, &f, &c);
	cr_assert(c.affected);
	cr_assert_eq(c.failover_us, -1);
	cr_assert_eq(c.lost, 2500);
	cr_assert_str_eq(c.during, "");
	cr_assert_str_eq(c.after, "");
	cr_assert_eq(c.back_us, -1);
	probe_log_free(&l);
}

Test(measure, window_ends_at_the_next_fault)
{
	struct probe_log l;
	struct meas_client c;
	struct meas_fault f = fault;

	f.undo_us = 0;
	f.end_us = T0 + 8 * SEC; /* a second fault at 8 s closes this one's window */
	synth(&l, "client1", 30, moving);
	meas_fault_client(&l, &f, &c);
	cr_assert_eq(c.lost, 300);
	cr_assert_eq(c.failover_us, -1);
	cr_assert_eq(c.sent, 300);
	probe_log_free(&l);
}

Test(measure, unsorted_input_after_sort)
{
	struct probe_log l;
	struct meas_client c;

	synth(&l, "client1", 30, moving);
	/* The probe logs in completion order: reverse it, then sort. */
	for (size_t i = 0; i < l.n / 2; i++) {
		struct probe_rec t = l.recs[i];

		l.recs[i] = l.recs[l.n - 1 - i];
		l.recs[l.n - 1 - i] = t;
	}
	probe_log_sort(&l);
	for (size_t i = 1; i < l.n; i++)
		cr_assert_lt(l.recs[i - 1].sent_us, l.recs[i].sent_us);
	meas_fault_client(&l, &fault, &c);
	cr_assert_eq(c.failover_us, 7 * SEC + 350);
	probe_log_free(&l);
}

Test(measure, latest_before_lost_answered)
{
	struct probe_log l;
	char inst[SCN_INST_MAX];

	synth(&l, "client1", 30, moving);
	cr_assert_eq(meas_latest(&l, T0 + 25 * SEC, inst), 1);
	cr_assert_str_eq(inst, "DC001");
	cr_assert_eq(meas_latest(&l, T0 + 31 * SEC, inst), 0);
	cr_assert_str_eq(inst, "");
	meas_before(&l, T0 + 15 * SEC, inst);
	cr_assert_str_eq(inst, "DC002");
	meas_before(&l, T0, inst);
	cr_assert_str_eq(inst, "");
	cr_assert_eq(meas_lost(&l, T0, T0 + 30 * SEC), 800);
	cr_assert_eq(meas_lost(&l, T0 + 11 * SEC, T0 + 13 * SEC), 100);
	cr_assert_eq(meas_answered(&l, T0 + 11 * SEC, T0 + 13 * SEC), 100);
	probe_log_free(&l);
}

Test(measure, totals_and_probe_precision)
{
	struct probe_log l;
	struct meas_totals t;

	synth(&l, "client1", 30, moving);
	meas_totals(&l, T0, T0 + 30 * SEC, &t);
	cr_assert_eq(t.sent, 3000);
	cr_assert_eq(t.answered, 2200);
	cr_assert_eq(t.lost, 800);
	cr_assert_eq(t.errors, 0);
	cr_assert_eq(t.rtt_median_us, 300);
	cr_assert_eq(t.late_median_us, 54); /* (54 + 55) / 2, integer */
	cr_assert_eq(t.late_p99_us, 59);
	cr_assert_eq(t.late_max_us, 59);
	probe_log_free(&l);
}

Test(measure, percentiles)
{
	int64_t v[] = { 9, 1, 5, 3, 7 };
	int64_t w[] = { 4, 2 };

	cr_assert_eq(meas_percentile(v, 5, 50), 5);
	cr_assert_eq(meas_percentile(v, 5, 100), 9);
	cr_assert_eq(meas_percentile(v, 5, 0), 1);
	cr_assert_eq(meas_percentile(v, 5, 80), 7);
	cr_assert_eq(meas_percentile(w, 2, 50), 3);
	cr_assert_eq(meas_percentile(NULL, 0, 50), -1);
}

Test(probe_log, line_round_trip)
{
	struct probe_rec r = { .seq = 42,
		.id = 65535,
		.sched_us = T0,
		.sent_us = T0 + 7,
		.status = PROBE_OK,
		.rtt_us = 812,
		.rcode = 0 },
			 back;
	char line[256];

	snprintf(r.inst, sizeof(r.inst), "DC 001");
	probe_line_format(&r, line, sizeof(line));
	cr_assert_str_eq(line, "42 65535 1763770000000000 1763770000000007 ok 812 0 DC 001\n");
	cr_assert_eq(probe_line_parse(line, &back), 0);
	cr_assert_eq(back.seq, 42);
	cr_assert_eq(back.id, 65535);
	cr_assert_eq(back.sent_us, T0 + 7);
	cr_assert_eq(back.rtt_us, 812);
	cr_assert_str_eq(back.inst, "DC 001");
	r.status = PROBE_LOST;
	r.rtt_us = -1;
	r.inst[0] = '\0';
	probe_line_format(&r, line, sizeof(line));
	cr_assert_eq(probe_line_parse(line, &back), 0);
	cr_assert_eq(back.status, PROBE_LOST);
	cr_assert_str_eq(back.inst, "");
}

Test(probe_log, malformed_lines)
{
	struct probe_rec r;

	cr_assert_eq(probe_line_parse("# comment", &r), 1);
	cr_assert_eq(probe_line_parse("", &r), 1);
	cr_assert_eq(probe_line_parse("1 2 3 4 ok 5 0", &r), -1);   /* no instance */
	cr_assert_eq(probe_line_parse("1 2 3 4 ok 5 0 -", &r), -1); /* ok needs one */
	cr_assert_eq(probe_line_parse("1 2 3 4 maybe 5 0 X", &r), -1);
	cr_assert_eq(probe_line_parse("1 70000 3 4 ok 5 0 X", &r), -1); /* id */
	cr_assert_eq(probe_line_parse("1 2 3 4 lost 5 0 -", &r), -1);	/* lost has no rtt */
	cr_assert_eq(probe_line_parse("1 2 3 4 ok -1 0 X", &r), -1);
	cr_assert_eq(probe_line_parse("x 2 3 4 ok 5 0 X", &r), -1);
	cr_assert_eq(probe_line_parse("1 2 3 4 error 5 3 -", &r), 0);
	cr_assert_eq(r.status, PROBE_ERROR);
	cr_assert_eq(r.rcode, 3);
}

Test(probe_log, reader_takes_only_complete_lines)
{
	char path[] = "/tmp/anylab-probe-test-XXXXXX";
	int fd = mkstemp(path);
	struct probe_reader rd;
	struct probe_log l;
	const char *a = "# anylab prober clients=1\nc 1 1 10 11 ok 5 0 DC001\nc 2 2 20 2";
	const char *b = "1 lost -1 0 -\nbroken line\nc 3 3 30 31 ok 5 0 DC002\n";

	cr_assert_geq(fd, 0);
	probe_log_init(&l, "c");
	cr_assert_eq(probe_reader_open(&rd, path, &l, 1), 0);
	cr_assert_eq(write(fd, a, strlen(a)), (ssize_t)strlen(a));
	cr_assert_eq(probe_reader_poll(&rd), 2); /* the comment, the first record */
	cr_assert_eq(l.n, 1);
	cr_assert_eq(write(fd, b, strlen(b)), (ssize_t)strlen(b));
	cr_assert_eq(probe_reader_poll(&rd), 3);
	cr_assert_eq(probe_reader_poll(&rd), 0);
	cr_assert_eq(rd.bad, 1);
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.recs[1].status, PROBE_LOST);
	cr_assert_eq(l.recs[1].sent_us, 21);
	cr_assert_str_eq(l.recs[2].inst, "DC002");
	probe_reader_close(&rd);
	probe_log_free(&l);
	close(fd);
	unlink(path);
}
