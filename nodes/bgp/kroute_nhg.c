/*
 * Resilient nexthop groups for kroute.c; see kroute_nhg.h. Owns the
 * netlink messages of nexthop objects (linux/nexthop.h: RTM_NEWNEXTHOP,
 * RTM_DELNEXTHOP, NHA_GROUP of struct nexthop_grp, NHA_GROUP_TYPE
 * NEXTHOP_GRP_TYPE_RES, the NHA_RES_GROUP nest), the routes naming a group
 * (RTA_NH_ID), and the speaker's copy of what it created: next hops keyed by
 * (gateway, interface), groups keyed by their sorted member list, and which
 * group each prefix names. RFC 4786 section 4.4.3 is why: with
 * hash-threshold multipath, removing one next hop moves flows that were on
 * the others; a resilient group updated in place does not.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kroute_nhg.h"
#include "log.h"

#define NHG_USER_HZ 100 /* clock_t units of the NHA_RES_GROUP timers */

/* One next-hop object of ours. */
struct nhg_nh {
	uint32_t id;
	struct kroute_gw gw;
	unsigned refs; /* groups it is a member of */
	bool refused;  /* its creation was refused: not ours to delete */
};

struct nhg_pend;

/* One resilient group of ours: its members in gateway order. */
struct nhg_group {
	uint32_t id;
	struct kroute_gw *gws;
	uint32_t *members; /* next-hop ids, in the order of gws */
	size_t n;
	unsigned refs; /* prefixes naming it */
	bool refused;  /* its creation was refused: not ours to delete */
	/* commit scratch */
	size_t pend;		/* pending sets of prefixes naming it */
	bool pend_same;		/* ... all to one next-hop set */
	struct nhg_pend *first; /* ... that of this one */
};

/* One prefix naming a group, or with a set pending. */
struct nhg_pfx {
	struct prefix pfx;
	struct nhg_pfx *hnext;
	struct nhg_group *g; /* NULL: none (yet) */
	long pend;	     /* index in pend[], -1: none */
};

/* A set since the last commit. */
struct nhg_pend {
	struct nhg_pfx *pe;
	struct kroute_gw *gws; /* sorted */
	size_t n;
	bool done;
};

struct kroute_nhg {
	struct kroute_nhg_params p;
	struct nhg_nh **nhs;
	size_t nnhs;
	struct nhg_group **groups;
	size_t ngroups;
	struct nhg_pfx **hash;
	size_t hsize; /* power of 2 */
	size_t npfx;
	struct nhg_pend *pend;
	size_t npend;
	size_t pend_cap;
	uint32_t *reserved;
	size_t nreserved;
	uint32_t first_id;
	uint32_t next_id;
	uint64_t replaced;
};

static const char *const op_names[NHG_OP_COUNT] = {
	[NHG_OP_NEXTHOP_ADD] = "nexthop add",
	[NHG_OP_GROUP_ADD] = "group add",
	[NHG_OP_GROUP_REPLACE] = "group replace",
	[NHG_OP_DELETE] = "delete",
	[NHG_OP_ROUTE_ADD] = "route add",
};

const char *
kroute_nhg_op_name(enum kroute_nhg_op op)
{
	return op < NHG_OP_COUNT ? op_names[op] : "?";
}

uint32_t
kroute_nhg_id_first(uint8_t protocol)
{
	return (uint32_t)protocol << KROUTE_NHG_ID_BITS;
}

/* ---- messages ---- */

static struct nl_msg *
nh_msg(int type, int flags, uint8_t family, uint8_t protocol)
{
	struct nhmsg nhm = { .nh_family = family, .nh_protocol = protocol };
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | flags);

	if (msg == NULL)
		return NULL;
	if (nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *
kroute_nhg_msg_nexthop(uint32_t id, uint8_t protocol, const struct kroute_gw *gw)
{
	struct nl_msg *msg = nh_msg(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_EXCL,
	    (uint8_t)gw->gw.family, protocol);

	if (msg == NULL)
		return NULL;
	if (nla_put_u32(msg, NHA_ID, id) < 0 || nla_put_u32(msg, NHA_OIF, (uint32_t)gw->oif) < 0 ||
	    nla_put(msg, NHA_GATEWAY, (int)ipaddr_size(gw->gw.family), gw->gw.bytes) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *
kroute_nhg_msg_blackhole(uint32_t id, uint8_t protocol)
{
	/* A blackhole needs a family (any), a group none. */
	struct nl_msg *msg = nh_msg(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_EXCL, AF_INET, protocol);

	if (msg == NULL)
		return NULL;
	if (nla_put_u32(msg, NHA_ID, id) < 0 || nla_put_flag(msg, NHA_BLACKHOLE) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *
kroute_nhg_msg_group(uint32_t id, uint8_t protocol, const uint32_t *members, size_t n,
    const struct kroute_nhg_params *p, bool replace)
{
	struct nl_msg *msg = nh_msg(RTM_NEWNEXTHOP,
	    replace ? NLM_F_REPLACE : NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, protocol);
	struct nexthop_grp *grp;
	struct nlattr *res;
	int r = -1;

	if (msg == NULL)
		return NULL;
	grp = calloc(n ? n : 1, sizeof(*grp));
	if (grp == NULL)
		goto free_msg;
	for (size_t i = 0; i < n; i++)
		grp[i].id = members[i]; /* weight 0: the kernel's weight 1 */
	if (nla_put_u32(msg, NHA_ID, id) < 0 ||
	    nla_put(msg, NHA_GROUP, (int)(n * sizeof(*grp)), grp) < 0 ||
	    nla_put_u16(msg, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES) < 0)
		goto free_grp;
	res = nla_nest_start(msg, NHA_RES_GROUP);
	if (res == NULL)
		goto free_grp;
	/* The same bucket count on replace: the kernel refuses to change it. */
	if (nla_put_u16(msg, NHA_RES_GROUP_BUCKETS, p->buckets) < 0 ||
	    nla_put_u32(msg, NHA_RES_GROUP_IDLE_TIMER, p->idle_timer_s * NHG_USER_HZ) < 0 ||
	    nla_put_u32(msg, NHA_RES_GROUP_UNBALANCED_TIMER, p->unbalanced_timer_s * NHG_USER_HZ) <
		0)
		goto free_grp;
	nla_nest_end(msg, res);
	r = 0;
free_grp:
	free(grp);
free_msg:
	if (r < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *
kroute_nhg_msg_delete(uint32_t id)
{
	struct nl_msg *msg = nh_msg(RTM_DELNEXTHOP, 0, AF_UNSPEC, 0);

	if (msg == NULL)
		return NULL;
	if (nla_put_u32(msg, NHA_ID, id) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *
kroute_nhg_msg_route(const struct kroute_nhg_params *p, const struct prefix *pfx, uint32_t nh_id)
{
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)pfx->addr.family,
		.rtm_dst_len = pfx->len,
		.rtm_table = p->table < 256 ? (uint8_t)p->table : RT_TABLE_UNSPEC,
		.rtm_protocol = p->protocol,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWROUTE,
	    NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);

	if (msg == NULL)
		return NULL;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)ipaddr_size(pfx->addr.family), pfx->addr.bytes) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, p->table) < 0 ||
	    nla_put_u32(msg, RTA_PRIORITY, p->metric) < 0 ||
	    nla_put_u32(msg, RTA_NH_ID, nh_id) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- sending ---- */

static void
send_msg(struct kroute_nhg *t, struct nl_msg *msg, enum kroute_nhg_op op, const struct prefix *pfx)
{
	if (msg == NULL) {
		log_err("nexthop group: cannot build a %s message", kroute_nhg_op_name(op));
		return;
	}
	if (t->p.send(t->p.arg, msg, op, pfx) < 0)
		log_err("nexthop group: cannot send a %s message", kroute_nhg_op_name(op));
	nlmsg_free(msg);
}

/* ---- ids ---- */

static bool
id_used(const struct kroute_nhg *t, uint32_t id)
{
	for (size_t i = 0; i < t->nreserved; i++)
		if (t->reserved[i] == id)
			return true;
	return kroute_nhg_owns(t, id);
}

static uint32_t
id_alloc(struct kroute_nhg *t)
{
	uint32_t span = 1u << KROUTE_NHG_ID_BITS;

	/*
	 * Onwards through the range, not the lowest free: an id just deleted
	 * is not reused while the kernel's notice of its deletion may still
	 * be on its way (kroute_nhg_kernel_deleted would take it for the new).
	 */
	for (uint32_t tries = 0; tries < span; tries++) {
		uint32_t id = t->next_id;

		t->next_id = t->next_id + 1 - t->first_id >= span ? t->first_id + 1 :
								    t->next_id + 1;
		if (id != 0 && !id_used(t, id))
			return id;
	}
	return 0;
}

void
kroute_nhg_reserve(struct kroute_nhg *t, uint32_t id)
{
	uint32_t *n = realloc(t->reserved, (t->nreserved + 1) * sizeof(*n));

	if (n == NULL)
		return;
	t->reserved = n;
	t->reserved[t->nreserved++] = id;
}

void
kroute_nhg_skip(struct kroute_nhg *t, uint32_t id)
{
	if (id >= t->first_id && id - t->first_id + 1 < (1u << KROUTE_NHG_ID_BITS))
		t->next_id = id + 1;
}

void
kroute_nhg_create_refused(struct kroute_nhg *t, uint32_t id)
{
	for (size_t i = 0; i < t->nnhs; i++)
		if (t->nhs[i]->id == id)
			t->nhs[i]->refused = true;
	for (size_t i = 0; i < t->ngroups; i++)
		if (t->groups[i]->id == id)
			t->groups[i]->refused = true;
	kroute_nhg_reserve(t, id);
}

bool
kroute_nhg_owns(const struct kroute_nhg *t, uint32_t id)
{
	for (size_t i = 0; i < t->nnhs; i++)
		if (t->nhs[i]->id == id)
			return true;
	for (size_t i = 0; i < t->ngroups; i++)
		if (t->groups[i]->id == id)
			return true;
	return false;
}

/* ---- next hops and groups ---- */

static int
gw_cmp(const void *a, const void *b)
{
	const struct kroute_gw *x = a, *y = b;
	int c = ipaddr_cmp(&x->gw, &y->gw);

	if (c)
		return c;
	return x->oif < y->oif ? -1 : x->oif > y->oif;
}

static bool
gws_eq(const struct kroute_gw *a, size_t na, const struct kroute_gw *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (gw_cmp(&a[i], &b[i]) != 0)
			return false;
	return true;
}

static struct nhg_nh *
nh_find(struct kroute_nhg *t, const struct kroute_gw *gw)
{
	for (size_t i = 0; i < t->nnhs; i++)
		if (gw_cmp(&t->nhs[i]->gw, gw) == 0)
			return t->nhs[i];
	return NULL;
}

/* The next hop for gw, created (and sent) when new; one more reference. */
static struct nhg_nh *
nh_get(struct kroute_nhg *t, const struct kroute_gw *gw)
{
	struct nhg_nh *nh = nh_find(t, gw), **v;

	if (nh == NULL) {
		v = realloc(t->nhs, (t->nnhs + 1) * sizeof(*v));
		if (v == NULL)
			return NULL;
		t->nhs = v;
		nh = calloc(1, sizeof(*nh));
		if (nh == NULL)
			return NULL;
		nh->id = id_alloc(t);
		if (nh->id == 0) {
			free(nh);
			return NULL;
		}
		nh->gw = *gw;
		t->nhs[t->nnhs++] = nh;
		send_msg(t, kroute_nhg_msg_nexthop(nh->id, t->p.protocol, gw), NHG_OP_NEXTHOP_ADD,
		    NULL);
	}
	nh->refs++;
	return nh;
}

static void
nh_put(struct kroute_nhg *t, uint32_t id)
{
	for (size_t i = 0; i < t->nnhs; i++)
		if (t->nhs[i]->id == id) {
			if (t->nhs[i]->refs)
				t->nhs[i]->refs--;
			return;
		}
}

static struct nhg_group *
group_find(struct kroute_nhg *t, const struct kroute_gw *gws, size_t n)
{
	for (size_t i = 0; i < t->ngroups; i++)
		if (gws_eq(t->groups[i]->gws, t->groups[i]->n, gws, n))
			return t->groups[i];
	return NULL;
}

/* The members of a group for gws: next hops found or created. */
static int
members_get(struct kroute_nhg *t, const struct kroute_gw *gws, size_t n, uint32_t **out_ids,
    struct kroute_gw **out_gws)
{
	uint32_t *ids = calloc(n, sizeof(*ids));
	struct kroute_gw *copy = calloc(n, sizeof(*copy));
	size_t i;

	if (ids == NULL || copy == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		struct nhg_nh *nh = nh_get(t, &gws[i]);

		if (nh == NULL)
			goto put;
		ids[i] = nh->id;
		copy[i] = gws[i];
	}
	*out_ids = ids;
	*out_gws = copy;
	return 0;
put:
	while (i-- > 0)
		nh_put(t, ids[i]);
fail:
	free(ids);
	free(copy);
	return -1;
}

static struct nhg_group *
group_create(struct kroute_nhg *t, const struct kroute_gw *gws, size_t n)
{
	struct nhg_group *g = calloc(1, sizeof(*g)), **v;

	if (g == NULL)
		return NULL;
	v = realloc(t->groups, (t->ngroups + 1) * sizeof(*v));
	if (v == NULL)
		goto free_group;
	t->groups = v;
	if (members_get(t, gws, n, &g->members, &g->gws) < 0)
		goto free_group;
	g->n = n;
	g->id = id_alloc(t);
	if (g->id == 0)
		goto put_members;
	t->groups[t->ngroups++] = g;
	send_msg(t, kroute_nhg_msg_group(g->id, t->p.protocol, g->members, n, &t->p, false),
	    NHG_OP_GROUP_ADD, NULL);
	return g;
put_members:
	for (size_t i = 0; i < n; i++)
		nh_put(t, g->members[i]);
	free(g->members);
	free(g->gws);
free_group:
	free(g);
	return NULL;
}

/* The same group with the members gws: the kernel keeps the buckets of those that stay. */
static int
group_replace(struct kroute_nhg *t, struct nhg_group *g, const struct kroute_gw *gws, size_t n)
{
	uint32_t *ids;
	struct kroute_gw *copy;

	if (members_get(t, gws, n, &ids, &copy) < 0)
		return -1;
	send_msg(t, kroute_nhg_msg_group(g->id, t->p.protocol, ids, n, &t->p, true),
	    NHG_OP_GROUP_REPLACE, NULL);
	for (size_t i = 0; i < g->n; i++)
		nh_put(t, g->members[i]);
	free(g->members);
	free(g->gws);
	g->members = ids;
	g->gws = copy;
	g->n = n;
	t->replaced++;
	return 0;
}

static void
group_free(struct kroute_nhg *t, size_t idx, bool send)
{
	struct nhg_group *g = t->groups[idx];

	if (send && !g->refused)
		send_msg(t, kroute_nhg_msg_delete(g->id), NHG_OP_DELETE, NULL);
	for (size_t i = 0; i < g->n; i++)
		nh_put(t, g->members[i]);
	free(g->members);
	free(g->gws);
	free(g);
	t->groups[idx] = t->groups[--t->ngroups];
}

/* Deletes the groups no prefix names, then the next hops no group has. */
static void
collect(struct kroute_nhg *t)
{
	for (size_t i = 0; i < t->ngroups;)
		if (t->groups[i]->refs == 0)
			group_free(t, i, true);
		else
			i++;
	for (size_t i = 0; i < t->nnhs;)
		if (t->nhs[i]->refs == 0) {
			if (!t->nhs[i]->refused)
				send_msg(t, kroute_nhg_msg_delete(t->nhs[i]->id), NHG_OP_DELETE,
				    NULL);
			free(t->nhs[i]);
			t->nhs[i] = t->nhs[--t->nnhs];
		} else {
			i++;
		}
}

/* ---- prefixes ---- */

static size_t
pfx_hash(const struct kroute_nhg *t, const struct prefix *p)
{
	uint32_t h = 2166136261u;
	size_t n = ipaddr_size(p->addr.family);

	for (size_t i = 0; i < n; i++)
		h = (h ^ p->addr.bytes[i]) * 16777619u;
	h = (h ^ p->len) * 16777619u;
	return h & (t->hsize - 1);
}

static bool
pfx_eq(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && ipaddr_eq(&a->addr, &b->addr);
}

static struct nhg_pfx *
pfx_find(const struct kroute_nhg *t, const struct prefix *p)
{
	if (t->hsize == 0)
		return NULL;
	for (struct nhg_pfx *e = t->hash[pfx_hash(t, p)]; e; e = e->hnext)
		if (pfx_eq(&e->pfx, p))
			return e;
	return NULL;
}

static int
pfx_grow(struct kroute_nhg *t)
{
	size_t size = t->hsize ? t->hsize * 2 : 64;
	struct nhg_pfx **h = calloc(size, sizeof(*h)), **old = t->hash;
	size_t oldsize = t->hsize;

	if (h == NULL)
		return -1;
	t->hash = h;
	t->hsize = size;
	for (size_t i = 0; i < oldsize; i++)
		for (struct nhg_pfx *e = old[i], *next; e; e = next) {
			size_t b = pfx_hash(t, &e->pfx);

			next = e->hnext;
			e->hnext = h[b];
			h[b] = e;
		}
	free(old);
	return 0;
}

static struct nhg_pfx *
pfx_add(struct kroute_nhg *t, const struct prefix *p)
{
	struct nhg_pfx *e;
	size_t b;

	if (t->npfx >= t->hsize && pfx_grow(t) < 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->pfx = *p;
	e->pend = -1;
	b = pfx_hash(t, p);
	e->hnext = t->hash[b];
	t->hash[b] = e;
	t->npfx++;
	return e;
}

static void
pfx_del(struct kroute_nhg *t, struct nhg_pfx *e)
{
	for (struct nhg_pfx **pp = &t->hash[pfx_hash(t, &e->pfx)]; *pp; pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			free(e);
			t->npfx--;
			return;
		}
}

/* ---- the table ---- */

struct kroute_nhg *
kroute_nhg_new(const struct kroute_nhg_params *p)
{
	struct kroute_nhg *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->p = *p;
	t->first_id = kroute_nhg_id_first(p->protocol);
	t->next_id = t->first_id + 1;
	return t;
}

void
kroute_nhg_free(struct kroute_nhg *t)
{
	if (t == NULL)
		return;
	/* Groups first: a next hop still in a group would leave it on its own. */
	while (t->ngroups)
		group_free(t, t->ngroups - 1, true);
	collect(t);
	for (size_t i = 0; i < t->npend; i++)
		free(t->pend[i].gws);
	free(t->pend);
	for (size_t i = 0; i < t->hsize; i++)
		for (struct nhg_pfx *e = t->hash[i], *next; e; e = next) {
			next = e->hnext;
			free(e);
		}
	free(t->hash);
	free(t->nhs);
	free(t->groups);
	free(t->reserved);
	free(t);
}

int
kroute_nhg_set(struct kroute_nhg *t, const struct prefix *pfx, const struct kroute_gw *gws,
    size_t n)
{
	struct nhg_pfx *e = pfx_find(t, pfx);
	struct nhg_pend *pd;

	if (e == NULL) {
		if (n == 0)
			return 0; /* never named a group */
		e = pfx_add(t, pfx);
		if (e == NULL)
			return -1;
	}
	if (e->pend < 0) {
		if (t->npend == t->pend_cap) {
			size_t cap = t->pend_cap ? t->pend_cap * 2 : 16;
			struct nhg_pend *v = realloc(t->pend, cap * sizeof(*v));

			if (v == NULL)
				return -1;
			t->pend = v;
			t->pend_cap = cap;
		}
		e->pend = (long)t->npend;
		t->pend[t->npend++] = (struct nhg_pend){ .pe = e };
	}
	pd = &t->pend[e->pend];
	free(pd->gws);
	pd->gws = NULL;
	pd->n = 0;
	if (n) {
		pd->gws = malloc(n * sizeof(*gws));
		if (pd->gws == NULL)
			return -1;
		memcpy(pd->gws, gws, n * sizeof(*gws));
		qsort(pd->gws, n, sizeof(*gws), gw_cmp);
		pd->n = n;
	}
	return 0;
}

/* Every prefix of g moves to one new set nobody has: the same group takes it. */
static void
commit_in_place(struct kroute_nhg *t)
{
	for (size_t i = 0; i < t->ngroups; i++) {
		struct nhg_group *g = t->groups[i];

		g->pend = 0;
		g->pend_same = true;
		g->first = NULL;
	}
	for (size_t i = 0; i < t->npend; i++) {
		struct nhg_pend *pd = &t->pend[i];
		struct nhg_group *g = pd->pe->g;

		if (g == NULL)
			continue;
		g->pend++;
		if (g->first == NULL)
			g->first = pd;
		else if (!gws_eq(g->first->gws, g->first->n, pd->gws, pd->n))
			g->pend_same = false;
	}
	for (size_t i = 0; i < t->ngroups; i++) {
		struct nhg_group *g = t->groups[i];
		struct nhg_pend *pd = g->first;

		if (pd == NULL || g->pend != g->refs || !g->pend_same || pd->n == 0 ||
		    gws_eq(g->gws, g->n, pd->gws, pd->n) || group_find(t, pd->gws, pd->n))
			continue;
		if (group_replace(t, g, pd->gws, pd->n) < 0)
			continue;
		for (size_t j = 0; j < t->npend; j++)
			if (t->pend[j].pe->g == g)
				t->pend[j].done = true;
	}
}

void
kroute_nhg_commit(struct kroute_nhg *t)
{
	if (t->npend == 0)
		return;
	commit_in_place(t);
	for (size_t i = 0; i < t->npend; i++) {
		struct nhg_pend *pd = &t->pend[i];
		struct nhg_pfx *e = pd->pe;
		struct nhg_group *g;

		if (pd->done)
			continue;
		if (pd->n == 0) {
			if (e->g)
				e->g->refs--;
			e->g = NULL;
			continue;
		}
		g = group_find(t, pd->gws, pd->n);
		if (g == NULL)
			g = group_create(t, pd->gws, pd->n);
		if (g == NULL) {
			char b[PREFIX_STRLEN];

			log_err("nexthop group for %s: out of memory or ids",
			    prefix_ntop(&e->pfx, b, sizeof(b)));
			continue;
		}
		/* Also when unchanged: a refused add comes back here to be sent again. */
		send_msg(t, kroute_nhg_msg_route(&t->p, &e->pfx, g->id), NHG_OP_ROUTE_ADD, &e->pfx);
		if (e->g != g) {
			g->refs++;
			if (e->g)
				e->g->refs--;
			e->g = g;
		}
	}
	for (size_t i = 0; i < t->npend; i++) {
		struct nhg_pfx *e = t->pend[i].pe;

		free(t->pend[i].gws);
		e->pend = -1;
		if (e->g == NULL)
			pfx_del(t, e);
	}
	t->npend = 0;
	collect(t);
}

bool
kroute_nhg_has(const struct kroute_nhg *t, const struct prefix *pfx)
{
	const struct nhg_pfx *e = pfx_find(t, pfx);

	return e && e->g;
}

void
kroute_nhg_walk(const struct kroute_nhg *t, void (*fn)(void *, const struct prefix *), void *arg)
{
	for (size_t i = 0; i < t->hsize; i++)
		for (const struct nhg_pfx *e = t->hash[i]; e; e = e->hnext)
			if (e->g)
				fn(arg, &e->pfx);
}

void
kroute_nhg_kernel_deleted(struct kroute_nhg *t, uint32_t id,
    void (*fn)(void *, const struct prefix *), void *arg)
{
	for (size_t i = 0; i < t->ngroups; i++) {
		struct nhg_group *g = t->groups[i];

		if (g->id == id) {
			/* Its routes went with it: each prefix is installed anew. */
			for (size_t b = 0; b < t->hsize; b++)
				for (struct nhg_pfx *e = t->hash[b]; e; e = e->hnext)
					if (e->g == g) {
						e->g = NULL;
						fn(arg, &e->pfx);
					}
			group_free(t, i, false);
			return;
		}
	}
	for (size_t i = 0; i < t->nnhs; i++) {
		struct nhg_nh *nh = t->nhs[i];

		if (nh->id != id)
			continue;
		/*
		 * The kernel took it out of every group (and deleted a group
		 * left empty, with its routes): so do we.
		 */
		for (size_t j = 0; j < t->ngroups;) {
			struct nhg_group *g = t->groups[j];
			size_t k, w = 0;
			bool in = false;

			for (k = 0; k < g->n; k++) {
				if (g->members[k] == id) {
					in = true;
					continue;
				}
				g->members[w] = g->members[k];
				g->gws[w++] = g->gws[k];
			}
			g->n = w;
			if (!in) {
				j++;
				continue;
			}
			for (size_t b = 0; b < t->hsize; b++)
				for (struct nhg_pfx *e = t->hash[b]; e; e = e->hnext)
					if (e->g == g) {
						if (w == 0)
							e->g = NULL;
						fn(arg, &e->pfx);
					}
			if (w == 0)
				group_free(t, j, false);
			else
				j++;
		}
		free(nh);
		t->nhs[i] = t->nhs[--t->nnhs];
		return;
	}
}

uint32_t
kroute_nhg_group_of(const struct kroute_nhg *t, const struct prefix *pfx,
    const struct kroute_gw **members, size_t *n)
{
	const struct nhg_pfx *e = pfx_find(t, pfx);

	if (e == NULL || e->g == NULL) {
		*members = NULL;
		*n = 0;
		return 0;
	}
	*members = e->g->gws;
	*n = e->g->n;
	return e->g->id;
}

void
kroute_nhg_get_stats(const struct kroute_nhg *t, struct kroute_nhg_stats *s)
{
	size_t np = 0;

	for (size_t i = 0; i < t->ngroups; i++)
		np += t->groups[i]->refs;
	s->prefixes = np;
	s->groups = t->ngroups;
	s->nexthops = t->nnhs;
	s->replaced = t->replaced;
}
