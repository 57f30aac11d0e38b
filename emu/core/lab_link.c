/*
 * Link changes on a running lab (lab.h): an adapter disabled or enabled in
 * its node, or a cable cut or restored through the link's kind (the far
 * side goes down, links/link.h), and whatever comes back up gets the
 * addresses, static routes and permanent neighbour entries Linux dropped
 * when it went down.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anylab.h"
#include "lab.h"
#include "link.h"
#include "netlink.h"
#include "state.h"

static int lab_link_change_locked(const char *lab, const char *spec, bool up, bool cut);

/* Does static route r of node n go through interface ifc? */
static bool
lab_route_uses(const struct topo_iface *ifc, const struct topo_route *r)
{
	if (r->dev[0] != '\0')
		return strcmp(r->dev, ifc->name) == 0;
	for (size_t k = 0; k < ifc->naddrs; k++) {
		if (r->via.family != 0 && prefix_contains(&ifc->addrs[k], &r->via))
			return true;
	}
	return false;
}

/*
 * The permanent neighbour entries of ifc ("neighbours": "static"): Linux
 * flushes every entry of an interface set down, permanent ones included.
 */
static int
lab_restore_neighbours(struct kn_ns *ns, const struct topology *t, const struct topo_iface *ifc)
{
	const struct topo_link *link = ifc->link;
	size_t m = 0, count = 0;
	bool *gw;
	int err;

	if (link == NULL || !link_neigh_static(t, link))
		return 0;
	while (m < link->nends && link->ends[m].iface != ifc)
		m++;
	if (m == link->nends)
		return 0;
	gw = emu_calloc(link->nends, sizeof(*gw));
	link_neigh_gateways(link, gw);
	err = link_neigh_install(ns, t, link, gw, m, &count);
	free(gw);
	return err;
}

/*
 * Put back what Linux dropped when ifc went down: its addresses, static
 * routes and permanent neighbour entries.
 */
static int
lab_restore(const char *lab, const struct topology *t, const struct topo_node *n,
    const struct topo_iface *ifc)
{
	char name[LAB_NS_MAX], p[PREFIX_STRLEN];
	struct kn_ns ns;
	int idx, err, first = 0;

	err = kn_ns_open(&ns, lab_ns_name(lab, n->name, name, sizeof(name)));
	if (err < 0) {
		emu_err("%s: %s", name, emu_strerror(err));
		return err;
	}
	idx = kn_ifindex(&ns, ifc->name);
	if (idx < 0) {
		emu_err("%s: %s: %s", name, ifc->name, emu_strerror(idx));
		kn_ns_close(&ns);
		return idx;
	}
	for (size_t k = 0; k < ifc->naddrs; k++) {
		err = kn_addr_add(&ns, idx, &ifc->addrs[k], true);
		if (err < 0) {
			emu_err("%s: address %s on %s: %s", name,
			    prefix_ntop(&ifc->addrs[k], p, sizeof(p)), ifc->name,
			    emu_strerror(err));
			first = first < 0 ? first : err;
		}
	}
	for (size_t k = 0; k < n->nroutes; k++) {
		if (!lab_route_uses(ifc, &n->routes[k]))
			continue;
		err = kn_route_add(&ns, &n->routes[k], n->routes[k].dev[0] ? idx : 0, true);
		if (err < 0) {
			emu_err("%s: route %s: %s", name,
			    prefix_ntop(&n->routes[k].dst, p, sizeof(p)), emu_strerror(err));
			first = first < 0 ? first : err;
		}
	}
	err = lab_restore_neighbours(&ns, t, ifc);
	first = first < 0 ? first : err;
	kn_ns_close(&ns);
	return first;
}

/* The cable of endpoint ep: its link's kind takes the far side down or up. */
static int
lab_cut(const char *lab, const struct topology *t, const struct topo_endpoint *ep, bool up)
{
	const struct topo_link *link = ep->iface->link;
	const struct topo_endpoint *restore = NULL;
	struct link_ref r = { t, lab, (size_t)(link - t->links), 0, NULL };
	int err;

	while (r.member < link->nends && link->ends[r.member].iface != ep->iface)
		r.member++;
	err = link_kind_of(link)->cut(&r, up, &restore);
	if (err == 0 && up && restore != NULL)
		err = lab_restore(lab, t, restore->node, restore->iface);
	if (err == 0 && up)
		err = lab_restore(lab, t, ep->node, ep->iface);
	return err;
}

int
lab_link_change(const char *lab, const char *spec, bool up, bool cut)
{
	int err;

	if (geteuid() != 0) {
		emu_err("link needs root (it enters the lab's network namespaces)");
		return -EPERM;
	}
	err = lab_lock(lab, "link");
	if (err < 0)
		return err;
	/* A `down` this link waited for may have removed the lab. */
	if (!state_exists(lab)) {
		emu_err("lab %s is not up", lab);
		err = EMU_ENOLAB;
	} else {
		err = lab_link_change_locked(lab, spec, up, cut);
	}
	lab_unlock(lab);
	return err;
}

/* link with the lab's lock held. */
static int
lab_link_change_locked(const char *lab, const char *spec, bool up, bool cut)
{
	struct topology *t;
	struct topo_endpoint ep;
	char name[LAB_NS_MAX];
	int err;

	err = lab_topology(lab, &t);
	if (err < 0)
		return err;
	if (topo_endpoint_find(t, spec, &ep) < 0) {
		emu_err("%s: no such NODE:IFACE in lab %s", spec, lab);
		err = EMU_EARG;
	} else if (!cut) {
		err = link_set_iface(lab_ns_name(lab, ep.node->name, name, sizeof(name)),
		    ep.iface->name, up);
		if (err == 0 && up && ep.iface->link != NULL)
			err = lab_restore(lab, t, ep.node, ep.iface);
	} else if (ep.iface->link == NULL) {
		emu_err("%s is not connected: there is no far side to cut", spec);
		err = EMU_EARG;
	} else {
		err = lab_cut(lab, t, &ep, up);
	}
	topo_free(t);
	return err;
}
