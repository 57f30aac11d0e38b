/*
 * Record data: the presentation format of RFC 1035 section 5.1 (tokens,
 * quoted strings, escapes, parentheses, comments) and the rdata of each type
 * we know (RFC 1035 3.3/3.4, RFC 3596 AAAA, RFC 2782 SRV, RFC 8659 CAA,
 * RFC 6672 DNAME), RFC 3597 "\# len hex" for every other type; rdata back to
 * canonical text; the table saying where names sit inside rdata, for name
 * compression on output (RFC 3597 section 4: only the RFC 1035 types).
 */
#ifndef ANYLAB_DNS_RDATA_H
#define ANYLAB_DNS_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_name.h"
#include "strbuf.h"
#include "wire.h"

#define DNS_RDATA_MAX 65535

/* One token of presentation text. s points into the source (escapes not yet undone). */
struct dns_token {
	const char *s;
	size_t len;
	bool quoted; /* was "..." (s/len exclude the quotes) */
	int line;    /* 1-based */
	int col;     /* 1-based, of the first character (the quote if quoted) */
};

#define DNS_TOKENS_MAX 512

/*
 * A tokenizer over a text: one logical entry (a line, or several joined by
 * parentheses) at a time, comments dropped.
 */
struct dns_lexer {
	const char *text;
	size_t len;
	size_t pos;
	int line;
	int col;
	char err[160]; /* set when dns_lex_entry returns -1 */
	int err_line;
	int err_col;
};

void dns_lex_init(struct dns_lexer *, const char *text, size_t len);
/*
 * Next entry: 1 (tokens in t, count in *n; *blank_owner when the entry
 * began with white space), 0 at the end, -1 on error (lx->err, err_line/col).
 */
int dns_lex_entry(struct dns_lexer *, struct dns_token *t, int max, int *n, bool *blank_owner);

/* An error while reading rdata: which token (index) and why. */
struct dns_rdata_err {
	int token; /* index into the tokens given; -1: after the last */
	char msg[160];
};

/*
 * Parse the rdata of type from tokens (relative names against origin) into
 * out (uncompressed wire form). Returns the rdata length, or -1 with err set.
 */
int dns_rdata_parse(uint16_t type, const struct dns_token *t, int n, const uint8_t *origin,
    uint8_t *out, size_t cap, struct dns_rdata_err *err);

/*
 * Parse rdata given as one string (a record's "data" in the JSON config).
 * -1 with a message naming the column in err.
 */
int dns_rdata_from_string(uint16_t type, const char *text, const uint8_t *origin, uint8_t *out,
    size_t cap, char *err, size_t errlen);

/* Canonical presentation text of rdata; -1 when it does not match its type. */
int dns_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len, struct strbuf *);

/* Check that rdata of a known type is well formed (names valid, lengths right). */
bool dns_rdata_valid(uint16_t type, const uint8_t *rdata, size_t len);

/*
 * Write rdata into a message. Names in NS, CNAME, SOA, PTR, MX rdata are
 * compressed with c; every other byte is copied. rdata must be valid.
 */
void dns_rdata_pack(struct wire_wr *wr, uint16_t type, const uint8_t *rdata, size_t len,
    struct dns_compress *c);

/* The target name of NS, MX, SRV, CNAME rdata (for additional/CNAME processing), or NULL. */
const uint8_t *dns_rdata_target(uint16_t type, const uint8_t *rdata, size_t len);

/* TTL text: seconds or BIND units (1w2d3h4m5s). 0 or -1; at most 2^31-1 (RFC 2181 8). */
int dns_ttl_parse(const char *s, size_t len, uint32_t *out);

#endif
