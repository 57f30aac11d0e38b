/*
 * Advertisement to peers (RFC 4271 9.2, 5.1; RFC 1997 well-known
 * communities; RFC 4724 End-of-RIB after the initial table; RFC 7947 2.2,
 * 2.3 for route-server clients); see adv.h.
 */
#include <stdlib.h>
#include <string.h>

#include "adv.h"
#include "log.h"
#include "policy.h"

#define ADV_CHUNK  4096 /* prefixes looked at per round */
#define ADV_GROUPS 64	/* distinct attribute sets per round */
#define ADV_CACHE  256

struct adv_group {
	const struct bgp_attrs *attrs;
	enum bgp_af af;
	struct prefix *pfx;
	size_t n;
	size_t cap;
};

/* Per-round memo: the exported form of an attribute set (prefix-independent part). */
struct adv_memo {
	const struct bgp_attrs *in;
	bool local;
	const struct bgp_attrs *out; /* NULL: not exportable */
	bool valid;
};

static void
queue_add(struct bgp_peer *p, const struct prefix *pfx)
{
	if (p->advq_len == p->advq_cap) {
		size_t cap = p->advq_cap ? p->advq_cap * 2 : 256;
		struct prefix *n = realloc(p->advq, cap * sizeof(*n));

		if (n == NULL) {
			log_err("peer %s: out of memory queueing an advertisement", p->name);
			return;
		}
		p->advq = n;
		p->advq_cap = cap;
	}
	p->advq[p->advq_len++] = *pfx;
}

/* Export "none", or RFC 8212 on an external session: nothing to queue. */
static bool
exports_anything(const struct bgp_peer *p)
{
	const char *why;

	return policy_describe(p->conf, POLICY_EXPORT, p->ebgp, &why);
}

void
adv_changed(struct bgpd *d, struct rib_entry *e)
{
	int af = bgp_af_from_family(e->pfx.addr.family);

	if (af < 0)
		return;
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if (p->fsm.state == BGP_ESTABLISHED && p->ctx.af[af] && exports_anything(p))
			queue_add(p, &e->pfx);
	}
}

struct full_walk {
	struct bgp_peer *p;
	int af; /* -1: all negotiated */
};

static bool
queue_entry(struct rib_entry *e, void *arg)
{
	struct full_walk *fw = arg;
	int af = bgp_af_from_family(e->pfx.addr.family);

	if (af < 0 || !fw->p->ctx.af[af] || (fw->af >= 0 && af != fw->af))
		return true;
	if (rib_best(e))
		queue_add(fw->p, &e->pfx);
	return true;
}

void
adv_peer_up(struct bgp_peer *p)
{
	struct full_walk fw = { p, -1 };

	p->advq_len = p->advq_pos = 0;
	if (exports_anything(p))
		rib_walk(p->d->rib, queue_entry, &fw);
	for (int af = 0; af < BGP_AF_COUNT; af++)
		p->eor_pending[af] = p->ctx.af[af];
	memset(p->eor_sent, 0, sizeof(p->eor_sent));
	memset(p->eor_received, 0, sizeof(p->eor_received));
}

void
adv_peer_down(struct bgp_peer *p)
{
	free(p->advq);
	p->advq = NULL;
	p->advq_len = p->advq_cap = p->advq_pos = 0;
	memset(p->eor_pending, 0, sizeof(p->eor_pending));
	memset(p->eor_sent, 0, sizeof(p->eor_sent));
	memset(p->eor_received, 0, sizeof(p->eor_received));
	rib_out_clear(p->d->rib, p);
}

static bool
forget_out(struct rib_entry *e, void *arg)
{
	struct full_walk *fw = arg;

	if (bgp_af_from_family(e->pfx.addr.family) == fw->af && rib_out_get(e, fw->p))
		rib_out_set(fw->p->d->rib, e, fw->p, NULL);
	return true;
}

void
adv_refresh(struct bgp_peer *p, enum bgp_af af)
{
	struct full_walk fw = { p, (int)af };

	/* Forget what was sent so that everything goes out again. */
	rib_walk(p->d->rib, forget_out, &fw);
	if (exports_anything(p))
		rib_walk(p->d->rib, queue_entry, &fw);
	p->eor_pending[af] = true;
}

/* Our own address towards the peer for NLRI of af (next hop self). */
static bool
nexthop_self(struct bgp_peer *p, enum bgp_af af, struct ipaddr *nh)
{
	int fam = bgp_af_family(af);

	if (p->conn && p->conn->local.family == fam) {
		*nh = p->conn->local;
		return true;
	}
	if (fam == AF_INET && p->conf->next_hop_v4.family) {
		*nh = p->conf->next_hop_v4;
		return true;
	}
	if (fam == AF_INET6 && p->conf->next_hop_v6.family) {
		*nh = p->conf->next_hop_v6;
		return true;
	}
	return false;
}

/* The prefix-independent part of export: rules and rewrites. NULL: not exported. */
static const struct bgp_attrs *
export_attrs(struct bgp_peer *p, const struct rib_path *best, enum bgp_af af)
{
	struct bgpd *d = p->d;
	const struct bgp_attrs *in = best->attrs;
	struct bgp_attrs out;
	const struct bgp_attrs *ia;

	if (bgp_attrs_community_has(in, BGP_COMM_NO_ADVERTISE))
		return NULL;
	if (p->ebgp &&
	    (bgp_attrs_community_has(in, BGP_COMM_NO_EXPORT) ||
		bgp_attrs_community_has(in, BGP_COMM_NO_EXPORT_SUBCONFED)))
		return NULL;
	bgp_attrs_init(&out);
	if (bgp_attrs_copy(&out, in) < 0)
		return NULL;
	if (p->conf->route_server_client && !best->src->local) {
		/*
		 * RFC 7947 2.2, 2.3: a route server is not in the path. Its AS
		 * is not prepended and NEXT_HOP, MED and communities go on as
		 * received; only LOCAL_PREF stays inside our AS (5.1.5).
		 */
		if (p->ebgp) {
			out.present &= ~BGP_ATTRS_LOCAL_PREF;
			out.local_pref = 0;
		} else if (!(out.present & BGP_ATTRS_LOCAL_PREF)) {
			out.present |= BGP_ATTRS_LOCAL_PREF;
			out.local_pref = 100;
		}
	} else if (p->ebgp) {
		/* RFC 4271 5.1.2, 5.1.3, 5.1.4, 5.1.5. */
		if (bgp_attrs_prepend(&out, d->cfg.asn, 1) < 0)
			goto drop;
		if (!nexthop_self(p, af, &out.nexthop))
			goto drop;
		memset(&out.nexthop_ll, 0, sizeof(out.nexthop_ll));
		out.present |= BGP_ATTRS_NEXT_HOP;
		out.present &= ~BGP_ATTRS_LOCAL_PREF;
		out.local_pref = 0;
		if (!best->src->local) {
			out.present &= ~BGP_ATTRS_MED;
			out.med = 0;
		}
	} else {
		if (!(out.present & BGP_ATTRS_LOCAL_PREF)) {
			out.present |= BGP_ATTRS_LOCAL_PREF;
			out.local_pref = 100;
		}
		if (best->src->local || p->conf->next_hop_self) {
			if (!nexthop_self(p, af, &out.nexthop))
				goto drop;
			memset(&out.nexthop_ll, 0, sizeof(out.nexthop_ll));
			out.present |= BGP_ATTRS_NEXT_HOP;
		}
	}
	if (!(out.present & BGP_ATTRS_ORIGIN)) {
		out.origin = BGP_ORIGIN_IGP;
		out.present |= BGP_ATTRS_ORIGIN;
	}
	out.present |= BGP_ATTRS_AS_PATH;
	ia = bgp_attr_intern(rib_attr_table(d->rib), &out);
	bgp_attrs_clear(&out);
	return ia;
drop:
	bgp_attrs_clear(&out);
	return NULL;
}

static const struct bgp_attrs *
export_entry(struct bgp_peer *p, struct rib_entry *e, struct adv_memo *memo)
{
	struct rib_path *best = rib_best(e);
	int af = bgp_af_from_family(e->pfx.addr.family);
	const struct bgp_attrs *base, *res;
	struct bgp_attrs mod;
	enum policy_verdict v;

	if (best == NULL || af < 0 || !p->ctx.af[af])
		return NULL;
	if (best->src == &p->src)
		return NULL; /* not back to where it came from */
	if (!best->src->local && !best->src->ebgp && !p->ebgp && !p->conf->route_server_client)
		return NULL; /* RFC 4271 9.2: internal to internal, but for a route server */
	if (memo) {
		size_t h = (((uintptr_t)best->attrs >> 4) ^ best->src->local ^ (size_t)af) %
		    ADV_CACHE;

		if (memo[h].valid && memo[h].in == best->attrs &&
		    memo[h].local == best->src->local) {
			base = memo[h].out ? bgp_attr_ref(memo[h].out) : NULL;
		} else {
			base = export_attrs(p, best, (enum bgp_af)af);
			if (memo[h].valid)
				bgp_attr_unref(rib_attr_table(p->d->rib), memo[h].out);
			memo[h].valid = true;
			memo[h].in = best->attrs;
			memo[h].local = best->src->local;
			memo[h].out = base ? bgp_attr_ref(base) : NULL;
		}
	} else {
		base = export_attrs(p, best, (enum bgp_af)af);
	}
	if (base == NULL)
		return NULL;
	bgp_attrs_init(&mod);
	v = policy_apply(p->conf, POLICY_EXPORT, p->ebgp, &e->pfx, base, p->d->cfg.asn, &mod);
	switch (v) {
	case POLICY_REJECT:
		bgp_attr_unref(rib_attr_table(p->d->rib), base);
		return NULL;
	case POLICY_ACCEPT:
		return base;
	case POLICY_MODIFIED:
	default:
		res = bgp_attr_intern(rib_attr_table(p->d->rib), &mod);
		bgp_attrs_clear(&mod);
		bgp_attr_unref(rib_attr_table(p->d->rib), base);
		return res;
	}
}

const struct bgp_attrs *
adv_export(struct bgp_peer *p, struct rib_entry *e)
{
	return export_entry(p, e, NULL);
}

static void
group_add(struct adv_group *g, const struct prefix *pfx)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct prefix *n = realloc(g->pfx, cap * sizeof(*n));

		if (n == NULL)
			return;
		g->pfx = n;
		g->cap = cap;
	}
	g->pfx[g->n++] = *pfx;
}

static void
send_withdraw(struct bgp_peer *p, struct adv_group *w)
{
	uint8_t buf[BGP_MAX_MSG];
	size_t i = 0;

	while (i < w->n) {
		struct wire_wr wr;
		long took;

		wire_wr_init(&wr, buf, sizeof(buf));
		took = bgp_update_write_withdraw(&wr, &p->ctx, w->af, w->pfx + i, w->n - i);
		if (took <= 0)
			break;
		if (session_send(p, buf, wr.len) < 0)
			break;
		p->st.updates_out++;
		p->st.withdrawals_out += (uint64_t)took;
		i += (size_t)took;
	}
	w->n = 0;
}

static void
send_announce(struct bgp_peer *p, struct adv_group *g)
{
	uint8_t buf[BGP_MAX_MSG];
	size_t i = 0;

	while (i < g->n) {
		struct wire_wr wr;
		long took;

		wire_wr_init(&wr, buf, sizeof(buf));
		took = bgp_update_write_announce(&wr, &p->ctx, g->attrs, g->af, g->pfx + i,
		    g->n - i);
		if (took <= 0) {
			log_err("peer %s: an UPDATE does not fit with these attributes", p->name);
			break;
		}
		if (session_send(p, buf, wr.len) < 0)
			break;
		p->st.updates_out++;
		p->st.prefixes_out += (uint64_t)took;
		i += (size_t)took;
	}
	g->n = 0;
}

static void
send_eor(struct bgp_peer *p, enum bgp_af af)
{
	uint8_t buf[64];
	struct wire_wr wr;

	wire_wr_init(&wr, buf, sizeof(buf));
	if (bgp_update_write_eor(&wr, af) == 0 && session_send(p, buf, wr.len) == 0) {
		p->st.updates_out++;
		p->eor_sent[af] = true;
	}
}

bool
adv_flush(struct bgp_peer *p)
{
	struct rib *rib = p->d->rib;
	struct bgp_attr_table *at = rib_attr_table(rib);
	struct adv_memo *memo;
	struct adv_group groups[ADV_GROUPS], wd[BGP_AF_COUNT];
	size_t ngroups = 0;

	if (p->fsm.state != BGP_ESTABLISHED)
		return true;
	memo = calloc(ADV_CACHE, sizeof(*memo));
	if (memo == NULL)
		return false;
	memset(groups, 0, sizeof(groups));
	memset(wd, 0, sizeof(wd));
	for (int af = 0; af < BGP_AF_COUNT; af++)
		wd[af].af = (enum bgp_af)af;
	while (p->advq_pos < p->advq_len && !session_write_busy(p) &&
	    p->fsm.state == BGP_ESTABLISHED) {
		size_t end = p->advq_pos + ADV_CHUNK;

		if (end > p->advq_len)
			end = p->advq_len;
		for (; p->advq_pos < end; p->advq_pos++) {
			const struct prefix *pfx = &p->advq[p->advq_pos];
			struct rib_entry *e = rib_lookup(rib, pfx);
			const struct bgp_attrs *now, *was;
			int af = bgp_af_from_family(pfx->addr.family);
			size_t g;

			if (af < 0)
				continue;
			now = e ? export_entry(p, e, memo) : NULL;
			was = e ? rib_out_get(e, p) : NULL;
			if (now == was) {
				bgp_attr_unref(at, now);
				continue;
			}
			if (now == NULL) {
				group_add(&wd[af], pfx);
				rib_out_set(rib, e, p, NULL);
				rib_gc_entry(rib, e);
				continue;
			}
			for (g = 0; g < ngroups; g++)
				if (groups[g].attrs == now && groups[g].af == (enum bgp_af)af)
					break;
			if (g == ngroups) {
				if (ngroups == ADV_GROUPS) {
					/* Full: send what we have, start over. */
					for (int a = 0; a < BGP_AF_COUNT; a++)
						send_withdraw(p, &wd[a]);
					for (size_t k = 0; k < ngroups; k++) {
						send_announce(p, &groups[k]);
						bgp_attr_unref(at, groups[k].attrs);
						groups[k].attrs = NULL;
					}
					ngroups = 0;
					g = 0;
				}
				groups[g].attrs = bgp_attr_ref(now);
				groups[g].af = (enum bgp_af)af;
				groups[g].n = 0;
				ngroups++;
			}
			group_add(&groups[g], pfx);
			rib_out_set(rib, e, p, now);
			bgp_attr_unref(at, now);
		}
		/* Withdrawals first, promptly; then the announcements, grouped. */
		for (int a = 0; a < BGP_AF_COUNT; a++)
			send_withdraw(p, &wd[a]);
		for (size_t k = 0; k < ngroups; k++) {
			send_announce(p, &groups[k]);
			bgp_attr_unref(at, groups[k].attrs);
			groups[k].attrs = NULL;
		}
		ngroups = 0;
	}
	for (size_t k = 0; k < ADV_GROUPS; k++)
		free(groups[k].pfx);
	for (int a = 0; a < BGP_AF_COUNT; a++)
		free(wd[a].pfx);
	for (size_t i = 0; i < ADV_CACHE; i++)
		if (memo[i].valid)
			bgp_attr_unref(at, memo[i].out);
	free(memo);
	if (p->advq_pos < p->advq_len)
		return false;
	p->advq_len = p->advq_pos = 0;
	if (p->fsm.state == BGP_ESTABLISHED)
		for (int af = 0; af < BGP_AF_COUNT; af++)
			if (p->eor_pending[af]) {
				p->eor_pending[af] = false;
				send_eor(p, (enum bgp_af)af);
			}
	return true;
}
