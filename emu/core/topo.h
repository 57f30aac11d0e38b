/*
 * The topology model: what a topology file says, after validation. Built by
 * topo_load() (topo.c, the only code that reads cJSON for topologies); read
 * by everything else in emu/. The daemon sections ("bgp", "dns") and the
 * scenarios are kept as JSON: their own parsers (nodes/bgp, nodes/dns,
 * emu/scenario/scenario.c) validate them, and anylab writes a node's section out as
 * that daemon's config file.
 */
#ifndef ANYLAB_TOPO_H
#define ANYLAB_TOPO_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "addr.h"
#include "jcfg.h"

/*
 * Name limits (characters, not counting the NUL). Node and link names are
 * [a-z0-9][a-z0-9_-]*, lab names [a-z0-9][a-z0-9_]*: no '-', so that LAB-NODE
 * names one lab's node only (lab "a" node "b-c" would clash with lab "a-b"
 * node "c"). A lab name leaves room for "LAB-" plus three
 * characters in an interface name (IFNAMSIZ - 1 = 15); a link name fits an
 * interface name itself (the LAN's bridge may carry it). Node names only
 * need "LAB-NODE" to be a usable netns and /etc/netns directory name.
 */
#define TOPO_NAME_MAX	   32		  /* node names: at most 31 characters */
#define TOPO_LAB_NAME_MAX  11		  /* lab names: at most this many characters */
#define TOPO_LINK_NAME_MAX (IFNAMSIZ - 1) /* link names: at most 15 characters */
#define TOPO_SERVICES_MAX  8		  /* "services" entries per node */
#define TOPO_RESOLVERS_MAX 3		  /* glibc reads at most 3 nameserver lines (MAXNS) */
#define TOPO_SITE_MAX	   32		  /* site names: at most 31 characters */

/*
 * What a node is in the lab, for pictures (anylab graph): given by the
 * node's "role", or inferred from its sections (TOPO_ROLE_AUTO; graph.h
 * says how). Nothing is built differently for any role.
 */
enum topo_role {
	TOPO_ROLE_AUTO,
	TOPO_ROLE_CLIENT,
	TOPO_ROLE_ROUTER,
	TOPO_ROLE_DNS,
	TOPO_ROLE_ROUTE_SERVER,
	TOPO_ROLE_INTERNET,
	TOPO_ROLE_HOST,
	TOPO_ROLE_MAX,
};
/* As written in "role": "client", "router", "dns", "route-server", "internet", "host". */
extern const char *const topo_role_names[TOPO_ROLE_MAX];

struct topo_node;
struct topo_link;

struct topo_iface {
	char name[IFNAMSIZ];
	struct topo_node *node;
	struct topo_link *link; /* set once a link names it */
	struct prefix *addrs;	/* host bits kept: 10.10.10.1/24 */
	size_t naddrs;
	unsigned mtu; /* 0: kernel default */
	bool has_mac;
	uint8_t mac[6];
};

struct topo_route {
	struct prefix dst;  /* "default" is 0.0.0.0/0 or ::/0 */
	struct ipaddr via;  /* family 0: on-link through dev */
	char dev[IFNAMSIZ]; /* "" unless given */
	unsigned metric;
};

struct topo_node {
	char *name;
	struct topo_iface *ifaces;
	size_t nifaces;
	struct prefix *loopback; /* anycast /32 and /128 on lo */
	size_t nloopback;
	struct topo_route *routes;
	size_t nroutes;
	bool forwarding;
	int hash_policy; /* -1: leave the kernel's */
	bool has_hash_seed;
	uint32_t hash_seed;
	struct ipaddr *resolvers;
	size_t nresolvers;
	const cJSON *bgp;	  /* NULL when the node runs no speaker */
	const cJSON *dns;	  /* NULL when the node runs no responder */
	const cJSON *services;	  /* "services" object (name -> entry), or NULL */
	char site[TOPO_SITE_MAX]; /* "site": the place the node stands in, or "" */
	enum topo_role role;	  /* "role", or TOPO_ROLE_AUTO */
};

struct topo_endpoint {
	struct topo_node *node;
	struct topo_iface *iface;
};

/* What a link is made of ("kind"; links/link.h has one ops struct per kind). */
enum topo_link_kind {
	TOPO_LINK_VETH,	 /* a veth pair: two endpoints */
	TOPO_LINK_LAN,	 /* a bridge in the switch namespace: two or more */
	TOPO_LINK_VXLAN, /* a VXLAN tunnel over two underlay interfaces */
	TOPO_LINK_KIND_MAX,
};

extern const char *const topo_link_kind_names[TOPO_LINK_KIND_MAX];

/*
 * How the lab's nodes learn their neighbours' link addresses (the lab's
 * "neighbours"): by ARP and NDP as on a real network, or from permanent
 * entries that `up` puts in (links/link.h, link_neigh_*), which the kernel
 * does not count against its host-wide net.ipv4.neigh.default.gc_thresh3.
 */
enum topo_neighbours {
	TOPO_NEIGH_DYNAMIC,
	TOPO_NEIGH_STATIC,
	TOPO_NEIGH_MAX,
};

extern const char *const topo_neighbours_names[TOPO_NEIGH_MAX];

#define TOPO_VXLAN_PORT	       4789 /* IANA's VXLAN port (RFC 7348 5) */
#define TOPO_VXLAN_VNI_BASE    100  /* default VNI: this plus the link's index */
#define TOPO_VXLAN_VNI_MAX     16777215
#define TOPO_VXLAN_OVERHEAD_V4 50   /* outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8 */
#define TOPO_VXLAN_OVERHEAD_V6 70   /* the same with IPv6's 40 */
#define TOPO_DEFAULT_MTU       1500 /* an interface without "mtu" */
#define TOPO_MIN_MTU	       68   /* IPv4's minimum (RFC 791) */

/*
 * A tunnel link (kind vxlan): ends[i]'s packets are carried inside UDP
 * between underlay[i] (an interface of the same node, on a veth or LAN
 * link) and underlay[1 - i], from address local[i] to local[1 - i] (the
 * first address of a family both underlay interfaces have).
 */
struct topo_tunnel {
	struct topo_endpoint underlay[2];
	struct ipaddr local[2];
	uint32_t vni;
	uint16_t port;
	bool vni_given; /* false: TOPO_VXLAN_VNI_BASE + the link's index */
};

struct topo_link {
	char *name; /* given, or made from the endpoints */
	enum topo_link_kind kind;
	bool lan; /* kind lan: a bridge in the switch namespace */
	struct topo_endpoint *ends;
	size_t nends;
	struct topo_tunnel tunnel; /* kind vxlan only */
};

struct topology {
	char *file;
	char *name;
	struct topo_node *nodes;
	size_t nnodes;
	size_t nnodes_cap;	    /* nodes allocated (topo_load) */
	struct topo_node **by_name; /* topo_load's index of nodes; topo_node_find */
	size_t nindexed;	    /* nodes in by_name; != nnodes: search all */
	struct topo_link *links;
	size_t nlinks;
	const cJSON *scenarios;		 /* NULL when the file has none */
	enum topo_neighbours neighbours; /* "neighbours"; dynamic when absent */
	cJSON *root;			 /* owns every cJSON pointer above */
};

/*
 * Read and validate a topology file. 0 with *out set, or -1 with *out NULL and
 * every error found in errs (which topo_load initialises with file as the
 * name shown before each error). Nothing is half made: on -1 nothing is kept.
 */
int topo_load(const char *file, struct topology **out, struct cfg_errors *errs);
/* The same from text in memory; file is only the name used in errors. */
int topo_load_string(const char *text, const char *file, struct topology **out,
    struct cfg_errors *errs);
void topo_free(struct topology *);
struct topo_node *topo_node_find(const struct topology *, const char *name);
struct topo_iface *topo_iface_find(const struct topo_node *, const char *name);
struct topo_link *topo_link_find(const struct topology *, const char *name);
/* A lab name as topo_load accepts it (also for a name given on the command line). */
bool topo_lab_name_valid(const char *name);
/* "node:iface" (the endpoint syntax) to an endpoint; -1 when either is unknown. */
int topo_endpoint_find(const struct topology *, const char *spec, struct topo_endpoint *out);

#endif
