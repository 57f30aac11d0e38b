/*
 * Zone model: building (RFC 2181 5 duplicates and RRsets, RFC 1034 3.6.2
 * CNAME alone, RFC 6672 2.4 nothing below a DNAME, empty non-terminals, zone
 * cuts, default SOA/NS as Windows DNS makes them), lookup (RFC 1034 4.3.2
 * with RFC 4592 wildcards and RFC 6672 3.2 DNAME), canonical printing
 * (RFC 4034 6.1-6.3), reference-counted zone sets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"
#include "dns_zone.h"

struct zb_rec {
	uint8_t *owner;
	uint8_t *rdata;
	uint32_t ttl;
	uint16_t type;
	uint16_t len;
};

struct dns_zone_builder {
	uint8_t origin[DNS_NAME_MAXLEN];
	char *source;
	struct zb_rec *recs;
	size_t nrecs;
	size_t cap;
};

/* Windows DNS defaults for a new primary zone (DNS Manager, "New Zone"). */
#define WIN_SOA_SERIAL	1
#define WIN_SOA_REFRESH 900
#define WIN_SOA_RETRY	600
#define WIN_SOA_EXPIRE	86400
#define WIN_SOA_MINIMUM 3600
#define WIN_TTL		3600

static int rec_cmp(const void *, const void *);
static int name_ptr_cmp(const void *, const void *);
static int zb_push(struct dns_zone_builder *, const uint8_t *, uint16_t, uint32_t, const uint8_t *,
    size_t);
static int make_defaults(struct dns_zone_builder *, const char *host, struct dns_zmsgs *);
static struct dns_node *hash_find(const struct dns_zone *, const uint8_t *, uint32_t);

void
dns_zmsg_err(struct dns_zmsgs *m, const char *fmt, ...)
{
	va_list ap;

	if (m->nerr < DNS_ZMSG_MAX) {
		va_start(ap, fmt);
		vsnprintf(m->err[m->nerr], sizeof(m->err[0]), fmt, ap);
		va_end(ap);
	}
	m->nerr++;
}

void
dns_zmsg_note(struct dns_zmsgs *m, const char *fmt, ...)
{
	va_list ap;

	if (m->nnote < DNS_ZMSG_MAX) {
		va_start(ap, fmt);
		vsnprintf(m->note[m->nnote], sizeof(m->note[0]), fmt, ap);
		va_end(ap);
	}
	m->nnote++;
}

struct dns_zone_builder *
dns_zb_new(const uint8_t *origin, const char *source)
{
	struct dns_zone_builder *zb = calloc(1, sizeof(*zb));

	if (zb == NULL)
		return NULL;
	memcpy(zb->origin, origin, dns_name_len(origin));
	zb->source = strdup(source ? source : "config");
	if (zb->source == NULL) {
		free(zb);
		return NULL;
	}
	return zb;
}

void
dns_zb_free(struct dns_zone_builder *zb)
{
	if (zb == NULL)
		return;
	for (size_t i = 0; i < zb->nrecs; i++) {
		free(zb->recs[i].owner);
		free(zb->recs[i].rdata);
	}
	free(zb->recs);
	free(zb->source);
	free(zb);
}

static int
zb_push(struct dns_zone_builder *zb, const uint8_t *owner, uint16_t type, uint32_t ttl,
    const uint8_t *rdata, size_t len)
{
	struct zb_rec *r;
	size_t olen = dns_name_len(owner);

	if (zb->nrecs == zb->cap) {
		size_t cap = zb->cap ? zb->cap * 2 : 16;
		struct zb_rec *n = realloc(zb->recs, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		zb->recs = n;
		zb->cap = cap;
	}
	r = &zb->recs[zb->nrecs];
	r->owner = malloc(olen);
	r->rdata = malloc(len ? len : 1);
	if (r->owner == NULL || r->rdata == NULL) {
		free(r->owner);
		free(r->rdata);
		return -1;
	}
	memcpy(r->owner, owner, olen);
	if (len)
		memcpy(r->rdata, rdata, len);
	r->len = (uint16_t)len;
	r->ttl = ttl;
	r->type = type;
	zb->nrecs++;
	return 0;
}

int
dns_zb_add(struct dns_zone_builder *zb, const uint8_t *owner, uint16_t type, uint32_t ttl,
    const uint8_t *rdata, size_t len, char *err, size_t errlen)
{
	char on[DNS_NAME_TEXT_MAX], zn[DNS_NAME_TEXT_MAX], tn[16];

	if (!dns_name_is_sub(owner, zb->origin)) {
		dns_name_to_text(owner, on, sizeof(on));
		dns_name_to_text(zb->origin, zn, sizeof(zn));
		snprintf(err, errlen, "%s is outside the zone %s", on, zn);
		return -1;
	}
	switch (type) {
	case DNS_T_OPT:
	case DNS_T_TSIG:
	case DNS_T_TKEY:
	case DNS_T_IXFR:
	case DNS_T_AXFR:
	case DNS_T_MAILA:
	case DNS_T_MAILB:
	case DNS_T_ANY:
		snprintf(err, errlen, "type %s cannot be in a zone",
		    dns_type_name(type, tn, sizeof(tn)));
		return -1;
	case DNS_T_SOA:
		if (!dns_name_eq(owner, zb->origin)) {
			snprintf(err, errlen, "SOA record only at the zone apex");
			return -1;
		}
		break;
	default:
		break;
	}
	if (ttl > 0x7fffffffu) {
		snprintf(err, errlen, "TTL above 2147483647 (RFC 2181 8)");
		return -1;
	}
	if (len > DNS_RDATA_MAX || !dns_rdata_valid(type, rdata, len)) {
		snprintf(err, errlen, "rdata not valid for type %s",
		    dns_type_name(type, tn, sizeof(tn)));
		return -1;
	}
	if (zb_push(zb, owner, type, ttl, rdata, len) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct zb_rec *x = a, *y = b;
	size_t m;
	int c = dns_name_cmp(x->owner, y->owner);

	if (c != 0)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	m = x->len < y->len ? x->len : y->len;
	c = memcmp(x->rdata, y->rdata, m);
	if (c != 0)
		return c;
	return x->len == y->len ? 0 : (x->len < y->len ? -1 : 1);
}

static int
name_ptr_cmp(const void *a, const void *b)
{
	return dns_name_cmp(*(uint8_t *const *)a, *(uint8_t *const *)b);
}

static int
make_defaults(struct dns_zone_builder *zb, const char *host, struct dns_zmsgs *msgs)
{
	bool has_soa = false, has_ns = false;
	uint8_t primary[DNS_NAME_MAXLEN], rname[DNS_NAME_MAXLEN], rdata[2 * DNS_NAME_MAXLEN + 20];
	char zn[DNS_NAME_TEXT_MAX], pn[DNS_NAME_TEXT_MAX];
	struct wire_wr wr;
	int plen, rlen;

	for (size_t i = 0; i < zb->nrecs; i++) {
		if (!dns_name_eq(zb->recs[i].owner, zb->origin))
			continue;
		if (zb->recs[i].type == DNS_T_SOA)
			has_soa = true;
		if (zb->recs[i].type == DNS_T_NS)
			has_ns = true;
	}
	if (has_soa && has_ns)
		return 0;
	plen = dns_name_from_text(host, strlen(host), NULL, primary);
	if (plen < 0 || host[0] == '\0')
		plen = dns_name_from_text("localhost", 9, NULL, primary);
	dns_name_lower(primary);
	rlen = dns_name_from_text("hostmaster", 10, zb->origin, rname);
	if (rlen < 0)
		rlen = dns_name_from_text("hostmaster", 10, NULL, rname);
	dns_name_to_text(zb->origin, zn, sizeof(zn));
	dns_name_to_text(primary, pn, sizeof(pn));
	if (!has_soa) {
		wire_wr_init(&wr, rdata, sizeof(rdata));
		wire_put(&wr, primary, (size_t)plen);
		wire_put(&wr, rname, (size_t)rlen);
		wire_put_u32(&wr, WIN_SOA_SERIAL);
		wire_put_u32(&wr, WIN_SOA_REFRESH);
		wire_put_u32(&wr, WIN_SOA_RETRY);
		wire_put_u32(&wr, WIN_SOA_EXPIRE);
		wire_put_u32(&wr, WIN_SOA_MINIMUM);
		if (zb_push(zb, zb->origin, DNS_T_SOA, WIN_TTL, rdata, wr.len) < 0)
			return -1;
		dns_zmsg_note(msgs,
		    "zone %s has no SOA record: made "
		    "\"%s %u IN SOA %s hostmaster.%s %u %u %u %u %u\" as Windows DNS does "
		    "for a new zone",
		    zn, zn, WIN_TTL, pn, zn[1] ? zn : "", WIN_SOA_SERIAL, WIN_SOA_REFRESH,
		    WIN_SOA_RETRY, WIN_SOA_EXPIRE, WIN_SOA_MINIMUM);
	}
	if (!has_ns) {
		if (zb_push(zb, zb->origin, DNS_T_NS, WIN_TTL, primary, (size_t)plen) < 0)
			return -1;
		dns_zmsg_note(msgs,
		    "zone %s has no NS record: made \"%s %u IN NS %s\" as Windows "
		    "DNS does for a new zone",
		    zn, zn, WIN_TTL, pn);
	}
	return (has_soa ? 0 : 1) | (has_ns ? 0 : 2);
}

static struct dns_node *
hash_find(const struct dns_zone *z, const uint8_t *name, uint32_t h)
{
	for (struct dns_node *n = z->hash[h & z->hmask]; n; n = n->hnext)
		if (n->hash == h && dns_name_eq(n->name, name))
			return n;
	return NULL;
}

struct dns_zone *
dns_zb_finish(struct dns_zone_builder *zb, const char *host, struct dns_zmsgs *msgs)
{
	struct dns_zone *z = NULL;
	uint8_t **names = NULL;
	size_t nnames = 0, namecap = 0, w, nsoa = 0;
	char zn[DNS_NAME_TEXT_MAX], on[DNS_NAME_TEXT_MAX];
	int made;
	int errs = msgs->nerr;

	dns_name_to_text(zb->origin, zn, sizeof(zn));
	made = make_defaults(zb, host ? host : "localhost", msgs);
	if (made < 0)
		goto oom;
	/* Sort and drop duplicate records (RFC 2181 5). */
	qsort(zb->recs, zb->nrecs, sizeof(zb->recs[0]), rec_cmp);
	w = 0;
	for (size_t i = 0; i < zb->nrecs; i++) {
		if (w > 0 && rec_cmp(&zb->recs[w - 1], &zb->recs[i]) == 0) {
			free(zb->recs[i].owner);
			free(zb->recs[i].rdata);
			continue;
		}
		zb->recs[w++] = zb->recs[i];
	}
	zb->nrecs = w;
	/* Every owner and its ancestors up to the apex are nodes (empty non-terminals). */
	for (size_t i = 0; i < zb->nrecs; i++) {
		const uint8_t *p = zb->recs[i].owner;

		if (i > 0 && dns_name_eq(zb->recs[i - 1].owner, p))
			continue;
		for (;;) {
			if (nnames == namecap) {
				size_t cap = namecap ? namecap * 2 : 32;
				uint8_t **nn = realloc(names, cap * sizeof(*nn));

				if (nn == NULL)
					goto oom;
				names = nn;
				namecap = cap;
			}
			names[nnames++] = (uint8_t *)p;
			if (dns_name_eq(p, zb->origin))
				break;
			p = dns_name_parent(p);
		}
	}
	qsort(names, nnames, sizeof(names[0]), name_ptr_cmp);
	z = calloc(1, sizeof(*z));
	if (z == NULL)
		goto oom;
	memcpy(z->origin, zb->origin, dns_name_len(zb->origin));
	z->origin_labels = dns_name_labels(z->origin);
	z->source = zb->source;
	zb->source = NULL;
	z->made_soa = made > 0 && (made & 1);
	z->made_ns = made > 0 && (made & 2);
	z->nodes = calloc(nnames ? nnames : 1, sizeof(*z->nodes));
	z->hmask = 1;
	while (z->hmask < nnames * 2)
		z->hmask <<= 1;
	z->hash = calloc(z->hmask, sizeof(*z->hash));
	z->hmask--;
	if (z->nodes == NULL || z->hash == NULL)
		goto oom;
	for (size_t i = 0; i < nnames; i++) {
		struct dns_node *n;
		size_t len;

		if (z->nnodes > 0 && dns_name_eq(z->nodes[z->nnodes - 1].name, names[i]))
			continue;
		n = &z->nodes[z->nnodes++];
		len = dns_name_len(names[i]);
		n->name = malloc(len);
		if (n->name == NULL)
			goto oom;
		memcpy(n->name, names[i], len);
		n->hash = dns_name_hash(n->name);
		n->hnext = z->hash[n->hash & z->hmask];
		z->hash[n->hash & z->hmask] = n;
	}
	z->apex = &z->nodes[0];
	/* RRsets: records are sorted by owner then type. */
	for (size_t i = 0; i < zb->nrecs;) {
		const uint8_t *owner = zb->recs[i].owner;
		struct dns_node *n = hash_find(z, owner, dns_name_hash(owner));
		size_t j = i, total = 0, o = 0;
		struct dns_rrset *rs, *more;
		uint32_t ttl = zb->recs[i].ttl;
		bool ttl_differs = false;

		while (j < zb->nrecs && zb->recs[j].type == zb->recs[i].type &&
		    dns_name_eq(zb->recs[j].owner, zb->recs[i].owner)) {
			total += 2 + (size_t)zb->recs[j].len;
			if (zb->recs[j].ttl != ttl) {
				ttl_differs = true;
				if (zb->recs[j].ttl < ttl)
					ttl = zb->recs[j].ttl;
			}
			j++;
		}
		more = realloc(n->rrsets, (n->nrrsets + 1u) * sizeof(*more));
		if (more == NULL)
			goto oom;
		n->rrsets = more;
		rs = &n->rrsets[n->nrrsets++];
		memset(rs, 0, sizeof(*rs));
		rs->type = zb->recs[i].type;
		rs->ttl = ttl;
		rs->count = (uint16_t)(j - i);
		rs->rdata = malloc(total);
		if (rs->rdata == NULL)
			goto oom;
		rs->rdata_len = total;
		for (size_t k = i; k < j; k++) {
			memcpy(rs->rdata + o, &zb->recs[k].len, 2);
			memcpy(rs->rdata + o + 2, zb->recs[k].rdata, zb->recs[k].len);
			o += 2 + (size_t)zb->recs[k].len;
		}
		if (ttl_differs) {
			char tn[16];

			dns_name_to_text(n->name, on, sizeof(on));
			dns_zmsg_note(msgs,
			    "%s %s: records of one RRset with different TTLs; "
			    "using the lowest, %u (RFC 2181 5.2)",
			    on, dns_type_name(rs->type, tn, sizeof(tn)), ttl);
		}
		if (rs->type == DNS_T_SOA)
			nsoa += rs->count;
		z->nrecords += rs->count;
		i = j;
	}
	if (nsoa != 1)
		dns_zmsg_err(msgs, "%s: zone %s has %zu SOA records; it needs exactly one",
		    z->source, zn, nsoa);
	for (size_t i = 0; i < z->nnodes; i++) {
		struct dns_node *n = &z->nodes[i];
		const struct dns_node *parent;
		const struct dns_rrset *dname;

		dns_name_to_text(n->name, on, sizeof(on));
		if (dns_node_rrset(n, DNS_T_CNAME) != NULL && n->nrrsets > 1)
			dns_zmsg_err(msgs, "%s: %s has a CNAME and other records (RFC 1034 3.6.2)",
			    z->source, on);
		if (dns_node_rrset(n, DNS_T_CNAME) != NULL && n == z->apex)
			dns_zmsg_err(msgs, "%s: %s: a CNAME cannot be at the zone apex", z->source,
			    on);
		dname = dns_node_rrset(n, DNS_T_DNAME);
		if (dname != NULL && dname->count > 1)
			dns_zmsg_err(msgs,
			    "%s: %s has %u DNAME records; a name is redirected to one target",
			    z->source, on, dname->count);
		n->delegation = n != z->apex && dns_node_rrset(n, DNS_T_NS) != NULL;
		if (n == z->apex)
			continue;
		parent = dns_zone_node(z, dns_name_parent(n->name));
		n->cut = parent ? parent->cut : NULL;
		if (n->cut == NULL && n->delegation)
			n->cut = n;
		/* Names strictly below a zone cut are glue: the cut itself is checked. */
		for (const struct dns_node *p = parent; p != NULL && p->cut == NULL;
		     p = p == z->apex ? NULL : dns_zone_node(z, dns_name_parent(p->name))) {
			char dn[DNS_NAME_TEXT_MAX];

			if (dns_node_rrset(p, DNS_T_DNAME) == NULL)
				continue;
			dns_name_to_text(p->name, dn, sizeof(dn));
			dns_zmsg_err(msgs, "%s: %s is below the DNAME at %s (RFC 6672 2.4)",
			    z->source, on, dn);
			break;
		}
	}
	z->soa = dns_node_rrset(z->apex, DNS_T_SOA);
	if (z->soa != NULL) {
		const uint8_t *rd = NULL;
		uint16_t len = 0;
		struct dns_rdata_it it;
		struct wire_rd r;

		dns_rdata_it_init(&it, z->soa);
		if (!dns_rdata_it_next(&it, &rd, &len))
			goto oom;
		wire_rd_init(&r, rd, len);
		wire_skip(&r, dns_name_len(rd));
		wire_skip(&r, dns_name_len(rd + dns_name_len(rd)));
		z->serial = wire_u32(&r);
		wire_skip(&r, 12);
		z->neg_ttl = wire_u32(&r);
		if (z->soa->ttl < z->neg_ttl)
			z->neg_ttl = z->soa->ttl;
	}
	free(names);
	dns_zb_free(zb);
	if (msgs->nerr > errs) {
		dns_zone_free(z);
		return NULL;
	}
	return z;
oom:
	dns_zmsg_err(msgs, "zone %s: out of memory", zn);
	free(names);
	dns_zb_free(zb);
	dns_zone_free(z);
	return NULL;
}

void
dns_zone_free(struct dns_zone *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->nnodes; i++) {
		for (uint16_t k = 0; k < z->nodes[i].nrrsets; k++)
			free(z->nodes[i].rrsets[k].rdata);
		free(z->nodes[i].rrsets);
		free(z->nodes[i].name);
	}
	free(z->nodes);
	free(z->hash);
	free(z->source);
	free(z);
}

const struct dns_node *
dns_zone_node(const struct dns_zone *z, const uint8_t *name)
{
	return hash_find(z, name, dns_name_hash(name));
}

const struct dns_rrset *
dns_node_rrset(const struct dns_node *n, uint16_t type)
{
	for (uint16_t i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

void
dns_zone_lookup(const struct dns_zone *z, const uint8_t *qname, struct dns_lookup *lk)
{
	const struct dns_node *n = dns_zone_node(z, qname);
	const uint8_t *p = qname;
	uint8_t wild[DNS_NAME_MAXLEN];
	size_t plen;

	if (n != NULL) {
		if (n->cut != NULL) {
			lk->kind = DNS_LK_DELEGATION;
			lk->node = n->cut;
		} else {
			lk->kind = DNS_LK_FOUND;
			lk->node = n;
		}
		return;
	}
	/* Closest encloser: the apex at worst, since qname is in the zone. */
	do {
		p = dns_name_parent(p);
		n = dns_zone_node(z, p);
	} while (n == NULL && *p != 0);
	if (n == NULL)
		n = z->apex;
	if (n->cut != NULL) {
		lk->kind = DNS_LK_DELEGATION;
		lk->node = n->cut;
		return;
	}
	/* RFC 6672 3.2: nothing exists below a DNAME owner, so it is the closest encloser. */
	if (dns_node_rrset(n, DNS_T_DNAME) != NULL) {
		lk->kind = DNS_LK_DNAME;
		lk->node = n;
		return;
	}
	plen = dns_name_len(n->name);
	if (plen + 2 <= DNS_NAME_MAXLEN) {
		const struct dns_node *w;

		wild[0] = 1;
		wild[1] = '*';
		memcpy(wild + 2, n->name, plen);
		w = dns_zone_node(z, wild);
		if (w != NULL) {
			lk->kind = DNS_LK_WILDCARD;
			lk->node = w;
			return;
		}
	}
	lk->kind = DNS_LK_NXDOMAIN;
	lk->node = n;
}

void
dns_zone_print(const struct dns_zone *z, struct strbuf *sb)
{
	char zn[DNS_NAME_TEXT_MAX], on[DNS_NAME_TEXT_MAX], tn[16];

	dns_name_to_text(z->origin, zn, sizeof(zn));
	sb_printf(sb, "; zone %s from %s: %zu records, %zu names\n", zn, z->source, z->nrecords,
	    z->nnodes);
	if (z->made_soa)
		sb_printf(sb, "; SOA made as Windows DNS does for a new zone\n");
	if (z->made_ns)
		sb_printf(sb, "; NS made as Windows DNS does for a new zone\n");
	for (size_t i = 0; i < z->nnodes; i++) {
		const struct dns_node *n = &z->nodes[i];

		dns_name_to_text(n->name, on, sizeof(on));
		/* The SOA first, as master files have it; then by type (RFC 4034 6.3). */
		for (int k = -1; k < (int)n->nrrsets; k++) {
			const struct dns_rrset *rs = k < 0 ? (n == z->apex ? z->soa : NULL) :
							     &n->rrsets[k];
			struct dns_rdata_it it;
			const uint8_t *rd;
			uint16_t len;

			if (rs == NULL || (k >= 0 && rs == z->soa))
				continue;
			dns_rdata_it_init(&it, rs);
			while (dns_rdata_it_next(&it, &rd, &len)) {
				sb_printf(sb, "%s\t%u\tIN\t%s\t", on, rs->ttl,
				    dns_type_name(rs->type, tn, sizeof(tn)));
				dns_rdata_to_text(rs->type, rd, len, sb);
				sb_puts(sb, "\n");
			}
		}
	}
}

struct dns_zoneset *
dns_zoneset_new(void)
{
	struct dns_zoneset *zs = calloc(1, sizeof(*zs));

	if (zs != NULL)
		atomic_init(&zs->refs, 1);
	return zs;
}

int
dns_zoneset_add(struct dns_zoneset *zs, struct dns_zone *z)
{
	struct dns_zone **nz;

	for (size_t i = 0; i < zs->nzones; i++)
		if (dns_name_eq(zs->zones[i]->origin, z->origin))
			return -1;
	nz = realloc(zs->zones, (zs->nzones + 1) * sizeof(*nz));
	if (nz == NULL)
		return -1;
	zs->zones = nz;
	zs->zones[zs->nzones++] = z;
	return 0;
}

void
dns_zoneset_get(struct dns_zoneset *zs)
{
	atomic_fetch_add_explicit(&zs->refs, 1, memory_order_relaxed);
}

void
dns_zoneset_put(struct dns_zoneset *zs)
{
	if (zs == NULL || atomic_fetch_sub_explicit(&zs->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < zs->nzones; i++)
		dns_zone_free(zs->zones[i]);
	free(zs->zones);
	free(zs);
}

const struct dns_zone *
dns_zoneset_find(const struct dns_zoneset *zs, const uint8_t *qname)
{
	const uint8_t *suffix[128];
	int nl = 0;
	const struct dns_zone *best = NULL;

	for (const uint8_t *p = qname; nl < 128; p = dns_name_parent(p)) {
		suffix[nl++] = p;
		if (*p == 0)
			break;
	}
	/* suffix[i] has nl - 1 - i labels. */
	for (size_t i = 0; i < zs->nzones; i++) {
		const struct dns_zone *z = zs->zones[i];
		int idx = nl - 1 - z->origin_labels;

		if (idx < 0 || (best != NULL && z->origin_labels <= best->origin_labels))
			continue;
		if (dns_name_eq(suffix[idx], z->origin))
			best = z;
	}
	return best;
}
