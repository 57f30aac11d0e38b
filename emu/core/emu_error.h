/*
 * The one error type of the anylab command (libnl's NLE_*, Knot's KNOT_E*):
 * every emu function that can fail returns 0 for success or a negative
 * code. System errors keep their errno value (-ENOENT, -EPERM...); the
 * codes of anylab's own start at EMU_EBASE, far from any errno, so that
 * "the namespace is gone" (-ENOENT) never reads as "the kernel lacks it"
 * (EMU_EUNSUPPORTED). emu_strerror() names both.
 */
#ifndef ANYLAB_EMU_ERROR_H
#define ANYLAB_EMU_ERROR_H

#define EMU_EBASE 4096

enum emu_error {
	EMU_OK = 0,
	EMU_EUNSUPPORTED = -(EMU_EBASE + 0), /* this kernel or build lacks the feature */
	EMU_ECONFIG = -(EMU_EBASE + 1),	     /* a file or section is invalid */
	EMU_EMISSING = -(EMU_EBASE + 2),     /* a program or package is not installed */
	EMU_EDAEMON = -(EMU_EBASE + 3),	     /* a daemon did not start or answer */
	EMU_EPROTO = -(EMU_EBASE + 4),	     /* a daemon's answer could not be read */
	EMU_EREFUSED = -(EMU_EBASE + 5),     /* a daemon refused the request */
	EMU_ECOMMAND = -(EMU_EBASE + 6),     /* a command ran and failed (exit status) */
	EMU_ETRUNC = -(EMU_EBASE + 7),	     /* a text did not fit its buffer */
	EMU_ENOLAB = -(EMU_EBASE + 8),	     /* no such lab (not up, or not a lab name) */
	EMU_EARG = -(EMU_EBASE + 9),	     /* an argument names nothing usable */
	EMU_EBUSY = -(EMU_EBASE + 10),	     /* another anylab command is changing the lab */
	EMU_ELAST = -(EMU_EBASE + 11),
};

/* Text for an emu error or a negated errno value (static storage). */
const char *emu_strerror(int err);

#endif
