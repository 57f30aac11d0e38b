/*
 * Unit tests of the BFD state machine (nodes/bgp/bfd_fsm.c, RFC 5880 6.2,
 * 6.5, 6.8): packets and timer expiries fed to the machine with recording
 * operations, checked against the state, the packets it asks to send and the
 * timers it arms.
 */
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>

#include "bfd_fsm.h"

#define LOCAL_DISC  0x11111111u
#define REMOTE_DISC 0x22222222u
#define MS	    1000u

static struct bfd_fsm F;
static struct bfd_ctrl sent[64];
static int nsent;
static uint64_t timer_us[BFD_TIMER_COUNT];
static bool timer_on[BFD_TIMER_COUNT];
static int nchanges;
static enum bfd_state ch_from, ch_to;
static enum bfd_diag ch_diag;

static void
o_send(struct bfd_fsm *f, const struct bfd_ctrl *c)
{
	cr_assert_lt(nsent, 64);
	sent[nsent++] = *c;
}

static void
o_timer_start(struct bfd_fsm *f, enum bfd_timer t, uint64_t us)
{
	timer_on[t] = true;
	timer_us[t] = us;
}

static void
o_timer_stop(struct bfd_fsm *f, enum bfd_timer t)
{
	timer_on[t] = false;
}

static void
o_state_change(struct bfd_fsm *f, enum bfd_state from, enum bfd_state to, enum bfd_diag d)
{
	nchanges++;
	ch_from = from;
	ch_to = to;
	ch_diag = d;
	cr_assert_eq(f->state, to, "the callback sees the new state");
}

static const struct bfd_fsm_ops ops = {
	.send = o_send,
	.timer_start = o_timer_start,
	.timer_stop = o_timer_stop,
	.state_change = o_state_change,
};

static void
clear_rec(void)
{
	nsent = 0;
	nchanges = 0;
}

static void
fresh(uint32_t tx, uint32_t rx, uint8_t mult)
{
	memset(&F, 0, sizeof(F));
	memset(timer_on, 0, sizeof(timer_on));
	memset(timer_us, 0, sizeof(timer_us));
	F.local_disc = LOCAL_DISC;
	F.conf_tx = tx;
	F.conf_rx = rx;
	F.conf_mult = mult;
	F.rng = 12345;
	bfd_fsm_init(&F, &ops, NULL);
	clear_rec();
}

static void
ev(enum bfd_event e)
{
	clear_rec();
	cr_assert_eq(bfd_fsm_event(&F, e, NULL), 0);
}

static struct bfd_ctrl
peer(enum bfd_state st, uint32_t tx, uint32_t rx, uint8_t mult)
{
	struct bfd_ctrl c = { 0 };

	c.state = st;
	c.detect_mult = mult;
	c.length = BFD_CTRL_LEN;
	c.my_disc = REMOTE_DISC;
	c.your_disc = st == BFD_DOWN || st == BFD_ADMIN_DOWN ? 0 : LOCAL_DISC;
	c.desired_min_tx = tx;
	c.required_min_rx = rx;
	return c;
}

static int
rx(const struct bfd_ctrl *c)
{
	clear_rec();
	return bfd_fsm_event(&F, BFD_EV_RX, c);
}

static const struct bfd_ctrl *
last_sent(void)
{
	cr_assert_gt(nsent, 0, "a packet was expected");
	return &sent[nsent - 1];
}

/* Drives a fresh session (10 ms x 3 both ways) to Up, as the passive side of the handshake. */
static void
reach_up(void)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_INIT);
	p = peer(BFD_UP, 10 * MS, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_UP);
	/* End the Poll Sequence that coming Up started. */
	p.final = true;
	rx(&p);
	cr_assert_not(F.poll);
	clear_rec();
}

Test(bfd_fsm, names)
{
	cr_assert_str_eq(bfd_state_name(BFD_ADMIN_DOWN), "AdminDown");
	cr_assert_str_eq(bfd_state_name(BFD_UP), "Up");
	cr_assert_str_eq(bfd_diag_name(BFD_DIAG_TIME_EXPIRED), "Control Detection Time Expired");
	cr_assert_str_eq(bfd_diag_name(BFD_DIAG_PATH_DOWN), "Path Down");
	cr_assert_str_eq(bfd_diag_name(9), "Reserved");
	cr_assert_str_eq(bfd_event_name(BFD_EV_DETECT_EXPIRED), "DetectionTimer_Expires");
	cr_assert_str_eq(bfd_timer_name(BFD_T_TX), "Transmit");
	for (int e = 0; e < BFD_EVENT_COUNT; e++)
		cr_assert_not_null(bfd_event_name((enum bfd_event)e));
}

Test(bfd_fsm, start_sends_down_at_the_slow_rate)
{
	const struct bfd_ctrl *p;

	fresh(10 * MS, 20 * MS, 3);
	ev(BFD_EV_START);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(nsent, 1);
	p = last_sent();
	cr_assert_eq(p->state, BFD_DOWN);
	cr_assert_eq(p->my_disc, LOCAL_DISC);
	cr_assert_eq(p->your_disc, 0);
	cr_assert_eq(p->desired_min_tx, BFD_SLOW_TX_US, "6.8.3: 1 s while not Up");
	cr_assert_eq(p->required_min_rx, 20 * MS);
	cr_assert_eq(p->detect_mult, 3);
	cr_assert_not(p->poll);
	cr_assert_not(p->final);
	cr_assert(timer_on[BFD_T_TX]);
	cr_assert_geq(timer_us[BFD_T_TX], 750 * MS);
	cr_assert_leq(timer_us[BFD_T_TX], BFD_SLOW_TX_US);
	cr_assert_not(timer_on[BFD_T_DETECT], "no detection time before a packet");
	cr_assert_eq(nchanges, 0);
}

Test(bfd_fsm, down_to_init_on_remote_down)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 5);
	cr_assert_eq(rx(&p), 0);
	cr_assert_eq(F.state, BFD_INIT);
	cr_assert_eq(nchanges, 1);
	cr_assert_eq(ch_from, BFD_DOWN);
	cr_assert_eq(ch_to, BFD_INIT);
	cr_assert_eq(F.remote_disc, REMOTE_DISC);
	/* The change goes out at once, addressed to the peer's discriminator. */
	cr_assert_eq(last_sent()->state, BFD_INIT);
	cr_assert_eq(last_sent()->your_disc, REMOTE_DISC);
	/* 6.8.4: remote mult 5 x max(our rx 10 ms, its tx 1 s). */
	cr_assert(timer_on[BFD_T_DETECT]);
	cr_assert_eq(timer_us[BFD_T_DETECT], 5ull * BFD_SLOW_TX_US);
	cr_assert_eq(F.detect_time, 5ull * BFD_SLOW_TX_US);
	cr_assert_eq(last_sent()->desired_min_tx, BFD_SLOW_TX_US, "still not Up");
}

Test(bfd_fsm, init_to_up_clears_diag_and_polls_for_the_fast_rate)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	F.diag = BFD_DIAG_TIME_EXPIRED; /* from an earlier session */
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.diag, BFD_DIAG_TIME_EXPIRED, "Down -> Init keeps the diag");
	p = peer(BFD_UP, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_UP);
	cr_assert_eq(ch_to, BFD_UP);
	cr_assert_eq(ch_diag, BFD_DIAG_NONE);
	cr_assert_eq(F.diag, BFD_DIAG_NONE);
	cr_assert_eq(last_sent()->state, BFD_UP);
	cr_assert_eq(last_sent()->desired_min_tx, 10 * MS);
	cr_assert(last_sent()->poll, "a DesiredMinTx change starts a Poll Sequence");
	/* A decrease applies at once: the transmit timer is re-armed for 10 ms. */
	cr_assert_eq(F.tx_interval, 10 * MS);
	cr_assert_leq(timer_us[BFD_T_TX], 10 * MS);
	cr_assert_geq(timer_us[BFD_T_TX], 7500);
}

Test(bfd_fsm, init_to_up_on_remote_init)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	p = peer(BFD_INIT, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_UP);
}

Test(bfd_fsm, down_to_up_on_remote_init)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_INIT, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_UP);
	cr_assert_eq(nchanges, 1);
	cr_assert_eq(ch_from, BFD_DOWN);
}

Test(bfd_fsm, down_ignores_remote_up)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_UP, 10 * MS, 10 * MS, 3);
	cr_assert_eq(rx(&p), 0);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(nchanges, 0);
	cr_assert_eq(nsent, 0, "no state change, no Poll: nothing sent");
}

Test(bfd_fsm, up_to_down_on_remote_down)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(ch_from, BFD_UP);
	cr_assert_eq(ch_diag, BFD_DIAG_NEIGHBOR_DOWN);
	cr_assert_eq(last_sent()->state, BFD_DOWN);
	cr_assert_eq(last_sent()->diag, BFD_DIAG_NEIGHBOR_DOWN);
	cr_assert_eq(last_sent()->desired_min_tx, BFD_SLOW_TX_US, "back to 1 s when not Up");
	cr_assert_geq(F.tx_interval, BFD_SLOW_TX_US);
	/* The remote's next Down packet takes us on to Init. */
	rx(&p);
	cr_assert_eq(F.state, BFD_INIT);
}

Test(bfd_fsm, remote_admin_down)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_ADMIN_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	p.diag = BFD_DIAG_ADMIN_DOWN;
	rx(&p);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(ch_diag, BFD_DIAG_NEIGHBOR_DOWN);
	cr_assert_eq(F.remote_state, BFD_ADMIN_DOWN);
	cr_assert_eq(F.remote_diag, BFD_DIAG_ADMIN_DOWN);
	/* In Down, AdminDown neither moves us to Init nor changes anything. */
	rx(&p);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(nchanges, 0);

	/* From Init too. */
	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_INIT);
	p = peer(BFD_ADMIN_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(F.diag, BFD_DIAG_NEIGHBOR_DOWN);
}

Test(bfd_fsm, init_ignores_remote_down)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	rx(&p);
	cr_assert_eq(F.state, BFD_INIT, "6.8.6: in Init a remote Down changes nothing");
	cr_assert_eq(nchanges, 0);
}

Test(bfd_fsm, detection_timeout_in_up)
{
	reach_up();
	cr_assert(timer_on[BFD_T_DETECT]);
	cr_assert_eq(timer_us[BFD_T_DETECT], 30 * MS, "3 x max(10 ms, 10 ms)");
	ev(BFD_EV_DETECT_EXPIRED);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(ch_diag, BFD_DIAG_TIME_EXPIRED);
	cr_assert_eq(F.remote_disc, 0, "6.8.1: RemoteDiscr back to zero");
	cr_assert_eq(last_sent()->state, BFD_DOWN);
	cr_assert_eq(last_sent()->your_disc, 0);
	cr_assert_eq(last_sent()->diag, BFD_DIAG_TIME_EXPIRED);
}

Test(bfd_fsm, detection_timeout_in_init_and_down)
{
	struct bfd_ctrl p;

	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	ev(BFD_EV_DETECT_EXPIRED);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(F.diag, BFD_DIAG_TIME_EXPIRED);
	/* In Down it only forgets the remote. */
	F.remote_disc = REMOTE_DISC;
	ev(BFD_EV_DETECT_EXPIRED);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(nchanges, 0);
	cr_assert_eq(F.remote_disc, 0);
}

Test(bfd_fsm, every_received_packet_restarts_detection)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_UP, 20 * MS, 10 * MS, 4);
	timer_on[BFD_T_DETECT] = false;
	rx(&p);
	cr_assert(timer_on[BFD_T_DETECT]);
	cr_assert_eq(timer_us[BFD_T_DETECT], 80 * MS, "4 x max(our rx 10, its tx 20)");
}

Test(bfd_fsm, transmit_interval_is_the_larger)
{
	struct bfd_ctrl p;

	reach_up();
	/* The remote can take no more than one packet per 100 ms. */
	p = peer(BFD_UP, 10 * MS, 100 * MS, 3);
	rx(&p);
	cr_assert_eq(F.tx_interval, 100 * MS);
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(nsent, 1);
	cr_assert_geq(timer_us[BFD_T_TX], 75 * MS);
	cr_assert_leq(timer_us[BFD_T_TX], 100 * MS);
	/* It speeds up again: the timer is re-armed at once for the shorter interval. */
	p = peer(BFD_UP, 10 * MS, 5 * MS, 3);
	rx(&p);
	cr_assert_eq(F.tx_interval, 10 * MS);
	cr_assert_leq(timer_us[BFD_T_TX], 10 * MS);
}

Test(bfd_fsm, poll_reply_has_final_and_no_poll)
{
	struct bfd_ctrl p;

	reach_up();
	F.conf_tx = 20 * MS;
	ev(BFD_EV_TIMERS);
	cr_assert(F.poll);
	p = peer(BFD_UP, 10 * MS, 10 * MS, 3);
	p.poll = true;
	rx(&p);
	cr_assert_eq(nsent, 1, "the Final reply goes out at once");
	cr_assert(last_sent()->final);
	cr_assert_not(last_sent()->poll, "6.5: never P and F together");
	cr_assert(F.poll, "our own Poll Sequence is still outstanding");
	ev(BFD_EV_TX_EXPIRED);
	cr_assert(last_sent()->poll);
	cr_assert_not(last_sent()->final);
}

Test(bfd_fsm, poll_sequence_holds_a_larger_tx_until_final)
{
	struct bfd_ctrl p;

	reach_up();
	F.conf_tx = 50 * MS;
	ev(BFD_EV_TIMERS);
	cr_assert(F.poll);
	cr_assert_eq(nsent, 0, "6.5: the Poll rides on periodic packets");
	cr_assert_eq(F.desired_tx, 50 * MS, "the new value is advertised");
	cr_assert_eq(F.tx_interval, 10 * MS, "6.8.3: the old interval until Final");
	ev(BFD_EV_TX_EXPIRED);
	cr_assert(last_sent()->poll);
	cr_assert_eq(last_sent()->desired_min_tx, 50 * MS);
	cr_assert_leq(timer_us[BFD_T_TX], 10 * MS);
	/* A packet without F changes nothing. */
	p = peer(BFD_UP, 10 * MS, 10 * MS, 3);
	rx(&p);
	cr_assert(F.poll);
	cr_assert_eq(F.tx_interval, 10 * MS);
	p.final = true;
	rx(&p);
	cr_assert_not(F.poll);
	cr_assert_eq(F.tx_interval, 50 * MS);
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_not(last_sent()->poll);
	cr_assert_geq(timer_us[BFD_T_TX], 37500);
	cr_assert_leq(timer_us[BFD_T_TX], 50 * MS);
}

Test(bfd_fsm, poll_sequence_holds_a_smaller_rx_until_final)
{
	struct bfd_ctrl p;

	reach_up();
	F.conf_rx = 5 * MS;
	ev(BFD_EV_TIMERS);
	cr_assert(F.poll);
	cr_assert_eq(F.required_rx, 5 * MS);
	p = peer(BFD_UP, 5 * MS, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.detect_time, 30 * MS, "6.8.3: the old RequiredMinRx for the detection time");
	p.final = true;
	rx(&p);
	cr_assert_eq(F.detect_time, 15 * MS, "3 x max(5, 5) once Final came");
	cr_assert_eq(timer_us[BFD_T_DETECT], 15 * MS);
}

Test(bfd_fsm, larger_rx_and_smaller_tx_apply_at_once)
{
	struct bfd_ctrl p;

	reach_up();
	F.conf_rx = 40 * MS;
	F.conf_tx = 5 * MS;
	ev(BFD_EV_TIMERS);
	cr_assert(F.poll);
	p = peer(BFD_UP, 10 * MS, 1 * MS, 3);
	rx(&p);
	cr_assert_eq(F.detect_time, 120 * MS, "3 x max(40, 10) before Final");
	cr_assert_eq(F.tx_interval, 5 * MS);
}

Test(bfd_fsm, detect_mult_change_needs_no_poll)
{
	reach_up();
	F.conf_mult = 5;
	ev(BFD_EV_TIMERS);
	cr_assert_not(F.poll, "6.8.12");
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(last_sent()->detect_mult, 5);
}

Test(bfd_fsm, changes_while_down_apply_at_once)
{
	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	F.conf_rx = 300 * MS;
	ev(BFD_EV_TIMERS);
	cr_assert(F.poll);
	cr_assert_eq(F.rx_used, 300 * MS);
	F.conf_tx = 2 * BFD_SLOW_TX_US;
	ev(BFD_EV_TIMERS);
	cr_assert_eq(F.tx_interval, 2 * BFD_SLOW_TX_US, "not Up: nothing is held");
}

Test(bfd_fsm, remote_min_rx_zero_stops_periodic_packets)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_UP, 10 * MS, 0, 3);
	rx(&p);
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(nsent, 0);
	cr_assert(timer_on[BFD_T_TX]);
	/* A Poll is still answered. */
	p.poll = true;
	rx(&p);
	cr_assert_eq(nsent, 1);
	cr_assert(last_sent()->final);
}

Test(bfd_fsm, remote_demand_stops_periodic_packets_when_both_up)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_UP, 10 * MS, 10 * MS, 3);
	p.demand = true;
	rx(&p);
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(nsent, 0, "6.8.7: the remote is in Demand mode");
	/* Our own Poll Sequence goes out anyway. */
	F.conf_tx = 20 * MS;
	ev(BFD_EV_TIMERS);
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(nsent, 1);
	cr_assert(last_sent()->poll);
}

Test(bfd_fsm, wrong_your_discriminator_is_discarded)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	p.your_disc = LOCAL_DISC + 1;
	cr_assert_eq(rx(&p), -1);
	cr_assert_eq(F.state, BFD_UP);
	cr_assert_eq(nsent, 0);
}

Test(bfd_fsm, remote_new_discriminator_is_learnt)
{
	struct bfd_ctrl p;

	reach_up();
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	p.my_disc = 0x33333333;
	rx(&p);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(F.remote_disc, 0x33333333);
	cr_assert_eq(last_sent()->your_disc, 0x33333333);
}

Test(bfd_fsm, admin_down_and_up)
{
	struct bfd_ctrl p;

	reach_up();
	ev(BFD_EV_ADMIN_DOWN);
	cr_assert_eq(F.state, BFD_ADMIN_DOWN);
	cr_assert_eq(ch_from, BFD_UP);
	cr_assert_eq(ch_diag, BFD_DIAG_ADMIN_DOWN);
	cr_assert_not(timer_on[BFD_T_DETECT]);
	cr_assert_eq(last_sent()->state, BFD_ADMIN_DOWN);
	cr_assert_eq(last_sent()->diag, BFD_DIAG_ADMIN_DOWN);
	cr_assert_eq(last_sent()->desired_min_tx, BFD_SLOW_TX_US);
	/* It keeps telling the remote, at the slow rate. */
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(last_sent()->state, BFD_ADMIN_DOWN);
	cr_assert_geq(timer_us[BFD_T_TX], 750 * MS);
	/* 6.8.6: received packets are discarded. */
	p = peer(BFD_INIT, BFD_SLOW_TX_US, 10 * MS, 3);
	cr_assert_eq(rx(&p), -1);
	cr_assert_eq(F.state, BFD_ADMIN_DOWN);
	p.poll = true;
	rx(&p);
	cr_assert_eq(nsent, 0, "no Final from AdminDown");
	ev(BFD_EV_ADMIN_DOWN);
	cr_assert_eq(nchanges, 0);

	ev(BFD_EV_ADMIN_UP);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(ch_from, BFD_ADMIN_DOWN);
	cr_assert_eq(F.diag, BFD_DIAG_NONE);
	cr_assert_eq(last_sent()->state, BFD_DOWN);
	ev(BFD_EV_ADMIN_UP);
	cr_assert_eq(nchanges, 0);
}

Test(bfd_fsm, admin_down_before_start)
{
	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_ADMIN_DOWN);
	cr_assert_eq(nsent, 0, "nothing goes out before Start");
	ev(BFD_EV_START);
	cr_assert_eq(last_sent()->state, BFD_ADMIN_DOWN);
	cr_assert_not(last_sent()->poll);
}

Test(bfd_fsm, path_down_and_up)
{
	struct bfd_ctrl p;

	reach_up();
	ev(BFD_EV_PATH_DOWN);
	cr_assert_eq(F.state, BFD_DOWN);
	cr_assert_eq(ch_diag, BFD_DIAG_PATH_DOWN);
	cr_assert_not(timer_on[BFD_T_TX]);
	cr_assert_not(timer_on[BFD_T_DETECT]);
	cr_assert_eq(nsent, 0, "no path: nothing to send on");
	cr_assert_eq(F.remote_disc, 0);
	ev(BFD_EV_TX_EXPIRED);
	cr_assert_eq(nsent, 0);
	p = peer(BFD_INIT, BFD_SLOW_TX_US, 10 * MS, 3);
	cr_assert_eq(rx(&p), -1);
	cr_assert_eq(F.state, BFD_DOWN);

	ev(BFD_EV_PATH_UP);
	cr_assert_eq(nsent, 1, "back: a packet at once");
	cr_assert_eq(last_sent()->state, BFD_DOWN);
	cr_assert_eq(last_sent()->diag, BFD_DIAG_PATH_DOWN);
	cr_assert(timer_on[BFD_T_TX]);
	p = peer(BFD_DOWN, BFD_SLOW_TX_US, 10 * MS, 3);
	rx(&p);
	cr_assert_eq(F.state, BFD_INIT);
}

Test(bfd_fsm, path_down_in_admin_down_stays_admin_down)
{
	fresh(10 * MS, 10 * MS, 3);
	ev(BFD_EV_START);
	ev(BFD_EV_ADMIN_DOWN);
	ev(BFD_EV_PATH_DOWN);
	cr_assert_eq(F.state, BFD_ADMIN_DOWN);
	cr_assert_eq(nchanges, 0);
	cr_assert_not(timer_on[BFD_T_TX]);
}

Test(bfd_fsm, jitter_bounds)
{
	cr_assert_eq(bfd_jitter(10000, 3, 0), 7500);
	cr_assert_eq(bfd_jitter(10000, 3, UINT32_MAX), 10000);
	cr_assert_eq(bfd_jitter(10000, 1, 0), 7500);
	cr_assert_eq(bfd_jitter(10000, 1, UINT32_MAX), 9000, "6.8.7: at most 90% with mult 1");
	cr_assert_eq(bfd_jitter(UINT32_MAX, 3, UINT32_MAX), UINT32_MAX);
	cr_assert_geq(bfd_jitter(1, 3, 0), 1);
}

static void
jitter_spread(uint8_t mult, uint64_t lo_pct, uint64_t hi_pct)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	reach_up();
	F.conf_mult = mult;
	ev(BFD_EV_TIMERS);
	for (int i = 0; i < 20000; i++) {
		ev(BFD_EV_TX_EXPIRED);
		if (timer_us[BFD_T_TX] < lo)
			lo = timer_us[BFD_T_TX];
		if (timer_us[BFD_T_TX] > hi)
			hi = timer_us[BFD_T_TX];
	}
	cr_assert_geq(lo, 10 * MS * lo_pct / 100);
	cr_assert_leq(hi, 10 * MS * hi_pct / 100);
	/* Spread over the band, not stuck at one value. */
	cr_assert_lt(lo, 10 * MS * (lo_pct + 1) / 100, "lowest %lu", (unsigned long)lo);
	cr_assert_gt(hi, 10 * MS * (hi_pct - 1) / 100, "highest %lu", (unsigned long)hi);
}

Test(bfd_fsm, jitter_per_packet)
{
	jitter_spread(3, 75, 100);
}

Test(bfd_fsm, jitter_per_packet_mult_1)
{
	jitter_spread(1, 75, 90);
}

Test(bfd_fsm, full_handshake_between_two_machines)
{
	/* Two machines wired back to back through the recorded packets. */
	static struct bfd_fsm a;
	struct bfd_ctrl pa, pb;

	fresh(10 * MS, 10 * MS, 3);
	a = F;
	a.local_disc = 0x0a0a0a0a;
	bfd_fsm_init(&a, &ops, NULL);
	clear_rec();
	bfd_fsm_event(&a, BFD_EV_START, NULL);
	pa = *last_sent();
	ev(BFD_EV_START);
	pb = *last_sent();
	/* Both Down packets cross. */
	clear_rec();
	bfd_fsm_event(&a, BFD_EV_RX, &pb);
	pa = *last_sent();
	cr_assert_eq(a.state, BFD_INIT);
	rx(&pa);
	cr_assert_eq(F.state, BFD_UP, "F: Down, then Init from a");
	pb = *last_sent();
	clear_rec();
	bfd_fsm_event(&a, BFD_EV_RX, &pb);
	cr_assert_eq(a.state, BFD_UP);
	cr_assert(last_sent()->final, "a answers F's Poll");
	pa = *last_sent();
	rx(&pa);
	cr_assert_not(F.poll);
	cr_assert_eq(F.tx_interval, 10 * MS);
}
