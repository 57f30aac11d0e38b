/*
 * The record of a lab: /run/anylab/LAB/ (see docs/anylab.md).
 *
 *   record          one line per object, appended BEFORE the object is made:
 *                     netns NAME          a namespace file /run/netns/NAME
 *                     cancel netns NAME   NAME existed already: not ours
 *                     etc NAME            /etc/netns/NAME/ and resolv.conf in it
 *                     link NETNS IFNAME   a link made inside NETNS (informational:
 *                                         it goes away with its namespace)
 *                     daemon NODE SERVICE PID STARTTIME   (written after fork,
 *                                         before the child may exec)
 *                     capture NODE PID STARTTIME   a capture child of
 *                                         `up --capture` (written after fork,
 *                                         before it opens anything)
 *                     complete            up finished
 *   topology.json   the topology file the lab was built from
 *   nodes/NODE/     the node's daemon configs, control sockets and logs
 *
 * `down` works from this record alone, so it removes exactly what was made,
 * by exact name, even after `up` was killed halfway.
 */
#ifndef ANYLAB_STATE_H
#define ANYLAB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum state_kind {
	STATE_NETNS,
	STATE_ETC,
	STATE_LINK,
	STATE_DAEMON,
	STATE_CAPTURE,
	STATE_KIND_MAX,
};

extern const char *const state_kind_names[STATE_KIND_MAX];

struct state_entry {
	enum state_kind kind;
	bool cancelled;		      /* netns: it existed, not ours */
	char name[256];		      /* netns or etc name; link: netns */
	char ifname[16];	      /* link */
	char node[64];		      /* daemon, capture */
	char service[64];	      /* daemon: "bgp", "dns", a service name, or SERVICE.PROC */
	pid_t pid;		      /* daemon, capture */
	unsigned long long starttime; /* /proc/PID/stat field 22 */
};

struct state {
	char lab[64];
	char dir[512]; /* /run/anylab/LAB */
	int fd;	       /* record, O_APPEND; -1 when read only */
	bool complete;
	struct state_entry *entries;
	size_t nentries;
};

/* "/run/anylab/LAB" (or $ANYLAB_RUN_DIR/LAB). */
const char *state_lab_dir(const char *lab, char *buf, size_t len);
/* ".../LAB/nodes/NODE" */
const char *state_node_dir(const char *lab, const char *node, char *buf, size_t len);
bool state_exists(const char *lab);
/*
 * Make the lab's directory and an empty record. -EEXIST when the lab has a
 * record already (up, or interrupted: `down` it first). 0 or -errno.
 */
int state_create(const char *lab, struct state *);
/* Read the record of a lab. -ENOENT when the lab has none. */
int state_open(const char *lab, struct state *);
void state_close(struct state *);
/* Append one line and keep it in memory. 0 or -errno. */
int state_add_netns(struct state *, const char *name);
int state_cancel_netns(struct state *, const char *name);
int state_add_etc(struct state *, const char *name);
int state_add_link(struct state *, const char *netns, const char *ifname);
int state_add_daemon(struct state *, const char *node, const char *service, pid_t,
    unsigned long long starttime);
int state_add_capture(struct state *, const char *node, pid_t, unsigned long long starttime);
int state_mark_complete(struct state *);
/* Remove the lab's directory and everything in it. 0 or -errno. */
int state_remove(const char *lab);
/* Every lab with a record, sorted; *names to free with state_list_free. */
int state_list(char ***names, size_t *count);
void state_list_free(char **names, size_t count);
/* Start time of a process (clock ticks since boot), 0 when it is gone or a zombie. */
unsigned long long state_proc_starttime(pid_t);
/*
 * Is a recorded process (daemon, capture) still the one that was started:
 * /proc/PID exists, is no zombie, and has the recorded start time?
 */
bool state_proc_running(const struct state_entry *);

#endif
