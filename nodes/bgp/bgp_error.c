/*
 * BGP error classification: NOTIFICATION code/subcode name tables (RFC 4271
 * 4.5, RFC 4486, RFC 6608, RFC 7313, RFC 8538, RFC 9384), RFC 7606 action
 * severity, and NOTIFICATION descriptions for logs including the RFC 9003
 * shutdown communication.
 */
#include <string.h>

#include "bgp_error.h"
#include "strbuf.h"

static const char *const code_names[] = {
	[BGP_ERR_HEADER] = "Message Header Error",
	[BGP_ERR_OPEN] = "OPEN Message Error",
	[BGP_ERR_UPDATE] = "UPDATE Message Error",
	[BGP_ERR_HOLD] = "Hold Timer Expired",
	[BGP_ERR_FSM] = "Finite State Machine Error",
	[BGP_ERR_CEASE] = "Cease",
	[BGP_ERR_ROUTE_REFRESH] = "ROUTE-REFRESH Message Error",
};

static const char *const header_names[] = {
	[BGP_ERR_HDR_NOT_SYNC] = "Connection Not Synchronized",
	[BGP_ERR_HDR_BAD_LEN] = "Bad Message Length",
	[BGP_ERR_HDR_BAD_TYPE] = "Bad Message Type",
};

static const char *const open_names[] = {
	[BGP_ERR_OPEN_UNSPECIFIC] = "Unspecific",
	[BGP_ERR_OPEN_VERSION] = "Unsupported Version Number",
	[BGP_ERR_OPEN_BAD_PEER_AS] = "Bad Peer AS",
	[BGP_ERR_OPEN_BAD_BGP_ID] = "Bad BGP Identifier",
	[BGP_ERR_OPEN_OPT_PARAM] = "Unsupported Optional Parameter",
	[5] = "Authentication Failure (deprecated)",
	[BGP_ERR_OPEN_HOLD_TIME] = "Unacceptable Hold Time",
	[BGP_ERR_OPEN_CAPABILITY] = "Unsupported Capability",
	[BGP_ERR_OPEN_ROLE] = "Role Mismatch",
};

static const char *const update_names[] = {
	[BGP_ERR_UPD_ATTR_LIST] = "Malformed Attribute List",
	[BGP_ERR_UPD_UNRECOG_WK] = "Unrecognized Well-known Attribute",
	[BGP_ERR_UPD_MISSING_WK] = "Missing Well-known Attribute",
	[BGP_ERR_UPD_ATTR_FLAGS] = "Attribute Flags Error",
	[BGP_ERR_UPD_ATTR_LEN] = "Attribute Length Error",
	[BGP_ERR_UPD_ORIGIN] = "Invalid ORIGIN Attribute",
	[7] = "AS Routing Loop (deprecated)",
	[BGP_ERR_UPD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[BGP_ERR_UPD_OPTIONAL] = "Optional Attribute Error",
	[BGP_ERR_UPD_NETWORK] = "Invalid Network Field",
	[BGP_ERR_UPD_ASPATH] = "Malformed AS_PATH",
};

static const char *const fsm_names[] = {
	[BGP_ERR_FSM_UNSPECIFIC] = "Unspecified Error",
	[BGP_ERR_FSM_OPENSENT] = "Receive Unexpected Message in OpenSent State",
	[BGP_ERR_FSM_OPENCONFIRM] = "Receive Unexpected Message in OpenConfirm State",
	[BGP_ERR_FSM_ESTABLISHED] = "Receive Unexpected Message in Established State",
};

static const char *const cease_names[] = {
	[BGP_ERR_CEASE_UNSPECIFIC] = "Unspecific",
	[BGP_ERR_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
	[BGP_ERR_CEASE_SHUTDOWN] = "Administrative Shutdown",
	[BGP_ERR_CEASE_DECONFIGURED] = "Peer De-configured",
	[BGP_ERR_CEASE_RESET] = "Administrative Reset",
	[BGP_ERR_CEASE_REJECTED] = "Connection Rejected",
	[BGP_ERR_CEASE_CONFIG] = "Other Configuration Change",
	[BGP_ERR_CEASE_COLLISION] = "Connection Collision Resolution",
	[BGP_ERR_CEASE_RESOURCES] = "Out of Resources",
	[BGP_ERR_CEASE_HARD_RESET] = "Hard Reset",
	[BGP_ERR_CEASE_BFD_DOWN] = "BFD Down",
};

static const char *const rr_names[] = {
	[BGP_ERR_RR_LENGTH] = "Invalid Message Length",
};

static const char *const action_names[BGP_ACT_COUNT] = {
	[BGP_ACT_NONE] = "none",
	[BGP_ACT_ATTR_DISCARD] = "attribute discard",
	[BGP_ACT_WITHDRAW] = "treat-as-withdraw",
	[BGP_ACT_AF_DISABLE] = "AFI/SAFI disable",
	[BGP_ACT_SESSION_RESET] = "session reset",
};

#define TABLE_NAME(t, i) ((size_t)(i) < sizeof(t) / sizeof((t)[0]) ? (t)[i] : NULL)

void
bgp_err_clear(struct bgp_err *err)
{
	err->action = BGP_ACT_NONE;
	err->code = 0;
	err->subcode = 0;
	err->datalen = 0;
	err->reason = NULL;
	err->afi = 0;
	err->safi = 0;
	err->no_reply = false;
}

int
bgp_err_set(struct bgp_err *err, enum bgp_err_action action, uint8_t code, uint8_t subcode,
    const void *data, size_t len, const char *reason)
{
	if (err->action >= action && err->action != BGP_ACT_NONE)
		return -1;
	err->action = action;
	err->code = code;
	err->subcode = subcode;
	if (len > BGP_ERR_DATA_MAX)
		len = BGP_ERR_DATA_MAX;
	if (len && data)
		memcpy(err->data, data, len);
	else
		len = 0;
	err->datalen = (uint16_t)len;
	err->reason = reason;
	err->afi = 0;
	err->safi = 0;
	return -1;
}

int
bgp_err_bad_length(struct bgp_err *err, uint16_t len, const char *reason)
{
	uint8_t data[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	return bgp_err_set(err, BGP_ACT_SESSION_RESET, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LEN, data,
	    sizeof(data), reason);
}

const char *
bgp_err_code_name(uint8_t code)
{
	const char *s = TABLE_NAME(code_names, code);

	return s ? s : "Unknown Error Code";
}

const char *
bgp_err_subcode_name(uint8_t code, uint8_t subcode)
{
	const char *s = NULL;

	switch (code) {
	case BGP_ERR_HEADER:
		s = TABLE_NAME(header_names, subcode);
		break;
	case BGP_ERR_OPEN:
		s = TABLE_NAME(open_names, subcode);
		break;
	case BGP_ERR_UPDATE:
		s = TABLE_NAME(update_names, subcode);
		break;
	case BGP_ERR_FSM:
		s = TABLE_NAME(fsm_names, subcode);
		break;
	case BGP_ERR_CEASE:
		s = TABLE_NAME(cease_names, subcode);
		break;
	case BGP_ERR_ROUTE_REFRESH:
		s = TABLE_NAME(rr_names, subcode);
		break;
	case BGP_ERR_HOLD:
		if (subcode == 0)
			s = "Unspecific";
		break;
	}
	if (!s && subcode == 0)
		s = "Unspecific";
	return s ? s : "Unknown Subcode";
}

const char *
bgp_err_action_name(enum bgp_err_action a)
{
	if ((unsigned)a >= BGP_ACT_COUNT)
		return "unknown";
	return action_names[a];
}

/* RFC 9003: Cease subcodes 2 and 4 may carry a length octet and UTF-8 text. */
static bool
shutdown_text(uint8_t code, uint8_t subcode, const uint8_t *data, size_t len, size_t *tlen)
{
	if (code != BGP_ERR_CEASE ||
	    (subcode != BGP_ERR_CEASE_SHUTDOWN && subcode != BGP_ERR_CEASE_RESET))
		return false;
	if (len < 1 || data[0] == 0 || (size_t)data[0] + 1 > len)
		return false;
	*tlen = data[0];
	return true;
}

void
bgp_notification_describe(struct strbuf *sb, uint8_t code, uint8_t subcode, const uint8_t *data,
    size_t len)
{
	size_t tlen, i;

	sb_printf(sb, "%s / %s", bgp_err_code_name(code), bgp_err_subcode_name(code, subcode));
	if (shutdown_text(code, subcode, data, len, &tlen)) {
		sb_puts(sb, ": \"");
		for (i = 0; i < tlen; i++) {
			uint8_t c = data[1 + i];

			/* Printable ASCII and UTF-8 bytes as they are; controls escaped. */
			if (c == '"' || c == '\\')
				sb_printf(sb, "\\%c", c);
			else if (c < 0x20 || c == 0x7f)
				sb_printf(sb, "\\x%02x", c);
			else
				sb_add(sb, (const char *)&data[1 + i], 1);
		}
		sb_puts(sb, "\"");
		return;
	}
	if (len == 0)
		return;
	sb_printf(sb, " (data %zu octet%s:", len, len == 1 ? "" : "s");
	for (i = 0; i < len && i < 32; i++)
		sb_printf(sb, " %02x", data[i]);
	if (len > 32)
		sb_puts(sb, " ...");
	sb_puts(sb, ")");
}

void
bgp_err_describe(struct strbuf *sb, const struct bgp_err *err)
{
	if (err->action == BGP_ACT_NONE) {
		sb_puts(sb, "no error");
		return;
	}
	if (err->reason)
		sb_printf(sb, "%s: ", err->reason);
	sb_printf(sb, "%s, ", bgp_err_action_name(err->action));
	bgp_notification_describe(sb, err->code, err->subcode, err->data, err->datalen);
}
