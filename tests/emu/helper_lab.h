/*
 * Helpers for the emu tests: unique lab names, running the anylab binary,
 * test topologies derived from Lab A, UDP exchanges between nodes.
 */
#ifndef ANYLAB_TEST_HELPER_LAB_H
#define ANYLAB_TEST_HELPER_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>

/* Skip (cr_skip_test) unless root and ANYLAB_BUILD_DIR/bin/anylab exists. */
void hl_require_root(void);
/* A lab name unique to this process: "t" + tag + pid digits (at most 11 chars). */
const char *hl_lab_name(char tag, char *buf, size_t len);
/* Path of a source file: $ANYLAB_SOURCE_DIR/rel. */
const char *hl_source(const char *rel, char *buf, size_t len);
/*
 * Run anylab with args (NULL-terminated); its standard output in *out
 * (malloc'd, may be NULL), standard error passed through. Exit status, or
 * -1 when it could not run.
 */
int hl_anylab(char **out, const char *arg, ...) __attribute__((sentinel));
/* Start anylab with args without waiting; pid. */
int hl_anylab_start(const char *arg, ...) __attribute__((sentinel));
/*
 * Lab A (topologies/anycast-lab.json) without its bgp/dns sections, plus a
 * static route on the gateway to 51.51.51.0/24 via 10.10.10.1, written to a
 * temporary file whose path is put in buf.
 */
const char *hl_lab_a_static(char *buf, size_t len);
/* A generated topology of n nodes (LANs of 10 plus a chain), written to a temp file. */
const char *hl_generated(size_t n, char *buf, size_t len);
/* Write text to a temporary file. */
const char *hl_write_temp(const char *text, char *buf, size_t len);
/*
 * Send one UDP datagram from node `from` to dst:port and receive it on node
 * `to` (bound to the wildcard address). true when it arrived (three tries of
 * 1 s); the source address seen by the receiver goes into src.
 */
bool hl_udp(const char *lab, const char *from, const char *to, const char *dst, char *src,
    size_t srclen);
/* true when one datagram sent that way does not arrive within 300 ms. */
bool hl_udp_blocked(const char *lab, const char *from, const char *to, const char *dst);
/* `anylab status LAB --json`, parsed. */
cJSON *hl_status(const char *lab);
/* The interface object of node:iface in a status document. */
const cJSON *hl_status_iface(const cJSON *doc, const char *node, const char *iface);
/* Does the node have a route to dst (a "dst" string of status --json)? */
bool hl_status_has_route(const cJSON *doc, const char *node, const char *dst);
/* Anything left of a lab: namespaces LAB-* or LAB.sw, /etc/netns/LAB-*, /run/anylab/LAB. */
bool hl_leftovers(const char *lab, char *what, size_t len);

#endif
