/*
 * Unit tests of the resilient nexthop groups (nodes/bgp/kroute_nhg.c), no
 * root: the netlink messages each builder makes (types, flags, nexthop and
 * route attributes, group entries, bucket count and timers), and the
 * messages the table sends, recorded and parsed back, for a route's first
 * install, a member that goes and comes back (the same group replaced in
 * place), a withdrawal, shared groups, the kernel deleting a next hop, and
 * ids it must never touch.
 */
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <criterion/criterion.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kroute_nhg.h"

#define MAXREC 64

/* One message the table sent, as bytes. */
struct rec {
	enum kroute_nhg_op op;
	struct prefix pfx;
	bool has_pfx;
	_Alignas(8) uint8_t buf[1024]; /* a netlink message: aligned as the kernel's */
	size_t len;
};

static struct rec R[MAXREC];
static size_t NR;

static int
record(void *arg, struct nl_msg *msg, enum kroute_nhg_op op, const struct prefix *pfx)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	cr_assert_lt(NR, MAXREC);
	cr_assert_leq(h->nlmsg_len, sizeof(R[NR].buf));
	R[NR].op = op;
	R[NR].has_pfx = pfx != NULL;
	if (pfx)
		R[NR].pfx = *pfx;
	memcpy(R[NR].buf, h, h->nlmsg_len);
	R[NR].len = h->nlmsg_len;
	NR++;
	return 0;
}

static const struct kroute_nhg_params P = {
	.table = 254,
	.protocol = 186,
	.metric = 20,
	.buckets = 128,
	.idle_timer_s = 120,
	.unbalanced_timer_s = 0,
	.send = record,
};

static struct nlmsghdr *
hdr(size_t i)
{
	return (struct nlmsghdr *)R[i].buf;
}

static struct nlattr *
nh_attr(struct nlmsghdr *h, int type)
{
	return nlmsg_find_attr(h, sizeof(struct nhmsg), type);
}

static uint32_t
nh_id(struct nlmsghdr *h)
{
	struct nlattr *a = nh_attr(h, NHA_ID);

	cr_assert_not_null(a, "no NHA_ID");
	return nla_get_u32(a);
}

/* The member ids of a group message. */
static size_t
group_members(struct nlmsghdr *h, uint32_t *ids, size_t max)
{
	struct nlattr *a = nh_attr(h, NHA_GROUP);
	const struct nexthop_grp *g;
	size_t n;

	cr_assert_not_null(a, "no NHA_GROUP");
	cr_assert_eq(nla_len(a) % sizeof(*g), 0);
	n = (size_t)nla_len(a) / sizeof(*g);
	cr_assert_leq(n, max);
	g = nla_data(a);
	for (size_t i = 0; i < n; i++) {
		ids[i] = g[i].id;
		cr_assert_eq(g[i].weight, 0, "weight 1 (0 on the wire)");
	}
	return n;
}

static struct kroute_gw
gw4(const char *a, int oif)
{
	struct kroute_gw g = { .oif = oif };

	cr_assert_eq(ipaddr_parse(a, &g.gw), 0);
	return g;
}

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0);
	return p;
}

/* The gateway of a nexthop message, as text. */
static const char *
gw_of(struct nlmsghdr *h, char *buf, size_t len)
{
	struct nhmsg *nhm = nlmsg_data(h);
	struct nlattr *a = nh_attr(h, NHA_GATEWAY);

	cr_assert_not_null(a);
	return inet_ntop(nhm->nh_family, nla_data(a), buf, (socklen_t)len);
}

static size_t
count_op(size_t from, enum kroute_nhg_op op)
{
	size_t n = 0;

	for (size_t i = from; i < NR; i++)
		n += R[i].op == op;
	return n;
}

static void
setup(void)
{
	NR = 0;
}

TestSuite(nhg_msg, .init = setup);
TestSuite(nhg_table, .init = setup);

Test(nhg_msg, nexthop_ipv4)
{
	struct kroute_gw g = gw4("10.0.0.11", 7);
	struct nl_msg *m = kroute_nhg_msg_nexthop(0xba000005, 186, &g);
	struct nlmsghdr *h;
	struct nhmsg *nhm;
	struct nlattr *a;

	cr_assert_not_null(m);
	h = nlmsg_hdr(m);
	nhm = nlmsg_data(h);
	cr_assert_eq(h->nlmsg_type, RTM_NEWNEXTHOP);
	cr_assert_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL,
	    "created exclusively: an id held by someone else is never overwritten");
	cr_assert_eq(nhm->nh_family, AF_INET);
	cr_assert_eq(nhm->nh_protocol, 186);
	cr_assert_eq(nla_get_u32(nh_attr(h, NHA_ID)), 0xba000005);
	cr_assert_eq(nla_get_u32(nh_attr(h, NHA_OIF)), 7);
	a = nh_attr(h, NHA_GATEWAY);
	cr_assert_eq(nla_len(a), 4);
	cr_assert_eq(memcmp(nla_data(a), g.gw.bytes, 4), 0);
	cr_assert_null(nh_attr(h, NHA_GROUP));
	nlmsg_free(m);
}

Test(nhg_msg, nexthop_ipv6)
{
	struct kroute_gw g = { .oif = 3 };
	struct nl_msg *m;
	struct nlmsghdr *h;
	struct nlattr *a;

	cr_assert_eq(ipaddr_parse("fe80::1", &g.gw), 0);
	m = kroute_nhg_msg_nexthop(42, 186, &g);
	h = nlmsg_hdr(m);
	cr_assert_eq(((struct nhmsg *)nlmsg_data(h))->nh_family, AF_INET6);
	a = nh_attr(h, NHA_GATEWAY);
	cr_assert_eq(nla_len(a), 16);
	cr_assert_eq(memcmp(nla_data(a), g.gw.bytes, 16), 0);
	cr_assert_eq(nla_get_u32(nh_attr(h, NHA_OIF)), 3);
	nlmsg_free(m);
}

Test(nhg_msg, group_resilient_create_and_replace)
{
	uint32_t members[3] = { 11, 12, 13 }, ids[8];
	struct kroute_nhg_params p = P;
	struct nl_msg *m;
	struct nlmsghdr *h;
	struct nlattr *res, *tb[NHA_RES_GROUP_MAX + 1];

	p.buckets = 64;
	p.idle_timer_s = 5;
	p.unbalanced_timer_s = 30;
	m = kroute_nhg_msg_group(99, 186, members, 3, &p, false);
	h = nlmsg_hdr(m);
	cr_assert_eq(h->nlmsg_type, RTM_NEWNEXTHOP);
	cr_assert_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	cr_assert_eq(((struct nhmsg *)nlmsg_data(h))->nh_family, AF_UNSPEC);
	cr_assert_eq(nla_get_u32(nh_attr(h, NHA_ID)), 99);
	cr_assert_eq(nla_get_u16(nh_attr(h, NHA_GROUP_TYPE)), NEXTHOP_GRP_TYPE_RES);
	cr_assert_eq(group_members(h, ids, 8), 3);
	cr_assert_eq(ids[0], 11);
	cr_assert_eq(ids[2], 13);
	cr_assert_null(nh_attr(h, NHA_GATEWAY), "a group has no gateway of its own");
	res = nh_attr(h, NHA_RES_GROUP);
	cr_assert_not_null(res);
	cr_assert_eq(nla_parse_nested(tb, NHA_RES_GROUP_MAX, res, NULL), 0);
	cr_assert_eq(nla_get_u16(tb[NHA_RES_GROUP_BUCKETS]), 64);
	cr_assert_eq(nla_get_u32(tb[NHA_RES_GROUP_IDLE_TIMER]), 500, "clock_t: 1/100 s");
	cr_assert_eq(nla_get_u32(tb[NHA_RES_GROUP_UNBALANCED_TIMER]), 3000);
	nlmsg_free(m);

	m = kroute_nhg_msg_group(99, 186, members, 2, &p, true);
	h = nlmsg_hdr(m);
	cr_assert_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_REPLACE,
	    "replace the existing group, never create another");
	cr_assert_eq(group_members(h, ids, 8), 2);
	res = nh_attr(h, NHA_RES_GROUP);
	cr_assert_eq(nla_parse_nested(tb, NHA_RES_GROUP_MAX, res, NULL), 0);
	cr_assert_eq(nla_get_u16(tb[NHA_RES_GROUP_BUCKETS]), 64, "the same count: unchangeable");
	nlmsg_free(m);
}

Test(nhg_msg, route_names_group)
{
	struct prefix p4 = pfx("198.18.0.53/32"), p6 = pfx("2001:db8:53::/48");
	struct kroute_nhg_params p = P;
	struct nl_msg *m;
	struct nlmsghdr *h;
	struct rtmsg *rtm;

	p.table = 1000;
	m = kroute_nhg_msg_route(&p, &p4, 77);
	h = nlmsg_hdr(m);
	rtm = nlmsg_data(h);
	cr_assert_eq(h->nlmsg_type, RTM_NEWROUTE);
	cr_assert_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);
	cr_assert_eq(rtm->rtm_family, AF_INET);
	cr_assert_eq(rtm->rtm_dst_len, 32);
	cr_assert_eq(rtm->rtm_protocol, 186);
	cr_assert_eq(rtm->rtm_type, RTN_UNICAST);
	cr_assert_eq(rtm->rtm_table, RT_TABLE_UNSPEC, "table 1000 only fits RTA_TABLE");
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(h, sizeof(*rtm), RTA_TABLE)), 1000);
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(h, sizeof(*rtm), RTA_PRIORITY)), 20);
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(h, sizeof(*rtm), RTA_NH_ID)), 77);
	cr_assert_eq(memcmp(nla_data(nlmsg_find_attr(h, sizeof(*rtm), RTA_DST)), p4.addr.bytes, 4),
	    0);
	cr_assert_null(nlmsg_find_attr(h, sizeof(*rtm), RTA_MULTIPATH));
	cr_assert_null(nlmsg_find_attr(h, sizeof(*rtm), RTA_GATEWAY));
	nlmsg_free(m);

	m = kroute_nhg_msg_route(&P, &p6, 78);
	h = nlmsg_hdr(m);
	rtm = nlmsg_data(h);
	cr_assert_eq(rtm->rtm_family, AF_INET6);
	cr_assert_eq(rtm->rtm_dst_len, 48);
	cr_assert_eq(rtm->rtm_table, 254);
	cr_assert_eq(nla_len(nlmsg_find_attr(h, sizeof(*rtm), RTA_DST)), 16);
	nlmsg_free(m);
}

Test(nhg_msg, delete)
{
	struct nl_msg *m = kroute_nhg_msg_delete(0xba000009);
	struct nlmsghdr *h = nlmsg_hdr(m);

	cr_assert_eq(h->nlmsg_type, RTM_DELNEXTHOP);
	cr_assert_eq(nla_get_u32(nh_attr(h, NHA_ID)), 0xba000009);
	nlmsg_free(m);
}

/* Four instances behind the router on one LAN (ifindex 5), in scrambled order. */
static void
four(struct kroute_gw *g)
{
	g[0] = gw4("10.0.1.13", 5);
	g[1] = gw4("10.0.1.11", 5);
	g[2] = gw4("10.0.1.14", 5);
	g[3] = gw4("10.0.1.12", 5);
}

/* First install: 4 next hops, a group of them in address order, the route. Returns the group id. */
static uint32_t
install_four(struct kroute_nhg *t, const struct prefix *p, uint32_t nh_ids[4])
{
	struct kroute_gw g[4];
	uint32_t members[8], gid;
	char b[64];

	four(g);
	cr_assert_eq(kroute_nhg_set(t, p, g, 4), 0);
	cr_assert_eq(NR, 0, "nothing sent before the commit");
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 6, "4 next hops, 1 group, 1 route; got %zu", NR);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(R[i].op, NHG_OP_NEXTHOP_ADD);
		nh_ids[i] = nh_id(hdr(i));
		cr_assert_geq(nh_ids[i], kroute_nhg_id_first(186));
		cr_assert_lt(nh_ids[i], kroute_nhg_id_first(187), "inside our range");
	}
	cr_assert_str_eq(gw_of(hdr(0), b, sizeof(b)), "10.0.1.11", "address order");
	cr_assert_str_eq(gw_of(hdr(3), b, sizeof(b)), "10.0.1.14");
	cr_assert_eq(R[4].op, NHG_OP_GROUP_ADD);
	gid = nh_id(hdr(4));
	cr_assert_eq(group_members(hdr(4), members, 8), 4);
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(members[i], nh_ids[i]);
	cr_assert_eq(R[5].op, NHG_OP_ROUTE_ADD);
	cr_assert(R[5].has_pfx);
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(hdr(5), sizeof(struct rtmsg), RTA_NH_ID)), gid);
	return gid;
}

Test(nhg_table, member_goes_and_comes_back_in_place)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	struct kroute_gw g[4];
	uint32_t nh[4], members[8], gid, nh3_again;
	struct kroute_nhg_stats st;

	gid = install_four(t, &p, nh);

	/* 10.0.1.13 (nh[2]) fails: the same group, three members, no new route. */
	NR = 0;
	four(g);
	g[0] = g[3]; /* drop 10.0.1.13 */
	cr_assert_eq(kroute_nhg_set(t, &p, g, 3), 0);
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 2, "group replace, then the lone next hop deleted; got %zu", NR);
	cr_assert_eq(R[0].op, NHG_OP_GROUP_REPLACE);
	cr_assert_eq(hdr(0)->nlmsg_flags & (NLM_F_REPLACE | NLM_F_CREATE), NLM_F_REPLACE);
	cr_assert_eq(nh_id(hdr(0)), gid, "the group of the route, replaced in place");
	cr_assert_eq(group_members(hdr(0), members, 8), 3);
	cr_assert_eq(members[0], nh[0]);
	cr_assert_eq(members[1], nh[1]);
	cr_assert_eq(members[2], nh[3], "survivors keep their next-hop ids");
	cr_assert_eq(R[1].op, NHG_OP_DELETE);
	cr_assert_eq(nh_id(hdr(1)), nh[2]);
	cr_assert_eq(count_op(0, NHG_OP_ROUTE_ADD), 0, "the route still names the group");
	kroute_nhg_get_stats(t, &st);
	cr_assert_eq(st.groups, 1);
	cr_assert_eq(st.nexthops, 3);
	cr_assert_eq(st.replaced, 1);

	/* It comes back: a new next hop (a new id), the same group with four. */
	NR = 0;
	four(g);
	cr_assert_eq(kroute_nhg_set(t, &p, g, 4), 0);
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 2, "next hop add, group replace; got %zu", NR);
	cr_assert_eq(R[0].op, NHG_OP_NEXTHOP_ADD);
	nh3_again = nh_id(hdr(0));
	cr_assert_neq(nh3_again, nh[2], "a deleted id is not reused at once");
	cr_assert_eq(R[1].op, NHG_OP_GROUP_REPLACE);
	cr_assert_eq(nh_id(hdr(1)), gid);
	cr_assert_eq(group_members(hdr(1), members, 8), 4);
	cr_assert_eq(members[2], nh3_again, "in address order again");
	cr_assert_eq(members[3], nh[3]);
	cr_assert(kroute_nhg_has(t, &p));

	/* Withdrawn: the group first, then its four next hops. */
	NR = 0;
	cr_assert_eq(kroute_nhg_set(t, &p, NULL, 0), 0);
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 5);
	cr_assert_eq(R[0].op, NHG_OP_DELETE);
	cr_assert_eq(nh_id(hdr(0)), gid, "the group before its members");
	for (size_t i = 1; i < 5; i++) {
		cr_assert_eq(R[i].op, NHG_OP_DELETE);
		cr_assert_neq(nh_id(hdr(i)), gid);
	}
	cr_assert_not(kroute_nhg_has(t, &p));
	kroute_nhg_get_stats(t, &st);
	cr_assert_eq(st.groups + st.nexthops + st.prefixes, 0);
	NR = 0;
	kroute_nhg_free(t);
	cr_assert_eq(NR, 0, "nothing left to delete");
}

Test(nhg_table, unchanged_set_resends_route_only)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	struct kroute_gw g[4];
	uint32_t nh[4], gid;

	gid = install_four(t, &p, nh);
	NR = 0;
	four(g);
	kroute_nhg_set(t, &p, g, 4); /* a refused add queued again */
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 1);
	cr_assert_eq(R[0].op, NHG_OP_ROUTE_ADD);
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(hdr(0), sizeof(struct rtmsg), RTA_NH_ID)), gid);
	kroute_nhg_free(t);
}

Test(nhg_table, shared_group)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix a = pfx("198.18.0.53/32"), b = pfx("198.18.1.0/24");
	struct kroute_gw g[4];
	uint32_t nh[4], gid, gid2;
	struct kroute_nhg_stats st;

	gid = install_four(t, &a, nh);
	NR = 0;
	four(g);
	kroute_nhg_set(t, &b, g, 4);
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 1, "one group per distinct set: only b's route");
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(hdr(0), sizeof(struct rtmsg), RTA_NH_ID)), gid);

	/* Only b loses a next hop: a's group must stay as it is. */
	NR = 0;
	kroute_nhg_set(t, &b, g, 3);
	kroute_nhg_commit(t);
	cr_assert_eq(count_op(0, NHG_OP_GROUP_REPLACE), 0, "a's flows are not b's business");
	cr_assert_eq(count_op(0, NHG_OP_GROUP_ADD), 1);
	cr_assert_eq(count_op(0, NHG_OP_NEXTHOP_ADD), 0, "members shared");
	gid2 = nh_id(hdr(0));
	cr_assert_neq(gid2, gid);
	cr_assert_eq(R[1].op, NHG_OP_ROUTE_ADD);
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(hdr(1), sizeof(struct rtmsg), RTA_NH_ID)), gid2);

	/* Both now lose the same next hop in one batch: a's group is replaced in place,
	 * as its only prefix moves to a set nobody else has... b's set. So a moves to b's. */
	NR = 0;
	kroute_nhg_set(t, &a, g, 3);
	kroute_nhg_commit(t);
	cr_assert_eq(count_op(0, NHG_OP_GROUP_REPLACE), 0, "the set has a group already");
	cr_assert_eq(R[0].op, NHG_OP_ROUTE_ADD);
	cr_assert_eq(nla_get_u32(nlmsg_find_attr(hdr(0), sizeof(struct rtmsg), RTA_NH_ID)), gid2);
	cr_assert_eq(R[1].op, NHG_OP_DELETE);
	cr_assert_eq(nh_id(hdr(1)), gid, "the group nobody names any more");
	kroute_nhg_get_stats(t, &st);
	cr_assert_eq(st.groups, 1);
	cr_assert_eq(st.prefixes, 2);
	kroute_nhg_free(t);
}

Test(nhg_table, shared_group_moves_together_in_place)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix a = pfx("198.18.0.53/32"), b = pfx("2001:db8::/32");
	struct kroute_gw g[4];
	uint32_t nh[4], gid;

	gid = install_four(t, &a, nh);
	four(g);
	kroute_nhg_set(t, &b, g, 4);
	kroute_nhg_commit(t);
	NR = 0;
	kroute_nhg_set(t, &a, g, 2);
	kroute_nhg_set(t, &b, g, 2);
	kroute_nhg_commit(t);
	cr_assert_eq(R[0].op, NHG_OP_GROUP_REPLACE, "every prefix of it, the same way");
	cr_assert_eq(nh_id(hdr(0)), gid);
	cr_assert_eq(count_op(0, NHG_OP_ROUTE_ADD), 0);
	cr_assert_eq(count_op(0, NHG_OP_DELETE), 2, "the two next hops left");
	kroute_nhg_free(t);
}

Test(nhg_table, free_deletes_groups_then_nexthops)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	uint32_t nh[4], gid;

	gid = install_four(t, &p, nh);
	NR = 0;
	kroute_nhg_free(t);
	cr_assert_eq(NR, 5);
	cr_assert_eq(nh_id(hdr(0)), gid);
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(R[i].op, NHG_OP_DELETE);
}

static size_t ncb;
static struct prefix cbp;

static void
requeue(void *arg, const struct prefix *p)
{
	ncb++;
	cbp = *p;
}

Test(nhg_table, kernel_deletes_a_nexthop)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	struct kroute_gw g[4];
	uint32_t nh[4], gid, members[8];

	gid = install_four(t, &p, nh);
	ncb = 0;
	kroute_nhg_kernel_deleted(t, 12345, requeue, NULL);
	cr_assert_eq(ncb, 0, "not ours: nothing");
	kroute_nhg_kernel_deleted(t, nh[1], requeue, NULL);
	cr_assert_eq(ncb, 1);
	cr_assert_eq(prefix_cmp(&cbp, &p), 0);
	cr_assert_not(kroute_nhg_owns(t, nh[1]));

	/* Installed again with the next hop still wanted: it is created anew. */
	NR = 0;
	four(g);
	kroute_nhg_set(t, &p, g, 4);
	kroute_nhg_commit(t);
	cr_assert_eq(R[0].op, NHG_OP_NEXTHOP_ADD);
	cr_assert_eq(R[1].op, NHG_OP_GROUP_REPLACE);
	cr_assert_eq(nh_id(hdr(1)), gid);
	cr_assert_eq(group_members(hdr(1), members, 8), 4);
	cr_assert_eq(count_op(0, NHG_OP_DELETE), 0, "the kernel already deleted it");

	/* The kernel deletes the group: the prefix is installed anew. */
	ncb = 0;
	kroute_nhg_kernel_deleted(t, gid, requeue, NULL);
	cr_assert_eq(ncb, 1);
	cr_assert_not(kroute_nhg_has(t, &p));
	NR = 0;
	kroute_nhg_set(t, &p, g, 4);
	kroute_nhg_commit(t);
	cr_assert_eq(count_op(0, NHG_OP_GROUP_ADD), 1);
	cr_assert_eq(count_op(0, NHG_OP_ROUTE_ADD), 1);
	cr_assert_eq(count_op(0, NHG_OP_NEXTHOP_ADD), 0, "its members are still there");
	kroute_nhg_free(t);
}

Test(nhg_table, reserved_ids_never_used)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	struct kroute_gw g[4];
	uint32_t first = kroute_nhg_id_first(186);

	for (uint32_t i = 1; i <= 6; i++)
		if (i != 4)
			kroute_nhg_reserve(t, first + i);
	four(g);
	kroute_nhg_set(t, &p, g, 4);
	kroute_nhg_commit(t);
	for (size_t i = 0; i < 5; i++) {
		uint32_t id = nh_id(hdr(i));

		cr_assert(id == first + 4 || id > first + 6, "id %u is someone else's", id);
	}
	kroute_nhg_free(t);
}

Test(nhg_table, last_of_one_batch_wins)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	struct kroute_gw g[4];

	four(g);
	kroute_nhg_set(t, &p, g, 4);
	kroute_nhg_set(t, &p, g, 1);
	kroute_nhg_commit(t);
	cr_assert_eq(count_op(0, NHG_OP_NEXTHOP_ADD), 1);
	cr_assert_eq(count_op(0, NHG_OP_ROUTE_ADD), 1);
	NR = 0;
	kroute_nhg_set(t, &p, g, 2);
	kroute_nhg_set(t, &p, NULL, 0);
	kroute_nhg_commit(t);
	cr_assert_eq(count_op(0, NHG_OP_DELETE), 2, "group and next hop");
	cr_assert_eq(count_op(0, NHG_OP_NEXTHOP_ADD), 0);
	kroute_nhg_free(t);
}

/* A creation the kernel refused (EEXIST: someone else's id) is never deleted by us. */
Test(nhg_table, refused_creation_never_deleted)
{
	struct kroute_nhg *t = kroute_nhg_new(&P);
	struct prefix p = pfx("198.18.0.53/32");
	uint32_t nh[4], gid, refused;

	gid = install_four(t, &p, nh);
	refused = nh[1];
	kroute_nhg_create_refused(t, refused);
	NR = 0;
	kroute_nhg_set(t, &p, NULL, 0);
	kroute_nhg_commit(t);
	cr_assert_eq(NR, 4, "the group and three next hops; got %zu", NR);
	cr_assert_eq(nh_id(hdr(0)), gid);
	for (size_t i = 0; i < NR; i++) {
		cr_assert_eq(R[i].op, NHG_OP_DELETE);
		cr_assert_neq(nh_id(hdr(i)), refused, "someone else's object deleted");
	}
	/* Nor is its id given out again. */
	NR = 0;
	install_four(t, &p, nh);
	for (size_t i = 0; i < NR; i++)
		if (R[i].op != NHG_OP_ROUTE_ADD)
			cr_assert_neq(nh_id(hdr(i)), refused);
	kroute_nhg_free(t);
}
