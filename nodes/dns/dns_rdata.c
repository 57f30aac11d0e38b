/*
 * Record data in presentation and wire form (RFC 1035 5.1 and 3.3, RFC 3596,
 * RFC 2782, RFC 8659, RFC 6672, RFC 3597 for unknown types), the lexer of the
 * master-file format (also used for a record's "data" string in the config),
 * and name compression inside rdata (RFC 3597 section 4).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"

enum rd_field {
	RD_END,
	RD_NAME_C, /* domain name, compressible on output */
	RD_NAME,   /* domain name, never compressed */
	RD_U8,
	RD_U16,
	RD_U32, /* SOA serial and timers (BIND units allowed) */
	RD_A,
	RD_AAAA,
	RD_STR,	 /* one character-string */
	RD_STRS, /* one or more character-strings to the end (TXT) */
	RD_TAG,	 /* CAA tag: a character-string of letters and digits */
	RD_REST, /* the remaining octets, shown as one quoted string (CAA value) */
};

struct rd_desc {
	uint16_t type;
	uint8_t f[8];
	const char *syntax; /* for error messages */
};

static const struct rd_desc rd_table[] = {
	{ DNS_T_A, { RD_A }, "IPV4-ADDRESS" },
	{ DNS_T_NS, { RD_NAME_C }, "NAME-SERVER" },
	{ DNS_T_CNAME, { RD_NAME_C }, "CANONICAL-NAME" },
	{ DNS_T_SOA, { RD_NAME_C, RD_NAME_C, RD_U32, RD_U32, RD_U32, RD_U32, RD_U32 },
	    "MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM" },
	{ DNS_T_PTR, { RD_NAME_C }, "NAME" },
	{ DNS_T_HINFO, { RD_STR, RD_STR }, "CPU OS" },
	{ DNS_T_MX, { RD_U16, RD_NAME_C }, "PREFERENCE EXCHANGE" },
	{ DNS_T_TXT, { RD_STRS }, "STRING..." },
	{ DNS_T_AAAA, { RD_AAAA }, "IPV6-ADDRESS" },
	{ DNS_T_SRV, { RD_U16, RD_U16, RD_U16, RD_NAME }, "PRIORITY WEIGHT PORT TARGET" },
	{ DNS_T_DNAME, { RD_NAME }, "TARGET" },
	{ DNS_T_CAA, { RD_U8, RD_TAG, RD_REST }, "FLAGS TAG VALUE" },
};

static const struct rd_desc *rd_lookup(uint16_t type);
static int rd_fail(struct dns_rdata_err *, int token, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int unescape(const struct dns_token *, uint8_t *out, size_t max, char *err, size_t errlen);
static int parse_string(const struct dns_token *, uint8_t *out, char *err, size_t errlen);
static int parse_generic(const struct dns_token *, int n, uint8_t *, size_t,
    struct dns_rdata_err *);
static int parse_uint(const struct dns_token *, uint64_t max, bool units, uint64_t *);
static void text_string(struct strbuf *, const uint8_t *, size_t);
static bool wire_name_ok(struct wire_rd *rd);

static const struct rd_desc *
rd_lookup(uint16_t type)
{
	for (size_t i = 0; i < sizeof(rd_table) / sizeof(rd_table[0]); i++)
		if (rd_table[i].type == type)
			return &rd_table[i];
	return NULL;
}

/* ---- lexer ---- */

void
dns_lex_init(struct dns_lexer *lx, const char *text, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->text = text;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

static void
lex_adv(struct dns_lexer *lx)
{
	if (lx->text[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static int
lex_fail(struct dns_lexer *lx, int line, int col, const char *msg)
{
	snprintf(lx->err, sizeof(lx->err), "%s", msg);
	lx->err_line = line;
	lx->err_col = col;
	return -1;
}

int
dns_lex_entry(struct dns_lexer *lx, struct dns_token *t, int max, int *n, bool *blank_owner)
{
	int depth = 0, paren_line = 0, paren_col = 0;

	*n = 0;
	*blank_owner = false;
	while (lx->pos < lx->len) {
		char c = lx->text[lx->pos];

		if (c == '\n') {
			lex_adv(lx);
			if (depth == 0 && *n > 0)
				return 1;
			if (depth == 0)
				*blank_owner = false;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			if (lx->col == 1 && depth == 0 && *n == 0)
				*blank_owner = true;
			lex_adv(lx);
			continue;
		}
		if (c == ';') {
			while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
				lex_adv(lx);
			continue;
		}
		if (c == '(') {
			if (depth > 0)
				return lex_fail(lx, lx->line, lx->col, "nested parentheses");
			depth++;
			paren_line = lx->line;
			paren_col = lx->col;
			lex_adv(lx);
			continue;
		}
		if (c == ')') {
			if (depth == 0)
				return lex_fail(lx, lx->line, lx->col,
				    "closing parenthesis without an opening one");
			depth--;
			lex_adv(lx);
			continue;
		}
		if (*n >= max)
			return lex_fail(lx, lx->line, lx->col, "too many fields in one entry");
		t[*n].line = lx->line;
		t[*n].col = lx->col;
		if (c == '"') {
			t[*n].quoted = true;
			lex_adv(lx);
			t[*n].s = lx->text + lx->pos;
			while (lx->pos < lx->len && lx->text[lx->pos] != '"') {
				if (lx->text[lx->pos] == '\n')
					return lex_fail(lx, t[*n].line, t[*n].col,
					    "quoted string not closed on its line");
				if (lx->text[lx->pos] == '\\' && lx->pos + 1 < lx->len)
					lex_adv(lx);
				lex_adv(lx);
			}
			if (lx->pos >= lx->len)
				return lex_fail(lx, t[*n].line, t[*n].col,
				    "quoted string not closed");
			t[*n].len = (size_t)(lx->text + lx->pos - t[*n].s);
			lex_adv(lx); /* closing quote */
		} else {
			t[*n].quoted = false;
			t[*n].s = lx->text + lx->pos;
			while (lx->pos < lx->len) {
				c = lx->text[lx->pos];
				if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' ||
				    c == '(' || c == ')' || c == '"')
					break;
				if (c == '\\' && lx->pos + 1 < lx->len &&
				    lx->text[lx->pos + 1] != '\n')
					lex_adv(lx);
				lex_adv(lx);
			}
			t[*n].len = (size_t)(lx->text + lx->pos - t[*n].s);
		}
		(*n)++;
	}
	if (depth > 0)
		return lex_fail(lx, paren_line, paren_col, "parenthesis not closed");
	return *n > 0 ? 1 : 0;
}

/* ---- presentation -> wire ---- */

static int
rd_fail(struct dns_rdata_err *err, int token, const char *fmt, ...)
{
	va_list ap;

	err->token = token;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The token's text with escapes undone into out (at most max octets): the length, or -1. */
static int
unescape(const struct dns_token *t, uint8_t *out, size_t max, char *err, size_t errlen)
{
	size_t len = 0;

	for (size_t i = 0; i < t->len;) {
		uint8_t c;

		if (t->s[i] == '\\') {
			if (i + 1 >= t->len) {
				snprintf(err, errlen, "backslash at the end of a string");
				return -1;
			}
			if (isdigit((unsigned char)t->s[i + 1])) {
				unsigned v;

				if (i + 3 >= t->len || !isdigit((unsigned char)t->s[i + 2]) ||
				    !isdigit((unsigned char)t->s[i + 3])) {
					snprintf(err, errlen, "\\DDD escape needs three digits");
					return -1;
				}
				v = (unsigned)(t->s[i + 1] - '0') * 100 +
				    (unsigned)(t->s[i + 2] - '0') * 10 +
				    (unsigned)(t->s[i + 3] - '0');
				if (v > 255) {
					snprintf(err, errlen, "\\DDD escape above 255");
					return -1;
				}
				c = (uint8_t)v;
				i += 4;
			} else {
				c = (uint8_t)t->s[i + 1];
				i += 2;
			}
		} else {
			c = (uint8_t)t->s[i++];
		}
		if (len == max) {
			snprintf(err, errlen, "%s",
			    max == 255 ? "character-string longer than 255 octets" :
					 "rdata longer than 65535 octets");
			return -1;
		}
		out[len++] = c;
	}
	return (int)len;
}

/* A character-string with escapes undone into out+1, length in out[0]. */
static int
parse_string(const struct dns_token *t, uint8_t *out, char *err, size_t errlen)
{
	int len = unescape(t, out + 1, 255, err, errlen);

	if (len < 0)
		return -1;
	out[0] = (uint8_t)len;
	return len + 1;
}

static int
parse_uint(const struct dns_token *t, uint64_t max, bool units, uint64_t *out)
{
	char buf[32];
	char *end;
	uint32_t ttl;

	if (t->quoted || t->len == 0 || t->len >= sizeof(buf))
		return -1;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return -1;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (*end == '\0' && errno == 0 && *out <= max)
		return 0;
	if (units && dns_ttl_parse(t->s, t->len, &ttl) == 0 && ttl <= max) {
		*out = ttl;
		return 0;
	}
	return -1;
}

int
dns_ttl_parse(const char *s, size_t len, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	bool digits = false, any_unit = false;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)s[i]);
		uint64_t mul = 0;

		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits = true;
			if (cur > 0xffffffffULL)
				return -1;
			continue;
		}
		switch (c) {
		case 's':
			mul = 1;
			break;
		case 'm':
			mul = 60;
			break;
		case 'h':
			mul = 3600;
			break;
		case 'd':
			mul = 86400;
			break;
		case 'w':
			mul = 604800;
			break;
		default:
			return -1;
		}
		if (!digits)
			return -1;
		total += cur * mul;
		cur = 0;
		digits = false;
		any_unit = true;
		if (total > 0x7fffffffULL)
			return -1;
	}
	if (digits)
		total += cur;
	else if (!any_unit)
		return -1;
	if (total > 0x7fffffffULL)
		return -1;
	*out = (uint32_t)total;
	return 0;
}

static int
parse_generic(const struct dns_token *t, int n, uint8_t *out, size_t cap, struct dns_rdata_err *err)
{
	uint64_t len;
	size_t o = 0;

	/* t[0] is "\#" */
	if (n < 2 || parse_uint(&t[1], 65535, false, &len) < 0)
		return rd_fail(err, n < 2 ? -1 : 1, "expected the rdata length after \\#");
	if (len > cap)
		return rd_fail(err, 1, "rdata too long");
	for (int i = 2; i < n; i++) {
		if (t[i].quoted)
			return rd_fail(err, i, "expected hexadecimal digits");
		for (size_t k = 0; k < t[i].len; k++) {
			int v;
			char c = (char)tolower((unsigned char)t[i].s[k]);

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else
				return rd_fail(err, i, "expected hexadecimal digits");
			if (o / 2 >= len)
				return rd_fail(err, i, "more hex digits than the length says");
			if (o % 2 == 0)
				out[o / 2] = (uint8_t)(v << 4);
			else
				out[o / 2] |= (uint8_t)v;
			o++;
		}
	}
	if (o != len * 2)
		return rd_fail(err, -1, "hex digits do not match the rdata length");
	return (int)len;
}

int
dns_rdata_parse(uint16_t type, const struct dns_token *t, int n, const uint8_t *origin,
    uint8_t *out, size_t cap, struct dns_rdata_err *err)
{
	const struct rd_desc *d = rd_lookup(type);
	struct wire_wr wr;
	char tn[16];
	int ti = 0;

	err->token = -1;
	err->msg[0] = '\0';
	if (n > 0 && !t[0].quoted && t[0].len == 2 && memcmp(t[0].s, "\\#", 2) == 0) {
		int len = parse_generic(t, n, out, cap, err);

		if (len >= 0 && d != NULL && !dns_rdata_valid(type, out, (size_t)len))
			return rd_fail(err, 0, "rdata in \\# form is not valid %s",
			    dns_type_name(type, tn, sizeof(tn)));
		return len;
	}
	if (d == NULL)
		return rd_fail(err, 0,
		    "type %s has no presentation format here; "
		    "use \\# LENGTH HEX",
		    dns_type_name(type, tn, sizeof(tn)));
	wire_wr_init(&wr, out, cap);
	for (int fi = 0; fi < 8 && d->f[fi] != RD_END; fi++) {
		enum rd_field f = d->f[fi];
		uint8_t buf[DNS_NAME_MAXLEN > 256 ? DNS_NAME_MAXLEN : 256];
		uint64_t v;
		char cerr[120];
		int len;

		if (ti >= n)
			return rd_fail(err, -1, "missing fields; expected %s", d->syntax);
		switch (f) {
		case RD_NAME_C:
		case RD_NAME:
			if (t[ti].quoted)
				return rd_fail(err, ti,
				    "expected a domain name, not a quoted string");
			len = dns_name_from_text(t[ti].s, t[ti].len, origin, buf);
			if (len < 0)
				return rd_fail(err, ti, "bad domain name: %s", dns_strerror(len));
			wire_put(&wr, buf, (size_t)len);
			break;
		case RD_U8:
		case RD_U16:
		case RD_U32:
			if (parse_uint(&t[ti],
				f == RD_U8	? 255 :
				    f == RD_U16 ? 65535 :
						  0xffffffffULL,
				f == RD_U32, &v) < 0)
				return rd_fail(err, ti, "expected a number up to %s",
				    f == RD_U8	    ? "255" :
					f == RD_U16 ? "65535" :
						      "4294967295");
			if (f == RD_U8)
				wire_put_u8(&wr, (uint8_t)v);
			else if (f == RD_U16)
				wire_put_u16(&wr, (uint16_t)v);
			else
				wire_put_u32(&wr, (uint32_t)v);
			break;
		case RD_A:
		case RD_AAAA: {
			char a[64];

			if (t[ti].len >= sizeof(a) || t[ti].quoted)
				return rd_fail(err, ti, "expected an %s address",
				    f == RD_A ? "IPv4" : "IPv6");
			memcpy(a, t[ti].s, t[ti].len);
			a[t[ti].len] = '\0';
			if (inet_pton(f == RD_A ? AF_INET : AF_INET6, a, buf) != 1)
				return rd_fail(err, ti, "expected an %s address",
				    f == RD_A ? "IPv4" : "IPv6");
			wire_put(&wr, buf, f == RD_A ? 4 : 16);
			break;
		}
		case RD_STR:
		case RD_TAG:
			len = parse_string(&t[ti], buf, cerr, sizeof(cerr));
			if (len < 0)
				return rd_fail(err, ti, "%s", cerr);
			if (f == RD_TAG) {
				if (buf[0] == 0 || buf[0] > 15)
					return rd_fail(err, ti,
					    "CAA tag must be 1 to 15 characters");
				for (int k = 1; k <= buf[0]; k++)
					if (!isalnum(buf[k]))
						return rd_fail(err, ti,
						    "CAA tag must be letters and digits");
			}
			wire_put(&wr, buf, (size_t)len);
			break;
		case RD_STRS:
			for (; ti < n; ti++) {
				len = parse_string(&t[ti], buf, cerr, sizeof(cerr));
				if (len < 0)
					return rd_fail(err, ti, "%s", cerr);
				wire_put(&wr, buf, (size_t)len);
			}
			ti--;
			break;
		case RD_REST: /* may exceed 255 octets: straight into out */
			len = unescape(&t[ti], out + wr.len, cap - wr.len, cerr, sizeof(cerr));
			if (len < 0)
				return rd_fail(err, ti, "%s", cerr);
			wire_reserve(&wr, (size_t)len);
			break;
		case RD_END:
			break;
		}
		ti++;
		if (wr.err != WIRE_OK)
			return rd_fail(err, ti - 1, "rdata longer than 65535 octets");
	}
	if (ti < n)
		return rd_fail(err, ti, "unexpected extra field; expected %s", d->syntax);
	return (int)wr.len;
}

int
dns_rdata_from_string(uint16_t type, const char *text, const uint8_t *origin, uint8_t *out,
    size_t cap, char *errbuf, size_t errlen)
{
	struct dns_lexer lx;
	struct dns_token *t = calloc(DNS_TOKENS_MAX, sizeof(*t));
	struct dns_rdata_err err;
	bool blank;
	int n = 0, rc;

	if (t == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	dns_lex_init(&lx, text, strlen(text));
	rc = dns_lex_entry(&lx, t, DNS_TOKENS_MAX, &n, &blank);
	if (rc < 0) {
		snprintf(errbuf, errlen, "column %d: %s", lx.err_col, lx.err);
		goto out;
	}
	if (rc == 1 && lx.pos < lx.len) {
		bool more_blank;
		int m;
		struct dns_token extra[1];

		if (dns_lex_entry(&lx, extra, 1, &m, &more_blank) != 0) {
			snprintf(errbuf, errlen, "line %d: rdata must be one entry", lx.line);
			rc = -1;
			goto out;
		}
	}
	rc = dns_rdata_parse(type, t, n, origin, out, cap, &err);
	if (rc < 0) {
		int col = err.token >= 0 ? t[err.token].col : (int)strlen(text) + 1;

		snprintf(errbuf, errlen, "column %d: %s", col, err.msg);
	}
out:
	free(t);
	return rc;
}

/* ---- wire checks and wire -> presentation ---- */

static bool
wire_name_ok(struct wire_rd *rd)
{
	size_t total = 0;

	for (;;) {
		uint8_t l = wire_u8(rd);

		if (rd->err != WIRE_OK || l > DNS_LABEL_MAXLEN)
			return false;
		total += (size_t)l + 1;
		if (total > DNS_NAME_MAXLEN)
			return false;
		if (l == 0)
			return true;
		wire_skip(rd, l);
	}
}

bool
dns_rdata_valid(uint16_t type, const uint8_t *rdata, size_t len)
{
	const struct rd_desc *d = rd_lookup(type);
	struct wire_rd rd;

	if (d == NULL)
		return len <= DNS_RDATA_MAX;
	wire_rd_init(&rd, rdata, len);
	for (int fi = 0; fi < 8 && d->f[fi] != RD_END; fi++) {
		switch (d->f[fi]) {
		case RD_NAME_C:
		case RD_NAME:
			if (!wire_name_ok(&rd))
				return false;
			break;
		case RD_U8:
			wire_skip(&rd, 1);
			break;
		case RD_U16:
			wire_skip(&rd, 2);
			break;
		case RD_U32:
			wire_skip(&rd, 4);
			break;
		case RD_A:
			wire_skip(&rd, 4);
			break;
		case RD_AAAA:
			wire_skip(&rd, 16);
			break;
		case RD_STR:
			wire_skip(&rd, wire_u8(&rd));
			break;
		case RD_TAG: {
			/* RFC 8659 4.1: 1 to 15 letters and digits */
			uint8_t l = wire_u8(&rd);
			const uint8_t *tag = wire_ptr(&rd, l);

			if (l == 0 || l > 15 || tag == NULL)
				return false;
			for (uint8_t k = 0; k < l; k++)
				if (!isalnum(tag[k]))
					return false;
			break;
		}
		case RD_STRS:
			do {
				wire_skip(&rd, wire_u8(&rd));
			} while (rd.err == WIRE_OK && wire_left(&rd) > 0);
			break;
		case RD_REST:
			wire_skip(&rd, wire_left(&rd));
			break;
		case RD_END:
			break;
		}
	}
	return rd.err == WIRE_OK && wire_left(&rd) == 0;
}

static void
text_string(struct strbuf *sb, const uint8_t *s, size_t len)
{
	sb_add(sb, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(sb, "\\%03u", c);
		else
			sb_add(sb, (const char *)&c, 1);
	}
	sb_add(sb, "\"", 1);
}

int
dns_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len, struct strbuf *sb)
{
	const struct rd_desc *d = rd_lookup(type);
	struct wire_rd rd;
	char buf[DNS_NAME_TEXT_MAX];

	if (d == NULL || !dns_rdata_valid(type, rdata, len)) {
		if (len > DNS_RDATA_MAX)
			return -1;
		sb_printf(sb, "\\# %zu", len);
		if (len > 0)
			sb_add(sb, " ", 1);
		for (size_t i = 0; i < len; i++)
			sb_printf(sb, "%02x", rdata[i]);
		return d == NULL ? 0 : -1;
	}
	wire_rd_init(&rd, rdata, len);
	for (int fi = 0; fi < 8 && d->f[fi] != RD_END; fi++) {
		const uint8_t *p;
		uint8_t l;

		if (fi > 0)
			sb_add(sb, " ", 1);
		switch (d->f[fi]) {
		case RD_NAME_C:
		case RD_NAME: {
			uint8_t name[DNS_NAME_MAXLEN];
			size_t nl = dns_name_len(rd.pos);

			wire_read(&rd, name, nl);
			dns_name_to_text(name, buf, sizeof(buf));
			sb_puts(sb, buf);
			break;
		}
		case RD_U8:
			sb_printf(sb, "%u", wire_u8(&rd));
			break;
		case RD_U16:
			sb_printf(sb, "%u", wire_u16(&rd));
			break;
		case RD_U32:
			sb_printf(sb, "%u", wire_u32(&rd));
			break;
		case RD_A:
		case RD_AAAA:
			p = wire_ptr(&rd, d->f[fi] == RD_A ? 4 : 16);
			inet_ntop(d->f[fi] == RD_A ? AF_INET : AF_INET6, p, buf, sizeof(buf));
			sb_puts(sb, buf);
			break;
		case RD_STR:
			l = wire_u8(&rd);
			text_string(sb, wire_ptr(&rd, l), l);
			break;
		case RD_TAG:
			l = wire_u8(&rd);
			sb_add(sb, (const char *)wire_ptr(&rd, l), l);
			break;
		case RD_STRS:
			for (bool first = true; wire_left(&rd) > 0; first = false) {
				if (!first)
					sb_add(sb, " ", 1);
				l = wire_u8(&rd);
				text_string(sb, wire_ptr(&rd, l), l);
			}
			break;
		case RD_REST: {
			size_t left = wire_left(&rd);

			text_string(sb, wire_ptr(&rd, left), left);
			break;
		}
		case RD_END:
			break;
		}
	}
	return 0;
}

void
dns_rdata_pack(struct wire_wr *wr, uint16_t type, const uint8_t *rdata, size_t len,
    struct dns_compress *c)
{
	size_t off;

	switch (type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		dns_name_pack(wr, rdata, c);
		return;
	case DNS_T_MX:
		wire_put(wr, rdata, 2);
		dns_name_pack(wr, rdata + 2, c);
		return;
	case DNS_T_SOA:
		dns_name_pack(wr, rdata, c);
		off = dns_name_len(rdata);
		dns_name_pack(wr, rdata + off, c);
		off += dns_name_len(rdata + off);
		wire_put(wr, rdata + off, len - off);
		return;
	default:
		wire_put(wr, rdata, len);
		return;
	}
}

const uint8_t *
dns_rdata_target(uint16_t type, const uint8_t *rdata, size_t len)
{
	switch (type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
		return rdata;
	case DNS_T_MX:
		return len > 2 ? rdata + 2 : NULL;
	case DNS_T_SRV:
		return len > 6 ? rdata + 6 : NULL;
	default:
		return NULL;
	}
}
