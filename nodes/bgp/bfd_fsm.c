/*
 * The BFD state machine of RFC 5880 6.2, 6.5 and 6.8 (see bfd_fsm.h).
 *
 * Choices where the RFC leaves room, as most implementations make them:
 *   - a packet goes out at once when the state changes (besides the Final
 *     reply to a Poll), so the handshake takes one round trip per step and
 *     not one transmit interval; the periodic timer then starts over;
 *   - a Poll Sequence starts on every change of DesiredMinTx or RequiredMinRx,
 *     including those a state change causes (the 1 s rule of 6.8.3), and its
 *     P bit rides on the periodic packets (6.5: no extra packets);
 *   - bfd.LocalDiag is cleared when the session comes Up and when it is
 *     enabled again after AdminDown;
 *   - while AdminDown, AdminDown packets keep going out at the slow rate
 *     (6.8.16 allows it indefinitely);
 *   - on Path Down the session stops sending and ignores what it receives
 *     until the path is back: the owner has closed its socket.
 */
#include <stddef.h>

#include "bfd_fsm.h"

static int fsm_rx(struct bfd_fsm *, const struct bfd_ctrl *);
static void change_state(struct bfd_fsm *, enum bfd_state, uint8_t diag);
static void set_advertised(struct bfd_fsm *, bool poll_on_change);
static void recompute(struct bfd_fsm *);
static void send_now(struct bfd_fsm *, bool final);
static void arm_tx(struct bfd_fsm *);
static void rearm_tx_if_sooner(struct bfd_fsm *);
static void forget_remote(struct bfd_fsm *);

static const char *const event_names[BFD_EVENT_COUNT] = {
	[BFD_EV_START] = "Start",
	[BFD_EV_RX] = "Receive",
	[BFD_EV_TX_EXPIRED] = "TransmitTimer_Expires",
	[BFD_EV_DETECT_EXPIRED] = "DetectionTimer_Expires",
	[BFD_EV_TIMERS] = "TimersChanged",
	[BFD_EV_ADMIN_DOWN] = "AdminDown",
	[BFD_EV_ADMIN_UP] = "AdminUp",
	[BFD_EV_PATH_DOWN] = "PathDown",
	[BFD_EV_PATH_UP] = "PathUp",
};

static const char *const timer_names[BFD_TIMER_COUNT] = {
	[BFD_T_TX] = "Transmit",
	[BFD_T_DETECT] = "Detection",
};

const char *
bfd_event_name(enum bfd_event e)
{
	return (unsigned)e < BFD_EVENT_COUNT ? event_names[e] : "?";
}

const char *
bfd_timer_name(enum bfd_timer t)
{
	return (unsigned)t < BFD_TIMER_COUNT ? timer_names[t] : "?";
}

uint64_t
bfd_jitter(uint64_t interval_us, uint8_t detect_mult, uint32_t r)
{
	uint64_t lo = interval_us * 75 / 100;
	uint64_t hi = detect_mult == 1 ? interval_us * 90 / 100 : interval_us;
	uint64_t j = lo + (hi - lo) * r / UINT32_MAX;

	return j > 0 ? j : 1;
}

/* xorshift32: cheap, and enough to keep sessions from synchronizing. */
static uint32_t
next_random(struct bfd_fsm *f)
{
	uint32_t x = f->rng ? f->rng : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	f->rng = x;
	return x;
}

void
bfd_fsm_init(struct bfd_fsm *f, const struct bfd_fsm_ops *ops, void *arg)
{
	f->ops = ops;
	f->arg = arg;
	f->state = BFD_DOWN;
	f->remote_state = BFD_DOWN;
	f->diag = BFD_DIAG_NONE;
	f->remote_disc = 0;
	f->remote_min_rx = 1; /* 6.8.1: the initial bfd.RemoteMinRxInterval */
	f->remote_desired_tx = 0;
	f->remote_mult = 0;
	f->remote_demand = false;
	f->poll = false;
	f->started = false;
	f->path_down = false;
	f->tx_armed = 0;
	f->detect_time = 0;
	set_advertised(f, false); /* again at Start, if conf_* change in between */
}

/* 6.8.2, 6.8.4: what the in-effect values give. */
static void
recompute(struct bfd_fsm *f)
{
	uint32_t rx;

	f->tx_interval = f->tx_used > f->remote_min_rx ? f->tx_used : f->remote_min_rx;
	if (f->remote_mult == 0) {
		f->detect_time = 0;
		return;
	}
	rx = f->rx_used > f->remote_desired_tx ? f->rx_used : f->remote_desired_tx;
	f->detect_time = (uint64_t)f->remote_mult * rx;
}

/*
 * bfd.DesiredMinTxInterval and bfd.RequiredMinRxInterval from the
 * configuration and the state (6.8.3). Up, a larger transmit interval and a
 * smaller receive interval wait for the Final bit; otherwise they apply now.
 */
static void
set_advertised(struct bfd_fsm *f, bool poll_on_change)
{
	uint32_t tx = f->conf_tx, rx = f->conf_rx;
	bool changed;

	if (f->state != BFD_UP && tx < BFD_SLOW_TX_US)
		tx = BFD_SLOW_TX_US;
	changed = tx != f->desired_tx || rx != f->required_rx;
	f->desired_tx = tx;
	f->required_rx = rx;
	if (f->state == BFD_UP && poll_on_change) {
		if (tx < f->tx_used)
			f->tx_used = tx;
		if (rx > f->rx_used)
			f->rx_used = rx;
	} else {
		f->tx_used = tx;
		f->rx_used = rx;
	}
	if (changed && poll_on_change)
		f->poll = true;
	recompute(f);
}

static void
change_state(struct bfd_fsm *f, enum bfd_state to, uint8_t diag)
{
	enum bfd_state from = f->state;

	f->state = to;
	f->diag = diag;
	set_advertised(f, true);
	if (f->ops->state_change)
		f->ops->state_change(f, from, to, (enum bfd_diag)diag);
}

/* 6.8.7: the contents of an outgoing Control packet. */
static void
send_now(struct bfd_fsm *f, bool final)
{
	struct bfd_ctrl c = { 0 };

	if (f->path_down)
		return;
	c.diag = f->diag;
	c.state = f->state;
	c.poll = f->poll && !final; /* 6.5: never both */
	c.final = final;
	c.detect_mult = f->conf_mult;
	c.length = BFD_CTRL_LEN;
	c.my_disc = f->local_disc;
	c.your_disc = f->remote_disc;
	c.desired_min_tx = f->desired_tx;
	c.required_min_rx = f->required_rx;
	c.required_min_echo_rx = 0; /* no Echo function */
	f->ops->send(f, &c);
}

static void
arm_tx(struct bfd_fsm *f)
{
	if (f->path_down)
		return;
	f->tx_armed = f->tx_interval;
	f->ops->timer_start(f, BFD_T_TX, bfd_jitter(f->tx_interval, f->conf_mult, next_random(f)));
}

/* The interval shrank: do not wait out the old, longer one. */
static void
rearm_tx_if_sooner(struct bfd_fsm *f)
{
	if (f->started && !f->path_down && f->tx_interval < f->tx_armed)
		arm_tx(f);
}

/* 6.8.7: periodic packets, unless the remote wants none. */
static bool
periodic_allowed(const struct bfd_fsm *f)
{
	if (f->remote_min_rx == 0)
		return false;
	if (f->remote_demand && f->state == BFD_UP && f->remote_state == BFD_UP && !f->poll)
		return false;
	return true;
}

/* Nothing heard for a detection time, or no path: the remote is unknown again. */
static void
forget_remote(struct bfd_fsm *f)
{
	f->remote_disc = 0;
	f->remote_state = BFD_DOWN;
	f->remote_demand = false;
}

/* 6.8.6 from "Set bfd.RemoteDiscr" on; the packet-only checks were made. */
static int
fsm_rx(struct bfd_fsm *f, const struct bfd_ctrl *p)
{
	enum bfd_state from = f->state;

	if (!f->started || f->path_down)
		return -1;
	if (p->your_disc != 0 && p->your_disc != f->local_disc)
		return -1;
	f->remote_disc = p->my_disc;
	f->remote_state = p->state;
	f->remote_diag = p->diag;
	f->remote_demand = p->demand;
	f->remote_min_rx = p->required_min_rx;
	f->remote_desired_tx = p->desired_min_tx;
	f->remote_mult = p->detect_mult;
	if (p->final && f->poll) {
		/* 6.5: the Poll Sequence ends; held values apply now (6.8.3). */
		f->poll = false;
		f->tx_used = f->desired_tx;
		f->rx_used = f->required_rx;
	}
	recompute(f);

	if (f->state == BFD_ADMIN_DOWN) {
		rearm_tx_if_sooner(f);
		return -1;
	}
	if (p->state == BFD_ADMIN_DOWN) {
		if (f->state != BFD_DOWN)
			change_state(f, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
	} else {
		switch (f->state) {
		case BFD_DOWN:
			if (p->state == BFD_DOWN)
				change_state(f, BFD_INIT, f->diag);
			else if (p->state == BFD_INIT)
				change_state(f, BFD_UP, BFD_DIAG_NONE);
			break;
		case BFD_INIT:
			if (p->state == BFD_INIT || p->state == BFD_UP)
				change_state(f, BFD_UP, BFD_DIAG_NONE);
			break;
		case BFD_UP:
			if (p->state == BFD_DOWN)
				change_state(f, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
			break;
		default:
			break;
		}
	}

	/* The packet counts as received for the detection time (6.8.4). */
	if (f->detect_time)
		f->ops->timer_start(f, BFD_T_DETECT, f->detect_time);
	if (p->poll)
		send_now(f, true);
	else if (f->state != from)
		send_now(f, false);
	if (f->state != from)
		arm_tx(f);
	else
		rearm_tx_if_sooner(f);
	return 0;
}

int
bfd_fsm_event(struct bfd_fsm *f, enum bfd_event ev, const struct bfd_ctrl *pkt)
{
	switch (ev) {
	case BFD_EV_START:
		if (f->started)
			break;
		f->started = true;
		if (f->conf_mult == 0)
			f->conf_mult = 1;
		f->poll = false;
		set_advertised(f, false);
		send_now(f, false);
		arm_tx(f);
		break;

	case BFD_EV_RX:
		if (pkt == NULL)
			return -1;
		return fsm_rx(f, pkt);

	case BFD_EV_TX_EXPIRED:
		if (!f->started || f->path_down)
			break;
		if (periodic_allowed(f))
			send_now(f, false);
		arm_tx(f);
		break;

	case BFD_EV_DETECT_EXPIRED:
		if (!f->started || f->path_down || f->state == BFD_ADMIN_DOWN)
			break;
		/* 6.8.1: RemoteDiscr back to zero; 6.8.4: Init or Up go Down. */
		forget_remote(f);
		if (f->state == BFD_INIT || f->state == BFD_UP) {
			change_state(f, BFD_DOWN, BFD_DIAG_TIME_EXPIRED);
			send_now(f, false);
			arm_tx(f);
		}
		break;

	case BFD_EV_TIMERS:
		if (f->conf_mult == 0)
			f->conf_mult = 1;
		set_advertised(f, true);
		rearm_tx_if_sooner(f);
		break;

	case BFD_EV_ADMIN_DOWN:
		if (f->state == BFD_ADMIN_DOWN)
			break;
		f->ops->timer_stop(f, BFD_T_DETECT);
		change_state(f, BFD_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN);
		if (f->started) {
			send_now(f, false);
			arm_tx(f);
		}
		break;

	case BFD_EV_ADMIN_UP:
		if (f->state != BFD_ADMIN_DOWN)
			break;
		change_state(f, BFD_DOWN, BFD_DIAG_NONE);
		if (f->started) {
			send_now(f, false);
			arm_tx(f);
		}
		break;

	case BFD_EV_PATH_DOWN:
		if (f->path_down)
			break;
		f->path_down = true;
		f->ops->timer_stop(f, BFD_T_TX);
		f->ops->timer_stop(f, BFD_T_DETECT);
		forget_remote(f);
		f->remote_mult = 0;
		recompute(f);
		if (f->state == BFD_INIT || f->state == BFD_UP)
			change_state(f, BFD_DOWN, BFD_DIAG_PATH_DOWN);
		else if (f->state == BFD_DOWN)
			f->diag = BFD_DIAG_PATH_DOWN;
		break;

	case BFD_EV_PATH_UP:
		if (!f->path_down)
			break;
		f->path_down = false;
		if (f->started) {
			send_now(f, false);
			arm_tx(f);
		}
		break;

	default:
		break;
	}
	return 0;
}
