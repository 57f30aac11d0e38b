/*
 * FRR's vty socket (the UNIX socket vtysh talks to, DAEMON.vty in the
 * folder given by --vty_socket): a client that needs no vtysh process.
 * One session is one connection; each command is sent as its text ended by
 * a NUL byte, and the daemon answers with the command's output followed by
 * three NUL bytes and the command's return code (0: success; FRR's
 * CMD_WARNING 1, CMD_ERR_NO_MATCH 2, CMD_WARNING_CONFIG_FAILED 13...).
 * A session starts in FRR's view node: "enable" first for anything else.
 */
#ifndef ANYLAB_FRR_VTY_H
#define ANYLAB_FRR_VTY_H

#include <stddef.h>

#define FRR_VTY_OUT_MAX (16u << 20) /* most output one command may give */

struct frr_vty {
	int fd;
	long long deadline_us; /* emu_now_us() after which every call fails */
};

/*
 * Connect to the socket at path; timeout_ms bounds the whole session.
 * 0 or -errno (-ENOENT: no daemon has made the socket yet).
 */
int frr_vty_open(struct frr_vty *, const char *path, int timeout_ms);
/*
 * Run one command. *out (caller frees, NUL-terminated) gets its output and
 * *rc its return code. 0 when the daemon answered (whatever *rc says),
 * -ETIMEDOUT, EMU_EPROTO (connection closed or garbled), EMU_ETRUNC.
 */
int frr_vty_exec(struct frr_vty *, const char *cmd, char **out, int *rc);
void frr_vty_close(struct frr_vty *);

/*
 * One session: "enable", then cmd. Returns 0 with *out when the command's
 * return code was 0, EMU_EREFUSED with *out holding FRR's error text when
 * it was not, or another error (then *out is NULL).
 */
int frr_vty_query(const char *path, const char *cmd, int timeout_ms, char **out);

#endif
