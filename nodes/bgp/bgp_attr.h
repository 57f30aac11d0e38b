/*
 * BGP path attributes: the decoded form, their wire codec and an interning
 * table for the RIB.
 *
 * RFC 4271 4.3 and 5 (ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF,
 * ATOMIC_AGGREGATE, AGGREGATOR), RFC 1997 (COMMUNITIES), RFC 8092
 * (LARGE_COMMUNITY), RFC 4760 (MP_REACH_NLRI,
 * MP_UNREACH_NLRI), RFC 6793 (4-octet AS numbers: AS4_PATH, AS4_AGGREGATOR,
 * AS_TRANS, and the reconstruction of section 4.2.3), RFC 7606 (revised error
 * handling: which malformation is attribute discard, treat-as-withdraw or
 * session reset), RFC 5065 (confederation segments, counted as RFC 5065 5.3
 * says). Unknown optional transitive attributes are kept and passed on with
 * the Partial bit set; unknown optional non-transitive ones are dropped.
 *
 * Representation: inside the daemon every AS number is 4 octets, whatever the
 * peer speaks; 2-octet AS_PATH + AS4_PATH are merged on receive and split on
 * send (AS_TRANS + AS4_PATH) according to struct bgp_peer_ctx.as4.
 *
 * Memory: a struct bgp_attrs owns its AS path, communities and unknown
 * attributes (heap). A decoded or locally built set is a plain value
 * (bgp_attrs_init/bgp_attrs_clear). For the RIB, bgp_attr_intern() returns a
 * shared, immutable, reference-counted copy from a hash table, so a million
 * routes sharing a few thousand attribute sets hold a few thousand copies.
 */
#ifndef ANYBGP_BGP_ATTR_H
#define ANYBGP_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "wire.h"
#include "bgp_error.h"

struct strbuf;

#define BGP_AS_TRANS 23456u /* RFC 6793 */
#define BGP_MAX_MSG  4096u  /* RFC 4271 4.1 */

/* Address families (RFC 4760): wire AFI/SAFI and the daemon's own index. */
#define BGP_AFI_IPV4	 1
#define BGP_AFI_IPV6	 2
#define BGP_SAFI_UNICAST 1

enum bgp_af {
	BGP_AF_IPV4_UNICAST = 0,
	BGP_AF_IPV6_UNICAST = 1,
	BGP_AF_COUNT
};

/* -1 when the pair is not one of ours. */
int bgp_af_from_afi_safi(uint16_t afi, uint8_t safi);
uint16_t bgp_af_afi(enum bgp_af);
uint8_t bgp_af_safi(enum bgp_af);
int bgp_af_family(enum bgp_af);	      /* AF_INET or AF_INET6 */
int bgp_af_from_family(int family);   /* -1 if neither */
const char *bgp_af_name(enum bgp_af); /* "ipv4-unicast", "ipv6-unicast" */

/*
 * What the codec must know about the session an UPDATE goes to or comes from.
 * The FSM fills it when the session reaches Established (bgp_caps_negotiate()
 * in bgp_msg.h fills as4 and af[]).
 */
struct bgp_peer_ctx {
	bool as4;	       /* both sides sent the 4-octet AS capability */
	bool ebgp;	       /* external peer (peer_as != local_as) */
	bool af[BGP_AF_COUNT]; /* families negotiated (RFC 4760 6) */
	uint32_t local_as;
	uint32_t peer_as;
	/*
	 * eBGP: reject (treat-as-withdraw, RFC 4271 6.3 / RFC 7606 7.2) an AS_PATH
	 * whose leftmost AS is not peer_as. Off for route servers that do not
	 * prepend their AS (the cloud route server of Lab B may be one).
	 */
	bool check_first_as;
	uint16_t max_msg; /* 0: BGP_MAX_MSG */
};

/* Attribute type codes. */
enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH_NLRI = 14,
	BGP_ATTR_MP_UNREACH_NLRI = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
};

/* Attribute flags octet (RFC 4271 4.3). */
#define BGP_ATTR_F_OPTIONAL   0x80
#define BGP_ATTR_F_TRANSITIVE 0x40
#define BGP_ATTR_F_PARTIAL    0x20
#define BGP_ATTR_F_EXTLEN     0x10

/* "ORIGIN", "AS_PATH", ... (also ORIGINATOR_ID, CLUSTER_LIST and
 * EXTENDED_COMMUNITIES, which are not decoded) or NULL for a type we do not know. */
const char *bgp_attr_type_name(uint8_t type);

enum bgp_origin {
	BGP_ORIGIN_IGP = 0,
	BGP_ORIGIN_EGP = 1,
	BGP_ORIGIN_INCOMPLETE = 2,
};

const char *bgp_origin_name(uint8_t origin); /* "IGP", "EGP", "incomplete" */
char bgp_origin_char(uint8_t origin);	     /* 'i', 'e', '?' as routers print it */

/*
 * AS_PATH segment types (RFC 4271 4.3, RFC 5065 3).
 */
enum bgp_aspath_seg {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,
	BGP_AS_CONFED_SET = 4,
};

/*
 * An AS path, always with 4-octet AS numbers, in host order. w[] holds the
 * segments one after the other: a header word (type << 8 | count, count
 * 1..255) followed by count AS numbers. nwords 0 is the empty path (a route
 * originated inside the AS). Immutable once built; equal paths have equal w[].
 */
struct bgp_aspath {
	uint32_t nwords;
	uint32_t w[];
};

#define BGP_ASSEG_TYPE(hdr)  ((uint8_t)((hdr) >> 8))
#define BGP_ASSEG_COUNT(hdr) ((uint8_t)(hdr))

struct bgp_aspath *bgp_aspath_new(const uint32_t *w, uint32_t nwords); /* copy; NULL: ENOMEM */
struct bgp_aspath *bgp_aspath_dup(const struct bgp_aspath *);	       /* NULL in, empty path out */
void bgp_aspath_free(struct bgp_aspath *);
/* A path of one AS_SEQUENCE, e.g. from a list of config values. */
struct bgp_aspath *bgp_aspath_from_seq(const uint32_t *asns, size_t n);
/*
 * A new path with asn prepended count times (RFC 4271 5.1.2: into the
 * leading AS_SEQUENCE while it has room, else a new segment). NULL path: empty.
 */
struct bgp_aspath *bgp_aspath_prepend(const struct bgp_aspath *, uint32_t asn, unsigned count);
/* Path length for the decision process (RFC 4271 9.1.2.2 a): an AS_SET counts
 * 1, confederation segments count 0 (RFC 5065 5.3). NULL: 0. */
unsigned bgp_aspath_length(const struct bgp_aspath *);
/* Leftmost AS of the leading AS_SEQUENCE (the neighbour AS, RFC 4271 9.1.2.2 c),
 * 0 when the path is empty or starts with a set. */
uint32_t bgp_aspath_first_as(const struct bgp_aspath *);
/* Rightmost AS of the last AS_SEQUENCE (the origin AS); 0 when none. */
uint32_t bgp_aspath_origin_as(const struct bgp_aspath *);
/* Whether asn appears anywhere in the path (loop detection, RFC 4271 9.1.2). */
bool bgp_aspath_contains(const struct bgp_aspath *, uint32_t asn);
bool bgp_aspath_equal(const struct bgp_aspath *, const struct bgp_aspath *);
/* "65511 8075 {1 2} (65000 65001) [3 4]": sets in braces, confed sequence
 * in parentheses, confed set in brackets; "" for the empty path. Appends. */
void bgp_aspath_print(struct strbuf *, const struct bgp_aspath *);

/* COMMUNITIES (RFC 1997): values in the order received, host order. */
struct bgp_communities {
	uint32_t n;
	uint32_t v[];
};

#define BGP_COMM_NO_EXPORT	     0xFFFFFF01u
#define BGP_COMM_NO_ADVERTISE	     0xFFFFFF02u
#define BGP_COMM_NO_EXPORT_SUBCONFED 0xFFFFFF03u
#define BGP_COMM_BLACKHOLE	     0xFFFF029Au /* RFC 7999 */
#define BGP_COMM_GRACEFUL_SHUTDOWN   0xFFFF0000u /* RFC 8326 */
#define BGP_COMM(asn, val)	     ((uint32_t)(asn) << 16 | (uint16_t)(val))

/* "65511:100" (or "no-export", "no-advertise", "no-export-subconfed"); appends. */
void bgp_community_print(struct strbuf *, uint32_t);
/* "ASN:VAL" (each 0..65535) or one of the well-known names; 0 or -1. */
int bgp_community_parse(const char *, uint32_t *);
/* All of them separated by spaces. NULL prints nothing. */
void bgp_communities_print(struct strbuf *, const struct bgp_communities *);

/*
 * LARGE_COMMUNITY (RFC 8092): Global Administrator, Local Data Part 1 and 2,
 * each 4 octets; printed and configured as "65511:1:2". Duplicates are
 * dropped on receipt (RFC 8092 5 lets a speaker do so), order kept.
 */
struct bgp_lcomm {
	uint32_t global;
	uint32_t local1;
	uint32_t local2;
};

struct bgp_lcommunities {
	uint32_t n;
	struct bgp_lcomm v[];
};

bool bgp_lcomm_equal(const struct bgp_lcomm *, const struct bgp_lcomm *);
/* "GLOBAL:LOCAL1:LOCAL2", each 0..4294967295; 0 or -1. */
int bgp_lcomm_parse(const char *, struct bgp_lcomm *);
void bgp_lcomm_print(struct strbuf *, const struct bgp_lcomm *);	 /* appends */
void bgp_lcomms_print(struct strbuf *, const struct bgp_lcommunities *); /* space-separated */

/*
 * Unknown optional transitive attributes kept for passing on: a sequence of
 * encoded attributes (flags, type, length, value), flags already with the
 * Partial bit set, in ascending type order, at most one per type.
 */
struct bgp_rawattrs {
	uint32_t len;
	uint8_t data[];
};

/* Presence bits of struct bgp_attrs.present. */
#define BGP_ATTRS_ORIGIN       0x0001u
#define BGP_ATTRS_AS_PATH      0x0002u
#define BGP_ATTRS_NEXT_HOP     0x0004u /* nexthop is valid */
#define BGP_ATTRS_MED	       0x0008u
#define BGP_ATTRS_LOCAL_PREF   0x0010u
#define BGP_ATTRS_ATOMIC_AGGR  0x0020u
#define BGP_ATTRS_AGGREGATOR   0x0040u
#define BGP_ATTRS_COMMUNITIES  0x0080u /* comms non-NULL, n >= 1 */
#define BGP_ATTRS_LCOMMUNITIES 0x0100u /* lcomms non-NULL, n >= 1 */

/*
 * One set of path attributes, as shared by the routes of one UPDATE.
 *
 * nexthop: the next hop of the routes. For IPv4 NLRI it is the NEXT_HOP
 * attribute (AF_INET); for IPv6 NLRI the MP_REACH_NLRI next hop (AF_INET6) with
 * an optional link-local one in nexthop_ll (RFC 2545 3). A decoded UPDATE keeps
 * the MP_REACH next hop apart (struct bgp_update.mp); see bgp_update_attrs_for().
 */
struct bgp_attrs {
	uint32_t present;	   /* BGP_ATTRS_* */
	uint8_t origin;		   /* enum bgp_origin */
	struct bgp_aspath *aspath; /* NULL: empty path */
	struct ipaddr nexthop;
	struct ipaddr nexthop_ll; /* family 0 when absent */
	uint32_t med;
	uint32_t local_pref;
	uint32_t aggregator_as;		 /* 4-octet, after RFC 6793 reconstruction */
	uint32_t aggregator_id;		 /* host order */
	struct bgp_communities *comms;	 /* NULL: none */
	struct bgp_lcommunities *lcomms; /* NULL: none */
	struct bgp_rawattrs *unknown;	 /* NULL: none */
	/* Interning: set by bgp_attr_intern(); 0 on a plain value. */
	uint32_t refcnt;
	uint32_t hash;
};

void bgp_attrs_init(struct bgp_attrs *);  /* all absent, empty path */
void bgp_attrs_clear(struct bgp_attrs *); /* free what it owns; init again */
int bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src); /* deep; 0/-1 */
uint32_t bgp_attrs_hash(const struct bgp_attrs *);
bool bgp_attrs_equal(const struct bgp_attrs *, const struct bgp_attrs *);

/* Setters for policy and origination, on a plain (not interned) value. 0 or -1 (ENOMEM). */
int bgp_attrs_set_aspath(struct bgp_attrs *, struct bgp_aspath *); /* takes it */
int bgp_attrs_prepend(struct bgp_attrs *, uint32_t asn, unsigned count);
int bgp_attrs_community_add(struct bgp_attrs *, uint32_t); /* no duplicate */
int bgp_attrs_community_del(struct bgp_attrs *, uint32_t);
void bgp_attrs_communities_clear(struct bgp_attrs *);
bool bgp_attrs_community_has(const struct bgp_attrs *, uint32_t);
int bgp_attrs_lcommunity_add(struct bgp_attrs *, const struct bgp_lcomm *); /* no duplicate */
int bgp_attrs_lcommunity_del(struct bgp_attrs *, const struct bgp_lcomm *);
void bgp_attrs_lcommunities_clear(struct bgp_attrs *);
bool bgp_attrs_lcommunity_has(const struct bgp_attrs *, const struct bgp_lcomm *);

/*
 * Interning table. bgp_attr_intern() returns the shared copy equal to the
 * given set (creating it, deep-copied, on first use) with one reference
 * taken; the caller's value is left as it is. bgp_attr_unref() drops one
 * reference and frees the copy at zero. NULL on allocation failure.
 */
struct bgp_attr_table;

struct bgp_attr_table *bgp_attr_table_new(void);
void bgp_attr_table_free(struct bgp_attr_table *); /* frees every entry */
const struct bgp_attrs *bgp_attr_intern(struct bgp_attr_table *, const struct bgp_attrs *);
const struct bgp_attrs *bgp_attr_ref(const struct bgp_attrs *);		/* +1, returns it */
void bgp_attr_unref(struct bgp_attr_table *, const struct bgp_attrs *); /* NULL ok */
size_t bgp_attr_table_count(const struct bgp_attr_table *);		/* distinct sets */
size_t bgp_attr_table_bytes(const struct bgp_attr_table *);		/* memory held */

/*
 * The multiprotocol attributes of one UPDATE (RFC 4760 3 and 4), as decoded.
 * The NLRI readers point into the message buffer and are already validated:
 * bgp_nlri_next() on them cannot fail.
 */
struct bgp_mp {
	bool reach; /* MP_REACH_NLRI present */
	uint16_t reach_afi;
	uint8_t reach_safi;
	int reach_af;		  /* enum bgp_af, -1 when not ours or not negotiated (ignored) */
	struct ipaddr nexthop;	  /* global next hop */
	struct ipaddr nexthop_ll; /* link-local (RFC 2545), family 0 when absent */
	struct wire_rd reach_nlri;

	bool unreach; /* MP_UNREACH_NLRI present */
	uint16_t unreach_afi;
	uint8_t unreach_safi;
	int unreach_af; /* as reach_af */
	struct wire_rd unreach_nlri;
};

/*
 * Decode the path attributes field (rd: exactly Total Path Attribute Length
 * octets) into attrs (initialised by the caller) and mp, following RFC 4271
 * 6.3 and RFC 7606. Problems go into err with their action:
 *   - session reset (returns -1): MP_REACH/MP_UNREACH malformed or repeated,
 *     unrecognised well-known attribute;
 *   - treat-as-withdraw (returns 0, err->action BGP_ACT_WITHDRAW): malformed
 *     ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, COMMUNITIES, LARGE_COMMUNITY
 *     (length not a non-zero multiple of 12, RFC 8092 6), flags errors
 *     of those, an attribute overrunning the field; an AS_SET or
 *     AS_CONFED_SET segment in AS_PATH or AS4_PATH (RFC 9774 3);
 *   - attribute discard (returns 0, BGP_ACT_ATTR_DISCARD): malformed
 *     ATOMIC_AGGREGATE, AGGREGATOR, AS4_PATH, AS4_AGGREGATOR, duplicates of
 *     attributes other than MP_*, LOCAL_PREF from an external peer.
 * Missing mandatory attributes are checked by bgp_update_decode(), which
 * knows which NLRI are present. *ndiscarded (may be NULL) counts the
 * attributes discarded.
 */
int bgp_attrs_decode(struct wire_rd *rd, const struct bgp_peer_ctx *, struct bgp_attrs *attrs,
    struct bgp_mp *mp, struct bgp_err *err, unsigned *ndiscarded);

/*
 * Encode attrs for the peer of ctx, without MP_* (the UPDATE builders add
 * those): ORIGIN, AS_PATH (4-octet when ctx->as4, else 2-octet with AS_TRANS
 * plus AS4_PATH when an AS does not fit), NEXT_HOP when with_nexthop and
 * nexthop is IPv4, MED, LOCAL_PREF (only to internal peers: RFC 4271 5.1.5),
 * ATOMIC_AGGREGATE, AGGREGATOR (+AS4_AGGREGATOR likewise), COMMUNITIES,
 * LARGE_COMMUNITY and the kept unknown transitive attributes, in ascending type order. 0 or -1
 * (w->err set: no room).
 */
int bgp_attrs_encode(struct wire_wr *w, const struct bgp_peer_ctx *, const struct bgp_attrs *,
    bool with_nexthop);

/*
 * Attribute descriptors: the one place an attribute plugs in (BIRD's
 * bgp_attr_table). One descriptor per attribute the codec knows, in one table
 * in ascending type order, says its type code, its name, the Optional and
 * Transitive bits it must carry, the RFC 7606 action when it is malformed, and
 * how it is decoded (into struct bgp_attrs or struct bgp_mp, through the
 * bounded reader), encoded (for the peer of a struct bgp_peer_ctx), printed
 * (bgp_attrs_print()), compared (bgp_attrs_equal()) and hashed
 * (bgp_attrs_hash()). bgp_attrs_decode(), bgp_attrs_encode() and those three
 * walk the table; a new attribute is one new descriptor and its functions.
 * print, equal and hash are NULL when the attribute keeps no value of its own
 * in struct bgp_attrs (MP_* and AS4_* fold into the next hop, AS path and
 * aggregator; ATOMIC_AGGREGATE is its present bit only).
 */
struct bgp_attr_dec; /* the decoding state of one attributes field (bgp_attr.c) */

/* What an encoder writes from. */
struct bgp_attr_enc {
	const struct bgp_peer_ctx *ctx;
	const struct bgp_attrs *attrs;
	bool with_nexthop; /* NEXT_HOP: written (IPv4 NLRI in the NLRI field) */
	/* MP_REACH_NLRI / MP_UNREACH_NLRI: written only when mp is set, for af,
	 * carrying pfx[0..npfx) (the next hop of MP_REACH from attrs). */
	bool mp;
	enum bgp_af af;
	const struct prefix *pfx;
	size_t npfx;
	/* kept unknown attributes: written up to (not including) type
	 * unknown_below, continuing at unknown_off */
	unsigned unknown_below;
	size_t unknown_off;
};

/* bgp_attr_desc.dflags */
#define BGP_ATTR_D_NLRI	     0x01 /* carries NLRI: written by the UPDATE builders, repeat = reset */
#define BGP_ATTR_D_IBGP_ONLY 0x02 /* from an external peer: discarded before any check */

struct bgp_attr_desc {
	uint8_t type;		       /* enum bgp_attr_type; 0 for the unknown-attribute one */
	const char *name;	       /* "ORIGIN", as RFCs and IANA spell it */
	uint8_t flags;		       /* expected Optional and Transitive bits */
	enum bgp_err_action malformed; /* RFC 7606 action when malformed */
	unsigned dflags;	       /* BGP_ATTR_D_* */
	/* 0, or -1 to stop decoding (session reset); problems go to the state's err */
	int (*decode)(struct bgp_attr_dec *, struct wire_rd *val);
	/* Writes the attribute, header included, or nothing when absent; -1 when it
	 * cannot be written (w->err set). */
	int (*encode)(const struct bgp_attr_desc *, struct wire_wr *, struct bgp_attr_enc *);
	/* Appends " keyword value" (ORIGIN, always first: no leading space). */
	void (*print)(struct strbuf *, const struct bgp_attrs *);
	/* Called once the present bits are known equal. */
	bool (*equal)(const struct bgp_attrs *, const struct bgp_attrs *);
	uint32_t (*hash)(uint32_t h, const struct bgp_attrs *);
};

/* The table (ascending type) and its size in *n. */
const struct bgp_attr_desc *bgp_attr_descs(size_t *n);
/* The descriptor of type, NULL when the codec does not know it. */
const struct bgp_attr_desc *bgp_attr_desc_find(uint8_t type);
/* The descriptor used for every unknown optional transitive attribute: kept
 * raw (struct bgp_rawattrs) and passed on with the Partial bit. */
const struct bgp_attr_desc *bgp_attr_desc_unknown(void);
/*
 * Write MP_REACH_NLRI (next hop from attrs) or MP_UNREACH_NLRI (attrs may be
 * NULL) for af with pfx[0..n); n 0 with MP_UNREACH_NLRI is End-of-RIB. 0 or -1
 * (w->err set: no room, a type that is neither, a next hop not of af).
 */
int bgp_attr_encode_mp(struct wire_wr *, uint8_t type, const struct bgp_attrs *, enum bgp_af af,
    const struct prefix *pfx, size_t n);

/*
 * NLRI prefixes (RFC 4271 4.3, RFC 4760 5): length octet + the significant
 * octets. bgp_nlri_check() walks a whole block and reports a prefix length
 * above the family's maximum or a prefix overrunning the block (Invalid
 * Network Field, session reset: RFC 7606 5.3); it returns the number of
 * prefixes or -1. bgp_nlri_next() reads one prefix (host bits cleared); false
 * at the end or on error (rd->err set). bgp_nlri_put() writes one;
 * bgp_nlri_size() is its encoded size.
 */
long bgp_nlri_check(const struct wire_rd *rd, int family, struct bgp_err *err);
bool bgp_nlri_next(struct wire_rd *rd, int family, struct prefix *out);
void bgp_nlri_put(struct wire_wr *w, const struct prefix *);
size_t bgp_nlri_size(const struct prefix *);

/* Whole-attribute-set printer for logs: "origin IGP as-path 65511 nexthop
 * 10.10.10.1 med 0 local-pref 100 communities 65511:100". Appends. */
void bgp_attrs_print(struct strbuf *, const struct bgp_attrs *);

#endif
