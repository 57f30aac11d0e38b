/*
 * Failover arithmetic on probe logs (definitions in measure.h and
 * docs/scenarios.md). Pure functions: no clock, no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "measure.h"

static bool
answered(const struct probe_rec *r)
{
	return r->status == PROBE_OK;
}

static void
copy_inst(char dst[SCN_INST_MAX], const char *src)
{
	size_t n = strnlen(src, SCN_INST_MAX - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
meas_before(const struct probe_log *l, int64_t t, char inst[SCN_INST_MAX])
{
	inst[0] = '\0';
	for (size_t i = 0; i < l->n && l->recs[i].sent_us < t; i++)
		if (answered(&l->recs[i]))
			copy_inst(inst, l->recs[i].inst);
}

int
meas_latest(const struct probe_log *l, int64_t from, char inst[SCN_INST_MAX])
{
	const struct probe_rec *best = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const struct probe_rec *r = &l->recs[i];

		if (r->sent_us >= from && answered(r) &&
		    (best == NULL || r->sent_us > best->sent_us ||
			(r->sent_us == best->sent_us && r->seq > best->seq)))
			best = r;
	}
	if (best == NULL) {
		inst[0] = '\0';
		return 0;
	}
	copy_inst(inst, best->inst);
	return 1;
}

uint64_t
meas_lost(const struct probe_log *l, int64_t from, int64_t to)
{
	uint64_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->recs[i].sent_us >= from && l->recs[i].sent_us < to && !answered(&l->recs[i]))
			n++;
	return n;
}

uint64_t
meas_answered(const struct probe_log *l, int64_t from, int64_t to)
{
	uint64_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->recs[i].sent_us >= from && l->recs[i].sent_us < to && answered(&l->recs[i]))
			n++;
	return n;
}

void
meas_fault_client(const struct probe_log *l, const struct meas_fault *f, struct meas_client *c)
{
	/*
	 * The fault holds until its undo begins: a query sent while the undo
	 * is being applied (an adapter coming back) belongs to the after.
	 */
	int64_t fault_end = f->undo_us ? (f->undo_start_us ? f->undo_start_us : f->undo_us) :
					 f->end_us;

	memset(c, 0, sizeof(*c));
	c->failover_us = -1;
	c->back_us = -1;
	c->tcp_breaks = probe_log_breaks(l, f->start_us, f->end_us);
	meas_before(l, f->start_us, c->before);
	for (size_t i = 0; i < l->n; i++) {
		const struct probe_rec *r = &l->recs[i];
		int64_t arrival = r->sent_us + r->rtt_us;

		if (r->sent_us < f->start_us || r->sent_us >= f->end_us)
			continue;
		c->sent++;
		if (r->sent_us < fault_end) {
			if (!answered(r)) {
				c->lost++;
				c->affected = true;
				continue;
			}
			copy_inst(c->during, r->inst);
			if (strcmp(r->inst, c->before) != 0) {
				c->affected = true;
				if (c->failover_us < 0)
					c->failover_us = arrival - f->start_us;
			}
			continue;
		}
		/* After the undo. */
		if (!answered(r)) {
			c->lost_after++;
			continue;
		}
		copy_inst(c->after, r->inst);
		if (c->back_us < 0 && c->before[0] && strcmp(r->inst, c->before) == 0)
			c->back_us = arrival > f->undo_us ? arrival - f->undo_us : 0;
	}
	if (!c->affected || f->undo_us == 0)
		c->back_us = -1;
	if (f->undo_us == 0)
		c->after[0] = '\0';
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int64_t
meas_percentile(int64_t *v, size_t n, double pct)
{
	size_t k;

	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_i64);
	if (pct <= 0)
		return v[0];
	if (pct >= 100)
		return v[n - 1];
	if (pct == 50 && n % 2 == 0)
		return (v[n / 2 - 1] + v[n / 2]) / 2;
	/* Nearest rank. */
	k = (size_t)((pct / 100.0) * (double)n + 0.999999);
	if (k == 0)
		k = 1;
	return v[k - 1];
}

void
meas_totals(const struct probe_log *l, int64_t from, int64_t to, struct meas_totals *t)
{
	int64_t *rtt = calloc(l->n ? l->n : 1, sizeof(*rtt));
	int64_t *late = calloc(l->n ? l->n : 1, sizeof(*late));
	size_t nr = 0, nl = 0;

	if (rtt == NULL || late == NULL)
		fatal("out of memory");
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < l->n; i++) {
		const struct probe_rec *r = &l->recs[i];

		if (r->sent_us < from || r->sent_us >= to)
			continue;
		t->sent++;
		late[nl++] = r->sent_us - r->sched_us;
		switch (r->status) {
		case PROBE_OK:
			t->answered++;
			rtt[nr++] = r->rtt_us;
			break;
		case PROBE_LOST:
			t->lost++;
			break;
		default:
			t->errors++;
			break;
		}
	}
	t->rtt_median_us = meas_percentile(rtt, nr, 50);
	t->rtt_max_us = meas_percentile(rtt, nr, 100);
	t->late_median_us = meas_percentile(late, nl, 50);
	t->late_p99_us = meas_percentile(late, nl, 99);
	t->late_max_us = meas_percentile(late, nl, 100);
	free(rtt);
	free(late);
}
