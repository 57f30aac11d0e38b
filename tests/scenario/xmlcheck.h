/*
 * A small XML well-formedness checker for the tests of the SVG and JUnit
 * writers: elements nest and close in order, attributes are name="value"
 * with no '<' or raw '&' inside, text holds no '<' and only the five
 * predefined entities or character references, one root element; comments
 * and a DOCTYPE before the root are skipped (the HTML report). Enough to
 * catch what a writer gets wrong (an unescaped label, a tag left open).
 * Returns NULL when well-formed, else a static message.
 */
#ifndef ANYLAB_TEST_XMLCHECK_H
#define ANYLAB_TEST_XMLCHECK_H

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static inline int
xml_entity_ok(const char *p)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };

	for (size_t i = 0; i < 5; i++)
		if (strncmp(p, ents[i], strlen(ents[i])) == 0)
			return (int)strlen(ents[i]);
	if (p[1] == '#') {
		int n = 2;

		while (isalnum((unsigned char)p[n]))
			n++;
		return p[n] == ';' && n > 2 ? n + 1 : 0;
	}
	return 0;
}

static inline int
xml_name(const char *p)
{
	int n = 0;

	if (!isalpha((unsigned char)p[0]) && p[0] != '_')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-' || p[n] == '.' ||
	    p[n] == ':')
		n++;
	return n;
}

static inline const char *
xml_check(const char *doc)
{
	static char msg[256];
	char stack[64][64];
	int depth = 0, roots = 0;
	const char *p = doc;

	if (strncmp(p, "<?xml", 5) == 0) {
		p = strstr(p, "?>");
		if (p == NULL)
			return "unterminated XML declaration";
		p += 2;
	}
	while (*p) {
		if (*p == '&') {
			int n = xml_entity_ok(p);

			if (n == 0) {
				snprintf(msg, sizeof(msg), "bad entity at offset %td", p - doc);
				return msg;
			}
			p += n;
			continue;
		}
		if (strncmp(p, "<!--", 4) == 0) {
			p = strstr(p + 4, "-->");
			if (p == NULL)
				return "unterminated comment";
			p += 3;
			continue;
		}
		if (depth == 0 && roots == 0 && strncasecmp(p, "<!DOCTYPE", 9) == 0) {
			p = strchr(p, '>');
			if (p == NULL)
				return "unterminated DOCTYPE";
			p++;
			continue;
		}
		if (*p != '<') {
			if (depth == 0 && !isspace((unsigned char)*p))
				return "text outside the root element";
			p++;
			continue;
		}
		if (p[1] == '/') {
			int n = xml_name(p + 2);

			if (depth == 0 || n == 0 || (size_t)n != strlen(stack[depth - 1]) ||
			    strncmp(p + 2, stack[depth - 1], (size_t)n) != 0 || p[2 + n] != '>') {
				snprintf(msg, sizeof(msg), "mismatched closing tag at offset %td",
				    p - doc);
				return msg;
			}
			depth--;
			p += 3 + n;
			continue;
		}
		int n = xml_name(p + 1);

		if (n == 0 || n >= 64) {
			snprintf(msg, sizeof(msg), "bad tag name at offset %td", p - doc);
			return msg;
		}
		if (depth == 0 && ++roots > 1)
			return "more than one root element";
		if (depth == 64)
			return "too deep";
		memcpy(stack[depth], p + 1, (size_t)n);
		stack[depth][n] = '\0';
		p += 1 + n;
		for (;;) {
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '>') {
				depth++;
				p++;
				break;
			}
			if (p[0] == '/' && p[1] == '>') {
				p += 2;
				break;
			}
			n = xml_name(p);
			if (n == 0 || p[n] != '=' || p[n + 1] != '"') {
				snprintf(msg, sizeof(msg), "bad attribute at offset %td", p - doc);
				return msg;
			}
			p += n + 2;
			while (*p && *p != '"') {
				if (*p == '<')
					return "'<' inside an attribute value";
				if (*p == '&') {
					int e = xml_entity_ok(p);

					if (e == 0)
						return "bad entity inside an attribute value";
					p += e;
					continue;
				}
				p++;
			}
			if (*p != '"')
				return "unterminated attribute value";
			p++;
		}
	}
	if (depth != 0) {
		snprintf(msg, sizeof(msg), "element <%s> not closed", stack[depth - 1]);
		return msg;
	}
	return roots == 1 ? NULL : "no root element";
}

#endif
