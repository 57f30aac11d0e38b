/*
 * Scenario expectations (docs/scenarios.md, "Expectations"): which probed
 * clients a step is about, and whether the step holds, judged from the
 * clients' probe logs (answered, instances, lost, no_answer), a node's
 * kernel routes (nexthops, through kernel/netlink.c) or its speaker's
 * control socket (session). Every check writes a one-line detail through
 * textbuf.h. When to look is the runner's (runner.c): the polled kinds
 * until they hold or within_ms has passed, the window kinds once their
 * window is over.
 */
#ifndef ANYLAB_EXPECT_H
#define ANYLAB_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "results.h"
#include "scenario.h"
#include "topo.h"

/*
 * Sites, from the topology (docs/scenarios.md, "Sites"): a client's is its
 * node's "site"; an instance's is the site of the node whose dns.identity
 * (or, without one, whose name) it is. Looked up once per run.
 */
struct expect_site_inst {
	const char *identity;
	const char *site;
};
struct expect_sites {
	const char **client; /* per probed client, in the view's order: its site ("" none) */
	size_t nclients;
	struct expect_site_inst *inst; /* every node with a "dns" section, by identity */
	size_t ninst;
};

/* What an expectation looks at. */
struct expect_view {
	const char *lab;
	const struct topology *topo;	  /* the lab's (node kinds, sites) */
	const struct res_client *clients; /* the probed clients (their names) */
	const struct probe_log *logs;	  /* one per client, sorted */
	size_t nclients;
	int64_t last_fault_us;		  /* start of the latest fault action, 0: none */
	const struct expect_sites *sites; /* NULL: looked up in topo at each use */
};

/* The sites of topo's instances and of the n clients (NULL topo: none known). */
struct expect_sites *expect_sites_new(const struct topology *, const struct res_client *, size_t n);
void expect_sites_free(struct expect_sites *);
/* The site of probed client c, or of instance inst; "" when it has none or is unknown. */
const char *expect_client_site(const struct expect_view *, size_t c);
const char *expect_instance_site(const struct expect_view *, const char *inst);

/* Does the step look at the clients' answers (as opposed to a node)? */
bool expect_about_clients(const struct scn_step *);
/* Does the step judge a window (lost, no_answer, stayed) rather than poll? */
bool expect_is_window(const struct scn_step *);

/*
 * The clients a step is about: every probed client, narrowed by its list,
 * by clients_of (the clients answered by that instance just before the
 * latest fault, or before the step when no fault came yet) and by site or
 * not_site (the client node's site). sel[] gets one flag per client;
 * returns how many were selected. When none were, detail says why.
 */
size_t expect_select(const struct expect_view *, const struct scn_step *, int64_t step_start,
    bool *sel, char *detail, size_t len);
/* "client1, client2": the selected clients' names. */
void expect_selection_names(const struct expect_view *, const bool *sel, char *buf, size_t len);

/*
 * A polled expectation (answered, instances, nexthops, session), looked at
 * once: answers to queries sent since since_us. True when it holds.
 */
bool expect_check(const struct expect_view *, const struct scn_step *, const bool *sel,
    int64_t since_us, char *detail, size_t len);

/*
 * A window expectation once its window [from_us, to_us) is over and every
 * query sent in it was decided: lost (at most / at least), no_answer, or
 * stayed (how many clients were answered in the window by an instance other
 * than the one that answered them last before from_us). names:
 * expect_selection_names. True when it holds.
 */
bool expect_window(const struct expect_view *, const struct scn_step *, const bool *sel,
    const char *names, int64_t from_us, int64_t to_us, char *detail, size_t len);

#endif
