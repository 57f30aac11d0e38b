/*
 * Growable text buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool
sb_grow(struct strbuf *sb, size_t more)
{
	size_t cap;
	char *s;

	if (sb->err)
		return false;
	if (sb->len + more + 1 <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	s = realloc(sb->s, cap);
	if (s == NULL) {
		sb->err = true;
		return false;
	}
	sb->s = s;
	sb->cap = cap;
	return true;
}

void
sb_add(struct strbuf *sb, const char *p, size_t n)
{
	if (!sb_grow(sb, n))
		return;
	memcpy(sb->s + sb->len, p, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
sb_json_str(struct strbuf *sb, const char *s)
{
	sb_add(sb, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			sb_add(sb, esc, 2);
		} else if (c < 0x20) {
			sb_printf(sb, "\\u%04x", c);
		} else {
			sb_add(sb, s, 1);
		}
	}
	sb_add(sb, "\"", 1);
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->err = false;
	if (sb->s)
		sb->s[0] = '\0';
}

char *
sb_steal(struct strbuf *sb)
{
	char *s = sb->s;

	if (s == NULL)
		s = strdup("");
	sb->s = NULL;
	sb->len = sb->cap = 0;
	sb->err = false;
	return s;
}

void
sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
	sb->err = false;
}

const char *
sb_str(const struct strbuf *sb)
{
	return sb->s ? sb->s : "";
}

void
sb_xml_str(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			sb_puts(sb, "&amp;");
			break;
		case '<':
			sb_puts(sb, "&lt;");
			break;
		case '>':
			sb_puts(sb, "&gt;");
			break;
		case '"':
			sb_puts(sb, "&quot;");
			break;
		case '\'':
			sb_puts(sb, "&apos;");
			break;
		default:
			/* XML 1.0 allows no control characters but tab and newlines. */
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				sb_puts(sb, "?");
			else
				sb_add(sb, s, 1);
		}
	}
}
