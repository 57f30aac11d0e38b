/*
 * anybgpd configuration parser: the JSON "bgp" section into struct bgp_config.
 * Every error names the JSON path and what was expected; a config with any
 * error yields nothing (bgp_config_free is run on the partial result).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp_attr.h"
#include "bgp_config.h"
#include "damping.h"
#include "health.h"
#include "policy.h"
#include "xalloc.h"

static int parse_policy(const cJSON *, const char *, struct bgp_policy *, struct cfg_errors *);
static int parse_peer(const cJSON *, const char *, const struct bgp_config *,
    struct bgp_peer_config *, struct cfg_errors *);
static int parse_policy_ref(const cJSON *, const char *, const char *, const struct bgp_config *,
    enum bgp_policy_ref *, const struct bgp_policy **, struct cfg_errors *);
static void policy_free(struct bgp_policy *);

static const char *const policy_ref_names[] = {
	[BGP_POLICY_UNSET] = "unset (RFC 8212 default)",
	[BGP_POLICY_ALL] = "all",
	[BGP_POLICY_NONE] = "none",
	[BGP_POLICY_NAMED] = "named",
};

const char *
bgp_policy_ref_name(enum bgp_policy_ref r)
{
	return r <= BGP_POLICY_NAMED ? policy_ref_names[r] : "?";
}

static const char *const fib_mode_names[BGP_FIB_MODE_COUNT] = {
	[BGP_FIB_HASH] = "hash",
	[BGP_FIB_RESILIENT] = "resilient",
};

const char *
bgp_fib_mode_name(enum bgp_fib_mode m)
{
	return m < BGP_FIB_MODE_COUNT ? fib_mode_names[m] : "?";
}

/* A mode's name at path into *m; false (with the error recorded) when unknown. */
static bool
fib_mode_parse(const char *s, const char *path, enum bgp_fib_mode *m, struct cfg_errors *e)
{
	for (int i = 0; i < BGP_FIB_MODE_COUNT; i++)
		if (strcmp(s, fib_mode_names[i]) == 0) {
			*m = (enum bgp_fib_mode)i;
			return true;
		}
	cfg_error(e, path, "expected \"hash\" or \"resilient\", found \"%s\"", s);
	return false;
}

/*
 * "fib": "hash" or "resilient", or an object {"multipath": mode, "buckets",
 * "idle_timer", "unbalanced_timer"} over the defaults in *f.
 */
static void
parse_fib(const cJSON *parent, const char *path, struct bgp_fib_config *f, struct cfg_errors *e)
{
	static const char *const keys[] = { "multipath", "buckets", "idle_timer",
		"unbalanced_timer", NULL };
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(parent, "fib");
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	const char *s;
	uint64_t v;

	if (obj == NULL)
		return;
	jc_path(p, path, "fib");
	if (cJSON_IsString(obj)) {
		fib_mode_parse(obj->valuestring, p, &f->mode, e);
		return;
	}
	if (!cJSON_IsObject(obj)) {
		cfg_error(e, p, "expected \"hash\", \"resilient\" or an object");
		return;
	}
	if (!jc_check_object(obj, p, keys, e))
		return;
	if (jc_string(obj, "multipath", p, false, &s, e) == 1)
		fib_mode_parse(s, jc_path(q, p, "multipath"), &f->mode, e);
	if (jc_uint(obj, "buckets", p, false, 1, 65535, &v, e) == 1)
		f->buckets = (uint16_t)v;
	if (jc_uint(obj, "idle_timer", p, false, 1, BGP_MAX_FIB_TIMER, &v, e) == 1)
		f->idle_timer_s = (uint32_t)v;
	if (jc_uint(obj, "unbalanced_timer", p, false, 0, BGP_MAX_FIB_TIMER, &v, e) == 1)
		f->unbalanced_timer_s = (uint32_t)v;
	if (f->unbalanced_timer_s && f->unbalanced_timer_s < f->idle_timer_s)
		cfg_error(e, jc_path(q, p, "unbalanced_timer"),
		    "expected 0 or at least idle_timer (%u), found %u", f->idle_timer_s,
		    f->unbalanced_timer_s);
}

static int
parse_policy(const cJSON *obj, const char *path, struct bgp_policy *pol, struct cfg_errors *e)
{
	static const char *const keys[] = { "prefixes", "default", "local_pref", "med",
		"communities", "communities_replace", "prepend", "max_prefixes", "rules", NULL };
	static const char *const flat_keys[] = { "prefixes", "local_pref", "med", "communities",
		"communities_replace", "prepend", NULL };
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	const cJSON *arr, *rules;
	const char *def;
	uint64_t v;
	int before = e->count, i;

	pol->name = xstrdup(obj->string);
	if (!jc_check_object(obj, path, keys, e))
		return -1;
	pol->default_accept = true;
	rules = cJSON_GetObjectItemCaseSensitive(obj, "rules");
	if (rules) {
		/* A rule list: first match wins, else "default" (reject). */
		pol->default_accept = false;
		policy_rules_parse(rules, jc_path(p, path, "rules"), pol, e);
		for (i = 0; flat_keys[i]; i++)
			if (cJSON_GetObjectItemCaseSensitive(obj, flat_keys[i]))
				cfg_error(e, jc_path(p, path, flat_keys[i]),
				    "expected either \"rules\" or \"%s\" in one policy (a rule's "
				    "\"match\" and \"action\" say the same)",
				    flat_keys[i]);
	}
	if (jc_typed(obj, "prefixes", path, false, cJSON_Array, &arr, e) == 1) {
		pol->default_accept = false;
		pol->nrules = (size_t)cJSON_GetArraySize(arr);
		pol->rules = xcalloc(pol->nrules, sizeof(*pol->rules));
		i = 0;
		for (const cJSON *it = arr->child; it; it = it->next, i++)
			bgp_prefix_rule_parse(it, jc_path_idx(q, jc_path(p, path, "prefixes"), i),
			    true, &pol->rules[i], e);
	}
	if (jc_string(obj, "default", path, false, &def, e) == 1) {
		if (strcmp(def, "accept") == 0)
			pol->default_accept = true;
		else if (strcmp(def, "reject") == 0)
			pol->default_accept = false;
		else
			cfg_error(e, jc_path(p, path, "default"),
			    "expected \"accept\" or \"reject\", found \"%s\"", def);
	}
	if (jc_uint(obj, "local_pref", path, false, 0, UINT32_MAX, &v, e) == 1) {
		pol->set_local_pref = true;
		pol->local_pref = (uint32_t)v;
	}
	if (jc_uint(obj, "med", path, false, 0, UINT32_MAX, &v, e) == 1) {
		pol->set_med = true;
		pol->med = (uint32_t)v;
	}
	if (jc_typed(obj, "communities", path, false, cJSON_Array, &arr, e) == 1) {
		pol->ncommunities = (size_t)cJSON_GetArraySize(arr);
		pol->communities = xcalloc(pol->ncommunities, sizeof(uint32_t));
		i = 0;
		for (const cJSON *it = arr->child; it; it = it->next, i++) {
			const char *s;

			jc_path_idx(q, jc_path(p, path, "communities"), i);
			if (!jc_item_string(it, q, &s, e))
				continue;
			if (bgp_community_parse(s, &pol->communities[i]) < 0)
				cfg_error(e, q,
				    "expected a community \"ASN:VALUE\" (each 0-65535) "
				    "or no-export/no-advertise, found \"%s\"",
				    s);
		}
	}
	jc_bool(obj, "communities_replace", path, false, &pol->communities_replace, e);
	if (jc_uint(obj, "prepend", path, false, 0, 16, &v, e) == 1)
		pol->prepend = (unsigned)v;
	if (jc_uint(obj, "max_prefixes", path, false, 0, UINT32_MAX, &v, e) == 1)
		pol->max_prefixes = (uint32_t)v;
	return e->count == before ? 0 : -1;
}

static int
parse_policy_ref(const cJSON *obj, const char *key, const char *path, const struct bgp_config *cfg,
    enum bgp_policy_ref *ref, const struct bgp_policy **pol, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const char *s;
	int r;

	*ref = BGP_POLICY_UNSET;
	*pol = NULL;
	r = jc_string(obj, key, path, false, &s, e);
	if (r != 1)
		return r;
	if (strcmp(s, "all") == 0) {
		*ref = BGP_POLICY_ALL;
		return 1;
	}
	if (strcmp(s, "none") == 0) {
		*ref = BGP_POLICY_NONE;
		return 1;
	}
	for (size_t i = 0; i < cfg->npolicies; i++)
		if (strcmp(cfg->policies[i].name, s) == 0) {
			*ref = BGP_POLICY_NAMED;
			*pol = &cfg->policies[i];
			return 1;
		}
	cfg_error(e, jc_path(p, path, key),
	    "expected \"all\", \"none\" or the name of a policy in \"policies\", found \"%s\"", s);
	return -1;
}

/* "bfd": true, false, or an object of timers over the defaults in *b. */
static void
parse_bfd(const cJSON *parent, const char *path, bool allow_bool, struct bgp_bfd_config *b,
    struct cfg_errors *e)
{
	static const char *const keys[] = { "interval_ms", "min_tx_ms", "min_rx_ms", "multiplier",
		"strict", NULL };
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(parent, "bfd");
	char p[CFG_PATH_MAX];
	uint64_t v;

	if (obj == NULL)
		return;
	jc_path(p, path, "bfd");
	if (allow_bool && cJSON_IsBool(obj)) {
		b->enabled = cJSON_IsTrue(obj);
		return;
	}
	if (!cJSON_IsObject(obj)) {
		cfg_error(e, p,
		    allow_bool ? "expected true, false or an object of BFD timers" :
				 "expected an object of BFD timers");
		return;
	}
	if (!jc_check_object(obj, p, keys, e))
		return;
	b->enabled = true;
	if (jc_uint(obj, "interval_ms", p, false, 1, 60000, &v, e) == 1)
		b->min_tx_ms = b->min_rx_ms = (uint32_t)v;
	if (jc_uint(obj, "min_tx_ms", p, false, 1, 60000, &v, e) == 1)
		b->min_tx_ms = (uint32_t)v;
	if (jc_uint(obj, "min_rx_ms", p, false, 1, 60000, &v, e) == 1)
		b->min_rx_ms = (uint32_t)v;
	if (jc_uint(obj, "multiplier", p, false, 1, 255, &v, e) == 1)
		b->multiplier = (uint8_t)v;
	jc_bool(obj, "strict", p, false, &b->strict, e);
}

/*
 * "damping": true (the RFC 7196 defaults, or the top level's values for a
 * peer), false, or an object of parameters over *dc's.
 */
static void
parse_damping(const cJSON *parent, const char *path, struct bgp_damping_config *dc,
    struct cfg_errors *e)
{
	static const char *const keys[] = { "suppress", "reuse", "half_life_s", "max_suppress_s",
		"withdrawal_penalty", "attribute_change_penalty", NULL };
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(parent, "damping");
	struct damping_params dp;
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	uint64_t v;

	if (obj == NULL)
		return;
	jc_path(p, path, "damping");
	if (cJSON_IsBool(obj)) {
		dc->enabled = cJSON_IsTrue(obj);
		return;
	}
	if (!cJSON_IsObject(obj)) {
		cfg_error(e, p, "expected true, false or an object of damping parameters");
		return;
	}
	if (!jc_check_object(obj, p, keys, e))
		return;
	dc->enabled = true;
	if (jc_uint(obj, "suppress", p, false, 1, 1000000, &v, e) == 1)
		dc->suppress = (uint32_t)v;
	if (jc_uint(obj, "reuse", p, false, 1, 1000000, &v, e) == 1)
		dc->reuse = (uint32_t)v;
	if (jc_uint(obj, "half_life_s", p, false, 1, 86400, &v, e) == 1)
		dc->half_life_s = (uint32_t)v;
	if (jc_uint(obj, "max_suppress_s", p, false, 1, 86400, &v, e) == 1)
		dc->max_suppress_s = (uint32_t)v;
	if (jc_uint(obj, "withdrawal_penalty", p, false, 0, 1000000, &v, e) == 1)
		dc->withdraw_penalty = (uint32_t)v;
	if (jc_uint(obj, "attribute_change_penalty", p, false, 0, 1000000, &v, e) == 1)
		dc->change_penalty = (uint32_t)v;
	if (dc->reuse >= dc->suppress)
		cfg_error(e, jc_path(q, p, "reuse"), "expected reuse (%u) below suppress (%u)",
		    dc->reuse, dc->suppress);
	if (dc->max_suppress_s < dc->half_life_s)
		cfg_error(e, jc_path(q, p, "max_suppress_s"),
		    "expected max_suppress_s (%u) of at least half_life_s (%u)", dc->max_suppress_s,
		    dc->half_life_s);
	dp.suppress = dc->suppress;
	dp.reuse = dc->reuse;
	dp.half_life_s = dc->half_life_s;
	dp.max_suppress_s = dc->max_suppress_s;
	if (dc->reuse < dc->suppress && damping_ceiling(&dp) <= dc->suppress)
		cfg_error(e, jc_path(q, p, "suppress"),
		    "expected suppress (%u) below the penalty ceiling reuse * 2^(max_suppress_s / "
		    "half_life_s) = %.0f, or no route could ever be suppressed",
		    dc->suppress, damping_ceiling(&dp));
}

static int
parse_peer(const cJSON *obj, const char *path, const struct bgp_config *cfg,
    struct bgp_peer_config *pc, struct cfg_errors *e)
{
	static const char *const keys[] = { "address", "asn", "port", "passive", "hold_time",
		"keepalive", "connect_retry", "local_address", "next_hop_ipv4", "next_hop_ipv6",
		"families", "import", "export", "max_prefixes", "description", "password", "bfd",
		"ttl_security", "route_server_client", "enforce_first_as", "next_hop_self",
		"max_prefixes_restart_s", "damping", NULL };
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	const cJSON *arr;
	const char *s;
	uint64_t v;
	int before = e->count, r;

	if (!jc_check_object(obj, path, keys, e))
		return -1;
	pc->bfd = cfg->bfd;
	parse_bfd(obj, path, true, &pc->bfd, e);
	jc_ipaddr(obj, "address", path, true, 0, &pc->addr, e);
	if (jc_uint(obj, "asn", path, true, 1, UINT32_MAX, &v, e) == 1)
		pc->asn = (uint32_t)v;
	pc->port = cfg->port;
	if (jc_uint(obj, "port", path, false, 1, 65535, &v, e) == 1)
		pc->port = (uint16_t)v;
	jc_bool(obj, "passive", path, false, &pc->passive, e);
	pc->hold_time = cfg->hold_time;
	r = jc_uint(obj, "hold_time", path, false, 0, 65535, &v, e);
	if (r == 1) {
		if (v == 1 || v == 2)
			cfg_error(e, jc_path(p, path, "hold_time"),
			    "expected 0 or a hold time of at least 3 seconds, found %llu",
			    (unsigned long long)v);
		pc->hold_time = (unsigned)v;
	}
	pc->keepalive = r == 1 ? pc->hold_time / 3 : cfg->keepalive;
	if (jc_uint(obj, "keepalive", path, false, 0, 21845, &v, e) == 1) {
		pc->keepalive = (unsigned)v;
		if (pc->hold_time && (v == 0 || v >= pc->hold_time))
			cfg_error(e, jc_path(p, path, "keepalive"),
			    "expected from 1 to less than hold_time (%u), found %llu",
			    pc->hold_time, (unsigned long long)v);
	}
	pc->connect_retry = cfg->connect_retry;
	if (jc_uint(obj, "connect_retry", path, false, 1, 65535, &v, e) == 1)
		pc->connect_retry = (unsigned)v;
	jc_ipaddr(obj, "local_address", path, false, 0, &pc->local_addr, e);
	if (pc->local_addr.family && pc->addr.family && pc->local_addr.family != pc->addr.family)
		cfg_error(e, jc_path(p, path, "local_address"),
		    "expected an address of the same family as \"address\"");
	jc_ipaddr(obj, "next_hop_ipv4", path, false, AF_INET, &pc->next_hop_v4, e);
	jc_ipaddr(obj, "next_hop_ipv6", path, false, AF_INET6, &pc->next_hop_v6, e);
	pc->ipv4 = pc->ipv6 = true;
	if (jc_typed(obj, "families", path, false, cJSON_Array, &arr, e) == 1) {
		int i = 0;

		pc->ipv4 = pc->ipv6 = false;
		for (const cJSON *it = arr->child; it; it = it->next, i++) {
			jc_path_idx(q, jc_path(p, path, "families"), i);
			if (!jc_item_string(it, q, &s, e))
				continue;
			if (strcmp(s, "ipv4") == 0)
				pc->ipv4 = true;
			else if (strcmp(s, "ipv6") == 0)
				pc->ipv6 = true;
			else
				cfg_error(e, q, "expected \"ipv4\" or \"ipv6\", found \"%s\"", s);
		}
		if (!pc->ipv4 && !pc->ipv6)
			cfg_error(e, jc_path(p, path, "families"),
			    "expected at least one of \"ipv4\", \"ipv6\"");
	}
	parse_policy_ref(obj, "import", path, cfg, &pc->import_ref, &pc->import, e);
	parse_policy_ref(obj, "export", path, cfg, &pc->export_ref, &pc->export, e);
	if (jc_uint(obj, "max_prefixes", path, false, 0, UINT32_MAX, &v, e) == 1)
		pc->max_prefixes = (uint32_t)v;
	pc->max_prefixes_restart_s = cfg->max_prefixes_restart_s;
	if (jc_uint(obj, "max_prefixes_restart_s", path, false, 0, 86400, &v, e) == 1)
		pc->max_prefixes_restart_s = (unsigned)v;
	pc->damping = cfg->damping;
	parse_damping(obj, path, &pc->damping, e);
	if (jc_string(obj, "description", path, false, &s, e) == 1)
		pc->description = xstrdup(s);
	if (jc_string(obj, "password", path, false, &s, e) == 1) {
		if (s[0] == '\0' || strlen(s) > 80)
			cfg_error(e, jc_path(p, path, "password"),
			    "expected a TCP MD5 key of 1 to 80 characters");
		else
			pc->password = xstrdup(s);
	}
	pc->ttl_security = cfg->ttl_security;
	jc_bool(obj, "ttl_security", path, false, &pc->ttl_security, e);
	jc_bool(obj, "route_server_client", path, false, &pc->route_server_client, e);
	jc_bool(obj, "next_hop_self", path, false, &pc->next_hop_self, e);
	pc->enforce_first_as = true;
	jc_bool(obj, "enforce_first_as", path, false, &pc->enforce_first_as, e);
	return e->count == before ? 0 : -1;
}

int
bgp_config_parse(const cJSON *sec, const char *path, struct bgp_config *cfg, struct cfg_errors *e)
{
	static const char *const keys[] = { "asn", "router_id", "listen", "port", "listen_ipv4",
		"listen_ipv6", "hold_time", "keepalive", "connect_retry", "multipath", "originate",
		"kernel", "policies", "peers", "bfd", "health", "graceful_shutdown", "shutdown",
		"ttl_security", "damping", "max_prefixes_restart_s", "fib", NULL };
	static const char *const mp_keys[] = { "max_paths", "relax_as_path", NULL };
	static const char *const sd_keys[] = { "delay_ms", "message", NULL };
	static const char *const k_keys[] = { "table", "protocol", "install", NULL };
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	const cJSON *obj, *arr;
	uint64_t v;
	int before = e->count, i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = true;
	cfg->port = BGP_DEF_PORT;
	cfg->hold_time = BGP_DEF_HOLD;
	cfg->keepalive = BGP_DEF_HOLD / 3;
	cfg->connect_retry = BGP_DEF_CONNECT_RETRY;
	cfg->max_paths = 1;
	cfg->kernel_table = BGP_DEF_TABLE;
	cfg->kernel_protocol = BGP_DEF_PROTOCOL;
	cfg->kernel_install = true;
	cfg->fib.mode = BGP_FIB_HASH;
	cfg->fib.buckets = BGP_DEF_FIB_BUCKETS;
	cfg->fib.idle_timer_s = BGP_DEF_FIB_IDLE_TIMER;
	cfg->fib.unbalanced_timer_s = BGP_DEF_FIB_UNBALANCED_TIMER;
	cfg->bfd.min_tx_ms = cfg->bfd.min_rx_ms = BGP_DEF_BFD_INTERVAL_MS;
	cfg->bfd.multiplier = BGP_DEF_BFD_MULTIPLIER;
	cfg->honour_graceful_shutdown = true;
	cfg->max_prefixes_restart_s = BGP_DEF_MAX_PREFIXES_RESTART;
	cfg->damping.suppress = DAMP_DEF_SUPPRESS;
	cfg->damping.reuse = DAMP_DEF_REUSE;
	cfg->damping.half_life_s = DAMP_DEF_HALF_LIFE_S;
	cfg->damping.max_suppress_s = DAMP_DEF_MAX_SUPPRESS_S;
	cfg->damping.withdraw_penalty = DAMP_DEF_WITHDRAW_PENALTY;
	cfg->damping.change_penalty = DAMP_DEF_CHANGE_PENALTY;

	if (!jc_check_object(sec, path, keys, e))
		return -1;
	parse_bfd(sec, path, false, &cfg->bfd, e);
	parse_fib(sec, path, &cfg->fib, e);
	jc_bool(sec, "ttl_security", path, false, &cfg->ttl_security, e);
	parse_damping(sec, path, &cfg->damping, e);
	if (jc_uint(sec, "max_prefixes_restart_s", path, false, 0, 86400, &v, e) == 1)
		cfg->max_prefixes_restart_s = (unsigned)v;
	jc_bool(sec, "graceful_shutdown", path, false, &cfg->honour_graceful_shutdown, e);
	if (jc_typed(sec, "shutdown", path, false, cJSON_Object, &obj, e) == 1) {
		const char *msg;

		jc_path(p, path, "shutdown");
		if (jc_check_object(obj, p, sd_keys, e)) {
			if (jc_uint(obj, "delay_ms", p, false, 0, 600000, &v, e) == 1)
				cfg->shutdown_delay_ms = (uint32_t)v;
			if (jc_string(obj, "message", p, false, &msg, e) == 1) {
				if (strlen(msg) > 255)
					cfg_error(e, jc_path(q, p, "message"),
					    "expected at most 255 octets (RFC 9003), found %zu",
					    strlen(msg));
				else
					cfg->shutdown_message = xstrdup(msg);
			}
		}
	}
	if (jc_uint(sec, "asn", path, true, 1, UINT32_MAX, &v, e) == 1)
		cfg->asn = (uint32_t)v;
	if (jc_ipaddr(sec, "router_id", path, true, AF_INET, &cfg->router_id, e) == 1 &&
	    cfg->router_id.v4.s_addr == 0)
		cfg_error(e, jc_path(p, path, "router_id"), "expected a non-zero IPv4 address");
	jc_bool(sec, "listen", path, false, &cfg->listen, e);
	if (jc_uint(sec, "port", path, false, 1, 65535, &v, e) == 1)
		cfg->port = (uint16_t)v;
	jc_ipaddr(sec, "listen_ipv4", path, false, AF_INET, &cfg->listen_v4, e);
	jc_ipaddr(sec, "listen_ipv6", path, false, AF_INET6, &cfg->listen_v6, e);
	i = jc_uint(sec, "hold_time", path, false, 0, 65535, &v, e);
	if (i == 1) {
		if (v == 1 || v == 2)
			cfg_error(e, jc_path(p, path, "hold_time"),
			    "expected 0 or a hold time of at least 3 seconds, found %llu",
			    (unsigned long long)v);
		cfg->hold_time = (unsigned)v;
		cfg->keepalive = cfg->hold_time / 3;
	}
	if (jc_uint(sec, "keepalive", path, false, 0, 21845, &v, e) == 1) {
		cfg->keepalive = (unsigned)v;
		if (cfg->hold_time && (v == 0 || v >= cfg->hold_time))
			cfg_error(e, jc_path(p, path, "keepalive"),
			    "expected from 1 to less than hold_time (%u), found %llu",
			    cfg->hold_time, (unsigned long long)v);
	}
	if (jc_uint(sec, "connect_retry", path, false, 1, 65535, &v, e) == 1)
		cfg->connect_retry = (unsigned)v;

	if (jc_typed(sec, "multipath", path, false, cJSON_Object, &obj, e) == 1) {
		jc_path(p, path, "multipath");
		if (jc_check_object(obj, p, mp_keys, e)) {
			if (jc_uint(obj, "max_paths", p, false, 1, BGP_MAX_PATHS, &v, e) == 1)
				cfg->max_paths = (unsigned)v;
			jc_bool(obj, "relax_as_path", p, false, &cfg->relax_as_path, e);
		}
	}
	if (jc_typed(sec, "kernel", path, false, cJSON_Object, &obj, e) == 1) {
		jc_path(p, path, "kernel");
		if (jc_check_object(obj, p, k_keys, e)) {
			if (jc_uint(obj, "table", p, false, 1, UINT32_MAX, &v, e) == 1)
				cfg->kernel_table = (uint32_t)v;
			if (jc_uint(obj, "protocol", p, false, 5, 255, &v, e) == 1)
				cfg->kernel_protocol = (uint8_t)v;
			jc_bool(obj, "install", p, false, &cfg->kernel_install, e);
		}
	}
	if (jc_typed(sec, "originate", path, false, cJSON_Array, &arr, e) == 1) {
		cfg->noriginate = (size_t)cJSON_GetArraySize(arr);
		cfg->originate = xcalloc(cfg->noriginate, sizeof(*cfg->originate));
		i = 0;
		for (const cJSON *it = arr->child; it; it = it->next, i++)
			jc_item_prefix(it, jc_path_idx(q, jc_path(p, path, "originate"), i), false,
			    &cfg->originate[i], e);
	}
	if (jc_typed(sec, "policies", path, false, cJSON_Object, &obj, e) == 1) {
		cfg->npolicies = (size_t)cJSON_GetArraySize(obj);
		cfg->policies = xcalloc(cfg->npolicies, sizeof(*cfg->policies));
		i = 0;
		for (const cJSON *it = obj->child; it; it = it->next, i++) {
			jc_path(q, jc_path(p, path, "policies"), it->string);
			if (strcmp(it->string, "all") == 0 || strcmp(it->string, "none") == 0)
				cfg_error(e, q,
				    "expected a policy name other than \"all\" or \"none\"");
			parse_policy(it, q, &cfg->policies[i], e);
		}
	}
	if (jc_typed(sec, "peers", path, false, cJSON_Array, &arr, e) == 1) {
		cfg->npeers = (size_t)cJSON_GetArraySize(arr);
		cfg->peers = xcalloc(cfg->npeers, sizeof(*cfg->peers));
		i = 0;
		for (const cJSON *it = arr->child; it; it = it->next, i++) {
			jc_path_idx(q, jc_path(p, path, "peers"), i);
			if (parse_peer(it, q, cfg, &cfg->peers[i], e) < 0)
				continue;
			for (int j = 0; j < i; j++)
				if (ipaddr_eq(&cfg->peers[j].addr, &cfg->peers[i].addr)) {
					char a[IPADDR_STRLEN];

					cfg_error(e, jc_path(p, q, "address"),
					    "expected each peer address once; %s is also peers[%d]",
					    ipaddr_ntop(&cfg->peers[i].addr, a, sizeof(a)), j);
				}
		}
	}
	arr = cJSON_GetObjectItemCaseSensitive(sec, "health");
	if (arr) {
		jc_path(p, path, "health");
		if (health_config_parse(arr, p, &cfg->health, &cfg->nhealth, e) == 0) {
			if (cfg->nhealth > BGP_HEALTH_MAX)
				cfg_error(e, p, "expected at most %d checks, found %zu",
				    BGP_HEALTH_MAX, cfg->nhealth);
			health_config_check_prefixes(cfg->health, cfg->nhealth, cfg->originate,
			    cfg->noriginate, p, e);
		}
	}
	if (e->count != before) {
		bgp_config_free(cfg);
		return -1;
	}
	return 0;
}

int
bgp_config_load(const char *file, struct bgp_config *cfg, struct cfg_errors *e)
{
	cJSON *root = jc_parse_file(file, e);
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (root == NULL)
		return -1;
	r = bgp_config_parse(root, "", cfg, e);
	cJSON_Delete(root);
	return r;
}

static void
policy_free(struct bgp_policy *p)
{
	free(p->name);
	free(p->rules);
	free(p->communities);
	for (size_t i = 0; i < p->nmatch_rules; i++)
		policy_rule_free(&p->match_rules[i]);
	free(p->match_rules);
}

void
bgp_config_free(struct bgp_config *cfg)
{
	for (size_t i = 0; i < cfg->npolicies; i++)
		policy_free(&cfg->policies[i]);
	free(cfg->policies);
	for (size_t i = 0; i < cfg->npeers; i++) {
		free(cfg->peers[i].description);
		free(cfg->peers[i].password);
	}
	free(cfg->peers);
	free(cfg->originate);
	free(cfg->shutdown_message);
	health_config_free(cfg->health, cfg->nhealth);
	memset(cfg, 0, sizeof(*cfg));
}
