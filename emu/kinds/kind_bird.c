/*
 * Kind "bird": BIRD 2 (Debian's bird2) as a node's BGP speaker
 * (docs/kinds/bird.md). The node's bgp section, in anybgpd's keys, is
 * written as bird.conf: a kernel protocol per family exporting only BGP
 * routes, one static protocol per originated prefix (announce and withdraw
 * enable and disable it), one bgp protocol per peer with its filters. Or
 * "config" names a bird.conf of the user's own. BIRD runs in the
 * foreground with its control socket bird.ctl in the node's folder; the
 * adapter speaks BIRD's control protocol itself (bird_ctl.c) and turns
 * `show protocols all`, `show route all` and `show status` into anybgpd's
 * JSON shape. BFD (kind_bfd.h): a bfd protocol, and per peer `bfd { ... }`
 * with its intervals in the bgp protocol (RFC 5882: the session restarts
 * when BFD says the path is down); `show bfd sessions` is read back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bgp_attr.h"
#include "bird_ctl.h"
#include "kind_policy.h"
#include "kind.h"
#include "kind_bird.h"
#include "policy.h"

#define BIRD_PROG	      "/usr/sbin/bird"
#define BIRD_CONF	      "bird.conf"
#define BIRD_CTL	      "bird.ctl"
#define BIRD_PID	      "bird.pid"
/* What announce/withdraw changed, kept between invocations of anylab. */
#define BIRD_RUNTIME	      "bird.announce"
#define BIRD_CTL_TIMEOUT_MS   5000
#define BIRD_RTS_KERNEL_PROTO 186 /* what anybgpd's kernel.protocol defaults to */
/*
 * anybgpd's back-off (docs/anybgpd.md, Errors and back-off): 1 s, doubling up
 * to 120 s, forgotten after 60 s of a stable session. BIRD's "error wait
 * time" and "error forget time" are the same three numbers.
 */
#define BIRD_ERROR_WAIT_MIN   1
#define BIRD_ERROR_WAIT_MAX   120
#define BIRD_ERROR_FORGET     60

static const char *const bird_programs[] = { BIRD_PROG, NULL };

static int bird_load(const struct kind_node *, struct bgp_config *, struct kind_bfd **, char *,
    size_t);
static int bird_call(const struct kind_node *, const char *, struct bird_reply *);
static uint32_t peer_import_limit(const struct bgp_peer_config *);
static bool peer_ebgp(const struct bgp_config *, const struct bgp_peer_config *);
static int aspath_mask(const char *, struct strbuf *);
static int bird_protocols(const struct kind_node *, struct bird_proto **, size_t *);
static int runtime_load(const struct kind_node *, struct bird_runtime *);
static int runtime_save(const struct kind_node *, const struct bird_runtime *);
static void runtime_free(struct bird_runtime *);

/* ---- names ---------------------------------------------------------------------------- */

/* prefix + text with every character BIRD's symbols do not allow made '_'. */
static const char *
bird_symbol(const char *prefix, const char *text, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s%s", prefix, text);

	if (n >= len)
		n = len - 1;
	for (size_t i = strlen(prefix); i < n; i++)
		if (!((buf[i] >= 'a' && buf[i] <= 'z') || (buf[i] >= 'A' && buf[i] <= 'Z') ||
			(buf[i] >= '0' && buf[i] <= '9')))
			buf[i] = '_';
	return buf;
}

const char *
bird_peer_name(const struct ipaddr *a, char *buf, size_t len)
{
	char s[IPADDR_STRLEN];

	return bird_symbol("bgp_", ipaddr_ntop(a, s, sizeof(s)), buf, len);
}

const char *
bird_originate_name(const struct prefix *p, char *buf, size_t len)
{
	char s[PREFIX_STRLEN];

	return bird_symbol("originate_", prefix_ntop(p, s, sizeof(s)), buf, len);
}

/* ---- check ---------------------------------------------------------------------------- */

/* BIRD's strings are "..." with no escapes: a quote, backslash or newline cannot be written. */
static bool
bird_string_ok(const char *s)
{
	return strpbrk(s, "\"\\\n") == NULL;
}

/* The first peer whose export policy is pol, NULL when none. */
static const struct bgp_peer_config *
exporting_peer(const struct bgp_config *cfg, const struct bgp_policy *pol)
{
	for (size_t i = 0; i < cfg->npeers; i++)
		if (cfg->peers[i].export_ref == BGP_POLICY_NAMED && cfg->peers[i].export == pol)
			return &cfg->peers[i];
	return NULL;
}

/* What of the rule lists BIRD cannot match, refused at the key that says it. */
static void
rules_check(const struct bgp_config *cfg, const char *path, struct cfg_errors *errs)
{
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX], r[CFG_PATH_MAX], s[IPADDR_STRLEN];

	for (size_t i = 0; i < cfg->npolicies; i++) {
		const struct bgp_policy *pol = &cfg->policies[i];
		const struct bgp_peer_config *exp = exporting_peer(cfg, pol);

		for (size_t j = 0; j < pol->nmatch_rules; j++) {
			const struct policy_match *m = &pol->match_rules[j].match;
			struct strbuf mask = STRBUF_INIT;

			jc_path(q, jc_path(p, path, "policies"), pol->name);
			jc_path_idx(r, jc_path(p, q, "rules"), (int)j);
			jc_path(p, r, "match");
			if (m->has_as_path && aspath_mask(m->as_path_src, &mask) < 0)
				cfg_error(errs, jc_path(q, p, "as_path"),
				    "kind bird cannot match the AS path pattern \"%s\": BIRD's path "
				    "masks say ^A$, ^A_, _A_ and _A$ (A: an AS, or ASes separated "
				    "by _), not a regular expression",
				    m->as_path_src);
			sb_free(&mask);
			if (m->nnext_hops && exp != NULL)
				cfg_error(errs, jc_path(q, p, "next_hop"),
				    "kind bird cannot match the next hop in an export policy (peer "
				    "%s): BIRD's export filter sees the route's next hop before it "
				    "sets its own",
				    ipaddr_ntop(&exp->addr, s, sizeof(s)));
		}
	}
}

int
bird_conf_check(const struct bgp_config *cfg, const struct kind_bfd *bfd, const char *path,
    struct cfg_errors *errs)
{
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	int before = errs->count;

	if (cfg->kernel_protocol != BIRD_RTS_KERNEL_PROTO)
		cfg_error(errs, jc_path(q, jc_path(p, path, "kernel"), "protocol"),
		    "kind bird cannot choose the kernel route protocol: BIRD marks its routes "
		    "with its own (12, \"bird\")");
	if (!cfg->listen)
		cfg_error(errs, jc_path(p, path, "listen"),
		    "kind bird cannot stop listening: "
		    "BIRD accepts connections from every configured neighbor");
	if (cfg->listen_v4.family)
		cfg_error(errs, jc_path(p, path, "listen_ipv4"),
		    "kind bird cannot bind the "
		    "listening socket apart from each peer's own addresses");
	if (cfg->listen_v6.family)
		cfg_error(errs, jc_path(p, path, "listen_ipv6"),
		    "kind bird cannot bind the "
		    "listening socket apart from each peer's own addresses");
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *pc = &cfg->peers[i];

		jc_path_idx(p, jc_path(q, path, "peers"), (int)i);
		if (pc->password != NULL && !bird_string_ok(pc->password))
			cfg_error(errs, jc_path(q, p, "password"),
			    "kind bird cannot write a "
			    "quote, backslash or newline in a string");
		if (pc->description != NULL && !bird_string_ok(pc->description))
			cfg_error(errs, jc_path(q, p, "description"),
			    "kind bird cannot write a "
			    "quote, backslash or newline in a string");
	}
	if (bfd != NULL)
		kind_bfd_refuse_strict(bfd, cfg->npeers, path, "bird",
		    "BIRD 2 has no BFD strict mode", errs);
	kind_policy_refuse_damping(cfg, path, "bird", errs);
	rules_check(cfg, path, errs);
	for (size_t i = 0; i < cfg->npeers; i++)
		if (cfg->peers[i].max_prefixes_restart_s == 0 && peer_import_limit(&cfg->peers[i]))
			cfg_error(errs,
			    jc_path(q, jc_path_idx(p, jc_path(q, path, "peers"), (int)i),
				"max_prefixes_restart_s"),
			    "kind bird cannot keep a session down until reset after the prefix "
			    "limit: BIRD restarts it after its error wait (1 s, doubling)");
	return errs->count == before ? 0 : -1;
}

/* ---- bird.conf ------------------------------------------------------------------------ */

static bool
prefix_listed(const struct prefix *list, size_t n, const struct prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_cmp(&list[i], p) == 0)
			return true;
	return false;
}

static void
render_static(struct strbuf *out, const struct prefix *p, bool disabled)
{
	char name[BIRD_NAME_MAX], s[PREFIX_STRLEN];

	sb_printf(out, "protocol static %s {\n", bird_originate_name(p, name, sizeof(name)));
	if (disabled)
		sb_puts(out, "\tdisabled;\t# withdrawn\n");
	sb_printf(out, "\t%s;\n", p->addr.family == AF_INET ? "ipv4" : "ipv6");
	sb_printf(out, "\troute %s blackhole;\n}\n\n", prefix_ntop(p, s, sizeof(s)));
}

static void
render_kernel(struct strbuf *out, const struct bgp_config *cfg, int family)
{
	sb_printf(out, "protocol kernel kernel%d {\n", family == AF_INET ? 4 : 6);
	sb_printf(out, "\t%s {\n\t\timport none;\n", family == AF_INET ? "ipv4" : "ipv6");
	if (cfg->kernel_install)
		sb_puts(out, "\t\texport where source = RTS_BGP;\n");
	else
		sb_puts(out, "\t\texport none;\t# kernel.install false\n");
	sb_puts(out, "\t};\n");
	if (cfg->max_paths > 1)
		sb_printf(out, "\tmerge paths on limit %u;\n", cfg->max_paths);
	if (cfg->kernel_table != BGP_DEF_TABLE)
		sb_printf(out, "\tkernel table %u;\n", cfg->kernel_table);
	sb_puts(out, "}\n\n");
}

/* What an accepted route gets, then accept; one statement per line at indent. */
static void
render_accept(struct strbuf *out, const struct bgp_policy *pol, uint32_t prepend_as,
    const char *indent)
{
	if (pol->set_local_pref)
		sb_printf(out, "%sbgp_local_pref = %u;\n", indent, pol->local_pref);
	if (pol->set_med)
		sb_printf(out, "%sbgp_med = %u;\n", indent, pol->med);
	if (pol->communities_replace)
		sb_printf(out, "%sbgp_community.delete([(*,*)]);\n", indent);
	for (size_t i = 0; i < pol->ncommunities; i++)
		sb_printf(out, "%sbgp_community.add((%u,%u));\n", indent, pol->communities[i] >> 16,
		    pol->communities[i] & 0xffff);
	for (unsigned i = 0; i < pol->prepend; i++)
		sb_printf(out, "%sbgp_path.prepend(%u);\n", indent, prepend_as);
	sb_printf(out, "%saccept;\n", indent);
}

static bool
policy_has_actions(const struct bgp_policy *pol)
{
	return pol->set_local_pref || pol->set_med || pol->communities_replace ||
	    pol->ncommunities > 0 || pol->prepend > 0;
}

/* ---- policy rules (docs/anybgpd.md "Policy rules") ------------------------------------- */

/*
 * anybgpd's "as_path" pattern as a BIRD path mask: ^A$ [= A =], ^A_ [= A * =],
 * _A_ [= * A * =], _A$ [= * A =], where A is one AS or several separated by
 * "_" or a space. 0, or -1 for any other pattern (out untouched).
 */
static int
aspath_mask(const char *pat, struct strbuf *out)
{
	struct strbuf m = STRBUF_INIT;
	size_t n = strlen(pat);
	const char *s, *end;

	if (n < 3 || (pat[0] != '^' && pat[0] != '_') || (pat[n - 1] != '$' && pat[n - 1] != '_'))
		return -1;
	end = pat + n - 1;
	sb_puts(&m, pat[0] == '_' ? "[= *" : "[=");
	for (s = pat + 1; s < end;) {
		unsigned long long v = 0;
		const char *d = s;

		while (d < end && *d >= '0' && *d <= '9' && d - s < 11)
			v = v * 10 + (unsigned long long)(*d++ - '0');
		if (d == s || d - s > 10 || v > UINT32_MAX)
			goto bad;
		sb_printf(&m, " %llu", v);
		s = d;
		if (s < end && ((*s != '_' && *s != ' ') || ++s == end))
			goto bad;
	}
	sb_puts(&m, pat[n - 1] == '_' ? " * =]" : " =]");
	if (m.err)
		goto bad;
	sb_puts(out, sb_str(&m));
	sb_free(&m);
	return 0;
bad:
	sb_free(&m);
	return -1;
}

static bool
addr_in_any(const struct prefix *list, size_t n, const struct ipaddr *a)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].addr.family == a->family && prefix_contains(&list[i], a))
			return true;
	return false;
}

static bool
rule_uses_path(const struct policy_match *m)
{
	return m->has_origin_as || m->has_neighbor_as || m->has_len_min || m->has_len_max ||
	    m->has_as_path;
}

/*
 * The conditions of one rule for this peer and family, joined by "&&", into
 * cond (empty: always). The peer and its AS are known when the filter is
 * written, so they are decided here. Returns NULL when the rule can match,
 * else why it never does.
 */
static const char *
rule_conditions(const struct policy_match *m, const struct bgp_peer_config *pc, int family,
    const char *aspath, struct strbuf *cond)
{
	const char *and = "";
	char s[PREFIX_STRLEN];
	size_t i, k;

	if (m->npeers && !addr_in_any(m->peers, m->npeers, &pc->addr))
		return "peer: not this peer";
	if (m->has_peer_as && m->peer_as != pc->asn)
		return "peer_as: not this peer's AS";
	if (m->has_origin_as && m->origin_as == 0)
		return "origin_as 0 matches no path";
	if (m->nprefixes) {
		for (i = k = 0; i < m->nprefixes; i++) {
			const struct bgp_prefix_rule *r = &m->prefixes[i];

			if (r->pfx.addr.family != family)
				continue;
			sb_printf(cond, "%s%s", k++ ? ", " : "net ~ [ ",
			    prefix_ntop(&r->pfx, s, sizeof(s)));
			if (r->ge != r->pfx.len || r->le != r->pfx.len)
				sb_printf(cond, "{%u,%u}", r->ge, r->le);
		}
		if (k == 0)
			return "prefix: none of this family";
		sb_puts(cond, " ]");
		and = " && ";
	}
	if (m->has_origin_as) {
		sb_printf(cond, "%s%s.last = %u", and, aspath, m->origin_as);
		and = " && ";
	}
	if (m->has_neighbor_as) {
		sb_printf(cond, "%s%s.first = %u", and, aspath, m->neighbor_as);
		and = " && ";
	}
	if (m->has_len_min) {
		sb_printf(cond, "%s%s.len >= %u", and, aspath, m->len_min);
		and = " && ";
	}
	if (m->has_len_max) {
		sb_printf(cond, "%s%s.len <= %u", and, aspath, m->len_max);
		and = " && ";
	}
	if (m->has_as_path) {
		sb_printf(cond, "%s%s ~ ", and, aspath);
		aspath_mask(m->as_path_src, cond); /* bird_conf_check refused the others */
		and = " && ";
	}
	for (i = 0; i < m->ncommunities; i++) {
		sb_printf(cond, "%s(%u,%u) ~ bgp_community", and, m->communities[i] >> 16,
		    m->communities[i] & 0xffff);
		and = " && ";
	}
	for (i = 0; i < m->nlcomms; i++) {
		sb_printf(cond, "%s(%u,%u,%u) ~ bgp_large_community", and, m->lcomms[i].global,
		    m->lcomms[i].local1, m->lcomms[i].local2);
		and = " && ";
	}
	if (m->nnext_hops) {
		sb_printf(cond, "%s(", and);
		for (i = 0; i < m->nnext_hops; i++)
			sb_printf(cond, "%s(%sbgp_next_hop.is_v4 && bgp_next_hop ~ %s)",
			    i ? " || " : "", m->next_hops[i].addr.family == AF_INET ? "" : "!",
			    prefix_ntop(&m->next_hops[i], s, sizeof(s)));
		sb_puts(cond, ")");
	}
	return NULL;
}

/* A rule's action, one statement per line at indent. */
static void
render_rule_action(struct strbuf *out, const struct policy_action *a, uint32_t prepend_as,
    const char *indent)
{
	uint32_t as = a->prepend_as ? a->prepend_as : prepend_as;
	size_t i;

	if (!a->accept) {
		sb_printf(out, "%sreject;\n", indent);
		return;
	}
	if (a->set_local_pref)
		sb_printf(out, "%sbgp_local_pref = %u;\n", indent, a->local_pref);
	if (a->set_med)
		sb_printf(out, "%sbgp_med = %u;\n", indent, a->med);
	/* Removals first, as anybgpd does. */
	if (a->comm_del_all)
		sb_printf(out, "%sbgp_community.delete([(*,*)]);\n", indent);
	for (i = 0; i < a->ncomm_del; i++)
		sb_printf(out, "%sbgp_community.delete((%u,%u));\n", indent, a->comm_del[i] >> 16,
		    a->comm_del[i] & 0xffff);
	for (i = 0; i < a->ncomm_add; i++)
		sb_printf(out, "%sbgp_community.add((%u,%u));\n", indent, a->comm_add[i] >> 16,
		    a->comm_add[i] & 0xffff);
	if (a->lcomm_del_all)
		sb_printf(out, "%sbgp_large_community.delete([(*,*,*)]);\n", indent);
	for (i = 0; i < a->nlcomm_del; i++)
		sb_printf(out, "%sbgp_large_community.delete((%u,%u,%u));\n", indent,
		    a->lcomm_del[i].global, a->lcomm_del[i].local1, a->lcomm_del[i].local2);
	for (i = 0; i < a->nlcomm_add; i++)
		sb_printf(out, "%sbgp_large_community.add((%u,%u,%u));\n", indent,
		    a->lcomm_add[i].global, a->lcomm_add[i].local1, a->lcomm_add[i].local2);
	for (unsigned n = 0; as != 0 && n < a->prepend; n++)
		sb_printf(out, "%sbgp_path.prepend(%u);\n", indent, as);
	sb_printf(out, "%saccept;\n", indent);
}

/*
 * A rule list for one peer, direction and family: each rule that can match
 * there as "if CONDITIONS then ACTION", in order, then the default. On
 * export to an external peer anybgpd matches the path with our AS already
 * prepended (not for a route server client's routes from others); BIRD
 * prepends after the filter, so the filter matches a copy with it.
 */
static void
render_rules_filter(struct strbuf *out, const struct bgp_config *cfg,
    const struct bgp_peer_config *pc, bool import, int family)
{
	const struct bgp_policy *pol = import ? pc->import : pc->export;
	uint32_t prepend_as = import ? pc->asn : cfg->asn;
	bool own_as = !import && peer_ebgp(cfg, pc), uses_path = false;
	const char *aspath = own_as ? "aspath" : "bgp_path";
	char name[BIRD_NAME_MAX];

	for (size_t i = 0; i < pol->nmatch_rules; i++)
		uses_path |= rule_uses_path(&pol->match_rules[i].match);
	if (!uses_path)
		aspath = "bgp_path";
	sb_printf(out, "filter %s_%s%d\n", bird_peer_name(&pc->addr, name, sizeof(name)),
	    import ? "import" : "export", family == AF_INET ? 4 : 6);
	if (own_as && uses_path)
		sb_puts(out, "bgppath aspath;\n");
	sb_puts(out, "{\n");
	sb_printf(out, "\t# policy \"%s\": rules, the first that matches decides\n", pol->name);
	if (own_as && uses_path && pc->route_server_client) {
		sb_puts(out, "\t# the path as sent: our AS prepended to our own routes only\n");
		sb_puts(out, "\taspath = bgp_path;\n");
		sb_printf(out, "\tif source != RTS_BGP then aspath = prepend(aspath, %u);\n",
		    cfg->asn);
	} else if (own_as && uses_path) {
		sb_puts(out, "\t# the path as sent, with our AS\n");
		sb_printf(out, "\taspath = prepend(bgp_path, %u);\n", cfg->asn);
	}
	for (size_t i = 0; i < pol->nmatch_rules; i++) {
		const struct policy_rule *r = &pol->match_rules[i];
		struct strbuf cond = STRBUF_INIT;
		const char *never = rule_conditions(&r->match, pc, family, aspath, &cond);

		if (never != NULL) {
			sb_printf(out, "\t# rules[%zu] never matches here (%s)\n", i, never);
		} else if (cond.len == 0) {
			sb_printf(out, "\t# rules[%zu]: every route\n", i);
			render_rule_action(out, &r->action, prepend_as, "\t");
			if (i + 1 < pol->nmatch_rules)
				sb_printf(out, "\t# rules[%zu] and later are never reached\n",
				    i + 1);
			sb_free(&cond);
			sb_puts(out, "}\n\n");
			return;
		} else {
			sb_printf(out, "\t# rules[%zu]\n\tif %s then {\n", i, sb_str(&cond));
			render_rule_action(out, &r->action, prepend_as, "\t\t");
			sb_puts(out, "\t}\n");
		}
		sb_free(&cond);
	}
	sb_printf(out, "\t%s;\n}\n\n", pol->default_accept ? "accept" : "reject");
}

/*
 * A named policy for one peer, direction and family: its prefix rules of
 * that family in order (first match decides), then its default.
 */
static void
render_filter(struct strbuf *out, const struct bgp_config *cfg, const struct bgp_peer_config *pc,
    bool import, int family)
{
	const struct bgp_policy *pol = import ? pc->import : pc->export;
	uint32_t prepend_as = import ? pc->asn : cfg->asn;
	char name[BIRD_NAME_MAX], s[PREFIX_STRLEN];

	if (pol->match_rules != NULL) {
		render_rules_filter(out, cfg, pc, import, family);
		return;
	}
	sb_printf(out, "filter %s_%s%d {\n", bird_peer_name(&pc->addr, name, sizeof(name)),
	    import ? "import" : "export", family == AF_INET ? 4 : 6);
	sb_printf(out, "\t# policy \"%s\"\n", pol->name);
	for (size_t i = 0; i < pol->nrules; i++) {
		const struct bgp_prefix_rule *r = &pol->rules[i];

		if (r->pfx.addr.family != family)
			continue;
		sb_printf(out, "\tif net ~ [ %s", prefix_ntop(&r->pfx, s, sizeof(s)));
		if (r->ge != r->pfx.len || r->le != r->pfx.len)
			sb_printf(out, "{%u,%u}", r->ge, r->le);
		sb_puts(out, " ] then ");
		if (!r->accept)
			sb_puts(out, "reject;\n");
		else if (!policy_has_actions(pol))
			sb_puts(out, "accept;\n");
		else {
			sb_puts(out, "{\n");
			render_accept(out, pol, prepend_as, "\t\t");
			sb_puts(out, "\t}\n");
		}
	}
	if (pol->default_accept)
		render_accept(out, pol, prepend_as, "\t");
	else
		sb_puts(out, "\treject;\n");
	sb_puts(out, "}\n\n");
}

static bool
peer_ebgp(const struct bgp_config *cfg, const struct bgp_peer_config *pc)
{
	return pc->asn != cfg->asn;
}

static uint32_t
peer_import_limit(const struct bgp_peer_config *pc)
{
	uint32_t lim = pc->max_prefixes;

	if (pc->import_ref == BGP_POLICY_NAMED && pc->import->max_prefixes &&
	    (lim == 0 || pc->import->max_prefixes < lim))
		lim = pc->import->max_prefixes;
	return lim;
}

static void
render_ref(struct strbuf *out, const struct bgp_config *cfg, const struct bgp_peer_config *pc,
    bool import, int family)
{
	enum bgp_policy_ref ref = import ? pc->import_ref : pc->export_ref;
	const char *dir = import ? "import" : "export";
	char name[BIRD_NAME_MAX];

	switch (ref) {
	case BGP_POLICY_UNSET:
		if (peer_ebgp(cfg, pc))
			sb_printf(out,
			    "\t\t%s none;\t# RFC 8212: no \"%s\" on an external "
			    "session\n",
			    dir, dir);
		else
			sb_printf(out, "\t\t%s all;\t# no \"%s\" on an internal session\n", dir,
			    dir);
		break;
	case BGP_POLICY_ALL:
		sb_printf(out, "\t\t%s all;\n", dir);
		break;
	case BGP_POLICY_NONE:
		sb_printf(out, "\t\t%s none;\n", dir);
		break;
	case BGP_POLICY_NAMED:
		sb_printf(out, "\t\t%s filter %s_%s%d;\n", dir,
		    bird_peer_name(&pc->addr, name, sizeof(name)), dir, family == AF_INET ? 4 : 6);
		break;
	}
}

static void
render_channel(struct strbuf *out, const struct bgp_config *cfg, const struct bgp_peer_config *pc,
    int family)
{
	const struct ipaddr *nh = family == AF_INET ? &pc->next_hop_v4 : &pc->next_hop_v6;
	uint32_t lim = peer_import_limit(pc);
	char s[IPADDR_STRLEN];

	sb_printf(out, "\t%s {\n", family == AF_INET ? "ipv4" : "ipv6");
	render_ref(out, cfg, pc, true, family);
	/* a route server keeps the next hop it learned, of the route's own family */
	if (pc->addr.family != family && nh->family == 0 && !pc->route_server_client)
		sb_printf(out,
		    "\t\texport none;\t# %s routes over an %s session need "
		    "next_hop_%s\n",
		    family == AF_INET ? "IPv4" : "IPv6", family == AF_INET ? "IPv6" : "IPv4",
		    family == AF_INET ? "ipv4" : "ipv6");
	else
		render_ref(out, cfg, pc, false, family);
	if (lim && pc->max_prefixes_restart_s != BGP_DEF_MAX_PREFIXES_RESTART)
		sb_printf(out,
		    "\t\timport limit %u action restart;\t# after the error wait, not "
		    "max_prefixes_restart_s %u\n",
		    lim, pc->max_prefixes_restart_s);
	else if (lim)
		sb_printf(out, "\t\timport limit %u action restart;\n", lim);
	if (pc->route_server_client)
		sb_puts(out, "\t\t# no next hop self: a route server keeps the next hop\n");
	else if (pc->addr.family == family)
		sb_puts(out, "\t\tnext hop self;\n");
	else if (nh->family)
		sb_printf(out, "\t\tnext hop address %s;\n", ipaddr_ntop(nh, s, sizeof(s)));
	sb_puts(out, "\t};\n");
}

/* The peer's BFD session options (BIRD's per-peer bfd block, 2.0.11 and later). */
static void
render_bfd(struct strbuf *out, const struct kind_bfd *b)
{
	sb_puts(out, "\tbfd {\n");
	sb_printf(out, "\t\tmin rx interval %u ms;\n", b->min_rx_ms);
	sb_printf(out, "\t\tmin tx interval %u ms;\n", b->min_tx_ms);
	sb_printf(out, "\t\tmultiplier %u;\n", b->multiplier);
	sb_puts(out, "\t};\n");
}

static void
render_peer(struct strbuf *out, const struct bgp_config *cfg, const struct bgp_peer_config *pc,
    const struct kind_bfd *bfd)
{
	char name[BIRD_NAME_MAX], s[IPADDR_STRLEN];

	for (int f = 0; f < 2; f++) {
		int family = f == 0 ? AF_INET : AF_INET6;
		bool on = family == AF_INET ? pc->ipv4 : pc->ipv6;

		if (on && pc->import_ref == BGP_POLICY_NAMED)
			render_filter(out, cfg, pc, true, family);
		if (on && pc->export_ref == BGP_POLICY_NAMED)
			render_filter(out, cfg, pc, false, family);
	}
	sb_printf(out, "protocol bgp %s {\n", bird_peer_name(&pc->addr, name, sizeof(name)));
	if (pc->description)
		sb_printf(out, "\tdescription \"%s\";\n", pc->description);
	if (cfg->port != BGP_DEF_PORT)
		sb_printf(out, "\tlocal port %u as %u;\n", cfg->port, cfg->asn);
	else
		sb_printf(out, "\tlocal as %u;\n", cfg->asn);
	sb_printf(out, "\tneighbor %s", ipaddr_ntop(&pc->addr, s, sizeof(s)));
	if (pc->port != BGP_DEF_PORT)
		sb_printf(out, " port %u", pc->port);
	sb_printf(out, " as %u;\n", pc->asn);
	if (!peer_ebgp(cfg, pc))
		sb_puts(out, "\tdirect;\t# internal peer on a shared network: next hops direct\n");
	if (pc->local_addr.family)
		sb_printf(out, "\tsource address %s;\n",
		    ipaddr_ntop(&pc->local_addr, s, sizeof(s)));
	if (pc->passive)
		sb_puts(out, "\tpassive on;\n");
	if (pc->password)
		sb_printf(out, "\tpassword \"%s\";\n", pc->password);
	if (pc->ttl_security)
		sb_puts(out, "\tttl security on;\t# GTSM: TTL 255 out, nothing below 255 in\n");
	if (pc->route_server_client && peer_ebgp(cfg, pc))
		sb_puts(out, "\trs client;\t# RFC 7947: no AS prepended, next hop and MED kept\n");
	else if (pc->route_server_client)
		sb_puts(out,
		    "\trr client;\t# internal: BIRD's rs client keeps iBGP split horizon\n");
	sb_printf(out, "\thold time %u;\n", pc->hold_time);
	if (pc->keepalive)
		sb_printf(out, "\tkeepalive time %u;\n", pc->keepalive);
	sb_puts(out, "\tconnect delay time 1;\n");
	sb_printf(out, "\tconnect retry time %u;\n", pc->connect_retry);
	sb_printf(out, "\terror wait time %u, %u;\n", BIRD_ERROR_WAIT_MIN, BIRD_ERROR_WAIT_MAX);
	sb_printf(out, "\terror forget time %u;\n", BIRD_ERROR_FORGET);
	sb_puts(out, "\tgraceful restart aware;\n");
	sb_puts(out, "\tlong lived graceful restart off;\n");
	if (bfd != NULL && bfd->on)
		render_bfd(out, bfd);
	if (pc->ipv4)
		render_channel(out, cfg, pc, AF_INET);
	if (pc->ipv6)
		render_channel(out, cfg, pc, AF_INET6);
	sb_puts(out, "}\n\n");
}

void
bird_conf_render(const struct bgp_config *cfg, const struct kind_bfd *bfd, const char *path,
    const struct bird_runtime *rt, struct strbuf *out)
{
	bool v6 = false;
	char s[IPADDR_STRLEN];

	for (size_t i = 0; i < cfg->npeers; i++)
		v6 |= cfg->peers[i].ipv6;
	sb_printf(out,
	    "# bird.conf written by anylab (kind bird) from %s; rewritten by every\n"
	    "# configure, announce and withdraw. Layout and choices: docs/kinds/bird.md.\n\n",
	    path);
	sb_puts(out, "log stderr all;\n");
	sb_printf(out, "router id %s;\n\n", ipaddr_ntop(&cfg->router_id, s, sizeof(s)));
	sb_puts(out, "protocol device {\n}\n\n");
	if (bfd != NULL && kind_bfd_any(bfd, cfg->npeers))
		sb_puts(out,
		    "# BFD sessions requested by the bgp protocols below, each with its own options\n"
		    "protocol bfd {\n}\n\n");
	render_kernel(out, cfg, AF_INET);
	if (v6)
		render_kernel(out, cfg, AF_INET6);
	for (size_t i = 0; i < cfg->noriginate; i++)
		render_static(out, &cfg->originate[i],
		    rt != NULL && prefix_listed(rt->withdrawn, rt->nwithdrawn, &cfg->originate[i]));
	for (size_t i = 0; rt != NULL && i < rt->nextra; i++)
		if (!prefix_listed(cfg->originate, cfg->noriginate, &rt->extra[i]))
			render_static(out, &rt->extra[i], false);
	for (size_t i = 0; i < cfg->npeers; i++)
		render_peer(out, cfg, &cfg->peers[i], bfd != NULL ? &bfd[i] : NULL);
	/* One blank line at the end, not two. */
	if (out->len >= 2 && out->s[out->len - 1] == '\n' && out->s[out->len - 2] == '\n')
		out->s[--out->len] = '\0';
}

/* ---- the text BIRD answers with ------------------------------------------------------- */

/* Copy the text after "label" on line (up to its end), trimmed, into buf. */
static bool
field(const char *line, const char *label, char *buf, size_t len)
{
	const char *p = line;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(label);
	if (strncmp(p, label, n) != 0)
		return false;
	p += n;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "\n");
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	snprintf(buf, len, "%.*s", (int)n, p);
	return true;
}

/* The next line of *text into buf (without its newline); false at the end. */
static bool
next_line(const char **text, char *buf, size_t len)
{
	const char *s = *text;
	size_t n;

	if (*s == '\0')
		return false;
	n = strcspn(s, "\n");
	snprintf(buf, len, "%.*s", (int)n, s);
	*text = s + n + (s[n] == '\n');
	return true;
}

static void
protocol_header(struct bird_proto *p, const char *line)
{
	char tok[6][64];
	int n = 0;
	const char *s = line;

	/* name proto table state since [time] info... */
	while (n < 6 && *s) {
		size_t l;

		while (*s == ' ')
			s++;
		l = strcspn(s, " ");
		if (l == 0)
			break;
		snprintf(tok[n++], sizeof(tok[0]), "%.*s", (int)l, s);
		s += l;
		/* A date in the since column is followed by its time. */
		if (n == 5 && strlen(tok[4]) == 10 && tok[4][4] == '-' && tok[4][7] == '-') {
			while (*s == ' ')
				s++;
			l = strcspn(s, " ");
			if (l > 0 && memchr(s, ':', l) != NULL) {
				snprintf(tok[4] + 10, sizeof(tok[0]) - 10, " %.*s", (int)l, s);
				s += l;
			}
		}
	}
	if (n > 0)
		snprintf(p->name, sizeof(p->name), "%s", tok[0]);
	if (n > 1)
		snprintf(p->type, sizeof(p->type), "%.15s", tok[1]);
	if (n > 3)
		snprintf(p->state, sizeof(p->state), "%.15s", tok[3]);
	if (n > 4)
		snprintf(p->since, sizeof(p->since), "%s", tok[4]);
	while (*s == ' ')
		s++;
	field(s, "", p->info, sizeof(p->info));
}

/* "1 imported, 2 exported, 0 preferred" */
static void
protocol_routes(struct bird_proto *p, const char *v)
{
	unsigned long long imp = 0, exp = 0;
	const char *e = strstr(v, "exported");

	imp = strtoull(v, NULL, 10);
	if (e != NULL) {
		const char *c = strchr(v, ',');

		if (c != NULL)
			exp = strtoull(c + 1, NULL, 10);
	}
	p->imported += imp;
	p->exported += exp;
}

/* "Import updates:  received rejected filtered ignored accepted" */
static void
protocol_import_updates(struct bird_proto *p, const char *v)
{
	unsigned long long n[5] = { 0 };
	char *end;
	int i;

	for (i = 0; i < 5 && *v; i++) {
		n[i] = strtoull(v, &end, 10);
		if (end == v)
			break;
		v = end;
	}
	if (i >= 3)
		p->filtered += n[2];
}

int
bird_protocols_parse(const char *text, struct bird_proto **out, size_t *np)
{
	struct bird_proto *v = NULL, *p = NULL;
	size_t n = 0, cap = 0;
	char line[512], val[256], channel[16] = "";

	*out = NULL;
	*np = 0;
	while (next_line(&text, line, sizeof(line))) {
		if (line[0] == '\0' || strncmp(line, "Name ", 5) == 0 ||
		    strncmp(line, "BIRD ", 5) == 0)
			continue;
		if (line[0] != ' ' && line[0] != '\t') {
			if (n == cap) {
				struct bird_proto *nv;

				cap = cap ? cap * 2 : 16;
				nv = realloc(v, cap * sizeof(*v));
				if (nv == NULL) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			p = &v[n++];
			memset(p, 0, sizeof(*p));
			p->hold_time = p->keepalive = -1;
			channel[0] = '\0';
			protocol_header(p, line);
			continue;
		}
		if (p == NULL)
			continue;
		if (field(line, "Description:", p->description, sizeof(p->description)) ||
		    field(line, "BGP state:", p->bgp_state, sizeof(p->bgp_state)) ||
		    field(line, "Neighbor address:", p->neighbor, sizeof(p->neighbor)) ||
		    field(line, "Neighbor ID:", p->neighbor_id, sizeof(p->neighbor_id)) ||
		    field(line, "Source address:", p->source, sizeof(p->source)) ||
		    field(line, "Last error:", p->last_error, sizeof(p->last_error)))
			continue;
		if (field(line, "Neighbor AS:", val, sizeof(val)))
			p->neighbor_as = strtoul(val, NULL, 10);
		else if (field(line, "Local AS:", val, sizeof(val)))
			p->local_as = strtoul(val, NULL, 10);
		else if (field(line, "Session:", val, sizeof(val)))
			snprintf(p->session, sizeof(p->session), "%.*s", (int)strcspn(val, " "),
			    val);
		else if (field(line, "Hold timer:", val, sizeof(val)) && strchr(val, '/'))
			p->hold_time = atoi(strchr(val, '/') + 1);
		else if (field(line, "Keepalive timer:", val, sizeof(val)) && strchr(val, '/'))
			p->keepalive = atoi(strchr(val, '/') + 1);
		else if (field(line, "Channel", channel, sizeof(channel)))
			continue;
		else if (field(line, "State:", val, sizeof(val)) && channel[0] != '\0' &&
		    strcmp(val, "UP") == 0 && p->nfamilies < 2)
			/* A channel is up once both sides negotiated its family. */
			snprintf(p->families[p->nfamilies++], sizeof(p->families[0]), "%.7s",
			    channel);
		else if (field(line, "Routes:", val, sizeof(val)))
			protocol_routes(p, val);
		else if (field(line, "Import updates:", val, sizeof(val)))
			protocol_import_updates(p, val);
	}
	*out = v;
	*np = n;
	return 0;
}

/* "2026-12-02 16:40:07.043" or "16:40:07.043" or "2026-12-02": seconds; day_only says which. */
static double
parse_clock(const char *s, bool *has_date, bool *has_time)
{
	struct tm tm = { 0 };
	double frac = 0;
	const char *t = s;
	char *end;

	*has_date = *has_time = false;
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		tm.tm_year = atoi(s) - 1900;
		tm.tm_mon = atoi(s + 5) - 1;
		tm.tm_mday = atoi(s + 8);
		*has_date = true;
		t = s + 10;
		while (*t == ' ')
			t++;
	} else {
		tm.tm_year = 70;
		tm.tm_mday = 1;
	}
	if (strlen(t) >= 8 && t[2] == ':' && t[5] == ':') {
		tm.tm_hour = atoi(t);
		tm.tm_min = atoi(t + 3);
		tm.tm_sec = atoi(t + 6);
		if (t[8] == '.')
			frac = strtod(t + 8, &end);
		*has_time = true;
	}
	return (double)timegm(&tm) + frac;
}

double
bird_status_time(const char *status, const char *label)
{
	char line[256], val[128];
	bool d, t;

	while (next_line(&status, line, sizeof(line)))
		if (field(line, label, val, sizeof(val)))
			return parse_clock(val, &d, &t);
	return -1;
}

double
bird_since_time(const char *since, double now)
{
	bool has_date, has_time;
	double v = parse_clock(since, &has_date, &has_time);

	if (has_date || !has_time)
		return has_date ? v : -1;
	/* Time of day only: today's, or yesterday's when that is in the future. */
	v += (double)((long long)now / 86400 * 86400);
	if (v > now + 1)
		v -= 86400;
	return v;
}

static const char *
peer_state(const struct bird_proto *p)
{
	const char *s = kind_bgp_state_name(p->bgp_state[0] ? p->bgp_state : p->info);

	if (s == NULL && p->info[0] != '\0') {
		char first[32];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(p->info, " "), p->info);
		s = kind_bgp_state_name(first);
	}
	return s != NULL ? s : "Idle"; /* "down" (disabled) and BIRD's "Down" */
}

cJSON *
bird_peers_json(const struct bird_proto *v, size_t n, double now)
{
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "peers");

	for (size_t i = 0; i < n; i++) {
		const struct bird_proto *p = &v[i];
		cJSON *o, *fam;
		const char *st;
		bool est;

		if (strcmp(p->type, "BGP") != 0)
			continue;
		st = peer_state(p);
		est = strcmp(st, "Established") == 0;
		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "address", p->neighbor);
		cJSON_AddNumberToObject(o, "asn", (double)p->neighbor_as);
		if (p->session[0])
			cJSON_AddStringToObject(o, "type", p->session);
		else if (p->neighbor_as && p->local_as)
			cJSON_AddStringToObject(o, "type",
			    p->neighbor_as == p->local_as ? "internal" : "external");
		cJSON_AddStringToObject(o, "description",
		    p->description[0] ? p->description : p->name);
		cJSON_AddStringToObject(o, "protocol", p->name);
		cJSON_AddStringToObject(o, "state", st);
		if (est && now > 0 && bird_since_time(p->since, now) > 0)
			cJSON_AddNumberToObject(o, "uptime",
			    (double)(long long)((now - bird_since_time(p->since, now)) * 1000) /
				1000);
		else
			cJSON_AddNullToObject(o, "uptime");
		if (est && p->source[0])
			cJSON_AddStringToObject(o, "local_address", p->source);
		else
			cJSON_AddNullToObject(o, "local_address");
		if (est && p->neighbor_id[0])
			cJSON_AddStringToObject(o, "router_id", p->neighbor_id);
		else
			cJSON_AddNullToObject(o, "router_id");
		cJSON_AddNumberToObject(o, "hold_time",
		    est && p->hold_time >= 0 ? p->hold_time : 0);
		cJSON_AddNumberToObject(o, "keepalive",
		    est && p->keepalive >= 0 ? p->keepalive : 0);
		fam = cJSON_AddArrayToObject(o, "families");
		for (int f = 0; est && f < p->nfamilies; f++)
			cJSON_AddItemToArray(fam, cJSON_CreateString(p->families[f]));
		cJSON_AddNumberToObject(o, "prefixes_received", (double)p->imported);
		cJSON_AddNumberToObject(o, "rejected_by_policy", (double)p->filtered);
		cJSON_AddStringToObject(o, "last_error", p->last_error);
	}
	return doc;
}

/* Seconds as BIRD prints a time ("0.100") in whole milliseconds. */
static double
bird_ms(const char *s)
{
	return (double)(long long)(strtod(s, NULL) * 1000 + 0.5);
}

cJSON *
bird_bfd_json(const char *text, double now)
{
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "sessions");
	char line[512];

	while (next_line(&text, line, sizeof(line))) {
		char tok[8][64], since[130] = "";
		const char *s = line, *st;
		struct ipaddr a;
		double up;
		int n = 0;
		cJSON *o;

		/* "IP address  Interface  State  Since  Interval  Timeout", one line per session. */
		while (n < 8 && *s) {
			size_t l;

			while (*s == ' ')
				s++;
			l = strcspn(s, " ");
			if (l == 0)
				break;
			snprintf(tok[n++], sizeof(tok[0]), "%.*s", (int)l, s);
			s += l;
		}
		if (n < 6 || ipaddr_parse(tok[0], &a) < 0)
			continue; /* the protocol's name, the heading */
		for (int i = 3; i < n - 2; i++)
			snprintf(since + strlen(since), sizeof(since) - strlen(since), "%s%s",
			    i > 3 ? " " : "", tok[i]);
		st = kind_bfd_state_name(tok[2]);
		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "peer", tok[0]);
		cJSON_AddNullToObject(o, "local");
		if (strcmp(tok[1], "---") != 0)
			cJSON_AddStringToObject(o, "interface", tok[1]);
		else
			cJSON_AddNullToObject(o, "interface");
		cJSON_AddStringToObject(o, "state", st != NULL ? st : tok[2]);
		up = now > 0 ? bird_since_time(since, now) : -1;
		if (st != NULL && strcmp(st, "Up") == 0 && up > 0)
			cJSON_AddNumberToObject(o, "uptime",
			    (double)(long long)((now - up) * 1000) / 1000);
		else
			cJSON_AddNullToObject(o, "uptime");
		cJSON_AddNumberToObject(o, "tx_ms", bird_ms(tok[n - 2]));
		cJSON_AddNullToObject(o, "rx_ms");
		cJSON_AddNullToObject(o, "multiplier");
		cJSON_AddNullToObject(o, "remote_multiplier");
		cJSON_AddNumberToObject(o, "detect_ms", bird_ms(tok[n - 1]));
	}
	return doc;
}

static const struct bird_proto *
proto_find(const struct bird_proto *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* "(8075,100) (65535,65281)" into communities as anybgpd prints them. */
static void
route_communities(cJSON *arr, const char *v)
{
	while ((v = strchr(v, '(')) != NULL) {
		unsigned long hi, lo;
		struct strbuf t = STRBUF_INIT;
		char *end;

		hi = strtoul(v + 1, &end, 10);
		if (*end != ',')
			break;
		lo = strtoul(end + 1, &end, 10);
		if (*end != ')' || hi > 0xffff || lo > 0xffff)
			break;
		bgp_community_print(&t, (uint32_t)(hi << 16 | lo));
		cJSON_AddItemToArray(arr, cJSON_CreateString(sb_str(&t)));
		sb_free(&t);
		v = end + 1;
	}
}

/* One route's first line: "[PFX] TYPE [PROTO TIME (from A)] (*) (PREF) [AS...]". */
static cJSON *
route_start(const char *line, char *pfx, size_t pfxlen, const struct bird_proto *v, size_t n,
    bool *keep)
{
	const char *b = strchr(line, '['), *e;
	char proto[BIRD_NAME_MAX], from[IPADDR_STRLEN] = "";
	const struct bird_proto *p;
	cJSON *o;
	size_t l;

	*keep = false;
	if (line[0] != ' ')
		snprintf(pfx, pfxlen, "%.*s", (int)strcspn(line, " "), line);
	if (b == NULL || (e = strchr(b, ']')) == NULL)
		return NULL;
	l = strcspn(b + 1, " ]");
	snprintf(proto, sizeof(proto), "%.*s", (int)l, b + 1);
	{
		const char *f = strstr(b, " from ");

		if (f != NULL && f < e)
			snprintf(from, sizeof(from), "%.*s", (int)strcspn(f + 6, " ]"), f + 6);
	}
	p = proto_find(v, n, proto);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "prefix", pfx);
	if (p != NULL && strcmp(p->type, "BGP") == 0) {
		*keep = true;
		cJSON_AddNullToObject(o, "next_hop");
		cJSON_AddStringToObject(o, "peer", p->neighbor[0] ? p->neighbor : from);
		cJSON_AddNumberToObject(o, "peer_asn", (double)p->neighbor_as);
	} else if (strncmp(proto, "originate_", 10) == 0) {
		*keep = true;
		cJSON_AddNullToObject(o, "next_hop");
		cJSON_AddStringToObject(o, "peer", "local");
		cJSON_AddNumberToObject(o, "peer_asn", 0);
	}
	cJSON_AddBoolToObject(o, "best", strncmp(e + 1, " *", 2) == 0);
	cJSON_AddNullToObject(o, "local_pref");
	cJSON_AddNullToObject(o, "med");
	cJSON_AddStringToObject(o, "origin", "IGP");
	cJSON_AddStringToObject(o, "as_path", "");
	cJSON_AddArrayToObject(o, "communities");
	cJSON_AddStringToObject(o, "protocol", proto);
	return o;
}

static void
route_attr(cJSON *o, const char *line)
{
	char val[1024];

	if (field(line, "BGP.next_hop:", val, sizeof(val))) {
		val[strcspn(val, " ")] = '\0';
		cJSON_ReplaceItemInObject(o, "next_hop", cJSON_CreateString(val));
	} else if (field(line, "BGP.local_pref:", val, sizeof(val))) {
		cJSON_ReplaceItemInObject(o, "local_pref", cJSON_CreateNumber(strtod(val, NULL)));
	} else if (field(line, "BGP.med:", val, sizeof(val))) {
		cJSON_ReplaceItemInObject(o, "med", cJSON_CreateNumber(strtod(val, NULL)));
	} else if (field(line, "BGP.origin:", val, sizeof(val))) {
		cJSON_ReplaceItemInObject(o, "origin",
		    cJSON_CreateString(strcasecmp(val, "Incomplete") == 0 ? "incomplete" : val));
	} else if (field(line, "BGP.as_path:", val, sizeof(val))) {
		cJSON_ReplaceItemInObject(o, "as_path", cJSON_CreateString(val));
	} else if (field(line, "BGP.community:", val, sizeof(val))) {
		route_communities(cJSON_GetObjectItem(o, "communities"), val);
	}
}

cJSON *
bird_routes_json(const char *text, const struct bird_proto *v, size_t n)
{
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "routes");
	cJSON *cur = NULL;
	char line[4096], pfx[PREFIX_STRLEN + 8] = "", last[PREFIX_STRLEN + 8] = "";
	int prefixes = 0;

	while (next_line(&text, line, sizeof(line))) {
		bool keep;

		if (line[0] == '\t') {
			if (cur != NULL)
				route_attr(cur, line);
			continue;
		}
		if (line[0] == '\0' || strncmp(line, "Table ", 6) == 0 ||
		    strncmp(line, "BIRD ", 5) == 0) {
			cur = NULL;
			continue;
		}
		cur = route_start(line, pfx, sizeof(pfx), v, n, &keep);
		if (cur == NULL)
			continue;
		if (!keep) {
			cJSON_Delete(cur);
			cur = NULL;
			continue;
		}
		cJSON_AddItemToArray(arr, cur);
		if (strcmp(pfx, last) != 0) {
			prefixes++;
			snprintf(last, sizeof(last), "%s", pfx);
		}
	}
	cJSON_AddNumberToObject(doc, "prefixes", prefixes);
	cJSON_AddFalseToObject(doc, "truncated");
	return doc;
}

/* ---- the ops -------------------------------------------------------------------------- */

/*
 * The section parsed by anybgpd's parser, BFD keys included; *bfd has one
 * entry per peer (kind_bfd.c). 0, or -1 with the errors in errs (nothing
 * left allocated).
 */
static int
bird_parse(const struct kind_node *k, struct bgp_config *cfg, struct kind_bfd **bfd,
    struct cfg_errors *errs)
{
	cJSON *c = kind_section_copy(k);
	size_t nbfd;
	int rc;

	*bfd = NULL;
	if (c == NULL) {
		cfg_error(errs, k->path, "out of memory");
		return -1;
	}
	rc = bgp_config_parse(c, k->path, cfg, errs);
	if (rc == 0 && kind_bfd_from_config(cfg, c, bfd, &nbfd) < 0) {
		cfg_error(errs, k->path, "out of memory");
		bgp_config_free(cfg);
		rc = -1;
	}
	cJSON_Delete(c);
	return rc < 0 ? -1 : 0;
}

static int
bird_check(const struct kind_node *k, struct cfg_errors *errs)
{
	struct bgp_config cfg;
	struct kind_bfd *bfd;
	int rc;

	switch (kind_check_user_config(k, errs)) {
	case 1:
		return 0;
	case -1:
		return -1;
	}
	if (bird_parse(k, &cfg, &bfd, errs) < 0)
		return -1;
	rc = bird_conf_check(&cfg, bfd, k->path, errs);
	bgp_config_free(&cfg);
	free(bfd);
	return rc;
}

/* The section parsed; msg says why not. */
static int
bird_load(const struct kind_node *k, struct bgp_config *cfg, struct kind_bfd **bfd, char *msg,
    size_t msglen)
{
	struct cfg_errors errs;

	cfg_errors_init(&errs, NULL);
	if (bird_parse(k, cfg, bfd, &errs) < 0) {
		snprintf(msg, msglen, "%s: %s", errs.count ? errs.err[0].path : k->path,
		    errs.count ? errs.err[0].msg : "invalid");
		return EMU_ECONFIG;
	}
	return 0;
}

static int
bird_write_conf(const struct kind_node *k, const struct bgp_config *cfg, const struct kind_bfd *bfd,
    const struct bird_runtime *rt, char *msg, size_t msglen)
{
	struct strbuf out = STRBUF_INIT;
	int err;

	bird_conf_render(cfg, bfd, k->path, rt, &out);
	err = out.err ? -ENOMEM : kind_write_file(k, BIRD_CONF, sb_str(&out));
	sb_free(&out);
	if (err < 0)
		snprintf(msg, msglen, "%s/%s: %s", k->dir, BIRD_CONF, emu_strerror(err));
	return err;
}

static int
bird_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	struct bgp_config cfg;
	struct kind_bfd *bfd;
	char path[ANYLAB_PATH_MAX];
	int err;

	/* A fresh start: what announce/withdraw changed belongs to the daemon that ran. */
	unlink(kind_file(k, BIRD_RUNTIME, path, sizeof(path)));
	if (kind_user_config(k) != NULL)
		return kind_copy_user_config(k, BIRD_CONF, msg, msglen);
	err = bird_load(k, &cfg, &bfd, msg, msglen);
	if (err < 0)
		return err;
	err = bird_write_conf(k, &cfg, bfd, NULL, msg, msglen);
	bgp_config_free(&cfg);
	free(bfd);
	return err;
}

static int
bird_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	if (max < 1)
		return EMU_ETRUNC;
	err |= kind_proc_arg(p, "%s", BIRD_PROG);
	err |= kind_proc_arg(p, "-f");
	err |= kind_proc_arg(p, "-c");
	err |= kind_proc_arg(p, "%s/%s", k->dir, BIRD_CONF);
	err |= kind_proc_arg(p, "-s");
	err |= kind_proc_arg(p, "%s/%s", k->dir, BIRD_CTL);
	err |= kind_proc_arg(p, "-P");
	err |= kind_proc_arg(p, "%s/%s", k->dir, BIRD_PID);
	return err ? EMU_ETRUNC : 1;
}

static int
bird_call(const struct kind_node *k, const char *cmd, struct bird_reply *r)
{
	char ctl[ANYLAB_PATH_MAX];

	return bird_ctl_call(kind_file(k, BIRD_CTL, ctl, sizeof(ctl)), cmd, BIRD_CTL_TIMEOUT_MS, r);
}

static int
bird_ready(const struct kind_node *k)
{
	struct bird_reply r;
	char ctl[ANYLAB_PATH_MAX];
	int err;

	if (access(kind_file(k, BIRD_CTL, ctl, sizeof(ctl)), F_OK) < 0)
		return -EAGAIN;
	err = bird_call(k, "show status", &r);
	if (err == 0 && bird_ctl_failed(r.code))
		err = EMU_EPROTO;
	bird_reply_free(&r);
	return err < 0 ? -EAGAIN : 0;
}

static int
bird_protocols(const struct kind_node *k, struct bird_proto **v, size_t *n)
{
	struct bird_reply r;
	int err;

	*v = NULL;
	*n = 0;
	err = bird_call(k, "show protocols all", &r);
	if (err == 0 && bird_ctl_failed(r.code))
		err = EMU_EREFUSED;
	if (err == 0)
		err = bird_protocols_parse(sb_str(&r.text), v, n);
	bird_reply_free(&r);
	return err;
}

static int
bird_progress(const struct kind_node *k, struct kind_bgp_progress *pr)
{
	struct bird_proto *v;
	size_t n;
	int err;

	memset(pr, 0, sizeof(*pr));
	err = bird_protocols(k, &v, &n);
	if (err < 0)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].type, "BGP") == 0) {
			pr->peers++;
			if (strcmp(peer_state(&v[i]), "Established") == 0)
				pr->established++;
		} else if (strcmp(v[i].type, "Kernel") == 0) {
			pr->kernel_routes += v[i].exported;
		}
	}
	pr->pending = false; /* BIRD does not say, but for BFD */
	free(v);
	if (pr->established == pr->peers && kind_bfd_pending(k))
		pr->pending = true;
	return 0;
}

/* The server's clock per `show status` (BIRD's since columns are in it). */
static double
bird_now(const struct kind_node *k, const char *label)
{
	struct bird_reply r;
	double now = -1;

	if (bird_call(k, "show status", &r) == 0 && !bird_ctl_failed(r.code))
		now = bird_status_time(sb_str(&r.text), label);
	bird_reply_free(&r);
	return now;
}

static int
bird_peers(const struct kind_node *k, cJSON **doc)
{
	struct bird_proto *v;
	size_t n;
	int err;

	*doc = NULL;
	err = bird_protocols(k, &v, &n);
	if (err < 0)
		return err;
	*doc = bird_peers_json(v, n, bird_now(k, "Current server time is"));
	free(v);
	return *doc != NULL ? 0 : -ENOMEM;
}

static int
bird_routes(const struct kind_node *k, const char *prefix, cJSON **doc)
{
	struct bird_reply r;
	struct bird_proto *v;
	struct prefix pf;
	char cmd[128];
	size_t n;
	int err;

	*doc = NULL;
	if (prefix != NULL && prefix_parse(prefix, &pf, false) < 0) {
		*doc = cJSON_CreateObject();
		cJSON_AddStringToObject(*doc, "error", "expected a prefix such as 51.51.51.0/24");
		return EMU_EREFUSED;
	}
	err = bird_protocols(k, &v, &n);
	if (err < 0)
		return err;
	snprintf(cmd, sizeof(cmd), "show route all%s%s", prefix ? " in " : "",
	    prefix ? prefix : "");
	err = bird_call(k, cmd, &r);
	if (err == 0 && bird_ctl_failed(r.code) && r.code != 8001) { /* 8001: no route */
		*doc = cJSON_CreateObject();
		cJSON_AddStringToObject(*doc, "error", sb_str(&r.text));
		err = EMU_EREFUSED;
	} else if (err == 0) {
		*doc = bird_routes_json(bird_ctl_failed(r.code) ? "" : sb_str(&r.text), v, n);
	}
	bird_reply_free(&r);
	free(v);
	return err;
}

static int
bird_bfd(const struct kind_node *k, cJSON **doc)
{
	struct bird_reply r;
	int err;

	*doc = NULL;
	err = bird_call(k, "show bfd sessions", &r);
	if (err < 0)
		return err;
	if (bird_ctl_failed(r.code) && strstr(sb_str(&r.text), "no BFD protocol") != NULL) {
		/* "There is no BFD protocol running": a node without BFD has no sessions. */
		*doc = bird_bfd_json("", -1);
	} else if (bird_ctl_failed(r.code)) {
		*doc = cJSON_CreateObject();
		cJSON_AddStringToObject(*doc, "error", sb_str(&r.text));
		err = EMU_EREFUSED;
	} else {
		*doc = bird_bfd_json(sb_str(&r.text), bird_now(k, "Current server time is"));
	}
	bird_reply_free(&r);
	return err;
}

/* ---- announce and withdraw ------------------------------------------------------------ */

static int
prefix_list_add(struct prefix **list, size_t *n, const struct prefix *p)
{
	struct prefix *nl;

	if (prefix_listed(*list, *n, p))
		return 0;
	nl = realloc(*list, (*n + 1) * sizeof(**list));
	if (nl == NULL)
		return -ENOMEM;
	nl[(*n)++] = *p;
	*list = nl;
	return 0;
}

static void
prefix_list_del(struct prefix *list, size_t *n, const struct prefix *p)
{
	for (size_t i = 0; i < *n; i++)
		if (prefix_cmp(&list[i], p) == 0) {
			list[i] = list[--*n];
			return;
		}
}

static void
runtime_free(struct bird_runtime *rt)
{
	free(rt->extra);
	free(rt->withdrawn);
	memset(rt, 0, sizeof(*rt));
}

/* DIR/bird.announce: "announce P" and "withdraw P" lines; absent: nothing changed. */
static int
runtime_load(const struct kind_node *k, struct bird_runtime *rt)
{
	char path[ANYLAB_PATH_MAX], line[128], verb[16], pfx[PREFIX_STRLEN];
	FILE *f;
	int err = 0;

	memset(rt, 0, sizeof(*rt));
	f = fopen(kind_file(k, BIRD_RUNTIME, path, sizeof(path)), "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : -errno;
	while (err == 0 && fgets(line, sizeof(line), f) != NULL) {
		struct prefix p;

		if (sscanf(line, "%15s %49s", verb, pfx) != 2 || prefix_parse(pfx, &p, false) < 0)
			continue;
		if (strcmp(verb, "announce") == 0)
			err = prefix_list_add(&rt->extra, &rt->nextra, &p);
		else if (strcmp(verb, "withdraw") == 0)
			err = prefix_list_add(&rt->withdrawn, &rt->nwithdrawn, &p);
	}
	fclose(f);
	if (err < 0)
		runtime_free(rt);
	return err;
}

static int
runtime_save(const struct kind_node *k, const struct bird_runtime *rt)
{
	struct strbuf out = STRBUF_INIT;
	char s[PREFIX_STRLEN];
	int err;

	for (size_t i = 0; i < rt->nextra; i++)
		sb_printf(&out, "announce %s\n", prefix_ntop(&rt->extra[i], s, sizeof(s)));
	for (size_t i = 0; i < rt->nwithdrawn; i++)
		sb_printf(&out, "withdraw %s\n", prefix_ntop(&rt->withdrawn[i], s, sizeof(s)));
	err = out.err ? -ENOMEM : kind_write_file(k, BIRD_RUNTIME, sb_str(&out));
	sb_free(&out);
	return err;
}

/* One command whose refusal (8xxx/9xxx) is reported in msg. */
static int
bird_command_ok(const struct kind_node *k, const char *cmd, char *msg, size_t msglen)
{
	struct bird_reply r;
	int err = bird_call(k, cmd, &r);

	if (err < 0) {
		snprintf(msg, msglen, "%s/%s: %s", k->dir, BIRD_CTL, emu_strerror(err));
		return err;
	}
	if (bird_ctl_failed(r.code)) {
		size_t l = r.text.len;

		while (l > 0 && r.text.s[l - 1] == '\n')
			l--;
		snprintf(msg, msglen, "bird: %s: %.*s", cmd, (int)l, r.text.s);
		err = EMU_EREFUSED;
	}
	bird_reply_free(&r);
	return err;
}

/* With a user's bird.conf: only its static protocols named originate_*. */
static int
bird_announce_user(const struct kind_node *k, const struct prefix *p, bool announce, char *msg,
    size_t msglen)
{
	struct bird_proto *v;
	char name[BIRD_NAME_MAX], cmd[BIRD_NAME_MAX + 16], s[PREFIX_STRLEN];
	size_t n;
	bool found;
	int err;

	bird_originate_name(p, name, sizeof(name));
	err = bird_protocols(k, &v, &n);
	if (err < 0) {
		snprintf(msg, msglen, "%s/%s: %s", k->dir, BIRD_CTL, emu_strerror(err));
		return err;
	}
	found = proto_find(v, n, name) != NULL;
	free(v);
	if (!found) {
		snprintf(msg, msglen,
		    "%s: the user's bird.conf has no protocol %s to %s %s "
		    "(kind bird, docs/kinds/bird.md)",
		    k->path, name, announce ? "enable for" : "disable for",
		    prefix_ntop(p, s, sizeof(s)));
		return EMU_EREFUSED;
	}
	snprintf(cmd, sizeof(cmd), "%s %s", announce ? "enable" : "disable", name);
	return bird_command_ok(k, cmd, msg, msglen);
}

static int
bird_announce(const struct kind_node *k, const struct prefix *p, bool announce, char *msg,
    size_t msglen)
{
	struct bgp_config cfg;
	struct bird_runtime rt;
	struct kind_bfd *bfd;
	char name[BIRD_NAME_MAX], cmd[BIRD_NAME_MAX + 16], s[PREFIX_STRLEN];
	int err;

	if (kind_user_config(k) != NULL)
		return bird_announce_user(k, p, announce, msg, msglen);
	err = bird_load(k, &cfg, &bfd, msg, msglen);
	if (err < 0)
		return err;
	err = runtime_load(k, &rt);
	if (err < 0) {
		snprintf(msg, msglen, "%s/%s: %s", k->dir, BIRD_RUNTIME, strerror(-err));
		goto free_cfg;
	}
	if (prefix_listed(cfg.originate, cfg.noriginate, p)) {
		/*
		 * An "originate" prefix: its static protocol; then, once BIRD took it,
		 * the state and bird.conf, so that a later configure keeps it.
		 */
		snprintf(cmd, sizeof(cmd), "%s %s", announce ? "enable" : "disable",
		    bird_originate_name(p, name, sizeof(name)));
		err = bird_command_ok(k, cmd, msg, msglen);
		if (err == 0 && announce)
			prefix_list_del(rt.withdrawn, &rt.nwithdrawn, p);
		else if (err == 0)
			err = prefix_list_add(&rt.withdrawn, &rt.nwithdrawn, p);
		if (err == 0)
			err = runtime_save(k, &rt);
		if (err == 0)
			err = bird_write_conf(k, &cfg, bfd, &rt, msg, msglen);
		goto free_rt;
	}
	if (!announce && !prefix_listed(rt.extra, rt.nextra, p)) {
		snprintf(msg, msglen, "%s is not originated", prefix_ntop(p, s, sizeof(s)));
		err = EMU_EREFUSED;
		goto free_rt;
	}
	if (announce)
		err = prefix_list_add(&rt.extra, &rt.nextra, p);
	else
		prefix_list_del(rt.extra, &rt.nextra, p);
	if (err == 0)
		err = bird_write_conf(k, &cfg, bfd, &rt, msg, msglen);
	if (err == 0)
		err = bird_command_ok(k, "configure", msg, msglen);
	/* Recorded only once BIRD took it: a refused configure leaves the set as it was. */
	if (err == 0)
		err = runtime_save(k, &rt);
free_rt:
	runtime_free(&rt);
free_cfg:
	bgp_config_free(&cfg);
	free(bfd);
	return err;
}

/* ---- other commands ------------------------------------------------------------------- */

/* The protocol of the peer at addr (or named so), NULL when none. */
static const struct bird_proto *
proto_of_peer(const struct bird_proto *v, size_t n, const char *peer)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].type, "BGP") == 0 &&
		    (strcmp(v[i].neighbor, peer) == 0 || strcmp(v[i].name, peer) == 0))
			return &v[i];
	return NULL;
}

static long
proc_status_kb(const char *pidfile, const char *key)
{
	char path[64], line[256];
	long pid = 0, kb = -1;
	FILE *f = fopen(pidfile, "re");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			kb = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return kb;
}

static cJSON *
bird_status_json(const struct kind_node *k, const struct bird_proto *v, size_t n,
    const char *status)
{
	cJSON *o = cJSON_CreateObject();
	double now = bird_status_time(status, "Current server time is");
	double boot = bird_status_time(status, "Last reboot on");
	unsigned peers = 0, est = 0;
	unsigned long long kr = 0;
	char line[256], val[128];
	const char *s = status;

	cJSON_AddStringToObject(o, "daemon", "bird");
	while (next_line(&s, line, sizeof(line))) {
		if (strncmp(line, "BIRD ", 5) == 0)
			cJSON_AddStringToObject(o, "version", line + 5);
		else if (field(line, "Router ID is", val, sizeof(val)))
			cJSON_AddStringToObject(o, "router_id", val);
	}
	cJSON_AddStringToObject(o, "node", k->node != NULL ? k->node->name : "");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].type, "BGP") == 0) {
			if (peers++ == 0 && v[i].local_as)
				cJSON_AddNumberToObject(o, "asn", (double)v[i].local_as);
			est += strcmp(peer_state(&v[i]), "Established") == 0;
		} else if (strcmp(v[i].type, "Kernel") == 0) {
			kr += v[i].exported;
		}
	}
	if (now > 0 && boot > 0)
		cJSON_AddNumberToObject(o, "uptime",
		    (double)(long long)((now - boot) * 1000) / 1000);
	cJSON_AddNumberToObject(o, "peers", peers);
	cJSON_AddNumberToObject(o, "established", est);
	cJSON_AddNumberToObject(o, "kernel_routes", (double)kr);
	cJSON_AddFalseToObject(o, "pending");
	return o;
}

/* "3 of 3 routes for 2 networks in table master4" lines, summed. */
static void
route_counts(const char *text, double *routes, double *networks)
{
	char line[256];

	*routes = *networks = 0;
	while (next_line(&text, line, sizeof(line))) {
		unsigned long long a, b, c;

		if (strncmp(line, "Total:", 6) != 0 &&
		    sscanf(line, "%llu of %llu routes for %llu networks", &a, &b, &c) == 3) {
			*routes += (double)b;
			*networks += (double)c;
		}
	}
}

static int
bird_command(const struct kind_node *k, const char *verb, const char *arg, cJSON **doc)
{
	struct bird_reply r = { STRBUF_INIT, -1 }, c = { STRBUF_INIT, -1 };
	struct bird_proto *v = NULL;
	char msg[KIND_MSG_MAX] = "", cmd[256];
	size_t n = 0;
	int err = 0;

	*doc = NULL;
	if (strcmp(verb, "birdc") == 0) {
		/* Any command of BIRD's CLI, its text and code as they came. */
		err = bird_call(k, arg ? arg : "show status", &r);
		if (err == 0) {
			*doc = cJSON_CreateObject();
			cJSON_AddNumberToObject(*doc, "code", r.code);
			cJSON_AddStringToObject(*doc, bird_ctl_failed(r.code) ? "error" : "reply",
			    sb_str(&r.text));
			err = bird_ctl_failed(r.code) ? EMU_EREFUSED : 0;
		}
		goto out;
	}
	if (strcmp(verb, "reload") == 0) {
		err = bird_command_ok(k, "configure", msg, sizeof(msg));
		goto reply;
	}
	err = bird_protocols(k, &v, &n);
	if (err < 0)
		goto out;
	if (strcmp(verb, "status") == 0 || strcmp(verb, "stats") == 0) {
		char pidfile[ANYLAB_PATH_MAX];
		double routes, nets;
		cJSON *peers, *kernel;

		err = bird_call(k, "show status", &r);
		if (err == 0)
			err = bird_call(k, "show route count", &c);
		if (err < 0)
			goto out;
		*doc = bird_status_json(k, v, n, sb_str(&r.text));
		if (strcmp(verb, "status") == 0)
			goto out;
		/* stats: anybgpd's keys, per-peer details in "peers" instead of a count. */
		kernel = cJSON_DetachItemFromObject(*doc, "kernel_routes");
		cJSON_DeleteItemFromObject(*doc, "peers");
		cJSON_DeleteItemFromObject(*doc, "established");
		cJSON_DeleteItemFromObject(*doc, "pending");
		kind_file(k, BIRD_PID, pidfile, sizeof(pidfile));
		cJSON_AddNumberToObject(*doc, "rss_kb", (double)proc_status_kb(pidfile, "VmRSS:"));
		cJSON_AddNumberToObject(*doc, "peak_rss_kb",
		    (double)proc_status_kb(pidfile, "VmHWM:"));
		route_counts(sb_str(&c.text), &routes, &nets);
		{
			cJSON *rib = cJSON_AddObjectToObject(*doc, "rib");
			cJSON *kobj = cJSON_AddObjectToObject(*doc, "kernel");

			cJSON_AddNumberToObject(rib, "prefixes", nets);
			cJSON_AddNumberToObject(rib, "paths", routes);
			cJSON_AddItemToObject(kobj, "installed", kernel);
		}
		peers = bird_peers_json(v, n,
		    bird_status_time(sb_str(&r.text), "Current server time is"));
		cJSON_AddItemToObject(*doc, "peers", cJSON_DetachItemFromObject(peers, "peers"));
		cJSON_Delete(peers);
		goto out;
	}
	if (strcmp(verb, "reset") == 0 || strcmp(verb, "refresh") == 0) {
		const struct bird_proto *p = arg ? proto_of_peer(v, n, arg) : NULL;

		if (p == NULL) {
			snprintf(msg, sizeof(msg), "%s: no such peer", arg ? arg : "(none)");
			err = EMU_EREFUSED;
			goto reply;
		}
		snprintf(cmd, sizeof(cmd), "%s %s",
		    strcmp(verb, "reset") == 0 ? "restart" : "reload in", p->name);
		err = bird_command_ok(k, cmd, msg, sizeof(msg));
		goto reply;
	}
	snprintf(msg, sizeof(msg),
	    "unknown command \"%s\": kind bird knows status, stats, "
	    "reset PEER, refresh PEER, reload, birdc COMMAND",
	    verb);
	err = EMU_EREFUSED;
reply:
	*doc = cJSON_CreateObject();
	if (err == 0)
		cJSON_AddTrueToObject(*doc, "ok");
	else
		cJSON_AddStringToObject(*doc, "error", msg[0] ? msg : emu_strerror(err));
out:
	bird_reply_free(&r);
	bird_reply_free(&c);
	free(v);
	return err;
}

const struct kind_ops kind_bird = {
	.name = "bird",
	.role = KIND_BGP,
	.package = "bird2",
	.programs = bird_programs,
	.check = bird_check,
	.configure = bird_configure,
	.procs = bird_procs,
	.ready = bird_ready,
	.bgp_progress = bird_progress,
	.bgp_peers = bird_peers,
	.bgp_routes = bird_routes,
	.bgp_announce = bird_announce,
	.bgp_drain = kind_drain_by_withdrawal,
	.bgp_command = bird_command,
	.bgp_bfd = bird_bfd,
};
