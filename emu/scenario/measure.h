/*
 * Measurements on probe logs: pure arithmetic, no I/O (unit-tested on
 * synthetic logs). Definitions (docs/scenarios.md, "Measurements"):
 *
 * For a fault at time F, undone at U (or never: U = 0), whose window ends at
 * E (the next fault or the end of the run), and one client's log sorted by
 * send time:
 *   before     the instance of the last answer to a query sent before F
 *   affected   a query sent in [F, U or E) was lost, failed, or answered by
 *              an instance other than before
 *   failover   for an affected client: first answer from an instance other
 *              than before to a query sent at or after F, its arrival
 *              (send + rtt) minus F; -1 when none came
 *   lost       queries sent in [F, U or E) that were lost or failed
 *   during     the instance of the last answer to a query sent in [F, U or E)
 *   back       for an affected client with an undo: first answer from before
 *              to a query sent at or after U, arrival minus U; -1 when none
 *   lost_after queries lost or failed sent in [U, E)
 *   after      the instance of the last answer to a query sent in [U, E)
 *   tcp_breaks TCP connections of the client that broke in [F, E)
 */
#ifndef ANYLAB_MEASURE_H
#define ANYLAB_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "scenario.h"

struct meas_fault {
	const char *label;
	int64_t start_us;      /* realtime, when the action was applied */
	int64_t undo_us;       /* 0: never undone; else the end of the undo step */
	int64_t undo_start_us; /* the undo step's start (0: undo_us): the fault ends there */
	int64_t end_us;	       /* end of its window */
};

struct meas_client {
	char before[SCN_INST_MAX];
	char during[SCN_INST_MAX];
	char after[SCN_INST_MAX];
	bool affected;
	int64_t failover_us; /* -1: none */
	int64_t back_us;     /* -1: none or not applicable */
	uint64_t sent;	     /* queries sent in [F, E) */
	uint64_t lost;
	uint64_t lost_after;
	uint64_t tcp_breaks;
};

/* Per-fault, per-client figures. log must be sorted (probe_log_sort). */
void meas_fault_client(const struct probe_log *, const struct meas_fault *,
    struct meas_client *out);

/* Totals over a log, and the probe's own precision (send time against schedule). */
struct meas_totals {
	uint64_t sent;
	uint64_t answered;
	uint64_t lost;
	uint64_t errors;
	int64_t rtt_median_us; /* -1 without answers */
	int64_t rtt_max_us;
	int64_t late_median_us; /* sent_us - sched_us */
	int64_t late_p99_us;
	int64_t late_max_us;
};
void meas_totals(const struct probe_log *, int64_t from_us, int64_t to_us, struct meas_totals *out);

/* Queries lost or failed, sent in [from, to). */
uint64_t meas_lost(const struct probe_log *, int64_t from_us, int64_t to_us);
/* Answered queries sent in [from, to). */
uint64_t meas_answered(const struct probe_log *, int64_t from_us, int64_t to_us);
/*
 * The latest answer to a query sent at or after from_us (by send time): its
 * instance copied to inst and 1, or 0 when there is none.
 */
int meas_latest(const struct probe_log *, int64_t from_us, char inst[SCN_INST_MAX]);
/* The instance of the last answer to a query sent before t ("" when none). */
void meas_before(const struct probe_log *, int64_t t_us, char inst[SCN_INST_MAX]);

/* Median (and a percentile) of an int64 array; sorts it. -1 when empty. */
int64_t meas_percentile(int64_t *v, size_t n, double pct);

#endif
