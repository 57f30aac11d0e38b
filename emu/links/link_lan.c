/*
 * Link kind "lan": a LAN of two or more members, one bridge named after
 * the link in the lab's switch namespace LAB.sw and, per member, a veth
 * pair from a switch port (LINK.N, or lL.N when that is too long for an
 * interface name) to the member's interface in its node. A cable cut takes
 * the member's switch port down; `capture LINK` listens on every port,
 * inbound only, so each frame is written once.
 */
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "anylab.h"
#include "capture.h"
#include "lab_node.h"
#include "link.h"

static int lan_make(struct link_env *, size_t l);
static int lan_cut(const struct link_ref *, bool up, const struct topo_endpoint **restore);
static void lan_status(const struct link_ref *, cJSON *doc);
static size_t lan_capture(const struct link_ref *, struct capture_target *out);

const struct link_kind link_kind_lan = {
	.name = "lan",
	.needs_switch = true,
	.make = lan_make,
	.cut = lan_cut,
	.status = lan_status,
	.capture = lan_capture,
};

/* The switch port of member m of link l. */
static const char *
lan_port_name(const struct topology *t, size_t l, size_t m, char *buf, size_t len)
{
	char name[64];
	int n = snprintf(name, sizeof(name), "%s.%zu", t->links[l].name, m);

	if (n < 0 || n >= IFNAMSIZ)
		snprintf(name, sizeof(name), "l%zu.%zu", l, m);
	snprintf(buf, len, "%.*s", IFNAMSIZ - 1, name);
	return buf;
}

static int
lan_make(struct link_env *env, size_t l)
{
	const struct topo_link *link = &env->t->links[l];
	int bridge = LINK_IFINDEX_BASE + (int)l, err;
	char port[IFNAMSIZ];

	err = link_record(env, env->sw->name, link->name);
	if (err < 0)
		return err;
	err = kn_bridge_add(env->sw, link->name, bridge);
	if (err < 0) {
		emu_err("%s: bridge %s: %s", env->sw->name, link->name, emu_strerror(err));
		return err;
	}
	env->bridges++;
	for (size_t m = 0; m < link->nends; m++) {
		const struct topo_endpoint *e = &link->ends[m];
		struct kn_ns *node = link_node_ns(env, e);
		struct kn_end sw_end, node_end;
		uint8_t mac[6];

		lan_port_name(env->t, l, m, port, sizeof(port));
		link_end_of(env->t, e, node->fd, &node_end, mac);
		memset(&sw_end, 0, sizeof(sw_end));
		sw_end.name = port;
		sw_end.nsfd = env->sw->fd;
		sw_end.ifindex = env->next_port_index++;
		sw_end.mtu = e->iface->mtu;
		sw_end.master = bridge;
		err = link_record(env, env->sw->name, port);
		if (err == 0)
			err = link_record(env, node->name, e->iface->name);
		if (err < 0)
			return err;
		err = kn_veth_add(env->sw, &sw_end, &node_end);
		if (err < 0) {
			emu_err("link %s: veth %s:%s - %s: %s", link->name, node->name,
			    e->iface->name, port, emu_strerror(err));
			return err;
		}
		env->veths++;
		/* The port was made up in its bridge; the member's end comes up from its node. */
		err = kn_link_set_up(node, node_end.ifindex, true);
		if (err < 0) {
			emu_err("%s: %s up: %s", node->name, e->iface->name, emu_strerror(err));
			return err;
		}
	}
	return 0;
}

static int
lan_cut(const struct link_ref *r, bool up, const struct topo_endpoint **restore)
{
	char sw[LAB_NS_MAX], port[IFNAMSIZ];

	*restore = NULL; /* only the member's own interface came back */
	return link_set_iface(lab_switch_ns_name(r->lab, sw, sizeof(sw)),
	    lan_port_name(r->t, r->link, r->member, port, sizeof(port)), up);
}

static void
lan_status(const struct link_ref *r, cJSON *doc)
{
	const struct topo_link *link = &r->t->links[r->link];
	char port[IFNAMSIZ], member[128];
	cJSON *i;

	for (size_t m = 0; m < link->nends; m++) {
		const struct topo_endpoint *e = &link->ends[m];

		lan_port_name(r->t, r->link, m, port, sizeof(port));
		i = link_status_iface(r, doc, NULL, port);
		if (i != NULL) {
			/* Name each port after the member it wires in. */
			snprintf(member, sizeof(member), "%s:%s", e->node->name, e->iface->name);
			cJSON_AddStringToObject(i, "member", member);
		}
		i = link_status_iface(r, doc, e->node, e->iface->name);
		if (i != NULL) {
			cJSON_AddStringToObject(i, "link", link->name);
			cJSON_AddStringToObject(i, "port", port);
		}
	}
}

static size_t
lan_capture(const struct link_ref *r, struct capture_target *out)
{
	const struct topo_link *link = &r->t->links[r->link];

	for (size_t m = 0; m < link->nends; m++) {
		struct capture_target *c = &out[m];

		memset(c, 0, sizeof(*c));
		lab_switch_ns_name(r->lab, c->netns, sizeof(c->netns));
		lan_port_name(r->t, r->link, m, c->iface, sizeof(c->iface));
		c->inbound_only = true;
		snprintf(c->what, sizeof(c->what), "%s (port of %s:%s)", link->name,
		    link->ends[m].node->name, link->ends[m].iface->name);
	}
	return link->nends;
}
