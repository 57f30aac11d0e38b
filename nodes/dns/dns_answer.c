/*
 * Query answering. Reads the whole message (RFC 1035 4.1, RFC 6891 6.1,
 * RFC 8945 5.1), decides the rcode, and writes the response with name
 * compression:
 *   - no response to a packet with QR set or shorter than a header;
 *   - NOTIMP for opcodes other than QUERY (RFC 1035 4.1.1);
 *   - FORMERR for QDCOUNT other than 1, records in the answer section or in
 *     the authority section (except the SOA of an IXFR, RFC 1995 3), a
 *     second OPT or a malformed one, a TSIG that is not last or malformed,
 *     trailing octets;
 *   - NOTAUTH with an unsigned TSIG, error BADKEY, for a signed message: we
 *     know no key (RFC 8945 5.2.1, 5.3.2);
 *   - BADVERS for an EDNS version above 0 (RFC 6891 6.1.3);
 *   - REFUSED for names outside our zones, classes other than IN and CH, and
 *     AXFR/IXFR of a zone we serve; NOTAUTH for AXFR/IXFR of any other name
 *     (RFC 5936 2.2.1);
 *   - CHAOS TXT id.server and hostname.bind (RFC 4892) give the identity;
 *   - RFC 1034 4.3.2: answer, CNAME followed inside the zone (RFC 6604 rcode
 *     of the last name) until a name repeats (RFC 1034 3.6.2, RFC 2181 5),
 *     referral at a zone cut (also after a CNAME, AA kept), DS at a cut
 *     from the parent side (RFC 4035 3.1.4.1), wildcard
 *     (RFC 4592), DNAME with a synthesised CNAME (RFC 6672 3.2; YXDOMAIN
 *     when the new name is too long),
 *     NXDOMAIN/NODATA with the SOA in the authority section, its TTL the
 *     negative TTL of RFC 2308 5;
 *   - ANY gets one RRset (RFC 8482 4.1);
 *   - additional A/AAAA for NS, MX and SRV targets, each host once (RFC
 *     2181 5), dropped silently when they do not fit; TC when the answer or
 *     authority does not (RFC 2181 9);
 *   - an OPT when the query had one, whatever the rcode, also when that OPT
 *     was malformed (RFC 6891 6.1.1, 7); NSID when asked (RFC 5001).
 */
#include <string.h>

#include "dns_answer.h"
#include "dns_msg.h"
#include "dns_rdata.h"

#define CNAME_CHAIN_MAX	     8
#define ADDITIONAL_NODES_MAX 32 /* more targets than this: the rest are left out */

static const char *const transport_names[DNS_TR_COUNT] = {
	[DNS_TR_UDP] = "udp",
	[DNS_TR_TCP] = "tcp",
};

/* The TSIG of a request (RFC 8945 4.2), what a BADKEY answer repeats. */
struct tsig_req {
	bool present;
	uint8_t key[DNS_NAME_MAXLEN];
	uint8_t alg[DNS_NAME_MAXLEN];
	uint8_t time[6];
	uint16_t fudge;
	uint16_t orig_id;
};

struct actx {
	const struct dns_answer_cfg *cfg;
	struct dns_answer_info *info;
	struct wire_wr wr;
	struct dns_compress c;
	struct dns_header h;
	size_t question_end; /* wr.len after the question */
	size_t limit;	     /* for answer and authority */
	bool truncated;
	bool full;					    /* additional section: stop */
	const struct dns_node *added[ADDITIONAL_NODES_MAX]; /* whose A/AAAA are in additional */
	unsigned nadded;
	struct dns_edns edns;
	struct tsig_req tsig;
};

struct wr_mark {
	size_t len;
	unsigned ccount;
};

static bool put_rr(struct actx *, const uint8_t *owner, uint16_t type, uint16_t cls, uint32_t ttl,
    const uint8_t *rdata, uint16_t len);
static bool put_rrset(struct actx *, enum dns_section, const uint8_t *owner,
    const struct dns_rrset *);
static void put_soa(struct actx *, const struct dns_zone *);
static void add_targets(struct actx *, const struct dns_zone *, const struct dns_rrset *,
    bool glue);
static bool chain_seen(uint8_t seen[][DNS_NAME_MAXLEN], int n, const uint8_t *name);
static bool dname_substitute(const uint8_t *name, const uint8_t *owner, const uint8_t *target,
    uint8_t out[DNS_NAME_MAXLEN]);
static bool answer_dname(struct actx *, const struct dns_node *, const uint8_t *name,
    bool dname_sent, uint8_t next[DNS_NAME_MAXLEN]);
static void answer_in(struct actx *, const struct dns_zoneset *, const uint8_t *qname,
    uint16_t qtype);
static void answer_ch(struct actx *, const uint8_t *qname, uint16_t qtype);

const char *
dns_transport_name(enum dns_transport t)
{
	return t < DNS_TR_COUNT ? transport_names[t] : "?";
}

static struct wr_mark
mark(const struct actx *a)
{
	return (struct wr_mark){ a->wr.len, a->c.count };
}

static void
rewind_to(struct actx *a, struct wr_mark m)
{
	wire_truncate(&a->wr, m.len);
	a->c.count = m.ccount;
}

static bool
put_rr(struct actx *a, const uint8_t *owner, uint16_t type, uint16_t cls, uint32_t ttl,
    const uint8_t *rdata, uint16_t len)
{
	struct wr_mark m = mark(a);
	size_t rdpos;

	if (a->wr.len >= a->limit)
		return false;
	dns_name_pack(&a->wr, owner, &a->c);
	wire_put_u16(&a->wr, type);
	wire_put_u16(&a->wr, cls);
	wire_put_u32(&a->wr, ttl);
	wire_put_u16(&a->wr, 0);
	rdpos = a->wr.len;
	dns_rdata_pack(&a->wr, type, rdata, len, &a->c);
	if (a->wr.err == WIRE_OK && a->wr.len - rdpos <= 0xffff)
		wire_patch_u16(&a->wr, rdpos - 2, (uint16_t)(a->wr.len - rdpos));
	if (a->wr.err != WIRE_OK || a->wr.len > a->limit) {
		rewind_to(a, m);
		return false;
	}
	return true;
}

/* The whole RRset or nothing; answer/authority overflow sets TC. */
static bool
put_rrset(struct actx *a, enum dns_section sec, const uint8_t *owner, const struct dns_rrset *rs)
{
	struct wr_mark m = mark(a);
	struct dns_rdata_it it;
	const uint8_t *rd;
	uint16_t len, n = 0;

	if (a->truncated || (sec == DNS_SEC_ADDITIONAL && a->full))
		return false;
	dns_rdata_it_init(&it, rs);
	while (dns_rdata_it_next(&it, &rd, &len)) {
		if (!put_rr(a, owner, rs->type, DNS_C_IN, rs->ttl, rd, len)) {
			rewind_to(a, m);
			if (sec == DNS_SEC_ADDITIONAL) {
				a->full = true;
			} else {
				/* RFC 2181 9: TC, nothing that looks whole */
				a->truncated = true;
				rewind_to(a, (struct wr_mark){ a->question_end, 0 });
				a->c.count = 0;
				dns_compress_add(&a->c, &a->wr, DNS_HEADER_LEN);
				a->h.ancount = a->h.nscount = a->h.arcount = 0;
			}
			return false;
		}
		n++;
	}
	if (sec == DNS_SEC_ANSWER)
		a->h.ancount += n;
	else if (sec == DNS_SEC_AUTHORITY)
		a->h.nscount += n;
	else
		a->h.arcount += n;
	return true;
}

static void
put_soa(struct actx *a, const struct dns_zone *z)
{
	struct dns_rrset neg;

	if (z->soa == NULL)
		return;
	neg = *z->soa;
	neg.ttl = z->neg_ttl;
	put_rrset(a, DNS_SEC_AUTHORITY, z->origin, &neg);
}

/* A and AAAA of the names an RRset points at, when the zone has them. */
static void
add_targets(struct actx *a, const struct dns_zone *z, const struct dns_rrset *rs, bool glue)
{
	struct dns_rdata_it it;
	const uint8_t *rd;
	uint16_t len;

	dns_rdata_it_init(&it, rs);
	while (dns_rdata_it_next(&it, &rd, &len) && !a->full && !a->truncated) {
		const uint8_t *target = dns_rdata_target(rs->type, rd, len);
		const struct dns_node *n;
		const struct dns_rrset *addr;
		unsigned i;

		if (target == NULL || !dns_name_is_sub(target, z->origin))
			continue;
		n = dns_zone_node(z, target);
		if (n == NULL || (n->cut != NULL && !glue))
			continue;
		/* RFC 2181 5: two records pointing at one host add its addresses once */
		for (i = 0; i < a->nadded && a->added[i] != n; i++)
			;
		if (i < a->nadded)
			continue;
		if (a->nadded == ADDITIONAL_NODES_MAX) {
			a->full = true;
			break;
		}
		a->added[a->nadded++] = n;
		if ((addr = dns_node_rrset(n, DNS_T_A)) != NULL)
			put_rrset(a, DNS_SEC_ADDITIONAL, n->name, addr);
		if ((addr = dns_node_rrset(n, DNS_T_AAAA)) != NULL)
			put_rrset(a, DNS_SEC_ADDITIONAL, n->name, addr);
	}
}

/* Is name one of the first n names of the chain (RFC 4343: without regard to case)? */
static bool
chain_seen(uint8_t seen[][DNS_NAME_MAXLEN], int n, const uint8_t *name)
{
	for (int i = 0; i < n; i++)
		if (dns_name_eq(seen[i], name))
			return true;
	return false;
}

/*
 * RFC 6672 2.2: name, which is below owner, with owner's labels replaced by
 * target, into out. false when the result would exceed 255 octets.
 */
static bool
dname_substitute(const uint8_t *name, const uint8_t *owner, const uint8_t *target,
    uint8_t out[DNS_NAME_MAXLEN])
{
	size_t keep = dns_name_len(name) - dns_name_len(owner), tlen = dns_name_len(target);

	if (keep + tlen > DNS_NAME_MAXLEN)
		return false;
	memcpy(out, name, keep);
	memcpy(out + keep, target, tlen);
	return true;
}

/*
 * RFC 6672 3.2 step 3c: the DNAME RRset (once per response) and a CNAME
 * synthesised for name; the CNAME's target into next. false when the
 * answer ends here (YXDOMAIN, or no room).
 */
static bool
answer_dname(struct actx *a, const struct dns_node *n, const uint8_t *name, bool dname_sent,
    uint8_t next[DNS_NAME_MAXLEN])
{
	const struct dns_rrset *dname = dns_node_rrset(n, DNS_T_DNAME);
	struct dns_rdata_it it;
	const uint8_t *target;
	uint16_t len, l;
	uint8_t rdata[2 + DNS_NAME_MAXLEN];
	struct dns_rrset cname = { .type = DNS_T_CNAME, .count = 1, .rdata = rdata };

	dns_rdata_it_init(&it, dname);
	if (!dns_rdata_it_next(&it, &target, &len))
		return false;
	if (!dname_sent && !put_rrset(a, DNS_SEC_ANSWER, n->name, dname))
		return false;
	if (!dname_substitute(name, n->name, target, next)) {
		a->info->rcode = DNS_R_YXDOMAIN;
		return false;
	}
	l = (uint16_t)dns_name_len(next);
	memcpy(rdata, &l, 2);
	memcpy(rdata + 2, next, l);
	cname.rdata_len = 2 + (size_t)l;
	cname.ttl = dname->ttl; /* RFC 6672 3.1 */
	return put_rrset(a, DNS_SEC_ANSWER, name, &cname);
}

static void
answer_in(struct actx *a, const struct dns_zoneset *zs, const uint8_t *qname, uint16_t qtype)
{
	const struct dns_zone *z = zs ? dns_zoneset_find(zs, qname) : NULL;
	uint8_t name[DNS_NAME_MAXLEN], next[DNS_NAME_MAXLEN];
	uint8_t seen[CNAME_CHAIN_MAX + 1][DNS_NAME_MAXLEN]; /* names answered so far */
	const struct dns_node *dname_sent[CNAME_CHAIN_MAX + 1];
	int ndname = 0;

	if (z == NULL) {
		a->info->rcode = DNS_R_REFUSED;
		return;
	}
	/* RFC 4035 3.1.4.1: DS at a child's apex is the parent's, when we serve the parent. */
	if (qtype == DNS_T_DS && dns_name_eq(qname, z->origin) && qname[0] != 0) {
		const struct dns_zone *parent = dns_zoneset_find(zs, dns_name_parent(qname));

		if (parent != NULL)
			z = parent;
	}
	a->h.flags |= DNS_FLAG_AA;
	memcpy(name, qname, dns_name_len(qname));
	for (int hop = 0;; hop++) {
		struct dns_lookup lk;
		const struct dns_node *n;
		const struct dns_rrset *rs, *cname;
		const uint8_t *owner, *target;
		struct dns_rdata_it it;
		uint16_t len;
		bool sent = false;

		memcpy(seen[hop], name, dns_name_len(name));
		dns_zone_lookup(z, name, &lk);
		n = lk.node;
		switch (lk.kind) {
		case DNS_LK_NXDOMAIN:
			a->info->rcode = DNS_R_NXDOMAIN;
			put_soa(a, z);
			return;
		case DNS_LK_DELEGATION:
			if (qtype == DNS_T_DS && dns_name_eq(n->name, name)) {
				/* RFC 4035 3.1.4.1: the cut's DS is the parent's data */
				if ((rs = dns_node_rrset(n, DNS_T_DS)) != NULL)
					put_rrset(a, DNS_SEC_ANSWER, hop > 0 ? n->name : name, rs);
				else
					put_soa(a, z);
				return;
			}
			/*
			 * RFC 1034 4.3.2 step 3b: a referral. After a CNAME (step 3a) the
			 * answer is ours and stays authoritative; the referral follows it.
			 */
			if (hop == 0)
				a->h.flags &= (uint16_t)~DNS_FLAG_AA;
			rs = dns_node_rrset(n, DNS_T_NS);
			if (rs != NULL && put_rrset(a, DNS_SEC_AUTHORITY, n->name, rs))
				add_targets(a, z, rs, true);
			return;
		case DNS_LK_DNAME:
			for (int i = 0; i < ndname; i++)
				sent = sent || dname_sent[i] == n;
			if (!answer_dname(a, n, name, sent, next) || qtype == DNS_T_CNAME)
				return;
			if (!sent)
				dname_sent[ndname++] = n;
			target = next;
			break;
		case DNS_LK_FOUND:
		case DNS_LK_WILDCARD:
		default:
			/* the owner is the name asked (synthesised for a wildcard), as the zone
			 * writes it for a name reached through a CNAME */
			owner = lk.kind == DNS_LK_FOUND && hop > 0 ? n->name : name;
			if (qtype == DNS_T_ANY && n->nrrsets > 0) {
				/* RFC 8482 4.1: one RRset is enough; one that is not the SOA/NS. */
				rs = &n->rrsets[0];
				for (uint16_t i = 0; i < n->nrrsets; i++) {
					uint16_t t = n->rrsets[i].type;

					if (t != DNS_T_SOA && t != DNS_T_NS) {
						rs = &n->rrsets[i];
						break;
					}
				}
				put_rrset(a, DNS_SEC_ANSWER, owner, rs);
				return;
			}
			if ((rs = dns_node_rrset(n, qtype)) != NULL) {
				if (put_rrset(a, DNS_SEC_ANSWER, owner, rs))
					add_targets(a, z, rs, false);
				return;
			}
			cname = dns_node_rrset(n, DNS_T_CNAME);
			if (cname == NULL) {
				put_soa(a, z); /* NODATA (RFC 2308 2.2) */
				return;
			}
			if (!put_rrset(a, DNS_SEC_ANSWER, owner, cname))
				return;
			dns_rdata_it_init(&it, cname);
			if (!dns_rdata_it_next(&it, &target, &len))
				return;
			break;
		}
		if (hop == CNAME_CHAIN_MAX)
			return; /* chain too long: what we have, NOERROR, as resolvers do */
		if (chain_seen(seen, hop + 1, target))
			return; /* RFC 1034 3.6.2: a loop ends at its first repeat */
		if (dns_zoneset_find(zs, target) != z)
			return; /* outside the zone: the client follows it */
		memmove(name, target, dns_name_len(target));
	}
}

static bool
name_is(const uint8_t *name, const char *text)
{
	uint8_t w[DNS_NAME_MAXLEN];

	return dns_name_from_text(text, strlen(text), NULL, w) > 0 && dns_name_eq(name, w);
}

static void
answer_ch(struct actx *a, const uint8_t *qname, uint16_t qtype)
{
	uint8_t txt[256];
	size_t l = strlen(a->cfg->identity);

	if (!name_is(qname, "id.server.") && !name_is(qname, "hostname.bind.")) {
		a->info->rcode = DNS_R_REFUSED;
		return;
	}
	a->h.flags |= DNS_FLAG_AA;
	if (qtype != DNS_T_TXT && qtype != DNS_T_ANY)
		return; /* NODATA */
	if (l > 255)
		l = 255;
	txt[0] = (uint8_t)l;
	memcpy(txt + 1, a->cfg->identity, l);
	if (put_rr(a, qname, DNS_T_TXT, DNS_C_CH, 0, txt, (uint16_t)(l + 1)))
		a->h.ancount++;
	else
		a->truncated = true;
}

/* A record's section, from its index in the message (RFC 1035 4.1). */
static enum dns_section
record_section(const struct dns_header *h, unsigned i)
{
	if (i < h->ancount)
		return DNS_SEC_ANSWER;
	if (i < (unsigned)h->ancount + h->nscount)
		return DNS_SEC_AUTHORITY;
	return DNS_SEC_ADDITIONAL;
}

/*
 * RFC 8945 4.2: a TSIG record's data, kept to answer BADKEY. The algorithm
 * name is never compressed. NULL, or why the record is malformed.
 */
static const char *
read_tsig(struct tsig_req *t, const uint8_t *owner, uint16_t cls, uint32_t ttl,
    struct wire_rd *rdata)
{
	size_t before = wire_offset(rdata);
	int n = dns_name_unpack(rdata, t->alg);

	if (n < 0 || wire_offset(rdata) - before != (size_t)n)
		return "malformed TSIG algorithm name";
	wire_read(rdata, t->time, sizeof(t->time));
	t->fudge = wire_u16(rdata);
	wire_skip(rdata, wire_u16(rdata)); /* the MAC: no key to check it with */
	t->orig_id = wire_u16(rdata);
	wire_skip(rdata, 2); /* error */
	wire_skip(rdata, wire_u16(rdata));
	if (rdata->err != WIRE_OK || wire_left(rdata) != 0 || cls != DNS_C_ANY || ttl != 0)
		return "malformed TSIG record";
	memcpy(t->key, owner, dns_name_len(owner));
	t->present = true;
	return NULL;
}

/*
 * Walk the whole message: every question, every record of every section
 * (RFC 1035 4.1), the OPT (RFC 6891 6.1.1) and the TSIG (RFC 8945 5.1). The
 * first question, the OPT and the TSIG are kept even when a later part is
 * malformed, so that an error can still be answered with the OPT. Returns
 * NULL, or why the message cannot be read. A problem inside a record that was
 * read whole (the OPT itself, RFC 6891 7; the TSIG's place or data) goes to
 * *late_err, and the walk goes on to find the OPT.
 */
static const char *
scan_message(struct actx *a, struct wire_rd *rd, const struct dns_header *qh, uint8_t *qname,
    uint16_t *qtype, uint16_t *qclass, bool *question, const char **late_err)
{
	unsigned nrec = (unsigned)qh->ancount + qh->nscount + qh->arcount;

	*question = false;
	*late_err = NULL;
	for (unsigned i = 0; i < qh->qdcount; i++) {
		uint8_t other[DNS_NAME_MAXLEN];

		if (dns_name_unpack(rd, i == 0 ? qname : other) < 0)
			return "malformed question name";
		if (i == 0) {
			*qtype = wire_u16(rd);
			*qclass = wire_u16(rd);
		} else {
			wire_skip(rd, 4);
		}
		if (rd->err != WIRE_OK)
			return "question cut short";
		*question = *question || i == 0;
	}
	for (unsigned i = 0; i < nrec; i++) {
		enum dns_section sec = record_section(qh, i);
		uint8_t owner[DNS_NAME_MAXLEN];
		uint16_t type, cls, len;
		uint32_t ttl;
		struct wire_rd rdata;
		const uint8_t *optdata;
		const char *err;

		if (dns_name_unpack(rd, owner) < 0)
			return sec == DNS_SEC_ANSWER ? "malformed name in the answer section" :
			    sec == DNS_SEC_AUTHORITY ? "malformed name in the authority section" :
						       "malformed name in the additional section";
		type = wire_u16(rd);
		cls = wire_u16(rd);
		ttl = wire_u32(rd);
		len = wire_u16(rd);
		rdata = wire_sub(rd, len);
		if (rd->err != WIRE_OK)
			return sec == DNS_SEC_ANSWER ? "answer section cut short" :
			    sec == DNS_SEC_AUTHORITY ? "authority section cut short" :
						       "additional section cut short";
		if (sec != DNS_SEC_ADDITIONAL)
			continue;
		if (type == DNS_T_TSIG) {
			if (i != nrec - 1)
				*late_err = "TSIG record not the last one (RFC 8945 5.1)";
			else if ((err = read_tsig(&a->tsig, owner, cls, ttl, &rdata)) != NULL)
				*late_err = err;
			continue;
		}
		if (type != DNS_T_OPT)
			continue; /* others: ignored */
		if (a->edns.present) {
			*late_err = "more than one OPT record";
			continue;
		}
		/* the OPT is answered with an OPT even when it is malformed (RFC 6891 7) */
		optdata = wire_ptr(&rdata, len);
		if (dns_edns_read(cls, ttl, optdata ? optdata : owner, len, &a->edns) < 0)
			*late_err = "malformed EDNS option";
		a->edns.present = true;
		if (owner[0] != 0)
			*late_err = "OPT record not owned by the root";
	}
	if (wire_left(rd) != 0)
		return "octets after the last record";
	return NULL;
}

/*
 * The rcode that the message itself decides, before any lookup: FORMERR,
 * NOTIMP, NOTAUTH (a TSIG: we know no key, RFC 8945 5.2.1) or BADVERS.
 */
static int
check_query(struct actx *a, struct wire_rd *rd, const struct dns_header *qh, uint8_t *qname,
    uint16_t *qtype, uint16_t *qclass)
{
	bool question;
	const char *late_err, *err;

	err = scan_message(a, rd, qh, qname, qtype, qclass, &question, &late_err);
	if (qh->qdcount != 1 && DNS_OPCODE(qh->flags) == DNS_OP_QUERY)
		err = "QDCOUNT is not 1"; /* the likely cause of whatever else failed */
	if (question && qh->qdcount == 1) {
		a->info->has_question = true;
		a->info->qtype = *qtype;
		a->info->qclass = *qclass;
	}
	if (DNS_OPCODE(qh->flags) != DNS_OP_QUERY) { /* RFC 1035 4.1.1 */
		if (err == NULL && late_err == NULL && a->tsig.present)
			return DNS_R_NOTAUTH;
		a->tsig.present = false;
		return DNS_R_NOTIMP;
	}
	if (err == NULL && qh->ancount != 0)
		err = "records in the answer section of a query";
	/* RFC 1995 3: an IXFR query carries the client's SOA in the authority section */
	if (err == NULL && qh->nscount != 0 && *qtype != DNS_T_IXFR)
		err = "records in the authority section of a query";
	if (err == NULL)
		err = late_err;
	if (err != NULL) {
		a->info->formerr = err;
		a->tsig.present = false; /* a message we cannot read is not answered with a TSIG */
		return DNS_R_FORMERR;
	}
	if (a->tsig.present)
		return DNS_R_NOTAUTH;
	if (a->edns.present && a->edns.version > 0)
		return DNS_R_BADVERS;
	return DNS_R_NOERROR;
}

/* RFC 5936 2.2.1: AXFR (and IXFR, RFC 1995) only for a zone's apex, else NOTAUTH. */
static unsigned
transfer_rcode(const struct dns_zoneset *zs, const uint8_t *qname, uint16_t qclass)
{
	const struct dns_zone *z = zs ? dns_zoneset_find(zs, qname) : NULL;

	if (z == NULL || qclass != DNS_C_IN || !dns_name_eq(z->origin, qname))
		return DNS_R_NOTAUTH;
	return DNS_R_REFUSED; /* ours, but we do not transfer zones */
}

/* RFC 8945 5.3.2: the unsigned TSIG of a BADKEY answer; the request's key and algorithm. */
static size_t
tsig_len(const struct tsig_req *t)
{
	return t->present ? dns_name_len(t->key) + 10 + dns_name_len(t->alg) + 16 : 0;
}

static void
put_tsig(struct actx *a, const struct tsig_req *t)
{
	size_t alen = dns_name_len(t->alg);

	dns_name_pack(&a->wr, t->key, NULL);
	wire_put_u16(&a->wr, DNS_T_TSIG);
	wire_put_u16(&a->wr, DNS_C_ANY);
	wire_put_u32(&a->wr, 0);
	wire_put_u16(&a->wr, (uint16_t)(alen + 16));
	wire_put(&a->wr, t->alg, alen);
	wire_put(&a->wr, t->time, sizeof(t->time));
	wire_put_u16(&a->wr, t->fudge);
	wire_put_u16(&a->wr, 0); /* MAC size: unsigned */
	wire_put_u16(&a->wr, t->orig_id);
	wire_put_u16(&a->wr, DNS_TSIG_BADKEY);
	wire_put_u16(&a->wr, 0); /* other data */
	a->h.arcount++;
}

size_t
dns_answer(const struct dns_answer_cfg *cfg, const struct dns_zoneset *zs, const uint8_t *q,
    size_t qlen, enum dns_transport tr, uint8_t *resp, size_t cap, struct dns_answer_info *info)
{
	struct actx a;
	struct dns_header qh;
	struct wire_rd rd;
	uint8_t qname[DNS_NAME_MAXLEN];
	uint16_t qtype = 0, qclass = 0;
	size_t total, opt_len = 0, idlen = strlen(cfg->identity), fixed;
	int rcode;

	memset(info, 0, sizeof(*info));
	memset(&a, 0, sizeof(a));
	a.cfg = cfg;
	a.info = info;
	if (qlen < DNS_HEADER_LEN) {
		info->dropped = true;
		return 0;
	}
	wire_rd_init(&rd, q, qlen);
	dns_header_read(&rd, &qh);
	if (qh.flags & DNS_FLAG_QR) {
		info->dropped = true;
		return 0;
	}
	a.h.id = qh.id;
	a.h.flags = (uint16_t)(DNS_FLAG_QR | (qh.flags & (0x7800 | DNS_FLAG_RD | DNS_FLAG_CD)));
	rcode = check_query(&a, &rd, &qh, qname, &qtype, &qclass);
	info->edns = a.edns.present;
	info->nsid = a.edns.present && a.edns.nsid;
	/* Size: 512 without EDNS, else the smaller of the client's and ours (never < 512). */
	total = DNS_UDP_MIN;
	if (a.edns.present) {
		size_t want = a.edns.udp_size < cfg->edns_size ? a.edns.udp_size : cfg->edns_size;

		total = want > DNS_UDP_MIN ? want : DNS_UDP_MIN;
	}
	if (tr == DNS_TR_TCP)
		total = DNS_MSG_MAX;
	if (total > cap)
		total = cap;
	if (a.edns.present) {
		opt_len = 11;
		if (a.edns.nsid && rcode != DNS_R_FORMERR)
			opt_len += 4 + (idlen < DNS_NSID_MAX ? idlen : DNS_NSID_MAX);
	}
	/* A TSIG that does not fit beside the question (huge names over UDP): TC, retry on TCP. */
	fixed = DNS_HEADER_LEN + (info->has_question ? dns_name_len(qname) + 4 : 0) + opt_len;
	if (a.tsig.present && fixed + tsig_len(&a.tsig) > total) {
		a.tsig.present = false;
		a.truncated = true;
	}
	wire_wr_init(&a.wr, resp, total);
	a.limit = total - opt_len - tsig_len(&a.tsig);
	dns_compress_init(&a.c);
	wire_reserve(&a.wr, DNS_HEADER_LEN);
	if (info->has_question) {
		dns_name_pack(&a.wr, qname, NULL);
		wire_put_u16(&a.wr, qtype);
		wire_put_u16(&a.wr, qclass);
		dns_compress_add(&a.c, &a.wr, DNS_HEADER_LEN);
		a.h.qdcount = 1;
	}
	a.question_end = a.wr.len;
	info->rcode = (unsigned)rcode;
	if (rcode == DNS_R_NOERROR) {
		if (qtype == DNS_T_OPT) {
			info->rcode = DNS_R_FORMERR;
			info->formerr = "question for type OPT";
		} else if (qtype == DNS_T_AXFR || qtype == DNS_T_IXFR) {
			info->rcode = transfer_rcode(zs, qname, qclass); /* no zone transfers */
		} else if (qtype == DNS_T_MAILA || qtype == DNS_T_MAILB || qtype == DNS_T_TSIG ||
		    qtype == DNS_T_TKEY) {
			info->rcode = DNS_R_NOTIMP;
		} else if (qclass == DNS_C_IN) {
			answer_in(&a, zs, qname, qtype);
		} else if (qclass == DNS_C_CH) {
			answer_ch(&a, qname, qtype);
		} else {
			info->rcode = DNS_R_REFUSED;
		}
	}
	if (a.truncated) {
		a.h.flags |= DNS_FLAG_TC;
		info->truncated = true;
	}
	a.h.flags = (uint16_t)((a.h.flags & ~0xf) | (info->rcode & 0xf));
	a.wr.cap = total;
	if (a.edns.present && a.wr.err == WIRE_OK) {
		/* RFC 6891 6.1.3: the OPT carries the upper rcode bits and our size. */
		wire_put_u8(&a.wr, 0);
		wire_put_u16(&a.wr, DNS_T_OPT);
		wire_put_u16(&a.wr, cfg->edns_size < DNS_UDP_MIN ? DNS_UDP_MIN : cfg->edns_size);
		wire_put_u32(&a.wr,
		    (uint32_t)(info->rcode >> 4) << 24 | (a.edns.dnssec_ok ? DNS_EDNS_DO : 0));
		if (opt_len > 11) {
			wire_put_u16(&a.wr, (uint16_t)(opt_len - 11));
			wire_put_u16(&a.wr, DNS_EDNS_OPT_NSID);
			wire_put_u16(&a.wr, (uint16_t)(opt_len - 15));
			wire_put(&a.wr, cfg->identity, opt_len - 15);
		} else {
			wire_put_u16(&a.wr, 0);
		}
		a.h.arcount++;
	}
	/* RFC 8945 5.2.1 and 5.3.2: the last record, unsigned, error BADKEY */
	if (a.tsig.present && a.wr.err == WIRE_OK)
		put_tsig(&a, &a.tsig);
	if (a.wr.err != WIRE_OK)
		return 0; /* cannot happen: the sizes above were reserved */
	{
		struct wire_wr hw; /* the header, now that the counts are known */

		wire_wr_init(&hw, resp, DNS_HEADER_LEN);
		dns_header_write(&hw, &a.h);
	}
	return a.wr.len;
}
