/*
 * The "bfd" keys of a node's bgp section as the kinds other than anybgpd
 * read them (kind_bfd.c; the keys: docs/anybgpd.md, "bfd"): a top-level
 * object that turns BFD (RFC 5880, single hop RFC 5881) on for every peer,
 * and per peer false, true, or an object whose keys override the top-level
 * ones. Each kind turns the result into its daemon's own configuration
 * (BIRD's bfd protocol, FRR's bfdd) or refuses it; the sessions are read
 * back through the kinds' bgp_bfd op in one shape.
 */
#ifndef ANYLAB_KIND_BFD_H
#define ANYLAB_KIND_BFD_H

#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>

#include "jcfg.h"

#define KIND_BFD_INTERVAL_MAX_MS 60000
#define KIND_BFD_MULTIPLIER_MAX	 255

/* One peer's BFD as the section says it. */
struct kind_bfd {
	bool on;
	unsigned min_tx_ms;  /* desired minimum transmit interval */
	unsigned min_rx_ms;  /* required minimum receive interval */
	unsigned multiplier; /* detection multiplier */
	bool strict;	     /* no BGP session before the BFD session is Up */
	bool strict_own;     /* strict set by the peer's own object, not the top level's */
};

/*
 * The BFD of every peer of a section that anybgpd's configuration parser
 * read into cfg (it owns the keys, their defaults and their errors), in
 * order: *out gets *n entries (calloc'd, caller frees; NULL with no peers).
 * The section tells which peers set "strict" in their own object. 0, or -1
 * out of memory.
 */
struct bgp_config;
int kind_bfd_from_config(const struct bgp_config *, const cJSON *section, struct kind_bfd **out,
    size_t *n);
/* Whether any of the n peers runs BFD. */
bool kind_bfd_any(const struct kind_bfd *, size_t n);
/*
 * For a kind whose daemon has no BFD: an error "PATH.bfd: kind KIND cannot
 * run BFD: why" for the top-level key and for each peer's key that turns
 * BFD on ("bfd": false on a peer asks for nothing and is accepted). 0 or -1.
 */
int kind_bfd_refuse(const cJSON *section, const char *path, const char *kind, const char *why,
    struct cfg_errors *);

/*
 * For a kind without a strict mode: one error per "strict": true that a
 * peer runs with, at the key that says it ("PATH.bfd.strict" once for the
 * top level, "PATH.peers[i].bfd.strict"): "kind KIND cannot keep a BGP
 * session down until its BFD session is up (strict): why". 0 or -1.
 */
int kind_bfd_refuse_strict(const struct kind_bfd *, size_t n, const char *path, const char *kind,
    const char *why, struct cfg_errors *);

/* The RFC 5880 name of a session state as a daemon prints it ("up" -> "Up"), NULL if unknown. */
const char *kind_bfd_state_name(const char *s);

#endif
