/*
 * The frame the nsd and knot kinds share (dns_kind.h): anydnsd's section
 * read by anydnsd's parser, identity, listen addresses, zones written as
 * master files, the common refusals, the user's own "config", and the ready
 * test (an SOA query over UDP from inside the node's namespace, RFC 1035
 * 4.1, through anydns's client codec dns_msg.h).
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns_kind.h"
#include "dns_msg.h"
#include "dns_name.h"
#include "lab.h"
#include "strbuf.h"

#define DNS_KIND_READY_WAIT_MS 300 /* one ready call waits at most this for its answer */

static size_t dns_kind_addresses(const struct kind_node *, const struct dns_config *,
    struct ipaddr *, size_t max);
static int dns_kind_common_refusals(const struct kind_node *, struct dns_kind_conf *,
    struct cfg_errors *);
static int dns_kind_name_zones(struct dns_kind_conf *);
static int dns_kind_write_zones(const struct kind_node *, const struct dns_kind_conf *, char *,
    size_t);
static int dns_kind_ask(const struct kind_node *, const struct ipaddr *, uint16_t port,
    const char *qname, bool any_rcode);

static bool
dns_kind_add_addr(struct ipaddr *out, size_t *n, size_t max, const struct ipaddr *a)
{
	for (size_t i = 0; i < *n; i++)
		if (ipaddr_eq(&out[i], a))
			return true;
	if (*n >= max)
		return false;
	out[(*n)++] = *a;
	return true;
}

/*
 * "listen", else every address of the node in topology order: its
 * interfaces', its loopback's (the anycast /32), then 127.0.0.1 and, when
 * the node has IPv6, ::1, where anydnsd's wildcard sockets answer too.
 * Returns how many (at most max; more are left out).
 */
static size_t
dns_kind_addresses(const struct kind_node *k, const struct dns_config *cfg, struct ipaddr *out,
    size_t max)
{
	const struct topo_node *n = k->node;
	struct ipaddr lo4, lo6;
	bool v6 = false;
	size_t count = 0;

	if (cfg->nlisten > 0) {
		for (size_t i = 0; i < cfg->nlisten; i++)
			dns_kind_add_addr(out, &count, max, &cfg->listen[i]);
		return count;
	}
	for (size_t i = 0; i < n->nifaces; i++) {
		for (size_t a = 0; a < n->ifaces[i].naddrs; a++) {
			const struct ipaddr *ad = &n->ifaces[i].addrs[a].addr;

			v6 |= ad->family == AF_INET6;
			dns_kind_add_addr(out, &count, max, ad);
		}
	}
	for (size_t i = 0; i < n->nloopback; i++) {
		v6 |= n->loopback[i].addr.family == AF_INET6;
		dns_kind_add_addr(out, &count, max, &n->loopback[i].addr);
	}
	ipaddr_parse("127.0.0.1", &lo4);
	dns_kind_add_addr(out, &count, max, &lo4);
	if (v6) {
		ipaddr_parse("::1", &lo6);
		dns_kind_add_addr(out, &count, max, &lo6);
	}
	return count;
}

bool
dns_kind_quotable(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ||
		    (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

void
dns_kind_hex(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return;
	for (; *s && o + 2 < cap; s++, o += 2)
		snprintf(out + o, cap - o, "%02x", (unsigned char)*s);
	out[o] = '\0';
}

static int
dns_kind_common_refusals(const struct kind_node *k, struct dns_kind_conf *c,
    struct cfg_errors *errs)
{
	const char *kn = k->kind->name;
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	int rc = 0;

	if (!dns_kind_quotable(c->identity)) {
		cfg_error(errs, jc_path(p, k->path, "identity"),
		    "kind %s cannot express identity "
		    "\"%s\" in its configuration file: printable ASCII without '\"' or '\\' "
		    "expected",
		    kn, c->identity);
		rc = -1;
	}
	if (c->cfg.tcp_idle_ms % 1000 != 0) {
		jc_path(q, k->path, "tcp");
		cfg_error(errs, jc_path(p, q, "idle_timeout_ms"),
		    "kind %s cannot express %u ms: "
		    "its TCP idle timeout is in whole seconds (a multiple of 1000 expected)",
		    kn, c->cfg.tcp_idle_ms);
		rc = -1;
	}
	for (size_t i = 0; i < c->cfg.nzones; i++) {
		char origin[DNS_NAME_TEXT_MAX];

		dns_name_to_text(c->cfg.zones[i].origin, origin, sizeof(origin));
		if (strchr(origin, '\\') != NULL) {
			cfg_error(errs, jc_path(p, c->cfg.zones[i].path, "origin"),
			    "kind %s cannot "
			    "name zone \"%s\" in its configuration file: a name without escaped "
			    "characters expected",
			    kn, origin);
			rc = -1;
		}
	}
	return rc;
}

/* ORIGIN.zone for each zone, lower case, characters outside [a-z0-9._-] as '_', unique. */
static int
dns_kind_name_zones(struct dns_kind_conf *c)
{
	c->nzones = c->zoneset->nzones;
	c->zones = calloc(c->nzones ? c->nzones : 1, sizeof(*c->zones));
	if (c->zones == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < c->nzones; i++) {
		struct dns_kind_zone *z = &c->zones[i];
		char base[NAME_MAX - 32];
		size_t len, b = 0;

		z->zone = c->zoneset->zones[i];
		dns_name_to_text(z->zone->origin, z->origin, sizeof(z->origin));
		len = strlen(z->origin);
		if (len > 1)
			len--; /* the final dot */
		for (size_t j = 0; j < len && b + 1 < sizeof(base); j++) {
			unsigned char ch = (unsigned char)tolower((unsigned char)z->origin[j]);

			base[b++] = (char)(isalnum(ch) || ch == '.' || ch == '-' || ch == '_' ?
				ch :
				'_');
		}
		base[b] = '\0';
		if (strcmp(z->origin, ".") == 0)
			snprintf(base, sizeof(base), "root");
		snprintf(z->file, sizeof(z->file), "%s.zone", base);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(c->zones[j].file, z->file) == 0) {
				snprintf(z->file, sizeof(z->file), "%s-%zu.zone", base, i);
				break;
			}
		}
	}
	return 0;
}

int
dns_kind_load(const struct kind_node *k, struct dns_kind_conf *c, struct cfg_errors *errs)
{
	const cJSON *tcp = cJSON_GetObjectItemCaseSensitive(k->section, "tcp");
	cJSON *s = kind_section_copy(k);
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (s == NULL) {
		cfg_error(errs, k->path, "out of memory");
		return -1;
	}
	rc = dns_config_parse(s, k->path, &c->cfg, errs);
	cJSON_Delete(s);
	if (rc < 0)
		return -1;
	c->parsed = true;
	c->workers_given = cJSON_GetObjectItemCaseSensitive(k->section, "workers") != NULL;
	c->tcp_max_given = cJSON_IsObject(tcp) &&
	    cJSON_GetObjectItemCaseSensitive(tcp, "max_connections") != NULL;
	/* As anydnsd's identity_of: the key, else the node name (-n). */
	snprintf(c->identity, sizeof(c->identity), "%s",
	    c->cfg.identity != NULL ? c->cfg.identity : k->node->name);
	if (dns_kind_common_refusals(k, c, errs) < 0)
		rc = -1;
	/* The identity names the server in the SOA/NS made for a zone, as in anydnsd. */
	c->zoneset = dns_config_load_zones(&c->cfg, k->base_dir[0] ? k->base_dir : NULL,
	    c->identity, errs, NULL);
	if (c->zoneset == NULL)
		return -1;
	if (dns_kind_name_zones(c) < 0) {
		cfg_error(errs, k->path, "out of memory");
		return -1;
	}
	c->nlisten = dns_kind_addresses(k, &c->cfg, c->listen, DNS_KIND_LISTEN_MAX);
	if (c->cfg.nlisten > DNS_KIND_LISTEN_MAX) {
		char p[CFG_PATH_MAX];

		cfg_error(errs, jc_path(p, k->path, "listen"), "kind %s: at most %d addresses",
		    k->kind->name, DNS_KIND_LISTEN_MAX);
		rc = -1;
	}
	return rc;
}

void
dns_kind_free(struct dns_kind_conf *c)
{
	free(c->zones);
	dns_zoneset_put(c->zoneset);
	dns_config_free(&c->cfg);
	memset(c, 0, sizeof(*c));
}

/* With "config": only "kind" and "config", and a file that exists. */
static int
dns_kind_check_user(const struct kind_node *k, struct cfg_errors *errs)
{
	char p[CFG_PATH_MAX], file[ANYLAB_PATH_MAX], why[128];
	const cJSON *it;
	int rc = 0;

	cJSON_ArrayForEach(it, k->section) {
		if (strcmp(it->string, "kind") == 0 || strcmp(it->string, "config") == 0)
			continue;
		cfg_error(errs, jc_path(p, k->path, it->string),
		    "kind %s: with \"config\" the "
		    "section holds only \"kind\" and \"config\" (the native file says the rest)",
		    k->kind->name);
		rc = -1;
	}
	if (kind_user_config_path(k, file, sizeof(file)) == NULL) {
		cfg_error(errs, jc_path(p, k->path, "config"), "file name too long");
		rc = -1;
	} else if (kind_user_config_readable(file, why, sizeof(why)) < 0) {
		cfg_error(errs, jc_path(p, k->path, "config"), "%s: %s", file, why);
		rc = -1;
	}
	return rc;
}

int
dns_kind_check(const struct kind_node *k, struct cfg_errors *errs,
    int (*refuse)(const struct kind_node *, const struct dns_kind_conf *, struct cfg_errors *))
{
	struct dns_kind_conf c;
	int rc;

	if (kind_user_config(k) != NULL)
		return dns_kind_check_user(k, errs);
	rc = dns_kind_load(k, &c, errs);
	if (c.parsed && refuse != NULL && refuse(k, &c, errs) < 0)
		rc = -1;
	dns_kind_free(&c);
	return rc;
}

static int
dns_kind_write_zones(const struct kind_node *k, const struct dns_kind_conf *c, char *msg,
    size_t msglen)
{
	for (size_t i = 0; i < c->nzones; i++) {
		struct strbuf sb = { 0 };
		int err;

		sb_printf(&sb,
		    "; written by anylab for kind %s from %s: the zone as anydnsd "
		    "loads it\n",
		    k->kind->name, c->cfg.zones[i].path);
		dns_zone_print(c->zones[i].zone, &sb);
		err = kind_write_file(k, c->zones[i].file, sb_str(&sb));
		sb_free(&sb);
		if (err < 0) {
			snprintf(msg, msglen, "%s/%s: %s", k->dir, c->zones[i].file,
			    emu_strerror(err));
			return err;
		}
	}
	return 0;
}

int
dns_kind_configure(const struct kind_node *k, const char *conf_name,
    int (*refuse)(const struct kind_node *, const struct dns_kind_conf *, struct cfg_errors *),
    int (*render)(const struct kind_node *, const struct dns_kind_conf *, struct strbuf *, char *,
	size_t),
    char *msg, size_t msglen)
{
	struct dns_kind_conf c;
	struct cfg_errors errs;
	struct strbuf sb = { 0 };
	int err;

	if (kind_user_config(k) != NULL)
		return kind_copy_user_config(k, conf_name, msg, msglen);
	cfg_errors_init(&errs, k->topo != NULL ? k->topo->file : NULL);
	if (dns_kind_load(k, &c, &errs) < 0 || (refuse != NULL && refuse(k, &c, &errs) < 0)) {
		cfg_error_text(&errs, 0, msg, msglen);
		dns_kind_free(&c);
		return EMU_ECONFIG;
	}
	if (!dns_kind_quotable(k->dir)) {
		snprintf(msg, msglen, "%s: kind %s cannot quote this folder name in %s", k->dir,
		    k->kind->name, conf_name);
		dns_kind_free(&c);
		return EMU_ECONFIG;
	}
	err = dns_kind_write_zones(k, &c, msg, msglen);
	if (err == 0)
		err = render(k, &c, &sb, msg, msglen);
	if (err == 0) {
		err = kind_write_file(k, conf_name, sb_str(&sb));
		if (err < 0)
			snprintf(msg, msglen, "%s/%s: %s", k->dir, conf_name, emu_strerror(err));
	}
	sb_free(&sb);
	dns_kind_free(&c);
	return err;
}

/*
 * One SOA query for qname to a:port from inside the node's namespace. 0 when
 * answered (NOERROR with AA unless any_rcode), -EAGAIN when not (yet), the
 * error of opening the socket when the namespace is unusable.
 */
static int
dns_kind_ask(const struct kind_node *k, const struct ipaddr *a, uint16_t port, const char *qname,
    bool any_rcode)
{
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(qname, DNS_T_SOA);
	long long deadline = emu_now_us() + DNS_KIND_READY_WAIT_MS * 1000LL;
	struct sockaddr_storage ss;
	uint8_t q[512], r[4096];
	unsigned slen;
	int fd, qlen, rc = -EAGAIN;

	spec.id = (uint16_t)(emu_now_us() ^ getpid());
	qlen = dns_query_build(&spec, q, sizeof(q));
	if (qlen < 0)
		return EMU_ECONFIG;
	fd = lab_socket(k->lab, k->node->name, a->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return fd;
	ipaddr_to_sockaddr(a, port, &ss, &slen);
	if (connect(fd, (struct sockaddr *)&ss, slen) < 0 ||
	    send(fd, q, (size_t)qlen, MSG_NOSIGNAL) != qlen)
		goto out_close;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = (deadline - emu_now_us()) / 1000;
		struct dns_msg m;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = recv(fd, r, sizeof(r), 0);
		if (n < 0)
			break; /* ECONNREFUSED: nothing listens yet */
		if (dns_msg_parse(r, (size_t)n, &m) != DNS_OK || !dns_msg_matches(&m, &spec))
			continue;
		if (any_rcode || (m.rcode == DNS_R_NOERROR && (m.hdr.flags & DNS_FLAG_AA)))
			rc = 0;
		break;
	}
out_close:
	close(fd);
	return rc;
}

int
dns_kind_ready(const struct kind_node *k)
{
	struct ipaddr addrs[DNS_KIND_LISTEN_MAX];
	char qname[DNS_NAME_TEXT_MAX] = ".";
	struct dns_config cfg;
	struct cfg_errors errs;
	bool any_rcode = true;
	uint16_t port = 53;
	cJSON *s;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	if (kind_user_config(k) == NULL) {
		s = kind_section_copy(k);
		cfg_errors_init(&errs, NULL);
		rc = s != NULL ? dns_config_parse(s, k->path, &cfg, &errs) : -1;
		cJSON_Delete(s);
		if (rc < 0)
			return EMU_ECONFIG;
		port = cfg.port;
		if (cfg.nzones > 0) {
			dns_name_to_text(cfg.zones[0].origin, qname, sizeof(qname));
			any_rcode = false;
		}
	}
	/* Never empty: "listen" has an address, or 127.0.0.1 is added. */
	dns_kind_addresses(k, &cfg, addrs, DNS_KIND_LISTEN_MAX);
	rc = dns_kind_ask(k, &addrs[0], port, qname, any_rcode);
	dns_config_free(&cfg);
	return rc;
}
