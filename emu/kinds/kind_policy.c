/*
 * Refusal of anybgpd's rule lists, damping and max-prefix restart timer by
 * the kinds that render anybgpd's configuration for another daemon (kind
 * bird renders the rule lists itself and refuses only damping here). See
 * kind_policy.h.
 */
#include "kind_policy.h"

int
kind_policy_refuse(const struct bgp_config *cfg, const char *path, const char *kind,
    struct cfg_errors *errs)
{
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	int before = errs->count;

	for (size_t i = 0; i < cfg->npolicies; i++) {
		const struct bgp_policy *pol = &cfg->policies[i];

		if (pol->match_rules == NULL)
			continue;
		jc_path(q, jc_path(p, path, "policies"), pol->name);
		cfg_error(errs, jc_path(p, q, "rules"),
		    "kind %s cannot render anybgpd's policy rules; use \"prefixes\" and the "
		    "flat actions, or kind anybgpd",
		    kind);
	}
	kind_policy_refuse_damping(cfg, path, kind, errs);
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *pc = &cfg->peers[i];

		jc_path_idx(q, jc_path(p, path, "peers"), (int)i);
		if (pc->max_prefixes_restart_s != BGP_DEF_MAX_PREFIXES_RESTART)
			cfg_error(errs, jc_path(p, q, "max_prefixes_restart_s"),
			    "kind %s cannot render anybgpd's restart after the prefix limit; use "
			    "kind anybgpd",
			    kind);
	}
	return errs->count == before ? 0 : -1;
}

int
kind_policy_refuse_damping(const struct bgp_config *cfg, const char *path, const char *kind,
    struct cfg_errors *errs)
{
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	int before = errs->count;

	if (cfg->damping.enabled)
		cfg_error(errs, jc_path(p, path, "damping"),
		    "kind %s cannot render anybgpd's route flap damping; use kind anybgpd", kind);
	for (size_t i = 0; i < cfg->npeers; i++) {
		jc_path_idx(q, jc_path(p, path, "peers"), (int)i);
		if (cfg->peers[i].damping.enabled && !cfg->damping.enabled)
			cfg_error(errs, jc_path(p, q, "damping"),
			    "kind %s cannot render anybgpd's route flap damping; use kind anybgpd",
			    kind);
	}
	/* Not import machinery, but refused by the same kinds, so checked here too. */
	if (cfg->fib.mode != BGP_FIB_HASH)
		cfg_error(errs, jc_path(p, path, "fib"),
		    "kind %s installs plain multipath routes; resilient nexthop groups are "
		    "anybgpd's: use kind anybgpd",
		    kind);
	return errs->count == before ? 0 : -1;
}
