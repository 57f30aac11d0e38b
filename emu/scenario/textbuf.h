/*
 * Text built into a fixed buffer: the scenario side's one way to make a
 * step's detail, a fault's message or an expectation's description
 * (res_step.detail and friends are fixed arrays). Every append is bounded by
 * the buffer; text that does not fit is cut and ends with TEXTBUF_CUT, so a
 * reader sees that it was cut, and every later append is ignored (sticky,
 * like strbuf's err). Never writes past size bytes, whatever is appended.
 */
#ifndef ANYLAB_TEXTBUF_H
#define ANYLAB_TEXTBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define TEXTBUF_CUT " [cut]"

struct textbuf {
	char *buf; /* always NUL-terminated (size > 0) */
	size_t size;
	size_t len;
	bool cut; /* something did not fit */
};

/* Start empty text in buf[size]. */
void tb_init(struct textbuf *, char *buf, size_t size);
/* Continue the text already in buf[size] (a detail a check wrote). */
void tb_resume(struct textbuf *, char *buf, size_t size);
void tb_puts(struct textbuf *, const char *);
void tb_printf(struct textbuf *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_vprintf(struct textbuf *, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* sep first unless the text is empty: lists ("a, b, c"). */
void tb_sep(struct textbuf *, const char *sep);

#endif
