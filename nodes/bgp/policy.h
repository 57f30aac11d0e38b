/*
 * Per-peer import and export policy: prefix lists with length ranges, the
 * actions (set LOCAL_PREF, MED, communities, AS-path prepending) and
 * RFC 8212's default for external sessions (no policy: nothing accepted,
 * nothing sent). The maximum prefix count is enforced by the session
 * (session.c) with the limit policy_max_prefixes() gives.
 */
#ifndef ANYBGP_POLICY_H
#define ANYBGP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_attr.h"
#include "bgp_config.h"

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
