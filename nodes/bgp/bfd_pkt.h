/*
 * The BFD Control packet of RFC 5880 section 4.1: encoding, decoding, and the
 * reception checks of section 6.8.6 that need nothing but the packet itself
 * (version, lengths, detect multiplier, M bit, discriminators). Session
 * lookup, the TTL check of RFC 5881 section 5 and the state machine are
 * elsewhere (bfd.c, bfd_fsm.c).
 *
 * Authentication (RFC 5880 4.2-4.4, 6.7) is not configured in anybgpd: an
 * authentication section is parsed only far enough to be rejected, as 6.8.6
 * asks when the A bit is set and bfd.AuthType is zero.
 */
#ifndef ANYBGP_BFD_PKT_H
#define ANYBGP_BFD_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define BFD_VERSION	  1
#define BFD_CTRL_LEN	  24	/* the mandatory section */
#define BFD_CTRL_AUTH_MIN 26	/* with the A bit: type and length at least */
#define BFD_PORT	  3784	/* RFC 5881 4: single-hop control packets */
#define BFD_SRC_PORT_MIN  49152 /* RFC 5881 4: source port range */
#define BFD_SRC_PORT_MAX  65535
#define BFD_TTL		  255 /* RFC 5881 5: sent with, and required on receipt */

/* Session states (RFC 5880 4.1, the Sta field). */
enum bfd_state {
	BFD_ADMIN_DOWN = 0,
	BFD_DOWN = 1,
	BFD_INIT = 2,
	BFD_UP = 3,
	BFD_STATE_COUNT,
};

/* Diagnostic codes (RFC 5880 4.1); 9-31 are reserved and kept as received. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_TIME_EXPIRED = 1,	   /* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED = 2,	   /* Echo Function Failed */
	BFD_DIAG_NEIGHBOR_DOWN = 3,	   /* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_RESET = 4,		   /* Forwarding Plane Reset */
	BFD_DIAG_PATH_DOWN = 5,		   /* Path Down */
	BFD_DIAG_CONCAT_PATH_DOWN = 6,	   /* Concatenated Path Down */
	BFD_DIAG_ADMIN_DOWN = 7,	   /* Administratively Down */
	BFD_DIAG_REV_CONCAT_PATH_DOWN = 8, /* Reverse Concatenated Path Down */
	BFD_DIAG_COUNT,
};

/* Why a packet was refused, in the order RFC 5880 6.8.6 checks. */
enum bfd_pkt_err {
	BFD_PKT_OK,
	BFD_PKT_SHORT,	     /* fewer octets than the mandatory section */
	BFD_PKT_VERSION,     /* version is not 1 */
	BFD_PKT_LENGTH,	     /* Length below 24 (26 with A), or a bad auth section length */
	BFD_PKT_TRUNCATED,   /* Length beyond the UDP payload */
	BFD_PKT_DETECT_MULT, /* Detect Mult is zero */
	BFD_PKT_MULTIPOINT,  /* M bit set */
	BFD_PKT_MY_DISC,     /* My Discriminator is zero */
	BFD_PKT_YOUR_DISC,   /* Your Discriminator zero in a state other than Down/AdminDown */
	BFD_PKT_POLL_FINAL,  /* both P and F (6.5: MUST NOT) */
	BFD_PKT_AUTH,	     /* A bit set: no authentication is configured */
	BFD_PKT_ERR_COUNT,
};

struct bfd_ctrl {
	uint8_t diag; /* enum bfd_diag when below BFD_DIAG_COUNT */
	enum bfd_state state;
	bool poll;	 /* P */
	bool final;	 /* F */
	bool cpi;	 /* C: control plane independent */
	bool auth;	 /* A */
	bool demand;	 /* D */
	bool multipoint; /* M */
	uint8_t detect_mult;
	uint8_t length; /* as received; the encoder writes 24 */
	uint32_t my_disc;
	uint32_t your_disc;
	uint32_t desired_min_tx;       /* microseconds */
	uint32_t required_min_rx;      /* microseconds */
	uint32_t required_min_echo_rx; /* microseconds */
	uint8_t auth_type;	       /* when auth: what the peer wanted */
	uint8_t auth_len;
};

/*
 * Decodes one UDP payload. On BFD_PKT_OK *out holds the packet; on a refusal
 * *out holds whatever was read, for logs. Every read goes through wire.h.
 */
enum bfd_pkt_err bfd_ctrl_decode(const void *buf, size_t len, struct bfd_ctrl *out);
/* Writes the 24-octet mandatory section (no authentication). 0 or -1 (no room). */
int bfd_ctrl_encode(struct wire_wr *, const struct bfd_ctrl *);

const char *bfd_state_name(enum bfd_state);
const char *bfd_diag_name(unsigned diag);
const char *bfd_pkt_err_name(enum bfd_pkt_err);

#endif
