/*
 * BFD sessions over UDP on the daemon's event loop: single-hop BFD for IPv4
 * and IPv6 (RFC 5881) in asynchronous mode (RFC 5880), independent of BGP.
 * The speaker asks for one session per peer and is told of every state
 * change through a callback; it takes the BGP session down when a session
 * leaves Up (RFC 5882).
 *
 * One struct bfd owns the receive sockets (UDP port 3784 by default, IPv4
 * and, when the host has it, IPv6), checks the TTL / hop limit of 255 of RFC
 * 5881 section 5, decodes (bfd_pkt.c) and demultiplexes each packet by Your
 * Discriminator, or by source address when that is zero (RFC 5880 6.8.6).
 * Each session owns a UDP socket for sending: a source port from 49152-65535
 * kept for the session's life (RFC 5881 4), TTL 255, connect()ed to the peer
 * so that the kernel picks the local address when none is configured. The
 * protocol itself is the state machine of bfd_fsm.c; this file is its I/O.
 *
 * Packets cost no allocation and no log line; what is dropped is counted, per
 * reason (struct bfd_stats) and per session (bfd_session_info.dropped).
 * Times are the event loop's clock (ev_now_us), in microseconds.
 */
#ifndef ANYBGP_BFD_H
#define ANYBGP_BFD_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "bfd_pkt.h"
#include "evloop.h"

#define BFD_MIN_INTERVAL_US 1000 /* 1 ms: the loop's timers are not finer */

struct bfd;
struct bfd_session;

/* Why the receive side dropped a packet. */
enum bfd_drop {
	BFD_DROP_MALFORMED,    /* refused by the decoder (bfd_stats.malformed[reason]) */
	BFD_DROP_TTL,	       /* TTL / hop limit not 255 (RFC 5881 5) */
	BFD_DROP_NO_SESSION,   /* no session for Your Discriminator, or for the source */
	BFD_DROP_WRONG_SOURCE, /* Your Discriminator of a session with another peer address */
	BFD_DROP_SESSION,      /* the session discarded it (AdminDown, path down) */
	BFD_DROP_COUNT,
};

struct bfd_stats {
	uint64_t rx;	   /* datagrams read from the receive sockets */
	uint64_t accepted; /* handed to a session's state machine */
	uint64_t drop[BFD_DROP_COUNT];
	uint64_t malformed[BFD_PKT_ERR_COUNT]; /* per decoder reason; [BFD_PKT_OK] stays 0 */
};

struct bfd_session_params {
	struct ipaddr remote;
	uint16_t remote_port; /* 0: 3784 (tests use another one) */
	struct ipaddr local;  /* family 0: the kernel's choice */
	uint32_t min_tx_us;   /* desired min tx, >= BFD_MIN_INTERVAL_US */
	uint32_t min_rx_us;   /* required min rx, >= BFD_MIN_INTERVAL_US */
	uint8_t multiplier;   /* detect multiplier, >= 1 */
};

struct bfd_session_info {
	struct ipaddr remote;
	uint16_t remote_port;
	struct ipaddr local; /* as bound (the kernel's choice), else as configured */
	uint16_t src_port;   /* 0 while no socket is open */
	enum bfd_state state;
	enum bfd_state remote_state;
	uint32_t local_disc;
	uint32_t remote_disc; /* 0 while unknown */
	enum bfd_diag local_diag;
	uint8_t remote_diag; /* as last received (9-31 reserved) */
	uint32_t conf_min_tx_us;
	uint32_t conf_min_rx_us;
	uint8_t conf_mult;
	uint32_t desired_min_tx_us;  /* as sent now (1 s while not Up) */
	uint32_t required_min_rx_us; /* as sent now */
	uint32_t remote_desired_min_tx_us;
	uint32_t remote_required_min_rx_us;
	uint8_t remote_mult;
	uint64_t tx_interval_us; /* negotiated, before jitter */
	uint64_t detect_time_us; /* 0 until the peer has been heard */
	bool poll;		 /* a Poll Sequence is outstanding */
	bool path_down;		 /* bfd_session_path_down() and not yet path_up */
	uint64_t pkts_in;	 /* accepted by the state machine */
	uint64_t pkts_out;
	uint64_t dropped;     /* demultiplexed to this session but dropped */
	uint64_t send_errors; /* failed sends (no route, no buffer, refused ...) */
	int last_errno;	      /* of the last failed send or socket setup; 0 after a success */
	uint32_t times_up;
	uint32_t times_down;	      /* times it left Up */
	enum bfd_diag last_down_diag; /* of the last change to Down or AdminDown */
	char last_down_reason[96];    /* "" if it never went down */
	uint64_t last_down_us;	      /* when (ev_now_us), 0 if never */
	uint64_t up_since_us;	      /* when it came Up, 0 while not Up */
};

/*
 * Called after every state change. When to is Down and remote_state (in
 * bfd_session_get_info) is AdminDown, the peer disabled BFD administratively:
 * RFC 5882 3.2 asks the client not to take its own session down for that.
 * The callback may call bfd_session_free() on this session (it is freed
 * once the event is over) and any other bfd_session_* function, but not
 * bfd_close().
 */
typedef void (*bfd_notify_fn)(void *arg, struct bfd_session *, enum bfd_state from,
    enum bfd_state to, enum bfd_diag diag);

/*
 * Opens the receive sockets on listen_port (0: 3784) for IPv4 and, if the host
 * has IPv6, for IPv6. NULL with errno set when neither can be opened.
 */
struct bfd *bfd_open(struct ev_loop *, uint16_t listen_port);
/* Frees the sessions still open (each says AdminDown to its peer first), then the sockets. */
void bfd_close(struct bfd *);
void bfd_get_stats(const struct bfd *, struct bfd_stats *);
const char *bfd_drop_name(enum bfd_drop);

/*
 * A session towards params->remote, started at once (Down, sending at the
 * slow rate of 1 s until Up). NULL with errno: EINVAL (bad address or
 * timers), EEXIST (this bfd has a session to that remote already),
 * EAFNOSUPPORT (no receive socket of that family), ENOMEM. A socket that
 * cannot be opened yet (local address not there) is no error: it is retried
 * at every transmit time and shows in bfd_session_info.last_errno.
 */
struct bfd_session *bfd_session_new(struct bfd *, const struct bfd_session_params *, bfd_notify_fn,
    void *arg);
/* Sends one AdminDown packet (diag 7) if the socket is open, then frees; no callback. */
void bfd_session_free(struct bfd_session *);
/* New timers, through a Poll Sequence (RFC 5880 6.8.3). 0, or -EINVAL. */
int bfd_session_set_timers(struct bfd_session *, uint32_t min_tx_us, uint32_t min_rx_us,
    uint8_t multiplier);
/* RFC 5880 6.8.16: AdminDown (diag 7, the peer goes Down with diag 3), or back to Down. */
void bfd_session_admin(struct bfd_session *, bool admin_down);
/*
 * The interface towards the peer is gone: Down with diag 5 (Path Down) if
 * Init or Up, the socket closed, nothing sent or accepted until path_up. The
 * peer sees the packets stop (diag 1 there).
 */
void bfd_session_path_down(struct bfd_session *);
/* The interface is back: the socket reopened (same source port if free), a packet sent at once. */
void bfd_session_path_up(struct bfd_session *);
void bfd_session_get_info(const struct bfd_session *, struct bfd_session_info *);
enum bfd_state bfd_session_state(const struct bfd_session *);

#endif
