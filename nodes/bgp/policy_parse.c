/*
 * The "rules" of a policy (docs/anybgpd.md "Policy rules"): the JSON rule
 * list into struct policy_rule (policy.h), every error naming its JSON path.
 * AS path patterns are POSIX extended regular expressions (regcomp) over the
 * path as printed ("65511 8075", sets in braces); "_" stands for an AS
 * boundary (start, end, a space or a brace), as Cisco and FRR write it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "jcfg.h"
#include "policy.h"
#include "xalloc.h"

/*
 * A prefix-list entry: "P/LEN" or { "prefix", "ge", "le" }, and "action"
 * ("accept" or "reject") when with_action: a flat policy's "prefixes" take
 * an action per entry, a rule's match does not (the rule has one).
 */
int
bgp_prefix_rule_parse(const cJSON *item, const char *path, bool with_action,
    struct bgp_prefix_rule *r, struct cfg_errors *e)
{
	static const char *const keys[] = { "prefix", "ge", "le", NULL };
	static const char *const action_keys[] = { "prefix", "ge", "le", "action", NULL };
	char p[CFG_PATH_MAX];
	unsigned bits;
	uint64_t v;
	const char *action;
	int before = e->count;

	r->accept = true;
	if (cJSON_IsString(item)) {
		if (!jc_item_prefix(item, path, false, &r->pfx, e))
			return -1;
		r->ge = r->le = r->pfx.len;
		return 0;
	}
	if (!with_action && !cJSON_IsObject(item)) {
		cfg_error(e, path, "expected a prefix or an object { \"prefix\", \"ge\", \"le\" }");
		return -1;
	}
	if (!jc_check_object(item, path, with_action ? action_keys : keys, e))
		return -1;
	if (jc_prefix(item, "prefix", path, true, false, &r->pfx, e) != 1)
		return -1;
	bits = ipaddr_bits(r->pfx.addr.family);
	r->ge = r->le = r->pfx.len;
	if (jc_uint(item, "ge", path, false, r->pfx.len, bits, &v, e) == 1) {
		r->ge = (uint8_t)v;
		r->le = (uint8_t)bits;
	}
	if (jc_uint(item, "le", path, false, r->pfx.len, bits, &v, e) == 1)
		r->le = (uint8_t)v;
	if (r->ge > r->le)
		cfg_error(e, jc_path(p, path, "le"), "expected le (%u) >= ge (%u)", r->le, r->ge);
	if (with_action && jc_string(item, "action", path, false, &action, e) == 1) {
		if (strcmp(action, "accept") == 0)
			r->accept = true;
		else if (strcmp(action, "reject") == 0)
			r->accept = false;
		else
			cfg_error(e, jc_path(p, path, "action"),
			    "expected \"accept\" or \"reject\", found \"%s\"", action);
	}
	return e->count == before ? 0 : -1;
}

/* An address (a host prefix) or a prefix. */
static void
parse_addr_or_prefix(const cJSON *item, const char *path, struct prefix *out, struct cfg_errors *e)
{
	const char *s;

	if (!jc_item_string(item, path, &s, e))
		return;
	if (strchr(s, '/')) {
		if (prefix_parse(s, out, false) < 0)
			cfg_error(e, path, "expected an address or a prefix, found \"%s\"", s);
		return;
	}
	if (ipaddr_parse(s, &out->addr) < 0) {
		cfg_error(e, path, "expected an address or a prefix, found \"%s\"", s);
		return;
	}
	out->len = (uint8_t)ipaddr_bits(out->addr.family);
}

/* key: one item or an array of them; returns the count (items in *arr or the one). */
static size_t
one_or_many(const cJSON *obj, const char *key, const cJSON **first)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*first = NULL;
	if (v == NULL)
		return 0;
	if (cJSON_IsArray(v)) {
		*first = v->child;
		return (size_t)cJSON_GetArraySize(v);
	}
	*first = v;
	return 1;
}

static const char *
item_path(char *buf, const char *path, const char *key, const cJSON *obj, size_t i)
{
	char p[CFG_PATH_MAX];
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	jc_path(p, path, key);
	if (cJSON_IsArray(v))
		return jc_path_idx(buf, p, (int)i);
	snprintf(buf, CFG_PATH_MAX, "%s", p);
	return buf;
}

static uint32_t *
parse_communities(const cJSON *obj, const char *key, const char *path, size_t *n,
    struct cfg_errors *e)
{
	char q[CFG_PATH_MAX];
	const cJSON *it;
	uint32_t *v;
	size_t i = 0;

	*n = one_or_many(obj, key, &it);
	if (*n == 0)
		return NULL;
	v = xcalloc(*n, sizeof(*v));
	for (; it && i < *n; it = it->next, i++) {
		const char *s;

		item_path(q, path, key, obj, i);
		if (!jc_item_string(it, q, &s, e))
			continue;
		if (bgp_community_parse(s, &v[i]) < 0)
			cfg_error(e, q,
			    "expected a community \"ASN:VALUE\" (each 0-65535) or a well-known "
			    "name (no-export, no-advertise, no-export-subconfed, blackhole, "
			    "graceful-shutdown), found \"%s\"",
			    s);
	}
	return v;
}

static struct bgp_lcomm *
parse_lcomms(const cJSON *obj, const char *key, const char *path, size_t *n, struct cfg_errors *e)
{
	char q[CFG_PATH_MAX];
	const cJSON *it;
	struct bgp_lcomm *v;
	size_t i = 0;

	*n = one_or_many(obj, key, &it);
	if (*n == 0)
		return NULL;
	v = xcalloc(*n, sizeof(*v));
	for (; it && i < *n; it = it->next, i++) {
		const char *s;

		item_path(q, path, key, obj, i);
		if (!jc_item_string(it, q, &s, e))
			continue;
		if (bgp_lcomm_parse(s, &v[i]) < 0)
			cfg_error(e, q,
			    "expected a large community \"GLOBAL:LOCAL1:LOCAL2\" (each "
			    "0-4294967295, RFC 8092), found \"%s\"",
			    s);
	}
	return v;
}

/* "remove_communities": "all" or a list. */
static bool
is_all(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && strcmp(v->valuestring, "all") == 0;
}

/* The pattern with each "_" turned into an AS boundary. */
static char *
as_path_ere(const char *pat)
{
	static const char boundary[] = "(^|$|[] {}()[])";
	size_t n = 1;
	char *out, *o;

	for (const char *s = pat; *s; s++)
		n += *s == '_' ? sizeof(boundary) - 1 : 1;
	out = o = xcalloc(n, 1);
	for (const char *s = pat; *s; s++) {
		if (*s == '_') {
			memcpy(o, boundary, sizeof(boundary) - 1);
			o += sizeof(boundary) - 1;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static void
parse_match(const cJSON *obj, const char *path, struct policy_match *m, struct cfg_errors *e)
{
	static const char *const keys[] = { "prefix", "origin_as", "neighbor_as", "as_path_length",
		"as_path", "communities", "large_communities", "next_hop", "peer", "peer_as",
		NULL };
	static const char *const len_keys[] = { "min", "max", NULL };
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	const cJSON *it, *v;
	const char *s;
	uint64_t u;
	size_t i;

	if (!cJSON_IsObject(obj)) {
		cfg_error(e, path, "expected an object of conditions");
		return;
	}
	if (!jc_check_object(obj, path, keys, e))
		return;
	m->nprefixes = one_or_many(obj, "prefix", &it);
	if (m->nprefixes) {
		m->prefixes = xcalloc(m->nprefixes, sizeof(*m->prefixes));
		for (i = 0; it && i < m->nprefixes; it = it->next, i++)
			bgp_prefix_rule_parse(it, item_path(q, path, "prefix", obj, i), false,
			    &m->prefixes[i], e);
	}
	if (jc_uint(obj, "origin_as", path, false, 0, UINT32_MAX, &u, e) == 1) {
		m->has_origin_as = true;
		m->origin_as = (uint32_t)u;
	}
	if (jc_uint(obj, "neighbor_as", path, false, 0, UINT32_MAX, &u, e) == 1) {
		m->has_neighbor_as = true;
		m->neighbor_as = (uint32_t)u;
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, "as_path_length");
	jc_path(p, path, "as_path_length");
	if (cJSON_IsNumber(v)) {
		if (jc_uint(obj, "as_path_length", path, false, 0, 1000, &u, e) == 1) {
			m->has_len_min = m->has_len_max = true;
			m->len_min = m->len_max = (unsigned)u;
		}
	} else if (cJSON_IsObject(v)) {
		if (jc_check_object(v, p, len_keys, e)) {
			if (jc_uint(v, "min", p, false, 0, 1000, &u, e) == 1) {
				m->has_len_min = true;
				m->len_min = (unsigned)u;
			}
			if (jc_uint(v, "max", p, false, 0, 1000, &u, e) == 1) {
				m->has_len_max = true;
				m->len_max = (unsigned)u;
			}
			if (m->has_len_min && m->has_len_max && m->len_min > m->len_max)
				cfg_error(e, jc_path(q, p, "max"), "expected max (%u) >= min (%u)",
				    m->len_max, m->len_min);
		}
	} else if (v) {
		cfg_error(e, p, "expected a length or an object { \"min\", \"max\" }");
	}
	if (jc_string(obj, "as_path", path, false, &s, e) == 1) {
		char *ere = as_path_ere(s);
		int rc = regcomp(&m->as_path, ere, REG_EXTENDED | REG_NOSUB);

		free(ere);
		if (rc != 0) {
			char msg[128];

			regerror(rc, &m->as_path, msg, sizeof(msg));
			cfg_error(e, jc_path(p, path, "as_path"),
			    "expected a POSIX extended regular expression over the AS path "
			    "(\"_\": an AS boundary), found \"%s\": %s",
			    s, msg);
		} else {
			m->has_as_path = true;
			m->as_path_src = xstrdup(s);
		}
	}
	m->communities = parse_communities(obj, "communities", path, &m->ncommunities, e);
	m->lcomms = parse_lcomms(obj, "large_communities", path, &m->nlcomms, e);
	m->nnext_hops = one_or_many(obj, "next_hop", &it);
	if (m->nnext_hops) {
		m->next_hops = xcalloc(m->nnext_hops, sizeof(*m->next_hops));
		for (i = 0; it && i < m->nnext_hops; it = it->next, i++)
			parse_addr_or_prefix(it, item_path(q, path, "next_hop", obj, i),
			    &m->next_hops[i], e);
	}
	m->npeers = one_or_many(obj, "peer", &it);
	if (m->npeers) {
		m->peers = xcalloc(m->npeers, sizeof(*m->peers));
		for (i = 0; it && i < m->npeers; it = it->next, i++)
			parse_addr_or_prefix(it, item_path(q, path, "peer", obj, i), &m->peers[i],
			    e);
	}
	if (jc_uint(obj, "peer_as", path, false, 1, UINT32_MAX, &u, e) == 1) {
		m->has_peer_as = true;
		m->peer_as = (uint32_t)u;
	}
}

static void
parse_action(const cJSON *obj, const char *path, struct policy_action *a, struct cfg_errors *e)
{
	static const char *const keys[] = { "local_pref", "med", "add_communities",
		"remove_communities", "add_large_communities", "remove_large_communities",
		"prepend", NULL };
	static const char *const prepend_keys[] = { "count", "asn", NULL };
	char p[CFG_PATH_MAX];
	const cJSON *v;
	uint64_t u;

	if (cJSON_IsString(obj)) {
		if (strcmp(obj->valuestring, "accept") == 0)
			a->accept = true;
		else if (strcmp(obj->valuestring, "reject") != 0)
			cfg_error(e, path,
			    "expected \"accept\", \"reject\" or an object of changes, found \"%s\"",
			    obj->valuestring);
		return;
	}
	if (!cJSON_IsObject(obj)) {
		cfg_error(e, path, "expected \"accept\", \"reject\" or an object of changes");
		return;
	}
	a->accept = true;
	if (!jc_check_object(obj, path, keys, e))
		return;
	if (jc_uint(obj, "local_pref", path, false, 0, UINT32_MAX, &u, e) == 1) {
		a->set_local_pref = true;
		a->local_pref = (uint32_t)u;
	}
	if (jc_uint(obj, "med", path, false, 0, UINT32_MAX, &u, e) == 1) {
		a->set_med = true;
		a->med = (uint32_t)u;
	}
	a->comm_add = parse_communities(obj, "add_communities", path, &a->ncomm_add, e);
	if (is_all(obj, "remove_communities"))
		a->comm_del_all = true;
	else
		a->comm_del = parse_communities(obj, "remove_communities", path, &a->ncomm_del, e);
	a->lcomm_add = parse_lcomms(obj, "add_large_communities", path, &a->nlcomm_add, e);
	if (is_all(obj, "remove_large_communities"))
		a->lcomm_del_all = true;
	else
		a->lcomm_del = parse_lcomms(obj, "remove_large_communities", path, &a->nlcomm_del,
		    e);
	v = cJSON_GetObjectItemCaseSensitive(obj, "prepend");
	jc_path(p, path, "prepend");
	if (cJSON_IsNumber(v)) {
		if (jc_uint(obj, "prepend", path, false, 1, 16, &u, e) == 1)
			a->prepend = (unsigned)u;
	} else if (cJSON_IsObject(v)) {
		if (jc_check_object(v, p, prepend_keys, e)) {
			a->prepend = 1;
			if (jc_uint(v, "count", p, false, 1, 16, &u, e) == 1)
				a->prepend = (unsigned)u;
			if (jc_uint(v, "asn", p, false, 1, UINT32_MAX, &u, e) == 1)
				a->prepend_as = (uint32_t)u;
		}
	} else if (v) {
		cfg_error(e, p, "expected a count (1-16) or an object { \"count\", \"asn\" }");
	}
}

int
policy_rules_parse(const cJSON *rules, const char *path, struct bgp_policy *pol,
    struct cfg_errors *e)
{
	static const char *const keys[] = { "match", "action", NULL };
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	int before = e->count, i = 0;

	if (!cJSON_IsArray(rules)) {
		cfg_error(e, path, "expected an array of rules { \"match\", \"action\" }");
		return -1;
	}
	pol->nmatch_rules = (size_t)cJSON_GetArraySize(rules);
	pol->match_rules = xcalloc(pol->nmatch_rules, sizeof(*pol->match_rules));
	for (const cJSON *it = rules->child; it; it = it->next, i++) {
		struct policy_rule *r = &pol->match_rules[i];
		const cJSON *m, *a;

		jc_path_idx(p, path, i);
		if (!cJSON_IsObject(it)) {
			cfg_error(e, p, "expected a rule { \"match\", \"action\" }");
			continue;
		}
		if (!jc_check_object(it, p, keys, e))
			continue;
		m = cJSON_GetObjectItemCaseSensitive(it, "match");
		if (m)
			parse_match(m, jc_path(q, p, "match"), &r->match, e);
		a = cJSON_GetObjectItemCaseSensitive(it, "action");
		if (a == NULL)
			cfg_error(e, jc_path(q, p, "action"),
			    "expected \"accept\", \"reject\" or an object of changes");
		else
			parse_action(a, jc_path(q, p, "action"), &r->action, e);
	}
	return e->count == before ? 0 : -1;
}
