/*
 * The BGP FSM of RFC 4271 section 8.2.2 (see fsm.h), with RFC 6608 subcodes
 * for unexpected messages and RFC 4486 Cease subcodes.
 *
 * Deviations kept on purpose, as most speakers do: a TCP failure in Active
 * stays in Active with the ConnectRetry timer running (instead of Idle), and
 * the automatic restart after an error waits the IdleHold back-off.
 */
#include <stddef.h>

#include "fsm.h"

static void to_idle(struct bgp_fsm *, bool backoff);
static void start_session(struct bgp_fsm *);
static void open_sent(struct bgp_fsm *);
static void fsm_error(struct bgp_fsm *, uint8_t subcode);
static void notify_idle(struct bgp_fsm *, uint8_t code, uint8_t subcode, bool backoff);
static void set_state(struct bgp_fsm *, enum bgp_state, enum bgp_event);

static const char *const state_names[BGP_STATE_COUNT] = {
	[BGP_IDLE] = "Idle",
	[BGP_CONNECT] = "Connect",
	[BGP_ACTIVE] = "Active",
	[BGP_OPENSENT] = "OpenSent",
	[BGP_OPENCONFIRM] = "OpenConfirm",
	[BGP_ESTABLISHED] = "Established",
};

static const char *const event_names[BGP_EVENT_COUNT] = {
	[BGP_EV_START] = "Start",
	[BGP_EV_STOP] = "Stop",
	[BGP_EV_IDLE_HOLD_EXPIRED] = "IdleHoldTimer_Expires",
	[BGP_EV_CONNECT_RETRY_EXPIRED] = "ConnectRetryTimer_Expires",
	[BGP_EV_HOLD_EXPIRED] = "HoldTimer_Expires",
	[BGP_EV_KEEPALIVE_EXPIRED] = "KeepaliveTimer_Expires",
	[BGP_EV_TCP_CONNECTED] = "TcpConnectionConfirmed",
	[BGP_EV_TCP_FAILED] = "TcpConnectionFails",
	[BGP_EV_OPEN] = "BGPOpen",
	[BGP_EV_MSG_ERROR] = "MsgErr",
	[BGP_EV_COLLISION_DUMP] = "OpenCollisionDump",
	[BGP_EV_NOTIFICATION] = "NotifMsg",
	[BGP_EV_KEEPALIVE] = "KeepAliveMsg",
	[BGP_EV_UPDATE] = "UpdateMsg",
	[BGP_EV_IDLE_RESET_EXPIRED] = "IdleResetTimer_Expires",
	[BGP_EV_LINK_DOWN] = "LinkDown",
	[BGP_EV_MAX_PREFIX] = "MaxPrefixExceeded",
};

static const char *const timer_names[BGP_TIMER_COUNT] = {
	[BGP_T_CONNECT_RETRY] = "ConnectRetry",
	[BGP_T_HOLD] = "Hold",
	[BGP_T_KEEPALIVE] = "Keepalive",
	[BGP_T_IDLE_HOLD] = "IdleHold",
	[BGP_T_IDLE_RESET] = "IdleReset",
};

const char *
bgp_state_name(enum bgp_state s)
{
	return s < BGP_STATE_COUNT ? state_names[s] : "?";
}

const char *
bgp_event_name(enum bgp_event e)
{
	return e < BGP_EVENT_COUNT ? event_names[e] : "?";
}

const char *
bgp_timer_name(enum bgp_timer t)
{
	return t < BGP_TIMER_COUNT ? timer_names[t] : "?";
}

void
bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_ops *ops, void *arg)
{
	f->state = BGP_IDLE;
	f->ops = ops;
	f->arg = arg;
	f->auto_restart = true;
	f->idle_hold = BGP_IDLE_HOLD_START;
	if (f->max_prefix_restart == 0 && !f->max_prefix_stay_down)
		f->max_prefix_restart = BGP_IDLE_HOLD_MAX;
	if (f->connect_retry == 0)
		f->connect_retry = 5;
}

static void
set_state(struct bgp_fsm *f, enum bgp_state s, enum bgp_event ev)
{
	enum bgp_state from = f->state;

	f->state = s;
	if (from == BGP_ESTABLISHED && s != BGP_ESTABLISHED && f->ops->down)
		f->ops->down(f);
	if (from != s && f->ops->state_change)
		f->ops->state_change(f, from, ev);
}

static void
stop_timers(struct bgp_fsm *f)
{
	for (int t = 0; t < BGP_TIMER_COUNT; t++)
		f->ops->timer_stop(f, (enum bgp_timer)t);
}

/* Releases the connection; with backoff, the automatic restart is scheduled. */
static void
to_idle(struct bgp_fsm *f, bool backoff)
{
	stop_timers(f);
	f->ops->close(f);
	f->hold = 0;
	if (backoff) {
		f->connect_retry_count++;
		if (f->auto_restart) {
			f->ops->timer_start(f, BGP_T_IDLE_HOLD, f->idle_hold);
			f->idle_hold *= 2;
			if (f->idle_hold > BGP_IDLE_HOLD_MAX)
				f->idle_hold = BGP_IDLE_HOLD_MAX;
		}
	}
}

static void
notify_idle(struct bgp_fsm *f, uint8_t code, uint8_t subcode, bool backoff)
{
	f->ops->send_notification(f, code, subcode);
	to_idle(f, backoff);
}

static void
fsm_error(struct bgp_fsm *f, uint8_t subcode)
{
	f->err_data = NULL;
	f->err_len = 0;
	notify_idle(f, BGP_ERR_FSM, subcode, true);
}

/* Idle -> Connect or Active (RFC 4271 8.2.2, Idle state, events 1-7). */
static void
start_session(struct bgp_fsm *f)
{
	f->ops->timer_stop(f, BGP_T_IDLE_HOLD);
	f->ops->timer_start(f, BGP_T_CONNECT_RETRY, f->connect_retry);
	if (f->passive)
		return;
	f->ops->connect(f);
}

/* TCP up in Connect or Active: send OPEN, hold timer to a large value. */
static void
open_sent(struct bgp_fsm *f)
{
	f->ops->timer_stop(f, BGP_T_CONNECT_RETRY);
	f->ops->send_open(f);
	f->ops->timer_start(f, BGP_T_HOLD, BGP_OPENSENT_HOLD);
}

/* OpenSent + valid OPEN: negotiate the hold time (RFC 4271 4.2, 10). */
static void
open_received(struct bgp_fsm *f)
{
	f->ops->timer_stop(f, BGP_T_CONNECT_RETRY);
	f->hold = f->remote_hold < f->hold_conf ? f->remote_hold : f->hold_conf;
	if (f->hold == 0) {
		f->keepalive = 0;
	} else {
		f->keepalive = f->keepalive_conf ? f->keepalive_conf : f->hold / 3;
		if (f->keepalive > f->hold / 3 || f->keepalive == 0)
			f->keepalive = f->hold / 3;
		if (f->keepalive == 0)
			f->keepalive = 1;
	}
	f->ops->send_keepalive(f);
	f->ops->timer_stop(f, BGP_T_HOLD);
	if (f->hold) {
		f->ops->timer_start(f, BGP_T_KEEPALIVE, f->keepalive);
		f->ops->timer_start(f, BGP_T_HOLD, f->hold);
	}
}

static void
restart_hold(struct bgp_fsm *f)
{
	if (f->hold)
		f->ops->timer_start(f, BGP_T_HOLD, f->hold);
}

static void
keepalive_due(struct bgp_fsm *f)
{
	f->ops->send_keepalive(f);
	if (f->keepalive)
		f->ops->timer_start(f, BGP_T_KEEPALIVE, f->keepalive);
}

enum bgp_state
bgp_fsm_event(struct bgp_fsm *f, enum bgp_event ev)
{
	enum bgp_state next = f->state;

	/* Events that mean the same thing in every state but Idle. */
	if (f->state != BGP_IDLE) {
		switch (ev) {
		case BGP_EV_STOP:
			if (f->state >= BGP_OPENSENT)
				f->ops->send_notification(f, BGP_ERR_CEASE, BGP_ERR_CEASE_SHUTDOWN);
			to_idle(f, false);
			set_state(f, BGP_IDLE, ev);
			return f->state;
		case BGP_EV_LINK_DOWN:
			/* The detector's Cease subcode (RFC 9384: BFD Down), else Reset. */
			if (f->state >= BGP_OPENSENT)
				f->ops->send_notification(f, BGP_ERR_CEASE,
				    f->err_subcode ? f->err_subcode : BGP_ERR_CEASE_RESET);
			f->err_code = f->err_subcode = 0;
			f->err_data = NULL;
			f->err_len = 0;
			to_idle(f, true);
			set_state(f, BGP_IDLE, ev);
			return f->state;
		case BGP_EV_MAX_PREFIX:
			if (f->state >= BGP_OPENSENT)
				f->ops->send_notification(f, BGP_ERR_CEASE,
				    BGP_ERR_CEASE_MAX_PREFIX);
			/* RFC 4486: no quick restart: the configured wait, or none. */
			if (f->max_prefix_stay_down) {
				to_idle(f, false);
			} else {
				f->idle_hold = f->max_prefix_restart;
				to_idle(f, true);
			}
			set_state(f, BGP_IDLE, ev);
			return f->state;
		default:
			break;
		}
	}

	switch (f->state) {
	case BGP_IDLE:
		switch (ev) {
		case BGP_EV_START:
			f->connect_retry_count = 0;
			f->idle_hold = BGP_IDLE_HOLD_START;
			/* FALLTHROUGH */
		case BGP_EV_IDLE_HOLD_EXPIRED:
			start_session(f);
			next = f->passive ? BGP_ACTIVE : BGP_CONNECT;
			break;
		case BGP_EV_STOP:
			/* Stops a pending automatic restart too. */
			stop_timers(f);
			break;
		case BGP_EV_TCP_CONNECTED:
			/* A connection we did not ask for: refuse it (RFC 4271 8.2.2). */
			f->ops->close(f);
			break;
		default:
			/* RFC 4271: all other events are ignored in Idle. */
			break;
		}
		break;

	case BGP_CONNECT:
	case BGP_ACTIVE:
		switch (ev) {
		case BGP_EV_CONNECT_RETRY_EXPIRED:
			f->ops->close(f);
			f->ops->timer_start(f, BGP_T_CONNECT_RETRY, f->connect_retry);
			if (!f->passive) {
				f->ops->connect(f);
				next = BGP_CONNECT;
			}
			break;
		case BGP_EV_TCP_CONNECTED:
			open_sent(f);
			next = BGP_OPENSENT;
			break;
		case BGP_EV_TCP_FAILED:
			f->ops->close(f);
			f->ops->timer_start(f, BGP_T_CONNECT_RETRY, f->connect_retry);
			next = BGP_ACTIVE;
			break;
		case BGP_EV_START:
		case BGP_EV_IDLE_HOLD_EXPIRED:
		case BGP_EV_IDLE_RESET_EXPIRED:
			break;
		default:
			/* Messages or timers that cannot happen without a session. */
			to_idle(f, true);
			next = BGP_IDLE;
			break;
		}
		break;

	case BGP_OPENSENT:
		switch (ev) {
		case BGP_EV_HOLD_EXPIRED:
			notify_idle(f, BGP_ERR_HOLD, 0, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_TCP_FAILED:
			/* RFC 4271: back to Active, ConnectRetry running. */
			f->ops->close(f);
			f->ops->timer_stop(f, BGP_T_HOLD);
			f->ops->timer_start(f, BGP_T_CONNECT_RETRY, f->connect_retry);
			next = BGP_ACTIVE;
			break;
		case BGP_EV_OPEN:
			open_received(f);
			next = BGP_OPENCONFIRM;
			break;
		case BGP_EV_MSG_ERROR:
			notify_idle(f, f->err_code, f->err_subcode, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_COLLISION_DUMP:
			f->err_data = NULL;
			f->err_len = 0;
			notify_idle(f, BGP_ERR_CEASE, BGP_ERR_CEASE_COLLISION, false);
			next = BGP_IDLE;
			break;
		case BGP_EV_NOTIFICATION:
			to_idle(f, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_START:
		case BGP_EV_IDLE_HOLD_EXPIRED:
		case BGP_EV_IDLE_RESET_EXPIRED:
			break;
		default:
			fsm_error(f, BGP_ERR_FSM_OPENSENT);
			next = BGP_IDLE;
			break;
		}
		break;

	case BGP_OPENCONFIRM:
		switch (ev) {
		case BGP_EV_HOLD_EXPIRED:
			notify_idle(f, BGP_ERR_HOLD, 0, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_KEEPALIVE_EXPIRED:
			keepalive_due(f);
			break;
		case BGP_EV_TCP_FAILED:
		case BGP_EV_NOTIFICATION:
			to_idle(f, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_KEEPALIVE:
			restart_hold(f);
			f->established_count++;
			f->ops->timer_start(f, BGP_T_IDLE_RESET, BGP_IDLE_RESET_TIME);
			next = BGP_ESTABLISHED;
			break;
		case BGP_EV_MSG_ERROR:
			notify_idle(f, f->err_code, f->err_subcode, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_COLLISION_DUMP:
			f->err_data = NULL;
			f->err_len = 0;
			notify_idle(f, BGP_ERR_CEASE, BGP_ERR_CEASE_COLLISION, false);
			next = BGP_IDLE;
			break;
		case BGP_EV_START:
		case BGP_EV_IDLE_HOLD_EXPIRED:
		case BGP_EV_IDLE_RESET_EXPIRED:
			break;
		default:
			fsm_error(f, BGP_ERR_FSM_OPENCONFIRM);
			next = BGP_IDLE;
			break;
		}
		break;

	case BGP_ESTABLISHED:
		switch (ev) {
		case BGP_EV_HOLD_EXPIRED:
			notify_idle(f, BGP_ERR_HOLD, 0, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_KEEPALIVE_EXPIRED:
			keepalive_due(f);
			break;
		case BGP_EV_KEEPALIVE:
		case BGP_EV_UPDATE:
			restart_hold(f);
			break;
		case BGP_EV_TCP_FAILED:
		case BGP_EV_NOTIFICATION:
			to_idle(f, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_MSG_ERROR:
			notify_idle(f, f->err_code, f->err_subcode, true);
			next = BGP_IDLE;
			break;
		case BGP_EV_IDLE_RESET_EXPIRED:
			f->idle_hold = BGP_IDLE_HOLD_START;
			break;
		case BGP_EV_START:
		case BGP_EV_IDLE_HOLD_EXPIRED:
			break;
		default:
			/* OPEN, collision, stray timers: RFC 6608 FSM error. */
			fsm_error(f, BGP_ERR_FSM_ESTABLISHED);
			next = BGP_IDLE;
			break;
		}
		break;

	default:
		break;
	}
	if (next == BGP_ESTABLISHED && f->state != BGP_ESTABLISHED) {
		set_state(f, next, ev);
		if (f->ops->established)
			f->ops->established(f);
		return f->state;
	}
	set_state(f, next, ev);
	return f->state;
}
