/*
 * libFuzzer target for BFD: the Control packet decoder (nodes/bgp/bfd_pkt.c)
 * and the state machine it feeds (nodes/bgp/bfd_fsm.c). The first input
 * octet picks the session's timers; then each record is one op octet: with
 * the two top bits clear, the next 1-64 octets are a received datagram
 * (decoded, and when accepted fed to the machine as BFD_EV_RX); otherwise it
 * is another event (timers, admin, path, a timer change whose values come
 * from the next octet).
 *
 * Beyond "no crash, no sanitizer report" it checks invariants, aborting when
 * one breaks:
 *   - an accepted packet obeys RFC 5880 6.8.6 (version, Detect Mult, M bit,
 *     discriminators, no P with F, no A) and encodes again to octets that
 *     decode to the same fields;
 *   - every packet the machine sends decodes as accepted (so Init and Up
 *     name the peer's discriminator), carries our discriminator and
 *     multiplier, never P with F, and at least 1 s of Desired Min TX when not
 *     Up (6.8.3);
 *   - the transmit interval is max(DesiredMinTx in effect, RemoteMinRx) and
 *     the detection time remote mult x max(RequiredMinRx in effect, remote
 *     Desired Min TX); while Up a Poll Sequence only ever holds back a larger
 *     transmit or a smaller receive interval;
 *   - the transmit timer is armed within 75-100% of the interval (75-90%
 *     with a multiplier of 1);
 *   - a state change is reported exactly when the state changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd_fsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "fuzz_bfd.c:%d: invariant broken: %s\n", __LINE__, #c); \
			abort(); \
		} \
	} while (0)

#define LOCAL_DISC 0x01020304u

static int changes;
static enum bfd_state seen_state;

static void
check_sent(struct bfd_fsm *f, const struct bfd_ctrl *c)
{
	uint8_t buf[BFD_CTRL_LEN];
	struct wire_wr w;
	struct bfd_ctrl back;

	CHECK(!(c->poll && c->final));
	CHECK(c->my_disc == LOCAL_DISC);
	CHECK(c->detect_mult == f->conf_mult);
	CHECK(c->state == f->state);
	if (c->state != BFD_UP)
		CHECK(c->desired_min_tx >= BFD_SLOW_TX_US);
	wire_wr_init(&w, buf, sizeof(buf));
	CHECK(bfd_ctrl_encode(&w, c) == 0);
	CHECK(bfd_ctrl_decode(buf, w.len, &back) == BFD_PKT_OK);
	CHECK(back.your_disc == c->your_disc && back.state == c->state);
}

static void
o_timer_start(struct bfd_fsm *f, enum bfd_timer t, uint64_t us)
{
	CHECK(t < BFD_TIMER_COUNT);
	if (t == BFD_T_TX) {
		uint64_t hi = f->conf_mult == 1 ? f->tx_interval * 90 / 100 : f->tx_interval;

		CHECK(us >= f->tx_interval * 75 / 100);
		CHECK(us <= hi);
	} else {
		CHECK(us == f->detect_time && us > 0);
	}
}

static void
o_timer_stop(struct bfd_fsm *f, enum bfd_timer t)
{
	CHECK(t < BFD_TIMER_COUNT);
}

static void
o_state_change(struct bfd_fsm *f, enum bfd_state from, enum bfd_state to, enum bfd_diag d)
{
	CHECK(from != to);
	CHECK(from == seen_state);
	CHECK(to == f->state);
	CHECK((unsigned)d < BFD_DIAG_COUNT);
	seen_state = to;
	changes++;
}

static const struct bfd_fsm_ops ops = {
	.send = check_sent,
	.timer_start = o_timer_start,
	.timer_stop = o_timer_stop,
	.state_change = o_state_change,
};

static void
check_machine(const struct bfd_fsm *f)
{
	uint64_t tx, rx;

	CHECK((unsigned)f->state < BFD_STATE_COUNT);
	CHECK(f->state == seen_state);
	tx = f->tx_used > f->remote_min_rx ? f->tx_used : f->remote_min_rx;
	CHECK(f->tx_interval == tx);
	rx = f->rx_used > f->remote_desired_tx ? f->rx_used : f->remote_desired_tx;
	CHECK(f->detect_time == (uint64_t)f->remote_mult * rx);
	if (f->state != BFD_UP) {
		CHECK(f->desired_tx >= BFD_SLOW_TX_US);
		CHECK(f->tx_used == f->desired_tx && f->rx_used == f->required_rx);
	} else {
		CHECK(f->tx_used <= f->desired_tx);
		CHECK(f->rx_used >= f->required_rx);
	}
	if (!f->poll)
		CHECK(f->tx_used == f->desired_tx && f->rx_used == f->required_rx);
	if (f->state == BFD_INIT || f->state == BFD_UP)
		CHECK(f->remote_disc != 0);
}

static void
check_accepted(const uint8_t *buf, size_t len, const struct bfd_ctrl *c)
{
	uint8_t out[BFD_CTRL_LEN];
	struct wire_wr w;
	struct bfd_ctrl back;

	CHECK(len >= BFD_CTRL_LEN && c->length >= BFD_CTRL_LEN && c->length <= len);
	CHECK(buf[0] >> 5 == BFD_VERSION);
	CHECK(c->detect_mult != 0 && c->my_disc != 0);
	CHECK(!c->multipoint && !c->auth && !(c->poll && c->final));
	if (c->your_disc == 0)
		CHECK(c->state == BFD_DOWN || c->state == BFD_ADMIN_DOWN);
	wire_wr_init(&w, out, sizeof(out));
	CHECK(bfd_ctrl_encode(&w, c) == 0);
	CHECK(memcmp(out, buf, 3) == 0 && out[3] == BFD_CTRL_LEN);
	CHECK(memcmp(out + 4, buf + 4, BFD_CTRL_LEN - 4) == 0);
	CHECK(bfd_ctrl_decode(out, w.len, &back) == BFD_PKT_OK);
	CHECK(back.state == c->state && back.diag == c->diag && back.poll == c->poll &&
	    back.final == c->final && back.cpi == c->cpi && back.demand == c->demand);
	CHECK(back.detect_mult == c->detect_mult && back.my_disc == c->my_disc &&
	    back.your_disc == c->your_disc && back.desired_min_tx == c->desired_min_tx &&
	    back.required_min_rx == c->required_min_rx &&
	    back.required_min_echo_rx == c->required_min_echo_rx);
}

/* 1 ms to about 2 s, from one octet. */
static uint32_t
interval_from(uint8_t v)
{
	return 1000u + (uint32_t)v * (uint32_t)v * 31u;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bfd_event other[] = {
		BFD_EV_TX_EXPIRED,
		BFD_EV_DETECT_EXPIRED,
		BFD_EV_TIMERS,
		BFD_EV_ADMIN_DOWN,
		BFD_EV_ADMIN_UP,
		BFD_EV_PATH_DOWN,
		BFD_EV_PATH_UP,
		BFD_EV_START,
	};
	struct bfd_fsm f;
	size_t i = 0;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.local_disc = LOCAL_DISC;
	f.conf_tx = interval_from((uint8_t)(data[0] & 0x0f) << 4);
	f.conf_rx = interval_from((uint8_t)(data[0] & 0xf0));
	f.conf_mult = (data[0] & 3) + 1;
	f.rng = 7;
	bfd_fsm_init(&f, &ops, NULL);
	seen_state = f.state;
	changes = 0;
	if (!(data[0] & 0x80)) {
		bfd_fsm_event(&f, BFD_EV_START, NULL);
		check_machine(&f);
	}
	i = 1;
	while (i < size) {
		uint8_t op = data[i++];

		if ((op & 0xc0) == 0) {
			size_t len = (size_t)(op & 0x3f) + 1;
			enum bfd_pkt_err err;
			struct bfd_ctrl c;
			int before = changes;
			enum bfd_state st = f.state;

			if (len > size - i)
				len = size - i;
			err = bfd_ctrl_decode(data + i, len, &c);
			CHECK((unsigned)err < BFD_PKT_ERR_COUNT);
			(void)bfd_pkt_err_name(err);
			if (err == BFD_PKT_OK) {
				check_accepted(data + i, len, &c);
				bfd_fsm_event(&f, BFD_EV_RX, &c);
				CHECK(changes - before <= 1);
				CHECK((changes != before) == (f.state != st));
			}
			i += len;
		} else {
			enum bfd_event ev = other[op % (sizeof(other) / sizeof(other[0]))];

			if (ev == BFD_EV_TIMERS && i < size) {
				uint8_t v = data[i++];

				f.conf_tx = interval_from((uint8_t)(v & 0x0f) << 4);
				f.conf_rx = interval_from(v & 0xf0);
				f.conf_mult = (uint8_t)((v >> 2) & 3) + 1;
			}
			CHECK(bfd_fsm_event(&f, ev, NULL) == 0);
			(void)bfd_event_name(ev);
		}
		check_machine(&f);
		(void)bfd_state_name(f.state);
		(void)bfd_diag_name(f.diag);
	}
	return 0;
}
