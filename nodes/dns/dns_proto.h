/*
 * DNS protocol constants and the error type of the anydns library: record
 * types, classes, opcodes and rcodes with name tables for logs and for the
 * presentation format (RFC 1035 section 3.2, RFC 3597 TYPEnnn/CLASSnnn,
 * RFC 6891 extended rcodes).
 */
#ifndef ANYLAB_DNS_PROTO_H
#define ANYLAB_DNS_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_PORT	  53
#define DNS_HEADER_LEN	  12
#define DNS_NAME_MAXLEN	  255 /* wire form, root label included */
#define DNS_LABEL_MAXLEN  63
#define DNS_NAME_TEXT_MAX 1024 /* presentation form, every byte escaped as \DDD */
#define DNS_UDP_MIN	  512  /* RFC 1035 4.2.1 */
#define DNS_EDNS_DEFAULT  1232 /* DNS flag day 2020 */
#define DNS_MSG_MAX	  65535

/* Header flag bits in the second 16-bit word (RFC 1035 4.1.1, RFC 4035). */
#define DNS_FLAG_QR	  0x8000
#define DNS_FLAG_AA	  0x0400
#define DNS_FLAG_TC	  0x0200
#define DNS_FLAG_RD	  0x0100
#define DNS_FLAG_RA	  0x0080
#define DNS_FLAG_AD	  0x0020
#define DNS_FLAG_CD	  0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags)  ((flags)&0xf)

/* EDNS(0) (RFC 6891 6.1.3): the DO bit in the OPT TTL's low 16 bits. */
#define DNS_EDNS_DO	    0x8000
#define DNS_EDNS_OPT_NSID   3  /* RFC 5001 */
#define DNS_EDNS_OPT_COOKIE 10 /* RFC 7873; ignored like every unknown option */

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_HINFO = 13,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_DNAME = 39,
	DNS_T_OPT = 41,
	DNS_T_DS = 43, /* RFC 4034 5; only as RFC 3597 generic data in zones */
	DNS_T_CAA = 257,
	DNS_T_TKEY = 249,
	DNS_T_TSIG = 250,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_MAILB = 253,
	DNS_T_MAILA = 254,
	DNS_T_ANY = 255,
};

enum dns_class {
	DNS_C_IN = 1,
	DNS_C_CH = 3,
	DNS_C_HS = 4,
	DNS_C_NONE = 254,
	DNS_C_ANY = 255,
};

enum dns_opcode {
	DNS_OP_QUERY = 0,
	DNS_OP_IQUERY = 1,
	DNS_OP_STATUS = 2,
	DNS_OP_NOTIFY = 4,
	DNS_OP_UPDATE = 5,
};

/* Rcodes; values above 15 travel in the OPT record's extended rcode (RFC 6891 6.1.3). */
enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_YXDOMAIN = 6, /* RFC 6672 2.2: a DNAME substitution over 255 octets */
	DNS_R_NOTAUTH = 9,  /* RFC 5936 2.2.1, RFC 8945 5.2 */
	DNS_R_BADVERS = 16,
	DNS_R_COUNT = 17, /* size of the stats/name tables */
};

/* TSIG error field (RFC 8945 3): the key is not known to the server. */
#define DNS_TSIG_BADKEY 17

/* The library's error type: 0 success, negative codes, text from dns_strerror(). */
enum dns_err {
	DNS_OK = 0,
	DNS_ESHORT = -1,    /* message ends inside a field */
	DNS_EBADNAME = -2,  /* malformed name (label length, loop, forward pointer) */
	DNS_ENAMELONG = -3, /* name longer than 255 octets or a label over 63 */
	DNS_ESPACE = -4,    /* output buffer too small */
	DNS_EBADTEXT = -5,  /* presentation text that does not parse */
	DNS_ENOTRESP = -6,  /* a response was expected (QR clear) */
	DNS_EFORMAT = -7,   /* counts or records inconsistent with the message */
	DNS_ENOMEM = -8,
	DNS_EBADRDATA = -9, /* rdata does not match its type */
};

const char *dns_strerror(int err);

/* Mnemonic or "TYPEnnn" (RFC 3597). buf needs 12 bytes. */
const char *dns_type_name(uint16_t type, char *buf, size_t len);
/* Mnemonic (case-insensitive) or TYPEnnn. 0 or -1. */
int dns_type_parse(const char *, uint16_t *);
const char *dns_class_name(uint16_t cls, char *buf, size_t len);
int dns_class_parse(const char *, uint16_t *);
const char *dns_rcode_name(unsigned rcode); /* "UNKNOWN" past the table */
const char *dns_opcode_name(unsigned opcode);

#endif
