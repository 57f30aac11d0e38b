/*
 * IPv4/IPv6 addresses and prefixes: parse, print, compare, contain.
 */
#ifndef ANYLAB_ADDR_H
#define ANYLAB_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct ipaddr {
	int family; /* AF_INET or AF_INET6, 0 when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

struct prefix {
	struct ipaddr addr;
	uint8_t len;
};

#define IPADDR_STRLEN INET6_ADDRSTRLEN
#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

int ipaddr_parse(const char *, struct ipaddr *); /* 0 or -1 */
const char *ipaddr_ntop(const struct ipaddr *, char *, size_t);
int ipaddr_cmp(const struct ipaddr *, const struct ipaddr *);
bool ipaddr_eq(const struct ipaddr *, const struct ipaddr *);
unsigned ipaddr_bits(int family); /* 32 or 128 */
size_t ipaddr_size(int family);	  /* 4 or 16 */
void ipaddr_from_v4(struct ipaddr *, uint32_t host_order);
void ipaddr_to_sockaddr(const struct ipaddr *, uint16_t port, struct sockaddr_storage *,
    unsigned *len);
int ipaddr_from_sockaddr(struct ipaddr *, uint16_t *port, const struct sockaddr *);

/*
 * "a.b.c.d/len" or "x::y/len". With host_bits_ok false, an address with bits
 * set past len is rejected (a route must be a network); true keeps them (an
 * interface address such as 10.10.10.1/24). Returns 0 or -1.
 */
int prefix_parse(const char *, struct prefix *, bool host_bits_ok);
const char *prefix_ntop(const struct prefix *, char *, size_t);
void prefix_mask(struct prefix *); /* clear host bits */
bool prefix_contains(const struct prefix *, const struct ipaddr *);
bool prefix_overlaps(const struct prefix *, const struct prefix *);
int prefix_cmp(const struct prefix *, const struct prefix *);

#endif
