/*
 * Node kinds: the seam through which anylab runs any daemon on a node
 * (containerlab's nodes/node.go interface and registry, iproute2's
 * struct link_util). A node's "bgp" section names a BGP kind (anybgpd,
 * bird, frr, gobgp, openbgpd), its "dns" section a DNS kind (anydnsd, nsd,
 * knot), and each entry of its "services" object runs the kind "service"
 * (any program). One struct kind_ops per kind, one file per kind
 * (kinds/kind_NAME.c), one lookup (kind_find). Everything the lab does with
 * a daemon goes through these ops: check the section, write the native
 * configuration, say which processes to start, tell when they are ready,
 * report sessions and routes in one JSON shape, announce and withdraw.
 * Starting, recording and stopping the processes is the supervisor's
 * (core/daemon.c), the same for every kind.
 *
 * Every op returns 0 or a negative emu error (emu_error.h); ops that can
 * explain a failure write one line into msg.
 */
#ifndef ANYLAB_KIND_H
#define ANYLAB_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <cJSON.h>

#include "addr.h"
#include "anylab.h"
#include "emu_error.h"
#include "jcfg.h"
#include "topo.h"

/* Which section of a node a kind serves. */
enum kind_role {
	KIND_BGP,     /* "bgp" */
	KIND_DNS,     /* "dns" */
	KIND_SERVICE, /* an entry of "services" */
	KIND_ROLE_MAX,
};

extern const char *const kind_role_names[KIND_ROLE_MAX];

#define KIND_PROCS_MAX	  3 /* processes one daemon of a kind may need (FRR: bgpd, zebra, bfdd) */
#define KIND_ARGV_MAX	  32
#define KIND_MSG_MAX	  512
#define KIND_WAIT_PATH_MS 10000

/* One node's daemon of one kind: what every op is given. */
struct kind_node {
	const char *lab;
	const struct topology *topo;
	const struct topo_node *node;
	const struct kind_ops *kind;
	enum kind_role role;
	const cJSON *section;		/* the node's bgp or dns section, or the service entry */
	char service[TOPO_NAME_MAX];	/* "bgp", "dns", or the service's name */
	char path[CFG_PATH_MAX];	/* JSON path of section: "nodes.dc001.bgp" */
	char dir[ANYLAB_PATH_MAX];	/* the node's state folder */
	char base_dir[ANYLAB_PATH_MAX]; /* the topology's folder */
};

/*
 * One process to start, inside the node's namespace, in the node's folder,
 * standard output and error appended to the node's SERVICE.out. The first
 * process of the array is the daemon's main one (started last, after its
 * helpers): the one `kill`, `stop` and `start`
 * act on and whose exit means the daemon is gone. Others (FRR's zebra)
 * are recorded as SERVICE.NAME.
 */
struct kind_proc {
	char name[32]; /* "" for the main process, else "zebra"... */
	/*
	 * "" or a path (a helper's socket) that must exist before this process
	 * starts: the supervisor starts the helpers first, then waits for it
	 * (at most KIND_WAIT_PATH_MS) before starting the main process.
	 */
	char wait_path[ANYLAB_PATH_MAX];
	char *argv[KIND_ARGV_MAX]; /* NULL-terminated; strings in buf */
	char buf[4096];
	size_t used;
};

/* What a BGP speaker says about convergence. */
struct kind_bgp_progress {
	unsigned peers;
	unsigned established;
	unsigned long long kernel_routes; /* routes it has put in the kernel */
	bool pending;			  /* work it knows is not done yet */
	/*
	 * converged_known: the speaker itself says whether it has converged
	 * (anybgpd's status "converged": every session Established, End-of-RIB
	 * received from and sent to every peer, nothing pending, every origin
	 * announced); then converged is its word. Kinds that cannot tell leave
	 * both false and `up` waits for a steady count of kernel routes.
	 */
	bool converged_known;
	bool converged;
};

struct kind_ops {
	const char *name; /* as written in the topology: "bird" */
	enum kind_role role;
	const char *package;	     /* Debian package, NULL for anylab's own daemons */
	const char *const *programs; /* executables it needs (absolute, or beside anylab) */

	/*
	 * Check the section for keys this kind cannot express; errors go to
	 * errs as "PATH.key: ... (kind NAME)". 0 or -1. May be NULL.
	 */
	int (*check)(const struct kind_node *, struct cfg_errors *errs);
	/* Write the native configuration into k->dir (or copy the user's "config"). */
	int (*configure)(const struct kind_node *, char *msg, size_t msglen);
	/* The processes to start, main one first. Returns how many (>0) or an error. */
	int (*procs)(const struct kind_node *, struct kind_proc *procs, size_t max);
	/* 0 ready, -EAGAIN not yet, another error when it never will be. */
	int (*ready)(const struct kind_node *);

	/* BGP kinds only. */
	int (*bgp_progress)(const struct kind_node *, struct kind_bgp_progress *);
	/*
	 * {"peers": [...]} in anybgpd's shape (docs/anybgpd.md, "peers"): at
	 * least address, asn and state, the state one of the RFC 4271 names
	 * Idle, Connect, Active, OpenSent, OpenConfirm, Established.
	 */
	int (*bgp_peers)(const struct kind_node *, cJSON **doc);
	/* {"routes": [...], "prefixes": N} in anybgpd's shape; prefix NULL: all. */
	int (*bgp_routes)(const struct kind_node *, const char *prefix, cJSON **doc);
	/* Originate (announce true) or stop originating a prefix. */
	int (*bgp_announce)(const struct kind_node *, const struct prefix *, bool announce,
	    char *msg, size_t msglen);
	/*
	 * Drain (drain true) or undrain the speaker's own announcements: every
	 * prefix it originates (prefix NULL) or one. withdraw false: keep them
	 * announced, tagged with the GRACEFUL_SHUTDOWN community 65535:0 (RFC
	 * 8326), so that peers prefer other paths; true: withdraw them. Undrain
	 * undoes either. msg says what was done, or why not (EMU_EUNSUPPORTED
	 * when the kind has no way to do it). NULL: the kind cannot drain.
	 */
	int (*bgp_drain)(const struct kind_node *, const struct prefix *, bool drain, bool withdraw,
	    char *msg, size_t msglen);
	/* Any other `anylab bgp NODE VERB [ARG]` the kind understands; NULL: none. */
	int (
	    *bgp_command)(const struct kind_node *, const char *verb, const char *arg, cJSON **doc);
	/*
	 * {"sessions": [...]}: the BFD sessions in anybgpd's shape (peer,
	 * state as RFC 5880 names it: AdminDown, Down, Init, Up; tx_ms...,
	 * docs/kinds.md); NULL: the kind has no BFD.
	 */
	int (*bgp_bfd)(const struct kind_node *, cJSON **doc);
};

/* The kind called name in role; NULL when there is none. */
const struct kind_ops *kind_find(enum kind_role, const char *name);
/* Every kind of a role, comma separated, for error messages (static storage). */
const char *kind_names(enum kind_role);

/*
 * The daemon of service on node: role and kind from the node's sections
 * ("bgp", "dns", or a name in "services"). 0, or -ENOENT when the node runs
 * no such service.
 */
int kind_node_get(const char *lab, const struct topology *, const struct topo_node *,
    const char *service, struct kind_node *out);
/* The same by node name; -ENOENT also when the topology has no such node. */
int kind_node_find(const char *lab, const struct topology *, const char *node, const char *service,
    struct kind_node *out);
/* Every daemon of a node, in start order (bgp, dns, then services). Returns how many. */
size_t kind_node_all(const char *lab, const struct topology *, const struct topo_node *,
    struct kind_node *out, size_t max);

/*
 * Validate every node's daemons: kind names, the kind's own checks, and
 * anylab's own daemons' parsers. errs must be initialised. 0 or -1.
 */
int kind_check_topology(const struct topology *, struct cfg_errors *errs);
/* The first program a topology needs that is missing: 0, or EMU_EMISSING with msg naming it and its package. */
int kind_check_programs(const struct topology *, char *msg, size_t msglen);

/*
 * The --kind option of up, run and validate: "[NODE.]SECTION=KIND" (SECTION
 * bgp or dns) sets "kind" in every node's SECTION, or in NODE's only; the
 * node-qualified specs are applied after the others, whatever their order.
 * Rewrites the topology's own JSON (so the lab's record carries it).
 * 0, or EMU_ECONFIG with msg saying what is wrong with which spec.
 */
int kind_override(struct topology *, char *const specs[], size_t nspecs, char *msg, size_t msglen);
/* Make every "config" file name absolute (the record's copy lives elsewhere). */
void kind_absolute_configs(struct topology *, const char *base_dir);

/* Helpers for the kinds' files. */
/* Append one argument (printf-style) to p. 0 or EMU_ETRUNC. */
int kind_proc_arg(struct kind_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* k->dir/name */
const char *kind_file(const struct kind_node *, const char *name, char *buf, size_t len);
/*
 * Write text to k->dir/name: mode 0600 (configs hold TCP-MD5 keys), an
 * existing file replaced only when it is a regular one of ours, never
 * through a symbolic link (fileio.h). 0 or a negative errno.
 */
int kind_write_file(const struct kind_node *, const char *name, const char *text);
/* The same with another mode, for a file that holds no secret and others must read. */
int kind_write_file_mode(const struct kind_node *, const char *name, const char *text,
    unsigned mode);
/*
 * Run argv inside the node's namespace and collect its standard output
 * (at most 16 MB). 0 when it exited 0, EMU_ECOMMAND otherwise (out is
 * still filled). timeout_ms bounds the run; the child is killed after it.
 */
int kind_run(const struct kind_node *, char *const argv[], int timeout_ms, char **out);
/* The section without "kind": what the daemon's parser reads. Caller deletes; NULL: no memory. */
cJSON *kind_section_copy(const struct kind_node *);
/* The user's own native configuration: "config" of the section, or NULL. */
const char *kind_user_config(const struct kind_node *);
/*
 * With "config": only "kind" and "config" in the section, and the file
 * readable (kind_user_config_readable); errors as "PATH.config: FILE:
 * why (kind NAME)". 1 (a valid user config: nothing else to check), 0 (no
 * "config"), or -1.
 */
int kind_check_user_config(const struct kind_node *, struct cfg_errors *errs);
/*
 * Can a user's daemon config be read: a regular file (not a FIFO, not
 * /dev/zero) of at most 16 MiB? 0, or a negative errno with why said.
 */
int kind_user_config_readable(const char *file, char *why, size_t len);
/* Its full name (relative names against the topology's folder); NULL when none or too long. */
const char *kind_user_config_path(const struct kind_node *, char *buf, size_t len);
/*
 * Copy the user's "config" file to k->dir/name, replacing the placeholders
 * @LAB@, @NODE@, @DIR@ (node folder), @SERVICE@ (docs/topology.md).
 */
int kind_copy_user_config(const struct kind_node *, const char *name, char *msg, size_t msglen);
/*
 * bgp_drain for kinds that drain by withdrawal only: with withdraw, every
 * prefix of the section's "originate" (or the one given) withdrawn through
 * bgp_announce, and announced again on undrain; without, EMU_EUNSUPPORTED
 * saying so. A user's own config names no originate list: PREFIX is needed.
 */
int kind_drain_by_withdrawal(const struct kind_node *, const struct prefix *, bool drain,
    bool withdraw, char *msg, size_t msglen);
/* The normalised name of a BGP state ("established" -> "Established"), NULL if unknown. */
const char *kind_bgp_state_name(const char *s);

/*
 * A BGP kind's BFD sessions (bgp_bfd) not all Up yet: convergence waits for
 * them, so that a fault right after `up` is found by BFD, not the hold timer.
 */
bool kind_bfd_pending(const struct kind_node *);

#endif
