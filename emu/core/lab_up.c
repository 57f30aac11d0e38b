/*
 * up (lab.h): a topology built into namespaces, links (each made by its
 * kind, links/link.h), addresses, routes, sysctls and resolver files, then
 * the captures (lab_capture.c) and the daemons (lab_daemons.c). Every
 * object is recorded in /run/anylab/LAB/record before it is made; on any
 * failure, or a signal, everything made is removed again (lab_remove).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/if_addr.h>

#include "anylab.h"
#include "fileio.h"
#include "kind.h"
#include "lab_internal.h"
#include "link.h"
#include "netlink.h"
#include "netns.h"
#include "state.h"

volatile sig_atomic_t lab_interrupted;

static void lab_on_signal(int sig);
static int lab_sysctl(struct lab_build *, struct kn_ns *, const char *path, const char *value);
static int lab_build_locked(struct lab_build *, const struct lab_up_opts *);

static void
lab_on_signal(int sig)
{
	lab_interrupted = sig;
}

/* Does any link of the topology need the switch namespace LAB.sw? */
static bool
lab_needs_switch(const struct topology *t)
{
	for (size_t l = 0; l < t->nlinks; l++) {
		if (link_kind_of(&t->links[l])->needs_switch)
			return true;
	}
	return false;
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
	/* It may hold TCP-MD5 keys, and root reads it back: root's alone. */
	f = file_fcreate(AT_FDCWD, path, 0600, FILE_NEW, &err);
	if (f != NULL) {
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
		return err;
	}
	err = netns_create(name, &fd);
	if (err == -EEXIST) {
		state_cancel_netns(&b->st, name);
		emu_err("namespace %s already exists and is not this lab's", name);
		return err;
	}
	if (err < 0) {
		emu_err("creating namespace %s: %s", name, strerror(-err));
		return err;
	}
	b->res->namespaces++;
	/* Its netlink socket is opened when needed and released after (fds). */
	kn_ns_attach(ns, name, fd);
	return 0;
}

/*
 * paths[i] = values[i] in ns, entering it once for them all. A file that
 * does not exist is skipped, and the rest written, when absent() says it
 * may be (it warns if it must); any other failure is said and returned.
 */
static int
lab_sysctls(struct lab_build *b, const struct kn_ns *ns, const char *const *paths,
    const char *const *values, size_t count,
    bool (*absent)(struct lab_build *, const struct kn_ns *, const char *path))
{
	size_t done = 0, failed;
	int err;

	while (done < count) {
		failed = 0;
		err = kn_sysctl_write_many(ns->fd, paths + done, values + done, count - done,
		    &failed);
		if (err == 0)
			return 0;
		failed += done;
		if (err != -ENOENT || !absent(b, ns, paths[failed])) {
			emu_err("%s: /proc/sys/%s = %s: %s", ns->name, paths[failed],
			    values[failed], strerror(-err));
			return err;
		}
		done = failed + 1;
	}
	return 0;
}

/* A node without IPv6, or a kernel without hash seeds: warned once, skipped. */
static bool
node_sysctl_absent(struct lab_build *b, const struct kn_ns *ns, const char *path)
{
	if (strncmp(path, "net/ipv6/", 9) == 0) {
		if (!b->warned_v6)
			emu_err("warning: %s: no /proc/sys/%s (IPv6 disabled?): skipped", ns->name,
			    path);
		b->warned_v6 = true;
		return true;
	}
	if (strcmp(path, "net/ipv4/fib_multipath_hash_seed") == 0) {
		if (!b->warned_seed)
			emu_err("warning: this kernel has no net.ipv4.fib_multipath_hash_seed "
				"(Linux 6.11 and later): hash seeds are not set, the "
				"client-to-server mapping may differ from run to run");
		b->warned_seed = true;
		return true;
	}
	return false;
}

/* Without br_netfilter there is nothing to turn off. */
static bool
switch_sysctl_absent(struct lab_build *b, const struct kn_ns *ns, const char *path)
{
	(void)b;
	(void)ns;
	(void)path;
	return true;
}

/*
 * A node's sysctls, all written at once right after its namespace is made
 * (one path walk through /proc/sys, kn_sysctl_write_many), before it has
 * interfaces: each new interface copies "default", and writing "all"
 * forwarding sets "default" too (IPv4 and IPv6).
 *
 * No ICMP redirects in a lab: a router that forwards a client's query to a
 * server on the client's own LAN (Lab B's sites) would tell the client to
 * go there directly, and the client's cached redirect would outlive the
 * route the router chose: a withdrawn anycast server kept answering its
 * neighbours for minutes. Set on "all" and "default": routers send none,
 * and no node accepts one.
 */
#define LAB_NODE_SYSCTLS 11

static int
lab_node_sysctls(struct lab_build *b, const struct topo_node *n, struct kn_ns *ns)
{
	const char *paths[LAB_NODE_SYSCTLS] = {
		"net/ipv4/conf/all/send_redirects",
		"net/ipv4/conf/default/send_redirects",
		"net/ipv4/conf/all/accept_redirects",
		"net/ipv4/conf/default/accept_redirects",
		"net/ipv6/conf/all/accept_redirects",
		"net/ipv6/conf/default/accept_redirects",
	};
	const char *values[LAB_NODE_SYSCTLS] = { "0", "0", "0", "0", "0", "0" };
	char policy[32], seed[32];
	size_t count = 6;

	if (n->forwarding) {
		paths[count] = "net/ipv4/ip_forward";
		values[count++] = "1";
		paths[count] = "net/ipv6/conf/all/forwarding";
		values[count++] = "1";
	}
	if (n->hash_policy >= 0) {
		snprintf(policy, sizeof(policy), "%d", n->hash_policy);
		paths[count] = "net/ipv4/fib_multipath_hash_policy";
		values[count++] = policy;
		paths[count] = "net/ipv6/fib_multipath_hash_policy";
		values[count++] = policy;
	}
	if (n->has_hash_seed) {
		snprintf(seed, sizeof(seed), "%u", n->hash_seed);
		paths[count] = "net/ipv4/fib_multipath_hash_seed";
		values[count++] = seed;
	}
	return lab_sysctls(b, ns, paths, values, count, node_sysctl_absent);
}

/*
 * Bridged frames skip the switch namespace's iptables. Where the kernel has
 * br_netfilter (a host matter: Docker loads it), every frame a LAN bridges
 * is handed to IPv4/IPv6/ARP netfilter of LAB.sw first, by default
 * (bridge-nf-call-* is 1 in a new namespace): no rules there, but the pass
 * costs per frame, and more with many ports (br_nf_pre_routing_finish
 * finds the port by its index in a namespace of 10,000 devices: 7 % of an
 * idle 10,000-node lab's CPU). A switch is layer 2 only. Without
 * br_netfilter the files do not exist: nothing to do.
 */
static int
lab_switch_no_netfilter(struct kn_ns *sw)
{
	static const char *const paths[] = {
		"net/bridge/bridge-nf-call-iptables",
		"net/bridge/bridge-nf-call-ip6tables",
		"net/bridge/bridge-nf-call-arptables",
	};
	static const char *const values[] = { "0", "0", "0" };

	return lab_sysctls(NULL, sw, paths, values, 3, switch_sysctl_absent);
}

static int
lab_make_namespaces(struct lab_build *b)
{
	struct topology *t = b->t;
	char name[LAB_NS_MAX];
	int err;

	if (lab_needs_switch(t)) {
		err = lab_make_ns(b, lab_switch_ns_name(b->lab, name, sizeof(name)), &b->sw);
		if (err < 0)
			return err;
		/* The switch is layer 2 only: no IPv6 link-local chatter from its ports. */
		err = lab_sysctl(b, &b->sw, "net/ipv6/conf/default/disable_ipv6", "1");
		if (err == 0)
			err = lab_sysctl(b, &b->sw, "net/ipv6/conf/all/disable_ipv6", "1");
		if (err < 0)
			return err;
		err = lab_switch_no_netfilter(&b->sw);
		if (err < 0)
			return err;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		if (lab_interrupted)
			return -EINTR;
		err = lab_make_ns(b, lab_ns_name(b->lab, t->nodes[i].name, name, sizeof(name)),
		    &b->nodes[i]);
		if (err == 0)
			err = lab_node_sysctls(b, &t->nodes[i], &b->nodes[i]);
		if (err < 0)
			return err;
		emu_progress("namespaces", i + 1, t->nnodes);
	}
	return 0;
}

/* Every link with two or more ends, made by its kind. */
static int
lab_make_links(struct lab_build *b)
{
	struct topology *t = b->t;
	struct link_env env = {
		.t = t,
		.lab = b->lab,
		.st = &b->st,
		.nodes = b->nodes,
		.sw = &b->sw,
		.next_port_index = LINK_IFINDEX_BASE + (int)t->nlinks,
	};
	int err = 0;

	for (size_t l = 0; l < t->nlinks; l++) {
		if (lab_interrupted) {
			err = -EINTR;
			break;
		}
		if (t->links[l].nends < 2)
			continue;
		err = link_kind_of(&t->links[l])->make(&env, l);
		for (size_t m = 0; m < t->links[l].nends; m++)
			kn_ns_release_socket(link_node_ns(&env, &t->links[l].ends[m]));
		if (err < 0)
			break;
		emu_progress("links", l + 1, t->nlinks);
	}
	b->res->links += env.veths;
	b->res->bridges += env.bridges;
	return err;
}

/*
 * A lab with dynamic neighbours whose nodes would need more entries than
 * the host's neighbour table takes (gc_thresh3, one table for every
 * namespace) comes up but does not all answer: say so, and what to do.
 */
static void
lab_warn_neighbours(const struct lab_build *b)
{
	unsigned long limit;
	size_t need;
	FILE *f;
	int n;

	if (b->t->neighbours == TOPO_NEIGH_STATIC)
		return;
	f = fopen("/proc/sys/net/ipv4/neigh/default/gc_thresh3", "r");
	if (f == NULL)
		return;
	n = fscanf(f, "%lu", &limit);
	fclose(f);
	if (n != 1)
		return;
	need = link_neigh_count(b->t);
	if (need > limit)
		emu_err("warning: lab %s needs about %zu neighbour entries, more than the host's "
			"net.ipv4.neigh.default.gc_thresh3 (%lu) allows for all namespaces: some "
			"nodes will not reach their neighbours; \"neighbours\": \"static\" in the "
			"topology makes them permanent (docs/topology.md, Neighbours)",
		    b->lab, need, limit);
}

/* "neighbours": "static": every veth and LAN member's permanent entries (links/link.h). */
static int
lab_make_neighbours(struct lab_build *b)
{
	const struct topology *t = b->t;
	int err = 0;

	for (size_t l = 0; err == 0 && l < t->nlinks; l++) {
		const struct topo_link *link = &t->links[l];
		bool *gw;

		if (!link_neigh_static(t, link))
			continue;
		if (lab_interrupted)
			return -EINTR;
		gw = emu_calloc(link->nends, sizeof(*gw));
		link_neigh_gateways(link, gw);
		for (size_t m = 0; err == 0 && m < link->nends; m++) {
			struct kn_ns *ns = &b->nodes[link->ends[m].node - t->nodes];

			err = link_neigh_install(ns, t, link, gw, m, &b->res->neighbours);
			kn_ns_release_socket(ns);
		}
		free(gw);
		emu_progress("neighbours", l + 1, t->nlinks);
	}
	return err;
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
	if (err < 0)
		emu_err("%s: /proc/sys/%s = %s: %s", ns->name, path, value, strerror(-err));
	return err;
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
		return err;
	}
	snprintf(dir, sizeof(dir), "%s/%s", ANYLAB_ETC_NETNS_DIR, nsname);
	if ((mkdir(ANYLAB_ETC_NETNS_DIR, 0755) < 0 && errno != EEXIST) || mkdir(dir, 0755) < 0) {
		err = -errno;
		emu_err("%s: %s", dir, strerror(-err));
		return err;
	}
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	/* Read by whatever runs in the namespace, as any user. */
	f = file_fcreate(AT_FDCWD, path, 0644, FILE_NEW, &err);
	if (f == NULL) {
		emu_err("%s: %s", path, emu_strerror(err));
		return err;
	}
	fprintf(f, "# written by anylab for node %s of lab %s\n", n->name, b->lab);
	for (size_t i = 0; i < n->nresolvers; i++)
		fprintf(f, "nameserver %s\n", ipaddr_ntop(&n->resolvers[i], a, sizeof(a)));
	if (fclose(f) != 0) {
		err = -errno;
		emu_err("%s: %s", path, strerror(-err));
		return err;
	}
	return 0;
}

static int
lab_route_ifindex(const struct topo_node *n, const struct topo_route *r)
{
	for (size_t j = 0; r->dev[0] != '\0' && j < n->nifaces; j++) {
		if (strcmp(n->ifaces[j].name, r->dev) == 0)
			return link_iface_index(n, &n->ifaces[j]);
	}
	return r->dev[0] != '\0' && strcmp(r->dev, "lo") == 0 ? 1 : 0;
}

/* lo up, addresses, anycast addresses, static routes, resolver: links are up. */
static int
lab_configure_node(struct lab_build *b, size_t i)
{
	const struct topo_node *n = &b->t->nodes[i];
	struct kn_ns *ns = &b->nodes[i];
	char p[PREFIX_STRLEN];
	int err;

	err = kn_link_set_up(ns, 1, true);
	if (err < 0) {
		emu_err("%s: lo up: %s", ns->name, emu_strerror(err));
		return err;
	}
	for (size_t j = 0; j < n->nifaces; j++) {
		const struct topo_iface *ifc = &n->ifaces[j];

		if (ifc->link == NULL)
			continue;
		for (size_t k = 0; k < ifc->naddrs; k++) {
			err = kn_addr_add(ns, link_iface_index(n, ifc), &ifc->addrs[k], false);
			if (err < 0) {
				emu_err("%s: address %s on %s: %s", ns->name,
				    prefix_ntop(&ifc->addrs[k], p, sizeof(p)), ifc->name,
				    emu_strerror(err));
				return err;
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
			    prefix_ntop(&n->loopback[k], p, sizeof(p)), emu_strerror(err));
			return err;
		}
	}
	for (size_t k = 0; k < n->nroutes; k++) {
		err = kn_route_add(ns, &n->routes[k], lab_route_ifindex(n, &n->routes[k]), false);
		if (err < 0) {
			emu_err("%s: route %s: %s", ns->name,
			    prefix_ntop(&n->routes[k].dst, p, sizeof(p)), emu_strerror(err));
			return err;
		}
	}
	return lab_write_resolv(b, n, ns->name);
}

/* Nothing of the lab may exist yet, not even half (a record, a namespace, /etc/netns). */
static int
lab_precheck(const struct topology *t, const char *lab)
{
	char name[LAB_NS_MAX], path[ANYLAB_PATH_MAX];

	if (state_exists(lab)) {
		emu_err("lab %s is already up (record in %s/%s); `anylab down %s` first", lab,
		    emu_run_dir(), lab, lab);
		return -EEXIST;
	}
	if (lab_needs_switch(t) && netns_exists(lab_switch_ns_name(lab, name, sizeof(name)))) {
		emu_err("namespace %s already exists and is not part of a lab record", name);
		return -EEXIST;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		lab_ns_name(lab, t->nodes[i].name, name, sizeof(name));
		if (netns_exists(name)) {
			emu_err("namespace %s already exists and is not part of a lab record",
			    name);
			return -EEXIST;
		}
		snprintf(path, sizeof(path), "%s/%s", ANYLAB_ETC_NETNS_DIR, name);
		if (t->nodes[i].nresolvers > 0 && access(path, F_OK) == 0) {
			emu_err("%s already exists and is not part of a lab record", path);
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * up holds a descriptor per namespace until the daemons are started (the
 * nodes' netlink sockets only while in use): main() raised the soft
 * RLIMIT_NOFILE to the hard one; a lab that needs more says so.
 */
static int
lab_check_nofile(const struct topology *t, const char *lab)
{
	size_t need = t->nnodes + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= need)
		return 0;
	emu_err("lab %s has %zu nodes and needs about %zu file descriptors (one per "
		"namespace); RLIMIT_NOFILE allows %llu (hard limit %llu): raise the hard limit "
		"(ulimit -Hn, limits.conf) to at least %zu",
	    lab, t->nnodes, need, (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max,
	    need);
	return -EMFILE;
}

/* An exit status of lab_daemons.c as an emu error. */
static int
lab_daemons_err(int status)
{
	switch (status) {
	case EXIT_OK:
		return 0;
	case EXIT_MISSING:
		return EMU_EMISSING;
	case EXIT_DAEMON:
		return EMU_EDAEMON;
	default:
		return lab_interrupted ? -EINTR : -EIO;
	}
}

static int
lab_up_steps(struct lab_build *b, const struct lab_up_opts *o)
{
	int err;

	err = lab_copy_topology(b);
	if (err < 0) {
		emu_err("%s/topology.json: %s", b->st.dir, strerror(-err));
		return err;
	}
	err = netns_prepare();
	if (err < 0) {
		emu_err("%s: making it a shared mount point: %s", ANYLAB_NETNS_DIR, strerror(-err));
		return err;
	}
	lab_warn_neighbours(b);
	err = lab_make_namespaces(b);
	if (err == 0)
		err = lab_make_links(b);
	for (size_t i = 0; err == 0 && i < b->t->nnodes; i++) {
		if (lab_interrupted)
			err = -EINTR;
		else
			err = lab_configure_node(b, i);
		kn_ns_release_socket(&b->nodes[i]);
		emu_progress("nodes configured", i + 1, b->t->nnodes);
	}
	if (err == 0)
		err = lab_make_neighbours(b);
	b->res->network_us = emu_now_us() - b->res->elapsed_us;
	/* Before the daemons, so that their first packets are in the files. */
	if (err == 0 && o->capture_dir != NULL)
		err = lab_start_captures(b, o->capture_dir);
	if (err == 0 && !o->no_daemons)
		err = lab_daemons_err(lab_make_node_dirs(b));
	if (err == 0 && !o->no_daemons)
		err = lab_daemons_err(
		    lab_start_daemons(b, o->daemon_timeout_ms > 0 ? o->daemon_timeout_ms : 10000));
	if (err == 0 && !o->no_daemons && !o->no_wait)
		lab_wait_converged(b, o->converge_timeout_ms > 0 ? o->converge_timeout_ms : 30000);
	if (err == 0 && lab_interrupted)
		err = -EINTR;
	if (err == 0)
		err = state_mark_complete(&b->st);
	return err;
}

int
lab_build(struct topology *t, const struct lab_up_opts *o, struct lab_up_result *res)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct lab_build b = { .t = t };
	struct sigaction sa, old[3];
	int err;

	emu_file_dir(t->file, b.base_dir, sizeof(b.base_dir));
	kind_absolute_configs(t, b.base_dir); /* the record's copy is read from elsewhere */
	memset(res, 0, sizeof(*res));
	res->elapsed_us = emu_now_us();
	b.res = res;
	b.lab = o->name != NULL ? o->name : t->name;
	b.sw.fd = -1;
	if (!lab_name_valid(b.lab)) {
		emu_err("%s: a lab name is 1 to %d characters [a-z0-9_], starting with a letter "
			"or digit (no '-': it separates lab and node in LAB-NODE)",
		    b.lab, TOPO_LAB_NAME_MAX);
		return EMU_EARG;
	}
	err = lab_daemons_err(lab_check_binaries(t, o));
	if (err < 0)
		return err;
	if (geteuid() != 0) {
		emu_err("up needs root (namespaces, mounts under %s)", ANYLAB_NETNS_DIR);
		return -EPERM;
	}
	/*
	 * The handlers before the lock: a `down` that finds this up holding it
	 * stops it with SIGTERM, which must roll back, not kill.
	 */
	lab_interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lab_on_signal;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	err = lab_lock(b.lab, "up");
	if (err < 0)
		goto out_signals;
	err = lab_build_locked(&b, o);
	lab_unlock(b.lab);
out_signals:
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	res->elapsed_us = emu_now_us() - res->elapsed_us;
	return err;
}

/* up with the lab's lock held: nothing of it may exist yet; build it or remove it all. */
static int
lab_build_locked(struct lab_build *bp, const struct lab_up_opts *o)
{
	struct lab_build b = *bp;
	struct topology *t = b.t;
	int err;

	err = lab_precheck(t, b.lab);
	if (err == 0)
		err = lab_check_nofile(t, b.lab);
	if (err < 0)
		return err;
	if (lab_interrupted) {
		emu_err("interrupted by signal %d: nothing was made", (int)lab_interrupted);
		return -EINTR;
	}
	err = state_create(b.lab, &b.st);
	if (err == -EEXIST) {
		emu_err("lab %s is already up", b.lab);
		return err;
	}
	if (err < 0) {
		emu_err("%s: %s", b.st.dir, strerror(-err));
		state_close(&b.st);
		state_remove(b.lab);
		return err;
	}
	b.nodes = calloc(t->nnodes ? t->nnodes : 1, sizeof(*b.nodes));
	if (b.nodes == NULL) {
		state_close(&b.st);
		lab_remove(b.lab, true);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->nnodes; i++)
		b.nodes[i].fd = -1;

	emu_progress_enable(!o->quiet);
	err = lab_up_steps(&b, o);
	emu_progress_end();
	if (lab_interrupted && err < 0)
		emu_err("interrupted by signal %d", (int)lab_interrupted);

	for (size_t i = 0; i < t->nnodes; i++)
		kn_ns_close(&b.nodes[i]);
	free(b.nodes);
	kn_ns_close(&b.sw);
	state_close(&b.st);
	if (err < 0) {
		emu_err("up failed: removing what was made of lab %s", b.lab);
		lab_remove(b.lab, true);
	}
	return err;
}
