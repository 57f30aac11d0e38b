/*
 * Link kinds: how a link of the topology becomes kernel devices during
 * `up`, how its cable is cut and restored (`link --cut`, the scenario's
 * cut/restore steps), what `status` says about it and where `capture LINK`
 * listens. One ops struct per kind, one file per kind (link_veth.c: a
 * point-to-point veth pair; link_lan.c: a bridge in the lab's switch
 * namespace LAB.sw with a port per member; link_vxlan.c: a VXLAN tunnel
 * between two nodes over their underlay interfaces), one table and lookup
 * (link.c). A new kind (a link between hosts) is a new file and a row in
 * the table.
 *
 * Ops return 0 or a negative emu error (emu_error.h) after saying what
 * failed on standard error.
 */
#ifndef ANYLAB_LINK_H
#define ANYLAB_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "netlink.h"
#include "state.h"
#include "topo.h"

struct capture_target;

/*
 * Interfaces get fixed indexes in their fresh namespace: lo is 1, then a
 * node's interfaces in topology order from LINK_IFINDEX_BASE. In the switch
 * namespace, link l's bridge is LINK_IFINDEX_BASE + l and the ports follow
 * the last bridge.
 */
#define LINK_IFINDEX_BASE 2

/* What a kind gets while `up` makes the lab's links. */
struct link_env {
	const struct topology *t;
	const char *lab;
	struct state *st;    /* each device recorded before it is made */
	struct kn_ns *nodes; /* the nodes' namespaces, as t->nodes */
	struct kn_ns *sw;    /* LAB.sw; fd -1 when no kind needs it */
	int next_port_index; /* the switch's next free ifindex */
	size_t veths;	     /* veth pairs made */
	size_t bridges;	     /* bridges made */
};

/*
 * status's document indexed (lab_status.c), so that a link's kind finds an
 * interface without a walk over every node or every switch port.
 */
struct link_status_port {
	const char *name;
	cJSON *iface;
};

struct link_status_index {
	cJSON **nodes;			    /* the document's node objects, as t->nodes */
	struct link_status_port *sw_ifaces; /* the switch's interfaces, by name */
	size_t nsw_ifaces;
};

/* One member (end) of one link of a running lab. */
struct link_ref {
	const struct topology *t;
	const char *lab;
	size_t link;			    /* index in t->links */
	size_t member;			    /* index in its ends */
	const struct link_status_index *ix; /* status only; NULL elsewhere */
};

struct link_kind {
	const char *name;
	/* Its devices live (partly) in the lab's switch namespace LAB.sw. */
	bool needs_switch;
	/*
	 * up: make link l with every member's interface up in its node (the
	 * node adds addresses and routes afterwards), recording each device
	 * in env->st before it is made.
	 */
	int (*make)(struct link_env *env, size_t l);
	/*
	 * Take the far side of the member down or bring it back (a cable cut):
	 * the node keeps its adapter up and loses carrier. A tunnel fails
	 * silently instead: its packets are dropped in the underlay, every
	 * interface keeps its carrier. On up, *restore is
	 * the other endpoint whose interface came back too and needs its
	 * addresses and routes again, or NULL (the member's own are put back by
	 * the caller either way).
	 */
	int (*cut)(const struct link_ref *r, bool up, const struct topo_endpoint **restore);
	/*
	 * status --json: add what the kind knows about link r->link (r->member
	 * is unused) to doc, the lab's status document ("nodes" and "switch",
	 * each with its "interfaces").
	 */
	void (*status)(const struct link_ref *r, cJSON *doc);
	/*
	 * `capture LINK`: fill out (room for every member of the link) with
	 * the interfaces that see the link's traffic once (r->member is
	 * unused). Returns how many.
	 */
	size_t (*capture)(const struct link_ref *r, struct capture_target *out);
};

/* The kind of a topology link. */
const struct link_kind *link_kind_of(const struct topo_link *);
/* A kind by name ("veth", "lan", "vxlan"), or NULL. */
const struct link_kind *link_kind_find(const char *name);

/* ---- for the kinds (link_*.c) and the lab ---- */

/* The fixed ifindex of a node's interface (LINK_IFINDEX_BASE + its position). */
int link_iface_index(const struct topo_node *, const struct topo_iface *);
/*
 * The link address of a node's interface on a veth or LAN link: its "mac",
 * or in a lab with static neighbours one made from the node's and the
 * interface's positions in the topology, 02:NN:NN:NN:II:II (locally
 * administered); false: none given, the kernel picks a random one.
 */
bool link_iface_mac(const struct topology *, const struct topo_node *, const struct topo_iface *,
    uint8_t mac[6]);
/*
 * The kernel end (kn_end) of a topology endpoint, to be made in namespace
 * nsfd; mac is room for its link address (link_iface_mac), which k points to.
 */
void link_end_of(const struct topology *, const struct topo_endpoint *, int nsfd, struct kn_end *,
    uint8_t mac[6]);

/*
 * Static neighbours (link_neigh.c; the lab's "neighbours": "static"): on a
 * veth or LAN link, every member gets a permanent entry for each address of
 * each gateway-like member, and each gateway-like member one for every
 * member's addresses. A member is gateway-like when its node forwards, runs
 * a BGP speaker, or owns an address on the link that another member's node
 * names as a route's "via" or as a resolver. IPv6 link-local addresses get
 * none (NDP resolves them), nor a family the holder has no address of on the
 * link. O(members x gateways) entries per link instead of the kernel's
 * dynamic ones, which count against the host-wide gc_thresh3.
 */
/* Does the lab put permanent entries on link l? (static lab, veth or lan) */
bool link_neigh_static(const struct topology *, const struct topo_link *l);
/* gw[m] for each of l's nends members: is it gateway-like? */
void link_neigh_gateways(const struct topo_link *l, bool *gw);
/* Does member holder get entries for member other's addresses? */
bool link_neigh_wanted(const struct topo_link *l, const bool *gw, size_t holder, size_t other);
/*
 * Call fn for every entry member holder holds: other's address addr at
 * link address mac (NULL when other's interface has none: a dynamic lab
 * and no "mac"). Stops at fn's first negative return, which it returns;
 * else 0.
 */
int link_neigh_each(const struct topology *, const struct topo_link *l, const bool *gw,
    size_t holder,
    int (*fn)(void *arg, const struct topo_endpoint *other, const struct ipaddr *addr,
	const uint8_t mac[6]),
    void *arg);
/*
 * How many entries static neighbours make in the lab, whatever its
 * "neighbours" says: about as many as ARP and NDP need dynamically.
 */
size_t link_neigh_count(const struct topology *);
/*
 * Put member holder's entries into its node's namespace ns (its interface at
 * its fixed index), adding how many to *count. 0, or -errno (said).
 */
int link_neigh_install(struct kn_ns *ns, const struct topology *, const struct topo_link *l,
    const bool *gw, size_t holder, size_t *count);
/* The namespace of the endpoint's node during up. */
struct kn_ns *link_node_ns(struct link_env *, const struct topo_endpoint *);
/* Record interface ifname of namespace ns before making it. 0 or -errno (said). */
int link_record(struct link_env *, const char *ns, const char *ifname);
/* Set an interface of a namespace (by names) up or down. 0 or -errno (said). */
int link_set_iface(const char *nsname, const char *ifname, bool up);
/*
 * The interface object called ifname in doc's node (NULL: the switch), or
 * NULL; through r->ix when set.
 */
cJSON *link_status_iface(const struct link_ref *r, cJSON *doc, const struct topo_node *node,
    const char *ifname);
/* Index status document doc (its "nodes" in t->nodes order). 0 or -ENOMEM. */
int link_status_index_make(struct link_status_index *, const struct topology *, cJSON *doc);
void link_status_index_free(struct link_status_index *);
/* Fill a capture target for one end of a link: that interface in its node. */
void link_capture_end(const struct link_ref *, const struct topo_endpoint *,
    struct capture_target *);

#endif
