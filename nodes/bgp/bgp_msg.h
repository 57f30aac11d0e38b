/*
 * BGP-4 messages: framing, and encode/decode of OPEN, UPDATE, NOTIFICATION,
 * KEEPALIVE and ROUTE-REFRESH.
 *
 * RFC 4271 4.1-4.5 (formats) and 6.1-6.3 (errors), RFC 5492 (capabilities
 * advertisement), RFC 4760 8 (multiprotocol capability), RFC 6793 (4-octet AS
 * capability), RFC 2918 (route refresh), RFC 4724 2 (End-of-RIB marker),
 * RFC 7606 (UPDATE error handling), RFC 9003 (shutdown communication).
 *
 * Every encoder writes one whole message (header included) into a wire_wr and
 * returns 0, or -1 when it did not fit (w->err set). Every decoder takes the
 * whole message (header included, as bgp_msg_frame() delimited it) and returns
 * 0, or -1 with err filled with the NOTIFICATION to send (err->action is then
 * BGP_ACT_SESSION_RESET). A 4096-octet buffer holds any message.
 */
#ifndef ANYBGP_BGP_MSG_H
#define ANYBGP_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"
#include "bgp_error.h"
#include "bgp_attr.h"

#define BGP_PORT	   179
#define BGP_VERSION	   4
#define BGP_MARKER_LEN	   16
#define BGP_HDR_LEN	   19
#define BGP_OPEN_MIN_LEN   29
#define BGP_UPDATE_MIN_LEN 23
#define BGP_NOTIF_MIN_LEN  21
#define BGP_KEEPALIVE_LEN  19
#define BGP_RREFRESH_LEN   23

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

const char *bgp_msg_type_name(uint8_t type); /* "OPEN", ...; "type 9" style never: NULL */

/*
 * Framing. buf holds len octets received so far on the stream. Returns the
 * length of the complete message at the start of buf (19..4096), 0 when more
 * octets are needed, or -1 with err set (Connection Not Synchronized, Bad
 * Message Length with the length field as data, Bad Message Type with the
 * type octet as data; the per-type minimum and exact lengths are checked
 * here). A length error in a message whose type is NOTIFICATION (shorter
 * than 21 octets, say) sets err->no_reply: RFC 4271 6.4, none is sent back.
 * *type gets the message type when the return is > 0.
 */
int bgp_msg_frame(const uint8_t *buf, size_t len, uint8_t *type, struct bgp_err *err);

/* ---- Capabilities (RFC 5492) ---- */

enum bgp_cap_code {
	BGP_CAP_MP = 1,			 /* RFC 4760 */
	BGP_CAP_ROUTE_REFRESH = 2,	 /* RFC 2918 */
	BGP_CAP_EXT_MESSAGE = 6,	 /* RFC 8654 (kept as unknown) */
	BGP_CAP_GRACEFUL_RESTART = 64,	 /* RFC 4724 */
	BGP_CAP_AS4 = 65,		 /* RFC 6793 */
	BGP_CAP_ADD_PATH = 69,		 /* RFC 7911 (kept as unknown) */
	BGP_CAP_ENH_ROUTE_REFRESH = 70,	 /* RFC 7313 (kept as unknown) */
	BGP_CAP_FQDN = 73,		 /* draft (kept as unknown) */
	BGP_CAP_ROUTE_REFRESH_OLD = 128, /* pre-standard Cisco (kept as unknown) */
};

const char *bgp_cap_name(uint8_t code); /* NULL when unknown */

#define BGP_CAPS_UNKNOWN_MAX 32

/* One capability we do not interpret, kept as received. */
struct bgp_cap_raw {
	uint8_t code;
	uint8_t len;
	uint16_t off; /* its value: bgp_caps.raw[off .. off+len) */
};

struct bgp_caps {
	bool mp[BGP_AF_COUNT]; /* MP IPv4/IPv6 unicast advertised */
	bool any_mp;	       /* any MP capability seen (even other AFI/SAFI) */
	bool route_refresh;    /* RFC 2918 code 2 */
	bool as4;	       /* 4-octet AS capability present */
	uint32_t as4_asn;      /* its value */
	/*
	 * RFC 4724 3. Ours: no families and restart time 0 (we keep no
	 * forwarding state and a peer's routes go when its session does); it
	 * makes BIRD, FRR and GoBGP send End-of-RIB. A peer's: presence, its
	 * restart time and how many families it listed.
	 */
	bool graceful_restart;
	uint16_t gr_time; /* seconds, 12 bits */
	uint8_t gr_nafs;
	/* Everything else, including MP for AFI/SAFI pairs we do not speak. */
	unsigned nunknown;
	struct bgp_cap_raw unknown[BGP_CAPS_UNKNOWN_MAX];
	uint16_t rawlen;
	uint8_t raw[512];
};

struct bgp_open {
	uint8_t version;    /* 4 */
	uint16_t my_as;	    /* the 2-octet field: AS_TRANS when the AS needs 4 */
	uint16_t hold_time; /* seconds, 0 or >= 3 */
	uint32_t bgp_id;    /* host order */
	struct bgp_caps caps;
};

/*
 * Fill an OPEN for the local side: my_as from asn (AS_TRANS when it needs 4
 * octets), capabilities: MP for each af[] true, route refresh, 4-octet AS,
 * graceful restart without families (End-of-RIB only).
 */
void bgp_open_init(struct bgp_open *, uint32_t asn, uint16_t hold_time, uint32_t bgp_id,
    const bool af[BGP_AF_COUNT]);

/* The peer's AS: the 4-octet capability's value if present, else my_as. */
uint32_t bgp_open_peer_as(const struct bgp_open *);

/*
 * Encode the OPEN with its capabilities (one Capabilities optional parameter
 * holding them all, RFC 5492 4), unknown ones included as kept.
 */
int bgp_open_write(struct wire_wr *, const struct bgp_open *);

/*
 * Decode an OPEN (RFC 4271 6.2). Errors (all session reset, -1): version
 * other than 4 (Unsupported Version Number, data 0x0004), hold time 1 or 2
 * (Unacceptable Hold Time), BGP Identifier 0 (Bad BGP Identifier), optional
 * parameter other than Capabilities (Unsupported Optional Parameter),
 * malformed optional parameters or capabilities (OPEN Message Error,
 * subcode 0), a 4-octet AS capability of the wrong length or with AS 0.
 * Extended optional parameters (RFC 9072) are understood.
 * The AS and identifier checks against the configuration are the FSM's:
 * bgp_open_check_peer().
 */
int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *, struct bgp_err *err);

/*
 * The FSM's checks of a decoded OPEN against its configuration (RFC 4271
 * 6.2, RFC 6286): the peer's AS (from the 4-octet capability if present,
 * else my_as; RFC 6793 4.1 "AS_TRANS in my_as without the capability" is
 * Bad Peer AS) must equal expected_as (0: accept any); the identifier must
 * differ from ours for an internal peer (Bad BGP Identifier). 0 or -1.
 */
int bgp_open_check_peer(const struct bgp_open *, uint32_t expected_as, uint32_t local_as,
    uint32_t local_id, struct bgp_err *err);

/*
 * Negotiated hold time (RFC 4271 4.2: the smaller of both) and session
 * parameters from both OPENs: as4 when both sent the capability; af[] the
 * families both sides offer, where a side that sent no MP capability at
 * all offers IPv4 unicast, the base protocol (RFC 4760 8, RFC 5492 3): a
 * peer with capabilities off exchanges IPv4 routes with us when we are
 * configured for IPv4. Sets ctx->as4 and ctx->af; the caller sets ebgp,
 * local_as, peer_as, check_first_as.
 */
uint16_t bgp_hold_negotiate(uint16_t local, uint16_t remote);
void bgp_caps_negotiate(const struct bgp_caps *local, const struct bgp_caps *remote,
    struct bgp_peer_ctx *ctx);

/* "mp(ipv4-unicast,ipv6-unicast) route-refresh as4(65511) unknown(64,70)". Appends. */
void bgp_caps_print(struct strbuf *, const struct bgp_caps *);

/* ---- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ---- */

int bgp_keepalive_write(struct wire_wr *);

struct bgp_notification {
	uint8_t code;
	uint8_t subcode;
	uint16_t datalen;
	uint8_t data[BGP_ERR_DATA_MAX];
};

int bgp_notification_write(struct wire_wr *, uint8_t code, uint8_t subcode, const void *data,
    size_t len);
/* The NOTIFICATION for a decoder's error. */
int bgp_notification_write_err(struct wire_wr *, const struct bgp_err *);
/* Cease with an RFC 9003 shutdown communication (subcode 2 or 4; text <= 255 octets). */
int bgp_notification_write_shutdown(struct wire_wr *, uint8_t subcode, const char *text);
/* Decode; a NOTIFICATION cannot be answered with one, so err only says why (-1). */
int bgp_notification_decode(const uint8_t *msg, size_t len, struct bgp_notification *,
    struct bgp_err *err);

/* ROUTE-REFRESH (RFC 2918 3): afi, reserved (RFC 7313 subtype), safi. */
struct bgp_route_refresh {
	uint16_t afi;
	uint8_t subtype; /* 0: normal request */
	uint8_t safi;
};

int bgp_route_refresh_write(struct wire_wr *, uint16_t afi, uint8_t safi);
int bgp_route_refresh_decode(const uint8_t *msg, size_t len, struct bgp_route_refresh *,
    struct bgp_err *err);

/* ---- UPDATE ---- */

/*
 * A decoded UPDATE. The NLRI readers point into the message buffer, which
 * must outlive the struct; they have been validated, so iterating them cannot
 * fail. attrs is owned: bgp_update_clear() frees it.
 */
struct bgp_update {
	struct wire_rd withdrawn; /* IPv4 Withdrawn Routes field */
	struct wire_rd nlri;	  /* IPv4 NLRI field */
	struct bgp_attrs attrs;	  /* attributes for the announced NLRI */
	struct bgp_mp mp;	  /* MP_REACH_NLRI / MP_UNREACH_NLRI */
	/*
	 * RFC 7606 outcome when decode returned 0: BGP_ACT_NONE, ATTR_DISCARD
	 * (some attributes dropped; routes stand) or WITHDRAW (every announced
	 * prefix must be handled as withdrawn: the iterators already do so).
	 * err holds the NOTIFICATION RFC 4271 would have sent, for the log.
	 */
	enum bgp_err_action action;
	unsigned ndiscarded;
	unsigned nwithdrawn; /* prefix counts (validated) */
	unsigned nannounced;
	/* End-of-RIB marker (RFC 4724 2): empty UPDATE (IPv4) or MP_UNREACH alone, empty. */
	bool eor;
	int eor_af; /* enum bgp_af, -1 when not ours */
	/* The NEXT_HOP attribute as received (family 0 when absent), kept apart
	 * because bgp_update_attrs_for() rewrites attrs.nexthop. */
	struct ipaddr next_hop_attr;
	/*
	 * Routes or withdrawals of a family not in use on the session (the IPv4
	 * fields without IPv4 unicast, MP_REACH/MP_UNREACH NLRI of another
	 * AFI/SAFI): ignored (docs/anybgpd.md, Capabilities), and said here so
	 * that the session logs it; the first such AFI/SAFI.
	 */
	bool unnegotiated;
	uint16_t unnegotiated_afi;
	uint8_t unnegotiated_safi;
};

/*
 * Decode an UPDATE. -1 (session reset, err is the NOTIFICATION): lengths that
 * do not add up (Malformed Attribute List), NLRI errors (Invalid Network
 * Field), MP_* errors, unrecognised well-known attribute. 0 otherwise, with
 * upd->action and err telling a treat-as-withdraw or attribute discard.
 * Missing well-known attributes (ORIGIN, AS_PATH; NEXT_HOP when the IPv4 NLRI
 * field is not empty) when NLRI are announced: treat-as-withdraw (RFC 7606
 * 3.d). On a 2-octet session, AS4_PATH/AS4_AGGREGATOR are merged (RFC 6793
 * 4.2.3); on a 4-octet one they are discarded. upd is always safe to clear.
 */
int bgp_update_decode(const uint8_t *msg, size_t len, const struct bgp_peer_ctx *,
    struct bgp_update *upd, struct bgp_err *err);
void bgp_update_clear(struct bgp_update *);

/*
 * Iterate over the prefixes an UPDATE withdraws (IPv4 withdrawn field, then
 * MP_UNREACH of a negotiated family; under treat-as-withdraw also all the
 * announced NLRI), or announces (IPv4 NLRI, then MP_REACH of a negotiated
 * family; nothing under treat-as-withdraw).
 *   struct bgp_nlri_iter it; struct prefix p; enum bgp_af af;
 *   bgp_update_withdrawn(upd, &it);
 *   while (bgp_nlri_iter_next(&it, &p, &af)) ...
 */
struct bgp_nlri_iter {
	const struct bgp_update *upd;
	int stage;
	bool withdraw;
	int af;
	struct wire_rd rd;
};

void bgp_update_withdrawn(const struct bgp_update *, struct bgp_nlri_iter *);
void bgp_update_announced(const struct bgp_update *, struct bgp_nlri_iter *);
bool bgp_nlri_iter_next(struct bgp_nlri_iter *, struct prefix *, enum bgp_af *);

/*
 * The attribute set for the announced routes of family af: for IPv6 the
 * MP_REACH next hop (and link-local) goes into attrs.nexthop(_ll), for IPv4
 * the NEXT_HOP attribute stays. Changes upd->attrs in place (intern it before
 * asking for the next family).
 */
void bgp_update_attrs_for(struct bgp_update *, enum bgp_af af);

/*
 * UPDATE builders. Each writes one message into w (capacity >= the session's
 * maximum message size, 4096) and returns how many prefixes of pfx[0..n) it
 * took (at least 1 when n > 0), or -1 when even one prefix does not fit with
 * those attributes (w->err set) or pfx[] mixes families.
 *
 * bgp_update_write_announce: IPv4 in the NLRI field with NEXT_HOP (attrs->
 * nexthop, IPv4), IPv6 in MP_REACH_NLRI (first attribute, RFC 7606 5.1) with
 * attrs->nexthop (and nexthop_ll when set: next hop length 32).
 * bgp_update_write_withdraw: IPv4 in the Withdrawn Routes field, IPv6 in
 * MP_UNREACH_NLRI. bgp_update_write_eor: the End-of-RIB marker for af.
 */
long bgp_update_write_announce(struct wire_wr *, const struct bgp_peer_ctx *,
    const struct bgp_attrs *, enum bgp_af af, const struct prefix *pfx, size_t n);
long bgp_update_write_withdraw(struct wire_wr *, const struct bgp_peer_ctx *, enum bgp_af af,
    const struct prefix *pfx, size_t n);
int bgp_update_write_eor(struct wire_wr *, enum bgp_af af);

#endif
