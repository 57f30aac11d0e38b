/*
 * Expectations on synthetic probe logs (emu/scenario/expect.h): the
 * answered and instances checks, and their detail with many clients (a
 * thousand), none of them answered: the list of clients stops while it
 * fits and says how many more there are, instead of running past
 * res_step.detail (until the scenario side had one bounded builder, this
 * overran the 512-byte detail and crashed `anylab run`:
 * heap-buffer-overflow under ASan).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "textbuf.h"

#define T0	 1763770000000000LL
#define NCLIENTS 1000

static struct probe_log logs[NCLIENTS];
static struct res_client clients[NCLIENTS];
static char names[NCLIENTS][32];

/* A res_step, so the detail sits where the runner's does, with guard bytes after it. */
static struct {
	struct res_step rs;
	char guard[1024];
} out;

static void
fill(size_t n, const char *answered_by)
{
	for (size_t c = 0; c < n; c++) {
		snprintf(names[c], sizeof(names[c]), "client%02zu", c + 1);
		clients[c].name = names[c];
		probe_log_init(&logs[c], names[c]);
		for (uint32_t i = 0; i < 20; i++) {
			struct probe_rec r = { .seq = i,
				.id = (uint16_t)i,
				.sched_us = T0 + i * 10000,
				.sent_us = T0 + i * 10000 + 10 };

			r.status = answered_by ? PROBE_OK : PROBE_LOST;
			r.rtt_us = answered_by ? 300 : -1;
			snprintf(r.inst, sizeof(r.inst), "%s", answered_by ? answered_by : "");
			probe_log_add(&logs[c], &r);
		}
	}
	memset(&out, 0x5a, sizeof(out));
}

static void
clear(size_t n)
{
	for (size_t c = 0; c < n; c++)
		probe_log_free(&logs[c]);
}

static struct expect_view
view(size_t n)
{
	return (struct expect_view){ .lab = "hsnolab",
		.clients = clients,
		.logs = logs,
		.nclients = n };
}

/* "... and N more" at the end of text: N, or -1 when absent. */
static long
more_count(const char *text)
{
	const char *m = strstr(text, " ... and ");
	long n = -1;

	if (m == NULL || sscanf(m, " ... and %ld more", &n) != 1)
		return -1;
	return n;
}

static size_t
count(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

Test(expect, a_thousand_clients_without_answers_listed_with_a_count)
{
	struct scn_step st = { .kind = SCN_ANSWERED, .by = "DC001" };
	struct expect_view v = view(NCLIENTS);
	static bool sel[NCLIENTS];
	char sel_names[256];
	size_t listed;
	bool ok;

	fill(NCLIENTS, NULL);
	cr_assert_eq(expect_select(&v, &st, T0, sel, out.rs.detail, sizeof(out.rs.detail)),
	    NCLIENTS);
	ok = expect_check(&v, &st, sel, T0, out.rs.detail, sizeof(out.rs.detail));
	for (size_t i = 0; i < sizeof(out.guard); i++)
		cr_assert_eq(out.guard[i], 0x5a, "byte %zu past the detail was written", i);
	cr_assert_not(ok);
	cr_assert_eq(strncmp(out.rs.detail, "client01: no answer; client02: no answer", 40), 0,
	    "%s", out.rs.detail);
	cr_assert_lt(strlen(out.rs.detail), sizeof(out.rs.detail));
	listed = count(out.rs.detail, ": no answer");
	cr_assert_gt(listed, 10, "%s", out.rs.detail);
	cr_assert_eq(more_count(out.rs.detail), (long)(NCLIENTS - listed), "%s", out.rs.detail);
	cr_assert_null(strstr(out.rs.detail, TEXTBUF_CUT), "%s", out.rs.detail);

	/* The runner then appends how long it waited: it fits, nothing cut. */
	{
		struct textbuf tb;

		tb_resume(&tb, out.rs.detail, sizeof(out.rs.detail));
		tb_printf(&tb, " (still after %.3f s)", 10.0);
		cr_assert_not(tb.cut, "%s", out.rs.detail);
	}

	/* The selection's names, for lost and no_answer: likewise in their own buffer. */
	memset(sel_names, 0x5a, sizeof(sel_names));
	expect_selection_names(&v, sel, sel_names, sizeof(sel_names));
	cr_assert_lt(strlen(sel_names), sizeof(sel_names));
	cr_assert_eq(strncmp(sel_names, "client01, client02", 18), 0);
	cr_assert_eq(more_count(sel_names), (long)(NCLIENTS - count(sel_names, "client")), "%s",
	    sel_names);

	/* And no_answer over the same clients holds, its detail bounded too. */
	st.kind = SCN_NO_ANSWER;
	st.duration_ms = 200;
	cr_assert(expect_window(&v, &st, sel, sel_names, T0, T0 + 200000, out.rs.detail,
	    sizeof(out.rs.detail)));
	cr_assert_not_null(strstr(out.rs.detail, ": 0 answered, 20000 lost in 0.200 s"), "%s",
	    out.rs.detail);
	for (size_t i = 0; i < sizeof(out.guard); i++)
		cr_assert_eq(out.guard[i], 0x5a, "byte %zu past the detail was written", i);
	clear(NCLIENTS);
}

Test(expect, answered_and_instances_hold)
{
	struct scn_step st = { .kind = SCN_ANSWERED, .by = "DC002" };
	struct expect_view v = view(2);
	char *set[] = { "DC002" };
	bool sel[2] = { true, true };

	fill(2, "DC002");
	cr_assert(expect_check(&v, &st, sel, T0, out.rs.detail, sizeof(out.rs.detail)));
	cr_assert_str_eq(out.rs.detail, "client01: DC002; client02: DC002");
	st.kind = SCN_INSTANCES;
	st.set = set;
	st.nset = 1;
	cr_assert(expect_check(&v, &st, sel, T0, out.rs.detail, sizeof(out.rs.detail)));
	set[0] = "DC001";
	cr_assert_not(expect_check(&v, &st, sel, T0, out.rs.detail, sizeof(out.rs.detail)));
	/* Answers to queries sent before since do not count. */
	st.kind = SCN_ANSWERED;
	cr_assert_not(
	    expect_check(&v, &st, sel, T0 + 1000000, out.rs.detail, sizeof(out.rs.detail)));
	cr_assert_str_eq(out.rs.detail, "client01: no answer; client02: no answer");
	clear(2);
}

Test(expect, clients_of_selects_by_the_answer_before_the_fault)
{
	struct scn_step st = { .kind = SCN_ANSWERED, .by = "DC002" };
	struct expect_view v = view(2);
	bool sel[2];

	fill(2, "DC001");
	snprintf(st.clients.of, sizeof(st.clients.of), "DC002");
	cr_assert_eq(expect_select(&v, &st, T0 + 1000000, sel, out.rs.detail,
			 sizeof(out.rs.detail)),
	    0);
	cr_assert_str_eq(out.rs.detail, "no client was answered by DC002 at this step");
	snprintf(st.clients.of, sizeof(st.clients.of), "DC001");
	cr_assert_eq(expect_select(&v, &st, T0 + 1000000, sel, out.rs.detail,
			 sizeof(out.rs.detail)),
	    2);
	clear(2);
}

/* A lost step over a window in which no query went out fails: nothing was measured. */
Test(expect, lost_with_no_query_in_the_window_fails)
{
	struct scn_step st = { .kind = SCN_LOST, .lost_min = -1, .lost_max = 5 };
	struct expect_view v = view(3);
	bool sel[3] = { true, true, true };
	char d[256];

	fill(3, "DC001");
	/* Queries from T0 to T0 + 190 ms: a window with them holds, one after them does not. */
	cr_assert(expect_window(&v, &st, sel, "c", T0, T0 + 200000, d, sizeof(d)), "%s", d);
	cr_assert_not_null(strstr(d, "0 of 60 queries lost"), "%s", d);
	cr_assert_not(expect_window(&v, &st, sel, "c", T0 + 300000, T0 + 900000, d, sizeof(d)));
	cr_assert_not_null(strstr(d, "no query was answered or lost"), "%s", d);
	clear(3);
}
