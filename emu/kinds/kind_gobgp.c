/*
 * Kind "gobgp": GoBGP 3.10 (Debian's gobgpd, /usr/bin/gobgpd and the client
 * /usr/bin/gobgp) as a node's BGP speaker. The node's bgp section (anybgpd's
 * keys, docs/anybgpd.md) is rendered as gobgpd.toml; keys GoBGP cannot
 * express as anybgpd means them are refused by `check` (docs/kinds/gobgp.md
 * lists them). gobgpd's gRPC API listens on 127.0.0.1:50051 of the node's
 * own namespace and the client runs there (kind_run). Originated prefixes
 * have no place in GoBGP's configuration file: they are added through the
 * API once it answers (`ready`), and again after every restart of gobgpd.
 *
 * No kernel routes: GoBGP installs routes only through FRR's zebra, and
 * GoBGP 3.10's zebra client cannot read FRR 8.4's messages (interface names
 * are 16 bytes since FRR 8.3, GoBGP 3.10 reads 20; gobgpd panics on the
 * first interface zebra reports). Measured here, see docs/kinds/gobgp.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgp_config.h"
#include "kind.h"
#include "kind_bfd.h"
#include "kind_policy.h"
#include "kind_gobgp.h"
#include "strbuf.h"

#define GOBGPD		 "/usr/bin/gobgpd"
#define GOBGP		 "/usr/bin/gobgp"
#define GOBGP_HOST	 "127.0.0.1"
#define GOBGP_PORT	 "50051"
#define GOBGP_CONF	 "gobgpd.toml"
#define GOBGP_MARK	 "gobgp.originated" /* pid of the gobgpd that got "originate" */
#define GOBGP_TIMEOUT_MS 5000
#define STATEMENT	 "    [policy-definitions.statements" /* TOML table prefix */

static const char *const gobgp_programs[] = { GOBGPD, GOBGP, NULL };

/* ---- check ---- */

/* PARENT.key (jc_path), with key "" the parent itself. */
static void refuse(struct cfg_errors *errs, int *rc, const char *parent, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
refuse(struct cfg_errors *errs, int *rc, const char *parent, const char *key, const char *fmt, ...)
{
	char path[CFG_PATH_MAX], why[KIND_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	cfg_error(errs, key[0] ? jc_path(path, parent, key) : parent, "kind gobgp %s", why);
	*rc = -1;
}

static void
gobgp_refuse(const struct kind_node *k, const struct bgp_config *cfg, struct cfg_errors *errs,
    int *rc)
{
	static const char *const kernel_keys[] = { "table", "protocol", NULL };
	static const char *const nh_keys[] = { "next_hop_ipv4", "next_hop_ipv6", NULL };
	const cJSON *kern = cJSON_GetObjectItemCaseSensitive(k->section, "kernel");
	const cJSON *peers = cJSON_GetObjectItemCaseSensitive(k->section, "peers");
	char kpath[CFG_PATH_MAX], ppath[CFG_PATH_MAX], pipath[CFG_PATH_MAX];

	if (kind_policy_refuse(cfg, k->path, "gobgp", errs) < 0)
		*rc = -1;
	jc_path(kpath, k->path, "kernel");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(kern, "install")))
		refuse(errs, rc, kpath, "install",
		    "cannot install routes in the kernel here: "
		    "GoBGP 3.10 does it only through FRR's zebra and cannot read FRR 8.4's "
		    "zebra messages (gobgpd crashes); use kind anybgpd for a node that "
		    "installs routes");
	for (size_t i = 0; kern != NULL && kernel_keys[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(kern, kernel_keys[i]) != NULL)
			refuse(errs, rc, kpath, kernel_keys[i],
			    "does not install routes in the "
			    "kernel (no zebra it can talk to here), so it has no kernel %s",
			    kernel_keys[i]);
	if (cfg->max_paths > 1 && !(cfg->max_paths == BGP_MAX_PATHS && cfg->relax_as_path))
		refuse(errs, rc, k->path, "multipath",
		    "cannot limit the multipath set to %u "
		    "paths with the same AS path: its use-multiple-paths keeps every path equal "
		    "in LOCAL_PREF, AS path length, ORIGIN and MED (max_paths %u with "
		    "relax_as_path true says that)",
		    cfg->max_paths, BGP_MAX_PATHS);
	if (cfg->hold_time == 0)
		refuse(errs, rc, k->path, "hold_time",
		    "reads a hold time of 0 as its default of "
		    "90 s");
	jc_path(ppath, k->path, "peers");
	for (size_t i = 0; i < cfg->npeers; i++) {
		const cJSON *pj = cJSON_GetArrayItem(peers, (int)i);

		jc_path_idx(pipath, ppath, (int)i);
		if (cfg->peers[i].hold_time == 0 && cfg->hold_time != 0)
			refuse(errs, rc, pipath, "hold_time",
			    "reads a hold time of 0 as its "
			    "default of 90 s");
		for (size_t j = 0; nh_keys[j] != NULL; j++)
			if (cJSON_GetObjectItemCaseSensitive(pj, nh_keys[j]) != NULL)
				refuse(errs, rc, pipath, nh_keys[j],
				    "cannot set the next hop of "
				    "one address family over a session of the other");
		if (cfg->peers[i].ttl_security)
			refuse(errs, rc, pipath, "ttl_security",
			    "is not translated for GTSM here; "
			    "use anybgpd, bird, frr or openbgpd");
		if (cfg->peers[i].route_server_client)
			refuse(errs, rc, pipath, "route_server_client",
			    "is not translated for "
			    "route-server clients here; use anybgpd or kind bird for the route server");
	}
}

static int
gobgp_check(const struct kind_node *k, struct cfg_errors *errs)
{
	struct bgp_config cfg;
	cJSON *c;
	int rc = 0;

	switch (kind_check_user_config(k, errs)) {
	case 1:
		return 0;
	case -1:
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (kind_bfd_refuse(k->section, k->path, "gobgp", "GoBGP 3.10 has no BFD", errs) < 0)
		rc = -1;
	c = kind_section_copy(k);
	if (c == NULL)
		return -1;
	/* What "bfd" says is refused above; anybgpd's parser reads the rest. */
	if (bgp_config_parse(c, k->path, &cfg, errs) < 0) {
		cJSON_Delete(c);
		return -1;
	}
	gobgp_refuse(k, &cfg, errs, &rc);
	bgp_config_free(&cfg);
	cJSON_Delete(c);
	return rc;
}

/* ---- configure: gobgpd.toml ---- */

static bool
peer_ebgp(const struct bgp_config *cfg, const struct bgp_peer_config *p)
{
	return p->asn != cfg->asn;
}

/* Does peer p take routes in direction (import true) at all, and through which policy? */
static bool
peer_accepts(const struct bgp_config *cfg, const struct bgp_peer_config *p, bool import,
    const struct bgp_policy **pol)
{
	enum bgp_policy_ref ref = import ? p->import_ref : p->export_ref;

	*pol = NULL;
	switch (ref) {
	case BGP_POLICY_ALL:
		return true;
	case BGP_POLICY_NONE:
		return false;
	case BGP_POLICY_NAMED:
		*pol = import ? p->import : p->export;
		return true;
	case BGP_POLICY_UNSET:
	default:
		return !peer_ebgp(cfg, p); /* RFC 8212 */
	}
}

/*
 * The family peer p negotiates but has no next hop for: anybgpd sends no
 * IPv6 route over an IPv4 session (nor the reverse) without next_hop_*
 * (refused here), where GoBGP would send one with a next hop of its own.
 * AF_INET6, AF_INET, or 0.
 */
static int
other_family(const struct bgp_peer_config *p)
{
	if (p->addr.family == AF_INET && p->ipv6)
		return AF_INET6;
	if (p->addr.family == AF_INET6 && p->ipv4)
		return AF_INET;
	return 0;
}

static size_t
policy_index(const struct bgp_config *cfg, const struct bgp_policy *pol)
{
	return (size_t)(pol - cfg->policies);
}

static void
toml_comm(struct strbuf *sb, uint32_t c)
{
	sb_printf(sb, "\"%u:%u\"", c >> 16, c & 0xffff);
}

/* The bgp-actions of an accepting statement of policy pol (NULL: none). */
static void
toml_actions(struct strbuf *sb, const struct bgp_config *cfg, const struct bgp_policy *pol,
    bool import)
{
	const char *pre = STATEMENT ".actions";

	sb_printf(sb, "%s]\n      route-disposition = \"accept-route\"\n", pre);
	if (pol == NULL)
		return;
	if (pol->set_local_pref || pol->set_med) {
		sb_printf(sb, "%s.bgp-actions]\n", pre);
		if (pol->set_local_pref)
			sb_printf(sb, "      set-local-pref = %u\n", pol->local_pref);
		if (pol->set_med)
			sb_printf(sb, "      set-med = \"%u\"\n", pol->med);
	}
	if (pol->prepend > 0) {
		sb_printf(sb, "%s.bgp-actions.set-as-path-prepend]\n", pre);
		if (import)
			sb_puts(sb, "      as = \"last-as\"\n");
		else
			sb_printf(sb, "      as = \"%u\"\n", cfg->asn);
		sb_printf(sb, "      repeat-n = %u\n", pol->prepend);
	}
	if (pol->ncommunities > 0 || pol->communities_replace) {
		sb_printf(sb, "%s.bgp-actions.set-community]\n", pre);
		sb_printf(sb, "      options = \"%s\"\n",
		    pol->communities_replace ? "replace" : "add");
		sb_printf(sb, "%s.bgp-actions.set-community.set-community-method]\n", pre);
		sb_puts(sb, "        communities-list = [");
		for (size_t i = 0; i < pol->ncommunities; i++) {
			if (i)
				sb_puts(sb, ", ");
			toml_comm(sb, pol->communities[i]);
		}
		sb_puts(sb, "]\n");
	}
}

/* One policy-definitions block: the statements of every peer in one direction. */
static size_t
toml_policy(struct strbuf *sb, const struct bgp_config *cfg, bool import)
{
	const char *dir = import ? "import" : "export";
	size_t n = 0;

	/*
	 * GoBGP runs routes added through its API (ours: "originate",
	 * announce) through the global import policy too: they pass first.
	 */
	if (import) {
		sb_printf(sb, "\n[[policy-definitions]]\n  name = \"anylab-%s\"\n", dir);
		sb_puts(sb, "  [[policy-definitions.statements]]\n    name = \"originated\"\n");
		sb_puts(sb, STATEMENT ".conditions.bgp-conditions]\n");
		sb_puts(sb, "      route-type = \"local\"\n");
		toml_actions(sb, cfg, NULL, import);
		n++;
	}
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *p = &cfg->peers[i];
		const struct bgp_policy *pol;

		if (!peer_accepts(cfg, p, import, &pol))
			continue;
		if (n++ == 0)
			sb_printf(sb, "\n[[policy-definitions]]\n  name = \"anylab-%s\"\n", dir);
		if (!import && other_family(p) != 0) {
			sb_puts(sb, "  [[policy-definitions.statements]]\n");
			sb_printf(sb, "    name = \"peer%zu-%s-no-next-hop\"\n", i, dir);
			sb_puts(sb, STATEMENT ".conditions.match-neighbor-set]\n");
			sb_printf(sb, "      neighbor-set = \"peer%zu\"\n", i);
			sb_puts(sb, STATEMENT ".conditions.match-prefix-set]\n");
			sb_printf(sb, "      prefix-set = \"any-%s\"\n",
			    other_family(p) == AF_INET6 ? "ipv6" : "ipv4");
			sb_puts(sb, STATEMENT ".actions]\n");
			sb_puts(sb, "      route-disposition = \"reject-route\"\n");
		}
		for (size_t r = 0; pol != NULL && r < pol->nrules; r++) {
			sb_puts(sb, "  [[policy-definitions.statements]]\n");
			sb_printf(sb, "    name = \"peer%zu-%s-%zu\"\n", i, dir, r);
			sb_puts(sb, STATEMENT ".conditions.match-neighbor-set]\n");
			sb_printf(sb, "      neighbor-set = \"peer%zu\"\n", i);
			sb_puts(sb, STATEMENT ".conditions.match-prefix-set]\n");
			sb_printf(sb, "      prefix-set = \"policy%zu-%zu\"\n",
			    policy_index(cfg, pol), r);
			if (pol->rules[r].accept) {
				toml_actions(sb, cfg, pol, import);
			} else {
				sb_puts(sb, STATEMENT ".actions]\n");
				sb_puts(sb, "      route-disposition = \"reject-route\"\n");
			}
		}
		if (pol != NULL && !pol->default_accept)
			continue;
		sb_puts(sb, "  [[policy-definitions.statements]]\n");
		sb_printf(sb, "    name = \"peer%zu-%s\"\n", i, dir);
		sb_puts(sb, STATEMENT ".conditions.match-neighbor-set]\n");
		sb_printf(sb, "      neighbor-set = \"peer%zu\"\n", i);
		toml_actions(sb, cfg, pol, import);
	}
	return n;
}

static void
toml_sets(struct strbuf *sb, const struct bgp_config *cfg)
{
	char b[PREFIX_STRLEN];

	for (size_t i = 0; i < cfg->npeers; i++) {
		sb_puts(sb, "\n[[defined-sets.neighbor-sets]]\n");
		sb_printf(sb, "  neighbor-set-name = \"peer%zu\"\n", i);
		sb_printf(sb, "  neighbor-info-list = [\"%s\"]\n",
		    ipaddr_ntop(&cfg->peers[i].addr, b, sizeof(b)));
	}
	for (int f = 0; f < 2; f++) {
		bool used = false;

		for (size_t i = 0; i < cfg->npeers; i++) {
			const struct bgp_policy *pol;

			if (other_family(&cfg->peers[i]) == (f == 0 ? AF_INET : AF_INET6) &&
			    peer_accepts(cfg, &cfg->peers[i], false, &pol))
				used = true;
		}
		if (!used)
			continue;
		sb_puts(sb, "\n[[defined-sets.prefix-sets]]\n");
		sb_printf(sb, "  prefix-set-name = \"any-%s\"\n", f == 0 ? "ipv4" : "ipv6");
		sb_puts(sb, "  [[defined-sets.prefix-sets.prefix-list]]\n");
		sb_printf(sb, "    ip-prefix = \"%s\"\n", f == 0 ? "0.0.0.0/0" : "::/0");
		sb_printf(sb, "    masklength-range = \"0..%u\"\n", f == 0 ? 32 : 128);
	}
	for (size_t i = 0; i < cfg->npolicies; i++) {
		const struct bgp_policy *pol = &cfg->policies[i];

		for (size_t r = 0; r < pol->nrules; r++) {
			const struct bgp_prefix_rule *rule = &pol->rules[r];

			sb_puts(sb, "\n[[defined-sets.prefix-sets]]\n");
			sb_printf(sb, "  prefix-set-name = \"policy%zu-%zu\"\n", i, r);
			sb_puts(sb, "  [[defined-sets.prefix-sets.prefix-list]]\n");
			sb_printf(sb, "    ip-prefix = \"%s\"\n",
			    prefix_ntop(&rule->pfx, b, sizeof(b)));
			sb_printf(sb, "    masklength-range = \"%u..%u\"\n", rule->ge, rule->le);
		}
	}
}

static void
toml_peer(struct strbuf *sb, const struct bgp_config *cfg, const struct bgp_peer_config *p)
{
	uint32_t maxp = p->max_prefixes;
	const struct bgp_policy *pol;
	char b[IPADDR_STRLEN];

	if (peer_accepts(cfg, p, true, &pol) && pol != NULL && pol->max_prefixes > 0 &&
	    (maxp == 0 || pol->max_prefixes < maxp))
		maxp = pol->max_prefixes;
	sb_puts(sb, "\n[[neighbors]]\n  [neighbors.config]\n");
	sb_printf(sb, "    neighbor-address = \"%s\"\n", ipaddr_ntop(&p->addr, b, sizeof(b)));
	sb_printf(sb, "    peer-as = %u\n", p->asn);
	if (p->description != NULL) {
		sb_puts(sb, "    description = ");
		sb_json_str(sb, p->description);
		sb_puts(sb, "\n");
	}
	if (p->password != NULL) {
		sb_puts(sb, "    auth-password = ");
		sb_json_str(sb, p->password);
		sb_puts(sb, "\n");
	}
	sb_puts(sb, "  [neighbors.timers.config]\n");
	sb_printf(sb, "    hold-time = %u\n", p->hold_time);
	sb_printf(sb, "    keepalive-interval = %u\n", p->keepalive);
	sb_printf(sb, "    connect-retry = %u\n", p->connect_retry);
	/* anybgpd's first back-off after a session ends is 1 s; GoBGP's default is 30 s. */
	sb_puts(sb, "    idle-hold-time-after-reset = 1\n");
	sb_puts(sb, "  [neighbors.transport.config]\n");
	sb_printf(sb, "    passive-mode = %s\n", p->passive ? "true" : "false");
	if (p->local_addr.family != 0)
		sb_printf(sb, "    local-address = \"%s\"\n",
		    ipaddr_ntop(&p->local_addr, b, sizeof(b)));
	sb_printf(sb, "    remote-port = %u\n", p->port);
	for (int f = 0; f < 2; f++) {
		if (!(f == 0 ? p->ipv4 : p->ipv6))
			continue;
		sb_puts(sb, "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n");
		sb_printf(sb, "      afi-safi-name = \"%s\"\n",
		    f == 0 ? "ipv4-unicast" : "ipv6-unicast");
		if (maxp > 0)
			sb_printf(sb,
			    "    [neighbors.afi-safis.prefix-limit.config]\n"
			    "      max-prefixes = %u\n",
			    maxp);
	}
}

/* The whole gobgpd.toml for cfg (node names the file's header). Caller frees. */
static char *
gobgp_render(const struct bgp_config *cfg, const char *node)
{
	struct strbuf sb = STRBUF_INIT, pol = STRBUF_INIT;
	char b[IPADDR_STRLEN];
	size_t nimp, nexp;

	/* Policies first into their own buffer: the global section names them. */
	nimp = toml_policy(&pol, cfg, true);
	nexp = toml_policy(&pol, cfg, false);
	sb_printf(&sb,
	    "# gobgpd configuration of node %s, written by anylab from its bgp "
	    "section.\n",
	    node);
	sb_puts(&sb, "[global.config]\n");
	sb_printf(&sb, "  as = %u\n", cfg->asn);
	sb_printf(&sb, "  router-id = \"%s\"\n", ipaddr_ntop(&cfg->router_id, b, sizeof(b)));
	sb_printf(&sb, "  port = %d\n", cfg->listen ? (int)cfg->port : -1);
	if (cfg->listen && (cfg->listen_v4.family != 0 || cfg->listen_v6.family != 0)) {
		char b6[IPADDR_STRLEN];

		sb_printf(&sb, "  local-address-list = [\"%s\", \"%s\"]\n",
		    cfg->listen_v4.family ? ipaddr_ntop(&cfg->listen_v4, b, sizeof(b)) : "0.0.0.0",
		    cfg->listen_v6.family ? ipaddr_ntop(&cfg->listen_v6, b6, sizeof(b6)) : "::");
	}
	sb_puts(&sb, "[global.apply-policy.config]\n");
	if (nimp > 0)
		sb_puts(&sb, "  import-policy-list = [\"anylab-import\"]\n");
	sb_puts(&sb, "  default-import-policy = \"reject-route\"\n");
	if (nexp > 0)
		sb_puts(&sb, "  export-policy-list = [\"anylab-export\"]\n");
	sb_puts(&sb, "  default-export-policy = \"reject-route\"\n");
	if (cfg->max_paths > 1)
		sb_puts(&sb, "[global.use-multiple-paths.config]\n  enabled = true\n");
	for (size_t i = 0; i < cfg->npeers; i++)
		toml_peer(&sb, cfg, &cfg->peers[i]);
	toml_sets(&sb, cfg);
	sb_puts(&sb, sb_str(&pol));
	sb_free(&pol);
	return sb_steal(&sb);
}

static int
gobgp_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	char mark[ANYLAB_PATH_MAX];
	struct cfg_errors errs;
	struct bgp_config cfg;
	char *text;
	cJSON *c;
	int err;

	/* A new configuration: the next gobgpd gets "originate" again. */
	if (unlink(kind_file(k, GOBGP_MARK, mark, sizeof(mark))) < 0 && errno != ENOENT) {
		err = -errno;
		snprintf(msg, msglen, "%s: %s", mark, strerror(errno));
		return err;
	}
	if (kind_user_config(k) != NULL)
		return kind_copy_user_config(k, GOBGP_CONF, msg, msglen);
	memset(&cfg, 0, sizeof(cfg));
	cfg_errors_init(&errs, NULL);
	c = kind_section_copy(k);
	if (c == NULL)
		return -ENOMEM;
	if (bgp_config_parse(c, k->path, &cfg, &errs) < 0) {
		cJSON_Delete(c);
		cfg_error_text(&errs, 0, msg, msglen);
		return EMU_ECONFIG;
	}
	cJSON_Delete(c);
	text = gobgp_render(&cfg, k->node->name);
	bgp_config_free(&cfg);
	if (text == NULL)
		return -ENOMEM;
	err = kind_write_file(k, GOBGP_CONF, text);
	free(text);
	if (err < 0)
		snprintf(msg, msglen, "%s/%s: %s", k->dir, GOBGP_CONF, emu_strerror(err));
	return err;
}

static int
gobgp_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	if (max < 1)
		return EMU_ETRUNC;
	err |= kind_proc_arg(p, GOBGPD);
	err |= kind_proc_arg(p, "-f");
	err |= kind_proc_arg(p, "%s/%s", k->dir, GOBGP_CONF);
	err |= kind_proc_arg(p, "-t");
	err |= kind_proc_arg(p, "toml");
	err |= kind_proc_arg(p, "-p");
	err |= kind_proc_arg(p, "--api-hosts");
	err |= kind_proc_arg(p, GOBGP_HOST ":" GOBGP_PORT);
	err |= kind_proc_arg(p, "--pprof-disable");
	return err ? EMU_ETRUNC : 1;
}

/* ---- the client ---- */

/*
 * Run `gobgp ARGS...` in the node's namespace; standard error joins the
 * output so that a refusal can be reported. *out is the caller's.
 */
static int
gobgp_cli(const struct kind_node *k, const char *const args[], char **out)
{
	char *argv[24];
	size_t n = 0;

	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = "exec \"$0\" \"$@\" 2>&1";
	argv[n++] = GOBGP;
	argv[n++] = "-u";
	argv[n++] = GOBGP_HOST;
	argv[n++] = "-p";
	argv[n++] = GOBGP_PORT;
	for (size_t i = 0; args[i] != NULL && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	return kind_run(k, argv, GOBGP_TIMEOUT_MS, out);
}

/* The first line of a client's output, for a message. */
static void
first_line(const char *text, char *msg, size_t msglen)
{
	size_t n = strcspn(text ? text : "", "\n");

	snprintf(msg, msglen, "%.*s", (int)n, text ? text : "");
}

static int
gobgp_rib_change(const struct kind_node *k, const struct prefix *p, bool add, char *msg,
    size_t msglen)
{
	char pfx[PREFIX_STRLEN], *out = NULL;
	const char *fam = p->addr.family == AF_INET6 ? "ipv6" : "ipv4";
	const char *args[] = { "global", "rib", add ? "add" : "del", pfx, "origin", "igp", "-a",
		fam, NULL };
	int err;

	prefix_ntop(p, pfx, sizeof(pfx));
	if (!add) {
		args[4] = "-a";
		args[5] = fam;
		args[6] = NULL;
	}
	err = gobgp_cli(k, args, &out);
	if (err < 0) {
		char line[256];

		first_line(out, line, sizeof(line));
		snprintf(msg, msglen, "gobgp global rib %s %s: %s", add ? "add" : "del", pfx,
		    line[0] ? line : emu_strerror(err));
		err = err == EMU_ECOMMAND ? EMU_EREFUSED : err;
	}
	free(out);
	return err;
}

/* The pid of the gobgpd reading this node's gobgpd.toml, 0 when none. */
static long
gobgp_daemon_pid(const struct kind_node *k)
{
	char conf[ANYLAB_PATH_MAX];
	struct dirent *de;
	long found = 0;
	DIR *d;

	kind_file(k, GOBGP_CONF, conf, sizeof(conf));
	d = opendir("/proc");
	if (d == NULL)
		return 0;
	while (found == 0 && (de = readdir(d)) != NULL) {
		char path[300], args[4096];
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, args, sizeof(args) - 1);
		close(fd);
		if (n <= 0)
			continue;
		args[n] = '\0';
		if (strcmp(args, GOBGPD) != 0)
			continue;
		for (ssize_t off = 0; off < n; off += (ssize_t)strlen(args + off) + 1)
			if (strcmp(args + off, conf) == 0)
				found = strtol(de->d_name, NULL, 10);
	}
	closedir(d);
	return found;
}

/* Add the section's "originate" prefixes once per gobgpd process. */
static int
gobgp_originate(const struct kind_node *k)
{
	char mark[ANYLAB_PATH_MAX], msg[KIND_MSG_MAX], now[32], was[32] = "";
	struct cfg_errors errs;
	struct bgp_config cfg;
	long pid;
	FILE *f;
	cJSON *c;
	int err = 0;

	if (kind_user_config(k) != NULL)
		return 0;
	pid = gobgp_daemon_pid(k);
	snprintf(now, sizeof(now), "%ld\n", pid);
	kind_file(k, GOBGP_MARK, mark, sizeof(mark));
	f = fopen(mark, "re");
	if (f != NULL) {
		if (fgets(was, sizeof(was), f) == NULL)
			was[0] = '\0';
		fclose(f);
	}
	if (pid != 0 && strcmp(was, now) == 0)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg_errors_init(&errs, NULL);
	c = kind_section_copy(k);
	if (c == NULL || bgp_config_parse(c, k->path, &cfg, &errs) < 0) {
		cJSON_Delete(c);
		return EMU_ECONFIG;
	}
	cJSON_Delete(c);
	for (size_t i = 0; i < cfg.noriginate && err == 0; i++)
		err = gobgp_rib_change(k, &cfg.originate[i], true, msg, sizeof(msg));
	bgp_config_free(&cfg);
	if (err == 0 && pid != 0)
		err = kind_write_file(k, GOBGP_MARK, now);
	return err;
}

static int
gobgp_ready(const struct kind_node *k)
{
	const char *args[] = { "global", NULL };
	char *out = NULL;
	int err;

	err = gobgp_cli(k, args, &out);
	free(out);
	if (err < 0)
		return -EAGAIN;
	err = gobgp_originate(k);
	return err == EMU_ECONFIG ? err : (err < 0 ? -EAGAIN : 0);
}

/* ---- peers ---- */

static const char *const gobgp_states[] = {
	[1] = "Idle",
	[2] = "Connect",
	[3] = "Active",
	[4] = "OpenSent",
	[5] = "OpenConfirm",
	[6] = "Established",
};

/* A number of o, 0 when absent (the daemons leave zero counters out). */
static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const cJSON *
obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
gobgp_state(const cJSON *st)
{
	const cJSON *s = obj(st, "session_state");

	if (cJSON_IsNumber(s) && s->valueint >= 1 && s->valueint <= 6)
		return gobgp_states[s->valueint];
	if (cJSON_IsString(s)) {
		const char *v = s->valuestring;

		if (strncmp(v, "SESSION_STATE_", 14) == 0)
			v += 14;
		return kind_bgp_state_name(v);
	}
	return "Idle"; /* 0 (unknown) and absent: no session */
}

static void
add_count(cJSON *to, const char *name, const cJSON *from, const char *key)
{
	const cJSON *v = obj(from, key);

	cJSON_AddNumberToObject(to, name, cJSON_IsNumber(v) ? v->valuedouble : 0);
}

static cJSON *
gobgp_peer(const cJSON *n, time_t now)
{
	const cJSON *conf = obj(n, "conf"), *st = obj(n, "state"),
		    *tm = obj(obj(n, "timers"), "state"), *tr = obj(n, "transport"),
		    *msgs = obj(st, "messages");
	const char *state = gobgp_state(st);
	bool est = strcmp(state, "Established") == 0;
	double local = num(conf, "local_asn"), remote = num(conf, "peer_asn"), recv = 0;
	const cJSON *af, *fams;
	cJSON *p = cJSON_CreateObject();
	const char *s;

	if (p == NULL)
		return NULL;
	s = cJSON_GetStringValue(obj(conf, "neighbor_address"));
	cJSON_AddStringToObject(p, "address", s ? s : "");
	cJSON_AddNumberToObject(p, "asn", remote);
	if (local != 0)
		cJSON_AddStringToObject(p, "type", local == remote ? "internal" : "external");
	s = cJSON_GetStringValue(obj(conf, "description"));
	cJSON_AddStringToObject(p, "description", s ? s : "");
	cJSON_AddStringToObject(p, "state", state);
	if (est && num(obj(tm, "uptime"), "seconds") > 0)
		cJSON_AddNumberToObject(p, "uptime",
		    (double)now - num(obj(tm, "uptime"), "seconds"));
	else
		cJSON_AddNullToObject(p, "uptime");
	s = cJSON_GetStringValue(obj(tr, "local_address"));
	if (est && s != NULL)
		cJSON_AddStringToObject(p, "local_address", s);
	else
		cJSON_AddNullToObject(p, "local_address");
	s = cJSON_GetStringValue(obj(st, "router_id"));
	if (est && s != NULL)
		cJSON_AddStringToObject(p, "router_id", s);
	else
		cJSON_AddNullToObject(p, "router_id");
	cJSON_AddBoolToObject(p, "passive", cJSON_IsTrue(obj(tr, "passive_mode")));
	cJSON_AddNumberToObject(p, "hold_time", est ? num(tm, "negotiated_hold_time") : 0);
	cJSON_AddNumberToObject(p, "keepalive", est ? num(tm, "keepalive_interval") : 0);
	cJSON_AddNumberToObject(p, "hold_time_configured",
	    num(obj(obj(n, "timers"), "config"), "hold_time"));
	fams = cJSON_AddArrayToObject(p, "families");
	cJSON_ArrayForEach(af, obj(n, "afi_safis")) {
		const cJSON *fam = obj(obj(af, "config"), "family");
		const cJSON *ast = obj(af, "state");

		recv += num(ast, "received");
		if (!est || !cJSON_IsTrue(obj(obj(af, "config"), "enabled")) ||
		    num(fam, "safi") != 1)
			continue;
		if (num(fam, "afi") == 1)
			cJSON_AddItemToArray((cJSON *)fams, cJSON_CreateString("ipv4"));
		else if (num(fam, "afi") == 2)
			cJSON_AddItemToArray((cJSON *)fams, cJSON_CreateString("ipv6"));
	}
	add_count(p, "messages_in", obj(msgs, "received"), "total");
	add_count(p, "messages_out", obj(msgs, "sent"), "total");
	add_count(p, "updates_in", obj(msgs, "received"), "update");
	add_count(p, "updates_out", obj(msgs, "sent"), "update");
	add_count(p, "keepalives_in", obj(msgs, "received"), "keepalive");
	add_count(p, "keepalives_out", obj(msgs, "sent"), "keepalive");
	add_count(p, "notifications_in", obj(msgs, "received"), "notification");
	add_count(p, "notifications_out", obj(msgs, "sent"), "notification");
	add_count(p, "refresh_in", obj(msgs, "received"), "refresh");
	add_count(p, "refresh_out", obj(msgs, "sent"), "refresh");
	cJSON_AddNumberToObject(p, "prefixes_received", recv);
	return p;
}

int
gobgp_peers_parse(const char *text, time_t now, cJSON **doc)
{
	cJSON *in = cJSON_Parse(text), *out, *arr;
	const cJSON *n;

	*doc = NULL;
	if (in == NULL || !cJSON_IsArray(in)) {
		cJSON_Delete(in);
		return EMU_EPROTO;
	}
	out = cJSON_CreateObject();
	arr = out ? cJSON_AddArrayToObject(out, "peers") : NULL;
	if (arr == NULL) {
		cJSON_Delete(out);
		cJSON_Delete(in);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(n, in) {
		cJSON *p = gobgp_peer(n, now);

		if (p != NULL)
			cJSON_AddItemToArray(arr, p);
	}
	cJSON_Delete(in);
	*doc = out;
	return 0;
}

static int
gobgp_peers(const struct kind_node *k, cJSON **doc)
{
	const char *args[] = { "-j", "neighbor", NULL };
	char *out = NULL;
	int err;

	*doc = NULL;
	err = gobgp_cli(k, args, &out);
	if (err == 0)
		err = gobgp_peers_parse(out, time(NULL), doc);
	free(out);
	return err;
}

/* ---- routes ---- */

static void
aspath_text(struct strbuf *sb, const cJSON *segs)
{
	const cJSON *seg, *as;
	bool first = true;

	/* AS_SET (type 1) in braces, as anybgpd prints it: "65511 8075 {1 2}" */
	cJSON_ArrayForEach(seg, segs) {
		bool set = num(seg, "segment_type") == 1, first_as = true;

		sb_printf(sb, "%s%s", first ? "" : " ", set ? "{" : "");
		first = false;
		cJSON_ArrayForEach(as, obj(seg, "asns")) {
			sb_printf(sb, "%s%.0f", first_as ? "" : " ", as->valuedouble);
			first_as = false;
		}
		if (set)
			sb_puts(sb, "}");
	}
}

static cJSON *
community_text(double v)
{
	uint32_t c = (uint32_t)v;
	char b[24];

	switch (c) {
	case 0xffffff01:
		return cJSON_CreateString("no-export");
	case 0xffffff02:
		return cJSON_CreateString("no-advertise");
	case 0xffffff03:
		return cJSON_CreateString("no-export-subconfed");
	default:
		snprintf(b, sizeof(b), "%u:%u", c >> 16, c & 0xffff);
		return cJSON_CreateString(b);
	}
}

static const char *const origin_names[] = { "IGP", "EGP", "incomplete" };

static cJSON *
gobgp_path(const char *prefix, const cJSON *path)
{
	const char *peer = cJSON_GetStringValue(obj(path, "neighbor-ip"));
	const char *nh = NULL;
	const cJSON *a, *comms = NULL, *segs = NULL;
	double lp = -1, med = -1, origin = -1;
	struct strbuf sb = STRBUF_INIT;
	cJSON *r = cJSON_CreateObject();

	if (r == NULL)
		return NULL;
	cJSON_ArrayForEach(a, obj(path, "attrs")) {
		switch ((int)num(a, "type")) {
		case 1:
			origin = num(a, "value");
			break;
		case 2:
			segs = obj(a, "as_paths");
			break;
		case 3:
		case 14:
			if (nh == NULL)
				nh = cJSON_GetStringValue(obj(a, "nexthop"));
			break;
		case 4:
			med = num(a, "metric");
			break;
		case 5:
			lp = num(a, "value");
			break;
		case 8:
			comms = obj(a, "communities");
			break;
		default:
			break;
		}
	}
	cJSON_AddStringToObject(r, "prefix", prefix);
	if (peer == NULL || nh == NULL)
		cJSON_AddNullToObject(r, "next_hop");
	else
		cJSON_AddStringToObject(r, "next_hop", nh);
	cJSON_AddStringToObject(r, "peer", peer ? peer : "local");
	cJSON_AddBoolToObject(r, "best", cJSON_IsTrue(obj(path, "best")));
	cJSON_AddBoolToObject(r, "multipath", cJSON_IsTrue(obj(path, "best")));
	if (lp >= 0)
		cJSON_AddNumberToObject(r, "local_pref", lp);
	else
		cJSON_AddNullToObject(r, "local_pref");
	if (med >= 0)
		cJSON_AddNumberToObject(r, "med", med);
	else
		cJSON_AddNullToObject(r, "med");
	if (origin >= 0 && origin <= 2)
		cJSON_AddStringToObject(r, "origin", origin_names[(int)origin]);
	aspath_text(&sb, segs);
	cJSON_AddStringToObject(r, "as_path", sb_str(&sb));
	sb_free(&sb);
	{
		cJSON *arr = cJSON_AddArrayToObject(r, "communities");
		const cJSON *c;

		cJSON_ArrayForEach(c, comms)
			cJSON_AddItemToArray(arr, community_text(c->valuedouble));
	}
	return r;
}

int
gobgp_routes_parse(const char *text, const struct prefix *filter, cJSON *routes)
{
	cJSON *in = cJSON_Parse(text);
	const cJSON *dst, *path;

	if (in == NULL || !cJSON_IsObject(in)) {
		cJSON_Delete(in);
		return EMU_EPROTO;
	}
	cJSON_ArrayForEach(dst, in) {
		struct prefix pfx;

		if (prefix_parse(dst->string, &pfx, true) < 0)
			continue;
		if (filter != NULL &&
		    !(pfx.len >= filter->len && pfx.addr.family == filter->addr.family &&
			prefix_contains(filter, &pfx.addr)))
			continue;
		cJSON_ArrayForEach(path, dst) {
			cJSON *r = gobgp_path(dst->string, path);

			if (r != NULL)
				cJSON_AddItemToArray(routes, r);
		}
	}
	cJSON_Delete(in);
	return 0;
}

static int
route_cmp(const void *a, const void *b)
{
	const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
	struct prefix px, py;

	memset(&px, 0, sizeof(px));
	memset(&py, 0, sizeof(py));
	prefix_parse(cJSON_GetStringValue(obj(x, "prefix")), &px, true);
	prefix_parse(cJSON_GetStringValue(obj(y, "prefix")), &py, true);
	return prefix_cmp(&px, &py);
}

cJSON *
gobgp_routes_doc(cJSON *routes)
{
	size_t n = (size_t)cJSON_GetArraySize(routes), prefixes = 0;
	cJSON **v = calloc(n ? n : 1, sizeof(*v));
	cJSON *doc = cJSON_CreateObject(), *arr;
	const char *last = "";

	if (v == NULL || doc == NULL) {
		free(v);
		cJSON_Delete(doc);
		cJSON_Delete(routes);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(routes, 0);
	/* A stable sort keeps each prefix's paths in the daemon's order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && route_cmp(&v[j - 1], &v[j]) > 0; j--) {
			cJSON *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	arr = cJSON_AddArrayToObject(doc, "routes");
	for (size_t i = 0; i < n; i++) {
		const char *p = cJSON_GetStringValue(obj(v[i], "prefix"));

		if (p != NULL && strcmp(p, last) != 0) {
			prefixes++;
			last = p;
		}
		cJSON_AddItemToArray(arr, v[i]);
	}
	cJSON_AddNumberToObject(doc, "prefixes", (double)prefixes);
	free(v);
	cJSON_Delete(routes);
	return doc;
}

static int
gobgp_routes(const struct kind_node *k, const char *prefix, cJSON **doc)
{
	struct prefix filter, *fp = NULL;
	cJSON *routes;
	int err = 0;

	*doc = NULL;
	if (prefix != NULL) {
		if (prefix_parse(prefix, &filter, true) < 0)
			return -EINVAL;
		prefix_mask(&filter);
		fp = &filter;
	}
	routes = cJSON_CreateArray();
	if (routes == NULL)
		return -ENOMEM;
	for (int f = 0; f < 2 && err == 0; f++) {
		const char *args[] = { "-j", "global", "rib", "-a", f == 0 ? "ipv4" : "ipv6",
			NULL };
		char *out = NULL;

		if (fp != NULL && fp->addr.family != (f == 0 ? AF_INET : AF_INET6))
			continue;
		err = gobgp_cli(k, args, &out);
		if (err == 0)
			err = gobgp_routes_parse(out, fp, routes);
		free(out);
	}
	if (err < 0) {
		cJSON_Delete(routes);
		return err;
	}
	*doc = gobgp_routes_doc(routes);
	return *doc != NULL ? 0 : -ENOMEM;
}

static int
gobgp_progress(const struct kind_node *k, struct kind_bgp_progress *pr)
{
	const cJSON *p;
	cJSON *doc;
	int err;

	memset(pr, 0, sizeof(*pr));
	err = gobgp_peers(k, &doc);
	if (err < 0)
		return err;
	cJSON_ArrayForEach(p, obj(doc, "peers")) {
		pr->peers++;
		if (strcmp(cJSON_GetStringValue(obj(p, "state")), "Established") == 0)
			pr->established++;
	}
	cJSON_Delete(doc);
	return 0;
}

static int
gobgp_announce(const struct kind_node *k, const struct prefix *p, bool announce, char *msg,
    size_t msglen)
{
	char pfx[PREFIX_STRLEN];
	bool known = false;
	const cJSON *r;
	cJSON *doc;
	int err;

	if (announce)
		return gobgp_rib_change(k, p, true, msg, msglen);
	/* `gobgp global rib del` succeeds silently for a prefix it never had. */
	prefix_ntop(p, pfx, sizeof(pfx));
	err = gobgp_routes(k, pfx, &doc);
	if (err < 0) {
		snprintf(msg, msglen, "gobgp global rib: %s", emu_strerror(err));
		return err;
	}
	cJSON_ArrayForEach(r, obj(doc, "routes"))
		if (strcmp(cJSON_GetStringValue(obj(r, "prefix")), pfx) == 0 &&
		    strcmp(cJSON_GetStringValue(obj(r, "peer")), "local") == 0)
			known = true;
	cJSON_Delete(doc);
	if (!known) {
		snprintf(msg, msglen, "%s is not originated", pfx);
		return EMU_EREFUSED;
	}
	return gobgp_rib_change(k, p, false, msg, msglen);
}

const struct kind_ops kind_gobgp = {
	.name = "gobgp",
	.role = KIND_BGP,
	.package = "gobgpd",
	.programs = gobgp_programs,
	.check = gobgp_check,
	.configure = gobgp_configure,
	.procs = gobgp_procs,
	.ready = gobgp_ready,
	.bgp_progress = gobgp_progress,
	.bgp_peers = gobgp_peers,
	.bgp_routes = gobgp_routes,
	.bgp_announce = gobgp_announce,
	.bgp_drain = kind_drain_by_withdrawal,
};
