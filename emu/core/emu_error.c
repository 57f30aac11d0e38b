/*
 * emu_strerror: names of anylab's own error codes (emu_error.h); the
 * refusals of fileio.h say themselves; negated errno values go to strerror().
 */
#include <errno.h>
#include <string.h>

#include "emu_error.h"
#include "fileio.h"

static const char *const emu_error_names[] = {
	[0] = "not supported by this kernel or build",
	[1] = "invalid configuration",
	[2] = "program not installed",
	[3] = "daemon did not start or answer",
	[4] = "unreadable answer from a daemon",
	[5] = "refused by the daemon",
	[6] = "command failed",
	[7] = "text too long for its buffer",
	[8] = "no such lab",
	[9] = "invalid argument",
	[10] = "the lab is busy: another anylab command is changing it",
};

const char *
emu_strerror(int err)
{
	int i = -err - EMU_EBASE;

	if (err >= 0)
		return err == 0 ? "success" : "unknown error";
	if (i >= 0 && i < (int)(sizeof(emu_error_names) / sizeof(emu_error_names[0])))
		return emu_error_names[i];
	if (err == FILE_ENOTREG || err == FILE_ENOTOURS || err == -ELOOP) {
		static char buf[96];

		return file_strerror(err, 0, buf, sizeof(buf));
	}
	if (-err < EMU_EBASE)
		return strerror(-err);
	return "unknown error";
}
