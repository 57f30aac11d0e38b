/*
 * A lab's life (lab.h): up builds a topology into namespaces, links,
 * addresses, routes, sysctls, resolver files and daemons, recording each
 * object in /run/anylab/LAB/record before making it; down removes exactly
 * what the record names; status reads it all back from the kernel; link
 * takes an adapter or its far side down and up, restoring what Linux drops.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/if_addr.h>

#include "anylab.h"
#include "capture.h"
#include "daemon.h"
#include "kind.h"
#include "lab.h"
#include "log.h"
#include "netlink.h"
#include "netns.h"
#include "state.h"


/* Interfaces get fixed indexes in their fresh namespace: lo is 1, then these. */
#define LAB_IFINDEX_BASE	2

struct lab_build {
	struct topology		*t;
	const char		*lab;
	struct state		 st;
	struct kn_ns		 sw;		/* fd -1 when the lab has no LAN */
	struct kn_ns		*nodes;		/* one per topology node */
	struct lab_up_result	*res;
	int			 next_port_index;
	bool			 warned_seed;
	bool			 warned_v6;
	char			 base_dir[ANYLAB_PATH_MAX];	/* the topology's */
};

static volatile sig_atomic_t lab_interrupted;

static int	lab_sysctl(struct lab_build *, struct kn_ns *, const char *path, const char *value);

static void
lab_on_signal(int sig)
{
	lab_interrupted = sig;
}

const char *
lab_ns_name(const char *lab, const char *node, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", lab, node);
	return buf;
}

const char *
lab_switch_ns_name(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "%s.sw", lab);
	return buf;
}

const char *
lab_port_name(const struct topology *t, size_t l, size_t m, char *buf, size_t len)
{
	char name[64];
	int n = snprintf(name, sizeof(name), "%s.%zu", t->links[l].name, m);

	if (n < 0 || n >= IFNAMSIZ)
		snprintf(name, sizeof(name), "l%zu.%zu", l, m);
	snprintf(buf, len, "%s", name);
	return buf;
}

const char *
lab_node_dir(const char *lab, const char *node, char *buf, size_t len)
{
	return state_node_dir(lab, node, buf, len);
}

static bool
lab_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TOPO_LAB_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '-' || c == '_'))
			continue;
		return false;
	}
	return true;
}

int
lab_resolve(const char *name, char *out, size_t len)
{
	char **names;
	size_t count;
	int err;

	if (name != NULL) {
		if (!lab_name_valid(name)) {
			emu_err("%s: not a lab name", name);
			return EXIT_NOLAB;
		}
		if (!state_exists(name)) {
			emu_err("lab %s is not up (no %s/%s)", name, emu_run_dir(), name);
			return EXIT_NOLAB;
		}
		snprintf(out, len, "%s", name);
		return 0;
	}
	err = state_list(&names, &count);
	if (err < 0) {
		emu_err("%s: %s", emu_run_dir(), strerror(-err));
		return EXIT_FAIL;
	}
	if (count == 1) {
		snprintf(out, len, "%s", names[0]);
		state_list_free(names, count);
		return 0;
	}
	if (count == 0) {
		emu_err("no lab is up");
	} else {
		fprintf(stderr, "anylab: %zu labs are up (", count);
		for (size_t i = 0; i < count; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", names[i]);
		fprintf(stderr, "): name one\n");
	}
	state_list_free(names, count);
	return EXIT_NOLAB;
}

int
lab_topology(const char *lab, struct topology **t)
{
	char path[ANYLAB_PATH_MAX + 32], dir[ANYLAB_PATH_MAX];
	struct cfg_errors errs;

	snprintf(path, sizeof(path), "%s/topology.json", state_lab_dir(lab, dir, sizeof(dir)));
	if (topo_load(path, t, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		emu_err("lab %s: cannot read back its topology", lab);
		return EXIT_FAIL;
	}
	return 0;
}

int
lab_check_sections(const struct topology *t, struct cfg_errors *errs)
{
	cfg_errors_init(errs, t->file);
	/* Each daemon's kind: its name, its own checks, anylab's daemons' parsers. */
	return kind_check_topology(t, errs);
}

/* ---- up ---- */

static int
lab_iface_index(const struct topo_node *n, const struct topo_iface *i)
{
	return LAB_IFINDEX_BASE + (int)(i - n->ifaces);
}

/*
 * Zone files named relative to the topology's directory are named absolute
 * in the record's copy, so a daemon restarted from the record (a scenario's
 * start step) reads the same files.
 */
static void
lab_absolute_zone_files(cJSON *root, const char *base)
{
	const cJSON *node, *zone;

	cJSON_ArrayForEach(node, cJSON_GetObjectItem(root, "nodes")) {
		const cJSON *dns = cJSON_GetObjectItem(node, "dns");

		cJSON_ArrayForEach(zone, cJSON_GetObjectItem(dns, "zones")) {
			cJSON *file = cJSON_GetObjectItem(zone, "file");
			char abs[ANYLAB_PATH_MAX * 2];

			if (!cJSON_IsString(file) || file->valuestring[0] == '/')
				continue;
			snprintf(abs, sizeof(abs), "%s/%s", base, file->valuestring);
			cJSON_ReplaceItemInObject((cJSON *)zone, "file", cJSON_CreateString(abs));
		}
	}
}

static int
lab_copy_topology(struct lab_build *b)
{
	char path[ANYLAB_PATH_MAX + 32];
	cJSON *copy;
	char *text;
	FILE *f;
	int err = 0;

	copy = cJSON_Duplicate(b->t->root, 1);
	if (copy == NULL)
		return -ENOMEM;
	/* The record's copy carries the lab's actual name (up --name). */
	if (cJSON_GetObjectItem(copy, "name") != NULL)
		cJSON_ReplaceItemInObject(copy, "name", cJSON_CreateString(b->lab));
	lab_absolute_zone_files(copy, b->base_dir);
	text = cJSON_Print(copy);
	cJSON_Delete(copy);
	if (text == NULL)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/topology.json", b->st.dir);
	f = fopen(path, "we");
	if (f == NULL) {
		err = -errno;
	} else {
		if (fputs(text, f) == EOF || fputc('\n', f) == EOF)
			err = -EIO;
		if (fclose(f) != 0 && err == 0)
			err = -errno;
	}
	free(text);
	return err;
}

static int
lab_make_ns(struct lab_build *b, const char *name, struct kn_ns *ns)
{
	int fd, err;

	err = state_add_netns(&b->st, name);
	if (err < 0) {
		emu_err("%s/record: %s", b->st.dir, strerror(-err));
		return EXIT_FAIL;
	}
	err = netns_create(name, &fd);
	if (err == -EEXIST) {
		state_cancel_netns(&b->st, name);
		emu_err("namespace %s already exists and is not this lab's", name);
		return EXIT_EXISTS;
	}
	if (err < 0) {
		emu_err("creating namespace %s: %s", name, strerror(-err));
		return EXIT_FAIL;
	}
	b->res->namespaces++;
	err = kn_ns_open_fd(ns, name, fd);
	if (err < 0) {
		close(fd);
		ns->fd = -1;
		emu_err("%s: netlink socket: %s", name, kn_strerror(err));
		return EXIT_FAIL;
	}
	return 0;
}

static int
lab_make_namespaces(struct lab_build *b)
{
	struct topology *t = b->t;
	char name[LAB_NS_MAX];
	bool lan = false;
	int rc;

	for (size_t l = 0; l < t->nlinks; l++)
		lan |= t->links[l].lan;
	if (lan) {
		rc = lab_make_ns(b, lab_switch_ns_name(b->lab, name, sizeof(name)), &b->sw);
		if (rc != 0)
			return rc;
		/* The switch is layer 2 only: no IPv6 link-local chatter from its ports. */
		if (lab_sysctl(b, &b->sw, "net/ipv6/conf/default/disable_ipv6", "1") != 0 ||
		    lab_sysctl(b, &b->sw, "net/ipv6/conf/all/disable_ipv6", "1") != 0)
			return EXIT_FAIL;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		if (lab_interrupted)
			return EXIT_FAIL;
		rc = lab_make_ns(b, lab_ns_name(b->lab, t->nodes[i].name, name, sizeof(name)),
		    &b->nodes[i]);
		if (rc != 0)
			return rc;
		emu_progress("namespaces", i + 1, t->nnodes);
	}
	return 0;
}

static void
lab_end_of(const struct topo_endpoint *e, int nsfd, struct kn_end *k)
{
	memset(k, 0, sizeof(*k));
	k->name = e->iface->name;
	k->nsfd = nsfd;
	k->ifindex = lab_iface_index(e->node, e->iface);
	k->mtu = e->iface->mtu;
	k->mac = e->iface->has_mac ? e->iface->mac : NULL;
}

static size_t
lab_node_index(const struct lab_build *b, const struct topo_node *n)
{
	return (size_t)(n - b->t->nodes);
}

static int
lab_record_link(struct lab_build *b, const char *ns, const char *ifname)
{
	int err = state_add_link(&b->st, ns, ifname);

	if (err < 0)
		emu_err("%s/record: %s", b->st.dir, strerror(-err));
	return err < 0 ? EXIT_FAIL : 0;
}

static int
lab_make_lan(struct lab_build *b, size_t l)
{
	struct topo_link *link = &b->t->links[l];
	int bridge = LAB_IFINDEX_BASE + (int)l, err;
	char port[IFNAMSIZ];

	if (lab_record_link(b, b->sw.name, link->name) != 0)
		return EXIT_FAIL;
	err = kn_bridge_add(&b->sw, link->name, bridge);
	if (err < 0) {
		emu_err("%s: bridge %s: %s", b->sw.name, link->name, kn_strerror(err));
		return EXIT_FAIL;
	}
	b->res->bridges++;
	for (size_t m = 0; m < link->nends; m++) {
		struct topo_endpoint *e = &link->ends[m];
		struct kn_ns *node = &b->nodes[lab_node_index(b, e->node)];
		struct kn_end sw_end, node_end;

		lab_port_name(b->t, l, m, port, sizeof(port));
		lab_end_of(e, node->fd, &node_end);
		memset(&sw_end, 0, sizeof(sw_end));
		sw_end.name = port;
		sw_end.nsfd = b->sw.fd;
		sw_end.ifindex = b->next_port_index++;
		sw_end.mtu = e->iface->mtu;
		sw_end.master = bridge;
		if (lab_record_link(b, b->sw.name, port) != 0 ||
		    lab_record_link(b, node->name, e->iface->name) != 0)
			return EXIT_FAIL;
		err = kn_veth_add(&b->sw, &sw_end, &node_end);
		if (err < 0) {
			emu_err("link %s: veth %s:%s - %s: %s", link->name, node->name,
			    e->iface->name, port, kn_strerror(err));
			return EXIT_FAIL;
		}
		b->res->links++;
	}
	return 0;
}

static int
lab_make_p2p(struct lab_build *b, size_t l)
{
	struct topo_link *link = &b->t->links[l];
	struct kn_ns *na = &b->nodes[lab_node_index(b, link->ends[0].node)];
	struct kn_ns *nb = &b->nodes[lab_node_index(b, link->ends[1].node)];
	struct kn_end a, z;
	int err;

	lab_end_of(&link->ends[0], na->fd, &a);
	lab_end_of(&link->ends[1], nb->fd, &z);
	if (lab_record_link(b, na->name, a.name) != 0 || lab_record_link(b, nb->name, z.name) != 0)
		return EXIT_FAIL;
	err = kn_veth_add(na, &a, &z);
	if (err < 0) {
		emu_err("link %s: veth %s:%s - %s:%s: %s", link->name, na->name, a.name, nb->name,
		    z.name, kn_strerror(err));
		return EXIT_FAIL;
	}
	b->res->links++;
	return 0;
}

static int
lab_make_links(struct lab_build *b)
{
	struct topology *t = b->t;
	int rc;

	b->next_port_index = LAB_IFINDEX_BASE + (int)t->nlinks;
	for (size_t l = 0; l < t->nlinks; l++) {
		if (lab_interrupted)
			return EXIT_FAIL;
		if (t->links[l].nends < 2)
			continue;
		rc = t->links[l].lan ? lab_make_lan(b, l) : lab_make_p2p(b, l);
		if (rc != 0)
			return rc;
		emu_progress("links", l + 1, t->nlinks);
	}
	return 0;
}

static int
lab_sysctl(struct lab_build *b, struct kn_ns *ns, const char *path, const char *value)
{
	int err = kn_sysctl_write(ns->fd, path, value);

	if (err == -ENOENT && strncmp(path, "net/ipv6/", 9) == 0) {
		if (!b->warned_v6)
			emu_err("warning: %s: no /proc/sys/%s (IPv6 disabled?): skipped", ns->name,
			    path);
		b->warned_v6 = true;
		return 0;
	}
	if (err < 0) {
		emu_err("%s: /proc/sys/%s = %s: %s", ns->name, path, value, strerror(-err));
		return EXIT_FAIL;
	}
	return 0;
}

static int
lab_node_sysctls(struct lab_build *b, const struct topo_node *n, struct kn_ns *ns)
{
	char v[32];
	int err;

	if (n->forwarding) {
		if (lab_sysctl(b, ns, "net/ipv4/ip_forward", "1") != 0 ||
		    lab_sysctl(b, ns, "net/ipv6/conf/all/forwarding", "1") != 0)
			return EXIT_FAIL;
	}
	if (n->hash_policy >= 0) {
		snprintf(v, sizeof(v), "%d", n->hash_policy);
		if (lab_sysctl(b, ns, "net/ipv4/fib_multipath_hash_policy", v) != 0 ||
		    lab_sysctl(b, ns, "net/ipv6/fib_multipath_hash_policy", v) != 0)
			return EXIT_FAIL;
	}
	if (n->has_hash_seed) {
		snprintf(v, sizeof(v), "%u", n->hash_seed);
		err = kn_sysctl_write(ns->fd, "net/ipv4/fib_multipath_hash_seed", v);
		if (err == -ENOENT) {
			if (!b->warned_seed)
				emu_err("warning: this kernel has no "
				    "net.ipv4.fib_multipath_hash_seed (Linux 6.11 and later): "
				    "hash seeds are not set, the client-to-server mapping may "
				    "differ from run to run");
			b->warned_seed = true;
		} else if (err < 0) {
			emu_err("%s: fib_multipath_hash_seed = %s: %s", ns->name, v,
			    strerror(-err));
			return EXIT_FAIL;
		}
	}
	return 0;
}

static int
lab_write_resolv(struct lab_build *b, const struct topo_node *n, const char *nsname)
{
	char dir[ANYLAB_PATH_MAX], path[ANYLAB_PATH_MAX + 16], a[IPADDR_STRLEN];
	FILE *f;
	int err;

	if (n->nresolvers == 0)
		return 0;
	err = state_add_etc(&b->st, nsname);
	if (err < 0) {
		emu_err("%s/record: %s", b->st.dir, strerror(-err));
		return EXIT_FAIL;
	}
	snprintf(dir, sizeof(dir), "%s/%s", ANYLAB_ETC_NETNS_DIR, nsname);
	if ((mkdir(ANYLAB_ETC_NETNS_DIR, 0755) < 0 && errno != EEXIST) || mkdir(dir, 0755) < 0) {
		emu_err("%s: %s", dir, strerror(errno));
		return EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	f = fopen(path, "we");
	if (f == NULL) {
		emu_err("%s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	fprintf(f, "# written by anylab for node %s of lab %s\n", n->name, b->lab);
	for (size_t i = 0; i < n->nresolvers; i++)
		fprintf(f, "nameserver %s\n", ipaddr_ntop(&n->resolvers[i], a, sizeof(a)));
	if (fclose(f) != 0) {
		emu_err("%s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}

static int
lab_route_ifindex(const struct topo_node *n, const struct topo_route *r)
{
	for (size_t j = 0; r->dev[0] != '\0' && j < n->nifaces; j++) {
		if (strcmp(n->ifaces[j].name, r->dev) == 0)
			return lab_iface_index(n, &n->ifaces[j]);
	}
	return r->dev[0] != '\0' && strcmp(r->dev, "lo") == 0 ? 1 : 0;
}

static int
lab_configure_node(struct lab_build *b, size_t i)
{
	const struct topo_node *n = &b->t->nodes[i];
	struct kn_ns *ns = &b->nodes[i];
	char p[PREFIX_STRLEN];
	int err;

	err = kn_link_set_up(ns, 1, true);
	if (err < 0) {
		emu_err("%s: lo up: %s", ns->name, kn_strerror(err));
		return EXIT_FAIL;
	}
	for (size_t j = 0; j < n->nifaces; j++) {
		const struct topo_iface *ifc = &n->ifaces[j];

		if (ifc->link == NULL)
			continue;
		/* The peer end of its pair (every LAN member) is still down. */
		if (ifc->link->lan || ifc->link->ends[0].iface != ifc) {
			err = kn_link_set_up(ns, lab_iface_index(n, ifc), true);
			if (err < 0) {
				emu_err("%s: %s up: %s", ns->name, ifc->name, kn_strerror(err));
				return EXIT_FAIL;
			}
		}
		for (size_t k = 0; k < ifc->naddrs; k++) {
			err = kn_addr_add(ns, lab_iface_index(n, ifc), &ifc->addrs[k], false);
			if (err < 0) {
				emu_err("%s: address %s on %s: %s", ns->name,
				    prefix_ntop(&ifc->addrs[k], p, sizeof(p)), ifc->name,
				    kn_strerror(err));
				return EXIT_FAIL;
			}
		}
	}
	/* Anycast addresses: on lo, /32 or /128, never chosen as a source (see docs). */
	for (size_t k = 0; k < n->nloopback; k++) {
		/* IPv6 would add a redundant fd99::1/128-style prefix route on lo: none. */
		err = kn_addr_add_flags(ns, 1, &n->loopback[k], false,
		    n->loopback[k].addr.family == AF_INET6 ? IFA_F_NOPREFIXROUTE : 0);
		if (err < 0) {
			emu_err("%s: address %s on lo: %s", ns->name,
			    prefix_ntop(&n->loopback[k], p, sizeof(p)), kn_strerror(err));
			return EXIT_FAIL;
		}
	}
	for (size_t k = 0; k < n->nroutes; k++) {
		err = kn_route_add(ns, &n->routes[k], lab_route_ifindex(n, &n->routes[k]), false);
		if (err < 0) {
			emu_err("%s: route %s: %s", ns->name,
			    prefix_ntop(&n->routes[k].dst, p, sizeof(p)), kn_strerror(err));
			return EXIT_FAIL;
		}
	}
	if (lab_node_sysctls(b, n, ns) != 0)
		return EXIT_FAIL;
	return lab_write_resolv(b, n, ns->name);
}

static int
lab_make_node_dirs(struct lab_build *b)
{
	char dir[ANYLAB_PATH_MAX];

	/* Nodes without daemons get theirs on demand (lab_node_dir_make). */
	for (size_t i = 0; i < b->t->nnodes; i++) {
		const struct topo_node *n = &b->t->nodes[i];

		if (n->bgp == NULL && n->dns == NULL && n->services == NULL)
			continue;
		state_node_dir(b->lab, b->t->nodes[i].name, dir, sizeof(dir));
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			emu_err("%s: %s", dir, strerror(errno));
			return EXIT_FAIL;
		}
	}
	return 0;
}

struct lab_capture_rec {
	struct lab_build	*b;
	const char		*node;
};

/* Called by capture_start between fork and the child's start. */
static int
lab_record_capture(pid_t pid, void *arg)
{
	struct lab_capture_rec *r = arg;
	int err = state_add_capture(&r->b->st, r->node, pid, state_proc_starttime(pid));

	if (err < 0)
		emu_err("%s/record: %s", r->b->st.dir, strerror(-err));
	return err;
}

/*
 * up --capture DIR: one capture child per node, writing each of its
 * interfaces to DIR/LAB-NODE-IFACE.pcap, recorded before it starts, running
 * until down. Its own messages go to nodes/NODE/capture.out.
 */
static int
lab_start_captures(struct lab_build *b, const char *dir)
{
	struct topology *t = b->t;
	char out[ANYLAB_PATH_MAX + 16], ndir[ANYLAB_PATH_MAX], err[512];
	struct capture_target *tg;
	struct lab_capture_rec rec = { .b = b };
	struct capture_opts o = {
		.detach = true, .output = out, .record = lab_record_capture, .record_arg = &rec,
	};
	pid_t pid;
	int n, e;

	for (size_t i = 0; i < t->nnodes; i++) {
		if (lab_interrupted)
			return EXIT_FAIL;
		n = capture_targets_node(b->lab, &t->nodes[i], dir, &tg, err, sizeof(err));
		if (n < 0) {
			emu_err("%s: %s", t->nodes[i].name, err);
			return EXIT_FAIL;
		}
		if (n == 0) {
			free(tg);
			continue;
		}
		e = lab_node_dir_make(b->lab, t->nodes[i].name, ndir, sizeof(ndir));
		if (e < 0) {
			emu_err("%s: %s", ndir, strerror(-e));
			free(tg);
			return EXIT_FAIL;
		}
		snprintf(out, sizeof(out), "%s/capture.out", ndir);
		rec.node = t->nodes[i].name;
		pid = capture_start(tg, (size_t)n, &o, err, sizeof(err));
		free(tg);
		if (pid < 0) {
			emu_err("%s: %s", t->nodes[i].name, err);
			return EXIT_FAIL;
		}
		b->res->captures += (size_t)n;
		emu_progress("nodes captured", i + 1, t->nnodes);
	}
	return 0;
}

/* One daemon of the lab being started: what it is and its main process. */
struct lab_daemon {
	struct kind_node	 k;
	size_t			 node;	/* index in t->nodes */
	pid_t			 pid;
};

/* Every daemon of every node, in start order. *count set; NULL when there are none. */
static struct lab_daemon *
lab_daemons(struct lab_build *b, size_t *count)
{
	struct topology *t = b->t;
	struct lab_daemon *d = NULL;
	struct kind_node ks[TOPO_SERVICES_MAX + 2];
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		size_t nk = kind_node_all(b->lab, t, &t->nodes[i], ks, sizeof(ks) / sizeof(ks[0]));

		for (size_t k = 0; k < nk; k++) {
			if (n == cap) {
				struct lab_daemon *nd;

				cap = cap ? 2 * cap : 16;
				nd = realloc(d, cap * sizeof(*d));
				if (nd == NULL) {
					free(d);
					emu_err("out of memory");
					abort();
				}
				d = nd;
			}
			d[n].k = ks[k];
			d[n].node = i;
			d[n].pid = 0;
			n++;
		}
	}
	*count = n;
	return d;
}

static int
lab_start_daemons(struct lab_build *b, int timeout_ms)
{
	struct topology *t = b->t;
	struct lab_daemon *d;
	char msg[KIND_MSG_MAX];
	size_t total, started = 0;
	int err, rc = 0;

	d = lab_daemons(b, &total);
	if (total == 0)
		return 0;
	/* Start them all, then wait for each: they come up in parallel. */
	for (size_t i = 0; i < total && rc == 0; i++) {
		err = daemon_start(&b->st, &d[i].k, b->nodes[d[i].node].fd, &d[i].pid, msg,
		    sizeof(msg));
		if (err < 0) {
			emu_err("%s: %s (kind %s): %s", t->nodes[d[i].node].name, d[i].k.service,
			    d[i].k.kind->name, msg);
			rc = EXIT_DAEMON;
			break;
		}
		b->res->daemons++;
	}
	for (size_t i = 0; i < total && rc == 0; i++) {
		const char *node = t->nodes[d[i].node].name;

		if (d[i].pid == 0)
			continue;
		if (lab_interrupted) {
			rc = EXIT_FAIL;
			break;
		}
		err = daemon_wait_ready(&d[i].k, d[i].pid, timeout_ms);
		if (err == -ECHILD)
			emu_err("%s: %s (kind %s) exited at start", node, d[i].k.service,
			    d[i].k.kind->name);
		else if (err == -ETIMEDOUT)
			emu_err("%s: %s (kind %s) was not ready within %d ms", node,
			    d[i].k.service, d[i].k.kind->name, timeout_ms);
		else if (err < 0)
			emu_err("%s: %s (kind %s) will not be ready: %s", node, d[i].k.service,
			    d[i].k.kind->name, emu_strerror(err));
		if (err < 0) {
			/* The rollback removes its files: show them now. */
			daemon_show_files(&d[i].k);
			rc = EXIT_DAEMON;
		}
		emu_progress("daemons ready", ++started, total);
	}
	free(d);
	return rc;
}

/*
 * Wait until the lab has converged: every speaker has all its sessions
 * established, no work pending, and its count of kernel routes has not
 * changed for LAB_STABLE_US (the last UPDATEs have been applied). A lab that
 * does not converge in time is still up: a warning names what is missing.
 */
#define LAB_STABLE_US	500000

static void
lab_wait_converged(struct lab_build *b, int timeout_ms)
{
	struct topology *t = b->t;
	struct kind_bgp_progress now;
	struct kind_node *ks;
	unsigned long long *routes;
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000, *since;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	size_t speakers = 0, done;

	ks = emu_calloc(t->nnodes, sizeof(*ks));
	for (size_t i = 0; i < t->nnodes; i++) {
		if (kind_node_get(b->lab, t, &t->nodes[i], "bgp", &ks[i]) == 0 &&
		    ks[i].kind->bgp_progress != NULL)
			speakers++;
		else
			ks[i].kind = NULL;
	}
	routes = emu_calloc(t->nnodes, sizeof(*routes));
	since = emu_calloc(t->nnodes, sizeof(*since));
	for (; speakers > 0;) {
		done = 0;
		for (size_t i = 0; i < t->nnodes; i++) {
			if (ks[i].kind == NULL)
				continue;
			if (ks[i].kind->bgp_progress(&ks[i], &now) < 0 ||
			    now.established < now.peers || now.pending) {
				since[i] = 0;
				continue;
			}
			if (since[i] == 0 || routes[i] != now.kernel_routes) {
				since[i] = emu_now_us();
				routes[i] = now.kernel_routes;
			}
			if (emu_now_us() - since[i] >= LAB_STABLE_US)
				done++;
		}
		emu_progress("BGP speakers converged", done, speakers);
		if (done == speakers || lab_interrupted)
			break;
		if (emu_now_us() >= deadline) {
			emu_progress_end();
			for (size_t i = 0; i < t->nnodes; i++) {
				if (ks[i].kind == NULL)
					continue;
				if (ks[i].kind->bgp_progress(&ks[i], &now) == 0 &&
				    now.established == now.peers && !now.pending)
					continue;
				emu_err("warning: %s: %u of %u BGP sessions established after %d ms%s "
				    "(kind %s)", t->nodes[i].name, now.established, now.peers,
				    timeout_ms, now.pending ? ", routes still being processed" : "",
				    ks[i].kind->name);
			}
			break;
		}
		nanosleep(&pause, NULL);
	}
	free(ks);
	free(routes);
	free(since);
}

static int
lab_precheck(const struct topology *t, const char *lab)
{
	char name[LAB_NS_MAX], path[ANYLAB_PATH_MAX];
	bool lan = false;

	if (state_exists(lab)) {
		emu_err("lab %s is already up (record in %s/%s); `anylab down %s` first", lab,
		    emu_run_dir(), lab, lab);
		return EXIT_EXISTS;
	}
	for (size_t l = 0; l < t->nlinks; l++)
		lan |= t->links[l].lan;
	if (lan && netns_exists(lab_switch_ns_name(lab, name, sizeof(name)))) {
		emu_err("namespace %s already exists and is not part of a lab record", name);
		return EXIT_EXISTS;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		lab_ns_name(lab, t->nodes[i].name, name, sizeof(name));
		if (netns_exists(name)) {
			emu_err("namespace %s already exists and is not part of a lab record", name);
			return EXIT_EXISTS;
		}
		snprintf(path, sizeof(path), "%s/%s", ANYLAB_ETC_NETNS_DIR, name);
		if (t->nodes[i].nresolvers > 0 && access(path, F_OK) == 0) {
			emu_err("%s already exists and is not part of a lab record", path);
			return EXIT_EXISTS;
		}
	}
	return 0;
}

static void
lab_raise_nofile(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int
lab_build(struct lab_build *b, const struct lab_up_opts *o)
{
	int rc, err;

	err = lab_copy_topology(b);
	if (err < 0) {
		emu_err("%s/topology.json: %s", b->st.dir, strerror(-err));
		return EXIT_FAIL;
	}
	err = netns_prepare();
	if (err < 0) {
		emu_err("%s: making it a shared mount point: %s", ANYLAB_NETNS_DIR, strerror(-err));
		return EXIT_FAIL;
	}
	rc = lab_make_namespaces(b);
	if (rc == 0)
		rc = lab_make_links(b);
	for (size_t i = 0; rc == 0 && i < b->t->nnodes; i++) {
		if (lab_interrupted)
			rc = EXIT_FAIL;
		else
			rc = lab_configure_node(b, i);
		emu_progress("nodes configured", i + 1, b->t->nnodes);
	}
	b->res->network_us = emu_now_us() - b->res->elapsed_us;
	/* Before the daemons, so that their first packets are in the files. */
	if (rc == 0 && o->capture_dir != NULL)
		rc = lab_start_captures(b, o->capture_dir);
	if (rc == 0 && !o->no_daemons)
		rc = lab_make_node_dirs(b);
	if (rc == 0 && !o->no_daemons)
		rc = lab_start_daemons(b, o->daemon_timeout_ms > 0 ? o->daemon_timeout_ms : 10000);
	if (rc == 0 && !o->no_daemons && !o->no_wait)
		lab_wait_converged(b, o->converge_timeout_ms > 0 ? o->converge_timeout_ms : 30000);
	if (rc == 0 && lab_interrupted)
		rc = EXIT_FAIL;
	if (rc == 0 && state_mark_complete(&b->st) < 0)
		rc = EXIT_FAIL;
	return rc;
}

int
lab_up(struct topology *t, const struct lab_up_opts *o, struct lab_up_result *res)
{
	struct lab_build b = { .t = t };

	emu_file_dir(t->file, b.base_dir, sizeof(b.base_dir));
	kind_absolute_configs(t, b.base_dir);	/* the record's copy is read from elsewhere */
	struct sigaction sa, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	char msg[KIND_MSG_MAX];
	int rc, err;

	memset(res, 0, sizeof(*res));
	res->elapsed_us = emu_now_us();
	b.res = res;
	b.lab = o->name != NULL ? o->name : t->name;
	b.sw.fd = -1;
	if (!lab_name_valid(b.lab)) {
		emu_err("%s: a lab name is 1 to %d characters [a-z0-9_-], starting with a letter "
		    "or digit", b.lab, TOPO_LAB_NAME_MAX);
		return EXIT_USAGE;
	}
	if (!o->no_daemons && kind_check_programs(t, msg, sizeof(msg)) < 0) {
		emu_err("%s (or use --no-daemons)", msg);
		return EXIT_MISSING;
	}
	if (geteuid() != 0) {
		emu_err("up needs root (namespaces, mounts under %s)", ANYLAB_NETNS_DIR);
		return EXIT_NOPRIV;
	}
	rc = lab_precheck(t, b.lab);
	if (rc != 0)
		return rc;
	err = state_create(b.lab, &b.st);
	if (err == -EEXIST) {
		emu_err("lab %s is already up", b.lab);
		return EXIT_EXISTS;
	}
	if (err < 0) {
		emu_err("%s: %s", b.st.dir, strerror(-err));
		state_close(&b.st);
		state_remove(b.lab);
		return EXIT_FAIL;
	}
	b.nodes = calloc(t->nnodes ? t->nnodes : 1, sizeof(*b.nodes));
	if (b.nodes == NULL) {
		state_close(&b.st);
		lab_down(b.lab, true);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < t->nnodes; i++)
		b.nodes[i].fd = -1;
	lab_raise_nofile(2 * t->nnodes + 64);

	lab_interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lab_on_signal;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);

	emu_progress_enable(!o->quiet);
	rc = lab_build(&b, o);
	emu_progress_end();
	if (lab_interrupted && rc != 0)
		emu_err("interrupted by signal %d", (int)lab_interrupted);

	for (size_t i = 0; i < t->nnodes; i++)
		kn_ns_close(&b.nodes[i]);
	free(b.nodes);
	kn_ns_close(&b.sw);
	state_close(&b.st);
	if (rc != 0) {
		emu_err("up failed: removing what was made of lab %s", b.lab);
		lab_down(b.lab, true);
	}
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	res->elapsed_us = emu_now_us() - res->elapsed_us;
	return rc;
}

/* ---- down ---- */

static int
lab_remove_etc(const char *name)
{
	char dir[ANYLAB_PATH_MAX], path[ANYLAB_PATH_MAX + 16];

	snprintf(dir, sizeof(dir), "%s/%s", ANYLAB_ETC_NETNS_DIR, name);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	if (rmdir(dir) < 0 && errno != ENOENT) {
		emu_err("warning: %s: %s (left in place: it holds files anylab did not write)", dir,
		    strerror(errno));
		return -errno;
	}
	return 0;
}

int
lab_down(const char *lab, bool quiet)
{
	struct state st;
	int err, rc = 0;

	if (!lab_name_valid(lab)) {
		emu_err("%s: not a lab name", lab);
		return EXIT_NOLAB;
	}
	err = state_open(lab, &st);
	if (err == -ENOENT) {
		if (!quiet)
			emu_err("lab %s is not up: nothing to remove", lab);
		return 0;
	}
	if (err < 0) {
		emu_err("%s/%s/record: %s", emu_run_dir(), lab, strerror(-err));
		return EXIT_FAIL;
	}
	daemon_stop_all(&st, 3000);
	/* Captures after the daemons: their last packets (BGP CEASE) are in the files. */
	daemon_stop_recorded(&st, STATE_CAPTURE, 3000);
	/*
	 * Namespaces in the order they were made: the kernel unmounts them about
	 * twice as fast that way as in reverse (measured with 1000, bench_lab.sh).
	 */
	for (size_t i = 0; i < st.nentries; i++) {
		struct state_entry *e = &st.entries[i];

		if (e->kind == STATE_NETNS && !e->cancelled) {
			err = netns_delete(e->name);
			if (err < 0) {
				emu_err("removing namespace %s: %s", e->name, strerror(-err));
				rc = EXIT_FAIL;
			}
		} else if (e->kind == STATE_ETC) {
			if (lab_remove_etc(e->name) < 0)
				rc = EXIT_FAIL;
		}
	}
	state_close(&st);
	if (rc == 0) {
		err = state_remove(lab);
		if (err < 0) {
			emu_err("removing %s/%s: %s", emu_run_dir(), lab, strerror(-err));
			rc = EXIT_FAIL;
		}
	}
	return rc;
}

/* ---- reaching a node ---- */

int
lab_node_dir_make(const char *lab, const char *node, char *buf, size_t len)
{
	state_node_dir(lab, node, buf, len);
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
lab_enter(const char *lab, const char *node)
{
	char name[LAB_NS_MAX];
	int fd, err;

	fd = netns_open(lab_ns_name(lab, node, name, sizeof(name)));
	if (fd < 0)
		return fd;
	err = netns_enter(fd);
	close(fd);
	return err;
}

int
lab_run_in(const char *lab, const char *node, int (*fn)(void *), void *arg)
{
	int self, err, r;

	self = netns_open_self();
	if (self < 0)
		return self;
	err = lab_enter(lab, node);
	if (err < 0) {
		close(self);
		return err;
	}
	r = fn(arg);
	if (netns_enter(self) < 0)
		fatal("cannot return to the original network namespace: %s", strerror(errno));
	close(self);
	return r;
}

int
lab_socket(const char *lab, const char *node, int domain, int type, int protocol)
{
	char name[LAB_NS_MAX];
	int fd, s;

	fd = netns_open(lab_ns_name(lab, node, name, sizeof(name)));
	if (fd < 0)
		return fd;
	s = netns_socket(fd, domain, type, protocol);
	close(fd);
	return s;
}

pid_t
lab_spawn(const char *lab, const char *node, char *const argv[])
{
	char name[LAB_NS_MAX];
	pid_t pid;
	int err;

	lab_ns_name(lab, node, name, sizeof(name));
	if (!netns_exists(name))
		return -ENOENT;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		return pid;
	err = netns_enter_exec(name);
	if (err < 0) {
		emu_err("entering %s: %s", name, strerror(-err));
		_exit(EXIT_EXEC_FAIL);
	}
	execvp(argv[0], argv);
	err = errno;
	emu_err("%s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? EXIT_EXEC_NOTFOUND : EXIT_EXEC_NOEXEC);
}

/* ---- status ---- */

static cJSON *
lab_status_ns(const char *nsname)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *ifaces, *routes;
	struct kn_ns ns;
	int err;

	cJSON_AddStringToObject(o, "netns", nsname);
	err = kn_ns_open(&ns, nsname);
	if (err < 0) {
		cJSON_AddStringToObject(o, "error", kn_strerror(err));
		return o;
	}
	ifaces = cJSON_AddArrayToObject(o, "interfaces");
	routes = cJSON_AddArrayToObject(o, "routes");
	err = kn_dump(&ns, ifaces, routes);
	if (err < 0)
		cJSON_AddStringToObject(o, "error", kn_strerror(err));
	kn_ns_close(&ns);
	return o;
}

cJSON *
lab_status(const char *lab)
{
	char name[LAB_NS_MAX], path[ANYLAB_PATH_MAX];
	struct topology *t = NULL;
	struct state st;
	cJSON *doc, *nodes, *n, *ds, *d;

	if (state_open(lab, &st) < 0)
		return NULL;
	if (lab_topology(lab, &t) != 0) {
		state_close(&st);
		return NULL;
	}
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "lab", lab);
	cJSON_AddStringToObject(doc, "state", st.complete ? "up" : "incomplete");
	cJSON_AddStringToObject(doc, "record", st.dir);
	nodes = cJSON_AddArrayToObject(doc, "nodes");
	for (size_t i = 0; i < t->nnodes; i++) {
		n = lab_status_ns(lab_ns_name(lab, t->nodes[i].name, name, sizeof(name)));
		cJSON_AddItemToObject(n, "name", cJSON_CreateString(t->nodes[i].name));
		ds = cJSON_AddArrayToObject(n, "daemons");
		for (size_t k = 0; k < st.nentries; k++) {
			struct state_entry *e = &st.entries[k];

			if (e->kind != STATE_DAEMON || strcmp(e->node, t->nodes[i].name) != 0)
				continue;
			d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "service", e->service);
			cJSON_AddNumberToObject(d, "pid", e->pid);
			cJSON_AddBoolToObject(d, "running", daemon_running(e));
			snprintf(path, sizeof(path), "%s/%s.ctl",
			    state_node_dir(lab, e->node, name, sizeof(name)), e->service);
			cJSON_AddStringToObject(d, "control", path);
			cJSON_AddItemToArray(ds, d);
		}
		ds = NULL;
		for (size_t k = 0; k < st.nentries; k++) {
			struct state_entry *e = &st.entries[k];

			if (e->kind != STATE_CAPTURE || strcmp(e->node, t->nodes[i].name) != 0)
				continue;
			if (ds == NULL)
				ds = cJSON_AddArrayToObject(n, "captures");
			d = cJSON_CreateObject();
			cJSON_AddNumberToObject(d, "pid", e->pid);
			cJSON_AddBoolToObject(d, "running", state_proc_running(e));
			cJSON_AddItemToArray(ds, d);
		}
		cJSON_AddItemToArray(nodes, n);
	}
	if (netns_exists(lab_switch_ns_name(lab, name, sizeof(name)))) {
		cJSON *sw = lab_status_ns(name), *i;
		char port[IFNAMSIZ], member[128];

		/* Name each port after the member it wires in. */
		cJSON_ArrayForEach(i, cJSON_GetObjectItem(sw, "interfaces")) {
			const char *ifn = cJSON_GetStringValue(cJSON_GetObjectItem(i, "name"));

			for (size_t l = 0; ifn != NULL && l < t->nlinks; l++) {
				for (size_t m = 0; t->links[l].lan && m < t->links[l].nends; m++) {
					if (strcmp(lab_port_name(t, l, m, port, sizeof(port)), ifn))
						continue;
					snprintf(member, sizeof(member), "%s:%s",
					    t->links[l].ends[m].node->name,
					    t->links[l].ends[m].iface->name);
					cJSON_AddStringToObject(i, "member", member);
				}
			}
		}
		cJSON_AddItemToObject(doc, "switch", sw);
	}
	topo_free(t);
	state_close(&st);
	return doc;
}

/* ---- link up/down ---- */

static bool
lab_route_uses(const struct topo_node *n, const struct topo_iface *ifc, const struct topo_route *r)
{
	if (r->dev[0] != '\0')
		return strcmp(r->dev, ifc->name) == 0;
	for (size_t k = 0; k < ifc->naddrs; k++) {
		if (r->via.family != 0 && prefix_contains(&ifc->addrs[k], &r->via))
			return true;
	}
	return false;
}

/* Put back what Linux dropped when ifc went down: its addresses and static routes. */
static int
lab_restore(const char *lab, const struct topo_node *n, const struct topo_iface *ifc)
{
	char name[LAB_NS_MAX], p[PREFIX_STRLEN];
	struct kn_ns ns;
	int idx, err, rc = 0;

	err = kn_ns_open(&ns, lab_ns_name(lab, n->name, name, sizeof(name)));
	if (err < 0) {
		emu_err("%s: %s", name, kn_strerror(err));
		return EXIT_FAIL;
	}
	idx = kn_ifindex(&ns, ifc->name);
	if (idx < 0) {
		emu_err("%s: %s: %s", name, ifc->name, kn_strerror(idx));
		kn_ns_close(&ns);
		return EXIT_FAIL;
	}
	for (size_t k = 0; k < ifc->naddrs; k++) {
		err = kn_addr_add(&ns, idx, &ifc->addrs[k], true);
		if (err < 0) {
			emu_err("%s: address %s on %s: %s", name,
			    prefix_ntop(&ifc->addrs[k], p, sizeof(p)), ifc->name, kn_strerror(err));
			rc = EXIT_FAIL;
		}
	}
	for (size_t k = 0; k < n->nroutes; k++) {
		if (!lab_route_uses(n, ifc, &n->routes[k]))
			continue;
		err = kn_route_add(&ns, &n->routes[k], n->routes[k].dev[0] ? idx : 0, true);
		if (err < 0) {
			emu_err("%s: route %s: %s", name,
			    prefix_ntop(&n->routes[k].dst, p, sizeof(p)), kn_strerror(err));
			rc = EXIT_FAIL;
		}
	}
	kn_ns_close(&ns);
	return rc;
}

static int
lab_set_iface(const char *nsname, const char *ifname, bool up)
{
	struct kn_ns ns;
	int idx, err;

	err = kn_ns_open(&ns, nsname);
	if (err < 0) {
		emu_err("%s: %s", nsname, kn_strerror(err));
		return EXIT_FAIL;
	}
	idx = kn_ifindex(&ns, ifname);
	err = idx < 0 ? idx : kn_link_set_up(&ns, idx, up);
	kn_ns_close(&ns);
	if (err < 0) {
		emu_err("%s: %s %s: %s", nsname, ifname, up ? "up" : "down", kn_strerror(err));
		return EXIT_FAIL;
	}
	return 0;
}

int
lab_link_set(const char *lab, const char *spec, bool up, bool cut)
{
	struct topology *t;
	struct topo_endpoint ep;
	struct topo_link *link;
	char name[LAB_NS_MAX], port[IFNAMSIZ];
	size_t l, m;
	int rc;

	rc = lab_topology(lab, &t);
	if (rc != 0)
		return rc;
	if (topo_endpoint_find(t, spec, &ep) < 0) {
		emu_err("%s: no such NODE:IFACE in lab %s", spec, lab);
		rc = EXIT_USAGE;
		goto out;
	}
	link = ep.iface->link;
	if (!cut) {
		rc = lab_set_iface(lab_ns_name(lab, ep.node->name, name, sizeof(name)),
		    ep.iface->name, up);
		if (rc == 0 && up && link != NULL)
			rc = lab_restore(lab, ep.node, ep.iface);
		goto out;
	}
	if (link == NULL) {
		emu_err("%s is not connected: there is no far side to cut", spec);
		rc = EXIT_USAGE;
		goto out;
	}
	l = (size_t)(link - t->links);
	for (m = 0; m < link->nends; m++) {
		if (link->ends[m].iface == ep.iface)
			break;
	}
	if (link->lan) {
		rc = lab_set_iface(lab_switch_ns_name(lab, name, sizeof(name)),
		    lab_port_name(t, l, m, port, sizeof(port)), up);
		if (rc == 0 && up)
			rc = lab_restore(lab, ep.node, ep.iface);
	} else {
		struct topo_endpoint *far = &link->ends[m == 0 ? 1 : 0];

		rc = lab_set_iface(lab_ns_name(lab, far->node->name, name, sizeof(name)),
		    far->iface->name, up);
		if (rc == 0 && up)
			rc = lab_restore(lab, far->node, far->iface);
		if (rc == 0 && up)
			rc = lab_restore(lab, ep.node, ep.iface);
	}
out:
	topo_free(t);
	return rc;
}
