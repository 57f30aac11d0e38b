/*
 * Reaching a lab and its nodes: the names of their namespaces (LAB-NODE,
 * and LAB.sw for the switch), the one rule for lab names, which lab a
 * command acts on, the nodes' directories, the topology a running lab was
 * built from, and entering a node's namespace (setns, a socket made inside,
 * a child started inside as `ip netns exec` would). Nothing here builds or
 * removes anything; every part of anylab that acts on a running lab uses it.
 */
#ifndef ANYLAB_LAB_NODE_H
#define ANYLAB_LAB_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct topology;

#define LAB_NS_MAX 80 /* LAB-NODE fits */

/* "LAB-NODE" */
const char *lab_ns_name(const char *lab, const char *node, char *buf, size_t len);
/* "LAB.sw" */
const char *lab_switch_ns_name(const char *lab, char *buf, size_t len);
/*
 * A valid lab name: the topology loader's rule (topo_lab_name_valid): 1 to
 * TOPO_LAB_NAME_MAX characters of a-z, 0-9 and '_', no '-' (it separates lab
 * and node in LAB-NODE).
 */
bool lab_name_valid(const char *name);
/*
 * The lab to act on: name itself when given (it must have a record), else
 * the only lab that is up; copied to out. 0, or EMU_ENOLAB (not a lab name,
 * not up, none up, several up and none named: said on standard error) or
 * -errno (the run directory cannot be read).
 */
int lab_find(const char *name, char *out, size_t len);
/*
 * The one node lookup of the verbs that take a node (bgp, drain, undrain,
 * exec; capture and link through topo_endpoint_find, which uses the same
 * topo_node_find): name must be a node of the lab's topology, the record's
 * copy t, so that no name reaches a path (nodes/NODE/bgp.ctl) or a
 * namespace name (LAB-NODE) unless the topology has that node. NULL, said
 * on standard error ("lab LAB has no node NAME"), otherwise.
 */
const struct topo_node *lab_node_find(const char *lab, const struct topology *t, const char *name);
/* /run/anylab/LAB/nodes/NODE (made by up only for nodes that run daemons) */
const char *lab_node_dir(const char *lab, const char *node, char *buf, size_t len);
/* The same, made when missing (for captures, probes' logs...). 0 or -errno. */
int lab_node_dir_make(const char *lab, const char *node, char *buf, size_t len);
/* The topology a running lab was built from (its record's copy). 0 or EMU_ECONFIG (said). */
int lab_topology(const char *lab, struct topology **);

/* setns() the calling thread into the node's namespace. 0 or -errno. */
int lab_enter(const char *lab, const char *node);
/* Run fn in the node's namespace on the calling thread, then come back. fn's value or -errno. */
int lab_run_in(const char *lab, const char *node, int (*fn)(void *), void *arg);
/* A socket opened in the node's namespace (usable from anywhere). fd or -errno. */
int lab_socket(const char *lab, const char *node, int domain, int type, int protocol);
/*
 * Start argv in the node's namespace as `ip netns exec` would (its own
 * mount namespace, /etc/netns/LAB-NODE/resolv.conf over /etc/resolv.conf).
 * Returns the child's pid, or -errno. Caller waits.
 */
pid_t lab_spawn(const char *lab, const char *node, char *const argv[]);

#endif
