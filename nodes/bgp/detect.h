/*
 * Failure detectors: the seam between whatever finds out that something is
 * gone (a link losing carrier, a BFD session timing out, a health check
 * failing) and the speaker. A detector reports up or down for a target, a
 * peer or originated prefixes, and the speaker reacts the same way whoever
 * reported (the way BIRD's bfd_request notifies its BGP protocol):
 *
 *   peer down:   the BGP session goes down at once with the detector's Cease
 *                subcode, its routes leave the RIB and the kernel in the same
 *                loop iteration (RFC 5882 for BFD);
 *   peer up:     no back-off holds the peer, it is connected to at once;
 *   origin down: the prefixes are withdrawn (a reason of their own, origin.h);
 *   origin up:   that reason is lifted.
 *
 * One struct detector per kind, one file per detector (detect_link.c,
 * detect_bfd.c, detect_health.c), one table in detect.c.
 */
#ifndef ANYBGP_DETECT_H
#define ANYBGP_DETECT_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "fsm.h"
#include "strbuf.h"

struct bgpd;
struct bgp_peer;

enum detect_kind {
	DETECT_LINK,   /* interface down or carrier lost (kroute's netlink events) */
	DETECT_BFD,    /* RFC 5880/5881 sessions (bfd.c) */
	DETECT_HEALTH, /* health checks of the service behind an origin (health.c) */
	DETECT_KIND_COUNT,
};

struct detector {
	enum detect_kind kind;
	const char *name;
	/* After the sessions exist; 0 or -1 (startup fails). May be NULL. */
	int (*start)(struct bgpd *);
	void (*stop)(struct bgpd *);
	/* A BGP session changed state. May be NULL. */
	void (*peer_state)(struct bgp_peer *, enum bgp_state from, enum bgp_state to);
	/* The path to the peer went (up false) or came back, as another detector
	 * found (the link detector's carrier events reach BFD this way). */
	void (*peer_path)(struct bgp_peer *, bool up);
	/* The kernel's routes changed: a path that had none may have one now. */
	void (*routes_changed)(struct bgpd *);
	/* May the session connect or accept now? false with why. May be NULL. */
	bool (*peer_allowed)(struct bgp_peer *, char *why, size_t len);
	/* The control socket's "NAME" command: a JSON object. NULL: no command. */
	void (*show)(struct bgpd *, struct strbuf *out);
};

extern const struct detector detect_link, detect_bfd, detect_health;

const char *detect_kind_name(enum detect_kind);
const struct detector *detect_find(const char *name);

int detect_start(struct bgpd *);
void detect_stop(struct bgpd *);
void detect_peer_state(struct bgp_peer *, enum bgp_state from, enum bgp_state to);
bool detect_peer_blocked(struct bgp_peer *, char *why, size_t len);

/* The kernel's routes changed (kroute's nexthops_changed): every detector
 * and every session waiting for a route to its peer try again at once. */
void detect_routes_changed(struct bgpd *);
/* kroute's link_event callback (detect_link.c). */
void detect_link_event(void *arg, int ifindex, const char *ifname, bool up);

/*
 * The reports. The other detectors hear of a peer's path through their
 * peer_path op; the speaker reacts as detect.h's header says.
 */
void detect_peer_down(struct bgp_peer *, enum detect_kind, const char *why);
void detect_peer_up(struct bgp_peer *, enum detect_kind);
/* Health check number check passes (up) or fails for pfx (NULL: every origin). */
void detect_origin(struct bgpd *, enum detect_kind, unsigned check, const struct prefix *pfx,
    bool up, const char *why);

#endif
