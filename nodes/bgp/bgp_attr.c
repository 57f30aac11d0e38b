/*
 * BGP path attributes: decoding with the error handling of RFC 4271 6.3 as
 * revised by RFC 7606 (sections 3, 4 and 7), encoding for 4-octet and 2-octet
 * peers (RFC 6793 4.2.2: AS_TRANS, AS4_PATH, AS4_AGGREGATOR) and the
 * reconstruction on receive (RFC 6793 4.2.3), RFC 7607 (AS 0), RFC 9774 (AS_SET
 * and AS_CONFED_SET: treat-as-withdraw), AS path and
 * community helpers and printers, NLRI prefix encoding (RFC 4271 4.3, RFC 4760
 * 5), and the interning table that lets a RIB share attribute sets.
 *
 * Each attribute is one descriptor in attr_descs[] (type code, name, expected
 * flags, RFC 7606 action, decode, encode, print, compare, hash); the attribute
 * decoder, the encoder, bgp_attrs_print(), bgp_attrs_equal() and
 * bgp_attrs_hash() walk that table, and attr_unknown handles every optional
 * transitive attribute not in it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgp_attr.h"
#include "strbuf.h"

static void seg_append(uint32_t *w, uint32_t *k, uint32_t *lasthdr, uint8_t type,
    const uint32_t *asns, unsigned n);

/* ---- address families ---- */

int
bgp_af_from_afi_safi(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return -1;
	if (afi == BGP_AFI_IPV4)
		return BGP_AF_IPV4_UNICAST;
	if (afi == BGP_AFI_IPV6)
		return BGP_AF_IPV6_UNICAST;
	return -1;
}

uint16_t
bgp_af_afi(enum bgp_af af)
{
	return af == BGP_AF_IPV6_UNICAST ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
}

uint8_t
bgp_af_safi(enum bgp_af af)
{
	return BGP_SAFI_UNICAST;
}

int
bgp_af_family(enum bgp_af af)
{
	return af == BGP_AF_IPV6_UNICAST ? AF_INET6 : AF_INET;
}

int
bgp_af_from_family(int family)
{
	if (family == AF_INET)
		return BGP_AF_IPV4_UNICAST;
	if (family == AF_INET6)
		return BGP_AF_IPV6_UNICAST;
	return -1;
}

const char *
bgp_af_name(enum bgp_af af)
{
	switch (af) {
	case BGP_AF_IPV4_UNICAST:
		return "ipv4-unicast";
	case BGP_AF_IPV6_UNICAST:
		return "ipv6-unicast";
	case BGP_AF_COUNT:
		break;
	}
	return "unknown";
}

const char *
bgp_origin_name(uint8_t origin)
{
	switch (origin) {
	case BGP_ORIGIN_IGP:
		return "IGP";
	case BGP_ORIGIN_EGP:
		return "EGP";
	case BGP_ORIGIN_INCOMPLETE:
		return "incomplete";
	}
	return "invalid";
}

char
bgp_origin_char(uint8_t origin)
{
	switch (origin) {
	case BGP_ORIGIN_IGP:
		return 'i';
	case BGP_ORIGIN_EGP:
		return 'e';
	}
	return '?';
}

/* ---- AS paths ---- */

static struct bgp_aspath *
aspath_alloc(uint32_t nwords)
{
	struct bgp_aspath *p = malloc(sizeof(*p) + (size_t)nwords * sizeof(uint32_t));

	if (p)
		p->nwords = nwords;
	return p;
}

struct bgp_aspath *
bgp_aspath_new(const uint32_t *w, uint32_t nwords)
{
	struct bgp_aspath *p = aspath_alloc(nwords);

	if (p && nwords)
		memcpy(p->w, w, (size_t)nwords * sizeof(uint32_t));
	return p;
}

struct bgp_aspath *
bgp_aspath_dup(const struct bgp_aspath *src)
{
	if (!src)
		return aspath_alloc(0);
	return bgp_aspath_new(src->w, src->nwords);
}

void
bgp_aspath_free(struct bgp_aspath *p)
{
	free(p);
}

struct bgp_aspath *
bgp_aspath_from_seq(const uint32_t *asns, size_t n)
{
	struct bgp_aspath *p;
	size_t nseg = (n + 254) / 255, i, k = 0;

	p = aspath_alloc((uint32_t)(n + nseg));
	if (!p)
		return NULL;
	for (i = 0; i < n; i += 255) {
		size_t c = n - i < 255 ? n - i : 255;

		p->w[k++] = (uint32_t)BGP_AS_SEQUENCE << 8 | (uint32_t)c;
		memcpy(&p->w[k], &asns[i], c * sizeof(uint32_t));
		k += c;
	}
	return p;
}

struct bgp_aspath *
bgp_aspath_prepend(const struct bgp_aspath *old, uint32_t asn, unsigned count)
{
	uint32_t oldn = old ? old->nwords : 0, k = 0, last = UINT32_MAX, i;
	struct bgp_aspath *p;

	/* Upper bound: the old words, every new AS, one header per 255 of them. */
	p = aspath_alloc(oldn + count + count / 255 + 2);
	if (!p)
		return NULL;
	for (i = 0; i < count; i++)
		seg_append(p->w, &k, &last, BGP_AS_SEQUENCE, &asn, 1);
	/* The old path after them; its leading sequence joins the new one
	 * (RFC 4271 5.1.2), overflowing into a new segment past 255. */
	for (i = 0; i < oldn; i += 1 + BGP_ASSEG_COUNT(old->w[i]))
		seg_append(p->w, &k, &last, BGP_ASSEG_TYPE(old->w[i]), &old->w[i + 1],
		    BGP_ASSEG_COUNT(old->w[i]));
	p->nwords = k;
	return p;
}

unsigned
bgp_aspath_length(const struct bgp_aspath *p)
{
	unsigned len = 0;
	uint32_t i;

	if (!p)
		return 0;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i])) {
		switch (BGP_ASSEG_TYPE(p->w[i])) {
		case BGP_AS_SEQUENCE:
			len += BGP_ASSEG_COUNT(p->w[i]);
			break;
		case BGP_AS_SET:
			len += 1;
			break;
		default: /* confederation segments do not count (RFC 5065 5.3) */
			break;
		}
	}
	return len;
}

uint32_t
bgp_aspath_first_as(const struct bgp_aspath *p)
{
	if (!p || p->nwords < 2 || BGP_ASSEG_TYPE(p->w[0]) != BGP_AS_SEQUENCE)
		return 0;
	return p->w[1];
}

uint32_t
bgp_aspath_origin_as(const struct bgp_aspath *p)
{
	uint32_t i, last = 0;

	if (!p)
		return 0;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i])) {
		uint8_t c = BGP_ASSEG_COUNT(p->w[i]);

		if (BGP_ASSEG_TYPE(p->w[i]) == BGP_AS_SEQUENCE && c)
			last = p->w[i + c];
		else if (BGP_ASSEG_TYPE(p->w[i]) == BGP_AS_SET)
			last = 0;
	}
	return last;
}

bool
bgp_aspath_contains(const struct bgp_aspath *p, uint32_t asn)
{
	uint32_t i, j;

	if (!p)
		return false;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i]))
		for (j = 1; j <= BGP_ASSEG_COUNT(p->w[i]); j++)
			if (p->w[i + j] == asn)
				return true;
	return false;
}

bool
bgp_aspath_equal(const struct bgp_aspath *a, const struct bgp_aspath *b)
{
	uint32_t na = a ? a->nwords : 0, nb = b ? b->nwords : 0;

	if (na != nb)
		return false;
	return na == 0 || memcmp(a->w, b->w, (size_t)na * sizeof(uint32_t)) == 0;
}

void
bgp_aspath_print(struct strbuf *sb, const struct bgp_aspath *p)
{
	uint32_t i, j;
	bool first = true;

	if (!p)
		return;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i])) {
		uint8_t type = BGP_ASSEG_TYPE(p->w[i]), c = BGP_ASSEG_COUNT(p->w[i]);
		const char *open = "", *close = "";

		switch (type) {
		case BGP_AS_SET:
			open = "{";
			close = "}";
			break;
		case BGP_AS_CONFED_SEQUENCE:
			open = "(";
			close = ")";
			break;
		case BGP_AS_CONFED_SET:
			open = "[";
			close = "]";
			break;
		}
		sb_printf(sb, "%s%s", first ? "" : " ", open);
		for (j = 1; j <= c; j++)
			sb_printf(sb, "%s%u", j > 1 ? " " : "", p->w[i + j]);
		sb_puts(sb, close);
		first = false;
	}
}

/*
 * Parse an AS path (AS_PATH or AS4_PATH) of assize-octet AS numbers (RFC 4271
 * 4.3, RFC 7606 7.2: unknown segment type, zero count or an overrun are
 * malformed; RFC 7607: AS 0 is malformed). *out is NULL for an empty path.
 */
static int
aspath_parse(struct wire_rd val, unsigned assize, bool allow_confed, struct bgp_aspath **out,
    const char **why)
{
	size_t len = wire_left(&val);
	struct bgp_aspath *p;
	uint32_t k = 0;

	*out = NULL;
	if (len == 0)
		return 0;
	p = aspath_alloc((uint32_t)(len / 2 + 1));
	if (!p) {
		*why = "out of memory";
		return -1;
	}
	while (wire_left(&val)) {
		uint8_t type = wire_u8(&val), count = wire_u8(&val), j;

		if (val.err) {
			*why = "AS path segment header truncated";
			goto bad;
		}
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET) {
			*why = "AS path segment of unknown type";
			goto bad;
		}
		if (!allow_confed &&
		    (type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET)) {
			*why = "AS path confederation segment where none may be";
			goto bad;
		}
		if (count == 0) {
			*why = "AS path segment with zero length";
			goto bad;
		}
		if (wire_left(&val) < (size_t)count * assize) {
			*why = "AS path segment overruns the attribute";
			goto bad;
		}
		p->w[k++] = (uint32_t)type << 8 | count;
		for (j = 0; j < count; j++) {
			uint32_t asn = assize == 4 ? wire_u32(&val) : wire_u16(&val);

			if (asn == 0) {
				*why = "AS path contains AS 0 (RFC 7607)";
				goto bad;
			}
			p->w[k++] = asn;
		}
	}
	p->nwords = k;
	*out = p;
	return 0;
bad:
	free(p);
	return -1;
}

/* Length on the wire of the path with assize-octet AS numbers, without confed
 * segments when skip_confed. */
static size_t
aspath_wire_len(const struct bgp_aspath *p, unsigned assize, bool skip_confed)
{
	size_t len = 0;
	uint32_t i;

	if (!p)
		return 0;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i])) {
		uint8_t type = BGP_ASSEG_TYPE(p->w[i]);

		if (skip_confed && (type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET))
			continue;
		len += 2 + (size_t)BGP_ASSEG_COUNT(p->w[i]) * assize;
	}
	return len;
}

static void
aspath_put(struct wire_wr *w, const struct bgp_aspath *p, unsigned assize, bool skip_confed)
{
	uint32_t i, j;

	if (!p)
		return;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i])) {
		uint8_t type = BGP_ASSEG_TYPE(p->w[i]), c = BGP_ASSEG_COUNT(p->w[i]);

		if (skip_confed && (type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET))
			continue;
		wire_put_u8(w, type);
		wire_put_u8(w, c);
		for (j = 1; j <= c; j++) {
			uint32_t asn = p->w[i + j];

			if (assize == 4)
				wire_put_u32(w, asn);
			else
				wire_put_u16(w, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn);
		}
	}
}

static bool
aspath_needs_as4(const struct bgp_aspath *p)
{
	uint32_t i, j;

	if (!p)
		return false;
	for (i = 0; i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i])) {
		uint8_t type = BGP_ASSEG_TYPE(p->w[i]);

		if (type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET)
			continue;
		for (j = 1; j <= BGP_ASSEG_COUNT(p->w[i]); j++)
			if (p->w[i + j] > 0xffff)
				return true;
	}
	return false;
}

/*
 * Append a segment to w[] (capacity known to suffice), merging a sequence into
 * a preceding sequence while it has room, so that merged paths take the same
 * form a 4-octet speaker would have sent.
 */
static void
seg_append(uint32_t *w, uint32_t *k, uint32_t *lasthdr, uint8_t type, const uint32_t *asns,
    unsigned n)
{
	/* Only sequences merge; every other segment stands alone. */
	unsigned i = 0;

	if (type == BGP_AS_SEQUENCE && *lasthdr != UINT32_MAX &&
	    BGP_ASSEG_TYPE(w[*lasthdr]) == BGP_AS_SEQUENCE) {
		while (i < n && BGP_ASSEG_COUNT(w[*lasthdr]) < 255) {
			w[*lasthdr]++;
			w[(*k)++] = asns[i++];
		}
	}
	while (i < n) {
		unsigned c = n - i < 255 ? n - i : 255;

		*lasthdr = *k;
		w[(*k)++] = (uint32_t)type << 8 | c;
		memcpy(&w[*k], &asns[i], c * sizeof(uint32_t));
		*k += c;
		i += c;
	}
}

/*
 * RFC 6793 4.2.3: combine the 2-octet AS_PATH (with AS_TRANS) and the AS4_PATH.
 * When AS_PATH has fewer ASes than AS4_PATH, AS4_PATH is ignored. Otherwise
 * the leading part of AS_PATH that makes up the difference (confederation
 * segments along with it) is prepended to AS4_PATH. Returns the new path or
 * NULL (ENOMEM, or AS4_PATH ignored: *ignored set).
 */
static struct bgp_aspath *
aspath_merge(const struct bgp_aspath *p2, const struct bgp_aspath *p4, bool *ignored)
{
	unsigned l2 = bgp_aspath_length(p2), l4 = bgp_aspath_length(p4), need;
	uint32_t n2 = p2 ? p2->nwords : 0, n4 = p4 ? p4->nwords : 0;
	uint32_t i, k = 0, last = UINT32_MAX;
	struct bgp_aspath *out;

	*ignored = false;
	if (l2 < l4) {
		*ignored = true;
		return NULL;
	}
	need = l2 - l4;
	out = aspath_alloc(n2 + n4 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n2; i += 1 + BGP_ASSEG_COUNT(p2->w[i])) {
		uint8_t type = BGP_ASSEG_TYPE(p2->w[i]), c = BGP_ASSEG_COUNT(p2->w[i]);

		if (type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET) {
			seg_append(out->w, &k, &last, type, &p2->w[i + 1], c);
			continue;
		}
		if (need == 0)
			break;
		if (type == BGP_AS_SET) {
			seg_append(out->w, &k, &last, type, &p2->w[i + 1], c);
			need--;
		} else {
			unsigned take = c < need ? c : need;

			seg_append(out->w, &k, &last, type, &p2->w[i + 1], take);
			need -= take;
			if (take < c)
				break;
		}
	}
	for (i = 0; i < n4; i += 1 + BGP_ASSEG_COUNT(p4->w[i]))
		seg_append(out->w, &k, &last, BGP_ASSEG_TYPE(p4->w[i]), &p4->w[i + 1],
		    BGP_ASSEG_COUNT(p4->w[i]));
	out->nwords = k;
	return out;
}

/* ---- communities ---- */

static const struct {
	uint32_t value;
	const char *name;
} wellknown_comms[] = {
	{ BGP_COMM_NO_EXPORT, "no-export" },
	{ BGP_COMM_NO_ADVERTISE, "no-advertise" },
	{ BGP_COMM_NO_EXPORT_SUBCONFED, "no-export-subconfed" },
	{ BGP_COMM_BLACKHOLE, "blackhole" },
	{ BGP_COMM_GRACEFUL_SHUTDOWN, "graceful-shutdown" },
};

void
bgp_community_print(struct strbuf *sb, uint32_t c)
{
	size_t i;

	for (i = 0; i < sizeof(wellknown_comms) / sizeof(wellknown_comms[0]); i++)
		if (wellknown_comms[i].value == c) {
			sb_puts(sb, wellknown_comms[i].name);
			return;
		}
	sb_printf(sb, "%u:%u", c >> 16, c & 0xffff);
}

static int
parse_u16(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 0xffff)
		return -1;
	*out = v;
	return 0;
}

int
bgp_community_parse(const char *s, uint32_t *out)
{
	const char *colon;
	uint32_t hi, lo;
	size_t i;

	for (i = 0; i < sizeof(wellknown_comms) / sizeof(wellknown_comms[0]); i++)
		if (strcmp(s, wellknown_comms[i].name) == 0) {
			*out = wellknown_comms[i].value;
			return 0;
		}
	colon = strchr(s, ':');
	if (!colon || parse_u16(s, (size_t)(colon - s), &hi) < 0 ||
	    parse_u16(colon + 1, strlen(colon + 1), &lo) < 0)
		return -1;
	*out = hi << 16 | lo;
	return 0;
}

void
bgp_communities_print(struct strbuf *sb, const struct bgp_communities *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		if (i)
			sb_puts(sb, " ");
		bgp_community_print(sb, c->v[i]);
	}
}

bool
bgp_lcomm_equal(const struct bgp_lcomm *a, const struct bgp_lcomm *b)
{
	return a->global == b->global && a->local1 == b->local1 && a->local2 == b->local2;
}

static int
parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
bgp_lcomm_parse(const char *s, struct bgp_lcomm *out)
{
	const char *c1 = strchr(s, ':'), *c2;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return -1;
	if (parse_u32(s, (size_t)(c1 - s), &out->global) < 0 ||
	    parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), &out->local1) < 0 ||
	    parse_u32(c2 + 1, strlen(c2 + 1), &out->local2) < 0)
		return -1;
	return 0;
}

void
bgp_lcomm_print(struct strbuf *sb, const struct bgp_lcomm *l)
{
	sb_printf(sb, "%u:%u:%u", l->global, l->local1, l->local2);
}

void
bgp_lcomms_print(struct strbuf *sb, const struct bgp_lcommunities *l)
{
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		if (i)
			sb_puts(sb, " ");
		bgp_lcomm_print(sb, &l->v[i]);
	}
}

static struct bgp_lcommunities *
lcomms_alloc(uint32_t n)
{
	struct bgp_lcommunities *l = malloc(sizeof(*l) + (size_t)n * sizeof(l->v[0]));

	if (l)
		l->n = n;
	return l;
}

static bool
lcomms_equal(const struct bgp_lcommunities *a, const struct bgp_lcommunities *b)
{
	uint32_t na = a ? a->n : 0, nb = b ? b->n : 0;

	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (!bgp_lcomm_equal(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static struct bgp_communities *
comms_alloc(uint32_t n)
{
	struct bgp_communities *c = malloc(sizeof(*c) + (size_t)n * sizeof(uint32_t));

	if (c)
		c->n = n;
	return c;
}

static bool
comms_equal(const struct bgp_communities *a, const struct bgp_communities *b)
{
	uint32_t na = a ? a->n : 0, nb = b ? b->n : 0;

	if (na != nb)
		return false;
	return na == 0 || memcmp(a->v, b->v, (size_t)na * sizeof(uint32_t)) == 0;
}

static bool
raw_equal(const struct bgp_rawattrs *a, const struct bgp_rawattrs *b)
{
	uint32_t na = a ? a->len : 0, nb = b ? b->len : 0;

	if (na != nb)
		return false;
	return na == 0 || memcmp(a->data, b->data, na) == 0;
}

/* ---- attribute sets ---- */

void
bgp_attrs_init(struct bgp_attrs *a)
{
	memset(a, 0, sizeof(*a));
}

void
bgp_attrs_clear(struct bgp_attrs *a)
{
	free(a->aspath);
	free(a->comms);
	free(a->lcomms);
	free(a->unknown);
	bgp_attrs_init(a);
}

int
bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src)
{
	struct bgp_attrs t = *src;

	t.aspath = NULL;
	t.comms = NULL;
	t.lcomms = NULL;
	t.unknown = NULL;
	t.refcnt = 0;
	t.hash = 0;
	if (src->aspath && !(t.aspath = bgp_aspath_dup(src->aspath)))
		goto nomem;
	if (src->comms) {
		t.comms = comms_alloc(src->comms->n);
		if (!t.comms)
			goto nomem;
		memcpy(t.comms->v, src->comms->v, (size_t)src->comms->n * sizeof(uint32_t));
	}
	if (src->lcomms) {
		t.lcomms = lcomms_alloc(src->lcomms->n);
		if (!t.lcomms)
			goto nomem;
		memcpy(t.lcomms->v, src->lcomms->v,
		    (size_t)src->lcomms->n * sizeof(t.lcomms->v[0]));
	}
	if (src->unknown) {
		t.unknown = malloc(sizeof(*t.unknown) + src->unknown->len);
		if (!t.unknown)
			goto nomem;
		t.unknown->len = src->unknown->len;
		memcpy(t.unknown->data, src->unknown->data, src->unknown->len);
	}
	*dst = t;
	return 0;
nomem:
	free(t.aspath);
	free(t.comms);
	free(t.lcomms);
	free(t.unknown);
	return -1;
}

/* FNV-1a, 32 bits. */
static uint32_t
fnv(uint32_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
fnv_u32(uint32_t h, uint32_t v)
{
	return fnv(h, &v, sizeof(v));
}

static uint32_t
fnv_addr(uint32_t h, const struct ipaddr *a)
{
	h = fnv_u32(h, (uint32_t)a->family);
	if (a->family)
		h = fnv(h, a->bytes, ipaddr_size(a->family));
	return h;
}

int
bgp_attrs_set_aspath(struct bgp_attrs *a, struct bgp_aspath *p)
{
	free(a->aspath);
	a->aspath = p;
	a->present |= BGP_ATTRS_AS_PATH;
	return 0;
}

int
bgp_attrs_prepend(struct bgp_attrs *a, uint32_t asn, unsigned count)
{
	struct bgp_aspath *p = bgp_aspath_prepend(a->aspath, asn, count);

	if (!p)
		return -1;
	return bgp_attrs_set_aspath(a, p);
}

bool
bgp_attrs_community_has(const struct bgp_attrs *a, uint32_t c)
{
	uint32_t i;

	if (!a->comms)
		return false;
	for (i = 0; i < a->comms->n; i++)
		if (a->comms->v[i] == c)
			return true;
	return false;
}

int
bgp_attrs_community_add(struct bgp_attrs *a, uint32_t c)
{
	uint32_t n = a->comms ? a->comms->n : 0;
	struct bgp_communities *nc;

	if (bgp_attrs_community_has(a, c))
		return 0;
	if (n >= 16383) /* 65535 / 4: what one attribute can carry */
		return -1;
	nc = realloc(a->comms, sizeof(*nc) + (size_t)(n + 1) * sizeof(uint32_t));
	if (!nc)
		return -1;
	nc->v[n] = c;
	nc->n = n + 1;
	a->comms = nc;
	a->present |= BGP_ATTRS_COMMUNITIES;
	return 0;
}

int
bgp_attrs_community_del(struct bgp_attrs *a, uint32_t c)
{
	uint32_t i, k = 0;

	if (!a->comms)
		return 0;
	for (i = 0; i < a->comms->n; i++)
		if (a->comms->v[i] != c)
			a->comms->v[k++] = a->comms->v[i];
	a->comms->n = k;
	if (k == 0)
		bgp_attrs_communities_clear(a);
	return 0;
}

void
bgp_attrs_communities_clear(struct bgp_attrs *a)
{
	free(a->comms);
	a->comms = NULL;
	a->present &= ~BGP_ATTRS_COMMUNITIES;
}

bool
bgp_attrs_lcommunity_has(const struct bgp_attrs *a, const struct bgp_lcomm *l)
{
	uint32_t i;

	if (!a->lcomms)
		return false;
	for (i = 0; i < a->lcomms->n; i++)
		if (bgp_lcomm_equal(&a->lcomms->v[i], l))
			return true;
	return false;
}

int
bgp_attrs_lcommunity_add(struct bgp_attrs *a, const struct bgp_lcomm *l)
{
	uint32_t n = a->lcomms ? a->lcomms->n : 0;
	struct bgp_lcommunities *nl;

	if (bgp_attrs_lcommunity_has(a, l))
		return 0;
	if (n >= 5461) /* 65535 / 12: what one attribute can carry */
		return -1;
	nl = realloc(a->lcomms, sizeof(*nl) + (size_t)(n + 1) * sizeof(nl->v[0]));
	if (!nl)
		return -1;
	nl->v[n] = *l;
	nl->n = n + 1;
	a->lcomms = nl;
	a->present |= BGP_ATTRS_LCOMMUNITIES;
	return 0;
}

int
bgp_attrs_lcommunity_del(struct bgp_attrs *a, const struct bgp_lcomm *l)
{
	uint32_t i, k = 0;

	if (!a->lcomms)
		return 0;
	for (i = 0; i < a->lcomms->n; i++)
		if (!bgp_lcomm_equal(&a->lcomms->v[i], l))
			a->lcomms->v[k++] = a->lcomms->v[i];
	a->lcomms->n = k;
	if (k == 0)
		bgp_attrs_lcommunities_clear(a);
	return 0;
}

void
bgp_attrs_lcommunities_clear(struct bgp_attrs *a)
{
	free(a->lcomms);
	a->lcomms = NULL;
	a->present &= ~BGP_ATTRS_LCOMMUNITIES;
}

/* ---- interning ---- */

struct attr_entry {
	struct attr_entry *next;
	struct bgp_attrs a;
};

struct bgp_attr_table {
	struct attr_entry **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	size_t bytes;
};

static size_t
attrs_heap_bytes(const struct bgp_attrs *a)
{
	size_t n = sizeof(struct attr_entry);

	if (a->aspath)
		n += sizeof(*a->aspath) + a->aspath->nwords * sizeof(uint32_t);
	if (a->comms)
		n += sizeof(*a->comms) + a->comms->n * sizeof(uint32_t);
	if (a->lcomms)
		n += sizeof(*a->lcomms) + a->lcomms->n * sizeof(a->lcomms->v[0]);
	if (a->unknown)
		n += sizeof(*a->unknown) + a->unknown->len;
	return n;
}

struct bgp_attr_table *
bgp_attr_table_new(void)
{
	struct bgp_attr_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nbuckets = 256;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->bytes = sizeof(*t) + t->nbuckets * sizeof(*t->buckets);
	return t;
}

void
bgp_attr_table_free(struct bgp_attr_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		struct attr_entry *e = t->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			bgp_attrs_clear(&e->a);
			free(e);
		}
	}
	free(t->buckets);
	free(t);
}

static void
table_grow(struct bgp_attr_table *t)
{
	size_t n = t->nbuckets * 2, i;
	struct attr_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* keep the longer chains; still correct */
	for (i = 0; i < t->nbuckets; i++) {
		struct attr_entry *e = t->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->a.hash & (n - 1)];
			b[e->a.hash & (n - 1)] = e;
		}
	}
	free(t->buckets);
	t->bytes += (n - t->nbuckets) * sizeof(*b);
	t->buckets = b;
	t->nbuckets = n;
}

const struct bgp_attrs *
bgp_attr_intern(struct bgp_attr_table *t, const struct bgp_attrs *a)
{
	uint32_t h = bgp_attrs_hash(a);
	struct attr_entry *e;

	for (e = t->buckets[h & (t->nbuckets - 1)]; e; e = e->next)
		if (e->a.hash == h && bgp_attrs_equal(&e->a, a)) {
			e->a.refcnt++;
			return &e->a;
		}
	e = malloc(sizeof(*e));
	if (!e)
		return NULL;
	if (bgp_attrs_copy(&e->a, a) < 0) {
		free(e);
		return NULL;
	}
	e->a.hash = h;
	e->a.refcnt = 1;
	e->next = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = e;
	t->count++;
	t->bytes += attrs_heap_bytes(&e->a);
	if (t->count > t->nbuckets)
		table_grow(t);
	return &e->a;
}

const struct bgp_attrs *
bgp_attr_ref(const struct bgp_attrs *a)
{
	/* Interned sets are allocated writable; only the refcount changes. */
	((struct bgp_attrs *)a)->refcnt++;
	return a;
}

void
bgp_attr_unref(struct bgp_attr_table *t, const struct bgp_attrs *a)
{
	struct attr_entry **pp, *e;

	if (!a)
		return;
	if (--((struct bgp_attrs *)a)->refcnt > 0)
		return;
	for (pp = &t->buckets[a->hash & (t->nbuckets - 1)]; (e = *pp); pp = &e->next)
		if (&e->a == a) {
			*pp = e->next;
			t->count--;
			t->bytes -= attrs_heap_bytes(&e->a);
			bgp_attrs_clear(&e->a);
			free(e);
			return;
		}
}

size_t
bgp_attr_table_count(const struct bgp_attr_table *t)
{
	return t->count;
}

size_t
bgp_attr_table_bytes(const struct bgp_attr_table *t)
{
	return t->bytes;
}

/* ---- NLRI ---- */

long
bgp_nlri_check(const struct wire_rd *block, int family, struct bgp_err *err)
{
	struct wire_rd rd = *block;
	unsigned max = ipaddr_bits(family);
	long n = 0;

	while (wire_left(&rd)) {
		uint8_t plen = wire_u8(&rd);

		if (plen > max)
			return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE,
			    BGP_ERR_UPD_NETWORK, NULL, 0, "NLRI prefix length too long");
		if (wire_left(&rd) < (size_t)(plen + 7) / 8)
			return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE,
			    BGP_ERR_UPD_NETWORK, NULL, 0, "NLRI prefix overruns its field");
		wire_skip(&rd, (size_t)(plen + 7) / 8);
		n++;
	}
	return n;
}

bool
bgp_nlri_next(struct wire_rd *rd, int family, struct prefix *out)
{
	uint8_t plen;
	size_t nbytes;

	if (rd->err || wire_left(rd) == 0)
		return false;
	plen = wire_u8(rd);
	nbytes = (size_t)(plen + 7) / 8;
	if (plen > ipaddr_bits(family) || wire_left(rd) < nbytes) {
		rd->err = WIRE_ESHORT;
		return false;
	}
	memset(out, 0, sizeof(*out));
	out->addr.family = family;
	out->len = plen;
	wire_read(rd, out->addr.bytes, nbytes);
	/* host bits can only be in the last octet read: clear them */
	if (plen % 8)
		out->addr.bytes[nbytes - 1] &= (uint8_t)(0xff00u >> (plen % 8));
	return rd->err == WIRE_OK;
}

size_t
bgp_nlri_size(const struct prefix *p)
{
	return 1 + (size_t)(p->len + 7) / 8;
}

void
bgp_nlri_put(struct wire_wr *w, const struct prefix *p)
{
	wire_put_u8(w, p->len);
	wire_put(w, p->addr.bytes, (size_t)(p->len + 7) / 8);
}

/* ---- decoding ---- */

#define MAX_UNKNOWN 64 /* distinct unknown transitive types kept per UPDATE */

struct unknown_span {
	uint8_t flags;
	uint8_t type;
	uint16_t len;
	const uint8_t *val;
};

struct bgp_attr_dec {
	const struct bgp_peer_ctx *ctx;
	struct bgp_attrs *attrs;
	struct bgp_mp *mp;
	struct bgp_err *err;
	unsigned ndiscarded;
	/* the attribute being decoded, whole, for NOTIFICATION data */
	const uint8_t *raw;
	size_t rawlen;
	uint8_t flags;
	uint8_t type;
	const struct bgp_attr_desc *desc;
	/* RFC 6793 pieces, merged at the end on a 2-octet session */
	struct bgp_aspath *as4_path;
	bool has_as4_path;
	bool has_as4_aggr;
	uint32_t as4_aggr_as;
	uint32_t as4_aggr_id;
	struct unknown_span unknown[MAX_UNKNOWN];
	unsigned nunknown;
};

#define OT_MASK (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)

/*
 * Report the current attribute as malformed with the given subcode, taking
 * the attribute's RFC 7606 action. with_data: the NOTIFICATION data is the
 * attribute (RFC 4271 6.3) rather than nothing. Returns -1 only for a
 * session reset (decoding stops), else 0.
 */
static int
attr_malformed(struct bgp_attr_dec *d, uint8_t subcode, bool with_data, const char *why)
{
	enum bgp_err_action act = d->desc->malformed;

	bgp_err_set(d->err, act, BGP_ERR_UPDATE, subcode, with_data ? d->raw : NULL,
	    with_data ? d->rawlen : 0, why);
	if (act == BGP_ACT_ATTR_DISCARD)
		d->ndiscarded++;
	return act == BGP_ACT_SESSION_RESET ? -1 : 0;
}

static int
attr_len_error(struct bgp_attr_dec *d, const char *why)
{
	return attr_malformed(d, BGP_ERR_UPD_ATTR_LEN, true, why);
}

static int
dec_origin(struct bgp_attr_dec *d, struct wire_rd *v)
{
	uint8_t o;

	if (wire_left(v) != 1)
		return attr_len_error(d, "ORIGIN length is not 1");
	o = wire_u8(v);
	if (o > BGP_ORIGIN_INCOMPLETE)
		return attr_malformed(d, BGP_ERR_UPD_ORIGIN, true, "ORIGIN value undefined");
	d->attrs->origin = o;
	d->attrs->present |= BGP_ATTRS_ORIGIN;
	return 0;
}

/* An AS_SET or AS_CONFED_SET segment in the path (RFC 9774). */
static bool
aspath_has_set(const struct bgp_aspath *p)
{
	for (uint32_t i = 0; p && i < p->nwords; i += 1 + BGP_ASSEG_COUNT(p->w[i]))
		if (BGP_ASSEG_TYPE(p->w[i]) == BGP_AS_SET ||
		    BGP_ASSEG_TYPE(p->w[i]) == BGP_AS_CONFED_SET)
			return true;
	return false;
}

/*
 * RFC 9774 3: an UPDATE with AS_SET or AS_CONFED_SET in AS_PATH or AS4_PATH
 * SHOULD be treat-as-withdraw (RFC 7606). The path is kept for the log.
 */
static int
aspath_set_withdraw(struct bgp_attr_dec *d, const char *why)
{
	bgp_err_set(d->err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH, NULL, 0, why);
	return 0;
}

static int
dec_as_path(struct bgp_attr_dec *d, struct wire_rd *v)
{
	struct bgp_aspath *p;
	const char *why = NULL;

	/* Confederations are not spoken here: confed segments from an external
	 * peer are malformed (RFC 5065 5, RFC 7606 7.2). */
	if (aspath_parse(*v, d->ctx->as4 ? 4 : 2, !d->ctx->ebgp, &p, &why) < 0)
		return attr_malformed(d, BGP_ERR_UPD_ASPATH, false, why);
	free(d->attrs->aspath);
	d->attrs->aspath = p;
	d->attrs->present |= BGP_ATTRS_AS_PATH;
	if (aspath_has_set(p))
		return aspath_set_withdraw(d, "AS_SET or AS_CONFED_SET in AS_PATH (RFC 9774)");
	return 0;
}

static bool
v4_nexthop_valid(uint32_t a)
{
	/* not 0/8 ("this network"), not loopback, not multicast or class E */
	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 0xe;
}

static int
dec_next_hop(struct bgp_attr_dec *d, struct wire_rd *v)
{
	uint32_t a;

	if (wire_left(v) != 4)
		return attr_len_error(d, "NEXT_HOP length is not 4");
	a = wire_u32(v);
	if (!v4_nexthop_valid(a))
		return attr_malformed(d, BGP_ERR_UPD_NEXTHOP, true,
		    "NEXT_HOP is not a valid host address");
	ipaddr_from_v4(&d->attrs->nexthop, a);
	d->attrs->present |= BGP_ATTRS_NEXT_HOP;
	return 0;
}

static int
dec_med(struct bgp_attr_dec *d, struct wire_rd *v)
{
	if (wire_left(v) != 4)
		return attr_len_error(d, "MULTI_EXIT_DISC length is not 4");
	d->attrs->med = wire_u32(v);
	d->attrs->present |= BGP_ATTRS_MED;
	return 0;
}

static int
dec_local_pref(struct bgp_attr_dec *d, struct wire_rd *v)
{
	/* From an external peer it never gets here (BGP_ATTR_D_IBGP_ONLY). */
	if (wire_left(v) != 4)
		return attr_len_error(d, "LOCAL_PREF length is not 4");
	d->attrs->local_pref = wire_u32(v);
	d->attrs->present |= BGP_ATTRS_LOCAL_PREF;
	return 0;
}

static int
dec_atomic_aggregate(struct bgp_attr_dec *d, struct wire_rd *v)
{
	if (wire_left(v) != 0)
		return attr_len_error(d, "ATOMIC_AGGREGATE length is not 0");
	d->attrs->present |= BGP_ATTRS_ATOMIC_AGGR;
	return 0;
}

static int
dec_aggregator(struct bgp_attr_dec *d, struct wire_rd *v)
{
	size_t want = d->ctx->as4 ? 8 : 6;
	uint32_t asn;

	if (wire_left(v) != want)
		return attr_len_error(d,
		    d->ctx->as4 ? "AGGREGATOR length is not 8" : "AGGREGATOR length is not 6");
	asn = d->ctx->as4 ? wire_u32(v) : wire_u16(v);
	if (asn == 0)
		return attr_malformed(d, BGP_ERR_UPD_OPTIONAL, true, "AGGREGATOR AS 0 (RFC 7607)");
	d->attrs->aggregator_as = asn;
	d->attrs->aggregator_id = wire_u32(v);
	d->attrs->present |= BGP_ATTRS_AGGREGATOR;
	return 0;
}

static int
dec_communities(struct bgp_attr_dec *d, struct wire_rd *v)
{
	size_t len = wire_left(v);
	struct bgp_communities *c;
	uint32_t i;

	if (len == 0 || len % 4)
		return attr_len_error(d, "COMMUNITIES length is not a non-zero multiple of 4");
	c = comms_alloc((uint32_t)(len / 4));
	if (!c)
		return bgp_err_set(d->err, BGP_ACT_SESSION_RESET, BGP_ERR_CEASE,
		    BGP_ERR_CEASE_RESOURCES, NULL, 0, "out of memory");
	for (i = 0; i < c->n; i++)
		c->v[i] = wire_u32(v);
	free(d->attrs->comms);
	d->attrs->comms = c;
	d->attrs->present |= BGP_ATTRS_COMMUNITIES;
	return 0;
}

static int
dec_large_communities(struct bgp_attr_dec *d, struct wire_rd *v)
{
	size_t len = wire_left(v);
	struct bgp_lcommunities *l;
	uint32_t i, k = 0;

	/* RFC 8092 6: a length that is not a non-zero multiple of 12 is
	 * treat-as-withdraw (RFC 7606 2). */
	if (len == 0 || len % 12)
		return attr_len_error(d, "LARGE_COMMUNITY length is not a non-zero multiple of 12");
	l = lcomms_alloc((uint32_t)(len / 12));
	if (!l)
		return bgp_err_set(d->err, BGP_ACT_SESSION_RESET, BGP_ERR_CEASE,
		    BGP_ERR_CEASE_RESOURCES, NULL, 0, "out of memory");
	for (i = 0; i < l->n; i++) {
		struct bgp_lcomm c;
		uint32_t j;

		c.global = wire_u32(v);
		c.local1 = wire_u32(v);
		c.local2 = wire_u32(v);
		for (j = 0; j < k && !bgp_lcomm_equal(&l->v[j], &c); j++)
			;
		if (j == k) /* RFC 8092 5: duplicates may be dropped */
			l->v[k++] = c;
	}
	l->n = k;
	free(d->attrs->lcomms);
	d->attrs->lcomms = l;
	d->attrs->present |= BGP_ATTRS_LCOMMUNITIES;
	return 0;
}

static int
dec_mp_reach(struct bgp_attr_dec *d, struct wire_rd *v)
{
	struct bgp_mp *mp = d->mp;
	uint8_t nhlen;
	struct wire_rd nh;
	int af;

	mp->reach_afi = wire_u16(v);
	mp->reach_safi = wire_u8(v);
	nhlen = wire_u8(v);
	nh = wire_sub(v, nhlen);
	wire_skip(v, 1); /* Reserved (RFC 4760 3) */
	if (v->err)
		return attr_len_error(d, "MP_REACH_NLRI shorter than its fields");
	mp->reach = true;
	mp->reach_nlri = *v;
	af = bgp_af_from_afi_safi(mp->reach_afi, mp->reach_safi);
	if (af < 0 || !d->ctx->af[af]) {
		/* Not ours or not negotiated: ignored (RFC 4760 6). */
		mp->reach_af = -1;
		return 0;
	}
	mp->reach_af = af;
	if (af == BGP_AF_IPV6_UNICAST) {
		if (nhlen != 16 && nhlen != 32)
			return attr_malformed(d, BGP_ERR_UPD_OPTIONAL, true,
			    "MP_REACH_NLRI IPv6 next hop length is not 16 or 32");
		mp->nexthop.family = AF_INET6;
		wire_read(&nh, mp->nexthop.bytes, 16);
		if (nhlen == 32) {
			mp->nexthop_ll.family = AF_INET6;
			wire_read(&nh, mp->nexthop_ll.bytes, 16);
		}
	} else {
		if (nhlen != 4)
			return attr_malformed(d, BGP_ERR_UPD_OPTIONAL, true,
			    "MP_REACH_NLRI IPv4 next hop length is not 4");
		ipaddr_from_v4(&mp->nexthop, wire_u32(&nh));
	}
	if (bgp_nlri_check(&mp->reach_nlri, bgp_af_family(af), d->err) < 0)
		return -1;
	return 0;
}

static int
dec_mp_unreach(struct bgp_attr_dec *d, struct wire_rd *v)
{
	struct bgp_mp *mp = d->mp;
	int af;

	mp->unreach_afi = wire_u16(v);
	mp->unreach_safi = wire_u8(v);
	if (v->err)
		return attr_len_error(d, "MP_UNREACH_NLRI shorter than its fields");
	mp->unreach = true;
	mp->unreach_nlri = *v;
	af = bgp_af_from_afi_safi(mp->unreach_afi, mp->unreach_safi);
	if (af < 0 || !d->ctx->af[af]) {
		mp->unreach_af = -1;
		return 0;
	}
	mp->unreach_af = af;
	if (bgp_nlri_check(&mp->unreach_nlri, bgp_af_family(af), d->err) < 0)
		return -1;
	return 0;
}

static int
dec_as4_path(struct bgp_attr_dec *d, struct wire_rd *v)
{
	struct bgp_aspath *p;
	const char *why = NULL;

	if (d->ctx->as4) {
		/* RFC 6793 4.1: between NEW speakers it has no business; discard. */
		d->ndiscarded++;
		return 0;
	}
	/* RFC 6793 6: a malformed AS4_PATH is discarded; it must not carry
	 * confederation segments. */
	if (aspath_parse(*v, 4, false, &p, &why) < 0)
		return attr_malformed(d, BGP_ERR_UPD_OPTIONAL, true, why);
	free(d->as4_path);
	d->as4_path = p;
	d->has_as4_path = true;
	if (aspath_has_set(p))
		return aspath_set_withdraw(d, "AS_SET in AS4_PATH (RFC 9774)");
	return 0;
}

static int
dec_as4_aggregator(struct bgp_attr_dec *d, struct wire_rd *v)
{
	if (d->ctx->as4) {
		d->ndiscarded++;
		return 0;
	}
	if (wire_left(v) != 8)
		return attr_len_error(d, "AS4_AGGREGATOR length is not 8");
	d->as4_aggr_as = wire_u32(v);
	d->as4_aggr_id = wire_u32(v);
	if (d->as4_aggr_as == 0)
		return attr_malformed(d, BGP_ERR_UPD_OPTIONAL, true,
		    "AS4_AGGREGATOR AS 0 (RFC 7607)");
	d->has_as4_aggr = true;
	return 0;
}

static int
keep_unknown(struct bgp_attr_dec *d, struct wire_rd *v)
{
	struct unknown_span *u;
	size_t len = wire_left(v);

	if (d->nunknown >= MAX_UNKNOWN) {
		d->ndiscarded++;
		return 0;
	}
	u = &d->unknown[d->nunknown++];
	u->flags = d->flags;
	u->type = d->type;
	u->len = (uint16_t)len;
	u->val = wire_ptr(v, len);
	return 0;
}

static int
span_cmp(const void *a, const void *b)
{
	const struct unknown_span *x = a, *y = b;

	return (int)x->type - (int)y->type;
}

/* Build attrs->unknown from the spans: ascending type, Partial bit set. */
static int
build_unknown(struct bgp_attr_dec *d)
{
	struct bgp_rawattrs *r;
	struct wire_wr w;
	size_t total = 0;
	unsigned i;

	if (d->nunknown == 0)
		return 0;
	qsort(d->unknown, d->nunknown, sizeof(d->unknown[0]), span_cmp);
	for (i = 0; i < d->nunknown; i++)
		total += (d->unknown[i].len > 255 ? 4 : 3) + (size_t)d->unknown[i].len;
	r = malloc(sizeof(*r) + total);
	if (!r)
		return -1;
	wire_wr_init(&w, r->data, total);
	for (i = 0; i < d->nunknown; i++) {
		const struct unknown_span *u = &d->unknown[i];
		uint8_t flags = (uint8_t)((u->flags & OT_MASK) | BGP_ATTR_F_PARTIAL);

		if (u->len > 255) {
			wire_put_u8(&w, flags | BGP_ATTR_F_EXTLEN);
			wire_put_u8(&w, u->type);
			wire_put_u16(&w, u->len);
		} else {
			wire_put_u8(&w, flags);
			wire_put_u8(&w, u->type);
			wire_put_u8(&w, (uint8_t)u->len);
		}
		wire_put(&w, u->val, u->len);
	}
	r->len = (uint32_t)w.len;
	free(d->attrs->unknown);
	d->attrs->unknown = r;
	return 0;
}

/* RFC 6793 4.2.3 on a 2-octet session. */
static int
as4_reconstruct(struct bgp_attr_dec *d)
{
	struct bgp_attrs *a = d->attrs;
	struct bgp_aspath *merged;
	bool ignored;

	if ((a->present & BGP_ATTRS_AGGREGATOR) && d->has_as4_aggr &&
	    a->aggregator_as != BGP_AS_TRANS) {
		/* RFC 6793 4.2.3: both aggregator attributes and AGGREGATOR is not
		 * AS_TRANS: an OLD speaker aggregated after the NEW ones, AS4_* are
		 * stale; AGGREGATOR and AS_PATH are taken as they are. */
		d->ndiscarded += 1 + (unsigned)d->has_as4_path;
		return 0;
	}
	if (d->has_as4_aggr && (a->present & BGP_ATTRS_AGGREGATOR)) {
		a->aggregator_as = d->as4_aggr_as;
		a->aggregator_id = d->as4_aggr_id;
	}
	if (!d->has_as4_path || !(a->present & BGP_ATTRS_AS_PATH))
		return 0;
	merged = aspath_merge(a->aspath, d->as4_path, &ignored);
	if (ignored) {
		d->ndiscarded++;
		return 0;
	}
	if (!merged)
		return -1;
	free(a->aspath);
	a->aspath = merged->nwords ? merged : NULL;
	if (!a->aspath)
		free(merged);
	return 0;
}

/* ---- encoding, one function per attribute ---- */

static void
put_attr_hdr(struct wire_wr *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 0xffff) {
		/* e.g. an AS path prepended beyond what one attribute can hold */
		if (w->err == WIRE_OK)
			w->err = WIRE_ESPACE;
		return;
	}
	if (len > 255) {
		wire_put_u8(w, flags | BGP_ATTR_F_EXTLEN);
		wire_put_u8(w, type);
		wire_put_u16(w, (uint16_t)len);
	} else {
		wire_put_u8(w, flags);
		wire_put_u8(w, type);
		wire_put_u8(w, (uint8_t)len);
	}
}

static int
enc_origin(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	put_attr_hdr(w, d->flags, d->type, 1);
	wire_put_u8(w, e->attrs->origin);
	return 0;
}

static int
enc_as_path(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	unsigned assize = e->ctx->as4 ? 4 : 2;

	/* Always written: mandatory (RFC 4271 5.1.2), empty for our own routes. */
	put_attr_hdr(w, d->flags, d->type, aspath_wire_len(e->attrs->aspath, assize, false));
	aspath_put(w, e->attrs->aspath, assize, false);
	return 0;
}

static int
enc_next_hop(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	if (!e->with_nexthop)
		return 0;
	if (e->attrs->nexthop.family != AF_INET) {
		w->err = WIRE_ERANGE;
		return -1;
	}
	put_attr_hdr(w, d->flags, d->type, 4);
	wire_put(w, &e->attrs->nexthop.v4, 4);
	return 0;
}

static int
enc_med(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	if (!(e->attrs->present & BGP_ATTRS_MED))
		return 0;
	put_attr_hdr(w, d->flags, d->type, 4);
	wire_put_u32(w, e->attrs->med);
	return 0;
}

static int
enc_local_pref(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	/* RFC 4271 5.1.5: always to internal peers, never to external ones. */
	if (e->ctx->ebgp)
		return 0;
	put_attr_hdr(w, d->flags, d->type, 4);
	wire_put_u32(w, (e->attrs->present & BGP_ATTRS_LOCAL_PREF) ? e->attrs->local_pref : 100);
	return 0;
}

static int
enc_atomic_aggregate(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	if (e->attrs->present & BGP_ATTRS_ATOMIC_AGGR)
		put_attr_hdr(w, d->flags, d->type, 0);
	return 0;
}

static int
enc_aggregator(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_attrs *a = e->attrs;

	if (!(a->present & BGP_ATTRS_AGGREGATOR))
		return 0;
	put_attr_hdr(w, d->flags, d->type, e->ctx->as4 ? 8 : 6);
	if (e->ctx->as4)
		wire_put_u32(w, a->aggregator_as);
	else
		wire_put_u16(w,
		    a->aggregator_as > 0xffff ? BGP_AS_TRANS : (uint16_t)a->aggregator_as);
	wire_put_u32(w, a->aggregator_id);
	return 0;
}

static int
enc_communities(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_communities *c = e->attrs->comms;
	uint32_t i;

	if (!c || !c->n)
		return 0;
	put_attr_hdr(w, d->flags, d->type, (size_t)c->n * 4);
	for (i = 0; i < c->n; i++)
		wire_put_u32(w, c->v[i]);
	return 0;
}

/* RFC 4760 3: AFI, SAFI, next hop length and next hop, reserved, NLRI. */
static int
enc_mp_reach(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_attrs *a = e->attrs;
	size_t nhlen, len, i;

	if (!e->mp)
		return 0;
	if ((unsigned)e->af >= BGP_AF_COUNT || a->nexthop.family != bgp_af_family(e->af)) {
		w->err = WIRE_ERANGE;
		return -1;
	}
	if (e->af == BGP_AF_IPV6_UNICAST)
		nhlen = a->nexthop_ll.family == AF_INET6 ? 32 : 16; /* RFC 2545 3 */
	else
		nhlen = 4;
	len = 2 + 1 + 1 + nhlen + 1;
	for (i = 0; i < e->npfx; i++)
		len += bgp_nlri_size(&e->pfx[i]);
	put_attr_hdr(w, d->flags, d->type, len);
	wire_put_u16(w, bgp_af_afi(e->af));
	wire_put_u8(w, bgp_af_safi(e->af));
	wire_put_u8(w, (uint8_t)nhlen);
	if (e->af == BGP_AF_IPV6_UNICAST) {
		wire_put(w, a->nexthop.bytes, 16);
		if (nhlen == 32)
			wire_put(w, a->nexthop_ll.bytes, 16);
	} else {
		wire_put(w, &a->nexthop.v4, 4);
	}
	wire_put_u8(w, 0);
	for (i = 0; i < e->npfx; i++)
		bgp_nlri_put(w, &e->pfx[i]);
	return 0;
}

/* RFC 4760 4: AFI, SAFI, withdrawn routes; none is End-of-RIB (RFC 4724 2). */
static int
enc_mp_unreach(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	size_t len = 2 + 1, i;

	if (!e->mp)
		return 0;
	if ((unsigned)e->af >= BGP_AF_COUNT) {
		w->err = WIRE_ERANGE;
		return -1;
	}
	for (i = 0; i < e->npfx; i++)
		len += bgp_nlri_size(&e->pfx[i]);
	put_attr_hdr(w, d->flags, d->type, len);
	wire_put_u16(w, bgp_af_afi(e->af));
	wire_put_u8(w, bgp_af_safi(e->af));
	for (i = 0; i < e->npfx; i++)
		bgp_nlri_put(w, &e->pfx[i]);
	return 0;
}

static int
enc_as4_path(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_aspath *p = e->attrs->aspath;

	/* RFC 6793 4.2.2: the true path for the NEW speakers behind the OLD
	 * one, without confederation segments; only when an AS does not fit. */
	if (e->ctx->as4 || !aspath_needs_as4(p))
		return 0;
	put_attr_hdr(w, d->flags, d->type, aspath_wire_len(p, 4, true));
	aspath_put(w, p, 4, true);
	return 0;
}

static int
enc_as4_aggregator(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_attrs *a = e->attrs;

	if (e->ctx->as4 || !(a->present & BGP_ATTRS_AGGREGATOR) || a->aggregator_as <= 0xffff)
		return 0;
	put_attr_hdr(w, d->flags, d->type, 8);
	wire_put_u32(w, a->aggregator_as);
	wire_put_u32(w, a->aggregator_id);
	return 0;
}

static int
enc_large_communities(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_lcommunities *l = e->attrs->lcomms;
	uint32_t i;

	if (!l || !l->n)
		return 0;
	put_attr_hdr(w, d->flags, d->type, (size_t)l->n * 12);
	for (i = 0; i < l->n; i++) {
		wire_put_u32(w, l->v[i].global);
		wire_put_u32(w, l->v[i].local1);
		wire_put_u32(w, l->v[i].local2);
	}
	return 0;
}

/*
 * The kept unknown attributes whose type is below e->unknown_below, from
 * e->unknown_off on, as they were stored (Partial bit already set).
 */
static int
enc_unknown(const struct bgp_attr_desc *d, struct wire_wr *w, struct bgp_attr_enc *e)
{
	const struct bgp_rawattrs *r = e->attrs->unknown;
	struct wire_rd rd;

	if (!r)
		return 0;
	wire_rd_init(&rd, r->data, r->len);
	wire_seek(&rd, e->unknown_off);
	while (wire_left(&rd)) {
		struct wire_rd whole = rd;
		uint8_t flags = wire_u8(&rd), type = wire_u8(&rd);
		size_t len = (flags & BGP_ATTR_F_EXTLEN) ? wire_u16(&rd) : wire_u8(&rd);
		size_t hdr = (flags & BGP_ATTR_F_EXTLEN) ? 4 : 3;
		const uint8_t *p;

		if (type >= e->unknown_below)
			break;
		p = wire_ptr(&whole, hdr + len);
		if (!p)
			break;
		wire_put(w, p, hdr + len);
		wire_skip(&rd, len);
		e->unknown_off = wire_offset(&rd);
	}
	return 0;
}

/* ---- printing, comparing and hashing, one function per attribute ---- */

/* Printers append " keyword value"; ORIGIN, printed first and always, has no
 * leading space. Comparators are called after the present bits were found
 * equal; hashes continue h. */

static void
print_origin(struct strbuf *sb, const struct bgp_attrs *a)
{
	sb_printf(sb, "origin %s", bgp_origin_name(a->origin));
}

static bool
equal_origin(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return a->origin == b->origin;
}

static uint32_t
hash_origin(uint32_t h, const struct bgp_attrs *a)
{
	return fnv_u32(h, a->origin);
}

static void
print_as_path(struct strbuf *sb, const struct bgp_attrs *a)
{
	sb_puts(sb, " as-path \"");
	bgp_aspath_print(sb, a->aspath);
	sb_puts(sb, "\"");
}

static bool
equal_as_path(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return bgp_aspath_equal(a->aspath, b->aspath);
}

static uint32_t
hash_as_path(uint32_t h, const struct bgp_attrs *a)
{
	if (a->aspath)
		h = fnv(h, a->aspath->w, (size_t)a->aspath->nwords * sizeof(uint32_t));
	return h;
}

/* NEXT_HOP owns the set's next hops, whichever attribute carried them
 * (NEXT_HOP, or MP_REACH_NLRI through bgp_update_attrs_for()). */
static void
print_next_hop(struct strbuf *sb, const struct bgp_attrs *a)
{
	char buf[IPADDR_STRLEN];

	if (a->nexthop.family)
		sb_printf(sb, " nexthop %s", ipaddr_ntop(&a->nexthop, buf, sizeof(buf)));
	if (a->nexthop_ll.family)
		sb_printf(sb, " nexthop-ll %s", ipaddr_ntop(&a->nexthop_ll, buf, sizeof(buf)));
}

static bool
addr_same(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == 0 || memcmp(a->bytes, b->bytes, ipaddr_size(a->family)) == 0;
}

static bool
equal_next_hop(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return addr_same(&a->nexthop, &b->nexthop) && addr_same(&a->nexthop_ll, &b->nexthop_ll);
}

static uint32_t
hash_next_hop(uint32_t h, const struct bgp_attrs *a)
{
	return fnv_addr(fnv_addr(h, &a->nexthop), &a->nexthop_ll);
}

static void
print_med(struct strbuf *sb, const struct bgp_attrs *a)
{
	if (a->present & BGP_ATTRS_MED)
		sb_printf(sb, " med %u", a->med);
}

static bool
equal_med(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return !(a->present & BGP_ATTRS_MED) || a->med == b->med;
}

static uint32_t
hash_med(uint32_t h, const struct bgp_attrs *a)
{
	return (a->present & BGP_ATTRS_MED) ? fnv_u32(h, a->med) : h;
}

static void
print_local_pref(struct strbuf *sb, const struct bgp_attrs *a)
{
	if (a->present & BGP_ATTRS_LOCAL_PREF)
		sb_printf(sb, " local-pref %u", a->local_pref);
}

static bool
equal_local_pref(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return !(a->present & BGP_ATTRS_LOCAL_PREF) || a->local_pref == b->local_pref;
}

static uint32_t
hash_local_pref(uint32_t h, const struct bgp_attrs *a)
{
	return (a->present & BGP_ATTRS_LOCAL_PREF) ? fnv_u32(h, a->local_pref) : h;
}

/* ATOMIC_AGGREGATE has no value: its present bit is all there is to compare. */
static void
print_atomic_aggregate(struct strbuf *sb, const struct bgp_attrs *a)
{
	if (a->present & BGP_ATTRS_ATOMIC_AGGR)
		sb_puts(sb, " atomic-aggregate");
}

static void
print_aggregator(struct strbuf *sb, const struct bgp_attrs *a)
{
	char buf[IPADDR_STRLEN];
	struct ipaddr id;

	if (!(a->present & BGP_ATTRS_AGGREGATOR))
		return;
	ipaddr_from_v4(&id, a->aggregator_id);
	sb_printf(sb, " aggregator %u %s", a->aggregator_as, ipaddr_ntop(&id, buf, sizeof(buf)));
}

static bool
equal_aggregator(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return !(a->present & BGP_ATTRS_AGGREGATOR) ||
	    (a->aggregator_as == b->aggregator_as && a->aggregator_id == b->aggregator_id);
}

static uint32_t
hash_aggregator(uint32_t h, const struct bgp_attrs *a)
{
	if (a->present & BGP_ATTRS_AGGREGATOR)
		h = fnv_u32(fnv_u32(h, a->aggregator_as), a->aggregator_id);
	return h;
}

static void
print_communities(struct strbuf *sb, const struct bgp_attrs *a)
{
	if (!a->comms)
		return;
	sb_puts(sb, " communities ");
	bgp_communities_print(sb, a->comms);
}

static bool
equal_communities(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return comms_equal(a->comms, b->comms);
}

static uint32_t
hash_communities(uint32_t h, const struct bgp_attrs *a)
{
	if (a->comms)
		h = fnv(h, a->comms->v, (size_t)a->comms->n * sizeof(uint32_t));
	return h;
}

static void
print_large_communities(struct strbuf *sb, const struct bgp_attrs *a)
{
	if (!a->lcomms)
		return;
	sb_puts(sb, " large-communities ");
	bgp_lcomms_print(sb, a->lcomms);
}

static bool
equal_large_communities(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return lcomms_equal(a->lcomms, b->lcomms);
}

static uint32_t
hash_large_communities(uint32_t h, const struct bgp_attrs *a)
{
	if (a->lcomms)
		h = fnv(h, a->lcomms->v, (size_t)a->lcomms->n * sizeof(a->lcomms->v[0]));
	return h;
}

static void
print_unknown(struct strbuf *sb, const struct bgp_attrs *a)
{
	if (a->unknown)
		sb_printf(sb, " unknown-transitive %u octets", a->unknown->len);
}

static bool
equal_unknown(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return raw_equal(a->unknown, b->unknown);
}

static uint32_t
hash_unknown(uint32_t h, const struct bgp_attrs *a)
{
	if (a->unknown)
		h = fnv(h, a->unknown->data, a->unknown->len);
	return h;
}

/* ---- the table ---- */

#define WK     BGP_ATTR_F_TRANSITIVE
#define OPT_T  (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)
#define OPT_NT BGP_ATTR_F_OPTIONAL

/*
 * Every attribute the codec knows, in ascending type order (the order
 * bgp_attrs_encode() writes them in). MP_* and AS4_* have no printer, comparator
 * or hash: their values end up in the next hop, the AS path and the aggregator,
 * which NEXT_HOP, AS_PATH and AGGREGATOR own. ATOMIC_AGGREGATE is its present
 * bit only.
 */
static const struct bgp_attr_desc attr_descs[] = {
	{
	    .type = BGP_ATTR_ORIGIN,
	    .name = "ORIGIN",
	    .flags = WK,
	    .malformed = BGP_ACT_WITHDRAW,
	    .decode = dec_origin,
	    .encode = enc_origin,
	    .print = print_origin,
	    .equal = equal_origin,
	    .hash = hash_origin,
	},
	{
	    .type = BGP_ATTR_AS_PATH,
	    .name = "AS_PATH",
	    .flags = WK,
	    .malformed = BGP_ACT_WITHDRAW,
	    .decode = dec_as_path,
	    .encode = enc_as_path,
	    .print = print_as_path,
	    .equal = equal_as_path,
	    .hash = hash_as_path,
	},
	{
	    .type = BGP_ATTR_NEXT_HOP,
	    .name = "NEXT_HOP",
	    .flags = WK,
	    .malformed = BGP_ACT_WITHDRAW,
	    .decode = dec_next_hop,
	    .encode = enc_next_hop,
	    .print = print_next_hop,
	    .equal = equal_next_hop,
	    .hash = hash_next_hop,
	},
	{
	    .type = BGP_ATTR_MED,
	    .name = "MULTI_EXIT_DISC",
	    .flags = OPT_NT,
	    .malformed = BGP_ACT_WITHDRAW,
	    .decode = dec_med,
	    .encode = enc_med,
	    .print = print_med,
	    .equal = equal_med,
	    .hash = hash_med,
	},
	{
	    .type = BGP_ATTR_LOCAL_PREF,
	    .name = "LOCAL_PREF",
	    .flags = WK,
	    .malformed = BGP_ACT_WITHDRAW,
	    .dflags = BGP_ATTR_D_IBGP_ONLY,
	    .decode = dec_local_pref,
	    .encode = enc_local_pref,
	    .print = print_local_pref,
	    .equal = equal_local_pref,
	    .hash = hash_local_pref,
	},
	{
	    .type = BGP_ATTR_ATOMIC_AGGREGATE,
	    .name = "ATOMIC_AGGREGATE",
	    .flags = WK,
	    .malformed = BGP_ACT_ATTR_DISCARD,
	    .decode = dec_atomic_aggregate,
	    .encode = enc_atomic_aggregate,
	    .print = print_atomic_aggregate,
	},
	{
	    .type = BGP_ATTR_AGGREGATOR,
	    .name = "AGGREGATOR",
	    .flags = OPT_T,
	    .malformed = BGP_ACT_ATTR_DISCARD,
	    .decode = dec_aggregator,
	    .encode = enc_aggregator,
	    .print = print_aggregator,
	    .equal = equal_aggregator,
	    .hash = hash_aggregator,
	},
	{
	    .type = BGP_ATTR_COMMUNITIES,
	    .name = "COMMUNITIES",
	    .flags = OPT_T,
	    .malformed = BGP_ACT_WITHDRAW,
	    .decode = dec_communities,
	    .encode = enc_communities,
	    .print = print_communities,
	    .equal = equal_communities,
	    .hash = hash_communities,
	},
	{
	    .type = BGP_ATTR_MP_REACH_NLRI,
	    .name = "MP_REACH_NLRI",
	    .flags = OPT_NT,
	    .malformed = BGP_ACT_SESSION_RESET,
	    .dflags = BGP_ATTR_D_NLRI,
	    .decode = dec_mp_reach,
	    .encode = enc_mp_reach,
	},
	{
	    .type = BGP_ATTR_MP_UNREACH_NLRI,
	    .name = "MP_UNREACH_NLRI",
	    .flags = OPT_NT,
	    .malformed = BGP_ACT_SESSION_RESET,
	    .dflags = BGP_ATTR_D_NLRI,
	    .decode = dec_mp_unreach,
	    .encode = enc_mp_unreach,
	},
	{
	    .type = BGP_ATTR_AS4_PATH,
	    .name = "AS4_PATH",
	    .flags = OPT_T,
	    .malformed = BGP_ACT_ATTR_DISCARD,
	    .decode = dec_as4_path,
	    .encode = enc_as4_path,
	},
	{
	    .type = BGP_ATTR_AS4_AGGREGATOR,
	    .name = "AS4_AGGREGATOR",
	    .flags = OPT_T,
	    .malformed = BGP_ACT_ATTR_DISCARD,
	    .decode = dec_as4_aggregator,
	    .encode = enc_as4_aggregator,
	},
	{
	    .type = BGP_ATTR_LARGE_COMMUNITIES,
	    .name = "LARGE_COMMUNITY",
	    .flags = OPT_T,
	    .malformed = BGP_ACT_WITHDRAW,
	    .decode = dec_large_communities,
	    .encode = enc_large_communities,
	    .print = print_large_communities,
	    .equal = equal_large_communities,
	    .hash = hash_large_communities,
	},
};

#define NDESCS (sizeof(attr_descs) / sizeof(attr_descs[0]))

/* Any type not in the table with the Optional and Transitive bits: kept raw
 * (decode), passed on with Partial set (encode). */
static const struct bgp_attr_desc attr_unknown = {
	.type = 0,
	.name = "UNKNOWN",
	.flags = OPT_T,
	.malformed = BGP_ACT_NONE,
	.decode = keep_unknown,
	.encode = enc_unknown,
	.print = print_unknown,
	.equal = equal_unknown,
	.hash = hash_unknown,
};

/* Types we name in logs but do not decode (treated as unknown ones). */
static const struct {
	uint8_t type;
	const char *name;
} attr_other_names[] = {
	{ BGP_ATTR_ORIGINATOR_ID, "ORIGINATOR_ID" },
	{ BGP_ATTR_CLUSTER_LIST, "CLUSTER_LIST" },
	{ BGP_ATTR_EXT_COMMUNITIES, "EXTENDED_COMMUNITIES" },
};

const struct bgp_attr_desc *
bgp_attr_descs(size_t *n)
{
	*n = NDESCS;
	return attr_descs;
}

const struct bgp_attr_desc *
bgp_attr_desc_find(uint8_t type)
{
	size_t i;

	for (i = 0; i < NDESCS && attr_descs[i].type <= type; i++)
		if (attr_descs[i].type == type)
			return &attr_descs[i];
	return NULL;
}

const struct bgp_attr_desc *
bgp_attr_desc_unknown(void)
{
	return &attr_unknown;
}

const char *
bgp_attr_type_name(uint8_t type)
{
	const struct bgp_attr_desc *d = bgp_attr_desc_find(type);
	size_t i;

	if (d)
		return d->name;
	for (i = 0; i < sizeof(attr_other_names) / sizeof(attr_other_names[0]); i++)
		if (attr_other_names[i].type == type)
			return attr_other_names[i].name;
	return NULL;
}

/* ---- the walks over the table ---- */

int
bgp_attrs_decode(struct wire_rd *rd, const struct bgp_peer_ctx *ctx, struct bgp_attrs *attrs,
    struct bgp_mp *mp, struct bgp_err *err, unsigned *ndiscarded)
{
	struct bgp_attr_dec dec, *d = &dec;
	uint8_t seen[32] = { 0 };
	int rc = 0;

	memset(mp, 0, sizeof(*mp));
	mp->reach_af = -1;
	mp->unreach_af = -1;
	memset(d, 0, offsetof(struct bgp_attr_dec, unknown));
	d->nunknown = 0;
	d->ctx = ctx;
	d->attrs = attrs;
	d->mp = mp;
	d->err = err;

	while (wire_left(rd) > 0) {
		struct wire_rd whole = *rd, val;
		size_t hdr, len;

		d->flags = wire_u8(rd);
		d->type = wire_u8(rd);
		if (d->flags & BGP_ATTR_F_EXTLEN) {
			len = wire_u16(rd);
			hdr = 4;
		} else {
			len = wire_u8(rd);
			hdr = 3;
		}
		if (rd->err || wire_left(rd) < len) {
			/* RFC 7606 4: an attribute overrunning the Total Path Attribute
			 * Length, or too few octets for one: treat-as-withdraw. */
			bgp_err_set(err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST,
			    NULL, 0, "path attribute overruns the attributes field");
			break;
		}
		val = wire_sub(rd, len);
		d->rawlen = hdr + len;
		d->raw = wire_ptr(&whole, d->rawlen);
		d->desc = bgp_attr_desc_find(d->type);

		/* RFC 7606 3.g: repeated MP_* is fatal, other repeats are dropped. */
		if (seen[d->type / 8] & (1u << (d->type % 8))) {
			if (d->desc && (d->desc->dflags & BGP_ATTR_D_NLRI)) {
				rc = bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE,
				    BGP_ERR_UPD_ATTR_LIST, NULL, 0,
				    "MP_REACH_NLRI or MP_UNREACH_NLRI repeated");
				break;
			}
			bgp_err_set(err, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPDATE,
			    BGP_ERR_UPD_ATTR_LIST, NULL, 0, "path attribute repeated");
			d->ndiscarded++;
			continue;
		}
		seen[d->type / 8] |= (uint8_t)(1u << (d->type % 8));

		if (d->desc && (d->desc->dflags & BGP_ATTR_D_IBGP_ONLY) && ctx->ebgp)
			continue; /* RFC 4271 5.1.5, RFC 7606 7.5: discarded */
		if (!d->desc) {
			d->desc = &attr_unknown;
			if (!(d->flags & BGP_ATTR_F_OPTIONAL)) {
				/* RFC 4271 6.3: an unrecognised well-known attribute. */
				rc = bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE,
				    BGP_ERR_UPD_UNRECOG_WK, d->raw, d->rawlen,
				    "unrecognized well-known attribute");
				break;
			}
			if (d->flags & BGP_ATTR_F_TRANSITIVE)
				d->desc->decode(d, &val);
			/* unknown optional non-transitive: quietly ignored */
			continue;
		}
		if ((d->flags & OT_MASK) != d->desc->flags) {
			/* RFC 7606 3.c: flags in conflict: malformed, the attribute's rule. */
			rc = attr_malformed(d, BGP_ERR_UPD_ATTR_FLAGS, true,
			    "attribute flags do not match its type");
			if (rc < 0)
				break;
			continue;
		}
		rc = d->desc->decode(d, &val);
		if (rc < 0)
			break;
	}

	if (rc == 0 && !ctx->as4)
		rc = as4_reconstruct(d);
	if (rc == 0 && build_unknown(d) < 0)
		rc = -1;
	if (rc < 0 && err->action != BGP_ACT_SESSION_RESET)
		rc = bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_CEASE, BGP_ERR_CEASE_RESOURCES,
		    NULL, 0, "out of memory");
	if (rc == 0 && (attrs->present & BGP_ATTRS_AS_PATH) && ctx->ebgp && ctx->check_first_as &&
	    bgp_aspath_first_as(attrs->aspath) != ctx->peer_as)
		bgp_err_set(err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH, NULL, 0,
		    "AS_PATH does not start with the peer's AS");
	if (ndiscarded)
		*ndiscarded = d->ndiscarded;
	free(d->as4_path);
	return rc;
}

int
bgp_attrs_encode(struct wire_wr *w, const struct bgp_peer_ctx *ctx, const struct bgp_attrs *a,
    bool with_nexthop)
{
	struct bgp_attr_enc e = { .ctx = ctx, .attrs = a, .with_nexthop = with_nexthop };
	size_t i;

	for (i = 0; i < NDESCS; i++) {
		const struct bgp_attr_desc *d = &attr_descs[i];

		if (d->dflags & BGP_ATTR_D_NLRI)
			continue; /* the UPDATE builders write these, with the NLRI */
		/* kept unknown attributes at their place in the type order */
		e.unknown_below = d->type;
		attr_unknown.encode(&attr_unknown, w, &e);
		if (d->encode(d, w, &e) < 0)
			return -1;
	}
	e.unknown_below = 256;
	attr_unknown.encode(&attr_unknown, w, &e);
	return w->err ? -1 : 0;
}

int
bgp_attr_encode_mp(struct wire_wr *w, uint8_t type, const struct bgp_attrs *a, enum bgp_af af,
    const struct prefix *pfx, size_t n)
{
	const struct bgp_attr_desc *d = bgp_attr_desc_find(type);
	struct bgp_attrs none;
	struct bgp_attr_enc e = { .mp = true, .af = af, .pfx = pfx, .npfx = n };

	if (!d || !(d->dflags & BGP_ATTR_D_NLRI)) {
		w->err = WIRE_ERANGE;
		return -1;
	}
	if (!a) {
		bgp_attrs_init(&none);
		a = &none;
	}
	e.attrs = a;
	if (d->encode(d, w, &e) < 0)
		return -1;
	return w->err ? -1 : 0;
}

uint32_t
bgp_attrs_hash(const struct bgp_attrs *a)
{
	uint32_t h = fnv_u32(2166136261u, a->present);
	size_t i;

	for (i = 0; i < NDESCS; i++)
		if (attr_descs[i].hash)
			h = attr_descs[i].hash(h, a);
	return attr_unknown.hash(h, a);
}

bool
bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	size_t i;

	if (a == b)
		return true;
	if (a->present != b->present)
		return false;
	for (i = 0; i < NDESCS; i++)
		if (attr_descs[i].equal && !attr_descs[i].equal(a, b))
			return false;
	return attr_unknown.equal(a, b);
}

void
bgp_attrs_print(struct strbuf *sb, const struct bgp_attrs *a)
{
	size_t i;

	for (i = 0; i < NDESCS; i++)
		if (attr_descs[i].print)
			attr_descs[i].print(sb, a);
	attr_unknown.print(sb, a);
}
