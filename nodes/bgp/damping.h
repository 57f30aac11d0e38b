/*
 * Route flap damping (RFC 2439) with the parameters RFC 7196 recommends as
 * defaults: per (peer, prefix) a penalty ("figure of merit") that grows by
 * a fixed amount at each withdrawal and each change of attributes, decays
 * exponentially with a half-life, and never exceeds the ceiling that the
 * maximum suppress time implies (RFC 2439 4.2: reuse * 2^(max_suppress /
 * half_life)). A route whose penalty exceeds the suppress threshold is kept
 * out of the RIB until its penalty decays below the reuse threshold.
 *
 * No clock of its own: every call takes now (µs, any monotonic origin), so
 * tests drive it without sleeping. The import pipeline (import.c) owns one
 * struct damping per peer and an event-loop timer at damping_next_reuse_us().
 */
#ifndef ANYBGP_DAMPING_H
#define ANYBGP_DAMPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_attr.h"

/* RFC 7196 3 */
#define DAMP_DEF_SUPPRESS	  6000
#define DAMP_DEF_REUSE		  750
#define DAMP_DEF_HALF_LIFE_S	  900  /* 15 min */
#define DAMP_DEF_MAX_SUPPRESS_S	  3600 /* 60 min */
#define DAMP_DEF_WITHDRAW_PENALTY 1000
#define DAMP_DEF_CHANGE_PENALTY	  500

struct damping_params {
	uint32_t suppress; /* suppressed when the penalty exceeds this */
	uint32_t reuse;	   /* ... until it falls below this */
	uint32_t half_life_s;
	uint32_t max_suppress_s;
	uint32_t withdraw_penalty; /* each withdrawal of a reachable route */
	uint32_t change_penalty;   /* each announcement with other attributes */
};

void damping_params_default(struct damping_params *);
/* The penalty ceiling: reuse * 2^(max_suppress / half_life). */
double damping_ceiling(const struct damping_params *);
/* A penalty after dt_us of decay: penalty * 2^(-dt / half_life). */
double damping_decay(const struct damping_params *, double penalty, uint64_t dt_us);
/* Seconds until penalty decays below reuse (0 when it already is). */
double damping_reuse_after_s(const struct damping_params *, double penalty);

/* What the caller does with the route. */
enum damping_verdict {
	DAMP_PASS,     /* into the RIB (announce) or out of it (withdraw) */
	DAMP_SUPPRESS, /* kept out of the RIB */
};

struct damping;

struct damping *damping_new(const struct damping_params *);
void damping_free(struct damping *);
const struct damping_params *damping_params(const struct damping *);

/*
 * An announcement of pfx with attrs (after import policy). Penalised when it
 * changes the attributes of a reachable route. DAMP_SUPPRESS: the route is
 * (or has just become) suppressed; it is kept here, and the caller removes
 * any path it had in the RIB. -1 on allocation failure (treated as pass).
 */
int damping_announce(struct damping *, const struct prefix *, const struct bgp_attrs *,
    uint64_t now_us);
/* A withdrawal (or the session's end, for each route). DAMP_SUPPRESS when suppressed. */
int damping_withdraw(struct damping *, const struct prefix *, uint64_t now_us);
/* damping_withdraw() for every route still reachable: the session went down. */
void damping_withdraw_all(struct damping *, uint64_t now_us);

/*
 * Ends the suppression of every route whose penalty has decayed below
 * reuse; for each one still reachable, reuse(arg, prefix, attrs) puts it
 * back into the RIB. Histories decayed below half the reuse threshold are
 * forgotten (RFC 2439 4.8.6). Returns how many were released.
 */
size_t damping_reuse(struct damping *, uint64_t now_us,
    void (*reuse)(void *arg, const struct prefix *, const struct bgp_attrs *), void *arg);
/* When the next suppressed route becomes reusable (µs); 0: none suppressed. */
uint64_t damping_next_reuse_us(const struct damping *, uint64_t now_us);

/* State of one route, for the routes listing. */
struct damping_info {
	double penalty; /* decayed to now */
	bool suppressed;
	double reuse_s; /* seconds until reusable (suppressed only) */
	bool reachable;
	const struct bgp_attrs *attrs; /* the held route while suppressed and reachable */
};

/* false when there is no history for pfx. */
bool damping_lookup(const struct damping *, const struct prefix *, uint64_t now_us,
    struct damping_info *);
/* Calls fn on every suppressed route (for listing). */
void damping_walk_suppressed(const struct damping *, uint64_t now_us,
    void (*fn)(void *arg, const struct prefix *, const struct damping_info *), void *arg);
size_t damping_count(const struct damping *);	   /* histories */
size_t damping_suppressed(const struct damping *); /* of which suppressed */

#endif
