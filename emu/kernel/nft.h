/*
 * nftables in the calling thread's network namespace (run it inside the
 * node's: lab_run_in), through libnftables loaded at run time (dynlib.h):
 * a netdev table per interface, "anylab_IFACE", with one chain on the
 * interface's ingress hook and one on its egress hook that drop every
 * packet (a black hole that keeps the carrier up) or a random share of them
 * (numgen random). The packet-loss half of a scenario's "impair" action
 * (fault.c); qdisc.h is the other half.
 *
 * Functions return 0 or an emu error (emu_error.h): EMU_EMISSING when
 * libnftables is not installed, EMU_ECOMMAND when nftables refused the
 * table; why says which library or what nftables answered.
 */
#ifndef ANYLAB_NFT_H
#define ANYLAB_NFT_H

#include <stddef.h>

/* Replace iface's table with one that drops loss_pct % of packets both ways (100: all). */
int kn_nft_drop(const char *iface, int loss_pct, char *why, size_t len);
/* Remove iface's table (nothing there, or no libnftables, is nothing to remove). */
void kn_nft_clear(const char *iface);

#endif
