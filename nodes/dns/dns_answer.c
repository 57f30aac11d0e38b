/*
 * Query answering. Parses a query (RFC 1035 4.1, RFC 6891 6.1), decides the
 * rcode, and writes the response with name compression:
 *   - no response to a packet with QR set or shorter than a header;
 *   - NOTIMP for opcodes other than QUERY (RFC 1035 4.1.1);
 *   - FORMERR for QDCOUNT other than 1, records in the answer or authority
 *     section of a query, a second OPT or a malformed one, trailing octets;
 *   - BADVERS for an EDNS version above 0 (RFC 6891 6.1.3);
 *   - REFUSED for names outside our zones, classes other than IN and CH, and
 *     zone transfers;
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
 *   - additional A/AAAA for NS, MX and SRV targets, dropped silently when
 *     they do not fit; TC when the answer or authority does not (RFC 2181 9);
 *   - OPT only when the query had one, with NSID when asked (RFC 5001).
 */
#include <string.h>

#include "dns_answer.h"
#include "dns_msg.h"
#include "dns_rdata.h"

#define CNAME_CHAIN_MAX 8

static const char *const transport_names[DNS_TR_COUNT] = {
	[DNS_TR_UDP] = "udp",
	[DNS_TR_TCP] = "tcp",
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
	bool full; /* additional section: stop */
	struct dns_edns edns;
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

		if (target == NULL || !dns_name_is_sub(target, z->origin))
			continue;
		n = dns_zone_node(z, target);
		if (n == NULL || (n->cut != NULL && !glue))
			continue;
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

/* Read the question and the additional section; the rcode that parsing decides. */
static int
parse_query(struct actx *a, struct wire_rd *rd, const struct dns_header *qh, uint8_t *qname,
    uint16_t *qtype, uint16_t *qclass)
{
	if (qh->qdcount != 1) {
		a->info->formerr = "QDCOUNT is not 1";
		return DNS_R_FORMERR;
	}
	if (dns_name_unpack(rd, qname) < 0) {
		a->info->formerr = "malformed question name";
		return DNS_R_FORMERR;
	}
	*qtype = wire_u16(rd);
	*qclass = wire_u16(rd);
	if (rd->err != WIRE_OK) {
		a->info->formerr = "question cut short";
		return DNS_R_FORMERR;
	}
	a->info->has_question = true;
	a->info->qtype = *qtype;
	a->info->qclass = *qclass;
	if (qh->ancount != 0 || qh->nscount != 0) {
		a->info->formerr = "records in the answer or authority section of a query";
		return DNS_R_FORMERR;
	}
	for (unsigned i = 0; i < qh->arcount; i++) {
		uint8_t owner[DNS_NAME_MAXLEN];
		uint16_t type, cls, len;
		uint32_t ttl;
		const uint8_t *rdata;

		if (dns_name_unpack(rd, owner) < 0) {
			a->info->formerr = "malformed name in the additional section";
			return DNS_R_FORMERR;
		}
		type = wire_u16(rd);
		cls = wire_u16(rd);
		ttl = wire_u32(rd);
		len = wire_u16(rd);
		rdata = wire_ptr(rd, len);
		if (rd->err != WIRE_OK) {
			a->info->formerr = "additional section cut short";
			return DNS_R_FORMERR;
		}
		if (type != DNS_T_OPT)
			continue; /* TSIG and others: not supported, ignored */
		if (a->edns.present || owner[0] != 0) {
			a->info->formerr = a->edns.present ? "more than one OPT record" :
							     "OPT record not owned by the root";
			a->edns.present = false;
			return DNS_R_FORMERR;
		}
		if (dns_edns_read(cls, ttl, rdata ? rdata : owner, len, &a->edns) < 0) {
			a->info->formerr = "malformed EDNS option";
			a->edns.present = false;
			return DNS_R_FORMERR;
		}
	}
	if (wire_left(rd) != 0) {
		a->info->formerr = "octets after the last record";
		return DNS_R_FORMERR;
	}
	if (a->edns.present && a->edns.version > 0)
		return DNS_R_BADVERS;
	return DNS_R_NOERROR;
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
	size_t total, opt_len = 0, idlen = strlen(cfg->identity);
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
	if (DNS_OPCODE(qh.flags) != DNS_OP_QUERY) {
		rcode = DNS_R_NOTIMP;
		/* echo the question when it parses; never more */
		if (qh.qdcount == 1 && dns_name_unpack(&rd, qname) > 0) {
			qtype = wire_u16(&rd);
			qclass = wire_u16(&rd);
			info->has_question = rd.err == WIRE_OK;
		}
	} else {
		rcode = parse_query(&a, &rd, &qh, qname, &qtype, &qclass);
	}
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
	wire_wr_init(&a.wr, resp, total);
	a.limit = total - opt_len;
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
			info->rcode = DNS_R_REFUSED; /* no zone transfers */
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
	if (a.edns.present && a.wr.err == WIRE_OK) {
		/* RFC 6891 6.1.3: the OPT carries the upper rcode bits and our size. */
		a.wr.cap = total;
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
	if (a.wr.err != WIRE_OK)
		return 0; /* cannot happen: 512 octets hold a header, question and OPT */
	{
		struct wire_wr hw; /* the header, now that the counts are known */

		wire_wr_init(&hw, resp, DNS_HEADER_LEN);
		dns_header_write(&hw, &a.h);
	}
	return a.wr.len;
}
