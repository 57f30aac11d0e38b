/*
 * Control socket protocol shared by the daemons and anylab.
 *
 * A UNIX stream socket. The client sends one request line: a command word and
 * its arguments separated by spaces, ended by '\n' (at most CTL_LINE_MAX
 * bytes). The daemon answers with one JSON document and closes the
 * connection. Errors are {"error": "..."}. A daemon serves many clients at
 * once, each through the event loop, so a slow reader never blocks it.
 */
#ifndef ANYLAB_CTL_H
#define ANYLAB_CTL_H

#include "evloop.h"
#include "strbuf.h"

#define CTL_LINE_MAX	4096
#define CTL_MAX_ARGS	32
/* Only its owner (root, for the labs' daemons) may connect: umask or not. */
#define CTL_SOCKET_MODE 0600

/* argv[0] is the command. Write the JSON reply into out. */
typedef void (*ctl_handler)(int argc, char **argv, struct strbuf *out, void *arg);

struct ctl_server;

/*
 * Removes a stale socket at path first; the new one has mode
 * CTL_SOCKET_MODE. NULL on error (errno set).
 */
struct ctl_server *ctl_listen(struct ev_loop *, const char *path, ctl_handler, void *arg);
void ctl_close(struct ctl_server *); /* closes clients, unlinks the path */

/* Client side: one request, the whole reply in *reply (caller frees). 0 or -errno. */
int ctl_call(const char *path, const char *request, char **reply, int timeout_ms);

/* Helper for handlers: {"error": msg}. */
void ctl_reply_error(struct strbuf *out, const char *msg);

#endif
