/*
 * Master-file parser (RFC 1035 section 5.1 entries and directives; RFC 2308
 * section 4 $TTL). The lexer and the rdata parsers live in dns_rdata.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns_rdata.h"
#include "dns_zonefile.h"
#include "fileio.h"

struct zf_state {
	const char *file;
	struct dns_zone_builder *zb;
	struct dns_zmsgs *msgs;
	uint8_t origin[DNS_NAME_MAXLEN];
	uint8_t owner[DNS_NAME_MAXLEN];
	bool have_owner;
	uint32_t dir_ttl; /* $TTL */
	bool have_dir_ttl;
	uint32_t last_ttl;
	bool have_last_ttl;
	int errors;
};

static void zf_err(struct zf_state *, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void zf_entry(struct zf_state *, const struct dns_token *, int n, bool blank);
static void zf_directive(struct zf_state *, const struct dns_token *, int n);
static bool tok_is(const struct dns_token *, const char *);

#define TTL_EXPECTED "expected a TTL (seconds, or units such as 1h30m) up to 2147483647"

static void
zf_err(struct zf_state *st, int line, int col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dns_zmsg_err(st->msgs, "%s:%d:%d: %s", st->file, line, col, msg);
	st->errors++;
}

static bool
tok_is(const struct dns_token *t, const char *s)
{
	return !t->quoted && t->len == strlen(s) && strncasecmp(t->s, s, t->len) == 0;
}

/* Where an error about "something missing after token t" points. */
static int
col_after(const struct dns_token *t)
{
	return t->col + (int)t->len + (t->quoted ? 2 : 0);
}

static void
zf_directive(struct zf_state *st, const struct dns_token *t, int n)
{
	uint8_t name[DNS_NAME_MAXLEN];
	int len;

	if (tok_is(&t[0], "$ORIGIN")) {
		if (n != 2) {
			zf_err(st, t[0].line, n < 2 ? col_after(&t[0]) : t[2].col,
			    "$ORIGIN takes exactly one domain name");
			return;
		}
		len = dns_name_from_text(t[1].s, t[1].len, st->origin, name);
		if (len < 0 || t[1].quoted) {
			zf_err(st, t[1].line, t[1].col, "bad domain name after $ORIGIN: %s",
			    dns_strerror(len < 0 ? len : DNS_EBADTEXT));
			return;
		}
		memcpy(st->origin, name, (size_t)len);
		return;
	}
	if (tok_is(&t[0], "$TTL")) {
		if (n != 2) {
			zf_err(st, t[0].line, n < 2 ? col_after(&t[0]) : t[2].col,
			    "$TTL takes exactly one TTL");
			return;
		}
		if (t[1].quoted || dns_ttl_parse(t[1].s, t[1].len, &st->dir_ttl) < 0) {
			zf_err(st, t[1].line, t[1].col, TTL_EXPECTED);
			return;
		}
		st->have_dir_ttl = true;
		return;
	}
	if (tok_is(&t[0], "$INCLUDE")) {
		zf_err(st, t[0].line, t[0].col,
		    "$INCLUDE is not supported; list each file as a zone");
		return;
	}
	zf_err(st, t[0].line, t[0].col, "unknown directive \"%.*s\"; expected $ORIGIN or $TTL",
	    (int)t[0].len, t[0].s);
}

static void
zf_entry(struct zf_state *st, const struct dns_token *t, int n, bool blank)
{
	uint8_t *rdata = NULL;
	struct dns_rdata_err rerr;
	uint32_t ttl = 0;
	bool have_ttl = false, have_class = false;
	uint16_t cls, type;
	char err[256], ts[32];
	int i = 0, len;

	if (!blank && !t[0].quoted && t[0].len > 0 && t[0].s[0] == '$') {
		zf_directive(st, t, n);
		return;
	}
	if (blank) {
		if (!st->have_owner) {
			zf_err(st, t[0].line, 1,
			    "entry starts with white space but no owner "
			    "name came before it");
			return;
		}
	} else {
		len = t[0].quoted ? DNS_EBADTEXT :
				    dns_name_from_text(t[0].s, t[0].len, st->origin, st->owner);
		if (len < 0) {
			st->have_owner = false;
			zf_err(st, t[0].line, t[0].col, "bad owner name: %s", dns_strerror(len));
			return;
		}
		st->have_owner = true;
		i = 1;
	}
	/* [TTL] [class] or [class] [TTL] */
	for (int k = 0; k < 2 && i < n; k++) {
		if (!have_ttl && !t[i].quoted && t[i].len > 0 && t[i].s[0] >= '0' &&
		    t[i].s[0] <= '9') {
			if (dns_ttl_parse(t[i].s, t[i].len, &ttl) < 0) {
				zf_err(st, t[i].line, t[i].col, TTL_EXPECTED);
				return;
			}
			have_ttl = true;
			i++;
			continue;
		}
		if (!have_class && !t[i].quoted && t[i].len < sizeof(ts)) {
			memcpy(ts, t[i].s, t[i].len);
			ts[t[i].len] = '\0';
			if (dns_class_parse(ts, &cls) == 0) {
				if (cls != DNS_C_IN) {
					zf_err(st, t[i].line, t[i].col,
					    "class %s: a zone here holds class IN only", ts);
					return;
				}
				have_class = true;
				i++;
				continue;
			}
		}
		break;
	}
	if (i >= n) {
		zf_err(st, t[n - 1].line, col_after(&t[n - 1]), "expected a record type");
		return;
	}
	if (t[i].quoted || t[i].len >= sizeof(ts)) {
		zf_err(st, t[i].line, t[i].col, "expected a record type");
		return;
	}
	memcpy(ts, t[i].s, t[i].len);
	ts[t[i].len] = '\0';
	if (dns_type_parse(ts, &type) < 0) {
		zf_err(st, t[i].line, t[i].col,
		    "unknown record type \"%s\" (use TYPEnnn for others)", ts);
		return;
	}
	rdata = malloc(DNS_RDATA_MAX);
	if (rdata == NULL) {
		zf_err(st, t[i].line, t[i].col, "out of memory");
		return;
	}
	len = dns_rdata_parse(type, t + i + 1, n - i - 1, st->origin, rdata, DNS_RDATA_MAX, &rerr);
	if (len < 0) {
		const struct dns_token *at = rerr.token >= 0 ? &t[i + 1 + rerr.token] : NULL;

		if (at != NULL)
			zf_err(st, at->line, at->col, "%s: %s", ts, rerr.msg);
		else
			zf_err(st, t[n - 1].line, col_after(&t[n - 1]), "%s: %s", ts, rerr.msg);
		goto out;
	}
	if (have_ttl) {
		st->last_ttl = ttl;
		st->have_last_ttl = true;
	} else if (st->have_dir_ttl) {
		ttl = st->dir_ttl;
	} else if (st->have_last_ttl) {
		ttl = st->last_ttl; /* RFC 1035 5.1: the last explicitly stated value */
	} else {
		ttl = DNS_ZONEFILE_DEFAULT_TTL;
	}
	if (dns_zb_add(st->zb, st->owner, type, ttl, rdata, (size_t)len, err, sizeof(err)) < 0)
		zf_err(st, blank ? t[0].line : t[0].line, blank ? 1 : t[0].col, "%s", err);
out:
	free(rdata);
}

int
dns_zonefile_parse(struct dns_zone_builder *zb, const uint8_t *origin, const char *file,
    const char *text, size_t len, struct dns_zmsgs *msgs)
{
	struct zf_state st = { .file = file, .zb = zb, .msgs = msgs };
	struct dns_token *t = calloc(DNS_TOKENS_MAX, sizeof(*t));
	struct dns_lexer lx;
	bool blank;
	int n, rc;

	if (t == NULL) {
		dns_zmsg_err(msgs, "%s: out of memory", file);
		return 1;
	}
	memcpy(st.origin, origin, dns_name_len(origin));
	dns_lex_init(&lx, text, len);
	while ((rc = dns_lex_entry(&lx, t, DNS_TOKENS_MAX, &n, &blank)) != 0) {
		if (rc < 0) {
			zf_err(&st, lx.err_line, lx.err_col, "%s", lx.err);
			/* resynchronise at the next line */
			while (lx.pos < lx.len && lx.text[lx.pos] != '\n')
				lx.pos++;
			if (st.errors >= DNS_ZMSG_MAX)
				break;
			continue;
		}
		zf_entry(&st, t, n, blank);
		if (st.errors >= DNS_ZMSG_MAX)
			break;
	}
	free(t);
	return st.errors;
}

int
dns_zonefile_load(struct dns_zone_builder *zb, const uint8_t *origin, const char *path,
    const char *display, struct dns_zmsgs *msgs)
{
	char *text = NULL, why[128];
	size_t len = 0;
	int errs, err;

	if (display == NULL)
		display = path;
	/* A regular file of bounded size: /dev/zero or a FIFO ends here at once. */
	err = file_read(AT_FDCWD, path, DNS_ZONEFILE_MAX, &text, &len);
	if (err < 0) {
		dns_zmsg_err(msgs, "%s: %s%s", display,
		    err == FILE_ENOTREG || err == -EFBIG ? "" : "cannot open: ",
		    file_strerror(err, DNS_ZONEFILE_MAX, why, sizeof(why)));
		return 1;
	}
	if (memchr(text, '\0', len) != NULL) {
		dns_zmsg_err(msgs, "%s: not a text file (NUL byte)", display);
		free(text);
		return 1;
	}
	errs = dns_zonefile_parse(zb, origin, display, text, len, msgs);
	free(text);
	return errs;
}
