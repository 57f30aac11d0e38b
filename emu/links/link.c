/*
 * The table of link kinds and its lookup (link.h), and what the kinds
 * share: fixed interface indexes, the kernel end of an endpoint, recording
 * a device, setting an interface up or down by name, finding an interface
 * in the status document, a capture target for one end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "capture.h"
#include "lab_node.h"
#include "link.h"

extern const struct link_kind link_kind_veth;
extern const struct link_kind link_kind_lan;
extern const struct link_kind link_kind_vxlan;

static const struct link_kind *const link_kinds[] = {
	&link_kind_veth,
	&link_kind_lan,
	&link_kind_vxlan,
};

const struct link_kind *
link_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(link_kinds) / sizeof(link_kinds[0]); i++) {
		if (strcmp(link_kinds[i]->name, name) == 0)
			return link_kinds[i];
	}
	return NULL;
}

const struct link_kind *
link_kind_of(const struct topo_link *l)
{
	/* The loader named the kind ("kind", or "lan" for a switch or more than two ends). */
	return link_kind_find(topo_link_kind_names[l->kind]);
}

int
link_iface_index(const struct topo_node *n, const struct topo_iface *i)
{
	return LINK_IFINDEX_BASE + (int)(i - n->ifaces);
}

bool
link_iface_mac(const struct topology *t, const struct topo_node *n, const struct topo_iface *i,
    uint8_t mac[6])
{
	size_t node = (size_t)(n - t->nodes), iface = (size_t)(i - n->ifaces);

	if (i->has_mac) {
		memcpy(mac, i->mac, 6);
		return true;
	}
	if (t->neighbours != TOPO_NEIGH_STATIC)
		return false;
	/* Locally administered, unicast (IEEE 802 7.2): 02, then the positions. */
	mac[0] = 0x02;
	mac[1] = (uint8_t)(node >> 16);
	mac[2] = (uint8_t)(node >> 8);
	mac[3] = (uint8_t)node;
	mac[4] = (uint8_t)(iface >> 8);
	mac[5] = (uint8_t)iface;
	return true;
}

void
link_end_of(const struct topology *t, const struct topo_endpoint *e, int nsfd, struct kn_end *k,
    uint8_t mac[6])
{
	memset(k, 0, sizeof(*k));
	k->name = e->iface->name;
	k->nsfd = nsfd;
	k->ifindex = link_iface_index(e->node, e->iface);
	k->mtu = e->iface->mtu;
	k->mac = link_iface_mac(t, e->node, e->iface, mac) ? mac : NULL;
}

struct kn_ns *
link_node_ns(struct link_env *env, const struct topo_endpoint *e)
{
	return &env->nodes[e->node - env->t->nodes];
}

int
link_record(struct link_env *env, const char *ns, const char *ifname)
{
	int err = state_add_link(env->st, ns, ifname);

	if (err < 0)
		emu_err("%s/record: %s", env->st->dir, emu_strerror(err));
	return err;
}

int
link_set_iface(const char *nsname, const char *ifname, bool up)
{
	struct kn_ns ns;
	int idx, err;

	err = kn_ns_open(&ns, nsname);
	if (err < 0) {
		emu_err("%s: %s", nsname, emu_strerror(err));
		return err;
	}
	idx = kn_ifindex(&ns, ifname);
	err = idx < 0 ? idx : kn_link_set_up(&ns, idx, up);
	kn_ns_close(&ns);
	if (err < 0)
		emu_err("%s: %s %s: %s", nsname, ifname, up ? "up" : "down", emu_strerror(err));
	return err;
}

static int
link_status_port_cmp(const void *a, const void *b)
{
	return strcmp(((const struct link_status_port *)a)->name,
	    ((const struct link_status_port *)b)->name);
}

int
link_status_index_make(struct link_status_index *ix, const struct topology *t, cJSON *doc)
{
	cJSON *n, *i, *ifaces;
	size_t k = 0;

	memset(ix, 0, sizeof(*ix));
	ix->nodes = calloc(t->nnodes ? t->nnodes : 1, sizeof(*ix->nodes));
	if (ix->nodes == NULL)
		return -ENOMEM;
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		if (k < t->nnodes)
			ix->nodes[k++] = n;
	}
	ifaces = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "switch"), "interfaces");
	ix->sw_ifaces = calloc((size_t)cJSON_GetArraySize(ifaces) + 1, sizeof(*ix->sw_ifaces));
	if (ix->sw_ifaces == NULL) {
		link_status_index_free(ix);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(i, ifaces) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(i, "name"));

		if (name == NULL)
			continue;
		ix->sw_ifaces[ix->nsw_ifaces].name = name;
		ix->sw_ifaces[ix->nsw_ifaces++].iface = i;
	}
	qsort(ix->sw_ifaces, ix->nsw_ifaces, sizeof(*ix->sw_ifaces), link_status_port_cmp);
	return 0;
}

void
link_status_index_free(struct link_status_index *ix)
{
	free(ix->nodes);
	free(ix->sw_ifaces);
	memset(ix, 0, sizeof(*ix));
}

cJSON *
link_status_iface(const struct link_ref *r, cJSON *doc, const struct topo_node *node,
    const char *ifname)
{
	struct link_status_port key = { ifname, NULL }, *found;
	cJSON *ns = NULL, *n, *i;

	if (r->ix != NULL && node == NULL) {
		/* The switch has a port per LAN member: thousands in a big lab. */
		found = bsearch(&key, r->ix->sw_ifaces, r->ix->nsw_ifaces, sizeof(key),
		    link_status_port_cmp);
		return found != NULL ? found->iface : NULL;
	}
	if (r->ix != NULL) {
		ns = r->ix->nodes[node - r->t->nodes];
	} else if (node == NULL) {
		ns = cJSON_GetObjectItem(doc, "switch");
	} else {
		cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(n, "name"));

			if (name != NULL && strcmp(name, node->name) == 0)
				ns = n;
		}
	}
	cJSON_ArrayForEach(i, cJSON_GetObjectItem(ns, "interfaces")) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(i, "name"));

		if (name != NULL && strcmp(name, ifname) == 0)
			return i;
	}
	return NULL;
}

void
link_capture_end(const struct link_ref *r, const struct topo_endpoint *e, struct capture_target *c)
{
	memset(c, 0, sizeof(*c));
	lab_ns_name(r->lab, e->node->name, c->netns, sizeof(c->netns));
	snprintf(c->iface, sizeof(c->iface), "%s", e->iface->name);
	snprintf(c->what, sizeof(c->what), "%s:%s", e->node->name, e->iface->name);
}
