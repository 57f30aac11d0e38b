/*
 * Kind "knot": CZ.NIC's Knot DNS 3 (Debian's knot) serving a node's "dns"
 * section as anydnsd would (docs/kinds/knot.md). The section is read by
 * anydnsd's parser and every zone is written as a master file by
 * dns_kind.c; this file renders knot.conf(5):
 *
 *   identity      server.identity (CHAOS TXT id.server, RFC 4892) and
 *                 server.nsid as 0x-hex (RFC 5001)
 *   listen, port  server.listen: one ADDR@PORT per address (the node's own
 *                 when absent; Knot binds non-local addresses by itself), so
 *                 answers leave from the address asked
 *   workers       server.udp-workers and server.tcp-workers (absent: Knot's
 *                 default, one UDP worker per CPU as anydnsd)
 *   edns_size     server.udp-max-payload
 *   tcp.idle_timeout_ms   server.tcp-idle-timeout (seconds)
 *   tcp.max_connections   server.tcp-max-clients
 *   zones         one zone entry per zone, file: the master file written
 *
 * Every file Knot uses is in the node's folder: rundir, pidfile, database
 * storage (timers, journal), the control socket knot.sock, the log. It runs
 * as root (Knot's default user), never writes the zone files back
 * (zonefile-sync: -1) and keeps no journal of changes. Started as
 * `knotd -c DIR/knot.conf`, which stays in the foreground.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns_kind.h"
#include "kind.h"
#include "strbuf.h"

#define KNOT_PROGRAM	"/usr/sbin/knotd"
#define KNOT_SOCKET_MAX 107 /* sun_path */

static const char *const knot_programs[] = { KNOT_PROGRAM, NULL };

static int
knot_render(const struct kind_node *k, const struct dns_kind_conf *c, struct strbuf *sb, char *msg,
    size_t msglen)
{
	char nsid[2 * DNS_KIND_IDENTITY_MAX + 1], a[IPADDR_STRLEN];

	if (strlen(k->dir) + strlen("/knot.sock") > KNOT_SOCKET_MAX) {
		snprintf(msg, msglen,
		    "%s/knot.sock: kind knot: the control socket's name is "
		    "longer than %d characters",
		    k->dir, KNOT_SOCKET_MAX);
		return EMU_ECONFIG;
	}
	dns_kind_hex(c->identity, nsid, sizeof(nsid));
	sb_printf(sb,
	    "# Knot DNS configuration of node %s, written by anylab from %s "
	    "(kind knot).\n",
	    k->node->name, k->path);
	sb_puts(sb, "# Every file in the node's folder; run as root; zone files never written.\n");
	sb_puts(sb, "server:\n");
	sb_printf(sb, "    rundir: \"%s\"\n", k->dir);
	sb_printf(sb, "    pidfile: \"%s/knot.pid\"\n", k->dir);
	sb_printf(sb, "    identity: \"%s\"\n", c->identity);
	sb_printf(sb, "    nsid: 0x%s\n", nsid);
	sb_puts(sb, "    listen: [ ");
	for (size_t i = 0; i < c->nlisten; i++)
		sb_printf(sb, "%s\"%s@%u\"", i ? ", " : "",
		    ipaddr_ntop(&c->listen[i], a, sizeof(a)), c->cfg.port);
	sb_puts(sb, " ]\n");
	if (c->workers_given) {
		sb_printf(sb, "    udp-workers: %u\n", c->cfg.workers);
		sb_printf(sb, "    tcp-workers: %u\n", c->cfg.workers);
	}
	sb_printf(sb, "    udp-max-payload: %u\n", c->cfg.edns_size);
	sb_printf(sb, "    tcp-idle-timeout: %u\n", c->cfg.tcp_idle_ms / 1000);
	sb_printf(sb, "    tcp-max-clients: %u\n", c->cfg.tcp_max_conns);
	sb_puts(sb, "\nlog:\n");
	sb_printf(sb, "  - target: \"%s/%s.log\"\n", k->dir, k->service);
	sb_puts(sb, "    any: info\n");
	sb_puts(sb, "\ndatabase:\n");
	sb_printf(sb, "    storage: \"%s\"\n", k->dir);
	sb_puts(sb, "\ncontrol:\n");
	sb_printf(sb, "    listen: \"%s/knot.sock\"\n", k->dir);
	sb_puts(sb, "\ntemplate:\n");
	sb_puts(sb, "  - id: default\n");
	sb_printf(sb, "    storage: \"%s\"\n", k->dir);
	sb_puts(sb, "    zonefile-sync: -1\n");
	sb_puts(sb, "    zonefile-load: whole\n");
	sb_puts(sb, "    journal-content: none\n");
	if (c->nzones > 0)
		sb_puts(sb, "\nzone:\n");
	for (size_t i = 0; i < c->nzones; i++) {
		sb_printf(sb, "  - domain: \"%s\"\n", c->zones[i].origin);
		sb_printf(sb, "    file: \"%s/%s\"\n", k->dir, c->zones[i].file);
	}
	return 0;
}

static int
knot_check(const struct kind_node *k, struct cfg_errors *errs)
{
	return dns_kind_check(k, errs, NULL);
}

static int
knot_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	return dns_kind_configure(k, "knot.conf", NULL, knot_render, msg, msglen);
}

static int
knot_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	if (max < 1)
		return EMU_ETRUNC;
	err |= kind_proc_arg(p, "%s", KNOT_PROGRAM);
	err |= kind_proc_arg(p, "-c");
	err |= kind_proc_arg(p, "%s/knot.conf", k->dir);
	return err ? EMU_ETRUNC : 1;
}

const struct kind_ops kind_knot = {
	.name = "knot",
	.role = KIND_DNS,
	.package = "knot",
	.programs = knot_programs,
	.check = knot_check,
	.configure = knot_configure,
	.procs = knot_procs,
	.ready = dns_kind_ready,
};
