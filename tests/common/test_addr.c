#include <criterion/criterion.h>
#include <sys/socket.h>
#include "addr.h"

Test(addr, prefix_parse_rejects_host_bits_for_networks)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];

	cr_assert_eq(prefix_parse("51.51.51.0/24", &p, false), 0);
	cr_assert_str_eq(prefix_ntop(&p, buf, sizeof(buf)), "51.51.51.0/24");
	cr_assert_eq(prefix_parse("51.51.51.51/24", &p, false), -1);
	cr_assert_eq(prefix_parse("51.51.51.51/24", &p, true), 0);
	cr_assert_eq(prefix_parse("51.51.51.0/33", &p, true), -1);
	cr_assert_eq(prefix_parse("51.51.51.0/", &p, true), -1);
	cr_assert_eq(prefix_parse("2001:db8::/32", &p, false), 0);
	cr_assert_eq(p.addr.family, AF_INET6);
	cr_assert_eq(prefix_parse("2001:db8::1/129", &p, true), -1);
}

Test(addr, contains_and_overlaps)
{
	struct prefix p, q;
	struct ipaddr a;

	prefix_parse("10.10.10.0/24", &p, false);
	ipaddr_parse("10.10.10.254", &a);
	cr_assert(prefix_contains(&p, &a));
	ipaddr_parse("10.10.11.1", &a);
	cr_assert(!prefix_contains(&p, &a));
	prefix_parse("10.10.0.0/16", &q, false);
	cr_assert(prefix_overlaps(&p, &q));
	prefix_parse("10.11.0.0/16", &q, false);
	cr_assert(!prefix_overlaps(&p, &q));
	prefix_parse("10.10.10.1/25", &p, true);
	prefix_mask(&p);
	ipaddr_parse("10.10.10.0", &a);
	cr_assert(ipaddr_eq(&p.addr, &a));
}
