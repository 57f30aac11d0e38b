/*
 * Probe records and the prober's log: what one query became (struct
 * probe_rec), what broke a client's TCP connection (struct probe_break), a
 * client's log of both (struct probe_log, what measure.c reads), and the
 * text format the prober (prober.h) writes and the runner reads back into
 * one probe_log per client. Pure: no sockets, unit-tested.
 *
 * The log (probe.log in the run's directory), one line per event in
 * completion order, '#' lines are comments:
 *   CLIENT SEQ ID SCHED_US SENT_US STATUS RTT_US RCODE INSTANCE
 *   CLIENT break TIME_US REASON
 * CLIENT is the client's node name. SCHED_US and SENT_US are
 * CLOCK_REALTIME microseconds on the runner's anchor (anylab.h): when the
 * schedule asked for the query and when it left. STATUS is ok, lost or
 * error (an answer without an identity, or with an rcode other than
 * NOERROR). RTT_US is -1 unless answered. INSTANCE is the answer's TXT
 * text or NSID ("-" when none), up to the end of the line. A break line:
 * a TCP connection of CLIENT broke at TIME_US, REASON one of
 * probe_break_names (reset, eof, timeout, error).
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

/* Why a TCP connection counted as broken (RFC 7766: the client saw it end). */
enum probe_break_reason {
	PROBE_BREAK_RESET,   /* RST (ECONNRESET, EPIPE) */
	PROBE_BREAK_EOF,     /* the server closed it */
	PROBE_BREAK_TIMEOUT, /* a query on it was not answered within the timeout */
	PROBE_BREAK_ERROR,   /* any other socket error (unreachable, ...) */
	PROBE_BREAK_COUNT,
};
extern const char *const probe_break_names[PROBE_BREAK_COUNT];

struct probe_break {
	int64_t time_us; /* realtime */
	enum probe_break_reason reason;
};

#define PROBE_CLIENT_MAX 64 /* node names, NUL included */

struct probe_log {
	char client[PROBE_CLIENT_MAX];
	struct probe_rec *recs; /* sorted by send time when filled by probe_reader_poll */
	size_t n;
	size_t cap;
	struct probe_break *breaks; /* in time order */
	size_t nbreaks;
	size_t capbreaks;
};

/*
 * A query record's fields (a log line after its CLIENT column): 0, 1 for a
 * comment or empty line, -1 when malformed.
 */
int probe_line_parse(const char *line, struct probe_rec *rec);
/* Its fields, ending with a newline. */
void probe_line_format(const struct probe_rec *, char *buf, size_t len);

enum probe_line_kind {
	PROBE_LINE_BAD = -1,
	PROBE_LINE_QUERY,
	PROBE_LINE_NONE, /* comment or empty */
	PROBE_LINE_BREAK,
};
/* A whole log line: its client into client[PROBE_CLIENT_MAX], and rec or brk. */
enum probe_line_kind probe_logline_parse(const char *line, char *client, struct probe_rec *rec,
    struct probe_break *brk);
/* "CLIENT " then the record's fields; a break's line. Both end with a newline. */
void probe_logline_format(const char *client, const struct probe_rec *, char *buf, size_t len);
void probe_breakline_format(const char *client, const struct probe_break *, char *buf, size_t len);

void probe_log_init(struct probe_log *, const char *client);
void probe_log_add(struct probe_log *, const struct probe_rec *);
/* Add in its place by send time (then seq): cheap when records come nearly in order. */
void probe_log_insert(struct probe_log *, const struct probe_rec *);
void probe_log_add_break(struct probe_log *, const struct probe_break *);
/* Breaks in [from, to). */
size_t probe_log_breaks(const struct probe_log *, int64_t from_us, int64_t to_us);
void probe_log_sort(struct probe_log *); /* by send time (then seq) */
void probe_log_free(struct probe_log *);

/*
 * Incremental reader of the prober's log while it is being written: every
 * line goes to the log of its client among logs[0..n) (by name; lines of
 * other clients are counted in unknown). Query records are inserted in send
 * order, so the logs stay sorted.
 */
struct probe_reader {
	int fd;
	struct probe_log *logs;
	size_t *order; /* indexes of logs, by client name */
	size_t n;
	char buf[65536];
	size_t len;
	size_t bad;	/* malformed lines seen */
	size_t unknown; /* lines of a client not among logs */
};
/* Open path for logs[0..n) (their client names set). 0 or -errno. */
int probe_reader_open(struct probe_reader *, const char *path, struct probe_log *logs, size_t n);
/* Read every complete new line. Number of lines taken or -errno. */
int probe_reader_poll(struct probe_reader *);
void probe_reader_close(struct probe_reader *);
/* Read a whole log file into logs[0..n). 0 or -errno. */
int probe_log_load(struct probe_log *logs, size_t n, const char *path);

#endif
