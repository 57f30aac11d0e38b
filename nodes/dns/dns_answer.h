/*
 * Query answering: one query message in, one response message out (or
 * nothing), with no I/O, so every rcode path is unit-tested without sockets.
 * RFC 1034 4.3.2 (the algorithm), RFC 1035 4.1 (format), RFC 2308
 * (negative answers), RFC 6891 (EDNS(0)), RFC 5001 (NSID), RFC 4892
 * (CHAOS id.server / hostname.bind), RFC 8482 (minimal ANY), RFC 6604
 * (rcode after a CNAME chain), RFC 2181 5 and 9 (each RRset once; TC only
 * for the answer), RFC 6672 (DNAME), RFC 4035 3.1.4.1 (DS from the parent
 * side), RFC 1995 3 and RFC 5936 2.2.1 (IXFR/AXFR refused or NOTAUTH),
 * RFC 8945 5.2.1 (TSIG: BADKEY, we know no key).
 */
#ifndef ANYLAB_DNS_ANSWER_H
#define ANYLAB_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_zone.h"

enum dns_transport {
	DNS_TR_UDP,
	DNS_TR_TCP,
	DNS_TR_COUNT,
};

const char *dns_transport_name(enum dns_transport);

struct dns_answer_cfg {
	const char *identity; /* NSID payload and CHAOS TXT text */
	uint16_t edns_size;   /* our UDP payload size (RFC 6891 6.2.5) */
};

/* What happened, for statistics and logs. */
struct dns_answer_info {
	bool dropped;	/* no response (QR set, shorter than a header) */
	unsigned rcode; /* full rcode incl. EDNS extension */
	bool has_question;
	uint16_t qtype;
	uint16_t qclass;
	bool edns;
	bool nsid;
	bool truncated;
	const char *formerr; /* why FORMERR, for log_remote */
};

/*
 * Answer query q (qlen octets) received over transport tr. resp must have room
 * for cap octets (at least DNS_UDP_MIN; 65535 for TCP); over UDP the response
 * is further limited to the negotiated size. Returns the response length, or
 * 0 when the query gets no response at all.
 */
size_t dns_answer(const struct dns_answer_cfg *, const struct dns_zoneset *, const uint8_t *q,
    size_t qlen, enum dns_transport tr, uint8_t *resp, size_t cap, struct dns_answer_info *info);

#endif
