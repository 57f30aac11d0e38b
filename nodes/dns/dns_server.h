/*
 * anydnsd's transport: worker threads, each with its own event loop and its
 * own SO_REUSEPORT UDP and TCP sockets, answering from a zone set they share
 * read-only. UDP uses recvmmsg/sendmmsg and IP_PKTINFO/IPV6_PKTINFO so that
 * a reply leaves from the address the query was sent to (the anycast address
 * on lo, not the node's unicast address) even on a wildcard socket, which
 * also serves addresses added after start. TCP follows RFC 7766: 2-octet
 * length prefix, several queries per connection, pipelined and answered in
 * order, an idle timeout, a bound on open connections.
 *
 * The main thread (control socket, signals) hands a new zone set to every
 * worker through its command pipe; each worker drops its reference to the
 * old set when it takes the new one, so a reload drops no query.
 */
#ifndef ANYLAB_DNS_SERVER_H
#define ANYLAB_DNS_SERVER_H

#include <stdint.h>

#include "dns_config.h"
#include "dns_zone.h"
#include "evloop.h"
#include "strbuf.h"

struct dns_server;

/*
 * Open every worker's sockets (errors are returned, nothing left open) and
 * keep zs (the caller's reference passes to the server). identity: NSID and
 * CHAOS text. NULL on error with a message in err.
 */
struct dns_server *dns_server_new(const struct dns_config *cfg, const char *identity,
    struct dns_zoneset *zs, char *err, size_t errlen);
/* Start the worker threads. 0 or -errno. */
int dns_server_start(struct dns_server *);
/* Stop and join the workers, close every socket, free everything. */
void dns_server_free(struct dns_server *);

/* Hand a new zone set to every worker (the caller's reference passes to the server). */
void dns_server_set_zones(struct dns_server *, struct dns_zoneset *zs);
const struct dns_zoneset *dns_server_zones(const struct dns_server *);
unsigned dns_server_workers(const struct dns_server *);

/*
 * The workers' log lines (client errors) go through the main thread, which
 * watches this descriptor (readable when a line is waiting) and then calls
 * dns_server_flush_logs to write them; main thread only. No timer: an idle
 * server never wakes the main thread.
 */
int dns_server_log_fd(const struct dns_server *);
void dns_server_flush_logs(struct dns_server *);

/* Aggregated counters as a JSON object (the control socket's `stats`). */
void dns_server_stats_json(const struct dns_server *, struct strbuf *);

#endif
