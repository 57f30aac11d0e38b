/*
 * The BGP finite state machine of RFC 4271 section 8: a state enum, an event
 * enum and one function (bgp_fsm_event) switching on both. The machine does
 * no I/O itself: it asks its owner, through struct bgp_fsm_ops, to connect,
 * close, send messages and arm timers, so the same code runs over real sockets
 * (session.c) and under the unit tests (tests/bgp/test_fsm.c).
 *
 * Beyond RFC 4271: restart back-off (the IdleHoldTimer of OpenBGPD and of RFC
 * 4271 8.1.1's DampPeerOscillations, doubling after each error and reset after
 * a stable session), and a LINK_DOWN event for detectors that learn of a dead
 * path faster than the hold timer (interface state now; BFD or health checks
 * later).
 */
#ifndef ANYBGP_FSM_H
#define ANYBGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_error.h"

enum bgp_state {
	BGP_IDLE,
	BGP_CONNECT,
	BGP_ACTIVE,
	BGP_OPENSENT,
	BGP_OPENCONFIRM,
	BGP_ESTABLISHED,
	BGP_STATE_COUNT,
};

enum bgp_event {
	BGP_EV_START,		      /* ManualStart / AutomaticStart (1, 3) */
	BGP_EV_STOP,		      /* ManualStop (2) */
	BGP_EV_IDLE_HOLD_EXPIRED,     /* back-off over: automatic restart */
	BGP_EV_CONNECT_RETRY_EXPIRED, /* 9 */
	BGP_EV_HOLD_EXPIRED,	      /* 10 */
	BGP_EV_KEEPALIVE_EXPIRED,     /* 11 */
	BGP_EV_TCP_CONNECTED,	      /* 16/17: our connection up, or a peer's accepted */
	BGP_EV_TCP_FAILED,	      /* 18 */
	BGP_EV_OPEN,		      /* 19: a valid OPEN (remote_hold set) */
	BGP_EV_MSG_ERROR,	      /* 21/22/25/28: the NOTIFICATION in err_* goes out */
	BGP_EV_COLLISION_DUMP,	      /* 23 */
	BGP_EV_NOTIFICATION,	      /* 24/25 */
	BGP_EV_KEEPALIVE,	      /* 26 */
	BGP_EV_UPDATE,		      /* 27 (also ROUTE-REFRESH: any valid message) */
	BGP_EV_IDLE_RESET_EXPIRED,    /* stable long enough: back-off back to its start */
	BGP_EV_LINK_DOWN,	      /* the path is known dead; Cease subcode in err_subcode */
	BGP_EV_MAX_PREFIX,	      /* import limit exceeded: Cease 1 (RFC 4486) */
	BGP_EVENT_COUNT,
};

enum bgp_timer {
	BGP_T_CONNECT_RETRY,
	BGP_T_HOLD,
	BGP_T_KEEPALIVE,
	BGP_T_IDLE_HOLD,
	BGP_T_IDLE_RESET,
	BGP_TIMER_COUNT,
};

#define BGP_OPENSENT_HOLD   240 /* RFC 4271 8.2.2: "a large value", 4 minutes */
#define BGP_IDLE_HOLD_START 1
#define BGP_IDLE_HOLD_MAX   120
#define BGP_IDLE_RESET_TIME 10 /* established this long: back-off starts over */

struct bgp_fsm;

struct bgp_fsm_ops {
	void (*timer_start)(struct bgp_fsm *, enum bgp_timer, unsigned seconds);
	void (*timer_stop)(struct bgp_fsm *, enum bgp_timer);
	/* Start a TCP connection; completion comes back as TCP_CONNECTED/TCP_FAILED. */
	void (*connect)(struct bgp_fsm *);
	void (*close)(struct bgp_fsm *);
	void (*send_open)(struct bgp_fsm *);
	void (*send_keepalive)(struct bgp_fsm *);
	/* Data, if any, is in fsm->err_data / err_len. */
	void (*send_notification)(struct bgp_fsm *, uint8_t code, uint8_t subcode);
	void (*established)(struct bgp_fsm *);
	/* Left Established (routes of the peer go), or any state change (for logs). */
	void (*down)(struct bgp_fsm *);
	void (*state_change)(struct bgp_fsm *, enum bgp_state from, enum bgp_event);
};

struct bgp_fsm {
	enum bgp_state state;
	const struct bgp_fsm_ops *ops;
	void *arg;		/* the owner's object (struct bgp_peer) */
	bool passive;		/* never connects, only accepts */
	bool auto_restart;	/* after an error: IdleHold, then START */
	unsigned connect_retry; /* seconds, configured */
	unsigned hold_conf;	/* seconds, configured; 0 or >= 3 */
	unsigned keepalive_conf;
	unsigned remote_hold; /* from the peer's OPEN, set before EV_OPEN */
	unsigned hold;	      /* negotiated */
	unsigned keepalive;   /* in use */
	unsigned idle_hold;   /* next back-off, seconds */
	/* After BGP_EV_MAX_PREFIX: restart after this many seconds; 0: stay
	 * in Idle until a START (reset). bgp_fsm_init: BGP_IDLE_HOLD_MAX. */
	unsigned max_prefix_restart;
	bool max_prefix_stay_down; /* set before bgp_fsm_init: restart 0 meant */
	uint32_t connect_retry_count;
	uint32_t established_count;
	/* The NOTIFICATION BGP_EV_MSG_ERROR sends; set by the owner. */
	uint8_t err_code;
	uint8_t err_subcode;
	const uint8_t *err_data;
	uint16_t err_len;
};

void bgp_fsm_init(struct bgp_fsm *, const struct bgp_fsm_ops *, void *arg);
/* Runs one event; returns the new state. */
enum bgp_state bgp_fsm_event(struct bgp_fsm *, enum bgp_event);

const char *bgp_state_name(enum bgp_state);
const char *bgp_event_name(enum bgp_event);
const char *bgp_timer_name(enum bgp_timer);

#endif
