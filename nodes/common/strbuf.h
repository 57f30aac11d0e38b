/*
 * Growable text buffer for control replies, JSON and tables.
 * Allocation failure is sticky: the buffer keeps its contents and sb->err is
 * set; callers check once.
 */
#ifndef ANYLAB_STRBUF_H
#define ANYLAB_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	bool err;
};

#define STRBUF_INIT \
	{ \
		NULL, 0, 0, false \
	}

void sb_add(struct strbuf *, const char *, size_t);
void sb_puts(struct strbuf *, const char *);
void sb_printf(struct strbuf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* A quoted, escaped JSON string; bytes that are not UTF-8 become U+FFFD. */
void sb_json_str(struct strbuf *, const char *);
/* Text for XML, HTML or an SVG (& < > " ' as entities; control characters but tab and newlines as ?). */
void sb_xml_str(struct strbuf *, const char *);
void sb_reset(struct strbuf *);
char *sb_steal(struct strbuf *); /* caller frees; buffer becomes empty */
void sb_free(struct strbuf *);
const char *sb_str(const struct strbuf *); /* "" when empty */

#endif
