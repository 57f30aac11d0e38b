/*
 * Scaffolding for the BGP namespace tests that build their own namespaces
 * (tests/bgp/root_laba.c, root_malformed.c; the interop tests run labs
 * instead, helper_lab.h): uniquely named namespaces and veth pairs (both ends
 * created inside the test's own namespaces), anybgpd started inside them by
 * fork + setns + exec and killed by pid, a temporary directory for configs
 * and sockets, and queries of anybgpd's control socket. Everything a test
 * makes is recorded and removed by tn_cleanup(), which also runs at exit.
 * tn_kernel_nexthops() and TN_WAIT serve the interop tests too.
 */
#ifndef ANYLAB_TEST_HELPER_NETNS_H
#define ANYLAB_TEST_HELPER_NETNS_H

#include <stdbool.h>
#include <sys/types.h>
#include <cJSON.h>

#define TN_MAX_NS    8
#define TN_MAX_PROCS 16

struct tnet {
	char prefix[32]; /* namespace name prefix, unique per process */
	char dir[128];	 /* temporary directory */
	char ns[TN_MAX_NS][48];
	int nns;
	pid_t pids[TN_MAX_PROCS];
	int npids;
};

/* NULL when the test cannot run here (not root); *why says why. */
bool tn_can_run(const char **why);
int tn_init(struct tnet *, const char *tag);
void tn_cleanup(struct tnet *);

/* Creates namespace PREFIX-name (lo up); returns its full name. */
const char *tn_ns(struct tnet *, const char *name);
/* veth pair: if1 in ns1, if2 in ns2, both up. */
int tn_veth(struct tnet *, const char *ns1, const char *if1, const char *ns2, const char *if2);
/* Address on an interface (IPv6 without duplicate address detection). */
int tn_addr(const char *ns, const char *ifname, const char *cidr);
/* Shell command (for scaffolding only); exit status. */
int tn_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Its standard output (caller frees), NULL on failure. */
char *tn_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Path of a file in the test directory (rotating static buffers). */
const char *tn_path(struct tnet *, const char *name);
int tn_write(struct tnet *, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* SIGTERM, then SIGKILL after 3 s; the exit status (or -1). */
int tn_kill(struct tnet *, pid_t);

/* Starts anybgpd with config NAME.json, socket NAME.ctl, log NAME.log in the test dir. */
pid_t tn_anybgpd_start(struct tnet *, const char *ns, const char *name);

/* One control request, the reply parsed (caller deletes), NULL on failure. */
cJSON *tn_ctl(struct tnet *, const char *name, const char *request);
/* Numeric or string field of anybgpd's peer entry for addr; -1 / "" when absent. */
double tn_peer_num(struct tnet *, const char *name, const char *addr, const char *field);
bool tn_peer_state(struct tnet *, const char *name, const char *addr, const char *state);
/* Count of routes (paths) anybgpd holds for prefix; with best_only, selected ones. */
int tn_routes(struct tnet *, const char *name, const char *prefix, bool best_only);

/* Next hops of the kernel route to prefix in ns (0: none) via `ip -j route`. */
int tn_kernel_nexthops(const char *ns, const char *prefix, const char *proto);

/* Polls cond every 50 ms until true or timeout; returns the last result. */
#define TN_WAIT(timeout_ms, cond) \
	({ \
		bool tn_ok_ = false; \
		for (int tn_i_ = 0; tn_i_ <= (timeout_ms) / 50; tn_i_++) { \
			if ((cond)) { \
				tn_ok_ = true; \
				break; \
			} \
			usleep(50000); \
		} \
		tn_ok_; \
	})

#endif
