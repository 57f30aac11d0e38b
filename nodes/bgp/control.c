/*
 * Control commands (see control.h): a table of commands, each writing one
 * JSON document. Peers as Get-BgpStatistics shows them (state, uptime,
 * messages and updates in/out, last error, policy), routes as
 * Get-BgpRouteInformation does (prefix, next hop, learned-from peer, best
 * and multipath flags, LOCAL_PREF, MED, AS path, communities, origin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "damping.h"
#include "ctl.h"
#include "decision.h"
#include "detect.h"
#include "kroute.h"
#include "log.h"
#include "origin.h"
#include "policy.h"

#define CTL_ROUTES_MAX 100000 /* paths listed by one "routes" answer */

struct ctl_cmd {
	const char *name;
	int min_args;
	int max_args;
	void (*fn)(struct bgpd *, int, char **, struct strbuf *);
	const char *usage;
};

static void
json_ip(struct strbuf *sb, const struct ipaddr *a)
{
	char b[IPADDR_STRLEN];

	if (a->family == 0)
		sb_puts(sb, "null");
	else
		sb_json_str(sb, ipaddr_ntop(a, b, sizeof(b)));
}

static void
json_id(struct strbuf *sb, uint32_t id)
{
	sb_printf(sb, "\"%u.%u.%u.%u\"", id >> 24, (id >> 16) & 255, (id >> 8) & 255, id & 255);
}

static long
rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static long
hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static size_t
count_established(struct bgpd *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->fsm.state == BGP_ESTABLISHED)
			n++;
	return n;
}

static void
cmd_status(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct kroute_stats ks = { 0 };
	char id[IPADDR_STRLEN];

	if (d->kr)
		kroute_get_stats(d->kr, &ks);
	sb_puts(out, "{\"daemon\":\"anybgpd\",\"node\":");
	sb_json_str(out, d->node ? d->node : "");
	sb_printf(out, ",\"pid\":%ld,\"asn\":%u,\"router_id\":", (long)getpid(), d->cfg.asn);
	sb_json_str(out, ipaddr_ntop(&d->cfg.router_id, id, sizeof(id)));
	sb_printf(out, ",\"uptime\":%.3f,\"peers\":%zu,\"established\":%zu",
	    (double)(ev_now_us(d->loop) - d->start_us) / 1e6, d->npeers, count_established(d));
	sb_printf(out,
	    ",\"kernel_routes\":%llu,\"kernel_install\":%s,\"kernel_table\":%u,"
	    "\"kernel_protocol\":%u,\"pending\":%s",
	    (unsigned long long)ks.installed, d->cfg.kernel_install ? "true" : "false",
	    d->cfg.kernel_table, d->cfg.kernel_protocol, rib_pending(d->rib) ? "true" : "false");
	/* The FIB mode asked for, the one in use, and why they differ. */
	sb_printf(out, ",\"fib\":{\"configured\":\"%s\",\"mode\":\"%s\",\"fallback\":",
	    bgp_fib_mode_name(d->cfg.fib.mode), ks.fib ? ks.fib : "hash");
	if (ks.fib_fallback)
		sb_json_str(out, ks.fib_fallback);
	else
		sb_puts(out, "null");
	sb_printf(out, ",\"groups\":%llu,\"nexthops\":%llu}", (unsigned long long)ks.nh_groups,
	    (unsigned long long)ks.nh_objects);
	{
		const char *why;
		bool conv = bgpd_converged(d, &why);
		char pb[PREFIX_STRLEN];
		bool first = true;

		sb_printf(out,
		    ",\"converged\":%s,\"not_converged_because\":", conv ? "true" : "false");
		sb_json_str(out, why);
		sb_puts(out, ",\"drained\":[");
		for (size_t i = 0; i < d->norigins; i++)
			if (d->origins[i].drained || (d->origins[i].hold & ORIGIN_HOLD_DRAIN)) {
				sb_printf(out, "%s\"%s\"", first ? "" : ",",
				    prefix_ntop(&d->origins[i].pfx, pb, sizeof(pb)));
				first = false;
			}
		sb_puts(out, "]");
		origin_json(d, out);
		sb_printf(out, ",\"shutting_down\":%s}", d->shutting_down ? "true" : "false");
	}
}

static void
peer_json(struct bgpd *d, struct bgp_peer *p, struct strbuf *out)
{
	const char *imp, *exp;
	bool imp_ok = policy_describe(p->conf, POLICY_IMPORT, p->ebgp, &imp);
	bool exp_ok = policy_describe(p->conf, POLICY_EXPORT, p->ebgp, &exp);
	uint64_t now = ev_now_us(d->loop);
	bool est = p->fsm.state == BGP_ESTABLISHED;

	sb_puts(out, "{\"address\":");
	json_ip(out, &p->conf->addr);
	sb_printf(out, ",\"asn\":%u,\"type\":\"%s\",\"description\":", p->conf->asn,
	    p->ebgp ? "external" : "internal");
	sb_json_str(out, p->conf->description ? p->conf->description : "");
	sb_puts(out, ",\"state\":");
	sb_json_str(out, bgp_state_name(p->fsm.state));
	sb_printf(out, ",\"state_for\":%.3f", (double)(now - p->state_since_us) / 1e6);
	if (est)
		sb_printf(out, ",\"uptime\":%.3f", (double)(now - p->state_since_us) / 1e6);
	else
		sb_puts(out, ",\"uptime\":null");
	sb_puts(out, ",\"local_address\":");
	if (p->conn && p->conn->fd >= 0)
		json_ip(out, &p->conn->local);
	else
		sb_puts(out, "null");
	sb_puts(out, ",\"router_id\":");
	if (p->remote_id)
		json_id(out, p->remote_id);
	else
		sb_puts(out, "null");
	sb_printf(out,
	    ",\"passive\":%s,\"hold_time\":%u,\"keepalive\":%u,"
	    "\"hold_time_configured\":%u",
	    p->conf->passive ? "true" : "false", est ? p->fsm.hold : 0, est ? p->fsm.keepalive : 0,
	    p->conf->hold_time);
	sb_puts(out, ",\"families\":[");
	if (est) {
		bool first = true;

		for (int af = 0; af < BGP_AF_COUNT; af++)
			if (p->ctx.af[af]) {
				sb_printf(out, "%s\"%s\"", first ? "" : ",",
				    bgp_af_name((enum bgp_af)af));
				first = false;
			}
	}
	sb_printf(out, "],\"route_refresh\":%s,\"as4\":%s", est && p->refresh ? "true" : "false",
	    est && p->ctx.as4 ? "true" : "false");
	sb_printf(out,
	    ",\"messages_in\":%llu,\"messages_out\":%llu,\"updates_in\":%llu,"
	    "\"updates_out\":%llu,\"keepalives_in\":%llu,\"keepalives_out\":%llu,"
	    "\"notifications_in\":%llu,\"notifications_out\":%llu,\"refresh_in\":%llu,"
	    "\"refresh_out\":%llu,\"prefixes_received\":%u,\"prefixes_in_total\":%llu,"
	    "\"withdrawals_in\":%llu,\"prefixes_out_total\":%llu,\"withdrawals_out\":%llu,"
	    "\"rejected_by_policy\":%llu,\"treat_as_withdraw\":%llu,\"unnegotiated_in\":%llu,"
	    "\"nexthop_self_in\":%llu,\"established_count\":%u,\"flaps\":%u,\"max_prefixes\":%u",
	    (unsigned long long)p->st.msgs_in, (unsigned long long)p->st.msgs_out,
	    (unsigned long long)p->st.updates_in, (unsigned long long)p->st.updates_out,
	    (unsigned long long)p->st.keepalives_in, (unsigned long long)p->st.keepalives_out,
	    (unsigned long long)p->st.notifications_in, (unsigned long long)p->st.notifications_out,
	    (unsigned long long)p->st.refresh_in, (unsigned long long)p->st.refresh_out,
	    p->src.npaths, (unsigned long long)p->st.prefixes_in,
	    (unsigned long long)p->st.withdrawals_in, (unsigned long long)p->st.prefixes_out,
	    (unsigned long long)p->st.withdrawals_out, (unsigned long long)p->st.rejected_in,
	    (unsigned long long)p->st.treat_as_withdraw, (unsigned long long)p->st.unnegotiated_in,
	    (unsigned long long)p->st.nexthop_self_in, p->st.established, p->st.flaps,
	    p->max_prefixes);
	sb_puts(out, ",\"last_error\":");
	sb_json_str(out, p->last_error);
	/* RFC 4486: down because of the prefix limit, and when it comes back. */
	sb_printf(out, ",\"max_prefixes_restart_s\":%u,\"max_prefixes_exceeded\":%s",
	    p->conf->max_prefixes_restart_s, p->max_prefix_down && !est ? "true" : "false");
	sb_puts(out, ",\"max_prefixes_restart_in_s\":");
	if (p->max_prefix_down && !est && session_backoff_left(p) > 0)
		sb_printf(out, "%.3f", session_backoff_left(p));
	else
		sb_puts(out, "null");
	sb_printf(out, ",\"damping\":%s", p->damping ? "true" : "false");
	if (p->damping)
		sb_printf(out, ",\"damping_histories\":%zu,\"damping_suppressed\":%zu",
		    damping_count(p->damping), damping_suppressed(p->damping));
	sb_printf(out, ",\"backoff_s\":%.3f,\"backoff_next_s\":%u,\"backoff_reason\":",
	    session_backoff_left(p), p->fsm.idle_hold);
	sb_json_str(out, session_backoff_left(p) > 0 ? p->backoff_reason : "");
	sb_printf(out, ",\"in_sync\":%s,\"graceful_restart\":%s,\"eor_received\":[",
	    session_in_sync(p) ? "true" : "false", est && p->peer_gr ? "true" : "false");
	for (int af = 0, n = 0; est && af < BGP_AF_COUNT; af++)
		if (p->ctx.af[af] && p->eor_received[af])
			sb_printf(out, "%s\"%s\"", n++ ? "," : "", bgp_af_name(af));
	sb_printf(out, "],\"bfd\":%s,\"bfd_strict\":%s", p->bfd_enabled ? "true" : "false",
	    p->bfd_strict ? "true" : "false");
	sb_printf(out,
	    ",\"ttl_security\":%s,\"gtsm_refused\":%llu,\"route_server_client\":%s,"
	    "\"enforce_first_as\":%s,\"md5\":%s",
	    p->conf->ttl_security ? "true" : "false", (unsigned long long)p->st.gtsm_refused,
	    p->conf->route_server_client ? "true" : "false",
	    p->ebgp && p->conf->enforce_first_as ? "true" : "false",
	    p->conf->password ? "true" : "false");
	sb_puts(out, ",\"import\":");
	sb_json_str(out, imp);
	sb_puts(out, ",\"export\":");
	sb_json_str(out, exp);
	sb_printf(out, ",\"import_active\":%s,\"export_active\":%s,\"policy_note\":",
	    imp_ok ? "true" : "false", exp_ok ? "true" : "false");
	sb_json_str(out, p->policy_note);
	sb_puts(out, "}");
}

static void
cmd_peers(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	sb_puts(out, "{\"peers\":[");
	for (size_t i = 0; i < d->npeers; i++) {
		if (i)
			sb_puts(out, ",");
		peer_json(d, d->peers[i], out);
	}
	sb_puts(out, "]}");
}

struct route_list {
	struct rib_entry **e;
	size_t n;
	size_t cap;
	const struct prefix *filter;
};

static bool
collect(struct rib_entry *e, void *arg)
{
	struct route_list *rl = arg;

	if (e->paths == NULL)
		return true;
	if (rl->filter &&
	    !(e->pfx.len >= rl->filter->len && prefix_contains(rl->filter, &e->pfx.addr)))
		return true;
	if (rl->n == rl->cap) {
		size_t cap = rl->cap ? rl->cap * 2 : 256;
		struct rib_entry **n = realloc(rl->e, cap * sizeof(*n));

		if (n == NULL)
			return false;
		rl->e = n;
		rl->cap = cap;
	}
	rl->e[rl->n++] = e;
	return true;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct rib_entry *x = *(struct rib_entry *const *)a;
	const struct rib_entry *y = *(struct rib_entry *const *)b;

	return prefix_cmp(&x->pfx, &y->pfx);
}

/* "damping": null, or the route's RFC 2439 state (penalty now, reuse in s). */
static void
damping_json(struct strbuf *out, const struct damping_info *in)
{
	if (in == NULL) {
		sb_puts(out, ",\"damping\":null");
		return;
	}
	sb_printf(out, ",\"damping\":{\"penalty\":%.0f,\"suppressed\":%s,\"reuse_s\":%.1f}",
	    in->penalty, in->suppressed ? "true" : "false", in->reuse_s);
}

/* The attributes part of a path (shared by RIB paths and suppressed ones). */
static void attrs_json(struct strbuf *out, const struct bgp_attrs *a);

static void
path_json(struct strbuf *out, struct bgpd *d, const struct rib_entry *e, const struct rib_path *p)
{
	const struct bgp_attrs *a = p->attrs;
	struct bgp_peer *peer = p->src->owner;
	struct damping_info in;
	char pb[PREFIX_STRLEN];

	sb_puts(out, "{\"prefix\":");
	sb_json_str(out, prefix_ntop(&e->pfx, pb, sizeof(pb)));
	sb_puts(out, ",\"next_hop\":");
	if (p->src->local)
		sb_puts(out, "null");
	else
		json_ip(out, &a->nexthop);
	sb_puts(out, ",\"peer\":");
	if (p->src->local)
		sb_puts(out, "\"local\"");
	else
		json_ip(out, &p->src->addr);
	sb_printf(out, ",\"peer_asn\":%u,\"best\":%s,\"multipath\":%s,\"eligible\":%s",
	    p->src->local ? 0 : p->src->asn, (p->flags & RIB_PATH_BEST) ? "true" : "false",
	    (p->flags & RIB_PATH_MULTIPATH) ? "true" : "false",
	    p->inelig == RIB_ELIGIBLE ? "true" : "false");
	if (p->inelig != RIB_ELIGIBLE) {
		sb_puts(out, ",\"ineligible\":");
		sb_json_str(out, rib_inelig_name((enum rib_inelig)p->inelig));
	}
	sb_printf(out, ",\"installed\":%s,\"suppressed\":false",
	    (rib_entry_flags(e) & RIB_E_FIB) && (p->flags & RIB_PATH_MULTIPATH) ? "true" : "false");
	damping_json(out,
	    !p->src->local && peer && peer->damping &&
		    damping_lookup(peer->damping, &e->pfx, ev_now_us(d->loop), &in) ?
		&in :
		NULL);
	attrs_json(out, a);
	sb_puts(out, "}");
}

/* A route held back by damping (not in the RIB), marked suppressed. */
struct suppressed_ctx {
	struct strbuf *out;
	struct bgp_peer *peer;
	const struct prefix *filter;
	bool *first;
	size_t n;
};

static void
suppressed_json(void *arg, const struct prefix *pfx, const struct damping_info *in)
{
	struct suppressed_ctx *c = arg;
	char pb[PREFIX_STRLEN];

	if (c->filter && !(pfx->len >= c->filter->len && prefix_contains(c->filter, &pfx->addr)))
		return;
	if (!*c->first)
		sb_puts(c->out, ",");
	*c->first = false;
	c->n++;
	sb_puts(c->out, "{\"prefix\":");
	sb_json_str(c->out, prefix_ntop(pfx, pb, sizeof(pb)));
	sb_puts(c->out, ",\"next_hop\":");
	if (in->attrs)
		json_ip(c->out, &in->attrs->nexthop);
	else
		sb_puts(c->out, "null");
	sb_puts(c->out, ",\"peer\":");
	json_ip(c->out, &c->peer->conf->addr);
	sb_printf(c->out,
	    ",\"peer_asn\":%u,\"best\":false,\"multipath\":false,\"eligible\":false,"
	    "\"ineligible\":\"%s\",\"installed\":false,\"suppressed\":true",
	    c->peer->conf->asn,
	    in->attrs ? "suppressed by route flap damping" :
			"suppressed by route flap damping, withdrawn");
	damping_json(c->out, in);
	if (in->attrs)
		attrs_json(c->out, in->attrs);
	sb_puts(c->out, "}");
}

static void
attrs_json(struct strbuf *out, const struct bgp_attrs *a)
{
	sb_puts(out, ",\"local_pref\":");
	if (a->present & BGP_ATTRS_LOCAL_PREF)
		sb_printf(out, "%u", a->local_pref);
	else
		sb_puts(out, "null");
	sb_puts(out, ",\"med\":");
	if (a->present & BGP_ATTRS_MED)
		sb_printf(out, "%u", a->med);
	else
		sb_puts(out, "null");
	sb_puts(out, ",\"origin\":");
	sb_json_str(out, bgp_origin_name(a->origin));
	{
		struct strbuf t = STRBUF_INIT;

		bgp_aspath_print(&t, a->aspath);
		sb_puts(out, ",\"as_path\":");
		sb_json_str(out, sb_str(&t));
		sb_reset(&t);
		sb_puts(out, ",\"communities\":[");
		if (a->comms)
			for (uint32_t i = 0; i < a->comms->n; i++) {
				sb_reset(&t);
				bgp_community_print(&t, a->comms->v[i]);
				if (i)
					sb_puts(out, ",");
				sb_json_str(out, sb_str(&t));
			}
		sb_puts(out, "],\"large_communities\":[");
		if (a->lcomms)
			for (uint32_t i = 0; i < a->lcomms->n; i++) {
				sb_reset(&t);
				bgp_lcomm_print(&t, &a->lcomms->v[i]);
				if (i)
					sb_puts(out, ",");
				sb_json_str(out, sb_str(&t));
			}
		sb_puts(out, "]");
		sb_free(&t);
	}
}

static void
cmd_routes(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct route_list rl = { 0 };
	struct prefix filter;
	bool first = true;
	size_t listed = 0;

	if (argc > 1) {
		if (prefix_parse(argv[1], &filter, true) < 0) {
			ctl_reply_error(out, "routes: expected a prefix such as 51.51.51.0/24");
			return;
		}
		prefix_mask(&filter);
		rl.filter = &filter;
	}
	rib_walk(d->rib, collect, &rl);
	if (rl.n > 1)
		qsort(rl.e, rl.n, sizeof(*rl.e), entry_cmp);
	sb_puts(out, "{\"routes\":[");
	for (size_t i = 0; i < rl.n && listed < CTL_ROUTES_MAX; i++)
		for (const struct rib_path *p = rl.e[i]->paths; p; p = p->next) {
			if (!first)
				sb_puts(out, ",");
			first = false;
			path_json(out, d, rl.e[i], p);
			listed++;
		}
	/* Routes held back by route flap damping, after the RIB's. */
	for (size_t i = 0; i < d->npeers; i++) {
		struct suppressed_ctx c = { out, d->peers[i], rl.filter, &first, 0 };

		if (d->peers[i]->damping == NULL || damping_suppressed(d->peers[i]->damping) == 0)
			continue;
		damping_walk_suppressed(d->peers[i]->damping, ev_now_us(d->loop), suppressed_json,
		    &c);
	}
	/* A full table would be hundreds of MB of JSON: the first CTL_ROUTES_MAX paths. */
	sb_printf(out, "],\"prefixes\":%zu,\"truncated\":%s}", rl.n,
	    listed >= CTL_ROUTES_MAX ? "true" : "false");
	free(rl.e);
}

static void
cmd_stats(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct rib_stats rs;
	struct kroute_stats ks = { 0 };

	rib_get_stats(d->rib, &rs);
	if (d->kr)
		kroute_get_stats(d->kr, &ks);
	sb_printf(out, "{\"uptime\":%.3f,\"rss_kb\":%ld,\"peak_rss_kb\":%ld,",
	    (double)(ev_now_us(d->loop) - d->start_us) / 1e6, rss_kb(), hwm_kb());
	sb_printf(out,
	    "\"rib\":{\"prefixes\":%zu,\"paths\":%zu,\"best\":%zu,\"attribute_sets\":%zu,"
	    "\"bytes\":%zu,\"pending\":%s},",
	    rs.prefixes, rs.paths, rs.best, rs.attr_sets, rs.bytes,
	    rib_pending(d->rib) ? "true" : "false");
	sb_printf(out,
	    "\"kernel\":{\"installed\":%llu,\"adds\":%llu,\"deletes\":%llu,"
	    "\"errors\":%llu,\"retries\":%llu,\"resyncs\":%llu,\"resolving_routes\":%llu,"
	    "\"nexthop_groups\":%llu,\"nexthops\":%llu,\"group_replaces\":%llu},",
	    (unsigned long long)ks.installed, (unsigned long long)ks.adds,
	    (unsigned long long)ks.deletes, (unsigned long long)ks.errors,
	    (unsigned long long)ks.retries, (unsigned long long)ks.resyncs,
	    (unsigned long long)ks.kernel_routes, (unsigned long long)ks.nh_groups,
	    (unsigned long long)ks.nh_objects, (unsigned long long)ks.nh_replaced);
	sb_puts(out, "\"peers\":[");
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if (i)
			sb_puts(out, ",");
		sb_puts(out, "{\"address\":");
		json_ip(out, &p->conf->addr);
		sb_puts(out, ",\"state\":");
		sb_json_str(out, bgp_state_name(p->fsm.state));
		sb_printf(out,
		    ",\"uptime\":%.3f,\"messages_in\":%llu,\"messages_out\":%llu,"
		    "\"updates_in\":%llu,\"updates_out\":%llu,\"notifications_in\":%llu,"
		    "\"notifications_out\":%llu,\"prefixes_received\":%u,\"established_count\":%u,"
		    "\"flaps\":%u,\"last_error\":",
		    p->fsm.state == BGP_ESTABLISHED ?
			(double)(ev_now_us(d->loop) - p->state_since_us) / 1e6 :
			0.0,
		    (unsigned long long)p->st.msgs_in, (unsigned long long)p->st.msgs_out,
		    (unsigned long long)p->st.updates_in, (unsigned long long)p->st.updates_out,
		    (unsigned long long)p->st.notifications_in,
		    (unsigned long long)p->st.notifications_out, p->src.npaths, p->st.established,
		    p->st.flaps);
		sb_json_str(out, p->last_error);
		sb_puts(out, "}");
	}
	sb_puts(out, "]}");
}

static void
cmd_originate(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct prefix pfx;
	bool on = strcmp(argv[0], "announce") == 0;
	char pb[PREFIX_STRLEN];

	if (prefix_parse(argv[1], &pfx, false) < 0) {
		ctl_reply_error(out,
		    "expected a network prefix such as 51.51.51.0/24 "
		    "(no host bits set)");
		return;
	}
	if (origin_operator(d, &pfx, on) < 0) {
		ctl_reply_error(out,
		    on ? "announce failed (out of memory)" :
			 "withdraw: the prefix is not announced by this speaker");
		return;
	}
	sb_printf(out, "{\"ok\":true,\"%s\":", on ? "announced" : "withdrawn");
	sb_json_str(out, prefix_ntop(&pfx, pb, sizeof(pb)));
	sb_puts(out, "}");
}

static struct bgp_peer *
peer_arg(struct bgpd *d, const char *s, struct strbuf *out)
{
	struct ipaddr a;
	struct bgp_peer *p;

	if (ipaddr_parse(s, &a) < 0 || (p = session_find_peer(d, &a)) == NULL) {
		ctl_reply_error(out, "expected the address of a configured peer");
		return NULL;
	}
	return p;
}

static void
cmd_refresh(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct bgp_peer *p = peer_arg(d, argv[1], out);

	if (p == NULL)
		return;
	if (session_request_refresh(p) < 0) {
		ctl_reply_error(out,
		    "the session is not established or the peer does not "
		    "support ROUTE-REFRESH");
		return;
	}
	sb_puts(out, "{\"ok\":true}");
}

static void
cmd_reset(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct bgp_peer *p = peer_arg(d, argv[1], out);

	if (p == NULL)
		return;
	log_info("peer %s: reset by the control socket", p->name);
	bgp_fsm_event(&p->fsm, BGP_EV_STOP);
	snprintf(p->last_error, sizeof(p->last_error), "reset by the operator");
	bgp_fsm_event(&p->fsm, BGP_EV_START);
	sb_puts(out, "{\"ok\":true}");
}

static void
cmd_reload(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	struct strbuf why = STRBUF_INIT, done = STRBUF_INIT;

	if (bgpd_reload(d, &why, &done) < 0) {
		ctl_reply_error(out, sb_str(&why));
	} else {
		sb_puts(out, "{\"ok\":true,\"applied\":");
		sb_json_str(out, done.len ? sb_str(&done) : "no change");
		sb_puts(out, "}");
	}
	sb_free(&why);
	sb_free(&done);
}

/* drain [community|withdraw] [PREFIX], undrain [PREFIX] (RFC 8326). */
static void
cmd_drain(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	bool drain = strcmp(argv[0], "drain") == 0, withdraw = false;
	struct strbuf list = STRBUF_INIT;
	struct prefix pfx, *pp = NULL;
	int a = 1;

	if (drain && argc > 1 &&
	    (strcmp(argv[1], "community") == 0 || strcmp(argv[1], "withdraw") == 0)) {
		withdraw = strcmp(argv[1], "withdraw") == 0;
		a++;
	}
	if (a < argc) {
		if (a + 1 < argc || prefix_parse(argv[a], &pfx, false) < 0) {
			ctl_reply_error(out,
			    drain ? "usage: drain [community|withdraw] [PREFIX]" :
				    "usage: undrain [PREFIX]");
			return;
		}
		pp = &pfx;
	}
	if (origin_drain(d, pp, drain, withdraw, &list) == 0) {
		ctl_reply_error(out,
		    pp ? "the prefix is not originated by this speaker" :
			 "this speaker originates nothing");
		sb_free(&list);
		return;
	}
	bgpd_flush_now(d);
	sb_printf(out, "{\"ok\":true,\"%s\":[%s]", drain ? "drained" : "undrained", sb_str(&list));
	if (drain)
		sb_printf(out, ",\"mode\":\"%s\"", withdraw ? "withdraw" : "community");
	sb_puts(out, "}");
	sb_free(&list);
}

/* A detector's own listing (bfd, health). */
static void
cmd_detector(struct bgpd *d, int argc, char **argv, struct strbuf *out)
{
	const struct detector *det = detect_find(argv[0]);

	if (det == NULL || det->show == NULL) {
		ctl_reply_error(out, "no such detector");
		return;
	}
	det->show(d, out);
}

static const struct ctl_cmd cmds[] = {
	{ "status", 0, 0, cmd_status, "status" },
	{ "peers", 0, 0, cmd_peers, "peers" },
	{ "routes", 0, 1, cmd_routes, "routes [PREFIX]" },
	{ "stats", 0, 0, cmd_stats, "stats" },
	{ "announce", 1, 1, cmd_originate, "announce PREFIX" },
	{ "withdraw", 1, 1, cmd_originate, "withdraw PREFIX" },
	{ "drain", 0, 2, cmd_drain, "drain [community|withdraw] [PREFIX]" },
	{ "undrain", 0, 1, cmd_drain, "undrain [PREFIX]" },
	{ "bfd", 0, 0, cmd_detector, "bfd" },
	{ "health", 0, 0, cmd_detector, "health" },
	{ "refresh", 1, 1, cmd_refresh, "refresh PEER-ADDRESS" },
	{ "reset", 1, 1, cmd_reset, "reset PEER-ADDRESS" },
	{ "reload", 0, 0, cmd_reload, "reload" },
};

void
control_handle(int argc, char **argv, struct strbuf *out, void *arg)
{
	struct bgpd *d = arg;
	char msg[512];
	size_t used = 0;

	if (argc < 1) {
		ctl_reply_error(out, "empty request");
		return;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, argv[0]) != 0)
			continue;
		if (argc - 1 < cmds[i].min_args || argc - 1 > cmds[i].max_args) {
			snprintf(msg, sizeof(msg), "usage: %s", cmds[i].usage);
			ctl_reply_error(out, msg);
			return;
		}
		cmds[i].fn(d, argc, argv, out);
		return;
	}
	used = (size_t)snprintf(msg, sizeof(msg),
	    "unknown command \"%.64s\"; expected one of:", argv[0]);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]) && used < sizeof(msg); i++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, " %s", cmds[i].usage);
	ctl_reply_error(out, msg);
}

int
control_open(struct bgpd *d, const char *path)
{
	d->ctl = ctl_listen(d->loop, path, control_handle, d);
	return d->ctl ? 0 : -1;
}

void
control_close(struct bgpd *d)
{
	if (d->ctl)
		ctl_close(d->ctl);
	d->ctl = NULL;
}
