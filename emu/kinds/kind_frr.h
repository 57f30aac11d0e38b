/*
 * Kind "frr" (kind_frr.c): the parts of the adapter that read FRR's JSON
 * answers, public so that tests/kinds/test_kind_frr.c checks them against
 * answers captured from a real FRR 8.4 (tests/kinds/samples/frr/). Each
 * turns FRR's names into anybgpd's shape (docs/anybgpd.md, "Control
 * commands"); nothing here talks to a daemon.
 */
#ifndef ANYLAB_KIND_FRR_H
#define ANYLAB_KIND_FRR_H

#include <stddef.h>
#include <cJSON.h>

#include "addr.h"
#include "kind.h"

/* `show bgp neighbors json` into {"peers": [...]}, sorted by address. 0 or -ENOMEM. */
int frr_json_peers(const cJSON *neighbors, cJSON **doc);
/*
 * `show bgp ipv4 unicast json detail` and `show bgp ipv6 unicast json
 * detail` (any number of tables, NULL ones skipped) into {"routes": [...],
 * "prefixes": N, "truncated": false}, one entry per path, sorted by prefix;
 * with filter, only prefixes inside it. 0 or -ENOMEM.
 */
int frr_json_routes(const cJSON *const tables[], size_t ntables, const struct prefix *filter,
    cJSON **doc);
/*
 * bfdd's `show bfd peers json` into {"sessions": [...]} (kind.h's bgp_bfd
 * shape), sorted by peer: tx_ms and rx_ms are the intervals in use once the
 * session is Up (the larger of ours and the peer's, RFC 5880 6.8.2 and
 * 6.8.3), our configured ones before; detect_ms the peer's multiplier
 * times rx_ms (6.8.4). 0 or -ENOMEM.
 */
int frr_json_bfd(const cJSON *peers, cJSON **doc);

/*
 * Convergence from `show bgp neighbors json` (peers, their states, queues,
 * End-of-RIB received) and zebra's `show ip route summary json` / `show
 * ipv6 route summary json` (NULL ones skipped): BGP routes in the kernel,
 * and pending while a peer has queued messages, an established peer has not
 * sent End-of-RIB for one of its families (in its first 10 s), or zebra
 * holds BGP routes not yet in the kernel.
 */
void frr_json_progress(const cJSON *neighbors, const cJSON *const route_summaries[],
    size_t nsummaries, struct kind_bgp_progress *);

#endif
