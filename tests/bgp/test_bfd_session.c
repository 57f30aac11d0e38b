/*
 * BFD sessions over real UDP sockets (nodes/bgp/bfd.c), no root needed: two
 * struct bfd in one process, on loopback addresses with different listen
 * ports, share one event loop and talk to each other. Checked: they come Up
 * at 10 ms x 3 and keep to the negotiated rate; AdminDown, freeing and a
 * silent peer take the other side Down with the right diag within its
 * detection time; timers changed by a Poll Sequence apply on both sides; a
 * packet with TTL 64 is dropped and counted while the same one with TTL 255
 * is obeyed; malformed and unknown packets are counted by reason, a burst
 * longer than a receive batch to the last one; six
 * sessions at 10 ms cost little CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <criterion/criterion.h>

#include "bfd.h"
#include "wire.h"

#define MS	 1000u
#define MAX_RECS 64

struct side {
	struct bfd *bfd;
	uint16_t port;
	struct bfd_session *s;
	int n;
	enum bfd_state from[MAX_RECS];
	enum bfd_state to[MAX_RECS];
	enum bfd_diag diag[MAX_RECS];
	uint64_t at[MAX_RECS];
};

static struct ev_loop *loop;
static struct side A, B;

static void
notify(void *arg, struct bfd_session *s, enum bfd_state from, enum bfd_state to, enum bfd_diag d)
{
	struct side *x = arg;

	if (x->n < MAX_RECS) {
		x->from[x->n] = from;
		x->to[x->n] = to;
		x->diag[x->n] = d;
		x->at[x->n] = ev_clock_us();
		x->n++;
	}
}

/* Index of the first record of side x after index 'after' that reached state 'to', or -1. */
static int
find_rec(const struct side *x, int after, enum bfd_state to)
{
	for (int i = after; i < x->n; i++)
		if (x->to[i] == to)
			return i;
	return -1;
}

/* ---- running the loop until something holds ---- */

static bool (*cond)(void);

static void
poll_cb(struct ev_loop *l, struct ev_timer *t)
{
	if (cond()) {
		ev_break(l);
		return;
	}
	ev_timer_start(l, t, 500);
}

static void
deadline_cb(struct ev_loop *l, struct ev_timer *t)
{
	ev_break(l);
}

static bool
run_until(bool (*c)(void), uint64_t us)
{
	struct ev_timer p, d;

	cond = c;
	if (c())
		return true;
	ev_timer_init(&p, poll_cb, NULL);
	ev_timer_init(&d, deadline_cb, NULL);
	ev_timer_start(loop, &p, 500);
	ev_timer_start(loop, &d, us);
	cr_assert_eq(ev_run(loop), 0);
	ev_timer_stop(loop, &p);
	ev_timer_stop(loop, &d);
	return c();
}

static bool
never(void)
{
	return false;
}

static void
run_for(uint64_t us)
{
	run_until(never, us);
}

static struct bfd_session_info
info(const struct bfd_session *s)
{
	struct bfd_session_info in;

	bfd_session_get_info(s, &in);
	return in;
}

static bool
both_up(void)
{
	return bfd_session_state(A.s) == BFD_UP && bfd_session_state(B.s) == BFD_UP;
}

static bool
b_down(void)
{
	return bfd_session_state(B.s) == BFD_DOWN;
}

static int b_mark;

/* B went Down at some point after b_mark (it may be on its way Up again already). */
static bool
b_went_down(void)
{
	return find_rec(&B, b_mark, BFD_DOWN) >= 0;
}

/* ---- setup ---- */

/* Two listeners on free ports next to each other. */
static void
open_pair(void)
{
	unsigned base = 20000 + (unsigned)getpid() % 20000;

	for (int i = 0; i < 200; i++) {
		uint16_t p = (uint16_t)(base + (unsigned)i * 2);

		A.bfd = bfd_open(loop, p);
		if (A.bfd == NULL)
			continue;
		B.bfd = bfd_open(loop, (uint16_t)(p + 1));
		if (B.bfd == NULL) {
			bfd_close(A.bfd);
			continue;
		}
		A.port = p;
		B.port = (uint16_t)(p + 1);
		return;
	}
	cr_assert_fail("no free pair of UDP ports for the BFD listeners");
}

static struct bfd_session_params
params(const char *remote, const char *local, uint16_t port, uint32_t tx, uint32_t rx, uint8_t mult)
{
	struct bfd_session_params p;

	memset(&p, 0, sizeof(p));
	cr_assert_eq(ipaddr_parse(remote, &p.remote), 0);
	if (local)
		cr_assert_eq(ipaddr_parse(local, &p.local), 0);
	p.remote_port = port;
	p.min_tx_us = tx;
	p.min_rx_us = rx;
	p.multiplier = mult;
	return p;
}

static void
setup(void)
{
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	loop = ev_loop_new();
	cr_assert_not_null(loop);
	open_pair();
}

static void
teardown(void)
{
	if (A.s)
		bfd_session_free(A.s);
	if (B.s)
		bfd_session_free(B.s);
	bfd_close(A.bfd);
	bfd_close(B.bfd);
	ev_loop_free(loop);
}

/* A and B, 127.0.0.1 to itself, 10 ms x 3, Up. */
static void
pair_up(void)
{
	struct bfd_session_params pa = params("127.0.0.1", NULL, B.port, 10 * MS, 10 * MS, 3);
	struct bfd_session_params pb = params("127.0.0.1", NULL, A.port, 10 * MS, 10 * MS, 3);

	A.s = bfd_session_new(A.bfd, &pa, notify, &A);
	cr_assert_not_null(A.s, "%s", strerror(errno));
	B.s = bfd_session_new(B.bfd, &pb, notify, &B);
	cr_assert_not_null(B.s, "%s", strerror(errno));
	cr_assert(run_until(both_up, EV_SEC(5)), "A %s, B %s",
	    bfd_state_name(bfd_session_state(A.s)), bfd_state_name(bfd_session_state(B.s)));
}

static bool
polls_done(void)
{
	return !info(A.s).poll && !info(B.s).poll;
}

TestSuite(bfd_session, .init = setup, .fini = teardown);

Test(bfd_session, comes_up_and_keeps_the_negotiated_rate)
{
	struct bfd_session_info a, b;
	uint64_t out0, in0;

	pair_up();
	cr_assert_eq(A.n, find_rec(&A, 0, BFD_UP) + 1, "Up is A's last change");
	cr_assert(run_until(polls_done, EV_SEC(2)), "the Poll Sequences of coming Up end");
	a = info(A.s);
	b = info(B.s);
	cr_assert_eq(a.remote_disc, b.local_disc);
	cr_assert_eq(b.remote_disc, a.local_disc);
	cr_assert_eq(a.tx_interval_us, 10 * MS);
	cr_assert_eq(a.detect_time_us, 30 * MS);
	cr_assert_eq(b.tx_interval_us, 10 * MS);
	cr_assert_eq(b.detect_time_us, 30 * MS);
	cr_assert_eq(a.desired_min_tx_us, 10 * MS);
	cr_assert_eq(a.times_up, 1);
	cr_assert_neq(a.up_since_us, 0);
	cr_assert_geq(a.src_port, BFD_SRC_PORT_MIN, "RFC 5881 4: source port %u", a.src_port);
	cr_assert_eq(a.remote_port, B.port);
	cr_assert_eq(a.local.family, AF_INET, "the kernel's choice is shown");

	/* 300 ms at 10 ms with 75-100% jitter: about 30-40 packets each way. */
	out0 = a.pkts_out;
	in0 = b.pkts_in;
	run_for(300 * MS);
	a = info(A.s);
	b = info(B.s);
	cr_assert_geq(a.pkts_out - out0, 15, "too slow: %lu", (unsigned long)(a.pkts_out - out0));
	cr_assert_leq(a.pkts_out - out0, 48, "faster than negotiated: %lu",
	    (unsigned long)(a.pkts_out - out0));
	cr_assert_geq(b.pkts_in - in0, 15);
	cr_assert_eq(a.src_port, info(A.s).src_port, "one source port for the session's life");
}

Test(bfd_session, admin_down_takes_the_peer_down_with_diag_3)
{
	struct bfd_session_info b;
	uint64_t t0;
	int i;

	pair_up();
	t0 = ev_clock_us();
	bfd_session_admin(A.s, true);
	i = find_rec(&A, 0, BFD_ADMIN_DOWN);
	cr_assert_geq(i, 0, "A told its owner at once");
	cr_assert_eq(A.from[i], BFD_UP);
	cr_assert_eq(A.diag[i], BFD_DIAG_ADMIN_DOWN);
	cr_assert(run_until(b_down, EV_SEC(1)));
	i = find_rec(&B, 0, BFD_DOWN);
	cr_assert_geq(i, 0);
	cr_assert_eq(B.from[i], BFD_UP);
	cr_assert_eq(B.diag[i], BFD_DIAG_NEIGHBOR_DOWN);
	cr_assert_lt(B.at[i] - t0, 200 * MS, "took %lu us", (unsigned long)(B.at[i] - t0));
	b = info(B.s);
	cr_assert_eq(b.remote_state, BFD_ADMIN_DOWN, "RFC 5882 3.2: the owner can tell");
	cr_assert_eq(b.last_down_diag, BFD_DIAG_NEIGHBOR_DOWN);
	cr_assert_neq(b.last_down_us, 0);
	cr_assert_not_null(strstr(b.last_down_reason, "AdminDown"), "%s", b.last_down_reason);
	cr_assert_eq(b.times_down, 1);
	cr_assert_eq(b.up_since_us, 0);
	/* B stays Down while A is AdminDown. */
	run_for(100 * MS);
	cr_assert_eq(bfd_session_state(B.s), BFD_DOWN);
	cr_assert_eq(bfd_session_state(A.s), BFD_ADMIN_DOWN);

	bfd_session_admin(A.s, false);
	cr_assert(run_until(both_up, EV_SEC(5)), "back Up after AdminDown ends");
	cr_assert_eq(info(B.s).times_up, 2);
}

Test(bfd_session, freeing_one_side_takes_the_peer_down_with_diag_3)
{
	uint64_t t0;
	int i, n;

	pair_up();
	n = A.n;
	t0 = ev_clock_us();
	bfd_session_free(A.s);
	A.s = NULL;
	cr_assert_eq(A.n, n, "no callback from a freed session");
	cr_assert(run_until(b_down, EV_SEC(1)));
	i = find_rec(&B, 0, BFD_DOWN);
	cr_assert_eq(B.diag[i], BFD_DIAG_NEIGHBOR_DOWN);
	cr_assert_lt(B.at[i] - t0, 200 * MS, "took %lu us", (unsigned long)(B.at[i] - t0));
	cr_assert_eq(info(B.s).remote_state, BFD_ADMIN_DOWN);
}

Test(bfd_session, silent_peer_times_out_with_diag_1)
{
	struct bfd_session_info a;
	uint64_t t0, took;
	uint16_t port;
	int i;

	pair_up();
	port = info(A.s).src_port;
	t0 = ev_clock_us();
	bfd_session_path_down(A.s);
	i = find_rec(&A, 0, BFD_DOWN);
	cr_assert_geq(i, 0);
	cr_assert_eq(A.diag[i], BFD_DIAG_PATH_DOWN);
	a = info(A.s);
	cr_assert(a.path_down);
	cr_assert_eq(a.src_port, 0, "socket closed");
	cr_assert_not_null(strstr(a.last_down_reason, "Path Down"), "%s", a.last_down_reason);

	cr_assert(run_until(b_down, EV_SEC(1)));
	i = find_rec(&B, 0, BFD_DOWN);
	cr_assert_eq(B.diag[i], BFD_DIAG_TIME_EXPIRED);
	took = B.at[i] - t0;
	/* Detection time 30 ms from the last packet, which was at most 10 ms before. */
	cr_assert_geq(took, 19 * MS, "went down before its detection time: %lu us",
	    (unsigned long)took);
	cr_assert_lt(took, 200 * MS, "took %lu us", (unsigned long)took);
	cr_assert_eq(info(B.s).remote_disc, 0);

	/* Nothing goes out while the path is down. */
	a = info(A.s);
	run_for(50 * MS);
	cr_assert_eq(info(A.s).pkts_out, a.pkts_out);

	bfd_session_path_up(A.s);
	cr_assert_gt(info(A.s).pkts_out, a.pkts_out, "a packet at once");
	cr_assert_eq(info(A.s).src_port, port, "RFC 5881 4: the same source port again");
	cr_assert(run_until(both_up, EV_SEC(5)), "back Up after the path returns");
}

static bool
timers_applied(void)
{
	struct bfd_session_info a = info(A.s), b = info(B.s);

	return !a.poll && a.tx_interval_us == 20 * MS && b.tx_interval_us == 20 * MS &&
	    b.detect_time_us == 100 * MS;
}

Test(bfd_session, timer_change_by_poll_sequence_applies_on_both_sides)
{
	struct bfd_session_info a, b;
	uint16_t port;

	pair_up();
	cr_assert(run_until(polls_done, EV_SEC(2)));
	port = info(A.s).src_port;
	cr_assert_eq(bfd_session_set_timers(A.s, 20 * MS, 20 * MS, 5), 0);
	cr_assert(info(A.s).poll, "a Poll Sequence is out");
	cr_assert(run_until(timers_applied, EV_SEC(2)));
	a = info(A.s);
	b = info(B.s);
	cr_assert_eq(a.desired_min_tx_us, 20 * MS);
	cr_assert_eq(a.required_min_rx_us, 20 * MS);
	cr_assert_eq(a.detect_time_us, 60 * MS, "3 x max(our rx 20, B's tx 10)");
	cr_assert_eq(b.remote_desired_min_tx_us, 20 * MS);
	cr_assert_eq(b.remote_required_min_rx_us, 20 * MS);
	cr_assert_eq(b.remote_mult, 5);
	cr_assert_eq(b.tx_interval_us, 20 * MS, "B slows down to what A can take");
	cr_assert_eq(b.detect_time_us, 100 * MS, "5 x max(B's rx 10, A's tx 20)");
	cr_assert_eq(b.rx_interval_us, 20 * MS);
	cr_assert_eq(a.rx_interval_us, 20 * MS);
	cr_assert_eq(a.src_port, port);
	cr_assert(both_up());
	cr_assert_eq(a.times_down + b.times_down, 0);

	cr_assert_eq(bfd_session_set_timers(A.s, 0, 20 * MS, 3), -EINVAL);
	cr_assert_eq(bfd_session_set_timers(A.s, 20 * MS, 20 * MS, 0), -EINVAL);
}

/* A hand-made Control packet from a plain socket with the given TTL. */
static void
send_raw(int ttl, const struct bfd_ctrl *c, uint16_t to_port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(to_port) };
	uint8_t buf[BFD_CTRL_LEN];
	struct wire_wr w;
	int fd;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)), 0);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bfd_ctrl_encode(&w, c), 0);
	cr_assert_eq(sendto(fd, buf, w.len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)w.len);
	close(fd);
}

static void
send_bytes(const uint8_t *buf, size_t len, uint16_t to_port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(to_port) };
	int fd, ttl = 255;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)), 0);
	cr_assert_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
	close(fd);
}

Test(bfd_session, ttl_other_than_255_is_dropped)
{
	struct bfd_stats st0, st;
	struct bfd_session_info a = { 0 }, b0;
	struct bfd_ctrl c = { 0 };
	int i;

	pair_up();
	a = info(A.s);
	/* What A would say to take B down. */
	c.state = BFD_ADMIN_DOWN;
	c.diag = BFD_DIAG_ADMIN_DOWN;
	c.detect_mult = 3;
	c.my_disc = a.local_disc;
	c.your_disc = a.remote_disc;
	c.desired_min_tx = 1000000;
	c.required_min_rx = 10 * MS;

	bfd_get_stats(B.bfd, &st0);
	b0 = info(B.s);
	send_raw(64, &c, B.port);
	run_for(50 * MS);
	bfd_get_stats(B.bfd, &st);
	cr_assert_eq(st.drop[BFD_DROP_TTL], st0.drop[BFD_DROP_TTL] + 1);
	cr_assert_eq(info(B.s).dropped, b0.dropped + 1, "counted on the session too");
	cr_assert_eq(bfd_session_state(B.s), BFD_UP, "the packet was not obeyed");
	cr_assert_eq(find_rec(&B, 1, BFD_DOWN), -1);

	/* The same packet with TTL 255 is obeyed: the check above is what stopped it. */
	b_mark = B.n;
	send_raw(255, &c, B.port);
	cr_assert(run_until(b_went_down, EV_SEC(1)));
	i = find_rec(&B, b_mark, BFD_DOWN);
	cr_assert_eq(B.diag[i], BFD_DIAG_NEIGHBOR_DOWN);
	bfd_get_stats(B.bfd, &st);
	cr_assert_eq(st.drop[BFD_DROP_TTL], st0.drop[BFD_DROP_TTL] + 1);
}

Test(bfd_session, malformed_and_unknown_packets_are_counted)
{
	struct bfd_stats st0, st;
	struct bfd_ctrl c = { 0 };
	uint8_t junk[24] = { 0x40, 0xc0, 3, 24 }; /* version 2 */

	pair_up();
	bfd_get_stats(B.bfd, &st0);
	send_bytes(junk, sizeof(junk), B.port);
	send_bytes(junk, 10, B.port);
	/* Well formed, but for a discriminator nobody has. */
	c.state = BFD_UP;
	c.detect_mult = 3;
	c.my_disc = 1;
	c.your_disc = info(B.s).local_disc ^ 0x5a5a5a5a;
	send_raw(255, &c, B.port);
	run_for(50 * MS);
	bfd_get_stats(B.bfd, &st);
	cr_assert_eq(st.malformed[BFD_PKT_VERSION], st0.malformed[BFD_PKT_VERSION] + 1);
	cr_assert_eq(st.malformed[BFD_PKT_SHORT], st0.malformed[BFD_PKT_SHORT] + 1);
	cr_assert_eq(st.drop[BFD_DROP_MALFORMED], st0.drop[BFD_DROP_MALFORMED] + 2);
	cr_assert_eq(st.drop[BFD_DROP_NO_SESSION], st0.drop[BFD_DROP_NO_SESSION] + 1);
	cr_assert_gt(st.accepted, st0.accepted, "A's packets still flow");
	cr_assert(both_up());
	cr_assert_str_eq(bfd_drop_name(BFD_DROP_TTL), "ttl");
}

Test(bfd_session, a_burst_longer_than_a_batch_is_all_read)
{
	struct bfd_stats st0, st;
	uint8_t junk[24] = { 0x40, 0xc0, 3, 24 }; /* version 2 */

	/* 100 datagrams queued at once: several recvmmsg batches and wake-ups. */
	pair_up();
	bfd_get_stats(B.bfd, &st0);
	for (int i = 0; i < 100; i++)
		send_bytes(junk, sizeof(junk), B.port);
	run_for(50 * MS);
	bfd_get_stats(B.bfd, &st);
	cr_assert_eq(st.malformed[BFD_PKT_VERSION], st0.malformed[BFD_PKT_VERSION] + 100);
	cr_assert_geq(st.rx, st0.rx + 100);
	cr_assert(both_up(), "A's packets still read between the junk");
}

Test(bfd_session, bad_parameters_are_refused)
{
	struct bfd_session_params p = params("127.0.0.1", NULL, B.port, 10 * MS, 10 * MS, 3);
	struct bfd_session_params q;

	q = p;
	q.multiplier = 0;
	errno = 0;
	cr_assert_null(bfd_session_new(A.bfd, &q, notify, &A));
	cr_assert_eq(errno, EINVAL);
	q = p;
	q.min_rx_us = 999;
	cr_assert_null(bfd_session_new(A.bfd, &q, notify, &A));
	q = p;
	q.remote.family = 0;
	cr_assert_null(bfd_session_new(A.bfd, &q, notify, &A));
	q = p;
	cr_assert_eq(ipaddr_parse("::1", &q.local), 0);
	cr_assert_null(bfd_session_new(A.bfd, &q, notify, &A), "local of another family");
	cr_assert_eq(errno, EINVAL);

	A.s = bfd_session_new(A.bfd, &p, notify, &A);
	cr_assert_not_null(A.s);
	errno = 0;
	cr_assert_null(bfd_session_new(A.bfd, &p, notify, &A));
	cr_assert_eq(errno, EEXIST);
}

/* ---- freeing from the callback ---- */

static void
free_on_down(void *arg, struct bfd_session *s, enum bfd_state from, enum bfd_state to,
    enum bfd_diag d)
{
	struct side *x = arg;

	notify(arg, s, from, to, d);
	if (to == BFD_DOWN) {
		bfd_session_free(s);
		x->s = NULL;
	}
}

Test(bfd_session, the_callback_may_free_its_session)
{
	struct bfd_session_params pa = params("127.0.0.1", NULL, B.port, 10 * MS, 10 * MS, 3);
	struct bfd_session_params pb = params("127.0.0.1", NULL, A.port, 10 * MS, 10 * MS, 3);

	A.s = bfd_session_new(A.bfd, &pa, notify, &A);
	B.s = bfd_session_new(B.bfd, &pb, free_on_down, &B);
	cr_assert(run_until(both_up, EV_SEC(5)));
	bfd_session_admin(A.s, true);
	run_for(100 * MS);
	cr_assert_null(B.s, "B freed itself when it went Down");
	cr_assert_geq(find_rec(&B, 0, BFD_DOWN), 0);
	/* Its discriminator is gone: what A sends now finds nobody. */
	run_for(50 * MS);
}

/* ---- cost ---- */

Test(bfd_session, six_sessions_at_10ms_are_cheap)
{
	struct bfd_session *sa[3], *sb[3];
	struct rusage r0, r1;
	uint64_t cpu;
	char ra[32], rb[32];

	for (int i = 0; i < 3; i++) {
		struct bfd_session_params pa, pb;

		snprintf(ra, sizeof(ra), "127.0.0.%d", 10 + i);
		snprintf(rb, sizeof(rb), "127.0.0.%d", 20 + i);
		/* A's end is 127.0.0.2x, B's 127.0.0.1x. */
		pa = params(ra, rb, B.port, 10 * MS, 10 * MS, 3);
		pb = params(rb, ra, A.port, 10 * MS, 10 * MS, 3);
		sa[i] = bfd_session_new(A.bfd, &pa, NULL, NULL);
		sb[i] = bfd_session_new(B.bfd, &pb, NULL, NULL);
		cr_assert_not_null(sa[i]);
		cr_assert_not_null(sb[i]);
	}
	/* The handshakes are quick: a packet goes out at each change. */
	for (int t = 0; t < 100; t++) {
		int up = 0;

		for (int i = 0; i < 3; i++)
			up += bfd_session_state(sa[i]) == BFD_UP &&
			    bfd_session_state(sb[i]) == BFD_UP;
		if (up == 3)
			break;
		run_for(20 * MS);
	}
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(bfd_session_state(sa[i]), BFD_UP, "pair %d", i);
		cr_assert_eq(info(sa[i]).local.v4.s_addr, htonl(0x7f000014 + (unsigned)i),
		    "the configured local address is used");
	}
	run_for(100 * MS);
	getrusage(RUSAGE_SELF, &r0);
	run_for(EV_SEC(1));
	getrusage(RUSAGE_SELF, &r1);
	cpu = (uint64_t)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000 +
	    (uint64_t)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
	    (uint64_t)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000 +
	    (uint64_t)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	cr_log_info("six sessions at 10 ms: %lu us of CPU in 1 s", (unsigned long)cpu);
	/* About 1300 packets a second both ways; well under a quarter of one core. */
	cr_assert_lt(cpu, 250 * MS, "%lu us of CPU for 1 s", (unsigned long)cpu);
	for (int i = 0; i < 3; i++) {
		cr_assert_gt(info(sb[i]).pkts_in, 60);
		bfd_session_free(sa[i]);
		bfd_session_free(sb[i]);
	}
}

/* ---- IPv6 ---- */

static void
send_raw6(int hops, const struct bfd_ctrl *c, uint16_t to_port)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(to_port) };
	uint8_t buf[BFD_CTRL_LEN];
	struct wire_wr w;
	int fd;

	to.sin6_addr = in6addr_loopback;
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)), 0);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bfd_ctrl_encode(&w, c), 0);
	cr_assert_eq(sendto(fd, buf, w.len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)w.len);
	close(fd);
}

Test(bfd_session, ipv6_comes_up_and_checks_the_hop_limit)
{
	struct bfd_session_params pa = params("::1", NULL, B.port, 10 * MS, 10 * MS, 3);
	struct bfd_session_params pb = params("::1", NULL, A.port, 10 * MS, 10 * MS, 3);
	struct bfd_session_info a;
	struct bfd_stats st0, st;
	struct bfd_ctrl c = { 0 };

	A.s = bfd_session_new(A.bfd, &pa, notify, &A);
	if (A.s == NULL && errno == EAFNOSUPPORT)
		cr_skip_test("no IPv6 on this host");
	cr_assert_not_null(A.s, "%s", strerror(errno));
	B.s = bfd_session_new(B.bfd, &pb, notify, &B);
	cr_assert_not_null(B.s);
	cr_assert(run_until(both_up, EV_SEC(5)));
	a = info(A.s);
	cr_assert_eq(a.local.family, AF_INET6);

	c.state = BFD_DOWN;
	c.detect_mult = 3;
	c.my_disc = a.local_disc;
	c.your_disc = a.remote_disc;
	c.desired_min_tx = 1000000;
	c.required_min_rx = 10 * MS;
	bfd_get_stats(B.bfd, &st0);
	send_raw6(64, &c, B.port);
	run_for(50 * MS);
	bfd_get_stats(B.bfd, &st);
	cr_assert_eq(st.drop[BFD_DROP_TTL], st0.drop[BFD_DROP_TTL] + 1);
	cr_assert_eq(find_rec(&B, 1, BFD_DOWN), -1, "not obeyed");
	b_mark = B.n;
	send_raw6(255, &c, B.port);
	cr_assert(run_until(b_went_down, EV_SEC(1)), "the same with hop limit 255 is obeyed");
	cr_assert_eq(B.diag[find_rec(&B, b_mark, BFD_DOWN)], BFD_DIAG_NEIGHBOR_DOWN);
}
