/*
 * IPv4/IPv6 addresses and prefixes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

int
ipaddr_parse(const char *s, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *
ipaddr_ntop(const struct ipaddr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

unsigned
ipaddr_bits(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

size_t
ipaddr_size(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

int
ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, ipaddr_size(a->family));
}

bool
ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	return ipaddr_cmp(a, b) == 0;
}

void
ipaddr_from_v4(struct ipaddr *a, uint32_t host_order)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->v4.s_addr = htonl(host_order);
}

void
ipaddr_to_sockaddr(const struct ipaddr *a, uint16_t port, struct sockaddr_storage *ss,
    unsigned *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = a->v6;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr = a->v4;
		*len = sizeof(*s4);
	}
}

int
ipaddr_from_sockaddr(struct ipaddr *a, uint16_t *port, const struct sockaddr *sa)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		a->family = AF_INET;
		a->v4 = s4->sin_addr;
		if (port)
			*port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			a->family = AF_INET;
			memcpy(&a->v4, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			a->family = AF_INET6;
			a->v6 = s6->sin6_addr;
		}
		if (port)
			*port = ntohs(s6->sin6_port);
		return 0;
	}
	return -1;
}

void
prefix_mask(struct prefix *p)
{
	unsigned bits = ipaddr_bits(p->addr.family);

	for (unsigned i = p->len; i < bits; i++)
		p->addr.bytes[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

int
prefix_parse(const char *s, struct prefix *p, bool host_bits_ok)
{
	char buf[PREFIX_STRLEN + 8], *slash, *end;
	unsigned long len;
	struct prefix masked;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		return -1;
	*slash++ = '\0';
	if (*slash < '0' || *slash > '9')
		return -1;
	len = strtoul(slash, &end, 10);
	if (*end != '\0')
		return -1;
	if (ipaddr_parse(buf, &p->addr) < 0)
		return -1;
	if (len > ipaddr_bits(p->addr.family))
		return -1;
	p->len = (uint8_t)len;
	if (!host_bits_ok) {
		masked = *p;
		prefix_mask(&masked);
		if (!ipaddr_eq(&masked.addr, &p->addr))
			return -1;
	}
	return 0;
}

const char *
prefix_ntop(const struct prefix *p, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	snprintf(buf, len, "%s/%u", ipaddr_ntop(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

static bool
bits_equal(const uint8_t *a, const uint8_t *b, unsigned n)
{
	unsigned full = n / 8, rest = n % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool
prefix_contains(const struct prefix *p, const struct ipaddr *a)
{
	if (p->addr.family != a->family)
		return false;
	return bits_equal(p->addr.bytes, a->bytes, p->len);
}

bool
prefix_overlaps(const struct prefix *a, const struct prefix *b)
{
	if (a->addr.family != b->addr.family)
		return false;
	return bits_equal(a->addr.bytes, b->addr.bytes, a->len < b->len ? a->len : b->len);
}

int
prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c = ipaddr_cmp(&a->addr, &b->addr);

	if (c != 0)
		return c;
	return a->len == b->len ? 0 : (a->len < b->len ? -1 : 1);
}
