/*
 * Service health checks: a failure detector of anybgpd whose target is a set
 * of originated prefixes. Each check (a DNS query, RFC 1035 section 4.1, or a
 * command's exit status) runs every interval on the daemon's event loop; after
 * `fall` consecutive failures the check is down and its owner withdraws the
 * prefixes, after `rise` consecutive passes it is up again. The owner learns
 * of each change through one callback, as it learns of other detectors'.
 * Configuration keys are documented in docs/health.md.
 */
#ifndef ANYBGP_HEALTH_H
#define ANYBGP_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <cJSON.h>

#include "addr.h"
#include "evloop.h"
#include "jcfg.h"

#define HEALTH_NAME_MAX	    63
#define HEALTH_TEXT_MAX	    160 /* a check's result, NUL included */
#define HEALTH_WHY_MAX	    224 /* a state change's reason: a count and a result */
#define HEALTH_HISTORY	    16	/* state changes kept per check */
#define HEALTH_DEF_INTERVAL 100
#define HEALTH_DEF_RISE	    3
#define HEALTH_DEF_FALL	    3
#define HEALTH_DEF_DNS_PORT 53

enum health_kind {
	HEALTH_DNS,
	HEALTH_COMMAND,
};

enum health_state {
	HEALTH_UNKNOWN, /* no verdict yet: the owner keeps announcing */
	HEALTH_UP,
	HEALTH_DOWN,
};

struct health_dns_config {
	struct ipaddr server;
	uint16_t port;
	char *qname; /* as configured, without escapes */
	uint16_t qtype;
	uint8_t rcode; /* expected RCODE, 0-15 */
};

struct health_check_config {
	char *name;
	enum health_kind kind;
	struct health_dns_config dns; /* HEALTH_DNS */
	char **argv;		      /* HEALTH_COMMAND: NULL-terminated */
	size_t argc;
	unsigned interval_ms;
	unsigned timeout_ms; /* <= interval_ms */
	unsigned rise;
	unsigned fall;
	struct prefix *prefixes; /* nprefixes 0: every originated prefix */
	size_t nprefixes;
};

/*
 * The "health" array of the bgp section; path is the array's JSON path
 * ("nodes.dc001.bgp.health"). 0 with *out and *n set (NULL and 0 when array
 * is NULL), or -1 with the errors recorded and nothing left allocated.
 */
int health_config_parse(const cJSON *array, const char *path, struct health_check_config **out,
    size_t *n, struct cfg_errors *);
void health_config_free(struct health_check_config *, size_t n);
/* Every listed prefix must be one of originate[]; path as above. 0 or -1. */
int health_config_check_prefixes(const struct health_check_config *, size_t n,
    const struct prefix *originate, size_t noriginate, const char *path, struct cfg_errors *);
/* Whether the check's target includes p (all originated prefixes when none listed). */
bool health_config_covers(const struct health_check_config *, const struct prefix *p);

/* DNS type and RCODE mnemonics, for the parser and for result texts. */
const char *health_kind_name(enum health_kind);
const char *health_state_name(enum health_state);
const char *health_rcode_name(unsigned rcode, char *buf, size_t len);
int health_qtype_parse(const char *, uint16_t *); /* 0 or -1 */
int health_rcode_parse(const char *, uint8_t *);  /* 0 or -1 */

struct health_change {
	uint64_t mono_us; /* ev_now_us() at the change */
	uint64_t wall_us; /* CLOCK_REALTIME, µs since the epoch */
	enum health_state from;
	enum health_state to;
	char why[HEALTH_WHY_MAX];
};

struct health_info {
	const char *name; /* the config's; valid while the health is open */
	enum health_kind kind;
	enum health_state state;
	bool running; /* a check is in flight */
	unsigned passes_in_row;
	unsigned failures_in_row;
	uint64_t checks; /* finished checks */
	uint64_t passes;
	uint64_t failures;
	char last_result[HEALTH_TEXT_MAX]; /* "" before the first result */
	bool last_passed;
	uint64_t last_rtt_us;	 /* duration of the last finished check */
	uint64_t last_change_us; /* ev_now_us() of the last change (open time before any) */
	uint64_t last_change_wall_us;
	pid_t last_pid; /* command checks: the last child started, 0 before */
	struct health_change history[HEALTH_HISTORY]; /* oldest first */
	size_t nhistory;
};

/* Called on each state change; why says what decided it. */
typedef void (*health_notify_fn)(void *arg, size_t check, bool up, const char *why);

struct health;

/*
 * Starts every check (the first runs on the loop's next turn). cfg must stay
 * valid until health_close. NULL on allocation failure.
 */
struct health *health_open(struct ev_loop *, const struct health_check_config *cfg, size_t n,
    health_notify_fn, void *arg);
/* Stops the checks; a running command is killed (SIGKILL, by its pidfd) and reaped. */
void health_close(struct health *);
size_t health_count(const struct health *);
void health_get_info(const struct health *, size_t check, struct health_info *);
/* True when some DOWN check covers p: the owner withdraws p. */
bool health_prefix_down(const struct health *, const struct prefix *p);

#endif
