/*
 * A lab's life: build it from a topology (up), take it down from its record,
 * read it back (status), change a link, and the helpers other parts of
 * anylab (scenario runner, capture, bgp verb) use to reach a running lab:
 * lab name resolution, node directories, entering a node's namespace.
 *
 * Names: node namespace LAB-NODE, switch namespace LAB.sw (one per lab,
 * holding a bridge per LAN link, named after the link, and one port per
 * member, LINK.N or lL.N with alias "node:iface"); see docs/anylab.md.
 */
#ifndef ANYLAB_LAB_H
#define ANYLAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <cJSON.h>

#include "topo.h"

#define LAB_NS_MAX	80	/* LAB-NODE fits */

struct lab_up_opts {
	const char	*name;		/* overrides the topology's lab name, or NULL */
	bool		 quiet;		/* no progress lines */
	bool		 no_daemons;	/* build the network only */
	int		 daemon_timeout_ms;	/* per daemon, to answer `status` */
	bool		 no_wait;	/* do not wait for BGP to converge */
	int		 converge_timeout_ms;	/* 0: 30 s */
	const char	*capture_dir;	/* capture every interface into DIR, or NULL */
};

struct lab_up_result {
	size_t		 namespaces;
	size_t		 links;		/* veth pairs */
	size_t		 bridges;
	size_t		 daemons;
	size_t		 captures;	/* pcap files being written (capture_dir) */
	long long	 elapsed_us;
	long long	 network_us;	/* namespaces, links, addresses, routes */
};

/* "LAB-NODE" */
const char *lab_ns_name(const char *lab, const char *node, char *buf, size_t len);
/* "LAB.sw" */
const char *lab_switch_ns_name(const char *lab, char *buf, size_t len);
/* The switch port of member m of LAN link l (index in topo->links). */
const char *lab_port_name(const struct topology *, size_t l, size_t m, char *buf, size_t len);

/*
 * The lab to act on: name itself when given (it must have a record), else
 * the only lab that is up. 0 with out filled, or an exit status
 * (EXIT_NOLAB) after printing why.
 */
int	lab_resolve(const char *name, char *out, size_t len);
/* /run/anylab/LAB/nodes/NODE (made by up only for nodes that run daemons) */
const char *lab_node_dir(const char *lab, const char *node, char *buf, size_t len);
/* The same, made when missing (for captures, probes' logs...). 0 or -errno. */
int	lab_node_dir_make(const char *lab, const char *node, char *buf, size_t len);
/* The topology a running lab was built from (its record's copy). 0 or exit status. */
int	lab_topology(const char *lab, struct topology **);

/*
 * Check every node's bgp and dns section with the daemons' own parsers
 * (bgp_config_parse, dns_config_parse), so `validate` and `up` reject a
 * section a daemon would refuse, before anything is built. 0 or -1 with
 * errs (initialised here, named after the topology file) filled.
 */
int	lab_check_sections(const struct topology *, struct cfg_errors *errs);

/* Build. Returns an exit status; on failure everything made is removed. */
int	lab_up(struct topology *, const struct lab_up_opts *, struct lab_up_result *);
/* Remove from the record. 0 also when there is nothing; else exit status. */
int	lab_down(const char *lab, bool quiet);

/* setns() the calling thread into the node's namespace. 0 or -errno. */
int	lab_enter(const char *lab, const char *node);
/* Run fn in the node's namespace on the calling thread, then come back. fn's value or -errno. */
int	lab_run_in(const char *lab, const char *node, int (*fn)(void *), void *arg);
/* A socket opened in the node's namespace (usable from anywhere). fd or -errno. */
int	lab_socket(const char *lab, const char *node, int domain, int type, int protocol);
/*
 * Start argv in the node's namespace as `ip netns exec` would (its own
 * mount namespace, /etc/netns/LAB-NODE/resolv.conf over /etc/resolv.conf).
 * Returns the child's pid, or -errno. Caller waits.
 */
pid_t	lab_spawn(const char *lab, const char *node, char *const argv[]);

/* Read the lab back from the kernel: the `status --json` document. NULL on error. */
cJSON	*lab_status(const char *lab);

/*
 * `link NODE:IFACE up|down`: the node's adapter (cut false) or the far side
 * (switch port or the veth peer, cut true). Bringing something up puts the
 * configured addresses and static routes back on the node(s) whose
 * interface comes back. Exit status.
 */
int	lab_link_set(const char *lab, const char *endpoint, bool up, bool cut);

#endif
