/*
 * Domain names (RFC 1035 3.1, 4.1.4; RFC 4343 case rules; RFC 4034 6.1
 * canonical order). A name is held in uncompressed wire form: length-prefixed
 * labels ending with the root label, at most DNS_NAME_MAXLEN octets, in a
 * caller-provided buffer of DNS_NAME_MAXLEN bytes.
 */
#ifndef ANYLAB_DNS_NAME_H
#define ANYLAB_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_proto.h"
#include "wire.h"

/*
 * Presentation text to wire form. "@" is the origin; a name without a final
 * dot is relative and gets origin appended (origin NULL: the root). Escapes
 * \X and \DDD (RFC 1035 5.1). Returns the wire length or a DNS_E* code.
 */
int dns_name_from_text(const char *text, size_t textlen, const uint8_t *origin,
    uint8_t out[DNS_NAME_MAXLEN]);

/* Wire form to presentation text with the final dot; escapes as RFC 4343 2.1. DNS_OK or error. */
int dns_name_to_text(const uint8_t *name, char *out, size_t cap);

/*
 * Read a possibly compressed name from a message. rd->start must be the
 * start of the message (compression pointers are offsets from it). Pointers
 * must point strictly backwards, so a loop cannot happen (RFC 1035 4.1.4
 * says "prior occurrence"); the expanded name is bounded by 255 octets.
 * rd advances past the name as it appears in place. Returns the wire length
 * or a DNS_E* code (rd's error is set too).
 */
int dns_name_unpack(struct wire_rd *rd, uint8_t out[DNS_NAME_MAXLEN]);

/* Skip a possibly compressed name without expanding it. DNS_OK or error. */
int dns_name_skip(struct wire_rd *rd);

size_t dns_name_len(const uint8_t *name);	      /* of a valid wire name */
int dns_name_labels(const uint8_t *name);	      /* root: 0 */
bool dns_name_eq(const uint8_t *a, const uint8_t *b); /* ASCII case-insensitive */
void dns_name_lower(uint8_t *name);
/* name equals parent or is below it. */
bool dns_name_is_sub(const uint8_t *name, const uint8_t *parent);
/* The name with its first label removed; the root stays the root. */
const uint8_t *dns_name_parent(const uint8_t *name);
/* RFC 4034 6.1 canonical order: <0, 0, >0. */
int dns_name_cmp(const uint8_t *a, const uint8_t *b);
/* Hash of the lower-cased name (FNV-1a). */
uint32_t dns_name_hash(const uint8_t *name);

/*
 * Name compression on output (RFC 1035 4.1.4). The table remembers where
 * names written so far start, one entry per label suffix; dns_name_pack
 * replaces the longest suffix already in the message by a pointer.
 */
#define DNS_COMPRESS_MAX 64

struct dns_compress {
	uint16_t off[DNS_COMPRESS_MAX];
	unsigned count;
};

void dns_compress_init(struct dns_compress *);
/* Write name at wr's position; c NULL: no compression. Errors stay in wr. */
void dns_name_pack(struct wire_wr *wr, const uint8_t *name, struct dns_compress *c);
/* Remember a name already written uncompressed at off (the question). */
void dns_compress_add(struct dns_compress *c, const struct wire_wr *wr, size_t off);

#endif
