/*
 * Static neighbours (link.h): which permanent ARP (RFC 826) and NDP
 * (RFC 4861 7.3) entries each member of a veth or LAN link holds, and
 * putting them into its namespace. The kernel's neighbour table is one for
 * all namespaces: past net.ipv4.neigh.default.gc_thresh3 dynamic entries it
 * makes no new one, so a lab of a thousand nodes stops resolving its
 * neighbours; permanent entries are not counted (docs/topology.md,
 * "Neighbours"). The choice is pure and tested without root
 * (tests/emu/test_neigh.c); only link_neigh_install talks to the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "anylab.h"
#include "link.h"

struct neigh_install;

static bool neigh_node_uses(const struct topo_node *, const struct ipaddr *);
static bool neigh_link_local(const struct ipaddr *);
static bool neigh_iface_has_family(const struct topo_iface *, int family);
static int neigh_count_one(void *arg, const struct topo_endpoint *other, const struct ipaddr *addr,
    const uint8_t mac[6]);
static int neigh_install_one(void *arg, const struct topo_endpoint *other,
    const struct ipaddr *addr, const uint8_t mac[6]);

/* Does node n name addr as a route's next hop or as a resolver? */
static bool
neigh_node_uses(const struct topo_node *n, const struct ipaddr *addr)
{
	for (size_t k = 0; k < n->nroutes; k++)
		if (ipaddr_eq(&n->routes[k].via, addr))
			return true;
	for (size_t k = 0; k < n->nresolvers; k++)
		if (ipaddr_eq(&n->resolvers[k], addr))
			return true;
	return false;
}

/* fe80::/10: left to NDP, which resolves it on the one link it means. */
static bool
neigh_link_local(const struct ipaddr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

static bool
neigh_iface_has_family(const struct topo_iface *i, int family)
{
	for (size_t k = 0; k < i->naddrs; k++)
		if (i->addrs[k].addr.family == family)
			return true;
	return false;
}

bool
link_neigh_static(const struct topology *t, const struct topo_link *l)
{
	return t->neighbours == TOPO_NEIGH_STATIC && l->nends >= 2 &&
	    (l->kind == TOPO_LINK_VETH || l->kind == TOPO_LINK_LAN);
}

void
link_neigh_gateways(const struct topo_link *l, bool *gw)
{
	for (size_t m = 0; m < l->nends; m++) {
		const struct topo_endpoint *e = &l->ends[m];

		gw[m] = e->node->forwarding || e->node->bgp != NULL;
		for (size_t j = 0; !gw[m] && j < l->nends; j++) {
			if (l->ends[j].node == e->node)
				continue;
			for (size_t k = 0; !gw[m] && k < e->iface->naddrs; k++)
				gw[m] = neigh_node_uses(l->ends[j].node, &e->iface->addrs[k].addr);
		}
	}
}

bool
link_neigh_wanted(const struct topo_link *l, const bool *gw, size_t holder, size_t other)
{
	if (holder == other || l->ends[holder].node == l->ends[other].node)
		return false;
	/* A veth pair: the two ends only ever talk to each other. */
	return l->nends == 2 || gw[holder] || gw[other];
}

int
link_neigh_each(const struct topology *t, const struct topo_link *l, const bool *gw, size_t holder,
    int (*fn)(void *arg, const struct topo_endpoint *other, const struct ipaddr *addr,
	const uint8_t mac[6]),
    void *arg)
{
	const struct topo_iface *own = l->ends[holder].iface;
	uint8_t mac[6];
	int err;

	for (size_t o = 0; o < l->nends; o++) {
		const struct topo_endpoint *e = &l->ends[o];

		bool has_mac = link_iface_mac(t, e->node, e->iface, mac);

		if (!link_neigh_wanted(l, gw, holder, o))
			continue;
		for (size_t k = 0; k < e->iface->naddrs; k++) {
			const struct ipaddr *a = &e->iface->addrs[k].addr;

			if (neigh_link_local(a) || !neigh_iface_has_family(own, a->family))
				continue;
			err = fn(arg, e, a, has_mac ? mac : NULL);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

static int
neigh_count_one(void *arg, const struct topo_endpoint *other, const struct ipaddr *addr,
    const uint8_t mac[6])
{
	(void)other;
	(void)addr;
	(void)mac;
	(*(size_t *)arg)++;
	return 0;
}

size_t
link_neigh_count(const struct topology *t)
{
	size_t n = 0;

	for (size_t l = 0; l < t->nlinks; l++) {
		const struct topo_link *link = &t->links[l];
		bool *gw;

		if (link->nends < 2 ||
		    (link->kind != TOPO_LINK_VETH && link->kind != TOPO_LINK_LAN))
			continue;
		gw = emu_calloc(link->nends, sizeof(*gw));
		link_neigh_gateways(link, gw);
		for (size_t m = 0; m < link->nends; m++)
			link_neigh_each(t, link, gw, m, neigh_count_one, &n);
		free(gw);
	}
	return n;
}

struct neigh_install {
	struct kn_ns *ns;
	const struct topo_endpoint *holder;
	int ifindex;
	size_t *count;
};

static int
neigh_install_one(void *arg, const struct topo_endpoint *other, const struct ipaddr *addr,
    const uint8_t mac[6])
{
	struct neigh_install *in = arg;
	char a[IPADDR_STRLEN];
	int err = mac != NULL ? kn_neigh_add(in->ns, in->ifindex, addr, mac) : -EINVAL;

	if (err < 0) {
		emu_err("%s: neighbour %s (%s:%s) on %s: %s", in->ns->name,
		    ipaddr_ntop(addr, a, sizeof(a)), other->node->name, other->iface->name,
		    in->holder->iface->name, emu_strerror(err));
		return err;
	}
	(*in->count)++;
	return 0;
}

int
link_neigh_install(struct kn_ns *ns, const struct topology *t, const struct topo_link *l,
    const bool *gw, size_t holder, size_t *count)
{
	const struct topo_endpoint *h = &l->ends[holder];
	struct neigh_install in = { ns, h, link_iface_index(h->node, h->iface), count };

	return link_neigh_each(t, l, gw, holder, neigh_install_one, &in);
}
