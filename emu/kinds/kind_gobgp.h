/*
 * Kind "gobgp" (kind_gobgp.c): what its tests reach besides the ops table,
 * the readers of the gobgp client's JSON (`gobgp -j neighbor`, `gobgp -j
 * global rib -a FAMILY`) into anybgpd's "peers" and "routes" shapes.
 */
#ifndef ANYLAB_KIND_GOBGP_H
#define ANYLAB_KIND_GOBGP_H

#include <time.h>
#include <cJSON.h>

#include "addr.h"

/* {"peers":[...]} from `gobgp -j neighbor`; now: the wall clock (uptimes). 0 or EMU_EPROTO. */
int gobgp_peers_parse(const char *text, time_t now, cJSON **doc);
/*
 * Append the paths of `gobgp -j global rib -a FAMILY` inside filter (NULL:
 * all) to routes, unsorted. 0 or EMU_EPROTO.
 */
int gobgp_routes_parse(const char *text, const struct prefix *filter, cJSON *routes);
/* Sort routes by prefix and wrap them: {"routes":[...],"prefixes":N}. Takes routes. */
cJSON *gobgp_routes_doc(cJSON *routes);

#endif
