/*
 * Policy engine: prefix lists with ge/le ranges, rule lists (matches on
 * prefix, AS path, RFC 1997 communities, RFC 8092 large communities, next
 * hop and peer; first match wins), attribute actions, and the RFC 8212
 * default (an external session with no import/export policy accepts and
 * advertises nothing). See policy.h.
 */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "strbuf.h"

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

void
policy_rule_free(struct policy_rule *r)
{
	struct policy_match *m = &r->match;
	struct policy_action *a = &r->action;

	free(m->prefixes);
	if (m->has_as_path)
		regfree(&m->as_path);
	free(m->as_path_src);
	free(m->communities);
	free(m->lcomms);
	free(m->next_hops);
	free(m->peers);
	free(a->comm_add);
	free(a->comm_del);
	free(a->lcomm_add);
	free(a->lcomm_del);
	memset(r, 0, sizeof(*r));
}

static bool
any_prefix_contains(const struct prefix *list, size_t n, const struct ipaddr *a)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].addr.family == a->family && prefix_contains(&list[i], a))
			return true;
	return false;
}

static bool
as_path_matches(const struct policy_match *m, const struct bgp_attrs *a)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok;

	bgp_aspath_print(&sb, a->aspath);
	ok = regexec(&m->as_path, sb_str(&sb), 0, NULL, 0) == 0;
	sb_free(&sb);
	return ok;
}

bool
policy_match(const struct policy_match *m, const struct bgp_peer_config *pc,
    const struct prefix *pfx, const struct bgp_attrs *a)
{
	size_t i;

	if (m->nprefixes) {
		for (i = 0; i < m->nprefixes && !rule_matches(&m->prefixes[i], pfx); i++)
			;
		if (i == m->nprefixes)
			return false;
	}
	if (m->has_origin_as && bgp_aspath_origin_as(a->aspath) != m->origin_as)
		return false;
	if (m->has_neighbor_as && bgp_aspath_first_as(a->aspath) != m->neighbor_as)
		return false;
	if (m->has_len_min && bgp_aspath_length(a->aspath) < m->len_min)
		return false;
	if (m->has_len_max && bgp_aspath_length(a->aspath) > m->len_max)
		return false;
	for (i = 0; i < m->ncommunities; i++)
		if (!bgp_attrs_community_has(a, m->communities[i]))
			return false;
	for (i = 0; i < m->nlcomms; i++)
		if (!bgp_attrs_lcommunity_has(a, &m->lcomms[i]))
			return false;
	if (m->nnext_hops && !any_prefix_contains(m->next_hops, m->nnext_hops, &a->nexthop))
		return false;
	if (m->npeers && !any_prefix_contains(m->peers, m->npeers, &pc->addr))
		return false;
	if (m->has_peer_as && pc->asn != m->peer_as)
		return false;
	if (m->has_as_path && !as_path_matches(m, a))
		return false;
	return true;
}

bool
policy_action_modifies(const struct policy_action *a)
{
	return a->accept &&
	    (a->set_local_pref || a->set_med || a->ncomm_add || a->ncomm_del || a->comm_del_all ||
		a->nlcomm_add || a->nlcomm_del || a->lcomm_del_all || a->prepend);
}

int
policy_action_apply(const struct policy_action *act, uint32_t prepend_as, struct bgp_attrs *out)
{
	size_t i;
	uint32_t as = act->prepend_as ? act->prepend_as : prepend_as;

	if (act->set_local_pref) {
		out->local_pref = act->local_pref;
		out->present |= BGP_ATTRS_LOCAL_PREF;
	}
	if (act->set_med) {
		out->med = act->med;
		out->present |= BGP_ATTRS_MED;
	}
	/* Removals first, so that a rule may replace ("remove all, add X"). */
	if (act->comm_del_all)
		bgp_attrs_communities_clear(out);
	for (i = 0; i < act->ncomm_del; i++)
		bgp_attrs_community_del(out, act->comm_del[i]);
	for (i = 0; i < act->ncomm_add; i++)
		if (bgp_attrs_community_add(out, act->comm_add[i]) < 0)
			return -1;
	if (act->lcomm_del_all)
		bgp_attrs_lcommunities_clear(out);
	for (i = 0; i < act->nlcomm_del; i++)
		bgp_attrs_lcommunity_del(out, &act->lcomm_del[i]);
	for (i = 0; i < act->nlcomm_add; i++)
		if (bgp_attrs_lcommunity_add(out, &act->lcomm_add[i]) < 0)
			return -1;
	if (act->prepend && as && bgp_attrs_prepend(out, as, act->prepend) < 0)
		return -1;
	return 0;
}

/* The rule list: the first rule whose match holds decides. */
static enum policy_verdict
rules_apply(const struct bgp_policy *pol, const struct bgp_peer_config *pc,
    const struct prefix *pfx, const struct bgp_attrs *in, uint32_t prepend_as,
    struct bgp_attrs *out)
{
	for (size_t i = 0; i < pol->nmatch_rules; i++) {
		const struct policy_rule *r = &pol->match_rules[i];

		if (!policy_match(&r->match, pc, pfx, in))
			continue;
		if (!r->action.accept)
			return POLICY_REJECT;
		if (!policy_action_modifies(&r->action))
			return POLICY_ACCEPT;
		if (bgp_attrs_copy(out, in) < 0)
			return POLICY_REJECT;
		if (policy_action_apply(&r->action, prepend_as, out) < 0) {
			bgp_attrs_clear(out);
			return POLICY_REJECT;
		}
		return POLICY_MODIFIED;
	}
	return pol->default_accept ? POLICY_ACCEPT : POLICY_REJECT;
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
	if (pol == NULL)
		return POLICY_REJECT;
	if (pol->match_rules)
		return rules_apply(pol, pc, pfx, in, prepend_as, out);
	if (!policy_prefix_accepts(pol, pfx))
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
