/*
 * BIRD's control socket, spoken directly (no birdc): the "Remote control"
 * protocol of BIRD 2's user guide. The server greets with one reply
 * ("0001 BIRD 2.0.12 ready."); each command line gets one reply of
 * numbered lines: "DDDD-text" (more lines follow), " text" (another line
 * under the last code) and a final "DDDD text". Codes 0xxx: done; 1xxx: a
 * table entry; 2xxx: a table heading; 8xxx: a run-time error; 9xxx: a
 * parse error.
 */
#ifndef ANYLAB_BIRD_CTL_H
#define ANYLAB_BIRD_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define BIRD_REPLY_MAX (16u << 20) /* longest reply read (a full table) */

/* A reply decoded: its lines as birdc prints them, and the final line's code. */
struct bird_reply {
	struct strbuf text;
	int code; /* the final line's code, -1 before it came */
};

/*
 * Decode raw[0..len) (complete lines only) into r. Returns how many bytes
 * were consumed, with r->code set once the final line was read; -1 when a
 * line is not in BIRD's format.
 */
long bird_ctl_decode(const char *raw, size_t len, struct bird_reply *r);
/* Is code an error (8xxx run-time, 9xxx syntax)? */
bool bird_ctl_failed(int code);
/*
 * Connect to the socket, read the greeting, send cmd, read its reply. 0,
 * or a negative errno / emu error (EMU_EPROTO for a malformed reply,
 * -ETIMEDOUT past timeout_ms). r is filled on success; bird_reply_free it.
 */
int bird_ctl_call(const char *sock, const char *cmd, int timeout_ms, struct bird_reply *r);
void bird_reply_free(struct bird_reply *);

#endif
