/*
 * Kind "anybgpd": the pieces of its adapter (kind_anybgpd.c) that are pure
 * JSON or text in, text out, declared here so that
 * tests/kinds/test_kind_anybgpd.c checks them without a daemon: the drain
 * requests and their replies, and "status" read as convergence progress
 * (docs/anybgpd.md, Control commands).
 */
#ifndef ANYLAB_KIND_ANYBGPD_H
#define ANYLAB_KIND_ANYBGPD_H

#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>

#include "addr.h"
#include "kind.h"

/*
 * The control request: "drain community [PREFIX]", "drain withdraw
 * [PREFIX]" or "undrain [PREFIX]" (prefix NULL: every originated prefix).
 * 0, or EMU_ETRUNC when it does not fit.
 */
int anybgpd_drain_request(const struct prefix *, bool drain, bool withdraw, char *buf, size_t len);
/*
 * Its reply: {"ok":true,"drained":[...],"mode":"community"|"withdraw"} or
 * {"ok":true,"undrained":[...]} into one line in msg ("drained
 * 51.51.51.0/24 (GRACEFUL_SHUTDOWN community 65535:0)"); {"error":"..."}
 * is EMU_EREFUSED with the speaker's words in msg; anything else EMU_EPROTO.
 */
int anybgpd_drain_reply(const cJSON *reply, bool drain, char *msg, size_t msglen);
/* "status" as progress: peers, established, kernel_routes, pending, converged. */
void anybgpd_progress_parse(const cJSON *status, struct kind_bgp_progress *);

#endif
