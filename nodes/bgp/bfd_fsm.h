/*
 * The BFD session state machine of RFC 5880 section 6.2 with the reception
 * rules of 6.8.6, in asynchronous mode: a state enum, an event enum and one
 * function (bfd_fsm_event) switching on both. Like the BGP FSM (fsm.h) it does
 * no I/O: it asks its owner, through struct bfd_fsm_ops, to send a Control
 * packet now, to arm or stop its two timers, and tells it of state changes,
 * so the same code runs over sockets (bfd.c) and under the unit tests
 * (tests/bgp/test_bfd_fsm.c).
 *
 * It keeps the state variables of 6.8.1 (bfd.SessionState, RemoteDiscr,
 * DesiredMinTxInterval, RemoteMinRxInterval, ...) and implements:
 *   - the three-way handshake Down -> Init -> Up, and Down on a remote Down
 *     (diag 3) or AdminDown (diag 3), or on detection timeout (diag 1);
 *   - the 1 s minimum DesiredMinTxInterval while not Up (6.8.3);
 *   - the transmit interval max(DesiredMinTx, RemoteMinRx) (6.8.2, 6.8.7),
 *     jittered to 75-100% of it, 75-90% when bfd.DetectMult is 1 (6.8.7);
 *   - the detection time: the remote Detect Mult times max(RequiredMinRx,
 *     the remote's Desired Min TX) (6.8.4);
 *   - Poll Sequences when DesiredMinTx or RequiredMinRx change (6.5, 6.8.3):
 *     while one is outstanding a larger transmit interval and a smaller
 *     receive interval are not used yet; the Final bit applies them;
 *   - an immediate Final reply to a Poll, never with P and F together (6.5);
 *   - no periodic transmission when the remote Required Min RX is 0, or when
 *     the remote asks for Demand mode and both sides are Up (6.8.7);
 *   - administrative control (6.8.16) and Path Down (diag 5) when the owner
 *     learns that the interface towards the peer is gone.
 *
 * Echo, Demand mode on our side, authentication and multipoint are not
 * implemented (docs/bfd.md).
 */
#ifndef ANYBGP_BFD_FSM_H
#define ANYBGP_BFD_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bfd_pkt.h"

#define BFD_SLOW_TX_US 1000000 /* 6.8.3: DesiredMinTxInterval while not Up */

enum bfd_event {
	BFD_EV_START,	       /* begin in Down: first packet now, periodic after */
	BFD_EV_RX,	       /* a decoded packet demultiplexed to this session */
	BFD_EV_TX_EXPIRED,     /* the transmit timer */
	BFD_EV_DETECT_EXPIRED, /* the detection timer */
	BFD_EV_TIMERS,	       /* conf_tx / conf_rx / conf_mult were changed */
	BFD_EV_ADMIN_DOWN,     /* 6.8.16 disable */
	BFD_EV_ADMIN_UP,       /* 6.8.16 enable */
	BFD_EV_PATH_DOWN,      /* the interface towards the peer is gone */
	BFD_EV_PATH_UP,	       /* it is back */
	BFD_EVENT_COUNT,
};

enum bfd_timer {
	BFD_T_TX,
	BFD_T_DETECT,
	BFD_TIMER_COUNT,
};

struct bfd_fsm;

struct bfd_fsm_ops {
	/* Send this packet now (the owner encodes it). */
	void (*send)(struct bfd_fsm *, const struct bfd_ctrl *);
	void (*timer_start)(struct bfd_fsm *, enum bfd_timer, uint64_t us);
	void (*timer_stop)(struct bfd_fsm *, enum bfd_timer);
	/* Called after every change of bfd.SessionState, diag = bfd.LocalDiag. */
	void (
	    *state_change)(struct bfd_fsm *, enum bfd_state from, enum bfd_state to, enum bfd_diag);
};

struct bfd_fsm {
	const struct bfd_fsm_ops *ops;
	void *arg; /* the owner's object */

	/* Set by the owner before BFD_EV_START (conf_* again before BFD_EV_TIMERS). */
	uint32_t local_disc; /* bfd.LocalDiscr, nonzero */
	uint32_t conf_tx;    /* configured desired min tx, µs */
	uint32_t conf_rx;    /* configured required min rx, µs, nonzero */
	uint8_t conf_mult;   /* bfd.DetectMult */
	uint32_t rng;	     /* jitter generator state, nonzero */

	/* RFC 5880 6.8.1 state variables. */
	enum bfd_state state;
	enum bfd_state remote_state;
	uint8_t diag;	     /* bfd.LocalDiag */
	uint8_t remote_diag; /* last received, for show */
	uint32_t remote_disc;
	uint32_t desired_tx;  /* bfd.DesiredMinTxInterval, as sent */
	uint32_t required_rx; /* bfd.RequiredMinRxInterval, as sent */
	uint32_t remote_min_rx;
	uint32_t remote_desired_tx;
	uint8_t remote_mult;
	bool remote_demand;

	/* Derived. */
	bool poll;	      /* a Poll Sequence is outstanding */
	uint32_t tx_used;     /* DesiredMinTx in effect (the old one until Final) */
	uint32_t rx_used;     /* RequiredMinRx in effect for the detection time */
	uint64_t tx_interval; /* max(tx_used, remote_min_rx), before jitter */
	uint64_t detect_time; /* 0 until a packet has been received */
	uint64_t tx_armed;    /* the interval the transmit timer was last armed for */
	bool started;
	bool path_down;
};

void bfd_fsm_init(struct bfd_fsm *, const struct bfd_fsm_ops *, void *arg);
/*
 * Runs one event; pkt only with BFD_EV_RX. Returns 0, or -1 when a received
 * packet was discarded (local AdminDown, or a Your Discriminator that is not
 * ours) - the owner counts those.
 */
int bfd_fsm_event(struct bfd_fsm *, enum bfd_event, const struct bfd_ctrl *pkt);

/*
 * The jittered transmit interval of 6.8.7 for a random value r: 75-100% of
 * interval_us, or 75-90% when the local detect multiplier is 1.
 */
uint64_t bfd_jitter(uint64_t interval_us, uint8_t detect_mult, uint32_t r);

const char *bfd_event_name(enum bfd_event);
const char *bfd_timer_name(enum bfd_timer);

#endif
