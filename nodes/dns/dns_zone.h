/*
 * The zone model: a zone is an immutable set of nodes (owner names) each
 * holding RRsets, with a hash table for lookup, built once by a builder and
 * then shared read-only by every worker. A zone set is the group of zones a
 * server answers for, reference counted so that a reload can swap in a new
 * set while queries still use the old one.
 *
 * RFC 1034 4.3.2 (lookup: exact match, delegation, CNAME, wildcard as
 * clarified by RFC 4592), RFC 6672 2.3-2.4 and 3.2 (DNAME: the names below
 * its owner are redirected, none may exist), RFC 2181 5 (RRsets, duplicate
 * records), RFC 1034 3.6.2 (CNAME and other data), RFC 2308 5 (negative
 * TTL), RFC 4034 6 (canonical order, for the printed form).
 */
#ifndef ANYLAB_DNS_ZONE_H
#define ANYLAB_DNS_ZONE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_name.h"
#include "strbuf.h"

/* Messages gathered while building: errors (the zone is rejected) and notes (logged). */
#define DNS_ZMSG_MAX 16

struct dns_zmsgs {
	int nerr;
	int nnote;
	char err[DNS_ZMSG_MAX][320];
	char note[DNS_ZMSG_MAX][320];
};

void dns_zmsg_err(struct dns_zmsgs *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dns_zmsg_note(struct dns_zmsgs *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An RRset: count rdatas, each stored as a 2-octet length (host order) then the octets. */
struct dns_rrset {
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	uint8_t *rdata;
	size_t rdata_len;
};

/* Iterate the rdatas of an RRset. */
struct dns_rdata_it {
	const uint8_t *p;
	const uint8_t *end;
};

static inline void
dns_rdata_it_init(struct dns_rdata_it *it, const struct dns_rrset *rs)
{
	it->p = rs->rdata;
	it->end = rs->rdata + rs->rdata_len;
}

/* Next rdata into *data and *len; false at the end. */
static inline bool
dns_rdata_it_next(struct dns_rdata_it *it, const uint8_t **data, uint16_t *len)
{
	uint16_t l;

	if (it->p >= it->end)
		return false;
	__builtin_memcpy(&l, it->p, 2);
	*data = it->p + 2;
	*len = l;
	it->p += 2 + (size_t)l;
	return true;
}

struct dns_node {
	uint8_t *name; /* wire form, case as written */
	uint32_t hash;
	struct dns_node *hnext;
	struct dns_rrset *rrsets; /* sorted by type */
	uint16_t nrrsets;
	bool delegation;	    /* NS below the apex: a zone cut */
	const struct dns_node *cut; /* highest zone cut at or above, or NULL */
};

struct dns_zone {
	uint8_t origin[DNS_NAME_MAXLEN];
	int origin_labels;
	char *source;		/* "config" or the master file's name */
	struct dns_node *nodes; /* canonical order, apex first */
	size_t nnodes;
	struct dns_node **hash;
	size_t hmask;
	const struct dns_node *apex;
	const struct dns_rrset *soa;
	uint32_t neg_ttl; /* min(SOA TTL, SOA MINIMUM), RFC 2308 5 */
	uint32_t serial;
	size_t nrecords;
	bool made_soa; /* SOA/NS made as Windows DNS does */
	bool made_ns;
};

/* Building a zone. */
struct dns_zone_builder;

struct dns_zone_builder *dns_zb_new(const uint8_t *origin, const char *source);
void dns_zb_free(struct dns_zone_builder *);
/*
 * Add one record; owner must be at or below the origin. Returns 0, or -1 with
 * a message in err (the caller adds the place: file:line:col or JSON path).
 */
int dns_zb_add(struct dns_zone_builder *, const uint8_t *owner, uint16_t type, uint32_t ttl,
    const uint8_t *rdata, size_t len, char *err, size_t errlen);
/*
 * Finish: sort, drop duplicates, check (one SOA at the apex, CNAME alone,
 * one DNAME per owner and nothing below it),
 * make empty non-terminals, and when the zone has no SOA or no NS at the
 * apex, make them as Windows DNS does for a new primary zone: SOA
 * "HOST. hostmaster.ORIGIN. 1 900 600 86400 3600" and NS "HOST.", TTL 3600,
 * HOST being the server's name (a note in msgs says so). Frees the builder.
 * NULL when there were errors (in msgs).
 */
struct dns_zone *dns_zb_finish(struct dns_zone_builder *, const char *host, struct dns_zmsgs *);

void dns_zone_free(struct dns_zone *);

/* What a name is in a zone (RFC 1034 4.3.2 step 3). */
enum dns_lookup_kind {
	DNS_LK_FOUND,	   /* node is the name */
	DNS_LK_WILDCARD,   /* node is the wildcard that matches (RFC 4592) */
	DNS_LK_DELEGATION, /* node is the zone cut at or above the name */
	DNS_LK_DNAME,	   /* node owns a DNAME above the name (RFC 6672 3.2) */
	DNS_LK_NXDOMAIN,   /* no such name; node is the closest encloser */
};

struct dns_lookup {
	enum dns_lookup_kind kind;
	const struct dns_node *node;
};

/* qname must be at or below the zone's origin. */
void dns_zone_lookup(const struct dns_zone *, const uint8_t *qname, struct dns_lookup *);
/* The node with exactly this name, or NULL (glue and additional lookups). */
const struct dns_node *dns_zone_node(const struct dns_zone *, const uint8_t *name);
const struct dns_rrset *dns_node_rrset(const struct dns_node *, uint16_t type);

/* The zone as canonical master-file text (RFC 4034 6.1 order, absolute names). */
void dns_zone_print(const struct dns_zone *, struct strbuf *);

/* The zones one server answers for. Shared read-only; freed by the last dns_zoneset_put. */
struct dns_zoneset {
	struct dns_zone **zones;
	size_t nzones;
	_Atomic unsigned refs;
	uint64_t generation;
};

struct dns_zoneset *dns_zoneset_new(void);
/* Takes ownership of zone. -1 when a zone with that origin is already in the set. */
int dns_zoneset_add(struct dns_zoneset *, struct dns_zone *);
void dns_zoneset_get(struct dns_zoneset *);
void dns_zoneset_put(struct dns_zoneset *);
/* The zone with the longest origin at or above qname, or NULL. */
const struct dns_zone *dns_zoneset_find(const struct dns_zoneset *, const uint8_t *qname);

#endif
