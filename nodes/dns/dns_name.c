/*
 * Domain names: presentation text <-> wire form, loop-safe decompression
 * (RFC 1035 4.1.4), compression on output, case-insensitive comparison
 * (RFC 4343) and canonical ordering (RFC 4034 6.1).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dns_name.h"

static uint8_t lower(uint8_t);
static bool pkt_name_eq(const uint8_t *pkt, size_t pktlen, size_t off, const uint8_t *name);

static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int
dns_name_from_text(const char *text, size_t n, const uint8_t *origin, uint8_t out[DNS_NAME_MAXLEN])
{
	size_t len = 0, i = 0, olen;
	bool absolute = false;

	if (n == 1 && text[0] == '@') {
		if (origin == NULL) {
			out[0] = 0;
			return 1;
		}
		olen = dns_name_len(origin);
		memcpy(out, origin, olen);
		return (int)olen;
	}
	if (n == 0)
		return DNS_EBADTEXT;
	if (n == 1 && text[0] == '.') {
		out[0] = 0;
		return 1;
	}
	while (i < n) {
		size_t lab = len++; /* length byte */
		unsigned ll = 0;

		if (len >= DNS_NAME_MAXLEN)
			return DNS_ENAMELONG;
		while (i < n && text[i] != '.') {
			uint8_t c;

			if (text[i] == '\\') {
				if (i + 1 >= n)
					return DNS_EBADTEXT;
				if (isdigit((unsigned char)text[i + 1])) {
					unsigned v;

					if (i + 3 >= n)
						return DNS_EBADTEXT;
					if (!isdigit((unsigned char)text[i + 2]) ||
					    !isdigit((unsigned char)text[i + 3]))
						return DNS_EBADTEXT;
					v = (unsigned)(text[i + 1] - '0') * 100 +
					    (unsigned)(text[i + 2] - '0') * 10 +
					    (unsigned)(text[i + 3] - '0');
					if (v > 255)
						return DNS_EBADTEXT;
					c = (uint8_t)v;
					i += 4;
				} else {
					c = (uint8_t)text[i + 1];
					i += 2;
				}
			} else {
				c = (uint8_t)text[i++];
			}
			if (++ll > DNS_LABEL_MAXLEN || len + 1 >= DNS_NAME_MAXLEN)
				return DNS_ENAMELONG;
			out[len++] = c;
		}
		if (ll == 0)
			return DNS_EBADTEXT; /* empty label: ".." or leading dot */
		out[lab] = (uint8_t)ll;
		if (i < n) { /* at a dot */
			i++;
			if (i == n)
				absolute = true;
		}
	}
	if (absolute || origin == NULL) {
		out[len++] = 0;
		return (int)len;
	}
	olen = dns_name_len(origin);
	if (len + olen > DNS_NAME_MAXLEN)
		return DNS_ENAMELONG;
	memcpy(out + len, origin, olen);
	return (int)(len + olen);
}

int
dns_name_to_text(const uint8_t *name, char *out, size_t cap)
{
	size_t o = 0;

	if (cap < 2)
		return DNS_ESPACE;
	if (name[0] == 0) {
		out[0] = '.';
		out[1] = '\0';
		return DNS_OK;
	}
	while (*name) {
		uint8_t ll = *name++;

		for (uint8_t k = 0; k < ll; k++) {
			uint8_t c = *name++;

			if (o + 5 >= cap)
				return DNS_ESPACE;
			if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' ||
			    c == '@' || c == '$') {
				out[o++] = '\\';
				out[o++] = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				o += (size_t)snprintf(out + o, cap - o, "\\%03u", c);
			} else {
				out[o++] = (char)c;
			}
		}
		if (o + 2 >= cap)
			return DNS_ESPACE;
		out[o++] = '.';
	}
	out[o] = '\0';
	return DNS_OK;
}

int
dns_name_unpack(struct wire_rd *rd, uint8_t out[DNS_NAME_MAXLEN])
{
	size_t msglen = (size_t)(rd->end - rd->start);
	size_t pos = wire_offset(rd), len = 0, resume = 0, lowest = pos;
	bool jumped = false;

	if (rd->err != WIRE_OK)
		return DNS_ESHORT;
	for (;;) {
		uint8_t b;

		if (pos >= msglen)
			goto short_read;
		b = rd->start[pos];
		if ((b & 0xc0) == 0xc0) {
			size_t ptr;

			if (pos + 1 >= msglen)
				goto short_read;
			ptr = (size_t)(b & 0x3f) << 8 | rd->start[pos + 1];
			/* Only strictly backwards, before every label seen: no loops. */
			if (ptr >= lowest)
				goto bad_name;
			if (!jumped)
				resume = pos + 2;
			jumped = true;
			lowest = ptr;
			pos = ptr;
			continue;
		}
		if ((b & 0xc0) != 0)
			goto bad_name; /* 0x40 and 0x80: extended label types, unsupported */
		if (b == 0) {
			if (len + 1 > DNS_NAME_MAXLEN)
				goto name_long;
			out[len++] = 0;
			pos++;
			break;
		}
		if (pos + 1 + b > msglen)
			goto short_read;
		if (len + 1 + b + 1 > DNS_NAME_MAXLEN)
			goto name_long;
		memcpy(out + len, rd->start + pos, (size_t)b + 1);
		len += (size_t)b + 1;
		pos += (size_t)b + 1;
	}
	wire_seek(rd, jumped ? resume : pos);
	return (int)len;
short_read:
	rd->err = WIRE_ESHORT;
	rd->pos = rd->end;
	return DNS_ESHORT;
bad_name:
	rd->err = WIRE_ERANGE;
	rd->pos = rd->end;
	return DNS_EBADNAME;
name_long:
	rd->err = WIRE_ERANGE;
	rd->pos = rd->end;
	return DNS_ENAMELONG;
}

int
dns_name_skip(struct wire_rd *rd)
{
	size_t total = 0;

	for (;;) {
		uint8_t b = wire_u8(rd);

		if (rd->err != WIRE_OK)
			return DNS_ESHORT;
		if ((b & 0xc0) == 0xc0) {
			wire_u8(rd);
			return rd->err == WIRE_OK ? DNS_OK : DNS_ESHORT;
		}
		if ((b & 0xc0) != 0) {
			rd->err = WIRE_ERANGE;
			return DNS_EBADNAME;
		}
		if (b == 0)
			return DNS_OK;
		total += (size_t)b + 1;
		if (total + 1 > DNS_NAME_MAXLEN) {
			rd->err = WIRE_ERANGE;
			return DNS_ENAMELONG;
		}
		wire_skip(rd, b);
	}
}

size_t
dns_name_len(const uint8_t *name)
{
	const uint8_t *p = name;

	while (*p)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

int
dns_name_labels(const uint8_t *name)
{
	int n = 0;

	while (*name) {
		name += *name + 1;
		n++;
	}
	return n;
}

bool
dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		uint8_t ll = *a;

		if (ll != *b)
			return false;
		if (ll == 0)
			return true;
		a++;
		b++;
		for (uint8_t k = 0; k < ll; k++)
			if (lower(a[k]) != lower(b[k]))
				return false;
		a += ll;
		b += ll;
	}
}

void
dns_name_lower(uint8_t *name)
{
	while (*name) {
		uint8_t ll = *name++;

		for (uint8_t k = 0; k < ll; k++)
			name[k] = lower(name[k]);
		name += ll;
	}
}

const uint8_t *
dns_name_parent(const uint8_t *name)
{
	return *name ? name + *name + 1 : name;
}

bool
dns_name_is_sub(const uint8_t *name, const uint8_t *parent)
{
	int nl = dns_name_labels(name), pl = dns_name_labels(parent);

	if (nl < pl)
		return false;
	for (int i = 0; i < nl - pl; i++)
		name = dns_name_parent(name);
	return dns_name_eq(name, parent);
}

int
dns_name_cmp(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *la[128], *lb[128];
	int na = 0, nb = 0;

	for (const uint8_t *p = a; *p; p += *p + 1)
		la[na++] = p;
	for (const uint8_t *p = b; *p; p += *p + 1)
		lb[nb++] = p;
	/* From the rightmost label leftwards. */
	while (na > 0 && nb > 0) {
		const uint8_t *x = la[--na], *y = lb[--nb];
		uint8_t lx = x[0], ly = y[0], m = lx < ly ? lx : ly;

		for (uint8_t k = 1; k <= m; k++) {
			uint8_t cx = lower(x[k]), cy = lower(y[k]);

			if (cx != cy)
				return cx < cy ? -1 : 1;
		}
		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

uint32_t
dns_name_hash(const uint8_t *name)
{
	uint32_t h = 2166136261u;
	size_t len = dns_name_len(name);

	for (size_t i = 0; i < len; i++) {
		h ^= lower(name[i]);
		h *= 16777619u;
	}
	return h;
}

void
dns_compress_init(struct dns_compress *c)
{
	c->count = 0;
}

/* Does the (trusted, possibly compressed) name at off in pkt equal name? */
static bool
pkt_name_eq(const uint8_t *pkt, size_t pktlen, size_t off, const uint8_t *name)
{
	for (int hops = 0; hops < 128;) {
		uint8_t b;

		if (off >= pktlen)
			return false;
		b = pkt[off];
		if ((b & 0xc0) == 0xc0) {
			if (off + 1 >= pktlen)
				return false;
			off = (size_t)(b & 0x3f) << 8 | pkt[off + 1];
			hops++;
			continue;
		}
		if (b != *name)
			return false;
		if (b == 0)
			return true;
		if (off + 1 + b > pktlen)
			return false;
		for (uint8_t k = 1; k <= b; k++)
			if (lower(pkt[off + k]) != lower(name[k]))
				return false;
		off += (size_t)b + 1;
		name += b + 1;
	}
	return false;
}

static void
compress_remember(struct dns_compress *c, size_t off)
{
	if (c->count < DNS_COMPRESS_MAX && off < 0x4000)
		c->off[c->count++] = (uint16_t)off;
}

void
dns_compress_add(struct dns_compress *c, const struct wire_wr *wr, size_t off)
{
	const uint8_t *p = wr->buf + off;

	while (off < wr->len && *p && (*p & 0xc0) == 0) {
		compress_remember(c, off);
		off += (size_t)*p + 1;
		p = wr->buf + off;
	}
}

void
dns_name_pack(struct wire_wr *wr, const uint8_t *name, struct dns_compress *c)
{
	const uint8_t *suffix = name;
	unsigned known;

	if (c == NULL) {
		wire_put(wr, name, dns_name_len(name));
		return;
	}
	known = c->count;
	while (*suffix) {
		for (unsigned i = 0; i < known; i++)
			if (pkt_name_eq(wr->buf, wr->len, c->off[i], suffix)) {
				wire_put_u16(wr, (uint16_t)(0xc000 | c->off[i]));
				return;
			}
		compress_remember(c, wr->len);
		wire_put(wr, suffix, (size_t)*suffix + 1);
		suffix += *suffix + 1;
	}
	wire_put_u8(wr, 0);
}
