/*
 * fault_apply's errors (emu/scenario/fault.h) without root: impairing or
 * clearing a node whose namespace does not exist (a lab that is gone, or
 * a namespace deleted under it) is -ENOENT with a message saying so, never
 * EMU_EUNSUPPORTED (which the runner reports as "unsupported": the kernel
 * lacks it). Before fault.c used emu errors, do_impair returned -ENOENT in
 * the space of FAULT_UNSUPPORTED (-2), with an empty message.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "emu_error.h"
#include "fault.h"

Test(fault, impair_on_a_gone_namespace_is_enoent_not_unsupported)
{
	struct scn_step st = { .kind = SCN_IMPAIR,
		.node = "s",
		.iface = "eth0",
		.impair = { .loss_pct = 30 } };
	char msg[256];
	int err;

	err = fault_apply("hsgone0", NULL, &st, msg, sizeof(msg));
	cr_assert_eq(err, -ENOENT, "%d: %s", err, emu_strerror(err));
	cr_assert_neq(err, EMU_EUNSUPPORTED);
	cr_assert_str_eq(msg, "s's namespace is gone (No such file or directory)");

	st.kind = SCN_CLEAR;
	err = fault_apply("hsgone0", NULL, &st, msg, sizeof(msg));
	cr_assert_eq(err, -ENOENT);
	cr_assert_not_null(strstr(msg, "namespace is gone"), "%s", msg);
}

Test(fault, delay_with_rate_is_a_config_error)
{
	struct scn_step st = { .kind = SCN_IMPAIR,
		.node = "s",
		.iface = "eth0",
		.impair = { .loss_pct = -1, .delay_ms = 10, .rate_kbit = 100 } };
	char msg[256];

	cr_assert_eq(fault_apply("hsgone0", NULL, &st, msg, sizeof(msg)), EMU_ECONFIG);
	cr_assert_not_null(strstr(msg, "not supported; use two steps"), "%s", msg);
}
