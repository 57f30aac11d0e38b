/*
 * DNS message codec: header (RFC 1035 4.1.1), question (4.1.2), resource
 * records (4.1.3), the OPT pseudo-record (RFC 6891 6.1), NSID (RFC 5001),
 * TXT character-strings (RFC 1035 3.3.14). Everything goes through the
 * bounded wire reader/writer.
 */
#include <stdio.h>
#include <string.h>

#include "dns_msg.h"

static const char *const section_names[DNS_SEC_COUNT] = {
	[DNS_SEC_ANSWER] = "answer",
	[DNS_SEC_AUTHORITY] = "authority",
	[DNS_SEC_ADDITIONAL] = "additional",
};

const char *
dns_section_name(enum dns_section s)
{
	return s < DNS_SEC_COUNT ? section_names[s] : "?";
}

void
dns_header_read(struct wire_rd *rd, struct dns_header *h)
{
	h->id = wire_u16(rd);
	h->flags = wire_u16(rd);
	h->qdcount = wire_u16(rd);
	h->ancount = wire_u16(rd);
	h->nscount = wire_u16(rd);
	h->arcount = wire_u16(rd);
}

void
dns_header_write(struct wire_wr *wr, const struct dns_header *h)
{
	wire_put_u16(wr, h->id);
	wire_put_u16(wr, h->flags);
	wire_put_u16(wr, h->qdcount);
	wire_put_u16(wr, h->ancount);
	wire_put_u16(wr, h->nscount);
	wire_put_u16(wr, h->arcount);
}

int
dns_query_build(const struct dns_query_spec *spec, uint8_t *buf, size_t cap)
{
	struct dns_header h = { 0 };
	struct wire_wr wr;
	uint8_t qname[DNS_NAME_MAXLEN];
	bool edns = spec->edns || spec->nsid;
	int n;

	if (spec->name == NULL)
		return DNS_EBADTEXT;
	n = dns_name_from_text(spec->name, strlen(spec->name), NULL, qname);
	if (n < 0)
		return n;
	h.id = spec->id;
	h.flags = spec->rd ? DNS_FLAG_RD : 0;
	h.qdcount = 1;
	h.arcount = edns ? 1 : 0;
	wire_wr_init(&wr, buf, cap);
	dns_header_write(&wr, &h);
	wire_put(&wr, qname, (size_t)n);
	wire_put_u16(&wr, spec->type);
	wire_put_u16(&wr, spec->cls ? spec->cls : DNS_C_IN);
	if (edns) {
		wire_put_u8(&wr, 0); /* root owner */
		wire_put_u16(&wr, DNS_T_OPT);
		wire_put_u16(&wr, spec->edns_size ? spec->edns_size : DNS_EDNS_DEFAULT);
		wire_put_u32(&wr,
		    (uint32_t)spec->edns_version << 16 | (spec->dnssec_ok ? DNS_EDNS_DO : 0));
		if (spec->nsid) {
			wire_put_u16(&wr, 4);
			wire_put_u16(&wr, DNS_EDNS_OPT_NSID);
			wire_put_u16(&wr, 0);
		} else {
			wire_put_u16(&wr, 0);
		}
	}
	if (wr.err != WIRE_OK)
		return DNS_ESPACE;
	return (int)wr.len;
}

int
dns_edns_read(uint16_t udp_size, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen,
    struct dns_edns *e)
{
	struct wire_rd rd;

	memset(e, 0, sizeof(*e));
	e->present = true;
	e->udp_size = udp_size;
	e->ext_rcode = (uint8_t)(ttl >> 24);
	e->version = (uint8_t)(ttl >> 16);
	e->dnssec_ok = (ttl & DNS_EDNS_DO) != 0;
	wire_rd_init(&rd, rdata, rdlen);
	while (wire_left(&rd) > 0) {
		uint16_t code = wire_u16(&rd), len = wire_u16(&rd);
		struct wire_rd opt = wire_sub(&rd, len);

		if (rd.err != WIRE_OK)
			return DNS_EFORMAT;
		e->options++;
		if (code == DNS_EDNS_OPT_NSID) {
			size_t keep = len < DNS_NSID_MAX ? len : DNS_NSID_MAX;

			e->nsid = true;
			e->nsid_len = (uint16_t)keep;
			wire_read(&opt, e->nsid_data, keep);
		}
	}
	return DNS_OK;
}

static int
read_rr(struct wire_rd *rd, struct dns_rr *rr)
{
	int n = dns_name_unpack(rd, rr->owner);

	if (n < 0)
		return n;
	rr->type = wire_u16(rd);
	rr->cls = wire_u16(rd);
	rr->ttl = wire_u32(rd);
	rr->rdlen = wire_u16(rd);
	rr->rdata_off = wire_offset(rd);
	rr->rdata = wire_ptr(rd, rr->rdlen);
	if (rd->err != WIRE_OK)
		return DNS_ESHORT;
	if (rr->rdata == NULL)
		rr->rdata = rd->start; /* rdlen 0: a valid pointer all the same */
	return DNS_OK;
}

int
dns_msg_parse(const uint8_t *buf, size_t len, struct dns_msg *m)
{
	struct wire_rd rd;
	uint16_t counts[DNS_SEC_COUNT];
	int rc;

	memset(m, 0, offsetof(struct dns_msg, rr));
	m->wire = buf;
	m->len = len;
	wire_rd_init(&rd, buf, len);
	dns_header_read(&rd, &m->hdr);
	if (rd.err != WIRE_OK)
		return DNS_ESHORT;
	m->rcode = DNS_RCODE(m->hdr.flags);
	for (unsigned i = 0; i < m->hdr.qdcount; i++) {
		uint8_t name[DNS_NAME_MAXLEN];
		uint16_t t, c;

		rc = dns_name_unpack(&rd, name);
		if (rc < 0)
			return rc;
		t = wire_u16(&rd);
		c = wire_u16(&rd);
		if (rd.err != WIRE_OK)
			return DNS_ESHORT;
		if (i == 0) {
			memcpy(m->qname, name, (size_t)rc);
			m->qtype = t;
			m->qclass = c;
			m->has_question = true;
		}
	}
	counts[DNS_SEC_ANSWER] = m->hdr.ancount;
	counts[DNS_SEC_AUTHORITY] = m->hdr.nscount;
	counts[DNS_SEC_ADDITIONAL] = m->hdr.arcount;
	for (int s = 0; s < DNS_SEC_COUNT; s++) {
		for (unsigned i = 0; i < counts[s]; i++) {
			struct dns_rr tmp, *rr;

			rr = m->count[s] < DNS_MSG_MAX_RR ? &m->rr[s][m->count[s]] : &tmp;
			rc = read_rr(&rd, rr);
			if (rc < 0)
				return rc;
			if (rr->type == DNS_T_OPT) {
				if (s != DNS_SEC_ADDITIONAL || m->edns.present || rr->owner[0] != 0)
					return DNS_EFORMAT;
				if (dns_edns_read(rr->cls, rr->ttl, rr->rdata, rr->rdlen,
					&m->edns) < 0)
					return DNS_EFORMAT;
				m->rcode |= (unsigned)m->edns.ext_rcode << 4;
				continue;
			}
			if (rr == &tmp)
				continue;
			m->count[s]++;
		}
	}
	if (wire_left(&rd) != 0)
		return DNS_EFORMAT;
	return DNS_OK;
}

bool
dns_msg_matches(const struct dns_msg *m, const struct dns_query_spec *spec)
{
	uint8_t qname[DNS_NAME_MAXLEN];

	if (!(m->hdr.flags & DNS_FLAG_QR) || m->hdr.id != spec->id)
		return false;
	if (!m->has_question) /* FORMERR answers may carry no question */
		return true;
	if (spec->name == NULL ||
	    dns_name_from_text(spec->name, strlen(spec->name), NULL, qname) < 0)
		return false;
	return dns_name_eq(qname, m->qname) && m->qtype == spec->type &&
	    m->qclass == (spec->cls ? spec->cls : DNS_C_IN);
}

static size_t
put_text_byte(char *out, size_t o, size_t cap, uint8_t c)
{
	if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
		if (o + 1 < cap)
			out[o++] = (char)c;
		return o;
	}
	if (o + 4 < cap) {
		snprintf(out + o, cap - o, "\\%03u", c);
		o += 4;
	}
	return o;
}

int
dns_txt_join(const uint8_t *rdata, uint16_t rdlen, const char *sep, char *out, size_t cap)
{
	struct wire_rd rd;
	size_t o = 0, slen = sep ? strlen(sep) : 0;
	int n = 0;

	if (cap > 0)
		out[0] = '\0';
	wire_rd_init(&rd, rdata, rdlen);
	while (wire_left(&rd) > 0) {
		uint8_t l = wire_u8(&rd);
		const uint8_t *s = wire_ptr(&rd, l);

		if (rd.err != WIRE_OK)
			return DNS_EBADRDATA;
		if (n > 0 && slen > 0 && o + slen < cap) {
			memcpy(out + o, sep, slen);
			o += slen;
		}
		for (uint8_t k = 0; k < l; k++)
			o = put_text_byte(out, o, cap, s[k]);
		n++;
	}
	if (cap > 0)
		out[o < cap ? o : cap - 1] = '\0';
	return n;
}

int
dns_msg_first_txt(const struct dns_msg *m, char *out, size_t cap)
{
	if (cap > 0)
		out[0] = '\0';
	for (unsigned i = 0; i < m->count[DNS_SEC_ANSWER]; i++) {
		const struct dns_rr *rr = &m->rr[DNS_SEC_ANSWER][i];

		if (rr->type == DNS_T_TXT)
			return dns_txt_join(rr->rdata, rr->rdlen, NULL, out, cap);
	}
	return 0;
}

void
dns_edns_nsid_text(const struct dns_edns *e, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return;
	if (e->present && e->nsid)
		for (uint16_t i = 0; i < e->nsid_len; i++)
			o = put_text_byte(out, o, cap, e->nsid_data[i]);
	out[o] = '\0';
}
