/*
 * BGP-4 message codec: framing and header checks (RFC 4271 4.1, 6.1), OPEN
 * with optional parameters and capabilities (RFC 4271 4.2, 6.2; RFC 5492;
 * RFC 4760 8; RFC 6793 3 and 4.1; RFC 2918 2; RFC 9072 extended optional
 * parameters), UPDATE framing, NLRI and End-of-RIB (RFC 4271 4.3, 6.3;
 * RFC 7606 4 and 5; RFC 4724 2) and the packing UPDATE builders,
 * NOTIFICATION (RFC 4271 4.5, RFC 9003), KEEPALIVE (4.4), ROUTE-REFRESH
 * (RFC 2918 3).
 */
#include <string.h>

#include "bgp_msg.h"
#include "strbuf.h"

static const char *const msg_names[] = {
	[BGP_MSG_OPEN] = "OPEN",
	[BGP_MSG_UPDATE] = "UPDATE",
	[BGP_MSG_NOTIFICATION] = "NOTIFICATION",
	[BGP_MSG_KEEPALIVE] = "KEEPALIVE",
	[BGP_MSG_ROUTE_REFRESH] = "ROUTE-REFRESH",
};

const char *
bgp_msg_type_name(uint8_t type)
{
	if (type >= sizeof(msg_names) / sizeof(msg_names[0]))
		return NULL;
	return msg_names[type];
}

/* ---- framing ---- */

static bool
marker_ok(struct wire_rd *rd)
{
	const uint8_t *m = wire_ptr(rd, BGP_MARKER_LEN);
	int i;

	if (!m)
		return false;
	for (i = 0; i < BGP_MARKER_LEN; i++)
		if (m[i] != 0xff)
			return false;
	return true;
}

static bool
length_ok(uint8_t type, uint16_t len)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return len >= BGP_OPEN_MIN_LEN;
	case BGP_MSG_UPDATE:
		return len >= BGP_UPDATE_MIN_LEN;
	case BGP_MSG_NOTIFICATION:
		return len >= BGP_NOTIF_MIN_LEN;
	case BGP_MSG_KEEPALIVE:
		return len == BGP_KEEPALIVE_LEN;
	case BGP_MSG_ROUTE_REFRESH:
		return len == BGP_RREFRESH_LEN;
	}
	return false;
}

int
bgp_msg_frame(const uint8_t *buf, size_t len, uint8_t *type, struct bgp_err *err)
{
	struct wire_rd rd;
	uint16_t mlen;
	uint8_t t;

	bgp_err_clear(err);
	if (len < BGP_HDR_LEN)
		return 0;
	wire_rd_init(&rd, buf, len);
	if (!marker_ok(&rd))
		return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_HEADER, BGP_ERR_HDR_NOT_SYNC,
		    NULL, 0, "marker is not all ones");
	mlen = wire_u16(&rd);
	t = wire_u8(&rd);
	/* RFC 4271 6.4: an error in a NOTIFICATION is not answered with one. */
	err->no_reply = t == BGP_MSG_NOTIFICATION;
	if (mlen < BGP_HDR_LEN || mlen > BGP_MAX_MSG)
		return bgp_err_bad_length(err, mlen, "message length out of range");
	if (t < BGP_MSG_OPEN || t > BGP_MSG_ROUTE_REFRESH)
		return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_TYPE,
		    &t, 1, "unknown message type");
	if (!length_ok(t, mlen))
		return bgp_err_bad_length(err, mlen, "message length wrong for its type");
	err->no_reply = false;
	if (len < mlen)
		return 0;
	if (type)
		*type = t;
	return mlen;
}

/*
 * The body of a whole message of the given type: re-checks the header so
 * that a decoder is safe on any input (the fuzz targets feed them directly).
 */
static int
msg_body(const uint8_t *msg, size_t len, uint8_t want, struct wire_rd *body, struct bgp_err *err)
{
	uint8_t type = 0;
	int n = bgp_msg_frame(msg, len, &type, err);

	if (n < 0)
		return -1;
	if (n == 0 || (size_t)n != len)
		return bgp_err_bad_length(err, (uint16_t)(len > 0xffff ? 0xffff : len),
		    "message shorter or longer than its length field");
	if (type != want)
		return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_TYPE,
		    &type, 1, "not the message type expected");
	wire_rd_init(body, msg, len);
	wire_skip(body, BGP_HDR_LEN);
	return 0;
}

static size_t
msg_begin(struct wire_wr *w, uint8_t type)
{
	size_t start = w->len;
	uint8_t *m = wire_reserve(w, BGP_MARKER_LEN);

	if (m)
		memset(m, 0xff, BGP_MARKER_LEN);
	wire_put_u16(w, 0);
	wire_put_u8(w, type);
	return start;
}

static int
msg_end(struct wire_wr *w, size_t start, size_t max)
{
	size_t len = w->len - start;

	if (w->err == WIRE_OK && len > max)
		w->err = WIRE_ESPACE;
	if (w->err) {
		int e = w->err;

		wire_truncate(w, start);
		w->err = e;
		return -1;
	}
	wire_patch_u16(w, start + BGP_MARKER_LEN, (uint16_t)len);
	return w->err ? -1 : 0;
}

/* ---- OPEN and capabilities ---- */

const char *
bgp_cap_name(uint8_t code)
{
	switch (code) {
	case BGP_CAP_MP:
		return "multiprotocol";
	case BGP_CAP_ROUTE_REFRESH:
		return "route-refresh";
	case BGP_CAP_EXT_MESSAGE:
		return "extended-message";
	case BGP_CAP_GRACEFUL_RESTART:
		return "graceful-restart";
	case BGP_CAP_AS4:
		return "as4";
	case BGP_CAP_ADD_PATH:
		return "add-path";
	case BGP_CAP_ENH_ROUTE_REFRESH:
		return "enhanced-route-refresh";
	case BGP_CAP_FQDN:
		return "fqdn";
	case BGP_CAP_ROUTE_REFRESH_OLD:
		return "route-refresh-old";
	}
	return NULL;
}

void
bgp_open_init(struct bgp_open *o, uint32_t asn, uint16_t hold_time, uint32_t bgp_id,
    const bool af[BGP_AF_COUNT])
{
	int i;

	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn;
	o->hold_time = hold_time;
	o->bgp_id = bgp_id;
	for (i = 0; i < BGP_AF_COUNT; i++)
		o->caps.mp[i] = af[i];
	o->caps.route_refresh = true;
	o->caps.as4 = true;
	o->caps.as4_asn = asn;
	o->caps.graceful_restart = true;
}

uint32_t
bgp_open_peer_as(const struct bgp_open *o)
{
	return o->caps.as4 ? o->caps.as4_asn : o->my_as;
}

static void
cap_put(struct wire_wr *w, uint8_t code, uint8_t len)
{
	wire_put_u8(w, code);
	wire_put_u8(w, len);
}

int
bgp_open_write(struct wire_wr *w, const struct bgp_open *o)
{
	size_t start = msg_begin(w, BGP_MSG_OPEN), optlen_off, param_off, caps_len;
	unsigned i;

	wire_put_u8(w, o->version);
	wire_put_u16(w, o->my_as);
	wire_put_u16(w, o->hold_time);
	wire_put_u32(w, o->bgp_id);
	optlen_off = w->len;
	wire_put_u8(w, 0);
	/* One Capabilities parameter holding every capability (RFC 5492 4). */
	wire_put_u8(w, 2);
	param_off = w->len;
	wire_put_u8(w, 0);
	for (i = 0; i < BGP_AF_COUNT; i++) {
		if (!o->caps.mp[i])
			continue;
		cap_put(w, BGP_CAP_MP, 4);
		wire_put_u16(w, bgp_af_afi(i));
		wire_put_u8(w, 0);
		wire_put_u8(w, bgp_af_safi(i));
	}
	if (o->caps.route_refresh)
		cap_put(w, BGP_CAP_ROUTE_REFRESH, 0);
	if (o->caps.as4) {
		cap_put(w, BGP_CAP_AS4, 4);
		wire_put_u32(w, o->caps.as4_asn);
	}
	if (o->caps.graceful_restart) {
		/* Restart flags 0, restart time, no <AFI, SAFI> (RFC 4724 3). */
		cap_put(w, BGP_CAP_GRACEFUL_RESTART, 2);
		wire_put_u16(w, o->caps.gr_time & 0x0fff);
	}
	for (i = 0; i < o->caps.nunknown && i < BGP_CAPS_UNKNOWN_MAX; i++) {
		const struct bgp_cap_raw *c = &o->caps.unknown[i];

		if ((size_t)c->off + c->len > sizeof(o->caps.raw)) {
			w->err = WIRE_ERANGE;
			break;
		}
		cap_put(w, c->code, c->len);
		wire_put(w, &o->caps.raw[c->off], c->len);
	}
	caps_len = w->len - param_off - 1;
	if (caps_len == 0) {
		wire_truncate(w, optlen_off + 1); /* no parameter at all */
	} else if (caps_len > 253) {
		if (w->err == WIRE_OK)
			w->err = WIRE_ESPACE;
	} else {
		wire_patch_u8(w, param_off, (uint8_t)caps_len);
		wire_patch_u8(w, optlen_off, (uint8_t)(caps_len + 2));
	}
	return msg_end(w, start, BGP_MAX_MSG);
}

static int
open_err(struct bgp_err *err, uint8_t subcode, const char *why)
{
	return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_OPEN, subcode, NULL, 0, why);
}

static void
cap_keep(struct bgp_caps *caps, uint8_t code, struct wire_rd *val)
{
	size_t len = wire_left(val);
	struct bgp_cap_raw *c;

	if (caps->nunknown >= BGP_CAPS_UNKNOWN_MAX || caps->rawlen + len > sizeof(caps->raw))
		return; /* more than an OPEN can carry without RFC 9072; dropped */
	c = &caps->unknown[caps->nunknown++];
	c->code = code;
	c->len = (uint8_t)len;
	c->off = caps->rawlen;
	wire_read(val, &caps->raw[caps->rawlen], len);
	caps->rawlen = (uint16_t)(caps->rawlen + len);
}

static int
caps_decode(struct wire_rd *rd, struct bgp_caps *caps, struct bgp_err *err)
{
	while (wire_left(rd)) {
		uint8_t code = wire_u8(rd), len = wire_u8(rd);
		struct wire_rd val = wire_sub(rd, len);
		int af;

		if (rd->err)
			return open_err(err, BGP_ERR_OPEN_UNSPECIFIC,
			    "capability overruns its optional parameter");
		switch (code) {
		case BGP_CAP_MP: {
			uint16_t afi;
			uint8_t safi;

			if (len != 4)
				return open_err(err, BGP_ERR_OPEN_UNSPECIFIC,
				    "multiprotocol capability length is not 4");
			caps->any_mp = true;
			afi = wire_u16(&val);
			wire_skip(&val, 1);
			safi = wire_u8(&val);
			af = bgp_af_from_afi_safi(afi, safi);
			if (af >= 0) {
				caps->mp[af] = true;
			} else {
				wire_rd_init(&val, val.start, 4);
				cap_keep(caps, code, &val);
			}
			break;
		}
		case BGP_CAP_ROUTE_REFRESH:
			caps->route_refresh = true;
			break;
		case BGP_CAP_AS4:
			if (len != 4)
				return open_err(err, BGP_ERR_OPEN_UNSPECIFIC,
				    "4-octet AS capability length is not 4");
			caps->as4 = true;
			caps->as4_asn = wire_u32(&val);
			if (caps->as4_asn == 0)
				return open_err(err, BGP_ERR_OPEN_BAD_PEER_AS,
				    "4-octet AS capability carries AS 0");
			break;
		case BGP_CAP_GRACEFUL_RESTART:
			/* Flags and time, then 4 octets per family; any other
			 * length is kept as received and not relied on. */
			if (len < 2 || (len - 2) % 4 != 0) {
				cap_keep(caps, code, &val);
				break;
			}
			caps->graceful_restart = true;
			caps->gr_time = wire_u16(&val) & 0x0fff;
			caps->gr_nafs = (uint8_t)((len - 2) / 4);
			break;
		default:
			cap_keep(caps, code, &val);
			break;
		}
	}
	return 0;
}

int
bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_err *err)
{
	static const uint8_t version_data[2] = { 0, BGP_VERSION };
	struct wire_rd rd, params;
	uint8_t optlen;
	bool ext = false;

	memset(o, 0, sizeof(*o));
	if (msg_body(msg, len, BGP_MSG_OPEN, &rd, err) < 0)
		return -1;
	o->version = wire_u8(&rd);
	if (o->version != BGP_VERSION)
		return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION,
		    version_data, sizeof(version_data), "unsupported BGP version");
	o->my_as = wire_u16(&rd);
	o->hold_time = wire_u16(&rd);
	o->bgp_id = wire_u32(&rd);
	optlen = wire_u8(&rd);
	/* RFC 9072: Non-Ext OP Len 255 and Non-Ext OP Type 255 announce a
	 * 2-octet length, and 2-octet parameter lengths after it. */
	if (optlen == 255 && wire_left(&rd) >= 1 && wire_peek_u8(&rd) == 255) {
		uint16_t extlen;

		wire_skip(&rd, 1);
		extlen = wire_u16(&rd);
		ext = true;
		if (rd.err || wire_left(&rd) != extlen)
			return open_err(err, BGP_ERR_OPEN_UNSPECIFIC,
			    "extended optional parameters length disagrees with the message");
		params = wire_sub(&rd, extlen);
	} else {
		if (wire_left(&rd) != optlen)
			return open_err(err, BGP_ERR_OPEN_UNSPECIFIC,
			    "optional parameters length disagrees with the message");
		params = wire_sub(&rd, optlen);
	}
	while (wire_left(&params)) {
		uint8_t type = wire_u8(&params);
		uint16_t plen = ext ? wire_u16(&params) : wire_u8(&params);
		struct wire_rd val = wire_sub(&params, plen);

		if (params.err)
			return open_err(err, BGP_ERR_OPEN_UNSPECIFIC,
			    "optional parameter overruns the parameters field");
		if (type != 2)
			return open_err(err, BGP_ERR_OPEN_OPT_PARAM,
			    "optional parameter other than Capabilities");
		if (caps_decode(&val, &o->caps, err) < 0)
			return -1;
	}
	if (o->hold_time == 1 || o->hold_time == 2)
		return open_err(err, BGP_ERR_OPEN_HOLD_TIME, "hold time of 1 or 2 seconds");
	if (o->bgp_id == 0)
		return open_err(err, BGP_ERR_OPEN_BAD_BGP_ID, "BGP Identifier 0");
	return 0;
}

int
bgp_open_check_peer(const struct bgp_open *o, uint32_t expected_as, uint32_t local_as,
    uint32_t local_id, struct bgp_err *err)
{
	uint32_t peer_as = bgp_open_peer_as(o);

	bgp_err_clear(err);
	if (!o->caps.as4 && o->my_as == BGP_AS_TRANS)
		return open_err(err, BGP_ERR_OPEN_BAD_PEER_AS,
		    "AS_TRANS without the 4-octet AS capability");
	if (o->caps.as4 && o->caps.as4_asn <= 0xffff && o->my_as != o->caps.as4_asn)
		return open_err(err, BGP_ERR_OPEN_BAD_PEER_AS,
		    "My Autonomous System and the 4-octet AS capability disagree");
	if (expected_as && peer_as != expected_as)
		return open_err(err, BGP_ERR_OPEN_BAD_PEER_AS, "peer AS is not the configured one");
	if (peer_as == local_as && o->bgp_id == local_id)
		return open_err(err, BGP_ERR_OPEN_BAD_BGP_ID,
		    "internal peer has our own BGP Identifier");
	return 0;
}

uint16_t
bgp_hold_negotiate(uint16_t local, uint16_t remote)
{
	return local < remote ? local : remote;
}

/*
 * The families one side's OPEN offers: those of its multiprotocol
 * capabilities, or, when it sent none at all (capabilities off, an old
 * speaker, only the 4-octet AS capability), IPv4 unicast: the base protocol
 * of RFC 4271 (RFC 4760 8, RFC 5492 3). A side that sent MP capabilities
 * for other AFI/SAFI only offers none of ours.
 */
static bool
caps_offer(const struct bgp_caps *c, enum bgp_af af)
{
	bool any = c->any_mp;

	for (int i = 0; i < BGP_AF_COUNT; i++)
		any = any || c->mp[i];
	if (!any)
		return af == BGP_AF_IPV4_UNICAST;
	return c->mp[af];
}

void
bgp_caps_negotiate(const struct bgp_caps *local, const struct bgp_caps *remote,
    struct bgp_peer_ctx *ctx)
{
	ctx->as4 = local->as4 && remote->as4;
	/* A family is in use when both sides offer it (RFC 4760 6). */
	for (int i = 0; i < BGP_AF_COUNT; i++)
		ctx->af[i] = caps_offer(local, (enum bgp_af)i) &&
		    caps_offer(remote, (enum bgp_af)i);
}

void
bgp_caps_print(struct strbuf *sb, const struct bgp_caps *c)
{
	const char *sep = "";
	unsigned i;
	bool any = false;

	for (i = 0; i < BGP_AF_COUNT; i++)
		if (c->mp[i]) {
			sb_printf(sb, "%s%s", any ? "," : "mp(", bgp_af_name(i));
			any = true;
		}
	if (any) {
		sb_puts(sb, ")");
		sep = " ";
	}
	if (c->route_refresh) {
		sb_printf(sb, "%sroute-refresh", sep);
		sep = " ";
	}
	if (c->as4) {
		sb_printf(sb, "%sas4(%u)", sep, c->as4_asn);
		sep = " ";
	}
	if (c->graceful_restart) {
		sb_printf(sb, "%sgraceful-restart(%us,%u families)", sep, c->gr_time, c->gr_nafs);
		sep = " ";
	}
	for (i = 0; i < c->nunknown && i < BGP_CAPS_UNKNOWN_MAX; i++)
		sb_printf(sb, "%s%u", i ? "," : (*sep ? " unknown(" : "unknown("),
		    c->unknown[i].code);
	if (c->nunknown)
		sb_puts(sb, ")");
}

/* ---- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ---- */

int
bgp_keepalive_write(struct wire_wr *w)
{
	return msg_end(w, msg_begin(w, BGP_MSG_KEEPALIVE), BGP_MAX_MSG);
}

int
bgp_notification_write(struct wire_wr *w, uint8_t code, uint8_t subcode, const void *data,
    size_t len)
{
	size_t start = msg_begin(w, BGP_MSG_NOTIFICATION);

	if (len > BGP_ERR_DATA_MAX)
		len = BGP_ERR_DATA_MAX;
	wire_put_u8(w, code);
	wire_put_u8(w, subcode);
	if (len)
		wire_put(w, data, len);
	return msg_end(w, start, BGP_MAX_MSG);
}

int
bgp_notification_write_err(struct wire_wr *w, const struct bgp_err *err)
{
	return bgp_notification_write(w, err->code, err->subcode, err->data, err->datalen);
}

int
bgp_notification_write_shutdown(struct wire_wr *w, uint8_t subcode, const char *text)
{
	uint8_t data[256];
	size_t n = text ? strlen(text) : 0;

	if (n > 255) {
		n = 255;
		/* do not cut a UTF-8 sequence in two */
		while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80)
			n--;
	}
	if (n == 0)
		return bgp_notification_write(w, BGP_ERR_CEASE, subcode, NULL, 0);
	data[0] = (uint8_t)n;
	memcpy(&data[1], text, n);
	return bgp_notification_write(w, BGP_ERR_CEASE, subcode, data, n + 1);
}

int
bgp_notification_decode(const uint8_t *msg, size_t len, struct bgp_notification *n,
    struct bgp_err *err)
{
	struct wire_rd rd;
	size_t dlen;

	memset(n, 0, sizeof(*n));
	if (msg_body(msg, len, BGP_MSG_NOTIFICATION, &rd, err) < 0)
		return -1;
	n->code = wire_u8(&rd);
	n->subcode = wire_u8(&rd);
	dlen = wire_left(&rd);
	if (dlen > BGP_ERR_DATA_MAX)
		dlen = BGP_ERR_DATA_MAX;
	wire_read(&rd, n->data, dlen);
	n->datalen = (uint16_t)dlen;
	return rd.err ? -1 : 0;
}

int
bgp_route_refresh_write(struct wire_wr *w, uint16_t afi, uint8_t safi)
{
	size_t start = msg_begin(w, BGP_MSG_ROUTE_REFRESH);

	wire_put_u16(w, afi);
	wire_put_u8(w, 0);
	wire_put_u8(w, safi);
	return msg_end(w, start, BGP_MAX_MSG);
}

int
bgp_route_refresh_decode(const uint8_t *msg, size_t len, struct bgp_route_refresh *rr,
    struct bgp_err *err)
{
	struct wire_rd rd;

	memset(rr, 0, sizeof(*rr));
	if (msg_body(msg, len, BGP_MSG_ROUTE_REFRESH, &rd, err) < 0)
		return -1;
	rr->afi = wire_u16(&rd);
	rr->subtype = wire_u8(&rd);
	rr->safi = wire_u8(&rd);
	return 0;
}

/* ---- UPDATE decoding ---- */

static int
upd_err(struct bgp_err *err, uint8_t subcode, const char *why)
{
	return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_UPDATE, subcode, NULL, 0, why);
}

static void
missing(struct bgp_err *err, uint8_t type, const char *why)
{
	bgp_err_set(err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_MISSING_WK, &type, 1, why);
}

/* NLRI of a family the session does not use: remember the first. */
static void
unnegotiated(struct bgp_update *upd, uint16_t afi, uint8_t safi)
{
	if (upd->unnegotiated)
		return;
	upd->unnegotiated = true;
	upd->unnegotiated_afi = afi;
	upd->unnegotiated_safi = safi;
}

int
bgp_update_decode(const uint8_t *msg, size_t len, const struct bgp_peer_ctx *ctx,
    struct bgp_update *upd, struct bgp_err *err)
{
	struct wire_rd rd, attrs_rd, empty;
	uint16_t wlen, alen;
	long nw = 0, nn = 0, nmw = 0, nma = 0;
	bool v4 = ctx->af[BGP_AF_IPV4_UNICAST];

	memset(upd, 0, sizeof(*upd));
	bgp_attrs_init(&upd->attrs);
	upd->mp.reach_af = -1;
	upd->mp.unreach_af = -1;
	upd->eor_af = -1;
	wire_rd_init(&empty, NULL, 0);
	upd->withdrawn = empty;
	upd->nlri = empty;
	if (msg_body(msg, len, BGP_MSG_UPDATE, &rd, err) < 0)
		return -1;

	/* RFC 4271 6.3 and RFC 7606 5.3: the lengths must add up, else the
	 * NLRI cannot be located: Malformed Attribute List, session reset. */
	wlen = wire_u16(&rd);
	if (wire_left(&rd) < (size_t)wlen + 2)
		return upd_err(err, BGP_ERR_UPD_ATTR_LIST,
		    "Withdrawn Routes Length overruns the message");
	upd->withdrawn = wire_sub(&rd, wlen);
	alen = wire_u16(&rd);
	if (wire_left(&rd) < alen)
		return upd_err(err, BGP_ERR_UPD_ATTR_LIST,
		    "Total Path Attribute Length overruns the message");
	attrs_rd = wire_sub(&rd, alen);
	upd->nlri = wire_sub(&rd, wire_left(&rd));

	if ((nw = bgp_nlri_check(&upd->withdrawn, AF_INET, err)) < 0 ||
	    (nn = bgp_nlri_check(&upd->nlri, AF_INET, err)) < 0)
		return -1;
	if (wlen == 0 && alen == 0 && nn == 0) {
		upd->eor = true;
		upd->eor_af = BGP_AF_IPV4_UNICAST;
		return 0;
	}

	if (bgp_attrs_decode(&attrs_rd, ctx, &upd->attrs, &upd->mp, err, &upd->ndiscarded) < 0)
		return -1;
	if (upd->attrs.present & BGP_ATTRS_NEXT_HOP)
		upd->next_hop_attr = upd->attrs.nexthop;

	if (!v4) {
		/* IPv4 unicast not negotiated: the classic fields are ignored. */
		if (nw + nn > 0)
			unnegotiated(upd, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
		upd->withdrawn = empty;
		upd->nlri = empty;
		nw = nn = 0;
	}
	if (upd->mp.reach && upd->mp.reach_af < 0 && wire_left(&upd->mp.reach_nlri) > 0)
		unnegotiated(upd, upd->mp.reach_afi, upd->mp.reach_safi);
	if (upd->mp.unreach && upd->mp.unreach_af < 0 && wire_left(&upd->mp.unreach_nlri) > 0)
		unnegotiated(upd, upd->mp.unreach_afi, upd->mp.unreach_safi);
	if (upd->mp.unreach_af >= 0)
		nmw = bgp_nlri_check(&upd->mp.unreach_nlri, bgp_af_family(upd->mp.unreach_af), err);
	if (upd->mp.reach_af >= 0)
		nma = bgp_nlri_check(&upd->mp.reach_nlri, bgp_af_family(upd->mp.reach_af), err);
	if (nmw < 0 || nma < 0)
		return -1; /* already checked by the attribute decoder */

	if (upd->mp.unreach && !upd->mp.reach && wlen == 0 && nn == 0 &&
	    wire_left(&upd->mp.unreach_nlri) == 0 && upd->attrs.present == 0 &&
	    !upd->attrs.unknown && upd->ndiscarded == 0 && err->action == BGP_ACT_NONE) {
		upd->eor = true;
		upd->eor_af = upd->mp.unreach_af;
	}

	/* RFC 7606 3.d: mandatory attributes missing while routes are
	 * announced: treat-as-withdraw (NEXT_HOP only for the IPv4 NLRI field,
	 * RFC 4760 3). */
	if (nn + nma > 0) {
		if (!(upd->attrs.present & BGP_ATTRS_ORIGIN))
			missing(err, BGP_ATTR_ORIGIN, "ORIGIN missing");
		if (!(upd->attrs.present & BGP_ATTRS_AS_PATH))
			missing(err, BGP_ATTR_AS_PATH, "AS_PATH missing");
		if (nn > 0 && !(upd->attrs.present & BGP_ATTRS_NEXT_HOP))
			missing(err, BGP_ATTR_NEXT_HOP, "NEXT_HOP missing");
	}
	upd->action = err->action;
	if (upd->action == BGP_ACT_WITHDRAW) {
		upd->nwithdrawn = (unsigned)(nw + nmw + nn + nma);
		upd->nannounced = 0;
	} else {
		upd->nwithdrawn = (unsigned)(nw + nmw);
		upd->nannounced = (unsigned)(nn + nma);
	}
	return 0;
}

void
bgp_update_clear(struct bgp_update *upd)
{
	bgp_attrs_clear(&upd->attrs);
}

void
bgp_update_attrs_for(struct bgp_update *upd, enum bgp_af af)
{
	struct bgp_attrs *a = &upd->attrs;

	memset(&a->nexthop_ll, 0, sizeof(a->nexthop_ll));
	if (af == BGP_AF_IPV4_UNICAST && upd->next_hop_attr.family) {
		a->nexthop = upd->next_hop_attr;
	} else if (upd->mp.reach && upd->mp.reach_af == (int)af) {
		a->nexthop = upd->mp.nexthop;
		a->nexthop_ll = upd->mp.nexthop_ll;
	} else {
		memset(&a->nexthop, 0, sizeof(a->nexthop));
	}
	if (a->nexthop.family)
		a->present |= BGP_ATTRS_NEXT_HOP;
	else
		a->present &= ~BGP_ATTRS_NEXT_HOP;
}

/* Iterator stages: which block comes next. */
enum {
	IT_V4_WITHDRAWN,
	IT_MP_UNREACH,
	IT_V4_NLRI,
	IT_MP_REACH,
	IT_END,
};

static void
iter_start(const struct bgp_update *upd, struct bgp_nlri_iter *it, bool withdraw)
{
	memset(it, 0, sizeof(*it));
	it->upd = upd;
	it->withdraw = withdraw;
	it->stage = withdraw ? IT_V4_WITHDRAWN : IT_V4_NLRI;
	wire_rd_init(&it->rd, NULL, 0);
	it->af = -1;
	if (!withdraw && upd->action == BGP_ACT_WITHDRAW)
		it->stage = IT_END;
}

void
bgp_update_withdrawn(const struct bgp_update *upd, struct bgp_nlri_iter *it)
{
	iter_start(upd, it, true);
}

void
bgp_update_announced(const struct bgp_update *upd, struct bgp_nlri_iter *it)
{
	iter_start(upd, it, false);
}

bool
bgp_nlri_iter_next(struct bgp_nlri_iter *it, struct prefix *p, enum bgp_af *af)
{
	const struct bgp_update *u = it->upd;

	for (;;) {
		if (it->af >= 0 && wire_left(&it->rd) &&
		    bgp_nlri_next(&it->rd, bgp_af_family(it->af), p)) {
			if (af)
				*af = it->af;
			return true;
		}
		it->af = -1;
		switch (it->stage) {
		case IT_V4_WITHDRAWN:
			it->rd = u->withdrawn;
			it->af = BGP_AF_IPV4_UNICAST;
			it->stage = IT_MP_UNREACH;
			break;
		case IT_MP_UNREACH:
			if (u->mp.unreach && u->mp.unreach_af >= 0) {
				it->rd = u->mp.unreach_nlri;
				it->af = u->mp.unreach_af;
			}
			it->stage = u->action == BGP_ACT_WITHDRAW ? IT_V4_NLRI : IT_END;
			break;
		case IT_V4_NLRI:
			it->rd = u->nlri;
			it->af = BGP_AF_IPV4_UNICAST;
			it->stage = IT_MP_REACH;
			break;
		case IT_MP_REACH:
			if (u->mp.reach && u->mp.reach_af >= 0) {
				it->rd = u->mp.reach_nlri;
				it->af = u->mp.reach_af;
			}
			it->stage = IT_END;
			break;
		default:
			return false;
		}
	}
}

/* ---- UPDATE builders ---- */

static size_t
max_msg(const struct bgp_peer_ctx *ctx)
{
	return ctx && ctx->max_msg ? ctx->max_msg : BGP_MAX_MSG;
}

static bool
family_ok(const struct prefix *pfx, size_t n, enum bgp_af af)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pfx[i].addr.family != bgp_af_family(af) ||
		    pfx[i].len > ipaddr_bits(pfx[i].addr.family))
			return false;
	return true;
}

/* How many of pfx[] fit in room octets. */
static size_t
nlri_fit(const struct prefix *pfx, size_t n, size_t room, size_t *bytes)
{
	size_t i, used = 0;

	for (i = 0; i < n; i++) {
		size_t s = bgp_nlri_size(&pfx[i]);

		if (used + s > room)
			break;
		used += s;
	}
	*bytes = used;
	return i;
}

static long
builder_fail(struct wire_wr *w, size_t start, int e)
{
	wire_truncate(w, start);
	w->err = e ? e : WIRE_ESPACE;
	return -1;
}

long
bgp_update_write_announce(struct wire_wr *w, const struct bgp_peer_ctx *ctx,
    const struct bgp_attrs *attrs, enum bgp_af af, const struct prefix *pfx, size_t n)
{
	size_t max = max_msg(ctx), start, alen_off, room, bytes, k, i;
	uint8_t scratch[BGP_MAX_MSG];
	struct wire_wr aw;

	if ((unsigned)af >= BGP_AF_COUNT || !family_ok(pfx, n, af) || w->err)
		return builder_fail(w, w->len, WIRE_ERANGE);
	if (max > w->cap - w->len)
		max = w->cap - w->len;
	start = msg_begin(w, BGP_MSG_UPDATE);
	wire_put_u16(w, 0); /* no withdrawn routes */
	alen_off = w->len;
	wire_put_u16(w, 0);
	if (n == 0)
		return builder_fail(w, start, WIRE_ERANGE);

	if (af == BGP_AF_IPV4_UNICAST) {
		if (bgp_attrs_encode(w, ctx, attrs, true) < 0)
			return builder_fail(w, start, w->err);
		wire_patch_u16(w, alen_off, (uint16_t)(w->len - alen_off - 2));
		if (w->len - start > max)
			return builder_fail(w, start, WIRE_ESPACE);
		k = nlri_fit(pfx, n, max - (w->len - start), &bytes);
		for (i = 0; i < k; i++)
			bgp_nlri_put(w, &pfx[i]);
	} else {
		size_t nhlen = attrs->nexthop_ll.family == AF_INET6 ? 32 : 16, mphdr;

		if (attrs->nexthop.family != AF_INET6)
			return builder_fail(w, start, WIRE_ERANGE);
		wire_wr_init(&aw, scratch, sizeof(scratch));
		if (bgp_attrs_encode(&aw, ctx, attrs, false) < 0)
			return builder_fail(w, start, WIRE_ESPACE);
		/* MP_REACH_NLRI first (RFC 7606 5.1): header (4 with an
		 * extended length), AFI, SAFI, next hop length, next hop, reserved. */
		mphdr = 4 + 2 + 1 + 1 + nhlen + 1;
		if ((w->len - start) + mphdr + aw.len > max)
			return builder_fail(w, start, WIRE_ESPACE);
		room = max - (w->len - start) - mphdr - aw.len;
		k = nlri_fit(pfx, n, room, &bytes);
		if (k == 0)
			return builder_fail(w, start, WIRE_ESPACE);
		if (bgp_attr_encode_mp(w, BGP_ATTR_MP_REACH_NLRI, attrs, af, pfx, k) < 0)
			return builder_fail(w, start, w->err);
		wire_put(w, scratch, aw.len);
		wire_patch_u16(w, alen_off, (uint16_t)(w->len - alen_off - 2));
	}
	if (k == 0)
		return builder_fail(w, start, WIRE_ESPACE);
	if (msg_end(w, start, max) < 0)
		return -1;
	return (long)k;
}

long
bgp_update_write_withdraw(struct wire_wr *w, const struct bgp_peer_ctx *ctx, enum bgp_af af,
    const struct prefix *pfx, size_t n)
{
	size_t max = max_msg(ctx), start, bytes, k, i;

	if ((unsigned)af >= BGP_AF_COUNT || !family_ok(pfx, n, af) || n == 0 || w->err)
		return builder_fail(w, w->len, WIRE_ERANGE);
	if (max > w->cap - w->len)
		max = w->cap - w->len;
	start = msg_begin(w, BGP_MSG_UPDATE);
	if (af == BGP_AF_IPV4_UNICAST) {
		/* header, withdrawn length, prefixes, attribute length 0 */
		if (max < BGP_UPDATE_MIN_LEN)
			return builder_fail(w, start, WIRE_ESPACE);
		k = nlri_fit(pfx, n, max - BGP_UPDATE_MIN_LEN, &bytes);
		wire_put_u16(w, (uint16_t)bytes);
		for (i = 0; i < k; i++)
			bgp_nlri_put(w, &pfx[i]);
		wire_put_u16(w, 0);
	} else {
		size_t fixed = BGP_UPDATE_MIN_LEN + 4 + 3, alen;

		if (max < fixed)
			return builder_fail(w, start, WIRE_ESPACE);
		k = nlri_fit(pfx, n, max - fixed, &bytes);
		alen = 3 + bytes;
		wire_put_u16(w, 0);
		wire_put_u16(w, (uint16_t)(alen + (alen > 255 ? 4 : 3)));
		if (bgp_attr_encode_mp(w, BGP_ATTR_MP_UNREACH_NLRI, NULL, af, pfx, k) < 0)
			return builder_fail(w, start, w->err);
	}
	if (k == 0)
		return builder_fail(w, start, WIRE_ESPACE);
	if (msg_end(w, start, max) < 0)
		return -1;
	return (long)k;
}

int
bgp_update_write_eor(struct wire_wr *w, enum bgp_af af)
{
	size_t start = msg_begin(w, BGP_MSG_UPDATE);

	wire_put_u16(w, 0);
	if (af == BGP_AF_IPV4_UNICAST) {
		wire_put_u16(w, 0);
	} else {
		wire_put_u16(w, 6);
		bgp_attr_encode_mp(w, BGP_ATTR_MP_UNREACH_NLRI, NULL, af, NULL, 0);
	}
	return msg_end(w, start, BGP_MAX_MSG);
}
