/*
 * Per-peer import and export policy: prefix lists with length ranges, the
 * actions (set LOCAL_PREF, MED, communities, AS-path prepending) and
 * RFC 8212's default for external sessions (no policy: nothing accepted,
 * nothing sent). The maximum prefix count is enforced by the import
 * pipeline (import.c) with the limit policy_max_prefixes() gives.
 *
 * A policy is either the flat form (a prefix list and one set of actions
 * for everything it accepts) or a rule list ("rules"): each rule a match
 * (every condition given must hold) and an action, the first matching rule
 * decides, and a route no rule matches gets the policy's "default"
 * (reject unless it says "accept"). Matches: prefix (prefix-list entries),
 * origin AS, neighbour AS, AS path length, an AS path pattern (POSIX
 * extended regex over the path as printed, "65511 8075", with "_" for an
 * AS boundary), communities (RFC 1997) and large communities (RFC 8092),
 * next hop, and the peer the policy is applied for. Actions: accept,
 * reject, or set LOCAL_PREF and MED, add and remove communities and large
 * communities, prepend an AS (then accept). Parsed by policy_parse.c.
 */
#ifndef ANYBGP_POLICY_H
#define ANYBGP_POLICY_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgp_attr.h"
#include "bgp_config.h"

/* What one rule requires; a condition not given (has_* false, n* 0) holds. */
struct policy_match {
	struct bgp_prefix_rule *prefixes; /* any of them */
	size_t nprefixes;
	bool has_origin_as;
	uint32_t origin_as; /* rightmost AS of the path; 0: locally originated */
	bool has_neighbor_as;
	uint32_t neighbor_as; /* leftmost AS (RFC 4271 9.1.2.2 c) */
	bool has_len_min;
	unsigned len_min; /* AS path length as the decision process counts it */
	bool has_len_max;
	unsigned len_max;
	bool has_as_path;
	regex_t as_path; /* compiled from as_path_src */
	char *as_path_src;
	uint32_t *communities; /* all of them present */
	size_t ncommunities;
	struct bgp_lcomm *lcomms; /* all of them present */
	size_t nlcomms;
	struct prefix *next_hops; /* any of them contains the next hop */
	size_t nnext_hops;
	struct prefix *peers; /* any of them contains the peer's address */
	size_t npeers;
	bool has_peer_as;
	uint32_t peer_as;
};

/* A rule's action: reject, or accept with these changes. */
struct policy_action {
	bool accept;
	bool set_local_pref;
	uint32_t local_pref;
	bool set_med;
	uint32_t med;
	uint32_t *comm_add;
	size_t ncomm_add;
	uint32_t *comm_del;
	size_t ncomm_del;
	bool comm_del_all; /* "remove_communities": "all" */
	struct bgp_lcomm *lcomm_add;
	size_t nlcomm_add;
	struct bgp_lcomm *lcomm_del;
	size_t nlcomm_del;
	bool lcomm_del_all;
	unsigned prepend;    /* times */
	uint32_t prepend_as; /* 0: the caller's (export: ours, import: the peer's) */
};

struct policy_rule {
	struct policy_match match;
	struct policy_action action;
};

/* Frees what a rule owns (the compiled pattern too). */
void policy_rule_free(struct policy_rule *);

/*
 * "rules" of the policy at path into pol->match_rules (policy_parse.c).
 * 0, or -1 with errors recorded (what was parsed stays for
 * bgp_config_free to release).
 */
struct cfg_errors;
int policy_rules_parse(const cJSON *rules, const char *path, struct bgp_policy *,
    struct cfg_errors *);

/*
 * A prefix-list entry at path: "P/LEN" or { "prefix", "ge", "le" } plus
 * "action" when with_action (policy_parse.c). 0, or -1 with errors recorded.
 */
struct bgp_prefix_rule;
int bgp_prefix_rule_parse(const cJSON *item, const char *path, bool with_action,
    struct bgp_prefix_rule *, struct cfg_errors *);

/* Whether a rule's match holds for a route (pc: the peer it is for). */
bool policy_match(const struct policy_match *, const struct bgp_peer_config *pc,
    const struct prefix *, const struct bgp_attrs *);

/*
 * Applies an accepting action to out (a copy of the route's attributes):
 * 0, or -1 on allocation failure. prepend_as as for policy_apply().
 */
int policy_action_apply(const struct policy_action *, uint32_t prepend_as, struct bgp_attrs *out);

/* Whether the action changes anything. */
bool policy_action_modifies(const struct policy_action *);

enum policy_verdict {
	POLICY_REJECT,
	POLICY_ACCEPT,	 /* attributes unchanged */
	POLICY_MODIFIED, /* accepted, *out holds the changed attributes */
};

enum policy_dir {
	POLICY_IMPORT,
	POLICY_EXPORT,
};

/* Whether a prefix passes the policy's prefix list. */
bool policy_prefix_accepts(const struct bgp_policy *, const struct prefix *);

/*
 * Runs the peer's import or export policy on one route. in: the attributes
 * as received (import) or as about to be sent (export, next hop and own AS
 * already applied). With POLICY_MODIFIED, *out (initialised by the caller
 * with bgp_attrs_init) holds a changed copy the caller clears. prepend_as:
 * the AS prepended by "prepend" (export: ours; import: the peer's).
 */
enum policy_verdict policy_apply(const struct bgp_peer_config *, enum policy_dir, bool ebgp,
    const struct prefix *, const struct bgp_attrs *in, uint32_t prepend_as, struct bgp_attrs *out);

/* Effective import prefix limit: the lower non-zero of the peer's and its policy's. */
uint32_t policy_max_prefixes(const struct bgp_peer_config *);

/*
 * For logs and the peer listing: "all", "none", "POLICY-NAME", or the RFC 8212
 * explanation when an external session has no policy in that direction.
 * Returns whether anything can pass in that direction.
 */
bool policy_describe(const struct bgp_peer_config *, enum policy_dir, bool ebgp, const char **text);

#endif
