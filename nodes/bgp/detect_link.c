/*
 * The link-state detector: kroute.c watches the kernel's links on its
 * netlink socket and calls here when an interface goes down or loses its
 * carrier, and when it is back. A directly connected peer behind that
 * interface is reported down at once (FRR's fast-external-failover, BIRD's
 * "check link"); next hops through it are re-resolved in the same loop
 * iteration. When the interface returns, every peer is reported up, so that
 * sessions are retried at once rather than at the next ConnectRetry tick and
 * no back-off holds them.
 */
#include <stdio.h>

#include "bgpd.h"
#include "detect.h"
#include "kroute.h"

void
detect_link_event(void *arg, int ifindex, const char *ifname, bool up)
{
	struct bgpd *d = arg;
	char why[64];

	snprintf(why, sizeof(why), "interface %s %s", ifname, up ? "up" : "down");
	/* Next hops through it resolve differently now: decide again. */
	rib_mark_all(d->rib);
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if (up)
			detect_peer_up(p, DETECT_LINK);
		else if (d->kr && kroute_ifindex_for(d->kr, &p->conf->addr) == ifindex)
			detect_peer_down(p, DETECT_LINK, why);
	}
	bgpd_flush_now(d);
}

const struct detector detect_link = {
	.kind = DETECT_LINK,
	.name = "link",
};
