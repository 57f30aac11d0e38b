/*
 * What of anybgpd's import machinery the other BGP kinds (bird, frr, gobgp,
 * openbgpd) do not render: policy rule lists ("rules"; kind bird writes them
 * as BIRD filters and refuses only the forms BIRD cannot match), route flap damping
 * ("damping") and the max-prefix restart timer ("max_prefixes_restart_s");
 * nor resilient nexthop groups ("fib": "resilient", kind_policy_refuse_damping
 * refuses it for all four).
 * Each kind's check refuses them through kind_policy_refuse(), with an error
 * naming the JSON path and the kind, rather than running the daemon with a
 * policy other than the one the topology says.
 */
#ifndef ANYLAB_KIND_POLICY_H
#define ANYLAB_KIND_POLICY_H

#include "bgp_config.h"
#include "jcfg.h"

/* One error per refused key of cfg (the section at path). 0 or -1. */
int kind_policy_refuse(const struct bgp_config *cfg, const char *path, const char *kind,
    struct cfg_errors *);

/* Only the damping keys (kind bird renders the rest itself). 0 or -1. */
int kind_policy_refuse_damping(const struct bgp_config *cfg, const char *path, const char *kind,
    struct cfg_errors *);

#endif
