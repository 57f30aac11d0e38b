/*
 * BFD between two BGP speakers of any kinds (tests/kinds/root_kind_bfd.c,
 * and any interop test that pairs anybgpd with another kind): a lab of two
 * nodes brought up with `anylab up`, a (10.0.0.1/24, AS 65001) on one kind
 * and b (10.0.0.2/24, AS 65002) on the other, one IPv4 session, hold time
 * 9 s, keepalive 3 s, and BFD on both sides at one interval and multiplier.
 * The sessions are read through each kind's bgp_peers and bgp_bfd ops; a
 * black hole (nftables drop on both hooks, carrier kept up: kn_nft_drop) on
 * one side is the fault BFD must see. Everything is removed on every path
 * (hbfd_cleanup in the test's .fini).
 */
#ifndef ANYLAB_TEST_HELPER_BFD_H
#define ANYLAB_TEST_HELPER_BFD_H

#include <stdbool.h>
#include <cJSON.h>

#include "kind.h"
#include "topo.h"

struct hbfd_lab {
	char bin[512]; /* BUILD/bin/anylab */
	char lab[16];
	char dir[128];
	char topo_file[256];
	struct topology *topo;
	bool blackholed[2]; /* a, b: a black hole to remove at cleanup */
};

/*
 * Skip unless root under ctest with anylab built and each kind's programs
 * installed (anybgpd: built); then write the topology (kind_a on a, kind_b
 * on b, BFD interval_ms x multiplier on both) and `anylab up` it (asserts).
 */
void hbfd_up(struct hbfd_lab *, const char *kind_a, const char *kind_b, unsigned interval_ms,
    unsigned multiplier);
/* Black hole on node's eth0 (all packets both ways dropped), or its removal. Asserts. */
void hbfd_blackhole(struct hbfd_lab *, const char *node, bool on);
/* Removes any black hole, takes the lab down, removes the folder: every path. */
void hbfd_cleanup(struct hbfd_lab *);

/* node's BFD session with peer (NULL when it reports none); *doc is the caller's to delete. */
const cJSON *hbfd_session(struct hbfd_lab *, const char *node, const char *peer, cJSON **doc);
/* Its state ("" when none). Static storage. */
const char *hbfd_state(struct hbfd_lab *, const char *node, const char *peer);
/* node's BGP state with peer ("" when unknown). Static storage. */
const char *hbfd_bgp_state(struct hbfd_lab *, const char *node, const char *peer);

/*
 * The whole check, for the pair (kind_a, kind_b) in l (the test's own, for
 * its .fini to hbfd_cleanup): hbfd_up; both report their BFD session Up
 * with a transmit interval of interval_ms; a black hole on b; both BGP
 * sessions leave Established within max_down_ms (far below the 9 s hold
 * time) and both BFD sessions are Down; the black hole removed, BFD and
 * BGP come back. Logs the measured times.
 */
void hbfd_check_failover(struct hbfd_lab *l, const char *kind_a, const char *kind_b,
    unsigned interval_ms, unsigned multiplier, int max_down_ms);

#endif
