/*
 * Policy engine: prefix lists with ge/le ranges, attribute actions, and the
 * RFC 8212 default (an external session with no import/export policy
 * accepts and advertises nothing). See policy.h.
 */
#include <string.h>

#include "policy.h"

static const char rfc8212_import[] =
    "RFC 8212: no import policy on an external session, nothing accepted";
static const char rfc8212_export[] =
    "RFC 8212: no export policy on an external session, nothing advertised";

static bool
rule_matches(const struct bgp_prefix_rule *r, const struct prefix *p)
{
	if (r->pfx.addr.family != p->addr.family)
		return false;
	if (p->len < r->ge || p->len > r->le || p->len < r->pfx.len)
		return false;
	return prefix_contains(&r->pfx, &p->addr);
}

bool
policy_prefix_accepts(const struct bgp_policy *pol, const struct prefix *p)
{
	for (size_t i = 0; i < pol->nrules; i++)
		if (rule_matches(&pol->rules[i], p))
			return pol->rules[i].accept;
	return pol->default_accept;
}

static bool
has_actions(const struct bgp_policy *pol)
{
	return pol->set_local_pref || pol->set_med || pol->ncommunities ||
	    pol->communities_replace || pol->prepend;
}

enum policy_verdict
policy_apply(const struct bgp_peer_config *pc, enum policy_dir dir, bool ebgp,
    const struct prefix *pfx, const struct bgp_attrs *in, uint32_t prepend_as,
    struct bgp_attrs *out)
{
	enum bgp_policy_ref ref = dir == POLICY_IMPORT ? pc->import_ref : pc->export_ref;
	const struct bgp_policy *pol = dir == POLICY_IMPORT ? pc->import : pc->export;

	switch (ref) {
	case BGP_POLICY_UNSET:
		return ebgp ? POLICY_REJECT : POLICY_ACCEPT;
	case BGP_POLICY_NONE:
		return POLICY_REJECT;
	case BGP_POLICY_ALL:
		return POLICY_ACCEPT;
	case BGP_POLICY_NAMED:
		break;
	}
	if (pol == NULL || !policy_prefix_accepts(pol, pfx))
		return POLICY_REJECT;
	if (!has_actions(pol))
		return POLICY_ACCEPT;
	if (bgp_attrs_copy(out, in) < 0)
		return POLICY_REJECT;
	if (pol->set_local_pref) {
		out->local_pref = pol->local_pref;
		out->present |= BGP_ATTRS_LOCAL_PREF;
	}
	if (pol->set_med) {
		out->med = pol->med;
		out->present |= BGP_ATTRS_MED;
	}
	if (pol->communities_replace)
		bgp_attrs_communities_clear(out);
	for (size_t i = 0; i < pol->ncommunities; i++)
		if (bgp_attrs_community_add(out, pol->communities[i]) < 0)
			goto fail;
	if (pol->prepend && prepend_as && bgp_attrs_prepend(out, prepend_as, pol->prepend) < 0)
		goto fail;
	return POLICY_MODIFIED;
fail:
	bgp_attrs_clear(out);
	return POLICY_REJECT;
}

uint32_t
policy_max_prefixes(const struct bgp_peer_config *pc)
{
	uint32_t a = pc->max_prefixes;
	uint32_t b = pc->import_ref == BGP_POLICY_NAMED && pc->import ? pc->import->max_prefixes :
									0;

	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

bool
policy_describe(const struct bgp_peer_config *pc, enum policy_dir dir, bool ebgp, const char **text)
{
	enum bgp_policy_ref ref = dir == POLICY_IMPORT ? pc->import_ref : pc->export_ref;
	const struct bgp_policy *pol = dir == POLICY_IMPORT ? pc->import : pc->export;

	switch (ref) {
	case BGP_POLICY_UNSET:
		if (ebgp) {
			*text = dir == POLICY_IMPORT ? rfc8212_import : rfc8212_export;
			return false;
		}
		*text = "all (internal session, no policy)";
		return true;
	case BGP_POLICY_NONE:
		*text = "none";
		return false;
	case BGP_POLICY_ALL:
		*text = "all";
		return true;
	case BGP_POLICY_NAMED:
		*text = pol ? pol->name : "?";
		return true;
	}
	*text = "?";
	return false;
}
