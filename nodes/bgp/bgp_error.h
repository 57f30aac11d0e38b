/*
 * BGP error classification: the NOTIFICATION error codes and subcodes with
 * their name tables (RFC 4271 section 4.5 and 6, RFC 4486 and RFC 9384 Cease
 * subcodes, RFC 6608 FSM subcodes, RFC 7313 ROUTE-REFRESH subcodes) and the
 * revised UPDATE error handling actions of RFC 7606 section 2 (attribute
 * discard, treat-as-withdraw, AFI/SAFI disable, session reset).
 *
 * Every decoder of the codec reports a problem in a struct bgp_err: the
 * action RFC 7606 prescribes, the NOTIFICATION code, subcode and data that
 * RFC 4271 section 6 prescribes (sent only when the action is a session
 * reset, logged otherwise), and a short reason for the log.
 */
#ifndef ANYBGP_BGP_ERROR_H
#define ANYBGP_BGP_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* NOTIFICATION error codes (RFC 4271 4.5, RFC 7313). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,	   /* Message Header Error */
	BGP_ERR_OPEN = 2,	   /* OPEN Message Error */
	BGP_ERR_UPDATE = 3,	   /* UPDATE Message Error */
	BGP_ERR_HOLD = 4,	   /* Hold Timer Expired */
	BGP_ERR_FSM = 5,	   /* Finite State Machine Error */
	BGP_ERR_CEASE = 6,	   /* Cease */
	BGP_ERR_ROUTE_REFRESH = 7, /* ROUTE-REFRESH Message Error (RFC 7313) */
};

/* Message Header Error subcodes (RFC 4271 6.1). */
enum bgp_err_header {
	BGP_ERR_HDR_NOT_SYNC = 1, /* Connection Not Synchronized */
	BGP_ERR_HDR_BAD_LEN = 2,  /* Bad Message Length; data: the 2-octet length field */
	BGP_ERR_HDR_BAD_TYPE = 3, /* Bad Message Type; data: the 1-octet type field */
};

/* OPEN Message Error subcodes (RFC 4271 6.2, RFC 5492, RFC 9234). */
enum bgp_err_open {
	BGP_ERR_OPEN_UNSPECIFIC = 0,
	BGP_ERR_OPEN_VERSION = 1, /* Unsupported Version Number; data: 2-octet largest version */
	BGP_ERR_OPEN_BAD_PEER_AS = 2, /* Bad Peer AS */
	BGP_ERR_OPEN_BAD_BGP_ID = 3,  /* Bad BGP Identifier */
	BGP_ERR_OPEN_OPT_PARAM = 4,   /* Unsupported Optional Parameter */
	BGP_ERR_OPEN_HOLD_TIME = 6,   /* Unacceptable Hold Time */
	BGP_ERR_OPEN_CAPABILITY = 7,  /* Unsupported Capability (RFC 5492); data: the caps */
	BGP_ERR_OPEN_ROLE = 11,	      /* Role Mismatch (RFC 9234) */
};

/* UPDATE Message Error subcodes (RFC 4271 6.3). */
enum bgp_err_update {
	BGP_ERR_UPD_ATTR_LIST = 1,  /* Malformed Attribute List */
	BGP_ERR_UPD_UNRECOG_WK = 2, /* Unrecognized Well-known Attribute; data: the attr */
	BGP_ERR_UPD_MISSING_WK = 3, /* Missing Well-known Attribute; data: its type code */
	BGP_ERR_UPD_ATTR_FLAGS = 4, /* Attribute Flags Error; data: the attribute */
	BGP_ERR_UPD_ATTR_LEN = 5,   /* Attribute Length Error; data: the attribute */
	BGP_ERR_UPD_ORIGIN = 6,	    /* Invalid ORIGIN Attribute; data: the attribute */
	BGP_ERR_UPD_NEXTHOP = 8,    /* Invalid NEXT_HOP Attribute; data: the attribute */
	BGP_ERR_UPD_OPTIONAL = 9,   /* Optional Attribute Error; data: the attribute */
	BGP_ERR_UPD_NETWORK = 10,   /* Invalid Network Field */
	BGP_ERR_UPD_ASPATH = 11,    /* Malformed AS_PATH */
};

/* Finite State Machine Error subcodes (RFC 6608). */
enum bgp_err_fsm {
	BGP_ERR_FSM_UNSPECIFIC = 0,
	BGP_ERR_FSM_OPENSENT = 1,    /* Receive Unexpected Message in OpenSent State */
	BGP_ERR_FSM_OPENCONFIRM = 2, /* ... in OpenConfirm State */
	BGP_ERR_FSM_ESTABLISHED = 3, /* ... in Established State */
};

/* Cease subcodes (RFC 4486, RFC 8538, RFC 9384). */
enum bgp_err_cease {
	BGP_ERR_CEASE_UNSPECIFIC = 0,
	BGP_ERR_CEASE_MAX_PREFIX = 1,	/* data: AFI(2) SAFI(1) limit(4) */
	BGP_ERR_CEASE_SHUTDOWN = 2,	/* Administrative Shutdown; data: RFC 9003 message */
	BGP_ERR_CEASE_DECONFIGURED = 3, /* Peer De-configured */
	BGP_ERR_CEASE_RESET = 4,	/* Administrative Reset; data: RFC 9003 message */
	BGP_ERR_CEASE_REJECTED = 5,	/* Connection Rejected */
	BGP_ERR_CEASE_CONFIG = 6,	/* Other Configuration Change */
	BGP_ERR_CEASE_COLLISION = 7,	/* Connection Collision Resolution */
	BGP_ERR_CEASE_RESOURCES = 8,	/* Out of Resources */
	BGP_ERR_CEASE_HARD_RESET = 9,	/* Hard Reset (RFC 8538) */
	BGP_ERR_CEASE_BFD_DOWN = 10,	/* BFD Down (RFC 9384) */
};

/* ROUTE-REFRESH Message Error subcodes (RFC 7313). */
enum bgp_err_route_refresh {
	BGP_ERR_RR_LENGTH = 1, /* Invalid Message Length; data: the whole message */
};

/*
 * What to do about an error, in increasing order of severity (RFC 7606
 * section 2 and 3.h: when several errors are found, the most severe wins).
 */
enum bgp_err_action {
	BGP_ACT_NONE = 0,      /* no error */
	BGP_ACT_ATTR_DISCARD,  /* drop the attribute, keep the route */
	BGP_ACT_WITHDRAW,      /* treat-as-withdraw: every NLRI of the UPDATE withdrawn */
	BGP_ACT_AF_DISABLE,    /* stop using that AFI/SAFI for the session (RFC 4760 7) */
	BGP_ACT_SESSION_RESET, /* send the NOTIFICATION and close */
	BGP_ACT_COUNT
};

/*
 * NOTIFICATION data fits in one 4096-octet message: 4096 - 19 (header) - 2.
 * Longer data (an attribute of up to 65535 octets) is truncated.
 */
#define BGP_ERR_DATA_MAX 4075

struct bgp_err {
	enum bgp_err_action action;
	uint8_t code; /* enum bgp_err_code */
	uint8_t subcode;
	uint16_t datalen;
	uint8_t data[BGP_ERR_DATA_MAX];
	const char *reason; /* static text for the log, e.g. "ORIGIN value 3" */
	/* AFI/SAFI concerned, when action is BGP_ACT_AF_DISABLE (0 otherwise). */
	uint16_t afi;
	uint8_t safi;
	/*
	 * The error is in a NOTIFICATION (its header says so): the session
	 * closes without sending one back (RFC 4271 6.4); code and subcode say
	 * what RFC 4271 6.1 would have sent, for the log.
	 */
	bool no_reply;
};

void bgp_err_clear(struct bgp_err *);

/*
 * Record an error. When err already holds an error of at least the same
 * severity, the first one is kept (RFC 7606 3.h: the most severe wins; of
 * equal ones, the first found is reported). data may be NULL when len is 0.
 * Returns -1 so that decoders can "return bgp_err_set(...)".
 */
int bgp_err_set(struct bgp_err *, enum bgp_err_action, uint8_t code, uint8_t subcode,
    const void *data, size_t len, const char *reason);

/* A session reset with Message Header Error / Bad Message Length and the length field. */
int bgp_err_bad_length(struct bgp_err *, uint16_t len, const char *reason);

const char *bgp_err_code_name(uint8_t code);			 /* "UPDATE Message Error" */
const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode); /* "Invalid ORIGIN Attribute" */
const char *bgp_err_action_name(enum bgp_err_action);		 /* "treat-as-withdraw" */

/*
 * One-line description of a NOTIFICATION for logs and the peer listing:
 * "UPDATE Message Error / Malformed AS_PATH (data 4 octets: 40 02 ...)" or,
 * for Cease with an RFC 9003 shutdown communication,
 * "Cease / Administrative Shutdown: \"maintenance\"". Appends to sb.
 */
void bgp_notification_describe(struct strbuf *, uint8_t code, uint8_t subcode, const uint8_t *data,
    size_t len);

/* The same for a decoder's error, with its action and reason. */
void bgp_err_describe(struct strbuf *, const struct bgp_err *);

#endif
