/*
 * Bounded text into a fixed buffer (textbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "textbuf.h"

static void tb_cut(struct textbuf *);

void
tb_init(struct textbuf *tb, char *buf, size_t size)
{
	tb->buf = buf;
	tb->size = size;
	tb->len = 0;
	tb->cut = size == 0;
	if (size > 0)
		buf[0] = '\0';
}

void
tb_resume(struct textbuf *tb, char *buf, size_t size)
{
	tb->buf = buf;
	tb->size = size;
	tb->len = size > 0 ? strnlen(buf, size) : 0;
	tb->cut = size == 0;
	if (size > 0 && tb->len == size) {
		/* Not terminated: treat as full. */
		tb->len = size - 1;
		tb_cut(tb);
	}
}

/* The text is full: end it with the mark (when the buffer can hold it). */
static void
tb_cut(struct textbuf *tb)
{
	size_t mark = sizeof(TEXTBUF_CUT) - 1;

	tb->cut = true;
	if (tb->size == 0)
		return;
	tb->len = tb->size - 1;
	if (tb->size > mark + 1)
		memcpy(tb->buf + tb->size - 1 - mark, TEXTBUF_CUT, mark);
	tb->buf[tb->len] = '\0';
}

void
tb_puts(struct textbuf *tb, const char *s)
{
	size_t n = strlen(s);

	if (tb->cut)
		return;
	if (n >= tb->size - tb->len) {
		memcpy(tb->buf + tb->len, s, tb->size - tb->len - 1);
		tb_cut(tb);
		return;
	}
	memcpy(tb->buf + tb->len, s, n + 1);
	tb->len += n;
}

void
tb_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tb_vprintf(tb, fmt, ap);
	va_end(ap);
}

void
tb_vprintf(struct textbuf *tb, const char *fmt, va_list ap)
{
	size_t room;
	int n;

	if (tb->cut)
		return;
	room = tb->size - tb->len;
	n = vsnprintf(tb->buf + tb->len, room, fmt, ap);
	if (n < 0) {
		tb->buf[tb->len] = '\0'; /* an encoding error: nothing added */
		return;
	}
	if ((size_t)n >= room) {
		tb_cut(tb);
		return;
	}
	tb->len += (size_t)n;
}

void
tb_sep(struct textbuf *tb, const char *sep)
{
	if (tb->len > 0)
		tb_puts(tb, sep);
}
