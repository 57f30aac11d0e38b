/*
 * Unit tests of the BGP FSM (nodes/bgp/fsm.c, RFC 4271 8.2.2): events fed
 * to the machine with recording operations, checked against the expected
 * state and the actions (connect, close, messages, timers) it asks for.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>

#include "fsm.h"

static char trace[4096];
static int established_calls, down_calls;

static void rec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
rec(const char *fmt, ...)
{
	size_t l = strlen(trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trace + l, sizeof(trace) - l, fmt, ap);
	va_end(ap);
	l = strlen(trace);
	snprintf(trace + l, sizeof(trace) - l, ";");
}

static void
t_start(struct bgp_fsm *f, enum bgp_timer t, unsigned s)
{
	rec("start %s %u", bgp_timer_name(t), s);
}

static void
t_stop(struct bgp_fsm *f, enum bgp_timer t)
{
	rec("stop %s", bgp_timer_name(t));
}

static void
o_connect(struct bgp_fsm *f)
{
	rec("connect");
}

static void
o_close(struct bgp_fsm *f)
{
	rec("close");
}

static void
o_open(struct bgp_fsm *f)
{
	rec("OPEN");
}

static void
o_keepalive(struct bgp_fsm *f)
{
	rec("KEEPALIVE");
}

static void
o_notify(struct bgp_fsm *f, uint8_t code, uint8_t sub)
{
	rec("NOTIFICATION %u/%u", code, sub);
}

static void
o_established(struct bgp_fsm *f)
{
	established_calls++;
}

static void
o_down(struct bgp_fsm *f)
{
	down_calls++;
}

static const struct bgp_fsm_ops ops = {
	.timer_start = t_start,
	.timer_stop = t_stop,
	.connect = o_connect,
	.close = o_close,
	.send_open = o_open,
	.send_keepalive = o_keepalive,
	.send_notification = o_notify,
	.established = o_established,
	.down = o_down,
};

static struct bgp_fsm F;

static void
fresh(bool passive, unsigned hold, unsigned keepalive)
{
	memset(&F, 0, sizeof(F));
	F.passive = passive;
	F.connect_retry = 5;
	F.hold_conf = hold;
	F.keepalive_conf = keepalive;
	bgp_fsm_init(&F, &ops, NULL);
	trace[0] = '\0';
	established_calls = down_calls = 0;
}

static void
ev(enum bgp_event e)
{
	trace[0] = '\0';
	bgp_fsm_event(&F, e);
}

static bool
did(const char *action)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "%s;", action);
	return strstr(trace, pat) != NULL;
}

/* Drive a fresh active session to the given state. */
static void
reach(enum bgp_state s, unsigned remote_hold)
{
	fresh(false, 9, 3);
	ev(BGP_EV_START);
	if (s == BGP_CONNECT)
		return;
	ev(BGP_EV_TCP_CONNECTED);
	if (s == BGP_OPENSENT)
		return;
	F.remote_hold = remote_hold;
	ev(BGP_EV_OPEN);
	if (s == BGP_OPENCONFIRM)
		return;
	ev(BGP_EV_KEEPALIVE);
	cr_assert_eq(F.state, BGP_ESTABLISHED);
}

Test(fsm, start_active_connects_at_once)
{
	fresh(false, 9, 3);
	ev(BGP_EV_START);
	cr_assert_eq(F.state, BGP_CONNECT);
	cr_assert(did("connect"), "%s", trace);
	cr_assert(did("start ConnectRetry 5"), "%s", trace);
	cr_assert_null(strstr(trace, "IdleHold 1"), "no initial delay expected: %s", trace);
}

Test(fsm, start_passive_waits_in_active)
{
	fresh(true, 9, 3);
	ev(BGP_EV_START);
	cr_assert_eq(F.state, BGP_ACTIVE);
	cr_assert_not(did("connect"), "%s", trace);
	ev(BGP_EV_CONNECT_RETRY_EXPIRED);
	cr_assert_eq(F.state, BGP_ACTIVE);
	cr_assert_not(did("connect"), "%s", trace);
}

Test(fsm, connect_tcp_up_sends_open)
{
	reach(BGP_CONNECT, 0);
	ev(BGP_EV_TCP_CONNECTED);
	cr_assert_eq(F.state, BGP_OPENSENT);
	cr_assert(did("stop ConnectRetry"), "%s", trace);
	cr_assert(did("OPEN"), "%s", trace);
	cr_assert(did("start Hold 240"), "%s", trace);
}

Test(fsm, connect_tcp_fails_goes_active_and_retries)
{
	reach(BGP_CONNECT, 0);
	ev(BGP_EV_TCP_FAILED);
	cr_assert_eq(F.state, BGP_ACTIVE);
	cr_assert(did("start ConnectRetry 5"), "%s", trace);
	ev(BGP_EV_CONNECT_RETRY_EXPIRED);
	cr_assert_eq(F.state, BGP_CONNECT);
	cr_assert(did("connect"), "%s", trace);
}

Test(fsm, active_accepts_incoming)
{
	fresh(true, 9, 3);
	ev(BGP_EV_START);
	ev(BGP_EV_TCP_CONNECTED);
	cr_assert_eq(F.state, BGP_OPENSENT);
	cr_assert(did("OPEN"), "%s", trace);
}

Test(fsm, open_negotiates_hold_time_down)
{
	reach(BGP_OPENSENT, 0);
	F.remote_hold = 30;
	ev(BGP_EV_OPEN);
	cr_assert_eq(F.state, BGP_OPENCONFIRM);
	cr_assert_eq(F.hold, 9);
	cr_assert_eq(F.keepalive, 3);
	cr_assert(did("KEEPALIVE"), "%s", trace);
	cr_assert(did("start Hold 9"), "%s", trace);
	cr_assert(did("start Keepalive 3"), "%s", trace);
}

Test(fsm, open_takes_the_smaller_remote_hold_time)
{
	fresh(false, 90, 30);
	ev(BGP_EV_START);
	ev(BGP_EV_TCP_CONNECTED);
	F.remote_hold = 6;
	ev(BGP_EV_OPEN);
	cr_assert_eq(F.hold, 6);
	cr_assert_eq(F.keepalive, 2, "keepalive must shrink to a third of the hold time");
	cr_assert(did("start Hold 6"), "%s", trace);
}

Test(fsm, hold_time_zero_runs_no_timers)
{
	fresh(false, 0, 0);
	ev(BGP_EV_START);
	ev(BGP_EV_TCP_CONNECTED);
	F.remote_hold = 90;
	ev(BGP_EV_OPEN);
	cr_assert_eq(F.hold, 0);
	cr_assert_null(strstr(trace, "start Hold"), "%s", trace);
	cr_assert_null(strstr(trace, "start Keepalive"), "%s", trace);
	ev(BGP_EV_KEEPALIVE);
	cr_assert_eq(F.state, BGP_ESTABLISHED);
	cr_assert_null(strstr(trace, "start Hold"), "%s", trace);
}

Test(fsm, keepalive_in_openconfirm_establishes)
{
	reach(BGP_OPENCONFIRM, 9);
	ev(BGP_EV_KEEPALIVE);
	cr_assert_eq(F.state, BGP_ESTABLISHED);
	cr_assert_eq(established_calls, 1);
	cr_assert(did("start Hold 9"), "%s", trace);
}

Test(fsm, established_update_restarts_hold)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_UPDATE);
	cr_assert_eq(F.state, BGP_ESTABLISHED);
	cr_assert_str_eq(trace, "start Hold 9;");
}

Test(fsm, keepalive_timer_sends_keepalive)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_KEEPALIVE_EXPIRED);
	cr_assert_eq(F.state, BGP_ESTABLISHED);
	cr_assert_str_eq(trace, "KEEPALIVE;start Keepalive 3;");
}

Test(fsm, hold_expiry_notifies_and_backs_off_doubling)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_HOLD_EXPIRED);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 4/0"), "%s", trace);
	cr_assert(did("close"), "%s", trace);
	cr_assert(did("start IdleHold 1"), "%s", trace);
	cr_assert_eq(down_calls, 1);
	/* Automatic restart after the back-off, then another failure: 2 s. */
	ev(BGP_EV_IDLE_HOLD_EXPIRED);
	cr_assert_eq(F.state, BGP_CONNECT);
	cr_assert(did("connect"), "%s", trace);
	ev(BGP_EV_TCP_CONNECTED);
	ev(BGP_EV_HOLD_EXPIRED);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("start IdleHold 2"), "%s", trace);
	ev(BGP_EV_IDLE_HOLD_EXPIRED);
	ev(BGP_EV_TCP_CONNECTED);
	ev(BGP_EV_NOTIFICATION);
	cr_assert(did("start IdleHold 4"), "%s", trace);
}

Test(fsm, stable_session_resets_backoff)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_HOLD_EXPIRED);
	ev(BGP_EV_IDLE_HOLD_EXPIRED);
	ev(BGP_EV_TCP_CONNECTED);
	F.remote_hold = 9;
	ev(BGP_EV_OPEN);
	ev(BGP_EV_KEEPALIVE);
	cr_assert(did("start IdleReset 10"), "%s", trace);
	cr_assert_eq(F.idle_hold, 2);
	ev(BGP_EV_IDLE_RESET_EXPIRED);
	cr_assert_eq(F.idle_hold, 1);
	ev(BGP_EV_HOLD_EXPIRED);
	cr_assert(did("start IdleHold 1"), "%s", trace);
}

Test(fsm, unexpected_messages_are_fsm_errors_rfc6608)
{
	reach(BGP_OPENSENT, 0);
	ev(BGP_EV_KEEPALIVE);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 5/1"), "%s", trace);

	reach(BGP_OPENCONFIRM, 9);
	ev(BGP_EV_UPDATE);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 5/2"), "%s", trace);

	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_OPEN);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 5/3"), "%s", trace);
	cr_assert_eq(down_calls, 1);
}

Test(fsm, message_error_sends_its_notification)
{
	reach(BGP_ESTABLISHED, 9);
	F.err_code = 3;
	F.err_subcode = 1;
	ev(BGP_EV_MSG_ERROR);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 3/1"), "%s", trace);
	cr_assert(did("start IdleHold 1"), "%s", trace);
	cr_assert_eq(down_calls, 1);

	reach(BGP_OPENSENT, 0);
	F.err_code = 2;
	F.err_subcode = 2;
	ev(BGP_EV_MSG_ERROR);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 2/2"), "%s", trace);
}

Test(fsm, notification_received_closes_without_answer)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_NOTIFICATION);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert_null(strstr(trace, "NOTIFICATION"), "%s", trace);
	cr_assert(did("close"), "%s", trace);
	cr_assert(did("start IdleHold 1"), "%s", trace);
	cr_assert_eq(down_calls, 1);
}

Test(fsm, tcp_failure_in_opensent_goes_active)
{
	reach(BGP_OPENSENT, 0);
	ev(BGP_EV_TCP_FAILED);
	cr_assert_eq(F.state, BGP_ACTIVE);
	cr_assert(did("start ConnectRetry 5"), "%s", trace);
}

Test(fsm, manual_stop_ceases_and_stays_down)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_STOP);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 6/2"), "%s", trace);
	cr_assert_null(strstr(trace, "start IdleHold"), "no automatic restart: %s", trace);
	cr_assert_eq(down_calls, 1);
	/* Stop before OPEN: no NOTIFICATION, just close. */
	reach(BGP_CONNECT, 0);
	ev(BGP_EV_STOP);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert_null(strstr(trace, "NOTIFICATION"), "%s", trace);
}

Test(fsm, idle_ignores_messages_and_refuses_connections)
{
	fresh(false, 9, 3);
	ev(BGP_EV_KEEPALIVE);
	ev(BGP_EV_UPDATE);
	ev(BGP_EV_HOLD_EXPIRED);
	cr_assert_eq(F.state, BGP_IDLE);
	ev(BGP_EV_TCP_CONNECTED);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert_str_eq(trace, "close;");
}

Test(fsm, link_down_resets_with_backoff)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_LINK_DOWN);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 6/4"), "%s", trace);
	cr_assert(did("start IdleHold 1"), "%s", trace);
	cr_assert_eq(down_calls, 1);
}

Test(fsm, link_down_carries_the_detectors_cease_subcode_rfc9384)
{
	reach(BGP_ESTABLISHED, 9);
	F.err_subcode = BGP_ERR_CEASE_BFD_DOWN;
	ev(BGP_EV_LINK_DOWN);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 6/10"), "%s", trace);
	cr_assert_eq(F.err_subcode, 0, "the subcode is used once");
}

Test(fsm, max_prefix_ceases_with_long_backoff)
{
	reach(BGP_ESTABLISHED, 9);
	ev(BGP_EV_MAX_PREFIX);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 6/1"), "%s", trace);
	cr_assert(did("start IdleHold 120"), "%s", trace);
}

Test(fsm, collision_dump_ceases_without_backoff)
{
	reach(BGP_OPENCONFIRM, 9);
	ev(BGP_EV_COLLISION_DUMP);
	cr_assert_eq(F.state, BGP_IDLE);
	cr_assert(did("NOTIFICATION 6/7"), "%s", trace);
	cr_assert_null(strstr(trace, "start IdleHold"), "%s", trace);
}

Test(fsm, names_tables_cover_every_value)
{
	for (int s = 0; s < BGP_STATE_COUNT; s++)
		cr_assert_neq(strcmp(bgp_state_name((enum bgp_state)s), "?"), 0);
	for (int e = 0; e < BGP_EVENT_COUNT; e++)
		cr_assert_not_null(bgp_event_name((enum bgp_event)e));
	for (int e = 0; e < BGP_EVENT_COUNT; e++)
		cr_assert_neq(strcmp(bgp_event_name((enum bgp_event)e), "?"), 0);
}
