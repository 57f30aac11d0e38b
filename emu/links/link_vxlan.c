/*
 * Link kind "vxlan": a point-to-point tunnel between two nodes carried over
 * their underlay interfaces (ordinary links, the lab's simulated
 * Internet), as a site-to-site VPN is. Each end is a VXLAN device (RFC 7348:
 * Ethernet in UDP, VNI in its 8-byte header) made in its node's namespace,
 * its outer source the node's underlay address and its one destination the
 * far end's, without learning. The kernel here has no GRE, IPIP,
 * WireGuard or IPsec AEAD; VXLAN is what every Linux has.
 *
 * A cut is a silent failure, as a real tunnel's is: both devices keep their
 * carrier and stay up, and the tunnel's own packets (that VNI, that port,
 * between the two underlay addresses) are dropped on each end's underlay
 * interface by an nftables table of their own (kernel/nft.c,
 * "anylab_vxlan_VNI"), which restore removes. Only a detector that sends
 * packets through the tunnel (BFD, the BGP hold timer) finds out. The
 * underlay's own faults and impairments (loss, rate, black hole on its
 * interfaces) reach the tunnel because its packets cross them.
 */
#include <stdio.h>

#include "anylab.h"
#include "capture.h"
#include "lab_node.h"
#include "link.h"
#include "nft.h"

static int vxlan_make(struct link_env *, size_t l);
static int vxlan_cut(const struct link_ref *, bool up, const struct topo_endpoint **restore);
static void vxlan_status(const struct link_ref *, cJSON *doc);
static size_t vxlan_capture(const struct link_ref *, struct capture_target *out);

const struct link_kind link_kind_vxlan = {
	.name = "vxlan",
	.needs_switch = false,
	.make = vxlan_make,
	.cut = vxlan_cut,
	.status = vxlan_status,
	.capture = vxlan_capture,
};

/* One end's black hole, made or removed inside that end's node (lab_run_in). */
struct vxlan_job {
	const struct topo_tunnel *tun;
	int m; /* the end */
	bool up;
	int dropped; /* vxlan_probe_in_ns: kn_nft_tunnel_dropped's answer */
	char why[256];
};

static int
vxlan_make(struct link_env *env, size_t l)
{
	const struct topo_link *link = &env->t->links[l];
	const struct topo_tunnel *tun = &link->tunnel;
	char a[IPADDR_STRLEN], b[IPADDR_STRLEN];
	int err;

	for (int m = 0; m < 2; m++) {
		const struct topo_endpoint *e = &link->ends[m];
		struct kn_ns *ns = link_node_ns(env, e);
		struct kn_vxlan v = {
			.name = e->iface->name,
			.ifindex = link_iface_index(e->node, e->iface),
			.mtu = e->iface->mtu,
			.mac = e->iface->has_mac ? e->iface->mac : NULL,
			.vni = tun->vni,
			.port = tun->port,
			.local = tun->local[m],
			.remote = tun->local[1 - m],
		};

		err = link_record(env, ns->name, v.name);
		if (err < 0)
			return err;
		err = kn_vxlan_add(ns, &v);
		if (err < 0) {
			emu_err("link %s: vxlan %s:%s (VNI %u, %s to %s port %u): %s", link->name,
			    ns->name, v.name, tun->vni, ipaddr_ntop(&v.local, a, sizeof(a)),
			    ipaddr_ntop(&v.remote, b, sizeof(b)), tun->port, emu_strerror(err));
			return err;
		}
	}
	return 0;
}

static int
vxlan_cut_in_ns(void *arg)
{
	struct vxlan_job *j = arg;
	const struct topo_tunnel *tun = j->tun;

	if (j->up) {
		kn_nft_tunnel_clear(tun->vni);
		return 0;
	}
	return kn_nft_tunnel_drop(tun->underlay[j->m].iface->name, &tun->local[j->m],
	    &tun->local[1 - j->m], tun->port, tun->vni, j->why, sizeof(j->why));
}

/* Either end's cut is the whole tunnel's: both ends drop its packets, both ways. */
static int
vxlan_cut(const struct link_ref *r, bool up, const struct topo_endpoint **restore)
{
	const struct topo_link *link = &r->t->links[r->link];
	int err, first = 0;

	*restore = NULL; /* nothing went down: addresses and routes stayed */
	for (int m = 0; m < 2; m++) {
		struct vxlan_job j = { .tun = &link->tunnel, .m = m, .up = up };

		err = lab_run_in(r->lab, link->ends[m].node->name, vxlan_cut_in_ns, &j);
		if (err < 0) {
			emu_err("link %s: %s the tunnel's packets on %s:%s: %s%s%s", link->name,
			    up ? "letting through" : "dropping", link->ends[m].node->name,
			    link->tunnel.underlay[m].iface->name, emu_strerror(err),
			    j.why[0] ? ": " : "", j.why);
			first = first < 0 ? first : err;
		}
	}
	return first;
}

static int
vxlan_probe_in_ns(void *arg)
{
	struct vxlan_job *j = arg;

	j->dropped = kn_nft_tunnel_dropped(j->tun->vni);
	return 0;
}

static void
vxlan_status(const struct link_ref *r, cJSON *doc)
{
	const struct topo_link *link = &r->t->links[r->link];
	const struct topo_tunnel *tun = &link->tunnel;
	const char *state;
	char peer[128], a[IPADDR_STRLEN];
	bool dropped = false, unknown = false;

	for (int m = 0; m < 2; m++) {
		struct vxlan_job j = { .tun = tun, .m = m };

		/* No namespace, or no libnftables to ask: cannot tell. */
		if (lab_run_in(r->lab, link->ends[m].node->name, vxlan_probe_in_ns, &j) < 0 ||
		    j.dropped < 0)
			unknown = true;
		else if (j.dropped > 0)
			dropped = true;
	}
	state = dropped ? "black-holed" : unknown ? "unknown" : "up";
	for (int m = 0; m < 2; m++) {
		const struct topo_endpoint *me = &link->ends[m], *far = &link->ends[1 - m];
		cJSON *i = link_status_iface(r, doc, me->node, me->iface->name), *o;

		if (i == NULL)
			continue;
		snprintf(peer, sizeof(peer), "%s:%s", far->node->name, far->iface->name);
		cJSON_AddStringToObject(i, "link", link->name);
		cJSON_AddStringToObject(i, "peer", peer);
		o = cJSON_AddObjectToObject(i, "tunnel");
		cJSON_AddStringToObject(o, "kind", "vxlan");
		cJSON_AddNumberToObject(o, "vni", tun->vni);
		cJSON_AddNumberToObject(o, "port", tun->port);
		cJSON_AddStringToObject(o, "underlay", tun->underlay[m].iface->name);
		cJSON_AddStringToObject(o, "local", ipaddr_ntop(&tun->local[m], a, sizeof(a)));
		cJSON_AddStringToObject(o, "remote", ipaddr_ntop(&tun->local[1 - m], a, sizeof(a)));
		cJSON_AddStringToObject(o, "state", state);
	}
}

static size_t
vxlan_capture(const struct link_ref *r, struct capture_target *out)
{
	const struct topo_link *link = &r->t->links[r->link];

	/* Inner frames as each end receives them: every delivered frame once. */
	for (int m = 0; m < 2; m++) {
		link_capture_end(r, &link->ends[m], &out[m]);
		out[m].inbound_only = true;
		snprintf(out[m].what, sizeof(out[m].what), "%s (tunnel end %s:%s, inbound)",
		    link->name, link->ends[m].node->name, link->ends[m].iface->name);
	}
	return 2;
}
