/*
 * nftables netdev tables for packet loss and black holes (nft.h), written
 * as nft command text and run by libnftables, which anylab resolves at run
 * time (dynlib.h) so that the verbs that never impair start without it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <nftables/libnftables.h>

#include "dynlib.h"
#include "emu_error.h"
#include "nft.h"

static int nft_run(const char *cmd, char *why, size_t len);
static void nft_table_name(const char *iface, char *buf, size_t len);

/* The libnftables functions used here, resolved by dynlib_load when first needed. */
static struct {
	__typeof__(nft_ctx_new) *nft_ctx_new;
	__typeof__(nft_ctx_free) *nft_ctx_free;
	__typeof__(nft_ctx_buffer_output) *nft_ctx_buffer_output;
	__typeof__(nft_ctx_buffer_error) *nft_ctx_buffer_error;
	__typeof__(nft_ctx_get_error_buffer) *nft_ctx_get_error_buffer;
	__typeof__(nft_run_cmd_from_buffer) *nft_run_cmd_from_buffer;
} nft_fn;

#define NFT_SYM(f) \
	{ \
#f, (void **)&nft_fn.f \
	}
static const struct dynlib_sym nft_syms[] = {
	NFT_SYM(nft_ctx_new),
	NFT_SYM(nft_ctx_free),
	NFT_SYM(nft_ctx_buffer_output),
	NFT_SYM(nft_ctx_buffer_error),
	NFT_SYM(nft_ctx_get_error_buffer),
	NFT_SYM(nft_run_cmd_from_buffer),
};
static const char *const nft_sonames[] = { "libnftables.so.1", NULL };
static struct dynlib nft_lib = {
	.sonames = nft_sonames,
	.package = "libnftables1",
	.syms = nft_syms,
	.nsyms = sizeof(nft_syms) / sizeof(nft_syms[0]),
};

/* nftables table names allow [A-Za-z0-9_]: "anylab_" and the interface name. */
static void
nft_table_name(const char *iface, char *buf, size_t len)
{
	snprintf(buf, len, "anylab_%s", iface);
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || *c == '_'))
			*c = '_';
}

/* Run nft command text. 0, or an emu error with why filled. */
static int
nft_run(const char *cmd, char *why, size_t len)
{
	struct nft_ctx *nft;
	int r;

	if (dynlib_load(&nft_lib) < 0) {
		snprintf(why, len, "%s", nft_lib.error);
		return EMU_EMISSING;
	}
	nft = nft_fn.nft_ctx_new(NFT_CTX_DEFAULT);
	if (nft == NULL) {
		snprintf(why, len, "cannot make a context");
		return EMU_ECOMMAND;
	}
	nft_fn.nft_ctx_buffer_output(nft);
	nft_fn.nft_ctx_buffer_error(nft);
	r = nft_fn.nft_run_cmd_from_buffer(nft, cmd);
	if (r != 0) {
		const char *e = nft_fn.nft_ctx_get_error_buffer(nft);

		/* Its first line says what it refused. */
		snprintf(why, len, "%.*s", (int)strcspn(e ? e : "", "\n"), e ? e : "failed");
	}
	nft_fn.nft_ctx_free(nft);
	return r == 0 ? 0 : EMU_ECOMMAND;
}

void
kn_nft_clear(const char *iface)
{
	char table[64], cmd[128], why[256];

	nft_table_name(iface, table, sizeof(table));
	snprintf(cmd, sizeof(cmd), "delete table netdev %s\n", table);
	(void)nft_run(cmd, why, sizeof(why)); /* "no such table" is what clear wants */
}

int
kn_nft_drop(const char *iface, int loss_pct, char *why, size_t len)
{
	char table[64], cmd[1024], rule[128];

	kn_nft_clear(iface); /* replace whatever this interface had */
	nft_table_name(iface, table, sizeof(table));
	if (loss_pct >= 100)
		snprintf(rule, sizeof(rule), "counter drop");
	else
		snprintf(rule, sizeof(rule), "numgen random mod 100 < %d counter drop", loss_pct);
	snprintf(cmd, sizeof(cmd),
	    "table netdev %s {\n"
	    "  chain in { type filter hook ingress device \"%s\" priority -500; "
	    "policy accept; %s; }\n"
	    "  chain out { type filter hook egress device \"%s\" priority -500; "
	    "policy accept; %s; }\n"
	    "}\n",
	    table, iface, rule, iface, rule);
	return nft_run(cmd, why, len);
}

/* ---- one tunnel's packets (link_vxlan.c) ---- */

static void
nft_tunnel_table(uint32_t vni, char *buf, size_t len)
{
	snprintf(buf, len, "anylab_vxlan_%u", (unsigned)vni);
}

void
kn_nft_tunnel_clear(uint32_t vni)
{
	char table[64], cmd[128], why[256];

	nft_tunnel_table(vni, table, sizeof(table));
	snprintf(cmd, sizeof(cmd), "delete table netdev %s\n", table);
	(void)nft_run(cmd, why, sizeof(why));
}

int
kn_nft_tunnel_dropped(uint32_t vni)
{
	char table[64], cmd[128], why[256];
	int err;

	nft_tunnel_table(vni, table, sizeof(table));
	snprintf(cmd, sizeof(cmd), "list table netdev %s\n", table);
	err = nft_run(cmd, why, sizeof(why));
	if (err == EMU_EMISSING)
		return err;
	return err == 0 ? 1 : 0;
}

int
kn_nft_tunnel_drop(const char *iface, const struct ipaddr *local, const struct ipaddr *remote,
    unsigned port, uint32_t vni, char *why, size_t len)
{
	char table[64], cmd[1024], l[IPADDR_STRLEN], r[IPADDR_STRLEN];
	const char *ip = local->family == AF_INET6 ? "ip6" : "ip";

	kn_nft_tunnel_clear(vni);
	nft_tunnel_table(vni, table, sizeof(table));
	ipaddr_ntop(local, l, sizeof(l));
	ipaddr_ntop(remote, r, sizeof(r));
	/* The VNI: 24 bits after the UDP header (64 bits) and VXLAN's flags and reserved (32). */
	snprintf(cmd, sizeof(cmd),
	    "table netdev %s {\n"
	    "  chain in { type filter hook ingress device \"%s\" priority -500; "
	    "policy accept; %s saddr %s %s daddr %s udp dport %u @th,96,24 %u counter drop; }\n"
	    "  chain out { type filter hook egress device \"%s\" priority -500; "
	    "policy accept; %s saddr %s %s daddr %s udp dport %u @th,96,24 %u counter drop; }\n"
	    "}\n",
	    table, iface, ip, r, ip, l, port, (unsigned)vni, iface, ip, l, ip, r, port,
	    (unsigned)vni);
	return nft_run(cmd, why, len);
}
