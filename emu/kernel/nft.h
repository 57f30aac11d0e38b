/*
 * nftables in the calling thread's network namespace (run it inside the
 * node's: lab_run_in), through libnftables loaded at run time (dynlib.h):
 * a netdev table per interface, "anylab_IFACE", with one chain on the
 * interface's ingress hook and one on its egress hook that drop every
 * packet (a black hole that keeps the carrier up) or a random share of them
 * (numgen random). The packet-loss half of a scenario's "impair" action
 * (fault.c); qdisc.h is the other half. A silent tunnel failure
 * (links/link_vxlan.c) is a table of its own, "anylab_vxlan_VNI", on the
 * tunnel's underlay interface that drops only that tunnel's packets.
 *
 * Functions return 0 or an emu error (emu_error.h): EMU_EMISSING when
 * libnftables is not installed, EMU_ECOMMAND when nftables refused the
 * table; why says which library or what nftables answered.
 */
#ifndef ANYLAB_NFT_H
#define ANYLAB_NFT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Replace iface's table with one that drops loss_pct % of packets both ways (100: all). */
int kn_nft_drop(const char *iface, int loss_pct, char *why, size_t len);
/* Remove iface's table (nothing there, or no libnftables, is nothing to remove). */
void kn_nft_clear(const char *iface);

/*
 * Drop the VXLAN packets of tunnel vni on underlay interface iface, both
 * ways: UDP to port between local and remote (either direction) whose VXLAN
 * header (RFC 7348 5) carries vni. Everything else on iface passes, and
 * the interface's own table (kn_nft_drop) is left alone.
 */
int kn_nft_tunnel_drop(const char *iface, const struct ipaddr *local, const struct ipaddr *remote,
    unsigned port, uint32_t vni, char *why, size_t len);
/* Remove the tunnel's table; nothing there is nothing to remove. */
void kn_nft_tunnel_clear(uint32_t vni);
/* 1 when the tunnel's table is there, 0 when not, or an emu error (no libnftables). */
int kn_nft_tunnel_dropped(uint32_t vni);

#endif
