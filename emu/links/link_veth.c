/*
 * Link kind "veth": a point-to-point link, one veth pair whose two ends are
 * created straight in the two nodes' namespaces by one RTM_NEWLINK
 * (kn_veth_add). A cable cut takes the far end down, so the near end loses
 * its carrier; restoring it brings the far end up and gives its node back
 * the addresses and routes Linux dropped.
 */
#include <stdio.h>

#include "anylab.h"
#include "capture.h"
#include "lab_node.h"
#include "link.h"

static int veth_make(struct link_env *, size_t l);
static int veth_cut(const struct link_ref *, bool up, const struct topo_endpoint **restore);
static void veth_status(const struct link_ref *, cJSON *doc);
static size_t veth_capture(const struct link_ref *, struct capture_target *out);

const struct link_kind link_kind_veth = {
	.name = "veth",
	.needs_switch = false,
	.make = veth_make,
	.cut = veth_cut,
	.status = veth_status,
	.capture = veth_capture,
};

static int
veth_make(struct link_env *env, size_t l)
{
	const struct topo_link *link = &env->t->links[l];
	struct kn_ns *na = link_node_ns(env, &link->ends[0]);
	struct kn_ns *nb = link_node_ns(env, &link->ends[1]);
	struct kn_end a, z;
	uint8_t mac_a[6], mac_z[6];
	int err;

	link_end_of(env->t, &link->ends[0], na->fd, &a, mac_a);
	link_end_of(env->t, &link->ends[1], nb->fd, &z, mac_z);
	err = link_record(env, na->name, a.name);
	if (err == 0)
		err = link_record(env, nb->name, z.name);
	if (err < 0)
		return err;
	err = kn_veth_add(na, &a, &z);
	if (err < 0) {
		emu_err("link %s: veth %s:%s - %s:%s: %s", link->name, na->name, a.name, nb->name,
		    z.name, emu_strerror(err));
		return err;
	}
	env->veths++;
	/* The first end was made up; the kernel cannot open the peer before the pair exists. */
	err = kn_link_set_up(nb, z.ifindex, true);
	if (err < 0)
		emu_err("%s: %s up: %s", nb->name, z.name, emu_strerror(err));
	return err;
}

static const struct topo_endpoint *
veth_far(const struct link_ref *r)
{
	const struct topo_link *link = &r->t->links[r->link];

	return &link->ends[r->member == 0 ? 1 : 0];
}

static int
veth_cut(const struct link_ref *r, bool up, const struct topo_endpoint **restore)
{
	const struct topo_endpoint *far = veth_far(r);
	char name[LAB_NS_MAX];
	int err;

	*restore = NULL;
	err = link_set_iface(lab_ns_name(r->lab, far->node->name, name, sizeof(name)),
	    far->iface->name, up);
	if (err == 0 && up)
		*restore = far;
	return err;
}

static void
veth_status(const struct link_ref *r, cJSON *doc)
{
	const struct topo_link *link = &r->t->links[r->link];
	char peer[128];

	for (size_t m = 0; m < 2; m++) {
		const struct topo_endpoint *me = &link->ends[m], *far = &link->ends[1 - m];
		cJSON *i = link_status_iface(r, doc, me->node, me->iface->name);

		if (i == NULL)
			continue;
		snprintf(peer, sizeof(peer), "%s:%s", far->node->name, far->iface->name);
		cJSON_AddStringToObject(i, "link", link->name);
		cJSON_AddStringToObject(i, "peer", peer);
	}
}

static size_t
veth_capture(const struct link_ref *r, struct capture_target *out)
{
	/* Either end sees every frame of the pair once: the first. */
	link_capture_end(r, &r->t->links[r->link].ends[0], &out[0]);
	return 1;
}
