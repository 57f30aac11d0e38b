/*
 * Routing netlink for the lab (see netlink.h), through libnl-route-3.
 *
 * veth pairs: one RTM_NEWLINK carries both ends; each end has
 * IFLA_NET_NS_FD (the peer inside VETH_INFO_PEER), so the kernel registers
 * each device straight in its namespace (rtnl_create_link() on the target
 * net): nothing ever appears in the namespace the request came from. The
 * first end is created with IFF_UP and, for a switch port, IFLA_MASTER; the
 * peer cannot be opened before the pair is complete (veth_open() answers
 * ENOTCONN), so it is set up by a second message from its own namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "anylab.h"
#include "netlink.h"
#include "netns.h"

static struct nl_addr *kn_nladdr(const struct ipaddr *, unsigned len);

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h, which clashes with net/if.h */
#endif

void
kn_ns_attach(struct kn_ns *ns, const char *name, int fd)
{
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	ns->fd = fd;
	ns->sk = NULL;
}

/* The namespace's netlink socket, connected inside it on first use. */
static int
kn_ns_connect(struct kn_ns *ns)
{
	int self, err;

	if (ns->sk != NULL)
		return 0;
	if (ns->fd < 0)
		return -EBADF;
	ns->sk = nl_socket_alloc();
	if (ns->sk == NULL)
		return -ENOMEM;
	self = netns_open_self();
	if (self < 0) {
		err = self;
		goto out_free;
	}
	err = netns_enter(ns->fd);
	if (err < 0) {
		close(self);
		goto out_free;
	}
	err = kn_errno(nl_connect(ns->sk, NETLINK_ROUTE));
	if (netns_enter(self) < 0)
		err = -errno;
	close(self);
	if (err < 0)
		goto out_free;
	return 0;

out_free:
	nl_socket_free(ns->sk);
	ns->sk = NULL;
	return err;
}

int
kn_ns_open_fd(struct kn_ns *ns, const char *name, int fd)
{
	kn_ns_attach(ns, name, fd);
	return kn_ns_connect(ns);
}

void
kn_ns_release_socket(struct kn_ns *ns)
{
	if (ns->sk != NULL)
		nl_socket_free(ns->sk);
	ns->sk = NULL;
}

int
kn_ns_open(struct kn_ns *ns, const char *name)
{
	int fd = netns_open(name), err;

	ns->fd = -1;
	ns->sk = NULL;
	if (fd < 0)
		return fd;
	err = kn_ns_open_fd(ns, name, fd);
	if (err < 0) {
		close(fd);
		ns->fd = -1;
	}
	return err;
}

void
kn_ns_close(struct kn_ns *ns)
{
	if (ns->sk != NULL)
		nl_socket_free(ns->sk);
	ns->sk = NULL;
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
}

/*
 * libnl's NLE_* code (negative, or 0) as the errno it stands for: libnl
 * turns the kernel's errno into its own code (nl_syserr2nlerr); this is the
 * way back, so that the lab's callers see one error type (emu_error.h).
 * Codes of libnl's own (a message it could not parse) are -EPROTO.
 */
int
kn_errno(int nlerr)
{
	static const int errnos[] = {
		[NLE_FAILURE] = EIO,
		[NLE_INTR] = EINTR,
		[NLE_BAD_SOCK] = EBADF,
		[NLE_AGAIN] = EAGAIN,
		[NLE_NOMEM] = ENOMEM,
		[NLE_EXIST] = EEXIST,
		[NLE_INVAL] = EINVAL,
		[NLE_RANGE] = ERANGE,
		[NLE_MSGSIZE] = EMSGSIZE,
		[NLE_OPNOTSUPP] = EOPNOTSUPP,
		[NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
		[NLE_OBJ_NOTFOUND] = ENOENT,
		[NLE_NOADDR] = EADDRNOTAVAIL,
		[NLE_BUSY] = EBUSY,
		[NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
		[NLE_NOACCESS] = EACCES,
		[NLE_PERM] = EPERM,
		[NLE_NODEV] = ENODEV,
		[NLE_DUMP_INTR] = EINTR,
	};
	int code = -nlerr;

	if (nlerr >= 0)
		return nlerr;
	if (code < (int)(sizeof(errnos) / sizeof(errnos[0])) && errnos[code] != 0)
		return -errnos[code];
	return -EPROTO;
}

static int
kn_end_fill(struct rtnl_link *l, const struct kn_end *e, bool up)
{
	struct nl_addr *mac;

	rtnl_link_set_name(l, e->name);
	rtnl_link_set_ns_fd(l, e->nsfd);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	if (e->ifindex > 0)
		rtnl_link_set_ifindex(l, e->ifindex);
	if (e->mtu > 0)
		rtnl_link_set_mtu(l, e->mtu);
	if (e->master > 0)
		rtnl_link_set_master(l, e->master);
	if (e->mac != NULL) {
		mac = nl_addr_build(AF_LLC, e->mac, 6);
		if (mac == NULL)
			return -ENOMEM;
		rtnl_link_set_addr(l, mac);
		nl_addr_put(mac);
	}
	return 0;
}

int
kn_veth_add(struct kn_ns *ns, const struct kn_end *a, const struct kn_end *b)
{
	struct rtnl_link *link, *peer;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	link = rtnl_link_veth_alloc();
	if (link == NULL)
		return -ENOMEM;
	peer = rtnl_link_veth_get_peer(link);
	err = kn_end_fill(link, a, true);
	if (err == 0)
		err = kn_end_fill(peer, b, false);
	if (err == 0)
		err = kn_errno(rtnl_link_add(ns->sk, link, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(peer);
	rtnl_link_veth_release(link);
	return err;
}

/*
 * VXLAN: no IFLA_NET_NS_FD, unlike a veth end: the kernel opens the
 * device's UDP socket in the namespace of the socket the request came on
 * (the link net), so the request must come from the node's own namespace,
 * which ns->sk was connected in.
 */
int
kn_vxlan_add(struct kn_ns *ns, const struct kn_vxlan *v)
{
	struct rtnl_link *link;
	struct nl_addr *local = NULL, *remote = NULL, *mac = NULL;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	link = rtnl_link_vxlan_alloc();
	if (link == NULL)
		return -ENOMEM;
	local = kn_nladdr(&v->local, ipaddr_bits(v->local.family));
	remote = kn_nladdr(&v->remote, ipaddr_bits(v->remote.family));
	if (local == NULL || remote == NULL) {
		err = -ENOMEM;
		goto out;
	}
	rtnl_link_set_name(link, v->name);
	rtnl_link_set_flags(link, IFF_UP);
	if (v->ifindex > 0)
		rtnl_link_set_ifindex(link, v->ifindex);
	if (v->mtu > 0)
		rtnl_link_set_mtu(link, v->mtu);
	if (v->mac != NULL) {
		mac = nl_addr_build(AF_LLC, v->mac, 6);
		if (mac == NULL) {
			err = -ENOMEM;
			goto out;
		}
		rtnl_link_set_addr(link, mac);
	}
	err = kn_errno(rtnl_link_vxlan_set_id(link, v->vni));
	if (err == 0)
		err = kn_errno(rtnl_link_vxlan_set_local(link, local));
	/* A unicast "group" is the far end: the default destination of every frame. */
	if (err == 0)
		err = kn_errno(rtnl_link_vxlan_set_group(link, remote));
	if (err == 0)
		err = kn_errno(rtnl_link_vxlan_set_port(link, v->port));
	if (err == 0)
		err = kn_errno(rtnl_link_vxlan_disable_learning(link));
	if (err == 0)
		err = kn_errno(rtnl_link_add(ns->sk, link, NLM_F_CREATE | NLM_F_EXCL));
out:
	if (mac != NULL)
		nl_addr_put(mac);
	if (remote != NULL)
		nl_addr_put(remote);
	if (local != NULL)
		nl_addr_put(local);
	rtnl_link_put(link);
	return err;
}

int
kn_bridge_add(struct kn_ns *ns, const char *name, int ifindex)
{
	struct rtnl_link *link;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	link = rtnl_link_bridge_alloc();
	if (link == NULL)
		return -ENOMEM;
	rtnl_link_set_name(link, name);
	rtnl_link_set_flags(link, IFF_UP);
	if (ifindex > 0)
		rtnl_link_set_ifindex(link, ifindex);
	err = kn_errno(rtnl_link_add(ns->sk, link, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(link);
	return err;
}

int
kn_ifindex(struct kn_ns *ns, const char *name)
{
	struct rtnl_link *link = NULL;
	int err, idx;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	err = rtnl_link_get_kernel(ns->sk, 0, name, &link);
	if (err < 0)
		return kn_errno(err);
	idx = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return idx;
}

int
kn_link_set_up(struct kn_ns *ns, int ifindex, bool up)
{
	struct rtnl_link *orig, *change;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (orig == NULL || change == NULL) {
		err = -ENOMEM;
		goto out;
	}
	rtnl_link_set_ifindex(orig, ifindex);
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	err = kn_errno(rtnl_link_change(ns->sk, orig, change, 0));
out:
	if (orig != NULL)
		rtnl_link_put(orig);
	if (change != NULL)
		rtnl_link_put(change);
	return err;
}

static struct nl_addr *
kn_nladdr(const struct ipaddr *a, unsigned len)
{
	struct nl_addr *n = nl_addr_build(a->family, a->bytes, ipaddr_size(a->family));

	if (n != NULL)
		nl_addr_set_prefixlen(n, len);
	return n;
}

int
kn_addr_add(struct kn_ns *ns, int ifindex, const struct prefix *p, bool replace)
{
	return kn_addr_add_flags(ns, ifindex, p, replace, 0);
}

int
kn_addr_add_flags(struct kn_ns *ns, int ifindex, const struct prefix *p, bool replace,
    unsigned extra)
{
	struct rtnl_addr *addr;
	struct nl_addr *local;
	int err, flags = NLM_F_CREATE;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	addr = rtnl_addr_alloc();
	local = kn_nladdr(&p->addr, p->len);
	if (addr == NULL || local == NULL) {
		err = -ENOMEM;
		goto out;
	}
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, p->addr.family);
	err = kn_errno(rtnl_addr_set_local(addr, local));
	if (err < 0)
		goto out;
	rtnl_addr_set_prefixlen(addr, p->len);
	/* Usable at once: no duplicate address detection in a lab. */
	if (p->addr.family == AF_INET6)
		extra |= IFA_F_NODAD;
	if (extra != 0)
		rtnl_addr_set_flags(addr, extra);
	flags |= replace ? NLM_F_REPLACE : NLM_F_EXCL;
	err = kn_errno(rtnl_addr_add(ns->sk, addr, flags));
out:
	if (local != NULL)
		nl_addr_put(local);
	if (addr != NULL)
		rtnl_addr_put(addr);
	return err;
}

int
kn_route_add(struct kn_ns *ns, const struct topo_route *r, int ifindex, bool replace)
{
	struct rtnl_route *route;
	struct rtnl_nexthop *nh;
	struct nl_addr *dst, *gw = NULL;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	route = rtnl_route_alloc();
	dst = kn_nladdr(&r->dst.addr, r->dst.len);
	if (route == NULL || dst == NULL) {
		err = -ENOMEM;
		goto out;
	}
	rtnl_route_set_family(route, r->dst.addr.family);
	rtnl_route_set_dst(route, dst);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_scope(route, r->via.family != 0 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (r->metric > 0)
		rtnl_route_set_priority(route, r->metric);
	nh = rtnl_route_nh_alloc();
	if (nh == NULL) {
		err = -ENOMEM;
		goto out;
	}
	if (ifindex > 0)
		rtnl_route_nh_set_ifindex(nh, ifindex);
	if (r->via.family != 0) {
		gw = kn_nladdr(&r->via, ipaddr_bits(r->via.family));
		if (gw == NULL) {
			rtnl_route_nh_free(nh);
			err = -ENOMEM;
			goto out;
		}
		rtnl_route_nh_set_gateway(nh, gw);
	}
	rtnl_route_add_nexthop(route, nh);
	err = kn_errno(
	    rtnl_route_add(ns->sk, route, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
out:
	if (gw != NULL)
		nl_addr_put(gw);
	if (dst != NULL)
		nl_addr_put(dst);
	if (route != NULL)
		rtnl_route_put(route);
	return err;
}

int
kn_neigh_add(struct kn_ns *ns, int ifindex, const struct ipaddr *addr, const uint8_t mac[6])
{
	struct rtnl_neigh *neigh;
	struct nl_addr *dst, *ll;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	neigh = rtnl_neigh_alloc();
	dst = kn_nladdr(addr, ipaddr_bits(addr->family));
	ll = nl_addr_build(AF_LLC, mac, 6);
	if (neigh == NULL || dst == NULL || ll == NULL) {
		err = -ENOMEM;
		goto out;
	}
	rtnl_neigh_set_ifindex(neigh, ifindex);
	rtnl_neigh_set_family(neigh, addr->family);
	rtnl_neigh_set_dst(neigh, dst);
	rtnl_neigh_set_lladdr(neigh, ll);
	rtnl_neigh_set_state(neigh, NUD_PERMANENT);
	err = kn_errno(rtnl_neigh_add(ns->sk, neigh, NLM_F_CREATE | NLM_F_REPLACE));
out:
	if (ll != NULL)
		nl_addr_put(ll);
	if (dst != NULL)
		nl_addr_put(dst);
	if (neigh != NULL)
		rtnl_neigh_put(neigh);
	return err;
}

int
kn_sysctl_write(int nsfd, const char *path, const char *value)
{
	return kn_sysctl_write_many(nsfd, &path, &value, 1, NULL);
}

/*
 * The kernel keeps a dentry "net" under /proc/sys for every network
 * namespace, all with the same name and parent, and a path walk through
 * /proc/sys compares them one by one (proc_sys_compare, under a lock)
 * until it finds the caller's: with thousands of namespaces each walk costs
 * milliseconds, and a lab's up grew with the square of its nodes. So the
 * sysctls are written through a proc instance of anylab's own, mounted
 * nowhere (fsopen/fsmount: a detached mount, no mount namespace touched),
 * replaced every KN_PROC_USES namespaces so that its dentry chains stay
 * that short; a node's sysctls take one walk from there. Where the kernel
 * refuses (no new mount API, no privilege), /proc/sys as before.
 */
#define KN_PROC_USES 64

static int kn_proc_mnt = -1; /* the detached proc; -2: unavailable */
static unsigned kn_proc_uses;

/* A descriptor of /proc/sys/net as the calling thread's namespace sees it. */
static int
kn_sysctl_net_dir(void)
{
	int fs, dir;

	if (kn_proc_mnt >= 0 && kn_proc_uses >= KN_PROC_USES) {
		close(kn_proc_mnt);
		kn_proc_mnt = -1;
	}
	if (kn_proc_mnt == -1) {
		kn_proc_mnt = -2;
		kn_proc_uses = 0;
		fs = fsopen("proc", FSOPEN_CLOEXEC);
		if (fs >= 0) {
			if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
				kn_proc_mnt = fsmount(fs, FSMOUNT_CLOEXEC,
				    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
			if (kn_proc_mnt < 0)
				kn_proc_mnt = -2;
			close(fs);
		}
	}
	if (kn_proc_mnt >= 0) {
		kn_proc_uses++;
		dir = openat(kn_proc_mnt, "sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir >= 0)
			return dir;
	}
	return open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int
kn_sysctl_write_many(int nsfd, const char *const *paths, const char *const *values, size_t n,
    size_t *failed)
{
	char full[ANYLAB_PATH_MAX];
	int self, fd, netfd = -1, err = 0;
	size_t i;

	self = netns_open_self();
	if (self < 0)
		return self;
	err = netns_enter(nsfd);
	if (err < 0)
		goto out;
	/* /proc/sys/net files belong to the namespace of the task that opens them. */
	for (i = 0; i < n && err == 0; i++) {
		size_t len = strlen(values[i]);

		if (strncmp(paths[i], "net/", 4) == 0) {
			if (netfd < 0)
				netfd = kn_sysctl_net_dir();
			fd = netfd < 0 ? -1 : openat(netfd, paths[i] + 4, O_WRONLY | O_CLOEXEC);
		} else {
			snprintf(full, sizeof(full), "/proc/sys/%s", paths[i]);
			fd = open(full, O_WRONLY | O_CLOEXEC);
		}
		if (fd < 0) {
			err = -errno;
		} else {
			if (write(fd, values[i], len) != (ssize_t)len)
				err = -errno;
			close(fd);
		}
		if (err < 0 && failed != NULL)
			*failed = i;
	}
	if (netfd >= 0)
		close(netfd);
	if (netns_enter(self) < 0 && err == 0)
		err = -errno;
out:
	close(self);
	return err;
}

/* ---- reading back: status ---- */

static const char *
kn_addr_str(struct nl_addr *a, char *buf, size_t len, bool with_len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (a == NULL || nl_addr_get_len(a) == 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	if (inet_ntop(nl_addr_get_family(a), nl_addr_get_binary_addr(a), tmp, sizeof(tmp)) ==
	    NULL) {
		nl_addr2str(a, buf, len);
		return buf;
	}
	if (with_len)
		snprintf(buf, len, "%s/%u", tmp, nl_addr_get_prefixlen(a));
	else
		snprintf(buf, len, "%s", tmp);
	return buf;
}

struct kn_dump_ctx {
	cJSON *ifaces;
	cJSON *routes;
	struct nl_cache *links;
};

static cJSON *
kn_iface_by_index(cJSON *ifaces, int ifindex)
{
	cJSON *i;

	cJSON_ArrayForEach(i, ifaces) {
		if (cJSON_GetNumberValue(cJSON_GetObjectItem(i, "index")) == ifindex)
			return i;
	}
	return NULL;
}

static void
kn_dump_link(struct nl_object *obj, void *arg)
{
	struct kn_dump_ctx *c = arg;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	char buf[64], mbuf[IFNAMSIZ];
	unsigned flags = rtnl_link_get_flags(l);
	cJSON *o = cJSON_CreateObject();
	const char *type = rtnl_link_get_type(l), *alias = rtnl_link_get_ifalias(l);
	int master = rtnl_link_get_master(l);

	cJSON_AddStringToObject(o, "name", rtnl_link_get_name(l));
	cJSON_AddNumberToObject(o, "index", rtnl_link_get_ifindex(l));
	cJSON_AddStringToObject(o, "type",
	    type != NULL	       ? type :
		(flags & IFF_LOOPBACK) ? "loopback" :
					 "other");
	cJSON_AddStringToObject(o, "admin", (flags & IFF_UP) ? "up" : "down");
	cJSON_AddStringToObject(o, "carrier", (flags & IFF_LOWER_UP) ? "up" : "down");
	cJSON_AddStringToObject(o, "oper",
	    rtnl_link_operstate2str(rtnl_link_get_operstate(l), buf, sizeof(buf)));
	cJSON_AddNumberToObject(o, "mtu", rtnl_link_get_mtu(l));
	if (!(flags & IFF_LOOPBACK))
		cJSON_AddStringToObject(o, "mac",
		    nl_addr2str(rtnl_link_get_addr(l), buf, sizeof(buf)));
	if (master > 0)
		cJSON_AddStringToObject(o, "master",
		    rtnl_link_i2name(c->links, master, mbuf, sizeof(mbuf)));
	if (alias != NULL)
		cJSON_AddStringToObject(o, "alias", alias);
	cJSON_AddItemToObject(o, "addresses", cJSON_CreateArray());
	cJSON_AddItemToArray(c->ifaces, o);
}

static void
kn_dump_addr(struct nl_object *obj, void *arg)
{
	struct kn_dump_ctx *c = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	cJSON *iface = kn_iface_by_index(c->ifaces, rtnl_addr_get_ifindex(a));
	char buf[INET6_ADDRSTRLEN + 8];

	if (iface == NULL)
		return;
	cJSON_AddItemToArray(cJSON_GetObjectItem(iface, "addresses"),
	    cJSON_CreateString(kn_addr_str(rtnl_addr_get_local(a), buf, sizeof(buf), true)));
}

static const char *
kn_route_dst(struct rtnl_route *r, char *buf, size_t len)
{
	struct nl_addr *dst = rtnl_route_get_dst(r);

	if (dst == NULL || nl_addr_get_prefixlen(dst) == 0)
		return "default";
	if (nl_addr_get_len(dst) == 0) {
		snprintf(buf, len, "%s/%u", rtnl_route_get_family(r) == AF_INET6 ? "::" : "0.0.0.0",
		    nl_addr_get_prefixlen(dst));
		return buf;
	}
	return kn_addr_str(dst, buf, len, true);
}

/* libnl knows the protocols of its rt_protos file; name the routing daemons' too. */
static const char *
kn_proto_name(int proto, char *buf, size_t len)
{
	static const struct {
		int proto;
		const char *name;
	} names[] = {
		{ 11, "zebra" },
		{ 12, "bird" },
		{ 42, "babel" },
		{ 186, "bgp" },
		{ 187, "isis" },
		{ 188, "ospf" },
		{ 189, "rip" },
		{ 192, "eigrp" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].proto == proto) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	}
	return rtnl_route_proto2str(proto, buf, len);
}

static void
kn_dump_route(struct nl_object *obj, void *arg)
{
	struct kn_dump_ctx *c = arg;
	struct rtnl_route *r = (struct rtnl_route *)obj;
	char buf[INET6_ADDRSTRLEN + 8], name[IFNAMSIZ];
	cJSON *o, *hops;
	int n;

	if (rtnl_route_get_table(r) != RT_TABLE_MAIN)
		return;
	if (rtnl_route_get_family(r) == AF_INET6 && rtnl_route_get_protocol(r) == RTPROT_KERNEL &&
	    rtnl_route_get_dst(r) != NULL && nl_addr_get_len(rtnl_route_get_dst(r)) == 16 &&
	    ((const uint8_t *)nl_addr_get_binary_addr(rtnl_route_get_dst(r)))[0] == 0xfe &&
	    (((const uint8_t *)nl_addr_get_binary_addr(rtnl_route_get_dst(r)))[1] & 0xc0) == 0x80)
		return; /* fe80::/64 on every interface */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "dst", kn_route_dst(r, buf, sizeof(buf)));
	cJSON_AddStringToObject(o, "family",
	    rtnl_route_get_family(r) == AF_INET6 ? "ipv6" : "ipv4");
	cJSON_AddStringToObject(o, "protocol",
	    kn_proto_name(rtnl_route_get_protocol(r), name, sizeof(name)));
	cJSON_AddNumberToObject(o, "metric", rtnl_route_get_priority(r));
	if (rtnl_route_get_pref_src(r) != NULL)
		cJSON_AddStringToObject(o, "src",
		    kn_addr_str(rtnl_route_get_pref_src(r), buf, sizeof(buf), false));
	hops = cJSON_AddArrayToObject(o, "nexthops");
	n = rtnl_route_get_nnexthops(r);
	for (int i = 0; i < n; i++) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, i);
		cJSON *h = cJSON_CreateObject();

		if (rtnl_route_nh_get_gateway(nh) != NULL)
			cJSON_AddStringToObject(h, "via",
			    kn_addr_str(rtnl_route_nh_get_gateway(nh), buf, sizeof(buf), false));
		cJSON_AddStringToObject(h, "dev",
		    rtnl_link_i2name(c->links, rtnl_route_nh_get_ifindex(nh), name, sizeof(name)));
		if (n > 1)
			cJSON_AddNumberToObject(h, "weight", rtnl_route_nh_get_weight(nh) + 1);
		if (rtnl_route_nh_get_flags(nh) & RTNH_F_LINKDOWN)
			cJSON_AddBoolToObject(h, "linkdown", true);
		cJSON_AddItemToArray(hops, h);
	}
	cJSON_AddItemToArray(c->routes, o);
}

int
kn_dump(struct kn_ns *ns, cJSON *ifaces, cJSON *routes)
{
	struct kn_dump_ctx c = { ifaces, routes, NULL };
	struct nl_cache *addrs = NULL, *rts = NULL;
	int err;

	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	err = kn_errno(rtnl_link_alloc_cache(ns->sk, AF_UNSPEC, &c.links));
	if (err < 0)
		return err;
	nl_cache_foreach(c.links, kn_dump_link, &c);
	err = kn_errno(rtnl_addr_alloc_cache(ns->sk, &addrs));
	if (err < 0)
		goto out;
	nl_cache_foreach(addrs, kn_dump_addr, &c);
	err = kn_errno(rtnl_route_alloc_cache(ns->sk, AF_UNSPEC, 0, &rts));
	if (err < 0)
		goto out;
	nl_cache_foreach(rts, kn_dump_route, &c);
out:
	if (rts != NULL)
		nl_cache_free(rts);
	if (addrs != NULL)
		nl_cache_free(addrs);
	nl_cache_free(c.links);
	return err;
}

/* ---- reading a route's next hops; libnl errors as errno ---- */

int
kn_route_nexthops(struct kn_ns *ns, const struct prefix *p, int *count)
{
	size_t alen = ipaddr_size(p->addr.family);
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	int err;

	*count = -1;
	err = kn_ns_connect(ns);
	if (err < 0)
		return err;
	err = rtnl_route_alloc_cache(ns->sk, p->addr.family, 0, &cache);
	if (err < 0)
		return kn_errno(err);
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *rt = (struct rtnl_route *)obj;
		struct nl_addr *dst = rtnl_route_get_dst(rt);

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || dst == NULL ||
		    nl_addr_get_prefixlen(dst) != p->len || nl_addr_get_len(dst) != alen ||
		    memcmp(nl_addr_get_binary_addr(dst), p->addr.bytes, alen) != 0)
			continue;
		*count = rtnl_route_get_nnexthops(rt);
		break;
	}
	nl_cache_free(cache);
	return 0;
}
