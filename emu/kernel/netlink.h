/*
 * Everything anylab asks of the kernel's routing netlink, through
 * libnl-route-3: veth pairs whose ends are created directly in their
 * namespaces, bridges, VXLAN devices, link state, addresses, routes, and reading all of it
 * back for `status`. Also the per-namespace sysctls (/proc/sys/net/...,
 * written from inside the namespace). The only file in emu/ that talks
 * netlink for lab building. Permanent neighbour entries too.
 *
 * Functions return 0 or -errno (emu_error.h, emu_strerror()): libnl's own
 * codes are turned back into the errno the kernel answered (kn_errno).
 */
#ifndef ANYLAB_NETLINK_H
#define ANYLAB_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <cJSON.h>

#include "addr.h"
#include "topo.h"

struct nl_sock;

/* A routing netlink socket bound inside one namespace. */
struct kn_ns {
	char name[256]; /* namespace name (LAB-NODE) */
	int fd;		/* namespace descriptor, -1 when closed */
	struct nl_sock *sk;
};

/* Open a socket inside namespace fd (fd is kept, closed by kn_ns_close). */
int kn_ns_open_fd(struct kn_ns *, const char *name, int fd);
/*
 * Keep namespace fd without a socket yet: each kn_ call opens one inside
 * the namespace when it needs it, kept until kn_ns_release_socket or
 * kn_ns_close. A lab of 10,000 nodes holds every node's namespace
 * descriptor but only the sockets in use (RLIMIT_NOFILE).
 */
void kn_ns_attach(struct kn_ns *, const char *name, int fd);
void kn_ns_release_socket(struct kn_ns *);
/* Open by name (/run/netns/NAME). */
int kn_ns_open(struct kn_ns *, const char *name);
void kn_ns_close(struct kn_ns *);
/* A libnl return value (0, or -NLE_*) as 0 or -errno. */
int kn_errno(int nlerr);

/* One end of a veth pair. */
struct kn_end {
	const char *name;
	int nsfd;	    /* namespace it is created in */
	int ifindex;	    /* 0: the kernel picks */
	unsigned mtu;	    /* 0: default */
	const uint8_t *mac; /* NULL: random */
	int master;	    /* ifindex of a bridge in the same namespace, or 0 */
};

/*
 * One RTM_NEWLINK, sent on sk: a veth pair with end a and end b each created
 * in its own namespace (IFLA_NET_NS_FD), a up (and in its master), b down:
 * the kernel cannot open the peer during creation; set it up afterwards.
 */
int kn_veth_add(struct kn_ns *sk, const struct kn_end *a, const struct kn_end *b);
/* A VXLAN device (RFC 7348) for a point-to-point tunnel. */
struct kn_vxlan {
	const char *name;
	int ifindex;	    /* 0: the kernel picks */
	unsigned mtu;	    /* 0: the kernel's default */
	const uint8_t *mac; /* NULL: random */
	uint32_t vni;
	uint16_t port;	      /* UDP destination port */
	struct ipaddr local;  /* outer source address */
	struct ipaddr remote; /* outer destination: the far end's local */
};
/*
 * The device, up, made by a request sent from inside ns's namespace so that
 * its UDP socket lives there too (the kernel opens a VXLAN device's socket
 * in the namespace the request came from). No address learning: every
 * frame goes to remote.
 */
int kn_vxlan_add(struct kn_ns *, const struct kn_vxlan *);
/* A bridge, up, in sk's namespace. */
int kn_bridge_add(struct kn_ns *, const char *name, int ifindex);
int kn_ifindex(struct kn_ns *, const char *name); /* > 0 or -errno */
int kn_link_set_up(struct kn_ns *, int ifindex, bool up);
/* Add (replace: also when it exists) an address; IPv6 ones get IFA_F_NODAD. */
int kn_addr_add(struct kn_ns *, int ifindex, const struct prefix *, bool replace);
/* The same with more IFA_F_* flags (IFA_F_NOPREFIXROUTE). */
int kn_addr_add_flags(struct kn_ns *, int ifindex, const struct prefix *, bool replace,
    unsigned extra);
/*
 * A static route of the topology; ifindex is the route's dev (0: none).
 * replace: NLM_F_REPLACE (re-install after a link came back).
 */
int kn_route_add(struct kn_ns *, const struct topo_route *, int ifindex, bool replace);

/*
 * A permanent (NUD_PERMANENT) neighbour entry, ARP for IPv4 and NDP for
 * IPv6: addr is at link address mac on interface ifindex. Replaces an entry
 * for addr that is there already. The kernel's garbage collector neither
 * counts nor removes permanent entries (net.ipv4.neigh.*.gc_thresh3).
 */
int kn_neigh_add(struct kn_ns *, int ifindex, const struct ipaddr *addr, const uint8_t mac[6]);

/* Write "value" to /proc/sys/PATH inside namespace nsfd. */
int kn_sysctl_write(int nsfd, const char *path, const char *value);
/*
 * Several at once, entering the namespace once: paths[i] = values[i]. Stops
 * at the first failure: 0, or -errno with *failed its index.
 */
int kn_sysctl_write_many(int nsfd, const char *const *paths, const char *const *values, size_t n,
    size_t *failed);

/*
 * Read the namespace's interfaces, addresses and main-table routes into
 * three cJSON arrays (documented in docs/anylab.md, `status --json`).
 */
int kn_dump(struct kn_ns *, cJSON *ifaces, cJSON *routes);

/*
 * The number of next hops of the main-table route to exactly p in ns's
 * namespace (a scenario's "nexthops" expectation): 0 with *count, -1 when
 * there is no such route; or -errno.
 */
int kn_route_nexthops(struct kn_ns *, const struct prefix *p, int *count);

#endif
