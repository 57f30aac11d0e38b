/*
 * Kind "nsd": NLnet Labs' NSD 4 (Debian's nsd) serving a node's "dns"
 * section as anydnsd would (docs/kinds/nsd.md). The section is read by
 * anydnsd's parser and every zone is written as a master file by
 * dns_kind.c; this file renders nsd.conf(5):
 *
 *   identity      identity: (CHAOS TXT id.server, RFC 4892) and nsid: as hex
 *                 (RFC 5001)
 *   listen        one ip-address: per address (the node's own when absent),
 *                 ip-freebind: yes, so answers leave from the address asked
 *   port          port:
 *   workers       server-count: (and reuseport: yes, anydnsd's SO_REUSEPORT)
 *   edns_size     ipv4-edns-size: and ipv6-edns-size:
 *   tcp.idle_timeout_ms   tcp-timeout: (seconds)
 *   tcp.max_connections   tcp-count: per server process, with
 *                 tcp-reject-overflow: yes (accepted and closed, as anydnsd)
 *   zones         one zone: per zone, zonefile: the master file written
 *
 * Every file NSD uses is in the node's folder (pidfile, zone list, xfrd
 * state, xfrdir, cookie secrets, log); no database, no privilege drop
 * (username: ""), no chroot, no control socket, response rate limiting
 * off (Debian's NSD limits to 200 qps per /24, shared/MACHINE.md), minimal
 * responses (anydnsd adds no NS to the authority section of an answer).
 * Started as `nsd -d -c DIR/nsd.conf` in the foreground.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns_kind.h"
#include "kind.h"
#include "strbuf.h"

#define NSD_PROGRAM "/usr/sbin/nsd"

static const char *const nsd_programs[] = { NSD_PROGRAM, NULL };

static int nsd_refuse(const struct kind_node *, const struct dns_kind_conf *, struct cfg_errors *);
static int nsd_render(const struct kind_node *, const struct dns_kind_conf *, struct strbuf *,
    char *, size_t);

/* NSD's servers: "workers" when given, else its own default of one process. */
static unsigned
nsd_servers(const struct dns_kind_conf *c)
{
	return c->workers_given ? c->cfg.workers : 1;
}

/*
 * tcp-count bounds each server process, anydnsd's max_connections all of
 * them: a bound the user wrote must divide evenly; the default (1024) is
 * rounded up.
 */
static int
nsd_refuse(const struct kind_node *k, const struct dns_kind_conf *c, struct cfg_errors *errs)
{
	unsigned servers = nsd_servers(c);
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];

	if (c->tcp_max_given && c->cfg.tcp_max_conns % servers != 0) {
		jc_path(q, k->path, "tcp");
		cfg_error(errs, jc_path(p, q, "max_connections"),
		    "kind nsd cannot express %u "
		    "connections over %u workers: its tcp-count bounds each server process (a "
		    "multiple of workers expected)",
		    c->cfg.tcp_max_conns, servers);
		return -1;
	}
	return 0;
}

static int
nsd_render(const struct kind_node *k, const struct dns_kind_conf *c, struct strbuf *sb, char *msg,
    size_t msglen)
{
	unsigned servers = nsd_servers(c);
	char nsid[2 * DNS_KIND_IDENTITY_MAX + 1], a[IPADDR_STRLEN];

	(void)msg;
	(void)msglen;
	dns_kind_hex(c->identity, nsid, sizeof(nsid));
	sb_printf(sb, "# NSD configuration of node %s, written by anylab from %s (kind nsd).\n",
	    k->node->name, k->path);
	sb_puts(sb,
	    "# Every file in the node's folder; run as root without chroot; no rate "
	    "limiting.\n");
	sb_puts(sb, "server:\n");
	for (size_t i = 0; i < c->nlisten; i++)
		sb_printf(sb, "\tip-address: %s\n", ipaddr_ntop(&c->listen[i], a, sizeof(a)));
	sb_puts(sb, "\tip-freebind: yes\n");
	sb_printf(sb, "\tport: %u\n", c->cfg.port);
	sb_printf(sb, "\tserver-count: %u\n", servers);
	if (servers > 1)
		sb_puts(sb, "\treuseport: yes\n");
	sb_printf(sb, "\ttcp-count: %u\n", (c->cfg.tcp_max_conns + servers - 1) / servers);
	sb_puts(sb, "\ttcp-reject-overflow: yes\n");
	sb_printf(sb, "\ttcp-timeout: %u\n", c->cfg.tcp_idle_ms / 1000);
	sb_printf(sb, "\tipv4-edns-size: %u\n", c->cfg.edns_size);
	sb_printf(sb, "\tipv6-edns-size: %u\n", c->cfg.edns_size);
	sb_printf(sb, "\tidentity: \"%s\"\n", c->identity);
	sb_printf(sb, "\tnsid: \"%s\"\n", nsid);
	sb_puts(sb, "\tminimal-responses: yes\n");
	sb_puts(sb, "\trrl-ratelimit: 0\n");
	sb_puts(sb, "\trrl-whitelist-ratelimit: 0\n");
	sb_puts(sb, "\tusername: \"\"\n");
	sb_puts(sb, "\tchroot: \"\"\n");
	sb_printf(sb, "\tzonesdir: \"%s\"\n", k->dir);
	sb_puts(sb, "\tdatabase: \"\"\n");
	sb_puts(sb, "\tzonefiles-write: 0\n");
	sb_printf(sb, "\tpidfile: \"%s/nsd.pid\"\n", k->dir);
	sb_printf(sb, "\tzonelistfile: \"%s/nsd.zonelist\"\n", k->dir);
	sb_printf(sb, "\txfrdfile: \"%s/nsd.xfrd\"\n", k->dir);
	sb_printf(sb, "\txfrdir: \"%s\"\n", k->dir);
	sb_printf(sb, "\tcookie-secret-file: \"%s/nsd.cookies\"\n", k->dir);
	sb_printf(sb, "\tlogfile: \"%s/%s.log\"\n", k->dir, k->service);
	sb_puts(sb, "\tverbosity: 1\n");
	sb_puts(sb, "remote-control:\n");
	sb_puts(sb, "\tcontrol-enable: no\n");
	for (size_t i = 0; i < c->nzones; i++) {
		sb_puts(sb, "zone:\n");
		sb_printf(sb, "\tname: \"%s\"\n", c->zones[i].origin);
		sb_printf(sb, "\tzonefile: \"%s/%s\"\n", k->dir, c->zones[i].file);
	}
	return 0;
}

static int
nsd_check(const struct kind_node *k, struct cfg_errors *errs)
{
	return dns_kind_check(k, errs, nsd_refuse);
}

static int
nsd_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	return dns_kind_configure(k, "nsd.conf", nsd_refuse, nsd_render, msg, msglen);
}

static int
nsd_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	if (max < 1)
		return EMU_ETRUNC;
	err |= kind_proc_arg(p, "%s", NSD_PROGRAM);
	err |= kind_proc_arg(p, "-d");
	err |= kind_proc_arg(p, "-c");
	err |= kind_proc_arg(p, "%s/nsd.conf", k->dir);
	return err ? EMU_ETRUNC : 1;
}

const struct kind_ops kind_nsd = {
	.name = "nsd",
	.role = KIND_DNS,
	.package = "nsd",
	.programs = nsd_programs,
	.check = nsd_check,
	.configure = nsd_configure,
	.procs = nsd_procs,
	.ready = dns_kind_ready,
};
