/*
 * Kind "frr": FRRouting 8.4 (Debian package frr) as a node's BGP speaker.
 * Two processes: bgpd (the main one) and zebra, which puts bgpd's selected
 * routes, multipath ones included, into the node's kernel. Both start as
 * root and drop to user frr; every file of theirs is in the node's folder:
 * under frr/ (owned by frr) the configs, pid files, the zserv socket and
 * the vty sockets, beside it their logs bgp.log and bgp.zebra.log (opened
 * before the drop). Nothing goes to the host's /etc/frr or /var/run/frr,
 * and there is no vty TCP port.
 *
 * The node's bgp section (anybgpd's keys, docs/anybgpd.md) becomes
 * frr/bgpd.conf; keys FRR cannot express as anybgpd means them are refused
 * by check. RFC 8212: FRR's default (ebgp-requires-policy) already accepts
 * and sends nothing on an external session without a policy, as anybgpd
 * does; "all" is a permit-everything route-map, or "no bgp
 * ebgp-requires-policy" when every external session says all both ways.
 * With "config" the user's own file (integrated FRR syntax) is bgpd's, and
 * zebra gets a minimal one.
 *
 * BFD (the section's "bfd" keys, kind_bfd.h) adds a third process, bfdd,
 * a client of zebra like bgpd: bgpd asks it (through zebra) for a session
 * per peer with "neighbor A bfd profile peer-A", and frr/bfdd.conf holds
 * each profile's intervals and multiplier. When a session goes down bfdd
 * tells bgpd, which drops the BGP session (RFC 5882).
 *
 * State, routes, announce and withdraw go through bgpd's and zebra's vty
 * sockets (frr_vty.c), BFD sessions through bfdd's; their JSON is turned
 * into anybgpd's shape by the frr_json_* functions (kind_frr.h).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgp_config.h"
#include "frr_vty.h"
#include "kind.h"
#include "kind_bfd.h"
#include "kind_policy.h"
#include "kind_frr.h"
#include "strbuf.h"

#define FRR_BGPD		"/usr/lib/frr/bgpd"
#define FRR_ZEBRA		"/usr/lib/frr/zebra"
#define FRR_BFDD		"/usr/lib/frr/bfdd"
#define FRR_BFD_INTERVAL_MIN	10 /* bfdd's receive-interval and transmit-interval: 10-60000 ms */
#define FRR_BFD_MULTIPLIER_MIN	2  /* detect-multiplier 2-255 */
#define FRR_USER		"frr"
#define FRR_DIR			"frr" /* the daemons' folder inside the node's */
#define FRR_QUERY_MS		5000  /* one vty session */
#define FRR_READY_MS		1000
#define FRR_PREPEND_LAST_AS_MAX 10 /* set as-path prepend last-as 1-10 */
#define FRR_MAXPFX_RESTART_MIN	2  /* anybgpd restarts after 120 s */

static const char *const frr_programs[] = { FRR_BGPD, FRR_ZEBRA, FRR_BFDD, NULL };

enum frr_dir {
	FRR_IN,
	FRR_OUT
};

static bool frr_printable(const char *s, bool space_inside);
static bool frr_policy_name_ok(const char *s);
static void frr_render(const struct kind_node *, const struct bgp_config *, const struct kind_bfd *,
    struct strbuf *);
static void frr_render_bfdd(const struct kind_node *, const struct bgp_config *,
    const struct kind_bfd *, struct strbuf *);
static int frr_mkdir(const struct kind_node *, char *msg, size_t msglen);
static int frr_chown(const struct kind_node *, char *msg, size_t msglen);
static const char *frr_path(const struct kind_node *, const char *name, char *buf, size_t len);
static double num(const cJSON *, const char *key, double def);
static const char *str(const cJSON *, const char *key);
static void copy_num(cJSON *to, const char *name, const cJSON *from, const char *key, double scale);

/* k->dir/frr/name */
static const char *
frr_path(const struct kind_node *k, const char *name, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/%s/%s", k->dir, FRR_DIR, name) >= (int)len)
		buf[0] = '\0';
	return buf;
}

/* Printable ASCII only (a newline would end a configuration line). */
static bool
frr_printable(const char *s, bool space_inside)
{
	size_t n = strlen(s);

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || (*s == ' ' && !space_inside))
			return false;
	return true;
}

/* Route-map and prefix-list names are one word; keep them plain. */
static bool
frr_policy_name_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 60)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static bool
frr_ebgp(const struct bgp_config *cfg, const struct bgp_peer_config *pc)
{
	return pc->asn != cfg->asn;
}

/* Keys of the section FRR cannot express the way anybgpd means them. */
static void
frr_check_config(const struct kind_node *k, const cJSON *sec, const struct bgp_config *cfg,
    const struct kind_bfd *bfd, struct cfg_errors *errs)
{
	const cJSON *peers = cJSON_GetObjectItemCaseSensitive(sec, "peers");
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];

	for (int f = 0; f < 2; f++) {
		const char *key = f ? "listen_ipv6" : "listen_ipv4";

		if (cJSON_GetObjectItemCaseSensitive(sec, key) != NULL)
			cfg_error(errs, jc_path(p, k->path, key),
			    "kind frr cannot bind its "
			    "listener to one address without keeping every route out of the "
			    "kernel (bgpd -l implies -n)");
	}
	if (cfg->kernel_table != BGP_DEF_TABLE)
		cfg_error(errs, jc_path(q, jc_path(p, k->path, "kernel"), "table"),
		    "kind frr installs routes only into the main table (254), found %u",
		    cfg->kernel_table);
	if (cfg->kernel_protocol != BGP_DEF_PROTOCOL)
		cfg_error(errs, jc_path(q, jc_path(p, k->path, "kernel"), "protocol"),
		    "kind frr's zebra installs BGP routes as protocol bgp (186), found %u",
		    cfg->kernel_protocol);
	kind_policy_refuse(cfg, k->path, "frr", errs);
	for (size_t i = 0; i < cfg->npolicies; i++) {
		const struct bgp_policy *pol = &cfg->policies[i];

		jc_path(q, jc_path(p, k->path, "policies"), pol->name);
		if (!frr_policy_name_ok(pol->name))
			cfg_error(errs, q,
			    "kind frr needs policy names of letters, digits, "
			    "'_', '-' and '.' (at most 60), found \"%s\"",
			    pol->name);
	}
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *pc = &cfg->peers[i];
		const cJSON *pj = cJSON_GetArrayItem(peers, (int)i);
		char pp[CFG_PATH_MAX];

		jc_path_idx(pp, jc_path(p, k->path, "peers"), (int)i);
		for (int f = 0; f < 2; f++) {
			const char *key = f ? "next_hop_ipv6" : "next_hop_ipv4";

			if (cJSON_GetObjectItemCaseSensitive(pj, key) != NULL)
				cfg_error(errs, jc_path(q, pp, key),
				    "kind frr cannot set a "
				    "fixed next hop for the other family's routes");
		}
		if (pc->addr.family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&pc->addr.v6))
			cfg_error(errs, jc_path(q, pp, "address"),
			    "kind frr needs an "
			    "interface for a link-local peer, which anybgpd's keys cannot name");
		if (pc->password != NULL && !frr_printable(pc->password, false))
			cfg_error(errs, jc_path(q, pp, "password"),
			    "kind frr needs a key of "
			    "printable ASCII without spaces (one word in its configuration)");
		if (pc->route_server_client)
			cfg_error(errs, jc_path(q, pp, "route_server_client"),
			    "kind frr is not translated for route-server clients here; "
			    "use anybgpd or kind bird for the route server");
		if (pc->description != NULL && !frr_printable(pc->description, true))
			cfg_error(errs, jc_path(q, pp, "description"),
			    "kind frr needs a "
			    "description of printable ASCII without leading or trailing spaces");
		if (pc->import_ref == BGP_POLICY_NAMED && pc->import->prepend > 0) {
			if (!frr_ebgp(cfg, pc))
				cfg_error(errs, jc_path(q, pp, "import"),
				    "kind frr prepends the "
				    "path's first AS on import (last-as), which is not the peer's "
				    "own AS on an internal session; policy \"%s\" has prepend",
				    pc->import->name);
			else if (pc->import->prepend > FRR_PREPEND_LAST_AS_MAX)
				cfg_error(errs, jc_path(q, pp, "import"),
				    "kind frr prepends at "
				    "most %d times on import; policy \"%s\" has prepend %u",
				    FRR_PREPEND_LAST_AS_MAX, pc->import->name, pc->import->prepend);
		}
		if (bfd[i].on &&
		    (bfd[i].min_tx_ms < FRR_BFD_INTERVAL_MIN ||
			bfd[i].min_rx_ms < FRR_BFD_INTERVAL_MIN))
			cfg_error(errs, jc_path(q, pp, "bfd"),
			    "kind frr's bfdd takes intervals "
			    "of %d to %d ms, found min_tx_ms %u, min_rx_ms %u",
			    FRR_BFD_INTERVAL_MIN, KIND_BFD_INTERVAL_MAX_MS, bfd[i].min_tx_ms,
			    bfd[i].min_rx_ms);
		if (bfd[i].on && bfd[i].multiplier < FRR_BFD_MULTIPLIER_MIN)
			cfg_error(errs, jc_path(q, pp, "bfd"),
			    "kind frr's bfdd takes a "
			    "multiplier of %d to %d, found %u",
			    FRR_BFD_MULTIPLIER_MIN, KIND_BFD_MULTIPLIER_MAX, bfd[i].multiplier);
	}
	kind_bfd_refuse_strict(bfd, cfg->npeers, k->path, "frr",
	    "FRR 8.4 has no \"neighbor A bfd strict\" (FRR 10.4 added it)", errs);
}

/*
 * The section parsed by anybgpd's parser, BFD keys included; *bfd has one
 * entry per peer (kind_bfd.c). 0, or -1 with the errors in errs (nothing
 * left allocated). With copy, the copy read (without "kind").
 */
static int
frr_parse(const struct kind_node *k, struct bgp_config *cfg, struct kind_bfd **bfd,
    struct cfg_errors *errs, cJSON **copy)
{
	cJSON *c = kind_section_copy(k);
	size_t nbfd;
	int rc;

	*bfd = NULL;
	if (c == NULL) {
		cfg_error(errs, k->path, "out of memory");
		return -1;
	}
	rc = bgp_config_parse(c, k->path, cfg, errs) < 0 ? -1 : 0;
	if (rc == 0 && kind_bfd_from_config(cfg, c, bfd, &nbfd) < 0) {
		cfg_error(errs, k->path, "out of memory");
		bgp_config_free(cfg);
		rc = -1;
	}
	if (rc == 0 && copy != NULL)
		*copy = c;
	else
		cJSON_Delete(c);
	return rc;
}

static int
frr_check(const struct kind_node *k, struct cfg_errors *errs)
{
	struct bgp_config cfg;
	struct kind_bfd *bfd;
	int before = errs->count;
	cJSON *c;

	switch (kind_check_user_config(k, errs)) {
	case 1:
		return 0;
	case -1:
		return -1;
	}
	if (frr_parse(k, &cfg, &bfd, errs, &c) < 0)
		return -1;
	frr_check_config(k, c, &cfg, bfd, errs);
	bgp_config_free(&cfg);
	free(bfd);
	cJSON_Delete(c);
	return errs->count == before ? 0 : -1;
}

/* "65511:100", or FRR's names for the well-known ones (RFC 1997). */
static void
frr_community(struct strbuf *sb, uint32_t c)
{
	switch (c) {
	case 0xFFFFFF01:
		sb_puts(sb, "no-export");
		break;
	case 0xFFFFFF02:
		sb_puts(sb, "no-advertise");
		break;
	case 0xFFFFFF03:
		sb_puts(sb, "local-AS");
		break;
	default:
		sb_printf(sb, "%u:%u", c >> 16, c & 0xFFFF);
	}
}

/* Whether policy pol has a prefix list at all (otherwise it accepts every route). */
static bool
frr_policy_filters(const struct bgp_policy *pol)
{
	return pol->nrules > 0 || !pol->default_accept;
}

/* Whether the policy's list for family af lets anything through. */
static bool
frr_policy_family(const struct bgp_policy *pol, int af)
{
	if (pol->default_accept)
		return true;
	for (size_t i = 0; i < pol->nrules; i++)
		if (pol->rules[i].pfx.addr.family == af && pol->rules[i].accept)
			return true;
	return false;
}

static void
frr_prefix_lists(const struct bgp_policy *pol, struct strbuf *sb)
{
	static const int afs[] = { AF_INET, AF_INET6 };

	for (size_t f = 0; f < 2; f++) {
		const char *kw = afs[f] == AF_INET ? "ip" : "ipv6";
		const char *sfx = afs[f] == AF_INET ? "v4" : "v6";
		unsigned seq = 5;

		if (!frr_policy_family(pol, afs[f]))
			continue;
		for (size_t i = 0; i < pol->nrules; i++) {
			const struct bgp_prefix_rule *r = &pol->rules[i];
			char pb[PREFIX_STRLEN];

			if (r->pfx.addr.family != afs[f])
				continue;
			sb_printf(sb, "%s prefix-list %s-%s seq %u %s %s", kw, pol->name, sfx, seq,
			    r->accept ? "permit" : "deny", prefix_ntop(&r->pfx, pb, sizeof(pb)));
			if (r->ge > r->pfx.len)
				sb_printf(sb, " ge %u le %u", r->ge, r->le);
			else if (r->le > r->pfx.len)
				sb_printf(sb, " le %u", r->le);
			sb_puts(sb, "\n");
			seq += 5;
		}
		if (pol->default_accept)
			sb_printf(sb, "%s prefix-list %s-%s seq %u permit %s le %u\n", kw,
			    pol->name, sfx, seq, afs[f] == AF_INET ? "0.0.0.0/0" : "::/0",
			    ipaddr_bits(afs[f]));
	}
	sb_puts(sb, "!\n");
}

static void
frr_policy_sets(const struct bgp_config *cfg, const struct bgp_policy *pol, enum frr_dir dir,
    struct strbuf *sb)
{
	if (pol->set_local_pref)
		sb_printf(sb, " set local-preference %u\n", pol->local_pref);
	if (pol->set_med)
		sb_printf(sb, " set metric %u\n", pol->med);
	if (pol->ncommunities > 0) {
		sb_puts(sb, " set community");
		for (size_t i = 0; i < pol->ncommunities; i++) {
			sb_puts(sb, " ");
			frr_community(sb, pol->communities[i]);
		}
		sb_puts(sb, pol->communities_replace ? "\n" : " additive\n");
	} else if (pol->communities_replace) {
		sb_puts(sb, " set community none\n");
	}
	if (pol->prepend > 0 && dir == FRR_IN) {
		sb_printf(sb, " set as-path prepend last-as %u\n", pol->prepend);
	} else if (pol->prepend > 0) {
		sb_puts(sb, " set as-path prepend");
		for (unsigned i = 0; i < pol->prepend; i++)
			sb_printf(sb, " %u", cfg->asn);
		sb_puts(sb, "\n");
	}
}

/* route-map NAME-in or NAME-out: one entry per family the prefix list lets through. */
static void
frr_route_map(const struct bgp_config *cfg, const struct bgp_policy *pol, enum frr_dir dir,
    struct strbuf *sb)
{
	const char *d = dir == FRR_IN ? "in" : "out";
	unsigned seq = 10;

	if (!frr_policy_filters(pol)) {
		sb_printf(sb, "route-map %s-%s permit 10\n", pol->name, d);
		frr_policy_sets(cfg, pol, dir, sb);
		sb_puts(sb, "exit\n!\n");
		return;
	}
	if (!frr_policy_family(pol, AF_INET) && !frr_policy_family(pol, AF_INET6)) {
		sb_printf(sb, "route-map %s-%s deny 10\nexit\n!\n", pol->name, d);
		return;
	}
	for (int f = 0; f < 2; f++, seq += 10) {
		int af = f ? AF_INET6 : AF_INET;

		if (!frr_policy_family(pol, af))
			continue;
		sb_printf(sb, "route-map %s-%s permit %u\n", pol->name, d, seq);
		sb_printf(sb, " match %s address prefix-list %s-%s\n", f ? "ipv6" : "ip", pol->name,
		    f ? "v6" : "v4");
		frr_policy_sets(cfg, pol, dir, sb);
		sb_puts(sb, "exit\n!\n");
	}
}

/*
 * RFC 8212 as FRR's default gives it: with every external session saying
 * "all" both ways, the check is switched off and no route-map is needed.
 */
static bool
frr_policy_free(const struct bgp_config *cfg)
{
	bool any = false;

	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *pc = &cfg->peers[i];

		if (!frr_ebgp(cfg, pc))
			continue;
		if (pc->import_ref != BGP_POLICY_ALL || pc->export_ref != BGP_POLICY_ALL)
			return false;
		any = true;
	}
	return any;
}

/* The route-map a peer's policy reference becomes, NULL for none (FRR's default). */
static const char *
frr_map_name(const struct bgp_config *cfg, enum bgp_policy_ref ref, const struct bgp_policy *pol,
    enum frr_dir dir, char *buf, size_t len)
{
	switch (ref) {
	case BGP_POLICY_ALL:
		return frr_policy_free(cfg) ? NULL : "all";
	case BGP_POLICY_NONE:
		return "none";
	case BGP_POLICY_NAMED:
		snprintf(buf, len, "%s-%s", pol->name, dir == FRR_IN ? "in" : "out");
		return buf;
	default:
		return NULL;
	}
}

static uint32_t
frr_max_prefixes(const struct bgp_peer_config *pc)
{
	uint32_t m = pc->max_prefixes;

	if (pc->import_ref == BGP_POLICY_NAMED && pc->import->max_prefixes != 0 &&
	    (m == 0 || pc->import->max_prefixes < m))
		m = pc->import->max_prefixes;
	return m;
}

static void
frr_address_family(const struct bgp_config *cfg, int af, struct strbuf *sb)
{
	bool used = false;

	for (size_t i = 0; i < cfg->noriginate; i++)
		used |= cfg->originate[i].addr.family == af;
	for (size_t i = 0; i < cfg->npeers; i++)
		used |= af == AF_INET ? cfg->peers[i].ipv4 : cfg->peers[i].ipv6;
	if (!used)
		return;
	sb_printf(sb, " address-family %s unicast\n", af == AF_INET ? "ipv4" : "ipv6");
	for (size_t i = 0; i < cfg->noriginate; i++) {
		char pb[PREFIX_STRLEN];

		if (cfg->originate[i].addr.family == af)
			sb_printf(sb, "  network %s\n",
			    prefix_ntop(&cfg->originate[i], pb, sizeof(pb)));
	}
	sb_printf(sb, "  maximum-paths %u\n  maximum-paths ibgp %u\n", cfg->max_paths,
	    cfg->max_paths);
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *pc = &cfg->peers[i];
		char a[IPADDR_STRLEN], nb[80];
		const char *map;
		uint32_t maxp;

		if (!(af == AF_INET ? pc->ipv4 : pc->ipv6))
			continue;
		ipaddr_ntop(&pc->addr, a, sizeof(a));
		sb_printf(sb, "  neighbor %s activate\n", a);
		map = frr_map_name(cfg, pc->import_ref, pc->import, FRR_IN, nb, sizeof(nb));
		if (map != NULL)
			sb_printf(sb, "  neighbor %s route-map %s in\n", a, map);
		map = frr_map_name(cfg, pc->export_ref, pc->export, FRR_OUT, nb, sizeof(nb));
		if (map != NULL)
			sb_printf(sb, "  neighbor %s route-map %s out\n", a, map);
		maxp = frr_max_prefixes(pc);
		if (maxp != 0)
			sb_printf(sb, "  neighbor %s maximum-prefix %u restart %d\n", a, maxp,
			    FRR_MAXPFX_RESTART_MIN);
	}
	sb_puts(sb, " exit-address-family\n !\n");
}

/* bfdd's profile for one peer's session: "peer-" and its address. */
static const char *
frr_bfd_profile(const struct bgp_peer_config *pc, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	snprintf(buf, len, "peer-%s", ipaddr_ntop(&pc->addr, a, sizeof(a)));
	return buf;
}

static void
frr_neighbor(const struct bgp_config *cfg, const struct bgp_peer_config *pc,
    const struct kind_bfd *bfd, struct strbuf *sb)
{
	char a[IPADDR_STRLEN], l[IPADDR_STRLEN];

	ipaddr_ntop(&pc->addr, a, sizeof(a));
	sb_printf(sb, " neighbor %s remote-as %u\n", a, pc->asn);
	if (pc->description != NULL)
		sb_printf(sb, " neighbor %s description %s\n", a, pc->description);
	/* Without a listener, FRR's default peer port may follow -p: say it always. */
	if (pc->port != BGP_DEF_PORT || !cfg->listen)
		sb_printf(sb, " neighbor %s port %u\n", a, pc->port);
	if (pc->passive)
		sb_printf(sb, " neighbor %s passive\n", a);
	if (pc->password != NULL)
		sb_printf(sb, " neighbor %s password %s\n", a, pc->password);
	if (pc->ttl_security)
		sb_printf(sb, " neighbor %s ttl-security hops 1\n", a);
	if (pc->local_addr.family != 0)
		sb_printf(sb, " neighbor %s update-source %s\n", a,
		    ipaddr_ntop(&pc->local_addr, l, sizeof(l)));
	if (pc->hold_time != cfg->hold_time || pc->keepalive != cfg->keepalive)
		sb_printf(sb, " neighbor %s timers %u %u\n", a, pc->keepalive, pc->hold_time);
	sb_printf(sb, " neighbor %s timers connect %u\n", a, pc->connect_retry);
	if (bfd->on) {
		char prof[64];

		sb_printf(sb, " neighbor %s bfd\n", a);
		sb_printf(sb, " neighbor %s bfd profile %s\n", a,
		    frr_bfd_profile(pc, prof, sizeof(prof)));
	}
}

/* Whether a policy is used in direction dir by any peer. */
static bool
frr_policy_used(const struct bgp_config *cfg, const struct bgp_policy *pol, enum frr_dir dir)
{
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *pc = &cfg->peers[i];

		if (dir == FRR_IN && pc->import_ref == BGP_POLICY_NAMED && pc->import == pol)
			return true;
		if (dir == FRR_OUT && pc->export_ref == BGP_POLICY_NAMED && pc->export == pol)
			return true;
	}
	return false;
}

static bool
frr_ref_used(const struct bgp_config *cfg, enum bgp_policy_ref ref)
{
	for (size_t i = 0; i < cfg->npeers; i++)
		if (cfg->peers[i].import_ref == ref || cfg->peers[i].export_ref == ref)
			return true;
	return false;
}

static void
frr_render(const struct kind_node *k, const struct bgp_config *cfg, const struct kind_bfd *bfd,
    struct strbuf *sb)
{
	char id[IPADDR_STRLEN];

	sb_printf(sb,
	    "! FRR bgpd configuration of node %s, written by anylab from %s "
	    "(kind frr)\n",
	    k->node->name, k->path);
	sb_printf(sb, "frr defaults traditional\nhostname %s\n!\n", k->node->name);
	sb_printf(sb, "router bgp %u\n", cfg->asn);
	sb_printf(sb, " bgp router-id %s\n", ipaddr_ntop(&cfg->router_id, id, sizeof(id)));
	sb_puts(sb,
	    " bgp log-neighbor-changes\n no bgp default ipv4-unicast\n"
	    " no bgp network import-check\n");
	if (frr_policy_free(cfg))
		sb_puts(sb, " no bgp ebgp-requires-policy\n");
	if (cfg->relax_as_path)
		sb_puts(sb, " bgp bestpath as-path multipath-relax\n");
	sb_printf(sb, " timers bgp %u %u\n", cfg->keepalive, cfg->hold_time);
	for (size_t i = 0; i < cfg->npeers; i++)
		frr_neighbor(cfg, &cfg->peers[i], &bfd[i], sb);
	sb_puts(sb, " !\n");
	frr_address_family(cfg, AF_INET, sb);
	frr_address_family(cfg, AF_INET6, sb);
	sb_puts(sb, "exit\n!\n");
	for (size_t i = 0; i < cfg->npolicies; i++) {
		const struct bgp_policy *pol = &cfg->policies[i];

		bool used = frr_policy_used(cfg, pol, FRR_IN) || frr_policy_used(cfg, pol, FRR_OUT);

		if (used && frr_policy_filters(pol) &&
		    (frr_policy_family(pol, AF_INET) || frr_policy_family(pol, AF_INET6)))
			frr_prefix_lists(pol, sb);
	}
	if (frr_ref_used(cfg, BGP_POLICY_ALL) && !frr_policy_free(cfg))
		sb_puts(sb, "route-map all permit 10\nexit\n!\n");
	if (frr_ref_used(cfg, BGP_POLICY_NONE))
		sb_puts(sb, "route-map none deny 10\nexit\n!\n");
	for (size_t i = 0; i < cfg->npolicies; i++)
		for (int d = FRR_IN; d <= FRR_OUT; d++)
			if (frr_policy_used(cfg, &cfg->policies[i], (enum frr_dir)d))
				frr_route_map(cfg, &cfg->policies[i], (enum frr_dir)d, sb);
	sb_puts(sb, "end\n");
}

/* frr/bfdd.conf: one profile per peer that runs BFD, named as its neighbor line names it. */
static void
frr_render_bfdd(const struct kind_node *k, const struct bgp_config *cfg, const struct kind_bfd *bfd,
    struct strbuf *sb)
{
	sb_printf(sb,
	    "! FRR bfdd configuration of node %s, written by anylab from %s "
	    "(kind frr)\n",
	    k->node->name, k->path);
	sb_printf(sb, "frr defaults traditional\nhostname %s\n!\nbfd\n", k->node->name);
	for (size_t i = 0; i < cfg->npeers; i++) {
		char prof[64];

		if (!bfd[i].on)
			continue;
		sb_printf(sb, " profile %s\n", frr_bfd_profile(&cfg->peers[i], prof, sizeof(prof)));
		sb_printf(sb, "  detect-multiplier %u\n", bfd[i].multiplier);
		sb_printf(sb, "  receive-interval %u\n", bfd[i].min_rx_ms);
		sb_printf(sb, "  transmit-interval %u\n", bfd[i].min_tx_ms);
		sb_puts(sb, " exit\n !\n");
	}
	sb_puts(sb, "exit\n!\nend\n");
}

static int
frr_mkdir(const struct kind_node *k, char *msg, size_t msglen)
{
	char dir[ANYLAB_PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s/%s", k->dir, FRR_DIR) >= (int)sizeof(dir)) {
		snprintf(msg, msglen, "%s: folder name too long", k->dir);
		return EMU_ETRUNC;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		int err = -errno;

		snprintf(msg, msglen, "%s: %s", dir, strerror(errno));
		return err;
	}
	return 0;
}

/*
 * The daemons drop to user frr before they make their sockets and pid
 * files: the folder and the configs must be frr's. Only root can give them
 * away, and only root can start FRR; without root there is nothing to do.
 */
static int
frr_chown(const struct kind_node *k, char *msg, size_t msglen)
{
	static const char *const names[] = { "", "bgpd.conf", "zebra.conf", "bfdd.conf" };
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	pw = getpwnam(FRR_USER);
	if (pw == NULL) {
		snprintf(msg, msglen,
		    "%s: kind frr needs the user %s (Debian package frr; "
		    "tools/setup.sh installs it)",
		    k->path, FRR_USER);
		return EMU_EMISSING;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[ANYLAB_PATH_MAX];

		frr_path(k, names[i], path, sizeof(path));
		/* bfdd.conf only when some peer runs BFD */
		if (strcmp(names[i], "bfdd.conf") == 0 && access(path, F_OK) < 0 && errno == ENOENT)
			continue;
		if (chown(path, pw->pw_uid, pw->pw_gid) < 0) {
			int err = -errno;

			snprintf(msg, msglen, "%s: %s", path, strerror(errno));
			return err;
		}
	}
	return 0;
}

/* k->dir/frr/name with text; msg says why not. */
static int
frr_write(const struct kind_node *k, const char *name, const char *text, char *msg, size_t msglen)
{
	char rel[64];
	int err;

	snprintf(rel, sizeof(rel), "%s/%s", FRR_DIR, name);
	err = kind_write_file(k, rel, text);
	if (err < 0)
		snprintf(msg, msglen, "%s/%s: %s", k->dir, rel, emu_strerror(err));
	return err;
}

/* Is line (up to its newline) the word w, alone and at its start? */
static bool
frr_line_is(const char *line, const char *w)
{
	size_t n = strlen(w), e = strcspn(line, "\n");

	while (e > n && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
		e--;
	return e == n && strncmp(line, w, n) == 0;
}

/* Does line (up to its newline) have the word "bfd" ("neighbor A bfd ...")? */
static bool
frr_line_has_bfd(const char *line)
{
	size_t e = strcspn(line, "\n");

	for (size_t i = 0; i + 3 <= e; i++)
		if (strncmp(line + i, "bfd", 3) == 0 && (i == 0 || line[i - 1] == ' ') &&
		    (i + 3 == e || line[i + 3] == ' ' || line[i + 3] == '\r'))
			return true;
	return false;
}

/*
 * A user's integrated configuration copied as bgpd.conf: its top-level
 * "bfd" blocks (from a line "bfd" to its "exit", or to the next line that
 * is not indented) move to bfdd.conf, which is written whenever the file
 * mentions BFD at all; bfdd then starts (frr_procs).
 */
static int
frr_split_user(const struct kind_node *k, char *msg, size_t msglen)
{
	struct strbuf bgpd = STRBUF_INIT, bfdd = STRBUF_INIT;
	char path[ANYLAB_PATH_MAX], *text;
	bool in_bfd = false, any = false;
	int err = 0;

	text = NULL;
	{
		FILE *f = fopen(frr_path(k, "bgpd.conf", path, sizeof(path)), "re");
		size_t cap = 0;

		if (f == NULL || getdelim(&text, &cap, '\0', f) < 0) {
			err = f == NULL ? -errno : -EIO;
			snprintf(msg, msglen, "%s: %s", path, emu_strerror(err));
			if (f != NULL)
				fclose(f);
			free(text);
			return err;
		}
		fclose(f);
	}
	sb_printf(&bfdd,
	    "! FRR bfdd configuration of node %s: the bfd blocks of the user's "
	    "configuration (kind frr)\nhostname %s\n!\n",
	    k->node->name, k->node->name);
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n');

		if (!in_bfd && frr_line_is(l, "bfd"))
			in_bfd = true;
		else if (in_bfd && l[0] != ' ' && l[0] != '\t' && l[0] != '!' &&
		    !frr_line_is(l, "exit"))
			in_bfd = false; /* a block without its exit */
		any |= in_bfd || frr_line_has_bfd(l);
		sb_add(in_bfd ? &bfdd : &bgpd, l, n);
		if (in_bfd && frr_line_is(l, "exit"))
			in_bfd = false;
		l += n;
	}
	free(text);
	if (bgpd.err || bfdd.err)
		err = -ENOMEM;
	if (err == 0 && any) {
		sb_puts(&bfdd, "end\n");
		err = frr_write(k, "bgpd.conf", sb_str(&bgpd), msg, msglen);
		if (err == 0)
			err = frr_write(k, "bfdd.conf", sb_str(&bfdd), msg, msglen);
	}
	sb_free(&bgpd);
	sb_free(&bfdd);
	return err;
}

static int
frr_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	struct cfg_errors errs;
	struct bgp_config cfg;
	struct kind_bfd *bfd;
	struct strbuf sb = STRBUF_INIT, bfdd = STRBUF_INIT;
	char zebra[256], path[ANYLAB_PATH_MAX];
	int err;

	err = frr_mkdir(k, msg, msglen);
	if (err < 0)
		return err;
	snprintf(zebra, sizeof(zebra),
	    "! FRR zebra configuration of node %s, written by anylab "
	    "(kind frr)\nhostname %s\n",
	    k->node->name, k->node->name);
	err = kind_write_file(k, FRR_DIR "/zebra.conf", zebra);
	if (err < 0) {
		snprintf(msg, msglen, "%s/%s/zebra.conf: %s", k->dir, FRR_DIR, emu_strerror(err));
		return err;
	}
	/* A previous configure's bfdd.conf would start bfdd (frr_procs). */
	unlink(frr_path(k, "bfdd.conf", path, sizeof(path)));
	if (kind_user_config(k) != NULL) {
		err = kind_copy_user_config(k, FRR_DIR "/bgpd.conf", msg, msglen);
		if (err == 0)
			err = frr_split_user(k, msg, msglen);
		return err < 0 ? err : frr_chown(k, msg, msglen);
	}
	cfg_errors_init(&errs, NULL);
	if (frr_parse(k, &cfg, &bfd, &errs, NULL) < 0) {
		cfg_error_text(&errs, 0, msg, msglen);
		return EMU_ECONFIG;
	}
	frr_render(k, &cfg, bfd, &sb);
	if (kind_bfd_any(bfd, cfg.npeers))
		frr_render_bfdd(k, &cfg, bfd, &bfdd);
	bgp_config_free(&cfg);
	free(bfd);
	if (sb.err || bfdd.err) {
		sb_free(&sb);
		sb_free(&bfdd);
		return -ENOMEM;
	}
	err = frr_write(k, "bgpd.conf", sb_str(&sb), msg, msglen);
	if (err == 0 && bfdd.len > 0)
		err = frr_write(k, "bfdd.conf", sb_str(&bfdd), msg, msglen);
	sb_free(&sb);
	sb_free(&bfdd);
	return err < 0 ? err : frr_chown(k, msg, msglen);
}

/*
 * Arguments both daemons take: user, files, sockets, log; no vty TCP port.
 * Logs: bgpd's is the node's SERVICE.log (the lab shows it when the daemon
 * fails), zebra's SERVICE.zebra.log.
 */
static int
frr_common_args(const struct kind_node *k, struct kind_proc *p, const char *daemon)
{
	char buf[ANYLAB_PATH_MAX];
	int err = 0;

	err |= kind_proc_arg(p, "-u");
	err |= kind_proc_arg(p, FRR_USER);
	err |= kind_proc_arg(p, "-g");
	err |= kind_proc_arg(p, FRR_USER);
	err |= kind_proc_arg(p, "-f");
	err |= kind_proc_arg(p, "%s/%s/%s.conf", k->dir, FRR_DIR, daemon);
	err |= kind_proc_arg(p, "-i");
	err |= kind_proc_arg(p, "%s/%s/%s.pid", k->dir, FRR_DIR, daemon);
	err |= kind_proc_arg(p, "-z");
	err |= kind_proc_arg(p, "%s", frr_path(k, "zserv.api", buf, sizeof(buf)));
	err |= kind_proc_arg(p, "--vty_socket");
	err |= kind_proc_arg(p, "%s/%s", k->dir, FRR_DIR);
	err |= kind_proc_arg(p, "-P");
	err |= kind_proc_arg(p, "0");
	err |= kind_proc_arg(p, "--log");
	/* Opened as root before the drop, beside the supervisor's SERVICE.out. */
	if (strcmp(daemon, "bgpd") == 0)
		err |= kind_proc_arg(p, "file:%s/%s.log", k->dir, k->service);
	else
		err |= kind_proc_arg(p, "file:%s/%s.%s.log", k->dir, k->service, daemon);
	return err;
}

static int
frr_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	struct bgp_config cfg = { 0 };
	struct kind_bfd *bfd = NULL;
	char path[ANYLAB_PATH_MAX];
	bool parsed = false, with_bfdd;
	int err = 0;

	if (max < 2)
		return EMU_ETRUNC;
	if (kind_user_config(k) == NULL) {
		struct cfg_errors errs;

		cfg_errors_init(&errs, NULL);
		parsed = frr_parse(k, &cfg, &bfd, &errs, NULL) == 0;
		if (!parsed)
			return EMU_ECONFIG;
		with_bfdd = kind_bfd_any(bfd, cfg.npeers);
		free(bfd);
	} else {
		/* configure wrote bfdd.conf when the user's file mentions BFD */
		with_bfdd = access(frr_path(k, "bfdd.conf", path, sizeof(path)), F_OK) == 0;
	}
	if (with_bfdd && max < 3) {
		if (parsed)
			bgp_config_free(&cfg);
		return EMU_ETRUNC;
	}
	memset(&p[0], 0, sizeof(p[0]));
	err |= kind_proc_arg(&p[0], FRR_BGPD);
	err |= frr_common_args(k, &p[0], "bgpd");
	if (parsed && !cfg.listen) {
		err |= kind_proc_arg(&p[0], "-p");
		err |= kind_proc_arg(&p[0], "0");
	} else if (parsed && cfg.port != BGP_DEF_PORT) {
		err |= kind_proc_arg(&p[0], "-p");
		err |= kind_proc_arg(&p[0], "%u", cfg.port);
	}
	if (parsed && !cfg.kernel_install)
		err |= kind_proc_arg(&p[0], "-n");
	/* bgpd retries zebra only after 10 s: start it once zebra's socket is there. */
	frr_path(k, "zserv.api", p[0].wait_path, sizeof(p[0].wait_path));
	if (parsed)
		bgp_config_free(&cfg);
	memset(&p[1], 0, sizeof(p[1]));
	snprintf(p[1].name, sizeof(p[1].name), "zebra");
	err |= kind_proc_arg(&p[1], FRR_ZEBRA);
	err |= frr_common_args(k, &p[1], "zebra");
	if (!with_bfdd)
		return err ? EMU_ETRUNC : 2;
	/* bfdd, zebra's client as bgpd is, after zebra; its control socket in frr/ too. */
	memset(&p[2], 0, sizeof(p[2]));
	snprintf(p[2].name, sizeof(p[2].name), "bfdd");
	err |= kind_proc_arg(&p[2], FRR_BFDD);
	err |= frr_common_args(k, &p[2], "bfdd");
	err |= kind_proc_arg(&p[2], "--bfdctl");
	err |= kind_proc_arg(&p[2], "%s", frr_path(k, "bfdd.sock", path, sizeof(path)));
	frr_path(k, "zserv.api", p[2].wait_path, sizeof(p[2].wait_path));
	return err ? EMU_ETRUNC : 3;
}

/* One command on a daemon's vty socket, its JSON answer parsed. */
static int
frr_query_json(const struct kind_node *k, const char *daemon, const char *cmd, cJSON **doc)
{
	char path[ANYLAB_PATH_MAX], name[32], *out = NULL;
	int err;

	*doc = NULL;
	snprintf(name, sizeof(name), "%s.vty", daemon);
	err = frr_vty_query(frr_path(k, name, path, sizeof(path)), cmd, FRR_QUERY_MS, &out);
	if (err == 0) {
		*doc = cJSON_Parse(out);
		if (*doc == NULL)
			err = EMU_EPROTO;
	}
	free(out);
	return err;
}

static int
frr_ready(const struct kind_node *k)
{
	static const char *const daemons[] = { "bgpd", "zebra", "bfdd" };
	char conf[ANYLAB_PATH_MAX];
	size_t n = access(frr_path(k, "bfdd.conf", conf, sizeof(conf)), F_OK) == 0 ? 3 : 2;

	for (size_t i = 0; i < n; i++) {
		char path[ANYLAB_PATH_MAX], name[32], *out = NULL;
		int err;

		snprintf(name, sizeof(name), "%s.vty", daemons[i]);
		err = frr_vty_query(frr_path(k, name, path, sizeof(path)), "show version",
		    FRR_READY_MS, &out);
		free(out);
		/* A socket name the kernel cannot take: the daemons cannot make it either. */
		if (err == -ENAMETOOLONG)
			return err;
		if (err < 0)
			return -EAGAIN;
	}
	return 0;
}

/* Whether zebra has bgpd as a client (bgpd retries every 10 s when zebra was late). */
static bool
frr_zebra_has_bgp(const char *clients)
{
	for (const char *l = clients; l != NULL && *l;) {
		if (strncmp(l, "bgp ", 4) == 0)
			return true;
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return false;
}

static int
frr_progress(const struct kind_node *k, struct kind_bgp_progress *pr)
{
	static const char *const zcmds[] = { "show ip route summary json",
		"show ipv6 route summary json" };
	char path[ANYLAB_PATH_MAX], *out = NULL;
	cJSON *neighbors, *routes[2] = { NULL, NULL };
	struct frr_vty v;
	bool zclient = false;
	int err, rc;

	memset(pr, 0, sizeof(*pr));
	err = frr_query_json(k, "bgpd", "show bgp neighbors json", &neighbors);
	if (err < 0)
		return err;
	/* zebra: one session for its three answers. */
	err = frr_vty_open(&v, frr_path(k, "zebra.vty", path, sizeof(path)), FRR_QUERY_MS);
	if (err == 0)
		err = frr_vty_exec(&v, "enable", &out, &rc);
	free(out);
	out = NULL;
	for (size_t i = 0; err == 0 && i < 2; i++) {
		err = frr_vty_exec(&v, zcmds[i], &out, &rc);
		if (err == 0 && rc == 0)
			routes[i] = cJSON_Parse(out);
		free(out);
		out = NULL;
	}
	if (err == 0)
		err = frr_vty_exec(&v, "show zebra client summary", &out, &rc);
	if (err == 0)
		zclient = rc == 0 && frr_zebra_has_bgp(out);
	free(out);
	frr_vty_close(&v);
	if (err == 0)
		frr_json_progress(neighbors, (const cJSON *const *)routes, 2, pr);
	if (!zclient)
		pr->pending = true;
	if (err == 0 && !pr->pending && pr->established == pr->peers && kind_bfd_pending(k))
		pr->pending = true;
	cJSON_Delete(routes[0]);
	cJSON_Delete(routes[1]);
	cJSON_Delete(neighbors);
	return err;
}

static int
frr_peers(const struct kind_node *k, cJSON **doc)
{
	cJSON *n;
	int err;

	*doc = NULL;
	err = frr_query_json(k, "bgpd", "show bgp neighbors json", &n);
	if (err < 0)
		return err;
	err = frr_json_peers(n, doc);
	cJSON_Delete(n);
	return err;
}

static int
frr_routes(const struct kind_node *k, const char *prefix, cJSON **doc)
{
	cJSON *t[2] = { NULL, NULL };
	struct prefix filter;
	int err = 0;

	*doc = NULL;
	if (prefix != NULL) {
		if (prefix_parse(prefix, &filter, true) < 0) {
			*doc = cJSON_CreateObject();
			cJSON_AddStringToObject(*doc, "error",
			    "routes: expected a prefix such as 51.51.51.0/24");
			return EMU_EREFUSED;
		}
		prefix_mask(&filter);
	}
	for (int f = 0; f < 2 && err == 0; f++) {
		if (prefix != NULL && filter.addr.family != (f ? AF_INET6 : AF_INET))
			continue;
		err = frr_query_json(k, "bgpd",
		    f ? "show bgp ipv6 unicast json detail" : "show bgp ipv4 unicast json detail",
		    &t[f]);
	}
	if (err == 0)
		err = frr_json_routes((const cJSON *const *)t, 2, prefix ? &filter : NULL, doc);
	cJSON_Delete(t[0]);
	cJSON_Delete(t[1]);
	return err;
}

/* bfdd's `show bfd peers json`; no sessions when the node runs no bfdd (no BFD configured). */
static int
frr_bfd(const struct kind_node *k, cJSON **doc)
{
	char path[ANYLAB_PATH_MAX];
	cJSON *peers;
	int err;

	*doc = NULL;
	if (access(frr_path(k, "bfdd.conf", path, sizeof(path)), F_OK) < 0) {
		*doc = cJSON_CreateObject();
		cJSON_AddArrayToObject(*doc, "sessions");
		return *doc != NULL ? 0 : -ENOMEM;
	}
	err = frr_query_json(k, "bfdd", "show bfd peers json", &peers);
	if (err < 0)
		return err;
	err = frr_json_bfd(peers, doc);
	cJSON_Delete(peers);
	return err;
}

/*
 * Configuration commands through one vty session: "enable", "configure
 * terminal", cmds, "end". FRR's answer to any refused step is the message.
 */
static int
frr_configure_cmds(const struct kind_node *k, const char *const *cmds, size_t n, char *msg,
    size_t msglen)
{
	char path[ANYLAB_PATH_MAX];
	struct frr_vty v;
	int err = 0, rc;

	err = frr_vty_open(&v, frr_path(k, "bgpd.vty", path, sizeof(path)), FRR_QUERY_MS);
	if (err < 0) {
		snprintf(msg, msglen, "%s: %s", path, emu_strerror(err));
		return err;
	}
	for (size_t i = 0; i < n + 3; i++) {
		const char *cmd = i == 0 ? "enable" :
		    i == 1		 ? "configure terminal" :
		    i == n + 2		 ? "end" :
					   cmds[i - 2];
		char *out = NULL;

		err = frr_vty_exec(&v, cmd, &out, &rc);
		if (err < 0) {
			snprintf(msg, msglen, "%s: \"%s\": %s", path, cmd, emu_strerror(err));
		} else if (rc != 0) {
			size_t l = strlen(out);

			while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == ' '))
				out[--l] = '\0';
			snprintf(msg, msglen, "frr refused \"%s\": %s", cmd,
			    l ? out : "no reason given");
			err = EMU_EREFUSED;
		}
		free(out);
		if (err < 0)
			break;
	}
	frr_vty_close(&v);
	return err;
}

/* network P / no network P under the address family. */
static int
frr_announce(const struct kind_node *k, const struct prefix *p, bool announce, char *msg,
    size_t msglen)
{
	char pfx[PREFIX_STRLEN], net[PREFIX_STRLEN + 16], af[40];
	const char *const cmds[] = { "router bgp", af, net };

	prefix_ntop(p, pfx, sizeof(pfx));
	snprintf(af, sizeof(af), "address-family %s unicast",
	    p->addr.family == AF_INET ? "ipv4" : "ipv6");
	snprintf(net, sizeof(net), "%snetwork %s", announce ? "" : "no ", pfx);
	return frr_configure_cmds(k, cmds, sizeof(cmds) / sizeof(cmds[0]), msg, msglen);
}

/*
 * Drain: `bgp graceful-shutdown` (RFC 8326: FRR adds GRACEFUL_SHUTDOWN to
 * every route it sends to external peers, and lowers LOCAL_PREF to 0 for
 * internal ones) for every prefix at once; per prefix, or with withdraw,
 * the prefixes withdrawn. Undrain of all: both undone.
 */
static int
frr_drain(const struct kind_node *k, const struct prefix *p, bool drain, bool withdraw, char *msg,
    size_t msglen)
{
	static const char *const on[] = { "router bgp", "bgp graceful-shutdown" };
	static const char *const off[] = { "router bgp", "no bgp graceful-shutdown" };
	char why[KIND_MSG_MAX] = "";
	int err;

	if (drain && withdraw)
		return kind_drain_by_withdrawal(k, p, true, true, msg, msglen);
	if (p != NULL && drain) {
		snprintf(msg, msglen,
		    "kind frr tags every prefix at once (bgp graceful-shutdown): name no "
		    "PREFIX, or drain it with --withdraw");
		return EMU_EUNSUPPORTED;
	}
	if (p != NULL)
		return kind_drain_by_withdrawal(k, p, false, false, msg, msglen);
	err = frr_configure_cmds(k, drain ? on : off, 2, msg, msglen);
	if (err < 0 || drain) {
		if (err == 0)
			snprintf(msg, msglen,
			    "bgp graceful-shutdown: every route to external peers announced "
			    "with GRACEFUL_SHUTDOWN (65535:0)");
		return err;
	}
	/* Undrain: what a drain by withdrawal took away comes back too. */
	if (kind_user_config(k) != NULL) {
		snprintf(msg, msglen,
		    "no bgp graceful-shutdown (prefixes withdrawn by a drain of a user's config "
		    "must be undrained by name)");
		return 0;
	}
	err = kind_drain_by_withdrawal(k, NULL, false, false, why, sizeof(why));
	if (err == EMU_EARG) /* originates nothing */
		err = 0;
	snprintf(msg, msglen, "no bgp graceful-shutdown; %s", why);
	return err;
}

/* bgpd's pid (its pid file), and since when it runs (the file's time); 0 when unknown. */
static pid_t
frr_bgpd_pid(const struct kind_node *k, double *uptime)
{
	char path[ANYLAB_PATH_MAX];
	struct stat st;
	long pid = 0;
	FILE *f;

	*uptime = 0;
	f = fopen(frr_path(k, "bgpd.pid", path, sizeof(path)), "re");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0)
		pid = 0;
	if (fstat(fileno(f), &st) == 0)
		*uptime = difftime(time(NULL), st.st_mtime);
	fclose(f);
	return (pid_t)pid;
}

/* VmRSS or VmHWM of pid in kB, -1 when unknown. */
static long
frr_proc_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* anybgpd's "status": the daemon, its AS and router id, sessions, kernel routes. */
static int
frr_status(const struct kind_node *k, cJSON **doc)
{
	struct kind_bgp_progress pr;
	const cJSON *af = NULL;
	cJSON *sum = NULL;
	double uptime;
	pid_t pid;
	int err;

	err = frr_progress(k, &pr);
	if (err == 0)
		err = frr_query_json(k, "bgpd", "show bgp summary json", &sum);
	if (err < 0)
		return err;
	af = cJSON_GetObjectItem(sum, "ipv4Unicast");
	if (af == NULL)
		af = cJSON_GetObjectItem(sum, "ipv6Unicast");
	*doc = cJSON_CreateObject();
	cJSON_AddStringToObject(*doc, "daemon", "frr");
	cJSON_AddStringToObject(*doc, "node", k->node->name);
	pid = frr_bgpd_pid(k, &uptime);
	if (pid > 0) {
		cJSON_AddNumberToObject(*doc, "pid", pid);
		cJSON_AddNumberToObject(*doc, "uptime", uptime);
	}
	copy_num(*doc, "asn", af, "as", 1);
	if (str(af, "routerId") != NULL)
		cJSON_AddStringToObject(*doc, "router_id", str(af, "routerId"));
	cJSON_AddNumberToObject(*doc, "peers", pr.peers);
	cJSON_AddNumberToObject(*doc, "established", pr.established);
	cJSON_AddNumberToObject(*doc, "kernel_routes", (double)pr.kernel_routes);
	cJSON_AddBoolToObject(*doc, "pending", pr.pending);
	cJSON_Delete(sum);
	return 0;
}

/* anybgpd's "stats" as far as FRR tells: bgpd's memory, the RIB counted, peers. */
static int
frr_stats(const struct kind_node *k, cJSON **doc)
{
	struct kind_bgp_progress pr;
	cJSON *peers = NULL, *routes = NULL, *rib, *kern;
	const cJSON *r;
	double uptime, paths = 0, best = 0;
	pid_t pid;
	int err;

	err = frr_progress(k, &pr);
	if (err == 0)
		err = frr_peers(k, &peers);
	if (err == 0)
		err = frr_routes(k, NULL, &routes);
	if (err < 0) {
		cJSON_Delete(peers);
		cJSON_Delete(routes);
		return err;
	}
	*doc = cJSON_CreateObject();
	pid = frr_bgpd_pid(k, &uptime);
	if (pid > 0) {
		cJSON_AddNumberToObject(*doc, "uptime", uptime);
		cJSON_AddNumberToObject(*doc, "rss_kb", (double)frr_proc_kb(pid, "VmRSS"));
		cJSON_AddNumberToObject(*doc, "peak_rss_kb", (double)frr_proc_kb(pid, "VmHWM"));
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(routes, "routes")) {
		paths++;
		best += cJSON_IsTrue(cJSON_GetObjectItem(r, "best"));
	}
	rib = cJSON_AddObjectToObject(*doc, "rib");
	copy_num(rib, "prefixes", routes, "prefixes", 1);
	cJSON_AddNumberToObject(rib, "paths", paths);
	cJSON_AddNumberToObject(rib, "best", best);
	kern = cJSON_AddObjectToObject(*doc, "kernel");
	cJSON_AddNumberToObject(kern, "installed", (double)pr.kernel_routes);
	cJSON_AddItemToObject(*doc, "peers", cJSON_DetachItemFromObject(peers, "peers"));
	cJSON_Delete(peers);
	cJSON_Delete(routes);
	return 0;
}

static int
frr_command(const struct kind_node *k, const char *verb, const char *arg, cJSON **doc)
{
	char cmd[160];
	struct ipaddr a;
	char *out = NULL, path[ANYLAB_PATH_MAX];
	int err;

	*doc = NULL;
	if (strcmp(verb, "status") == 0)
		return frr_status(k, doc);
	if (strcmp(verb, "stats") == 0)
		return frr_stats(k, doc);
	if ((strcmp(verb, "refresh") == 0 || strcmp(verb, "reset") == 0) && arg != NULL &&
	    ipaddr_parse(arg, &a) == 0) {
		snprintf(cmd, sizeof(cmd), "clear bgp %s%s", arg,
		    strcmp(verb, "refresh") == 0 ? " soft" : "");
		err = frr_vty_query(frr_path(k, "bgpd.vty", path, sizeof(path)), cmd, FRR_QUERY_MS,
		    &out);
		*doc = cJSON_CreateObject();
		if (err == 0)
			cJSON_AddBoolToObject(*doc, "ok", true);
		else
			cJSON_AddStringToObject(*doc, "error",
			    out && *out ? out : emu_strerror(err));
		free(out);
		return err;
	}
	*doc = cJSON_CreateObject();
	cJSON_AddStringToObject(*doc, "error",
	    "kind frr knows status, stats, refresh PEER, "
	    "reset PEER");
	return EMU_EREFUSED;
}

/* ---- FRR's JSON into anybgpd's shape ---- */

static double
num(const cJSON *o, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static const char *
str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void
copy_num(cJSON *to, const char *name, const cJSON *from, const char *key, double scale)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);

	if (cJSON_IsNumber(v))
		cJSON_AddNumberToObject(to, name, v->valuedouble / scale);
}

/* ipv4Unicast -> ipv4, ipv6Unicast -> ipv6; NULL for families anybgpd does not have. */
static const char *
frr_family(const char *afi)
{
	if (strcmp(afi, "ipv4Unicast") == 0)
		return "ipv4";
	if (strcmp(afi, "ipv6Unicast") == 0)
		return "ipv6";
	return NULL;
}

static cJSON *
frr_peer(const char *addr, const cJSON *n)
{
	const char *state = kind_bgp_state_name(str(n, "bgpState") ? str(n, "bgpState") : "");
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(n, "messageStats");
	const cJSON *afs = cJSON_GetObjectItemCaseSensitive(n, "addressFamilyInfo");
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(n, "neighborCapabilities");
	const cJSON *mp = cJSON_GetObjectItemCaseSensitive(caps, "multiprotocolExtensions");
	cJSON *p = cJSON_CreateObject(), *fam;
	const cJSON *af;
	bool est;
	double pfx = 0;

	/* FRR's own states between sessions (Clearing, Deleted) are Idle in RFC 4271's terms. */
	if (state == NULL)
		state = "Idle";
	est = strcmp(state, "Established") == 0;
	cJSON_AddStringToObject(p, "address", addr);
	copy_num(p, "asn", n, "remoteAs", 1);
	if (cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(n, "nbrExternalLink")))
		cJSON_AddStringToObject(p, "type",
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n, "nbrExternalLink")) ?
			"external" :
			"internal");
	else if (cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(n, "nbrInternalLink")))
		cJSON_AddStringToObject(p, "type", "internal");
	cJSON_AddStringToObject(p, "description", str(n, "nbrDesc") ? str(n, "nbrDesc") : "");
	cJSON_AddStringToObject(p, "state", state);
	if (est && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(n, "bgpTimerUpMsec")))
		copy_num(p, "uptime", n, "bgpTimerUpMsec", 1000);
	else
		cJSON_AddNullToObject(p, "uptime");
	if (est && str(n, "hostLocal"))
		cJSON_AddStringToObject(p, "local_address", str(n, "hostLocal"));
	else
		cJSON_AddNullToObject(p, "local_address");
	if (str(n, "remoteRouterId") && strcmp(str(n, "remoteRouterId"), "0.0.0.0") != 0)
		cJSON_AddStringToObject(p, "router_id", str(n, "remoteRouterId"));
	else
		cJSON_AddNullToObject(p, "router_id");
	cJSON_AddNumberToObject(p, "hold_time",
	    est ? num(n, "bgpTimerHoldTimeMsecs", 0) / 1000 : 0);
	cJSON_AddNumberToObject(p, "keepalive",
	    est ? num(n, "bgpTimerKeepAliveIntervalMsecs", 0) / 1000 : 0);
	copy_num(p, "hold_time_configured", n, "bgpTimerConfiguredHoldTimeMsecs", 1000);
	fam = cJSON_AddArrayToObject(p, "families");
	cJSON_ArrayForEach(af, mp) {
		const char *f = frr_family(af->string);

		if (est && f != NULL &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(af, "advertisedAndReceived")))
			cJSON_AddItemToArray(fam, cJSON_CreateString(f));
	}
	copy_num(p, "messages_in", ms, "totalRecv", 1);
	copy_num(p, "messages_out", ms, "totalSent", 1);
	copy_num(p, "updates_in", ms, "updatesRecv", 1);
	copy_num(p, "updates_out", ms, "updatesSent", 1);
	copy_num(p, "keepalives_in", ms, "keepalivesRecv", 1);
	copy_num(p, "keepalives_out", ms, "keepalivesSent", 1);
	copy_num(p, "notifications_in", ms, "notificationsRecv", 1);
	copy_num(p, "notifications_out", ms, "notificationsSent", 1);
	copy_num(p, "refresh_in", ms, "routeRefreshRecv", 1);
	copy_num(p, "refresh_out", ms, "routeRefreshSent", 1);
	cJSON_ArrayForEach(af, afs)
		pfx += num(af, "acceptedPrefixCounter", 0);
	cJSON_AddNumberToObject(p, "prefixes_received", pfx);
	copy_num(p, "established_count", n, "connectionsEstablished", 1);
	copy_num(p, "flaps", n, "connectionsDropped", 1);
	cJSON_AddStringToObject(p, "last_error",
	    str(n, "lastResetDueTo") && num(n, "connectionsDropped", 0) > 0 ?
		str(n, "lastResetDueTo") :
		"");
	cJSON_ArrayForEach(af, afs) {
		if (str(af, "routeMapForIncomingAdvertisements") &&
		    !cJSON_HasObjectItem(p, "import"))
			cJSON_AddStringToObject(p, "import",
			    str(af, "routeMapForIncomingAdvertisements"));
		if (str(af, "routeMapForOutgoingAdvertisements") &&
		    !cJSON_HasObjectItem(p, "export"))
			cJSON_AddStringToObject(p, "export",
			    str(af, "routeMapForOutgoingAdvertisements"));
	}
	return p;
}

static int
peer_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	struct ipaddr ax, ay;

	if (ipaddr_parse(x->string, &ax) < 0 || ipaddr_parse(y->string, &ay) < 0)
		return strcmp(x->string, y->string);
	return ipaddr_cmp(&ax, &ay);
}

int
frr_json_peers(const cJSON *neighbors, cJSON **doc)
{
	const cJSON **v = NULL, *n;
	size_t cnt = 0, i = 0;
	cJSON *arr;

	*doc = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*doc, "peers");
	if (*doc == NULL || arr == NULL) {
		cJSON_Delete(*doc);
		*doc = NULL;
		return -ENOMEM;
	}
	cJSON_ArrayForEach(n, neighbors)
		if (cJSON_IsObject(n) && n->string != NULL)
			cnt++;
	v = calloc(cnt ? cnt : 1, sizeof(*v));
	if (v == NULL) {
		cJSON_Delete(*doc);
		*doc = NULL;
		return -ENOMEM;
	}
	cJSON_ArrayForEach(n, neighbors)
		if (cJSON_IsObject(n) && n->string != NULL)
			v[i++] = n;
	qsort(v, cnt, sizeof(*v), peer_cmp);
	for (i = 0; i < cnt; i++)
		cJSON_AddItemToArray(arr, frr_peer(v[i]->string, v[i]));
	free(v);
	return 0;
}

struct frr_route {
	struct prefix pfx;
	const cJSON *path;
};

static int
route_cmp(const void *a, const void *b)
{
	const struct frr_route *x = a, *y = b;

	return prefix_cmp(&x->pfx, &y->pfx);
}

/* The communities as anybgpd names them (FRR: local-AS is no-export-subconfed). */
static void
frr_route_communities(cJSON *r, const cJSON *path)
{
	const char *s = str(cJSON_GetObjectItemCaseSensitive(path, "community"), "string");
	cJSON *arr = cJSON_AddArrayToObject(r, "communities");

	while (s != NULL && *s) {
		size_t n = strcspn(s, " ");
		char c[32];

		if (n > 0 && n < sizeof(c)) {
			memcpy(c, s, n);
			c[n] = '\0';
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(
				strcmp(c, "local-AS") == 0 ? "no-export-subconfed" : c));
		}
		s += n;
		s += strspn(s, " ");
	}
}

static cJSON *
frr_route(const struct frr_route *fr)
{
	const cJSON *path = fr->path, *v;
	const cJSON *peer = cJSON_GetObjectItemCaseSensitive(path, "peer");
	const cJSON *nh = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(path, "nexthops"), 0);
	const cJSON *best = cJSON_GetObjectItemCaseSensitive(path, "bestpath");
	bool local = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(path, "local")) ||
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(path, "sourced"));
	bool is_best = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(best, "overall"));
	const char *asp = str(cJSON_GetObjectItemCaseSensitive(path, "aspath"), "string");
	char pb[PREFIX_STRLEN];
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "prefix", prefix_ntop(&fr->pfx, pb, sizeof(pb)));
	if (local || str(nh, "ip") == NULL)
		cJSON_AddNullToObject(r, "next_hop");
	else
		cJSON_AddStringToObject(r, "next_hop", str(nh, "ip"));
	cJSON_AddStringToObject(r, "peer",
	    local || str(peer, "peerId") == NULL ? "local" : str(peer, "peerId"));
	cJSON_AddBoolToObject(r, "best", is_best);
	/* anybgpd counts the best path in the multipath set; FRR flags it only when others are. */
	cJSON_AddBoolToObject(r, "multipath",
	    is_best || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(path, "multipath")));
	cJSON_AddBoolToObject(r, "eligible",
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(path, "valid")));
	v = cJSON_GetObjectItemCaseSensitive(path, "locPrf");
	if (cJSON_IsNumber(v))
		cJSON_AddNumberToObject(r, "local_pref", v->valuedouble);
	else
		cJSON_AddNullToObject(r, "local_pref");
	v = cJSON_GetObjectItemCaseSensitive(path, "metric");
	if (cJSON_IsNumber(v))
		cJSON_AddNumberToObject(r, "med", v->valuedouble);
	else
		cJSON_AddNullToObject(r, "med");
	if (str(path, "origin")) /* IGP, EGP, incomplete: as anybgpd names them */
		cJSON_AddStringToObject(r, "origin", str(path, "origin"));
	cJSON_AddStringToObject(r, "as_path", asp == NULL || strcmp(asp, "Local") == 0 ? "" : asp);
	frr_route_communities(r, path);
	return r;
}

/* Every path of one table (FRR's first element of a prefix is its header: no "aspath"). */
static int
frr_collect(const cJSON *table, const struct prefix *filter, struct frr_route **v, size_t *n,
    size_t *cap, size_t *prefixes)
{
	const cJSON *e, *path;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(table, "routes")) {
		struct prefix pfx;
		bool counted = false;

		if (e->string == NULL || prefix_parse(e->string, &pfx, true) < 0)
			continue;
		if (filter &&
		    !(pfx.addr.family == filter->addr.family && pfx.len >= filter->len &&
			prefix_contains(filter, &pfx.addr)))
			continue;
		cJSON_ArrayForEach(path, e) {
			if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(path, "aspath")))
				continue;
			if (*n == *cap) {
				size_t c = *cap ? *cap * 2 : 64;
				struct frr_route *nv = realloc(*v, c * sizeof(**v));

				if (nv == NULL)
					return -ENOMEM;
				*v = nv;
				*cap = c;
			}
			(*v)[*n] = (struct frr_route){ .pfx = pfx, .path = path };
			(*n)++;
			if (!counted)
				(*prefixes)++;
			counted = true;
		}
	}
	return 0;
}

int
frr_json_routes(const cJSON *const tables[], size_t ntables, const struct prefix *filter,
    cJSON **doc)
{
	struct frr_route *v = NULL;
	size_t n = 0, cap = 0, prefixes = 0;
	cJSON *arr;
	int err = 0;

	*doc = NULL;
	for (size_t t = 0; t < ntables && err == 0; t++)
		if (tables[t] != NULL)
			err = frr_collect(tables[t], filter, &v, &n, &cap, &prefixes);
	if (err < 0) {
		free(v);
		return err;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), route_cmp); /* FRR lists paths of a prefix together */
	*doc = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*doc, "routes");
	for (size_t i = 0; i < n && arr != NULL; i++)
		cJSON_AddItemToArray(arr, frr_route(&v[i]));
	cJSON_AddNumberToObject(*doc, "prefixes", (double)prefixes);
	cJSON_AddBoolToObject(*doc, "truncated", false);
	free(v);
	return 0;
}

static int
bfd_peer_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	const char *sx = str(x, "peer"), *sy = str(y, "peer");
	struct ipaddr ax, ay;

	if (sx == NULL || sy == NULL || ipaddr_parse(sx, &ax) < 0 || ipaddr_parse(sy, &ay) < 0)
		return strcmp(sx ? sx : "", sy ? sy : "");
	return ipaddr_cmp(&ax, &ay);
}

/* One bfdd peer in anybgpd's shape: the intervals in use are the larger of each pair (RFC 5880 6.8.2-4). */
static cJSON *
frr_bfd_session(const cJSON *n)
{
	const char *st = kind_bfd_state_name(str(n, "status"));
	bool up = st != NULL && strcmp(st, "Up") == 0;
	double tx = num(n, "transmit-interval", 0), rx = num(n, "receive-interval", 0);
	double rtx = num(n, "remote-transmit-interval", 0),
	       rrx = num(n, "remote-receive-interval", 0);
	double rmult = num(n, "remote-detect-multiplier", 0);
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "peer", str(n, "peer") ? str(n, "peer") : "");
	if (str(n, "local") != NULL)
		cJSON_AddStringToObject(o, "local", str(n, "local"));
	else
		cJSON_AddNullToObject(o, "local");
	if (str(n, "interface") != NULL)
		cJSON_AddStringToObject(o, "interface", str(n, "interface"));
	else
		cJSON_AddNullToObject(o, "interface");
	if (st == NULL)
		st = str(n, "status") != NULL ? str(n, "status") : "unknown";
	cJSON_AddStringToObject(o, "state", st);
	if (up)
		copy_num(o, "uptime", n, "uptime", 1);
	else
		cJSON_AddNullToObject(o, "uptime");
	cJSON_AddNumberToObject(o, "tx_ms", up && rrx > tx ? rrx : tx);
	cJSON_AddNumberToObject(o, "rx_ms", up && rtx > rx ? rtx : rx);
	copy_num(o, "multiplier", n, "detect-multiplier", 1);
	if (up && rmult > 0) {
		cJSON_AddNumberToObject(o, "remote_multiplier", rmult);
		cJSON_AddNumberToObject(o, "detect_ms", rmult * (rtx > rx ? rtx : rx));
	} else {
		cJSON_AddNullToObject(o, "remote_multiplier");
		cJSON_AddNullToObject(o, "detect_ms");
	}
	if (str(n, "diagnostic") != NULL)
		cJSON_AddStringToObject(o, "diagnostic", str(n, "diagnostic"));
	return o;
}

int
frr_json_bfd(const cJSON *peers, cJSON **doc)
{
	const cJSON **v, *n;
	size_t cnt = 0, i = 0;
	cJSON *arr;

	*doc = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*doc, "sessions");
	cJSON_ArrayForEach(n, peers)
		cnt += cJSON_IsObject(n);
	v = calloc(cnt ? cnt : 1, sizeof(*v));
	if (*doc == NULL || arr == NULL || v == NULL) {
		cJSON_Delete(*doc);
		*doc = NULL;
		free(v);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(n, peers)
		if (cJSON_IsObject(n))
			v[i++] = n;
	qsort(v, cnt, sizeof(*v), bfd_peer_cmp);
	for (i = 0; i < cnt; i++)
		cJSON_AddItemToArray(arr, frr_bfd_session(v[i]));
	free(v);
	return 0;
}

/* An established session whose initial table has not come yet, for at most this long. */
#define FRR_EOR_WAIT_MS 10000

/*
 * Whether n is established and still owes us its initial table. FRR shows
 * the End-of-RIB it received per family only from peers that sent the
 * graceful restart capability; from the others (anybgpd), it is known only
 * that nothing came yet while no UPDATE at all has (End-of-RIB is one).
 */
static bool
frr_peer_syncing(const cJSON *n)
{
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(n, "neighborCapabilities");
	const cJSON *gr = cJSON_GetObjectItemCaseSensitive(n, "gracefulRestartInfo");
	const cJSON *eor = cJSON_GetObjectItemCaseSensitive(gr, "endOfRibRecv");
	const char *grcap = str(caps, "gracefulRestart");
	const cJSON *af;

	if (num(n, "bgpTimerUpMsec", 0) >= FRR_EOR_WAIT_MS)
		return false; /* a peer that never sends End-of-RIB */
	if (grcap == NULL || strstr(grcap, "eceived") == NULL)
		return num(cJSON_GetObjectItemCaseSensitive(n, "messageStats"), "updatesRecv", 0) ==
		    0;
	cJSON_ArrayForEach(af, cJSON_GetObjectItemCaseSensitive(n, "addressFamilyInfo"))
		if (frr_family(af->string) != NULL &&
		    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(eor, af->string)))
			return true;
	return false;
}

void
frr_json_progress(const cJSON *neighbors, const cJSON *const route_summaries[], size_t nsum,
    struct kind_bgp_progress *pr)
{
	const cJSON *n, *t;

	memset(pr, 0, sizeof(*pr));
	cJSON_ArrayForEach(n, neighbors) {
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(n, "messageStats");
		const char *st = str(n, "bgpState");
		bool est = st != NULL && strcmp(st, "Established") == 0;

		if (!cJSON_IsObject(n))
			continue;
		pr->peers++;
		pr->established += est;
		if (num(ms, "depthInq", 0) > 0 || num(ms, "depthOutq", 0) > 0 ||
		    (est && frr_peer_syncing(n)))
			pr->pending = true;
	}
	for (size_t i = 0; i < nsum; i++) {
		const cJSON *types = cJSON_GetObjectItemCaseSensitive(route_summaries[i], "routes");

		cJSON_ArrayForEach(t, types) {
			const char *type = str(t, "type");

			if (type == NULL ||
			    (strcmp(type, "ebgp") != 0 && strcmp(type, "ibgp") != 0))
				continue;
			pr->kernel_routes += (unsigned long long)num(t, "fib", 0);
			if (num(t, "rib", 0) > num(t, "fib", 0))
				pr->pending = true;
		}
	}
}

const struct kind_ops kind_frr = {
	.name = "frr",
	.role = KIND_BGP,
	.package = "frr",
	.programs = frr_programs,
	.check = frr_check,
	.configure = frr_configure,
	.procs = frr_procs,
	.ready = frr_ready,
	.bgp_progress = frr_progress,
	.bgp_peers = frr_peers,
	.bgp_routes = frr_routes,
	.bgp_announce = frr_announce,
	.bgp_drain = frr_drain,
	.bgp_command = frr_command,
	.bgp_bfd = frr_bfd,
};
