#include <criterion/criterion.h>
#include <signal.h>
#include <unistd.h>
#include "evloop.h"

static int order[8], norder;

static void
record(struct ev_loop *loop, struct ev_timer *t)
{
	order[norder++] = (int)(intptr_t)t->arg;
	if (norder == 3)
		ev_break(loop);
}

Test(evloop, timers_fire_in_deadline_order_and_stopped_ones_never)
{
	struct ev_loop *loop = ev_loop_new();
	struct ev_timer t[4];

	norder = 0;
	for (int i = 0; i < 4; i++)
		ev_timer_init(&t[i], record, (void *)(intptr_t)i);
	ev_timer_start(loop, &t[0], EV_MS(30));
	ev_timer_start(loop, &t[1], EV_MS(10));
	ev_timer_start(loop, &t[2], EV_MS(20));
	ev_timer_start(loop, &t[3], EV_MS(5));
	ev_timer_stop(loop, &t[3]);
	cr_assert(!ev_timer_armed(&t[3]));
	uint64_t start = ev_clock_us();
	cr_assert_eq(ev_run(loop), 0);
	cr_assert_eq(norder, 3);
	cr_assert_eq(order[0], 1);
	cr_assert_eq(order[1], 2);
	cr_assert_eq(order[2], 0);
	cr_assert_geq(ev_clock_us() - start, EV_MS(29));
	ev_loop_free(loop);
}

static struct ev_io a, b;
static int a_calls, b_calls;

static void
io_a(struct ev_loop *loop, struct ev_io *io, uint32_t ev)
{
	char c;

	a_calls++;
	(void)read(io->fd, &c, 1);
	ev_io_stop(loop, &b); /* b is ready in the same batch */
	ev_break(loop);
}

static void
io_b(struct ev_loop *loop, struct ev_io *io, uint32_t ev)
{
	b_calls++;
	ev_break(loop);
}

Test(evloop, io_stopped_within_a_batch_is_not_called)
{
	struct ev_loop *loop = ev_loop_new();
	int p1[2], p2[2];

	cr_assert_eq(pipe(p1), 0);
	cr_assert_eq(pipe(p2), 0);
	ev_io_init(&a, p1[0], io_a, NULL);
	ev_io_init(&b, p2[0], io_b, NULL);
	ev_io_start(loop, &a, EPOLLIN);
	ev_io_start(loop, &b, EPOLLIN);
	cr_assert_eq(write(p1[1], "x", 1), 1);
	cr_assert_eq(write(p2[1], "x", 1), 1);
	/* Whichever runs first, at most one of them runs. */
	ev_run(loop);
	cr_assert_eq(a_calls + b_calls, 1);
	ev_loop_free(loop);
}

static int got_signal;

static void
on_usr1(struct ev_loop *loop, int signo, void *arg)
{
	got_signal = signo;
	ev_break(loop);
}

Test(evloop, signals_arrive_as_events)
{
	struct ev_loop *loop = ev_loop_new();

	cr_assert_eq(ev_signal(loop, SIGUSR1, on_usr1, NULL), 0);
	kill(getpid(), SIGUSR1);
	ev_run(loop);
	cr_assert_eq(got_signal, SIGUSR1);
	ev_loop_free(loop);
}
