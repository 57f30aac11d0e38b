/*
 * The bounded text builder (emu/scenario/textbuf.h): text that fits is
 * built exactly; text that does not is cut at the buffer's end, says so
 * with TEXTBUF_CUT, and nothing is ever written past the buffer (the bytes
 * after it stay as they were), however many appends follow.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "textbuf.h"

/* A buffer with guard bytes after it. */
struct guarded {
	char buf[32];
	char guard[64];
};

static void
guard_init(struct guarded *g)
{
	memset(g, 0x5a, sizeof(*g));
}

static void
guard_check(const struct guarded *g)
{
	for (size_t i = 0; i < sizeof(g->guard); i++)
		cr_assert_eq(g->guard[i], 0x5a, "byte %zu past the buffer was written", i);
}

Test(textbuf, fits_exactly)
{
	struct guarded g;
	struct textbuf tb;

	guard_init(&g);
	tb_init(&tb, g.buf, sizeof(g.buf));
	cr_assert_str_eq(g.buf, "");
	tb_puts(&tb, "client1");
	tb_sep(&tb, ", ");
	tb_printf(&tb, "%s: %d", "client2", 42);
	cr_assert_str_eq(g.buf, "client1, client2: 42");
	cr_assert_eq(tb.len, strlen(g.buf));
	cr_assert_not(tb.cut);
	/* 31 characters fill a 32-byte buffer without a cut. */
	tb_init(&tb, g.buf, sizeof(g.buf));
	tb_puts(&tb, "0123456789012345678901234567890");
	cr_assert_not(tb.cut);
	cr_assert_eq(strlen(g.buf), 31);
	guard_check(&g);
}

Test(textbuf, cut_and_says_so)
{
	struct guarded g;
	struct textbuf tb;

	guard_init(&g);
	tb_init(&tb, g.buf, sizeof(g.buf));
	for (int i = 0; i < 64; i++) {
		tb_sep(&tb, "; ");
		tb_printf(&tb, "client%d: no answer", i);
	}
	cr_assert(tb.cut);
	cr_assert_eq(strlen(g.buf), sizeof(g.buf) - 1);
	cr_assert_eq(tb.len, sizeof(g.buf) - 1);
	cr_assert_str_eq(g.buf + sizeof(g.buf) - sizeof(TEXTBUF_CUT), TEXTBUF_CUT);
	cr_assert_eq(strncmp(g.buf, "client0: no answer; client1", 20), 0, "%s", g.buf);
	guard_check(&g);

	/* Sticky: later appends change nothing. */
	tb_puts(&tb, "more");
	tb_printf(&tb, "%s", "more");
	cr_assert_str_eq(g.buf + sizeof(g.buf) - sizeof(TEXTBUF_CUT), TEXTBUF_CUT);
	guard_check(&g);
}

Test(textbuf, one_long_piece)
{
	struct guarded g;
	struct textbuf tb;
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	guard_init(&g);
	tb_init(&tb, g.buf, sizeof(g.buf));
	tb_puts(&tb, big);
	cr_assert(tb.cut);
	guard_check(&g);
	guard_init(&g);
	tb_init(&tb, g.buf, sizeof(g.buf));
	tb_printf(&tb, "%s", big);
	cr_assert(tb.cut);
	cr_assert_eq(strlen(g.buf), sizeof(g.buf) - 1);
	guard_check(&g);
}

Test(textbuf, resume_appends_after_existing_text)
{
	struct guarded g;
	struct textbuf tb;

	guard_init(&g);
	strcpy(g.buf, "client1: DC001");
	tb_resume(&tb, g.buf, sizeof(g.buf));
	tb_printf(&tb, " (after %.3f s)", 1.5);
	cr_assert_str_eq(g.buf, "client1: DC001 (after 1.500 s)");
	tb_resume(&tb, g.buf, sizeof(g.buf));
	tb_puts(&tb, " and more than fits");
	cr_assert(tb.cut);
	cr_assert_str_eq(g.buf + sizeof(g.buf) - sizeof(TEXTBUF_CUT), TEXTBUF_CUT);
	guard_check(&g);
}

Test(textbuf, tiny_buffers)
{
	char one[1] = { 'q' }, four[4];
	struct textbuf tb;

	tb_init(&tb, one, sizeof(one));
	tb_puts(&tb, "abc");
	cr_assert_eq(one[0], '\0');
	cr_assert(tb.cut);
	tb_init(&tb, four, sizeof(four));
	tb_printf(&tb, "%s", "abcdef");
	cr_assert_str_eq(four, "abc"); /* no room for the mark: cut only */
	cr_assert(tb.cut);
}
