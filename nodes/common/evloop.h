/*
 * The single-threaded event loop each daemon runs: epoll for file
 * descriptors, one binary heap of timers (microsecond monotonic clock),
 * signals delivered through a signalfd as ordinary events. Later detectors
 * (BFD, link tracking, health checks) plug in as more fds and timers.
 */
#ifndef ANYLAB_EVLOOP_H
#define ANYLAB_EVLOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

struct ev_loop;
struct ev_io;
struct ev_timer;

typedef void (*ev_io_cb)(struct ev_loop *, struct ev_io *, uint32_t events);
typedef void (*ev_timer_cb)(struct ev_loop *, struct ev_timer *);
typedef void (*ev_signal_cb)(struct ev_loop *, int signo, void *arg);

struct ev_io {
	int fd;
	uint32_t events; /* EPOLLIN, EPOLLOUT, ... */
	ev_io_cb cb;
	void *arg;
	bool active;
};

struct ev_timer {
	uint64_t when_us; /* absolute, ev_now_us() clock */
	size_t heap_idx;  /* (size_t)-1 when not armed */
	ev_timer_cb cb;
	void *arg;
};

struct ev_loop *ev_loop_new(void);
void ev_loop_free(struct ev_loop *);
int ev_run(struct ev_loop *); /* until ev_break; 0 or -errno */
void ev_break(struct ev_loop *);

uint64_t ev_now_us(struct ev_loop *); /* cached at each wake-up */
uint64_t ev_clock_us(void);	      /* CLOCK_MONOTONIC, uncached */

void ev_io_init(struct ev_io *, int fd, ev_io_cb, void *arg);
int ev_io_start(struct ev_loop *, struct ev_io *, uint32_t events);
int ev_io_modify(struct ev_loop *, struct ev_io *, uint32_t events);
/* After ev_io_stop the io is never called again, even within the current batch. */
void ev_io_stop(struct ev_loop *, struct ev_io *);

void ev_timer_init(struct ev_timer *, ev_timer_cb, void *arg);
void ev_timer_start(struct ev_loop *, struct ev_timer *, uint64_t after_us);
void ev_timer_stop(struct ev_loop *, struct ev_timer *);
bool ev_timer_armed(const struct ev_timer *);
uint64_t ev_timer_remaining_us(struct ev_loop *, const struct ev_timer *);

/* Blocks signo for the process and delivers it through the loop. */
int ev_signal(struct ev_loop *, int signo, ev_signal_cb, void *arg);

#define EV_MS(x)  ((uint64_t)(x)*1000ULL)
#define EV_SEC(x) ((uint64_t)(x)*1000000ULL)

#endif
