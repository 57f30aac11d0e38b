/*
 * anybgpd configuration: the node's "bgp" section of a topology (or a bgp.json
 * of its own on a real host), parsed and checked into struct bgp_config.
 * Every key is documented in docs/anybgpd.md.
 */
#ifndef ANYBGP_CONFIG_H
#define ANYBGP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "addr.h"
#include "jcfg.h"

#define BGP_DEF_PORT	      179
#define BGP_DEF_HOLD	      90
#define BGP_DEF_CONNECT_RETRY 5
#define BGP_DEF_PROTOCOL      186 /* RTPROT_BGP in linux/rtnetlink.h */
#define BGP_DEF_TABLE	      254 /* RT_TABLE_MAIN */
#define BGP_MAX_PATHS	      64

/* What a peer's "import"/"export" says. */
enum bgp_policy_ref {
	BGP_POLICY_UNSET, /* no key: RFC 8212 default (eBGP: nothing; iBGP: all) */
	BGP_POLICY_ALL,
	BGP_POLICY_NONE,
	BGP_POLICY_NAMED,
};

/* One prefix-list entry: matches prefixes inside pfx whose length is in [ge, le]. */
struct bgp_prefix_rule {
	struct prefix pfx;
	uint8_t ge;
	uint8_t le;
	bool accept;
};

struct policy_rule; /* policy.h */

struct bgp_policy {
	char *name;
	struct bgp_prefix_rule *rules; /* first match decides */
	size_t nrules;
	/* "rules" (policy.h): first match wins, else default_accept (reject
	 * unless "default" says otherwise). Exclusive with the keys below but
	 * max_prefixes. */
	struct policy_rule *match_rules;
	size_t nmatch_rules;
	bool default_accept; /* when no rule matches */
	bool set_local_pref;
	uint32_t local_pref;
	bool set_med;
	uint32_t med;
	bool communities_replace; /* "communities" replaces, else adds */
	uint32_t *communities;
	size_t ncommunities;
	unsigned prepend;      /* own AS added this many extra times */
	uint32_t max_prefixes; /* 0: no limit (import only) */
};

/* BFD towards a peer (RFC 5880/5881; docs/anybgpd.md "bfd"). */
#define BGP_DEF_BFD_INTERVAL_MS 100
#define BGP_DEF_BFD_MULTIPLIER	3

struct bgp_bfd_config {
	bool enabled;
	uint32_t min_tx_ms; /* Desired Min TX Interval */
	uint32_t min_rx_ms; /* Required Min RX Interval */
	uint8_t multiplier; /* Detect Mult */
	bool strict;	    /* the BGP session waits for BFD Up */
};

/* Route flap damping (RFC 2439; damping.h has the RFC 7196 defaults). */
struct bgp_damping_config {
	bool enabled;
	uint32_t suppress;
	uint32_t reuse;
	uint32_t half_life_s;
	uint32_t max_suppress_s;
	uint32_t withdraw_penalty;
	uint32_t change_penalty;
};

#define BGP_DEF_MAX_PREFIXES_RESTART 120 /* s; 0: down until reset */

/*
 * How a multipath set goes into the kernel ("fib"; docs/anybgpd.md): one
 * route with several next hops (hash-threshold), or a resilient nexthop
 * group named by the route (kroute_nhg.h).
 */
enum bgp_fib_mode {
	BGP_FIB_HASH,
	BGP_FIB_RESILIENT,
	BGP_FIB_MODE_COUNT,
};

#define BGP_DEF_FIB_BUCKETS	     128
#define BGP_DEF_FIB_IDLE_TIMER	     120 /* s, the kernel's default */
#define BGP_DEF_FIB_UNBALANCED_TIMER 0	 /* s, 0: never forced */
#define BGP_MAX_FIB_TIMER	     3600

struct bgp_fib_config {
	enum bgp_fib_mode mode;
	uint16_t buckets;
	uint32_t idle_timer_s;
	uint32_t unbalanced_timer_s;
};

struct health_check_config;
#define BGP_HEALTH_MAX 32 /* checks: one hold bit each (origin.h) */

struct bgp_peer_config {
	struct ipaddr addr;
	uint16_t port; /* remote port; default: the daemon's port */
	uint32_t asn;
	bool passive;
	unsigned hold_time;
	unsigned keepalive;
	unsigned connect_retry;
	struct ipaddr local_addr;  /* family 0: chosen by the kernel */
	struct ipaddr next_hop_v4; /* next hop self for IPv4 NLRI over a v6 session */
	struct ipaddr next_hop_v6; /* ... and for IPv6 NLRI over a v4 session */
	bool ipv4;		   /* address families negotiated */
	bool ipv6;
	enum bgp_policy_ref import_ref;
	enum bgp_policy_ref export_ref;
	const struct bgp_policy *import; /* for BGP_POLICY_NAMED */
	const struct bgp_policy *export;
	uint32_t max_prefixes;		 /* 0: no limit */
	unsigned max_prefixes_restart_s; /* after the Cease; 0: down until reset */
	struct bgp_damping_config damping;
	char *description;
	char *password; /* TCP MD5 signature key (RFC 2385), NULL: none */
	struct bgp_bfd_config bfd;
	bool ttl_security;	  /* GTSM (RFC 5082): send TTL 255, accept >= 254 */
	bool route_server_client; /* we are its route server (RFC 7947) */
	bool next_hop_self;	  /* internal peer: our address as every route's next hop */
	bool enforce_first_as;	  /* eBGP: AS_PATH must start with its AS */
};

struct bgp_config {
	uint32_t asn;
	struct ipaddr router_id; /* AF_INET */
	bool listen;
	uint16_t port;
	struct ipaddr listen_v4; /* bind addresses; unset: any */
	struct ipaddr listen_v6;
	unsigned hold_time;
	unsigned keepalive;
	unsigned connect_retry;
	unsigned max_paths; /* 1: no multipath */
	bool relax_as_path;
	struct prefix *originate;
	size_t noriginate;
	uint32_t kernel_table;
	uint8_t kernel_protocol;
	bool kernel_install;
	struct bgp_fib_config fib;
	struct bgp_policy *policies;
	size_t npolicies;
	struct bgp_peer_config *peers;
	size_t npeers;
	struct bgp_bfd_config bfd;	   /* defaults for every peer ("bfd") */
	struct bgp_damping_config damping; /* defaults for every peer ("damping") */
	unsigned max_prefixes_restart_s;   /* default of every peer */
	bool ttl_security;		   /* default of every peer's "ttl_security" */
	struct health_check_config *health;
	size_t nhealth;
	bool honour_graceful_shutdown; /* GRACEFUL_SHUTDOWN: LOCAL_PREF 0 (RFC 8326) */
	uint32_t shutdown_delay_ms;    /* SIGTERM: withdrawn this long before Cease */
	char *shutdown_message;	       /* RFC 9003 text, NULL: none */
};

/* 0, or -1 with the errors recorded in errs (nothing is left allocated in cfg). */
int bgp_config_parse(const cJSON *section, const char *path, struct bgp_config *,
    struct cfg_errors *);
/* Reads and parses a whole file (the section is the file's top-level object). */
int bgp_config_load(const char *file, struct bgp_config *, struct cfg_errors *);
void bgp_config_free(struct bgp_config *);

const char *bgp_policy_ref_name(enum bgp_policy_ref);
const char *bgp_fib_mode_name(enum bgp_fib_mode);

#endif
