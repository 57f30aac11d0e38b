/*
 * The BFD detector: one BFD session (bfd.c) per peer whose configuration
 * asks for it, and RFC 5882's rules for the client: a BFD session leaving Up
 * takes the BGP session down at once with Cease / BFD Down (RFC 9384), unless
 * the peer turned BFD off administratively (AdminDown received, 3.2); a BFD
 * session coming Up lets a waiting BGP session connect at once; in strict
 * mode the BGP session neither connects nor accepts before BFD is Up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bfd.h"
#include "bgpd.h"
#include "detect.h"
#include "log.h"

static void
bfd_notify(void *arg, struct bfd_session *s, enum bfd_state from, enum bfd_state to,
    enum bfd_diag diag)
{
	struct bgp_peer *p = arg;
	struct bfd_session_info si;
	char why[128];

	log_info("peer %s: BFD %s -> %s (%s)", p->name, bfd_state_name(from), bfd_state_name(to),
	    bfd_diag_name(diag));
	if (to == BFD_UP) {
		detect_peer_up(p, DETECT_BFD);
		return;
	}
	if (from != BFD_UP)
		return;
	bfd_session_get_info(s, &si);
	if (si.remote_state == BFD_ADMIN_DOWN) {
		/* RFC 5882 3.2: the peer stopped BFD on purpose; BGP stays. */
		log_info("peer %s: BFD turned off by the peer; the BGP session stays", p->name);
		return;
	}
	snprintf(why, sizeof(why), "session %s (%s)", bfd_state_name(to), bfd_diag_name(diag));
	detect_peer_down(p, DETECT_BFD, why);
}

static int
bfd_start(struct bgpd *d)
{
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];
		const struct bgp_bfd_config *c = &p->conf->bfd;
		struct bfd_session_params sp;

		if (!c->enabled)
			continue;
		if (d->bfd == NULL) {
			d->bfd = bfd_open(d->loop, 0);
			if (d->bfd == NULL) {
				log_err("BFD: cannot open UDP port %d: %s", BFD_PORT,
				    strerror(errno));
				return -1;
			}
		}
		memset(&sp, 0, sizeof(sp));
		sp.remote = p->conf->addr;
		sp.local = p->conf->local_addr;
		sp.min_tx_us = c->min_tx_ms * 1000;
		sp.min_rx_us = c->min_rx_ms * 1000;
		sp.multiplier = c->multiplier;
		p->bfd = bfd_session_new(d->bfd, &sp, bfd_notify, p);
		if (p->bfd == NULL) {
			log_err("peer %s: BFD session: %s", p->name, strerror(errno));
			return -1;
		}
		p->bfd_enabled = true;
		p->bfd_strict = c->strict;
		log_info("peer %s: BFD %u ms x %u%s", p->name, c->min_tx_ms, c->multiplier,
		    c->strict ? ", strict" : "");
	}
	return 0;
}

static void
bfd_stop(struct bgpd *d)
{
	for (size_t i = 0; i < d->npeers; i++) {
		if (d->peers[i]->bfd)
			bfd_session_free(d->peers[i]->bfd);
		d->peers[i]->bfd = NULL;
	}
	if (d->bfd)
		bfd_close(d->bfd);
	d->bfd = NULL;
}

static bool
bfd_allowed(struct bgp_peer *p, char *why, size_t len)
{
	if (!p->bfd_strict || p->bfd == NULL || bfd_session_state(p->bfd) == BFD_UP)
		return true;
	snprintf(why, len, "BFD session %s (strict: BGP waits for BFD Up)",
	    bfd_state_name(bfd_session_state(p->bfd)));
	return false;
}

static void
bfd_path(struct bgp_peer *p, bool up)
{
	struct bfd_session_info si;

	if (p->bfd == NULL)
		return;
	bfd_session_get_info(p->bfd, &si);
	if (up && si.path_down)
		bfd_session_path_up(p->bfd);
	else if (!up && !si.path_down)
		bfd_session_path_down(p->bfd);
}

/* Sessions Down for want of a route (no socket, or sends failing) try now. */
static void
bfd_routes_changed(struct bgpd *d)
{
	for (size_t i = 0; i < d->npeers; i++) {
		struct bfd_session *s = d->peers[i]->bfd;
		struct bfd_session_info si;

		if (s == NULL)
			continue;
		bfd_session_get_info(s, &si);
		if (si.state == BFD_DOWN && !si.path_down && (si.src_port == 0 || si.last_errno)) {
			/* Reopen the socket on the new route and send at once. */
			bfd_session_path_down(s);
			bfd_session_path_up(s);
		}
	}
}

static void
bfd_show(struct bgpd *d, struct strbuf *out)
{
	uint64_t now = ev_now_us(d->loop);
	char a[IPADDR_STRLEN];
	bool first = true;

	sb_puts(out, "{\"sessions\":[");
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];
		struct bfd_session_info si;

		if (p->bfd == NULL)
			continue;
		bfd_session_get_info(p->bfd, &si);
		sb_printf(out, "%s{\"peer\":\"%s\",", first ? "" : ",",
		    ipaddr_ntop(&si.remote, a, sizeof(a)));
		first = false;
		sb_printf(out, "\"local\":\"%s\",\"source_port\":%u,",
		    si.local.family ? ipaddr_ntop(&si.local, a, sizeof(a)) : "", si.src_port);
		sb_printf(out,
		    "\"state\":\"%s\",\"remote_state\":\"%s\",\"local_diag\":\"%s\","
		    "\"remote_diag\":\"%s\",\"local_discriminator\":%u,"
		    "\"remote_discriminator\":%u,",
		    bfd_state_name(si.state), bfd_state_name(si.remote_state),
		    bfd_diag_name(si.local_diag), bfd_diag_name(si.remote_diag), si.local_disc,
		    si.remote_disc);
		sb_printf(out,
		    "\"tx_ms\":%.3f,\"rx_ms\":%.3f,\"multiplier\":%u,\"tx_interval_ms\":%.3f,"
		    "\"detect_ms\":%.3f,\"remote_tx_ms\":%.3f,\"remote_rx_ms\":%.3f,"
		    "\"remote_multiplier\":%u,\"poll\":%s,\"strict\":%s,",
		    si.conf_min_tx_us / 1e3, si.conf_min_rx_us / 1e3, si.conf_mult,
		    si.tx_interval_us / 1e3, si.detect_time_us / 1e3,
		    si.remote_desired_min_tx_us / 1e3, si.remote_required_min_rx_us / 1e3,
		    si.remote_mult, si.poll ? "true" : "false", p->bfd_strict ? "true" : "false");
		sb_printf(out, "\"up_count\":%u,\"down_count\":%u,\"up_for_s\":%.3f,\"last_down\":",
		    si.times_up, si.times_down,
		    si.state == BFD_UP && si.up_since_us ? (now - si.up_since_us) / 1e6 : 0.0);
		sb_json_str(out, si.last_down_reason);
		sb_printf(out,
		    ",\"last_down_diag\":\"%s\",\"last_down_ago_ms\":%.1f,\"pkts_in\":%llu,"
		    "\"pkts_out\":%llu,\"dropped\":%llu,\"send_errors\":%llu}",
		    si.last_down_us ? bfd_diag_name(si.last_down_diag) : "",
		    si.last_down_us ? (now - si.last_down_us) / 1e3 : -1.0,
		    (unsigned long long)si.pkts_in, (unsigned long long)si.pkts_out,
		    (unsigned long long)si.dropped, (unsigned long long)si.send_errors);
	}
	sb_puts(out, "]}");
}

const struct detector detect_bfd = {
	.kind = DETECT_BFD,
	.name = "bfd",
	.start = bfd_start,
	.stop = bfd_stop,
	.peer_allowed = bfd_allowed,
	.peer_path = bfd_path,
	.routes_changed = bfd_routes_changed,
	.show = bfd_show,
};
