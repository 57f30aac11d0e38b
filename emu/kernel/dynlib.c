/*
 * dlopen() of an optional library and its symbol table (dynlib.h). The
 * handle is kept for the life of the process (never dlclose'd: the
 * libraries keep state, and a capture child forked after the load shares
 * the mapping).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dynlib.h"

int
dynlib_load(struct dynlib *lib)
{
	char why[200] = "";
	size_t i;

	if (lib->tried)
		return lib->handle != NULL ? 0 : -1;
	lib->tried = true;
	for (i = 0; lib->sonames[i] != NULL && lib->handle == NULL; i++) {
		lib->handle = dlopen(lib->sonames[i], RTLD_NOW | RTLD_LOCAL);
		/* The first failure says most; the next dlopen frees dlerror()'s text: copy. */
		if (lib->handle == NULL && why[0] == '\0') {
			const char *e = dlerror();

			snprintf(why, sizeof(why), "%s", e != NULL ? e : "not found");
		}
	}
	if (lib->handle == NULL) {
		snprintf(lib->error, sizeof(lib->error),
		    "cannot load %s (%s; install the Debian "
		    "package %s)",
		    lib->sonames[0], why, lib->package);
		return -1;
	}
	for (i = 0; i < lib->nsyms; i++) {
		dlerror();
		*lib->syms[i].addr = dlsym(lib->handle, lib->syms[i].name);
		if (*lib->syms[i].addr == NULL) {
			snprintf(lib->error, sizeof(lib->error),
			    "%s has no symbol %s (a version "
			    "of %s too old?)",
			    lib->sonames[0], lib->syms[i].name, lib->package);
			dlclose(lib->handle);
			lib->handle = NULL;
			return -1;
		}
	}
	return 0;
}
