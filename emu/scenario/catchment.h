/*
 * The catchment of a scenario run (docs/scenarios.md, "Catchment"): for
 * each fault, which instance every probed client reached before, during
 * and after it, as a sparse matrix of client site x instance; how many
 * clients each instance served in each phase; the failover time's
 * distribution across the affected clients; and the collateral moves,
 * clients whose instance did not fail but who moved anyway. Pure
 * arithmetic on measure.c's per-client figures (struct meas_client), no
 * I/O; unit-tested on synthetic logs (tests/scenario/test_catchment.c).
 *
 * Linear in the clients: the clients are bucketed by site once, names are
 * found through hash tables, and a fault costs O(clients + instances).
 */
#ifndef ANYLAB_CATCHMENT_H
#define ANYLAB_CATCHMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measure.h"
#include "scenario.h"

#define CATCH_NONE     UINT32_MAX /* no answer in a phase, or an unknown name */
#define CATCH_LIST_MAX 100	  /* clients named in a list of the results; counts are whole */

enum catch_phase {
	CATCH_BEFORE,
	CATCH_DURING,
	CATCH_AFTER,
	CATCH_PHASES,
};
extern const char *const catch_phase_names[CATCH_PHASES];

/* What happened to one client in one fault (struct catch_fault's flags). */
enum {
	CATCH_OF_FAILED = 1 << 0,    /* its before instance is one the fault took down */
	CATCH_MOVED_DURING = 1 << 1, /* answered by another instance than before during the fault */
	CATCH_MOVED_BACK = 1 << 2,   /* after the undo its instance is not the one before */
	CATCH_COLLATERAL_DURING = 1 << 3, /* moved during, though its instance did not fail */
	CATCH_COLLATERAL_BACK = 1 << 4,	  /* moved at fail-back, though its instance did not fail */
};

struct catch_instance {
	char name[SCN_INST_MAX]; /* the identity the probes log */
	const char *node;	 /* the node it runs on, NULL when the topology has no such */
	const char *site;	 /* that node's site, "" when none */
};

/* One cell of a matrix: clients of row (a site) answered by inst (CATCH_NONE: unanswered). */
struct catch_cell {
	uint32_t row;
	uint32_t inst;
	uint32_t n;
};

#define CATCH_PERCENTILES \
	"nearest rank (the smallest value with at least p% of the values at or below it); " \
	"median: the middle value, the mean of the two middle values for an even count"

/* Failover times across clients; every figure -1 when n is 0. */
struct catch_dist {
	size_t n;
	int64_t median_us; /* the mean of the two middle values when n is even */
	int64_t p90_us;	   /* nearest rank: the ceil(p/100 * n)-th smallest */
	int64_t p99_us;
	int64_t max_us;
};

struct catch_fault {
	bool has_after;	  /* undone: the after phase exists */
	size_t ninst;	  /* the instances known when it was added (load[] has as many) */
	uint32_t *failed; /* the instances the fault took down (indices), nfailed */
	size_t nfailed;
	uint32_t *inst[CATCH_PHASES]; /* per client: its instance in each phase, or CATCH_NONE */
	uint8_t *flags;		      /* per client: CATCH_* flags */
	/* Per phase: cells by row (in row order, then by instance index), per-instance load. */
	struct catch_cell *cells[CATCH_PHASES];
	size_t ncells[CATCH_PHASES];
	uint32_t *load[CATCH_PHASES]; /* per instance: clients it answered in the phase */
	size_t unanswered[CATCH_PHASES];
	size_t of_failed;	    /* clients whose before instance failed */
	size_t affected;	    /* measure.c's affected clients */
	size_t never;		    /* affected, and never answered by another instance */
	struct catch_dist failover; /* across the affected clients that failed over */
	size_t moved[2];	    /* clients that moved during the fault, at fail-back */
	size_t not_back;	    /* of_failed clients whose after instance is not before */
	uint32_t *collateral[2];    /* client indices, during and at fail-back, ascending */
	size_t ncollateral[2];
};

struct catch_slot;

struct catchment {
	size_t nclients;
	const char **client_names; /* the caller's strings, kept */
	uint32_t *client_row;	   /* per client: its row (site) */
	const char **rows;	   /* site names, "" for the clients without one */
	size_t nrows;
	uint32_t *row_start; /* clients of row r: by_row[row_start[r] .. row_start[r + 1]) */
	uint32_t *by_row;
	struct catch_instance *inst;
	size_t ninst;
	size_t instcap;
	uint32_t *order; /* instance indices by site, then name (catch_order) */
	struct catch_fault *faults;
	size_t nfaults;
	struct catch_slot *ihash; /* instance name -> index */
	size_t ihcap;
};

/*
 * Set up for n clients (the strings of names and sites are kept by
 * reference, not copied; a site "" or NULL: none). Rows are the sites in the order of their first client.
 */
void catch_init(struct catchment *, size_t n, const char *const *names, const char *const *sites);
/* An instance the topology knows: its identity, node and site. Its index. */
uint32_t catch_instance_add(struct catchment *, const char *name, const char *node,
    const char *site);
/*
 * Sort the instances into c->order, by site, then name: the output's
 * order. catch_fault_add does it; call it after adding instances without
 * a fault.
 */
void catch_order(struct catchment *);
/* The index of an instance, or CATCH_NONE. */
uint32_t catch_instance_find(const struct catchment *, const char *name);
/*
 * Add a fault: clients[] as meas_fault_client measured it (one per
 * client), has_after when it was undone, and the nodes it took down (the
 * targets of its action; the instances on them are the failed ones).
 * Instances that answered and were not added are added (node NULL).
 */
void catch_fault_add(struct catchment *, const struct meas_client *clients, bool has_after,
    const char *const *failed_nodes, size_t nfailed);
void catch_free(struct catchment *);
/* Clients inst answered in phase p of fault f (0 for an instance added later). */
uint32_t catch_load(const struct catch_fault *f, enum catch_phase p, uint32_t inst);

/* The distribution of v[0..n) (sorted in place). */
void catch_dist(int64_t *v, size_t n, struct catch_dist *out);

#endif
