/*
 * libFuzzer target for the health check's DNS reply parser
 * (health_dns_reply, nodes/bgp/health.c). The first input octet picks the
 * query (name and type), the rest is the datagram the server sent back.
 *
 * Beyond "no crash, no sanitizer report" it checks, aborting when one breaks:
 *   - an ANSWER has our ID, QR=1, opcode 0, an RCODE of 4 bits, and is at
 *     least as long as our query;
 *   - our own query with QR set is an ANSWER, whatever the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "fuzz_health_reply.c:%d: invariant broken: %s\n", \
			    __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static const char *const names[] = { "server.zone.tst", ".", "a.b", "xn--bcher-kva.example" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t q[300], echo[300];
	size_t qlen;
	unsigned rcode = 99;
	uint16_t id;

	if (size < 1)
		return 0;
	id = (uint16_t)(0x4242 + data[0]);
	qlen = health_dns_query(q, sizeof(q), id, names[data[0] & 3], (uint16_t)(data[0] >> 2));
	CHECK(qlen >= 17);
	if (health_dns_reply(q, qlen, data + 1, size - 1, &rcode) == HEALTH_DNS_ANSWER) {
		CHECK(size - 1 >= qlen);
		CHECK(data[1] == (id >> 8) && data[2] == (id & 0xff));
		CHECK((data[3] & 0xf8) == 0x80);
		CHECK(rcode < 16 && rcode == (data[4] & 0xfu));
	}
	memcpy(echo, q, qlen);
	echo[2] |= 0x80;
	rcode = 99;
	CHECK(health_dns_reply(q, qlen, echo, qlen, &rcode) == HEALTH_DNS_ANSWER);
	CHECK(rcode == 0);
	return 0;
}
