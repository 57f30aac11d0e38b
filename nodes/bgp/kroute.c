/*
 * Kernel FIB sync and kernel state tracking through libnl-route-3; see
 * kroute.h. This is the only file of anybgpd that talks netlink.
 *
 * Three sockets: "cmd" sends route changes without waiting (no auto-ack; the
 * kernel's error replies are read in the loop), "evt" listens to the link,
 * address and route multicast groups, and a short-lived one does the initial
 * (and any recovery) dump. The IPv4 routes the kernel flushes when a link
 * goes down come with no RTM_DELROUTE, so a link-down also drops our copy of
 * the routes through that link.
 *
 * In the FIB mode "resilient", multipath sets go through kroute_nhg.c
 * (nexthop objects and resilient groups, sent on the "cmd" socket too); the
 * "evt" socket then also hears RTM_DELNEXTHOP, for the objects the kernel
 * deletes by itself (a next hop's interface went down).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/cache.h>
#include <netlink/route/route.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>

#include "kroute.h"
#include "kroute_nhg.h"
#include "log.h"

#define KR_RCVBUF	 (8 * 1024 * 1024)
#define KR_NH_DELAY_MS	 5
#define KR_RETRY_MS	 250  /* a refused add is sent again after this, */
#define KR_RETRY_MAX_MS	 8000 /* doubled per round up to this */
#define KR_SENT_RING	 4096 /* adds remembered by sequence number */
#define BGP_MAX_PATHS_KR 64
#define KR_CREATED_RING	 256 /* nexthop object creations remembered */

/* A route of another protocol, used to resolve next hops. */
struct kr_route {
	struct prefix dst;
	int oif;
	uint32_t priority;
	uint32_t table;
};

/* An add sent: which prefix its sequence number was for. */
struct kr_sent {
	uint32_t seq;
	struct prefix pfx;
};

/* A nexthop object's creation sent: which id its sequence number was for. */
struct kr_created {
	uint32_t seq;
	uint32_t id;
};

struct kr_link {
	int ifindex;
	bool up; /* IFF_UP and IFF_RUNNING */
	char name[IFNAMSIZ];
};

struct kroute {
	struct ev_loop *loop;
	struct kroute_params p;
	struct nl_sock *cmd;
	struct nl_sock *evt;
	struct ev_io cmd_io;
	struct ev_io evt_io;
	struct ev_timer nh_timer; /* debounced nexthops_changed */
	struct kr_route *routes;
	size_t nroutes;
	size_t routes_cap;
	struct kr_link *links;
	size_t nlinks;
	size_t links_cap;
	/*
	 * The namespace's own addresses: the destinations of the local table's
	 * RTN_LOCAL routes, which the kernel keeps for every address of every
	 * interface (and 127.0.0.0/8, ::1). A next hop inside one is ours (RFC
	 * 4271 5.1.3 (a), 6.3).
	 */
	struct prefix *locals;
	size_t nlocals;
	size_t locals_cap;
	struct prefix *queue;
	size_t qlen;
	size_t qcap;
	/*
	 * A refused add (the next hop not reachable yet: an IPv6 prefix route
	 * appears only once its interface has carrier) is retried: the
	 * error's sequence number gives the prefix, queued again when
	 * retry_timer fires. Each round that is refused again waits twice as
	 * long (KR_RETRY_MS up to KR_RETRY_MAX_MS); a change of the kernel's
	 * links or routes, which may be what the add waited for, or a quiet
	 * spell starts again from KR_RETRY_MS.
	 */
	struct kr_sent *sent; /* ring of KR_SENT_RING */
	size_t sent_pos;
	struct prefix *retry;
	size_t nretry;
	size_t retry_cap;
	struct ev_timer retry_timer;
	unsigned retry_round;	/* rounds sent since the last reset */
	uint64_t retry_last_us; /* when the last round was sent */
	/*
	 * FIB mode resilient: our nexthop objects (NULL in mode hash, or once
	 * a fallback has removed them). After a refusal (nhg_failed) every
	 * prefix naming a group is queued again from requeue_timer and goes
	 * in as a plain multipath route; the groups are deleted after that.
	 */
	struct kroute_nhg *nhg;
	struct kr_created created[KR_CREATED_RING]; /* object creations sent */
	size_t created_pos;
	bool nhg_failed;
	char fib_fallback[160];
	struct ev_timer requeue_timer;
	struct kroute_stats st;
};

static int dump_state(struct kroute *, bool remove_stale);
static void retry_reset(struct kroute *);
static void queue_push(struct kroute *, const struct prefix *);
static void requeue_pfx(void *, const struct prefix *);
static int kroute_nhg_send(void *, struct nl_msg *, enum kroute_nhg_op, const struct prefix *);

/* ---- next-hop resolution table ---- */

static bool
tracked_table(struct kroute *kr, uint32_t table)
{
	return table == RT_TABLE_MAIN || table == kr->p.table;
}

static void
routes_del(struct kroute *kr, const struct kr_route *r)
{
	for (size_t i = 0; i < kr->nroutes; i++) {
		struct kr_route *x = &kr->routes[i];

		if (x->dst.len == r->dst.len && ipaddr_eq(&x->dst.addr, &r->dst.addr) &&
		    x->priority == r->priority && x->table == r->table &&
		    (r->oif == 0 || x->oif == r->oif)) {
			kr->routes[i] = kr->routes[--kr->nroutes];
			return;
		}
	}
}

static void
routes_add(struct kroute *kr, const struct kr_route *r)
{
	routes_del(kr, r);
	if (kr->nroutes == kr->routes_cap) {
		size_t cap = kr->routes_cap ? kr->routes_cap * 2 : 64;
		struct kr_route *n = realloc(kr->routes, cap * sizeof(*n));

		if (n == NULL)
			return;
		kr->routes = n;
		kr->routes_cap = cap;
	}
	kr->routes[kr->nroutes++] = *r;
}

static const struct kr_route *
routes_match(const struct kroute *kr, const struct ipaddr *a)
{
	const struct kr_route *best = NULL;

	for (size_t i = 0; i < kr->nroutes; i++) {
		const struct kr_route *r = &kr->routes[i];

		if (r->dst.addr.family != a->family || !prefix_contains(&r->dst, a))
			continue;
		if (best == NULL || r->dst.len > best->dst.len ||
		    (r->dst.len == best->dst.len && r->priority < best->priority))
			best = r;
	}
	return best;
}

bool
kroute_nexthop_ok(void *arg, const struct ipaddr *nh, uint32_t *cost)
{
	struct kroute *kr = arg;
	const struct kr_route *r;

	if (nh->family == 0)
		return false;
	r = routes_match(kr, nh);
	if (r == NULL)
		return false;
	*cost = r->priority;
	return true;
}

int
kroute_ifindex_for(struct kroute *kr, const struct ipaddr *a)
{
	const struct kr_route *r = routes_match(kr, a);

	return r ? r->oif : 0;
}

static void
nh_changed(struct kroute *kr)
{
	if (!ev_timer_armed(&kr->nh_timer))
		ev_timer_start(kr->loop, &kr->nh_timer, EV_MS(KR_NH_DELAY_MS));
}

static void
nh_timer_cb(struct ev_loop *loop, struct ev_timer *t)
{
	struct kroute *kr = t->arg;

	kr->st.kernel_routes = kr->nroutes;
	retry_reset(kr);
	if (kr->p.nexthops_changed)
		kr->p.nexthops_changed(kr->p.arg);
}

/* From a parsed libnl route: a usable resolution entry? */
static bool
route_from_nl(struct kroute *kr, struct rtnl_route *rt, struct kr_route *out)
{
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	struct rtnl_nexthop *nh;
	int fam = rtnl_route_get_family(rt);

	if ((fam != AF_INET && fam != AF_INET6) || dst == NULL)
		return false;
	if (rtnl_route_get_type(rt) != RTN_UNICAST || !tracked_table(kr, rtnl_route_get_table(rt)))
		return false;
	if (rtnl_route_get_protocol(rt) == kr->p.protocol)
		return false;
	memset(out, 0, sizeof(*out));
	out->dst.addr.family = fam;
	if (nl_addr_get_len(dst) > 0)
		memcpy(out->dst.addr.bytes, nl_addr_get_binary_addr(dst),
		    nl_addr_get_len(dst) < 16 ? nl_addr_get_len(dst) : 16);
	out->dst.len = (uint8_t)nl_addr_get_prefixlen(dst);
	out->priority = rtnl_route_get_priority(rt);
	out->table = rtnl_route_get_table(rt);
	nh = rtnl_route_get_nnexthops(rt) > 0 ? rtnl_route_nexthop_n(rt, 0) : NULL;
	out->oif = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
	return true;
}

/* ---- our own addresses ---- */

/* A route of the local table for one of our addresses: its destination. */
static bool
local_from_rtm(const struct rtmsg *rtm, struct rtnl_route *rt, struct prefix *out)
{
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	int fam = rtm->rtm_family;

	if ((fam != AF_INET && fam != AF_INET6) || dst == NULL || rtm->rtm_type != RTN_LOCAL)
		return false;
	if (nl_addr_get_len(dst) != ipaddr_size(fam))
		return false;
	memset(out, 0, sizeof(*out));
	out->addr.family = fam;
	memcpy(out->addr.bytes, nl_addr_get_binary_addr(dst), ipaddr_size(fam));
	out->len = (uint8_t)nl_addr_get_prefixlen(dst);
	return true;
}

static void
locals_update(struct kroute *kr, const struct prefix *pfx, bool add)
{
	for (size_t i = 0; i < kr->nlocals; i++) {
		if (kr->locals[i].len == pfx->len && ipaddr_eq(&kr->locals[i].addr, &pfx->addr)) {
			if (!add)
				kr->locals[i] = kr->locals[--kr->nlocals];
			return;
		}
	}
	if (!add)
		return;
	if (kr->nlocals == kr->locals_cap) {
		size_t cap = kr->locals_cap ? kr->locals_cap * 2 : 16;
		struct prefix *n = realloc(kr->locals, cap * sizeof(*n));

		if (n == NULL)
			return;
		kr->locals = n;
		kr->locals_cap = cap;
	}
	kr->locals[kr->nlocals++] = *pfx;
}

bool
kroute_is_local(const struct kroute *kr, const struct ipaddr *a)
{
	if (kr == NULL || a->family == 0)
		return false;
	for (size_t i = 0; i < kr->nlocals; i++)
		if (kr->locals[i].addr.family == a->family && prefix_contains(&kr->locals[i], a))
			return true;
	return false;
}

/* ---- links ---- */

static struct kr_link *
link_get(struct kroute *kr, int ifindex, bool create)
{
	for (size_t i = 0; i < kr->nlinks; i++)
		if (kr->links[i].ifindex == ifindex)
			return &kr->links[i];
	if (!create)
		return NULL;
	if (kr->nlinks == kr->links_cap) {
		size_t cap = kr->links_cap ? kr->links_cap * 2 : 16;
		struct kr_link *n = realloc(kr->links, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		kr->links = n;
		kr->links_cap = cap;
	}
	memset(&kr->links[kr->nlinks], 0, sizeof(kr->links[0]));
	kr->links[kr->nlinks].ifindex = ifindex;
	return &kr->links[kr->nlinks++];
}

static void
link_update(struct kroute *kr, int ifindex, unsigned flags, const char *name, bool deleted)
{
	struct kr_link *l = link_get(kr, ifindex, true);
	bool up = !deleted && (flags & IFF_UP) && (flags & IFF_RUNNING);
	bool was;

	if (l == NULL)
		return;
	was = l->up;
	if (name)
		snprintf(l->name, sizeof(l->name), "%s", name);
	l->up = up;
	if (was && !up) {
		log_info("interface %s (%d) down", l->name, ifindex);
		/* Tell the sessions first, while our table still knows the routes. */
		if (kr->p.link_event)
			kr->p.link_event(kr->p.arg, ifindex, l->name, false);
		/* IPv4 routes flushed on link down are not announced: drop ours too. */
		if (!(flags & IFF_UP) || deleted) {
			for (size_t i = 0; i < kr->nroutes;) {
				if (kr->routes[i].oif == ifindex)
					kr->routes[i] = kr->routes[--kr->nroutes];
				else
					i++;
			}
		}
		nh_changed(kr);
	} else if (!was && up) {
		log_info("interface %s (%d) up", l->name, ifindex);
		if (kr->p.link_event)
			kr->p.link_event(kr->p.arg, ifindex, l->name, true);
		nh_changed(kr);
	}
}

/* ---- event socket ---- */

static int
evt_valid(struct nl_msg *msg, void *arg)
{
	struct kroute *kr = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	switch (h->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		struct rtmsg *rtm = nlmsg_data(h);
		struct rtnl_route *rt = NULL;
		struct kr_route r;
		struct prefix lp;

		if (rtm->rtm_protocol == kr->p.protocol)
			return NL_OK; /* our own: the bulk of the traffic, skipped unparsed */
		if (rtnl_route_parse(h, &rt) < 0)
			return NL_OK;
		if (local_from_rtm(rtm, rt, &lp))
			locals_update(kr, &lp, h->nlmsg_type == RTM_NEWROUTE);
		if (route_from_nl(kr, rt, &r)) {
			if (h->nlmsg_type == RTM_NEWROUTE)
				routes_add(kr, &r);
			else
				routes_del(kr, &r);
			nh_changed(kr);
		}
		rtnl_route_put(rt);
		break;
	}
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		struct ifinfomsg *ifi = nlmsg_data(h);
		struct nlattr *a = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);

		link_update(kr, ifi->ifi_index, ifi->ifi_flags, a ? nla_get_string(a) : NULL,
		    h->nlmsg_type == RTM_DELLINK);
		break;
	}
	case RTM_NEWADDR:
	case RTM_DELADDR:
		nh_changed(kr);
		break;
	case RTM_DELNEXTHOP: {
		struct nlattr *a = nlmsg_find_attr(h, sizeof(struct nhmsg), NHA_ID);
		size_t before = kr->qlen;

		if (kr->nhg == NULL || a == NULL || nla_len(a) < (int)sizeof(uint32_t))
			break;
		kroute_nhg_kernel_deleted(kr->nhg, nla_get_u32(a), requeue_pfx, kr);
		if (kr->qlen != before && !ev_timer_armed(&kr->requeue_timer))
			ev_timer_start(kr->loop, &kr->requeue_timer, 0);
		break;
	}
	default:
		break;
	}
	return NL_OK;
}

static void
evt_io_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct kroute *kr = io->arg;

	for (int i = 0; i < 64; i++) {
		int r = nl_recvmsgs_default(kr->evt);

		if (r == -NLE_AGAIN)
			return;
		if (r == -NLE_NOMEM || r == -NLE_OBJ_NOTFOUND || r == -NLE_MSG_OVERFLOW) {
			/* Events were lost (ENOBUFS): read the whole state again. */
			log_warn("netlink events lost (%s), reading the kernel state again",
			    nl_geterror(r));
			kr->st.resyncs++;
			dump_state(kr, false);
			nh_changed(kr);
			return;
		}
		if (r < 0)
			return;
	}
}

/* ---- command socket: error replies ---- */

/* The delay before the next retry round: KR_RETRY_MS doubled per round. */
static uint64_t
retry_delay_us(const struct kroute *kr)
{
	uint64_t ms = KR_RETRY_MS;

	for (unsigned i = 0; i < kr->retry_round && ms < KR_RETRY_MAX_MS; i++)
		ms *= 2;
	return EV_MS(ms < KR_RETRY_MAX_MS ? ms : KR_RETRY_MAX_MS);
}

/* The kernel changed: a pending retry goes at the first delay again. */
static void
retry_reset(struct kroute *kr)
{
	kr->retry_round = 0;
	if (ev_timer_armed(&kr->retry_timer) &&
	    ev_timer_remaining_us(kr->loop, &kr->retry_timer) > EV_MS(KR_RETRY_MS))
		ev_timer_start(kr->loop, &kr->retry_timer, EV_MS(KR_RETRY_MS));
}

/* The prefix of the add sent with seq, queued for the retry timer. */
static void
retry_later(struct kroute *kr, uint32_t seq)
{
	const struct kr_sent *s = NULL;

	for (size_t i = 0; kr->sent && i < KR_SENT_RING; i++)
		if (kr->sent[i].seq == seq && kr->sent[i].pfx.addr.family) {
			s = &kr->sent[i];
			break;
		}
	if (s == NULL)
		return;
	if (kr->nretry == kr->retry_cap) {
		size_t cap = kr->retry_cap ? kr->retry_cap * 2 : 64;
		struct prefix *n = realloc(kr->retry, cap * sizeof(*n));

		if (n == NULL)
			return;
		kr->retry = n;
		kr->retry_cap = cap;
	}
	kr->retry[kr->nretry++] = s->pfx;
	kr->st.retries++;
	/* refused long after the last round: a new cause, not the same one */
	if (kr->retry_round && ev_now_us(kr->loop) - kr->retry_last_us > 2 * EV_MS(KR_RETRY_MAX_MS))
		kr->retry_round = 0;
	if (!ev_timer_armed(&kr->retry_timer))
		ev_timer_start(kr->loop, &kr->retry_timer, retry_delay_us(kr));
}

static void
retry_timer_cb(struct ev_loop *loop, struct ev_timer *t)
{
	struct kroute *kr = t->arg;

	for (size_t i = 0; i < kr->nretry; i++) {
		if (kr->qlen == kr->qcap) {
			size_t cap = kr->qcap ? kr->qcap * 2 : 1024;
			struct prefix *n = realloc(kr->queue, cap * sizeof(*n));

			if (n == NULL)
				break;
			kr->queue = n;
			kr->qcap = cap;
		}
		kr->queue[kr->qlen++] = kr->retry[i];
	}
	kr->nretry = 0;
	kr->retry_round++;
	kr->retry_last_us = ev_now_us(loop);
	if (kr->p.flush)
		kr->p.flush(kr->p.arg);
}

static int
cmd_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct kroute *kr = arg;

	if (e->error == 0)
		return NL_SKIP;
	kr->st.errors++;
	if (e->msg.nlmsg_type == RTM_NEWROUTE)
		retry_later(kr, e->msg.nlmsg_seq);
	if (e->msg.nlmsg_type == RTM_NEWNEXTHOP && kr->nhg) {
		/* A refused creation: that id is not ours (EEXIST: someone else's). */
		for (size_t i = 0; i < KR_CREATED_RING; i++)
			if (kr->created[i].id && kr->created[i].seq == e->msg.nlmsg_seq) {
				kroute_nhg_create_refused(kr->nhg, kr->created[i].id);
				kr->created[i].id = 0;
			}
	}
	if (e->msg.nlmsg_type == RTM_NEWNEXTHOP && kr->nhg && !kr->nhg_failed) {
		/* Every group of ours becomes a plain multipath route again. */
		snprintf(kr->fib_fallback, sizeof(kr->fib_fallback),
		    "the kernel refused a nexthop object: %s", strerror(-e->error));
		log_err("%s: installing plain multipath routes (hash-threshold) instead",
		    kr->fib_fallback);
		kr->nhg_failed = true;
		kroute_nhg_walk(kr->nhg, requeue_pfx, kr);
		if (!ev_timer_armed(&kr->requeue_timer))
			ev_timer_start(kr->loop, &kr->requeue_timer, 0);
	}
	if (kr->st.errors <= 20 || kr->st.errors % 10000 == 0)
		log_err("kernel refused a %s change (%s): %s%s",
		    e->msg.nlmsg_type == RTM_NEWNEXTHOP || e->msg.nlmsg_type == RTM_DELNEXTHOP ?
			"nexthop" :
			"route",
		    e->msg.nlmsg_type == RTM_DELROUTE || e->msg.nlmsg_type == RTM_DELNEXTHOP ?
			"delete" :
			"add",
		    strerror(-e->error),
		    kr->st.errors == 20 ? " (further errors counted only)" : "");
	return NL_SKIP;
}

static void
cmd_io_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct kroute *kr = io->arg;

	for (int i = 0; i < 64; i++)
		if (nl_recvmsgs_default(kr->cmd) < 0)
			return;
}

/* ---- initial dump ---- */

struct dump_ctx {
	struct kroute *kr;
	struct nl_sock *sk;
	bool remove_stale;
	size_t stale;
	struct rtnl_route **stale_msgs;
};

/* One route of the dump: our own are only counted (stale ones removed), others tracked. */
static int
dump_route_msg(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *dc = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct rtmsg *rtm = nlmsg_data(h);
	struct rtnl_route *rt = NULL;
	struct kr_route r;
	struct prefix lp;

	if (h->nlmsg_type != RTM_NEWROUTE)
		return NL_OK;
	if (rtm->rtm_protocol == dc->kr->p.protocol) {
		if (dc->remove_stale)
			dc->stale_msgs = realloc(dc->stale_msgs,
			    (dc->stale + 1) * sizeof(*dc->stale_msgs));
		if (dc->remove_stale && dc->stale_msgs &&
		    rtnl_route_parse(h, &dc->stale_msgs[dc->stale]) == 0) {
			if (rtnl_route_get_table(dc->stale_msgs[dc->stale]) == dc->kr->p.table)
				dc->stale++;
			else
				rtnl_route_put(dc->stale_msgs[dc->stale]);
		}
		return NL_OK;
	}
	if (rtnl_route_parse(h, &rt) < 0)
		return NL_OK;
	if (local_from_rtm(rtm, rt, &lp))
		locals_update(dc->kr, &lp, true);
	if (route_from_nl(dc->kr, rt, &r))
		routes_add(dc->kr, &r);
	rtnl_route_put(rt);
	return NL_OK;
}

static void
dump_link(struct nl_object *o, void *arg)
{
	struct dump_ctx *dc = arg;
	struct rtnl_link *l = (struct rtnl_link *)o;
	struct kr_link *kl = link_get(dc->kr, rtnl_link_get_ifindex(l), true);
	unsigned flags = rtnl_link_get_flags(l);

	if (kl == NULL)
		return;
	kl->up = (flags & IFF_UP) && (flags & IFF_RUNNING);
	snprintf(kl->name, sizeof(kl->name), "%s",
	    rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "?");
}

static int
dump_state(struct kroute *kr, bool remove_stale)
{
	struct dump_ctx dc = { .kr = kr, .remove_stale = remove_stale };
	struct nl_cache *cache = NULL;
	int r;

	dc.sk = nl_socket_alloc();
	if (dc.sk == NULL)
		return -1;
	r = nl_connect(dc.sk, NETLINK_ROUTE);
	if (r < 0)
		goto free_sock;
	kr->nroutes = 0;
	kr->nlocals = 0;
	{
		/* A raw dump, not a libnl cache: a million routes of ours are skipped cheaply. */
		struct rtmsg rtm = { .rtm_family = AF_UNSPEC };

		nl_socket_modify_cb(dc.sk, NL_CB_VALID, NL_CB_CUSTOM, dump_route_msg, &dc);
		r = nl_send_simple(dc.sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
		if (r >= 0)
			r = nl_recvmsgs_default(dc.sk);
		if (r < 0)
			goto free_sock;
	}
	for (size_t i = 0; i < dc.stale; i++) {
		rtnl_route_set_scope(dc.stale_msgs[i], RT_SCOPE_NOWHERE);
		rtnl_route_delete(dc.sk, dc.stale_msgs[i], 0);
		rtnl_route_put(dc.stale_msgs[i]);
	}
	free(dc.stale_msgs);
	dc.stale_msgs = NULL;
	if (dc.stale)
		log_info("removed %zu stale routes of protocol %u from table %u", dc.stale,
		    kr->p.protocol, kr->p.table);
	r = rtnl_link_alloc_cache(dc.sk, AF_UNSPEC, &cache);
	if (r < 0)
		goto free_sock;
	nl_cache_foreach(cache, dump_link, &dc);
	nl_cache_free(cache);
	kr->st.kernel_routes = kr->nroutes;
	nl_socket_free(dc.sk);
	return 0;
free_sock:
	log_err("netlink dump: %s", nl_geterror(r));
	for (size_t i = 0; i < dc.stale; i++)
		rtnl_route_put(dc.stale_msgs[i]);
	free(dc.stale_msgs);
	nl_socket_free(dc.sk);
	return -1;
}

/* ---- setup ---- */

/*
 * A classic BPF filter on the event socket drops the notifications of our
 * own route changes in the kernel: installing a million routes would
 * otherwise send a million events back (and overflow the socket).
 */
static int
evt_filter(struct kroute *kr)
{
	struct sock_filter code[] = {
		/* A = nlmsg_type */
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_type)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWROUTE), 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_DELROUTE), 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		/* A = rtm_protocol */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
		    sizeof(struct nlmsghdr) + offsetof(struct rtmsg, rtm_protocol)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kr->p.protocol, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return setsockopt(nl_socket_get_fd(kr->evt), SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog));
}

static struct nl_sock *
sock_open(struct kroute *kr, nl_recvmsg_msg_cb_t valid, nl_recvmsg_err_cb_t err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int fd, sz = KR_RCVBUF;

	if (sk == NULL)
		return NULL;
	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	if (valid)
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, valid, kr);
	if (err)
		nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, err, kr);
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	fd = nl_socket_get_fd(sk);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	nl_socket_set_nonblocking(sk);
	return sk;
}

/* ---- FIB mode resilient: start-up ---- */

struct nhg_dump {
	struct kroute *kr;
	uint32_t first, last; /* our range */
	uint32_t *stale;      /* ours from a predecessor: groups first, then next hops */
	size_t nstale;
	size_t ngroups;
};

static int
nhg_dump_msg(struct nl_msg *msg, void *arg)
{
	struct nhg_dump *nd = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nhmsg *nhm;
	struct nlattr *a;
	uint32_t id, *v;

	if (h->nlmsg_type != RTM_NEWNEXTHOP || h->nlmsg_len < NLMSG_LENGTH(sizeof(*nhm)))
		return NL_OK;
	nhm = nlmsg_data(h);
	a = nlmsg_find_attr(h, sizeof(*nhm), NHA_ID);
	if (a == NULL || nla_len(a) < (int)sizeof(uint32_t))
		return NL_OK;
	id = nla_get_u32(a);
	if (id < nd->first || id > nd->last)
		return NL_OK;
	if (nhm->nh_protocol != nd->kr->p.protocol) {
		kroute_nhg_reserve(nd->kr->nhg, id); /* someone else's: never touched */
		return NL_OK;
	}
	v = realloc(nd->stale, (nd->nstale + 1) * sizeof(*v));
	if (v == NULL)
		return NL_OK;
	nd->stale = v;
	if (nlmsg_find_attr(h, sizeof(*nhm), NHA_GROUP)) {
		memmove(v + 1, v, nd->nstale * sizeof(*v));
		v[0] = id;
		nd->ngroups++;
	} else {
		v[nd->nstale] = id;
	}
	nd->nstale++;
	return NL_OK;
}

/* nl_send_sync, also for a message that could not be built. */
static int
sync_send(struct nl_sock *sk, struct nl_msg *msg)
{
	return msg ? nl_send_sync(sk, msg) : -NLE_NOMEM;
}

/* An id of our range for the probe: neither reserved nor stale. */
static uint32_t
nhg_probe_id(const struct nhg_dump *nd, uint32_t after)
{
	for (uint32_t id = after + 1; id <= nd->last; id++) {
		bool taken = false;

		for (size_t i = 0; i < nd->nstale; i++)
			taken |= nd->stale[i] == id;
		if (!taken && !kroute_nhg_owns(nd->kr->nhg, id))
			return id;
	}
	return 0;
}

/*
 * Reads the kernel's nexthop objects (ours of a predecessor are deleted,
 * others' in our range never used), then creates and deletes a resilient
 * group of one blackhole with the configured buckets and timers: a kernel
 * without nexthop objects or resilient groups, or one refusing the values,
 * says so here and the speaker installs plain multipath routes.
 */
static int
nhg_setup(struct kroute *kr)
{
	struct kroute_nhg_params np = {
		.table = kr->p.table,
		.protocol = kr->p.protocol,
		.metric = KROUTE_METRIC,
		.buckets = kr->p.buckets,
		.idle_timer_s = kr->p.idle_timer_s,
		.unbalanced_timer_s = kr->p.unbalanced_timer_s,
		.send = NULL,
		.arg = kr,
	};
	struct nhg_dump nd = { .kr = kr };
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct nl_sock *sk;
	uint32_t bh, grp;
	const char *what = "reading nexthop objects";
	int r;

	np.send = kroute_nhg_send;
	kr->nhg = kroute_nhg_new(&np);
	sk = nl_socket_alloc();
	if (kr->nhg == NULL || sk == NULL) {
		r = -NLE_NOMEM;
		goto fail;
	}
	nd.first = kroute_nhg_id_first(kr->p.protocol);
	nd.last = nd.first + ((1u << KROUTE_NHG_ID_BITS) - 1);
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		goto fail;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, nhg_dump_msg, &nd);
	r = nl_send_simple(sk, RTM_GETNEXTHOP, NLM_F_DUMP, &nhm, sizeof(nhm));
	if (r >= 0)
		r = nl_recvmsgs_default(sk);
	if (r < 0)
		goto fail;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	for (size_t i = 0; i < nd.nstale; i++) {
		struct nl_msg *m = kroute_nhg_msg_delete(nd.stale[i]);

		if (m)
			sync_send(sk, m);
	}
	if (nd.nstale)
		log_info("removed %zu stale nexthop groups and %zu next hops of protocol %u",
		    nd.ngroups, nd.nstale - nd.ngroups, kr->p.protocol);
	what = "creating a nexthop object";
	bh = nhg_probe_id(&nd, nd.first);
	grp = bh ? nhg_probe_id(&nd, bh) : 0;
	if (grp == 0) {
		r = -NLE_RANGE;
		goto fail;
	}
	r = sync_send(sk, kroute_nhg_msg_blackhole(bh, kr->p.protocol));
	if (r >= 0) {
		what = "creating a resilient nexthop group of the configured buckets and timers";
		r = sync_send(sk, kroute_nhg_msg_group(grp, kr->p.protocol, &bh, 1, &np, false));
		if (r >= 0)
			sync_send(sk, kroute_nhg_msg_delete(grp));
		sync_send(sk, kroute_nhg_msg_delete(bh));
	}
	if (r < 0)
		goto fail;
	kroute_nhg_skip(kr->nhg, grp);
	free(nd.stale);
	nl_socket_free(sk);
	log_info("FIB: multipath sets as resilient nexthop groups (%u buckets, idle timer %u s, "
		 "unbalanced timer %u s, ids from %u)",
	    kr->p.buckets, kr->p.idle_timer_s, kr->p.unbalanced_timer_s, nd.first);
	return 0;
fail:
	snprintf(kr->fib_fallback, sizeof(kr->fib_fallback), "%s: %s", what,
	    r == -NLE_RANGE ? "no free id in our range" : nl_geterror(r));
	log_err("FIB mode resilient: %s; installing plain multipath routes (hash-threshold) "
		"instead",
	    kr->fib_fallback);
	free(nd.stale);
	if (sk)
		nl_socket_free(sk);
	kroute_nhg_free(kr->nhg);
	kr->nhg = NULL;
	return -1;
}

static void
requeue_timer_cb(struct ev_loop *loop, struct ev_timer *t)
{
	struct kroute *kr = t->arg;

	if (kr->p.flush)
		kr->p.flush(kr->p.arg);
}

struct kroute *
kroute_open(struct ev_loop *loop, const struct kroute_params *params)
{
	struct kroute *kr = calloc(1, sizeof(*kr));

	if (kr == NULL)
		return NULL;
	kr->loop = loop;
	kr->p = *params;
	ev_timer_init(&kr->nh_timer, nh_timer_cb, kr);
	ev_timer_init(&kr->retry_timer, retry_timer_cb, kr);
	ev_timer_init(&kr->requeue_timer, requeue_timer_cb, kr);
	kr->sent = calloc(KR_SENT_RING, sizeof(*kr->sent));
	kr->cmd = sock_open(kr, NULL, cmd_err);
	kr->evt = sock_open(kr, evt_valid, NULL);
	if (kr->cmd == NULL || kr->evt == NULL)
		goto fail;
	if (evt_filter(kr) < 0)
		log_warn("no socket filter on the netlink event socket: our own route changes "
			 "come back as events");
	if (nl_socket_add_memberships(kr->evt, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
		RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0) < 0)
		goto fail;
	if (kr->p.resilient && kr->p.install &&
	    nl_socket_add_memberships(kr->evt, RTNLGRP_NEXTHOP, 0) < 0)
		log_warn("no netlink nexthop events: a next hop the kernel deletes is noticed "
			 "only at the next change");
	/* Subscribe first, then dump: nothing falls between the two. */
	if (dump_state(kr, kr->p.install) < 0)
		goto fail;
	if (kr->p.resilient && kr->p.install)
		nhg_setup(kr); /* or plain multipath routes, with the reason logged */
	else if (kr->p.resilient)
		snprintf(kr->fib_fallback, sizeof(kr->fib_fallback),
		    "kernel.install is false: nothing is installed");
	ev_io_init(&kr->cmd_io, nl_socket_get_fd(kr->cmd), cmd_io_cb, kr);
	ev_io_init(&kr->evt_io, nl_socket_get_fd(kr->evt), evt_io_cb, kr);
	if (ev_io_start(loop, &kr->cmd_io, EPOLLIN) < 0 ||
	    ev_io_start(loop, &kr->evt_io, EPOLLIN) < 0)
		goto fail;
	return kr;
fail:
	if (kr->nhg && kr->cmd)
		kroute_nhg_free(kr->nhg);
	if (kr->cmd)
		nl_socket_free(kr->cmd);
	if (kr->evt)
		nl_socket_free(kr->evt);
	free(kr->routes);
	free(kr->links);
	free(kr->locals);
	free(kr);
	return NULL;
}

/* ---- route changes ---- */

static struct nl_addr *
nladdr(const struct ipaddr *a, int len)
{
	struct nl_addr *n = nl_addr_build(a->family, a->bytes, ipaddr_size(a->family));

	if (n && len >= 0)
		nl_addr_set_prefixlen(n, len);
	return n;
}

static struct rtnl_route *
route_base(struct kroute *kr, const struct prefix *pfx)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *dst;

	if (rt == NULL)
		return NULL;
	rtnl_route_set_family(rt, (uint8_t)pfx->addr.family);
	rtnl_route_set_table(rt, kr->p.table);
	rtnl_route_set_protocol(rt, kr->p.protocol);
	rtnl_route_set_priority(rt, KROUTE_METRIC);
	rtnl_route_set_type(rt, RTN_UNICAST);
	dst = nladdr(&pfx->addr, pfx->len);
	if (dst == NULL) {
		rtnl_route_put(rt);
		return NULL;
	}
	rtnl_route_set_dst(rt, dst);
	nl_addr_put(dst);
	return rt;
}

/* An add sent for pfx: a refusal of it (by sequence number) queues pfx again. */
static void
sent_record(struct kroute *kr, uint32_t seq, const struct prefix *pfx)
{
	if (kr->sent == NULL)
		return;
	kr->sent[kr->sent_pos].seq = seq;
	kr->sent[kr->sent_pos].pfx = *pfx;
	kr->sent_pos = (kr->sent_pos + 1) % KR_SENT_RING;
}

/* kroute_nhg's way out: the command socket, as every route change. */
static int
kroute_nhg_send(void *arg, struct nl_msg *msg, enum kroute_nhg_op op, const struct prefix *pfx)
{
	struct kroute *kr = arg;
	int r = nl_send_auto(kr->cmd, msg);

	if (r == -NLE_AGAIN) {
		/* The socket is full of replies: read them, then once more. */
		cmd_io_cb(kr->loop, &kr->cmd_io, EPOLLIN);
		r = nl_send_auto(kr->cmd, msg);
	}
	if (r < 0)
		return r;
	if (op == NHG_OP_ROUTE_ADD && pfx)
		sent_record(kr, nlmsg_hdr(msg)->nlmsg_seq, pfx);
	if (op == NHG_OP_NEXTHOP_ADD || op == NHG_OP_GROUP_ADD) {
		struct nlattr *a = nlmsg_find_attr(nlmsg_hdr(msg), sizeof(struct nhmsg), NHA_ID);

		if (a) {
			kr->created[kr->created_pos].seq = nlmsg_hdr(msg)->nlmsg_seq;
			kr->created[kr->created_pos].id = nla_get_u32(a);
			kr->created_pos = (kr->created_pos + 1) % KR_CREATED_RING;
		}
	}
	return 0;
}

static int
send_route(struct kroute *kr, struct rtnl_route *rt, bool add, const struct prefix *pfx)
{
	struct nl_msg *msg = NULL;
	int r;

	/* Delete matches any scope (as iproute2 does); an add is a global route. */
	rtnl_route_set_scope(rt, add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE);
	if (add)
		r = rtnl_route_build_add_request(rt, NLM_F_CREATE | NLM_F_REPLACE, &msg);
	else
		r = rtnl_route_build_del_request(rt, 0, &msg);
	if (r < 0)
		return r;
	r = nl_send_auto(kr->cmd, msg);
	if (r >= 0 && add && pfx != NULL)
		sent_record(kr, nlmsg_hdr(msg)->nlmsg_seq, pfx);
	nlmsg_free(msg);
	if (r < 0 && r != -NLE_AGAIN)
		return r;
	if (r == -NLE_AGAIN) {
		/* The socket is full of error replies: read them, then once more. */
		cmd_io_cb(kr->loop, &kr->cmd_io, EPOLLIN);
		return -1;
	}
	return 0;
}

struct kr_nexthop {
	struct ipaddr gw;
	int oif;
};

static int
kr_nexthop_cmp(const void *a, const void *b)
{
	const struct kr_nexthop *x = a, *y = b;

	return ipaddr_cmp(&x->gw, &y->gw);
}

/*
 * A route of another protocol to exactly pfx in our table wins over ours,
 * as a connected or static route wins over BGP on a router (administrative
 * distance): a connected IPv6 prefix has metric 256, so a BGP route to it at
 * metric 20 would take the LAN's own addresses away from the interface (and
 * every next hop on that LAN would resolve through a gateway).
 */
static bool
shadowed(const struct kroute *kr, const struct prefix *pfx)
{
	for (size_t i = 0; i < kr->nroutes; i++) {
		const struct kr_route *r = &kr->routes[i];

		if (r->table == kr->p.table && r->dst.len == pfx->len &&
		    ipaddr_eq(&r->dst.addr, &pfx->addr))
			return true;
	}
	return false;
}

/*
 * FIB mode resilient: the set goes to kroute_nhg (sent at the flush's
 * commit). False when it cannot: fallen back, or a next hop without a known
 * interface (a nexthop object needs one), so the caller installs a plain
 * route.
 */
static bool
install_group(struct kroute *kr, struct rib_entry *e, const struct kr_nexthop *seen, size_t n)
{
	struct kroute_gw gws[BGP_MAX_PATHS_KR];

	if (kr->nhg == NULL || kr->nhg_failed)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (seen[i].oif == 0)
			return false;
		gws[i].gw = seen[i].gw;
		gws[i].oif = seen[i].oif;
	}
	if (kroute_nhg_set(kr->nhg, &e->pfx, gws, n) < 0)
		return false;
	kr->st.adds++;
	if (!(rib_entry_flags(e) & RIB_E_FIB))
		kr->st.installed++;
	rib_entry_set_flag(e, RIB_E_FIB, true);
	return true;
}

static void
install(struct kroute *kr, struct rib_entry *e)
{
	struct rtnl_route *rt;
	struct kr_nexthop seen[BGP_MAX_PATHS_KR];
	size_t nseen = 0;

	if (!(rib_entry_flags(e) & RIB_E_FIB) && !kr->p.install)
		return;
	if (rib_best(e) == NULL || !kr->p.install || shadowed(kr, &e->pfx)) {
		if (!(rib_entry_flags(e) & RIB_E_FIB))
			return;
		rt = route_base(kr, &e->pfx);
		if (rt == NULL)
			return;
		if (send_route(kr, rt, false, NULL) == 0) {
			kr->st.deletes++;
			kr->st.installed--;
		}
		rib_entry_set_flag(e, RIB_E_FIB, false);
		rtnl_route_put(rt);
		if (kr->nhg)
			kroute_nhg_set(kr->nhg, &e->pfx, NULL, 0);
		return;
	}
	rt = route_base(kr, &e->pfx);
	if (rt == NULL)
		return;
	for (struct rib_path *p = e->paths; p; p = p->next) {
		const struct ipaddr *gw;
		bool dup = false;
		int oif;

		if (!(p->flags & RIB_PATH_MULTIPATH) && !(p->flags & RIB_PATH_BEST))
			continue;
		if (p->src->local)
			continue; /* originated here: nothing to forward */
		gw = &p->attrs->nexthop;
		if (gw->family != e->pfx.addr.family && p->attrs->nexthop_ll.family)
			gw = &p->attrs->nexthop_ll;
		if (gw->family == 0)
			continue;
		for (size_t i = 0; i < nseen; i++)
			if (ipaddr_eq(&seen[i].gw, gw))
				dup = true;
		if (dup || nseen == BGP_MAX_PATHS_KR)
			continue;
		oif = kroute_ifindex_for(kr, gw);
		if (oif == 0 && gw == &p->attrs->nexthop_ll)
			oif = kroute_ifindex_for(kr, &p->attrs->nexthop);
		seen[nseen].gw = *gw;
		seen[nseen].oif = oif;
		nseen++;
	}
	/*
	 * The kernel hashes a flow onto the next hops in the order they are
	 * listed, so list them in address order: the flow-to-path mapping then
	 * depends only on the set and the hash seed, not on which session
	 * announced first, and a flow returns to its path when that path comes
	 * back (RFC 4786 section 4.4.3).
	 */
	qsort(seen, nseen, sizeof(seen[0]), kr_nexthop_cmp);
	if (nseen && install_group(kr, e, seen, nseen)) {
		rtnl_route_put(rt);
		return;
	}
	for (size_t i = 0; i < nseen; i++) {
		struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
		struct nl_addr *a = nladdr(&seen[i].gw, -1);

		if (nh == NULL || a == NULL) {
			if (nh)
				rtnl_route_nh_free(nh);
			if (a)
				nl_addr_put(a);
			continue;
		}
		rtnl_route_nh_set_gateway(nh, a);
		nl_addr_put(a);
		if (seen[i].oif)
			rtnl_route_nh_set_ifindex(nh, seen[i].oif);
		rtnl_route_add_nexthop(rt, nh);
	}
	if (nseen == 0) {
		/* Only a local path (or none usable): no kernel route of ours. */
		rtnl_route_put(rt);
		if (rib_entry_flags(e) & RIB_E_FIB) {
			rt = route_base(kr, &e->pfx);
			if (rt && send_route(kr, rt, false, NULL) == 0) {
				kr->st.deletes++;
				kr->st.installed--;
			}
			if (rt)
				rtnl_route_put(rt);
			rib_entry_set_flag(e, RIB_E_FIB, false);
		}
		if (kr->nhg)
			kroute_nhg_set(kr->nhg, &e->pfx, NULL, 0);
		return;
	}
	if (send_route(kr, rt, true, &e->pfx) == 0) {
		kr->st.adds++;
		if (!(rib_entry_flags(e) & RIB_E_FIB))
			kr->st.installed++;
		rib_entry_set_flag(e, RIB_E_FIB, true);
	}
	rtnl_route_put(rt);
	/* A plain route now (it replaced any route naming a group): drop the group. */
	if (kr->nhg)
		kroute_nhg_set(kr->nhg, &e->pfx, NULL, 0);
}

static void
queue_push(struct kroute *kr, const struct prefix *pfx)
{
	if (kr->qlen == kr->qcap) {
		size_t cap = kr->qcap ? kr->qcap * 2 : 1024;
		struct prefix *n = realloc(kr->queue, cap * sizeof(*n));

		if (n == NULL)
			return;
		kr->queue = n;
		kr->qcap = cap;
	}
	kr->queue[kr->qlen++] = *pfx;
}

/* kroute_nhg's callback: pfx is to be installed again. */
static void
requeue_pfx(void *arg, const struct prefix *pfx)
{
	queue_push(arg, pfx);
}

void
kroute_changed(struct kroute *kr, struct rib_entry *e)
{
	queue_push(kr, &e->pfx);
}

void
kroute_flush(struct kroute *kr, struct rib *rib)
{
	for (size_t i = 0; i < kr->qlen; i++) {
		struct rib_entry *e = rib_lookup(rib, &kr->queue[i]);

		if (e == NULL)
			continue;
		install(kr, e);
		rib_gc_entry(rib, e);
	}
	kr->qlen = 0;
	if (kr->nhg) {
		struct kroute_nhg_stats ns;

		kroute_nhg_commit(kr->nhg);
		kroute_nhg_get_stats(kr->nhg, &ns);
		if (kr->nhg_failed && ns.prefixes == 0) {
			kroute_nhg_free(kr->nhg); /* the fallback is complete */
			kr->nhg = NULL;
		}
	}
	if (kr->qcap > 16384) {
		free(kr->queue);
		kr->queue = NULL;
		kr->qcap = 0;
	}
	cmd_io_cb(kr->loop, &kr->cmd_io, EPOLLIN);
}

struct close_ctx {
	struct kroute *kr;
	size_t n;
};

static bool
remove_one(struct rib_entry *e, void *arg)
{
	struct close_ctx *cc = arg;
	struct rtnl_route *rt;

	if (!(rib_entry_flags(e) & RIB_E_FIB))
		return true;
	rt = route_base(cc->kr, &e->pfx);
	if (rt) {
		if (send_route(cc->kr, rt, false, NULL) == 0)
			cc->n++;
		rtnl_route_put(rt);
	}
	rib_entry_set_flag(e, RIB_E_FIB, false);
	return true;
}

void
kroute_close(struct kroute *kr, struct rib *rib)
{
	struct close_ctx cc = { kr, 0 };

	if (kr == NULL)
		return;
	if (rib)
		rib_walk(rib, remove_one, &cc);
	/* The kernel answered during each send: log the refusals before closing. */
	cmd_io_cb(kr->loop, &kr->cmd_io, EPOLLIN);
	if (cc.n)
		log_info("removed %zu routes from kernel table %u", cc.n, kr->p.table);
	if (kr->nhg) {
		kroute_nhg_free(kr->nhg); /* groups, then their next hops */
		cmd_io_cb(kr->loop, &kr->cmd_io, EPOLLIN);
	}
	ev_timer_stop(kr->loop, &kr->requeue_timer);
	ev_timer_stop(kr->loop, &kr->nh_timer);
	ev_timer_stop(kr->loop, &kr->retry_timer);
	ev_io_stop(kr->loop, &kr->cmd_io);
	ev_io_stop(kr->loop, &kr->evt_io);
	nl_socket_free(kr->cmd);
	nl_socket_free(kr->evt);
	free(kr->routes);
	free(kr->links);
	free(kr->locals);
	free(kr->queue);
	free(kr->sent);
	free(kr->retry);
	free(kr);
}

void
kroute_get_stats(const struct kroute *kr, struct kroute_stats *s)
{
	*s = kr->st;
	s->kernel_routes = kr->nroutes;
	s->fib = kr->nhg && !kr->nhg_failed ? "resilient" : "hash";
	s->fib_fallback = kr->p.resilient && kr->fib_fallback[0] ? kr->fib_fallback : NULL;
	if (kr->nhg) {
		struct kroute_nhg_stats ns;

		kroute_nhg_get_stats(kr->nhg, &ns);
		s->nh_groups = ns.groups;
		s->nh_objects = ns.nexthops;
		s->nh_replaced = ns.replaced;
	}
}
