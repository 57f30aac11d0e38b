/*
 * Kind "openbgpd" (kind_openbgpd.c): what its tests reach besides the ops
 * table, the readers of `bgpctl -j show neighbor` and `bgpctl -j show rib
 * detail` into anybgpd's "peers" and "routes" shapes.
 */
#ifndef ANYLAB_KIND_OPENBGPD_H
#define ANYLAB_KIND_OPENBGPD_H

#include <cJSON.h>

#include "addr.h"

/* {"peers":[...]} from `bgpctl -j show neighbor`. 0 or EMU_EPROTO. */
int openbgpd_peers_parse(const char *text, cJSON **doc);
/* {"routes":[...],"prefixes":N} from `bgpctl -j show rib detail`, inside filter (NULL: all). */
int openbgpd_routes_parse(const char *text, const struct prefix *filter, cJSON **doc);

#endif
