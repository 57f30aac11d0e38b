/*
 * Lab generators (docs/generate.md): topologies written from a few numbers,
 * the way containerlab's `generate` writes Clos fabrics. One generator per
 * shape of lab, each a file gen_SHAPE.c; `anylab generate SHAPE` (cmd/
 * cmd_generate.c) parses the options and prints what the generator made.
 *
 * gen_anycast.c: a multi-site anycast DNS service. Per site a router, I DNS
 * instances (anybgpd + anydnsd, all announcing 198.18.0.53/32 over eBGP)
 * on a server LAN and C clients on a client LAN; the sites joined by a core
 * (star, ring or two tiers); its scenarios (site-down, instance-down,
 * steady) inline. Deterministic: the same options give the same bytes.
 */
#ifndef ANYLAB_GEN_H
#define ANYLAB_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "topo.h"

/* How the sites are joined; names as on the command line: gen_core_names[]. */
enum gen_core {
	GEN_CORE_STAR,	/* one core router, eBGP to each site router */
	GEN_CORE_RING,	/* each site router to the next and the previous one */
	GEN_CORE_TIERS, /* regional cores under one top core */
	GEN_CORE_COUNT,
};
extern const char *const gen_core_names[GEN_CORE_COUNT];

/* The site routers' FIB for the anycast route (anybgpd's bgp.fib); gen_fib_names[]. */
enum gen_fib {
	GEN_FIB_MULTIPATH, /* a plain multipath route (anybgpd's default: the key is left out) */
	GEN_FIB_RESILIENT, /* a resilient nexthop group: "fib": "resilient" */
	GEN_FIB_COUNT,
};
extern const char *const gen_fib_names[GEN_FIB_COUNT];

/* Limits of the address plan (docs/generate.md, "Address plan"). */
#define GEN_SITES_MAX	  4000	/* a /20 of 10.0.0.0/8 per site */
#define GEN_INSTANCES_MAX 64	/* anybgpd's multipath.max_paths; a /24 server LAN */
#define GEN_CLIENTS_MAX	  2000	/* a /21 client LAN */
#define GEN_NODES_MAX	  20000 /* the lab as a whole: its file stays under topo.c's 16 MiB */
#define GEN_ANYCAST_V4	  "198.18.0.53"
#define GEN_ANYCAST_PFX	  "198.18.0.53/32"
#define GEN_QNAME	  "server.zone.tst"
#define GEN_DEFAULT_NAME  "anygen"

/*
 * Failure-detection timers (docs/generate.md, "Timers and failure
 * detection"). Unless given, they follow the lab's size, counted in DNS
 * instances (S x I), because an idle lab's CPU goes to each instance's BFD
 * session and health check and not to its clients: up to
 * GEN_BRISK_INSTANCES_MAX instances, BFD 50 ms x 3 and a check every 100 ms;
 * more, BFD 500 ms x 3 and a check every second.
 */
#define GEN_BRISK_INSTANCES_MAX 64
#define GEN_BFD_MS_BRISK	50
#define GEN_BFD_MS_GENTLE	500
#define GEN_CHECK_MS_BRISK	100
#define GEN_CHECK_MS_GENTLE	1000
#define GEN_BFD_MULT		3
#define GEN_BFD_MS_MIN		10
#define GEN_BFD_MS_MAX		10000
#define GEN_CHECK_MS_MIN	10
#define GEN_CHECK_MS_MAX	60000
#define GEN_FAILOVER_MARGIN_MS	1000 /* after detection: BGP withdraws, routers switch */
/*
 * The scenarios' probe: GEN_PROBE_QPS queries a second for the whole lab,
 * shared by its clients, at most GEN_PROBE_RATE each; below one a second,
 * the first of 0.5, 0.25, 0.2 and 0.1 (a query every 2, 4, 5 or 10 s) that
 * keeps within it (one prober sends them all: docs/benchmarks.md).
 */
#define GEN_PROBE_QPS		2000
#define GEN_PROBE_RATE		20
#define GEN_NO_BFD_WITHIN_S	15 /* without BFD: the 9 s hold time, and room */

struct gen_anycast {
	unsigned sites;
	unsigned instances; /* per site */
	unsigned clients;   /* per site */
	enum gen_core core;
	uint64_t seed;
	char name[TOPO_LAB_NAME_MAX + 1];
	enum gen_fib fib;
	bool bfd;	   /* BFD between each site router and its instances (the default) */
	unsigned bfd_ms;   /* BFD interval; 0: by the lab's size */
	unsigned check_ms; /* each instance's DNS health check interval; 0: by size */
};

/* The timers a lab gets, the options' or its size's, and what they imply. */
struct gen_timers {
	unsigned bfd_ms;    /* interval (desired min TX and required min RX) */
	unsigned bfd_mult;  /* detection multiplier */
	unsigned check_ms;  /* health check interval (rise 3, fall 3) */
	unsigned detect_ms; /* a lost instance seen: BFD interval x multiplier (no BFD: 0) */
	double probe_rate;  /* the scenarios' queries per second per client */
	unsigned within_s;  /* the failover the scenarios allow (docs/generate.md) */
};

/* The defaults: star core, seed 1, name GEN_DEFAULT_NAME, multipath FIB, BFD on, timers by size. */
void gen_anycast_defaults(struct gen_anycast *);

/* How many nodes the lab has: S x (1 + I + C) plus its core routers. */
uint64_t gen_anycast_nodes(const struct gen_anycast *);

/* The timers of the lab the options make (after gen_anycast_check). */
void gen_anycast_timers(const struct gen_anycast *, struct gen_timers *);

/* 0, or -1 with msg saying which option is out of range and what was expected. */
int gen_anycast_check(const struct gen_anycast *, char *msg, size_t len);

/* The topology as a JSON tree (caller deletes it), or NULL with msg. */
cJSON *gen_anycast_build(const struct gen_anycast *, char *msg, size_t len);

/* The topology as text, tab-indented, ending in a newline (malloc'd), or NULL with msg. */
char *gen_anycast_text(const struct gen_anycast *, char *msg, size_t len);

#endif
