/*
 * The prober's schedule: when each client sends its next query. Client c
 * at rate R (queries per second, 0.1 and up: periods need not be whole
 * seconds' fractions) sends query k at
 *   t0 + phase(c) + k * period(c),   period = 1 s / R,
 *   phase(c) = period(c) * slot(c) / n     (n clients),
 * so that the clients' phases are spread evenly over the period and their
 * sends never come in bursts (n clients at one rate: one send every
 * period / n). slot(c) is c's rank when the clients are ordered by their
 * index with its 32 bits reversed (van der Corput), so that any run of
 * neighbouring clients (a site's, say) is itself spread over the whole
 * period: every 2^m consecutive clients hold one slot in each 1/2^m of it,
 * and an outage of any length is sampled by each site's clients evenly. A binary min-heap of the clients by their next time, ties
 * by client index; nanoseconds on the monotonic clock. Pure: unit-tested.
 */
#ifndef ANYLAB_PROBE_SCHED_H
#define ANYLAB_PROBE_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct probe_sched_client {
	int64_t period_ns;
	int64_t phase_ns;
	uint32_t next_seq; /* its next query */
	uint32_t slot;	   /* of n, phase_ns = period_ns * slot / n */
};

struct probe_sched {
	int64_t t0_ns;
	struct probe_sched_client *clients;
	size_t n;
	uint32_t *heap; /* client indexes */
};

#define PROBE_SCHED_PERIOD_MAX (1000LL * 1000000000LL) /* 1000 s */

/* n clients, client c every periods_ns[c] (1 ns to 1000 s). 0 or -errno. */
int probe_sched_init(struct probe_sched *, size_t n, const int64_t *periods_ns, int64_t t0_ns);
/* The period of a rate in queries per second (1 ns at least). */
int64_t probe_sched_period(double rate);
void probe_sched_free(struct probe_sched *);
/* When query seq of client c is due. */
int64_t probe_sched_time(const struct probe_sched *, size_t c, uint32_t seq);
/* The earliest due time (INT64_MAX without clients). */
int64_t probe_sched_next(const struct probe_sched *);
/* Take the earliest query: its client, seq and due time; the client's next goes in. */
void probe_sched_pop(struct probe_sched *, size_t *client, uint32_t *seq, int64_t *due_ns);

#endif
