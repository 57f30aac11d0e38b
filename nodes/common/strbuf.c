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

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * form, no surrogate, nothing above U+10FFFF), 0 when it is not one.
 */
static size_t
sb_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second byte's range excludes overlongs, surrogates and > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void
sb_json_str(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	sb_add(sb, "\"", 1);
	while (*s) {
		unsigned char c = *s;
		size_t n;

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			sb_add(sb, esc, 2);
			s++;
		} else if (c < 0x20) {
			sb_printf(sb, "\\u%04x", c);
			s++;
		} else if (c < 0x80) {
			sb_add(sb, (const char *)s, 1);
			s++;
		} else if ((n = sb_utf8_len(s)) > 0) {
			sb_add(sb, (const char *)s, n);
			s += n;
		} else {
			/* Not UTF-8 (a name from argv, a file name): JSON text must be. */
			sb_puts(sb, "\\ufffd");
			s++;
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
