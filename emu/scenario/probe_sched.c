/*
 * The prober's schedule (probe_sched.h): a min-heap of clients by the due
 * time of their next query.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "probe_sched.h"

static bool before(const struct probe_sched *, uint32_t a, uint32_t b);
static uint32_t bit_reverse(uint32_t);
static int by_reversed_bits(const void *, const void *);
static void sift_down(struct probe_sched *, size_t i);
static void sift_up(struct probe_sched *, size_t i);

int64_t
probe_sched_time(const struct probe_sched *s, size_t c, uint32_t seq)
{
	const struct probe_sched_client *k = &s->clients[c];

	return s->t0_ns + k->phase_ns + (int64_t)seq * k->period_ns;
}

static bool
before(const struct probe_sched *s, uint32_t a, uint32_t b)
{
	int64_t ta = probe_sched_time(s, a, s->clients[a].next_seq);
	int64_t tb = probe_sched_time(s, b, s->clients[b].next_seq);

	return ta != tb ? ta < tb : a < b;
}

static void
sift_up(struct probe_sched *s, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		uint32_t t;

		if (!before(s, s->heap[i], s->heap[parent]))
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[parent];
		s->heap[parent] = t;
		i = parent;
	}
}

static void
sift_down(struct probe_sched *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint32_t t;

		if (l < s->n && before(s, s->heap[l], s->heap[m]))
			m = l;
		if (r < s->n && before(s, s->heap[r], s->heap[m]))
			m = r;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

static uint32_t
bit_reverse(uint32_t x)
{
	x = (x >> 16) | (x << 16);
	x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
	x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
	x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
	return ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
}

static int
by_reversed_bits(const void *a, const void *b)
{
	uint32_t ra = bit_reverse(*(const uint32_t *)a);
	uint32_t rb = bit_reverse(*(const uint32_t *)b);

	return ra < rb ? -1 : ra > rb;
}

int64_t
probe_sched_period(double rate)
{
	double ns = rate > 0 ? 1e9 / rate : (double)PROBE_SCHED_PERIOD_MAX;

	if (!(ns < (double)PROBE_SCHED_PERIOD_MAX))
		return PROBE_SCHED_PERIOD_MAX;
	return ns < 1 ? 1 : (int64_t)llround(ns);
}

int
probe_sched_init(struct probe_sched *s, size_t n, const int64_t *periods_ns, int64_t t0_ns)
{
	s->t0_ns = t0_ns;
	s->n = n;
	s->clients = calloc(n ? n : 1, sizeof(*s->clients));
	s->heap = calloc(n ? n : 1, sizeof(*s->heap));
	if (s->clients == NULL || s->heap == NULL || n > UINT32_MAX) {
		probe_sched_free(s);
		return -ENOMEM;
	}
	for (size_t c = 0; c < n; c++)
		if (periods_ns[c] < 1 || periods_ns[c] > PROBE_SCHED_PERIOD_MAX) {
			probe_sched_free(s);
			return -EINVAL;
		}
	/* Slots in the order of the clients' reversed bits (heap as scratch). */
	for (size_t c = 0; c < n; c++)
		s->heap[c] = (uint32_t)c;
	qsort(s->heap, n, sizeof(*s->heap), by_reversed_bits);
	for (size_t slot = 0; slot < n; slot++)
		s->clients[s->heap[slot]].slot = (uint32_t)slot;
	for (size_t c = 0; c < n; c++) {
		struct probe_sched_client *k = &s->clients[c];

		k->period_ns = periods_ns[c];
		/* slot / n of the period (period < 2^40, slot < 2^32: 128 bits). */
		k->phase_ns = (int64_t)((__int128)k->period_ns * k->slot / (__int128)n);
		s->heap[c] = (uint32_t)c;
		sift_up(s, c);
	}
	return 0;
}

void
probe_sched_free(struct probe_sched *s)
{
	free(s->clients);
	free(s->heap);
	s->clients = NULL;
	s->heap = NULL;
	s->n = 0;
}

int64_t
probe_sched_next(const struct probe_sched *s)
{
	if (s->n == 0)
		return INT64_MAX;
	return probe_sched_time(s, s->heap[0], s->clients[s->heap[0]].next_seq);
}

void
probe_sched_pop(struct probe_sched *s, size_t *client, uint32_t *seq, int64_t *due_ns)
{
	uint32_t c = s->heap[0];

	*client = c;
	*seq = s->clients[c].next_seq;
	*due_ns = probe_sched_time(s, c, *seq);
	s->clients[c].next_seq++;
	sift_down(s, 0);
}
