/*
 * Advertisement (RFC 4271 9.2): what each peer is sent. The export rules of
 * 9.2 and 5.1 (no route back to the peer it came from, none from an internal
 * peer to another internal one, NO_EXPORT / NO_ADVERTISE of RFC 1997), the
 * eBGP rewrites (own AS prepended, next hop self, LOCAL_PREF dropped, MED
 * not passed on) or, to a route-server client (RFC 7947), none of them and
 * internal routes to internal clients too, the export policy, and the
 * Adj-RIB-Out comparison. Updates are batched: changed prefixes queue per
 * peer, and one flush groups them by attribute set into as few UPDATEs as
 * fit, withdrawals first.
 */
#ifndef ANYBGP_ADV_H
#define ANYBGP_ADV_H

#include "bgpd.h"

/* The selection of e changed: queue it for every established peer. */
void adv_changed(struct bgpd *, struct rib_entry *);
/* Session up: queue the whole Loc-RIB, End-of-RIB after it. */
void adv_peer_up(struct bgp_peer *);
/* Session down: forget the queue and the Adj-RIB-Out. */
void adv_peer_down(struct bgp_peer *);
/* ROUTE-REFRESH received (RFC 2918 4): everything of af again. */
void adv_refresh(struct bgp_peer *, enum bgp_af);
/* Send what is queued while the connection takes it; true when done. */
bool adv_flush(struct bgp_peer *);

/*
 * What peer is to be sent for e: an interned attribute set (a reference the
 * caller drops with bgp_attr_unref), or NULL for nothing (withdraw).
 */
const struct bgp_attrs *adv_export(struct bgp_peer *, struct rib_entry *);

#endif
