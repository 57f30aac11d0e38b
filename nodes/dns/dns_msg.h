/*
 * DNS messages on the wire (RFC 1035 4.1, RFC 6891 EDNS(0), RFC 5001 NSID):
 * the header, building a query, parsing a whole message into sections, the
 * OPT record, TXT strings.
 *
 * This is the stable client API that anylab's probe (emu/scenario/probe.c) and the
 * tests link through the `anydns` library:
 *
 *	uint8_t q[512], r[65535];
 *	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
 *	spec.id = 42;
 *	spec.nsid = true;			// implies EDNS
 *	int qlen = dns_query_build(&spec, q, sizeof(q));	// length or DNS_E*
 *	... send q, receive r (rlen bytes) ...
 *	struct dns_msg m;
 *	if (dns_msg_parse(r, rlen, &m) == DNS_OK && dns_msg_matches(&m, &spec)) {
 *		char txt[256], nsid[DNS_NSID_MAX + 1];
 *		m.rcode;			// full rcode incl. the EDNS extension
 *		dns_msg_first_txt(&m, txt, sizeof(txt));	// "DC001"
 *		dns_edns_nsid_text(&m.edns, nsid, sizeof(nsid));	// "DC001"
 *	}
 *
 * dns_msg_parse does not copy rdata: struct dns_rr points into the buffer,
 * which must outlive the struct dns_msg. It is safe on any input (bounded,
 * decompression cannot loop) and is fuzzed.
 */
#ifndef ANYLAB_DNS_MSG_H
#define ANYLAB_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_name.h"
#include "dns_proto.h"
#include "wire.h"

struct dns_header {
	uint16_t id;
	uint16_t flags; /* QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode */
	uint16_t qdcount;
	uint16_t ancount;
	uint16_t nscount;
	uint16_t arcount;
};

void dns_header_read(struct wire_rd *, struct dns_header *); /* error stays in rd */
void dns_header_write(struct wire_wr *, const struct dns_header *);

/* What to ask. */
struct dns_query_spec {
	const char *name; /* presentation form; always taken as absolute */
	uint16_t type;
	uint16_t cls; /* DNS_C_IN by default */
	uint16_t id;
	bool rd;	      /* recursion desired (dig sets it; our server copies it) */
	bool edns;	      /* add an OPT record */
	uint16_t edns_size;   /* advertised UDP payload size; 0: DNS_EDNS_DEFAULT */
	uint8_t edns_version; /* 0; tests send 1 to get BADVERS */
	bool nsid;	      /* ask for the server's NSID (RFC 5001); implies edns */
	bool dnssec_ok;	      /* DO bit */
};

#define DNS_QUERY_SPEC_INIT(n, t) \
	{ \
		.name = (n), .type = (t), .cls = DNS_C_IN \
	}

/* Build the query into buf. Returns the message length or a DNS_E* code. */
int dns_query_build(const struct dns_query_spec *, uint8_t *buf, size_t cap);

/* One resource record as parsed; rdata points into the message. */
struct dns_rr {
	uint8_t owner[DNS_NAME_MAXLEN];
	uint16_t type;
	uint16_t cls;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata;
	size_t rdata_off; /* offset of rdata in the message */
};

#define DNS_NSID_MAX 128

/* The OPT pseudo-record (RFC 6891 6.1.2-6.1.3) and the options we read. */
struct dns_edns {
	bool present;
	uint16_t udp_size;
	uint8_t ext_rcode; /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	bool dnssec_ok;
	bool nsid; /* an NSID option was present */
	uint16_t nsid_len;
	uint8_t nsid_data[DNS_NSID_MAX]; /* first DNS_NSID_MAX octets */
	unsigned options;		 /* number of options seen */
};

/* Records kept per section; counts beyond are parsed (checked) but not stored. */
#define DNS_MSG_MAX_RR 32

enum dns_section {
	DNS_SEC_ANSWER,
	DNS_SEC_AUTHORITY,
	DNS_SEC_ADDITIONAL,
	DNS_SEC_COUNT,
};

struct dns_msg {
	struct dns_header hdr;
	unsigned rcode; /* header rcode | OPT extended rcode << 4 */
	bool has_question;
	uint8_t qname[DNS_NAME_MAXLEN];
	uint16_t qtype;
	uint16_t qclass;
	struct dns_edns edns;
	unsigned count[DNS_SEC_COUNT];			 /* records stored */
	struct dns_rr rr[DNS_SEC_COUNT][DNS_MSG_MAX_RR]; /* OPT not included */
	const uint8_t *wire;
	size_t len;
};

/*
 * Parse a whole message (query or response). The OPT record, when present in
 * the additional section, goes to m->edns instead of m->rr. Returns DNS_OK or
 * a DNS_E* code (DNS_EFORMAT: a second OPT, an OPT not owned by the root,
 * or trailing garbage).
 */
int dns_msg_parse(const uint8_t *buf, size_t len, struct dns_msg *m);

/* A response to spec: QR set, same id, same question (name case-insensitive). */
bool dns_msg_matches(const struct dns_msg *m, const struct dns_query_spec *spec);

/*
 * TXT rdata (RFC 1035 3.3.14): the character-strings joined with sep
 * (NULL: ""), non-printable bytes as \DDD. Returns the number of strings or a
 * DNS_E* code; out is always NUL-terminated when cap > 0.
 */
int dns_txt_join(const uint8_t *rdata, uint16_t rdlen, const char *sep, char *out, size_t cap);

/* Text of the first TXT record of the answer section: number of strings, 0 if none. */
int dns_msg_first_txt(const struct dns_msg *, char *out, size_t cap);

/* The NSID as text (printable bytes as is, others as \DDD); "" when absent. */
void dns_edns_nsid_text(const struct dns_edns *, char *out, size_t cap);

/* Read an OPT record's fields; rdata is its option list. DNS_OK or DNS_EFORMAT. */
int dns_edns_read(uint16_t udp_size, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
    struct dns_edns *);

const char *dns_section_name(enum dns_section);

#endif
