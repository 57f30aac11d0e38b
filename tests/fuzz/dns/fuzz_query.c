/*
 * libFuzzer target: any bytes as a query, over UDP and TCP, answered from a
 * zone set with most record kinds (CNAME chains and a loop, a delegation with
 * glue and DS, a CNAME into it, DNAMEs, a wildcard, a large TXT). The server
 * must answer or drop, never crash; an answer must itself parse, stay within
 * the size limit, match the id, and carry an OPT when a query that parses
 * had one (RFC 6891 7).
 * The message parser (dns_msg_parse) runs on the input too.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns_answer.h"
#include "dns_msg.h"
#include "dns_zone.h"
#include "dns_zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct dns_zoneset *zs;
static const struct dns_answer_cfg acfg = { .identity = "DC001", .edns_size = 1232 };

static const char zone_text[] =
    "$TTL 300\n"
    "@ SOA ns hostmaster 1 2 3 4 60\n"
    "@ NS ns\n@ NS ns.sub\n@ MX 10 mail\n@ TXT \"apex\"\n"
    "ns A 192.0.2.1\nns AAAA 2001:db8::1\nmail A 192.0.2.2\n"
    "server TXT DC001\nwww CNAME server\nc1 CNAME c2\nc2 CNAME c1\nout CNAME x.other.\n"
    "sub NS ns.sub\nns.sub A 192.0.2.3\n*.wild A 192.0.2.4\n*.wild MX 5 mail\n"
    "_s._udp SRV 0 0 53 ns\n"
    "dn DNAME zone.tst.\nout2 DNAME other.\nsub TYPE43 \\# 4 30390802\ncsub CNAME www.sub\n"
    "big TXT \"0123456789012345678901234567890123456789012345678901234567"
    "89012345678901234567890123456789012345678901234567890123456789012345678901234567890123456"
    "7890123456789012345678901234567890123456789012345678901234567890123456789012345\" "
    "\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
    "89012345678901234567890123456789012345678901234567890123456789012345678901234567890123456"
    "789012345678901234567890123456789012345678901234567890123456789012345\"\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t origin[DNS_NAME_MAXLEN];
	struct dns_zmsgs *m = calloc(1, sizeof(*m));
	struct dns_zone_builder *zb;
	struct dns_zone *z;

	dns_name_from_text("zone.tst.", 9, NULL, origin);
	zb = dns_zb_new(origin, "fuzz");
	if (dns_zonefile_parse(zb, origin, "fuzz", zone_text, sizeof(zone_text) - 1, m) != 0)
		abort();
	z = dns_zb_finish(zb, "ns.fuzz", m);
	if (z == NULL)
		abort();
	zs = dns_zoneset_new();
	dns_zoneset_add(zs, z);
	free(m);
	return 0;
}

static void
check(const uint8_t *q, size_t qlen, enum dns_transport tr, bool query_edns)
{
	static uint8_t resp[65535];
	struct dns_answer_info info;
	struct dns_msg m;
	size_t n = dns_answer(&acfg, zs, q, qlen, tr, resp, sizeof(resp), &info);

	if (n == 0)
		return;
	if (n < DNS_HEADER_LEN || memcmp(resp, q, 2) != 0)
		abort();
	if (tr == DNS_TR_UDP && n > 1232)
		abort();
	if (dns_msg_parse(resp, n, &m) != DNS_OK)
		abort();
	if (!(m.hdr.flags & DNS_FLAG_QR))
		abort();
	if (m.rcode != info.rcode)
		abort();
	if (query_edns && !m.edns.present)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg m;
	char txt[512];
	bool edns = false;

	if (dns_msg_parse(data, size, &m) == DNS_OK) {
		dns_msg_first_txt(&m, txt, sizeof(txt));
		dns_edns_nsid_text(&m.edns, txt, sizeof(txt));
		dns_name_to_text(m.qname, txt, sizeof(txt));
		edns = m.edns.present;
	}
	check(data, size, DNS_TR_UDP, edns);
	check(data, size, DNS_TR_TCP, edns);
	return 0;
}
