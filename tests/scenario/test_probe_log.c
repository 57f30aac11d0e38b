/*
 * The prober's log (emu/scenario/probe.h): records and breaks of several
 * clients written with their client column, read back (in pieces, as the
 * runner reads a log still being written) into one probe_log per client,
 * each in send order, with the breaks; malformed lines and unknown clients
 * counted, not taken.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define T0 1795308189000000LL

Test(probe_log, logline_round_trip_with_client_and_breaks)
{
	struct probe_rec r = { .seq = 17,
		.id = 4711,
		.sched_us = T0,
		.sent_us = T0 + 51,
		.status = PROBE_OK,
		.rtt_us = 238,
		.inst = "DC 001" };
	struct probe_break b = { .time_us = T0 + 99, .reason = PROBE_BREAK_TIMEOUT }, bb;
	struct probe_rec back;
	char line[256], client[PROBE_CLIENT_MAX];

	probe_logline_format("s01-c1", &r, line, sizeof(line));
	cr_assert_str_eq(line,
	    "s01-c1 17 4711 1795308189000000 1795308189000051 ok 238 0 DC 001\n");
	cr_assert_eq(probe_logline_parse(line, client, &back, &bb), PROBE_LINE_QUERY);
	cr_assert_str_eq(client, "s01-c1");
	cr_assert_eq(back.seq, 17);
	cr_assert_eq(back.sent_us, r.sent_us);
	cr_assert_str_eq(back.inst, "DC 001");
	probe_breakline_format("c2", &b, line, sizeof(line));
	cr_assert_str_eq(line, "c2 break 1795308189000099 timeout\n");
	cr_assert_eq(probe_logline_parse(line, client, &back, &bb), PROBE_LINE_BREAK);
	cr_assert_str_eq(client, "c2");
	cr_assert_eq(bb.time_us, b.time_us);
	cr_assert_eq(bb.reason, PROBE_BREAK_TIMEOUT);

	cr_assert_eq(probe_logline_parse("# comment", client, &back, &bb), PROBE_LINE_NONE);
	cr_assert_eq(probe_logline_parse("c2 break 5 unplugged", client, &back, &bb),
	    PROBE_LINE_BAD);
	cr_assert_eq(probe_logline_parse("c2 break x reset", client, &back, &bb), PROBE_LINE_BAD);
	cr_assert_eq(probe_logline_parse("c2 break 5 reset extra", client, &back, &bb),
	    PROBE_LINE_BAD);
	cr_assert_eq(probe_logline_parse("c2", client, &back, &bb), PROBE_LINE_BAD);
	cr_assert_eq(probe_logline_parse("1 2 3 4 ok 5 0 X", client, &back, &bb), PROBE_LINE_BAD);
	cr_assert_eq(probe_logline_parse(
			 "a-name-longer-than-sixty-three-characters-is-no-client-name-of-ours 1 2 "
			 "3 4 ok 5 0 X",
			 client, &back, &bb),
	    PROBE_LINE_BAD);
}

/* Three clients, their lines interleaved in completion order, read in odd pieces. */
Test(probe_log, one_log_read_back_per_client_in_send_order)
{
	char path[] = "/tmp/anylab-probe-log-XXXXXX";
	int fd = mkstemp(path);
	struct probe_log logs[3];
	struct probe_reader rd;
	char *text = NULL, line[256];
	size_t len = 0, off = 0;
	FILE *m = open_memstream(&text, &len);
	const char *names[3] = { "cb", "ca", "cc" };

	cr_assert_geq(fd, 0);
	cr_assert_not_null(m);
	fputs("# anylab prober transport=tcp clients=3\n# client ca server 10.0.0.1\n", m);
	/* Answers come back out of order: seq 1 before seq 0 for each client. */
	for (uint32_t pair = 0; pair < 50; pair++) {
		for (int c = 0; c < 3; c++) {
			for (int k = 1; k >= 0; k--) {
				uint32_t seq = pair * 2 + (uint32_t)k;
				struct probe_rec r = { .seq = seq,
					.id = (uint16_t)seq,
					.sched_us = T0 + seq * 1000,
					.sent_us = T0 + seq * 1000 + 7,
					.status = seq % 10 == 3 ? PROBE_LOST : PROBE_OK,
					.rtt_us = seq % 10 == 3 ? -1 : 300 };

				snprintf(r.inst, sizeof(r.inst), "%s", seq % 10 == 3 ? "" : "DC1");
				probe_logline_format(names[c], &r, line, sizeof(line));
				fputs(line, m);
			}
		}
		if (pair == 20) {
			struct probe_break b = { .time_us = T0 + 41000,
				.reason = PROBE_BREAK_RESET };

			probe_breakline_format("cc", &b, line, sizeof(line));
			fputs(line, m);
			fputs("cz 1 1 1 1 ok 1 0 X\n", m); /* not ours */
			fputs("garbage\n", m);
		}
	}
	fclose(m);
	for (int c = 0; c < 3; c++)
		probe_log_init(&logs[c], names[c]);
	cr_assert_eq(probe_reader_open(&rd, path, logs, 3), 0);
	/* Written and read in pieces of 37 bytes: lines split anywhere. */
	while (off < len) {
		size_t n = len - off < 37 ? len - off : 37;

		cr_assert_eq(write(fd, text + off, n), (ssize_t)n);
		off += n;
		cr_assert_geq(probe_reader_poll(&rd), 0);
	}
	cr_assert_eq(rd.bad, 1);
	cr_assert_eq(rd.unknown, 1);
	for (int c = 0; c < 3; c++) {
		cr_assert_eq(logs[c].n, 100, "%s: %zu records", names[c], logs[c].n);
		for (size_t i = 0; i < logs[c].n; i++) {
			cr_assert_eq(logs[c].recs[i].seq, i, "%s: record %zu is seq %u", names[c],
			    i, logs[c].recs[i].seq);
			cr_assert_eq(logs[c].recs[i].status, i % 10 == 3 ? PROBE_LOST : PROBE_OK);
		}
	}
	cr_assert_eq(logs[0].nbreaks, 0);
	cr_assert_eq(logs[2].nbreaks, 1);
	cr_assert_eq(logs[2].breaks[0].reason, PROBE_BREAK_RESET);
	cr_assert_eq(probe_log_breaks(&logs[2], T0 + 41000, T0 + 41001), 1);
	cr_assert_eq(probe_log_breaks(&logs[2], T0, T0 + 41000), 0);
	probe_reader_close(&rd);
	for (int c = 0; c < 3; c++)
		probe_log_free(&logs[c]);
	free(text);
	close(fd);
	unlink(path);
}
