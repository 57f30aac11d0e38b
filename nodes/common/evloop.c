/*
 * Event loop: epoll, a binary min-heap of timers, signals through signalfd.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "evloop.h"

#define HEAP_NONE   ((size_t)-1)
#define MAX_SIGNALS 8

struct ev_sighandler {
	int signo;
	ev_signal_cb cb;
	void *arg;
};

struct ev_loop {
	int epfd;
	bool stop;
	uint64_t now_us;
	struct ev_timer **heap;
	size_t heap_len;
	size_t heap_cap;
	int sigfd;
	sigset_t sigmask;
	struct ev_io sigio;
	struct ev_sighandler sigs[MAX_SIGNALS];
	size_t nsigs;
	struct epoll_event *batch; /* events being dispatched */
	int batch_len;
};

static void heap_swap(struct ev_loop *, size_t, size_t);
static void heap_up(struct ev_loop *, size_t);
static void heap_down(struct ev_loop *, size_t);
static void signal_read(struct ev_loop *, struct ev_io *, uint32_t);

uint64_t
ev_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

struct ev_loop *
ev_loop_new(void)
{
	struct ev_loop *loop = calloc(1, sizeof(*loop));

	if (loop == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->sigfd = -1;
	sigemptyset(&loop->sigmask);
	loop->now_us = ev_clock_us();
	return loop;
}

void
ev_loop_free(struct ev_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	free(loop->heap);
	free(loop);
}

uint64_t
ev_now_us(struct ev_loop *loop)
{
	return loop->now_us;
}

void
ev_break(struct ev_loop *loop)
{
	loop->stop = true;
}

void
ev_io_init(struct ev_io *io, int fd, ev_io_cb cb, void *arg)
{
	io->fd = fd;
	io->events = 0;
	io->cb = cb;
	io->arg = arg;
	io->active = false;
}

int
ev_io_start(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (io->active)
		return ev_io_modify(loop, io, events);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, io->fd, &ev) < 0)
		return -errno;
	io->events = events;
	io->active = true;
	return 0;
}

int
ev_io_modify(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (!io->active)
		return ev_io_start(loop, io, events);
	if (io->events == events)
		return 0;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
		return -errno;
	io->events = events;
	return 0;
}

void
ev_io_stop(struct ev_loop *loop, struct ev_io *io)
{
	if (!io->active)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	/* The owner may free io once this returns: forget its pending events. */
	for (int i = 0; i < loop->batch_len; i++)
		if (loop->batch[i].data.ptr == io)
			loop->batch[i].data.ptr = NULL;
	io->active = false;
	io->events = 0;
}

void
ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg)
{
	t->when_us = 0;
	t->heap_idx = HEAP_NONE;
	t->cb = cb;
	t->arg = arg;
}

bool
ev_timer_armed(const struct ev_timer *t)
{
	return t->heap_idx != HEAP_NONE;
}

uint64_t
ev_timer_remaining_us(struct ev_loop *loop, const struct ev_timer *t)
{
	if (!ev_timer_armed(t) || t->when_us <= loop->now_us)
		return 0;
	return t->when_us - loop->now_us;
}

static void
heap_swap(struct ev_loop *loop, size_t a, size_t b)
{
	struct ev_timer *t = loop->heap[a];

	loop->heap[a] = loop->heap[b];
	loop->heap[b] = t;
	loop->heap[a]->heap_idx = a;
	loop->heap[b]->heap_idx = b;
}

static void
heap_up(struct ev_loop *loop, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->when_us <= loop->heap[i]->when_us)
			break;
		heap_swap(loop, parent, i);
		i = parent;
	}
}

static void
heap_down(struct ev_loop *loop, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;

		if (l < loop->heap_len && loop->heap[l]->when_us < loop->heap[min]->when_us)
			min = l;
		if (r < loop->heap_len && loop->heap[r]->when_us < loop->heap[min]->when_us)
			min = r;
		if (min == i)
			break;
		heap_swap(loop, i, min);
		i = min;
	}
}

void
ev_timer_stop(struct ev_loop *loop, struct ev_timer *t)
{
	size_t i = t->heap_idx;

	if (i == HEAP_NONE)
		return;
	loop->heap_len--;
	if (i != loop->heap_len) {
		loop->heap[i] = loop->heap[loop->heap_len];
		loop->heap[i]->heap_idx = i;
		heap_up(loop, i);
		heap_down(loop, loop->heap[i]->heap_idx);
	}
	t->heap_idx = HEAP_NONE;
}

void
ev_timer_start(struct ev_loop *loop, struct ev_timer *t, uint64_t after_us)
{
	ev_timer_stop(loop, t);
	if (loop->heap_len == loop->heap_cap) {
		size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
		struct ev_timer **h = realloc(loop->heap, cap * sizeof(*h));

		if (h == NULL)
			abort(); /* a daemon without timers cannot go on */
		loop->heap = h;
		loop->heap_cap = cap;
	}
	t->when_us = ev_clock_us() + after_us;
	t->heap_idx = loop->heap_len;
	loop->heap[loop->heap_len++] = t;
	heap_up(loop, t->heap_idx);
}

static void
signal_read(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct signalfd_siginfo si;

	while (read(loop->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (size_t i = 0; i < loop->nsigs; i++)
			if (loop->sigs[i].signo == (int)si.ssi_signo)
				loop->sigs[i].cb(loop, (int)si.ssi_signo, loop->sigs[i].arg);
	}
}

int
ev_signal(struct ev_loop *loop, int signo, ev_signal_cb cb, void *arg)
{
	int fd;

	if (loop->nsigs == MAX_SIGNALS)
		return -ENOSPC;
	sigaddset(&loop->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0)
		return -errno;
	fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		ev_io_init(&loop->sigio, fd, signal_read, NULL);
		if (ev_io_start(loop, &loop->sigio, EPOLLIN) < 0)
			return -errno;
	}
	loop->sigs[loop->nsigs++] = (struct ev_sighandler){ signo, cb, arg };
	return 0;
}

int
ev_run(struct ev_loop *loop)
{
	struct epoll_event evs[64];

	loop->stop = false;
	while (!loop->stop) {
		int timeout = -1, n;

		loop->now_us = ev_clock_us();
		while (loop->heap_len > 0 && loop->heap[0]->when_us <= loop->now_us) {
			struct ev_timer *t = loop->heap[0];

			ev_timer_stop(loop, t);
			t->cb(loop, t);
			if (loop->stop)
				return 0;
			loop->now_us = ev_clock_us();
		}
		if (loop->heap_len > 0) {
			uint64_t wait = loop->heap[0]->when_us - loop->now_us;

			timeout = (int)((wait + 999) / 1000);
		}
		n = epoll_wait(loop->epfd, evs, 64, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		loop->now_us = ev_clock_us();
		loop->batch = evs;
		loop->batch_len = n;
		for (int i = 0; i < n && !loop->stop; i++) {
			struct ev_io *io = evs[i].data.ptr;

			if (io != NULL && io->active)
				io->cb(loop, io, evs[i].events);
		}
		loop->batch_len = 0;
	}
	return 0;
}
