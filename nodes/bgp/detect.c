/*
 * The detector table and the speaker's one reaction to every report
 * (detect.h).
 */
#include <string.h>

#include "bgpd.h"
#include "detect.h"
#include "log.h"
#include "origin.h"

static const struct detector *const detectors[DETECT_KIND_COUNT] = {
	[DETECT_LINK] = &detect_link,
	[DETECT_BFD] = &detect_bfd,
	[DETECT_HEALTH] = &detect_health,
};

static const char *const kind_names[DETECT_KIND_COUNT] = {
	[DETECT_LINK] = "link",
	[DETECT_BFD] = "bfd",
	[DETECT_HEALTH] = "health",
};

/* The Cease subcode a down report sends (RFC 9384 for BFD). */
static const uint8_t cease_subcodes[DETECT_KIND_COUNT] = {
	[DETECT_LINK] = BGP_ERR_CEASE_RESET,
	[DETECT_BFD] = BGP_ERR_CEASE_BFD_DOWN,
	[DETECT_HEALTH] = BGP_ERR_CEASE_RESET,
};

const char *
detect_kind_name(enum detect_kind k)
{
	return k < DETECT_KIND_COUNT ? kind_names[k] : "?";
}

const struct detector *
detect_find(const char *name)
{
	for (int i = 0; i < DETECT_KIND_COUNT; i++)
		if (strcmp(detectors[i]->name, name) == 0)
			return detectors[i];
	return NULL;
}

int
detect_start(struct bgpd *d)
{
	for (int i = 0; i < DETECT_KIND_COUNT; i++)
		if (detectors[i]->start && detectors[i]->start(d) < 0) {
			log_err("detector %s: cannot start", detectors[i]->name);
			return -1;
		}
	return 0;
}

void
detect_stop(struct bgpd *d)
{
	for (int i = DETECT_KIND_COUNT - 1; i >= 0; i--)
		if (detectors[i]->stop)
			detectors[i]->stop(d);
}

void
detect_peer_state(struct bgp_peer *p, enum bgp_state from, enum bgp_state to)
{
	for (int i = 0; i < DETECT_KIND_COUNT; i++)
		if (detectors[i]->peer_state)
			detectors[i]->peer_state(p, from, to);
}

bool
detect_peer_blocked(struct bgp_peer *p, char *why, size_t len)
{
	for (int i = 0; i < DETECT_KIND_COUNT; i++)
		if (detectors[i]->peer_allowed && !detectors[i]->peer_allowed(p, why, len))
			return true;
	return false;
}

static void
tell_others(struct bgp_peer *p, enum detect_kind k, bool up)
{
	for (int i = 0; i < DETECT_KIND_COUNT; i++)
		if ((enum detect_kind)i != k && detectors[i]->peer_path)
			detectors[i]->peer_path(p, up);
}

void
detect_peer_down(struct bgp_peer *p, enum detect_kind k, const char *why)
{
	char text[200];

	/* The session first, so that its last error names the first detector. */
	snprintf(text, sizeof(text), "%s: %s", detect_kind_name(k), why);
	session_path_down(p, cease_subcodes[k], text);
	if (k == DETECT_LINK)
		tell_others(p, k, false);
	/*
	 * The routes left the RIB with the session; run the decision and the
	 * kernel update now rather than at the next loop iteration.
	 */
	bgpd_flush_now(p->d);
}

void
detect_peer_up(struct bgp_peer *p, enum detect_kind k)
{
	log_debug("peer %s: %s reports the path up", p->name, detect_kind_name(k));
	if (k == DETECT_LINK)
		tell_others(p, k, true);
	session_path_up(p);
}

void
detect_routes_changed(struct bgpd *d)
{
	for (int i = 0; i < DETECT_KIND_COUNT; i++)
		if (detectors[i]->routes_changed)
			detectors[i]->routes_changed(d);
	/* A connection attempt that failed for want of a route is retried now. */
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if ((p->fsm.state == BGP_CONNECT || p->fsm.state == BGP_ACTIVE) && p->conn == NULL)
			session_path_up(p);
	}
}

void
detect_origin(struct bgpd *d, enum detect_kind k, unsigned check, const struct prefix *pfx, bool up,
    const char *why)
{
	char text[200];

	snprintf(text, sizeof(text), "%s: %s", detect_kind_name(k), why ? why : "");
	origin_health(d, check, pfx, up, text);
	bgpd_flush_now(d);
}
