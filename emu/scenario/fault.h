/*
 * Faults a scenario injects into a running lab (docs/scenarios.md,
 * "Actions"): an adapter disabled or enabled and a cable cut or restored
 * (through the lab core's lab_link_set), packet loss and silent black holes
 * (nftables netdev ingress and egress chains on the node's interface, loss
 * with numgen random: kernel/nft.c), rate limits (tbf) and delay and jitter
 * (netem, only where the kernel has it: kernel/qdisc.c), a node's daemon
 * killed, stopped or started (by the pid the lab's record holds), a
 * prefix withdrawn or announced through the speaker's control socket, and
 * a speaker drained or undrained (its kind's bgp_drain: RFC 8326
 * GRACEFUL_SHUTDOWN, or withdrawal).
 */
#ifndef ANYLAB_FAULT_H
#define ANYLAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

struct topology;

/*
 * Apply one action step to lab (built from topo), to each of its targets
 * in the order written (one fault). Returns 0 or an emu error
 * (emu_error.h): EMU_EUNSUPPORTED only when the kernel lacks what the step
 * needs (netem) or the node's BGP kind cannot drain the way the step asks;
 * -ENOENT when the node's namespace is gone; any other code when the
 * action could not be applied. msg gets a one-line description of
 * what was done, or why not.
 */
int fault_apply(const char *lab, const struct topology *topo, const struct scn_step *step,
    char *msg, size_t msglen);

/* Does the kernel have the netem qdisc? Tried in a throw-away namespace; cached. */
bool fault_have_netem(void);

#endif
