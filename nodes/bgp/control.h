/*
 * anybgpd's control commands over the control socket (nodes/common/ctl.h):
 * status, peers, routes [PREFIX], stats, announce PREFIX, withdraw PREFIX,
 * refresh PEER, reset PEER, reload. Each answers one JSON document; the
 * shapes are documented in docs/anybgpd.md.
 */
#ifndef ANYBGP_CONTROL_H
#define ANYBGP_CONTROL_H

#include "bgpd.h"
#include "strbuf.h"

int control_open(struct bgpd *, const char *path);
void control_close(struct bgpd *);
/* The dispatcher itself (ctl_handler), for tests and for -q on the command line. */
void control_handle(int argc, char **argv, struct strbuf *out, void *bgpd);

#endif
