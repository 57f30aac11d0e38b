/*
 * The import pipeline: what happens to an UPDATE from an Established peer,
 * one function per stage, run in this order:
 *   1. treat-as-withdraw decisions (RFC 7606: the decoder says which; the
 *      UPDATE's routes are then withdrawn), routes of a family not
 *      negotiated (ignored, logged once per session) and End-of-RIB;
 *   2. withdrawals: through damping (a suppressed route's withdrawal is
 *      recorded, RFC 2439 4.8.3), then out of the RIB;
 *   3. a NEXT_HOP that is one of our own addresses (RFC 4271 5.1.3 (a), 6.3:
 *      semantically incorrect, the route ignored: not in the RIB, and a
 *      previous route for the prefix from this peer gone; no NOTIFICATION);
 *      then import policy (policy.c) and RFC 8326 graceful shutdown;
 *   4. route flap damping (damping.c, RFC 2439): a suppressed route is kept
 *      out of the RIB, and put back by the peer's reuse timer;
 *   5. the RIB (Adj-RIB-In);
 *   6. the peer's maximum prefix count (RFC 4486 Cease subcode 1, with the
 *      AFI/SAFI and the limit as data).
 * session.c reads the message and calls import_update(), then
 * import_max_prefixes(); op_down calls import_peer_down().
 */
#include <stdio.h>
#include <string.h>

#include "bgpd.h"
#include "damping.h"
#include "kroute.h"
#include "log.h"
#include "policy.h"

#define REJECT_LOG_FIRST 10   /* rejected routes of a peer logged one by one */
#define REJECT_LOG_EVERY 1000 /* then every this many */

static void damp_timer_cb(struct ev_loop *, struct ev_timer *);

int
import_peer_init(struct bgp_peer *p)
{
	const struct bgp_damping_config *dc = &p->conf->damping;
	struct damping_params dp;

	ev_timer_init(&p->damp_timer, damp_timer_cb, p);
	p->last_af = -1;
	if (!dc->enabled)
		return 0;
	dp.suppress = dc->suppress;
	dp.reuse = dc->reuse;
	dp.half_life_s = dc->half_life_s;
	dp.max_suppress_s = dc->max_suppress_s;
	dp.withdraw_penalty = dc->withdraw_penalty;
	dp.change_penalty = dc->change_penalty;
	p->damping = damping_new(&dp);
	return p->damping ? 0 : -1;
}

void
import_peer_free(struct bgp_peer *p)
{
	ev_timer_stop(p->d->loop, &p->damp_timer);
	damping_free(p->damping);
	p->damping = NULL;
}

/* ---- stage 4's timer: suppressed routes whose penalty decayed ---- */

static void
damp_schedule(struct bgp_peer *p)
{
	uint64_t now = ev_now_us(p->d->loop), next;

	if (p->damping == NULL)
		return;
	next = damping_next_reuse_us(p->damping, now);
	if (next == 0) {
		ev_timer_stop(p->d->loop, &p->damp_timer);
		return;
	}
	ev_timer_start(p->d->loop, &p->damp_timer, next > now ? next - now : 0);
}

static void
reuse_route(void *arg, const struct prefix *pfx, const struct bgp_attrs *a)
{
	struct bgp_peer *p = arg;
	char pb[PREFIX_STRLEN];

	log_info("peer %s: %s no longer suppressed (route flap damping), back in the RIB", p->name,
	    prefix_ntop(pfx, pb, sizeof(pb)));
	if (p->fsm.state == BGP_ESTABLISHED)
		rib_update(p->d->rib, pfx, &p->src, a);
}

static void
damp_timer_cb(struct ev_loop *loop, struct ev_timer *t)
{
	struct bgp_peer *p = t->arg;

	(void)loop;
	if (damping_reuse(p->damping, ev_now_us(p->d->loop), reuse_route, p))
		bgpd_schedule_flush(p->d);
	damp_schedule(p);
}

/* ---- stages ---- */

/* 1. Decode; RFC 7606 decisions; End-of-RIB. -1: session reset. */
static int
stage_decode(struct bgp_peer *p, const uint8_t *msg, size_t len, struct bgp_update *upd,
    struct bgp_err *err)
{
	if (bgp_update_decode(msg, len, &p->ctx, upd, err) < 0)
		return -1;
	if (upd->action != BGP_ACT_NONE) {
		struct strbuf sb = STRBUF_INIT;

		bgp_err_describe(&sb, err);
		log_remote("peer %s: UPDATE: %s", p->name, sb_str(&sb));
		sb_free(&sb);
		if (upd->action == BGP_ACT_WITHDRAW)
			p->st.treat_as_withdraw++;
	}
	if (upd->unnegotiated) {
		/* Ignored, the session kept; logged once per session, counted. */
		p->st.unnegotiated_in++;
		if (!p->unnegotiated_logged)
			log_remote("peer %s: UPDATE with routes of AFI %u SAFI %u, a family not "
				   "negotiated on this session: ignored (logged once per session)",
			    p->name, upd->unnegotiated_afi, upd->unnegotiated_safi);
		p->unnegotiated_logged = true;
	}
	if (upd->eor && upd->eor_af >= 0 && upd->eor_af < BGP_AF_COUNT)
		p->eor_received[upd->eor_af] = true;
	return 0;
}

/* 2. Withdrawn routes (and those of a treat-as-withdraw UPDATE). */
static void
stage_withdraw(struct bgp_peer *p, const struct bgp_update *upd)
{
	struct bgp_nlri_iter it;
	struct prefix pfx;
	enum bgp_af af;
	uint64_t now = ev_now_us(p->d->loop);

	bgp_update_withdrawn(upd, &it);
	while (bgp_nlri_iter_next(&it, &pfx, &af)) {
		p->st.withdrawals_in++;
		if (p->damping)
			damping_withdraw(p->damping, &pfx, now);
		rib_withdraw(p->d->rib, &pfx, &p->src);
	}
}

/*
 * 3. Import policy, then RFC 8326: a route in graceful shutdown is the last
 * resort. The verdict; with POLICY_MODIFIED, *mod holds the route.
 */
static enum policy_verdict
stage_policy(struct bgp_peer *p, const struct prefix *pfx, const struct bgp_attrs *ia,
    struct bgp_attrs *mod)
{
	enum policy_verdict v;

	bgp_attrs_init(mod);
	v = policy_apply(p->conf, POLICY_IMPORT, p->ebgp, pfx, ia, bgp_aspath_first_as(ia->aspath),
	    mod);
	if (v != POLICY_REJECT && p->d->cfg.honour_graceful_shutdown &&
	    bgp_attrs_community_has(v == POLICY_MODIFIED ? mod : ia, BGP_COMM_GRACEFUL_SHUTDOWN)) {
		if (v == POLICY_ACCEPT && bgp_attrs_copy(mod, ia) < 0)
			return POLICY_REJECT;
		mod->local_pref = 0;
		mod->present |= BGP_ATTRS_LOCAL_PREF;
		v = POLICY_MODIFIED;
	}
	return v;
}

/*
 * A route the import policy rejected, in the log: the first few of a peer
 * each, then every 1000th with the count, so that a peer sending a full
 * table into a filter cannot flood the log (the count is in `peers`).
 */
static void
log_rejected(const struct bgp_peer *p, const struct prefix *pfx)
{
	char pb[PREFIX_STRLEN];
	uint64_t n = p->st.rejected_in;

	if (n > REJECT_LOG_FIRST && n % REJECT_LOG_EVERY != 0)
		return;
	log_info("peer %s: %s rejected by the import policy (%llu rejected from this peer%s)",
	    p->name, prefix_ntop(pfx, pb, sizeof(pb)), (unsigned long long)n,
	    n == REJECT_LOG_FIRST ? "; from now on every 1000th is logged" : "");
}

/*
 * 3. RFC 4271 5.1.3 (a) and 6.3: a NEXT_HOP (for IPv6 the global one of
 * MP_REACH_NLRI, RFC 4760 3) that is the receiving speaker's own address.
 * Ours are the session's local address and every address of the namespace
 * (kroute.c reads them from the kernel's local table).
 */
static bool
nexthop_is_ours(const struct bgp_peer *p, const struct ipaddr *nh)
{
	if (nh->family == 0)
		return false;
	if (p->conn && ipaddr_eq(&p->conn->local, nh))
		return true;
	return kroute_is_local(p->d->kr, nh);
}

/* 4. Damping: whether the route may go into the RIB. */
static bool
stage_damping(struct bgp_peer *p, const struct prefix *pfx, const struct bgp_attrs *a)
{
	char pb[PREFIX_STRLEN];
	struct damping_info in;

	if (p->damping == NULL)
		return true;
	if (damping_announce(p->damping, pfx, a, ev_now_us(p->d->loop)) != DAMP_SUPPRESS)
		return true;
	if (damping_lookup(p->damping, pfx, ev_now_us(p->d->loop), &in))
		log_info("peer %s: %s suppressed (route flap damping, penalty %.0f, reuse in "
			 "%.0f s)",
		    p->name, prefix_ntop(pfx, pb, sizeof(pb)), in.penalty, in.reuse_s);
	return false;
}

/* 5. The Adj-RIB-In. */
static void
stage_rib(struct bgp_peer *p, const struct prefix *pfx, const struct bgp_attrs *a)
{
	if (a == NULL)
		rib_withdraw(p->d->rib, pfx, &p->src);
	else
		rib_update(p->d->rib, pfx, &p->src, a);
}

static void
stage_announced(struct bgp_peer *p, struct bgp_update *upd)
{
	struct rib *rib = p->d->rib;
	struct bgp_nlri_iter it;
	struct prefix pfx;
	enum bgp_af af;
	int cur_af = -1;
	const struct bgp_attrs *ia = NULL;
	bool self_nh = false, self_logged = false;

	bgp_update_announced(upd, &it);
	while (bgp_nlri_iter_next(&it, &pfx, &af)) {
		struct bgp_attrs mod;
		enum policy_verdict v;
		const struct bgp_attrs *a;

		p->st.prefixes_in++;
		if ((int)af != cur_af) {
			bgp_attr_unref(rib_attr_table(rib), ia);
			bgp_update_attrs_for(upd, af);
			ia = bgp_attr_intern(rib_attr_table(rib), &upd->attrs);
			cur_af = (int)af;
			if (ia == NULL)
				break;
			self_nh = nexthop_is_ours(p, &ia->nexthop);
		}
		p->last_af = (int)af;
		if (self_nh) {
			char nb[IPADDR_STRLEN], pb[PREFIX_STRLEN];

			p->st.nexthop_self_in++;
			if (!self_logged)
				log_remote(
				    "peer %s: %s with NEXT_HOP %s, one of our own addresses: "
				    "route ignored (RFC 4271 6.3)",
				    p->name, prefix_ntop(&pfx, pb, sizeof(pb)),
				    ipaddr_ntop(&ia->nexthop, nb, sizeof(nb)));
			self_logged = true;
			if (p->damping)
				damping_withdraw(p->damping, &pfx, ev_now_us(p->d->loop));
			stage_rib(p, &pfx, NULL);
			continue;
		}
		v = stage_policy(p, &pfx, ia, &mod);
		if (v == POLICY_REJECT) {
			p->st.rejected_in++;
			log_rejected(p, &pfx);
			/* A rejected route is not in the RIB; for damping it is withdrawn. */
			if (p->damping)
				damping_withdraw(p->damping, &pfx, ev_now_us(p->d->loop));
			stage_rib(p, &pfx, NULL);
			continue;
		}
		a = v == POLICY_MODIFIED ? &mod : ia;
		stage_rib(p, &pfx, stage_damping(p, &pfx, a) ? a : NULL);
		if (v == POLICY_MODIFIED)
			bgp_attrs_clear(&mod);
	}
	bgp_attr_unref(rib_attr_table(rib), ia);
}

int
import_update(struct bgp_peer *p, const uint8_t *msg, size_t len, struct bgp_err *err)
{
	struct bgp_update upd;

	memset(&upd, 0, sizeof(upd));
	if (stage_decode(p, msg, len, &upd, err) < 0) {
		bgp_update_clear(&upd);
		return -1;
	}
	stage_withdraw(p, &upd);
	stage_announced(p, &upd);
	bgp_update_clear(&upd);
	damp_schedule(p);
	bgpd_schedule_flush(p->d);
	return 0;
}

/* 6. RFC 4486: Cease, subcode 1, data AFI (2), SAFI (1), the limit (4). */
bool
import_max_prefixes(struct bgp_peer *p, char *why, size_t whylen)
{
	uint32_t limit = p->max_prefixes;
	enum bgp_af af = p->last_af >= 0 ? (enum bgp_af)p->last_af : BGP_AF_IPV4_UNICAST;
	uint16_t afi = bgp_af_afi(af);

	if (limit == 0 || p->src.npaths <= limit || p->fsm.state != BGP_ESTABLISHED)
		return false;
	p->max_prefix_data[0] = (uint8_t)(afi >> 8);
	p->max_prefix_data[1] = (uint8_t)afi;
	p->max_prefix_data[2] = bgp_af_safi(af);
	p->max_prefix_data[3] = (uint8_t)(limit >> 24);
	p->max_prefix_data[4] = (uint8_t)(limit >> 16);
	p->max_prefix_data[5] = (uint8_t)(limit >> 8);
	p->max_prefix_data[6] = (uint8_t)limit;
	p->fsm.err_code = BGP_ERR_CEASE;
	p->fsm.err_subcode = BGP_ERR_CEASE_MAX_PREFIX;
	p->fsm.err_data = p->max_prefix_data;
	p->fsm.err_len = sizeof(p->max_prefix_data);
	p->max_prefix_down = true;
	snprintf(why, whylen, "maximum prefix count %u exceeded (%u, last in %s)", limit,
	    p->src.npaths, bgp_af_name(af));
	return true;
}

void
import_peer_down(struct bgp_peer *p)
{
	if (p->damping == NULL)
		return;
	damping_withdraw_all(p->damping, ev_now_us(p->d->loop));
	damp_schedule(p);
}
