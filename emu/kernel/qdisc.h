/*
 * An interface's root qdisc, through libnl-route-3, in the calling thread's
 * network namespace (run it inside the node's: lab_run_in): a tbf rate
 * limit, a netem delay with jitter, and back to the kernel's default. These
 * are the traffic-control half of a scenario's "impair" action (fault.c);
 * nft.h is the other half.
 *
 * Functions return 0 or an emu error (emu_error.h): EMU_EUNSUPPORTED when
 * the kernel (or libnl) has no netem qdisc, -ENODEV when there is no such
 * interface, another -errno when the kernel refused.
 */
#ifndef ANYLAB_QDISC_H
#define ANYLAB_QDISC_H

#include <stdbool.h>
#include <stdint.h>

/* A tbf root qdisc: rate_kbit out, a burst of 10 ms (two full frames at least), 50 ms queue. */
int kn_qdisc_rate(const char *iface, uint64_t rate_kbit);
/* A netem root qdisc: delay_ms (and jitter_ms) on every packet out. */
int kn_qdisc_delay(const char *iface, unsigned delay_ms, unsigned jitter_ms);
/* Remove the root qdisc; none there is not an error. */
int kn_qdisc_clear(const char *iface);
/* Can a netem qdisc be made here? Tried once on lo of a throw-away namespace; cached. */
bool kn_qdisc_have_netem(void);

#endif
