/*
 * Scenarios: a named list of steps run against a lab (docs/scenarios.md).
 * This module owns the scenario model and its parser: scenarios come from the
 * topology's "scenarios" object or, when the topology has none, from the file
 * beside it (lab.json -> lab.scenarios.json, whose top-level object holds a
 * "scenarios" key too, so errors read "scenarios.failover.steps[3].iface:
 * expected ..." in both cases). Cross-references (nodes, interfaces, clients)
 * are checked against the topology. Running the steps is runner.c's.
 */
#ifndef ANYLAB_SCENARIO_H
#define ANYLAB_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "addr.h"
#include "jcfg.h"
#include "topo.h"

struct topology;

#define SCN_INST_MAX 64 /* instance names (TXT text or NSID), NUL included */

/* Every step kind; actions first. Names as written in the file: scn_kind_names[]. */
enum scn_kind {
	SCN_WAIT,     /* action: sleep */
	SCN_DISABLE,  /* action: node's adapter down (Disable-NetAdapter) */
	SCN_ENABLE,   /* action: adapter up again, its routes restored */
	SCN_CUT,      /* action: cable cut: the far side down, the node loses carrier */
	SCN_RESTORE,  /* action: cable back */
	SCN_IMPAIR,   /* action: loss / black hole / rate / delay on an interface */
	SCN_CLEAR,    /* action: remove every impairment of an interface */
	SCN_KILL,     /* action: SIGKILL a node's daemon */
	SCN_STOP,     /* action: SIGSTOP a node's daemon */
	SCN_START,    /* action: SIGCONT a stopped daemon, or start a dead one again */
	SCN_WITHDRAW, /* action: speaker withdraws a prefix */
	SCN_ANNOUNCE, /* action: speaker announces a prefix */
	SCN_DRAIN,    /* action: speaker drains its prefixes (RFC 8326 community, or withdrawn) */
	SCN_UNDRAIN,  /* action: speaker puts them back in service */
	SCN_ACTION_LAST = SCN_UNDRAIN,
	SCN_ANSWERED,  /* expect: clients' latest answers come from (not) an instance */
	SCN_INSTANCES, /* expect: the set of instances answering the clients */
	SCN_NEXTHOPS,  /* expect: a node's kernel route to a prefix has N next hops */
	SCN_SESSION,   /* expect: a BGP session is (not) in a state */
	SCN_LOST,      /* expect: queries lost in a window, at most / at least */
	SCN_NO_ANSWER, /* expect: no answer at all for a while (a black hole) */
	SCN_STAYED,    /* expect: at most N (or N %) clients changed instance since the fault */
	SCN_KIND_COUNT,
};

extern const char *const scn_kind_names[SCN_KIND_COUNT];

/* BGP FSM states as the speaker's control socket names them (RFC 4271 8.2.2), plus "down". */
enum scn_session_state {
	SCN_SS_IDLE,
	SCN_SS_CONNECT,
	SCN_SS_ACTIVE,
	SCN_SS_OPENSENT,
	SCN_SS_OPENCONFIRM,
	SCN_SS_ESTABLISHED,
	SCN_SS_DOWN, /* anything but established, or the peer missing */
	SCN_SS_COUNT,
};
extern const char *const scn_session_state_names[SCN_SS_COUNT];

/* How the probes reach the server (probe.transport). */
enum scn_transport {
	SCN_TR_UDP,
	SCN_TR_TCP, /* one DNS-over-TCP connection per client, kept open (RFC 7766) */
	SCN_TR_COUNT,
};
extern const char *const scn_transport_names[SCN_TR_COUNT];

enum scn_identity {
	SCN_ID_TXT,  /* the answer's TXT text names the instance */
	SCN_ID_NSID, /* the NSID option (RFC 5001) names it */
};

/* Which probed clients an expectation is about (every condition given must hold). */
struct scn_clients {
	char **names; /* explicit list, or NULL */
	size_t n;
	char of[SCN_INST_MAX];	  /* "" or: the clients this instance answered
						   just before the latest fault */
	char site[TOPO_SITE_MAX]; /* "" or: clients whose node is in this site ... */
	bool not_site;		  /* ... or, when set, in any other site (or none) */
};

/* One target of an action: a node, or a node's interface. */
struct scn_target {
	char *node;
	char *iface; /* NULL for node actions */
};

struct scn_impair {
	int loss_pct; /* -1: unchanged; 0..100 */
	bool blackhole;
	uint64_t rate_kbit; /* 0: none */
	unsigned delay_ms;  /* needs netem */
	unsigned jitter_ms;
};

struct scn_step {
	enum scn_kind kind;
	char *label;		 /* given, or made from the step ("disable dc001:eth0") */
	char path[CFG_PATH_MAX]; /* "scenarios.failover.steps[3]" */
	/* targets */
	char *node;  /* node of iface, daemon or speaker (the first target's) */
	char *iface; /* interface name on node (the first target's) */
	/*
	 * An action's targets, in the order written: one, or the list given
	 * for "iface" or "node" (one fault over all of them). Empty for
	 * expectations; node and iface above are targets[0]'s.
	 */
	struct scn_target *targets;
	size_t ntargets;
	char daemon[32];      /* kill/stop/start: "bgp", "dns" or a service's name */
	struct prefix prefix; /* withdraw, announce, nexthops; drain, undrain (family 0: all) */
	struct ipaddr peer;   /* session */
	/* parameters */
	uint64_t duration_ms; /* wait: length; no_answer: window */
	uint64_t within_ms;   /* expectations: timeout */
	struct scn_impair impair;
	bool withdraw; /* drain: withdraw instead of tagging with GRACEFUL_SHUTDOWN */
	struct scn_clients clients;
	char by[SCN_INST_MAX];		 /* answered: "" or the instance */
	char not_by[SCN_INST_MAX];	 /* answered: "" or the instance to avoid */
	char by_site[TOPO_SITE_MAX];	 /* answered: "" or the site the instance must be in */
	char not_by_site[TOPO_SITE_MAX]; /* answered: "" or a site it must not be in */
	bool by_own_site;		 /* answered: the instance in the client's own site */
	unsigned min_pct;		 /* answered: share of the clients that must (100) */
	char **set;			 /* instances: the expected set */
	size_t nset;
	unsigned count;		      /* nexthops */
	enum scn_session_state state; /* session */
	int64_t lost_min;	      /* lost: -1 when not given */
	int64_t lost_max;
	int64_t stayed_max;	/* stayed: clients that may move, -1 when not given */
	int64_t stayed_max_pct; /* stayed: the same in percent of the selected, -1 */
	char *since;		/* lost, stayed: label of the step opening the window, or NULL */
};

struct scn_probe {
	char **clients;
	size_t nclients;
	struct ipaddr server; /* family 0: each client's first resolver */
	uint16_t port;
	char *qname;
	uint16_t qtype; /* 16 (TXT) by default */
	enum scn_identity identity;
	enum scn_transport transport;
	double rate; /* queries per second per client, MIN_RATE to 10000 */
	unsigned timeout_ms;
	uint64_t lead_in_ms; /* steady state probed before the first step */
};

struct scenario {
	char *name;
	char *description;
	struct scn_probe probe;
	struct scn_step *steps;
	size_t nsteps;
};

static inline bool
scn_is_action(enum scn_kind k)
{
	return k <= SCN_ACTION_LAST;
}

/* A fault action and the action that undoes it (disable/enable, ...); -1 for neither. */
int scn_undo_kind(enum scn_kind fault);
/* True when step b undoes step a (same kind pair and same target). */
bool scn_step_undoes(const struct scn_step *a, const struct scn_step *b);

/*
 * Parse scenario name out of a "scenarios" object found at path (normally
 * "scenarios"). topo may be NULL (no cross-checks). 0 with *out, or -1 with
 * every error in errs and nothing kept.
 */
int scenario_parse(const cJSON *scenarios, const char *path, const char *name,
    const struct topology *topo, struct scenario **out, struct cfg_errors *errs);

/*
 * Find and parse scenario name for a loaded topology: its own "scenarios", or
 * the file beside it. Initialises errs with the file the scenarios came from
 * (static storage, valid until the next call).
 */
int scenario_load(const struct topology *topo, const char *name, struct scenario **out,
    struct cfg_errors *errs);

/* "dir/lab.json" -> "dir/lab.scenarios.json" (malloc'd). */
char *scenario_beside_path(const char *topology_file);

/* Names of every scenario of a "scenarios" object, comma separated (malloc'd). */
char *scenario_names(const cJSON *scenarios);

void scenario_free(struct scenario *);

#endif
