/*
 * DNS over TCP framing (emu/scenario/probe_tcp.h, RFC 1035 4.2.2, RFC 7766
 * 8): messages out with their length prefix, and messages in whatever
 * pieces read() returns: a length split in two, a message in several
 * reads, several answers in one read.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "probe_tcp.h"

static const uint8_t stream_bytes[] = {
	0, 3, 'a', 'b', 'c',	       /* "abc" */
	0, 0,			       /* an empty message */
	0, 5, '1', '2', '3', '4', '5', /* "12345" */
};

static void
expect_msg(struct probe_stream *s, const char *want)
{
	const uint8_t *m;
	size_t n;

	cr_assert_eq(probe_stream_next(s, &m, &n), 1, "no message where \"%s\" is", want);
	cr_assert_eq(n, strlen(want));
	cr_assert_eq(memcmp(m, want, n), 0);
}

Test(probe_tcp, several_answers_in_one_read)
{
	struct probe_stream s = { 0 };
	const uint8_t *m;
	size_t n;

	cr_assert_eq(probe_stream_append(&s, stream_bytes, sizeof(stream_bytes)), 0);
	expect_msg(&s, "abc");
	expect_msg(&s, "");
	expect_msg(&s, "12345");
	cr_assert_eq(probe_stream_next(&s, &m, &n), 0);
	cr_assert_eq(probe_stream_pending(&s), 0);
	probe_stream_free(&s);
}

/* Every split of the stream into two reads, and one byte per read. */
Test(probe_tcp, partial_reads_at_every_split)
{
	for (size_t cut = 0; cut <= sizeof(stream_bytes); cut++) {
		struct probe_stream s = { 0 };
		const uint8_t *m;
		size_t n, got = 0;

		cr_assert_eq(probe_stream_append(&s, stream_bytes, cut), 0);
		while (probe_stream_next(&s, &m, &n) == 1)
			got++;
		cr_assert_eq(probe_stream_append(&s, stream_bytes + cut,
				 sizeof(stream_bytes) - cut),
		    0);
		while (probe_stream_next(&s, &m, &n) == 1)
			got++;
		cr_assert_eq(got, 3, "cut at %zu: %zu messages", cut, got);
		probe_stream_free(&s);
	}
	{
		struct probe_stream s = { 0 };
		const uint8_t *m;
		size_t n, got = 0;

		for (size_t i = 0; i < sizeof(stream_bytes); i++) {
			cr_assert_eq(probe_stream_append(&s, stream_bytes + i, 1), 0);
			while (probe_stream_next(&s, &m, &n) == 1)
				got++;
		}
		cr_assert_eq(got, 3);
		probe_stream_free(&s);
	}
}

Test(probe_tcp, frame_and_partial_writes)
{
	struct probe_stream out = { 0 }, in = { 0 };
	uint8_t big[70000] = { 0 };

	cr_assert_eq(probe_stream_frame(&out, "abc", 3), 0);
	cr_assert_eq(probe_stream_frame(&out, "12345", 5), 0);
	cr_assert_eq(probe_stream_frame(&out, big, sizeof(big)), -EMSGSIZE);
	cr_assert_eq(probe_stream_pending(&out), 2 + 3 + 2 + 5);
	cr_assert_eq(memcmp(probe_stream_data(&out), "\0\3abc\0\00512345", 12), 0);
	/* A short write: the rest stays, in order. */
	cr_assert_eq(probe_stream_append(&in, probe_stream_data(&out), 4), 0);
	probe_stream_consume(&out, 4);
	cr_assert_eq(probe_stream_frame(&out, "x", 1), 0);
	cr_assert_eq(probe_stream_append(&in, probe_stream_data(&out), probe_stream_pending(&out)),
	    0);
	probe_stream_consume(&out, probe_stream_pending(&out));
	cr_assert_eq(probe_stream_pending(&out), 0);
	expect_msg(&in, "abc");
	expect_msg(&in, "12345");
	expect_msg(&in, "x");
	probe_stream_reset(&in);
	cr_assert_eq(probe_stream_pending(&in), 0);
	probe_stream_free(&in);
	probe_stream_free(&out);
}
