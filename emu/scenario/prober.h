/*
 * The prober: one process that probes every client of a run. For each
 * client it opens a socket inside the client's network namespace (setns
 * there, socket(), setns back: a socket stays in the namespace it was made
 * in), then serves all of them from one epoll loop on one schedule
 * (probe_sched.h), each client querying its server at the rate with its own
 * DNS ids and timeout, over UDP or over one DNS-over-TCP connection kept
 * open per client (RFC 7766; a connection that breaks is counted, closed
 * and opened again). Every query's fate, and every broken connection, goes
 * to one log (probe.h has its format), which the runner reads.
 */
#ifndef ANYLAB_PROBER_H
#define ANYLAB_PROBER_H

#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "probe.h"
#include "scenario.h"

struct prober_client {
	char name[PROBE_CLIENT_MAX]; /* node name, for the log */
	char netns[256];	     /* LAB-NODE */
	struct ipaddr server;
};

struct prober_cfg {
	const struct prober_client *clients;
	size_t nclients;
	uint16_t port;
	const char *qname;
	uint16_t qtype;
	enum scn_identity identity;
	enum scn_transport transport;
	double rate; /* queries per second per client (0.1 and up) */
	unsigned timeout_ms;
	uint64_t duration_ms; /* 0: until SIGTERM */
	char log_path[512];
};

/* File descriptors the prober needs for n clients. */
size_t prober_fds_needed(size_t nclients);
/*
 * Raise the calling process's RLIMIT_NOFILE soft limit (up to the hard
 * limit) to prober_fds_needed(n); the child inherits it. 0, or -EMFILE
 * with why[] saying how many are needed and what the hard limit is.
 */
int prober_raise_nofile(size_t nclients, char *why, size_t len);
/*
 * Fork the prober (on this process's realtime anchor, anylab.h). It opens
 * every client's socket, creates the log (truncating) and probes until
 * SIGTERM (or duration_ms), then waits for the queries in flight to be
 * answered or time out, and exits 0. Returns its pid or -errno; it reports
 * its own setup errors on stderr and exits 1.
 */
pid_t prober_start(const struct prober_cfg *);
/* SIGTERM it and wait (at most timeout + 2 s, then SIGKILL). 0 or -errno. */
int prober_stop(pid_t, unsigned timeout_ms);
/* The prober's loop in the calling process. 0 or -errno. */
int prober_run(const struct prober_cfg *);

#endif
