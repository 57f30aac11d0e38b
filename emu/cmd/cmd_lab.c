/*
 * The exit statuses of the verbs that act on a lab (lab.h, last section):
 * the lab core answers with emu errors (emu_error.h), a verb ends with an
 * exit status (anylab.h, part of the interface: docs/anylab.md). The
 * table is up's, whose failures have the most statuses; the other verbs
 * tell one error of their own from EXIT_FAIL.
 */
#include <errno.h>

#include "anylab.h"
#include "lab.h"

static const struct {
	int err;
	int status;
} lab_exit_statuses[] = {
	{ EMU_EARG, EXIT_USAGE },
	{ -EEXIST, EXIT_EXISTS },
	{ EMU_ENOLAB, EXIT_NOLAB },
	{ EMU_EMISSING, EXIT_MISSING },
	{ -EPERM, EXIT_NOPRIV },
	{ EMU_EDAEMON, EXIT_DAEMON },
	{ EMU_EBUSY, EXIT_BUSY },
};

int
lab_exit_status(int err)
{
	if (err >= 0)
		return EXIT_OK;
	for (size_t i = 0; i < sizeof(lab_exit_statuses) / sizeof(lab_exit_statuses[0]); i++) {
		if (lab_exit_statuses[i].err == err)
			return lab_exit_statuses[i].status;
	}
	return EXIT_FAIL; /* the kernel or the system refused */
}

int
lab_resolve(const char *name, char *out, size_t len)
{
	int err = lab_find(name, out, len);

	return err == 0 ? EXIT_OK : err == EMU_ENOLAB ? EXIT_NOLAB : EXIT_FAIL;
}

int
lab_up(struct topology *t, const struct lab_up_opts *o, struct lab_up_result *res)
{
	return lab_exit_status(lab_build(t, o, res));
}

/*
 * The statuses down and link share: no such lab, needs root, the lab busy;
 * anything else the system refused is EXIT_FAIL.
 */
static int
lab_change_status(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case EMU_ENOLAB:
		return EXIT_NOLAB;
	case -EPERM:
		return EXIT_NOPRIV;
	case EMU_EBUSY:
		return EXIT_BUSY;
	default:
		return EXIT_FAIL;
	}
}

int
lab_down(const char *lab, bool quiet)
{
	return lab_change_status(lab_remove(lab, quiet));
}

int
lab_link_set(const char *lab, const char *spec, bool up, bool cut)
{
	int err = lab_link_change(lab, spec, up, cut);

	return err == EMU_EARG ? EXIT_USAGE : lab_change_status(err);
}
