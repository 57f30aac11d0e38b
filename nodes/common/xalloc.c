/*
 * Allocation that cannot fail (xalloc.h): out of memory ends the process
 * with a message rather than a NULL dereference somewhere later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void
out_of_memory(void)
{
	fputs("out of memory\n", stderr);
	abort();
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		out_of_memory();
	return d;
}
