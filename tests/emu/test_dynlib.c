/*
 * Unit tests of dynlib (run-time loading of libpcap and libnftables): a
 * library that loads gives the real functions; a missing library or symbol
 * is an error naming it and the package to install, and stays an error.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "dynlib.h"

static size_t (*fn_strlen)(const char *);
static int (*fn_strcmp)(const char *, const char *);

Test(dynlib, resolves_real_functions)
{
	static const char *const names[] = { "libnosuch-anylab.so.9", "libc.so.6", NULL };
	const struct dynlib_sym syms[] = {
		{ "strlen", (void **)&fn_strlen },
		{ "strcmp", (void **)&fn_strcmp },
	};
	struct dynlib lib = { .sonames = names, .package = "libc6", .syms = syms, .nsyms = 2 };

	cr_assert_eq(dynlib_load(&lib), 0, "%s", lib.error);
	cr_assert_not_null(fn_strlen);
	cr_expect_eq(fn_strlen("anylab"), 6);
	cr_expect_eq(fn_strcmp("a", "a"), 0);
	/* Loaded once: a second call answers the same. */
	cr_expect_eq(dynlib_load(&lib), 0);
}

Test(dynlib, missing_library_is_named)
{
	static const char *const names[] = { "libnosuch-anylab.so.9", "libnosuch-anylab.so", NULL };
	const struct dynlib_sym syms[] = { { "strlen", (void **)&fn_strlen } };
	struct dynlib lib = { .sonames = names, .package = "libnosuch9", .syms = syms, .nsyms = 1 };

	cr_assert_eq(dynlib_load(&lib), -1);
	cr_expect(strstr(lib.error, "libnosuch-anylab.so.9") != NULL, "%s", lib.error);
	cr_expect(strstr(lib.error, "package libnosuch9") != NULL, "%s", lib.error);
	cr_expect_eq(dynlib_load(&lib), -1, "a failed load stays failed");
}

Test(dynlib, missing_symbol_is_named)
{
	static const char *const names[] = { "libc.so.6", NULL };
	void *nothing = NULL;
	const struct dynlib_sym syms[] = {
		{ "strlen", (void **)&fn_strlen },
		{ "anylab_no_such_function", &nothing },
	};
	struct dynlib lib = { .sonames = names, .package = "libc6", .syms = syms, .nsyms = 2 };

	cr_assert_eq(dynlib_load(&lib), -1);
	cr_expect(strstr(lib.error, "anylab_no_such_function") != NULL, "%s", lib.error);
	cr_expect(lib.handle == NULL);
}
