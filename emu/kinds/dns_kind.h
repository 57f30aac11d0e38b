/*
 * What the DNS kinds that run another project's daemon (nsd, knot) share.
 * The node's "dns" section is anydnsd's configuration (docs/anydnsd.md), so
 * both read it with anydnsd's own parser (dns_config_parse on the section
 * less "kind", then dns_config_load_zones, as kind_anydnsd.c does) and
 * render the result in their own syntax:
 *
 *  - the identity (the "identity" key, else the node's name) that anydnsd
 *    puts in NSID (RFC 5001) and CHAOS TXT id.server (RFC 4892), and that
 *    names the server in the SOA/NS anydnsd makes for a zone without them;
 *  - the addresses to listen on: "listen", else every address of the node
 *    (its interfaces', its loopback's such as the anycast 51.51.51.51, and
 *    127.0.0.1), each bound on its own so that an answer leaves from the
 *    address that was asked;
 *  - every zone, loaded exactly as anydnsd loads it (inline records and the
 *    user's master files, default SOA/NS included) and written back as one
 *    master file per zone in the node's folder (dns_zone_print), so both
 *    daemons serve the same records anydnsd would;
 *  - the refusals both need (an identity their files cannot quote, a TCP
 *    idle timeout that is not whole seconds, a zone name with escapes);
 *  - ready: a real SOA query for the first zone sent to the first listen
 *    address from inside the node's namespace (lab_socket), answered with
 *    NOERROR.
 *
 * With "config" the user's own native file is used instead (the section
 * then holds only "kind" and "config").
 */
#ifndef ANYLAB_DNS_KIND_H
#define ANYLAB_DNS_KIND_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "dns_config.h"
#include "dns_zone.h"
#include "jcfg.h"
#include "kind.h"

#define DNS_KIND_LISTEN_MAX   64
#define DNS_KIND_IDENTITY_MAX 256 /* anydnsd's 255 characters and the NUL */

/* One zone as written for the daemon. */
struct dns_kind_zone {
	char origin[DNS_NAME_TEXT_MAX]; /* "zone.tst." */
	char file[NAME_MAX + 1];	/* in the node's folder */
	const struct dns_zone *zone;
};

/* A node's dns section as the nsd and knot kinds render it. */
struct dns_kind_conf {
	struct dns_config cfg;
	struct dns_zoneset *zoneset;
	struct dns_kind_zone *zones; /* one per zoneset->zones[] */
	size_t nzones;
	char identity[DNS_KIND_IDENTITY_MAX];
	struct ipaddr listen[DNS_KIND_LISTEN_MAX];
	size_t nlisten;
	bool parsed;	    /* the section itself was read */
	bool workers_given; /* "workers" was written */
	bool tcp_max_given; /* "tcp.max_connections" was written */
};

/*
 * Read k's section for kind (k->kind->name in errors): parse, load every
 * zone, apply the refusals both kinds share, work out identity, addresses
 * and zone file names. 0, or -1 with errors in errs ("PATH: ... (kind X)").
 * c is always left so that dns_kind_free may be called.
 */
int dns_kind_load(const struct kind_node *k, struct dns_kind_conf *c, struct cfg_errors *errs);
void dns_kind_free(struct dns_kind_conf *c);

/*
 * The check op's frame: with "config", the section holds only "kind" and
 * "config" and the file exists; otherwise dns_kind_load, then refuse (the
 * kind's own refusals, may be NULL). 0 or -1.
 */
int dns_kind_check(const struct kind_node *k, struct cfg_errors *errs,
    int (*refuse)(const struct kind_node *, const struct dns_kind_conf *, struct cfg_errors *));

/*
 * The configure op's frame: the user's own file copied to conf_name, or the
 * section loaded (and refused as check does), every zone written to its
 * master file, and render's text written to conf_name. 0 or an error with
 * one line in msg.
 */
int dns_kind_configure(const struct kind_node *k, const char *conf_name,
    int (*refuse)(const struct kind_node *, const struct dns_kind_conf *, struct cfg_errors *),
    int (*render)(const struct kind_node *, const struct dns_kind_conf *, struct strbuf *, char *,
	size_t),
    char *msg, size_t msglen);

/* s as hexadecimal digits (NSID in both daemons' files); out holds 2 * strlen(s) + 1. */
void dns_kind_hex(const char *s, char *out, size_t cap);

/*
 * Is a path usable inside a double-quoted string of nsd.conf and knot.conf
 * (no '"', '\\' or control characters)?
 */
bool dns_kind_quotable(const char *s);

/*
 * The ready op of both kinds: 0 once the SOA query for the first zone, sent
 * over UDP to the first listen address and port from inside the node's
 * namespace, is answered NOERROR; -EAGAIN before; another error when the
 * namespace or section is unusable. With the user's own "config" (zones and
 * addresses unknown) any answer to SOA "." on the node's first address,
 * port 53, counts.
 */
int dns_kind_ready(const struct kind_node *k);

#endif
