/*
 * A lab's life, the public face of the lab core: build it from a topology
 * (up: lab_up.c, its daemons lab_daemons.c, its captures lab_capture.c),
 * remove it from its record (down: lab_down.c), read it back (status:
 * lab_status.c), change a link (lab_link.c); and, through lab_node.h,
 * what every part of anylab uses to reach a running lab (names, which lab,
 * node directories, entering a node). Links are made, cut and reported by
 * their kind (links/link.h).
 *
 * Names: node namespace LAB-NODE, switch namespace LAB.sw (one per lab,
 * holding a bridge per LAN link, named after the link, and one port per
 * member, LINK.N or lL.N); see docs/anylab.md.
 *
 * Errors: 0 or a negative emu error (emu_error.h), said on standard error
 * where they happen. The exit statuses of the verbs are decided in
 * emu/cmd/ (lab_exit_status and the functions of the last section).
 */
#ifndef ANYLAB_LAB_H
#define ANYLAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <cJSON.h>

#include "lab_node.h"
#include "topo.h"

struct capture_target;

struct lab_up_opts {
	const char *name;	 /* overrides the topology's lab name, or NULL */
	bool quiet;		 /* no progress lines */
	bool no_daemons;	 /* build the network only */
	int daemon_timeout_ms;	 /* per daemon, to answer `status` */
	bool no_wait;		 /* do not wait for BGP to converge */
	int converge_timeout_ms; /* 0: 30 s */
	const char *capture_dir; /* capture every interface into DIR, or NULL */
};

struct lab_up_result {
	size_t namespaces;
	size_t links; /* veth pairs */
	size_t bridges;
	size_t neighbours; /* permanent neighbour entries ("neighbours": "static") */
	size_t daemons;
	size_t captures; /* pcap files being written (capture_dir) */
	long long elapsed_us;
	long long network_us; /* namespaces, links, addresses, routes, neighbours */
};

/*
 * Check every node's bgp and dns section with the daemons' own parsers
 * (bgp_config_parse, dns_config_parse), so `validate` and `up` reject a
 * section a daemon would refuse, before anything is built. 0 or -1 with
 * errs (initialised here, named after the topology file) filled.
 */
int lab_check_sections(const struct topology *, struct cfg_errors *errs);

/*
 * up: build the lab. On failure everything made is removed. EMU_EARG (not
 * a lab name), EMU_EMISSING (a daemon is not built), -EPERM (not root),
 * -EEXIST (the lab or one of its namespaces exists), EMU_EDAEMON (a daemon
 * did not start or answer), -EINTR (a signal), or another error.
 */
int lab_build(struct topology *, const struct lab_up_opts *, struct lab_up_result *);
/*
 * down: remove what the record names, daemons and captures stopped first.
 * 0 also when there is nothing; EMU_ENOLAB when lab is not a lab name.
 */
int lab_remove(const char *lab, bool quiet);
/* status: the lab read back from the kernel, the `status --json` document. */
int lab_status(const char *lab, cJSON **doc);
/*
 * `link NODE:IFACE up|down`: the node's adapter (cut false) or the far side
 * through the link's kind (cut true: switch port, the veth peer). Bringing
 * something up puts the configured addresses and static routes back on the
 * node(s) whose interface comes back. EMU_EARG when spec names no
 * interface of the lab, or (cut) one on no link.
 */
int lab_link_change(const char *lab, const char *spec, bool up, bool cut);

/*
 * The lab's lock (lab_lock.c): one command at a time changes a lab. verb
 * ("up", "down", "link", "run") is what a waiting command is told holds it.
 * Taken again by the process (or a child forked while it held it) that
 * holds it, it only counts. A second command waits up to ANYLAB_LOCK_WAIT
 * seconds (default 60) saying who holds the lab, then fails with EMU_EBUSY;
 * `down` first tells an `up` still building the lab to stop (SIGTERM: it
 * rolls back). 0, EMU_EBUSY, EMU_ENOLAB (not a lab name), -EPERM (the lock
 * file cannot be made: not root) or -errno; said on standard error.
 */
int lab_lock(const char *lab, const char *verb);
/* The last unlock of the command that took it removes the lock file when the lab has no record. */
void lab_unlock(const char *lab);
/* /run/anylab/.LAB.lock */
const char *lab_lock_path(const char *lab, char *buf, size_t len);

/*
 * What `anylab capture` and `run --capture` point at, as capture targets
 * (capture.h):
 *   NODE:IFACE  that interface, in the node's namespace
 *   NODE        every interface of the node
 *   LINK        what the link's kind says sees its traffic once (a veth
 *               pair: its first end; a LAN: every switch port, inbound)
 * Returns the number of targets (allocated in *out) or a negative emu
 * error with err set.
 */
int lab_capture_targets(const char *lab, const struct topology *, const char *spec,
    struct capture_target **out, char *err, size_t errlen);
/*
 * Every interface of every node, one file each: DIR/LAB-NODE-IFACE.pcap
 * (interfaces on no link, which up does not make, are left out).
 */
int lab_capture_targets_all(const char *lab, const struct topology *, const char *dir,
    struct capture_target **out, char *err, size_t errlen);

/*
 * ---- Exit statuses (emu/cmd/cmd_lab.c) ----
 * The verbs' face of the calls above: each prints nothing more and returns
 * the exit status (anylab.h) the verbs have always returned.
 */
/* An emu error as the exit status of up (and of verbs that fail the same ways): 0 for 0. */
int lab_exit_status(int err);
/* lab_find: 0 with out filled, EXIT_NOLAB, or EXIT_FAIL. */
int lab_resolve(const char *name, char *out, size_t len);
/* lab_build. */
int lab_up(struct topology *, const struct lab_up_opts *, struct lab_up_result *);
/* lab_remove; a name that is no lab's is EXIT_NOLAB. */
int lab_down(const char *lab, bool quiet);
/* lab_link_change; an unknown NODE:IFACE is EXIT_USAGE. */
int lab_link_set(const char *lab, const char *spec, bool up, bool cut);

#endif
