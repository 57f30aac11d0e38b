/*
 * The table of link kinds and its lookup (link.h), and what the kinds
 * share: fixed interface indexes, the kernel end of an endpoint, recording
 * a device, setting an interface up or down by name, finding an interface
 * in the status document, a capture target for one end.
 */
#include <stdio.h>
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

void
link_end_of(const struct topo_endpoint *e, int nsfd, struct kn_end *k)
{
	memset(k, 0, sizeof(*k));
	k->name = e->iface->name;
	k->nsfd = nsfd;
	k->ifindex = link_iface_index(e->node, e->iface);
	k->mtu = e->iface->mtu;
	k->mac = e->iface->has_mac ? e->iface->mac : NULL;
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

cJSON *
link_status_iface(cJSON *doc, const char *node, const char *ifname)
{
	cJSON *ns = NULL, *n, *i;

	if (node == NULL) {
		ns = cJSON_GetObjectItem(doc, "switch");
	} else {
		cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
			const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(n, "name"));

			if (name != NULL && strcmp(name, node) == 0)
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
