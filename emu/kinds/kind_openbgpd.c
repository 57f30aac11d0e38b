/*
 * Kind "openbgpd": OpenBGPD portable 7.7 (Debian's openbgpd: /usr/sbin/bgpd
 * and /usr/sbin/bgpctl) as a node's BGP speaker. The node's bgp section
 * (anybgpd's keys, docs/anybgpd.md) is rendered as bgpd.conf with its
 * control socket in the node's folder (`socket "DIR/bgpd.sock"`); keys
 * OpenBGPD cannot express as anybgpd means them are refused by `check`
 * (docs/kinds/openbgpd.md lists them).
 *
 * No kernel routes: Debian's bgpd 7.7 is built without libmnl, so it has
 * portable's kroute-disabled.c (not kroute-linux.c), whose kr_change()
 * does nothing and which takes every nexthop as valid. bgpd.conf says
 * `fib-update no`, and a section asking for kernel installation or
 * multipath is refused.
 *
 * Privileges: bgpd's session and route engines chroot into the home folder
 * of user _openbgpd (/run/openbgpd on Debian, made by systemd only while
 * the service runs) and drop to that user. bgpd runs in a mount namespace
 * of its own in which /etc/passwd is the node's openbgpd.passwd, naming
 * the empty folder openbgpd.chroot of the node as that home: nothing is
 * created outside the node's folder.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgp_config.h"
#include "kind.h"
#include "kind_bfd.h"
#include "kind_policy.h"
#include "kind_openbgpd.h"
#include "strbuf.h"

#define BGPD		 "/usr/sbin/bgpd"
#define BGPCTL		 "/usr/sbin/bgpctl"
#define UNSHARE		 "/usr/bin/unshare"
#define MOUNT		 "/bin/mount"
#define OBGPD_USER	 "_openbgpd"
#define OBGPD_CONF	 "bgpd.conf"
#define OBGPD_SOCK	 "bgpd.sock"
#define OBGPD_PASSWD	 "openbgpd.passwd"
#define OBGPD_CHROOT	 "openbgpd.chroot"
#define OBGPD_TIMEOUT_MS 5000

static const char *const openbgpd_programs[] = { BGPD, BGPCTL, UNSHARE, MOUNT, NULL };

/* ---- check ---- */

/* PARENT.key: kind openbgpd WHY */
static void
refuse(struct cfg_errors *errs, int *rc, const char *parent, const char *key, const char *why)
{
	char p[CFG_PATH_MAX];

	cfg_error(errs, jc_path(p, parent, key), "kind openbgpd %s", why);
	*rc = -1;
}

/* A string bgpd.conf can quote: no quote, backslash or line break in it. */
static bool
quotable(const char *s)
{
	return s == NULL || strpbrk(s, "\"\\\n\r") == NULL;
}

static void
openbgpd_refuse(const struct kind_node *k, const struct bgp_config *cfg, struct cfg_errors *errs,
    int *rc)
{
	const cJSON *kern = cJSON_GetObjectItemCaseSensitive(k->section, "kernel");
	const cJSON *peers = cJSON_GetObjectItemCaseSensitive(k->section, "peers");
	char path[CFG_PATH_MAX], ppath[CFG_PATH_MAX];

	if (kind_policy_refuse(cfg, k->path, "openbgpd", errs) < 0)
		*rc = -1;
	jc_path(path, k->path, "kernel");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(kern, "install"))) {
		refuse(errs, rc, path, "install",
		    "cannot install routes in the kernel: "
		    "OpenBGPD portable 7.7 on Linux (Debian's bgpd, built without netlink "
		    "support) never changes the kernel's routing table");
	}
	for (const char *const *key = (const char *const[]){ "table", "protocol", NULL }; *key;
	     key++) {
		if (cJSON_GetObjectItemCaseSensitive(kern, *key) == NULL)
			continue;
		refuse(errs, rc, path, *key,
		    "has no kernel routes on Linux (OpenBGPD portable "
		    "7.7 never changes the kernel's routing table)");
	}
	if (cfg->max_paths > 1)
		refuse(errs, rc, k->path, "multipath",
		    "cannot keep a multipath set: OpenBGPD "
		    "7.7 selects one best path, and on Linux it never changes the kernel's "
		    "routing table, where a multipath route would go");
	if (!cfg->listen)
		refuse(errs, rc, k->path, "listen", "always listens for connections");
	if (cfg->hold_time < 3)
		refuse(errs, rc, k->path, "hold_time", "takes a hold time from 3 to 65535 s");
	if (cfg->hold_time >= 3 && cfg->keepalive != cfg->hold_time / 3)
		refuse(errs, rc, k->path, "keepalive",
		    "always sends keepalives every third of "
		    "the hold time");
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_peer_config *p = &cfg->peers[i];
		const cJSON *pj = cJSON_GetArrayItem(peers, (int)i);
		char pp[CFG_PATH_MAX];

		jc_path_idx(pp, jc_path(ppath, k->path, "peers"), (int)i);
		if (p->hold_time < 3 && cfg->hold_time >= 3)
			refuse(errs, rc, pp, "hold_time", "takes a hold time from 3 to 65535 s");
		else if (p->hold_time >= 3 && p->keepalive != p->hold_time / 3 &&
		    cJSON_GetObjectItemCaseSensitive(pj, "keepalive") != NULL)
			refuse(errs, rc, pp, "keepalive",
			    "always sends keepalives every third of "
			    "the hold time");
		if (p->connect_retry != cfg->connect_retry)
			refuse(errs, rc, pp, "connect_retry",
			    "has one connect-retry timer for "
			    "every neighbor (the top-level connect_retry)");
		if (cJSON_GetObjectItemCaseSensitive(pj, "next_hop_ipv4") != NULL)
			refuse(errs, rc, pp, "next_hop_ipv4",
			    "cannot set the next hop of one "
			    "address family over a session of the other");
		if (cJSON_GetObjectItemCaseSensitive(pj, "next_hop_ipv6") != NULL)
			refuse(errs, rc, pp, "next_hop_ipv6",
			    "cannot set the next hop of one "
			    "address family over a session of the other");
		if (!quotable(p->description))
			refuse(errs, rc, pp, "description",
			    "cannot quote a description with a "
			    "quote, backslash or line break");
		if (!quotable(p->password))
			refuse(errs, rc, pp, "password",
			    "cannot quote a password with a quote, "
			    "backslash or line break");
		if (p->route_server_client)
			refuse(errs, rc, pp, "route_server_client",
			    "is not translated for route-server "
			    "clients here; use anybgpd or kind bird for the route server");
	}
}

static int
openbgpd_check(const struct kind_node *k, struct cfg_errors *errs)
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
	if (kind_bfd_refuse(k->section, k->path, "openbgpd", "OpenBGPD 7.7 has no BFD", errs) < 0)
		rc = -1;
	c = kind_section_copy(k);
	if (c == NULL)
		return -1;
	/* What "bfd" says is refused above; anybgpd's parser reads the rest. */
	if (bgp_config_parse(c, k->path, &cfg, errs) < 0) {
		cJSON_Delete(c);
		return -1;
	}
	openbgpd_refuse(k, &cfg, errs, &rc);
	bgp_config_free(&cfg);
	cJSON_Delete(c);
	return rc;
}

/* ---- configure: bgpd.conf ---- */

static void
conf_comm(struct strbuf *sb, uint32_t c)
{
	switch (c) {
	case 0xffffff01:
		sb_puts(sb, " community NO_EXPORT");
		break;
	case 0xffffff02:
		sb_puts(sb, " community NO_ADVERTISE");
		break;
	case 0xffffff03:
		sb_puts(sb, " community NO_EXPORT_SUBCONFED");
		break;
	default:
		sb_printf(sb, " community %u:%u", c >> 16, c & 0xffff);
		break;
	}
}

/* " set { ... }" of a policy's accepted routes; nothing when it sets nothing. */
static void
conf_set(struct strbuf *sb, const struct bgp_policy *pol, bool import)
{
	struct strbuf s = STRBUF_INIT;

	if (pol == NULL)
		return;
	if (pol->set_local_pref)
		sb_printf(&s, " localpref %u", pol->local_pref);
	if (pol->set_med)
		sb_printf(&s, " med %u", pol->med);
	if (pol->prepend > 0)
		sb_printf(&s, " %s %u", import ? "prepend-neighbor" : "prepend-self", pol->prepend);
	if (pol->communities_replace)
		sb_puts(&s, " community delete *:*");
	for (size_t i = 0; i < pol->ncommunities; i++)
		conf_comm(&s, pol->communities[i]);
	if (s.len > 0)
		sb_printf(sb, " set {%s }", sb_str(&s));
	sb_free(&s);
}

/*
 * The rules of one peer in one direction. bgpd's last matching rule
 * decides; anybgpd's first matching prefix entry does: every entry is a
 * `quick` rule, in order, and the policy's default a plain rule after the
 * `deny from any`/`deny to any` that open the filter section.
 */
static void
conf_filter(struct strbuf *sb, const struct bgp_config *cfg, const struct bgp_peer_config *p,
    bool import)
{
	enum bgp_policy_ref ref = import ? p->import_ref : p->export_ref;
	const struct bgp_policy *pol = import ? p->import : p->export;
	const char *dir = import ? "from" : "to";
	char a[IPADDR_STRLEN], b[PREFIX_STRLEN];

	ipaddr_ntop(&p->addr, a, sizeof(a));
	if (ref == BGP_POLICY_NONE || (ref == BGP_POLICY_UNSET && p->asn != cfg->asn))
		return; /* nothing; RFC 8212 for an external peer without a policy */
	/*
	 * anybgpd sends no IPv6 route over an IPv4 session (nor the reverse)
	 * without next_hop_* (refused here); bgpd would, with a next hop of
	 * its own choosing (::1 in Lab A).
	 */
	if (!import && p->addr.family == AF_INET && p->ipv6)
		sb_printf(sb, "deny quick to %s inet6\n", a);
	else if (!import && p->addr.family == AF_INET6 && p->ipv4)
		sb_printf(sb, "deny quick to %s inet\n", a);
	if (ref != BGP_POLICY_NAMED) {
		sb_printf(sb, "allow %s %s\n", dir, a);
		return;
	}
	for (size_t r = 0; r < pol->nrules; r++) {
		const struct bgp_prefix_rule *rule = &pol->rules[r];

		sb_printf(sb, "%s quick %s %s prefix %s", rule->accept ? "allow" : "deny", dir, a,
		    prefix_ntop(&rule->pfx, b, sizeof(b)));
		if (rule->ge != rule->pfx.len || rule->le != rule->pfx.len)
			sb_printf(sb, " prefixlen %u - %u", rule->ge, rule->le);
		if (rule->accept)
			conf_set(sb, pol, import);
		sb_puts(sb, "\n");
	}
	if (pol->default_accept) {
		sb_printf(sb, "allow %s %s", dir, a);
		conf_set(sb, pol, import);
		sb_puts(sb, "\n");
	}
}

static void
conf_neighbor(struct strbuf *sb, const struct bgp_config *cfg, const struct bgp_peer_config *p)
{
	uint32_t maxp = p->max_prefixes;
	char a[IPADDR_STRLEN];

	if (p->import_ref == BGP_POLICY_NAMED && p->import->max_prefixes > 0 &&
	    (maxp == 0 || p->import->max_prefixes < maxp))
		maxp = p->import->max_prefixes;
	sb_printf(sb, "\nneighbor %s {\n", ipaddr_ntop(&p->addr, a, sizeof(a)));
	sb_printf(sb, "\tremote-as %u\n", p->asn);
	if (p->description != NULL)
		sb_printf(sb, "\tdescr \"%s\"\n", p->description);
	if (p->hold_time != cfg->hold_time)
		sb_printf(sb, "\tholdtime %u\n", p->hold_time);
	if (p->port != 179)
		sb_printf(sb, "\tport %u\n", p->port);
	if (p->passive)
		sb_puts(sb, "\tpassive\n");
	if (p->local_addr.family != 0)
		sb_printf(sb, "\tlocal-address %s\n", ipaddr_ntop(&p->local_addr, a, sizeof(a)));
	if (p->password != NULL)
		sb_printf(sb, "\ttcp md5sig password \"%s\"\n", p->password);
	if (p->ttl_security)
		sb_puts(sb, "\tttl-security yes\n");
	/* anybgpd restarts a session closed for too many prefixes after 120 s. */
	if (maxp > 0)
		sb_printf(sb, "\tmax-prefix %u restart 2\n", maxp);
	sb_printf(sb, "\tannounce IPv4 %s\n", p->ipv4 ? "unicast" : "none");
	sb_printf(sb, "\tannounce IPv6 %s\n", p->ipv6 ? "unicast" : "none");
	sb_puts(sb, "}\n");
}

static char *
openbgpd_render(const struct bgp_config *cfg, const char *node, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char b[PREFIX_STRLEN];

	sb_printf(&sb, "# bgpd.conf of node %s, written by anylab from its bgp section.\n", node);
	sb_printf(&sb, "AS %u\n", cfg->asn);
	sb_printf(&sb, "router-id %s\n", ipaddr_ntop(&cfg->router_id, b, sizeof(b)));
	sb_printf(&sb, "socket \"%s/%s\"\n", dir, OBGPD_SOCK);
	sb_printf(&sb, "holdtime %u\n", cfg->hold_time);
	sb_printf(&sb, "connect-retry %u\n", cfg->connect_retry);
	sb_puts(&sb, "fib-update no\n");
	sb_printf(&sb, "listen on %s port %u\n",
	    cfg->listen_v4.family ? ipaddr_ntop(&cfg->listen_v4, b, sizeof(b)) : "0.0.0.0",
	    cfg->port);
	sb_printf(&sb, "listen on %s port %u\n",
	    cfg->listen_v6.family ? ipaddr_ntop(&cfg->listen_v6, b, sizeof(b)) : "::", cfg->port);
	for (size_t i = 0; i < cfg->noriginate; i++)
		sb_printf(&sb, "network %s\n", prefix_ntop(&cfg->originate[i], b, sizeof(b)));
	for (size_t i = 0; i < cfg->npeers; i++)
		conf_neighbor(&sb, cfg, &cfg->peers[i]);
	sb_puts(&sb, "\ndeny from any\ndeny to any\n");
	for (size_t i = 0; i < cfg->npeers; i++) {
		conf_filter(&sb, cfg, &cfg->peers[i], true);
		conf_filter(&sb, cfg, &cfg->peers[i], false);
	}
	return sb_steal(&sb);
}

/* openbgpd.passwd: root, and _openbgpd with the node's empty chroot folder as home. */
static int
openbgpd_passwd(const struct kind_node *k, char *msg, size_t msglen)
{
	char chroot_dir[ANYLAB_PATH_MAX], text[ANYLAB_PATH_MAX + 256];
	struct passwd *pw = getpwnam(OBGPD_USER);
	int err;

	if (pw == NULL) {
		snprintf(msg, msglen,
		    "%s: kind openbgpd needs user %s (Debian package "
		    "openbgpd makes it)",
		    k->path, OBGPD_USER);
		return EMU_EMISSING;
	}
	kind_file(k, OBGPD_CHROOT, chroot_dir, sizeof(chroot_dir));
	if (mkdir(chroot_dir, 0755) < 0 && errno != EEXIST) {
		err = -errno;
		snprintf(msg, msglen, "%s: %s", chroot_dir, strerror(errno));
		return err;
	}
	snprintf(text, sizeof(text),
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "%s:x:%u:%u:OpenBGPD of anylab:%s:/usr/sbin/nologin\n",
	    OBGPD_USER, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, chroot_dir);
	/* It is /etc/passwd for bgpd and its children: readable by all, as that one is. */
	err = kind_write_file_mode(k, OBGPD_PASSWD, text, 0644);
	if (err < 0)
		snprintf(msg, msglen, "%s/%s: %s", k->dir, OBGPD_PASSWD, emu_strerror(err));
	return err;
}

static int
openbgpd_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	struct cfg_errors errs;
	struct bgp_config cfg;
	char *text;
	cJSON *c;
	int err;

	err = openbgpd_passwd(k, msg, msglen);
	if (err < 0)
		return err;
	if (kind_user_config(k) != NULL)
		return kind_copy_user_config(k, OBGPD_CONF, msg, msglen);
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
	text = openbgpd_render(&cfg, k->node->name, k->dir);
	bgp_config_free(&cfg);
	if (text == NULL)
		return -ENOMEM;
	err = kind_write_file(k, OBGPD_CONF, text);
	free(text);
	if (err < 0)
		snprintf(msg, msglen, "%s/%s: %s", k->dir, OBGPD_CONF, emu_strerror(err));
	return err;
}

/*
 * unshare (same pid) -> sh (same pid) -> bgpd in the foreground: the
 * supervisor's pid is bgpd's parent process, whose exit ends the daemon.
 */
static int
openbgpd_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	if (max < 1)
		return EMU_ETRUNC;
	err |= kind_proc_arg(p, UNSHARE);
	err |= kind_proc_arg(p, "--mount");
	err |= kind_proc_arg(p, "--propagation");
	err |= kind_proc_arg(p, "private");
	err |= kind_proc_arg(p, "--");
	err |= kind_proc_arg(p, "/bin/sh");
	err |= kind_proc_arg(p, "-c");
	err |= kind_proc_arg(p, MOUNT " --bind \"$0\" /etc/passwd && exec " BGPD " -d -f \"$1\"");
	err |= kind_proc_arg(p, "%s/%s", k->dir, OBGPD_PASSWD);
	err |= kind_proc_arg(p, "%s/%s", k->dir, OBGPD_CONF);
	return err ? EMU_ETRUNC : 1;
}

/* ---- bgpctl ---- */

static int
bgpctl(const struct kind_node *k, const char *const args[], char **out)
{
	char sock[ANYLAB_PATH_MAX], *argv[24];
	size_t n = 0;

	kind_file(k, OBGPD_SOCK, sock, sizeof(sock));
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = "exec \"$0\" \"$@\" 2>&1";
	argv[n++] = BGPCTL;
	argv[n++] = "-s";
	argv[n++] = sock;
	for (size_t i = 0; args[i] != NULL && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	return kind_run(k, argv, OBGPD_TIMEOUT_MS, out);
}

static int
openbgpd_ready(const struct kind_node *k)
{
	const char *args[] = { "show", NULL };
	char sock[ANYLAB_PATH_MAX], *out = NULL;
	int err;

	if (access(kind_file(k, OBGPD_SOCK, sock, sizeof(sock)), F_OK) < 0)
		return -EAGAIN;
	err = bgpctl(k, args, &out);
	free(out);
	return err < 0 ? -EAGAIN : 0;
}

static const cJSON *
obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A number of o, 0 when absent. */
static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = obj(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* remote_as is a string in bgpctl's JSON ("65511"), a number elsewhere. */
static double
asn_value(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strtod(v->valuestring, NULL);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void
add_count(cJSON *to, const char *name, const cJSON *from, const char *key)
{
	const cJSON *v = obj(from, key);

	cJSON_AddNumberToObject(to, name, cJSON_IsNumber(v) ? v->valuedouble : 0);
}

static cJSON *
openbgpd_peer(const cJSON *n)
{
	const char *state = kind_bgp_state_name(
	    cJSON_GetStringValue(obj(n, "state")) ? cJSON_GetStringValue(obj(n, "state")) : "");
	const cJSON *sess = obj(n, "session"), *msg = obj(obj(n, "stats"), "message"), *mp;
	bool est = state != NULL && strcmp(state, "Established") == 0;
	cJSON *p = cJSON_CreateObject(), *fams;
	const char *s, *err;

	if (p == NULL)
		return NULL;
	s = cJSON_GetStringValue(obj(n, "remote_addr"));
	cJSON_AddStringToObject(p, "address", s ? s : "");
	cJSON_AddNumberToObject(p, "asn", asn_value(obj(n, "remote_as")));
	s = cJSON_GetStringValue(obj(n, "description"));
	cJSON_AddStringToObject(p, "description", s ? s : "");
	cJSON_AddStringToObject(p, "state", state ? state : "Idle");
	if (est && cJSON_IsNumber(obj(n, "last_updown_sec")))
		cJSON_AddNumberToObject(p, "uptime", num(n, "last_updown_sec"));
	else
		cJSON_AddNullToObject(p, "uptime");
	s = cJSON_GetStringValue(obj(obj(sess, "local"), "address"));
	if (est && s != NULL)
		cJSON_AddStringToObject(p, "local_address", s);
	else
		cJSON_AddNullToObject(p, "local_address");
	s = cJSON_GetStringValue(obj(n, "bgpid"));
	if (est && s != NULL)
		cJSON_AddStringToObject(p, "router_id", s);
	else
		cJSON_AddNullToObject(p, "router_id");
	cJSON_AddBoolToObject(p, "passive", cJSON_IsTrue(obj(obj(n, "config"), "passive")));
	cJSON_AddNumberToObject(p, "hold_time", est ? num(sess, "holdtime") : 0);
	cJSON_AddNumberToObject(p, "keepalive", est ? num(sess, "keepalive") : 0);
	fams = cJSON_AddArrayToObject(p, "families");
	cJSON_ArrayForEach(mp, obj(obj(sess, "capabilities"), "multiprotocol")) {
		if (!est || !cJSON_IsString(mp))
			continue;
		if (strcmp(mp->valuestring, "IPv4 unicast") == 0)
			cJSON_AddItemToArray(fams, cJSON_CreateString("ipv4"));
		else if (strcmp(mp->valuestring, "IPv6 unicast") == 0)
			cJSON_AddItemToArray(fams, cJSON_CreateString("ipv6"));
	}
	add_count(p, "messages_in", obj(msg, "received"), "total");
	add_count(p, "messages_out", obj(msg, "sent"), "total");
	add_count(p, "updates_in", obj(msg, "received"), "updates");
	add_count(p, "updates_out", obj(msg, "sent"), "updates");
	add_count(p, "keepalives_in", obj(msg, "received"), "keepalives");
	add_count(p, "keepalives_out", obj(msg, "sent"), "keepalives");
	add_count(p, "notifications_in", obj(msg, "received"), "notifications");
	add_count(p, "notifications_out", obj(msg, "sent"), "notifications");
	add_count(p, "refresh_in", obj(msg, "received"), "route_refresh");
	add_count(p, "refresh_out", obj(msg, "sent"), "route_refresh");
	add_count(p, "prefixes_received", obj(obj(n, "stats"), "prefixes"), "received");
	if ((err = cJSON_GetStringValue(obj(n, "last_error_received"))) != NULL) {
		char b[256];

		snprintf(b, sizeof(b), "NOTIFICATION received: %s", err);
		cJSON_AddStringToObject(p, "last_error", b);
	} else if ((err = cJSON_GetStringValue(obj(n, "last_error_sent"))) != NULL) {
		char b[256];

		snprintf(b, sizeof(b), "NOTIFICATION sent: %s", err);
		cJSON_AddStringToObject(p, "last_error", b);
	} else {
		cJSON_AddStringToObject(p, "last_error", "");
	}
	return p;
}

int
openbgpd_peers_parse(const char *text, cJSON **doc)
{
	cJSON *in = cJSON_Parse(text), *out, *arr;
	const cJSON *n, *list = obj(in, "neighbors");

	*doc = NULL;
	if (in == NULL || (list != NULL && !cJSON_IsArray(list))) {
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
	cJSON_ArrayForEach(n, list) {
		cJSON *p = openbgpd_peer(n);

		if (p != NULL)
			cJSON_AddItemToArray(arr, p);
	}
	cJSON_Delete(in);
	*doc = out;
	return 0;
}

static int
openbgpd_peers(const struct kind_node *k, cJSON **doc)
{
	const char *args[] = { "-j", "show", "neighbor", NULL };
	char *out = NULL;
	int err;

	*doc = NULL;
	err = bgpctl(k, args, &out);
	if (err == 0)
		err = openbgpd_peers_parse(out, doc);
	free(out);
	return err;
}

static cJSON *
community_text(const char *s)
{
	static const char *const names[][2] = {
		{ "NO_EXPORT", "no-export" },
		{ "NO_ADVERTISE", "no-advertise" },
		{ "NO_EXPORT_SUBCONFED", "no-export-subconfed" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i][0]) == 0)
			return cJSON_CreateString(names[i][1]);
	return cJSON_CreateString(s);
}

static cJSON *
openbgpd_route(const cJSON *r)
{
	const char *peer = cJSON_GetStringValue(obj(obj(r, "neighbor"), "remote_addr"));
	const char *desc = cJSON_GetStringValue(obj(obj(r, "neighbor"), "description"));
	bool local = peer == NULL || strcmp(peer, "???") == 0 ||
	    (desc != NULL && strcmp(desc, "LOCAL") == 0);
	const char *nh = cJSON_GetStringValue(obj(r, "exit_nexthop"));
	const char *s;
	cJSON *o = cJSON_CreateObject(), *arr;
	const cJSON *c;

	if (o == NULL)
		return NULL;
	s = cJSON_GetStringValue(obj(r, "prefix"));
	cJSON_AddStringToObject(o, "prefix", s ? s : "");
	if (local || nh == NULL)
		cJSON_AddNullToObject(o, "next_hop");
	else
		cJSON_AddStringToObject(o, "next_hop", nh);
	cJSON_AddStringToObject(o, "peer", local ? "local" : peer);
	cJSON_AddBoolToObject(o, "best", cJSON_IsTrue(obj(r, "best")));
	cJSON_AddBoolToObject(o, "multipath", cJSON_IsTrue(obj(r, "best")));
	cJSON_AddBoolToObject(o, "eligible", cJSON_IsTrue(obj(r, "valid")));
	if (cJSON_IsNumber(obj(r, "localpref")))
		cJSON_AddNumberToObject(o, "local_pref", num(r, "localpref"));
	else
		cJSON_AddNullToObject(o, "local_pref");
	if (cJSON_IsNumber(obj(r, "metric")))
		cJSON_AddNumberToObject(o, "med", num(r, "metric"));
	else
		cJSON_AddNullToObject(o, "med");
	if ((s = cJSON_GetStringValue(obj(r, "origin"))) != NULL)
		cJSON_AddStringToObject(o, "origin", s);
	s = cJSON_GetStringValue(obj(r, "aspath"));
	cJSON_AddStringToObject(o, "as_path", s ? s : "");
	arr = cJSON_AddArrayToObject(o, "communities");
	cJSON_ArrayForEach(c, obj(r, "communities"))
		if (cJSON_IsString(c))
			cJSON_AddItemToArray(arr, community_text(c->valuestring));
	return o;
}

struct obgp_route {
	struct prefix pfx;
	size_t order;
	cJSON *json;
};

static int
route_cmp(const void *a, const void *b)
{
	const struct obgp_route *x = a, *y = b;
	int c = prefix_cmp(&x->pfx, &y->pfx);

	return c != 0 ? c : (x->order < y->order ? -1 : x->order > y->order);
}

int
openbgpd_routes_parse(const char *text, const struct prefix *filter, cJSON **doc)
{
	cJSON *in = cJSON_Parse(text), *arr;
	const cJSON *list = obj(in, "rib"), *r;
	struct obgp_route *v;
	size_t n = 0, prefixes = 0;

	*doc = NULL;
	if (in == NULL || (list != NULL && !cJSON_IsArray(list))) {
		cJSON_Delete(in);
		return EMU_EPROTO;
	}
	v = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*v));
	*doc = cJSON_CreateObject();
	if (v == NULL || *doc == NULL) {
		free(v);
		cJSON_Delete(*doc);
		*doc = NULL;
		cJSON_Delete(in);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(r, list) {
		struct prefix pfx;
		const char *s = cJSON_GetStringValue(obj(r, "prefix"));

		if (s == NULL || prefix_parse(s, &pfx, true) < 0)
			continue;
		if (filter != NULL &&
		    !(pfx.len >= filter->len && pfx.addr.family == filter->addr.family &&
			prefix_contains(filter, &pfx.addr)))
			continue;
		v[n].pfx = pfx;
		v[n].order = n;
		v[n].json = openbgpd_route(r);
		if (v[n].json != NULL)
			n++;
	}
	qsort(v, n, sizeof(*v), route_cmp);
	arr = cJSON_AddArrayToObject(*doc, "routes");
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || prefix_cmp(&v[i].pfx, &v[i - 1].pfx) != 0)
			prefixes++;
		cJSON_AddItemToArray(arr, v[i].json);
	}
	cJSON_AddNumberToObject(*doc, "prefixes", (double)prefixes);
	free(v);
	cJSON_Delete(in);
	return 0;
}

static int
openbgpd_routes(const struct kind_node *k, const char *prefix, cJSON **doc)
{
	const char *args[] = { "-j", "show", "rib", "detail", NULL };
	struct prefix filter, *fp = NULL;
	char *out = NULL;
	int err;

	*doc = NULL;
	if (prefix != NULL) {
		if (prefix_parse(prefix, &filter, true) < 0)
			return -EINVAL;
		prefix_mask(&filter);
		fp = &filter;
	}
	err = bgpctl(k, args, &out);
	if (err == 0)
		err = openbgpd_routes_parse(out, fp, doc);
	free(out);
	return err;
}

static int
openbgpd_progress(const struct kind_node *k, struct kind_bgp_progress *pr)
{
	const cJSON *p;
	cJSON *doc;
	int err;

	memset(pr, 0, sizeof(*pr));
	err = openbgpd_peers(k, &doc);
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

/* Is pfx among the networks bgpd announces (`bgpctl -j network show`)? */
static int
openbgpd_originates(const struct kind_node *k, const char *pfx, bool *yes)
{
	const char *args[] = { "-j", "network", "show", NULL };
	char *out = NULL;
	const cJSON *n;
	cJSON *doc;
	int err;

	*yes = false;
	err = bgpctl(k, args, &out);
	doc = err == 0 ? cJSON_Parse(out) : NULL;
	free(out);
	if (err < 0)
		return err;
	if (doc == NULL)
		return EMU_EPROTO;
	cJSON_ArrayForEach(n, obj(doc, "fib"))
		if (cJSON_GetStringValue(obj(n, "prefix")) != NULL &&
		    strcmp(cJSON_GetStringValue(obj(n, "prefix")), pfx) == 0)
			*yes = true;
	cJSON_Delete(doc);
	return 0;
}

static int
openbgpd_announce(const struct kind_node *k, const struct prefix *p, bool announce, char *msg,
    size_t msglen)
{
	char pfx[PREFIX_STRLEN], *out = NULL;
	const char *args[] = { "network", announce ? "add" : "delete", pfx, NULL };
	bool known;
	int err;

	prefix_ntop(p, pfx, sizeof(pfx));
	if (!announce) {
		/* bgpctl says "request sent." whether or not the network existed. */
		err = openbgpd_originates(k, pfx, &known);
		if (err < 0) {
			snprintf(msg, msglen, "bgpctl network show: %s", emu_strerror(err));
			return err;
		}
		if (!known) {
			snprintf(msg, msglen, "%s is not originated", pfx);
			return EMU_EREFUSED;
		}
	}
	err = bgpctl(k, args, &out);
	if (err < 0) {
		size_t n = strcspn(out ? out : "", "\n");

		snprintf(msg, msglen, "bgpctl network %s %s: %.*s", args[1], pfx, (int)n,
		    n ? out : emu_strerror(err));
		err = err == EMU_ECOMMAND ? EMU_EREFUSED : err;
	}
	free(out);
	return err;
}

const struct kind_ops kind_openbgpd = {
	.name = "openbgpd",
	.role = KIND_BGP,
	.package = "openbgpd",
	.programs = openbgpd_programs,
	.check = openbgpd_check,
	.configure = openbgpd_configure,
	.procs = openbgpd_procs,
	.ready = openbgpd_ready,
	.bgp_progress = openbgpd_progress,
	.bgp_peers = openbgpd_peers,
	.bgp_routes = openbgpd_routes,
	.bgp_announce = openbgpd_announce,
	.bgp_drain = kind_drain_by_withdrawal,
};
