/*
 * Faults a scenario injects into a running lab (docs/scenarios.md,
 * "Actions"): an adapter disabled or enabled and a cable cut or restored
 * (through the lab core's lab_link_set), packet loss and silent black holes
 * (nftables netdev ingress and egress chains on the node's interface, loss
 * with numgen random), rate limits (tbf through libnl-route-3), delay and
 * jitter (netem, only where the kernel has it), a node's daemon killed,
 * stopped or started (by the pid the lab's record holds), and a prefix
 * withdrawn or announced through the speaker's control socket.
 */
#ifndef ANYLAB_FAULT_H
#define ANYLAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

struct topology;

enum fault_result {
	FAULT_OK = 0,
	FAULT_ERROR = -1,	/* msg says why */
	FAULT_UNSUPPORTED = -2,	/* the kernel lacks what it needs (netem); msg says what */
};

/*
 * Apply one action step to lab (built from topo). Returns a fault_result
 * with a one-line description or error in msg.
 */
int	fault_apply(const char *lab, const struct topology *topo, const struct scn_step *step,
	    char *msg, size_t msglen);

/* Does the kernel have the netem qdisc? Tried in a throw-away namespace; cached. */
bool	fault_have_netem(void);

#endif
