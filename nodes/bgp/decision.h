/*
 * The decision process of RFC 4271 9.1 for one prefix, with multipath.
 *
 * Eligibility (9.1.2): a path whose AS_PATH holds our own AS, or whose next
 * hop does not resolve through the node's own routes, is not selected.
 * Selection (9.1.2.2), each step keeping the paths that tie:
 *   a. highest LOCAL_PREF (absent: 100),
 *   b. shortest AS_PATH (an AS_SET counts 1),
 *   c. lowest ORIGIN,
 *   d. lowest MED among paths from the same neighbour AS (absent: 0),
 *   e. external (eBGP) over internal (iBGP); local origination counts as
 *      external, and wins over both at step a's level by LOCAL_PREF default,
 *   f. lowest interior cost to the next hop,
 *   -- the multipath set: the paths still tied here that also have an AS_PATH
 *      equal to the best one's (or, with relax_as_path, of equal length),
 *      up to max_paths, the best included --
 *   g. lowest BGP Identifier of the advertising peer,
 *   h. lowest peer address.
 */
#ifndef ANYBGP_DECISION_H
#define ANYBGP_DECISION_H

#include <stdbool.h>
#include <stdint.h>

#include "rib.h"

#define DECISION_DEFAULT_LOCAL_PREF 100

enum decision_step {
	DECISION_LOCAL_PREF,
	DECISION_AS_PATH_LEN,
	DECISION_ORIGIN,
	DECISION_MED,
	DECISION_EBGP,
	DECISION_IGP_COST,
	DECISION_ROUTER_ID,
	DECISION_PEER_ADDR,
	DECISION_STEP_COUNT,
};

struct decision_params {
	uint32_t local_as;
	unsigned max_paths;
	bool relax_as_path;
	bool (*nexthop_ok)(void *arg, const struct ipaddr *, uint32_t *cost);
	void *nexthop_arg;
};

/*
 * Sets RIB_PATH_BEST / RIB_PATH_MULTIPATH and the eligibility of every path
 * of e. Returns true when the best path or the multipath set changed.
 */
bool decision_run(const struct decision_params *, struct rib_entry *);

/* Number of paths in e's multipath set (1 when only a best, 0 when none). */
unsigned decision_npaths(const struct rib_entry *);

const char *decision_step_name(enum decision_step);

#endif
