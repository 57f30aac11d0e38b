/*
 * Libraries loaded at run time (dlopen) by the code paths that need them:
 * libpcap for captures (capture.c), libnftables for loss and black holes
 * (fault.c). anylab does not link them, so the verbs that never capture or
 * impair (up, down, status, exec, ...) start without their 15 dependent
 * shared objects (docs/bench/lab.md). Each user resolves its few symbols
 * through a table; a missing library or symbol is a clear error naming the
 * library, the Debian package that provides it and what needs it.
 */
#ifndef ANYLAB_DYNLIB_H
#define ANYLAB_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

/* One symbol to resolve: its name and where its address goes. */
struct dynlib_sym {
	const char *name;
	void **addr; /* (void **)&table.function */
};

struct dynlib {
	const char *const *sonames; /* tried in order, NULL-terminated */
	const char *package;	    /* the Debian package, for the error */
	const struct dynlib_sym *syms;
	size_t nsyms;
	/* set by dynlib_load */
	void *handle;
	bool tried;
	char error[256];
};

/*
 * Load the library (the first call only; later calls return the first
 * outcome) and resolve every symbol. 0, or -1 with lib->error saying which
 * library or symbol is missing and which package provides it.
 */
int dynlib_load(struct dynlib *lib);

#endif
