/*
 * The DNS probe: one forked child per client that enters the client's
 * network namespace and queries the anycast address at a fixed rate, every
 * query with its own id and timeout, and writes one line per query to its
 * log once the query is answered or lost. Also the log's format and an
 * incremental reader for it (pure; unit-tested).
 *
 * Log lines (text, one per query, in completion order, '#' lines are
 * comments):
 *   SEQ ID SCHED_US SENT_US STATUS RTT_US RCODE INSTANCE
 * SCHED_US and SENT_US are CLOCK_REALTIME microseconds (the clock pcap and
 * the scenario log use): when the schedule asked for the query and when it
 * left. STATUS is ok, lost or error (an answer without an identity, or with
 * an rcode other than NOERROR). RTT_US is -1 unless answered. INSTANCE is
 * the answer's TXT text or NSID ("-" when none), up to the end of the line.
 */
#ifndef ANYLAB_PROBE_H
#define ANYLAB_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "scenario.h"

enum probe_status {
	PROBE_OK,
	PROBE_LOST,
	PROBE_ERROR,
	PROBE_STATUS_COUNT,
};
extern const char *const probe_status_names[PROBE_STATUS_COUNT];

struct probe_rec {
	uint32_t seq;
	uint16_t id;
	int64_t sched_us; /* realtime */
	int64_t sent_us;  /* realtime */
	int32_t rtt_us;	  /* -1 unless PROBE_OK or PROBE_ERROR */
	enum probe_status status;
	uint8_t rcode;
	char inst[SCN_INST_MAX]; /* "" when none */
};

struct probe_log {
	char client[64];
	struct probe_rec *recs;
	size_t n;
	size_t cap;
};

struct probe_cfg {
	char netns[256]; /* LAB-NODE */
	char client[64]; /* node name, for the log */
	struct ipaddr server;
	uint16_t port;
	const char *qname;
	uint16_t qtype;
	enum scn_identity identity;
	unsigned rate; /* queries per second */
	unsigned timeout_ms;
	uint64_t duration_ms; /* 0: until SIGTERM */
	char log_path[512];
};

/*
 * Fork the probe child. It enters cfg->netns, creates the log (truncating),
 * and queries until SIGTERM (or duration_ms), then waits for the queries in
 * flight to be answered or time out, and exits 0. Returns the child's pid or
 * -errno; the child reports its own setup errors on stderr and exits 1.
 */
pid_t probe_start(const struct probe_cfg *);
/* SIGTERM the child and wait for it (at most timeout + 2 s, then SIGKILL). 0 or -errno. */
int probe_stop(pid_t, unsigned timeout_ms);
/* Run the probe loop in the calling process (already in its namespace). 0 or -errno. */
int probe_run(const struct probe_cfg *);

/* One log line into rec. 0, 1 for a comment or empty line, -1 when malformed. */
int probe_line_parse(const char *line, struct probe_rec *rec);
void probe_line_format(const struct probe_rec *, char *buf, size_t len);

void probe_log_init(struct probe_log *, const char *client);
void probe_log_add(struct probe_log *, const struct probe_rec *);
void probe_log_sort(struct probe_log *); /* by send time (then seq) */
void probe_log_free(struct probe_log *);

/* Incremental reader of a log file still being written. */
struct probe_reader {
	int fd;
	char buf[8192];
	size_t len;
	size_t bad; /* malformed lines seen */
};
int probe_reader_open(struct probe_reader *, const char *path);
/* Append every complete new line to log. Number of records added or -errno. */
int probe_reader_poll(struct probe_reader *, struct probe_log *);
void probe_reader_close(struct probe_reader *);
/* Read a whole log file. 0 or -errno. */
int probe_log_load(struct probe_log *, const char *path);

#endif
